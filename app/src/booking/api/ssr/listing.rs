//! A mentor's own listing: what it offers, its session types, weekly hours and date overrides.
//! Row-level security lets a mentor write only their own (the `*_owner_write` policies); these
//! bodies find the caller's listing first so a non-mentor gets a clear answer.

use super::super::{DateOverrideView, ListingEditor};
use super::directory::session_types;
use super::{availability, date_overrides, listing_by_id, step_minutes, taken, weekly_hours};
use crate::booking::domain::Visibility;
use crate::booking::listing::{DateOverrideForm, ListingForm, SessionTypeForm, WeeklyHoursForm};
use crate::db::{SignedIn, Tx};
use crate::domain::FieldErrors;
use crate::error::AppError;
use chrono::{Duration, NaiveDate, Utc};
use uuid::Uuid;

/// The caller's live listing, or a clear refusal for someone who isn't a mentor.
async fn own_listing(tx: &mut Tx, user: &SignedIn) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("select id from mentors where user_id = $1 and deleted_at is null", user.user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::Forbidden)
}

/// See [`super::super::my_listing`].
pub async fn editor(tx: &mut Tx, user: &SignedIn) -> Result<ListingEditor, AppError> {
    let id = own_listing(tx, user).await?;
    let row = sqlx::query!(
        r#"select handle as "handle: String", headline, bio, expertise_areas, years_experience, languages, career_codes,
                  time_zone, meeting_url, requires_approval, visibility as "visibility: Visibility", contact_note,
                  buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, horizon_days, daily_cap,
                  free_cancellation_hours
             from mentors where id = $1"#,
        id
    )
    .fetch_one(&mut **tx)
    .await?;
    let form = ListingForm {
        headline: row.headline,
        bio: row.bio,
        expertise: row.expertise_areas.join(", "),
        years_experience: row.years_experience.to_string(),
        languages: row.languages.join(", "),
        career_codes: row.career_codes.join(", "),
        time_zone: row.time_zone,
        meeting_url: row.meeting_url.unwrap_or_default(),
        requires_approval: row.requires_approval,
        visibility: match row.visibility {
            Visibility::Public => "public",
            Visibility::Organization => "organization",
        }
        .to_string(),
        contact_note: row.contact_note,
        buffer_before_minutes: row.buffer_before_minutes.to_string(),
        buffer_after_minutes: row.buffer_after_minutes.to_string(),
        minimum_notice_hours: (row.minimum_notice_minutes / 60).to_string(),
        horizon_days: row.horizon_days.to_string(),
        daily_cap: row.daily_cap.map(|c| c.to_string()).unwrap_or_default(),
        free_cancellation_hours: row.free_cancellation_hours.to_string(),
    };
    let listing = listing_by_id(tx, id).await?;
    let now = Utc::now();
    let today = now.with_timezone(&listing.zone()).date_naive();
    let overrides = date_overrides(tx, id, today)
        .await?
        .into_iter()
        .map(|(o, note)| DateOverrideView {
            date: o.date.format("%Y-%m-%d").to_string(),
            label: o.date.format("%a %-d %b %Y").to_string(),
            hours: if o.windows.is_empty() {
                "Day off".to_string()
            } else {
                o.windows.iter().map(|(s, e)| format!("{}-{}", s.format("%H:%M"), e.format("%H:%M"))).collect::<Vec<_>>().join(", ")
            },
            note,
        })
        .collect();
    let types = session_types(tx, id).await?;
    let free_times_next_two_weeks = match types.iter().map(|t| t.duration_minutes).min() {
        Some(length) => {
            let rules = availability(tx, &listing, now).await?;
            let until = now + Duration::days(14);
            let taken = taken(tx, id, now - Duration::days(1), until, None).await?;
            rules.free_slots(length, step_minutes(length), now, now, until, &taken).len()
        }
        None => 0,
    };
    Ok(ListingEditor {
        handle: listing.handle,
        form,
        session_types: types,
        weekly: WeeklyHoursForm::from_windows(&weekly_hours(tx, id).await?),
        overrides,
        free_times_next_two_weeks,
    })
}

