//! The email outbox, continued (see `notifications_mail`): preferences respected when the
//! email is written and again when it is sent, the one-click unsubscribe link of a received
//! message (works once, a forged one does nothing), and mail kept without an SMTP server.

use crate::booking::{act, crowd, organization, signed_in};
use crate::fixtures::as_ctx;
use crate::notifications_mail::{mailer, notify, outbox_of, row, smtp, SITE};
use crate::smtp_sink::SmtpSink;
use crate::support::TestDb;
use crate::web::{Reply, HOST};
use app::db::RequestContext;
use app::domain::Role;
use app::error::AppError;
use app::notifications::api::ssr as notifications;
use app::notifications::domain::{preference_field, Category, Unsubscribed};
use app::notifications::links::{LinkKey, Purpose};
use app::notifications::mailer::{self, run_once, Delivery, Pass};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sqlx::PgPool;
use uuid::Uuid;

/// Every preference box ticked except those in `off` (as the preferences form posts them).
fn all_but(off: &[(Category, bool)]) -> Vec<String> {
    Category::CHOOSABLE
        .iter()
        .flat_map(|category| [(*category, false), (*category, true)])
        .filter(|channel| !off.contains(channel))
        .map(|(category, email)| preference_field(category, email))
        .collect()
}

/// A person's saved (in-app, email) for a category; `None` when they never changed it.
async fn preference(owner: &PgPool, user: Uuid, category: &str) -> Option<(bool, bool)> {
    sqlx::query_as("select in_app, email from notification_preferences where user_id = $1 and category = $2::notification_category")
        .bind(user)
        .bind(category)
        .fetch_optional(owner)
        .await
        .unwrap()
}

/// Booking email turned off: a booking notification writes no email. Turned off after the email
/// was written: the worker suppresses it. In-app turned off: the notification is archived at
/// once (the badge does not count it) and the email still goes.
#[tokio::test]
async fn preferences_decide_what_is_written_and_what_is_sent() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let org = organization(&db.owner, "prefs").await;
    let people = crowd(&db.owner, org, "prefs-student", 3).await;
    let person = |n: usize| signed_in(people[n], org, Role::Student);
    let booking = serde_json::json!({});

    // 1. Email off before the event: no email at all, the notification is there as usual.
    let off = person(0);
    act(&db.app, &off, |tx, u| Box::pin(notifications::save_preferences(tx, u, all_but(&[(Category::Booking, true)]))))
        .await
        .expect("save preferences");
    let unmailed = notify(&db.owner, org, off.user_id, "booking", "Session confirmed", booking.clone()).await;
    assert_eq!(outbox_of(&db.owner, unmailed).await, None, "no email written");
    let mut tx = as_ctx(&db.app, off.ctx()).await;
    assert_eq!(notifications::unread_of(&mut tx, off.user_id).await.unwrap(), 1, "still in the app");
    drop(tx);

    // 2. Email off after the email was written: the worker suppresses it.
    let late = person(1);
    let written = notify(&db.owner, org, late.user_id, "booking", "Session moved", booking.clone()).await;
    let suppressed = outbox_of(&db.owner, written).await.expect("the email was written");
    act(&db.app, &late, |tx, u| {
        Box::pin(notifications::save_preferences(tx, u, all_but(&[(Category::Booking, true)])))
    })
    .await
    .expect("save preferences");
    let worker = smtp(&sink);
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass { suppressed: 1, ..Pass::default() });
    assert_eq!(row(&db.owner, suppressed).await.status, "suppressed");
    assert_eq!(sink.count(), 0, "nothing sent");

    // 3. In-app off: archived at once, not counted; the email goes.
    let quiet = person(2);
    act(&db.app, &quiet, |tx, u| {
        Box::pin(notifications::save_preferences(tx, u, all_but(&[(Category::Booking, false)])))
    })
    .await
    .expect("save preferences");
    let archived = notify(&db.owner, org, quiet.user_id, "booking", "Request declined", booking).await;
    let status: String = sqlx::query_scalar("select status::text from notifications where id = $1")
        .bind(archived)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(status, "archived");
    let mut tx = as_ctx(&db.app, quiet.ctx()).await;
    assert_eq!(notifications::unread_of(&mut tx, quiet.user_id).await.unwrap(), 0, "the badge does not count it");
    drop(tx);
    let mailed = outbox_of(&db.owner, archived).await.expect("its email was written");
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass { sent: 1, ..Pass::default() });
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].message_id(), Some(mailer::message_id(mailed)));
    assert_eq!(messages[0].subject().as_deref(), Some("Request declined"));
    assert_eq!(messages[0].rcpt_to, vec!["<prefs-student-3@example.org>".to_string()]);
}

