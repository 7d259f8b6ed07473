//! Roadmaps as their owner meets them: generation from the reference data (O*NET 29.3 and BLS
//! Employment Projections 2024-34) for careers in three job zones and two kinds of person,
//! the same inputs giving the same roadmap, editing (order, steps, statuses and the progress
//! they record) with two tabs racing, refused input, and the plan's limit on roadmaps. Who else
//! may read or write a roadmap is in `roadmaps_access`.
//!
//! The expected steps are written down from the data files (`data/onet-29.3/task-statements.tsv`,
//! `technology-skills.tsv`, `job-zones.tsv`, `data/bls/ep_2024-34_table1_2_line_items.csv`), in the
//! order the careers loader stores them (tasks: core first, most incumbents responding first, then
//! the file's order; hot technologies: categories with most hot examples first, then by category
//! name, within one by name), not from the generator.

use crate::booking::{act, organization, signed_in};
use crate::fixtures::user;
use crate::support::TestDb;
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::db::SignedIn;
use app::domain::Role;
use app::error::AppError;
use app::roadmaps::api::ssr;
use app::roadmaps::domain::{RoadmapStatus, RoadmapView, StepKind, StepOrigin, StepStatus, STALE_ROADMAP};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Months, NaiveDate};
use std::collections::BTreeSet;
use uuid::Uuid;

pub(crate) const PASSWORD: &str = "a compass, a map and a flask of tea";

/// The site in-process, as a browser calls it.
pub(crate) struct Site {
    pub db: TestDb,
    pub router: axum::Router,
}

impl Site {
    pub async fn new() -> Site {
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    /// Every account made so far signs in with [`PASSWORD`].
    pub async fn passwords(&self) {
        let hash = app::accounts::password::hash(PASSWORD).unwrap();
        sqlx::query("update users set password_hash = $1").bind(hash).execute(&self.db.owner).await.unwrap();
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        Reply::send(self.router.clone(), request).await
    }

    /// A page as a browser gets it, without the renderer's hydration markers between texts.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
        }
        let mut reply = self.send(request.body(Body::empty()).unwrap()).await;
        reply.body = reply.body.replace("<!>", "");
        reply
    }

    /// A server function called with form fields, as the pages' forms call them once hydrated.
    pub async fn call(&self, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let request = server_fn_request(endpoint, "application/x-www-form-urlencoded", cookie)
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(form(fields)))
            .unwrap();
        self.send(request).await
    }

    pub async fn sign_in(&self, username: &str) -> String {
        let reply = self.call("sign_in", &[("identifier", username), ("password", PASSWORD)], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.session_cookie().expect("signing in sets the session cookie")
    }

    pub async fn choose_goal(&self, cookie: &str, code: &str) {
        self.call("choose_career_goal", &[("code", code)], Some(cookie)).await.assert_ok();
    }

    pub async fn generate(&self, cookie: &str, horizon: &str) -> Reply {
        self.call("generate_roadmap", &[("horizon", horizon)], Some(cookie)).await
    }

    pub async fn roadmap(&self, cookie: &str, id: Uuid) -> Reply {
        self.call("roadmap", &[("id", &id.to_string())], Some(cookie)).await
    }

    pub async fn view(&self, cookie: &str, id: Uuid) -> RoadmapView {
        self.roadmap(cookie, id).await.json()
    }
}

/// A student with a profile saying `education` and `status` (the `education_level` and
/// `career_status` values), in `org`.
pub(crate) async fn person(db: &TestDb, org: Uuid, username: &str, education: &str, status: &str) -> Uuid {
    let id = user(&db.owner, org, username, "student").await;
    sqlx::query(
        "insert into user_profiles (user_id, organization_id, education_level, current_status)
         values ($1, $2, $3::education_level, $4::career_status)",
    )
    .bind(id)
    .bind(org)
    .bind(education)
    .bind(status)
    .execute(&db.owner)
    .await
    .expect("insert profile");
    id
}

/// `person`'s current career goal, as choosing it on a career page leaves it.
pub(crate) async fn goal(db: &TestDb, person: Uuid, org: Uuid, code: &str) {
    sqlx::query("insert into career_goals (user_id, organization_id, career_code) values ($1, $2, $3)")
        .bind(person)
        .bind(org)
        .bind(code)
        .execute(&db.owner)
        .await
        .expect("insert career goal");
}

/// A completed Interest Profiler result (the built-in assessment) with these RIASEC scores.
async fn interest_result(db: &TestDb, person: Uuid, org: Uuid, scores: serde_json::Value, code: &str) {
    sqlx::query(
        "insert into assessment_results (user_id, organization_id, assessment_id, status, completed_at, scores, summary_code)
         select $1, $2, a.id, 'completed', now(), $3, $4
           from assessments a where a.slug = 'interest-profiler' and a.organization_id is null",
    )
    .bind(person)
    .bind(org)
    .bind(scores)
    .bind(code)
    .execute(&db.owner)
    .await
    .expect("insert interest result");
}

