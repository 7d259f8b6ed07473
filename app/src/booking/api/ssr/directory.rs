//! The directory (`/mentors`) and a mentor's page: full-text search over the listings the viewer
//! may see (public ones, and their own organization's), filters, "mentors in careers that fit
//! you", and a listing's free times.

use super::super::{BookAbility, Directory, MentorProfile};
use super::{availability, listing_by_handle, slot_days, step_minutes, taken, viewer_zone};
use crate::assessments::domain::InterestScores;
use crate::booking::domain::{MentorCard, ReviewView, SessionType, Visibility};
use crate::booking::listing::{DirectoryQuery, DirectorySearch, DIRECTORY_PAGE_SIZE};
use crate::db::{SignedIn, Tx};
use crate::domain::{Currency, Money, Parse};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Money as stored: a currency the domain doesn't know is damaged data, not the user's fault.
pub fn stored_money(minor: i64, code: &str) -> Result<Money, AppError> {
    let currency = Currency::parse(code.trim()).map_err(|_| {
        tracing::error!(code, "stored currency is not one we know");
        AppError::Internal
    })?;
    Ok(Money { minor, currency })
}

/// How many ranked candidates the "free time in the next 7 days" filter looks at: computing
/// each listing's slots is the expensive part, so it looks at the best-ranked ones only.
const FREE_WEEK_CANDIDATES: i64 = 400;

/// See [`super::super::search_mentors`]. `scores` are the viewer's Interest Profiler scores.
pub async fn search(tx: &mut Tx, caller: Option<&SignedIn>, query: DirectoryQuery, scores: Option<InterestScores>) -> Result<Directory, AppError> {
    let search = query.parse()?;
    let now = Utc::now();
    let (ids, total) = if search.free_within_week {
        let (candidates, _) = ranked_ids(tx, &search, FREE_WEEK_CANDIDATES, 0).await?;
        let mut free = Vec::new();
        for id in candidates {
            if has_free_time(tx, id, now, Duration::days(7)).await? {
                free.push(id);
            }
        }
        let total = free.len() as i64;
        let start = ((search.page - 1) * DIRECTORY_PAGE_SIZE) as usize;
        (free.into_iter().skip(start).take(DIRECTORY_PAGE_SIZE as usize).collect(), total)
    } else {
        ranked_ids(tx, &search, i64::from(DIRECTORY_PAGE_SIZE), i64::from((search.page - 1) * DIRECTORY_PAGE_SIZE)).await?
    };
    let results = cards(tx, &ids).await?;
    let (fits_you, fits_reason) = if search.page == 1 { fitting(tx, caller, scores).await? } else { (Vec::new(), None) };
    let (expertise_choices, language_choices) = choices(tx, caller.map(|c| c.org_id)).await?;
    let pages = ((total.max(1) - 1) / i64::from(DIRECTORY_PAGE_SIZE) + 1) as u32;
    Ok(Directory { fits_you, fits_reason, results, total, page: search.page, pages, expertise_choices, language_choices })
}

