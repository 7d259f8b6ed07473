//! Mentors and booking through the product's server-side bodies (`app::booking::api::ssr`):
//! cancelling and rescheduling by the listing's policy, holds that run out, reviews, private
//! session notes, calendar files and the directory. The races and the reminder worker are in
//! `booking_race`; what the database itself refuses (status machine, parties, row-level
//! security) in `booking_rls`. Fixtures of their own: every listing has a session type and hours.

use crate::fixtures::{as_ctx, user};
use crate::support::TestDb;
use app::booking::api::ssr::{bookings, directory};
use app::booking::domain::BookingStatus;
use app::booking::listing::DirectoryQuery;
use app::db::{Body, SignedIn, Tx};
use app::domain::Role;
use app::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::collections::BTreeSet;
use uuid::Uuid;

/// A mentor's listing as the tests need it: 60-minute "Career chat" at 50.00 USD, hours
/// 08:00-20:00 UTC every day, the defaults otherwise (12 hours' notice, 28 days ahead).
#[derive(Debug, Clone)]
pub struct Listing {
    pub org: Uuid,
    pub mentor_user: Uuid,
    pub mentor: Uuid,
    pub handle: String,
    pub session_type: Uuid,
}

pub const PRICE_MINOR: i64 = 5000;

pub async fn organization(owner: &PgPool, slug: &str) -> Uuid {
    sqlx::query_scalar("insert into organizations (name, slug) values ($1, $1) returning id")
        .bind(slug)
        .fetch_one(owner)
        .await
        .expect("insert organization")
}

/// A listing in `org` whose handle is `username`; `visibility` 'organization' or 'public'.
pub async fn listing(owner: &PgPool, org: Uuid, username: &str, visibility: &str) -> Listing {
    let mentor_user = user(owner, org, username, "mentor").await;
    let mentor: Uuid = sqlx::query_scalar(
        "insert into mentors (user_id, organization_id, bio, expertise_areas, visibility)
         values ($1, $2, 'Nurse and educator', '{nursing,healthcare}', $3::listing_visibility) returning id",
    )
    .bind(mentor_user)
    .bind(org)
    .bind(visibility)
    .fetch_one(owner)
    .await
    .expect("insert mentor");
    let session_type: Uuid = sqlx::query_scalar(
        "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes, price_minor)
         values ($1, $2, 'Career chat', 60, $3) returning id",
    )
    .bind(mentor)
    .bind(org)
    .bind(PRICE_MINOR)
    .fetch_one(owner)
    .await
    .expect("insert session type");
    sqlx::query(
        "insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends)
         select $1, $2, d, '08:00', '20:00' from generate_series(1, 7) d",
    )
    .bind(mentor)
    .bind(org)
    .execute(owner)
    .await
    .expect("insert weekly hours");
    Listing { org, mentor_user, mentor, handle: username.to_lowercase(), session_type }
}

/// Makes the listing's session type free: a paid hold is confirmed by its payment (see
/// `payments`), so tests of confirming itself use a free session.
pub async fn make_free(owner: &PgPool, listing: &Listing) {
    sqlx::query("update mentor_session_types set price_minor = 0 where id = $1")
        .bind(listing.session_type)
        .execute(owner)
        .await
        .expect("make the session type free");
}

/// `count` students of `org` named `<prefix>-<n>`.
pub async fn crowd(owner: &PgPool, org: Uuid, prefix: &str, count: i32) -> Vec<Uuid> {
    sqlx::query_scalar(
        "insert into users (organization_id, email, username, password_hash, first_name, last_name, role)
         select $1, $2 || '-' || n || '@example.org', $2 || '-' || n, $3, 'Student', 'Number ' || n, 'student'
           from generate_series(1, $4) n
         returning id",
    )
    .bind(org)
    .bind(prefix)
    .bind(crate::fixtures::HASH)
    .bind(count)
    .fetch_all(owner)
    .await
    .expect("insert students")
}

pub fn signed_in(user_id: Uuid, org_id: Uuid, role: Role) -> SignedIn {
    SignedIn {
        user_id,
        org_id,
        role,
        username: String::new(),
        first_name: String::new(),
        organization_name: String::new(),
    }
}

/// `days` from today (UTC) at `hour:minute` UTC.
pub fn at(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    (Utc::now().date_naive() + Duration::days(days)).and_hms_opt(hour, minute, 0).expect("a time").and_utc()
}

