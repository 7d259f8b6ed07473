//! Subscriptions over time: the subscriptions worker (period ends, renewals, retries of failed
//! renewals, plan changes) and what the provider's payment events do to a subscription.
//!
//! Never twice: each pass claims the subscriptions it acts on with `for update skip locked` in
//! one transaction; a period's renewal is one payment (unique per subscription and period start)
//! charged with an idempotency key per attempt (`renewal:<subscription>:<period start>:<attempt>`),
//! so a pass killed after the provider's call and before its commit calls again with the same key
//! and the provider answers with the charge it already made. A failed renewal makes the
//! subscription past_due and is retried after 1, 3 and 5 days; when the last retry fails, the
//! subscription is cancelled.

use super::plans::{prorate, BillingInterval};
use super::provider::{PaymentProvider, ProviderError, SavedCardCharge};
use super::webhook::{refund_in_full, tell, PaymentRow};
use crate::db::Tx;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// Days after each failed attempt before the next; then the subscription is cancelled.
pub const RETRY_AFTER_DAYS: [i64; 3] = [1, 3, 5];
const BATCH: i64 = 50;

/// The card a payment-succeeded event names.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    pub brand: Option<&'a str>,
    pub last4: Option<&'a str>,
    /// Kept for renewals, when the checkout asked.
    pub reference: Option<&'a str>,
}

struct Subscription {
    user_id: Uuid,
    organization_id: Uuid,
    billing_interval: String,
    plan_name: String,
    current_period_end: DateTime<Utc>,
}

async fn subscription_for_update(tx: &mut Tx, id: Uuid) -> Result<Subscription, sqlx::Error> {
    sqlx::query_as!(
        Subscription,
        r#"select s.user_id, s.organization_id, p.billing_interval, p.name as plan_name,
                  s.current_period_end as "current_period_end: DateTime<Utc>"
             from subscriptions s join plans p on p.code = s.plan_code where s.id = $1 for update of s"#,
        id
    )
    .fetch_one(&mut **tx)
    .await
}

fn interval(code: &str) -> BillingInterval {
    BillingInterval::parse(code).unwrap_or(BillingInterval::Month)
}

/// A subscription's payment succeeded (in the webhook's transaction).
pub(super) async fn payment_succeeded(tx: &mut Tx, payment: &PaymentRow, card: Card<'_>) -> Result<(), sqlx::Error> {
    let Some(id) = payment.subscription_id else { return Ok(()) };
    let sub = subscription_for_update(tx, id).await?;
    let now = Utc::now();
    let link = serde_json::json!({ "subscription_id": id, "payment_id": payment.id });
    match payment.purpose.as_str() {
        "subscription_start" => {
            let end = interval(&sub.billing_interval).after(now);
            let started = sqlx::query!(
                "update subscriptions set status = 'active', current_period_start = $2, current_period_end = $3,
                        card_reference = coalesce($4, card_reference), card_brand = coalesce($5, card_brand),
                        card_last4 = coalesce($6, card_last4), renewal_attempts = 0, next_attempt_at = null
                  where id = $1 and status in ('incomplete', 'trialing')",
                id,
                now as _,
                end as _,
                card.reference,
                card.brand,
                card.last4
            )
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if started == 0 {
                // The checkout outlived its subscription (expired, or cancelled for another plan):
                // the money goes back in full.
                refund_in_full(tx, payment, "subscription_ended").await?;
                let amount = super::domain::money(payment.amount_minor, &payment.currency);
                let body = format!("That checkout had expired, so we're refunding the {amount} in full. Subscribe again from the pricing page.");
                return tell(tx, sub.user_id, sub.organization_id, "Your payment arrived after the checkout expired", &body, link).await;
            }
            tell(tx, sub.user_id, sub.organization_id, &format!("Welcome to {}", sub.plan_name), "Your subscription is active.", link).await
        }
        "renewal" => {
            let start = payment.period_start.unwrap_or(sub.current_period_end);
            let end = interval(&sub.billing_interval).after(start);
            sqlx::query!(
                "update subscriptions set status = 'active', current_period_start = $2, current_period_end = $3,
                        renewal_attempts = 0, next_attempt_at = null
                  where id = $1 and status in ('active', 'past_due', 'trialing') and current_period_end <= $2",
                id,
                start as _,
                end as _
            )
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        "proration" => {
            let Some(plan) = payment.metadata.get("plan_code").and_then(|code| code.as_str()) else { return Ok(()) };
            let restart = payment.metadata.get("new_period").and_then(|value| value.as_bool()).unwrap_or(false);
            switch_plan(tx, id, plan, restart, 0).await?;
            tell(tx, sub.user_id, sub.organization_id, "Plan changed", "Your new plan starts now.", link).await
        }
        _ => Ok(()),
    }
}

/// A subscription's payment failed (in the webhook's transaction).
pub(super) async fn payment_failed(tx: &mut Tx, id: Uuid, payment: Uuid, purpose: &str, reason: &str) -> Result<(), sqlx::Error> {
    let sub = subscription_for_update(tx, id).await?;
    let link = serde_json::json!({ "subscription_id": id, "payment_id": payment });
    match purpose {
        "renewal" => {
            let attempts: i32 = sqlx::query_scalar!(
                r#"update subscriptions set status = 'past_due', renewal_attempts = renewal_attempts + 1
                    where id = $1 and status in ('active', 'past_due', 'trialing') returning renewal_attempts as "n!""#,
                id
            )
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0);
            let wait = usize::try_from(attempts - 1).ok().and_then(|i| RETRY_AFTER_DAYS.get(i)).copied();
            sqlx::query!(
                "update subscriptions set next_attempt_at = now() + make_interval(days => $2) where id = $1",
                id,
                wait.unwrap_or(0) as i32
            )
            .execute(&mut **tx)
            .await?;
            let body = match wait {
                Some(days) => format!("{reason} We'll try again in {days} day{}; you can update your card meanwhile.", if days == 1 { "" } else { "s" }),
                None => format!("{reason} This was the last try: your subscription ends."),
            };
            tell(tx, sub.user_id, sub.organization_id, "Your renewal didn't go through", &body, link).await
        }
        "proration" => tell(tx, sub.user_id, sub.organization_id, "Your plan change didn't go through", reason, link).await,
        _ => Ok(()),
    }
}

