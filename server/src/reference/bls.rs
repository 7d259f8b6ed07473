//! BLS pay and outlook for the careers: OEWS May 2024 national wages and Employment Projections
//! 2024-34 (`data/bls/`, embedded like the O*NET files), joined to every O*NET occupation.
//!
//! **The join** ([`Joiner`], pure): the first seven characters of an O*NET-SOC code are the 2018
//! SOC code BLS uses (`29-1141.00` -> `29-1141`); where BLS has that code, the match is exact.
//! Otherwise BLS publishes the occupation inside a combined code: the BLS codes that no O*NET
//! occupation carries are exactly those combined codes (12 in these releases), and each shares its
//! first six characters with the occupations it combines (`13-1021` -> `13-1020`, `21-1014` ->
//! `21-1018`). A combined code ending in 0 is one of BLS's own (published alike in OEWS and EP),
//! any other is OEWS's numbering. Military occupations (55-xxxx) have no BLS figures. The loader
//! refuses files where two combined codes share six characters, so the rule can't silently pick
//! one.
//!
//! **Idempotent, by release**: `reference_releases` records the release and the SHA-256 of the
//! files loaded. When both match and every career is joined, nothing is written; otherwise every
//! row is upserted (identical rows are left alone) and codes no longer shipped are removed.

use super::ReferenceError;
use app::careers::outlook::{BlsMatchKind, BLS_RELEASE, TOP_CODED_ANNUAL, TOP_CODED_HOURLY_CENTS};
use app::domain::Parse;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const OEWS: &str = include_str!("../../../data/bls/oews_national_M2024_detailed.csv");
const EP: &str = include_str!("../../../data/bls/ep_2024-34_table1_2_line_items.csv");
/// Every O*NET occupation code (1,016), which the join needs to tell combined codes apart.
const ONET_OCCUPATIONS: &str = include_str!("../../../data/onet-29.3/occupation-data.tsv");

const OEWS_FILE: &str = "bls/oews_national_M2024_detailed.csv";
const EP_FILE: &str = "bls/ep_2024-34_table1_2_line_items.csv";

/// The key of `reference_releases`.
pub const DATASET: &str = "bls";
/// Bumped when the loader's reading of the same files changes, so a new server rewrites them.
const LOADER_VERSION: &str = "bls-loader-1";
/// Serialises concurrent loads (two servers starting on one database).
const LOAD_LOCK: i64 = 0x5741_5950_424c_5321; // "WAYPBLS!"

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlsOutcome {
    Loaded { occupations: usize, careers: usize },
    AlreadyPresent { occupations: usize },
}

/// A wage cell as OEWS publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Value(i32),
    /// `#`: at or above the top code.
    TopCoded,
    /// `*`: not available.
    Missing,
}

impl Cell {
    fn value(self, top_code: i32) -> Option<i32> {
        match self {
            Cell::Value(value) => Some(value),
            Cell::TopCoded => Some(top_code),
            Cell::Missing => None,
        }
    }

    fn top_coded(self) -> bool {
        self == Cell::TopCoded
    }
}

/// One OEWS row.
#[derive(Debug, Clone, PartialEq)]
pub struct OewsRow {
    pub code: String,
    pub title: String,
    pub employment: Option<i32>,
    pub annual_median: Cell,
    pub annual_p10: Cell,
    pub annual_p90: Cell,
    /// In cents.
    pub hourly_median: Cell,
    pub annual_only: bool,
    pub hourly_only: bool,
}

/// One Employment Projections row; counts in jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct EpRow {
    pub code: String,
    pub title: String,
    pub employment_2024: i32,
    pub employment_2034: i32,
    pub change_jobs: i32,
    pub change_percent: f64,
    pub openings_annual: i32,
    pub education: String,
    pub work_experience: String,
    pub training: String,
}

