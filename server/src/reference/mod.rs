//! Reference data every installation needs, loaded by the owner role on every start (after the
//! migrations, whether or not demo data is wanted): the O*NET occupations and job zones
//! ([`careers`]), their BLS pay and outlook ([`bls`]) and the built-in O*NET Interest Profiler
//! ([`interest_profiler`]). Each loader is idempotent: it writes nothing when the database already
//! holds its data.

pub mod bls;
pub mod careers;
pub mod interest_profiler;
pub mod resources;

use sqlx::PgPool;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// A bundled data file isn't what the loader expects (a changed O*NET release, a bad copy).
    #[error("reference data file data/{file}, line {line}: {message}")]
    Parse { file: &'static str, line: usize, message: String },
    #[error("loading the O*NET careers: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("loading the O*NET Interest Profiler: {0}")]
    InterestProfiler(#[source] sqlx::Error),
    #[error("loading the BLS pay and outlook: {0}")]
    Bls(#[source] sqlx::Error),
}

/// What a start-up load did, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceOutcome {
    pub careers: careers::CareersOutcome,
    pub bls: bls::BlsOutcome,
    /// Whether the Interest Profiler was loaded now (`false`: it was already there).
    pub interest_profiler_loaded: bool,
    pub resources: resources::ResourcesOutcome,
    pub elapsed: Duration,
}

/// Loads whatever reference data is missing, as the owner (which bypasses row-level security).
pub async fn load(owner: &PgPool) -> Result<ReferenceOutcome, ReferenceError> {
    let started = Instant::now();
    let careers = careers::load(owner).await?;
    // After the careers: it joins them.
    let bls = bls::load(owner).await?;
    let interest_profiler_loaded = interest_profiler::load(owner).await.map_err(ReferenceError::InterestProfiler)?;
    // After the careers: resources name them.
    let resources = resources::load(owner).await?;
    let elapsed = started.elapsed();
    tracing::info!(
        ?careers,
        ?bls,
        interest_profiler_loaded,
        ?resources,
        elapsed_ms = elapsed.as_millis() as u64,
        "reference data ready"
    );
    Ok(ReferenceOutcome { careers, bls, interest_profiler_loaded, resources, elapsed })
}
