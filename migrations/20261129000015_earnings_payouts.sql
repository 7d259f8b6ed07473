-- Mentors' earnings and payouts: where a mentor is paid (encrypted at rest with the session
-- notes' keys, shown back as the last four characters only), and the ledger every statement and
-- the administrators' revenue view are computed from (one row per payment or refund, so the
-- figures always add up to what the payments say).

create table mentor_payout_accounts (
    id               uuid primary key default gen_random_uuid(),
    mentor_id        uuid not null unique references mentors (id) on delete cascade,
    organization_id  uuid not null references organizations (id),
    kind             text not null check (kind in ('iban', 'account_number')),
    -- {"holder": "...", "account": "..."} sealed with XChaCha20-Poly1305 (app::booking::notes keys),
    -- the mentor's id as associated data, so a blob moved to another mentor does not open.
    details_ciphertext bytea not null,
    key_id           text not null check (key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    account_last4    text not null check (account_last4 ~ '^[A-Z0-9]{4}$'),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger mentor_payout_accounts_set_updated_at before update on mentor_payout_accounts
    for each row execute function set_updated_at();
create trigger mentor_payout_accounts_audit after insert or update or delete on mentor_payout_accounts
    for each row execute function audit_row_change('details_ciphertext');
alter table mentor_payout_accounts enable row level security;
alter table mentor_payout_accounts force row level security;
create policy mentor_payout_accounts_own on mentor_payout_accounts for all
    using (mentor_id in (select current_app_mentor_ids()) and organization_id = (select current_app_org_id()))
    with check (mentor_id in (select current_app_mentor_ids()) and organization_id = (select current_app_org_id()));
create policy mentor_payout_accounts_admin_read on mentor_payout_accounts for select
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
grant select, insert, update on mentor_payout_accounts to waypoint_app;

-- The ledger: each session payment that went through (gross, the platform's fee) and each refund
-- that did (negative, with the fee given back in proportion), dated when the money moved.
-- security_invoker: whoever reads it sees the rows their payments and refunds policies allow.
create view mentor_ledger with (security_invoker = true) as
    select p.id as payment_id, null::uuid as refund_id, b.mentor_id, p.organization_id, p.paid_at as at,
           'payment'::text as entry, p.currency, p.amount_minor as gross_minor, p.fee_minor,
           p.amount_minor - p.fee_minor as net_minor, b.id as booking_id
      from payments p join bookings b on b.id = p.booking_id
     where p.purpose = 'session' and p.paid_at is not null and p.deleted_at is null
    union all
    select p.id, r.id, b.mentor_id, p.organization_id, r.succeeded_at, 'refund', p.currency, -r.amount_minor,
           -((p.fee_minor * r.amount_minor * 2 + p.amount_minor) / (p.amount_minor * 2)),
           -(r.amount_minor - (p.fee_minor * r.amount_minor * 2 + p.amount_minor) / (p.amount_minor * 2)), b.id
      from refunds r join payments p on p.id = r.payment_id join bookings b on b.id = p.booking_id
     where r.status = 'succeeded';
grant select on mentor_ledger to waypoint_app;
