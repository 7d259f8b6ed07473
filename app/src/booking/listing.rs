//! What a mentor types into their listing, and what a visitor types into the directory's search,
//! parsed once into domain values (shared by the server and the browser's checks).

use super::domain::Visibility;
use super::slots::WeeklyWindow;
use crate::accounts::profile::{TagList, TimeZoneName};
use crate::careers::CareerCode;
use crate::domain::{Currency, FieldErrors, Money, Parse, ValidationError};
use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// A listing as its form sends it: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListingForm {
    pub headline: String,
    pub bio: String,
    pub expertise: String,
    pub years_experience: String,
    pub languages: String,
    pub career_codes: String,
    pub time_zone: String,
    pub meeting_url: String,
    /// A checkbox: absent from the form when unticked.
    #[serde(default)]
    pub requires_approval: bool,
    pub visibility: String,
    pub contact_note: String,
    pub buffer_before_minutes: String,
    pub buffer_after_minutes: String,
    pub minimum_notice_hours: String,
    pub horizon_days: String,
    pub daily_cap: String,
    pub free_cancellation_hours: String,
}

/// A listing, valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub headline: String,
    pub bio: String,
    pub expertise: Vec<String>,
    pub years_experience: i32,
    pub languages: Vec<String>,
    pub career_codes: Vec<CareerCode>,
    pub time_zone: TimeZoneName,
    pub meeting_url: Option<String>,
    pub requires_approval: bool,
    pub visibility: Visibility,
    pub contact_note: String,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub minimum_notice_minutes: i32,
    pub horizon_days: i32,
    pub daily_cap: Option<i32>,
    pub free_cancellation_hours: i32,
}

fn text(errors: &mut FieldErrors, field: &str, input: &str, max: usize, what: &str) -> String {
    let value = input.trim().replace("\r\n", "\n");
    if value.chars().count() > max {
        errors.add(field, format!("{what} has at most {max} characters ({} now).", value.chars().count()));
    }
    value
}

/// A whole number from `low` to `high`, named `what` in the message.
pub fn number_between(input: &str, low: i32, high: i32, what: &str) -> Result<i32, ValidationError> {
    match input.trim().parse::<i32>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        _ => Err(ValidationError(format!("{what} is a whole number from {low} to {high}."))),
    }
}

/// An https address of at most 500 characters (where the session happens).
pub fn meeting_url(input: &str) -> Result<Option<String>, ValidationError> {
    let url = input.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let ok = url.len() <= 500
        && url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(url.to_string()))
    } else {
        Err(ValidationError("Give the meeting link as a full https:// address, such as https://meet.example.com/you.".into()))
    }
}

