//! The rendered-page cache for anonymous visitors of the public pages (home, careers, a career,
//! mentors, a mentor, resources, a resource, pricing, about, the sitemap).
//!
//! - **Keyed** by path and query; **bounded** in bytes (moka, least recently used out first).
//! - **Never used for a request with a session** (the session cookie is present): those pages
//!   carry a person's name and data. A response that sets a cookie is not kept either.
//! - **Invalidated when the data behind a page changes**: statement triggers on the tables behind
//!   the public pages send `NOTIFY page_cache, '<scope>'` (migration 20), delivered at commit to
//!   every app server's listener, each of which moves that scope's generation on. An entry records
//!   the generations it was rendered at (read *before* rendering, so a write that lands during the
//!   render makes the entry stale at once) and is served only while they are current. While the
//!   listener is not connected nothing is served from the cache, and on every (re)connection
//!   every generation moves (news may have been missed). The time limit is only a safety net for
//!   what no write announces (a mentor's next free slot passing with the clock).
//! - **No per-request secret in the cached bytes**: a page is rendered with a CSP nonce; the
//!   cached copy drops it and its policy names the SHA-256 hash of each inline script instead, so
//!   one visitor's nonce is never another's and the bytes are the same for everyone.
//! - **Compressed once per entry** (brotli and gzip, at higher levels than per-response
//!   compression can afford), with an `ETag`, so a revisit costs a 304.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The channel the invalidation triggers notify on (migration 20).
pub const CHANNEL: &str = "page_cache";

/// What a page's content is read from; a write to any table of a scope drops the pages that
/// depend on it. The names are the payloads the triggers send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Careers,
    Mentors,
    Resources,
    Plans,
    /// Organizations and assessments: only the home and about pages' figures.
    Site,
}

impl Scope {
    const ALL: [Scope; 5] = [Scope::Careers, Scope::Mentors, Scope::Resources, Scope::Plans, Scope::Site];

    fn index(self) -> usize {
        self as usize
    }

    pub fn parse(payload: &str) -> Option<Scope> {
        Some(match payload {
            "careers" => Scope::Careers,
            "mentors" => Scope::Mentors,
            "resources" => Scope::Resources,
            "plans" => Scope::Plans,
            "site" => Scope::Site,
            _ => return None,
        })
    }
}

const SCOPES: usize = Scope::ALL.len();

/// The scopes a cacheable public page depends on; `None` for every other path (never cached).
pub fn scopes_for(path: &str) -> Option<&'static [Scope]> {
    use Scope::*;
    let single_segment = |prefix: &str| {
        path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    Some(match path {
        "/" | "/about" => &Scope::ALL,
        "/careers" => &[Careers],
        "/mentors" => &[Mentors, Careers],
        "/resources" => &[Resources, Careers],
        "/pricing" => &[Plans],
        "/sitemap.xml" => &[Careers, Mentors, Resources],
        // A career's page; /careers/matches depends on the visitor's answers.
        _ if single_segment("/careers/") && path != "/careers/matches" => &[Careers],
        _ if single_segment("/mentors/") => &[Mentors, Careers],
        // A resource's page; /resources/manage is the authors' desk.
        _ if single_segment("/resources/") && path != "/resources/manage" => &[Resources, Careers],
        _ => return None,
    })
}

/// Sizes and limits.
#[derive(Clone, Copy, Debug)]
pub struct PageCacheOptions {
    /// The most bytes kept (plain, brotli and gzip copies together).
    pub max_bytes: u64,
    /// The safety net: an entry is dropped this long after it was rendered.
    pub time_to_live: Duration,
}

impl Default for PageCacheOptions {
    fn default() -> Self {
        Self { max_bytes: 64 * 1024 * 1024, time_to_live: Duration::from_secs(300) }
    }
}

/// Hits and misses since start, for `make bench` and `/healthz`.
#[derive(Clone, Copy, Debug, serde::Serialize, PartialEq, Eq)]
pub struct PageCacheFigures {
    pub hits: u64,
    pub misses: u64,
    pub not_modified: u64,
    pub entries: u64,
    pub listening: bool,
}

/// One app server's cache (cheap to clone; clones share it).
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("figures", &self.figures()).finish()
    }
}

