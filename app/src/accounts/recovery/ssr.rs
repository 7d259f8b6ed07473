//! The bodies of the account emails' server functions.

use super::EmailVerification;
use crate::accounts::password as hashing;
use crate::accounts::{throttle, EmailAddress, Password};
use crate::db::{self, caller, RequestContext, SignedIn, Tx};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::notifications::links::{self, Purpose};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn field_error(field: &str, message: impl Into<String>) -> AppError {
    let mut errors = FieldErrors::new();
    errors.add(field, message.into());
    errors.into()
}

/// A reset token's stored form: its SHA-256 (the token itself only travels in the email).
fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// The reset link's token: 32 bytes from the operating system's random source.
fn new_reset_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let address = EmailAddress::parse(&email).map_err(|error| field_error("email", error.0))?;
    let guard_pool = db::guard_pool()?;
    throttle::take(&guard_pool, &throttle::ip_bucket("password-reset", &caller::client_ip().await), throttle::RESET_PER_IP).await?;
    let address_bucket = format!("password-reset-address:{}", address.as_str().to_lowercase());
    throttle::take(&guard_pool, &address_bucket, throttle::RESET_PER_ADDRESS).await?;
    let token = new_reset_token();
    let link = format!("{}/reset-password/{token}", crate::notifications::mailer::settings().site_url);
    let hash = token_hash(&token);
    db::with_tx(RequestContext::anonymous(), |tx| {
        Box::pin(async move {
            // The same statement whether or not an account has the address (see the function).
            sqlx::query!("select begin_password_reset($1::text::citext, $2, $3)", address.as_str(), hash, link)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    })
    .await?;
    tracing::info!("password reset asked for");
    Ok(())
}

pub async fn reset_link_is_live(tx: &mut Tx, token: String) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!("select user_id from password_reset_account($1)", token_hash(&token)).fetch_optional(&mut **tx).await?.is_some())
}

pub async fn reset_password(token: String, new_password: String, confirm: String) -> Result<(), AppError> {
    let hash = token_hash(&token);
    let expired = || AppError::Conflict("This reset link has expired or was already used. Ask for a new one on the “Forgot your password” page.".into());
    let lookup = hash.clone();
    let account = db::with_tx(RequestContext::anonymous(), |tx| {
        Box::pin(async move {
            Ok(sqlx::query!(r#"select user_id as "user_id!", username as "username!", email as "email!" from password_reset_account($1)"#, lookup)
                .fetch_optional(&mut **tx)
                .await?)
        })
    })
    .await?
    .ok_or_else(expired)?;
    let password = Password::parse(&new_password, &[&account.username, &account.email]).map_err(|error| field_error("new_password", error.0))?;
    if password.expose() != confirm {
        return Err(field_error("confirm_password", "The two passwords don't match."));
    }
    let password_hash = hashing::hash_blocking(password.expose().to_string()).await?;
    let reset = db::with_tx(RequestContext::anonymous(), |tx| {
        Box::pin(async move { Ok(sqlx::query_scalar!("select finish_password_reset($1, $2)", hash, password_hash).fetch_one(&mut **tx).await?) })
    })
    .await?;
    let Some(user_id) = reset else { return Err(expired()) };
    // Whoever was signed in on this browser is signed out too.
    crate::accounts::session::end(&caller::session().await?).await?;
    tracing::info!(%user_id, "password reset; every session ended");
    leptos_axum::redirect("/sign-in?reset=done");
    Ok(())
}

/// A verification token's contents.
#[derive(serde::Deserialize)]
struct VerifyClaim {
    #[serde(rename = "u")]
    user: Uuid,
    #[serde(rename = "e")]
    email: String,
    #[serde(rename = "x")]
    expires: i64,
}

pub async fn confirm_email(tx: &mut Tx, token: String) -> Result<String, AppError> {
    let forged = || AppError::invalid("This confirmation link isn't valid. Use the newest link we emailed you, or ask for a new one from your account page.");
    let claim: VerifyClaim = links::key()?
        .open(Purpose::VerifyEmail, &token)
        .and_then(|payload| serde_json::from_str(&payload).ok())
        .ok_or_else(forged)?;
    if claim.expires < chrono::Utc::now().timestamp() {
        return Err(AppError::Conflict("This confirmation link has expired. Sign in and ask for a new one from your account page.".into()));
    }
    let confirmed = sqlx::query_scalar!("select confirm_email_address($1, $2::text::citext)", claim.user, claim.email.as_str())
        .fetch_one(&mut **tx)
        .await?
        .unwrap_or(false);
    if !confirmed {
        return Err(AppError::Conflict(
            "This link is for an address that is no longer the account's. Ask for a new link from your account page.".into(),
        ));
    }
    Ok(claim.email)
}

pub async fn email_verification(tx: &mut Tx, user: Option<&SignedIn>) -> Result<Option<EmailVerification>, AppError> {
    let Some(user) = user else { return Ok(None) };
    let row = sqlx::query!(
        r#"select email::text as "email!", email_verified_at is not null as "verified!" from users where id = $1"#,
        user.user_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(EmailVerification { email: row.email, verified: row.verified }))
}

/// Queues the verification email for the caller's current address, in the caller's transaction
/// (at sign-up, the account's own).
pub async fn queue_verification(tx: &mut Tx, user: Uuid, organization: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into email_outbox (organization_id, user_id, category, template, to_address)
         select organization_id, id, 'account', 'verify_email', email from users where id = $1 and organization_id = $2",
        user,
        organization
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn resend_verification() -> Result<(), AppError> {
    let user = caller::require_user().await?;
    let guard_pool = db::guard_pool()?;
    throttle::take(&guard_pool, &format!("verify-email:{}", user.user_id), throttle::VERIFICATION_PER_ACCOUNT).await?;
    let (user_id, org_id) = (user.user_id, user.org_id);
    db::with_tx(user.ctx(), |tx| {
        Box::pin(async move {
            let verified = sqlx::query_scalar!(r#"select email_verified_at is not null as "verified!" from users where id = $1"#, user_id)
                .fetch_one(&mut **tx)
                .await?;
            if verified {
                return Err(AppError::Conflict("Your email address is already confirmed.".into()));
            }
            queue_verification(tx, user_id, org_id).await?;
            Ok(())
        })
    })
    .await
}
