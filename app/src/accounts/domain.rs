//! Parse, don't validate: each type can only hold a value that passed its `parse`, and the same
//! code runs in the browser and on the server, so both show the same message.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::ValidationError;

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

/// A new password, checked the way NIST SP 800-63B asks: at least 12 characters (and at most
/// 128, so hashing stays cheap to refuse), no composition rules, and not a common or easily
/// guessed one (a bundled list of the words that top breach lists, runs like "123456789012",
/// repeats like "abcabcabcabc", or the person's own username or email).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    /// `personal` holds what the person told us about themselves (username, email), which a
    /// password must not contain.
    pub fn parse(input: &str, personal: &[&str]) -> Result<Self, ValidationError> {
        let length = input.chars().count();
        if length == 0 {
            return Err(ValidationError("Enter a password.".into()));
        }
        if length < Self::MIN_CHARS {
            return Err(ValidationError(format!(
                "Use at least {} characters ({length} so far). A phrase of a few unrelated words works well.",
                Self::MIN_CHARS
            )));
        }
        if length > Self::MAX_CHARS {
            return Err(ValidationError(format!("A password has at most {} characters.", Self::MAX_CHARS)));
        }
        if input.chars().any(char::is_control) {
            return Err(ValidationError("A password can't contain control characters.".into()));
        }
        let compact: String = input.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        for context in personal {
            let context: String = context
                .split('@')
                .next()
                .unwrap_or_default()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if context.chars().count() >= 4 && compact.contains(&context) {
                return Err(ValidationError("Don't use your username or email address in your password.".into()));
            }
        }
        if is_guessable(input) {
            return Err(ValidationError(
                "That password is too common or easy to guess. Try a longer phrase of unrelated words.".into(),
            ));
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_common_word(candidate: &str) -> bool {
    !candidate.is_empty()
        && COMMON_PASSWORDS.lines().any(|line| !line.starts_with('#') && line.trim() == candidate)
}

/// The candidates a guesser tries first: the password as typed (letters and digits only), with
/// digits and symbols trimmed from its ends, and with common letter-for-symbol swaps undone.
fn is_guessable(input: &str) -> bool {
    let lower = input.to_lowercase();
    let alphanumeric = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).collect() };
    let trimmed = lower.trim_matches(|c: char| !c.is_alphabetic());
    let unswapped: String = trimmed
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '$' | '5' => 's',
            '0' => 'o',
            '3' => 'e',
            '1' | '!' => 'i',
            '7' => 't',
            other => other,
        })
        .collect();
    let candidates = [alphanumeric(&lower), alphanumeric(trimmed), alphanumeric(&unswapped), lower.clone()];
    let few_distinct = lower.chars().filter(|c| !c.is_whitespace()).collect::<std::collections::BTreeSet<_>>().len() <= 3;
    few_distinct
        || candidates.iter().any(|candidate| {
            is_common_word(candidate)
                || (candidate.chars().count() >= 4 && (is_run(candidate) || is_repetition(candidate)))
        })
}

/// "aaaa", "123456789012", "9876543210", "abcdefghijkl": each character one step from the last.
fn is_run(candidate: &str) -> bool {
    let chars: Vec<u32> = candidate.chars().map(u32::from).collect();
    if chars.len() < 2 {
        return true;
    }
    let step = |a: u32, b: u32| -> i64 {
        // digits wrap: ...8, 9, 0, 1...
        let (a, b) = (i64::from(a), i64::from(b));
        if (48..=57).contains(&a) && (48..=57).contains(&b) {
            let diff = (b - a).rem_euclid(10);
            if diff == 9 { -1 } else { diff }
        } else {
            b - a
        }
    };
    let first = step(chars[0], chars[1]);
    matches!(first, -1..=1) && chars.windows(2).all(|pair| step(pair[0], pair[1]) == first)
}

/// A short unit repeated ("121212121212", "abcabcabcabc") or a common word repeated.
fn is_repetition(candidate: &str) -> bool {
    let chars: Vec<char> = candidate.chars().collect();
    (1..=chars.len() / 2).any(|period| {
        let repeats = chars.iter().enumerate().all(|(i, c)| *c == chars[i % period]);
        let unit: String = chars[..period].iter().collect();
        repeats && (period <= 4 || is_common_word(&unit) || is_run(&unit))
    })
}

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
    fn passwords_follow_nist_800_63b() {
        assert!(Password::parse("correct horse battery staple", &[]).is_ok());
        assert!(Password::parse("short one", &[]).unwrap_err().0.contains("at least 12 characters (9 so far)"));
        assert!(Password::parse(&"x1".repeat(65), &[]).unwrap_err().0.contains("at most 128"));
        for weak in [
            "password1234",
            "Password12345!",
            "P@ssw0rd2024!!",
            "qwertyuiop123",
            "123456789012",
            "9876543210987",
            "aaaaaaaaaaaaa",
            "121212121212",
            "abcabcabcabc",
            "iloveyouiloveyou",
            "1qaz2wsx3edc",
            "Welcome123456",
            "waypoint2026!!",
        ] {
            assert!(
                Password::parse(weak, &[]).unwrap_err().0.contains("too common"),
                "{weak} should be refused as guessable"
            );
        }
        assert!(Password::parse("ada.lovelace-rules-ok", &["ada.lovelace", "ada@example.org"])
            .unwrap_err()
            .0
            .contains("username or email"));
        for strong in ["583920174628", "58203948571x", "9#kLmq!2zPx&", "Tea at the lighthouse at 6"] {
            assert!(Password::parse(strong, &[]).is_ok(), "{strong} should be accepted");
        }
        assert_eq!(format!("{:?}", Password::parse("correct horse battery staple", &[]).unwrap()), "Password(redacted)");
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
