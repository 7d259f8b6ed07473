//! The one shape every server function has, and the per-request transaction that row-level
//! security reads.
//!
//! A server function authorizes, then runs its body in one transaction opened with the caller's
//! [`RequestContext`] (which sets `app.user_id`, `app.org_id` and `app.role` for that transaction
//! only, so the policies in `migrations/*_row_level_security.sql` decide which rows a statement
//! may see or change), commits when the body succeeds, and maps an error to its HTTP status here,
//! once:
//!
//! ```ignore
//! #[server(endpoint = "profile")]
//! #[cfg_attr(feature = "ssr", tracing::instrument)]
//! pub async fn profile() -> Result<Profile, AppError> {
//!     db::signed_in(|user, tx| Box::pin(ssr::profile(tx, user))).await
//! }
//! ```
//!
//! [`public`], [`visitor`], [`signed_in`] and [`admin`] say who may call; [`with_tx`] is what
//! they share; [`run`] is for the few bodies that must work outside one transaction (signing in:
//! the throttle and the session store write on their own pool, before and after it), so that no
//! body ever waits for a second pool connection while its transaction holds one.

pub mod caller;

use crate::domain::Role;
use crate::error::AppError;
pub use caller::SignedIn;
use sqlx::{PgPool, Postgres, Transaction};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// A request's transaction (row-level security context set).
pub type Tx = Transaction<'static, Postgres>;

/// What the server knows about who is asking. Anonymous requests have neither user nor role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub user_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub role: Option<Role>,
}

impl RequestContext {
    pub fn anonymous() -> Self {
        Self::default()
    }

    pub fn member(user_id: Uuid, org_id: Uuid, role: Role) -> Self {
        Self { user_id: Some(user_id), org_id: Some(org_id), role: Some(role) }
    }
}

/// The server's shared state, provided to every route and server function as context (the
/// HTTP layer's axum state is built from it too, so there is one).
#[derive(Clone, Debug)]
pub struct AppState {
    /// Connected as `waypoint_app`, which row-level security binds.
    pub pool: PgPool,
    /// A few connections of their own (also `waypoint_app`) for the session store and the sign-in
    /// throttle, which write around request transactions: on the request pool a burst of
    /// sign-ins held every connection and waited for one more.
    pub guard_pool: PgPool,
    /// The payment provider and the platform fee; `None` where payments are not wired (some
    /// tests), which a payment request answers with `Unavailable`.
    pub payments: Option<crate::payments::provider::Payments>,
    /// A streaming replica for public reads (`DATABASE_READ_URL`, as `waypoint_app`); `None`
    /// reads everything from the primary. See [`public_read`].
    pub read_pool: Option<PgPool>,
}

/// The cookie that keeps a person who just wrote on the primary for their next reads (set by
/// the HTTP layer on the answer to every write, for [`READ_YOUR_WRITES_SECS`]).
pub const WROTE_COOKIE: &str = "waypoint_wrote";

/// How long a writer's reads stay on the primary: well beyond a healthy replica's lag (a few
/// milliseconds on one network), short enough that a reader's pages go back to the replica soon.
pub const READ_YOUR_WRITES_SECS: u64 = 10;

/// Put on a request by the page cache when it renders a page again after a change: the primary's
/// WAL position at the news, which a replica must have replayed to serve the page (otherwise
/// the cache would keep the replica's older copy as the new one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadAfter(pub u64);

fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The request pool from context, or a typed error when it is missing (never a panic in a render path).
pub fn pool() -> Result<PgPool, AppError> {
    state().map(|state| state.pool)
}

/// The payment provider, or `Unavailable` when this server has none.
pub fn payments() -> Result<crate::payments::provider::Payments, AppError> {
    state()?.payments.ok_or_else(|| {
        tracing::error!("no payment provider is configured");
        AppError::Unavailable
    })
}

/// Where a public read goes: the replica, unless there is none, this person has just written
/// (their [`WROTE_COOKIE`]), the page cache needs a position the replica has not replayed yet
/// ([`ReadAfter`]), or the replica does not answer (then the primary serves, and the log says so).
async fn read_pool() -> Result<PgPool, AppError> {
    let state = state()?;
    let Some(replica) = state.read_pool else { return Ok(state.pool) };
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let wrote = parts.as_ref().is_some_and(|parts| {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|cookie| cookie.split(';').any(|pair| pair.trim_start().starts_with(WROTE_COOKIE)))
    });
    if wrote {
        return Ok(state.pool);
    }
    let Some(ReadAfter(position)) = parts.as_ref().and_then(|parts| parts.extensions.get::<ReadAfter>().copied()) else {
        return Ok(replica);
    };
    let position = format!("{:X}/{:X}", position >> 32, position & 0xFFFF_FFFF);
    let caught_up = sqlx::query_scalar!(
        r#"select coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, true) as "caught_up!""#,
        position
    )
    .fetch_one(&replica)
    .await;
    match caught_up {
        Ok(true) => Ok(replica),
        Ok(false) => Ok(state.pool),
        Err(error) => {
            tracing::warn!(%error, "the read replica did not answer; reading from the primary");
            Ok(state.pool)
        }
    }
}

/// The session store's and the throttle's pool (see [`AppState::guard_pool`]).
pub fn guard_pool() -> Result<PgPool, AppError> {
    state().map(|state| state.guard_pool)
}

