//! Booking: mentors' listings and the directory, their availability, and sessions with
//! students, from a held slot to a review.
//!
//! - [`domain`]: a booking's status machine and who may do what (the database enforces the same),
//!   what the pages show.
//! - [`listing`]: what a mentor types into their listing and a visitor into the directory's search.
//! - [`slots`]: free slots from weekly hours and overrides, across daylight-saving changes.
//! - `calendar` (server): the .ics invitation or cancellation for a booking.
//! - `notes` (server): private session notes, encrypted at rest with rotating keys.
//! - `reminders` (server): the worker that writes the 24-hour and 1-hour reminders and expires holds.
//! - [`api`]: the server functions, their bodies in `api::ssr`.
//! - pages: `/mentors` (`directory_page.rs`), `/mentors/:handle` (`mentor_page.rs`), `/booking`
//!   (`dashboard.rs`), `/booking/:id` (`booking_page.rs`), `/account/listing` (`listing_page.rs`).

pub mod api;
mod booking_page;
#[cfg(feature = "ssr")]
pub mod calendar;
mod dashboard;
mod directory_page;
pub mod domain;
pub mod listing;
mod listing_page;
mod mentor_page;
#[cfg(feature = "ssr")]
pub mod notes;
#[cfg(feature = "ssr")]
pub mod reminders;
pub mod slots;

pub use api::*;
pub use booking_page::BookingPage;
pub use dashboard::BookingsPage;
pub use directory_page::MentorsPage;
pub use domain::{BookingStatus, Visibility};
pub use listing_page::ListingPage;
pub use mentor_page::MentorPage;
