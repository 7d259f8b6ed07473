//! Careers' domain types, shared by browser and server: an O*NET-SOC code, a job zone, what a
//! career page and a list show, and the credit line the O*NET licence asks for.

use super::outlook::{BlsFilters, BlsSummary, CareerBls};
use crate::domain::{FieldErrors, Parse, ValidationError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The attribution O*NET's CC BY 4.0 licence asks for, shown verbatim on `/about` and on every
/// career page.
pub const ONET_CREDIT: &str = "This product includes information from the O*NET 29.3 Database by the U.S. Department of \
Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET(R) is a trademark of \
USDOL/ETA. Waypoint has modified all or some of this information. USDOL/ETA has not approved, endorsed, or tested these \
modifications.";

/// An O*NET-SOC 2019 occupation code, e.g. `15-1252.00`: two digits, a dash, four digits, a dot
/// and two digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CareerCode(String);

impl Parse for CareerCode {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let code = input.trim();
        let bytes = code.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                2 => *b == b'-',
                7 => *b == b'.',
                _ => b.is_ascii_digit(),
            });
        if well_formed {
            Ok(Self(code.to_string()))
        } else {
            let shown: String = code.chars().take(40).collect();
            Err(ValidationError(format!(
                "\u{201c}{shown}\u{201d} isn't an O*NET-SOC career code. Codes look like 15-1252.00: two digits, a dash, four digits, a dot and two digits."
            )))
        }
    }
}

impl CareerCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The career's page, `/careers/15-1252.00`.
    pub fn path(&self) -> String {
        format!("/careers/{}", self.0)
    }
}

impl TryFrom<String> for CareerCode {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CareerCode> for String {
    fn from(value: CareerCode) -> String {
        value.0
    }
}

impl fmt::Display for CareerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much preparation an occupation needs, O*NET's job zones 1 (little) to 5 (extensive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct JobZone(u8);

impl JobZone {
    pub const ALL: [JobZone; 5] = [JobZone(1), JobZone(2), JobZone(3), JobZone(4), JobZone(5)];

    pub fn new(zone: u8) -> Result<Self, ValidationError> {
        if (1..=5).contains(&zone) {
            Ok(Self(zone))
        } else {
            Err(ValidationError(format!(
                "There is no job zone {zone}. Job zones go from 1 (little preparation) to 5 (extensive preparation)."
            )))
        }
    }

    /// Blank means "any zone".
    pub fn parse_optional(input: &str) -> Result<Option<Self>, ValidationError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(input).map(Some)
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// O*NET's name for the zone, without the "Job Zone One:" prefix.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Little or No Preparation Needed",
            2 => "Some Preparation Needed",
            3 => "Medium Preparation Needed",
            4 => "Considerable Preparation Needed",
            _ => "Extensive Preparation Needed",
        }
    }

    /// "Job zone 3: Medium Preparation Needed"
    pub fn label(self) -> String {
        format!("Job zone {}: {}", self.0, self.name())
    }

    /// The education the zone's occupations usually ask for, in O*NET's words.
    pub fn education(self) -> &'static str {
        match self.0 {
            1 => "Some of these occupations may require a high school diploma or GED certificate.",
            2 => "These occupations usually require a high school diploma.",
            3 => "Most occupations in this zone require training in vocational schools, related on-the-job experience, or an associate's degree.",
            4 => "Most of these occupations require a four-year bachelor's degree, but some do not.",
            _ => "Most of these occupations require graduate school. For example, they may require a master's degree, and some require a Ph.D., M.D., or J.D. (law degree).",
        }
    }

    /// How long training takes, in short.
    pub fn training(self) -> &'static str {
        match self.0 {
            1 => "A few days to a few months of training; an experienced worker could usually show you how.",
            2 => "A few months to a year of working with experienced employees, or an apprenticeship.",
            3 => "One or two years of on-the-job experience and training, or an apprenticeship.",
            4 => "Several years of work-related experience, on-the-job or vocational training.",
            _ => "Most assume you already have the skills, knowledge and experience; many need more than five years.",
        }
    }
}

impl Parse for JobZone {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        match input.trim().parse::<u8>() {
            Ok(zone) => Self::new(zone),
            Err(_) => Err(ValidationError(
                "Choose a job zone from 1 (little preparation) to 5 (extensive preparation).".into(),
            )),
        }
    }
}

