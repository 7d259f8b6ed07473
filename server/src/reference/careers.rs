//! The O*NET 29.3 occupations Waypoint offers as careers, and the five job zones.
//!
//! The files under `data/onet-29.3/` are embedded in the binary with `include_str!` (about
//! 10 MB): a built server is self-contained (no data folder to deploy beside it or to find from
//! the working directory, and the tests load exactly what production loads), and a changed file
//! rebuilds the server. Parsing them takes a few tens of milliseconds.
//!
//! An occupation becomes a career when it has all six occupational interest (OI) values and a
//! job zone: 923 of O*NET's 1,016. Everything is written in one transaction with one statement
//! per table (arrays bound as parameters and `unnest`ed), under an advisory lock so servers
//! starting together don't load twice. When the database already holds exactly these careers
//! and the five zones, nothing is written; when some are missing or different, every row is
//! upserted (rows that are already identical are left alone).

use super::ReferenceError;
use app::domain::Parse;
use serde::Serialize;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap, HashSet};

const OCCUPATIONS: &str = include_str!("../../../data/onet-29.3/occupation-data.tsv");
const INTERESTS: &str = include_str!("../../../data/onet-29.3/interests.tsv");
const JOB_ZONES: &str = include_str!("../../../data/onet-29.3/job-zones.tsv");
const JOB_ZONE_REFERENCE: &str = include_str!("../../../data/onet-29.3/job-zone-reference.tsv");
const TASKS: &str = include_str!("../../../data/onet-29.3/task-statements.tsv");
const TECHNOLOGY: &str = include_str!("../../../data/onet-29.3/technology-skills.tsv");
const RELATED: &str = include_str!("../../../data/onet-29.3/related-occupations.tsv");

/// Any number, the same for every server: the key of the advisory lock the load holds.
const LOAD_LOCK: i64 = 0x5741_5950_4f4e_4554; // "WAYPONET"

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareersOutcome {
    Loaded { careers: usize, job_zones: usize },
    AlreadyPresent { careers: usize },
}

