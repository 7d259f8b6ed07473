//! Bookings from a held slot to a review. Every change is one UPDATE guarded three times: here
//! (the action is allowed for this party in this state, with a clear message), by the
//! `bookings_guard_party_update` trigger (which party may change which column) and by
//! `bookings_status_machine` (which transitions exist at all). Overlaps are the exclusion
//! constraints' job; a per-mentor advisory lock only makes the loser's answer friendlier.

use super::super::SlotDay;
use super::{availability, listing_by_handle, listing_by_id, parse_start, profile_zone, slot_days, step_minutes, taken, ListingRow};
use crate::booking::domain::{
    cancellation_is_late, BookingAction, BookingStatus, Party, HOLD_MINUTES, NEXT_SLOTS,
};
use crate::booking::slots::{local_label, Slot};
use crate::db::{SignedIn, Tx};
use crate::domain::Role;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

mod detail;
mod overview;
pub use detail::{detail, review, save_notes};
pub use overview::{calendar_file, overview};

static NOTE_KEYS: std::sync::OnceLock<crate::booking::notes::NoteKeys> = std::sync::OnceLock::new();

/// Gives the process its session-notes keys (the server at start-up, from
/// `WAYPOINT_ENCRYPTION_KEY` or the embedded default's key file). The first call wins.
pub fn install_note_keys(keys: crate::booking::notes::NoteKeys) {
    let _ = NOTE_KEYS.set(keys);
}

pub(crate) fn note_keys() -> Result<&'static crate::booking::notes::NoteKeys, AppError> {
    NOTE_KEYS.get().ok_or_else(|| {
        tracing::error!("session notes keys were never installed");
        AppError::Unavailable
    })
}

/// A booking as its parties' pages need it.
pub struct BookingRow {
    pub id: Uuid,
    pub status: BookingStatus,
    pub scheduled_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub topic: String,
    pub meeting_url: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancellation_reason: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancelled_late: bool,
    pub notes_ciphertext: Option<Vec<u8>>,
    pub notes_key_id: Option<String>,
    pub student_id: Uuid,
    pub mentor_id: Uuid,
    pub organization_id: Uuid,
    pub calendar_sequence: i32,
    pub mentor_user_id: Uuid,
    pub session_title: String,
    pub student_name: String,
}

