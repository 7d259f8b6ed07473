//! `/account/listing`: a mentor edits their listing: what students read about them and the
//! booking rules, the session types they offer, their weekly hours, and days off or special
//! hours. Each part is its own form; a refused save keeps what was typed and shows each message
//! beside its field, a saved one reloads the listing. Anyone else is told only mentors have a
//! listing and where to apply.

use super::api::{
    my_listing, DateOverrideView, ListingEditor, RemoveDateOverride, RemoveSessionType, SaveDateOverride, SaveListing,
    SaveSessionType, SaveWeeklyHours,
};
use super::domain::SessionType;
use super::listing::{weekday_name, ListingForm, SessionTypeForm, WeeklyHoursForm, DURATIONS, WEEKDAYS};
use crate::accounts::profile::TimeZoneName;
use crate::accounts::{AccountNav, RequireUser};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::ui::{textarea_text, ActionOutcome, ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use server_fn::ServerFn;

/// The page's forms' actions, made once at its top.
#[derive(Clone, Copy)]
struct Forms {
    listing: ServerAction<SaveListing>,
    save_type: ServerAction<SaveSessionType>,
    remove_type: ServerAction<RemoveSessionType>,
    hours: ServerAction<SaveWeeklyHours>,
    save_override: ServerAction<SaveDateOverride>,
    remove_override: ServerAction<RemoveDateOverride>,
}

/// `/account/listing`
#[component]
pub fn ListingPage() -> impl IntoView {
    // Resources are made here, not inside RequireUser's children (hydration ids; admin/users.rs).
    let forms = Forms {
        listing: ServerAction::new(),
        save_type: ServerAction::new(),
        remove_type: ServerAction::new(),
        hours: ServerAction::new(),
        save_override: ServerAction::new(),
        remove_override: ServerAction::new(),
    };
    // The listing reloads after a save succeeds, not after a refusal, which would put the saved
    // values back over what was typed.
    let saved = RwSignal::new(0u32);
    reload_after(forms.listing, saved);
    reload_after(forms.save_type, saved);
    reload_after(forms.remove_type, saved);
    reload_after(forms.hours, saved);
    reload_after(forms.save_override, saved);
    reload_after(forms.remove_override, saved);
    // Which session type form was sent last ("" for a new one): its fields show the messages.
    let editing_type = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(SaveSessionType { form }) = forms.save_type.input().get() {
            editing_type.set(form.id);
        }
    });
    let editor = Resource::new(move || saved.get(), |_| my_listing());
    view! {
        <PageMeta title="Your mentor listing" description="Edit your mentor listing, session types, hours and booking rules." path="/account/listing"/>
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |user| {
            let organization = user.organization_name;
            view! {
                <section class="page narrow" aria-labelledby="page-heading">
                    <AccountNav/>
                    <h1 id="page-heading">"Your mentor listing"</h1>
                    <Transition fallback=|| view! { <p class="loading">"Loading your listing…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                            {let organization = organization.clone(); move || {
                                let organization = organization.clone();
                                Suspend::new(async move {
                                    match editor.await {
                                        Ok(editor) => Ok(editor_view(editor, organization, forms, editing_type).into_any()),
                                        Err(AppError::Forbidden) => Ok(not_a_mentor().into_any()),
                                        Err(error) => Err(error),
                                    }
                                })
                            }}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

/// Counts `action`'s successes into `saved`.
fn reload_after<S>(action: ServerAction<S>, saved: RwSignal<u32>)
where
    S: ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            saved.update(|n| *n += 1);
        }
    });
}

fn not_a_mentor() -> impl IntoView {
    view! {
        <p class="notice">"Only mentors have a listing. Once your application to mentor is approved, you set up here what you offer, your hours and your booking rules."</p>
        <p><A href="/account/mentor">"Apply to become a mentor"</A></p>
    }
}

fn editor_view(
    editor: ListingEditor,
    organization: String,
    forms: Forms,
    editing_type: RwSignal<String>,
) -> impl IntoView {
    let ListingEditor { handle, form, session_types, weekly, overrides, free_times_next_two_weeks } = editor;
    let zone = form.time_zone.clone();
    view! {
        <p><A href=format!("/mentors/{handle}")>"See your public page"</A></p>
        <p aria-live="polite">{format!("Students see {free_times_next_two_weeks} free times in the next two weeks.")}</p>
        {listing_form(form, organization, forms.listing)}
        {session_types_section(session_types, forms, editing_type)}
        {weekly_hours_form(weekly, zone, forms.hours)}
        {overrides_section(overrides, forms)}
    }
}