/// Moves `id` to `plan`, at that plan's price; `restart` starts a new period now (monthly and
/// yearly swapped); `credit` is added for the next renewals.
async fn switch_plan(tx: &mut Tx, id: Uuid, plan: &str, restart: bool, credit: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update subscriptions s set plan_code = p.code, price_minor = p.price_minor, currency = p.currency,
                credit_minor = s.credit_minor + $3, pending_plan_code = null, plan_change_requested_at = null,
                current_period_start = case when $4 then now() else s.current_period_start end,
                current_period_end = case when $4 then
                    case p.billing_interval when 'year' then now() + interval '1 year' else now() + interval '1 month' end
                    else s.current_period_end end
           from plans p where s.id = $1 and p.code = $2",
        id,
        plan,
        credit,
        restart
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub renewals_charged: u64,
    pub retried: u64,
    pub ended: u64,
    pub plan_changes: u64,
    /// "Your plan renews on …" notices written.
    pub renewal_notices: u64,
}

/// How long before a renewal (or a trial's end) its owner is told.
pub const RENEWAL_NOTICE_DAYS: i32 = 3;

/// A payment's id made from what it pays for, so a pass that is killed after the provider's call
/// and runs again asks with the same payment and key, and the provider replays its answer.
fn payment_id_for(what: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x5f0c_3d2a_8a41_4e7b_9d55_7a0e_61c3_b1f4);
    Uuid::new_v5(&NAMESPACE, what.as_bytes())
}

enum Charged {
    /// The provider's id for the charge; its outcome arrives as an event.
    Asked(String),
    /// Not reached: nothing is kept, and the next pass asks again with the same key.
    TryLater,
    /// Refused outright (e.g. the card is no longer on file).
    Refused(String),
}

async fn charge(provider: &dyn PaymentProvider, request: SavedCardCharge) -> Charged {
    match provider.charge_saved_card(request).await {
        Ok(id) => Charged::Asked(id),
        Err(ProviderError::Unavailable(error)) => {
            tracing::warn!(%error, "the provider is unavailable; the charge is asked again on the next pass");
            Charged::TryLater
        }
        Err(error) => {
            tracing::error!(%error, "the provider refused a kept card's charge");
            Charged::Refused("Your card on file couldn't be charged.".into())
        }
    }
}

/// Forgets a payment the provider never heard of (it was unavailable).
async fn forget(tx: &mut Tx, payment: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from payments where id = $1 and provider_payment_id is null", payment).execute(&mut **tx).await?;
    Ok(())
}

