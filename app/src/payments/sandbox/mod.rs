//! The sandbox provider: a small card processor of our own, the default when no real provider is
//! configured. It keeps its books in the `sandbox` schema (which the application role cannot read),
//! serves a hosted checkout page (`checkout_page`), and delivers every event as a signed webhook
//! to our webhook endpoint over HTTP (`delivery`), retrying until it is acknowledged: exactly the
//! path a real provider's events take, so nothing in the application knows it is a sandbox.

pub mod cards;
pub mod checkout_page;
pub mod delivery;

use super::provider::{
    Checkout, CheckoutRequest, PaymentProvider, ProviderError, ProviderEvent, ProviderFuture, RefundRequest, SavedCardCharge, WebhookError,
};
use cards::{Behaviour, CardEntry};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

#[derive(Clone)]
pub struct Sandbox {
    /// The owner's pool: the sandbox is another company's system, not a request.
    pool: PgPool,
    site_url: String,
    /// Signing secrets, the current one first; every one signs during a rotation.
    secrets: Arc<Vec<Vec<u8>>>,
    /// Wakes the delivery worker when an event is recorded.
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("site_url", &self.site_url).finish_non_exhaustive()
    }
}

fn unavailable(error: sqlx::Error) -> ProviderError {
    ProviderError::Unavailable(error.to_string())
}

fn hash(parts: &serde_json::Value) -> Vec<u8> {
    Sha256::digest(parts.to_string().as_bytes()).to_vec()
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", Uuid::new_v4().simple())
}

/// What happened when the cardholder pressed Pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    /// Paid (now or before): back to the merchant.
    Succeeded { return_url: String },
    Declined { message: String },
    /// The bank's confirmation page comes next.
    NeedsAuthentication,
    /// No such checkout, or it was cancelled.
    Gone,
}

/// A checkout as its page shows it.
#[derive(Debug, Clone)]
pub struct IntentView {
    pub id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub return_url: String,
    pub cancel_url: String,
    pub status: String,
    pub last_error: Option<String>,
}

impl Sandbox {
    pub fn new(pool: PgPool, site_url: impl Into<String>, secrets: Vec<Vec<u8>>) -> Self {
        Self { pool, site_url: site_url.into(), secrets: Arc::new(secrets), wake: Arc::new(Notify::new()) }
    }