/// A BLS code with its figures, as stored in `bls_occupations`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlsOccupation {
    pub code: String,
    pub title: String,
    pub has_oews: bool,
    pub employment: Option<i32>,
    pub annual_median: Option<i32>,
    pub annual_median_top_coded: bool,
    pub annual_p10: Option<i32>,
    pub annual_p10_top_coded: bool,
    pub annual_p90: Option<i32>,
    pub annual_p90_top_coded: bool,
    pub hourly_median_cents: Option<i32>,
    pub hourly_median_top_coded: bool,
    pub hourly_only: bool,
    pub annual_only: bool,
    pub projected_2024: i32,
    pub projected_2034: i32,
    pub change_jobs: i32,
    pub change_percent: f64,
    pub openings_annual: i32,
    pub entry_education: String,
    pub work_experience: String,
    pub training: String,
}

/// How one O*NET code joins: the kind, and the BLS code unless there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlsMatch {
    pub kind: BlsMatchKind,
    pub bls_code: Option<String>,
}

/// The join of O*NET codes to BLS codes (see the module documentation).
#[derive(Debug, Clone)]
pub struct Joiner {
    bls: BTreeSet<String>,
    /// Combined codes by their first six characters.
    combined: HashMap<String, String>,
}

impl Joiner {
    /// From every BLS code and every O*NET occupation code; refuses two combined codes that share
    /// their first six characters.
    pub fn new<'a>(
        bls_codes: impl IntoIterator<Item = &'a str>,
        onet_codes: impl IntoIterator<Item = &'a str>,
    ) -> Result<Joiner, String> {
        let bls: BTreeSet<String> = bls_codes.into_iter().map(str::to_string).collect();
        let carried: HashSet<&str> = onet_codes.into_iter().filter_map(|code| code.get(..7)).collect();
        let mut combined = HashMap::new();
        for code in bls.iter().filter(|code| !carried.contains(code.as_str())) {
            let prefix = code.get(..6).ok_or_else(|| format!("BLS code {code:?} is too short"))?.to_string();
            if let Some(other) = combined.insert(prefix, code.clone()) {
                return Err(format!("combined codes {other} and {code} share their first six characters"));
            }
        }
        Ok(Joiner { bls, combined })
    }

    /// The combined codes found, in order.
    pub fn combined_codes(&self) -> BTreeSet<&str> {
        self.combined.values().map(String::as_str).collect()
    }

    /// How an O*NET-SOC code (`13-1021.00`) joins.
    pub fn join(&self, onet_code: &str) -> BlsMatch {
        let none = BlsMatch { kind: BlsMatchKind::None, bls_code: None };
        if onet_code.starts_with("55-") {
            return none;
        }
        let (Some(soc), Some(prefix)) = (onet_code.get(..7), onet_code.get(..6)) else { return none };
        if self.bls.contains(soc) {
            return BlsMatch { kind: BlsMatchKind::Exact, bls_code: Some(soc.to_string()) };
        }
        match self.combined.get(prefix) {
            Some(code) if code.ends_with('0') => {
                BlsMatch { kind: BlsMatchKind::BlsCombined, bls_code: Some(code.clone()) }
            }
            Some(code) => BlsMatch { kind: BlsMatchKind::OewsCombined, bls_code: Some(code.clone()) },
            None => none,
        }
    }
}

/// Everything the loader writes, parsed and checked.
#[derive(Debug, Clone)]
pub struct BlsData {
    /// By code.
    pub occupations: Vec<BlsOccupation>,
    pub joiner: Joiner,
    /// Every O*NET occupation code in occupation-data.tsv, in the file's order.
    pub onet_codes: Vec<&'static str>,
}

