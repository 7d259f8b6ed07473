//! The HTTP surface: Leptos routes and server functions, health, sitemap, static files, and the
//! tower layers every request passes through.
//!
//! The layers, outermost first (`serve.rs` below them all reads the request head within 10 s):
//! 0. the rendered-page cache (`page_cache.rs`): an anonymous GET of a public page whose copy is
//!    current is answered here, with the headers the page was rendered with;
//! 1. `SetRequestId`, `TraceLayer`, `PropagateRequestId`: a span per request, tagged with its
//!    x-request-id, which the response echoes;
//! 2. `CompressionLayer` (brotli / gzip at the fastest level);
//! 3. `known_hosts_only`: any `Host` but the site's own gets 421 (DNS rebinding);
//! 4. `security_headers` (CSP default, HSTS behind HTTPS, nosniff, frame and referrer policy);
//! 5. `client_address`: the client's IP (the peer, or a trusted proxy's `X-Forwarded-For`) as an
//!    extension for the sign-in throttle (`app::db::caller::ClientAddress`);
//!    `/healthz` is answered here, outside everything below;
//! 5a. static files from memory (`assets.rs`), content-hashed names kept for a year;
//! 6. the limits: load shedding past `max_in_flight` (503 + Retry-After), a 30 s response and a
//!    15 s body timeout;
//! 7. `same_origin_writes`: a POST from another origin is refused (CSRF);
//! 8. `private_responses_are_not_stored`: `Cache-Control: no-store` on anything personal;
//! 9. `session_store_outage_is_unavailable`: the session store's bare 500 becomes 503;
//! 10. the session layer (tower-sessions in PostgreSQL, on the guard pool);
//! 11. `plain_form_posts`: a form posted without JavaScript and refused comes back as its page;
//!    before it, with a read replica, `writers_read_their_writes` marks a writer's browser so
//!    their next reads stay on the primary;
//! 12. the router: `/sitemap.xml`, `/robots.txt`, `/account/export.json`, `/booking/{id}/calendar.ics`, the Leptos pages,
//!     `/api/*` server functions, and static files with the 404 page as fallback.
//!
//! A server-function call, e.g. `POST /api/choose_career_goal`, passes 1-11, then
//! `leptos_axum::handle_server_fns_with_context` provides the context (`ServerState::app`, the
//! site URL, the sign-in hooks) and runs the `#[server]` function, which is one line:
//! `db::signed_in(|user, tx| Box::pin(ssr::choose_career_goal(tx, user, code)))`. That resolves
//! the caller from the session (`db::caller::require_user`), opens the transaction with their
//! row-level-security context (`db::tx`), runs the body, commits, and on an error sets its
//! status once (`db::run` → `AppError::respond`); the error crosses the wire as JSON.

use app::db::AppState;
use crate::page_cache::{PageCache, PageCacheOptions};
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
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Duration;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::map_request_body::MapRequestBodyLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

/// The one state. Axum's handlers take its parts (`FromRef`); its `app` part (the pools) is
/// also what every page and server function gets as Leptos context.
#[derive(Clone, Debug, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub site_url: SiteUrl,
    pub page_cache: Option<PageCache>,
}

/// Handlers outside Leptos that only query (the data export) take the request pool.
impl FromRef<ServerState> for PgPool {
    fn from_ref(state: &ServerState) -> PgPool {
        state.app.pool.clone()
    }
}

#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub site_url: String,
    /// Secure cookies and HSTS (the site is served over HTTPS).
    pub behind_https: bool,
    /// The `Host` values served (lower case, with the port when it is not the scheme's default);
    /// any other host is answered 421, so a DNS-rebinding page cannot talk to us under its name.
    pub allowed_hosts: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed (`WAYPOINT_TRUSTED_PROXIES`); empty: none.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub limits: RequestLimits,
    /// The payment provider (and, for the sandbox, its hosted pages); `None` leaves payments
    /// unavailable, which a payment request answers with 503.
    pub payments: Option<PaymentWiring>,
    /// The rendered-page cache for anonymous visitors of the public pages (`page_cache.rs`);
    /// `None` renders every request (the tests that are not about the cache).
    pub page_cache: Option<PageCacheOptions>,
    /// The read replica's pool (`DATABASE_READ_URL`), for public reads (`app::db::public_read`).
    pub read_replica: Option<PgPool>,
}

