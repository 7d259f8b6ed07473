//! A question as stored: its `question_type` column, and the options (what a person sees) and
//! scoring (weights, reverse keying) jsonb columns.

use super::{Question, QuestionKind};
use serde::{Deserialize, Serialize};

/// The six question types, as the `question_type` column and the definition's `"type"` keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "question_type", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Likert,
    SingleChoice,
    MultipleChoice,
    Scale,
    Ranking,
    FreeText,
}

impl QuestionType {
    /// The name in the definition's JSON and in the database, e.g. `single_choice`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::Likert => "likert",
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::Scale => "scale",
            QuestionType::Ranking => "ranking",
            QuestionType::FreeText => "free_text",
        }
    }
}

impl Question {
    /// Splits the question into its stored columns: (question_type, options, scoring). Weights go
    /// to `scoring`, what a person sees to `options`.
    pub fn to_stored(&self) -> (QuestionType, serde_json::Value, serde_json::Value) {
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
        (self.kind.question_type(), options, Value::Object(scoring))
    }

    /// Rebuilds a question from its stored columns (the inverse of [`Question::to_stored`]).
    pub fn from_stored(
        prompt: String,
        required: bool,
        question_type: &QuestionType,
        options: serde_json::Value,
        scoring: serde_json::Value,
    ) -> Result<Question, String> {
        use serde_json::Value;
        let mut object = match options {
            Value::Object(object) => object,
            other => return Err(format!("options must be an object, not {other}")),
        };
        object.insert("type".into(), Value::String(question_type.as_str().to_string()));
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
