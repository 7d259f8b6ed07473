//! `/account/billing`: everything the person has paid, with its state, what came back and a
//! link to each receipt.

use super::api::billing_history;
use super::domain::PaymentLine;
use crate::accounts::AccountSection;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

/// `/account/billing`
#[component]
pub fn BillingPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let history = Resource::new(|| (), |_| billing_history());
    view! {
        <PageMeta title="Billing" description="Your payments on Waypoint, with receipts and refunds." path="/account/billing"/>
        <Meta name="robots" content="noindex"/>
        <AccountSection class="page" heading=Some("Billing")>
            <Transition fallback=|| view! { <p class="loading">"Loading your payments…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move { history.await.map(history_view) })}
                </ErrorBoundary>
            </Transition>
        </AccountSection>
    }
}

fn history_view(lines: Vec<PaymentLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p>"You haven't paid for anything yet. "<A href="/mentors">"Find a mentor"</A></p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Your payments, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"For"</th>
                        <th scope="col">"Amount"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Receipt"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(line_view).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn line_view(line: PaymentLine) -> impl IntoView {
    let what = match line.booking_id {
        Some(booking) => view! { <A href=format!("/booking/{booking}")>{line.description.clone()}</A> }.into_any(),
        None => line.description.clone().into_any(),
    };
    let status = match &line.refunded {
        Some(refunded) => format!("{} ({refunded} refunded)", line.status.label()),
        None => line.status.label().to_string(),
    };
    let receipt = match (line.receipt_number.clone(), line.status.was_paid()) {
        (Some(number), true) => view! {
            <A href=format!("/account/billing/receipts/{}", line.id)>{number}</A>
        }
        .into_any(),
        _ => view! { <span class="muted">"None yet"</span> }.into_any(),
    };
    view! {
        <tr>
            <td>{line.created_at.format("%-d %b %Y").to_string()}</td>
            <td>{what}</td>
            <td>{line.amount}</td>
            <td>{status}</td>
            <td>{receipt}</td>
        </tr>
    }
}
