//! The email outbox worker (`app::notifications::mailer`) against a local SMTP server
//! (`smtp_sink`): one email per event with the right headers, the booking's calendar file, a
//! worker killed mid-batch and restarted, two workers at once, and temporary and permanent SMTP
//! failures. Preferences, unsubscribe links and kept mail are in `notifications_mail_more`.
//!
//! Notifications are created through the product's paths (a booking confirmed) or inserted as
//! the owner, which fires the same triggers: the outbox rows come from those triggers.

use crate::booking::{act, at, crowd, listing, make_free, organization, signed_in};
use crate::smtp_sink::{Failure, SmtpSink};
use crate::support::TestDb;
use app::booking::api::ssr::bookings;
use app::domain::Role;
use app::notifications::links::{self, LinkKey};
use app::notifications::mailer::{self, run_once, Delivery, Mailer, Pass};
use chrono::{DateTime, Utc};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use uuid::Uuid;

pub const SITE: &str = "http://waypoint.test";

/// The worker's set-up, with the tests' link key installed (unsubscribe links are signed).
pub fn mailer(delivery: Delivery) -> Mailer {
    links::install(LinkKey::derive(b"test link key"));
    Mailer { delivery, from: mailer::mailbox("Waypoint <no-reply@example.org>").unwrap(), site_url: SITE.into() }
}

/// A worker sending to `sink`, with a connection pool of its own (as another process would).
pub fn smtp(sink: &SmtpSink) -> Mailer {
    mailer(Delivery::from_url(Some(&sink.url())).expect("the sink's URL is usable"))
}

/// A notification inserted as the owner (the triggers write its email); its id.
pub async fn notify(
    owner: &PgPool,
    org: Uuid,
    user: Uuid,
    kind: &str,
    title: &str,
    payload: serde_json::Value,
) -> Uuid {
    sqlx::query_scalar(
        "insert into notifications (user_id, organization_id, kind, title, body, payload)
         values ($1, $2, $3::notification_kind, $4, 'Have a look when you can.', $5) returning id",
    )
    .bind(user)
    .bind(org)
    .bind(kind)
    .bind(title)
    .bind(payload)
    .fetch_one(owner)
    .await
    .expect("insert a notification")
}

/// The outbox row written for a notification, if any.
pub async fn outbox_of(owner: &PgPool, notification: Uuid) -> Option<Uuid> {
    sqlx::query_scalar("select id from email_outbox where notification_id = $1")
        .bind(notification)
        .fetch_optional(owner)
        .await
        .expect("read the outbox")
}

/// An outbox row as the tests check it.
#[derive(Debug)]
pub struct Row {
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub data: serde_json::Value,
    /// The database's clock when read, to compare `next_attempt_at` with.
    pub now: DateTime<Utc>,
}

pub async fn row(owner: &PgPool, id: Uuid) -> Row {
    let (status, attempts, last_error, next_attempt_at, sent_at, data, now) = sqlx::query_as::<
        _,
        (String, i32, Option<String>, DateTime<Utc>, Option<DateTime<Utc>>, serde_json::Value, DateTime<Utc>),
    >(
        "select status::text, attempts, last_error, next_attempt_at, sent_at, data, now() from email_outbox where id = $1",
    )
    .bind(id)
    .fetch_one(owner)
    .await
    .expect("the outbox row");
    Row { status, attempts, last_error, next_attempt_at, sent_at, data, now }
}

/// How many messages each Message-ID was received under.
pub fn by_message_id(sink: &SmtpSink) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in sink.messages() {
        *counts.entry(message.message_id().expect("every message has a Message-ID")).or_insert(0) += 1;
    }
    counts
}

/// Runs passes until no message is waiting (at most 10 s): a restarted worker's ticks.
async fn drain(pool: &PgPool, mailer: &Mailer) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        run_once(pool, mailer).await.expect("a pass");
        let waiting: i64 = sqlx::query_scalar("select count(*) from email_outbox where status = 'pending'")
            .fetch_one(pool)
            .await
            .unwrap();
        if waiting == 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{waiting} messages still waiting after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `count` students, each with one roadmap notification; their outbox ids.
async fn one_each(db: &TestDb, slug: &str, count: i32) -> Vec<Uuid> {
    let org = organization(&db.owner, slug).await;
    let mut outbox = Vec::new();
    for (n, person) in crowd(&db.owner, org, &format!("{slug}-student"), count).await.into_iter().enumerate() {
        let id = notify(
            &db.owner,
            org,
            person,
            "roadmap",
            &format!("Comment number {n} on your roadmap"),
            serde_json::json!({}),
        )
        .await;
        outbox.push(outbox_of(&db.owner, id).await.expect("the trigger wrote the email"));
    }
    outbox
}

