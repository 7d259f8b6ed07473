//! One validation pattern for every form: domain newtypes implement [`Parse`] (parse, don't
//! validate), and a form's handler collects every field's complaint in one [`FieldErrors`], which
//! crosses the wire inside `AppError::Invalid` so the browser shows each message beside its field.
//! The same code runs in the browser and on the server, so both say the same thing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a value was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValidationError(pub String);

impl ValidationError {
    pub fn new(message: impl Into<String>) -> Self {
        ValidationError(message.into())
    }
}

/// A domain type made only from input it accepts. Types that need more than the text (a
/// password, checked against the person's own username) keep a `parse` of their own.
pub trait Parse: Sized {
    fn parse(input: &str) -> Result<Self, ValidationError>;
}

/// One message, about one form field (its `name`) or about the form as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: Option<String>,
    pub message: String,
}

/// Everything wrong with a submission at once, in the order the form shows its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(Vec<FieldMessage>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `input` for `field`; on refusal notes the message and gives `None`.
    pub fn parse<T: Parse>(&mut self, field: &str, input: &str) -> Option<T> {
        self.check(field, T::parse(input))
    }

    /// Keeps `result`'s value, or notes its message against `field` and gives `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|error| self.add(field, error.0)).ok()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldMessage { field: Some(field.to_string()), message: message.into() });
    }

    /// A message about the form as a whole (shown above it).
    pub fn add_general(&mut self, message: impl Into<String>) {
        self.0.push(FieldMessage { field: None, message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message about `field`, to show beside it.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|m| m.field.as_deref() == Some(field)).map(|m| m.message.as_str())
    }

    pub fn messages(&self) -> impl Iterator<Item = &FieldMessage> {
        self.0.iter()
    }

    /// `Ok(())` when nothing was refused, otherwise every message at once.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// `Ok(value)` when every field parsed (then `value` is `Some`), otherwise every message.
    /// `value` is built only from the parsed fields, e.g. `errors.finish_with(|| Some(Form { a: a?, b: b? }))`.
    pub fn finish_with<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        self.finish()?;
        value().ok_or_else(|| {
            let mut missing = FieldErrors::new();
            missing.add_general("Some of that information isn't valid.");
            missing
        })
    }
}

/// A message about the whole form (`AppError::invalid("...")`).
impl From<String> for FieldErrors {
    fn from(message: String) -> Self {
        FieldErrors(vec![FieldMessage { field: None, message }])
    }
}

impl From<&str> for FieldErrors {
    fn from(message: &str) -> Self {
        FieldErrors::from(message.to_string())
    }
}

impl From<ValidationError> for FieldErrors {
    fn from(error: ValidationError) -> Self {
        FieldErrors::from(error.0)
    }
}

/// Every message, in order, as one sentence run (the form's summary).
impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for message in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(&message.message)?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Even(u32);
    impl Parse for Even {
        fn parse(input: &str) -> Result<Self, ValidationError> {
            match input.trim().parse::<u32>() {
                Ok(n) if n % 2 == 0 => Ok(Even(n)),
                _ => Err(ValidationError::new(format!("{input} isn't an even number."))),
            }
        }
    }

    #[test]
    fn every_refused_field_is_kept_with_its_name_in_order() {
        let mut errors = FieldErrors::new();
        let a = errors.parse::<Even>("a", "3");
        let b = errors.parse::<Even>("b", "4");
        let c = errors.parse::<Even>("c", "x");
        assert!(a.is_none() && c.is_none());
        assert_eq!(b.map(|b| b.0), Some(4));
        assert_eq!(errors.field("a"), Some("3 isn't an even number."));
        assert_eq!(errors.field("b"), None);
        assert_eq!(errors.to_string(), "3 isn't an even number. x isn't an even number.");
        assert!(errors.finish().is_err());
    }

    #[test]
    fn nothing_refused_finishes_with_the_value() {
        let mut errors = FieldErrors::new();
        let a = errors.parse::<Even>("a", "2");
        assert_eq!(errors.finish_with(|| Some(a?.0)).unwrap(), 2);
    }

    #[test]
    fn a_plain_message_is_about_the_whole_form() {
        let errors = FieldErrors::from("Wrong email, username or password.");
        assert_eq!(errors.messages().next().unwrap().field, None);
        assert_eq!(errors.to_string(), "Wrong email, username or password.");
    }
}
