//! Applying to become a mentor: a student describes their expertise, experience and intended
//! rate; an administrator decides (see `crate::admin`).
//!
//! - [`domain`]: the checked application, its status, the hourly rate (tests with them).
//! - [`api`]: the student's server functions and their queries.
//! - page: `/account/mentor` ([`MentorApplicationPage`]).

pub mod api;
pub mod domain;
mod page;

pub use api::*;
pub use domain::*;
pub use page::MentorApplicationPage;