/// The SHA-256 of the bundled files (and the loader's version), recorded with the release.
pub fn content_hash() -> String {
    let mut hasher = Sha256::new();
    for part in [LOADER_VERSION, OEWS, EP] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Parses both files, combines them by code, and builds the join.
pub fn parse() -> Result<BlsData, ReferenceError> {
    let oews = parse_oews(OEWS)?;
    let ep = parse_ep(EP)?;
    let mut occupations = Vec::with_capacity(ep.len());
    for (code, ep) in &ep {
        let oews = oews.get(code);
        occupations.push(BlsOccupation {
            code: code.clone(),
            title: oews.map(|o| o.title.clone()).unwrap_or_else(|| ep.title.clone()),
            has_oews: oews.is_some(),
            employment: oews.and_then(|o| o.employment),
            annual_median: oews.and_then(|o| o.annual_median.value(TOP_CODED_ANNUAL)),
            annual_median_top_coded: oews.is_some_and(|o| o.annual_median.top_coded()),
            annual_p10: oews.and_then(|o| o.annual_p10.value(TOP_CODED_ANNUAL)),
            annual_p10_top_coded: oews.is_some_and(|o| o.annual_p10.top_coded()),
            annual_p90: oews.and_then(|o| o.annual_p90.value(TOP_CODED_ANNUAL)),
            annual_p90_top_coded: oews.is_some_and(|o| o.annual_p90.top_coded()),
            hourly_median_cents: oews.and_then(|o| o.hourly_median.value(TOP_CODED_HOURLY_CENTS)),
            hourly_median_top_coded: oews.is_some_and(|o| o.hourly_median.top_coded()),
            hourly_only: oews.is_some_and(|o| o.hourly_only),
            annual_only: oews.is_some_and(|o| o.annual_only),
            projected_2024: ep.employment_2024,
            projected_2034: ep.employment_2034,
            change_jobs: ep.change_jobs,
            change_percent: ep.change_percent,
            openings_annual: ep.openings_annual,
            entry_education: ep.education.clone(),
            work_experience: ep.work_experience.clone(),
            training: ep.training.clone(),
        });
    }
    if let Some(orphan) = oews.keys().find(|code| !ep.contains_key(*code)) {
        return Err(ReferenceError::Parse {
            file: OEWS_FILE,
            line: 0,
            message: format!("{orphan} has OEWS wages but no Employment Projections row"),
        });
    }
    let onet_codes = onet_codes(ONET_OCCUPATIONS)?;
    let joiner = Joiner::new(ep.keys().map(String::as_str), onet_codes.iter().copied())
        .map_err(|message| ReferenceError::Parse { file: EP_FILE, line: 0, message })?;
    Ok(BlsData { occupations, joiner, onet_codes })
}

/// Loads the figures and the careers' join unless the database already holds this release.
pub async fn load(owner: &PgPool) -> Result<BlsOutcome, ReferenceError> {
    let started = std::time::Instant::now();
    let data = parse()?;
    let hash = content_hash();
    let mut tx = owner.begin().await.map_err(ReferenceError::Bls)?;
    sqlx::query!("select pg_advisory_xact_lock($1)", LOAD_LOCK).execute(&mut *tx).await.map_err(ReferenceError::Bls)?;
    let state = sqlx::query!(
        r#"select exists (select 1 from reference_releases
                           where dataset = $1 and release = $2 and content_hash = $3) as "same_release!",
                  not exists (select 1 from careers c
                               where not exists (select 1 from career_bls_matches m where m.career_code = c.code))
                      as "all_joined!""#,
        DATASET,
        BLS_RELEASE,
        hash,
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(ReferenceError::Bls)?;
    if state.same_release && state.all_joined {
        tx.commit().await.map_err(ReferenceError::Bls)?;
        return Ok(BlsOutcome::AlreadyPresent { occupations: data.occupations.len() });
    }

    let careers = sqlx::query_scalar!("select code from careers order by code")
        .fetch_all(&mut *tx)
        .await
        .map_err(ReferenceError::Bls)?;
    let rows = serde_json::to_value(&data.occupations).map_err(|error| ReferenceError::Parse {
        file: EP_FILE,
        line: 0,
        message: error.to_string(),
    })?;
    sqlx::query!(
        "insert into bls_occupations (code, title, has_oews, employment, annual_median, annual_median_top_coded,
                annual_p10, annual_p10_top_coded, annual_p90, annual_p90_top_coded, hourly_median_cents,
                hourly_median_top_coded, hourly_only, annual_only, projected_2024, projected_2034, change_jobs,
                change_percent, openings_annual, entry_education, work_experience, training)
         select code, title, has_oews, employment, annual_median, annual_median_top_coded, annual_p10,
                annual_p10_top_coded, annual_p90, annual_p90_top_coded, hourly_median_cents, hourly_median_top_coded,
                hourly_only, annual_only, projected_2024, projected_2034, change_jobs, change_percent::numeric(6, 1),
                openings_annual, entry_education, work_experience, training
           from jsonb_to_recordset($1::jsonb) as d (code text, title text, has_oews boolean, employment int4,
                annual_median int4, annual_median_top_coded boolean, annual_p10 int4, annual_p10_top_coded boolean,
                annual_p90 int4, annual_p90_top_coded boolean, hourly_median_cents int4,
                hourly_median_top_coded boolean, hourly_only boolean, annual_only boolean, projected_2024 int4,
                projected_2034 int4, change_jobs int4, change_percent float8, openings_annual int4,
                entry_education text, work_experience text, training text)
         on conflict (code) do update set title = excluded.title, has_oews = excluded.has_oews,
                employment = excluded.employment, annual_median = excluded.annual_median,
                annual_median_top_coded = excluded.annual_median_top_coded, annual_p10 = excluded.annual_p10,
                annual_p10_top_coded = excluded.annual_p10_top_coded, annual_p90 = excluded.annual_p90,
                annual_p90_top_coded = excluded.annual_p90_top_coded, hourly_median_cents = excluded.hourly_median_cents,
                hourly_median_top_coded = excluded.hourly_median_top_coded, hourly_only = excluded.hourly_only,
                annual_only = excluded.annual_only, projected_2024 = excluded.projected_2024,
                projected_2034 = excluded.projected_2034, change_jobs = excluded.change_jobs,
                change_percent = excluded.change_percent, openings_annual = excluded.openings_annual,
                entry_education = excluded.entry_education, work_experience = excluded.work_experience,
                training = excluded.training
          where (bls_occupations.title, bls_occupations.has_oews, bls_occupations.employment,
                 bls_occupations.annual_median, bls_occupations.annual_median_top_coded, bls_occupations.annual_p10,
                 bls_occupations.annual_p10_top_coded, bls_occupations.annual_p90,
                 bls_occupations.annual_p90_top_coded, bls_occupations.hourly_median_cents,
                 bls_occupations.hourly_median_top_coded, bls_occupations.hourly_only, bls_occupations.annual_only,
                 bls_occupations.projected_2024, bls_occupations.projected_2034, bls_occupations.change_jobs,
                 bls_occupations.change_percent, bls_occupations.openings_annual, bls_occupations.entry_education,
                 bls_occupations.work_experience, bls_occupations.training)
                is distinct from (excluded.title, excluded.has_oews, excluded.employment, excluded.annual_median,
                 excluded.annual_median_top_coded, excluded.annual_p10, excluded.annual_p10_top_coded,
                 excluded.annual_p90, excluded.annual_p90_top_coded, excluded.hourly_median_cents,
                 excluded.hourly_median_top_coded, excluded.hourly_only, excluded.annual_only,
                 excluded.projected_2024, excluded.projected_2034, excluded.change_jobs, excluded.change_percent,
                 excluded.openings_annual, excluded.entry_education, excluded.work_experience, excluded.training)",
        rows,
    )
    .execute(&mut *tx)
    .await
    .map_err(ReferenceError::Bls)?;

    let joins: Vec<BlsMatch> = careers.iter().map(|code| data.joiner.join(code)).collect();
    sqlx::query!(
        r#"insert into career_bls_matches (career_code, match_kind, bls_code)
           select career_code, match_kind::bls_match_kind, nullif(bls_code, '')
             from unnest($1::text[], $2::text[], $3::text[]) as d (career_code, match_kind, bls_code)
           on conflict (career_code) do update set match_kind = excluded.match_kind, bls_code = excluded.bls_code
            where (career_bls_matches.match_kind, career_bls_matches.bls_code)
                  is distinct from (excluded.match_kind, excluded.bls_code)"#,
        &careers,
        &joins.iter().map(|j| kind_name(j.kind).to_string()).collect::<Vec<String>>(),
        // A career with no BLS code stores null; the array carries '' for it, turned back above.
        &joins.iter().map(|j| j.bls_code.clone().unwrap_or_default()).collect::<Vec<String>>(),
    )
    .execute(&mut *tx)
    .await
    .map_err(ReferenceError::Bls)?;

    let codes: Vec<String> = data.occupations.iter().map(|o| o.code.clone()).collect();
    let removed = sqlx::query!("delete from bls_occupations where code <> all($1)", &codes)
        .execute(&mut *tx)
        .await
        .map_err(ReferenceError::Bls)?
        .rows_affected();
    if removed > 0 {
        tracing::info!(removed, "BLS codes the shipped release no longer has were removed");
    }
    sqlx::query!(
        "insert into reference_releases (dataset, release, content_hash) values ($1, $2, $3)
         on conflict (dataset) do update set release = excluded.release, content_hash = excluded.content_hash,
                loaded_at = now()",
        DATASET,
        BLS_RELEASE,
        hash,
    )
    .execute(&mut *tx)
    .await
    .map_err(ReferenceError::Bls)?;
    tx.commit().await.map_err(ReferenceError::Bls)?;
    tracing::info!(
        occupations = data.occupations.len(),
        careers = careers.len(),
        total_ms = started.elapsed().as_millis() as u64,
        "BLS pay and outlook loaded"
    );
    Ok(BlsOutcome::Loaded { occupations: data.occupations.len(), careers: careers.len() })
}

