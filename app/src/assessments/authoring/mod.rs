//! Authoring: administrators write an assessment as a definition (JSON with a documented shape),
//! see it checked and previewed as they type (the same domain types run in the browser), save
//! drafts, and publish a new version. Publishing archives the version it replaces; results stay
//! tied to the version they were taken on.
//!
//! - this file: the editor's template and what the authoring pages show.
//! - `api`: the server functions (list, open, save a draft, publish).
//! - `pages`: `/admin/assessments` and the editor.

mod api;
mod pages;

pub use api::*;
pub use pages::{AssessmentEditorPage, AssessmentsAdminPage};

use super::domain::AssessmentStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A starting point showing every question type, for a new assessment.
pub const TEMPLATE: &str = r#"{
  "slug": "work-values",
  "title": "What matters to you at work",
  "description": "A short check of the work values that matter most to you.",
  "estimated_minutes": 5,
  "scoring": {
    "method": "normalised",
    "dimensions": [
      { "key": "people", "label": "Working with people", "description": "You value teamwork, helping and contact with others." },
      { "key": "security", "label": "Security", "description": "You value a steady income, clear expectations and stability." }
    ],
    "code_length": 1,
    "bands": [ { "from": 0, "label": "Low" }, { "from": 34, "label": "Medium" }, { "from": 67, "label": "High" } ]
  },
  "sections": [
    {
      "title": "How you like to work",
      "questions": [
        { "type": "likert", "prompt": "I enjoy working closely with a team.",
          "points": [ { "label": "Disagree", "value": 1 }, { "label": "Neutral", "value": 2 }, { "label": "Agree", "value": 3 } ],
          "weights": { "people": 1 } },
        { "type": "likert", "prompt": "I would rather work alone most of the day.", "reverse": true,
          "points": [ { "label": "Disagree", "value": 1 }, { "label": "Neutral", "value": 2 }, { "label": "Agree", "value": 3 } ],
          "weights": { "people": 1 } },
        { "type": "single_choice", "prompt": "Which job offer appeals more?",
          "options": [
            { "key": "a", "label": "A permanent contract with a set salary", "weights": { "security": 2 } },
            { "key": "b", "label": "A short project with a lively team", "weights": { "people": 2 } } ] },
        { "type": "multiple_choice", "prompt": "Which of these would you enjoy? Pick up to two.", "min_picks": 1, "max_picks": 2,
          "options": [
            { "key": "a", "label": "Mentoring a new colleague", "weights": { "people": 1 } },
            { "key": "b", "label": "A pension plan", "weights": { "security": 1 } },
            { "key": "c", "label": "Planning a team event", "weights": { "people": 1 } } ] }
      ]
    },
    {
      "title": "Priorities",
      "questions": [
        { "type": "scale", "prompt": "How important is a predictable schedule?", "min": 0, "max": 10, "step": 1,
          "min_label": "Not at all", "max_label": "Essential", "weights": { "security": 0.5 } },
        { "type": "ranking", "prompt": "Rank these from most to least important.",
          "options": [
            { "key": "pay", "label": "Steady pay", "weights": { "security": 1 } },
            { "key": "team", "label": "A team I like", "weights": { "people": 1 } },
            { "key": "growth", "label": "Room to grow" } ] },
        { "type": "free_text", "prompt": "Anything else you want your mentor to know?", "required": false, "max_length": 500 }
      ]
    }
  ]
}
"#;

/// A version in the authoring list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoringRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub status: AssessmentStatus,
    /// None: built in (every organization sees it).
    pub organization: Option<String>,
    pub results: i64,
    pub updated_on: NaiveDate,
    pub editable: bool,
}

/// What the editor opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorState {
    /// The draft being edited; None: nothing saved yet (a new draft is created on save).
    pub draft_id: Option<Uuid>,
    /// The opened version's status; None: a new assessment, nothing saved yet.
    pub status: Option<AssessmentStatus>,
    pub version: i32,
    pub definition: String,
    pub built_in: bool,
}
