//! Rows for tests, inserted as the owner. Two organizations, each with an org admin, a mentor
//! and two students, plus a booking, payment, subscription, roadmap, progress and notification.

use app::domain::Role;
use app::db::{tx, RequestContext};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

pub const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

#[derive(Debug, Clone, Copy)]
pub struct Tenant {
    pub org: Uuid,
    pub org_admin: Uuid,
    pub mentor_user: Uuid,
    pub mentor: Uuid,
    pub student: Uuid,
    pub other_student: Uuid,
    pub booking: Uuid,
    /// The mentor's one session type: 60 minutes, 40.00 USD.
    pub session_type: Uuid,
    pub roadmap: Uuid,
}

impl Tenant {
    pub fn student_ctx(&self) -> RequestContext {
        RequestContext::member(self.student, self.org, Role::Student)
    }
    pub fn other_student_ctx(&self) -> RequestContext {
        RequestContext::member(self.other_student, self.org, Role::Student)
    }
    pub fn mentor_ctx(&self) -> RequestContext {
        RequestContext::member(self.mentor_user, self.org, Role::Mentor)
    }
    pub fn org_admin_ctx(&self) -> RequestContext {
        RequestContext::member(self.org_admin, self.org, Role::OrgAdmin)
    }
}

pub async fn user(owner: &PgPool, org: Uuid, username: &str, role: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into users (organization_id, email, username, password_hash, first_name, last_name, role)
         values ($1, $2 || '@example.org', $2, $3, initcap($2), 'Tester', $4::user_role) returning id",
    )
    .bind(org)
    .bind(username)
    .bind(HASH)
    .bind(role)
    .fetch_one(owner)
    .await
    .expect("insert user")
}

pub async fn tenant(owner: &PgPool, slug: &str) -> Tenant {
    let org: Uuid = sqlx::query_scalar("insert into organizations (name, slug) values ($1, $1) returning id")
        .bind(slug)
        .fetch_one(owner)
        .await
        .expect("insert organization");
    let org_admin = user(owner, org, &format!("{slug}-admin"), "org_admin").await;
    let mentor_user = user(owner, org, &format!("{slug}-mentor"), "mentor").await;
    let student = user(owner, org, &format!("{slug}-student"), "student").await;
    let other_student = user(owner, org, &format!("{slug}-student2"), "student").await;
    let mentor: Uuid = sqlx::query_scalar(
        "insert into mentors (user_id, organization_id, bio, expertise_areas) values ($1, $2, 'Nurse and educator', '{nursing,healthcare}') returning id",
    )
    .bind(mentor_user)
    .bind(org)
    .fetch_one(owner)
    .await
    .expect("insert mentor");
    for person in [student, other_student] {
        sqlx::query("insert into user_profiles (user_id, organization_id, headline) values ($1, $2, 'Exploring')")
            .bind(person)
            .bind(org)
            .execute(owner)
            .await
            .expect("insert profile");
    }
    let session_type: Uuid = sqlx::query_scalar(
        "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes, price_minor, currency)
         values ($1, $2, 'Career conversation', 60, 4000, 'USD') returning id",
    )
    .bind(mentor)
    .bind(org)
    .fetch_one(owner)
    .await
    .expect("insert session type");
    let booking: Uuid = sqlx::query_scalar(
        "insert into bookings (organization_id, mentor_id, student_id, session_type_id, scheduled_at, ends_at, price_minor)
         values ($1, $2, $3, $4, '2030-03-01 10:00Z', '2030-03-01 11:00Z', 4000) returning id",
    )
    .bind(org)
    .bind(mentor)
    .bind(student)
    .bind(session_type)
    .fetch_one(owner)
    .await
    .expect("insert booking");
    sqlx::query(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency, status)
         values ($1, $2, $3, 4000, 'USD', 'succeeded')",
    )
    .bind(student)
    .bind(org)
    .bind(booking)
    .execute(owner)
    .await
    .expect("insert payment");
    sqlx::query(
        "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, current_period_start, current_period_end)
         values ($1, $2, 'plus-monthly', 'active', 900, now(), now() + interval '30 days')",
    )
    .bind(student)
    .bind(org)
    .execute(owner)
    .await
    .expect("insert subscription");
    let assessment: Uuid = sqlx::query_scalar(
        "insert into assessments (organization_id, slug, title, status, published_at) values ($1, 'values', 'Work values', 'published', now()) returning id",
    )
    .bind(org)
    .fetch_one(owner)
    .await
    .expect("insert assessment");
    sqlx::query(
        "insert into assessment_questions (assessment_id, position, prompt, question_type, options)
         values ($1, 1, 'I like fixing things', 'likert', '{\"points\": 5}')",
    )
    .bind(assessment)
    .execute(owner)
    .await
    .expect("insert question");
    sqlx::query(
        "insert into assessment_results (user_id, organization_id, assessment_id, status, completed_at, scores, summary_code)
         values ($1, $2, $3, 'completed', now(), '{\"R\": 30}', 'RIA')",
    )
    .bind(student)
    .bind(org)
    .bind(assessment)
    .execute(owner)
    .await
    .expect("insert result");
    let roadmap: Uuid = sqlx::query_scalar(
        "insert into career_roadmaps (user_id, organization_id, title, target_career_code) values ($1, $2, 'Become a nurse', '29-1141.00') returning id",
    )
    .bind(student)
    .bind(org)
    .fetch_one(owner)
    .await
    .expect("insert roadmap");
    let step: Uuid = sqlx::query_scalar(
        "insert into roadmap_steps (roadmap_id, organization_id, position, title) values ($1, $2, 1, 'Shadow a nurse') returning id",
    )
    .bind(roadmap)
    .bind(org)
    .fetch_one(owner)
    .await
    .expect("insert step");
    // The step's progress row is written by the step's own trigger (migration 19); the fixture
    // moves it along as a person would.
    sqlx::query("update roadmap_steps set status = 'in_progress' where id = $1").bind(step).execute(owner).await.expect("start step");
    sqlx::query("update user_progress set progress_percent = 40 where user_id = $1 and organization_id = $2 and roadmap_step_id = $3")
        .bind(student)
        .bind(org)
        .bind(step)
        .execute(owner)
        .await
        .expect("record progress");
    sqlx::query("insert into notifications (user_id, organization_id, kind, title) values ($1, $2, 'booking', 'Session confirmed')")
        .bind(student)
        .bind(org)
        .execute(owner)
        .await
        .expect("insert notification");
    sqlx::query(
        "insert into resources (organization_id, slug, title, description, resource_type, status, published_at)
         values ($1, 'org-guide', 'Our placement guide', 'How placements work here', 'guide', 'published', now())",
    )
    .bind(org)
    .execute(owner)
    .await
    .expect("insert resource");
    Tenant { org, org_admin, mentor_user, mentor, student, other_student, booking, session_type, roadmap }
}

/// A transaction as the application role, with this request context.
pub async fn as_ctx(app: &PgPool, ctx: RequestContext) -> Transaction<'static, Postgres> {
    tx(app, &ctx).await.expect("begin a request transaction")
}

/// The SQLSTATE of a refused statement.
pub fn sqlstate<T: std::fmt::Debug>(result: Result<T, sqlx::Error>) -> String {
    match result {
        Err(sqlx::Error::Database(error)) => error.code().map(|code| code.to_string()).unwrap_or_default(),
        other => panic!("expected the database to refuse, got {other:?}"),
    }
}
