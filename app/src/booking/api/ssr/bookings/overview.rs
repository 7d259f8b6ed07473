//! The dashboards (a student's sessions, a mentor's requests and week, an organization
//! administrator's bookings) and a booking's calendar file.

use super::{administers, load};
use crate::booking::calendar::{booking_ics, CalendarEvent};
use crate::booking::domain::{BookingStatus, BookingSummary, BookingsOverview};
use crate::booking::api::ssr::{profile_zone, when_label};
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

#[derive(Clone)]
struct SummaryRow {
    id: Uuid,
    status: BookingStatus,
    scheduled_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    session_title: String,
    mentor_name: String,
    mentor_handle: String,
    mentor_user_id: Uuid,
    student_name: String,
}

impl SummaryRow {
    fn summary(self, viewer: Uuid, zone: Tz) -> BookingSummary {
        let with_whom = if self.mentor_user_id == viewer {
            self.student_name
        } else if self.student_name.is_empty() {
            self.mentor_name
        } else {
            format!("{} with {}", self.student_name, self.mentor_name)
        };
        BookingSummary {
            id: self.id,
            status: self.status,
            start: self.scheduled_at,
            end: self.ends_at,
            when: when_label(self.scheduled_at, self.ends_at, zone),
            session_title: self.session_title,
            with_whom,
            mentor_handle: self.mentor_handle,
        }
    }
}

/// Bookings the caller may see (row-level security) where `role` says how they take part:
/// 'student' (theirs), 'mentor' (with them), 'organization' (every one they administer).
async fn rows(tx: &mut Tx, user: &SignedIn, role: &str, since: DateTime<Utc>, limit: i64) -> Result<Vec<SummaryRow>, AppError> {
    Ok(sqlx::query_as!(
        SummaryRow,
        r#"select b.id, b.status as "status: BookingStatus", b.scheduled_at as "scheduled_at: DateTime<Utc>",
                  b.ends_at as "ends_at: DateTime<Utc>", coalesce(st.title, 'Session') as "session_title!",
                  m.display_name as mentor_name, m.handle as "mentor_handle: String", m.user_id as mentor_user_id,
                  case when b.student_id = $1 then ''
                       else coalesce((select u.first_name || ' ' || u.last_name from users u where u.id = b.student_id), 'A student')
                  end as "student_name!"
             from bookings b join mentors m on m.id = b.mentor_id
             left join mentor_session_types st on st.id = b.session_type_id
            where b.deleted_at is null and b.ends_at >= $3
              and case $2 when 'student' then b.student_id = $1
                          when 'mentor' then m.user_id = $1
                          else b.organization_id = $4 end
              and not (b.status = 'hold' and b.hold_expires_at <= now())
            order by b.scheduled_at
            limit $5"#,
        user.user_id,
        role,
        since as _,
        user.org_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// See [`super::super::super::my_bookings`].
pub async fn overview(tx: &mut Tx, user: &SignedIn) -> Result<BookingsOverview, AppError> {
    let zone = profile_zone(tx, user.user_id).await?.unwrap_or(Tz::UTC);
    let now = Utc::now();
    let year_ago = now - Duration::days(365);
    let mut mine = rows(tx, user, "student", year_ago, 200).await?;
    let is_mentor = sqlx::query_scalar!(
        r#"select exists (select 1 from mentors where user_id = $1 and deleted_at is null) as "mentor!""#,
        user.user_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut requests = None;
    let mut week = None;
    if is_mentor {
        let with_me = rows(tx, user, "mentor", year_ago, 300).await?;
        let mut pending = Vec::new();
        let mut days: Vec<(String, Vec<BookingSummary>)> = (0..7)
            .map(|offset| ((now + Duration::days(offset)).with_timezone(&zone).format("%A %-d %B").to_string(), Vec::new()))
            .collect();
        let today = now.with_timezone(&zone).date_naive();
        for row in with_me {
            if row.status == BookingStatus::Pending && row.scheduled_at > now {
                pending.push(row.clone().summary(user.user_id, zone));
            }
            let offset = (row.scheduled_at.with_timezone(&zone).date_naive() - today).num_days();
            if (0..7).contains(&offset) && matches!(row.status, BookingStatus::Pending | BookingStatus::Confirmed) {
                if let Some((_, list)) = usize::try_from(offset).ok().and_then(|i| days.get_mut(i)) {
                    list.push(row.clone().summary(user.user_id, zone));
                }
            }
            mine.push(row);
        }
        requests = Some(pending);
        week = Some(days);
    }
    mine.sort_by_key(|row| row.scheduled_at);
    let (upcoming, mut past): (Vec<_>, Vec<_>) = mine
        .into_iter()
        .map(|row| row.summary(user.user_id, zone))
        .partition(|b| b.status.is_live() && b.end >= now);
    past.reverse();
    past.truncate(30);
    let organization = if administers(user) {
        Some(rows(tx, user, "organization", now - Duration::days(7), 200).await?.into_iter().map(|row| row.summary(user.user_id, zone)).collect())
    } else {
        None
    };
    Ok(BookingsOverview { viewer_zone: zone.name().to_string(), upcoming, past, requests, week, organization })
}

/// A booking's `.ics` for whoever may see it (its student, its mentor, an administrator): the file name and the
/// calendar. A cancelled (or declined, expired) booking gives METHOD:CANCEL with a raised
/// SEQUENCE, so a calendar that imported it removes the event.
pub async fn calendar_file(tx: &mut Tx, id: Uuid) -> Result<(String, String), AppError> {
    let booking = load(tx, id).await?;
    if booking.status == BookingStatus::Hold {
        return Err(AppError::Conflict("Confirm the booking first; then add it to your calendar.".into()));
    }
    let people = sqlx::query!(
        r#"select m.display_name as mentor_name, mu.email::text as "mentor_email!",
                  su.first_name || ' ' || su.last_name as "student_name!", su.email::text as "student_email!"
             from bookings b join mentors m on m.id = b.mentor_id
             join users mu on mu.id = m.user_id join users su on su.id = b.student_id
            where b.id = $1"#,
        id
    )
    .fetch_one(&mut **tx)
    .await?;
    let summary = format!("{}: {} with {}", booking.session_title, people.student_name, people.mentor_name);
    let description = if booking.topic.is_empty() { "A Waypoint mentoring session.".to_string() } else { booking.topic.clone() };
    let cancelled = !booking.status.is_live() && booking.status != BookingStatus::Completed && booking.status != BookingStatus::NoShow;
    let shows_link = booking.status == BookingStatus::Confirmed;
    let ics = booking_ics(&CalendarEvent {
        uid: id,
        sequence: u32::try_from(booking.calendar_sequence).unwrap_or(0),
        cancelled,
        start: booking.scheduled_at,
        end: booking.ends_at,
        summary: &summary,
        description: &description,
        meeting_url: booking.meeting_url.as_deref().filter(|_| shows_link),
        organizer: (&people.mentor_name, &people.mentor_email),
        attendee: (&people.student_name, &people.student_email),
        stamp: Utc::now(),
    });
    Ok((format!("waypoint-session-{}.ics", booking.scheduled_at.format("%Y-%m-%d")), ics))
}
