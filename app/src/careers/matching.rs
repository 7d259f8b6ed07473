//! Matching a person's interests to careers: pure, and the same in the browser and on the server.
//!
//! **How.** The person's six Interest Profiler raw scores (0-40 each, R, I, A, S, E, C) are
//! correlated (Pearson's r) with each occupation's six O*NET occupational interest values (1-7).
//! Correlation compares the *shape* of the two profiles (which areas are high and which are low),
//! not their level, so the different scales don't matter and nobody is penalised for answering
//! "like" more or less often than others. Careers are ranked by r, highest first, then by title.
//!
//! **Fit groups.** With only six areas, r has to be fairly high before two profiles really share
//! a shape, so Waypoint shows three groups and nothing weaker:
//!
//! | group | r | meaning |
//! |---|---|---|
//! | Best fit | 0.80 or more | the same strong and weak areas, in nearly the same order |
//! | Great fit | 0.65 to under 0.80 | the same strongest areas; the others differ a little |
//! | Good fit | 0.50 to under 0.65 | much in common, with real differences worth exploring |
//!
//! Below 0.50 the profiles share too little to call a match; those careers aren't listed (they
//! are still a search away on `/careers`).
//!
//! **Flat profiles.** When all six scores are equal there is no shape to compare: r is undefined
//! (zero variance). [`rank_matches`] then returns [`Unrankable::Flat`], and the page explains it
//! instead of listing arbitrary careers. When the scores are all within
//! [`NARROW_SPREAD`] points of each other, matches are still computed but small differences
//! decide them, and the page says so ([`is_narrow`]).
//!
//! **Why a match.** Each match names the interests it shares with the person: the person's top
//! three areas (highest scores; equal scores in R, I, A, S, E, C order; areas scored 0 never
//! count) that are also among the occupation's top three (its O*NET high-point code, or its
//! three highest interest values when O*NET names no high points).

use super::domain::JobZone;
use crate::domain::riasec::{join_names, AREAS};
use serde::{Deserialize, Serialize};

/// r at or above which a career is a best fit.
pub const BEST_FIT: f64 = 0.80;
/// r at or above which a career is a great fit (below [`BEST_FIT`]).
pub const GREAT_FIT: f64 = 0.65;
/// r at or above which a career is a good fit (below [`GREAT_FIT`]); weaker ones aren't shown.
pub const GOOD_FIT: f64 = 0.50;
/// Scores whose highest and lowest differ by less than this make a narrow profile.
pub const NARROW_SPREAD: f64 = 6.0;
/// Raw scores are sums of ten items scored 0-4.
pub const MAX_SCORE: f64 = 40.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Fit {
    Best,
    Great,
    Good,
}

impl Fit {
    pub const ALL: [Fit; 3] = [Fit::Best, Fit::Great, Fit::Good];

    /// The group a correlation falls in, or `None` below [`GOOD_FIT`] (or for NaN).
    pub fn from_correlation(r: f64) -> Option<Fit> {
        if r >= BEST_FIT {
            Some(Fit::Best)
        } else if r >= GREAT_FIT {
            Some(Fit::Great)
        } else if r >= GOOD_FIT {
            Some(Fit::Good)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Fit::Best => "Best fit",
            Fit::Great => "Great fit",
            Fit::Good => "Good fit",
        }
    }

    /// The group's range of r, in words.
    pub fn range(self) -> String {
        match self {
            Fit::Best => format!("fit {BEST_FIT:.2} or more"),
            Fit::Great => format!("fit {GREAT_FIT:.2} to {BEST_FIT:.2}"),
            Fit::Good => format!("fit {GOOD_FIT:.2} to {GREAT_FIT:.2}"),
        }
    }

    /// What the group means, for the page.
    pub fn meaning(self) -> &'static str {
        match self {
            Fit::Best => "The same strong and weak interests as yours, in nearly the same order.",
            Fit::Great => "Your strongest interests, with some differences in the others.",
            Fit::Good => "Much in common with your interests, and real differences worth exploring.",
        }
    }

    /// An id for the group's heading.
    pub fn slug(self) -> &'static str {
        match self {
            Fit::Best => "best",
            Fit::Great => "great",
            Fit::Good => "good",
        }
    }
}

/// What matching needs to know about a career.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerProfile {
    pub code: String,
    pub title: String,
    pub job_zone: JobZone,
    /// O*NET occupational interest values 1-7, R, I, A, S, E, C.
    pub interests: [f64; 6],
    /// O*NET's high-point letters, e.g. "SIA" (may be shorter or empty).
    pub high_point_code: String,
}

