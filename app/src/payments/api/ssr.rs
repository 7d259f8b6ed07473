//! The bodies of payments' server functions, each in the caller's transaction.

use crate::booking::api::ssr::bookings::{load, party};
use crate::booking::api::ssr::listing_by_id;
use crate::booking::domain::Party;
use crate::booking::slots::local_label;
use crate::booking::BookingStatus;
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use crate::payments::domain::{card_label, money, refund_reason_label, BookingPayment, PaymentLine, PaymentStatus, Receipt, RefundStatus, RefundView};
use crate::payments::provider::{CheckoutRequest, ProviderError};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// With JavaScript the page goes to the provider's page itself: the router's redirect would
/// look for the address among its own routes.
pub use crate::db::caller::posted_by_a_plain_form;

/// Claims `key` for this request, or replays what the first request with it answered.
/// A concurrent request with the same key waits here until the first commits.
pub(super) async fn claim_key(tx: &mut Tx, user: &SignedIn, key: Uuid, request: &serde_json::Value) -> Result<Option<String>, AppError> {
    let hash = Sha256::digest(request.to_string().as_bytes()).to_vec();
    let fresh = sqlx::query_scalar!(
        "insert into idempotency_keys (user_id, key, request_hash) values ($1, $2, $3) on conflict do nothing returning true",
        user.user_id,
        key,
        hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    if fresh.is_some() {
        return Ok(None);
    }
    let first = sqlx::query!("select request_hash, response from idempotency_keys where user_id = $1 and key = $2", user.user_id, key)
        .fetch_one(&mut **tx)
        .await?;
    if first.request_hash != hash {
        return Err(AppError::Conflict("This payment form was already used for something else. Reload the page and try again.".into()));
    }
    match first.response.as_ref().and_then(|response| response.as_str()) {
        Some(url) => Ok(Some(url.to_string())),
        None => Err(AppError::Conflict("This payment is still being started. Reload the page in a moment.".into())),
    }
}

/// See [`super::pay_for_booking`].
pub async fn pay_for_booking(tx: &mut Tx, user: &SignedIn, id: Uuid, key: Uuid, topic: String) -> Result<String, AppError> {
    let payments = crate::db::payments()?;
    let topic = topic.trim().to_string();
    if topic.chars().count() > 200 {
        return Err(AppError::invalid("Keep what you'd like to talk about to 200 characters."));
    }
    if let Some(url) = claim_key(tx, user, key, &serde_json::json!(["pay_for_booking", id, topic])).await? {
        return Ok(url);
    }
    let booking = load(tx, id).await?;
    if party(user, &booking) != Party::Student {
        return Err(AppError::Forbidden);
    }
    if booking.price_minor <= 0 {
        return Err(AppError::invalid("This session is free: confirm it instead."));
    }
    let existing = sqlx::query!(
        r#"select status as "status: PaymentStatus", checkout_url from payments
            where booking_id = $1 and status <> 'cancelled' and deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if existing.as_ref().is_some_and(|payment| payment.status.was_paid()) {
        return Err(AppError::Conflict("This session is already paid for.".into()));
    }
    if booking.status != BookingStatus::Hold {
        return Err(AppError::Conflict(format!("This booking is {} now, so it can't be paid for.", booking.status.label().to_lowercase())));
    }
    if booking.hold_expires_at.is_none_or(|expiry| expiry <= Utc::now()) {
        return Err(AppError::Conflict("Your hold on this time ran out. Pick a time again from the mentor's page.".into()));
    }
    sqlx::query!("update bookings set topic = $2 where id = $1", id, topic).execute(&mut **tx).await?;
    let url = match existing.and_then(|payment| payment.checkout_url) {
        // A checkout under way (or a declined card): back to the same payment page.
        Some(url) => url,
        None => {
            let listing = listing_by_id(tx, booking.mentor_id).await?;
            let payment_id = Uuid::new_v4();
            // The plan's discount, as the database applies it to the payment.
            let amount = super::subscriptions::session_price(tx, user, booking.price_minor).await?;
            let checkout = payments
                .provider
                .create_checkout(CheckoutRequest {
                    payment_id,
                    amount_minor: amount,
                    currency: booking.currency.clone(),
                    description: format!(
                        "{} with {}, {} ({})",
                        booking.session_title,
                        listing.display_name,
                        local_label(booking.scheduled_at, listing.zone()),
                        listing.zone().name()
                    ),
                    return_url: format!("{}/booking/{id}?checkout=done", payments.site_url),
                    cancel_url: format!("{}/booking/{id}", payments.site_url),
                    idempotency_key: payment_id.to_string(),
                    save_card: false,
                })
                .await
                .map_err(|error| match error {
                    ProviderError::Unavailable(_) => {
                        tracing::error!(%error, "the payment provider is unavailable");
                        AppError::Unavailable
                    }
                    error => {
                        tracing::error!(%error, "the payment provider refused a checkout");
                        AppError::Internal
                    }
                })?;
            sqlx::query!(
                "insert into payments (id, user_id, organization_id, booking_id, amount_minor, currency, provider,
                                       provider_payment_id, checkout_url, fee_minor)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                payment_id,
                user.user_id,
                booking.organization_id,
                id,
                amount,
                booking.currency,
                payments.provider.name(),
                checkout.provider_payment_id,
                checkout.url,
                payments.fee.of(amount)
            )
            .execute(&mut **tx)
            .await
            .map_err(|error| match &error {
                sqlx::Error::Database(db) if db.constraint() == Some("payments_one_per_booking") => {
                    AppError::Conflict("A payment for this session is already under way. Reload the page.".into())
                }
                _ => AppError::from(error),
            })?;
            checkout.url
        }
    };
    sqlx::query!("update idempotency_keys set response = $3 where user_id = $1 and key = $2", user.user_id, key, serde_json::json!(url))
        .execute(&mut **tx)
        .await?;
    Ok(url)
}

async fn refunds(tx: &mut Tx, payment: Uuid) -> Result<Vec<RefundView>, AppError> {
    let rows = sqlx::query!(
        r#"select amount_minor, currency as "currency!", status as "status: RefundStatus", reason,
                  created_at as "created_at: DateTime<Utc>"
             from refunds where payment_id = $1 order by created_at"#,
        payment
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RefundView {
            amount: money(row.amount_minor, &row.currency),
            status: row.status,
            reason: refund_reason_label(&row.reason).to_string(),
            created_at: row.created_at,
        })
        .collect())
}

