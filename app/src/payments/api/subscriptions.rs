//! The bodies of the plan and subscription server functions, in the caller's transaction. A
//! subscriber starts a trial or a checkout, cancels, and asks for another plan; payments and plan
//! changes are then made by the provider's webhook and the subscriptions worker.

use super::ssr::claim_key;
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use crate::payments::domain::{card_label, money};
use crate::payments::plans::{prorate, BillingInterval, ChangePreview, Entitlements, PlanOverview, PlanView, SubscriptionStatus, SubscriptionView};
use crate::payments::provider::{CheckoutRequest, ProviderError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

struct PlanRow {
    code: String,
    tier: String,
    name: String,
    billing_interval: String,
    price_minor: i64,
    currency: String,
    trial_days: i32,
    entitlements: serde_json::Value,
}

fn plan_view(row: PlanRow) -> Result<PlanView, AppError> {
    let entitlements: Entitlements = crate::db::stored_json(row.entitlements, "plan entitlements", &row.code)?;
    let interval = BillingInterval::parse(&row.billing_interval).ok_or(AppError::Internal)?;
    Ok(PlanView {
        price: money(row.price_minor, &row.currency),
        code: row.code,
        tier: row.tier,
        name: row.name,
        interval,
        price_minor: row.price_minor,
        currency: row.currency,
        trial_days: row.trial_days,
        entitlements,
    })
}

/// Every plan offered, cheapest first.
pub async fn plans(tx: &mut Tx) -> Result<Vec<PlanView>, AppError> {
    let rows = sqlx::query_as!(
        PlanRow,
        r#"select code, tier, name, billing_interval, price_minor, currency as "currency!", trial_days, entitlements
             from plans where active order by position"#
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter().map(plan_view).collect()
}

async fn plan(tx: &mut Tx, code: &str) -> Result<PlanView, AppError> {
    let row = sqlx::query_as!(
        PlanRow,
        r#"select code, tier, name, billing_interval, price_minor, currency as "currency!", trial_days, entitlements
             from plans where code = $1 and active"#,
        code
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::invalid("Choose one of the plans offered."))?;
    plan_view(row)
}

struct SubscriptionRow {
    id: Uuid,
    plan_code: String,
    status: SubscriptionStatus,
    current_period_start: DateTime<Utc>,
    current_period_end: DateTime<Utc>,
    trial_ends_at: Option<DateTime<Utc>>,
    cancel_at_period_end: bool,
    card_reference: Option<String>,
    card_brand: Option<String>,
    card_last4: Option<String>,
    credit_minor: i64,
    currency: String,
    next_attempt_at: Option<DateTime<Utc>>,
    pending_plan_code: Option<String>,
}

/// The caller's subscription that is not over (live, or waiting for its first payment).
async fn current(tx: &mut Tx, user: &SignedIn) -> Result<Option<SubscriptionRow>, AppError> {
    Ok(sqlx::query_as!(
        SubscriptionRow,
        r#"select id, plan_code, status as "status: SubscriptionStatus",
                  current_period_start as "current_period_start: DateTime<Utc>", current_period_end as "current_period_end: DateTime<Utc>",
                  trial_ends_at as "trial_ends_at: DateTime<Utc>", cancel_at_period_end, card_reference, card_brand, card_last4,
                  credit_minor, currency as "currency!", next_attempt_at as "next_attempt_at: DateTime<Utc>", pending_plan_code
             from subscriptions
            where user_id = $1 and status in ('incomplete', 'trialing', 'active', 'past_due') and deleted_at is null
            order by (status = 'incomplete'), created_at desc limit 1"#,
        user.user_id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

async fn open_checkout(tx: &mut Tx, subscription: Uuid) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar!(
        "select checkout_url from payments
          where subscription_id = $1 and purpose = 'subscription_start' and status in ('pending', 'requires_action', 'failed')",
        subscription
    )
    .fetch_optional(&mut **tx)
    .await?
    .flatten())
}

/// See [`super::super::my_plan`].
pub async fn overview(tx: &mut Tx, user: &SignedIn) -> Result<PlanOverview, AppError> {
    let plans = plans(tx).await?;
    let trial_used = sqlx::query_scalar!(
        r#"select exists (select 1 from subscriptions where user_id = $1 and trial_ends_at is not null) as "used!""#,
        user.user_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let subscription = match current(tx, user).await? {
        Some(row) => {
            let plan = plan(tx, &row.plan_code).await?;
            let checkout_url = if row.status == SubscriptionStatus::Incomplete { open_checkout(tx, row.id).await? } else { None };
            let pending_plan = match &row.pending_plan_code {
                Some(code) => Some(plan_name(tx, code).await?),
                None => None,
            };
            Some(SubscriptionView {
                plan,
                status: row.status,
                current_period_end: row.current_period_end,
                trial_ends_at: row.trial_ends_at,
                cancel_at_period_end: row.cancel_at_period_end,
                card: card_label(row.card_brand.as_deref(), row.card_last4.as_deref()),
                credit: (row.credit_minor > 0).then(|| money(row.credit_minor, &row.currency)),
                next_attempt_at: row.next_attempt_at,
                checkout_url,
                pending_plan,
            })
        }
        None => None,
    };
    let current = match subscription.as_ref().filter(|s| s.status.is_live()) {
        Some(subscription) => subscription.plan.clone(),
        None => plans.iter().find(|plan| plan.code == "free").cloned().ok_or(AppError::Internal)?,
    };
    Ok(PlanOverview { current, subscription, plans, trial_available: !trial_used })
}

async fn plan_name(tx: &mut Tx, code: &str) -> Result<String, AppError> {
    let plan = plan(tx, code).await?;
    Ok(format!("{} ({}ly)", plan.name, plan.interval.as_str()))
}

/// See [`super::super::subscribe`]: `Ok(None)` when a trial started, else the checkout's address.
pub async fn subscribe(tx: &mut Tx, user: &SignedIn, plan_code: String, key: Uuid, trial: bool) -> Result<Option<String>, AppError> {
    let payments = crate::db::payments()?;
    let request = serde_json::json!(["subscribe", plan_code, trial]);
    if let Some(replayed) = claim_key(tx, user, key, &request).await? {
        return Ok((!replayed.is_empty()).then_some(replayed));
    }
    let plan = plan(tx, &plan_code).await?;
    if plan.price_minor == 0 {
        return Err(AppError::invalid("Free needs no subscription: it's what you have without one."));
    }
    let existing = current(tx, user).await?;
    let reuse = match existing {
        Some(row) if matches!(row.status, SubscriptionStatus::Active | SubscriptionStatus::PastDue) => {
            return Err(AppError::Conflict("You have a subscription already: change its plan on your billing page.".into()));
        }
        Some(row) if row.status == SubscriptionStatus::Trialing && (trial || row.plan_code != plan.code) => {
            return Err(AppError::Conflict(
                "You're on a free trial: subscribe to the plan you're trying, or change plan once it has started.".into(),
            ));
        }
        Some(row) if row.status == SubscriptionStatus::Incomplete && (trial || row.plan_code != plan.code) => {
            // An unpaid checkout is given up for a trial or another plan's checkout.
            sqlx::query!("update subscriptions set status = 'cancelled', cancelled_at = now(), ended_at = now() where id = $1", row.id)
                .execute(&mut **tx)
                .await?;
            None
        }
        Some(row) => Some(row.id),
        None => None,
    };
    if trial {
        sqlx::query!(
            "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, currency, current_period_start, current_period_end)
             values ($1, $2, $3, 'trialing', 0, 'USD', now(), now() + interval '1 day')",
            user.user_id,
            user.org_id,
            plan.code
        )
        .execute(&mut **tx)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.constraint() == Some("subscriptions_one_trial") => {
                AppError::Conflict("You've had your free trial; subscribe to keep using the plan.".into())
            }
            _ => AppError::from(error),
        })?;
        store_answer(tx, user, key, "").await?;
        return Ok(None);
    }
    let subscription = match reuse {
        Some(id) => id,
        None => sqlx::query_scalar!(
            "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, currency, current_period_start, current_period_end)
             values ($1, $2, $3, 'incomplete', 0, 'USD', now(), now() + interval '1 day') returning id",
            user.user_id,
            user.org_id,
            plan.code
        )
        .fetch_one(&mut **tx)
        .await?,
    };
    if let Some(url) = open_checkout(tx, subscription).await? {
        store_answer(tx, user, key, &url).await?;
        return Ok(Some(url));
    }
    let payment_id = Uuid::new_v4();
    let checkout = payments
        .provider
        .create_checkout(CheckoutRequest {
            payment_id,
            amount_minor: plan.price_minor,
            currency: plan.currency.clone(),
            description: format!("Waypoint {}, {}ly", plan.name, plan.interval.as_str()),
            return_url: format!("{}/account/billing?checkout=done", payments.site_url),
            cancel_url: format!("{}/account/billing", payments.site_url),
            idempotency_key: payment_id.to_string(),
            save_card: true,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "the payment provider could not start a subscription's checkout");
            match error {
                ProviderError::Unavailable(_) => AppError::Unavailable,
                _ => AppError::Internal,
            }
        })?;
    sqlx::query!(
        "insert into payments (id, user_id, organization_id, subscription_id, purpose, amount_minor, currency, provider,
                               provider_payment_id, checkout_url)
         values ($1, $2, $3, $4, 'subscription_start', $5, $6, $7, $8, $9)",
        payment_id,
        user.user_id,
        user.org_id,
        subscription,
        plan.price_minor,
        plan.currency,
        payments.provider.name(),
        checkout.provider_payment_id,
        checkout.url
    )
    .execute(&mut **tx)
    .await?;
    store_answer(tx, user, key, &checkout.url).await?;
    Ok(Some(checkout.url))
}

