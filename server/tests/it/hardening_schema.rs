//! The hardening migration's rules (20261129000009_hardening.sql), each tried and expected to
//! hold: the guards bind every role that row-level security binds, only triggers write the audit
//! log, the parties to a booking, a mentor and a member change only what is theirs to change, and
//! the SET ROLE mode's login role can do nothing but become the application role.

use crate::fixtures::{as_ctx, sqlstate, tenant};
use crate::support::TestDb;
use app::db::RequestContext;
use sqlx::Connection;
use uuid::Uuid;

/// Runs one statement, binding `id`, as the application role in this context; commits it when it
/// succeeds and returns the rows it touched.
async fn run(db: &TestDb, ctx: RequestContext, statement: &str, id: Uuid) -> Result<u64, sqlx::Error> {
    let mut tx = as_ctx(&db.app, ctx).await;
    let done = sqlx::query(statement).bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

async fn count(db: &TestDb, query: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(query).bind(id).fetch_one(&db.owner).await.unwrap()
}

#[tokio::test]
async fn the_guards_bind_every_role_that_does_not_bypass_row_level_security() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    // A role other than waypoint_app, with its rights (a reporting role, a second service): the
    // guards used to trust any role not named waypoint_app. Roles are cluster-wide: a unique name.
    let other = format!("t_other_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("create role {other} nologin inherit nosuperuser nobypassrls"))
        .execute(&db.owner)
        .await
        .unwrap();
    sqlx::query(&format!("grant waypoint_app to {other}")).execute(&db.owner).await.unwrap();
    let as_other = |ctx: RequestContext, statement: &'static str, id: Uuid| {
        let (owner, other) = (db.owner.clone(), other.clone());
        async move {
            let mut tx = as_ctx(&owner, ctx).await;
            sqlx::query(&format!("set local role {other}")).execute(&mut *tx).await.unwrap();
            let done = sqlx::query(statement).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(done.rows_affected())
        }
    };

    let promoted =
        as_other(acme.student_ctx(), "update users set role = 'org_admin' where id = $1", acme.student).await;
    assert_eq!(sqlstate(promoted), "42501", "users_guard_role binds the other role");
    let suspended =
        as_other(acme.student_ctx(), "update users set status = 'suspended' where id = $1", acme.student).await;
    assert_eq!(sqlstate(suspended), "42501", "users_guard_status binds the other role");
    // What an administrator may do, the other role in an administrator's context still may.
    let made_mentor =
        as_other(acme.org_admin_ctx(), "update users set role = 'mentor' where id = $1", acme.other_student).await;
    assert_eq!(made_mentor.unwrap(), 1);
    // The application role itself is bound exactly as before.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let promoted =
        sqlx::query("update users set role = 'org_admin' where id = $1").bind(acme.student).execute(&mut *tx).await;
    assert_eq!(sqlstate(promoted), "42501");
    drop(tx);

    let roles: Vec<String> = sqlx::query_scalar("select role::text from users where id = any($1) order by username")
        .bind(vec![acme.student, acme.other_student])
        .fetch_all(&db.owner)
        .await
        .unwrap();
    assert_eq!(roles, vec!["student".to_string(), "mentor".to_string()]);
    sqlx::query(&format!("drop role {other}")).execute(&db.owner).await.unwrap();
}

#[tokio::test]
async fn only_the_audit_triggers_write_the_audit_log() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    // Even a row that tells the truth about who acts (which the old policy let through) is refused:
    // the application role has no INSERT on the trail at all.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let truthful = sqlx::query(
        "insert into audit_log (organization_id, actor_user_id, actor_role, table_name, row_id, action)
         values ($1, $2, 'student', 'users', $2, 'update')",
    )
    .bind(acme.org)
    .bind(acme.student)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(truthful), "42501");
    drop(tx);
    let privileges: (bool, bool, bool, bool) = sqlx::query_as(
        "select has_table_privilege('waypoint_app', 'audit_log', 'select'), has_table_privilege('waypoint_app', 'audit_log', 'insert'),
                has_table_privilege('waypoint_app', 'audit_log', 'update'), has_table_privilege('waypoint_app', 'audit_log', 'delete')",
    )
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(privileges, (true, false, false, false), "select only");

    // The triggers still write, as the owner, in the name of whoever acts.
    let changed =
        run(&db, acme.org_admin_ctx(), "update users set status = 'suspended' where id = $1", acme.other_student)
            .await
            .expect("the org admin suspends a student");
    assert_eq!(changed, 1);
    let (actor, actor_role, changed_fields): (Option<Uuid>, String, Vec<String>) = sqlx::query_as(
        "select actor_user_id, actor_role, changed_fields from audit_log
         where table_name = 'users' and row_id = $1 and action = 'update'",
    )
    .bind(acme.other_student)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(
        (actor, actor_role.as_str(), changed_fields),
        (Some(acme.org_admin), "org_admin", vec!["status".to_string()])
    );
    // And administrators still read it.
    let mut tx = as_ctx(&db.app, acme.org_admin_ctx()).await;
    let readable: i64 = sqlx::query_scalar("select count(*) from audit_log where row_id = $1 and action = 'update'")
        .bind(acme.other_student)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(readable, 1);
}

