//! The account emails through the HTTP surface, as a browser and a mail reader would use them:
//! the verification email queued at sign-up and its signed, expiring link; password reset from
//! the request to the emailed link to signing in again, with single-use, expiring tokens and the
//! same answer whether or not an account has the address; and the reset throttle.

use crate::fixtures::as_ctx;
use crate::support::TestDb;
use crate::web::{form, server_fn_request, Reply, ORIGIN};
use app::accounts::recovery::{ssr as recovery, EmailVerification};
use app::accounts::SessionUser;
use app::db::RequestContext;
use app::error::AppError;
use app::notifications::links::{self, LinkKey, Purpose};
use app::notifications::templates::{self, Email, OutboxRow};
use axum::body::Body;
use axum::http::{header, StatusCode};
use uuid::Uuid;

const PASSWORD: &str = "tea at the lighthouse at six";
const STRONG: &str = "plum orchard under a quiet moon";
const WRONG_CREDENTIALS: &str = "Wrong email, username or password.";
const STUDENT_EMAIL: &str = "acme-student@example.org";

struct Site {
    db: TestDb,
    router: axum::Router,
}

impl Site {
    async fn new() -> Site {
        links::install(LinkKey::derive(b"test link key"));
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    /// With the fixture organizations, every account's password [`PASSWORD`].
    async fn with_tenants() -> (Site, crate::fixtures::Tenant) {
        let site = Site::new().await;
        let (acme, _) = crate::web::tenants(&site.db, PASSWORD).await;
        (site, acme)
    }

    /// A server function call from a page of this site.
    async fn call(&self, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let request = server_fn_request(endpoint, "application/x-www-form-urlencoded", cookie).header(header::ORIGIN, ORIGIN);
        Reply::send(self.router.clone(), request.body(Body::from(form(fields))).unwrap()).await
    }

    /// The same from a browser at `ip`.
    async fn call_from(&self, ip: [u8; 4], endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        use axum::extract::connect_info::MockConnectInfo;
        let router = self.router.clone().layer(MockConnectInfo(std::net::SocketAddr::from((ip, 50_000))));
        let request = server_fn_request(endpoint, "application/x-www-form-urlencoded", None).header(header::ORIGIN, ORIGIN);
        Reply::send(router, request.body(Body::from(form(fields))).unwrap()).await
    }

    async fn sign_in(&self, identifier: &str, password: &str) -> Reply {
        self.call("sign_in", &[("identifier", identifier), ("password", password)], None).await
    }

    async fn whoami(&self, cookie: &str) -> Option<SessionUser> {
        self.call("current_user", &[], Some(cookie)).await.json()
    }

    async fn verification(&self, cookie: &str) -> Option<EmailVerification> {
        self.call("email_verification", &[], Some(cookie)).await.json()
    }

    async fn ask_reset(&self, email: &str) -> Reply {
        self.call("request_password_reset", &[("email", email)], None).await
    }

    async fn reset(&self, token: &str, new: &str, confirm: &str) -> Reply {
        self.call("reset_password", &[("token", token), ("new_password", new), ("confirm_password", confirm)], None).await
    }

    async fn link_is_live(&self, token: &str) -> bool {
        self.call("reset_link_status", &[("token", token)], None).await.json()
    }

    /// The outbox rows of `template` for `user`, oldest first.
    async fn outbox(&self, user: Uuid, template: &str) -> Vec<Uuid> {
        sqlx::query_scalar("select id from email_outbox where user_id = $1 and template = $2 order by created_at, id")
            .bind(user)
            .bind(template)
            .fetch_all(&self.db.owner)
            .await
            .unwrap()
    }

    /// The message as its recipient gets it (rendered as the mail worker does).
    async fn render(&self, message: Uuid) -> (OutboxRow, Email) {
        let mut tx = self.db.owner.begin().await.unwrap();
        let row = OutboxRow::load(&mut tx, message).await.unwrap().expect("the message");
        let email = templates::render(&mut tx, &row, "https://waypoint.example").await.expect("it renders");
        (row, email)
    }

    /// `confirm_email`'s body, as the public server function runs it.
    async fn confirm(&self, token: &str) -> Result<String, AppError> {
        let mut tx = as_ctx(&self.db.app, RequestContext::anonymous()).await;
        let result = recovery::confirm_email(&mut tx, token.to_string()).await;
        if result.is_ok() {
            tx.commit().await.unwrap();
        }
        result
    }

    async fn flag(&self, sql: &str, user: Uuid) -> bool {
        sqlx::query_scalar(sql).bind(user).fetch_one(&self.db.owner).await.unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    async fn verified(&self, user: Uuid) -> bool {
        self.flag("select email_verified_at is not null from users where id = $1", user).await
    }
}

/// The token in a link `…<marker><token>` inside a message's text.
fn token_after(text: &str, marker: &str) -> String {
    let rest = text.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker} link in {text}"));
    rest.split(char::is_whitespace).next().unwrap().to_string()
}

fn expect_conflict(result: Result<impl std::fmt::Debug, AppError>, gist: &str) {
    match result {
        Err(AppError::Conflict(message)) => assert!(message.contains(gist), "expected {gist:?} in {message}"),
        other => panic!("expected a refusal saying {gist:?}, got {other:?}"),
    }
}

/// A server function's answer: 409 Conflict saying `gist`.
#[track_caller]
fn refused(reply: Reply, gist: &str) {
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    expect_conflict(Err::<(), _>(reply.error()), gist);
}

// Verification ---------------------------------------------------------------------------------

#[tokio::test]
async fn sign_up_emails_one_verification_link_that_confirms_only_the_current_address() {
    let site = Site::new().await;
    let fields = |email: &'static str, username: &'static str| {
        [("email", email), ("username", username), ("first_name", "Ada"), ("last_name", "Lovelace"), ("password", STRONG), ("invite_code", "")]
    };
    let signed_up = site.call("sign_up", &fields("ada@example.org", "ada.lovelace"), None).await;
    signed_up.assert_ok();
    let cookie = signed_up.session_cookie().expect("signed in");
    let ada = site.whoami(&cookie).await.expect("the new account").id;
    let taken = site.call("sign_up", &fields("ADA@example.org", "someone-else"), None).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);

