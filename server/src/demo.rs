//! Demo data: one career centre with its admin, mentors (their listings and sessions in
//! `booking`) and students (Sam's roadmap in `roadmaps`), plus a platform admin, so a new
//! installation shows a living product. Idempotent: it loads once, keyed on the demo
//! organization's slug, inside one transaction (a demo loaded before roadmaps existed gets Sam's
//! roadmap on the next load). The passwords are listed in README.md.

mod booking;
mod roadmaps;

use app::accounts::profile::{CareerStatus, EducationLevel};
use app::accounts::{password, EmailAddress, PersonName, Username};
use app::domain::Role;
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

pub const DEMO_ORG_SLUG: &str = "riverside";
pub const ADMIN_PASSWORD: &str = "waypoint-admin-demo";
pub const ORG_ADMIN_PASSWORD: &str = "waypoint-orgadmin-demo";
pub const MENTOR_PASSWORD: &str = "waypoint-mentor-demo";
pub const STUDENT_PASSWORD: &str = "waypoint-student-demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyPresent,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("demo data is invalid: {0}")]
    Invalid(String),
    #[error("hashing a demo password failed: {0}")]
    Hash(String),
    /// The product's own code (the roadmap generator's inputs) refused; its cause is logged.
    #[error("demo data: {0}")]
    App(#[from] app::error::AppError),
}

struct Person {
    email: &'static str,
    username: &'static str,
    first: &'static str,
    last: &'static str,
    role: Role,
}

struct MentorListing {
    username: &'static str,
    bio: &'static str,
    expertise: &'static [&'static str],
    years: i32,
    hourly_rate_minor: i64,
    time_zone: &'static str,
}

struct StudentProfile {
    username: &'static str,
    headline: &'static str,
    education: EducationLevel,
    status: CareerStatus,
    location: &'static str,
    time_zone: &'static str,
    interests: &'static [&'static str],
    target_roles: &'static [&'static str],
}

const ADMIN: Person =
    Person { email: "admin@waypoint.test", username: "admin", first: "Alex", last: "Morgan", role: Role::Admin };

const RIVERSIDE_PEOPLE: [Person; 7] = [
    Person {
        email: "orgadmin@riverside.test",
        username: "riverside-admin",
        first: "Grace",
        last: "Bennett",
        role: Role::OrgAdmin,
    },
    Person {
        email: "amara.okafor@riverside.test",
        username: "amara",
        first: "Amara",
        last: "Okafor",
        role: Role::Mentor,
    },
    Person {
        email: "diego.ramirez@riverside.test",
        username: "diego",
        first: "Diego",
        last: "Ramírez",
        role: Role::Mentor,
    },
    Person { email: "mei.chen@riverside.test", username: "mei", first: "Mei", last: "Chen", role: Role::Mentor },
    Person { email: "sam.taylor@riverside.test", username: "sam", first: "Sam", last: "Taylor", role: Role::Student },
    Person {
        email: "priya.patel@riverside.test",
        username: "priya",
        first: "Priya",
        last: "Patel",
        role: Role::Student,
    },
    Person {
        email: "noah.williams@riverside.test",
        username: "noah",
        first: "Noah",
        last: "Williams",
        role: Role::Student,
    },
];

const MENTORS: [MentorListing; 3] = [
    MentorListing {
        username: "amara",
        bio: "Registered nurse for twelve years, now leading a paediatric ward. I help students weigh nursing, midwifery and allied health careers, and prepare for clinical placements.",
        expertise: &["nursing", "healthcare", "patient care", "clinical placements"],
        years: 12,
        hourly_rate_minor: 4000,
        time_zone: "Europe/London",
    },
    MentorListing {
        username: "diego",
        bio: "Software engineer building web services. I review portfolios, explain what day-to-day engineering looks like, and help plan a route in through degrees, bootcamps or self-teaching.",
        expertise: &["software engineering", "web development", "portfolio review", "technical interviews"],
        years: 8,
        hourly_rate_minor: 5500,
        time_zone: "America/Mexico_City",
    },
    MentorListing {
        username: "mei",
        bio: "Electrician turned site manager. I talk apprentices and school leavers through the trades, licensing, and starting a business of their own.",
        expertise: &["electrical trades", "apprenticeships", "construction management", "small business"],
        years: 15,
        hourly_rate_minor: 3500,
        time_zone: "Australia/Sydney",
    },
];