struct Inner {
    entries: moka::sync::Cache<String, Arc<CachedPage>>,
    generations: [AtomicU64; SCOPES],
    listening: AtomicBool,
    /// The primary's WAL position when the latest news arrived: a page rendered again after it
    /// must be read from a replica that has replayed this far (`app::db::ReadAfter`).
    news_position: AtomicU64,
    listen_options: Option<PgConnectOptions>,
    started: std::sync::Once,
    hits: AtomicU64,
    misses: AtomicU64,
    not_modified: AtomicU64,
}

/// A rendered page, as every anonymous visitor gets it.
struct CachedPage {
    /// The generation of each scope when rendering began.
    generations: [u64; SCOPES],
    scopes: &'static [Scope],
    content_type: HeaderValue,
    content_security_policy: Option<HeaderValue>,
    /// The rest of the rendered response's headers (the security headers among them), sent
    /// with every copy: the cache answers outside the layers that set them.
    headers: Vec<(HeaderName, HeaderValue)>,
    etag: HeaderValue,
    plain: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

impl CachedPage {
    fn weight(&self) -> u32 {
        u32::try_from(self.plain.len() + self.brotli.len() + self.gzip.len() + 512).unwrap_or(u32::MAX)
    }
}

impl PageCache {
    /// A cache that starts listening for invalidations on `pool`'s database (a connection of its
    /// own, reconnecting when it drops). Until the listener is up, requests pass through.
    /// The listener starts at the first cacheable request (a router can be built outside a runtime).
    pub fn start(pool: &PgPool, options: PageCacheOptions) -> PageCache {
        let mut cache = PageCache::new(options);
        Arc::get_mut(&mut cache.inner).expect("a new cache is not shared").listen_options = Some(pool.connect_options().as_ref().clone());
        cache
    }

    fn listen_once(&self) {
        let Some(options) = &self.inner.listen_options else { return };
        self.inner.started.call_once(|| {
            // One connection of its own, apart from the request pool (LISTEN needs no privilege).
            let pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(options.clone());
            tokio::spawn(listen(pool, self.clone()));
        });
    }

    fn new(options: PageCacheOptions) -> PageCache {
        let entries = moka::sync::Cache::builder()
            .max_capacity(options.max_bytes)
            .weigher(|_key: &String, page: &Arc<CachedPage>| page.weight())
            .time_to_live(options.time_to_live)
            .build();
        PageCache {
            inner: Arc::new(Inner {
                entries,
                generations: std::array::from_fn(|_| AtomicU64::new(0)),
                listening: AtomicBool::new(false),
                news_position: AtomicU64::new(0),
                listen_options: None,
                started: std::sync::Once::new(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                not_modified: AtomicU64::new(0),
            }),
        }
    }

    pub fn figures(&self) -> PageCacheFigures {
        let inner = &self.inner;
        inner.entries.run_pending_tasks();
        PageCacheFigures {
            hits: inner.hits.load(Ordering::Relaxed),
            misses: inner.misses.load(Ordering::Relaxed),
            not_modified: inner.not_modified.load(Ordering::Relaxed),
            entries: inner.entries.entry_count(),
            listening: inner.listening.load(Ordering::Acquire),
        }
    }

    /// Drops every page depending on `scope` (what a notification does).
    pub fn invalidate(&self, scope: Scope) {
        self.inner.generations[scope.index()].fetch_add(1, Ordering::AcqRel);
    }

    fn invalidate_all(&self) {
        for scope in Scope::ALL {
            self.invalidate(scope);
        }
    }

    fn generations(&self) -> [u64; SCOPES] {
        std::array::from_fn(|index| self.inner.generations[index].load(Ordering::Acquire))
    }

    fn is_current(&self, page: &CachedPage) -> bool {
        let now = self.generations();
        page.scopes.iter().all(|scope| now[scope.index()] == page.generations[scope.index()])
    }

    /// The layer: answers a cacheable anonymous GET from the cache, or renders it (the rest of
    /// the stack) and keeps the result.
    pub async fn layer(self, request: Request, next: Next) -> Response {
        let Some(scopes) = cacheable_request(&request) else { return next.run(request).await };
        self.listen_once();
        if !self.inner.listening.load(Ordering::Acquire) {
            return next.run(request).await;
        }
        let key = request.uri().path_and_query().map(|path| path.as_str().to_string()).unwrap_or_default();
        let wants = Wants::from_headers(request.headers());
        if let Some(page) = self.inner.entries.get(&key) {
            if self.is_current(&page) {
                let response = respond(&page, &wants, "hit");
                let counter = if response.status() == StatusCode::NOT_MODIFIED { &self.inner.not_modified } else { &self.inner.hits };
                counter.fetch_add(1, Ordering::Relaxed);
                return response;
            }
        }
        self.inner.misses.fetch_add(1, Ordering::Relaxed);
        let generations = self.generations();
        let mut request = request;
        // Rendered plain (the compression layer inside leaves it alone): compressed once, here.
        request.headers_mut().remove(header::ACCEPT_ENCODING);
        let position = self.inner.news_position.load(Ordering::Acquire);
        if position > 0 {
            request.extensions_mut().insert(app::db::ReadAfter(position));
        }
        let response = next.run(request).await;
        if !cacheable_response(&response) {
            return response;
        }
        let (parts, body) = response.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::warn!(%error, "page cache: reading a rendered page failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")], "The page could not be read.")
                    .into_response();
            }
        };
        let headers = parts.headers;
        let built = tokio::task::spawn_blocking(move || CachedPage::build(&headers, bytes, generations, scopes)).await;
        let page = match built {
            Ok(page) => Arc::new(page),
            Err(error) => {
                tracing::error!(%error, "page cache: preparing a page failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")], "The page could not be prepared.")
                    .into_response();
            }
        };
        self.inner.entries.insert(key, page.clone());
        respond(&page, &wants, "miss")
    }
}

