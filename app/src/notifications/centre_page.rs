//! `/notifications`: the notification centre. The signed-in person's notifications, newest
//! first and a page at a time, each leading to what it is about, with its unread ones marked and
//! ways to mark one or all of them read. Marking changes the header's badge through the live
//! stream (the server announces every change of the unread count).

use super::api::{notifications_page, MarkAllNotificationsRead, MarkNotificationRead};
use super::domain::{NotificationItem, NotificationPage};
use crate::accounts::RequireUser;
use crate::ui::{ActionOutcome, ErrorMessages, PageMeta};
use chrono::{DateTime, SecondsFormat, Utc};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/notifications`
#[component]
pub fn NotificationsPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let query = use_query_map();
    let page = move || page_number(query.read().get("page").as_deref());
    let mark_one = ServerAction::<MarkNotificationRead>::new();
    let mark_all = ServerAction::<MarkAllNotificationsRead>::new();
    let list = Resource::new(
        move || (page(), mark_one.version().get(), mark_all.version().get()),
        |(page, _, _)| notifications_page(page),
    );
    view! {
        <PageMeta title="Notifications" description="What has happened with your sessions, payments, plan and roadmaps on Waypoint." path="/notifications"/>
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |_user| view! {
            <section class="page notifications-page" aria-labelledby="page-heading">
                <h1 id="page-heading">"Notifications"</h1>
                <p><A href="/account/notifications">"Notification settings"</A>
                    <span class="muted">": choose what you hear about, in the app and by email."</span></p>
                // Errors only: a success shows as the list itself changing.
                <ActionOutcome value=move || mark_one.value().get()/>
                <ActionOutcome value=move || mark_all.value().get()/>
                <Transition fallback=|| view! { <p class="loading">"Loading your notifications…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move {
                            list.await.map(|page| centre_view(page, mark_one, mark_all))
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        }/>
    }
}

/// The `?page=` number: 1-based; missing, zero or anything else unreadable is the first page.
pub(super) fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|raw| raw.trim().parse::<u32>().ok()).filter(|page| *page >= 1).unwrap_or(1)
}

/// An instant as people read it (in UTC, said so) inside a machine-readable `<time>`.
pub(super) fn time_view(at: DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=at.to_rfc3339_opts(SecondsFormat::Secs, true)>{at.format("%-d %B %Y, %H:%M UTC").to_string()}</time> }
}

/// "3 unread", or that everything has been read.
fn unread_words(unread: i64) -> String {
    match unread {
        n if n <= 0 => "Everything has been read.".to_string(),
        n => format!("{n} unread"),
    }
}

fn centre_view(
    page: NotificationPage,
    mark_one: ServerAction<MarkNotificationRead>,
    mark_all: ServerAction<MarkAllNotificationsRead>,
) -> impl IntoView {
    let NotificationPage { items, page, has_more, unread } = page;
    let list = if items.is_empty() {
        empty_view(page).into_any()
    } else {
        view! {
            <ol class="notification-list">
                {items.into_iter().map(|item| item_view(item, mark_one)).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <div class="notifications-toolbar">
            <p class="status-line">{unread_words(unread)}</p>
            {(unread > 0).then(|| view! {
                <ActionForm action=mark_all attr:class="inline-form">
                    // Not disabled while pending: a focused button that becomes disabled loses the keyboard focus.
                    <button type="submit" class="button button--secondary button--small"
                        aria-busy=move || mark_all.pending().get().then_some("true")>"Mark all as read"</button>
                </ActionForm>
            })}
        </div>
        {list}
        {pager("/notifications", page, has_more)}
    }
}

/// "Newer" and "Older" links around the page number of a newest-first list at `path`.
pub(super) fn pager(path: &'static str, page: u32, has_more: bool) -> impl IntoView {
    let link = move |n: u32| format!("{path}?page={n}");
    (page > 1 || has_more).then(|| {
        view! {
            <nav aria-label="Pages" class="pager">
                {(page > 1).then(|| view! { <A href=link(page - 1)>"Newer"</A> })}
                <span>{format!("Page {page}")}</span>
                {has_more.then(|| view! { <A href=link(page + 1)>"Older"</A> })}
            </nav>
        }
    })
}

/// Nothing on this page: on the first, nothing has happened yet; later, the list has moved on.
fn empty_view(page: u32) -> impl IntoView {
    if page > 1 {
        return view! {
            <p>"There's nothing on this page any more. "<A href="/notifications">"Go to your latest notifications"</A></p>
        }
        .into_any();
    }
    view! {
        <div class="notifications-empty">
            <p>"Nothing here yet."</p>
            <p class="muted">
                "When a session is requested, confirmed, declined, moved or cancelled, when one is coming up, "
                "when a payment goes through or fails, and when your plan renews or a mentor comments on your roadmap, "
                "you'll find it here."
            </p>
        </div>
    }
    .into_any()
}

fn item_view(item: NotificationItem, mark_one: ServerAction<MarkNotificationRead>) -> impl IntoView {
    let NotificationItem { id, category, title, body, unread, created_at, link } = item;
    // Which notification the button marks, for screen readers among many such buttons.
    let which = format!(": {title}");
    let heading = match link {
        Some(href) => view! { <A href=href>{title}</A> }.into_any(),
        None => title.into_any(),
    };
    let class = if unread { "notification notification--unread" } else { "notification" };
    view! {
        <li class=class>
            <h2 class="notification__title">
                // Said in words, not only by colour or weight.
                {unread.then(|| view! { <span class="notification__marker">"Unread"</span>" " })}
                {heading}
            </h2>
            <p class="notification__body">{body}</p>
            <p class="notification__meta muted">{category.label()}" · "{time_view(created_at)}</p>
            {unread.then(|| view! {
                <ActionForm action=mark_one attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button button--ghost button--small">
                        "Mark as read"<span class="visually-hidden">{which}</span>
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_unreadable_page_is_the_first() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("")), 1);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("-2")), 1);
        assert_eq!(page_number(Some("two")), 1);
        assert_eq!(page_number(Some("99999999999")), 1);
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some(" 2 ")), 2);
    }

    #[test]
    fn the_unread_count_reads_as_words() {
        assert_eq!(unread_words(3), "3 unread");
        assert_eq!(unread_words(0), "Everything has been read.");
    }
}