#[tokio::test]
async fn a_student_cancels_their_booking_but_never_prices_confirms_or_moves_it() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let student = acme.student_ctx();
    // The fixture booking is pending, 4000 USD.
    let refused = [
        ("the price", "update bookings set price_minor = 1 where id = $1"),
        ("the currency", "update bookings set currency = 'EUR' where id = $1"),
        ("the mentor", "update bookings set mentor_id = gen_random_uuid() where id = $1"),
        ("the status, to confirmed", "update bookings set status = 'confirmed' where id = $1"),
        ("the status, to completed", "update bookings set status = 'completed' where id = $1"),
        (
            "the time",
            "update bookings set scheduled_at = scheduled_at + interval '1 hour', ends_at = ends_at + interval '1 hour' where id = $1",
        ),
        ("the meeting link", "update bookings set meeting_url = 'https://evil.example' where id = $1"),
        ("deleted_at", "update bookings set deleted_at = now() where id = $1"),
    ];
    for (what, statement) in refused {
        assert_eq!(sqlstate(run(&db, student, statement, acme.booking).await), "42501", "the student changes {what}");
    }
    // Nor is a session booked already confirmed (a new booking is a hold the student confirms).
    let mut tx = as_ctx(&db.app, student).await;
    let confirmed = sqlx::query(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, scheduled_at, ends_at, status)
         values ($1, $2, $3, $4, '2031-01-01 10:00Z', '2031-01-01 11:00Z', 'confirmed')",
    )
    .bind(acme.org)
    .bind(acme.mentor)
    .bind(acme.student)
    .bind(acme.session_type)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(confirmed), "42501");
    drop(tx);
    // Nobody else's booking is theirs to touch.
    let classmate =
        run(&db, acme.other_student_ctx(), "update bookings set status = 'cancelled' where id = $1", acme.booking)
            .await;
    assert_eq!(classmate.unwrap(), 0);

    // What the student may do: the topic while it is live, and cancelling it.
    run(&db, student, "update bookings set topic = 'Nursing placements' where id = $1", acme.booking)
        .await
        .expect("the student edits the topic");
    let cancelled = run(
        &db,
        student,
        "update bookings set status = 'cancelled', cancelled_at = now(), cancellation_reason = 'Exam clash' where id = $1",
        acme.booking,
    )
    .await
    .expect("the student cancels their own booking");
    assert_eq!(cancelled, 1);
    let reopened = run(&db, student, "update bookings set status = 'pending' where id = $1", acme.booking).await;
    assert_eq!(sqlstate(reopened), "42501", "a cancelled booking stays cancelled");

    let (status, price, currency): (String, i64, String) =
        sqlx::query_as("select status::text, price_minor, currency::text from bookings where id = $1")
            .bind(acme.booking)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!((status.as_str(), price, currency.as_str()), ("cancelled", 4000, "USD"));
    let audited = count(
        &db,
        "select count(*) from audit_log where table_name = 'bookings' and row_id = $1 and 'status' = any(changed_fields)",
        acme.booking,
    )
    .await;
    assert_eq!(audited, 1, "the cancellation is in the trail");
}

