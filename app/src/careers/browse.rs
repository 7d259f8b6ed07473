//! `/careers`: browse and search the careers, filter them by job zone, page through them. The
//! query string drives everything, so it works the same without JavaScript.

use super::api::{careers, interest_result_available, my_career_goal};
use super::domain::{CareerGoal, CareerList, CareerSearch, JobZone};
use super::{OnetCredit, INTEREST_PROFILER_PATH};
use crate::accounts::encode_query_value;
use crate::domain::riasec::names_of;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CareersPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let list = Resource::new(move || (get("q"), get("zone"), get("page")), |(q, zone, page)| careers(q, zone, page));
    let has_result = Resource::new(|| (), |_| interest_result_available());
    let goal = Resource::new(|| (), |_| my_career_goal());
    let selected_zone = move || JobZone::parse_optional(&get("zone")).ok().flatten();

    view! {
        <PageMeta
            title="Careers"
            description="Explore 923 careers from O*NET data: what people do, the technology they use, the preparation each takes, and the interests it suits. Search by name or filter by job zone."
            path="/careers"
        />
        <section class="page wide" aria-labelledby="page-heading">
            <h1 id="page-heading">"Careers"</h1>
            <p class="lead">
                "Explore 923 occupations: what people in them do, the technology they use, how much "
                "preparation each takes, and which interests it suits."
            </p>
            {careers_intro(has_result, goal)}
            {career_search_form(Signal::derive(move || get("q")), Signal::derive(selected_zone))}
            <JobZoneGuide selected=Signal::derive(selected_zone)/>

            <Transition fallback=|| view! { <p class="loading">"Loading careers…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        list.await.map(|list| view! { <CareerResults list/> })
                    })}
                </ErrorBoundary>
            </Transition>
            <OnetCredit/>
        </section>
    }
}

/// Where to start: the person's matches once they have an Interest Profiler result (the
/// profiler until then), and their career goal when they have one.
fn careers_intro(
    has_result: Resource<Result<bool, AppError>>,
    goal: Resource<Result<Option<CareerGoal>, AppError>>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let has_result = has_result.await.unwrap_or(false);
                let goal = goal.await.ok().flatten();
                view! {
                    <div class="careers-intro">
                        {if has_result {
                            view! {
                                <p class="callout">
                                    <A href="/careers/matches">"See the careers that match your interests"</A>
                                    ", from your Interest Profiler result."
                                </p>
                            }.into_any()
                        } else {
                            view! {
                                <p class="callout">
                                    "Not sure where to start? "
                                    <a href=INTEREST_PROFILER_PATH>"Take the Interest Profiler"</a>
                                    " and see which careers fit your interests."
                                </p>
                            }.into_any()
                        }}
                        {goal.map(|goal| view! {
                            <p>"Your career goal: " <A href=goal.code.path()>{goal.title.clone()}</A></p>
                        })}
                    </div>
                }
            })}
        </Transition>
    }
}

