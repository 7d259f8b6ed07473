//! The assessments' server functions for people taking them (authoring has its own in
//! [`super::authoring`]). Their bodies are server-only, in `ssr::take` (taking) and
//! `ssr::results` (results).

use super::domain::{AssessmentCard, Go, ResultSummary, ResultView, SaveOutcome, TakePage};
#[cfg(feature = "ssr")]
use super::domain::InterestScores;
#[cfg(feature = "ssr")]
use super::store::Taker;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// The latest completed Interest Profiler result of whoever is asking: the signed-in user's
/// saved one, or the one kept in an anonymous session. `None` when they haven't taken it.
/// (For careers' matching; [`ssr::results::interest_scores`] is the same inside a transaction.)
#[cfg(feature = "ssr")]
pub async fn current_interest_scores() -> Result<Option<InterestScores>, AppError> {
    crate::db::visitor(|caller, tx| {
        Box::pin(async move { ssr::results::interest_scores(tx, &Taker::new(caller).await?).await })
    })
    .await
}

/// The assessments open to whoever is asking, with their progress on each.
#[server(endpoint = "assessments")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn assessment_cards() -> Result<Vec<AssessmentCard>, AppError> {
    crate::db::visitor(|caller, tx| {
        Box::pin(async move { ssr::take::assessment_cards(tx, &Taker::new(caller).await?).await })
    })
    .await
}

/// One assessment's introduction.
#[server(endpoint = "assessment")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn assessment_intro(slug: String) -> Result<AssessmentCard, AppError> {
    crate::db::visitor(|caller, tx| {
        Box::pin(async move { ssr::take::card(tx, &Taker::new(caller).await?, &slug).await })
    })
    .await
}

/// A page of the caller's attempt. Without `page`, the page to resume on: the first with a
/// required question unanswered, or the last. `check` marks that page's unanswered questions.
#[server(endpoint = "assessment_page")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn assessment_page(slug: String, page: Option<u32>, check: bool) -> Result<TakePage, AppError> {
    crate::db::visitor(|caller, tx| {
        Box::pin(async move { ssr::take::assessment_page(tx, &Taker::new(caller).await?, slug, page, check).await })
    })
    .await
}

/// Saves one page's answers. `go` says what next: [`Go::Stay`] (an autosave as answers are
/// given, or no button), back, next or finish. Moving on with a required question unanswered
/// returns to the page with those questions pointed out; finishing with any unanswered goes to
/// the first such page.
#[server(endpoint = "assessment_save")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(answers)))]
pub async fn save_answers(
    slug: String,
    version_id: Uuid,
    page: u32,
    #[server(default)] go: Go,
    #[server(default)] answers: HashMap<String, String>,
) -> Result<SaveOutcome, AppError> {
    // `run` around `visitor`: a page with invalid answers still commits the valid ones, and the
    // refusal becomes the error after the commit.
    crate::db::run(async move {
        let saved = crate::db::visitor(|caller, tx| {
            Box::pin(async move {
                let taker = Taker::new(caller).await?;
                ssr::take::save_answers(tx, &taker, ssr::take::PageAnswers { slug, version_id, page, go, answers }).await
            })
        })
        .await?;
        saved.map_err(AppError::from)
    })
    .await
}

/// A completed result with its history: `result` names a saved one; without it, the caller's
/// latest (a visitor's comes from their session).
#[server(endpoint = "assessment_result")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn assessment_result(slug: String, result: Option<Uuid>) -> Result<ResultView, AppError> {
    crate::db::visitor(|caller, tx| {
        Box::pin(async move { ssr::results::assessment_result(tx, &Taker::new(caller).await?, slug, result).await })
    })
    .await
}

/// The signed-in person's completed results, newest first (for their account page).
#[server(endpoint = "my_results")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_results() -> Result<Vec<ResultSummary>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::results::my_results(tx, user))).await
}

/// The server functions' bodies (server-only): taking an assessment, and its results.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    pub mod results;
    pub mod take;
}
