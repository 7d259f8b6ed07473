//! Administration: the users list (full-text search on names, filters, paging), role changes,
//! suspensions, mentor application decisions and the audit view. Organization administrators see
//! and manage only their organization; row-level security enforces the same in the database.

use crate::accounts::mentor_application::ApplicationStatus;
use crate::accounts::RequireUser;
use crate::domain::{Role, ValidationError};
use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 25;

/// A search of the users list, parsed from the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFilter {
    /// Name words, each matched as a prefix ("ada love" finds Ada Lovelace).
    pub words: Vec<String>,
    pub role: Option<Role>,
    pub organization: Option<Uuid>,
    pub created_from: Option<chrono::NaiveDate>,
    pub created_to: Option<chrono::NaiveDate>,
    pub page: i64,
}

impl UserFilter {
    pub fn parse(q: &str, role: &str, organization: &str, from: &str, to: &str, page: &str) -> Result<Self, ValidationError> {
        let words: Vec<String> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .map(|w| w.to_lowercase().chars().take(40).collect())
            .collect();
        let role = match role.trim() {
            "" => None,
            other => Some(Role::parse(other)?),
        };
        let organization = match organization.trim() {
            "" => None,
            other => Some(Uuid::parse_str(other).map_err(|_| ValidationError("Choose an organization from the list.".into()))?),
        };
        let date = |value: &str, what: &str| -> Result<Option<chrono::NaiveDate>, ValidationError> {
            match value.trim() {
                "" => Ok(None),
                other => chrono::NaiveDate::parse_from_str(other, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| ValidationError(format!("Enter the {what} date as YYYY-MM-DD."))),
            }
        };
        let created_from = date(from, "\u{201c}created from\u{201d}")?;
        let created_to = date(to, "\u{201c}created to\u{201d}")?;
        if let (Some(from), Some(to)) = (created_from, created_to) {
            if from > to {
                return Err(ValidationError("The \u{201c}created from\u{201d} date is after the \u{201c}created to\u{201d} date.".into()));
            }
        }
        let page = match page.trim() {
            "" => 1,
            other => other.parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).ok_or_else(|| ValidationError("That page doesn't exist.".into()))?,
        };
        Ok(Self { words, role, organization, created_from, created_to, page })
    }

    /// A prefix query over the `simple` configuration; words are alphanumeric only, so nothing
    /// typed can inject tsquery syntax.
    pub fn tsquery(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| self.words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: Uuid,
    pub name: String,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub status: String,
    pub organization: String,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    pub total: i64,
    pub page: i64,
    /// The viewer's own id and role, so the page offers only what they may do.
    pub viewer_id: Uuid,
    pub viewer_role: Role,
}

#[server(endpoint = "admin_users")]
pub async fn admin_users(
    q: String,
    role: String,
    organization: String,
    from: String,
    to: String,
    page: String,
) -> Result<UserPage, AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let filter = UserFilter::parse(&q, &role, &organization, &from, &to, &page)?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        let rows: Vec<(Uuid, String, String, String, String, Role, String, String, chrono::DateTime<chrono::Utc>, i64)> =
            sqlx::query_as(
                "select u.id, u.first_name, u.last_name, u.username::text, u.email::text, u.role, u.status::text, o.name, \
                        u.created_at, count(*) over () \
                   from users u join organizations o on o.id = u.organization_id \
                  where u.deleted_at is null \
                    and ($1::text is null or u.search @@ to_tsquery('simple', $1)) \
                    and ($2::user_role is null or u.role = $2) \
                    and ($3::uuid is null or u.organization_id = $3) \
                    and ($4::date is null or u.created_at >= $4::date) \
                    and ($5::date is null or u.created_at < $5::date + 1) \
                  order by u.created_at desc, u.id \
                  limit $6 offset $7",
            )
            .bind(filter.tsquery())
            .bind(filter.role)
            .bind(filter.organization)
            .bind(filter.created_from)
            .bind(filter.created_to)
            .bind(PAGE_SIZE)
            .bind((filter.page - 1) * PAGE_SIZE)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let total = rows.first().map(|r| r.9).unwrap_or(0);
        Ok(UserPage {
            total,
            page: filter.page,
            viewer_id: admin.user_id,
            viewer_role: admin.role,
            rows: rows
                .into_iter()
                .map(|(id, first, last, username, email, role, status, organization, created, _)| UserRow {
                    id,
                    name: format!("{first} {last}"),
                    username,
                    email,
                    role,
                    status,
                    organization,
                    created: created.format("%Y-%m-%d").to_string(),
                })
                .collect(),
        })
    }
    .await
    .map_err(AppError::respond)
}

