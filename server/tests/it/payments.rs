//! Payments against a real PostgreSQL, through the product's own paths: a student's hold paid
//! through the sandbox provider's checkout, its signed webhook delivered over HTTP to the site
//! (a real TCP listener), refunds submitted by the payments worker, and what the database itself
//! refuses (the status machine, refunds above the amount, row-level security).
//!
//! Every test has a site of its own (`Site`): one database, the router with payments wired and
//! serving on 127.0.0.1, the sandbox on the owner's pool, and a Leptos context that gives the
//! server-function bodies their `AppState` (the payment provider included).

use crate::booking::{
    act, at, conflict, crowd, listing, organization, owner_booking, signed_in, stored, Listing, PRICE_MINOR,
};
use crate::fixtures::{as_ctx, sqlstate, user};
use crate::http::leptos_options;
use crate::support::TestDb;
use crate::web::Reply;
use app::booking::api::ssr::bookings;
use app::db::{AppState, RequestContext, SignedIn};
use app::domain::Role;
use app::error::AppError;
use app::payments::api::ssr as pay_api;
use app::payments::domain::{money, PaymentStatus, PlatformFee, RefundStatus};
use app::payments::provider::{CheckoutRequest, PaymentProvider, Payments, ProviderError, ProviderEvent};
use app::payments::sandbox::{cards, delivery, Charge, Sandbox};
use app::payments::signature::sign;
use app::payments::webhook::{apply, Applied};
use app::payments::worker::{run_once, Pass};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::{Datelike, Duration, Utc};
use leptos::prelude::{provide_context, Owner, ScopedFuture};
use server::http::{router, HttpOptions, PaymentWiring, Pools};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};
use std::collections::BTreeSet;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) const SECRET: &[u8] = b"whsec_waypoint_payments_test";
pub(crate) const VISA: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";
/// Asks the cardholder to confirm with their bank (3-D Secure).
const SECURE: &str = "4000 0025 0000 3155";
/// The platform's default share: 10 %.
const FEE_MINOR: i64 = PRICE_MINOR / 10;

fn price() -> String {
    money(PRICE_MINOR, "USD")
}

fn receipt_number(n: u32) -> String {
    format!("WP-{}-{n:06}", Utc::now().year())
}

/// A card as typed on the checkout page.
pub(crate) fn card(number: &str) -> cards::CardEntry {
    let today = Utc::now().date_naive();
    let expiry = format!("12/{:02}", (today.year() + 4) % 100);
    cards::parse(number, &expiry, "123", "Sam Student", today).expect("a test card")
}

/// The sandbox's id for a checkout, from its URL.
pub(crate) fn intent_id(url: &str) -> String {
    url.rsplit('/').next().expect("an id").to_string()
}

/// What the owner sees of a payment.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) id: Uuid,
    pub(crate) status: String,
    pub(crate) amount_minor: i64,
    pub(crate) fee_minor: i64,
    pub(crate) refunded_minor: i64,
    card_brand: Option<String>,
    card_last4: Option<String>,
    receipt_number: Option<String>,
    failure_reason: Option<String>,
    checkout_url: Option<String>,
    provider_payment_id: Option<String>,
    paid: bool,
}

/// A refund as the owner sees it: (amount, reason, status).
type RefundRow = (i64, String, String);