impl TryFrom<u8> for JobZone {
    type Error = ValidationError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<JobZone> for u8 {
    fn from(value: JobZone) -> u8 {
        value.0
    }
}

impl fmt::Display for JobZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A browse or search of the careers list, parsed from the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareerSearch {
    /// Words, each matched as a prefix of a word in the title or description ("nurs" finds
    /// nurses and nursing). Letters and digits only, so nothing typed reaches tsquery syntax.
    pub words: Vec<String>,
    /// A whole or partial O*NET-SOC code typed into the search box ("15-1252").
    pub code_prefix: Option<String>,
    pub zone: Option<JobZone>,
    pub page: i64,
    /// Typical entry education, outlook and the order (BLS figures).
    #[serde(default)]
    pub filters: BlsFilters,
}

impl CareerSearch {
    pub const PAGE_SIZE: i64 = 30;

    /// Parses the page's query string without the BLS filters.
    pub fn parse(q: &str, zone: &str, page: &str) -> Result<Self, FieldErrors> {
        Self::parse_with(q, zone, page, "", "", "")
    }

    /// Parses the page's query string; a bad `zone`, `page`, `education`, `outlook` or `sort` is
    /// refused against that field.
    pub fn parse_with(
        q: &str,
        zone: &str,
        page: &str,
        education: &str,
        outlook: &str,
        sort: &str,
    ) -> Result<Self, FieldErrors> {
        let q = q.trim();
        // "15-", "15-1252", "15-1252.00": the start of a code, matched against codes.
        let bytes = q.as_bytes();
        let looks_like_code = (3..=10).contains(&bytes.len())
            && bytes[..2].iter().all(u8::is_ascii_digit)
            && bytes[2] == b'-'
            && bytes[3..].iter().all(|b| b.is_ascii_digit() || *b == b'.');
        let (words, code_prefix) = if looks_like_code {
            (Vec::new(), Some(q.to_string()))
        } else {
            let words = q
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(8)
                .map(|w| w.to_lowercase().chars().take(40).collect())
                .collect();
            (words, None)
        };
        let mut errors = FieldErrors::new();
        let zone = errors.check("zone", JobZone::parse_optional(zone));
        let page = errors.check("page", Self::parse_page(page));
        let filters = match BlsFilters::parse(education, outlook, sort) {
            Ok(filters) => Some(filters),
            Err(bls_errors) => {
                for message in bls_errors.messages() {
                    match &message.field {
                        Some(field) => errors.add(field, message.message.clone()),
                        None => errors.add_general(message.message.clone()),
                    }
                }
                None
            }
        };
        errors.finish_with(|| Some(Self { words, code_prefix, zone: zone?, page: page?, filters: filters? }))
    }

    /// Blank is the first page.
    fn parse_page(page: &str) -> Result<i64, ValidationError> {
        match page.trim() {
            "" => Ok(1),
            other => other
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=1_000).contains(p))
                .ok_or_else(|| ValidationError("That page of careers doesn't exist.".into())),
        }
    }

    /// A prefix query for the `english` configuration the `search` column uses.
    pub fn tsquery(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| self.words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "))
    }

    pub fn is_filtered(&self) -> bool {
        !self.words.is_empty() || self.code_prefix.is_some() || self.zone.is_some() || self.filters.is_filtered()
    }
}

/// A career in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerSummary {
    pub code: CareerCode,
    pub title: String,
    pub job_zone: JobZone,
    /// The first sentence of the description.
    pub summary: String,
    /// Interest areas the occupation rates highest, as letters, e.g. "ICR".
    pub high_point_code: String,
    /// Pay and outlook in short (`None`: BLS publishes none for it).
    #[serde(default)]
    pub bls: Option<BlsSummary>,
}

/// One page of the careers list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerList {
    pub careers: Vec<CareerSummary>,
    pub total: i64,
    pub page: i64,
}

