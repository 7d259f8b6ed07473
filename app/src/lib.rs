//! Waypoint, the whole product as a library: components, routes, server functions and domain
//! types, one module per capability. The `ssr` feature adds the server side (queries, sessions),
//! `hydrate` the browser side; the two are never on together.

pub mod about;
pub mod accounts;
pub mod admin;
pub mod assessments;
pub mod booking;
pub mod careers;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod notifications;
pub mod payments;
mod frame;
pub mod home;
pub mod resources;
pub mod roadmaps;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Public pages, for the sitemap. Every one carries a title, description and canonical link.
pub const PUBLIC_PATHS: [&str; 11] = [
    "/",
    "/assessments",
    "/assessments/interest-profiler",
    "/careers",
    "/mentors",
    "/roadmap",
    "/resources",
    "/pricing",
    "/sign-in",
    "/sign-up",
    "/about",
];

/// What accounts runs at sign-up and sign-in for the capabilities above it (see
/// `accounts::hooks`): the server provides this as context.
#[cfg(feature = "ssr")]
pub const SIGN_IN_HOOKS: accounts::hooks::SignInHooks = accounts::hooks::SignInHooks(&[assessments::store::ADOPT_VISITOR_WORK]);

/// The server functions whose pages show a refused plain form post beside its fields (the page
/// takes `ui::form_flash` and gives its form a `ui::FormFeedback`). The server keeps such a
/// refusal for its page and sends the browser back (`plain_form_posts`); a refused plain post to
/// any other function is answered with the error itself, so no message is ever dropped.
#[cfg(feature = "ssr")]
pub fn forms_with_feedback() -> [&'static str; 26] {
    use server_fn::ServerFn;
    [
        <accounts::api::SignIn as ServerFn>::PATH,
        <accounts::api::SignUp as ServerFn>::PATH,
        <accounts::profile::api::SaveProfile as ServerFn>::PATH,
        <accounts::mentor_application::api::ApplyToMentor as ServerFn>::PATH,
        <assessments::api::SaveAnswers as ServerFn>::PATH,
        <payments::api::PayForBooking as ServerFn>::PATH,
        <payments::api::SavePayoutAccount as ServerFn>::PATH,
        <accounts::recovery::RequestPasswordReset as ServerFn>::PATH,
        <accounts::recovery::ResetPassword as ServerFn>::PATH,
        <accounts::recovery::ResendVerification as ServerFn>::PATH,
        <notifications::api::SaveNotificationPreferences as ServerFn>::PATH,
        <resources::SaveResource as ServerFn>::PATH,
        // Every roadmap form: the roadmap pages show a refused plain post (beside the step form's
        // fields, or in the page's message area for the one-button forms).
        <roadmaps::GenerateRoadmap as ServerFn>::PATH,
        <roadmaps::AddRoadmapStep as ServerFn>::PATH,
        <roadmaps::EditRoadmapStep as ServerFn>::PATH,
        <roadmaps::CommentOnRoadmap as ServerFn>::PATH,
        <roadmaps::SuggestRoadmapStep as ServerFn>::PATH,
        <roadmaps::MoveRoadmapStep as ServerFn>::PATH,
        <roadmaps::SetRoadmapStepStatus as ServerFn>::PATH,
        <roadmaps::RemoveRoadmapStep as ServerFn>::PATH,
        <roadmaps::DecideRoadmapSuggestion as ServerFn>::PATH,
        <roadmaps::ShareRoadmap as ServerFn>::PATH,
        <roadmaps::RevokeRoadmapShare as ServerFn>::PATH,
        <roadmaps::ShareRoadmapWithOrganization as ServerFn>::PATH,
        <roadmaps::SetRoadmapArchived as ServerFn>::PATH,
        <roadmaps::DeleteRoadmap as ServerFn>::PATH,
    ]
}

/// What the account page shows below the profile for the capabilities above accounts (see
/// `accounts::AccountSections`): provided as context by `App`, on the server and in the browser.
const ACCOUNT_SECTIONS: accounts::AccountSections = accounts::AccountSections(&[assessment_results_section, reading_section]);

/// The person's assessment results; its resource is made where the account page makes its own.
fn assessment_results_section() -> ViewFn {
    let results = Resource::new(|| (), |_| assessments::my_results());
    ViewFn::from(move || view! { <assessments::MyResults results/> })
}

/// The resources the person is reading or has read; its resource is made like the results'.
fn reading_section() -> ViewFn {
    let reading = Resource::new(|| (), |_| resources::my_reading());
    ViewFn::from(move || view! { <resources::ReadingList reading/> })
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let site_url = ui::SiteUrl::current().0;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4e89"/>
                <meta name=ui::SiteUrl::META_NAME content=site_url/>
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <AutoReload options=options.clone()/>
                // The stylesheet by its content-hashed name in the release build (cargo-leptos
                // `hash-files`), so browsers keep it for a year (server/src/assets.rs).
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Scripts run only from our origin or with this response's nonce (the hydration bootstrap);
/// WebAssembly compiles under 'wasm-unsafe-eval'. Other responses get the stricter default set
/// by the server's header layer.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let nonce = leptos::nonce::use_nonce().map(|nonce| format!(" 'nonce-{nonce}'")).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    match http::HeaderValue::from_str(&policy) {
        Ok(value) => response.insert_header(http::header::CONTENT_SECURITY_POLICY, value),
        Err(error) => tracing::error!(%error, "content security policy is not a valid header"),
    }
}