/// One test's site: a database, a mentor's paid listing (60 minutes at 50.00 USD), two students,
/// the router with the sandbox wired in, serving on a port of its own.
pub(crate) struct Site {
    pub(crate) db: TestDb,
    pub(crate) url: String,
    pub(crate) host: String,
    pub(crate) router: axum::Router,
    pub(crate) sandbox: Sandbox,
    /// The Leptos context the server-function bodies read `AppState` from.
    pub(crate) context: Owner,
    pub(crate) listing: Listing,
    pub(crate) org: Uuid,
    pub(crate) student: SignedIn,
    pub(crate) other: SignedIn,
    pub(crate) mentor: SignedIn,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Site {
    pub(crate) async fn new(slug: &str) -> Site {
        let db = TestDb::new().await;
        let org = organization(&db.owner, slug).await;
        let listing = listing(&db.owner, org, &format!("{slug}-mentor"), "organization").await;
        let students = crowd(&db.owner, org, &format!("{slug}-student"), 2).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let host = listener.local_addr().expect("address").to_string();
        let url = format!("http://{host}");
        let sandbox = Sandbox::new(db.owner.clone(), url.clone(), vec![SECRET.to_vec()]);
        let payments =
            Payments { provider: Arc::new(sandbox.clone()), fee: PlatformFee::DEFAULT, site_url: url.clone() };
        let options = HttpOptions {
            payments: Some(PaymentWiring { payments: payments.clone(), sandbox: Some(sandbox.clone()) }),
            ..HttpOptions::for_site(&url)
        };
        let router = router(leptos_options(), Pools { requests: db.app.clone(), sessions: db.app.clone() }, &options);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let limits = server::serve::ServeLimits {
            header_read: std::time::Duration::from_secs(10),
            shutdown_grace: std::time::Duration::from_secs(1),
        };
        tokio::spawn(server::serve::serve(listener, router.clone(), limits, async {
            let _ = stopped.await;
        }));
        let context = Owner::new();
        let state = AppState { pool: db.app.clone(), guard_pool: db.app.clone(), payments: Some(payments), read_pool: None };
        context.with(|| provide_context(state));
        Site {
            org,
            student: signed_in(students[0], org, Role::Student),
            other: signed_in(students[1], org, Role::Student),
            mentor: signed_in(listing.mentor_user, org, Role::Mentor),
            db,
            url,
            host,
            router,
            sandbox,
            context,
            listing,
            _stop: stop,
        }
    }

    /// `user` holds the listing's paid session at `start`.
    pub(crate) async fn hold(&self, user: &SignedIn, start: chrono::DateTime<Utc>) -> Uuid {
        let (handle, kind) = (self.listing.handle.clone(), self.listing.session_type.to_string());
        act(&self.db.app, user, |tx, u| Box::pin(bookings::hold(tx, u, handle, kind, start.to_rfc3339())))
            .await
            .expect("hold")
    }

    /// The Pay button: `pay_for_booking` with this idempotency key, in the site's context.
    pub(crate) async fn pay(&self, user: &SignedIn, booking: Uuid, key: Uuid) -> Result<String, AppError> {
        let work = act(&self.db.app, user, move |tx, u| {
            Box::pin(pay_api::pay_for_booking(tx, u, booking, key, "Applying to nursing school".into()))
        });
        self.context.with(|| ScopedFuture::new_untracked(work)).await
    }

    /// The sandbox's webhook worker, one pass, to this site's endpoint over HTTP. Every due
    /// event must be acknowledged.
    pub(crate) async fn deliver(&self) -> u64 {
        let url = format!("{}/webhooks/payments/sandbox", self.url);
        let delivered =
            delivery::deliver_once(&self.sandbox, &delivery::client(), &url).await.expect("a delivery pass");
        let left: Vec<(String, Option<String>)> =
            sqlx::query_as("select event_type, last_error from sandbox.events where delivered_at is null")
                .fetch_all(&self.db.owner)
                .await
                .unwrap();
        assert!(left.is_empty(), "events the site did not acknowledge: {left:?}");
        delivered
    }

    /// A paid, confirmed session: held, paid with the Visa test card, the webhook delivered.
    pub(crate) async fn paid_session(&self, user: &SignedIn, start: chrono::DateTime<Utc>) -> (Uuid, Stored) {
        let booking = self.hold(user, start).await;
        let url = self.pay(user, booking, Uuid::new_v4()).await.expect("pay");
        assert!(matches!(self.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap(), Charge::Succeeded { .. }));
        assert_eq!(self.deliver().await, 1);
        assert_eq!(stored(&self.db.owner, booking).await.status, "confirmed");
        let payment = self.payment(booking).await;
        assert_eq!(payment.status, "succeeded");
        (booking, payment)
    }

    pub(crate) async fn payment(&self, booking: Uuid) -> Stored {
        let row = sqlx::query(
            "select id, status::text as status, amount_minor, fee_minor, refunded_minor, card_brand, card_last4::text as card_last4,
                    receipt_number, failure_reason, checkout_url, provider_payment_id, paid_at is not null as paid
               from payments where booking_id = $1 and status <> 'cancelled'",
        )
        .bind(booking)
        .fetch_one(&self.db.owner)
        .await
        .expect("the booking's payment");
        Stored {
            id: row.get("id"),
            status: row.get("status"),
            amount_minor: row.get("amount_minor"),
            fee_minor: row.get("fee_minor"),
            refunded_minor: row.get("refunded_minor"),
            card_brand: row.get("card_brand"),
            card_last4: row.get("card_last4"),
            receipt_number: row.get("receipt_number"),
            failure_reason: row.get("failure_reason"),
            checkout_url: row.get("checkout_url"),
            provider_payment_id: row.get("provider_payment_id"),
            paid: row.get("paid"),
        }
    }

    pub(crate) async fn refunds(&self, payment: Uuid) -> Vec<RefundRow> {
        sqlx::query_as(
            "select amount_minor, reason, status::text from refunds where payment_id = $1 order by created_at",
        )
        .bind(payment)
        .fetch_all(&self.db.owner)
        .await
        .unwrap()
    }

    /// The titles of `user`'s payment notifications, oldest first.
    pub(crate) async fn told(&self, user: Uuid) -> Vec<String> {
        sqlx::query_scalar(
            "select title from notifications where user_id = $1 and kind = 'payment' order by created_at, title",
        )
        .bind(user)
        .fetch_all(&self.db.owner)
        .await
        .unwrap()
    }

    pub(crate) async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db.owner).await.unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// The body of the sandbox's (first) event of this type.
    async fn event_body(&self, event_type: &str) -> String {
        sqlx::query_scalar("select body from sandbox.events where event_type = $1 order by created_at limit 1")
            .bind(event_type)
            .fetch_one(&self.db.owner)
            .await
            .expect("the sandbox recorded the event")
    }

    /// POSTs a webhook body to the site, in-process, as the provider's servers would (no cookie,
    /// no Origin).
    async fn post_webhook(&self, provider: &str, signature: Option<String>, body: &str) -> Reply {
        let mut request = Request::post(format!("/webhooks/payments/{provider}"))
            .header(header::HOST, &self.host)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(signature) = signature {
            request = request.header(delivery::SIGNATURE_HEADER, signature);
        }
        Reply::send(self.router.clone(), request.body(Body::from(body.to_string())).unwrap()).await
    }

    async fn get(&self, path: &str) -> Reply {
        let request = Request::get(path).header(header::HOST, &self.host).body(Body::empty()).unwrap();
        Reply::send(self.router.clone(), request).await
    }

    /// A form on the sandbox's pages, submitted from the page (same origin).
    async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let request = Request::post(path)
            .header(header::HOST, &self.host)
            .header(header::ORIGIN, &self.url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(crate::web::form(fields)))
            .unwrap();
        Reply::send(self.router.clone(), request).await
    }

    /// The checkout page's card form.
    async fn submit_card(&self, checkout_url: &str, number: &str) -> Reply {
        let path = checkout_url.strip_prefix(&self.url).expect("a checkout on this site");
        let expiry = format!("12/{:02}", (Utc::now().year() + 4) % 100);
        self.post_form(path, &[("number", number), ("expiry", &expiry), ("cvc", "123"), ("name", "Sam Student")]).await
    }

    fn signed(&self, body: &str) -> String {
        sign(&[SECRET], Utc::now().timestamp(), body.as_bytes())
    }
}

