//! What the database refuses about bookings whoever asks: the status machine (the owner
//! included), which party may change what (the guard trigger, column grants, row-level
//! security), prices taken from the listing, who sees which listing and booking, and the
//! read/write matrix of a listing's session types, hours, date overrides and reviews.

use crate::booking::{at, crowd, listing, organization, owner_booking, signed_in, PRICE_MINOR};
use crate::fixtures::{as_ctx, user};
use crate::support::TestDb;
use app::booking::api::ssr::{bookings, directory};
use app::booking::api::BookAbility;
use app::db::RequestContext;
use app::domain::Role;
use app::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::{Column, PgPool, Row};
use uuid::Uuid;

/// The code and message of a refused statement.
fn refused<T: std::fmt::Debug>(result: Result<T, sqlx::Error>) -> (String, String) {
    match result {
        Err(sqlx::Error::Database(error)) => (error.code().map(|c| c.to_string()).unwrap_or_default(), error.message().to_string()),
        other => panic!("expected the database to refuse, got {other:?}"),
    }
}

/// One statement binding `$1` (and `$2` when given) in its own transaction as `ctx`, committed.
async fn run(app: &PgPool, ctx: RequestContext, sql: &str, first: Uuid, second: Option<Uuid>) -> Result<u64, sqlx::Error> {
    let mut tx = as_ctx(app, ctx).await;
    let mut query = sqlx::query(sql).bind(first);
    if let Some(second) = second {
        query = query.bind(second);
    }
    let done = query.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

async fn count(app: &PgPool, ctx: RequestContext, sql: &str, id: Uuid) -> i64 {
    let mut tx = as_ctx(app, ctx).await;
    sqlx::query_scalar(sql).bind(id).fetch_one(&mut *tx).await.unwrap_or_else(|error| panic!("{sql}: {error}"))
}

async fn set_status(owner: &PgPool, id: Uuid, status: &str) -> Result<u64, sqlx::Error> {
    sqlx::query("update bookings set status = $2::booking_status where id = $1")
        .bind(id)
        .bind(status)
        .execute(owner)
        .await
        .map(|done| done.rows_affected())
}

/// The status machine holds for the owner too: every transition outside it is refused with
/// both states named, every one inside it passes; a session is completed only once started,
/// and a finished one keeps its time.
#[tokio::test]
async fn the_status_machine_refuses_invalid_transitions_for_everyone() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "machine").await;
    let listing = listing(&db.owner, org, "machine-mentor", "organization").await;
    let student = crowd(&db.owner, org, "machine-student", 1).await[0];
    let base = Utc::now() - Duration::days(60);
    let mut slot = 0;
    let mut next_start = || {
        slot += 1;
        base + Duration::hours(2 * slot)
    };

    let invalid = [
        ("completed", "confirmed"),
        ("cancelled", "confirmed"),
        ("declined", "pending"),
        ("expired", "confirmed"),
        ("hold", "completed"),
        ("pending", "no_show"),
        ("no_show", "completed"),
        ("confirmed", "hold"),
        ("pending", "hold"),
        ("completed", "cancelled"),
    ];
    for (from, to) in invalid {
        let id = owner_booking(&db.owner, &listing, student, from, next_start()).await;
        let (code, message) = refused(set_status(&db.owner, id, to).await);
        assert_eq!((code.as_str(), message.as_str()), ("23514", format!("a booking cannot go from {from} to {to}").as_str()));
        let status: String = sqlx::query_scalar("select status::text from bookings where id = $1").bind(id).fetch_one(&db.owner).await.unwrap();
        assert_eq!(status, from);
    }
    let valid = [
        ("hold", "pending"),
        ("hold", "confirmed"),
        ("hold", "cancelled"),
        ("hold", "expired"),
        ("pending", "confirmed"),
        ("pending", "declined"),
        ("pending", "cancelled"),
        ("pending", "expired"),
        ("confirmed", "completed"),
        ("confirmed", "cancelled"),
        ("confirmed", "no_show"),
    ];
    for (from, to) in valid {
        let id = owner_booking(&db.owner, &listing, student, from, next_start()).await;
        assert_eq!(set_status(&db.owner, id, to).await.unwrap_or_else(|e| panic!("{from} -> {to}: {e}")), 1);
    }

    // Not before it starts.
    let upcoming = owner_booking(&db.owner, &listing, student, "confirmed", at(3, 10, 0)).await;
    for outcome in ["completed", "no_show"] {
        let (_, message) = refused(set_status(&db.owner, upcoming, outcome).await);
        assert_eq!(message, format!("a session is marked {outcome} only once it has started"));
    }
    // A finished booking keeps its time.
    let done = owner_booking(&db.owner, &listing, student, "completed", next_start()).await;
    let (_, message) = refused(
        sqlx::query("update bookings set scheduled_at = scheduled_at + interval '1 day', ends_at = ends_at + interval '1 day' where id = $1")
            .bind(done)
            .execute(&db.owner)
            .await,
    );
    assert_eq!(message, "a completed booking keeps its time");

    // An organization administrator (past the party guard) meets the same machine.
    let admin = user(&db.owner, org, "machine-admin", "org_admin").await;
    let cancelled = owner_booking(&db.owner, &listing, student, "cancelled", next_start()).await;
    let (_, message) = refused(
        run(&db.app, RequestContext::member(admin, org, Role::OrgAdmin), "update bookings set status = 'confirmed' where id = $1", cancelled, None).await,
    );
    assert_eq!(message, "a booking cannot go from cancelled to confirmed");
}