/// The organizations the viewer may filter by: all for a platform admin, their own otherwise.
#[server(endpoint = "admin_organizations")]
pub async fn admin_organizations() -> Result<Vec<(Uuid, String)>, AppError> {
    async {
        let admin = crate::accounts::session::require_admin().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        let rows: Vec<(Uuid, String)> = sqlx::query_as(
            "select id, name from organizations where deleted_at is null \
               and (id = $1 or $2) order by name",
        )
        .bind(admin.org_id)
        .bind(admin.role == Role::Admin)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows)
    }
    .await
    .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use sqlx::{Postgres, Transaction};

    /// The target account as the admin may see it, refusing changes to oneself (no locking
    /// yourself out) and, for organization admins, to platform admins.
    pub async fn target(
        tx: &mut Transaction<'static, Postgres>,
        admin: &crate::accounts::session::SignedIn,
        user_id: Uuid,
    ) -> Result<(Role, Uuid), AppError> {
        if user_id == admin.user_id {
            return Err(AppError::Conflict("You can't change your own role or status. Ask another administrator.".into()));
        }
        let (role, org): (Role, Uuid) =
            sqlx::query_as("select role, organization_id from users where id = $1 and deleted_at is null")
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| AppError::NotFound("that account".into()))?;
        if role == Role::Admin && admin.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok((role, org))
    }

    pub async fn notify(
        tx: &mut Transaction<'static, Postgres>,
        user_id: Uuid,
        org_id: Uuid,
        title: &str,
        body: &str,
        payload: serde_json::Value,
    ) -> Result<(), AppError> {
        sqlx::query(
            "insert into notifications (user_id, organization_id, kind, title, body, payload) \
             values ($1, $2, 'mentor_application', $3, $4, $5)",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(title)
        .bind(body)
        .bind(payload)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A mentor needs a listing; one that stops mentoring keeps it, paused.
    pub async fn sync_listing(tx: &mut Transaction<'static, Postgres>, user_id: Uuid, org_id: Uuid, role: Role) -> Result<(), AppError> {
        if role == Role::Mentor {
            sqlx::query(
                "insert into mentors (user_id, organization_id, time_zone) \
                 select $1, $2, coalesce((select time_zone from user_profiles where user_id = $1 and deleted_at is null), 'UTC') \
                  where not exists (select 1 from mentors where user_id = $1 and deleted_at is null)",
            )
            .bind(user_id)
            .bind(org_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query("update mentors set status = 'active' where user_id = $1 and deleted_at is null and status = 'paused'")
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        } else {
            sqlx::query("update mentors set status = 'paused' where user_id = $1 and deleted_at is null and status = 'active'")
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

#[server(endpoint = "set_user_role")]
pub async fn set_user_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let role = Role::parse(&role)?;
        if role == Role::Admin && admin.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        let (current, org) = ssr::target(&mut tx, &admin, user_id).await?;
        if current == role {
            return Ok(());
        }
        sqlx::query("update users set role = $2 where id = $1").bind(user_id).bind(role).execute(&mut *tx).await?;
        ssr::sync_listing(&mut tx, user_id, org, role).await?;
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// Suspends (and signs out everywhere) or restores an account.
#[server(endpoint = "set_user_status")]
pub async fn set_user_status(user_id: Uuid, status: String) -> Result<(), AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let status = match status.as_str() {
            "suspended" | "active" => status,
            _ => return Err(AppError::invalid("Choose to suspend or restore the account.")),
        };
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        ssr::target(&mut tx, &admin, user_id).await?;
        sqlx::query(
            "update users set status = $2::user_status, \
                    session_generation = session_generation + case when $2 = 'suspended' then 1 else 0 end \
              where id = $1 and status <> 'deactivated'",
        )
        .bind(user_id)
        .bind(&status)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForReview {
    pub id: Uuid,
    pub applicant: String,
    pub email: String,
    pub organization: String,
    pub expertise: Vec<String>,
    pub years_experience: i32,
    pub summary: String,
    pub rate: String,
    pub status: ApplicationStatus,
    pub submitted: String,
    pub decision_note: Option<String>,
}

#[server(endpoint = "applications_for_review")]
pub async fn applications_for_review(show: String) -> Result<Vec<ApplicationForReview>, AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let pending_only = show != "all";
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        #[allow(clippy::type_complexity)]
        let rows: Vec<(Uuid, String, String, String, Vec<String>, i32, String, i64, String, ApplicationStatus, chrono::DateTime<chrono::Utc>, Option<String>)> =
            sqlx::query_as(
                "select a.id, u.first_name || ' ' || u.last_name, u.email::text, o.name, a.expertise_areas, a.years_experience, \
                        a.experience_summary, a.hourly_rate_minor, a.currency::text, a.status, a.created_at, a.decision_note \
                   from mentor_applications a join users u on u.id = a.user_id join organizations o on o.id = a.organization_id \
                  where a.deleted_at is null and (not $1 or a.status = 'pending') \
                  order by (a.status = 'pending') desc, a.created_at \
                  limit 200",
            )
            .bind(pending_only)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| ApplicationForReview {
                id: r.0,
                applicant: r.1,
                email: r.2,
                organization: r.3,
                expertise: r.4,
                years_experience: r.5,
                summary: r.6,
                rate: crate::accounts::mentor_application::HourlyRate::display(r.7, &r.8),
                status: r.9,
                submitted: r.10.format("%Y-%m-%d").to_string(),
                decision_note: r.11,
            })
            .collect())
    }
    .await
    .map_err(AppError::respond)
}

/// Approving creates the mentor listing and makes the applicant a mentor; either decision is
/// audited (by the table's trigger) and notified to the applicant, in one transaction.
#[server(endpoint = "decide_mentor_application")]
pub async fn decide_mentor_application(id: Uuid, decision: String, note: String) -> Result<(), AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let approve = match decision.as_str() {
            "approve" => true,
            "decline" => false,
            _ => return Err(AppError::invalid("Choose to approve or decline the application.")),
        };
        let note = note.trim();
        if note.chars().count() > 1000 {
            return Err(AppError::invalid("A decision note has at most 1,000 characters."));
        }
        let note = (!note.is_empty()).then(|| note.to_string());
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        let application: Option<(Uuid, Uuid, Vec<String>, i32, String, i64, String)> = sqlx::query_as(
            "select user_id, organization_id, expertise_areas, years_experience, experience_summary, hourly_rate_minor, currency::text \
               from mentor_applications where id = $1 and status = 'pending' and deleted_at is null for update",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, org_id, expertise, years, summary, rate, currency)) = application else {
            return Err(AppError::NotFound("an open application with that id (it may have been decided or withdrawn)".into()));
        };
        if user_id == admin.user_id {
            return Err(AppError::Conflict("You can't decide your own application.".into()));
        }
        sqlx::query(
            "update mentor_applications set status = $2::mentor_application_status, decided_by = $3, decided_at = now(), decision_note = $4 where id = $1",
        )
        .bind(id)
        .bind(if approve { "approved" } else { "declined" })
        .bind(admin.user_id)
        .bind(&note)
        .execute(&mut *tx)
        .await?;
        if approve {
            sqlx::query("update users set role = 'mentor' where id = $1 and role = 'student'")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into mentors (user_id, organization_id, bio, expertise_areas, years_experience, hourly_rate_minor, currency, time_zone) \
                 select $1, $2, $3, $4, $5, $6, $7, coalesce((select time_zone from user_profiles where user_id = $1 and deleted_at is null), 'UTC') \
                  where not exists (select 1 from mentors where user_id = $1 and deleted_at is null)",
            )
            .bind(user_id)
            .bind(org_id)
            .bind(&summary)
            .bind(&expertise)
            .bind(years)
            .bind(rate)
            .bind(&currency)
            .execute(&mut *tx)
            .await?;
            ssr::notify(&mut tx, user_id, org_id, "You're now a Waypoint mentor",
                "Your mentor application was approved. Your listing is live, and students can find you on the Mentors page.",
                serde_json::json!({ "application_id": id, "decision": "approved", "note": note })).await?;
        } else {
            ssr::notify(&mut tx, user_id, org_id, "Your mentor application was declined",
                "An administrator reviewed your mentor application and declined it. You can apply again later.",
                serde_json::json!({ "application_id": id, "decision": "declined", "note": note })).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub when: String,
    pub actor: String,
    pub table_name: String,
    pub action: String,
    pub subject: String,
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub has_more: bool,
}