/// The booking, if the caller may see it (row-level security decides).
pub async fn load(tx: &mut Tx, id: Uuid) -> Result<BookingRow, AppError> {
    sqlx::query_as!(
        BookingRow,
        r#"select b.id, b.status as "status: BookingStatus", b.scheduled_at as "scheduled_at: DateTime<Utc>",
                  b.ends_at as "ends_at: DateTime<Utc>", b.topic, b.meeting_url, b.price_minor, b.currency,
                  b.hold_expires_at as "hold_expires_at: DateTime<Utc>", b.cancelled_at as "cancelled_at: DateTime<Utc>",
                  b.cancellation_reason, b.cancelled_by, b.cancelled_late, b.notes_ciphertext, b.notes_key_id,
                  b.student_id, b.mentor_id, b.organization_id, b.calendar_sequence,
                  m.user_id as mentor_user_id, coalesce(st.title, 'Session') as "session_title!",
                  coalesce((select u.first_name || ' ' || u.last_name from users u where u.id = b.student_id), 'A student') as "student_name!"
             from bookings b join mentors m on m.id = b.mentor_id
             left join mentor_session_types st on st.id = b.session_type_id
            where b.id = $1 and b.deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that booking".into()))
}

/// Who the caller is to this booking.
pub fn party(user: &SignedIn, booking: &BookingRow) -> Party {
    if booking.student_id == user.user_id {
        Party::Student
    } else if booking.mentor_user_id == user.user_id {
        Party::Mentor
    } else {
        // Row-level security showed it, so the caller administers its organization.
        Party::Administrator
    }
}

/// Refuses an action this party may not take now, saying why: an action that is never theirs
/// is forbidden; one that is theirs but not in this state names the state.
fn require(action: BookingAction, party: Party, booking: &BookingRow, now: DateTime<Utc>) -> Result<(), AppError> {
    if action.allowed(party, booking.status, booking.scheduled_at, now) {
        return Ok(());
    }
    let started_long_ago = now - Duration::days(3650);
    let ever_theirs = [BookingStatus::Hold, BookingStatus::Pending, BookingStatus::Confirmed]
        .into_iter()
        .any(|status| action.allowed(party, status, started_long_ago, now) || action.allowed(party, status, now + Duration::days(1), now));
    if !ever_theirs {
        return Err(AppError::Forbidden);
    }
    if matches!(action, BookingAction::Complete | BookingAction::NoShow) && booking.status == BookingStatus::Confirmed {
        return Err(AppError::invalid("You can record how the session went once it has started."));
    }
    if action == BookingAction::Reschedule && booking.status.is_live() {
        return Err(AppError::invalid("A session that has started keeps its time."));
    }
    Err(AppError::Conflict(action.refusal(booking.status)))
}

/// Serialises bookings of one mentor for the rest of the transaction: a loser then sees the
/// winner's booking and gets the next free times, instead of a bare constraint violation.
async fn lock_mentor(tx: &mut Tx, mentor: Uuid) -> Result<(), AppError> {
    sqlx::query!("select pg_advisory_xact_lock(hashtextextended($1::text, 7001))", mentor.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Expired holds stop blocking their slot now, not when the worker next runs.
async fn expire_holds(tx: &mut Tx) -> Result<(), AppError> {
    sqlx::query_scalar!("select expire_stale_holds()").fetch_one(&mut **tx).await?;
    Ok(())
}

/// "This time was just taken", with the next free times in the viewer's zone.
async fn just_taken(tx: &mut Tx, listing: &ListingRow, length: u32, zone: Tz, except: Option<Uuid>) -> Result<AppError, AppError> {
    let now = Utc::now();
    let rules = availability(tx, listing, now).await?;
    let until = now + Duration::days(i64::from(listing.horizon_days));
    let taken = taken(tx, listing.id, now - Duration::days(1), until, except).await?;
    let next: Vec<String> = rules
        .free_slots(length, step_minutes(length), now, now, until, &taken)
        .into_iter()
        .take(NEXT_SLOTS.min(5))
        .map(|slot| local_label(slot.start, zone))
        .collect();
    Ok(AppError::Conflict(if next.is_empty() {
        "This time was just taken, and there are no other free times in the coming weeks.".to_string()
    } else {
        format!("This time was just taken. The next free times: {}.", next.join("; "))
    }))
}

/// What the database's overlap refusals mean for the person booking.
fn overlap(error: sqlx::Error, taken_message: AppError) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        match db.constraint() {
            Some("bookings_mentor_no_overlap") => return taken_message,
            Some("bookings_student_no_overlap") => {
                return AppError::Conflict("You already have a session at that time; choose another time.".into())
            }
            _ => {}
        }
    }
    error.into()
}

/// See [`super::super::hold_slot`].
pub async fn hold(tx: &mut Tx, user: &SignedIn, handle: String, session_type: String, start: String) -> Result<Uuid, AppError> {
    let listing = listing_by_handle(tx, handle.trim()).await?;
    if listing.user_id == user.user_id {
        return Err(AppError::invalid("You can't book a session with yourself."));
    }
    if listing.organization_id != user.org_id {
        return Err(AppError::invalid(format!(
            "{} mentors members of their own organization; their page says how to reach them.",
            listing.display_name
        )));
    }
    let type_id: Uuid = session_type.trim().parse().map_err(|_| AppError::NotFound("that session type".into()))?;
    let kind = sqlx::query!(
        "select duration_minutes, is_free_intro, title from mentor_session_types
          where id = $1 and mentor_id = $2 and active and deleted_at is null",
        type_id,
        listing.id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that session type".into()))?;
    let length = u32::try_from(kind.duration_minutes).unwrap_or(0);
    let start = parse_start(&start)?;
    let slot = Slot { start, end: start + Duration::minutes(i64::from(length)) };
    let zone = profile_zone(tx, user.user_id).await?.unwrap_or_else(|| listing.zone());
    expire_holds(tx).await?;
    lock_mentor(tx, listing.id).await?;
    // After the lock: parallel requests from one student see each other's holds.
    if kind.is_free_intro {
        let had = sqlx::query_scalar!(
            r#"select exists (select 1 from bookings b join mentor_session_types st on st.id = b.session_type_id
                               where b.student_id = $1 and b.mentor_id = $2 and st.is_free_intro
                                 and b.status in ('hold', 'pending', 'confirmed', 'completed')) as "had!""#,
            user.user_id,
            listing.id
        )
        .fetch_one(&mut **tx)
        .await?;
        if had {
            return Err(AppError::invalid(format!(
                "You've already had your free introduction with {}; choose another session type.",
                listing.display_name
            )));
        }
    }
    let now = Utc::now();
    let rules = availability(tx, &listing, now).await?;
    if !rules.offers_on_step(slot, step_minutes(length), now, &[]) {
        return Err(AppError::invalid("That time isn't offered: it is outside the mentor's hours, too soon or too far ahead. Pick one of the times shown."));
    }
    let taken_now = taken(tx, listing.id, start - Duration::days(1), start + Duration::days(1), None).await?;
    if !rules.offers_on_step(slot, step_minutes(length), now, &taken_now) {
        return Err(just_taken(tx, &listing, length, zone, None).await?);
    }
    let inserted = sqlx::query_scalar!(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at, hold_expires_at)
         values ($1, $2, $3, $4, 'hold', $5, $6, now() + make_interval(mins => $7))
         returning id",
        user.org_id,
        listing.id,
        user.user_id,
        type_id,
        slot.start as _,
        slot.end as _,
        HOLD_MINUTES as i32
    )
    .fetch_one(&mut **tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(error) => return Err(overlap(error, AppError::Conflict("This time was just taken; pick another.".into()))),
    };
    Ok(id)
}

