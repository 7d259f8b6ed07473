//! Subscriptions against a real PostgreSQL, through the product's own paths: the server-function
//! bodies (`app::payments::api::subscriptions`) in a Leptos context with the sandbox provider,
//! the sandbox's checkout and kept cards, its signed webhooks delivered over HTTP to the site,
//! and the subscriptions worker (`app::payments::renewals::run_once`) on the owner's pool, as a
//! server (or a restarted one) runs it. Each test has a site of its own (`payments::Site`).

use crate::booking::{act, at, conflict, PRICE_MINOR};
use crate::fixtures::{as_ctx, sqlstate};
use crate::payments::{card, intent_id, Site, SECRET, VISA};
use app::db::{Body, SignedIn, Tx};
use app::error::AppError;
use app::payments::api::subscriptions as subs;
use app::payments::domain::money;
use app::payments::plans::{prorate, BillingInterval, SubscriptionStatus};
use app::payments::provider::{
    Checkout, CheckoutRequest, PaymentProvider, ProviderError, ProviderEvent, ProviderFuture, RefundRequest,
    SavedCardCharge, WebhookError,
};
use app::payments::renewals::{self, Pass};
use app::payments::sandbox::{delivery, Charge, Sandbox};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::ScopedFuture;
use sqlx::Row;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// Succeeds at checkout; every later charge of the kept card (a renewal) is declined.
const FAILS_LATER: &str = "4000 0000 0000 0341";

/// A subscription as the owner sees it.
#[derive(Debug, Clone)]
struct Sub {
    id: Uuid,
    plan_code: String,
    status: String,
    price_minor: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    trial_ends_at: Option<DateTime<Utc>>,
    cancel_at_period_end: bool,
    card_reference: Option<String>,
    card_brand: Option<String>,
    card_last4: Option<String>,
    credit_minor: i64,
    renewal_attempts: i32,
    next_attempt_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    pending_plan_code: Option<String>,
    plan_change_requested_at: Option<DateTime<Utc>>,
}

/// A subscription's payment as the owner sees it.
#[derive(Debug, Clone)]
struct SubPayment {
    id: Uuid,
    purpose: String,
    status: String,
    amount_minor: i64,
    period_start: Option<DateTime<Utc>>,
    receipt_number: Option<String>,
    failure_reason: Option<String>,
    metadata: serde_json::Value,
}

/// Runs a server-function body as `user` in the site's Leptos context (its `AppState`, the
/// payment provider included), committed when it succeeds.
async fn call<T>(
    site: &Site,
    user: &SignedIn,
    work: impl for<'a> FnOnce(&'a mut Tx, &'a SignedIn) -> Body<'a, T>,
) -> Result<T, AppError> {
    let future = act(&site.db.app, user, work);
    site.context.with(|| ScopedFuture::new_untracked(future)).await
}

/// The subscribe button, with a fresh idempotency key.
async fn subscribe(site: &Site, user: &SignedIn, plan: &str, trial: bool) -> Result<Option<String>, AppError> {
    let (plan, key) = (plan.to_string(), Uuid::new_v4());
    call(site, user, move |tx, u| Box::pin(subs::subscribe(tx, u, plan, key, trial))).await
}

/// `user`'s newest subscription.
async fn sub(site: &Site, user: Uuid) -> Sub {
    let row = sqlx::query(
        "select id, plan_code, status::text as status, price_minor, current_period_start, current_period_end, trial_ends_at,
                cancel_at_period_end, card_reference, card_brand, card_last4::text as card_last4, credit_minor, renewal_attempts,
                next_attempt_at, ended_at, pending_plan_code, plan_change_requested_at
           from subscriptions where user_id = $1 order by created_at desc limit 1",
    )
    .bind(user)
    .fetch_one(&site.db.owner)
    .await
    .expect("a subscription");
    Sub {
        id: row.get("id"),
        plan_code: row.get("plan_code"),
        status: row.get("status"),
        price_minor: row.get("price_minor"),
        start: row.get("current_period_start"),
        end: row.get("current_period_end"),
        trial_ends_at: row.get("trial_ends_at"),
        cancel_at_period_end: row.get("cancel_at_period_end"),
        card_reference: row.get("card_reference"),
        card_brand: row.get("card_brand"),
        card_last4: row.get("card_last4"),
        credit_minor: row.get("credit_minor"),
        renewal_attempts: row.get("renewal_attempts"),
        next_attempt_at: row.get("next_attempt_at"),
        ended_at: row.get("ended_at"),
        pending_plan_code: row.get("pending_plan_code"),
        plan_change_requested_at: row.get("plan_change_requested_at"),
    }
}

/// A subscription's payments of `purpose`, oldest first.
async fn payments_for(site: &Site, subscription: Uuid, purpose: &str) -> Vec<SubPayment> {
    sqlx::query(
        "select id, purpose, status::text as status, amount_minor, period_start, receipt_number, failure_reason, metadata
           from payments where subscription_id = $1 and purpose = $2 order by created_at",
    )
    .bind(subscription)
    .bind(purpose)
    .fetch_all(&site.db.owner)
    .await
    .unwrap()
    .into_iter()
    .map(|row| SubPayment {
        id: row.get("id"),
        purpose: row.get("purpose"),
        status: row.get("status"),
        amount_minor: row.get("amount_minor"),
        period_start: row.get("period_start"),
        receipt_number: row.get("receipt_number"),
        failure_reason: row.get("failure_reason"),
        metadata: row.get("metadata"),
    })
    .collect()
}

