//! The Stripe provider, used when `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` are set
//! ([`from_env`]). It speaks Stripe's HTTP API directly: form-encoded bodies, `Authorization:
//! Bearer sk_…`, an `Idempotency-Key` on every POST, errors as `{"error": {"type", "message", …}}`.
//!
//! - A checkout is a hosted Checkout Session (`cs_…`) in payment mode: its id is the payment's
//!   `provider_payment_id`, and its `checkout.session.*` events settle the payment. Our payment id
//!   rides along as `client_reference_id` and in the metadata of the session and of its
//!   PaymentIntent. Keeping the card (`save_card`) makes Stripe create a customer and attach the
//!   card for off-session use; the customer id (`cus_…`) is the card reference that comes back in
//!   the payment-succeeded event and that [`PaymentProvider::charge_saved_card`] takes.
//! - A refund names the PaymentIntent; a session's is looked up first. Our refund id is the
//!   idempotency key and `metadata[refund_id]`, which the refund's events echo.
//! - A charge on a kept card is a PaymentIntent confirmed off-session (`pi_…`); its outcome
//!   arrives as `payment_intent.succeeded` / `payment_intent.payment_failed`.
//! - Webhooks use Stripe's signature scheme, which is exactly [`super::signature`].
//!
//! How Stripe's answers map to [`ProviderError`]: no answer (connection, timeout), a 5xx, a 429 or
//! a 409 (a concurrent request on the same object or key, not saved by Stripe) →
//! `Unavailable`, safe to retry with the same key; `idempotency_error` → `IdempotencyMismatch`;
//! any other 4xx → `Refused` with Stripe's message.

use super::events;
use super::provider::{
    Checkout, CheckoutRequest, EventKind, PaymentProvider, ProviderError, ProviderEvent, ProviderFuture, RefundRequest,
    SavedCardCharge, WebhookError,
};
use super::signature;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Stripe's API, unless `STRIPE_API_BASE` says otherwise (tests, a mock).
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

#[derive(Clone)]
pub struct Stripe {
    client: reqwest::Client,
    secret_key: String,
    /// Endpoint signing secrets (`whsec_…`), every one accepted (a rotation).
    webhook_secrets: Arc<Vec<Vec<u8>>>,
    /// Without a trailing slash.
    api_base: String,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stripe")
            .field("api_base", &self.api_base)
            .field("webhook_secrets", &self.webhook_secrets.len())
            .finish_non_exhaustive()
    }
}

/// Stripe's answer when it was not a success, before it is mapped to a [`ProviderError`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    /// `None` when no answer came (connection refused, timeout, an unreadable body).
    status: Option<u16>,
    /// `error.type`: `card_error`, `invalid_request_error`, `idempotency_error`, `api_error`, …
    kind: String,
    code: Option<String>,
    message: String,
    /// `error.payment_intent`'s id, on a card error from confirming a PaymentIntent.
    payment_intent: Option<String>,
    /// Stripe's `Stripe-Should-Retry` header.
    should_retry: Option<bool>,
}

impl ApiError {
    fn unanswered(message: String) -> Self {
        Self { status: None, kind: String::new(), code: None, message, payment_intent: None, should_retry: None }
    }
}

impl From<ApiError> for ProviderError {
    fn from(error: ApiError) -> Self {
        let Some(status) = error.status else { return ProviderError::Unavailable(error.message) };
        let retry_code =
            matches!(error.code.as_deref(), Some("lock_timeout" | "idempotency_key_in_use" | "rate_limit"));
        if error.kind == "idempotency_error" && !retry_code {
            return ProviderError::IdempotencyMismatch;
        }
        if status >= 500 || status == 429 || status == 409 || retry_code || error.should_retry == Some(true) {
            return ProviderError::Unavailable(format!("Stripe answered {status}: {}", error.message));
        }
        ProviderError::Refused(error.message)
    }
}

/// The id inside a field that Stripe gives either as an id or as an expanded object.
fn id_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(id) => Some(id.clone()),
        Value::Object(object) => object.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |value, key| value.get(key)).and_then(Value::as_str)
}

/// An id that goes into a URL path: Stripe's ids are letters, digits and underscores.
fn path_id(id: &str) -> Result<&str, ProviderError> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(id)
    } else {
        Err(ProviderError::Refused(format!("{id:?} is not a Stripe id")))
    }
}

fn answer_id(body: &Value, what: &str) -> Result<String, ProviderError> {
    text(body, &["id"]).map(str::to_string).ok_or_else(|| ProviderError::Refused(format!("Stripe's {what} has no id")))
}

