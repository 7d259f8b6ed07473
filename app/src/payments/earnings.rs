//! Mentors' earnings and payouts, and the administrators' revenue view: the payout details a
//! mentor types (parsed here, on both sides), and what the pages show of the ledger.

use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a mentor is paid, as typed: an IBAN (checked with its ISO 13616 mod-97 digits) or a
/// plain account number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutDetails {
    pub holder: String,
    pub kind: PayoutKind,
    /// Upper case, no spaces.
    pub account: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutKind {
    Iban,
    AccountNumber,
}

impl PayoutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Iban => "iban",
            Self::AccountNumber => "account_number",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Iban => "IBAN",
            Self::AccountNumber => "Account number",
        }
    }
}

/// ISO 13616: move the first four characters to the end, letters to 10..35, remainder 1 mod 97.
fn iban_checks(iban: &str) -> bool {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c.to_digit(36) {
            Some(value) => value,
            None => return false,
        };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

impl PayoutDetails {
    /// Parses the form: holder 2-100 characters; an account of letters and digits (spaces and
    /// dashes ignored), which is an IBAN when it starts with two letters and two digits.
    pub fn parse(holder: &str, account: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let holder = holder.trim();
        if !(2..=100).contains(&holder.chars().count()) {
            errors.add("holder", "Enter the account holder's name as the bank has it.");
        }
        let account: String = account.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        let looks_like_iban = account.len() >= 4
            && account[..2].chars().all(|c| c.is_ascii_uppercase())
            && account[2..4].chars().all(|c| c.is_ascii_digit());
        let kind = if looks_like_iban { PayoutKind::Iban } else { PayoutKind::AccountNumber };
        if account.is_empty() {
            errors.add("account", "Enter your IBAN or account number.");
        } else if !account.chars().all(|c| c.is_ascii_alphanumeric()) {
            errors.add("account", "Use only letters and digits (spaces are fine).");
        } else if kind == PayoutKind::Iban && !(15..=34).contains(&account.len()) {
            errors.add("account", "An IBAN is 15 to 34 characters.");
        } else if kind == PayoutKind::Iban && !iban_checks(&account) {
            errors.add("account", "This IBAN's check digits don't match: check it for a typo.");
        } else if kind == PayoutKind::AccountNumber && !(4..=34).contains(&account.len()) {
            errors.add("account", "An account number is 4 to 34 letters and digits.");
        }
        if errors.is_empty() {
            Ok(Self { holder: holder.to_string(), kind, account })
        } else {
            Err(errors)
        }
    }

    pub fn last4(&self) -> &str {
        &self.account[self.account.len().saturating_sub(4)..]
    }
}

/// The payout account as shown back: never more than the last four characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAccountView {
    pub kind: PayoutKind,
    pub last4: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// One line of a mentor's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub at: chrono::DateTime<chrono::Utc>,
    /// "Payment" or "Refund".
    pub entry: String,
    pub booking_id: Uuid,
    pub description: String,
    pub gross: String,
    pub fee: String,
    pub net: String,
}

/// A month's statement, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthStatement {
    /// "2026-11"
    pub month: String,
    pub currency: String,
    pub sessions: i64,
    pub gross: String,
    pub refunds: String,
    pub fees: String,
    pub net: String,
}

/// What `/account/earnings` shows a mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earnings {
    pub payout_account: Option<PayoutAccountView>,
    pub statements: Vec<MonthStatement>,
    pub ledger: Vec<LedgerLine>,
    pub fee_percent: String,
}

/// One organization's month, for administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueRow {
    pub organization: String,
    pub month: String,
    pub currency: String,
    pub session_payments: i64,
    pub sessions_gross: String,
    pub refunds: String,
    pub platform_fees: String,
    pub subscriptions: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_their_digits() {
        let gb = PayoutDetails::parse("Amara Okafor", "GB82 WEST 1234 5698 7654 32").unwrap();
        assert_eq!((gb.kind, gb.account.as_str(), gb.last4()), (PayoutKind::Iban, "GB82WEST12345698765432", "5432"));
        assert!(PayoutDetails::parse("A B", "DE89 3704 0044 0532 0130 00").is_ok());
        let typo = PayoutDetails::parse("Amara Okafor", "GB82 WEST 1234 5698 7654 33").unwrap_err();
        assert_eq!(typo.field("account"), Some("This IBAN's check digits don't match: check it for a typo."));
        assert!(PayoutDetails::parse("Amara Okafor", "GB82 WEST").unwrap_err().field("account").is_some());
    }

    #[test]
    fn account_numbers_and_holders() {
        let plain = PayoutDetails::parse("  Diego Ramírez ", "0123-4567-89").unwrap();
        assert_eq!((plain.kind, plain.holder.as_str(), plain.last4()), (PayoutKind::AccountNumber, "Diego Ramírez", "6789"));
        let errors = PayoutDetails::parse("D", "12$4").unwrap_err();
        assert!(errors.field("holder").is_some());
        assert_eq!(errors.field("account"), Some("Use only letters and digits (spaces are fine)."));
        assert!(PayoutDetails::parse("Dee", "").unwrap_err().field("account").is_some());
    }
}