/// Tells the other party, in the app, what just happened.
async fn notify(tx: &mut Tx, booking: Uuid, title: &str, body: &str) -> Result<(), AppError> {
    sqlx::query_scalar!("select notify_booking_counterpart($1, $2, $3, '{}'::jsonb)", booking, title, body)
        .fetch_one(&mut **tx)
        .await?;
    Ok(())
}

fn reason_text(reason: &str, required: bool, what: &str) -> Result<Option<String>, AppError> {
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(format!("Keep the {what} to 500 characters.")));
    }
    if reason.is_empty() {
        return if required { Err(AppError::invalid(format!("Say in a few words the {what}; the student sees it."))) } else { Ok(None) };
    }
    Ok(Some(reason.to_string()))
}

/// See [`super::super::confirm_booking`].
pub async fn confirm(tx: &mut Tx, user: &SignedIn, id: Uuid, topic: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    let now = Utc::now();
    require(BookingAction::Confirm, party(user, &booking), &booking, now)?;
    if booking.price_minor > 0 {
        // bookings_paid_before_confirming says the same: the payment's event confirms it.
        return Err(AppError::Conflict("This session is paid: it's confirmed when your payment goes through. Use Pay.".into()));
    }
    let topic = topic.trim();
    if topic.chars().count() > 200 {
        return Err(AppError::invalid("Keep what you'd like to talk about to 200 characters."));
    }
    if booking.hold_expires_at.is_some_and(|expiry| expiry <= now) {
        expire_holds(tx).await?;
        return Err(AppError::Conflict("Your hold on this time ran out. Pick a time again from the mentor's page.".into()));
    }
    let listing = listing_by_id(tx, booking.mentor_id).await?;
    let target = BookingAction::Confirm.target(listing.requires_approval).unwrap_or(BookingStatus::Pending);
    sqlx::query!(
        "update bookings set status = $2, topic = $3 where id = $1 and status = 'hold' and hold_expires_at > now()",
        id,
        target as BookingStatus,
        topic
    )
    .execute(&mut **tx)
    .await?;
    let when = local_label(booking.scheduled_at, listing.zone());
    let title = if target == BookingStatus::Pending { "New session request" } else { "New session booked" };
    notify(tx, id, title, &format!("{} for {when} (your time).", booking.session_title)).await
}

