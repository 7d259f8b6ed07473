//! Money: an amount in a currency's minor units (cents, pence; yen have none; dinars have
//! thousandths), so sums are exact. [`Currency`] is an ISO 4217 code from a built-in list that
//! knows each currency's decimal places; [`Money`] reads what a person types in major units
//! ("40.50") and shows amounts as people write them ("$40.50", "¥500", "BHD 1.500").

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::{Parse, ValidationError};

/// A currency from the built-in list; its code is three uppercase letters (ISO 4217).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Currency {
    code: &'static str,
    exponent: u32,
    symbol: Option<&'static str>,
}

const fn currency(code: &'static str, exponent: u32, symbol: Option<&'static str>) -> Currency {
    Currency { code, exponent, symbol }
}

/// The currencies Waypoint prices in: code, decimal places (ISO 4217), and a symbol only where
/// it is unambiguous to an English reader (others show their code, e.g. "CHF 40.00").
const CURRENCIES: &[Currency] = &[
    Currency::USD,
    Currency::EUR,
    Currency::GBP,
    Currency::JPY,
    currency("CAD", 2, Some("CA$")),
    currency("AUD", 2, Some("A$")),
    currency("NZD", 2, Some("NZ$")),
    currency("CHF", 2, None),
    currency("CNY", 2, Some("CN¥")),
    currency("HKD", 2, Some("HK$")),
    currency("SGD", 2, Some("S$")),
    currency("INR", 2, Some("₹")),
    currency("KRW", 0, Some("₩")),
    currency("MXN", 2, Some("MX$")),
    currency("BRL", 2, Some("R$")),
    currency("ZAR", 2, Some("R")),
    currency("SEK", 2, None),
    currency("NOK", 2, None),
    currency("DKK", 2, None),
    currency("PLN", 2, Some("zł")),
    currency("CZK", 2, None),
    currency("HUF", 2, None),
    currency("ISK", 0, None),
    currency("TRY", 2, Some("₺")),
    currency("ILS", 2, Some("₪")),
    currency("AED", 2, None),
    currency("SAR", 2, None),
    currency("BHD", 3, None),
    currency("KWD", 3, None),
    currency("OMR", 3, None),
    currency("JOD", 3, None),
    currency("TND", 3, None),
    currency("EGP", 2, None),
    currency("NGN", 2, Some("₦")),
    currency("KES", 2, None),
    currency("THB", 2, Some("฿")),
    currency("MYR", 2, None),
    currency("IDR", 2, None),
    currency("PHP", 2, Some("₱")),
    currency("VND", 0, Some("₫")),
    currency("TWD", 2, Some("NT$")),
    currency("PKR", 2, None),
    currency("CLP", 0, None),
    currency("COP", 2, None),
    currency("ARS", 2, None),
    currency("PEN", 2, None),
    currency("UAH", 2, Some("₴")),
];

impl Currency {
    pub const USD: Currency = currency("USD", 2, Some("$"));
    pub const EUR: Currency = currency("EUR", 2, Some("€"));
    pub const GBP: Currency = currency("GBP", 2, Some("£"));
    pub const JPY: Currency = currency("JPY", 0, Some("¥"));

    /// Every currency on the list, in the order a form offers them.
    pub fn all() -> &'static [Currency] {
        CURRENCIES
    }

    /// The currency with this exact code, if it is on the list.
    pub fn from_code(code: &str) -> Option<Currency> {
        CURRENCIES.iter().copied().find(|c| c.code == code)
    }

    /// Decimal places of the minor unit: JPY 0, USD 2, BHD 3.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    pub fn code(&self) -> &str {
        self.code
    }

    /// "$", "£", "¥"...; `None` where the code reads better (CHF, BHD).
    pub fn symbol(&self) -> Option<&'static str> {
        self.symbol
    }

    /// Minor units in one major unit: 1, 100 or 1000.
    fn minor_per_major(&self) -> i64 {
        10i64.pow(self.exponent)
    }
}

impl Parse for Currency {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let code = input.trim().to_ascii_uppercase();
        Currency::from_code(&code).ok_or_else(|| ValidationError::new("Choose a currency such as USD or EUR."))
    }
}

