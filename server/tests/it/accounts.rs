//! Accounts end to end, through the HTTP surface as a browser would use it: server functions
//! posted as forms with the session cookie, the CSRF check, sessions, throttling, profiles,
//! mentor applications, administration, the data export and account deletion.

use crate::fixtures::{user, Tenant};
use crate::support::TestDb;
use app::accounts::profile::Profile;
use app::accounts::SessionUser;
use app::domain::Role;
use app::admin::UserPage;
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use uuid::Uuid;

/// The password every fixture account gets (see [`Site::with_tenants`]).
const PASSWORD: &str = "tea at the lighthouse at six";
const STRONG: &str = "plum orchard under a quiet moon";
const WRONG_CREDENTIALS: &str = "Wrong email, username or password.";

/// The site in-process, called as a browser on the site itself would.
struct Site {
    db: TestDb,
    router: axum::Router,
}

impl Site {
    async fn new() -> Site {
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    /// Two organizations of fixtures (acme and globex) whose accounts all have [`PASSWORD`].
    async fn with_tenants() -> (Site, Tenant, Tenant) {
        let site = Site::new().await;
        let (acme, globex) = crate::web::tenants(&site.db, PASSWORD).await;
        (site, acme, globex)
    }

    async fn set_everyones_password(&self) {
        let hash = app::accounts::password::hash(PASSWORD).unwrap();
        sqlx::query("update users set password_hash = $1").bind(hash).execute(&self.db.owner).await.unwrap();
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        Self::send_via(self.router.clone(), request).await
    }

    async fn send_via(router: axum::Router, request: Request<Body>) -> Reply {
        Reply::send(router, request).await
    }

    /// A server function request without any Origin or Referer yet.
    fn post(endpoint: &str, cookie: Option<&str>) -> axum::http::request::Builder {
        server_fn_request(endpoint, "application/x-www-form-urlencoded", cookie)
    }

    /// A server function call from a page of this site.
    async fn call(&self, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let request = Self::post(endpoint, cookie).header(header::ORIGIN, ORIGIN).body(Body::from(form(fields)));
        self.send(request.unwrap()).await
    }

    /// A server function call from a browser at `ip` (the server reads the TCP peer's address).
    async fn call_from(&self, ip: [u8; 4], endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        use axum::extract::connect_info::MockConnectInfo;
        let router = self.router.clone().layer(MockConnectInfo(std::net::SocketAddr::from((ip, 50_000))));
        let request = Self::post(endpoint, None).header(header::ORIGIN, ORIGIN).body(Body::from(form(fields)));
        Self::send_via(router, request.unwrap()).await
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn whoami(&self, cookie: &str) -> Option<SessionUser> {
        self.call("current_user", &[], Some(cookie)).await.json()
    }

    async fn try_sign_in(&self, identifier: &str, password: &str, cookie: Option<&str>) -> Reply {
        self.call("sign_in", &[("identifier", identifier), ("password", password)], cookie).await
    }

    /// Signs in and returns the new session's cookie.
    async fn sign_in(&self, identifier: &str, password: &str) -> String {
        let reply = self.try_sign_in(identifier, password, None).await;
        reply.assert_ok();
        reply.session_cookie().expect("signing in sets the session cookie")
    }

    async fn sign_up(&self, email: &str, username: &str, password: &str, invite_code: &str) -> Reply {
        self.call(
            "sign_up",
            &[
                ("email", email),
                ("username", username),
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("password", password),
                ("invite_code", invite_code),
            ],
            None,
        )
        .await
    }

    async fn count(&self, sql: &str, id: Uuid) -> i64 {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&self.db.owner)
            .await
            .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }
}

fn admin_filter<'a>(q: &'a str, role: &'a str) -> [(&'static str, &'a str); 6] {
    [("q", q), ("role", role), ("organization", ""), ("from", ""), ("to", ""), ("page", "")]
}

fn usernames(page: &UserPage) -> Vec<String> {
    let mut names: Vec<String> = page.rows.iter().map(|row| row.username.clone()).collect();
    names.sort();
    names
}

// Sign-up -------------------------------------------------------------------------------------

#[tokio::test]
async fn signing_up_joins_the_community_and_signs_in() {
    let site = Site::new().await;
    let reply = site.sign_up("Ada@Example.org", "ada.lovelace", STRONG, "").await;
    reply.assert_ok();
    assert_eq!(reply.redirect(), Some("/account"), "a new account lands on its profile");
    let cookie = reply.session_cookie().expect("signing up starts a session");

    let me = site.whoami(&cookie).await.expect("the new session knows who it is");
    assert_eq!((me.username.as_str(), me.first_name.as_str(), me.role), ("ada.lovelace", "Ada", Role::Student));
    assert_eq!(me.organization_name, "Waypoint Community");
    let (email, org_kind, profiles): (String, String, i64) = sqlx::query_as(
        "select u.email::text, o.kind::text, (select count(*) from user_profiles p where p.user_id = u.id)
           from users u join organizations o on o.id = u.organization_id where u.id = $1",
    )
    .bind(me.id)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!((email.as_str(), org_kind.as_str(), profiles), ("Ada@Example.org", "public", 1));
    // The password is kept only as an argon2id hash.
    let hash: String = sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(me.id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(STRONG));

    // Without a cookie, nobody is signed in.
    let anonymous: Option<SessionUser> = site.call("current_user", &[], None).await.json();
    assert_eq!(anonymous, None);
}