/// The roadmap's step positions in order, as stored (the owner's view of every row).
pub(crate) async fn positions(db: &TestDb, roadmap: Uuid) -> Vec<i32> {
    sqlx::query_scalar(
        "select position from roadmap_steps where roadmap_id = $1 and deleted_at is null order by position",
    )
    .bind(roadmap)
    .fetch_all(&db.owner)
    .await
    .unwrap()
}

#[track_caller]
pub(crate) fn assert_one_to_n(positions: &[i32]) {
    let expected: Vec<i32> = (1..=positions.len() as i32).collect();
    assert_eq!(positions, expected, "positions are exactly 1..n");
}

async fn stored_version(db: &TestDb, roadmap: Uuid) -> i32 {
    sqlx::query_scalar("select version from career_roadmaps where id = $1")
        .bind(roadmap)
        .fetch_one(&db.owner)
        .await
        .unwrap()
}

/// The step ids in their order.
fn ids(view: &RoadmapView) -> Vec<Uuid> {
    view.steps.iter().map(|s| s.id).collect()
}

fn order_field(order: &[Uuid]) -> String {
    order.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",")
}

// Generation --------------------------------------------------------------------------------------

/// A career as the data files describe it.
struct Career {
    code: &'static str,
    title: &'static str,
    /// The title as the roadmap's sentences use it.
    lower: &'static str,
    /// job-zones.tsv.
    zone: i16,
    /// The first three hot technologies (technology-skills.tsv, Hot Technology = Y).
    hot: &'static [&'static str],
    /// The first three core task statements (task-statements.tsv, Task Type = Core).
    tasks: &'static [&'static str],
    /// BLS typical education needed for entry, and the step someone with only secondary
    /// school is given for it (a bachelor's degree meets every one of these).
    bls_education: &'static str,
    education_step: Option<&'static str>,
    /// BLS related work experience's step.
    experience_step: Option<&'static str>,
    /// BLS typical on-the-job training, and its step.
    training: Option<(&'static str, &'static str)>,
    /// The library's guide to this career (data/resources, `careers = [...]`).
    guide: Option<&'static str>,
}

const COOKS: Career = Career {
    code: "35-2014.00",
    title: "Cooks, Restaurant",
    lower: "cooks, restaurant",
    zone: 2,
    // One hot example in each of five categories: the categories by name.
    hot: &["Microsoft Outlook", "Microsoft Office software", "Microsoft Excel"],
    // Incumbents responding 102, 102, 102 (the file's order among the 102s).
    tasks: &[
        "Inspect and clean food preparation areas, such as equipment, work surfaces, and serving areas, to ensure safe and sanitary food-handling practices.",
        "Ensure freshness of food and ingredients by checking for quality, keeping track of old and new items, and rotating stock.",
        "Wash, peel, cut, and seed fruits and vegetables to prepare them for consumption.",
    ],
    bls_education: "No formal educational credential",
    education_step: None,
    experience_step: Some("Gain experience in a related job"),
    training: Some(("Moderate-term on-the-job training", "Expect moderate on-the-job training (one to twelve months)")),
    guide: Some("chef-career-guide"),
};

const PRACTICAL_NURSES: Career = Career {
    code: "29-2061.00",
    title: "Licensed Practical and Licensed Vocational Nurses",
    lower: "licensed practical and licensed vocational nurses",
    zone: 3,
    // Medical software has three hot examples, more than any other category.
    hot: &["eClinicalWorks EHR software", "Epic Systems", "MEDITECH software"],
    // Incumbents responding 101, 101, 101.
    tasks: &[
        "Observe patients, charting and reporting changes in patients' conditions, such as adverse reactions to medication or treatment, and taking any necessary action.",
        "Measure and record patients' vital signs, such as height, weight, temperature, blood pressure, pulse, or respiration.",
        "Collect samples, such as blood, urine, or sputum from patients, and perform routine laboratory tests on samples.",
    ],
    bls_education: "Postsecondary nondegree award",
    education_step: Some("Earn a postsecondary certificate or award"),
    experience_step: None,
    training: None,
    guide: None,
};

const REGISTERED_NURSES: Career = Career {
    code: "29-1141.00",
    title: "Registered Nurses",
    lower: "registered nurses",
    zone: 4,
    // Medical software has four hot examples; the first three by name.
    hot: &["eClinicalWorks EHR software", "Epic Systems", "Henry Schein Dentrix"],
    // Incumbents responding 90, 90, 90: the file's first three.
    tasks: &[
        "Record patients' medical information and vital signs.",
        "Administer medications to patients and monitor patients for reactions or side effects.",
        "Maintain accurate, detailed reports and records.",
    ],
    bls_education: "Bachelor's degree",
    education_step: Some("Earn a bachelor's degree"),
    experience_step: None,
    training: None,
    guide: Some("registered-nurse-career-guide"),
};

