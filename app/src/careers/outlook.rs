//! Pay and outlook from the U.S. Bureau of Labor Statistics, shared by browser and server: how an
//! O*NET career joins BLS's figures, the figures as a page shows them, the plain-words outlook
//! bins, O*NET's "Bright Outlook" criteria, and the browse and matches filters built on them.

use super::entry::EntryEducation;
use serde::{Deserialize, Serialize};

/// The credit line for the BLS figures (works of the U.S. government, in the public domain;
/// credited anyway), shown beside the figures and on `/about`.
pub const BLS_CREDIT: &str =
    "Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May \
2024, and Employment Projections 2024-34";

/// The release the bundled files are, as recorded in `reference_releases` and named on the pages.
pub const BLS_RELEASE: &str = "OEWS May 2024; EP 2024-34";

/// The median annual wage of all occupations, OEWS May 2024 national estimates (occupation code
/// 00-0000, "All Occupations", which the detailed file we ship leaves out): $49,500
/// (<https://www.bls.gov/oes/2024/may/oes_nat.htm>).
pub const ALL_OCCUPATIONS_MEDIAN_ANNUAL: i32 = 49_500;

/// Projected growth of all employment 2024-34: 169,956.1 thousand to 175,167.9 thousand jobs,
/// +3.1% (Employment Projections 2024-34, Table 1.2, total all occupations).
pub const ALL_OCCUPATIONS_GROWTH_PERCENT: f64 = 3.1;

/// OEWS top-codes wages at $239,200 a year ($115.00 an hour): it publishes `#` for estimates at or
/// above that.
pub const TOP_CODED_ANNUAL: i32 = 239_200;
pub const TOP_CODED_HOURLY_CENTS: i32 = 11_500;

/// How an O*NET career's code joins BLS's (the rules are in data/README.md and
/// `server/src/reference/bls.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "bls_match_kind", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum BlsMatchKind {
    /// The first seven characters of the O*NET-SOC code are a BLS code (`29-1141.00` -> `29-1141`).
    Exact,
    /// BLS publishes the occupation only inside one of its combined codes (ending in 0, `13-1020`).
    BlsCombined,
    /// OEWS publishes it inside a combined code of its own numbering (`21-1018`).
    OewsCombined,
    /// BLS publishes nothing for it (the military occupations, 55-xxxx).
    None,
}

/// A wage as OEWS publishes it: an amount, or "at or above the top code".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wage {
    Amount(i32),
    /// At or above [`TOP_CODED_ANNUAL`] (annual) or [`TOP_CODED_HOURLY_CENTS`] (hourly).
    TopCoded,
}

impl Wage {
    /// From a stored value and its top-coded flag.
    pub fn stored(value: Option<i32>, top_coded: bool) -> Option<Wage> {
        match (value, top_coded) {
            (Some(_), true) => Some(Wage::TopCoded),
            (Some(amount), false) => Some(Wage::Amount(amount)),
            (None, _) => None,
        }
    }

    /// The annual amount to draw or sort by (the top code for a top-coded wage).
    pub fn annual_floor(self) -> i32 {
        match self {
            Wage::Amount(amount) => amount,
            Wage::TopCoded => TOP_CODED_ANNUAL,
        }
    }

    /// "$93,600" or "$239,200 or more".
    pub fn annual_text(self) -> String {
        match self {
            Wage::Amount(amount) => dollars(i64::from(amount)),
            Wage::TopCoded => format!("{} or more", dollars(i64::from(TOP_CODED_ANNUAL))),
        }
    }

    /// "$23.33" or "$115.00 or more", from cents.
    pub fn hourly_text(self) -> String {
        match self {
            Wage::Amount(cents) => cents_text(cents),
            Wage::TopCoded => format!("{} or more", cents_text(TOP_CODED_HOURLY_CENTS)),
        }
    }
}

/// Whole dollars with thousands separators: 133080 -> "$133,080".
pub fn dollars(amount: i64) -> String {
    format!("{}${}", if amount < 0 { "-" } else { "" }, grouped(amount.unsigned_abs()))
}

fn cents_text(cents: i32) -> String {
    let cents = i64::from(cents).unsigned_abs();
    format!("${}.{:02}", grouped(cents / 100), cents % 100)
}

/// 1693800 -> "1,693,800".
pub fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A count of jobs that may be negative: "+267,700" / "-600".
pub fn signed_jobs(jobs: i32) -> String {
    let sign = if jobs < 0 { "-" } else { "+" };
    format!("{sign}{}", grouped(i64::from(jobs).unsigned_abs()))
}