/// The charges the sandbox made for this subscription's renewal of the period starting at
/// `period_start` (every attempt has a key of its own: `renewal:<id>:<start>:<attempt>`).
async fn renewal_charges(site: &Site, subscription: Uuid, period_start: DateTime<Utc>) -> i64 {
    sqlx::query_scalar("select count(*) from sandbox.payment_intents where idempotency_key like $1")
        .bind(format!("renewal:{subscription}:{}:%", period_start.timestamp()))
        .fetch_one(&site.db.owner)
        .await
        .unwrap()
}

/// The owner moves the period's end into the past: the period is over, the renewal is due.
async fn expire_period(site: &Site, subscription: Uuid) {
    expire_period_ago(site, subscription, 1).await;
}

/// The period ended `seconds` ago. A period's renewal is known by its start to the second (its
/// payment id and idempotency key), so a test that ends several periods within a second gives
/// each a different end, as months apart would.
async fn expire_period_ago(site: &Site, subscription: Uuid, seconds: i32) {
    sqlx::query(
        "update subscriptions set current_period_start = now() - interval '1 month',
                current_period_end = now() - make_interval(secs => $2) where id = $1",
    )
    .bind(subscription)
    .bind(f64::from(seconds))
    .execute(&site.db.owner)
    .await
    .expect("the period ends");
}

/// A period of exactly 30 days, halfway through.
async fn halfway(site: &Site, subscription: Uuid) -> Sub {
    sqlx::query(
        "update subscriptions set current_period_start = now() - interval '15 days', current_period_end = now() + interval '15 days'
          where id = $1",
    )
    .bind(subscription)
    .execute(&site.db.owner)
    .await
    .unwrap();
    let row = sqlx::query("select user_id from subscriptions where id = $1")
        .bind(subscription)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    sub(site, row.get("user_id")).await
}

async fn run_once(site: &Site, provider: &dyn PaymentProvider) -> Pass {
    renewals::run_once(&site.db.owner, provider).await.expect("a subscriptions pass")
}

/// A subscription paid at checkout with `number` (the webhook delivered): active.
async fn subscribed(site: &Site, user: &SignedIn, plan: &str, number: &str) -> Sub {
    let url = subscribe(site, user, plan, false).await.expect("subscribe").expect("a checkout");
    assert!(
        matches!(site.sandbox.charge(&intent_id(&url), &card(number)).await.unwrap(), Charge::Succeeded { .. }),
        "the checkout takes {number}"
    );
    assert_eq!(site.deliver().await, 1);
    let sub = sub(site, user.user_id).await;
    assert_eq!(sub.status, "active", "{sub:?}");
    sub
}

fn near(at: Option<DateTime<Utc>>, expected: DateTime<Utc>) -> bool {
    at.is_some_and(|at| (at - expected).num_seconds().abs() <= 60)
}

/// A restarted server's provider: a new object on the same database, nothing carried over.
fn restarted(site: &Site) -> Sandbox {
    Sandbox::new(site.db.owner.clone(), site.url.clone(), vec![SECRET.to_vec()])
}

async fn deliver_with(site: &Site, sandbox: &Sandbox) -> u64 {
    let url = format!("{}/webhooks/payments/sandbox", site.url);
    let delivered = delivery::deliver_once(sandbox, &delivery::client(), &url).await.expect("a delivery pass");
    let left: i64 = site.count("select count(*) from sandbox.events where delivered_at is null").await;
    assert_eq!(left, 0, "every event acknowledged");
    delivered
}

/// A provider whose answer to the next kept-card charge is lost after the sandbox made it (the
/// connection dropped, or the worker died before its commit): the worker sees it unavailable.
#[derive(Debug)]
struct LostAnswer {
    inner: Sandbox,
    lose: AtomicBool,
}

impl PaymentProvider for LostAnswer {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn create_checkout(&self, request: CheckoutRequest) -> ProviderFuture<'_, Checkout> {
        self.inner.create_checkout(request)
    }
    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_, String> {
        self.inner.refund(request)
    }
    fn charge_saved_card(&self, request: SavedCardCharge) -> ProviderFuture<'_, String> {
        Box::pin(async move {
            let id = self.inner.charge_saved_card(request).await?;
            if self.lose.swap(false, Ordering::SeqCst) {
                return Err(ProviderError::Unavailable("connection reset after the charge".into()));
            }
            Ok(id)
        })
    }
    fn verify_webhook(&self, signature: Option<&str>, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError> {
        self.inner.verify_webhook(signature, body, now)
    }
}

/// A provider whose events reach the site at once, before the caller has its answer (the
/// sandbox's delivery worker is woken by every charge and is usually that quick).
#[derive(Debug)]
struct QuickEvents {
    inner: Sandbox,
    webhook: String,
}

impl PaymentProvider for QuickEvents {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn create_checkout(&self, request: CheckoutRequest) -> ProviderFuture<'_, Checkout> {
        self.inner.create_checkout(request)
    }
    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_, String> {
        self.inner.refund(request)
    }
    fn charge_saved_card(&self, request: SavedCardCharge) -> ProviderFuture<'_, String> {
        Box::pin(async move {
            let id = self.inner.charge_saved_card(request).await?;
            delivery::deliver_once(&self.inner, &delivery::client(), &self.webhook)
                .await
                .map_err(|error| ProviderError::Unavailable(error.to_string()))?;
            Ok(id)
        })
    }
    fn verify_webhook(&self, signature: Option<&str>, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError> {
        self.inner.verify_webhook(signature, body, now)
    }
}

