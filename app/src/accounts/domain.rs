//! Parse, don't validate: each type can only hold a value that passed its `parse`, and the same
//! code runs in the browser and on the server, so both show the same message.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::Password;
use crate::domain::{FieldErrors, Parse, ValidationError};

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
string_newtype_conversions!(EmailAddress, Username, PersonName, InviteCode);

/// An organization's invite code, as a school hands it out: letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InviteCode(String);

impl InviteCode {
    /// Blank means "no code": the person joins the public community.
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ValidationError> {
        let code = input.trim();
        if code.is_empty() {
            return Ok(None);
        }
        Self::parse(code).map(Some)
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let code = input.trim();
        let length = code.chars().count();
        if !(8..=64).contains(&length) || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ValidationError(
                "An invite code has 8 to 64 letters, digits and dashes, as in RIVERSIDE-2026.".into(),
            ));
        }
        Ok(Self(code.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What someone signs in with: their email or their username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInIdentifier {
    Email(EmailAddress),
    Username(Username),
}

impl SignInIdentifier {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ValidationError("Enter your email or username.".into()));
        }
        if input.contains('@') {
            EmailAddress::parse(input).map(SignInIdentifier::Email)
        } else {
            Username::parse(input)
                .map(SignInIdentifier::Username)
                .map_err(|_| ValidationError("Enter your email or username.".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            SignInIdentifier::Email(email) => email.as_str(),
            SignInIdentifier::Username(username) => username.as_str(),
        }
    }
}

macro_rules! parse_by_inherent_parse {
    ($($ty:ident),*) => {$(
        impl Parse for $ty {
            fn parse(input: &str) -> Result<Self, ValidationError> {
                $ty::parse(input)
            }
        }
    )*};
}
parse_by_inherent_parse!(EmailAddress, Username, PersonName, InviteCode, SignInIdentifier);

/// A sign-up, every field checked (messages keyed by the form's input names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: EmailAddress,
    pub username: Username,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub password: Password,
    /// `None`: the person joins the public community.
    pub invite_code: Option<InviteCode>,
}

impl NewAccount {
    /// Every field's complaint at once, in form order.
    pub fn parse(
        email: &str,
        username: &str,
        first_name: &str,
        last_name: &str,
        password: &str,
        invite_code: &str,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.parse::<EmailAddress>("email", email);
        let username = errors.parse::<Username>("username", username);
        let first_name = errors.parse::<PersonName>("first_name", first_name);
        let last_name = errors.parse::<PersonName>("last_name", last_name);
        let personal = [username.as_ref().map_or("", Username::as_str), email.as_ref().map_or("", EmailAddress::as_str)];
        let password = errors.check("password", Password::parse(password, &personal));
        let invite_code = errors.check("invite_code", InviteCode::parse_optional(invite_code));
        errors.finish_with(|| {
            Some(Self {
                email: email?,
                username: username?,
                first_name: first_name?,
                last_name: last_name?,
                password: password?,
                invite_code: invite_code?,
            })
        })
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
    fn invite_codes_and_identifiers() {
        assert_eq!(InviteCode::parse_optional("  ").unwrap(), None);
        assert_eq!(InviteCode::parse_optional(" riverside-2026 ").unwrap().unwrap().as_str(), "RIVERSIDE-2026");
        assert!(InviteCode::parse("bad code!").is_err());
        assert!(matches!(SignInIdentifier::parse("Ada@Example.org"), Ok(SignInIdentifier::Email(_))));
        assert!(matches!(SignInIdentifier::parse("ada.l"), Ok(SignInIdentifier::Username(_))));
        assert_eq!(SignInIdentifier::parse(" ").unwrap_err().0, "Enter your email or username.");
    }

    #[test]
    fn a_sign_up_reports_every_bad_field_beside_it() {
        let errors = NewAccount::parse("ada.example.org", "ada", "", "Lovelace", "short", "bad code!").unwrap_err();
        assert_eq!(errors.field("email"), Some("An email address needs an @, as in name@example.org."));
        assert!(errors.field("first_name").is_some() && errors.field("last_name").is_none());
        assert!(errors.field("password").unwrap().contains("at least 12"));
        assert!(errors.field("invite_code").unwrap().contains("8 to 64"));
        let account = NewAccount::parse("ada@example.org", "ada", "Ada", "Lovelace", "correct horse battery staple", "").unwrap();
        assert_eq!(account.invite_code, None);
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
