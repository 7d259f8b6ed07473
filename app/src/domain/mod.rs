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

/// Text made safe to place in HTML, in element content or a quoted attribute (server-written
/// HTML outside Leptos's views: the sandbox's pages, emails).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
