//! What notifications are about (their [`Category`]), what the notification centre, the
//! preferences page and the administrators' outbox show, and where a notification leads
//! ([`link_for`]). Shared by the server and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a notification is about; a person turns each one on or off per channel. Mirrors the
/// database's `notification_category` (its `notification_category_of` derives it from a
/// notification's kind and payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "notification_category", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Booking,
    Reminder,
    Payment,
    Subscription,
    Mentoring,
    Roadmap,
    /// Address verification and password reset: always sent, never turned off.
    Account,
}

impl Category {
    /// The categories a person may turn on or off, in the order the preferences page lists them.
    pub const CHOOSABLE: [Category; 6] =
        [Category::Booking, Category::Reminder, Category::Payment, Category::Subscription, Category::Mentoring, Category::Roadmap];

    pub fn key(self) -> &'static str {
        match self {
            Category::Booking => "booking",
            Category::Reminder => "reminder",
            Category::Payment => "payment",
            Category::Subscription => "subscription",
            Category::Mentoring => "mentoring",
            Category::Roadmap => "roadmap",
            Category::Account => "account",
        }
    }

    pub fn parse(key: &str) -> Option<Category> {
        [Category::Account].into_iter().chain(Category::CHOOSABLE).find(|category| category.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Booking => "Sessions",
            Category::Reminder => "Session reminders",
            Category::Payment => "Payments and refunds",
            Category::Subscription => "Your plan",
            Category::Mentoring => "Mentoring applications",
            Category::Roadmap => "Roadmap comments and suggestions",
            Category::Account => "Your account",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Category::Booking => "Requests, confirmations, declines, cancellations and new times for your sessions.",
            Category::Reminder => "A day and an hour before a confirmed session.",
            Category::Payment => "Payments that went through or failed, and refunds.",
            Category::Subscription => "Renewals coming up, failed renewals, plan changes and a plan ending.",
            Category::Mentoring => "The decision on your application to mentor.",
            Category::Roadmap => "A mentor's comments and suggested steps on your roadmaps.",
            Category::Account => "Confirming your email address and resetting your password.",
        }
    }
}

/// Where a notification leads, from what it is about (its payload's ids): the booking, the
/// receipt, billing, the mentoring application, the roadmap. `None`: nowhere in particular.
pub fn link_for(category: Category, payload: &serde_json::Value) -> Option<String> {
    let id = |key: &str| payload.get(key).and_then(|value| value.as_str()).and_then(|value| value.parse::<Uuid>().ok());
    match category {
        Category::Booking | Category::Reminder => id("booking_id").map(|booking| format!("/booking/{booking}")),
        Category::Payment => match (id("booking_id"), id("payment_id")) {
            (Some(booking), _) => Some(format!("/booking/{booking}")),
            (None, Some(payment)) => Some(format!("/account/billing/receipts/{payment}")),
            (None, None) => Some("/account/billing".to_string()),
        },
        Category::Subscription => Some("/account/billing".to_string()),
        Category::Mentoring => Some("/account/mentor".to_string()),
        Category::Roadmap => Some(match id("roadmap_id") {
            Some(roadmap) => format!("/roadmap/{roadmap}"),
            None => "/roadmap".to_string(),
        }),
        Category::Account => None,
    }
}

/// One notification in the centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: Uuid,
    pub category: Category,
    pub title: String,
    pub body: String,
    pub unread: bool,
    pub created_at: DateTime<Utc>,
    /// Where "Open" leads (see [`link_for`]).
    pub link: Option<String>,
}

/// How many notifications the centre shows per page.
pub const PAGE_SIZE: i64 = 20;

/// A page of the caller's notifications, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<NotificationItem>,
    /// 1-based.
    pub page: u32,
    pub has_more: bool,
    /// All the caller's unread notifications, not only this page's.
    pub unread: i64,
}

/// One category's channels for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    pub category: Category,
    pub in_app: bool,
    pub email: bool,
}

/// The preferences form's checkbox name for a category and channel: "booking-email".
pub fn preference_field(category: Category, email: bool) -> String {
    format!("{}-{}", category.key(), if email { "email" } else { "in_app" })
}

