//! `/admin/applications`: mentor applications and the decision form on each open one.

use super::api::{applications_for_review, DecideMentorApplication};
use super::domain::{ApplicationForReview, Decision, ReviewQueue};
use super::AdminSection;
use crate::accounts::mentor_application::domain::ApplicationStatus;
use crate::ui::{ActionOutcome, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/admin/applications`
#[component]
pub fn AdminApplicationsPage() -> impl IntoView {
    let query = use_query_map();
    let show = move || query.read().get("show").unwrap_or_default();
    let decide = ServerAction::<DecideMentorApplication>::new();
    let applications =
        Resource::new(move || (show(), decide.version().get()), |(show, _)| applications_for_review(show));
    view! {
        <PageMeta title="Mentor applications" description="Review applications to become a mentor." path="/admin/applications"/>
        <AdminSection heading=Some("Mentor applications")>
                    <p>
                        {move || if ReviewQueue::from_query(&show()) == ReviewQueue::All {
                            view! { <A href="/admin/applications">"Show open applications only"</A> }.into_any()
                        } else {
                            view! { <A href="/admin/applications?show=all">"Show decided applications too"</A> }.into_any()
                        }}
                    </p>
                    <ActionOutcome value=move || decide.value().get() success="Decision recorded and the applicant notified."/>
                    <Transition fallback=|| view! { <p class="loading">"Loading applications…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                applications.await.map(|list| {
                                    if list.is_empty() {
                                        view! { <p>"No applications are waiting for a decision."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="card-list">
                                                {list.into_iter().map(|a| view! { <ApplicationCard application=a decide/> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
        </AdminSection>
    }
}

#[component]
fn ApplicationCard(application: ApplicationForReview, decide: ServerAction<DecideMentorApplication>) -> impl IntoView {
    let a = application;
    let heading_id = format!("application-{}", a.id);
    let pending = a.status == ApplicationStatus::Pending;
    view! {
        <li class="card">
            <h2 id=heading_id.clone()>{a.applicant.clone()}</h2>
            <p class="muted">{format!("{} · {} · submitted {}", a.email, a.organization, a.submitted.format("%Y-%m-%d"))}</p>
            <dl class="details">
                <dt>"Expertise"</dt><dd>{a.expertise.join(", ")}</dd>
                <dt>"Experience"</dt><dd>{format!("{} years", a.years_experience)}</dd>
                <dt>"Intended rate"</dt><dd>{format!("{} an hour", a.rate)}</dd>
                <dt>"Status"</dt><dd>{a.status.label()}</dd>
            </dl>
            <p class="prose">{a.summary.clone()}</p>
            {a.decision_note.clone().map(|note| view! { <p class="muted">"Decision note: "{note}</p> })}
            {pending.then(|| view! {
                <ActionForm action=decide attr:class="form" attr:aria-labelledby=heading_id.clone()>
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <fieldset>
                        <legend>{format!("Decision on {}", a.applicant)}</legend>
                        <label class="checkbox"><input type="radio" name="decision" value=Decision::Approve.as_str() required=true/>" Approve: make them a mentor"</label>
                        <label class="checkbox"><input type="radio" name="decision" value=Decision::Decline.as_str()/>" Decline"</label>
                    </fieldset>
                    <div class="field">
                        <label for=format!("note-{}", a.id)>"Note to the applicant (optional)"</label>
                        <textarea id=format!("note-{}", a.id) name="note" rows="2" maxlength="1000"></textarea>
                    </div>
                    <button type="submit" class="button">"Record decision"</button>
                </ActionForm>
            })}
        </li>
    }
}
