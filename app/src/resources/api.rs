//! The resource library's server functions; their bodies are in `api::ssr`.

use super::domain::{ManagedResource, ReadingItem, ResourceForm, ResourceLookup, SearchResults};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod ssr;

/// Searches the published library the caller may read (the shared one, and their
/// organization's own): `q` in web-search syntax ("a phrase", `or`, `-word`), with filters.
#[server(endpoint = "search_resources")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn search_resources(
    #[server(default)] q: String,
    #[server(default)] kind: String,
    #[server(default)] tag: String,
    #[server(default)] difficulty: String,
    #[server(default)] career: String,
    #[server(default)] page: String,
) -> Result<SearchResults, AppError> {
    crate::db::visitor_read(|_, tx| {
        Box::pin(async move {
            // Inside the shape, so a refused filter answers 422 like every refusal.
            let query = super::domain::SearchQuery::parse(&q, &kind, &tag, &difficulty, &career, &page)?;
            ssr::search(tx, query).await
        })
    })
    .await
}

/// A resource by its address, for whoever may read it; a renamed one says where it went.
#[server(endpoint = "resource_by_slug")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn resource_by_slug(slug: String) -> Result<ResourceLookup, AppError> {
    crate::db::visitor_read(|user, tx| Box::pin(ssr::lookup(tx, user, slug))).await
}

/// Records where the caller is with a resource: `not_started`, `in_progress` or `completed`.
#[server(endpoint = "set_resource_progress")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn set_resource_progress(id: Uuid, status: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::set_progress(tx, user, id, status))).await
}

/// The resources the caller has started or finished, most recent first.
#[server(endpoint = "my_reading")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_reading() -> Result<Vec<ReadingItem>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::reading(tx, user))).await
}

/// The resources the caller may edit (a mentor's own, an organization administrator's
/// organization's, every one for a platform administrator), drafts included.
#[server(endpoint = "manageable_resources")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn manageable_resources() -> Result<Vec<ManagedResource>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::manageable(tx, user))).await
}

/// A resource in the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableResource {
    /// `None` for a new one.
    pub id: Option<Uuid>,
    pub form: ResourceForm,
    /// In the shared library (platform administrators only choose this).
    pub shared: bool,
    /// The caller may choose between the shared library and their organization's.
    pub may_share: bool,
    /// Its address now (for "View").
    pub slug: Option<String>,
}

/// The editor's starting point: an existing resource's fields, or a new one's defaults
/// (`id` absent). Refused for readers who may not write.
#[server(endpoint = "resource_for_editing")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn resource_for_editing(id: Option<Uuid>) -> Result<EditableResource, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::for_editing(tx, user, id))).await
}

/// Saves the editor's form (a new resource without `id`); answers the resource's id. Changing the
/// address keeps the old one answering with a redirect.
#[server(endpoint = "save_resource")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(id = ?id)))]
pub async fn save_resource(
    id: Option<Uuid>,
    form: ResourceForm,
    #[server(default)] shared: bool,
) -> Result<Uuid, AppError> {
    let saved = crate::db::signed_in(|user, tx| Box::pin(ssr::save(tx, user, id, form, shared))).await?;
    // Without JavaScript a new resource's form continues at the resource's own editor address.
    if id.is_none() && crate::db::caller::posted_by_a_plain_form() {
        leptos_axum::redirect(&format!("/resources/manage/{saved}"));
    }
    Ok(saved)
}

/// The editor's live preview: `content` rendered and sanitised exactly as saving would.
#[server(endpoint = "preview_resource")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn preview_resource(content: String) -> Result<String, AppError> {
    crate::db::signed_in(|user, _tx| Box::pin(ssr::preview(user, content))).await
}
