//! Who is asking, and from where: the account signed in on the request's session (kept by
//! tower-sessions in PostgreSQL) and the client's address. Signing in and out writes the same
//! session entry (`accounts::session`).
//!
//! The session holds only the user's id, the account's session generation at sign-in and when
//! the sign-in happened. Every request re-reads the account (is it live and active, what is its
//! role, is the generation still current), so a role change, a suspension, "sign out everywhere"
//! or a password change takes effect on the next request, on every device.

use super::RequestContext;
use crate::domain::{Role, UserStatus};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

/// The session entry that says who is signed in.
pub(crate) const AUTH_KEY: &str = "waypoint.auth";

/// Idle sessions end after this long without a request (the cookie's inactivity expiry).
pub const IDLE_LIFETIME_DAYS: i64 = 7;
/// However active, a session ends this long after its sign-in.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionAuth {
    pub user_id: Uuid,
    pub generation: i32,
    pub signed_in_at: i64,
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

pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(crate) fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store error");
    AppError::Unavailable
}

/// The signed-in user, or `None`, from the request's session: read once per request (see
/// [`CallerMemo`]).
pub async fn current() -> Result<Option<SignedIn>, AppError> {
    let Some(memo) = leptos::prelude::use_context::<CallerMemo>() else {
        return resolve(&session().await?, &super::pool()?).await;
    };
    let known = memo.cell();
    let caller = known.get_or_try_init(|| async { resolve(&session().await?, &super::pool()?).await }).await?;
    Ok(caller.clone())
}

/// Who is signed in on this request, once it has been read. A signed-in page asks several times
/// (the header, `RequireUser`, each of its server functions: three account reads for the
/// progress dashboard), and the answer cannot change within a request except by signing in or
/// out on it, which [`CallerMemo::forget`] covers. One per request: the server provides a fresh
/// one in every request's context, so a suspension or "sign out everywhere" still takes effect
/// on the next request.
#[derive(Clone, Debug, Default)]
pub struct CallerMemo(std::sync::Arc<std::sync::Mutex<std::sync::Arc<tokio::sync::OnceCell<Option<SignedIn>>>>>);

impl CallerMemo {
    fn cell(&self) -> std::sync::Arc<tokio::sync::OnceCell<Option<SignedIn>>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The session's sign-in changed on this request: the next question reads it again.
    pub fn forget() {
        if let Some(memo) = leptos::prelude::use_context::<CallerMemo>() {
            *memo.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Default::default();
        }
    }
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
    let account = sqlx::query!(
        r#"select organization_id as "organization_id!", role as "role!: Role", status as "status!: UserStatus",
                  session_generation as "session_generation!", username as "username!", first_name as "first_name!",
                  organization_name as "organization_name!"
             from account_for_session($1)"#,
        auth.user_id
    )
    .fetch_optional(pool)
    .await?;
    match account {
        Some(account) if account.status == UserStatus::Active && account.session_generation == auth.generation => {
            Ok(Some(SignedIn {
                user_id: auth.user_id,
                org_id: account.organization_id,
                role: account.role,
                username: account.username,
                first_name: account.first_name,
                organization_name: account.organization_name,
            }))
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

/// The client's address, as the server's HTTP layer determined it (the TCP peer, or the client
/// a trusted proxy names in `X-Forwarded-For`: `WAYPOINT_TRUSTED_PROXIES`, see README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The client's address for per-address limits; "unknown" when the server did not determine it.
pub async fn client_ip() -> String {
    client_address().await.map(|address| address.to_string()).unwrap_or_else(|| "unknown".to_string())
}

async fn client_address() -> Option<std::net::IpAddr> {
    leptos_axum::extract::<axum::Extension<ClientAddress>>().await.ok().map(|axum::Extension(ClientAddress(ip))| ip)
}

/// The client's network for per-account limits: the IPv4 address, or the IPv6 /64 (one
/// household or phone usually holds a whole /64, so its addresses count as one).
pub async fn client_network() -> String {
    client_address().await.map(network_of).unwrap_or_else(|| "unknown".to_string())
}

pub fn network_of(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::network_of;

    #[test]
    fn an_ipv6_client_counts_by_its_64_and_ipv4_by_its_address() {
        assert_eq!(network_of("203.0.113.7".parse().unwrap()), "203.0.113.7");
        assert_eq!(network_of("::ffff:203.0.113.7".parse().unwrap()), "203.0.113.7");
        assert_eq!(network_of("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(network_of("2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap()), "2001:db8:1:2::/64");
    }
}

/// Whether the request is a plain form post (no JavaScript yet, so the browser expects a page),
/// which a server function answers with a redirect to where the result is shown.
pub fn posted_by_a_plain_form() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.headers.get(http::header::ACCEPT).and_then(|accept| accept.to_str().ok()).is_some_and(|accept| accept.contains("text/html"))
    })
}
