//! Generating a roadmap (pure: the same inputs give the same roadmap, step for step and date for
//! date). The inputs are real data: the career's O*NET job zone, core tasks and hot technologies,
//! its BLS entry requirements (through `careers::entry`), the person's education level and
//! situation from their profile, their strongest Interest Profiler area, and the resource library.
//!
//! The order is the order people take these things in: find out what the work is, close the
//! education gap the career asks for, learn its tools, practise its tasks, gain the experience it
//! expects, make something to show, talk to people in it, apply, and start (with the training it
//! gives on the job). Each step says why it is there.

use super::domain::{Horizon, StepKind};
use crate::accounts::profile::{CareerStatus, EducationLevel};
use crate::careers::entry::{entry_steps, EntryEducation, EntryFacts, EntryStepKind};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the generator knows about the career.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerFacts {
    pub code: String,
    pub title: String,
    pub job_zone: i16,
    /// O*NET's name for the zone ("Job Zone Three: Medium Preparation Needed").
    pub zone_name: String,
    /// O*NET's description of the education most people in the zone have.
    pub zone_education: String,
    /// Task statements, core tasks first, in O*NET's order.
    pub core_tasks: Vec<String>,
    /// Hot technologies, in O*NET's order.
    pub hot_technologies: Vec<String>,
    pub entry: EntryFacts,
}

/// What the generator knows about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonFacts {
    pub education: Option<EducationLevel>,
    pub status: Option<CareerStatus>,
    /// The letter (R, I, A, S, E or C) of their strongest area in their latest Interest Profiler result.
    pub top_interest: Option<char>,
}

/// One of the library's published resources, as the generator matches them to steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryResource {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub career_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationInput {
    pub career: CareerFacts,
    pub person: PersonFacts,
    pub horizon: Horizon,
    /// The day the roadmap starts (dates are spread from it).
    pub today: NaiveDate,
    pub library: Vec<LibraryResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedStep {
    pub kind: StepKind,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub due_date: NaiveDate,
    /// The library's resources for this step, best first.
    pub resources: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedRoadmap {
    pub title: String,
    /// How it was made, sentence by sentence (shown on the roadmap's page).
    pub explanation: Vec<String>,
    pub target_date: NaiveDate,
    pub steps: Vec<GeneratedStep>,
}

/// At most this many learn steps (hot technologies) and practice steps (core tasks).
const TECHNOLOGY_STEPS: usize = 3;
const TASK_STEPS: usize = 3;
/// Resources shown on one step.
const RESOURCES_PER_STEP: usize = 3;

/// A step before resources and dates: what to match in the library for it.
struct Planned {
    kind: StepKind,
    title: String,
    description: String,
    reason: String,
    /// The career's own resources first (`true`), then these tags.
    career_resources: bool,
    tags: &'static [&'static str],
    /// A technology's name to find as a tag.
    technology: Option<String>,
}

impl Planned {
    fn new(kind: StepKind, title: impl Into<String>, description: impl Into<String>, reason: impl Into<String>) -> Self {
        Planned {
            kind,
            title: clip(title.into(), 200),
            description: description.into(),
            reason: clip(reason.into(), 1000),
            career_resources: false,
            tags: &[],
            technology: None,
        }
    }

    fn tags(mut self, tags: &'static [&'static str]) -> Self {
        self.tags = tags;
        self
    }
}