/// The enum's label in the database (text arrays carry it, cast in SQL).
fn kind_name(kind: BlsMatchKind) -> &'static str {
    match kind {
        BlsMatchKind::Exact => "exact",
        BlsMatchKind::BlsCombined => "bls_combined",
        BlsMatchKind::OewsCombined => "oews_combined",
        BlsMatchKind::None => "none",
    }
}

// Parsing ------------------------------------------------------------------------------------

/// The fields of one CSV line as the BLS conversions write them: comma-separated, a field with a
/// comma in double quotes (`""` inside for a quote).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field doesn't end".into());
    }
    fields.push(field);
    Ok(fields)
}

/// Data rows of a CSV file as (line number, fields), after checking its header.
fn csv_rows(
    file: &'static str,
    text: &'static str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, ReferenceError> {
    let error = |line: usize, message: String| ReferenceError::Parse { file, line, message };
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, line)| line.trim_start_matches('\u{feff}')).unwrap_or_default();
    let found = csv_fields(first).map_err(|message| error(1, message))?;
    if found != header {
        return Err(error(1, format!("expected the columns {header:?}, found {found:?}")));
    }
    let mut rows = Vec::new();
    for (index, line) in lines.filter(|(_, line)| !line.trim().is_empty()) {
        let fields = csv_fields(line).map_err(|message| error(index + 1, message))?;
        if fields.len() != header.len() {
            return Err(error(index + 1, format!("expected {} fields, found {}", header.len(), fields.len())));
        }
        rows.push((index + 1, fields));
    }
    Ok(rows)
}

