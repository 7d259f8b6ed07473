//! Loads the O*NET Interest Profiler Short Form as the built-in assessment.

use sqlx::PgPool;

/// Loads the built-in Interest Profiler once; `true` when it was loaded now.
pub async fn load(_owner: &PgPool) -> Result<bool, sqlx::Error> {
    Ok(false)
}
