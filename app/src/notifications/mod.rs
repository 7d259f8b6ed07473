//! Notifications: the in-app notification centre and its live badge, people's preferences per
//! category and channel, and email through a transactional outbox.
//!
//! How a notification travels: a capability inserts a `notifications` row in the transaction of
//! the event it reports (a booking confirmed, a payment failed). The database's triggers
//! (migration 16) give it a category, archive it at once if the person turned the in-app
//! channel off, write its email into `email_outbox` unless they turned email off, and
//! `NOTIFY waypoint_notifications` with the person's id, delivered at commit.
//!
//! - [`domain`]: categories, what the pages show, where a notification leads.
//! - [`api`]: the server functions, their bodies in `api::ssr`.
//! - `links` (server): signed unsubscribe and verification links.
//! - `templates` (server): each email's subject, plain text, HTML and attachment.
//! - `mailer` (server): the outbox worker (SMTP through lettre, or kept for the outbox page).
//! - `live` (server): one `LISTEN` per app server, fanned out to each signed-in browser's
//!   server-sent event stream at `/notifications/live`.
//! - pages: `/notifications` (`centre_page.rs`), `/account/notifications`
//!   (`preferences_page.rs`), `/email/unsubscribe/:token` (`unsubscribe_page.rs`),
//!   `/admin/outbox` and `/admin/outbox/:id` (`outbox_page.rs`), and the header's
//!   [`NotificationBadge`] (`badge.rs`).

pub mod api;
mod badge;
mod centre_page;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mailer;
mod outbox_page;
mod preferences_page;
#[cfg(feature = "ssr")]
pub mod templates;
mod unsubscribe_page;

pub use api::*;
pub use badge::NotificationBadge;
pub use centre_page::NotificationsPage;
pub use domain::Category;
pub use outbox_page::{OutboxMessagePage, OutboxPage};
pub use preferences_page::NotificationPreferencesPage;
pub use unsubscribe_page::UnsubscribePage;
