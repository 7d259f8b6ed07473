//! Booking: mentors, their availability, and sessions with students.

use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Mentors",
    description: "Find a mentor on Waypoint and book a one-to-one career session at a time that suits you both.",
    path: "/mentors",
    heading: "Mentors",
    summary: "Talk with people who do the work you are curious about.",
    plans: &[
        "Search mentors in your school or career centre by expertise.",
        "Book a session at a time that suits you both, shown in your own time zone.",
        "Pay securely, get reminders, and add the session to your calendar.",
    ],
};

#[component]
pub fn MentorsPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
