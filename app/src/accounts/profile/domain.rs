//! Profile domain types shared by the editor in the browser and the server.

use crate::accounts::PersonName;
use crate::domain::{FieldErrors, Parse, Role, ValidationError};
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => ($value:literal, $label:literal)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $value),* } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),* } }
            /// Blank means "not given".
            pub fn parse_optional(input: &str) -> Result<Option<Self>, ValidationError> {
                let input = input.trim();
                if input.is_empty() {
                    return Ok(None);
                }
                Self::ALL.iter().copied().find(|v| v.as_str() == input).map(Some)
                    .ok_or_else(|| ValidationError(format!("Choose {} from the list.", $what)))
            }
        }
    };
}

labelled_enum!(
    /// The highest education someone has completed or is in (`education_level` in PostgreSQL).
    #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
    #[cfg_attr(feature = "ssr", sqlx(type_name = "education_level", rename_all = "snake_case"))]
    EducationLevel, "an education level", {
    Secondary => ("secondary", "Secondary school"),
    Vocational => ("vocational", "Vocational training"),
    SomeCollege => ("some_college", "Some college"),
    Associate => ("associate", "Associate degree"),
    Bachelor => ("bachelor", "Bachelor's degree"),
    Master => ("master", "Master's degree"),
    Doctorate => ("doctorate", "Doctorate"),
    Other => ("other", "Other"),
});

labelled_enum!(
    /// Where someone is in their working life (`career_status` in PostgreSQL).
    #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
    #[cfg_attr(feature = "ssr", sqlx(type_name = "career_status", rename_all = "snake_case"))]
    CareerStatus, "a current status", {
    Student => ("student", "Student"),
    Graduate => ("graduate", "Recent graduate"),
    CareerChanger => ("career_changer", "Changing careers"),
    Employed => ("employed", "Employed"),
    JobSeeker => ("job_seeker", "Looking for work"),
    Returning => ("returning", "Returning to work"),
    Other => ("other", "Other"),
});

labelled_enum!(
    /// How someone prefers to meet a mentor (kept in the `preferences` JSON, not a column).
    SessionFormat, "a session format", {
    NoPreference => ("no_preference", "No preference"),
    Video => ("video", "Video call"),
    Phone => ("phone", "Phone call"),
    InPerson => ("in_person", "In person"),
});

/// Optional free text with an upper bound ("" means not given).
fn optional_text(input: &str, max: usize, what: &str) -> Result<Option<String>, ValidationError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let length = text.chars().count();
    if length > max {
        return Err(ValidationError(format!("{what} has at most {max} characters ({length} now).")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ValidationError(format!("{what} can't contain control characters.")));
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

/// An IANA time zone name from the tz database (Europe/Lisbon, America/Chicago, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let name = input.trim();
        name.parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_string()))
            .map_err(|_| ValidationError(format!("\u{201c}{name}\u{201d} isn't a time zone we know. Pick one from the list.")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The zones offered in the picker: UTC and the canonical Region/City names, sorted.
    pub fn choices() -> Vec<&'static str> {
        const REGIONS: [&str; 9] =
            ["Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/"];
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|name| REGIONS.iter().any(|region| name.starts_with(region)))
            .collect();
        names.sort_unstable();
        names.insert(0, "UTC");
        names
    }
}

