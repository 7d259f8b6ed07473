//! Money and currency: each exponent (0, 2, 3) read, written and shown; refusals in words a
//! person reads; and round trips between the form string and the amount.

use super::*;
use proptest::prelude::*;

fn code(code: &str) -> Currency {
    Currency::from_code(code).expect("a listed currency")
}

fn parsed(input: &str, currency: &str) -> Result<i64, String> {
    Money::parse_major(input, code(currency)).map(|m| m.minor).map_err(|e| e.0)
}

#[test]
fn currencies_know_their_decimal_places_and_symbols() {
    assert_eq!(Currency::JPY.exponent(), 0);
    assert_eq!(code("KRW").exponent(), 0);
    assert_eq!(Currency::USD.exponent(), 2);
    assert_eq!(code("INR").exponent(), 2);
    assert_eq!(code("BHD").exponent(), 3);
    assert_eq!(code("KWD").exponent(), 3);
    assert_eq!(Currency::GBP.symbol(), Some("£"));
    assert_eq!(code("CHF").symbol(), None);
    assert_eq!(code("MXN").code(), "MXN");
    for expected in ["USD", "EUR", "GBP", "JPY", "KRW", "BHD", "KWD", "INR", "MXN", "CAD", "AUD", "CHF"] {
        assert!(Currency::from_code(expected).is_some(), "{expected} is listed");
    }
    assert!(Currency::all().len() >= 30);
}

#[test]
fn every_listed_code_is_three_uppercase_letters_and_listed_once() {
    let mut seen = std::collections::HashSet::new();
    for currency in Currency::all() {
        assert_eq!(currency.code().len(), 3);
        assert!(currency.code().bytes().all(|b| b.is_ascii_uppercase()));
        assert!(currency.exponent() <= 3);
        assert!(seen.insert(currency.code()), "{} twice", currency.code());
    }
}

#[test]
fn currency_parse_accepts_listed_codes_and_explains_otherwise() {
    assert_eq!(Currency::parse(" usd "), Ok(Currency::USD));
    assert_eq!(Currency::parse("EUR"), Ok(Currency::EUR));
    for refused in ["", "US", "USDD", "XXX", "€", "12a"] {
        assert_eq!(
            Currency::parse(refused).map_err(|e| e.0),
            Err("Choose a currency such as USD or EUR.".to_string()),
            "{refused:?}"
        );
    }
}