/// "+15.8%" / "-2.2%" / "+0.0%".
pub fn signed_percent(percent: f64) -> String {
    if percent < 0.0 {
        format!("-{:.1}%", -percent)
    } else {
        format!("+{percent:.1}%")
    }
}

/// OEWS pay for an occupation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pay {
    pub annual_median: Option<Wage>,
    pub annual_p10: Option<Wage>,
    pub annual_p90: Option<Wage>,
    /// In cents.
    pub hourly_median: Option<Wage>,
    /// OEWS publishes only hourly wages for it (people in it often don't work all year full time).
    pub hourly_only: bool,
    /// OEWS publishes only annual wages for it (e.g. teachers, paid for a school year).
    pub annual_only: bool,
}

/// Employment Projections 2024-34 for an occupation; counts in jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub employment_2024: i32,
    pub employment_2034: i32,
    pub change_jobs: i32,
    pub change_percent: f64,
    pub openings_annual: i32,
}

impl Projection {
    pub fn outlook(&self) -> Outlook {
        Outlook::of(self.change_percent)
    }

    pub fn bright(&self) -> Option<BrightOutlook> {
        BrightOutlook::of(self.change_percent, self.openings_annual)
    }
}

/// The BLS figures a career page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlsFigures {
    /// The BLS code the figures are published under (the career's own SOC code, or the combined
    /// group it belongs to).
    pub code: String,
    /// BLS's title for that code.
    pub title: String,
    /// OEWS wage-and-salary employment, May 2024 (`None`: no OEWS estimate).
    pub employment: Option<i32>,
    /// `None`: OEWS publishes no wages for the code.
    pub pay: Option<Pay>,
    pub projection: Projection,
    /// Typical education needed for entry, work experience in a related occupation and typical
    /// on-the-job training, as BLS writes them.
    pub education: String,
    pub work_experience: String,
    pub training: String,
}

/// What BLS publishes for a career: how its code joins, and the figures (`None` for
/// [`BlsMatchKind::None`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerBls {
    pub kind: BlsMatchKind,
    pub figures: Option<BlsFigures>,
}

impl CareerBls {
    /// Nothing published.
    pub fn none() -> Self {
        Self { kind: BlsMatchKind::None, figures: None }
    }

    /// Which figures these are, when they aren't the career's own: "BLS publishes these figures
    /// for Buyers and Purchasing Agents (13-1020), which includes this career."
    pub fn combined_note(&self) -> Option<String> {
        match (self.kind, &self.figures) {
            (BlsMatchKind::BlsCombined | BlsMatchKind::OewsCombined, Some(figures)) => Some(format!(
                "BLS publishes these figures for {} ({}), which includes this career.",
                figures.title, figures.code
            )),
            _ => None,
        }
    }
}

/// The short form of a career's pay and outlook, for lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlsSummary {
    /// The median annual wage, or `None` when OEWS publishes no annual figure.
    pub annual_median: Option<Wage>,
    /// The median hourly wage in cents, shown when there is no annual one.
    pub hourly_median: Option<Wage>,
    pub change_percent: f64,
    pub openings_annual: i32,
    pub education: Option<EntryEducation>,
    /// The figures are a combined group's.
    pub combined: bool,
}

impl BlsSummary {
    pub fn outlook(&self) -> Outlook {
        Outlook::of(self.change_percent)
    }

    pub fn bright(&self) -> Option<BrightOutlook> {
        BrightOutlook::of(self.change_percent, self.openings_annual)
    }

    /// "Median pay $93,600 a year" / "Median pay $23.33 an hour".
    pub fn pay_text(&self) -> Option<String> {
        match (self.annual_median, self.hourly_median) {
            (Some(annual), _) => Some(format!("Median pay {} a year", annual.annual_text())),
            (None, Some(hourly)) => Some(format!("Median pay {} an hour", hourly.hourly_text())),
            (None, None) => None,
        }
    }

    /// "Jobs +4.9% by 2034, faster than average".
    pub fn outlook_text(&self) -> String {
        format!("Jobs {} by 2034, {}", signed_percent(self.change_percent), self.outlook().label())
    }
}

