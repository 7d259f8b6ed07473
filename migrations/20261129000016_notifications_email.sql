-- Notifications and email: each notification's category and each person's preferences, live
-- delivery (LISTEN/NOTIFY), the transactional email outbox, subscription notices, and the
-- account emails (address verification, password reset).
--
-- The rule that keeps email exactly-once: a notification and its email are written by the
-- same statement's triggers, in the transaction of the event that caused them (a booking
-- confirmed, a payment failed), so either all of them exist or none does; the mail worker
-- then claims outbox rows one by one with `for update skip locked` (app::notifications::mailer).

-- 1. Categories ---------------------------------------------------------------------------------
-- What a person turns on or off. 'account' (verification, password reset) cannot be turned off.
create type notification_category as enum (
    'booking', 'reminder', 'payment', 'subscription', 'mentoring', 'roadmap', 'account');
create type email_status as enum ('pending', 'sent', 'kept', 'suppressed', 'failed');

-- A notification's category, from its kind and what it is about.
create function notification_category_of(kind notification_kind, payload jsonb) returns notification_category
    language sql immutable
    as $$
    select (case
        when kind = 'booking' and payload ? 'reminder' then 'reminder'
        when kind in ('booking', 'message') then 'booking'
        when kind = 'payment' and payload ? 'subscription_id' then 'subscription'
        when kind = 'payment' then 'payment'
        when kind = 'mentor_application' then 'mentoring'
        when kind = 'roadmap' then 'roadmap'
        else 'account' end)::notification_category
$$;

alter table notifications add column category notification_category;
update notifications set category = notification_category_of(kind, payload);
alter table notifications alter column category set not null;
-- The badge counts a person's unread notifications on every page load and live event.
create index notifications_unread_idx on notifications (user_id) where status = 'unread' and deleted_at is null;

-- 2. Preferences --------------------------------------------------------------------------------
-- One row per person and category they changed; no row means both channels on.
create table notification_preferences (
    user_id         uuid not null,
    organization_id uuid not null,
    category        notification_category not null check (category <> 'account'),
    in_app          boolean not null default true,
    email           boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (user_id, category),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade on delete cascade
);
create trigger notification_preferences_set_updated_at before update on notification_preferences
    for each row execute function set_updated_at();
alter table notification_preferences enable row level security;
alter table notification_preferences force row level security;
create policy notification_preferences_own on notification_preferences for all
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));
grant select, insert, update, delete on notification_preferences to waypoint_app;

-- 3. The outbox ---------------------------------------------------------------------------------
-- One row per email. `template` says how the worker renders it: 'notification' from the
-- notification it points at, 'verify_email' from the account, 'password_reset' from `data`
-- (the reset link, removed once the message has left). Sent or kept messages stay as the record
-- an administrator reads (app::notifications::outbox_page).
create table email_outbox (
    id               uuid primary key default gen_random_uuid(),
    organization_id  uuid not null,
    user_id          uuid not null,
    notification_id  uuid references notifications (id) on delete set null,
    category         notification_category not null,
    template         text not null check (template in ('notification', 'verify_email', 'password_reset')),
    to_address       citext not null check (length(to_address) between 3 and 320),
    data             jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
    status           email_status not null default 'pending',
    attempts         integer not null default 0 check (attempts >= 0),
    next_attempt_at  timestamptz not null default now(),
    last_error       text check (length(last_error) <= 2000),
    sent_at          timestamptz,
    unsubscribed_at  timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check ((status in ('sent', 'kept')) = (sent_at is not null)),
    check (template <> 'notification' or category <> 'account'),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade on delete cascade
);
create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending';
create index email_outbox_organization_idx on email_outbox (organization_id, created_at desc);
create index email_outbox_user_idx on email_outbox (user_id);
create trigger email_outbox_set_updated_at before update on email_outbox
    for each row execute function set_updated_at();
alter table email_outbox enable row level security;
alter table email_outbox force row level security;
-- Administrators read their organization's mail (a platform administrator, everyone's).
create policy email_outbox_admin_read on email_outbox for select using (
    (select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id));
-- A member asks for their own verification email (at sign-up, or again from their account).
create policy email_outbox_own_verification on email_outbox for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and template = 'verify_email' and category = 'account' and status = 'pending' and data = '{}');
grant select, insert on email_outbox to waypoint_app;

