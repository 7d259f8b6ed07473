//! Mentors' earnings and payouts, and the administrators' revenue, against a real PostgreSQL:
//! the server-function bodies (`app::payments::api::earnings`) on a site with payments wired
//! (`payments::Site`), sessions paid and refunded through the sandbox, and the revenue server
//! function called over HTTP behind its administrator gate.

use crate::booking::{act, at, conflict, crowd, listing, organization, owner_booking, signed_in, PRICE_MINOR};
use crate::fixtures::{as_ctx, sqlstate, user};
use crate::payments::Site;
use crate::web::{form, Reply};
use app::booking::api::ssr::bookings;
use app::booking::notes::NoteKeys;
use app::db::{Body, SignedIn, Tx};
use app::domain::Role;
use app::error::AppError;
use app::payments::api::earnings as earn;
use app::payments::domain::money;
use app::payments::earnings::{PayoutKind, RevenueRow};
use app::payments::worker;
use axum::body::Body as HttpBody;
use axum::http::{header, Request, StatusCode};
use leptos::prelude::ScopedFuture;
use uuid::Uuid;

const IBAN: &str = "GB82 WEST 1234 5698 7654 32";
const PASSWORD: &str = "a long enough passphrase 42";

fn install_keys() {
    bookings::install_note_keys(NoteKeys::parse(&NoteKeys::generate()).expect("generated keys parse"));
}

async fn call<T>(
    site: &Site,
    user: &SignedIn,
    work: impl for<'a> FnOnce(&'a mut Tx, &'a SignedIn) -> Body<'a, T>,
) -> Result<T, AppError> {
    let future = act(&site.db.app, user, work);
    site.context.with(|| ScopedFuture::new_untracked(future)).await
}