/// Each notification for a person with an address becomes exactly one email: to them, with its
/// title as the subject, the outbox row's id as Message-ID, and the one-click unsubscribe
/// headers. A second pass sends nothing again.
#[tokio::test]
async fn each_notification_is_emailed_once_with_its_headers() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let org = organization(&db.owner, "once").await;
    let people = crowd(&db.owner, org, "once-student", 3).await;
    let mut expected = BTreeMap::new();
    for (n, person) in people.iter().enumerate() {
        let title = format!("Your mentor commented on step {}", n + 1);
        let notification = notify(&db.owner, org, *person, "roadmap", &title, serde_json::json!({})).await;
        let id = outbox_of(&db.owner, notification).await.expect("the trigger wrote the email");
        expected.insert(mailer::message_id(id), (id, format!("once-student-{}@example.org", n + 1), title));
    }

    let worker = smtp(&sink);
    let pass = run_once(&db.owner, &worker).await.unwrap();
    assert_eq!(pass, Pass { sent: 3, ..Pass::default() });
    let messages = sink.messages();
    assert_eq!(messages.len(), 3, "one email per notification");
    for message in &messages {
        let message_id = message.message_id().expect("a Message-ID");
        let (id, address, title) =
            expected.get(&message_id).unwrap_or_else(|| panic!("unexpected Message-ID {message_id}"));
        assert_eq!(message.rcpt_to, vec![format!("<{address}>")], "sent to the person");
        assert!(message.mail_from.contains("no-reply@example.org"), "{}", message.mail_from);
        assert!(message.to().is_some_and(|to| to.contains(address.as_str())), "To: {:?}", message.to());
        assert_eq!(message.subject().as_deref(), Some(title.as_str()));
        let unsubscribe = message.list_unsubscribe().expect("a List-Unsubscribe header");
        assert!(unsubscribe.starts_with(&format!("{SITE}/email/unsubscribe/")), "{unsubscribe}");
        assert_eq!(message.list_unsubscribe_post().as_deref(), Some("List-Unsubscribe=One-Click"));
        let stored = row(&db.owner, *id).await;
        assert_eq!((stored.status.as_str(), stored.attempts), ("sent", 1));
        assert!(stored.sent_at.is_some());
    }
    assert_eq!(by_message_id(&sink).len(), 3, "three different messages");

    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass::default(), "nothing is sent twice");
    assert_eq!(sink.count(), 3);
}

/// A student confirms a free session: the mentor's email about it carries the session as a
/// calendar file (`text/calendar`).
#[tokio::test]
async fn a_booking_email_carries_the_calendar_file() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let org = organization(&db.owner, "ics").await;
    let listing = listing(&db.owner, org, "ics-mentor", "organization").await;
    make_free(&db.owner, &listing).await;
    let student = signed_in(crowd(&db.owner, org, "ics-student", 1).await[0], org, Role::Student);
    let (handle, kind, slot) = (listing.handle.clone(), listing.session_type.to_string(), at(5, 10, 0).to_rfc3339());
    let booking =
        act(&db.app, &student, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind, slot))).await.expect("hold");
    act(&db.app, &student, |tx, u| Box::pin(bookings::confirm(tx, u, booking, "Nursing school".into())))
        .await
        .expect("confirm");
    let status: String = sqlx::query_scalar("select status::text from bookings where id = $1")
        .bind(booking)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(status, "confirmed");

    // Held by the server before it accepts the message: not received yet, and the row not sent.
    sink.hold_nth(1);
    let worker = tokio::spawn({
        let (pool, mailer) = (db.owner.clone(), smtp(&sink));
        async move { run_once(&pool, &mailer).await }
    });
    sink.wait_until_holding().await;
    assert_eq!(sink.count(), 0, "a held message is not received");
    let pending: i64 = sqlx::query_scalar("select count(*) from email_outbox where status = 'pending'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(pending, 1);
    sink.release();
    let pass = worker.await.unwrap().unwrap();
    assert_eq!(pass.sent, 1, "{pass:?}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one email: the mentor's");
    let email = &messages[0];
    assert_eq!(email.rcpt_to, vec!["<ics-mentor@example.org>".to_string()]);
    assert_eq!(email.subject().as_deref(), Some("New session booked"));
    assert!(email.has_calendar_part(), "a text/calendar part among {:?}", email.content_types());
    assert!(email.raw.contains(".ics"), "the calendar file has a .ics name");
}

