//! What an assessment is: its dimensions, how it is scored and labelled, and its questions of six
//! types. Authors write a [`Definition`]; the database keeps it as an `assessments` row (scoring
//! in jsonb) plus one `assessment_questions` row per question (options and scoring in jsonb).
//! Everything is checked here, by the same code on load and on save, in the browser and on the
//! server: a Likert item without points or a weight on an unknown dimension never reaches a
//! person taking the assessment.
//!
//! - this file: the types an author writes, and numbering questions.
//! - [`checks`]: every rule a definition must pass ([`Definition::validated`]).
//! - [`stored`]: a question's stored columns and [`QuestionType`], the `question_type` enum.


mod checks;
mod stored;

pub use stored::QuestionType;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const MAX_QUESTIONS: usize = 300;
pub const MAX_DIMENSIONS: usize = 20;
pub const MAX_CHOICES: usize = 20;
pub const MAX_RANKED: usize = 10;
pub const MAX_FREE_TEXT: usize = 5000;
/// `assessment_results.summary_code` holds at most 16 characters.
pub const MAX_CODE_CHARS: usize = 16;

/// How answers become one score per dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoringMethod {
    /// The sum of every answered item's weighted value.
    Sum,
    /// That sum divided by the number of answered items that score the dimension.
    Mean,
    /// That sum placed between the lowest and highest sums the answered items allow, as 0-100.
    Normalised,
}

impl ScoringMethod {
    pub fn label(self) -> &'static str {
        match self {
            ScoringMethod::Sum => "Sum of item scores",
            ScoringMethod::Mean => "Mean item score",
            ScoringMethod::Normalised => "Normalised to 0-100",
        }
    }
}

/// One thing an assessment measures (an interest area, a value, a skill).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    /// Short key used in weights and in the summary code, e.g. "R".
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A label for scores from `from` upwards (until the next band), e.g. 0 "Low", 34 "Medium".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub from: f64,
    pub label: String,
}

/// How a version is scored and how its results are labelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoring {
    pub method: ScoringMethod,
    pub dimensions: Vec<Dimension>,
    /// How many dimensions the summary code names, highest first (0: no code). Ties are broken
    /// by the order the dimensions are declared in, and shown as ties.
    #[serde(default)]
    pub code_length: usize,
    /// Optional labels for score ranges, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
}

/// Weighted scores on named dimensions. A negative weight keys an item against a dimension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weights(pub BTreeMap<String, f64>);

impl Weights {
    pub fn get(&self, dimension: &str) -> f64 {
        self.0.get(dimension).copied().unwrap_or(0.0)
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One labelled point of a Likert item, with the value it scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub label: String,
    pub value: f64,
}

/// One option of a choice or ranking item, with the weights picking (or ranking) it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Stable key within the question, lowercase letters and digits, e.g. "b".
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Weights::is_empty")]
    pub weights: Weights,
}

/// The six question types and what each needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Labelled points; the chosen point's value times each weight. Reverse keying mirrors the
    /// value (lowest ↔ highest) before weighting.
    Likert {
        points: Vec<Point>,
        #[serde(default)]
        weights: Weights,
        #[serde(default)]
        reverse: bool,
    },
    /// One option; its weights are added.
    SingleChoice { options: Vec<Choice> },
    /// Between `min_picks` and `max_picks` options; their weights are added.
    MultipleChoice {
        options: Vec<Choice>,
        #[serde(default)]
        min_picks: usize,
        max_picks: usize,
    },
    /// A number from `min` to `max` in steps of `step` (a slider); the value times each weight,
    /// mirrored first when reverse-keyed.
    Scale {
        min: f64,
        max: f64,
        step: f64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        min_label: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        max_label: String,
        #[serde(default)]
        weights: Weights,
        #[serde(default)]
        reverse: bool,
    },
    /// Every option put in order. Of n options, the one ranked first earns n-1 points, the last
    /// 0; each option's points times its weights.
    Ranking { options: Vec<Choice> },
    /// Words in the person's own voice; never scored.
    FreeText {
        #[serde(default)]
        min_length: usize,
        max_length: usize,
    },
}

impl QuestionKind {
    pub fn question_type(&self) -> QuestionType {
        match self {
            QuestionKind::Likert { .. } => QuestionType::Likert,
            QuestionKind::SingleChoice { .. } => QuestionType::SingleChoice,
            QuestionKind::MultipleChoice { .. } => QuestionType::MultipleChoice,
            QuestionKind::Scale { .. } => QuestionType::Scale,
            QuestionKind::Ranking { .. } => QuestionType::Ranking,
            QuestionKind::FreeText { .. } => QuestionType::FreeText,
        }
    }