/// Builds the roadmap.
pub fn generate(input: &GenerationInput) -> GeneratedRoadmap {
    let career = &input.career;
    let person = &input.person;
    let title_lower = lower_first(&career.title);
    let mut planned: Vec<Planned> = Vec::new();

    // 1. Find out what the work is.
    let mut research = Planned::new(
        StepKind::Learn,
        format!("Find out what {title_lower} do day to day"),
        format!("Read the career page and the guides linked here; note what appeals to you and what doesn't. {}", career.zone_name),
        "Knowing the work first makes every later step count: it is the first step of every Waypoint roadmap.",
    )
    .tags(&["career-guide", "career-research", "choosing-a-career"]);
    research.career_resources = true;
    planned.push(research);

    // A career changer starts from what they already have.
    if person.status == Some(CareerStatus::CareerChanger) {
        planned.push(
            Planned::new(
                StepKind::Learn,
                "List what carries over from your work so far",
                "Match your experience and skills against the tasks below; the overlap is what you lead with.",
                "Your profile says you are changing careers: what you have done already shortens the road.",
            )
            .tags(&["career-change"]),
        );
    }

    // 2. The education the career asks for, against the person's own.
    let entry = entry_steps(&career.entry, person.education);
    for step in entry.iter().filter(|s| s.kind == EntryStepKind::Education) {
        let needed = career.entry.education.as_deref().and_then(EntryEducation::from_bls);
        let tags: &'static [&'static str] = match needed {
            Some(EntryEducation::PostsecondaryNondegree) => &["vocational", "apprenticeships", "financing"],
            Some(EntryEducation::HighSchool) | Some(EntryEducation::NoFormalCredential) => &["further-education", "planning"],
            _ => &["further-education", "financing", "scholarships", "student-loans", "community-college"],
        };
        planned.push(
            Planned::new(
                StepKind::Milestone,
                step.title.clone(),
                format!("O*NET's {} says: {}", short_zone(&career.zone_name), career.zone_education),
                step.why.clone(),
            )
            .tags(tags),
        );
    }

    // 3. Learn the career's tools: its hot technologies.
    for technology in career.hot_technologies.iter().take(TECHNOLOGY_STEPS) {
        let mut step = Planned::new(
            StepKind::Learn,
            format!("Learn {technology}"),
            format!("Take a beginner course or tutorial in {technology}, then use it on something small of your own."),
            format!("O*NET lists {technology} as a hot technology for {title_lower}: employers ask for it often."),
        )
        .tags(&["technology"]);
        step.technology = Some(technology.clone());
        planned.push(step);
    }

    // 4. Practise its core tasks.
    for task in career.core_tasks.iter().take(TASK_STEPS) {
        let task = task.trim().trim_end_matches('.');
        planned.push(
            Planned::new(
                StepKind::Practice,
                format!("Practise: {}", lower_first(task)),
                "Find a way to try this for real: a class exercise, volunteering, a simulation or a small job, and write down what you did.",
                format!("A core task of {title_lower} in O*NET: \u{201c}{task}.\u{201d}"),
            )
            .tags(&["work-experience", "workplace-skills"]),
        );
    }

    // 5. The related experience BLS says people enter with.
    for step in entry.iter().filter(|s| s.kind == EntryStepKind::Experience) {
        planned.push(
            Planned::new(StepKind::Practice, step.title.clone(), "Roles that use the same tasks count; keep a record of what you did in each.", step.why.clone())
                .tags(&["work-experience", "first-job"]),
        );
    }

    // 6. Something to show, framed by what interests them most.
    let (project_title, project_why) = project_for(person.top_interest, &title_lower);
    planned.push(
        Planned::new(
            StepKind::Project,
            project_title,
            "Finish it, write a short account of what you did and learned, and keep it where you can link to it.",
            project_why,
        )
        .tags(&["work-experience", "creative"]),
    );

    // 7. People.
    planned.push(
        Planned::new(
            StepKind::Network,
            format!("Talk to two people who work as {title_lower}"),
            "Ask what a normal week is like, how they got in and what they would do in your place. A Waypoint mentor session counts.",
            "People in the job know what no listing says, and most roles are filled through someone who knows the candidate.",
        )
        .tags(&["informational-interviews", "networking", "mentoring", "linkedin"]),
    );

    // 8. Applications, by where the person is.
    let (apply_title, apply_why) = match person.status {
        Some(CareerStatus::Student) => (
            "Apply for internships, placements or entry programmes".to_string(),
            "Your profile says you are a student: internships and placements are how students get in.".to_string(),
        ),
        Some(CareerStatus::JobSeeker) | Some(CareerStatus::Returning) => (
            format!("Apply for {title_lower} roles"),
            "Your profile says you are looking for work: applications come early and keep going alongside the other steps."
                .to_string(),
        ),
        _ => (
            format!("Apply for {title_lower} roles or training places"),
            "Applications turn the steps before into an offer.".to_string(),
        ),
    };
    planned.push(
        Planned::new(StepKind::Apply, apply_title, "Tailor your CV and a cover letter to each; keep a list of where you applied and when.", apply_why)
            .tags(&["applications", "cv", "cover-letter", "interviews"]),
    );

    // 9. Start, and the training the career gives on the job.
    for step in entry.iter().filter(|s| s.kind == EntryStepKind::Training) {
        planned.push(
            Planned::new(StepKind::Milestone, step.title.clone(), "Most of this happens once you are hired; ask about it at interview.", step.why.clone())
                .tags(&["apprenticeships", "first-job"]),
        );
    }
    planned.push(
        Planned::new(
            StepKind::Milestone,
            format!("Start your first role: {}", career.title),
            "The roadmap's goal. Look back at what worked and set the next one.",
            "Where this roadmap leads.",
        )
        .tags(&["first-job", "workplace-skills"]),
    );

    // Dates: spread evenly over the horizon, the last step on its last day.
    let target_date = input.today.checked_add_months(Months::new(input.horizon.months() as u32)).unwrap_or(input.today);
    let days = (target_date - input.today).num_days().max(planned.len() as i64);
    let count = planned.len() as i64;
    let mut used: Vec<Uuid> = Vec::new();
    let steps = planned
        .into_iter()
        .enumerate()
        .map(|(index, step)| {
            let offset = days * (index as i64 + 1) / count;
            let resources = resources_for(&step, career, &input.library, &mut used);
            GeneratedStep {
                kind: step.kind,
                title: step.title,
                description: step.description,
                reason: step.reason,
                due_date: input.today + chrono::Duration::days(offset),
                resources,
            }
        })
        .collect::<Vec<_>>();

    GeneratedRoadmap {
        title: clip(format!("Towards {}", career.title), 200),
        explanation: explain(input, target_date, steps.len()),
        target_date,
        steps,
    }
}

