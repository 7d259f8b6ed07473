//! Booking under concurrency: a crowd of students picking the same or overlapping times gets
//! exactly one session, through the product and with raw inserts that skip its checks (the
//! exclusion constraints alone, buffers included); and the reminder worker sends each reminder
//! exactly once, across concurrent passes and a pass that died before committing.

use crate::booking::{at, crowd, listing, organization, owner_booking, signed_in, Listing};
use crate::fixtures::as_ctx;
use crate::support::TestDb;
use app::booking::api::ssr::bookings;
use app::db::RequestContext;
use app::domain::Role;
use app::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool};
use std::sync::Arc;
use tokio::sync::Barrier;
use uuid::Uuid;

/// An application-role pool wide enough for every racer to hold its own transaction at once.
fn wide_app_pool(db: &TestDb, size: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(std::time::Duration::from_secs(60))
        .connect_lazy_with(db.owner_options.clone().username("waypoint_app"))
}

/// Every student in `racers` holds `starts[i % starts.len()]` at once (each its own
/// transaction, committed when the hold succeeds); the answers in the racers' order.
async fn race_holds(pool: &PgPool, listing: &Listing, racers: &[Uuid], starts: &[DateTime<Utc>]) -> Vec<Result<Uuid, AppError>> {
    let barrier = Arc::new(Barrier::new(racers.len()));
    let tasks: Vec<_> = racers
        .iter()
        .enumerate()
        .map(|(n, &student)| {
            let (pool, barrier, org) = (pool.clone(), barrier.clone(), listing.org);
            let (handle, kind, start) = (listing.handle.clone(), listing.session_type.to_string(), starts[n % starts.len()].to_rfc3339());
            tokio::spawn(async move {
                let user = signed_in(student, org, Role::Student);
                let mut tx = as_ctx(&pool, user.ctx()).await;
                barrier.wait().await;
                let result = bookings::hold(&mut tx, &user, handle, kind, start).await;
                if result.is_ok() {
                    tx.commit().await.expect("commit the hold");
                }
                result
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("racer task"));
    }
    results
}

async fn live_bookings(owner: &PgPool, mentor: Uuid) -> Vec<(Uuid, DateTime<Utc>)> {
    sqlx::query_as("select id, scheduled_at from bookings where mentor_id = $1 and status in ('hold', 'pending', 'confirmed')")
        .bind(mentor)
        .fetch_all(owner)
        .await
        .unwrap()
}

fn one_winner(results: &[Result<Uuid, AppError>]) -> Uuid {
    let winners: Vec<Uuid> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(winners.len(), 1, "exactly one hold succeeds: {winners:?}");
    for result in results {
        match result {
            Ok(_) => {}
            Err(AppError::Conflict(message)) => assert!(message.contains("just taken"), "a loser is told: {message}"),
            Err(other) => panic!("a loser got {other:?} instead of a conflict"),
        }
    }
    winners[0]
}

/// 100 students, one slot: one hold, 99 "just taken" with the next free times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_students_racing_for_one_slot_get_one_hold() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "race").await;
    let listing = listing(&db.owner, org, "race-mentor", "organization").await;
    let racers = crowd(&db.owner, org, "racer", 100).await;
    let pool = wide_app_pool(&db, 104);
    let start = at(3, 10, 0);

    let results = race_holds(&pool, &listing, &racers, &[start]).await;
    let winner = one_winner(&results);
    let next_times = results.iter().filter(|r| matches!(r, Err(AppError::Conflict(m)) if m.contains("next free times"))).count();
    assert!(next_times > 0, "losers are offered the next free times");
    assert_eq!(live_bookings(&db.owner, listing.mentor).await, vec![(winner, start)]);
    let price: i64 = sqlx::query_scalar("select price_minor from bookings where id = $1").bind(winner).fetch_one(&db.owner).await.unwrap();
    assert_eq!(price, crate::booking::PRICE_MINOR);
    pool.close().await;
}

/// Overlapping, not identical, times (starts 30 minutes apart, 60-minute sessions, both offered
/// by the listing): one booking among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn students_racing_for_overlapping_slots_get_one_booking() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "overlap").await;
    let listing = listing(&db.owner, org, "overlap-mentor", "organization").await;
    let racers = crowd(&db.owner, org, "overlapper", 60).await;
    let pool = wide_app_pool(&db, 64);
    let starts = [at(4, 10, 0), at(4, 10, 30)];
    let results = race_holds(&pool, &listing, &racers[..40], &starts).await;
    let winner = one_winner(&results);
    let live = live_bookings(&db.owner, listing.mentor).await;
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].0, winner);
    assert!(starts.contains(&live[0].1));
    // The next round overlaps the winner whichever it was: nothing more gets in.
    let results = race_holds(&pool, &listing, &racers[40..], &[live[0].1 + Duration::minutes(30), live[0].1 - Duration::minutes(30)]).await;
    assert!(results.iter().all(|r| matches!(r, Err(AppError::Conflict(m)) if m.contains("just taken"))), "{results:?}");
    assert_eq!(live_bookings(&db.owner, listing.mentor).await.len(), 1);
    pool.close().await;
}

