//! `POST /webhooks/payments/<provider>`: where every payment state change comes in. The raw body
//! is verified before anything parses it (a bad or stale signature is a 400 and changes nothing);
//! the event is then stored by its id and applied in the same transaction, so a redelivery (or
//! a hundred concurrent ones) finds the id taken and changes nothing: at most once. The
//! transaction runs with an administrator context, the only one the payment policies let write.
//!
//! A succeeded payment confirms its held booking (or sends it to the mentor for approval) in
//! that transaction; one whose hold ran out first is refunded in full and the student told.

use super::domain::{money, PaymentStatus, RefundStatus};
use super::provider::{EventKind, Payments, ProviderEvent};
use crate::booking::BookingStatus;
use crate::db::{RequestContext, Tx};
use crate::domain::Role;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct WebhookState {
    /// The request pool (`waypoint_app`): row-level security binds the webhook too.
    pub pool: PgPool,
    pub payments: Payments,
}

/// The headers a provider puts its signature in.
const SIGNATURE_HEADERS: [&str; 2] = [super::sandbox::delivery::SIGNATURE_HEADER, "stripe-signature"];

pub async fn receive(State(state): State<WebhookState>, Path(provider): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    if provider != state.payments.provider.name() {
        return (StatusCode::NOT_FOUND, "no such webhook").into_response();
    }
    let signature = SIGNATURE_HEADERS.iter().find_map(|name| headers.get(*name)).and_then(|value| value.to_str().ok());
    let event = match state.payments.provider.verify_webhook(signature, &body, chrono::Utc::now().timestamp()) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, "refused a webhook delivery");
            return (StatusCode::BAD_REQUEST, error.to_string()).into_response();
        }
    };
    match apply(&state.pool, provider_name(&state), &event).await {
        Ok(Applied::Now) => (StatusCode::OK, "applied").into_response(),
        Ok(Applied::Before) => (StatusCode::OK, "already applied").into_response(),
        // Nothing kept: the provider delivers it again later, when the payment is ours to see.
        Ok(Applied::NotYetKnown) => (StatusCode::SERVICE_UNAVAILABLE, "unknown payment; deliver again later").into_response(),
        Err(error) => {
            // The provider retries later; nothing of this event was kept.
            tracing::error!(%error, event = %event.id, "applying a webhook event failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "try again later").into_response()
        }
    }
}

fn provider_name(state: &WebhookState) -> &'static str {
    state.payments.provider.name()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Now,
    Before,
    /// The payment it names isn't (yet) in our books: a worker's transaction that asked the
    /// provider may not have committed. Nothing is kept, so a redelivery applies it.
    NotYetKnown,
}

