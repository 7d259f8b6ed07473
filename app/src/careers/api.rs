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
/// job zone 1-5 or blank, `page` counts from 1 (blank: the first); `education` (an
/// [`EntryEducation`](super::entry::EntryEducation) short form) and `outlook` (an
/// [`Outlook`](super::outlook::Outlook) short form) filter by BLS figures, `sort` is blank, `pay`
/// or `growth`.
#[server(endpoint = "careers")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn careers(
    q: String,
    zone: String,
    page: String,
    #[server(default)] education: String,
    #[server(default)] outlook: String,
    #[server(default)] sort: String,
) -> Result<CareerList, AppError> {
    crate::db::public_read(|tx| Box::pin(ssr::careers(tx, q, zone, page, education, outlook, sort))).await
}

/// A career's page. An unknown or malformed code is "not found" (the page answers 404).
#[server(endpoint = "career")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn career(code: String) -> Result<CareerDetail, AppError> {
    crate::db::public_read(|tx| Box::pin(ssr::career(tx, code))).await
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
/// (1-5, or blank for all), with typical entry education `education` and outlook `outlook`
/// (blank: any), in fit order or, within each fit group, by `sort` (`pay` or `growth`).
#[server(endpoint = "career_matches")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn career_matches(
    zone: String,
    #[server(default)] education: String,
    #[server(default)] outlook: String,
    #[server(default)] sort: String,
) -> Result<MyMatches, AppError> {
    // Two transactions, one after the other: assessments reads the result in its own (a
    // visitor's is in their session), then the careers are ranked in a public one.
    crate::db::run(async move {
        let (zone, filters) = ssr::match_filters(&zone, &education, &outlook, &sort)?;
        let Some(result) = crate::assessments::api::current_interest_scores().await? else {
            return Ok(MyMatches::NoResult);
        };
        crate::db::public_read(|tx| Box::pin(ssr::career_matches(tx, result, zone, filters))).await
    })
    .await
}

