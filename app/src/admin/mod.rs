//! Administration: the users list (full-text search on names, filters, paging), role changes,
//! suspensions, mentor application decisions and the audit view. Organization administrators see
//! and manage only their organization; row-level security enforces the same in the database.
//!
//! - [`domain`]: the users list's filter and rows, status changes, mentor-application decisions,
//!   audit entries (types and pure logic, with their tests).
//! - [`api`]: the server functions; their bodies, with the SQL, in `api/ssr.rs` (server only).
//! - pages: `/admin` ([`AdminUsersPage`]), `/admin/applications` ([`AdminApplicationsPage`]),
//!   `/admin/audit` ([`AdminAuditPage`]).
//! - here: [`RequireAdmin`] and [`AdminNav`], which the assessments' authoring pages share.

pub mod api;
mod applications;
mod audit;
pub mod domain;
mod users;

pub use api::*;
pub use applications::AdminApplicationsPage;
pub use audit::AdminAuditPage;
pub use domain::{
    ApplicationForReview, AuditAction, AuditEntry, AuditPage, AuditedTable, Decision, OrganizationChoice, StatusChange,
    UserFilter, UserPage, UserRow, PAGE_SIZE,
};
pub use users::AdminUsersPage;

use crate::accounts::{RequireUser, SessionUser};
use leptos::prelude::*;
use leptos_router::components::A;

/// Renders `children` for organization and platform administrators; others are told plainly.
#[component]
pub(crate) fn RequireAdmin<F, V>(children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = std::sync::Arc::new(children);
    view! {
        <RequireUser children=move |user| {
            if user.role.is_admin() {
                children(user).into_any()
            } else {
                #[cfg(feature = "ssr")]
                crate::error::AppError::Forbidden.respond();
                view! {
                    <section class="page narrow" aria-labelledby="page-heading">
                        <h1 id="page-heading">"Administrators only"</h1>
                        <p>"This area is for your organization's administrators. If you need something changed, contact them."</p>
                    </section>
                }.into_any()
            }
        }/>
    }
}

/// An administrator's page: the role check, then the section with the administration
/// navigation and the page's heading (`None` when the page writes its own) above `children`.
#[component]
pub(crate) fn AdminSection(heading: Option<&'static str>, children: ChildrenFn) -> impl IntoView {
    view! {
        <RequireAdmin children=move |_user| view! {
            <section class="page wide" aria-labelledby="page-heading">
                <AdminNav/>
                {heading.map(|heading| view! { <h1 id="page-heading">{heading}</h1> })}
                {children()}
            </section>
        }/>
    }
}

#[component]
pub(crate) fn AdminNav() -> impl IntoView {
    view! {
        <nav aria-label="Administration" class="subnav">
            <ul>
                <li><A href="/admin" exact=true>"Users"</A></li>
                <li><A href="/admin/applications">"Mentor applications"</A></li>
                <li><A href="/admin/assessments">"Assessments"</A></li>
                <li><A href="/admin/revenue">"Revenue"</A></li>
                <li><A href="/admin/outbox">"Outbox"</A></li>
                <li><A href="/admin/audit">"Audit log"</A></li>
            </ul>
        </nav>
    }
}
