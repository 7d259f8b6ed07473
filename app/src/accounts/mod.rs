//! Accounts: who someone is (email, username, name), what they may do (role), how their password
//! is kept, their sessions and profile, mentor applications, and their data.
//!
//! - [`domain`]: the account's checked values (email, username, names, invite code, a sign-up);
//!   `new_password`: what a new [`Password`] must be.
//! - [`auth`]: the signed-in user as pages see it, [`RequireUser`], where to go after signing in.
//! - [`api`]: signing up, in and out, changing the password, signing out everywhere.
//! - [`hooks`]: what other capabilities do at sign-up and sign-in (registered, not imported).
//! - `password`, `session`, `throttle` (server only): hashing, the session entry, the sign-in throttle.
//! - [`profile`], [`mentor_application`], [`data`]: the profile, applying to mentor, export and deletion.
//! - pages: `/sign-in` ([`SignInPage`]), `/sign-up` ([`SignUpPage`]), `/account/security`
//!   ([`SecurityPage`]), and the account area's [`AccountNav`].

mod account_nav;
pub mod api;
pub mod auth;
pub mod data;
mod domain;
#[cfg(feature = "ssr")]
pub mod hooks;
pub mod mentor_application;
mod new_password;
#[cfg(feature = "ssr")]
pub mod password;
pub mod profile;
pub mod recovery;
mod security;
#[cfg(feature = "ssr")]
pub mod session;
mod sign_in;
mod sign_up;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use account_nav::{AccountNav, AccountSection};
pub use api::*;
pub use auth::*;
pub use data::DataPage;
pub use domain::{EmailAddress, InviteCode, NewAccount, PersonName, SignInIdentifier, Username};
pub use mentor_application::MentorApplicationPage;
pub use new_password::Password;
pub use profile::{AccountPage, AccountSections, ProfileEditPage};
pub use security::SecurityPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
