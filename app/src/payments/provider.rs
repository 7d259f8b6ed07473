//! The payment provider interface: what Waypoint asks of a card processor (a hosted checkout for an
//! amount, a refund) and what it hears back (signed webhook events). `sandbox` is the default,
//! needing no configuration; `stripe` is used when its keys are set.

use super::domain::PlatformFee;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use uuid::Uuid;

pub type ProviderFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The same idempotency key came with different parameters.
    #[error("the idempotency key was already used with other parameters")]
    IdempotencyMismatch,
    /// The provider refused the request (bad parameters, a refund above what is left).
    #[error("the provider refused the request: {0}")]
    Refused(String),
    /// The provider could not be reached or answered with a server error; safe to retry with the
    /// same idempotency key.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
}

/// A checkout for one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// Our payment's id: the provider echoes it in every event about this payment.
    pub payment_id: Uuid,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    /// What the cardholder sees ("Career session with Amara Okafor, Tue 3 Dec 14:00").
    pub description: String,
    /// Where the provider sends the cardholder once they have paid (or tried to).
    pub return_url: String,
    /// Where "cancel and go back" leads, without paying.
    pub cancel_url: String,
    /// The same key with the same request replays the first answer.
    pub idempotency_key: String,
    /// Keep the card for later charges without the cardholder (a subscription's renewals): its
    /// reference comes back in the payment-succeeded event.
    pub save_card: bool,
}

/// A charge on a card kept by an earlier checkout, without the cardholder present (a renewal, a
/// proration). Its outcome comes back as payment events, like a checkout's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCardCharge {
    pub payment_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    /// What the payment-succeeded event of the checkout that kept the card said.
    pub card_reference: String,
    /// One key per thing charged (a subscription's period): a repeat never charges twice.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// The provider's id for the payment (a PaymentIntent's `pi_…`).
    pub provider_payment_id: String,
    /// The provider's hosted page where the cardholder pays.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub provider_payment_id: String,
    pub amount_minor: i64,
    /// Our refund's id: echoed back in the refund's events, and the idempotency key.
    pub refund_id: Uuid,
}

/// What a verified webhook event means to us; anything else is acknowledged and ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    PaymentSucceeded {
        provider_payment_id: String,
        card_brand: Option<String>,
        card_last4: Option<String>,
        /// The kept card's reference, when the checkout asked to keep it.
        card_reference: Option<String>,
    },
    PaymentFailed { provider_payment_id: String, reason: String },
    PaymentRequiresAction { provider_payment_id: String },
    RefundSucceeded { refund_id: Uuid, provider_refund_id: String },
    RefundFailed { refund_id: Uuid, provider_refund_id: String, reason: String },
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    pub id: String,
    pub kind: EventKind,
    /// The body as received, stored with the event.
    pub payload: serde_json::Value,
}

impl ProviderEvent {
    /// Our payment's id, when the provider echoes it (`metadata.payment_id` of the object): found
    /// even before the provider's own id for it is stored, and for events about the PaymentIntent
    /// behind a Stripe Checkout Session.
    pub fn payment_reference(&self) -> Option<Uuid> {
        let object = self.payload.get("data")?.get("object")?;
        let reference = object.get("metadata").and_then(|metadata| metadata.get("payment_id")).or_else(|| object.get("client_reference_id"))?;
        reference.as_str().and_then(|id| Uuid::parse_str(id).ok())
    }

    pub fn type_name(&self) -> &str {
        match &self.kind {
            EventKind::PaymentSucceeded { .. } => "payment.succeeded",
            EventKind::PaymentFailed { .. } => "payment.failed",
            EventKind::PaymentRequiresAction { .. } => "payment.requires_action",
            EventKind::RefundSucceeded { .. } => "refund.succeeded",
            EventKind::RefundFailed { .. } => "refund.failed",
            EventKind::Other(name) => name,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("bad signature: {0}")]
    Signature(#[from] super::signature::SignatureError),
    #[error("the event is not in the expected shape: {0}")]
    Shape(String),
}

/// A card processor.
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// `"sandbox"` or `"stripe"`, as stored in `payments.provider`.
    fn name(&self) -> &'static str;
    fn create_checkout(&self, request: CheckoutRequest) -> ProviderFuture<'_, Checkout>;
    /// Returns the provider's refund id. Safe to repeat: the refund id is the idempotency key.
    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_, String>;
    /// Charges a kept card; returns the provider's id for the payment (its events name it).
    fn charge_saved_card(&self, request: SavedCardCharge) -> ProviderFuture<'_, String>;
    /// Verifies a delivery's signature over the raw body, then reads the event.
    fn verify_webhook(&self, signature: Option<&str>, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError>;
}

/// What payments need at request time, provided to server functions through [`crate::db::AppState`].
#[derive(Clone, Debug)]
pub struct Payments {
    pub provider: Arc<dyn PaymentProvider>,
    pub fee: PlatformFee,
    /// The site's public address, for return URLs.
    pub site_url: String,
}
