//! One question of an attempt as a fieldset of native controls.

use super::definition::{Choice, NumberedQuestion, Point, QuestionKind};
use super::scoring::{field_name, option_field_name, Answer};
use leptos::prelude::*;

/// The name a question's field is posted under: `answers[q7]` fills `save_answers`' map.
fn form_field(key: &str) -> String {
    format!("answers[{key}]")
}

/// A question's control and the hint that says how to answer it (empty: none).
struct Control {
    view: AnyView,
    hint: String,
}

/// One question as a fieldset of native controls, labelled for screen readers.
#[component]
pub(crate) fn QuestionField(numbered: NumberedQuestion, answer: Option<Answer>, missing: bool) -> impl IntoView {
    let position = numbered.position;
    let question = numbered.question;
    let id = format!("q{position}");
    let legend_id = format!("{id}-legend");
    let hint_id = format!("{id}-hint");
    let missing_id = format!("{id}-missing");
    let Control { view: control, hint } = match question.kind.clone() {
        QuestionKind::Likert { points, .. } => likert(&id, position, points, answer),
        QuestionKind::SingleChoice { options } => single_choice(&id, position, options, answer),
        QuestionKind::MultipleChoice { options, min_picks, max_picks } => {
            multiple_choice(&id, position, options, min_picks, max_picks, answer)
        }
        QuestionKind::Scale { min, max, step, min_label, max_label, .. } => {
            scale(&id, position, Bounds { min, max, step }, (&min_label, &max_label), answer)
        }
        QuestionKind::Ranking { options } => ranking(&id, position, options, answer),
        QuestionKind::FreeText { min_length, max_length } => free_text(&id, position, min_length, max_length, answer),
    };
    let mut described = Vec::new();
    if !hint.is_empty() {
        described.push(hint_id.clone());
    }
    if missing {
        described.push(missing_id.clone());
    }
    let optional = (!question.required).then_some(" (optional)");
    let labelled_by = legend_id.clone();
    view! {
        <fieldset id=id class="question" class:missing=missing aria-labelledby=labelled_by
            aria-describedby=(!described.is_empty()).then(|| described.join(" "))>
            <legend id=legend_id><span class="question-number">{format!("{position}.")}</span>" "{question.prompt.clone()}{optional}</legend>
            {(!hint.is_empty()).then(|| view! { <p class="field-hint" id=hint_id>{hint.clone()}</p> })}
            {missing.then(|| view! { <p class="field-error" id=missing_id>"This question needs an answer."</p> })}
            {control}
        </fieldset>
    }
}

fn likert(id: &str, position: u32, points: Vec<Point>, answer: Option<Answer>) -> Control {
    let chosen = match answer { Some(Answer::Point(i)) => Some(i), _ => None };
    let view = view! {
        <div class="likert">
            {points.into_iter().enumerate().map(|(index, point)| {
                let input_id = format!("{id}-{index}");
                view! {
                    <span class="likert-point">
                        <input type="radio" id=input_id.clone() name=form_field(&field_name(position)) value=index.to_string() checked=chosen == Some(index) prop:checked=chosen == Some(index)/>
                        <label for=input_id>{point.label}</label>
                    </span>
                }
            }).collect_view()}
        </div>
    }
    .into_any();
    Control { view, hint: String::new() }
}

fn single_choice(id: &str, position: u32, options: Vec<Choice>, answer: Option<Answer>) -> Control {
    let chosen = match answer { Some(Answer::Choice(k)) => Some(k), _ => None };
    let view = view! {
        <div class="choices">
            {options.into_iter().map(|option| {
                let input_id = format!("{id}-{}", option.key);
                let checked = chosen.as_deref() == Some(option.key.as_str());
                view! {
                    <span class="choice">
                        <input type="radio" id=input_id.clone() name=form_field(&field_name(position)) value=option.key.clone() checked=checked prop:checked=checked/>
                        <label for=input_id>{option.label}</label>
                    </span>
                }
            }).collect_view()}
        </div>
    }
    .into_any();
    Control { view, hint: String::new() }
}

