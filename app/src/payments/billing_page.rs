//! `/account/billing`: the person's plan (with its status, dates, card and credit, and the ways
//! to cancel, resume or change it) and everything they have paid, with its state, what came back
//! and a link to each receipt.

use super::api::{
    billing_history, my_plan, CancelSubscription, ChangePlan, PreviewPlanChange, ResumeSubscription,
};
use super::domain::PaymentLine;
use super::plans::{BillingInterval, ChangePreview, PlanOverview, PlanView, SubscriptionStatus, SubscriptionView};
use crate::accounts::AccountSection;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Checks after coming back from the payment page, two seconds apart (a minute).
const CHECKOUT_RECHECKS: u32 = 30;
/// Checks while the subscriptions worker makes a plan change (it takes a few seconds).
const CHANGE_RECHECKS: u32 = 150;

/// The plan part's server actions, made once at the page's top; the plan reloads after each.
#[derive(Clone, Copy)]
struct PlanActions {
    /// Both cancellations post `cancel_subscription`; two actions so each button shows its own state.
    cancel_at_end: ServerAction<CancelSubscription>,
    cancel_now: ServerAction<CancelSubscription>,
    resume: ServerAction<ResumeSubscription>,
    preview: ServerAction<PreviewPlanChange>,
    change: ServerAction<ChangePlan>,
    /// The plan chosen in "Change plan" (`None`: the first offered).
    chosen: RwSignal<Option<String>>,
    /// The last answer of a plan action, as a success message or the error.
    outcome: RwSignal<Option<Result<&'static str, AppError>>>,
    /// The plan (code) a change was asked for, until the subscription is on it. The worker asks
    /// the provider for the difference and clears the subscription's pending change; the plan
    /// itself changes when the payment's event arrives, so the page waits for that.
    awaiting: RwSignal<Option<String>>,
}

impl PlanActions {
    fn new() -> Self {
        let actions = Self {
            cancel_at_end: ServerAction::new(),
            cancel_now: ServerAction::new(),
            resume: ServerAction::new(),
            preview: ServerAction::new(),
            change: ServerAction::new(),
            chosen: RwSignal::new(None),
            outcome: RwSignal::new(None),
            awaiting: RwSignal::new(None),
        };
        let outcome = actions.outcome;
        let report = move |answer: Option<Result<(), AppError>>, success: &'static str| {
            if let Some(answer) = answer {
                outcome.set(Some(answer.map(|()| success)));
            }
        };
        Effect::new(move |_| report(actions.cancel_at_end.value().get(), "Your subscription will end at the end of the period."));
        Effect::new(move |_| report(actions.cancel_now.value().get(), "Your subscription has ended: you're on Free."));
        Effect::new(move |_| report(actions.resume.value().get(), "Your subscription carries on."));
        Effect::new(move |_| report(actions.change.value().get(), "Plan change asked for: it takes a few seconds."));
        Effect::new(move |_| report(actions.preview.value().get().map(|answer| answer.map(|_| ())), ""));
        Effect::new(move |_| {
            if let Some(asked) = actions.change.input().get() {
                actions.awaiting.set(Some(asked.plan));
            }
        });
        Effect::new(move |_| {
            if matches!(actions.change.value().get(), Some(Err(_))) {
                actions.awaiting.set(None);
            }
        });
        actions
    }

    /// Changes whenever an action that changes the subscription answers.
    fn versions(self) -> [usize; 4] {
        [
            self.cancel_at_end.version().get(),
            self.cancel_now.version().get(),
            self.resume.version().get(),
            self.change.version().get(),
        ]
    }
}

