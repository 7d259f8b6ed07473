//! The next step to take on a roadmap: [`NextStepCard`] on the home page (for a signed-in person
//! with a roadmap; nothing for anyone else) and the same card on `/progress`.

use super::api::next_roadmap_step;
use super::domain::{NextStep, StepStatus};
use leptos::prelude::*;
use leptos_router::components::A;

/// The home page's card. Place it where the page's own view is built, never inside another
/// `Suspend`: its resource is made here and its `Transition` takes a hydration id in order.
#[component]
pub fn NextStepCard() -> impl IntoView {
    let auth = crate::accounts::use_auth();
    // Read again when someone signs in or out (the home page stays mounted across both).
    let next = Resource::new(
        move || (auth.sign_in.version().get(), auth.sign_up.version().get(), auth.sign_out.version().get()),
        |_| next_roadmap_step(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // The card is a hint, not the page: if it can't be read, the home page shows
                // without it (and the log says why).
                let step = next.await.unwrap_or_else(|error| {
                    tracing::warn!(%error, "could not read the next roadmap step");
                    None
                });
                step.map(|step| next_step_view(step, "home-next-step-heading"))
            })}
        </Transition>
    }
}

/// "Your next step: <title>", its kind, status and due date, and a link to its roadmap.
pub(super) fn next_step_view(step: NextStep, heading_id: &'static str) -> impl IntoView {
    let NextStep { roadmap_id, roadmap_title, step_title, kind, status, due_date } = step;
    let mut facts = vec![kind.label().to_string()];
    if status == StepStatus::InProgress {
        facts.push(status.label().to_string());
    }
    view! {
        <section class="next-step" aria-labelledby=heading_id>
            <h2 id=heading_id>"Your next step: "{step_title}</h2>
            <p class="next-step__facts">
                {facts.join(" · ")}
                {due_date.map(|date| view! {
                    " · due "<time datetime=date.format("%Y-%m-%d").to_string()>{date.format("%-d %B %Y").to_string()}</time>
                })}
            </p>
            <p><A href=format!("/roadmap/{roadmap_id}")>{format!("Open your roadmap: {roadmap_title}")}</A></p>
        </section>
    }
}