/// Tables whose changes the audit trail records.
pub const AUDITED_TABLES: [&str; 5] = ["users", "mentor_applications", "bookings", "payments", "subscriptions"];

#[server(endpoint = "audit_entries")]
pub async fn audit_entries(table: String, page: String) -> Result<AuditPage, AppError> {
    async move {
        let admin = crate::accounts::session::require_admin().await?;
        let table = match table.trim() {
            "" => None,
            t if AUDITED_TABLES.contains(&t) => Some(t.to_string()),
            _ => return Err(AppError::invalid("Choose a table from the list.")),
        };
        let page = match page.trim() {
            "" => 1,
            p => p.parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).ok_or_else(|| AppError::invalid("That page doesn't exist."))?,
        };
        const AUDIT_PAGE: i64 = 50;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &admin.ctx()).await?;
        #[allow(clippy::type_complexity)]
        let rows: Vec<(Uuid, chrono::DateTime<chrono::Utc>, String, Option<String>, String, Uuid, String, Vec<String>, Option<serde_json::Value>, Option<serde_json::Value>, Option<String>)> =
            sqlx::query_as(
                "select a.id, a.created_at, a.actor_role, actor.first_name || ' ' || actor.last_name, a.table_name, a.row_id, \
                        a.action::text, a.changed_fields, a.old_data, a.new_data, \
                        case when a.table_name = 'users' then subject.first_name || ' ' || subject.last_name end \
                   from audit_log a \
                   left join users actor on actor.id = a.actor_user_id \
                   left join users subject on a.table_name = 'users' and subject.id = a.row_id \
                  where ($1::text is null or a.table_name = $1) \
                  order by a.created_at desc, a.id \
                  limit $2 offset $3",
            )
            .bind(&table)
            .bind(AUDIT_PAGE + 1)
            .bind((page - 1) * AUDIT_PAGE)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let has_more = rows.len() as i64 > AUDIT_PAGE;
        let entries = rows
            .into_iter()
            .take(AUDIT_PAGE as usize)
            .map(|(id, when, actor_role, actor, table_name, row_id, action, changed, old, new, subject)| {
                let value = |data: &Option<serde_json::Value>, field: &str| {
                    data.as_ref().and_then(|d| d.get(field)).map(|v| match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Null => "none".to_string(),
                        other => other.to_string(),
                    })
                };
                let changes = match action.as_str() {
                    "update" => changed
                        .iter()
                        .map(|field| format!("{field}: {} → {}", value(&old, field).unwrap_or_default(), value(&new, field).unwrap_or_default()))
                        .collect(),
                    "insert" => ["role", "status"]
                        .iter()
                        .filter_map(|field| value(&new, field).map(|v| format!("{field}: {v}")))
                        .collect(),
                    _ => Vec::new(),
                };
                AuditEntry {
                    id,
                    when: when.format("%Y-%m-%d %H:%M UTC").to_string(),
                    actor: actor.map(|name| format!("{name} ({actor_role})")).unwrap_or(actor_role),
                    subject: subject.unwrap_or_else(|| format!("{} {}", table_name.trim_end_matches('s').replace('_', " "), &row_id.to_string()[..8])),
                    table_name,
                    action,
                    changes,
                }
            })
            .collect();
        Ok(AuditPage { entries, page, has_more })
    }
    .await
    .map_err(AppError::respond)
}

