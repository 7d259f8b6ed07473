//! Who may read and write a roadmap: mentors only while they have a session with its owner
//! (pending, confirmed or completed), their comments and suggestions and the notifications
//! those send, share links (made, retired by a new one, revoked), and the row-level security
//! matrix of roadmaps, steps, comments, suggestions and progress for every kind of caller,
//! with the organization's aggregates for its own administrators only.

use crate::booking::{act, at, listing, organization, owner_booking, signed_in, Listing};
use crate::fixtures::{as_ctx, user};
use crate::roadmaps::{assert_one_to_n, goal, person, positions, Site};
use crate::support::TestDb;
use app::db::{RequestContext, SignedIn};
use app::domain::Role;
use app::roadmaps::api::ssr;
use app::roadmaps::domain::{
    RoadmapView, RoadmapsOverview, ShareLink, SharedRoadmap, StepKind, StepOrigin, SuggestionStatus, Viewer,
};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

const NURSES: &str = "29-1141.00";

/// Generates the owner's roadmap towards their goal (set beforehand) in their own transaction.
async fn generated(db: &TestDb, owner: &SignedIn) -> Uuid {
    act(&db.app, owner, |tx, u| Box::pin(ssr::generate(tx, u, "12".to_string())))
        .await
        .expect("the roadmap is generated")
}

async fn notifications(db: &TestDb, recipient: Uuid, roadmap: Uuid) -> Vec<(String, serde_json::Value)> {
    sqlx::query_as(
        "select title, payload from notifications
          where user_id = $1 and kind = 'roadmap' and payload ->> 'roadmap_id' = $2::text order by created_at, id",
    )
    .bind(recipient)
    .bind(roadmap)
    .fetch_all(&db.owner)
    .await
    .unwrap()
}

/// A change refused to someone who may read the roadmap but not change it. `lock_own` means to
/// answer 403; its `select ... for update` also applies the UPDATE policies, which hide the row
/// from a mentor, so 404 comes first. Either refuses; the page never offers them the change.
fn not_theirs(status: StatusCode) -> bool {
    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND
}

