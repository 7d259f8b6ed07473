//! What the booking page shows of money: the student's "Pay and confirm" form on a held paid
//! session, and the payment's state (with its receipt and refunds) for the student, the mentor
//! and administrators.

use super::api::PayForBooking;
use super::domain::{BookingPayment, PaymentStatus, RefundStatus};
use crate::ui::FormFeedback;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The student's hold on a paid session: what they'd like to talk about, then the provider's
/// payment page. The idempotency key is made with the form, so a double click (or a retried
/// post) starts one checkout.
#[component]
pub fn PayForm(
    booking: Uuid,
    price: String,
    requires_approval: bool,
    minutes_left: i64,
    free_cancellation_hours: i32,
    action: ServerAction<PayForBooking>,
    feedback: FormFeedback,
) -> impl IntoView {
    let key = Uuid::new_v4().to_string();
    // With JavaScript the answer is the payment page's address: a full navigation, as it is
    // another site's page (or, for the sandbox, a page outside the app's router).
    Effect::new(move |_| {
        if let Some(Ok(url)) = action.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&url);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = url;
        }
    });
    let error = move || {
        action.value().get().and_then(Result::err).or_else(|| feedback.error()).map(|error| {
            view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }
        })
    };
    let minutes = format!("{minutes_left} minute{}", if minutes_left == 1 { "" } else { "s" });
    let then = if requires_approval { "the request goes to the mentor" } else { "the session is booked" };
    view! {
        <h3>"Pay to confirm"</h3>
        <p>{format!("This time is held for you for {minutes}. Pay {price} and {then}.")}</p>
        <p class="muted">{format!(
            "Cancel up to {free_cancellation_hours} hours before the start for a full refund; later cancellations aren't refunded. \
             If the mentor cancels or declines, you get everything back."
        )}</p>
        {error}
        <ActionForm action attr:class="form">
            <input type="hidden" name="id" value=booking.to_string()/>
            <input type="hidden" name="key" value=key/>
            <div class="field">
                <label for="booking-topic">"What would you like to talk about?"</label>
                <textarea id="booking-topic" name="topic" rows="3" maxlength="200"></textarea>
            </div>
            <div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{format!("Pay {price}")}</button>
            </div>
        </ActionForm>
    }
}

/// The payment's state; `checking` when the browser just came back from the payment page and
/// the booking is still held, so a payment on its way says it is being checked (the page asks
/// again meanwhile) rather than showing an earlier card's decline.
#[component]
pub fn BookingPaymentPanel(payment: BookingPayment, checking: bool) -> impl IntoView {
    let BookingPayment { id, status, amount, checkout_url, failure_reason, card, receipt_number, refunds } = payment;
    let checking = checking && !status.was_paid();
    let failure_reason = failure_reason.filter(|_| !checking);
    let state = if checking { "Checking your payment…".to_string() } else { status.label().to_string() };
    let retry = checkout_url.filter(|_| !checking).map(|url| {
        let label = if status == PaymentStatus::Failed { "Try another card" } else { "Continue to payment" };
        view! { <p><a class="button button--secondary" href=url rel="external">{label}</a></p> }
    });
    view! {
        <section aria-labelledby="payment-heading">
            <h2 id="payment-heading">"Payment"</h2>
            <p class="status-line" role="status">{format!("{amount}: {state}")}</p>
            {failure_reason.map(|reason| view! {
                <div class="error-box" role="alert">
                    <p>{reason}</p>
                    <p>"Your time stays held until the hold runs out; you can try another card."</p>
                </div>
            })}
            {card.map(|card| view! { <p class="muted">{format!("Paid with {card}")}</p> })}
            {receipt_number.map(|number| view! {
                <p><A href=format!("/account/billing/receipts/{id}")>{format!("Receipt {number}")}</A></p>
            })}
            {retry}
            {(!refunds.is_empty()).then(|| view! {
                <h3>"Refunds"</h3>
                <ul class="plain-list">
                    {refunds.into_iter().map(|refund| {
                        let settled = refund.status == RefundStatus::Succeeded;
                        view! {
                            <li>
                                <strong>{refund.amount}</strong>
                                {format!(": {}. {}", refund.reason, refund.status.label())}
                                {(!settled).then(|| view! { <span class="muted">" (banks take a few days to show it)"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
