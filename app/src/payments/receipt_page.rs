//! `/account/billing/receipts/:id`: a numbered receipt, laid out to print (the site's print
//! styles drop the header, footer and navigation).

use super::api::payment_receipt;
use super::domain::Receipt;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// `/account/billing/receipts/:id`
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let receipt = Resource::new(
        move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok()),
        |id| async move {
            match id {
                Some(id) => payment_receipt(id).await,
                None => Err(AppError::NotFound("that receipt".into())),
            }
        },
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <crate::accounts::RequireUser children=move |_user| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the receipt…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        match receipt.await {
                            Ok(receipt) => Ok(receipt_view(receipt).into_any()),
                            Err(AppError::NotFound(_)) => Ok(view! {
                                <crate::ui::NotFound title="Receipt not found" heading="We couldn't find that receipt"
                                    lead="Receipts are made once a payment goes through, for the person who paid." href="/account/billing" link="See your payments"/>
                            }.into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        }/>
    }
}

fn receipt_view(receipt: Receipt) -> impl IntoView {
    let Receipt { number, paid_at, payer_name, payer_email, organization, description, session_at, mentor_name, amount, card, refunds, net, status } =
        receipt;
    let title = format!("Receipt {number}");
    let what = match &mentor_name {
        Some(mentor) => format!("{description} with {mentor}"),
        None => description.clone(),
    };
    view! {
        <PageMeta title=title.clone() description="A receipt for a payment on Waypoint." path="/account/billing"/>
        <article class="page narrow receipt" aria-labelledby="page-heading">
            <p class="no-print"><A href="/account/billing">"All your payments"</A></p>
            <h1 id="page-heading">{title}</h1>
            <dl class="details">
                <dt>"Paid on"</dt>
                <dd>{paid_at.format("%-d %B %Y, %H:%M UTC").to_string()}</dd>
                <dt>"Paid by"</dt>
                <dd>{payer_name}<br/>{payer_email}</dd>
                <dt>"Organization"</dt>
                <dd>{organization}</dd>
                <dt>"Paid to"</dt>
                <dd>"Waypoint, on behalf of the mentor"</dd>
                <dt>"Payment method"</dt>
                <dd>{card.unwrap_or_else(|| "Card".to_string())}</dd>
                <dt>"Status"</dt>
                <dd>{status.label()}</dd>
            </dl>
            <div class="table-scroll">
                <table class="data-table">
                    <caption class="visually-hidden">"What was paid and refunded"</caption>
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"Amount"</th></tr></thead>
                    <tbody>
                        <tr>
                            <td>
                                {what}
                                {session_at.map(|at| view! { <br/><span class="muted">{at.format("Session on %-d %B %Y, %H:%M UTC").to_string()}</span> })}
                            </td>
                            <td>{amount.clone()}</td>
                        </tr>
                        {refunds.into_iter().map(|refund| view! {
                            <tr>
                                <td>{format!("Refund: {} ({})", refund.reason, refund.status.label().to_lowercase())}</td>
                                <td>{format!("−{}", refund.amount)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot><tr><th scope="row">"Total paid"</th><td>{net}</td></tr></tfoot>
                </table>
            </div>
            <p class="muted">"Keep this receipt for your records. Questions about a payment: contact your organization's administrator."</p>
        </article>
    }
}