fn is_bls_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 7 && bytes.iter().enumerate().all(|(i, b)| if i == 2 { *b == b'-' } else { b.is_ascii_digit() })
}

/// Whole dollars ("93600"), OEWS's `#` and `*`.
fn wage_cell(value: &str) -> Option<Cell> {
    match value.trim() {
        "#" => Some(Cell::TopCoded),
        "*" => Some(Cell::Missing),
        digits => digits.parse::<i32>().ok().filter(|v| *v > 0).map(Cell::Value),
    }
}

/// Dollars and cents ("23.33") as cents, OEWS's `#` and `*`.
fn hourly_cell(value: &str) -> Option<Cell> {
    match value.trim() {
        "#" => Some(Cell::TopCoded),
        "*" => Some(Cell::Missing),
        amount => {
            let (whole, cents) = amount.split_once('.')?;
            if cents.len() != 2 || !cents.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let cents = whole.parse::<i32>().ok()?.checked_mul(100)?.checked_add(cents.parse::<i32>().ok()?)?;
            (cents > 0).then_some(Cell::Value(cents))
        }
    }
}

/// A decimal count of thousands ("3391.0", "-0.6") as jobs, exactly (no floating point).
fn thousands(value: &str) -> Option<i32> {
    let value = value.trim();
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || fraction.len() > 3 || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction = format!("{fraction:0<3}").parse::<i32>().ok()?;
    let jobs = whole.parse::<i32>().ok()?.checked_mul(1000)?.checked_add(fraction)?;
    Some(if negative { -jobs } else { jobs })
}