// 1. Trials ----------------------------------------------------------------------------------------

/// A trial starts without a card, at the plan's price, for the plan's 14 days; it is once per
/// person, and one person has one live subscription whoever writes it.
#[tokio::test]
async fn a_trial_starts_without_a_card_once_per_person() {
    let site = Site::new("trial").await;
    let student = &site.student;
    assert_eq!(subscribe(&site, student, "plus-monthly", true).await.expect("a trial"), None, "no checkout");
    let trial = sub(&site, student.user_id).await;
    assert_eq!((trial.status.as_str(), trial.plan_code.as_str(), trial.price_minor), ("trialing", "plus-monthly", 900));
    assert!(near(trial.trial_ends_at, Utc::now() + Duration::days(14)), "{trial:?}");
    assert_eq!(Some(trial.end), trial.trial_ends_at, "the trial is the period");
    assert_eq!(trial.card_reference, None);

    let overview = call(&site, student, |tx, u| Box::pin(subs::overview(tx, u))).await.unwrap();
    assert_eq!(overview.current.code, "plus-monthly");
    assert!(!overview.trial_available);
    let shown = overview.subscription.expect("the trial");
    assert_eq!(shown.status, SubscriptionStatus::Trialing);

    // Another trial while this one runs, of any plan: refused.
    for plan in ["plus-monthly", "pro-monthly"] {
        conflict(subscribe(&site, student, plan, true).await, "free trial");
    }
    // Over (cancelled): still no second trial, of any plan.
    call(&site, student, |tx, u| Box::pin(subs::cancel(tx, u, false))).await.expect("cancel the trial");
    assert_eq!(sub(&site, student.user_id).await.status, "cancelled");
    for plan in ["plus-monthly", "pro-yearly"] {
        conflict(subscribe(&site, student, plan, true).await, "You've had your free trial");
    }
    assert_eq!(site.count("select count(*) from subscriptions").await, 1, "nothing was started");
    // Nor straight in SQL as the subscriber.
    let mut tx = as_ctx(&site.db.app, student.ctx()).await;
    let again = sqlx::query(
        "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, current_period_start, current_period_end)
         values ($1, $2, 'pro-monthly', 'trialing', 0, now(), now() + interval '1 day')",
    )
    .bind(student.user_id)
    .bind(site.org)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(again), "23514", "subscriptions_one_trial");
    drop(tx);

    // One live subscription per person, even for the owner.
    let other = &site.other;
    subscribe(&site, other, "pro-monthly", true).await.expect("the other student's trial");
    let second_live = sqlx::query(
        "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, current_period_start, current_period_end)
         values ($1, $2, 'plus-monthly', 'active', 900, now(), now() + interval '1 month')",
    )
    .bind(other.user_id)
    .bind(site.org)
    .execute(&site.db.owner)
    .await;
    assert_eq!(sqlstate(second_live), "23505", "subscriptions_one_live_per_user");
}

// 2. Subscribing with a card ------------------------------------------------------------------------

/// Without a trial: a checkout for the plan's price that keeps the card; paid, the webhook makes
/// the subscription active for one calendar month with the card on file and a receipt.
#[tokio::test]
async fn subscribing_with_a_card_pays_the_first_month_and_keeps_the_card() {
    let site = Site::new("subscribe").await;
    let student = &site.student;
    let key = Uuid::new_v4();
    let url = call(&site, student, move |tx, u| Box::pin(subs::subscribe(tx, u, "plus-monthly".into(), key, false)))
        .await
        .expect("subscribe")
        .expect("a checkout");
    assert!(url.starts_with(&format!("{}/sandbox/checkout/pi_", site.url)), "{url}");
    let replayed = call(&site, student, move |tx, u| Box::pin(subs::subscribe(tx, u, "plus-monthly".into(), key, false)))
        .await
        .expect("the same key again");
    assert_eq!(replayed.as_deref(), Some(url.as_str()), "a double click gets the same checkout");
    let waiting = sub(&site, student.user_id).await;
    assert_eq!((waiting.status.as_str(), waiting.price_minor), ("incomplete", 900));
    let start = payments_for(&site, waiting.id, "subscription_start").await;
    assert_eq!(start.len(), 1);
    assert_eq!((start[0].status.as_str(), start[0].amount_minor), ("pending", 900));
    let intent = site.sandbox.intent(&intent_id(&url)).await.unwrap().expect("the sandbox's checkout");
    assert_eq!((intent.amount_minor, intent.currency.as_str()), (900, "USD"));
    assert!(intent.return_url.ends_with("/account/billing?checkout=done"), "{}", intent.return_url);

    assert!(matches!(site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap(), Charge::Succeeded { .. }));
    assert_eq!(site.deliver().await, 1);
    let active = sub(&site, student.user_id).await;
    assert_eq!(active.status, "active");
    assert!(active.card_reference.as_deref().is_some_and(|card| card.starts_with("card_")), "{active:?}");
    assert_eq!((active.card_brand.as_deref(), active.card_last4.as_deref()), (Some("visa"), Some("4242")));
    assert_eq!(active.end, BillingInterval::Month.after(active.start), "one calendar month");
    assert!(near(Some(active.start), Utc::now()));
    let paid = payments_for(&site, active.id, "subscription_start").await;
    assert_eq!((paid[0].purpose.as_str(), paid[0].status.as_str()), ("subscription_start", "succeeded"));
    assert!(paid[0].receipt_number.as_deref().is_some_and(|n| n.starts_with("WP-")), "{paid:?}");
    assert!(site.told(student.user_id).await.contains(&"Welcome to Plus".to_string()));

    let overview = call(&site, student, |tx, u| Box::pin(subs::overview(tx, u))).await.unwrap();
    assert_eq!(overview.current.code, "plus-monthly");
    let shown = overview.subscription.expect("the subscription");
    assert_eq!((shown.status, shown.card.as_deref()), (SubscriptionStatus::Active, Some("Visa ending in 4242")));
    conflict(subscribe(&site, student, "pro-monthly", false).await, "You have a subscription already");
}

