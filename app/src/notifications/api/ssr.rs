//! The bodies of notifications' server functions, each in the caller's transaction.

use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use crate::notifications::domain::{
    link_for, parse_preferences, Category, EmailPreview, EmailStatus, NotificationItem, NotificationPage, OutboxLine, OutboxPage,
    Preference, Unsubscribed, PAGE_SIZE,
};
use crate::notifications::links::{self, Purpose};
use crate::notifications::{mailer, templates};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Pages past this are refused rather than scanned.
const MAX_PAGE: u32 = 10_000;

fn offset(page: u32, size: i64) -> Result<(u32, i64), AppError> {
    let page = page.max(1);
    if page > MAX_PAGE {
        return Err(AppError::NotFound("that page".into()));
    }
    Ok((page, i64::from(page - 1) * size))
}

pub async fn page(tx: &mut Tx, user: &SignedIn, page: u32) -> Result<NotificationPage, AppError> {
    let (page, skip) = offset(page, PAGE_SIZE)?;
    let rows = sqlx::query!(
        r#"select id, category as "category: Category", title, body, payload, status::text = 'unread' as "unread!",
                  created_at as "created_at: DateTime<Utc>"
             from notifications
            where user_id = $1 and deleted_at is null and status <> 'archived'
            order by created_at desc, id desc
            limit $2 offset $3"#,
        user.user_id,
        PAGE_SIZE + 1,
        skip
    )
    .fetch_all(&mut **tx)
    .await?;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let items = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|row| NotificationItem {
            id: row.id,
            link: link_for(row.category, &row.payload),
            category: row.category,
            title: row.title,
            body: row.body,
            unread: row.unread,
            created_at: row.created_at,
        })
        .collect();
    Ok(NotificationPage { items, page, has_more, unread: unread_of(tx, user.user_id).await? })
}

