//! Administration's domain types, shared by browser and server: the users list's filter and
//! rows, the status changes and mentor-application decisions an administrator makes, and the
//! audit log's entries and filter.

use crate::accounts::mentor_application::domain::ApplicationStatus;
use crate::domain::{FieldErrors, Parse, Role, UserStatus, ValidationError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows on one page of the users list.
pub const PAGE_SIZE: i64 = 25;
/// Entries on one page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// A page of a list, 1 to 10,000 (`""` is the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(pub i64);

impl Parse for PageNumber {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        match input.trim() {
            "" => Ok(PageNumber(1)),
            other => other
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=10_000).contains(p))
                .map(PageNumber)
                .ok_or_else(|| ValidationError("That page doesn't exist.".into())),
        }
    }
}

/// A search of the users list, parsed from the page's query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// Name words, each matched as a prefix ("ada love" finds Ada Lovelace).
    pub words: Vec<String>,
    pub role: Option<Role>,
    pub organization: Option<Uuid>,
    pub created_from: Option<chrono::NaiveDate>,
    pub created_to: Option<chrono::NaiveDate>,
    pub page: i64,
}

impl UserFilter {
    /// The filter, or the first thing wrong with it (a search shows one message above the list).
    pub fn parse(
        q: &str,
        role: &str,
        organization: &str,
        from: &str,
        to: &str,
        page: &str,
    ) -> Result<Self, ValidationError> {
        let words: Vec<String> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .map(|w| w.to_lowercase().chars().take(40).collect())
            .collect();
        let role = match role.trim() {
            "" => None,
            other => Some(Role::parse(other)?),
        };
        let organization = match organization.trim() {
            "" => None,
            other => Some(
                Uuid::parse_str(other).map_err(|_| ValidationError("Choose an organization from the list.".into()))?,
            ),
        };
        let date = |value: &str, what: &str| -> Result<Option<chrono::NaiveDate>, ValidationError> {
            match value.trim() {
                "" => Ok(None),
                other => chrono::NaiveDate::parse_from_str(other, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| ValidationError(format!("Enter the {what} date as YYYY-MM-DD."))),
            }
        };
        let created_from = date(from, "\u{201c}created from\u{201d}")?;
        let created_to = date(to, "\u{201c}created to\u{201d}")?;
        if let (Some(from), Some(to)) = (created_from, created_to) {
            if from > to {
                return Err(ValidationError(
                    "The \u{201c}created from\u{201d} date is after the \u{201c}created to\u{201d} date.".into(),
                ));
            }
        }
        let PageNumber(page) = PageNumber::parse(page)?;
        Ok(Self { words, role, organization, created_from, created_to, page })
    }

    /// A prefix query over the `simple` configuration; words are alphanumeric only, so nothing
    /// typed can inject tsquery syntax.
    pub fn tsquery(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| self.words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "))
    }
}

/// An organization the users list can be filtered by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub organization: String,
    /// The day the account was created (UTC).
    pub created: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    pub total: i64,
    pub page: i64,
    /// The viewer's own id and role, so the page offers only what they may do.
    pub viewer_id: Uuid,
    pub viewer_role: Role,
}

/// What an administrator may do to an account's status: suspend it (which also signs it out
/// everywhere) or restore it. Deactivation is the account's deletion, not an administrator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Suspend,
    Restore,
}

impl StatusChange {
    /// The status the account gets.
    pub fn status(self) -> UserStatus {
        match self {
            StatusChange::Suspend => UserStatus::Suspended,
            StatusChange::Restore => UserStatus::Active,
        }
    }

    /// The change an administrator is offered for an account in `status`.
    pub fn offered_for(status: UserStatus) -> Self {
        if status == UserStatus::Suspended {
            StatusChange::Restore
        } else {
            StatusChange::Suspend
        }
    }

    /// The form value: the status the account gets, as the database names it.
    pub fn value(self) -> &'static str {
        match self {
            StatusChange::Suspend => "suspended",
            StatusChange::Restore => "active",
        }
    }
}

impl Parse for StatusChange {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        [StatusChange::Suspend, StatusChange::Restore]
            .into_iter()
            .find(|change| change.value() == input)
            .ok_or_else(|| ValidationError("Choose to suspend or restore the account.".into()))
    }
}

/// An administrator's decision on a mentor application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline,
}

impl Decision {
    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Decline => "decline",
        }
    }

    /// The application's status once decided (`mentor_application_status`).
    pub fn status(self) -> ApplicationStatus {
        match self {
            Decision::Approve => ApplicationStatus::Approved,
            Decision::Decline => ApplicationStatus::Declined,
        }
    }
}

impl Parse for Decision {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        [Decision::Approve, Decision::Decline]
            .into_iter()
            .find(|decision| decision.as_str() == input)
            .ok_or_else(|| ValidationError("Choose to approve or decline the application.".into()))
    }
}

