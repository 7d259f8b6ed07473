//! Payments: paying for sessions through a payment provider, refunds by the cancellation policy,
//! receipts and a person's billing history; plans and subscriptions; mentors' earnings and
//! payouts; revenue for administrators.
//!
//! - [`domain`]: a payment's and a refund's status machines (the database enforces the same), the
//!   platform fee, what the pages show.
//! - `provider` (server): the provider interface; `sandbox` (server) is the default provider, a
//!   card processor of our own with a hosted checkout and signed webhooks; `stripe` (server) is
//!   Stripe's API, used when its keys are set (`stripe::from_env`).
//! - `signature` (server): the webhook signature scheme (Stripe's).
//! - `events` (server): reading a provider's event body.
//! - `webhook` (server): the endpoint every state change comes in through, applied at most once.
//! - `worker` (server): submits requested refunds to the provider.
//! - [`plans`]: plans, entitlements and proration; `renewals` (server): the subscriptions worker
//!   and what payment events do to a subscription.
//! - [`earnings`]: mentors' payout details and ledger, administrators' revenue.
//! - [`api`]: the server functions, their bodies in `api::ssr`, `api::subscriptions` and
//!   `api::earnings`.
//! - pages: the booking page's payment panel (`booking_panel.rs`), `/pricing`
//!   (`pricing_page.rs`), `/account/billing` (`billing_page.rs`, with the plan),
//!   `/account/billing/receipts/:id` (`receipt_page.rs`), `/account/earnings`
//!   (`earnings_page.rs`), `/admin/revenue` (`revenue_page.rs`).

pub mod api;
mod billing_page;
mod booking_panel;
mod earnings_page;
pub mod domain;
pub mod earnings;
pub mod plans;
#[cfg(feature = "ssr")]
pub mod renewals;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod provider;
mod pricing_page;
mod receipt_page;
mod revenue_page;
#[cfg(feature = "ssr")]
pub mod sandbox;
#[cfg(feature = "ssr")]
pub mod signature;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod webhook;
#[cfg(feature = "ssr")]
pub mod worker;

pub use api::*;
pub use billing_page::BillingPage;
pub use booking_panel::{BookingPaymentPanel, PayForm};
pub use earnings_page::EarningsPage;
pub use pricing_page::PricingPage;
pub use receipt_page::ReceiptPage;
pub use revenue_page::RevenuePage;
