//! The authoring server functions; administrators only (row-level security limits an
//! organization's administrators to their own versions). Bodies in `ssr` below.

use super::{AuthoringRow, EditorState};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub use ssr::insert_questions;

/// Every version the administrator may see: their organization's (platform admins: all).
#[server(endpoint = "authoring_list")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn authoring_list() -> Result<Vec<AuthoringRow>, AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::authoring_list(tx, user))).await
}

/// Opens a version in the editor. A published or archived version opens as the starting point
/// of a new draft (or the existing draft of that assessment, if there is one).
#[server(endpoint = "authoring_open")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn authoring_open(id: Option<Uuid>) -> Result<EditorState, AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::authoring_open(tx, user, id))).await
}

/// Saves a definition as a draft: the given draft is replaced, or a new draft version is made
/// (the next version number of that assessment). Redirects to the draft's editor.
#[server(endpoint = "authoring_save")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(definition)))]
pub async fn authoring_save(draft_id: Option<Uuid>, definition: String) -> Result<Uuid, AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::authoring_save(tx, user, draft_id, definition))).await
}

/// Publishes a draft: the published version of the same assessment is archived in the same
/// transaction, so people start the new version from now on while earlier results keep theirs.
#[server(endpoint = "authoring_publish")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn authoring_publish(draft_id: Uuid) -> Result<(), AppError> {
    crate::db::admin(|user, tx| Box::pin(ssr::authoring_publish(tx, user, draft_id))).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::{AuthoringRow, EditorState, TEMPLATE};
    use crate::assessments::definition::{Definition, DefinitionErrors, NumberedQuestion, QuestionType};
    use crate::assessments::domain::{AssessmentStatus, ResultStatus};
    use crate::assessments::store;
    use crate::db::{SignedIn, Tx};
    use crate::domain::Role;
    use crate::error::AppError;
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    pub async fn authoring_list(tx: &mut Tx, user: &SignedIn) -> Result<Vec<AuthoringRow>, AppError> {
        let rows = sqlx::query!(
            r#"select a.id, a.slug::text as "slug!", a.title, a.version, a.status as "status: AssessmentStatus",
                      a.organization_id, o.name as "organization?",
                      (select count(*) from assessment_results r where r.assessment_id = a.id and r.status = $1) as "results!",
                      a.updated_at as "updated_at: DateTime<Utc>"
                 from assessments a left join organizations o on o.id = a.organization_id
                where a.deleted_at is null
                order by a.organization_id nulls first, a.slug, a.version desc"#,
            ResultStatus::Completed as ResultStatus,
        )
        .fetch_all(&mut **tx)
        .await?;
        let platform = user.role == Role::Admin;
        Ok(rows
            .into_iter()
            .map(|row| AuthoringRow {
                id: row.id,
                slug: row.slug,
                title: row.title,
                version: row.version,
                status: row.status,
                editable: platform || row.organization_id == Some(user.org_id),
                organization: row.organization,
                results: row.results,
                updated_on: row.updated_at.date_naive(),
            })
            .collect())
    }

    pub async fn authoring_open(tx: &mut Tx, user: &SignedIn, id: Option<Uuid>) -> Result<EditorState, AppError> {
        let Some(id) = id else {
            return Ok(EditorState {
                draft_id: None,
                status: None,
                version: 1,
                definition: TEMPLATE.to_string(),
                built_in: user.role == Role::Admin,
            });
        };
        let version = store::version_by_id(tx, id).await?;
        let draft = if version.status == AssessmentStatus::Draft {
            Some(version.id)
        } else {
            sqlx::query_scalar!(
                "select id from assessments where slug = $1::text::citext and status = $2 and deleted_at is null \
                   and organization_id is not distinct from $3",
                &version.slug,
                AssessmentStatus::Draft as AssessmentStatus,
                version.organization_id as Option<Uuid>,
            )
            .fetch_optional(&mut **tx)
            .await?
        };
        let opened = match draft {
            Some(draft) if draft != version.id => store::version_by_id(tx, draft).await?,
            _ => version,
        };
        let definition = serde_json::to_string_pretty(&opened.definition()).map_err(|_| AppError::Internal)?;
        Ok(EditorState {
            draft_id: (opened.status == AssessmentStatus::Draft).then_some(opened.id),
            status: Some(opened.status),
            version: opened.version,
            definition,
            built_in: opened.organization_id.is_none(),
        })
    }

    pub async fn authoring_save(
        tx: &mut Tx,
        user: &SignedIn,
        draft_id: Option<Uuid>,
        definition: String,
    ) -> Result<Uuid, AppError> {
        let parsed = Definition::parse_json(&definition).map_err(DefinitionErrors::for_editor)?;
        let id = match draft_id {
            Some(id) => replace_draft(tx, id, &parsed).await?,
            None => new_draft(tx, user, &parsed).await?,
        };
        insert_questions(tx, id, &parsed.numbered()).await?;
        leptos_axum::redirect(&format!("/admin/assessments/{id}"));
        Ok(id)
    }

    /// The `metadata` and `scoring` columns of a definition.
    fn stored_columns(parsed: &Definition) -> Result<(serde_json::Value, serde_json::Value), AppError> {
        let metadata = serde_json::json!({ "notice": parsed.notice });
        let scoring = serde_json::to_value(&parsed.scoring).map_err(|_| AppError::Internal)?;
        Ok((metadata, scoring))
    }

    /// Rewrites draft `id` (its questions are deleted, to be written again).
    async fn replace_draft(tx: &mut Tx, id: Uuid, parsed: &Definition) -> Result<Uuid, AppError> {
        let (metadata, scoring) = stored_columns(parsed)?;
        let updated = sqlx::query_scalar!(
            "update assessments set slug = $2, title = $3, description = $4, estimated_minutes = $5, \
                    metadata = metadata || $6, scoring = $7 \
              where id = $1 and status = $8 and deleted_at is null returning id",
            id,
            &parsed.slug as &str,
            parsed.title.trim(),
            &parsed.description,
            parsed.estimated_minutes.map(|m| m as i32),
            metadata,
            scoring,
            AssessmentStatus::Draft as AssessmentStatus,
        )
        .fetch_optional(&mut **tx)
        .await
        .map_err(slug_conflict)?;
        let id = updated.ok_or_else(|| {
            AppError::Conflict("That draft has been published or removed since you opened it. Open the assessment again to start a new draft.".into())
        })?;
        sqlx::query!("delete from assessment_questions where assessment_id = $1", id).execute(&mut **tx).await?;
        Ok(id)
    }

    /// Makes a new draft: the next version of the assessment with this slug. Platform
    /// administrators author the built-in instruments; organization admins their own.
    async fn new_draft(tx: &mut Tx, user: &SignedIn, parsed: &Definition) -> Result<Uuid, AppError> {
        let (metadata, scoring) = stored_columns(parsed)?;
        let organization = if user.role == Role::Admin { None } else { Some(user.org_id) };
        let next = sqlx::query_scalar!(
            r#"select coalesce(max(version), 0) + 1 as "next!" from assessments
                where slug = $1::text::citext and organization_id is not distinct from $2"#,
            &parsed.slug,
            organization as Option<Uuid>,
        )
        .fetch_one(&mut **tx)
        .await?;
        Ok(sqlx::query_scalar!(
            "insert into assessments (organization_id, slug, version, title, description, estimated_minutes, \
                                      metadata, scoring, created_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
            organization,
            &parsed.slug as &str,
            next,
            parsed.title.trim(),
            &parsed.description,
            parsed.estimated_minutes.map(|m| m as i32),
            metadata,
            scoring,
            user.user_id,
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(slug_conflict)?)
    }

    fn slug_conflict(error: sqlx::Error) -> AppError {
        if let sqlx::Error::Database(db) = &error {
            if db.code().as_deref() == Some("23505") {
                return AppError::Conflict(
                    "There is already a draft of an assessment with this slug: open it from the list to keep editing, or choose another slug."
                        .into(),
                );
            }
        }
        AppError::from(error)
    }

    /// Writes a version's questions (used by authoring and by the built-in loader).
    pub async fn insert_questions(tx: &mut Tx, assessment_id: Uuid, questions: &[NumberedQuestion]) -> Result<(), AppError> {
        for numbered in questions {
            let (kind, options, scoring) = numbered.question.to_stored();
            sqlx::query!(
                "insert into assessment_questions (assessment_id, position, section, prompt, question_type, required, options, scoring) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
                assessment_id,
                numbered.position as i32,
                &numbered.section,
                numbered.question.prompt.trim(),
                kind as QuestionType,
                numbered.question.required,
                options,
                scoring,
            )
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    pub async fn authoring_publish(tx: &mut Tx, _user: &SignedIn, draft_id: Uuid) -> Result<(), AppError> {
        // Loading checks the stored definition once more before anyone can take it.
        let draft = store::version_by_id(tx, draft_id).await?;
        if draft.status != AssessmentStatus::Draft {
            return Err(AppError::Conflict("Only a draft can be published; this version already was.".into()));
        }
        sqlx::query!(
            "update assessments set status = $3 \
              where slug = $1::text::citext and organization_id is not distinct from $2 and status = $4 and deleted_at is null",
            &draft.slug,
            draft.organization_id as Option<Uuid>,
            AssessmentStatus::Archived as AssessmentStatus,
            AssessmentStatus::Published as AssessmentStatus,
        )
        .execute(&mut **tx)
        .await?;
        let published = sqlx::query!(
            "update assessments set status = $2, published_at = now() where id = $1",
            draft_id,
            AssessmentStatus::Published as AssessmentStatus,
        )
        .execute(&mut **tx)
        .await?;
        if published.rows_affected() != 1 {
            return Err(AppError::Forbidden);
        }
        leptos_axum::redirect(&format!("/assessments/{}", draft.slug));
        Ok(())
    }
}
