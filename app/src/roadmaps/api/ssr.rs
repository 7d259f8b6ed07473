//! The bodies of roadmaps' server functions, each in the caller's transaction: row-level security
//! decides whose roadmaps the caller reads (their own, their students' while they have sessions
//! together, ones shared with their organization), and every change locks the roadmap's row, so
//! concurrent edits queue and a reorder made on an older version is refused.

use crate::accounts::profile::{CareerStatus, EducationLevel};
use crate::assessments::store::Taker;
use crate::careers::domain::CareerCode;
use crate::db::{SignedIn, Tx};
use crate::domain::{Parse, Role};
use crate::error::AppError;
use crate::roadmaps::domain::{
    CommentBody, CommentView, Completion, GoalForRoadmap, Horizon, MonthCount, NewOrder, NextStep, OrganizationFigures,
    ProgressDashboard, ResourceCounts, RoadmapProgress, RoadmapStatus, RoadmapSummary, RoadmapView, RoadmapsOverview,
    ShareLink, SharedRoadmap, SharedStep, SharedWithOrganization, StepDraft, StepKind, StepOrigin, StepResource,
    StepStatus, StepView, StudentRoadmaps, SuggestionStatus, SuggestionView, Viewer, WeekCount, STALE_ROADMAP,
};
use crate::roadmaps::generate::{self, CareerFacts, GenerationInput, LibraryResource, PersonFacts};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// Sends a plain form post (no JavaScript yet) back to `path`.
fn back_to(path: &str) {
    if crate::db::caller::posted_by_a_plain_form() {
        leptos_axum::redirect(path);
    }
}

fn roadmap_path(id: Uuid) -> String {
    format!("/roadmap/{id}")
}

/// Maps what the database refused about roadmaps to what the person can do about it.
fn refused(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        match db.constraint() {
            Some("career_roadmaps_plan_limit") => {
                let detail = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().and_then(|e| e.detail().map(str::to_string));
                let (plan, limit) = detail
                    .as_deref()
                    .and_then(|d| d.rsplit_once(':'))
                    .map(|(plan, limit)| (plan.to_string(), limit.to_string()))
                    .unwrap_or_else(|| ("current".to_string(), "a limited number of".to_string()));
                let noun = if limit == "1" { "roadmap" } else { "roadmaps" };
                return AppError::Conflict(format!(
                    "Your {plan} plan keeps {limit} {noun} at once. Archive one you have finished, or choose a plan with more roadmaps on the pricing page."
                ));
            }
            Some("career_roadmaps_one_per_career") => {
                return AppError::Conflict(
                    "You already have a roadmap for this career. Open it from your roadmaps, or archive it to start again.".into(),
                );
            }
            _ => {}
        }
    }
    AppError::from(error)
}

// Reading -------------------------------------------------------------------------------------

struct SummaryRow {
    id: Uuid,
    title: String,
    career_code: Option<String>,
    career_title: Option<String>,
    status: RoadmapStatus,
    updated_at: DateTime<Utc>,
    total: i64,
    completed: i64,
    skipped: i64,
    in_progress: i64,
    next_step: Option<String>,
}

impl From<SummaryRow> for RoadmapSummary {
    fn from(row: SummaryRow) -> Self {
        RoadmapSummary {
            id: row.id,
            title: row.title,
            career_code: row.career_code,
            career_title: row.career_title,
            status: row.status,
            completion: Completion { total: row.total, completed: row.completed, skipped: row.skipped, in_progress: row.in_progress },
            updated_at: row.updated_at,
            next_step: row.next_step,
        }
    }
}

/// Roadmaps of `owner` the caller may read, newest activity first (archived last).
async fn summaries(tx: &mut Tx, owner: Uuid) -> Result<Vec<RoadmapSummary>, AppError> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"select r.id, r.title, r.target_career_code as career_code, c.title as "career_title?",
                  r.status as "status: RoadmapStatus", r.updated_at as "updated_at: DateTime<Utc>",
                  count(s.id) as "total!",
                  count(s.id) filter (where s.status = 'completed') as "completed!",
                  count(s.id) filter (where s.status = 'skipped') as "skipped!",
                  count(s.id) filter (where s.status = 'in_progress') as "in_progress!",
                  (select n.title from roadmap_steps n
                    where n.roadmap_id = r.id and n.deleted_at is null and n.status in ('not_started', 'in_progress')
                    order by n.position limit 1) as "next_step?"
             from career_roadmaps r
             left join careers c on c.code = r.target_career_code
             left join roadmap_steps s on s.roadmap_id = r.id and s.deleted_at is null
            where r.user_id = $1 and r.deleted_at is null
            group by r.id, c.title
            order by r.status = 'archived', r.updated_at desc, r.id"#,
        owner
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(RoadmapSummary::from).collect())
}

