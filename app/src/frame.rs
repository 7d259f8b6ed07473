//! The frame around every page: the skip link, the header with the main navigation and the
//! account menu, and the footer. Above the capabilities (it shows who is signed in), so `ui`
//! stays a leaf.

use leptos::prelude::*;
use leptos_router::components::A;

const NAV: [(&str, &str); 5] = [
    ("/assessments", "Assessments"),
    ("/careers", "Careers"),
    ("/mentors", "Mentors"),
    ("/roadmap", "Roadmap"),
    ("/resources", "Resources"),
];

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"◆"</span>
                    <span>"Waypoint"</span>
                </A>
                <nav aria-label="Main">
                    <ul class="nav-list">
                        {NAV.iter().map(|(href, label)| view! {
                            <li><A href=*href>{*label}</A></li>
                        }).collect_view()}
                    </ul>
                </nav>
                <AccountMenu/>
            </div>
        </header>
    }
}

/// "Sign in" for visitors; the person's name, their account links and "Sign out" otherwise.
#[component]
fn AccountMenu() -> impl IntoView {
    let auth = crate::accounts::use_auth();
    // The notification badge's count at page load, made here rather than inside the Suspend
    // below, whose children the server may run twice (hydration ids; see admin/users.rs).
    // Read again when someone signs in or out; a visitor has none to read.
    let unread = Resource::new(
        move || (auth.sign_in.version().get(), auth.sign_up.version().get(), auth.sign_out.version().get()),
        move |_| async move {
            match auth.user.await {
                Ok(Some(_)) => crate::notifications::unread_notifications().await,
                _ => Ok(0),
            }
        },
    );
    view! {
        <div class="account-menu">
            <Transition fallback=|| view! { <A href="/sign-in" attr:class="button button--ghost">"Sign in"</A> }>
                {move || Suspend::new(async move {
                    let user = auth.user.await;
                    // Without its count (the database briefly away) the link still shows, with none.
                    let loaded = unread.await.unwrap_or_else(|error| {
                        tracing::warn!(%error, "could not read the unread count");
                        0
                    });
                    match user {
                        Ok(Some(user)) => view! {
                            <A href="/account" attr:class="account-menu__name">{user.first_name.clone()}</A>
                            <crate::notifications::NotificationBadge loaded/>
                            <A href="/booking">"Sessions"</A>
                            <A href="/progress">"Progress"</A>
                            {user.role.is_admin().then(|| view! { <A href="/admin">"Admin"</A> })}
                            <ActionForm action=auth.sign_out attr:class="inline-form">
                                <button type="submit" class="button button--ghost">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! { <A href="/sign-in" attr:class="button button--ghost">"Sign in"</A> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p>"Waypoint helps students explore careers, meet mentors and plan their next steps."</p>
                <p class="muted">"Run by schools and career centres for their own people."</p>
                <p><A href="/pricing">"Pricing"</A>" · "<A href="/about">"About Waypoint and data credits"</A></p>
            </div>
        </footer>
    }
}

