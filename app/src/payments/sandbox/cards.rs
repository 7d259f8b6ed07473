//! The sandbox's test cards (Stripe's numbers, so a developer's habits carry over) and what a
//! cardholder types on its checkout page, parsed.

use chrono::{Datelike, NaiveDate};

/// What a test card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Succeeds,
    Declined(&'static str),
    /// The bank asks the cardholder to confirm (3-D Secure) before it succeeds.
    RequiresAuthentication,
    /// Succeeds today; every later charge (a renewal) is declined.
    FailsLater,
}

pub struct TestCard {
    pub number: &'static str,
    pub brand: &'static str,
    pub behaviour: Behaviour,
    pub what: &'static str,
}

pub const TEST_CARDS: &[TestCard] = &[
    TestCard { number: "4242424242424242", brand: "visa", behaviour: Behaviour::Succeeds, what: "Succeeds" },
    TestCard { number: "5555555555554444", brand: "mastercard", behaviour: Behaviour::Succeeds, what: "Succeeds (Mastercard)" },
    TestCard {
        number: "4000000000000002",
        brand: "visa",
        behaviour: Behaviour::Declined("Your card was declined."),
        what: "Is declined",
    },
    TestCard {
        number: "4000000000009995",
        brand: "visa",
        behaviour: Behaviour::Declined("Your card has insufficient funds."),
        what: "Is declined for insufficient funds",
    },
    TestCard {
        number: "4000002500003155",
        brand: "visa",
        behaviour: Behaviour::RequiresAuthentication,
        what: "Asks you to confirm with your bank",
    },
    TestCard {
        number: "4000000000000341",
        brand: "visa",
        behaviour: Behaviour::FailsLater,
        what: "Succeeds now, is declined on renewal",
    },
];

/// A card as typed on the checkout page, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardEntry {
    pub digits: String,
    pub brand: &'static str,
    pub behaviour: Behaviour,
}

impl CardEntry {
    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }
}

/// One message per field the cardholder must fix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardErrors {
    pub number: Option<String>,
    pub expiry: Option<String>,
    pub cvc: Option<String>,
    pub name: Option<String>,
}

impl CardErrors {
    pub fn is_empty(&self) -> bool {
        self.number.is_none() && self.expiry.is_none() && self.cvc.is_none() && self.name.is_none()
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// "MM/YY" or "MM / YYYY", not before `today`'s month.
fn expiry(input: &str, today: NaiveDate) -> Result<(), String> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = cleaned.split_once('/').ok_or("Enter the expiry as MM/YY.")?;
    let month: u32 = month.parse().map_err(|_| "Enter the expiry as MM/YY.")?;
    let year: i32 = year.parse().map_err(|_| "Enter the expiry as MM/YY.")?;
    let year = if year < 100 { 2000 + year } else { year };
    if !(1..=12).contains(&month) {
        return Err("The expiry month is between 01 and 12.".into());
    }
    if (year, month) < (today.year(), today.month()) {
        return Err("This card has expired.".into());
    }
    Ok(())
}

/// Parses the checkout form; `Err` says what to fix, field by field.
pub fn parse(number: &str, exp: &str, cvc: &str, name: &str, today: NaiveDate) -> Result<CardEntry, CardErrors> {
    let mut errors = CardErrors::default();
    let digits: String = number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let mut card = None;
    if digits.is_empty() {
        errors.number = Some("Enter the card number.".into());
    } else if !digits.bytes().all(|b| b.is_ascii_digit()) || !(12..=19).contains(&digits.len()) {
        errors.number = Some("A card number is 12 to 19 digits.".into());
    } else if !luhn(&digits) {
        errors.number = Some("This card number isn't valid; check for a typo.".into());
    } else if let Some(test) = TEST_CARDS.iter().find(|test| test.number == digits) {
        card = Some(CardEntry { digits: digits.clone(), brand: test.brand, behaviour: test.behaviour });
    } else {
        errors.number = Some("This is the sandbox: use one of the test cards listed on this page.".into());
    }
    if let Err(message) = expiry(exp, today) {
        errors.expiry = Some(message);
    }
    let cvc = cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        errors.cvc = Some("The security code is the 3 or 4 digits on the card.".into());
    }
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        errors.name = Some("Enter the name on the card.".into());
    }
    match card {
        Some(card) if errors.is_empty() => Ok(card),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn every_test_card_passes_luhn() {
        for card in TEST_CARDS {
            assert!(luhn(card.number), "{}", card.number);
        }
    }

    #[test]
    fn parses_the_test_cards_with_spaces() {
        let card = parse("4242 4242 4242 4242", "12/30", "123", "Sam Lee", today()).unwrap();
        assert_eq!((card.brand, card.last4(), card.behaviour), ("visa", "4242", Behaviour::Succeeds));
        let card = parse("4000-0025-0000-3155", "11 / 2026", "1234", "Sam", today()).unwrap();
        assert_eq!(card.behaviour, Behaviour::RequiresAuthentication);
    }

    #[test]
    fn says_what_is_wrong_with_each_field() {
        let errors = parse("4242 4242 4242 4241", "10/26", "12", " ", today()).unwrap_err();
        assert_eq!(errors.number.as_deref(), Some("This card number isn't valid; check for a typo."));
        assert_eq!(errors.expiry.as_deref(), Some("This card has expired."));
        assert!(errors.cvc.is_some() && errors.name.is_some());
        let errors = parse("", "13/30", "123", "A", today()).unwrap_err();
        assert_eq!(errors.number.as_deref(), Some("Enter the card number."));
        assert_eq!(errors.expiry.as_deref(), Some("The expiry month is between 01 and 12."));
        // A real card number is refused: the sandbox only knows its test cards.
        let errors = parse("4111111111111111", "12/30", "123", "A", today()).unwrap_err();
        assert!(errors.number.unwrap().contains("test cards"));
        assert!(parse("4242abcd42424242", "12/30", "123", "A", today()).unwrap_err().number.is_some());
    }
}
