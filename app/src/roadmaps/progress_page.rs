//! `/progress`: the signed-in person's progress. Their next step, each roadmap's completion and
//! the steps they completed week by week, their resources by status, and for an organization's
//! administrator the organization's aggregates (counts only) and the roadmaps members chose to
//! share with it. Every chart is drawn on the server (see [`super::charts`]).

use super::api::my_progress;
use super::charts::{CompletionChart, MonthlyChart, ResourcesChart, WeeklyChart};
use super::domain::{
    OrganizationFigures, ProgressDashboard, ResourceCounts, RoadmapProgress, SharedWithOrganization, WeekCount,
};
use super::next_step::next_step_view;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

/// `/progress`
#[component]
pub fn ProgressPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let dashboard = Resource::new(|| (), |_| my_progress());
    view! {
        <PageMeta title="Your progress" description="Your roadmaps' progress, the steps you completed week by week, and your resources on Waypoint." path="/progress"/>
        <Meta name="robots" content="noindex"/>
        <crate::accounts::RequireUser children=move |_user| view! {
            <section class="page progress-page" aria-labelledby="page-heading">
                <h1 id="page-heading">"Your progress"</h1>
                <Transition fallback=|| view! { <p class="loading">"Loading your progress…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move { dashboard.await.map(dashboard_view) })}
                    </ErrorBoundary>
                </Transition>
            </section>
        }/>
    }
}

fn dashboard_view(dashboard: ProgressDashboard) -> impl IntoView {
    let ProgressDashboard { roadmaps, weeks, resources, next_step, organization } = dashboard;
    let has_roadmaps = !roadmaps.is_empty();
    let next = match next_step {
        Some(step) => next_step_view(step, "next-step-heading").into_any(),
        // With roadmaps but nothing left to do on them: say what comes next.
        None if has_roadmaps => view! {
            <section class="next-step" aria-labelledby="next-step-heading">
                <h2 id="next-step-heading">"Your next step"</h2>
                <p>
                    "Every step on your roadmaps is done or skipped. Add a step to one of them, or start a roadmap towards another career on "
                    <A href="/roadmap">"your roadmaps page"</A>"."
                </p>
            </section>
        }
        .into_any(),
        None => ().into_any(),
    };
    view! {
        {next}
        {roadmaps_section(roadmaps, weeks)}
        {resources_section(resources)}
        {organization.map(organization_section)}
    }
}

fn roadmaps_section(roadmaps: Vec<RoadmapProgress>, weeks: Vec<WeekCount>) -> impl IntoView {
    if roadmaps.is_empty() {
        return view! {
            <section aria-labelledby="roadmaps-heading">
                <h2 id="roadmaps-heading">"Your roadmaps"</h2>
                <p>
                    "You don't have a roadmap yet. Choose a career goal from a career's page, then generate a roadmap towards it on "
                    <A href="/roadmap">"your roadmaps page"</A>
                    ": your progress shows here as you complete its steps."
                </p>
            </section>
        }
        .into_any();
    }
    view! {
        <section aria-labelledby="roadmaps-heading">
            <h2 id="roadmaps-heading">"Your roadmaps"</h2>
            <CompletionChart id="roadmap-completion" roadmaps/>
            <p><A href="/roadmap">"All your roadmaps"</A></p>
        </section>
        <section aria-labelledby="weeks-heading">
            <h2 id="weeks-heading">"Steps completed each week"</h2>
            <WeeklyChart id="steps-by-week" weeks/>
        </section>
    }
    .into_any()
}

fn resources_section(resources: ResourceCounts) -> impl IntoView {
    let marked = resources.not_started + resources.in_progress + resources.completed;
    let body = if marked == 0 {
        view! {
            <p>
                "You haven't marked any resources yet. Find guides, courses and videos in "
                <A href="/resources">"the resource library"</A>
                ", and mark the ones you start or finish: they show here and in your reading list."
            </p>
        }
        .into_any()
    } else {
        view! {
            <ResourcesChart id="resources-by-status" counts=resources/>
            <ul class="progress-links">
                <li><A href="/account#reading-heading">"Your reading list"</A></li>
                <li><A href="/resources">"Find more in the resource library"</A></li>
            </ul>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="resources-heading">
            <h2 id="resources-heading">"Your resources"</h2>
            {body}
        </section>
    }
}

fn organization_section(figures: OrganizationFigures) -> impl IntoView {
    let OrganizationFigures { organization_name, students, with_goal, with_roadmap, steps_completed, months, shared } =
        figures;
    let shared_list = if shared.is_empty() {
        view! { <p>"No member has shared a roadmap with the organization yet."</p> }.into_any()
    } else {
        view! { <ul class="chart-list">{shared.into_iter().map(shared_item).collect_view()}</ul> }.into_any()
    };
    view! {
        <section aria-labelledby="organization-heading" class="progress-organization">
            <h2 id="organization-heading">{format!("Your organization: {organization_name}")}</h2>
            <p>
                "These are counts across the organization's members, never anyone's details. Individual roadmaps are "
                "visible only when a member shares them with the organization."
            </p>
            <dl class="stats" data-testid="organization-figures">
                <div><dt>"Students"</dt><dd>{students}</dd></div>
                <div><dt>"With a career goal"</dt><dd>{with_goal}</dd></div>
                <div><dt>"With a roadmap"</dt><dd>{with_roadmap}</dd></div>
                <div><dt>"Steps completed"</dt><dd>{steps_completed}</dd></div>
            </dl>
            <h3 id="organization-months-heading">"Steps completed each month"</h3>
            <MonthlyChart id="organization-by-month" months organization=organization_name.clone()/>
            <h3 id="organization-shared-heading">{format!("Roadmaps shared with {organization_name}")}</h3>
            {shared_list}
        </section>
    }
}

fn shared_item(roadmap: SharedWithOrganization) -> impl IntoView {
    let SharedWithOrganization { id, owner_name, title, completion } = roadmap;
    view! {
        <li>
            <A href=format!("/roadmap/{id}")>{title}</A>
            {format!(" by {owner_name} · {}", super::charts::completion_words(&completion))}
        </li>
    }
}