const SOFTWARE_DEVELOPERS: Career = Career {
    code: "15-1252.00",
    title: "Software Developers",
    lower: "software developers",
    zone: 4,
    // Web platform development software has the most hot examples.
    hot: &["Cascading style sheets CSS", "Google Angular", "Hypertext markup language HTML"],
    // O*NET 29.3 rates none of this career's 19 tasks yet (Task Type blank): no core tasks.
    tasks: &[],
    bls_education: "Bachelor's degree",
    education_step: Some("Earn a bachelor's degree"),
    experience_step: None,
    training: None,
    guide: None,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Profile {
    /// Secondary school, a student, strongest in Social in the Interest Profiler.
    SchoolStudent,
    /// A bachelor's degree, changing careers, no Interest Profiler result.
    GraduateChanger,
}

/// "Record patients' ... signs." -> "record patients' ... signs"
fn as_practice(task: &str) -> String {
    let task = task.trim_end_matches('.');
    let mut chars = task.chars();
    let first = chars.next().unwrap().to_lowercase().to_string();
    format!("Practise: {first}{}", chars.as_str())
}

/// The steps, in order: what the work is, (what carries over), the education the career asks
/// for against the person's, its hot technologies, its core tasks, the experience BLS expects,
/// a project, people, applications, the training on the job, and the first role.
fn expected(career: &Career, profile: Profile) -> Vec<(StepKind, String)> {
    let lower = career.lower;
    let mut steps = vec![(StepKind::Learn, format!("Find out what {lower} do day to day"))];
    if profile == Profile::GraduateChanger {
        steps.push((StepKind::Learn, "List what carries over from your work so far".to_string()));
    }
    if let (Profile::SchoolStudent, Some(education)) = (profile, career.education_step) {
        steps.push((StepKind::Milestone, education.to_string()));
    }
    steps.extend(career.hot.iter().map(|t| (StepKind::Learn, format!("Learn {t}"))));
    steps.extend(career.tasks.iter().map(|t| (StepKind::Practice, as_practice(t))));
    if let Some(experience) = career.experience_step {
        steps.push((StepKind::Practice, experience.to_string()));
    }
    steps.push(match profile {
        Profile::SchoolStudent => {
            (StepKind::Project, format!("Volunteer where {lower} help people, and reflect on it"))
        }
        Profile::GraduateChanger => (StepKind::Project, format!("Make a small project that shows work {lower} do")),
    });
    steps.push((StepKind::Network, format!("Talk to two people who work as {lower}")));
    steps.push(match profile {
        Profile::SchoolStudent => {
            (StepKind::Apply, "Apply for internships, placements or entry programmes".to_string())
        }
        Profile::GraduateChanger => (StepKind::Apply, format!("Apply for {lower} roles or training places")),
    });
    if let Some((_, training)) = career.training {
        steps.push((StepKind::Milestone, training.to_string()));
    }
    steps.push((StepKind::Milestone, format!("Start your first role: {}", career.title)));
    steps
}

async fn generate_as(db: &TestDb, member: &SignedIn, horizon: &str) -> Result<Uuid, AppError> {
    let horizon = horizon.to_string();
    act(&db.app, member, move |tx, u| Box::pin(ssr::generate(tx, u, horizon))).await
}

async fn view_as(db: &TestDb, member: &SignedIn, id: Uuid) -> Result<RoadmapView, AppError> {
    act(&db.app, member, move |tx, u| Box::pin(ssr::view(tx, u, id))).await
}

#[tokio::test]
async fn generated_roadmaps_follow_the_data_for_three_job_zones_and_two_profiles() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "generation").await;
    let careers = [&COOKS, &PRACTICAL_NURSES, &REGISTERED_NURSES, &SOFTWARE_DEVELOPERS];
    let zones: BTreeSet<i16> = careers.iter().map(|c| c.zone).collect();
    assert_eq!(zones.len(), 3, "three job zones");
    for career in careers {
        let stored: i16 = sqlx::query_scalar("select job_zone from careers where code = $1")
            .bind(career.code)
            .fetch_one(&db.owner)
            .await
            .unwrap();
        assert_eq!(stored, career.zone, "{}: job-zones.tsv", career.code);
    }

    for (index, career) in careers.iter().enumerate() {
        for profile in [Profile::SchoolStudent, Profile::GraduateChanger] {
            let case = format!("{} {profile:?}", career.code);
            let username =
                format!("gen-{index}-{}", if profile == Profile::SchoolStudent { "school" } else { "graduate" });
            let id = match profile {
                Profile::SchoolStudent => {
                    let id = person(&db, org, &username, "secondary", "student").await;
                    interest_result(
                        &db,
                        id,
                        org,
                        serde_json::json!({"R": 10, "I": 20, "A": 5, "S": 35, "E": 15, "C": 8}),
                        "SIE",
                    )
                    .await;
                    id
                }
                Profile::GraduateChanger => person(&db, org, &username, "bachelor", "career_changer").await,
            };
            goal(&db, id, org, career.code).await;
            let member = signed_in(id, org, Role::Student);
            let roadmap = generate_as(&db, &member, "12").await.unwrap_or_else(|e| panic!("{case}: generating: {e:?}"));
            let view = view_as(&db, &member, roadmap).await.unwrap_or_else(|e| panic!("{case}: reading: {e:?}"));

            let steps: Vec<(StepKind, String)> = view.steps.iter().map(|s| (s.kind, s.title.clone())).collect();
            assert_eq!(steps, expected(career, profile), "{case}: the steps in order");
            assert_eq!(view.title, format!("Towards {}", career.title), "{case}");
            assert_eq!(view.career_code.as_deref(), Some(career.code), "{case}");
            assert_one_to_n(&view.steps.iter().map(|s| s.position).collect::<Vec<_>>());
            assert!(
                view.steps.iter().all(|s| s.origin == StepOrigin::Generated && s.status == StepStatus::NotStarted),
                "{case}"
            );

            // Each data-derived step says where it came from.
            for technology in career.hot {
                let step = view.steps.iter().find(|s| s.title == format!("Learn {technology}")).unwrap();
                assert!(
                    step.reason.contains(&format!("O*NET lists {technology} as a hot technology")),
                    "{case}: {}",
                    step.reason
                );
            }
            for task in career.tasks {
                let step = view.steps.iter().find(|s| s.title == as_practice(task)).unwrap();
                assert!(
                    step.reason.contains(&format!("\u{201c}{task}\u{201d}")),
                    "{case}: the task statement whole: {}",
                    step.reason
                );
            }
            if let (Profile::SchoolStudent, Some(education)) = (profile, career.education_step) {
                let step = view.steps.iter().find(|s| s.title == education).unwrap();
                assert!(
                    step.reason.contains(&format!("\u{201c}{}\u{201d}", career.bls_education)),
                    "{case}: {}",
                    step.reason
                );
                let first_learn_or_practice = view
                    .steps
                    .iter()
                    .position(|s| s.title.starts_with("Learn ") || s.kind == StepKind::Practice)
                    .unwrap();
                assert!(
                    step.position <= first_learn_or_practice as i32,
                    "{case}: the education comes before the learn and practice steps"
                );
            }
            if let Some((bls_training, title)) = career.training {
                let step = view.steps.iter().find(|s| s.title == title).unwrap();
                assert!(step.reason.contains(bls_training), "{case}: {}", step.reason);
            }

            // How it was made, for the page.
            assert!(
                view.explanation[0].contains(&format!("({}, O*NET job zone {})", career.code, career.zone)),
                "{case}: {:?}",
                view.explanation
            );
            assert!(
                view.explanation
                    .iter()
                    .any(|line| line
                        .contains(&format!("\u{201c}{}\u{201d} as the typical education", career.bls_education))),
                "{case}: BLS's entry education is explained: {:?}",
                view.explanation
            );
            assert_eq!(
                view.explanation.iter().any(|line| line.starts_with("Practice steps")),
                !career.tasks.is_empty(),
                "{case}: {:?}",
                view.explanation
            );

            // Dates: spread over the year from the day it was made, the last on its last day.
            let today: NaiveDate = view.created_at.date_naive();
            let target = today.checked_add_months(Months::new(12)).unwrap();
            assert_eq!((view.horizon_months, view.target_date), (Some(12), Some(target)), "{case}");
            let dates: Vec<NaiveDate> =
                view.steps.iter().map(|s| s.due_date.expect("every generated step has a date")).collect();
            assert!(dates[0] > today, "{case}: {dates:?}");
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{case}: dates in step order: {dates:?}");
            assert_eq!(*dates.last().unwrap(), target, "{case}");

            // Resources: the career's own guide first on the first step, and none twice.
            if let Some(guide) = career.guide {
                assert_eq!(view.steps[0].resources.first().map(|r| r.slug.as_str()), Some(guide), "{case}");
            }
            let slugs: Vec<&str> =
                view.steps.iter().flat_map(|s| s.resources.iter().map(|r| r.slug.as_str())).collect();
            let distinct: BTreeSet<&str> = slugs.iter().copied().collect();
            assert_eq!(slugs.len(), distinct.len(), "{case}: a resource appears once in a roadmap: {slugs:?}");
            assert!(!slugs.is_empty(), "{case}: the library's resources are on the steps");
        }
    }
}

