//! What a payment is to the people who see it: its status machine (the database enforces the
//! same, in `payments_status_machine`), the platform fee, and the views the pages show.

use crate::domain::money::{Currency, Money};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A payment's state, as `payment_status` in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "payment_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Checkout started; the card not yet charged.
    Pending,
    /// The bank asked the cardholder to confirm.
    RequiresAction,
    Succeeded,
    /// The last attempt was declined; another card may be tried on the same payment.
    Failed,
    Cancelled,
    Refunded,
    PartiallyRefunded,
}

impl PaymentStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for payment",
            Self::RequiresAction => "Waiting for your bank's confirmation",
            Self::Succeeded => "Paid",
            Self::Failed => "Declined",
            Self::Cancelled => "Cancelled",
            Self::Refunded => "Refunded",
            Self::PartiallyRefunded => "Partly refunded",
        }
    }

    /// Money was taken (whatever has been refunded since): it has a receipt.
    pub fn was_paid(self) -> bool {
        matches!(self, Self::Succeeded | Self::Refunded | Self::PartiallyRefunded)
    }

    /// The status machine, as the `payments_status_machine` trigger has it.
    pub fn may_become(self, next: PaymentStatus) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, next),
            (Pending, RequiresAction | Succeeded | Failed | Cancelled)
                | (RequiresAction, Succeeded | Failed | Cancelled)
                | (Failed, RequiresAction | Succeeded | Cancelled)
                | (Succeeded, PartiallyRefunded | Refunded)
                | (PartiallyRefunded, Refunded)
        )
    }
}

/// A refund's state, as `refund_status`: asked for in the transaction that decided it, submitted
/// to the provider by the payments worker, confirmed by the provider's webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "refund_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Requested,
    Submitted,
    Succeeded,
    Failed,
}

impl RefundStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Requested | Self::Submitted => "On its way",
            Self::Succeeded => "Refunded",
            Self::Failed => "Failed; our team has been told",
        }
    }
}

/// Why a refund was made, in words (`refunds.reason`).
pub fn refund_reason_label(reason: &str) -> &'static str {
    match reason {
        "cancelled_by_student" => "You cancelled in time",
        "cancelled_by_mentor" => "The mentor cancelled",
        "cancelled_by_administrator" => "An administrator cancelled",
        "declined" => "The mentor declined the request",
        "request_expired" => "The mentor didn't answer in time",
        "hold_expired" => "The payment arrived after the hold had expired",
        "subscription_ended" => "The payment arrived after the checkout had expired",
        _ => "Refund",
    }
}

/// The platform's share of a payment, in basis points (1/100 of a percent), rounded half up to
/// the currency's minor unit. 1,000 basis points is 10 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformFee {
    basis_points: u32,
}

impl PlatformFee {
    pub const DEFAULT: PlatformFee = PlatformFee { basis_points: 1_000 };

    /// At most 50 %: a fee above half the price is a configuration mistake.
    pub fn new(basis_points: u32) -> Option<Self> {
        (basis_points <= 5_000).then_some(Self { basis_points })
    }

    pub fn basis_points(self) -> u32 {
        self.basis_points
    }

    pub fn of(self, amount_minor: i64) -> i64 {
        let fee = (i128::from(amount_minor) * i128::from(self.basis_points) + 5_000) / 10_000;
        i64::try_from(fee).unwrap_or(i64::MAX).clamp(0, amount_minor.max(0))
    }
}

/// Money from the database's minor units and currency code; an unknown code (never written by us)
/// is shown with two decimals rather than failing the page.
pub fn money(minor: i64, currency: &str) -> String {
    match Currency::from_code(currency) {
        Some(currency) => Money::new(minor, currency).to_string(),
        None => format!("{} {}.{:02}", currency, minor / 100, (minor % 100).abs()),
    }
}

/// A refund as the payer and the mentor see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundView {
    pub amount: String,
    pub status: RefundStatus,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A booking's payment, on the booking's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingPayment {
    pub id: Uuid,
    pub status: PaymentStatus,
    pub amount: String,
    /// The provider's page where the student pays (or tries another card).
    pub checkout_url: Option<String>,
    pub failure_reason: Option<String>,
    pub card: Option<String>,
    pub receipt_number: Option<String>,
    pub refunds: Vec<RefundView>,
}

/// One line of a person's billing history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub description: String,
    pub booking_id: Option<Uuid>,
    pub amount: String,
    pub refunded: Option<String>,
    pub status: PaymentStatus,
    pub receipt_number: Option<String>,
}

/// A receipt: what was paid, to whom, for what, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub number: String,
    pub paid_at: DateTime<Utc>,
    pub payer_name: String,
    pub payer_email: String,
    pub organization: String,
    pub description: String,
    pub session_at: Option<DateTime<Utc>>,
    pub mentor_name: Option<String>,
    pub amount: String,
    pub card: Option<String>,
    pub refunds: Vec<RefundView>,
    pub net: String,
    pub status: PaymentStatus,
}

/// "Visa ending in 4242".
pub fn card_label(brand: Option<&str>, last4: Option<&str>) -> Option<String> {
    let last4 = last4?;
    let brand = match brand.unwrap_or("card") {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => "Card",
    };
    Some(format!("{brand} ending in {last4}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_rounds_half_up_to_the_minor_unit() {
        let fee = PlatformFee::DEFAULT;
        assert_eq!(fee.of(4_000), 400);
        assert_eq!(fee.of(5), 1);
        assert_eq!(fee.of(4), 0);
        assert_eq!(PlatformFee::new(250).unwrap().of(1_999), 50);
        assert_eq!(PlatformFee::new(0).unwrap().of(1_000), 0);
        assert!(PlatformFee::new(5_001).is_none());
        assert_eq!(PlatformFee::new(5_000).unwrap().of(i64::MAX), i64::MAX / 2 + 1);
    }

    #[test]
    fn the_status_machine_matches_the_database() {
        use PaymentStatus::*;
        assert!(Pending.may_become(Succeeded));
        assert!(Failed.may_become(Succeeded));
        assert!(Succeeded.may_become(Refunded));
        assert!(!Succeeded.may_become(Failed));
        assert!(!Refunded.may_become(Succeeded));
        assert!(!Cancelled.may_become(Pending));
        assert!(Succeeded.was_paid() && Refunded.was_paid() && !Failed.was_paid());
    }

    #[test]
    fn money_uses_each_currency_s_exponent() {
        assert_eq!(money(4_000, "USD"), Money::new(4_000, Currency::from_code("USD").unwrap()).to_string());
        assert!(money(4_000, "JPY").contains("4,000") || money(4_000, "JPY").contains("4000"));
        assert!(money(1_234, "BHD").contains("1.234"));
        assert_eq!(card_label(Some("visa"), Some("4242")).as_deref(), Some("Visa ending in 4242"));
        assert_eq!(card_label(Some("visa"), None), None);
    }
}