// Mentors ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_mentor_reads_comments_and_suggests_only_with_a_session_and_the_student_decides() {
    let site = Site::new().await;
    let db = &site.db;
    let org = organization(&db.owner, "mentoring").await;
    let student = person(db, org, "mentee", "secondary", "student").await;
    goal(db, student, org, NURSES).await;
    let roadmap = generated(db, &signed_in(student, org, Role::Student)).await;
    let no_session = listing(&db.owner, org, "mentor-none", "organization").await;
    let cancelled = listing(&db.owner, org, "mentor-cancelled", "organization").await;
    owner_booking(&db.owner, &cancelled, student, "cancelled", at(5, 10, 0)).await;
    let mut with_session: Vec<(Listing, &str)> = Vec::new();
    for (index, status) in ["pending", "confirmed", "completed"].into_iter().enumerate() {
        let mentor = listing(&db.owner, org, &format!("mentor-{status}"), "organization").await;
        let start = if status == "completed" {
            Utc::now() - Duration::days(3 + index as i64)
        } else {
            at(3 + index as i64, 10, 0)
        };
        owner_booking(&db.owner, &mentor, student, status, start).await;
        with_session.push((mentor, status));
    }
    site.passwords().await;
    let student_cookie = site.sign_in("mentee").await;
    let steps = site.view(&student_cookie, roadmap).await.steps;
    let step = steps[1].id.to_string();
    let roadmap_field = roadmap.to_string();

    // Without a session (or with only a cancelled one): not found, and nothing can be written.
    for mentor in [&no_session, &cancelled] {
        let cookie = site.sign_in(&mentor.handle).await;
        let reply = site.roadmap(&cookie, roadmap).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}: {}", mentor.handle, reply.body);
        let reply = site
            .call(
                "comment_on_roadmap",
                &[("roadmap", &roadmap_field), ("step", &step), ("body", "Looks good")],
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}: {}", mentor.handle, reply.body);
        let reply = site
            .call(
                "suggest_roadmap_step",
                &[("roadmap", &roadmap_field), ("title", "Visit a ward"), ("kind", "network")],
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}: {}", mentor.handle, reply.body);
        let overview: RoadmapsOverview = site.call("my_roadmaps", &[], Some(&cookie)).await.json();
        assert!(overview.students.is_empty(), "{}: {:?}", mentor.handle, overview.students);
    }
    let written: (i64, i64) = sqlx::query_as(
        "select (select count(*) from roadmap_comments where roadmap_id = $1), (select count(*) from roadmap_suggestions where roadmap_id = $1)",
    )
    .bind(roadmap)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(written, (0, 0));
    assert!(notifications(db, student, roadmap).await.is_empty());

    // With a pending, confirmed or completed session: they read, comment and suggest, but don't edit.
    for (mentor, status) in &with_session {
        let cookie = site.sign_in(&mentor.handle).await;
        let view: RoadmapView = site.roadmap(&cookie, roadmap).await.json();
        assert_eq!(view.viewer, Viewer::Mentor, "{status}");
        assert_eq!(view.steps.len(), steps.len(), "{status}");
        site.call(
            "comment_on_roadmap",
            &[("roadmap", &roadmap_field), ("step", &step), ("body", &format!("From a {status} session"))],
            Some(&cookie),
        )
        .await
        .assert_ok();
        site.call(
            "suggest_roadmap_step",
            &[
                ("roadmap", &roadmap_field),
                ("title", &format!("Ask about {status} placements")),
                ("kind", "apply"),
                ("reason", ""),
            ],
            Some(&cookie),
        )
        .await
        .assert_ok();
        let overview: RoadmapsOverview = site.call("my_roadmaps", &[], Some(&cookie)).await.json();
        assert_eq!(overview.students.len(), 1, "{status}");
        assert_eq!(overview.students[0].roadmaps.iter().map(|r| r.id).collect::<Vec<_>>(), [roadmap]);

        let reply = site
            .call(
                "move_roadmap_step",
                &[
                    ("roadmap", &roadmap_field),
                    ("version", &view.version.to_string()),
                    ("step", &step),
                    ("direction", "up"),
                ],
                Some(&cookie),
            )
            .await;
        assert!(not_theirs(reply.status), "{status}: a mentor doesn't reorder: {} {}", reply.status, reply.body);
        let reply = site
            .call(
                "add_roadmap_step",
                &[("roadmap", &roadmap_field), ("title", "Mine now"), ("kind", "learn")],
                Some(&cookie),
            )
            .await;
        assert!(not_theirs(reply.status), "{status}: a mentor doesn't add steps: {} {}", reply.status, reply.body);
    }
    let told = notifications(db, student, roadmap).await;
    assert_eq!(told.len(), 6, "the student hears of each comment and suggestion: {told:?}");
    assert!(told.iter().all(|(_, payload)| payload["roadmap_id"] == roadmap.to_string()));
    assert_eq!(told.iter().filter(|(_, p)| p.get("comment_id").is_some()).count(), 3);
    assert_eq!(told.iter().filter(|(_, p)| p.get("suggestion_id").is_some()).count(), 3);

    // The student sees them, and suggests nothing to themselves.
    let view = site.view(&student_cookie, roadmap).await;
    assert_eq!(view.viewer, Viewer::Owner);
    assert_eq!(view.comments.len(), 3);
    assert!(view.comments.iter().all(|c| c.step_id == Some(steps[1].id) && !c.by_owner));
    assert_eq!(view.suggestions.len(), 3);
    assert!(view.suggestions.iter().all(|s| s.status == SuggestionStatus::Pending && s.kind == StepKind::Apply));
    let reply = site
        .call(
            "suggest_roadmap_step",
            &[("roadmap", &roadmap_field), ("title", "Self-suggested"), ("kind", "learn")],
            Some(&student_cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);

    let suggestion = |title: &str| view.suggestions.iter().find(|s| s.title == title).unwrap().id.to_string();
    let accepted = suggestion("Ask about pending placements");
    let declined = suggestion("Ask about confirmed placements");

    // A mentor doesn't decide their own suggestion.
    let mentor_cookie = site.sign_in(&with_session[0].0.handle).await;
    let reply = site
        .call("decide_roadmap_suggestion", &[("suggestion", &accepted), ("decision", "accept")], Some(&mentor_cookie))
        .await;
    assert!(not_theirs(reply.status), "{} {}", reply.status, reply.body);

    // Accepting appends the step, as the mentor's suggestion, and tells the mentor.
    site.call("decide_roadmap_suggestion", &[("suggestion", &accepted), ("decision", "accept")], Some(&student_cookie))
        .await
        .assert_ok();
    let after = site.view(&student_cookie, roadmap).await;
    assert_eq!(after.steps.len(), steps.len() + 1);
    let last = after.steps.last().unwrap();
    assert_eq!(
        (last.position, last.title.as_str(), last.kind, last.origin),
        (steps.len() as i32 + 1, "Ask about pending placements", StepKind::Apply, StepOrigin::Suggested)
    );
    assert_one_to_n(&positions(db, roadmap).await);
    let mentor_told = notifications(db, with_session[0].0.mentor_user, roadmap).await;
    assert_eq!(mentor_told.len(), 1, "{mentor_told:?}");
    assert!(mentor_told[0].0.contains("accepted"), "{mentor_told:?}");
    assert_eq!(mentor_told[0].1["suggestion_id"], accepted);

    // Declining tells the mentor too; a second decision on it is refused and adds nothing.
    site.call(
        "decide_roadmap_suggestion",
        &[("suggestion", &declined), ("decision", "decline")],
        Some(&student_cookie),
    )
    .await
    .assert_ok();
    let mentor_told = notifications(db, with_session[1].0.mentor_user, roadmap).await;
    assert_eq!(mentor_told.len(), 1, "{mentor_told:?}");
    assert!(mentor_told[0].0.contains("declined"), "{mentor_told:?}");
    for decision in ["decline", "accept"] {
        let reply = site
            .call(
                "decide_roadmap_suggestion",
                &[("suggestion", &declined), ("decision", decision)],
                Some(&student_cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{decision} again: {}", reply.body);
        assert!(reply.error().to_string().contains("already declined"), "{:?}", reply.error());
    }
    let reply = site
        .call("decide_roadmap_suggestion", &[("suggestion", &accepted), ("decision", "accept")], Some(&student_cookie))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "accepting twice: {}", reply.body);
    let finally = site.view(&student_cookie, roadmap).await;
    assert_eq!(finally.steps.len(), steps.len() + 1, "no step from a refused decision");
    assert_eq!(notifications(db, with_session[1].0.mentor_user, roadmap).await.len(), 1);
    let statuses: Vec<SuggestionStatus> = finally.suggestions.iter().map(|s| s.status).collect();
    // Waiting ones first, then the decided ones newest first (the declined one was suggested last).
    assert_eq!(statuses, [SuggestionStatus::Pending, SuggestionStatus::Rejected, SuggestionStatus::Accepted]);

    // A session cancelled later ends the access.
    sqlx::query("update bookings set status = 'cancelled', cancelled_at = now(), cancelled_by = 'student' where student_id = $1 and mentor_id = $2")
        .bind(student)
        .bind(with_session[0].0.mentor)
        .execute(&db.owner)
        .await
        .unwrap();
    let reply = site.roadmap(&mentor_cookie, roadmap).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}

// Share links -------------------------------------------------------------------------------------

/// A student with a generated roadmap, signed in; gives the site, their session and the roadmap.
async fn shared_setup(slug: &str, username: &str) -> (Site, String, Uuid) {
    let site = Site::new().await;
    let org = organization(&site.db.owner, slug).await;
    let student = person(&site.db, org, username, "secondary", "student").await;
    goal(&site.db, student, org, NURSES).await;
    let roadmap = generated(&site.db, &signed_in(student, org, Role::Student)).await;
    site.passwords().await;
    let cookie = site.sign_in(username).await;
    (site, cookie, roadmap)
}

async fn share(site: &Site, cookie: &str, roadmap: Uuid) -> String {
    let link: ShareLink = site.call("share_roadmap", &[("roadmap", &roadmap.to_string())], Some(cookie)).await.json();
    let token = link.path.strip_prefix("/roadmap/shared/").unwrap_or_else(|| panic!("{}", link.path)).to_string();
    assert_eq!(token.len(), 43, "32 random bytes, base64url: {token}");
    token
}

/// 32 random bytes nobody was given, in the same form (base64url without padding).
fn random_token() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes: Vec<u8> = [Uuid::new_v4(), Uuid::new_v4()].iter().flat_map(|id| *id.as_bytes()).collect();
    let mut token = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            token.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    assert_eq!(token.len(), 43);
    token
}