async fn save(site: &Site, user: &SignedIn, holder: &str, account: &str) -> Result<app::payments::earnings::PayoutAccountView, AppError> {
    let (holder, account) = (holder.to_string(), account.to_string());
    call(site, user, move |tx, u| Box::pin(earn::save_payout_account(tx, u, holder, account))).await
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// One session paid and kept, one paid and refunded in full (the mentor cancelled).
async fn one_paid_one_refunded(site: &Site) -> (Uuid, Uuid) {
    let (kept, _) = site.paid_session(&site.student, at(3, 10, 0)).await;
    let (refunded, payment) = site.paid_session(&site.other, at(3, 14, 0)).await;
    act(&site.db.app, &site.mentor, |tx, u| Box::pin(bookings::cancel(tx, u, refunded, "I'm unwell that day".into())))
        .await
        .expect("the mentor cancels");
    assert_eq!(worker::run_once(&site.db.owner, &site.sandbox).await.unwrap().submitted, 1);
    assert_eq!(site.deliver().await, 1);
    assert_eq!(site.payment(refunded).await.refunded_minor, PRICE_MINOR);
    assert_eq!(site.refunds(payment.id).await.len(), 1);
    (kept, refunded)
}

/// Payout details are checked before anything is kept: a typo'd IBAN is refused by its field;
/// someone who isn't a mentor is told earnings are for mentors.
#[tokio::test]
async fn a_typod_iban_or_a_non_mentor_is_refused() {
    install_keys();
    let site = Site::new("payout-check").await;
    match save(&site, &site.mentor, "Amara Okafor", "GB82 WEST 1234 5698 7654 33").await {
        Err(AppError::Invalid(errors)) => assert_eq!(
            errors.field("account"),
            Some("This IBAN's check digits don't match: check it for a typo.")
        ),
        other => panic!("expected the account refused, got {other:?}"),
    }
    match save(&site, &site.mentor, "A", "GB82 WEST").await {
        Err(AppError::Invalid(errors)) => assert!(errors.field("holder").is_some() && errors.field("account").is_some()),
        other => panic!("expected both fields refused, got {other:?}"),
    }
    assert_eq!(site.count("select count(*) from mentor_payout_accounts").await, 0, "nothing kept");
    conflict(save(&site, &site.student, "Sam Student", IBAN).await, "Earnings are for mentors");
}

/// Where a mentor is paid is sealed at rest (not a byte of the account number in the row or its
/// audit trail), shown back as its last four characters, checked before it is kept, and nobody
/// else's to read.
#[tokio::test]
async fn payout_details_are_sealed_checked_and_private() {
    install_keys();
    let site = Site::new("payout").await;
    let mentor = &site.mentor;
    let saved = save(&site, mentor, "Amara Okafor", IBAN).await.expect("saved");
    assert_eq!((saved.kind, saved.last4.as_str()), (PayoutKind::Iban, "5432"));

    let (kind, sealed, last4, key_id): (String, Vec<u8>, String, String) = sqlx::query_as(
        "select kind, details_ciphertext, account_last4, key_id from mentor_payout_accounts where mentor_id = $1",
    )
    .bind(site.listing.mentor)
    .fetch_one(&site.db.owner)
    .await
    .expect("the stored row");
    assert_eq!((kind.as_str(), last4.as_str()), ("iban", "5432"));
    assert!(!key_id.is_empty());
    for secret in ["GB82WEST12345698765432", "12345698765432", "GB82 WEST", "WEST1234", "Amara Okafor"] {
        assert!(!contains(&sealed, secret.as_bytes()), "the ciphertext shows {secret:?}");
    }
    let audit: Vec<String> = sqlx::query_scalar(
        "select coalesce(new_data::text, '') || coalesce(old_data::text, '') from audit_log where table_name = 'mentor_payout_accounts'",
    )
    .fetch_all(&site.db.owner)
    .await
    .unwrap();
    assert!(!audit.is_empty(), "the change is audited");
    assert!(audit.iter().all(|row| !row.contains("details_ciphertext") && !row.contains("12345698765432")), "{audit:?}");

    // A typo: refused by field, nothing changed.
    match save(&site, mentor, "Amara Okafor", "GB82 WEST 1234 5698 7654 33").await {
        Err(AppError::Invalid(errors)) => assert_eq!(
            errors.field("account"),
            Some("This IBAN's check digits don't match: check it for a typo.")
        ),
        other => panic!("expected the account refused, got {other:?}"),
    }
    let still: String = sqlx::query_scalar("select account_last4 from mentor_payout_accounts where mentor_id = $1")
        .bind(site.listing.mentor)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!(still, "5432");
    // Another account replaces it.
    let changed = save(&site, mentor, "Amara Okafor", "0123-4567-89").await.expect("an account number");
    assert_eq!((changed.kind, changed.last4.as_str()), (PayoutKind::AccountNumber, "6789"));
    let earnings = call(&site, mentor, |tx, u| Box::pin(earn::earnings(tx, u))).await.expect("earnings");
    assert_eq!(earnings.payout_account.map(|a| (a.kind, a.last4)), Some((PayoutKind::AccountNumber, "6789".to_string())));

    // Another mentor of the same organization: can't read it, can't write it.
    let second = listing(&site.db.owner, site.org, "payout-mentor2", "organization").await;
    let other_mentor = signed_in(second.mentor_user, site.org, Role::Mentor);
    let mut tx = as_ctx(&site.db.app, other_mentor.ctx()).await;
    let seen: i64 = sqlx::query_scalar("select count(*) from mentor_payout_accounts").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0, "another mentor sees nothing");
    let overwritten = sqlx::query("update mentor_payout_accounts set account_last4 = 'XXXX' where mentor_id = $1")
        .bind(site.listing.mentor)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(overwritten.rows_affected(), 0);
    drop(tx);
    let mut tx = as_ctx(&site.db.app, other_mentor.ctx()).await;
    let planted = sqlx::query(
        "insert into mentor_payout_accounts (mentor_id, organization_id, kind, details_ciphertext, key_id, account_last4)
         values ($1, $2, 'iban', '\\x00', 'k1', 'ABCD')",
    )
    .bind(site.listing.mentor)
    .bind(site.org)
    .execute(&mut *tx)
    .await;
    assert_eq!(sqlstate(planted), "42501", "not for someone else's listing");
    drop(tx);
    // Nor a student.
    let mut tx = as_ctx(&site.db.app, site.student.ctx()).await;
    let seen: i64 = sqlx::query_scalar("select count(*) from mentor_payout_accounts").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(seen, 0);
    drop(tx);
    conflict(save(&site, &site.student, "Sam Student", IBAN).await, "Earnings are for mentors");
}

