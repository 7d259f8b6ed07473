//! The rendered-page cache across app servers: two servers over one database, each with its own
//! cache and its own `LISTEN`, as behind a load balancer. A change to a career, a mentor listing
//! or a resource written anywhere is visible on the next anonymous request to either server,
//! pages of other scopes stay cached, and signed-in requests never touch the cache.

use crate::booking::{listing, organization};
use crate::notifications_live::Server;
use crate::support::TestDb;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use server::http::HttpOptions;
use server::page_cache::PageCacheOptions;
use std::time::{Duration, Instant};

const NURSES: &str = "29-1141.00";
/// How long a notification may take to reach the other server.
const WITHIN: Duration = Duration::from_secs(10);

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn cache(&self) -> &str {
        self.headers.get("x-page-cache").and_then(|value| value.to_str().ok()).unwrap_or("none")
    }
}

/// An anonymous GET as a browser sends it (no compression asked, so the body reads as text).
pub(crate) async fn get(server: &Server, path: &str, extra: &[(header::HeaderName, &str)]) -> Page {
    let mut request = Request::builder().method(Method::GET).uri(format!("{}{path}", server.url)).header(header::HOST, &server.host);
    for (name, value) in extra {
        request = request.header(name, *value);
    }
    let client = app::payments::sandbox::delivery::client();
    let response = tokio::time::timeout(WITHIN, client.request(request.body(Full::new(Bytes::new())).unwrap()))
        .await
        .expect("an answer in time")
        .expect("the server answers");
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.expect("the whole answer").to_bytes();
    Page { status, headers, body: String::from_utf8_lossy(&body).replace("<!>", "") }
}

/// Requests `path` until it is served from the cache (the listener starts with the first
/// request; until it listens, pages are rendered every time).
pub(crate) async fn cached(server: &Server, path: &str) -> Page {
    let started = Instant::now();
    loop {
        let page = get(server, path, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        if page.cache() == "hit" {
            return page;
        }
        assert!(started.elapsed() < WITHIN, "{path} was never served from the cache");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Requests `path` until its page contains `text`; the answer that first does.
pub(crate) async fn until_it_shows(server: &Server, path: &str, text: &str) -> Page {
    let started = Instant::now();
    loop {
        let page = get(server, path, &[]).await;
        if page.body.contains(text) {
            return page;
        }
        assert!(started.elapsed() < WITHIN, "{path} still does not show {text:?} after {WITHIN:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn two_servers(db: &TestDb) -> (Server, Server) {
    let cached = |options| HttpOptions { page_cache: Some(PageCacheOptions::default()), ..options };
    (Server::start_with(db, cached).await, Server::start_with(db, cached).await)
}

#[tokio::test]
async fn a_changed_career_is_visible_on_both_servers_and_other_pages_stay_cached() {
    let db = TestDb::new().await;
    let (a, b) = two_servers(&db).await;
    let path = format!("/careers/{NURSES}");
    let career = cached(&b, &path).await;
    assert!(career.body.contains("Registered Nurses"));
    cached(&a, &path).await;
    cached(&b, "/pricing").await;

    // The cached copy carries no nonce: its policy names the inline scripts' hashes.
    let policy = career.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("'sha256-") && !policy.contains("'nonce-"), "{policy}");
    assert!(!career.body.contains("nonce=\"") || career.body.contains("nonce=\"\""), "no nonce value in the cached bytes");
    // A revisit with the validator costs a 304.
    let etag = career.headers[header::ETAG].to_str().unwrap().to_string();
    let revisit = get(&b, &path, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(revisit.status, StatusCode::NOT_MODIFIED);
    assert!(revisit.body.is_empty());

    sqlx::query("update careers set title = 'Registered Nurses (RN)' where code = $1")
        .bind(NURSES)
        .execute(&db.owner)
        .await
        .unwrap();
    for server in [&a, &b] {
        let fresh = until_it_shows(server, &path, "Registered Nurses (RN)").await;
        assert_eq!(fresh.cache(), "miss", "the changed page is rendered again, not served stale after the news");
        assert_ne!(fresh.headers[header::ETAG].to_str().unwrap(), etag, "a new validator");
    }
    let pricing = get(&b, "/pricing", &[]).await;
    assert_eq!(pricing.cache(), "hit", "pricing does not read careers and stays cached");
}

#[tokio::test]
async fn a_changed_mentor_listing_and_resource_are_visible_on_the_next_anonymous_request() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "riverside").await;
    let mentor = listing(&db.owner, org, "amara", "public").await;
    sqlx::query(
        "insert into resources (organization_id, slug, title, description, resource_type, status, published_at)
         values (null, 'shadowing-a-nurse', 'Shadowing a nurse', 'What a day on the ward is like', 'guide', 'published', now())",
    )
    .execute(&db.owner)
    .await
    .unwrap();
    let (a, b) = two_servers(&db).await;
    let mentor_path = format!("/mentors/{}", mentor.handle);
    assert!(cached(&b, &mentor_path).await.body.contains("Nurse and educator"));
    assert!(cached(&b, "/resources/shadowing-a-nurse").await.body.contains("Shadowing a nurse"));
    cached(&b, &format!("/careers/{NURSES}")).await;

    // Written through the other server's database connection, as any app server would.
    sqlx::query("update mentors set bio = 'Night-shift nurse and clinical educator' where id = $1")
        .bind(mentor.mentor)
        .execute(&a_pool(&db).await)
        .await
        .unwrap();
    until_it_shows(&b, &mentor_path, "Night-shift nurse and clinical educator").await;
    assert_eq!(get(&b, &format!("/careers/{NURSES}"), &[]).await.cache(), "hit", "careers do not read mentors");

    sqlx::query("update resources set title = 'Shadowing a nurse for a day' where slug = 'shadowing-a-nurse'")
        .execute(&db.owner)
        .await
        .unwrap();
    until_it_shows(&b, "/resources/shadowing-a-nurse", "Shadowing a nurse for a day").await;
    until_it_shows(&a, "/resources/shadowing-a-nurse", "Shadowing a nurse for a day").await;
    // Unpublished: gone at once for anonymous visitors (not served from the cache).
    sqlx::query("update resources set status = 'draft' where slug = 'shadowing-a-nurse'").execute(&db.owner).await.unwrap();
    let started = Instant::now();
    loop {
        let gone = get(&b, "/resources/shadowing-a-nurse", &[]).await;
        if gone.status == StatusCode::NOT_FOUND {
            assert_ne!(gone.cache(), "hit");
            break;
        }
        assert!(started.elapsed() < WITHIN, "an unpublished resource was still served: {}", gone.cache());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A pool of its own, standing for another app server's connection.
async fn a_pool(db: &TestDb) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(db.owner_options.clone()).await.unwrap()
}

#[tokio::test]
async fn a_signed_in_request_is_never_answered_from_the_cache_and_no_nonce_is_shared() {
    let db = TestDb::new().await;
    crate::web::tenants(&db, crate::notifications_live::PASSWORD).await;
    let (a, _b) = two_servers(&db).await;
    let home = cached(&a, "/").await;
    let cookie = a.sign_in("acme-student").await;
    let signed_in = get(&a, "/", &[(header::COOKIE, &format!("waypoint_session={cookie}"))]).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert_eq!(signed_in.cache(), "none", "a request with a session is rendered for its person");
    assert_ne!(signed_in.body, home.body);
    let policy = signed_in.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(policy.contains("'nonce-"), "a rendered page keeps its own nonce: {policy}");
    // Two anonymous visitors get the same bytes, with no nonce in them.
    let again = cached(&a, "/").await;
    assert_eq!(again.body, home.body);
}
