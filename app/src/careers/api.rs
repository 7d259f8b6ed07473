//! The careers area's server functions and, in [`ssr`], their bodies. Careers and job zones are
//! public reference data (no row-level security; the app role may only read them); career goals
//! are the person's own, read and written under their request context.

use super::domain::{CareerDetail, CareerGoal, CareerList};
use super::matching::CareerMatch;
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

/// Someone's matches from their latest Interest Profiler result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MyMatches {
    /// They haven't completed the Interest Profiler.
    NoResult,
    Found {
        /// Raw scores 0-40, R, I, A, S, E, C.
        scores: [f64; 6],
        /// When the result was completed.
        completed_at: chrono::DateTime<chrono::Utc>,
        ranking: Ranking,
    },
}

/// Most careers a [`top_career_matches`] call returns.
pub const TOP_MATCHES_MAX: usize = 50;

/// One page of the careers list: `q` searches titles and descriptions (or codes), `zone` is a
/// job zone 1-5 or blank, `page` counts from 1 (blank: the first).
#[server(endpoint = "careers")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn careers(q: String, zone: String, page: String) -> Result<CareerList, AppError> {
    crate::db::public(|tx| Box::pin(ssr::careers(tx, q, zone, page))).await
}

/// A career's page. An unknown or malformed code is "not found" (the page answers 404).
#[server(endpoint = "career")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn career(code: String) -> Result<CareerDetail, AppError> {
    crate::db::public(|tx| Box::pin(ssr::career(tx, code))).await
}

/// Makes `code` the signed-in person's career goal, replacing (and keeping as history) the one
/// they had. Choosing the current goal again changes nothing.
#[server(endpoint = "choose_career_goal")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn choose_career_goal(code: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::choose_career_goal(tx, user, code))).await
}

/// The signed-in person's current career goal; `None` when they have none or aren't signed in.
#[server(endpoint = "my_career_goal")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_career_goal() -> Result<Option<CareerGoal>, AppError> {
    crate::db::visitor(|caller, tx| Box::pin(ssr::my_career_goal(tx, caller))).await
}

/// Whether whoever is asking has a completed Interest Profiler result to match careers to.
#[server(endpoint = "interest_result_available")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn interest_result_available() -> Result<bool, AppError> {
    Ok(crate::assessments::api::current_interest_scores().await?.is_some())
}

/// The asker's career matches from their latest Interest Profiler result, in job zone `zone`
/// (1-5, or blank for all).
#[server(endpoint = "career_matches")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn career_matches(zone: String) -> Result<MyMatches, AppError> {
    // Two transactions, one after the other: assessments reads the result in its own (a
    // visitor's is in their session), then the careers are ranked in a public one.
    crate::db::run(async move {
        let zone = ssr::zone_filter(&zone)?;
        let Some(result) = crate::assessments::api::current_interest_scores().await? else {
            return Ok(MyMatches::NoResult);
        };
        crate::db::public(|tx| Box::pin(ssr::career_matches(tx, result, zone))).await
    })
    .await
}