/// The messages of a form's last refusal, field by field.
fn refusal<S>(action: ServerAction<S>) -> Signal<Option<FieldErrors>>
where
    S: ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Invalid(errors))) => Some(errors),
        _ => None,
    })
}

/// The message about `key` in `refusal`.
fn about(refusal: Signal<Option<FieldErrors>>, key: impl Into<String>) -> Signal<Option<String>> {
    let key = key.into();
    Signal::derive(move || refusal.get().and_then(|errors| errors.field(&key).map(str::to_string)))
}

/// A labelled input (a textarea when `kind` is "textarea") posting as `name`, with its hint and
/// the server's message, tied to it for screen readers.
fn field(
    id: String,
    name: String,
    label: &'static str,
    hint: &'static str,
    kind: &'static str,
    value: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> =
                [(!hint.is_empty()).then_some(hint_id.as_str()), error.get().is_some().then_some(error_id.as_str())]
                    .into_iter()
                    .flatten()
                    .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let input = if kind == "textarea" {
        view! { <textarea id=id.clone() name=name rows="5" aria-describedby=described_by aria-invalid=invalid>{textarea_text(value)}</textarea> }.into_any()
    } else {
        view! { <input id=id.clone() name=name type=kind value=value aria-describedby=described_by aria-invalid=invalid/> }.into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            {input}
            {error_line(error_id, error)}
        </div>
    }
}

fn error_line(id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="field-error" id=id hidden=move || error.get().is_none()>{move || error.get()}</p> }
}

fn listing_form(form: ListingForm, organization: String, save: ServerAction<SaveListing>) -> impl IntoView {
    let refused = refusal(save);
    let text = move |key: &'static str, label: &'static str, hint: &'static str, kind: &'static str, value: String| {
        field(format!("listing-{key}"), format!("form[{key}]"), label, hint, kind, value, about(refused, key))
    };
    let organization = if organization.is_empty() { "your organization".to_string() } else { organization };
    let public = form.visibility == "public";
    let zone = form.time_zone.clone();
    view! {
        <h2>"Your listing"</h2>
        <ActionForm action=save attr:class="form" attr:novalidate="">
            {text("headline", "Headline", "One line about what you do, e.g. \u{201c}ICU nurse helping students into nursing\u{201d}.", "text", form.headline)}
            {text("bio", "About you", "At least 40 characters: what you do and how you can help.", "textarea", form.bio)}
            {text("expertise", "Areas of expertise", "Comma-separated, e.g. nursing, patient care.", "text", form.expertise)}
            {text("years_experience", "Years of experience", "", "number", form.years_experience)}
            {text("languages", "Languages", "Comma-separated, e.g. English, Spanish.", "text", form.languages)}
            {text("career_codes", "Careers", "O*NET codes such as 29-1141.00, comma-separated.", "text", form.career_codes)}
            <p class="field-hint"><A href="/careers">"Find careers and their codes"</A></p>
            <div class="field">
                <label for="listing-time_zone">"Your time zone"</label>
                <select id="listing-time_zone" name="form[time_zone]">
                    {TimeZoneName::choices().into_iter().map(|name| view! {
                        <option value=name selected=name == zone>{name.replace('_', " ")}</option>
                    }).collect_view()}
                </select>
                {error_line("listing-time_zone-error".into(), about(refused, "time_zone"))}
            </div>
            {text("meeting_url", "Meeting link", "A full https:// address; students see it once a session is confirmed.", "url", form.meeting_url)}
            <label class="checkbox">
                <input type="checkbox" name="form[requires_approval]" value="true" checked=form.requires_approval/>
                " I accept or decline each request before it is booked"
            </label>
            <fieldset class="field">
                <legend>"Who sees your listing"</legend>
                <label class="checkbox"><input type="radio" name="form[visibility]" value="public" checked=public/>" Everyone: a public page search engines can find"</label>
                <label class="checkbox"><input type="radio" name="form[visibility]" value="organization" checked=!public/>{format!(" Only members of {organization}")}</label>
                {error_line("listing-visibility-error".into(), about(refused, "visibility"))}
            </fieldset>
            {text("contact_note", "How people outside your organization can reach you", "", "textarea", form.contact_note)}
            <fieldset class="field">
                <legend>"Booking rules"</legend>
                <div class="field-row">
                    {text("buffer_before_minutes", "Break before a session (minutes)", "", "number", form.buffer_before_minutes)}
                    {text("buffer_after_minutes", "Break after a session (minutes)", "", "number", form.buffer_after_minutes)}
                    {text("minimum_notice_hours", "Notice you need (hours)", "", "number", form.minimum_notice_hours)}
                    {text("horizon_days", "Bookable up to (days ahead)", "", "number", form.horizon_days)}
                    {text("daily_cap", "Sessions a day at most", "Blank = no limit.", "number", form.daily_cap)}
                    {text("free_cancellation_hours", "Free cancellation until (hours before)", "", "number", form.free_cancellation_hours)}
                </div>
            </fieldset>
            <ActionOutcome value=move || save.value().get() success="Listing saved."/>
            <div><button type="submit" class="button" disabled=move || save.pending().get()>"Save listing"</button></div>
        </ActionForm>
    }
}