/// Stores `event` and applies it, once, in one transaction.
pub async fn apply(pool: &PgPool, provider: &str, event: &ProviderEvent) -> Result<Applied, sqlx::Error> {
    let context = RequestContext { role: Some(Role::Admin), ..RequestContext::anonymous() };
    let mut tx = crate::db::tx(pool, &context).await?;
    let fresh = sqlx::query_scalar!(
        "insert into payment_events (provider, event_id, event_type, payload) values ($1, $2, $3, $4)
         on conflict do nothing returning true",
        provider,
        event.id,
        event.type_name(),
        event.payload
    )
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        return Ok(Applied::Before);
    }
    match &event.kind {
        EventKind::PaymentSucceeded { provider_payment_id, card_brand, card_last4, card_reference } => {
            let Some(payment) = payment_for_update(&mut tx, provider, provider_payment_id, event.payment_reference()).await? else {
                return Ok(Applied::NotYetKnown);
            };
            let card = super::renewals::Card { brand: card_brand.as_deref(), last4: card_last4.as_deref(), reference: card_reference.as_deref() };
            succeeded(&mut tx, payment, card).await?
        }
        EventKind::PaymentFailed { provider_payment_id, reason } => {
            let Some(payment) = payment_for_update(&mut tx, provider, provider_payment_id, event.payment_reference()).await? else {
                return Ok(Applied::NotYetKnown);
            };
            // A retried renewal fails again from `failed`: the subscription still counts it.
            if payment.status.may_become(PaymentStatus::Failed) || payment.status == PaymentStatus::Failed {
                sqlx::query!("update payments set status = 'failed', failure_reason = $2 where id = $1", payment.id, reason)
                    .execute(&mut *tx)
                    .await?;
                if let Some(subscription) = payment.subscription_id {
                    super::renewals::payment_failed(&mut tx, subscription, payment.id, &payment.purpose, reason).await?;
                }
            }
        }
        EventKind::PaymentRequiresAction { provider_payment_id } => {
            let Some(payment) = payment_for_update(&mut tx, provider, provider_payment_id, event.payment_reference()).await? else {
                return Ok(Applied::NotYetKnown);
            };
            if payment.status.may_become(PaymentStatus::RequiresAction) {
                sqlx::query!("update payments set status = 'requires_action', failure_reason = null where id = $1", payment.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        EventKind::RefundSucceeded { refund_id, provider_refund_id } => refunded(&mut tx, *refund_id, provider_refund_id).await?,
        EventKind::RefundFailed { refund_id, provider_refund_id, reason } => {
            let updated = sqlx::query!(
                "update refunds set status = 'failed', provider_refund_id = $2, failure_reason = $3
                  where id = $1 and status in ('requested', 'submitted')",
                refund_id,
                provider_refund_id,
                reason
            )
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() > 0 {
                tracing::error!(refund = %refund_id, %reason, "a refund failed at the provider; it needs a person");
            }
        }
        EventKind::Other(name) => tracing::debug!(event = %event.id, kind = %name, "ignored a webhook event"),
    }
    tx.commit().await?;
    Ok(Applied::Now)
}

pub(super) struct PaymentRow {
    pub id: Uuid,
    pub status: PaymentStatus,
    pub booking_id: Option<Uuid>,
    pub subscription_id: Option<Uuid>,
    pub purpose: String,
    pub period_start: Option<chrono::DateTime<chrono::Utc>>,
    pub metadata: serde_json::Value,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
}

/// The payment an event names: by the provider's id for it, or by ours when the provider echoes
/// it (`reference`).
async fn payment_for_update(tx: &mut Tx, provider: &str, provider_payment_id: &str, reference: Option<Uuid>) -> Result<Option<PaymentRow>, sqlx::Error> {
    let payment = sqlx::query_as!(
        PaymentRow,
        r#"select id, status as "status: PaymentStatus", booking_id, subscription_id, purpose,
                  period_start as "period_start: chrono::DateTime<chrono::Utc>", metadata, user_id, organization_id, amount_minor,
                  currency as "currency!"
             from payments
            where provider = $1 and (provider_payment_id = $2 or id = $3) and deleted_at is null
            order by provider_payment_id = $2 desc limit 1
              for update"#,
        provider,
        provider_payment_id,
        reference
    )
    .fetch_optional(&mut **tx)
    .await?;
    if payment.is_none() {
        tracing::warn!(%provider_payment_id, "a payment event for a payment we don't know (yet): asking for a redelivery");
    }
    Ok(payment)
}

/// Asks for the whole of `payment` back (the payments worker submits it), for `reason`.
pub(super) async fn refund_in_full(tx: &mut Tx, payment: &PaymentRow, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into refunds (payment_id, organization_id, user_id, amount_minor, currency, reason)
         values ($1, $2, $3, $4, $5, $6)",
        payment.id,
        payment.organization_id,
        payment.user_id,
        payment.amount_minor,
        payment.currency,
        reason
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn tell(tx: &mut Tx, user: Uuid, organization: Uuid, title: &str, body: &str, payload: serde_json::Value) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into notifications (user_id, organization_id, kind, title, body, payload) values ($1, $2, 'payment', $3, $4, $5)",
        user,
        organization,
        title,
        body,
        payload
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn succeeded(tx: &mut Tx, payment: PaymentRow, card: super::renewals::Card<'_>) -> Result<(), sqlx::Error> {
    if !payment.status.may_become(PaymentStatus::Succeeded) {
        return Ok(());
    }
    sqlx::query!(
        "update payments set status = 'succeeded', card_brand = $2, card_last4 = $3, paid_at = now(), failure_reason = null,
                receipt_number = next_receipt_number(now())
          where id = $1",
        payment.id,
        card.brand,
        card.last4
    )
    .execute(&mut **tx)
    .await?;
    if payment.subscription_id.is_some() {
        return super::renewals::payment_succeeded(tx, &payment, card).await;
    }
    let Some(booking_id) = payment.booking_id else { return Ok(()) };
    let booking = sqlx::query!(
        r#"select b.status as "status: BookingStatus", b.hold_expires_at > now() as "hold_live!", m.requires_approval,
                  m.user_id as mentor_user_id, coalesce(st.title, 'Session') as "title!"
             from bookings b join mentors m on m.id = b.mentor_id
             left join mentor_session_types st on st.id = b.session_type_id
            where b.id = $1 for update of b"#,
        booking_id
    )
    .fetch_one(&mut **tx)
    .await?;
    let amount = money(payment.amount_minor, &payment.currency);
    let link = serde_json::json!({ "booking_id": booking_id, "payment_id": payment.id });
    if booking.status == BookingStatus::Hold && booking.hold_live {
        let target = if booking.requires_approval { BookingStatus::Pending } else { BookingStatus::Confirmed };
        sqlx::query!("update bookings set status = $2 where id = $1", booking_id, target as BookingStatus)
            .execute(&mut **tx)
            .await?;
        let (student_title, mentor_title) = if target == BookingStatus::Pending {
            ("Payment received: request sent", "New paid session request")
        } else {
            ("Payment received: session confirmed", "New session booked")
        };
        tell(tx, payment.user_id, payment.organization_id, student_title, &format!("{amount} for {}.", booking.title), link.clone()).await?;
        tell(tx, booking.mentor_user_id, payment.organization_id, mentor_title, &format!("{} was paid for.", booking.title), link).await?;
        return Ok(());
    }
    // The hold ran out (or was let go) before the money arrived: give it all back.
    if booking.status == BookingStatus::Hold {
        // Expiring the hold asks for the refund (bookings_refund_on_end).
        sqlx::query!("update bookings set status = 'expired' where id = $1", booking_id).execute(&mut **tx).await?;
    } else {
        refund_in_full(tx, &payment, "hold_expired").await?;
    }
    tell(
        tx,
        payment.user_id,
        payment.organization_id,
        "Your payment arrived after your hold expired",
        &format!("We're refunding the {amount} in full. Pick a time again from the mentor's page."),
        link,
    )
    .await
}

async fn refunded(tx: &mut Tx, refund_id: Uuid, provider_refund_id: &str) -> Result<(), sqlx::Error> {
    let Some(refund) = sqlx::query!(
        r#"select payment_id, amount_minor, currency as "currency!", user_id, organization_id,
                  status as "status: RefundStatus"
             from refunds where id = $1 for update"#,
        refund_id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        tracing::warn!(%refund_id, "a refund event for a refund we don't know");
        return Ok(());
    };
    if !matches!(refund.status, RefundStatus::Requested | RefundStatus::Submitted) {
        return Ok(());
    }
    sqlx::query!(
        "update refunds set status = 'succeeded', provider_refund_id = $2, succeeded_at = now() where id = $1",
        refund_id,
        provider_refund_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update payments set refunded_minor = refunded_minor + $2,
                status = case when refunded_minor + $2 >= amount_minor then 'refunded' else 'partially_refunded' end::payment_status
          where id = $1",
        refund.payment_id,
        refund.amount_minor
    )
    .execute(&mut **tx)
    .await?;
    let amount = money(refund.amount_minor, &refund.currency);
    tell(
        tx,
        refund.user_id,
        refund.organization_id,
        "Refund sent",
        &format!("{amount} is on its way back to your card; banks take a few days to show it."),
        serde_json::json!({ "payment_id": refund.payment_id, "refund_id": refund_id }),
    )
    .await
}