async fn raw_hold(app: &PgPool, listing: &Listing, student: Uuid, start: DateTime<Utc>) -> Result<Uuid, sqlx::Error> {
    let mut tx = as_ctx(app, RequestContext::member(student, listing.org, Role::Student)).await;
    let id = sqlx::query_scalar(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, status, scheduled_at, ends_at, hold_expires_at)
         values ($1, $2, $3, $4, 'hold', $5, $5 + interval '60 minutes', now() + interval '10 minutes') returning id",
    )
    .bind(listing.org)
    .bind(listing.mentor)
    .bind(student)
    .bind(listing.session_type)
    .bind(start)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn overlap_refusal(result: &Result<Uuid, sqlx::Error>) -> Option<String> {
    match result {
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("23P01") => error.constraint().map(str::to_string),
        _ => None,
    }
}

/// Without the product's checks (inserts straight from each student's context) the exclusion
/// constraint alone lets one of many overlapping holds in, and it counts the mentor's buffers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exclusion_constraint_alone_keeps_one_booking_buffers_included() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "raw").await;
    let listing = listing(&db.owner, org, "raw-mentor", "organization").await;
    sqlx::query("update mentors set buffer_after_minutes = 15 where id = $1").bind(listing.mentor).execute(&db.owner).await.unwrap();
    let racers = crowd(&db.owner, org, "raw", 48).await;
    let pool = wide_app_pool(&db, 52);

    // Starts five minutes apart within an hour: every pair overlaps.
    let barrier = Arc::new(Barrier::new(racers.len()));
    let tasks: Vec<_> = racers
        .iter()
        .enumerate()
        .map(|(n, &student)| {
            let (pool, barrier, listing) = (pool.clone(), barrier.clone(), listing.clone());
            let start = at(6, 12, 0) + Duration::minutes(5 * (n as i64 % 12));
            tokio::spawn(async move {
                barrier.wait().await;
                raw_hold(&pool, &listing, student, start).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let winners = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{results:?}");
    for result in results.iter().filter(|r| r.is_err()) {
        assert_eq!(overlap_refusal(result).as_deref(), Some("bookings_mentor_no_overlap"), "{result:?}");
    }
    assert_eq!(live_bookings(&db.owner, listing.mentor).await.len(), 1);

    // Buffers: a session ending 10:00 with 15 minutes after it blocks one starting 10:10; 10:15 is free.
    let earlier = raw_hold(&db.app, &listing, racers[0], at(7, 9, 0)).await.expect("a hold on a free day");
    let blocked: (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("select lower(blocked), upper(blocked) from bookings where id = $1").bind(earlier).fetch_one(&db.owner).await.unwrap();
    assert_eq!(blocked, (at(7, 9, 0), at(7, 10, 15)));
    let too_close = raw_hold(&db.app, &listing, racers[1], at(7, 10, 10)).await;
    assert_eq!(overlap_refusal(&too_close).as_deref(), Some("bookings_mentor_no_overlap"), "{too_close:?}");
    raw_hold(&db.app, &listing, racers[1], at(7, 10, 15)).await.expect("right after the buffer");
    // The same student can't be in two places either (another mentor, same time).
    let other = listing_for_same_org(&db.owner, org).await;
    let twice = raw_hold(&db.app, &other, racers[1], at(7, 10, 30)).await;
    assert_eq!(overlap_refusal(&twice).as_deref(), Some("bookings_student_no_overlap"), "{twice:?}");
    pool.close().await;
}

async fn listing_for_same_org(owner: &PgPool, org: Uuid) -> Listing {
    listing(owner, org, "raw-mentor2", "organization").await
}

// The reminder worker ----------------------------------------------------------------------------

/// A confirmed booking starting `ahead` from now, made `made_ago` before now.
async fn confirmed(db: &TestDb, listing: &Listing, student: Uuid, ahead: Duration, made_ago: Duration) -> Uuid {
    let id = owner_booking(&db.owner, listing, student, "confirmed", Utc::now() + ahead).await;
    sqlx::query("update bookings set created_at = now() - $2 where id = $1")
        .bind(id)
        .bind(made_ago)
        .execute(&db.owner)
        .await
        .unwrap();
    id
}

/// The reminders sent for a booking: (recipient, which).
async fn reminders(owner: &PgPool, booking: Uuid) -> Vec<(Uuid, String)> {
    sqlx::query_as(
        "select user_id, payload->>'reminder' from notifications
          where payload->>'booking_id' = $1::text and payload ? 'reminder' order by user_id, 2",
    )
    .bind(booking)
    .fetch_all(owner)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_sent_exactly_once() {
    use app::booking::reminders::run_once;
    let db = TestDb::new().await;
    let org = organization(&db.owner, "remind").await;
    let listing = listing(&db.owner, org, "remind-mentor", "organization").await;
    let students = crowd(&db.owner, org, "remind-student", 5).await;
    let both = |student: Uuid, which: &str| {
        let mut expected = vec![(student, which.to_string()), (listing.mentor_user, which.to_string())];
        expected.sort();
        expected
    };

    // 23 hours ahead, booked days ago: the day-before reminder, to the student and the mentor.
    let day = confirmed(&db, &listing, students[0], Duration::hours(23), Duration::days(3)).await;
    let pass = run_once(&db.owner).await.expect("a pass");
    assert_eq!((pass.day_before, pass.hour_before), (1, 0));
    assert_eq!(reminders(&db.owner, day).await, both(students[0], "day"));
    let pass = run_once(&db.owner).await.unwrap();
    assert_eq!((pass.day_before, pass.hour_before), (0, 0), "nothing the second time");
    assert_eq!(reminders(&db.owner, day).await.len(), 2);

    // Two workers at once: sent once.
    let day2 = confirmed(&db, &listing, students[1], Duration::hours(21), Duration::days(3)).await;
    let (a, b) = tokio::join!(run_once(&db.owner), run_once(&db.owner));
    assert_eq!(a.unwrap().day_before + b.unwrap().day_before, 1);
    assert_eq!(reminders(&db.owner, day2).await, both(students[1], "day"));

    // A worker that claimed the booking and died before committing: nothing of it remains and
    // the next pass sends the reminder. While it held the row, another pass went around it.
    let day3 = confirmed(&db, &listing, students[2], Duration::hours(19), Duration::days(3)).await;
    let mut crashed = sqlx::PgConnection::connect_with(&db.owner_options).await.unwrap();
    {
        let mut claim = crashed.begin().await.unwrap();
        sqlx::query("select id from bookings where id = $1 for update").bind(day3).execute(&mut *claim).await.unwrap();
        sqlx::query("update bookings set reminded_day_before_at = now() where id = $1").bind(day3).execute(&mut *claim).await.unwrap();
        sqlx::query(
            "insert into notifications (user_id, organization_id, kind, title, payload)
             values ($1, $2, 'booking', 'Your session is coming up', jsonb_build_object('booking_id', $3::uuid, 'reminder', 'day'))",
        )
        .bind(students[2])
        .bind(org)
        .bind(day3)
        .execute(&mut *claim)
        .await
        .unwrap();
        let meanwhile = tokio::time::timeout(std::time::Duration::from_secs(20), run_once(&db.owner))
            .await
            .expect("a pass is not blocked by a claimed row")
            .unwrap();
        assert_eq!(meanwhile.day_before, 0, "the claimed booking is skipped, not waited for");
        // The crash: the transaction and its connection go away without a commit.
        drop(claim);
    }
    drop(crashed);
    // Wait until the server has rolled the dead worker's transaction back.
    for attempt in 0.. {
        let mut tx = db.owner.begin().await.unwrap();
        if sqlx::query("select 1 from bookings where id = $1 for update nowait").bind(day3).execute(&mut *tx).await.is_ok() {
            break;
        }
        assert!(attempt < 100, "the dead worker's lock is never released");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reminders(&db.owner, day3).await.is_empty(), "nothing of the crashed pass remains");
    assert_eq!(run_once(&db.owner).await.unwrap().day_before, 1);
    assert_eq!(reminders(&db.owner, day3).await, both(students[2], "day"));
    assert_eq!(run_once(&db.owner).await.unwrap().day_before, 0);

    // 50 minutes ahead: the hour reminder, and never a day-before one after it.
    let hour = confirmed(&db, &listing, students[3], Duration::minutes(50), Duration::days(3)).await;
    let pass = run_once(&db.owner).await.unwrap();
    assert_eq!((pass.day_before, pass.hour_before), (0, 1));
    assert_eq!(reminders(&db.owner, hour).await, both(students[3], "hour"));
    run_once(&db.owner).await.unwrap();
    assert_eq!(reminders(&db.owner, hour).await, both(students[3], "hour"), "no day-before reminder after the hour one");

    // Booked only just now for 17 hours ahead: no "coming up" a moment after booking.
    let fresh = confirmed(&db, &listing, students[4], Duration::hours(17), Duration::zero()).await;
    run_once(&db.owner).await.unwrap();
    assert!(reminders(&db.owner, fresh).await.is_empty());
}

async fn free_intro(db: &TestDb, listing: &Listing) -> Uuid {
    sqlx::query_scalar(
        "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes, price_minor, is_free_intro)
         values ($1, $2, 'Say hello', 15, 0, true) returning id",
    )
    .bind(listing.mentor)
    .bind(listing.org)
    .fetch_one(&db.owner)
    .await
    .unwrap()
}

/// A free introduction is once per student and mentor, one request after another.
#[tokio::test]
async fn a_free_introduction_is_held_once() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "intro1").await;
    let listing = listing(&db.owner, org, "intro1-mentor", "organization").await;
    let intro = free_intro(&db, &listing).await;
    let student = signed_in(crowd(&db.owner, org, "intro1-student", 1).await[0], org, Role::Student);
    let hold = |start: DateTime<Utc>| {
        let (pool, user, handle) = (db.app.clone(), student.clone(), listing.handle.clone());
        async move { crate::booking::act(&pool, &user, |tx, u| Box::pin(bookings::hold(tx, u, handle, intro.to_string(), start.to_rfc3339()))).await }
    };
    hold(at(3, 9, 0)).await.expect("the first introduction");
    crate::booking::invalid(hold(at(4, 9, 0)).await, "already had your free introduction");
}

/// ... even when the student sends several holds at once (two tabs, a double click) for
/// different times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_free_introduction_is_held_once_even_from_parallel_requests() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "intro").await;
    let listing = listing(&db.owner, org, "intro-mentor", "organization").await;
    let intro = free_intro(&db, &listing).await;
    let student = crowd(&db.owner, org, "intro-student", 1).await[0];
    let pool = wide_app_pool(&db, 12);
    let attempts = 8;
    let barrier = Arc::new(Barrier::new(attempts));
    let tasks: Vec<_> = (0..attempts)
        .map(|n| {
            let (pool, barrier, handle) = (pool.clone(), barrier.clone(), listing.handle.clone());
            // Different days and hours: nothing overlaps.
            let start = at(3 + (n as i64 % 4), 9 + n as u32, 0).to_rfc3339();
            tokio::spawn(async move {
                let user = signed_in(student, org, Role::Student);
                let mut tx = as_ctx(&pool, user.ctx()).await;
                barrier.wait().await;
                let result = bookings::hold(&mut tx, &user, handle, intro.to_string(), start).await;
                if result.is_ok() {
                    tx.commit().await.expect("commit");
                }
                result
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let held = results.iter().filter(|r| r.is_ok()).count();
    for result in results.iter().filter(|r| r.is_err()) {
        let message = result.as_ref().unwrap_err().to_string();
        assert!(message.contains("free introduction"), "{message}");
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from bookings where student_id = $1 and session_type_id = $2 and status = 'hold'")
        .bind(student)
        .bind(intro)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!((held, stored), (1, 1), "{results:?}");
    pool.close().await;
}

/// The worker expires holds nobody confirmed and requests nobody answered before they started.
#[tokio::test]
async fn the_worker_expires_stale_holds_and_unanswered_requests() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "stale").await;
    let listing = listing(&db.owner, org, "stale-mentor", "organization").await;
    let students = crowd(&db.owner, org, "stale-student", 3).await;
    let hold = owner_booking(&db.owner, &listing, students[0], "hold", at(3, 10, 0)).await;
    sqlx::query("update bookings set hold_expires_at = now() - interval '1 minute' where id = $1").bind(hold).execute(&db.owner).await.unwrap();
    let live_hold = owner_booking(&db.owner, &listing, students[1], "hold", at(3, 12, 0)).await;
    let request = owner_booking(&db.owner, &listing, students[2], "pending", Utc::now() - Duration::minutes(5)).await;
    let future_request = owner_booking(&db.owner, &listing, students[2], "pending", at(4, 10, 0)).await;
    let pass = app::booking::reminders::run_once(&db.owner).await.unwrap();
    assert_eq!((pass.holds_expired, pass.requests_expired), (1, 1));
    let status = |id: Uuid| {
        let owner = db.owner.clone();
        async move { sqlx::query_scalar::<_, String>("select status::text from bookings where id = $1").bind(id).fetch_one(&owner).await.unwrap() }
    };
    assert_eq!(status(hold).await, "expired");
    assert_eq!(status(live_hold).await, "hold");
    assert_eq!(status(request).await, "expired");
    assert_eq!(status(future_request).await, "pending");
}

/// A moved session is reminded of its new time: the day-before reminder sent for the old
/// time must not stop the one for the new time.
#[tokio::test]
async fn a_rescheduled_session_is_reminded_of_its_new_time() {
    use app::booking::reminders::run_once;
    let db = TestDb::new().await;
    let org = organization(&db.owner, "moved").await;
    let listing = listing(&db.owner, org, "moved-mentor", "organization").await;
    // Hours around the clock, so a time 14-15 hours from now is always offered.
    sqlx::query("update mentor_weekly_hours set starts = '00:00', ends = '23:30' where mentor_id = $1")
        .bind(listing.mentor)
        .execute(&db.owner)
        .await
        .unwrap();
    let student = signed_in(crowd(&db.owner, org, "moved-student", 1).await[0], org, Role::Student);
    let booking = confirmed(&db, &listing, student.user_id, Duration::hours(23), Duration::days(3)).await;
    assert_eq!(run_once(&db.owner).await.unwrap().day_before, 1);
    assert_eq!(reminders(&db.owner, booking).await.len(), 2);

    // Moved to a half hour 14-15 hours from now: still within a day, a new time to be told about.
    let soon = Utc::now() + Duration::hours(14);
    let minutes = i64::from(chrono::Timelike::minute(&soon));
    let mut new_start = (soon + Duration::minutes(if minutes < 30 { 30 - minutes } else { 60 - minutes })).with_second_zero();
    // A 60-minute session must end by 23:30.
    while chrono::Timelike::hour(&new_start) >= 22 {
        new_start += Duration::minutes(30);
    }
    crate::booking::act(&db.app, &student, |tx, u| Box::pin(bookings::reschedule(tx, u, booking, new_start.to_rfc3339())))
        .await
        .expect("reschedule");
    run_once(&db.owner).await.unwrap();
    let day_reminders = reminders(&db.owner, booking).await.into_iter().filter(|(_, which)| which == "day").count();
    assert_eq!(day_reminders, 4, "the student and the mentor are reminded of the new time too");
}

trait WholeMinute {
    fn with_second_zero(self) -> Self;
}

impl WholeMinute for DateTime<Utc> {
    fn with_second_zero(self) -> Self {
        use chrono::Timelike;
        self.with_second(0).and_then(|t| t.with_nanosecond(0)).expect("a whole minute")
    }
}
