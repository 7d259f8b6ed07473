//! Server side: loading versions, keeping attempts (in the account, or in the session for a
//! visitor without one), and saving results.

use super::definition::{Definition, NumberedQuestion, Question, Scoring};
use super::scoring::{score, Answer, Answers, ScoreSheet};
use crate::accounts::session::{self, SignedIn};
use crate::db;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::{Postgres, Transaction};
use std::collections::BTreeMap;
use tower_sessions::Session;
use uuid::Uuid;

/// A version as loaded and checked.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub slug: String,
    pub version: i32,
    pub title: String,
    pub description: String,
    pub notice: String,
    pub estimated_minutes: Option<u32>,
    pub status: String,
    pub scoring: Scoring,
    pub questions: Vec<NumberedQuestion>,
}

impl Version {
    pub fn definition(&self) -> Definition {
        Definition::from_numbered(
            self.slug.clone(),
            self.title.clone(),
            self.description.clone(),
            self.estimated_minutes,
            self.notice.clone(),
            self.scoring.clone(),
            self.questions.clone(),
        )
    }

    pub fn question(&self, position: u32) -> Option<&Question> {
        self.questions.iter().find(|q| q.position == position).map(|q| &q.question)
    }

    pub fn score(&self, answers: &Answers) -> ScoreSheet {
        score(&self.scoring, &self.questions, answers)
    }

    /// Required questions without an answer, in order.
    pub fn unanswered(&self, answers: &Answers) -> Vec<u32> {
        self.questions
            .iter()
            .filter(|q| q.question.required && !answers.contains_key(&q.position))
            .map(|q| q.position)
            .collect()
    }
}

fn damaged(what: &str, id: Uuid, problem: impl std::fmt::Display) -> AppError {
    tracing::error!(%id, %problem, "stored assessment {what} does not parse");
    AppError::Internal
}

type VersionRow = (Uuid, Option<Uuid>, String, i32, String, String, serde_json::Value, Option<i32>, String, serde_json::Value);
const VERSION_COLUMNS: &str = "id, organization_id, slug::text, version, title, description, metadata, \
                               estimated_minutes, status::text, scoring";

