//! Hand-computed scoring for every question type, reverse keying, the three methods, the
//! Interest Profiler's published scoring, ties in the code, storage round trips and the checks
//! that refuse invalid definitions.

use super::definition::*;
use super::interest_profiler;
use super::scoring::*;
use std::collections::HashMap;

fn weights(pairs: &[(&str, f64)]) -> Weights {
    Weights(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect())
}

fn choice(key: &str, pairs: &[(&str, f64)]) -> Choice {
    Choice { key: key.into(), label: format!("Option {key}"), weights: weights(pairs) }
}

fn points(values: &[f64]) -> Vec<Point> {
    values.iter().map(|v| Point { label: format!("P{v}"), value: *v }).collect()
}

fn scoring(method: ScoringMethod, keys: &[&str], code_length: usize) -> Scoring {
    Scoring {
        method,
        dimensions: keys.iter().map(|k| Dimension { key: k.to_string(), label: k.to_uppercase(), description: String::new() }).collect(),
        code_length,
        bands: Vec::new(),
    }
}

fn numbered(kinds: Vec<QuestionKind>) -> Vec<NumberedQuestion> {
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| NumberedQuestion {
            position: i as u32 + 1,
            section: String::new(),
            question: Question { prompt: format!("Question {}", i + 1), required: true, kind },
        })
        .collect()
}

fn value(sheet: &ScoreSheet, key: &str) -> f64 {
    sheet.scores.iter().find(|s| s.key == key).unwrap().score
}

/// One item of each scored type, all on dimensions "a" and "b".
fn every_type() -> Vec<NumberedQuestion> {
    numbered(vec![
        QuestionKind::Likert { points: points(&[1.0, 2.0, 3.0, 4.0, 5.0]), weights: weights(&[("a", 1.0)]), reverse: false },
        QuestionKind::Likert { points: points(&[1.0, 2.0, 3.0, 4.0, 5.0]), weights: weights(&[("a", 1.0)]), reverse: true },
        QuestionKind::SingleChoice { options: vec![choice("x", &[("a", 2.0)]), choice("y", &[("b", 3.0)])] },
        QuestionKind::MultipleChoice {
            options: vec![choice("x", &[("a", 1.0)]), choice("y", &[("b", 2.0)]), choice("z", &[("a", 0.5), ("b", 0.5)])],
            min_picks: 1,
            max_picks: 2,
        },
        QuestionKind::Scale {
            min: 0.0,
            max: 10.0,
            step: 1.0,
            min_label: String::new(),
            max_label: String::new(),
            weights: weights(&[("b", 0.5)]),
            reverse: false,
        },
        QuestionKind::Ranking { options: vec![choice("x", &[("a", 1.0)]), choice("y", &[("b", 1.0)]), choice("z", &[])] },
        QuestionKind::FreeText { min_length: 0, max_length: 100 },
    ])
}

fn every_answer() -> Answers {
    [
        (1, Answer::Point(3)),                                   // value 4 → a +4
        (2, Answer::Point(0)),                                   // value 1 reversed → 5 → a +5
        (3, Answer::Choice("y".into())),                         // b +3
        (4, Answer::Choices(vec!["x".into(), "z".into()])),      // a +1 +0.5, b +0.5
        (5, Answer::Number(8.0)),                                // b +4
        (6, Answer::Ranking(vec!["y".into(), "z".into(), "x".into()])), // y 2 pts → b +2, x 0 pts
        (7, Answer::Text("I like people".into())),               // not scored
    ]
    .into_iter()
    .collect()
}

#[test]
fn sum_scoring_adds_every_type_by_hand() {
    let questions = every_type();
    let sheet = score(&scoring(ScoringMethod::Sum, &["a", "b"], 1), &questions, &every_answer());
    assert_eq!(value(&sheet, "a"), 4.0 + 5.0 + 1.0 + 0.5);
    assert_eq!(value(&sheet, "b"), 3.0 + 0.5 + 4.0 + 2.0);
    assert_eq!(sheet.summary.code, "a");
}