#[tokio::test]
async fn an_invite_code_joins_its_organization_and_a_wrong_one_says_so() {
    let site = Site::new().await;
    let riverside: Uuid = sqlx::query_scalar(
        "insert into organizations (name, slug, kind, invite_code) values ('Riverside High', 'riverside', 'school', 'RIVERSIDE-2026') returning id",
    )
    .fetch_one(&site.db.owner)
    .await
    .unwrap();

    let wrong = site.sign_up("grace@example.org", "grace", STRONG, "RIVERSIDE-2025").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.error().to_string().starts_with("That invite code doesn't match any organization."),
        "{}",
        wrong.body
    );
    assert_eq!(wrong.session_cookie(), None);
    let malformed = site.sign_up("grace@example.org", "grace", STRONG, "bad code!").await;
    assert!(malformed.error().to_string().contains("An invite code has 8 to 64 letters"), "{}", malformed.body);

    // Codes compare without case or surrounding space.
    let reply = site.sign_up("grace@example.org", "grace", STRONG, "  riverside-2026 ").await;
    reply.assert_ok();
    let me = site.whoami(&reply.session_cookie().unwrap()).await.unwrap();
    assert_eq!(me.organization_name, "Riverside High");
    let org: Uuid = sqlx::query_scalar("select organization_id from users where id = $1")
        .bind(me.id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(org, riverside);
}

#[tokio::test]
async fn sign_up_refuses_a_taken_email_or_username_and_a_weak_password() {
    let site = Site::new().await;
    site.sign_up("ada@example.org", "ada", STRONG, "").await.assert_ok();

    let same_email = site.sign_up("ADA@example.ORG", "someone-else", STRONG, "").await;
    assert_eq!(same_email.status, StatusCode::CONFLICT);
    assert!(same_email.error().to_string().starts_with("That email is already registered"), "{}", same_email.body);
    assert_eq!(same_email.session_cookie(), None, "a refused sign-up signs nobody in");

    let same_username = site.sign_up("other@example.org", "ADA", STRONG, "").await;
    assert_eq!(same_username.status, StatusCode::CONFLICT);
    assert!(same_username.error().to_string().starts_with("That username is taken"), "{}", same_username.body);

    let weak = site.sign_up("weak@example.org", "weakling", "password12345", "").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.error().to_string().contains("too common"), "{}", weak.body);

    // Every field's problem at once.
    let bad = site.sign_up("not-an-email", "x", "short", "").await;
    let message = bad.error().to_string();
    assert!(
        message.contains("needs an @") && message.contains("3 to 32") && message.contains("at least 12"),
        "{message}"
    );

    let accounts: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&site.db.owner).await.unwrap();
    assert_eq!(accounts, 1, "only the first sign-up created an account");
}

// Sign-in and sessions --------------------------------------------------------------------------

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_retires_the_old_one() {
    let (site, acme, _) = Site::with_tenants().await;
    let first = site.sign_in("acme-student", PASSWORD).await;
    assert_eq!(site.whoami(&first).await.unwrap().id, acme.student);

    // Someone else signs in on the same browser (or an attacker planted this id): the session
    // continues under a fresh id, and the old id is worth nothing.
    let reply = site.try_sign_in("acme-student2", PASSWORD, Some(&first)).await;
    reply.assert_ok();
    let second = reply.session_cookie().expect("signing in sets a cookie");
    assert_ne!(second, first, "the session id changes on sign-in");
    assert_eq!(site.whoami(&second).await.unwrap().id, acme.other_student);
    assert_eq!(site.whoami(&first).await, None, "the pre-sign-in id no longer authenticates");

    // Signing out ends the session for good.
    let out = site.call("sign_out", &[], Some(&second)).await;
    out.assert_ok();
    assert_eq!(out.redirect(), Some("/"));
    assert_eq!(site.whoami(&second).await, None);
}

#[tokio::test]
async fn sign_in_takes_an_email_or_a_username_in_any_case() {
    let (site, acme, _) = Site::with_tenants().await;
    for identifier in ["acme-student@example.org", "ACME-Student@Example.ORG", "acme-student", "Acme-STUDENT"] {
        let cookie = site.sign_in(identifier, PASSWORD).await;
        assert_eq!(site.whoami(&cookie).await.map(|me| me.id), Some(acme.student), "{identifier}");
    }
    let next = site
        .call("sign_in", &[("identifier", "acme-student"), ("password", PASSWORD), ("next", "/roadmap")], None)
        .await;
    assert_eq!(next.redirect(), Some("/roadmap"), "back to where they were going");
    let elsewhere = site
        .call("sign_in", &[("identifier", "acme-student"), ("password", PASSWORD), ("next", "//evil.example/")], None)
        .await;
    assert_eq!(elsewhere.redirect(), Some("/account"), "never off-site");
    let last_login: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_login_at from users where id = $1")
            .bind(acme.student)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert!(last_login.is_some());
}

