//! The starter resource library: original guides, templates and pointers to public tools,
//! courses and books written for Waypoint (`data/resources/<slug>.md`: TOML front matter between
//! `+++` lines, then Markdown). Each file is checked by the same rules as the editor
//! (`ResourceDraft::parse`), rendered and sanitised as the editor's saves are, and written to the
//! shared library (`organization_id` null) as published.
//!
//! Idempotent: every entry records the SHA-256 of its file; an unchanged file writes nothing, a
//! changed one updates its entry, unless an editor has changed that entry in the product since
//! (`edited_at` set), whose version is kept.

use super::ReferenceError;
use app::resources::domain::{ResourceDraft, ResourceForm, Source};
use app::resources::markdown;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

include!(concat!(env!("OUT_DIR"), "/resources_manifest.rs"));

/// Serialises concurrent loads (two servers starting on one database).
const LOAD_LOCK: i64 = 0x5265_736f_7572_6365;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    #[serde(rename = "type")]
    kind: String,
    description: String,
    #[serde(default)]
    tags: Vec<String>,
    difficulty: String,
    minutes: Option<i32>,
    #[serde(default)]
    careers: Vec<String>,
    #[serde(default)]
    url: String,
    #[serde(default)]
    sources: Vec<Source>,
}

/// One starter entry, checked.
#[derive(Debug)]
pub struct Starter {
    pub draft: ResourceDraft,
    pub hash: String,
}

fn parse_error(file: &'static str, message: impl Into<String>) -> ReferenceError {
    ReferenceError::Parse { file, line: 1, message: message.into() }
}

/// Parses one file (its name gives the slug).
pub fn parse(name: &'static str, text: &str) -> Result<Starter, ReferenceError> {
    let rest = text.strip_prefix("+++").ok_or_else(|| parse_error(name, "a resource file starts with +++ and its front matter"))?;
    let (front, body) = rest.split_once("\n+++").ok_or_else(|| parse_error(name, "the front matter ends with a line +++"))?;
    let front: FrontMatter = toml::from_str(front).map_err(|error| parse_error(name, format!("front matter: {error}")))?;
    let form = ResourceForm {
        title: front.title,
        slug: name.trim_end_matches(".md").to_string(),
        description: front.description,
        kind: front.kind,
        difficulty: front.difficulty,
        status: "published".into(),
        minutes: front.minutes.map(|minutes| minutes.to_string()).unwrap_or_default(),
        tags: front.tags.join(", "),
        careers: front.careers.join(", "),
        url: front.url,
        sources: front.sources.iter().map(|source| format!("{} | {}", source.title, source.url)).collect::<Vec<_>>().join("\n"),
        content: body.trim_start_matches(['\r', '\n']).to_string(),
    };
    let draft = ResourceDraft::parse(&form).map_err(|errors| parse_error(name, format!("{errors:?}")))?;
    if draft.slug.0 != form.slug {
        return Err(parse_error(name, "the file name must be the slug (lower-case letters, digits, hyphens) with .md"));
    }
    Ok(Starter { draft, hash: hex::encode(Sha256::digest(text.as_bytes())) })
}

/// Every bundled entry, checked.
pub fn starters() -> Result<Vec<Starter>, ReferenceError> {
    FILES.iter().map(|(name, text)| parse(name, text)).collect()
}

/// What a load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourcesOutcome {
    /// Entries written now (new or changed files).
    pub written: usize,
    /// Entries in the bundle.
    pub bundled: usize,
}

/// Writes the entries that are missing or changed.
pub async fn load(owner: &PgPool) -> Result<ResourcesOutcome, ReferenceError> {
    let starters = starters()?;
    let hashes: Vec<String> = starters.iter().map(|starter| starter.hash.clone()).collect();
    let mut tx = owner.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock($1)", LOAD_LOCK).execute(&mut *tx).await?;
    let current = sqlx::query_scalar!(
        r#"select count(*) as "count!" from resources where organization_id is null and deleted_at is null
            and metadata->>'source_hash' = any($1)"#,
        &hashes
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut written = 0;
    if current < starters.len() as i64 {
        for starter in &starters {
            let draft = &starter.draft;
            let careers: Vec<String> = draft.careers.iter().map(|code| code.as_str().to_string()).collect();
            let sources = serde_json::to_value(&draft.sources).expect("sources serialise");
            let metadata = serde_json::json!({ "starter": true, "source_hash": starter.hash });
            written += sqlx::query!(
                "insert into resources (slug, title, description, content, content_html, content_text, resource_type, difficulty,
                                        status, url, tags, duration_minutes, career_codes, sources, metadata)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, 'published', $9, $10, $11, $12, $13, $14)
                 on conflict ((coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid)), slug) where deleted_at is null
                 do update set title = excluded.title, description = excluded.description, content = excluded.content,
                               content_html = excluded.content_html, content_text = excluded.content_text,
                               resource_type = excluded.resource_type, difficulty = excluded.difficulty, url = excluded.url,
                               tags = excluded.tags, duration_minutes = excluded.duration_minutes,
                               career_codes = excluded.career_codes, sources = excluded.sources, metadata = excluded.metadata
                  where resources.edited_at is null and resources.metadata->>'source_hash' is distinct from excluded.metadata->>'source_hash'",
                draft.slug.0,
                draft.title,
                draft.description,
                draft.content,
                markdown::to_html(&draft.content),
                markdown::to_text(&draft.content),
                draft.kind as _,
                draft.difficulty as _,
                draft.url,
                &draft.tags,
                draft.minutes,
                &careers,
                sources,
                metadata
            )
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
    }
    tx.commit().await?;
    Ok(ResourcesOutcome { written, bundled: starters.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_resource_parses_and_the_library_has_at_least_sixty() {
        let starters = starters().expect("every starter resource parses");
        assert!(starters.len() >= 60, "{} starter resources", starters.len());
        for starter in &starters {
            assert!(!starter.draft.sources.is_empty(), "{} names no public source", starter.draft.slug.0);
            assert!(starter.draft.content.len() > 300, "{} is too short to be useful", starter.draft.slug.0);
        }
    }

    #[test]
    fn a_file_that_breaks_the_editors_rules_is_refused_with_its_name() {
        let text = "+++\ntitle = \"x\"\ntype = \"pamphlet\"\ndescription = \"short\"\ndifficulty = \"beginner\"\n+++\nBody";
        let error = parse("bad-one.md", text).unwrap_err().to_string();
        assert!(error.contains("bad-one.md"), "{error}");
    }
}