/// A paid hold is not confirmed by the student but by the payment: checkout, the Visa test card,
/// the signed event over HTTP; then the session is confirmed, the payment has its receipt
/// number, the card's last four and the platform's 10 %.
#[tokio::test]
async fn a_paid_hold_is_confirmed_by_its_payment_with_a_receipt_and_the_fee() {
    let site = Site::new("paid").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    conflict(
        act(&db.app, student, |tx, u| Box::pin(bookings::confirm(tx, u, booking, String::new()))).await,
        "This session is paid",
    );

    let url = site.pay(student, booking, Uuid::new_v4()).await.expect("pay");
    assert!(url.starts_with(&format!("{}/sandbox/checkout/pi_", site.url)), "{url}");
    let pending = site.payment(booking).await;
    assert_eq!((pending.status.as_str(), pending.amount_minor, pending.fee_minor), ("pending", PRICE_MINOR, FEE_MINOR));
    assert_eq!(pending.checkout_url.as_deref(), Some(url.as_str()));
    assert_eq!(pending.provider_payment_id.as_deref(), Some(intent_id(&url).as_str()));
    let shown = act(&db.app, student, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking)))
        .await
        .unwrap()
        .expect("a payment");
    assert_eq!((shown.status, shown.checkout_url.as_deref()), (PaymentStatus::Pending, Some(url.as_str())));

    // The provider's page asks for the session's price.
    let page = site.get(url.strip_prefix(&site.url).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("Pay {}", price())), "{}", page.body);

    let charged = site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(charged, Charge::Succeeded { return_url: format!("{}/booking/{booking}?checkout=done", site.url) });
    assert_eq!(stored(&db.owner, booking).await.status, "hold", "confirmed by the event, not by the charge");

    assert_eq!(site.deliver().await, 1);
    assert_eq!(stored(&db.owner, booking).await.status, "confirmed");
    let paid = site.payment(booking).await;
    assert_eq!(paid.status, "succeeded");
    assert_eq!(paid.receipt_number, Some(receipt_number(1)));
    assert_eq!((paid.card_brand.as_deref(), paid.card_last4.as_deref()), (Some("visa"), Some("4242")));
    assert_eq!(paid.fee_minor, FEE_MINOR, "10 % of {PRICE_MINOR}");
    assert!(paid.paid && paid.failure_reason.is_none());

    let shown =
        act(&db.app, student, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking))).await.unwrap().unwrap();
    assert_eq!(shown.status, PaymentStatus::Succeeded);
    assert_eq!(shown.card.as_deref(), Some("Visa ending in 4242"));
    assert_eq!(shown.receipt_number, Some(receipt_number(1)));
    assert_eq!(shown.checkout_url, None, "nothing left to pay");
    let history = act(&db.app, student, |tx, u| Box::pin(pay_api::billing_history(tx, u))).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].booking_id, history[0].amount.clone(), history[0].status),
        (Some(booking), price(), PaymentStatus::Succeeded)
    );
    assert_eq!(site.told(student.user_id).await, ["Payment received: session confirmed"]);
    assert_eq!(site.told(site.mentor.user_id).await, ["New session booked"]);

    // Nothing more to deliver, and the Pay button now says it's paid.
    assert_eq!(site.deliver().await, 0);
    conflict(site.pay(student, booking, Uuid::new_v4()).await, "already paid for");
}