/// The project step for a person's strongest interest area (O*NET's RIASEC descriptions).
fn project_for(top: Option<char>, career: &str) -> (String, String) {
    let (title, leaning) = match top {
        Some('R') => ("Build or fix something real that " .to_string() + career + " would recognise", "hands-on work with real materials and tools"),
        Some('I') => (format!("Investigate a question {career} deal with and write up what you found"), "investigating and working with ideas"),
        Some('A') => (format!("Create a portfolio piece that shows how {career} work"), "creating and expressing ideas"),
        Some('S') => (format!("Volunteer where {career} help people, and reflect on it"), "helping and working with people"),
        Some('E') => (format!("Lead a small initiative connected to {career}"), "leading, persuading and starting things"),
        Some('C') => (format!("Organise a project {career} would do: records, data or a process"), "organising data and following procedures"),
        _ => (format!("Make a small project that shows work {career} do"), ""),
    };
    let why = if leaning.is_empty() {
        "Something finished to show speaks louder than a list of courses. Take the Interest Profiler and the project step will lean to what interests you most.".to_string()
    } else {
        format!("Something finished to show speaks louder than a list of courses; your Interest Profiler result is strongest in {} ({leaning}), so the project leans that way.", area_name(top.unwrap_or('R')))
    };
    (title, why)
}

fn area_name(letter: char) -> &'static str {
    crate::domain::riasec::AREAS.iter().find(|a| a.letter == letter).map(|a| a.name).unwrap_or("one area")
}

