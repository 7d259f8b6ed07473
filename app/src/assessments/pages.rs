//! The assessment pages: the list, an introduction, taking one a page at a time, and results.

use super::chart::{Bar, BarChart};
use super::definition::{NumberedQuestion, QuestionKind};
use super::scoring::{field_name, option_field_name, Answer};
use super::*;
use crate::ui::{ActionOutcome, ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The name a question's field is posted under: `answers[q7]` fills `save_answers`' map.
fn form_field(key: &str) -> String {
    format!("answers[{key}]")
}

fn progress_text(progress: &Progress) -> String {
    match progress {
        Progress::NotStarted => "Not started".into(),
        Progress::InProgress { answered, total } => format!("In progress: {answered} of {total} answered"),
        Progress::Completed { code, completed_on } if code.is_empty() => format!("Completed on {completed_on}"),
        Progress::Completed { code, completed_on } => format!("Completed on {completed_on}: {code}"),
    }
}

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    let cards = Resource::new(|| (), |_| assessment_cards());
    view! {
        <PageMeta title="Career assessments"
            description="Take the O*NET Interest Profiler and other career assessments on Waypoint, with or without an account, and see which kinds of work fit your interests."
            path="/assessments"/>
        <section class="page" aria-labelledby="page-heading">
            <h1 id="page-heading">"Career assessments"</h1>
            <p class="lead">"Discover which kinds of work draw you. Every answer is saved as you give it, so you can stop and pick up where you left off."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading assessments…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        cards.await.map(|cards| view! {
                            <ul class="card-list">
                                {cards.into_iter().map(|card| {
                                    let href = format!("/assessments/{}", card.slug);
                                    let status = progress_text(&card.progress);
                                    let meta = format!(
                                        "{} questions{}",
                                        card.questions,
                                        card.estimated_minutes.map(|m| format!(", about {m} minutes")).unwrap_or_default()
                                    );
                                    view! {
                                        <li class="card">
                                            <h2><A href=href>{card.title.clone()}</A></h2>
                                            <p>{card.description.clone()}</p>
                                            <p class="muted">{meta}</p>
                                            <p class="status-line">{status}</p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
pub fn AssessmentIntroPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let card = Resource::new(slug, assessment_intro);
    view! {
        <section class="page" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Assessment"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        card.await.map(|card| {
                            let path = format!("/assessments/{}", card.slug);
                            let take = format!("/assessments/{}/take", card.slug);
                            let results = format!("/assessments/{}/results", card.slug);
                            let completed = matches!(card.progress, Progress::Completed { .. });
                            let start_label = if card.in_progress { "Continue where you left off" } else if completed { "Take it again" } else { "Start" };
                            let description = card.description.clone();
                            view! {
                                <PageMeta title=card.title.clone() description=description path=path/>
                                <h1 id="page-heading">{card.title.clone()}</h1>
                                <p class="lead">{card.description.clone()}</p>
                                <ul class="facts">
                                    <li>{format!("{} questions", card.questions)}</li>
                                    {card.estimated_minutes.map(|m| view! { <li>{format!("About {m} minutes")}</li> })}
                                    <li>{format!("Measures: {}", card.dimensions.join(", "))}</li>
                                    <li>{progress_text(&card.progress)}</li>
                                </ul>
                                <p>"There are no right or wrong answers, and your results are for exploring: they suggest kinds of work to look into, not a verdict on what you can do."</p>
                                <p class="actions">
                                    <A href=take attr:class="button">{start_label}</A>
                                    {completed.then(|| view! { <A href=results attr:class="button button--secondary">"See your results"</A> })}
                                </p>
                                {(!card.notice.is_empty()).then(|| view! { <p class="notice">{card.notice.clone()}</p> })}
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
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
    let mut hint = String::new();
    let control = match question.kind.clone() {
        QuestionKind::Likert { points, .. } => {
            let chosen = match answer { Some(Answer::Point(i)) => Some(i), _ => None };
            view! {
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
            }.into_any()
        }
        QuestionKind::SingleChoice { options } => {
            let chosen = match answer { Some(Answer::Choice(k)) => Some(k), _ => None };
            view! {
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
            }.into_any()
        }
        QuestionKind::MultipleChoice { options, min_picks, max_picks } => {
            hint = if min_picks == max_picks {
                format!("Pick {max_picks}.")
            } else {
                format!("Pick {} to {max_picks}.", min_picks.max(1))
            };
            let chosen = match answer { Some(Answer::Choices(k)) => k, _ => Vec::new() };
            view! {
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
            }.into_any()
        }
        QuestionKind::Scale { min, max, step, min_label, max_label, .. } => {
            let chosen = match answer { Some(Answer::Number(n)) => Some(n), _ => None };
            let steps = ((max - min) / step).round() as usize;
            let text = |v: f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") };
            if !min_label.is_empty() || !max_label.is_empty() {
                hint = format!("{} = {}, {} = {}", text(min), if min_label.is_empty() { "lowest".into() } else { min_label.clone() }, text(max), if max_label.is_empty() { "highest".into() } else { max_label.clone() });
            }
            if steps <= 10 {
                view! {
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
                }.into_any()
            } else {
                hint = format!("A number from {} to {} in steps of {}. {hint}", text(min), text(max), text(step));
                let input_id = format!("{id}-number");
                view! {
                    <label for=input_id.clone() class="visually-hidden">"Your answer"</label>
                    <input type="number" id=input_id name=form_field(&field_name(position)) min=text(min) max=text(max) step=text(step)
                        value=chosen.map(text) prop:value=chosen.map(text).unwrap_or_default() inputmode="decimal"/>
                }.into_any()
            }
        }
        QuestionKind::Ranking { options } => {
            let n = options.len();
            hint = format!("Give each a different rank, from 1 (first) to {n} (last).");
            let ranks: Vec<String> = match answer { Some(Answer::Ranking(keys)) => keys, _ => Vec::new() };
            view! {
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
            }.into_any()
        }
        QuestionKind::FreeText { min_length, max_length } => {
            hint = if min_length > 0 {
                format!("{min_length} to {max_length} characters.")
            } else {
                format!("Up to {max_length} characters.")
            };
            let text = match answer { Some(Answer::Text(t)) => t, _ => String::new() };
            let input_id = format!("{id}-text");
            let current = text.clone();
            view! {
                <label for=input_id.clone() class="visually-hidden">"Your answer"</label>
                <textarea id=input_id name=form_field(&field_name(position)) rows="4" maxlength=max_length prop:value=current>{crate::ui::textarea_text(text)}</textarea>
            }.into_any()
        }
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

#[component]
pub fn TakeAssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let check = move || query.read().get("check").is_some_and(|c| c == "1");
    let save = ServerAction::<SaveAnswers>::new();
    // Autosaves live as long as the page does (a page's form is updated in place when the
    // person moves between pages). They go one at a time, so an older state of the page can
    // never land after a newer one: a change made during a save waits, and only the latest goes.
    let autosave = ServerAction::<SaveAnswers>::new();
    let waiting = StoredValue::new(None::<SaveAnswers>);
    // The page the latest autosave was for: its outcome speaks for that page only.
    let autosaved_page = RwSignal::new(0u32);
    let saving = autosave.pending();
    Effect::new(move |_| {
        if !saving.get() {
            if let Some(args) = waiting.try_update_value(Option::take).flatten() {
                autosave.dispatch(args);
            }
        }
    });
    let attempt = Resource::new(move || (slug(), page(), check(), save.version().get()), |(slug, page, check, _)| {
        assessment_page(slug, page, check)
    });
    view! {
        <section class="page" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Loading questions…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Assessment"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        attempt.await.map(|attempt| view! { <TakeForm attempt save autosave waiting autosaved_page saving/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn TakeForm(
    attempt: TakePage,
    save: ServerAction<SaveAnswers>,
    autosave: ServerAction<SaveAnswers>,
    waiting: StoredValue<Option<SaveAnswers>>,
    autosaved_page: RwSignal<u32>,
    saving: Memo<bool>,
) -> impl IntoView {
    // Autosaving happens in the browser only.
    #[cfg(not(feature = "hydrate"))]
    let _ = waiting;
    let TakePage { version_id, slug, title, notice, page, pages, questions, answers, answered, total, missing, signed_in } = attempt;
    let this_page = move || autosaved_page.get() == page;
    let answered_now = move || match autosave.value().get() {
        Some(Ok(outcome)) if this_page() => outcome.answered,
        _ => answered,
    };
    let save_status = move || {
        if !this_page() {
            String::new()
        } else if saving.get() {
            "Saving…".to_string()
        } else {
            match autosave.value().get() {
                Some(Ok(_)) => "All answers so far are saved.".to_string(),
                Some(Err(error)) => format!("Not saved: {error}"),
                None => String::new(),
            }
        }
    };
    #[allow(unused_variables)]
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::form::FromFormData;
            use wasm_bindgen::JsCast;
            // The changed control's own form (events may be delegated, so not `current_target`).
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|control| control.closest("form").ok().flatten())
                .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            // Only a pressed button carries `go`; an autosave says it stays on the page.
            if data.append_with_str("go", "stay").is_err() {
                return;
            }
            match SaveAnswers::from_form_data(&data) {
                Err(error) => leptos::logging::warn!("autosave: the form didn't read as answers: {error}"),
                Ok(args) => {
                    // Only page-level state here (and the page from the form itself): the form
                    // is reused when moving between pages, and so may this handler be.
                    autosaved_page.set(args.page);
                    if saving.get_untracked() {
                        waiting.set_value(Some(args));
                    } else {
                        autosave.dispatch(args);
                    }
                }
            }
        }
    };
    let path = format!("/assessments/{slug}/take");
    let last = page == pages;
    let missing_links = missing.clone();
    view! {
        <PageMeta title=format!("{title}: page {page} of {pages}") description=format!("Answer the questions of {title}, page {page} of {pages}.") path=path/>
        <h1 id="page-heading">{title.clone()}</h1>
        <div class="progress-block">
            <label for="progress">{move || format!("{} of {total} answered · page {page} of {pages}", answered_now())}</label>
            <progress id="progress" max=total value=answered_now></progress>
            <p class="save-status" role="status" aria-live="polite">{save_status}</p>
        </div>
        {(!signed_in && page == 1).then(|| view! {
            <p class="info-box">"You're not signed in: your answers are kept in this browser's session. Create an account when you finish to keep your results."</p>
        })}
        {(!missing_links.is_empty()).then(|| view! {
            <div class="error-box" id="unanswered" role="alert" tabindex="-1">
                <p><strong>{if missing_links.len() == 1 { "One question on this page needs an answer:".to_string() } else { format!("{} questions on this page need an answer:", missing_links.len()) }}</strong></p>
                <ul>
                    {missing_links.iter().map(|p| view! { <li><a href=format!("#q{p}")>{format!("Question {p}")}</a></li> }).collect_view()}
                </ul>
            </div>
        })}
        <ActionOutcome value=move || save.value().get().map(|r| r.map(|_| ()))/>
        <ActionForm action=save attr:class="take-form" attr:novalidate=true on:change=on_change>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="version_id" value=version_id.to_string()/>
            <input type="hidden" name="page" value=page.to_string()/>
            {
                let mut last_section = String::new();
                questions.into_iter().map(|numbered| {
                    let heading = (numbered.section != last_section && !numbered.section.is_empty()).then(|| numbered.section.clone());
                    last_section = numbered.section.clone();
                    let answer = answers.get(&numbered.position).cloned();
                    let is_missing = missing.contains(&numbered.position);
                    view! {
                        {heading.map(|h| view! { <h2 class="section-title">{h}</h2> })}
                        <QuestionField numbered answer missing=is_missing/>
                    }
                }).collect_view()
            }
            <div class="form-actions">
                {(page > 1).then(|| view! { <button type="submit" name="go" value="back" class="button button--secondary">"Back"</button> })}
                {if last {
                    view! { <button type="submit" name="go" value="finish" class="button">"Finish and see results"</button> }.into_any()
                } else {
                    view! { <button type="submit" name="go" value="next" class="button">"Next page"</button> }.into_any()
                }}
            </div>
        </ActionForm>
        {(!notice.is_empty()).then(|| view! { <p class="notice">{notice}</p> })}
    }
}

fn signed(delta: f64) -> String {
    if delta > 0.0 {
        format!("+{}", trim(delta))
    } else if delta < 0.0 {
        format!("−{}", trim(-delta))
    } else {
        "no change".into()
    }
}

fn trim(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// How the code's ties read in words, e.g. "Social and Investigative are tied at 30".
fn tie_sentences(view: &ResultView) -> Vec<String> {
    view.sheet
        .summary
        .ties
        .iter()
        .map(|group| {
            let names: Vec<String> = group
                .iter()
                .map(|key| view.sheet.scores.iter().find(|s| &s.key == key).map(|s| s.label.clone()).unwrap_or_else(|| key.clone()))
                .collect();
            let score = view.sheet.scores.iter().find(|s| s.key == group[0]).map(|s| s.score).unwrap_or(0.0);
            let listed = match names.len() {
                2 => format!("{} and {}", names[0], names[1]),
                _ => format!("{} and {}", names[..names.len() - 1].join(", "), names[names.len() - 1]),
            };
            let order: Vec<&str> = view.sheet.scores.iter().map(|s| s.key.as_str()).collect();
            format!(
                "{listed} are tied at {}. The code lists tied areas in the fixed order {}, so another code with these letters swapped fits you just as well.",
                trim(score),
                order.join(", ")
            )
        })
        .collect()
}

#[component]
pub fn AssessmentResultPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || params.read().get("id").and_then(|id| id.parse::<uuid::Uuid>().ok());
    let result = Resource::new(move || (slug(), id()), |(slug, id)| assessment_result(slug, id));
    view! {
        <section class="page wide" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Loading your results…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Results"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move { result.await.map(|view| view! { <ResultBody view/> }) })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn ResultBody(view: ResultView) -> impl IntoView {
    let path = format!("/assessments/{}/results", view.slug);
    let max = view.sheet.scores.iter().map(|s| s.max).fold(0.0, f64::max);
    let min = view.sheet.scores.iter().map(|s| s.min).fold(0.0, f64::min);
    let ticks: Vec<f64> = (0..=4).map(|i| min + (max - min) * i as f64 / 4.0).collect();
    let bars: Vec<Bar> = view.sheet.scores.iter().map(|s| Bar { label: s.label.clone(), value: s.score }).collect();
    let ties = tie_sentences(&view);
    let code = view.sheet.summary.code.clone();
    let sign_up = format!("/sign-up?next={}", crate::accounts::encode_query_value(&path));
    let mut ranked = view.sheet.scores.clone();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let areas = if view.is_interest_profiler {
        ranked
            .iter()
            .filter_map(|s| {
                crate::domain::riasec::AREAS.iter().find(|a| a.letter.to_string() == s.key).map(|area| {
                    view! {
                        <li class="area">
                            <h3>{format!("{} ({}): {}", area.name, area.letter, trim(s.score))}</h3>
                            <p>{area.description}</p>
                            <p class="muted">{format!("Key words: {}", area.keywords.join(", "))}</p>
                        </li>
                    }
                })
            })
            .collect_view()
            .into_any()
    } else {
        ranked
            .iter()
            .map(|s| {
                let description = view.descriptions.iter().find(|(k, _)| k == &s.key).map(|(_, d)| d.clone()).unwrap_or_default();
                view! {
                    <li class="area">
                        <h3>{format!("{}: {}", s.label, trim(s.score))}{s.band.clone().map(|b| format!(" ({b})"))}</h3>
                        {(!description.is_empty()).then(|| view! { <p>{description}</p> })}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let dimension_keys: Vec<(String, String)> = view.sheet.scores.iter().map(|s| (s.key.clone(), s.label.clone())).collect();
    let history = view.history.clone();
    let current = view.key;
    let slug = view.slug.clone();
    let saved = view.saved;
    view! {
        <PageMeta title=format!("Your results: {}", view.title) description=format!("Your scores and summary on {}.", view.title) path=path/>
        <h1 id="page-heading">{format!("Your results: {}", view.title)}</h1>
        <p class="muted">{format!("Completed on {} · version {} · {}", view.completed_on, view.version, view.method)}</p>
        {(!saved).then(|| view! {
            <div class="info-box">
                <p>"These results are kept in this browser for now. "<A href=sign_up.clone()>"Create a free account"</A>" to save them, follow how they change, and book a mentor to talk them through."</p>
            </div>
        })}
        {(!code.is_empty()).then(|| view! {
            <div class="code-block">
                <p class="code-label">"Your interest code"</p>
                <p class="code" aria-label=format!("Code {}", code.chars().map(String::from).collect::<Vec<_>>().join(" "))>{code.clone()}</p>
                {ties.into_iter().map(|t| view! { <p class="tie-note">{t}</p> }).collect_view()}
            </div>
        })}
        <h2>"Your scores"</h2>
        <BarChart id="result-chart" title=format!("Your {} scores", view.title) bars min max ticks/>
        <table class="data-table">
            <caption class="visually-hidden">"Scores by area"</caption>
            <thead><tr><th scope="col">"Area"</th><th scope="col">"Score"</th><th scope="col">"Possible range"</th></tr></thead>
            <tbody>
                {view.sheet.scores.iter().map(|s| view! {
                    <tr><th scope="row">{s.label.clone()}</th><td>{trim(s.score)}{s.band.clone().map(|b| format!(" ({b})"))}</td><td>{format!("{} to {}", trim(s.min), trim(s.max))}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <h2>"What your areas mean"</h2>
        <p>"Highest first. These describe kinds of work you may enjoy: use them to explore, not to rule anything out."</p>
        <ul class="areas">{areas}</ul>
        {view.is_interest_profiler.then(|| {
            let scores = super::interest_profiler::AREAS.map(|letter| {
                view.sheet.scores.iter().find(|s| s.key == letter.to_string()).map(|s| s.score).unwrap_or(0.0)
            });
            view! {
                <h2>"Careers to explore"</h2>
                <crate::careers::TopMatches scores limit=5/>
                <p><A href="/careers/matches">"See the careers that match your interests"</A>", grouped by how well they fit and by how much preparation they take."</p>
            }
        })}
        <h2>"Your history"</h2>
        {if history.len() <= 1 {
            view! { <p>"This is your first result. Take the assessment again later to see how your interests change."</p> }.into_any()
        } else {
            view! {
                <table class="data-table history">
                    <caption>"Every result, newest first, with the change since the one before it"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Completed"</th>
                            <th scope="col">"Code"</th>
                            {dimension_keys.iter().map(|(_, label)| view! { <th scope="col">{label.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {history.iter().enumerate().map(|(index, entry)| {
                            let previous = history.get(index + 1);
                            let label = entry.completed_on.clone();
                            let when = if saved && entry.key != current {
                                let href = format!("/assessments/{}/results/{}", slug, entry.key);
                                view! { <A href=href>{label}</A> }.into_any()
                            } else if entry.key == current {
                                view! { <span>{entry.completed_on.clone()}" (this result)"</span> }.into_any()
                            } else {
                                view! { <span>{entry.completed_on.clone()}</span> }.into_any()
                            };
                            view! {
                                <tr>
                                    <th scope="row">{when}</th>
                                    <td>{entry.code.clone()}</td>
                                    {entry.scores.iter().map(|(key, score)| {
                                        let change = previous
                                            .and_then(|p| p.scores.iter().find(|(k, _)| k == key))
                                            .map(|(_, before)| format!(" ({})", signed(score - before)))
                                            .unwrap_or_default();
                                        view! { <td>{trim(*score)}{change}</td> }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <p class="actions"><A href=format!("/assessments/{}/take", view.slug) attr:class="button button--secondary">"Take it again"</A></p>
        {(!view.notice.is_empty()).then(|| view! { <p class="notice">{view.notice.clone()}</p> })}
    }
}

/// The signed-in person's results, for their account page.
#[component]
pub fn MyResults(results: Resource<Result<Vec<super::ResultSummary>, AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="my-results-heading" class="account-section">
            <h2 id="my-results-heading">"Your assessment results"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading results…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        results.await.map(|results| if results.is_empty() {
                            view! { <p>"No results yet. "<A href="/assessments">"Take an assessment"</A>" to discover which kinds of work fit you."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="result-list">
                                    {results.into_iter().map(|r| {
                                        let label = if r.code.is_empty() { r.title.clone() } else { format!("{}: {}", r.title, r.code) };
                                        view! {
                                            <li><A href=format!("/assessments/{}/results/{}", r.slug, r.id)>{label}</A>{format!(" · {}", r.completed_on)}</li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