/// Projected employment change in plain words, relative to the average for all occupations
/// (+3.1% over 2024-34), in the words and bins of BLS's Occupational Outlook Handbook
/// ("Job Outlook" in each profile; the bins are defined under "Occupational Information Included
/// in the OOH", <https://www.bls.gov/ooh/about/occupational-information-included-in-the-ooh.htm>,
/// for the 2024-34 projections):
///
/// | OOH wording | projected change 2024-34 |
/// |---|---|
/// | Much faster than average | 8 percent or more |
/// | Faster than average | 5 to 7 percent |
/// | As fast as average | 2 to 4 percent |
/// | Slower than average | 0 to 1 percent |
/// | Little or no change | -1 to 1 percent |
/// | Decline | -2 percent or less |
///
/// The OOH applies these to the percent rounded to a whole number, as here. Its "slower than
/// average" (0 to 1) and "little or no change" (-1 to 1) overlap at 0 and 1; Waypoint gives 1 to
/// "slower than average" (growth, if slow) and 0 to "little or no change" (no growth isn't slow
/// growth), so every figure falls in exactly one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    MuchFaster,
    Faster,
    AsFast,
    Slower,
    LittleOrNoChange,
    Decline,
}

impl Outlook {
    /// Fastest first.
    pub const ALL: [Outlook; 6] =
        [Self::MuchFaster, Self::Faster, Self::AsFast, Self::Slower, Self::LittleOrNoChange, Self::Decline];

    /// The bin of a projected percent change.
    pub fn of(percent: f64) -> Outlook {
        let whole = percent.round();
        if whole >= 8.0 {
            Self::MuchFaster
        } else if whole >= 5.0 {
            Self::Faster
        } else if whole >= 2.0 {
            Self::AsFast
        } else if whole >= 1.0 {
            Self::Slower
        } else if whole >= -1.0 {
            Self::LittleOrNoChange
        } else {
            Self::Decline
        }
    }

    /// The bin as bounds on the whole-number percent (inclusive; `None`: unbounded), for a
    /// query that filters in the database. Agrees with [`Outlook::of`] (a unit test checks).
    pub fn whole_percent_bounds(self) -> (Option<i32>, Option<i32>) {
        match self {
            Self::MuchFaster => (Some(8), None),
            Self::Faster => (Some(5), Some(7)),
            Self::AsFast => (Some(2), Some(4)),
            Self::Slower => (Some(1), Some(1)),
            Self::LittleOrNoChange => (Some(-1), Some(0)),
            Self::Decline => (None, Some(-2)),
        }
    }

    /// The OOH's wording, lower case.
    pub fn label(self) -> &'static str {
        match self {
            Self::MuchFaster => "much faster than average",
            Self::Faster => "faster than average",
            Self::AsFast => "as fast as average",
            Self::Slower => "slower than average",
            Self::LittleOrNoChange => "little or no change",
            Self::Decline => "decline",
        }
    }

    /// For a filter's options: "Much faster than average (8% or more)".
    pub fn option_label(self) -> String {
        let range = match self {
            Self::MuchFaster => "8% or more",
            Self::Faster => "5% to 7%",
            Self::AsFast => "2% to 4%",
            Self::Slower => "1%",
            Self::LittleOrNoChange => "-1% to 0%",
            Self::Decline => "-2% or less",
        };
        let label = self.label();
        let mut chars = label.chars();
        let capitalised: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
        format!("{capitalised} ({range})")
    }

    /// For URLs (`?outlook=much_faster`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MuchFaster => "much_faster",
            Self::Faster => "faster",
            Self::AsFast => "as_fast",
            Self::Slower => "slower",
            Self::LittleOrNoChange => "little_change",
            Self::Decline => "decline",
        }
    }

    pub fn from_str_opt(input: &str) -> Option<Outlook> {
        Self::ALL.into_iter().find(|o| o.as_str() == input.trim())
    }
}

/// Which of O*NET's Bright Outlook criteria an occupation meets. O*NET marks an occupation
/// "Bright Outlook" when it is projected to grow rapidly (to grow much faster than average, in
/// the Occupational Outlook Handbook's terms, over the projection period) or to have large numbers
/// of job openings (100,000 or more over the period, from growth and replacement), computed from
/// BLS's Employment Projections (<https://www.onetcenter.org/initiatives.html#bright>; My Next Move
/// shows the mark as "Bright Outlook"). O*NET's third kind, new and emerging occupations, isn't in
/// the EP figures, so Waypoint doesn't mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrightOutlook {
    pub grows_rapidly: bool,
    pub many_openings: bool,
}

/// Openings over the ten years 2024-34 at or above which O*NET counts "numerous job openings".
pub const BRIGHT_OPENINGS_OVER_PERIOD: i64 = 100_000;

/// Where the criteria are published, linked wherever the mark appears.
pub const BRIGHT_OUTLOOK_URL: &str = "https://www.onetcenter.org/initiatives.html#bright";