/// The app: context for every page, then the route table (one line per page, so over 60 lines).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    accounts::Auth::provide();
    provide_context(ACCOUNT_SECTIONS);
    // Careers fills the Interest Profiler results' "Careers to explore" (assessments doesn't
    // know careers, which reads assessments).
    provide_context(assessments::CareersToExplore(|scores| view! { <careers::TopMatches scores limit=5/> }.into_any()));

    // Effects run only in the browser: this marks the page as hydrated, so tests (and styles)
    // can tell a live page from the server-rendered HTML.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Router>
            <frame::SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=home::NotFoundPage>
                    // Async: the page waits for its figures, so they are in the HTML without JavaScript.
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::Async/>
                    // Async: titles come from the data, and every answer and score is in the HTML
                    // itself, so these pages read (and forms post) without JavaScript.
                    <Route path=path!("/assessments") view=assessments::AssessmentsPage ssr=SsrMode::Async/>
                    <Route path=path!("/assessments/:slug") view=assessments::AssessmentIntroPage ssr=SsrMode::Async/>
                    <Route path=path!("/assessments/:slug/take") view=assessments::TakeAssessmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/assessments/:slug/results") view=assessments::AssessmentResultPage ssr=SsrMode::Async/>
                    <Route path=path!("/assessments/:slug/results/:id") view=assessments::AssessmentResultPage ssr=SsrMode::Async/>
                    // Async so crawlers get whole pages and an unknown career a real 404. The static
                    // "matches" segment is listed before ":code" (and isn't a valid code anyway).
                    <Route path=path!("/careers") view=careers::CareersPage ssr=SsrMode::Async/>
                    <Route path=path!("/careers/matches") view=careers::CareerMatchesPage ssr=SsrMode::Async/>
                    <Route path=path!("/careers/:code") view=careers::CareerPage ssr=SsrMode::Async/>
                    <Route path=path!("/about") view=about::AboutPage/>
                    <Route path=path!("/mentors") view=booking::MentorsPage ssr=SsrMode::Async/>
                    <Route path=path!("/mentors/:handle") view=booking::MentorPage ssr=SsrMode::Async/>
                    <Route path=path!("/booking") view=booking::BookingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/booking/:id") view=booking::BookingPage ssr=SsrMode::Async/>
                    // Async: a visitor gets the public page whole, a roadmap's steps and forms are in the
                    // HTML (they post without JavaScript), and an unknown roadmap or a turned-off share
                    // link answers a real 404. The static "shared" segment comes before ":id".
                    <Route path=path!("/roadmap") view=roadmaps::RoadmapsPage ssr=SsrMode::Async/>
                    <Route path=path!("/roadmap/shared/:token") view=roadmaps::SharedRoadmapPage ssr=SsrMode::Async/>
                    <Route path=path!("/roadmap/:id") view=roadmaps::RoadmapDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/roadmap/:id/print") view=roadmaps::RoadmapPrintPage ssr=SsrMode::Async/>
                    // Async so crawlers get whole pages (a resource's JSON-LD, a renamed one's 301, an
                    // unknown one's 404) and the search form works without JavaScript. Routes match in
                    // order, so the static "manage" comes before ":slug" (and "manage" isn't a valid
                    // slug anyway). One route serves the editor's "new" and ids, so saving a new
                    // resource moves to its address without re-mounting the page.
                    <Route path=path!("/resources") view=resources::ResourcesPage ssr=SsrMode::Async/>
                    <Route path=path!("/resources/manage") view=resources::ManageResourcesPage ssr=SsrMode::Async/>
                    <Route path=path!("/resources/manage/:id") view=resources::ResourceEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/resources/:slug") view=resources::ResourcePage ssr=SsrMode::Async/>
                    // Async: the plans (and the signed-in person's own) are in the HTML; its forms post without JavaScript.
                    <Route path=path!("/pricing") view=payments::PricingPage ssr=SsrMode::Async/>
                    // Async: a form refused without JavaScript comes back with its messages in the HTML.
                    <Route path=path!("/sign-in") view=accounts::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-up") view=accounts::SignUpPage ssr=SsrMode::Async/>
                    // The account emails' links: a new password, a confirmed address.
                    <Route path=path!("/forgot-password") view=accounts::recovery::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password/:token") view=accounts::recovery::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email/:token") view=accounts::recovery::VerifyEmailPage ssr=SsrMode::Async/>
                    // Asks before it changes anything (mail scanners open links); its button posts.
                    <Route path=path!("/email/unsubscribe/:token") view=notifications::UnsubscribePage ssr=SsrMode::Async/>
                    // Pages for signed-in people render in full before responding, so a visitor
                    // who isn't signed in gets a real redirect to sign-in (and back after it).
                    <Route path=path!("/account") view=accounts::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/profile") view=accounts::ProfileEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/security") view=accounts::SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/mentor") view=accounts::MentorApplicationPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/listing") view=booking::ListingPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/data") view=accounts::DataPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/billing") view=payments::BillingPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/earnings") view=payments::EarningsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/billing/receipts/:id") view=payments::ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/notifications") view=notifications::NotificationPreferencesPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=notifications::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/progress") view=roadmaps::ProgressPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=admin::AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/applications") view=admin::AdminApplicationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=admin::AdminAuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/revenue") view=payments::RevenuePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox") view=notifications::OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox/:id") view=notifications::OutboxMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/assessments") view=assessments::AssessmentsAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/assessments/new") view=assessments::AssessmentEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/assessments/:id") view=assessments::AssessmentEditorPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <frame::SiteFooter/>
        </Router>
    }
}

/// The browser entry point, called by the `frontend` crate.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
