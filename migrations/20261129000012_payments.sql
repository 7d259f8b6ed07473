-- Payments for sessions: what a payment records, the states it may pass through, refunds as an
-- outbox the payments worker submits to the provider, webhook events applied at most once,
-- idempotency keys, receipt numbers without gaps, and the sandbox provider's own tables.
--
-- Who writes what: a student starts a checkout (their own pending payment, its amount taken from
-- the booking by a trigger). Everything after that comes in through the provider's webhook,
-- which runs with an administrator context ('admin', no user), or through the payments worker on
-- the owner's pool. A booking's status change to cancelled / declined / expired asks for the
-- refund its policy gives, in the same transaction (trigger below).

-- 1. Payments ------------------------------------------------------------------------------------
alter table payments
    add column fee_minor      bigint not null default 0 check (fee_minor >= 0),
    add column card_brand     text check (card_brand ~ '^[a-z_]{2,20}$'),
    add column card_last4     char(4) check (card_last4 ~ '^[0-9]{4}$'),
    add column checkout_url   text check (length(checkout_url) <= 2000),
    add column receipt_number text,
    add column paid_at        timestamptz,
    add constraint payments_fee_within_amount check (fee_minor <= amount_minor),
    add constraint payments_id_organization_key unique (id, organization_id);
create unique index payments_receipt_number_key on payments (receipt_number) where receipt_number is not null;
-- A booking has one payment that is not given up (a declined card is retried on the same one).
create unique index payments_one_per_booking on payments (booking_id)
    where booking_id is not null and status <> 'cancelled' and deleted_at is null;

-- Which payment states follow which. A declined attempt ('failed') may be retried with another
-- card on the same payment, so failed leads back to requires_action or succeeded.
create function payments_status_machine() returns trigger
    language plpgsql
    as $$
begin
    if new.amount_minor <> old.amount_minor or new.currency <> old.currency
       or new.booking_id is distinct from old.booking_id or new.subscription_id is distinct from old.subscription_id
       or new.user_id <> old.user_id then
        raise exception 'a payment''s amount, currency, payer and purpose never change'
            using errcode = '23514', constraint = 'payments_status_machine';
    end if;
    if new.refunded_minor < old.refunded_minor then
        raise exception 'a refund is never taken back' using errcode = '23514', constraint = 'payments_status_machine';
    end if;
    if new.status is distinct from old.status
       and not ((old.status = 'pending' and new.status in ('requires_action', 'succeeded', 'failed', 'cancelled'))
             or (old.status = 'requires_action' and new.status in ('succeeded', 'failed', 'cancelled'))
             or (old.status = 'failed' and new.status in ('requires_action', 'succeeded', 'cancelled'))
             or (old.status = 'succeeded' and new.status in ('partially_refunded', 'refunded'))
             or (old.status = 'partially_refunded' and new.status = 'refunded')) then
        raise exception 'a payment cannot go from % to %', old.status, new.status
            using errcode = '23514', constraint = 'payments_status_machine';
    end if;
    if new.status in ('refunded', 'partially_refunded') and new.refunded_minor = 0
       or new.status = 'refunded' and new.refunded_minor <> new.amount_minor
       or new.status = 'partially_refunded' and new.refunded_minor >= new.amount_minor then
        raise exception 'a % payment has refunded % of %', new.status, new.refunded_minor, new.amount_minor
            using errcode = '23514', constraint = 'payments_status_machine';
    end if;
    return new;
end
$$;
create trigger payments_status_machine before update on payments
    for each row execute function payments_status_machine();

-- A student's checkout pays what the booking costs, whatever the request said. Runs as the caller
-- (who sees their own booking), so the owner's loaders are recognised as privileged.
create function payments_fill_from_booking() returns trigger
    language plpgsql
    as $$
declare
    booked record;
begin
    if new.booking_id is null or current_role_is_privileged() then
        return new;
    end if;
    select b.price_minor, b.currency, b.student_id, b.status into booked
      from bookings b where b.id = new.booking_id and b.deleted_at is null;
    if not found or booked.student_id <> new.user_id then
        raise exception 'a session is paid for by its student' using errcode = '42501';
    end if;
    if booked.status <> 'hold' or booked.price_minor <= 0 then
        raise exception 'only a held paid session can be paid for' using errcode = '23514',
            constraint = 'payments_pay_held_booking';
    end if;
    new.amount_minor := booked.price_minor;
    new.currency := booked.currency;
    return new;
end
$$;
create trigger payments_fill_from_booking before insert on payments
    for each row execute function payments_fill_from_booking();

