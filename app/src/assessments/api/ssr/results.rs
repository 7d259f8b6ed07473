//! Server side of results: a completed result with its history, the account's list of results,
//! and the Interest Profiler scores careers are matched to.

use crate::assessments::domain::{HistoryEntry, InterestScores, ResultStatus, ResultSummary, ResultView};
use crate::assessments::interest_profiler;
use crate::assessments::scoring::Answers;
use crate::assessments::store::{self, Taker, Version};
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A completed result as loaded, before it is scored for showing.
struct Completed {
    /// The saved result's id, or the session result's key.
    key: Uuid,
    version_id: Uuid,
    answers: Answers,
    at: DateTime<Utc>,
    /// The scores as saved at completion (`None`: rescore from the answers).
    stored: Option<BTreeMap<String, f64>>,
}

/// Every completed result of `slug` the taker may see in their history, newest first, with the
/// versions they were taken on. `result` names a saved one, whose owner's history it is.
async fn completed_results(
    tx: &mut Tx,
    taker: &Taker,
    slug: &str,
    result: Option<Uuid>,
) -> Result<(Vec<Completed>, BTreeMap<Uuid, Version>), AppError> {
    let mut completed = Vec::new();
    let mut versions: BTreeMap<Uuid, Version> = BTreeMap::new();
    match taker {
        Taker::Member(user) => {
            let owner = match result {
                Some(id) => result_owner(tx, id, slug).await?,
                None => user.user_id,
            };
            let rows = sqlx::query!(
                r#"select r.id, r.assessment_id, r.answers, r.scores, r.completed_at as "completed_at!: DateTime<Utc>"
                     from assessment_results r join assessments a on a.id = r.assessment_id
                    where r.user_id = $1 and a.slug = $2::text::citext and r.status = $3 and r.deleted_at is null
                    order by r.completed_at desc limit 50"#,
                owner,
                slug,
                ResultStatus::Completed as ResultStatus,
            )
            .fetch_all(&mut **tx)
            .await?;
            for row in rows {
                if !versions.contains_key(&row.assessment_id) {
                    versions.insert(row.assessment_id, store::version_by_id(tx, row.assessment_id).await?);
                }
                let answers = store::checked_answers(&versions[&row.assessment_id], row.answers, row.id)?;
                let stored = crate::db::stored_json(row.scores, "assessment scores", row.id)?;
                completed.push(Completed { key: row.id, version_id: row.assessment_id, answers, at: row.completed_at, stored: Some(stored) });
            }
        }
        Taker::Visitor(session) => {
            if result.is_some() {
                return Err(AppError::Unauthenticated);
            }
            for r in store::visitor_results(session).await?.into_iter().rev() {
                let Ok(version) = store::version_by_id(tx, r.version_id).await else { continue };
                if version.slug != slug {
                    continue;
                }
                versions.insert(r.version_id, version);
                let stored = Some(r.sheet.by_key());
                completed.push(Completed { key: r.key, version_id: r.version_id, answers: r.answers, at: r.completed_at, stored });
            }
        }
    }
    Ok((completed, versions))
}