/// A person's unread count (the badge's number); also what the live stream sends.
pub async fn unread_of(tx: &mut Tx, user: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from notifications where user_id = $1 and status = 'unread' and deleted_at is null"#,
        user
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn unread(tx: &mut Tx, user: Option<&SignedIn>) -> Result<i64, AppError> {
    match user {
        Some(user) => Ok(unread_of(tx, user.user_id).await?),
        None => Ok(0),
    }
}

/// Marks one notification (or, with `None`, all of them) read; someone else's is not found.
pub async fn mark_read(tx: &mut Tx, user: &SignedIn, id: Option<Uuid>) -> Result<(), AppError> {
    let marked = sqlx::query!(
        "update notifications set status = 'read', read_at = now()
          where user_id = $1 and status = 'unread' and deleted_at is null and ($2::uuid is null or id = $2)",
        user.user_id,
        id
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if let (Some(id), 0) = (id, marked) {
        let exists = sqlx::query_scalar!("select exists (select 1 from notifications where id = $1 and user_id = $2 and deleted_at is null) as \"exists!\"", id, user.user_id)
            .fetch_one(&mut **tx)
            .await?;
        if !exists {
            return Err(AppError::NotFound("that notification".into()));
        }
    }
    Ok(())
}

pub async fn preferences(tx: &mut Tx, user: &SignedIn) -> Result<Vec<Preference>, AppError> {
    let saved = sqlx::query!(
        r#"select category as "category: Category", in_app, email from notification_preferences where user_id = $1"#,
        user.user_id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Category::CHOOSABLE
        .iter()
        .map(|category| match saved.iter().find(|row| row.category == *category) {
            Some(row) => Preference { category: *category, in_app: row.in_app, email: row.email },
            None => Preference { category: *category, in_app: true, email: true },
        })
        .collect())
}

pub async fn save_preferences(tx: &mut Tx, user: &SignedIn, checked: Vec<String>) -> Result<(), AppError> {
    let preferences = parse_preferences(&checked).map_err(AppError::invalid)?;
    for preference in preferences {
        sqlx::query!(
            "insert into notification_preferences (user_id, organization_id, category, in_app, email) values ($1, $2, $3, $4, $5)
             on conflict (user_id, category) do update set in_app = excluded.in_app, email = excluded.email",
            user.user_id,
            user.org_id,
            preference.category as Category,
            preference.in_app,
            preference.email
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The one message an unsubscribe token names, if its signature holds.
pub fn unsubscribe_token_message(token: &str) -> Result<Uuid, AppError> {
    let invalid = || AppError::invalid("This unsubscribe link isn't valid. Open it from the email again, or choose what you get in your account's notification settings.");
    let payload = links::key()?.open(Purpose::Unsubscribe, token).ok_or_else(invalid)?;
    payload.parse().map_err(|_| invalid())
}

pub async fn unsubscribe(tx: &mut Tx, token: String) -> Result<Unsubscribed, AppError> {
    let message = unsubscribe_token_message(&token)?;
    let outcome = sqlx::query!(
        r#"select category as "category!: Category", first_use as "first_use!" from unsubscribe_from_message($1)"#,
        message
    )
    .fetch_optional(&mut **tx)
    .await?;
    match outcome {
        Some(row) if row.first_use => {
            tracing::info!(%message, category = row.category.key(), "unsubscribed by link");
            Ok(Unsubscribed::Now(row.category))
        }
        Some(row) => Ok(Unsubscribed::Already(row.category)),
        None => Err(AppError::NotFound("the email this link came from".into())),
    }
}

/// How many messages the outbox page lists at once.
const OUTBOX_PAGE: i64 = 50;

pub async fn outbox(tx: &mut Tx, _user: &SignedIn, page: u32) -> Result<OutboxPage, AppError> {
    let (page, skip) = offset(page, OUTBOX_PAGE)?;
    let rows = sqlx::query!(
        r#"select o.id, o.to_address::text as "to!", o.category as "category: Category", o.status as "status: EmailStatus",
                  o.attempts, o.last_error, o.created_at as "created_at: DateTime<Utc>", o.sent_at as "sent_at: DateTime<Utc>",
                  o.template, n.title as "title?"
             from email_outbox o left join notifications n on n.id = o.notification_id
            order by o.created_at desc, o.id desc
            limit $1 offset $2"#,
        OUTBOX_PAGE + 1,
        skip
    )
    .fetch_all(&mut **tx)
    .await?;
    let has_more = rows.len() as i64 > OUTBOX_PAGE;
    let lines = rows
        .into_iter()
        .take(OUTBOX_PAGE as usize)
        .map(|row| OutboxLine {
            id: row.id,
            to: row.to,
            subject: templates::subject_line(&row.template, row.title.as_deref()),
            category: row.category,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        })
        .collect();
    Ok(OutboxPage { lines, page, has_more, keeping: mailer::settings().keeping })
}

pub async fn outbox_message(tx: &mut Tx, _user: &SignedIn, id: Uuid) -> Result<EmailPreview, AppError> {
    let row = templates::OutboxRow::load(tx, id).await?.ok_or_else(|| AppError::NotFound("that message".into()))?;
    let settings = mailer::settings();
    let email = templates::render(tx, &row, &settings.site_url).await?;
    Ok(EmailPreview {
        id: row.id,
        to: row.to_address.clone(),
        from: settings.from.clone(),
        subject: email.subject,
        text: email.text,
        html: email.html,
        attachment: email.attachment.map(|(name, _)| name),
        unsubscribe: email.unsubscribe,
        status: row.status,
        created_at: row.created_at,
        sent_at: row.sent_at,
        last_error: row.last_error,
    })
}

/// `POST /email/unsubscribe/<token>`: the one-click unsubscribe of RFC 8058, sent by a mail
/// client (body `List-Unsubscribe=One-Click`, no cookie, from no page of ours: the signed token
/// is the permission, so the route is exempt from the same-origin check).
pub async fn one_click_unsubscribe(
    axum::extract::State(pool): axum::extract::State<sqlx::PgPool>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let result = async {
        let mut tx = crate::db::tx(&pool, &crate::db::RequestContext::anonymous()).await?;
        let outcome = unsubscribe(&mut tx, token).await?;
        tx.commit().await?;
        Ok::<_, AppError>(outcome)
    }
    .await;
    match result {
        Ok(Unsubscribed::Now(category) | Unsubscribed::Already(category)) => {
            (StatusCode::OK, format!("Unsubscribed: no more emails about {}.", category.label().to_lowercase())).into_response()
        }
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}

/// `GET /admin/outbox/<id>/html`: a message's HTML part, for the outbox page's sandboxed frame,
/// with a policy of its own: inline styles (as mail clients allow), no script, nothing loaded
/// but images, framed only by this site.
pub async fn email_html(
    session: tower_sessions::Session,
    axum::extract::State(pool): axum::extract::State<sqlx::PgPool>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let result = async {
        let user = crate::db::caller::resolve(&session, &pool).await?.ok_or(AppError::Unauthenticated)?;
        if !user.role.is_admin() {
            return Err(AppError::Forbidden);
        }
        let id: Uuid = id.parse().map_err(|_| AppError::NotFound("that message".into()))?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let preview = outbox_message(&mut tx, &user, id).await?;
        tx.commit().await?;
        Ok::<_, AppError>(preview.html)
    }
    .await;
    match result {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
                ),
                (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response(),
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}
