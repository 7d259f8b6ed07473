//! `/email/unsubscribe/:token`: where an email's "Unsubscribe" link leads. Opening the page
//! changes nothing (mail scanners fetch links before people do): it asks, and the button
//! posts the signed token to `unsubscribe`. Mail programs that support one-click unsubscribe
//! (RFC 8058) post to the server directly and never show this page.

use super::api::Unsubscribe;
use super::domain::{Category, Unsubscribed};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/email/unsubscribe/:token`
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let unsubscribe = ServerAction::<Unsubscribe>::new();
    // Without JavaScript the form posts itself and the server sends the browser back here; the
    // outcome comes with it as `?done=<category>` (and `&already=1`), words chosen from the
    // known categories only.
    let query = use_query_map();
    let returned = move || {
        query.with(|query| {
            let category = query.get("done").as_deref().and_then(Category::parse)?;
            Some(if query.get("already").as_deref() == Some("1") {
                Unsubscribed::Already(category)
            } else {
                Unsubscribed::Now(category)
            })
        })
    };
    let outcome = move || match unsubscribe.value().get() {
        Some(answer) => Some(answer),
        None => returned().map(Ok),
    };
    view! {
        <Title text="Unsubscribe · Waypoint"/>
        <Meta name="description" content="Stop one kind of email from Waypoint."/>
        <Meta name="robots" content="noindex"/>
        <section class="page narrow unsubscribe-page" aria-labelledby="page-heading">
            <h1 id="page-heading">"Unsubscribe"</h1>
            // The question and its form stay in place (and the button keeps the focus) while an
            // error comes and goes; they give way to the outcome once the link has worked.
            {move || outcome().and_then(Result::ok).map(done_view)}
            <Show when=move || !matches!(outcome(), Some(Ok(_)))>
                <h2>"Stop these emails?"</h2>
                <p>"This turns off emails about the kind of thing the email you came from was about, such as your sessions or your payments. Nothing else changes: you'll still see them in the app, and emails about your account itself are always sent."</p>
                {move || outcome().and_then(Result::err).map(error_view)}
                <ActionForm action=unsubscribe attr:class="form">
                    <input type="hidden" name="token" value=token/>
                    // Not disabled while pending: a focused button that becomes disabled loses the keyboard focus.
                    <p><button type="submit" class="button" aria-busy=move || unsubscribe.pending().get().then_some("true")>"Unsubscribe"</button></p>
                </ActionForm>
                <p><A href="/account/notifications">"Choose what you get instead"</A><span class="muted">" (you'll need to sign in)"</span></p>
            </Show>
        </section>
    }
}

/// What the link did, and where to change it again.
fn done_view(done: Unsubscribed) -> impl IntoView {
    let message = match done {
        Unsubscribed::Now(category) => format!("You won't get emails about {} any more.", category.label()),
        Unsubscribed::Already(category) => {
            format!("This link was already used: emails about {} are off.", category.label())
        }
    };
    view! {
        <div class="success-box" role="status"><p>{message}</p></div>
        <p>"You can turn them back on, or change anything else you hear about, in your settings. "
            <A href="/account/notifications">"Choose what you get"</A></p>
    }
}

/// A forged, damaged or outdated link, or the server briefly away.
fn error_view(error: AppError) -> impl IntoView {
    view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }
}
