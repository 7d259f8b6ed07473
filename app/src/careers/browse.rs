//! `/careers`: browse and search the careers, filter them by job zone, typical entry education
//! and outlook, sort them by pay or growth, page through them. The query string drives
//! everything, so it works the same without JavaScript.

use super::api::{careers, interest_result_available, my_career_goal};
use super::domain::{CareerGoal, CareerList, CareerSearch, JobZone};
use super::entry::EntryEducation;
use super::outlook::{BlsFilters, BlsSummary, CareerSort, Outlook, BLS_CREDIT, BRIGHT_OUTLOOK_URL};
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
    let list = Resource::new(
        move || (get("q"), get("zone"), get("page"), get("education"), get("outlook"), get("sort")),
        |(q, zone, page, education, outlook, sort)| careers(q, zone, page, education, outlook, sort),
    );
    let has_result = Resource::new(|| (), |_| interest_result_available());
    let goal = Resource::new(|| (), |_| my_career_goal());
    let selected_zone = move || JobZone::parse_optional(&get("zone")).ok().flatten();
    let selected_filters =
        move || BlsFilters::parse(&get("education"), &get("outlook"), &get("sort")).unwrap_or_default();

    view! {
        <PageMeta
            title="Careers"
            description="Explore 923 careers from O*NET data with BLS pay and job outlook: what people do, the technology they use, the preparation each takes, and the interests it suits. Search by name, filter by job zone, education or outlook, sort by pay or growth."
            path="/careers"
        />
        <section class="page wide" aria-labelledby="page-heading">
            <h1 id="page-heading">"Careers"</h1>
            <p class="lead">
                "Explore 923 occupations: what people in them do, the technology they use, how much "
                "preparation each takes, and which interests it suits."
            </p>
            {careers_intro(has_result, goal)}
            {career_search_form(
                Signal::derive(move || get("q")),
                Signal::derive(selected_zone),
                Signal::derive(selected_filters),
            )}
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

/// Search by words, filter by job zone, education and outlook, sort: a plain GET form, so it
/// works without JavaScript.
fn career_search_form(
    q: Signal<String>,
    selected_zone: Signal<Option<JobZone>>,
    filters: Signal<BlsFilters>,
) -> impl IntoView {
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
            <BlsFilterFields id_prefix="careers" filters/>
            <button type="submit" class="button">"Search"</button>
        </Form>
    }
}

