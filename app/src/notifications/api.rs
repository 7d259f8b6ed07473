//! Notifications' server functions; their bodies are in `api::ssr`.

use super::domain::{EmailPreview, NotificationPage, OutboxPage, Preference, Unsubscribed};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod ssr;

/// A page (1-based) of the caller's notifications, newest first, with their unread count.
#[server(endpoint = "notifications")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn notifications_page(page: u32) -> Result<NotificationPage, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::page(tx, user, page))).await
}

/// How many unread notifications the caller has (0 for a visitor): the badge's number at each
/// page load; the live stream (`/notifications/live`) updates it afterwards.
#[server(endpoint = "unread_notifications")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn unread_notifications() -> Result<i64, AppError> {
    crate::db::visitor(|user, tx| Box::pin(ssr::unread(tx, user))).await
}

/// Marks one of the caller's notifications read.
#[server(endpoint = "mark_notification_read")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn mark_notification_read(id: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::mark_read(tx, user, Some(id)))).await
}

/// Marks every one of the caller's notifications read.
#[server(endpoint = "mark_all_notifications_read")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn mark_all_notifications_read() -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::mark_read(tx, user, None))).await
}

/// The caller's channels for every category they may choose.
#[server(endpoint = "notification_preferences")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn notification_preferences() -> Result<Vec<Preference>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::preferences(tx, user))).await
}

/// Saves the preferences form. Each ticked box arrives as `checked[<field>]=on`, its field
/// named by `domain::preference_field` (e.g. `checked[booking-email]`); every other channel is off.
#[server(endpoint = "save_notification_preferences")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn save_notification_preferences(
    #[server(default)] checked: std::collections::HashMap<String, String>,
) -> Result<(), AppError> {
    let checked: Vec<String> = checked.into_keys().collect();
    crate::db::signed_in(|user, tx| Box::pin(ssr::save_preferences(tx, user, checked))).await
}

/// Follows an email's unsubscribe link (also the RFC 8058 one-click POST, see
/// `ssr::one_click_unsubscribe`): no sign-in needed, the signed token is the permission.
#[server(endpoint = "unsubscribe")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn unsubscribe(token: String) -> Result<Unsubscribed, AppError> {
    let outcome = crate::db::public(|tx| Box::pin(ssr::unsubscribe(tx, token.clone()))).await?;
    // Without JavaScript the page shows the outcome from its address.
    if crate::db::caller::posted_by_a_plain_form() {
        let (category, already) = match &outcome {
            Unsubscribed::Now(category) => (*category, ""),
            Unsubscribed::Already(category) => (*category, "&already=1"),
        };
        leptos_axum::redirect(&format!("/email/unsubscribe/{token}?done={}{already}", category.key()));
    }
    Ok(outcome)
}

/// A page of the outbox for an administrator (their organization's mail; a platform
/// administrator's, everyone's), newest first.
#[server(endpoint = "outbox")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn outbox(page: u32) -> Result<OutboxPage, AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::outbox(tx, user, page))).await
}

/// One message of the outbox as its recipient would see it, for an administrator.
#[server(endpoint = "outbox_message")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn outbox_message(id: Uuid) -> Result<EmailPreview, AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::outbox_message(tx, user, id))).await
}