/// The provider retries, and retries race: one event delivered a hundred times at once is
/// applied once: one stored event, one receipt number, one confirmation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_event_delivered_a_hundred_times_at_once_is_applied_once() {
    let site = Site::new("retries").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.unwrap();
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    let body = site.event_body("payment_intent.succeeded").await;
    let now = Utc::now().timestamp();
    let event: ProviderEvent = site
        .sandbox
        .verify_webhook(Some(&sign(&[SECRET], now, body.as_bytes())), body.as_bytes(), now)
        .expect("verifies");

    // As many connections as the site would use under such a burst.
    let pool: PgPool = PgPoolOptions::new()
        .max_connections(20)
        .connect_with(db.owner_options.clone().username("waypoint_app"))
        .await
        .unwrap();
    let deliveries: Vec<_> = (0..100)
        .map(|_| {
            let (pool, event) = (pool.clone(), event.clone());
            tokio::spawn(async move { apply(&pool, "sandbox", &event).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for delivery in deliveries {
        outcomes.push(delivery.await.unwrap().expect("every delivery is acknowledged"));
    }
    assert_eq!(outcomes.iter().filter(|outcome| **outcome == Applied::Now).count(), 1);
    assert_eq!(outcomes.iter().filter(|outcome| **outcome == Applied::Before).count(), 99);

    // The sandbox delivering it once more over HTTP is acknowledged and changes nothing.
    assert_eq!(site.deliver().await, 1);
    assert_eq!(site.count("select count(*) from payment_events").await, 1);
    assert_eq!(site.count("select count(*) from payments where receipt_number is not null").await, 1);
    assert_eq!(
        site.count("select coalesce(sum(last), 0)::bigint from receipt_counters").await,
        1,
        "one receipt number handed out"
    );
    assert_eq!(site.payment(booking).await.receipt_number, Some(receipt_number(1)));
    assert_eq!(stored(&db.owner, booking).await.status, "confirmed");
    let changes: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where table_name = 'bookings' and row_id = $1 and action = 'update' and 'status' = any(changed_fields)",
    )
    .bind(booking)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert_eq!(changes, 1, "the booking was confirmed once");
    assert_eq!(site.told(student.user_id).await, ["Payment received: session confirmed"]);
    assert_eq!(site.told(site.mentor.user_id).await, ["New session booked"]);
}

/// A double click (two requests with the page's one idempotency key) starts one checkout and
/// both go to the same page; the key used for another booking is refused. The sandbox keeps
/// its own idempotency the same way.
#[tokio::test]
async fn one_idempotency_key_starts_one_checkout_and_is_refused_for_another_booking() {
    let site = Site::new("idem").await;
    let (db, student) = (&site.db, &site.student);
    let first = site.hold(student, at(3, 10, 0)).await;
    let second = site.hold(student, at(3, 14, 0)).await;
    let key = Uuid::new_v4();

    let (a, b) = tokio::join!(site.pay(student, first, key), site.pay(student, first, key));
    let (a, b) = (a.expect("first click"), b.expect("second click"));
    assert_eq!(a, b, "both clicks go to the same checkout");
    assert_eq!(site.count("select count(*) from payments").await, 1);
    assert_eq!(site.count("select count(*) from sandbox.payment_intents").await, 1);

    conflict(site.pay(student, second, key).await, "already used for something else");
    assert_eq!(site.count("select count(*) from payments").await, 1, "nothing started for the other booking");
    // A fresh key (the page reloaded) resumes the same checkout instead of starting another.
    assert_eq!(site.pay(student, first, Uuid::new_v4()).await.unwrap(), a);
    assert_eq!(site.count("select count(*) from sandbox.payment_intents").await, 1);
    // Someone else's booking is not theirs to pay.
    let refused = site.pay(&site.other, first, Uuid::new_v4()).await;
    assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    assert_eq!(site.count("select count(*) from payments").await, 1);

    // Two tabs, two keys, one booking, at once: one checkout is started; the other goes to it
    // or (when they truly overlap) is told one is under way.
    let third = site.hold(&site.other, at(3, 16, 0)).await;
    let (a, b) =
        tokio::join!(site.pay(&site.other, third, Uuid::new_v4()), site.pay(&site.other, third, Uuid::new_v4()));
    let (started, told): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(Result::is_ok);
    let urls: BTreeSet<String> = started.into_iter().map(Result::unwrap).collect();
    assert_eq!(urls.len(), 1, "one checkout: {urls:?} {told:?}");
    for refused in told {
        conflict(refused, "already under way");
    }
    assert_eq!(site.payment(third).await.checkout_url.as_ref(), urls.first());
    assert_eq!(site.count("select count(*) from payments").await, 2, "one more payment, for the third booking");
    // A free session is confirmed, not paid.
    sqlx::query("update bookings set price_minor = 0 where id = $1").bind(second).execute(&db.owner).await.unwrap();
    crate::booking::invalid(site.pay(student, second, Uuid::new_v4()).await, "free");

    // The sandbox: the same key with the same request replays; with another amount it is refused.
    let request = CheckoutRequest {
        payment_id: Uuid::new_v4(),
        amount_minor: 1_000,
        currency: "USD".into(),
        description: "Career chat".into(),
        return_url: format!("{}/booking/x", site.url),
        cancel_url: format!("{}/booking/x", site.url),
        idempotency_key: "key-1".into(),
        save_card: false,
    };
    let once = site.sandbox.create_checkout(request.clone()).await.expect("checkout");
    let again = site.sandbox.create_checkout(request.clone()).await.expect("replayed");
    assert_eq!(once, again);
    let changed = site.sandbox.create_checkout(CheckoutRequest { amount_minor: 2_000, ..request.clone() }).await;
    assert!(matches!(changed, Err(ProviderError::IdempotencyMismatch)), "{changed:?}");
    let nothing = site
        .sandbox
        .create_checkout(CheckoutRequest { amount_minor: 0, idempotency_key: "key-2".into(), ..request })
        .await;
    assert!(matches!(nothing, Err(ProviderError::Refused(_))), "{nothing:?}");
}

/// A delivery whose signature is made with another secret, is too old, is missing or doesn't
/// match the body is answered 400 and changes nothing; the genuine one is applied, once.
#[tokio::test]
async fn a_webhook_with_a_bad_stale_or_missing_signature_is_refused_and_changes_nothing() {
    let site = Site::new("signature").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.unwrap();
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    let body = site.event_body("payment_intent.succeeded").await;
    let now = Utc::now().timestamp();

    let wrong_secret = sign(&[b"whsec_someone_else"], now, body.as_bytes());
    let stale = sign(&[SECRET], now - 400, body.as_bytes());
    let tampered_body = body.replacen("4242", "0000", 1);
    assert_ne!(tampered_body, body);
    for (what, signature, sent) in [
        ("another secret", Some(wrong_secret), body.as_str()),
        ("a timestamp 400 s old", Some(stale), body.as_str()),
        ("no signature", None, body.as_str()),
        ("a body changed after signing", Some(site.signed(&body)), tampered_body.as_str()),
        ("a malformed header", Some("v1=abc".to_string()), body.as_str()),
    ] {
        let reply = site.post_webhook("sandbox", signature, sent).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{what}: {}", reply.body);
    }
    let reply = site.post_webhook("stripe", Some(site.signed(&body)), &body).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "a provider that isn't configured");

    assert_eq!(site.count("select count(*) from payment_events").await, 0);
    let payment = site.payment(booking).await;
    assert_eq!((payment.status.as_str(), payment.receipt_number), ("pending", None));
    assert_eq!(stored(&db.owner, booking).await.status, "hold");
    assert!(site.told(student.user_id).await.is_empty());

    let reply = site.post_webhook("sandbox", Some(site.signed(&body)), &body).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "applied"));
    let reply = site.post_webhook("sandbox", Some(site.signed(&body)), &body).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "already applied"));
    assert_eq!(site.count("select count(*) from payment_events").await, 1);
    assert_eq!(stored(&db.owner, booking).await.status, "confirmed");
}

