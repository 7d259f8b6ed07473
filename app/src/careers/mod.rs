//! Careers: the 923 O*NET 29.3 occupations with what people in them do, the technology they
//! use, the preparation they take and their interest profiles; matching people to them from
//! their Interest Profiler scores; and the career someone chooses as their goal.
//!
//! - [`domain`]: codes, job zones, the careers search, what the pages show, the O*NET credit line.
//! - [`matching`]: ranking careers by how well they fit someone's scores (pure).
//! - [`outlook`]: BLS pay and outlook: how careers join BLS's codes, the figures, the plain-words
//!   outlook bins, O*NET's Bright Outlook criteria, and the browse and matches filters (pure).
//! - [`entry`]: the way into a career (BLS entry education, experience and training with the job
//!   zone) for the roadmap generator; `entry::ssr::entry_facts` reads the figures.
//! - [`api`]: the server functions, and in `api::ssr` their bodies and queries.
//! - pages: `/careers` (`browse.rs`, [`CareersPage`]), `/careers/:code` (`detail.rs`,
//!   [`CareerPage`]), `/careers/matches` (`matches.rs`, [`CareerMatchesPage`], and [`TopMatches`]
//!   for an Interest Profiler results page).
//!
//! The six RIASEC interest areas are shared with assessments in `crate::domain::riasec`.
//! Careers learns someone's Interest Profiler scores from assessments
//! (`assessments::api::current_interest_scores`); assessments doesn't depend on careers (the app
//! hands its results page [`TopMatches`] as context).

pub mod api;
mod browse;
mod detail;
pub mod domain;
pub mod entry;
mod matches;
pub mod matching;
pub mod outlook;

pub use api::*;
pub use browse::CareersPage;
pub use detail::CareerPage;
pub use domain::{CareerCode, CareerGoal, JobZone, ONET_CREDIT};
pub use matches::{CareerMatchesPage, TopMatches};

use leptos::prelude::*;
use leptos_router::components::A;

/// The O*NET credit line the licence asks for, with a link to the data credits.
#[component]
pub fn OnetCredit() -> impl IntoView {
    view! {
        <p class="credit">
            {ONET_CREDIT}
            " "
            <A href="/about#data">"About the data"</A>
        </p>
    }
}

/// Where someone takes the Interest Profiler.
pub const INTEREST_PROFILER_PATH: &str = "/assessments/interest-profiler";
