//! The way into a career: which education, experience and training steps stand between a person
//! and a career, from BLS Employment Projections' entry requirements (typical education for
//! entry, related work experience, typical on-the-job training) together with the career's O*NET
//! job zone. The roadmap generator calls [`entry_steps`] (pure) and, on the server,
//! [`ssr::entry_facts`] for the figures.

use crate::accounts::profile::EducationLevel;
use serde::{Deserialize, Serialize};

/// BLS's typical education needed for entry, in its own order (lowest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntryEducation {
    NoFormalCredential,
    HighSchool,
    SomeCollege,
    PostsecondaryNondegree,
    Associate,
    Bachelor,
    Master,
    Doctoral,
}

impl EntryEducation {
    pub const ALL: &'static [EntryEducation] = &[
        Self::NoFormalCredential,
        Self::HighSchool,
        Self::SomeCollege,
        Self::PostsecondaryNondegree,
        Self::Associate,
        Self::Bachelor,
        Self::Master,
        Self::Doctoral,
    ];

    /// The category exactly as BLS writes it in the EP tables.
    pub fn bls_label(self) -> &'static str {
        match self {
            Self::NoFormalCredential => "No formal educational credential",
            Self::HighSchool => "High school diploma or equivalent",
            Self::SomeCollege => "Some college, no degree",
            Self::PostsecondaryNondegree => "Postsecondary nondegree award",
            Self::Associate => "Associate's degree",
            Self::Bachelor => "Bachelor's degree",
            Self::Master => "Master's degree",
            Self::Doctoral => "Doctoral or professional degree",
        }
    }

    /// A short form for URLs and filters (`?education=bachelor`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoFormalCredential => "none",
            Self::HighSchool => "high_school",
            Self::SomeCollege => "some_college",
            Self::PostsecondaryNondegree => "postsecondary_award",
            Self::Associate => "associate",
            Self::Bachelor => "bachelor",
            Self::Master => "master",
            Self::Doctoral => "doctoral",
        }
    }

    pub fn from_bls(label: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.bls_label() == label.trim())
    }

    pub fn from_str_opt(short: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.as_str() == short.trim())
    }

    /// Whether someone at `level` already has this (or more). `Other` and an unknown level are
    /// counted as a secondary-school education: the roadmap then names the step rather than
    /// silently assuming it is done.
    pub fn met_by(self, level: Option<EducationLevel>) -> bool {
        let have = match level {
            None | Some(EducationLevel::Other) | Some(EducationLevel::Secondary) => Self::HighSchool,
            Some(EducationLevel::Vocational) => Self::PostsecondaryNondegree,
            Some(EducationLevel::SomeCollege) => Self::SomeCollege,
            Some(EducationLevel::Associate) => Self::Associate,
            Some(EducationLevel::Bachelor) => Self::Bachelor,
            Some(EducationLevel::Master) => Self::Master,
            Some(EducationLevel::Doctorate) => Self::Doctoral,
        };
        // A vocational award is not a step on the way to a degree: someone with one still
        // needs the degree, and someone with some college still needs a nondegree award.
        match (self, have) {
            (Self::PostsecondaryNondegree, Self::SomeCollege) => false,
            (Self::SomeCollege, Self::PostsecondaryNondegree) => false,
            _ => have >= self,
        }
    }
}

/// What kind of step stands between a person and a career.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryStepKind {
    Education,
    Experience,
    Training,
}

/// One step on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryStep {
    pub kind: EntryStepKind,
    pub title: String,
    /// Why it is there, in plain words, naming the source.
    pub why: String,
}

/// A career's entry requirements as published (`None`: BLS publishes none for it, e.g. the
/// military occupations).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntryFacts {
    /// The O*NET job zone (1-5).
    pub job_zone: i16,
    /// BLS typical education needed for entry, as written by BLS.
    pub education: Option<String>,
    /// BLS work experience in a related occupation ("5 years or more", "Less than 5 years", "None").
    pub work_experience: Option<String>,
    /// BLS typical on-the-job training ("Internship/residency", "Apprenticeship", ... "None").
    pub training: Option<String>,
}

