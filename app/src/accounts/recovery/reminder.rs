//! The reminder an account with an unconfirmed address sees on its account page, with a way to
//! send the verification link again. Unconfirmed accounts can use everything meanwhile.

use super::{email_confirmation, ResendVerification};
use crate::error::AppError;
use crate::ui::{take_form_flash, ActionOutcome, FormFeedback, FormFlash};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Nothing for a visitor or a confirmed address; for an unconfirmed one, a notice with a
/// "Send the link again" button.
///
/// Place it where its page makes its resources (outside `RequireUser`'s children): it makes
/// its own, and resources made inside those children shift the ids the browser hydrates by
/// (issue 11).
#[component]
pub fn VerifyEmailReminder() -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let query = use_query_map();
    // The address, and a refused plain post of the button (ui::form). The flash is taken only
    // when the reminder shows, so the page never swallows one meant for another of its forms.
    let reminder = Resource::new(
        || (),
        |_| async {
            let email = match email_confirmation().await {
                Ok(Some(status)) if !status.verified => status.email,
                Ok(_) => return None,
                Err(error) => {
                    // The account page shows its own loading errors; this notice just stays away.
                    tracing::warn!(%error, "could not read whether the address is confirmed");
                    return None;
                }
            };
            let flash = take_form_flash().await.unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read a refused form's messages");
                None
            });
            Some((email, flash))
        },
    );
    // An accepted plain post has no action value to show: the server sends it back with
    // `?verification=sent`.
    let sent = move || match resend.value().get() {
        Some(answer) => answer.is_ok(),
        None => query.read().get("verification").as_deref() == Some("sent"),
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                reminder.await.map(|(email, flash)| notice(resend, email, flash, sent))
            })}
        </Suspense>
    }
}

fn notice(
    resend: ServerAction<ResendVerification>,
    email: String,
    flash: Option<FormFlash>,
    sent: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let feedback = FormFeedback::new(resend, flash);
    view! {
        <section class="notice email-reminder" aria-label="Email confirmation">
            <p>
                <strong>"Please confirm your email address: "</strong>
                {format!("we sent a link to {email}. ")}
                "You can use Waypoint meanwhile; confirming lets us reach you about your sessions and your password."
            </p>
            <ActionForm action=resend attr:class="inline-form">
                <button type="submit" class="button button--small button--secondary" disabled=move || resend.pending().get()>
                    "Send the link again"
                </button>
            </ActionForm>
            <ActionOutcome value=move || feedback.error().map(Err::<(), AppError>)/>
            <Show when=sent>
                <p class="email-reminder__sent" role="status">"Sent. Check your inbox."</p>
            </Show>
        </section>
    }
}