#[tokio::test]
async fn a_share_link_reads_the_roadmap_until_it_is_revoked_or_replaced() {
    let (site, cookie, roadmap) = shared_setup("sharing", "sharer").await;
    let behind = |token: String| {
        let site = &site;
        async move { site.call("roadmap_behind_link", &[("token", &token)], None).await }
    };
    let first = share(&site, &cookie, roadmap).await;
    let stored: Vec<u8> = sqlx::query_scalar("select share_token_hash from career_roadmaps where id = $1")
        .bind(roadmap)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(&first), "only the token's hash is kept");

    let view = site.view(&cookie, roadmap).await;
    assert!(view.share_link_active);
    let shared: SharedRoadmap = behind(first.clone()).await.json();
    assert_eq!(shared.title, view.title);
    assert_eq!(
        shared.steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
        view.steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>()
    );

    // A new link retires the old one.
    let second = share(&site, &cookie, roadmap).await;
    assert_ne!(first, second);
    assert_eq!(behind(first.clone()).await.status, StatusCode::NOT_FOUND);
    behind(second.clone()).await.assert_ok();

    // Unknown and malformed tokens are simply not found.
    for token in [random_token(), "abc".to_string(), String::new()] {
        assert_eq!(behind(token.clone()).await.status, StatusCode::NOT_FOUND, "{token:?}");
    }

    // Revoked: not found.
    site.call("revoke_roadmap_share", &[("roadmap", &roadmap.to_string())], Some(&cookie)).await.assert_ok();
    assert_eq!(behind(second).await.status, StatusCode::NOT_FOUND);
    assert!(!site.view(&cookie, roadmap).await.share_link_active);

    // Archiving turns a link off too.
    let third = share(&site, &cookie, roadmap).await;
    behind(third.clone()).await.assert_ok();
    site.call("set_roadmap_archived", &[("roadmap", &roadmap.to_string()), ("action", "archive")], Some(&cookie))
        .await
        .assert_ok();
    assert_eq!(behind(third).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_shared_page_shows_the_roadmap_with_noindex_and_a_revoked_link_is_404() {
    // A first name nothing else on the page would contain: the shared page doesn't say whose it is.
    let (site, cookie, roadmap) = shared_setup("sharepage", "quillonmere").await;
    let title = site.view(&cookie, roadmap).await.title;
    let token = share(&site, &cookie, roadmap).await;

    let page = site.get(&format!("/roadmap/shared/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&title), "the roadmap's title is on the page");
    assert!(
        page.body.contains(r#"<meta name="robots" content="noindex"#),
        "a shared roadmap is kept out of search engines"
    );
    assert!(!page.body.contains("Quillonmere"), "the owner's name isn't shown");

    let replaced = share(&site, &cookie, roadmap).await;
    assert_eq!(
        site.get(&format!("/roadmap/shared/{token}"), None).await.status,
        StatusCode::NOT_FOUND,
        "the replaced link"
    );
    assert_eq!(
        site.get(&format!("/roadmap/shared/{}", random_token()), None).await.status,
        StatusCode::NOT_FOUND,
        "a random token"
    );
    site.get(&format!("/roadmap/shared/{replaced}"), None).await.assert_ok();
    site.call("revoke_roadmap_share", &[("roadmap", &roadmap.to_string())], Some(&cookie)).await.assert_ok();
    assert_eq!(
        site.get(&format!("/roadmap/shared/{replaced}"), None).await.status,
        StatusCode::NOT_FOUND,
        "the revoked link"
    );
}

// Row-level security ------------------------------------------------------------------------------

/// One statement in its own transaction as `ctx`, committed; `$1` and `$2` bound when given.
async fn run(app: &PgPool, ctx: RequestContext, sql: &str, binds: &[Uuid]) -> Result<u64, sqlx::Error> {
    let mut tx = as_ctx(app, ctx).await;
    let mut query = sqlx::query(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    let done = query.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

async fn count(app: &PgPool, ctx: RequestContext, sql: &str, bind: Uuid) -> i64 {
    let mut tx = as_ctx(app, ctx).await;
    sqlx::query_scalar(sql).bind(bind).fetch_one(&mut *tx).await.unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// A write the database must not let through: refused (insufficient privilege, or no such
/// grant) or touching no row.
#[track_caller]
fn held(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Ok(0) => {}
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {}
        other => panic!("{what}: expected nothing written, got {other:?}"),
    }
}

#[track_caller]
fn refused(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {}
        other => panic!("{what}: expected 42501, got {other:?}"),
    }
}

/// (roadmaps, steps, comments, suggestions, progress rows) a caller sees of the owner's roadmap.
async fn seen(db: &TestDb, ctx: RequestContext, roadmap: Uuid, owner: Uuid) -> (i64, i64, i64, i64, i64) {
    (
        count(&db.app, ctx, "select count(*) from career_roadmaps where id = $1", roadmap).await,
        count(&db.app, ctx, "select count(*) from roadmap_steps where roadmap_id = $1", roadmap).await,
        count(&db.app, ctx, "select count(*) from roadmap_comments where roadmap_id = $1", roadmap).await,
        count(&db.app, ctx, "select count(*) from roadmap_suggestions where roadmap_id = $1", roadmap).await,
        count(
            &db.app,
            ctx,
            "select count(*) from user_progress where user_id = $1 and roadmap_step_id is not null",
            owner,
        )
        .await,
    )
}

#[tokio::test]
async fn the_rls_matrix_for_roadmaps_steps_comments_suggestions_and_progress() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "matrix-org").await;
    let owner = person(&db, org, "matrix-owner", "secondary", "student").await;
    let peer = person(&db, org, "matrix-peer", "bachelor", "student").await;
    let admin = user(&db.owner, org, "matrix-admin", "org_admin").await;
    let no_session = listing(&db.owner, org, "matrix-mentor-none", "organization").await;
    let booked = listing(&db.owner, org, "matrix-mentor-booked", "organization").await;
    owner_booking(&db.owner, &booked, owner, "confirmed", at(4, 10, 0)).await;
    let elsewhere = organization(&db.owner, "matrix-elsewhere").await;
    let stranger_admin = user(&db.owner, elsewhere, "matrix-else-admin", "org_admin").await;
    let stranger_student = person(&db, elsewhere, "matrix-else-student", "secondary", "student").await;
    let platform = organization(&db.owner, "matrix-platform").await;
    let platform_admin = user(&db.owner, platform, "matrix-platform-admin", "admin").await;

    goal(&db, owner, org, NURSES).await;
    let owner_in = signed_in(owner, org, Role::Student);
    let roadmap = generated(&db, &owner_in).await;
    let steps: Vec<Uuid> = sqlx::query_scalar("select id from roadmap_steps where roadmap_id = $1 order by position")
        .bind(roadmap)
        .fetch_all(&db.owner)
        .await
        .unwrap();
    let n = steps.len() as i64;
    let first_step = steps[0];
    act(&db.app, &owner_in, |tx, u| Box::pin(ssr::set_status(tx, u, first_step, "completed".into()))).await.unwrap();
    act(&db.app, &owner_in, |tx, u| {
        Box::pin(ssr::comment(tx, u, roadmap, String::new(), "My plan for nursing".into()))
    })
    .await
    .unwrap();
    let mentor_in = signed_in(booked.mentor_user, org, Role::Mentor);
    act(&db.app, &mentor_in, |tx, u| {
        Box::pin(ssr::comment(tx, u, roadmap, first_step.to_string(), "Well done".into()))
    })
    .await
    .unwrap();
    act(&db.app, &mentor_in, |tx, u| {
        Box::pin(ssr::suggest(
            tx,
            u,
            roadmap,
            "Volunteer at a care home".into(),
            String::new(),
            "practice".into(),
            String::new(),
        ))
    })
    .await
    .unwrap();

    let as_owner = RequestContext::member(owner, org, Role::Student);
    let as_peer = RequestContext::member(peer, org, Role::Student);
    let as_no_session = RequestContext::member(no_session.mentor_user, org, Role::Mentor);
    let as_booked = RequestContext::member(booked.mentor_user, org, Role::Mentor);
    let as_admin = RequestContext::member(admin, org, Role::OrgAdmin);
    let as_stranger_admin = RequestContext::member(stranger_admin, elsewhere, Role::OrgAdmin);
    let as_stranger = RequestContext::member(stranger_student, elsewhere, Role::Student);
    let as_platform = RequestContext::member(platform_admin, platform, Role::Admin);
    let anonymous = RequestContext::anonymous();

    let everything = (1, n, 2, 1, n);
    let roadmap_only = (1, n, 2, 1, 0);
    let nothing = (0, 0, 0, 0, 0);
    let matrix = |shared: bool| {
        [
            ("the owner", as_owner, everything),
            ("another student of the organization", as_peer, nothing),
            ("a mentor without a session", as_no_session, nothing),
            ("a mentor with a session", as_booked, roadmap_only),
            ("the organization's administrator", as_admin, if shared { roadmap_only } else { nothing }),
            ("another organization's administrator", as_stranger_admin, nothing),
            ("another organization's student", as_stranger, nothing),
            ("a platform administrator", as_platform, everything),
            ("a visitor", anonymous, nothing),
        ]
    };
    for (who, ctx, expected) in matrix(false) {
        assert_eq!(
            seen(&db, ctx, roadmap, owner).await,
            expected,
            "not shared: {who} sees (roadmaps, steps, comments, suggestions, progress)"
        );
    }
    act(&db.app, &owner_in, |tx, u| Box::pin(ssr::share_with_organization(tx, u, roadmap, "share".into())))
        .await
        .unwrap();
    for (who, ctx, expected) in matrix(true) {
        assert_eq!(
            seen(&db, ctx, roadmap, owner).await,
            expected,
            "shared with the organization: {who} sees (roadmaps, steps, comments, suggestions, progress)"
        );
    }

    // Writes: nobody but the owner changes the roadmap, its steps or its progress; nobody but its
    // owner and their mentors writes on it; nobody but the owner decides a suggestion.
    let resource: Uuid = sqlx::query_scalar(
        "select id from resources where organization_id is null and status = 'published' order by slug limit 1",
    )
    .fetch_one(&db.owner)
    .await
    .unwrap();
    let non_owners = [
        ("another student of the organization", as_peer, peer),
        ("a mentor without a session", as_no_session, no_session.mentor_user),
        ("a mentor with a session", as_booked, booked.mentor_user),
        ("the organization's administrator (shared with)", as_admin, admin),
        ("another organization's administrator", as_stranger_admin, stranger_admin),
        ("a visitor", anonymous, owner),
    ];
    for (who, ctx, me) in non_owners {
        let app = &db.app;
        held(
            run(app, ctx, "update career_roadmaps set title = 'Taken over' where id = $1", &[roadmap]).await,
            &format!("{who}: rename the roadmap"),
        );
        held(
            run(app, ctx, "update career_roadmaps set shared_with_organization = false where id = $1", &[roadmap])
                .await,
            &format!("{who}: unshare"),
        );
        held(
            run(app, ctx, "delete from career_roadmaps where id = $1", &[roadmap]).await,
            &format!("{who}: delete the roadmap"),
        );
        // Refused one way or another (which way is `a_roadmap_in_someone_elses_name_reveals_nothing_about_them`).
        let planted = run(
            app,
            ctx,
            "insert into career_roadmaps (user_id, organization_id, title) values ($1, $2, 'Planted roadmap')",
            &[owner, org],
        )
        .await;
        assert!(matches!(planted, Err(sqlx::Error::Database(_))), "{who}: a roadmap in the owner's name: {planted:?}");
        held(
            run(app, ctx, "update roadmap_steps set title = 'Taken over' where roadmap_id = $1", &[roadmap]).await,
            &format!("{who}: edit steps"),
        );
        held(
            run(app, ctx, "update roadmap_steps set status = 'skipped' where roadmap_id = $1", &[roadmap]).await,
            &format!("{who}: step statuses"),
        );
        held(
            run(app, ctx, "delete from roadmap_steps where roadmap_id = $1", &[roadmap]).await,
            &format!("{who}: delete steps"),
        );
        refused(
            run(app, ctx, "insert into roadmap_steps (roadmap_id, organization_id, position, title) values ($1, $2, 99, 'Planted step')", &[roadmap, org]).await,
            &format!("{who}: add a step"),
        );
        held(
            run(app, ctx, "update user_progress set progress_percent = 1 where user_id = $1", &[owner]).await,
            &format!("{who}: progress"),
        );
        held(
            run(app, ctx, "delete from user_progress where user_id = $1", &[owner]).await,
            &format!("{who}: delete progress"),
        );
        refused(
            run(app, ctx, "insert into user_progress (user_id, organization_id, resource_id, status) values ($1, $2, $3, 'in_progress')", &[owner, org, resource]).await,
            &format!("{who}: progress in the owner's name"),
        );
        held(
            run(
                app,
                ctx,
                "update roadmap_comments set body = 'Edited' where roadmap_id = $1 and author_id = $2",
                &[roadmap, owner],
            )
            .await,
            &format!("{who}: edit the owner's comment"),
        );
        held(
            run(
                app,
                ctx,
                "update roadmap_suggestions set status = 'accepted', decided_at = now() where roadmap_id = $1",
                &[roadmap],
            )
            .await,
            &format!("{who}: decide a suggestion"),
        );
        if ctx != as_booked {
            refused(
                run(app, ctx, "insert into roadmap_comments (roadmap_id, organization_id, author_id, body) values ($1, $2, $3, 'Planted comment')", &[roadmap, org, me])
                    .await,
                &format!("{who}: comment"),
            );
            refused(
                run(
                    app,
                    ctx,
                    "insert into roadmap_suggestions (roadmap_id, organization_id, author_id, title, kind) values ($1, $2, $3, 'Planted suggestion', 'learn')",
                    &[roadmap, org, me],
                )
                .await,
                &format!("{who}: suggest"),
            );
        }
    }
    // A mentor with a session writes only as themselves.
    refused(
        run(&db.app, as_booked, "insert into roadmap_comments (roadmap_id, organization_id, author_id, body) values ($1, $2, $3, 'In your name')", &[roadmap, org, owner]).await,
        "a mentor commenting in the owner's name",
    );

    // Nothing moved.
    let unchanged: (String, bool, i64, i64, i64, i64) = sqlx::query_as(
        "select r.title, r.shared_with_organization,
                (select count(*) from roadmap_steps s where s.roadmap_id = r.id and s.title <> 'Taken over' and s.status <> 'skipped'),
                (select count(*) from user_progress p where p.user_id = r.user_id and p.progress_percent <> 1),
                (select count(*) from roadmap_comments c where c.roadmap_id = r.id and c.body <> 'Edited'),
                (select count(*) from roadmap_suggestions g where g.roadmap_id = r.id and g.status = 'pending')
           from career_roadmaps r where r.id = $1",
    )
    .bind(roadmap)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(unchanged, ("Towards Registered Nurses".to_string(), true, n, n, 2, 1));
    let planted: i64 = sqlx::query_scalar("select count(*) from career_roadmaps where title = 'Planted roadmap'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(planted, 0);
    assert_eq!(seen(&db, as_owner, roadmap, owner).await, everything);
}

/// Writing a roadmap in another person's name is refused by row-level security whoever that
/// person is, so the refusal can't be used to learn whether they have roadmaps or which plan
/// they pay for.
#[tokio::test]
async fn a_roadmap_in_someone_elses_name_reveals_nothing_about_them() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "oracle").await;
    let busy = person(&db, org, "oracle-busy", "secondary", "student").await;
    let idle = person(&db, org, "oracle-idle", "secondary", "student").await;
    let prober = person(&db, org, "oracle-prober", "secondary", "student").await;
    goal(&db, busy, org, NURSES).await;
    generated(&db, &signed_in(busy, org, Role::Student)).await;
    let as_prober = RequestContext::member(prober, org, Role::Student);
    let mut answers = Vec::new();
    for victim in [busy, idle] {
        let result = run(
            &db.app,
            as_prober,
            "insert into career_roadmaps (user_id, organization_id, title) values ($1, $2, 'Probe')",
            &[victim, org],
        )
        .await;
        match result {
            Err(sqlx::Error::Database(error)) => {
                answers.push((error.code().map(|c| c.to_string()), error.message().to_string()))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(answers[0], answers[1], "the same refusal whether or not the person has a roadmap");
    assert_eq!(answers[0].0.as_deref(), Some("42501"), "{answers:?}");
}

#[tokio::test]
async fn organization_figures_are_for_that_organizations_administrators_only() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "figures").await;
    let admin = user(&db.owner, org, "figures-admin", "org_admin").await;
    let achiever = person(&db, org, "figures-achiever", "secondary", "student").await;
    let dreamer = person(&db, org, "figures-dreamer", "bachelor", "career_changer").await;
    person(&db, org, "figures-newcomer", "secondary", "student").await;
    listing(&db.owner, org, "figures-mentor", "organization").await;
    let elsewhere = organization(&db.owner, "figures-elsewhere").await;
    let stranger_admin = user(&db.owner, elsewhere, "figures-else-admin", "org_admin").await;
    let stranger = person(&db, elsewhere, "figures-else-student", "secondary", "student").await;

    // Two with a goal, one with a roadmap with two steps done; another organization's activity
    // doesn't count.
    goal(&db, achiever, org, NURSES).await;
    goal(&db, dreamer, org, "35-2014.00").await;
    let achiever_in = signed_in(achiever, org, Role::Student);
    let roadmap = generated(&db, &achiever_in).await;
    let steps: Vec<Uuid> = sqlx::query_scalar("select id from roadmap_steps where roadmap_id = $1 order by position")
        .bind(roadmap)
        .fetch_all(&db.owner)
        .await
        .unwrap();
    for step in &steps[..2] {
        let step = *step;
        act(&db.app, &achiever_in, move |tx, u| Box::pin(ssr::set_status(tx, u, step, "completed".into())))
            .await
            .unwrap();
    }
    goal(&db, stranger, elsewhere, NURSES).await;
    let stranger_in = signed_in(stranger, elsewhere, Role::Student);
    let theirs = generated(&db, &stranger_in).await;
    let their_step: Uuid = sqlx::query_scalar("select id from roadmap_steps where roadmap_id = $1 and position = 1")
        .bind(theirs)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    act(&db.app, &stranger_in, move |tx, u| Box::pin(ssr::set_status(tx, u, their_step, "completed".into())))
        .await
        .unwrap();

    let figures =
        "select members, with_goal, with_roadmap, steps_completed, shared from organization_roadmap_figures($1)";
    let read = |ctx: RequestContext| {
        let app = db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(figures).bind(org).fetch_one(&mut *tx).await
        }
    };
    let as_admin = RequestContext::member(admin, org, Role::OrgAdmin);
    assert_eq!(
        read(as_admin).await.unwrap(),
        (3, 2, 1, 2, 0),
        "(students, with a goal, with a roadmap, steps done, shared)"
    );
    act(&db.app, &achiever_in, |tx, u| Box::pin(ssr::share_with_organization(tx, u, roadmap, "share".into())))
        .await
        .unwrap();
    assert_eq!(read(as_admin).await.unwrap().4, 1);

    for (who, ctx) in [
        ("another organization's administrator", RequestContext::member(stranger_admin, elsewhere, Role::OrgAdmin)),
        ("a student of the organization", RequestContext::member(achiever, org, Role::Student)),
        ("a visitor", RequestContext::anonymous()),
    ] {
        match read(ctx).await {
            Err(sqlx::Error::Database(error)) => assert_eq!(error.code().as_deref(), Some("42501"), "{who}: {error}"),
            other => panic!("{who}: expected 42501, got {other:?}"),
        }
        let mut tx = as_ctx(&db.app, ctx).await;
        let months =
            sqlx::query("select * from organization_steps_by_month($1, 6)").bind(org).fetch_all(&mut *tx).await;
        match months {
            Err(sqlx::Error::Database(error)) => {
                assert_eq!(error.code().as_deref(), Some("42501"), "{who}: months: {error}")
            }
            other => panic!("{who}: months: expected 42501, got {other:?}"),
        }
    }

    // The dashboard shows an administrator their own organization's figures, and no one else's.
    let admin_in = SignedIn { organization_name: "figures".into(), ..signed_in(admin, org, Role::OrgAdmin) };
    let dashboard = act(&db.app, &admin_in, |tx, u| Box::pin(ssr::dashboard(tx, u))).await.unwrap();
    let mine = dashboard.organization.expect("an administrator sees their organization's figures");
    assert_eq!((mine.students, mine.with_goal, mine.with_roadmap, mine.steps_completed), (3, 2, 1, 2));
    assert_eq!(mine.shared.iter().map(|s| (s.id, s.completion.completed)).collect::<Vec<_>>(), [(roadmap, 2)]);
    assert_eq!(mine.months.last().map(|m| m.steps), Some(2), "this month's steps");
    let stranger_admin_in = signed_in(stranger_admin, elsewhere, Role::OrgAdmin);
    let theirs_dashboard = act(&db.app, &stranger_admin_in, |tx, u| Box::pin(ssr::dashboard(tx, u))).await.unwrap();
    let their_figures = theirs_dashboard.organization.unwrap();
    assert_eq!((their_figures.students, their_figures.with_roadmap, their_figures.steps_completed), (1, 1, 1));
    assert!(their_figures.shared.is_empty());
}
