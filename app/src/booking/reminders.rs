//! The booking worker: reminders 24 hours and 1 hour before a confirmed session, written as
//! in-app notifications to both parties; holds nobody confirmed, and requests nobody answered
//! before they started, expired.
//!
//! Exactly once, across restarts and several servers: each pass claims due bookings with
//! `for update skip locked` inside one transaction, writes the notifications and marks the
//! booking reminded in that same transaction. A crash before the commit leaves nothing behind
//! (the next pass sends it); after the commit the mark is there and nobody sends it again; a
//! second worker skips the rows the first has locked. It runs on a pool that may see every
//! organization's bookings (the server's owner pool), as no request context is involved.

use sqlx::PgPool;
use std::time::Duration;

/// How many bookings one pass claims per kind of reminder.
const BATCH: i64 = 200;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub day_before: u64,
    pub hour_before: u64,
    pub holds_expired: u64,
    pub requests_expired: u64,
}

/// One pass over due reminders and stale holds and requests.
pub async fn run_once(pool: &PgPool) -> Result<Pass, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let holds_expired = sqlx::query_scalar!(r#"select expire_stale_holds() as "expired!""#).fetch_one(&mut *tx).await?;
    let requests_expired = sqlx::query!(
        "update bookings set status = 'expired' where status = 'pending' and scheduled_at <= now() and deleted_at is null"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The hour-before reminder first: a session booked less than a day ahead gets only that one
    // (its day-before mark is set with it, nothing sent).
    let hour_before = remind(&mut tx, "1 hour", "hour").await?;
    let day_before = remind(&mut tx, "24 hours", "day").await?;
    tx.commit().await?;
    Ok(Pass { day_before, hour_before, holds_expired: u64::try_from(holds_expired).unwrap_or(0), requests_expired })
}

/// Claims confirmed sessions starting within `within` whose `which` reminder is not yet marked,
/// notifies both parties and marks them, all in the caller's transaction.
async fn remind(tx: &mut sqlx::Transaction<'static, sqlx::Postgres>, within: &str, which: &str) -> Result<u64, sqlx::Error> {
    let sent = sqlx::query_scalar!(
        r#"with due as (
               select b.id from bookings b
                where b.status = 'confirmed' and b.deleted_at is null and b.scheduled_at > now()
                  and b.scheduled_at <= now() + $1::text::interval
                  and case $2 when 'hour' then b.reminded_hour_before_at is null
                              else b.reminded_day_before_at is null end
                order by b.scheduled_at
                limit $3
                  for update of b skip locked),
           marked as (
               update bookings b
                  set reminded_hour_before_at = case $2 when 'hour' then now() else b.reminded_hour_before_at end,
                      reminded_day_before_at = coalesce(b.reminded_day_before_at, now())
                 from due where b.id = due.id
               returning b.id, b.organization_id, b.student_id, b.mentor_id, b.scheduled_at,
                         b.session_type_id, b.created_at),
           recipients as (
               select marked.id, marked.organization_id, r.user_id, marked.scheduled_at, marked.session_type_id,
                      marked.created_at,
                      coalesce(p.time_zone, m.time_zone, 'UTC') as zone
                 from marked join mentors m on m.id = marked.mentor_id
                 cross join lateral (values (marked.student_id), (m.user_id)) as r(user_id)
                 left join user_profiles p on p.user_id = r.user_id and p.deleted_at is null),
           notified as (
               insert into notifications (user_id, organization_id, kind, title, body, payload)
               select rc.user_id, rc.organization_id, 'booking',
                      case $2 when 'hour' then 'Your session starts in an hour' else 'Your session is coming up' end,
                      coalesce(st.title, 'Session') || ' at '
                          || to_char(rc.scheduled_at at time zone rc.zone, 'Dy DD Mon, HH24:MI') || ' (' || rc.zone || ').',
                      jsonb_build_object('booking_id', rc.id, 'reminder', $2::text)
                 from recipients rc left join mentor_session_types st on st.id = rc.session_type_id
                -- A session booked less than a day ahead is marked, not reminded twice.
                where $2 = 'hour' or rc.created_at <= rc.scheduled_at - interval '20 hours'
               returning 1)
           select count(*) as "count!" from notified"#,
        within,
        which,
        BATCH
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(u64::try_from(sent).unwrap_or(0) / 2)
}

/// Runs passes every `every` until the process ends; a failed pass is logged and retried.
pub async fn run(pool: PgPool, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match run_once(&pool).await {
            Ok(pass) if pass != Pass::default() => tracing::info!(?pass, "booking worker"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "booking worker pass failed; retrying next tick"),
        }
    }
}
