//! Assessments: instruments, taking them, and scoring them.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The six raw Interest Profiler scores a career match is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterestScores {
    /// The saved result the scores come from; `None` for a result kept in an anonymous session.
    pub result_id: Option<uuid::Uuid>,
    /// Raw scores 0-40 in the order R, I, A, S, E, C.
    pub scores: [f64; 6],
    /// When the result was completed (RFC 3339).
    pub completed_at: String,
}

/// The latest completed Interest Profiler result of whoever is asking: the signed-in user's
/// saved one, or the one kept in an anonymous session. `None` when they haven't taken it.
#[cfg(feature = "ssr")]
pub async fn current_interest_scores() -> Result<Option<InterestScores>, crate::error::AppError> {
    // Filled in by the assessment engine (in progress in this change).
    Ok(None)
}

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Career assessments",
    description: "Take the O*NET Interest Profiler and other career assessments on Waypoint, and see which kinds of work fit your interests.",
    path: "/assessments",
    heading: "Career assessments",
    summary: "Discover which kinds of work draw you, with real, published instruments.",
    plans: &[
        "Take the O*NET Interest Profiler (60 short questions) with or without an account.",
        "Pick up where you left off: every answer is saved as you give it.",
        "See your six interest scores as a chart and your three-letter interest code.",
    ],
};

#[component]
pub fn AssessmentsPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
