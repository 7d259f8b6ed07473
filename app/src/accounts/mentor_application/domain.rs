//! A mentor application's checked input, its status and how its rate reads.

use crate::accounts::profile::TagList;
use crate::domain::{FieldErrors, Parse, ValidationError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Currencies a rate may be set in (ISO 4217; all with two decimal places).
pub const CURRENCIES: [&str; 5] = ["USD", "EUR", "GBP", "CAD", "AUD"];

/// An hourly rate typed as "45" or "45.50", kept in minor units (cents), up to 10,000.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourlyRate {
    pub minor: i64,
}

impl HourlyRate {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim().trim_start_matches(['$', '€', '£']);
        let invalid = || ValidationError("Enter the hourly rate as a number, like 40 or 42.50.".into());
        if text.is_empty() {
            return Err(ValidationError("Enter the hourly rate you intend to charge (0 for free sessions).".into()));
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 2
            || !fraction.chars().all(|c| c.is_ascii_digit()) || whole.len() > 7
        {
            return Err(invalid());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let minor = whole * 100 + cents;
        if minor > 1_000_000 {
            return Err(ValidationError("An hourly rate is at most 10,000.".into()));
        }
        Ok(Self { minor })
    }

    /// As a rate reads on a page: "GBP 45.50".
    pub fn display(minor: i64, currency: &str) -> String {
        format!("{currency} {}.{:02}", minor / 100, minor % 100)
    }
}

impl Parse for HourlyRate {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        HourlyRate::parse(input)
    }
}

/// A checked application, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorApplicationInput {
    pub expertise: TagList,
    pub years_experience: i32,
    pub summary: String,
    pub rate: HourlyRate,
    pub currency: &'static str,
}

/// The form's per-field checks as the person types (the same rules as [`MentorApplicationInput::parse`]).
pub fn check_expertise(value: &str) -> Option<String> {
    parse_expertise(value).err().map(|e| e.0)
}
pub fn check_years(value: &str) -> Option<String> {
    parse_years(value).err().map(|e| e.0)
}
pub fn check_summary(value: &str) -> Option<String> {
    parse_summary(value).err().map(|e| e.0)
}

fn parse_expertise(value: &str) -> Result<TagList, ValidationError> {
    let tags = TagList::parse(value, "areas of expertise")?;
    if tags.items().is_empty() {
        return Err(ValidationError("List at least one area of expertise.".into()));
    }
    Ok(tags)
}

fn parse_currency(value: &str) -> Result<&'static str, ValidationError> {
    CURRENCIES
        .iter()
        .copied()
        .find(|c| *c == value.trim())
        .ok_or_else(|| ValidationError("Choose a currency from the list.".into()))
}

fn parse_years(value: &str) -> Result<i32, ValidationError> {
    match value.trim().parse::<i32>() {
        Ok(years) if (0..=70).contains(&years) => Ok(years),
        _ => Err(ValidationError("Enter your years of experience as a whole number from 0 to 70.".into())),
    }
}

fn parse_summary(value: &str) -> Result<String, ValidationError> {
    let text = value.trim();
    let length = text.chars().count();
    if length < 20 {
        return Err(ValidationError(format!(
            "Tell us about your experience in at least 20 characters ({length} so far)."
        )));
    }
    if length > 4000 {
        return Err(ValidationError(format!("Your experience summary has at most 4,000 characters ({length} now).")));
    }
    Ok(text.to_string())
}

impl MentorApplicationInput {
    /// Every field's complaint at once, in form order, each under its input's name.
    pub fn parse(expertise: &str, years: &str, summary: &str, rate: &str, currency: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let expertise = errors.check("expertise", parse_expertise(expertise));
        let years_experience = errors.check("years_experience", parse_years(years));
        let summary = errors.check("summary", parse_summary(summary));
        let rate = errors.parse::<HourlyRate>("hourly_rate", rate);
        let currency = errors.check("currency", parse_currency(currency));
        errors.finish_with(|| {
            Some(Self { expertise: expertise?, years_experience: years_experience?, summary: summary?, rate: rate?, currency: currency? })
        })
    }
}

/// Where an application is (`mentor_application_status` in PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "mentor_application_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Declined,
    Withdrawn,
}

impl ApplicationStatus {
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "Waiting for a decision",
            ApplicationStatus::Approved => "Approved",
            ApplicationStatus::Declined => "Declined",
            ApplicationStatus::Withdrawn => "Withdrawn",
        }
    }
}

/// An application as its author sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub id: Uuid,
    pub expertise: Vec<String>,
    pub years_experience: i32,
    pub rate: String,
    pub status: ApplicationStatus,
    pub decision_note: Option<String>,
    /// When it was sent.
    pub submitted: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_kept_in_minor_units() {
        assert_eq!(HourlyRate::parse("45").unwrap().minor, 4500);
        assert_eq!(HourlyRate::parse("$42.5").unwrap().minor, 4250);
        assert_eq!(HourlyRate::parse("0").unwrap().minor, 0);
        assert!(HourlyRate::parse("-3").is_err());
        assert!(HourlyRate::parse("4.555").is_err());
        assert!(HourlyRate::parse("10000.01").unwrap_err().0.contains("at most 10,000"));
        assert_eq!(HourlyRate::display(4250, "EUR"), "EUR 42.50");
    }

    #[test]
    fn an_application_lists_every_problem() {
        let errors = MentorApplicationInput::parse("", "eighty", "short", "abc", "XYZ").unwrap_err();
        assert_eq!(errors.messages().count(), 5);
        assert!(errors.field("years_experience").unwrap().contains("whole number") && errors.field("currency").is_some());
        let ok = MentorApplicationInput::parse("nursing, interviews", "6", &"I have mentored nurses.".repeat(2), "30", "GBP").unwrap();
        assert_eq!((ok.years_experience, ok.rate.minor, ok.currency), (6, 3000, "GBP"));
    }
}
