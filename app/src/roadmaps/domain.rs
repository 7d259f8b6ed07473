//! Roadmaps' domain, shared by browser and server: a step's kind and status, what a person types
//! (parsed field by field: [`StepDraft`], [`Horizon`], [`CommentBody`], [`NewOrder`]), and what the
//! pages show.

use crate::domain::{FieldErrors, Parse, ValidationError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::labelled_enum;

labelled_enum!(
    /// What a step asks of the person. Mirrors `roadmap_step_kind`.
    StepKind, "roadmap_step_kind", [
        Learn => "learn", "Learn",
        Practice => "practice", "Practice",
        Project => "project", "Project",
        Network => "network", "Network",
        Apply => "apply", "Apply",
        Milestone => "milestone", "Milestone",
    ]
);

labelled_enum!(
    /// Where a step stands. Mirrors `roadmap_step_status`.
    StepStatus, "roadmap_step_status", [
        NotStarted => "not_started", "Not started",
        InProgress => "in_progress", "In progress",
        Completed => "completed", "Done",
        Skipped => "skipped", "Skipped",
    ]
);

labelled_enum!(
    /// A roadmap in use, finished (every step done or skipped), or put away. Mirrors `roadmap_status`.
    RoadmapStatus, "roadmap_status", [
        Active => "active", "In progress",
        Completed => "completed", "Completed",
        Archived => "archived", "Archived",
    ]
);

labelled_enum!(
    /// Where a step came from. Mirrors `roadmap_step_origin`.
    StepOrigin, "roadmap_step_origin", [
        Generated => "generated", "Suggested by Waypoint",
        Added => "added", "Added by you",
        Suggested => "suggested", "Suggested by your mentor",
    ]
);

labelled_enum!(
    /// A mentor's suggested step, waiting or decided. Mirrors `roadmap_suggestion_status`.
    SuggestionStatus, "roadmap_suggestion_status", [
        Pending => "pending", "Waiting for you",
        Accepted => "accepted", "Accepted",
        Rejected => "rejected", "Declined",
    ]
);

impl StepKind {
    /// What the kind means, for the key beside the roadmap.
    pub fn meaning(self) -> &'static str {
        match self {
            StepKind::Learn => "Knowledge to gain: a course, a subject, a tool.",
            StepKind::Practice => "Doing the work itself, on a small scale.",
            StepKind::Project => "Something finished you can show.",
            StepKind::Network => "People to talk to: mentors, people in the job.",
            StepKind::Apply => "Applications: programmes, internships, jobs.",
            StepKind::Milestone => "A point you reach: a qualification, a first role.",
        }
    }
}

/// How long the person gives themselves; step dates are spread over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Horizon(u8);

impl Horizon {
    /// The choices the generator offers, in months.
    pub const CHOICES: [u8; 6] = [3, 6, 12, 18, 24, 36];
    pub const DEFAULT: Horizon = Horizon(12);

    pub fn months(self) -> u8 {
        self.0
    }

    pub fn label(self) -> String {
        match self.0 {
            12 => "1 year".to_string(),
            24 => "2 years".to_string(),
            36 => "3 years".to_string(),
            n => format!("{n} months"),
        }
    }
}

impl Parse for Horizon {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(Self::DEFAULT);
        }
        input
            .parse::<u8>()
            .ok()
            .filter(|months| Self::CHOICES.contains(months))
            .map(Horizon)
            .ok_or_else(|| ValidationError("Choose how long you give yourself: 3, 6, 12, 18, 24 or 36 months.".to_string()))
    }
}

/// Text between `min` and `max` characters, trimmed, without control characters (except line breaks).
fn bounded_text(input: &str, min: usize, max: usize, what: &str) -> Result<String, ValidationError> {
    let text = input.trim();
    let length = text.chars().count();
    if length < min {
        return Err(ValidationError(if min <= 1 {
            format!("Write {what}.")
        } else {
            format!("{what} needs at least {min} characters.")
        }));
    }
    if length > max {
        return Err(ValidationError(format!("{what} has at most {max} characters ({length} now).")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ValidationError(format!("{what} can't contain control characters.")));
    }
    Ok(text.to_string())
}

/// A date typed as YYYY-MM-DD (what `<input type=date>` sends); blank means none.
pub fn parse_due_date(input: &str) -> Result<Option<NaiveDate>, ValidationError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .map_err(|_| ValidationError(format!("\u{201c}{input}\u{201d} isn't a date. Use the date picker, or write it as 2027-03-31.")))?;
    let year = chrono::Datelike::year(&date);
    if !(2000..=2100).contains(&year) {
        return Err(ValidationError("Choose a date between 2000 and 2100.".to_string()));
    }
    Ok(Some(date))
}

