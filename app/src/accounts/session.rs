//! Signing in and out on the request's session: beginning a session under a fresh id, renewing
//! it across a password change, and ending it.
//! Who is signed in on a request is read by `db::caller`.

use crate::db::caller::{now_secs, session_error, CallerMemo, SessionAuth, AUTH_KEY};
use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

/// Signs `user_id` in on this session under a fresh id, so an id planted before sign-in
/// (session fixation) is worth nothing after it.
pub async fn begin(session: &Session, user_id: Uuid, generation: i32) -> Result<(), AppError> {
    CallerMemo::forget();
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
    CallerMemo::forget();
    session.cycle_id().await.map_err(session_error)?;
    session.insert(AUTH_KEY, auth).await.map_err(session_error)
}

/// Ends this session: its row is deleted and the cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    CallerMemo::forget();
    session.flush().await.map_err(session_error)
}