/// Runs one server-side body in its own request transaction, committed when it succeeds.
pub async fn act<T>(
    pool: &PgPool,
    user: &SignedIn,
    work: impl for<'a> FnOnce(&'a mut Tx, &'a SignedIn) -> Body<'a, T>,
) -> Result<T, AppError> {
    let mut tx = as_ctx(pool, user.ctx()).await;
    let result = work(&mut tx, user).await;
    if result.is_ok() {
        tx.commit().await.expect("commit");
    }
    result
}

/// A booking as the owner loads history: any status, any time, the listing's session type.
pub async fn owner_booking(owner: &PgPool, listing: &Listing, student: Uuid, status: &str, start: DateTime<Utc>) -> Uuid {
    sqlx::query_scalar(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at,
                               price_minor, hold_expires_at)
         values ($1, $2, $3, $4, $5::booking_status, $6, $6 + interval '60 minutes', $7,
                 case when $5 = 'hold' then now() + interval '10 minutes' end)
         returning id",
    )
    .bind(listing.org)
    .bind(listing.mentor)
    .bind(student)
    .bind(listing.session_type)
    .bind(status)
    .bind(start)
    .bind(PRICE_MINOR)
    .fetch_one(owner)
    .await
    .unwrap_or_else(|error| panic!("insert a {status} booking: {error}"))
}

pub struct Stored {
    pub status: String,
    pub scheduled_at: DateTime<Utc>,
    pub calendar_sequence: i32,
    pub cancelled_late: bool,
    pub cancelled_by: Option<String>,
}

pub async fn stored(owner: &PgPool, id: Uuid) -> Stored {
    let (status, scheduled_at, calendar_sequence, cancelled_late, cancelled_by) = sqlx::query_as::<_, (String, DateTime<Utc>, i32, bool, Option<String>)>(
        "select status::text, scheduled_at, calendar_sequence, cancelled_late, cancelled_by from bookings where id = $1",
    )
    .bind(id)
    .fetch_one(owner)
    .await
    .expect("the booking");
    Stored { status, scheduled_at, calendar_sequence, cancelled_late, cancelled_by }
}

pub fn conflict(result: Result<impl std::fmt::Debug, AppError>, gist: &str) {
    match result {
        Err(AppError::Conflict(message)) => assert!(message.contains(gist), "expected {gist:?} in {message:?}"),
        other => panic!("expected a conflict saying {gist:?}, got {other:?}"),
    }
}

pub fn invalid(result: Result<impl std::fmt::Debug, AppError>, gist: &str) {
    match result {
        Err(error @ AppError::Invalid(_)) => assert!(error.to_string().contains(gist), "expected {gist:?} in {error}"),
        other => panic!("expected an invalid-input answer saying {gist:?}, got {other:?}"),
    }
}

fn install_keys() {
    use app::booking::notes::NoteKeys;
    bookings::install_note_keys(NoteKeys::parse(&NoteKeys::generate()).expect("generated keys parse"));
}