#[tokio::test]
async fn wrong_passwords_and_unknown_accounts_read_the_same_and_suspended_accounts_are_told() {
    let (site, acme, _) = Site::with_tenants().await;
    let wrong_password = site.try_sign_in("acme-student", "not the right password", None).await;
    let unknown_username = site.try_sign_in("nobody-here", PASSWORD, None).await;
    let unknown_email = site.try_sign_in("nobody@example.org", PASSWORD, None).await;
    for reply in [&wrong_password, &unknown_username, &unknown_email] {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()));
        assert_eq!(reply.session_cookie(), None);
    }

    sqlx::query("update users set status = 'suspended' where id = $1")
        .bind(acme.student)
        .execute(&site.db.owner)
        .await
        .unwrap();
    let suspended = site.try_sign_in("acme-student", PASSWORD, None).await;
    assert_eq!(suspended.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        suspended.error().to_string(),
        "This account is suspended. Please contact your organization's administrator."
    );
    assert_eq!(suspended.session_cookie(), None);
    // ...but only with the right password: otherwise nothing tells the account exists.
    let guessed = site.try_sign_in("acme-student", "not the right password", None).await;
    assert_eq!(guessed.error(), AppError::Invalid(WRONG_CREDENTIALS.into()));
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let (site, acme, _) = Site::with_tenants().await;
    // Failures count against the account however it is named.
    for identifier in
        ["acme-student", "ACME-STUDENT@example.org", "acme-student", "acme-student@example.org", "Acme-Student"]
    {
        let reply = site.try_sign_in(identifier, "not the right password", None).await;
        assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "{identifier}");
    }
    let locked = site.try_sign_in("acme-student", PASSWORD, None).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    assert!(matches!(locked.error(), AppError::RateLimited { .. }));
    assert_eq!(locked.error().to_string(), "Too many attempts. Please try again in 15 minutes.");
    assert_eq!(locked.session_cookie(), None, "even the right password does not get in");

    // The lock is on that account, not on everyone from the same address.
    let cookie = site.sign_in("acme-student2", PASSWORD).await;
    assert_eq!(site.whoami(&cookie).await.unwrap().id, acme.other_student);

    // When the window has passed, the right password works again.
    sqlx::query("update auth_throttle set window_ends_at = now() - interval '1 second'")
        .execute(&site.db.owner)
        .await
        .unwrap();
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    assert_eq!(site.whoami(&cookie).await.unwrap().id, acme.student);
}

#[tokio::test]
async fn an_address_that_keeps_failing_or_signing_up_is_held_back_and_others_are_not() {
    let (site, acme, _) = Site::with_tenants().await;
    const NOISY: [u8; 4] = [203, 0, 113, 9];
    const QUIET: [u8; 4] = [198, 51, 100, 7];
    // Thirty failed sign-ins from one address, each for a different account.
    for n in 0..30 {
        let identifier = format!("nobody-{n}");
        let reply =
            site.call_from(NOISY, "sign_in", &[("identifier", &identifier), ("password", "guessing again")]).await;
        assert_eq!(reply.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "attempt {n}");
    }
    let held = site.call_from(NOISY, "sign_in", &[("identifier", "acme-student"), ("password", PASSWORD)]).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.body);
    assert_eq!(held.error().to_string(), "Too many attempts. Please try again in 15 minutes.");
    assert_eq!(held.session_cookie(), None);
    let elsewhere = site.call_from(QUIET, "sign_in", &[("identifier", "acme-student"), ("password", PASSWORD)]).await;
    elsewhere.assert_ok();
    assert_eq!(site.whoami(&elsewhere.session_cookie().unwrap()).await.map(|me| me.id), Some(acme.student));

    // Twenty sign-ups an hour from one address.
    let sign_up = |ip: [u8; 4], n: usize| {
        let site = &site;
        async move {
            let (email, username) = (format!("new{n}@example.org"), format!("newcomer-{n}"));
            let fields = [
                ("email", email.as_str()),
                ("username", username.as_str()),
                ("first_name", "New"),
                ("last_name", "Comer"),
                ("password", STRONG),
                ("invite_code", ""),
            ];
            site.call_from(ip, "sign_up", &fields).await
        }
    };
    for n in 0..20 {
        sign_up(NOISY, n).await.assert_ok();
    }
    let refused = sign_up(NOISY, 20).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert_eq!(refused.error().to_string(), "Too many attempts. Please try again in 60 minutes.");
    let created: i64 = sqlx::query_scalar("select count(*) from users where email = 'new20@example.org'")
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(created, 0);
    sign_up(QUIET, 20).await.assert_ok();
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account() {
    let (site, acme, _) = Site::with_tenants().await;
    let laptop = site.sign_in("acme-student", PASSWORD).await;
    let phone = site.sign_in("acme-student@example.org", PASSWORD).await;
    let classmate = site.sign_in("acme-student2", PASSWORD).await;
    assert_ne!(laptop, phone);

    let reply = site.call("sign_out_everywhere", &[], Some(&laptop)).await;
    reply.assert_ok();
    assert_eq!(reply.redirect(), Some("/sign-in?signed_out=everywhere"));
    assert_eq!(site.whoami(&laptop).await, None);
    assert_eq!(site.whoami(&phone).await, None);
    assert_eq!(site.whoami(&classmate).await.map(|me| me.id), Some(acme.other_student), "other accounts are untouched");
    // Signing in again works, on the new generation.
    let again = site.sign_in("acme-student", PASSWORD).await;
    assert_eq!(site.whoami(&again).await.map(|me| me.id), Some(acme.student));
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one() {
    let (site, acme, _) = Site::with_tenants().await;
    let here = site.sign_in("acme-student", PASSWORD).await;
    let elsewhere = site.sign_in("acme-student", PASSWORD).await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str, cookie: String| {
        let site = &site;
        async move {
            site.call(
                "change_password",
                &[("current_password", current), ("new_password", new), ("confirm_password", confirm)],
                Some(&cookie),
            )
            .await
        }
    };

    let wrong = change("not my password at all", STRONG, STRONG, here.clone()).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.error().to_string(), "Your current password isn't right.");
    let mismatch = change(PASSWORD, STRONG, "plum orchard under a loud moon", here.clone()).await;
    assert_eq!(mismatch.error().to_string(), "The new password and its confirmation don't match.");
    let weak = change(PASSWORD, "password12345", "password12345", here.clone()).await;
    assert!(weak.error().to_string().contains("too common"));
    assert!(site.whoami(&elsewhere).await.is_some(), "refused changes end nothing");

    let done = change(PASSWORD, STRONG, STRONG, here.clone()).await;
    done.assert_ok();
    let renewed = done.session_cookie().expect("this session continues under a new id");
    assert_ne!(renewed, here);
    assert_eq!(site.whoami(&renewed).await.map(|me| me.id), Some(acme.student), "this session keeps working");
    assert_eq!(site.whoami(&elsewhere).await, None, "the other session ended");

    let old = site.try_sign_in("acme-student", PASSWORD, None).await;
    assert_eq!(old.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "the old password no longer works");
    site.sign_in("acme-student", STRONG).await;
}