    pub fn secrets(&self) -> Vec<&[u8]> {
        self.secrets.iter().map(Vec::as_slice).collect()
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub async fn intent(&self, id: &str) -> Result<Option<IntentView>, sqlx::Error> {
        sqlx::query_as!(
            IntentView,
            r#"select id, amount_minor, currency as "currency!", description, return_url, cancel_url, status, last_error
                 from sandbox.payment_intents where id = $1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await
    }

    async fn record_event(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, event_type: &str, object: serde_json::Value) -> Result<(), sqlx::Error> {
        let id = new_id("evt");
        let body = json!({
            "id": id, "object": "event", "type": event_type,
            "created": chrono::Utc::now().timestamp(), "data": { "object": object },
        });
        sqlx::query!("insert into sandbox.events (id, event_type, body) values ($1, $2, $3)", id, event_type, body.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn intent_object(
        id: &str,
        reference: &str,
        amount: i64,
        currency: &str,
        status: &str,
        card: Option<(&str, &str)>,
        error: Option<&str>,
        kept: Option<&str>,
    ) -> serde_json::Value {
        json!({
            "id": id, "object": "payment_intent", "amount": amount, "currency": currency.to_ascii_lowercase(),
            "metadata": { "payment_id": reference },
            "status": status, "payment_method": kept,
            "payment_method_details": card.map(|(brand, last4)| json!({ "card": { "brand": brand, "last4": last4 } })),
            "last_payment_error": error.map(|message| json!({ "message": message })),
        })
    }

    /// Keeps `card` when its checkout asked to, once; returns its reference.
    async fn keep_card(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, id: &str, number: &str, brand: &str, last4: &str) -> Result<Option<String>, sqlx::Error> {
        let card = new_id("card");
        sqlx::query_scalar!(
            "with kept as (insert into sandbox.cards (id, number, brand, last4)
                           select $2, $3, $4, $5 from sandbox.payment_intents where id = $1 and save_card and card_id is null
                           returning id)
             update sandbox.payment_intents i set card_id = kept.id from kept where i.id = $1 returning i.card_id",
            id,
            card,
            number,
            brand,
            last4
        )
        .fetch_optional(&mut **tx)
        .await
        .map(Option::flatten)
    }

    /// Charges `card` for checkout `id` (the hosted page's Pay button).
    pub async fn charge(&self, id: &str, card: &CardEntry) -> Result<Charge, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let Some(intent) = sqlx::query!(
            r#"select amount_minor, currency as "currency!", status, return_url, merchant_reference
                 from sandbox.payment_intents where id = $1 for update"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Charge::Gone);
        };
        match intent.status.as_str() {
            "succeeded" => return Ok(Charge::Succeeded { return_url: intent.return_url }),
            "canceled" => return Ok(Charge::Gone),
            _ => {}
        }
        let (status, error, event) = match card.behaviour {
            Behaviour::Succeeds | Behaviour::FailsLater => ("succeeded", None, "payment_intent.succeeded"),
            Behaviour::Declined(message) => ("requires_payment_method", Some(message), "payment_intent.payment_failed"),
            Behaviour::RequiresAuthentication => ("requires_action", None, "payment_intent.requires_action"),
        };
        sqlx::query!(
            "update sandbox.payment_intents set status = $2, card_brand = $3, card_last4 = $4, last_error = $5, updated_at = now(),
                    card_number = $6
              where id = $1",
            id,
            status,
            card.brand,
            card.last4(),
            error,
            card.digits
        )
        .execute(&mut *tx)
        .await?;
        let kept = if status == "succeeded" { Self::keep_card(&mut tx, id, &card.digits, card.brand, card.last4()).await? } else { None };
        let object = Self::intent_object(
            id,
            &intent.merchant_reference,
            intent.amount_minor,
            &intent.currency,
            status,
            Some((card.brand, card.last4())),
            error,
            kept.as_deref(),
        );
        Self::record_event(&mut tx, event, object).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(match card.behaviour {
            Behaviour::Succeeds | Behaviour::FailsLater => Charge::Succeeded { return_url: intent.return_url },
            Behaviour::Declined(message) => Charge::Declined { message: message.to_string() },
            Behaviour::RequiresAuthentication => Charge::NeedsAuthentication,
        })
    }

    /// The cardholder's answer on the bank's confirmation page.
    pub async fn authenticate(&self, id: &str, approve: bool) -> Result<Charge, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let Some(intent) = sqlx::query!(
            r#"select amount_minor, currency as "currency!", status, return_url, card_brand, card_last4, card_number, merchant_reference
                 from sandbox.payment_intents where id = $1 for update"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Charge::Gone);
        };
        match intent.status.as_str() {
            "succeeded" => return Ok(Charge::Succeeded { return_url: intent.return_url }),
            "requires_action" => {}
            // Nothing to confirm: back to the card form.
            _ => return Ok(Charge::Declined { message: "Enter your card again.".into() }),
        }
        let (status, error, event) = if approve {
            ("succeeded", None, "payment_intent.succeeded")
        } else {
            ("requires_payment_method", Some("Your bank couldn't confirm this payment."), "payment_intent.payment_failed")
        };
        sqlx::query!("update sandbox.payment_intents set status = $2, last_error = $3, updated_at = now() where id = $1", id, status, error)
            .execute(&mut *tx)
            .await?;
        let card = intent.card_brand.as_deref().zip(intent.card_last4.as_deref());
        let kept = match (approve, card, intent.card_number.as_deref()) {
            (true, Some((brand, last4)), Some(number)) => Self::keep_card(&mut tx, id, number, brand, last4).await?,
            _ => None,
        };
        let object =
            Self::intent_object(id, &intent.merchant_reference, intent.amount_minor, &intent.currency, status, card, error, kept.as_deref());
        Self::record_event(&mut tx, event, object).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(match error {
            None => Charge::Succeeded { return_url: intent.return_url },
            Some(message) => Charge::Declined { message: message.into() },
        })
    }

    async fn create(&self, request: CheckoutRequest) -> Result<Checkout, ProviderError> {
        if request.amount_minor <= 0 {
            return Err(ProviderError::Refused("the amount must be positive".into()));
        }
        let request_hash = hash(&json!([
            request.payment_id, request.amount_minor, request.currency, request.description, request.return_url,
            request.cancel_url, request.save_card
        ]));
        let id = new_id("pi");
        let inserted = sqlx::query_scalar!(
            "insert into sandbox.payment_intents (id, amount_minor, currency, description, merchant_reference, return_url,
                                                  status, idempotency_key, request_hash, save_card, cancel_url)
             values ($1, $2, $3, $4, $5, $6, 'requires_payment_method', $7, $8, $9, $10)
             on conflict (idempotency_key) do nothing
             returning id",
            id,
            request.amount_minor,
            request.currency,
            request.description,
            request.payment_id.to_string(),
            request.return_url,
            request.idempotency_key,
            request_hash,
            request.save_card,
            request.cancel_url
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        let id = match inserted {
            Some(id) => id,
            None => {
                let first = sqlx::query!(
                    "select id, request_hash from sandbox.payment_intents where idempotency_key = $1",
                    request.idempotency_key
                )
                .fetch_one(&self.pool)
                .await
                .map_err(unavailable)?;
                if first.request_hash != request_hash {
                    return Err(ProviderError::IdempotencyMismatch);
                }
                first.id
            }
        };
        Ok(Checkout { url: format!("{}/sandbox/checkout/{id}", self.site_url), provider_payment_id: id })
    }

    async fn refund_now(&self, request: RefundRequest) -> Result<String, ProviderError> {
        let key = request.refund_id.to_string();
        let request_hash = hash(&json!([request.provider_payment_id, request.amount_minor, key]));
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let intent = sqlx::query!(
            r#"select amount_minor, status, currency as "currency!" from sandbox.payment_intents where id = $1 for update"#,
            request.provider_payment_id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| ProviderError::Refused("no such payment".into()))?;
        if let Some(first) = sqlx::query!("select id, request_hash from sandbox.refunds where idempotency_key = $1", key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(unavailable)?
        {
            return if first.request_hash == request_hash { Ok(first.id) } else { Err(ProviderError::IdempotencyMismatch) };
        }
        if intent.status != "succeeded" {
            return Err(ProviderError::Refused("the payment has not succeeded".into()));
        }
        let refunded = sqlx::query_scalar!(
            r#"select coalesce(sum(amount_minor), 0)::bigint as "sum!" from sandbox.refunds where payment_intent_id = $1"#,
            request.provider_payment_id
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?;
        if request.amount_minor <= 0 || refunded + request.amount_minor > intent.amount_minor {
            return Err(ProviderError::Refused("the refund exceeds what is left of the payment".into()));
        }
        let id = new_id("re");
        sqlx::query!(
            "insert into sandbox.refunds (id, payment_intent_id, amount_minor, idempotency_key, request_hash) values ($1, $2, $3, $4, $5)",
            id,
            request.provider_payment_id,
            request.amount_minor,
            key,
            request_hash
        )
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        let object = json!({
            "id": id, "object": "refund", "amount": request.amount_minor, "currency": intent.currency.to_ascii_lowercase(),
            "payment_intent": request.provider_payment_id, "status": "succeeded", "metadata": { "refund_id": key },
        });
        Self::record_event(&mut tx, "refund.created", object).await.map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        self.wake.notify_one();
        Ok(id)
    }
}

impl Sandbox {
    /// A kept card charged without the cardholder: the "fails later" card is declined now.
    async fn charge_kept(&self, request: SavedCardCharge) -> Result<String, ProviderError> {
        let request_hash = hash(&json!([request.payment_id, request.amount_minor, request.currency, request.card_reference]));
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        if let Some(first) = sqlx::query!(
            "select id, request_hash from sandbox.payment_intents where idempotency_key = $1",
            request.idempotency_key
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?
        {
            return if first.request_hash == request_hash { Ok(first.id) } else { Err(ProviderError::IdempotencyMismatch) };
        }
        let card = sqlx::query!("select number, brand, last4 as \"last4!\" from sandbox.cards where id = $1", request.card_reference)
            .fetch_optional(&mut *tx)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| ProviderError::Refused("no such card".into()))?;
        let behaviour = cards::TEST_CARDS.iter().find(|test| test.number == card.number).map(|test| test.behaviour);
        let (status, error, event) = match behaviour {
            Some(Behaviour::Succeeds | Behaviour::RequiresAuthentication) => ("succeeded", None, "payment_intent.succeeded"),
            Some(Behaviour::FailsLater) => ("requires_payment_method", Some("Your card was declined."), "payment_intent.payment_failed"),
            Some(Behaviour::Declined(message)) => ("requires_payment_method", Some(message), "payment_intent.payment_failed"),
            None => ("requires_payment_method", Some("Your card was declined."), "payment_intent.payment_failed"),
        };
        let id = new_id("pi");
        sqlx::query!(
            "insert into sandbox.payment_intents (id, amount_minor, currency, description, merchant_reference, return_url, status,
                                                  card_brand, card_last4, card_number, card_id, last_error, idempotency_key, request_hash)
             values ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $10, $11, $12, $13)",
            id,
            request.amount_minor,
            request.currency,
            request.description,
            request.payment_id.to_string(),
            status,
            card.brand,
            card.last4,
            card.number,
            request.card_reference,
            error,
            request.idempotency_key,
            request_hash
        )
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        let reference = request.payment_id.to_string();
        let object =
            Self::intent_object(&id, &reference, request.amount_minor, &request.currency, status, Some((&card.brand, &card.last4)), error, None);
        Self::record_event(&mut tx, event, object).await.map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        self.wake.notify_one();
        Ok(id)
    }
}

impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn create_checkout(&self, request: CheckoutRequest) -> ProviderFuture<'_, Checkout> {
        Box::pin(self.create(request))
    }

    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_, String> {
        Box::pin(self.refund_now(request))
    }

    fn charge_saved_card(&self, request: SavedCardCharge) -> ProviderFuture<'_, String> {
        Box::pin(self.charge_kept(request))
    }

    fn verify_webhook(&self, signature: Option<&str>, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError> {
        super::signature::verify(signature, body, &self.secrets(), now, super::signature::TOLERANCE_SECONDS)?;
        super::events::read(body)
    }
}