/// Larger pages are not kept (none is near it: a career page is about 100 KB).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

fn cacheable_request(request: &Request) -> Option<&'static [Scope]> {
    if request.method() != Method::GET {
        return None;
    }
    let signed_in = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|cookie| {
            cookie.split(';').map(str::trim_start).any(|pair| {
                // A session, or someone who has just written: their next pages are their own.
                pair.starts_with("waypoint_session=") || pair.starts_with(app::db::WROTE_COOKIE)
            })
        });
    if signed_in {
        return None;
    }
    scopes_for(request.uri().path())
}

fn cacheable_response(response: &Response) -> bool {
    let headers = response.headers();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && (content_type.starts_with("text/html") || content_type.starts_with("application/xml"))
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("no-store") || value.contains("private"))
}

impl CachedPage {
    fn build(headers: &HeaderMap, body: Bytes, generations: [u64; SCOPES], scopes: &'static [Scope]) -> CachedPage {
        let content_type =
            headers.get(header::CONTENT_TYPE).cloned().unwrap_or(HeaderValue::from_static("text/html; charset=utf-8"));
        let policy = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|value| value.to_str().ok());
        let (plain, content_security_policy) = match policy {
            Some(policy) => {
                let (html, policy) = without_nonce(&body, policy);
                (Bytes::from(html), HeaderValue::from_str(&policy).ok())
            }
            None => (body, None),
        };
        let digest = Sha256::digest(&plain);
        let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..16]))).unwrap_or(HeaderValue::from_static("\"\""));
        let brotli = compress_brotli(&plain);
        let gzip = compress_gzip(&plain);
        // Per response, or set again below: never copied from the rendered one.
        let own = [
            header::CONTENT_TYPE,
            header::CONTENT_SECURITY_POLICY,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::TRANSFER_ENCODING,
            header::DATE,
            header::SET_COOKIE,
            header::VARY,
            header::ETAG,
            header::CACHE_CONTROL,
            HeaderName::from_static("x-request-id"),
        ];
        let headers = headers.iter().filter(|(name, _)| !own.contains(name)).map(|(name, value)| (name.clone(), value.clone())).collect();
        CachedPage { generations, scopes, content_type, content_security_policy, headers, etag, plain, brotli, gzip }
    }
}

/// The page without its nonce, and its policy naming each inline script's hash instead.
pub fn without_nonce(html: &[u8], policy: &str) -> (Vec<u8>, String) {
    let html = String::from_utf8_lossy(html);
    let nonce = policy
        .split_whitespace()
        .find_map(|source| source.trim_end_matches(';').strip_prefix("'nonce-")?.strip_suffix('\''))
        .filter(|nonce| !nonce.is_empty());
    let Some(nonce) = nonce else { return (html.into_owned().into_bytes(), policy.to_string()) };
    // Leptos puts the nonce in `nonce` attributes (and, oddly, in the preload links' `crossorigin`,
    // where any unknown value means "anonymous", as the empty one does).
    let html = html.replace(nonce, "");
    let hashes: Vec<String> = inline_scripts(&html)
        .map(|script| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))))
        .collect();
    let policy = policy.replace(&format!("'nonce-{nonce}'"), &hashes.join(" "));
    (html.into_bytes(), policy)
}

