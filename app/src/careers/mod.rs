//! Careers: the 923 O*NET 29.3 occupations with what people in them do, the technology they
//! use, the preparation they take and their interest profiles; matching people to them from
//! their Interest Profiler scores; and the career someone chooses as their goal.
//!
//! - [`domain`]: codes, job zones, what the pages show, the O*NET credit line.
//! - [`areas`]: the six RIASEC interest areas.
//! - [`matching`]: ranking careers by how well they fit someone's scores (pure).
//! - [`api`]: the server functions.
//! - pages: `/careers` ([`CareersPage`]), `/careers/:code` ([`CareerPage`]), `/careers/matches`
//!   ([`CareerMatchesPage`]), and [`TopMatches`] for an Interest Profiler results page.

pub mod api;
mod browse;
mod detail;
pub mod domain;
mod matches;
pub mod matching;

pub use api::*;
pub use browse::CareersPage;
pub use detail::{CareerPage, InterestProfileChart};
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