/// Cancelling more than the listing's 24 hours ahead is free, later is late; a reschedule keeps
/// the booking and raises its calendar sequence, never onto a taken time; a finished session
/// keeps its time.
#[tokio::test]
async fn cancel_and_reschedule_follow_the_listing_policy() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "policy").await;
    let listing = listing(&db.owner, org, "policy-mentor", "organization").await;
    let students = crowd(&db.owner, org, "policy-student", 2).await;
    let (first, second) = (signed_in(students[0], org, Role::Student), signed_in(students[1], org, Role::Student));
    let mentor = signed_in(listing.mentor_user, org, Role::Mentor);

    let early = owner_booking(&db.owner, &listing, first.user_id, "confirmed", Utc::now() + Duration::hours(72)).await;
    act(&db.app, &first, |tx, u| Box::pin(bookings::cancel(tx, u, early, "Exams moved".into()))).await.expect("cancel early");
    let row = stored(&db.owner, early).await;
    assert_eq!((row.status.as_str(), row.cancelled_late, row.cancelled_by.as_deref()), ("cancelled", false, Some("student")));
    assert_eq!(row.calendar_sequence, 1, "a cancellation replaces the calendar event");

    let late = owner_booking(&db.owner, &listing, first.user_id, "confirmed", Utc::now() + Duration::hours(5)).await;
    invalid(act(&db.app, &mentor, |tx, u| Box::pin(bookings::cancel(tx, u, late, "  ".into()))).await, "reason for cancelling");
    act(&db.app, &first, |tx, u| Box::pin(bookings::cancel(tx, u, late, String::new()))).await.expect("cancel late");
    let row = stored(&db.owner, late).await;
    assert_eq!((row.status.as_str(), row.cancelled_late), ("cancelled", true), "within 24 hours is late");

    // Moved to a free time: the same booking, its sequence raised.
    let moving = owner_booking(&db.owner, &listing, first.user_id, "confirmed", at(3, 10, 0)).await;
    act(&db.app, &first, |tx, u| Box::pin(bookings::reschedule(tx, u, moving, at(3, 14, 0).to_rfc3339()))).await.expect("reschedule");
    let row = stored(&db.owner, moving).await;
    assert_eq!((row.scheduled_at, row.calendar_sequence, row.status.as_str()), (at(3, 14, 0), 1, "confirmed"));
    let live: i64 = sqlx::query_scalar("select count(*) from bookings where student_id = $1 and status = 'confirmed'")
        .bind(first.user_id)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(live, 1, "moved, not copied");

    // Onto someone else's time: refused with the next free times, and nothing moved.
    owner_booking(&db.owner, &listing, second.user_id, "confirmed", at(3, 16, 0)).await;
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::reschedule(tx, u, moving, at(3, 16, 0).to_rfc3339()))).await, "just taken");
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::reschedule(tx, u, moving, at(3, 15, 30).to_rfc3339()))).await, "just taken");
    let row = stored(&db.owner, moving).await;
    assert_eq!((row.scheduled_at, row.calendar_sequence), (at(3, 14, 0), 1), "the session keeps its time");
    // The options offered for a move never include a taken time.
    let options = act(&db.app, &first, |tx, u| Box::pin(bookings::reschedule_options(tx, u, moving))).await.expect("options");
    let offered: Vec<DateTime<Utc>> = options.iter().flat_map(|day| day.slots.iter().map(|slot| slot.start)).collect();
    assert!(!offered.is_empty());
    assert!(!offered.contains(&at(3, 16, 0)) && !offered.contains(&at(3, 15, 30)) && !offered.contains(&at(3, 14, 0)));

    // A finished session keeps its time.
    let done = owner_booking(&db.owner, &listing, first.user_id, "completed", Utc::now() - Duration::days(3)).await;
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::reschedule(tx, u, done, at(4, 10, 0).to_rfc3339()))).await, "can't be moved");
    assert_eq!(stored(&db.owner, done).await.calendar_sequence, 0);
    // And a cancelled one can't be cancelled again.
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::cancel(tx, u, early, String::new()))).await, "can't be cancelled");
}

