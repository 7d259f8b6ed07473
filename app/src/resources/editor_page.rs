//! `/resources/manage/new` and `/resources/manage/:id`: the editor, with a live preview of the
//! content rendered and sanitised by the server exactly as saving would. The form posts without
//! JavaScript too; a refusal comes back with each message beside its field (ui::form).

use super::api::{preview_resource, resource_for_editing, EditableResource, SaveResource};
use super::domain::{Difficulty, ResourceDraft, ResourceStatus, ResourceType};
use super::manage_page::only_authors;
use crate::accounts::RequireUser;
use crate::error::AppError;
use crate::ui::{form_flash, textarea_text, ErrorMessages, FormFeedback, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use uuid::Uuid;

/// How long the content waits after the last key before the preview follows it.
const PREVIEW_PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

/// The form's fields by key (`form[key]`), with the label the error summary names them by.
const LABELS: [(&str, &str); 12] = [
    ("title", "Title"),
    ("slug", "Address"),
    ("description", "Summary"),
    ("kind", "Type"),
    ("difficulty", "Level"),
    ("status", "Status"),
    ("minutes", "Minutes"),
    ("tags", "Tags"),
    ("careers", "Careers"),
    ("url", "Link"),
    ("sources", "Sources"),
    ("content", "Content"),
];

/// One route serves both addresses (`new` is the id of a resource not yet saved), so saving a
/// new resource moves to its own address without re-mounting the page: the "Saved." answer stays.
#[component]
pub fn ResourceEditorPage() -> impl IntoView {
    let params = use_params_map();
    // `None`: a new resource; `Some(None)`: an address that isn't a resource's.
    let id = move || match params.read().get("id").as_deref() {
        None | Some("new") => None,
        Some(id) => Some(id.parse::<Uuid>().ok()),
    };
    let state = Resource::new(id, |id| async move {
        match id {
            None => resource_for_editing(None).await,
            Some(Some(id)) => resource_for_editing(Some(id)).await,
            Some(None) => Err(AppError::NotFound("that resource".into())),
        }
    });
    let save = ServerAction::<SaveResource>::new();
    let flash = form_flash();
    // The address the last save gave the resource, worked out as the server does, for "View".
    let saved_slug = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(input) = save.input().get() {
            saved_slug.set(ResourceDraft::parse(&input.form).ok().map(|draft| draft.slug.0));
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if id().is_none() {
                navigate(&format!("/resources/manage/{saved}"), NavigateOptions { replace: true, ..Default::default() });
            }
        }
    });
    view! {
        <PageMeta title="Resource editor" description="Write and edit a resource for Waypoint's library, with a live preview." path="/resources/manage"/>
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |_user| view! {
            <section class="page wide" aria-labelledby="page-heading">
                <nav aria-label="Breadcrumb" class="breadcrumb">
                    <ol>
                        <li><a href="/resources">"Resource library"</a></li>
                        <li><a href="/resources/manage">"Your resources"</a></li>
                        <li><span aria-current="page">"Editor"</span></li>
                    </ol>
                </nav>
                <Transition fallback=|| view! { <p class="loading">"Loading the editor…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Resource editor"</h1><ErrorMessages errors/> }>
                        {move || Suspend::new(async move {
                            let feedback = FormFeedback::new(save, flash.await);
                            match state.await {
                                Ok(state) => Ok(view! { <Editor state save feedback saved_slug/> }.into_any()),
                                Err(AppError::Forbidden) => Ok(view! { <h1 id="page-heading">"Write a resource"</h1>{only_authors()} }.into_any()),
                                Err(AppError::NotFound(_)) => Ok(view! {
                                    <crate::ui::NotFound title="Resource not found" heading="We couldn't find that resource"
                                        lead="It may have been removed, or it isn't one you may edit."
                                        href="/resources/manage" link="Back to your resources"/>
                                }.into_any()),
                                Err(error) => Err(error),
                            }
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        }/>
    }
}

/// The editor's form and preview. One view (over 60 lines): a dozen fields, each a few lines.
#[component]
fn Editor(state: EditableResource, save: ServerAction<SaveResource>, feedback: FormFeedback, saved_slug: RwSignal<Option<String>>) -> impl IntoView {
    let EditableResource { id, form, shared, may_share, slug } = state;
    // After a refused post without JavaScript, the fields show what was sent, not what is saved.
    let sent = feedback.has_values();
    let value = {
        let feedback = feedback.clone();
        move |key: &str, saved: &str| if sent { feedback.value(&format!("form[{key}]")).unwrap_or_default() } else { saved.to_string() }
    };
    let shared = if sent { feedback.value("shared").is_some() } else { shared };
    let feedback = StoredValue::new(feedback);
    let error = move |key: &'static str| move || feedback.with_value(|f| f.field_error(key));
    let invalid = move |key: &'static str| move || feedback.with_value(|f| f.field_error(key)).map(|_| "true");
    let described = move |key: &'static str, hint: bool| {
        move || {
            let mut ids = Vec::new();
            if hint {
                ids.push(format!("resource-{key}-hint"));
            }
            if feedback.with_value(|f| f.field_error(key)).is_some() {
                ids.push(format!("resource-{key}-error"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let error_line = move |key: &'static str| {
        view! { <p class="field-error" id=format!("resource-{key}-error") hidden=move || error(key)().is_none()>{error(key)}</p> }
    };
    let (kind, difficulty, status) = (value("kind", &form.kind), value("difficulty", &form.difficulty), value("status", &form.status));
    let content = value("content", &form.content);
    let heading = if id.is_some() { format!("Edit \u{201c}{}\u{201d}", form.title) } else { "Write a new resource".to_string() };
    let view_slug = move || saved_slug.get().or_else(|| slug.clone());
    let preview = live_preview(content.clone());
    view! {
        <h1 id="page-heading">{heading}</h1>
        <p class="lead">"Write in plain, practical language. Drafts are seen only by you and the library's editors until you publish them."</p>
        <div class="resource-editor">
            <ActionForm action=save attr:class="form resource-editor__form" attr:novalidate="">
                {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
                <div class="field">
                    <label for="resource-title">"Title"</label>
                    <input id="resource-title" name="form[title]" type="text" maxlength="300" required value=value("title", &form.title)
                        aria-describedby=described("title", false) aria-invalid=invalid("title")/>
                    {error_line("title")}
                </div>
                <div class="field">
                    <label for="resource-slug">"Address"</label>
                    <p class="field-hint" id="resource-slug-hint">"/resources/\u{2026} Leave blank to make it from the title. Changing it keeps the old address working."</p>
                    <input id="resource-slug" name="form[slug]" type="text" maxlength="120" value=value("slug", &form.slug)
                        aria-describedby=described("slug", true) aria-invalid=invalid("slug")/>
                    {error_line("slug")}
                </div>
                <div class="field">
                    <label for="resource-description">"Summary"</label>
                    <p class="field-hint" id="resource-description-hint">"20 to 300 characters. Search results and shared links show it."</p>
                    <textarea id="resource-description" name="form[description]" rows="3" maxlength="300"
                        aria-describedby=described("description", true) aria-invalid=invalid("description")>
                        {textarea_text(value("description", &form.description))}
                    </textarea>
                    {error_line("description")}
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="resource-kind">"Type"</label>
                        <select id="resource-kind" name="form[kind]" aria-describedby=described("kind", false) aria-invalid=invalid("kind")>
                            {ResourceType::ALL.iter().map(|k| view! { <option value=k.key() selected=kind == k.key()>{k.label()}</option> }).collect_view()}
                        </select>
                        {error_line("kind")}
                    </div>
                    <div class="field">
                        <label for="resource-difficulty">"Level"</label>
                        <select id="resource-difficulty" name="form[difficulty]" aria-describedby=described("difficulty", false) aria-invalid=invalid("difficulty")>
                            {Difficulty::ALL.iter().map(|d| view! { <option value=d.key() selected=difficulty == d.key()>{d.label()}</option> }).collect_view()}
                        </select>
                        {error_line("difficulty")}
                    </div>
                    <div class="field">
                        <label for="resource-status">"Status"</label>
                        <select id="resource-status" name="form[status]" aria-describedby=described("status", false) aria-invalid=invalid("status")>
                            {ResourceStatus::ALL.iter().map(|s| view! { <option value=s.key() selected=status == s.key()>{s.label()}</option> }).collect_view()}
                        </select>
                        {error_line("status")}
                    </div>
                    <div class="field">
                        <label for="resource-minutes">"Minutes"</label>
                        <p class="field-hint" id="resource-minutes-hint">"How long it takes, roughly."</p>
                        <input id="resource-minutes" name="form[minutes]" type="number" min="1" max="10000" value=value("minutes", &form.minutes)
                            aria-describedby=described("minutes", true) aria-invalid=invalid("minutes")/>
                        {error_line("minutes")}
                    </div>
                </div>
                <div class="field">
                    <label for="resource-tags">"Tags"</label>
                    <p class="field-hint" id="resource-tags-hint">"Comma-separated, up to 12, in letters, digits and hyphens: e.g. cv, cover-letter, first-job."</p>
                    <input id="resource-tags" name="form[tags]" type="text" value=value("tags", &form.tags)
                        aria-describedby=described("tags", true) aria-invalid=invalid("tags")/>
                    {error_line("tags")}
                </div>
                <div class="field">
                    <label for="resource-careers">"Careers"</label>
                    <p class="field-hint" id="resource-careers-hint">"O*NET-SOC codes of the careers it's about, comma-separated: e.g. 29-1141.00 for registered nurses."</p>
                    <input id="resource-careers" name="form[careers]" type="text" value=value("careers", &form.careers)
                        aria-describedby=described("careers", true) aria-invalid=invalid("careers")/>
                    {error_line("careers")}
                </div>
                <div class="field">
                    <label for="resource-url">"Link"</label>
                    <p class="field-hint" id="resource-url-hint">"Where the video, course, book or tool itself is, if it lives elsewhere: https://\u{2026}"</p>
                    <input id="resource-url" name="form[url]" type="url" value=value("url", &form.url)
                        aria-describedby=described("url", true) aria-invalid=invalid("url")/>
                    {error_line("url")}
                </div>
                <div class="field">
                    <label for="resource-sources">"Sources"</label>
                    <p class="field-hint" id="resource-sources-hint">"The public sources it draws on, one per line: Title | https://\u{2026}"</p>
                    <textarea id="resource-sources" name="form[sources]" rows="4" aria-describedby=described("sources", true) aria-invalid=invalid("sources")>
                        {textarea_text(value("sources", &form.sources))}
                    </textarea>
                    {error_line("sources")}
                </div>
                <div class="field">
                    <label for="resource-content">"Content"</label>
                    <p class="field-hint" id="resource-content-hint">
                        "Markdown: ## for a heading, - for a list, **bold**, [text](https://\u{2026}) for a link. Raw HTML is removed."
                    </p>
                    <textarea id="resource-content" name="form[content]" rows="24" class="code-input"
                        aria-describedby=described("content", true) aria-invalid=invalid("content") on:input=move |ev| preview.schedule(event_target_value(&ev))>
                        {textarea_text(content)}
                    </textarea>
                    {error_line("content")}
                </div>
                {may_share.then(|| view! {
                    <div class="field">
                        <label class="checkbox">
                            <input type="checkbox" name="shared" value="true" checked=shared aria-describedby="resource-shared-hint"/>
                            " In the shared library"
                        </label>
                        <p class="field-hint" id="resource-shared-hint">"Every organization's members see it. Untick to keep it for your own organization."</p>
                    </div>
                })}
                {move || feedback.with_value(FormFeedback::error).map(error_summary)}
                {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! {
                    <div class="success-box" role="status">
                        <p>"Saved. " {view_slug().map(|slug| view! { <A href=format!("/resources/{slug}")>"View the page"</A> })}</p>
                    </div>
                })}
                <p class="form-actions">
                    <button type="submit" class="button" disabled=move || save.pending().get()>"Save"</button>
                    " " <A href="/resources/manage">"Back to your resources"</A>
                </p>
            </ActionForm>
            {preview.view()}
        </div>
    }
}

/// Every message of a refused save, each named by its field.
fn error_summary(error: AppError) -> impl IntoView {
    let messages: Vec<String> = match &error {
        AppError::Invalid(errors) => errors
            .messages()
            .map(|m| match m.field.as_deref().and_then(|field| LABELS.iter().find(|(key, _)| *key == field)) {
                Some((_, label)) => format!("{label}: {}", m.message),
                None => m.message.clone(),
            })
            .collect(),
        other => vec![other.to_string()],
    };
    view! {
        <div class="error-box" role="alert">
            <p><strong>"This resource wasn't saved."</strong></p>
            <ul>{messages.into_iter().map(|message| view! { <li>{message}</li> }).collect_view()}</ul>
        </div>
    }
}

/// The preview: the server's rendering of the content, a moment after the author stops typing.
#[derive(Clone, Copy)]
struct LivePreview {
    html: RwSignal<Option<Result<String, AppError>>>,
    /// Bumped on every change; an answer for an older version is dropped.
    version: StoredValue<u64>,
    /// JavaScript is running (the preview can follow the typing).
    live: RwSignal<bool>,
}

fn live_preview(initial: String) -> LivePreview {
    let preview = LivePreview { html: RwSignal::new(None), version: StoredValue::new(0), live: RwSignal::new(false) };
    // In the browser only: show the saved content's preview straight away.
    Effect::new(move |_| {
        preview.live.set(true);
        if !initial.trim().is_empty() {
            preview.schedule(initial.clone());
        }
    });
    preview
}

impl LivePreview {
    fn schedule(self, content: String) {
        self.version.update_value(|n| *n += 1);
        let version = self.version.get_value();
        set_timeout(
            move || {
                if self.version.try_get_value() != Some(version) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = preview_resource(content).await;
                    if self.version.try_get_value() == Some(version) {
                        self.html.try_set(Some(answer));
                    }
                });
            },
            PREVIEW_PAUSE,
        );
    }

    fn view(self) -> impl IntoView {
        view! {
            <section class="resource-editor__preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview"</h2>
                {move || match self.html.get() {
                    Some(Ok(html)) if !html.trim().is_empty() => view! {
                        // Sanitised by the server (resources::markdown), as the saved page will be.
                        <div class="resource-content" aria-live="off" inner_html=html></div>
                    }.into_any(),
                    Some(Err(error)) => view! { <p class="field-error">{format!("The preview couldn't be made: {error}")}</p> }.into_any(),
                    _ if self.live.get() => view! { <p class="muted">"The preview appears here as you write the content."</p> }.into_any(),
                    _ => view! {
                        <p class="muted">"The preview follows your typing when JavaScript is on. Without it, save the resource and view its page to see it."</p>
                    }.into_any(),
                }}
            </section>
        }
    }
}
