//! The outbox worker: sends each pending email once, through SMTP when `SMTP_URL` is set, or
//! keeps it (the `make run` default) for administrators to read on the outbox page.
//!
//! Exactly once, across crashes and several workers: each message is claimed in its own
//! transaction with `for update skip locked` (a second worker skips it), sent while that row
//! lock is held, and marked sent in the same transaction. A worker killed before the SMTP
//! server accepted the message leaves the row pending and unmarked (the lock goes with the
//! connection), so the message is sent later by whichever worker claims it; one killed after
//! the acceptance but before the commit is the single window no SMTP client can close, and the
//! message carries a stable `Message-ID` (the outbox row's id) so a receiving system can drop
//! the repeat. A temporary failure (4xx, a dropped connection) is retried with backoff; a
//! permanent one (5xx) or the last retry marks the message failed. The recipient's preference
//! is read again at sending time: email turned off since → suppressed. Server-only.

use crate::db::Tx;
use crate::notifications::domain::Category;
use crate::notifications::templates::{self, Email, OutboxRow};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use std::sync::OnceLock;
use std::time::Duration;
use uuid::Uuid;

/// Tries before a temporarily failing message is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// Messages one pass sends at most.
const BATCH: usize = 100;

/// The wait before try `attempt + 1` after `attempt` temporary failures: 30 s, 1, 2, 4 … minutes,
/// at most 2 hours.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 9) - 1).unwrap_or(0);
    Duration::from_secs((30u64 << exponent).min(2 * 3600))
}

/// What the pages need to know about the mail set-up.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The From address ("Waypoint <no-reply@example.org>").
    pub from: String,
    /// The site's public origin, for the links in messages.
    pub site_url: String,
    /// No SMTP server: mail is kept for the outbox page.
    pub keeping: bool,
}

static SETTINGS: OnceLock<MailSettings> = OnceLock::new();

/// Records the process's mail set-up (the first call wins).
pub fn install(settings: MailSettings) {
    let _ = SETTINGS.set(settings);
}

/// The process's mail set-up; before [`install`], a local default (mail kept).
pub fn settings() -> MailSettings {
    SETTINGS.get().cloned().unwrap_or_else(|| MailSettings {
        from: "Waypoint <no-reply@localhost>".into(),
        site_url: "http://localhost:3000".into(),
        keeping: true,
    })
}

/// Where messages go.
#[derive(Clone)]
pub enum Delivery {
    /// An SMTP server (lettre, rustls).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Nowhere: kept in the outbox.
    Keep,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Delivery::Smtp(_) => "Delivery::Smtp",
            Delivery::Keep => "Delivery::Keep",
        })
    }
}

impl Delivery {
    /// From `SMTP_URL` (`smtp://host:port` in the clear, `smtp://…?tls=required` with STARTTLS,
    /// `smtps://user:password@host:465`); `None` keeps mail.
    pub fn from_url(url: Option<&str>) -> Result<Delivery, String> {
        match url {
            None => Ok(Delivery::Keep),
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Delivery::Smtp(builder.timeout(Some(Duration::from_secs(30))).build()))
                .map_err(|error| format!("SMTP_URL is not a usable SMTP address: {error}")),
        }
    }
}

/// The worker's set-up.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub delivery: Delivery,
    pub from: Mailbox,
    pub site_url: String,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: u64,
    pub kept: u64,
    pub suppressed: u64,
    pub retrying: u64,
    pub failed: u64,
}

/// How one message went.
enum Outcome {
    Delivered,
    Suppressed,
    /// A temporary failure, with its reason.
    Retry(String),
    /// A permanent failure, with its reason.
    Failed(String),
}

/// Sends (or keeps) the messages that are due, each once; stops when none is left or after
/// [`BATCH`].
pub async fn run_once(pool: &PgPool, mailer: &Mailer) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    for _ in 0..BATCH {
        let mut tx = pool.begin().await?;
        let Some(id) = sqlx::query_scalar!(
            "select id from email_outbox where status = 'pending' and next_attempt_at <= now()
              order by next_attempt_at, created_at, id limit 1 for update skip locked"
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            break;
        };
        let Some(row) = OutboxRow::load(&mut tx, id).await? else { break };
        let outcome = deliver(&mut tx, mailer, &row).await?;
        record(&mut tx, &row, &outcome, matches!(mailer.delivery, Delivery::Keep)).await?;
        tx.commit().await?;
        match outcome {
            Outcome::Delivered if matches!(mailer.delivery, Delivery::Keep) => pass.kept += 1,
            Outcome::Delivered => pass.sent += 1,
            Outcome::Suppressed => pass.suppressed += 1,
            Outcome::Retry(_) if row.attempts + 1 < MAX_ATTEMPTS => pass.retrying += 1,
            Outcome::Retry(_) | Outcome::Failed(_) => pass.failed += 1,
        }
    }
    Ok(pass)
}