    let messages = site.outbox(ada, "verify_email").await;
    assert_eq!(messages.len(), 1, "exactly one verification email");
    let all: i64 = sqlx::query_scalar("select count(*) from email_outbox").fetch_one(&site.db.owner).await.unwrap();
    assert_eq!(all, 1, "and no other mail (the refused sign-up queued none)");
    let (row, email) = site.render(messages[0]).await;
    assert_eq!((row.to_address.as_str(), row.category), ("ada@example.org", app::notifications::Category::Account));
    assert_eq!(email.subject, "Confirm your email address for Waypoint");
    assert!(email.text.starts_with("Hi Ada,"), "{}", email.text);
    assert_eq!(email.unsubscribe, None, "account emails cannot be turned off");
    let token = token_after(&email.text, "https://waypoint.example/verify-email/");
    assert!(email.html.contains(&token), "the HTML part carries the same link");
    assert_eq!(site.verification(&cookie).await, Some(EmailVerification { email: "ada@example.org".into(), verified: false }));

    // Forged: signed with another key, or signed by us for another purpose.
    let claim = |email: &str, expires: i64| serde_json::json!({ "u": ada, "e": email, "x": expires }).to_string();
    let later = chrono::Utc::now().timestamp() + 3600;
    let key = links::key().unwrap();
    for forged in [
        LinkKey::derive(b"someone else's key").sign(Purpose::VerifyEmail, &claim("ada@example.org", later)),
        key.sign(Purpose::Unsubscribe, &claim("ada@example.org", later)),
        format!("{}x", token),
    ] {
        match site.confirm(&forged).await {
            Err(error @ AppError::Invalid(_)) => assert!(error.to_string().contains("isn't valid"), "{error}"),
            other => panic!("a forged link must be refused, got {other:?}"),
        }
    }
    let expired = key.sign(Purpose::VerifyEmail, &claim("ada@example.org", chrono::Utc::now().timestamp() - 60));
    expect_conflict(site.confirm(&expired).await, "has expired");
    assert!(!site.verified(ada).await, "refused links confirm nothing");

    // Asked again before confirming: a second email.
    site.call("resend_verification", &[], Some(&cookie)).await.assert_ok();
    assert_eq!(site.outbox(ada, "verify_email").await.len(), 2);

    assert_eq!(site.confirm(&token).await, Ok("ada@example.org".to_string()));
    assert!(site.verified(ada).await, "email_verified_at is set");
    assert_eq!(site.verification(&cookie).await.map(|status| status.verified), Some(true));
    refused(site.call("resend_verification", &[], Some(&cookie)).await, "already confirmed");

    // The account's address changes: the link for the old one confirms nothing any more.
    sqlx::query("update users set email = 'ada.new@example.org', email_verified_at = null where id = $1")
        .bind(ada)
        .execute(&site.db.owner)
        .await
        .unwrap();
    expect_conflict(site.confirm(&token).await, "no longer the account's");
    assert!(!site.verified(ada).await);
}

// Password reset --------------------------------------------------------------------------------