impl BrightOutlook {
    /// `None` when neither criterion is met. EP's openings are a yearly average over the ten
    /// years, so the period's openings are ten times it.
    pub fn of(change_percent: f64, openings_annual: i32) -> Option<BrightOutlook> {
        let grows_rapidly = Outlook::of(change_percent) == Outlook::MuchFaster;
        let many_openings = i64::from(openings_annual) * 10 >= BRIGHT_OPENINGS_OVER_PERIOD;
        (grows_rapidly || many_openings).then_some(BrightOutlook { grows_rapidly, many_openings })
    }

    /// Why: "projected to grow much faster than average and to have 100,000 or more openings".
    pub fn reason(self) -> String {
        match (self.grows_rapidly, self.many_openings) {
            (true, true) => {
                "projected to grow much faster than average and to have 100,000 or more openings in 2024-34"
            }
            (true, false) => "projected to grow much faster than average in 2024-34",
            _ => "projected to have 100,000 or more job openings in 2024-34",
        }
        .to_string()
    }
}

/// What a careers list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareerSort {
    /// Browse: search relevance, then title. Matches: best fit first.
    #[default]
    Default,
    /// Highest median annual pay first (careers without an annual figure last).
    Pay,
    /// Fastest projected growth first (careers without figures last).
    Growth,
}

impl CareerSort {
    pub const ALL: [CareerSort; 3] = [Self::Default, Self::Pay, Self::Growth];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "",
            Self::Pay => "pay",
            Self::Growth => "growth",
        }
    }

    pub fn parse(input: &str) -> Result<CareerSort, crate::domain::ValidationError> {
        match input.trim() {
            "" => Ok(Self::Default),
            "pay" => Ok(Self::Pay),
            "growth" => Ok(Self::Growth),
            _ => Err(crate::domain::ValidationError(
                "Sort careers by best match, by pay (highest first) or by growth (fastest first).".into(),
            )),
        }
    }
}

/// The BLS filters of the browse and matches pages, parsed from the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BlsFilters {
    pub education: Option<EntryEducation>,
    pub outlook: Option<Outlook>,
    pub sort: CareerSort,
}

impl BlsFilters {
    /// Parses the three fields; blank means "any" (or the default order). Errors name the field.
    pub fn parse(education: &str, outlook: &str, sort: &str) -> Result<BlsFilters, crate::domain::FieldErrors> {
        let mut errors = crate::domain::FieldErrors::new();
        let education = errors.check("education", parse_education(education));
        let outlook = errors.check("outlook", parse_outlook(outlook));
        let sort = errors.check("sort", CareerSort::parse(sort));
        errors.finish_with(|| Some(BlsFilters { education: education?, outlook: outlook?, sort: sort? }))
    }

    pub fn is_filtered(&self) -> bool {
        self.education.is_some() || self.outlook.is_some()
    }

    /// Whether a career with these figures passes the filters (no figures: only when unfiltered).
    pub fn admits(&self, summary: Option<&BlsSummary>) -> bool {
        match summary {
            None => !self.is_filtered(),
            Some(summary) => {
                self.education.is_none_or(|wanted| summary.education == Some(wanted))
                    && self.outlook.is_none_or(|wanted| summary.outlook() == wanted)
            }
        }
    }
}

fn parse_education(input: &str) -> Result<Option<EntryEducation>, crate::domain::ValidationError> {
    match input.trim() {
        "" => Ok(None),
        other => EntryEducation::from_str_opt(other).map(Some).ok_or_else(|| {
            crate::domain::ValidationError("Choose a typical education from the list, or any education.".into())
        }),
    }
}

