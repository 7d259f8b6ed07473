//! The schema's rules, each tried and expected to hold: the database refuses what the product
//! must never store, whatever the code above it does.

use crate::fixtures::{as_ctx, sqlstate, tenant, user, HASH};
use crate::support::TestDb;
use app::domain::Role;
use app::db::RequestContext;
use uuid::Uuid;

const TABLES: [&str; 16] = [
    "organizations",
    "users",
    "user_profiles",
    "mentors",
    "assessments",
    "assessment_questions",
    "assessment_results",
    "bookings",
    "payments",
    "subscriptions",
    "career_roadmaps",
    "roadmap_steps",
    "resources",
    "user_progress",
    "notifications",
    "audit_log",
];

/// Tables holding a user's or a tenant's private rows, with the column naming the tenant.
const PRIVATE_TABLES: [&str; 13] = [
    "users",
    "user_profiles",
    "mentors",
    "assessment_results",
    "bookings",
    "payments",
    "subscriptions",
    "career_roadmaps",
    "roadmap_steps",
    "user_progress",
    "notifications",
    "audit_log",
    "assessments",
];

#[tokio::test]
async fn every_table_has_uuid_key_and_timestamps() {
    let db = TestDb::new().await;
    for table in TABLES {
        let columns: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "select column_name::text, data_type::text, column_default::text from information_schema.columns
             where table_schema = 'public' and table_name = $1",
        )
        .bind(table)
        .fetch_all(&db.owner)
        .await
        .unwrap();
        let find = |name: &str| columns.iter().find(|(column, _, _)| column == name).cloned();
        let (_, id_type, id_default) = find("id").unwrap_or_else(|| panic!("{table} has no id"));
        assert_eq!(id_type, "uuid", "{table}.id");
        assert_eq!(id_default.as_deref(), Some("gen_random_uuid()"), "{table}.id default");
        for column in ["created_at", "updated_at", "deleted_at"] {
            let (_, data_type, _) = find(column).unwrap_or_else(|| panic!("{table} has no {column}"));
            assert_eq!(data_type, "timestamp with time zone", "{table}.{column}");
        }
        let primary_key: String = sqlx::query_scalar(
            "select a.attname::text from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
             where i.indrelid = $1::regclass and i.indisprimary",
        )
        .bind(table)
        .fetch_one(&db.owner)
        .await
        .unwrap();
        assert_eq!(primary_key, "id", "{table} primary key");
    }
}

#[tokio::test]
async fn updated_at_is_kept_by_a_trigger() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let before: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("select updated_at from users where id = $1")
        .bind(acme.student)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    // The statement does not mention updated_at; the trigger moves it anyway.
    sqlx::query("update users set first_name = 'Renamed' where id = $1")
        .bind(acme.student)
        .execute(&db.owner)
        .await
        .unwrap();
    let after: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("select updated_at from users where id = $1")
        .bind(acme.student)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert!(after > before, "updated_at moved from {before} to {after}");
}

#[tokio::test]
async fn email_and_username_are_unique_whatever_their_case() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    let insert = |org: Uuid, email: &'static str, username: &'static str| {
        sqlx::query(
            "insert into users (organization_id, email, username, password_hash, first_name, last_name) values ($1, $2, $3, $4, 'A', 'B')",
        )
        .bind(org)
        .bind(email)
        .bind(username)
        .bind(HASH)
        .execute(&db.owner)
    };
    insert(acme.org, "Ada@Example.org", "ada").await.unwrap();
    // Another case, even in another organization: the same person.
    assert_eq!(sqlstate(insert(globex.org, "ada@EXAMPLE.ORG", "ada2").await), "23505");
    assert_eq!(sqlstate(insert(globex.org, "other@example.org", "ADA").await), "23505");
    // A soft-deleted account frees its email and username.
    sqlx::query("update users set deleted_at = now() where email = 'ada@example.org'")
        .execute(&db.owner)
        .await
        .unwrap();
    insert(globex.org, "ADA@example.org", "Ada").await.unwrap();
}