/// See [`super::super::cancel_booking`].
pub async fn cancel(tx: &mut Tx, user: &SignedIn, id: Uuid, reason: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    let party = party(user, &booking);
    let now = Utc::now();
    if booking.status == BookingStatus::Hold && party == Party::Student {
        sqlx::query!("update bookings set status = 'cancelled', cancelled_at = now(), cancelled_by = 'student' where id = $1 and status = 'hold'", id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    require(BookingAction::Cancel, party, &booking, now)?;
    let reason = reason_text(&reason, party == Party::Mentor, "reason for cancelling")?;
    let listing = listing_by_id(tx, booking.mentor_id).await?;
    let late = cancellation_is_late(booking.scheduled_at, now, listing.free_cancellation_hours);
    let by = match party {
        Party::Student => "student",
        Party::Mentor => "mentor",
        Party::Administrator => "administrator",
    };
    sqlx::query!(
        "update bookings set status = 'cancelled', cancelled_at = now(), cancellation_reason = $2, cancelled_by = $3,
                cancelled_late = $4, calendar_sequence = calendar_sequence + 1
          where id = $1",
        id,
        reason,
        by,
        late
    )
    .execute(&mut **tx)
    .await?;
    notify(tx, id, "Session cancelled", &format!("{} on {} was cancelled.", booking.session_title, local_label(booking.scheduled_at, listing.zone()))).await
}

/// See [`super::super::answer_request`].
pub async fn answer(tx: &mut Tx, user: &SignedIn, id: Uuid, accept: bool, reason: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    let action = if accept { BookingAction::Accept } else { BookingAction::Decline };
    require(action, party(user, &booking), &booking, Utc::now())?;
    if accept {
        sqlx::query!("update bookings set status = 'confirmed', decided_at = now() where id = $1", id).execute(&mut **tx).await?;
        notify(tx, id, "Session confirmed", &format!("Your request for {} was accepted.", booking.session_title)).await
    } else {
        let reason = reason_text(&reason, true, "reason for declining")?;
        sqlx::query!(
            "update bookings set status = 'declined', decided_at = now(), cancelled_at = now(), cancelled_by = 'mentor',
                    cancellation_reason = $2
              where id = $1",
            id,
            reason
        )
        .execute(&mut **tx)
        .await?;
        let because = reason.as_deref().unwrap_or_default();
        notify(tx, id, "Request declined", &format!("Your request for {} was declined: {because}", booking.session_title)).await
    }
}

/// See [`super::super::finish_session`].
pub async fn finish(tx: &mut Tx, user: &SignedIn, id: Uuid, outcome: String) -> Result<(), AppError> {
    let (action, status) = match outcome.trim() {
        "completed" => (BookingAction::Complete, BookingStatus::Completed),
        "no_show" => (BookingAction::NoShow, BookingStatus::NoShow),
        _ => return Err(AppError::invalid("Choose whether the session took place or was missed.")),
    };
    let booking = load(tx, id).await?;
    require(action, party(user, &booking), &booking, Utc::now())?;
    sqlx::query!("update bookings set status = $2 where id = $1", id, status as BookingStatus).execute(&mut **tx).await?;
    Ok(())
}

/// See [`super::super::reschedule_options`].
pub async fn reschedule_options(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<Vec<SlotDay>, AppError> {
    let booking = load(tx, id).await?;
    let now = Utc::now();
    require(BookingAction::Reschedule, party(user, &booking), &booking, now)?;
    let listing = listing_by_id(tx, booking.mentor_id).await?;
    let length = u32::try_from((booking.ends_at - booking.scheduled_at).num_minutes()).unwrap_or(0);
    let rules = availability(tx, &listing, now).await?;
    let until = now + Duration::days(i64::from(listing.horizon_days));
    let taken = taken(tx, listing.id, now - Duration::days(1), until, Some(id)).await?;
    let slots: Vec<Slot> = rules
        .free_slots(length, step_minutes(length), now, now, until, &taken)
        .into_iter()
        .filter(|slot| slot.start != booking.scheduled_at)
        .collect();
    let zone = profile_zone(tx, user.user_id).await?.unwrap_or_else(|| listing.zone());
    let mut days = slot_days(&slots, zone, listing.zone());
    days.truncate(7);
    Ok(days)
}

/// See [`super::super::reschedule_booking`]: one UPDATE moves the booking, so the exclusion
/// constraints check the new time against every other live booking before the old time is
/// given up; if it fails, nothing changed.
pub async fn reschedule(tx: &mut Tx, user: &SignedIn, id: Uuid, start: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    let now = Utc::now();
    require(BookingAction::Reschedule, party(user, &booking), &booking, now)?;
    let start = parse_start(&start)?;
    let length = booking.ends_at - booking.scheduled_at;
    let slot = Slot { start, end: start + length };
    let listing = listing_by_id(tx, booking.mentor_id).await?;
    let minutes = u32::try_from(length.num_minutes()).unwrap_or(0);
    let zone = profile_zone(tx, user.user_id).await?.unwrap_or_else(|| listing.zone());
    expire_holds(tx).await?;
    lock_mentor(tx, listing.id).await?;
    let rules = availability(tx, &listing, now).await?;
    if !rules.offers_on_step(slot, step_minutes(minutes), now, &[]) {
        return Err(AppError::invalid("That time isn't offered: it is outside the mentor's hours, too soon or too far ahead."));
    }
    let taken_now = taken(tx, listing.id, start - Duration::days(1), start + Duration::days(1), Some(id)).await?;
    if !rules.offers_on_step(slot, step_minutes(minutes), now, &taken_now) {
        return Err(just_taken(tx, &listing, minutes, zone, Some(id)).await?);
    }
    let moved = sqlx::query!(
        "update bookings set scheduled_at = $2, ends_at = $3, calendar_sequence = calendar_sequence + 1
          where id = $1 and status in ('pending', 'confirmed')",
        id,
        slot.start as _,
        slot.end as _
    )
    .execute(&mut **tx)
    .await;
    match moved {
        Ok(_) => {}
        Err(error) => return Err(overlap(error, AppError::Conflict("That time was just taken; your session keeps its time.".into()))),
    }
    notify(tx, id, "Session moved", &format!("{} moved to {} (the mentor's time).", booking.session_title, local_label(slot.start, listing.zone()))).await
}

/// Whether `user` acts for the organization (for the dashboards).
pub fn administers(user: &SignedIn) -> bool {
    matches!(user.role, Role::OrgAdmin | Role::Admin)
}
