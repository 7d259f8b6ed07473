//! `/account/mentor`: a student's applications and the form to apply.

use super::api::{my_mentor_applications, ApplyToMentor, WithdrawMentorApplication};
use super::domain::*;
use crate::accounts::{AccountNav, RequireUser};
use crate::ui::{form_flash, parses, ActionOutcome, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::prelude::*;

/// `/account/mentor`
#[component]
pub fn MentorApplicationPage() -> impl IntoView {
    let apply = ServerAction::<ApplyToMentor>::new();
    let withdraw = ServerAction::<WithdrawMentorApplication>::new();
    let applications = Resource::new(
        move || (apply.version().get(), withdraw.version().get()),
        |_| my_mentor_applications(),
    );
    // An application refused without JavaScript comes back here with its messages (ui::form).
    let flash = form_flash();
    view! {
        <PageMeta title="Become a mentor" description="Apply to mentor students on Waypoint: share your expertise, experience and rate." path="/account/mentor"/>
        <RequireUser children=move |user| {
            let is_student = user.role == crate::domain::Role::Student;
            view! {
                <section class="page narrow" aria-labelledby="page-heading">
                    <AccountNav/>
                    <h1 id="page-heading">"Become a mentor"</h1>
                    <Show when=move || !is_student>
                        <p class="notice">{format!("Your account is a {} account, so there is nothing to apply for.", user.role.label().to_lowercase())}</p>
                    </Show>
                    <Transition fallback=|| view! { <p class="loading">"Loading your applications…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                let feedback = FormFeedback::new(apply, flash.await);
                                applications.await.map(|list| {
                                    let open = list.iter().any(|a| a.status == ApplicationStatus::Pending);
                                    view! {
                                        {(!list.is_empty()).then(|| view! {
                                            <h2>"Your applications"</h2>
                                            <ul class="card-list">
                                                {list.into_iter().map(|a| view! {
                                                    <li class="card">
                                                        <p><strong>{a.status.label()}</strong>" · submitted "{a.submitted.format("%-d %B %Y").to_string()}</p>
                                                        <p>{a.expertise.join(", ")}" · "{a.years_experience}" years · "{a.rate}" an hour"</p>
                                                        {a.decision_note.map(|note| view! { <p class="muted">"Note from the reviewer: "{note}</p> })}
                                                        {(a.status == ApplicationStatus::Pending).then(|| view! {
                                                            <ActionForm action=withdraw>
                                                                <input type="hidden" name="id" value=a.id.to_string()/>
                                                                <button type="submit" class="button button--ghost">"Withdraw application"</button>
                                                            </ActionForm>
                                                        })}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                        {(is_student && !open).then(|| view! { <ApplicationForm apply feedback/> })}
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                    <ActionOutcome value=move || withdraw.value().get() success="Application withdrawn."/>
                </section>
            }
        }/>
    }
}

#[component]
fn ApplicationForm(apply: ServerAction<ApplyToMentor>, feedback: FormFeedback) -> impl IntoView {
    let currency = feedback.value("currency");
    let summary = feedback.clone();
    view! {
        <h2>"Apply"</h2>
        <p>"An administrator of your organization reviews each application. When it is approved you get a mentor listing and can offer sessions."</p>
        <ActionForm action=apply attr:class="form" attr:novalidate="">
          <WithFeedback feedback>
            <TextField label="Areas of expertise" name="expertise" required=true check=check_expertise
                hint="Comma-separated, up to 10: e.g. software engineering, interview practice."/>
            <TextField label="Years of experience" name="years_experience" kind="number" required=true check=check_years/>
            <TextField label="Your experience" name="summary" multiline=true required=true check=check_summary
                hint="What you have done and how you would help students (20 to 4,000 characters)."/>
            <div class="field-row">
                <TextField label="Intended hourly rate" name="hourly_rate" required=true check={parses::<HourlyRate>} hint="0 for free sessions."/>
                <div class="field">
                    <label for="field-currency">"Currency"</label>
                    <select id="field-currency" name="currency">
                        {CURRENCIES.iter().map(|c| view! { <option value=*c selected=currency.as_deref() == Some(*c)>{*c}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <ActionOutcome value=move || apply.value().get().or_else(|| summary.error().map(Err)) success="Application sent. We'll notify you when it has been reviewed."/>
            <button type="submit" class="button" disabled=move || apply.pending().get()>"Send application"</button>
          </WithFeedback>
        </ActionForm>
    }
}