-- 4. Routing a notification -------------------------------------------------------------------
-- Before it is written: its category, and archived at once when the person turned the in-app
-- channel off for it (the row stays as the event's record; the email below still goes).
create function notifications_route() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    wants_in_app boolean;
begin
    new.category := coalesce(new.category, notification_category_of(new.kind, new.payload));
    select p.in_app into wants_in_app from notification_preferences p
     where p.user_id = new.user_id and p.category = new.category;
    if wants_in_app is false and new.status = 'unread' then
        new.status := 'archived';
    end if;
    return new;
end
$$;
create trigger notifications_route before insert on notifications
    for each row execute function notifications_route();

-- After it is written: its email into the outbox (unless turned off), and a NOTIFY on
-- 'waypoint_notifications' carrying the person's id, delivered to every app server's listener
-- when the transaction commits (and never if it rolls back). Runs as the owner: the outbox is
-- not writable by the request's role, and a notification is often for someone else.
create function notifications_deliver() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    wants_email boolean;
    address     citext;
begin
    if tg_op = 'INSERT' then
        select p.email into wants_email from notification_preferences p
         where p.user_id = new.user_id and p.category = new.category;
        if wants_email is not false and new.category <> 'account' then
            select u.email into address from users u
             where u.id = new.user_id and u.deleted_at is null and u.status = 'active';
            if address is not null then
                insert into email_outbox (organization_id, user_id, notification_id, category, template, to_address)
                values (new.organization_id, new.user_id, new.id, new.category, 'notification', address);
            end if;
        end if;
    end if;
    if tg_op = 'INSERT' then
        perform pg_notify('waypoint_notifications', new.user_id::text);
    elsif old.status is distinct from new.status or old.deleted_at is distinct from new.deleted_at then
        perform pg_notify('waypoint_notifications', new.user_id::text);
    end if;
    return null;
end
$$;
create trigger notifications_deliver after insert or update on notifications
    for each row execute function notifications_deliver();

-- 5. Subscription notices --------------------------------------------------------------------
-- The renewal notice is written by the subscriptions worker (app::payments::renewals), once per
-- period: this column records the period end it was sent for.
alter table subscriptions add column renewal_notice_for timestamptz;

-- "£9.00", "$19.00", "19.00 CHF": money in a notification's text.
create function money_text(minor bigint, currency text) returns text
    language sql immutable
    as $$
    select case upper(currency) when 'USD' then '$' when 'GBP' then '£' when 'EUR' then '€' else '' end
           || to_char(minor / 100.0, 'FM999999990.00')
           || case when upper(currency) in ('USD', 'GBP', 'EUR') then '' else ' ' || upper(currency) end
$$;

-- A subscription set to end at its period's end, and one that has ended, tell their owner.
create function subscriptions_notify_ending() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    plan_name text;
    zone      text;
begin
    select p.name into plan_name from plans p where p.code = new.plan_code;
    select coalesce(pr.time_zone, 'UTC') into zone from user_profiles pr where pr.user_id = new.user_id and pr.deleted_at is null;
    zone := coalesce(zone, 'UTC');
    if new.cancel_at_period_end and not old.cancel_at_period_end and new.status in ('trialing', 'active', 'past_due') then
        insert into notifications (user_id, organization_id, kind, title, body, payload)
        values (new.user_id, new.organization_id, 'payment', 'Your ' || coalesce(plan_name, 'plan') || ' plan is ending',
                'It stays active until ' || to_char(new.current_period_end at time zone zone, 'FMDD Mon YYYY')
                    || ' and will not renew. You can resume it from Billing before then.',
                jsonb_build_object('subscription_id', new.id, 'event', 'ending'));
    elsif new.status in ('cancelled', 'expired') and old.status not in ('cancelled', 'expired') then
        insert into notifications (user_id, organization_id, kind, title, body, payload)
        values (new.user_id, new.organization_id, 'payment', 'Your ' || coalesce(plan_name, 'plan') || ' plan has ended',
                'You are on the free plan now. Your roadmaps and bookings are kept; you can subscribe again at any time.',
                jsonb_build_object('subscription_id', new.id, 'event', 'ended'));
    end if;
    return null;
end
$$;
create trigger subscriptions_notify_ending after update of cancel_at_period_end, status on subscriptions
    for each row execute function subscriptions_notify_ending();

-- 6. Account emails ------------------------------------------------------------------------------
-- Confirms an address from a verification link the server has already checked the signature
-- of: only while it is still the account's address. True when it is (now) verified.
create function confirm_email_address(person uuid, address citext) returns boolean
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
begin
    update users set email_verified_at = coalesce(email_verified_at, now())
     where id = person and email = address and deleted_at is null;
    return found;
end
$$;
revoke all on function confirm_email_address(uuid, citext) from public;
grant execute on function confirm_email_address(uuid, citext) to waypoint_app;

-- Password resets: only the token's SHA-256 is kept; the link itself travels in the outbox row's
-- data until the message has left. The request's role reaches this table only through the three
-- functions below, which answer the same whether or not an account has the address.
create table password_resets (
    id          uuid primary key default gen_random_uuid(),
    user_id     uuid not null references users (id) on delete cascade,
    token_hash  bytea not null unique check (length(token_hash) = 32),
    expires_at  timestamptz not null,
    used_at     timestamptz,
    created_at  timestamptz not null default now()
);
create index password_resets_user_idx on password_resets (user_id);
alter table password_resets enable row level security;
alter table password_resets force row level security;

-- Starts a reset for the active account with this address, if there is one: earlier unused links
-- stop working, a new one lasts 30 minutes, and its email goes into the outbox.
create function begin_password_reset(address citext, token_hash bytea, link text) returns void
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
declare
    account record;
begin
    select u.id, u.organization_id, u.email into account from users u
     where u.email = address and u.deleted_at is null and u.status = 'active';
    if not found then
        return;
    end if;
    update password_resets set used_at = now() where user_id = account.id and used_at is null;
    insert into password_resets (user_id, token_hash, expires_at) values (account.id, token_hash, now() + interval '30 minutes');
    insert into email_outbox (organization_id, user_id, category, template, to_address, data)
    values (account.organization_id, account.id, 'account', 'password_reset', account.email, jsonb_build_object('link', link));
end
$$;

-- The account a live reset link is for (to check the new password against its names), or none.
create function password_reset_account(token_hash bytea)
    returns table (user_id uuid, username text, email text)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
    select u.id, u.username::text, u.email::text
      from password_resets r join users u on u.id = r.user_id
     where r.token_hash = password_reset_account.token_hash and r.used_at is null and r.expires_at > now()
       and u.deleted_at is null and u.status = 'active'
$$;

-- Uses a live reset link once: the new password is set and every session of the account ends
-- (its session generation moves on). Returns the account's id, or null when the link is unknown,
-- used or expired.
create function finish_password_reset(token_hash bytea, new_password_hash text) returns uuid
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
declare
    reset record;
begin
    select r.id, r.user_id into reset from password_resets r
     where r.token_hash = finish_password_reset.token_hash and r.used_at is null and r.expires_at > now()
       for update;
    if not found then
        return null;
    end if;
    update password_resets set used_at = now() where user_id = reset.user_id and used_at is null;
    update users set password_hash = new_password_hash, session_generation = session_generation + 1,
                     -- Following the emailed link proves the address.
                     email_verified_at = coalesce(email_verified_at, now())
     where id = reset.user_id and deleted_at is null and status = 'active';
    if not found then
        return null;
    end if;
    return reset.user_id;
end
$$;
revoke all on function begin_password_reset(citext, bytea, text) from public;
revoke all on function password_reset_account(bytea) from public;
revoke all on function finish_password_reset(bytea, text) from public;
grant execute on function begin_password_reset(citext, bytea, text) to waypoint_app;
grant execute on function password_reset_account(bytea) to waypoint_app;
grant execute on function finish_password_reset(bytea, text) to waypoint_app;

-- One-click unsubscribe (RFC 8058) from a message's signed link, checked by the server: the
-- message's category stops being emailed to its recipient. The link works once: its first use
-- answers first_use = true; later ones say which category it was, with first_use = false. No
-- row: no such message (or an account email, which has no unsubscribe link).
create function unsubscribe_from_message(message uuid)
    returns table (category notification_category, first_use boolean)
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
declare
    mail record;
begin
    select o.user_id, o.organization_id, o.category, o.unsubscribed_at into mail from email_outbox o
     where o.id = message and o.category <> 'account'
       for update;
    if not found then
        return;
    end if;
    if mail.unsubscribed_at is not null then
        return query select mail.category, false;
        return;
    end if;
    update email_outbox set unsubscribed_at = now() where id = message;
    -- (By the constraint's name: `category` is also this function's output column.)
    insert into notification_preferences (user_id, organization_id, category, email)
    values (mail.user_id, mail.organization_id, mail.category, false)
    on conflict on constraint notification_preferences_pkey do update set email = false;
    return query select mail.category, true;
end
$$;
revoke all on function unsubscribe_from_message(uuid) from public;
grant execute on function unsubscribe_from_message(uuid) to waypoint_app;

-- 7. A deleted account's mail ----------------------------------------------------------------------
-- Deleting an account (accounts::data::scrub) scrubs its address; its messages (which hold the
-- address and what was written to it), reset links and preferences go with it.
create function users_forget_mail() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    delete from email_outbox where user_id = new.id;
    delete from password_resets where user_id = new.id;
    delete from notification_preferences where user_id = new.id;
    return null;
end
$$;
create trigger users_forget_mail after update of deleted_at on users
    for each row when (new.deleted_at is not null and old.deleted_at is null)
    execute function users_forget_mail();