fn oews_flag(value: &str) -> Option<bool> {
    match value.trim() {
        "TRUE" => Some(true),
        "" => Some(false),
        _ => None,
    }
}

/// The OEWS detailed occupations, by code.
pub fn parse_oews(text: &'static str) -> Result<BTreeMap<String, OewsRow>, ReferenceError> {
    let header = [
        "OCC_CODE",
        "OCC_TITLE",
        "O_GROUP",
        "TOT_EMP",
        "A_MEDIAN",
        "A_PCT10",
        "A_PCT90",
        "H_MEDIAN",
        "ANNUAL",
        "HOURLY",
    ];
    let mut rows = BTreeMap::new();
    for (line, f) in csv_rows(OEWS_FILE, text, &header)? {
        let error = |message: String| ReferenceError::Parse { file: OEWS_FILE, line, message };
        let cell = |column: usize, parse: fn(&str) -> Option<Cell>| {
            parse(&f[column]).ok_or_else(|| error(format!("{} {:?} isn't a wage, # or *", header[column], f[column])))
        };
        if !is_bls_code(&f[0]) {
            return Err(error(format!("{:?} isn't a SOC code", f[0])));
        }
        if f[2] != "detailed" {
            return Err(error(format!("{} is a {:?} row; the file holds detailed occupations only", f[0], f[2])));
        }
        let employment = match f[3].trim() {
            "*" => None,
            count => Some(count.parse::<i32>().map_err(|_| error(format!("TOT_EMP {count:?} isn't a count")))?),
        };
        let row = OewsRow {
            code: f[0].clone(),
            title: f[1].trim().to_string(),
            employment,
            annual_median: cell(4, wage_cell)?,
            annual_p10: cell(5, wage_cell)?,
            annual_p90: cell(6, wage_cell)?,
            hourly_median: cell(7, hourly_cell)?,
            annual_only: oews_flag(&f[8]).ok_or_else(|| error(format!("ANNUAL {:?} isn't TRUE or blank", f[8])))?,
            hourly_only: oews_flag(&f[9]).ok_or_else(|| error(format!("HOURLY {:?} isn't TRUE or blank", f[9])))?,
        };
        if row.annual_only && row.hourly_only {
            return Err(error("a row can't be both annual-only and hourly-only".into()));
        }
        if rows.insert(row.code.clone(), row).is_some() {
            return Err(error(format!("{} appears twice", f[0])));
        }
    }
    Ok(rows)
}

