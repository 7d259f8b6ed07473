//! Live notifications across app servers, the notification centre's data, and who may read the
//! outbox and the preferences.
//!
//! Two app servers (`Server`): each its own pools to the one test database, so each holds its
//! own `LISTEN`, and each serving on a real TCP listener. A student's browser is connected to
//! one server's `/notifications/live`; the mentor acts on the other; the count must arrive
//! through PostgreSQL, as it would behind a load balancer.

use crate::booking::{act, at, crowd, listing, make_free, organization, signed_in};
use crate::fixtures::{as_ctx, tenant};
use crate::http::leptos_options;
use crate::support::TestDb;
use crate::web::{form, Reply};
use app::db::SignedIn;
use app::domain::Role;
use app::error::AppError;
use app::notifications::api::ssr as centre;
use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use server::http::{router, HttpOptions, Pools};
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use uuid::Uuid;

pub(crate) const PASSWORD: &str = "tea at the lighthouse at six";
/// How long a live count may take to arrive.
const WITHIN: Duration = Duration::from_secs(10);

/// One app server over the test's database, with pools of its own (its own LISTEN connection).
/// The page cache's tests run two of them too.
pub(crate) struct Server {
    pub(crate) url: String,
    pub(crate) host: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    async fn start(db: &TestDb) -> Server {
        Server::start_with(db, |options| options).await
    }

    /// An app server with options of its own (the page cache, a read replica).
    pub(crate) async fn start_with(db: &TestDb, configure: impl FnOnce(HttpOptions) -> HttpOptions) -> Server {
        let app_options = db.owner_options.clone().username("waypoint_app");
        let requests = PgPoolOptions::new().max_connections(6).connect_with(app_options.clone()).await.expect("request pool");
        let sessions = PgPoolOptions::new().max_connections(3).connect_with(app_options).await.expect("session pool");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let host = listener.local_addr().expect("address").to_string();
        let url = format!("http://{host}");
        let options = configure(HttpOptions::for_site(&url));
        let router = router(leptos_options(), Pools { requests, sessions }, &options);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let limits = server::serve::ServeLimits { header_read: Duration::from_secs(10), shutdown_grace: Duration::from_secs(1) };
        tokio::spawn(server::serve::serve(listener, router, limits, async {
            let _ = stopped.await;
        }));
        Server { url, host, _stop: stop }
    }

    /// A request as a browser on this server's pages sends it.
    pub(crate) async fn send(&self, method: Method, path: &str, body: String, cookie: Option<&str>) -> axum::http::Response<hyper::body::Incoming> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header(header::HOST, &self.host)
            .header(header::ORIGIN, &self.url)
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
        }
        // A client of its own per request: no pooled connection the server may have closed.
        let client = app::payments::sandbox::delivery::client();
        let request = request.body(Full::new(Bytes::from(body))).expect("a request");
        tokio::time::timeout(WITHIN, client.request(request)).await.expect("an answer in time").expect("the server answers")
    }

    /// A server function over HTTP, its answer read whole.
    pub(crate) async fn call(&self, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let response = self.send(Method::POST, &format!("/api/{endpoint}"), form(fields), cookie).await;
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.into_body().collect().await.expect("the whole answer").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
    }

    pub(crate) async fn sign_in(&self, identifier: &str) -> String {
        let reply = self.call("sign_in", &[("identifier", identifier), ("password", PASSWORD)], None).await;
        reply.assert_ok();
        reply.session_cookie().expect("signing in sets the session cookie")
    }

    /// Opens `/notifications/live` as a browser's `EventSource` does.
    async fn live(&self, cookie: Option<&str>) -> Result<Events, StatusCode> {
        let response = self.send(Method::GET, "/notifications/live", String::new(), cookie).await;
        if response.status() != StatusCode::OK {
            return Err(response.status());
        }
        let kind = response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        assert!(kind.starts_with("text/event-stream"), "the stream's type: {kind}");
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none(), "an event stream is never compressed (buffered)");
        Ok(Events { body: response.into_body(), buffer: String::new() })
    }
}

/// An open server-sent event stream, read as it arrives.
struct Events {
    body: hyper::body::Incoming,
    buffer: String,
}

impl Events {
    /// The next `unread` event's count, or `None` when the server ended the stream. Fails the
    /// test when nothing arrives within [`WITHIN`].
    async fn next_unread(&mut self) -> Option<i64> {
        let read = async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let field = |name: &str| block.lines().find_map(|line| line.strip_prefix(name)).map(str::trim).map(str::to_string);
                    // Keep-alive comments (": …") carry no event.
                    if field("event:").as_deref() == Some("unread") {
                        let data = field("data:").expect("an unread event has data");
                        return Some(data.parse::<i64>().unwrap_or_else(|_| panic!("a count, not {data:?}")));
                    }
                    continue;
                }
                match self.body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            self.buffer.push_str(&String::from_utf8_lossy(&data));
                        }
                    }
                    Some(Err(error)) => panic!("the stream broke: {error}"),
                    None => return None,
                }
            }
        };
        tokio::time::timeout(WITHIN, read).await.unwrap_or_else(|_| panic!("no event within {WITHIN:?}; so far: {:?}", self.buffer))
    }
}

