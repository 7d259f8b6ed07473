//! The demo's roadmap: Sam's, towards his goal (Registered Nurses, set in `booking`), made by
//! the product's own generator from the real inputs (the career's O*NET and BLS facts, Sam's
//! profile and latest Interest Profiler result, the resource library he can read). He started it
//! three weeks ago: the first three steps are done, a week or so apart, and the fourth is under
//! way, so `/progress` draws real charts. Amara, his mentor (they have sessions together),
//! commented on a step and suggested one he hasn't answered yet.
//!
//! Idempotent: nothing happens when Sam has no goal or already has a roadmap, so it also runs on
//! a demo loaded before roadmaps existed.

use super::{DemoError, Tx, UserIds};
use app::careers::CareerCode;
use app::db::SignedIn;
use app::domain::{Parse, Role};
use app::roadmaps::api::ssr::generation_input;
use app::roadmaps::domain::{CommentBody, Horizon, StepDraft, StepKind};
use app::roadmaps::generate::generate;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// How long ago Sam generated the roadmap, and how many days ago he finished each of its first
/// three steps (spread over those three weeks).
const STARTED_DAYS_AGO: i64 = 21;
const COMPLETED_DAYS_AGO: [i64; 3] = [17, 10, 4];

/// Sam's roadmap, from the ids the demo load just made.
pub async fn insert(tx: &mut Tx, user_ids: &UserIds) -> Result<(), DemoError> {
    let (sam, org) = user_ids["sam"];
    let (amara, _) = user_ids["amara"];
    insert_for(tx, sam, org, amara).await
}

/// Sam's roadmap on a demo loaded earlier (found by the demo organization and usernames).
pub async fn backfill(tx: &mut Tx) -> Result<(), DemoError> {
    let people = sqlx::query!(
        r#"select u.username::text as "username!", u.id, u.organization_id
             from users u join organizations o on o.id = u.organization_id
            where o.slug = $1 and u.username in ('sam', 'amara') and u.deleted_at is null"#,
        super::DEMO_ORG_SLUG,
    )
    .fetch_all(&mut **tx)
    .await?;
    let find = |name: &str| people.iter().find(|p| p.username == name).map(|p| (p.id, p.organization_id));
    match (find("sam"), find("amara")) {
        (Some((sam, org)), Some((amara, _))) => insert_for(tx, sam, org, amara).await,
        // Someone removed them: there is no demo student to give a roadmap to.
        _ => Ok(()),
    }
}