impl Parse for TimeZoneName {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        TimeZoneName::parse(input)
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<TimeZoneName> for String {
    fn from(value: TimeZoneName) -> String {
        value.0
    }
}

/// A short list typed as comma-separated phrases ("design, data science"): trimmed, de-duplicated
/// without regard to case, each 1 to 60 characters, at most 10.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TagList(Vec<String>);

impl TagList {
    pub const MAX_ITEMS: usize = 10;
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str, what: &str) -> Result<Self, ValidationError> {
        let mut items: Vec<String> = Vec::new();
        for item in input.split([',', '\n']).map(str::trim).filter(|item| !item.is_empty()) {
            if item.chars().count() > Self::MAX_CHARS {
                return Err(ValidationError(format!(
                    "Each of your {what} has at most {} characters; \u{201c}{}…\u{201d} is longer.",
                    Self::MAX_CHARS,
                    item.chars().take(20).collect::<String>()
                )));
            }
            if item.chars().any(char::is_control) {
                return Err(ValidationError(format!("Your {what} can't contain control characters.")));
            }
            if !items.iter().any(|seen| seen.to_lowercase() == item.to_lowercase()) {
                items.push(item.to_string());
            }
        }
        if items.len() > Self::MAX_ITEMS {
            return Err(ValidationError(format!("List at most {} {what} ({} now).", Self::MAX_ITEMS, items.len())));
        }
        Ok(Self(items))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }

    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

/// Up to 5 web links (a portfolio, LinkedIn), one per line, each http(s) and at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileLinks(Vec<String>);

impl ProfileLinks {
    pub const MAX_ITEMS: usize = 5;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let mut links = Vec::new();
        for line in input.lines().map(str::trim).filter(|line| !line.is_empty()) {
            let rest = line.strip_prefix("https://").or_else(|| line.strip_prefix("http://"));
            let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            let well_formed = line.len() <= 300
                && !line.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
                && host.is_some_and(|host| {
                    host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.contains('@')
                });
            if !well_formed {
                return Err(ValidationError(format!(
                    "\u{201c}{}\u{201d} isn't a web link. Links start with https:// (one per line).",
                    line.chars().take(60).collect::<String>()
                )));
            }
            if !links.contains(&line.to_string()) {
                links.push(line.to_string());
            }
        }
        if links.len() > Self::MAX_ITEMS {
            return Err(ValidationError(format!("Add at most {} links ({} now).", Self::MAX_ITEMS, links.len())));
        }
        Ok(Self(links))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }
}

impl Parse for ProfileLinks {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        ProfileLinks::parse(input)
    }
}

/// Settings kept in `user_profiles.preferences` (jsonb). Unknown keys are ignored on read, and
/// missing ones take their defaults, so older rows always load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub email_reminders: bool,
    pub weekly_digest: bool,
    pub session_format: SessionFormat,
}

impl Default for Preferences {
    fn default() -> Self {
        Self { email_reminders: true, weekly_digest: false, session_format: SessionFormat::NoPreference }
    }
}

/// A profile as its owner sees and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub organization_name: String,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub current_status: Option<CareerStatus>,
    pub location: Option<String>,
    pub time_zone: String,
    pub interests: Vec<String>,
    pub target_roles: Vec<String>,
    pub links: Vec<String>,
    pub preferences: Preferences,
}

/// A checked edit, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub current_status: Option<CareerStatus>,
    pub location: Option<String>,
    pub time_zone: TimeZoneName,
    pub interests: TagList,
    pub target_roles: TagList,
    pub links: ProfileLinks,
    pub preferences: Preferences,
}

/// The editor's per-field checks as the person types (the same rules [`ProfileUpdate::parse`]
/// applies on submit).
pub fn check_headline(value: &str) -> Option<String> {
    optional_text(value, 160, "A headline").err().map(|e| e.0)
}
pub fn check_bio(value: &str) -> Option<String> {
    optional_text(value, 4000, "Your bio").err().map(|e| e.0)
}
pub fn check_location(value: &str) -> Option<String> {
    optional_text(value, 120, "A location").err().map(|e| e.0)
}
pub fn check_interests(value: &str) -> Option<String> {
    TagList::parse(value, "interests").err().map(|e| e.0)
}
pub fn check_target_roles(value: &str) -> Option<String> {
    TagList::parse(value, "target roles").err().map(|e| e.0)
}

