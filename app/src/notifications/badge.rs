//! The header's way to the notification centre, with the unread count. The count is rendered
//! on the server at each page load (so it is right without JavaScript); once the page has
//! hydrated, the browser listens to `/notifications/live` (server-sent events, named "unread",
//! whose data is the count) and the badge follows without a reload. `EventSource` reconnects by
//! itself after a dropped connection, and the server sends the count again on each connection.

use leptos::prelude::*;
use leptos_router::components::A;

/// The link to `/notifications` and, when something is unread, its count in a badge. Its
/// accessible name carries the count ("Notifications, 3 unread"); the number alone sits in the
/// visible badge, hidden from screen readers so it isn't read twice.
///
/// `loaded` is the count at page load, awaited by the header's own `Suspend` (the badge has no
/// suspense boundary of its own: one inside the header's would take a hydration id at a
/// different moment on the server than in the browser, and shift every resource of the page).
#[component]
pub fn NotificationBadge(loaded: i64) -> impl IntoView {
    // The live stream's latest count; `None` until its first event, so the page load's count shows.
    let live = RwSignal::new(None::<i64>);
    // Effects run only in the browser, after hydration: the server never opens a stream.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| stream::listen(live));
    // `try_get`: when the person signs out the header may still show this view for a moment
    // after the badge (and its signal) is gone.
    let count = move || live.try_get().flatten().unwrap_or(loaded).max(0);
    view! {
        <A href="/notifications" attr:class="notification-link">
            "Notifications"
            <Show when=move || { count() > 0 }>
                <span class="visually-hidden">{move || format!(", {} unread", count())}</span>
                <span class="badge" aria-hidden="true" data-testid="unread-badge">{count}</span>
            </Show>
        </A>
    }
}

/// The browser's side of the live stream.
#[cfg(feature = "hydrate")]
mod stream {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    const URL: &str = "/notifications/live";
    const EVENT: &str = "unread";

    type Listener = Closure<dyn FnMut(MessageEvent)>;

    /// Opens the stream and sets `live` from each "unread" event, until the calling owner (the
    /// badge's effect) is cleaned up: then the stream is closed before its listener is dropped,
    /// so a late event never calls a freed closure. The header renders the badge again when the
    /// person signs in or out, so this runs (and is cleaned up) more than once per page.
    pub fn listen(live: RwSignal<Option<i64>>) {
        let source = match EventSource::new(URL) {
            Ok(source) => source,
            Err(error) => {
                leptos::logging::warn!("the live notification count is off: {error:?}");
                return;
            }
        };
        let on_unread: Listener = Closure::new(move |event: MessageEvent| {
            match event.data().as_string().and_then(|data| data.trim().parse::<i64>().ok()) {
                // `try_set`: the badge may be going away as an event arrives.
                Some(count) => {
                    let _ = live.try_set(Some(count));
                }
                None => leptos::logging::warn!("an unread event without a count: {:?}", event.data()),
            }
        });
        if let Err(error) = source.add_event_listener_with_callback(EVENT, on_unread.as_ref().unchecked_ref()) {
            leptos::logging::warn!("the live notification count is off: {error:?}");
            source.close();
            return;
        }
        // Kept by the owner (neither sent between threads nor leaked): the listener lives as
        // long as the stream it listens to.
        let held = StoredValue::new_local(Some((source, on_unread)));
        on_cleanup(move || {
            if let Some((source, on_unread)) = held.try_update_value(Option::take).flatten() {
                let _ = source.remove_event_listener_with_callback(EVENT, on_unread.as_ref().unchecked_ref());
                source.close();
            }
        });
    }
}