/// A declined card: the payment says why, the hold stays, the page offers the same checkout;
/// another card on that checkout pays and confirms the session.
#[tokio::test]
async fn a_declined_card_keeps_the_hold_and_another_card_on_the_same_checkout_pays() {
    let site = Site::new("declined").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.unwrap();

    let charged = site.sandbox.charge(&intent_id(&url), &card(DECLINED)).await.unwrap();
    assert_eq!(charged, Charge::Declined { message: "Your card was declined.".into() });
    assert_eq!(site.deliver().await, 1);
    let failed = site.payment(booking).await;
    assert_eq!((failed.status.as_str(), failed.failure_reason.as_deref()), ("failed", Some("Your card was declined.")));
    assert_eq!((failed.receipt_number, failed.paid), (None, false));
    assert_eq!(stored(&db.owner, booking).await.status, "hold");
    let shown =
        act(&db.app, student, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking))).await.unwrap().unwrap();
    assert_eq!(shown.status, PaymentStatus::Failed);
    assert_eq!(shown.failure_reason.as_deref(), Some("Your card was declined."));
    assert_eq!(shown.checkout_url.as_deref(), Some(url.as_str()), "try another card on the same checkout");
    // Paying again goes back to the same checkout, which says what happened.
    assert_eq!(site.pay(student, booking, Uuid::new_v4()).await.unwrap(), url);
    let page = site.get(url.strip_prefix(&site.url).unwrap()).await;
    assert!(page.body.contains("Your card was declined.") && page.body.contains("Try another card"), "{}", page.body);

    // Through the checkout page's form, as the cardholder would.
    let paid = site.submit_card(&url, VISA).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    assert_eq!(
        paid.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()),
        Some(format!("{}/booking/{booking}?checkout=done", site.url).as_str())
    );
    assert_eq!(site.deliver().await, 1);
    assert_eq!(stored(&db.owner, booking).await.status, "confirmed");
    let payment = site.payment(booking).await;
    assert_eq!(
        (payment.status.as_str(), payment.failure_reason, payment.card_last4.as_deref()),
        ("succeeded", None, Some("4242"))
    );
    assert_eq!(payment.id, failed.id, "the same payment");
    assert_eq!(payment.receipt_number, Some(receipt_number(1)));
    assert_eq!(site.count("select count(*) from payments").await, 1);
}

/// A card whose bank asks the cardholder to confirm: the payment waits for the bank, a failed
/// confirmation is a declined attempt, and confirming on the next attempt pays.
#[tokio::test]
async fn a_card_that_needs_the_banks_confirmation_pays_once_confirmed() {
    let site = Site::new("secure").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.unwrap();
    let (id, path) = (intent_id(&url), url.strip_prefix(&site.url).unwrap().to_string());

    assert_eq!(site.sandbox.charge(&id, &card(SECURE)).await.unwrap(), Charge::NeedsAuthentication);
    assert_eq!(site.deliver().await, 1);
    assert_eq!(site.payment(booking).await.status, "requires_action");
    let shown =
        act(&db.app, student, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking))).await.unwrap().unwrap();
    assert_eq!((shown.status, shown.checkout_url.as_deref()), (PaymentStatus::RequiresAction, Some(url.as_str())));
    // Back on the checkout, the cardholder is sent to the bank's page.
    let page = site.get(&path).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()),
        Some(format!("{path}/authenticate").as_str())
    );

    let rejected = site.post_form(&format!("{path}/authenticate"), &[("decision", "reject")]).await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "back to the card form");
    assert_eq!(site.deliver().await, 1);
    let failed = site.payment(booking).await;
    assert_eq!(
        (failed.status.as_str(), failed.failure_reason.as_deref()),
        ("failed", Some("Your bank couldn't confirm this payment."))
    );
    assert_eq!(stored(&db.owner, booking).await.status, "hold");

    assert_eq!(site.sandbox.charge(&id, &card(SECURE)).await.unwrap(), Charge::NeedsAuthentication);
    assert_eq!(site.deliver().await, 1);
    let again = site.payment(booking).await;
    assert_eq!((again.status.as_str(), again.failure_reason), ("requires_action", None));
    let approved = site.post_form(&format!("{path}/authenticate"), &[("decision", "approve")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        approved.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()),
        Some(format!("{}/booking/{booking}?checkout=done", site.url).as_str())
    );
    assert_eq!(site.deliver().await, 1);
    assert_eq!(stored(&db.owner, booking).await.status, "confirmed");
    let paid = site.payment(booking).await;
    assert_eq!((paid.status.as_str(), paid.card_last4.as_deref()), ("succeeded", Some("3155")));
    assert_eq!(paid.receipt_number, Some(receipt_number(1)));
}

