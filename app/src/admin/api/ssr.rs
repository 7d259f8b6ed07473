//! The bodies of administration's server functions (server only): each runs inside the one
//! transaction `db::admin` opens under the administrator's request context.

use crate::accounts::mentor_application::domain::{ApplicationStatus, HourlyRate};
use crate::admin::domain::*;
use crate::db::{SignedIn, Tx};
use crate::domain::{FieldErrors, Role, UserStatus, ValidationError};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// See [`super::admin_users`].
#[allow(clippy::too_many_arguments)] // the page's six query-string fields, as they arrive
pub async fn admin_users(
    tx: &mut Tx,
    admin: &SignedIn,
    filter: Result<UserFilter, ValidationError>,
) -> Result<UserPage, AppError> {
    let filter = filter?;
    let rows = sqlx::query!(
        r#"select u.id, u.first_name, u.last_name, u.username::text as "username!", u.email::text as "email!",
                  u.role as "role: Role", u.status as "status: UserStatus", o.name as organization,
                  u.created_at as "created_at: DateTime<Utc>", count(*) over () as "total!"
             from users u join organizations o on o.id = u.organization_id
            where u.deleted_at is null
              and ($1::text is null or u.search @@ to_tsquery('simple', $1))
              and ($2::user_role is null or u.role = $2)
              and ($3::uuid is null or u.organization_id = $3)
              and ($4::date is null or u.created_at >= $4::date)
              and ($5::date is null or u.created_at < $5::date + 1)
            order by u.created_at desc, u.id
            limit $6 offset $7"#,
        filter.tsquery(),
        filter.role as Option<Role>,
        filter.organization,
        filter.created_from as Option<chrono::NaiveDate>,
        filter.created_to as Option<chrono::NaiveDate>,
        PAGE_SIZE,
        (filter.page - 1) * PAGE_SIZE,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(UserPage {
        total: rows.first().map(|r| r.total).unwrap_or(0),
        page: filter.page,
        viewer_id: admin.user_id,
        viewer_role: admin.role,
        rows: rows
            .into_iter()
            .map(|r| UserRow {
                id: r.id,
                name: format!("{} {}", r.first_name, r.last_name),
                username: r.username,
                email: r.email,
                role: r.role,
                status: r.status,
                organization: r.organization,
                created: r.created_at.date_naive(),
            })
            .collect(),
    })
}

/// See [`super::admin_organizations`].
pub async fn admin_organizations(tx: &mut Tx, admin: &SignedIn) -> Result<Vec<OrganizationChoice>, AppError> {
    Ok(sqlx::query_as!(
        OrganizationChoice,
        "select id, name from organizations where deleted_at is null and (id = $1 or $2) order by name",
        admin.org_id,
        admin.role == Role::Admin,
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// The account an administrator is about to change.
struct Target {
    role: Role,
    organization_id: Uuid,
}

/// The target account as the admin may see it, refusing changes to oneself (no locking
/// yourself out) and, for organization admins, to platform admins.
async fn target(tx: &mut Tx, admin: &SignedIn, user_id: Uuid) -> Result<Target, AppError> {
    if user_id == admin.user_id {
        return Err(AppError::Conflict("You can't change your own role or status. Ask another administrator.".into()));
    }
    let target = sqlx::query_as!(
        Target,
        r#"select role as "role: Role", organization_id from users where id = $1 and deleted_at is null"#,
        user_id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("that account".into()))?;
    if target.role == Role::Admin && admin.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(target)
}

/// See [`super::set_user_role`].
pub async fn set_user_role(tx: &mut Tx, admin: &SignedIn, user_id: Uuid, role: String) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let role = errors.check("role", Role::parse(&role));
    let role = errors.finish_with(|| role)?;
    if role == Role::Admin && admin.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let target = target(tx, admin, user_id).await?;
    if target.role == role {
        return Ok(());
    }
    sqlx::query!("update users set role = $2 where id = $1", user_id, role as Role).execute(&mut **tx).await?;
    sync_listing(tx, user_id, target.organization_id, role).await
}

/// A mentor needs a listing; one that stops mentoring keeps it, paused.
async fn sync_listing(tx: &mut Tx, user_id: Uuid, org_id: Uuid, role: Role) -> Result<(), AppError> {
    if role == Role::Mentor {
        sqlx::query!(
            "insert into mentors (user_id, organization_id, time_zone)
             select $1, $2, coalesce((select time_zone from user_profiles where user_id = $1 and deleted_at is null), 'UTC')
              where not exists (select 1 from mentors where user_id = $1 and deleted_at is null)",
            user_id,
            org_id
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "update mentors set status = 'active' where user_id = $1 and deleted_at is null and status = 'paused'",
            user_id
        )
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query!(
            "update mentors set status = 'paused' where user_id = $1 and deleted_at is null and status = 'active'",
            user_id
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// See [`super::set_user_status`]. Suspending bumps the session generation, which ends the
/// account's sessions on their next request; a deactivated (deleted) account stays so.
pub async fn set_user_status(tx: &mut Tx, admin: &SignedIn, user_id: Uuid, status: String) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let change = errors.parse::<StatusChange>("status", &status);
    let change = errors.finish_with(|| change)?;
    target(tx, admin, user_id).await?;
    sqlx::query!(
        "update users set status = $2,
                session_generation = session_generation + case when $3 then 1 else 0 end
          where id = $1 and status <> 'deactivated'",
        user_id,
        change.status() as UserStatus,
        change == StatusChange::Suspend,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// See [`super::applications_for_review`].
pub async fn applications_for_review(
    tx: &mut Tx,
    _admin: &SignedIn,
    show: String,
) -> Result<Vec<ApplicationForReview>, AppError> {
    let pending_only = ReviewQueue::from_query(&show) == ReviewQueue::Open;
    let rows = sqlx::query!(
        r#"select a.id, u.first_name || ' ' || u.last_name as "applicant!", u.email::text as "email!", o.name as organization,
                  a.expertise_areas, a.years_experience, a.experience_summary, a.hourly_rate_minor, a.currency,
                  a.status as "status: ApplicationStatus", a.created_at as "created_at: DateTime<Utc>", a.decision_note
             from mentor_applications a join users u on u.id = a.user_id join organizations o on o.id = a.organization_id
            where a.deleted_at is null and (not $1 or a.status = 'pending')
            order by (a.status = 'pending') desc, a.created_at
            limit 200"#,
        pending_only
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApplicationForReview {
            id: r.id,
            applicant: r.applicant,
            email: r.email,
            organization: r.organization,
            expertise: r.expertise_areas,
            years_experience: r.years_experience,
            summary: r.experience_summary,
            rate: HourlyRate::display(r.hourly_rate_minor, &r.currency),
            status: r.status,
            submitted: r.created_at.date_naive(),
            decision_note: r.decision_note,
        })
        .collect())
}

/// An open application, as the mentor listing is built from it.
struct OpenApplication {
    user_id: Uuid,
    organization_id: Uuid,
    expertise_areas: Vec<String>,
    years_experience: i32,
    experience_summary: String,
    hourly_rate_minor: i64,
    currency: String,
}

/// See [`super::decide_mentor_application`].
pub async fn decide_mentor_application(
    tx: &mut Tx,
    admin: &SignedIn,
    id: Uuid,
    decision: String,
    note: String,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let decision = errors.parse::<Decision>("decision", &decision);
    let note = errors.parse::<DecisionNote>("note", &note);
    let (decision, DecisionNote(note)) = errors.finish_with(|| Some((decision?, note?)))?;
    let application = sqlx::query_as!(
        OpenApplication,
        "select user_id, organization_id, expertise_areas, years_experience, experience_summary, hourly_rate_minor, currency
           from mentor_applications where id = $1 and status = 'pending' and deleted_at is null for update",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("an open application with that id (it may have been decided or withdrawn)".into()))?;
    if application.user_id == admin.user_id {
        return Err(AppError::Conflict("You can't decide your own application.".into()));
    }
    sqlx::query!(
        "update mentor_applications set status = $2, decided_by = $3, decided_at = now(), decision_note = $4 where id = $1",
        id,
        decision.status() as ApplicationStatus,
        admin.user_id,
        note.as_deref(),
    )
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({ "application_id": id, "decision": decision.status(), "note": note });
    let (title, body) = match decision {
        Decision::Approve => {
            make_mentor(tx, &application).await?;
            (
                "You're now a Waypoint mentor",
                "Your mentor application was approved. Your listing is live, and students can find you on the Mentors page.",
            )
        }
        Decision::Decline => (
            "Your mentor application was declined",
            "An administrator reviewed your mentor application and declined it. You can apply again later.",
        ),
    };
    sqlx::query!(
        "insert into notifications (user_id, organization_id, kind, title, body, payload)
         values ($1, $2, 'mentor_application', $3, $4, $5)",
        application.user_id,
        application.organization_id,
        title,
        body,
        payload,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An approved applicant becomes a mentor (a student, that is: an administrator keeps their
/// role) with a listing built from the application, unless they already have one.
async fn make_mentor(tx: &mut Tx, application: &OpenApplication) -> Result<(), AppError> {
    sqlx::query!("update users set role = 'mentor' where id = $1 and role = 'student'", application.user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "insert into mentors (user_id, organization_id, bio, expertise_areas, years_experience, hourly_rate_minor, currency, time_zone)
         select $1, $2, $3, $4, $5, $6, $7, coalesce((select time_zone from user_profiles where user_id = $1 and deleted_at is null), 'UTC')
          where not exists (select 1 from mentors where user_id = $1 and deleted_at is null)",
        application.user_id,
        application.organization_id,
        application.experience_summary,
        &application.expertise_areas,
        application.years_experience,
        application.hourly_rate_minor,
        application.currency,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// See [`super::audit_entries`].
pub async fn audit_entries(tx: &mut Tx, _admin: &SignedIn, table: String, page: String) -> Result<AuditPage, AppError> {
    let AuditFilter { table, page } = AuditFilter::parse(&table, &page)?;
    let rows = sqlx::query!(
        r#"select a.id, a.created_at as "created_at: DateTime<Utc>", a.actor_role,
                  actor.first_name || ' ' || actor.last_name as "actor_name?", a.table_name, a.row_id,
                  a.action as "action: AuditAction", a.changed_fields, a.old_data, a.new_data,
                  case when a.table_name = 'users' then subject.first_name || ' ' || subject.last_name end as "subject?"
             from audit_log a
             left join users actor on actor.id = a.actor_user_id
             left join users subject on a.table_name = 'users' and subject.id = a.row_id
            where ($1::text is null or a.table_name = $1)
            order by a.created_at desc, a.id
            limit $2 offset $3"#,
        table.map(AuditedTable::as_str),
        AUDIT_PAGE_SIZE + 1,
        (page - 1) * AUDIT_PAGE_SIZE,
    )
    .fetch_all(&mut **tx)
    .await?;
    let has_more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    let entries = rows
        .into_iter()
        .take(AUDIT_PAGE_SIZE as usize)
        .map(|r| AuditEntry {
            id: r.id,
            when: r.created_at,
            changes: describe_changes(r.action, &r.changed_fields, r.old_data.as_ref(), r.new_data.as_ref()),
            actor: r.actor_name.map(|name| format!("{name} ({})", r.actor_role)).unwrap_or(r.actor_role),
            subject: r.subject.unwrap_or_else(|| {
                format!("{} {}", r.table_name.trim_end_matches('s').replace('_', " "), &r.row_id.to_string()[..8])
            }),
            table_name: r.table_name,
            action: r.action,
        })
        .collect();
    Ok(AuditPage { entries, page, has_more })
}

/// What an audit entry changed, one line per field: `role: student → mentor` for an update
/// (every changed field), `role: student` for an insert (its role and status only).
pub fn describe_changes(
    action: AuditAction,
    changed: &[String],
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
) -> Vec<String> {
    let value = |data: Option<&serde_json::Value>, field: &str| {
        data.and_then(|d| d.get(field)).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "none".to_string(),
            other => other.to_string(),
        })
    };
    match action {
        AuditAction::Update => changed
            .iter()
            .map(|field| {
                format!(
                    "{field}: {} → {}",
                    value(old, field).unwrap_or_default(),
                    value(new, field).unwrap_or_default()
                )
            })
            .collect(),
        AuditAction::Insert => {
            ["role", "status"].iter().filter_map(|field| value(new, field).map(|v| format!("{field}: {v}"))).collect()
        }
        AuditAction::Delete => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_changes_read_as_before_and_after() {
        let old = serde_json::json!({ "role": "student", "status": "active" });
        let new = serde_json::json!({ "role": "mentor", "status": "active", "deleted_at": null });
        let changed = vec!["role".to_string(), "deleted_at".to_string()];
        assert_eq!(
            describe_changes(AuditAction::Update, &changed, Some(&old), Some(&new)),
            vec!["role: student → mentor".to_string(), "deleted_at:  → none".to_string()]
        );
        assert_eq!(
            describe_changes(AuditAction::Insert, &[], None, Some(&new)),
            vec!["role: mentor".to_string(), "status: active".to_string()]
        );
        assert!(describe_changes(AuditAction::Delete, &changed, Some(&old), None).is_empty());
    }
}
