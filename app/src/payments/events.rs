//! Reading a provider's event body. The sandbox sends events in Stripe's shape
//! (`{"id": "evt_…", "type": "payment_intent.succeeded", "data": {"object": {…}}}`), so one reader
//! serves both: PaymentIntent events carry our payment in the intent's id, refund events carry our
//! refund id in `metadata.refund_id` (set when the worker asked for the refund).

use super::provider::{EventKind, ProviderEvent, WebhookError};
use serde_json::Value;
use uuid::Uuid;

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |value, key| value.get(key)).and_then(Value::as_str)
}

/// Reads an already verified body.
pub fn read(body: &[u8]) -> Result<ProviderEvent, WebhookError> {
    let payload: Value = serde_json::from_slice(body).map_err(|error| WebhookError::Shape(error.to_string()))?;
    let shape = |what: &str| WebhookError::Shape(format!("{what} is missing"));
    let id = text(&payload, &["id"]).ok_or_else(|| shape("id"))?.to_string();
    let kind_name = text(&payload, &["type"]).ok_or_else(|| shape("type"))?.to_string();
    let object = payload.get("data").and_then(|data| data.get("object")).ok_or_else(|| shape("data.object"))?;
    let object_id = || text(object, &["id"]).map(str::to_string).ok_or_else(|| shape("data.object.id"));
    let refund_id = || {
        text(object, &["metadata", "refund_id"])
            .and_then(|id| Uuid::parse_str(id).ok())
            .ok_or_else(|| shape("data.object.metadata.refund_id"))
    };
    let card = |field: &str| {
        text(object, &["payment_method_details", "card", field])
            .or_else(|| text(object, &["latest_charge", "payment_method_details", "card", field]))
            .map(str::to_string)
    };
    let kind = match kind_name.as_str() {
        "payment_intent.succeeded" => EventKind::PaymentSucceeded {
            provider_payment_id: object_id()?,
            card_brand: card("brand"),
            card_last4: card("last4").filter(|last4| last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit())),
            card_reference: text(object, &["payment_method"]).map(str::to_string),
        },
        "payment_intent.payment_failed" => EventKind::PaymentFailed {
            provider_payment_id: object_id()?,
            reason: text(object, &["last_payment_error", "message"]).unwrap_or("The payment was declined.").chars().take(300).collect(),
        },
        "payment_intent.requires_action" => EventKind::PaymentRequiresAction { provider_payment_id: object_id()? },
        "refund.created" | "refund.updated" => match text(object, &["status"]) {
            Some("succeeded") => EventKind::RefundSucceeded { refund_id: refund_id()?, provider_refund_id: object_id()? },
            Some("failed" | "canceled") => EventKind::RefundFailed {
                refund_id: refund_id()?,
                provider_refund_id: object_id()?,
                reason: text(object, &["failure_reason"]).unwrap_or("The refund failed.").chars().take(300).collect(),
            },
            _ => EventKind::Other(kind_name.clone()),
        },
        _ => EventKind::Other(kind_name.clone()),
    };
    Ok(ProviderEvent { id, kind, payload })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_payment_and_refund_events() {
        let body = br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1",
            "payment_method_details":{"card":{"brand":"visa","last4":"4242"}}}}}"#;
        let event = read(body).unwrap();
        assert_eq!(event.id, "evt_1");
        assert_eq!(
            event.kind,
            EventKind::PaymentSucceeded {
                provider_payment_id: "pi_1".into(),
                card_brand: Some("visa".into()),
                card_last4: Some("4242".into()),
                card_reference: None,
            }
        );
        let refund = Uuid::new_v4();
        let body = format!(r#"{{"id":"evt_2","type":"refund.created","data":{{"object":{{"id":"re_1","status":"succeeded","metadata":{{"refund_id":"{refund}"}}}}}}}}"#);
        assert_eq!(read(body.as_bytes()).unwrap().kind, EventKind::RefundSucceeded { refund_id: refund, provider_refund_id: "re_1".into() });
        let body = br#"{"id":"evt_3","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#;
        assert_eq!(read(body).unwrap().kind, EventKind::Other("customer.created".into()));
    }

    #[test]
    fn refuses_bodies_without_the_fields_it_needs() {
        assert!(read(b"not json").is_err());
        assert!(read(br#"{"type":"payment_intent.succeeded","data":{"object":{"id":"pi"}}}"#).is_err());
        assert!(read(br#"{"id":"evt","type":"payment_intent.succeeded","data":{"object":{}}}"#).is_err());
        assert!(read(br#"{"id":"evt","type":"refund.created","data":{"object":{"id":"re","status":"succeeded"}}}"#).is_err());
    }
}