/// The cancellation policy, in money: a student cancelling more than 24 hours ahead gets it
/// all back (asked for, submitted by the worker, confirmed by the refund's event); cancelling
/// later gets nothing; a mentor cancelling always refunds in full.
#[tokio::test]
async fn cancelling_refunds_by_the_policy() {
    let site = Site::new("refunds").await;
    let (db, student, mentor) = (&site.db, &site.student, &site.mentor);

    // In time: 3 days ahead.
    let (early, payment) = site.paid_session(student, at(3, 10, 0)).await;
    act(&db.app, student, |tx, u| Box::pin(bookings::cancel(tx, u, early, "Exams moved".into())))
        .await
        .expect("cancel");
    let row = stored(&db.owner, early).await;
    assert_eq!((row.status.as_str(), row.cancelled_late), ("cancelled", false));
    assert_eq!(
        site.refunds(payment.id).await,
        [(PRICE_MINOR, "cancelled_by_student".to_string(), "requested".to_string())]
    );
    let shown = act(&db.app, student, |tx, u| Box::pin(pay_api::booking_payment(tx, u, early))).await.unwrap().unwrap();
    assert_eq!(
        shown.refunds.iter().map(|r| (r.amount.clone(), r.status)).collect::<Vec<_>>(),
        [(price(), RefundStatus::Requested)]
    );

    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap(), Pass { submitted: 1, retrying: 0, failed: 0 });
    assert_eq!(site.refunds(payment.id).await[0].2, "submitted");
    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap(), Pass::default(), "submitted once");
    assert_eq!(site.payment(early).await.status, "succeeded", "refunded when the provider says so");
    assert_eq!(site.deliver().await, 1);
    assert_eq!(site.refunds(payment.id).await[0].2, "succeeded");
    let refunded = site.payment(early).await;
    assert_eq!((refunded.status.as_str(), refunded.refunded_minor), ("refunded", PRICE_MINOR));
    assert_eq!(site.count("select count(*) from sandbox.refunds").await, 1);
    assert!(site.told(student.user_id).await.contains(&"Refund sent".to_string()));
    let receipt = act(&db.app, student, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id))).await.unwrap();
    assert_eq!((receipt.status, receipt.net, receipt.refunds.len()), (PaymentStatus::Refunded, money(0, "USD"), 1));

    // Late: 5 hours ahead, loaded as history with its payment.
    let late =
        owner_booking(&db.owner, &site.listing, student.user_id, "confirmed", Utc::now() + Duration::hours(5)).await;
    let late_payment: Uuid = sqlx::query_scalar(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency, status, paid_at, receipt_number)
         values ($1, $2, $3, $4, 'USD', 'succeeded', now(), next_receipt_number(now())) returning id",
    )
    .bind(student.user_id)
    .bind(site.org)
    .bind(late)
    .bind(PRICE_MINOR)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    act(&db.app, student, |tx, u| Box::pin(bookings::cancel(tx, u, late, String::new()))).await.expect("cancel late");
    let row = stored(&db.owner, late).await;
    assert_eq!((row.status.as_str(), row.cancelled_late), ("cancelled", true));
    assert!(site.refunds(late_payment).await.is_empty(), "a late cancellation is not refunded");
    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap(), Pass::default());
    assert_eq!(site.payment(late).await.status, "succeeded");

    // The mentor cancels: everything back, whenever it is.
    let (by_mentor, paid) = site.paid_session(&site.other, at(4, 10, 0)).await;
    act(&db.app, mentor, |tx, u| Box::pin(bookings::cancel(tx, u, by_mentor, "I'm unwell that day".into())))
        .await
        .expect("mentor cancels");
    assert_eq!(
        site.refunds(paid.id).await,
        [(PRICE_MINOR, "cancelled_by_mentor".to_string(), "requested".to_string())]
    );
    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap().submitted, 1);
    assert_eq!(site.deliver().await, 1);
    let refunded = site.payment(by_mentor).await;
    assert_eq!((refunded.status.as_str(), refunded.refunded_minor), ("refunded", PRICE_MINOR));

    // A paid request the mentor declines: everything back.
    sqlx::query("update mentors set requires_approval = true where id = $1")
        .bind(site.listing.mentor)
        .execute(&db.owner)
        .await
        .unwrap();
    let request = site.hold(student, at(5, 10, 0)).await;
    let url = site.pay(student, request, Uuid::new_v4()).await.unwrap();
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(site.deliver().await, 1);
    assert_eq!(stored(&db.owner, request).await.status, "pending", "paid, waiting for the mentor");
    assert!(site.told(student.user_id).await.contains(&"Payment received: request sent".to_string()));
    assert!(site.told(mentor.user_id).await.contains(&"New paid session request".to_string()));
    act(&db.app, mentor, |tx, u| Box::pin(bookings::answer(tx, u, request, false, "Away that week".into())))
        .await
        .expect("decline");
    assert_eq!(stored(&db.owner, request).await.status, "declined");
    let declined = site.payment(request).await;
    assert_eq!(site.refunds(declined.id).await, [(PRICE_MINOR, "declined".to_string(), "requested".to_string())]);
}

/// The money arrives after the hold ran out: the session isn't booked (someone else may have the
/// time now), the student gets it all back and is told why.
#[tokio::test]
async fn a_payment_after_the_hold_expired_is_refunded_in_full_and_the_student_told() {
    let site = Site::new("late-pay").await;
    let (db, student) = (&site.db, &site.student);
    let booking = site.hold(student, at(3, 10, 0)).await;
    let url = site.pay(student, booking, Uuid::new_v4()).await.unwrap();
    sqlx::query("update bookings set hold_expires_at = now() - interval '1 minute' where id = $1")
        .bind(booking)
        .execute(&db.owner)
        .await
        .unwrap();
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(site.deliver().await, 1);

    assert_eq!(stored(&db.owner, booking).await.status, "expired");
    let payment = site.payment(booking).await;
    assert_eq!(payment.status, "succeeded", "the money was taken");
    assert_eq!(site.refunds(payment.id).await, [(PRICE_MINOR, "hold_expired".to_string(), "requested".to_string())]);
    assert_eq!(site.told(student.user_id).await, ["Your payment arrived after your hold expired"]);
    assert!(site.told(site.mentor.user_id).await.is_empty(), "nothing was booked");

    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap().submitted, 1);
    assert_eq!(site.deliver().await, 1);
    let refunded = site.payment(booking).await;
    assert_eq!((refunded.status.as_str(), refunded.refunded_minor), ("refunded", PRICE_MINOR));

    // The same when the hold had already been expired (by another request or the worker) before
    // the money came.
    let second = site.hold(&site.other, at(3, 14, 0)).await;
    let url = site.pay(&site.other, second, Uuid::new_v4()).await.unwrap();
    sqlx::query("update bookings set status = 'expired', hold_expires_at = now() - interval '1 minute' where id = $1")
        .bind(second)
        .execute(&db.owner)
        .await
        .unwrap();
    site.sandbox.charge(&intent_id(&url), &card(VISA)).await.unwrap();
    assert_eq!(site.deliver().await, 1);
    assert_eq!(stored(&db.owner, second).await.status, "expired");
    let payment = site.payment(second).await;
    assert_eq!(site.refunds(payment.id).await, [(PRICE_MINOR, "hold_expired".to_string(), "requested".to_string())]);
    assert_eq!(site.told(site.other.user_id).await, ["Your payment arrived after your hold expired"]);
}