#[tokio::test]
async fn malformed_values_are_refused() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let bad_users = [
        ("no-at-sign", "valid_name", HASH),
        ("a@example.org", "no spaces allowed", HASH),
        ("b@example.org", "plainhash", "bcrypt$2b$not-argon"),
    ];
    for (email, username, hash) in bad_users {
        let result = sqlx::query(
            "insert into users (organization_id, email, username, password_hash, first_name, last_name) values ($1, $2, $3, $4, 'A', 'B')",
        )
        .bind(acme.org)
        .bind(email)
        .bind(username)
        .bind(hash)
        .execute(&db.owner)
        .await;
        assert_eq!(sqlstate(result), "23514", "{email} / {username} / {hash}");
    }
    // Statuses are enums: an unknown one is not a value at all.
    let unknown_status =
        sqlx::query("update bookings set status = 'maybe' where id = $1").bind(acme.booking).execute(&db.owner).await;
    assert_eq!(sqlstate(unknown_status), "22P02");
    // Money: positive amounts in a known currency shape, paying for exactly one thing.
    let pay = |amount: i64, currency: &'static str, booking: Option<Uuid>| {
        sqlx::query(
            "insert into payments (user_id, organization_id, booking_id, amount_minor, currency) values ($1, $2, $3, $4, $5)",
        )
        .bind(acme.student)
        .bind(acme.org)
        .bind(booking)
        .bind(amount)
        .bind(currency)
        .execute(&db.owner)
    };
    assert_eq!(sqlstate(pay(-5, "USD", Some(acme.booking)).await), "23514", "negative amount");
    assert_eq!(sqlstate(pay(500, "usd", Some(acme.booking)).await), "23514", "lowercase currency");
    assert_eq!(sqlstate(pay(500, "USD", None).await), "23514", "pays for nothing");
    // The fixture's booking is paid already, and a booking has one live payment: the old one is
    // given up (soft-deleted) for this check.
    sqlx::query("update payments set deleted_at = now() where booking_id = $1").bind(acme.booking).execute(&db.owner).await.unwrap();
    pay(500, "USD", Some(acme.booking)).await.expect("a well-formed payment is accepted");
    // Refunds never exceed the amount.
    let over_refund = sqlx::query("update payments set refunded_minor = amount_minor + 1 where booking_id = $1")
        .bind(acme.booking)
        .execute(&db.owner)
        .await;
    assert_eq!(sqlstate(over_refund), "23514");
}

#[tokio::test]
async fn orphans_and_cross_tenant_references_are_refused() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    let book = |org: Uuid, mentor: Uuid, student: Uuid| {
        sqlx::query(
            "insert into bookings (organization_id, mentor_id, student_id, scheduled_at, ends_at)
             values ($1, $2, $3, '2031-01-01 09:00Z', '2031-01-01 10:00Z')",
        )
        .bind(org)
        .bind(mentor)
        .bind(student)
        .execute(&db.owner)
    };
    assert_eq!(sqlstate(book(acme.org, Uuid::new_v4(), acme.student).await), "23503", "no such mentor");
    assert_eq!(sqlstate(book(acme.org, acme.mentor, Uuid::new_v4()).await), "23503", "no such student");
    // A student of another organization cannot be booked with this one's mentor.
    assert_eq!(sqlstate(book(acme.org, acme.mentor, globex.student).await), "23503", "cross-tenant student");
    let orphan_profile = sqlx::query("insert into user_profiles (user_id, organization_id) values ($1, $2)")
        .bind(Uuid::new_v4())
        .bind(acme.org)
        .execute(&db.owner)
        .await;
    assert_eq!(sqlstate(orphan_profile), "23503");
    let orphan_step = sqlx::query(
        "insert into roadmap_steps (roadmap_id, organization_id, position, title) values ($1, $2, 9, 'Lost')",
    )
    .bind(globex.roadmap)
    .bind(acme.org)
    .execute(&db.owner)
    .await;
    assert_eq!(sqlstate(orphan_step), "23503", "a step cannot join another tenant's roadmap");
    // A user with history cannot be hard-deleted out from under it.
    let delete_user = sqlx::query("delete from users where id = $1").bind(acme.student).execute(&db.owner).await;
    assert_eq!(sqlstate(delete_user), "23503");
}