/// A step as someone writes it (adding, editing, or a mentor suggesting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDraft {
    pub title: String,
    pub description: String,
    pub kind: StepKind,
    pub due_date: Option<NaiveDate>,
    pub reason: String,
}

impl StepDraft {
    /// Every field at once; each refusal names its field (`title`, `description`, `kind`,
    /// `due_date`, `reason`).
    pub fn parse(title: &str, description: &str, kind: &str, due_date: &str, reason: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", bounded_text(title, 2, 200, "The step's title"));
        let description = errors.check("description", bounded_text(description, 0, 4000, "The description"));
        let kind = errors.check(
            "kind",
            StepKind::from_key(kind).ok_or_else(|| {
                ValidationError("Choose what kind of step this is: learn, practice, project, network, apply or milestone.".to_string())
            }),
        );
        let due_date = errors.check("due_date", parse_due_date(due_date));
        let reason = errors.check("reason", bounded_text(reason, 0, 1000, "Why it matters"));
        errors.finish_with(|| Some(StepDraft { title: title?, description: description?, kind: kind?, due_date: due_date?, reason: reason? }))
    }
}

/// A comment on a roadmap or one of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Parse for CommentBody {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        bounded_text(input, 1, 2000, "a comment").map(CommentBody)
    }
}

/// A roadmap's steps in a new order: every step exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder(Vec<Uuid>);

impl NewOrder {
    /// `order`: step ids separated by commas (what the page sends); `current`: the steps the
    /// roadmap has now. A list naming a step twice, missing one or naming another roadmap's is
    /// refused: the page was out of date.
    pub fn parse(order: &str, current: &[Uuid]) -> Result<Self, ValidationError> {
        let mut ids = Vec::with_capacity(current.len());
        for part in order.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id = Uuid::parse_str(part).map_err(|_| ValidationError("That order names a step that doesn't exist.".to_string()))?;
            if ids.contains(&id) {
                return Err(ValidationError("That order names a step twice.".to_string()));
            }
            ids.push(id);
        }
        let same_steps = ids.len() == current.len() && current.iter().all(|id| ids.contains(id));
        if !same_steps {
            return Err(ValidationError(STALE_ROADMAP.to_string()));
        }
        Ok(NewOrder(ids))
    }

    pub fn ids(&self) -> &[Uuid] {
        &self.0
    }

    /// `current` with the step at `index` moved one place up (`-1`) or down (`1`); `None` when it
    /// can't move that way.
    pub fn moved(current: &[Uuid], step: Uuid, up: bool) -> Option<NewOrder> {
        let index = current.iter().position(|id| *id == step)?;
        let target = if up { index.checked_sub(1)? } else { index + 1 };
        if target >= current.len() {
            return None;
        }
        let mut ids = current.to_vec();
        ids.swap(index, target);
        Some(NewOrder(ids))
    }
}

/// What a save on an out-of-date page is told.
pub const STALE_ROADMAP: &str = "This roadmap changed in another tab or window since you opened it. Reload to see the latest order, then try again.";

/// One of the library's resources on a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResource {
    pub slug: String,
    pub title: String,
    pub kind_label: String,
    pub minutes: Option<i32>,
}

/// A step as the roadmap page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    pub description: String,
    pub kind: StepKind,
    pub status: StepStatus,
    pub due_date: Option<NaiveDate>,
    pub reason: String,
    pub origin: StepOrigin,
    pub completed_at: Option<DateTime<Utc>>,
    pub resources: Vec<StepResource>,
}