/// Which party may do what: the guard trigger, column grants and row-level security together.
#[tokio::test]
async fn parties_may_only_take_their_own_steps() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "party").await;
    let listing = listing(&db.owner, org, "party-mentor", "organization").await;
    let students = crowd(&db.owner, org, "party-student", 2).await;
    let (student, other) = (students[0], students[1]);
    let as_student = RequestContext::member(student, org, Role::Student);
    let as_mentor = RequestContext::member(listing.mentor_user, org, Role::Mentor);
    sqlx::query("update mentors set requires_approval = true where id = $1").bind(listing.mentor).execute(&db.owner).await.unwrap();

    // A request waits for the mentor: its student can't confirm it.
    let pending = owner_booking(&db.owner, &listing, student, "pending", at(3, 10, 0)).await;
    let (code, message) = refused(run(&db.app, as_student, "update bookings set status = 'confirmed' where id = $1", pending, None).await);
    assert_eq!((code.as_str(), message.as_str()), ("42501", "this booking cannot go from pending to confirmed by this party"));
    // Nor change what it costs (not a granted column), nor cancel it in the mentor's name.
    let (code, message) = refused(run(&db.app, as_student, "update bookings set price_minor = 1 where id = $1", pending, None).await);
    assert_eq!(code, "42501");
    assert!(message.contains("permission denied"), "{message}");
    let (_, message) = refused(
        run(&db.app, as_student, "update bookings set status = 'cancelled', cancelled_at = now(), cancelled_by = 'mentor' where id = $1", pending, None)
            .await,
    );
    assert_eq!(message, "a party cancels only in their own name");
    // Nor rate the mentor.
    assert_eq!(run(&db.app, as_student, "update mentors set rating_average = 5, rating_count = 9 where id = $1", listing.mentor, None).await.unwrap(), 0);
    // The mentor may accept it.
    assert_eq!(run(&db.app, as_mentor, "update bookings set status = 'confirmed', decided_at = now() where id = $1", pending, None).await.unwrap(), 1);

    // A hold is the student's to confirm, not the mentor's; with approval on it becomes a request.
    let hold = owner_booking(&db.owner, &listing, other, "hold", at(4, 10, 0)).await;
    // A free session, so the student's own step is the only thing confirming it (a paid one
    // waits for its payment: payments.rs).
    sqlx::query("update bookings set price_minor = 0 where id = $1").bind(hold).execute(&db.owner).await.unwrap();
    let (_, message) = refused(run(&db.app, as_mentor, "update bookings set status = 'confirmed' where id = $1", hold, None).await);
    assert_eq!(message, "this booking cannot go from hold to confirmed by this party");
    let as_other = RequestContext::member(other, org, Role::Student);
    let (_, message) = refused(run(&db.app, as_other, "update bookings set status = 'confirmed' where id = $1", hold, None).await);
    assert_eq!(message, "this booking cannot go from hold to confirmed by this party", "approval is required");
    assert_eq!(run(&db.app, as_other, "update bookings set status = 'pending' where id = $1", hold, None).await.unwrap(), 1);
    // Another student of the organization can't touch it at all.
    assert_eq!(run(&db.app, as_student, "update bookings set topic = 'mine now' where id = $1", hold, None).await.unwrap(), 0);

    // A mentor can't set their own rating.
    let (code, message) = refused(run(&db.app, as_mentor, "update mentors set rating_average = 5 where id = $1", listing.mentor, None).await);
    assert_eq!((code.as_str(), message.as_str()), ("42501", "a mentor cannot change their listing's rating_average"));
    let rating: (Option<f64>, i32) =
        sqlx::query_as("select rating_average::float8, rating_count from mentors where id = $1").bind(listing.mentor).fetch_one(&db.owner).await.unwrap();
    assert_eq!(rating, (None, 0));

    // A new booking's price, length and link come from the listing, whatever the insert says.
    let start = at(5, 10, 0);
    let mut tx = as_ctx(&db.app, as_student).await;
    let id: Uuid = sqlx::query_scalar(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at,
                               price_minor, currency, meeting_url, hold_expires_at)
         values ($1, $2, $3, $4, 'hold', $5, $5 + interval '8 hours', 1, 'EUR', 'https://elsewhere.example/x', now() + interval '10 minutes')
         returning id",
    )
    .bind(org)
    .bind(listing.mentor)
    .bind(student)
    .bind(listing.session_type)
    .bind(start)
    .fetch_one(&mut *tx)
    .await
    .expect("a student's hold");
    tx.commit().await.unwrap();
    let row: (i64, String, DateTime<Utc>, Option<String>) =
        sqlx::query_as("select price_minor, currency::text, ends_at, meeting_url from bookings where id = $1").bind(id).fetch_one(&db.owner).await.unwrap();
    assert_eq!(row, (PRICE_MINOR, "USD".to_string(), start + Duration::minutes(60), None));
    // And a student books only for themselves, only as a short hold.
    let (code, _) = refused(
        run(
            &db.app,
            as_student,
            "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at)
             select organization_id, id, $2, (select id from mentor_session_types where mentor_id = $1), 'confirmed', now() + interval '9 days', now() + interval '9 days 1 hour'
               from mentors where id = $1",
            listing.mentor,
            Some(student),
        )
        .await,
    );
    assert_eq!(code, "42501");
}