fn session_types_section(types: Vec<SessionType>, forms: Forms, editing_type: RwSignal<String>) -> impl IntoView {
    let new_type = SessionTypeForm { duration_minutes: "30".into(), currency: "USD".into(), ..Default::default() };
    view! {
        <section aria-labelledby="types-heading">
            <h2 id="types-heading">"Session types"</h2>
            <div aria-live="polite">
                <ActionOutcome value=move || forms.save_type.value().get() success="Session type saved."/>
                <ActionOutcome value=move || forms.remove_type.value().get() success="Session type removed."/>
            </div>
            {types.is_empty().then(|| view! { <p class="muted">"No session types yet: add one so students can book you."</p> })}
            <ul class="card-list">
                {types.into_iter().map(|session_type| {
                    let title = session_type.title.clone();
                    let form = SessionTypeForm {
                        id: session_type.id.to_string(),
                        title: session_type.title.clone(),
                        description: session_type.description.clone(),
                        duration_minutes: session_type.duration_minutes.to_string(),
                        price: if session_type.price.minor == 0 { String::new() } else { session_type.price.major_string() },
                        currency: session_type.price.currency.code().to_string(),
                        free_intro: session_type.is_free_intro,
                    };
                    view! {
                        <li class="card">
                            <h3>{title.clone()}</h3>
                            <p>
                                {format!("{} minutes · {}", session_type.duration_minutes, session_type.price_label())}
                                {session_type.is_free_intro.then(|| view! { " "<span class="badge">"Free intro"</span> })}
                            </p>
                            <details>
                                <summary>"Edit"<span class="visually-hidden">{format!(" {title}")}</span></summary>
                                {session_type_form(form, forms.save_type, editing_type)}
                            </details>
                            <ActionForm action=forms.remove_type attr:class="inline-form">
                                <input type="hidden" name="id" value=session_type.id.to_string()/>
                                <button type="submit" class="button button--ghost">"Remove"<span class="visually-hidden">{format!(" {title}")}</span></button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"Add a session type"</h3>
            {session_type_form(new_type, forms.save_type, editing_type)}
        </section>
    }
}

/// A session type's form, new (blank id) or filled; its fields show the messages only when it
/// was the one sent.
fn session_type_form(
    form: SessionTypeForm,
    save: ServerAction<SaveSessionType>,
    editing_type: RwSignal<String>,
) -> impl IntoView {
    let all = refusal(save);
    let this = form.id.clone();
    let refused = Signal::derive(move || if editing_type.get() == this { all.get() } else { None });
    let prefix = if form.id.is_empty() { "new-type".to_string() } else { format!("type-{}", form.id) };
    let text = {
        let prefix = prefix.clone();
        move |key: &'static str, label: &'static str, hint: &'static str, kind: &'static str, value: String| {
            field(format!("{prefix}-{key}"), format!("form[{key}]"), label, hint, kind, value, about(refused, key))
        }
    };
    let duration = form.duration_minutes.clone();
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate="">
            <input type="hidden" name="form[id]" value=form.id.clone()/>
            {text("title", "Title", "Such as \u{201c}Portfolio review\u{201d}.", "text", form.title)}
            {text("description", "Description", "", "textarea", form.description)}
            <div class="field">
                <label for=format!("{prefix}-duration")>"Length"</label>
                <select id=format!("{prefix}-duration") name="form[duration_minutes]">
                    {DURATIONS.iter().map(|minutes| view! {
                        <option value=minutes.to_string() selected=minutes.to_string() == duration>{format!("{minutes} minutes")}</option>
                    }).collect_view()}
                </select>
                {error_line(format!("{prefix}-duration-error"), about(refused, "duration_minutes"))}
            </div>
            <div class="field-row">
                {text("price", "Price", "Blank or 0 for a free session.", "text", form.price)}
                {text("currency", "Currency", "A code such as USD or EUR.", "text", form.currency)}
            </div>
            <label class="checkbox">
                <input type="checkbox" name="form[free_intro]" value="true" checked=form.free_intro/>
                " A free introduction"
            </label>
            <div><button type="submit" class="button">{if form.id.is_empty() { "Add session type" } else { "Save session type" }}</button></div>
        </ActionForm>
    }
}

fn weekly_hours_form(weekly: WeeklyHoursForm, zone: String, save: ServerAction<SaveWeeklyHours>) -> impl IntoView {
    let refused = refusal(save);
    view! {
        <section aria-labelledby="hours-heading">
            <h2 id="hours-heading">"Weekly hours"</h2>
            <p class="field-hint" id="hours-hint">{format!("Like 09:00-12:00, 13:00-17:00; blank for a day off. Times in {zone}.")}</p>
            <ActionForm action=save attr:class="form" attr:novalidate="">
                {WEEKDAYS.iter().zip(weekly.days).enumerate().map(|(index, (day, hours))| {
                    let key = weekday_name(*day).to_lowercase();
                    let error = about(refused, key.clone());
                    let id = format!("hours-{key}");
                    let error_id = format!("{id}-error");
                    let described_by = {
                        let error_id = error_id.clone();
                        move || if error.get().is_some() { format!("hours-hint {error_id}") } else { "hours-hint".to_string() }
                    };
                    view! {
                        <div class="field">
                            <label for=id.clone()>{weekday_name(*day)}</label>
                            <input id=id name=format!("form[days][{index}]") type="text" value=hours
                                aria-describedby=described_by aria-invalid=move || error.get().is_some().then_some("true")/>
                            {error_line(error_id, error)}
                        </div>
                    }
                }).collect_view()}
                <ActionOutcome value=move || save.value().get() success="Hours saved."/>
                <div><button type="submit" class="button" disabled=move || save.pending().get()>"Save hours"</button></div>
            </ActionForm>
        </section>
    }
}

fn overrides_section(overrides: Vec<DateOverrideView>, forms: Forms) -> impl IntoView {
    let refused = refusal(forms.save_override);
    let text = move |key: &'static str, label: &'static str, hint: &'static str, kind: &'static str| {
        field(format!("override-{key}"), format!("form[{key}]"), label, hint, kind, String::new(), about(refused, key))
    };
    view! {
        <section aria-labelledby="overrides-heading">
            <h2 id="overrides-heading">"Days off and special hours"</h2>
            <div aria-live="polite">
                <ActionOutcome value=move || forms.remove_override.value().get() success="Removed."/>
            </div>
            {overrides.is_empty().then(|| view! { <p class="muted">"None: your weekly hours apply every week."</p> })}
            <ul class="card-list">
                {overrides.into_iter().map(|day| view! {
                    <li class="card">
                        <p><strong>{day.label.clone()}</strong>{format!(": {}", day.hours)}</p>
                        {(!day.note.is_empty()).then(|| view! { <p class="muted">{day.note.clone()}</p> })}
                        <ActionForm action=forms.remove_override attr:class="inline-form">
                            <input type="hidden" name="date" value=day.date.clone()/>
                            <button type="submit" class="button button--ghost">"Remove"<span class="visually-hidden">{format!(" {}", day.label)}</span></button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <h3>"Add a day off or special hours"</h3>
            <ActionForm action=forms.save_override attr:class="form" attr:novalidate="">
                <div class="field-row">
                    {text("date", "Date", "", "date")}
                    {text("hours", "Hours", "Blank for a day off, or like 10:00-12:00.", "text")}
                </div>
                {text("note", "Note", "Such as \u{201c}conference\u{201d}.", "text")}
                <ActionOutcome value=move || forms.save_override.value().get() success="Saved."/>
                <div><button type="submit" class="button" disabled=move || forms.save_override.pending().get()>"Add"</button></div>
            </ActionForm>
        </section>
    }
}
