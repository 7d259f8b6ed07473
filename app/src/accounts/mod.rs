//! Accounts: who someone is (email, username, name), what they may do (role), and how their
//! password is kept. Sign-up, sign-in and sessions build on these types.

mod domain;
mod pages;
#[cfg(feature = "ssr")]
pub mod password;

pub use domain::{EmailAddress, PersonName, Role, Username, ValidationError};
pub use pages::SignInPage;
