//! Booking's domain: a booking's status machine (the same one the database's trigger enforces),
//! who may do what to a booking, the policies (late cancellation, hold length), and what the
//! pages show. The forms' inputs are in [`super::listing`].

use crate::domain::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a picked slot stays the student's while they confirm it.
pub const HOLD_MINUTES: i64 = 10;
/// How many free times a mentor's page and a "just taken" answer list.
pub const NEXT_SLOTS: usize = 12;

/// Where a booking is. `Hold`, `Pending` and `Confirmed` are live: they keep their time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "booking_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Hold,
    Pending,
    Confirmed,
    Completed,
    Cancelled,
    Declined,
    Expired,
    NoShow,
}

impl BookingStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Hold => "Held for you",
            Self::Pending => "Waiting for the mentor",
            Self::Confirmed => "Confirmed",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
            Self::Declined => "Declined",
            Self::Expired => "Expired",
            Self::NoShow => "Missed",
        }
    }

    pub fn is_live(self) -> bool {
        matches!(self, Self::Hold | Self::Pending | Self::Confirmed)
    }

    /// The status machine, as the `bookings_status_machine` trigger has it.
    pub fn may_become(self, next: BookingStatus) -> bool {
        use BookingStatus::*;
        matches!(
            (self, next),
            (Hold, Pending | Confirmed | Cancelled | Expired)
                | (Pending, Confirmed | Declined | Cancelled | Expired)
                | (Confirmed, Completed | Cancelled | NoShow)
        )
    }
}

/// Who is looking at or acting on a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    Student,
    Mentor,
    /// The organization's (or the platform's) administrator.
    Administrator,
}

/// What someone can do to a booking from its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingAction {
    /// The student confirms their hold (it becomes pending or confirmed).
    Confirm,
    /// The student lets their hold go.
    Release,
    Accept,
    Decline,
    Cancel,
    Reschedule,
    Complete,
    NoShow,
}

impl BookingAction {
    /// Which status the action leads to; `requires_approval` is the mentor's listing setting.
    pub fn target(self, requires_approval: bool) -> Option<BookingStatus> {
        Some(match self {
            Self::Confirm if requires_approval => BookingStatus::Pending,
            Self::Confirm => BookingStatus::Confirmed,
            Self::Release | Self::Cancel => BookingStatus::Cancelled,
            Self::Accept => BookingStatus::Confirmed,
            Self::Decline => BookingStatus::Declined,
            Self::Complete => BookingStatus::Completed,
            Self::NoShow => BookingStatus::NoShow,
            Self::Reschedule => return None,
        })
    }

    /// Whether `party` may take this action on a booking in `status` at `now` (a session is
    /// completed or missed only once it has started). Mirrors `bookings_guard_party_update`.
    pub fn allowed(self, party: Party, status: BookingStatus, starts: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        use BookingStatus::*;
        let started = starts <= now;
        match (self, party) {
            (Self::Confirm | Self::Release, Party::Student) => status == Hold,
            (Self::Cancel, Party::Student) => matches!(status, Pending | Confirmed),
            (Self::Cancel, Party::Mentor | Party::Administrator) => status == Confirmed || (party == Party::Administrator && status == Pending),
            (Self::Accept | Self::Decline, Party::Mentor | Party::Administrator) => status == Pending,
            (Self::Reschedule, _) => matches!(status, Pending | Confirmed) && !started,
            (Self::Complete | Self::NoShow, Party::Mentor | Party::Administrator) => status == Confirmed && started,
            _ => false,
        }
    }

    /// Why an action was refused, in words for the page.
    pub fn refusal(self, status: BookingStatus) -> String {
        let what = match self {
            Self::Confirm => "confirmed",
            Self::Release => "released",
            Self::Accept => "accepted",
            Self::Decline => "declined",
            Self::Cancel => "cancelled",
            Self::Reschedule => "moved",
            Self::Complete => "marked completed",
            Self::NoShow => "marked missed",
        };
        format!("This booking is {} now, so it can't be {what}.", status.label().to_lowercase())
    }
}

/// Whether cancelling at `now` a session starting at `starts` is late under a mentor's window.
pub fn cancellation_is_late(starts: DateTime<Utc>, now: DateTime<Utc>, free_cancellation_hours: i32) -> bool {
    starts - now < chrono::Duration::hours(i64::from(free_cancellation_hours))
}

/// Whether a listing is on the public web or only for the mentor's organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "listing_visibility", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Organization,
}

/// A session type as a listing offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionType {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub duration_minutes: u32,
    pub price: Money,
    pub is_free_intro: bool,
}

impl SessionType {
    /// "Free" or the price, for the page.
    pub fn price_label(&self) -> String {
        if self.price.minor == 0 {
            "Free".to_string()
        } else {
            self.price.to_string()
        }
    }
}

/// A free time, with its labels in the viewer's zone and in the mentor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// "Mon 30 Nov, 14:00" in the viewer's zone.
    pub viewer_label: String,
    /// The same instant in the mentor's zone, shown beside it.
    pub mentor_label: String,
}