/// What the database refuses whoever asks: a payment's status jumping against its machine
/// (succeeded → failed, as the owner or the webhook's administrator context), its amount
/// changing, refunds above what was paid; a student's own checkout row pays what the booking
/// costs and only for a held paid booking; a paid hold isn't confirmed without its payment.
#[tokio::test]
async fn the_database_refuses_status_jumps_and_refunds_above_the_amount() {
    let site = Site::new("machine").await;
    let (db, student) = (&site.db, &site.student);
    let booking = owner_booking(&db.owner, &site.listing, student.user_id, "confirmed", at(5, 10, 0)).await;
    let payment: Uuid = sqlx::query_scalar(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency, status, paid_at)
         values ($1, $2, $3, $4, 'USD', 'succeeded', now()) returning id",
    )
    .bind(student.user_id)
    .bind(site.org)
    .bind(booking)
    .bind(PRICE_MINOR)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    let update = |sql: &'static str| sqlx::query(sql).bind(payment);

    for sql in [
        "update payments set status = 'failed' where id = $1",
        "update payments set status = 'pending' where id = $1",
        "update payments set amount_minor = 1 where id = $1",
        "update payments set status = 'refunded' where id = $1",
    ] {
        assert_eq!(sqlstate(update(sql).execute(&db.owner).await), "23514", "as the owner: {sql}");
    }
    let admin = RequestContext { role: Some(Role::Admin), ..RequestContext::anonymous() };
    let mut tx = as_ctx(&db.app, admin).await;
    assert_eq!(
        sqlstate(update("update payments set status = 'failed' where id = $1").execute(&mut *tx).await),
        "23514",
        "as the webhook"
    );
    drop(tx);
    assert_eq!(site.payment(booking).await.status, "succeeded");

    let refund = |amount: i64| {
        sqlx::query(
            "insert into refunds (payment_id, organization_id, user_id, amount_minor, currency, reason)
             values ($1, $2, $3, $4, 'USD', 'cancelled_by_mentor')",
        )
        .bind(payment)
        .bind(site.org)
        .bind(student.user_id)
        .bind(amount)
    };
    assert_eq!(sqlstate(refund(PRICE_MINOR + 1).execute(&db.owner).await), "23514");
    refund(3_000).execute(&db.owner).await.expect("part of it");
    assert_eq!(sqlstate(refund(2_001).execute(&db.owner).await), "23514", "3,000 + 2,001 is more than was paid");
    refund(2_000).execute(&db.owner).await.expect("the rest");
    assert_eq!(sqlstate(refund(1).execute(&db.owner).await), "23514");
    let mut tx = as_ctx(&db.app, admin).await;
    assert_eq!(sqlstate(refund(1).execute(&mut *tx).await), "23514", "as the webhook");
    drop(tx);
    // A refund never takes back more than was refunded, and refunded means all of it.
    sqlx::query("update payments set refunded_minor = 3000, status = 'partially_refunded' where id = $1")
        .bind(payment)
        .execute(&db.owner)
        .await
        .expect("partly refunded");
    assert_eq!(
        sqlstate(update("update payments set refunded_minor = 1000 where id = $1").execute(&db.owner).await),
        "23514"
    );
    assert_eq!(
        sqlstate(update("update payments set status = 'succeeded' where id = $1").execute(&db.owner).await),
        "23514"
    );

    // A student's own checkout row: the booking's price whatever they wrote, pending only.
    let held = site.hold(student, at(3, 10, 0)).await;
    let mut tx = as_ctx(&db.app, student.ctx()).await;
    let (amount, currency): (i64, String) = sqlx::query_as(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency) values ($1, $2, $3, 1, 'EUR')
         returning amount_minor, currency::text",
    )
    .bind(student.user_id)
    .bind(site.org)
    .bind(held)
    .fetch_one(&mut *tx)
    .await
    .expect("the student's checkout row");
    assert_eq!((amount, currency.as_str()), (PRICE_MINOR, "USD"));
    drop(tx);
    let mut tx = as_ctx(&db.app, student.ctx()).await;
    let paid_already = sqlx::query(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, currency, status) values ($1, $2, $3, 1, 'USD', 'succeeded')",
    )
    .bind(student.user_id)
    .bind(site.org)
    .bind(held)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(paid_already), "42501", "a student can't write a payment that succeeded");
    drop(tx);
    let mut tx = as_ctx(&db.app, student.ctx()).await;
    let for_confirmed = sqlx::query("insert into payments (user_id, organization_id, booking_id, amount_minor, currency) values ($1, $2, $3, 1, 'USD')")
        .bind(student.user_id)
        .bind(site.org)
        .bind(booking)
        .execute(&mut *tx)
        .await;
    assert_eq!(sqlstate(for_confirmed), "23514", "only a held paid session is paid for");
    drop(tx);
    // Confirming the paid hold straight in SQL, without a payment, is refused too.
    let mut tx = as_ctx(&db.app, student.ctx()).await;
    let confirmed =
        sqlx::query("update bookings set status = 'confirmed' where id = $1").bind(held).execute(&mut *tx).await;
    assert_eq!(sqlstate(confirmed), "23514", "bookings_paid_before_confirming");
    drop(tx);
    assert_eq!(stored(&db.owner, held).await.status, "hold");
}

