//! Waypoint under load and under attack: parallel sign-ins that cannot exhaust the pool, guesses
//! that cannot race past the throttle or lock an owner out, load shedding and timeouts, slowloris
//! connections, host and proxy rules, and private responses that are never cached.

use crate::fixtures::user;
use crate::support::TestDb;
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::error::AppError;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request, StatusCode};
use crate::http::leptos_options;
use server::http::{router, HttpOptions, Pools, RequestLimits};
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

const PASSWORD: &str = "tea at the lighthouse at six";
const WRONG_CREDENTIALS: &str = "Wrong email, username or password.";

/// A load test's size: the environment variable when set (`make bench`), else the default.
fn load_size(variable: &str, default: usize) -> usize {
    std::env::var(variable).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// The site with production-like pools: a small request pool and the session store's own.
async fn site_with_pools(db: &TestDb, requests: u32, options: &HttpOptions) -> axum::Router {
    let app_options = db.owner_options.clone().username("waypoint_app");
    let pool = |size| {
        PgPoolOptions::new().max_connections(size).acquire_timeout(Duration::from_secs(5)).connect_lazy_with(app_options.clone())
    };
    router(leptos_options(), Pools { requests: pool(requests), sessions: pool(2) }, options)
}

fn sign_in_request(identifier: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    server_fn_request("sign_in", "application/x-www-form-urlencoded", cookie)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(form(&[("identifier", identifier), ("password", password)])))
        .unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, HOST).body(Body::empty()).unwrap()
}

/// 150 parallel sign-ins carrying a session cookie once took every connection of the shared pool
/// (each held a transaction while the session store asked for one more) and the whole site,
/// /healthz included, answered 503. With the session store on its own pool none of them fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sign_ins_with_sessions_never_exhaust_the_pool() {
    // `make test` runs a size that finishes in seconds; `make bench` the full 200.
    let parallel = load_size("WAYPOINT_LOAD_SIGN_INS", 48);
    let db = TestDb::new().await;
    let (acme, _) = crate::web::tenants(&db, PASSWORD).await;
    for n in 0..parallel {
        user(&db.owner, acme.org, &format!("crowd-{n}"), "student").await;
    }
    let hash = app::accounts::password::hash(PASSWORD).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&db.owner).await.unwrap();
    let router = site_with_pools(&db, 4, &HttpOptions::for_site(ORIGIN)).await;

    let health = tokio::spawn({
        let router = router.clone();
        async move {
            let mut statuses = Vec::new();
            for _ in 0..40 {
                statuses.push(Reply::send(router.clone(), get("/healthz")).await.status);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            statuses
        }
    });
    let started = std::time::Instant::now();
    let sign_ins: Vec<_> = (0..parallel)
        .map(|n| {
            let router = router.clone();
            // A session id the store has to look up (a visitor's earlier session).
            let cookie = tower_sessions::session::Id::default().to_string();
            tokio::spawn(async move {
                let sent = std::time::Instant::now();
                let reply = Reply::send(router, sign_in_request(&format!("crowd-{n}"), PASSWORD, Some(&cookie))).await;
                (reply, sent.elapsed())
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in sign_ins {
        let (reply, latency) = task.await.unwrap();
        assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
        assert!(reply.session_cookie().is_some());
        latencies.push(latency);
    }
    let all = started.elapsed();
    assert_eq!(latencies.len(), parallel);
    let statuses = health.await.unwrap();
    assert!(statuses.iter().all(|status| *status == StatusCode::OK), "/healthz answered {statuses:?}");
    latencies.sort();
    eprintln!(
        "load: {parallel} parallel correct sign-ins with session cookies (request pool 4, session pool 2): all signed in, \
         no 5xx, in {all:.2?}; latency p50 {:.0?}, max {:.0?}; /healthz {} of {} answered 200 meanwhile",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        statuses.len(),
        statuses.len()
    );
}

/// The throttle counts an attempt before it checks the password, in one statement: of 60
/// parallel wrong guesses at one account, exactly 5 reach the password check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_guesses_reach_the_password_check_at_most_five_times() {
    let (db, router) = crate::web::site().await;
    crate::web::tenants(&db, PASSWORD).await;
    let burst = load_size("WAYPOINT_LOAD_GUESSES", 60);
    let guesses: Vec<_> = (0..burst)
        .map(|n| {
            let router = router.clone();
            tokio::spawn(async move { Reply::send(router, sign_in_request("acme-student", &format!("guess {n}"), None)).await })
        })
        .collect();
    let (mut checked, mut refused) = (0, 0);
    for guess in guesses {
        let reply = guess.await.unwrap();
        match reply.status {
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()));
                checked += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert_eq!((checked, refused), (5, burst - 5));
    eprintln!("load: {burst} parallel wrong guesses at one account: {checked} reached the password check, {refused} refused with 429");
}

async fn sign_in_from(router: &axum::Router, ip: [u8; 4], password: &str) -> Reply {
    let router = router.clone().layer(MockConnectInfo(std::net::SocketAddr::from((ip, 40_000))));
    Reply::send(router, sign_in_request("acme-student", password, None)).await
}

/// Knowing a username must not be enough to lock its owner out: the hard limit is per account
/// and network, and across networks failures only slow further checks down, by seconds.
#[tokio::test]
async fn a_stranger_guessing_a_username_does_not_lock_its_owner_out() {
    let (db, router) = crate::web::site().await;
    crate::web::tenants(&db, PASSWORD).await;
    const STRANGER: [u8; 4] = [203, 0, 113, 66];
    const OWNER: [u8; 4] = [198, 51, 100, 20];
    for n in 0..5 {
        let reply = sign_in_from(&router, STRANGER, &format!("guess {n}")).await;
        assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "guess {n}");
    }
    let stranger = sign_in_from(&router, STRANGER, PASSWORD).await;
    assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS, "the stranger's network is held back");
    let owner = sign_in_from(&router, OWNER, PASSWORD).await;
    assert!(owner.status.is_success(), "the owner signs in from their own network: {}", owner.body);

    // Ten failures from five networks: from then on each check waits its turn, seconds apart.
    for n in 0..10u8 {
        let reply = sign_in_from(&router, [192, 0, 2, n / 2], "still guessing").await;
        assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "failure {n}");
    }
    let checked = sign_in_from(&router, [192, 0, 2, 100], "one more guess").await;
    assert_eq!(checked.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "checked, and its turn taken");
    let waiting = sign_in_from(&router, OWNER, PASSWORD).await;
    match waiting.error() {
        AppError::RateLimited { retry_after_secs } => assert!(retry_after_secs <= 2, "a wait of seconds: {retry_after_secs}"),
        other => panic!("expected a short wait, got {other:?}"),
    }
    // When the turn comes (moved to now rather than slept through), the owner gets in.
    sqlx::query("update auth_throttle set not_before = now() where bucket like 'sign-in:account:%' and bucket not like '%:net:%'")
        .execute(&db.owner)
        .await
        .unwrap();
    let owner = sign_in_from(&router, OWNER, PASSWORD).await;
    assert!(owner.status.is_success(), "{}", owner.body);
}

