//! `/careers/matches`: the careers that fit the person's latest Interest Profiler scores,
//! grouped Best / Great / Good fit, filterable by job zone, typical entry education and outlook,
//! sortable by pay or growth inside each group; and [`TopMatches`], the same ranking in short for
//! an Interest Profiler results page.

use super::api::{career_matches, top_career_matches, MyMatches, Ranking};
use super::browse::{bright_outlook_note, career_facts, BlsFilterFields, JobZoneGuide};
use super::domain::JobZone;
use super::matching::{top_areas, CareerMatch, Fit, GOOD_FIT, NARROW_SPREAD};
use super::outlook::{BlsFilters, CareerSort};
use super::{OnetCredit, INTEREST_PROFILER_PATH};
use crate::domain::riasec::{join_names, AREAS};
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CareerMatchesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let selected_zone = move || JobZone::parse_optional(&get("zone")).ok().flatten();
    let selected_filters =
        move || BlsFilters::parse(&get("education"), &get("outlook"), &get("sort")).unwrap_or_default();
    let matches = Resource::new(
        move || (get("zone"), get("education"), get("outlook"), get("sort")),
        |(zone, education, outlook, sort)| career_matches(zone, education, outlook, sort),
    );
    view! {
        <PageMeta
            title="Your career matches"
            description="Careers that match your O*NET Interest Profiler scores, grouped by how well they fit, with the interests you share and the preparation each takes."
            path="/careers/matches"
        />
        <leptos_meta::Meta name="robots" content="noindex"/>
        <section class="page wide" aria-labelledby="page-heading">
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <ol>
                    <li><a href="/careers">"Careers"</a></li>
                    <li><span aria-current="page">"Your matches"</span></li>
                </ol>
            </nav>
            <h1 id="page-heading">"Careers that match your interests"</h1>
            <Transition fallback=|| view! { <p class="loading">"Matching careers to your interests…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        matches.await.map(|found| match found {
                            MyMatches::NoResult => view! { <NoResultYet/> }.into_any(),
                            MyMatches::Found { scores, completed_at, ranking } => view! {
                                <MatchesReport scores completed_at ranking zone=selected_zone() filters=selected_filters()/>
                            }.into_any(),
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            <OnetCredit/>
        </section>
    }
}

#[component]
fn NoResultYet() -> impl IntoView {
    view! {
        <p class="lead">"Matches come from your answers to the O*NET Interest Profiler, and you haven't completed it yet."</p>
        <p>
            "It has 60 short questions about work activities, takes about 10 minutes, and works "
            "with or without an account."
        </p>
        <p><a class="button" href=INTEREST_PROFILER_PATH>"Take the Interest Profiler"</a></p>
        <p>"Or " <A href="/careers">"browse all careers"</A>" in the meantime."</p>
    }
}

#[component]
fn MatchesReport(
    scores: [f64; 6],
    completed_at: chrono::DateTime<chrono::Utc>,
    ranking: Ranking,
    zone: Option<JobZone>,
    filters: BlsFilters,
) -> impl IntoView {
    let top: Vec<&str> = top_areas(&scores).into_iter().map(|i| AREAS[i].name).collect();
    let from = format!(" from {}", completed_at.format("%-d %B %Y"));
    match ranking {
        Ranking::Flat => flat_profile_notice(from).into_any(),
        Ranking::Ranked { matches, narrow } => {
            ranked_matches(from, join_names(&top), matches, narrow, zone, filters).into_any()
        }
    }
}

/// A result with all six scores the same: why there is no list, and how to get one.
fn flat_profile_notice(from: String) -> impl IntoView {
    view! {
        <p class="lead">{format!("Your Interest Profiler result{from} gives every interest area the same score.")}</p>
        <div class="notice">
            <p>
                "Matching compares the pattern of your interests (which areas you like more, and which "
                "less) with each career's. With all six the same there is no pattern to compare, so "
                "any list of careers would be arbitrary, and Waypoint doesn't show one."
            </p>
            <p>
                "Try the Interest Profiler again and answer for each activity on its own: \u{201c}Unsure\u{201d} "
                "is fine when you don't know, and it helps to use \u{201c}Like\u{201d} and \u{201c}Dislike\u{201d} when "
                "you lean one way."
            </p>
        </div>
        <p><a class="button" href=INTEREST_PROFILER_PATH>"Retake the Interest Profiler"</a></p>
        <p>"Or " <A href="/careers">"browse all careers"</A>"."</p>
    }
}

