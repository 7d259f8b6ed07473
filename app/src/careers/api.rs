//! The careers area's server functions. Careers and job zones are public reference data (no
//! row-level security; the app role may only read them); career goals are the person's own and
//! go through `db::tx` under their request context.

use super::domain::{CareerDetail, CareerGoal, CareerList};
use super::matching::{CareerMatch, Fit};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The outcome of ranking someone's scores against every career.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Ranking {
    /// All six scores are equal: nothing to compare (see [`super::matching::Unrankable::Flat`]).
    Flat,
    Ranked {
        /// Best first; only careers that fit (r at least [`super::matching::GOOD_FIT`]).
        matches: Vec<CareerMatch>,
        /// The scores are close together, so small differences decide the matches.
        narrow: bool,
    },
}

impl Ranking {
    /// The matches split into the fit groups (empty for a flat profile).
    pub fn groups(&self) -> Vec<(Fit, Vec<CareerMatch>)> {
        match self {
            Ranking::Flat => Vec::new(),
            Ranking::Ranked { matches, .. } => super::matching::group_by_fit(matches.clone()),
        }
    }
}

/// Someone's matches from their latest Interest Profiler result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MyMatches {
    /// They haven't completed the Interest Profiler.
    NoResult,
    Found {
        /// Raw scores 0-40, R, I, A, S, E, C.
        scores: [f64; 6],
        /// When the result was completed, e.g. "24 November 2026".
        completed_on: String,
        ranking: Ranking,
    },
}