impl TryFrom<String> for Currency {
    type Error = ValidationError;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Currency::parse(&code)
    }
}

/// Written by hand: derived, the `&'static str` fields would make serde demand `'de: 'static`.
impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::try_from(code).map_err(serde::de::Error::custom)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.code.to_string()
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// An amount in `currency`'s minor units (cents for USD, yen for JPY, fils for BHD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    /// The most a price may be, in major units.
    pub const MAX_MAJOR: i64 = 1_000_000;

    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Reads an amount in major units as typed into a form: "40", "40.5", "40.50".
    /// Refuses signs, separators, more decimals than the currency has, and more than
    /// [`Money::MAX_MAJOR`].
    pub fn parse_major(input: &str, currency: Currency) -> Result<Money, ValidationError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ValidationError::new("Enter an amount, such as 40."));
        }
        if text.starts_with('-') {
            return Err(ValidationError::new("An amount can't be negative."));
        }
        if text.contains(',') {
            return Err(ValidationError::new(
                "Enter the amount without commas, using a dot for decimals, such as 1250.50.",
            ));
        }
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        let well_formed =
            digits_only(whole) && fraction.is_none_or(|f| digits_only(f) && !f.is_empty()) && !whole.is_empty();
        if !well_formed {
            return Err(ValidationError::new(format!(
                "\u{201c}{text}\u{201d} isn't an amount. Use digits, such as 40 or 40.50."
            )));
        }
        let fraction = fraction.unwrap_or("");
        let places = currency.exponent() as usize;
        if fraction.len() > places {
            return Err(ValidationError::new(match places {
                0 => format!("{} amounts are whole numbers, with no decimals.", currency.code()),
                1 => format!("{} amounts have at most 1 decimal place.", currency.code()),
                _ => format!("{} amounts have at most {places} decimal places.", currency.code()),
            }));
        }
        let too_much = || ValidationError::new(format!("An amount can be at most 1,000,000 {}.", currency.code()));
        // Leading zeros are harmless; past seven significant digits it is over the limit anyway.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 7 {
            return Err(too_much());
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_much())? };
        let padded = format!("{fraction:0<places$}");
        let fraction: i64 = if padded.is_empty() { 0 } else { padded.parse().map_err(|_| too_much())? };
        let minor = whole * currency.minor_per_major() + fraction;
        if minor > Self::MAX_MAJOR * currency.minor_per_major() {
            return Err(too_much());
        }
        Ok(Money { minor, currency })
    }

    /// The amount in major units with all the currency's decimals and no symbol, for a form
    /// input: "40.50", "500", "1.500".
    pub fn major_string(&self) -> String {
        let (sign, whole, fraction) = self.parts();
        match fraction {
            Some(fraction) => format!("{sign}{whole}.{fraction}"),
            None => format!("{sign}{whole}"),
        }
    }

    /// Sign, whole major units, and the zero-padded minor digits (none for 0-exponent currencies).
    fn parts(&self) -> (&'static str, u64, Option<String>) {
        let sign = if self.minor < 0 { "-" } else { "" };
        let magnitude = self.minor.unsigned_abs();
        let per_major = 10u64.pow(self.currency.exponent());
        let places = self.currency.exponent() as usize;
        let fraction = (places > 0).then(|| format!("{:0places$}", magnitude % per_major));
        (sign, magnitude / per_major, fraction)
    }
}

/// Groups thousands with commas: 1250 → "1,250".
fn grouped(whole: u64) -> String {
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "$40.00", "£1,250.50", "¥500", "BHD 1.500", "-€3.00". A zero amount is "$0.00": whether
/// that reads "Free" is the page's choice.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, whole, fraction) = self.parts();
        f.write_str(sign)?;
        match self.currency.symbol() {
            Some(symbol) => f.write_str(symbol)?,
            None => write!(f, "{} ", self.currency.code())?,
        }
        f.write_str(&grouped(whole))?;
        if let Some(fraction) = fraction {
            write!(f, ".{fraction}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
