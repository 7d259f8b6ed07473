//! The bodies of the earnings, payouts and revenue server functions.

use crate::booking::api::ssr::bookings::note_keys;
use crate::db::{SignedIn, Tx};
use crate::error::AppError;
use crate::payments::domain::money;
use crate::payments::earnings::{Earnings, LedgerLine, MonthStatement, PayoutAccountView, PayoutDetails, PayoutKind, RevenueRow};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The caller's mentor listing, or a clear refusal for someone who isn't a mentor.
async fn own_mentor(tx: &mut Tx, user: &SignedIn) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("select id from mentors where user_id = $1 and deleted_at is null", user.user_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::Conflict("Earnings are for mentors: apply to become one from your account.".into()))
}

/// See [`super::super::save_payout_account`].
pub async fn save_payout_account(tx: &mut Tx, user: &SignedIn, holder: String, account: String) -> Result<PayoutAccountView, AppError> {
    let mentor = own_mentor(tx, user).await?;
    let details = PayoutDetails::parse(&holder, &account).map_err(AppError::Invalid)?;
    let plaintext = serde_json::json!({ "holder": details.holder, "account": details.account }).to_string();
    let (key_id, sealed) = note_keys()?.try_encrypt(&plaintext, mentor.as_bytes()).map_err(|error| {
        tracing::error!(%error, "sealing payout details failed");
        AppError::Internal
    })?;
    let row = sqlx::query!(
        r#"insert into mentor_payout_accounts (mentor_id, organization_id, kind, details_ciphertext, key_id, account_last4)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (mentor_id) do update set kind = excluded.kind, details_ciphertext = excluded.details_ciphertext,
                                                  key_id = excluded.key_id, account_last4 = excluded.account_last4
           returning updated_at as "updated_at: DateTime<Utc>""#,
        mentor,
        user.org_id,
        details.kind.as_str(),
        sealed,
        key_id,
        details.last4()
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(PayoutAccountView { kind: details.kind, last4: details.last4().to_string(), updated_at: row.updated_at })
}

/// See [`super::super::my_earnings`].
pub async fn earnings(tx: &mut Tx, user: &SignedIn) -> Result<Earnings, AppError> {
    let payments = crate::db::payments()?;
    let mentor = own_mentor(tx, user).await?;
    let payout_account = sqlx::query!(
        r#"select kind, account_last4, updated_at as "updated_at: DateTime<Utc>" from mentor_payout_accounts where mentor_id = $1"#,
        mentor
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|row| PayoutAccountView {
        kind: if row.kind == "iban" { PayoutKind::Iban } else { PayoutKind::AccountNumber },
        last4: row.account_last4,
        updated_at: row.updated_at,
    });
    let statements = sqlx::query!(
        r#"select to_char(l.at at time zone 'UTC', 'YYYY-MM') as "month!", l.currency as "currency!",
                  count(*) filter (where l.entry = 'payment') as "sessions!",
                  coalesce(sum(l.gross_minor) filter (where l.entry = 'payment'), 0)::bigint as "gross!",
                  coalesce(-sum(l.gross_minor) filter (where l.entry = 'refund'), 0)::bigint as "refunds!",
                  coalesce(sum(l.fee_minor), 0)::bigint as "fees!", coalesce(sum(l.net_minor), 0)::bigint as "net!"
             from mentor_ledger l where l.mentor_id = $1
            group by 1, 2 order by 1 desc, 2"#,
        mentor
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|row| MonthStatement {
        gross: money(row.gross, &row.currency),
        refunds: money(row.refunds, &row.currency),
        fees: money(row.fees, &row.currency),
        net: money(row.net, &row.currency),
        month: row.month,
        currency: row.currency,
        sessions: row.sessions,
    })
    .collect();
    let ledger = sqlx::query!(
        r#"select l.at as "at!: DateTime<Utc>", l.entry as "entry!", l.booking_id as "booking_id!", l.currency as "currency!",
                  l.gross_minor as "gross!", l.fee_minor as "fee!", l.net_minor as "net!",
                  coalesce(st.title, 'Session') || ' with ' || coalesce(u.first_name || ' ' || u.last_name, 'a student') as "description!"
             from mentor_ledger l
             join bookings b on b.id = l.booking_id
             left join mentor_session_types st on st.id = b.session_type_id
             left join users u on u.id = b.student_id
            where l.mentor_id = $1 order by l.at desc limit 500"#,
        mentor
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|row| LedgerLine {
        at: row.at,
        entry: if row.entry == "refund" { "Refund".into() } else { "Payment".into() },
        booking_id: row.booking_id,
        description: row.description,
        gross: money(row.gross, &row.currency),
        fee: money(row.fee, &row.currency),
        net: money(row.net, &row.currency),
    })
    .collect();
    let bps = payments.fee.basis_points();
    Ok(Earnings { payout_account, statements, ledger, fee_percent: format!("{}.{:02} %", bps / 100, bps % 100) })
}

/// See [`super::super::revenue`]: per organization and month, newest first (row-level security
/// keeps an organization administrator to their own).
pub async fn revenue(tx: &mut Tx) -> Result<Vec<RevenueRow>, AppError> {
    let rows = sqlx::query!(
        r#"with moves as (
               select p.organization_id, p.paid_at as at, p.currency, p.purpose, p.amount_minor as amount, p.fee_minor as fee, 1 as paid
                 from payments p where p.paid_at is not null and p.deleted_at is null
               union all
               select p.organization_id, r.succeeded_at, p.currency, p.purpose, -r.amount_minor,
                      -((p.fee_minor * r.amount_minor * 2 + p.amount_minor) / (p.amount_minor * 2)), 0
                 from refunds r join payments p on p.id = r.payment_id where r.status = 'succeeded')
           select o.name as organization, to_char(m.at at time zone 'UTC', 'YYYY-MM') as "month!", m.currency as "currency!",
                  coalesce(sum(m.paid) filter (where m.purpose = 'session'), 0)::bigint as "session_payments!",
                  coalesce(sum(m.amount) filter (where m.purpose = 'session' and m.paid = 1), 0)::bigint as "gross!",
                  coalesce(-sum(m.amount) filter (where m.purpose = 'session' and m.paid = 0), 0)::bigint as "refunds!",
                  coalesce(sum(m.fee) filter (where m.purpose = 'session'), 0)::bigint as "fees!",
                  coalesce(sum(m.amount) filter (where m.purpose <> 'session'), 0)::bigint as "subscriptions!"
             from moves m join organizations o on o.id = m.organization_id
            group by o.name, 2, 3 order by 2 desc, o.name, 3"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RevenueRow {
            sessions_gross: money(row.gross, &row.currency),
            refunds: money(row.refunds, &row.currency),
            platform_fees: money(row.fees, &row.currency),
            subscriptions: money(row.subscriptions, &row.currency),
            organization: row.organization,
            month: row.month,
            currency: row.currency,
            session_payments: row.session_payments,
        })
        .collect())
}
