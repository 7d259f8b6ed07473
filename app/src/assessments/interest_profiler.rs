//! The O*NET Interest Profiler Short Form as a Waypoint assessment: 60 Likert items on the
//! publisher's five-point scale (0 Strongly Dislike … 4 Strongly Like), each weighted 1 on its
//! RIASEC area, scored by sum, so each area's raw score is 0-40 as the publisher documents. The
//! items, the scale and the notice come unmodified from `data/interest-profiler/short-form-60.json`.

use super::definition::{Definition, Dimension, Point, Question, QuestionKind, Scoring, ScoringMethod, Section, Weights};
use serde::Deserialize;

pub const SLUG: &str = "interest-profiler";
/// The RIASEC areas' letters in the publisher's order (which also breaks ties in the code):
/// those of [`crate::domain::riasec::AREAS`].
pub const AREAS: [char; 6] = {
    let areas = crate::domain::riasec::AREAS;
    [areas[0].letter, areas[1].letter, areas[2].letter, areas[3].letter, areas[4].letter, areas[5].letter]
};

/// The instrument file, bundled so the server needs nothing beside its binary.
#[cfg(any(test, feature = "ssr"))]
pub const SOURCE: &str = include_str!("../../../data/interest-profiler/short-form-60.json");

#[derive(Deserialize)]
struct Instrument {
    instrument: String,
    notice: String,
    areas: std::collections::BTreeMap<String, String>,
    response_scale: Vec<ScalePoint>,
    scoring: String,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct ScalePoint {
    value: f64,
    label: String,
}

#[derive(Deserialize)]
struct Item {
    index: u32,
    area: String,
    text: String,
}

/// Builds the assessment definition from the publisher's file.
pub fn definition(source: &str) -> Result<Definition, String> {
    let instrument: Instrument = serde_json::from_str(source).map_err(|e| format!("interest profiler file: {e}"))?;
    let dimensions = AREAS
        .iter()
        .map(|letter| {
            let key = letter.to_string();
            let label = instrument.areas.get(&key).cloned().ok_or_else(|| format!("no name for area {key}"))?;
            Ok(Dimension { key, label, description: String::new() })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let points: Vec<Point> =
        instrument.response_scale.iter().map(|p| Point { label: p.label.clone(), value: p.value }).collect();
    let mut items = instrument.items;
    items.sort_by_key(|item| item.index);
    let questions = items
        .into_iter()
        .map(|item| Question {
            prompt: item.text,
            required: true,
            kind: QuestionKind::Likert {
                points: points.clone(),
                weights: Weights([(item.area, 1.0)].into_iter().collect()),
                reverse: false,
            },
        })
        .collect();
    Definition {
        slug: SLUG.to_string(),
        title: "O*NET Interest Profiler".to_string(),
        description: format!(
            "The {}: 60 short work activities. For each one, say how much you would like or dislike doing it, \
             without thinking about your education, training or how much money you would make. Your answers \
             give a score from 0 to 40 for each of six kinds of work interest. {}",
            instrument.instrument, instrument.scoring
        ),
        estimated_minutes: Some(10),
        notice: instrument.notice,
        scoring: Scoring { method: ScoringMethod::Sum, dimensions, code_length: 3, bands: Vec::new() },
        sections: vec![Section { title: String::new(), questions }],
    }
    .validated()
    .map_err(|errors| errors.to_string())
}
