//! The sandbox's hosted checkout, `/sandbox/checkout/<id>`: the page a provider shows the
//! cardholder, with the test cards listed, plain HTML forms (no script: a provider's page works
//! without ours), and the bank's confirmation step at `/sandbox/checkout/<id>/authenticate`.

use super::cards::{self, CardErrors, TEST_CARDS};
use super::{Charge, IntentView, Sandbox};
use axum::extract::{Form, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::escape_html as escape;

fn page(status: StatusCode, title: &str, main: String) -> Response {
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title} · Waypoint sandbox payments</title>
<link rel="stylesheet" href="/pkg/waypoint.css"></head>
<body><header class="site-header"><div class="site-header__inner"><p class="brand">Sandbox payments</p>
<p class="muted">A test card processor: no real money moves.</p></div></header>
<main class="page" id="main">{main}</main></body></html>"#,
        title = escape(title)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html).into_response()
}

fn gone() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Checkout not found",
        "<h1>This checkout doesn't exist</h1><p>It may have been cancelled. Go back to the site you came from and start again.</p>".into(),
    )
}

fn unavailable(error: sqlx::Error) -> Response {
    tracing::error!(%error, "sandbox checkout failed");
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Try again",
        "<h1>Payments are briefly unavailable</h1><p>Nothing was charged. Reload this page in a moment.</p>".into(),
    )
}

fn money(intent: &IntentView) -> String {
    super::super::domain::money(intent.amount_minor, &intent.currency)
}

#[derive(Debug, Default, Deserialize)]
pub struct CardForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub expiry: String,
    #[serde(default)]
    pub cvc: String,
    #[serde(default)]
    pub name: String,
}