/// Whose saved result `id` (of `slug`) is. It may be opened by its owner or their organization's
/// admins (row-level security decides); its history is always its owner's.
async fn result_owner(tx: &mut Tx, id: Uuid, slug: &str) -> Result<Uuid, AppError> {
    sqlx::query_scalar!(
        "select r.user_id from assessment_results r join assessments a on a.id = r.assessment_id \
          where r.id = $1 and a.slug = $2::text::citext and r.status = $3 and r.deleted_at is null",
        id,
        slug,
        ResultStatus::Completed as ResultStatus,
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that result".into()))
}

/// One history line: the saved scores where there are some, the rescored ones otherwise.
fn history_entry(completed: &Completed, version: &Version) -> HistoryEntry {
    let sheet = version.score(&completed.answers);
    HistoryEntry {
        key: completed.key,
        completed_at: completed.at,
        version: version.version,
        code: sheet.summary.code.clone(),
        scores: sheet
            .scores
            .iter()
            .map(|s| (s.key.clone(), completed.stored.as_ref().and_then(|m| m.get(&s.key).copied()).unwrap_or(s.score)))
            .collect(),
    }
}

/// See [`crate::assessments::api::assessment_result`].
pub async fn assessment_result(tx: &mut Tx, taker: &Taker, slug: String, result: Option<Uuid>) -> Result<ResultView, AppError> {
    let (completed, versions) = completed_results(tx, taker, &slug, result).await?;
    let chosen = match result {
        Some(id) => completed.iter().find(|c| c.key == id),
        None => completed.first(),
    }
    .ok_or_else(|| AppError::NotFound("a completed result of this assessment".into()))?;
    let history = completed.iter().map(|c| history_entry(c, &versions[&c.version_id])).collect();
    let version = &versions[&chosen.version_id];
    let descriptions = version.scoring.dimensions.iter().map(|d| (d.key.clone(), d.description.clone())).collect();
    Ok(ResultView {
        key: chosen.key,
        slug: version.slug.clone(),
        title: version.title.clone(),
        version: version.version,
        notice: version.notice.clone(),
        method: version.scoring.method.label().to_string(),
        completed_on: chosen.at.date_naive(),
        sheet: version.score(&chosen.answers),
        descriptions,
        is_interest_profiler: version.slug == interest_profiler::SLUG && version.organization_id.is_none(),
        saved: taker.is_member(),
        history,
    })
}

/// See [`crate::assessments::api::my_results`].
pub async fn my_results(tx: &mut Tx, user: &SignedIn) -> Result<Vec<ResultSummary>, AppError> {
    let rows = sqlx::query!(
        r#"select r.id, a.slug::text as "slug!", a.title, coalesce(r.summary_code, '') as "code!",
                  r.completed_at as "completed_at!: DateTime<Utc>"
             from assessment_results r join assessments a on a.id = r.assessment_id
            where r.user_id = $1 and r.status = $2 and r.deleted_at is null
            order by r.completed_at desc limit 100"#,
        user.user_id,
        ResultStatus::Completed as ResultStatus,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ResultSummary { id: r.id, slug: r.slug, title: r.title, code: r.code, completed_on: r.completed_at.date_naive() })
        .collect())
}

/// The taker's latest completed built-in Interest Profiler result, as six scores R to C.
pub async fn interest_scores(tx: &mut Tx, taker: &Taker) -> Result<Option<InterestScores>, AppError> {
    let to_array = |scores: &BTreeMap<String, f64>| {
        interest_profiler::AREAS.map(|letter| scores.get(&letter.to_string()).copied().unwrap_or(0.0))
    };
    match taker {
        Taker::Member(user) => {
            let row = sqlx::query!(
                r#"select r.id, r.scores, r.completed_at as "completed_at!: DateTime<Utc>"
                     from assessment_results r join assessments a on a.id = r.assessment_id
                    where r.user_id = $1 and r.status = $2 and r.deleted_at is null
                      and a.slug = $3::text::citext and a.organization_id is null
                    order by r.completed_at desc limit 1"#,
                user.user_id,
                ResultStatus::Completed as ResultStatus,
                interest_profiler::SLUG,
            )
            .fetch_optional(&mut **tx)
            .await?;
            row.map(|row| {
                let scores: BTreeMap<String, f64> = crate::db::stored_json(row.scores, "assessment scores", row.id)?;
                Ok(InterestScores { result_id: Some(row.id), scores: to_array(&scores), completed_at: row.completed_at })
            })
            .transpose()
        }
        Taker::Visitor(session) => {
            let built_in_ids = sqlx::query_scalar!(
                "select id from assessments where slug = $1::text::citext and organization_id is null and deleted_at is null",
                interest_profiler::SLUG,
            )
            .fetch_all(&mut **tx)
            .await?;
            let results = store::visitor_results(session).await?;
            Ok(results.iter().rev().find(|r| built_in_ids.contains(&r.version_id)).map(|r| InterestScores {
                result_id: None,
                scores: to_array(&r.sheet.by_key()),
                completed_at: r.completed_at,
            }))
        }
    }
}
