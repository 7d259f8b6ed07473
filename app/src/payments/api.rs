//! Payments' server functions; their bodies are in `api::ssr`.

use super::domain::{BookingPayment, PaymentLine, Receipt};
use super::earnings::{Earnings, PayoutAccountView, RevenueRow};
use super::plans::{ChangePreview, PlanOverview, PlanView};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod earnings;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod subscriptions;

/// Starts (or resumes) the checkout for the caller's held paid session and sends the browser to
/// the provider's payment page. `key` is the idempotency key the page made when it rendered:
/// the same key again (a double click, a retried request) gets the first answer; used with
/// another booking or topic it is refused. The booking is confirmed by the provider's
/// payment-succeeded event, not here.
#[server(endpoint = "pay_for_booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn pay_for_booking(id: Uuid, key: Uuid, topic: String) -> Result<String, AppError> {
    let url = crate::db::signed_in(|user, tx| Box::pin(ssr::pay_for_booking(tx, user, id, key, topic))).await?;
    if ssr::posted_by_a_plain_form() {
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

/// The plans offered, for the public pricing page.
#[server(endpoint = "plans")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn plans() -> Result<Vec<PlanView>, AppError> {
    crate::db::public_read(|tx| Box::pin(subscriptions::plans(tx))).await
}

/// The caller's plan, their subscription and what they may change to.
#[server(endpoint = "my_plan")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_plan() -> Result<PlanOverview, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(subscriptions::overview(tx, user))).await
}

/// Starts a free trial of `plan` (`trial`), or a subscription paid on the provider's page (the
/// answer is that page's address; the browser goes there). `key` as for [`pay_for_booking`].
#[server(endpoint = "subscribe")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn subscribe(plan: String, key: Uuid, #[server(default)] trial: bool) -> Result<Option<String>, AppError> {
    let url = crate::db::signed_in(|user, tx| Box::pin(subscriptions::subscribe(tx, user, plan, key, trial))).await?;
    match &url {
        Some(url) if ssr::posted_by_a_plain_form() => leptos_axum::redirect(url),
        None if ssr::posted_by_a_plain_form() => leptos_axum::redirect("/account/billing"),
        _ => {}
    }
    Ok(url)
}

/// What changing to `plan` would cost now (credit, charge, and the outcome in words).
#[server(endpoint = "preview_plan_change")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn preview_plan_change(plan: String) -> Result<ChangePreview, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(subscriptions::preview_change(tx, user, plan))).await
}

/// Asks for a change to `plan`; the subscriptions worker prorates it to the second and makes it
/// within seconds (charging the difference, or keeping it as credit).
#[server(endpoint = "change_plan")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn change_plan(plan: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(subscriptions::change_plan(tx, user, plan))).await
}

/// Cancels the caller's subscription now, or at the end of the period they've paid for.
#[server(endpoint = "cancel_subscription")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn cancel_subscription(#[server(default)] at_period_end: bool) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(subscriptions::cancel(tx, user, at_period_end))).await
}

/// Takes back a cancellation at the period's end.
#[server(endpoint = "resume_subscription")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn resume_subscription() -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(subscriptions::resume(tx, user))).await
}

/// A mentor's earnings: the ledger of payments and refunds for their sessions, monthly
/// statements, and where they are paid (the last four characters only).
#[server(endpoint = "my_earnings")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_earnings() -> Result<Earnings, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(earnings::earnings(tx, user))).await
}

/// Saves where the caller (a mentor) is paid, encrypted at rest.
#[server(endpoint = "save_payout_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(account)))]
pub async fn save_payout_account(holder: String, account: String) -> Result<PayoutAccountView, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(earnings::save_payout_account(tx, user, holder, account))).await
}

/// Revenue per organization and month, for administrators.
#[server(endpoint = "revenue")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn revenue() -> Result<Vec<RevenueRow>, AppError> {
    crate::db::admin(|_, tx| Box::pin(earnings::revenue(tx))).await
}