impl ListingForm {
    pub fn parse(&self) -> Result<Listing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let headline = text(&mut errors, "headline", &self.headline, 160, "Your headline");
        let bio = text(&mut errors, "bio", &self.bio, 4000, "Your introduction");
        if bio.chars().count() < 40 && errors.field("bio").is_none() {
            errors.add("bio", "Introduce yourself in at least 40 characters: what you do and how you can help.");
        }
        let expertise = errors.check("expertise", TagList::parse(&self.expertise, "areas of expertise"));
        if expertise.as_ref().is_some_and(|tags| tags.items().is_empty()) {
            errors.add("expertise", "List at least one area of expertise, such as nursing or software engineering.");
        }
        let years = errors.check("years_experience", number_between(&self.years_experience, 0, 70, "Years of experience"));
        let languages = errors.check("languages", TagList::parse(&self.languages, "languages"));
        let mut career_codes = Vec::new();
        for code in self.career_codes.split([',', ' ', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
            match CareerCode::parse(code) {
                Ok(code) if !career_codes.contains(&code) => career_codes.push(code),
                Ok(_) => {}
                Err(error) => {
                    errors.add("career_codes", error.0);
                    break;
                }
            }
        }
        if career_codes.len() > 12 {
            errors.add("career_codes", "List at most 12 careers.");
        }
        let time_zone = errors.parse::<TimeZoneName>("time_zone", &self.time_zone);
        let meeting_url = errors.check("meeting_url", meeting_url(&self.meeting_url));
        let visibility = match self.visibility.as_str() {
            "public" => Some(Visibility::Public),
            "organization" | "" => Some(Visibility::Organization),
            _ => {
                errors.add("visibility", "Choose who sees your listing.");
                None
            }
        };
        let contact_note = text(&mut errors, "contact_note", &self.contact_note, 300, "How to reach you");
        let before = errors.check("buffer_before_minutes", number_between(&self.buffer_before_minutes, 0, 120, "The break before a session (minutes)"));
        let after = errors.check("buffer_after_minutes", number_between(&self.buffer_after_minutes, 0, 120, "The break after a session (minutes)"));
        let notice = errors.check("minimum_notice_hours", number_between(&self.minimum_notice_hours, 0, 336, "The notice you need (hours)"));
        let horizon = errors.check("horizon_days", number_between(&self.horizon_days, 1, 90, "How far ahead students may book (days)"));
        let cap = if self.daily_cap.trim().is_empty() {
            Some(None)
        } else {
            errors.check("daily_cap", number_between(&self.daily_cap, 1, 24, "Sessions a day at most").map(Some))
        };
        let free_hours = errors.check("free_cancellation_hours", number_between(&self.free_cancellation_hours, 0, 168, "Free cancellation (hours before)"));
        errors.finish_with(|| {
            Some(Listing {
                headline,
                bio,
                expertise: expertise?.items().to_vec(),
                years_experience: years?,
                languages: languages?.items().to_vec(),
                career_codes,
                time_zone: time_zone?,
                meeting_url: meeting_url?,
                requires_approval: self.requires_approval,
                visibility: visibility?,
                contact_note,
                buffer_before_minutes: before?,
                buffer_after_minutes: after?,
                minimum_notice_minutes: notice? * 60,
                horizon_days: horizon?,
                daily_cap: cap?,
                free_cancellation_hours: free_hours?,
            })
        })
    }
}

/// A session type as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionTypeForm {
    /// Blank for a new one.
    pub id: String,
    pub title: String,
    pub description: String,
    pub duration_minutes: String,
    /// In major units ("40.00"); blank or 0 for a free session.
    pub price: String,
    pub currency: String,
    /// A checkbox: absent from the form when unticked.
    #[serde(default)]
    pub free_intro: bool,
}

/// Session lengths a listing may offer, in minutes.
pub const DURATIONS: [u32; 8] = [15, 20, 30, 45, 60, 75, 90, 120];

#[derive(Debug, Clone, PartialEq)]
pub struct SessionTypeInput {
    pub id: Option<uuid::Uuid>,
    pub title: String,
    pub description: String,
    pub duration_minutes: u32,
    pub price: Money,
    pub is_free_intro: bool,
}

impl SessionTypeForm {
    pub fn parse(&self) -> Result<SessionTypeInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = if self.id.trim().is_empty() {
            Some(None)
        } else {
            errors.check("id", self.id.trim().parse().map(Some).map_err(|_| ValidationError("This session type no longer exists; reload the page.".into())))
        };
        let title = text(&mut errors, "title", &self.title, 80, "The title");
        if title.chars().count() < 2 {
            errors.add("title", "Give the session a title, such as \u{201c}Portfolio review\u{201d}.");
        }
        let description = text(&mut errors, "description", &self.description, 500, "The description");
        let duration = match self.duration_minutes.trim().parse::<u32>() {
            Ok(minutes) if DURATIONS.contains(&minutes) => Some(minutes),
            _ => {
                errors.add("duration_minutes", "Choose a length from the list.");
                None
            }
        };
        let currency = errors.parse::<Currency>("currency", &self.currency);
        let price = currency.and_then(|currency| {
            if self.price.trim().is_empty() {
                Some(Money { minor: 0, currency })
            } else {
                errors.check("price", Money::parse_major(&self.price, currency))
            }
        });
        if self.free_intro && price.as_ref().is_some_and(|price| price.minor != 0) {
            errors.add("price", "A free introduction has no price: clear it, or untick \u{201c}free introduction\u{201d}.");
        }
        errors.finish_with(|| {
            Some(SessionTypeInput { id: id?, title, description, duration_minutes: duration?, price: price?, is_free_intro: self.free_intro })
        })
    }
}

