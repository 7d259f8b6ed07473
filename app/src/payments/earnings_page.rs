//! `/account/earnings`: a mentor's payout details (shown back as their last four characters),
//! monthly statements (one table per month and currency, printable: the site's print styles
//! drop the header, navigation and the `no-print` form) and the ledger of payments and refunds.

use super::api::{my_earnings, SavePayoutAccount};
use super::earnings::{Earnings, LedgerLine, MonthStatement, PayoutAccountView};
use crate::accounts::AccountSection;
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, FormFeedback, PageMeta, TextField, WithFeedback};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

/// `/account/earnings`
#[component]
pub fn EarningsPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let save = ServerAction::<SavePayoutAccount>::new();
    let earnings = Resource::new(|| (), |_| my_earnings());
    let form = NodeRef::<html::Form>::new();
    // Once saved: the form is emptied (the number is never shown again) and the page reloads
    // its data, so the payout line says what the server now holds.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            earnings.refetch();
        }
    });
    view! {
        <PageMeta title="Earnings" description="Your earnings as a mentor on Waypoint: payouts, monthly statements and the ledger." path="/account/earnings"/>
        <Meta name="robots" content="noindex"/>
        <AccountSection class="page" heading=Some("Earnings")>
            <Transition fallback=|| view! { <p class="loading">"Loading your earnings…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        match earnings.await {
                            Ok(earnings) => Ok(earnings_view(earnings, save, form).into_any()),
                            Err(AppError::Conflict(message)) => Ok(view! {
                                <div class="error-box" role="alert">
                                    <p>{message}</p>
                                    <p><A href="/account/mentor">"Apply to become a mentor"</A></p>
                                </div>
                            }.into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        </AccountSection>
    }
}

/// "10 %" from the server's "10.00 %".
fn percent(fee_percent: &str) -> String {
    fee_percent.replace(".00 %", " %")
}

/// "November 2026" from "2026-11".
pub(super) fn month_label(month: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map(|date| date.format("%B %Y").to_string())
        .unwrap_or_else(|_| month.to_string())
}

fn payout_line(account: Option<PayoutAccountView>) -> String {
    match account {
        Some(account) => format!(
            "{} ending in {}, updated {}",
            account.kind.label(),
            account.last4,
            account.updated_at.format("%-d %b %Y")
        ),
        None => "Not set yet: add where you'd like to be paid below.".to_string(),
    }
}

fn earnings_view(earnings: Earnings, save: ServerAction<SavePayoutAccount>, form: NodeRef<html::Form>) -> impl IntoView {
    let Earnings { payout_account, statements, ledger, fee_percent } = earnings;
    let fee_percent = percent(&fee_percent);
    let feedback = FormFeedback::new(save, None);
    view! {
        <section aria-labelledby="payout-heading">
            <h2 id="payout-heading">"Payout details"</h2>
            <p class="status-line">{payout_line(payout_account)}</p>
            // A refused post without JavaScript is answered with its error, not kept for the page:
            // the form's values would be kept in the session, the account number with them.
            // No check on leaving a field (TextField's `check`): its message appearing as the
            // person presses "Save" moves the button from under the pointer and the click is
            // lost; the server's messages (PayoutDetails::parse) show beside the fields instead.
            <ActionForm action=save node_ref=form attr:class="form no-print" attr:novalidate="" attr:aria-label="Payout details">
              <WithFeedback feedback>
                <TextField label="Account holder" name="holder" autocomplete="name" required=true maxlength=100
                    hint="The name on the account, as the bank has it."/>
                <TextField label="IBAN or account number" name="account" required=true maxlength=42
                    hint="Spaces are fine. Once saved, only its last four characters are ever shown."/>
                <ActionOutcome value=move || save.value().get().map(|answer| answer.map(|_| ()))
                    success="Saved. Only the last four characters are shown."/>
                // Not disabled while saving: a focused button that becomes disabled loses the
                // keyboard focus to the page (saving twice only saves the same details again).
                <button type="submit" class="button" aria-busy=move || save.pending().get().then_some("true")>"Save payout details"</button>
              </WithFeedback>
            </ActionForm>
        </section>
        <section aria-labelledby="statements-heading">
            <h2 id="statements-heading">"Monthly statements"</h2>
            {statements_view(statements, fee_percent)}
        </section>
        <section aria-labelledby="ledger-heading">
            <h2 id="ledger-heading">"Ledger"</h2>
            {ledger_view(ledger)}
        </section>
    }
}

fn statements_view(statements: Vec<MonthStatement>, fee_percent: String) -> impl IntoView {
    if statements.is_empty() {
        return view! { <p>"No statements yet: a month's statement appears once a session in it has been paid."</p> }.into_any();
    }
    view! {
        <p>{format!(
            "Waypoint keeps a platform fee of {fee_percent} of each payment; a refund gives back its share of the fee. \
             Amounts are counted in the month the money moved."
        )}</p>
        <p class="muted no-print">"To keep a statement, print this page: the navigation and the payout form are left out."</p>
        {statements.into_iter().map(|statement| {
            let fee_label = format!("Platform fee ({fee_percent})");
            view! {
                <div class="table-scroll">
                    <table class="data-table">
                        <caption>{format!("Statement for {}, {}", month_label(&statement.month), statement.currency)}</caption>
                        <tbody>
                            <tr><th scope="row">"Sessions paid"</th><td>{statement.sessions}</td></tr>
                            <tr><th scope="row">"Gross"</th><td>{statement.gross}</td></tr>
                            <tr><th scope="row">"Refunds"</th><td>{statement.refunds}</td></tr>
                            <tr><th scope="row">{fee_label}</th><td>{statement.fees}</td></tr>
                            <tr><th scope="row">"Net"</th><td><strong>{statement.net}</strong></td></tr>
                        </tbody>
                    </table>
                </div>
            }
        }).collect_view()}
    }
    .into_any()
}

fn ledger_view(ledger: Vec<LedgerLine>) -> impl IntoView {
    if ledger.is_empty() {
        return view! { <p>"Nothing here yet: payments for your sessions, and any refunds, will be listed as they happen."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption>"Payments and refunds for your sessions, newest first. A refund is negative and gives back its share of the fee."</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Entry"</th>
                        <th scope="col">"Session"</th>
                        <th scope="col">"Gross"</th>
                        <th scope="col">"Fee"</th>
                        <th scope="col">"Net"</th>
                    </tr>
                </thead>
                <tbody>
                    {ledger.into_iter().map(|line| view! {
                        <tr>
                            <td>{line.at.format("%-d %b %Y").to_string()}</td>
                            <td>{line.entry}</td>
                            <td><A href=format!("/booking/{}", line.booking_id)>{line.description}</A></td>
                            <td>{line.gross}</td>
                            <td>{line.fee}</td>
                            <td>{line.net}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
