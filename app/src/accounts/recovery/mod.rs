//! The account emails: confirming an email address (a signed, expiring link sent at sign-up,
//! and again on request) and resetting a forgotten password (a single-use link, kept only as its
//! hash, valid 30 minutes; using it ends every session of the account). Both messages go
//! through the email outbox (`notifications::mailer`).
//!
//! - the server functions below, their bodies in `ssr`;
//! - pages: `/forgot-password` (`forgot_page.rs`), `/reset-password/:token` (`reset_page.rs`),
//!   `/verify-email/:token` (`verify_page.rs`), and the reminder shown to an unconfirmed account
//!   (`VerifyEmailReminder`, `reminder.rs`).

mod forgot_page;
mod reminder;
mod reset_page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod verify_page;

pub use forgot_page::ForgotPasswordPage;
pub use reminder::VerifyEmailReminder;
pub use reset_page::ResetPasswordPage;
pub use verify_page::VerifyEmailPage;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The caller's address and whether it is confirmed (the reminder's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailVerification {
    pub email: String,
    pub verified: bool,
}

/// What the answer to "forgot my password" says, whether or not an account has the address, so
/// the form never tells who has an account.
pub const RESET_REQUESTED: &str =
    "If an account uses that address, we've sent it a link to choose a new password. The link works once, for 30 minutes.";

/// Sends a password-reset link to the address if an account has it; the answer is the same
/// either way (and the page shows [`RESET_REQUESTED`]). Throttled per network and per address.
#[server(endpoint = "request_password_reset")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    crate::db::run(ssr::request_password_reset(email)).await?;
    // Without JavaScript the page shows the answer from its address.
    if crate::db::caller::posted_by_a_plain_form() {
        leptos_axum::redirect("/forgot-password?sent=1");
    }
    Ok(())
}

/// Sets a new password from a reset link's token. Every session of the account ends (this
/// browser is then sent to sign in). A used, expired or unknown token is refused.
#[server(endpoint = "reset_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reset_password(token: String, new_password: String, confirm_password: String) -> Result<(), AppError> {
    crate::db::run(ssr::reset_password(token, new_password, confirm_password)).await
}

/// Whether a reset link's token is still good (the reset page asks before showing its form).
#[server(endpoint = "reset_link_status")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn reset_link_is_live(token: String) -> Result<bool, AppError> {
    crate::db::public(|tx| Box::pin(ssr::reset_link_is_live(tx, token))).await
}

/// Confirms the address in a verification link; answers the confirmed address. An expired,
/// forged or outdated link (the account's address changed since) is refused.
#[server(endpoint = "confirm_email")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    crate::db::public(|tx| Box::pin(ssr::confirm_email(tx, token))).await
}

/// The caller's address and whether it is confirmed; `None` for a visitor.
#[server(endpoint = "email_verification")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn email_confirmation() -> Result<Option<EmailVerification>, AppError> {
    crate::db::visitor(|user, tx| Box::pin(ssr::email_verification(tx, user))).await
}

/// Sends the caller's verification link again (throttled).
#[server(endpoint = "resend_verification")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn resend_verification() -> Result<(), AppError> {
    crate::db::run(ssr::resend_verification()).await?;
    if crate::db::caller::posted_by_a_plain_form() {
        leptos_axum::redirect("/account?verification=sent");
    }
    Ok(())
}
