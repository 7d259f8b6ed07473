//! Answers and scores. An [`Answer`] is parsed against its question (so a stored answer is always
//! one the question allows), and [`score`] turns a version's answers into one score per
//! dimension plus the summary code, exactly as the version's [`Scoring`] declares.

use super::definition::{Choice, NumberedQuestion, Question, QuestionKind, Scoring, ScoringMethod, Weights};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One question's answer, as stored in `assessment_results.answers` (keyed by position).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Likert: the index of the chosen point.
    Point(usize),
    /// Single choice: the chosen option's key.
    Choice(String),
    /// Multiple choice: the picked options' keys, in the question's order.
    Choices(Vec<String>),
    /// Scale: the chosen number.
    Number(f64),
    /// Ranking: every option's key, first to last.
    Ranking(Vec<String>),
    /// Free text, trimmed.
    Text(String),
}

/// A version's answers by question position.
pub type Answers = BTreeMap<u32, Answer>;

/// The form field names for question `position`: `q7` for one value, `q7_key` per option.
pub fn field_name(position: u32) -> String {
    format!("q{position}")
}

pub fn option_field_name(position: u32, key: &str) -> String {
    format!("q{position}_{key}")
}

fn number_text(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

impl Question {
    /// Reads this question's answer from submitted form fields. `Ok(None)`: not answered.
    pub fn answer_from_form(&self, position: u32, form: &HashMap<String, String>) -> Result<Option<Answer>, String> {
        let single = form.get(&field_name(position)).map(|v| v.trim()).filter(|v| !v.is_empty());
        let answer = match &self.kind {
            QuestionKind::Likert { .. } => match single {
                None => None,
                Some(text) => Some(Answer::Point(text.parse().map_err(|_| "Choose one of the points.".to_string())?)),
            },
            QuestionKind::SingleChoice { .. } => single.map(|key| Answer::Choice(key.to_string())),
            QuestionKind::MultipleChoice { options, .. } => {
                let picked: Vec<String> = options
                    .iter()
                    .filter(|o| form.get(&option_field_name(position, &o.key)).is_some_and(|v| !v.is_empty()))
                    .map(|o| o.key.clone())
                    .collect();
                (!picked.is_empty()).then_some(Answer::Choices(picked))
            }
            QuestionKind::Scale { .. } => match single {
                None => None,
                Some(text) => Some(Answer::Number(text.parse().map_err(|_| "Enter a number.".to_string())?)),
            },
            QuestionKind::Ranking { options } => {
                let ranks: Vec<(String, Option<&str>)> = options
                    .iter()
                    .map(|o| {
                        let rank = form.get(&option_field_name(position, &o.key)).map(|v| v.trim()).filter(|v| !v.is_empty());
                        (o.key.clone(), rank)
                    })
                    .collect();
                if ranks.iter().all(|(_, rank)| rank.is_none()) {
                    None
                } else {
                    let n = options.len();
                    let message = format!("Give every option a different rank from 1 to {n}.");
                    let mut ordered: Vec<(usize, String)> = Vec::with_capacity(n);
                    for (key, rank) in ranks {
                        let rank: usize = rank.and_then(|r| r.parse().ok()).ok_or_else(|| message.clone())?;
                        ordered.push((rank, key));
                    }
                    ordered.sort();
                    if ordered.iter().enumerate().any(|(i, (rank, _))| *rank != i + 1) {
                        return Err(message);
                    }
                    Some(Answer::Ranking(ordered.into_iter().map(|(_, key)| key).collect()))
                }
            }
            QuestionKind::FreeText { .. } => single.map(|text| Answer::Text(text.to_string())),
        };
        match answer {
            Some(answer) => self.check_answer(&answer).map(|()| Some(answer)),
            None => Ok(None),
        }
    }

    /// Whether `answer` is one this question allows; the message says what to change. (Long: one
    /// match with an arm per question type and answer shape, best read together.)
    pub fn check_answer(&self, answer: &Answer) -> Result<(), String> {
        let known = |options: &[Choice], key: &str| options.iter().any(|o| o.key == key);
        match (&self.kind, answer) {
            (QuestionKind::Likert { points, .. }, Answer::Point(index)) if *index < points.len() => Ok(()),
            (QuestionKind::Likert { .. }, _) => Err("Choose one of the points.".into()),
            (QuestionKind::SingleChoice { options }, Answer::Choice(key)) if known(options, key) => Ok(()),
            (QuestionKind::SingleChoice { .. }, _) => Err("Choose one of the options.".into()),
            (QuestionKind::MultipleChoice { options, min_picks, max_picks }, Answer::Choices(keys)) => {
                let mut unique = keys.clone();
                unique.sort();
                unique.dedup();
                if unique.len() != keys.len() || !keys.iter().all(|k| known(options, k)) {
                    Err("Pick from the options shown.".into())
                } else if keys.len() < *min_picks || keys.len() > *max_picks {
                    Err(if min_picks == max_picks {
                        format!("Pick exactly {min_picks}.")
                    } else {
                        format!("Pick between {} and {max_picks}.", (*min_picks).max(1))
                    })
                } else {
                    Ok(())
                }
            }
            (QuestionKind::MultipleChoice { .. }, _) => Err("Pick from the options shown.".into()),
            (QuestionKind::Scale { min, max, step, .. }, Answer::Number(value)) => {
                let steps = (value - min) / step;
                if !value.is_finite() || value < min || value > max || (steps - steps.round()).abs() > 1e-6 {
                    Err(format!(
                        "Choose a number from {} to {} in steps of {}.",
                        number_text(*min),
                        number_text(*max),
                        number_text(*step)
                    ))
                } else {
                    Ok(())
                }
            }
            (QuestionKind::Scale { .. }, _) => Err("Choose a number.".into()),
            (QuestionKind::Ranking { options }, Answer::Ranking(keys)) => {
                let mut given = keys.clone();
                given.sort();
                let mut expected: Vec<String> = options.iter().map(|o| o.key.clone()).collect();
                expected.sort();
                if given == expected {
                    Ok(())
                } else {
                    Err(format!("Give every option a different rank from 1 to {}.", options.len()))
                }
            }
            (QuestionKind::Ranking { .. }, _) => Err("Put the options in order.".into()),
            (QuestionKind::FreeText { min_length, max_length }, Answer::Text(text)) => {
                let length = text.trim().chars().count();
                if length < *min_length {
                    Err(format!("Write at least {min_length} characters (you have {length})."))
                } else if length > *max_length {
                    Err(format!("Keep it to {max_length} characters (you have {length})."))
                } else {
                    Ok(())
                }
            }
            (QuestionKind::FreeText { .. }, _) => Err("Write your answer.".into()),
        }
    }

    /// This answer's contribution to each dimension (only dimensions the question weights).
    pub fn contributions(&self, answer: &Answer) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        let mut add = |weights: &Weights, factor: f64| {
            for (key, weight) in &weights.0 {
                *out.entry(key.clone()).or_insert(0.0) += weight * factor;
            }
        };
        match (&self.kind, answer) {
            (QuestionKind::Likert { points, weights, reverse }, Answer::Point(index)) => {
                if let Some(point) = points.get(*index) {
                    add(weights, likert_value(points, point.value, *reverse));
                }
            }
            (QuestionKind::SingleChoice { options }, Answer::Choice(key)) => {
                if let Some(option) = options.iter().find(|o| &o.key == key) {
                    add(&option.weights, 1.0);
                }
            }
            (QuestionKind::MultipleChoice { options, .. }, Answer::Choices(keys)) => {
                for option in options.iter().filter(|o| keys.contains(&o.key)) {
                    add(&option.weights, 1.0);
                }
            }
            (QuestionKind::Scale { min, max, weights, reverse, .. }, Answer::Number(value)) => {
                add(weights, if *reverse { max + min - value } else { *value });
            }
            (QuestionKind::Ranking { options }, Answer::Ranking(keys)) => {
                let n = keys.len();
                for (rank, key) in keys.iter().enumerate() {
                    if let Some(option) = options.iter().find(|o| &o.key == key) {
                        add(&option.weights, (n - 1 - rank) as f64);
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// The lowest and highest contribution this question can make to `dimension`.
    pub fn range(&self, dimension: &str) -> (f64, f64) {
        fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
            values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
        }
        let (lo, hi) = match &self.kind {
            QuestionKind::Likert { points, weights, reverse } => {
                let w = weights.get(dimension);
                min_max(points.iter().map(|p| likert_value(points, p.value, *reverse) * w))
            }
            QuestionKind::SingleChoice { options } => min_max(options.iter().map(|o| o.weights.get(dimension))),
            QuestionKind::MultipleChoice { options, min_picks, max_picks } => {
                // The best (worst) k picks are the k largest (smallest) weights; try every allowed k.
                let mut weights: Vec<f64> = options.iter().map(|o| o.weights.get(dimension)).collect();
                weights.sort_by(|a, b| b.total_cmp(a));
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                for k in (*min_picks).max(1)..=*max_picks {
                    hi = hi.max(weights.iter().take(k).sum());
                    lo = lo.min(weights.iter().rev().take(k).sum());
                }
                (lo, hi)
            }
            QuestionKind::Scale { min, max, weights, .. } => {
                let w = weights.get(dimension);
                min_max([min * w, max * w].into_iter())
            }
            QuestionKind::Ranking { options } => {
                // Rearrangement inequality: largest weights ranked first give the most.
                let n = options.len();
                let mut weights: Vec<f64> = options.iter().map(|o| o.weights.get(dimension)).collect();
                weights.sort_by(|a, b| b.total_cmp(a));
                let points = |i: usize| (n - 1 - i) as f64;
                let hi = weights.iter().enumerate().map(|(i, w)| w * points(i)).sum();
                let lo = weights.iter().rev().enumerate().map(|(i, w)| w * points(i)).sum();
                (lo, hi)
            }
            QuestionKind::FreeText { .. } => (0.0, 0.0),
        };
        if lo.is_finite() && hi.is_finite() {
            (lo, hi)
        } else {
            (0.0, 0.0)
        }
    }
}

/// A Likert point's value, mirrored across the scale when the item is reverse-keyed.
fn likert_value(points: &[super::definition::Point], value: f64, reverse: bool) -> f64 {
    if !reverse {
        return value;
    }
    let lo = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.value).fold(f64::NEG_INFINITY, f64::max);
    lo + hi - value
}

/// One dimension's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub key: String,
    pub label: String,
    pub score: f64,
    /// The lowest and highest score possible on this version (for the chart's axis).
    pub min: f64,
    pub max: f64,
    pub band: Option<String>,
}

/// The summary code and the ties it hides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryCode {
    pub code: String,
    /// Groups of dimensions with equal scores where the tie decides the code (a tie inside the
    /// code, or across its edge), each in declared order.
    pub ties: Vec<Vec<String>>,
}

/// A scored attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSheet {
    pub scores: Vec<DimensionScore>,
    pub summary: SummaryCode,
}

