//! What a visitor's session keeps (attempts and their latest few results), and adopting it
//! into the account they sign up for or in to.

use super::to_json;
use crate::assessments::domain::ResultStatus;
use crate::assessments::scoring::{Answers, ScoreSheet};
use crate::db::Tx;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;
use uuid::Uuid;

pub(super) const ATTEMPTS_KEY: &str = "assessment_attempts";
pub(super) const RESULTS_KEY: &str = "assessment_results";
/// A visitor's session keeps only their latest few results.
pub(super) const SESSION_RESULTS_KEPT: usize = 5;

/// A result kept in a visitor's session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionResult {
    pub key: Uuid,
    pub version_id: Uuid,
    pub answers: Answers,
    pub sheet: ScoreSheet,
    pub completed_at: DateTime<Utc>,
}

pub(super) fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store error");
    AppError::Unavailable
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
    tx: &mut Tx,
    user_id: Uuid,
    org_id: Uuid,
) -> Result<usize, AppError> {
    let attempts = visitor_attempts(session).await?;
    let results = visitor_results(session).await?;
    let mut claimed = 0;
    for result in &results {
        sqlx::query!(
            "insert into assessment_results (user_id, organization_id, assessment_id, status, answers, scores, \
                                             summary_code, started_at, completed_at) \
             values ($1, $2, $3, $4, $5, $6, nullif($7, ''), $8, $8)",
            user_id,
            org_id,
            result.version_id,
            ResultStatus::Completed as ResultStatus,
            to_json(&result.answers)?,
            to_json(&result.sheet.by_key())?,
            &result.sheet.summary.code,
            result.completed_at as DateTime<Utc>,
        )
        .execute(&mut **tx)
        .await?;
        claimed += 1;
    }
    for (version_id, answers) in &attempts {
        if answers.is_empty() {
            continue;
        }
        // An attempt already in progress in the account is merged, the visitor's answers winning.
        sqlx::query!(
            "insert into assessment_results (user_id, organization_id, assessment_id, answers) \
             values ($1, $2, $3, $4) \
             on conflict (user_id, assessment_id) where status = 'in_progress' and deleted_at is null \
             do update set answers = assessment_results.answers || excluded.answers",
            user_id,
            org_id,
            version_id,
            to_json(answers)?,
        )
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
