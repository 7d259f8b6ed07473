//! Abuse limits for sign-in and sign-up: counters in PostgreSQL (`auth_throttle`), so every app
//! server shares them and a restart does not reset them.
//!
//! Guessing an account's password meets two limits:
//! - per account **and network** (the IPv4 address, or the IPv6 /64): 5 failures in 15 minutes,
//!   then refused for the rest of the window. The attempt is counted *before* the password is
//!   checked, in one statement (`insert … on conflict … returning`), so parallel guesses cannot
//!   slip past a check that has not seen the others yet; a success gives its count back.
//! - per account, across networks: no hard lock (anyone who knows a public username could lock
//!   its owner out), but a progressive delay: after 10 failures each further password check must
//!   wait 1, 2, 4 … up to 60 seconds after the previous one, claimed under a row lock.
//!
//! Per address, 30 failed sign-ins in 15 minutes (across accounts) and 20 sign-ups an hour.

use crate::error::AppError;
use sqlx::PgPool;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_hits: i32,
    pub window_secs: i64,
}

/// Sign-in attempts on one account from one network: 5 failures per 15 minutes.
pub const SIGN_IN_PER_ACCOUNT_NETWORK: Limit = Limit { max_hits: 5, window_secs: 15 * 60 };
/// Failed sign-ins on one account from anywhere, counted for the progressive delay.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit { max_hits: 10, window_secs: 15 * 60 };
/// The longest wait between two password checks of one account.
pub const MAX_ACCOUNT_DELAY_SECS: i64 = 60;
/// Failed sign-ins from one address, across accounts: 30 per 15 minutes.
pub const SIGN_IN_PER_IP: Limit = Limit { max_hits: 30, window_secs: 15 * 60 };
/// Sign-up attempts from one address: 20 per hour.
pub const SIGN_UP_PER_IP: Limit = Limit { max_hits: 20, window_secs: 3600 };

/// Refuses with "try again in N minutes" when any bucket has used up its window.
pub async fn check(pool: &PgPool, buckets: &[(&str, Limit)]) -> Result<(), AppError> {
    for (bucket, limit) in buckets {
        let row = sqlx::query!(
            r#"select hits, ceil(extract(epoch from window_ends_at - now()))::bigint as "remaining!"
                 from auth_throttle where bucket = $1 and window_ends_at > now()"#,
            bucket,
        )
        .fetch_optional(pool)
        .await?;
        if let Some(row) = row {
            if row.hits >= limit.max_hits {
                return Err(AppError::RateLimited { retry_after_secs: row.remaining.max(1) as u64 });
            }
        }
    }
    Ok(())
}

/// Counts one attempt against a bucket, starting a new window when the last one has ended, and
/// returns the attempts in the window so far (this one included) and the seconds it has left.
async fn count(pool: &PgPool, bucket: &str, limit: Limit) -> Result<Count, AppError> {
    Ok(sqlx::query_as!(
        Count,
        r#"insert into auth_throttle (bucket, hits, window_ends_at) values ($1, 1, now() + make_interval(secs => $2))
           on conflict (bucket) do update set
             hits = case when auth_throttle.window_ends_at <= now() then 1 else auth_throttle.hits + 1 end,
             window_ends_at = case when auth_throttle.window_ends_at <= now() then excluded.window_ends_at
                                   else auth_throttle.window_ends_at end,
             not_before = case when auth_throttle.window_ends_at <= now() then '-infinity'
                               else auth_throttle.not_before end
           returning hits, ceil(extract(epoch from window_ends_at - now()))::bigint as "remaining!""#,
        bucket,
        limit.window_secs as f64,
    )
    .fetch_one(pool)
    .await?)
}

/// A bucket's attempts in its window so far and the seconds the window has left.
struct Count {
    hits: i32,
    remaining: i64,
}

/// Counts one attempt against a bucket (a failure, for buckets that count failures).
pub async fn hit(pool: &PgPool, bucket: &str, limit: Limit) -> Result<(), AppError> {
    count(pool, bucket, limit).await.map(|_| ())
}

