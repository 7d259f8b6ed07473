//! A completed result: scores, what they mean, careers to explore, and the history of results.

use super::api::assessment_result;
use super::chart::{Bar, BarChart};
use super::domain::{long_date, HistoryEntry, ResultView};
use super::scoring::ScoreSheet;
use crate::domain::riasec;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

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

/// The few careers that fit six Interest Profiler scores (R, I, A, S, E, C) best, shown under
/// "Careers to explore". The app provides it as context (careers' `TopMatches`), so that
/// assessments doesn't depend on careers, which depends on assessments' results.
#[derive(Clone, Copy)]
pub struct CareersToExplore(pub fn([f64; 6]) -> AnyView);

#[component]
fn ResultBody(view: ResultView) -> impl IntoView {
    let path = format!("/assessments/{}/results", view.slug);
    // The path is a slug and slashes, which a query value takes as they are.
    let sign_up = format!("/sign-up?next={path}");
    let saved = view.saved;
    let interest_scores = view.is_interest_profiler.then(|| interest_scores(&view));
    view! {
        <PageMeta title=format!("Your results: {}", view.title) description=format!("Your scores and summary on {}.", view.title) path=path/>
        <h1 id="page-heading">{format!("Your results: {}", view.title)}</h1>
        <p class="muted">{format!("Completed on {} · version {} · {}", long_date(view.completed_on), view.version, view.method)}</p>
        {(!saved).then(|| view! {
            <div class="info-box">
                <p>"These results are kept in this browser for now. "<A href=sign_up.clone()>"Create a free account"</A>" to save them, follow how they change, and book a mentor to talk them through."</p>
            </div>
        })}
        {code_block(view.clone())}
        <h2>"Your scores"</h2>
        {scores_chart(view.sheet.clone(), view.title.clone())}
        {scores_table(view.sheet.clone())}
        <h2>"What your areas mean"</h2>
        <p>"Highest first. These describe kinds of work you may enjoy: use them to explore, not to rule anything out."</p>
        <ul class="areas">{area_list(view.clone())}</ul>
        {interest_scores.zip(use_context::<CareersToExplore>()).map(|(scores, careers)| view! {
            <h2>"Careers to explore"</h2>
            {(careers.0)(scores)}
            <p><A href="/careers/matches">"See the careers that match your interests"</A>", grouped by how well they fit and by how much preparation they take."</p>
        })}
        <h2>"Your history"</h2>
        {history(view.clone())}
        <p class="actions"><A href=format!("/assessments/{}/take", view.slug) attr:class="button button--secondary">"Take it again"</A></p>
        {(!view.notice.is_empty()).then(|| view! { <p class="notice">{view.notice.clone()}</p> })}
    }
}

/// The six Interest Profiler scores in R, I, A, S, E, C order, for matching careers.
fn interest_scores(view: &ResultView) -> [f64; 6] {
    super::interest_profiler::AREAS
        .map(|letter| view.sheet.scores.iter().find(|s| s.key == letter.to_string()).map(|s| s.score).unwrap_or(0.0))
}

/// The summary code, spelled out for screen readers, with what its ties mean.
fn code_block(view: ResultView) -> impl IntoView {
    let code = view.sheet.summary.code.clone();
    let ties = tie_sentences(&view);
    (!code.is_empty()).then(|| view! {
        <div class="code-block">
            <p class="code-label">"Your interest code"</p>
            <p class="code" aria-label=format!("Code {}", code.chars().map(String::from).collect::<Vec<_>>().join(" "))>{code.clone()}</p>
            {ties.into_iter().map(|t| view! { <p class="tie-note">{t}</p> }).collect_view()}
        </div>
    })
}

fn scores_chart(sheet: ScoreSheet, title: String) -> impl IntoView {
    let max = sheet.scores.iter().map(|s| s.max).fold(0.0, f64::max);
    let min = sheet.scores.iter().map(|s| s.min).fold(0.0, f64::min);
    let ticks: Vec<f64> = (0..=4).map(|i| min + (max - min) * i as f64 / 4.0).collect();
    let bars: Vec<Bar> = sheet.scores.iter().map(|s| Bar { label: s.label.clone(), value: s.score }).collect();
    view! { <BarChart id="result-chart" title=format!("Your {title} scores") bars min max ticks/> }
}

/// The scores as a table (what the chart shows, for reading and for screen readers).
fn scores_table(sheet: ScoreSheet) -> impl IntoView {
    view! {
        <table class="data-table">
            <caption class="visually-hidden">"Scores by area"</caption>
            <thead><tr><th scope="col">"Area"</th><th scope="col">"Score"</th><th scope="col">"Possible range"</th></tr></thead>
            <tbody>
                {sheet.scores.iter().map(|s| view! {
                    <tr><th scope="row">{s.label.clone()}</th><td>{trim(s.score)}{s.band.clone().map(|b| format!(" ({b})"))}</td><td>{format!("{} to {}", trim(s.min), trim(s.max))}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Each area, highest score first, with what it means: O*NET's words for the Interest
/// Profiler's RIASEC areas, the author's descriptions otherwise.
fn area_list(view: ResultView) -> impl IntoView {
    let mut ranked = view.sheet.scores.clone();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    if view.is_interest_profiler {
        ranked
            .iter()
            .filter_map(|s| {
                riasec::AREAS.iter().find(|a| a.letter.to_string() == s.key).map(|area| {
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
    }
}

/// Every result of this assessment, newest first, each score with its change since the one before.
fn history(view: ResultView) -> impl IntoView {
    let history = view.history;
    if history.len() <= 1 {
        return view! { <p>"This is your first result. Take the assessment again later to see how your interests change."</p> }.into_any();
    }
    let labels: Vec<String> = view.sheet.scores.iter().map(|s| s.label.clone()).collect();
    let rows = history
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let when = history_when(entry, view.key, view.saved, &view.slug);
            let previous = history.get(index + 1);
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
        })
        .collect_view();
    view! {
        <table class="data-table history">
            <caption>"Every result, newest first, with the change since the one before it"</caption>
            <thead>
                <tr>
                    <th scope="col">"Completed"</th>
                    <th scope="col">"Code"</th>
                    {labels.into_iter().map(|label| view! { <th scope="col">{label}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// When a history entry was completed: a link to it, unless it is this result or kept in the session.
fn history_when(entry: &HistoryEntry, current: uuid::Uuid, saved: bool, slug: &str) -> AnyView {
    let label = long_date(entry.completed_on());
    if saved && entry.key != current {
        let href = format!("/assessments/{}/results/{}", slug, entry.key);
        view! { <A href=href>{label}</A> }.into_any()
    } else if entry.key == current {
        view! { <span>{label}" (this result)"</span> }.into_any()
    } else {
        view! { <span>{label}</span> }.into_any()
    }
}