async fn version_from_row(tx: &mut Transaction<'static, Postgres>, row: VersionRow) -> Result<Version, AppError> {
    let (id, organization_id, slug, version, title, description, metadata, estimated_minutes, status, scoring) = row;
    let scoring: Scoring = serde_json::from_value(scoring).map_err(|e| damaged("scoring", id, e))?;
    let rows: Vec<(i32, String, String, String, bool, serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "select position, section, prompt, question_type::text, required, options, scoring \
           from assessment_questions where assessment_id = $1 and deleted_at is null order by position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let questions = rows
        .into_iter()
        .map(|(position, section, prompt, kind, required, options, question_scoring)| {
            let question = Question::from_stored(prompt, required, &kind, options, question_scoring)
                .map_err(|e| damaged("question", id, format!("position {position}: {e}")))?;
            Ok(NumberedQuestion { position: position as u32, section, question })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let notice = metadata.get("notice").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let version = Version {
        id,
        organization_id,
        slug,
        version,
        title,
        description,
        notice,
        estimated_minutes: estimated_minutes.map(|m| m as u32),
        status,
        scoring,
        questions,
    };
    // The same checks an author's save passes: a damaged row never reaches a person.
    version.definition().validated().map_err(|e| damaged("definition", id, e))?;
    Ok(version)
}

/// One version by id (row-level security decides whether the caller may see it).
pub async fn version_by_id(tx: &mut Transaction<'static, Postgres>, id: Uuid) -> Result<Version, AppError> {
    let row: Option<VersionRow> =
        sqlx::query_as(&format!("select {VERSION_COLUMNS} from assessments where id = $1 and deleted_at is null"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let row = row.ok_or_else(|| AppError::NotFound("that assessment".into()))?;
    version_from_row(tx, row).await
}

/// The published version of `slug`: the caller's organization's own before a built-in one.
pub async fn published(tx: &mut Transaction<'static, Postgres>, slug: &str) -> Result<Version, AppError> {
    let row: Option<VersionRow> = sqlx::query_as(&format!(
        "select {VERSION_COLUMNS} from assessments \
          where slug = $1 and status = 'published' and deleted_at is null \
          order by organization_id nulls last limit 1"
    ))
    .bind(slug)
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or_else(|| AppError::NotFound("that assessment".into()))?;
    version_from_row(tx, row).await
}

/// Who is taking an assessment: a member (attempts and results in the database) or a visitor
/// (kept in their session until they sign up).
pub enum Taker {
    Member(SignedIn),
    Visitor(Session),
}

const ATTEMPTS_KEY: &str = "assessment_attempts";
const RESULTS_KEY: &str = "assessment_results";
/// A visitor's session keeps only their latest few results.
const SESSION_RESULTS_KEPT: usize = 5;

/// A result kept in a visitor's session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionResult {
    pub key: Uuid,
    pub version_id: Uuid,
    pub answers: Answers,
    pub sheet: ScoreSheet,
    pub completed_at: chrono::DateTime<chrono::Utc>,
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store error");
    AppError::Unavailable
}

impl Taker {
    pub async fn current() -> Result<Taker, AppError> {
        Ok(match session::current().await? {
            Some(user) => Taker::Member(user),
            None => Taker::Visitor(session::session().await?),
        })
    }

    pub fn ctx(&self) -> db::RequestContext {
        match self {
            Taker::Member(user) => user.ctx(),
            Taker::Visitor(_) => db::RequestContext::anonymous(),
        }
    }

    /// The answers given so far on this version.
    pub async fn answers(&self, tx: &mut Transaction<'static, Postgres>, version: &Version) -> Result<Answers, AppError> {
        match self {
            Taker::Member(user) => {
                let stored: Option<serde_json::Value> = sqlx::query_scalar(
                    "select answers from assessment_results \
                      where user_id = $1 and assessment_id = $2 and status = 'in_progress' and deleted_at is null",
                )
                .bind(user.user_id)
                .bind(version.id)
                .fetch_optional(&mut **tx)
                .await?;
                Ok(stored.map(|value| checked_answers(version, value)).unwrap_or_default())
            }
            Taker::Visitor(session) => {
                let attempts = visitor_attempts(session).await?;
                Ok(attempts.get(&version.id).cloned().unwrap_or_default())
            }
        }
    }

    /// Records the answers to `positions`: `given` are set, the rest of `positions` cleared. A
    /// member's change is one atomic jsonb update, so two tabs never undo each other's answers.
    pub async fn record(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        version: &Version,
        positions: &[u32],
        given: &Answers,
    ) -> Result<(), AppError> {
        match self {
            Taker::Member(user) => {
                let cleared: Vec<String> = positions.iter().map(|p| p.to_string()).collect();
                let given = serde_json::to_value(given).map_err(|_| AppError::Internal)?;
                sqlx::query(
                    "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
                     values ($1, $2, $3, $4) \
                     on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
                     do update set answers = (assessment_results.answers - $5::text[]) || excluded.answers",
                )
                .bind(user.user_id)
                .bind(user.org_id)
                .bind(version.id)
                .bind(given)
                .bind(cleared)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
            Taker::Visitor(session) => {
                let mut attempts = visitor_attempts(session).await?;
                let answers = attempts.entry(version.id).or_default();
                for position in positions {
                    answers.remove(position);
                }
                answers.extend(given.iter().map(|(k, v)| (*k, v.clone())));
                session.insert(ATTEMPTS_KEY, attempts).await.map_err(session_error)
            }
        }
    }

    /// Scores and completes the attempt. Returns the saved result's id (members) or the session
    /// result's key (visitors).
    pub async fn complete(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        version: &Version,
        answers: &Answers,
    ) -> Result<Uuid, AppError> {
        let sheet = version.score(answers);
        match self {
            Taker::Member(user) => {
                let id: Uuid = sqlx::query_scalar(
                    "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
                     values ($1, $2, $3, $4) \
                     on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
                     do update set answers = excluded.answers returning id",
                )
                .bind(user.user_id)
                .bind(user.org_id)
                .bind(version.id)
                .bind(serde_json::to_value(answers).map_err(|_| AppError::Internal)?)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query(
                    "update assessment_results set status = 'completed', completed_at = now(), scores = $2, \
                            summary_code = nullif($3, '') where id = $1",
                )
                .bind(id)
                .bind(serde_json::to_value(sheet.by_key()).map_err(|_| AppError::Internal)?)
                .bind(&sheet.summary.code)
                .execute(&mut **tx)
                .await?;
                Ok(id)
            }
            Taker::Visitor(session) => {
                let mut attempts = visitor_attempts(session).await?;
                attempts.remove(&version.id);
                let mut results = visitor_results(session).await?;
                let key = Uuid::new_v4();
                results.push(SessionResult {
                    key,
                    version_id: version.id,
                    answers: answers.clone(),
                    sheet,
                    completed_at: chrono::Utc::now(),
                });
                let excess = results.len().saturating_sub(SESSION_RESULTS_KEPT);
                results.drain(..excess);
                session.insert(ATTEMPTS_KEY, attempts).await.map_err(session_error)?;
                session.insert(RESULTS_KEY, results).await.map_err(session_error)?;
                Ok(key)
            }
        }
    }
}

/// Stored answers, keeping only those the version still accepts (a stored answer that no longer
/// fits is dropped, so the person is asked again rather than scored on something invalid).
pub fn checked_answers(version: &Version, value: serde_json::Value) -> Answers {
    let raw: BTreeMap<u32, serde_json::Value> = serde_json::from_value(value).unwrap_or_default();
    raw.into_iter()
        .filter_map(|(position, value)| {
            let answer: Answer = serde_json::from_value(value).ok()?;
            version.question(position)?.check_answer(&answer).ok()?;
            Some((position, answer))
        })
        .collect()
}

pub async fn visitor_attempts(session: &Session) -> Result<BTreeMap<Uuid, Answers>, AppError> {
    Ok(session.get(ATTEMPTS_KEY).await.map_err(session_error)?.unwrap_or_default())
}

pub async fn visitor_results(session: &Session) -> Result<Vec<SessionResult>, AppError> {
    Ok(session.get(RESULTS_KEY).await.map_err(session_error)?.unwrap_or_default())
}

/// Moves a visitor's attempts and results into the account they just created or signed in to,
/// inside the caller's transaction (which carries the new user's context). Nothing is lost if
/// the transaction fails: the session is cleared only after the rows are written.
pub async fn claim_visitor_work(
    session: &Session,
    tx: &mut Transaction<'static, Postgres>,
    user_id: Uuid,
    org_id: Uuid,
) -> Result<usize, AppError> {
    let attempts = visitor_attempts(session).await?;
    let results = visitor_results(session).await?;
    let mut claimed = 0;
    for result in &results {
        sqlx::query(
            "insert into assessment_results (user_id, organization_id, assessment_id, status, answers, scores, \
                                             summary_code, started_at, completed_at) \
             values ($1, $2, $3, 'completed', $4, $5, nullif($6, ''), $7, $7)",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(result.version_id)
        .bind(serde_json::to_value(&result.answers).map_err(|_| AppError::Internal)?)
        .bind(serde_json::to_value(result.sheet.by_key()).map_err(|_| AppError::Internal)?)
        .bind(&result.sheet.summary.code)
        .bind(result.completed_at)
        .execute(&mut **tx)
        .await?;
        claimed += 1;
    }
    for (version_id, answers) in &attempts {
        if answers.is_empty() {
            continue;
        }
        // An attempt already in progress in the account is merged, the visitor's answers winning.
        sqlx::query(
            "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
             values ($1, $2, $3, $4) \
             on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
             do update set answers = assessment_results.answers || excluded.answers",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(version_id)
        .bind(serde_json::to_value(answers).map_err(|_| AppError::Internal)?)
        .execute(&mut **tx)
        .await?;
        claimed += 1;
    }
    Ok(claimed)
}

/// Accounts runs this at sign-up and sign-in (registered in `crate::SIGN_IN_HOOKS`).
pub const ADOPT_VISITOR_WORK: crate::accounts::hooks::SignInHook = crate::accounts::hooks::SignInHook {
    adopt: |session, tx, member| Box::pin(claim_visitor_work(session, tx, member.user_id, member.org_id)),
    forget: |session| Box::pin(forget_visitor_work(session)),
};

/// Forgets the visitor's work once [`claim_visitor_work`]'s transaction has committed.
pub async fn forget_visitor_work(session: &Session) -> Result<(), AppError> {
    session.remove_value(ATTEMPTS_KEY).await.map_err(session_error)?;
    session.remove_value(RESULTS_KEY).await.map_err(session_error)?;
    Ok(())
}