/// A hold blocks its slot for a few minutes; once its time has passed it blocks nothing, and
/// confirming it says it ran out.
#[tokio::test]
async fn an_expired_hold_frees_its_slot_and_cannot_be_confirmed() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "holds").await;
    let listing = listing(&db.owner, org, "holds-mentor", "organization").await;
    make_free(&db.owner, &listing).await;
    let students = crowd(&db.owner, org, "holds-student", 2).await;
    let (first, second) = (signed_in(students[0], org, Role::Student), signed_in(students[1], org, Role::Student));
    let slot = at(5, 10, 0).to_rfc3339();
    let hold = |user: &SignedIn| {
        let (user, handle, kind, slot) = (user.clone(), listing.handle.clone(), listing.session_type.to_string(), slot.clone());
        let pool = db.app.clone();
        async move { act(&pool, &user, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind, slot))).await }
    };

    let held = hold(&first).await.expect("the first student holds the slot");
    conflict(hold(&second).await, "just taken");

    sqlx::query("update bookings set hold_expires_at = now() - interval '1 minute' where id = $1")
        .bind(held)
        .execute(&db.owner)
        .await
        .unwrap();
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::confirm(tx, u, held, "Nursing school".into()))).await, "ran out");
    let detail = act(&db.app, &first, |tx, u| Box::pin(bookings::detail(tx, u, held))).await.expect("detail");
    assert_eq!(detail.status, BookingStatus::Expired, "the page shows the hold as expired");
    assert!(detail.actions.is_empty());

    let taken_over = hold(&second).await.expect("the slot is free again for someone else");
    assert_eq!(stored(&db.owner, held).await.status, "expired");
    let refused = act(&db.app, &first, |tx, u| Box::pin(bookings::confirm(tx, u, held, String::new()))).await;
    match refused {
        Err(AppError::Conflict(message)) => assert!(message.contains("ran out") || message.contains("expired"), "{message}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // The new hold is confirmed (the listing needs no approval) and keeps the slot.
    act(&db.app, &second, |tx, u| Box::pin(bookings::confirm(tx, u, taken_over, String::new()))).await.expect("confirm");
    assert_eq!(stored(&db.owner, taken_over).await.status, "confirmed");
}

/// Only the booking's student reviews, only a completed session, once; the mentor's rating
/// changes in the same transaction.
#[tokio::test]
async fn a_review_needs_a_completed_session_and_is_written_once() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "reviews").await;
    let listing = listing(&db.owner, org, "reviews-mentor", "organization").await;
    let students = crowd(&db.owner, org, "reviews-student", 2).await;
    let (first, second) = (signed_in(students[0], org, Role::Student), signed_in(students[1], org, Role::Student));
    let mentor = signed_in(listing.mentor_user, org, Role::Mentor);

    let upcoming = owner_booking(&db.owner, &listing, first.user_id, "confirmed", at(3, 10, 0)).await;
    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::review(tx, u, upcoming, "5".into(), String::new()))).await, "marked it completed");
    invalid(act(&db.app, &mentor, |tx, u| Box::pin(bookings::finish(tx, u, upcoming, "completed".into()))).await, "once it has started");

    // A session that started two hours ago, completed by the mentor.
    let started = owner_booking(&db.owner, &listing, first.user_id, "confirmed", Utc::now() - Duration::hours(2)).await;
    act(&db.app, &mentor, |tx, u| Box::pin(bookings::finish(tx, u, started, "completed".into()))).await.expect("complete");
    assert!(matches!(
        act(&db.app, &mentor, |tx, u| Box::pin(bookings::review(tx, u, started, "5".into(), String::new()))).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        act(&db.app, &second, |tx, u| Box::pin(bookings::review(tx, u, started, "1".into(), String::new()))).await,
        Err(AppError::NotFound(_))
    ));
    invalid(act(&db.app, &first, |tx, u| Box::pin(bookings::review(tx, u, started, "6".into(), String::new()))).await, "1 to 5");

    let mut tx = as_ctx(&db.app, first.ctx()).await;
    bookings::review(&mut tx, &first, started, "4".into(), "Clear advice on placements.".into()).await.expect("review");
    let (average, count): (Option<f64>, i32) =
        sqlx::query_as("select rating_average::float8, rating_count from mentors where id = $1")
            .bind(listing.mentor)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((average, count), (Some(4.0), 1), "the rating changes in the review's own transaction");
    tx.commit().await.unwrap();

    conflict(act(&db.app, &first, |tx, u| Box::pin(bookings::review(tx, u, started, "2".into(), String::new()))).await, "already reviewed");
    let detail = act(&db.app, &first, |tx, u| Box::pin(bookings::detail(tx, u, started))).await.unwrap();
    assert!(!detail.can_review);
    assert_eq!(detail.review.map(|r| (r.rating, r.reviewer_name)), Some((4, "Student N.".to_string())));

    let other = owner_booking(&db.owner, &listing, second.user_id, "completed", Utc::now() - Duration::days(2)).await;
    act(&db.app, &second, |tx, u| Box::pin(bookings::review(tx, u, other, "5".into(), String::new()))).await.expect("second review");
    let (average, count): (Option<f64>, i32) =
        sqlx::query_as("select rating_average::float8, rating_count from mentors where id = $1")
            .bind(listing.mentor)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!((average, count), (Some(4.5), 2));
}

