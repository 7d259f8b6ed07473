//! Pool access and the per-request transaction that row-level security reads.
//!
//! Every server function that touches tenant data opens its transaction through [`tx`], which
//! sets `app.user_id`, `app.org_id` and `app.role` for that transaction only, so the policies in
//! `migrations/*_row_level_security.sql` decide which rows the statement may see or change.

use crate::accounts::Role;
use crate::error::AppError;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

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

/// The server's shared state, provided to every route and server function as context.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Connected as `waypoint_app`, which row-level security binds.
    pub pool: PgPool,
    /// A few connections of their own (also `waypoint_app`) for the session store and the sign-in
    /// throttle, which write while a request transaction is open: on the request pool a burst of
    /// sign-ins held every connection and waited for one more.
    pub guard_pool: PgPool,
}

/// The pool from context, or a typed error when it is missing (never a panic in a render path).
pub fn pool() -> Result<PgPool, AppError> {
    leptos::prelude::use_context::<AppState>().map(|state| state.pool).ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The session store's and the throttle's pool (see [`AppState::guard_pool`]).
pub fn guard_pool() -> Result<PgPool, AppError> {
    leptos::prelude::use_context::<AppState>().map(|state| state.guard_pool).ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// Begins a transaction carrying the request context for row-level security.
#[tracing::instrument(skip(pool))]
pub async fn tx(pool: &PgPool, ctx: &RequestContext) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "select set_config('app.user_id', $1, true), set_config('app.org_id', $2, true), \
                set_config('app.role', $3, true)",
    )
    .bind(ctx.user_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(ctx.org_id.map(|id| id.to_string()).unwrap_or_default())
    .bind(ctx.role.map(|role| role.as_str()).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    Ok(tx)
}