/// A comment as shown under the roadmap or its step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: Uuid,
    pub step_id: Option<Uuid>,
    pub author_name: String,
    /// Written by the roadmap's owner (otherwise by one of their mentors).
    pub by_owner: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A mentor's suggested step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub id: Uuid,
    pub author_name: String,
    pub title: String,
    pub description: String,
    pub kind: StepKind,
    pub reason: String,
    pub status: SuggestionStatus,
    pub created_at: DateTime<Utc>,
}

/// Who is looking at a roadmap, which decides what the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// Edits everything.
    Owner,
    /// Reads, comments and suggests steps.
    Mentor,
    /// Reads (the owner shared it with their organization, or platform support).
    Reader,
}

/// A roadmap's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapView {
    pub id: Uuid,
    pub title: String,
    pub career_code: Option<String>,
    pub career_title: Option<String>,
    pub status: RoadmapStatus,
    pub horizon_months: Option<i16>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub target_date: Option<NaiveDate>,
    /// How it was generated, sentence by sentence (empty for a roadmap made by hand).
    pub explanation: Vec<String>,
    pub owner_first_name: String,
    pub viewer: Viewer,
    /// A read-only share link is live (its address is shown only when it is made).
    pub share_link_active: bool,
    pub shared_with_organization: bool,
    pub steps: Vec<StepView>,
    pub comments: Vec<CommentView>,
    pub suggestions: Vec<SuggestionView>,
}

impl RoadmapView {
    pub fn completion(&self) -> Completion {
        Completion::of(self.steps.iter().map(|s| s.status))
    }
}

/// How far along a roadmap is: skipped steps count as out of the way, not as done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Completion {
    pub total: i64,
    pub completed: i64,
    pub skipped: i64,
    pub in_progress: i64,
}

impl Completion {
    pub fn of(statuses: impl Iterator<Item = StepStatus>) -> Self {
        let mut completion = Completion::default();
        for status in statuses {
            completion.total += 1;
            match status {
                StepStatus::Completed => completion.completed += 1,
                StepStatus::Skipped => completion.skipped += 1,
                StepStatus::InProgress => completion.in_progress += 1,
                StepStatus::NotStarted => {}
            }
        }
        completion
    }

    /// Done out of the steps not skipped, 0-100, rounded down (100 only when all are done).
    pub fn percent(&self) -> u8 {
        let counted = self.total - self.skipped;
        if counted <= 0 {
            return if self.total > 0 { 100 } else { 0 };
        }
        ((self.completed * 100) / counted).clamp(0, 100) as u8
    }
}

/// A roadmap in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapSummary {
    pub id: Uuid,
    pub title: String,
    pub career_code: Option<String>,
    pub career_title: Option<String>,
    pub status: RoadmapStatus,
    pub completion: Completion,
    pub updated_at: DateTime<Utc>,
    /// The first step not done or skipped.
    pub next_step: Option<String>,
}

/// The person's current goal, as the generator will use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalForRoadmap {
    pub career_code: String,
    pub career_title: String,
    /// The roadmap already in use for this goal.
    pub roadmap_id: Option<Uuid>,
}

/// `/roadmap`: the person's roadmaps, what generating a new one would start from, and the
/// roadmaps of students a mentor is working with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapsOverview {
    pub roadmaps: Vec<RoadmapSummary>,
    pub goal: Option<GoalForRoadmap>,
    /// The education level and status from the profile (labels), used by the generator.
    pub education_label: Option<String>,
    pub status_label: Option<String>,
    pub has_interest_result: bool,
    /// The plan's name and how many roadmaps in use it keeps (`None`: unlimited).
    pub plan_name: String,
    pub plan_limit: Option<u32>,
    pub in_use: u32,
    pub students: Vec<StudentRoadmaps>,
}

/// A student's roadmaps as one of their mentors sees them listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentRoadmaps {
    pub student_name: String,
    pub roadmaps: Vec<RoadmapSummary>,
}

/// What a made share link gives: the path to copy (shown once; only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLink {
    pub path: String,
}

/// The read-only view behind a share link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedRoadmap {
    pub title: String,
    pub description: String,
    pub career_code: Option<String>,
    pub career_title: Option<String>,
    pub status: RoadmapStatus,
    pub updated_at: DateTime<Utc>,
    pub steps: Vec<SharedStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedStep {
    pub position: i32,
    pub title: String,
    pub description: String,
    pub kind: StepKind,
    pub status: StepStatus,
    pub due_date: Option<NaiveDate>,
    pub reason: String,
}

