//! Assessments: instruments of six question types, taking them a page at a time with every
//! answer saved as it is given, and scoring them as each version declares. The built-in
//! instrument is the O*NET Interest Profiler Short Form; administrators author their own.

pub mod authoring;
pub mod chart;
pub mod definition;
pub mod interest_profiler;
mod pages;
pub mod scoring;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use authoring::{AssessmentEditorPage, AssessmentsAdminPage};
pub use pages::{AssessmentIntroPage, AssessmentResultPage, AssessmentsPage, MyResults, TakeAssessmentPage};

use crate::error::AppError;
use definition::NumberedQuestion;
use leptos::prelude::*;
use scoring::{Answers, ScoreSheet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Questions per page while taking an assessment.
pub const PAGE_SIZE: usize = 12;

/// The six raw Interest Profiler scores a career match is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestScores {
    /// The saved result the scores come from; `None` for a result kept in an anonymous session.
    pub result_id: Option<Uuid>,
    /// Raw scores 0-40 in the order R, I, A, S, E, C.
    pub scores: [f64; 6],
    /// When the result was completed (RFC 3339).
    pub completed_at: String,
}

/// Where someone stands with an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Progress {
    NotStarted,
    InProgress { answered: u32, total: u32 },
    Completed { code: String, completed_on: String },
}

/// An assessment as listed and introduced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentCard {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub notice: String,
    pub version: i32,
    pub estimated_minutes: Option<u32>,
    pub questions: u32,
    pub built_in: bool,
    pub dimensions: Vec<String>,
    pub progress: Progress,
    /// Set when an attempt is in progress: answers so far on this version.
    pub in_progress: bool,
}

/// One page of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TakePage {
    pub version_id: Uuid,
    pub slug: String,
    pub title: String,
    pub notice: String,
    pub page: u32,
    pub pages: u32,
    pub questions: Vec<NumberedQuestion>,
    /// The answers already given to this page's questions.
    pub answers: Answers,
    pub answered: u32,
    pub total: u32,
    /// Required questions on this page still unanswered, when the person tried to move on.
    pub missing: Vec<u32>,
    pub signed_in: bool,
}

/// What an autosave reports back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveOutcome {
    pub answered: u32,
    pub total: u32,
}

/// One completed result in someone's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The saved result (members) or the session result's key (visitors).
    pub key: Uuid,
    pub completed_at: String,
    pub completed_on: String,
    pub version: i32,
    pub code: String,
    /// Scores by dimension key.
    pub scores: Vec<(String, f64)>,
}

/// A result, with what is needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub key: Uuid,
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub notice: String,
    pub method: String,
    pub completed_on: String,
    pub sheet: ScoreSheet,
    pub descriptions: Vec<(String, String)>,
    pub is_interest_profiler: bool,
    /// Saved in an account (false: kept in this browser's session until sign-up).
    pub saved: bool,
    /// Every completed result of this assessment, newest first (this one included).
    pub history: Vec<HistoryEntry>,
}

/// A line in the account's list of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub code: String,
    pub completed_on: String,
}

#[cfg(feature = "ssr")]
fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

