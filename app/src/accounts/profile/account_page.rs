//! `/account`: the signed-in person's profile.

use super::api::my_profile;
use super::domain::Profile;
use crate::accounts::account_nav::AccountSection;
use crate::ui::PageMeta;
use leptos::prelude::*;
use leptos_router::components::A;

/// What other capabilities show on the account page below the profile (the assessment
/// results), registered by the app as context the way [`crate::accounts::hooks`] are, so
/// accounts does not import the capabilities that import it. Each entry is called once where
/// the page's resources are made and gives the view to show.
#[derive(Clone, Copy, Default)]
pub struct AccountSections(pub &'static [fn() -> ViewFn]);

/// `/account`: the signed-in person's profile as others in their organization see it, then
/// the registered [`AccountSections`].
#[component]
pub fn AccountPage() -> impl IntoView {
    // Resources are made here (the sections' too), not inside RequireUser/RequireAdmin's
    // children: on the server those children can run twice (once in an owner already
    // disposed), and resources made there shift the ids the browser hydrates by, a hydration
    // panic (issue 11).
    let profile = Resource::new(|| (), |_| my_profile());
    let sections: Vec<ViewFn> = use_context::<AccountSections>().unwrap_or_default().0.iter().map(|section| section()).collect();
    view! {
        <PageMeta title="Your profile" description="Your Waypoint profile: who you are, what you're aiming for and how you like to work." path="/account"/>
        <crate::accounts::recovery::VerifyEmailReminder/>
        <AccountSection class="page" heading=None>
                    <Transition fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move { profile.await.map(|p| view! { <ProfileCard profile=p/> }) })}
                        </ErrorBoundary>
                    </Transition>
                    {sections.iter().map(ViewFn::run).collect_view()}
        </AccountSection>
    }
}

#[component]
fn ProfileCard(profile: Profile) -> impl IntoView {
    let Profile {
        username,
        email,
        first_name,
        last_name,
        role,
        organization_name,
        headline,
        bio,
        education_level,
        current_status,
        location,
        time_zone,
        interests,
        target_roles,
        links,
        preferences,
    } = profile;
    let or_blank = |value: Option<String>| value.unwrap_or_else(|| "Not given yet".to_string());
    let list = |items: Vec<String>| {
        if items.is_empty() {
            view! { <p class="muted">"None yet"</p> }.into_any()
        } else {
            view! { <ul class="tag-list">{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }.into_any()
        }
    };
    view! {
        <h1 id="page-heading">{format!("{first_name} {last_name}")}</h1>
        <p class="lead">{headline.clone().unwrap_or_else(|| "Add a headline so mentors know what you're aiming for.".into())}</p>
        <p><A href="/account/profile" attr:class="button">"Edit profile"</A></p>
        <dl class="details">
            <dt>"Username"</dt><dd>{username}</dd>
            <dt>"Email"</dt><dd>{email}</dd>
            <dt>"Organization"</dt><dd>{organization_name}</dd>
            <dt>"Role"</dt><dd>{role.label()}</dd>
            <dt>"Education"</dt><dd>{education_level.map(|e| e.label()).unwrap_or("Not given yet")}</dd>
            <dt>"Current status"</dt><dd>{current_status.map(|s| s.label()).unwrap_or("Not given yet")}</dd>
            <dt>"Location"</dt><dd>{or_blank(location)}</dd>
            <dt>"Time zone"</dt><dd>{time_zone}</dd>
            <dt>"Session format"</dt><dd>{preferences.session_format.label()}</dd>
            <dt>"Email reminders"</dt><dd>{if preferences.email_reminders { "On" } else { "Off" }}</dd>
        </dl>
        <h2>"About"</h2>
        <p class="prose">{or_blank(bio)}</p>
        <h2>"Interests"</h2>
        {list(interests)}
        <h2>"Target roles"</h2>
        {list(target_roles)}
        <h2>"Links"</h2>
        {if links.is_empty() {
            view! { <p class="muted">"None yet"</p> }.into_any()
        } else {
            view! { <ul>{links.into_iter().map(|link| view! { <li><a href=link.clone() rel="nofollow noopener">{link.clone()}</a></li> }).collect_view()}</ul> }.into_any()
        }}
    }
}
