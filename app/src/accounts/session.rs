//! Who is signed in, kept in a tower-sessions session stored in PostgreSQL.
//!
//! The session holds only the user's id, the account's session generation at sign-in and when
//! the sign-in happened. Every request re-reads the account (is it live and active, what is its
//! role, is the generation still current), so a role change, a suspension, "sign out everywhere"
//! or a password change takes effect on the next request, on every device.

use super::Role;
use crate::db::RequestContext;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const AUTH_KEY: &str = "waypoint.auth";

/// Idle sessions end after this long without a request (the cookie's inactivity expiry).
pub const IDLE_LIFETIME_DAYS: i64 = 7;
/// However active, a session ends this long after its sign-in.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionAuth {
    user_id: Uuid,
    generation: i32,
    signed_in_at: i64,
}

/// A signed-in, active account as the server knows it on this request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub role: Role,
    pub username: String,
    pub first_name: String,
    pub organization_name: String,
}

impl SignedIn {
    /// The row-level security context for this user's transactions.
    pub fn ctx(&self) -> RequestContext {
        RequestContext::member(self.user_id, self.org_id, self.role)
    }
}

/// The request's session (the session layer wraps every route and server function).
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session on the request: is the session layer installed?");
        AppError::Internal
    })
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store error");
    AppError::Unavailable
}

/// The signed-in user, or `None`, from the request's session.
pub async fn current() -> Result<Option<SignedIn>, AppError> {
    resolve(&session().await?, &crate::db::pool()?).await
}

/// The signed-in user of `session`, or `None`. A session that outlived its absolute lifetime, or
/// whose account is gone, suspended or signed out everywhere since, is ended here.
#[tracing::instrument(skip_all)]
pub async fn resolve(session: &Session, pool: &sqlx::PgPool) -> Result<Option<SignedIn>, AppError> {
    let Some(auth) = session.get::<SessionAuth>(AUTH_KEY).await.map_err(session_error)? else {
        return Ok(None);
    };
    if now_secs() - auth.signed_in_at > ABSOLUTE_LIFETIME_SECS {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    let account: Option<(Uuid, Role, String, i32, String, String, String)> = sqlx::query_as(
        "select organization_id, role, status::text, session_generation, username, first_name, organization_name \
           from account_for_session($1)",
    )
    .bind(auth.user_id)
    .fetch_optional(pool)
    .await?;
    match account {
        Some((org_id, role, status, generation, username, first_name, organization_name))
            if status == "active" && generation == auth.generation =>
        {
            Ok(Some(SignedIn { user_id: auth.user_id, org_id, role, username, first_name, organization_name }))
        }
        _ => {
            session.flush().await.map_err(session_error)?;
            Ok(None)
        }
    }
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> Result<SignedIn, AppError> {
    current().await?.ok_or(AppError::Unauthenticated)
}

/// An organization administrator or a platform administrator.
pub async fn require_admin() -> Result<SignedIn, AppError> {
    let user = require_user().await?;
    if user.role.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Checks a signed-in person's current password before a sensitive change (a new password,
/// deleting the account). Wrong guesses count as failed sign-ins of the account, so a borrowed
/// session cannot be used to guess the password; `wrong` is the message for a wrong one.
pub async fn reconfirm_password(
    pool: &sqlx::PgPool,
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    user: &SignedIn,
    password: String,
    wrong: &str,
) -> Result<(), AppError> {
    use super::{password as hashing, throttle};
    let bucket = throttle::account_bucket(&user.user_id.to_string());
    throttle::check(pool, &[(&bucket, throttle::SIGN_IN_PER_ACCOUNT)]).await?;
    let stored: Option<String> = sqlx::query_scalar("select current_user_password_hash()").fetch_one(&mut **tx).await?;
    if hashing::verify_blocking(password, stored.ok_or(AppError::Unauthenticated)?).await? {
        Ok(())
    } else {
        throttle::hit(pool, &bucket, throttle::SIGN_IN_PER_ACCOUNT).await?;
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

/// The client's address for per-IP limits: the TCP peer (a proxy in front should be configured to
/// pass it through; see README). "unknown" when the server was not started with connect info.
pub async fn client_ip() -> String {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|axum::extract::ConnectInfo(address)| address.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}