/// One career matched to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerMatch {
    pub code: String,
    pub title: String,
    pub job_zone: JobZone,
    /// Pearson's r between the person's scores and the career's interest profile, -1 to 1.
    pub correlation: f64,
    pub fit: Fit,
    /// The interests the career shares with the person's top three, as letters, in the
    /// person's order (strongest first).
    pub shared: Vec<char>,
    /// Pay and outlook in short, filled in by the server after ranking (`None`: BLS publishes
    /// none for it).
    #[serde(default)]
    pub bls: Option<super::outlook::BlsSummary>,
}

impl CareerMatch {
    /// "Shares your Social and Investigative interests".
    pub fn why(&self) -> String {
        let names: Vec<&str> =
            self.shared.iter().filter_map(|letter| crate::domain::riasec::area(*letter)).map(|area| area.name).collect();
        match names.len() {
            0 => "Its interests rise and fall like yours, though its strongest ones aren't among your top three"
                .to_string(),
            1 => format!("Shares your {} interest", names[0]),
            _ => format!("Shares your {} interests", join_names(&names)),
        }
    }

    /// "fit 0.87"
    pub fn fit_figure(&self) -> String {
        format!("fit {:.2}", self.correlation)
    }
}

/// Why a set of scores can't be matched.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum Unrankable {
    /// All six scores are equal: there is no pattern to compare.
    #[error("All six of your interest scores are the same, so there is no pattern of stronger and weaker interests to compare with careers.")]
    Flat,
    #[error("An interest score must be a number from 0 to 40.")]
    OutOfRange,
}

/// Checks that scores are six raw scores of 0-40.
pub fn check_scores(scores: &[f64; 6]) -> Result<(), Unrankable> {
    if scores.iter().all(|s| s.is_finite() && (0.0..=MAX_SCORE).contains(s)) {
        Ok(())
    } else {
        Err(Unrankable::OutOfRange)
    }
}

/// Pearson's correlation of two six-value profiles; `None` when either has no variance.
pub fn pearson(a: &[f64; 6], b: &[f64; 6]) -> Option<f64> {
    let mean_a = a.iter().sum::<f64>() / 6.0;
    let mean_b = b.iter().sum::<f64>() / 6.0;
    let (mut covariance, mut var_a, mut var_b) = (0.0, 0.0, 0.0);
    for i in 0..6 {
        let (da, db) = (a[i] - mean_a, b[i] - mean_b);
        covariance += da * db;
        var_a += da * da;
        var_b += db * db;
    }
    // Differences below this are rounding, not interests.
    const EPSILON: f64 = 1e-12;
    if var_a <= EPSILON || var_b <= EPSILON {
        return None;
    }
    Some((covariance / (var_a.sqrt() * var_b.sqrt())).clamp(-1.0, 1.0))
}

/// Indices of the three highest values (equal values in R, I, A, S, E, C order), strongest
/// first, leaving out values at or below `floor`.
fn top_three(values: &[f64; 6], floor: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..6).filter(|i| values[*i] > floor).collect();
    order.sort_by(|a, b| values[*b].total_cmp(&values[*a]).then(a.cmp(b)));
    order.truncate(3);
    order
}

/// The person's top three interest areas, strongest first (areas scored 0 never count).
pub fn top_areas(scores: &[f64; 6]) -> Vec<usize> {
    top_three(scores, 0.0)
}

/// A career's top interest areas: O*NET's high points, or its three highest values.
pub fn career_top_areas(career: &CareerProfile) -> Vec<usize> {
    let from_code: Vec<usize> = career.high_point_code.chars().filter_map(crate::domain::riasec::index_of).collect();
    if from_code.is_empty() {
        top_three(&career.interests, f64::NEG_INFINITY)
    } else {
        from_code
    }
}

/// Whether the scores are so close together that small differences decide the matches.
pub fn is_narrow(scores: &[f64; 6]) -> bool {
    let max = scores.iter().copied().fold(f64::MIN, f64::max);
    let min = scores.iter().copied().fold(f64::MAX, f64::min);
    max - min < NARROW_SPREAD
}

/// The careers that fit the scores (r at least [`GOOD_FIT`]), in `zone` when given, best first
/// (then by title). Careers whose own profile is flat can't be correlated and are left out.
pub fn rank_matches(
    scores: &[f64; 6],
    careers: &[CareerProfile],
    zone: Option<JobZone>,
) -> Result<Vec<CareerMatch>, Unrankable> {
    check_scores(scores)?;
    if pearson(scores, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).is_none() {
        return Err(Unrankable::Flat);
    }
    let person_top = top_areas(scores);
    let mut matches: Vec<CareerMatch> = careers
        .iter()
        .filter(|career| zone.is_none_or(|zone| career.job_zone == zone))
        .filter_map(|career| {
            let correlation = pearson(scores, &career.interests)?;
            let fit = Fit::from_correlation(correlation)?;
            let theirs = career_top_areas(career);
            let shared = person_top.iter().filter(|i| theirs.contains(i)).map(|i| AREAS[*i].letter).collect();
            Some(CareerMatch {
                code: career.code.clone(),
                title: career.title.clone(),
                job_zone: career.job_zone,
                correlation,
                fit,
                shared,
                bls: None,
            })
        })
        .collect();
    matches.sort_by(|a, b| b.correlation.total_cmp(&a.correlation).then_with(|| a.title.cmp(&b.title)));
    Ok(matches)
}