#[test]
fn each_type_contributes_what_its_rule_says() {
    let questions = every_type();
    let answers = every_answer();
    let c = |i: usize| questions[i].question.contributions(&answers[&(i as u32 + 1)]);
    assert_eq!(c(0).get("a"), Some(&4.0));
    assert_eq!(c(1).get("a"), Some(&5.0), "reverse keying mirrors 1 to 5");
    assert_eq!(c(2).get("b"), Some(&3.0));
    assert_eq!(c(3).get("a"), Some(&1.5));
    assert_eq!(c(3).get("b"), Some(&0.5));
    assert_eq!(c(4).get("b"), Some(&4.0));
    assert_eq!(c(5).get("b"), Some(&2.0), "first of three ranks earns 2 points");
    assert_eq!(c(5).get("a"), Some(&0.0), "last of three earns 0");
    assert!(c(6).is_empty(), "free text is never scored");
}

#[test]
fn reverse_keying_mirrors_every_point_and_scale_value() {
    let item = Question {
        prompt: "p".into(),
        required: true,
        kind: QuestionKind::Likert { points: points(&[0.0, 1.0, 2.0, 3.0, 4.0]), weights: weights(&[("a", 1.0)]), reverse: true },
    };
    let got: Vec<f64> = (0..5).map(|i| item.contributions(&Answer::Point(i))["a"]).collect();
    assert_eq!(got, vec![4.0, 3.0, 2.0, 1.0, 0.0]);
    let scale = Question {
        prompt: "p".into(),
        required: true,
        kind: QuestionKind::Scale {
            min: 1.0,
            max: 7.0,
            step: 1.0,
            min_label: String::new(),
            max_label: String::new(),
            weights: weights(&[("a", 2.0)]),
            reverse: true,
        },
    };
    assert_eq!(scale.contributions(&Answer::Number(2.0))["a"], 12.0, "2 mirrors to 6, times weight 2");
}

#[test]
fn mean_divides_by_the_answered_items_that_score_the_dimension() {
    let questions = every_type();
    let sheet = score(&scoring(ScoringMethod::Mean, &["a", "b"], 0), &questions, &every_answer());
    // a is scored by items 1, 2, 3, 4, 6 (five answered): 10.5 / 5.
    assert_eq!(value(&sheet, "a"), 2.1);
    // b by items 3, 4, 5, 6: 9.5 / 4 = 2.375, rounded to 2.38.
    assert_eq!(value(&sheet, "b"), 2.38);
    assert!(sheet.summary.code.is_empty());
}

#[test]
fn normalised_places_the_sum_between_the_lowest_and_highest_possible() {
    let questions = every_type();
    let sheet = score(&scoring(ScoringMethod::Normalised, &["a", "b"], 0), &questions, &every_answer());
    // a: ranges 1-5, 1-5, 0-2, 0-1.5 (one or two picks of weights 1, 0, 0.5), ranking 0-2 → 2..15.5; sum 10.5.
    let expected_a: f64 = 100.0 * (10.5 - 2.0) / 13.5;
    assert!((value(&sheet, "a") - (expected_a * 100.0).round() / 100.0).abs() < 1e-9, "{sheet:?}");
    // b: choice 0-3, picks 0-2.5 (best two: 2 + 0.5), scale 0-5, ranking 0-2 → 0..12.5; sum 9.5 → 76.
    assert_eq!(value(&sheet, "b"), 76.0);
    assert!(sheet.scores.iter().all(|s| s.min == 0.0 && s.max == 100.0));
}

#[test]
fn unanswered_optional_items_score_nothing() {
    let questions = every_type();
    let mut answers = every_answer();
    answers.remove(&1);
    let sheet = score(&scoring(ScoringMethod::Sum, &["a", "b"], 0), &questions, &answers);
    assert_eq!(value(&sheet, "a"), 6.5);
}

#[test]
fn bands_label_scores() {
    let mut rules = scoring(ScoringMethod::Normalised, &["a", "b"], 0);
    rules.bands = vec![
        Band { from: 0.0, label: "Low".into() },
        Band { from: 34.0, label: "Medium".into() },
        Band { from: 67.0, label: "High".into() },
    ];
    let sheet = score(&rules, &every_type(), &every_answer());
    let b = sheet.scores.iter().find(|s| s.key == "b").unwrap();
    assert_eq!(b.band.as_deref(), Some("High"));
    let a = sheet.scores.iter().find(|s| s.key == "a").unwrap();
    assert_eq!(a.band.as_deref(), Some("Medium"));
}

fn profiler() -> Definition {
    interest_profiler::definition(interest_profiler::SOURCE).expect("the bundled instrument is valid")
}

fn all_answers(definition: &Definition, pick: impl Fn(&NumberedQuestion) -> usize) -> Answers {
    definition.numbered().iter().map(|q| (q.position, Answer::Point(pick(q)))).collect()
}