/// Who sees a payment: the payer and the session's mentor (amount and state, not the card or the
/// receipt), the organization's administrator; never another student. The receipt is the
/// payer's (and their administrator's).
#[tokio::test]
async fn the_payer_and_the_mentor_see_a_payment_and_only_the_payer_gets_the_receipt() {
    let site = Site::new("privacy").await;
    let (db, student, other, mentor) = (&site.db, &site.student, &site.other, &site.mentor);
    let (booking, payment) = site.paid_session(student, at(3, 10, 0)).await;
    let visible = |ctx: RequestContext| {
        let pool = db.app.clone();
        async move {
            let mut tx = as_ctx(&pool, ctx).await;
            sqlx::query_scalar::<_, i64>("select count(*) from payments where id = $1")
                .bind(payment.id)
                .fetch_one(&mut *tx)
                .await
                .unwrap()
        }
    };
    assert_eq!(visible(student.ctx()).await, 1);
    assert_eq!(visible(mentor.ctx()).await, 1, "the mentor sees the payments for their sessions");
    assert_eq!(visible(other.ctx()).await, 0, "another student doesn't");

    let theirs = act(&db.app, other, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking))).await;
    assert!(matches!(theirs, Err(AppError::NotFound(_))), "{theirs:?}");
    let theirs = act(&db.app, other, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id))).await;
    assert!(matches!(theirs, Err(AppError::NotFound(_))), "{theirs:?}");
    assert!(act(&db.app, other, |tx, u| Box::pin(pay_api::billing_history(tx, u))).await.unwrap().is_empty());

    let seen = act(&db.app, mentor, |tx, u| Box::pin(pay_api::booking_payment(tx, u, booking)))
        .await
        .unwrap()
        .expect("the mentor sees it");
    assert_eq!((seen.status, seen.amount.clone()), (PaymentStatus::Succeeded, price()));
    assert_eq!(
        (seen.card, seen.receipt_number, seen.checkout_url),
        (None, None, None),
        "the payer's details stay the payer's"
    );
    let refused = act(&db.app, mentor, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id))).await;
    assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");

    let receipt = act(&db.app, student, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id)))
        .await
        .expect("the payer's receipt");
    assert_eq!(receipt.number, receipt_number(1));
    assert_eq!(
        (receipt.amount.clone(), receipt.net.clone(), receipt.status),
        (price(), price(), PaymentStatus::Succeeded)
    );
    assert_eq!(receipt.card.as_deref(), Some("Visa ending in 4242"));
    assert_eq!(receipt.description, "Career chat");
    assert!(receipt.refunds.is_empty());

    let admin_id = user(&db.owner, site.org, "privacy-admin", "org_admin").await;
    let admin = signed_in(admin_id, site.org, Role::OrgAdmin);
    let receipt = act(&db.app, &admin, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id)))
        .await
        .expect("their administrator's copy");
    assert_eq!(receipt.number, receipt_number(1));
}

/// A partial refund (an administrator's goodwill gesture, asked for as a refunds row) goes to the
/// provider for that amount only; the payment is partly refunded, then refunded once the rest
/// follows, and the receipt's total is what was kept.
#[tokio::test]
async fn a_partial_refund_then_the_rest() {
    let site = Site::new("partial").await;
    let (db, student) = (&site.db, &site.student);
    let (booking, payment) = site.paid_session(student, at(3, 10, 0)).await;
    let ask = |amount: i64| {
        sqlx::query(
            "insert into refunds (payment_id, organization_id, user_id, amount_minor, currency, reason)
             values ($1, $2, $3, $4, 'USD', 'cancelled_by_administrator')",
        )
        .bind(payment.id)
        .bind(site.org)
        .bind(student.user_id)
        .bind(amount)
        .execute(&db.owner)
    };
    ask(2000).await.expect("a partial refund");
    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap().submitted, 1);
    assert_eq!(site.deliver().await, 1);
    let partly = site.payment(booking).await;
    assert_eq!((partly.status.as_str(), partly.refunded_minor), ("partially_refunded", 2000));
    let sent: i64 = sqlx::query_scalar("select amount_minor from sandbox.refunds").fetch_one(&db.owner).await.unwrap();
    assert_eq!(sent, 2000, "the provider refunded that much only");
    let receipt = act(&db.app, student, |tx, u| Box::pin(pay_api::receipt(tx, u, payment.id))).await.unwrap();
    assert_eq!((receipt.status, receipt.net), (PaymentStatus::PartiallyRefunded, money(PRICE_MINOR - 2000, "USD")));
    // More than what is left is refused; the rest is accepted and settles it.
    assert_eq!(sqlstate(ask(PRICE_MINOR - 2000 + 1).await), "23514");
    ask(PRICE_MINOR - 2000).await.expect("the rest");
    assert_eq!(run_once(&db.owner, &site.sandbox).await.unwrap().submitted, 1);
    assert_eq!(site.deliver().await, 1);
    let refunded = site.payment(booking).await;
    assert_eq!((refunded.status.as_str(), refunded.refunded_minor), ("refunded", PRICE_MINOR));
}