type Form = Vec<(&'static str, String)>;

impl Stripe {
    pub fn new(secret_key: impl Into<String>, webhook_secrets: Vec<Vec<u8>>, api_base: impl Into<String>) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(40))
            .user_agent(concat!("waypoint/", env!("CARGO_PKG_VERSION")))
            .build()
            // Only a TLS backend that cannot start fails here; rustls always starts.
            .unwrap_or_else(|_| reqwest::Client::new());
        let api_base = api_base.into().trim_end_matches('/').to_string();
        Self { client, secret_key: secret_key.into(), webhook_secrets: Arc::new(webhook_secrets), api_base }
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    fn secrets(&self) -> Vec<&[u8]> {
        self.webhook_secrets.iter().map(Vec::as_slice).collect()
    }

    /// Sends `request` and reads Stripe's JSON answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, ApiError> {
        let response =
            request.bearer_auth(&self.secret_key).send().await.map_err(|error| {
                ApiError::unanswered(format!("Stripe could not be reached: {}", error.without_url()))
            })?;
        let status = response.status();
        let should_retry = response
            .headers()
            .get("stripe-should-retry")
            .and_then(|value| value.to_str().ok())
            .map(|value| value.eq_ignore_ascii_case("true"));
        let bytes = response
            .bytes()
            .await
            .map_err(|error| ApiError::unanswered(format!("Stripe's answer was cut off: {}", error.without_url())))?;
        let body: Option<Value> = serde_json::from_slice(&bytes).ok();
        if status.is_success() {
            return body
                .ok_or_else(|| ApiError::unanswered(format!("Stripe answered {status} with a body that is not JSON")));
        }
        let error = body.as_ref().and_then(|body| body.get("error"));
        let field = |name: &str| error.and_then(|error| error.get(name)).and_then(Value::as_str).map(str::to_string);
        Err(ApiError {
            status: Some(status.as_u16()),
            kind: field("type").unwrap_or_default(),
            code: field("code"),
            message: field("message").unwrap_or_else(|| format!("Stripe answered {status}")),
            payment_intent: id_of(error.and_then(|error| error.get("payment_intent"))),
            should_retry,
        })
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, ApiError> {
        self.send(self.client.get(format!("{}{path}", self.api_base)).query(query)).await
    }

    async fn post(&self, path: &str, form: &Form, idempotency_key: &str) -> Result<Value, ApiError> {
        let request =
            self.client.post(format!("{}{path}", self.api_base)).header("Idempotency-Key", idempotency_key).form(form);
        self.send(request).await
    }

    async fn checkout(&self, request: CheckoutRequest) -> Result<Checkout, ProviderError> {
        let currency = currency(&request.currency, request.amount_minor)?;
        let payment_id = request.payment_id.to_string();
        let name =
            if request.description.trim().is_empty() { "Waypoint session".to_string() } else { request.description };
        let mut form: Form = vec![
            ("mode", "payment".into()),
            ("line_items[0][quantity]", "1".into()),
            ("line_items[0][price_data][currency]", currency),
            ("line_items[0][price_data][unit_amount]", request.amount_minor.to_string()),
            ("line_items[0][price_data][product_data][name]", name),
            ("success_url", request.return_url.clone()),
            ("cancel_url", request.cancel_url),
            ("client_reference_id", payment_id.clone()),
            ("metadata[payment_id]", payment_id.clone()),
            ("payment_intent_data[metadata][payment_id]", payment_id),
        ];
        if request.save_card {
            form.push(("customer_creation", "always".into()));
            form.push(("payment_intent_data[setup_future_usage]", "off_session".into()));
        }
        let session = self.post("/v1/checkout/sessions", &form, &request.idempotency_key).await?;
        let url = text(&session, &["url"])
            .ok_or_else(|| ProviderError::Refused("Stripe's checkout session has no url".into()))?;
        Ok(Checkout { provider_payment_id: answer_id(&session, "checkout session")?, url: url.to_string() })
    }

    async fn refund_now(&self, request: RefundRequest) -> Result<String, ProviderError> {
        if request.amount_minor <= 0 {
            return Err(ProviderError::Refused("the refund's amount must be positive".into()));
        }
        let id = path_id(&request.provider_payment_id)?;
        let payment_intent = if id.starts_with("cs_") {
            let session = self.get(&format!("/v1/checkout/sessions/{id}"), &[]).await?;
            id_of(session.get("payment_intent"))
                .ok_or_else(|| ProviderError::Refused(format!("checkout session {id} has no payment to refund")))?
        } else {
            id.to_string()
        };
        let refund_id = request.refund_id.to_string();
        let form: Form = vec![
            ("payment_intent", payment_intent),
            ("amount", request.amount_minor.to_string()),
            ("metadata[refund_id]", refund_id.clone()),
        ];
        let refund = self.post("/v1/refunds", &form, &refund_id).await?;
        answer_id(&refund, "refund")
    }

    async fn charge_kept(&self, request: SavedCardCharge) -> Result<String, ProviderError> {
        let currency = currency(&request.currency, request.amount_minor)?;
        let customer = path_id(&request.card_reference)?;
        if !customer.starts_with("cus_") {
            return Err(ProviderError::Refused(format!("{customer:?} is not a Stripe customer")));
        }
        let methods = self.get("/v1/payment_methods", &[("customer", customer), ("type", "card")]).await?;
        let method = methods
            .get("data")
            .and_then(Value::as_array)
            .and_then(|methods| methods.first())
            .and_then(|method| text(method, &["id"]))
            .ok_or_else(|| ProviderError::Refused(format!("customer {customer} has no saved card")))?;
        let form: Form = vec![
            ("amount", request.amount_minor.to_string()),
            ("currency", currency),
            ("customer", customer.to_string()),
            ("payment_method", method.to_string()),
            ("off_session", "true".into()),
            ("confirm", "true".into()),
            ("description", request.description),
            ("metadata[payment_id]", request.payment_id.to_string()),
        ];
        match self.post("/v1/payment_intents", &form, &request.idempotency_key).await {
            Ok(intent) => answer_id(&intent, "payment intent"),
            // A decline (or a bank asking for the cardholder) still made a PaymentIntent: its
            // payment_intent.payment_failed event tells the outcome, like any other charge's.
            Err(ApiError { kind, payment_intent: Some(intent), .. }) if kind == "card_error" => Ok(intent),
            Err(error) => Err(error.into()),
        }
    }

    /// Reads a verified event body.
    fn read_event(body: &[u8]) -> Result<ProviderEvent, WebhookError> {
        let payload: Value = serde_json::from_slice(body).map_err(|error| WebhookError::Shape(error.to_string()))?;
        let shape = |what: &str| WebhookError::Shape(format!("{what} is missing"));
        let id = text(&payload, &["id"]).ok_or_else(|| shape("id"))?.to_string();
        let kind_name = text(&payload, &["type"]).ok_or_else(|| shape("type"))?.to_string();
        let object = payload.get("data").and_then(|data| data.get("object")).ok_or_else(|| shape("data.object"))?;
        let object_id = || text(object, &["id"]).map(str::to_string).ok_or_else(|| shape("data.object.id"));
        let kind = match kind_name.as_str() {
            "checkout.session.completed" if text(object, &["payment_status"]) != Some("paid") => {
                // Paid later (a bank debit): async_payment_succeeded or _failed follows.
                EventKind::Other(kind_name.clone())
            }
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => EventKind::PaymentSucceeded {
                provider_payment_id: object_id()?,
                card_brand: None,
                card_last4: None,
                card_reference: id_of(object.get("customer")),
            },
            "checkout.session.async_payment_failed" => EventKind::PaymentFailed {
                provider_payment_id: object_id()?,
                reason: "The payment did not go through.".into(),
            },
            "checkout.session.expired" => EventKind::PaymentFailed {
                provider_payment_id: object_id()?,
                reason: "The checkout expired before it was paid.".into(),
            },
            "payment_intent.succeeded" | "payment_intent.payment_failed" | "refund.created" | "refund.updated" => {
                let mut event = events::read(body)?;
                // A kept card is referred to by its customer, as the checkout's event named it.
                if let EventKind::PaymentSucceeded { card_reference, .. } = &mut event.kind {
                    *card_reference = id_of(object.get("customer"));
                }
                return Ok(event);
            }
            "refund.failed" => EventKind::RefundFailed {
                refund_id: text(object, &["metadata", "refund_id"])
                    .and_then(|id| Uuid::parse_str(id).ok())
                    .ok_or_else(|| shape("data.object.metadata.refund_id"))?,
                provider_refund_id: object_id()?,
                reason: text(object, &["failure_reason"]).unwrap_or("The refund failed.").chars().take(300).collect(),
            },
            _ => EventKind::Other(kind_name.clone()),
        };
        Ok(ProviderEvent { id, kind, payload })
    }
}