/// The `limit` (1 to 50) careers that fit six raw Interest Profiler scores (0-40, R, I, A, S, E,
/// C) best, for a results page. Takes JSON: `{"scores": [..6 numbers..], "limit": 5}`.
#[server(endpoint = "top_career_matches", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn top_career_matches(scores: [f64; 6], limit: usize) -> Result<Ranking, AppError> {
    crate::db::public(|tx| Box::pin(ssr::top_career_matches(tx, scores, limit))).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::domain::{
        first_sentence, CareerCode, CareerDetail, CareerGoal, CareerList, CareerSearch, CareerSummary, JobZone,
        JobZoneDetail, RelatedCareer,
    };
    use super::super::matching::{self, CareerProfile, Unrankable};
    use super::{MyMatches, Ranking, TOP_MATCHES_MAX};
    use crate::assessments::domain::InterestScores;
    use crate::db::{stored_json, SignedIn, Tx};
    use crate::domain::{FieldErrors, Parse};
    use crate::error::AppError;
    use chrono::{DateTime, Utc};

    /// See [`super::careers`].
    pub async fn careers(tx: &mut Tx, q: String, zone: String, page: String) -> Result<CareerList, AppError> {
        let search = CareerSearch::parse(&q, &zone, &page)?;
        let tsquery = search.tsquery();
        let zone = search.zone.map(|z| i16::from(z.number()));
        let rows = sqlx::query!(
            r#"select code, title, job_zone, description, high_point_code, count(*) over () as "total!"
                 from careers
                where ($1::text is null or search @@ to_tsquery('english', $1))
                  and ($2::text is null or code like $2 || '%')
                  and ($3::int2 is null or job_zone = $3)
                order by case when $1::text is null then 0 else ts_rank(search, to_tsquery('english', $1)) end desc,
                         title, code
                limit $4 offset $5"#,
            tsquery,
            search.code_prefix,
            zone,
            CareerSearch::PAGE_SIZE,
            (search.page - 1) * CareerSearch::PAGE_SIZE,
        )
        .fetch_all(&mut **tx)
        .await?;
        let total = match rows.first() {
            Some(row) => row.total,
            // Past the last page the window is empty; count separately so the page can say so.
            None if search.page > 1 => {
                sqlx::query_scalar!(
                    r#"select count(*) as "total!" from careers
                        where ($1::text is null or search @@ to_tsquery('english', $1))
                          and ($2::text is null or code like $2 || '%')
                          and ($3::int2 is null or job_zone = $3)"#,
                    tsquery,
                    search.code_prefix,
                    zone,
                )
                .fetch_one(&mut **tx)
                .await?
            }
            None => 0,
        };
        let careers = rows
            .into_iter()
            .map(|row| {
                Ok(CareerSummary {
                    code: code_of(row.code)?,
                    title: row.title,
                    job_zone: zone_of(row.job_zone)?,
                    summary: first_sentence(&row.description),
                    high_point_code: row.high_point_code,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(CareerList { careers, total, page: search.page })
    }

    /// See [`super::career`].
    pub async fn career(tx: &mut Tx, code: String) -> Result<CareerDetail, AppError> {
        let not_found = || AppError::NotFound("a career with that code".into());
        let code = CareerCode::parse(&code).map_err(|_| not_found())?;
        let row = sqlx::query!(
            r#"select c.code, c.title, c.description, c.job_zone, z.name, z.experience, z.education, z.training,
                      z.examples, c.realistic, c.investigative, c.artistic, c.social, c.enterprising, c.conventional,
                      c.high_point_code, c.tasks, c.technology,
                      coalesce((select jsonb_agg(jsonb_build_object('code', r.code, 'title', r.title) order by link.position)
                                  from unnest(c.related) with ordinality as link (code, position)
                                  join careers r on r.code = link.code), '[]'::jsonb) as "related!"
                 from careers c join job_zones z on z.zone = c.job_zone
                where c.code = $1"#,
            code.as_str(),
        )
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(not_found)?;
        Ok(CareerDetail {
            tasks: stored_json(row.tasks, "career tasks", &row.code)?,
            technology: stored_json(row.technology, "career technology", &row.code)?,
            related: stored_json::<Vec<RelatedCareer>>(row.related, "related careers", &row.code)?,
            code: code_of(row.code)?,
            title: row.title,
            description: row.description,
            job_zone: JobZoneDetail {
                zone: zone_of(row.job_zone)?,
                name: row.name,
                experience: row.experience,
                education: row.education,
                training: row.training,
                examples: row.examples,
            },
            interests: [row.realistic, row.investigative, row.artistic, row.social, row.enterprising, row.conventional],
            high_point_code: row.high_point_code,
        })
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

    /// See [`super::my_career_goal`].
    pub async fn my_career_goal(tx: &mut Tx, caller: Option<&SignedIn>) -> Result<Option<CareerGoal>, AppError> {
        let Some(user) = caller else { return Ok(None) };
        let row = sqlx::query!(
            r#"select g.career_code, c.title, c.job_zone, g.chosen_at as "chosen_at: DateTime<Utc>"
                 from career_goals g join careers c on c.code = g.career_code
                where g.user_id = $1 and g.deleted_at is null"#,
            user.user_id,
        )
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|row| {
            Ok(CareerGoal {
                code: code_of(row.career_code)?,
                title: row.title,
                job_zone: zone_of(row.job_zone)?,
                chosen_at: row.chosen_at,
            })
        })
        .transpose()
    }

    /// The job zone filter of the matches page (blank: every zone).
    pub fn zone_filter(zone: &str) -> Result<Option<JobZone>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let zone = errors.check("zone", JobZone::parse_optional(zone));
        errors.finish_with(|| zone)
    }

    /// See [`super::career_matches`].
    pub async fn career_matches(tx: &mut Tx, result: InterestScores, zone: Option<JobZone>) -> Result<MyMatches, AppError> {
        let completed_at = result.completed_at;
        let careers = profiles(tx).await?;
        Ok(MyMatches::Found { scores: result.scores, completed_at, ranking: rank(&result.scores, &careers, zone)? })
    }

    /// See [`super::top_career_matches`].
    pub async fn top_career_matches(tx: &mut Tx, scores: [f64; 6], limit: usize) -> Result<Ranking, AppError> {
        if !(1..=TOP_MATCHES_MAX).contains(&limit) {
            return Err(AppError::invalid(format!("Ask for 1 to {TOP_MATCHES_MAX} career matches.")));
        }
        let careers = profiles(tx).await?;
        Ok(match rank(&scores, &careers, None)? {
            Ranking::Ranked { mut matches, narrow } => {
                matches.truncate(limit);
                Ranking::Ranked { matches, narrow }
            }
            Ranking::Flat => Ranking::Flat,
        })
    }

    /// Every career's interest profile, for matching (923 short rows).
    pub async fn profiles(tx: &mut Tx) -> Result<Vec<CareerProfile>, AppError> {
        let rows = sqlx::query!(
            "select code, title, job_zone, realistic, investigative, artistic, social, enterprising, conventional,
                    high_point_code
               from careers order by code"
        )
        .fetch_all(&mut **tx)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(CareerProfile {
                    job_zone: zone_of(row.job_zone)?,
                    code: row.code,
                    title: row.title,
                    interests: [row.realistic, row.investigative, row.artistic, row.social, row.enterprising, row.conventional],
                    high_point_code: row.high_point_code,
                })
            })
            .collect()
    }

    fn zone_of(zone: i16) -> Result<JobZone, AppError> {
        u8::try_from(zone).ok().and_then(|zone| JobZone::new(zone).ok()).ok_or_else(|| {
            tracing::error!(zone, "a career has a job zone outside 1-5");
            AppError::Internal
        })
    }

    fn code_of(code: String) -> Result<CareerCode, AppError> {
        CareerCode::parse(&code).map_err(|error| {
            tracing::error!(%code, %error, "a stored career code is malformed");
            AppError::Internal
        })
    }

    fn rank(scores: &[f64; 6], careers: &[CareerProfile], zone: Option<JobZone>) -> Result<Ranking, AppError> {
        match matching::rank_matches(scores, careers, zone) {
            Ok(matches) => Ok(Ranking::Ranked { matches, narrow: matching::is_narrow(scores) }),
            Err(Unrankable::Flat) => Ok(Ranking::Flat),
            Err(Unrankable::OutOfRange) => Err(AppError::invalid(Unrankable::OutOfRange.to_string())),
        }
    }
}