#[test]
fn currency_travels_as_its_code_and_is_rechecked_on_arrival() {
    assert_eq!(serde_json::to_string(&Currency::GBP).ok(), Some("\"GBP\"".to_string()));
    let back: Result<Currency, _> = serde_json::from_str("\"BHD\"");
    assert_eq!(back.ok().map(|c| c.exponent()), Some(3));
    assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    let money = Money::new(4050, Currency::USD);
    let json = serde_json::to_string(&money).unwrap_or_default();
    assert_eq!(json, r#"{"minor":4050,"currency":"USD"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(money));
    assert_eq!(format!("{:?}", Currency::EUR), "EUR");
}

#[test]
fn two_decimal_currencies_read_whole_one_and_two_decimals() {
    assert_eq!(parsed("40", "USD"), Ok(4000));
    assert_eq!(parsed("40.5", "USD"), Ok(4050));
    assert_eq!(parsed(" 40.50 ", "EUR"), Ok(4050));
    assert_eq!(parsed("0.05", "GBP"), Ok(5));
    assert_eq!(parsed("007", "GBP"), Ok(700));
    assert_eq!(parsed("0", "USD"), Ok(0));
    assert_eq!(parsed("40.505", "USD"), Err("USD amounts have at most 2 decimal places.".into()));
}

#[test]
fn zero_decimal_currencies_take_whole_numbers_only() {
    assert_eq!(parsed("500", "JPY"), Ok(500));
    assert_eq!(parsed("12000", "KRW"), Ok(12000));
    assert_eq!(parsed("500.0", "JPY"), Err("JPY amounts are whole numbers, with no decimals.".into()));
}

#[test]
fn three_decimal_currencies_read_thousandths() {
    assert_eq!(parsed("1.5", "BHD"), Ok(1500));
    assert_eq!(parsed("1.500", "KWD"), Ok(1500));
    assert_eq!(parsed("0.001", "BHD"), Ok(1));
    assert_eq!(parsed("1.0005", "BHD"), Err("BHD amounts have at most 3 decimal places.".into()));
}

#[test]
fn refusals_say_what_to_type_instead() {
    assert_eq!(parsed("", "USD"), Err("Enter an amount, such as 40.".into()));
    assert_eq!(parsed("-5", "USD"), Err("An amount can't be negative.".into()));
    assert!(parsed("1,250", "USD").is_err_and(|m| m.contains("without commas")));
    for junk in ["abc", "4O", "40.", ".5", "1.2.3", "+40", "$40", "40 50", "1e3", "٤٠"] {
        assert!(parsed(junk, "USD").is_err_and(|m| m.contains("isn't an amount")), "{junk:?}");
    }
    assert_eq!(parsed("1000000", "USD"), Ok(100_000_000));
    assert_eq!(parsed("1000000.00", "BHD"), Ok(1_000_000_000));
    let over = Err("An amount can be at most 1,000,000 USD.".to_string());
    assert_eq!(parsed("1000000.01", "USD"), over);
    assert_eq!(parsed("99999999999999999999999", "USD"), over);
    assert_eq!(parsed("0001000001", "JPY"), Err("An amount can be at most 1,000,000 JPY.".into()));
}

#[test]
fn display_uses_the_symbol_or_the_code_and_every_decimal() {
    assert_eq!(Money::new(4000, Currency::USD).to_string(), "$40.00");
    assert_eq!(Money::new(3550, Currency::GBP).to_string(), "£35.50");
    assert_eq!(Money::new(500, Currency::JPY).to_string(), "¥500");
    assert_eq!(Money::new(1500, code("BHD")).to_string(), "BHD 1.500");
    assert_eq!(Money::new(4000, code("CHF")).to_string(), "CHF 40.00");
    assert_eq!(Money::new(125_050, Currency::EUR).to_string(), "€1,250.50");
    assert_eq!(Money::new(100_000_000, Currency::USD).to_string(), "$1,000,000.00");
    assert_eq!(Money::new(0, Currency::USD).to_string(), "$0.00");
    assert_eq!(Money::new(-300, Currency::EUR).to_string(), "-€3.00");
    assert_eq!(Money::new(5, code("KWD")).to_string(), "KWD 0.005");
    assert!(!Money::new(i64::MIN, code("BHD")).to_string().is_empty());
}

#[test]
fn major_string_is_what_a_form_input_shows() {
    assert_eq!(Money::new(4050, Currency::USD).major_string(), "40.50");
    assert_eq!(Money::new(4000, Currency::USD).major_string(), "40.00");
    assert_eq!(Money::new(500, Currency::JPY).major_string(), "500");
    assert_eq!(Money::new(1500, code("BHD")).major_string(), "1.500");
    assert_eq!(Money::new(7, Currency::GBP).major_string(), "0.07");
    assert_eq!(Money::new(1_250_000, Currency::USD).major_string(), "12500.00", "no grouping");
}

fn listed() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::all().to_vec())
}

proptest! {
    #[test]
    fn every_accepted_amount_round_trips_through_the_form(currency in listed(), fraction in 0.0f64..=1.0) {
        let max = Money::MAX_MAJOR * 10i64.pow(currency.exponent());
        let minor = (max as f64 * fraction) as i64;
        let money = Money::new(minor, currency);
        prop_assert_eq!(Money::parse_major(&money.major_string(), currency), Ok(money));
    }

    #[test]
    fn parse_major_never_panics_and_accepts_only_what_it_can_show(input in "\\PC{0,24}", currency in listed()) {
        if let Ok(money) = Money::parse_major(&input, currency) {
            prop_assert!(money.minor >= 0);
            prop_assert!(money.minor <= Money::MAX_MAJOR * 10i64.pow(currency.exponent()));
            prop_assert_eq!(Money::parse_major(&money.major_string(), currency), Ok(money));
        }
    }

    #[test]
    fn digit_strings_parse_to_their_value(whole in 0u32..=1_000_000, cents in 0u32..100) {
        let text = format!("{whole}.{cents:02}");
        let expected = i64::from(whole) * 100 + i64::from(cents);
        let result = Money::parse_major(&text, Currency::USD).map(|m| m.minor);
        if expected <= 100_000_000 {
            prop_assert_eq!(result, Ok(expected));
        } else {
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn display_never_panics(minor in any::<i64>(), currency in listed()) {
        let shown = Money::new(minor, currency).to_string();
        prop_assert!(shown.contains(currency.symbol().unwrap_or(currency.code())));
    }
}
