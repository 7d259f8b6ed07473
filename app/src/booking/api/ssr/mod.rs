//! The bodies of booking's server functions, and what they share: a listing's availability as
//! stored, the taken ranges anyone may see, the viewer's time zone, free times grouped by day.

pub mod bookings;
pub mod directory;
pub mod listing;

use super::SlotDay;
use crate::booking::domain::SlotView;
use crate::booking::slots::{local_label, Availability, DateOverride, Slot, Taken, WeeklyWindow};
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use uuid::Uuid;

/// A listing's booking rules and identity, as the pages and the booking checks need them.
pub struct ListingRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub handle: String,
    pub display_name: String,
    pub time_zone: String,
    pub requires_approval: bool,
    pub free_cancellation_hours: i32,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub minimum_notice_minutes: i32,
    pub horizon_days: i32,
    pub daily_cap: Option<i32>,
}

impl ListingRow {
    pub fn zone(&self) -> Tz {
        // The zone was checked against the tz database when it was saved; a listing saved
        // before that (or by hand) falls back to UTC rather than failing the page.
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }
}

/// A live listing by its handle, if the caller may see it.
pub async fn listing_by_handle(tx: &mut Tx, handle: &str) -> Result<ListingRow, AppError> {
    sqlx::query_as!(
        ListingRow,
        "select id, user_id, organization_id, handle as \"handle: String\", display_name, time_zone,
                requires_approval, free_cancellation_hours, buffer_before_minutes, buffer_after_minutes,
                minimum_notice_minutes, horizon_days, daily_cap
           from mentors where handle = $1 and status = 'active' and deleted_at is null",
        handle
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that mentor".into()))
}

pub async fn listing_by_id(tx: &mut Tx, id: Uuid) -> Result<ListingRow, AppError> {
    sqlx::query_as!(
        ListingRow,
        "select id, user_id, organization_id, handle as \"handle: String\", display_name, time_zone,
                requires_approval, free_cancellation_hours, buffer_before_minutes, buffer_after_minutes,
                minimum_notice_minutes, horizon_days, daily_cap
           from mentors where id = $1",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that mentor".into()))
}

fn weekday(iso: i16) -> Option<Weekday> {
    match iso {
        1 => Some(Weekday::Mon),
        2 => Some(Weekday::Tue),
        3 => Some(Weekday::Wed),
        4 => Some(Weekday::Thu),
        5 => Some(Weekday::Fri),
        6 => Some(Weekday::Sat),
        7 => Some(Weekday::Sun),
        _ => None,
    }
}

/// The weekly hours as stored.
pub async fn weekly_hours(tx: &mut Tx, mentor: Uuid) -> Result<Vec<WeeklyWindow>, AppError> {
    let rows = sqlx::query!(
        r#"select weekday, starts as "starts: NaiveTime", ends as "ends: NaiveTime" from mentor_weekly_hours where mentor_id = $1 order by weekday, starts"#,
        mentor
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some(WeeklyWindow { weekday: weekday(row.weekday)?, start: row.starts, end: row.ends }))
        .collect())
}

/// The date overrides from `from_date` on, one entry per date.
pub async fn date_overrides(tx: &mut Tx, mentor: Uuid, from_date: chrono::NaiveDate) -> Result<Vec<(DateOverride, String)>, AppError> {
    let rows = sqlx::query!(
        r#"select on_date as "on_date: chrono::NaiveDate", starts as "starts: NaiveTime", ends as "ends: NaiveTime", note from mentor_date_overrides
          where mentor_id = $1 and on_date >= $2 order by on_date, starts nulls first"#,
        mentor,
        from_date as _
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut overrides: Vec<(DateOverride, String)> = Vec::new();
    for row in rows {
        let window: Option<(NaiveTime, NaiveTime)> = row.starts.zip(row.ends);
        match overrides.last_mut() {
            Some((last, note)) if last.date == row.on_date => {
                last.windows.extend(window);
                if note.is_empty() {
                    *note = row.note;
                }
            }
            _ => overrides.push((DateOverride { date: row.on_date, windows: window.into_iter().collect() }, row.note)),
        }
    }
    Ok(overrides)
}

/// Everything the slot computation needs about a listing.
pub async fn availability(tx: &mut Tx, listing: &ListingRow, now: DateTime<Utc>) -> Result<Availability, AppError> {
    let zone = listing.zone();
    let today = now.with_timezone(&zone).date_naive() - Duration::days(1);
    let weekly = weekly_hours(tx, listing.id).await?;
    let overrides = date_overrides(tx, listing.id, today).await?.into_iter().map(|(o, _)| o).collect();
    let minutes = |value: i32| u32::try_from(value).unwrap_or(0);
    Ok(Availability {
        time_zone: zone,
        weekly,
        overrides,
        buffer_before_minutes: minutes(listing.buffer_before_minutes),
        buffer_after_minutes: minutes(listing.buffer_after_minutes),
        minimum_notice_minutes: minutes(listing.minimum_notice_minutes),
        horizon_days: minutes(listing.horizon_days),
        daily_cap: listing.daily_cap.and_then(|cap| u32::try_from(cap).ok()),
    })
}

/// The mentor's live bookings between two instants, as anyone who may see the listing sees
/// them (never whose), leaving out `except` (a booking being moved).
pub async fn taken(tx: &mut Tx, mentor: Uuid, from: DateTime<Utc>, until: DateTime<Utc>, except: Option<Uuid>) -> Result<Vec<Taken>, AppError> {
    let rows = sqlx::query!(
        r#"select starts_at as "starts_at!: DateTime<Utc>", blocked_from as "blocked_from!: DateTime<Utc>",
                  blocked_until as "blocked_until!: DateTime<Utc>"
             from mentor_taken_ranges($1, $2, $3, $4)"#,
        mentor,
        from as _,
        until as _,
        except
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| Taken { start: r.starts_at, blocked_from: r.blocked_from, blocked_until: r.blocked_until }).collect())
}