/// A month's statement adds up: what was paid, what went back, the platform's share (given
/// back with a refund) and what the mentor keeps; a session refunded in full earns nothing.
#[tokio::test]
async fn a_mentors_statement_adds_up_after_a_refund() {
    install_keys();
    let site = Site::new("statement").await;
    let (kept, refunded) = one_paid_one_refunded(&site).await;
    let fee = PRICE_MINOR / 10;

    let earnings = call(&site, &site.mentor, |tx, u| Box::pin(earn::earnings(tx, u))).await.expect("earnings");
    assert_eq!(earnings.fee_percent, "10.00 %");
    assert_eq!(earnings.payout_account, None);
    assert_eq!(earnings.statements.len(), 1, "{:?}", earnings.statements);
    let month = &earnings.statements[0];
    assert_eq!(month.month, chrono::Utc::now().format("%Y-%m").to_string());
    assert_eq!((month.currency.as_str(), month.sessions), ("USD", 2));
    let (gross, refunds, fees, net) = (2 * PRICE_MINOR, PRICE_MINOR, 2 * fee - fee, 2 * (PRICE_MINOR - fee) - (PRICE_MINOR - fee));
    assert_eq!(gross - refunds - fees, net, "the figures add up");
    assert_eq!(
        (month.gross.clone(), month.refunds.clone(), month.fees.clone(), month.net.clone()),
        (money(gross, "USD"), money(refunds, "USD"), money(fees, "USD"), money(net, "USD"))
    );
    assert_eq!(earnings.ledger.len(), 3, "{:?}", earnings.ledger);
    let lines = |booking: Uuid| earnings.ledger.iter().filter(|line| line.booking_id == booking).collect::<Vec<_>>();
    assert_eq!(lines(kept).len(), 1);
    assert_eq!((lines(kept)[0].entry.as_str(), lines(kept)[0].net.clone()), ("Payment", money(PRICE_MINOR - fee, "USD")));
    let mut refunded_lines = lines(refunded);
    refunded_lines.sort_by_key(|line| line.entry.clone());
    assert_eq!(
        refunded_lines.iter().map(|l| (l.entry.as_str(), l.gross.clone(), l.fee.clone(), l.net.clone())).collect::<Vec<_>>(),
        [
            ("Payment", money(PRICE_MINOR, "USD"), money(fee, "USD"), money(PRICE_MINOR - fee, "USD")),
            ("Refund", money(-PRICE_MINOR, "USD"), money(-fee, "USD"), money(-(PRICE_MINOR - fee), "USD")),
        ]
    );
    // What the mentor's own transaction reads of the ledger: the refunded session nets nothing.
    let mut tx = as_ctx(&site.db.app, site.mentor.ctx()).await;
    let (rows, refunded_net): (i64, i64) = sqlx::query_as(
        "select count(*), coalesce(sum(net_minor) filter (where booking_id = $1), 0)::bigint from mentor_ledger",
    )
    .bind(refunded)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!((rows, refunded_net), (3, 0));
    drop(tx);

    // Not a mentor: a clear answer.
    conflict(call(&site, &site.student, |tx, u| Box::pin(earn::earnings(tx, u))).await, "Earnings are for mentors");
    // Another mentor's statement is empty.
    let second = listing(&site.db.owner, site.org, "statement-mentor2", "organization").await;
    let other_mentor = signed_in(second.mentor_user, site.org, Role::Mentor);
    let theirs = call(&site, &other_mentor, |tx, u| Box::pin(earn::earnings(tx, u))).await.unwrap();
    assert!(theirs.statements.is_empty() && theirs.ledger.is_empty(), "{theirs:?}");
}

/// Signs in over HTTP on the site and returns the session cookie.
async fn sign_in(site: &Site, username: &str) -> String {
    let reply = post(site, "sign_in", &[("identifier", username), ("password", PASSWORD)], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.session_cookie().expect("a session")
}

async fn post(site: &Site, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::HOST, &site.host)
        .header(header::ORIGIN, &site.url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
    }
    Reply::send(site.router.clone(), request.body(HttpBody::from(form(fields))).unwrap()).await
}