/// The contents of the page's inline scripts that a browser runs (not `src=` scripts, not JSON
/// data blocks such as JSON-LD).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = rest.find("<script")?;
        let after = &rest[start..];
        let open_end = after.find('>')?;
        let attributes = &after[..open_end];
        let body_start = open_end + 1;
        let close = after[body_start..].find("</script>")?;
        let content = &after[body_start..body_start + close];
        rest = &after[body_start + close + "</script>".len()..];
        let data_block = attributes.contains("json");
        if !attributes.contains(" src=") && !data_block {
            return Some(content);
        }
    })
}

fn compress_brotli(plain: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(plain.len() / 4);
    {
        // Quality 9 of 11: close to the best ratio, at a cost paid once per entry.
        let mut writer = brotli::CompressorWriter::new(&mut out, 32 * 1024, 9, 22);
        let _ = writer.write_all(plain);
    }
    Bytes::from(out)
}

fn compress_gzip(plain: &[u8]) -> Bytes {
    let mut writer = flate2::write::GzEncoder::new(Vec::with_capacity(plain.len() / 3), flate2::Compression::best());
    let _ = writer.write_all(plain);
    Bytes::from(writer.finish().unwrap_or_default())
}

/// What the client accepts and already has.
struct Wants {
    brotli: bool,
    gzip: bool,
    if_none_match: Option<String>,
}

impl Wants {
    fn from_headers(headers: &HeaderMap) -> Wants {
        let accepted: Vec<(String, f32)> = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|item| {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let quality = parts
                    .find_map(|param| param.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                (coding, quality)
            })
            .collect();
        let accepts = |name: &str| accepted.iter().any(|(coding, quality)| (coding == name || coding == "*") && *quality > 0.0);
        Wants {
            brotli: accepts("br"),
            gzip: accepts("gzip"),
            if_none_match: headers.get(header::IF_NONE_MATCH).and_then(|value| value.to_str().ok()).map(str::to_string),
        }
    }
}

fn respond(page: &CachedPage, wants: &Wants, status: &'static str) -> Response {
    let etag = page.etag.to_str().unwrap_or("");
    let mut response = if etag_matches(wants.if_none_match.as_deref(), etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = if wants.brotli {
            (page.brotli.clone(), Some("br"))
        } else if wants.gzip {
            (page.gzip.clone(), Some("gzip"))
        } else {
            (page.plain.clone(), None)
        };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, page.content_type.clone());
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let headers = response.headers_mut();
    for (name, value) in &page.headers {
        headers.insert(name.clone(), value.clone());
    }
    headers.insert(header::ETAG, page.etag.clone());
    // Kept by the browser, but asked about on every visit: the answer is a 304 while it is current.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // A signed-in visit to the same address gets a different page.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
    if let Some(policy) = &page.content_security_policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    }
    headers.insert("x-page-cache", HeaderValue::from_static(status));
    response
}

async fn listen(pool: PgPool, cache: PageCache) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "page cache: cannot connect to listen; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "page cache: LISTEN failed; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        // Anything may have changed while nobody listened.
        cache.invalidate_all();
        cache.inner.listening.store(true, Ordering::Release);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    // Where the primary's WAL is now, at or after the write's commit record (read
                    // first, so a render that starts after the invalidation already asks for it).
                    // The insert position: the write position lags it under asynchronous commit.
                    let position = sqlx::query_scalar!(r#"select pg_current_wal_insert_lsn()::text as "position!""#)
                        .fetch_one(&mut listener)
                        .await;
                    match position.ok().and_then(|position| parse_lsn(&position)) {
                        Some(position) => cache.inner.news_position.fetch_max(position, Ordering::AcqRel),
                        None => {
                            tracing::warn!("page cache: reading the primary's WAL position failed; starting again");
                            break;
                        }
                    };
                    match Scope::parse(notification.payload()) {
                        Some(scope) => cache.invalidate(scope),
                        None => cache.invalidate_all(),
                    }
                }
                // The connection dropped. sqlx would reconnect on the next call, but what was
                // sent meanwhile is lost: start again from a new connection, which drops everything.
                Ok(None) => {
                    tracing::info!("page cache: listener connection lost; reconnecting");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "page cache: listener failed; starting again");
                    break;
                }
            }
        }
        cache.inner.listening.store(false, Ordering::Release);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Whether an `If-None-Match` value names `etag` (weak or strong, or `*`): the client's copy is