const STUDENTS: [StudentProfile; 3] = [
    StudentProfile {
        username: "sam",
        headline: "Final-year student curious about healthcare",
        education: EducationLevel::Secondary,
        status: CareerStatus::Student,
        location: "Leeds, UK",
        time_zone: "Europe/London",
        interests: &["biology", "helping people", "sport"],
        target_roles: &["Registered Nurse", "Physical Therapist"],
    },
    StudentProfile {
        username: "priya",
        headline: "Computer science graduate looking for a first role",
        education: EducationLevel::Bachelor,
        status: CareerStatus::Graduate,
        location: "Toronto, Canada",
        time_zone: "America/Toronto",
        interests: &["programming", "design", "data"],
        target_roles: &["Software Developer", "Data Scientist"],
    },
    StudentProfile {
        username: "noah",
        headline: "Retail manager moving into the trades",
        education: EducationLevel::SomeCollege,
        status: CareerStatus::CareerChanger,
        location: "Brisbane, Australia",
        time_zone: "Australia/Brisbane",
        interests: &["building things", "electronics", "working outdoors"],
        target_roles: &["Electrician"],
    },
];

fn demo_password(role: Role) -> &'static str {
    match role {
        Role::Admin => ADMIN_PASSWORD,
        Role::OrgAdmin => ORG_ADMIN_PASSWORD,
        Role::Mentor => MENTOR_PASSWORD,
        Role::Student => STUDENT_PASSWORD,
    }
}

/// Whether any demo account is in the database (the demo organization, or the demo platform
/// admin in the community): their passwords are published, so a real installation must not have
/// them. Runs as the owner.
pub async fn present(owner: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from organizations where slug = $1 and deleted_at is null)
               or exists (select 1 from users where email = $2 and deleted_at is null) as "present!""#,
        DEMO_ORG_SLUG,
        ADMIN.email,
    )
    .fetch_one(owner)
    .await
}

/// Loads the demo data unless it is already there. Runs as the owner (it spans tenants).
#[tracing::instrument(skip(owner))]
pub async fn load(owner: &PgPool) -> Result<DemoOutcome, DemoError> {
    let mut tx = owner.begin().await?;
    // Two servers starting at once on one database must not both load.
    sqlx::query!("select pg_advisory_xact_lock(hashtext('waypoint-demo-data'))").execute(&mut *tx).await?;
    let present = sqlx::query_scalar!(
        r#"select exists (select 1 from organizations where slug = $1 and deleted_at is null) as "present!""#,
        DEMO_ORG_SLUG,
    )
    .fetch_one(&mut *tx)
    .await?;
    if present {
        // A demo loaded before roadmaps existed gets Sam's (nothing when he has one).
        roadmaps::backfill(&mut tx).await?;
        tx.commit().await?;
        return Ok(DemoOutcome::AlreadyPresent);
    }

    let community = sqlx::query_scalar!("select id from organizations where kind = 'public' and deleted_at is null")
        .fetch_one(&mut *tx)
        .await?;
    let riverside = sqlx::query_scalar!(
        "insert into organizations (name, slug, kind, invite_code, settings)
         values ('Riverside Career Centre', $1, 'career_centre', 'RIVERSIDE-2026', $2) returning id",
        DEMO_ORG_SLUG,
        serde_json::json!({ "default_time_zone": "Europe/London", "demo": true }),
    )
    .fetch_one(&mut *tx)
    .await?;

    let user_ids = insert_people(&mut tx, community, riverside).await?;
    insert_mentors(&mut tx, &user_ids).await?;
    insert_students(&mut tx, &user_ids).await?;
    demo_interest_results(&mut tx, &user_ids).await?;
    insert_application(&mut tx, &user_ids).await?;
    booking::insert(&mut tx, &user_ids).await?;
    // After the booking demo (Sam's goal, his mentor Amara) and the reference data it reads.
    roadmaps::insert(&mut tx, &user_ids).await?;

    tx.commit().await?;
    tracing::info!("demo data loaded");
    Ok(DemoOutcome::Loaded)
}

type Tx = sqlx::Transaction<'static, sqlx::Postgres>;
/// Each demo account's (user id, organization id) by username.
type UserIds = HashMap<&'static str, (Uuid, Uuid)>;

/// The platform admin (in the community) and Riverside's people.
async fn insert_people(tx: &mut Tx, community: Uuid, riverside: Uuid) -> Result<UserIds, DemoError> {
    let mut hashes = HashMap::new();
    for role in [Role::Admin, Role::OrgAdmin, Role::Mentor, Role::Student] {
        let hash = password::hash_blocking(demo_password(role).to_string())
            .await
            .map_err(|error| DemoError::Hash(error.to_string()))?;
        hashes.insert(role, hash);
    }

    let mut user_ids = HashMap::new();
    for (person, org) in std::iter::once((&ADMIN, community)).chain(RIVERSIDE_PEOPLE.iter().map(|p| (p, riverside))) {
        // The same domain types as sign-up: demo data obeys the rules real data does.
        let invalid =
            |error: app::domain::ValidationError| DemoError::Invalid(format!("{}: {error}", person.username));
        let email = EmailAddress::parse(person.email).map_err(invalid)?;
        let username = Username::parse(person.username).map_err(invalid)?;
        let first = PersonName::parse(person.first).map_err(invalid)?;
        let last = PersonName::parse(person.last).map_err(invalid)?;
        let id = sqlx::query_scalar!(
            "insert into users (organization_id, email, username, password_hash, first_name, last_name, role, email_verified_at)
             values ($1, $2, $3, $4, $5, $6, $7, now()) returning id",
            org,
            email.as_str(),
            username.as_str(),
            hashes[&person.role],
            first.as_str(),
            last.as_str(),
            person.role as Role,
        )
        .fetch_one(&mut **tx)
        .await?;
        user_ids.insert(person.username, (id, org));
    }
    Ok(user_ids)
}

