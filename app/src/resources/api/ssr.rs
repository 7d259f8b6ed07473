//! The bodies of the resource library's server functions, each in the caller's transaction
//! (row-level security decides what the caller may read and write).

use super::EditableResource;
use crate::db::{SignedIn, Tx};
use crate::domain::{FieldErrors, Role};
use crate::error::AppError;
use crate::resources::domain::{
    snippet_parts, CareerLink, Difficulty, ManagedResource, ProgressStatus, ReadingItem, ResourceCard, ResourceDraft,
    ResourceForm, ResourceLookup, ResourceStatus, ResourceType, ResourceView, SearchQuery, SearchResults, Source, PAGE_SIZE,
};
use crate::resources::markdown;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The search: matches ranked by `ts_rank_cd` over the weighted vector (title above summary and
/// tags above content), the snippet (`ts_headline`) computed only for the page shown, over the
/// plain text with the private-use highlight marks removed first.
pub async fn search(tx: &mut Tx, query: SearchQuery) -> Result<SearchResults, AppError> {
    let offset = i64::from(query.page - 1) * PAGE_SIZE;
    let rows = sqlx::query!(
        r#"with q as (select case when btrim($1) = '' then null else websearch_to_tsquery('english', $1) end as query),
           page as (
               select r.id, r.slug::text as slug, r.title, r.description, r.resource_type, r.difficulty, r.duration_minutes,
                      r.tags, r.content_text, r.organization_id is not null as organization_only, r.published_at,
                      case when q.query is null then 0 else ts_rank_cd(r.search, q.query, 32) end as rank,
                      count(*) over () as total
                 from resources r cross join q
                where r.status = 'published' and r.deleted_at is null
                  and (q.query is null or r.search @@ q.query)
                  and ($2::resource_type is null or r.resource_type = $2)
                  and ($3::text is null or r.tags @> array[$3::text])
                  and ($4::resource_difficulty is null or r.difficulty = $4)
                  and ($5::text is null or r.career_codes @> array[$5::text])
                order by rank desc, r.published_at desc nulls last, r.title, r.id
                limit $6 offset $7)
           select p.slug as "slug!", p.title as "title!", p.description as "description!",
                  p.resource_type as "kind!: ResourceType", p.difficulty as "difficulty!: Difficulty",
                  p.duration_minutes as "minutes", p.tags as "tags!", p.organization_only as "organization_only!",
                  p.total as "total!",
                  case when q.query is null then '' else
                       ts_headline('english', translate(p.content_text, chr(57344) || chr(57345), ''), q.query,
                                   'StartSel=' || chr(57344) || ', StopSel=' || chr(57345)
                                   || ', MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=" … "')
                  end as "headline!"
             from page p cross join q
            order by p.rank desc, p.published_at desc nulls last, p.title, p.id"#,
        query.text,
        query.kind as Option<ResourceType>,
        query.tag,
        query.difficulty as Option<Difficulty>,
        query.career.as_ref().map(|code| code.as_str().to_string()),
        PAGE_SIZE,
        offset
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map(|row| row.total).unwrap_or(0);
    let results: Vec<ResourceCard> = rows
        .into_iter()
        .map(|row| ResourceCard {
            slug: row.slug,
            title: row.title,
            description: row.description,
            kind: row.kind,
            difficulty: row.difficulty,
            minutes: row.minutes,
            tags: row.tags,
            snippet: snippet_parts(&row.headline),
            organization_only: row.organization_only,
        })
        .collect();
    let suggestion = if total == 0 && !query.text.trim().is_empty() { suggest(tx, &query.text).await? } else { None };
    let tags = sqlx::query_scalar!(
        r#"select t as "tag!" from resources r cross join unnest(r.tags) t
            where r.status = 'published' and r.deleted_at is null
            group by t order by count(*) desc, t limit 40"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let pages = u32::try_from((total + PAGE_SIZE - 1) / PAGE_SIZE).unwrap_or(u32::MAX).max(1);
    Ok(SearchResults { results, total, page: query.page, pages, suggestion, tags })
}

/// "Did you mean": each word of the query the library doesn't use, replaced by the library's
/// nearest word by trigram similarity (above 0.3); `None` when nothing would change.
async fn suggest(tx: &mut Tx, text: &str) -> Result<Option<String>, AppError> {
    let mut suggestion = String::with_capacity(text.len());
    let mut changed = false;
    let mut word = String::new();
    // Walk the text, replacing runs of letters and keeping everything else (quotes, "-", spaces).
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_alphabetic() {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            let lower = word.to_lowercase();
            let replacement = if lower.len() < 3 || lower == "or" {
                None
            } else {
                sqlx::query_scalar!(
                    r#"select w.word as "word!" from resource_words w
                        where not exists (select 1 from resource_words k where k.word = $1)
                          and w.word % $1 and similarity(w.word, $1) > 0.3
                        order by similarity(w.word, $1) desc, w.documents desc, w.word limit 1"#,
                    lower
                )
                .fetch_optional(&mut **tx)
                .await?
            };
            match replacement {
                Some(better) if better != lower => {
                    changed = true;
                    suggestion.push_str(&better);
                }
                _ => suggestion.push_str(&word),
            }
            word.clear();
        }
        suggestion.push(ch);
    }
    let suggestion = suggestion.trim_end().to_string();
    Ok(changed.then_some(suggestion))
}

/// Whether `user` may edit a resource of `organization` written by `author`.
fn may_edit(user: &SignedIn, organization: Option<Uuid>, author: Option<Uuid>) -> bool {
    match user.role {
        Role::Admin => true,
        Role::OrgAdmin => organization == Some(user.org_id),
        Role::Mentor => organization == Some(user.org_id) && author == Some(user.user_id),
        Role::Student => false,
    }
}

pub async fn lookup(tx: &mut Tx, user: Option<&SignedIn>, slug: String) -> Result<ResourceLookup, AppError> {
    let not_found = || AppError::NotFound("that resource".into());
    let slug = slug.trim().to_lowercase();
    if slug.is_empty() || slug.len() > 120 {
        return Err(not_found());
    }
    let row = sqlx::query!(
        r#"select r.id, r.slug::text as "slug!", r.title, r.description, r.resource_type as "kind: ResourceType",
                  r.difficulty as "difficulty: Difficulty", r.status as "status: ResourceStatus", r.duration_minutes,
                  r.tags, r.content_html, r.url, r.sources, r.career_codes, r.organization_id, r.author_id,
                  r.published_at as "published_at: DateTime<Utc>", r.updated_at as "updated_at: DateTime<Utc>"
             from resources r
            where r.slug = $1 and r.deleted_at is null
            order by r.organization_id nulls last limit 1"#,
        slug
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        let moved = sqlx::query_scalar!(
            r#"select r.slug::text as "slug!" from resource_redirects d join resources r on r.id = d.resource_id
                where d.old_slug = $1 and r.deleted_at is null
                order by d.organization_id nulls last limit 1"#,
            slug
        )
        .fetch_optional(&mut **tx)
        .await?;
        return moved.map(ResourceLookup::Moved).ok_or_else(not_found);
    };
    let careers = sqlx::query_as!(
        CareerLink,
        r#"select code as "code!", title as "title!" from careers where code = any($1) order by title"#,
        &row.career_codes
    )
    .fetch_all(&mut **tx)
    .await?;
    let progress = match user {
        Some(user) => sqlx::query_scalar!(
            r#"select status as "status: ProgressStatus" from user_progress
                where user_id = $1 and resource_id = $2 and roadmap_step_id is null and deleted_at is null"#,
            user.user_id,
            row.id
        )
        .fetch_optional(&mut **tx)
        .await?
        .or(Some(ProgressStatus::NotStarted)),
        None => None,
    };
    let sources: Vec<Source> = crate::db::stored_json(row.sources, "resource sources", row.id)?;
    Ok(ResourceLookup::Found(Box::new(ResourceView {
        id: row.id,
        slug: row.slug,
        title: row.title,
        description: row.description,
        kind: row.kind,
        difficulty: row.difficulty,
        status: row.status,
        minutes: row.duration_minutes,
        tags: row.tags,
        content_html: row.content_html,
        url: row.url,
        sources,
        careers,
        organization_only: row.organization_id.is_some(),
        published_at: row.published_at,
        updated_at: row.updated_at,
        progress,
        editable: user.is_some_and(|user| may_edit(user, row.organization_id, row.author_id)),
    })))
}

pub async fn set_progress(tx: &mut Tx, user: &SignedIn, id: Uuid, status: String) -> Result<(), AppError> {
    let status = ProgressStatus::from_key(&status).ok_or_else(|| AppError::invalid("Choose not started, in progress or completed."))?;
    let readable = sqlx::query_scalar!(
        r#"select exists (select 1 from resources where id = $1 and status = 'published' and deleted_at is null) as "readable!""#,
        id
    )
    .fetch_one(&mut **tx)
    .await?;
    if !readable {
        return Err(AppError::NotFound("that resource".into()));
    }
    sqlx::query!(
        r#"insert into user_progress (user_id, organization_id, resource_id, status, progress_percent, started_at, completed_at, last_activity_at)
           values ($1, $2, $3, $4::progress_status, case when $4::progress_status = 'completed' then 100 else 0 end,
                   case when $4::progress_status <> 'not_started' then now() end,
                   case when $4::progress_status = 'completed' then now() end, now())
           on conflict (user_id, resource_id) where resource_id is not null and roadmap_step_id is null and deleted_at is null
           do update set status = excluded.status, progress_percent = excluded.progress_percent,
                         started_at = case when excluded.status = 'not_started' then null
                                           else coalesce(user_progress.started_at, now()) end,
                         completed_at = case when excluded.status = 'completed' then coalesce(user_progress.completed_at, now()) end,
                         last_activity_at = now()"#,
        user.user_id,
        user.org_id,
        id,
        status as ProgressStatus
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn reading(tx: &mut Tx, user: &SignedIn) -> Result<Vec<ReadingItem>, AppError> {
    Ok(sqlx::query_as!(
        ReadingItem,
        r#"select r.slug::text as "slug!", r.title, r.resource_type as "kind: ResourceType", p.status as "status: ProgressStatus",
                  p.updated_at as "updated_at: DateTime<Utc>"
             from user_progress p join resources r on r.id = p.resource_id
            where p.user_id = $1 and p.roadmap_step_id is null and p.deleted_at is null and p.status <> 'not_started'
              and r.deleted_at is null
            order by p.status = 'completed', p.updated_at desc
            limit 100"#,
        user.user_id
    )
    .fetch_all(&mut **tx)
    .await?)
}

fn require_author(user: &SignedIn) -> Result<(), AppError> {
    if user.role == Role::Student {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

pub async fn manageable(tx: &mut Tx, user: &SignedIn) -> Result<Vec<ManagedResource>, AppError> {
    require_author(user)?;
    Ok(sqlx::query_as!(
        ManagedResource,
        r#"select id, slug::text as "slug!", title, resource_type as "kind: ResourceType", status as "status: ResourceStatus",
                  organization_id is not null as "organization_only!", updated_at as "updated_at: DateTime<Utc>"
             from resources
            where deleted_at is null
              and ($1 = 'admin' or ($1 = 'org_admin' and organization_id = $2) or (organization_id = $2 and author_id = $3))
            order by updated_at desc, title
            limit 500"#,
        user.role.as_str(),
        user.org_id,
        user.user_id
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn for_editing(tx: &mut Tx, user: &SignedIn, id: Option<Uuid>) -> Result<EditableResource, AppError> {
    require_author(user)?;
    let may_share = user.role == Role::Admin;
    let Some(id) = id else {
        let form = ResourceForm { kind: "guide".into(), difficulty: "beginner".into(), status: "draft".into(), ..ResourceForm::default() };
        return Ok(EditableResource { id: None, form, shared: may_share, may_share, slug: None });
    };
    let row = sqlx::query!(
        r#"select slug::text as "slug!", title, description, resource_type::text as "kind!", difficulty::text as "difficulty!",
                  status::text as "status!", duration_minutes, tags, career_codes, url, sources, content, organization_id, author_id
             from resources where id = $1 and deleted_at is null"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .filter(|row| may_edit(user, row.organization_id, row.author_id))
    .ok_or_else(|| AppError::NotFound("that resource".into()))?;
    let sources: Vec<Source> = crate::db::stored_json(row.sources, "resource sources", id)?;
    let form = ResourceForm {
        title: row.title,
        slug: row.slug.clone(),
        description: row.description,
        kind: row.kind,
        difficulty: row.difficulty,
        status: row.status,
        minutes: row.duration_minutes.map(|minutes| minutes.to_string()).unwrap_or_default(),
        tags: row.tags.join(", "),
        careers: row.career_codes.join(", "),
        url: row.url.unwrap_or_default(),
        sources: sources.iter().map(|source| format!("{} | {}", source.title, source.url)).collect::<Vec<_>>().join("\n"),
        content: row.content,
    };
    Ok(EditableResource { id: Some(id), form, shared: row.organization_id.is_none(), may_share, slug: Some(row.slug) })
}

/// A database refusal of a saved resource as the field it concerns.
fn refusal(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        let mut errors = FieldErrors::new();
        match db.constraint() {
            Some("resources_slug_key") => errors.add("slug", "Another resource already has this address; choose another."),
            Some("resources_career_codes_known") => errors.add("careers", format!("{}: check the codes on the careers pages.", db.message())),
            _ => return error.into(),
        }
        return errors.into();
    }
    error.into()
}

pub async fn save(tx: &mut Tx, user: &SignedIn, id: Option<Uuid>, form: ResourceForm, shared: bool) -> Result<Uuid, AppError> {
    require_author(user)?;
    let draft = ResourceDraft::parse(&form)?;
    let html = markdown::to_html(&draft.content);
    let text = markdown::to_text(&draft.content);
    let organization = if shared && user.role == Role::Admin { None } else { Some(user.org_id) };
    let sources = serde_json::to_value(&draft.sources).map_err(|_| AppError::Internal)?;
    let careers: Vec<String> = draft.careers.iter().map(|code| code.as_str().to_string()).collect();
    let saved = match id {
        None => sqlx::query_scalar!(
            "insert into resources (organization_id, author_id, slug, title, description, content, content_html, content_text,
                                    resource_type, difficulty, status, url, tags, duration_minutes, career_codes, sources, edited_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now()) returning id",
            organization,
            user.user_id,
            draft.slug.0,
            draft.title,
            draft.description,
            draft.content,
            html,
            text,
            draft.kind as ResourceType,
            draft.difficulty as Difficulty,
            draft.status as ResourceStatus,
            draft.url,
            &draft.tags,
            draft.minutes,
            &careers,
            sources
        )
        .fetch_one(&mut **tx)
        .await
        .map_err(refusal)?,
        Some(id) => {
            let current = sqlx::query!("select organization_id, author_id from resources where id = $1 and deleted_at is null for update", id)
                .fetch_optional(&mut **tx)
                .await?
                .filter(|row| may_edit(user, row.organization_id, row.author_id))
                .ok_or_else(|| AppError::NotFound("that resource".into()))?;
            // Only a platform administrator moves a resource between the shared library and an organization.
            let organization = if user.role == Role::Admin { organization } else { current.organization_id };
            sqlx::query_scalar!(
                "update resources set organization_id = $2, slug = $3, title = $4, description = $5, content = $6, content_html = $7,
                        content_text = $8, resource_type = $9, difficulty = $10, status = $11, url = $12, tags = $13,
                        duration_minutes = $14, career_codes = $15, sources = $16, edited_at = now()
                  where id = $1 returning id",
                id,
                organization,
                draft.slug.0,
                draft.title,
                draft.description,
                draft.content,
                html,
                text,
                draft.kind as ResourceType,
                draft.difficulty as Difficulty,
                draft.status as ResourceStatus,
                draft.url,
                &draft.tags,
                draft.minutes,
                &careers,
                sources
            )
            .fetch_optional(&mut **tx)
            .await
            .map_err(refusal)?
            .ok_or(AppError::Forbidden)?
        }
    };
    tracing::info!(resource = %saved, slug = %draft.slug.0, status = draft.status.key(), "resource saved");
    Ok(saved)
}

pub async fn preview(user: &SignedIn, content: String) -> Result<String, AppError> {
    require_author(user)?;
    if content.chars().count() > 100_000 {
        return Err(AppError::invalid("The content is longer than 100,000 characters."));
    }
    Ok(markdown::to_html(&content))
}