/// Search by words and filter by job zone: a plain GET form, so it works without JavaScript.
fn career_search_form(q: Signal<String>, selected_zone: Signal<Option<JobZone>>) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Career search">
            <div class="field field--grow">
                <label for="careers-q">"Search careers"</label>
                <input id="careers-q" name="q" type="search" maxlength="100" value=move || q.get()
                    aria-describedby="careers-q-hint"/>
                <p class="field-hint" id="careers-q-hint">"Words from a title or description, e.g. \u{201c}nurse\u{201d}, or an O*NET-SOC code."</p>
            </div>
            <div class="field">
                <label for="careers-zone">"Preparation needed"</label>
                <select id="careers-zone" name="zone">
                    <option value="" selected=move || selected_zone.get().is_none()>"Any job zone"</option>
                    {JobZone::ALL.into_iter().map(|zone| view! {
                        <option value=zone.number().to_string() selected=move || selected_zone.get() == Some(zone)>
                            {format!("Zone {}: {}", zone.number(), zone.name())}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Search"</button>
        </Form>
    }
}

/// What the job zones mean: the selected zone spelled out, and all five a click away.
#[component]
pub fn JobZoneGuide(#[prop(into)] selected: Signal<Option<JobZone>>) -> impl IntoView {
    view! {
        {move || selected.get().map(|zone| view! {
            <p class="zone-meaning">
                <strong>{format!("{}.", zone.label())}</strong>
                {format!(" {} {}", zone.education(), zone.training())}
            </p>
        })}
        <details class="zone-guide">
            <summary>"What the job zones mean"</summary>
            <p>"O*NET sorts occupations into five job zones by how much education, experience and training people usually need to start."</p>
            <dl class="zone-list">
                {JobZone::ALL.into_iter().map(|zone| view! {
                    <dt>{zone.label()}</dt>
                    <dd>{format!("{} {}", zone.education(), zone.training())}</dd>
                }).collect_view()}
            </dl>
        </details>
    }
}

#[component]
fn CareerResults(list: CareerList) -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked().get("q").unwrap_or_default();
    let zone = query.read_untracked().get("zone").unwrap_or_default();
    let last_page = list.last_page();
    let CareerList { careers, total, page } = list;
    let filtered = CareerSearch::parse(&q, &zone, "").map(|s| s.is_filtered()).unwrap_or(true);
    let page_link = {
        let (q, zone) = (q.clone(), zone.clone());
        move |target: i64| careers_page_link(&q, &zone, target)
    };
    let status = results_status(total, filtered, page, last_page);
    view! {
        <h2 id="results-heading" class="results-heading">{status}</h2>
        {(total == 0).then(|| view! {
            <p>
                {if q.trim().is_empty() {
                    "No careers are in that job zone.".to_string()
                } else {
                    format!("No careers match \u{201c}{}\u{201d}. Try fewer or shorter words, or another job zone.", q.trim())
                }}
            </p>
        })}
        {(total > 0 && careers.is_empty()).then(|| view! {
            <p>"That page is past the end of the list. " <A href=page_link(1)>"Go to the first page"</A></p>
        })}
        <ul class="career-list" aria-labelledby="results-heading">
            {careers.into_iter().map(|career| view! {
                <li class="career-card">
                    <h3><A href=career.code.path()>{career.title.clone()}</A></h3>
                    <p class="career-card__meta">
                        <span>{career.job_zone.label()}</span>
                        {(!career.high_point_code.is_empty()).then(|| view! {
                            <span>"Interests: "{names_of(&career.high_point_code)}</span>
                        })}
                    </p>
                    <p>{career.summary.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
        {(last_page > 1).then(|| view! { <Pager page last_page link=page_link/> })}
    }
}

/// The address of page `target` of the current search (`q` and `zone` as the query string has
/// them), with only the parameters that matter, so page 1 of everything is plain `/careers`.
fn careers_page_link(q: &str, zone: &str, target: i64) -> String {
    let mut params = Vec::new();
    if !q.trim().is_empty() {
        params.push(format!("q={}", encode_query_value(q.trim())));
    }
    if !zone.is_empty() {
        params.push(format!("zone={}", encode_query_value(zone)));
    }
    if target > 1 {
        params.push(format!("page={target}"));
    }
    if params.is_empty() {
        "/careers".to_string()
    } else {
        format!("/careers?{}", params.join("&"))
    }
}

/// The results heading: how many careers were found, and the page when there is more than one.
fn results_status(total: i64, filtered: bool, page: i64, last_page: i64) -> String {
    let status = match (total, filtered) {
        (0, _) => "No careers found".to_string(),
        (1, true) => "1 career found".to_string(),
        (n, true) => format!("{n} careers found"),
        (n, false) => format!("{n} careers"),
    };
    if total > 0 && last_page > 1 {
        format!("{status}, page {page} of {last_page}")
    } else {
        status
    }
}

/// Previous, a window of page numbers around the current one (with the first and last), next.
#[component]
fn Pager<F>(page: i64, last_page: i64, link: F) -> impl IntoView
where
    F: Fn(i64) -> String + 'static,
{
    let mut numbers: Vec<i64> = vec![1, last_page];
    numbers.extend((page - 2).max(1)..=(page + 2).min(last_page));
    numbers.sort_unstable();
    numbers.dedup();
    let mut items = Vec::new();
    let mut previous = 0;
    for number in numbers {
        if number > previous + 1 {
            items.push(view! { <li class="pager__gap" aria-hidden="true">"…"</li> }.into_any());
        }
        previous = number;
        items.push(if number == page {
            view! { <li><span aria-current="page" class="pager__current">{number}<span class="visually-hidden">" (current page)"</span></span></li> }.into_any()
        } else {
            view! { <li><a href=link(number)><span class="visually-hidden">"Page "</span>{number}</a></li> }.into_any()
        });
    }
    view! {
        <nav aria-label="Pages of careers" class="pager">
            {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"Previous"<span class="visually-hidden">" page"</span></a> })}
            <ul class="pager__pages">{items}</ul>
            {(page < last_page).then(|| view! { <a href=link(page + 1) rel="next">"Next"<span class="visually-hidden">" page"</span></a> })}
        </nav>
    }
}