/// Who sees which listing and booking: another organization's student neither sees nor books
/// an organization-only listing; a visitor sees public listings only and never a booking; the
/// taken ranges anyone may see never say whose.
#[tokio::test]
async fn listings_and_bookings_are_seen_by_the_right_people() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "seen").await;
    let private = listing(&db.owner, org, "seen-private", "organization").await;
    let public = listing(&db.owner, org, "seen-public", "public").await;
    let students = crowd(&db.owner, org, "seen-student", 2).await;
    let elsewhere = organization(&db.owner, "elsewhere").await;
    let stranger = crowd(&db.owner, elsewhere, "elsewhere-student", 1).await[0];
    let as_stranger = RequestContext::member(stranger, elsewhere, Role::Student);
    let as_peer = RequestContext::member(students[1], org, Role::Student);
    let anonymous = RequestContext::anonymous();
    let on_private = owner_booking(&db.owner, &private, students[0], "confirmed", at(3, 10, 0)).await;
    owner_booking(&db.owner, &public, students[0], "confirmed", at(3, 14, 0)).await;

    let listing_seen = "select count(*) from mentors where id = $1";
    assert_eq!(count(&db.app, as_stranger, listing_seen, private.mentor).await, 0);
    assert_eq!(count(&db.app, as_stranger, listing_seen, public.mentor).await, 1);
    assert_eq!(count(&db.app, anonymous, listing_seen, private.mentor).await, 0);
    assert_eq!(count(&db.app, anonymous, listing_seen, public.mentor).await, 1);
    for ctx in [as_stranger, anonymous, as_peer] {
        assert_eq!(count(&db.app, ctx, "select count(*) from bookings where organization_id = $1", org).await, 0);
    }
    // The booking's own parties do see it.
    assert_eq!(count(&db.app, RequestContext::member(students[0], org, Role::Student), "select count(*) from bookings where id = $1", on_private).await, 1);

    // Booking across organizations: not found, or told how to reach the mentor instead.
    let stranger_user = signed_in(stranger, elsewhere, Role::Student);
    let hold = |handle: String, kind: Uuid| {
        let (pool, user) = (db.app.clone(), stranger_user.clone());
        async move {
            crate::booking::act(&pool, &user, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind.to_string(), at(4, 10, 0).to_rfc3339()))).await
        }
    };
    assert!(matches!(hold(private.handle.clone(), private.session_type).await, Err(AppError::NotFound(_))));
    crate::booking::invalid(hold(public.handle.clone(), public.session_type).await, "members of their own organization");
    let (code, _) = refused(
        run(
            &db.app,
            as_stranger,
            "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at, hold_expires_at)
             values ((select organization_id from mentors where id = $1), $1, $2, (select id from mentor_session_types where mentor_id = $1),
                     'hold', now() + interval '4 days', now() + interval '4 days 1 hour', now() + interval '5 minutes')",
            public.mentor,
            Some(stranger),
        )
        .await,
    );
    assert_eq!(code, "42501", "a student books only in their own organization");

    // A visitor's view of the public page: its free times, and an invitation to sign in.
    let mut tx = as_ctx(&db.app, anonymous).await;
    let page = directory::profile(&mut tx, None, public.handle.clone(), String::new(), String::new()).await.expect("the public page");
    assert_eq!(page.book, BookAbility::SignIn);
    assert!(!page.days.is_empty());
    assert!(page.days.iter().flat_map(|d| &d.slots).all(|slot| slot.start != at(3, 14, 0)), "a taken time isn't offered");
    drop(tx);
    let mut tx = as_ctx(&db.app, anonymous).await;
    assert!(matches!(directory::profile(&mut tx, None, private.handle.clone(), String::new(), String::new()).await, Err(AppError::NotFound(_))));
    drop(tx);

    // Taken ranges: when, never whose; only for listings the caller may see.
    let ranges = |ctx: RequestContext, mentor: Uuid| {
        let pool = db.app.clone();
        async move {
            let mut tx = as_ctx(&pool, ctx).await;
            sqlx::query("select * from mentor_taken_ranges($1, now(), now() + interval '10 days', null)")
                .bind(mentor)
                .fetch_all(&mut *tx)
                .await
                .expect("taken ranges")
        }
    };
    let peer_view = ranges(as_peer, private.mentor).await;
    assert_eq!(peer_view.len(), 1);
    let columns: Vec<&str> = peer_view[0].columns().iter().map(|c| c.name()).collect();
    assert_eq!(columns, ["starts_at", "blocked_from", "blocked_until"], "nothing says whose booking it is");
    assert_eq!(peer_view[0].get::<DateTime<Utc>, _>("starts_at"), at(3, 10, 0));
    assert!(ranges(as_stranger, private.mentor).await.is_empty());
    assert!(ranges(anonymous, private.mentor).await.is_empty());
    assert_eq!(ranges(anonymous, public.mentor).await.len(), 1);
    assert_eq!(ranges(as_stranger, public.mentor).await.len(), 1);
}