/// Session notes: the mentor reads them back; the database holds no plaintext; the student never
/// sees them.
#[tokio::test]
async fn session_notes_are_the_mentors_alone_and_stored_encrypted() {
    install_keys();
    let db = TestDb::new().await;
    let org = organization(&db.owner, "notes").await;
    let listing = listing(&db.owner, org, "notes-mentor", "organization").await;
    let student = signed_in(crowd(&db.owner, org, "notes-student", 1).await[0], org, Role::Student);
    let mentor = signed_in(listing.mentor_user, org, Role::Mentor);
    let booking = owner_booking(&db.owner, &listing, student.user_id, "confirmed", at(3, 10, 0)).await;
    const NOTES: &str = "Worried about the anatomy exam; follow up on the hospital placement.";

    act(&db.app, &mentor, |tx, u| Box::pin(bookings::save_notes(tx, u, booking, NOTES.into()))).await.expect("save notes");
    let detail = act(&db.app, &mentor, |tx, u| Box::pin(bookings::detail(tx, u, booking))).await.unwrap();
    assert_eq!(detail.notes.as_deref(), Some(NOTES));

    let (blob, key): (Vec<u8>, Option<String>) =
        sqlx::query_as("select notes_ciphertext, notes_key_id from bookings where id = $1").bind(booking).fetch_one(&db.owner).await.unwrap();
    assert!(key.is_some());
    assert!(!blob.windows(10).any(|w| NOTES.as_bytes().windows(10).any(|p| p == w)), "no plaintext in the stored notes");

    let detail = act(&db.app, &student, |tx, u| Box::pin(bookings::detail(tx, u, booking))).await.unwrap();
    assert_eq!(detail.notes, None);
    assert!(matches!(
        act(&db.app, &student, |tx, u| Box::pin(bookings::save_notes(tx, u, booking, "mine".into()))).await,
        Err(AppError::Forbidden)
    ));
}

fn ics_value(ics: &str, key: &str) -> String {
    ics.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in {ics}"))
        .trim()
        .to_string()
}

/// The calendar file names one event per booking: a move raises SEQUENCE, a cancellation
/// sends METHOD:CANCEL, both with the same UID.
#[tokio::test]
async fn the_calendar_file_follows_reschedules_and_cancellation() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "ics").await;
    let listing = listing(&db.owner, org, "ics-mentor", "organization").await;
    let student = signed_in(crowd(&db.owner, org, "ics-student", 1).await[0], org, Role::Student);
    let booking = owner_booking(&db.owner, &listing, student.user_id, "confirmed", at(3, 10, 0)).await;
    let file = || act(&db.app, &student, |tx, _| Box::pin(bookings::calendar_file(tx, booking)));

    let (name, first) = file().await.expect("calendar file");
    assert!(name.ends_with(".ics"), "{name}");
    assert_eq!(ics_value(&first, "METHOD"), "REQUEST");
    assert_eq!(ics_value(&first, "SEQUENCE"), "0");
    assert_eq!(ics_value(&first, "UID"), format!("{booking}@waypoint"));

    act(&db.app, &student, |tx, u| Box::pin(bookings::reschedule(tx, u, booking, at(3, 12, 0).to_rfc3339()))).await.expect("reschedule");
    let (_, moved) = file().await.unwrap();
    assert_eq!(ics_value(&moved, "SEQUENCE"), "1");
    assert_eq!(ics_value(&moved, "UID"), ics_value(&first, "UID"));
    assert_eq!(ics_value(&moved, "METHOD"), "REQUEST");
    assert_ne!(ics_value(&moved, "DTSTART"), ics_value(&first, "DTSTART"));

    act(&db.app, &student, |tx, u| Box::pin(bookings::cancel(tx, u, booking, String::new()))).await.expect("cancel");
    let (_, cancelled) = file().await.unwrap();
    assert_eq!(ics_value(&cancelled, "METHOD"), "CANCEL");
    assert_eq!(ics_value(&cancelled, "UID"), ics_value(&first, "UID"));
    assert!(ics_value(&cancelled, "SEQUENCE").parse::<u32>().unwrap() > 1, "{cancelled}");
}