/// The Employment Projections line items, by code.
pub fn parse_ep(text: &'static str) -> Result<BTreeMap<String, EpRow>, ReferenceError> {
    let header = [
        "soc_code",
        "title",
        "employment_2024_thousands",
        "employment_2034_thousands",
        "employment_change_numeric_thousands",
        "employment_change_percent",
        "openings_annual_avg_thousands",
        "median_annual_wage_2024",
        "typical_education_for_entry",
        "work_experience_related_occupation",
        "typical_on_the_job_training",
    ];
    const EXPERIENCE: [&str; 3] = ["None", "Less than 5 years", "5 years or more"];
    const TRAINING: [&str; 6] = [
        "None",
        "Short-term on-the-job training",
        "Moderate-term on-the-job training",
        "Long-term on-the-job training",
        "Apprenticeship",
        "Internship/residency",
    ];
    let mut rows = BTreeMap::new();
    for (line, f) in csv_rows(EP_FILE, text, &header)? {
        let error = |message: String| ReferenceError::Parse { file: EP_FILE, line, message };
        let count = |column: usize| {
            thousands(&f[column])
                .ok_or_else(|| error(format!("{} {:?} isn't a number of thousands", header[column], f[column])))
        };
        if !is_bls_code(&f[0]) {
            return Err(error(format!("{:?} isn't a SOC code", f[0])));
        }
        let change_percent = f[5]
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite())
            .ok_or_else(|| error(format!("employment_change_percent {:?} isn't a number", f[5])))?;
        // The EP median wage isn't stored (OEWS's is shown); its markers are still checked so a
        // changed layout fails here.
        let wage = f[7].trim();
        if !(wage == ">=$239,200" || wage == "\u{2014}" || wage.parse::<i32>().is_ok_and(|w| w > 0)) {
            return Err(error(format!("median_annual_wage_2024 {wage:?} isn't a wage, >=$239,200 or \u{2014}")));
        }
        let education = f[8].trim();
        if app::careers::entry::EntryEducation::from_bls(education).is_none() {
            return Err(error(format!("{education:?} isn't one of BLS's entry education categories")));
        }
        let experience = f[9].trim();
        if !EXPERIENCE.contains(&experience) {
            return Err(error(format!("{experience:?} isn't one of BLS's work experience categories")));
        }
        let training = f[10].trim();
        if !TRAINING.contains(&training) {
            return Err(error(format!("{training:?} isn't one of BLS's training categories")));
        }
        let row = EpRow {
            code: f[0].clone(),
            title: f[1].trim().to_string(),
            employment_2024: count(2)?,
            employment_2034: count(3)?,
            change_jobs: count(4)?,
            change_percent,
            openings_annual: count(6)?,
            education: education.to_string(),
            work_experience: experience.to_string(),
            training: training.to_string(),
        };
        if row.employment_2024 < 0 || row.employment_2034 < 0 || row.openings_annual < 0 {
            return Err(error("employment and openings can't be negative".into()));
        }
        if rows.insert(row.code.clone(), row).is_some() {
            return Err(error(format!("{} appears twice", f[0])));
        }
    }
    Ok(rows)
}