/// What the router needs of payments.
#[derive(Clone, Debug)]
pub struct PaymentWiring {
    pub payments: app::payments::provider::Payments,
    /// The sandbox provider's checkout pages, served by this site when it is the provider.
    pub sandbox: Option<app::payments::sandbox::Sandbox>,
}

impl HttpOptions {
    /// The options for a site served at `site_url` (its host is the only one allowed).
    pub fn for_site(site_url: &str) -> Self {
        Self {
            site_url: site_url.to_string(),
            behind_https: site_url.starts_with("https://"),
            allowed_hosts: allowed_hosts(site_url),
            trusted_proxies: Vec::new(),
            limits: RequestLimits::default(),
            payments: None,
            page_cache: None,
            read_replica: None,
        }
    }
}

/// Bounds on every request, so no request hangs and a burst is shed instead of queued without end.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    /// A response must start within this (503 otherwise).
    pub request_timeout: Duration,
    /// A request body must arrive within this.
    pub body_timeout: Duration,
    /// Requests handled at once; more are answered 503 with `Retry-After` at once.
    pub max_in_flight: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self { request_timeout: Duration::from_secs(30), body_timeout: Duration::from_secs(15), max_in_flight: 512 }
    }
}

/// The hosts a site at `site_url` answers to: its own authority, and for a loopback address the
/// other names of the same loopback port (a developer may open localhost:3000 or 127.0.0.1:3000).
pub fn allowed_hosts(site_url: &str) -> Vec<String> {
    let Some(authority) = origin_authority(site_url) else { return Vec::new() };
    let default_port = if site_url.starts_with("https://") { ":443" } else { ":80" };
    let mut hosts = vec![authority.clone()];
    if let Some(bare) = authority.strip_suffix(default_port) {
        hosts.push(bare.to_string());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host.to_string(), Some(port.to_string()))
        }
        _ => (authority.clone(), None),
    };
    if ["127.0.0.1", "localhost", "[::1]"].contains(&host.as_str()) {
        for name in ["127.0.0.1", "localhost", "[::1]"] {
            hosts.push(match &port {
                Some(port) => format!("{name}:{port}"),
                None => name.to_string(),
            });
        }
    }
    hosts.sort();
    hosts.dedup();
    hosts
}

/// The request pool and the small pool kept for the session store and the sign-in throttle.
/// Sign-in, sign-up and password changes hold a request transaction while the session store or
/// the throttle writes; on one shared pool a burst of them took every connection and then waited
/// for one more, stalling the whole site (`/healthz` included). Separate pools cannot nest.
#[derive(Clone, Debug)]
pub struct Pools {
    pub requests: PgPool,
    pub sessions: PgPool,
}