/// The read/write matrix of what a listing offers: its mentor writes, another mentor can't,
/// a student reads only, another organization doesn't see an organization-only listing's rows,
/// a visitor reads a public listing's.
#[tokio::test]
async fn a_listings_offer_hours_overrides_and_reviews_follow_the_listing() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "matrix").await;
    let own = listing(&db.owner, org, "matrix-own", "organization").await;
    let public = listing(&db.owner, org, "matrix-public", "public").await;
    let student = crowd(&db.owner, org, "matrix-student", 1).await[0];
    let elsewhere = organization(&db.owner, "matrix-else").await;
    let stranger = crowd(&db.owner, elsewhere, "matrix-stranger", 1).await[0];
    let as_owner_mentor = RequestContext::member(own.mentor_user, org, Role::Mentor);
    let as_other_mentor = RequestContext::member(public.mentor_user, org, Role::Mentor);
    let as_student = RequestContext::member(student, org, Role::Student);
    let as_stranger = RequestContext::member(stranger, elsewhere, Role::Student);
    let anonymous = RequestContext::anonymous();
    for listing in [&own, &public] {
        sqlx::query("insert into mentor_date_overrides (mentor_id, organization_id, on_date, note) values ($1, $2, current_date + 30, 'Conference')")
            .bind(listing.mentor)
            .bind(org)
            .execute(&db.owner)
            .await
            .unwrap();
        let done = owner_booking(&db.owner, listing, student, "completed", Utc::now() - Duration::days(if listing.mentor == own.mentor { 3 } else { 4 })).await;
        sqlx::query("insert into mentor_reviews (booking_id, mentor_id, student_id, organization_id, rating, body) values ($1, $2, $3, $4, 5, 'Great')")
            .bind(done)
            .bind(listing.mentor)
            .bind(student)
            .bind(org)
            .execute(&db.owner)
            .await
            .unwrap();
    }

    let tables = [
        ("mentor_session_types", "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes) values ($1, $2, 'Quick check', 30)"),
        ("mentor_weekly_hours", "insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends) values ($1, $2, 1, '21:00', '22:00')"),
        ("mentor_date_overrides", "insert into mentor_date_overrides (mentor_id, organization_id, on_date, note) values ($1, $2, current_date + 40, 'Away')"),
    ];
    for (table, insert) in tables {
        let update = format!("update {table} set updated_at = now() where mentor_id = $1");
        let delete = format!("delete from {table} where mentor_id = $1");
        let read = format!("select count(*) from {table} where mentor_id = $1");

        run(&db.app, as_owner_mentor, insert, own.mentor, Some(org)).await.unwrap_or_else(|e| panic!("{table}: the mentor adds to their own: {e}"));
        assert!(run(&db.app, as_owner_mentor, &update, own.mentor, None).await.unwrap() > 0, "{table}: the mentor edits their own");

        let (code, _) = refused(run(&db.app, as_other_mentor, insert, own.mentor, Some(org)).await);
        assert_eq!(code, "42501", "{table}: another mentor can't add to this listing");
        assert_eq!(run(&db.app, as_other_mentor, &update, own.mentor, None).await.unwrap(), 0, "{table}: nor edit it");
        assert_eq!(run(&db.app, as_other_mentor, &delete, own.mentor, None).await.unwrap(), 0, "{table}: nor delete from it");

        assert!(count(&db.app, as_student, &read, own.mentor).await > 0, "{table}: a student of the organization reads it");
        let (code, _) = refused(run(&db.app, as_student, insert, own.mentor, Some(org)).await);
        assert_eq!(code, "42501", "{table}: a student can't write");
        assert_eq!(run(&db.app, as_student, &update, own.mentor, None).await.unwrap(), 0);
        assert_eq!(run(&db.app, as_student, &delete, own.mentor, None).await.unwrap(), 0);

        assert_eq!(count(&db.app, as_stranger, &read, own.mentor).await, 0, "{table}: another organization doesn't see an organization-only listing's");
        assert!(count(&db.app, as_stranger, &read, public.mentor).await > 0, "{table}: but sees a public listing's");
        assert_eq!(count(&db.app, anonymous, &read, own.mentor).await, 0, "{table}: a visitor doesn't see an organization-only listing's");
        assert!(count(&db.app, anonymous, &read, public.mentor).await > 0, "{table}: a visitor sees a public listing's");
        // Session types stay for the bookings that refer to them (a mentor retires them instead).
        if table != "mentor_session_types" {
            assert!(run(&db.app, as_owner_mentor, &delete, own.mentor, None).await.unwrap() > 0, "{table}: the mentor deletes their own");
        }
    }

    // Reviews: read like the listing, written only by the booking's student, edited by nobody.
    let read = "select count(*) from mentor_reviews where mentor_id = $1";
    assert_eq!(count(&db.app, as_student, read, own.mentor).await, 1);
    assert_eq!(count(&db.app, as_owner_mentor, read, own.mentor).await, 1);
    assert_eq!(count(&db.app, as_stranger, read, own.mentor).await, 0);
    assert_eq!(count(&db.app, as_stranger, read, public.mentor).await, 1);
    assert_eq!(count(&db.app, anonymous, read, own.mentor).await, 0);
    assert_eq!(count(&db.app, anonymous, read, public.mentor).await, 1);
    let review_insert = "insert into mentor_reviews (booking_id, mentor_id, student_id, organization_id, rating)
                         select b.id, b.mentor_id, b.student_id, b.organization_id, 5 from bookings b where b.id = $1";
    let done = owner_booking(&db.owner, &own, student, "completed", Utc::now() - Duration::days(6)).await;
    let (code, _) = refused(run(&db.app, as_owner_mentor, review_insert, done, None).await);
    assert_eq!(code, "42501", "a mentor can't review themselves");
    let upcoming = owner_booking(&db.owner, &own, student, "confirmed", at(3, 10, 0)).await;
    let (code, _) = refused(run(&db.app, as_student, review_insert, upcoming, None).await);
    assert_eq!(code, "42501", "not before the session is completed");
    assert_eq!(run(&db.app, as_student, review_insert, done, None).await.unwrap(), 1, "the student reviews a completed session");
    let (code, _) = refused(run(&db.app, as_student, "update mentor_reviews set body = 'Edited' where mentor_id = $1", own.mentor, None).await);
    assert_eq!(code, "42501", "nobody edits what a student wrote");
    assert_eq!(run(&db.app, as_student, "update mentor_reviews set deleted_at = now() where mentor_id = $1", own.mentor, None).await.unwrap(), 0);
    assert_eq!(run(&db.app, as_owner_mentor, "update mentor_reviews set deleted_at = now() where mentor_id = $1", own.mentor, None).await.unwrap(), 0);
    let rating: (Option<f64>, i32) =
        sqlx::query_as("select rating_average::float8, rating_count from mentors where id = $1").bind(own.mentor).fetch_one(&db.owner).await.unwrap();
    assert_eq!(rating, (Some(5.0), 2));
}