// 3. Renewals ---------------------------------------------------------------------------------------

/// A period that has ended is charged once to the kept card, whatever happens: passes run again,
/// events delivered twice, a worker that loses the provider's answer (or dies before its commit).
#[tokio::test]
async fn a_period_is_renewed_once_and_never_charged_twice() {
    let site = Site::new("renew").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", VISA).await;

    expire_period(&site, first.id).await;
    let period_start = sub(&site, student.user_id).await.end;
    let pass = run_once(&site, &site.sandbox).await;
    assert_eq!(pass.renewals_charged, 1, "{pass:?}");
    let renewal = payments_for(&site, first.id, "renewal").await;
    assert_eq!(renewal.len(), 1);
    assert_eq!((renewal[0].period_start, renewal[0].amount_minor), (Some(period_start), 900));
    assert_eq!(site.deliver().await, 1);
    let renewed = sub(&site, student.user_id).await;
    assert_eq!(renewed.status, "active");
    assert_eq!((renewed.start, renewed.end), (period_start, BillingInterval::Month.after(period_start)), "the next period");
    let renewal = payments_for(&site, first.id, "renewal").await;
    assert_eq!(renewal[0].status, "succeeded");
    assert!(renewal[0].receipt_number.is_some());

    // Again, and again after every event is delivered a second time: nothing more.
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default());
    sqlx::query("update sandbox.events set delivered_at = null, next_attempt_at = now()").execute(&site.db.owner).await.unwrap();
    assert!(site.deliver().await >= 2, "redelivered");
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default());
    assert_eq!(payments_for(&site, first.id, "renewal").await.len(), 1);
    assert_eq!(renewal_charges(&site, first.id, period_start).await, 1, "one charge at the provider");
    let still = sub(&site, student.user_id).await;
    assert_eq!((still.start, still.end), (renewed.start, renewed.end), "the period moved once");

    // The provider charged but its answer never came back (or the worker died before its
    // commit): the next pass asks again with the same key and the provider replays its charge.
    expire_period_ago(&site, first.id, 60).await;
    let period_start = sub(&site, student.user_id).await.end;
    let lost = LostAnswer { inner: restarted(&site), lose: AtomicBool::new(true) };
    assert_eq!(run_once(&site, &lost).await.renewals_charged, 0);
    assert_eq!(renewal_charges(&site, first.id, period_start).await, 1, "the provider charged");
    assert!(
        payments_for(&site, first.id, "renewal").await.iter().all(|p| p.period_start != Some(period_start)),
        "nothing kept of the lost attempt"
    );
    let again = restarted(&site);
    assert_eq!(run_once(&site, &again).await.renewals_charged, 1);
    assert_eq!(renewal_charges(&site, first.id, period_start).await, 1, "the same charge, replayed");
    assert_eq!(deliver_with(&site, &again).await, 1);
    let renewals = payments_for(&site, first.id, "renewal").await;
    let this = renewals.iter().find(|p| p.period_start == Some(period_start)).expect("the period's renewal");
    assert_eq!(this.status, "succeeded");
    let now = sub(&site, student.user_id).await;
    assert_eq!((now.status.as_str(), now.start), ("active", period_start));
    assert_eq!(renewals.len(), 2, "two periods, two renewals");
}

/// Two workers at once (two servers, or a restarted one while the old one still runs) charge a
/// period once, and neither pass fails: one claims the subscription, the other skips it.
#[tokio::test]
async fn two_workers_at_once_renew_a_period_once_and_neither_fails() {
    let site = Site::new("two-workers").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", VISA).await;
    for round in 0..5 {
        expire_period_ago(&site, first.id, 60 * (round + 1)).await;
        let period_start = sub(&site, student.user_id).await.end;
        let (a, b) = (restarted(&site), restarted(&site));
        let (one, two) = tokio::join!(renewals::run_once(&site.db.owner, &a), renewals::run_once(&site.db.owner, &b));
        assert_eq!(renewal_charges(&site, first.id, period_start).await, 1, "round {round}: one charge at the provider");
        let renewals = payments_for(&site, first.id, "renewal").await;
        assert_eq!(renewals.iter().filter(|p| p.period_start == Some(period_start)).count(), 1, "round {round}");
        let (one, two) = (one.expect("the first pass"), two.expect("the second pass"));
        assert_eq!(one.renewals_charged + two.renewals_charged, 1, "round {round}");
        assert_eq!(deliver_with(&site, &a).await, 1);
        assert_eq!(sub(&site, student.user_id).await.start, period_start, "round {round}: renewed");
    }
}