fn multiple_choice(id: &str, position: u32, options: Vec<Choice>, min_picks: usize, max_picks: usize, answer: Option<Answer>) -> Control {
    let hint = if min_picks == max_picks {
        format!("Pick {max_picks}.")
    } else {
        format!("Pick {} to {max_picks}.", min_picks.max(1))
    };
    let chosen = match answer { Some(Answer::Choices(k)) => k, _ => Vec::new() };
    let view = view! {
        <div class="choices">
            {options.into_iter().map(|option| {
                let input_id = format!("{id}-{}", option.key);
                let checked = chosen.contains(&option.key);
                view! {
                    <span class="choice">
                        <input type="checkbox" id=input_id.clone() name=form_field(&option_field_name(position, &option.key)) value="on" checked=checked prop:checked=checked/>
                        <label for=input_id>{option.label}</label>
                    </span>
                }
            }).collect_view()}
        </div>
    }
    .into_any();
    Control { view, hint }
}

/// A scale's range.
struct Bounds {
    min: f64,
    max: f64,
    step: f64,
}

/// A number as the scale shows it: whole numbers without a decimal point.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value}") }
}

/// Up to 11 points as radio buttons; a longer scale as a number input.
fn scale(id: &str, position: u32, bounds: Bounds, (min_label, max_label): (&str, &str), answer: Option<Answer>) -> Control {
    let Bounds { min, max, step } = bounds;
    let text = number_text;
    let chosen = match answer { Some(Answer::Number(n)) => Some(n), _ => None };
    let steps = ((max - min) / step).round() as usize;
    let mut hint = String::new();
    if !min_label.is_empty() || !max_label.is_empty() {
        let label = |label: &str, otherwise: &str| if label.is_empty() { otherwise.to_string() } else { label.to_string() };
        hint = format!("{} = {}, {} = {}", text(min), label(min_label, "lowest"), text(max), label(max_label, "highest"));
    }
    if steps <= 10 {
        let view = view! {
            <div class="likert scale">
                {(0..=steps).map(|i| {
                    let value = min + step * i as f64;
                    let input_id = format!("{id}-{i}");
                    let checked = chosen.is_some_and(|c| (c - value).abs() < 1e-9);
                    view! {
                        <span class="likert-point">
                            <input type="radio" id=input_id.clone() name=form_field(&field_name(position)) value=text(value) checked=checked prop:checked=checked/>
                            <label for=input_id>{text(value)}</label>
                        </span>
                    }
                }).collect_view()}
            </div>
        }
        .into_any();
        Control { view, hint }
    } else {
        let hint = format!("A number from {} to {} in steps of {}. {hint}", text(min), text(max), text(step));
        let input_id = format!("{id}-number");
        let view = view! {
            <label for=input_id.clone() class="visually-hidden">"Your answer"</label>
            <input type="number" id=input_id name=form_field(&field_name(position)) min=text(min) max=text(max) step=text(step)
                value=chosen.map(text) prop:value=chosen.map(text).unwrap_or_default() inputmode="decimal"/>
        }
        .into_any();
        Control { view, hint }
    }
}

fn ranking(id: &str, position: u32, options: Vec<Choice>, answer: Option<Answer>) -> Control {
    let n = options.len();
    let hint = format!("Give each a different rank, from 1 (first) to {n} (last).");
    let ranks: Vec<String> = match answer { Some(Answer::Ranking(keys)) => keys, _ => Vec::new() };
    let view = view! {
        <div class="ranking">
            {options.into_iter().map(|option| {
                let select_id = format!("{id}-{}", option.key);
                let current = ranks.iter().position(|k| k == &option.key).map(|i| i + 1);
                view! {
                    <span class="rank">
                        <select id=select_id.clone() name=form_field(&option_field_name(position, &option.key))>
                            <option value="" selected=current.is_none() prop:selected=current.is_none()>"Rank…"</option>
                            {(1..=n).map(|r| view! { <option value=r.to_string() selected=current == Some(r) prop:selected=current == Some(r)>{r.to_string()}</option> }).collect_view()}
                        </select>
                        <label for=select_id>{option.label}</label>
                    </span>
                }
            }).collect_view()}
        </div>
    }
    .into_any();
    Control { view, hint }
}

fn free_text(id: &str, position: u32, min_length: usize, max_length: usize, answer: Option<Answer>) -> Control {
    let hint = if min_length > 0 {
        format!("{min_length} to {max_length} characters.")
    } else {
        format!("Up to {max_length} characters.")
    };
    let text = match answer { Some(Answer::Text(t)) => t, _ => String::new() };
    let input_id = format!("{id}-text");
    let current = text.clone();
    let view = view! {
        <label for=input_id.clone() class="visually-hidden">"Your answer"</label>
        <textarea id=input_id name=form_field(&field_name(position)) rows="4" maxlength=max_length prop:value=current>{crate::ui::textarea_text(text)}</textarea>
    }
    .into_any();
    Control { view, hint }
}
