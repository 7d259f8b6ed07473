//! `/careers/:code`: one career, with its interest profile drawn on the server, its tasks,
//! technology and related careers, and "make this my career goal".

use super::api::{career, my_career_goal, ChooseCareerGoal};
use super::domain::{first_sentence, CareerDetail, JobZoneDetail, RelatedCareer, Task, TechnologyCategory};
use super::outlook::{
    dollars, grouped, signed_jobs, signed_percent, BlsFigures, CareerBls, Outlook, Pay, Wage,
    ALL_OCCUPATIONS_GROWTH_PERCENT, ALL_OCCUPATIONS_MEDIAN_ANNUAL, BLS_CREDIT, BLS_RELEASE, BRIGHT_OUTLOOK_URL,
};
use super::OnetCredit;
use crate::accounts::{encode_query_value, use_auth};
use crate::domain::riasec::{names_of, AREAS};
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, JsonLd, PageMeta};
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
    let CareerDetail {
        code,
        title,
        description,
        job_zone,
        interests,
        high_point_code,
        tasks,
        technology,
        related,
        bls,
    } = detail;
    let json_ld = occupation_json_ld(&title, &description, &code, &bls);
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
        <JsonLd value=json_ld/>
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

            <PayAndOutlook title=title.clone() code=code.to_string() bls/>

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
                                " "
                                <A href="/roadmap">"Build or open your roadmap towards it"</A>
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

/// schema.org `Occupation` for the page: the O*NET-SOC code as its category and, when BLS
/// publishes annual pay, the OEWS percentiles as an estimated salary (United States, a year).
fn occupation_json_ld(
    title: &str,
    description: &str,
    code: &super::domain::CareerCode,
    bls: &CareerBls,
) -> serde_json::Value {
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": title,
        "description": description,
        "occupationalCategory": {
            "@type": "CategoryCode",
            "codeValue": code.as_str(),
            "inCodeSet": { "@type": "CategoryCodeSet", "name": "O*NET-SOC 2019" },
        },
        "occupationLocation": { "@type": "Country", "name": "United States" },
    });
    let pay = bls.figures.as_ref().and_then(|figures| figures.pay.as_ref());
    if let Some(Wage::Amount(median)) = pay.and_then(|pay| pay.annual_median) {
        let mut salary = serde_json::json!({
            "@type": "MonetaryAmountDistribution",
            "name": "base",
            "currency": "USD",
            "duration": "P1Y",
            "median": median,
        });
        // A top-coded percentile has no exact value to give, so it is left out.
        if let Some(Wage::Amount(p10)) = pay.and_then(|pay| pay.annual_p10) {
            salary["percentile10"] = p10.into();
        }
        if let Some(Wage::Amount(p90)) = pay.and_then(|pay| pay.annual_p90) {
            salary["percentile90"] = p90.into();
        }
        value["estimatedSalary"] = salary;
    }
    if let Some(figures) = &bls.figures {
        value["educationRequirements"] = figures.education.clone().into();
    }
    value
}

