//! Payments' server functions; their bodies are in `api::ssr`.

use super::domain::{BookingPayment, PaymentLine, Receipt};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod ssr;

/// Starts (or resumes) the checkout for the caller's held paid session and sends the browser to
/// the provider's payment page. `key` is the idempotency key the page made when it rendered:
/// the same key again (a double click, a retried request) gets the first answer; used with
/// another booking or topic it is refused. The booking is confirmed by the provider's
/// payment-succeeded event, not here.
#[server(endpoint = "pay_for_booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn pay_for_booking(id: Uuid, key: Uuid, topic: String) -> Result<String, AppError> {
    let url = crate::db::signed_in(|user, tx| Box::pin(ssr::pay_for_booking(tx, user, id, key, topic))).await?;
    // A plain form post (no JavaScript yet) is sent on by a redirect. With JavaScript the page
    // goes there itself: the router's redirect would look for the address among its own routes.
    let plain_form = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(http::header::ACCEPT).and_then(|accept| accept.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
    });
    if plain_form {
        leptos_axum::redirect(&url);
    }
    Ok(url)
}

/// A booking's payment and refunds, for its student, its mentor or an administrator.
#[server(endpoint = "booking_payment")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn payment_for_booking(id: Uuid) -> Result<Option<BookingPayment>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::booking_payment(tx, user, id))).await
}

/// The caller's payments, newest first.
#[server(endpoint = "billing_history")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn billing_history() -> Result<Vec<PaymentLine>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::billing_history(tx, user))).await
}

/// A receipt, for the person who paid (or an administrator of their organization).
#[server(endpoint = "receipt")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn payment_receipt(id: Uuid) -> Result<Receipt, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::receipt(tx, user, id))).await
}
