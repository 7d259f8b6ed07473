//! `/resources/:slug`: one resource, rendered in full on the server for readers and crawlers
//! (title, description, canonical link, OpenGraph and schema.org JSON-LD), with the reader's
//! progress. A renamed resource's old address answers 301 with the new one; an unknown one 404.

use super::api::{resource_by_slug, SetResourceProgress};
use super::domain::{json_ld, CareerLink, ProgressStatus, ResourceLookup, ResourceStatus, ResourceView, Source};
use super::library_page::{minutes_label, tag_list};
use crate::accounts::encode_query_value;
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, JsonLd, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use uuid::Uuid;

#[component]
pub fn ResourcePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let lookup = Resource::new(slug, resource_by_slug);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the resource…"</p> }>
            <ErrorBoundary fallback=|errors| view! {
                <section class="page" aria-labelledby="page-heading">
                    <h1 id="page-heading">"Resource library"</h1>
                    <ErrorMessages errors/>
                </section>
            }>
                {move || Suspend::new(async move {
                    match lookup.await {
                        Ok(ResourceLookup::Found(resource)) => Ok(view! { <ResourceArticle resource=*resource/> }.into_any()),
                        Ok(ResourceLookup::Moved(slug)) => Ok(view! { <Moved slug/> }.into_any()),
                        // The server function's error has already set the 404 (`AppError::respond`).
                        Err(AppError::NotFound(_)) => Ok(view! {
                            <crate::ui::NotFound title="Resource not found" heading="We couldn't find that resource"
                                lead="It may have been removed, or the address may be mistyped. The library's search will find what you need."
                                href="/resources" link="Search the resource library"/>
                        }.into_any()),
                        Err(error) => Err(error),
                    }
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// An old address of a renamed resource: 301 to the new one on the server (so crawlers and
/// browsers without JavaScript follow it), a replacing navigation in the browser.
#[component]
fn Moved(slug: String) -> impl IntoView {
    let path = format!("/resources/{slug}");
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        match http::HeaderValue::from_str(&path) {
            Ok(location) => {
                response.set_status(http::StatusCode::MOVED_PERMANENTLY);
                response.insert_header(http::header::LOCATION, location);
            }
            Err(error) => tracing::error!(%error, %path, "a moved resource's address isn't a valid header"),
        }
    }
    let navigate = use_navigate();
    let to = path.clone();
    Effect::new(move |_| navigate(&to, NavigateOptions { replace: true, ..Default::default() }));
    view! {
        <Title text="Resource moved · Waypoint"/>
        <Meta name="robots" content="noindex"/>
        <section class="page" aria-labelledby="page-heading">
            <h1 id="page-heading">"This resource has moved"</h1>
            <p>"This resource moved to " <A href=path.clone()>{path}</A> "."</p>
        </section>
    }
}

#[component]
fn ResourceArticle(resource: ResourceView) -> impl IntoView {
    let site = SiteUrl::current();
    let path = format!("/resources/{}", resource.slug);
    let structured = json_ld(&resource, &site.absolute(&path), &site.0);
    let ResourceView {
        id,
        title,
        description,
        kind,
        difficulty,
        status,
        minutes,
        tags,
        content_html,
        url,
        sources,
        careers,
        organization_only,
        updated_at,
        progress,
        editable,
        ..
    } = resource;
    let mut facts = vec![kind.label().to_string(), difficulty.label().to_string()];
    facts.extend(minutes.map(minutes_label));
    facts.push(format!("Updated {}", updated_at.format("%-d %B %Y")));
    let notice = match status {
        ResourceStatus::Draft => Some("Draft: only you and the library's editors see this."),
        ResourceStatus::Archived => Some("Archived: this resource no longer appears in the library's search."),
        ResourceStatus::Published => None,
    };
    view! {
        <PageMeta title=title.clone() description=description.clone() path=path.clone() og_type="article"/>
        {(status != ResourceStatus::Published).then(|| view! { <Meta name="robots" content="noindex"/> })}
        <JsonLd value=structured/>
        <article class="page resource" aria-labelledby="page-heading">
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <ol>
                    <li><a href="/resources">"Resource library"</a></li>
                    <li><span aria-current="page">{title.clone()}</span></li>
                </ol>
            </nav>
            {notice.map(|notice| view! { <p class="notice">{notice}</p> })}
            <h1 id="page-heading">{title.clone()}</h1>
            <p class="resource__facts">
                {facts.join(" · ")}
                {organization_only.then(|| view! { " " <span class="badge">"Only your organization"</span> })}
            </p>
            <p class="lead">{description}</p>
            {tag_list(tags)}
            <p class="resource__actions">
                {url.map(|url| view! {
                    <a class="button" href=url rel="noopener noreferrer">
                        {format!("Open {}", kind.label().to_lowercase())}
                        <span class="visually-hidden">" (on another website)"</span>
                    </a>
                })}
                {editable.then(|| view! {
                    " " <A href=format!("/resources/manage/{id}") attr:class="button button--secondary">"Edit this resource"</A>
                })}
            </p>
            {(!content_html.trim().is_empty()).then(|| view! {
                // Sanitised when it was saved (resources::markdown), so it is placed as HTML.
                <div class="resource-content" inner_html=content_html></div>
            })}
            {(!careers.is_empty()).then(|| careers_section(careers))}
            {(!sources.is_empty()).then(|| sources_section(sources))}
            {match progress {
                Some(current) if status == ResourceStatus::Published => view! { <ProgressControl id current/> }.into_any(),
                Some(_) => ().into_any(),
                None => view! {
                    <section class="resource__progress" aria-labelledby="progress-heading">
                        <h2 id="progress-heading">"Your progress"</h2>
                        <p>
                            <A href=format!("/sign-in?next={}", encode_query_value(&path))>"Sign in to keep track of what you've read"</A>
                            ", and find it again on your account page."
                        </p>
                    </section>
                }.into_any(),
            }}
        </article>
    }
}

fn careers_section(careers: Vec<CareerLink>) -> impl IntoView {
    view! {
        <section aria-labelledby="careers-heading">
            <h2 id="careers-heading">"Careers it's about"</h2>
            <ul class="related-list">
                {careers.into_iter().map(|career| view! {
                    <li><A href=format!("/careers/{}", career.code)>{career.title}</A></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn sources_section(sources: Vec<Source>) -> impl IntoView {
    view! {
        <section aria-labelledby="sources-heading">
            <h2 id="sources-heading">"Sources"</h2>
            <ul class="resource__sources">
                {sources.into_iter().map(|source| view! {
                    <li><a href=source.url rel="noopener noreferrer">{source.title}</a></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Not started / in progress / completed: one form whose buttons send their status (so it
/// posts without JavaScript too), the current one pressed, and a status line after saving.
#[component]
fn ProgressControl(id: Uuid, current: ProgressStatus) -> impl IntoView {
    let save = ServerAction::<SetResourceProgress>::new();
    let current = RwSignal::new(current);
    // The status being saved, kept from the action's input (cleared once it answers).
    let sending = StoredValue::new(None::<ProgressStatus>);
    Effect::new(move |_| {
        if let Some(input) = save.input().get() {
            sending.set_value(ProgressStatus::from_key(&input.status));
        }
    });
    // One signal for the status line, set once per answer, so it is announced once.
    let message = RwSignal::new(String::new());
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            if let Some(saved) = sending.get_value() {
                current.set(saved);
                message.set(format!("Marked as {}.", saved.label().to_lowercase()));
            }
        }
        Some(Err(_)) => message.set(String::new()),
        None => {}
    });
    view! {
        <section class="resource__progress" aria-labelledby="progress-heading">
            <h2 id="progress-heading">"Your progress"</h2>
            <ActionForm action=save attr:class="segmented">
                <input type="hidden" name="id" value=id.to_string()/>
                {ProgressStatus::ALL.iter().map(|status| {
                    let status = *status;
                    view! {
                        <button type="submit" name="status" value=status.key() class="segmented__option"
                            aria-pressed=move || (current.get() == status).to_string()>
                            {status.label()}
                        </button>
                    }
                }).collect_view()}
            </ActionForm>
            <p class="save-status" role="status">{move || message.get()}</p>
            <ActionOutcome value=move || save.value().get().filter(Result::is_err)/>
        </section>
    }
}