    /// The type's name in the definition's JSON, e.g. `single_choice`.
    pub fn type_name(&self) -> &'static str {
        self.question_type().as_str()
    }

    pub fn type_label(&self) -> &'static str {
        match self {
            QuestionKind::Likert { .. } => "Likert",
            QuestionKind::SingleChoice { .. } => "single choice",
            QuestionKind::MultipleChoice { .. } => "multiple choice",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Ranking { .. } => "ranking",
            QuestionKind::FreeText { .. } => "free text",
        }
    }
}

fn yes() -> bool {
    true
}

/// A question as authored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: String,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// A titled group of questions (the title may be empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    #[serde(default)]
    pub title: String,
    pub questions: Vec<Question>,
}

/// An assessment version as its author writes it (the editor's JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
    /// A notice shown on the assessment and its results (copyright, intended use).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notice: String,
    pub scoring: Scoring,
    pub sections: Vec<Section>,
}

/// Everything wrong with a definition, each message naming where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join(" "))]
pub struct DefinitionErrors(pub Vec<String>);

impl DefinitionErrors {
    /// The editor's messages, each against its one field (`definition`, the JSON text).
    pub fn for_editor(self) -> crate::domain::FieldErrors {
        let mut errors = crate::domain::FieldErrors::new();
        for message in self.0 {
            errors.add("definition", message);
        }
        errors
    }
}

impl Scoring {
    pub fn dimension(&self, key: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.key == key)
    }

    /// The band label for a score, if bands are declared.
    pub fn band(&self, score: f64) -> Option<&str> {
        self.bands.iter().rev().find(|band| score >= band.from).map(|band| band.label.as_str())
    }
}

impl Question {
    /// Every dimension this question can move.
    pub fn scored_dimensions(&self) -> BTreeSet<&str> {
        fn add<'a>(keys: &mut BTreeSet<&'a str>, weights: &'a Weights) {
            keys.extend(weights.0.iter().filter(|(_, w)| **w != 0.0).map(|(k, _)| k.as_str()));
        }
        let mut keys = BTreeSet::new();
        match &self.kind {
            QuestionKind::Likert { weights, .. } | QuestionKind::Scale { weights, .. } => add(&mut keys, weights),
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. }
            | QuestionKind::Ranking { options } => options.iter().for_each(|o| add(&mut keys, &o.weights)),
            QuestionKind::FreeText { .. } => {}
        }
        keys
    }
}

impl Definition {
    /// Parses the editor's JSON and checks everything, reporting every problem at once.
    pub fn parse_json(json: &str) -> Result<Definition, DefinitionErrors> {
        let definition: Definition = serde_json::from_str(json).map_err(|error| {
            DefinitionErrors(vec![format!(
                "The definition isn't valid: {error}. (Line {}, column {}.)",
                error.line(),
                error.column()
            )])
        })?;
        definition.validated()
    }

    /// The questions in order, numbered from 1, with their section titles.
    pub fn numbered(&self) -> Vec<NumberedQuestion> {
        let mut out = Vec::new();
        for section in &self.sections {
            for question in &section.questions {
                out.push(NumberedQuestion {
                    position: out.len() as u32 + 1,
                    section: section.title.clone(),
                    question: question.clone(),
                });
            }
        }
        out
    }

    /// Groups numbered questions back into sections (consecutive questions sharing a title).
    pub fn from_numbered(
        slug: String,
        title: String,
        description: String,
        estimated_minutes: Option<u32>,
        notice: String,
        scoring: Scoring,
        questions: Vec<NumberedQuestion>,
    ) -> Definition {
        let mut sections: Vec<Section> = Vec::new();
        for numbered in questions {
            match sections.last_mut() {
                Some(section) if section.title == numbered.section => section.questions.push(numbered.question),
                _ => sections.push(Section { title: numbered.section, questions: vec![numbered.question] }),
            }
        }
        Definition { slug, title, description, estimated_minutes, notice, scoring, sections }
    }
}

/// A question with its place in the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberedQuestion {
    /// 1-based; answers are keyed by it.
    pub position: u32,
    pub section: String,
    pub question: Question,
}