/// Most careers a [`top_career_matches`] call returns.
pub const TOP_MATCHES_MAX: usize = 50;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::domain::{CareerCode, JobZone};
    use super::super::matching::{self, CareerProfile, Unrankable};
    use super::Ranking;
    use crate::db::{SignedIn, Tx};
    use crate::error::AppError;
    use sqlx::PgPool;

    /// Every career's interest profile, for matching (923 short rows).
    pub async fn profiles(pool: &PgPool) -> Result<Vec<CareerProfile>, AppError> {
        let rows: Vec<(String, String, i16, f64, f64, f64, f64, f64, f64, String)> = sqlx::query_as(
            "select code, title, job_zone, realistic, investigative, artistic, social, enterprising, conventional, \
                    high_point_code \
               from careers order by code",
        )
        .fetch_all(pool)
        .await?;
        rows.into_iter()
            .map(|(code, title, zone, r, i, a, s, e, c, high_point_code)| {
                Ok(CareerProfile {
                    code,
                    title,
                    job_zone: zone_of(zone)?,
                    interests: [r, i, a, s, e, c],
                    high_point_code,
                })
            })
            .collect()
    }

    pub fn zone_of(zone: i16) -> Result<JobZone, AppError> {
        u8::try_from(zone).ok().and_then(|zone| JobZone::new(zone).ok()).ok_or_else(|| {
            tracing::error!(zone, "a career has a job zone outside 1-5");
            AppError::Internal
        })
    }

    pub fn code_of(code: String) -> Result<CareerCode, AppError> {
        CareerCode::parse(&code).map_err(|error| {
            tracing::error!(%code, %error, "a stored career code is malformed");
            AppError::Internal
        })
    }

    pub fn rank(scores: &[f64; 6], careers: &[CareerProfile], zone: Option<JobZone>) -> Result<Ranking, AppError> {
        match matching::rank_matches(scores, careers, zone) {
            Ok(matches) => Ok(Ranking::Ranked { matches, narrow: matching::is_narrow(scores) }),
            Err(Unrankable::Flat) => Ok(Ranking::Flat),
            Err(Unrankable::OutOfRange) => Err(AppError::invalid(Unrankable::OutOfRange.to_string())),
        }
    }

    /// See [`super::choose_career_goal`].
    pub async fn choose_career_goal(tx: &mut Tx, user: &SignedIn, code: String) -> Result<(), AppError> {
        let code = CareerCode::parse(&code)?;
        // One change of goal at a time per person, so two quick clicks can't both insert.
        sqlx::query!("select pg_advisory_xact_lock(hashtextextended('career_goal:' || $1::uuid::text, 0))", user.user_id)
            .fetch_one(&mut **tx)
            .await?;
        let known = sqlx::query_scalar!(r#"select exists (select 1 from careers where code = $1) as "known!""#, code.as_str())
            .fetch_one(&mut **tx)
            .await?;
        if !known {
            return Err(AppError::NotFound(format!("a career with the code {code}")));
        }
        let current = sqlx::query_scalar!(
            "select career_code from career_goals where user_id = $1 and deleted_at is null",
            user.user_id
        )
        .fetch_optional(&mut **tx)
        .await?;
        if current.as_deref() == Some(code.as_str()) {
            return Ok(());
        }
        sqlx::query!("update career_goals set deleted_at = now() where user_id = $1 and deleted_at is null", user.user_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query!(
            "insert into career_goals (user_id, organization_id, career_code) values ($1, $2, $3)",
            user.user_id,
            user.org_id,
            code.as_str()
        )
        .execute(&mut **tx)
        .await?;
        tracing::info!(user_id = %user.user_id, career = %code, "career goal chosen");
        Ok(())
    }

    pub fn parse_json<T: serde::de::DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, AppError> {
        serde_json::from_value(value).map_err(|error| {
            tracing::error!(%error, what, "stored career data doesn't have the expected shape");
            AppError::Internal
        })
    }
}

/// One page of the careers list: `q` searches titles and descriptions (or codes), `zone` is a
/// job zone 1-5 or blank, `page` counts from 1 (blank: the first).
#[server(endpoint = "careers")]
pub async fn careers(q: String, zone: String, page: String) -> Result<CareerList, AppError> {
    use super::domain::{first_sentence, CareerSearch, CareerSummary};
    async move {
        let search = CareerSearch::parse(&q, &zone, &page)?;
        let pool = crate::db::pool()?;
        let rows: Vec<(String, String, i16, String, String, i64)> = sqlx::query_as(
            "select code, title, job_zone, description, high_point_code, count(*) over () \
               from careers \
              where ($1::text is null or search @@ to_tsquery('english', $1)) \
                and ($2::text is null or code like $2 || '%') \
                and ($3::int2 is null or job_zone = $3) \
              order by case when $1::text is null then 0 else ts_rank(search, to_tsquery('english', $1)) end desc, \
                       title, code \
              limit $4 offset $5",
        )
        .bind(search.tsquery())
        .bind(&search.code_prefix)
        .bind(search.zone.map(|z| i16::from(z.number())))
        .bind(CareerSearch::PAGE_SIZE)
        .bind((search.page - 1) * CareerSearch::PAGE_SIZE)
        .fetch_all(&pool)
        .await?;
        let total = match rows.first() {
            Some(row) => row.5,
            // Past the last page the window is empty; count separately so the page can say so.
            None if search.page > 1 => {
                sqlx::query_scalar(
                    "select count(*) from careers \
                  where ($1::text is null or search @@ to_tsquery('english', $1)) \
                    and ($2::text is null or code like $2 || '%') \
                    and ($3::int2 is null or job_zone = $3)",
                )
                .bind(search.tsquery())
                .bind(&search.code_prefix)
                .bind(search.zone.map(|z| i16::from(z.number())))
                .fetch_one(&pool)
                .await?
            }
            None => 0,
        };
        let careers = rows
            .into_iter()
            .map(|(code, title, zone, description, high_point_code, _)| {
                Ok(CareerSummary {
                    code: ssr::code_of(code)?,
                    title,
                    job_zone: ssr::zone_of(zone)?,
                    summary: first_sentence(&description),
                    high_point_code,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(CareerList { careers, total, page: search.page })
    }
    .await
    .map_err(AppError::respond)
}

/// A career's page. An unknown or malformed code is "not found" (the page answers 404).
#[server(endpoint = "career")]
pub async fn career(code: String) -> Result<CareerDetail, AppError> {
    use super::domain::{CareerCode, JobZoneDetail, RelatedCareer};
    use sqlx::Row;
    async move {
        let not_found = || AppError::NotFound("a career with that code".into());
        let code = CareerCode::parse(&code).map_err(|_| not_found())?;
        let pool = crate::db::pool()?;
        let row = sqlx::query(
            "select c.code, c.title, c.description, c.job_zone, z.name, z.experience, z.education, z.training, \
                    z.examples, c.realistic, c.investigative, c.artistic, c.social, c.enterprising, c.conventional, \
                    c.high_point_code, c.tasks, c.technology, \
                    coalesce((select jsonb_agg(jsonb_build_object('code', r.code, 'title', r.title) order by link.position) \
                                from unnest(c.related) with ordinality as link (code, position) \
                                join careers r on r.code = link.code), '[]'::jsonb) as related \
               from careers c join job_zones z on z.zone = c.job_zone \
              where c.code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(&pool)
        .await?
        .ok_or_else(not_found)?;
        let zone = ssr::zone_of(row.try_get("job_zone")?)?;
        Ok(CareerDetail {
            code: ssr::code_of(row.try_get("code")?)?,
            title: row.try_get("title")?,
            description: row.try_get("description")?,
            job_zone: JobZoneDetail {
                zone,
                name: row.try_get("name")?,
                experience: row.try_get("experience")?,
                education: row.try_get("education")?,
                training: row.try_get("training")?,
                examples: row.try_get("examples")?,
            },
            interests: [
                row.try_get("realistic")?,
                row.try_get("investigative")?,
                row.try_get("artistic")?,
                row.try_get("social")?,
                row.try_get("enterprising")?,
                row.try_get("conventional")?,
            ],
            high_point_code: row.try_get("high_point_code")?,
            tasks: ssr::parse_json(row.try_get("tasks")?, "tasks")?,
            technology: ssr::parse_json(row.try_get("technology")?, "technology")?,
            related: ssr::parse_json::<Vec<RelatedCareer>>(row.try_get("related")?, "related careers")?,
        })
    }
    .await
    .map_err(AppError::respond)
}

/// Makes `code` the signed-in person's career goal, replacing (and keeping as history) the one
/// they had. Choosing the current goal again changes nothing.
#[server(endpoint = "choose_career_goal")]
#[tracing::instrument]
pub async fn choose_career_goal(code: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::choose_career_goal(tx, user, code))).await
}

/// The signed-in person's current career goal; `None` when they have none or aren't signed in.
#[server(endpoint = "my_career_goal")]
pub async fn my_career_goal() -> Result<Option<CareerGoal>, AppError> {
    async move {
        let Some(user) = crate::accounts::session::current().await? else { return Ok(None) };
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let row: Option<(String, String, i16, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
            "select g.career_code, c.title, c.job_zone, g.chosen_at \
               from career_goals g join careers c on c.code = g.career_code \
              where g.user_id = $1 and g.deleted_at is null",
        )
        .bind(user.user_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|(code, title, zone, chosen_at)| {
            Ok(CareerGoal { code: ssr::code_of(code)?, title, job_zone: ssr::zone_of(zone)?, chosen_at })
        })
        .transpose()
    }
    .await
    .map_err(AppError::respond)
}

/// Whether whoever is asking has a completed Interest Profiler result to match careers to.
#[server(endpoint = "interest_result_available")]
pub async fn interest_result_available() -> Result<bool, AppError> {
    async move { Ok(crate::assessments::current_interest_scores().await?.is_some()) }.await.map_err(AppError::respond)
}

/// The asker's career matches from their latest Interest Profiler result, in job zone `zone`
/// (1-5, or blank for all).
#[server(endpoint = "career_matches")]
pub async fn career_matches(zone: String) -> Result<MyMatches, AppError> {
    use super::domain::JobZone;
    async move {
        let zone = JobZone::parse_optional(&zone)?;
        let Some(result) = crate::assessments::current_interest_scores().await? else {
            return Ok(MyMatches::NoResult);
        };
        let pool = crate::db::pool()?;
        let careers = ssr::profiles(&pool).await?;
        let completed_on = chrono::DateTime::parse_from_rfc3339(&result.completed_at)
            .map(|at| at.format("%-d %B %Y").to_string())
            .unwrap_or_default();
        Ok(MyMatches::Found {
            scores: result.scores,
            completed_on,
            ranking: ssr::rank(&result.scores, &careers, zone)?,
        })
    }
    .await
    .map_err(AppError::respond)
}

/// The `limit` (1 to 50) careers that fit six raw Interest Profiler scores (0-40, R, I, A, S, E,
/// C) best, for a results page. Takes JSON: `{"scores": [..6 numbers..], "limit": 5}`.
#[server(endpoint = "top_career_matches", input = server_fn::codec::Json)]
pub async fn top_career_matches(scores: [f64; 6], limit: usize) -> Result<Ranking, AppError> {
    async move {
        if !(1..=TOP_MATCHES_MAX).contains(&limit) {
            return Err(AppError::invalid(format!("Ask for 1 to {TOP_MATCHES_MAX} career matches.")));
        }
        let pool = crate::db::pool()?;
        let careers = ssr::profiles(&pool).await?;
        Ok(match ssr::rank(&scores, &careers, None)? {
            Ranking::Ranked { mut matches, narrow } => {
                matches.truncate(limit);
                Ranking::Ranked { matches, narrow }
            }
            Ranking::Flat => Ranking::Flat,
        })
    }
    .await
    .map_err(AppError::respond)
}