/// The route list, generated once per process: Leptos 0.8 can leave a page's resources waiting
/// for ever when they are first polled while `RouteList::generate` runs elsewhere in the same
/// process (leptos-rs/leptos#4773, fixed only on the 0.9 branch), which happened when every
/// in-process test built its own router.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: OnceLock<Vec<leptos_axum::AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The whole site. One function on purpose (over 60 lines): the layer order is the security
/// model, listed at the top of this file, and reads best in one place.
pub fn router(leptos_options: LeptosOptions, pools: Pools, options: &HttpOptions) -> Router {
    let app_state = AppState {
        pool: pools.requests.clone(),
        guard_pool: pools.sessions.clone(),
        payments: options.payments.as_ref().map(|wiring| wiring.payments.clone()),
        read_pool: options.read_replica.clone(),
    };
    let assets = load_assets(&leptos_options);
    let page_cache = options.page_cache.map(|cache_options| PageCache::start(&pools.requests, cache_options));
    let state = ServerState {
        leptos_options,
        app: app_state.clone(),
        site_url: SiteUrl(options.site_url.clone()),
        page_cache: page_cache.clone(),
    };
    let context = {
        let site_url = state.site_url.clone();
        let stats_cache = app::home::StatsCache::default();
        move || {
            provide_context(app_state.clone());
            provide_context(site_url.clone());
            provide_context(stats_cache.clone());
            provide_context(app::SIGN_IN_HOOKS);
            // Per request: who is signed in is read once, however many server functions ask.
            provide_context(app::db::caller::CallerMemo::default());
        }
    };
    let routes = route_list();

    let sessions = SessionManagerLayer::new(session_store(pools.sessions.clone()))
        .with_name("waypoint_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(options.behind_https)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(app::db::caller::IDLE_LIFETIME_DAYS)));

    let behind_https = options.behind_https;
    let limits = options.limits;
    let read_your_writes = options.read_replica.is_some().then_some(behind_https);
    // This server's one LISTEN connection, shared by every open notification stream.
    let live = app::notifications::live::Hub::start(pools.requests.clone());
    let mut payment_routes = Router::new();
    if let Some(wiring) = &options.payments {
        let webhook = app::payments::webhook::WebhookState { pool: pools.requests.clone(), payments: wiring.payments.clone() };
        payment_routes = payment_routes.route(
            "/webhooks/payments/{provider}",
            axum::routing::post(app::payments::webhook::receive).with_state(webhook),
        );
        if let Some(sandbox) = &wiring.sandbox {
            payment_routes = payment_routes.merge(app::payments::sandbox::checkout_page::routes(sandbox.clone()));
        }
    }
    let pages = Router::new()
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/account/export.json", get(app::accounts::data::ssr::export_handler))
        .route("/booking/{id}/calendar.ics", get(app::booking::api::ssr::calendar_handler))
        .route(
            "/notifications/live",
            get(app::notifications::live::stream)
                .with_state(app::notifications::live::LiveState { pool: pools.requests.clone(), hub: live.clone() }),
        )
        .route("/email/unsubscribe/{token}", axum::routing::post(app::notifications::api::ssr::one_click_unsubscribe))
        .route("/admin/outbox/{id}/html", get(app::notifications::api::ssr::email_html))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, app::shell))
        .with_state(state.clone())
        .merge(payment_routes)
        .layer(axum::middleware::from_fn(plain_form_posts))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            writers_read_their_writes(request, next, read_your_writes)
        }))
        .layer(sessions)
        .layer(axum::middleware::from_fn(session_store_outage_is_unavailable))
        .layer(axum::middleware::from_fn(private_responses_are_not_stored))
        .layer(axum::middleware::from_fn(same_origin_writes))
        // Outermost of the page layers: a burst beyond `max_in_flight` is answered at once with
        // 503 and Retry-After (load shedding) instead of queueing without bound; a request that
        // does not answer in time gets 503, and a body that does not arrive in time, 408.
        .layer(
            ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
                .load_shed()
                .layer(GlobalConcurrencyLimitLayer::new(limits.max_in_flight))
                .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, limits.request_timeout))
                .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
                .layer(MapRequestBodyLayer::new(axum::body::Body::new)),
        );
    // /healthz stays outside the shedding, so a busy server still says whether it is alive.
    let allowed_hosts = std::sync::Arc::new(options.allowed_hosts.clone());
    let trusted_proxies = std::sync::Arc::new(options.trusted_proxies.clone());
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(state)
        .merge(pages)
        // Static files from memory, before anything else below (no session, no rendering).
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| assets.clone().layer(request, next)))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            client_address(request, next, trusted_proxies.clone())
        }))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            security_headers(request, next, behind_https)
        }))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            known_hosts_only(request, next, allowed_hosts.clone())
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
        // Outermost: an anonymous visit to a public page whose copy is current is answered here,
        // with the headers the layers below gave the page when it was rendered (security headers
        // included), before tracing, request ids, sessions, limits and rendering: it costs a
        // lookup. Any `Host` gets the public copy (it is the same for everyone; the host check
        // below protects what a rebinding page could do with a visitor's credentials). Everything
        // else, and every miss, goes down the stack.
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let page_cache = page_cache.clone();
            async move {
                match page_cache {
                    Some(cache) => cache.layer(request, next).await,
                    None => next.run(request).await,
                }
            }
        }))
}

