//! Abuse limits for sign-in and sign-up: fixed-window counters in PostgreSQL (`auth_throttle`),
//! so every app server shares them and a restart does not reset them.

use crate::error::AppError;
use sqlx::PgPool;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_hits: i32,
    pub window_secs: i64,
}

/// Failed sign-ins for one account: 5 per 15 minutes.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit { max_hits: 5, window_secs: 15 * 60 };
/// Failed sign-ins from one address, across accounts: 30 per 15 minutes.
pub const SIGN_IN_PER_IP: Limit = Limit { max_hits: 30, window_secs: 15 * 60 };
/// Sign-up attempts from one address: 20 per hour.
pub const SIGN_UP_PER_IP: Limit = Limit { max_hits: 20, window_secs: 3600 };

/// Refuses with "try again in N minutes" when any bucket has used up its window.
pub async fn check(pool: &PgPool, buckets: &[(&str, Limit)]) -> Result<(), AppError> {
    for (bucket, limit) in buckets {
        let row: Option<(i32, i64)> = sqlx::query_as(
            "select hits, ceil(extract(epoch from window_ends_at - now()))::bigint \
               from auth_throttle where bucket = $1 and window_ends_at > now()",
        )
        .bind(bucket)
        .fetch_optional(pool)
        .await?;
        if let Some((hits, remaining)) = row {
            if hits >= limit.max_hits {
                return Err(AppError::RateLimited { retry_after_secs: remaining.max(1) as u64 });
            }
        }
    }
    Ok(())
}

/// Counts one attempt against a bucket, starting a new window when the last one has ended.
pub async fn hit(pool: &PgPool, bucket: &str, limit: Limit) -> Result<(), AppError> {
    sqlx::query(
        "insert into auth_throttle (bucket, hits, window_ends_at) values ($1, 1, now() + make_interval(secs => $2)) \
         on conflict (bucket) do update set \
           hits = case when auth_throttle.window_ends_at <= now() then 1 else auth_throttle.hits + 1 end, \
           window_ends_at = case when auth_throttle.window_ends_at <= now() then excluded.window_ends_at \
                                 else auth_throttle.window_ends_at end",
    )
    .bind(bucket)
    .bind(limit.window_secs as f64)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets a bucket (an account's failures after it signs in successfully).
pub async fn clear(pool: &PgPool, bucket: &str) -> Result<(), AppError> {
    sqlx::query("delete from auth_throttle where bucket = $1").bind(bucket).execute(pool).await?;
    Ok(())
}

/// Deletes finished windows; run by the server's hourly sweep.
pub async fn sweep(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("delete from auth_throttle where window_ends_at <= now()").execute(pool).await?.rows_affected())
}

pub fn account_bucket(identifier: &str) -> String {
    format!("sign-in:account:{}", identifier.trim().to_lowercase())
}

pub fn ip_bucket(action: &str, ip: &str) -> String {
    format!("{action}:ip:{ip}")
}