fn parse_outlook(input: &str) -> Result<Option<Outlook>, crate::domain::ValidationError> {
    match input.trim() {
        "" => Ok(None),
        other => Outlook::from_str_opt(other).map(Some).ok_or_else(|| {
            crate::domain::ValidationError("Choose a job outlook from the list, or any outlook.".into())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outlook_bins_follow_the_handbook_on_whole_percents() {
        let cases = [
            (15.8, Outlook::MuchFaster),
            (7.5, Outlook::MuchFaster),
            (7.4, Outlook::Faster),
            (4.9, Outlook::Faster),
            (4.4, Outlook::AsFast),
            (3.1, Outlook::AsFast),
            (1.5, Outlook::AsFast),
            (1.4, Outlook::Slower),
            (0.5, Outlook::Slower),
            (0.3, Outlook::LittleOrNoChange),
            (-1.3, Outlook::LittleOrNoChange),
            (-1.5, Outlook::Decline),
            (-2.2, Outlook::Decline),
        ];
        for (percent, bin) in cases {
            assert_eq!(Outlook::of(percent), bin, "{percent}");
        }
        assert_eq!(Outlook::of(ALL_OCCUPATIONS_GROWTH_PERCENT), Outlook::AsFast, "the average is as fast as average");
    }

    #[test]
    fn the_database_bounds_agree_with_the_bins() {
        for tenth in -600..=600 {
            let percent = f64::from(tenth) / 10.0;
            let whole = percent.round() as i32;
            for outlook in Outlook::ALL {
                let (low, high) = outlook.whole_percent_bounds();
                let inside = low.is_none_or(|low| whole >= low) && high.is_none_or(|high| whole <= high);
                assert_eq!(inside, Outlook::of(percent) == outlook, "{percent} {outlook:?}");
            }
        }
        for outlook in Outlook::ALL {
            assert_eq!(Outlook::from_str_opt(outlook.as_str()), Some(outlook));
        }
        assert_eq!(Outlook::MuchFaster.option_label(), "Much faster than average (8% or more)");
    }

    #[test]
    fn bright_outlook_is_rapid_growth_or_100000_openings_over_the_decade() {
        // Software developers: +15.8%, 115,200 openings a year.
        assert_eq!(BrightOutlook::of(15.8, 115_200), Some(BrightOutlook { grows_rapidly: true, many_openings: true }));
        // Registered nurses: +4.9% (faster, not much faster), 189,100 openings a year.
        assert_eq!(BrightOutlook::of(4.9, 189_100), Some(BrightOutlook { grows_rapidly: false, many_openings: true }));
        // Small and fast: wind turbine technicians.
        assert_eq!(BrightOutlook::of(50.0, 1_900).map(|b| b.many_openings), Some(false));
        assert_eq!(BrightOutlook::of(4.9, 10_000).map(|b| b.many_openings), Some(true), "exactly 100,000 counts");
        assert_eq!(BrightOutlook::of(4.9, 9_999), None);
    }

    #[test]
    fn wages_read_as_bls_publishes_them() {
        assert_eq!(Wage::Amount(93_600).annual_text(), "$93,600");
        assert_eq!(Wage::TopCoded.annual_text(), "$239,200 or more");
        assert_eq!(Wage::Amount(2_333).hourly_text(), "$23.33");
        assert_eq!(Wage::TopCoded.hourly_text(), "$115.00 or more");
        assert_eq!(Wage::stored(Some(TOP_CODED_ANNUAL), true), Some(Wage::TopCoded));
        assert_eq!(Wage::stored(None, false), None);
        assert_eq!(dollars(1_000_000), "$1,000,000");
        assert_eq!(dollars(999), "$999");
        assert_eq!(signed_jobs(267_700), "+267,700");
        assert_eq!(signed_jobs(-600), "-600");
        assert_eq!(signed_percent(15.8), "+15.8%");
        assert_eq!(signed_percent(-2.2), "-2.2%");
    }

    #[test]
    fn filters_parse_each_field_with_its_own_message() {
        let filters = BlsFilters::parse("bachelor", "much_faster", "pay").unwrap();
        assert_eq!(filters.education, Some(EntryEducation::Bachelor));
        assert_eq!(filters.outlook, Some(Outlook::MuchFaster));
        assert_eq!(filters.sort, CareerSort::Pay);
        assert_eq!(BlsFilters::parse("", "", "").unwrap(), BlsFilters::default());
        let errors = BlsFilters::parse("phd", "rocket", "colour").unwrap_err();
        let text = format!("{errors:?}");
        assert!(text.contains("education") && text.contains("outlook") && text.contains("sort"), "{text}");
    }

    #[test]
    fn a_career_without_figures_passes_only_an_unfiltered_list() {
        let filters = BlsFilters { outlook: Some(Outlook::Decline), ..BlsFilters::default() };
        assert!(!filters.admits(None));
        assert!(BlsFilters::default().admits(None));
        let summary = BlsSummary {
            annual_median: Some(Wage::Amount(50_000)),
            hourly_median: None,
            change_percent: -4.6,
            openings_annual: 2_800,
            education: Some(EntryEducation::NoFormalCredential),
            combined: false,
        };
        assert!(filters.admits(Some(&summary)));
        assert!(!BlsFilters { education: Some(EntryEducation::Bachelor), ..filters }.admits(Some(&summary)));
    }
}