/// What a roadmap says, without what differs between two people (ids, timestamps): kind,
/// title, description, reason, days from its making to each date, and resources.
type Comparable = (Vec<String>, Vec<(StepKind, String, String, String, i64, Vec<String>)>);

fn comparable(view: &RoadmapView) -> Comparable {
    let today = view.created_at.date_naive();
    (
        view.explanation.clone(),
        view.steps
            .iter()
            .map(|s| {
                (
                    s.kind,
                    s.title.clone(),
                    s.description.clone(),
                    s.reason.clone(),
                    (s.due_date.unwrap() - today).num_days(),
                    s.resources.iter().map(|r| r.slug.clone()).collect(),
                )
            })
            .collect(),
    )
}

#[tokio::test]
async fn the_same_inputs_give_the_same_roadmap_over_http() {
    let site = Site::new().await;
    let org = organization(&site.db.owner, "same").await;
    for name in ["same-a", "same-b"] {
        person(&site.db, org, name, "secondary", "student").await;
    }
    site.passwords().await;
    let mut views = Vec::new();
    for name in ["same-a", "same-b"] {
        let cookie = site.sign_in(name).await;
        site.choose_goal(&cookie, REGISTERED_NURSES.code).await;
        let id: Uuid = site.generate(&cookie, "6").await.json();
        views.push(site.view(&cookie, id).await);
    }
    let (a, b) = (&views[0], &views[1]);
    assert_ne!(a.id, b.id);
    assert_eq!(comparable(a), comparable(b), "two people with the same profile and goal get the same roadmap");
    assert_eq!(a.steps.len(), expected(&REGISTERED_NURSES, Profile::SchoolStudent).len());
    assert_eq!((a.horizon_months, b.horizon_months), (Some(6), Some(6)));
    // No Interest Profiler result: the project step says how to get one that leans their way.
    assert!(
        a.steps
            .iter()
            .any(|s| s.kind == StepKind::Project
                && s.title == "Make a small project that shows work registered nurses do")
    );
    assert!(a.explanation.iter().any(|line| line.contains("6 months")), "{:?}", a.explanation);

    // A horizon that isn't offered is refused, naming the field; nothing is made.
    let cookie = site.sign_in("same-a").await;
    let reply = site.generate(&cookie, "7").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    match reply.error() {
        AppError::Invalid(errors) => {
            assert!(errors.field("horizon").is_some_and(|m| m.contains("3, 6, 12, 18, 24 or 36")), "{errors:?}")
        }
        other => panic!("{other:?}"),
    }
    let made: i64 = sqlx::query_scalar("select count(*) from career_roadmaps where organization_id = $1")
        .bind(org)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(made, 2);
}

