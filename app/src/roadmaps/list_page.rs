//! `/roadmap`. For a visitor, a public page: what a roadmap is, what Waypoint builds it from and
//! how to start (with structured data for search engines). For a signed-in person: their roadmaps
//! (in use, then archived), their career goal and the form that generates a roadmap towards it
//! (saying what it will use and what their plan allows), and for a mentor their students'
//! roadmaps. Rendered in full on the server; the form posts without JavaScript.

use super::api::{my_roadmaps, GenerateRoadmap};
use super::domain::{Completion, Horizon, RoadmapStatus, RoadmapSummary, RoadmapsOverview, StudentRoadmaps};
use crate::accounts::{encode_query_value, use_auth};
use crate::domain::Parse;
use crate::ui::{form_flash, ErrorMessages, FormFeedback, FormFlash, JsonLd, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

const TITLE: &str = "Career roadmaps";
const DESCRIPTION: &str = "A personal, step-by-step roadmap towards the career you choose, built from O*NET and BLS data, \
                           your profile, your interests and Waypoint's resource library. Edit it, share it with your mentor, \
                           and watch your progress.";

/// `/roadmap`
#[component]
pub fn RoadmapsPage() -> impl IntoView {
    // Made here, at the top (hydration ids): the signed-in person's overview, none for a visitor.
    let auth = use_auth();
    let generate = ServerAction::<GenerateRoadmap>::new();
    let flash = form_flash();
    // Not keyed on the generate action: a success moves to the new roadmap, and a refusal leaves
    // the form (and its live message area) in place.
    let overview = Resource::new(
        || (),
        move |_| async move {
            match auth.user.await {
                Ok(Some(_)) => my_roadmaps().await.map(Some),
                Ok(None) => Ok(None),
                Err(error) => Err(error),
            }
        },
    );
    // With JavaScript, a new roadmap opens at once; a plain post is redirected by the server.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = generate.value().get() {
            navigate(&format!("/roadmap/{id}"), Default::default());
        }
    });
    view! {
        <PageMeta title=TITLE description=DESCRIPTION path="/roadmap"/>
        <Transition fallback=|| view! { <p class="loading">"Loading roadmaps…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">{TITLE}</h1><ErrorMessages errors/> }>
                {move || Suspend::new(async move {
                    let flash = flash.await;
                    overview.await.map(|overview| match overview {
                        None => visitor_view().into_any(),
                        Some(overview) => view! { <SignedInView overview generate flash/> }.into_any(),
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

// Shared with the roadmap pages ----------------------------------------------------------------

/// "3 of 10 steps done (30%)", with skipped steps said apart (they don't count either way).
pub(super) fn completion_words(completion: &Completion) -> String {
    let step_word = if completion.total == 1 { "step" } else { "steps" };
    let skipped = if completion.skipped > 0 { format!(", {} skipped", completion.skipped) } else { String::new() };
    format!("{} of {} {step_word} done{skipped} ({}%)", completion.completed, completion.total, completion.percent())
}

/// The completion as a bar and in words; the words carry it for screen readers (the bar is
/// decoration, drawn by the browser's own `<progress>`, so no inline style is needed).
pub(super) fn completion_view(completion: Completion) -> impl IntoView {
    view! {
        <div class="roadmap-completion">
            <progress class="roadmap-completion__bar" max="100" value=completion.percent().to_string() aria-hidden="true"></progress>
            <span class="roadmap-completion__text">{completion_words(&completion)}</span>
        </div>
    }
}

/// "1 year", "6 months": a horizon in words.
pub(super) fn horizon_words(months: u8) -> String {
    Horizon::parse(&months.to_string()).map(Horizon::label).unwrap_or_else(|_| format!("{months} months"))
}

/// The status as the list shows it: in words, never only by colour.
pub(super) fn status_badge(status: RoadmapStatus) -> impl IntoView {
    let class = match status {
        RoadmapStatus::Active => "badge roadmap-status roadmap-status--active",
        RoadmapStatus::Completed => "badge roadmap-status roadmap-status--completed",
        RoadmapStatus::Archived => "badge roadmap-status roadmap-status--archived",
    };
    view! { <span class=class>{status.label()}</span> }
}

// Visitors -------------------------------------------------------------------------------------

/// Where a roadmap's steps come from, one line each (the public page and its structured data).
const SOURCES: [(&str, &str); 6] = [
    ("Your career goal", "Choose a career on its page and the roadmap leads towards it."),
    (
        "O*NET job zone",
        "How much education, experience and training the career asks for, measured against where you are now.",
    ),
    ("O*NET tasks and hot technologies", "The career's most important tasks and the tools employers ask for become steps to learn and practise."),
    ("BLS entry requirements", "The education, work experience and on-the-job training the Bureau of Labor Statistics reports for entering the career."),
    ("Your profile and Interest Profiler result", "Your education level and situation (at school, studying, working, changing careers) and your strongest interest area."),
    ("Waypoint's resource library", "Guides, courses and tools linked to the career or its subjects, attached to the steps they help with."),
];

/// How it works, in order (the public page and its HowTo steps).
const HOW: [(&str, &str, &str); 5] = [
    ("Choose a goal", "Find careers that match your interests, or browse them all, and choose \u{201c}Make this my career goal\u{201d} on a career's page.", "/careers/matches"),
    ("Generate your roadmap", "Pick how long you give yourself: 3 months to 3 years. Waypoint orders the steps, spreads their dates over that time and says why each one is there.", "/roadmap"),
    ("Make it yours", "Reorder steps by dragging or with the keyboard, add your own, edit or remove them, and mark them started, done or skipped.", "/roadmap"),
    ("Bring in your mentor", "A mentor you have a session with can read your roadmap, comment on steps and suggest new ones for you to accept or decline.", "/mentors"),
    ("Share it and track it", "Make a read-only share link (turn it off any time), print it, and follow your progress on your dashboard.", "/progress"),
];

fn visitor_view() -> impl IntoView {
    let sign_up = format!("/sign-up?next={}", encode_query_value("/roadmap"));
    let sign_in = format!("/sign-in?next={}", encode_query_value("/roadmap"));
    view! {
        <JsonLd value=how_to_json_ld()/>
        <article class="page wide roadmaps-intro" aria-labelledby="page-heading">
            <h1 id="page-heading">"Your career roadmap"</h1>
            <p class="lead">
                "A step-by-step plan from where you are to the career you choose: what to learn, what to practise, \
                 what to make, who to talk to and when to apply, each step with a date and the reason it is there."
            </p>
            <p class="hero__actions">
                <A href=sign_up.clone() attr:class="button">"Create a free account"</A>
                <A href=sign_in.clone() attr:class="button button--secondary">"Sign in to see your roadmaps"</A>
            </p>
            <section aria-labelledby="sources-heading">
                <h2 id="sources-heading">"What your roadmap is built from"</h2>
                <p>"Real data, not a template. The same choices always give the same roadmap, and the page explains how it was made."</p>
                <ul class="card-grid roadmap-sources">
                    {SOURCES.iter().map(|(name, text)| view! {
                        <li class="card"><h3>{*name}</h3><p>{*text}</p></li>
                    }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="how-heading">
                <h2 id="how-heading">"How it works"</h2>
                <ol class="steps roadmap-how">
                    {HOW.iter().map(|(name, text, _)| view! { <li><strong>{*name}". "</strong>{*text}</li> }).collect_view()}
                </ol>
            </section>
            <section aria-labelledby="kinds-heading">
                <h2 id="kinds-heading">"The kinds of step"</h2>
                <dl class="details roadmap-kinds">
                    {super::domain::StepKind::ALL.iter().map(|kind| view! {
                        <dt>{kind.label()}</dt><dd>{kind.meaning()}</dd>
                    }).collect_view()}
                </dl>
            </section>
            <section aria-labelledby="start-heading">
                <h2 id="start-heading">"Start yours"</h2>
                <p>
                    "Roadmaps are for people with a Waypoint account. The Free plan keeps one roadmap at a time; Plus and Pro keep more ("
                    <A href="/pricing">"see the plans"</A>")."
                </p>
                <p>
                    <A href=sign_up>"Create a free account"</A>" or "<A href=sign_in>"sign in"</A>
                    ", then "<A href="/careers">"choose a career"</A>" as your goal."
                </p>
            </section>
        </article>
    }
}

/// schema.org `HowTo`: making a roadmap, step by step.
fn how_to_json_ld() -> serde_json::Value {
    let site = SiteUrl::current();
    let steps: Vec<serde_json::Value> = HOW
        .iter()
        .enumerate()
        .map(|(index, (name, text, path))| {
            serde_json::json!({
                "@type": "HowToStep",
                "position": index + 1,
                "name": name,
                "text": text,
                "url": site.absolute(path),
            })
        })
        .collect();
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": "Make a career roadmap on Waypoint",
        "description": DESCRIPTION,
        "url": site.absolute("/roadmap"),
        "supply": SOURCES.iter().map(|(name, _)| serde_json::json!({ "@type": "HowToSupply", "name": name })).collect::<Vec<_>>(),
        "step": steps,
    })
}

// Signed in ------------------------------------------------------------------------------------

#[component]
fn SignedInView(
    overview: RoadmapsOverview,
    generate: ServerAction<GenerateRoadmap>,
    flash: Option<FormFlash>,
) -> impl IntoView {
    let RoadmapsOverview {
        roadmaps,
        goal,
        education_label,
        status_label,
        has_interest_result,
        plan_name,
        plan_limit,
        in_use,
        students,
    } = overview;
    let (archived, current): (Vec<RoadmapSummary>, Vec<RoadmapSummary>) =
        roadmaps.into_iter().partition(|roadmap| roadmap.status == RoadmapStatus::Archived);
    let at_limit = plan_limit.is_some_and(|limit| in_use >= limit);
    let plan = plan_words(&plan_name, plan_limit, in_use);
    let feedback = FormFeedback::new(generate, flash);
    let goal_section = match goal {
        None => view! {
            <p>
                "A roadmap leads towards a career goal, and you haven't chosen one yet. "
                <A href="/careers/matches">"See the careers that match your interests"</A>" or "
                <A href="/careers">"browse all careers"</A>
                ", then choose a goal from a career's page (\u{201c}Make this my career goal\u{201d})."
            </p>
        }
        .into_any(),
        Some(goal) => match goal.roadmap_id {
            Some(id) => {
                let open = format!("open your roadmap towards {}", goal.career_title);
                view! {
                <p>
                    "Your goal is "<A href=format!("/careers/{}", goal.career_code)>{goal.career_title}</A>
                    ", and you have a roadmap towards it: "
                    <A href=format!("/roadmap/{id}")>{open}</A>"."
                </p>
                <p class="muted">"To start again, archive that roadmap first. To aim elsewhere, choose another career as your goal."</p>
                }
                .into_any()
            }
            None => view! {
                <GenerateForm
                    career_code=goal.career_code career_title=goal.career_title
                    education=education_label situation=status_label has_interest_result
                    generate feedback
                />
            }
            .into_any(),
        },
    };
    view! {
        <section class="page wide roadmaps" aria-labelledby="page-heading">
            <h1 id="page-heading">"Your roadmaps"</h1>
            <p class="lead">"Step-by-step plans towards the careers you choose. "<A href="/progress">"See your progress"</A></p>
            <section aria-labelledby="goal-heading" class="roadmap-goal">
                <h2 id="goal-heading">"Start a roadmap"</h2>
                {goal_section}
                <p class="roadmap-plan">{plan}</p>
                {at_limit.then(|| view! {
                    <p class="notice">
                        "You're using every roadmap your plan keeps. Archive one you've finished or put aside (archived roadmaps \
                         stay readable here, and you can restore one later), or "
                        <A href="/pricing">"choose a plan with more roadmaps"</A>"."
                    </p>
                })}
            </section>
            <section aria-labelledby="current-heading">
                <h2 id="current-heading">"In use"</h2>
                {if current.is_empty() {
                    view! { <p>"No roadmaps in use yet."</p> }.into_any()
                } else {
                    roadmap_cards(current, "h3").into_any()
                }}
            </section>
            {(!archived.is_empty()).then(|| view! {
                <section aria-labelledby="archived-heading">
                    <h2 id="archived-heading">"Archived"</h2>
                    <p class="muted">"Put away, not deleted: open one to restore it."</p>
                    {roadmap_cards(archived, "h3")}
                </section>
            })}
            {(!students.is_empty()).then(|| students_view(students))}
        </section>
    }
}

/// "Your Free plan keeps 1 roadmap at a time (1 in use)."
fn plan_words(plan: &str, limit: Option<u32>, in_use: u32) -> String {
    match limit {
        Some(1) => format!("Your {plan} plan keeps 1 roadmap at a time ({in_use} in use)."),
        Some(limit) => format!("Your {plan} plan keeps {limit} roadmaps at a time ({in_use} in use)."),
        None => format!("Your {plan} plan keeps as many roadmaps as you like ({in_use} in use)."),
    }
}

/// The generate form, saying what the roadmap will be made from, with links to change it.
#[component]
fn GenerateForm(
    career_code: String,
    career_title: String,
    education: Option<String>,
    situation: Option<String>,
    has_interest_result: bool,
    generate: ServerAction<GenerateRoadmap>,
    feedback: FormFeedback,
) -> impl IntoView {
    let profile = match (education, situation) {
        (None, None) => "no education level or situation given yet".to_string(),
        (education, situation) => [education, situation].into_iter().flatten().collect::<Vec<_>>().join(", "),
    };
    let uses = format!(
        "{career_title}: its O*NET job zone, most important tasks and hot technologies, and BLS's entry requirements."
    );
    let chosen =
        feedback.value("horizon").and_then(|value| value.parse::<u8>().ok()).unwrap_or(Horizon::DEFAULT.months());
    let horizon_error = feedback.field_error("horizon");
    let feedback = StoredValue::new(feedback);
    view! {
        <p>"Your goal is "<A href=format!("/careers/{career_code}")>{career_title.clone()}</A>". Your roadmap towards it will use:"</p>
        <ul class="roadmap-inputs">
            <li>{format!("Your profile: {profile}. ")}<A href="/account/profile">"Change your profile"</A></li>
            <li>
                {if has_interest_result { "Interest Profiler: taken. " } else { "Interest Profiler: not taken. " }}
                <A href="/assessments/interest-profiler">
                    {if has_interest_result { "Take it again" } else { "Take the Interest Profiler" }}
                </A>
            </li>
            <li>{uses}</li>
            <li>"Resources from Waypoint's library linked to the career or its subjects."</li>
        </ul>
        <ActionForm action=generate attr:class="form roadmap-generate">
            <div class="field">
                <label for="roadmap-horizon">"How long you give yourself"</label>
                <p class="field-hint" id="roadmap-horizon-hint">"The steps' target dates are spread over this time. You can change any date later."</p>
                <select id="roadmap-horizon" name="horizon" aria-describedby="roadmap-horizon-hint"
                    aria-invalid=horizon_error.is_some().then_some("true")>
                    {Horizon::CHOICES.iter().map(|months| view! {
                        <option value=months.to_string() selected=*months == chosen>{horizon_words(*months)}</option>
                    }).collect_view()}
                </select>
                {horizon_error.map(|message| view! { <p class="field-error">{message}</p> })}
            </div>
            <p>
                // Not disabled while pending: a focused button that becomes disabled loses the keyboard focus.
                <button type="submit" class="button" aria-busy=move || generate.pending().get().then_some("true")>
                    "Make my roadmap"
                </button>
            </p>
        </ActionForm>
        <div aria-live="polite" class="roadmap-generate__outcome">
            {move || feedback.with_value(FormFeedback::error).map(|error| view! {
                <div class="error-box" role="alert"><p>{error.to_string()}</p></div>
            })}
            {move || generate.pending().get().then(|| view! { <p class="loading">"Making your roadmap…"</p> })}
        </div>
    }
}

/// Roadmaps as cards: title, career, status, completion and the next step.
fn roadmap_cards(roadmaps: Vec<RoadmapSummary>, heading: &'static str) -> impl IntoView {
    view! {
        <ul class="card-list roadmap-cards">
            {roadmaps.into_iter().map(|roadmap| {
                let link = view! { <A href=format!("/roadmap/{}", roadmap.id)>{roadmap.title.clone()}</A> };
                let title = if heading == "h4" { view! { <h4>{link}</h4> }.into_any() } else { view! { <h3>{link}</h3> }.into_any() };
                view! {
                    <li class="card roadmap-card">
                        {title}
                        <p class="muted">
                            {status_badge(roadmap.status)}
                            {roadmap.career_title.clone().zip(roadmap.career_code.clone()).map(|(career, code)| view! {
                                "Towards "<A href=format!("/careers/{code}")>{career}</A>
                            })}
                        </p>
                        {completion_view(roadmap.completion)}
                        <p>{match roadmap.next_step {
                            Some(step) => format!("Next step: {step}"),
                            None if roadmap.completion.total == 0 => "No steps yet.".to_string(),
                            None => "Every step is done or skipped.".to_string(),
                        }}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A mentor's students, each with their roadmaps.
fn students_view(students: Vec<StudentRoadmaps>) -> impl IntoView {
    view! {
        <section aria-labelledby="students-heading">
            <h2 id="students-heading">"Your students' roadmaps"</h2>
            <p class="muted">"Students you have sessions with. You can read their roadmaps, comment on steps and suggest new ones."</p>
            {students.into_iter().map(|student| view! {
                <section class="roadmap-student" aria-label=format!("{}'s roadmaps", student.student_name)>
                    <h3>{student.student_name.clone()}</h3>
                    {roadmap_cards(student.roadmaps, "h4")}
                </section>
            }).collect_view()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_reads_as_words() {
        let completion = Completion { total: 10, completed: 3, skipped: 0, in_progress: 1 };
        assert_eq!(completion_words(&completion), "3 of 10 steps done (30%)");
        let completion = Completion { total: 4, completed: 1, skipped: 1, in_progress: 0 };
        assert_eq!(completion_words(&completion), "1 of 4 steps done, 1 skipped (33%)");
        assert_eq!(completion_words(&Completion { total: 1, ..Default::default() }), "0 of 1 step done (0%)");
    }

    #[test]
    fn the_plan_says_what_it_keeps() {
        assert_eq!(plan_words("Free", Some(1), 1), "Your Free plan keeps 1 roadmap at a time (1 in use).");
        assert_eq!(plan_words("Plus", Some(5), 2), "Your Plus plan keeps 5 roadmaps at a time (2 in use).");
        assert_eq!(plan_words("Pro", None, 3), "Your Pro plan keeps as many roadmaps as you like (3 in use).");
        assert_eq!(horizon_words(12), "1 year");
        assert_eq!(horizon_words(6), "6 months");
    }
}