// Request forgery and access ------------------------------------------------------------------------

#[tokio::test]
async fn cross_site_or_unattributed_writes_are_refused_and_change_nothing() {
    let (site, acme, _) = Site::with_tenants().await;
    let body = form(&[
        ("email", "csrf@example.org"),
        ("username", "csrf-victim"),
        ("first_name", "C"),
        ("last_name", "Srf"),
        ("password", STRONG),
        ("invite_code", ""),
    ]);
    let attempts: [(&str, Option<(header::HeaderName, &str)>); 5] = [
        ("no Origin or Referer", None),
        ("another site's Origin", Some((header::ORIGIN, "https://evil.example"))),
        ("another site's Referer", Some((header::REFERER, "https://evil.example/waypoint.example"))),
        ("another port", Some((header::ORIGIN, "https://waypoint.example:8443"))),
        ("an opaque origin", Some((header::ORIGIN, "null"))),
    ];
    for (what, claim) in attempts {
        let mut request = Site::post("sign_up", None);
        if let Some((name, value)) = claim {
            request = request.header(name, value);
        }
        let reply = site.send(request.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{what}");
        assert_eq!(reply.error(), AppError::Forbidden, "{what}");
        assert_eq!(reply.session_cookie(), None, "{what}");
    }
    let created: i64 = sqlx::query_scalar("select count(*) from users where email = 'csrf@example.org'")
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(created, 0, "no account was created");

    // A forged sign-out with the victim's cookie does not sign them out.
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    let forged = Site::post("sign_out_everywhere", Some(&cookie)).header(header::ORIGIN, "https://evil.example");
    assert_eq!(site.send(forged.body(Body::empty()).unwrap()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(site.whoami(&cookie).await.map(|me| me.id), Some(acme.student));

    // A browser that sends only a same-site Referer gets through.
    let referred =
        Site::post("sign_up", None).header(header::REFERER, "https://waypoint.example/sign-up?next=/roadmap");
    site.send(referred.body(Body::from(body)).unwrap()).await.assert_ok();
}

#[tokio::test]
async fn protected_functions_need_a_session_and_administration_an_administrator() {
    let (site, _, _) = Site::with_tenants().await;
    for (endpoint, fields) in [
        ("my_profile", &[][..]),
        ("admin_users", &admin_filter("", "")[..]),
        ("sign_out_everywhere", &[][..]),
        ("my_mentor_applications", &[][..]),
        ("delete_account", &[("password", PASSWORD), ("confirmation", "delete my account")][..]),
    ] {
        let reply = site.call(endpoint, fields, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{endpoint}: {}", reply.body);
        assert_eq!(reply.error(), AppError::Unauthenticated, "{endpoint}");
        assert_eq!(reply.error().to_string(), "Please sign in to continue.");
    }
    let someone = Uuid::new_v4().to_string();
    for who in ["acme-student", "acme-mentor"] {
        let cookie = site.sign_in(who, PASSWORD).await;
        for (endpoint, fields) in [
            ("admin_users", &admin_filter("", "")[..]),
            ("applications_for_review", &[("show", "all")][..]),
            ("set_user_status", &[("user_id", someone.as_str()), ("status", "suspended")][..]),
        ] {
            let reply = site.call(endpoint, fields, Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who} {endpoint}: {}", reply.body);
            assert_eq!(reply.error(), AppError::Forbidden);
        }
    }
}

// Profiles ------------------------------------------------------------------------------------------

fn profile_fields<'a>(headline: &'a str, time_zone: &'a str, links: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("first_name", "Samira"),
        ("last_name", "Okafor"),
        ("headline", headline),
        ("bio", "I like fixing things\nand helping people."),
        ("education_level", "bachelor"),
        ("current_status", "career_changer"),
        ("location", "Lisbon"),
        ("time_zone", time_zone),
        ("interests", "nursing, Healthcare, nursing , public health"),
        ("target_roles", "Registered nurse"),
        ("links", links),
        ("session_format", "video"),
        ("email_reminders", "on"),
    ]
}

#[tokio::test]
async fn a_profile_saves_and_reads_back_and_invalid_input_changes_nothing() {
    use app::accounts::profile::{CareerStatus, EducationLevel, SessionFormat};
    let (site, _, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    let before: Profile = site.call("my_profile", &[], Some(&cookie)).await.json();
    assert_eq!((before.headline.as_deref(), before.time_zone.as_str()), (Some("Exploring"), "UTC"));

    let saved = site
        .call(
            "save_profile",
            &profile_fields(
                "Career changer into nursing",
                "Europe/Lisbon",
                "https://example.org/me\nhttps://linkedin.com/in/samira",
            ),
            Some(&cookie),
        )
        .await;
    saved.assert_ok();
    let after: Profile = site.call("my_profile", &[], Some(&cookie)).await.json();
    assert_eq!((after.first_name.as_str(), after.last_name.as_str()), ("Samira", "Okafor"));
    assert_eq!(after.headline.as_deref(), Some("Career changer into nursing"));
    assert_eq!(after.bio.as_deref(), Some("I like fixing things\nand helping people."));
    assert_eq!(after.education_level, Some(EducationLevel::Bachelor));
    assert_eq!(after.current_status, Some(CareerStatus::CareerChanger));
    assert_eq!(after.time_zone, "Europe/Lisbon");
    assert_eq!(after.interests, vec!["nursing", "Healthcare", "public health"], "trimmed and de-duplicated");
    assert_eq!(after.links, vec!["https://example.org/me", "https://linkedin.com/in/samira"]);
    assert!(after.preferences.email_reminders && !after.preferences.weekly_digest, "unticked box is off");
    assert_eq!(after.preferences.session_format, SessionFormat::Video);
    assert_eq!(after.email, "acme-student@example.org");
    assert_eq!(site.whoami(&cookie).await.unwrap().first_name, "Samira", "the header shows the new name");

    let bad_zone =
        site.call("save_profile", &profile_fields("Changed headline", "Mars/Olympus_Mons", ""), Some(&cookie)).await;
    assert_eq!(bad_zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad_zone.error().to_string(),
        "\u{201c}Mars/Olympus_Mons\u{201d} isn't a time zone we know. Pick one from the list."
    );
    let bad_link = site
        .call("save_profile", &profile_fields("Changed headline", "UTC", "javascript:alert(1)"), Some(&cookie))
        .await;
    assert_eq!(bad_link.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_link.error().to_string().contains("\u{201c}javascript:alert(1)\u{201d} isn't a web link."),
        "{}",
        bad_link.body
    );
    let unchanged: Profile = site.call("my_profile", &[], Some(&cookie)).await.json();
    assert_eq!(unchanged, after, "a refused save changes nothing");
}

// Mentor applications -------------------------------------------------------------------------------

fn application(summary: &str) -> [(&'static str, &str); 5] {
    [
        ("expertise", "nursing, patient care"),
        ("years_experience", "6"),
        ("summary", summary),
        ("hourly_rate", "45.50"),
        ("currency", "GBP"),
    ]
}

const SUMMARY: &str = "Six years on a surgical ward; I precept new nurses every spring.";

#[tokio::test]
async fn a_student_has_one_open_mentor_application_at_a_time() {
    use app::accounts::mentor_application::{ApplicationStatus, MyApplication};
    let (site, acme, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    let invalid = site
        .call(
            "apply_to_mentor",
            &[
                ("expertise", ""),
                ("years_experience", "eighty"),
                ("summary", "short"),
                ("hourly_rate", "abc"),
                ("currency", "XYZ"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.error().to_string().contains("years of experience as a whole number"), "{}", invalid.body);

    site.call("apply_to_mentor", &application(SUMMARY), Some(&cookie)).await.assert_ok();
    let mine: Vec<MyApplication> = site.call("my_mentor_applications", &[], Some(&cookie)).await.json();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, ApplicationStatus::Pending);
    assert_eq!(mine[0].rate, "GBP 45.50");
    assert_eq!(mine[0].expertise, vec!["nursing", "patient care"]);

    let again = site.call("apply_to_mentor", &application(SUMMARY), Some(&cookie)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error().to_string(), "You already have an application waiting for a decision.");
    assert_eq!(site.count("select count(*) from mentor_applications where user_id = $1", acme.student).await, 1);

    // A classmate does not see it; a mentor has nothing to apply for.
    let classmate = site.sign_in("acme-student2", PASSWORD).await;
    let theirs: Vec<MyApplication> = site.call("my_mentor_applications", &[], Some(&classmate)).await.json();
    assert!(theirs.is_empty());
    let mentor = site.sign_in("acme-mentor", PASSWORD).await;
    let refused = site.call("apply_to_mentor", &application(SUMMARY), Some(&mentor)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.error().to_string().starts_with("Only students apply"));

    // Withdrawn, it no longer blocks a new one.
    site.call("withdraw_mentor_application", &[("id", &mine[0].id.to_string())], Some(&cookie)).await.assert_ok();
    site.call("apply_to_mentor", &application(SUMMARY), Some(&cookie)).await.assert_ok();
}

#[tokio::test]
async fn only_the_applicants_organization_decides_and_approval_makes_a_mentor() {
    use app::admin::ApplicationForReview;
    let (site, acme, _) = Site::with_tenants().await;
    let student = site.sign_in("acme-student", PASSWORD).await;
    site.call("apply_to_mentor", &application(SUMMARY), Some(&student)).await.assert_ok();
    let id: Uuid = sqlx::query_scalar("select id from mentor_applications where user_id = $1")
        .bind(acme.student)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let decide = |decision: &'static str, cookie: String| {
        let site = &site;
        async move {
            site.call(
                "decide_mentor_application",
                &[("id", &id.to_string()), ("decision", decision), ("note", "Welcome aboard")],
                Some(&cookie),
            )
            .await
        }
    };

    // Another organization's administrator sees nothing and can decide nothing.
    let outsider = site.sign_in("globex-admin", PASSWORD).await;
    let listed: Vec<ApplicationForReview> =
        site.call("applications_for_review", &[("show", "all")], Some(&outsider)).await.json();
    assert!(listed.is_empty(), "{listed:?}");
    let refused = decide("approve", outsider).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(matches!(refused.error(), AppError::NotFound(_)));
    let status: String = sqlx::query_scalar("select status::text from mentor_applications where id = $1")
        .bind(id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(status, "pending");

    // The applicant's own organization's administrator sees it and approves it.
    let admin = site.sign_in("acme-admin", PASSWORD).await;
    let listed: Vec<ApplicationForReview> =
        site.call("applications_for_review", &[("show", "pending")], Some(&admin)).await.json();
    assert_eq!(listed.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!((listed[0].email.as_str(), listed[0].rate.as_str()), ("acme-student@example.org", "GBP 45.50"));
    let bad = decide("maybe", admin.clone()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    decide("approve", admin.clone()).await.assert_ok();

    let (status, decided_by, note): (String, Option<Uuid>, Option<String>) =
        sqlx::query_as("select status::text, decided_by, decision_note from mentor_applications where id = $1")
            .bind(id)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), decided_by, note.as_deref()),
        ("approved", Some(acme.org_admin), Some("Welcome aboard"))
    );
    // The applicant is a mentor on their very next request, with a listing built from the application.
    assert_eq!(site.whoami(&student).await.map(|me| me.role), Some(Role::Mentor));
    let (expertise, years, rate, currency, listing_status): (Vec<String>, i32, i64, String, String) = sqlx::query_as(
        "select expertise_areas, years_experience, hourly_rate_minor, currency::text, status::text from mentors where user_id = $1",
    )
    .bind(acme.student)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(
        (expertise, years, rate, currency.as_str(), listing_status.as_str()),
        (vec!["nursing".to_string(), "patient care".to_string()], 6, 4550, "GBP", "active")
    );
    let notified: Vec<String> =
        sqlx::query_scalar("select title from notifications where user_id = $1 and kind = 'mentor_application'")
            .bind(acme.student)
            .fetch_all(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(notified, vec!["You're now a Waypoint mentor".to_string()]);
    // Both changes are on the audit trail, in the administrator's name.
    let application_audit = site
        .count(
            "select count(*) from audit_log where table_name = 'mentor_applications' and row_id = $1 and action = 'update'
               and 'status' = any(changed_fields) and actor_role = 'org_admin'
               and actor_user_id = (select decided_by from mentor_applications where id = $1)",
            id,
        )
        .await;
    assert_eq!(application_audit, 1);
    let (actor, old, new): (Option<Uuid>, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select actor_user_id, old_data, new_data from audit_log
          where table_name = 'users' and row_id = $1 and action = 'update' and 'role' = any(changed_fields)",
    )
    .bind(acme.student)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(
        (actor, old["role"].as_str(), new["role"].as_str()),
        (Some(acme.org_admin), Some("student"), Some("mentor"))
    );

    // Decided once: a second decision finds no open application.
    assert_eq!(decide("decline", admin).await.status, StatusCode::NOT_FOUND);
}

// Administration ------------------------------------------------------------------------------------

#[tokio::test]
async fn org_admins_list_and_search_only_their_organization_and_platform_admins_see_all() {
    let (site, acme, globex) = Site::with_tenants().await;
    let lovelace = user(&site.db.owner, acme.org, "ada", "student").await;
    let byron = user(&site.db.owner, globex.org, "ada-b", "student").await;
    for (id, first, last) in [(lovelace, "Ada", "Lovelace"), (byron, "Ada", "Byron")] {
        sqlx::query("update users set first_name = $2, last_name = $3 where id = $1")
            .bind(id)
            .bind(first)
            .bind(last)
            .execute(&site.db.owner)
            .await
            .unwrap();
    }
    user(&site.db.owner, acme.org, "root", "admin").await;
    site.set_everyones_password().await;

    let admin = site.sign_in("acme-admin", PASSWORD).await;
    let everyone: UserPage = site.call("admin_users", &admin_filter("", ""), Some(&admin)).await.json();
    assert_eq!(
        usernames(&everyone),
        vec!["acme-admin", "acme-mentor", "acme-student", "acme-student2", "ada", "root"],
        "an org admin lists their own organization only"
    );
    assert_eq!(everyone.total, 6);
    assert!(everyone.rows.iter().all(|row| row.organization == "acme"));
    assert_eq!((everyone.viewer_id, everyone.viewer_role), (acme.org_admin, Role::OrgAdmin));

    let ada: UserPage = site.call("admin_users", &admin_filter("ada", ""), Some(&admin)).await.json();
    assert_eq!(usernames(&ada), vec!["ada"]);
    let prefix: UserPage = site.call("admin_users", &admin_filter("LOVE", ""), Some(&admin)).await.json();
    assert_eq!(usernames(&prefix), vec!["ada"], "name words match as prefixes, any case");
    let both_words: UserPage = site.call("admin_users", &admin_filter("lov ad", ""), Some(&admin)).await.json();
    assert_eq!(usernames(&both_words), vec!["ada"]);
    let injection: UserPage = site.call("admin_users", &admin_filter("ada & !love | (", ""), Some(&admin)).await.json();
    assert_eq!(usernames(&injection), vec!["ada"], "query syntax is not passed through");
    let mentors: UserPage = site.call("admin_users", &admin_filter("", "mentor"), Some(&admin)).await.json();
    assert_eq!(usernames(&mentors), vec!["acme-mentor"]);
    let bad_role = site.call("admin_users", &admin_filter("", "overlord"), Some(&admin)).await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);

    let platform = site.sign_in("root", PASSWORD).await;
    let ada_everywhere: UserPage = site.call("admin_users", &admin_filter("ada", ""), Some(&platform)).await.json();
    assert_eq!(usernames(&ada_everywhere), vec!["ada", "ada-b"]);
    let all: UserPage = site.call("admin_users", &admin_filter("", ""), Some(&platform)).await.json();
    assert_eq!(all.total, 11, "both organizations' people");
    let mut organizations: Vec<&str> = all.rows.iter().map(|row| row.organization.as_str()).collect();
    organizations.dedup();
    organizations.sort();
    organizations.dedup();
    assert_eq!(organizations, vec!["acme", "globex"]);
}

#[tokio::test]
async fn org_admins_cannot_touch_platform_admins_or_grant_admin() {
    let (site, acme, globex) = Site::with_tenants().await;
    let root = user(&site.db.owner, acme.org, "root", "admin").await;
    site.set_everyones_password().await;
    let admin = site.sign_in("acme-admin", PASSWORD).await;
    let root_session = site.sign_in("root", PASSWORD).await;

    let suspend_root =
        site.call("set_user_status", &[("user_id", &root.to_string()), ("status", "suspended")], Some(&admin)).await;
    assert_eq!(suspend_root.status, StatusCode::FORBIDDEN, "{}", suspend_root.body);
    let demote_root =
        site.call("set_user_role", &[("user_id", &root.to_string()), ("role", "student")], Some(&admin)).await;
    assert_eq!(demote_root.status, StatusCode::FORBIDDEN, "{}", demote_root.body);
    let grant =
        site.call("set_user_role", &[("user_id", &acme.student.to_string()), ("role", "admin")], Some(&admin)).await;
    assert_eq!(grant.status, StatusCode::FORBIDDEN, "{}", grant.body);
    assert_eq!(grant.error(), AppError::Forbidden);
    let own =
        site.call("set_user_role", &[("user_id", &acme.org_admin.to_string()), ("role", "admin")], Some(&admin)).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "not even for themselves");
    // Another organization's people are not there to change at all.
    let foreign = site
        .call("set_user_status", &[("user_id", &globex.student.to_string()), ("status", "suspended")], Some(&admin))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);

    let roles: Vec<(Uuid, String, String)> =
        sqlx::query_as("select id, role::text, status::text from users where id = any($1) order by username")
            .bind(vec![root, acme.student, acme.org_admin, globex.student])
            .fetch_all(&site.db.owner)
            .await
            .unwrap();
    for (id, role, status) in roles {
        assert_eq!(status, "active", "{id}");
        let expected = if id == root {
            "admin"
        } else if id == acme.org_admin {
            "org_admin"
        } else {
            "student"
        };
        assert_eq!(role, expected, "{id}");
    }
    assert!(site.whoami(&root_session).await.is_some(), "the platform admin is still signed in");

    // What an org admin may do: make a mentor, which gives them a listing.
    site.call("set_user_role", &[("user_id", &acme.other_student.to_string()), ("role", "mentor")], Some(&admin))
        .await
        .assert_ok();
    assert_eq!(
        site.count("select count(*) from mentors where user_id = $1 and status = 'active'", acme.other_student).await,
        1
    );
}

#[tokio::test]
async fn suspending_someone_signs_them_out_and_is_audited() {
    let (site, acme, _) = Site::with_tenants().await;
    let student = site.sign_in("acme-student", PASSWORD).await;
    let admin = site.sign_in("acme-admin", PASSWORD).await;

    let bad = site
        .call("set_user_status", &[("user_id", &acme.student.to_string()), ("status", "banished")], Some(&admin))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let myself = site
        .call("set_user_status", &[("user_id", &acme.org_admin.to_string()), ("status", "suspended")], Some(&admin))
        .await;
    assert_eq!(myself.status, StatusCode::CONFLICT, "no locking oneself out");

    site.call("set_user_status", &[("user_id", &acme.student.to_string()), ("status", "suspended")], Some(&admin))
        .await
        .assert_ok();
    assert_eq!(site.whoami(&student).await, None, "the suspended person's session ended");
    assert_eq!(site.call("my_profile", &[], Some(&student)).await.status, StatusCode::UNAUTHORIZED);
    let again = site.try_sign_in("acme-student", PASSWORD, None).await;
    assert!(again.error().to_string().starts_with("This account is suspended."));
    assert!(site.whoami(&admin).await.is_some(), "the admin's own session is untouched");

    let (actor, old, new): (Option<Uuid>, serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select actor_user_id, old_data, new_data from audit_log
          where table_name = 'users' and row_id = $1 and action = 'update' and 'status' = any(changed_fields)",
    )
    .bind(acme.student)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(
        (actor, old["status"].as_str(), new["status"].as_str()),
        (Some(acme.org_admin), Some("active"), Some("suspended"))
    );

    // Restored, they sign in again (the old session stays ended).
    site.call("set_user_status", &[("user_id", &acme.student.to_string()), ("status", "active")], Some(&admin))
        .await
        .assert_ok();
    assert_eq!(site.whoami(&student).await, None);
    let back = site.sign_in("acme-student", PASSWORD).await;
    assert_eq!(site.whoami(&back).await.map(|me| me.id), Some(acme.student));
    let status_changes = site
        .count("select count(*) from audit_log where row_id = $1 and 'status' = any(changed_fields)", acme.student)
        .await;
    assert_eq!(status_changes, 2);
}

// Your data -------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_data_export_holds_the_users_own_data_and_needs_a_session() {
    let (site, acme, globex) = Site::with_tenants().await;
    let anonymous = site.get("/account/export.json", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.redirect(), Some("/sign-in?next=/account/data"));

    let cookie = site.sign_in("acme-student", PASSWORD).await;
    let reply = site.get("/account/export.json", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let disposition = reply.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(reply.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("application/json"));
    assert_eq!(reply.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let document: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(document["account"]["email"], "acme-student@example.org");
    assert_eq!(document["account"]["id"], acme.student.to_string());
    assert_eq!(document["profile"][0]["headline"], "Exploring");
    assert_eq!(document["payments"].as_array().unwrap().len(), 1);
    assert_eq!(document["bookings"].as_array().unwrap().len(), 1);
    assert_eq!(document["notifications"][0]["title"], "Session confirmed");
    for other in [acme.other_student, globex.student, acme.org_admin] {
        assert!(!reply.body.contains(&other.to_string()), "another person's id is in the export");
    }
    for other in ["acme-student2", "globex", "password_hash", "$argon2id$"] {
        assert!(!reply.body.contains(other), "{other} is in the export");
    }
}

#[tokio::test]
async fn deleting_an_account_scrubs_it_ends_its_sessions_and_frees_the_email() {
    use app::admin::ApplicationForReview;
    let (site, acme, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    let other_device = site.sign_in("acme-student", PASSWORD).await;
    site.call("apply_to_mentor", &application(SUMMARY), Some(&cookie)).await.assert_ok();
    let delete = |password: &'static str, confirmation: &'static str| {
        let (site, cookie) = (&site, cookie.clone());
        async move {
            site.call("delete_account", &[("password", password), ("confirmation", confirmation)], Some(&cookie)).await
        }
    };
    let unconfirmed = delete(PASSWORD, "delete it").await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unconfirmed.error().to_string(), "Type \u{201c}delete my account\u{201d} to confirm.");
    let wrong = delete("not my password at all", "delete my account").await;
    assert_eq!(wrong.error().to_string(), "That password isn't right, so nothing was deleted.");
    assert!(site.whoami(&cookie).await.is_some(), "nothing happened yet");

    let done = delete(PASSWORD, "  Delete My Account ").await;
    done.assert_ok();
    assert_eq!(done.redirect(), Some("/?account=deleted"));
    assert_eq!(site.whoami(&cookie).await, None);
    assert_eq!(site.whoami(&other_device).await, None, "every session ended");

    let (email, username, first, last, status, deleted): (String, String, String, String, String, bool) = sqlx::query_as(
        "select email::text, username::text, first_name, last_name, status::text, deleted_at is not null from users where id = $1",
    )
    .bind(acme.student)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(email, format!("deleted-{}@deleted.invalid", acme.student));
    assert!(username.starts_with("deleted-") && !username.contains("acme"), "{username}");
    assert_eq!((first.as_str(), last.as_str(), status.as_str(), deleted), ("Deleted", "account", "deactivated", true));
    let (headline, interests, profile_deleted): (Option<String>, Vec<String>, bool) =
        sqlx::query_as("select headline, interests, deleted_at is not null from user_profiles where user_id = $1")
            .bind(acme.student)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!((headline, interests.len(), profile_deleted), (None, 0, true));
    // No copy of the email or name stays behind in the audit trail.
    let leaks = site
        .count(
            "select count(*) from audit_log where row_id = $1
               and (old_data::text like '%acme-student@%' or new_data::text like '%acme-student@%'
                    or old_data::text like '%Acme-Student%' or new_data::text like '%Acme-Student%')",
            acme.student,
        )
        .await;
    assert_eq!(leaks, 0);
    // The open mentor application left the review queue with the account, and cannot be approved.
    let (application_status, summary): (String, String) =
        sqlx::query_as("select status::text, experience_summary from mentor_applications where user_id = $1")
            .bind(acme.student)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(application_status, "withdrawn");
    assert!(!summary.contains("surgical ward"), "{summary}");
    let admin = site.sign_in("acme-admin", PASSWORD).await;
    let queue: Vec<ApplicationForReview> =
        site.call("applications_for_review", &[("show", "all")], Some(&admin)).await.json();
    assert!(queue.is_empty(), "{queue:?}");

    let old = site.try_sign_in("acme-student@example.org", PASSWORD, None).await;
    assert_eq!(old.error(), AppError::Invalid(WRONG_CREDENTIALS.into()));
    let reborn = site.sign_up("acme-student@example.org", "acme-student", STRONG, "").await;
    reborn.assert_ok();
    let me = site.whoami(&reborn.session_cookie().unwrap()).await.unwrap();
    assert_ne!(me.id, acme.student, "a new account, not the old one back");
}

#[tokio::test]
async fn guessing_the_password_to_delete_an_account_is_held_back() {
    let (site, acme, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student", PASSWORD).await;
    for n in 0..5 {
        let wrong = site
            .call(
                "delete_account",
                &[("password", "is it this one"), ("confirmation", "delete my account")],
                Some(&cookie),
            )
            .await;
        assert_eq!(wrong.error().to_string(), "That password isn't right, so nothing was deleted.", "attempt {n}");
    }
    let held = site
        .call("delete_account", &[("password", PASSWORD), ("confirmation", "delete my account")], Some(&cookie))
        .await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.body);
    assert_eq!(held.error().to_string(), "Too many attempts. Please try again in 15 minutes.");
    let deleted: bool = sqlx::query_scalar("select deleted_at is not null from users where id = $1")
        .bind(acme.student)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert!(!deleted, "the account is still there");
    assert!(site.whoami(&cookie).await.is_some());
}

#[tokio::test]
async fn a_mentor_who_deletes_their_account_leaves_the_directory() {
    let (site, acme, _) = Site::with_tenants().await;
    let mentors_listed = || async {
        sqlx::query_scalar::<_, i64>("select mentors from public_platform_stats()")
            .fetch_one(&site.db.app)
            .await
            .unwrap()
    };
    assert_eq!(mentors_listed().await, 2);
    let cookie = site.sign_in("acme-mentor", PASSWORD).await;
    site.call("delete_account", &[("password", PASSWORD), ("confirmation", "delete my account")], Some(&cookie))
        .await
        .assert_ok();
    let (bio, status, deleted): (String, String, bool) =
        sqlx::query_as("select bio, status::text, deleted_at is not null from mentors where id = $1")
            .bind(acme.mentor)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!((bio.as_str(), status.as_str(), deleted), ("", "retired", true));
    assert_eq!(mentors_listed().await, 1);
    // Their booked session stays, for the student, pointing at a scrubbed account.
    assert_eq!(site.count("select count(*) from bookings where mentor_id = $1", acme.mentor).await, 1);
}