impl CareerList {
    pub fn last_page(&self) -> i64 {
        ((self.total + CareerSearch::PAGE_SIZE - 1) / CareerSearch::PAGE_SIZE).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub text: String,
    /// O*NET's core tasks are those most incumbents rate as relevant and important.
    pub core: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnologyExample {
    pub name: String,
    /// O*NET's "hot technologies": the ones employers ask for most in job postings.
    pub hot: bool,
    #[serde(default)]
    pub in_demand: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnologyCategory {
    pub category: String,
    pub examples: Vec<TechnologyExample>,
}

/// What a job zone means, as O*NET describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobZoneDetail {
    pub zone: JobZone,
    pub name: String,
    pub experience: String,
    pub education: String,
    pub training: String,
    pub examples: String,
}

/// A related career, linked from a career page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedCareer {
    pub code: CareerCode,
    pub title: String,
}

/// Everything a career page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerDetail {
    pub code: CareerCode,
    pub title: String,
    pub description: String,
    pub job_zone: JobZoneDetail,
    /// O*NET occupational interest values 1-7, R, I, A, S, E, C.
    pub interests: [f64; 6],
    pub high_point_code: String,
    pub tasks: Vec<Task>,
    pub technology: Vec<TechnologyCategory>,
    pub related: Vec<RelatedCareer>,
    /// Pay, outlook and the way in, from BLS.
    pub bls: CareerBls,
}

/// The career someone is working towards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerGoal {
    pub code: CareerCode,
    pub title: String,
    pub job_zone: JobZone,
    pub chosen_at: chrono::DateTime<chrono::Utc>,
}

/// The first sentence of a description (O*NET's descriptions are one to three sentences).
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn career_codes_parse_only_in_o_net_soc_form() {
        assert_eq!(CareerCode::parse(" 15-1252.00 ").unwrap().as_str(), "15-1252.00");
        assert_eq!(CareerCode::parse("29-1141.01").unwrap().path(), "/careers/29-1141.01");
        for bad in [
            "",
            "matches",
            "15-1252",
            "15-1252.0",
            "151252.00",
            "15-1252.000",
            "ab-cdef.gh",
            "15_1252.00",
            "１5-1252.00",
        ] {
            let error = CareerCode::parse(bad).unwrap_err();
            assert!(error.0.contains("Codes look like 15-1252.00"), "{bad}: {error}");
        }
    }

    #[test]
    fn job_zones_are_one_to_five_with_o_net_names() {
        assert_eq!(JobZone::parse("3").unwrap().name(), "Medium Preparation Needed");
        assert_eq!(JobZone::parse(" 5 ").unwrap().label(), "Job zone 5: Extensive Preparation Needed");
        assert!(JobZone::parse("0").unwrap_err().0.contains("There is no job zone 0"));
        assert!(JobZone::parse("6").is_err());
        assert!(JobZone::parse("three").unwrap_err().0.contains("Choose a job zone"));
        assert_eq!(JobZone::parse_optional("").unwrap(), None);
        assert_eq!(JobZone::ALL.map(u8::from), [1, 2, 3, 4, 5]);
        // Over the wire a zone is a number, and a wrong number doesn't deserialize.
        assert_eq!(serde_json::to_string(&JobZone::new(4).unwrap()).unwrap(), "4");
        assert!(serde_json::from_str::<JobZone>("9").is_err());
    }

    #[test]
    fn searches_build_safe_prefix_queries_and_recognise_codes() {
        let search = CareerSearch::parse("Nurse  prac'; drop", "2", "3").unwrap();
        assert_eq!(search.tsquery().as_deref(), Some("nurse:* & prac:* & drop:*"));
        assert_eq!((search.zone.map(u8::from), search.page), (Some(2), 3));
        let code = CareerSearch::parse("15-1252", "", "").unwrap();
        assert_eq!((code.code_prefix.as_deref(), code.tsquery()), (Some("15-1252"), None));
        assert!(!CareerSearch::parse("", "", "").unwrap().is_filtered());
        assert_eq!(CareerSearch::parse("911", "", "").unwrap().words, ["911"], "digits alone are words");
        assert!(CareerSearch::parse("", "7", "").is_err());
        assert!(CareerSearch::parse("", "", "0").is_err());
        assert!(CareerSearch::parse("", "", "two").is_err());
    }

    #[test]
    fn the_first_sentence_is_the_summary() {
        assert_eq!(first_sentence("Do a thing. Then another."), "Do a thing.");
        assert_eq!(first_sentence("Only one."), "Only one.");
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(input in ".{0,40}") {
            if let Ok(code) = CareerCode::parse(&input) {
                prop_assert_eq!(code.as_str().len(), 10);
            }
            let _ = CareerSearch::parse(&input, &input, &input);
        }

        #[test]
        fn search_words_are_only_letters_and_digits(input in ".{0,200}") {
            if let Ok(search) = CareerSearch::parse(&input, "", "") {
                for word in &search.words {
                    prop_assert!(word.chars().all(char::is_alphanumeric));
                }
                prop_assert!(search.words.len() <= 8);
            }
        }
    }
}
