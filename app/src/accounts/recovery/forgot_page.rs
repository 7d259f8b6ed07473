//! `/forgot-password`: asks for the account's address and sends it a link to choose a new
//! password. The answer is the same whether or not an account has the address.

use super::{RequestPasswordReset, RESET_REQUESTED};
use crate::accounts::EmailAddress;
use crate::ui::{form_flash, parses, ActionOutcome, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/forgot-password`
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    // A refused plain post comes back here with its message (ui::form); an accepted one has no
    // action value to show, so the server sends it back with `?sent=1` instead.
    let flash = form_flash();
    let sent = move || match request.value().get() {
        Some(answer) => answer.is_ok(),
        None => query.read().get("sent").as_deref() == Some("1"),
    };
    view! {
        <PageMeta title="Forgot your password" description="Get a link by email to choose a new password for your Waypoint account." path="/forgot-password"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <h1 id="page-heading">"Forgot your password?"</h1>
            <p class="lead">"Enter the email address of your Waypoint account and we'll send it a link to choose a new password."</p>
            <Show when=sent>
                <div class="success-box" role="status"><p>{RESET_REQUESTED}</p></div>
            </Show>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = FormFeedback::new(request, flash.await);
                    let summary = feedback.clone();
                    view! {
                        <ActionForm action=request attr:class="form" attr:novalidate="">
                            <WithFeedback feedback>
                                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true check={parses::<EmailAddress>}
                                    hint="The address you signed up with, or the one you changed it to since."/>
                                <ActionOutcome value=move || summary.error().map(Err)/>
                                <button type="submit" class="button" disabled=move || request.pending().get()>"Email me a link"</button>
                            </WithFeedback>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p>"No email after a few minutes? Check your spam folder, or ask for another link."</p>
            <p>"Remembered it? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}
