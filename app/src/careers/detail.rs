//! `/careers/:code`: one career, with its interest profile drawn on the server, its tasks,
//! technology and related careers, and "make this my career goal".

use super::api::{career, my_career_goal, ChooseCareerGoal};
use super::domain::{first_sentence, CareerDetail, JobZoneDetail, RelatedCareer, Task, TechnologyCategory};
use super::OnetCredit;
use crate::accounts::{encode_query_value, use_auth};
use crate::domain::riasec::{names_of, AREAS};
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// Tasks shown before "all tasks".
const TASKS_SHOWN: usize = 8;
/// Technology categories shown before "more categories", and examples per category.
const CATEGORIES_SHOWN: usize = 8;
const EXAMPLES_SHOWN: usize = 10;

#[component]
pub fn CareerPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let detail = Resource::new(code, career);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the career…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => Ok(view! { <CareerView detail/> }.into_any()),
                        Err(AppError::NotFound(_)) => Ok(view! { <CareerNotFound/> }.into_any()),
                        Err(error) => Err(error),
                    }
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// An unknown or malformed code: a real 404 with a way on.
#[component]
fn CareerNotFound() -> impl IntoView {
    view! {
        <crate::ui::NotFound title="Career not found" heading="We couldn't find that career"
            lead="There is no career with that code. O*NET-SOC codes look like 15-1252.00."
            href="/careers" link="Browse and search all careers"/>
    }
}

#[component]
fn CareerView(detail: CareerDetail) -> impl IntoView {
    let CareerDetail { code, title, description, job_zone, interests, high_point_code, tasks, technology, related } =
        detail;
    let path = code.path();
    let meta_description = {
        let summary = first_sentence(&description);
        let summary: String = summary.chars().take(200).collect();
        format!(
            "{title} ({}): {summary} Interests, tasks, technology and the preparation it takes.",
            job_zone.zone.label()
        )
    };
    let top_interests = names_of(&high_point_code);
    view! {
        <PageMeta title=title.clone() description=meta_description path=path.clone()/>
        <article class="page wide career" aria-labelledby="page-heading">
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <ol>
                    <li><a href="/careers">"Careers"</a></li>
                    <li><span aria-current="page">{title.clone()}</span></li>
                </ol>
            </nav>
            <h1 id="page-heading">{title.clone()}</h1>
            <p class="muted">{format!("O*NET-SOC code {code} · {}", job_zone.zone.label())}</p>
            <p class="lead">{description.clone()}</p>

            <CareerGoalPanel code=code.to_string() title=title.clone() path=path.clone()/>

            {interests_section(title.clone(), interests, top_interests)}
            {preparation_section(job_zone)}
            {(!tasks.is_empty()).then(|| tasks_section(tasks))}
            {(!technology.is_empty()).then(|| view! { <TechnologySkills technology/> })}
            {(!related.is_empty()).then(|| related_careers(related))}
            <OnetCredit/>
        </article>
    }
}

/// The interest areas the work draws on, as a chart and a table.
fn interests_section(title: String, interests: [f64; 6], top_interests: String) -> impl IntoView {
    view! {
        <section aria-labelledby="interests-heading">
            <h2 id="interests-heading">"Interests"</h2>
            {(!top_interests.is_empty()).then(|| view! {
                <p>{format!("People in this work are most often drawn to {} work.", top_interests.to_lowercase())}</p>
            })}
            <InterestProfileChart title interests/>
            <p class="muted">
                "O*NET rates how strongly each interest area describes the work, from 1 (not at all) to 7 (very strongly). "
                <A href="/careers/matches">"See how your own interests match careers"</A>
            </p>
        </section>
    }
}

/// The job zone: the education, experience and training people usually start with.
fn preparation_section(job_zone: JobZoneDetail) -> impl IntoView {
    view! {
        <section aria-labelledby="preparation-heading">
            <h2 id="preparation-heading">"Preparation"</h2>
            <p><strong>{job_zone.zone.label()}</strong></p>
            <dl class="details">
                <dt>"Education"</dt><dd>{job_zone.education.clone()}</dd>
                <dt>"Experience"</dt><dd>{job_zone.experience.clone()}</dd>
                <dt>"Training"</dt><dd>{job_zone.training.clone()}</dd>
                <dt>"Examples in this zone"</dt><dd>{job_zone.examples.clone()}</dd>
            </dl>
        </section>
    }
}