/// The provider's event for a renewal can reach the site before the worker's transaction (which
/// holds the payment row and its provider id) commits: the sandbox wakes its delivery worker on
/// every charge. The event must not be lost.
#[tokio::test]
async fn a_renewal_event_that_arrives_before_the_worker_commits_is_not_lost() {
    let site = Site::new("quick").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", VISA).await;
    expire_period(&site, first.id).await;
    let period_start = sub(&site, student.user_id).await.end;
    let quick = QuickEvents { inner: restarted(&site), webhook: format!("{}/webhooks/payments/sandbox", site.url) };
    assert_eq!(run_once(&site, &quick).await.renewals_charged, 1);
    // The early delivery was answered "deliver again later" and nothing of it kept; the sandbox
    // retries after its backoff, which here is now.
    let (status, attempts): (Option<String>, i32) = sqlx::query_as(
        "select last_error, attempts from sandbox.events where event_type = 'payment_intent.succeeded' order by created_at desc limit 1",
    )
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!((status.as_deref(), attempts), (Some("answered 503 Service Unavailable"), 1));
    sqlx::query("update sandbox.events set next_attempt_at = now() where delivered_at is null").execute(&site.db.owner).await.unwrap();
    site.deliver().await;
    run_once(&site, &site.sandbox).await;
    site.deliver().await;
    let renewal = payments_for(&site, first.id, "renewal").await;
    assert_eq!(renewal.len(), 1);
    assert_eq!(renewal[0].status, "succeeded", "the charge succeeded at the provider: {renewal:?}");
    let now = sub(&site, student.user_id).await;
    assert_eq!((now.status.as_str(), now.start), ("active", period_start), "renewed");
}

// 4. Failed renewals ------------------------------------------------------------------------------

/// A kept card declined at renewal: past_due, the subscriber told, tried again after 1, 3 and 5
/// days by whichever worker runs then (a restarted server's included); after the last failure
/// the subscription is cancelled. Four charges in all.
#[tokio::test]
async fn a_failed_renewal_is_retried_then_the_subscription_cancelled() {
    let site = Site::new("dunning").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", FAILS_LATER).await;
    assert_eq!(first.card_last4.as_deref(), Some("0341"));
    expire_period(&site, first.id).await;
    let period_start = sub(&site, student.user_id).await.end;

    assert_eq!(run_once(&site, &site.sandbox).await.renewals_charged, 1);
    assert_eq!(site.deliver().await, 1);
    let renewal = payments_for(&site, first.id, "renewal").await;
    assert_eq!(renewal.len(), 1);
    assert_eq!(renewal[0].status, "failed");
    assert_eq!(renewal[0].failure_reason.as_deref(), Some("Your card was declined."));
    let overdue = sub(&site, student.user_id).await;
    assert_eq!((overdue.status.as_str(), overdue.renewal_attempts), ("past_due", 1));
    assert!(near(overdue.next_attempt_at, Utc::now() + Duration::days(1)), "{overdue:?}");
    assert_eq!(site.told(student.user_id).await.iter().filter(|t| *t == "Your renewal didn't go through").count(), 1);
    // Not before its time.
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default());
    assert_eq!(renewal_charges(&site, first.id, period_start).await, 1);

    for (attempt, wait) in [(2, Some(3)), (3, Some(5)), (4, None)] {
        // The server restarted meanwhile: a new provider object on the same database.
        let sandbox = restarted(&site);
        sqlx::query("update subscriptions set next_attempt_at = now() where id = $1")
            .bind(first.id)
            .execute(&site.db.owner)
            .await
            .unwrap();
        let pass = run_once(&site, &sandbox).await;
        assert_eq!((pass.retried, pass.renewals_charged, pass.ended), (1, 0, 0), "attempt {attempt}: {pass:?}");
        assert_eq!(sub(&site, student.user_id).await.next_attempt_at, None, "in flight");
        assert_eq!(run_once(&site, &sandbox).await, Pass::default(), "asked once");
        assert_eq!(deliver_with(&site, &sandbox).await, 1);
        let now = sub(&site, student.user_id).await;
        assert_eq!((now.status.as_str(), now.renewal_attempts), ("past_due", attempt), "attempt {attempt}");
        match wait {
            Some(days) => assert!(near(now.next_attempt_at, Utc::now() + Duration::days(days)), "attempt {attempt}: {now:?}"),
            // No further try: the next pass ends it.
            None => assert!(now.next_attempt_at.is_none_or(|at| at <= Utc::now()), "{now:?}"),
        }
        assert_eq!(renewal_charges(&site, first.id, period_start).await, attempt as i64);
        assert_eq!(payments_for(&site, first.id, "renewal").await.len(), 1, "one payment for the period, tried again");
    }
    assert_eq!(site.told(student.user_id).await.iter().filter(|t| *t == "Your renewal didn't go through").count(), 4);

    let sandbox = restarted(&site);
    sqlx::query("update subscriptions set next_attempt_at = now() where id = $1")
        .bind(first.id)
        .execute(&site.db.owner)
        .await
        .unwrap();
    let pass = run_once(&site, &sandbox).await;
    assert_eq!((pass.ended, pass.retried, pass.renewals_charged), (1, 0, 0), "{pass:?}");
    let ended = sub(&site, student.user_id).await;
    assert_eq!(ended.status, "cancelled");
    assert!(near(ended.ended_at, Utc::now()), "{ended:?}");
    assert_eq!(run_once(&site, &sandbox).await, Pass::default());
    assert_eq!(renewal_charges(&site, first.id, period_start).await, 4, "exactly four charges for the period");
    assert_eq!(site.count("select count(*) from sandbox.payment_intents where idempotency_key like 'renewal:%'").await, 4);
    let overview = call(&site, student, |tx, u| Box::pin(subs::overview(tx, u))).await.unwrap();
    assert_eq!(overview.current.code, "free", "back on Free");
}