/// `/account/billing`
#[component]
pub fn BillingPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let actions = PlanActions::new();
    // Back from the payment page (`?checkout=done`): a subscription still waiting for its first
    // payment is checked again every 2 s until the provider's event has been applied. A plan
    // change the worker is making is checked the same way.
    let returning = use_query_map().with_untracked(|query| query.get("checkout").as_deref() == Some("done"));
    let recheck = RwSignal::new(0_u32);
    let history = Resource::new(move || (actions.versions(), recheck.get()), |_| billing_history());
    let plan = Resource::new(move || (actions.versions(), recheck.get()), |_| my_plan());
    Effect::new(move |_| {
        let Some(Ok(overview)) = plan.get() else { return };
        let subscription = overview.subscription.as_ref();
        // A change shown pending (asked for here or elsewhere) is awaited until the plan is the new one.
        let pending = subscription.and_then(|subscription| subscription.pending_plan.as_deref());
        if let Some(code) = pending.and_then(|name| overview.plans.iter().find(|plan| plan_name(plan) == name)).map(|plan| plan.code.clone()) {
            actions.awaiting.set(Some(code));
        }
        let settled = actions.awaiting.with_untracked(|awaiting| {
            awaiting.as_ref().is_some_and(|code| *code == overview.current.code)
                || !subscription.is_some_and(|subscription| {
                    matches!(subscription.status, SubscriptionStatus::Trialing | SubscriptionStatus::Active)
                })
        });
        if settled {
            actions.awaiting.set(None);
        }
        let changing = pending.is_some() || actions.awaiting.with_untracked(Option::is_some);
        let paying = returning
            && subscription.is_some_and(|subscription| {
                matches!(subscription.status, SubscriptionStatus::Incomplete | SubscriptionStatus::Trialing)
            });
        let checks = recheck.get_untracked();
        if (changing && checks < CHANGE_RECHECKS) || (paying && checks < CHECKOUT_RECHECKS) {
            set_timeout(move || recheck.update(|n| *n += 1), std::time::Duration::from_secs(2));
        }
    });
    view! {
        <PageMeta title="Billing" description="Your plan and your payments on Waypoint, with receipts and refunds." path="/account/billing"/>
        <Meta name="robots" content="noindex"/>
        <AccountSection class="page" heading=Some("Billing")>
            <section class="billing-plan" aria-labelledby="plan-heading">
                <h2 id="plan-heading">"Your plan"</h2>
                <div aria-live="polite">{move || outcome_view(actions.outcome.get())}</div>
                <Transition fallback=|| view! { <p class="loading">"Loading your plan…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move {
                            let checks = recheck.get_untracked();
                            let checking = returning && checks < CHECKOUT_RECHECKS;
                            let changing = checks < CHANGE_RECHECKS;
                            plan.await.map(|overview| plan_view(overview, actions, checking, changing))
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
            <section aria-labelledby="payments-heading">
                <h2 id="payments-heading">"Payments"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading your payments…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move { history.await.map(history_view) })}
                    </ErrorBoundary>
                </Transition>
            </section>
        </AccountSection>
    }
}

fn outcome_view(outcome: Option<Result<&'static str, AppError>>) -> impl IntoView {
    match outcome {
        Some(Err(error)) => view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }.into_any(),
        Some(Ok(success)) if !success.is_empty() => {
            view! { <div class="success-box" role="status"><p>{success}</p></div> }.into_any()
        }
        _ => ().into_any(),
    }
}

/// "Plus (monthly)".
fn plan_name(plan: &PlanView) -> String {
    format!("{} ({}ly)", plan.name, plan.interval.as_str())
}

fn date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

/// The plan part: Free with a way to the plans, a subscription waiting for its payment, or a
/// live subscription with its details and actions. `checking`: just back from the payment page.
/// `changing`: still checking on a plan change asked for.
fn plan_view(overview: PlanOverview, actions: PlanActions, checking: bool, changing: bool) -> impl IntoView {
    let PlanOverview { current, subscription, plans, .. } = overview;
    match subscription {
        Some(subscription) if subscription.status.is_live() => {
            live_view(subscription, &current, plans, actions, changing).into_any()
        }
        Some(subscription) if subscription.status == SubscriptionStatus::Incomplete => {
            incomplete_view(subscription, checking).into_any()
        }
        _ => view! {
            <p class="status-line">"You're on Free."</p>
            <p>"The Interest Profiler, your career matches and one career roadmap. Plus and Pro take money off every mentor session and keep more roadmaps."</p>
            <p><A href="/pricing" attr:class="button">"See the plans"</A></p>
        }
        .into_any(),
    }
}

