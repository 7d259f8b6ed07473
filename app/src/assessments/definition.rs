//! What an assessment is: its dimensions, how it is scored and labelled, and its questions of six
//! types. Authors write a [`Definition`]; the database keeps it as an `assessments` row (scoring
//! in jsonb) plus one `assessment_questions` row per question (options and scoring in jsonb).
//! Everything is checked here, by the same code on load and on save, in the browser and on the
//! server: a Likert item without points or a weight on an unknown dimension never reaches a
//! person taking the assessment.

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
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::Likert { .. } => "likert",
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultipleChoice { .. } => "multiple_choice",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Ranking { .. } => "ranking",
            QuestionKind::FreeText { .. } => "free_text",
        }
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

fn slug_ok(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn dimension_key_ok(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && key.len() <= 24
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn choice_key_ok(key: &str) -> bool {
    !key.is_empty() && key.len() <= 24 && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn short(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

impl Scoring {
    pub fn dimension(&self, key: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.key == key)
    }

    fn check(&self, errors: &mut Vec<String>) {
        if self.dimensions.len() > MAX_DIMENSIONS {
            errors.push(format!("An assessment can measure at most {MAX_DIMENSIONS} dimensions."));
        }
        let mut seen = BTreeSet::new();
        for (index, dimension) in self.dimensions.iter().enumerate() {
            let n = index + 1;
            if !dimension_key_ok(&dimension.key) {
                errors.push(format!(
                    "Dimension {n}: the key \"{}\" must start with a letter and use only letters, digits and _ (at most 24).",
                    dimension.key
                ));
            } else if !seen.insert(dimension.key.as_str()) {
                errors.push(format!("Dimension {n}: the key \"{}\" is used twice.", dimension.key));
            }
            if dimension.label.trim().is_empty() || dimension.label.chars().count() > 80 {
                errors.push(format!("Dimension {n}: give it a label of 1 to 80 characters."));
            }
        }
        if self.code_length > self.dimensions.len() {
            errors.push(format!(
                "The summary code can't name {} dimensions: there are only {}.",
                self.code_length,
                self.dimensions.len()
            ));
        } else if self.code_length > 0 {
            let longest = self.dimensions.iter().map(|d| d.key.chars().count()).max().unwrap_or(0);
            let separator = usize::from(longest > 1);
            if self.code_length * (longest + separator) > MAX_CODE_CHARS + separator {
                errors.push(format!(
                    "A summary code of {} dimensions with keys this long is longer than {MAX_CODE_CHARS} characters: use shorter keys or a shorter code.",
                    self.code_length
                ));
            }
        }
        for (index, band) in self.bands.iter().enumerate() {
            if !band.from.is_finite() {
                errors.push(format!("Band {}: \"from\" must be a number.", index + 1));
            }
            if band.label.trim().is_empty() {
                errors.push(format!("Band {}: give it a label.", index + 1));
            }
            if index > 0 && band.from <= self.bands[index - 1].from {
                errors.push(format!("Band {}: bands must go from the lowest score to the highest.", index + 1));
            }
        }
    }

    fn check_weights(&self, weights: &Weights, place: &str, errors: &mut Vec<String>) {
        for (key, weight) in &weights.0 {
            if self.dimension(key).is_none() {
                let known: Vec<&str> = self.dimensions.iter().map(|d| d.key.as_str()).collect();
                errors.push(format!(
                    "{place}: the weight on \"{key}\" names no dimension of this assessment (they are: {}).",
                    if known.is_empty() { "none yet".to_string() } else { known.join(", ") }
                ));
            } else if !weight.is_finite() {
                errors.push(format!("{place}: the weight on \"{key}\" must be a number."));
            }
        }
    }

    /// The band label for a score, if bands are declared.
    pub fn band(&self, score: f64) -> Option<&str> {
        self.bands.iter().rev().find(|band| score >= band.from).map(|band| band.label.as_str())
    }
}

impl Question {
    /// Checks this question against its assessment's scoring; `n` is its 1-based number.
    pub fn check(&self, n: usize, scoring: &Scoring, errors: &mut Vec<String>) {
        let place = format!("Question {n} ({}, \"{}\")", self.kind.type_label(), short(&self.prompt));
        let prompt_chars = self.prompt.trim().chars().count();
        if prompt_chars == 0 || prompt_chars > 2000 {
            errors.push(format!("Question {n}: the prompt must be 1 to 2,000 characters."));
        }
        let check_choices = |options: &Vec<Choice>, minimum: usize, maximum: usize, errors: &mut Vec<String>| {
            if options.len() < minimum || options.len() > maximum {
                errors.push(format!("{place}: needs {minimum} to {maximum} options (it has {}).", options.len()));
            }
            let mut keys = BTreeSet::new();
            for (index, option) in options.iter().enumerate() {
                let at = format!("{place}, option {}", index + 1);
                if !choice_key_ok(&option.key) {
                    errors.push(format!(
                        "{at}: the key \"{}\" must be lowercase letters and digits (at most 24).",
                        option.key
                    ));
                } else if !keys.insert(option.key.as_str()) {
                    errors.push(format!("{at}: the key \"{}\" is used twice.", option.key));
                }
                if option.label.trim().is_empty() || option.label.chars().count() > 300 {
                    errors.push(format!("{at}: give it a label of 1 to 300 characters."));
                }
                scoring.check_weights(&option.weights, &at, errors);
            }
        };
        match &self.kind {
            QuestionKind::Likert { points, weights, .. } => {
                if points.len() < 2 || points.len() > 11 {
                    errors.push(format!("{place}: a Likert item needs 2 to 11 labelled points (it has {}).", points.len()));
                }
                for (index, point) in points.iter().enumerate() {
                    if point.label.trim().is_empty() {
                        errors.push(format!("{place}, point {}: give it a label.", index + 1));
                    }
                    if !point.value.is_finite() {
                        errors.push(format!("{place}, point {}: its value must be a number.", index + 1));
                    }
                }
                scoring.check_weights(weights, &place, errors);
            }
            QuestionKind::SingleChoice { options } => check_choices(options, 2, MAX_CHOICES, errors),
            QuestionKind::MultipleChoice { options, min_picks, max_picks } => {
                check_choices(options, 2, MAX_CHOICES, errors);
                if *max_picks == 0 || max_picks > &options.len() || min_picks > max_picks {
                    errors.push(format!(
                        "{place}: picks must satisfy 0 ≤ min_picks ≤ max_picks ≤ the number of options, with max_picks at least 1 (they are {min_picks} and {max_picks} of {}).",
                        options.len()
                    ));
                }
            }
            QuestionKind::Scale { min, max, step, weights, .. } => {
                if !(min.is_finite() && max.is_finite() && step.is_finite()) || min >= max || *step <= 0.0 {
                    errors.push(format!("{place}: a scale needs min below max and a step above 0."));
                } else {
                    let steps = (max - min) / step;
                    if (steps - steps.round()).abs() > 1e-9 || steps.round() > 1000.0 {
                        errors.push(format!(
                            "{place}: the step must divide max - min evenly, into at most 1,000 steps."
                        ));
                    }
                }
                scoring.check_weights(weights, &place, errors);
            }
            QuestionKind::Ranking { options } => check_choices(options, 2, MAX_RANKED, errors),
            QuestionKind::FreeText { min_length, max_length } => {
                if *max_length == 0 || *max_length > MAX_FREE_TEXT || min_length > max_length {
                    errors.push(format!(
                        "{place}: lengths must satisfy 0 ≤ min_length ≤ max_length ≤ {MAX_FREE_TEXT}, with max_length at least 1."
                    ));
                }
            }
        }
    }

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

    /// Splits the question into its stored columns: (question_type, options, scoring). Weights go
    /// to `scoring`, what a person sees to `options`.
    pub fn to_stored(&self) -> (String, serde_json::Value, serde_json::Value) {
        use serde_json::{json, Map, Value};
        let mut options = serde_json::to_value(&self.kind).unwrap_or(Value::Null);
        let mut scoring = Map::new();
        if let Value::Object(object) = &mut options {
            object.remove("type");
            if let Some(weights) = object.remove("weights") {
                scoring.insert("weights".into(), weights);
            }
            if let Some(reverse) = object.remove("reverse") {
                scoring.insert("reverse".into(), reverse);
            }
            if let Some(Value::Array(choices)) = object.get_mut("options") {
                let mut by_key = Map::new();
                for choice in choices.iter_mut() {
                    if let Value::Object(choice) = choice {
                        let key = choice.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
                        let weights = choice.remove("weights").unwrap_or_else(|| json!({}));
                        by_key.insert(key, weights);
                    }
                }
                scoring.insert("option_weights".into(), Value::Object(by_key));
            }
        }
        (self.kind.type_name().to_string(), options, Value::Object(scoring))
    }

    /// Rebuilds a question from its stored columns (the inverse of [`Question::to_stored`]).
    pub fn from_stored(
        prompt: String,
        required: bool,
        question_type: &str,
        options: serde_json::Value,
        scoring: serde_json::Value,
    ) -> Result<Question, String> {
        use serde_json::Value;
        let mut object = match options {
            Value::Object(object) => object,
            other => return Err(format!("options must be an object, not {other}")),
        };
        object.insert("type".into(), Value::String(question_type.to_string()));
        if let Value::Object(mut scoring) = scoring {
            if let Some(weights) = scoring.remove("weights") {
                object.insert("weights".into(), weights);
            }
            if let Some(reverse) = scoring.remove("reverse") {
                object.insert("reverse".into(), reverse);
            }
            if let (Some(Value::Object(by_key)), Some(Value::Array(choices))) =
                (scoring.remove("option_weights"), object.get_mut("options"))
            {
                for choice in choices.iter_mut() {
                    if let Value::Object(choice) = choice {
                        let key = choice.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
                        if let Some(weights) = by_key.get(&key) {
                            choice.insert("weights".into(), weights.clone());
                        }
                    }
                }
            }
        }
        let kind: QuestionKind = serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string())?;
        Ok(Question { prompt, required, kind })
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

    /// Checks a definition; the same rules run when a version is loaded from the database.
    pub fn validated(self) -> Result<Definition, DefinitionErrors> {
        let mut errors = Vec::new();
        if !slug_ok(&self.slug) {
            errors.push(
                "The slug must be lowercase letters and digits in words joined by single hyphens, at most 80 characters (e.g. \"work-values\")."
                    .to_string(),
            );
        }
        let title = self.title.trim().chars().count();
        if !(2..=200).contains(&title) {
            errors.push("The title must be 2 to 200 characters.".to_string());
        }
        if self.description.chars().count() > 4000 {
            errors.push("The description must be at most 4,000 characters.".to_string());
        }
        if self.notice.chars().count() > 2000 {
            errors.push("The notice must be at most 2,000 characters.".to_string());
        }
        if let Some(minutes) = self.estimated_minutes {
            if !(1..=600).contains(&minutes) {
                errors.push("The estimated time must be 1 to 600 minutes.".to_string());
            }
        }
        self.scoring.check(&mut errors);
        let questions: Vec<&Question> = self.sections.iter().flat_map(|s| s.questions.iter()).collect();
        if questions.is_empty() {
            errors.push("Add at least one question.".to_string());
        } else if questions.len() > MAX_QUESTIONS {
            errors.push(format!("An assessment can have at most {MAX_QUESTIONS} questions (this has {}).", questions.len()));
        }
        for (index, section) in self.sections.iter().enumerate() {
            if section.title.chars().count() > 200 {
                errors.push(format!("Section {}: the title must be at most 200 characters.", index + 1));
            }
            if section.questions.is_empty() {
                errors.push(format!("Section {} has no questions: add some or remove it.", index + 1));
            }
        }
        for (index, question) in questions.iter().enumerate() {
            question.check(index + 1, &self.scoring, &mut errors);
        }
        if !questions.is_empty() {
            let scored: BTreeSet<&str> = questions.iter().flat_map(|q| q.scored_dimensions()).collect();
            for dimension in &self.scoring.dimensions {
                if !scored.contains(dimension.key.as_str()) && dimension_key_ok(&dimension.key) {
                    errors.push(format!(
                        "No question scores the dimension \"{}\": give some item a weight on it, or remove it.",
                        dimension.key
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(DefinitionErrors(errors))
        }
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