/// Counts this attempt first and refuses it when it is over the limit: parallel attempts each
/// see the others' counts, so no more than `max_hits` of them ever go on.
pub async fn take(pool: &PgPool, bucket: &str, limit: Limit) -> Result<(), AppError> {
    let Count { hits, remaining } = count(pool, bucket, limit).await?;
    if hits > limit.max_hits {
        return Err(AppError::RateLimited { retry_after_secs: remaining.max(1) as u64 });
    }
    Ok(())
}

/// Gives back an attempt counted by [`take`] that turned out not to be a failure.
pub async fn give_back(pool: &PgPool, bucket: &str) -> Result<(), AppError> {
    sqlx::query!("update auth_throttle set hits = greatest(hits - 1, 0) where bucket = $1 and window_ends_at > now()", bucket)
        .execute(pool)
        .await?;
    Ok(())
}

/// The wait between two password checks of an account with `failures` failures in its window.
pub fn account_delay_secs(failures: i32) -> i64 {
    if failures < SIGN_IN_PER_ACCOUNT.max_hits {
        return 0;
    }
    let doublings = (failures - SIGN_IN_PER_ACCOUNT.max_hits).min(16) as u32;
    (1i64 << doublings).min(MAX_ACCOUNT_DELAY_SECS)
}

/// The progressive delay on one account (see the module notes): claims the next password check
/// of the account, or refuses with the seconds until it may be tried.
pub async fn claim_account_turn(pool: &PgPool, bucket: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        r#"select hits, extract(epoch from greatest(not_before, now()) - now())::float8 as "wait!"
             from auth_throttle where bucket = $1 and window_ends_at > now() for update"#,
        bucket,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let (failures, wait) = (row.hits, row.wait);
    let delay = account_delay_secs(failures);
    if delay == 0 {
        return Ok(());
    }
    if wait > 0.0 {
        return Err(AppError::RateLimited { retry_after_secs: wait.ceil() as u64 });
    }
    sqlx::query!(
        "update auth_throttle set not_before = now() + make_interval(secs => $2) where bucket = $1",
        bucket,
        delay as f64,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets a bucket (an account's failures after it signs in successfully).
pub async fn clear(pool: &PgPool, bucket: &str) -> Result<(), AppError> {
    sqlx::query!("delete from auth_throttle where bucket = $1", bucket).execute(pool).await?;
    Ok(())
}

/// Deletes finished windows; run by the server's hourly sweep.
pub async fn sweep(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("delete from auth_throttle where window_ends_at <= now()").execute(pool).await?.rows_affected())
}

/// One account's failures from everywhere (the progressive delay).
pub fn account_bucket(identifier: &str) -> String {
    format!("sign-in:account:{}", identifier.trim().to_lowercase())
}

/// One account's attempts from one network (the hard limit).
pub fn account_network_bucket(identifier: &str, network: &str) -> String {
    format!("sign-in:account:{}:net:{network}", identifier.trim().to_lowercase())
}

pub fn ip_bucket(action: &str, ip: &str) -> String {
    format!("{action}:ip:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_grows_then_stops_at_a_minute() {
        let delays: Vec<i64> = (0..20).map(account_delay_secs).collect();
        assert_eq!(&delays[..10], &[0; 10]);
        assert_eq!(&delays[10..17], &[1, 2, 4, 8, 16, 32, 60]);
        assert!(delays[17..].iter().all(|&delay| delay == 60));
    }
}

/// Password-reset requests from one address: 10 per hour.
pub const RESET_PER_IP: Limit = Limit { max_hits: 10, window_secs: 3600 };
/// Password-reset emails to one email address: 3 per hour, whether or not an account has it.
pub const RESET_PER_ADDRESS: Limit = Limit { max_hits: 3, window_secs: 3600 };
/// Verification emails asked for again by one account: 5 per hour.
pub const VERIFICATION_PER_ACCOUNT: Limit = Limit { max_hits: 5, window_secs: 3600 };