#[tokio::test]
async fn a_mentor_moves_their_booking_only_through_the_allowed_transitions() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let mentor = acme.mentor_ctx();
    let refused = [
        ("the price", "update bookings set price_minor = 99999 where id = $1"),
        ("the student", "update bookings set student_id = gen_random_uuid() where id = $1"),
        ("pending to completed", "update bookings set status = 'completed' where id = $1"),
        ("pending to no-show", "update bookings set status = 'no_show' where id = $1"),
        ("cancelled_at without cancelling", "update bookings set cancelled_at = now() where id = $1"),
        ("metadata", "update bookings set metadata = '{\"paid\": true}' where id = $1"),
    ];
    for (what, statement) in refused {
        assert_eq!(sqlstate(run(&db, mentor, statement, acme.booking).await), "42501", "the mentor changes {what}");
    }
    // Not even the organization's administrator changes what a booking costs.
    let admin_price =
        run(&db, acme.org_admin_ctx(), "update bookings set price_minor = 1 where id = $1", acme.booking).await;
    assert_eq!(sqlstate(admin_price), "42501");

    run(
        &db,
        mentor,
        "update bookings set status = 'confirmed', meeting_url = 'https://meet.example/abc' where id = $1",
        acme.booking,
    )
    .await
    .expect("the mentor confirms with a meeting link");
    let early = run(&db, mentor, "update bookings set status = 'completed' where id = $1", acme.booking).await;
    assert_eq!(sqlstate(early), "23514", "a session is completed only once it has started");
    sqlx::query("update bookings set scheduled_at = now() - interval '1 hour', ends_at = now() where id = $1")
        .bind(acme.booking)
        .execute(&db.owner)
        .await
        .unwrap();
    run(
        &db,
        mentor,
        "update bookings set status = 'completed', notes_ciphertext = '\\x0102', notes_key_id = 'k1' where id = $1",
        acme.booking,
    )
    .await
    .expect("the mentor completes it and keeps notes");
    let student_cancel = run(
        &db,
        acme.student_ctx(),
        "update bookings set status = 'cancelled', cancelled_at = now() where id = $1",
        acme.booking,
    )
    .await;
    assert_eq!(sqlstate(student_cancel), "42501", "a completed session cannot be cancelled by the student");
    let (status, price): (String, i64) = sqlx::query_as("select status::text, price_minor from bookings where id = $1")
        .bind(acme.booking)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!((status.as_str(), price), ("completed", 4000));
}

#[tokio::test]
async fn a_mentor_edits_their_listing_but_never_their_rating_or_flags() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let mentor = acme.mentor_ctx();
    let refused = [
        ("rating_average", "update mentors set rating_average = 5 where id = $1"),
        ("rating_count", "update mentors set rating_count = 500 where id = $1"),
        ("metadata", "update mentors set metadata = '{\"verified\": true}' where id = $1"),
        ("user_id", "update mentors set user_id = gen_random_uuid() where id = $1"),
        ("deleted_at without retiring", "update mentors set deleted_at = now() where id = $1"),
    ];
    for (what, statement) in refused {
        assert_eq!(sqlstate(run(&db, mentor, statement, acme.mentor).await), "42501", "the mentor changes {what}");
    }
    run(
        &db,
        mentor,
        "update mentors set bio = 'RN, educator', expertise_areas = '{nursing,education}', hourly_rate_minor = 4500,
                time_zone = 'Europe/Lisbon' where id = $1",
        acme.mentor,
    )
    .await
    .expect("the mentor edits what they offer");
    run(&db, mentor, "update mentors set status = 'paused' where id = $1", acme.mentor).await.expect("pauses");
    run(&db, mentor, "update mentors set status = 'active' where id = $1", acme.mentor).await.expect("resumes");
    // Someone whose mentor role was taken away cannot bring their paused listing back.
    sqlx::query("update mentors set status = 'paused' where id = $1")
        .bind(acme.mentor)
        .execute(&db.owner)
        .await
        .unwrap();
    let ex_mentor = RequestContext::member(acme.mentor_user, acme.org, app::domain::Role::Student);
    let resumed = run(&db, ex_mentor, "update mentors set status = 'active' where id = $1", acme.mentor).await;
    assert_eq!(sqlstate(resumed), "42501");
    // Administrators set ratings.
    run(
        &db,
        acme.org_admin_ctx(),
        "update mentors set rating_average = 4.5, rating_count = 2 where id = $1",
        acme.mentor,
    )
    .await
    .expect("the org admin sets a rating");
    let (rating_count, hourly_rate, status): (i32, i64, String) =
        sqlx::query_as("select rating_count, hourly_rate_minor, status::text from mentors where id = $1")
            .bind(acme.mentor)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!((rating_count, hourly_rate, status.as_str()), (2, 4500, "paused"));
}

