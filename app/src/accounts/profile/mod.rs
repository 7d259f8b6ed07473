//! Profiles (`user_profiles`, plus the name on `users`).
//!
//! - [`domain`]: the profile, its checked edit and the types it is made of (tests with them).
//! - [`api`]: the server functions and their queries.
//! - pages: `/account` ([`AccountPage`]), `/account/profile` ([`ProfileEditPage`]).

mod account_page;
pub mod api;
pub mod domain;
mod edit_page;

pub use account_page::{AccountPage, AccountSections};
pub use api::*;
pub use domain::*;
pub use edit_page::ProfileEditPage;