/// Stripe's currency code (lower case), after checking the amount is worth asking for.
fn currency(currency: &str, amount_minor: i64) -> Result<String, ProviderError> {
    if amount_minor <= 0 {
        return Err(ProviderError::Refused("the amount must be positive".into()));
    }
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ProviderError::Refused(format!("{currency:?} is not a currency code")));
    }
    Ok(currency.to_ascii_lowercase())
}

impl PaymentProvider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn create_checkout(&self, request: CheckoutRequest) -> ProviderFuture<'_, Checkout> {
        Box::pin(self.checkout(request))
    }

    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_, String> {
        Box::pin(self.refund_now(request))
    }

    fn charge_saved_card(&self, request: SavedCardCharge) -> ProviderFuture<'_, String> {
        Box::pin(self.charge_kept(request))
    }

    fn verify_webhook(&self, signature: Option<&str>, body: &[u8], now: i64) -> Result<ProviderEvent, WebhookError> {
        signature::verify(signature, body, &self.secrets(), now, signature::TOLERANCE_SECONDS)?;
        Self::read_event(body)
    }
}

/// The Stripe provider when `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` (comma-separated
/// secrets during a rotation) are both set, `None` when neither is, an error when only one is or
/// a value is unusable. `STRIPE_API_BASE` overrides `https://api.stripe.com`. Empty values count
/// as unset.
pub fn from_env() -> Result<Option<Stripe>, String> {
    from_vars(|name| std::env::var(name).ok())
}

fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<Stripe>, String> {
    let read = |name: &str| var(name).map(|value| value.trim().to_string()).filter(|value| !value.is_empty());
    let (key, secrets) = match (read("STRIPE_SECRET_KEY"), read("STRIPE_WEBHOOK_SECRET")) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err("STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: set both to use Stripe".into())
        }
        (None, Some(_)) => {
            return Err("STRIPE_WEBHOOK_SECRET is set but STRIPE_SECRET_KEY is not: set both to use Stripe".into())
        }
        (Some(key), Some(secrets)) => (key, secrets),
    };
    if key.starts_with("pk_") {
        return Err(
            "STRIPE_SECRET_KEY holds a publishable key (pk_…): use a secret (sk_…) or restricted (rk_…) key".into()
        );
    }
    let secrets: Vec<Vec<u8>> = secrets
        .split(',')
        .map(str::trim)
        .filter(|secret| !secret.is_empty())
        .map(|secret| secret.as_bytes().to_vec())
        .collect();
    if secrets.is_empty() {
        return Err("STRIPE_WEBHOOK_SECRET holds no secret".into());
    }
    let api_base = read("STRIPE_API_BASE").unwrap_or_else(|| DEFAULT_API_BASE.to_string());
    if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
        return Err(format!("STRIPE_API_BASE must be an http(s) address, not {api_base:?}"));
    }
    Ok(Some(Stripe::new(key, secrets, api_base)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use serde_json::json;
    use sha2::Sha256;
    use wiremock::matchers::{body_string_contains, header, method, path, query_param};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const KEY: &str = "sk_test_51WaypointSecret";
    const WHSEC: &str = "whsec_test_endpoint_secret";

    fn stripe(server: &MockServer) -> Stripe {
        Stripe::new(KEY, vec![WHSEC.as_bytes().to_vec()], server.uri())
    }

    fn checkout_request(save_card: bool) -> CheckoutRequest {
        CheckoutRequest {
            payment_id: Uuid::parse_str("0b9a3c1e-5f4d-4c2b-9a8e-7d6c5b4a3f21").unwrap(),
            amount_minor: 3500,
            currency: "GBP".into(),
            description: "Career conversation with Amara Okafor, Tue 3 Dec 14:00".into(),
            return_url: "https://waypoint.example/booking/42?checkout=done".into(),
            cancel_url: "https://waypoint.example/booking/42".into(),
            idempotency_key: "pay-key-1".into(),
            save_card,
        }
    }

    /// The form fields of a request, sorted, decoded.
    fn form(request: &Request) -> Vec<(String, String)> {
        let body = String::from_utf8(request.body.clone()).unwrap();
        let url = reqwest::Url::parse(&format!("http://form.invalid/?{body}")).unwrap();
        let mut pairs: Vec<(String, String)> =
            url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        pairs.sort();
        pairs
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        pairs.sort();
        pairs
    }

    fn header_of<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
        request.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn session_body() -> Value {
        json!({
            "id": "cs_test_a1B2c3", "object": "checkout.session", "mode": "payment", "status": "open",
            "payment_status": "unpaid", "amount_total": 3500, "currency": "gbp",
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1B2c3#fidkdWxOYHwnPyd1blpxYHZxWjA0",
            "client_reference_id": "0b9a3c1e-5f4d-4c2b-9a8e-7d6c5b4a3f21", "payment_intent": null, "customer": null,
        })
    }

    #[tokio::test]
    async fn a_checkout_is_a_checkout_session_with_our_payment_in_it() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .and(header("idempotency-key", "pay-key-1"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .respond_with(ResponseTemplate::new(200).set_body_json(session_body()))
            .expect(1)
            .mount(&server)
            .await;
        let checkout = stripe(&server).create_checkout(checkout_request(false)).await.unwrap();
        assert_eq!(
            checkout,
            Checkout {
                provider_payment_id: "cs_test_a1B2c3".into(),
                url: "https://checkout.stripe.com/c/pay/cs_test_a1B2c3#fidkdWxOYHwnPyd1blpxYHZxWjA0".into(),
            }
        );
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1);
        let payment = "0b9a3c1e-5f4d-4c2b-9a8e-7d6c5b4a3f21";
        assert_eq!(
            form(&requests[0]),
            fields(&[
                ("mode", "payment"),
                ("line_items[0][quantity]", "1"),
                ("line_items[0][price_data][currency]", "gbp"),
                ("line_items[0][price_data][unit_amount]", "3500"),
                (
                    "line_items[0][price_data][product_data][name]",
                    "Career conversation with Amara Okafor, Tue 3 Dec 14:00"
                ),
                ("success_url", "https://waypoint.example/booking/42?checkout=done"),
                ("cancel_url", "https://waypoint.example/booking/42"),
                ("client_reference_id", payment),
                ("metadata[payment_id]", payment),
                ("payment_intent_data[metadata][payment_id]", payment),
            ])
        );
        // Form-encoded on the wire, brackets and all.
        let raw = String::from_utf8(requests[0].body.clone()).unwrap();
        assert!(raw.contains("line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=gbp"), "{raw}");
    }

    #[tokio::test]
    async fn keeping_the_card_asks_for_a_customer_and_off_session_use() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .and(body_string_contains("customer_creation=always"))
            .respond_with(ResponseTemplate::new(200).set_body_json(session_body()))
            .expect(1)
            .mount(&server)
            .await;
        stripe(&server).create_checkout(checkout_request(true)).await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let sent = form(&requests[0]);
        assert!(sent.contains(&("customer_creation".into(), "always".into())));
        assert!(sent.contains(&("payment_intent_data[setup_future_usage]".into(), "off_session".into())));
        assert_eq!(sent.len(), 12);
    }

    #[tokio::test]
    async fn the_same_key_replays_and_other_parameters_under_it_are_a_mismatch() {
        let server = MockServer::start().await;
        // Stripe replays the saved answer for a repeated key with the same parameters...
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .and(header("idempotency-key", "pay-key-1"))
            .and(body_string_contains("unit_amount%5D=3500"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(session_body()).insert_header("idempotent-replayed", "true"),
            )
            .expect(2)
            .mount(&server)
            .await;
        // ...and refuses the key with other parameters.
        Mock::given(method("POST"))
            .and(path("/v1/checkout/sessions"))
            .and(header("idempotency-key", "pay-key-1"))
            .and(body_string_contains("unit_amount%5D=4000"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
                "type": "idempotency_error",
                "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."
            }})))
            .expect(1)
            .mount(&server)
            .await;
        let stripe = stripe(&server);
        let first = stripe.create_checkout(checkout_request(false)).await.unwrap();
        let again = stripe.create_checkout(checkout_request(false)).await.unwrap();
        assert_eq!(first, again);
        let other = CheckoutRequest { amount_minor: 4000, ..checkout_request(false) };
        assert!(matches!(stripe.create_checkout(other).await, Err(ProviderError::IdempotencyMismatch)));
        let requests = server.received_requests().await.unwrap();
        assert!(requests.iter().all(|request| header_of(request, "idempotency-key") == Some("pay-key-1")));
    }

    #[tokio::test]
    async fn server_errors_rate_limits_and_no_answer_are_unavailable_other_4xx_refused() {
        let server = MockServer::start().await;
        let error = |kind: &str, message: &str| json!({"error": {"type": kind, "message": message}});
        for (key, status, body) in [
            ("k500", 500, error("api_error", "An unknown error occurred")),
            ("k429", 429, error("invalid_request_error", "Too many requests")),
            (
                "k409",
                409,
                json!({"error": {"type": "invalid_request_error", "code": "lock_timeout", "message": "busy"}}),
            ),
            ("k400", 400, error("invalid_request_error", "Invalid currency: zzz")),
            ("k401", 401, error("invalid_request_error", "Invalid API Key provided: sk_test_****")),
        ] {
            Mock::given(method("POST"))
                .and(header("idempotency-key", key))
                .respond_with(ResponseTemplate::new(status).set_body_json(body))
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(header("idempotency-key", "kjunk"))
            .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"))
            .mount(&server)
            .await;
        let stripe = stripe(&server);
        let with_key = |key: &str| CheckoutRequest { idempotency_key: key.into(), ..checkout_request(false) };
        for key in ["k500", "k429", "k409", "kjunk"] {
            let answer = stripe.create_checkout(with_key(key)).await;
            assert!(matches!(answer, Err(ProviderError::Unavailable(_))), "{key}: {answer:?}");
        }
        match stripe.create_checkout(with_key("k400")).await {
            Err(ProviderError::Refused(message)) => assert_eq!(message, "Invalid currency: zzz"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(stripe.create_checkout(with_key("k401")).await, Err(ProviderError::Refused(_))));

        // Nobody listening: a network failure.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let gone = Stripe::new(KEY, vec![], format!("http://127.0.0.1:{port}"));
        let answer = gone.create_checkout(checkout_request(false)).await;
        assert!(matches!(&answer, Err(ProviderError::Unavailable(message)) if !message.contains(KEY)), "{answer:?}");
    }

    #[tokio::test]
    async fn nothing_is_sent_for_a_request_stripe_would_refuse() {
        let server = MockServer::start().await;
        let stripe = stripe(&server);
        let free = CheckoutRequest { amount_minor: 0, ..checkout_request(false) };
        assert!(matches!(stripe.create_checkout(free).await, Err(ProviderError::Refused(_))));
        let odd = CheckoutRequest { currency: "£".into(), ..checkout_request(false) };
        assert!(matches!(stripe.create_checkout(odd).await, Err(ProviderError::Refused(_))));
        let refund = RefundRequest {
            provider_payment_id: "cs_../../v1/customers".into(),
            amount_minor: 1,
            refund_id: Uuid::new_v4(),
        };
        assert!(matches!(stripe.refund(refund).await, Err(ProviderError::Refused(_))));
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_sessions_refund_finds_its_payment_intent_and_keys_on_the_refund_id() {
        let server = MockServer::start().await;
        let refund_id = Uuid::new_v4();
        Mock::given(method("GET"))
            .and(path("/v1/checkout/sessions/cs_test_a1B2c3"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"id": "cs_test_a1B2c3", "object": "checkout.session", "payment_intent": "pi_3Paid"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/refunds"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .and(header("idempotency-key", refund_id.to_string().as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": "re_3Refund", "object": "refund", "amount": 1750, "payment_intent": "pi_3Paid", "status": "succeeded",
                "metadata": {"refund_id": refund_id.to_string()},
            })))
            .expect(2)
            .mount(&server)
            .await;
        let stripe = stripe(&server);
        let request = RefundRequest { provider_payment_id: "cs_test_a1B2c3".into(), amount_minor: 1750, refund_id };
        assert_eq!(stripe.refund(request).await.unwrap(), "re_3Refund");
        // A PaymentIntent's refund goes straight to /v1/refunds.
        let request = RefundRequest { provider_payment_id: "pi_3Paid".into(), amount_minor: 1750, refund_id };
        assert_eq!(stripe.refund(request).await.unwrap(), "re_3Refund");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 3);
        assert_eq!(header_of(&requests[0], "idempotency-key"), None);
        let expected = fields(&[
            ("payment_intent", "pi_3Paid"),
            ("amount", "1750"),
            ("metadata[refund_id]", &refund_id.to_string()),
        ]);
        assert_eq!(form(&requests[1]), expected);
        assert_eq!(form(&requests[2]), expected);
    }

    #[tokio::test]
    async fn an_unpaid_sessions_refund_is_refused() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/checkout/sessions/cs_test_unpaid"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": "cs_test_unpaid", "payment_intent": null})),
            )
            .mount(&server)
            .await;
        let request = RefundRequest {
            provider_payment_id: "cs_test_unpaid".into(),
            amount_minor: 100,
            refund_id: Uuid::new_v4(),
        };
        assert!(matches!(stripe(&server).refund(request).await, Err(ProviderError::Refused(_))));
    }

    fn saved_card_charge() -> SavedCardCharge {
        SavedCardCharge {
            payment_id: Uuid::parse_str("5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b").unwrap(),
            amount_minor: 2900,
            currency: "EUR".into(),
            description: "Mentoring plan, January".into(),
            card_reference: "cus_Kept123".into(),
            idempotency_key: "renewal-2027-01".into(),
        }
    }

    async fn mount_saved_card(server: &MockServer) {
        Mock::given(method("GET"))
            .and(path("/v1/payment_methods"))
            .and(query_param("customer", "cus_Kept123"))
            .and(query_param("type", "card"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "object": "list", "has_more": false, "url": "/v1/payment_methods",
                "data": [{"id": "pm_1Kept", "object": "payment_method", "type": "card", "customer": "cus_Kept123",
                          "card": {"brand": "visa", "last4": "4242"}}],
            })))
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn a_kept_card_is_charged_off_session() {
        let server = MockServer::start().await;
        mount_saved_card(&server).await;
        Mock::given(method("POST"))
            .and(path("/v1/payment_intents"))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .and(header("idempotency-key", "renewal-2027-01"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": "pi_3Renewal", "object": "payment_intent", "status": "succeeded", "amount": 2900, "currency": "eur",
            })))
            .expect(1)
            .mount(&server)
            .await;
        assert_eq!(stripe(&server).charge_saved_card(saved_card_charge()).await.unwrap(), "pi_3Renewal");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].url.path(), "/v1/payment_methods");
        assert_eq!(
            form(&requests[1]),
            fields(&[
                ("amount", "2900"),
                ("currency", "eur"),
                ("customer", "cus_Kept123"),
                ("payment_method", "pm_1Kept"),
                ("off_session", "true"),
                ("confirm", "true"),
                ("description", "Mentoring plan, January"),
                ("metadata[payment_id]", "5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"),
            ])
        );
    }

    #[tokio::test]
    async fn a_declined_kept_card_still_names_its_payment_intent() {
        let server = MockServer::start().await;
        mount_saved_card(&server).await;
        Mock::given(method("POST"))
            .and(path("/v1/payment_intents"))
            .respond_with(ResponseTemplate::new(402).set_body_json(json!({"error": {
                "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                "message": "Your card has insufficient funds.",
                "payment_intent": {"id": "pi_3Declined", "object": "payment_intent", "status": "requires_payment_method"},
            }})))
            .mount(&server)
            .await;
        assert_eq!(stripe(&server).charge_saved_card(saved_card_charge()).await.unwrap(), "pi_3Declined");
    }

    #[tokio::test]
    async fn a_kept_card_charge_without_a_card_or_customer_is_refused() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/payment_methods"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": []})))
            .mount(&server)
            .await;
        let provider = stripe(&server);
        assert!(matches!(provider.charge_saved_card(saved_card_charge()).await, Err(ProviderError::Refused(_))));
        let card = SavedCardCharge { card_reference: "pm_1Kept".into(), ..saved_card_charge() };
        assert!(matches!(provider.charge_saved_card(card).await, Err(ProviderError::Refused(_))));
        // A card error without a PaymentIntent (none was made) is a refusal.
        let server = MockServer::start().await;
        mount_saved_card(&server).await;
        Mock::given(method("POST"))
            .and(path("/v1/payment_intents"))
            .respond_with(
                ResponseTemplate::new(402)
                    .set_body_json(json!({"error": {"type": "card_error", "message": "Expired card."}})),
            )
            .mount(&server)
            .await;
        let answer = stripe(&server).charge_saved_card(saved_card_charge()).await;
        assert!(matches!(&answer, Err(ProviderError::Refused(message)) if message == "Expired card."), "{answer:?}");
    }

    /// Stripe's documented scheme, computed here without `signature::sign`: HMAC-SHA256 keyed
    /// with the endpoint secret over "<t>.<payload>", hex encoded, in `t=…,v1=…`.
    fn stripe_signature(secret: &str, timestamp: i64, payload: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(payload);
        format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    fn completed_session(payment_status: &str, customer: Option<&str>) -> Vec<u8> {
        json!({
            "id": "evt_1QCompleted", "object": "event", "api_version": "2024-06-20", "created": 1_733_234_400,
            "livemode": false, "pending_webhooks": 1, "type": "checkout.session.completed",
            "request": {"id": null, "idempotency_key": null},
            "data": {"object": {
                "id": "cs_test_a1B2c3", "object": "checkout.session", "mode": "payment", "status": "complete",
                "payment_status": payment_status, "amount_total": 3500, "currency": "gbp",
                "client_reference_id": "0b9a3c1e-5f4d-4c2b-9a8e-7d6c5b4a3f21", "customer": customer,
                "payment_intent": "pi_3Paid", "metadata": {"payment_id": "0b9a3c1e-5f4d-4c2b-9a8e-7d6c5b4a3f21"},
                "url": null,
            }},
        })
        .to_string()
        .into_bytes()
    }

    const NOW: i64 = 1_733_234_460;

    #[test]
    fn a_stripe_signed_completed_checkout_is_a_succeeded_payment() {
        let stripe = Stripe::new(KEY, vec![WHSEC.as_bytes().to_vec()], DEFAULT_API_BASE);
        let body = completed_session("paid", Some("cus_Kept123"));
        let header = stripe_signature(WHSEC, NOW - 30, &body);
        let event = stripe.verify_webhook(Some(&header), &body, NOW).unwrap();
        assert_eq!(event.id, "evt_1QCompleted");
        assert_eq!(
            event.kind,
            EventKind::PaymentSucceeded {
                provider_payment_id: "cs_test_a1B2c3".into(),
                card_brand: None,
                card_last4: None,
                card_reference: Some("cus_Kept123".into()),
            }
        );
        assert_eq!(event.payload["data"]["object"]["payment_intent"], "pi_3Paid");
        // Without a kept card there is no customer.
        let body = completed_session("paid", None);
        let event = stripe.verify_webhook(Some(&stripe_signature(WHSEC, NOW, &body)), &body, NOW).unwrap();
        assert!(matches!(event.kind, EventKind::PaymentSucceeded { card_reference: None, .. }));
        // Completed but not yet paid (a bank debit): wait for the async event.
        let body = completed_session("unpaid", None);
        let event = stripe.verify_webhook(Some(&stripe_signature(WHSEC, NOW, &body)), &body, NOW).unwrap();
        assert_eq!(event.kind, EventKind::Other("checkout.session.completed".into()));
    }

    #[test]
    fn a_wrong_secret_a_stale_time_or_a_changed_body_is_refused() {
        use signature::SignatureError;
        let stripe = Stripe::new(KEY, vec![WHSEC.as_bytes().to_vec()], DEFAULT_API_BASE);
        let body = completed_session("paid", None);
        let refused = |header: &str, body: &[u8]| match stripe.verify_webhook(Some(header), body, NOW) {
            Err(WebhookError::Signature(error)) => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(&stripe_signature("whsec_someone_else", NOW, &body), &body), SignatureError::Mismatch);
        assert_eq!(refused(&stripe_signature(WHSEC, NOW - 301, &body), &body), SignatureError::Stale);
        assert_eq!(refused(&stripe_signature(WHSEC, NOW + 301, &body), &body), SignatureError::Stale);
        let mut changed = body.clone();
        changed.push(b' ');
        assert_eq!(refused(&stripe_signature(WHSEC, NOW, &body), &changed), SignatureError::Mismatch);
        assert!(matches!(
            stripe.verify_webhook(None, &body, NOW),
            Err(WebhookError::Signature(SignatureError::Missing))
        ));
        // Stripe's test-mode v0 signature alongside is ignored; the v1 still counts.
        let header = format!(
            "{},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39",
            stripe_signature(WHSEC, NOW, &body)
        );
        assert!(stripe.verify_webhook(Some(&header), &body, NOW).is_ok());
    }

    #[test]
    fn during_a_rotation_either_endpoint_secret_verifies() {
        let stripe = Stripe::new(KEY, vec![b"whsec_new".to_vec(), b"whsec_old".to_vec()], DEFAULT_API_BASE);
        let body = completed_session("paid", None);
        for secret in ["whsec_new", "whsec_old"] {
            assert!(stripe.verify_webhook(Some(&stripe_signature(secret, NOW, &body)), &body, NOW).is_ok(), "{secret}");
        }
    }

    fn event(kind: &str, object: Value) -> ProviderEvent {
        let body = json!({"id": "evt_1", "object": "event", "type": kind, "data": {"object": object}}).to_string();
        let stripe = Stripe::new(KEY, vec![WHSEC.as_bytes().to_vec()], DEFAULT_API_BASE);
        stripe.verify_webhook(Some(&stripe_signature(WHSEC, NOW, body.as_bytes())), body.as_bytes(), NOW).unwrap()
    }

    #[test]
    fn session_intent_and_refund_events_map_to_ours() {
        let session =
            json!({"id": "cs_test_1", "object": "checkout.session", "payment_status": "unpaid", "customer": null});
        assert_eq!(
            event(
                "checkout.session.async_payment_succeeded",
                json!({"id": "cs_test_1", "payment_status": "paid", "customer": "cus_1"})
            )
            .kind,
            EventKind::PaymentSucceeded {
                provider_payment_id: "cs_test_1".into(),
                card_brand: None,
                card_last4: None,
                card_reference: Some("cus_1".into()),
            }
        );
        for kind in ["checkout.session.async_payment_failed", "checkout.session.expired"] {
            assert!(
                matches!(event(kind, session.clone()).kind, EventKind::PaymentFailed { provider_payment_id, .. } if provider_payment_id == "cs_test_1"),
                "{kind}"
            );
        }
        // An off-session charge's PaymentIntent: its kept card is still named by the customer.
        let intent = json!({"id": "pi_3Renewal", "object": "payment_intent", "status": "succeeded", "customer": "cus_Kept123",
                            "payment_method": "pm_1Kept", "latest_charge": "ch_1"});
        assert_eq!(
            event("payment_intent.succeeded", intent).kind,
            EventKind::PaymentSucceeded {
                provider_payment_id: "pi_3Renewal".into(),
                card_brand: None,
                card_last4: None,
                card_reference: Some("cus_Kept123".into()),
            }
        );
        let failed = json!({"id": "pi_3Declined", "object": "payment_intent", "status": "requires_payment_method",
                            "last_payment_error": {"type": "card_error", "message": "Your card has insufficient funds."}});
        assert_eq!(
            event("payment_intent.payment_failed", failed).kind,
            EventKind::PaymentFailed {
                provider_payment_id: "pi_3Declined".into(),
                reason: "Your card has insufficient funds.".into()
            }
        );
        let refund_id = Uuid::new_v4();
        let refund = |status: &str| {
            json!({"id": "re_1", "object": "refund", "status": status, "failure_reason": "expired_or_canceled_card",
                   "metadata": {"refund_id": refund_id.to_string()}})
        };
        assert_eq!(
            event("refund.created", refund("succeeded")).kind,
            EventKind::RefundSucceeded { refund_id, provider_refund_id: "re_1".into() }
        );
        assert_eq!(
            event("refund.updated", refund("succeeded")).kind,
            EventKind::RefundSucceeded { refund_id, provider_refund_id: "re_1".into() }
        );
        assert_eq!(event("refund.created", refund("pending")).kind, EventKind::Other("refund.created".into()));
        let failed = EventKind::RefundFailed {
            refund_id,
            provider_refund_id: "re_1".into(),
            reason: "expired_or_canceled_card".into(),
        };
        assert_eq!(event("refund.failed", refund("failed")).kind, failed);
        assert_eq!(event("refund.updated", refund("failed")).kind, failed);
        // Anything else is acknowledged and ignored; requires_action isn't one of Stripe's we act on.
        for kind in ["customer.created", "charge.succeeded", "payment_intent.created", "payment_intent.requires_action"]
        {
            assert_eq!(event(kind, json!({"id": "x_1"})).kind, EventKind::Other(kind.into()));
        }
    }

    #[test]
    fn a_verified_body_without_what_we_need_is_a_shape_error() {
        let stripe = Stripe::new(KEY, vec![WHSEC.as_bytes().to_vec()], DEFAULT_API_BASE);
        for body in [
            r#"not json"#,
            r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid"}}}"#,
            r#"{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"payment_status":"paid"}}}"#,
            r#"{"id":"evt_1","type":"refund.failed","data":{"object":{"id":"re_1","status":"failed"}}}"#,
        ] {
            let header = stripe_signature(WHSEC, NOW, body.as_bytes());
            assert!(
                matches!(stripe.verify_webhook(Some(&header), body.as_bytes(), NOW), Err(WebhookError::Shape(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn from_env_needs_both_keys_or_neither() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
        };
        assert!(from_vars(vars(&[])).unwrap().is_none());
        assert!(from_vars(vars(&[("STRIPE_SECRET_KEY", " "), ("STRIPE_WEBHOOK_SECRET", "")])).unwrap().is_none());
        let only_key = from_vars(vars(&[("STRIPE_SECRET_KEY", "sk_test_1")])).unwrap_err();
        assert!(only_key.contains("STRIPE_WEBHOOK_SECRET"), "{only_key}");
        let only_secret = from_vars(vars(&[("STRIPE_WEBHOOK_SECRET", "whsec_1")])).unwrap_err();
        assert!(only_secret.contains("STRIPE_SECRET_KEY"), "{only_secret}");
        assert!(from_vars(vars(&[("STRIPE_SECRET_KEY", "pk_test_1"), ("STRIPE_WEBHOOK_SECRET", "whsec_1")])).is_err());
        assert!(from_vars(vars(&[("STRIPE_SECRET_KEY", "sk_test_1"), ("STRIPE_WEBHOOK_SECRET", " , ")])).is_err());
        let base =
            [("STRIPE_SECRET_KEY", "sk_test_1"), ("STRIPE_WEBHOOK_SECRET", "whsec_1"), ("STRIPE_API_BASE", "ftp://x")];
        assert!(
            from_vars(move |name: &str| base.iter().find(|(key, _)| *key == name).map(|(_, v)| v.to_string())).is_err()
        );

        let stripe =
            from_vars(vars(&[("STRIPE_SECRET_KEY", "sk_test_1"), ("STRIPE_WEBHOOK_SECRET", "whsec_new, whsec_old")]))
                .unwrap()
                .unwrap();
        assert_eq!(stripe.api_base(), DEFAULT_API_BASE);
        assert_eq!(stripe.name(), "stripe");
        assert_eq!(*stripe.webhook_secrets, vec![b"whsec_new".to_vec(), b"whsec_old".to_vec()]);
        assert!(!format!("{stripe:?}").contains("sk_test_1"));
        let stripe = from_vars(vars(&[
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_1"),
            ("STRIPE_API_BASE", "http://127.0.0.1:12111/"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(stripe.api_base(), "http://127.0.0.1:12111");
    }
}
