//! `/roadmap/:id`: one roadmap. Its owner edits it: marks steps started, done or skipped, moves
//! them (buttons that post without JavaScript, keyboard focus kept on the moved step; and, once
//! the page is live, drag and drop by a handle), edits, adds and removes steps, answers mentors'
//! suggestions, shares it (a link, their organization), prints, archives or deletes it. A mentor
//! of the owner reads it, comments and suggests steps; anyone else it was shared with reads it.
//!
//! Every change keeps the roadmap's version: a move or a drag made on an out-of-date page is
//! refused ("this roadmap changed, reload") instead of scrambling the order. Messages about
//! changes appear in one live region (with a Reload button for an out-of-date page); a form's
//! own refusal appears beside it, with JavaScript from the action's answer and without it from
//! the refused post the server kept for the page (`ui::form_flash`).

use super::api::{
    roadmap, AddRoadmapStep, CommentOnRoadmap, DecideRoadmapSuggestion, DeleteRoadmap, EditRoadmapStep,
    MoveRoadmapStep, RemoveRoadmapStep, ReorderRoadmapSteps, RevokeRoadmapShare, SetRoadmapArchived,
    SetRoadmapStepStatus, ShareRoadmap, ShareRoadmapWithOrganization, SuggestRoadmapStep,
};
use super::domain::{
    CommentView, RoadmapStatus, RoadmapView, StepKind, StepOrigin, StepStatus, StepView, SuggestionStatus,
    SuggestionView, Viewer, STALE_ROADMAP,
};
use super::list_page::{completion_view, horizon_words, status_badge};
use crate::accounts::RequireUser;
use crate::error::AppError;
use crate::ui::{form_flash, textarea_text, ErrorMessages, FormFlash, PageMeta, SiteUrl};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use server_fn::ServerFn;
use std::sync::Arc;
use uuid::Uuid;

/// Every action the page can take, made once at the top of the page (hydration ids).
#[derive(Clone, Copy)]
struct Actions {
    move_step: ServerAction<MoveRoadmapStep>,
    reorder: ServerAction<ReorderRoadmapSteps>,
    status: ServerAction<SetRoadmapStepStatus>,
    add: ServerAction<AddRoadmapStep>,
    edit: ServerAction<EditRoadmapStep>,
    remove: ServerAction<RemoveRoadmapStep>,
    share: ServerAction<ShareRoadmap>,
    revoke: ServerAction<RevokeRoadmapShare>,
    share_org: ServerAction<ShareRoadmapWithOrganization>,
    archive: ServerAction<SetRoadmapArchived>,
    delete: ServerAction<DeleteRoadmap>,
    comment: ServerAction<CommentOnRoadmap>,
    suggest: ServerAction<SuggestRoadmapStep>,
    decide: ServerAction<DecideRoadmapSuggestion>,
}

impl Actions {
    fn new() -> Self {
        Actions {
            move_step: ServerAction::new(),
            reorder: ServerAction::new(),
            status: ServerAction::new(),
            add: ServerAction::new(),
            edit: ServerAction::new(),
            remove: ServerAction::new(),
            share: ServerAction::new(),
            revoke: ServerAction::new(),
            share_org: ServerAction::new(),
            archive: ServerAction::new(),
            delete: ServerAction::new(),
            comment: ServerAction::new(),
            suggest: ServerAction::new(),
            decide: ServerAction::new(),
        }
    }

    /// The endpoints whose refusals the page-wide message area shows (the forms with fields show
    /// their own beside them).
    fn one_button_endpoints() -> [&'static str; 10] {
        [
            MoveRoadmapStep::PATH,
            ReorderRoadmapSteps::PATH,
            SetRoadmapStepStatus::PATH,
            RemoveRoadmapStep::PATH,
            ShareRoadmap::PATH,
            RevokeRoadmapShare::PATH,
            ShareRoadmapWithOrganization::PATH,
            SetRoadmapArchived::PATH,
            DeleteRoadmap::PATH,
            DecideRoadmapSuggestion::PATH,
        ]
    }
}

/// What the page-wide message area says after a change.
#[derive(Clone, Debug, PartialEq)]
enum Message {
    Done(&'static str),
    Failed(AppError),
}

/// Follows an action's answers: a success counts as a change (the roadmap is read again; a
/// refusal doesn't, so a form keeps what was typed) and says `success`; a refusal is reported in
/// the message area when `report` (forms with fields show theirs beside them).
fn follow<S>(
    action: ServerAction<S>,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Message>>,
    success: &'static str,
    report: bool,
) where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            changed.update(|n| *n += 1);
            message.set((!success.is_empty()).then_some(Message::Done(success)));
        }
        Some(Err(error)) if report => message.set(Some(Message::Failed(error))),
        Some(Err(_)) => message.set(None),
        None => {}
    });
}

/// Remembers which form (by `key`) an action was last posted from, so its answer shows there.
fn remember_target<S>(action: ServerAction<S>, key: fn(&S) -> String) -> RwSignal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let target = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            target.set(Some(key(&input)));
        }
    });
    target
}