async fn set_everyones_password(db: &TestDb) {
    let hash = app::accounts::password::hash(PASSWORD).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&db.owner).await.unwrap();
}

async fn notify_as_owner(db: &TestDb, user: Uuid, org: Uuid, title: &str) -> Uuid {
    sqlx::query_scalar("insert into notifications (user_id, organization_id, kind, title) values ($1, $2, 'booking', $3) returning id")
        .bind(user)
        .bind(org)
        .bind(title)
        .fetch_one(&db.owner)
        .await
        .expect("insert notification")
}

/// The issue's test: a notification created through one server reaches a browser connected to
/// the other, and so does reading it; a visitor gets no stream, and a session signed out
/// everywhere stops receiving.
#[tokio::test]
async fn a_notification_made_through_one_server_reaches_a_browser_on_the_other() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "live").await;
    let listing = listing(&db.owner, org, "live-mentor", "organization").await;
    make_free(&db.owner, &listing).await;
    sqlx::query("update mentors set requires_approval = true where id = $1").bind(listing.mentor).execute(&db.owner).await.unwrap();
    let student = signed_in(crowd(&db.owner, org, "live-student", 1).await[0], org, Role::Student);
    let (handle, kind) = (listing.handle.clone(), listing.session_type.to_string());
    let request = act(&db.app, &student, |tx, u| Box::pin(bookings_hold(tx, u, handle, kind))).await.expect("hold");
    act(&db.app, &student, |tx, u| Box::pin(app::booking::api::ssr::bookings::confirm(tx, u, request, String::new())))
        .await
        .expect("ask the mentor");
    set_everyones_password(&db).await;
    let (a, b) = (Server::start(&db).await, Server::start(&db).await);

    assert_eq!(b.live(None).await.err(), Some(StatusCode::UNAUTHORIZED), "a visitor gets no stream");
    let laptop = b.sign_in("live-student-1").await;
    let mut events = b.live(Some(&laptop)).await.expect("the stream opens");
    assert_eq!(events.next_unread().await, Some(0), "the stream opens with the count");

    // The mentor accepts on the other server: the student is told "Session confirmed".
    let mentor = a.sign_in("live-mentor").await;
    a.call("answer_request", &[("id", &request.to_string()), ("accept", "true"), ("reason", "")], Some(&mentor)).await.assert_ok();
    assert_eq!(events.next_unread().await, Some(1), "the new notification reaches the other server's stream");
    let told: (Uuid, String) = sqlx::query_as("select id, title from notifications where user_id = $1")
        .bind(student.user_id)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(told.1, "Session confirmed");
    // Without JavaScript the badge reads the same count at each page load, on any server.
    assert_eq!(a.call("unread_notifications", &[], Some(&laptop)).await.json::<i64>(), 1);
    assert_eq!(a.call("unread_notifications", &[], None).await.json::<i64>(), 0, "a visitor has none");

    // Reading it on server A brings the badge on B back to 0.
    a.call("mark_notification_read", &[("id", &told.0.to_string())], Some(&laptop)).await.assert_ok();
    assert_eq!(events.next_unread().await, Some(0), "reading it reaches the stream too");

    // Signed out everywhere from another device: the stream sends nothing more and ends.
    let phone = a.sign_in("live-student-1@example.org").await;
    a.call("sign_out_everywhere", &[], Some(&phone)).await.assert_ok();
    notify_as_owner(&db, student.user_id, org, "After signing out").await;
    assert_eq!(events.next_unread().await, None, "a signed-out session's stream ends instead of counting");
    assert_eq!(b.live(Some(&laptop)).await.err(), Some(StatusCode::UNAUTHORIZED), "and cannot reopen");
}

async fn bookings_hold(tx: &mut app::db::Tx, user: &SignedIn, handle: String, kind: String) -> Result<Uuid, AppError> {
    app::booking::api::ssr::bookings::hold(tx, user, handle, kind, at(3, 10, 0).to_rfc3339()).await
}