/// Windows typed as "09:00-12:00, 13:30-17:00" (blank: none), sorted, not overlapping.
pub fn parse_windows(input: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, ValidationError> {
    let mut windows = Vec::new();
    for part in input.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((start, end)) = part.split_once(['-', '–']) else {
            return Err(ValidationError(format!("Write \u{201c}{part}\u{201d} as a start and end, such as 09:00-12:00.")));
        };
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M");
        let (Ok(start), Ok(end)) = (time(start), time(end)) else {
            return Err(ValidationError(format!("\u{201c}{part}\u{201d} isn't two times of day such as 09:00-12:00 (24-hour clock).")));
        };
        if end <= start {
            return Err(ValidationError(format!("In \u{201c}{part}\u{201d} the end comes before the start; hours end by 23:59 the same day.")));
        }
        windows.push((start, end));
    }
    windows.sort();
    if windows.windows(2).any(|pair| pair[1].0 < pair[0].1) {
        return Err(ValidationError("These hours overlap; join them into one range.".into()));
    }
    Ok(windows)
}

/// The weekly hours form: one text field per weekday, Monday first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WeeklyHoursForm {
    pub days: [String; 7],
}

pub const WEEKDAYS: [Weekday; 7] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

impl WeeklyHoursForm {
    pub fn parse(&self) -> Result<Vec<WeeklyWindow>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut all = Vec::new();
        for (day, input) in WEEKDAYS.iter().zip(&self.days) {
            let field = weekday_name(*day).to_lowercase();
            if let Some(windows) = errors.check(&field, parse_windows(input)) {
                all.extend(windows.into_iter().map(|(start, end)| WeeklyWindow { weekday: *day, start, end }));
            }
        }
        errors.finish_with(|| Some(all))
    }

    /// The form filled from saved hours.
    pub fn from_windows(windows: &[WeeklyWindow]) -> Self {
        let mut days: [String; 7] = Default::default();
        for (slot, day) in days.iter_mut().zip(WEEKDAYS) {
            *slot = windows
                .iter()
                .filter(|w| w.weekday == day)
                .map(|w| format!("{}-{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", ");
        }
        Self { days }
    }
}

/// A date override as its form sends it: blank hours make the date a day off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DateOverrideForm {
    pub date: String,
    pub hours: String,
    pub note: String,
}

/// A date override, valid: the date, its hours (none: a day off), the note.
pub type DateOverrideInput = (NaiveDate, Vec<(NaiveTime, NaiveTime)>, String);

impl DateOverrideForm {
    pub fn parse(&self, today: NaiveDate) -> Result<DateOverrideInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let date = match NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d") {
            Ok(date) if date < today => {
                errors.add("date", "Choose today or a later date.");
                None
            }
            Ok(date) if date > today + chrono::Duration::days(366) => {
                errors.add("date", "Choose a date within the next year.");
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                errors.add("date", "Give the date as year-month-day, such as 2026-12-24.");
                None
            }
        };
        let windows = errors.check("hours", parse_windows(&self.hours));
        let note = text(&mut errors, "note", &self.note, 200, "The note");
        errors.finish_with(|| Some((date?, windows?, note)))
    }
}

/// The directory's search as its GET form sends it (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    pub q: String,
    pub expertise: String,
    pub language: String,
    pub min_price: String,
    pub max_price: String,
    /// "on" when only mentors with a free time in the next 7 days are wanted.
    pub free_week: String,
    pub min_rating: String,
    pub page: String,
}

/// A directory search, valid. Prices are in the listing's own minor units (compared as numbers:
/// a filter in one currency over mentors who price in another would mislead, so the page says
/// the range applies to prices in the currency shown).
#[derive(Debug, Clone, PartialEq)]
pub struct DirectorySearch {
    pub text: String,
    pub expertise: Option<String>,
    pub language: Option<String>,
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    pub free_within_week: bool,
    pub min_rating: Option<f64>,
    pub page: u32,
}