/// See [`super::super::save_listing`].
pub async fn save(tx: &mut Tx, user: &SignedIn, form: ListingForm) -> Result<(), AppError> {
    let id = own_listing(tx, user).await?;
    let listing = form.parse()?;
    let codes: Vec<String> = listing.career_codes.iter().map(|c| c.as_str().to_string()).collect();
    let known = sqlx::query_scalar!("select code from careers where code = any($1)", &codes).fetch_all(&mut **tx).await?;
    if let Some(unknown) = codes.iter().find(|code| !known.contains(code)) {
        let mut errors = FieldErrors::new();
        errors.add("career_codes", format!("{unknown} isn't an O*NET career code we know; find yours on the careers pages."));
        return Err(errors.into());
    }
    sqlx::query!(
        "update mentors set headline = $2, bio = $3, expertise_areas = $4, years_experience = $5, languages = $6,
                career_codes = $7, time_zone = $8, meeting_url = $9, requires_approval = $10, visibility = $11,
                contact_note = $12, buffer_before_minutes = $13, buffer_after_minutes = $14,
                minimum_notice_minutes = $15, horizon_days = $16, daily_cap = $17, free_cancellation_hours = $18
          where id = $1",
        id,
        listing.headline,
        listing.bio,
        &listing.expertise,
        listing.years_experience,
        &listing.languages,
        &codes,
        listing.time_zone.as_str(),
        listing.meeting_url,
        listing.requires_approval,
        listing.visibility as Visibility,
        listing.contact_note,
        listing.buffer_before_minutes,
        listing.buffer_after_minutes,
        listing.minimum_notice_minutes,
        listing.horizon_days,
        listing.daily_cap,
        listing.free_cancellation_hours
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// See [`super::super::save_session_type`].
pub async fn save_session_type(tx: &mut Tx, user: &SignedIn, form: SessionTypeForm) -> Result<(), AppError> {
    let mentor = own_listing(tx, user).await?;
    let input = form.parse()?;
    let duration = i32::try_from(input.duration_minutes).unwrap_or(i32::MAX);
    match input.id {
        Some(id) => {
            let updated = sqlx::query!(
                "update mentor_session_types set title = $3, description = $4, duration_minutes = $5, price_minor = $6,
                        currency = $7, is_free_intro = $8
                  where id = $1 and mentor_id = $2 and deleted_at is null",
                id,
                mentor,
                input.title,
                input.description,
                duration,
                input.price.minor,
                input.price.currency.code(),
                input.is_free_intro
            )
            .execute(&mut **tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(AppError::NotFound("that session type".into()));
            }
        }
        None => {
            let count = sqlx::query_scalar!(
                r#"select count(*) as "count!" from mentor_session_types where mentor_id = $1 and deleted_at is null"#,
                mentor
            )
            .fetch_one(&mut **tx)
            .await?;
            if count >= 8 {
                return Err(AppError::invalid("A listing offers at most 8 session types; remove one first."));
            }
            sqlx::query!(
                "insert into mentor_session_types (mentor_id, organization_id, title, description, duration_minutes,
                        price_minor, currency, is_free_intro, position)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                mentor,
                user.org_id,
                input.title,
                input.description,
                duration,
                input.price.minor,
                input.price.currency.code(),
                input.is_free_intro,
                i32::try_from(count).unwrap_or(0)
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// See [`super::super::remove_session_type`]. Soft: bookings made with it keep pointing at it.
pub async fn remove_session_type(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<(), AppError> {
    let mentor = own_listing(tx, user).await?;
    let removed = sqlx::query!(
        "update mentor_session_types set active = false, deleted_at = now() where id = $1 and mentor_id = $2 and deleted_at is null",
        id,
        mentor
    )
    .execute(&mut **tx)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound("that session type".into()));
    }
    Ok(())
}

/// See [`super::super::save_weekly_hours`]: the week is replaced as a whole.
pub async fn save_weekly_hours(tx: &mut Tx, user: &SignedIn, form: WeeklyHoursForm) -> Result<(), AppError> {
    let mentor = own_listing(tx, user).await?;
    let windows = form.parse()?;
    sqlx::query!("delete from mentor_weekly_hours where mentor_id = $1", mentor).execute(&mut **tx).await?;
    for window in windows {
        let weekday = i16::try_from(window.weekday.number_from_monday()).unwrap_or(1);
        sqlx::query!(
            "insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends) values ($1, $2, $3, $4, $5)",
            mentor,
            user.org_id,
            weekday,
            window.start as _,
            window.end as _
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// See [`super::super::save_date_override`]: the date's rows are replaced.
pub async fn save_date_override(tx: &mut Tx, user: &SignedIn, form: DateOverrideForm) -> Result<(), AppError> {
    let mentor = own_listing(tx, user).await?;
    let zone = listing_by_id(tx, mentor).await?.zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let (date, windows, note) = form.parse(today)?;
    sqlx::query!("delete from mentor_date_overrides where mentor_id = $1 and on_date = $2", mentor, date as _)
        .execute(&mut **tx)
        .await?;
    if windows.is_empty() {
        sqlx::query!(
            "insert into mentor_date_overrides (mentor_id, organization_id, on_date, note) values ($1, $2, $3, $4)",
            mentor,
            user.org_id,
            date as _,
            note
        )
        .execute(&mut **tx)
        .await?;
    }
    for (start, end) in windows {
        sqlx::query!(
            "insert into mentor_date_overrides (mentor_id, organization_id, on_date, starts, ends, note)
             values ($1, $2, $3, $4, $5, $6)",
            mentor,
            user.org_id,
            date as _,
            start as _,
            end as _,
            note
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// See [`super::super::remove_date_override`].
pub async fn remove_date_override(tx: &mut Tx, user: &SignedIn, date: String) -> Result<(), AppError> {
    let mentor = own_listing(tx, user).await?;
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| AppError::NotFound("that date".into()))?;
    sqlx::query!("delete from mentor_date_overrides where mentor_id = $1 and on_date = $2", mentor, date as _)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