/// The `limit` (1 to 50) careers that fit six raw Interest Profiler scores (0-40, R, I, A, S, E,
/// C) best, for a results page. Takes JSON: `{"scores": [..6 numbers..], "limit": 5}`.
#[server(endpoint = "top_career_matches", input = server_fn::codec::Json)]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn top_career_matches(scores: [f64; 6], limit: usize) -> Result<Ranking, AppError> {
    crate::db::public_read(|tx| Box::pin(ssr::top_career_matches(tx, scores, limit))).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::domain::{
        first_sentence, CareerCode, CareerDetail, CareerGoal, CareerList, CareerSearch, CareerSummary, JobZone,
        JobZoneDetail, RelatedCareer,
    };
    use super::super::entry::EntryEducation;
    use super::super::matching::{self, CareerMatch, CareerProfile, Unrankable};
    use super::super::outlook::{
        BlsFigures, BlsFilters, BlsMatchKind, BlsSummary, CareerBls, CareerSort, Outlook, Pay, Projection, Wage,
    };
    use super::{MyMatches, Ranking, TOP_MATCHES_MAX};
    use crate::assessments::domain::InterestScores;
    use crate::db::{stored_json, SignedIn, Tx};
    use crate::domain::{FieldErrors, Parse};
    use crate::error::AppError;
    use chrono::{DateTime, Utc};
    use std::collections::HashMap;

    /// See [`super::careers`].
    pub async fn careers(
        tx: &mut Tx,
        q: String,
        zone: String,
        page: String,
        education: String,
        outlook: String,
        sort: String,
    ) -> Result<CareerList, AppError> {
        let search = CareerSearch::parse_with(&q, &zone, &page, &education, &outlook, &sort)?;
        let tsquery = search.tsquery();
        let zone = search.zone.map(|z| i16::from(z.number()));
        let education = search.filters.education.map(EntryEducation::bls_label);
        // The outlook bin as bounds on the whole percent, as `Outlook::of` rounds it (numeric
        // `round` rounds halves away from zero, like Rust's).
        let (low, high) = search.filters.outlook.map(Outlook::whole_percent_bounds).unwrap_or((None, None));
        let sort = search.filters.sort.as_str();
        let rows = sqlx::query!(
            r#"select c.code, c.title, c.job_zone, c.description, c.high_point_code, count(*) over () as "total!",
                      m.match_kind as "match_kind?: BlsMatchKind", b.annual_median as "annual_median?",
                      b.annual_median_top_coded as "annual_median_top_coded?",
                      b.hourly_median_cents as "hourly_median_cents?",
                      b.hourly_median_top_coded as "hourly_median_top_coded?",
                      b.change_percent::float8 as "change_percent?", b.openings_annual as "openings_annual?",
                      b.entry_education as "entry_education?"
                 from careers c
                 left join career_bls_matches m on m.career_code = c.code
                 left join bls_occupations b on b.code = m.bls_code
                where ($1::text is null or c.search @@ to_tsquery('english', $1))
                  and ($2::text is null or c.code like $2 || '%')
                  and ($3::int2 is null or c.job_zone = $3)
                  and ($6::text is null or b.entry_education = $6)
                  and ($7::int4 is null or round(b.change_percent) >= $7)
                  and ($8::int4 is null or round(b.change_percent) <= $8)
                order by case when $9 = 'pay' then b.annual_median end desc nulls last,
                         case when $9 = 'growth' then b.change_percent end desc nulls last,
                         case when $1::text is null then 0 else ts_rank(c.search, to_tsquery('english', $1)) end desc,
                         c.title, c.code
                limit $4 offset $5"#,
            tsquery,
            search.code_prefix,
            zone,
            CareerSearch::PAGE_SIZE,
            (search.page - 1) * CareerSearch::PAGE_SIZE,
            education,
            low,
            high,
            sort,
        )
        .fetch_all(&mut **tx)
        .await?;
        let total = match rows.first() {
            Some(row) => row.total,
            // Past the last page the window is empty; count separately so the page can say so.
            None if search.page > 1 => {
                sqlx::query_scalar!(
                    r#"select count(*) as "total!"
                         from careers c
                         left join career_bls_matches m on m.career_code = c.code
                         left join bls_occupations b on b.code = m.bls_code
                        where ($1::text is null or c.search @@ to_tsquery('english', $1))
                          and ($2::text is null or c.code like $2 || '%')
                          and ($3::int2 is null or c.job_zone = $3)
                          and ($4::text is null or b.entry_education = $4)
                          and ($5::int4 is null or round(b.change_percent) >= $5)
                          and ($6::int4 is null or round(b.change_percent) <= $6)"#,
                    tsquery,
                    search.code_prefix,
                    zone,
                    education,
                    low,
                    high,
                )
                .fetch_one(&mut **tx)
                .await?
            }
            None => 0,
        };
        let careers = rows
            .into_iter()
            .map(|row| {
                let bls = summary_of(
                    &row.code,
                    SummaryColumns {
                        kind: row.match_kind,
                        annual_median: row.annual_median,
                        annual_median_top_coded: row.annual_median_top_coded,
                        hourly_median_cents: row.hourly_median_cents,
                        hourly_median_top_coded: row.hourly_median_top_coded,
                        change_percent: row.change_percent,
                        openings_annual: row.openings_annual,
                        entry_education: row.entry_education,
                    },
                )?;
                Ok(CareerSummary {
                    code: code_of(row.code)?,
                    title: row.title,
                    job_zone: zone_of(row.job_zone)?,
                    summary: first_sentence(&row.description),
                    high_point_code: row.high_point_code,
                    bls,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(CareerList { careers, total, page: search.page })
    }

    /// A career's BLS columns as a list reads them (all null when BLS publishes nothing).
    pub(crate) struct SummaryColumns {
        pub kind: Option<BlsMatchKind>,
        pub annual_median: Option<i32>,
        pub annual_median_top_coded: Option<bool>,
        pub hourly_median_cents: Option<i32>,
        pub hourly_median_top_coded: Option<bool>,
        pub change_percent: Option<f64>,
        pub openings_annual: Option<i32>,
        pub entry_education: Option<String>,
    }

    /// The short form of a career's figures; `None` when there are none.
    pub(crate) fn summary_of(code: &str, columns: SummaryColumns) -> Result<Option<BlsSummary>, AppError> {
        let (Some(change_percent), Some(openings_annual)) = (columns.change_percent, columns.openings_annual) else {
            return Ok(None);
        };
        let education = match columns.entry_education.as_deref() {
            None => None,
            Some(label) => Some(EntryEducation::from_bls(label).ok_or_else(|| {
                tracing::error!(%code, label, "a stored BLS entry education isn't one of BLS's categories");
                AppError::Internal
            })?),
        };
        Ok(Some(BlsSummary {
            annual_median: Wage::stored(columns.annual_median, columns.annual_median_top_coded.unwrap_or(false)),
            hourly_median: Wage::stored(columns.hourly_median_cents, columns.hourly_median_top_coded.unwrap_or(false)),
            change_percent,
            openings_annual,
            education,
            combined: matches!(columns.kind, Some(BlsMatchKind::BlsCombined | BlsMatchKind::OewsCombined)),
        }))
    }

    /// Every career's figures in short, by career code (for matching, which ranks in memory).
    pub async fn summaries(tx: &mut Tx) -> Result<HashMap<String, BlsSummary>, AppError> {
        let rows = sqlx::query!(
            r#"select m.career_code, m.match_kind as "match_kind: BlsMatchKind", b.annual_median as "annual_median?",
                      b.annual_median_top_coded as "annual_median_top_coded?",
                      b.hourly_median_cents as "hourly_median_cents?",
                      b.hourly_median_top_coded as "hourly_median_top_coded?",
                      b.change_percent::float8 as "change_percent?", b.openings_annual as "openings_annual?",
                      b.entry_education as "entry_education?"
                 from career_bls_matches m left join bls_occupations b on b.code = m.bls_code"#
        )
        .fetch_all(&mut **tx)
        .await?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in rows {
            let columns = SummaryColumns {
                kind: Some(row.match_kind),
                annual_median: row.annual_median,
                annual_median_top_coded: row.annual_median_top_coded,
                hourly_median_cents: row.hourly_median_cents,
                hourly_median_top_coded: row.hourly_median_top_coded,
                change_percent: row.change_percent,
                openings_annual: row.openings_annual,
                entry_education: row.entry_education,
            };
            if let Some(summary) = summary_of(&row.career_code, columns)? {
                found.insert(row.career_code, summary);
            }
        }
        Ok(found)
    }

    /// What BLS publishes for one career (nothing when it isn't joined yet or BLS has nothing).
    pub async fn career_bls(tx: &mut Tx, code: &CareerCode) -> Result<CareerBls, AppError> {
        let row = sqlx::query!(
            r#"select m.match_kind as "match_kind: BlsMatchKind", b.code as "code?", b.title as "title?",
                      b.employment as "employment?", b.has_oews as "has_oews?",
                      b.annual_median as "annual_median?", b.annual_median_top_coded as "annual_median_top_coded?",
                      b.annual_p10 as "annual_p10?", b.annual_p10_top_coded as "annual_p10_top_coded?",
                      b.annual_p90 as "annual_p90?", b.annual_p90_top_coded as "annual_p90_top_coded?",
                      b.hourly_median_cents as "hourly_median_cents?", b.hourly_median_top_coded as "hourly_median_top_coded?",
                      b.hourly_only as "hourly_only?", b.annual_only as "annual_only?",
                      b.projected_2024 as "projected_2024?", b.projected_2034 as "projected_2034?",
                      b.change_jobs as "change_jobs?", b.change_percent::float8 as "change_percent?",
                      b.openings_annual as "openings_annual?", b.entry_education as "entry_education?",
                      b.work_experience as "work_experience?", b.training as "training?"
                 from career_bls_matches m left join bls_occupations b on b.code = m.bls_code
                where m.career_code = $1"#,
            code.as_str(),
        )
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else {
            tracing::warn!(career = %code, "a career has no BLS join yet (the reference data isn't loaded)");
            return Ok(CareerBls::none());
        };
        let figures = match (
            row.code,
            row.title,
            row.projected_2024,
            row.projected_2034,
            row.change_jobs,
            row.change_percent,
            row.openings_annual,
            row.entry_education,
            row.work_experience,
            row.training,
        ) {
            (
                Some(bls_code),
                Some(title),
                Some(employment_2024),
                Some(employment_2034),
                Some(change_jobs),
                Some(change_percent),
                Some(openings_annual),
                Some(education),
                Some(work_experience),
                Some(training),
            ) => {
                let flag = |value: Option<bool>| value.unwrap_or(false);
                let pay = row.has_oews.unwrap_or(false).then(|| Pay {
                    annual_median: Wage::stored(row.annual_median, flag(row.annual_median_top_coded)),
                    annual_p10: Wage::stored(row.annual_p10, flag(row.annual_p10_top_coded)),
                    annual_p90: Wage::stored(row.annual_p90, flag(row.annual_p90_top_coded)),
                    hourly_median: Wage::stored(row.hourly_median_cents, flag(row.hourly_median_top_coded)),
                    hourly_only: flag(row.hourly_only),
                    annual_only: flag(row.annual_only),
                });
                Some(BlsFigures {
                    code: bls_code,
                    title,
                    employment: row.employment,
                    pay,
                    projection: Projection {
                        employment_2024,
                        employment_2034,
                        change_jobs,
                        change_percent,
                        openings_annual,
                    },
                    education,
                    work_experience,
                    training,
                })
            }
            _ => None,
        };
        if figures.is_none() && row.match_kind != BlsMatchKind::None {
            tracing::error!(career = %code, kind = ?row.match_kind, "a career joined to BLS has no BLS row");
            return Err(AppError::Internal);
        }
        Ok(CareerBls { kind: row.match_kind, figures })
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
        let bls = career_bls(tx, &code).await?;
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
            bls,
        })
    }

    /// See [`super::choose_career_goal`].
    pub async fn choose_career_goal(tx: &mut Tx, user: &SignedIn, code: String) -> Result<(), AppError> {
        let code = CareerCode::parse(&code)?;
        // One change of goal at a time per person, so two quick clicks can't both insert.
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('career_goal:' || $1::uuid::text, 0))",
            user.user_id
        )
        .fetch_one(&mut **tx)
        .await?;
        let known =
            sqlx::query_scalar!(r#"select exists (select 1 from careers where code = $1) as "known!""#, code.as_str())
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
        sqlx::query!(
            "update career_goals set deleted_at = now() where user_id = $1 and deleted_at is null",
            user.user_id
        )
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

    /// The matches page's filters: job zone, then the BLS ones, all refused together.
    pub fn match_filters(
        zone: &str,
        education: &str,
        outlook: &str,
        sort: &str,
    ) -> Result<(Option<JobZone>, BlsFilters), FieldErrors> {
        let search = CareerSearch::parse_with("", zone, "", education, outlook, sort)?;
        Ok((search.zone, search.filters))
    }

    /// See [`super::career_matches`].
    pub async fn career_matches(
        tx: &mut Tx,
        result: InterestScores,
        zone: Option<JobZone>,
        filters: BlsFilters,
    ) -> Result<MyMatches, AppError> {
        let completed_at = result.completed_at;
        let mut summaries = summaries(tx).await?;
        let careers: Vec<CareerProfile> =
            profiles(tx).await?.into_iter().filter(|career| filters.admits(summaries.get(&career.code))).collect();
        let ranking = match rank(&result.scores, &careers, zone)? {
            Ranking::Ranked { mut matches, narrow } => {
                for found in &mut matches {
                    found.bls = summaries.remove(&found.code);
                }
                sort_matches(&mut matches, filters.sort);
                Ranking::Ranked { matches, narrow }
            }
            Ranking::Flat => Ranking::Flat,
        };
        Ok(MyMatches::Found { scores: result.scores, completed_at, ranking })
    }

    /// Reorders ranked matches by pay or growth (highest first, those without figures last);
    /// the sort is stable, so equal figures keep their fit order, and the page's fit groups
    /// keep the new order inside each group.
    pub fn sort_matches(matches: &mut [CareerMatch], sort: CareerSort) {
        match sort {
            CareerSort::Default => {}
            CareerSort::Pay => matches.sort_by_key(|m| {
                std::cmp::Reverse(m.bls.as_ref().and_then(|b| b.annual_median).map(Wage::annual_floor))
            }),
            CareerSort::Growth => matches.sort_by(|a, b| {
                let growth = |m: &CareerMatch| m.bls.as_ref().map(|b| b.change_percent);
                match (growth(a), growth(b)) {
                    (Some(a), Some(b)) => b.total_cmp(&a),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }),
        }
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
                    interests: [
                        row.realistic,
                        row.investigative,
                        row.artistic,
                        row.social,
                        row.enterprising,
                        row.conventional,
                    ],
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