#[tokio::test]
async fn a_mentors_and_a_students_live_sessions_never_overlap() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    // The fixture booking is 10:00-11:00 on 2030-03-01, pending.
    let second_mentor_user = user(&db.owner, acme.org, "acme-mentor2", "mentor").await;
    let second_mentor: Uuid =
        sqlx::query_scalar("insert into mentors (user_id, organization_id) values ($1, $2) returning id")
            .bind(second_mentor_user)
            .bind(acme.org)
            .fetch_one(&db.owner)
            .await
            .unwrap();

    let second_type: Uuid = sqlx::query_scalar(
        "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes) values ($1, $2, 'Quick chat', 15) returning id",
    )
    .bind(second_mentor)
    .bind(acme.org)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    // A student books by holding a slot of one of the mentor's session types; its length (and
    // so its end) comes from the session type: 60 minutes with acme's mentor, 15 with the second.
    let try_book = |ctx: RequestContext, mentor: Uuid, kind: Uuid, student: Uuid, from: &'static str| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            let result = sqlx::query(
                "insert into bookings (organization_id, mentor_id, session_type_id, student_id, scheduled_at, ends_at,
                                       status, hold_expires_at)
                 values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '1 minute', 'hold', now() + interval '10 minutes')",
            )
            .bind(acme.org)
            .bind(mentor)
            .bind(kind)
            .bind(student)
            .bind(from)
            .execute(&mut *tx)
            .await;
            if result.is_ok() {
                tx.commit().await.unwrap();
            }
            result
        }
    };
    let other = acme.other_student_ctx();
    // Same mentor, overlapping half an hour, another student: refused.
    let overlap = try_book(other, acme.mentor, acme.session_type, acme.other_student, "2030-03-01 10:30Z").await;
    assert_eq!(sqlstate(overlap), "23P01");
    // Same student, another mentor, overlapping: refused too.
    let student_overlap =
        try_book(acme.student_ctx(), second_mentor, second_type, acme.student, "2030-03-01 10:59Z").await;
    assert_eq!(sqlstate(student_overlap), "23P01");
    // Back to back is fine: ranges are half-open.
    try_book(other, acme.mentor, acme.session_type, acme.other_student, "2030-03-01 11:00Z").await.unwrap();
    // Once cancelled, the slot is free again.
    sqlx::query("update bookings set status = 'cancelled', cancelled_at = now() where id = $1")
        .bind(acme.booking)
        .execute(&db.owner)
        .await
        .unwrap();
    try_book(other, second_mentor, second_type, acme.other_student, "2030-03-01 09:45Z").await.unwrap();
    try_book(acme.student_ctx(), acme.mentor, acme.session_type, acme.student, "2030-03-01 10:00Z").await.unwrap();

    // However many requests race for one slot, exactly one wins.
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let app = db.app.clone();
            let ctx = acme.other_student_ctx();
            let (org, mentor, kind, student) = (acme.org, second_mentor, second_type, acme.other_student);
            tokio::spawn(async move {
                let mut tx = as_ctx(&app, ctx).await;
                let result = sqlx::query(
                    "insert into bookings (organization_id, mentor_id, session_type_id, student_id, scheduled_at, ends_at,
                                           status, hold_expires_at)
                     values ($1, $2, $3, $4, '2030-04-01 15:00Z', '2030-04-01 15:15Z', 'hold', now() + interval '10 minutes')",
                )
                .bind(org)
                .bind(mentor)
                .bind(kind)
                .bind(student)
                .execute(&mut *tx)
                .await;
                match result {
                    Ok(_) => tx.commit().await.map(|_| true).unwrap_or(false),
                    Err(_) => false,
                }
            })
        })
        .collect();
    let mut winners = 0;
    for racer in racers {
        winners += usize::from(racer.await.unwrap());
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn row_level_security_is_enabled_and_forced_and_the_app_role_is_bound_by_it() {
    let db = TestDb::new().await;
    for table in PRIVATE_TABLES
        .iter()
        .chain(["organizations", "resources", "assessment_questions", "mentor_applications"].iter())
    {
        let (enabled, forced): (bool, bool) =
            sqlx::query_as("select relrowsecurity, relforcerowsecurity from pg_class where oid = $1::regclass")
                .bind(table)
                .fetch_one(&db.owner)
                .await
                .unwrap();
        assert!(enabled && forced, "{table}: enabled={enabled} forced={forced}");
        let policies: i64 = sqlx::query_scalar("select count(*) from pg_policies where tablename = $1")
            .bind(table)
            .fetch_one(&db.owner)
            .await
            .unwrap();
        assert!(policies > 0, "{table} has no policies");
    }
    let (current, superuser, bypass): (String, bool, bool) =
        sqlx::query_as("select current_user::text, rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&db.app)
            .await
            .unwrap();
    assert_eq!(current, "waypoint_app");
    assert!(!superuser && !bypass);
    let owns_anything: i64 = sqlx::query_scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'tower_sessions') and pg_get_userbyid(c.relowner) = 'waypoint_app'",
    )
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(owns_anything, 0, "the application role owns no table");
}

/// Counts the rows of `table` in `org` that this context can see.
async fn visible(db: &TestDb, ctx: RequestContext, table: &str, org: Uuid) -> i64 {
    let mut tx = as_ctx(&db.app, ctx).await;
    sqlx::query_scalar(&format!("select count(*) from {table} where organization_id = $1"))
        .bind(org)
        .fetch_one(&mut *tx)
        .await
        .unwrap_or_else(|error| panic!("{table}: {error}"))
}

