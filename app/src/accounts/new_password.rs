//! What a new password must be (NIST SP 800-63B), checked the same in the browser and on the
//! server. Hashing is `password.rs` (server only).

use crate::domain::ValidationError;
use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