/// Picks a step's resources: the career's own guides (for the research step), a resource tagged
/// with the step's technology, then ones with the step's tags (more shared tags first, then by
/// slug), each resource at most once in a roadmap.
fn resources_for(step: &Planned, career: &CareerFacts, library: &[LibraryResource], used: &mut Vec<Uuid>) -> Vec<Uuid> {
    let mut chosen: Vec<Uuid> = Vec::new();
    let take = |id: Uuid, chosen: &mut Vec<Uuid>, used: &mut Vec<Uuid>| {
        if chosen.len() < RESOURCES_PER_STEP && !used.contains(&id) {
            chosen.push(id);
            used.push(id);
        }
    };
    let mut sorted: Vec<&LibraryResource> = library.iter().collect();
    sorted.sort_by(|a, b| a.slug.cmp(&b.slug));
    if step.career_resources {
        for resource in sorted.iter().filter(|r| r.career_codes.iter().any(|c| c == &career.code)) {
            take(resource.id, &mut chosen, used);
        }
    }
    if let Some(technology) = &step.technology {
        let wanted = crate::resources::domain::slugify(technology);
        for resource in sorted.iter().filter(|r| r.tags.iter().any(|t| *t == wanted)) {
            take(resource.id, &mut chosen, used);
        }
        // A technology step carries only resources about that technology.
        return chosen;
    }
    if !step.tags.is_empty() {
        let mut scored: Vec<(usize, &LibraryResource)> = sorted
            .iter()
            .map(|r| (r.tags.iter().filter(|t| step.tags.contains(&t.as_str())).count(), *r))
            .filter(|(score, _)| *score > 0)
            .collect();
        // Stable: equal scores keep slug order.
        scored.sort_by(|a, b| b.0.cmp(&a.0));
        for (_, resource) in scored {
            take(resource.id, &mut chosen, used);
        }
    }
    chosen
}

fn explain(input: &GenerationInput, target: NaiveDate, steps: usize) -> Vec<String> {
    let career = &input.career;
    let person = &input.person;
    let mut lines = vec![format!(
        "Built for {} ({}, O*NET job zone {}), from O*NET 29.3 and BLS Employment Projections 2024-34.",
        career.title, career.code, career.job_zone
    )];
    lines.push(match (person.education, person.status) {
        (Some(level), Some(status)) => format!(
            "Your profile says your education is \u{201c}{}\u{201d} and you are \u{201c}{}\u{201d}: education steps you have already covered are left out.",
            level.label(),
            status.label()
        ),
        (Some(level), None) => format!(
            "Your profile says your education is \u{201c}{}\u{201d}: education steps you have already covered are left out.",
            level.label()
        ),
        _ => "Your profile doesn't say your education yet, so the roadmap assumes secondary school; add it to your profile and generate again to tailor it."
            .to_string(),
    });
    match &career.entry.education {
        Some(education) => lines.push(format!(
            "BLS gives \u{201c}{education}\u{201d} as the typical education to enter, with \u{201c}{}\u{201d} related experience and \u{201c}{}\u{201d} on-the-job training.",
            career.entry.work_experience.as_deref().unwrap_or("no"),
            career.entry.training.as_deref().unwrap_or("no"),
        )),
        None => lines.push("BLS publishes no entry requirements for this career, so its O*NET job zone decides the education step.".to_string()),
    }
    if !career.hot_technologies.is_empty() {
        let shown: Vec<&str> = career.hot_technologies.iter().take(TECHNOLOGY_STEPS).map(String::as_str).collect();
        lines.push(format!("Learn steps are the career's hot technologies in O*NET: {}.", shown.join(", ")));
    }
    if !career.core_tasks.is_empty() {
        lines.push(format!("Practice steps are its first {} core tasks in O*NET.", career.core_tasks.len().min(TASK_STEPS)));
    }
    lines.push(match person.top_interest {
        Some(letter) => format!("Your latest Interest Profiler result is strongest in {}, which shapes the project step.", area_name(letter)),
        None => "You haven't taken the Interest Profiler; once you do, the project step leans to what interests you most.".to_string(),
    });
    lines.push(format!(
        "{steps} steps, dated evenly over {} from {} to {}. Reorder, edit, add or skip any of them: the roadmap is yours.",
        input.horizon.label(),
        input.today.format("%-d %B %Y"),
        target.format("%-d %B %Y")
    ));
    lines
}