#[tokio::test]
async fn no_one_reads_another_tenants_rows() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    // A change, so the audit log holds rows in both organizations.
    sqlx::query("update bookings set status = 'confirmed' where organization_id in ($1, $2)")
        .bind(acme.org)
        .bind(globex.org)
        .execute(&db.owner)
        .await
        .unwrap();
    let contexts = [
        ("student", globex.student_ctx()),
        ("mentor", globex.mentor_ctx()),
        ("org_admin", globex.org_admin_ctx()),
        ("anonymous", RequestContext::anonymous()),
    ];
    for (who, ctx) in contexts {
        for table in PRIVATE_TABLES {
            assert_eq!(visible(&db, ctx, table, acme.org).await, 0, "{who} of globex read acme's {table}");
        }
        let orgs: i64 = {
            let mut tx = as_ctx(&db.app, ctx).await;
            sqlx::query_scalar("select count(*) from organizations where id = $1")
                .bind(acme.org)
                .fetch_one(&mut *tx)
                .await
                .unwrap()
        };
        assert_eq!(orgs, 0, "{who} of globex read acme's organization");
    }
    // Inside their own organization, each role sees what it should.
    let admin = globex.org_admin_ctx();
    // A member's roadmap and progress are theirs: their organization's administrators see
    // aggregates (and a roadmap only once its owner shares it), never the rows (issue 17).
    const PERSONAL_PLANS: [&str; 3] = ["career_roadmaps", "roadmap_steps", "user_progress"];
    for table in PRIVATE_TABLES {
        if PERSONAL_PLANS.contains(&table) {
            assert_eq!(visible(&db, admin, table, globex.org).await, 0, "org admin doesn't read a member's {table}");
        } else {
            assert!(visible(&db, admin, table, globex.org).await > 0, "org admin sees their own {table}");
        }
    }
    let student = globex.student_ctx();
    assert_eq!(visible(&db, student, "payments", globex.org).await, 1, "a student sees their own payment");
    assert_eq!(visible(&db, globex.other_student_ctx(), "payments", globex.org).await, 0, "not a classmate's");
    assert_eq!(visible(&db, globex.other_student_ctx(), "assessment_results", globex.org).await, 0);
    assert_eq!(visible(&db, globex.other_student_ctx(), "bookings", globex.org).await, 0);
    assert_eq!(visible(&db, globex.mentor_ctx(), "bookings", globex.org).await, 1, "the mentor sees their session");
    assert_eq!(visible(&db, student, "audit_log", globex.org).await, 0, "students don't read the audit log");
    // The platform administrator sees across organizations.
    let platform = RequestContext::member(globex.org_admin, globex.org, Role::Admin);
    assert!(visible(&db, platform, "users", acme.org).await > 0);
}

#[tokio::test]
async fn no_one_writes_into_another_tenant() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;

    let mut tx = as_ctx(&db.app, globex.org_admin_ctx()).await;
    let planted = sqlx::query(
        "insert into users (organization_id, email, username, password_hash, first_name, last_name) values ($1, 'spy@example.org', 'spy', $2, 'S', 'Py')",
    )
    .bind(acme.org)
    .bind(HASH)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(planted), "42501", "an org admin cannot add users to another organization");
    drop(tx);

    let mut tx = as_ctx(&db.app, globex.org_admin_ctx()).await;
    let changed = sqlx::query("update users set first_name = 'Hacked' where organization_id = $1")
        .bind(acme.org)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let deleted = sqlx::query("delete from notifications where organization_id = $1")
        .bind(acme.org)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 0);
    tx.commit().await.unwrap();

    // Moving one's own row into another organization is refused too.
    let mut tx = as_ctx(&db.app, globex.student_ctx()).await;
    let moved = sqlx::query("update user_profiles set organization_id = $1 where user_id = $2")
        .bind(acme.org)
        .bind(globex.student)
        .execute(&mut *tx)
        .await;
    assert!(moved.is_err(), "a profile cannot move tenants");
    drop(tx);

    let names: Vec<String> = sqlx::query_scalar("select first_name from users where organization_id = $1")
        .bind(acme.org)
        .fetch_all(&db.owner)
        .await
        .unwrap();
    assert!(!names.iter().any(|name| name == "Hacked"));
}

#[tokio::test]
async fn only_administrators_change_roles() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let promoted =
        sqlx::query("update users set role = 'org_admin' where id = $1").bind(acme.student).execute(&mut *tx).await;
    assert_eq!(sqlstate(promoted), "42501", "a student cannot promote themselves");
    drop(tx);

    // Signing up as the new user's own context: a student, never more.
    let newcomer = Uuid::new_v4();
    let ctx = RequestContext::member(newcomer, acme.org, Role::Student);
    let mut tx = as_ctx(&db.app, ctx).await;
    let as_admin = sqlx::query(
        "insert into users (id, organization_id, email, username, password_hash, first_name, last_name, role)
         values ($1, $2, 'new@example.org', 'newcomer', $3, 'N', 'C', 'admin')",
    )
    .bind(newcomer)
    .bind(acme.org)
    .bind(HASH)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(as_admin), "42501");
    drop(tx);
    let mut tx = as_ctx(&db.app, ctx).await;
    sqlx::query(
        "insert into users (id, organization_id, email, username, password_hash, first_name, last_name)
         values ($1, $2, 'new@example.org', 'newcomer', $3, 'N', 'C')",
    )
    .bind(newcomer)
    .bind(acme.org)
    .bind(HASH)
    .execute(&mut *tx)
    .await
    .expect("signing up as a student in one's own context works");
    tx.commit().await.unwrap();

    // The organization's admin may make a mentor, but not a platform admin.
    let mut tx = as_ctx(&db.app, acme.org_admin_ctx()).await;
    sqlx::query("update users set role = 'mentor' where id = $1").bind(newcomer).execute(&mut *tx).await.unwrap();
    let to_admin = sqlx::query("update users set role = 'admin' where id = $1").bind(newcomer).execute(&mut *tx).await;
    assert_eq!(sqlstate(to_admin), "42501");
}