/// `/roadmap/:id`
#[component]
pub fn RoadmapDetailPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids).
    let params = use_params_map();
    let actions = Actions::new();
    let changed = RwSignal::new(0u32);
    let message = RwSignal::new(None::<Message>);
    let flash = form_flash();
    let data = Resource::new(
        move || (params.read().get("id"), changed.get()),
        |(raw, _)| async move {
            match raw.as_deref().and_then(|raw| raw.parse::<Uuid>().ok()) {
                Some(id) => roadmap(id).await,
                None => Err(AppError::NotFound("that roadmap".into())),
            }
        },
    );
    follow(actions.move_step, changed, message, "", true);
    follow(actions.reorder, changed, message, "Steps reordered.", true);
    follow(actions.status, changed, message, "Step updated.", true);
    follow(actions.add, changed, message, "Step added at the end.", false);
    follow(actions.edit, changed, message, "Step saved.", false);
    follow(actions.remove, changed, message, "Step removed.", true);
    follow(actions.share, changed, message, "Share link made. Copy it now: it is shown only this once.", true);
    follow(actions.revoke, changed, message, "Share link turned off. The old link no longer opens the roadmap.", true);
    follow(actions.share_org, changed, message, "Sharing with your organization changed.", true);
    follow(actions.archive, changed, message, "Roadmap updated.", true);
    follow(actions.delete, changed, message, "", true);
    follow(actions.comment, changed, message, "Comment posted.", false);
    follow(actions.suggest, changed, message, "Suggestion sent.", false);
    follow(actions.decide, changed, message, "Suggestion answered.", true);
    let targets = Targets {
        edit: remember_target(actions.edit, |input| input.step.to_string()),
        comment: remember_target(actions.comment, |input| input.step.trim().to_string()),
    };
    // After a move, keyboard focus stays on the moved step's button, found again in the new list.
    let moving = RwSignal::new(None::<(Uuid, bool)>);
    Effect::new(move |_| {
        if let Some(input) = actions.move_step.input().get() {
            moving.set(Some((input.step, input.direction == "up")));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(version)) = actions.move_step.value().get() {
            if let Some((step, up)) = moving.get_untracked() {
                focus_moved_step(step, up, version, 100);
            }
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.delete.value().get() {
            navigate("/roadmap", Default::default());
        }
    });
    // Drag and drop needs the page live; until then (and without JavaScript) the buttons move steps.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let drag = Drag { from: RwSignal::new(None), over: RwSignal::new(None) };
    view! {
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |_user| view! {
            <div class="roadmap-message" aria-live="polite">
                {move || message.get().map(|message_now| message_view(message_now, data, message))}
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading the roadmap…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Roadmap"</h1><ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        let flash = flash.await;
                        match data.await {
                            Ok(view) => {
                                let page = Page { actions, targets, drag, live, message, flash: StoredValue::new(flash), roadmap: view.id, version: view.version, viewer: view.viewer };
                                Ok(roadmap_view(view, page).into_any())
                            }
                            Err(AppError::NotFound(_)) => Ok(not_found().into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        }/>
    }
}

/// Unknown, deleted, or not one the person may read: the same answer (a real 404).
fn not_found() -> impl IntoView {
    view! {
        <crate::ui::NotFound title="Roadmap not found" heading="We couldn't find that roadmap"
            lead="It may have been deleted, or it isn't one you may read." href="/roadmap" link="Go to your roadmaps"/>
    }
}

/// The message area's content: a success, or a refusal (with a Reload button when the page is
/// out of date).
fn message_view(
    now: Message,
    data: Resource<Result<RoadmapView, AppError>>,
    message: RwSignal<Option<Message>>,
) -> AnyView {
    match now {
        Message::Done(text) => view! { <div class="success-box" role="status"><p>{text}</p></div> }.into_any(),
        Message::Failed(error) => {
            let stale = matches!(&error, AppError::Conflict(text) if text == STALE_ROADMAP);
            view! {
                <div class="error-box" role="alert">
                    <p>{error.to_string()}</p>
                    {stale.then(|| view! {
                        <p><button type="button" class="button button--small" on:click=move |_| {
                            message.set(None);
                            data.refetch();
                        }>"Reload"</button></p>
                    })}
                </div>
            }
            .into_any()
        }
    }
}

/// Which step's form each action with per-step forms last answered.
#[derive(Clone, Copy)]
struct Targets {
    edit: RwSignal<Option<String>>,
    comment: RwSignal<Option<String>>,
}

/// The step being dragged and the one it is over.
#[derive(Clone, Copy)]
struct Drag {
    from: RwSignal<Option<Uuid>>,
    over: RwSignal<Option<Uuid>>,
}

/// What every part of the page needs.
#[derive(Clone, Copy)]
struct Page {
    actions: Actions,
    targets: Targets,
    drag: Drag,
    live: RwSignal<bool>,
    message: RwSignal<Option<Message>>,
    flash: StoredValue<Option<FormFlash>>,
    roadmap: Uuid,
    version: i32,
    viewer: Viewer,
}

impl Page {
    fn owner(&self) -> bool {
        self.viewer == Viewer::Owner
    }

    /// May comment (the owner, or their mentor).
    fn commenter(&self) -> bool {
        matches!(self.viewer, Viewer::Owner | Viewer::Mentor)
    }

    /// The state of the form posting to `S` keyed `key` (by its field `key_field`; `None` for a
    /// form that is alone on the page).
    fn form<S>(
        &self,
        action: ServerAction<S>,
        target: Option<(RwSignal<Option<String>>, &'static str, String)>,
    ) -> FormState
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        let flashed = self.flash.with_value(|flash| {
            flash.clone().filter(|flash| flash.endpoint == S::PATH).filter(|flash| match &target {
                None => true,
                Some((_, field, key)) => flash.values.iter().any(|(name, value)| name == field && value.trim() == key),
            })
        });
        let kept = Arc::new(flashed.as_ref().map(|flash| flash.values.clone()).unwrap_or_default());
        let flashed_error = flashed.map(|flash| flash.error);
        let error = Signal::derive(move || match action.value().get() {
            Some(Err(error)) => match &target {
                Some((last, _, key)) if last.get().as_deref() != Some(key.as_str()) => None,
                _ => Some(error),
            },
            Some(Ok(_)) => None,
            None => flashed_error.clone(),
        });
        FormState { error, kept }
    }
}

/// A form's refusal and, after a refused plain post, what was typed.
#[derive(Clone)]
struct FormState {
    error: Signal<Option<AppError>>,
    kept: Arc<Vec<(String, String)>>,
}

impl FormState {
    fn field_error(&self, field: &str) -> Option<String> {
        match self.error.get() {
            Some(AppError::Invalid(errors)) => errors.field(field).map(str::to_string),
            _ => None,
        }
    }

    /// What the field shows: what was typed before a refused plain post, else `saved`.
    fn value(&self, field: &str, saved: &str) -> String {
        if self.kept.is_empty() {
            return saved.to_string();
        }
        self.kept.iter().find(|(name, _)| name == field).map(|(_, value)| value.clone()).unwrap_or_default()
    }

    fn refused(&self) -> bool {
        !self.kept.is_empty()
    }

    /// Every message of a refusal, above the button.
    fn summary(&self, what: &'static str) -> impl IntoView {
        let error = self.error;
        move || {
            error.get().map(|error| {
                let messages: Vec<String> = match &error {
                    AppError::Invalid(errors) => errors.messages().map(|m| m.message.clone()).collect(),
                    other => vec![other.to_string()],
                };
                view! {
                    <div class="error-box" role="alert">
                        <p><strong>{what}</strong></p>
                        <ul>{messages.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    </div>
                }
            })
        }
    }
}

/// One labelled field, its message tied to it for screen readers.
fn field(
    id: String,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    state: &FormState,
    required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let error = {
        let state = state.clone();
        Signal::derive(move || state.field_error(name))
    };
    let described = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    let invalid = move || error.get().map(|_| "true");
    let input = if kind == "textarea" {
        view! {
            <textarea id=id.clone() name=name rows="3" required=required aria-describedby=described.clone() aria-invalid=invalid>
                {textarea_text(value)}
            </textarea>
        }
        .into_any()
    } else {
        view! { <input id=id.clone() name=name type=kind required=required value=value aria-describedby=described aria-invalid=invalid/> }
            .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {input}
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// The kind of step, as a labelled select.
fn kind_field(id: String, chosen: String, state: &FormState) -> impl IntoView {
    let error = {
        let state = state.clone();
        Signal::derive(move || state.field_error("kind"))
    };
    view! {
        <div class="field">
            <label for=id.clone()>"Kind of step"</label>
            <select id=id name="kind" aria-invalid=move || error.get().map(|_| "true")>
                {StepKind::ALL.iter().map(|kind| view! {
                    <option value=kind.key() selected=chosen == kind.key()>{format!("{}: {}", kind.label(), kind.meaning())}</option>
                }).collect_view()}
            </select>
            <p class="field-error" hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

fn date_words(date: NaiveDate) -> impl IntoView {
    view! { <time datetime=date.format("%Y-%m-%d").to_string()>{date.format("%-d %B %Y").to_string()}</time> }
}

fn instant_words(at: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339()>{at.format("%-d %B %Y").to_string()}</time> }
}

/// Where a step came from, said from the reader's side ("Added by you" only to its owner).
fn origin_words(origin: StepOrigin, viewer: Viewer, owner: &str) -> String {
    match (origin, viewer) {
        (StepOrigin::Added, Viewer::Owner) | (StepOrigin::Generated, _) | (StepOrigin::Suggested, Viewer::Owner) => {
            origin.label().to_string()
        }
        (StepOrigin::Added, _) => format!("Added by {owner}"),
        (StepOrigin::Suggested, _) => "Suggested by a mentor".to_string(),
    }
}

/// The page itself. (Over 60 lines: the header, then each section in turn.)
fn roadmap_view(view: RoadmapView, page: Page) -> impl IntoView {
    let completion = view.completion();
    let RoadmapView {
        id,
        title,
        career_code,
        career_title,
        status,
        horizon_months,
        target_date,
        explanation,
        owner_first_name,
        share_link_active,
        shared_with_organization,
        steps,
        comments,
        suggestions,
        ..
    } = view;
    let whose = match page.viewer {
        Viewer::Owner => None,
        _ => Some(format!("{owner_first_name}'s roadmap")),
    };
    let (step_comments, roadmap_comments): (Vec<CommentView>, Vec<CommentView>) =
        comments.into_iter().partition(|c| c.step_id.is_some());
    let step_comments = Arc::new(step_comments);
    let page_flash = page.flash.with_value(|flash| {
        flash
            .clone()
            .filter(|flash| Actions::one_button_endpoints().contains(&flash.endpoint.as_str()))
            .map(|flash| flash.error)
    });
    let message = page.message;
    view! {
        <PageMeta title=title.clone() description="A career roadmap on Waypoint: its steps, dates and progress." path=format!("/roadmap/{id}")/>
        <article class="page wide roadmap" aria-labelledby="page-heading">
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <ol>
                    <li><a href="/roadmap">"Roadmaps"</a></li>
                    <li><span aria-current="page">{title.clone()}</span></li>
                </ol>
            </nav>
            <h1 id="page-heading">{title.clone()}</h1>
            {whose.map(|whose| view! { <p class="muted">{whose}</p> })}
            // A refused plain post (no JavaScript) of a one-button form, until something else happens.
            {page_flash.map(|error| view! {
                <div class="error-box" role="alert" hidden=move || message.get().is_some()>
                    <p>{error.to_string()}</p>
                    {matches!(&error, AppError::Conflict(text) if text == STALE_ROADMAP).then(|| view! {
                        <p><a href=format!("/roadmap/{id}")>"Reload the roadmap"</a></p>
                    })}
                </div>
            })}
            <div class="roadmap-summary">
                <p>
                    {status_badge(status)}
                    {career_title.zip(career_code).map(|(career, code)| view! { "Towards "<A href=format!("/careers/{code}")>{career}</A>". " })}
                    {horizon_months.map(|months| format!("Over {}. ", horizon_words(months.clamp(0, 255) as u8)))}
                    {target_date.map(|date| view! { "Target date: "{date_words(date)}"." })}
                </p>
                {completion_view(completion)}
            </div>
            {(!explanation.is_empty()).then(|| view! {
                <details class="roadmap-explanation">
                    <summary>"How this roadmap was made"</summary>
                    <ul>{explanation.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                </details>
            })}
            <section aria-labelledby="steps-heading">
                <h2 id="steps-heading">"Steps"</h2>
                <details class="roadmap-key">
                    <summary>"What the kinds of step mean"</summary>
                    <dl class="details">
                        {StepKind::ALL.iter().map(|kind| view! {
                            <dt><span class=format!("badge roadmap-kind roadmap-kind--{}", kind.key())>{kind.label()}</span></dt>
                            <dd>{kind.meaning()}</dd>
                        }).collect_view()}
                    </dl>
                </details>
                {(page.owner() && steps.len() > 1).then(|| view! {
                    <p class="muted">
                        "Move a step with its \u{201c}Move up\u{201d} and \u{201c}Move down\u{201d} buttons"
                        {move || page.live.get().then_some(", or drag it by its handle (\u{2807})")}"."
                    </p>
                })}
                {steps_view(steps, step_comments, &owner_first_name, page)}
            </section>
            {page.owner().then(|| add_step_form(page))}
            {(page.owner() || !suggestions.is_empty() || page.viewer == Viewer::Mentor).then(|| suggestions_view(suggestions, page))}
            {(page.commenter() || !roadmap_comments.is_empty()).then(|| roadmap_comments_view(roadmap_comments, page))}
            {page.owner().then(|| owner_panel(title.clone(), status, share_link_active, shared_with_organization, page))}
            {(!page.owner()).then(|| view! { <p><A href=format!("/roadmap/{id}/print")>"Print view"</A></p> })}
        </article>
    }
}

fn steps_view(steps: Vec<StepView>, comments: Arc<Vec<CommentView>>, owner: &str, page: Page) -> impl IntoView {
    if steps.is_empty() {
        return view! { <p>"No steps yet."{page.owner().then_some(" Add one below.")}</p> }.into_any();
    }
    let ids = StoredValue::new(steps.iter().map(|step| step.id).collect::<Vec<_>>());
    let count = steps.len();
    view! {
        <ol class="roadmap-steps" data-version=page.version.to_string()>
            {steps.into_iter().enumerate().map(|(index, step)| {
                let mine: Vec<CommentView> = comments.iter().filter(|c| c.step_id == Some(step.id)).cloned().collect();
                step_view(step, index, count, mine, owner.to_string(), ids, page)
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// One step. (Over 60 lines: what it is, then its controls for the owner and its comments.)
fn step_view(
    step: StepView,
    index: usize,
    count: usize,
    comments: Vec<CommentView>,
    owner: String,
    ids: StoredValue<Vec<Uuid>>,
    page: Page,
) -> impl IntoView {
    let saved = step.clone();
    let StepView { id, title, description, kind, status, due_date, reason, origin, completed_at, resources, .. } = step;
    let drag = page.drag;
    let class = move || {
        let mut class = format!("roadmap-step roadmap-step--{}", status.key());
        if drag.over.get() == Some(id) && drag.from.get().is_some_and(|from| from != id) {
            class.push_str(" roadmap-step--drop");
        }
        if drag.from.get() == Some(id) {
            class.push_str(" roadmap-step--dragging");
        }
        class
    };
    let heading_id = format!("step-{id}-title");
    let owner_controls = page.owner().then(|| step_controls(saved, index, count, page));
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let from = drag.from.get_untracked();
        drag.from.set(None);
        drag.over.set(None);
        if let Some(order) = from.and_then(|from| ids.with_value(|ids| dropped_order(ids, from, id))) {
            let order = order.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
            page.actions.reorder.dispatch(ReorderRoadmapSteps { roadmap: page.roadmap, version: page.version, order });
        }
    };
    view! {
        <li class=class id=format!("step-{id}")
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if drag.from.get_untracked().is_some() {
                    ev.prevent_default();
                    drag.over.set(Some(id));
                }
            }
            on:drop=on_drop
        >
            <div class="roadmap-step__head">
                {move || (page.owner() && page.live.get() && count > 1).then(|| drag_handle(id, drag))}
                <span class=format!("badge roadmap-kind roadmap-kind--{}", kind.key())>{kind.label()}</span>
                <h3 id=heading_id class="roadmap-step__title">{title.clone()}</h3>
            </div>
            <p class="roadmap-step__meta">
                <span class=format!("roadmap-step__status roadmap-step__status--{}", status.key())>{format!("Status: {}", status.label())}</span>
                {due_date.map(|date| view! { " · Due "{date_words(date)} })}
                {completed_at.filter(|_| status == StepStatus::Completed).map(|at| view! { " · Done on "{instant_words(at)} })}
            </p>
            {(!reason.is_empty()).then(|| view! { <p class="roadmap-step__reason"><strong>"Why this step: "</strong>{reason}</p> })}
            {(!description.is_empty()).then(|| view! { <p class="prose">{description}</p> })}
            <p class="muted roadmap-step__origin">{origin_words(origin, page.viewer, &owner)}</p>
            {(!resources.is_empty()).then(|| view! {
                <h4>"Resources"</h4>
                <ul class="roadmap-resources">
                    {resources.into_iter().map(|resource| view! {
                        <li>
                            <A href=format!("/resources/{}", resource.slug)>{resource.title}</A>
                            {format!(" · {}", resource.kind_label)}
                            {resource.minutes.map(|minutes| format!(" · {minutes} min"))}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {owner_controls}
            {comments_list(comments, "h4")}
            {page.commenter().then(|| comment_form(Some((id, title)), page))}
        </li>
    }
}

/// The handle a step is dragged by (only once the page is live; the buttons do the same by
/// keyboard, so the handle is hidden from assistive technology).
fn drag_handle(id: Uuid, drag: Drag) -> impl IntoView {
    view! {
        <span class="roadmap-step__handle" draggable="true" aria-hidden="true" title="Drag to move this step"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                drag.from.set(Some(id));
                start_drag(&ev, id);
            }
            on:dragend=move |_| {
                drag.from.set(None);
                drag.over.set(None);
            }
        >"\u{2807}"</span>
    }
}

/// Firefox starts a drag only with data set; the whole step is the image that moves.
#[cfg(feature = "hydrate")]
fn start_drag(ev: &leptos::ev::DragEvent, id: Uuid) {
    use wasm_bindgen::JsCast;
    if let Some(transfer) = ev.data_transfer() {
        transfer.set_effect_allowed("move");
        let _ = transfer.set_data("text/plain", &id.to_string());
        let step = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|handle| handle.closest("li").ok().flatten());
        if let Some(step) = step {
            transfer.set_drag_image(&step, 24, 24);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
fn start_drag(_ev: &leptos::ev::DragEvent, _id: Uuid) {}

/// The order after dropping step `from` onto step `onto` (it takes that step's place); `None`
/// when nothing moves.
fn dropped_order(ids: &[Uuid], from: Uuid, onto: Uuid) -> Option<Vec<Uuid>> {
    let from_index = ids.iter().position(|id| *id == from)?;
    let onto_index = ids.iter().position(|id| *id == onto)?;
    if from_index == onto_index {
        return None;
    }
    let mut order = ids.to_vec();
    let moved = order.remove(from_index);
    order.insert(onto_index, moved);
    Some(order)
}

/// Focuses the moved step's button (the same direction, or the other at an end) once the list
/// for `version` is on the page.
fn focus_moved_step(step: Uuid, up: bool, version: i32, tries: u8) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let document = document();
        let rendered =
            document.query_selector(&format!("ol.roadmap-steps[data-version=\"{version}\"]")).ok().flatten().is_some();
        if rendered {
            let (same, other) = if up { ("up", "down") } else { ("down", "up") };
            let button = document
                .get_element_by_id(&format!("move-{step}-{same}"))
                .or_else(|| document.get_element_by_id(&format!("move-{step}-{other}")));
            if let Some(button) = button.and_then(|button| button.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = button.focus();
            }
        } else if tries > 0 {
            set_timeout(move || focus_moved_step(step, up, version, tries - 1), std::time::Duration::from_millis(50));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (step, up, version, tries);
}

/// The button text for changing a step to `status`.
fn status_button(status: StepStatus) -> &'static str {
    match status {
        StepStatus::InProgress => "Start",
        StepStatus::Completed => "Mark done",
        StepStatus::Skipped => "Skip",
        StepStatus::NotStarted => "Not started",
    }
}

/// The owner's controls on a step: status, moves, and editing or removing it.
fn step_controls(step: StepView, index: usize, count: usize, page: Page) -> impl IntoView {
    let (id, title, status) = (step.id, step.title.clone(), step.status);
    let actions = page.actions;
    let which = format!(": {title}");
    // Each button's name begins with its visible words (label in name) and ends with the step's
    // title, e.g. "Move down: Learn Epic", so among many such buttons each is told apart.
    let (which_up, which_down) = (which.clone(), which.clone());
    view! {
        <div class="roadmap-step__controls">
            <ActionForm action=actions.status attr:class="inline-form">
                <input type="hidden" name="step" value=id.to_string()/>
                {[StepStatus::InProgress, StepStatus::Completed, StepStatus::Skipped, StepStatus::NotStarted]
                    .into_iter()
                    .filter(|choice| *choice != status)
                    .map(|choice| view! {
                        <button type="submit" name="status" value=choice.key() class="button button--secondary button--small">
                            {status_button(choice)}<span class="visually-hidden">{which.clone()}</span>
                        </button>
                    })
                    .collect_view()}
            </ActionForm>
            {(count > 1).then(|| view! {
                <ActionForm action=actions.move_step attr:class="inline-form">
                    <input type="hidden" name="roadmap" value=page.roadmap.to_string()/>
                    <input type="hidden" name="version" value=page.version.to_string()/>
                    <input type="hidden" name="step" value=id.to_string()/>
                    {(index > 0).then(|| view! {
                        <button type="submit" name="direction" value="up" id=format!("move-{id}-up")
                            class="button button--ghost button--small">"Move up"<span class="visually-hidden">{which_up}</span></button>
                    })}
                    {(index + 1 < count).then(|| view! {
                        <button type="submit" name="direction" value="down" id=format!("move-{id}-down")
                            class="button button--ghost button--small">"Move down"<span class="visually-hidden">{which_down}</span></button>
                    })}
                </ActionForm>
            })}
        </div>
        {edit_step(step, page)}
    }
}

/// Editing a step (and removing it), folded away until opened (open after a refused plain post).
fn edit_step(step: StepView, page: Page) -> impl IntoView {
    let actions = page.actions;
    let id = step.id;
    let state = page.form(actions.edit, Some((page.targets.edit, "step", id.to_string())));
    let which = format!(": {}", step.title);
    let (which_save, which_remove) = (which.clone(), which.clone());
    let (open, summary) = (state.refused(), state.summary("This step wasn't saved."));
    let due = step.due_date.map(|date| date.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let prefix = format!("edit-{id}");
    view! {
        <details class="roadmap-step__edit" open=open>
            <summary>"Edit or remove"<span class="visually-hidden">{which}</span></summary>
            <ActionForm action=actions.edit attr:class="form roadmap-step__form">
                <input type="hidden" name="step" value=id.to_string()/>
                {field(format!("{prefix}-title"), "title", "Title", "text", state.value("title", &step.title), &state, true)}
                {field(format!("{prefix}-description"), "description", "Description", "textarea", state.value("description", &step.description), &state, false)}
                {kind_field(format!("{prefix}-kind"), state.value("kind", step.kind.key()), &state)}
                {field(format!("{prefix}-due"), "due_date", "Due date", "date", state.value("due_date", &due), &state, false)}
                {field(format!("{prefix}-reason"), "reason", "Why this step", "textarea", state.value("reason", &step.reason), &state, false)}
                {summary}
                <p><button type="submit" class="button button--small">"Save changes"<span class="visually-hidden">{which_save}</span></button></p>
            </ActionForm>
            <ActionForm action=actions.remove attr:class="inline-form roadmap-step__remove">
                <input type="hidden" name="step" value=id.to_string()/>
                <button type="submit" class="button button--danger button--small">
                    "Remove this step"<span class="visually-hidden">{which_remove}</span>
                </button>
            </ActionForm>
        </details>
    }
}

/// Comments, oldest first.
fn comments_list(comments: Vec<CommentView>, heading: &'static str) -> impl IntoView {
    (!comments.is_empty()).then(|| {
        let title = if heading == "h4" { view! { <h4>"Comments"</h4> }.into_any() } else { ().into_any() };
        view! {
            {title}
            <ul class="roadmap-comments">
                {comments.into_iter().map(|comment| view! {
                    <li>
                        <p class="roadmap-comment__meta">
                            <strong>{comment.author_name}</strong>
                            {if comment.by_owner { " (roadmap owner)" } else { " (mentor)" }}
                            " · "{instant_words(comment.created_at)}
                        </p>
                        <p class="prose">{comment.body}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

/// A comment form: on a step (folded away), or on the whole roadmap.
fn comment_form(step: Option<(Uuid, String)>, page: Page) -> impl IntoView {
    let key = step.as_ref().map(|(id, _)| id.to_string()).unwrap_or_default();
    let state = page.form(page.actions.comment, Some((page.targets.comment, "step", key.clone())));
    let field_id = if key.is_empty() { "comment-roadmap".to_string() } else { format!("comment-{key}") };
    let form = {
        let state = state.clone();
        view! {
            <ActionForm action=page.actions.comment attr:class="form roadmap-comment-form">
                <input type="hidden" name="roadmap" value=page.roadmap.to_string()/>
                <input type="hidden" name="step" value=key.clone()/>
                {field(field_id, "body", "Your comment", "textarea", state.value("body", ""), &state, true)}
                {state.summary("Your comment wasn't posted.")}
                <p><button type="submit" class="button button--small">"Post the comment"</button></p>
            </ActionForm>
        }
    };
    match step {
        Some((_, title)) => view! {
            <details class="roadmap-step__comment" open=state.refused()>
                <summary>"Comment on this step"<span class="visually-hidden">{format!(": {title}")}</span></summary>
                {form}
            </details>
        }
        .into_any(),
        None => form.into_any(),
    }
}

fn roadmap_comments_view(comments: Vec<CommentView>, page: Page) -> impl IntoView {
    view! {
        <section aria-labelledby="comments-heading" class="roadmap-section">
            <h2 id="comments-heading">"Comments on the whole roadmap"</h2>
            {if comments.is_empty() { view! { <p class="muted">"No comments yet."</p> }.into_any() } else { comments_list(comments, "").into_any() }}
            {page.commenter().then(|| comment_form(None, page))}
        </section>
    }
}

fn add_step_form(page: Page) -> impl IntoView {
    let state = page.form(page.actions.add, None);
    view! {
        <section aria-labelledby="add-heading" class="roadmap-section">
            <h2 id="add-heading">"Add a step"</h2>
            <ActionForm action=page.actions.add attr:class="form roadmap-add">
                <input type="hidden" name="roadmap" value=page.roadmap.to_string()/>
                {field("add-title".into(), "title", "Title", "text", state.value("title", ""), &state, true)}
                {field("add-description".into(), "description", "Description", "textarea", state.value("description", ""), &state, false)}
                {kind_field("add-kind".into(), state.value("kind", "learn"), &state)}
                {field("add-due".into(), "due_date", "Due date", "date", state.value("due_date", ""), &state, false)}
                {field("add-reason".into(), "reason", "Why this step", "textarea", state.value("reason", ""), &state, false)}
                {state.summary("The step wasn't added.")}
                <p><button type="submit" class="button">"Add the step"</button></p>
            </ActionForm>
        </section>
    }
}

/// Mentors' suggestions: the owner accepts or declines the waiting ones; a mentor suggests more.
fn suggestions_view(suggestions: Vec<SuggestionView>, page: Page) -> impl IntoView {
    let (pending, decided): (Vec<SuggestionView>, Vec<SuggestionView>) =
        suggestions.into_iter().partition(|s| s.status == SuggestionStatus::Pending);
    let heading = if page.owner() { "Your mentors' suggestions" } else { "Suggested steps" };
    view! {
        <section aria-labelledby="suggestions-heading" class="roadmap-section">
            <h2 id="suggestions-heading">{heading}</h2>
            {if pending.is_empty() {
                view! { <p class="muted">"No suggestions waiting."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list roadmap-suggestions">
                        {pending.into_iter().map(|suggestion| suggestion_card(suggestion, page)).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!decided.is_empty()).then(|| view! {
                <h3>"Answered"</h3>
                <ul class="roadmap-decided">
                    {decided.into_iter().map(|s| view! {
                        <li>{format!("{} \u{201c}{}\u{201d} from {}: {}", s.kind.label(), s.title, s.author_name, s.status.label())}</li>
                    }).collect_view()}
                </ul>
            })}
            {(page.viewer == Viewer::Mentor).then(|| suggest_form(page))}
        </section>
    }
}

fn suggestion_card(suggestion: SuggestionView, page: Page) -> impl IntoView {
    let SuggestionView { id, author_name, title, description, kind, reason, created_at, .. } = suggestion;
    let which = format!(": {title}");
    view! {
        <li class="card">
            <h3>{title.clone()}</h3>
            <p class="muted">
                <span class=format!("badge roadmap-kind roadmap-kind--{}", kind.key())>{kind.label()}</span>
                {format!("From {author_name} · ")}{instant_words(created_at)}
            </p>
            {(!reason.is_empty()).then(|| view! { <p><strong>"Why: "</strong>{reason}</p> })}
            {(!description.is_empty()).then(|| view! { <p class="prose">{description}</p> })}
            {page.owner().then(|| view! {
                <ActionForm action=page.actions.decide attr:class="inline-form">
                    <input type="hidden" name="suggestion" value=id.to_string()/>
                    <button type="submit" name="decision" value="accept" class="button button--small">
                        "Accept"<span class="visually-hidden">{which.clone()}</span>
                    </button>
                    <button type="submit" name="decision" value="decline" class="button button--secondary button--small">
                        "Decline"<span class="visually-hidden">{which.clone()}</span>
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

fn suggest_form(page: Page) -> impl IntoView {
    let state = page.form(page.actions.suggest, None);
    view! {
        <h3 id="suggest-heading">"Suggest a step"</h3>
        <p class="muted">"The student sees it under their roadmap and accepts it (it becomes their last step) or declines it."</p>
        <ActionForm action=page.actions.suggest attr:class="form roadmap-suggest" attr:aria-labelledby="suggest-heading">
            <input type="hidden" name="roadmap" value=page.roadmap.to_string()/>
            {field("suggest-title".into(), "title", "Title", "text", state.value("title", ""), &state, true)}
            {field("suggest-description".into(), "description", "Description", "textarea", state.value("description", ""), &state, false)}
            {kind_field("suggest-kind".into(), state.value("kind", "learn"), &state)}
            {field("suggest-reason".into(), "reason", "Why this step", "textarea", state.value("reason", ""), &state, false)}
            {state.summary("Your suggestion wasn't sent.")}
            <p><button type="submit" class="button">"Send the suggestion"</button></p>
        </ActionForm>
    }
}

/// The owner's panel: share link, organization, print, archive, delete.
fn owner_panel(
    title: String,
    status: RoadmapStatus,
    share_link_active: bool,
    shared_with_organization: bool,
    page: Page,
) -> impl IntoView {
    let actions = page.actions;
    let roadmap = page.roadmap.to_string();
    let (for_share, for_revoke, for_org, for_archive) =
        (roadmap.clone(), roadmap.clone(), roadmap.clone(), roadmap.clone());
    let archived = status == RoadmapStatus::Archived;
    let new_link = move || match actions.share.value().get() {
        Some(Ok(link)) if share_link_active => Some(SiteUrl::current().absolute(&link.path)),
        _ => None,
    };
    view! {
        <section aria-labelledby="share-heading" class="roadmap-section roadmap-share">
            <h2 id="share-heading">"Share, print and keep"</h2>
            <h3>"Share link"</h3>
            <p>{if share_link_active {
                "A read-only share link is on: anyone who has it can read the steps (not your name). Turn it off any time."
            } else if archived {
                "Restore the roadmap to share it."
            } else {
                "No share link is on. A link lets anyone who has it read this roadmap's steps, without your name."
            }}</p>
            {move || new_link().map(|url| view! {
                <div class="field roadmap-share__link">
                    <label for="share-link">"Your share link"</label>
                    <input id="share-link" type="text" readonly value=url aria-describedby="share-link-note"/>
                    <p class="field-hint" id="share-link-note">"Copy it now: it is shown only this once. Making a new link stops this one working."</p>
                </div>
            })}
            {(!archived).then(|| view! {
                <ActionForm action=actions.share attr:class="inline-form">
                    <input type="hidden" name="roadmap" value=for_share/>
                    <button type="submit" class="button button--secondary">
                        {if share_link_active { "Make a new share link" } else { "Make a share link" }}
                    </button>
                </ActionForm>
            })}
            {share_link_active.then(|| view! {
                <ActionForm action=actions.revoke attr:class="inline-form">
                    <input type="hidden" name="roadmap" value=for_revoke/>
                    <button type="submit" class="button button--secondary">"Turn off the share link"</button>
                </ActionForm>
            })}
            {share_link_active.then(|| view! { <p class="field-hint">"Making a new link stops the old one."</p> })}
            <h3>"Your organization"</h3>
            <p>{if shared_with_organization {
                "Your organization's administrators can see this roadmap."
            } else {
                "Only you and your mentors can see this roadmap. Your organization's administrators see counts, never your steps."
            }}</p>
            <ActionForm action=actions.share_org attr:class="inline-form">
                <input type="hidden" name="roadmap" value=for_org/>
                {if shared_with_organization {
                    view! { <button type="submit" name="action" value="stop" class="button button--secondary">"Stop letting my organization's administrators see this roadmap"</button> }.into_any()
                } else {
                    view! { <button type="submit" name="action" value="share" class="button button--secondary">"Let my organization's administrators see this roadmap"</button> }.into_any()
                }}
            </ActionForm>
            <h3>"Print"</h3>
            <p><A href=format!("/roadmap/{}/print", page.roadmap)>"Print view"</A>" (the steps with boxes to tick, dates and resources)"</p>
            <h3>"Archive or delete"</h3>
            <p class="muted">{if archived {
                "Archived: kept and readable, not counted against your plan. Restore it to use it again."
            } else {
                "Archive a roadmap you've finished or put aside: it stays here to read, and stops counting against your plan."
            }}</p>
            <ActionForm action=actions.archive attr:class="inline-form">
                <input type="hidden" name="roadmap" value=for_archive/>
                {if archived {
                    view! { <button type="submit" name="action" value="restore" class="button button--secondary">"Restore this roadmap"</button> }.into_any()
                } else {
                    view! { <button type="submit" name="action" value="archive" class="button button--secondary">"Archive this roadmap"</button> }.into_any()
                }}
            </ActionForm>
            <details class="roadmap-delete">
                <summary>"Delete this roadmap"</summary>
                <p>"Deleting removes the roadmap, its steps, comments and progress for good. It can't be undone."</p>
                <ActionForm action=actions.delete attr:class="inline-form">
                    <input type="hidden" name="roadmap" value=roadmap/>
                    <button type="submit" class="button button--danger">{format!("Delete \u{201c}{title}\u{201d} for good")}</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_step_takes_the_place_of_the_one_it_lands_on() {
        let (a, b, c, d) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let ids = [a, b, c, d];
        assert_eq!(dropped_order(&ids, a, c).unwrap(), [b, c, a, d]);
        assert_eq!(dropped_order(&ids, d, b).unwrap(), [a, d, b, c]);
        assert_eq!(dropped_order(&ids, b, b), None);
        assert_eq!(dropped_order(&ids, b, Uuid::new_v4()), None);
    }

    #[test]
    fn status_buttons_say_what_they_do() {
        assert_eq!(status_button(StepStatus::Completed), "Mark done");
        assert_eq!(status_button(StepStatus::InProgress), "Start");
        assert_eq!(origin_words(StepOrigin::Added, Viewer::Owner, "Sam"), "Added by you");
        assert_eq!(origin_words(StepOrigin::Added, Viewer::Mentor, "Sam"), "Added by Sam");
    }
}
