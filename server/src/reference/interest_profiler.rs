//! Loads the O*NET Interest Profiler Short Form as the built-in assessment (no organization,
//! published), once: the definition comes from the publisher's file bundled in the app crate,
//! passes the same checks as an authored assessment, and is written in one transaction. A
//! platform administrator may later publish a new version; this loader then leaves it alone.

use app::assessments::authoring::insert_questions;
use app::assessments::interest_profiler::{definition, SLUG, SOURCE};
use sqlx::PgPool;

/// Loads the built-in Interest Profiler when no version of it exists; `true` when it was loaded now.
pub async fn load(owner: &PgPool) -> Result<bool, sqlx::Error> {
    let definition = definition(SOURCE).map_err(|e| sqlx::Error::Protocol(format!("Interest Profiler definition: {e}")))?;
    let mut tx = owner.begin().await?;
    // Serialises concurrent loaders (two servers starting at once).
    sqlx::query!("select pg_advisory_xact_lock(hashtext('waypoint.reference.interest_profiler'))").execute(&mut *tx).await?;
    let present = sqlx::query_scalar!(
        r#"select exists (select 1 from assessments where organization_id is null and slug = $1::text::citext) as "present!""#,
        SLUG,
    )
    .fetch_one(&mut *tx)
    .await?;
    if present {
        return Ok(false);
    }
    let scoring = serde_json::to_value(&definition.scoring).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let id = sqlx::query_scalar!(
        "insert into assessments (organization_id, slug, version, title, description, status, scoring, metadata,
                                  estimated_minutes, published_at)
         values (null, $1::text::citext, 1, $2, $3, 'published', $4, $5, $6, now()) returning id",
        definition.slug,
        definition.title,
        definition.description,
        scoring,
        serde_json::json!({ "notice": definition.notice, "source": "O*NET Interest Profiler Short Form (60 items)" }),
        definition.estimated_minutes.map(|m| m as i32),
    )
    .fetch_one(&mut *tx)
    .await?;
    // The same writer an administrator's save uses.
    insert_questions(&mut tx, id, &definition.numbered())
        .await
        .map_err(|error| sqlx::Error::Protocol(format!("writing the Interest Profiler's questions: {error}")))?;
    tx.commit().await?;
    Ok(true)
}
