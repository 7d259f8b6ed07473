//! Server side of taking an assessment: the list and introductions with someone's progress,
//! a page of their attempt, and saving a page's answers (and where to go next).

use crate::assessments::definition::NumberedQuestion;
use crate::assessments::domain::{page_of, AssessmentCard, AssessmentStatus, Go, Progress, QuestionProblem, ResultStatus, SaveOutcome, TakePage, PAGE_SIZE};
use crate::assessments::scoring::Answers;
use crate::assessments::store::{self, Taker, Version};
use crate::db::Tx;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// Every published assessment the taker may see, with their progress on each.
pub async fn assessment_cards(tx: &mut Tx, taker: &Taker) -> Result<Vec<AssessmentCard>, AppError> {
    let slugs = sqlx::query_scalar!(
        r#"select slug::text as "slug!" from assessments where status = $1 and deleted_at is null
            group by slug order by min(case when organization_id is null then 0 else 1 end), min(title)"#,
        AssessmentStatus::Published as AssessmentStatus,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut cards = Vec::with_capacity(slugs.len());
    for slug in slugs {
        // One assessment that fails to load (logged by the loader) must not hide the others.
        match card(tx, taker, &slug).await {
            Ok(card) => cards.push(card),
            Err(AppError::Internal) => tracing::warn!(%slug, "assessment left out of the list: it does not load"),
            Err(error) => return Err(error),
        }
    }
    Ok(cards)
}

/// One published assessment as listed and introduced.
pub async fn card(tx: &mut Tx, taker: &Taker, slug: &str) -> Result<AssessmentCard, AppError> {
    let version = store::published(tx, slug).await?;
    let answers = taker.answers(tx, &version).await?;
    let latest = latest_completed(tx, taker, slug).await?;
    let total = version.questions.len() as u32;
    let progress = if !answers.is_empty() {
        Progress::InProgress { answered: answers.len() as u32, total }
    } else if let Some((code, completed_on)) = latest {
        Progress::Completed { code, completed_on }
    } else {
        Progress::NotStarted
    };
    Ok(AssessmentCard {
        slug: version.slug.clone(),
        title: version.title.clone(),
        description: version.description.clone(),
        notice: version.notice.clone(),
        version: version.version,
        estimated_minutes: version.estimated_minutes,
        questions: total,
        built_in: version.organization_id.is_none(),
        dimensions: version.scoring.dimensions.iter().map(|d| d.label.clone()).collect(),
        in_progress: !answers.is_empty(),
        progress,
    })
}

/// The code and day of the taker's latest completed result of `slug`, any version.
async fn latest_completed(tx: &mut Tx, taker: &Taker, slug: &str) -> Result<Option<(String, NaiveDate)>, AppError> {
    match taker {
        Taker::Member(user) => {
            let row = sqlx::query!(
                r#"select coalesce(r.summary_code, '') as "code!", r.completed_at as "completed_at!: DateTime<Utc>"
                     from assessment_results r join assessments a on a.id = r.assessment_id
                    where r.user_id = $1 and a.slug = $2::text::citext and r.status = $3 and r.deleted_at is null
                    order by r.completed_at desc limit 1"#,
                user.user_id,
                slug,
                ResultStatus::Completed as ResultStatus,
            )
            .fetch_optional(&mut **tx)
            .await?;
            Ok(row.map(|row| (row.code, row.completed_at.date_naive())))
        }
        Taker::Visitor(session) => {
            let ids = sqlx::query_scalar!("select id from assessments where slug = $1::text::citext", slug)
                .fetch_all(&mut **tx)
                .await?;
            let results = store::visitor_results(session).await?;
            Ok(results
                .iter()
                .rev()
                .find(|r| ids.contains(&r.version_id))
                .map(|r| (r.sheet.summary.code.clone(), r.completed_at.date_naive())))
        }
    }
}

/// The questions on `page` (1-based) of `version`.
fn questions_on(version: &Version, page: u32) -> Vec<&NumberedQuestion> {
    version.questions.iter().skip((page.max(1) as usize - 1) * PAGE_SIZE).take(PAGE_SIZE).collect()
}

/// See [`crate::assessments::api::assessment_page`].
pub async fn assessment_page(
    tx: &mut Tx,
    taker: &Taker,
    slug: String,
    page: Option<u32>,
    check: bool,
) -> Result<TakePage, AppError> {
    let version = store::published(tx, &slug).await?;
    let answers = taker.answers(tx, &version).await?;
    let total = version.questions.len() as u32;
    let pages = total.div_ceil(PAGE_SIZE as u32).max(1);
    let page = match page {
        Some(page) if (1..=pages).contains(&page) => page,
        Some(page) => return Err(AppError::NotFound(format!("page {page} of this assessment"))),
        None => version.unanswered(&answers).first().map(|position| page_of(*position)).unwrap_or(pages),
    };
    let questions: Vec<NumberedQuestion> = questions_on(&version, page).into_iter().cloned().collect();
    let on_page: Answers =
        questions.iter().filter_map(|q| answers.get(&q.position).map(|a| (q.position, a.clone()))).collect();
    let missing = if check {
        questions.iter().filter(|q| q.question.required && !on_page.contains_key(&q.position)).map(|q| q.position).collect()
    } else {
        Vec::new()
    };
    Ok(TakePage {
        version_id: version.id,
        slug: version.slug.clone(),
        title: version.title.clone(),
        notice: version.notice.clone(),
        page,
        pages,
        questions,
        answers: on_page,
        answered: answers.len() as u32,
        total,
        missing,
        signed_in: taker.is_member(),
    })
}

/// One page's form as posted to [`crate::assessments::api::save_answers`].
pub struct PageAnswers {
    pub slug: String,
    pub version_id: Uuid,
    pub page: u32,
    pub go: Go,
    pub answers: HashMap<String, String>,
}

/// See [`crate::assessments::api::save_answers`]: records the page's answers (valid ones even when another needs
/// fixing), then moves on, or gives the invalid ones back as `Err(Refused)` so that the valid
/// ones are committed before the refusal becomes the server function's error.
pub async fn save_answers(tx: &mut Tx, taker: &Taker, form: PageAnswers) -> Result<Result<SaveOutcome, Refused>, AppError> {
    let PageAnswers { slug, version_id, page, go, answers } = form;
    let version = store::published(tx, &slug).await?;
    if version.id != version_id {
        return Err(AppError::Conflict(
            "This assessment has been updated since you opened the page. Reload it to continue with the new version.".into(),
        ));
    }
    let on_page = questions_on(&version, page);
    if on_page.is_empty() {
        return Err(AppError::NotFound(format!("page {page} of this assessment")));
    }
    if go == Go::Finish {
        if let Some(outcome) = finished_already(tx, taker, &version).await? {
            return Ok(Ok(outcome));
        }
    }
    let (given, problems) = read_page(&on_page, &answers);
    // Valid answers are kept even when another on the page needs fixing; a question answered
    // invalidly keeps what it had.
    let positions: Vec<u32> = on_page
        .iter()
        .map(|q| q.position)
        .filter(|p| given.contains_key(p) || !problems.iter().any(|problem| problem.position == *p))
        .collect();
    taker.record(tx, &version, &positions, &given).await?;
    let answers = taker.answers(tx, &version).await?;
    let outcome = SaveOutcome { answered: answers.len() as u32, total: version.questions.len() as u32 };
    if !problems.is_empty() {
        return Ok(Err(Refused(problems)));
    }
    if let Some(target) = next_place(tx, taker, &version, &on_page, &answers, page, go).await? {
        leptos_axum::redirect(&target);
    }
    Ok(Ok(outcome))
}

/// The answers read from a page's form, and the questions answered in a way they don't accept.
fn read_page(on_page: &[&NumberedQuestion], form: &HashMap<String, String>) -> (Answers, Vec<QuestionProblem>) {
    let mut given = Answers::new();
    let mut problems = Vec::new();
    for numbered in on_page {
        match numbered.question.answer_from_form(numbered.position, form) {
            Ok(Some(answer)) => {
                given.insert(numbered.position, answer);
            }
            Ok(None) => {}
            Err(message) => problems.push(QuestionProblem { position: numbered.position, message }),
        }
    }
    (given, problems)
}

/// A second press of Finish (a double click, a resent form) finds the attempt already completed:
/// show that result rather than starting a new attempt from this page.
async fn finished_already(tx: &mut Tx, taker: &Taker, version: &Version) -> Result<Option<SaveOutcome>, AppError> {
    let Taker::Member(user) = taker else { return Ok(None) };
    if !taker.answers(tx, version).await?.is_empty() {
        return Ok(None);
    }
    let just_completed = sqlx::query_scalar!(
        "select id from assessment_results where user_id = $1 and assessment_id = $2 \
            and status = $3 and completed_at > now() - interval '2 minutes' \
          order by completed_at desc limit 1",
        user.user_id,
        version.id,
        ResultStatus::Completed as ResultStatus,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(just_completed.map(|id| {
        leptos_axum::redirect(&format!("/assessments/{}/results/{id}", version.slug));
        let total = version.questions.len() as u32;
        SaveOutcome { answered: total, total }
    }))
}

/// Where the page goes after saving: nowhere (stay), the page before or after, this page or
/// the first unfinished one with its unanswered questions pointed out, or the result once
/// finished (completing the attempt).
async fn next_place(
    tx: &mut Tx,
    taker: &Taker,
    version: &Version,
    on_page: &[&NumberedQuestion],
    answers: &Answers,
    page: u32,
    go: Go,
) -> Result<Option<String>, AppError> {
    let slug = &version.slug;
    Ok(match go {
        Go::Stay => None,
        Go::Back => Some(format!("/assessments/{slug}/take?page={}", page.saturating_sub(1).max(1))),
        Go::Next => {
            let missing = on_page.iter().any(|q| q.question.required && !answers.contains_key(&q.position));
            Some(if missing {
                format!("/assessments/{slug}/take?page={page}&check=1#unanswered")
            } else {
                format!("/assessments/{slug}/take?page={}", page + 1)
            })
        }
        Go::Finish => match version.unanswered(answers).first() {
            Some(position) => Some(format!("/assessments/{slug}/take?page={}&check=1#unanswered", page_of(*position))),
            None => {
                let key = taker.complete(tx, version, answers).await?;
                Some(match taker {
                    Taker::Member(_) => format!("/assessments/{slug}/results/{key}"),
                    Taker::Visitor(_) => format!("/assessments/{slug}/results"),
                })
            }
        },
    })
}

/// The page's invalid answers, one form-level message each ("Question 5: Choose one of the
/// points.").
pub struct Refused(Vec<QuestionProblem>);

impl From<Refused> for AppError {
    fn from(Refused(problems): Refused) -> Self {
        let mut errors = crate::domain::FieldErrors::new();
        errors.add_general(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "));
        AppError::Invalid(errors)
    }
}
