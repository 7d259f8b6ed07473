//! Parse, don't validate: each type can only hold a value that passed its `parse`, and the same
//! code runs in the browser and on the server, so both show the same message.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValidationError(pub String);

impl From<ValidationError> for crate::error::AppError {
    fn from(error: ValidationError) -> Self {
        crate::error::AppError::Invalid(error.0)
    }
}

/// An email address, trimmed. Compared case-insensitively by the database (citext).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let email = input.trim();
        if email.is_empty() {
            return Err(ValidationError("Enter your email address.".into()));
        }
        if email.len() > Self::MAX_LEN {
            return Err(ValidationError("That email address is too long.".into()));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(ValidationError("An email address needs an @, as in name@example.org.".into()));
        };
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if !well_formed {
            return Err(ValidationError(format!("\u{201c}{email}\u{201d} isn't a valid email address.")));
        }
        Ok(Self(email.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A public handle: 3 to 32 letters, digits, dots, dashes or underscores, starting and ending with
/// a letter or digit. Unique case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let name = input.trim();
        let length = name.chars().count();
        if !(3..=32).contains(&length) {
            return Err(ValidationError("A username has 3 to 32 characters.".into()));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err(ValidationError(
                "A username may use letters, digits, dots, dashes and underscores only.".into(),
            ));
        }
        let edges_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
        if !edges_ok {
            return Err(ValidationError("A username starts and ends with a letter or digit.".into()));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A first or last name as the person writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(ValidationError("Enter a name.".into()));
        }
        if name.chars().count() > 100 {
            return Err(ValidationError("A name has at most 100 characters.".into()));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError("A name can't contain control characters.".into()));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_conversions {
    ($($ty:ident),*) => {$(
        impl TryFrom<String> for $ty {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_newtype_conversions!(EmailAddress, Username, PersonName);

/// What someone may do. `OrgAdmin` manages one organization; `Admin` runs the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "user_role", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Mentor,
    OrgAdmin,
    Admin,
}

impl Role {
    /// The name row-level security policies compare against (`app.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Mentor => "mentor",
            Role::OrgAdmin => "org_admin",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Student => "Student",
            Role::Mentor => "Mentor",
            Role::OrgAdmin => "Organization admin",
            Role::Admin => "Platform admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_trimmed_and_kept_as_typed() {
        assert_eq!(EmailAddress::parse("  Ada@Example.org ").unwrap().as_str(), "Ada@Example.org");
    }

    #[test]
    fn email_errors_say_what_is_wrong() {
        assert_eq!(EmailAddress::parse("").unwrap_err().0, "Enter your email address.");
        assert!(EmailAddress::parse("ada.example.org").unwrap_err().0.contains("needs an @"));
        assert!(EmailAddress::parse("ada@example").unwrap_err().0.contains("isn't a valid"));
        assert!(EmailAddress::parse("a da@example.org").is_err());
        assert!(EmailAddress::parse("ada@.example.org").is_err());
        assert!(EmailAddress::parse(&format!("{}@example.org", "a".repeat(250))).is_err());
    }

    #[test]
    fn username_alphabet_and_length() {
        assert!(Username::parse("ada.lovelace_1815").is_ok());
        assert!(Username::parse("ad").unwrap_err().0.contains("3 to 32"));
        assert!(Username::parse("ada lovelace").unwrap_err().0.contains("letters, digits"));
        assert!(Username::parse("_ada").unwrap_err().0.contains("starts and ends"));
        assert!(Username::parse("añá").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Zoë ").unwrap().as_str(), "Zoë");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn deserialising_runs_the_same_checks() {
        assert!(serde_json::from_str::<EmailAddress>("\"not-an-email\"").is_err());
        assert!(serde_json::from_str::<Username>("\"ok_name\"").is_ok());
    }

    proptest! {
        #[test]
        fn any_accepted_username_matches_the_database_check(input in "\\PC{0,40}") {
            if let Ok(name) = Username::parse(&input) {
                let s = name.as_str();
                prop_assert!((3..=32).contains(&s.len()));
                prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)));
            }
        }

        #[test]
        fn email_parse_never_panics_and_accepts_simple_addresses(
            local in "[a-z0-9]{1,20}", domain in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let email = format!("{local}@{domain}.{tld}");
            let parsed = EmailAddress::parse(&email).unwrap();
            prop_assert_eq!(parsed.as_str(), email.as_str());
        }
    }
}