/// The directory: full-text search over the bio, and filters that narrow.
#[tokio::test]
async fn the_directory_searches_and_filters() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "dir").await;
    let wood = listing(&db.owner, org, "dir-wood", "organization").await;
    let nurse = listing(&db.owner, org, "dir-nurse", "organization").await;
    let idle = listing(&db.owner, org, "dir-idle", "organization").await;
    for (listing, bio, expertise, languages, price, rating) in [
        (&wood, "Carpenter teaching woodworking and joinery", "{carpentry}", "{English,Spanish}", 3000, Some(4.5)),
        (&nurse, "Nurse and educator on hospital wards", "{nursing}", "{English}", 9000, Some(3.0)),
        (&idle, "Nurse with no hours set yet", "{nursing}", "{French}", 5000, None),
    ] {
        sqlx::query(
            "update mentors set bio = $2, expertise_areas = $3::text[], languages = $4::text[], rating_average = $5 where id = $1",
        )
        .bind(listing.mentor)
        .bind(bio)
        .bind(expertise)
        .bind(languages)
        .bind(rating)
        .execute(&db.owner)
        .await
        .unwrap();
        sqlx::query("update mentor_session_types set price_minor = $2 where id = $1")
            .bind(listing.session_type)
            .bind(price)
            .execute(&db.owner)
            .await
            .unwrap();
    }
    sqlx::query("delete from mentor_weekly_hours where mentor_id = $1").bind(idle.mentor).execute(&db.owner).await.unwrap();
    let student = signed_in(crowd(&db.owner, org, "dir-student", 1).await[0], org, Role::Student);

    let found = |query: DirectoryQuery| {
        let (pool, student) = (db.app.clone(), student.clone());
        async move {
            let page = act(&pool, &student, |tx, u| Box::pin(directory::search(tx, Some(u), query, None))).await.expect("search");
            page.results.into_iter().map(|card| card.handle).collect::<BTreeSet<String>>()
        }
    };
    let set = |handles: &[&str]| handles.iter().map(|h| h.to_string()).collect::<BTreeSet<String>>();

    assert_eq!(found(DirectoryQuery::default()).await, set(&["dir-wood", "dir-nurse", "dir-idle"]));
    assert_eq!(found(DirectoryQuery { q: "woodworking".into(), ..Default::default() }).await, set(&["dir-wood"]));
    assert_eq!(found(DirectoryQuery { expertise: "nursing".into(), ..Default::default() }).await, set(&["dir-nurse", "dir-idle"]));
    assert_eq!(found(DirectoryQuery { language: "Spanish".into(), ..Default::default() }).await, set(&["dir-wood"]));
    assert_eq!(found(DirectoryQuery { min_price: "50".into(), ..Default::default() }).await, set(&["dir-nurse", "dir-idle"]));
    assert_eq!(found(DirectoryQuery { max_price: "40".into(), ..Default::default() }).await, set(&["dir-wood"]));
    assert_eq!(found(DirectoryQuery { min_rating: "4".into(), ..Default::default() }).await, set(&["dir-wood"]));
    assert_eq!(
        found(DirectoryQuery { expertise: "nursing".into(), min_price: "60".into(), ..Default::default() }).await,
        set(&["dir-nurse"])
    );
    assert_eq!(found(DirectoryQuery { free_week: "on".into(), ..Default::default() }).await, set(&["dir-wood", "dir-nurse"]));
    assert_eq!(
        found(DirectoryQuery { q: "nurse".into(), free_week: "on".into(), ..Default::default() }).await,
        set(&["dir-nurse"])
    );
}