/// What a job zone means, from job-zone-reference.tsv.
#[derive(Debug, Clone, PartialEq)]
pub struct JobZoneRow {
    pub zone: i16,
    pub name: String,
    pub experience: String,
    pub education: String,
    pub training: String,
    pub examples: String,
    pub svp_range: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub text: String,
    pub core: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnologyExample {
    pub name: String,
    pub hot: bool,
    pub in_demand: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnologyCategory {
    pub category: String,
    pub examples: Vec<TechnologyExample>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CareerRow {
    pub code: String,
    pub title: String,
    pub description: String,
    pub job_zone: i16,
    /// OI values 1-7 in the order R, I, A, S, E, C.
    pub interests: [f64; 6],
    /// The first, second and third interest high points as letters, e.g. "ICR" (fewer when O*NET
    /// names fewer).
    pub high_point_code: String,
    pub tasks: Vec<Task>,
    pub technology: Vec<TechnologyCategory>,
    /// Related careers' codes, most related first; only codes that are careers themselves.
    pub related: Vec<String>,
}

/// The occupations and zones, before the details (tasks, technology, related careers) that
/// are only needed when something has to be written.
#[derive(Debug, Clone)]
pub struct Core {
    pub job_zones: Vec<JobZoneRow>,
    /// Sorted by code.
    pub careers: Vec<CareerRow>,
}

/// Every bundled career and zone, details included.
pub fn parse() -> Result<Core, ReferenceError> {
    let mut core = parse_core()?;
    add_details(&mut core.careers)?;
    Ok(core)
}

/// Loads the careers and job zones unless the database already holds them.
pub async fn load(owner: &PgPool) -> Result<CareersOutcome, ReferenceError> {
    let started = std::time::Instant::now();
    let mut core = parse_core()?;
    let codes: Vec<String> = core.careers.iter().map(|career| career.code.clone()).collect();

    let mut tx = owner.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock($1)", LOAD_LOCK).execute(&mut *tx).await?;
    let counts = sqlx::query!(
        r#"select (select count(*) from job_zones) as "zones!", (select count(*) from careers) as "total!",
                  (select count(*) from careers where code = any($1)) as "matching!""#,
        &codes,
    )
    .fetch_one(&mut *tx)
    .await?;
    let (zones, total, matching) = (counts.zones, counts.total, counts.matching);
    let expected = codes.len() as i64;
    if zones == core.job_zones.len() as i64 && total == expected && matching == expected {
        tx.commit().await?;
        return Ok(CareersOutcome::AlreadyPresent { careers: codes.len() });
    }
    if total > matching {
        // A career a goal points at can't be deleted; it stays, as it was.
        tracing::warn!(
            stale = total - matching,
            "the careers table holds careers that the bundled O*NET data no longer has"
        );
    }

    add_details(&mut core.careers)?;
    let parsed_ms = started.elapsed().as_millis() as u64;
    insert_job_zones(&mut tx, &core.job_zones).await?;
    insert_careers(&mut tx, &core.careers).await?;
    tx.commit().await?;
    tracing::info!(
        careers = core.careers.len(),
        job_zones = core.job_zones.len(),
        parsed_ms,
        total_ms = started.elapsed().as_millis() as u64,
        "O*NET careers loaded"
    );
    Ok(CareersOutcome::Loaded { careers: core.careers.len(), job_zones: core.job_zones.len() })
}

async fn insert_job_zones(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    zones: &[JobZoneRow],
) -> Result<(), sqlx::Error> {
    let column = |f: fn(&JobZoneRow) -> &String| zones.iter().map(|z| f(z).clone()).collect::<Vec<String>>();
    sqlx::query!(
        "insert into job_zones (zone, name, experience, education, training, examples, svp_range)
         select * from unnest($1::int2[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         on conflict (zone) do update set name = excluded.name, experience = excluded.experience,
                education = excluded.education, training = excluded.training, examples = excluded.examples,
                svp_range = excluded.svp_range
          where (job_zones.name, job_zones.experience, job_zones.education, job_zones.training,
                 job_zones.examples, job_zones.svp_range)
                is distinct from (excluded.name, excluded.experience, excluded.education, excluded.training,
                 excluded.examples, excluded.svp_range)",
        &zones.iter().map(|z| z.zone).collect::<Vec<i16>>(),
        &column(|z| &z.name),
        &column(|z| &z.experience),
        &column(|z| &z.education),
        &column(|z| &z.training),
        &column(|z| &z.examples),
        &column(|z| &z.svp_range),
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_careers(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    careers: &[CareerRow],
) -> Result<(), ReferenceError> {
    let json = |value: serde_json::Result<serde_json::Value>| {
        value.map_err(|error| ReferenceError::Parse { file: "onet-29.3", line: 0, message: error.to_string() })
    };
    let mut tasks = Vec::with_capacity(careers.len());
    let mut technology = Vec::with_capacity(careers.len());
    for career in careers {
        tasks.push(json(serde_json::to_value(&career.tasks))?);
        technology.push(json(serde_json::to_value(&career.technology))?);
    }
    let interest = |area: usize| careers.iter().map(|c| c.interests[area]).collect::<Vec<f64>>();
    let text = |f: fn(&CareerRow) -> &String| careers.iter().map(|c| f(c).clone()).collect::<Vec<String>>();
    sqlx::query!(
        "insert into careers (code, title, description, job_zone, realistic, investigative, artistic, social,
                              enterprising, conventional, high_point_code, tasks, technology, related)
         select code, title, description, job_zone, r, i, a, s, e, c, high_point_code, tasks, technology,
                coalesce(string_to_array(related, ','), '{}')
           from unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::float8[], $6::float8[], $7::float8[],
                       $8::float8[], $9::float8[], $10::float8[], $11::text[], $12::jsonb[], $13::jsonb[], $14::text[])
                as data (code, title, description, job_zone, r, i, a, s, e, c, high_point_code, tasks, technology, related)
         on conflict (code) do update set title = excluded.title, description = excluded.description,
                job_zone = excluded.job_zone, realistic = excluded.realistic, investigative = excluded.investigative,
                artistic = excluded.artistic, social = excluded.social, enterprising = excluded.enterprising,
                conventional = excluded.conventional, high_point_code = excluded.high_point_code,
                tasks = excluded.tasks, technology = excluded.technology, related = excluded.related
          where (careers.title, careers.description, careers.job_zone, careers.realistic, careers.investigative,
                 careers.artistic, careers.social, careers.enterprising, careers.conventional,
                 careers.high_point_code, careers.tasks, careers.technology, careers.related)
                is distinct from (excluded.title, excluded.description, excluded.job_zone, excluded.realistic,
                 excluded.investigative, excluded.artistic, excluded.social, excluded.enterprising,
                 excluded.conventional, excluded.high_point_code, excluded.tasks, excluded.technology, excluded.related)",
        &text(|c| &c.code),
        &text(|c| &c.title),
        &text(|c| &c.description),
        &careers.iter().map(|c| c.job_zone).collect::<Vec<i16>>(),
        &interest(0),
        &interest(1),
        &interest(2),
        &interest(3),
        &interest(4),
        &interest(5),
        &text(|c| &c.high_point_code),
        &tasks,
        &technology,
        &careers.iter().map(|c| c.related.join(",")).collect::<Vec<_>>(),
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// Parsing ------------------------------------------------------------------------------------

/// One tab-separated file: its header is checked, so a changed O*NET layout fails loudly
/// instead of loading columns into the wrong places.
struct Table {
    file: &'static str,
    text: &'static str,
}

impl Table {
    fn new(file: &'static str, text: &'static str, header: &[&str]) -> Result<Table, ReferenceError> {
        let table = Table { file, text };
        let first = text.lines().next().unwrap_or_default();
        let found: Vec<&str> = first.split('\t').collect();
        if found != header {
            return Err(table.error(1, format!("expected the columns {header:?}, found {found:?}")));
        }
        Ok(table)
    }

    fn error(&self, line: usize, message: impl Into<String>) -> ReferenceError {
        ReferenceError::Parse { file: self.file, line, message: message.into() }
    }

    /// Data rows as (line number, fields), each with exactly `width` fields.
    fn rows(&self, width: usize) -> impl Iterator<Item = Result<(usize, Vec<&'static str>), ReferenceError>> + '_ {
        self.text.lines().enumerate().skip(1).filter(|(_, line)| !line.is_empty()).map(move |(index, line)| {
            let fields: Vec<&'static str> = line.split('\t').collect();
            if fields.len() == width {
                Ok((index + 1, fields))
            } else {
                Err(self.error(index + 1, format!("expected {width} fields, found {}", fields.len())))
            }
        })
    }

    fn number(&self, line: usize, what: &str, value: &str) -> Result<f64, ReferenceError> {
        value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .ok_or_else(|| self.error(line, format!("{what} {value:?} isn't a number")))
    }

    fn code(&self, line: usize, value: &'static str) -> Result<&'static str, ReferenceError> {
        if app::careers::CareerCode::parse(value).is_ok() {
            Ok(value)
        } else {
            Err(self.error(line, format!("{value:?} isn't an O*NET-SOC code")))
        }
    }
}

const RIASEC: [char; 6] = ['R', 'I', 'A', 'S', 'E', 'C'];

fn parse_core() -> Result<Core, ReferenceError> {
    let job_zones = parse_job_zone_reference()?;
    let zone_of = parse_occupation_zones()?;
    let interests = parse_interests()?;
    let careers = parse_occupations(&zone_of, &interests)?;
    Ok(Core { job_zones, careers })
}

/// What each job zone means: zones 1 to 5, once each, in order.
fn parse_job_zone_reference() -> Result<Vec<JobZoneRow>, ReferenceError> {
    let reference = Table::new(
        "onet-29.3/job-zone-reference.tsv",
        JOB_ZONE_REFERENCE,
        &["Job Zone", "Name", "Experience", "Education", "Job Training", "Examples", "SVP Range"],
    )?;
    let mut job_zones = Vec::new();
    for row in reference.rows(7) {
        let (line, f) = row?;
        let zone = reference.number(line, "job zone", f[0])?;
        if !(1.0..=5.0).contains(&zone) || zone.fract() != 0.0 {
            return Err(reference.error(line, format!("job zone {zone} isn't 1 to 5")));
        }
        job_zones.push(JobZoneRow {
            zone: zone as i16,
            name: f[1].trim().to_string(),
            experience: f[2].trim().to_string(),
            education: f[3].trim().to_string(),
            training: f[4].trim().to_string(),
            examples: f[5].trim().to_string(),
            svp_range: f[6].trim().to_string(),
        });
    }
    job_zones.sort_by_key(|z| z.zone);
    if job_zones.iter().map(|z| z.zone).collect::<Vec<_>>() != [1, 2, 3, 4, 5] {
        return Err(reference.error(0, "expected job zones 1 to 5, once each"));
    }
    Ok(job_zones)
}

/// Each occupation's job zone, by code.
fn parse_occupation_zones() -> Result<HashMap<&'static str, i16>, ReferenceError> {
    let zones_table = Table::new(
        "onet-29.3/job-zones.tsv",
        JOB_ZONES,
        &["O*NET-SOC Code", "Title", "Job Zone", "Date", "Domain Source"],
    )?;
    let mut zone_of: HashMap<&str, i16> = HashMap::new();
    for row in zones_table.rows(5) {
        let (line, f) = row?;
        let zone = zones_table.number(line, "job zone", f[2])?;
        if !(1.0..=5.0).contains(&zone) || zone.fract() != 0.0 {
            return Err(zones_table.error(line, format!("job zone {zone} isn't 1 to 5")));
        }
        zone_of.insert(zones_table.code(line, f[0])?, zone as i16);
    }
    Ok(zone_of)
}

/// Each occupation's interest profile and high points, by code, from interests.tsv.
#[derive(Default)]
struct Interests {
    /// OI values 1-7, R, I, A, S, E, C; `None` where the file has no value.
    profile: HashMap<&'static str, [Option<f64>; 6]>,
    /// IH values: the first, second and third high point, 1 = R ... 6 = C, 0 = none.
    high_points: HashMap<&'static str, [u8; 3]>,
}

/// Interest profiles (OI, 1-7) and high points (IH: 1 = R ... 6 = C, 0 = none).
fn parse_interests() -> Result<Interests, ReferenceError> {
    let interests = Table::new(
        "onet-29.3/interests.tsv",
        INTERESTS,
        &[
            "O*NET-SOC Code",
            "Title",
            "Element ID",
            "Element Name",
            "Scale ID",
            "Scale Name",
            "Data Value",
            "Date",
            "Domain Source",
        ],
    )?;
    let mut found = Interests::default();
    for row in interests.rows(9) {
        let (line, f) = row?;
        let code = interests.code(line, f[0])?;
        let value = interests.number(line, "data value", f[6])?;
        match (f[4], f[2]) {
            ("OI", element) => {
                let area = match element {
                    "1.B.1.a" => 0,
                    "1.B.1.b" => 1,
                    "1.B.1.c" => 2,
                    "1.B.1.d" => 3,
                    "1.B.1.e" => 4,
                    "1.B.1.f" => 5,
                    other => return Err(interests.error(line, format!("unknown interest element {other}"))),
                };
                if !(1.0..=7.0).contains(&value) {
                    return Err(interests.error(line, format!("interest value {value} isn't 1 to 7")));
                }
                found.profile.entry(code).or_default()[area] = Some(value);
            }
            ("IH", element) => {
                let position = match element {
                    "1.B.1.g" => 0,
                    "1.B.1.h" => 1,
                    "1.B.1.i" => 2,
                    other => return Err(interests.error(line, format!("unknown high-point element {other}"))),
                };
                if !(0.0..=6.0).contains(&value) || value.fract() != 0.0 {
                    return Err(interests.error(line, format!("high point {value} isn't 0 to 6")));
                }
                found.high_points.entry(code).or_default()[position] = value as u8;
            }
            (scale, _) => return Err(interests.error(line, format!("unknown scale {scale}"))),
        }
    }
    Ok(found)
}

/// Titles and descriptions; the careers are the occupations with a whole profile and a zone.
/// Sorted by code, without details.
fn parse_occupations(
    zone_of: &HashMap<&'static str, i16>,
    interests: &Interests,
) -> Result<Vec<CareerRow>, ReferenceError> {
    let occupations =
        Table::new("onet-29.3/occupation-data.tsv", OCCUPATIONS, &["O*NET-SOC Code", "Title", "Description"])?;
    let mut careers = Vec::new();
    for row in occupations.rows(3) {
        let (line, f) = row?;
        let code = occupations.code(line, f[0])?;
        let (Some(job_zone), Some([Some(r), Some(i), Some(a), Some(s), Some(e), Some(c)])) =
            (zone_of.get(code), interests.profile.get(code))
        else {
            continue;
        };
        let title = f[1].trim();
        if !(2..=200).contains(&title.chars().count()) {
            return Err(occupations.error(line, format!("title {title:?} isn't 2 to 200 characters")));
        }
        let high_point_code: String = interests
            .high_points
            .get(code)
            .map(|points| points.iter().filter(|p| **p > 0).map(|p| RIASEC[usize::from(*p) - 1]).collect())
            .unwrap_or_default();
        careers.push(CareerRow {
            code: code.to_string(),
            title: title.to_string(),
            description: f[2].trim().to_string(),
            job_zone: *job_zone,
            interests: [*r, *i, *a, *s, *e, *c],
            high_point_code,
            tasks: Vec::new(),
            technology: Vec::new(),
            related: Vec::new(),
        });
    }
    careers.sort_by(|a, b| a.code.cmp(&b.code));
    careers.dedup_by(|a, b| a.code == b.code);
    Ok(careers)
}

fn add_details(careers: &mut [CareerRow]) -> Result<(), ReferenceError> {
    let index: HashMap<String, usize> = careers.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
    add_tasks(careers, &index)?;
    add_technology(careers, &index)?;
    add_related(careers, &index)
}

/// Tasks: core, then supplemental, then those O*NET hasn't rated yet; within each, by the
/// share of incumbents who rated them, then in the file's order.
fn add_tasks(careers: &mut [CareerRow], index: &HashMap<String, usize>) -> Result<(), ReferenceError> {
    let tasks = Table::new(
        "onet-29.3/task-statements.tsv",
        TASKS,
        &["O*NET-SOC Code", "Title", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"],
    )?;
    let mut by_career: HashMap<usize, Vec<(u8, f64, usize, &str)>> = HashMap::new();
    for row in tasks.rows(8) {
        let (line, f) = row?;
        let Some(&career) = index.get(tasks.code(line, f[0])?) else { continue };
        let kind = match f[4] {
            "Core" => 0,
            "Supplemental" => 1,
            "" => 2,
            other => return Err(tasks.error(line, format!("unknown task type {other:?}"))),
        };
        let responding =
            if f[5].trim().is_empty() { -1.0 } else { tasks.number(line, "incumbents responding", f[5])? };
        let text = f[3].trim();
        if !text.is_empty() {
            by_career.entry(career).or_default().push((kind, responding, line, text));
        }
    }
    for (career, mut list) in by_career {
        list.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        careers[career].tasks =
            list.into_iter().map(|(kind, _, _, text)| Task { text: text.to_string(), core: kind == 0 }).collect();
    }
    Ok(())
}

/// Technology, grouped by commodity title: categories with hot technologies first (most hot
/// ones first), then by name; within a category hot, then in-demand, then by name.
fn add_technology(careers: &mut [CareerRow], index: &HashMap<String, usize>) -> Result<(), ReferenceError> {
    let technology = Table::new(
        "onet-29.3/technology-skills.tsv",
        TECHNOLOGY,
        &["O*NET-SOC Code", "Title", "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand"],
    )?;
    let flag = |line: usize, value: &str, what: &str| match value {
        "Y" => Ok(true),
        "N" => Ok(false),
        other => Err(technology.error(line, format!("{what} flag {other:?} isn't Y or N"))),
    };
    let mut categories: HashMap<usize, BTreeMap<&str, Vec<TechnologyExample>>> = HashMap::new();
    for row in technology.rows(7) {
        let (line, f) = row?;
        let Some(&career) = index.get(technology.code(line, f[0])?) else { continue };
        let example = TechnologyExample {
            name: f[2].trim().to_string(),
            hot: flag(line, f[5], "hot technology")?,
            in_demand: flag(line, f[6], "in demand")?,
        };
        let list = categories.entry(career).or_default().entry(f[4].trim()).or_default();
        if !example.name.is_empty() && !list.iter().any(|e| e.name == example.name) {
            list.push(example);
        }
    }
    for (career, groups) in categories {
        careers[career].technology = sorted_categories(groups);
    }
    Ok(())
}

/// One career's technology categories in the order [`add_technology`] describes.
fn sorted_categories(groups: BTreeMap<&str, Vec<TechnologyExample>>) -> Vec<TechnologyCategory> {
    let mut groups: Vec<TechnologyCategory> = groups
        .into_iter()
        .map(|(category, mut examples)| {
            examples.sort_by(|a, b| {
                b.hot
                    .cmp(&a.hot)
                    .then(b.in_demand.cmp(&a.in_demand))
                    .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            });
            TechnologyCategory { category: category.to_string(), examples }
        })
        .collect();
    let hot = |c: &TechnologyCategory| c.examples.iter().filter(|e| e.hot).count();
    groups
        .sort_by(|a, b| hot(b).min(1).cmp(&hot(a).min(1)).then(hot(b).cmp(&hot(a))).then(a.category.cmp(&b.category)));
    groups
}

/// Related careers by O*NET's index (most related first), only those Waypoint offers.
fn add_related(careers: &mut [CareerRow], index: &HashMap<String, usize>) -> Result<(), ReferenceError> {
    let related = Table::new(
        "onet-29.3/related-occupations.tsv",
        RELATED,
        &["O*NET-SOC Code", "Title", "Related O*NET-SOC Code", "Related Title", "Relatedness Tier", "Index"],
    )?;
    let mut links: HashMap<usize, Vec<(f64, &str)>> = HashMap::new();
    for row in related.rows(6) {
        let (line, f) = row?;
        let Some(&career) = index.get(related.code(line, f[0])?) else { continue };
        let other = related.code(line, f[2])?;
        if other != f[0] && index.contains_key(other) {
            links.entry(career).or_default().push((related.number(line, "index", f[5])?, other));
        }
    }
    for (career, mut list) in links {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut seen = HashSet::new();
        careers[career].related =
            list.into_iter().filter(|(_, code)| seen.insert(*code)).map(|(_, code)| code.to_string()).collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_data_parses_into_923_careers_and_5_zones() {
        let core = parse().unwrap();
        assert_eq!(core.careers.len(), 923);
        assert_eq!(core.job_zones.len(), 5);
        assert_eq!(core.job_zones[2].name, "Job Zone Three: Medium Preparation Needed");
        let developers = core.careers.iter().find(|c| c.code == "15-1252.00").unwrap();
        assert_eq!(developers.title, "Software Developers");
        assert_eq!(developers.job_zone, 4);
        assert_eq!(developers.interests, [3.93, 5.86, 2.26, 1.88, 1.87, 5.46]);
        assert_eq!(developers.high_point_code, "ICR");
        assert_eq!(developers.related.first().map(String::as_str), Some("15-1299.08"));
        assert!(developers.technology.first().unwrap().examples.iter().any(|e| e.hot));
        // Chief executives: high points 5, 6, 0 -> "EC".
        let chiefs = core.careers.iter().find(|c| c.code == "11-1011.00").unwrap();
        assert_eq!(chiefs.high_point_code, "EC");
        // Rated tasks: core first, each kind by incumbents responding.
        assert!(chiefs.tasks.first().unwrap().core);
        let first_supplemental = chiefs.tasks.iter().position(|t| !t.core).unwrap_or(chiefs.tasks.len());
        assert!(chiefs.tasks[first_supplemental..].iter().all(|t| !t.core), "core tasks come first");
    }

    #[test]
    fn every_related_code_is_a_loaded_career() {
        let core = parse().unwrap();
        let codes: HashSet<&str> = core.careers.iter().map(|c| c.code.as_str()).collect();
        for career in &core.careers {
            for related in &career.related {
                assert!(codes.contains(related.as_str()), "{} -> {related}", career.code);
                assert_ne!(related, &career.code);
            }
        }
    }

    #[test]
    fn a_changed_layout_is_refused_with_the_file_and_line() {
        let error = Table::new("onet-29.3/x.tsv", "A\tB\n1\t2\n", &["A", "C"]).err().unwrap();
        assert!(error.to_string().contains("data/onet-29.3/x.tsv, line 1"), "{error}");
        let table = Table::new("onet-29.3/x.tsv", "A\tB\n1\t2\n3\n", &["A", "B"]).unwrap();
        let rows: Vec<_> = table.rows(2).collect();
        assert!(rows[0].is_ok());
        assert!(rows[1].as_ref().err().unwrap().to_string().contains("line 3: expected 2 fields, found 1"));
    }
}