/// The latest completed Interest Profiler result of whoever is asking: the signed-in user's
/// saved one, or the one kept in an anonymous session. `None` when they haven't taken it.
#[cfg(feature = "ssr")]
pub async fn current_interest_scores() -> Result<Option<InterestScores>, AppError> {
    use store::Taker;
    let taker = Taker::current().await?;
    let pool = crate::db::pool()?;
    let to_array = |scores: &std::collections::BTreeMap<String, f64>| {
        interest_profiler::AREAS.map(|letter| scores.get(&letter.to_string()).copied().unwrap_or(0.0))
    };
    match &taker {
        Taker::Member(user) => {
            let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
            let row: Option<(Uuid, serde_json::Value, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                "select r.id, r.scores, r.completed_at from assessment_results r \
                   join assessments a on a.id = r.assessment_id \
                  where r.user_id = $1 and r.status = 'completed' and r.deleted_at is null \
                    and a.slug = $2 and a.organization_id is null \
                  order by r.completed_at desc limit 1",
            )
            .bind(user.user_id)
            .bind(interest_profiler::SLUG)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(row.map(|(id, scores, at)| {
                let scores: std::collections::BTreeMap<String, f64> = serde_json::from_value(scores).unwrap_or_default();
                InterestScores { result_id: Some(id), scores: to_array(&scores), completed_at: at.to_rfc3339() }
            }))
        }
        Taker::Visitor(session) => {
            let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
            let built_in_ids: Vec<Uuid> = sqlx::query_scalar(
                "select id from assessments where slug = $1 and organization_id is null and deleted_at is null",
            )
            .bind(interest_profiler::SLUG)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let results = store::visitor_results(session).await?;
            Ok(results.iter().rev().find(|r| built_in_ids.contains(&r.version_id)).map(|r| InterestScores {
                result_id: None,
                scores: to_array(&r.sheet.by_key()),
                completed_at: r.completed_at.to_rfc3339(),
            }))
        }
    }
}