#[tokio::test]
async fn changes_are_audited_and_the_audit_log_cannot_be_changed() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;

    let mut tx = as_ctx(&db.app, acme.org_admin_ctx()).await;
    sqlx::query("update users set role = 'mentor', status = 'suspended' where id = $1")
        .bind(acme.student)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update bookings set status = 'confirmed' where id = $1")
        .bind(acme.booking)
        .execute(&mut *tx)
        .await
        .unwrap();
    // A change to a column the trail does not follow (a name) writes nothing.
    sqlx::query("update users set first_name = 'Samuel' where id = $1")
        .bind(acme.other_student)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let (actor, actor_role, old, new, changed): (
        Option<Uuid>,
        String,
        serde_json::Value,
        serde_json::Value,
        Vec<String>,
    ) = sqlx::query_as(
        "select actor_user_id, actor_role, old_data, new_data, changed_fields from audit_log
             where table_name = 'users' and row_id = $1 and action = 'update'",
    )
    .bind(acme.student)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(actor, Some(acme.org_admin));
    assert_eq!(actor_role, "org_admin");
    assert_eq!(old["role"], "student");
    assert_eq!(new["role"], "mentor");
    assert_eq!(new["status"], "suspended");
    assert_eq!(changed, vec!["role".to_string(), "status".to_string()]);
    assert!(new.get("password_hash").is_none(), "password hashes never reach the audit log");
    let booking_changes: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where table_name = 'bookings' and row_id = $1 and action = 'update' and 'status' = any(changed_fields)",
    )
    .bind(acme.booking)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(booking_changes, 1);
    let name_changes: i64 =
        sqlx::query_scalar("select count(*) from audit_log where row_id = $1 and action = 'update'")
            .bind(acme.other_student)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!(name_changes, 0);

    // The application role, even as platform admin, can neither change nor remove the trail.
    let platform = RequestContext::member(acme.org_admin, acme.org, Role::Admin);
    let mut tx = as_ctx(&db.app, platform).await;
    assert_eq!(sqlstate(sqlx::query("delete from audit_log").execute(&mut *tx).await), "42501");
    drop(tx);
    let mut tx = as_ctx(&db.app, platform).await;
    assert_eq!(sqlstate(sqlx::query("update audit_log set actor_role = 'nobody'").execute(&mut *tx).await), "42501");
    drop(tx);
    // Nor can it write history in someone else's name.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let forged = sqlx::query(
        "insert into audit_log (organization_id, actor_user_id, actor_role, table_name, row_id, action)
         values ($1, $2, 'org_admin', 'users', $3, 'update')",
    )
    .bind(acme.org)
    .bind(acme.org_admin)
    .bind(acme.student)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(forged), "42501", "a row attributed to another actor is refused");
    drop(tx);
    // A student's own change to their booking is still recorded in their name.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    sqlx::query("update bookings set topic = 'Nursing placements' where id = $1")
        .bind(acme.booking)
        .execute(&mut *tx)
        .await
        .expect("the student updates their own booking, and the trigger audits it");
    tx.commit().await.unwrap();
    let student_rows: i64 =
        sqlx::query_scalar("select count(*) from audit_log where actor_user_id = $1 and 'topic' = any(changed_fields)")
            .bind(acme.student)
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!(student_rows, 1);
    // Nor can the owner change it: the trail is append-only for everyone.
    assert_eq!(sqlstate(sqlx::query("delete from audit_log").execute(&db.owner).await), "42501");
    assert_eq!(sqlstate(sqlx::query("truncate audit_log").execute(&db.owner).await), "42501");
    let rows: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&db.owner).await.unwrap();
    assert!(rows >= 3);
}