/// How far apart offered starts are: a short session every 15 or 20 minutes, longer ones every
/// half hour, so a day offers real choice without a wall of buttons.
pub fn step_minutes(length_minutes: u32) -> u32 {
    length_minutes.min(30)
}

/// The zone a viewer sees times in, and where it came from: their choice on the page, else
/// their profile's zone, else the mentor's.
pub async fn viewer_zone(tx: &mut Tx, caller: Option<&SignedIn>, chosen: &str, mentor_zone: Tz) -> Result<(Tz, &'static str), AppError> {
    if let Ok(zone) = chosen.trim().parse::<Tz>() {
        return Ok((zone, "your choice"));
    }
    if let Some(user) = caller {
        if let Some(zone) = profile_zone(tx, user.user_id).await? {
            return Ok((zone, "your profile's time zone"));
        }
    }
    Ok((mentor_zone, "the mentor's time zone"))
}

/// The person's profile zone, when they have set one other than the default.
pub async fn profile_zone(tx: &mut Tx, user: Uuid) -> Result<Option<Tz>, AppError> {
    let zone = sqlx::query_scalar!("select time_zone from user_profiles where user_id = $1 and deleted_at is null", user)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(zone.and_then(|z| z.parse().ok()))
}

/// A slot with its labels in both zones.
pub fn slot_view(slot: Slot, viewer: Tz, mentor: Tz) -> SlotView {
    SlotView {
        start: slot.start,
        end: slot.end,
        viewer_label: local_label(slot.start, viewer),
        mentor_label: local_label(slot.start, mentor),
    }
}

/// Free times grouped by the viewer's local date.
pub fn slot_days(slots: &[Slot], viewer: Tz, mentor: Tz) -> Vec<SlotDay> {
    let mut days: Vec<SlotDay> = Vec::new();
    let mut current = None;
    for slot in slots {
        let date = slot.start.with_timezone(&viewer).date_naive();
        if current != Some(date) {
            current = Some(date);
            days.push(SlotDay { label: date.format("%A %-d %B").to_string(), slots: Vec::new() });
        }
        if let Some(day) = days.last_mut() {
            day.slots.push(slot_view(*slot, viewer, mentor));
        }
    }
    days
}

/// "Mon 30 Nov, 14:00 – 14:30 GMT" in `zone`.
pub fn when_label(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> String {
    format!(
        "{} – {} {}",
        local_label(start, zone),
        end.with_timezone(&zone).format("%H:%M"),
        crate::booking::slots::zone_abbreviation(start, zone)
    )
}

/// Parses a slot's start as the page sent it.
pub fn parse_start(start: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(start.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::invalid("That time isn't one we offered; reload the page and pick again."))
}

/// `/booking/{id}/calendar.ics`: a booking's calendar file for whoever may see it. A plain axum
/// route (a file download), outside Leptos, so the transaction is opened and committed here, as
/// the data export does.
pub async fn calendar_handler(
    session: tower_sessions::Session,
    axum::extract::State(pool): axum::extract::State<sqlx::PgPool>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let result: Result<(String, String), AppError> = async {
        let user = crate::db::caller::resolve(&session, &pool).await?.ok_or(AppError::Unauthenticated)?;
        let id: Uuid = id.parse().map_err(|_| AppError::NotFound("that booking".into()))?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let file = bookings::calendar_file(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }
    .await;
    match result {
        Ok((name, ics)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            ics,
        )
            .into_response(),
        Err(AppError::Unauthenticated) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/sign-in?next=/booking/{id}"))]).into_response()
        }
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}