/// The assessments open to whoever is asking, with their progress on each.
#[server(endpoint = "assessments")]
pub async fn assessment_cards() -> Result<Vec<AssessmentCard>, AppError> {
    async move {
        use store::Taker;
        let taker = Taker::current().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
        let slugs: Vec<String> = sqlx::query_scalar(
            "select slug::text from assessments where status = 'published' and deleted_at is null \
              group by slug order by min(case when organization_id is null then 0 else 1 end), min(title)",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut cards = Vec::with_capacity(slugs.len());
        for slug in slugs {
            // One assessment that fails to load (logged by the loader) must not hide the others.
            match card(&mut tx, &taker, &slug).await {
                Ok(card) => cards.push(card),
                Err(AppError::Internal) => tracing::warn!(%slug, "assessment left out of the list: it does not load"),
                Err(error) => return Err(error),
            }
        }
        tx.commit().await?;
        Ok(cards)
    }
    .await
    .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
async fn card(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    taker: &store::Taker,
    slug: &str,
) -> Result<AssessmentCard, AppError> {
    let version = store::published(tx, slug).await?;
    let answers = taker.answers(tx, &version).await?;
    let latest = latest_completed(tx, taker, slug).await?;
    let total = version.questions.len() as u32;
    let progress = if !answers.is_empty() {
        Progress::InProgress { answered: answers.len() as u32, total }
    } else if let Some((code, at)) = latest {
        Progress::Completed { code, completed_on: day(at) }
    } else {
        Progress::NotStarted
    };
    Ok(AssessmentCard {
        slug: version.slug.clone(),
        title: version.title.clone(),
        description: version.description.clone(),
        notice: version.notice.clone(),
        version: version.version,
        estimated_minutes: version.estimated_minutes,
        questions: total,
        built_in: version.organization_id.is_none(),
        dimensions: version.scoring.dimensions.iter().map(|d| d.label.clone()).collect(),
        in_progress: !answers.is_empty(),
        progress,
    })
}

#[cfg(feature = "ssr")]
async fn latest_completed(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    taker: &store::Taker,
    slug: &str,
) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>, AppError> {
    match taker {
        store::Taker::Member(user) => Ok(sqlx::query_as(
            "select coalesce(r.summary_code, ''), r.completed_at from assessment_results r \
               join assessments a on a.id = r.assessment_id \
              where r.user_id = $1 and a.slug = $2 and r.status = 'completed' and r.deleted_at is null \
              order by r.completed_at desc limit 1",
        )
        .bind(user.user_id)
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await?),
        store::Taker::Visitor(session) => {
            let ids: Vec<Uuid> = sqlx::query_scalar("select id from assessments where slug = $1")
                .bind(slug)
                .fetch_all(&mut **tx)
                .await?;
            let results = store::visitor_results(session).await?;
            Ok(results
                .iter()
                .rev()
                .find(|r| ids.contains(&r.version_id))
                .map(|r| (r.sheet.summary.code.clone(), r.completed_at)))
        }
    }
}

/// One assessment's introduction.
#[server(endpoint = "assessment")]
pub async fn assessment_intro(slug: String) -> Result<AssessmentCard, AppError> {
    async move {
        let taker = store::Taker::current().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
        let card = card(&mut tx, &taker, &slug).await?;
        tx.commit().await?;
        Ok(card)
    }
    .await
    .map_err(AppError::respond)
}

/// A page of the caller's attempt. Without `page`, the page to resume on: the first with a
/// required question unanswered, or the last. `check` marks that page's unanswered questions.
#[server(endpoint = "assessment_page")]
pub async fn assessment_page(slug: String, page: Option<u32>, check: bool) -> Result<TakePage, AppError> {
    async move {
        let taker = store::Taker::current().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
        let version = store::published(&mut tx, &slug).await?;
        let answers = taker.answers(&mut tx, &version).await?;
        tx.commit().await?;
        let total = version.questions.len() as u32;
        let pages = total.div_ceil(PAGE_SIZE as u32).max(1);
        let page = match page {
            Some(page) if (1..=pages).contains(&page) => page,
            Some(_) => return Err(AppError::NotFound(format!("page {} of this assessment", page.unwrap_or(0)))),
            None => version
                .unanswered(&answers)
                .first()
                .map(|position| (position - 1) / PAGE_SIZE as u32 + 1)
                .unwrap_or(pages),
        };
        let questions: Vec<NumberedQuestion> = version
            .questions
            .iter()
            .skip((page as usize - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .cloned()
            .collect();
        let on_page: Answers = questions
            .iter()
            .filter_map(|q| answers.get(&q.position).map(|a| (q.position, a.clone())))
            .collect();
        let missing = if check {
            questions.iter().filter(|q| q.question.required && !on_page.contains_key(&q.position)).map(|q| q.position).collect()
        } else {
            Vec::new()
        };
        Ok(TakePage {
            version_id: version.id,
            slug: version.slug.clone(),
            title: version.title.clone(),
            notice: version.notice.clone(),
            page,
            pages,
            questions,
            answers: on_page,
            answered: answers.len() as u32,
            total,
            missing,
            signed_in: matches!(taker, store::Taker::Member(_)),
        })
    }
    .await
    .map_err(AppError::respond)
}

/// Saves one page's answers. `go` says what next: "stay" or nothing (an autosave as answers are given),
/// "back", "next" or "finish". Moving on with a required question unanswered returns to the page
/// with those questions pointed out; finishing with any unanswered goes to the first such page.
#[server(endpoint = "assessment_save")]
pub async fn save_answers(
    slug: String,
    version_id: Uuid,
    page: u32,
    #[server(default)] go: String,
    #[server(default)] answers: HashMap<String, String>,
) -> Result<SaveOutcome, AppError> {
    async move {
        let taker = store::Taker::current().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
        let version = store::published(&mut tx, &slug).await?;
        if version.id != version_id {
            return Err(AppError::Conflict(
                "This assessment has been updated since you opened the page. Reload it to continue with the new version.".into(),
            ));
        }
        let on_page: Vec<&NumberedQuestion> =
            version.questions.iter().skip((page.max(1) as usize - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
        if on_page.is_empty() {
            return Err(AppError::NotFound(format!("page {page} of this assessment")));
        }
        // A second press of Finish (a double click, a resent form) finds the attempt already
        // completed: show that result rather than starting a new attempt from this page.
        if go == "finish" && taker.answers(&mut tx, &version).await?.is_empty() {
            if let store::Taker::Member(user) = &taker {
                let just_completed: Option<Uuid> = sqlx::query_scalar(
                    "select id from assessment_results where user_id = $1 and assessment_id = $2 \
                        and status = 'completed' and completed_at > now() - interval '2 minutes' \
                      order by completed_at desc limit 1",
                )
                .bind(user.user_id)
                .bind(version.id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(id) = just_completed {
                    tx.commit().await?;
                    leptos_axum::redirect(&format!("/assessments/{slug}/results/{id}"));
                    let total = version.questions.len() as u32;
                    return Ok(SaveOutcome { answered: total, total });
                }
            }
        }
        let mut given = Answers::new();
        let mut problems = Vec::new();
        for numbered in &on_page {
            match numbered.question.answer_from_form(numbered.position, &answers) {
                Ok(Some(answer)) => {
                    given.insert(numbered.position, answer);
                }
                Ok(None) => {}
                Err(message) => problems.push(format!("Question {}: {message}", numbered.position)),
            }
        }
        // Valid answers are kept even when another on the page needs fixing.
        let positions: Vec<u32> = on_page
            .iter()
            .map(|q| q.position)
            .filter(|p| given.contains_key(p) || !problems.iter().any(|m| m.starts_with(&format!("Question {p}:"))))
            .collect();
        taker.record(&mut tx, &version, &positions, &given).await?;
        let answers = taker.answers(&mut tx, &version).await?;
        let outcome = SaveOutcome { answered: answers.len() as u32, total: version.questions.len() as u32 };
        if !problems.is_empty() {
            tx.commit().await?;
            return Err(AppError::invalid(problems.join(" ")));
        }
        let here = format!("/assessments/{slug}/take?page={page}");
        let target = match go.as_str() {
            "stay" | "" => None,
            "back" => Some(format!("/assessments/{slug}/take?page={}", page.saturating_sub(1).max(1))),
            "next" => {
                let missing = on_page.iter().any(|q| q.question.required && !answers.contains_key(&q.position));
                Some(if missing { format!("{here}&check=1#unanswered") } else { format!("/assessments/{slug}/take?page={}", page + 1) })
            }
            "finish" => match version.unanswered(&answers).first() {
                Some(position) => {
                    let first = (position - 1) / PAGE_SIZE as u32 + 1;
                    Some(format!("/assessments/{slug}/take?page={first}&check=1#unanswered"))
                }
                None => {
                    let key = taker.complete(&mut tx, &version, &answers).await?;
                    Some(match &taker {
                        store::Taker::Member(_) => format!("/assessments/{slug}/results/{key}"),
                        store::Taker::Visitor(_) => format!("/assessments/{slug}/results"),
                    })
                }
            },
            _ => return Err(AppError::invalid("Choose Back, Next or Finish.")),
        };
        tx.commit().await?;
        if let Some(target) = target {
            leptos_axum::redirect(&target);
        }
        Ok(outcome)
    }
    .await
    .map_err(AppError::respond)
}

/// A completed result with its history: `result` names a saved one; without it, the caller's
/// latest (a visitor's comes from their session).
#[server(endpoint = "assessment_result")]
pub async fn assessment_result(slug: String, result: Option<Uuid>) -> Result<ResultView, AppError> {
    async move {
        use std::collections::BTreeMap;
        let taker = store::Taker::current().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &taker.ctx()).await?;
        // (key, version id, answers, completed at), newest first.
        let mut completed: Vec<(Uuid, Uuid, Answers, chrono::DateTime<chrono::Utc>, Option<BTreeMap<String, f64>>)> =
            Vec::new();
        let saved = matches!(taker, store::Taker::Member(_));
        let mut versions: BTreeMap<Uuid, store::Version> = BTreeMap::new();
        match &taker {
            store::Taker::Member(user) => {
                // A saved result may be opened by its owner or their organization's admins (RLS);
                // its history is always its owner's.
                let owner: Uuid = match result {
                    Some(id) => sqlx::query_scalar(
                        "select r.user_id from assessment_results r join assessments a on a.id = r.assessment_id \
                          where r.id = $1 and a.slug = $2 and r.status = 'completed' and r.deleted_at is null",
                    )
                    .bind(id)
                    .bind(&slug)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| AppError::NotFound("that result".into()))?,
                    None => user.user_id,
                };
                let rows: Vec<(Uuid, Uuid, serde_json::Value, serde_json::Value, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as(
                        "select r.id, r.assessment_id, r.answers, r.scores, r.completed_at from assessment_results r \
                           join assessments a on a.id = r.assessment_id \
                          where r.user_id = $1 and a.slug = $2 and r.status = 'completed' and r.deleted_at is null \
                          order by r.completed_at desc limit 50",
                    )
                    .bind(owner)
                    .bind(&slug)
                    .fetch_all(&mut *tx)
                    .await?;
                for (id, version_id, answers, scores, at) in rows {
                    if !versions.contains_key(&version_id) {
                        versions.insert(version_id, store::version_by_id(&mut tx, version_id).await?);
                    }
                    let answers = store::checked_answers(&versions[&version_id], answers);
                    let scores: Option<BTreeMap<String, f64>> = serde_json::from_value(scores).ok();
                    completed.push((id, version_id, answers, at, scores));
                }
            }
            store::Taker::Visitor(session) => {
                if result.is_some() {
                    return Err(AppError::Unauthenticated);
                }
                for r in store::visitor_results(session).await?.into_iter().rev() {
                    let Ok(version) = store::version_by_id(&mut tx, r.version_id).await else { continue };
                    if version.slug != slug {
                        continue;
                    }
                    versions.insert(r.version_id, version);
                    completed.push((r.key, r.version_id, r.answers, r.completed_at, Some(r.sheet.by_key())));
                }
            }
        }
        tx.commit().await?;
        let chosen = match result {
            Some(id) => completed.iter().position(|c| c.0 == id),
            None => (!completed.is_empty()).then_some(0),
        }
        .ok_or_else(|| AppError::NotFound("a completed result of this assessment".into()))?;
        let history: Vec<HistoryEntry> = completed
            .iter()
            .map(|(key, version_id, answers, at, stored)| {
                let version = &versions[version_id];
                let sheet = version.score(answers);
                HistoryEntry {
                    key: *key,
                    completed_at: at.to_rfc3339(),
                    completed_on: day(*at),
                    version: version.version,
                    code: sheet.summary.code.clone(),
                    scores: sheet
                        .scores
                        .iter()
                        .map(|s| (s.key.clone(), stored.as_ref().and_then(|m| m.get(&s.key).copied()).unwrap_or(s.score)))
                        .collect(),
                }
            })
            .collect();
        let (key, version_id, answers, at, _) = &completed[chosen];
        let version = &versions[version_id];
        let sheet = version.score(answers);
        let descriptions = version
            .scoring
            .dimensions
            .iter()
            .map(|d| (d.key.clone(), d.description.clone()))
            .collect();
        Ok(ResultView {
            key: *key,
            slug: version.slug.clone(),
            title: version.title.clone(),
            version: version.version,
            notice: version.notice.clone(),
            method: version.scoring.method.label().to_string(),
            completed_on: day(*at),
            sheet,
            descriptions,
            is_interest_profiler: version.slug == interest_profiler::SLUG && version.organization_id.is_none(),
            saved,
            history,
        })
    }
    .await
    .map_err(AppError::respond)
}

/// The signed-in person's completed results, newest first (for their account page).
#[server(endpoint = "my_results")]
pub async fn my_results() -> Result<Vec<ResultSummary>, AppError> {
    async move {
        let user = crate::accounts::session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let rows: Vec<(Uuid, String, String, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "select r.id, a.slug::text, a.title, coalesce(r.summary_code, ''), r.completed_at from assessment_results r \
               join assessments a on a.id = r.assessment_id \
              where r.user_id = $1 and r.status = 'completed' and r.deleted_at is null \
              order by r.completed_at desc limit 100",
        )
        .bind(user.user_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, title, code, at)| ResultSummary { id, slug, title, code, completed_on: day(at) })
            .collect())
    }
    .await
    .map_err(AppError::respond)
}