/// The ranked careers: the caveats, the job-zone filter, and one section per fit group.
/// `from` is " from <date>" and `strongest` the person's strongest interests, joined.
fn ranked_matches(
    from: String,
    strongest: String,
    matches: Vec<CareerMatch>,
    narrow: bool,
    zone: Option<JobZone>,
    filters: BlsFilters,
) -> impl IntoView {
    let total = matches.len();
    let filtered = zone.is_some() || filters.is_filtered();
    let groups = super::matching::group_by_fit(matches);
    view! {
        <p class="lead">
            {format!("From your Interest Profiler result{from}. Your strongest interests: {strongest}.")}
        </p>
        <p class="notice">
            "These are careers to explore, not a verdict: interests are one part of a good fit, "
            "alongside your skills, values and circumstances. Talk them over with a mentor or adviser."
        </p>
        {how_matching_works()}
        {narrow.then(|| view! {
            <p class="notice">
                {format!("Your scores are close together (less than {NARROW_SPREAD:.0} points between your highest and lowest), so small differences decide these matches. Treat them as a loose guide.")}
            </p>
        })}
        {matches_filter(zone, filters)}
        <JobZoneGuide selected=Signal::derive(move || zone)/>
        {(total == 0).then(|| view! {
            <p role="status">
                {match (zone, filters.is_filtered()) {
                    (_, true) => format!("None of the careers with those filters fits your interests closely (fit {GOOD_FIT:.2} or more). "),
                    (Some(zone), false) => format!("None of the careers in job zone {} fits your interests closely (fit {GOOD_FIT:.2} or more). ", zone.number()),
                    (None, false) => format!("No career fits your interests closely (fit {GOOD_FIT:.2} or more). "),
                }}
                {filtered.then(|| view! { <A href="/careers/matches">"See all your matches"</A> })}
            </p>
        })}
        {(total > 0).then(bright_outlook_note)}
        {(total > 0 && filters.sort != CareerSort::Default).then(|| view! {
            <p class="muted">
                {match filters.sort {
                    CareerSort::Pay => "Within each fit group, the highest median pay comes first; careers without an annual figure come last.",
                    _ => "Within each fit group, the fastest projected job growth comes first; careers without figures come last.",
                }}
            </p>
        })}
        {groups.into_iter().filter(|(_, group)| !group.is_empty()).map(|(fit, group)| {
            let heading = format!("fit-{}", fit.slug());
            view! {
                <section aria-labelledby=heading.clone() class="fit-group">
                    <h2 id=heading.clone()>{format!("{} ({})", fit.label(), group.len())}</h2>
                    <p class="muted">{format!("{}: {}", fit.range(), fit.meaning())}</p>
                    <MatchList fit matches=group/>
                </section>
            }
        }).collect_view()}
    }
}

/// How the fit figure is worked out, what each fit group means, and where the weaker fits went.
fn how_matching_works() -> impl IntoView {
    view! {
        <details class="method">
            <summary>"How matching works"</summary>
            <p>
                "Waypoint compares the pattern of your six interest scores with each career's O*NET "
                "interest profile, as a correlation from -1 to 1 (shown as \u{201c}fit\u{201d}). 1 means the same "
                "strong and weak interests in the same order; 0 means nothing in common."
            </p>
            <ul>
                {Fit::ALL.into_iter().map(|fit| view! {
                    <li><strong>{fit.label()}</strong>{format!(" ({}): {}", fit.range(), fit.meaning())}</li>
                }).collect_view()}
            </ul>
            <p>{format!("Careers with a fit below {GOOD_FIT:.2} share too little with your interests to list here; you can still find them under ")}<A href="/careers">"all careers"</A>"."</p>
        </details>
    }
}

