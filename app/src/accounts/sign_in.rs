//! `/sign-in`.

use super::auth::{encode_query_value, use_auth};
use super::SignInIdentifier;
use crate::ui::{form_flash, parses, ActionOutcome, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let signed_out_everywhere = move || query.read().get("signed_out").as_deref() == Some("everywhere");
    // A password reset sends the browser here (recovery::reset_password).
    let reset_done = move || query.read().get("reset").as_deref() == Some("done");
    // A sign-in refused without JavaScript comes back here with its message (ui::form).
    let flash = form_flash();
    view! {
        <PageMeta title="Sign in" description="Sign in to Waypoint to keep your assessment results, mentor sessions and roadmap in one place." path="/sign-in"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <h1 id="page-heading">"Sign in"</h1>
            <Show when=signed_out_everywhere>
                <div class="success-box" role="status"><p>"You've been signed out on every device."</p></div>
            </Show>
            <Show when=reset_done>
                <div class="success-box" role="status"><p>"Your password was changed and every session was signed out. Sign in with your new password."</p></div>
            </Show>
            <Show when=move || !next().is_empty()>
                <p class="notice">"Please sign in to continue."</p>
            </Show>
            <Suspense>
                {move || Suspend::new(async move {
                    let feedback = FormFeedback::new(auth.sign_in, flash.await);
                    let summary = feedback.clone();
                    view! {
                        <ActionForm action=auth.sign_in attr:class="form" attr:novalidate="">
                            <WithFeedback feedback>
                                <input type="hidden" name="next" value=next/>
                                <TextField label="Email or username" name="identifier" autocomplete="username" required=true check={parses::<SignInIdentifier>}/>
                                <TextField label="Password" name="password" kind="password" autocomplete="current-password" required=true/>
                                <p class="field-link"><A href="/forgot-password">"Forgot your password?"</A></p>
                                <ActionOutcome value=move || summary.error().map(Err)/>
                                <button type="submit" class="button" disabled=move || auth.sign_in.pending().get()>"Sign in"</button>
                            </WithFeedback>
                        </ActionForm>
                    }
                })}
            </Suspense>
            <p>"New to Waypoint? " <A href=move || format!("/sign-up{}", if next().is_empty() { String::new() } else { format!("?next={}", encode_query_value(&next())) })>"Create an account"</A></p>
        </section>
    }
}