/// The notification centre pages newest first, counts unread across pages, leaves out what the
/// in-app channel was turned off for, and marks one (only the caller's own) or all read.
#[tokio::test]
async fn the_centre_pages_counts_and_marks_only_the_callers_notifications() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let student = signed_in(acme.student, acme.org, Role::Student);
    let classmate = signed_in(acme.other_student, acme.org, Role::Student);
    // The fixture's one notification, then 21 more a minute apart, the last about a booking.
    sqlx::query(
        "insert into notifications (user_id, organization_id, kind, title, created_at)
         select $1, $2, 'booking', 'Update ' || n, now() + n * interval '1 minute' from generate_series(1, 20) n",
    )
    .bind(acme.student)
    .bind(acme.org)
    .execute(&db.owner)
    .await
    .unwrap();
    let newest: Uuid = sqlx::query_scalar(
        "insert into notifications (user_id, organization_id, kind, title, payload, created_at)
         values ($1, $2, 'booking', 'Newest', jsonb_build_object('booking_id', $3::text), now() + interval '1 hour') returning id",
    )
    .bind(acme.student)
    .bind(acme.org)
    .bind(acme.booking)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    // Roadmap news turned off in the app: written (archived) but neither listed nor counted.
    sqlx::query("insert into notification_preferences (user_id, organization_id, category, in_app) values ($1, $2, 'roadmap', false)")
        .bind(acme.student)
        .bind(acme.org)
        .execute(&db.owner)
        .await
        .unwrap();
    sqlx::query("insert into notifications (user_id, organization_id, kind, title) values ($1, $2, 'roadmap', 'A comment')")
        .bind(acme.student)
        .bind(acme.org)
        .execute(&db.owner)
        .await
        .unwrap();
    let classmates = notify_as_owner(&db, acme.other_student, acme.org, "Not yours").await;

    let mut tx = as_ctx(&db.app, student.ctx()).await;
    let first = centre::page(&mut tx, &student, 1).await.unwrap();
    assert_eq!((first.items.len(), first.has_more, first.unread, first.page), (20, true, 22, 1));
    assert_eq!(first.items[0].id, newest, "newest first");
    assert_eq!(first.items[0].link, Some(format!("/booking/{}", acme.booking)), "it leads to its booking");
    assert_eq!(first.items[1].title, "Update 20");
    let second = centre::page(&mut tx, &student, 2).await.unwrap();
    assert_eq!((second.items.len(), second.has_more, second.unread), (2, false, 22));
    let titles: Vec<&str> = first.items.iter().chain(&second.items).map(|item| item.title.as_str()).collect();
    assert!(!titles.contains(&"A comment") && !titles.contains(&"Not yours"), "{titles:?}");
    assert_eq!(centre::unread_of(&mut tx, student.user_id).await.unwrap(), 22);

    let not_mine = centre::mark_read(&mut tx, &student, Some(classmates)).await;
    assert_eq!(not_mine, Err(AppError::NotFound("that notification".into())), "someone else's is not found");
    assert_eq!(centre::mark_read(&mut tx, &student, Some(Uuid::new_v4())).await, Err(AppError::NotFound("that notification".into())));
    centre::mark_read(&mut tx, &student, Some(newest)).await.unwrap();
    centre::mark_read(&mut tx, &student, Some(newest)).await.expect("reading it again is fine");
    let after = centre::page(&mut tx, &student, 1).await.unwrap();
    assert_eq!((after.unread, after.items[0].unread, after.items[1].unread), (21, false, true));
    centre::mark_read(&mut tx, &student, None).await.unwrap();
    assert_eq!(centre::unread_of(&mut tx, student.user_id).await.unwrap(), 0, "all read");
    tx.commit().await.unwrap();
    let mut tx = as_ctx(&db.app, classmate.ctx()).await;
    assert_eq!(centre::unread_of(&mut tx, classmate.user_id).await.unwrap(), 1, "the classmate's stays unread");
}

/// Mail is read by administrators only, each their own organization's; preferences are each
/// person's own; a member can queue nothing but their own verification email.
#[tokio::test]
async fn the_outbox_and_preferences_are_row_level_secured() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    for person in [acme.other_student, globex.student] {
        sqlx::query("insert into notification_preferences (user_id, organization_id, category, email) select id, organization_id, 'booking', false from users where id = $1")
            .bind(person)
            .execute(&db.owner)
            .await
            .unwrap();
    }
    let outbox_of = |org: Uuid| {
        let owner = db.owner.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from email_outbox where organization_id = $1").bind(org).fetch_one(&owner).await.unwrap()
        }
    };
    let (acme_mail, globex_mail) = (outbox_of(acme.org).await, outbox_of(globex.org).await);
    assert!(acme_mail >= 1 && globex_mail >= 1, "each fixture notification queued its email");

    let mut tx = as_ctx(&db.app, acme.student_ctx()).await;
    let seen: i64 = sqlx::query_scalar("select count(*) from email_outbox").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0, "a student reads no outbox, not even their own mail");
    let others: i64 = sqlx::query_scalar("select count(*) from notification_preferences where user_id <> $1")
        .bind(acme.student)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(others, 0, "nor anyone else's preferences");
    let forged = sqlx::query(
        "insert into email_outbox (organization_id, user_id, category, template, to_address, data)
         values ($1, $2, 'account', 'password_reset', 'acme-student@example.org', '{\"link\": \"https://evil.example/\"}')",
    )
    .bind(acme.org)
    .bind(acme.student)
    .execute(&mut *tx)
    .await;
    assert_eq!(crate::fixtures::sqlstate(forged), "42501", "a member cannot write a reset email");
    drop(tx);
    let mut tx = as_ctx(&db.app, acme.other_student_ctx()).await;
    let own: i64 = sqlx::query_scalar("select count(*) from notification_preferences").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(own, 1, "their own preferences they do read");
    drop(tx);

    let mut tx = as_ctx(&db.app, acme.org_admin_ctx()).await;
    let orgs: Vec<(Uuid, i64)> = sqlx::query_as("select organization_id, count(*) from email_outbox group by organization_id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(orgs, vec![(acme.org, acme_mail)], "an org admin reads their organization's mail, and only it");
}