#[tokio::test]
async fn full_text_search_finds_resources_mentors_and_people() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    sqlx::query(
        "insert into resources (slug, title, description, content, resource_type, status, published_at, tags) values
         ('interview-basics', 'Interviewing with confidence', 'Prepare answers to common questions', 'Practise aloud.', 'article', 'published', now(), '{interviews}'),
         ('welding-intro', 'An introduction to welding', 'Safety first', 'Arc and MIG welding explained.', 'video', 'published', now(), '{trades}')",
    )
    .execute(&db.owner)
    .await
    .unwrap();
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    // Stemming: "interviews" finds "Interviewing"; the title outranks the body. (The starter
    // library, in every database, is left out: its interview guides match too.)
    let found: Vec<String> = sqlx::query_scalar(
        "select slug::text from resources where search @@ websearch_to_tsquery('english', 'interviews')
            and not metadata ? 'starter'
         order by ts_rank(search, websearch_to_tsquery('english', 'interviews')) desc",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(found, vec!["interview-basics".to_string()]);
    let mentors: i64 =
        sqlx::query_scalar("select count(*) from mentors where search @@ websearch_to_tsquery('english', 'nurse')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(mentors, 1, "expertise 'nursing' and bio 'Nurse' match 'nurse'");
    let people: i64 =
        sqlx::query_scalar("select count(*) from users where search @@ plainto_tsquery('simple', 'tester')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(people, 3, "the student sees themselves and their organization's mentor and admin, not a classmate");
    drop(tx);

    for (table, index) in
        [("resources", "resources_search_idx"), ("mentors", "mentors_search_idx"), ("users", "users_search_idx")]
    {
        let method: String = sqlx::query_scalar(
            "select am.amname::text from pg_class i join pg_am am on am.oid = i.relam join pg_index x on x.indexrelid = i.oid
             where i.relname = $1 and x.indrelid = $2::regclass",
        )
        .bind(index)
        .bind(table)
        .fetch_one(&db.owner)
        .await
        .unwrap();
        assert_eq!(method, "gin", "{index}");
    }
}

#[tokio::test]
async fn the_seeds_performance_indexes_exist() {
    let db = TestDb::new().await;
    let expected = [
        ("users", "email"),
        ("users", "username"),
        ("users", "role"),
        ("users", "created_at"),
        ("bookings", "mentor_id"),
        ("bookings", "student_id"),
        ("bookings", "status"),
        ("bookings", "scheduled_at"),
        ("payments", "user_id"),
        ("payments", "status"),
        ("payments", "created_at"),
        ("assessment_results", "user_id"),
        ("assessment_results", "assessment_id"),
        ("assessment_results", "created_at"),
    ];
    for (table, column) in expected {
        let leading: i64 = sqlx::query_scalar(
            "select count(*) from pg_index x join pg_attribute a on a.attrelid = x.indrelid and a.attnum = x.indkey[0]
             where x.indrelid = $1::regclass and a.attname = $2",
        )
        .bind(table)
        .bind(column)
        .fetch_one(&db.owner)
        .await
        .unwrap();
        assert!(leading > 0, "no index leads with {table}.{column}");
    }
}

#[tokio::test]
async fn anonymous_visitors_see_public_figures_but_no_rows() {
    let db = TestDb::new().await;
    tenant(&db.owner, "acme").await;
    tenant(&db.owner, "globex").await;
    let (organizations, mentors): (i64, i64) =
        sqlx::query_as("select organizations, mentors from public_platform_stats()").fetch_one(&db.app).await.unwrap();
    assert_eq!((organizations, mentors), (2, 2));
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&db.app).await.unwrap();
    assert_eq!(users, 0);
    let public_orgs: Vec<String> =
        sqlx::query_scalar("select slug::text from organizations").fetch_all(&db.app).await.unwrap();
    assert_eq!(public_orgs, vec!["community".to_string()], "only the public organization is listed");
}

// Accounts: password hashes, the directory, mentor applications, account status -----------------

#[tokio::test]
async fn the_app_role_never_reads_a_password_hash() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let platform = RequestContext::member(acme.org_admin, acme.org, Role::Admin);
    let contexts = [
        ("student", acme.student_ctx()),
        ("mentor", acme.mentor_ctx()),
        ("org_admin", acme.org_admin_ctx()),
        ("admin", platform),
        ("anonymous", RequestContext::anonymous()),
    ];
    let probes = [
        "select password_hash from users where id = $1",
        "select * from users where id = $1",
        "select to_jsonb(u) from users u where id = $1",
        // Not even as a filter, which would make it an oracle.
        "select count(*) from users where id = $1 and password_hash like '$argon2id$%'",
        "update users set first_name = first_name where id = $1 returning password_hash",
    ];
    for (who, ctx) in contexts {
        for probe in probes {
            let mut tx = as_ctx(&db.app, ctx).await;
            let result = sqlx::query(probe).bind(acme.student).fetch_all(&mut *tx).await;
            assert_eq!(sqlstate(result), "42501", "{who}: {probe}");
        }
        // The columns it may read are still there for it.
        let mut tx = as_ctx(&db.app, ctx).await;
        sqlx::query("select id, email, username, role, status, session_generation from users where id = $1")
            .bind(acme.student)
            .fetch_all(&mut *tx)
            .await
            .unwrap_or_else(|error| panic!("{who}: {error}"));
    }
    // The one way in: a person's own hash, to confirm their password; nobody's without a user.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let own: Option<String> =
        sqlx::query_scalar("select current_user_password_hash()").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(own.as_deref(), Some(HASH));
    drop(tx);
    let mut tx = as_ctx(&db.app, RequestContext::anonymous()).await;
    let nobodys: Option<String> =
        sqlx::query_scalar("select current_user_password_hash()").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(nobodys, None);
}

