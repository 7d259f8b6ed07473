//! The list of assessments, one assessment's introduction, and the account's list of results.

use super::api::{assessment_cards, assessment_intro};
use super::domain::{long_date, Progress, ResultSummary};
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn progress_text(progress: &Progress) -> String {
    match progress {
        Progress::NotStarted => "Not started".into(),
        Progress::InProgress { answered, total } => format!("In progress: {answered} of {total} answered"),
        Progress::Completed { code, completed_on } if code.is_empty() => format!("Completed on {}", long_date(*completed_on)),
        Progress::Completed { code, completed_on } => format!("Completed on {}: {code}", long_date(*completed_on)),
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


/// The signed-in person's results, for their account page.
#[component]
pub fn MyResults(results: Resource<Result<Vec<ResultSummary>, AppError>>) -> impl IntoView {
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
                                            <li><A href=format!("/assessments/{}/results/{}", r.slug, r.id)>{label}</A>{format!(" · {}", long_date(r.completed_on))}</li>
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