/// The site root's files in memory (an empty store when there is no built site, as in tests:
/// requests then reach the file handler).
fn load_assets(options: &LeptosOptions) -> crate::assets::Assets {
    let hashes = if options.hash_files { crate::assets::hash_file(options) } else { None };
    match crate::assets::Assets::load(std::path::Path::new(options.site_root.as_ref()), &options.output_name, hashes.as_deref()) {
        Ok(assets) => assets,
        Err(error) => {
            tracing::warn!(%error, "static files: reading the site root failed; serving them from disk");
            crate::assets::Assets::default()
        }
    }
}

/// The answer to a request shed by the concurrency limit (or failed by a layer below it).
async fn overloaded(error: tower::BoxError) -> Response {
    if error.is::<tower::load_shed::error::Overloaded>() {
        tracing::warn!("shedding load: too many requests in flight");
    } else {
        tracing::error!(%error, "request failed in the limits layer");
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "2"), (header::CACHE_CONTROL, "no-store")],
        "Waypoint is very busy right now. Please try again in a moment.",
    )
        .into_response()
}

/// Answers 421 Misdirected Request to a `Host` that is not the site's own. A page on another
/// name that resolves to our address (DNS rebinding) would otherwise be same-origin with us.
/// /healthz is exempt: probes often address the server by its IP.
async fn known_hosts_only(request: Request, next: Next, allowed: std::sync::Arc<Vec<String>>) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .map(str::to_ascii_lowercase)
        .or_else(|| request.uri().authority().map(|authority| authority.as_str().to_ascii_lowercase()));
    let known = host.as_deref().is_some_and(|host| allowed.iter().any(|allowed| allowed == host));
    if known || request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    tracing::warn!(?host, "refused a request for a host this site does not serve");
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CACHE_CONTROL, "no-store")],
        "This server does not serve that host name.",
    )
        .into_response()
}

/// The client's address for per-address limits, as `app::db::caller::ClientAddress`: the
/// TCP peer, or, when the peer is a trusted proxy, the right-most `X-Forwarded-For` entry that is
/// not itself a trusted proxy (the left-most ones are whatever the client chose to send).
async fn client_address(mut request: Request, next: Next, trusted: std::sync::Arc<Vec<ipnet::IpNet>>) -> Response {
    // Tests stand in for the TCP peer with axum's MockConnectInfo, as the ConnectInfo extractor allows.
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .or_else(|| request.extensions().get::<axum::extract::connect_info::MockConnectInfo<SocketAddr>>().map(|mock| mock.0.ip()));
    if let Some(peer) = peer {
        let address = client_ip(peer, request.headers(), &trusted);
        request.extensions_mut().insert(app::db::caller::ClientAddress(address));
    }
    next.run(request).await
}