/// The worker is killed while the SMTP server has the 2nd message but has not accepted it (its
/// connection goes with it); a restarted worker sends everything, each message exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_loses_and_repeats_nothing() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let outbox = one_each(&db, "killed", 4).await;
    sink.hold_nth(2);

    let worker = tokio::spawn({
        let (pool, mailer) = (db.owner.clone(), smtp(&sink));
        async move { run_once(&pool, &mailer).await }
    });
    sink.wait_until_holding().await;
    worker.abort();
    let killed = worker.await.expect_err("the worker was killed before finishing");
    assert!(killed.is_cancelled());
    sink.wait_until_discarded(1).await;
    assert_eq!(sink.count(), 1, "only the first message was accepted before the kill");

    drain(&db.owner, &smtp(&sink)).await;
    let counts = by_message_id(&sink);
    let expected: BTreeSet<String> = outbox.iter().map(|id| mailer::message_id(*id)).collect();
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected, "no message lost");
    assert!(counts.values().all(|count| *count == 1), "no message received twice: {counts:?}");
    assert_eq!(sink.discarded(), 1, "the held message was never accepted");
    for id in &outbox {
        assert_eq!(row(&db.owner, *id).await.status, "sent");
    }
}

/// Two workers on one database at once, with 24 messages waiting: each is received once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_at_once_send_each_message_once() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let outbox = one_each(&db, "pair", 24).await;
    // Slow answers keep both workers busy at the same time.
    sink.set_delay(Duration::from_millis(20));
    let pool = PgPoolOptions::new().max_connections(6).connect_with(db.owner_options.clone()).await.expect("a pool");

    let start = |mailer: Mailer| {
        let pool = pool.clone();
        tokio::spawn(async move { run_once(&pool, &mailer).await })
    };
    let (first, second) = (start(smtp(&sink)), start(smtp(&sink)));
    let (first, second) = (first.await.unwrap().expect("first worker"), second.await.unwrap().expect("second worker"));
    assert_eq!(first.sent + second.sent, 24, "{first:?} {second:?}");

    let counts = by_message_id(&sink);
    let expected: BTreeSet<String> = outbox.iter().map(|id| mailer::message_id(*id)).collect();
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected, "every message arrived");
    assert!(counts.values().all(|count| *count == 1), "no message received twice: {counts:?}");
    let waiting: i64 = sqlx::query_scalar("select count(*) from email_outbox where status <> 'sent'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(waiting, 0);
}

/// A temporary refusal (451) leaves the message waiting with a later retry; once due it is
/// delivered exactly once. A permanent refusal (550) fails it for good.
#[tokio::test]
async fn a_temporary_failure_is_retried_and_a_permanent_one_is_not() {
    let db = TestDb::new().await;
    let sink = SmtpSink::start().await;
    let outbox = one_each(&db, "retry", 2).await;
    let worker = smtp(&sink);
    // Only the first one is due now.
    sqlx::query("update email_outbox set next_attempt_at = now() + interval '1 hour' where id = $1")
        .bind(outbox[1])
        .execute(&db.owner)
        .await
        .unwrap();

    sink.fail_next(1, Failure::Transient);
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass { retrying: 1, ..Pass::default() });
    let waiting = row(&db.owner, outbox[0]).await;
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert!(waiting.last_error.as_deref().is_some_and(|error| error.contains("451")), "{:?}", waiting.last_error);
    assert!(waiting.next_attempt_at > waiting.now, "the retry waits");
    assert!(waiting.sent_at.is_none());
    assert_eq!(sink.count(), 0, "nothing was accepted");
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass::default(), "not due yet");

    sqlx::query("update email_outbox set next_attempt_at = now() where id = $1")
        .bind(outbox[0])
        .execute(&db.owner)
        .await
        .unwrap();
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass { sent: 1, ..Pass::default() });
    assert_eq!(by_message_id(&sink), BTreeMap::from([(mailer::message_id(outbox[0]), 1)]));
    let sent = row(&db.owner, outbox[0]).await;
    assert_eq!((sent.status.as_str(), sent.attempts, sent.last_error), ("sent", 2, None));

    sqlx::query("update email_outbox set next_attempt_at = now() where id = $1")
        .bind(outbox[1])
        .execute(&db.owner)
        .await
        .unwrap();
    sink.fail_next(1, Failure::Permanent);
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass { failed: 1, ..Pass::default() });
    let failed = row(&db.owner, outbox[1]).await;
    assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 1));
    assert!(failed.last_error.as_deref().is_some_and(|error| error.contains("550")), "{:?}", failed.last_error);
    sqlx::query("update email_outbox set next_attempt_at = now() where id = $1")
        .bind(outbox[1])
        .execute(&db.owner)
        .await
        .unwrap();
    assert_eq!(run_once(&db.owner, &worker).await.unwrap(), Pass::default(), "a failed message is not retried");
    assert_eq!(sink.count(), 1);
}