/// A listing that approves requests: a confirmed hold waits for the mentor, who is told and
/// accepts or declines with a reason; only offered times can be held; a student can't be in
/// two sessions at once.
#[tokio::test]
async fn a_request_waits_for_the_mentor_and_only_offered_times_are_held() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "request").await;
    let listing = listing(&db.owner, org, "request-mentor", "organization").await;
    make_free(&db.owner, &listing).await;
    let elsewhere = self::listing(&db.owner, org, "request-other", "organization").await;
    sqlx::query("update mentors set requires_approval = true where id = $1").bind(listing.mentor).execute(&db.owner).await.unwrap();
    let students = crowd(&db.owner, org, "request-student", 2).await;
    let (student, second) = (signed_in(students[0], org, Role::Student), signed_in(students[1], org, Role::Student));
    let mentor = signed_in(listing.mentor_user, org, Role::Mentor);
    let hold = |user: &SignedIn, listing: &Listing, start: DateTime<Utc>| {
        let (user, handle, kind, pool) = (user.clone(), listing.handle.clone(), listing.session_type.to_string(), db.app.clone());
        async move { act(&pool, &user, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind, start.to_rfc3339()))).await }
    };

    for (start, why) in [
        (at(3, 21, 0), "outside the hours"),
        (at(3, 10, 15), "off the half-hour steps"),
        (at(40, 10, 0), "beyond the 28 days"),
        (Utc::now() + Duration::hours(1), "within the 12 hours' notice"),
    ] {
        let refused = hold(&student, &listing, start).await;
        assert!(matches!(&refused, Err(AppError::Invalid(_))), "{why}: {refused:?}");
        assert!(refused.unwrap_err().to_string().contains("isn't offered"), "{why}");
    }
    let unknown =
        act(&db.app, &student, |tx, u| Box::pin(bookings::hold(tx, u, listing.handle.clone(), Uuid::new_v4().to_string(), at(3, 10, 0).to_rfc3339())))
            .await;
    assert!(matches!(&unknown, Err(AppError::NotFound(what)) if what.contains("session type")), "{unknown:?}");
    invalid(
        act(&db.app, &mentor, |tx, u| Box::pin(bookings::hold(tx, u, listing.handle.clone(), listing.session_type.to_string(), at(3, 10, 0).to_rfc3339())))
            .await,
        "yourself",
    );

    let request = hold(&student, &listing, at(3, 10, 0)).await.expect("hold");
    act(&db.app, &student, |tx, u| Box::pin(bookings::confirm(tx, u, request, "Applying to nursing school".into()))).await.expect("confirm");
    assert_eq!(stored(&db.owner, request).await.status, "pending", "the mentor approves requests");
    let told: Vec<String> = sqlx::query_scalar("select title from notifications where user_id = $1 and payload->>'booking_id' = $2::text")
        .bind(listing.mentor_user)
        .bind(request)
        .fetch_all(&db.owner)
        .await
        .unwrap();
    assert_eq!(told, ["New session request"]);
    // The student can't accept their own request.
    assert!(matches!(act(&db.app, &student, |tx, u| Box::pin(bookings::answer(tx, u, request, true, String::new()))).await, Err(AppError::Forbidden)));
    invalid(act(&db.app, &mentor, |tx, u| Box::pin(bookings::answer(tx, u, request, false, " ".into()))).await, "reason for declining");
    act(&db.app, &mentor, |tx, u| Box::pin(bookings::answer(tx, u, request, true, String::new()))).await.expect("accept");
    assert_eq!(stored(&db.owner, request).await.status, "confirmed");
    let told: Vec<String> = sqlx::query_scalar("select title from notifications where user_id = $1 and payload->>'booking_id' = $2::text")
        .bind(student.user_id)
        .bind(request)
        .fetch_all(&db.owner)
        .await
        .unwrap();
    assert_eq!(told, ["Session confirmed"]);
    conflict(act(&db.app, &mentor, |tx, u| Box::pin(bookings::answer(tx, u, request, true, String::new()))).await, "can't be accepted");

    // The student is busy at 10:00 with this mentor: another mentor's 10:30 is refused for them.
    conflict(hold(&student, &elsewhere, at(3, 10, 30)).await, "You already have a session at that time");
    hold(&second, &elsewhere, at(3, 10, 30)).await.expect("someone free then");
}

/// The decline form says "the student sees this": the booking's page shows the student the
/// mentor's reason.
#[tokio::test]
async fn a_declined_request_shows_the_student_the_mentors_reason() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "declined").await;
    let listing = listing(&db.owner, org, "declined-mentor", "organization").await;
    make_free(&db.owner, &listing).await;
    sqlx::query("update mentors set requires_approval = true where id = $1").bind(listing.mentor).execute(&db.owner).await.unwrap();
    let second = signed_in(crowd(&db.owner, org, "declined-student", 1).await[0], org, Role::Student);
    let mentor = signed_in(listing.mentor_user, org, Role::Mentor);
    let (handle, kind) = (listing.handle.clone(), listing.session_type.to_string());
    let declined = act(&db.app, &second, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind, at(4, 10, 0).to_rfc3339()))).await.expect("hold");
    act(&db.app, &second, |tx, u| Box::pin(bookings::confirm(tx, u, declined, String::new()))).await.expect("confirm");
    act(&db.app, &mentor, |tx, u| Box::pin(bookings::answer(tx, u, declined, false, "Away that week".into()))).await.expect("decline");
    let detail = act(&db.app, &second, |tx, u| Box::pin(bookings::detail(tx, u, declined))).await.unwrap();
    assert_eq!(detail.status, BookingStatus::Declined);
    assert_eq!(detail.cancellation.map(|c| c.reason), Some("Away that week".to_string()));
}
