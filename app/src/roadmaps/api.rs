//! Roadmaps' server functions; their bodies are in `api::ssr`. Each mutation posted by a plain
//! form (no JavaScript yet) is answered with a redirect back to the roadmap.

use super::domain::{NextStep, ProgressDashboard, RoadmapView, RoadmapsOverview, ShareLink, SharedRoadmap};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod ssr;

/// The caller's roadmaps, what generating one would start from, and (for a mentor) their
/// students' roadmaps.
#[server(endpoint = "my_roadmaps")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_roadmaps() -> Result<RoadmapsOverview, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::overview(tx, user))).await
}

/// Generates a roadmap towards the caller's current career goal over `horizon` months.
#[server(endpoint = "generate_roadmap")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn generate_roadmap(#[server(default)] horizon: String) -> Result<Uuid, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::generate(tx, user, horizon))).await
}

/// One roadmap, for its owner, a mentor of its owner, or a reader it was shared with.
#[server(endpoint = "roadmap")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn roadmap(id: Uuid) -> Result<RoadmapView, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::view(tx, user, id))).await
}

/// Moves a step one place `up` or `down`; `version` is the roadmap's version the page shows.
/// Gives the roadmap's new version.
#[server(endpoint = "move_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn move_roadmap_step(roadmap: Uuid, version: i32, step: Uuid, direction: String) -> Result<i32, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::move_step(tx, user, roadmap, version, step, direction))).await
}

/// Puts the steps in `order` (their ids, comma-separated: every step once), as dragged.
#[server(endpoint = "reorder_roadmap_steps")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn reorder_roadmap_steps(roadmap: Uuid, version: i32, order: String) -> Result<i32, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::reorder(tx, user, roadmap, version, order))).await
}

/// Adds a step at the end.
#[server(endpoint = "add_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn add_roadmap_step(
    roadmap: Uuid,
    title: String,
    #[server(default)] description: String,
    kind: String,
    #[server(default)] due_date: String,
    #[server(default)] reason: String,
) -> Result<Uuid, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::add_step(tx, user, roadmap, title, description, kind, due_date, reason))).await
}

/// Changes a step's words, kind and date.
#[server(endpoint = "edit_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn edit_roadmap_step(
    step: Uuid,
    title: String,
    #[server(default)] description: String,
    kind: String,
    #[server(default)] due_date: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::edit_step(tx, user, step, title, description, kind, due_date, reason))).await
}

/// Removes a step (the others close up).
#[server(endpoint = "remove_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn remove_roadmap_step(step: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::remove_step(tx, user, step))).await
}

/// Marks a step `not_started`, `in_progress`, `completed` or `skipped`.
#[server(endpoint = "set_roadmap_step_status")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn set_roadmap_step_status(step: Uuid, status: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::set_status(tx, user, step, status))).await
}

/// Archives a roadmap (`archive`) or brings it back (`restore`, within the plan's roadmaps).
#[server(endpoint = "set_roadmap_archived")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn set_roadmap_archived(roadmap: Uuid, action: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::set_archived(tx, user, roadmap, action))).await
}

/// Deletes a roadmap and its steps for good.
#[server(endpoint = "delete_roadmap")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn delete_roadmap(roadmap: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::delete(tx, user, roadmap))).await
}

/// Makes a new read-only share link (any earlier one stops working) and gives its address,
/// shown this once.
#[server(endpoint = "share_roadmap")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn share_roadmap(roadmap: Uuid) -> Result<ShareLink, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::share(tx, user, roadmap))).await
}

/// Turns the share link off.
#[server(endpoint = "revoke_roadmap_share")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn revoke_roadmap_share(roadmap: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::revoke_share(tx, user, roadmap))).await
}

/// Lets the organization's administrators read the roadmap (`share`) or not (`stop`).
#[server(endpoint = "share_roadmap_with_organization")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn share_roadmap_with_organization(roadmap: Uuid, action: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::share_with_organization(tx, user, roadmap, action))).await
}

/// The read-only roadmap behind a share link; a revoked or unknown link is not found.
#[server(endpoint = "roadmap_behind_link")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn roadmap_behind_link(token: String) -> Result<SharedRoadmap, AppError> {
    crate::db::public(|tx| Box::pin(ssr::shared(tx, token))).await
}

/// A comment on the roadmap (`step` blank) or one of its steps, by its owner or their mentor.
#[server(endpoint = "comment_on_roadmap")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn comment_on_roadmap(roadmap: Uuid, #[server(default)] step: String, body: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::comment(tx, user, roadmap, step, body))).await
}

/// A mentor suggests a step; the owner accepts or declines it.
#[server(endpoint = "suggest_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn suggest_roadmap_step(
    roadmap: Uuid,
    title: String,
    #[server(default)] description: String,
    kind: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::suggest(tx, user, roadmap, title, description, kind, reason))).await
}

/// The owner's answer to a suggestion: `accept` (it becomes the last step) or `decline`.
#[server(endpoint = "decide_roadmap_suggestion")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn decide_roadmap_suggestion(suggestion: Uuid, decision: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::decide(tx, user, suggestion, decision))).await
}

/// `/progress`: the caller's roadmaps, steps per week, resources, and for an organization's
/// administrator its aggregates.
#[server(endpoint = "my_progress")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_progress() -> Result<ProgressDashboard, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::dashboard(tx, user))).await
}

/// The next step to take, for the home page (`None` for visitors and people with no roadmap).
#[server(endpoint = "next_roadmap_step")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn next_roadmap_step() -> Result<Option<NextStep>, AppError> {
    crate::db::visitor(|user, tx| Box::pin(ssr::next_step(tx, user))).await
}
