use crate::ui::{ComingArea, ComingAreaPage};
use leptos::prelude::*;

/// Until this area opens, its page says plainly what it will do.
pub const AREA: ComingArea = ComingArea {
    title: "Sign in",
    description: "Sign in to Waypoint to keep your assessment results, bookings and roadmap in one place.",
    path: "/sign-in",
    heading: "Sign in",
    summary: "Accounts keep your results, sessions and roadmap together.",
    plans: &[
        "Create an account with your school's or career centre's invite code, or join the community.",
        "Sign in with your email or username, and sign out of every device at once.",
        "Keep a profile with your interests, goals and time zone.",
    ],
};

#[component]
pub fn SignInPage() -> impl IntoView {
    view! { <ComingAreaPage area=&AREA/> }
}
