//! The rules a definition must pass, on save and on load: every problem at once, each message
//! naming where it is.

use super::*;
use std::collections::BTreeSet;

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
}

impl Question {
    /// Checks this question against its assessment's scoring; `n` is its 1-based number.
    pub fn check(&self, n: usize, scoring: &Scoring, errors: &mut Vec<String>) {
        let place = format!("Question {n} ({}, \"{}\")", self.kind.type_label(), short(&self.prompt));
        let prompt_chars = self.prompt.trim().chars().count();
        if prompt_chars == 0 || prompt_chars > 2000 {
            errors.push(format!("Question {n}: the prompt must be 1 to 2,000 characters."));
        }
        match &self.kind {
            QuestionKind::Likert { points, weights, .. } => {
                check_points(points, &place, errors);
                scoring.check_weights(weights, &place, errors);
            }
            QuestionKind::SingleChoice { options } => check_choices(options, 2, MAX_CHOICES, scoring, &place, errors),
            QuestionKind::MultipleChoice { options, min_picks, max_picks } => {
                check_choices(options, 2, MAX_CHOICES, scoring, &place, errors);
                if *max_picks == 0 || max_picks > &options.len() || min_picks > max_picks {
                    errors.push(format!(
                        "{place}: picks must satisfy 0 ≤ min_picks ≤ max_picks ≤ the number of options, with max_picks at least 1 (they are {min_picks} and {max_picks} of {}).",
                        options.len()
                    ));
                }
            }
            QuestionKind::Scale { min, max, step, weights, .. } => {
                check_scale(*min, *max, *step, &place, errors);
                scoring.check_weights(weights, &place, errors);
            }
            QuestionKind::Ranking { options } => check_choices(options, 2, MAX_RANKED, scoring, &place, errors),
            QuestionKind::FreeText { min_length, max_length } => {
                if *max_length == 0 || *max_length > MAX_FREE_TEXT || min_length > max_length {
                    errors.push(format!(
                        "{place}: lengths must satisfy 0 ≤ min_length ≤ max_length ≤ {MAX_FREE_TEXT}, with max_length at least 1."
                    ));
                }
            }
        }
    }
}

/// A choice, multiple-choice or ranking question's options: `minimum` to `maximum` of them,
/// each with a unique key, a label and weights on known dimensions.
fn check_choices(options: &[Choice], minimum: usize, maximum: usize, scoring: &Scoring, place: &str, errors: &mut Vec<String>) {
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
}

/// A Likert item's points: 2 to 11, each labelled, with a numeric value.
fn check_points(points: &[Point], place: &str, errors: &mut Vec<String>) {
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
}

/// A scale's range: min below max, in at most 1,000 whole steps.
fn check_scale(min: f64, max: f64, step: f64, place: &str, errors: &mut Vec<String>) {
    if !(min.is_finite() && max.is_finite() && step.is_finite()) || min >= max || step <= 0.0 {
        errors.push(format!("{place}: a scale needs min below max and a step above 0."));
    } else {
        let steps = (max - min) / step;
        if (steps - steps.round()).abs() > 1e-9 || steps.round() > 1000.0 {
            errors.push(format!("{place}: the step must divide max - min evenly, into at most 1,000 steps."));
        }
    }
}

impl Definition {
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
}