/// The ids of `users` this context can see.
async fn visible_users(db: &TestDb, ctx: RequestContext) -> Vec<Uuid> {
    let mut tx = as_ctx(&db.app, ctx).await;
    let mut ids: Vec<Uuid> = sqlx::query_scalar("select id from users").fetch_all(&mut *tx).await.unwrap();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

#[tokio::test]
async fn students_see_themselves_and_their_organizations_staff_but_not_classmates() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    let staff_and_me = sorted(vec![acme.student, acme.mentor_user, acme.org_admin]);
    assert_eq!(visible_users(&db, acme.student_ctx()).await, staff_and_me, "student");
    assert_eq!(
        visible_users(&db, acme.other_student_ctx()).await,
        sorted(vec![acme.other_student, acme.mentor_user, acme.org_admin]),
        "the other student"
    );
    let everyone = sorted(vec![acme.student, acme.other_student, acme.mentor_user, acme.org_admin]);
    assert_eq!(visible_users(&db, acme.mentor_ctx()).await, everyone, "a mentor sees the organization");
    assert_eq!(visible_users(&db, acme.org_admin_ctx()).await, everyone, "an org admin sees the organization");
    assert_eq!(visible(&db, globex.student_ctx(), "users", acme.org).await, 0, "another organization's student");
    assert_eq!(visible(&db, globex.mentor_ctx(), "users", acme.org).await, 0, "another organization's mentor");
    assert_eq!(visible(&db, RequestContext::anonymous(), "users", acme.org).await, 0);
    let platform = RequestContext::member(globex.org_admin, globex.org, Role::Admin);
    assert_eq!(visible(&db, platform, "users", acme.org).await, 4, "the platform admin sees everyone");

    // A classmate's profile is theirs; their mentor and admin read it.
    let profile_of = |ctx: RequestContext, whose: Uuid| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            sqlx::query_scalar::<_, i64>("select count(*) from user_profiles where user_id = $1")
                .bind(whose)
                .fetch_one(&mut *tx)
                .await
                .unwrap()
        }
    };
    assert_eq!(profile_of(acme.student_ctx(), acme.other_student).await, 0);
    assert_eq!(profile_of(acme.student_ctx(), acme.student).await, 1);
    assert_eq!(profile_of(acme.mentor_ctx(), acme.other_student).await, 1);
}

/// A pending application by `student` of `org`, as the owner.
async fn application(db: &TestDb, student: Uuid, org: Uuid) -> Uuid {
    sqlx::query_scalar(
        "insert into mentor_applications (user_id, organization_id, expertise_areas, years_experience, experience_summary, hourly_rate_minor)
         values ($1, $2, '{nursing}', 6, 'Six years on a surgical ward, precepting new nurses.', 4500) returning id",
    )
    .bind(student)
    .bind(org)
    .fetch_one(&db.owner)
    .await
    .expect("insert mentor application")
}

#[tokio::test]
async fn mentor_applications_are_read_by_their_author_and_their_organizations_admins() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    application(&db, acme.student, acme.org).await;
    application(&db, globex.student, globex.org).await;
    let expectations = [
        ("the applicant", acme.student_ctx(), 1),
        ("a classmate", acme.other_student_ctx(), 0),
        ("a mentor", acme.mentor_ctx(), 0),
        ("their org admin", acme.org_admin_ctx(), 1),
        ("another org's admin", globex.org_admin_ctx(), 0),
        ("another org's applicant", globex.student_ctx(), 0),
        ("anonymous", RequestContext::anonymous(), 0),
        ("the platform admin", RequestContext::member(globex.org_admin, globex.org, Role::Admin), 1),
    ];
    for (who, ctx, expected) in expectations {
        assert_eq!(visible(&db, ctx, "mentor_applications", acme.org).await, expected, "{who}");
    }
    let platform = RequestContext::member(globex.org_admin, globex.org, Role::Admin);
    let mut tx = as_ctx(&db.app, platform).await;
    let all: i64 = sqlx::query_scalar("select count(*) from mentor_applications").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(all, 2, "the platform admin sees every organization's applications");
    drop(tx);

    // Another organization's admin cannot decide it either.
    let mut tx = as_ctx(&db.app, globex.org_admin_ctx()).await;
    let decided = sqlx::query(
        "update mentor_applications set status = 'approved', decided_at = now(), decided_by = $2 where user_id = $1",
    )
    .bind(acme.student)
    .bind(globex.org_admin)
    .execute(&mut *tx)
    .await
    .unwrap();
    assert_eq!(decided.rows_affected(), 0);
}

