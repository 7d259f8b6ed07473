//! Taking an assessment a page at a time, every answer saved as it is given.

use super::question_field::QuestionField;
use super::*;
use crate::ui::{form_flash, ActionOutcome, ErrorMessages, FormFeedback, PageMeta};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TakeAssessmentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let check = move || query.read().get("check").is_some_and(|c| c == "1");
    let save = ServerAction::<SaveAnswers>::new();
    // Autosaves live as long as the page does (a page's form is updated in place when the
    // person moves between pages). They go one at a time, so an older state of the page can
    // never land after a newer one: a change made during a save waits, and only the latest goes.
    let autosave = ServerAction::<SaveAnswers>::new();
    let waiting = StoredValue::new(None::<SaveAnswers>);
    // The page the latest autosave was for: its outcome speaks for that page only.
    let autosaved_page = RwSignal::new(0u32);
    let saving = autosave.pending();
    Effect::new(move |_| {
        if !saving.get() {
            if let Some(args) = waiting.try_update_value(Option::take).flatten() {
                autosave.dispatch(args);
            }
        }
    });
    let attempt = Resource::new(move || (slug(), page(), check(), save.version().get()), |(slug, page, check, _)| {
        assessment_page(slug, page, check)
    });
    // Answers refused without JavaScript come back here with the message (ui::form); the
    // answers that were valid are saved, so the page shows them from the attempt itself.
    let flash = form_flash();
    view! {
        <section class="page" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Loading questions…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Assessment"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        let feedback = FormFeedback::new(save, flash.await);
                        attempt.await.map(|attempt| view! { <TakeForm attempt save feedback autosave waiting autosaved_page saving/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn TakeForm(
    attempt: TakePage,
    save: ServerAction<SaveAnswers>,
    feedback: FormFeedback,
    autosave: ServerAction<SaveAnswers>,
    waiting: StoredValue<Option<SaveAnswers>>,
    autosaved_page: RwSignal<u32>,
    saving: Memo<bool>,
) -> impl IntoView {
    let TakePage { version_id, slug, title, notice, page, pages, questions, answers, answered, total, missing, signed_in } = attempt;
    let this_page = move || autosaved_page.get() == page;
    let answered_now = move || match autosave.value().get() {
        Some(Ok(outcome)) if this_page() => outcome.answered,
        _ => answered,
    };
    let save_status = move || {
        if !this_page() {
            String::new()
        } else if saving.get() {
            "Saving…".to_string()
        } else {
            match autosave.value().get() {
                Some(Ok(_)) => "All answers so far are saved.".to_string(),
                Some(Err(error)) => format!("Not saved: {error}"),
                None => String::new(),
            }
        }
    };
    let on_change = autosave_on_change(autosave, waiting, autosaved_page, saving);
    let path = format!("/assessments/{slug}/take");
    let last = page == pages;
    let missing_links = missing.clone();
    view! {
        <PageMeta title=format!("{title}: page {page} of {pages}") description=format!("Answer the questions of {title}, page {page} of {pages}.") path=path/>
        <h1 id="page-heading">{title.clone()}</h1>
        <div class="progress-block">
            <label for="progress">{move || format!("{} of {total} answered · page {page} of {pages}", answered_now())}</label>
            <progress id="progress" max=total value=answered_now></progress>
            <p class="save-status" role="status" aria-live="polite">{save_status}</p>
        </div>
        {(!signed_in && page == 1).then(|| view! {
            <p class="info-box">"You're not signed in: your answers are kept in this browser's session. Create an account when you finish to keep your results."</p>
        })}
        {(!missing_links.is_empty()).then(|| view! {
            <div class="error-box" id="unanswered" role="alert" tabindex="-1">
                <p><strong>{if missing_links.len() == 1 { "One question on this page needs an answer:".to_string() } else { format!("{} questions on this page need an answer:", missing_links.len()) }}</strong></p>
                <ul>
                    {missing_links.iter().map(|p| view! { <li><a href=format!("#q{p}")>{format!("Question {p}")}</a></li> }).collect_view()}
                </ul>
            </div>
        })}
        <ActionOutcome value=move || save.value().get().map(|r| r.map(|_| ())).or_else(|| feedback.error().map(Err))/>
        <ActionForm action=save attr:class="take-form" attr:novalidate=true on:change=on_change>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="version_id" value=version_id.to_string()/>
            <input type="hidden" name="page" value=page.to_string()/>
            {
                let mut last_section = String::new();
                questions.into_iter().map(|numbered| {
                    let heading = (numbered.section != last_section && !numbered.section.is_empty()).then(|| numbered.section.clone());
                    last_section = numbered.section.clone();
                    let answer = answers.get(&numbered.position).cloned();
                    let is_missing = missing.contains(&numbered.position);
                    view! {
                        {heading.map(|h| view! { <h2 class="section-title">{h}</h2> })}
                        <QuestionField numbered answer missing=is_missing/>
                    }
                }).collect_view()
            }
            <div class="form-actions">
                {(page > 1).then(|| view! { <button type="submit" name="go" value="back" class="button button--secondary">"Back"</button> })}
                {if last {
                    view! { <button type="submit" name="go" value="finish" class="button">"Finish and see results"</button> }.into_any()
                } else {
                    view! { <button type="submit" name="go" value="next" class="button">"Next page"</button> }.into_any()
                }}
            </div>
        </ActionForm>
        {(!notice.is_empty()).then(|| view! { <p class="notice">{notice}</p> })}
    }
}

/// Saves the page's answers as they change (in the browser only), one save at a time: a change
/// made while a save is running waits, and only the latest waiting one goes.
#[allow(unused_variables)]
fn autosave_on_change(
    autosave: ServerAction<SaveAnswers>,
    waiting: StoredValue<Option<SaveAnswers>>,
    autosaved_page: RwSignal<u32>,
    saving: Memo<bool>,
) -> impl Fn(leptos::ev::Event) + Clone + 'static {
    // Autosaving happens in the browser only.
    #[cfg(not(feature = "hydrate"))]
    let _ = (autosave, waiting, autosaved_page, saving);
    move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::form::FromFormData;
            use wasm_bindgen::JsCast;
            // The changed control's own form (events may be delegated, so not `current_target`).
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|control| control.closest("form").ok().flatten())
                .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            // Only a pressed button carries `go`; an autosave says it stays on the page.
            if data.append_with_str("go", "stay").is_err() {
                return;
            }
            match SaveAnswers::from_form_data(&data) {
                Err(error) => leptos::logging::warn!("autosave: the form didn't read as answers: {error}"),
                Ok(args) => {
                    // Only page-level state here (and the page from the form itself): the form
                    // is reused when moving between pages, and so may this handler be.
                    autosaved_page.set(args.page);
                    if saving.get_untracked() {
                        waiting.set_value(Some(args));
                    } else {
                        autosave.dispatch(args);
                    }
                }
            }
        }
    }
}
