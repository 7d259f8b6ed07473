-- Plans and subscriptions: Free, Plus and Pro, monthly or yearly, with the entitlements the server
-- enforces; a 14-day trial without a card; renewals by the subscriptions worker (which survives
-- restarts and never charges a period twice: one payment per subscription and period, charged
-- with an idempotency key per attempt); failed renewals past_due with retries, then cancelled;
-- cancel now or at the period's end; plan changes prorated to the second.

-- 1. Plans (reference data: the same for every organization) -----------------------------------
create table plans (
    code             text primary key check (code ~ '^[a-z0-9_-]{2,40}$'),
    tier             text not null check (tier in ('free', 'plus', 'pro')),
    name             text not null check (length(btrim(name)) between 2 and 60),
    billing_interval text not null check (billing_interval in ('month', 'year')),
    price_minor      bigint not null check (price_minor >= 0),
    currency         char(3) not null check (currency ~ '^[A-Z]{3}$'),
    trial_days       integer not null default 0 check (trial_days between 0 and 60),
    -- {"session_discount_percent": 0-100, "roadmaps": n or null for unlimited,
    --  "mentor_messages": true/false}
    entitlements     jsonb not null check (jsonb_typeof(entitlements) = 'object'),
    position         integer not null,
    active           boolean not null default true,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create trigger plans_set_updated_at before update on plans for each row execute function set_updated_at();
grant select on plans to waypoint_app;
insert into plans (code, tier, name, billing_interval, price_minor, currency, trial_days, entitlements, position) values
    ('free', 'free', 'Free', 'month', 0, 'USD', 0, '{"session_discount_percent": 0, "roadmaps": 1}', 1),
    ('plus-monthly', 'plus', 'Plus', 'month', 900, 'USD', 14, '{"session_discount_percent": 10, "roadmaps": 5}', 2),
    ('plus-yearly', 'plus', 'Plus', 'year', 9000, 'USD', 14, '{"session_discount_percent": 10, "roadmaps": 5}', 3),
    ('pro-monthly', 'pro', 'Pro', 'month', 1900, 'USD', 14, '{"session_discount_percent": 20, "roadmaps": null}', 4),
    ('pro-yearly', 'pro', 'Pro', 'year', 19000, 'USD', 14, '{"session_discount_percent": 20, "roadmaps": null}', 5);

-- 2. Subscriptions ---------------------------------------------------------------------------------
alter table subscriptions
    add column trial_ends_at    timestamptz,
    add column card_reference   text check (length(card_reference) <= 255),
    add column card_brand       text check (card_brand ~ '^[a-z_]{2,20}$'),
    add column card_last4       char(4) check (card_last4 ~ '^[0-9]{4}$'),
    -- What a downgrade left over, taken off the next renewals.
    add column credit_minor     bigint not null default 0 check (credit_minor >= 0),
    add column renewal_attempts integer not null default 0 check (renewal_attempts >= 0),
    add column next_attempt_at  timestamptz,
    add column ended_at         timestamptz,
    add constraint subscriptions_plan_fkey foreign key (plan_code) references plans (code);
create index subscriptions_due_idx on subscriptions (current_period_end)
    where status in ('incomplete', 'trialing', 'active', 'past_due');

-- What each payment of a subscription is for, and the period a renewal pays. A period is paid
-- once: the renewal's payment is unique per subscription and period start.
alter table payments
    add column purpose text not null default 'session'
        check (purpose in ('session', 'subscription_start', 'renewal', 'proration')),
    add column period_start timestamptz,
    add constraint payments_purpose_matches check ((purpose = 'session') = (booking_id is not null)),
    add constraint payments_renewal_has_period check ((purpose = 'renewal') = (period_start is not null));
create unique index payments_one_per_period on payments (subscription_id, period_start)
    where purpose = 'renewal' and deleted_at is null;
-- A subscription's first period has one checkout (a declined card is retried on it).
create unique index payments_one_start_per_subscription on payments (subscription_id)
    where purpose = 'subscription_start' and status <> 'cancelled' and deleted_at is null;

-- Which states follow which (everyone, the owner included).
create function subscriptions_status_machine() returns trigger
    language plpgsql
    as $$
begin
    if new.status is distinct from old.status
       and not ((old.status = 'incomplete' and new.status in ('active', 'expired', 'cancelled'))
             or (old.status = 'trialing' and new.status in ('active', 'past_due', 'cancelled', 'expired'))
             or (old.status = 'active' and new.status in ('past_due', 'cancelled'))
             or (old.status = 'past_due' and new.status in ('active', 'cancelled'))) then
        raise exception 'a subscription cannot go from % to %', old.status, new.status
            using errcode = '23514', constraint = 'subscriptions_status_machine';
    end if;
    if new.user_id <> old.user_id or new.organization_id <> old.organization_id then
        raise exception 'a subscription keeps its subscriber' using errcode = '23514',
            constraint = 'subscriptions_status_machine';
    end if;
    return new;
end
$$;
create trigger subscriptions_status_machine before update on subscriptions
    for each row execute function subscriptions_status_machine();

-- What a subscriber may do to their own subscription (subscriptions_guard, below, says how).
create policy subscriptions_owner_start on subscriptions for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and status in ('trialing', 'incomplete'));
create policy subscriptions_owner_cancel on subscriptions for update
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));

-- A subscriber starts the payment of their own subscription's first period.
drop policy payments_owner_create on payments;
create policy payments_owner_create on payments for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and status = 'pending' and refunded_minor = 0
    and purpose in ('session', 'subscription_start'));