/// A subscription whose first payment hasn't arrived (or was declined).
fn incomplete_view(subscription: SubscriptionView, checking: bool) -> impl IntoView {
    let state = if checking { "Checking your payment…" } else { subscription.status.label() };
    view! {
        <p class="status-line" role="status">{format!("{}: {state}", plan_name(&subscription.plan))}</p>
        <p>"You're on Free until the first payment has gone through."</p>
        {subscription.checkout_url.map(|url| view! {
            <p><a class="button button--secondary" href=url rel="external">"Continue to payment"</a></p>
        })}
    }
}

/// A trial, an active subscription or one whose renewal is overdue.
fn live_view(
    subscription: SubscriptionView,
    current: &PlanView,
    plans: Vec<PlanView>,
    actions: PlanActions,
    changing: bool,
) -> impl IntoView {
    let status = subscription.status;
    let (when_label, when) = match (subscription.cancel_at_period_end, status, subscription.trial_ends_at) {
        (true, _, _) => ("Ends on", subscription.current_period_end),
        (false, SubscriptionStatus::Trialing, Some(trial_end)) => ("Trial ends on", trial_end),
        _ => ("Renews on", subscription.current_period_end),
    };
    let price = price_words(current);
    let trial_without_card = status == SubscriptionStatus::Trialing && subscription.card.is_none();
    // The change on its way: the subscription's pending one, or the one asked for from this page
    // until the provider's payment event has made it.
    let awaited = actions.awaiting.with_untracked(|awaiting| {
        awaiting.as_ref().filter(|code| changing && **code != current.code).and_then(|code| plans.iter().find(|plan| plan.code == *code)).map(plan_name)
    });
    let pending = subscription.pending_plan.clone().or(awaited);
    let others: Vec<PlanView> = plans.into_iter().filter(|plan| plan.price_minor > 0 && plan.code != current.code).collect();
    let can_change = status != SubscriptionStatus::PastDue && pending.is_none() && !others.is_empty();
    view! {
        <dl class="details">
            <dt>"Plan"</dt><dd>{format!("{}, {price}", plan_name(current))}</dd>
            <dt>"Status"</dt><dd class="subscription-status">{status.label()}</dd>
            <dt>{when_label}</dt><dd>{date(when)}</dd>
            {subscription.card.clone().map(|card| view! { <dt>"Card"</dt><dd>{card}</dd> })}
            {subscription.credit.clone().map(|credit| view! { <dt>"Credit"</dt><dd>{format!("{credit}, taken off your next renewals")}</dd> })}
        </dl>
        {(status == SubscriptionStatus::PastDue).then(|| view! {
            <div class="notice">
                <p>
                    <strong>"Your last payment didn't go through."</strong>
                    {match subscription.next_attempt_at {
                        Some(at) => format!(" We'll try your card again on {}. If the last try fails, the subscription ends.", date(at)),
                        None => " If the last try fails, the subscription ends.".to_string(),
                    }}
                </p>
            </div>
        })}
        {(trial_without_card && !subscription.cancel_at_period_end).then(|| view! {
            <p>"When the trial ends you're back on Free, unless you subscribe. "<A href="/pricing">"Subscribe"</A></p>
        })}
        {pending.map(|plan| view! {
            <p class="status-line" role="status">{format!("Changing to {plan}…")}</p>
        })}
        {can_change.then(|| change_part(others, actions))}
        {cancel_part(subscription.cancel_at_period_end, when, actions)}
    }
}

