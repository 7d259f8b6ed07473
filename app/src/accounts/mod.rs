//! Accounts: who someone is (email, username, name), what they may do (role), how their password
//! is kept, their sessions and profile, mentor applications, and their data.

mod auth;
pub mod data;
mod domain;
#[cfg(feature = "ssr")]
pub mod hooks;
pub mod mentor_application;
mod pages;
#[cfg(feature = "ssr")]
pub mod password;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use auth::*;
pub use data::DataPage;
pub use domain::{EmailAddress, InviteCode, Password, PersonName, SignInIdentifier, Username};
pub use mentor_application::MentorApplicationPage;
pub use pages::AccountNav;
pub use profile::{AccountPage, ProfileEditPage};
