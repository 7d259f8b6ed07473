//! Plans, what they entitle a person to, and what changing plan mid-period costs.
//!
//! Proration is to the second: of the current period, the share not yet used is credited at the
//! old price and charged at the new one (each rounded half up to the minor unit); the difference
//! is charged at once when positive, and kept as credit toward the next renewals when negative.
//! A change between monthly and yearly starts a new period now: the unused share of the old plan
//! is credited against the new plan's full price.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    Month,
    Year,
}

impl BillingInterval {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "month" => Some(Self::Month),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// The instant one period after `start` (calendar months: 31 January + 1 month = 28 or 29 February).
    pub fn after(self, start: DateTime<Utc>) -> DateTime<Utc> {
        let months = match self {
            Self::Month => chrono::Months::new(1),
            Self::Year => chrono::Months::new(12),
        };
        start.checked_add_months(months).unwrap_or(start + chrono::Duration::days(30))
    }
}

/// What a plan entitles its subscriber to (`plans.entitlements`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    /// Off every paid mentor session, enforced where the payment is made (`session_price_for`).
    pub session_discount_percent: u8,
    /// Career roadmaps kept at once; `None`: as many as you like.
    pub roadmaps: Option<u32>,
}

impl Entitlements {
    /// What a session listed at `price_minor` costs this subscriber (the discount rounded down,
    /// as the database's `session_price_for` does).
    pub fn session_price(self, price_minor: i64) -> i64 {
        price_minor - price_minor * i64::from(self.session_discount_percent) / 100
    }
}

/// A plan as the pricing page and the billing page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub code: String,
    pub tier: String,
    pub name: String,
    pub interval: BillingInterval,
    pub price_minor: i64,
    pub currency: String,
    /// "$9.00"
    pub price: String,
    pub trial_days: i32,
    pub entitlements: Entitlements,
}

/// A subscription's state, as `subscription_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "subscription_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Waiting for its first payment.
    Incomplete,
    Trialing,
    Active,
    /// A renewal failed; it is retried on a schedule, then the subscription is cancelled.
    PastDue,
    Cancelled,
    Expired,
}

impl SubscriptionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Incomplete => "Waiting for your first payment",
            Self::Trialing => "Free trial",
            Self::Active => "Active",
            Self::PastDue => "Payment overdue",
            Self::Cancelled => "Cancelled",
            Self::Expired => "Ended",
        }
    }

    pub fn is_live(self) -> bool {
        matches!(self, Self::Trialing | Self::Active | Self::PastDue)
    }
}

/// A person's subscription, on their billing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub plan: PlanView,
    pub status: SubscriptionStatus,
    pub current_period_end: DateTime<Utc>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub card: Option<String>,
    /// Credit left from a downgrade, taken off the next renewals.
    pub credit: Option<String>,
    /// When a failed renewal is tried again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The first payment's page, while it waits (or a declined card may be retried).
    pub checkout_url: Option<String>,
    /// A plan change the worker is making.
    pub pending_plan: Option<String>,
}

/// The billing page's plan part: the person's plan and what they may change to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOverview {
    pub current: PlanView,
    pub subscription: Option<SubscriptionView>,
    pub plans: Vec<PlanView>,
    /// Whether a free trial is still open to this person.
    pub trial_available: bool,
}

/// What a plan change would cost now, for the page to show before it is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePreview {
    pub plan: PlanView,
    pub credit: String,
    pub charge: String,
    /// "$5.00 now" or "$5.00 credit toward your next renewals" or "nothing".
    pub outcome: String,
}

/// The money side of a plan change at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proration {
    /// The unused share of the current plan, given back.
    pub credit_minor: i64,
    /// The new plan for the rest of the period (or a whole new period when the interval changes).
    pub charge_minor: i64,
    /// Seconds of the period left, and its length.
    pub seconds_left: i64,
    pub period_seconds: i64,
}

impl Proration {
    /// Charged now when positive; credit toward the next renewals when negative.
    pub fn net_minor(self) -> i64 {
        self.charge_minor - self.credit_minor
    }
}

/// `amount × part ÷ whole`, rounded half up, in 128-bit arithmetic.
fn share(amount: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let exact = i128::from(amount) * i128::from(part);
    let whole = i128::from(whole);
    i64::try_from((exact * 2 + whole) / (whole * 2)).unwrap_or(i64::MAX)
}

/// What changing from `old_price` to `new_price` costs at `now` in the period
/// `[start, end)`; `same_interval` false when monthly and yearly swap (a new period starts).
pub fn prorate(old_price: i64, new_price: i64, start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>, same_interval: bool) -> Proration {
    let period_seconds = (end - start).num_seconds().max(1);
    let seconds_left = (end - now).num_seconds().clamp(0, period_seconds);
    let credit_minor = share(old_price, seconds_left, period_seconds);
    let charge_minor = if same_interval { share(new_price, seconds_left, period_seconds) } else { new_price };
    Proration { credit_minor, charge_minor, seconds_left, period_seconds }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn the_pricing_pages_worked_example() {
        // Plus at $9.00 to Pro at $19.00 halfway through a 30-day period.
        let (start, end, now) = (at(1, 0), at(1, 0) + chrono::Duration::days(30), at(16, 0));
        let up = prorate(900, 1900, start, end, now, true);
        assert_eq!((up.credit_minor, up.charge_minor, up.net_minor()), (450, 950, 500));
        let down = prorate(1900, 900, start, end, now, true);
        assert_eq!((down.credit_minor, down.charge_minor, down.net_minor()), (950, 450, -500));
    }

    #[test]
    fn proration_is_to_the_second_and_rounds_half_up() {
        let start = at(1, 0);
        let end = start + chrono::Duration::seconds(3);
        // One second of three left: 1000 / 3 = 333.33 → 333; 2000 / 3 = 666.67 → 667.
        let p = prorate(1000, 2000, start, end, start + chrono::Duration::seconds(2), true);
        assert_eq!((p.credit_minor, p.charge_minor, p.seconds_left, p.period_seconds), (333, 667, 1, 3));
        // Half a minor unit rounds up: 1 × 1 / 2.
        assert_eq!(share(1, 1, 2), 1);
        // At the very start the whole period is credited; past the end nothing is.
        assert_eq!(prorate(900, 1900, start, end, start, true).credit_minor, 900);
        assert_eq!(prorate(900, 1900, start, end, end + chrono::Duration::days(1), true).net_minor(), 0);
    }

    #[test]
    fn switching_to_yearly_starts_a_new_period() {
        let (start, end) = (at(1, 0), at(1, 0) + chrono::Duration::days(30));
        let p = prorate(900, 9000, start, end, at(11, 0), false);
        assert_eq!((p.credit_minor, p.charge_minor), (600, 9000));
    }

    #[test]
    fn periods_follow_the_calendar_and_discounts_round_down() {
        let jan31 = Utc.with_ymd_and_hms(2027, 1, 31, 9, 0, 0).unwrap();
        assert_eq!(BillingInterval::Month.after(jan31), Utc.with_ymd_and_hms(2027, 2, 28, 9, 0, 0).unwrap());
        assert_eq!(BillingInterval::Year.after(jan31), Utc.with_ymd_and_hms(2028, 1, 31, 9, 0, 0).unwrap());
        let plus = Entitlements { session_discount_percent: 10, roadmaps: Some(5) };
        assert_eq!(plus.session_price(3500), 3150);
        assert_eq!(plus.session_price(1999), 1800);
        assert_eq!(Entitlements { session_discount_percent: 0, roadmaps: Some(1) }.session_price(1999), 1999);
    }
}