/// The tasks, core ones first: the first [`TASKS_SHOWN`], the rest folded away.
fn tasks_section(tasks: Vec<Task>) -> impl IntoView {
    let has_core = tasks.iter().any(|task| task.core);
    let more_tasks: Vec<_> = tasks.iter().skip(TASKS_SHOWN).cloned().collect();
    view! {
        <section aria-labelledby="tasks-heading">
            <h2 id="tasks-heading">"What they do"</h2>
            {has_core.then(|| view! { <p class="muted">"The tasks most people in this work rate as core come first."</p> })}
            <ul class="task-list">
                {tasks.iter().take(TASKS_SHOWN).map(|task| view! { <li>{task.text.clone()}</li> }).collect_view()}
            </ul>
            {(!more_tasks.is_empty()).then(|| view! {
                <details class="more">
                    <summary>{format!("{} more tasks", more_tasks.len())}</summary>
                    <ul class="task-list">
                        {more_tasks.iter().map(|task| view! { <li>{task.text.clone()}</li> }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

fn related_careers(related: Vec<RelatedCareer>) -> impl IntoView {
    view! {
        <section aria-labelledby="related-heading">
            <h2 id="related-heading">"Related careers"</h2>
            <ul class="related-list">
                {related.into_iter().map(|other| view! {
                    <li><A href=other.code.path()>{other.title}</A></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn TechnologySkills(technology: Vec<TechnologyCategory>) -> impl IntoView {
    let any_hot = technology.iter().any(|c| c.examples.iter().any(|e| e.hot));
    let more: Vec<TechnologyCategory> = technology.iter().skip(CATEGORIES_SHOWN).cloned().collect();
    let category = |category: TechnologyCategory| {
        let rest: Vec<_> = category.examples.iter().skip(EXAMPLES_SHOWN).cloned().collect();
        let example = |e: super::domain::TechnologyExample| {
            view! {
                <li class:hot=e.hot>
                    {e.name}
                    {e.hot.then(|| view! { <span class="hot-label">" Hot"<span class="visually-hidden">" technology"</span></span> })}
                </li>
            }
        };
        view! {
            <li>
                <h3>{category.category.clone()}</h3>
                <ul class="tag-list">{category.examples.iter().take(EXAMPLES_SHOWN).cloned().map(example).collect_view()}</ul>
                {(!rest.is_empty()).then(|| view! {
                    <details class="more">
                        <summary>{format!("{} more {}", rest.len(), category.category.to_lowercase())}</summary>
                        <ul class="tag-list">{rest.into_iter().map(example).collect_view()}</ul>
                    </details>
                })}
            </li>
        }
    };
    view! {
        <section aria-labelledby="technology-heading">
            <h2 id="technology-heading">"Technology skills"</h2>
            {any_hot.then(|| view! {
                <p class="muted">"Technologies marked Hot are the ones employers ask for most often in job postings."</p>
            })}
            <ul class="technology-list">
                {technology.into_iter().take(CATEGORIES_SHOWN).map(category).collect_view()}
            </ul>
            {(!more.is_empty()).then(|| view! {
                <details class="more">
                    <summary>{format!("{} more kinds of technology", more.len())}</summary>
                    <ul class="technology-list">{more.into_iter().map(category).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}

/// "Make this my career goal" for a signed-in person; "Your current goal" when it is; a way to
/// sign in (and come back) for visitors.
#[component]
fn CareerGoalPanel(code: String, title: String, path: String) -> impl IntoView {
    let auth = use_auth();
    let choose = ServerAction::<ChooseCareerGoal>::new();
    let goal = Resource::new(move || choose.version().get(), |_| my_career_goal());
    let code = StoredValue::new(code);
    let title = StoredValue::new(title);
    let path = StoredValue::new(path);
    view! {
        <section class="goal-panel" aria-labelledby="goal-heading">
            <h2 id="goal-heading" class="visually-hidden">"Your career goal"</h2>
            <Transition fallback=|| view! { <p class="loading">"Checking your career goal…"</p> }>
                {move || Suspend::new(async move {
                    let signed_in = matches!(auth.user.await, Ok(Some(_)));
                    if !signed_in {
                        let sign_in = format!("/sign-in?next={}", encode_query_value(&path.get_value()));
                        return view! {
                            <p>
                                <A href=sign_in>"Sign in"</A>
                                " to make "{title.get_value()}" your career goal and plan your next steps towards it."
                            </p>
                        }.into_any();
                    }
                    match goal.await {
                        Ok(Some(current)) if current.code.as_str() == code.get_value() => view! {
                            <p class="goal-current" role="status">
                                <strong>"Your current goal"</strong>
                                {format!(" since {}.", current.chosen_at.format("%-d %B %Y"))}
                            </p>
                        }.into_any(),
                        current => view! {
                            {current.ok().flatten().map(|other| view! {
                                <p>"Your current goal is " <A href=other.code.path()>{other.title.clone()}</A>
                                   ". Choosing this career replaces it."</p>
                            })}
                            <ActionForm action=choose attr:class="inline-form">
                                <input type="hidden" name="code" value=code.get_value()/>
                                <button type="submit" class="button" disabled=move || choose.pending().get()>
                                    "Make this my career goal"
                                </button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
            <ActionOutcome value=move || choose.value().get()/>
        </section>
    }
}

/// The interest profile as a bar chart drawn on the server (no script), with a text
/// alternative, and the values in a table beside it.
#[component]
pub fn InterestProfileChart(#[prop(into)] title: String, interests: [f64; 6]) -> impl IntoView {
    const WIDTH: f64 = 560.0;
    const LABEL: f64 = 120.0;
    const BAR: f64 = 380.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 8.0;
    let height = TOP + ROW * 6.0 + 28.0;
    let x = |value: f64| LABEL + (value.clamp(0.0, 7.0) / 7.0) * BAR;
    let alternative = format!(
        "Interest profile of {title} on O*NET's scale of 1 (low) to 7 (high): {}.",
        AREAS
            .iter()
            .zip(interests)
            .map(|(area, value)| format!("{} {value:.1}", area.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let highest = interests.iter().copied().fold(f64::MIN, f64::max);
    view! {
        <figure class="interest-chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=alternative
                xmlns="http://www.w3.org/2000/svg" focusable="false">
                {(1..=7).map(|tick| {
                    let tx = x(f64::from(tick));
                    view! {
                        <line class="interest-chart__grid" x1=tx y1=TOP x2=tx y2=TOP + ROW * 6.0/>
                        <text class="interest-chart__tick" x=tx y=TOP + ROW * 6.0 + 18.0 text-anchor="middle">{tick}</text>
                    }
                }).collect_view()}
                {AREAS.iter().zip(interests).enumerate().map(|(i, (area, value))| {
                    let y = TOP + ROW * i as f64;
                    let strongest = (value - highest).abs() < 1e-9;
                    view! {
                        <text class="interest-chart__label" x=LABEL - 10.0 y=y + ROW / 2.0 + 5.0 text-anchor="end">{area.name}</text>
                        <rect class=if strongest { "interest-chart__bar interest-chart__bar--top" } else { "interest-chart__bar" }
                            x=LABEL y=y + 6.0 width=(x(value) - LABEL).max(1.0) height=ROW - 12.0 rx="3"/>
                        <text class="interest-chart__value" x=x(value) + 6.0 y=y + ROW / 2.0 + 5.0>{format!("{value:.1}")}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="visually-hidden">{format!("Interest profile of {title}")}</figcaption>
        </figure>
        <table class="data-table interest-table">
            <caption>"Interest values, 1 (low) to 7 (high)"</caption>
            <thead><tr><th scope="col">"Interest area"</th><th scope="col">"Value"</th><th scope="col">"What it means"</th></tr></thead>
            <tbody>
                {AREAS.iter().zip(interests).map(|(area, value)| view! {
                    <tr>
                        <th scope="row">{area.name}</th>
                        <td>{format!("{value:.1}")}</td>
                        <td>{first_sentence(area.description)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