/// Pay, jobs and the way in, from BLS, with the source and release beside them; or why there
/// are none.
#[component]
fn PayAndOutlook(title: String, code: String, bls: CareerBls) -> impl IntoView {
    let combined_note = bls.combined_note();
    let Some(figures) = bls.figures else {
        let military = code.starts_with("55-");
        return view! {
            <section aria-labelledby="pay-heading" class="pay-outlook">
                <h2 id="pay-heading">"Pay and outlook"</h2>
                <p>
                    {if military {
                        "The U.S. Bureau of Labor Statistics publishes no pay or outlook figures for this career: it publishes none for military occupations."
                    } else {
                        "The U.S. Bureau of Labor Statistics publishes no pay or outlook figures for this career."
                    }}
                </p>
            </section>
        }
        .into_any();
    };
    let BlsFigures { employment, pay, projection, education, work_experience, training, .. } = figures;
    let outlook = projection.outlook();
    let bright = projection.bright();
    let change_words = match outlook {
        Outlook::Decline => format!(
            "Employment is projected to decline {:.1}% from 2024 to 2034 ({} jobs).",
            -projection.change_percent,
            signed_jobs(projection.change_jobs)
        ),
        Outlook::LittleOrNoChange => format!(
            "Employment is projected to show little or no change from 2024 to 2034 ({}, {} jobs).",
            signed_percent(projection.change_percent),
            signed_jobs(projection.change_jobs)
        ),
        _ => format!(
            "Employment is projected to grow {:.1}% from 2024 to 2034 ({} jobs), {} for all occupations ({}).",
            projection.change_percent,
            signed_jobs(projection.change_jobs),
            outlook.label().replace("average", "the average"),
            signed_percent(ALL_OCCUPATIONS_GROWTH_PERCENT)
        ),
    };
    view! {
        <section aria-labelledby="pay-heading" class="pay-outlook">
            <h2 id="pay-heading">"Pay and outlook"</h2>
            {combined_note.map(|note| view! { <p class="notice">{note}</p> })}
            <h3>"Pay"</h3>
            {pay_view(&title, pay)}
            <h3>"Jobs"</h3>
            <p class="outlook-line">
                <strong class=format!("outlook outlook--{}", outlook.as_str())>{signed_percent(projection.change_percent)}</strong>
                " "{change_words}
            </p>
            {bright.map(|bright| view! {
                <p class="bright-outlook-note">
                    <span class="bright-outlook">"Bright outlook"</span>
                    {format!(": O*NET marks careers {} ", bright.reason())}
                    <a href=BRIGHT_OUTLOOK_URL>"(O*NET's Bright Outlook criteria)"</a>"."
                </p>
            })}
            <dl class="details">
                {employment.map(|employment| view! {
                    <dt>"Employment, May 2024"</dt>
                    <dd>{format!("{} (wage and salary jobs)", grouped(u64::try_from(employment).unwrap_or(0)))}</dd>
                })}
                <dt>"Projected jobs"</dt>
                <dd>{format!(
                    "{} in 2024, {} in 2034 (including self-employment)",
                    grouped(u64::try_from(projection.employment_2024).unwrap_or(0)),
                    grouped(u64::try_from(projection.employment_2034).unwrap_or(0))
                )}</dd>
                <dt>"Openings each year"</dt>
                <dd>{format!(
                    "{} on average, 2024-34 (new jobs and people leaving the work)",
                    grouped(u64::try_from(projection.openings_annual).unwrap_or(0))
                )}</dd>
            </dl>
            <h3>"Getting in"</h3>
            <dl class="details">
                <dt>"Typical education to enter"</dt><dd>{education}</dd>
                <dt>"Work experience in a related job"</dt><dd>{work_experience}</dd>
                <dt>"Typical on-the-job training"</dt><dd>{training}</dd>
            </dl>
            <p class="credit">{format!("{BLS_CREDIT} ({BLS_RELEASE}). ")}<A href="/about#data">"About the data"</A></p>
        </section>
    }
    .into_any()
}

/// The pay figures: median and range with the chart, or the hourly median for hourly-only work.
fn pay_view(title: &str, pay: Option<Pay>) -> impl IntoView {
    let Some(pay) = pay else {
        return view! { <p>"BLS publishes no wage figures for this work (it has projections only)."</p> }.into_any();
    };
    match pay.annual_median {
        Some(median) => {
            let range = match (pay.annual_p10, pay.annual_p90) {
                (Some(low), Some(high)) => Some(format!(
                    "Most earn between {} (the lowest-paid 10% earn less) and {} (the highest-paid 10% earn more).",
                    low.annual_text(),
                    high.annual_text()
                )),
                _ => None,
            };
            let hourly = (!pay.annual_only).then_some(pay.hourly_median).flatten();
            view! {
                <p class="pay-headline">
                    <strong>{median.annual_text()}</strong>
                    " median pay a year"
                    {hourly.map(|hourly| format!(" ({} an hour)", hourly.hourly_text()))}
                    "."
                </p>
                {range.map(|range| view! { <p>{range}</p> })}
                {pay.annual_only.then(|| view! {
                    <p class="muted">"BLS publishes annual pay only for this work (people in it are often paid for a school or work year rather than by the hour)."</p>
                })}
                {match (pay.annual_p10, pay.annual_p90) {
                    (Some(low), Some(high)) => Some(view! { <PayRangeChart title=title.to_string() low median high/> }),
                    _ => None,
                }}
            }
            .into_any()
        }
        None => match pay.hourly_median {
            Some(hourly) => view! {
                <p class="pay-headline"><strong>{hourly.hourly_text()}</strong>" median pay an hour."</p>
                <p class="muted">
                    "BLS publishes hourly pay only for this work: people in it often don't work full time all "
                    "year, so there is no annual figure to compare."
                </p>
            }
            .into_any(),
            None => view! { <p>"BLS publishes no median pay for this work."</p> }.into_any(),
        },
    }
}

