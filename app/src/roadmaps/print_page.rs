//! `/roadmap/:id/print`: the roadmap laid out for paper. The steps in order with a box to tick
//! (☑ when done), their dates and reasons, and their resources as titles with full addresses
//! (a printed link can't be clicked). No controls; the site's frame is hidden when printing.

use super::api::roadmap;
use super::domain::{RoadmapView, StepStatus};
use super::list_page::{completion_words, horizon_words};
use crate::accounts::RequireUser;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// `/roadmap/:id/print`
#[component]
pub fn RoadmapPrintPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids).
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id"),
        |raw| async move {
            match raw.as_deref().and_then(|raw| raw.parse::<Uuid>().ok()) {
                Some(id) => roadmap(id).await,
                None => Err(AppError::NotFound("that roadmap".into())),
            }
        },
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |_user| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the roadmap…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Roadmap"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok(view) => Ok(print_view(view).into_any()),
                            Err(AppError::NotFound(_)) => Ok(view! {
                                <crate::ui::NotFound title="Roadmap not found" heading="We couldn't find that roadmap"
                                    lead="It may have been deleted, or it isn't one you may read." href="/roadmap" link="Go to your roadmaps"/>
                            }.into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        }/>
    }
}

fn print_view(view: RoadmapView) -> impl IntoView {
    let completion = view.completion();
    let site = SiteUrl::current();
    let RoadmapView { id, title, career_title, horizon_months, target_date, steps, .. } = view;
    view! {
        <PageMeta title=format!("{title} (print)") description="A career roadmap on Waypoint, laid out for printing." path=format!("/roadmap/{id}/print")/>
        <article class="page roadmap-print" aria-labelledby="page-heading">
            <p class="no-print"><A href=format!("/roadmap/{id}")>"Back to the roadmap"</A>" · Use your browser's Print command to print this page."</p>
            <h1 id="page-heading">{title}</h1>
            <p>
                {career_title.map(|career| format!("Towards {career}. "))}
                {horizon_months.map(|months| format!("Over {}. ", horizon_words(months.clamp(0, 255) as u8)))}
                {target_date.map(|date| format!("Target date: {}. ", date.format("%-d %B %Y")))}
                {completion_words(&completion)}
            </p>
            <ol class="roadmap-print__steps">
                {steps.into_iter().map(|step| {
                    let done = step.status == StepStatus::Completed;
                    let mark = if done { "\u{2611}" } else { "\u{2610}" };
                    view! {
                        <li class="roadmap-print__step">
                            <h2 class="roadmap-print__title">
                                <span class="roadmap-print__mark" aria-hidden="true">{mark}" "</span>
                                {step.title}
                            </h2>
                            <p class="roadmap-print__meta">
                                {format!("{} · {}", step.kind.label(), step.status.label())}
                                {step.due_date.map(|date| format!(" · Due {}", date.format("%-d %B %Y")))}
                            </p>
                            {(!step.reason.is_empty()).then(|| view! { <p>"Why this step: "{step.reason}</p> })}
                            {(!step.description.is_empty()).then(|| view! { <p class="prose">{step.description}</p> })}
                            {(!step.resources.is_empty()).then(|| view! {
                                <ul class="roadmap-print__resources">
                                    {step.resources.into_iter().map(|resource| {
                                        let url = site.absolute(&format!("/resources/{}", resource.slug));
                                        view! { <li>{resource.title}" \u{2013} "<a href=url.clone()>{url.clone()}</a></li> }
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </article>
    }
}
