//! Resources: the searchable library of learning material.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Resource library",
    description:
        "Search Waypoint's library of articles, videos, courses and templates for exploring and preparing for careers.",
    path: "/resources",
    heading: "Resource library",
    summary: "Articles, videos, courses and templates, chosen to help you prepare.",
    plans: &[
        "Search the whole library by topic, with results ranked by relevance.",
        "Filter by type and by how long a resource takes.",
        "Keep track of what you have read and finished.",
    ],
};

#[component]
pub fn ResourcesPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