// 5. Proration ----------------------------------------------------------------------------------------

/// Plus ($9) to Pro ($19) halfway through a 30-day period: $4.50 credited, $9.50 charged, $5.00
/// paid now; the period is kept. Back to Plus: $5.00 credit, taken off the next renewal.
#[tokio::test]
async fn changing_plan_mid_period_is_prorated_to_the_second() {
    let site = Site::new("prorate").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", VISA).await;
    let period = halfway(&site, first.id).await;
    assert_eq!((period.end - period.start).num_seconds(), 30 * 24 * 3600);

    let before = prorate(900, 1900, period.start, period.end, Utc::now(), true);
    let preview = call(&site, student, |tx, u| Box::pin(subs::preview_change(tx, u, "pro-monthly".into()))).await.unwrap();
    let after = prorate(900, 1900, period.start, period.end, Utc::now(), true);
    assert!(
        [before, after].iter().any(|p| preview.credit == money(p.credit_minor, "USD")
            && preview.charge == money(p.charge_minor, "USD")
            && preview.outcome == format!("{} charged now to your card", money(p.net_minor(), "USD"))),
        "{preview:?} vs {before:?} / {after:?}"
    );
    assert_eq!((preview.credit.as_str(), preview.charge.as_str()), ("$4.50", "$9.50"));
    assert_eq!(preview.outcome, "$5.00 charged now to your card");
    assert_eq!(preview.plan.code, "pro-monthly");

    call(&site, student, |tx, u| Box::pin(subs::change_plan(tx, u, "pro-monthly".into()))).await.expect("change");
    let asked = sub(&site, student.user_id).await;
    assert_eq!(asked.pending_plan_code.as_deref(), Some("pro-monthly"));
    let requested_at = asked.plan_change_requested_at.expect("when it was asked");
    let expected = prorate(900, 1900, period.start, period.end, requested_at, true);
    assert_eq!(run_once(&site, &site.sandbox).await.plan_changes, 1);
    let proration = payments_for(&site, first.id, "proration").await;
    assert_eq!(proration.len(), 1);
    assert_eq!(proration[0].amount_minor, expected.net_minor());
    assert_eq!(proration[0].amount_minor, 500);
    let (credit, charge) = (proration[0].metadata["credit_minor"].as_i64(), proration[0].metadata["charge_minor"].as_i64());
    assert_eq!((credit, charge), (Some(expected.credit_minor), Some(expected.charge_minor)));
    assert_eq!(charge.unwrap() - credit.unwrap(), proration[0].amount_minor, "the figures add up");
    assert_eq!(
        site.count(&format!("select amount_minor from sandbox.payment_intents where merchant_reference = '{}'", proration[0].id)).await,
        500
    );
    assert_eq!(sub(&site, student.user_id).await.plan_code, "plus-monthly", "changed when the payment succeeds");
    assert_eq!(site.deliver().await, 1);
    let pro = sub(&site, student.user_id).await;
    assert_eq!((pro.plan_code.as_str(), pro.price_minor, pro.status.as_str()), ("pro-monthly", 1900, "active"));
    assert_eq!((pro.start, pro.end), (period.start, period.end), "the period is kept");
    assert_eq!(pro.pending_plan_code, None);
    assert_eq!(payments_for(&site, first.id, "proration").await[0].status, "succeeded");
    assert!(site.told(student.user_id).await.contains(&"Plan changed".to_string()));
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default(), "made once");

    // Back to Plus: nothing to pay, the difference kept as credit.
    let preview = call(&site, student, |tx, u| Box::pin(subs::preview_change(tx, u, "plus-monthly".into()))).await.unwrap();
    assert_eq!(preview.outcome, "$5.00 credit toward your next renewals");
    call(&site, student, |tx, u| Box::pin(subs::change_plan(tx, u, "plus-monthly".into()))).await.expect("downgrade");
    let requested_at = sub(&site, student.user_id).await.plan_change_requested_at.expect("asked");
    let expected_credit = -prorate(1900, 900, period.start, period.end, requested_at, true).net_minor();
    assert_eq!(run_once(&site, &site.sandbox).await.plan_changes, 1);
    let plus = sub(&site, student.user_id).await;
    assert_eq!((plus.plan_code.as_str(), plus.price_minor, plus.credit_minor), ("plus-monthly", 900, expected_credit));
    assert_eq!(expected_credit, 500);
    assert_eq!(payments_for(&site, first.id, "proration").await.len(), 1, "no payment for a downgrade");
    assert_eq!(site.count("select count(*) from sandbox.events where delivered_at is null").await, 0, "nothing charged");
    let overview = call(&site, student, |tx, u| Box::pin(subs::overview(tx, u))).await.unwrap();
    assert_eq!(overview.subscription.and_then(|s| s.credit).as_deref(), Some("$5.00"));

    // The next renewal takes the credit off.
    expire_period(&site, first.id).await;
    let period_start = sub(&site, student.user_id).await.end;
    assert_eq!(run_once(&site, &site.sandbox).await.renewals_charged, 1);
    let renewal = payments_for(&site, first.id, "renewal").await;
    assert_eq!((renewal.len(), renewal[0].amount_minor), (1, 900 - expected_credit));
    assert_eq!(
        site.count(&format!("select amount_minor from sandbox.payment_intents where merchant_reference = '{}'", renewal[0].id)).await,
        900 - expected_credit
    );
    assert_eq!(sub(&site, student.user_id).await.credit_minor, 0, "the credit is used");
    assert_eq!(site.deliver().await, 1);
    let renewed = sub(&site, student.user_id).await;
    assert_eq!((renewed.status.as_str(), renewed.start), ("active", period_start));
}