#[tokio::test]
async fn a_password_reset_works_once_from_the_emailed_link_and_ends_every_session() {
    let (site, acme) = Site::with_tenants().await;
    let before = site.sign_in("acme-student", PASSWORD).await.session_cookie().expect("signed in before");

    let known = site.ask_reset(STUDENT_EMAIL).await;
    let unknown = site.ask_reset("nobody-here@example.org").await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body), "the same answer either way");
    let all: Vec<(Uuid, String)> =
        sqlx::query_as("select user_id, to_address::text from email_outbox where template = 'password_reset'")
            .fetch_all(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(all, vec![(acme.student, STUDENT_EMAIL.to_string())], "one email, to the account only");

    let message = site.outbox(acme.student, "password_reset").await[0];
    let link: String = sqlx::query_scalar("select data->>'link' from email_outbox where id = $1")
        .bind(message)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let token = token_after(&link, "/reset-password/");
    let (_, email) = site.render(message).await;
    assert_eq!(email.subject, "Reset your Waypoint password");
    assert!(email.text.contains(&link), "the message carries the link: {}", email.text);
    let stored: i64 =
        sqlx::query_scalar("select count(*) from password_resets where user_id = $1 and token_hash = sha256(convert_to($2, 'UTF8'))")
            .bind(acme.student)
            .bind(&token)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(stored, 1, "only the token's hash is kept");
    assert!(site.link_is_live(&token).await);
    assert!(!site.link_is_live("not-a-token").await);

    let short = site.reset(&token, "short", "short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    match short.error() {
        AppError::Invalid(errors) => assert!(errors.field("new_password").is_some_and(|m| m.contains("at least 12")), "{errors:?}"),
        other => panic!("expected a field error, got {other:?}"),
    }
    match site.reset(&token, STRONG, "plum orchard under a loud moon").await.error() {
        AppError::Invalid(errors) => assert!(errors.field("confirm_password").is_some(), "{errors:?}"),
        other => panic!("expected a field error, got {other:?}"),
    }
    assert!(site.link_is_live(&token).await, "a refused password leaves the link working");

    let done = site.reset(&token, STRONG, STRONG).await;
    done.assert_ok();
    assert_eq!(done.redirect(), Some("/sign-in?reset=done"));
    assert_eq!(site.sign_in("acme-student", PASSWORD).await.error(), AppError::Invalid(WRONG_CREDENTIALS.into()), "the old password is gone");
    let after = site.sign_in(STUDENT_EMAIL, STRONG).await.session_cookie().expect("the new password signs in");
    assert_eq!(site.whoami(&after).await.map(|me| me.id), Some(acme.student));
    assert_eq!(site.whoami(&before).await, None, "the session from before the reset has ended");
    assert_eq!(site.call("notifications", &[("page", "1")], Some(&before)).await.status, StatusCode::UNAUTHORIZED);
    assert!(site.verified(acme.student).await, "following the emailed link proves the address");

    refused(site.reset(&token, "another fine long phrase", "another fine long phrase").await, "already used");
    assert!(!site.link_is_live(&token).await);
    site.sign_in("acme-student", STRONG).await.assert_ok();
}

#[tokio::test]
async fn an_expired_or_superseded_reset_link_is_refused() {
    let (site, acme) = Site::with_tenants().await;
    let token_of = |message: Uuid| {
        let owner = site.db.owner.clone();
        async move {
            let link: String = sqlx::query_scalar("select data->>'link' from email_outbox where id = $1").bind(message).fetch_one(&owner).await.unwrap();
            token_after(&link, "/reset-password/")
        }
    };
    site.ask_reset(STUDENT_EMAIL).await.assert_ok();
    site.ask_reset(STUDENT_EMAIL).await.assert_ok();
    let messages = site.outbox(acme.student, "password_reset").await;
    assert_eq!(messages.len(), 2);
    let (older, newer) = (token_of(messages[0]).await, token_of(messages[1]).await);
    assert_ne!(older, newer);
    assert!(!site.link_is_live(&older).await, "a new link retires the older one");
    refused(site.reset(&older, STRONG, STRONG).await, "expired or was already used");
    assert!(site.link_is_live(&newer).await);

    sqlx::query("update password_resets set expires_at = now() - interval '1 minute' where used_at is null")
        .execute(&site.db.owner)
        .await
        .unwrap();
    assert!(!site.link_is_live(&newer).await);
    refused(site.reset(&newer, STRONG, STRONG).await, "expired or was already used");
    site.sign_in("acme-student", PASSWORD).await.assert_ok();
}

#[tokio::test]
async fn a_fourth_reset_request_for_one_address_within_the_hour_is_held_back() {
    let (site, acme) = Site::with_tenants().await;
    // Each from another network: the limit is the address's, wherever the asking comes from.
    for (address, spelled) in [(STUDENT_EMAIL, "ACME-Student@Example.org"), ("nobody-here@example.org", "Nobody-Here@example.org")] {
        for n in 0..3u8 {
            let ask = if n == 2 { spelled } else { address };
            site.call_from([198, 51, 100, n], "request_password_reset", &[("email", ask)]).await.assert_ok();
        }
        let held = site.call_from([203, 0, 113, 7], "request_password_reset", &[("email", spelled)]).await;
        assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{address}: {}", held.body);
        assert_eq!(held.error().to_string(), "Too many attempts. Please try again in 60 minutes.");
    }
    assert_eq!(site.outbox(acme.student, "password_reset").await.len(), 3, "the held-back request sent nothing");
    site.call_from([192, 0, 2, 1], "request_password_reset", &[("email", "acme-student2@example.org")]).await.assert_ok();
}