async fn insert_mentors(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    for mentor in &MENTORS {
        let (user_id, org) = user_ids[mentor.username];
        sqlx::query!(
            "insert into mentors (user_id, organization_id, bio, expertise_areas, years_experience,
                                  hourly_rate_minor, currency, time_zone)
             values ($1, $2, $3, $4, $5, $6, 'USD', $7)",
            user_id,
            org,
            mentor.bio,
            mentor.expertise as &[&str],
            mentor.years,
            mentor.hourly_rate_minor,
            mentor.time_zone,
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "insert into user_profiles (user_id, organization_id, headline, bio, time_zone, current_status)
             values ($1, $2, $3, $4, $5, $6)",
            user_id,
            org,
            format!("Mentor · {}", mentor.expertise[0]),
            mentor.bio,
            mentor.time_zone,
            CareerStatus::Employed as CareerStatus,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_students(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    for student in &STUDENTS {
        let (user_id, org) = user_ids[student.username];
        sqlx::query!(
            "insert into user_profiles (user_id, organization_id, headline, education_level, current_status,
                                        location, time_zone, interests, target_roles)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            user_id,
            org,
            student.headline,
            student.education as EducationLevel,
            student.status as CareerStatus,
            student.location,
            student.time_zone,
            student.interests as &[&str],
            student.target_roles as &[&str],
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One application waiting for Riverside's admin, so the review queue shows a real case.
async fn insert_application(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    let application = app::accounts::mentor_application::MentorApplicationInput::parse(
        "data analysis, public health research",
        "2",
        "Two years as a research assistant on a county public-health survey. I can help students start with \
         statistics and find research placements.",
        "20",
        "USD",
    )
    .map_err(|errors| DemoError::Invalid(format!("priya's application: {errors:?}")))?;
    let (user_id, org) = user_ids["priya"];
    app::accounts::mentor_application::api::ssr::insert_application(tx, user_id, org, &application).await?;
    Ok(())
}

/// Interest Profiler results for two students (Sam took it twice), scored by the product's own
/// scoring, so matches and history show real cases on a new installation.
async fn demo_interest_results(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    use app::assessments::interest_profiler::{definition, AREAS, SLUG, SOURCE};
    use app::assessments::scoring::{score, Answer, Answers};
    let Some(version) = sqlx::query_scalar!(
        "select id from assessments where organization_id is null and slug = $1::text::citext and status = 'published'",
        SLUG,
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        tracing::warn!("the Interest Profiler is not loaded; demo results skipped");
        return Ok(());
    };
    let instrument = definition(SOURCE).map_err(DemoError::Invalid)?;
    let questions = instrument.numbered();
    // Answers per area in R, I, A, S, E, C order (0 Strongly Dislike … 4 Strongly Like).
    let takes: [(&str, [usize; 6], i32); 3] =
        [("sam", [1, 2, 3, 3, 1, 1], 60), ("sam", [1, 3, 1, 4, 1, 1], 3), ("priya", [2, 4, 1, 1, 1, 3], 10)];
    for (username, pattern, days_ago) in takes {
        let (user_id, org) = user_ids[username];
        let answers: Answers = questions
            .iter()
            .map(|q| {
                let area = q.question.scored_dimensions().into_iter().next().unwrap_or("R").to_string();
                let index = AREAS.iter().position(|a| a.to_string() == area).unwrap_or(0);
                (q.position, Answer::Point(pattern[index]))
            })
            .collect();
        let sheet = score(&instrument.scoring, &questions, &answers);
        let answers = serde_json::to_value(&answers).map_err(|e| DemoError::Invalid(e.to_string()))?;
        let scores = serde_json::to_value(sheet.by_key()).map_err(|e| DemoError::Invalid(e.to_string()))?;
        sqlx::query!(
            "insert into assessment_results (user_id, organization_id, assessment_id, status, answers, scores, summary_code,
                                             started_at, completed_at)
             values ($1, $2, $3, 'completed', $4, $5, $6, now() - make_interval(days => $7, mins => 12),
                     now() - make_interval(days => $7))",
            user_id,
            org,
            version,
            answers,
            scores,
            sheet.summary.code,
            days_ago,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
