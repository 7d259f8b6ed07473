//! The HTTP surface in-process: health, server-rendered pages, 404s, headers, sitemap.

use crate::support::TestDb;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use server::http::{router, HttpOptions, Pools};
use tower::ServiceExt;

pub(crate) fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("waypoint")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 3000)))
        .build()
}

/// The href of the page's canonical link (attribute order is the renderer's business).
fn canonical_href(body: &str) -> Option<String> {
    body.split("<link").skip(1).map(|tag| tag.split('>').next().unwrap_or_default()).find_map(|tag| {
        tag.contains(r#"rel="canonical""#)
            .then(|| tag.split(r#"href=""#).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string))
            .flatten()
    })
}

/// The whole site in-process, as `main` builds it (also used by `accounts`).
pub(crate) fn app(pool: sqlx::PgPool) -> axum::Router {
    router(
        leptos_options(),
        Pools { requests: pool.clone(), sessions: pool },
        &HttpOptions::for_site("https://waypoint.example"),
    )
}

async fn get(app: axum::Router, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::get(path).header(header::HOST, crate::web::HOST).body(Body::empty()).unwrap();
    let reply = crate::web::Reply::send(app, request).await;
    (reply.status, reply.headers, reply.body)
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let db = TestDb::new().await;
    let (status, _, body) = get(app(db.app.clone()), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["database"], "ok");

    db.app.close().await;
    let (status, _, body) = get(app(db.app.clone()), "/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["database"], "unreachable");
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_with_meta_and_a_nonce_csp() {
    let db = TestDb::new().await;
    server::demo::load(&db.owner).await.unwrap();
    let (status, headers, body) = get(app(db.app.clone()), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Find work that fits who you are."), "server-rendered heading");
    assert_eq!(canonical_href(&body).as_deref(), Some("https://waypoint.example/"));
    // The live figures are in the HTML itself, for visitors and crawlers without JavaScript.
    assert!(body.contains("Mentors ready to meet you"));
    assert!(body.contains(r#"<meta name="description""#));
    assert!(body.contains("<title>Waypoint: career guidance that fits you</title>"));

    let csp = headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the CSP");
    assert!(body.contains(&format!(r#"nonce="{nonce}""#)), "the hydration script carries the CSP nonce");
    assert!(csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
    assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_some(), "HSTS behind HTTPS");
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_readable_page() {
    let db = TestDb::new().await;
    let (status, headers, body) = get(app(db.app.clone()), "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("We couldn't find that page"));
    assert!(headers.get(header::CONTENT_SECURITY_POLICY).is_some());
}

#[tokio::test]
async fn every_public_page_has_title_description_and_canonical() {
    let db = TestDb::new().await;
    for path in app::PUBLIC_PATHS {
        let (status, _, body) = get(app(db.app.clone()), path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("<title>"), "{path} has a title");
        assert!(body.contains(r#"<meta name="description""#), "{path} has a description");
        assert_eq!(canonical_href(&body), Some(format!("https://waypoint.example{path}")), "{path} canonical link");
    }
}

#[tokio::test]
async fn sitemap_and_robots_list_the_public_pages() {
    let db = TestDb::new().await;
    let (status, headers, body) = get(app(db.app.clone()), "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("application/xml"));
    for path in app::PUBLIC_PATHS {
        assert!(body.contains(&format!("<loc>https://waypoint.example{path}</loc>")), "{path} in sitemap");
    }
    let (_, _, robots) = get(app(db.app.clone()), "/robots.txt").await;
    assert!(robots.contains("Sitemap: https://waypoint.example/sitemap.xml"));
}

#[tokio::test]
async fn the_platform_stats_server_function_answers_json() {
    let db = TestDb::new().await;
    server::demo::load(&db.owner).await.unwrap();
    let request = Request::post("/api/platform_stats")
        .header(header::HOST, "waypoint.example")
        .header(header::ORIGIN, "https://waypoint.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let response = app(db.app.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let stats: app::home::PlatformStats = serde_json::from_slice(&body).unwrap();
    assert_eq!((stats.mentors, stats.organizations), (3, 1));
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let db = TestDb::new().await;
    let (_, headers, _) = get(app(db.app.clone()), "/healthz").await;
    let id = headers.get("x-request-id").expect("x-request-id").to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn a_failing_server_function_answers_a_typed_error_with_its_status() {
    let db = TestDb::new().await;
    db.app.close().await;
    let request = Request::post("/api/platform_stats")
        .header(header::HOST, "waypoint.example")
        .header(header::ORIGIN, "https://waypoint.example")
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let response = app(db.app.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert!(!text.to_lowercase().contains("pool"), "no internals leak: {text}");
    use leptos::prelude::FromServerFnError;
    assert_eq!(app::error::AppError::de(body), app::error::AppError::Unavailable);
}

/// Without JavaScript, a visitor opening a page that needs an account is sent to sign in with a
/// real 302, even though the page's own data fetches answer "please sign in" (401) meanwhile.
#[tokio::test]
async fn protected_pages_redirect_a_visitor_to_sign_in_with_a_302() {
    let db = TestDb::new().await;
    let app = app(db.app.clone());
    for path in ["/account", "/account/profile", "/account/mentor", "/account/data", "/admin", "/admin/audit", "/admin/assessments"] {
        for _ in 0..3 {
            let request = Request::get(path)
                .header(header::HOST, crate::web::HOST)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap();
            let reply = crate::web::Reply::send(app.clone(), request).await;
            assert_eq!(reply.status, StatusCode::FOUND, "{path}");
            assert_eq!(reply.redirect(), Some(format!("/sign-in?next={path}").as_str()), "{path}");
        }
    }
}

/// A form posted by the browser itself (no JavaScript yet): a refusal comes back as the form's
/// page with the messages beside their fields and the values kept, never as a JSON body, and
/// the password is never kept.
#[tokio::test]
async fn a_plain_form_post_refused_comes_back_as_its_page_with_messages_and_values() {
    let db = TestDb::new().await;
    let site = app(db.app.clone());
    let fields = [
        ("email", "ines.example.org"),
        ("username", "ines_d"),
        ("first_name", "Ines"),
        ("last_name", "Duarte"),
        ("password", "ribbon lantern orchard 42"),
        ("invite_code", ""),
    ];
    let request = Request::post("/api/sign_up")
        .header(header::HOST, crate::web::HOST)
        .header(header::ORIGIN, crate::web::ORIGIN)
        .header(header::REFERER, format!("{}/sign-up?next=%2Fcareers", crate::web::ORIGIN))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .body(Body::from(crate::web::form(&fields)))
        .unwrap();
    let refused = crate::web::Reply::send(site.clone(), request).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    assert_eq!(refused.headers.get(header::LOCATION).unwrap(), "/sign-up?next=%2Fcareers");
    assert!(!refused.body.contains("Invalid"), "no JSON error body: {}", refused.body);
    let cookie = refused.session_cookie().expect("the refusal is kept in a session");

    let page = Request::get("/sign-up?next=%2Fcareers")
        .header(header::HOST, crate::web::HOST)
        .header(header::COOKIE, format!("waypoint_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let page = crate::web::Reply::send(site.clone(), page).await;
    assert_eq!(page.status, StatusCode::OK);
    let email_error = page.body.split(r#"id="field-email-error""#).nth(1).expect("the email field's message");
    assert!(email_error.contains("An email address needs an @, as in name@example.org."), "{}", page.body);
    assert!(page.body.contains(r#"value="ines.example.org""#), "the email typed is kept");
    assert!(page.body.contains(r#"value="Duarte""#), "the last name typed is kept");
    assert!(!page.body.contains("ribbon lantern orchard"), "the password is never kept");

    // Shown once: the next visit is a clean form.
    let again = Request::get("/sign-up")
        .header(header::HOST, crate::web::HOST)
        .header(header::COOKIE, format!("waypoint_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let again = crate::web::Reply::send(site, again).await;
    assert!(!again.body.contains("An email address needs an @"));
    assert!(!again.body.contains(r#"value="ines.example.org""#));
}

/// A plain form post to a function whose page does not show refused posts is answered with the
/// error itself (its status and message), never sent back to a page that would drop it.
#[tokio::test]
async fn a_plain_form_post_elsewhere_keeps_its_error() {
    let db = TestDb::new().await;
    let request = Request::post("/api/choose_career_goal")
        .header(header::HOST, crate::web::HOST)
        .header(header::ORIGIN, crate::web::ORIGIN)
        .header(header::REFERER, format!("{}/careers/15-1252.00", crate::web::ORIGIN))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .body(Body::from("code=15-1252.00"))
        .unwrap();
    let reply = crate::web::Reply::send(app(db.app.clone()), request).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert_eq!(reply.error(), app::error::AppError::Unauthenticated, "{}", reply.body);
    assert!(reply.session_cookie().is_none(), "nothing kept in a session for it");
}