async fn store_answer(tx: &mut Tx, user: &SignedIn, key: Uuid, answer: &str) -> Result<(), AppError> {
    sqlx::query!("update idempotency_keys set response = $3 where user_id = $1 and key = $2", user.user_id, key, serde_json::json!(answer))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn live(row: Option<SubscriptionRow>) -> Result<SubscriptionRow, AppError> {
    row.filter(|row| row.status.is_live())
        .ok_or_else(|| AppError::Conflict("You're on the Free plan: there is no subscription to change.".into()))
}

/// See [`super::super::preview_plan_change`].
pub async fn preview_change(tx: &mut Tx, user: &SignedIn, plan_code: String) -> Result<ChangePreview, AppError> {
    let row = live(current(tx, user).await?)?;
    let old = plan(tx, &row.plan_code).await?;
    let new = plan(tx, &plan_code).await?;
    if old.code == new.code {
        return Err(AppError::invalid("That's your plan already."));
    }
    if new.price_minor == 0 {
        return Err(AppError::invalid("To go back to Free, cancel your subscription."));
    }
    if row.status == SubscriptionStatus::Trialing {
        return Ok(ChangePreview {
            credit: money(0, &new.currency),
            charge: money(0, &new.currency),
            outcome: "Nothing now: your trial continues on the new plan.".into(),
            plan: new,
        });
    }
    let same_interval = old.interval == new.interval;
    let proration = prorate(old.price_minor, new.price_minor, row.current_period_start, row.current_period_end, Utc::now(), same_interval);
    let net = proration.net_minor();
    let outcome = match net {
        n if n > 0 => format!("{} charged now to your card", money(n, &new.currency)),
        n if n < 0 => format!("{} credit toward your next renewals", money(-n, &new.currency)),
        _ => "Nothing to pay".to_string(),
    };
    Ok(ChangePreview {
        credit: money(proration.credit_minor, &new.currency),
        charge: money(proration.charge_minor, &new.currency),
        outcome,
        plan: new,
    })
}

/// See [`super::super::change_plan`]: asks for the change; the worker prorates and makes it.
pub async fn change_plan(tx: &mut Tx, user: &SignedIn, plan_code: String) -> Result<(), AppError> {
    let row = live(current(tx, user).await?)?;
    preview_change(tx, user, plan_code.clone()).await?;
    if row.status == SubscriptionStatus::PastDue {
        return Err(AppError::Conflict("Your last payment didn't go through: settle it before changing plan.".into()));
    }
    if row.status == SubscriptionStatus::Active && row.card_reference.is_none() {
        return Err(AppError::Conflict("There's no card on file to charge the difference to.".into()));
    }
    sqlx::query!(
        "update subscriptions set pending_plan_code = $2, plan_change_requested_at = now() where id = $1",
        row.id,
        plan_code
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// See [`super::super::cancel_subscription`].
pub async fn cancel(tx: &mut Tx, user: &SignedIn, at_period_end: bool) -> Result<(), AppError> {
    let row = live(current(tx, user).await?)?;
    if at_period_end {
        sqlx::query!("update subscriptions set cancel_at_period_end = true, pending_plan_code = null where id = $1", row.id)
            .execute(&mut **tx)
            .await?;
    } else {
        sqlx::query!(
            "update subscriptions set status = 'cancelled', cancelled_at = now(), ended_at = now(), pending_plan_code = null where id = $1",
            row.id
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// See [`super::super::resume_subscription`].
pub async fn resume(tx: &mut Tx, user: &SignedIn) -> Result<(), AppError> {
    let row = live(current(tx, user).await?)?;
    if !row.cancel_at_period_end {
        return Err(AppError::Conflict("Your subscription isn't set to end.".into()));
    }
    sqlx::query!("update subscriptions set cancel_at_period_end = false where id = $1", row.id).execute(&mut **tx).await?;
    Ok(())
}

/// What a session listed at `price_minor` costs the caller under their plan (the database
/// computes the same in `session_price_for` when the payment is made).
pub async fn session_price(tx: &mut Tx, user: &SignedIn, price_minor: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(r#"select session_price_for($1, $2) as "price!""#, user.user_id, price_minor)
        .fetch_one(&mut **tx)
        .await?)
}