fn area_of(q: &NumberedQuestion) -> String {
    q.question.scored_dimensions().into_iter().next().unwrap().to_string()
}

#[test]
fn the_interest_profiler_has_60_items_ten_per_area() {
    let definition = profiler();
    let questions = definition.numbered();
    assert_eq!(questions.len(), 60);
    for area in interest_profiler::AREAS {
        assert_eq!(questions.iter().filter(|q| area_of(q) == area.to_string()).count(), 10, "{area}");
    }
    assert_eq!(questions[0].question.prompt, "Build kitchen cabinets");
    assert!(definition.notice.contains("Copyright U.S. Department of Labor"));
}

#[test]
fn all_strongly_like_scores_40_in_every_area() {
    let definition = profiler();
    let sheet = score(&definition.scoring, &definition.numbered(), &all_answers(&definition, |_| 4));
    assert!(sheet.scores.iter().all(|s| s.score == 40.0 && s.min == 0.0 && s.max == 40.0), "{sheet:?}");
    // All six tie: the code follows R, I, A, S, E, C and the tie is reported.
    assert_eq!(sheet.summary.code, "RIA");
    assert_eq!(sheet.summary.ties, vec![vec!["R", "I", "A", "S", "E", "C"]]);
    let zero = score(&definition.scoring, &definition.numbered(), &all_answers(&definition, |_| 0));
    assert!(zero.scores.iter().all(|s| s.score == 0.0));
}

#[test]
fn interest_profiler_scores_are_the_sum_of_each_areas_ten_items() {
    let definition = profiler();
    // Strongly Like (4) for Social, Like (3) for Investigative, Unsure (2) for Artistic,
    // Dislike (1) for Enterprising, Strongly Dislike (0) for Realistic and Conventional.
    let answers = all_answers(&definition, |q| match area_of(q).as_str() {
        "S" => 4,
        "I" => 3,
        "A" => 2,
        "E" => 1,
        _ => 0,
    });
    let sheet = score(&definition.scoring, &definition.numbered(), &answers);
    let got: Vec<f64> = sheet.scores.iter().map(|s| s.score).collect();
    assert_eq!(got, vec![0.0, 30.0, 20.0, 40.0, 10.0, 0.0]);
    assert_eq!(sheet.summary.code, "SIA");
    assert!(sheet.summary.ties.is_empty());
}

#[test]
fn ties_follow_riasec_order_and_are_reported() {
    let definition = profiler();
    // S and A tie at 30 for first; E and I tie at 20 across the code's edge.
    let answers = all_answers(&definition, |q| match area_of(q).as_str() {
        "S" | "A" => 3,
        "E" | "I" => 2,
        "R" => 1,
        _ => 0,
    });
    let sheet = score(&definition.scoring, &definition.numbered(), &answers);
    assert_eq!(sheet.summary.code, "ASI", "A before S, then I before E by the fixed order");
    assert_eq!(sheet.summary.ties, vec![vec!["A", "S"], vec!["I", "E"]]);
}

#[test]
fn questions_round_trip_through_their_stored_columns() {
    for numbered in every_type() {
        let (kind, options, stored_scoring) = numbered.question.to_stored();
        assert!(!options.to_string().contains("weights"), "weights live in the scoring column: {options}");
        let back = Question::from_stored(numbered.question.prompt.clone(), true, &kind, options, stored_scoring).unwrap();
        assert_eq!(back, numbered.question);
    }
}

#[test]
fn the_editor_template_is_a_valid_definition_using_every_type() {
    let definition = Definition::parse_json(super::authoring::TEMPLATE).expect("template is valid");
    let types: std::collections::BTreeSet<&str> =
        definition.sections.iter().flat_map(|s| s.questions.iter().map(|q| q.kind.type_name())).collect();
    assert_eq!(types.len(), 6, "{types:?}");
    let json = serde_json::to_string(&definition).unwrap();
    assert_eq!(Definition::parse_json(&json).unwrap(), definition, "saving and reopening changes nothing");
}

fn template_with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Definition, DefinitionErrors> {
    let mut value: serde_json::Value = serde_json::from_str(super::authoring::TEMPLATE).unwrap();
    edit(&mut value);
    Definition::parse_json(&value.to_string())
}

#[test]
fn a_likert_item_with_no_points_is_refused_with_its_place() {
    let errors = template_with(|v| v["sections"][0]["questions"][0]["points"] = serde_json::json!([])).unwrap_err();
    assert!(
        errors.0.iter().any(|e| e.starts_with("Question 1 (Likert") && e.contains("needs 2 to 11 labelled points")),
        "{errors:?}"
    );
}