#[tokio::test]
async fn members_notify_only_themselves_and_a_booking_party_notifies_the_other() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let notify = |ctx: RequestContext, recipient: Uuid| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            let done = sqlx::query(
                "insert into notifications (user_id, organization_id, kind, title) values ($1, $2, 'payment', 'Your payment failed')",
            )
            .bind(recipient)
            .bind(acme.org)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(done.rows_affected())
        }
    };
    assert_eq!(sqlstate(notify(acme.student_ctx(), acme.other_student).await), "42501", "a student, a classmate");
    assert_eq!(sqlstate(notify(acme.mentor_ctx(), acme.student).await), "42501", "a mentor, directly");
    assert_eq!(notify(acme.student_ctx(), acme.student).await.unwrap(), 1, "oneself");
    assert_eq!(notify(acme.org_admin_ctx(), acme.student).await.unwrap(), 1, "the organization's admin");

    // A party to a booking notifies the other party through the database's own function.
    let mut tx = as_ctx(&db.app, acme.mentor_ctx()).await;
    let sent: Option<Uuid> =
        sqlx::query_scalar("select notify_booking_counterpart($1, 'Session confirmed', 'See you then', '{}'::jsonb)")
            .bind(acme.booking)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let sent = sent.expect("the mentor is a party");
    let (recipient, kind): (Uuid, String) =
        sqlx::query_as("select user_id, kind::text from notifications where id = $1")
            .bind(sent)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!((recipient, kind.as_str()), (acme.student, "booking"));
    // Someone who is not a party gets nothing sent.
    let mut tx = as_ctx(&db.app, acme.other_student_ctx()).await;
    let not_sent: Option<Uuid> =
        sqlx::query_scalar("select notify_booking_counterpart($1, 'Cancelled', '', '{}'::jsonb)")
            .bind(acme.booking)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(not_sent, None);
}

#[tokio::test]
async fn the_set_role_login_role_can_only_become_the_app_role() {
    let db = TestDb::new().await;
    tenant(&db.owner, "acme").await;
    let (login, inherit, superuser, bypass, createdb, createrole): (bool, bool, bool, bool, bool, bool) =
        sqlx::query_as(
            "select rolcanlogin, rolinherit, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole
         from pg_roles where rolname = 'waypoint_login'",
        )
        .fetch_one(&db.owner)
        .await
        .expect("waypoint_login exists");
    assert!(login && !inherit && !superuser && !bypass && !createdb && !createrole);
    let memberships: Vec<String> = sqlx::query_scalar(
        "select roleid::regrole::text from pg_auth_members where member = 'waypoint_login'::regrole",
    )
    .fetch_all(&db.owner)
    .await
    .unwrap();
    assert_eq!(memberships, vec!["waypoint_app".to_string()]);
    let owned: i64 = sqlx::query_scalar(
        "select (select count(*) from pg_class where relowner = 'waypoint_login'::regrole)
              + (select count(*) from pg_proc where proowner = 'waypoint_login'::regrole)
              + (select count(*) from pg_namespace where nspowner = 'waypoint_login'::regrole)",
    )
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(owned, 0, "waypoint_login owns nothing");

    let mut connection = sqlx::PgConnection::connect_with(&db.owner_options.clone().username("waypoint_login"))
        .await
        .expect("waypoint_login signs in over the test cluster's trusted socket");
    // NOINHERIT: nothing is readable until it becomes the application role...
    assert_eq!(sqlstate(sqlx::query("select count(*) from bookings").fetch_one(&mut connection).await), "42501");
    sqlx::query("set role waypoint_app").execute(&mut connection).await.expect("it may become waypoint_app");
    let (current, session): (String, String) =
        sqlx::query_as("select current_user::text, session_user::text").fetch_one(&mut connection).await.unwrap();
    assert_eq!((current.as_str(), session.as_str()), ("waypoint_app", "waypoint_login"));
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&mut connection).await.unwrap();
    assert_eq!(users, 0, "row-level security binds it, with no request context");
    // ...and stepping back out leaves a role that can do nothing.
    sqlx::query("reset role").execute(&mut connection).await.unwrap();
    assert_eq!(sqlstate(sqlx::query("select count(*) from users").fetch_one(&mut connection).await), "42501");
    connection.close().await.ok();
}
