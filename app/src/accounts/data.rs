//! "Your data": download everything Waypoint holds about you, or delete your account.

use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta, TextField};
use leptos::prelude::*;

/// The words someone types to confirm deleting their account.
pub const DELETE_CONFIRMATION: &str = "delete my account";

/// Deletes (scrubs) the signed-in account after checking its password and the typed
/// confirmation, and ends every session.
#[server(endpoint = "delete_account")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn delete_account(password: String, confirmation: String) -> Result<(), AppError> {
    crate::db::run(ssr::delete_account(password, confirmation)).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::DELETE_CONFIRMATION;
    use crate::accounts::api::ssr::reconfirm_password;
    use crate::accounts::{password as hashing, session};
    use crate::db::{self, caller, Tx};
    use crate::error::AppError;
    use axum::extract::State;
    use axum::http::{header, StatusCode};
    use axum::response::{IntoResponse, Response};
    use sqlx::PgPool;
    use uuid::Uuid;

    pub async fn delete_account(password: String, confirmation: String) -> Result<(), AppError> {
        let user = caller::require_user().await?;
        if confirmation.trim().to_lowercase() != DELETE_CONFIRMATION {
            return Err(AppError::invalid(format!("Type \u{201c}{DELETE_CONFIRMATION}\u{201d} to confirm.")));
        }
        reconfirm_password(&user, password, "That password isn't right, so nothing was deleted.").await?;
        // The hash of a random secret nobody knows: the account can never be signed in to again.
        let unusable_hash = hashing::hash_blocking(Uuid::new_v4().to_string()).await?;
        let user_id = user.user_id;
        db::with_tx(user.ctx(), |tx| Box::pin(scrub(tx, user_id, unusable_hash))).await?;
        session::end(&caller::session().await?).await?;
        tracing::info!(%user_id, "account deleted and scrubbed");
        leptos_axum::redirect("/?account=deleted");
        Ok(())
    }

    /// Soft-deletes the account and blanks every personal field; bookings and payments stay (the
    /// other party and the accounts need them) but point at a scrubbed account. Every session ends
    /// because the generation moves on.
    pub async fn scrub(tx: &mut Tx, user_id: Uuid, unusable_hash: String) -> Result<(), AppError> {
        sqlx::query!(
            "update user_profiles set headline = null, bio = null, location = null, education_level = null, \
                    current_status = null, interests = '{}', target_roles = '{}', links = '[]', preferences = '{}', \
                    deleted_at = coalesce(deleted_at, now()) \
              where user_id = $1",
            user_id,
        )
        .execute(&mut **tx)
        .await?;
        // An open application leaves the review queue (it could otherwise still be approved,
        // making the deleted account a mentor), and every application's free text goes.
        sqlx::query!("select erase_own_mentor_applications()").fetch_one(&mut **tx).await?;
        sqlx::query!(
            "update mentors set bio = '', status = 'retired', deleted_at = coalesce(deleted_at, now()) where user_id = $1",
            user_id,
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "update notifications set title = 'Deleted', body = '', payload = '{}', deleted_at = coalesce(deleted_at, now()) \
              where user_id = $1",
            user_id,
        )
        .execute(&mut **tx)
        .await?;
        sqlx::query!(
            "update users set email = 'deleted-' || id || '@deleted.invalid', \
                    username = 'deleted-' || substr(replace(id::text, '-', ''), 1, 24), \
                    first_name = 'Deleted', last_name = 'account', password_hash = $2, metadata = '{}', \
                    status = 'deactivated', session_generation = session_generation + 1, deleted_at = now() \
              where id = $1 and deleted_at is null",
            user_id,
            unusable_hash,
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Every row about the user, by table, as JSON. Runs under the user's own row-level security
    /// context, so it can only ever return what they may read. Each section is one jsonb array;
    /// columns that are derived (search vectors) or encrypted are left out.
    pub async fn export(tx: &mut Tx, user_id: Uuid) -> Result<serde_json::Value, AppError> {
        let account = sqlx::query_scalar!(
            r#"select jsonb_build_object('id', u.id, 'email', u.email, 'username', u.username, 'first_name', u.first_name,
                    'last_name', u.last_name, 'role', u.role, 'status', u.status, 'organization', o.name,
                    'email_verified_at', u.email_verified_at, 'last_login_at', u.last_login_at, 'metadata', u.metadata,
                    'created_at', u.created_at, 'updated_at', u.updated_at) as "account!"
               from users u join organizations o on o.id = u.organization_id where u.id = $1"#,
            user_id,
        )
        .fetch_one(&mut **tx)
        .await?;
        let mut document = serde_json::Map::new();
        document.insert("format".into(), "waypoint-export/1".into());
        document.insert("exported_at".into(), chrono::Utc::now().to_rfc3339().into());
        document.insert("account".into(), account);
        // One compile-time checked query per section (the same shape, so written once here).
        macro_rules! section {
            ($key:literal, $sql:literal) => {
                let rows = sqlx::query_scalar!($sql, user_id).fetch_one(&mut **tx).await?;
                document.insert($key.into(), rows);
            };
        }
        section!("profile", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from user_profiles t where user_id = $1"#);
        section!("mentor_listing", r#"select coalesce(jsonb_agg(to_jsonb(t) - 'search'), '[]') as "rows!" from mentors t where user_id = $1"#);
        section!("mentor_applications", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from mentor_applications t where user_id = $1"#);
        section!("assessment_results", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from assessment_results t where user_id = $1"#);
        section!("bookings", r#"select coalesce(jsonb_agg(to_jsonb(t) - 'notes_ciphertext' - 'during'), '[]') as "rows!" from bookings t where student_id = $1"#);
        section!("payments", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from payments t where user_id = $1"#);
        section!("subscriptions", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from subscriptions t where user_id = $1"#);
        section!("roadmaps", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from career_roadmaps t where user_id = $1"#);
        section!("roadmap_steps", r#"select coalesce(jsonb_agg(to_jsonb(s)), '[]') as "rows!" from roadmap_steps s join career_roadmaps r on r.id = s.roadmap_id where r.user_id = $1"#);
        section!("roadmap_comments", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from roadmap_comments t where t.author_id = $1 or t.roadmap_id in (select id from career_roadmaps where user_id = $1)"#);
        section!("roadmap_suggestions", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from roadmap_suggestions t where t.author_id = $1 or t.roadmap_id in (select id from career_roadmaps where user_id = $1)"#);
        section!("progress", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from user_progress t where user_id = $1"#);
        section!("notifications", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from notifications t where user_id = $1"#);
        section!("notification_preferences", r#"select coalesce(jsonb_agg(to_jsonb(t)), '[]') as "rows!" from notification_preferences t where user_id = $1"#);
        Ok(serde_json::Value::Object(document))
    }

    /// `GET /account/export.json`: the signed-in user's data as a download.
    pub async fn export_handler(session: tower_sessions::Session, State(pool): State<PgPool>) -> Response {
        let result: Result<serde_json::Value, AppError> = async {
            let user = caller::resolve(&session, &pool).await?.ok_or(AppError::Unauthenticated)?;
            // A plain axum route (a file download), outside Leptos, so there is no context for
            // `db::with_tx`: the transaction is opened and committed here.
            let mut tx = db::tx(&pool, &user.ctx()).await?;
            let document = export(&mut tx, user.user_id).await?;
            tx.commit().await?;
            Ok(document)
        }
        .await;
        match result {
            Ok(document) => (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"waypoint-data.json\""),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                serde_json::to_string_pretty(&document).unwrap_or_default(),
            )
                .into_response(),
            Err(AppError::Unauthenticated) => {
                (StatusCode::SEE_OTHER, [(header::LOCATION, "/sign-in?next=/account/data")]).into_response()
            }
            Err(error) => (error.status(), error.to_string()).into_response(),
        }
    }
}

/// `/account/data`
#[component]
pub fn DataPage() -> impl IntoView {
    let delete = ServerAction::<DeleteAccount>::new();
    view! {
        <PageMeta title="Your data" description="Download everything Waypoint holds about you, or delete your account." path="/account/data"/>
        <super::account_nav::AccountSection class="page narrow" heading=Some("Your data")>
                <h2>"Download your data"</h2>
                <p>"One JSON file with your account, profile, assessment results, bookings, payments, roadmaps, progress and notifications."</p>
                <p><a class="button" href="/account/export.json" download="waypoint-data.json" rel="external">"Download my data (JSON)"</a></p>
                <h2>"Delete your account"</h2>
                <p>"Your profile and personal details are erased and you are signed out everywhere. Records of paid sessions stay, without your name, because the mentor and our accounts need them. This can't be undone."</p>
                <ActionForm action=delete attr:class="form" attr:novalidate="">
                    <TextField label="Your password" name="password" kind="password" autocomplete="current-password" required=true/>
                    <TextField label="Type \u{201c}delete my account\u{201d} to confirm" name="confirmation" required=true/>
                    <ActionOutcome value=move || delete.value().get()/>
                    <button type="submit" class="button button--danger" disabled=move || delete.pending().get()>"Delete my account"</button>
                </ActionForm>
        </super::account_nav::AccountSection>
    }
}
