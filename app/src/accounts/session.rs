//! Signing in and out on the request's session: beginning a session under a fresh id, renewing
//! it across a password change, ending it, and re-checking the password before a sensitive change.
//! Who is signed in on a request is read by `db::caller`.

use crate::db::caller::{now_secs, session_error, SessionAuth, AUTH_KEY};
use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

/// Checks a signed-in person's current password before a sensitive change (a new password,
/// deleting the account). Wrong guesses count as failed sign-ins of the account, so a borrowed
/// session cannot be used to guess the password; `wrong` is the message for a wrong one.
pub async fn reconfirm_password(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    user: &SignedIn,
    password: String,
    wrong: &str,
) -> Result<(), AppError> {
    use super::{password as hashing, throttle};
    let guard_pool = crate::db::guard_pool()?;
    let account = user.user_id.to_string();
    let network_bucket = throttle::account_network_bucket(&account, &client_network().await);
    let account_bucket = throttle::account_bucket(&account);
    throttle::take(&guard_pool, &network_bucket, throttle::SIGN_IN_PER_ACCOUNT_NETWORK).await?;
    throttle::claim_account_turn(&guard_pool, &account_bucket).await?;
    let stored: Option<String> = sqlx::query_scalar("select current_user_password_hash()").fetch_one(&mut **tx).await?;
    if hashing::verify_blocking(password, stored.ok_or(AppError::Unauthenticated)?).await? {
        throttle::give_back(&guard_pool, &network_bucket).await?;
        Ok(())
    } else {
        throttle::hit(&guard_pool, &account_bucket, throttle::SIGN_IN_PER_ACCOUNT).await?;
        Err(AppError::invalid(wrong))
    }
}

/// Signs `user_id` in on this session under a fresh id, so an id planted before sign-in
/// (session fixation) is worth nothing after it.
pub async fn begin(session: &Session, user_id: Uuid, generation: i32) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(AUTH_KEY, SessionAuth { user_id, generation, signed_in_at: now_secs() })
        .await
        .map_err(session_error)
}

/// Keeps this session valid across a generation change it made itself (a password change ends
/// the other sessions, not this one), under a fresh id.
pub async fn renew(session: &Session, generation: i32) -> Result<(), AppError> {
    let Some(mut auth) = session.get::<SessionAuth>(AUTH_KEY).await.map_err(session_error)? else {
        return Err(AppError::Unauthenticated);
    };
    auth.generation = generation;
    session.cycle_id().await.map_err(session_error)?;
    session.insert(AUTH_KEY, auth).await.map_err(session_error)
}

/// Ends this session: its row is deleted and the cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}


// Moved to `db::caller`; kept here only while the capability modules move to the `db` shape.
pub use crate::db::caller::{client_ip, client_network, current, require_admin, require_user, resolve, session, SignedIn};