/// "Registered Nurses" -> "registered nurses" (but "Software Developers" keeps no capitals it
/// needs: O*NET titles capitalise every word, and only acronyms stay upper case).
fn lower_first(title: &str) -> String {
    title
        .split(' ')
        .map(|word| {
            let letters: Vec<char> = word.chars().collect();
            let acronym = letters.len() > 1 && letters.iter().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
            if acronym {
                word.to_string()
            } else {
                word.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Job Zone Three: Medium Preparation Needed" -> "Job Zone Three".
fn short_zone(name: &str) -> &str {
    name.split(':').next().unwrap_or(name).trim()
}

/// At most `max` characters, cut at a word with an ellipsis.
fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('\u{2026}');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: Option<CareerStatus>, education: Option<EducationLevel>) -> GenerationInput {
        GenerationInput {
            career: CareerFacts {
                code: "29-1141.00".into(),
                title: "Registered Nurses".into(),
                job_zone: 3,
                zone_name: "Job Zone Three: Medium Preparation Needed".into(),
                zone_education: "Most occupations in this zone require training in vocational schools.".into(),
                core_tasks: vec!["Record patients' medical information and vital signs.".into(), "Monitor patients.".into()],
                hot_technologies: vec!["Epic Systems".into()],
                entry: EntryFacts {
                    job_zone: 3,
                    education: Some("Bachelor's degree".into()),
                    work_experience: Some("None".into()),
                    training: Some("None".into()),
                },
            },
            person: PersonFacts { education, status, top_interest: Some('S') },
            horizon: Horizon::DEFAULT,
            today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            library: vec![
                LibraryResource { id: Uuid::from_u128(1), slug: "nurse-guide".into(), title: "Nurse".into(), tags: vec!["career-guide".into()], career_codes: vec!["29-1141.00".into()] },
                LibraryResource { id: Uuid::from_u128(2), slug: "cv".into(), title: "CV".into(), tags: vec!["cv".into(), "applications".into()], career_codes: vec![] },
            ],
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_roadmap() {
        let a = generate(&input(Some(CareerStatus::Student), Some(EducationLevel::Secondary)));
        let b = generate(&input(Some(CareerStatus::Student), Some(EducationLevel::Secondary)));
        assert_eq!(a, b);
    }

    #[test]
    fn steps_follow_the_order_people_take_them() {
        let roadmap = generate(&input(Some(CareerStatus::Student), Some(EducationLevel::Secondary)));
        let titles: Vec<&str> = roadmap.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Find out what registered nurses do day to day",
                "Earn a bachelor's degree",
                "Learn Epic Systems",
                "Practise: record patients' medical information and vital signs",
                "Practise: monitor patients",
                "Volunteer where registered nurses help people, and reflect on it",
                "Talk to two people who work as registered nurses",
                "Apply for internships, placements or entry programmes",
                "Start your first role: Registered Nurses",
            ]
        );
        assert_eq!(roadmap.steps[0].resources, [Uuid::from_u128(1)]);
        assert_eq!(roadmap.steps[7].resources, [Uuid::from_u128(2)]);
        let last = roadmap.steps.last().unwrap();
        assert_eq!(last.due_date, NaiveDate::from_ymd_opt(2027, 11, 30).unwrap());
        assert!(roadmap.steps.windows(2).all(|w| w[0].due_date <= w[1].due_date));
    }

    #[test]
    fn a_degree_already_held_and_a_career_change_change_the_steps() {
        let roadmap = generate(&input(Some(CareerStatus::CareerChanger), Some(EducationLevel::Bachelor)));
        let titles: Vec<&str> = roadmap.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles[1], "List what carries over from your work so far");
        assert!(!titles.contains(&"Earn a bachelor's degree"));
        assert!(roadmap.explanation[1].contains("Bachelor's degree"));
    }

    #[test]
    fn acronyms_keep_their_capitals() {
        assert_eq!(lower_first("Chief Executives"), "chief executives");
        assert_eq!(lower_first("HVAC Mechanics"), "HVAC mechanics");
    }
}
