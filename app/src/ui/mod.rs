//! Components shared by every capability: page metadata, the site frame, error display.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::A;

/// The public origin pages are served from (no trailing slash), for canonical links and sitemaps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrl(pub String);

impl SiteUrl {
    pub const META_NAME: &'static str = "waypoint:site-url";

    /// On the server the configuration provides it; in the browser the server wrote it into a
    /// `<meta>` tag, so client-side navigation renders the same canonical links.
    pub fn current() -> SiteUrl {
        if let Some(url) = use_context::<SiteUrl>() {
            return url;
        }
        #[cfg(feature = "hydrate")]
        {
            let from_page = document()
                .query_selector(&format!("meta[name='{}']", Self::META_NAME))
                .ok()
                .flatten()
                .and_then(|meta| meta.get_attribute("content"));
            if let Some(url) = from_page {
                return SiteUrl(url);
            }
        }
        SiteUrl("http://127.0.0.1:3000".to_string())
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.0.trim_end_matches('/'), path)
    }
}

/// Title, description, canonical link and OpenGraph tags for a public page.
#[component]
pub fn PageMeta(
    /// The page's own title; " · Waypoint" is appended.
    title: &'static str,
    description: &'static str,
    /// The canonical path, e.g. "/careers".
    path: &'static str,
) -> impl IntoView {
    let canonical = SiteUrl::current().absolute(path);
    let full_title = if path == "/" {
        "Waypoint: career guidance that fits you".to_string()
    } else {
        format!("{title} · Waypoint")
    };
    view! {
        <Title text=full_title.clone()/>
        <Meta name="description" content=description/>
        <Meta property="og:title" content=full_title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:url" content=canonical.clone()/>
        <Link rel="canonical" href=canonical/>
    }
}

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
                <A href="/sign-in" attr:class="button button--ghost">"Sign in"</A>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p>"Waypoint helps students explore careers, meet mentors and plan their next steps."</p>
                <p class="muted">"Run by schools and career centres for their own people."</p>
            </div>
        </footer>
    }
}

/// An area a later release fills. Its page says plainly what it will do and shows no invented data.
#[derive(Debug)]
pub struct ComingArea {
    pub title: &'static str,
    pub description: &'static str,
    pub path: &'static str,
    pub heading: &'static str,
    pub summary: &'static str,
    /// What the area will let people do, one line each.
    pub plans: &'static [&'static str],
}

#[component]
pub fn ComingAreaPage(area: &'static ComingArea) -> impl IntoView {
    view! {
        <PageMeta title=area.title description=area.description path=area.path/>
        <section class="page coming-soon" aria-labelledby="page-heading">
            <h1 id="page-heading">{area.heading}</h1>
            <p class="lead">{area.summary}</p>
            <div class="notice">
                <strong>"Coming soon. "</strong>
                "This area isn't open yet. Here is what it will let you do:"
            </div>
            <ul class="plan-list">
                {area.plans.iter().map(|plan| view! { <li>{*plan}</li> }).collect_view()}
            </ul>
            <p><A href="/">"Back to the home page"</A></p>
        </section>
    }
}

/// Shows typed errors from an `ErrorBoundary` as readable messages.
#[component]
pub fn ErrorMessages(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="error-box" role="alert">
            <p><strong>"We couldn't load this part of the page."</strong></p>
            <ul>
                {move || errors.get().into_iter().map(|(_, error)| {
                    let message = error
                        .downcast_ref::<AppError>()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| AppError::Internal.to_string());
                    view! { <li>{message}</li> }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn an_error_boundary_shows_the_typed_message_not_the_cause() {
        let owner = Owner::new();
        let html = owner.with(|| {
            view! {
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {Err::<(), AppError>(AppError::Unavailable)}
                </ErrorBoundary>
            }
            .to_html()
        });
        assert!(
            html.contains("We couldn&#39;t load this part of the page.")
                || html.contains("We couldn't load this part of the page."),
            "{html}"
        );
        assert!(html.contains("Waypoint is briefly unavailable. Please try again in a moment."), "{html}");
        assert!(html.contains(r#"role="alert""#));
    }
}