/// Renders `children` for organization and platform administrators; others are told plainly.
#[component]
pub(crate) fn RequireAdmin<F, V>(children: F) -> impl IntoView
where
    F: Fn(crate::accounts::SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = std::sync::Arc::new(children);
    view! {
        <RequireUser children=move |user| {
            if user.role.is_admin() {
                children(user).into_any()
            } else {
                #[cfg(feature = "ssr")]
                AppError::Forbidden.respond();
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

#[component]
pub(crate) fn AdminNav() -> impl IntoView {
    view! {
        <nav aria-label="Administration" class="subnav">
            <ul>
                <li><A href="/admin" exact=true>"Users"</A></li>
                <li><A href="/admin/applications">"Mentor applications"</A></li>
                <li><A href="/admin/assessments">"Assessments"</A></li>
                <li><A href="/admin/audit">"Audit log"</A></li>
            </ul>
        </nav>
    }
}

/// `/admin`: the users list.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    // Resources are made here, not inside RequireUser/RequireAdmin's children: on the server
    // those children can run twice (once in an owner already disposed), and resources made there
    // shift the ids the browser hydrates by, a hydration panic (issue 11).
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let change_role = ServerAction::<SetUserRole>::new();
    let change_status = ServerAction::<SetUserStatus>::new();
    let users = Resource::new(
        move || (get("q"), get("role"), get("org"), get("from"), get("to"), get("page"), change_role.version().get(), change_status.version().get()),
        |(q, role, org, from, to, page, _, _)| admin_users(q, role, org, from, to, page),
    );
    let organizations = Resource::new(|| (), |_| admin_organizations());
    view! {
        <PageMeta title="Users" description="Search, filter and manage the people in your organization." path="/admin"/>
        <RequireAdmin children=move |_user| {
            view! {
                <section class="page wide" aria-labelledby="page-heading">
                    <AdminNav/>
                    <h1 id="page-heading">"Users"</h1>
                    <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Filter users">
                        <div class="field">
                            <label for="filter-q">"Name"</label>
                            <input id="filter-q" name="q" type="search" value=move || get("q")/>
                        </div>
                        <div class="field">
                            <label for="filter-role">"Role"</label>
                            <select id="filter-role" name="role">
                                <option value="" selected=move || get("role").is_empty()>"Any role"</option>
                                {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=move || get("role") == r.as_str()>{r.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-org">"Organization"</label>
                            <select id="filter-org" name="org">
                                <option value="">"Any organization"</option>
                                <Transition fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        organizations.await.unwrap_or_default().into_iter().map(|(id, name)| {
                                            let value = id.to_string();
                                            let selected = get("org") == value;
                                            view! { <option value=value selected=selected>{name}</option> }
                                        }).collect_view()
                                    })}
                                </Transition>
                            </select>
                        </div>
                        <div class="field">
                            <label for="filter-from">"Created from"</label>
                            <input id="filter-from" name="from" type="date" value=move || get("from")/>
                        </div>
                        <div class="field">
                            <label for="filter-to">"Created to"</label>
                            <input id="filter-to" name="to" type="date" value=move || get("to")/>
                        </div>
                        <button type="submit" class="button">"Search"</button>
                    </Form>
                    <ActionOutcome value=move || change_role.value().get() success="Role changed."/>
                    <ActionOutcome value=move || change_status.value().get() success="Account status changed."/>
                    <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                users.await.map(|page| view! { <UsersTable page change_role change_status/> })
                            })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

#[component]
fn UsersTable(page: UserPage, change_role: ServerAction<SetUserRole>, change_status: ServerAction<SetUserStatus>) -> impl IntoView {
    let query = use_query_map();
    let UserPage { rows, total, page, viewer_id, viewer_role } = page;
    let last_page = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_link = move |target: i64| {
        let mut params: Vec<String> = ["q", "role", "org", "from", "to"]
            .iter()
            .filter_map(|key| query.read_untracked().get(key).filter(|v| !v.is_empty()).map(|v| format!("{key}={}", crate::accounts::encode_query_value(&v))))
            .collect();
        params.push(format!("page={target}"));
        format!("/admin?{}", params.join("&"))
    };
    let roles: Vec<Role> = Role::ALL.iter().copied().filter(|r| *r != Role::Admin || viewer_role == Role::Admin).collect();
    view! {
        <p role="status">{format!("{total} {} found", if total == 1 { "person" } else { "people" })}</p>
        {(total > 0).then(|| view! {
            <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Users"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Organization"</th><th scope="col">"Created"</th><th scope="col">"Role"</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let editable = row.id != viewer_id && (row.role != Role::Admin || viewer_role == Role::Admin);
                        let roles = roles.clone();
                        let suspended = row.status == "suspended";
                        let name = row.name.clone();
                        view! {
                            <tr>
                                <th scope="row">{row.name.clone()}<br/><span class="muted">"@"{row.username.clone()}</span></th>
                                <td>{row.email.clone()}</td>
                                <td>{row.organization.clone()}</td>
                                <td>{row.created.clone()}</td>
                                <td>
                                    {if editable {
                                        view! {
                                            <ActionForm action=change_role attr:class="inline-form">
                                                <input type="hidden" name="user_id" value=row.id.to_string()/>
                                                <label class="visually-hidden" for=format!("role-{}", row.id)>{format!("Role for {name}")}</label>
                                                <select id=format!("role-{}", row.id) name="role">
                                                    {roles.iter().map(|r| view! { <option value=r.as_str() selected=*r == row.role>{r.label()}</option> }).collect_view()}
                                                </select>
                                                <button type="submit" class="button button--small">"Change role"<span class="visually-hidden">{format!(" for {name}")}</span></button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <span>{row.role.label()}</span> }.into_any()
                                    }}
                                </td>
                                <td>
                                    <span class=if suspended { "badge badge--warning" } else { "badge" }>{row.status.clone()}</span>
                                    {editable.then(|| view! {
                                        <ActionForm action=change_status attr:class="inline-form">
                                            <input type="hidden" name="user_id" value=row.id.to_string()/>
                                            <input type="hidden" name="status" value=if suspended { "active" } else { "suspended" }/>
                                            <button type="submit" class="button button--small button--ghost">
                                                {if suspended { "Restore" } else { "Suspend" }}
                                                <span class="visually-hidden">{format!(" {}", row.name)}</span>
                                            </button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        <nav aria-label="Pages" class="pager">
            {(page > 1).then(|| view! { <A href=page_link(page - 1)>"Previous page"</A> })}
            <span>{format!("Page {page} of {last_page}")}</span>
            {(page < last_page).then(|| view! { <A href=page_link(page + 1)>"Next page"</A> })}
        </nav>
    }
}

/// `/admin/applications`
#[component]
pub fn AdminApplicationsPage() -> impl IntoView {
    let query = use_query_map();
    let show = move || query.read().get("show").unwrap_or_default();
    let decide = ServerAction::<DecideMentorApplication>::new();
    let applications = Resource::new(move || (show(), decide.version().get()), |(show, _)| applications_for_review(show));
    view! {
        <PageMeta title="Mentor applications" description="Review applications to become a mentor." path="/admin/applications"/>
        <RequireAdmin children=move |_user| {
            view! {
                <section class="page wide" aria-labelledby="page-heading">
                    <AdminNav/>
                    <h1 id="page-heading">"Mentor applications"</h1>
                    <p>
                        {move || if show() == "all" {
                            view! { <A href="/admin/applications">"Show open applications only"</A> }.into_any()
                        } else {
                            view! { <A href="/admin/applications?show=all">"Show decided applications too"</A> }.into_any()
                        }}
                    </p>
                    <ActionOutcome value=move || decide.value().get() success="Decision recorded and the applicant notified."/>
                    <Transition fallback=|| view! { <p class="loading">"Loading applications…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                applications.await.map(|list| {
                                    if list.is_empty() {
                                        view! { <p>"No applications are waiting for a decision."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="card-list">
                                                {list.into_iter().map(|a| view! { <ApplicationCard application=a decide/> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

#[component]
fn ApplicationCard(application: ApplicationForReview, decide: ServerAction<DecideMentorApplication>) -> impl IntoView {
    let a = application;
    let heading_id = format!("application-{}", a.id);
    let pending = a.status == ApplicationStatus::Pending;
    view! {
        <li class="card">
            <h2 id=heading_id.clone()>{a.applicant.clone()}</h2>
            <p class="muted">{format!("{} · {} · submitted {}", a.email, a.organization, a.submitted)}</p>
            <dl class="details">
                <dt>"Expertise"</dt><dd>{a.expertise.join(", ")}</dd>
                <dt>"Experience"</dt><dd>{format!("{} years", a.years_experience)}</dd>
                <dt>"Intended rate"</dt><dd>{format!("{} an hour", a.rate)}</dd>
                <dt>"Status"</dt><dd>{a.status.label()}</dd>
            </dl>
            <p class="prose">{a.summary.clone()}</p>
            {a.decision_note.clone().map(|note| view! { <p class="muted">"Decision note: "{note}</p> })}
            {pending.then(|| view! {
                <ActionForm action=decide attr:class="form" attr:aria-labelledby=heading_id.clone()>
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <fieldset>
                        <legend>{format!("Decision on {}", a.applicant)}</legend>
                        <label class="checkbox"><input type="radio" name="decision" value="approve" required=true/>" Approve: make them a mentor"</label>
                        <label class="checkbox"><input type="radio" name="decision" value="decline"/>" Decline"</label>
                    </fieldset>
                    <div class="field">
                        <label for=format!("note-{}", a.id)>"Note to the applicant (optional)"</label>
                        <textarea id=format!("note-{}", a.id) name="note" rows="2" maxlength="1000"></textarea>
                    </div>
                    <button type="submit" class="button">"Record decision"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// `/admin/audit`
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let entries = Resource::new(move || (get("table"), get("page")), |(table, page)| audit_entries(table, page));
    view! {
        <PageMeta title="Audit log" description="Who changed what and when: roles, statuses, mentor applications, bookings and payments." path="/admin/audit"/>
        <RequireAdmin children=move |_user| {
            view! {
                <section class="page wide" aria-labelledby="page-heading">
                    <AdminNav/>
                    <h1 id="page-heading">"Audit log"</h1>
                    <Form method="GET" action="" attr:class="filters" attr:aria-label="Filter the audit log">
                        <div class="field">
                            <label for="filter-table">"Records"</label>
                            <select id="filter-table" name="table">
                                <option value="">"All records"</option>
                                {AUDITED_TABLES.iter().map(|t| view! { <option value=*t selected=move || get("table") == *t>{t.replace('_', " ")}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">"Show"</button>
                    </Form>
                    <Transition fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                entries.await.map(|page| {
                                    let table = get("table");
                                    let link = move |p: i64| format!("/admin/audit?table={}&page={p}", crate::accounts::encode_query_value(&table));
                                    view! {
                                        <div class="table-scroll">
                                        <table class="data-table">
                                            <caption class="visually-hidden">"Audit log entries, newest first"</caption>
                                            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Record"</th><th scope="col">"Changes"</th></tr></thead>
                                            <tbody>
                                                {page.entries.into_iter().map(|e| view! {
                                                    <tr>
                                                        <td>{e.when}</td>
                                                        <td>{e.actor}</td>
                                                        <td>{format!("{} {}", e.action, e.table_name.replace('_', " "))}</td>
                                                        <td>{e.subject}</td>
                                                        <td><ul class="plain-list">{e.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul></td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                        <nav aria-label="Pages" class="pager">
                                            {(page.page > 1).then(|| view! { <A href=link(page.page - 1)>"Newer entries"</A> })}
                                            <span>{format!("Page {}", page.page)}</span>
                                            {page.has_more.then(|| view! { <A href=link(page.page + 1)>"Older entries"</A> })}
                                        </nav>
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_filters_parse_and_build_safe_prefix_queries() {
        let filter = UserFilter::parse("Ada  Love'; drop", "mentor", "", "2026-01-01", "2026-12-31", "2").unwrap();
        assert_eq!(filter.tsquery().as_deref(), Some("ada:* & love:* & drop:*"));
        assert_eq!((filter.role, filter.page), (Some(Role::Mentor), 2));
        assert!(UserFilter::parse("", "wizard", "", "", "", "").is_err());
        assert!(UserFilter::parse("", "", "", "2026-13-01", "", "").unwrap_err().0.contains("YYYY-MM-DD"));
        assert!(UserFilter::parse("", "", "", "2026-05-01", "2026-04-01", "").unwrap_err().0.contains("after"));
        assert!(UserFilter::parse("", "", "", "", "", "0").is_err());
        assert_eq!(UserFilter::parse("", "", "", "", "", "").unwrap().tsquery(), None);
    }
}