/// The optional note an administrator sends the applicant with a decision (at most 1,000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionNote(pub Option<String>);

impl Parse for DecisionNote {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let note = input.trim();
        if note.chars().count() > 1000 {
            return Err(ValidationError("A decision note has at most 1,000 characters.".into()));
        }
        Ok(DecisionNote((!note.is_empty()).then(|| note.to_string())))
    }
}

/// Which mentor applications the review page lists: the open ones, or (`?show=all`) every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewQueue {
    Open,
    All,
}

impl ReviewQueue {
    /// From the page's `show` parameter; anything but `all` is the open queue.
    pub fn from_query(show: &str) -> Self {
        if show == "all" {
            ReviewQueue::All
        } else {
            ReviewQueue::Open
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForReview {
    pub id: Uuid,
    pub applicant: String,
    pub email: String,
    pub organization: String,
    pub expertise: Vec<String>,
    pub years_experience: i32,
    pub summary: String,
    /// The intended hourly rate with its currency, e.g. "GBP 45.50".
    pub rate: String,
    pub status: ApplicationStatus,
    /// The day the application was submitted (UTC).
    pub submitted: chrono::NaiveDate,
    pub decision_note: Option<String>,
}

/// What happened to a row on the audit trail (`audit_action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "audit_action", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Insert,
    Update,
    Delete,
}

impl AuditAction {
    /// The verb the audit page shows ("update users").
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Insert => "insert",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
        }
    }
}

/// Tables whose changes the audit page can filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditedTable {
    Users,
    MentorApplications,
    Bookings,
    Payments,
    Subscriptions,
}

impl AuditedTable {
    pub const ALL: [AuditedTable; 5] =
        [Self::Users, Self::MentorApplications, Self::Bookings, Self::Payments, Self::Subscriptions];

    /// The table's name, as `audit_log.table_name` holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditedTable::Users => "users",
            AuditedTable::MentorApplications => "mentor_applications",
            AuditedTable::Bookings => "bookings",
            AuditedTable::Payments => "payments",
            AuditedTable::Subscriptions => "subscriptions",
        }
    }
}

/// The audit page's filter: one table or all (`""`), and a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditFilter {
    pub table: Option<AuditedTable>,
    pub page: i64,
}

impl AuditFilter {
    /// The filter from the page's query string, each complaint against its field.
    pub fn parse(table: &str, page: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let table = errors.check("table", Self::table(table));
        let page = errors.parse::<PageNumber>("page", page);
        errors.finish_with(|| Some(AuditFilter { table: table?, page: page?.0 }))
    }

    fn table(input: &str) -> Result<Option<AuditedTable>, ValidationError> {
        match input.trim() {
            "" => Ok(None),
            other => AuditedTable::ALL
                .into_iter()
                .find(|table| table.as_str() == other)
                .map(Some)
                .ok_or_else(|| ValidationError("Choose a table from the list.".into())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub when: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub table_name: String,
    pub action: AuditAction,
    pub subject: String,
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_filters_parse_and_build_safe_prefix_queries() {
        let filter = UserFilter::parse("Ada  Love'; drop", "mentor", "", "2026-01-01", "2026-12-31", "2").unwrap();
        assert_eq!(filter.tsquery().as_deref(), Some("ada:* & love:* & drop:*"));
        assert_eq!((filter.role, filter.page), (Some(Role::Mentor), 2));
        assert!(UserFilter::parse("", "wizard", "", "", "", "").is_err());
        assert!(UserFilter::parse("", "", "", "2026-13-01", "", "").unwrap_err().0.contains("YYYY-MM-DD"));
        assert!(UserFilter::parse("", "", "", "2026-05-01", "2026-04-01", "").unwrap_err().0.contains("after"));
        assert!(UserFilter::parse("", "", "", "", "", "0").is_err());
        assert_eq!(UserFilter::parse("", "", "", "", "", "").unwrap().tsquery(), None);
    }

    #[test]
    fn decisions_and_status_changes_parse_from_their_form_values() {
        assert_eq!(Decision::parse("approve"), Ok(Decision::Approve));
        assert_eq!(Decision::parse("decline").map(Decision::status), Ok(ApplicationStatus::Declined));
        assert!(Decision::parse("maybe").is_err());
        assert_eq!(StatusChange::parse("suspended").map(StatusChange::status), Ok(UserStatus::Suspended));
        assert_eq!(StatusChange::offered_for(UserStatus::Suspended), StatusChange::Restore);
        assert!(StatusChange::parse("deactivated").is_err());
        assert_eq!(DecisionNote::parse("  "), Ok(DecisionNote(None)));
        assert!(DecisionNote::parse(&"x".repeat(1001)).is_err());
    }
}
