//! The sandbox's webhook delivery: every recorded event is POSTed, signed at the moment of
//! sending, to our webhook endpoint, until it answers 2xx. Failed deliveries are retried with
//! exponential backoff (2 s, 4 s, … capped at an hour). Each pass claims due events with
//! `for update skip locked` in one transaction and marks them in that transaction, so two workers
//! never deliver the same event at once and a crash before the commit only means a redelivery,
//! which the endpoint's event table absorbs (an event is applied at most once).

use super::Sandbox;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The header our endpoint reads the signature from.
pub const SIGNATURE_HEADER: &str = "waypoint-signature";

const BATCH: i64 = 20;
const TIMEOUT: Duration = Duration::from_secs(10);

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

async fn post(client: &HttpClient, url: &str, signature: &str, body: String) -> Result<(), String> {
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| error.to_string())?;
    let response = tokio::time::timeout(TIMEOUT, client.request(request))
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|error| error.to_string())?;
    let status = response.status();
    // Read the answer to the end so the connection can be reused.
    let _ = response.into_body().collect().await;
    if status.is_success() { Ok(()) } else { Err(format!("answered {status}")) }
}

/// Delivers the due events once; returns how many were acknowledged.
pub async fn deliver_once(sandbox: &Sandbox, client: &HttpClient, url: &str) -> Result<u64, sqlx::Error> {
    let mut tx = sandbox.pool().begin().await?;
    let due = sqlx::query!(
        "select id, body, attempts from sandbox.events
          where delivered_at is null and next_attempt_at <= now()
          order by created_at limit $1 for update skip locked",
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut delivered = 0;
    for event in due {
        let signature = super::super::signature::sign(&sandbox.secrets(), chrono::Utc::now().timestamp(), event.body.as_bytes());
        match post(client, url, &signature, event.body).await {
            Ok(()) => {
                delivered += 1;
                sqlx::query!("update sandbox.events set delivered_at = now(), attempts = attempts + 1, last_error = null where id = $1", event.id)
                    .execute(&mut *tx)
                    .await?;
            }
            Err(error) => {
                tracing::warn!(event = %event.id, %error, "sandbox webhook delivery failed; will retry");
                let backoff = 2_i64.saturating_pow(u32::try_from(event.attempts + 1).unwrap_or(12).min(12)).min(3600);
                sqlx::query!(
                    "update sandbox.events set attempts = attempts + 1, last_error = $2,
                            next_attempt_at = now() + make_interval(secs => $3) where id = $1",
                    event.id,
                    error,
                    backoff as f64
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(delivered)
}

/// Delivers for as long as the server runs: at once when an event is recorded, and every
/// `every` in case a retry is due.
pub async fn run(sandbox: Sandbox, url: String, every: Duration) {
    let client = client();
    let wake = sandbox.wake();
    loop {
        if let Err(error) = deliver_once(&sandbox, &client, &url).await {
            tracing::warn!(%error, "sandbox webhook delivery pass failed");
        }
        let _ = tokio::time::timeout(every, wake.notified()).await;
    }
}
