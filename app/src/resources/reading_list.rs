//! "Your reading" on the account page: the resources the person has started or finished.

use super::domain::{ProgressStatus, ReadingItem};
use crate::error::AppError;
use crate::ui::ErrorMessages;
use leptos::prelude::*;
use leptos_router::components::A;

/// The reading list; `reading` is `my_reading()`, made where the account page makes its own
/// resources (see `accounts::AccountSections`), never inside its children.
#[component]
pub fn ReadingList(reading: Resource<Result<Vec<ReadingItem>, AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="reading-heading" class="account-section">
            <h2 id="reading-heading">"Your reading"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading your reading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move { reading.await.map(reading_view) })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn reading_view(items: Vec<ReadingItem>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p>
                "Nothing yet. Mark a resource as in progress or completed and it appears here. "
                <A href="/resources">"Find something to read in the resource library"</A>"."
            </p>
        }
        .into_any();
    }
    let (done, reading): (Vec<ReadingItem>, Vec<ReadingItem>) = items.into_iter().partition(|item| item.status == ProgressStatus::Completed);
    view! {
        {(!reading.is_empty()).then(|| list("reading-now-heading", "In progress", reading))}
        {(!done.is_empty()).then(|| list("reading-done-heading", "Completed", done))}
        <p><A href="/resources">"Find more in the resource library"</A></p>
    }
    .into_any()
}

fn list(id: &'static str, heading: &'static str, items: Vec<ReadingItem>) -> impl IntoView {
    view! {
        <h3 id=id>{heading}</h3>
        <ul class="result-list reading-list" aria-labelledby=id>
            {items.into_iter().map(|item| {
                let when = match item.status {
                    ProgressStatus::Completed => "finished",
                    _ => "last updated",
                };
                view! {
                    <li>
                        <A href=format!("/resources/{}", item.slug)>{item.title}</A>
                        {format!(" · {} · {} {}", item.kind.label(), when, item.updated_at.format("%-d %B %Y"))}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
