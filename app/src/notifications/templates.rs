//! Each email as its recipient gets it: subject, plain text, HTML (escaped text in a small,
//! inline-styled layout that mail clients render), the booking's `.ics` for booking emails, and
//! the one-click unsubscribe address for every category a person may turn off. Rendered from
//! the outbox row when the message is sent (and when an administrator reads it), so the text
//! is written in one place. Server-only.

use crate::db::Tx;
use crate::domain::escape_html;
use crate::error::AppError;
use crate::notifications::domain::{link_for, Category, EmailStatus};
use crate::notifications::links::{self, Purpose};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long an emailed verification link works.
pub const VERIFY_LINK_DAYS: i64 = 7;

/// An outbox row, as the worker and the outbox page read it.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub notification_id: Option<Uuid>,
    pub category: Category,
    pub template: String,
    pub to_address: String,
    pub data: serde_json::Value,
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxRow {
    /// The row, if the transaction's role may read it.
    pub async fn load(tx: &mut Tx, id: Uuid) -> Result<Option<OutboxRow>, sqlx::Error> {
        sqlx::query_as!(
            OutboxRow,
            r#"select id, user_id, notification_id, category as "category: Category", template, to_address::text as "to_address!",
                      data, status as "status: EmailStatus", attempts, last_error,
                      created_at as "created_at: DateTime<Utc>", sent_at as "sent_at: DateTime<Utc>"
                 from email_outbox where id = $1"#,
            id
        )
        .fetch_optional(&mut **tx)
        .await
    }
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// (file name, iCalendar text): the booking's invitation or cancellation.
    pub attachment: Option<(String, String)>,
    /// The one-click unsubscribe address (`List-Unsubscribe`); none for account emails.
    pub unsubscribe: Option<String>,
}

/// The subject an outbox list shows without rendering the whole message.
pub fn subject_line(template: &str, notification_title: Option<&str>) -> String {
    match template {
        "verify_email" => "Confirm your email address for Waypoint".to_string(),
        "password_reset" => "Reset your Waypoint password".to_string(),
        _ => notification_title.unwrap_or("A Waypoint notification").to_string(),
    }
}

/// The verification link for an address (`/verify-email/<token>`), valid [`VERIFY_LINK_DAYS`].
pub fn verification_link(site_url: &str, user: Uuid, address: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    let payload = serde_json::json!({ "u": user, "e": address, "x": (now + Duration::days(VERIFY_LINK_DAYS)).timestamp() });
    Ok(format!("{site_url}/verify-email/{}", links::key()?.sign(Purpose::VerifyEmail, &payload.to_string())))
}

/// The unsubscribe address of one message.
pub fn unsubscribe_link(site_url: &str, message: Uuid) -> Result<String, AppError> {
    Ok(format!("{site_url}/email/unsubscribe/{}", links::key()?.sign(Purpose::Unsubscribe, &message.to_string())))
}

/// The parts every template fills in.
struct Parts {
    subject: String,
    greeting: String,
    /// Paragraphs of plain text.
    paragraphs: Vec<String>,
    /// (label, address) of the main button.
    action: Option<(String, String)>,
    /// Why the recipient gets this, and how to stop it.
    footer: Vec<String>,
}

