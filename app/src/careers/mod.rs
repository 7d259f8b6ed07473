//! Careers: occupations with their interest profiles, and matching people to them.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Careers",
    description: "Explore occupations from O*NET data on Waypoint, matched to your interests and grouped by the preparation they take.",
    path: "/careers",
    heading: "Careers",
    summary: "Explore occupations and how well they fit your interests.",
    plans: &[
        "Browse O*NET occupations with what people in them do and the tools they use.",
        "See careers ranked by how closely they match your interest profile, and why.",
        "Filter by how much preparation a career takes, and choose one as your goal.",
    ],
};

#[component]
pub fn CareersPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