#[allow(clippy::too_many_arguments)]
impl ProfileUpdate {
    /// Every field's complaint at once, in form order, each under its input's name.
    pub fn parse(
        first_name: &str,
        last_name: &str,
        headline: &str,
        bio: &str,
        education_level: &str,
        current_status: &str,
        location: &str,
        time_zone: &str,
        interests: &str,
        target_roles: &str,
        links: &str,
        preferences: Preferences,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = errors.parse::<PersonName>("first_name", first_name);
        let last_name = errors.parse::<PersonName>("last_name", last_name);
        let headline = errors.check("headline", optional_text(headline, 160, "A headline"));
        let bio = errors.check("bio", optional_text(bio, 4000, "Your bio"));
        let education_level = errors.check("education_level", EducationLevel::parse_optional(education_level));
        let current_status = errors.check("current_status", CareerStatus::parse_optional(current_status));
        let location = errors.check("location", optional_text(location, 120, "A location"));
        let time_zone = errors.parse::<TimeZoneName>("time_zone", time_zone);
        let interests = errors.check("interests", TagList::parse(interests, "interests"));
        let target_roles = errors.check("target_roles", TagList::parse(target_roles, "target roles"));
        let links = errors.parse::<ProfileLinks>("links", links);
        errors.finish_with(|| {
            Some(Self {
                first_name: first_name?,
                last_name: last_name?,
                headline: headline?,
                bio: bio?,
                education_level: education_level?,
                current_status: current_status?,
                location: location?,
                time_zone: time_zone?,
                interests: interests?,
                target_roles: target_roles?,
                links: links?,
                preferences,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(TimeZoneName::parse("Europe/Lisbon").unwrap().as_str(), "Europe/Lisbon");
        assert!(TimeZoneName::parse("Mars/Olympus").unwrap_err().0.contains("isn't a time zone"));
        let choices = TimeZoneName::choices();
        assert_eq!(choices[0], "UTC");
        assert!(choices.contains(&"America/Chicago") && choices.len() > 300);
        assert!(choices.iter().all(|name| TimeZoneName::parse(name).is_ok()));
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let tags = TagList::parse(" design, Data science,design ,, DESIGN", "interests").unwrap();
        assert_eq!(tags.items(), ["design", "Data science"]);
        let eleven = (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
        assert!(TagList::parse(&eleven, "interests").unwrap_err().0.contains("at most 10 interests"));
        assert!(TagList::parse(&"x".repeat(61), "interests").unwrap_err().0.contains("at most 60"));
    }

    #[test]
    fn links_must_be_web_links() {
        assert_eq!(ProfileLinks::parse("https://example.org/me\n\nhttp://a.b").unwrap().items().len(), 2);
        assert!(ProfileLinks::parse("javascript:alert(1)").unwrap_err().0.contains("isn't a web link"));
        assert!(ProfileLinks::parse("https://localhost").is_err());
        assert!(ProfileLinks::parse("https://exa mple.org").is_err());
        assert!(ProfileLinks::parse(&"https://a.b/\n".repeat(1)).is_ok());
    }

    #[test]
    fn a_profile_update_reports_every_bad_field() {
        let errors = ProfileUpdate::parse(
            "",
            "Lovelace",
            &"h".repeat(161),
            "",
            "wizard",
            "",
            "",
            "Nowhere/Land",
            "",
            "",
            "ftp://x",
            Preferences::default(),
        )
        .unwrap_err();
        let messages: Vec<String> = errors.messages().map(|m| m.message.clone()).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert!(messages[1].contains("A headline has at most 160 characters (161 now)"));
        assert_eq!(errors.field("headline"), Some(messages[1].as_str()));
    }

    #[test]
    fn preferences_fill_in_missing_keys() {
        let prefs: Preferences = serde_json::from_str(r#"{"weekly_digest": true, "unknown": 1}"#).unwrap();
        assert_eq!(prefs, Preferences { weekly_digest: true, ..Preferences::default() });
    }
}