/// Ranked matches split into the three fit groups, in order, each in rank order; empty groups
/// included so a page can say a group is empty.
pub fn group_by_fit(matches: Vec<CareerMatch>) -> Vec<(Fit, Vec<CareerMatch>)> {
    let mut groups: Vec<(Fit, Vec<CareerMatch>)> = Fit::ALL.iter().map(|fit| (*fit, Vec::new())).collect();
    for found in matches {
        if let Some((_, group)) = groups.iter_mut().find(|(fit, _)| *fit == found.fit) {
            group.push(found);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn career(code: &str, title: &str, zone: u8, interests: [f64; 6], high_points: &str) -> CareerProfile {
        CareerProfile {
            code: code.into(),
            title: title.into(),
            job_zone: JobZone::new(zone).unwrap(),
            interests,
            high_point_code: high_points.into(),
        }
    }

    /// Real O*NET 29.3 profiles.
    fn sample() -> Vec<CareerProfile> {
        vec![
            career("15-1252.00", "Software Developers", 4, [3.93, 5.86, 2.26, 1.88, 1.87, 5.46], "ICR"),
            career("29-1141.00", "Registered Nurses", 4, [3.66, 4.82, 1.31, 5.62, 2.28, 4.58], "SIC"),
            career("27-1024.00", "Graphic Designers", 4, [3.2, 2.83, 7.0, 2.31, 3.61, 3.78], "A"),
            career("11-1011.00", "Chief Executives", 5, [1.3, 3.24, 2.08, 3.52, 6.88, 5.0], "EC"),
            career("47-2111.00", "Electricians", 3, [7.0, 2.67, 1.28, 1.26, 1.85, 4.22], "RC"),
        ]
    }

    #[test]
    fn a_hand_computed_correlation() {
        // Means 3.5; deviations (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5) and (-1.5, -2.5, 0.5, -0.5, 2.5, 1.5):
        // covariance sum 14.5, each sum of squares 17.5, so r = 14.5 / 17.5.
        let r = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2.0, 1.0, 4.0, 3.0, 6.0, 5.0]).unwrap();
        assert!((r - 14.5 / 17.5).abs() < 1e-12, "{r}");
        let opposite = pearson(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]).unwrap();
        assert!((opposite + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[3.0; 6], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), None, "no variance, no correlation");
    }

    #[test]
    fn a_profile_proportional_to_an_occupation_ranks_it_first_with_r_one() {
        let careers = sample();
        for target in &careers {
            // Scale 1-7 values into 0-40 scores: shape kept, level and spread changed.
            let scores = target.interests.map(|v| (v - 1.0) * 6.0 + 2.0);
            let ranked = rank_matches(&scores, &careers, None).unwrap();
            assert_eq!(ranked[0].code, target.code);
            assert!((ranked[0].correlation - 1.0).abs() < 1e-9, "{}", ranked[0].correlation);
            assert_eq!(ranked[0].fit, Fit::Best);
            assert!(ranked.windows(2).all(|w| w[0].correlation >= w[1].correlation), "sorted best first");
        }
    }

    #[test]
    fn the_zone_filter_keeps_only_that_zone() {
        // Realistic, Conventional and Investigative: software developers (zone 4, r 0.81) and
        // electricians (zone 3, r 0.89) fit; registered nurses (r 0.42) don't.
        let scores = [34.0, 26.0, 4.0, 8.0, 10.0, 28.0];
        let all = rank_matches(&scores, &sample(), None).unwrap();
        assert_eq!(all.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["47-2111.00", "15-1252.00"]);
        let zone3 = rank_matches(&scores, &sample(), Some(JobZone::new(3).unwrap())).unwrap();
        assert_eq!(zone3.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(), ["47-2111.00"]);
        let zone1 = rank_matches(&scores, &sample(), Some(JobZone::new(1).unwrap())).unwrap();
        assert!(zone1.is_empty(), "no sample career is in zone 1");
    }

    #[test]
    fn thresholds_sort_correlations_into_groups() {
        assert_eq!(Fit::from_correlation(1.0), Some(Fit::Best));
        assert_eq!(Fit::from_correlation(0.80), Some(Fit::Best));
        assert_eq!(Fit::from_correlation(0.7999), Some(Fit::Great));
        assert_eq!(Fit::from_correlation(0.65), Some(Fit::Great));
        assert_eq!(Fit::from_correlation(0.6499), Some(Fit::Good));
        assert_eq!(Fit::from_correlation(0.50), Some(Fit::Good));
        assert_eq!(Fit::from_correlation(0.4999), None);
        assert_eq!(Fit::from_correlation(-0.9), None);
        assert_eq!(Fit::from_correlation(f64::NAN), None);
        assert_eq!(Fit::Great.range(), "fit 0.65 to 0.80");

        // Nothing under GOOD_FIT is returned; the groups keep rank order.
        let scores = [10.0, 34.0, 6.0, 12.0, 8.0, 30.0];
        let ranked = rank_matches(&scores, &sample(), None).unwrap();
        assert!(ranked.iter().all(|m| m.correlation >= GOOD_FIT));
        assert!(!ranked.iter().any(|m| m.code == "27-1024.00"), "graphic design shares little with an I-C profile");
        let groups = group_by_fit(ranked.clone());
        assert_eq!(groups.iter().map(|(fit, _)| *fit).collect::<Vec<_>>(), Fit::ALL);
        assert_eq!(groups.iter().map(|(_, g)| g.len()).sum::<usize>(), ranked.len());
        for (fit, group) in groups {
            assert!(group.iter().all(|m| m.fit == fit));
        }
    }

    #[test]
    fn a_flat_profile_is_explained_not_ranked() {
        assert_eq!(rank_matches(&[20.0; 6], &sample(), None), Err(Unrankable::Flat));
        assert_eq!(rank_matches(&[0.0; 6], &sample(), None), Err(Unrankable::Flat));
        assert!(Unrankable::Flat.to_string().contains("All six of your interest scores are the same"));
        assert!(is_narrow(&[20.0, 21.0, 20.0, 22.0, 20.0, 25.0]));
        assert!(!is_narrow(&[10.0, 34.0, 6.0, 12.0, 8.0, 30.0]));
    }

    #[test]
    fn impossible_scores_are_refused() {
        for bad in
            [[41.0, 0.0, 0.0, 0.0, 0.0, 1.0], [-1.0, 0.0, 0.0, 0.0, 0.0, 1.0], [f64::NAN, 0.0, 0.0, 0.0, 0.0, 1.0]]
        {
            assert_eq!(rank_matches(&bad, &sample(), None), Err(Unrankable::OutOfRange));
        }
    }

    #[test]
    fn each_match_says_which_top_interests_it_shares() {
        // Top three: Social (36), Investigative (30), Conventional (24); nurses are "SIC" (r 0.93).
        let scores = [8.0, 30.0, 4.0, 36.0, 6.0, 24.0];
        assert_eq!(top_areas(&scores), [3, 1, 5]);
        let ranked = rank_matches(&scores, &sample(), None).unwrap();
        assert_eq!(ranked[0].code, "29-1141.00");
        let nurses = &ranked[0];
        assert_eq!(nurses.shared, ['S', 'I', 'C']);
        assert_eq!(nurses.why(), "Shares your Social, Investigative and Conventional interests");
        let two = CareerMatch { shared: vec!['S', 'I'], ..nurses.clone() };
        assert_eq!(two.why(), "Shares your Social and Investigative interests");
        let one = CareerMatch { shared: vec!['A'], ..nurses.clone() };
        assert_eq!(one.why(), "Shares your Artistic interest");
        let three = CareerMatch { shared: vec!['S', 'I', 'A'], ..nurses.clone() };
        assert_eq!(three.why(), "Shares your Social, Investigative and Artistic interests");
        assert!(CareerMatch { shared: vec![], ..nurses.clone() }
            .why()
            .starts_with("Its interests rise and fall like yours"));
        assert_eq!(CareerMatch { correlation: 0.8666, ..nurses.clone() }.fit_figure(), "fit 0.87");
        // Areas scored 0 are never a top interest; ties go in R, I, A, S, E, C order.
        assert_eq!(top_areas(&[0.0, 0.0, 0.0, 0.0, 4.0, 0.0]), [4]);
        assert_eq!(top_areas(&[9.0, 9.0, 9.0, 9.0, 1.0, 1.0]), [0, 1, 2]);
        // Without O*NET high points, a career's three highest values stand in.
        let plain = career("00-0000.00", "Plain", 1, [1.0, 2.0, 7.0, 6.0, 5.0, 1.0], "");
        assert_eq!(career_top_areas(&plain), [2, 3, 4]);
    }
}
