//! `/reset-password/:token`: the page a reset email links to. It asks whether the link is still
//! good before showing the form, so nobody types a new password into a form that can only fail.

use super::{reset_link_is_live, ResetPassword};
use crate::accounts::{use_auth, Password};
use crate::error::AppError;
use crate::ui::{form_flash, ActionOutcome, ErrorMessages, FormFeedback, FormFlash, TextField, WithFeedback};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn check_new_password(value: &str) -> Option<String> {
    Password::parse(value, &[]).err().map(|e| e.0)
}

/// `/reset-password/:token`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let reset = ServerAction::<ResetPassword>::new();
    // The reset ended every session, this browser's too: the header asks again who is signed in.
    let auth = use_auth();
    Effect::new(move |_| {
        if matches!(reset.value().get(), Some(Ok(()))) {
            auth.changed.update(|n| *n += 1);
        }
    });
    // A link cut short or mangled by a mail client is answered like an expired one: either
    // way the way on is a new link.
    let live = Resource::new(token, |token| async move {
        if token.is_empty() {
            return Ok(false);
        }
        match reset_link_is_live(token).await {
            Err(AppError::Invalid(_) | AppError::NotFound(_)) => Ok(false),
            answer => answer,
        }
    });
    // A refused plain post comes back here with its message (ui::form).
    let flash = form_flash();
    view! {
        <Title text="Choose a new password · Waypoint"/>
        <Meta name="robots" content="noindex"/>
        // The token is in the address. "same-origin" keeps it from other sites (links, images)
        // but still names this page to our own server, which a refused plain form post needs
        // to come back here with its message (`plain_form_posts` returns to the Referer);
        // "no-referrer" would break that.
        <Meta name="referrer" content="same-origin"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
                <ErrorBoundary fallback=|errors| view! {
                    <h1 id="page-heading">"Choose a new password"</h1>
                    <ErrorMessages errors/>
                }>
                    {move || Suspend::new(async move {
                        let live = live.await?;
                        let flash = flash.await;
                        Ok::<_, AppError>(if live { reset_form(reset, token(), flash).into_any() } else { expired().into_any() })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn reset_form(reset: ServerAction<ResetPassword>, token: String, flash: Option<FormFlash>) -> impl IntoView {
    let feedback = FormFeedback::new(reset, flash);
    let summary = feedback.clone();
    view! {
        <h1 id="page-heading">"Choose a new password"</h1>
        <p class="lead">"Choosing a new password signs your account out on every device, this one included. Then you sign in with the new one."</p>
        <ActionForm action=reset attr:class="form" attr:novalidate="">
            <WithFeedback feedback>
                <input type="hidden" name="token" value=token/>
                <TextField label="New password" name="new_password" kind="password" autocomplete="new-password" required=true check=check_new_password
                    hint="At least 12 characters; not a common password, your username or your email."/>
                <TextField label="Confirm new password" name="confirm_password" kind="password" autocomplete="new-password" required=true/>
                <ActionOutcome value=move || summary.error().map(Err)/>
                // The server sends the browser to sign in; this shows only if that is slow to happen.
                <Show when=move || matches!(reset.value().get(), Some(Ok(())))>
                    <div class="success-box" role="status">
                        <p>"Your password was changed and every session was signed out. " <A href="/sign-in?reset=done">"Sign in with your new password"</A></p>
                    </div>
                </Show>
                <button type="submit" class="button" disabled=move || reset.pending().get()>"Change password"</button>
            </WithFeedback>
        </ActionForm>
    }
}

fn expired() -> impl IntoView {
    view! {
        <h1 id="page-heading">"This link has expired or was already used"</h1>
        <p class="lead">"A link to reset your password works once, for 30 minutes."</p>
        <p>"If you copied the link from the email, check that it was copied whole. Otherwise, ask for a new one: it takes a minute."</p>
        <p><A href="/forgot-password" attr:class="button">"Get a new link"</A></p>
        <p>"Remembered your password? " <A href="/sign-in">"Sign in"</A></p>
    }
}