/// The typical-education, outlook and sort fields, shared by the browse and matches forms.
#[component]
pub fn BlsFilterFields(id_prefix: &'static str, #[prop(into)] filters: Signal<BlsFilters>) -> impl IntoView {
    let id = move |name: &str| format!("{id_prefix}-{name}");
    view! {
        <div class="field">
            <label for=id("education")>"Typical education to enter"</label>
            <select id=id("education") name="education">
                <option value="" selected=move || filters.get().education.is_none()>"Any education"</option>
                {EntryEducation::ALL.iter().copied().map(|education| view! {
                    <option value=education.as_str() selected=move || filters.get().education == Some(education)>
                        {education.bls_label()}
                    </option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for=id("outlook")>"Job outlook 2024-34"</label>
            <select id=id("outlook") name="outlook">
                <option value="" selected=move || filters.get().outlook.is_none()>"Any outlook"</option>
                {Outlook::ALL.into_iter().map(|outlook| view! {
                    <option value=outlook.as_str() selected=move || filters.get().outlook == Some(outlook)>
                        {outlook.option_label()}
                    </option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for=id("sort")>"Sort by"</label>
            <select id=id("sort") name="sort">
                {CareerSort::ALL.into_iter().map(|sort| view! {
                    <option value=sort.as_str() selected=move || filters.get().sort == sort>
                        {match (sort, id_prefix) {
                            (CareerSort::Default, "matches") => "Best fit",
                            (CareerSort::Default, _) => "Best match, then title",
                            (CareerSort::Pay, _) => "Highest median pay",
                            (CareerSort::Growth, _) => "Fastest job growth",
                        }}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// A career's pay and outlook in one line, with the Bright Outlook mark, for lists.
pub fn career_facts(bls: Option<&BlsSummary>) -> impl IntoView {
    match bls {
        None => view! { <span class="career-facts muted">"No BLS pay or outlook figures"</span> }.into_any(),
        Some(summary) => {
            let pay = summary.pay_text();
            let outlook = summary.outlook_text();
            let bright = summary.bright().is_some();
            let combined = summary.combined;
            view! {
                <span class="career-facts">
                    {pay.map(|pay| view! { <span>{pay}</span> })}
                    <span>{outlook}</span>
                    {bright.then(|| view! {
                        <span class="bright-outlook" title="O*NET Bright Outlook: rapid growth or many openings 2024-34">"Bright outlook"</span>
                    })}
                    {combined.then(|| view! { <span class="muted">"(figures for a combined BLS group)"</span> })}
                </span>
            }
            .into_any()
        }
    }
}

/// What the Bright Outlook mark and the figures mean, shown above a list that carries them.
pub fn bright_outlook_note() -> impl IntoView {
    view! {
        <p class="muted bright-outlook-note">
            <span class="bright-outlook">"Bright outlook"</span>
            " marks careers BLS projects to grow much faster than average (8% or more) or to have 100,000 or more "
            "job openings over 2024-34, following "
            <a href=BRIGHT_OUTLOOK_URL>"O*NET's Bright Outlook criteria"</a>
            ". Pay is the median; outlook is the projected change in jobs, 2024-34. "
            {format!("{BLS_CREDIT}.")}
        </p>
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
    let params: Vec<(&'static str, String)> = ["education", "outlook", "sort"]
        .into_iter()
        .map(|key| (key, query.read_untracked().get(key).unwrap_or_default()))
        .collect();
    let field = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str()).unwrap_or_default();
    let bls_filtered =
        BlsFilters::parse(field("education"), field("outlook"), field("sort")).map(|f| f.is_filtered()).unwrap_or(true);
    let last_page = list.last_page();
    let CareerList { careers, total, page } = list;
    let filtered = bls_filtered || CareerSearch::parse(&q, &zone, "").map(|s| s.is_filtered()).unwrap_or(true);
    let page_link = {
        let (q, zone, params) = (q.clone(), zone.clone(), params.clone());
        move |target: i64| careers_page_link(&q, &zone, &params, target)
    };
    let status = results_status(total, filtered, page, last_page);
    view! {
        <h2 id="results-heading" class="results-heading">{status}</h2>
        {(total == 0).then(|| view! {
            <p>
                {if q.trim().is_empty() {
                    "No careers match those filters. Try another job zone, education or outlook.".to_string()
                } else {
                    format!("No careers match \u{201c}{}\u{201d}. Try fewer or shorter words, or another job zone.", q.trim())
                }}
            </p>
        })}
        {(total > 0 && careers.is_empty()).then(|| view! {
            <p>"That page is past the end of the list. " <A href=page_link(1)>"Go to the first page"</A></p>
        })}
        {(total > 0).then(bright_outlook_note)}
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
                    <p class="career-card__facts">{career_facts(career.bls.as_ref())}</p>
                    <p>{career.summary.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
        {(last_page > 1).then(|| view! { <Pager page last_page link=page_link/> })}
    }
}

/// The address of page `target` of the current search (`q`, `zone` and the BLS filters as the
/// query string has them), with only the parameters that matter, so page 1 of everything is
/// plain `/careers`.
fn careers_page_link(q: &str, zone: &str, filters: &[(&str, String)], target: i64) -> String {
    let mut params = Vec::new();
    if !q.trim().is_empty() {
        params.push(format!("q={}", encode_query_value(q.trim())));
    }
    if !zone.is_empty() {
        params.push(format!("zone={}", encode_query_value(zone)));
    }
    for (key, value) in filters {
        if !value.is_empty() {
            params.push(format!("{key}={}", encode_query_value(value)));
        }
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