/// The pay range (10th to 90th percentile) as a bar with the median marked, against the median
/// of all occupations, drawn on the server; the text alternative says the same.
#[component]
fn PayRangeChart(title: String, low: Wage, median: Wage, high: Wage) -> impl IntoView {
    const WIDTH: f64 = 560.0;
    const LEFT: f64 = 12.0;
    const RIGHT: f64 = 12.0;
    const HEIGHT: f64 = 96.0;
    const BAR_Y: f64 = 34.0;
    const BAR_H: f64 = 20.0;
    let top =
        [low, median, high].iter().map(|w| w.annual_floor()).max().unwrap_or(0).max(ALL_OCCUPATIONS_MEDIAN_ANNUAL);
    // Round the scale up to the next $20,000 so the axis ends on a clean figure.
    let scale_max = f64::from(((top / 20_000) + 1) * 20_000);
    let x = |amount: i32| LEFT + f64::from(amount.max(0)) / scale_max * (WIDTH - LEFT - RIGHT);
    let (x_low, x_median, x_high) = (x(low.annual_floor()), x(median.annual_floor()), x(high.annual_floor()));
    let x_all = x(ALL_OCCUPATIONS_MEDIAN_ANNUAL);
    let all_text = dollars(i64::from(ALL_OCCUPATIONS_MEDIAN_ANNUAL));
    // The all-occupations label goes on whichever side of its line has room.
    let (all_label_x, all_label_anchor) =
        if x_all > WIDTH * 0.7 { (x_all - 4.0, "end") } else { (x_all + 4.0, "start") };
    let comparison = match median.annual_floor().cmp(&ALL_OCCUPATIONS_MEDIAN_ANNUAL) {
        std::cmp::Ordering::Greater => "above",
        std::cmp::Ordering::Less => "below",
        std::cmp::Ordering::Equal => "the same as",
    };
    let alternative = format!(
        "Pay of {title} a year: 10th percentile {}, median {}, 90th percentile {}. The median is {comparison} the median of all occupations, {all_text}.",
        low.annual_text(),
        median.annual_text(),
        high.annual_text()
    );
    let label = alternative.clone();
    let ticks: Vec<i32> =
        (0..=(scale_max as i32)).step_by(if scale_max > 160_000.0 { 40_000 } else { 20_000 }).collect();
    view! {
        <figure class="pay-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label
                xmlns="http://www.w3.org/2000/svg" focusable="false">
                <title>{alternative}</title>
                {ticks.into_iter().map(|tick| {
                    let tx = x(tick);
                    view! {
                        <line class="pay-chart__grid" x1=tx y1=BAR_Y - 8.0 x2=tx y2=BAR_Y + BAR_H + 8.0/>
                        <text class="pay-chart__tick" x=tx y=HEIGHT - 6.0 text-anchor="middle">{format!("${}k", tick / 1000)}</text>
                    }
                }).collect_view()}
                <rect class="pay-chart__range" x=x_low y=BAR_Y width=(x_high - x_low).max(2.0) height=BAR_H rx="4"/>
                <line class="pay-chart__median" x1=x_median y1=BAR_Y - 6.0 x2=x_median y2=BAR_Y + BAR_H + 6.0/>
                <text class="pay-chart__label" x=x_median y=BAR_Y - 10.0 text-anchor="middle">{format!("median {}", median.annual_text())}</text>
                <line class="pay-chart__all" x1=x_all y1="6" x2=x_all y2=BAR_Y + BAR_H + 10.0/>
                <text class="pay-chart__all-label" x=all_label_x y="14" text-anchor=all_label_anchor>{format!("all jobs {all_text}")}</text>
            </svg>
            <figcaption class="muted">
                "The bar runs from the 10th to the 90th percentile of pay; the line across it is the median. "
                {format!("The dashed line is the median of all occupations, {all_text} (OEWS May 2024).")}
            </figcaption>
        </figure>
    }
}