pub async fn overview(tx: &mut Tx, user: &SignedIn) -> Result<RoadmapsOverview, AppError> {
    let roadmaps = summaries(tx, user.user_id).await?;
    let goal = sqlx::query!(
        r#"select g.career_code, c.title,
                  (select r.id from career_roadmaps r
                    where r.user_id = g.user_id and r.target_career_code = g.career_code
                      and r.status <> 'archived' and r.deleted_at is null) as "roadmap_id?"
             from career_goals g join careers c on c.code = g.career_code
            where g.user_id = $1 and g.deleted_at is null"#,
        user.user_id
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|row| GoalForRoadmap { career_code: row.career_code, career_title: row.title, roadmap_id: row.roadmap_id });
    let profile = sqlx::query!(
        r#"select education_level as "education: EducationLevel", current_status as "status: CareerStatus"
             from user_profiles where user_id = $1 and deleted_at is null"#,
        user.user_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    let has_interest_result = top_interest(tx, user).await?.is_some();
    let plan = sqlx::query!(
        r#"select p.name, p.entitlements -> 'roadmaps' as "roadmaps",
                  (select count(*) from career_roadmaps r
                    where r.user_id = $1 and r.status <> 'archived' and r.deleted_at is null) as "in_use!"
             from plans p where p.code = current_plan_of($1)"#,
        user.user_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let plan_limit = plan.roadmaps.and_then(|limit| limit.as_u64()).map(|limit| limit as u32);
    // Students whose mentor the caller is (sessions booked together), one list each.
    let student_ids = sqlx::query!(
        r#"select distinct r.user_id, u.first_name || ' ' || u.last_name as "name!"
             from career_roadmaps r join users u on u.id = r.user_id
            where r.user_id <> $1 and r.deleted_at is null and current_app_mentors_student(r.user_id)
            order by 2"#,
        user.user_id
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut students = Vec::with_capacity(student_ids.len());
    for student in student_ids {
        let roadmaps = summaries(tx, student.user_id).await?;
        students.push(StudentRoadmaps { student_name: student.name, roadmaps });
    }
    Ok(RoadmapsOverview {
        roadmaps,
        goal,
        education_label: profile.as_ref().and_then(|p| p.education).map(|e| e.label().to_string()),
        status_label: profile.as_ref().and_then(|p| p.status).map(|s| s.label().to_string()),
        has_interest_result,
        plan_name: plan.name,
        plan_limit,
        in_use: plan.in_use as u32,
        students,
    })
}

/// The letter of the strongest area in the caller's latest Interest Profiler result (ties go to
/// the earlier area in O*NET's R-I-A-S-E-C order, so the choice is stable).
async fn top_interest(tx: &mut Tx, user: &SignedIn) -> Result<Option<char>, AppError> {
    let scores = crate::assessments::api::ssr::results::interest_scores(tx, &Taker::Member(user.clone())).await?;
    Ok(scores.map(|scores| {
        let mut best = 0;
        for (index, score) in scores.scores.iter().enumerate() {
            if *score > scores.scores[best] {
                best = index;
            }
        }
        crate::domain::riasec::AREAS[best].letter
    }))
}

#[derive(Deserialize)]
struct StoredTask {
    text: String,
    #[serde(default)]
    core: bool,
}

#[derive(Deserialize)]
struct StoredTechnology {
    #[serde(default)]
    examples: Vec<StoredExample>,
}

#[derive(Deserialize)]
struct StoredExample {
    name: String,
    #[serde(default)]
    hot: bool,
}

/// What the generator knows about a career, from the careers tables and BLS's entry requirements.
pub async fn career_facts(tx: &mut Tx, code: &CareerCode) -> Result<CareerFacts, AppError> {
    let row = sqlx::query!(
        r#"select c.title, c.job_zone, c.tasks, c.technology, z.name as zone_name, z.education as zone_education
             from careers c join job_zones z on z.zone = c.job_zone where c.code = $1"#,
        code.as_str()
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that career".into()))?;
    let tasks: Vec<StoredTask> = crate::db::stored_json(row.tasks, "career tasks", code.as_str())?;
    let technology: Vec<StoredTechnology> = crate::db::stored_json(row.technology, "career technology", code.as_str())?;
    let mut hot: Vec<String> = Vec::new();
    for example in technology.iter().flat_map(|category| category.examples.iter()).filter(|e| e.hot) {
        if !hot.contains(&example.name) {
            hot.push(example.name.clone());
        }
    }
    let entry = crate::careers::entry::ssr::entry_facts(tx, code).await?;
    Ok(CareerFacts {
        code: code.as_str().to_string(),
        title: row.title,
        job_zone: row.job_zone,
        zone_name: row.zone_name,
        zone_education: row.zone_education,
        core_tasks: tasks.into_iter().filter(|t| t.core).map(|t| t.text).collect(),
        hot_technologies: hot,
        entry,
    })
}

/// The published library the caller reads, as the generator matches it.
async fn library(tx: &mut Tx) -> Result<Vec<LibraryResource>, AppError> {
    let rows = sqlx::query!(
        r#"select id, slug::text as "slug!", title, tags, career_codes
             from resources where status = 'published' and deleted_at is null order by slug, id"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LibraryResource { id: r.id, slug: r.slug, title: r.title, tags: r.tags, career_codes: r.career_codes })
        .collect())
}

/// The inputs the generator uses for the caller and their goal (also what a test pins down).
pub async fn generation_input(tx: &mut Tx, user: &SignedIn, code: &CareerCode, horizon: Horizon, today: NaiveDate) -> Result<GenerationInput, AppError> {
    let career = career_facts(tx, code).await?;
    let profile = sqlx::query!(
        r#"select education_level as "education: EducationLevel", current_status as "status: CareerStatus"
             from user_profiles where user_id = $1 and deleted_at is null"#,
        user.user_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    let person = PersonFacts {
        education: profile.as_ref().and_then(|p| p.education),
        status: profile.as_ref().and_then(|p| p.status),
        top_interest: top_interest(tx, user).await?,
    };
    Ok(GenerationInput { career, person, horizon, today, library: library(tx).await? })
}

pub async fn generate(tx: &mut Tx, user: &SignedIn, horizon: String) -> Result<Uuid, AppError> {
    let horizon = Horizon::parse(&horizon).map_err(|e| {
        let mut errors = crate::domain::FieldErrors::new();
        errors.add("horizon", e.0);
        AppError::Invalid(errors)
    })?;
    let goal = sqlx::query!("select id, career_code from career_goals where user_id = $1 and deleted_at is null", user.user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| {
            AppError::invalid("Choose a career goal first: open a career's page and choose \u{201c}Make this my goal\u{201d}.")
        })?;
    let code = CareerCode::parse(&goal.career_code)?;
    let input = generation_input(tx, user, &code, horizon, Utc::now().date_naive()).await?;
    let roadmap = generate::generate(&input);
    let metadata = serde_json::json!({
        "generation": {
            "explanation": roadmap.explanation,
            "generated_on": input.today,
            "education": input.person.education.map(|e| e.as_str()),
            "status": input.person.status.map(|s| s.as_str()),
            "top_interest": input.person.top_interest.map(String::from),
        }
    });
    let id = sqlx::query_scalar!(
        r#"insert into career_roadmaps (user_id, organization_id, title, target_career_code, career_goal_id,
                                        horizon_months, target_date, metadata)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning id"#,
        user.user_id,
        user.org_id,
        roadmap.title,
        code.as_str(),
        goal.id,
        horizon.months() as i16,
        roadmap.target_date as _,
        metadata,
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(refused)?;
    for (index, step) in roadmap.steps.iter().enumerate() {
        let step_id = sqlx::query_scalar!(
            r#"insert into roadmap_steps (roadmap_id, organization_id, position, title, description, kind, due_date, reason, origin)
               values ($1, $2, $3, $4, $5, $6, $7, $8, 'generated') returning id"#,
            id,
            user.org_id,
            index as i32 + 1,
            step.title,
            step.description,
            step.kind as StepKind,
            step.due_date as _,
            step.reason,
        )
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query!(
            r#"insert into roadmap_step_resources (step_id, organization_id, resource_id, position)
               select $1, $2, r.id, r.ord::smallint from unnest($3::uuid[]) with ordinality as r(id, ord)"#,
            step_id,
            user.org_id,
            &step.resources,
        )
        .execute(&mut **tx)
        .await?;
    }
    tracing::info!(roadmap = %id, career = %code.as_str(), steps = roadmap.steps.len(), "roadmap generated");
    back_to(&roadmap_path(id));
    Ok(id)
}

#[derive(Deserialize)]
struct StoredGeneration {
    #[serde(default)]
    explanation: Vec<String>,
}

pub async fn view(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<RoadmapView, AppError> {
    let row = sqlx::query!(
        r#"select r.id, r.user_id, r.title, r.target_career_code, c.title as "career_title?",
                  r.status as "status: RoadmapStatus", r.horizon_months, r.version,
                  r.created_at as "created_at: DateTime<Utc>", r.target_date as "target_date: NaiveDate",
                  r.metadata -> 'generation' as "generation",
                  u.first_name as "owner_first_name?",
                  r.share_token_hash is not null as "share_link_active!", r.shared_with_organization,
                  current_app_mentors_student(r.user_id) as "mentor!"
             from career_roadmaps r
             left join careers c on c.code = r.target_career_code
             left join users u on u.id = r.user_id
            where r.id = $1 and r.deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that roadmap".into()))?;
    let viewer = if row.user_id == user.user_id {
        Viewer::Owner
    } else if row.mentor {
        Viewer::Mentor
    } else {
        Viewer::Reader
    };
    let explanation = match row.generation {
        Some(stored) => crate::db::stored_json::<StoredGeneration>(stored, "roadmap generation", id)?.explanation,
        None => Vec::new(),
    };
    let steps = steps_of(tx, id).await?;
    let comments = sqlx::query!(
        r#"select m.id, m.step_id, coalesce(u.first_name || ' ' || u.last_name, 'Someone') as "author!",
                  m.author_id = $2 as "by_owner!", m.body, m.created_at as "created_at: DateTime<Utc>"
             from roadmap_comments m left join users u on u.id = m.author_id
            where m.roadmap_id = $1 and m.deleted_at is null
            order by m.created_at, m.id"#,
        id,
        row.user_id
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|c| CommentView { id: c.id, step_id: c.step_id, author_name: c.author, by_owner: c.by_owner, body: c.body, created_at: c.created_at })
    .collect();
    let suggestions = sqlx::query!(
        r#"select s.id, coalesce(u.first_name || ' ' || u.last_name, 'A mentor') as "author!", s.title, s.description,
                  s.kind as "kind: StepKind", s.reason, s.status as "status: SuggestionStatus",
                  s.created_at as "created_at: DateTime<Utc>"
             from roadmap_suggestions s left join users u on u.id = s.author_id
            where s.roadmap_id = $1
            order by s.status <> 'pending', s.created_at desc, s.id"#,
        id
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|s| SuggestionView {
        id: s.id,
        author_name: s.author,
        title: s.title,
        description: s.description,
        kind: s.kind,
        reason: s.reason,
        status: s.status,
        created_at: s.created_at,
    })
    .collect();
    Ok(RoadmapView {
        id: row.id,
        title: row.title,
        career_code: row.target_career_code,
        career_title: row.career_title,
        status: row.status,
        horizon_months: row.horizon_months,
        version: row.version,
        created_at: row.created_at,
        target_date: row.target_date,
        explanation,
        owner_first_name: row.owner_first_name.unwrap_or_default(),
        viewer,
        share_link_active: row.share_link_active,
        shared_with_organization: row.shared_with_organization,
        steps,
        comments,
        suggestions,
    })
}

#[derive(Deserialize)]
struct StoredStepResource {
    slug: String,
    title: String,
    kind: crate::resources::domain::ResourceType,
    minutes: Option<i32>,
}

async fn steps_of(tx: &mut Tx, roadmap: Uuid) -> Result<Vec<StepView>, AppError> {
    let rows = sqlx::query!(
        r#"select s.id, s.position, s.title, s.description, s.kind as "kind: StepKind", s.status as "status: StepStatus",
                  s.due_date as "due_date: NaiveDate", s.reason, s.origin as "origin: StepOrigin", s.completed_at as "completed_at: DateTime<Utc>",
                  coalesce((select jsonb_agg(jsonb_build_object('slug', r.slug, 'title', r.title, 'kind', r.resource_type,
                                                                'minutes', r.duration_minutes) order by l.position)
                              from roadmap_step_resources l join resources r on r.id = l.resource_id
                             where l.step_id = s.id and r.status = 'published' and r.deleted_at is null), '[]') as "resources!"
             from roadmap_steps s
            where s.roadmap_id = $1 and s.deleted_at is null
            order by s.position"#,
        roadmap
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|s| {
            let resources: Vec<StoredStepResource> = crate::db::stored_json(s.resources, "step resources", s.id)?;
            Ok(StepView {
                id: s.id,
                position: s.position,
                title: s.title,
                description: s.description,
                kind: s.kind,
                status: s.status,
                due_date: s.due_date,
                reason: s.reason,
                origin: s.origin,
                completed_at: s.completed_at,
                resources: resources
                    .into_iter()
                    .map(|r| StepResource { slug: r.slug, title: r.title, kind_label: r.kind.label().to_string(), minutes: r.minutes })
                    .collect(),
            })
        })
        .collect()
}

// Changing ------------------------------------------------------------------------------------

/// Locks the caller's own roadmap for a change and gives its version. Someone else's roadmap
/// (even one they may read) is not theirs to change.
async fn lock_own(tx: &mut Tx, user: &SignedIn, roadmap: Uuid) -> Result<i32, AppError> {
    // Read first, then lock: a row the caller may read but not change (a mentor's view of a
    // student's roadmap) is hidden from `for update` by the update policies, and deserves a 403.
    let owner = sqlx::query_scalar!("select user_id from career_roadmaps where id = $1 and deleted_at is null", roadmap)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::NotFound("that roadmap".into()))?;
    if owner != user.user_id {
        return Err(AppError::Forbidden);
    }
    let version = sqlx::query_scalar!("select version from career_roadmaps where id = $1 for update", roadmap)
        .fetch_one(&mut **tx)
        .await?;
    Ok(version)
}

/// The roadmap a step belongs to, locked as [`lock_own`] does.
async fn lock_own_step(tx: &mut Tx, user: &SignedIn, step: Uuid) -> Result<(Uuid, i32), AppError> {
    let roadmap = sqlx::query_scalar!("select roadmap_id from roadmap_steps where id = $1 and deleted_at is null", step)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::NotFound("that step".into()))?;
    let version = lock_own(tx, user, roadmap).await?;
    Ok((roadmap, version))
}

/// Moves the roadmap's version on (every change does) and gives the new one.
async fn bump(tx: &mut Tx, roadmap: Uuid) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("update career_roadmaps set version = version + 1 where id = $1 returning version", roadmap)
        .fetch_one(&mut **tx)
        .await?)
}

async fn step_ids(tx: &mut Tx, roadmap: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select id from roadmap_steps where roadmap_id = $1 and deleted_at is null order by position", roadmap)
        .fetch_all(&mut **tx)
        .await?)
}

/// Writes positions 1..n in `order`. The unique (roadmap, position) constraint is deferred to
/// the commit, so the steps can pass through each other's places.
async fn apply_order(tx: &mut Tx, roadmap: Uuid, order: &[Uuid]) -> Result<(), AppError> {
    sqlx::query!("set constraints roadmap_steps_position_key deferred").execute(&mut **tx).await?;
    sqlx::query!(
        r#"update roadmap_steps s set position = o.ord::integer
             from unnest($2::uuid[]) with ordinality as o(id, ord)
            where s.id = o.id and s.roadmap_id = $1 and s.position <> o.ord::integer"#,
        roadmap,
        order
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn check_version(current: i32, seen: i32) -> Result<(), AppError> {
    if current != seen {
        return Err(AppError::Conflict(STALE_ROADMAP.into()));
    }
    Ok(())
}

pub async fn move_step(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, version: i32, step: Uuid, direction: String) -> Result<i32, AppError> {
    let up = match direction.trim() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::invalid("Move a step up or down.")),
    };
    let current = lock_own(tx, user, roadmap).await?;
    check_version(current, version)?;
    let ids = step_ids(tx, roadmap).await?;
    if !ids.contains(&step) {
        return Err(AppError::NotFound("that step".into()));
    }
    let order = NewOrder::moved(&ids, step, up).ok_or_else(|| {
        AppError::invalid(if up { "That step is already the first." } else { "That step is already the last." })
    })?;
    apply_order(tx, roadmap, order.ids()).await?;
    let version = bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(version)
}

pub async fn reorder(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, version: i32, order: String) -> Result<i32, AppError> {
    let current = lock_own(tx, user, roadmap).await?;
    check_version(current, version)?;
    let ids = step_ids(tx, roadmap).await?;
    let order = NewOrder::parse(&order, &ids).map_err(|e| AppError::Conflict(e.0))?;
    apply_order(tx, roadmap, order.ids()).await?;
    let version = bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(version)
}

#[allow(clippy::too_many_arguments)]
pub async fn add_step(
    tx: &mut Tx,
    user: &SignedIn,
    roadmap: Uuid,
    title: String,
    description: String,
    kind: String,
    due_date: String,
    reason: String,
) -> Result<Uuid, AppError> {
    let draft = StepDraft::parse(&title, &description, &kind, &due_date, &reason)?;
    lock_own(tx, user, roadmap).await?;
    let id = insert_step(tx, user.org_id, roadmap, &draft, StepOrigin::Added).await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(id)
}

/// Appends a step (the roadmap is locked by the caller).
async fn insert_step(tx: &mut Tx, org: Uuid, roadmap: Uuid, draft: &StepDraft, origin: StepOrigin) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into roadmap_steps (roadmap_id, organization_id, position, title, description, kind, due_date, reason, origin)
           values ($1, $2, (select count(*) + 1 from roadmap_steps where roadmap_id = $1 and deleted_at is null),
                   $3, $4, $5, $6, $7, $8)
           returning id"#,
        roadmap,
        org,
        draft.title,
        draft.description,
        draft.kind as StepKind,
        draft.due_date as _,
        draft.reason,
        origin as StepOrigin,
    )
    .fetch_one(&mut **tx)
    .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn edit_step(
    tx: &mut Tx,
    user: &SignedIn,
    step: Uuid,
    title: String,
    description: String,
    kind: String,
    due_date: String,
    reason: String,
) -> Result<(), AppError> {
    let draft = StepDraft::parse(&title, &description, &kind, &due_date, &reason)?;
    let (roadmap, _) = lock_own_step(tx, user, step).await?;
    sqlx::query!(
        "update roadmap_steps set title = $2, description = $3, kind = $4, due_date = $5, reason = $6 where id = $1",
        step,
        draft.title,
        draft.description,
        draft.kind as StepKind,
        draft.due_date as _,
        draft.reason,
    )
    .execute(&mut **tx)
    .await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn remove_step(tx: &mut Tx, user: &SignedIn, step: Uuid) -> Result<(), AppError> {
    let (roadmap, _) = lock_own_step(tx, user, step).await?;
    sqlx::query!("delete from roadmap_steps where id = $1", step).execute(&mut **tx).await?;
    let remaining = step_ids(tx, roadmap).await?;
    apply_order(tx, roadmap, &remaining).await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn set_status(tx: &mut Tx, user: &SignedIn, step: Uuid, status: String) -> Result<(), AppError> {
    let status = StepStatus::from_key(&status).ok_or_else(|| AppError::invalid("Mark a step not started, in progress, done or skipped."))?;
    let (roadmap, _) = lock_own_step(tx, user, step).await?;
    sqlx::query!(
        r#"update roadmap_steps
              set status = $2,
                  completed_at = case when $2 = 'completed'::roadmap_step_status then coalesce(completed_at, now()) end
            where id = $1"#,
        step,
        status as StepStatus,
    )
    .execute(&mut **tx)
    .await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn set_archived(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, action: String) -> Result<(), AppError> {
    let archive = match action.trim() {
        "archive" => true,
        "restore" => false,
        _ => return Err(AppError::invalid("Archive a roadmap or restore it.")),
    };
    lock_own(tx, user, roadmap).await?;
    if archive {
        sqlx::query!(
            "update career_roadmaps set status = 'archived', archived_at = now(), share_token_hash = null, shared_at = null where id = $1 and status <> 'archived'",
            roadmap
        )
        .execute(&mut **tx)
        .await?;
    } else {
        // Back in use: completed when every step is done or skipped, otherwise active.
        sqlx::query!(
            r#"update career_roadmaps r
                  set archived_at = null,
                      status = case when exists (select 1 from roadmap_steps s where s.roadmap_id = r.id and s.deleted_at is null)
                                     and not exists (select 1 from roadmap_steps s where s.roadmap_id = r.id and s.deleted_at is null
                                                        and s.status not in ('completed', 'skipped'))
                                    then 'completed'::roadmap_status else 'active'::roadmap_status end,
                      completed_at = case when r.completed_at is not null
                                           and not exists (select 1 from roadmap_steps s where s.roadmap_id = r.id and s.deleted_at is null
                                                              and s.status not in ('completed', 'skipped'))
                                          then r.completed_at end
                where r.id = $1 and r.status = 'archived'"#,
            roadmap
        )
        .execute(&mut **tx)
        .await
        .map_err(refused)?;
    }
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn delete(tx: &mut Tx, user: &SignedIn, roadmap: Uuid) -> Result<(), AppError> {
    lock_own(tx, user, roadmap).await?;
    sqlx::query!("delete from user_progress where roadmap_step_id in (select id from roadmap_steps where roadmap_id = $1)", roadmap)
        .execute(&mut **tx)
        .await?;
    sqlx::query!("delete from career_roadmaps where id = $1", roadmap).execute(&mut **tx).await?;
    back_to("/roadmap");
    Ok(())
}

// Sharing -------------------------------------------------------------------------------------

/// Share tokens: 32 random bytes, base64url without padding (43 characters) in the address.
fn token_hash(token: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use sha2::Digest;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    (bytes.len() == 32).then(|| sha2::Sha256::digest(&bytes).to_vec())
}

pub async fn share(tx: &mut Tx, user: &SignedIn, roadmap: Uuid) -> Result<ShareLink, AppError> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    use base64::Engine;
    lock_own(tx, user, roadmap).await?;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token).ok_or(AppError::Internal)?;
    sqlx::query!("update career_roadmaps set share_token_hash = $2, shared_at = now() where id = $1", roadmap, hash)
        .execute(&mut **tx)
        .await?;
    bump(tx, roadmap).await?;
    let path = format!("/roadmap/shared/{token}");
    // Without JavaScript the address can't be shown beside the button: the owner is taken to
    // the shared view itself, whose address is the link.
    back_to(&path);
    Ok(ShareLink { path })
}

pub async fn revoke_share(tx: &mut Tx, user: &SignedIn, roadmap: Uuid) -> Result<(), AppError> {
    lock_own(tx, user, roadmap).await?;
    sqlx::query!("update career_roadmaps set share_token_hash = null, shared_at = null where id = $1", roadmap)
        .execute(&mut **tx)
        .await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn share_with_organization(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, action: String) -> Result<(), AppError> {
    let shared = match action.trim() {
        "share" => true,
        "stop" => false,
        _ => return Err(AppError::invalid("Share the roadmap with your organization, or stop sharing it.")),
    };
    lock_own(tx, user, roadmap).await?;
    sqlx::query!("update career_roadmaps set shared_with_organization = $2 where id = $1", roadmap, shared)
        .execute(&mut **tx)
        .await?;
    bump(tx, roadmap).await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

#[derive(Deserialize)]
struct StoredShared {
    title: String,
    description: String,
    career_code: Option<String>,
    career_title: Option<String>,
    status: RoadmapStatus,
    updated_at: DateTime<Utc>,
    steps: Vec<SharedStep>,
}

pub async fn shared(tx: &mut Tx, token: String) -> Result<SharedRoadmap, AppError> {
    let not_found = || AppError::NotFound("that shared roadmap (the link may have been turned off)".into());
    let hash = token_hash(&token).ok_or_else(not_found)?;
    let stored = sqlx::query_scalar!(r#"select shared_roadmap($1) as "roadmap""#, hash)
        .fetch_one(&mut **tx)
        .await?
        .ok_or_else(not_found)?;
    let stored: StoredShared = crate::db::stored_json(stored, "shared roadmap", "by token")?;
    Ok(SharedRoadmap {
        title: stored.title,
        description: stored.description,
        career_code: stored.career_code,
        career_title: stored.career_title,
        status: stored.status,
        updated_at: stored.updated_at,
        steps: stored.steps,
    })
}

// Mentors -------------------------------------------------------------------------------------

/// Who the caller is to a roadmap they can read: its owner, or their mentor. Anyone else
/// (including someone it was shared with to read) may not write on it.
async fn commenter(tx: &mut Tx, user: &SignedIn, roadmap: Uuid) -> Result<Viewer, AppError> {
    let row = sqlx::query!(
        r#"select user_id, current_app_mentors_student(user_id) as "mentor!"
             from career_roadmaps where id = $1 and deleted_at is null"#,
        roadmap
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that roadmap".into()))?;
    if row.user_id == user.user_id {
        Ok(Viewer::Owner)
    } else if row.mentor {
        Ok(Viewer::Mentor)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn comment(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, step: String, body: String) -> Result<(), AppError> {
    let body = CommentBody::parse(&body).map_err(|e| {
        let mut errors = crate::domain::FieldErrors::new();
        errors.add("body", e.0);
        AppError::Invalid(errors)
    })?;
    commenter(tx, user, roadmap).await?;
    let step = match step.trim() {
        "" => None,
        id => {
            let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound("that step".into()))?;
            let belongs = sqlx::query_scalar!(
                r#"select exists (select 1 from roadmap_steps where id = $1 and roadmap_id = $2 and deleted_at is null) as "belongs!""#,
                id,
                roadmap
            )
            .fetch_one(&mut **tx)
            .await?;
            if !belongs {
                return Err(AppError::NotFound("that step".into()));
            }
            Some(id)
        }
    };
    sqlx::query!(
        "insert into roadmap_comments (roadmap_id, organization_id, step_id, author_id, body) values ($1, $2, $3, $4, $5)",
        roadmap,
        user.org_id,
        step,
        user.user_id,
        body.as_str(),
    )
    .execute(&mut **tx)
    .await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn suggest(tx: &mut Tx, user: &SignedIn, roadmap: Uuid, title: String, description: String, kind: String, reason: String) -> Result<(), AppError> {
    let draft = StepDraft::parse(&title, &description, &kind, "", &reason)?;
    if commenter(tx, user, roadmap).await? != Viewer::Mentor {
        return Err(AppError::invalid("Add the step yourself: suggestions are for your mentors."));
    }
    sqlx::query!(
        r#"insert into roadmap_suggestions (roadmap_id, organization_id, author_id, title, description, kind, reason)
           values ($1, $2, $3, $4, $5, $6, $7)"#,
        roadmap,
        user.org_id,
        user.user_id,
        draft.title,
        draft.description,
        draft.kind as StepKind,
        draft.reason,
    )
    .execute(&mut **tx)
    .await?;
    back_to(&roadmap_path(roadmap));
    Ok(())
}

pub async fn decide(tx: &mut Tx, user: &SignedIn, suggestion: Uuid, decision: String) -> Result<(), AppError> {
    let accept = match decision.trim() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::invalid("Accept the suggestion or decline it.")),
    };
    let row = sqlx::query!(
        r#"select s.roadmap_id, s.title, s.description, s.kind as "kind: StepKind", s.reason,
                  s.status as "status: SuggestionStatus", u.first_name as "author?"
             from roadmap_suggestions s left join users u on u.id = s.author_id where s.id = $1"#,
        suggestion
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that suggestion".into()))?;
    lock_own(tx, user, row.roadmap_id).await?;
    // Locked with the roadmap: two tabs can't both accept it.
    let status = sqlx::query_scalar!(
        r#"select status as "status: SuggestionStatus" from roadmap_suggestions where id = $1 for update"#,
        suggestion
    )
    .fetch_one(&mut **tx)
    .await?;
    if status != SuggestionStatus::Pending || row.status != SuggestionStatus::Pending {
        return Err(AppError::Conflict(format!("You have already {} that suggestion.", status.label().to_lowercase())));
    }
    let step = if accept {
        let reason = if row.reason.trim().is_empty() {
            format!("Suggested by your mentor {}.", row.author.unwrap_or_default()).replace(" .", ".")
        } else {
            row.reason.clone()
        };
        let draft = StepDraft { title: row.title, description: row.description, kind: row.kind, due_date: None, reason };
        Some(insert_step(tx, user.org_id, row.roadmap_id, &draft, StepOrigin::Suggested).await?)
    } else {
        None
    };
    sqlx::query!(
        "update roadmap_suggestions set status = $2, decided_at = now(), step_id = $3 where id = $1",
        suggestion,
        if accept { SuggestionStatus::Accepted } else { SuggestionStatus::Rejected } as SuggestionStatus,
        step,
    )
    .execute(&mut **tx)
    .await?;
    bump(tx, row.roadmap_id).await?;
    back_to(&roadmap_path(row.roadmap_id));
    Ok(())
}

// Progress ------------------------------------------------------------------------------------

pub async fn dashboard(tx: &mut Tx, user: &SignedIn) -> Result<ProgressDashboard, AppError> {
    let roadmaps = summaries(tx, user.user_id)
        .await?
        .into_iter()
        .map(|r| RoadmapProgress { id: r.id, title: r.title, status: r.status, completion: r.completion })
        .collect();
    let today = Utc::now().date_naive();
    let this_monday = today - chrono::Duration::days(today.weekday().num_days_from_monday() as i64);
    let first = this_monday - chrono::Duration::weeks(11);
    let counted = sqlx::query!(
        r#"select date_trunc('week', s.completed_at at time zone 'UTC')::date as "week!: NaiveDate", count(*) as "steps!"
             from roadmap_steps s join career_roadmaps r on r.id = s.roadmap_id
            where r.user_id = $1 and r.deleted_at is null and s.deleted_at is null
              and s.status = 'completed' and s.completed_at >= $2::date
            group by 1"#,
        user.user_id,
        first as _
    )
    .fetch_all(&mut **tx)
    .await?;
    let weeks = (0..12)
        .map(|i| {
            let week = first + chrono::Duration::weeks(i);
            WeekCount { week, steps: counted.iter().find(|c| c.week == week).map(|c| c.steps).unwrap_or(0) }
        })
        .collect();
    let resources = sqlx::query!(
        r#"select count(*) filter (where p.status = 'not_started') as "not_started!",
                  count(*) filter (where p.status = 'in_progress') as "in_progress!",
                  count(*) filter (where p.status = 'completed') as "completed!"
             from user_progress p
            where p.user_id = $1 and p.resource_id is not null and p.roadmap_step_id is null and p.deleted_at is null"#,
        user.user_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let next_step = next_step(tx, Some(user)).await?;
    let organization = if matches!(user.role, Role::OrgAdmin | Role::Admin) { Some(organization(tx, user).await?) } else { None };
    Ok(ProgressDashboard {
        roadmaps,
        weeks,
        resources: ResourceCounts { not_started: resources.not_started, in_progress: resources.in_progress, completed: resources.completed },
        next_step,
        organization,
    })
}

/// The caller's organization's aggregates (refused by the database for anyone but its
/// administrators), and the roadmaps its members shared with it.
async fn organization(tx: &mut Tx, user: &SignedIn) -> Result<OrganizationFigures, AppError> {
    let figures = sqlx::query!(
        r#"select members as "members!", with_goal as "with_goal!", with_roadmap as "with_roadmap!",
                  steps_completed as "steps_completed!" from organization_roadmap_figures($1)"#,
        user.org_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let months = sqlx::query!(r#"select month as "month!: NaiveDate", steps as "steps!" from organization_steps_by_month($1, 6)"#, user.org_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|m| MonthCount { month: m.month, steps: m.steps })
        .collect();
    let shared = sqlx::query!(
        r#"select r.id, u.first_name || ' ' || u.last_name as "owner!", r.title,
                  count(s.id) as "total!",
                  count(s.id) filter (where s.status = 'completed') as "completed!",
                  count(s.id) filter (where s.status = 'skipped') as "skipped!",
                  count(s.id) filter (where s.status = 'in_progress') as "in_progress!"
             from career_roadmaps r join users u on u.id = r.user_id
             left join roadmap_steps s on s.roadmap_id = r.id and s.deleted_at is null
            where r.organization_id = $1 and r.shared_with_organization and r.deleted_at is null
            group by r.id, u.first_name, u.last_name
            order by 2, r.title"#,
        user.org_id
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| SharedWithOrganization {
        id: r.id,
        owner_name: r.owner,
        title: r.title,
        completion: Completion { total: r.total, completed: r.completed, skipped: r.skipped, in_progress: r.in_progress },
    })
    .collect();
    Ok(OrganizationFigures {
        organization_name: user.organization_name.clone(),
        students: figures.members,
        with_goal: figures.with_goal,
        with_roadmap: figures.with_roadmap,
        steps_completed: figures.steps_completed,
        months,
        shared,
    })
}

pub async fn next_step(tx: &mut Tx, user: Option<&SignedIn>) -> Result<Option<NextStep>, AppError> {
    let Some(user) = user else { return Ok(None) };
    let row = sqlx::query!(
        r#"select r.id as roadmap_id, r.title as roadmap_title, s.title as step_title, s.kind as "kind: StepKind",
                  s.status as "status: StepStatus", s.due_date as "due_date: NaiveDate"
             from career_roadmaps r join roadmap_steps s on s.roadmap_id = r.id and s.deleted_at is null
            where r.user_id = $1 and r.status = 'active' and r.deleted_at is null
              and s.status in ('not_started', 'in_progress')
            order by r.updated_at desc, r.id, s.position
            limit 1"#,
        user.user_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| NextStep {
        roadmap_id: r.roadmap_id,
        roadmap_title: r.roadmap_title,
        step_title: r.step_title,
        kind: r.kind,
        status: r.status,
        due_date: r.due_date,
    }))
}