fn field(id: &str, label: &str, value: &str, error: Option<&String>, attrs: &str) -> String {
    let described = error.map(|_| format!(r#" aria-invalid="true" aria-describedby="{id}-error""#)).unwrap_or_default();
    let message = error.map(|e| format!(r#"<p class="field-error" id="{id}-error">{}</p>"#, escape(e))).unwrap_or_default();
    format!(
        r#"<div class="field"><label for="{id}">{label}</label><input id="{id}" name="{id}" value="{value}" required {attrs}{described}>{message}</div>"#,
        value = escape(value)
    )
}

fn checkout_form(intent: &IntentView, form: &CardForm, errors: &CardErrors, declined: Option<&str>) -> String {
    let alert = match (declined.or(intent.last_error.as_deref()), errors.is_empty()) {
        (Some(message), true) => format!(r#"<div class="error-box" role="alert"><p>{}</p><p>Try another card.</p></div>"#, escape(message)),
        (_, false) => r#"<div class="error-box" role="alert"><p>Please correct the fields marked below.</p></div>"#.to_string(),
        _ => String::new(),
    };
    let rows: String = TEST_CARDS
        .iter()
        .map(|card| {
            let spaced: Vec<&str> = (0..card.number.len()).step_by(4).map(|i| &card.number[i..(i + 4).min(card.number.len())]).collect();
            format!("<tr><td><code>{}</code></td><td>{}</td></tr>", spaced.join(" "), card.what)
        })
        .collect();
    format!(
        r#"<h1>Pay {amount}</h1>
<p class="lead">{description}</p>
{alert}
<form class="form" method="post" action="/sandbox/checkout/{id}" novalidate>
{number}{expiry}{cvc}{name}
<div class="form-actions"><button class="button" type="submit">Pay {amount}</button>
<a class="button button--ghost" href="{back}">Cancel and go back</a></div>
</form>
<section aria-labelledby="test-cards"><h2 id="test-cards">Test cards</h2>
<p>Any future expiry date, any three-digit code and any name.</p>
<div class="table-scroll"><table class="data-table"><caption class="visually-hidden">Test card numbers and what they do</caption>
<thead><tr><th scope="col">Card number</th><th scope="col">What it does</th></tr></thead><tbody>{rows}</tbody></table></div></section>"#,
        amount = escape(&money(intent)),
        description = escape(&intent.description),
        id = escape(&intent.id),
        back = escape(if intent.cancel_url.is_empty() { &intent.return_url } else { &intent.cancel_url }),
        number = field("number", "Card number", &form.number, errors.number.as_ref(), r#"inputmode="numeric" autocomplete="cc-number""#),
        expiry = field("expiry", "Expiry (MM/YY)", &form.expiry, errors.expiry.as_ref(), r#"autocomplete="cc-exp" placeholder="MM/YY""#),
        cvc = field("cvc", "Security code", &form.cvc, errors.cvc.as_ref(), r#"inputmode="numeric" autocomplete="cc-csc""#),
        name = field("name", "Name on card", &form.name, errors.name.as_ref(), r#"autocomplete="cc-name""#),
    )
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response()
}

fn paid(intent: &IntentView) -> Response {
    page(
        StatusCode::OK,
        "Paid",
        format!(
            r#"<h1>Paid</h1><p>{} for {} was paid.</p><p><a class="button" href="{}">Back to Waypoint</a></p>"#,
            escape(&money(intent)),
            escape(&intent.description),
            escape(&intent.return_url)
        ),
    )
}

pub async fn show(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    match sandbox.intent(&id).await {
        Ok(Some(intent)) if intent.status == "succeeded" => paid(&intent),
        Ok(Some(intent)) if intent.status == "requires_action" => see_other(&format!("/sandbox/checkout/{id}/authenticate")),
        Ok(Some(intent)) if intent.status != "canceled" => {
            let body = checkout_form(&intent, &CardForm::default(), &CardErrors::default(), None);
            page(StatusCode::OK, &format!("Pay {}", money(&intent)), body)
        }
        Ok(_) => gone(),
        Err(error) => unavailable(error),
    }
}

pub async fn pay(State(sandbox): State<Sandbox>, Path(id): Path<String>, Form(form): Form<CardForm>) -> Response {
    let intent = match sandbox.intent(&id).await {
        Ok(Some(intent)) => intent,
        Ok(None) => return gone(),
        Err(error) => return unavailable(error),
    };
    let card = match cards::parse(&form.number, &form.expiry, &form.cvc, &form.name, chrono::Utc::now().date_naive()) {
        Ok(card) => card,
        Err(errors) => {
            let body = checkout_form(&intent, &form, &errors, None);
            return page(StatusCode::UNPROCESSABLE_ENTITY, "Check your card details", body);
        }
    };
    match sandbox.charge(&id, &card).await {
        Ok(Charge::Succeeded { return_url }) => see_other(&return_url),
        Ok(Charge::NeedsAuthentication) => see_other(&format!("/sandbox/checkout/{id}/authenticate")),
        Ok(Charge::Declined { message }) => {
            let body = checkout_form(&intent, &CardForm::default(), &CardErrors::default(), Some(&message));
            page(StatusCode::PAYMENT_REQUIRED, "Card declined", body)
        }
        Ok(Charge::Gone) => gone(),
        Err(error) => unavailable(error),
    }
}

pub async fn show_authentication(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    match sandbox.intent(&id).await {
        Ok(Some(intent)) if intent.status == "requires_action" => page(
            StatusCode::OK,
            "Confirm with your bank",
            format!(
                r#"<h1>Confirm this payment</h1>
<p>Your bank asks you to confirm a payment of <strong>{amount}</strong> to Waypoint.</p>
<p class="muted">In the sandbox you choose what the bank says.</p>
<form class="inline-form" method="post" action="/sandbox/checkout/{id}/authenticate">
<button class="button" type="submit" name="decision" value="approve">Confirm payment</button>
<button class="button button--secondary" type="submit" name="decision" value="reject">Fail authentication</button>
</form>"#,
                amount = escape(&money(&intent)),
                id = escape(&intent.id)
            ),
        ),
        Ok(Some(_)) => see_other(&format!("/sandbox/checkout/{id}")),
        Ok(None) => gone(),
        Err(error) => unavailable(error),
    }
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    #[serde(default)]
    pub decision: String,
}

pub async fn authenticate(State(sandbox): State<Sandbox>, Path(id): Path<String>, Form(decision): Form<Decision>) -> Response {
    match sandbox.authenticate(&id, decision.decision == "approve").await {
        Ok(Charge::Succeeded { return_url }) => see_other(&return_url),
        Ok(Charge::Declined { .. }) | Ok(Charge::NeedsAuthentication) => see_other(&format!("/sandbox/checkout/{id}")),
        Ok(Charge::Gone) => gone(),
        Err(error) => unavailable(error),
    }
}

/// The sandbox's routes, to merge into the site's router.
pub fn routes(sandbox: Sandbox) -> axum::Router {
    use axum::routing::get;
    axum::Router::new()
        .route("/sandbox/checkout/{id}", get(show).post(pay))
        .route("/sandbox/checkout/{id}/authenticate", get(show_authentication).post(authenticate))
        .with_state(sandbox)
}