/// One pass of the subscriptions worker, on the owner's pool.
pub async fn run_once(pool: &PgPool, provider: &dyn PaymentProvider) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    let mut tx = pool.begin().await?;
    // Ends first: cancellations at the period's end, trials without a card, unpaid checkouts.
    pass.ended += sqlx::query!(
        "with due as (select id from subscriptions
                       where status in ('trialing', 'active', 'past_due') and cancel_at_period_end and current_period_end <= now()
                       for update skip locked)
         update subscriptions s set status = 'cancelled', cancelled_at = coalesce(s.cancelled_at, now()), ended_at = s.current_period_end
           from due where s.id = due.id"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    pass.ended += sqlx::query!(
        "with due as (select id from subscriptions
                       where ((status = 'trialing' and card_reference is null) or status = 'incomplete') and current_period_end <= now()
                       for update skip locked)
         update subscriptions s set status = 'expired', ended_at = s.current_period_end from due where s.id = due.id"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The last retry failed: the subscription ends.
    pass.ended += sqlx::query!(
        "with due as (select id from subscriptions
                       where status = 'past_due' and renewal_attempts > $1 and next_attempt_at <= now()
                       for update skip locked)
         update subscriptions s set status = 'cancelled', cancelled_at = now(), ended_at = now() from due where s.id = due.id",
        RETRY_AFTER_DAYS.len() as i32
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    pass.renewal_notices = renewal_notices(&mut tx).await?;
    tx.commit().await?;

    pass.renewals_charged = renew(pool, provider).await?;
    pass.retried = retry(pool, provider).await?;
    pass.plan_changes = change_plans(pool, provider).await?;
    Ok(pass)
}

