//! What several capabilities share, at the bottom of the dependency graph: roles and account
//! statuses, the validation errors every form shows, and the six RIASEC interest areas. Nothing
//! here imports a capability module (docs/architecture.md draws the graph).

pub mod money;
pub mod riasec;
mod role;
mod validation;

pub use money::{Currency, Money};
pub use role::{Role, UserStatus};
pub use validation::{FieldErrors, Parse, ValidationError};

/// An enum mirrored from a PostgreSQL enum, with the key used in addresses and forms and a label
/// for people (resources' and roadmaps' kinds and statuses).
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $sql:literal, [$($variant:ident => $key:literal, $label:literal),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(type_name = $sql, rename_all = "snake_case"))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The value in addresses and forms.
            pub fn key(self) -> &'static str { match self { $($name::$variant => $key),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            /// `None` for anything that is not one of the keys.
            pub fn from_key(key: &str) -> Option<$name> { Self::ALL.iter().copied().find(|value| value.key() == key.trim()) }
        }
    };
}
pub(crate) use labelled_enum;

/// Text made safe to place in HTML, in element content or a quoted attribute (server-written
/// HTML outside Leptos's views: the sandbox's pages, emails).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