/// The next step to take, for the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    pub roadmap_id: Uuid,
    pub roadmap_title: String,
    pub step_title: String,
    pub kind: StepKind,
    pub status: StepStatus,
    pub due_date: Option<NaiveDate>,
}

/// One roadmap's bar on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapProgress {
    pub id: Uuid,
    pub title: String,
    pub status: RoadmapStatus,
    pub completion: Completion,
}

/// Steps completed in the week starting `week` (a Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    pub week: NaiveDate,
    pub steps: i64,
}

/// The person's resources by reading status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResourceCounts {
    pub not_started: i64,
    pub in_progress: i64,
    pub completed: i64,
}

/// `/progress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressDashboard {
    pub roadmaps: Vec<RoadmapProgress>,
    /// The last 12 weeks, oldest first, this week last.
    pub weeks: Vec<WeekCount>,
    pub resources: ResourceCounts,
    pub next_step: Option<NextStep>,
    /// For an organization's administrator: its aggregates.
    pub organization: Option<OrganizationFigures>,
}

/// Steps completed in a month across an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub month: NaiveDate,
    pub steps: i64,
}

/// What an organization's administrators see: counts, and the roadmaps members chose to share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationFigures {
    pub organization_name: String,
    pub students: i64,
    pub with_goal: i64,
    pub with_roadmap: i64,
    pub steps_completed: i64,
    /// The last 6 months, oldest first.
    pub months: Vec<MonthCount>,
    pub shared: Vec<SharedWithOrganization>,
}

/// A roadmap its owner shared with their organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedWithOrganization {
    pub id: Uuid,
    pub owner_name: String,
    pub title: String,
    pub completion: Completion,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_draft_names_each_refused_field() {
        let errors = StepDraft::parse(" ", "", "dance", "31/02/2027", "").unwrap_err();
        assert!(errors.field("title").unwrap().contains("at least 2"));
        assert!(errors.field("kind").unwrap().contains("Choose what kind"));
        assert!(errors.field("due_date").unwrap().contains("isn't a date"));
        let draft = StepDraft::parse("  Shadow a nurse ", "", "network", "2027-03-31", "").unwrap();
        assert_eq!(draft.title, "Shadow a nurse");
        assert_eq!(draft.kind, StepKind::Network);
        assert_eq!(draft.due_date, NaiveDate::from_ymd_opt(2027, 3, 31));
    }

    #[test]
    fn an_order_must_name_every_step_once() {
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let current = [a, b, c];
        assert_eq!(NewOrder::parse(&format!("{c},{a},{b}"), &current).unwrap().ids(), [c, a, b]);
        assert!(NewOrder::parse(&format!("{c},{a}"), &current).unwrap_err().0.contains("Reload"));
        assert!(NewOrder::parse(&format!("{c},{a},{a}"), &current).unwrap_err().0.contains("twice"));
        assert!(NewOrder::parse("c,a,b", &current).is_err());
        assert_eq!(NewOrder::moved(&current, b, true).unwrap().ids(), [b, a, c]);
        assert_eq!(NewOrder::moved(&current, b, false).unwrap().ids(), [a, c, b]);
        assert!(NewOrder::moved(&current, a, true).is_none());
        assert!(NewOrder::moved(&current, c, false).is_none());
    }

    #[test]
    fn completion_leaves_skipped_steps_out() {
        use StepStatus::*;
        let completion = Completion::of([Completed, Skipped, NotStarted, InProgress].into_iter());
        assert_eq!(completion.percent(), 33);
        assert_eq!(Completion::of([Completed, Skipped].into_iter()).percent(), 100);
        assert_eq!(Completion::of(std::iter::empty()).percent(), 0);
    }

    #[test]
    fn a_horizon_is_one_of_the_choices() {
        assert_eq!(Horizon::parse("").unwrap(), Horizon::DEFAULT);
        assert_eq!(Horizon::parse("6").unwrap().months(), 6);
        assert!(Horizon::parse("7").is_err());
        assert!(Horizon::parse("a year").is_err());
        assert!(CommentBody::parse("   ").is_err());
    }
}