/// Revenue per organization and month: an organization's administrator sees theirs only, the
/// platform's administrator everyone's; nobody else gets in.
#[tokio::test]
async fn revenue_is_for_administrators_each_seeing_their_own() {
    install_keys();
    let site = Site::new("revenue").await;
    one_paid_one_refunded(&site).await;
    // A subscription payment in this organization.
    let subscription: Uuid = sqlx::query_scalar(
        "insert into subscriptions (user_id, organization_id, plan_code, status, price_minor, current_period_start, current_period_end)
         values ($1, $2, 'plus-monthly', 'active', 900, now(), now() + interval '1 month') returning id",
    )
    .bind(site.other.user_id)
    .bind(site.org)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    sqlx::query(
        "insert into payments (user_id, organization_id, subscription_id, purpose, amount_minor, currency, status, paid_at)
         values ($1, $2, $3, 'subscription_start', 900, 'USD', 'succeeded', now())",
    )
    .bind(site.other.user_id)
    .bind(site.org)
    .bind(subscription)
    .execute(&site.db.owner)
    .await
    .unwrap();
    // Another organization's session payment.
    let elsewhere = organization(&site.db.owner, "elsewhere").await;
    let their_listing = listing(&site.db.owner, elsewhere, "elsewhere-mentor", "organization").await;
    let their_student = crowd(&site.db.owner, elsewhere, "elsewhere-student", 1).await[0];
    let booking = owner_booking(&site.db.owner, &their_listing, their_student, "confirmed", at(5, 10, 0)).await;
    sqlx::query(
        "insert into payments (user_id, organization_id, booking_id, amount_minor, fee_minor, currency, status, paid_at)
         values ($1, $2, $3, $4, $5, 'USD', 'succeeded', now())",
    )
    .bind(their_student)
    .bind(elsewhere)
    .bind(booking)
    .bind(PRICE_MINOR)
    .bind(PRICE_MINOR / 10)
    .execute(&site.db.owner)
    .await
    .unwrap();

    let org_admin = user(&site.db.owner, site.org, "revenue-admin", "org_admin").await;
    let platform_admin = user(&site.db.owner, elsewhere, "platform-admin", "admin").await;
    let hash = app::accounts::password::hash(PASSWORD).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&site.db.owner).await.unwrap();
    let student_name: String = sqlx::query_scalar("select username from users where id = $1")
        .bind(site.student.user_id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let _ = (org_admin, platform_admin);

    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let cookie = sign_in(&site, "revenue-admin").await;
    let rows: Vec<RevenueRow> = post(&site, "revenue", &[], Some(&cookie)).await.json();
    assert_eq!(
        rows,
        [RevenueRow {
            organization: "revenue".into(),
            month: month.clone(),
            currency: "USD".into(),
            session_payments: 2,
            sessions_gross: money(2 * PRICE_MINOR, "USD"),
            refunds: money(PRICE_MINOR, "USD"),
            platform_fees: money(PRICE_MINOR / 10, "USD"),
            subscriptions: money(900, "USD"),
        }],
        "their organization only"
    );

    let cookie = sign_in(&site, "platform-admin").await;
    let rows: Vec<RevenueRow> = post(&site, "revenue", &[], Some(&cookie)).await.json();
    let organizations: Vec<&str> = rows.iter().map(|row| row.organization.as_str()).collect();
    assert_eq!(organizations, ["elsewhere", "revenue"], "every organization: {rows:?}");
    assert_eq!(rows[0].sessions_gross, money(PRICE_MINOR, "USD"));

    let cookie = sign_in(&site, &student_name).await;
    let refused = post(&site, "revenue", &[], Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.error(), AppError::Forbidden);
    let mentor_name: String = sqlx::query_scalar("select username from users where id = $1")
        .bind(site.mentor.user_id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let cookie = sign_in(&site, &mentor_name).await;
    assert_eq!(post(&site, "revenue", &[], Some(&cookie)).await.error(), AppError::Forbidden);
    let anonymous = post(&site, "revenue", &[], None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.error(), AppError::Unauthenticated);
}