/// "Change plan": the other paid plans, what changing costs now, and the change itself.
fn change_part(others: Vec<PlanView>, actions: PlanActions) -> impl IntoView {
    let names = StoredValue::new(others.iter().map(|plan| (plan.code.clone(), plan_name(plan))).collect::<Vec<_>>());
    // The plan chosen if it is one offered here, else the first (its code and name).
    let chosen = move || {
        let chosen = actions.chosen.get();
        names.with_value(|names| names.iter().find(|(code, _)| Some(code) == chosen.as_ref()).unwrap_or(&names[0]).clone())
    };
    let options = others
        .into_iter()
        .map(|plan| {
            let code = plan.code.clone();
            let selected = {
                let code = code.clone();
                move || chosen().0 == code
            };
            let label = format!("{}: {}", plan_name(&plan), price_words(&plan));
            view! { <option value=code selected=selected>{label}</option> }
        })
        .collect_view();
    let preview = move || match actions.preview.value().get() {
        Some(Ok(preview)) if preview.plan.code == chosen().0 => Some(preview_view(preview)),
        _ => None,
    };
    view! {
        <h3>"Change plan"</h3>
        <ActionForm action=actions.preview attr:class="inline-form change-plan">
            <label for="change-plan">"New plan"</label>
            <select id="change-plan" name="plan" on:change=move |ev| actions.chosen.set(Some(event_target_value(&ev)))>
                {options}
            </select>
            <button type="submit" class="button button--secondary" disabled=move || actions.preview.pending().get()>"See the cost"</button>
        </ActionForm>
        <div aria-live="polite">{preview}</div>
        <ActionForm action=actions.change attr:class="inline-form">
            <input type="hidden" name="plan" value=move || chosen().0/>
            <button type="submit" class="button" disabled=move || actions.change.pending().get()>
                {move || format!("Change to {}", chosen().1)}
            </button>
        </ActionForm>
    }
}

/// "$9.00 a month".
fn price_words(plan: &PlanView) -> String {
    match plan.interval {
        BillingInterval::Month => format!("{} a month", plan.price),
        BillingInterval::Year => format!("{} a year", plan.price),
    }
}

fn preview_view(preview: ChangePreview) -> impl IntoView {
    view! {
        <p>{format!("Changing to {} now:", plan_name(&preview.plan))}</p>
        <dl class="details change-preview">
            <dt>"Credit for what's left of your plan"</dt><dd>{preview.credit}</dd>
            <dt>{format!("{} for the rest of the period", preview.plan.name)}</dt><dd>{preview.charge}</dd>
            <dt>"Outcome"</dt><dd>{preview.outcome}</dd>
        </dl>
    }
}

/// Cancel at the period's end (or take that back), or now.
fn cancel_part(ending: bool, end: DateTime<Utc>, actions: PlanActions) -> impl IntoView {
    view! {
        <h3>"Cancel your subscription"</h3>
        {if ending {
            view! {
                <p>{format!("Your subscription ends on {}; you keep your plan until then.", date(end))}</p>
                <ActionForm action=actions.resume attr:class="inline-form">
                    <button type="submit" class="button" disabled=move || actions.resume.pending().get()>"Keep my subscription"</button>
                </ActionForm>
            }
            .into_any()
        } else {
            view! {
                <p>{format!("At the end of the period, on {}, you're back on Free; you keep your plan until then.", date(end))}</p>
                <ActionForm action=actions.cancel_at_end attr:class="inline-form">
                    <input type="hidden" name="at_period_end" value="true"/>
                    <button type="submit" class="button button--secondary" disabled=move || actions.cancel_at_end.pending().get()>
                        "Cancel at the end of the period"
                    </button>
                </ActionForm>
            }
            .into_any()
        }}
        <p>"Or cancel now: your plan ends at once and nothing of the current period is refunded."</p>
        <ActionForm action=actions.cancel_now attr:class="inline-form">
            <button type="submit" class="button button--danger" disabled=move || actions.cancel_now.pending().get()>"Cancel now"</button>
        </ActionForm>
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
