//! The frame and navigation shared by the account pages.

use leptos::prelude::*;
use leptos_router::components::A;

const ACCOUNT_LINKS: [(&str, &str); 9] = [
    ("/account", "Profile"),
    ("/account/profile", "Edit profile"),
    ("/account/mentor", "Become a mentor"),
    ("/account/listing", "Mentor listing"),
    ("/account/earnings", "Earnings"),
    ("/account/billing", "Billing"),
    ("/account/notifications", "Notifications"),
    ("/account/security", "Sign-in and security"),
    ("/account/data", "Your data"),
];

/// The account area's own navigation; the current page is marked with `aria-current` by `<A>`.
#[component]
pub fn AccountNav() -> impl IntoView {
    view! {
        <nav aria-label="Account" class="subnav">
            <ul>
                {ACCOUNT_LINKS.iter().map(|(href, label)| view! { <li><A href=*href exact=true>{*label}</A></li> }).collect_view()}
            </ul>
        </nav>
    }
}

/// A signed-in person's account page: the sign-in check, then the section (`class`) with the
/// account navigation and the page's heading (`None` when the page writes its own) above
/// `children`.
#[component]
pub fn AccountSection(class: &'static str, heading: Option<&'static str>, children: ChildrenFn) -> impl IntoView {
    view! {
        <crate::accounts::RequireUser children=move |_user| view! {
            <section class=class aria-labelledby="page-heading">
                <AccountNav/>
                {heading.map(|heading| view! { <h1 id="page-heading">{heading}</h1> })}
                {children()}
            </section>
        }/>
    }
}
