//! Assessments: instruments, taking them, and scoring them.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

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