-- 3. Entitlements the database enforces: a session's price after the subscriber's discount -------
-- The plan of a person's live subscription (trialing, active or past_due), else Free.
create function current_plan_of(person uuid) returns text
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select coalesce((select s.plan_code from subscriptions s
                          where s.user_id = person and s.status in ('trialing', 'active', 'past_due')
                            and s.deleted_at is null), 'free')
    $$;
revoke all on function current_plan_of(uuid) from public;
grant execute on function current_plan_of(uuid) to waypoint_app;

-- What `person` pays for a session listed at `price`: their plan's discount, rounded half up in
-- their favour's opposite (the discount is rounded down to the minor unit).
create function session_price_for(person uuid, price bigint) returns bigint
    language sql stable
    as $$
        select price - (price * coalesce((p.entitlements->>'session_discount_percent')::integer, 0)) / 100
          from plans p where p.code = current_plan_of(person)
    $$;
grant execute on function session_price_for(uuid, bigint) to waypoint_app;

create or replace function payments_fill_from_booking() returns trigger
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
    new.amount_minor := session_price_for(new.user_id, booked.price_minor);
    new.currency := booked.currency;
    return new;
end
$$;

-- A subscription's first payment is the plan's price, paid by its subscriber.
create function payments_fill_from_subscription() returns trigger
    language plpgsql
    as $$
declare
    sub record;
begin
    if new.subscription_id is null or current_role_is_privileged() or current_app_is_platform_admin() then
        return new;
    end if;
    select s.user_id, s.price_minor, s.currency, s.status into sub from subscriptions s where s.id = new.subscription_id;
    if not found or sub.user_id <> new.user_id then
        raise exception 'a subscription is paid for by its subscriber' using errcode = '42501';
    end if;
    if sub.status not in ('incomplete', 'trialing') then
        raise exception 'only a new subscription or a trial is paid for at checkout' using errcode = '23514',
            constraint = 'payments_pay_new_subscription';
    end if;
    new.amount_minor := sub.price_minor;
    new.currency := sub.currency;
    return new;
end
$$;
create trigger payments_fill_from_subscription before insert on payments
    for each row execute function payments_fill_from_subscription();

-- 4. Plan changes: asked for by the subscriber, made by the subscriptions worker ------------------
-- The worker prorates at the moment it makes the change (to the second), charges the kept card
-- when the difference is owed (with an idempotency key per request) or keeps it as credit.
alter table subscriptions
    add column pending_plan_code text references plans (code),
    add column plan_change_requested_at timestamptz;
create index subscriptions_plan_change_idx on subscriptions (plan_change_requested_at) where pending_plan_code is not null;

-- A subscriber starts a trial or a subscription awaiting payment on an active plan, at the plan's
-- price, once per person for a trial; they may cancel (now, or at the period's end, and take that
-- back) and ask for another plan. Everything else comes through the provider's webhook or the
-- worker. Runs as the caller, so the owner's loaders are recognised as privileged.
create function subscriptions_guard() returns trigger
    language plpgsql
    as $$
declare
    plan record;
    changed text[];
begin
    if current_role_is_privileged() or current_app_is_platform_admin() or current_app_is_org_admin_of(new.organization_id) then
        return new;
    end if;
    if tg_op = 'INSERT' then
        select * into plan from plans where code = new.plan_code and active;
        if not found or plan.price_minor = 0 then
            raise exception 'choose a paid plan that is offered' using errcode = '23514', constraint = 'subscriptions_plan_offered';
        end if;
        if new.status = 'trialing' then
            if plan.trial_days = 0 or exists (select 1 from subscriptions s where s.user_id = new.user_id and s.trial_ends_at is not null) then
                raise exception 'a free trial is once per person' using errcode = '23514', constraint = 'subscriptions_one_trial';
            end if;
            new.trial_ends_at := now() + make_interval(days => plan.trial_days);
            new.current_period_start := now();
            new.current_period_end := new.trial_ends_at;
        elsif new.status = 'incomplete' then
            new.trial_ends_at := null;
            new.current_period_start := now();
            new.current_period_end := now() + interval '1 day';
        else
            raise exception 'a subscription starts as a trial or awaiting its payment' using errcode = '42501';
        end if;
        new.price_minor := plan.price_minor;
        new.currency := plan.currency;
        new.card_reference := null;
        new.credit_minor := 0;
        new.cancel_at_period_end := false;
        new.pending_plan_code := null;
        new.plan_change_requested_at := null;
        return new;
    end if;
    changed := array(select c from unnest(changed_columns(to_jsonb(old), to_jsonb(new))) c
                      where c not in ('cancel_at_period_end', 'status', 'cancelled_at', 'ended_at', 'updated_at',
                                      'pending_plan_code', 'plan_change_requested_at'));
    if cardinality(changed) > 0 then
        raise exception 'a subscriber cannot change their subscription''s %', array_to_string(changed, ', ')
            using errcode = '42501';
    end if;
    if new.status is distinct from old.status and not (new.status = 'cancelled' and new.cancelled_at is not null) then
        raise exception 'a subscriber only cancels' using errcode = '42501';
    end if;
    if new.pending_plan_code is not null and not exists (select 1 from plans p where p.code = new.pending_plan_code and p.active and p.price_minor > 0) then
        raise exception 'choose a paid plan that is offered' using errcode = '23514', constraint = 'subscriptions_plan_offered';
    end if;
    return new;
end
$$;
create trigger subscriptions_guard before insert or update on subscriptions
    for each row execute function subscriptions_guard();