/// The one-click POST of RFC 8058, as a mail client sends it: no Origin, no cookie.
async fn one_click(router: &axum::Router, token: &str) -> Reply {
    let request = Request::post(format!("/email/unsubscribe/{token}"))
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    Reply::send(router.clone(), request).await
}

async fn unsubscribed_at(owner: &PgPool, outbox: Uuid) -> Option<chrono::DateTime<chrono::Utc>> {
    sqlx::query_scalar("select unsubscribed_at from email_outbox where id = $1")
        .bind(outbox)
        .fetch_one(owner)
        .await
        .unwrap()
}

/// The unsubscribe link of a received message turns that category's email off with one POST;
/// the same link again answers kindly but changes nothing more; a forged link (one character of
/// the signature changed, or the message's id signed with another key) is refused and changes
/// nothing.
#[tokio::test]
async fn an_unsubscribe_link_works_once_and_a_forged_one_does_not() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let router = crate::http::app(db.app.clone());
    let org = organization(&db.owner, "unsub").await;
    let people = crowd(&db.owner, org, "unsub-student", 2).await;
    let (reader, bystander) = (people[0], people[1]);
    let mut outbox = Vec::new();
    for person in [reader, bystander] {
        let notification =
            notify(&db.owner, org, person, "roadmap", "Your mentor suggested a step", serde_json::json!({})).await;
        outbox.push(outbox_of(&db.owner, notification).await.unwrap());
    }
    assert_eq!(run_once(&db.owner, &smtp(&sink)).await.unwrap().sent, 2);
    let token_of = |outbox_id: Uuid| {
        let message = sink
            .messages()
            .into_iter()
            .find(|m| m.message_id() == Some(mailer::message_id(outbox_id)))
            .expect("received");
        let link = message.list_unsubscribe().expect("a List-Unsubscribe header");
        assert!(link.starts_with(&format!("{SITE}/email/unsubscribe/")), "{link}");
        link.rsplit('/').next().unwrap().to_string()
    };
    let (token, other_token) = (token_of(outbox[0]), token_of(outbox[1]));

    // Forged links for the bystander's message: refused, nothing changes.
    let (payload, signature) = other_token.split_once('.').expect("payload.signature");
    let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
    let altered = format!("{payload}.{flipped}{}", &signature[1..]);
    let other_key = LinkKey::derive(b"someone else's key").sign(Purpose::Unsubscribe, &outbox[1].to_string());
    for forged in [altered, other_key] {
        let reply = one_click(&router, &forged).await;
        assert!(reply.status.is_client_error(), "forged link {forged}: {} {}", reply.status, reply.body);
    }
    assert_eq!(preference(&db.owner, bystander, "roadmap").await, None, "the bystander's settings are untouched");
    assert_eq!(unsubscribed_at(&db.owner, outbox[1]).await, None);

    // The real link, once.
    let reply = one_click(&router, &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(preference(&db.owner, reader, "roadmap").await, Some((true, false)), "roadmap email off, in-app on");
    let first_use = unsubscribed_at(&db.owner, outbox[0]).await.expect("the link is used");

    // Again: a kind answer, and the product says it was used before.
    let reply = one_click(&router, &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut tx = as_ctx(&db.app, RequestContext::anonymous()).await;
    assert_eq!(
        notifications::unsubscribe(&mut tx, token.clone()).await.unwrap(),
        Unsubscribed::Already(Category::Roadmap)
    );
    drop(tx);
    assert_eq!(unsubscribed_at(&db.owner, outbox[0]).await, Some(first_use));
    let mut tx = as_ctx(&db.app, RequestContext::anonymous()).await;
    match notifications::unsubscribe(&mut tx, format!("{token}x")).await {
        Err(error @ AppError::Invalid(_)) => assert!(error.to_string().contains("isn't valid"), "{error}"),
        other => panic!("a mangled token is refused, got {other:?}"),
    }
    drop(tx);

    // It took effect: the reader's next roadmap notification writes no email; the bystander's does.
    let next = notify(&db.owner, org, reader, "roadmap", "Another comment", serde_json::json!({})).await;
    assert_eq!(outbox_of(&db.owner, next).await, None);
    let still = notify(&db.owner, org, bystander, "roadmap", "Another comment", serde_json::json!({})).await;
    assert!(outbox_of(&db.owner, still).await.is_some());
}

/// Starts a password reset for `address` the way the product does (its SQL function); the link.
async fn begin_reset(owner: &PgPool, address: &str) -> String {
    let link = format!("{SITE}/reset-password/{}", Uuid::new_v4().simple());
    sqlx::query("select begin_password_reset($1::citext, $2, $3)")
        .bind(address)
        .bind(Uuid::new_v4().as_bytes().repeat(2))
        .bind(&link)
        .execute(owner)
        .await
        .expect("begin a password reset");
    link
}

async fn reset_outbox(owner: &PgPool, user: Uuid) -> Uuid {
    sqlx::query_scalar("select id from email_outbox where user_id = $1 and template = 'password_reset'")
        .bind(user)
        .fetch_one(owner)
        .await
        .expect("the reset email was written")
}

/// Without SMTP the message is kept (sent_at set) and its reset link stays, readable on the
/// outbox page; sent through SMTP, the link reaches the person and leaves the outbox.
#[tokio::test]
async fn kept_mail_keeps_its_link_and_sent_mail_drops_it() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let org = organization(&db.owner, "keep").await;
    let people = crowd(&db.owner, org, "keep-student", 2).await;

    let kept_link = begin_reset(&db.owner, "keep-student-1@example.org").await;
    let kept = reset_outbox(&db.owner, people[0]).await;
    assert_eq!(run_once(&db.owner, &mailer(Delivery::Keep)).await.unwrap(), Pass { kept: 1, ..Pass::default() });
    let stored = row(&db.owner, kept).await;
    assert_eq!(stored.status, "kept");
    assert!(stored.sent_at.is_some());
    assert_eq!(stored.data["link"].as_str(), Some(kept_link.as_str()));
    assert_eq!(sink.count(), 0);

    let sent_link = begin_reset(&db.owner, "keep-student-2@example.org").await;
    let sent = reset_outbox(&db.owner, people[1]).await;
    assert_eq!(run_once(&db.owner, &smtp(&sink)).await.unwrap(), Pass { sent: 1, ..Pass::default() });
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].rcpt_to, vec!["<keep-student-2@example.org>".to_string()]);
    assert_eq!(messages[0].subject().as_deref(), Some("Reset your Waypoint password"));
    assert!(messages[0].body_joined().contains(&sent_link), "the email carries the link");
    assert_eq!(messages[0].list_unsubscribe(), None, "account emails cannot be unsubscribed from");
    let stored = row(&db.owner, sent).await;
    assert_eq!(stored.status, "sent");
    assert!(stored.data.get("link").is_none(), "the link left with the message: {}", stored.data);
}