/// The steps between someone at `level` and a career, in the order they are taken: education,
/// then related experience, then on-the-job training. Without BLS figures the job zone decides
/// the education (zone 4: a bachelor's degree, zone 5: a graduate degree, zone 3: vocational
/// training or an associate's degree).
pub fn entry_steps(facts: &EntryFacts, level: Option<EducationLevel>) -> Vec<EntryStep> {
    let mut steps = Vec::new();
    let education = facts.education.as_deref().and_then(EntryEducation::from_bls);
    match education {
        Some(needed) if !needed.met_by(level) => steps.push(EntryStep {
            kind: EntryStepKind::Education,
            title: match needed {
                EntryEducation::NoFormalCredential | EntryEducation::HighSchool => {
                    "Finish a high school diploma or equivalent".to_string()
                }
                EntryEducation::SomeCollege => "Take college courses in the field".to_string(),
                EntryEducation::PostsecondaryNondegree => "Earn a postsecondary certificate or award".to_string(),
                EntryEducation::Associate => "Earn an associate's degree".to_string(),
                EntryEducation::Bachelor => "Earn a bachelor's degree".to_string(),
                EntryEducation::Master => "Earn a master's degree".to_string(),
                EntryEducation::Doctoral => "Earn a doctoral or professional degree".to_string(),
            },
            why: format!(
                "BLS gives \u{201c}{}\u{201d} as the typical education to enter this career{}.",
                needed.bls_label(),
                match level {
                    Some(level) => format!(", and your profile says {}", level.label().to_lowercase()),
                    None => ", and your profile doesn't say your education yet".to_string(),
                }
            ),
        }),
        Some(_) => {}
        None => {
            let by_zone = match facts.job_zone {
                5 => Some((EntryEducation::Master, "Earn a graduate degree", "a graduate degree")),
                4 => Some((EntryEducation::Bachelor, "Earn a bachelor's degree", "a bachelor's degree")),
                3 => Some((
                    EntryEducation::PostsecondaryNondegree,
                    "Complete vocational training or an associate's degree",
                    "vocational training or an associate's degree",
                )),
                _ => None,
            };
            if let Some((needed, title, words)) = by_zone {
                if !needed.met_by(level) {
                    steps.push(EntryStep {
                        kind: EntryStepKind::Education,
                        title: title.to_string(),
                        why: format!(
                            "BLS publishes no entry requirements for this career; its O*NET job zone {} says most people in it have {words}.",
                            facts.job_zone
                        ),
                    });
                }
            }
        }
    }
    match facts.work_experience.as_deref().map(str::trim) {
        Some("5 years or more") => steps.push(EntryStep {
            kind: EntryStepKind::Experience,
            title: "Build five or more years of experience in a related job".to_string(),
            why: "BLS says people usually enter this career after 5 years or more in a related occupation.".to_string(),
        }),
        Some("Less than 5 years") => steps.push(EntryStep {
            kind: EntryStepKind::Experience,
            title: "Gain experience in a related job".to_string(),
            why: "BLS says people usually enter this career with some (less than 5 years) experience in a related occupation."
                .to_string(),
        }),
        _ => {}
    }
    let training = match facts.training.as_deref().map(str::trim) {
        Some("Internship/residency") => Some("Complete an internship or residency"),
        Some("Apprenticeship") => Some("Complete an apprenticeship"),
        Some("Long-term on-the-job training") => Some("Expect long-term on-the-job training (over a year)"),
        Some("Moderate-term on-the-job training") => Some("Expect moderate on-the-job training (one to twelve months)"),
        Some("Short-term on-the-job training") => Some("Expect short on-the-job training (a month or less)"),
        _ => None,
    };
    if let (Some(title), Some(label)) = (training, facts.training.as_deref()) {
        steps.push(EntryStep {
            kind: EntryStepKind::Training,
            title: title.to_string(),
            why: format!(
                "BLS gives \u{201c}{}\u{201d} as the typical training to become competent in this career.",
                label.trim()
            ),
        });
    }
    steps
}

/// The figures [`entry_steps`] needs, read on the server.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::EntryFacts;
    use crate::careers::domain::CareerCode;
    use crate::error::AppError;

    /// A career's job zone and its BLS entry requirements as published (each `None` when BLS
    /// publishes none for it, e.g. the military occupations). An unknown career is "not found".
    /// Combined codes carry the group's requirements, which BLS publishes for the group as a whole.
    pub async fn entry_facts(tx: &mut crate::db::Tx, code: &CareerCode) -> Result<EntryFacts, AppError> {
        let row = sqlx::query!(
            r#"select c.job_zone, b.entry_education as "education?", b.work_experience as "work_experience?",
                      b.training as "training?"
                 from careers c
                 left join career_bls_matches m on m.career_code = c.code
                 left join bls_occupations b on b.code = m.bls_code
                where c.code = $1"#,
            code.as_str(),
        )
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("a career with the code {code}")))?;
        Ok(EntryFacts {
            job_zone: row.job_zone,
            education: row.education,
            work_experience: row.work_experience,
            training: row.training,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(zone: i16, education: Option<&str>, experience: &str, training: &str) -> EntryFacts {
        EntryFacts {
            job_zone: zone,
            education: education.map(str::to_string),
            work_experience: Some(experience.to_string()),
            training: Some(training.to_string()),
        }
    }

    #[test]
    fn a_degree_already_held_is_not_a_step() {
        let nurse = facts(3, Some("Bachelor's degree"), "None", "None");
        assert!(entry_steps(&nurse, Some(EducationLevel::Bachelor)).is_empty());
        assert!(entry_steps(&nurse, Some(EducationLevel::Master)).is_empty());
        let steps = entry_steps(&nurse, Some(EducationLevel::Secondary));
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].title, "Earn a bachelor's degree");
        assert!(steps[0].why.contains("Bachelor's degree"));
    }

    #[test]
    fn steps_come_in_order_education_experience_training() {
        let electrician = facts(3, Some("High school diploma or equivalent"), "None", "Apprenticeship");
        let steps = entry_steps(&electrician, None);
        assert_eq!(
            steps.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [EntryStepKind::Training],
            "an unknown education is taken as secondary school, which meets a diploma"
        );
        let manager = facts(4, Some("Bachelor's degree"), "5 years or more", "None");
        let steps = entry_steps(&manager, Some(EducationLevel::SomeCollege));
        assert_eq!(
            steps.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [EntryStepKind::Education, EntryStepKind::Experience]
        );
    }

    #[test]
    fn a_vocational_award_and_some_college_are_different_roads() {
        assert!(!EntryEducation::PostsecondaryNondegree.met_by(Some(EducationLevel::SomeCollege)));
        assert!(!EntryEducation::Bachelor.met_by(Some(EducationLevel::Vocational)));
        assert!(EntryEducation::PostsecondaryNondegree.met_by(Some(EducationLevel::Associate)));
    }

    #[test]
    fn without_bls_figures_the_job_zone_decides() {
        let military = EntryFacts { job_zone: 4, ..EntryFacts::default() };
        let steps = entry_steps(&military, Some(EducationLevel::Secondary));
        assert_eq!(steps.len(), 1);
        assert!(steps[0].why.contains("job zone 4"));
        assert!(entry_steps(&EntryFacts { job_zone: 2, ..EntryFacts::default() }, None).is_empty());
    }
}