/// Renders `row` (the worker at sending time, the outbox page for an administrator).
pub async fn render(tx: &mut Tx, row: &OutboxRow, site_url: &str) -> Result<Email, AppError> {
    let first_name = sqlx::query_scalar!("select first_name from users where id = $1", row.user_id)
        .fetch_optional(&mut **tx)
        .await?
        .unwrap_or_default();
    let greeting = if first_name.trim().is_empty() { "Hello,".to_string() } else { format!("Hi {},", first_name.trim()) };
    let mut attachment = None;
    let mut unsubscribe = None;
    let parts = match row.template.as_str() {
        "verify_email" => Parts {
            subject: subject_line("verify_email", None),
            greeting,
            paragraphs: vec![
                "Welcome to Waypoint. Please confirm that this is your email address, so we can reach you about your sessions and help you back into your account if you forget your password.".into(),
                format!("The link works for {VERIFY_LINK_DAYS} days. If you didn't sign up for Waypoint, ignore this email."),
            ],
            action: Some(("Confirm my email address".into(), verification_link(site_url, row.user_id, &row.to_address, row.created_at)?)),
            footer: vec!["You get this email because someone signed up to Waypoint with this address.".into()],
        },
        "password_reset" => {
            let link = row.data.get("link").and_then(|link| link.as_str());
            Parts {
                subject: subject_line("password_reset", None),
                greeting,
                paragraphs: vec![
                    "Someone asked to reset the password of your Waypoint account. If it was you, choose a new password with the link below: it works once, for 30 minutes, and signs you out everywhere else.".into(),
                    match link {
                        Some(_) => "If it wasn't you, ignore this email: your password stays as it is.".into(),
                        None => "(This message's link was removed from the outbox once the message had been sent.)".into(),
                    },
                ],
                action: link.map(|link| ("Choose a new password".to_string(), link.to_string())),
                footer: vec!["You get this email because a password reset was asked for on Waypoint with this address.".into()],
            }
        }
        _ => {
            let notification = sqlx::query!(
                r#"select title, body, payload, category as "category: Category" from notifications where id = $1"#,
                row.notification_id
            )
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| AppError::NotFound("the notification this email was about".into()))?;
            let link = link_for(notification.category, &notification.payload).map(|path| format!("{site_url}{path}"));
            if matches!(notification.category, Category::Booking | Category::Reminder) {
                if let Some(booking) = notification.payload.get("booking_id").and_then(|id| id.as_str()).and_then(|id| id.parse::<Uuid>().ok()) {
                    // A hold (not yet a session) has no calendar file: the email goes without it.
                    attachment = crate::booking::api::ssr::bookings::calendar_file(tx, booking).await.ok();
                }
            }
            let stop = unsubscribe_link(site_url, row.id)?;
            unsubscribe = Some(stop.clone());
            let mut paragraphs = vec![notification.title.clone()];
            if !notification.body.trim().is_empty() {
                paragraphs.push(notification.body.clone());
            }
            if attachment.is_some() {
                paragraphs.push("The session is attached as a calendar file: open it to add or update it in your calendar.".into());
            }
            Parts {
                subject: notification.title,
                greeting,
                paragraphs,
                action: link.map(|link| ("Open in Waypoint".to_string(), link)),
                footer: vec![
                    format!("You get these emails about {}. Stop them with one click: {stop}", notification.category.label().to_lowercase()),
                    format!("Or choose what you get: {site_url}/account/notifications"),
                ],
            }
        }
    };
    Ok(Email { text: text_of(&parts), html: html_of(&parts), subject: parts.subject, attachment, unsubscribe })
}

fn text_of(parts: &Parts) -> String {
    let mut text = format!("{}\n\n", parts.greeting);
    for paragraph in &parts.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some((label, address)) = &parts.action {
        text.push_str(&format!("{label}: {address}\n\n"));
    }
    text.push_str("-- \nWaypoint\n");
    for line in &parts.footer {
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn html_of(parts: &Parts) -> String {
    let paragraphs: String = parts
        .paragraphs
        .iter()
        .map(|paragraph| format!(r#"<p style="margin:0 0 16px;line-height:1.5">{}</p>"#, escape_html(paragraph)))
        .collect();
    let action = parts
        .action
        .as_ref()
        .map(|(label, address)| {
            format!(
                r#"<p style="margin:24px 0"><a href="{href}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">{label}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#444">Or copy this address: {href}</p>"#,
                href = escape_html(address),
                label = escape_html(label)
            )
        })
        .unwrap_or_default();
    let footer: String = parts
        .footer
        .iter()
        .map(|line| format!(r#"<p style="margin:0 0 8px;font-size:13px;color:#444">{}</p>"#, escape_html(line)))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{subject}</title></head>
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1c1917">
<main style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-weight:700;color:#1d4ed8">&#9670; Waypoint</p>
<p style="margin:0 0 16px">{greeting}</p>
{paragraphs}{action}
<hr style="border:none;border-top:1px solid #e7e5e4;margin:24px 0">
{footer}
</main></body></html>"#,
        subject = escape_html(&parts.subject),
        greeting = escape_html(&parts.greeting),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_the_html_part_is_escaped() {
        let parts = Parts {
            subject: "<b>Hi</b>".into(),
            greeting: "Hi <script>,".into(),
            paragraphs: vec!["Tom & Jerry's \"session\"".into()],
            action: Some(("Open".into(), "https://example.org/?a=1&b=\"2\"".into())),
            footer: vec![],
        };
        let html = html_of(&parts);
        assert!(!html.contains("<script>") && !html.contains("<b>Hi</b>"));
        assert!(html.contains("Tom &amp; Jerry&#39;s &quot;session&quot;"));
        assert!(html.contains(r#"href="https://example.org/?a=1&amp;b=&quot;2&quot;""#));
        let text = text_of(&parts);
        assert!(text.contains("Open: https://example.org/?a=1&b=\"2\""));
    }
}
