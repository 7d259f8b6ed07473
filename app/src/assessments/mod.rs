//! Assessments: instruments of six question types, taking them a page at a time with every
//! answer saved as it is given, and scoring them as each version declares. The built-in
//! instrument is the O*NET Interest Profiler Short Form; administrators author their own.
//!
//! - [`domain`]: what the pages show, the statuses (`assessment_status`,
//!   `assessment_result_status`), where a page goes next ([`Go`]), page numbering.
//! - [`definition`]: an assessment as authored, its checks and its stored columns.
//! - [`scoring`]: answers, and turning them into scores and a summary code (pure).
//! - [`interest_profiler`]: the O*NET Interest Profiler Short Form as a definition.
//! - [`api`]: the server functions for taking and results; their bodies are server-only in
//!   `api::ssr::{take, results}`, over [`store`] (versions, attempts kept in the account
//!   or in a visitor's session, adopting a visitor's work at sign-in).
//! - [`authoring`]: administrators write, preview and publish versions.
//! - pages: `/assessments` and `/assessments/:slug` (`list_page`, also [`MyResults`] for the
//!   account page), `/assessments/:slug/take` (`take_page`, with `question_field`, the question
//!   control the authoring preview shares), `/assessments/:slug/results[/:id]` (`result_page`,
//!   with [`chart`]).

pub mod api;
pub mod authoring;
pub mod chart;
pub mod definition;
pub mod domain;
pub mod interest_profiler;
mod list_page;
mod question_field;
mod result_page;
pub mod scoring;
#[cfg(feature = "ssr")]
pub mod store;
mod take_page;
#[cfg(test)]
mod tests;

pub use api::*;
pub use authoring::{AssessmentEditorPage, AssessmentsAdminPage};
pub use domain::*;
pub use list_page::{AssessmentIntroPage, AssessmentsPage, MyResults};
pub use result_page::{AssessmentResultPage, CareersToExplore};
pub use take_page::TakeAssessmentPage;
