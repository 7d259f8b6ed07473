//! The demo data loads once, obeys the same rules as real data, and signs in with the README's passwords.

use crate::fixtures::as_ctx;
use crate::support::TestDb;
use app::accounts::password;
use app::domain::Role;
use app::db::RequestContext;
use server::demo::{self, DemoOutcome};
use uuid::Uuid;

#[tokio::test]
async fn demo_data_loads_once_and_is_usable() {
    let db = TestDb::new().await;
    assert_eq!(demo::load(&db.owner).await.unwrap(), DemoOutcome::Loaded);
    let counts = || async {
        sqlx::query_as::<_, (i64, i64, i64)>(
            "select (select count(*) from users), (select count(*) from mentors), (select count(*) from organizations)",
        )
        .fetch_one(&db.owner)
        .await
        .unwrap()
    };
    let first = counts().await;
    assert_eq!(first, (8, 3, 2), "8 people, 3 mentors, the community and Riverside");
    assert_eq!(demo::load(&db.owner).await.unwrap(), DemoOutcome::AlreadyPresent);
    assert_eq!(counts().await, first, "a second load adds nothing");

    let rows: Vec<(String, String, Role)> =
        sqlx::query_as("select email::text, password_hash, role from users").fetch_all(&db.owner).await.unwrap();
    for (email, hash, role) in rows {
        let expected = match role {
            Role::Admin => demo::ADMIN_PASSWORD,
            Role::OrgAdmin => demo::ORG_ADMIN_PASSWORD,
            Role::Mentor => demo::MENTOR_PASSWORD,
            Role::Student => demo::STUDENT_PASSWORD,
        };
        assert!(password::verify(expected, &hash), "{email} signs in with the README's password");
        assert!(hash.starts_with("$argon2id$"));
    }

    // The organization's admin sees Riverside's people through the application role.
    let (admin, org): (Uuid, Uuid) =
        sqlx::query_as("select id, organization_id from users where email = 'orgadmin@riverside.test'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    let mut tx = as_ctx(&db.app, RequestContext::member(admin, org, Role::OrgAdmin)).await;
    let people: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(people, 7, "Riverside's admin sees its 7 people, not the platform admin");

    // Sam has a roadmap towards his goal with some steps done, and his dashboard draws them.
    let (sam, sam_org): (Uuid, Uuid) =
        sqlx::query_as("select id, organization_id from users where email = 'sam.taylor@riverside.test'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    let (roadmaps, code, steps, done, in_progress, generated): (i64, Option<String>, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from career_roadmaps where user_id = $1),
                (select target_career_code from career_roadmaps where user_id = $1 limit 1),
                count(*), count(*) filter (where s.status = 'completed'), count(*) filter (where s.status = 'in_progress'),
                count(*) filter (where s.origin = 'generated')
           from roadmap_steps s join career_roadmaps r on r.id = s.roadmap_id where r.user_id = $1",
    )
    .bind(sam)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!((roadmaps, code.as_deref()), (1, Some("29-1141.00")), "one roadmap, towards his goal");
    assert!(steps >= 8, "the generator's steps ({steps})");
    assert_eq!((done, in_progress, generated), (3, 1, steps), "three done, one under way, all generated");
    let (comments, suggestions): (i64, i64) =
        sqlx::query_as("select (select count(*) from roadmap_comments), (select count(*) from roadmap_suggestions)")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!((comments, suggestions), (1, 1), "Amara commented and suggested a step");
    let dashboard = {
        let mut tx = as_ctx(&db.app, RequestContext::member(sam, sam_org, Role::Student)).await;
        let user = app::db::SignedIn {
            user_id: sam,
            org_id: sam_org,
            role: Role::Student,
            username: "sam".into(),
            first_name: "Sam".into(),
            organization_name: "Riverside Career Centre".into(),
        };
        app::roadmaps::api::ssr::dashboard(&mut tx, &user).await.unwrap()
    };
    assert_eq!(dashboard.roadmaps.len(), 1);
    assert_eq!(dashboard.roadmaps[0].completion.completed, 3);
    assert_eq!(dashboard.weeks.iter().map(|w| w.steps).sum::<i64>(), 3, "the three done steps fall in the last 12 weeks");
    assert!(dashboard.weeks.iter().filter(|w| w.steps > 0).count() >= 2, "spread over more than one week");
    assert!(dashboard.next_step.is_some_and(|next| next.status == app::roadmaps::domain::StepStatus::InProgress));

    // A second load leaves it as it is; the roadmap comes back only where Sam has none.
    assert_eq!(demo::load(&db.owner).await.unwrap(), DemoOutcome::AlreadyPresent);
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from career_roadmaps").fetch_one(&db.owner).await.unwrap()
    };
    assert_eq!(count().await, 1);
    sqlx::query("delete from user_progress where roadmap_step_id is not null").execute(&db.owner).await.unwrap();
    sqlx::query("delete from career_roadmaps").execute(&db.owner).await.unwrap();
    assert_eq!(demo::load(&db.owner).await.unwrap(), DemoOutcome::AlreadyPresent);
    assert_eq!(count().await, 1, "a demo loaded before roadmaps existed gets Sam's");
}