// Editing -----------------------------------------------------------------------------------------

/// A signed-in student (secondary school, a student) with a generated Registered Nurses
/// roadmap; gives the site, their session and the roadmap.
async fn owner_with_roadmap(slug: &str) -> (Site, Uuid, String, Uuid) {
    let site = Site::new().await;
    let org = organization(&site.db.owner, slug).await;
    let username = format!("{slug}-owner");
    person(&site.db, org, &username, "secondary", "student").await;
    site.passwords().await;
    let cookie = site.sign_in(&username).await;
    site.choose_goal(&cookie, REGISTERED_NURSES.code).await;
    let id: Uuid = site.generate(&cookie, "12").await.json();
    (site, org, cookie, id)
}

fn move_fields(roadmap: Uuid, version: i32, step: Uuid, direction: &str) -> [(&'static str, String); 4] {
    [
        ("roadmap", roadmap.to_string()),
        ("version", version.to_string()),
        ("step", step.to_string()),
        ("direction", direction.to_string()),
    ]
}

async fn call_owned(site: &Site, endpoint: &str, fields: &[(&'static str, String)], cookie: &str) -> Reply {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    site.call(endpoint, &borrowed, Some(cookie)).await
}

#[track_caller]
fn assert_stale(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    match reply.error() {
        AppError::Conflict(message) => {
            assert_eq!(message, STALE_ROADMAP);
            assert!(message.starts_with("This roadmap changed in another tab"));
        }
        other => panic!("expected the stale-roadmap conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn two_tabs_reordering_at_once_one_wins_and_the_other_is_told_to_reload() {
    let (site, _, first_tab, roadmap) = owner_with_roadmap("tabs").await;
    let second_tab = site.sign_in("tabs-owner").await;
    assert_ne!(first_tab, second_tab, "two sessions of the same person");

    // Both tabs load version v.
    let seen_first = site.view(&first_tab, roadmap).await;
    let seen_second = site.view(&second_tab, roadmap).await;
    assert_eq!(seen_first.version, seen_second.version);
    let version = seen_first.version;
    let before = ids(&seen_first);

    // Tab one drags the last step to the top; tab two moves the first step down. At once.
    let mut dragged = before.clone();
    let last = dragged.pop().unwrap();
    dragged.insert(0, last);
    let mut moved = before.clone();
    moved.swap(0, 1);
    let reorder =
        [("roadmap", roadmap.to_string()), ("version", version.to_string()), ("order", order_field(&dragged))];
    let down = move_fields(roadmap, version, before[0], "down");
    let (one, two) = tokio::join!(
        call_owned(&site, "reorder_roadmap_steps", &reorder, &first_tab),
        call_owned(&site, "move_roadmap_step", &down, &second_tab)
    );

    let winner = if one.status == StatusCode::OK && two.status == StatusCode::CONFLICT {
        assert_stale(&two);
        dragged.clone()
    } else if one.status == StatusCode::CONFLICT && two.status == StatusCode::OK {
        assert_stale(&one);
        moved.clone()
    } else {
        panic!("exactly one save wins, the other is refused: {} {}\n{}\n{}", one.status, two.status, one.body, two.body)
    };
    let after = site.view(&first_tab, roadmap).await;
    assert_eq!(ids(&after), winner, "the order is the winner's, never a mix");
    assert_eq!(after.version, version + 1);
    assert_one_to_n(&positions(&site.db, roadmap).await);

    // The tab that lost tries again on the same old version, one after the other: still refused.
    let stale =
        call_owned(&site, "move_roadmap_step", &move_fields(roadmap, version, before[0], "down"), &second_tab).await;
    assert_stale(&stale);
    let stale = call_owned(
        &site,
        "reorder_roadmap_steps",
        &[("roadmap", roadmap.to_string()), ("version", version.to_string()), ("order", order_field(&before))],
        &first_tab,
    )
    .await;
    assert_stale(&stale);
    assert_eq!(ids(&site.view(&first_tab, roadmap).await), winner, "refused saves change nothing");

    // After a reload the same move goes through and answers the new version.
    let fresh = site.view(&second_tab, roadmap).await;
    let third = fresh.steps[2].id;
    let reply =
        call_owned(&site, "move_roadmap_step", &move_fields(roadmap, fresh.version, third, "up"), &second_tab).await;
    let new_version: i32 = reply.json();
    assert_eq!(new_version, fresh.version + 1);
    let mut expected_order = ids(&fresh);
    expected_order.swap(1, 2);
    assert_eq!(ids(&site.view(&second_tab, roadmap).await), expected_order);
    assert_one_to_n(&positions(&site.db, roadmap).await);

    // Orders that don't name every step exactly once are refused and change nothing.
    let current = site.view(&first_tab, roadmap).await;
    let current_ids = ids(&current);
    let mut twice = current_ids.clone();
    twice[1] = twice[0];
    for order in [
        order_field(&current_ids[1..]),
        order_field(&twice),
        format!("{},{}", order_field(&current_ids), Uuid::new_v4()),
    ] {
        let reply = call_owned(
            &site,
            "reorder_roadmap_steps",
            &[("roadmap", roadmap.to_string()), ("version", current.version.to_string()), ("order", order)],
            &first_tab,
        )
        .await;
        assert!(!reply.status.is_success(), "{}", reply.body);
        assert_eq!(stored_version(&site.db, roadmap).await, current.version);
    }
    assert_eq!(ids(&site.view(&first_tab, roadmap).await), current_ids);

    // The first step can't go up, the last can't go down, and a direction must be one of the two.
    let n = current_ids.len();
    for (step, direction, gist) in [
        (current_ids[0], "up", "already the first"),
        (current_ids[n - 1], "down", "already the last"),
        (current_ids[1], "sideways", "up or down"),
    ] {
        let reply =
            call_owned(&site, "move_roadmap_step", &move_fields(roadmap, current.version, step, direction), &first_tab)
                .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        assert!(reply.error().to_string().contains(gist), "{:?}", reply.error());
    }
    assert_eq!(stored_version(&site.db, roadmap).await, current.version);
    assert_one_to_n(&positions(&site.db, roadmap).await);
}

#[tokio::test]
async fn adding_editing_and_removing_steps_keep_positions_one_to_n() {
    let (site, _, cookie, roadmap) = owner_with_roadmap("steps").await;
    let start = site.view(&cookie, roadmap).await;
    let n = start.steps.len();

    // Added at the end, as the owner's own.
    let reply = site
        .call(
            "add_roadmap_step",
            &[
                ("roadmap", &roadmap.to_string()),
                ("title", "  Shadow a nurse on a night shift "),
                ("description", "Ask the ward manager at the local hospital."),
                ("kind", "network"),
                ("due_date", "2027-03-31"),
                ("reason", "To see the job at its hardest."),
            ],
            Some(&cookie),
        )
        .await;
    let added: Uuid = reply.json();
    let view = site.view(&cookie, roadmap).await;
    assert_eq!(view.steps.len(), n + 1);
    let last = view.steps.last().unwrap();
    assert_eq!(
        (last.id, last.position, last.title.as_str(), last.kind, last.origin, last.due_date),
        (
            added,
            n as i32 + 1,
            "Shadow a nurse on a night shift",
            StepKind::Network,
            StepOrigin::Added,
            NaiveDate::from_ymd_opt(2027, 3, 31)
        )
    );
    assert!(view.version > start.version, "every change moves the version on");
    assert_one_to_n(&positions(&site.db, roadmap).await);

    // Edited in place.
    site.call(
        "edit_roadmap_step",
        &[
            ("step", &added.to_string()),
            ("title", "Shadow a nurse for a day"),
            ("kind", "practice"),
            ("due_date", ""),
            ("reason", ""),
        ],
        Some(&cookie),
    )
    .await
    .assert_ok();
    let view = site.view(&cookie, roadmap).await;
    let edited = view.steps.iter().find(|s| s.id == added).unwrap();
    assert_eq!(
        (edited.position, edited.title.as_str(), edited.kind, edited.due_date, edited.description.as_str()),
        (n as i32 + 1, "Shadow a nurse for a day", StepKind::Practice, None, "")
    );

    // Removed from the middle and from the top: the rest close up.
    let middle = view.steps[n / 2].id;
    let top = view.steps[0].id;
    site.call("set_roadmap_step_status", &[("step", &middle.to_string()), ("status", "in_progress")], Some(&cookie))
        .await
        .assert_ok();
    for step in [middle, top] {
        site.call("remove_roadmap_step", &[("step", &step.to_string())], Some(&cookie)).await.assert_ok();
        assert_one_to_n(&positions(&site.db, roadmap).await);
    }
    let view = site.view(&cookie, roadmap).await;
    assert_eq!(view.steps.len(), n - 1);
    assert!(view.steps.iter().all(|s| s.id != middle && s.id != top));
    assert_eq!(view.steps.last().unwrap().id, added);
    let orphans: i64 = sqlx::query_scalar("select count(*) from user_progress where roadmap_step_id = any($1)")
        .bind(vec![middle, top])
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(orphans, 0, "a removed step's progress goes with it");

    // A step added after removals takes the next place, not a gap or a taken one.
    let reply = site
        .call(
            "add_roadmap_step",
            &[("roadmap", &roadmap.to_string()), ("title", "Join a nursing society"), ("kind", "network")],
            Some(&cookie),
        )
        .await;
    let joined: Uuid = reply.json();
    let view = site.view(&cookie, roadmap).await;
    assert_eq!(view.steps.last().map(|s| (s.id, s.position)), Some((joined, n as i32)));
    assert_one_to_n(&positions(&site.db, roadmap).await);
}

#[tokio::test]
async fn statuses_are_recorded_as_progress_and_finishing_every_step_completes_the_roadmap() {
    let (site, _, cookie, roadmap) = owner_with_roadmap("status").await;
    let view = site.view(&cookie, roadmap).await;
    let owner: Uuid = sqlx::query_scalar("select user_id from career_roadmaps where id = $1")
        .bind(roadmap)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let progress = |step: Uuid| {
        let db = &site.db;
        async move {
            sqlx::query_as::<_, (String, i16, bool, Option<chrono::DateTime<chrono::Utc>>, serde_json::Value)>(
                "select status::text, progress_percent, started_at is not null, completed_at, metadata
                   from user_progress where user_id = $1 and roadmap_step_id = $2 and deleted_at is null",
            )
            .bind(owner)
            .bind(step)
            .fetch_all(&db.owner)
            .await
            .unwrap()
        }
    };
    let set = |step: Uuid, status: &'static str| {
        let (site, cookie) = (&site, cookie.clone());
        async move {
            site.call("set_roadmap_step_status", &[("step", &step.to_string()), ("status", status)], Some(&cookie))
                .await
        }
    };

    let first = view.steps[0].id;
    set(first, "in_progress").await.assert_ok();
    let rows = progress(first).await;
    assert_eq!(rows.len(), 1, "one progress row per step");
    assert_eq!((rows[0].0.as_str(), rows[0].1, rows[0].2, rows[0].3), ("in_progress", 50, true, None));

    set(first, "completed").await.assert_ok();
    let step_done: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select completed_at from roadmap_steps where id = $1")
            .bind(first)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    let rows = progress(first).await;
    assert_eq!((rows[0].0.as_str(), rows[0].1, rows[0].2), ("completed", 100, true));
    assert!(step_done.is_some());
    assert_eq!(rows[0].3, step_done, "completed with the step's time");

    let second = view.steps[1].id;
    set(second, "skipped").await.assert_ok();
    let rows = progress(second).await;
    assert_eq!(
        (rows[0].0.as_str(), rows[0].3.is_none(), rows[0].4["skipped"].as_bool()),
        ("not_started", true, Some(true))
    );

    // A status that isn't one of the four is refused and changes nothing.
    let reply = set(view.steps[2].id, "finished").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let status: String = sqlx::query_scalar("select status::text from roadmap_steps where id = $1")
        .bind(view.steps[2].id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(status, "not_started");

    // Every other step done: the roadmap is completed.
    for step in &view.steps[2..] {
        set(step.id, "completed").await.assert_ok();
    }
    let done = site.view(&cookie, roadmap).await;
    assert_eq!(done.status, RoadmapStatus::Completed);
    assert_eq!(done.completion().percent(), 100);
    let (completed_at, steps_completed): (Option<chrono::DateTime<chrono::Utc>>, i64) = sqlx::query_as(
        "select r.completed_at, (select count(*) from user_progress p where p.user_id = r.user_id and p.status = 'completed'
                                     and p.roadmap_step_id in (select id from roadmap_steps where roadmap_id = r.id))
           from career_roadmaps r where r.id = $1",
    )
    .bind(roadmap)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert!(completed_at.is_some());
    assert_eq!(steps_completed, view.steps.len() as i64 - 1, "every step but the skipped one is recorded completed");

    // Reopening a step makes it active again.
    set(first, "in_progress").await.assert_ok();
    let reopened = site.view(&cookie, roadmap).await;
    assert_eq!(reopened.status, RoadmapStatus::Active);
    let rows = progress(first).await;
    assert_eq!((rows[0].0.as_str(), rows[0].3), ("in_progress", None));
    let completed_at: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select completed_at from career_roadmaps where id = $1")
            .bind(roadmap)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(completed_at, None);
}

#[tokio::test]
async fn refused_step_input_answers_422_field_by_field_and_changes_nothing() {
    let (site, _, cookie, roadmap) = owner_with_roadmap("refused").await;
    let before = site.view(&cookie, roadmap).await;

    let reply = site
        .call(
            "add_roadmap_step",
            &[
                ("roadmap", &roadmap.to_string()),
                ("title", "x"),
                ("kind", "dance"),
                ("due_date", "2027-02-31"),
                ("reason", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let AppError::Invalid(errors) = reply.error() else { panic!("{}", reply.body) };
    assert!(errors.field("title").is_some_and(|m| m.contains("at least 2 characters")), "{errors:?}");
    assert!(
        errors.field("kind").is_some_and(|m| m.contains("learn, practice, project, network, apply or milestone")),
        "{errors:?}"
    );
    assert!(errors.field("due_date").is_some_and(|m| m.contains("isn't a date")), "{errors:?}");

    let step = before.steps[3].id;
    for (title, kind, due_date, field) in [
        ("A", "learn", "", "title"),
        ("Take an anatomy course", "reading", "", "kind"),
        ("Take an anatomy course", "learn", "1999-12-31", "due_date"),
        ("Take an anatomy course", "learn", "next week", "due_date"),
    ] {
        let reply = site
            .call(
                "edit_roadmap_step",
                &[("step", &step.to_string()), ("title", title), ("kind", kind), ("due_date", due_date)],
                Some(&cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
        let AppError::Invalid(errors) = reply.error() else { panic!("{}", reply.body) };
        assert!(errors.field(field).is_some(), "{field}: {errors:?}");
    }

    let after = site.view(&cookie, roadmap).await;
    assert_eq!(after.version, before.version, "nothing was saved");
    assert_eq!(after.steps, before.steps);
}

// The plan's limit -------------------------------------------------------------------------------

#[tokio::test]
async fn a_free_plan_keeps_one_roadmap_and_archiving_makes_room() {
    let site = Site::new().await;
    let org = organization(&site.db.owner, "freeplan").await;
    let student = person(&site.db, org, "free-student", "secondary", "student").await;
    site.passwords().await;
    let cookie = site.sign_in("free-student").await;
    site.choose_goal(&cookie, REGISTERED_NURSES.code).await;
    let first: Uuid = site.generate(&cookie, "12").await.json();

    // A second goal, a second roadmap: refused, naming the plan and its one roadmap.
    site.choose_goal(&cookie, COOKS.code).await;
    let reply = site.generate(&cookie, "12").await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let message = reply.error().to_string();
    assert!(message.starts_with("Your Free plan keeps 1 roadmap at once."), "{message}");
    let count = || {
        let db = &site.db;
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from career_roadmaps where user_id = $1")
                .bind(student)
                .fetch_one(&db.owner)
                .await
                .unwrap()
        }
    };
    assert_eq!(count().await, 1, "nothing half-made is left behind");
    let overview: app::roadmaps::domain::RoadmapsOverview = site.call("my_roadmaps", &[], Some(&cookie)).await.json();
    assert_eq!((overview.plan_name.as_str(), overview.plan_limit, overview.in_use), ("Free", Some(1), 1));

    // Archiving the first makes room.
    site.call("set_roadmap_archived", &[("roadmap", &first.to_string()), ("action", "archive")], Some(&cookie))
        .await
        .assert_ok();
    let second: Uuid = site.generate(&cookie, "12").await.json();
    assert_eq!(count().await, 2);
    let view = site.view(&cookie, second).await;
    assert_eq!(view.career_code.as_deref(), Some(COOKS.code));
    assert_eq!(site.view(&cookie, first).await.status, RoadmapStatus::Archived);

    // Bringing the first back would make two: refused the same way.
    let reply = site
        .call("set_roadmap_archived", &[("roadmap", &first.to_string()), ("action", "restore")], Some(&cookie))
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.error().to_string().starts_with("Your Free plan keeps 1 roadmap at once."));
    assert_eq!(site.view(&cookie, first).await.status, RoadmapStatus::Archived);
}
