//! What the assessment pages show and the server functions return, the statuses an assessment
//! and a result go through, and the choices a person makes while taking one.

use super::definition::NumberedQuestion;
use super::scoring::{Answers, ScoreSheet};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Questions per page while taking an assessment.
pub const PAGE_SIZE: usize = 12;

/// The page (1-based) question `position` is on.
pub fn page_of(position: u32) -> u32 {
    (position - 1) / PAGE_SIZE as u32 + 1
}

/// A date as the pages write it, e.g. "24 November 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Where a version stands: authors edit drafts, people take the published one, and publishing a
/// new version archives the one it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "assessment_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Draft,
    Published,
    Archived,
}

impl AssessmentStatus {
    /// The status as stored and shown, e.g. "draft".
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "draft",
            AssessmentStatus::Published => "published",
            AssessmentStatus::Archived => "archived",
        }
    }
}

impl std::fmt::Display for AssessmentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where someone's attempt stands (`assessment_results.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "assessment_result_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum ResultStatus {
    InProgress,
    Completed,
    Abandoned,
}

/// Where a press of the take form's buttons goes after saving the page: an autosave (and a
/// form posted without a button) stays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Go {
    #[default]
    Stay,
    Back,
    Next,
    Finish,
}

/// The six raw Interest Profiler scores a career match is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestScores {
    /// The saved result the scores come from; `None` for a result kept in an anonymous session.
    pub result_id: Option<Uuid>,
    /// Raw scores 0-40 in the order R, I, A, S, E, C.
    pub scores: [f64; 6],
    /// When the result was completed.
    pub completed_at: DateTime<Utc>,
}

/// Where someone stands with an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Progress {
    NotStarted,
    InProgress { answered: u32, total: u32 },
    Completed { code: String, completed_on: NaiveDate },
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
    pub completed_at: DateTime<Utc>,
    pub version: i32,
    pub code: String,
    /// Scores by dimension key.
    pub scores: Vec<(String, f64)>,
}

impl HistoryEntry {
    pub fn completed_on(&self) -> NaiveDate {
        self.completed_at.date_naive()
    }
}

/// A result, with what is needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub key: Uuid,
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub notice: String,
    /// The scoring method in words, e.g. "Sum of item scores".
    pub method: String,
    pub completed_on: NaiveDate,
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
    pub completed_on: NaiveDate,
}

/// A question the person answered in a way it doesn't accept: which one, and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionProblem {
    pub position: u32,
    pub message: String,
}

impl std::fmt::Display for QuestionProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Question {}: {}", self.position, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_reads_the_buttons_values() {
        let go: Go = serde_json::from_str("\"finish\"").unwrap();
        assert_eq!(go, Go::Finish);
        assert_eq!(Go::default(), Go::Stay);
        assert!(serde_json::from_str::<Go>("\"sideways\"").is_err());
    }

    #[test]
    fn questions_fall_on_pages_of_twelve() {
        assert_eq!((page_of(1), page_of(12), page_of(13), page_of(60)), (1, 1, 2, 5));
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2026, 11, 4).unwrap()), "4 November 2026");
    }
}
