//! The HTTP surface: Leptos routes and server functions, health, sitemap, static files, and the
//! tower layers every request passes through (tracing, compression, sessions, security headers).

use app::db::AppState;
use app::ui::SiteUrl;
use axum::extract::{FromRef, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use std::time::Duration;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

#[derive(Clone, Debug, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub site_url: SiteUrl,
}

#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub site_url: String,
    /// Secure cookies and HSTS (the site is served over HTTPS).
    pub behind_https: bool,
}

pub fn router(leptos_options: LeptosOptions, pool: PgPool, options: &HttpOptions) -> Router {
    let state = ServerState { leptos_options, pool: pool.clone(), site_url: SiteUrl(options.site_url.clone()) };
    let context = {
        let pool = pool.clone();
        let site_url = state.site_url.clone();
        let stats_cache = app::home::StatsCache::default();
        move || {
            provide_context(AppState { pool: pool.clone() });
            provide_context(site_url.clone());
            provide_context(stats_cache.clone());
        }
    };
    let routes = generate_route_list(app::App);

    let sessions = SessionManagerLayer::new(session_store(pool))
        .with_name("waypoint_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(options.behind_https)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(app::accounts::session::IDLE_LIFETIME_DAYS)));

    let behind_https = options.behind_https;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/account/export.json", get(app::accounts::data::ssr::export_handler))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        .with_state(state)
        .layer(axum::middleware::from_fn(server_fn_error_status))
        .layer(sessions)
        .layer(axum::middleware::from_fn(same_origin_writes))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            security_headers(request, next, behind_https)
        }))
        // Fastest: brotli's default level 4 spends more per page than rendering it (its encoder
        // sets up large hash tables per response); level 1 keeps most of the saving.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        // A span per request, tagged with its x-request-id (taken from a proxy or made here)
        // and echoed in the response, so a user's report can be matched to the log.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request.headers().get("x-request-id").and_then(|id| id.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// A server function whose arguments don't decode (a malformed request) never runs, so nothing
/// sets its status and server_fn answers 500. The typed error in the body knows better: such an
/// error is `AppError::Transport`, a 400, the caller's fault and not ours.
async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The session store: the session layer and the expired-session sweeper share this one definition.
pub fn session_store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
}

/// Whether the server and its database answer. 503 when the database does not within 2 s.
async fn healthz(State(pool): State<PgPool>) -> Response {
    let check = tokio::time::timeout(Duration::from_secs(2), sqlx::query_scalar::<_, i32>("select 1").fetch_one(&pool));
    match check.await {
        Ok(Ok(_)) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "database": "ok" }))).into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, "health check: database error");
            unhealthy()
        }
        Err(_) => {
            tracing::error!("health check: database did not answer within 2 s");
            unhealthy()
        }
    }
}

fn unhealthy() -> Response {
    let body = Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" }));
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// The public pages and every career's page (codes read from the database, so the sitemap
/// lists exactly the careers there are).
async fn sitemap(State(site_url): State<SiteUrl>, State(pool): State<PgPool>) -> Response {
    let codes: Vec<String> = match sqlx::query_scalar("select code from careers order by code").fetch_all(&pool).await {
        Ok(codes) => codes,
        Err(error) => {
            tracing::error!(%error, "sitemap: reading career codes failed");
            // Better no sitemap for a moment than one that drops every career page.
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "60")],
                "The sitemap is briefly unavailable.",
            )
                .into_response();
        }
    };
    let paths = app::PUBLIC_PATHS
        .iter()
        .map(|path| path.to_string())
        .chain(codes.iter().map(|code| format!("/careers/{code}")));
    let urls: String =
        paths.map(|path| format!("  <url><loc>{}</loc></url>\n", xml_escape(&site_url.absolute(&path)))).collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
    );
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response()
}

async fn robots(State(site_url): State<SiteUrl>) -> Response {
    let body = format!("User-agent: *\nDisallow: /api/\nSitemap: {}\n", site_url.absolute("/sitemap.xml"));
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// CSRF protection for every state-changing request (server functions are POSTs): the browser
/// must say it comes from this site, by `Origin` (sent by every current browser on POST) or, failing
/// that, `Referer`. SameSite=Lax cookies are the first line; this is the second. A request naming
/// neither is refused too: browsers always send one, and other clients have no session to abuse.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    use axum::http::Method;
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|value| value.to_str().ok())
        .map(origin_authority);
    match (claimed, host) {
        (Some(Some(authority)), Some(host)) if authority == host => next.run(request).await,
        (claimed, _) => {
            tracing::warn!(?claimed, "refused a cross-site or unattributed state-changing request");
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "application/json")],
                // The body a server function's caller decodes as our typed error.
                serde_json::to_string(&app::error::AppError::Forbidden).unwrap_or_default(),
            )
                .into_response()
        }
    }
}

/// "https://Example.org:8443/path" -> "example.org:8443"; `None` for "null" or anything unparsable.
fn origin_authority(value: &str) -> Option<String> {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    (!authority.is_empty()).then_some(authority)
}

/// Headers every response carries. HTML pages set their own Content-Security-Policy with the
/// request's nonce (app::shell); anything else gets a policy with no inline script at all.
async fn security_headers(request: Request, next: Next, behind_https: bool) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &str); 6] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(self)"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if behind_https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}
