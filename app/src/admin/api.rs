//! Administration's server functions. Every one is for organization and platform administrators
//! (`db::admin`); row-level security limits an organization administrator to their own
//! organization's people, applications and audit entries, so the queries here don't repeat it.

use super::domain::{ApplicationForReview, AuditPage, OrganizationChoice, UserPage};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// One page of the users list, searched and filtered as the page's query string says.
#[server(endpoint = "admin_users")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn admin_users(
    q: String,
    role: String,
    organization: String,
    from: String,
    to: String,
    page: String,
) -> Result<UserPage, AppError> {
    // Parsed here, refused inside (after the role check, with the status set like any other).
    let filter = super::domain::UserFilter::parse(&q, &role, &organization, &from, &to, &page);
    crate::db::admin(|admin, tx| Box::pin(ssr::admin_users(tx, admin, filter))).await
}

/// The organizations the viewer may filter by: all for a platform admin, their own otherwise.
#[server(endpoint = "admin_organizations")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn admin_organizations() -> Result<Vec<OrganizationChoice>, AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::admin_organizations(tx, admin))).await
}

/// Changes someone's role; a mentor gets a listing, one who stops mentoring has it paused.
#[server(endpoint = "set_user_role")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn set_user_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::set_user_role(tx, admin, user_id, role))).await
}

/// Suspends (and signs out everywhere) or restores an account.
#[server(endpoint = "set_user_status")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn set_user_status(user_id: Uuid, status: String) -> Result<(), AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::set_user_status(tx, admin, user_id, status))).await
}

/// Mentor applications, open ones first; `show` = `"all"` includes decided ones.
#[server(endpoint = "applications_for_review")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn applications_for_review(show: String) -> Result<Vec<ApplicationForReview>, AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::applications_for_review(tx, admin, show))).await
}

/// Approving creates the mentor listing and makes the applicant a mentor; either decision is
/// audited (by the table's trigger) and notified to the applicant, in one transaction.
#[server(endpoint = "decide_mentor_application")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(note)))]
pub async fn decide_mentor_application(id: Uuid, decision: String, note: String) -> Result<(), AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::decide_mentor_application(tx, admin, id, decision, note))).await
}

/// One page of the audit log, newest first, optionally for one table.
#[server(endpoint = "audit_entries")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn audit_entries(table: String, page: String) -> Result<AuditPage, AppError> {
    crate::db::admin(|admin, tx| Box::pin(ssr::audit_entries(tx, admin, table, page))).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr;