/// `X-Forwarded-For` names the client only when the TCP peer is a configured proxy.
#[tokio::test]
async fn x_forwarded_for_is_believed_only_from_trusted_proxies() {
    let trusted = server::config::trusted_proxies(Some("10.0.0.0/8, 192.0.2.1")).unwrap();
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("x-forwarded-for", "198.51.100.1, 203.0.113.5, 10.1.1.1".parse().unwrap());
    let client = |peer: &str| server::http::client_ip(peer.parse().unwrap(), &headers, &trusted).to_string();
    assert_eq!(client("203.0.113.99"), "203.0.113.99", "not a proxy: the header is the client's own claim");
    assert_eq!(client("10.0.0.2"), "203.0.113.5", "the right-most address no trusted proxy added");
    assert_eq!(client("192.0.2.1"), "203.0.113.5");
    let error = server::config::trusted_proxies(Some("10.0.0.0/8, nonsense")).unwrap_err().to_string();
    assert!(error.contains("WAYPOINT_TRUSTED_PROXIES") && error.contains("nonsense"), "{error}");

    // Through the site: behind a trusted proxy, two clients are two networks for the throttle.
    let db = TestDb::new().await;
    crate::web::tenants(&db, PASSWORD).await;
    let options = HttpOptions {
        trusted_proxies: server::config::trusted_proxies(Some("127.0.0.1")).unwrap(),
        ..HttpOptions::for_site(ORIGIN)
    };
    let router =
        site_with_pools(&db, 4, &options).await.layer(MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 1))));
    let via_proxy = |client: &'static str, password: &'static str| {
        let router = router.clone();
        async move {
            let mut request = sign_in_request("acme-student", password, None);
            request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
            Reply::send(router, request).await
        }
    };
    for _ in 0..5 {
        via_proxy("203.0.113.7", "wrong").await;
    }
    assert_eq!(via_proxy("203.0.113.7", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(via_proxy("198.51.100.8", PASSWORD).await.status.is_success(), "another client behind the same proxy");
}

/// A page for another host name (DNS rebinding) is answered 421; /healthz answers any name.
#[tokio::test]
async fn only_the_sites_own_host_is_served() {
    let (_db, router) = crate::web::site().await;
    let with_host = |path: &str, host: &str| Request::get(path).header(header::HOST, host).body(Body::empty()).unwrap();
    let evil = Reply::send(router.clone(), with_host("/", "evil.example")).await;
    assert_eq!(evil.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(Reply::send(router.clone(), with_host("/", "WAYPOINT.example")).await.status, StatusCode::OK);
    assert_eq!(Reply::send(router.clone(), with_host("/healthz", "10.0.0.5:3000")).await.status, StatusCode::OK);

    let local = server::http::allowed_hosts("http://127.0.0.1:3000");
    assert_eq!(local, ["127.0.0.1:3000", "[::1]:3000", "localhost:3000"]);
    let public = server::http::allowed_hosts("https://waypoint.example");
    assert_eq!(public, ["waypoint.example"]);
}

/// Anything that can show one person's data is sent with `Cache-Control: no-store`.
#[tokio::test]
async fn private_pages_are_never_stored_by_a_cache() {
    let (_db, router) = crate::web::site().await;
    let cache_control = |reply: &Reply| reply.headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap().to_string());
    let account = Reply::send(router.clone(), get("/account")).await;
    assert_eq!(cache_control(&account).as_deref(), Some("no-store"), "{}", account.status);
    let cookie = tower_sessions::session::Id::default().to_string();
    let with_session = Request::get("/careers")
        .header(header::HOST, HOST)
        .header(header::COOKIE, format!("theme=dark; waypoint_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(cache_control(&Reply::send(router.clone(), with_session).await).as_deref(), Some("no-store"));
    let public = Reply::send(router.clone(), get("/careers")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_ne!(cache_control(&public).as_deref(), Some("no-store"), "a visitor's public page may be cached");
}

/// Beyond the in-flight limit requests are shed at once with 503 and Retry-After, never queued
/// without bound; a response that does not start in time is a 503 too, and /healthz is exempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_beyond_the_limit_is_shed_and_slow_requests_time_out() {
    let db = TestDb::new().await;
    let options = HttpOptions {
        limits: RequestLimits { max_in_flight: 2, ..RequestLimits::default() },
        ..HttpOptions::for_site(ORIGIN)
    };
    let router = site_with_pools(&db, 4, &options).await;
    let burst: Vec<_> = (0..24)
        .map(|n| {
            let router = router.clone();
            tokio::spawn(async move { Reply::send(router, get(&format!("/careers?q=engineer&page={}", n % 3 + 1))).await })
        })
        .collect();
    let mut shed = 0;
    for reply in burst {
        let reply = reply.await.unwrap();
        match reply.status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(reply.headers.get(header::RETRY_AFTER).unwrap(), "2");
                assert!(reply.body.contains("very busy"), "{}", reply.body);
                shed += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(shed > 0, "a burst of 24 over a limit of 2 sheds some");
    assert_eq!(Reply::send(router.clone(), get("/healthz")).await.status, StatusCode::OK);

    let options = HttpOptions {
        limits: RequestLimits { request_timeout: Duration::from_millis(1), ..RequestLimits::default() },
        ..HttpOptions::for_site(ORIGIN)
    };
    let impatient = site_with_pools(&db, 4, &options).await;
    let reply = Reply::send(impatient, get("/careers?q=nurse")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
}

/// A client that sends half a request header (slowloris) is disconnected after the header-read
/// timeout instead of holding its connection open for ever; a complete request is answered.
#[tokio::test]
async fn a_connection_that_never_finishes_its_header_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let limits = server::serve::ServeLimits { header_read: Duration::from_millis(500), shutdown_grace: Duration::from_secs(1) };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve::serve(listener, app, limits, async {
        let _ = stopped.await;
    }));

    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: waypoint.example\r\nX-Slow: ").await.unwrap();
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the half-sent request was still open after 5 s");
    assert!(started.elapsed() < Duration::from_secs(3), "closed after {:?}", started.elapsed());

    let mut whole = tokio::net::TcpStream::connect(address).await.unwrap();
    whole.write_all(b"GET / HTTP/1.1\r\nHost: waypoint.example\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut response = String::new();
    whole.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200") && response.ends_with("hello"), "{response}");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("the server stops").unwrap().unwrap();
}

/// The database stopped under load and started again: while it is away, pages answer a clear
/// 503 (never a hang, never a 500) and /healthz says 503; when it is back, service resumes by
/// itself, and every sign-up that was confirmed is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_gives_503s_and_service_comes_back_by_itself() {
    use server::embedded::{EmbeddedOptions, EmbeddedPostgres, SUPERUSER};
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    let dir = tempfile::Builder::new().prefix("faults-").tempdir_in(crate::support::scratch_dir()).unwrap();
    let mut options = EmbeddedOptions::new(dir.path().join("postgres"));
    options.durable = false;
    let cluster = EmbeddedPostgres::start(&options).await.unwrap();
    server::database::create_database_if_missing(&cluster.connect_options(SUPERUSER, "postgres"), "waypoint")
        .await
        .unwrap();
    let owner_options = cluster.connect_options(SUPERUSER, "waypoint");
    let owner = PgPoolOptions::new().max_connections(2).connect_with(owner_options.clone()).await.unwrap();
    server::database::MIGRATOR.run(&owner).await.unwrap();
    server::reference::load(&owner).await.unwrap();
    owner.close().await;
    let app_options = cluster.connect_options("waypoint_app", "waypoint");
    let pool = |size| {
        PgPoolOptions::new().max_connections(size).acquire_timeout(Duration::from_secs(2)).connect_lazy_with(app_options.clone())
    };
    let router = router(leptos_options(), Pools { requests: pool(4), sessions: pool(2) }, &HttpOptions::for_site(ORIGIN));

    // Load: visitors reading careers and people signing up, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let confirmed = Arc::new(Mutex::new(Vec::<String>::new()));
    let statuses = Arc::new(Mutex::new(Vec::<StatusCode>::new()));
    let counter = Arc::new(AtomicU32::new(0));
    let load: Vec<_> = (0..3)
        .map(|worker| {
            let (router, stop, confirmed, statuses, counter) =
                (router.clone(), stop.clone(), confirmed.clone(), statuses.clone(), counter.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let reply = if worker == 0 {
                        let username = format!("steady-{n}");
                        let fields = [
                            ("email", format!("{username}@example.org")),
                            ("username", username.clone()),
                            ("first_name", "Steady".into()),
                            ("last_name", "Writer".into()),
                            ("password", "plum orchard under a quiet moon".into()),
                            ("invite_code", String::new()),
                        ];
                        let request = server_fn_request("sign_up", "application/x-www-form-urlencoded", None)
                            .header(header::ORIGIN, ORIGIN)
                            .body(Body::from(form(&fields)))
                            .unwrap();
                        // Each from its own address, so the sign-up limit per address is not what answers.
                        let from = std::net::SocketAddr::from(([10, 9, (n / 250) as u8, (n % 250) as u8], 1));
                        let reply = tokio::time::timeout(
                            Duration::from_secs(20),
                            Reply::send(router.clone().layer(MockConnectInfo(from)), request),
                        )
                        .await
                        .expect("a sign-up hung");
                        if reply.status.is_success() {
                            confirmed.lock().unwrap().push(username);
                        }
                        reply
                    } else {
                        tokio::time::timeout(Duration::from_secs(20), Reply::send(router.clone(), get("/careers?q=nurs")))
                            .await
                            .expect("a page hung")
                    };
                    statuses.lock().unwrap().push(reply.status);
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.stop();
    // While it is away: a clear 503 page, and /healthz says so.
    let down = tokio::time::timeout(Duration::from_secs(20), Reply::send(router.clone(), get("/careers?q=engineer")))
        .await
        .expect("a page hung while the database was away");
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{}", down.body);
    assert!(down.body.contains("Waypoint is briefly unavailable"), "{}", down.body);
    assert_eq!(Reply::send(router.clone(), get("/healthz")).await.status, StatusCode::SERVICE_UNAVAILABLE);

    let cluster = EmbeddedPostgres::start(&options).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        if Reply::send(router.clone(), get("/healthz")).await.status == StatusCode::OK {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "service did not come back by itself");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);
    for worker in load {
        worker.await.unwrap();
    }
    assert_eq!(Reply::send(router.clone(), get("/careers?q=nurs")).await.status, StatusCode::OK);

    let statuses = statuses.lock().unwrap().clone();
    let unexpected: Vec<_> = statuses
        .iter()
        .filter(|status| !(status.is_success() || **status == StatusCode::SERVICE_UNAVAILABLE))
        .collect();
    assert!(unexpected.is_empty(), "only successes and 503s under the fault, got {unexpected:?}");
    assert!(statuses.iter().any(|status| *status == StatusCode::SERVICE_UNAVAILABLE), "the outage was seen");
    let confirmed = confirmed.lock().unwrap().clone();
    assert!(!confirmed.is_empty());
    let owner = PgPoolOptions::new().max_connections(1).connect_with(owner_options).await.unwrap();
    let stored: i64 = sqlx::query_scalar("select count(*) from users where username = any($1)")
        .bind(&confirmed)
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(stored as usize, confirmed.len(), "every confirmed sign-up was kept");
    eprintln!(
        "faults: {} requests, {} answered 503 while the database was away, {} sign-ups confirmed and kept; back in {:?}",
        statuses.len(),
        statuses.iter().filter(|status| **status == StatusCode::SERVICE_UNAVAILABLE).count(),
        confirmed.len(),
        started.elapsed()
    );
    owner.close().await;
    cluster.stop();
}