/// The job-zone, education and outlook filters and the order, a plain GET form so it works
/// without JavaScript.
fn matches_filter(zone: Option<JobZone>, filters: BlsFilters) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="filters" attr:aria-label="Filter matches">
            <div class="field">
                <label for="matches-zone">"Preparation needed"</label>
                <select id="matches-zone" name="zone">
                    <option value="" selected=zone.is_none()>"Any job zone"</option>
                    {JobZone::ALL.into_iter().map(|z| view! {
                        <option value=z.number().to_string() selected=zone == Some(z)>
                            {format!("Zone {}: {}", z.number(), z.name())}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <BlsFilterFields id_prefix="matches" filters=Signal::derive(move || filters)/>
            <button type="submit" class="button">"Show matches"</button>
        </Form>
    }
}

/// Matches shown in a group before "show more" (the rest are in the page, folded away).
const SHOWN_PER_GROUP: usize = 20;

#[component]
fn MatchList(fit: Fit, matches: Vec<CareerMatch>) -> impl IntoView {
    let item = |found: CareerMatch| {
        let (href, title) = (format!("/careers/{}", found.code), found.title.clone());
        let meta = format!("{}. {}", found.why(), found.job_zone.label());
        view! {
            <li class="match">
                <A href=href>{title}</A>
                <span class="match__fit">{found.fit_figure()}</span>
                <span class="match__meta">{meta}</span>
                <span class="match__facts">{career_facts(found.bls.as_ref())}</span>
            </li>
        }
    };
    let rest: Vec<CareerMatch> = matches.iter().skip(SHOWN_PER_GROUP).cloned().collect();
    view! {
        <ol class="match-list">
            {matches.into_iter().take(SHOWN_PER_GROUP).map(item).collect_view()}
        </ol>
        {(!rest.is_empty()).then(|| view! {
            <details class="more">
                <summary>{format!("Show {} more {}s", rest.len(), fit.label().to_lowercase())}</summary>
                <ol class="match-list" start=(SHOWN_PER_GROUP + 1).to_string()>
                    {rest.into_iter().map(item).collect_view()}
                </ol>
            </details>
        })}
    }
}

/// The `limit` careers that fit `scores` best (raw Interest Profiler scores, 0-40, R, I, A, S,
/// E, C), with their fit and why, and a link to every match. Put it under a heading of your own.
#[component]
pub fn TopMatches(scores: [f64; 6], limit: usize) -> impl IntoView {
    let ranking = Resource::new(move || (scores.map(f64::to_bits), limit), move |_| top_career_matches(scores, limit));
    view! {
        <div class="top-matches">
            <Transition fallback=|| view! { <p class="loading">"Matching careers…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        ranking.await.map(|ranking| match ranking {
                            Ranking::Flat => view! {
                                <p>
                                    "All six of your scores are the same, so there is no pattern of stronger and "
                                    "weaker interests to match careers to. Answering the Interest Profiler again, "
                                    "with \u{201c}Like\u{201d} or \u{201c}Dislike\u{201d} where you lean one way, gives careers to explore."
                                </p>
                            }.into_any(),
                            Ranking::Ranked { matches, .. } if matches.is_empty() => view! {
                                <p>{format!("No career fits your interests closely (fit {GOOD_FIT:.2} or more). ")}<A href="/careers">"Browse all careers"</A></p>
                            }.into_any(),
                            Ranking::Ranked { matches, .. } => view! {
                                <ol class="match-list">
                                    {matches.into_iter().map(|found| {
                                        let (href, title) = (format!("/careers/{}", found.code), found.title.clone());
                                        let fit = format!("{}, {}", found.fit.label(), found.fit_figure());
                                        let meta = format!("{}. {}", found.why(), found.job_zone.label());
                                        view! {
                                            <li class="match">
                                                <A href=href>{title}</A>
                                                <span class="match__fit">{fit}</span>
                                                <span class="match__meta">{meta}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                <p><A href="/careers/matches">"See all your career matches, by job zone"</A></p>
                            }.into_any(),
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}