impl ScoreSheet {
    /// Scores by dimension key, as stored in `assessment_results.scores`.
    pub fn by_key(&self) -> BTreeMap<String, f64> {
        self.scores.iter().map(|s| (s.key.clone(), s.score)).collect()
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Scores `answers` on the version's questions as `scoring` declares.
pub fn score(scoring: &Scoring, questions: &[NumberedQuestion], answers: &Answers) -> ScoreSheet {
    let scores = scoring
        .dimensions
        .iter()
        .map(|dimension| {
            let key = dimension.key.as_str();
            let mut sum = 0.0;
            let mut answered_lo = 0.0;
            let mut answered_hi = 0.0;
            let mut counted = 0usize;
            let mut all_lo = 0.0;
            let mut all_hi = 0.0;
            let mut scoring_items = 0usize;
            for numbered in questions {
                let question = &numbered.question;
                if !question.scored_dimensions().contains(key) {
                    continue;
                }
                let (lo, hi) = question.range(key);
                all_lo += lo;
                all_hi += hi;
                scoring_items += 1;
                if let Some(answer) = answers.get(&numbered.position) {
                    sum += question.contributions(answer).get(key).copied().unwrap_or(0.0);
                    answered_lo += lo;
                    answered_hi += hi;
                    counted += 1;
                }
            }
            let (score, min, max) = match scoring.method {
                ScoringMethod::Sum => (sum, all_lo, all_hi),
                ScoringMethod::Mean => {
                    let items = scoring_items.max(1) as f64;
                    let mean = if counted == 0 { 0.0 } else { sum / counted as f64 };
                    (mean, all_lo / items, all_hi / items)
                }
                ScoringMethod::Normalised => {
                    let span = answered_hi - answered_lo;
                    let normalised = if counted == 0 || span <= 0.0 { 0.0 } else { 100.0 * (sum - answered_lo) / span };
                    (normalised, 0.0, 100.0)
                }
            };
            let score = round2(score);
            DimensionScore {
                key: dimension.key.clone(),
                label: dimension.label.clone(),
                score,
                min: round2(min),
                max: round2(max),
                band: scoring.band(score).map(str::to_string),
            }
        })
        .collect::<Vec<_>>();
    let summary = summary_code(&scores, scoring.code_length);
    ScoreSheet { scores, summary }
}

/// The `length` highest-scoring dimensions' keys, highest first; equal scores keep the declared
/// order (for RIASEC: R, I, A, S, E, C). Ties that decide the code are reported.
pub fn summary_code(scores: &[DimensionScore], length: usize) -> SummaryCode {
    if length == 0 || scores.is_empty() {
        return SummaryCode::default();
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // A stable sort keeps the declared order among equal scores.
    order.sort_by(|a, b| scores[*b].score.total_cmp(&scores[*a].score));
    let top: Vec<usize> = order.iter().copied().take(length).collect();
    let separator = if scores.iter().all(|s| s.key.chars().count() == 1) { "" } else { "-" };
    let code = top.iter().map(|i| scores[*i].key.as_str()).collect::<Vec<_>>().join(separator);
    let mut ties = Vec::new();
    let mut seen_scores: Vec<f64> = Vec::new();
    for i in &top {
        let value = scores[*i].score;
        if seen_scores.contains(&value) {
            continue;
        }
        seen_scores.push(value);
        let group: Vec<String> =
            scores.iter().filter(|s| s.score == value).map(|s| s.key.clone()).collect();
        if group.len() > 1 {
            ties.push(group);
        }
    }
    SummaryCode { code, ties }
}