/// The checked boxes of the preferences form (their names, see [`preference_field`]) as every
/// choosable category's channels: a box not sent is off. An unknown name is refused.
pub fn parse_preferences(checked: &[String]) -> Result<Vec<Preference>, String> {
    for name in checked {
        let known = Category::CHOOSABLE
            .iter()
            .any(|category| *name == preference_field(*category, true) || *name == preference_field(*category, false));
        if !known {
            return Err(format!("\"{name}\" is not a notification setting."));
        }
    }
    Ok(Category::CHOOSABLE
        .iter()
        .map(|category| Preference {
            category: *category,
            in_app: checked.contains(&preference_field(*category, false)),
            email: checked.contains(&preference_field(*category, true)),
        })
        .collect())
}

/// What an email in the outbox has come to. Mirrors the database's `email_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "email_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Waiting for the worker (or for its next try after a temporary failure).
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// No SMTP server is configured: kept here, readable on the outbox page.
    Kept,
    /// Not sent: its recipient turned this category's email off after it was written.
    Suppressed,
    /// Refused by the SMTP server, or still failing after every retry.
    Failed,
}

impl EmailStatus {
    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Pending => "Waiting",
            EmailStatus::Sent => "Sent",
            EmailStatus::Kept => "Kept (no mail server)",
            EmailStatus::Suppressed => "Not sent (turned off)",
            EmailStatus::Failed => "Failed",
        }
    }
}

/// One message in the administrators' outbox list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxLine {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub category: Category,
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A page of the outbox, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub lines: Vec<OutboxLine>,
    pub page: u32,
    pub has_more: bool,
    /// True when no SMTP server is configured (`SMTP_URL` unset): mail is kept here instead.
    pub keeping: bool,
}

/// One message as its recipient would see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailPreview {
    pub id: Uuid,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    /// The HTML part, shown in a sandboxed frame (`srcdoc`), never inline.
    pub html: String,
    /// The attachment's file name (a booking's invitation), if any.
    pub attachment: Option<String>,
    /// The one-click unsubscribe address (`List-Unsubscribe`), if the category has one.
    pub unsubscribe: Option<String>,
    pub status: EmailStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// What following an unsubscribe link did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unsubscribed {
    /// This use turned the category's email off.
    Now(Category),
    /// The link was used before; the category's email is (or was then turned) off.
    Already(Category),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_through_its_key() {
        for category in Category::CHOOSABLE.into_iter().chain([Category::Account]) {
            assert_eq!(Category::parse(category.key()), Some(category));
        }
        assert_eq!(Category::parse("spam"), None);
    }

    #[test]
    fn unchecked_boxes_are_off_and_unknown_names_are_refused() {
        let prefs = parse_preferences(&["booking-email".into(), "reminder-in_app".into()]).unwrap();
        let booking = prefs.iter().find(|p| p.category == Category::Booking).unwrap();
        assert!(booking.email && !booking.in_app);
        let reminder = prefs.iter().find(|p| p.category == Category::Reminder).unwrap();
        assert!(!reminder.email && reminder.in_app);
        assert_eq!(prefs.len(), Category::CHOOSABLE.len());
        assert!(parse_preferences(&["account-email".into()]).is_err());
        assert!(parse_preferences(&["booking-sms".into()]).is_err());
    }

    #[test]
    fn a_notification_leads_to_what_it_is_about() {
        let booking = Uuid::new_v4();
        let payload = serde_json::json!({ "booking_id": booking.to_string() });
        assert_eq!(link_for(Category::Booking, &payload), Some(format!("/booking/{booking}")));
        assert_eq!(link_for(Category::Payment, &payload), Some(format!("/booking/{booking}")));
        let payment = Uuid::new_v4();
        let receipt = serde_json::json!({ "payment_id": payment.to_string() });
        assert_eq!(link_for(Category::Payment, &receipt), Some(format!("/account/billing/receipts/{payment}")));
        assert_eq!(link_for(Category::Booking, &serde_json::json!({ "booking_id": "not-an-id" })), None);
        assert_eq!(link_for(Category::Account, &payload), None);
    }
}