/// Begins a transaction carrying the request context for row-level security.
///
/// The context goes out with the `BEGIN` itself, one round trip instead of two (a signed-in page
/// opens a transaction per server function). Its values are written into that statement as
/// literals, which is safe only because of their types: a UUID's text is hex digits and dashes,
/// a role's is one of `Role::as_str`'s fixed words, so none can hold a quote.
#[tracing::instrument(skip(pool))]
pub async fn tx(pool: &PgPool, ctx: &RequestContext) -> Result<Tx, sqlx::Error> {
    let user_id = ctx.user_id.map(|id| id.hyphenated().to_string()).unwrap_or_default();
    let org_id = ctx.org_id.map(|id| id.hyphenated().to_string()).unwrap_or_default();
    let role = ctx.role.map(|role| role.as_str()).unwrap_or_default();
    debug_assert!(role.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    pool.begin_with(format!(
        "begin; select set_config('app.user_id', '{user_id}', true), set_config('app.org_id', '{org_id}', true), \
         set_config('app.role', '{role}', true)"
    ))
    .await
}

/// A server function's body: a future that borrows the transaction (and the caller) while it
/// runs. Boxed because a closure returning a future that borrows its arguments cannot be named
/// otherwise on stable Rust (async closures' futures are not yet provably `Send` for every
/// lifetime, which server functions need).
pub type Body<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// Runs `work` and, when it fails, sets the error's status on the response. Every server
/// function ends here (through [`with_tx`] or the access helpers), so the status is applied once.
pub async fn run<T>(work: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    work.await.map_err(AppError::respond)
}

/// The one place a request's transaction is opened and committed: `body` borrows the caller
/// (`()` when it needs none) and the transaction.
async fn in_tx<C: ?Sized + Sync, T>(
    ctx: RequestContext,
    caller: &C,
    body: impl for<'a> FnOnce(&'a C, &'a mut Tx) -> Body<'a, T>,
) -> Result<T, AppError> {
    let mut tx = tx(&pool()?, &ctx).await?;
    let value = body(caller, &mut tx).await?;
    tx.commit().await?;
    Ok(value)
}

/// Runs `body` in one transaction under `ctx`, committed when it succeeds (dropped, so rolled
/// back, when it fails).
pub async fn with_tx<T>(ctx: RequestContext, body: impl for<'a> FnOnce(&'a mut Tx) -> Body<'a, T>) -> Result<T, AppError> {
    run(in_tx(ctx, &(), |_, tx| body(tx))).await
}

/// Like [`public`], for bodies that only read what every visitor may see (careers, plans, the
/// home page's figures): served by the read replica when there is one (see [`read_pool`]).
pub async fn public_read<T>(body: impl for<'a> FnOnce(&'a mut Tx) -> Body<'a, T>) -> Result<T, AppError> {
    run(async {
        let mut tx = tx(&read_pool().await?, &RequestContext::anonymous()).await?;
        let value = body(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    })
    .await
}

/// Like [`visitor`], for bodies that only read (the mentor directory, the library): served by the
/// read replica when there is one. Row-level security applies there as on the primary.
pub async fn visitor_read<T>(
    body: impl for<'a> FnOnce(Option<&'a SignedIn>, &'a mut Tx) -> Body<'a, T>,
) -> Result<T, AppError> {
    run(async {
        let caller = caller::current().await?;
        let ctx = caller.as_ref().map(SignedIn::ctx).unwrap_or_default();
        let mut tx = tx(&read_pool().await?, &ctx).await?;
        let value = body(caller.as_ref(), &mut tx).await?;
        tx.commit().await?;
        Ok(value)
    })
    .await
}

/// Anyone, signed in or not, with no row-level-security identity (public reference data).
pub async fn public<T>(body: impl for<'a> FnOnce(&'a mut Tx) -> Body<'a, T>) -> Result<T, AppError> {
    with_tx(RequestContext::anonymous(), body).await
}

/// Anyone; a signed-in caller's transaction carries their identity, and the body learns who
/// they are (e.g. an assessment kept for a member or, in the session, for a visitor).
pub async fn visitor<T>(
    body: impl for<'a> FnOnce(Option<&'a SignedIn>, &'a mut Tx) -> Body<'a, T>,
) -> Result<T, AppError> {
    run(async {
        let caller = caller::current().await?;
        let ctx = caller.as_ref().map(SignedIn::ctx).unwrap_or_default();
        in_tx(ctx, &caller, |caller, tx| body(caller.as_ref(), tx)).await
    })
    .await
}

/// A signed-in, active account; anyone else gets `Unauthenticated` (401).
pub async fn signed_in<T>(body: impl for<'a> FnOnce(&'a SignedIn, &'a mut Tx) -> Body<'a, T>) -> Result<T, AppError> {
    run(async {
        let user = caller::require_user().await?;
        in_tx(user.ctx(), &user, body).await
    })
    .await
}

/// An organization administrator or a platform administrator; others get 401 or 403.
pub async fn admin<T>(body: impl for<'a> FnOnce(&'a SignedIn, &'a mut Tx) -> Body<'a, T>) -> Result<T, AppError> {
    run(async {
        let user = caller::require_admin().await?;
        in_tx(user.ctx(), &user, body).await
    })
    .await
}

/// Reads a stored JSON document into its type. Damaged stored data is never replaced by a
/// default: the row's id and the cause go to the log, and the caller gets `Internal`.
pub fn stored_json<T: serde::de::DeserializeOwned>(value: serde_json::Value, what: &str, row: impl std::fmt::Display) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|error| {
        tracing::error!(%error, what, %row, "stored JSON doesn't have the expected shape");
        AppError::Internal
    })
}
