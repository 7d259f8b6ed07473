//! `/roadmap/shared/:token`: the read-only roadmap behind a share link, for anyone who has the
//! link (signed in or not). Only the steps: no name, comments or anything else personal. Never
//! indexed. A turned-off or unknown link is a real 404.

use super::api::roadmap_behind_link;
use super::domain::{Completion, SharedRoadmap, StepKind};
use super::list_page::{completion_words, status_badge};
use crate::error::AppError;
use crate::ui::ErrorMessages;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/roadmap/shared/:token`
#[component]
pub fn SharedRoadmapPage() -> impl IntoView {
    let params = use_params_map();
    let shared = Resource::new(move || params.read().get("token").unwrap_or_default(), roadmap_behind_link);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the roadmap…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Shared roadmap"</h1><ErrorMessages errors/> }>
                {move || Suspend::new(async move {
                    match shared.await {
                        Ok(roadmap) => Ok(shared_view(roadmap).into_any()),
                        Err(AppError::NotFound(_)) => Ok(view! {
                            <crate::ui::NotFound title="Shared roadmap not found" heading="This share link doesn't open a roadmap"
                                lead="Its owner may have turned the link off or made a new one. Ask them for the current link."
                                href="/roadmap" link="What Waypoint's roadmaps are"/>
                        }.into_any()),
                        Err(error) => Err(error),
                    }
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn shared_view(roadmap: SharedRoadmap) -> impl IntoView {
    let SharedRoadmap { title, description, career_code, career_title, status, updated_at, steps } = roadmap;
    let completion = Completion::of(steps.iter().map(|step| step.status));
    // A title someone wrote goes into the server's HTML as it is (see ui::PageMeta): escaped there.
    let full_title = format!("{title} (shared roadmap) · Waypoint");
    #[cfg(feature = "ssr")]
    let full_title = crate::domain::escape_html(&full_title);
    view! {
        <Title text=full_title/>
        <Meta name="robots" content="noindex, nofollow"/>
        <article class="page wide roadmap roadmap-shared" aria-labelledby="page-heading">
            <p class="muted">"A career roadmap shared from Waypoint, read-only."</p>
            <h1 id="page-heading">{title}</h1>
            {(!description.is_empty()).then(|| view! { <p class="lead">{description}</p> })}
            <p>
                {status_badge(status)}
                {career_title.zip(career_code).map(|(career, code)| view! { "Towards "<A href=format!("/careers/{code}")>{career}</A>". " })}
                {format!("Last changed {}.", updated_at.format("%-d %B %Y"))}
            </p>
            <p>{completion_words(&completion)}</p>
            <h2>"Steps"</h2>
            <ol class="roadmap-steps roadmap-steps--read">
                {steps.into_iter().map(|step| view! {
                    <li class=format!("roadmap-step roadmap-step--{}", step.status.key())>
                        <div class="roadmap-step__head">
                            <span class=format!("badge roadmap-kind roadmap-kind--{}", step.kind.key())>{step.kind.label()}</span>
                            <h3 class="roadmap-step__title">{step.title}</h3>
                        </div>
                        <p class="roadmap-step__meta">
                            {format!("Status: {}", step.status.label())}
                            {step.due_date.map(|date| format!(" · Due {}", date.format("%-d %B %Y")))}
                        </p>
                        {(!step.reason.is_empty()).then(|| view! { <p class="roadmap-step__reason"><strong>"Why this step: "</strong>{step.reason}</p> })}
                        {(!step.description.is_empty()).then(|| view! { <p class="prose">{step.description}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            <details class="roadmap-key">
                <summary>"What the kinds of step mean"</summary>
                <dl class="details">
                    {StepKind::ALL.iter().map(|kind| view! { <dt>{kind.label()}</dt><dd>{kind.meaning()}</dd> }).collect_view()}
                </dl>
            </details>
            <p><A href="/roadmap">"Make your own roadmap on Waypoint"</A></p>
        </article>
    }
}