#[test]
fn weights_on_unknown_dimensions_are_refused() {
    let errors =
        template_with(|v| v["sections"][0]["questions"][2]["options"][0]["weights"] = serde_json::json!({"money": 1}))
            .unwrap_err();
    assert!(
        errors.0.iter().any(|e| e.contains("Question 3") && e.contains("\"money\" names no dimension") && e.contains("people, security")),
        "{errors:?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = template_with(|v| {
        v["slug"] = "Work Values".into();
        v["sections"][0]["questions"][3]["max_picks"] = 5.into();
        v["sections"][1]["questions"][0]["step"] = 3.into();
        v["sections"][1]["questions"][2]["max_length"] = 0.into();
        v["scoring"]["dimensions"][1]["key"] = "people".into();
    })
    .unwrap_err();
    let text = errors.0.join("\n");
    assert!(text.contains("The slug must be lowercase"), "{text}");
    assert!(text.contains("Question 4 (multiple choice"), "{text}");
    assert!(text.contains("Question 5 (scale") && text.contains("step must divide"), "{text}");
    assert!(text.contains("Question 7 (free text"), "{text}");
    assert!(text.contains("is used twice"), "{text}");
}

#[test]
fn malformed_json_and_unknown_types_say_where() {
    let errors = Definition::parse_json("{\n  \"slug\": \"x\",,\n}").unwrap_err();
    assert!(errors.0[0].contains("Line 2"), "{errors:?}");
    let errors = template_with(|v| v["sections"][0]["questions"][0]["type"] = "likart".into()).unwrap_err();
    assert!(errors.0[0].contains("likart"), "{errors:?}");
}

#[test]
fn a_dimension_no_question_scores_is_refused() {
    let errors = template_with(|v| {
        v["scoring"]["dimensions"].as_array_mut().unwrap().push(serde_json::json!({"key": "pay", "label": "Pay"}))
    })
    .unwrap_err();
    assert!(errors.0.iter().any(|e| e.contains("No question scores the dimension \"pay\"")), "{errors:?}");
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn answers_are_read_from_form_fields_and_checked() {
    let q = every_type();
    assert_eq!(q[0].question.answer_from_form(1, &form(&[("q1", "3")])), Ok(Some(Answer::Point(3))));
    assert!(q[0].question.answer_from_form(1, &form(&[("q1", "9")])).is_err());
    assert_eq!(q[0].question.answer_from_form(1, &form(&[])), Ok(None));
    assert_eq!(q[2].question.answer_from_form(3, &form(&[("q3", "y")])), Ok(Some(Answer::Choice("y".into()))));
    assert!(q[2].question.answer_from_form(3, &form(&[("q3", "nope")])).is_err());
    assert_eq!(
        q[3].question.answer_from_form(4, &form(&[("q4_x", "on"), ("q4_z", "on")])),
        Ok(Some(Answer::Choices(vec!["x".into(), "z".into()])))
    );
    assert_eq!(
        q[3].question.answer_from_form(4, &form(&[("q4_x", "on"), ("q4_y", "on"), ("q4_z", "on")])),
        Err("Pick between 1 and 2.".into())
    );
    assert_eq!(q[4].question.answer_from_form(5, &form(&[("q5", "7")])), Ok(Some(Answer::Number(7.0))));
    assert!(q[4].question.answer_from_form(5, &form(&[("q5", "7.5")])).is_err(), "off the step");
    assert!(q[4].question.answer_from_form(5, &form(&[("q5", "11")])).is_err(), "above max");
    assert_eq!(
        q[5].question.answer_from_form(6, &form(&[("q6_x", "3"), ("q6_y", "1"), ("q6_z", "2")])),
        Ok(Some(Answer::Ranking(vec!["y".into(), "z".into(), "x".into()])))
    );
    assert_eq!(
        q[5].question.answer_from_form(6, &form(&[("q6_x", "1"), ("q6_y", "1"), ("q6_z", "2")])),
        Err("Give every option a different rank from 1 to 3.".into())
    );
    assert_eq!(q[6].question.answer_from_form(7, &form(&[("q7", "  ")])), Ok(None));
    let long = "x".repeat(101);
    assert_eq!(
        q[6].question.answer_from_form(7, &form(&[("q7", &long)])),
        Err("Keep it to 100 characters (you have 101).".into())
    );
}
