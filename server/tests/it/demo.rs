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
}