-- A mentor sees the payments for their sessions (amounts and state; the card's brand and last
-- four are all that is ever stored of it).
create policy payments_mentor_read on payments for select using (
    booking_id in (select b.id from bookings b where b.mentor_id in (select current_app_mentor_ids())));

-- Receipt numbers: one gapless series per calendar year, handed out when a payment succeeds.
create table receipt_counters (
    year integer primary key check (year between 2000 and 9999),
    last bigint not null check (last >= 0)
);
create function next_receipt_number(at timestamptz) returns text
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    y integer := extract(year from at at time zone 'UTC');
    n bigint;
begin
    insert into receipt_counters as c (year, last) values (y, 1)
        on conflict (year) do update set last = c.last + 1
        returning last into n;
    return format('WP-%s-%s', y, lpad(n::text, 6, '0'));
end
$$;
revoke all on function next_receipt_number(timestamptz) from public;
grant execute on function next_receipt_number(timestamptz) to waypoint_app;

-- 2. Refunds: asked for in the transaction that decides them, submitted by the worker ------------
create type refund_status as enum ('requested', 'submitted', 'succeeded', 'failed');
create table refunds (
    id               uuid primary key default gen_random_uuid(),
    payment_id       uuid not null,
    organization_id  uuid not null,
    user_id          uuid not null,
    amount_minor     bigint not null check (amount_minor > 0),
    currency         char(3) not null check (currency ~ '^[A-Z]{3}$'),
    reason           text not null check (reason in ('cancelled_by_student', 'cancelled_by_mentor',
                         'cancelled_by_administrator', 'declined', 'request_expired', 'hold_expired', 'subscription_ended')),
    status           refund_status not null default 'requested',
    provider_refund_id text,
    failure_reason   text check (length(failure_reason) <= 500),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    succeeded_at     timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    foreign key (payment_id, organization_id) references payments (id, organization_id) on update cascade,
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create index refunds_payment_id_idx on refunds (payment_id);
create index refunds_due_idx on refunds (next_attempt_at) where status = 'requested';
create unique index refunds_provider_id_key on refunds (provider_refund_id) where provider_refund_id is not null;
create trigger refunds_set_updated_at before update on refunds for each row execute function set_updated_at();
create trigger refunds_audit after insert or update or delete on refunds
    for each row execute function audit_row_change();

-- Never more refunded (or on its way) than was paid.
create function refunds_within_payment() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    paid bigint;
    asked bigint;
begin
    select amount_minor into paid from payments where id = new.payment_id for update;
    select coalesce(sum(amount_minor), 0) into asked from refunds
     where payment_id = new.payment_id and status <> 'failed' and id <> new.id;
    if asked + new.amount_minor > paid then
        raise exception 'refunds of % would exceed the % paid', asked + new.amount_minor, paid
            using errcode = '23514', constraint = 'refunds_within_payment';
    end if;
    return new;
end
$$;
create trigger refunds_within_payment before insert on refunds
    for each row execute function refunds_within_payment();

alter table refunds enable row level security;
alter table refunds force row level security;
create policy refunds_read on refunds for select using (
    (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    or payment_id in (select p.id from payments p join bookings b on b.id = p.booking_id
                       where b.mentor_id in (select current_app_mentor_ids()))
    or current_app_is_org_admin_of(organization_id)
    or (select current_app_is_platform_admin()));
create policy refunds_admin_write on refunds for all
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
grant select, insert, update on refunds to waypoint_app;

-- What a booking's ending refunds, by the policy: everything when the mentor or an administrator
-- cancels, the request is declined or nobody answered it, or the student cancels in time;
-- nothing when the student cancels inside the mentor's free-cancellation window.
create function bookings_refund_on_end() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    paid   record;
    owed   bigint;
    why    text;
begin
    if new.status = old.status or new.status not in ('cancelled', 'declined', 'expired') then
        return new;
    end if;
    select p.id, p.amount_minor, p.currency, p.user_id, p.organization_id into paid
      from payments p
     where p.booking_id = new.id and p.status in ('succeeded', 'partially_refunded') and p.deleted_at is null
       for update;
    if not found then
        return new;
    end if;
    why := case
        when new.status = 'declined' then 'declined'
        when new.status = 'expired' and old.status = 'hold' then 'hold_expired'
        when new.status = 'expired' then 'request_expired'
        when new.cancelled_by = 'mentor' then 'cancelled_by_mentor'
        when new.cancelled_by = 'administrator' then 'cancelled_by_administrator'
        else 'cancelled_by_student' end;
    if why = 'cancelled_by_student' and new.cancelled_late then
        return new;
    end if;
    select paid.amount_minor - coalesce(sum(r.amount_minor), 0) into owed
      from refunds r where r.payment_id = paid.id and r.status <> 'failed';
    if owed > 0 then
        insert into refunds (payment_id, organization_id, user_id, amount_minor, currency, reason)
        values (paid.id, paid.organization_id, paid.user_id, owed, paid.currency, why);
    end if;
    return new;
end
$$;
create trigger bookings_refund_on_end after update of status on bookings
    for each row execute function bookings_refund_on_end();

-- A paid session is confirmed (or sent to the mentor for approval) only once its payment has
-- succeeded: the webhook confirms it in the payment's transaction. Runs as the caller: the
-- student sees their own payments, the webhook's administrator context every payment.
create function bookings_paid_before_confirming() returns trigger
    language plpgsql
    as $$
begin
    if old.status = 'hold' and new.status in ('pending', 'confirmed') and old.price_minor > 0
       and not current_role_is_privileged()
       and not exists (select 1 from payments p where p.booking_id = old.id and p.status = 'succeeded'
                                                 and p.deleted_at is null) then
        raise exception 'a paid session is confirmed by its payment' using errcode = '23514',
            constraint = 'bookings_paid_before_confirming';
    end if;
    return new;
end
$$;
create trigger bookings_paid_before_confirming before update of status on bookings
    for each row execute function bookings_paid_before_confirming();

-- 3. Webhook events, applied at most once --------------------------------------------------------
create table payment_events (
    provider     text not null check (provider in ('sandbox', 'stripe')),
    event_id     text not null check (length(event_id) between 1 and 255),
    event_type   text not null check (length(event_type) between 1 and 100),
    payload      jsonb not null,
    received_at  timestamptz not null default now(),
    primary key (provider, event_id)
);
alter table payment_events enable row level security;
alter table payment_events force row level security;
create policy payment_events_admin on payment_events for all
    using ((select current_app_is_platform_admin())) with check ((select current_app_is_platform_admin()));
grant select, insert on payment_events to waypoint_app;

-- 4. Idempotency keys: the same key with the same request replays the first answer -------------
create table idempotency_keys (
    user_id      uuid not null references users (id) on delete cascade,
    key          uuid not null,
    request_hash bytea not null check (length(request_hash) = 32),
    response     jsonb,
    created_at   timestamptz not null default now(),
    primary key (user_id, key)
);
create index idempotency_keys_created_at_idx on idempotency_keys (created_at);
alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;
create policy idempotency_keys_owner on idempotency_keys for all
    using (user_id = (select current_app_user_id())) with check (user_id = (select current_app_user_id()));
grant select, insert, update on idempotency_keys to waypoint_app;

-- 5. The sandbox provider: another company's books, which the application role cannot read --------
-- It plays a card processor: payment intents with test cards, refunds, and the events it owes our
-- webhook endpoint (delivered, signed, by its own worker until acknowledged).
create schema sandbox;
revoke all on schema sandbox from public;
create table sandbox.payment_intents (
    id               text primary key,
    amount_minor     bigint not null check (amount_minor > 0),
    currency         char(3) not null,
    description      text not null,
    merchant_reference text not null,
    return_url       text not null,
    cancel_url       text not null default '',
    status           text not null check (status in ('requires_payment_method', 'requires_action', 'succeeded', 'canceled')),
    card_brand       text,
    card_last4       char(4),
    last_error       text,
    -- Keep the card for charges without the cardholder (sandbox.cards).
    save_card        boolean not null default false,
    card_id          text,
    card_number      text,
    idempotency_key  text not null unique,
    request_hash     bytea not null,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
-- Cards kept for later charges; the sandbox remembers the test number to know how it behaves.
create table sandbox.cards (
    id               text primary key,
    number           text not null,
    brand            text not null,
    last4            char(4) not null,
    created_at       timestamptz not null default now()
);
create table sandbox.refunds (
    id               text primary key,
    payment_intent_id text not null references sandbox.payment_intents (id),
    amount_minor     bigint not null check (amount_minor > 0),
    idempotency_key  text not null unique,
    request_hash     bytea not null,
    created_at       timestamptz not null default now()
);
create table sandbox.events (
    id               text primary key,
    event_type       text not null,
    body             text not null,
    created_at       timestamptz not null default now(),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    delivered_at     timestamptz,
    last_error       text
);
create index sandbox_events_due_idx on sandbox.events (next_attempt_at) where delivered_at is null;