/// See [`super::booking_payment`].
pub async fn booking_payment(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<Option<BookingPayment>, AppError> {
    // The booking first: not the caller's (row-level security) is a 404, as on its page.
    load(tx, id).await?;
    let Some(row) = sqlx::query!(
        r#"select id, user_id, status as "status: PaymentStatus", amount_minor, currency as "currency!", checkout_url,
                  failure_reason, card_brand, card_last4, receipt_number
             from payments where booking_id = $1 and deleted_at is null
            order by (status = 'cancelled'), created_at desc limit 1"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let payer = row.user_id == user.user_id;
    let open = matches!(row.status, PaymentStatus::Pending | PaymentStatus::RequiresAction | PaymentStatus::Failed);
    Ok(Some(BookingPayment {
        id: row.id,
        status: row.status,
        amount: money(row.amount_minor, &row.currency),
        checkout_url: row.checkout_url.filter(|_| payer && open),
        failure_reason: row.failure_reason.filter(|_| row.status == PaymentStatus::Failed),
        card: card_label(row.card_brand.as_deref(), row.card_last4.as_deref()).filter(|_| payer),
        receipt_number: row.receipt_number.filter(|_| payer),
        refunds: refunds(tx, row.id).await?,
    }))
}

/// See [`super::billing_history`].
pub async fn billing_history(tx: &mut Tx, user: &SignedIn) -> Result<Vec<PaymentLine>, AppError> {
    let rows = sqlx::query!(
        r#"select p.id, p.created_at as "created_at: DateTime<Utc>", p.booking_id, p.amount_minor, p.refunded_minor,
                  p.currency as "currency!", p.status as "status: PaymentStatus", p.receipt_number,
                  coalesce(st.title, 'Session') || coalesce(' with ' || m.display_name, '') as "description!"
             from payments p
             left join bookings b on b.id = p.booking_id
             left join mentors m on m.id = b.mentor_id
             left join mentor_session_types st on st.id = b.session_type_id
            where p.user_id = $1 and p.deleted_at is null
            order by p.created_at desc limit 200"#,
        user.user_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| PaymentLine {
            id: row.id,
            created_at: row.created_at,
            description: row.description,
            booking_id: row.booking_id,
            amount: money(row.amount_minor, &row.currency),
            refunded: (row.refunded_minor > 0).then(|| money(row.refunded_minor, &row.currency)),
            status: row.status,
            receipt_number: row.receipt_number,
        })
        .collect())
}

/// See [`super::receipt`].
pub async fn receipt(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<Receipt, AppError> {
    let not_found = || AppError::NotFound("that receipt".into());
    let row = sqlx::query!(
        r#"select p.user_id, p.amount_minor, p.refunded_minor, p.currency as "currency!", p.status as "status: PaymentStatus",
                  p.receipt_number, p.paid_at as "paid_at: DateTime<Utc>", p.card_brand, p.card_last4,
                  u.first_name || ' ' || u.last_name as "payer_name!", u.email::text as "payer_email!", o.name as organization,
                  coalesce(st.title, 'Session') as "description!", b.scheduled_at as "session_at?: DateTime<Utc>",
                  m.display_name as "mentor_name?"
             from payments p
             join users u on u.id = p.user_id
             join organizations o on o.id = p.organization_id
             left join bookings b on b.id = p.booking_id
             left join mentors m on m.id = b.mentor_id
             left join mentor_session_types st on st.id = b.session_type_id
            where p.id = $1 and p.deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(not_found)?;
    // A mentor sees the payments for their sessions, but the receipt (with the payer's email) is
    // the payer's and their administrators'.
    if row.user_id != user.user_id && !user.role.is_admin() {
        return Err(not_found());
    }
    let (Some(number), Some(paid_at)) = (row.receipt_number, row.paid_at) else { return Err(not_found()) };
    Ok(Receipt {
        number,
        paid_at,
        payer_name: row.payer_name,
        payer_email: row.payer_email,
        organization: row.organization,
        description: row.description,
        session_at: row.session_at,
        mentor_name: row.mentor_name,
        amount: money(row.amount_minor, &row.currency),
        card: card_label(row.card_brand.as_deref(), row.card_last4.as_deref()),
        refunds: refunds(tx, id).await?,
        net: money(row.amount_minor - row.refunded_minor, &row.currency),
        status: row.status,
    })
}