async fn insert_for(tx: &mut Tx, sam: Uuid, org: Uuid, amara: Uuid) -> Result<(), DemoError> {
    let has_roadmap =
        sqlx::query_scalar!(r#"select exists (select 1 from career_roadmaps where user_id = $1) as "has!""#, sam)
            .fetch_one(&mut **tx)
            .await?;
    if has_roadmap {
        return Ok(());
    }
    let Some(goal) =
        sqlx::query!("select id, career_code from career_goals where user_id = $1 and deleted_at is null", sam)
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(());
    };
    let invalid = |error: app::domain::ValidationError| DemoError::Invalid(format!("Sam's roadmap: {error}"));
    let code = CareerCode::parse(&goal.career_code).map_err(invalid)?;
    let organization_name =
        sqlx::query_scalar!("select name from organizations where id = $1", org).fetch_one(&mut **tx).await?;
    let user = SignedIn {
        user_id: sam,
        org_id: org,
        role: Role::Student,
        username: "sam".to_string(),
        first_name: "Sam".to_string(),
        organization_name,
    };

    // The generator's inputs as the product gathers them for Sam.
    let started = (Utc::now() - Duration::days(STARTED_DAYS_AGO)).date_naive();
    let horizon = Horizon::DEFAULT;
    let mut input = generation_input(tx, &user, &code, horizon, started).await?;
    // Loaded as the owner, which row-level security doesn't bind: keep to the library Sam reads
    // (the shared one and his organization's), as the product's own query would under his context.
    let readable = sqlx::query_scalar!(
        "select id from resources where (organization_id is null or organization_id = $1) and deleted_at is null",
        org
    )
    .fetch_all(&mut **tx)
    .await?;
    input.library.retain(|resource| readable.contains(&resource.id));
    let roadmap = generate(&input);
    if roadmap.steps.len() < 4 {
        return Err(DemoError::Invalid(format!(
            "Sam's roadmap has {} steps; the demo marks four",
            roadmap.steps.len()
        )));
    }

    // Stored as `roadmaps::api::ssr::generate` stores a roadmap, dated when Sam made it.
    let metadata = serde_json::json!({
        "generation": {
            "explanation": roadmap.explanation,
            "generated_on": input.today,
            "education": input.person.education.map(|e| e.as_str()),
            "status": input.person.status.map(|s| s.as_str()),
            "top_interest": input.person.top_interest.map(String::from),
        }
    });
    let roadmap_id = sqlx::query_scalar!(
        r#"insert into career_roadmaps (user_id, organization_id, title, target_career_code, career_goal_id,
                                        horizon_months, target_date, metadata, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, now() - make_interval(days => $9), now() - make_interval(days => $9))
           returning id"#,
        sam,
        org,
        roadmap.title,
        code.as_str(),
        goal.id,
        horizon.months() as i16,
        // `as _`: the session store turns on sqlx's `time` types for the columns; the value is chrono's.
        roadmap.target_date as _,
        metadata,
        STARTED_DAYS_AGO as i32,
    )
    .fetch_one(&mut **tx)
    .await?;
    let mut step_ids = Vec::with_capacity(roadmap.steps.len());
    for (index, step) in roadmap.steps.iter().enumerate() {
        let step_id = sqlx::query_scalar!(
            r#"insert into roadmap_steps (roadmap_id, organization_id, position, title, description, kind, due_date,
                                          reason, origin, created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, 'generated', now() - make_interval(days => $9),
                       now() - make_interval(days => $9))
               returning id"#,
            roadmap_id,
            org,
            index as i32 + 1,
            step.title,
            step.description,
            step.kind as StepKind,
            step.due_date as _,
            step.reason,
            STARTED_DAYS_AGO as i32,
        )
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query!(
            r#"insert into roadmap_step_resources (step_id, organization_id, resource_id, position)
               select $1, $2, r.id, r.ord::smallint from unnest($3::uuid[]) with ordinality as r(id, ord)"#,
            step_id,
            org,
            &step.resources,
        )
        .execute(&mut **tx)
        .await?;
        step_ids.push(step_id);
    }

    // Progress: the status changes go through the same triggers as Sam's own clicks (they keep
    // user_progress and the roadmap's status in step).
    for (step, days_ago) in step_ids.iter().zip(COMPLETED_DAYS_AGO) {
        sqlx::query!(
            "update roadmap_steps set status = 'completed', completed_at = now() - make_interval(days => $2) where id = $1",
            step,
            days_ago as i32,
        )
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query!("update roadmap_steps set status = 'in_progress' where id = $1", step_ids[3])
        .execute(&mut **tx)
        .await?;

    // Amara's feedback, checked by the same rules as a mentor's typing.
    let comment = CommentBody::parse(
        "Good choice to start here. When you read about ward work, look at night shifts and weekends too: \
         they are part of most nurses' first years, and better known before you apply than after.",
    )
    .map_err(invalid)?;
    sqlx::query!(
        "insert into roadmap_comments (roadmap_id, organization_id, step_id, author_id, body, created_at, updated_at)
         values ($1, $2, $3, $4, $5, now() - interval '9 days', now() - interval '9 days')",
        roadmap_id,
        org,
        step_ids[0],
        amara,
        comment.as_str(),
    )
    .execute(&mut **tx)
    .await?;
    let suggestion = StepDraft::parse(
        "Spend a day shadowing on a hospital ward",
        "Ask your school's careers adviser or the hospital's volunteer office. Write down three things that surprised you.",
        StepKind::Network.key(),
        "",
        "A whole shift on a ward shows you the pace and the teamwork better than any guide.",
    )
    .map_err(|errors| DemoError::Invalid(format!("Amara's suggestion: {errors}")))?;
    sqlx::query!(
        "insert into roadmap_suggestions (roadmap_id, organization_id, author_id, title, description, kind, reason,
                                          created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() - interval '2 days', now() - interval '2 days')",
        roadmap_id,
        org,
        amara,
        suggestion.title,
        suggestion.description,
        suggestion.kind as StepKind,
        suggestion.reason,
    )
    .execute(&mut **tx)
    .await?;
    tracing::info!(roadmap = %roadmap_id, steps = step_ids.len(), "demo roadmap for Sam");
    Ok(())
}