/// The ids of one page of matching listings, best first, and how many match in all.
pub async fn ranked_ids(tx: &mut Tx, search: &DirectorySearch, limit: i64, offset: i64) -> Result<(Vec<Uuid>, i64), AppError> {
    let rows = sqlx::query!(
        r#"with q as (select case when $1 = '' then null else websearch_to_tsquery('english', $1) end as query)
           select m.id, count(*) over () as "total!"
             from mentors m, q
            where m.status = 'active' and m.deleted_at is null
              and (q.query is null or m.search @@ q.query)
              and ($2::text is null or m.expertise_areas @> array[$2::text])
              and ($3::text is null or m.languages @> array[$3::text])
              and (($4::bigint is null and $5::bigint is null)
                   or m.id in (select mentors_priced_between($4::bigint, $5::bigint)))
              and ($6::float8 is null or m.rating_average >= $6::float8)
            order by case when q.query is null then 0 else ts_rank_cd(m.search, q.query) end desc,
                     m.rating_average desc nulls last, m.rating_count desc, m.display_name, m.id
            limit $7 offset $8"#,
        search.text,
        search.expertise,
        search.language,
        search.min_price_minor,
        search.max_price_minor,
        search.min_rating,
        limit,
        offset
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    Ok((rows.into_iter().map(|row| row.id).collect(), total))
}

/// Whether a listing has a free time of its shortest session type within `within`.
async fn has_free_time(tx: &mut Tx, mentor: Uuid, now: DateTime<Utc>, within: Duration) -> Result<bool, AppError> {
    let shortest = sqlx::query_scalar!(
        "select min(duration_minutes) from mentor_session_types where mentor_id = $1 and active and deleted_at is null",
        mentor
    )
    .fetch_one(&mut **tx)
    .await?;
    let Some(length) = shortest.and_then(|l| u32::try_from(l).ok()) else { return Ok(false) };
    let listing = super::listing_by_id(tx, mentor).await?;
    let rules = availability(tx, &listing, now).await?;
    let taken = taken(tx, mentor, now, now + within, None).await?;
    Ok(!rules.free_slots(length, step_minutes(length), now, now, now + within, &taken).is_empty())
}

/// The directory cards of `ids`, in that order.
pub async fn cards(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<MentorCard>, AppError> {
    let rows = sqlx::query!(
        r#"select m.id, m.handle as "handle: String", m.display_name, m.headline, m.expertise_areas, m.languages,
                  m.years_experience, m.rating_average::float8 as rating_average, m.rating_count,
                  m.visibility as "visibility: Visibility",
                  coalesce(m.organization_id = current_app_org_id(), false) as "bookable!",
                  p.price_minor as "from_price?", p.currency as "from_currency?",
                  exists (select 1 from mentor_session_types st where st.mentor_id = m.id and st.active
                                 and st.deleted_at is null and st.is_free_intro) as "has_free_intro!"
             from mentors m
             left join lateral (select st.price_minor, st.currency from mentor_session_types st
                                 where st.mentor_id = m.id and st.active and st.deleted_at is null and st.price_minor > 0
                                 order by st.price_minor limit 1) p on true
            where m.id = any($1)"#,
        ids
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut cards = Vec::with_capacity(rows.len());
    for id in ids {
        let Some(row) = rows.iter().find(|row| row.id == *id) else { continue };
        let from_price = match (row.from_price, &row.from_currency) {
            (Some(minor), Some(code)) => Some(stored_money(minor, code)?),
            _ => None,
        };
        cards.push(MentorCard {
            handle: row.handle.clone(),
            display_name: row.display_name.clone(),
            headline: row.headline.clone(),
            expertise: row.expertise_areas.clone(),
            languages: row.languages.clone(),
            years_experience: row.years_experience,
            rating_average: row.rating_average,
            rating_count: row.rating_count,
            from_price,
            has_free_intro: row.has_free_intro,
            visibility: row.visibility,
            bookable: row.bookable,
        });
    }
    Ok(cards)
}

/// Mentors in the careers that fit the viewer: their career goal (and careers related to it),
/// else the careers their Interest Profiler scores match best.
async fn fitting(tx: &mut Tx, caller: Option<&SignedIn>, scores: Option<InterestScores>) -> Result<(Vec<MentorCard>, Option<String>), AppError> {
    let goal = match caller {
        Some(user) => sqlx::query!(
            "select g.career_code, c.title, c.related from career_goals g join careers c on c.code = g.career_code
              where g.user_id = $1 and g.deleted_at is null",
            user.user_id
        )
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| (row.title, std::iter::once(row.career_code).chain(row.related.into_iter().take(8)).collect::<Vec<_>>())),
        None => None,
    };
    let (reason, codes) = match (goal, scores) {
        (Some((title, codes)), _) => (format!("your career goal, {title}, and careers close to it"), codes),
        (None, Some(scores)) => {
            let matches = crate::careers::api::ssr::top_career_matches(tx, scores.scores, 12).await?;
            let crate::careers::Ranking::Ranked { matches, .. } = matches else { return Ok((Vec::new(), None)) };
            if matches.is_empty() {
                return Ok((Vec::new(), None));
            }
            let titles: Vec<String> = matches.iter().take(3).map(|m| m.title.clone()).collect();
            (format!("the careers your interests match, such as {}", titles.join(", ")), matches.into_iter().map(|m| m.code).collect())
        }
        (None, None) => return Ok((Vec::new(), None)),
    };
    let ids = sqlx::query_scalar!(
        "select id from mentors where status = 'active' and deleted_at is null and career_codes && $1
          order by organization_id = current_app_org_id() desc, rating_average desc nulls last, display_name limit 4",
        &codes
    )
    .fetch_all(&mut **tx)
    .await?;
    if ids.is_empty() {
        return Ok((Vec::new(), None));
    }
    Ok((cards(tx, &ids).await?, Some(reason)))
}

/// The filter choices (expertise tags, languages), per organization (`None`: visitors).
type Choices = (Vec<String>, Vec<String>);

/// Counting every listing's tags is most of a search's time over 100,000 listings (0.15 s), and
/// the choices hardly change: each organization's are kept for a minute.
static CHOICES: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<Option<Uuid>, (std::time::Instant, Choices)>>> =
    std::sync::LazyLock::new(Default::default);
const CHOICES_TTL: std::time::Duration = std::time::Duration::from_secs(60);

async fn choices(tx: &mut Tx, org: Option<Uuid>) -> Result<Choices, AppError> {
    let cached = {
        let cache = CHOICES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.get(&org).filter(|(at, _)| at.elapsed() < CHOICES_TTL).map(|(_, choices)| choices.clone())
    };
    if let Some(choices) = cached {
        return Ok(choices);
    }
    let fresh = count_choices(tx).await?;
    let mut cache = CHOICES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if cache.len() > 10_000 {
        cache.clear();
    }
    cache.insert(org, (std::time::Instant::now(), fresh.clone()));
    Ok(fresh)
}

/// The most common expertise tags and languages among the listings the viewer may see.
async fn count_choices(tx: &mut Tx) -> Result<Choices, AppError> {
    let expertise = sqlx::query_scalar!(
        r#"select tag as "tag!" from (select unnest(expertise_areas) as tag from mentors
                                  where status = 'active' and deleted_at is null) t
            group by tag order by count(*) desc, tag limit 40"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let languages = sqlx::query_scalar!(
        r#"select language as "language!" from (select unnest(languages) as language from mentors
                                            where status = 'active' and deleted_at is null) t
            group by language order by count(*) desc, language limit 30"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut expertise = expertise;
    expertise.sort_by_key(|tag| tag.to_lowercase());
    let mut languages = languages;
    languages.sort();
    Ok((expertise, languages))
}

/// See [`super::super::mentor_profile`].
pub async fn profile(tx: &mut Tx, caller: Option<&SignedIn>, handle: String, session_type: String, tz: String) -> Result<MentorProfile, AppError> {
    let listing = listing_by_handle(tx, handle.trim()).await?;
    let card = cards(tx, &[listing.id]).await?.pop().ok_or_else(|| AppError::NotFound("that mentor".into()))?;
    let details = sqlx::query!(
        "select bio, contact_note, career_codes from mentors where id = $1",
        listing.id
    )
    .fetch_one(&mut **tx)
    .await?;
    let careers = sqlx::query!(
        "select code, title from careers where code = any($1) order by title",
        &details.career_codes
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|row| (row.code, row.title))
    .collect();
    let session_types = session_types(tx, listing.id).await?;
    let chosen = session_type
        .trim()
        .parse::<Uuid>()
        .ok()
        .and_then(|id| session_types.iter().find(|t| t.id == id))
        .or_else(|| session_types.first());
    let mentor_zone = listing.zone();
    let (zone, source) = viewer_zone(tx, caller, &tz, mentor_zone).await?;
    let now = Utc::now();
    let days = match chosen {
        Some(kind) => {
            let rules = availability(tx, &listing, now).await?;
            let until = now + Duration::days(i64::from(listing.horizon_days));
            let taken = taken(tx, listing.id, now - Duration::days(1), until + Duration::days(1), None).await?;
            let slots = rules.free_slots(kind.duration_minutes, step_minutes(kind.duration_minutes), now, now, until, &taken);
            let mut days = slot_days(&slots, zone, mentor_zone);
            days.truncate(7);
            days
        }
        None => Vec::new(),
    };
    let book = match caller {
        None => BookAbility::SignIn,
        Some(user) if user.user_id == listing.user_id => BookAbility::OwnListing,
        Some(user) if user.org_id == listing.organization_id => BookAbility::Book,
        Some(_) => BookAbility::OtherOrganization,
    };
    let reviews = reviews(tx, listing.id).await?;
    Ok(MentorProfile {
        card,
        bio: details.bio,
        mentor_zone: mentor_zone.name().to_string(),
        careers,
        chosen_type: chosen.map(|t| t.id),
        session_types,
        viewer_zone: zone.name().to_string(),
        viewer_zone_source: source.to_string(),
        days,
        book,
        contact_note: details.contact_note,
        requires_approval: listing.requires_approval,
        free_cancellation_hours: listing.free_cancellation_hours,
        reviews,
    })
}

/// A listing's session types on offer, in the mentor's order.
pub async fn session_types(tx: &mut Tx, mentor: Uuid) -> Result<Vec<SessionType>, AppError> {
    let rows = sqlx::query!(
        "select id, title, description, duration_minutes, price_minor, currency, is_free_intro
           from mentor_session_types where mentor_id = $1 and active and deleted_at is null
          order by position, duration_minutes, title",
        mentor
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SessionType {
                id: row.id,
                title: row.title,
                description: row.description,
                duration_minutes: u32::try_from(row.duration_minutes).unwrap_or(0),
                price: stored_money(row.price_minor, &row.currency)?,
                is_free_intro: row.is_free_intro,
            })
        })
        .collect()
}

async fn reviews(tx: &mut Tx, mentor: Uuid) -> Result<Vec<ReviewView>, AppError> {
    let rows = sqlx::query!(
        r#"select rating, body, reviewer_name, created_at as "created_at: DateTime<Utc>"
             from mentor_reviews where mentor_id = $1 and deleted_at is null order by created_at desc limit 20"#,
        mentor
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| ReviewView { rating: r.rating, body: r.body, reviewer_name: r.reviewer_name, written_at: r.created_at }).collect())
}