/// Tells each subscriber, once per period, that their plan renews (or their trial without a
/// card ends) within [`RENEWAL_NOTICE_DAYS`]: the mark is the period end it was sent for,
/// written with the notification in the caller's transaction.
async fn renewal_notices(tx: &mut Tx) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        r#"with due as (
               select s.id from subscriptions s
                where s.status in ('trialing', 'active') and not s.cancel_at_period_end
                  and s.current_period_end > now() and s.current_period_end <= now() + make_interval(days => $1)
                  and s.renewal_notice_for is distinct from s.current_period_end
                  for update skip locked),
           marked as (
               update subscriptions s set renewal_notice_for = s.current_period_end from due where s.id = due.id
               returning s.id, s.user_id, s.organization_id, s.plan_code, s.price_minor, s.credit_minor, s.currency,
                         s.current_period_end, s.card_reference is not null as has_card)
           insert into notifications (user_id, organization_id, kind, title, body, payload)
           select m.user_id, m.organization_id, 'payment',
                  case when m.has_card then 'Your ' || p.name || ' plan renews soon' else 'Your ' || p.name || ' trial ends soon' end,
                  case when m.has_card
                       then 'It renews on ' || to_char(m.current_period_end at time zone z.zone, 'FMDD Mon YYYY') || ' for '
                            || money_text(greatest(m.price_minor - m.credit_minor, 0), m.currency)
                            || ', charged to your saved card. To stop it, cancel from Billing before then.'
                       else 'It ends on ' || to_char(m.current_period_end at time zone z.zone, 'FMDD Mon YYYY')
                            || '. Add a card from Billing to keep your plan; otherwise you move to the free plan.' end,
                  jsonb_build_object('subscription_id', m.id, 'event', 'renewing')
             from marked m join plans p on p.code = m.plan_code
             cross join lateral (select coalesce((select pr.time_zone from user_profiles pr
                                                   where pr.user_id = m.user_id and pr.deleted_at is null), 'UTC') as zone) z"#,
        RENEWAL_NOTICE_DAYS
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Charges the periods that have come to an end, once each.
async fn renew(pool: &PgPool, provider: &dyn PaymentProvider) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"select s.id, s.user_id, s.organization_id, s.price_minor, s.credit_minor, s.currency as "currency!",
                  s.card_reference as "card_reference!", s.current_period_end as "period_start: DateTime<Utc>", p.name, p.billing_interval
             from subscriptions s join plans p on p.code = s.plan_code
            where s.status in ('trialing', 'active') and s.card_reference is not null and not s.cancel_at_period_end
              and s.current_period_end <= now()
              and not exists (select 1 from payments r where r.subscription_id = s.id and r.purpose = 'renewal'
                                                         and r.period_start = s.current_period_end and r.deleted_at is null)
            order by s.current_period_end limit $1
              for update of s skip locked"#,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut charged = 0;
    for sub in due {
        let used_credit = sub.credit_minor.min(sub.price_minor);
        let amount = sub.price_minor - used_credit;
        if amount == 0 {
            // Credit pays the whole period.
            let end = interval(&sub.billing_interval).after(sub.period_start);
            sqlx::query!(
                "update subscriptions set status = 'active', credit_minor = credit_minor - $2, current_period_start = $3,
                        current_period_end = $4 where id = $1",
                sub.id,
                used_credit,
                sub.period_start as _,
                end as _
            )
            .execute(&mut *tx)
            .await?;
            continue;
        }
        let payment_id = payment_id_for(&format!("renewal:{}:{}", sub.id, sub.period_start.timestamp()));
        sqlx::query!(
            "insert into payments (id, user_id, organization_id, subscription_id, purpose, period_start, amount_minor, currency,
                                   provider, fee_minor)
             values ($1, $2, $3, $4, 'renewal', $5, $6, $7, $8, 0)",
            payment_id,
            sub.user_id,
            sub.organization_id,
            sub.id,
            sub.period_start as _,
            amount,
            sub.currency,
            provider.name()
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("update subscriptions set credit_minor = credit_minor - $2 where id = $1", sub.id, used_credit)
            .execute(&mut *tx)
            .await?;
        let request = SavedCardCharge {
            payment_id,
            amount_minor: amount,
            currency: sub.currency.clone(),
            description: format!("Waypoint {} renewal", sub.name),
            card_reference: sub.card_reference.clone(),
            idempotency_key: format!("renewal:{}:{}:1", sub.id, sub.period_start.timestamp()),
        };
        match charge(provider, request).await {
            Charged::Asked(provider_id) => {
                sqlx::query!("update payments set provider_payment_id = $2 where id = $1", payment_id, provider_id)
                    .execute(&mut *tx)
                    .await?;
                charged += 1;
            }
            Charged::TryLater => {
                forget(&mut tx, payment_id).await?;
                sqlx::query!("update subscriptions set credit_minor = credit_minor + $2 where id = $1", sub.id, used_credit)
                    .execute(&mut *tx)
                    .await?;
            }
            Charged::Refused(reason) => {
                sqlx::query!("update payments set status = 'failed', failure_reason = $2 where id = $1", payment_id, reason)
                    .execute(&mut *tx)
                    .await?;
                payment_failed(&mut tx, sub.id, payment_id, "renewal", &reason).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(charged)
}

/// Tries failed renewals again when their time has come.
async fn retry(pool: &PgPool, provider: &dyn PaymentProvider) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"select s.id, s.renewal_attempts, s.card_reference as "card_reference!", r.id as payment_id, r.amount_minor,
                  r.currency as "currency!", r.period_start as "period_start!: DateTime<Utc>", p.name
             from subscriptions s
             join plans p on p.code = s.plan_code
             join payments r on r.subscription_id = s.id and r.purpose = 'renewal' and r.period_start = s.current_period_end
            where s.status = 'past_due' and s.renewal_attempts <= $1 and s.next_attempt_at <= now()
              and s.card_reference is not null and r.status = 'failed'
            order by s.next_attempt_at limit $2
              for update of s skip locked"#,
        RETRY_AFTER_DAYS.len() as i32,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut retried = 0;
    for sub in due {
        let attempt = sub.renewal_attempts + 1;
        let request = SavedCardCharge {
            payment_id: sub.payment_id,
            amount_minor: sub.amount_minor,
            currency: sub.currency.clone(),
            description: format!("Waypoint {} renewal", sub.name),
            card_reference: sub.card_reference.clone(),
            idempotency_key: format!("renewal:{}:{}:{attempt}", sub.id, sub.period_start.timestamp()),
        };
        match charge(provider, request).await {
            Charged::Asked(provider_id) => {
                sqlx::query!("update payments set provider_payment_id = $2 where id = $1", sub.payment_id, provider_id)
                    .execute(&mut *tx)
                    .await?;
                // Not due again until the attempt's outcome arrives.
                sqlx::query!("update subscriptions set next_attempt_at = null where id = $1", sub.id).execute(&mut *tx).await?;
                retried += 1;
            }
            Charged::TryLater => {}
            Charged::Refused(reason) => payment_failed(&mut tx, sub.id, sub.payment_id, "renewal", &reason).await?,
        }
    }
    tx.commit().await?;
    Ok(retried)
}

/// Makes the plan changes subscribers asked for, prorated at the moment they asked.
async fn change_plans(pool: &PgPool, provider: &dyn PaymentProvider) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"select s.id, s.user_id, s.organization_id, s.status::text as "status!", s.card_reference,
                  s.current_period_start as "start: DateTime<Utc>", s.current_period_end as "end: DateTime<Utc>",
                  s.plan_change_requested_at as "requested_at!: DateTime<Utc>", s.currency as "currency!",
                  old.price_minor as old_price, old.billing_interval as old_interval,
                  new.code as new_code, new.price_minor as new_price, new.billing_interval as new_interval, new.name as new_name
             from subscriptions s
             join plans old on old.code = s.plan_code
             join plans new on new.code = s.pending_plan_code
            where s.pending_plan_code is not null and s.status in ('trialing', 'active')
            order by s.plan_change_requested_at limit $1
              for update of s skip locked"#,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut changed = 0;
    for sub in due {
        changed += 1;
        if sub.status == "trialing" {
            switch_plan(&mut tx, sub.id, &sub.new_code, false, 0).await?;
            continue;
        }
        let same_interval = sub.old_interval == sub.new_interval;
        // Prorated at the instant it was asked for (what the page showed), so a pass that runs
        // again after a crash asks for the same amount with the same key.
        let proration = prorate(sub.old_price, sub.new_price, sub.start, sub.end, sub.requested_at, same_interval);
        let net = proration.net_minor();
        if net <= 0 {
            switch_plan(&mut tx, sub.id, &sub.new_code, !same_interval, -net).await?;
            continue;
        }
        let Some(card) = sub.card_reference.clone() else {
            sqlx::query!("update subscriptions set pending_plan_code = null, plan_change_requested_at = null where id = $1", sub.id)
                .execute(&mut *tx)
                .await?;
            continue;
        };
        let payment_id = payment_id_for(&format!("plan-change:{}:{}", sub.id, sub.requested_at.timestamp_micros()));
        let metadata = serde_json::json!({ "plan_code": sub.new_code, "new_period": !same_interval,
                                           "credit_minor": proration.credit_minor, "charge_minor": proration.charge_minor });
        sqlx::query!(
            "insert into payments (id, user_id, organization_id, subscription_id, purpose, amount_minor, currency, provider, metadata)
             values ($1, $2, $3, $4, 'proration', $5, $6, $7, $8)",
            payment_id,
            sub.user_id,
            sub.organization_id,
            sub.id,
            net,
            sub.currency,
            provider.name(),
            metadata
        )
        .execute(&mut *tx)
        .await?;
        let request = SavedCardCharge {
            payment_id,
            amount_minor: net,
            currency: sub.currency.clone(),
            description: format!("Waypoint: change to {}", sub.new_name),
            card_reference: card,
            idempotency_key: format!("plan-change:{}:{}", sub.id, sub.requested_at.timestamp_micros()),
        };
        match charge(provider, request).await {
            Charged::Asked(provider_id) => {
                sqlx::query!("update payments set provider_payment_id = $2 where id = $1", payment_id, provider_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Charged::TryLater => {
                // Still asked for: the next pass prorates again and charges with the same key.
                forget(&mut tx, payment_id).await?;
                changed -= 1;
                continue;
            }
            Charged::Refused(reason) => {
                sqlx::query!("update payments set status = 'failed', failure_reason = $2 where id = $1", payment_id, reason)
                    .execute(&mut *tx)
                    .await?;
                payment_failed(&mut tx, sub.id, payment_id, "proration", &reason).await?;
            }
        }
        // Asked for: the payment's event makes the change.
        sqlx::query!("update subscriptions set pending_plan_code = null, plan_change_requested_at = null where id = $1", sub.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Runs the subscriptions worker for as long as the server runs.
pub async fn run(pool: PgPool, provider: Arc<dyn PaymentProvider>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(error) = run_once(&pool, provider.as_ref()).await {
            tracing::warn!(%error, "the subscriptions worker's pass failed");
        }
    }
}

/// How long after `at` a failed renewal is tried again (for pages and tests).
pub fn next_retry(at: DateTime<Utc>, failed_attempts: usize) -> Option<DateTime<Utc>> {
    RETRY_AFTER_DAYS.get(failed_attempts.checked_sub(1)?).map(|days| at + Duration::days(*days))
}