/// The codes of O*NET's occupation-data.tsv.
fn onet_codes(text: &'static str) -> Result<Vec<&'static str>, ReferenceError> {
    let file = "onet-29.3/occupation-data.tsv";
    let mut lines = text.lines().enumerate();
    if !lines.next().is_some_and(|(_, header)| header.starts_with("O*NET-SOC Code\t")) {
        return Err(ReferenceError::Parse {
            file,
            line: 1,
            message: "expected the O*NET-SOC Code column first".into(),
        });
    }
    lines
        .filter(|(_, line)| !line.is_empty())
        .map(|(index, line)| {
            let code = line.split('\t').next().unwrap_or_default();
            if app::careers::CareerCode::parse(code).is_ok() {
                Ok(code)
            } else {
                Err(ReferenceError::Parse {
                    file,
                    line: index + 1,
                    message: format!("{code:?} isn't an O*NET-SOC code"),
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_keep_quoted_commas() {
        assert_eq!(
            csv_fields(r#"11-3071,"Transportation, storage, and distribution managers",216.7"#).unwrap(),
            ["11-3071", "Transportation, storage, and distribution managers", "216.7"]
        );
        assert_eq!(csv_fields(r#"a,"say ""hi""",,b"#).unwrap(), ["a", r#"say "hi""#, "", "b"]);
        assert!(csv_fields(r#"a,"open"#).is_err());
    }

    #[test]
    fn markers_and_counts_parse_exactly() {
        assert_eq!(wage_cell("93600"), Some(Cell::Value(93_600)));
        assert_eq!(wage_cell("#"), Some(Cell::TopCoded));
        assert_eq!(wage_cell("*"), Some(Cell::Missing));
        assert_eq!(wage_cell("93,600"), None);
        assert_eq!(hourly_cell("23.33"), Some(Cell::Value(2_333)));
        assert_eq!(hourly_cell("115.00"), Some(Cell::Value(11_500)));
        assert_eq!(hourly_cell("23.3"), None);
        assert_eq!(thousands("3391.0"), Some(3_391_000));
        assert_eq!(thousands("-0.6"), Some(-600));
        assert_eq!(thousands("0.2"), Some(200));
        assert_eq!(thousands("12"), Some(12_000));
        assert_eq!(thousands("1.2.3"), None);
        assert_eq!(thousands("—"), None);
    }

    #[test]
    fn the_bundled_files_parse_with_the_checked_figures() {
        let data = parse().unwrap();
        assert_eq!(data.occupations.len(), 832, "every EP line item");
        assert_eq!(data.occupations.iter().filter(|o| o.has_oews).count(), 831);
        assert_eq!(data.onet_codes.len(), 1_016);
        let get = |code: &str| data.occupations.iter().find(|o| o.code == code).unwrap();
        let nurses = get("29-1141");
        assert_eq!(
            (nurses.annual_median, nurses.annual_p10, nurses.annual_p90),
            (Some(93_600), Some(66_030), Some(135_320))
        );
        assert_eq!(nurses.title, "Registered Nurses");
        assert_eq!((nurses.projected_2024, nurses.openings_annual), (3_391_000, 189_100));
        let developers = get("15-1252");
        assert_eq!(developers.annual_median, Some(133_080));
        assert_eq!((developers.change_percent, developers.change_jobs), (15.8, 267_700));
        let actors = get("27-2011");
        assert!(actors.hourly_only && actors.annual_median.is_none());
        assert_eq!(actors.hourly_median_cents, Some(2_333));
        let chiefs = get("11-1011");
        assert!(chiefs.annual_p90_top_coded && chiefs.annual_p90 == Some(TOP_CODED_ANNUAL));
        let fishers = get("45-3031");
        assert!(!fishers.has_oews && fishers.annual_median.is_none());
        assert_eq!(fishers.change_percent, -4.6);
        let total_2024: i64 = data.occupations.iter().map(|o| i64::from(o.projected_2024)).sum();
        let total_2034: i64 = data.occupations.iter().map(|o| i64::from(o.projected_2034)).sum();
        // All occupations: 169,956.1k -> 175,167.9k (+3.1%); the line items add up to it, give or
        // take BLS's rounding of each to a hundred jobs.
        assert!((total_2024 - 169_956_100).abs() < 50_000, "{total_2024}");
        assert!((total_2034 - 175_167_900).abs() < 50_000, "{total_2034}");
    }

    #[test]
    fn the_join_finds_the_twelve_combined_codes() {
        let data = parse().unwrap();
        assert_eq!(
            data.joiner.combined_codes().into_iter().collect::<Vec<_>>(),
            [
                "13-1020", "13-2020", "21-1018", "25-2052", "25-9045", "29-2010", "31-1120", "39-7010", "47-4090",
                "51-2028", "51-2090", "53-1047"
            ]
        );
        let join = |code: &str| data.joiner.join(code);
        assert_eq!(join("29-1141.00"), BlsMatch { kind: BlsMatchKind::Exact, bls_code: Some("29-1141".into()) });
        assert_eq!(join("13-1021.00"), BlsMatch { kind: BlsMatchKind::BlsCombined, bls_code: Some("13-1020".into()) });
        assert_eq!(join("21-1014.00"), BlsMatch { kind: BlsMatchKind::OewsCombined, bls_code: Some("21-1018".into()) });
        assert_eq!(join("55-1011.00"), BlsMatch { kind: BlsMatchKind::None, bls_code: None });
        assert_eq!(join("45-3031.00").kind, BlsMatchKind::Exact, "in EP without an OEWS row");
    }

    #[test]
    fn two_combined_codes_with_one_prefix_are_refused() {
        let error = Joiner::new(["21-1018", "21-1019"], ["21-1011.00"]).unwrap_err();
        assert!(error.contains("21-1018 and 21-1019"), "{error}");
    }
}
