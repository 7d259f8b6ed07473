//! Roadmaps: personal plans towards a chosen career.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Your roadmap",
    description:
        "Build a personal career roadmap on Waypoint: steps, resources and milestones towards the career you choose.",
    path: "/roadmap",
    heading: "Your roadmap",
    summary: "A step-by-step plan towards the career you choose.",
    plans: &[
        "Start from a career you chose and get a suggested sequence of steps.",
        "Reorder, add and complete steps, with due dates and progress you can see.",
        "Share your roadmap with your mentor.",
    ],
};

#[component]
pub fn RoadmapPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
