//! Whoever is taking an assessment, and their attempts and results.

use super::visitor::{session_error, visitor_attempts, visitor_results, SessionResult, ATTEMPTS_KEY, RESULTS_KEY, SESSION_RESULTS_KEPT};
use super::{checked_answers, to_json, Version};
use crate::assessments::domain::ResultStatus;
use crate::assessments::scoring::Answers;
use crate::db::caller::{self, SignedIn};
use crate::db::Tx;
use crate::error::AppError;
use tower_sessions::Session;
use uuid::Uuid;

/// Who is taking an assessment: a member (attempts and results in the database) or a visitor
/// (kept in their session until they sign up).
pub enum Taker {
    Member(SignedIn),
    Visitor(Session),
}

impl Taker {
    /// The taker `db::visitor` found. A visitor's session has been loaded by then (finding
    /// who is signed in reads it), so their attempts are read and written in memory while the
    /// transaction is open, and the session layer stores them after the response.
    pub async fn new(caller: Option<&SignedIn>) -> Result<Taker, AppError> {
        Ok(match caller {
            Some(user) => Taker::Member(user.clone()),
            None => Taker::Visitor(caller::session().await?),
        })
    }

    pub fn is_member(&self) -> bool {
        matches!(self, Taker::Member(_))
    }

    /// The answers given so far on this version.
    pub async fn answers(&self, tx: &mut Tx, version: &Version) -> Result<Answers, AppError> {
        match self {
            Taker::Member(user) => {
                let stored = sqlx::query!(
                    "select id, answers from assessment_results \
                      where user_id = $1 and assessment_id = $2 and status = 'in_progress' and deleted_at is null",
                    user.user_id,
                    version.id,
                )
                .fetch_optional(&mut **tx)
                .await?;
                stored.map(|row| checked_answers(version, row.answers, row.id)).transpose().map(Option::unwrap_or_default)
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
        tx: &mut Tx,
        version: &Version,
        positions: &[u32],
        given: &Answers,
    ) -> Result<(), AppError> {
        match self {
            Taker::Member(user) => {
                let cleared: Vec<String> = positions.iter().map(|p| p.to_string()).collect();
                sqlx::query!(
                    "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
                     values ($1, $2, $3, $4) \
                     on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
                     do update set answers = (assessment_results.answers - $5::text[]) || excluded.answers",
                    user.user_id,
                    user.org_id,
                    version.id,
                    to_json(given)?,
                    &cleared,
                )
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
        tx: &mut Tx,
        version: &Version,
        answers: &Answers,
    ) -> Result<Uuid, AppError> {
        let sheet = version.score(answers);
        match self {
            Taker::Member(user) => {
                let id = sqlx::query_scalar!(
                    "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
                     values ($1, $2, $3, $4) \
                     on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
                     do update set answers = excluded.answers returning id",
                    user.user_id,
                    user.org_id,
                    version.id,
                    to_json(answers)?,
                )
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query!(
                    "update assessment_results set status = $2, completed_at = now(), scores = $3, \
                            summary_code = nullif($4, '') where id = $1",
                    id,
                    ResultStatus::Completed as ResultStatus,
                    to_json(&sheet.by_key())?,
                    &sheet.summary.code,
                )
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
