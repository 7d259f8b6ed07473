//! Server side: loading versions (checked as an author's save is), keeping attempts (in the
//! account, or in the session for a visitor without one), and saving results.
//!
//! - this file: [`Version`] and loading one, stored answers.
//! - `taker`: [`Taker`], whoever is taking an assessment, and their attempts and results.
//! - `visitor`: what a visitor's session keeps, and adopting it at sign-up and sign-in.

mod taker;
mod visitor;

pub use taker::Taker;
pub use visitor::*;

use super::definition::{Definition, NumberedQuestion, Question, QuestionType, Scoring};
use super::domain::AssessmentStatus;
use super::scoring::{score, Answer, Answers, ScoreSheet};
use crate::db::{self, Tx};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    pub status: AssessmentStatus,
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

/// An `assessments` row as read.
struct VersionRow {
    id: Uuid,
    organization_id: Option<Uuid>,
    slug: String,
    version: i32,
    title: String,
    description: String,
    metadata: serde_json::Value,
    estimated_minutes: Option<i32>,
    status: AssessmentStatus,
    scoring: serde_json::Value,
}

/// What `metadata` holds besides the scoring: the notice shown with the assessment.
#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    notice: String,
}

async fn version_from_row(tx: &mut Tx, row: VersionRow) -> Result<Version, AppError> {
    let id = row.id;
    let scoring: Scoring = serde_json::from_value(row.scoring).map_err(|e| damaged("scoring", id, e))?;
    let metadata: Metadata = crate::db::stored_json(row.metadata, "assessment metadata", id)?;
    let rows = sqlx::query!(
        r#"select position, section, prompt, question_type as "question_type: QuestionType", required, options, scoring
             from assessment_questions where assessment_id = $1 and deleted_at is null order by position"#,
        id,
    )
    .fetch_all(&mut **tx)
    .await?;
    let questions = rows
        .into_iter()
        .map(|q| {
            let question = Question::from_stored(q.prompt, q.required, &q.question_type, q.options, q.scoring)
                .map_err(|e| damaged("question", id, format!("position {}: {e}", q.position)))?;
            Ok(NumberedQuestion { position: q.position as u32, section: q.section, question })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let version = Version {
        id,
        organization_id: row.organization_id,
        slug: row.slug,
        version: row.version,
        title: row.title,
        description: row.description,
        notice: metadata.notice,
        estimated_minutes: row.estimated_minutes.map(|m| m as u32),
        status: row.status,
        scoring,
        questions,
    };
    // The same checks an author's save passes: a damaged row never reaches a person.
    version.definition().validated().map_err(|e| damaged("definition", id, e))?;
    Ok(version)
}

/// One version by id (row-level security decides whether the caller may see it).
pub async fn version_by_id(tx: &mut Tx, id: Uuid) -> Result<Version, AppError> {
    let row = sqlx::query_as!(
        VersionRow,
        r#"select id, organization_id, slug::text as "slug!", version, title, description, metadata, estimated_minutes,
                  status as "status: AssessmentStatus", scoring
             from assessments where id = $1 and deleted_at is null"#,
        id,
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that assessment".into()))?;
    version_from_row(tx, row).await
}

/// The published version of `slug`: the caller's organization's own before a built-in one.
pub async fn published(tx: &mut Tx, slug: &str) -> Result<Version, AppError> {
    let row = sqlx::query_as!(
        VersionRow,
        r#"select id, organization_id, slug::text as "slug!", version, title, description, metadata, estimated_minutes,
                  status as "status: AssessmentStatus", scoring
             from assessments
            where slug = $1::text::citext and status = 'published' and deleted_at is null
            order by organization_id nulls last limit 1"#,
        slug,
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that assessment".into()))?;
    version_from_row(tx, row).await
}

/// Stored answers (of result `row`), keeping only those the version still accepts: a stored
/// answer that no longer fits is dropped, so the person is asked again rather than scored on
/// something invalid. A document that isn't a map of answers at all is damaged.
pub fn checked_answers(version: &Version, value: serde_json::Value, row: Uuid) -> Result<Answers, AppError> {
    let raw: BTreeMap<u32, serde_json::Value> = db::stored_json(value, "assessment answers", row)?;
    Ok(raw
        .into_iter()
        .filter_map(|(position, value)| {
            let answer: Answer = serde_json::from_value(value).ok()?;
            version.question(position)?.check_answer(&answer).ok()?;
            Some((position, answer))
        })
        .collect())
}

/// Answers and scores as the jsonb columns keep them.
pub(crate) fn to_json(value: &impl Serialize) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| {
        tracing::error!(%error, "answers or scores don't serialize");
        AppError::Internal
    })
}
