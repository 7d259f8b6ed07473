//! `/verify-email/:token`: the page a verification email links to. Opening it confirms the
//! address: confirming is idempotent and says nothing secret, so a GET may do it (a mail
//! scanner that opens the link first only confirms what the link was sent to confirm).

use super::confirm_email;
use crate::accounts::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/verify-email/:token`
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let auth = use_auth();
    let confirmed = Resource::new(move || params.read().get("token").unwrap_or_default(), confirm_email);
    view! {
        <Title text="Confirm your email address · Waypoint"/>
        <Meta name="robots" content="noindex"/>
        // The token is in the address; no page needs to learn it from a link followed here.
        <Meta name="referrer" content="no-referrer"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <Transition fallback=|| view! { <p class="loading">"Confirming your email address…"</p> }>
                {move || Suspend::new(async move {
                    match confirmed.await {
                        Ok(address) => confirmed_view(address).into_any(),
                        Err(error) => {
                            let signed_in = matches!(auth.user.await, Ok(Some(_)));
                            refused_view(error, signed_in).into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

fn confirmed_view(address: String) -> impl IntoView {
    view! {
        <h1 id="page-heading">"Email address confirmed"</h1>
        <div class="success-box" role="status"><p>{format!("Thanks: {address} is confirmed.")}</p></div>
        <p>"We'll use it to reach you about your sessions, and to help you back into your account if you ever forget your password."</p>
        <p><A href="/account" attr:class="button">"Go to your account"</A></p>
    }
}

fn refused_view(error: AppError, signed_in: bool) -> impl IntoView {
    view! {
        <h1 id="page-heading">"We couldn't confirm your email"</h1>
        <div class="error-box" role="alert"><p>{error.to_string()}</p></div>
        // The message says why; this is the way on, which depends on being signed in.
        {if signed_in {
            view! { <p><A href="/account" attr:class="button">"Send a new link from your account page"</A></p> }.into_any()
        } else {
            view! { <p><A href="/sign-in?next=/account">"Sign in"</A> " and your account page offers to send a new link."</p> }.into_any()
        }}
    }
}
