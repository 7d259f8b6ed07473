//! The payments worker: submits requested refunds to the provider. A refund is asked for in the
//! transaction that decided it (a cancellation, a declined request, a payment after its hold
//! expired); this worker claims due ones with `for update skip locked`, calls the provider with
//! the refund's id as the idempotency key and marks it submitted in the same transaction. A crash
//! between the call and the commit means the next pass calls again with the same key, and the
//! provider answers with the refund it already made: a refund is never paid twice. The provider's
//! webhook then marks it succeeded and updates the payment. Runs on the owner's pool, as every
//! organization's refunds are its business.

use super::provider::{PaymentProvider, ProviderError, RefundRequest};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

const BATCH: i64 = 20;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub submitted: u64,
    pub retrying: u64,
    pub failed: u64,
}

pub async fn run_once(pool: &PgPool, provider: &dyn PaymentProvider) -> Result<Pass, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"select r.id, r.amount_minor, r.attempts, p.provider_payment_id as "provider_payment_id?"
             from refunds r join payments p on p.id = r.payment_id
            where r.status = 'requested' and r.next_attempt_at <= now() and p.provider = $1
            order by r.created_at limit $2
              for update of r skip locked"#,
        provider.name(),
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut pass = Pass::default();
    for refund in due {
        let outcome = match refund.provider_payment_id {
            Some(provider_payment_id) => {
                provider.refund(RefundRequest { provider_payment_id, amount_minor: refund.amount_minor, refund_id: refund.id }).await
            }
            None => Err(ProviderError::Refused("the payment has no provider id".into())),
        };
        match outcome {
            Ok(provider_refund_id) => {
                pass.submitted += 1;
                sqlx::query!(
                    "update refunds set status = 'submitted', provider_refund_id = $2, attempts = attempts + 1 where id = $1",
                    refund.id,
                    provider_refund_id
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(ProviderError::Unavailable(error)) => {
                pass.retrying += 1;
                tracing::warn!(refund = %refund.id, %error, "the provider is unavailable; the refund will be retried");
                let backoff = 30_i64.saturating_mul(2_i64.saturating_pow(u32::try_from(refund.attempts).unwrap_or(8).min(8)));
                sqlx::query!(
                    "update refunds set attempts = attempts + 1, failure_reason = $2,
                            next_attempt_at = now() + make_interval(secs => $3) where id = $1",
                    refund.id,
                    error.chars().take(500).collect::<String>(),
                    backoff as f64
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(error) => {
                pass.failed += 1;
                tracing::error!(refund = %refund.id, %error, "the provider refused a refund; it needs a person");
                sqlx::query!(
                    "update refunds set status = 'failed', attempts = attempts + 1, failure_reason = $2 where id = $1",
                    refund.id,
                    error.to_string().chars().take(500).collect::<String>()
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(pass)
}

/// Submits refunds for as long as the server runs.
pub async fn run(pool: PgPool, provider: Arc<dyn PaymentProvider>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(error) = run_once(&pool, provider.as_ref()).await {
            tracing::warn!(%error, "the payments worker's pass failed");
        }
    }
}