/// A listing as the directory shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentorCard {
    pub handle: String,
    pub display_name: String,
    pub headline: String,
    pub expertise: Vec<String>,
    pub languages: Vec<String>,
    pub years_experience: i32,
    pub rating_average: Option<f64>,
    pub rating_count: i32,
    /// The lowest price of a paid session type, if any.
    pub from_price: Option<Money>,
    pub has_free_intro: bool,
    pub visibility: Visibility,
    /// Whether the viewer may book (a member of the mentor's organization).
    pub bookable: bool,
}

/// A review as a listing shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub rating: i16,
    pub body: String,
    pub reviewer_name: String,
    pub written_at: DateTime<Utc>,
}

/// A booking in a list (dashboards).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingSummary {
    pub id: Uuid,
    pub status: BookingStatus,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Start and end in the viewer's zone, e.g. "Mon 30 Nov, 14:00 – 14:30".
    pub when: String,
    pub session_title: String,
    /// The other party's name (for an administrator: "student with mentor").
    pub with_whom: String,
    pub mentor_handle: String,
}

/// The dashboards at `/booking`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingsOverview {
    pub viewer_zone: String,
    pub upcoming: Vec<BookingSummary>,
    pub past: Vec<BookingSummary>,
    /// For a mentor: requests waiting for their answer.
    pub requests: Option<Vec<BookingSummary>>,
    /// For a mentor: their next seven days, day by day (label, sessions).
    pub week: Option<Vec<(String, Vec<BookingSummary>)>>,
    /// For an organization administrator: their organization's bookings from a week ago on.
    pub organization: Option<Vec<BookingSummary>>,
}

/// One booking's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingDetail {
    pub id: Uuid,
    pub status: BookingStatus,
    pub party: Party,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub viewer_zone: String,
    pub when: String,
    /// The same times in the mentor's zone (when it differs from the viewer's).
    pub mentor_when: Option<String>,
    pub session_title: String,
    pub price: Money,
    pub mentor_name: String,
    pub mentor_handle: String,
    pub student_name: String,
    pub topic: String,
    /// Shown to the parties once the session is confirmed.
    pub meeting_url: Option<String>,
    pub hold_expires_at: Option<DateTime<Utc>>,
    /// Whole minutes left on a hold (at least 1 while it lasts).
    pub hold_minutes_left: Option<i64>,
    pub requires_approval: bool,
    pub cancellation: Option<Cancellation>,
    pub free_cancellation_hours: i32,
    pub actions: Vec<BookingAction>,
    /// Only for the mentor: their private notes, decrypted.
    pub notes: Option<String>,
    pub review: Option<ReviewView>,
    pub can_review: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cancellation {
    pub at: DateTime<Utc>,
    /// When, in the viewer's zone ("Mon 30 Nov, 14:00").
    pub at_label: String,
    pub by: String,
    pub reason: String,
    pub late: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use BookingStatus::*;

    const ALL: [BookingStatus; 8] = [Hold, Pending, Confirmed, Completed, Cancelled, Declined, Expired, NoShow];

    #[test]
    fn final_statuses_go_nowhere() {
        for from in [Completed, Cancelled, Declined, Expired, NoShow] {
            assert!(ALL.iter().all(|to| !from.may_become(*to)), "{from:?}");
        }
    }

    #[test]
    fn every_action_leads_where_the_machine_allows() {
        let now = Utc::now();
        let started = now - chrono::Duration::minutes(5);
        for action in [BookingAction::Confirm, BookingAction::Release, BookingAction::Accept, BookingAction::Decline, BookingAction::Cancel, BookingAction::Complete, BookingAction::NoShow] {
            for party in [Party::Student, Party::Mentor, Party::Administrator] {
                for status in ALL {
                    for approval in [false, true] {
                        if action.allowed(party, status, started, now) {
                            let target = action.target(approval).expect("a target");
                            assert!(status.may_become(target), "{action:?} by {party:?} from {status:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_student_cannot_accept_or_complete() {
        let now = Utc::now();
        assert!(!BookingAction::Accept.allowed(Party::Student, Pending, now, now));
        assert!(!BookingAction::Complete.allowed(Party::Student, Confirmed, now, now));
        assert!(BookingAction::Cancel.allowed(Party::Student, Confirmed, now, now));
    }

    #[test]
    fn a_session_is_completed_only_once_started() {
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        assert!(!BookingAction::Complete.allowed(Party::Mentor, Confirmed, later, now));
        assert!(BookingAction::Complete.allowed(Party::Mentor, Confirmed, now, now));
    }

    #[test]
    fn cancelling_inside_the_window_is_late() {
        let now = Utc::now();
        assert!(cancellation_is_late(now + chrono::Duration::hours(23), now, 24));
        assert!(!cancellation_is_late(now + chrono::Duration::hours(25), now, 24));
        assert!(!cancellation_is_late(now + chrono::Duration::minutes(5), now, 0));
    }
}