pub const DIRECTORY_PAGE_SIZE: u32 = 12;

impl DirectoryQuery {
    pub fn parse(&self) -> Result<DirectorySearch, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = self.q.trim().chars().take(200).collect::<String>();
        let blank = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let usd = Currency::parse("USD").ok();
        let mut price = |field: &str, input: &str| -> Option<i64> {
            let currency = usd?;
            if input.trim().is_empty() {
                return None;
            }
            errors.check(field, Money::parse_major(input, currency)).map(|m| m.minor)
        };
        let min_price_minor = price("min_price", &self.min_price);
        let max_price_minor = price("max_price", &self.max_price);
        if let (Some(low), Some(high)) = (min_price_minor, max_price_minor) {
            if low > high {
                errors.add("max_price", "The highest price is below the lowest.");
            }
        }
        let min_rating = match self.min_rating.trim() {
            "" => None,
            value => match value.parse::<f64>() {
                Ok(r) if (1.0..=5.0).contains(&r) => Some(r),
                _ => {
                    errors.add("min_rating", "Choose a rating from the list.");
                    None
                }
            },
        };
        let page = match self.page.trim() {
            "" => 1,
            value => value.parse::<u32>().ok().filter(|p| (1..=1000).contains(p)).unwrap_or_else(|| {
                errors.add("page", "That page doesn't exist.");
                1
            }),
        };
        errors.finish()?;
        Ok(DirectorySearch {
            text,
            expertise: blank(&self.expertise),
            language: blank(&self.language),
            min_price_minor,
            max_price_minor,
            free_within_week: !self.free_week.trim().is_empty(),
            min_rating,
            page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_sort_and_refuse_overlaps() {
        let w = parse_windows("13:00-17:00, 09:00-12:00").unwrap();
        assert_eq!(w[0].0, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert!(parse_windows("09:00-12:00, 11:00-13:00").unwrap_err().0.contains("overlap"));
        assert!(parse_windows("12:00-09:00").unwrap_err().0.contains("end comes before"));
        assert!(parse_windows("9am-5pm").is_err());
        assert!(parse_windows("").unwrap().is_empty());
    }

    #[test]
    fn weekly_hours_round_trip() {
        let mut form = WeeklyHoursForm::default();
        form.days[0] = "09:00-12:00, 13:00-17:00".into();
        form.days[4] = "10:00-11:30".into();
        let windows = form.parse().unwrap();
        assert_eq!(windows.len(), 3);
        assert_eq!(WeeklyHoursForm::from_windows(&windows), form);
        form.days[2] = "nonsense".into();
        assert!(form.parse().unwrap_err().field("wednesday").is_some());
    }

    #[test]
    fn a_listing_names_each_bad_field() {
        let form = ListingForm { bio: "short".into(), years_experience: "200".into(), time_zone: "Mars/Olympus".into(), meeting_url: "http://x".into(), ..Default::default() };
        let errors = form.parse().unwrap_err();
        for field in ["bio", "expertise", "years_experience", "time_zone", "meeting_url", "buffer_before_minutes"] {
            assert!(errors.field(field).is_some(), "{field}: {errors}");
        }
    }

    #[test]
    fn a_free_intro_has_no_price() {
        let form = SessionTypeForm { title: "Intro".into(), duration_minutes: "15".into(), price: "10".into(), currency: "USD".into(), free_intro: true, ..Default::default() };
        assert!(form.parse().unwrap_err().field("price").is_some());
        let form = SessionTypeForm { price: String::new(), ..form };
        assert_eq!(form.parse().unwrap().price.minor, 0);
    }

    #[test]
    fn directory_query_refuses_a_reversed_price_range() {
        let query = DirectoryQuery { min_price: "50".into(), max_price: "10".into(), ..Default::default() };
        assert!(query.parse().unwrap_err().field("max_price").is_some());
        let query = DirectoryQuery { q: "nurse".into(), free_week: "on".into(), ..Default::default() };
        let search = query.parse().unwrap();
        assert!(search.free_within_week);
        assert_eq!(search.page, 1);
    }
}