// 6. Entitlements --------------------------------------------------------------------------------------

/// Plus takes 10 % off every paid session: what the checkout asks, what the provider charges,
/// and what the database writes whatever the student's row says.
#[tokio::test]
async fn plus_takes_ten_percent_off_sessions_and_the_database_enforces_it() {
    let site = Site::new("perks").await;
    let student = &site.student;
    let (_, full) = site.paid_session(student, at(3, 10, 0)).await;
    assert_eq!(full.amount_minor, PRICE_MINOR, "Free pays the full price");

    subscribed(&site, student, "plus-monthly", VISA).await;
    let discounted = PRICE_MINOR - PRICE_MINOR * 10 / 100;
    let booking = site.hold(student, at(4, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.expect("pay");
    let payment = site.payment(booking).await;
    assert_eq!((payment.amount_minor, payment.fee_minor), (discounted, discounted / 10));
    let intent = site.sandbox.intent(&intent_id(&url)).await.unwrap().expect("the checkout");
    assert_eq!(intent.amount_minor, discounted, "the provider asks the discounted price");
    assert_eq!(
        site.count(&format!("select amount_minor from sandbox.payment_intents where merchant_reference = '{}'", payment.id)).await,
        discounted
    );
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(site.deliver().await, 1);
    assert_eq!(site.payment(booking).await.status, "succeeded");

    // The student's own row, straight in SQL: the database sets the discounted price.
    let held = site.hold(student, at(5, 10, 0)).await;
    let mut tx = as_ctx(&site.db.app, student.ctx()).await;
    let amount: i64 = sqlx::query_scalar(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency) values ($1, $2, $3, 1, 'USD')
         returning amount_minor",
    )
    .bind(student.user_id)
    .bind(site.org)
    .bind(held)
    .fetch_one(&mut *tx)
    .await
    .expect("the student's checkout row");
    assert_eq!(amount, discounted);
    drop(tx);
    // Another student, on Free, pays the full price.
    let theirs = site.hold(&site.other, at(6, 10, 0)).await;
    site.pay(&site.other, theirs, Uuid::new_v4()).await.unwrap();
    assert_eq!(site.payment(theirs).await.amount_minor, PRICE_MINOR);
}

// 7. Cancelling ---------------------------------------------------------------------------------------

/// Cancel at the period's end (and take it back), or now; the subscriber changes nothing else.
#[tokio::test]
async fn a_subscriber_cancels_at_the_period_end_or_now_and_nothing_else() {
    let site = Site::new("cancel").await;
    let student = &site.student;
    let first = subscribed(&site, student, "plus-monthly", VISA).await;

    call(&site, student, |tx, u| Box::pin(subs::cancel(tx, u, true))).await.expect("cancel at the end");
    let ending = sub(&site, student.user_id).await;
    assert_eq!((ending.status.as_str(), ending.cancel_at_period_end), ("active", true));
    call(&site, student, |tx, u| Box::pin(subs::resume(tx, u))).await.expect("resume");
    assert!(!sub(&site, student.user_id).await.cancel_at_period_end);
    conflict(call(&site, student, |tx, u| Box::pin(subs::resume(tx, u))).await, "isn't set to end");

    call(&site, student, |tx, u| Box::pin(subs::cancel(tx, u, true))).await.expect("cancel at the end");
    expire_period(&site, first.id).await;
    let period_end = sub(&site, student.user_id).await.end;
    let pass = run_once(&site, &site.sandbox).await;
    assert_eq!((pass.ended, pass.renewals_charged), (1, 0), "{pass:?}");
    let ended = sub(&site, student.user_id).await;
    assert_eq!((ended.status.as_str(), ended.ended_at), ("cancelled", Some(period_end)));
    assert!(payments_for(&site, first.id, "renewal").await.is_empty(), "not renewed");
    assert_eq!(site.count("select count(*) from sandbox.payment_intents where idempotency_key like 'renewal:%'").await, 0);

    // Now: cancelled at once.
    let other = &site.other;
    let theirs = subscribed(&site, other, "pro-monthly", VISA).await;
    call(&site, other, |tx, u| Box::pin(subs::cancel(tx, u, false))).await.expect("cancel now");
    let gone = sub(&site, other.user_id).await;
    assert_eq!(gone.status, "cancelled");
    assert!(near(gone.ended_at, Utc::now()));
    conflict(call(&site, other, |tx, u| Box::pin(subs::cancel(tx, u, false))).await, "Free plan");

    // Straight in SQL, the subscriber can't choose their plan or price, or come back to life.
    for sql in [
        "update subscriptions set plan_code = 'pro-yearly' where id = $1",
        "update subscriptions set price_minor = 1 where id = $1",
        "update subscriptions set credit_minor = 100000 where id = $1",
        "update subscriptions set current_period_end = now() + interval '10 years' where id = $1",
    ] {
        let mut tx = as_ctx(&site.db.app, student.ctx()).await;
        let result = sqlx::query(sql).bind(first.id).execute(&mut *tx).await;
        assert_eq!(sqlstate(result), "42501", "{sql}");
    }
    let live = subscribed(&site, student, "plus-monthly", VISA).await;
    for sql in [
        "update subscriptions set plan_code = 'plus-yearly' where id = $1",
        "update subscriptions set price_minor = 1 where id = $1",
        "update subscriptions set status = 'active', cancelled_at = null where id = $1",
    ] {
        let mut tx = as_ctx(&site.db.app, other.ctx()).await;
        let theirs_now = sqlx::query(sql).bind(theirs.id).execute(&mut *tx).await;
        assert_eq!(sqlstate(theirs_now), "42501", "{sql} (a cancelled one)");
    }
    for sql in [
        "update subscriptions set plan_code = 'pro-monthly' where id = $1",
        "update subscriptions set price_minor = 1 where id = $1",
        "update subscriptions set card_reference = 'card_someone_elses' where id = $1",
        "update subscriptions set renewal_attempts = 0, next_attempt_at = null, status = 'past_due' where id = $1",
    ] {
        let mut tx = as_ctx(&site.db.app, student.ctx()).await;
        let result = sqlx::query(sql).bind(live.id).execute(&mut *tx).await;
        assert_eq!(sqlstate(result), "42501", "{sql} (a live one)");
    }
    // Another subscriber's row isn't theirs to touch at all.
    let mut tx = as_ctx(&site.db.app, other.ctx()).await;
    let touched = sqlx::query("update subscriptions set cancel_at_period_end = true where id = $1")
        .bind(live.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(touched.rows_affected(), 0);
    drop(tx);
    let unchanged = sub(&site, student.user_id).await;
    assert_eq!((unchanged.plan_code.as_str(), unchanged.price_minor), ("plus-monthly", 900));
}

// 8. Endings without payment ----------------------------------------------------------------------

/// A trial without a card ends with its trial; a subscription whose first payment never came
/// ends after a day.
#[tokio::test]
async fn an_unpaid_trial_or_checkout_expires() {
    let site = Site::new("expiry").await;
    let student = &site.student;
    subscribe(&site, student, "plus-monthly", true).await.expect("a trial");
    let trial = sub(&site, student.user_id).await;
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default(), "not yet");
    sqlx::query(
        "update subscriptions set current_period_start = now() - interval '14 days', current_period_end = now() - interval '1 second',
                trial_ends_at = now() - interval '1 second' where id = $1",
    )
    .bind(trial.id)
    .execute(&site.db.owner)
    .await
    .unwrap();
    let pass = run_once(&site, &site.sandbox).await;
    assert_eq!((pass.ended, pass.renewals_charged), (1, 0), "{pass:?}");
    let expired = sub(&site, student.user_id).await;
    assert_eq!(expired.status, "expired");
    assert!(expired.ended_at.is_some());
    assert_eq!(site.count("select count(*) from sandbox.payment_intents").await, 0, "no card, no charge");
    let overview = call(&site, student, |tx, u| Box::pin(subs::overview(tx, u))).await.unwrap();
    assert_eq!(overview.current.code, "free");

    let other = &site.other;
    let url = subscribe(&site, other, "pro-monthly", false).await.unwrap().expect("a checkout");
    let waiting = sub(&site, other.user_id).await;
    assert_eq!(waiting.status, "incomplete");
    assert!(near(Some(waiting.end), Utc::now() + Duration::days(1)), "{waiting:?}");
    assert_eq!(run_once(&site, &site.sandbox).await, Pass::default(), "not yet");
    sqlx::query(
        "update subscriptions set current_period_start = now() - interval '1 day 1 minute', current_period_end = now() - interval '1 minute'
          where id = $1",
    )
    .bind(waiting.id)
    .execute(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(run_once(&site, &site.sandbox).await.ended, 1);
    let expired = sub(&site, other.user_id).await;
    assert_eq!(expired.status, "expired");
    assert!(expired.ended_at.is_some());
    assert!(!url.is_empty());
}

/// The checkout page of a subscription that expired unpaid is still open at the provider; paying
/// it then takes the money for a subscription that no longer starts. It must be given back (as a
/// session's payment after its hold expired is), or the checkout closed.
#[tokio::test]
async fn paying_an_expired_subscriptions_checkout_is_refunded() {
    let site = Site::new("stale").await;
    let student = &site.student;
    let url = subscribe(&site, student, "plus-monthly", false).await.unwrap().expect("a checkout");
    let waiting = sub(&site, student.user_id).await;
    sqlx::query(
        "update subscriptions set current_period_start = now() - interval '1 day 1 minute', current_period_end = now() - interval '1 minute'
          where id = $1",
    )
    .bind(waiting.id)
    .execute(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(run_once(&site, &site.sandbox).await.ended, 1);
    let charged = site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(site.deliver().await, u64::from(matches!(charged, Charge::Succeeded { .. })));
    let payment = payments_for(&site, waiting.id, "subscription_start").await;
    let refunds: i64 = if payment[0].status == "succeeded" {
        site.count(&format!("select count(*) from refunds where payment_id = '{}'", payment[0].id)).await
    } else {
        0
    };
    let now = sub(&site, student.user_id).await;
    let told = site.told(student.user_id).await;
    assert!(
        matches!(charged, Charge::Gone | Charge::Declined { .. }) || refunds == 1 || now.status == "active",
        "charged {charged:?}: payment {:?}, subscription {}, refunds {refunds}, told {told:?}",
        payment[0].status,
        now.status
    );
    assert!(now.status == "active" || !told.contains(&"Welcome to Plus".to_string()), "welcomed to nothing: {told:?}");
}
