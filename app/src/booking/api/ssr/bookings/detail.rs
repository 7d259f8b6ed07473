//! One booking's page: what it shows each party (the actions they may take now, the mentor's
//! decrypted notes, the review), and the two writes made from it after the session: the
//! mentor's private notes and the student's review.

use super::{load, note_keys, party};
use crate::booking::api::ssr::{listing_by_id, profile_zone, when_label};
use crate::booking::domain::{BookingAction, BookingDetail, BookingStatus, Cancellation, Party, ReviewView};
use crate::booking::slots::local_label;
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// See [`super::super::save_session_notes`].
pub async fn save_notes(tx: &mut Tx, user: &SignedIn, id: Uuid, notes: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    if party(user, &booking) != Party::Mentor {
        return Err(AppError::Forbidden);
    }
    let notes = notes.trim();
    if notes.chars().count() > 10_000 {
        return Err(AppError::invalid("Keep session notes to 10,000 characters."));
    }
    let (key_id, blob) = if notes.is_empty() {
        (None, None)
    } else {
        let keys = note_keys()?;
        let (key_id, blob) = keys.encrypt(notes, id.as_bytes());
        (Some(key_id), Some(blob))
    };
    sqlx::query!("update bookings set notes_ciphertext = $2, notes_key_id = $3 where id = $1", id, blob, key_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// See [`super::super::review_session`].
pub async fn review(tx: &mut Tx, user: &SignedIn, id: Uuid, rating: String, body: String) -> Result<(), AppError> {
    let booking = load(tx, id).await?;
    if party(user, &booking) != Party::Student {
        return Err(AppError::Forbidden);
    }
    if booking.status != BookingStatus::Completed {
        return Err(AppError::Conflict("You can review a session once the mentor has marked it completed.".into()));
    }
    let rating: i16 = match rating.trim().parse() {
        Ok(r) if (1..=5).contains(&r) => r,
        _ => return Err(AppError::invalid("Choose a rating from 1 to 5 stars.")),
    };
    let body = body.trim();
    if body.chars().count() > 2000 {
        return Err(AppError::invalid("Keep your review to 2,000 characters."));
    }
    let inserted = sqlx::query!(
        "insert into mentor_reviews (booking_id, mentor_id, student_id, organization_id, rating, body)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        booking.mentor_id,
        user.user_id,
        booking.organization_id,
        rating,
        body
    )
    .execute(&mut **tx)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23505") => {
            Err(AppError::Conflict("You've already reviewed this session.".into()))
        }
        Err(error) => Err(error.into()),
    }
}

/// See [`super::super::booking`].
pub async fn detail(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<BookingDetail, AppError> {
    let booking = load(tx, id).await?;
    let party = party(user, &booking);
    let listing = listing_by_id(tx, booking.mentor_id).await?;
    let mentor_zone = listing.zone();
    let zone = profile_zone(tx, user.user_id).await?.unwrap_or(mentor_zone);
    let now = Utc::now();
    let hold_live = booking.hold_expires_at.is_none_or(|expiry| expiry > now);
    let mut actions: Vec<BookingAction> = [
        BookingAction::Confirm,
        BookingAction::Release,
        BookingAction::Accept,
        BookingAction::Decline,
        BookingAction::Reschedule,
        BookingAction::Complete,
        BookingAction::NoShow,
        BookingAction::Cancel,
    ]
    .into_iter()
    .filter(|action| action.allowed(party, booking.status, booking.scheduled_at, now))
    .collect();
    if booking.status == BookingStatus::Hold && !hold_live {
        actions.clear();
    }
    let notes = match (party, &booking.notes_ciphertext, &booking.notes_key_id) {
        (Party::Mentor, Some(blob), Some(key)) => Some(
            note_keys()?
                .decrypt(key, blob, id.as_bytes())
                .map_err(|error| {
                    tracing::error!(%error, booking = %id, "session notes could not be decrypted");
                    AppError::Internal
                })?,
        ),
        (Party::Mentor, _, _) => Some(String::new()),
        _ => None,
    };
    let review = sqlx::query!(
        r#"select rating, body, reviewer_name, created_at as "created_at: DateTime<Utc>" from mentor_reviews
            where booking_id = $1 and deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| ReviewView { rating: r.rating, body: r.body, reviewer_name: r.reviewer_name, written_at: r.created_at });
    let can_review = party == Party::Student && booking.status == BookingStatus::Completed && review.is_none();
    let shows_link = matches!(booking.status, BookingStatus::Confirmed) && matches!(party, Party::Student | Party::Mentor);
    Ok(BookingDetail {
        id,
        status: if booking.status == BookingStatus::Hold && !hold_live { BookingStatus::Expired } else { booking.status },
        party,
        start: booking.scheduled_at,
        end: booking.ends_at,
        viewer_zone: zone.name().to_string(),
        when: when_label(booking.scheduled_at, booking.ends_at, zone),
        mentor_when: (zone != mentor_zone).then(|| when_label(booking.scheduled_at, booking.ends_at, mentor_zone)),
        session_title: booking.session_title,
        price: crate::booking::api::ssr::directory::stored_money(booking.price_minor, &booking.currency)?,
        mentor_name: listing.display_name,
        mentor_handle: listing.handle,
        student_name: booking.student_name,
        topic: booking.topic,
        meeting_url: if shows_link { booking.meeting_url } else { None },
        hold_expires_at: booking.hold_expires_at.filter(|_| booking.status == BookingStatus::Hold),
        hold_minutes_left: booking
            .hold_expires_at
            .filter(|expiry| booking.status == BookingStatus::Hold && *expiry > now)
            .map(|expiry| ((expiry - now).num_seconds() + 59) / 60),
        requires_approval: listing.requires_approval,
        cancellation: booking.cancelled_at.map(|at| Cancellation {
            at,
            at_label: local_label(at, zone),
            by: booking.cancelled_by.clone().unwrap_or_default(),
            reason: booking.cancellation_reason.clone().unwrap_or_default(),
            late: booking.cancelled_late,
        }),
        free_cancellation_hours: listing.free_cancellation_hours,
        actions,
        notes,
        review,
        can_review,
    })
}