/// current, and the answer is a 304. The static files use it too.
pub fn etag_matches(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|tags| tags.split(',').map(|tag| tag.trim().trim_start_matches("W/")).any(|tag| tag == etag || tag == "*"))
}

/// A `pg_lsn` as text ("16/B374D848") as one number.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.trim().split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_positions_parse_as_postgres_orders_them() {
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("16/B374D848"), Some((0x16 << 32) | 0xB374_D848));
        assert!(parse_lsn("1/0").unwrap() > parse_lsn("0/FFFFFFFF").unwrap());
        assert_eq!(parse_lsn("nonsense"), None);
    }

    #[test]
    fn only_the_public_pages_are_cacheable() {
        for path in ["/", "/about", "/careers", "/careers/29-1141.00", "/mentors", "/mentors/amara", "/resources", "/resources/a-guide", "/pricing", "/sitemap.xml"] {
            assert!(scopes_for(path).is_some(), "{path} should be cacheable");
        }
        for path in ["/careers/matches", "/resources/manage", "/resources/manage/1", "/account", "/booking", "/roadmap", "/progress", "/admin", "/api/sign_in", "/careers/a/b", "/careers/"] {
            assert!(scopes_for(path).is_none(), "{path} must not be cached");
        }
        assert_eq!(scopes_for("/careers/15-1252.00"), Some(&[Scope::Careers][..]));
        assert!(scopes_for("/").unwrap().len() == Scope::ALL.len());
    }

    #[test]
    fn the_cached_copy_carries_hashes_not_the_nonce() {
        let html = br#"<html><head><link rel="modulepreload" href="/pkg/waypoint.js" crossorigin="N0nce123"><script type="module" nonce="N0nce123">boot()</script><script type="application/ld+json">{"a":1}</script><script src="/x.js"></script></head><body><script nonce="N0nce123">__RESOLVED_RESOURCES=[];</script></body></html>"#;
        let policy = "default-src 'self'; script-src 'self' 'nonce-N0nce123' 'wasm-unsafe-eval'; style-src 'self'";
        let (page, policy) = without_nonce(html, policy);
        let page = String::from_utf8(page).unwrap();
        assert!(!page.contains("N0nce123") && !policy.contains("N0nce123"));
        let hash = |text: &str| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())));
        assert_eq!(
            policy,
            format!("default-src 'self'; script-src 'self' {} {} 'wasm-unsafe-eval'; style-src 'self'", hash("boot()"), hash("__RESOLVED_RESOURCES=[];"))
        );
        assert!(page.contains(r#"<script type="application/ld+json">{"a":1}</script>"#), "data blocks are left as they are");
    }

    #[test]
    fn a_scope_change_drops_exactly_the_pages_that_depend_on_it() {
        let cache = PageCache::new(PageCacheOptions::default());
        let page = |scopes: &'static [Scope]| CachedPage {
            generations: cache.generations(),
            scopes,
            content_type: HeaderValue::from_static("text/html"),
            content_security_policy: None,
            headers: Vec::new(),
            etag: HeaderValue::from_static("\"x\""),
            plain: Bytes::new(),
            brotli: Bytes::new(),
            gzip: Bytes::new(),
        };
        let career = page(scopes_for("/careers/29-1141.00").unwrap());
        let mentor = page(scopes_for("/mentors/amara").unwrap());
        let pricing = page(scopes_for("/pricing").unwrap());
        cache.invalidate(Scope::Mentors);
        assert!(cache.is_current(&career) && cache.is_current(&pricing));
        assert!(!cache.is_current(&mentor));
        cache.invalidate(Scope::Careers);
        assert!(!cache.is_current(&career) && cache.is_current(&pricing));
    }

    #[test]
    fn encodings_follow_accept_encoding_and_a_matching_etag_is_a_304() {
        let page = CachedPage::build(
            &HeaderMap::new(),
            Bytes::from_static(b"<html>hello hello hello</html>"),
            [0; SCOPES],
            &[Scope::Careers],
        );
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate, br;q=0"));
        let response = respond(&page, &Wants::from_headers(&headers), "hit");
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br"));
        assert_eq!(respond(&page, &Wants::from_headers(&headers), "hit").headers()[header::CONTENT_ENCODING], "br");
        headers.insert(header::IF_NONE_MATCH, page.etag.clone());
        let revisit = respond(&page, &Wants::from_headers(&headers), "hit");
        assert_eq!(revisit.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(revisit.headers()[header::ETAG], page.etag);
    }
}