/// Whether the recipient still wants this category by email.
async fn still_wanted(tx: &mut Tx, row: &OutboxRow) -> Result<bool, sqlx::Error> {
    if row.category == Category::Account {
        return Ok(true);
    }
    let email = sqlx::query_scalar!(
        "select email from notification_preferences where user_id = $1 and category = $2",
        row.user_id,
        row.category as Category
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(email != Some(false))
}

async fn deliver(tx: &mut Tx, mailer: &Mailer, row: &OutboxRow) -> Result<Outcome, sqlx::Error> {
    if !still_wanted(tx, row).await? {
        return Ok(Outcome::Suppressed);
    }
    let email = match templates::render(tx, row, &mailer.site_url).await {
        Ok(email) => email,
        Err(crate::error::AppError::NotFound(what)) => return Ok(Outcome::Failed(format!("nothing to send: {what} is gone"))),
        Err(error) => return Ok(Outcome::Retry(format!("rendering failed: {error}"))),
    };
    let Delivery::Smtp(transport) = &mailer.delivery else { return Ok(Outcome::Delivered) };
    let message = match message(mailer, row, email) {
        Ok(message) => message,
        Err(reason) => return Ok(Outcome::Failed(reason)),
    };
    Ok(match transport.send(message).await {
        Ok(_) => Outcome::Delivered,
        Err(error) if error.is_permanent() => Outcome::Failed(format!("the mail server refused it: {error}")),
        Err(error) => Outcome::Retry(format!("the mail server could not take it now: {error}")),
    })
}

/// The MIME message: plain text and HTML alternatives, the calendar file attached, the
/// unsubscribe headers (RFC 2369 and RFC 8058 one-click), and the outbox id as Message-ID.
pub fn message(mailer: &Mailer, row: &OutboxRow, email: Email) -> Result<Message, String> {
    let to: Mailbox = row.to_address.parse().map_err(|error| format!("the address {} is not usable: {error}", row.to_address))?;
    let mut builder = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(email.subject)
        .message_id(Some(message_id(row.id)));
    if let Some(unsubscribe) = &email.unsubscribe {
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{unsubscribe}>")))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".into()));
    }
    let alternatives = MultiPart::alternative()
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(email.text))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(email.html));
    let body = match email.attachment {
        None => alternatives,
        Some((name, ics)) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=REQUEST").map_err(|error| error.to_string())?;
            MultiPart::mixed().multipart(alternatives).singlepart(Attachment::new(name).body(ics, calendar))
        }
    };
    builder.multipart(body).map_err(|error| format!("the message could not be built: {error}"))
}

/// A From or To address ("Waypoint <no-reply@example.org>" or a bare address).
pub fn mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim().parse::<Mailbox>().map_err(|error| error.to_string())
}

/// The stable Message-ID of an outbox row.
pub fn message_id(id: Uuid) -> String {
    format!("<{id}@waypoint.outbox>")
}

async fn record(tx: &mut Tx, row: &OutboxRow, outcome: &Outcome, keeping: bool) -> Result<(), sqlx::Error> {
    match outcome {
        Outcome::Delivered => {
            // A sent reset link leaves the outbox; a kept one stays, as this is its mailbox.
            sqlx::query!(
                "update email_outbox set status = case when $2 then 'kept'::email_status else 'sent' end, sent_at = now(),
                        attempts = attempts + 1, last_error = null,
                        data = case when $2 then data else data - 'link' end
                  where id = $1",
                row.id,
                keeping
            )
            .execute(&mut **tx)
            .await?;
        }
        Outcome::Suppressed => {
            sqlx::query!("update email_outbox set status = 'suppressed', data = data - 'link' where id = $1", row.id)
                .execute(&mut **tx)
                .await?;
        }
        Outcome::Retry(reason) | Outcome::Failed(reason) => {
            let attempts = row.attempts + 1;
            let give_up = matches!(outcome, Outcome::Failed(_)) || attempts >= MAX_ATTEMPTS;
            let wait = backoff(attempts).as_secs_f64();
            tracing::warn!(message = %row.id, attempts, give_up, %reason, "email not sent");
            sqlx::query!(
                "update email_outbox set attempts = $2, last_error = left($3, 2000),
                        status = case when $4 then 'failed'::email_status else 'pending' end,
                        next_attempt_at = now() + make_interval(secs => $5),
                        data = case when $4 then data - 'link' else data end
                  where id = $1",
                row.id,
                attempts,
                reason,
                give_up,
                wait
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Runs passes every `every` until the process ends; a failed pass is logged and retried.
pub async fn run(pool: PgPool, mailer: Mailer, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match run_once(&pool, &mailer).await {
            Ok(pass) if pass != Pass::default() => tracing::info!(?pass, "mail worker"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail worker pass failed; retrying next tick"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_two_hours() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(20), Duration::from_secs(2 * 3600));
        assert!((1..MAX_ATTEMPTS).all(|attempt| backoff(attempt) < backoff(attempt + 1) || backoff(attempt) == Duration::from_secs(7200)));
    }
}