/// See [`client_address`].
pub fn client_ip(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .map(|entry| entry.parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded.into_iter().rev().find(|ip| !is_trusted(ip)).unwrap_or(peer)
}

/// tower-sessions answers a bare, empty 500 when it cannot save the session at the end of a
/// request (the database is away). That is a passing outage, not a bug of ours: say so like every
/// other database outage, 503 with Retry-After and the typed error a server function's caller
/// reads. Whatever the request had committed stays committed.
async fn session_store_outage_is_unavailable(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let bare_500 = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !response.headers().contains_key(header::CONTENT_TYPE)
        && axum::body::HttpBody::size_hint(response.body()).exact() == Some(0);
    if !bare_500 {
        return response;
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5"), (header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&app::error::AppError::Unavailable).unwrap_or_default(),
    )
        .into_response()
}

/// Responses that may show one person's data are never stored by a browser or proxy cache: every
/// answer to a request carrying a session cookie, and the account, admin and API paths always.
async fn private_responses_are_not_stored(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let private = ["/account", "/admin", "/api/"].iter().any(|prefix| path.starts_with(prefix))
        || request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|cookie| cookie.split(';').any(|pair| pair.trim_start().starts_with("waypoint_session=")));
    let mut response = next.run(request).await;
    if private {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The most a plain form post may send (its fields are kept for the page when it is refused).
const PLAIN_FORM_LIMIT: usize = 256 * 1024;

/// Plain form posts to a server function whose page shows their messages
/// (`app::forms_with_feedback`): the browser posted a form itself (no JavaScript, or before the
/// page hydrated), so it expects a page, not JSON. Leptos answers success with a
/// redirect back (or to where the function redirected); a refusal would show the raw JSON error.
/// Instead the refusal and the values typed (passwords never) are kept in the session as a
/// `FormFlash`, and the browser is sent back to the form's page with 303 See Other, where
/// `ui::FormFeedback` shows each message beside its field (app/src/ui/form.rs).
async fn plain_form_posts(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let plain_form = request.method() == axum::http::Method::POST
        && app::forms_with_feedback().contains(&request.uri().path())
        && header_contains(headers, header::ACCEPT, "text/html")
        && header_contains(headers, header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !plain_form {
        return next.run(request).await;
    }
    // Back to the page the form is on: its path and query only, never another origin.
    let back = headers
        .get(header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .and_then(|referer| referer.parse::<axum::http::Uri>().ok())
        .and_then(|uri| uri.path_and_query().map(|path| path.as_str().to_string()))
        .filter(|path| path.starts_with('/') && !path.starts_with("//"));
    let session = request.extensions().get::<tower_sessions::Session>().cloned();
    let endpoint = request.uri().path().to_string();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, PLAIN_FORM_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "That form sent more than Waypoint accepts.").into_response();
    };
    let values: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .filter(|(name, _)| app::ui::FormFlash::keeps(name))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let response = next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await;
    let status = response.status();
    let (Some(session), Some(back)) = (session, back) else { return response };
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(error) = serde_json::from_slice::<app::error::AppError>(&body) else {
        return Response::from_parts(parts, axum::body::Body::from(body));
    };
    let flash = app::ui::FormFlash { endpoint, error, values };
    if let Err(error) = session.insert(app::ui::FormFlash::SESSION_KEY, flash).await {
        tracing::error!(%error, "keeping a refused form for its page failed");
        return Response::from_parts(parts, axum::body::Body::from(body));
    }
    let mut answer = (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    if let Ok(location) = HeaderValue::from_str(&back) {
        answer.headers_mut().insert(header::LOCATION, location);
    }
    // Whatever else the server function set on its response (a cleared cookie) still applies.
    for (name, value) in parts.headers.iter() {
        if name == header::SET_COOKIE {
            answer.headers_mut().append(name, value.clone());
        }
    }
    answer
}

/// With a read replica, whoever writes (any POST answered without an error) gets a short-lived
/// cookie that keeps their next reads on the primary (`app::db::WROTE_COOKIE`): the replica
/// may not have replayed their write yet. `read_your_writes` is `Some(secure)` when there is a
/// replica.
async fn writers_read_their_writes(request: Request, next: Next, read_your_writes: Option<bool>) -> Response {
    let Some(secure) = read_your_writes else { return next.run(request).await };
    let writes = !matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
    let mut response = next.run(request).await;
    if writes && !(response.status().is_client_error() || response.status().is_server_error()) {
        let cookie = format!(
            "{}=1; Max-Age={}; Path=/; HttpOnly; SameSite=Lax{}",
            app::db::WROTE_COOKIE,
            app::db::READ_YOUR_WRITES_SECS,
            if secure { "; Secure" } else { "" }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn header_contains(headers: &axum::http::HeaderMap, name: HeaderName, needle: &str) -> bool {
    headers.get(name).and_then(|value| value.to_str().ok()).is_some_and(|value| value.contains(needle))
}

/// The session store: the session layer and the expired-session sweeper share this one definition.
pub fn session_store(pool: PgPool) -> PostgresStore {
    PostgresStore::new(pool)
}

/// Whether the server and its database answer (503 when the database does not within 2 s), with
/// the page cache's figures since start (`make bench` reports its hit rate from them).
async fn healthz(State(ServerState { app: AppState { pool, .. }, page_cache, .. }): State<ServerState>) -> Response {
    let check = tokio::time::timeout(Duration::from_secs(2), sqlx::query_scalar!(r#"select 1 as "one!""#).fetch_one(&pool));
    match check.await {
        Ok(Ok(_)) => {
            let cache = page_cache.map(|cache| cache.figures());
            let body = serde_json::json!({ "status": "ok", "database": "ok", "page_cache": cache });
            (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
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

/// The public pages, every career's page and every public mentor listing (read from the
/// database, so the sitemap lists exactly the pages there are).
/// The sitemap protocol's limit of addresses per file; past it `/sitemap.xml` is an index of
/// parts (`/sitemap.xml?part=N`).
pub const SITEMAP_URLS_PER_FILE: usize = 50_000;

#[derive(Debug, serde::Deserialize)]
struct SitemapPart {
    part: Option<usize>,
}

async fn sitemap(
    State(site_url): State<SiteUrl>,
    State(AppState { pool, .. }): State<AppState>,
    axum::extract::Query(SitemapPart { part }): axum::extract::Query<SitemapPart>,
) -> Response {
    let listed = async {
        let codes = sqlx::query_scalar!("select code from careers order by code").fetch_all(&pool).await?;
        // Public listings only: the pool carries no request context, so row-level security shows
        // a visitor's view, and the filter says the same in words.
        let handles = sqlx::query_scalar!(
            r#"select handle as "handle: String" from mentors
                where visibility = 'public' and status = 'active' and deleted_at is null order by handle"#
        )
        .fetch_all(&pool)
        .await?;
        // The shared library's published resources (a visitor's view again), with when each changed.
        let resources = sqlx::query!(
            r#"select slug::text as "slug!", updated_at as "updated_at: chrono::DateTime<chrono::Utc>" from resources
                where organization_id is null and status = 'published' and deleted_at is null order by slug"#
        )
        .fetch_all(&pool)
        .await?;
        Ok::<_, sqlx::Error>((codes, handles, resources))
    };
    let (codes, handles, resources) = match listed.await {
        Ok(listed) => listed,
        Err(error) => {
            tracing::error!(%error, "sitemap: reading career codes, mentor handles and resources failed");
            // Better no sitemap for a moment than one that drops every career page.
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "60")],
                "The sitemap is briefly unavailable.",
            )
                .into_response();
        }
    };
    let entries: Vec<SitemapEntry> = app::PUBLIC_PATHS
        .iter()
        .map(|path| SitemapEntry { path: path.to_string(), lastmod: None })
        .chain(codes.iter().map(|code| SitemapEntry { path: format!("/careers/{code}"), lastmod: None }))
        .chain(handles.iter().map(|handle| SitemapEntry { path: format!("/mentors/{handle}"), lastmod: None }))
        .chain(resources.into_iter().map(|row| SitemapEntry {
            path: format!("/resources/{}", row.slug),
            lastmod: Some(row.updated_at.format("%Y-%m-%d").to_string()),
        }))
        .collect();
    match sitemap_document(&site_url, &entries, part, SITEMAP_URLS_PER_FILE) {
        Some(body) => ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body).into_response(),
        None => (StatusCode::NOT_FOUND, "There is no such part of the sitemap.").into_response(),
    }
}

/// One address in the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    pub path: String,
    /// `YYYY-MM-DD`, when the page's content last changed (if known).
    pub lastmod: Option<String>,
}

/// The sitemap (a `urlset`) when the entries fit one file, else the index of its parts (no
/// `part`) or part `part` (1-based; `None` when there is no such part).
pub fn sitemap_document(site_url: &SiteUrl, entries: &[SitemapEntry], part: Option<usize>, per_file: usize) -> Option<String> {
    let parts = entries.len().div_ceil(per_file).max(1);
    let url = |entry: &SitemapEntry| {
        let lastmod = entry.lastmod.as_ref().map(|date| format!("<lastmod>{}</lastmod>", xml_escape(date))).unwrap_or_default();
        format!("  <url><loc>{}</loc>{lastmod}</url>\n", xml_escape(&site_url.absolute(&entry.path)))
    };
    let urlset = |slice: &[SitemapEntry]| {
        let urls: String = slice.iter().map(url).collect();
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n")
    };
    match part {
        None if parts == 1 => Some(urlset(entries)),
        None => {
            let listed: String = (1..=parts)
                .map(|n| format!("  <sitemap><loc>{}</loc></sitemap>\n", xml_escape(&site_url.absolute(&format!("/sitemap.xml?part={n}")))))
                .collect();
            Some(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{listed}</sitemapindex>\n"
            ))
        }
        Some(n) if n >= 1 && n <= parts && parts > 1 => Some(urlset(&entries[(n - 1) * per_file..(n * per_file).min(entries.len())])),
        Some(_) => None,
    }
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
    // A payment provider's webhook comes from its servers, with no cookie and no Origin: its
    // signature over the body is what authenticates it (app::payments::webhook).
    if request.uri().path().starts_with("/webhooks/payments/") {
        return next.run(request).await;
    }
    // A mail client's one-click unsubscribe (RFC 8058) comes from no page of ours either: the
    // signed token in the address is its permission (app::notifications::api::ssr).
    if request.uri().path().starts_with("/email/unsubscribe/") {
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

#[cfg(test)]
mod sitemap_tests {
    use super::*;

    fn entries(count: usize) -> Vec<SitemapEntry> {
        (0..count).map(|n| SitemapEntry { path: format!("/resources/r-{n}"), lastmod: Some("2026-11-29".into()) }).collect()
    }

    #[test]
    fn past_the_limit_the_sitemap_becomes_an_index_of_parts_that_hold_every_address() {
        let site = SiteUrl("https://waypoint.example".into());
        let single = sitemap_document(&site, &entries(3), None, 3).unwrap();
        assert!(single.contains("<urlset") && single.matches("<url>").count() == 3);
        assert!(single.contains("<lastmod>2026-11-29</lastmod>"));
        assert!(sitemap_document(&site, &entries(3), Some(1), 3).is_none(), "no parts when one file holds it all");

        let index = sitemap_document(&site, &entries(7), None, 3).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(index.contains("https://waypoint.example/sitemap.xml?part=3"));
        let listed: usize = (1..=3).map(|n| sitemap_document(&site, &entries(7), Some(n), 3).unwrap().matches("<url>").count()).sum();
        assert_eq!(listed, 7);
        assert!(sitemap_document(&site, &entries(7), Some(4), 3).is_none());
        assert!(sitemap_document(&site, &entries(7), Some(0), 3).is_none());
    }
}