#[tokio::test]
async fn students_apply_only_for_themselves_and_never_decide() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let apply = |ctx: RequestContext, user_id: Uuid, status: &'static str| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            let result = sqlx::query(
                "insert into mentor_applications (user_id, organization_id, expertise_areas, years_experience,
                        experience_summary, hourly_rate_minor, status, decided_at, decided_by)
                 values ($1, $2, '{nursing}', 6, 'Six years on a surgical ward, precepting new nurses.', 4500,
                         $3::mentor_application_status,
                         case when $3 in ('approved', 'declined') then now() end,
                         case when $3 in ('approved', 'declined') then $1 end)
                 returning id",
            )
            .bind(user_id)
            .bind(acme.org)
            .bind(status)
            .fetch_one(&mut *tx)
            .await;
            if result.is_ok() {
                tx.commit().await.unwrap();
            }
            result
        }
    };
    assert_eq!(sqlstate(apply(acme.student_ctx(), acme.other_student, "pending").await), "42501", "for someone else");
    assert_eq!(sqlstate(apply(acme.student_ctx(), acme.student, "approved").await), "42501", "already approved");
    assert_eq!(sqlstate(apply(acme.mentor_ctx(), acme.mentor_user, "pending").await), "42501", "not a student");
    let row = apply(acme.student_ctx(), acme.student, "pending").await.expect("applying for oneself works");
    let mine: Uuid = sqlx::Row::get(&row, "id");

    // The applicant cannot approve it...
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let approved = sqlx::query(
        "update mentor_applications set status = 'approved', decided_at = now(), decided_by = $2 where id = $1",
    )
    .bind(mine)
    .bind(acme.student)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(approved), "42501");
    drop(tx);
    // ...nor can a classmate touch it...
    let mut tx = as_ctx(&db.app, acme.other_student_ctx()).await;
    let withdrawn = sqlx::query("update mentor_applications set status = 'withdrawn' where id = $1")
        .bind(mine)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(withdrawn.rows_affected(), 0);
    drop(tx);
    // ...but the applicant may withdraw it.
    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let withdrawn = sqlx::query("update mentor_applications set status = 'withdrawn' where id = $1")
        .bind(mine)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(withdrawn.rows_affected(), 1);
    tx.commit().await.unwrap();
    let status: String = sqlx::query_scalar("select status::text from mentor_applications where id = $1")
        .bind(mine)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(status, "withdrawn");
}

#[tokio::test]
async fn only_administrators_change_an_accounts_status_and_no_one_edits_another_person() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let root = user(&db.owner, acme.org, "root", "admin").await;
    let set_status = |ctx: RequestContext, target: Uuid, status: &'static str, delete: bool| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            let result = sqlx::query(
                "update users set status = $2::user_status, deleted_at = case when $3 then now() end where id = $1",
            )
            .bind(target)
            .bind(status)
            .bind(delete)
            .execute(&mut *tx)
            .await;
            if result.is_ok() {
                tx.commit().await.unwrap();
            }
            result
        }
    };
    // Nobody lifts (or changes) their own status...
    assert_eq!(sqlstate(set_status(acme.student_ctx(), acme.student, "suspended", false).await), "42501");
    assert_eq!(sqlstate(set_status(acme.student_ctx(), acme.student, "deactivated", false).await), "42501");
    assert_eq!(sqlstate(set_status(acme.mentor_ctx(), acme.mentor_user, "suspended", false).await), "42501");
    // ...and an org admin never changes a platform admin's.
    assert_eq!(sqlstate(set_status(acme.org_admin_ctx(), root, "suspended", false).await), "42501");
    let mut tx = as_ctx(&db.app, acme.org_admin_ctx()).await;
    let demoted = sqlx::query("update users set role = 'student' where id = $1").bind(root).execute(&mut *tx).await;
    assert_eq!(sqlstate(demoted), "42501");
    drop(tx);

    // A student cannot edit anyone else, not even the staff they can see.
    for other in [acme.other_student, acme.mentor_user, acme.org_admin] {
        let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
        let changed = sqlx::query(
            "update users set first_name = 'Hacked', session_generation = session_generation + 1 where id = $1",
        )
        .bind(other)
        .execute(&mut *tx)
        .await
        .unwrap();
        assert_eq!(changed.rows_affected(), 0, "{other}");
        tx.commit().await.unwrap();
    }
    let hacked: i64 = sqlx::query_scalar("select count(*) from users where first_name = 'Hacked'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(hacked, 0);

    // What is allowed: the org admin suspends a student; a person deactivates their own account
    // only as they delete it.
    set_status(acme.org_admin_ctx(), acme.other_student, "suspended", false).await.unwrap();
    set_status(acme.student_ctx(), acme.student, "deactivated", true).await.unwrap();
    let statuses: Vec<String> =
        sqlx::query_scalar("select status::text from users where id = any($1) order by username")
            .bind(vec![acme.student, acme.other_student, acme.mentor_user, root])
            .fetch_all(&db.owner)
            .await
            .unwrap();
    assert_eq!(statuses, vec!["active", "deactivated", "suspended", "active"]);
}
