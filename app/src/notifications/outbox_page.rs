//! `/admin/outbox` and `/admin/outbox/:id`: the email outbox for administrators: every message
//! written, what became of it (sent, kept, waiting, failed), and each one as its recipient would
//! read it. Without a mail server (`SMTP_URL` unset, the `make run` default) mail is kept, and
//! this is where a demo reads it.

use super::api::{outbox, outbox_message};
use super::centre_page::{page_number, pager, time_view};
use super::domain::{EmailPreview, OutboxLine, OutboxPage as OutboxPageData};
use crate::admin::AdminSection;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

/// `/admin/outbox`
#[component]
pub fn OutboxPage() -> impl IntoView {
    // Made here, not inside RequireAdmin's children (hydration ids; see admin/users.rs).
    let query = use_query_map();
    let page = move || page_number(query.read().get("page").as_deref());
    let messages = Resource::new(page, outbox);
    view! {
        <PageMeta title="Outbox" description="Every email Waypoint has written, what became of it, and each one as its recipient reads it." path="/admin/outbox"/>
        <Meta name="robots" content="noindex"/>
        <AdminSection heading=Some("Outbox")>
            <p class="lead">"Every email Waypoint has written, newest first, and what became of it."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading the outbox…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move { messages.await.map(outbox_view) })}
                </ErrorBoundary>
            </Transition>
        </AdminSection>
    }
}

fn outbox_view(page: OutboxPageData) -> impl IntoView {
    let OutboxPageData { lines, page, has_more, keeping } = page;
    let table = if lines.is_empty() {
        view! { <p>"No emails yet: they appear here as soon as something happens that someone gets an email about."</p> }.into_any()
    } else {
        view! {
            <div class="table-scroll">
                <table class="data-table outbox-table">
                    <caption class="visually-hidden">"Emails, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Written"</th>
                            <th scope="col">"To"</th>
                            <th scope="col">"Subject"</th>
                            <th scope="col">"About"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col">"Last error"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {lines.into_iter().map(line_view).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        {keeping.then(|| view! {
            <div class="notice">
                <p>"No mail server is configured (SMTP_URL is not set), so emails are kept here instead of sent. Open one to read it as its recipient would."</p>
            </div>
        })}
        {table}
        {pager("/admin/outbox", page, has_more)}
    }
}

fn line_view(line: OutboxLine) -> impl IntoView {
    let OutboxLine { id, to, subject, category, status, attempts, last_error, created_at, .. } = line;
    view! {
        <tr>
            <td>{time_view(created_at)}</td>
            <td class="outbox-table__to">{to}</td>
            <td><A href=format!("/admin/outbox/{id}")>{subject}</A></td>
            <td>{category.label()}</td>
            <td>{status.label()}</td>
            <td>{attempts}</td>
            <td>{match last_error {
                Some(error) => error.into_any(),
                None => view! { <span class="muted">"None"</span> }.into_any(),
            }}</td>
        </tr>
    }
}

/// `/admin/outbox/:id`
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    // Made here, not inside RequireAdmin's children (hydration ids; see admin/users.rs).
    let params = use_params_map();
    let message = Resource::new(
        move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok()),
        |id| async move {
            match id {
                Some(id) => outbox_message(id).await,
                None => Err(AppError::NotFound("that message".into())),
            }
        },
    );
    view! {
        <PageMeta title="Outbox message" description="One email from the outbox, as its recipient reads it." path="/admin/outbox"/>
        <Meta name="robots" content="noindex"/>
        <AdminSection heading=Some("Outbox message")>
            <p><A href="/admin/outbox">"Back to the outbox"</A></p>
            <Transition fallback=|| view! { <p class="loading">"Loading the message…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        match message.await {
                            Ok(message) => Ok(message_view(message).into_any()),
                            Err(AppError::NotFound(_)) => Ok(not_found().into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        </AdminSection>
    }
}

/// A message id that isn't one (or names no message this administrator may read).
fn not_found() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="error-box" role="alert">
            <p><strong>"We couldn't find that message."</strong></p>
            <p>"Its address may be mistyped, or it may belong to another organization. Every message you can read is listed in the outbox."</p>
        </div>
    }
}

fn message_view(message: EmailPreview) -> impl IntoView {
    let EmailPreview {
        id,
        to,
        from,
        subject,
        text,
        html: _,
        attachment,
        unsubscribe,
        status,
        created_at,
        sent_at,
        last_error,
    } = message;
    let frame_title = format!("{subject}: HTML version");
    view! {
        <article class="email-preview" aria-labelledby="email-subject">
            <h2 id="email-subject">{subject.clone()}</h2>
            <dl class="details">
                <dt>"From"</dt><dd>{from}</dd>
                <dt>"To"</dt><dd>{to}</dd>
                <dt>"Subject"</dt><dd>{subject}</dd>
                <dt>"Status"</dt><dd>{status.label()}</dd>
                <dt>"Written"</dt><dd>{time_view(created_at)}</dd>
                {sent_at.map(|at| view! { <dt>"Sent"</dt><dd>{time_view(at)}</dd> })}
                {last_error.map(|error| view! { <dt>"Last error"</dt><dd>{error}</dd> })}
                {unsubscribe.map(|address| view! { <dt>"Unsubscribe address"</dt><dd class="email-preview__address">{address}</dd> })}
                {attachment.map(|name| view! { <dt>"Attachment"</dt><dd>{name}</dd> })}
            </dl>
            <section aria-labelledby="email-text-heading">
                <h3 id="email-text-heading">"Plain text"</h3>
                <pre class="email-text">{text}</pre>
            </section>
            <section aria-labelledby="email-html-heading">
                <h3 id="email-html-heading">"HTML"</h3>
                // A sandboxed frame of its own (no scripts, no forms, a unique origin), loaded
                // from its own address with its own policy (inline styles, as mail clients
                // allow; nothing else): the email's markup never becomes part of this page.
                <iframe class="email-html" sandbox="" src=format!("/admin/outbox/{id}/html") title=frame_title></iframe>
            </section>
        </article>
    }
}
