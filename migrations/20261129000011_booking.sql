-- Mentors and booking: listings, session types, availability, holds, reviews, reminders.
--
--   1. Listings: what a mentor offers, how they are booked, who sees them (public or organization).
--   2. Session types, weekly hours and date overrides.
--   3. Bookings: the blocked range (buffers included) that no two live bookings share, for the
--      mentor and for the student; the status machine, refused by the database for everyone; which
--      party may do what; prices taken from the session type, never from the request.
--   4. What anyone may see of a mentor's calendar: taken ranges, never whose.
--   5. Reviews, and the rating they keep.

-- 1. Listings ------------------------------------------------------------------------------------
create type listing_visibility as enum ('public', 'organization');

alter table mentors
    -- The listing's address, /mentors/<handle>: the mentor's username when the listing is made.
    add column handle citext,
    -- The mentor's name as the directory shows it, kept from users by a trigger (a visitor may not
    -- read the users table).
    add column display_name text not null default '',
    add column headline text not null default '' check (length(headline) <= 160),
    add column languages text[] not null default '{}' check (cardinality(languages) <= 12),
    -- O*NET-SOC codes of the careers the mentor works in (checked against careers by the app).
    add column career_codes text[] not null default '{}' check (cardinality(career_codes) <= 12),
    add column meeting_url text check (meeting_url ~ '^https://[^[:space:]]+$' and length(meeting_url) <= 500),
    add column requires_approval boolean not null default false,
    add column visibility listing_visibility not null default 'organization',
    -- How someone outside the mentor's organization can reach them (shown on a public listing).
    add column contact_note text not null default '' check (length(contact_note) <= 300),
    add column buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 120),
    add column buffer_after_minutes integer not null default 0 check (buffer_after_minutes between 0 and 120),
    add column minimum_notice_minutes integer not null default 720 check (minimum_notice_minutes between 0 and 20160),
    add column horizon_days integer not null default 28 check (horizon_days between 1 and 90),
    add column daily_cap integer check (daily_cap between 1 and 24),
    -- Cancelling later than this before the start is recorded as late (payments refund by it).
    add column free_cancellation_hours integer not null default 24 check (free_cancellation_hours between 0 and 168);

update mentors m set handle = lower(u.username), display_name = u.first_name || ' ' || u.last_name
  from users u where u.id = m.user_id;
alter table mentors alter column handle set not null,
    add constraint mentors_handle_check check (handle ~ '^[a-z0-9][a-z0-9_.-]{1,30}[a-z0-9]$');
create unique index mentors_handle_key on mentors (handle) where deleted_at is null;
create index mentors_public_idx on mentors (visibility) where status = 'active' and deleted_at is null;
create index mentors_expertise_idx on mentors using gin (expertise_areas);
create index mentors_career_codes_idx on mentors using gin (career_codes);

-- A new listing takes its handle and name from its user. Runs as the owner: whoever creates the
-- listing (an administrator approving an application) may not read every column it needs.
create function mentors_fill_from_user() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    select coalesce(new.handle, lower(u.username)), u.first_name || ' ' || u.last_name
      into new.handle, new.display_name
      from users u where u.id = new.user_id;
    return new;
end
$$;
revoke all on function mentors_fill_from_user() from public;
create trigger mentors_fill_from_user before insert on mentors
    for each row execute function mentors_fill_from_user();

create function users_rename_listing() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    update mentors set display_name = new.first_name || ' ' || new.last_name
     where user_id = new.id and display_name is distinct from new.first_name || ' ' || new.last_name;
    return new;
end
$$;
revoke all on function users_rename_listing() from public;
create trigger users_rename_listing after update of first_name, last_name on users
    for each row execute function users_rename_listing();

-- A public, active listing is seen by everyone (the crawlable page); any other only inside its
-- organization, as before.
create policy mentors_public_read on mentors for select using (
    visibility = 'public' and status = 'active' and deleted_at is null);

grant update (headline, languages, career_codes, meeting_url, requires_approval, visibility, contact_note,
              buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, horizon_days, daily_cap,
              free_cancellation_hours)
    on mentors to waypoint_app;

-- Migration 9's rules for the mentor's own edits, with the new columns a mentor sets.
create or replace function mentors_guard_self_update() returns trigger
    language plpgsql
    as $$
declare
    changed text[];
    refused text[];
begin
    if current_role_is_privileged() then
        return new;
    end if;
    if current_app_is_platform_admin() or current_app_is_org_admin_of(old.organization_id) then
        return new;
    end if;
    changed := changed_columns(to_jsonb(old), to_jsonb(new));
    select coalesce(array_agg(c order by c), '{}') into refused from unnest(changed) c
     where c <> all ('{bio, expertise_areas, years_experience, hourly_rate_minor, currency, time_zone, status,
                       deleted_at, headline, languages, career_codes, meeting_url, requires_approval, visibility,
                       contact_note, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes,
                       horizon_days, daily_cap, free_cancellation_hours}'::text[]);
    if cardinality(refused) > 0 then
        raise exception 'a mentor cannot change their listing''s %', array_to_string(refused, ', ')
            using errcode = '42501';
    end if;
    if new.status is distinct from old.status
       and not ((new.status = 'retired' and new.deleted_at is not null)
             or (old.status in ('active', 'paused') and new.status in ('active', 'paused')
                 and old.deleted_at is null and current_app_role() = 'mentor')) then
        raise exception 'a mentor cannot take their listing from % to %', old.status, new.status
            using errcode = '42501';
    end if;
    if new.deleted_at is distinct from old.deleted_at
       and not (old.deleted_at is null and new.status = 'retired') then
        raise exception 'a mentor removes their listing only by retiring it' using errcode = '42501';
    end if;
    return new;
end
$$;

-- Whose listing this is, for the policies below: the caller's own (live) listing.
create function current_app_owns_mentor(mentor uuid) returns boolean
    language sql stable
    as $$ select mentor in (select current_app_mentor_ids()) $$;
grant execute on function current_app_owns_mentor(uuid) to waypoint_app;

-- 2. Session types, weekly hours, date overrides ---------------------------------------------------
create table mentor_session_types (
    id               uuid primary key default gen_random_uuid(),
    mentor_id        uuid not null,
    organization_id  uuid not null,
    title            text not null check (length(btrim(title)) between 2 and 80),
    description      text not null default '' check (length(description) <= 500),
    duration_minutes integer not null check (duration_minutes in (15, 20, 30, 45, 60, 75, 90, 120)),
    price_minor      bigint not null default 0 check (price_minor between 0 and 100000000),
    currency         char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    -- A free introduction: no charge, once per student and mentor.
    is_free_intro    boolean not null default false check (not is_free_intro or price_minor = 0),
    position         integer not null default 0,
    active           boolean not null default true,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    unique (id, organization_id),
    foreign key (mentor_id, organization_id) references mentors (id, organization_id) on update cascade
);
create index mentor_session_types_mentor_idx on mentor_session_types (mentor_id, position) where deleted_at is null;
create index mentor_session_types_price_idx on mentor_session_types (price_minor) where active and deleted_at is null;

-- Local times of day in the mentor's own zone, for non-overlapping windows.
create type timerange as range (subtype = time);

create table mentor_weekly_hours (
    id              uuid primary key default gen_random_uuid(),
    mentor_id       uuid not null,
    organization_id uuid not null,
    -- ISO weekday: 1 Monday .. 7 Sunday.
    weekday         smallint not null check (weekday between 1 and 7),
    starts          time not null,
    ends            time not null check (ends > starts),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    foreign key (mentor_id, organization_id) references mentors (id, organization_id) on update cascade,
    constraint mentor_weekly_hours_no_overlap exclude using gist
        (mentor_id with =, weekday with =, timerange(starts, ends) with &&)
);

-- A date whose weekly hours are replaced: a row without times is a day off; rows with times are
-- that date's hours (extra hours on a day off, or different ones).
create table mentor_date_overrides (
    id              uuid primary key default gen_random_uuid(),
    mentor_id       uuid not null,
    organization_id uuid not null,
    on_date         date not null,
    starts          time,
    ends            time,
    note            text not null default '' check (length(note) <= 200),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    check ((starts is null and ends is null) or (starts is not null and ends > starts)),
    foreign key (mentor_id, organization_id) references mentors (id, organization_id) on update cascade,
    constraint mentor_date_overrides_no_overlap exclude using gist
        (mentor_id with =, on_date with =, timerange(coalesce(starts, '00:00'), coalesce(ends, '24:00'), '[)') with &&)
);
create index mentor_date_overrides_mentor_idx on mentor_date_overrides (mentor_id, on_date);

do $$
declare t text;
begin
    foreach t in array array['mentor_session_types', 'mentor_weekly_hours', 'mentor_date_overrides']
    loop
        execute format('create trigger %I before update on %I for each row execute function set_updated_at()',
                       t || '_set_updated_at', t);
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        -- Whoever may read the listing reads what it offers and when (slots are computed from it).
        execute format($p$
            create policy %1$s_read on %1$I for select using (
                exists (select 1 from mentors m where m.id = mentor_id))
        $p$, t);
        -- The mentor keeps their own; their organization's administrators may too.
        execute format($p$
            create policy %1$s_owner_write on %1$I for all
                using (current_app_owns_mentor(mentor_id) and organization_id = (select current_app_org_id()))
                with check (current_app_owns_mentor(mentor_id) and organization_id = (select current_app_org_id()))
        $p$, t);
        execute format($p$
            create policy %1$s_admin_write on %1$I for all
                using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
                with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
        $p$, t);
        execute format('grant select, insert, update, delete on %I to waypoint_app', t);
    end loop;
end
$$;

-- 3. Bookings ------------------------------------------------------------------------------------
-- timestamptz + interval is only STABLE in general (a day's length depends on the zone); minutes
-- are the same length everywhere, so this shift is truly immutable and may feed a generated column.
create function shift_minutes(instant timestamptz, minutes integer) returns timestamptz
    language sql immutable parallel safe strict
    as $$ select instant + make_interval(mins => minutes) $$;
grant execute on function shift_minutes(timestamptz, integer) to waypoint_app;

alter table bookings
    add column session_type_id uuid,
    add column buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 120),
    add column buffer_after_minutes integer not null default 0 check (buffer_after_minutes between 0 and 120),
    -- The range no other live booking of the mentor or the student may touch: the session with
    -- the mentor's buffers around it, as they were when it was booked.
    add column blocked tstzrange generated always as (
        tstzrange(shift_minutes(scheduled_at, -buffer_before_minutes), shift_minutes(ends_at, buffer_after_minutes), '[)')
    ) stored,
    add column hold_expires_at timestamptz,
    -- Raised on every reschedule and on cancellation: a calendar replaces the event it had.
    add column calendar_sequence integer not null default 0 check (calendar_sequence >= 0),
    add column cancelled_by text check (cancelled_by in ('student', 'mentor', 'administrator')),
    add column cancelled_late boolean not null default false,
    add column decided_at timestamptz,
    add column notes_key_id text check (length(notes_key_id) <= 32),
    add column reminded_day_before_at timestamptz,
    add column reminded_hour_before_at timestamptz,
    add constraint bookings_session_type_fkey foreign key (session_type_id, organization_id)
        references mentor_session_types (id, organization_id) on update cascade,
    add constraint bookings_hold_has_expiry check (status <> 'hold' or hold_expires_at is not null),
    add constraint bookings_notes_have_key check ((notes_ciphertext is null) = (notes_key_id is null));

alter table bookings drop constraint bookings_mentor_no_overlap, drop constraint bookings_student_no_overlap;
-- However many requests race, a mentor's live sessions never overlap, buffers included, nor a
-- student's: every kind of overlap, not only identical times, and holds count.
alter table bookings
    add constraint bookings_mentor_no_overlap exclude using gist (mentor_id with =, blocked with &&)
        where (status in ('hold', 'pending', 'confirmed') and deleted_at is null),
    add constraint bookings_student_no_overlap exclude using gist (student_id with =, blocked with &&)
        where (status in ('hold', 'pending', 'confirmed') and deleted_at is null);
create index bookings_holds_idx on bookings (hold_expires_at) where status = 'hold';
create index bookings_reminders_idx on bookings (scheduled_at) where status = 'confirmed';

-- The status machine, for every role including the owner: a refusal names both states.
--   hold      -> pending | confirmed | cancelled | expired
--   pending   -> confirmed | declined | cancelled | expired
--   confirmed -> completed | cancelled | no_show
--   completed, cancelled, declined, expired, no_show: final.
-- A session is completed or missed only once it has started; it moves in time only while live.
create function bookings_status_machine() returns trigger
    language plpgsql
    as $$
begin
    if new.status is distinct from old.status then
        if not ((old.status = 'hold' and new.status in ('pending', 'confirmed', 'cancelled', 'expired'))
             or (old.status = 'pending' and new.status in ('confirmed', 'declined', 'cancelled', 'expired'))
             or (old.status = 'confirmed' and new.status in ('completed', 'cancelled', 'no_show'))) then
            raise exception 'a booking cannot go from % to %', old.status, new.status
                using errcode = '23514', constraint = 'bookings_status_machine';
        end if;
        if new.status in ('completed', 'no_show') and old.scheduled_at > now() then
            raise exception 'a session is marked % only once it has started', new.status
                using errcode = '23514', constraint = 'bookings_status_machine';
        end if;
    end if;
    if (new.scheduled_at is distinct from old.scheduled_at or new.ends_at is distinct from old.ends_at)
       and old.status not in ('hold', 'pending', 'confirmed') then
        raise exception 'a % booking keeps its time', old.status
            using errcode = '23514', constraint = 'bookings_status_machine';
    end if;
    return new;
end
$$;
create trigger bookings_status_machine before update on bookings
    for each row execute function bookings_status_machine();

-- A new booking: made by its student as a hold on one of the mentor's session types. Its price,
-- currency, length, buffers and meeting link come from the listing, whatever the request said
-- (the owner, loading demo history, sets its own). Runs as the owner to read the listing.
create function bookings_fill_from_listing() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    offered record;
    listed  boolean;
begin
    select st.duration_minutes, st.price_minor, st.currency, st.active, st.deleted_at as type_deleted,
           m.buffer_before_minutes, m.buffer_after_minutes, m.meeting_url, m.user_id, m.status, m.deleted_at
      into offered
      from mentor_session_types st join mentors m on m.id = st.mentor_id
     where st.id = new.session_type_id and st.mentor_id = new.mentor_id;
    listed := found;
    if (select m.user_id from mentors m where m.id = new.mentor_id) = new.student_id then
        raise exception 'a mentor cannot book a session with themselves' using errcode = '23514',
            constraint = 'bookings_not_self';
    end if;
    -- Requests (whatever role they act as) always take the listing's terms; only the owner's own
    -- loaders (the demo's history, logged in as the owner) set theirs.
    if not coalesce((select r.rolsuper or r.rolbypassrls from pg_roles r where r.rolname = session_user), false) then
        if not listed then
            raise exception 'this session type is not one of this mentor''s' using errcode = '23514',
                constraint = 'bookings_session_type';
        end if;
        if offered.active is not true or offered.type_deleted is not null
           or offered.status <> 'active' or offered.deleted_at is not null then
            raise exception 'this mentor is not taking bookings of this kind now' using errcode = '23514',
                constraint = 'bookings_listing_closed';
        end if;
        new.ends_at := shift_minutes(new.scheduled_at, offered.duration_minutes);
        new.price_minor := offered.price_minor;
        new.currency := offered.currency;
        new.buffer_before_minutes := offered.buffer_before_minutes;
        new.buffer_after_minutes := offered.buffer_after_minutes;
        new.meeting_url := offered.meeting_url;
    end if;
    return new;
end
$$;
revoke all on function bookings_fill_from_listing() from public;
create trigger bookings_fill_from_listing before insert on bookings
    for each row execute function bookings_fill_from_listing();

-- A student books for themselves, as a hold that lasts at most 15 minutes.
drop policy bookings_student_create on bookings;
create policy bookings_student_create on bookings for insert with check (
    organization_id = (select current_app_org_id()) and student_id = (select current_app_user_id())
    and status = 'hold' and hold_expires_at <= now() + interval '15 minutes'
    and cancelled_at is null and cancellation_reason is null and deleted_at is null
    and notes_ciphertext is null and calendar_sequence = 0);

revoke update on bookings from waypoint_app;
grant update (status, scheduled_at, ends_at, topic, notes_ciphertext, notes_key_id, meeting_url, cancelled_at,
              cancellation_reason, cancelled_by, cancelled_late, decided_at, calendar_sequence, hold_expires_at,
              metadata, deleted_at)
    on bookings to waypoint_app;

-- Which party may do what (the status machine above says what may happen at all):
--   * the student: confirm their own hold (to pending when the mentor approves requests, else to
--     confirmed), release it, cancel a pending or confirmed booking, reschedule it, edit the topic;
--   * the mentor: confirm or decline a request; complete, cancel or mark a no-show on a confirmed
--     session; reschedule; edit the topic and meeting link while live; keep private notes any time;
--   * cancellation fields change only in the update that cancels or declines; nobody edits
--     metadata or (un)deletes except administrators, who keep the full set of granted columns.
create or replace function bookings_guard_party_update() returns trigger
    language plpgsql
    as $$
declare
    is_student boolean;
    is_mentor  boolean;
    approval   boolean;
    allowed    text[] := '{}';
    changed    text[];
    refused    text[];
begin
    if current_role_is_privileged() then
        return new;
    end if;
    if current_app_is_platform_admin() or current_app_is_org_admin_of(old.organization_id) then
        return new;
    end if;
    changed := array(select c from unnest(changed_columns(to_jsonb(old), to_jsonb(new))) c where c <> 'blocked');
    if cardinality(changed) = 0 then
        return new;
    end if;
    -- coalesce: with no user in the context a comparison is null, and null must mean "not a party".
    is_student := coalesce(old.student_id = current_app_user_id(), false);
    is_mentor := coalesce(old.mentor_id in (select current_app_mentor_ids()), false);
    if is_student then
        allowed := allowed || '{topic, status, cancelled_at, cancellation_reason, cancelled_by, cancelled_late,
                                scheduled_at, ends_at, calendar_sequence}'::text[];
    end if;
    if is_mentor then
        allowed := allowed || '{topic, status, cancelled_at, cancellation_reason, cancelled_by, cancelled_late,
                                scheduled_at, ends_at, calendar_sequence, meeting_url, notes_ciphertext,
                                notes_key_id, decided_at}'::text[];
    end if;
    select coalesce(array_agg(c order by c), '{}') into refused from unnest(changed) c where c <> all (allowed);
    if cardinality(refused) > 0 then
        raise exception 'a party to a booking cannot change its %', array_to_string(refused, ', ')
            using errcode = '42501';
    end if;
    select requires_approval into approval from mentors where id = old.mentor_id;
    if new.status is distinct from old.status
       and not ((is_student and old.status = 'hold'
                    and new.status = case when coalesce(approval, false) then 'pending' else 'confirmed' end::booking_status)
             or (is_student and old.status in ('hold', 'pending', 'confirmed') and new.status = 'cancelled')
             or (is_mentor and old.status = 'pending' and new.status in ('confirmed', 'declined'))
             or (is_mentor and old.status = 'confirmed' and new.status in ('completed', 'cancelled', 'no_show'))) then
        raise exception 'this booking cannot go from % to % by this party', old.status, new.status
            using errcode = '42501';
    end if;
    if (new.cancelled_at is distinct from old.cancelled_at
        or new.cancellation_reason is distinct from old.cancellation_reason
        or new.cancelled_by is distinct from old.cancelled_by
        or new.cancelled_late is distinct from old.cancelled_late)
       and not (new.status in ('cancelled', 'declined') and old.status not in ('cancelled', 'declined')) then
        raise exception 'a cancellation''s time and reason are set only when cancelling' using errcode = '42501';
    end if;
    if new.cancelled_by is distinct from old.cancelled_by
       and new.cancelled_by is distinct from (case when is_mentor then 'mentor' else 'student' end) then
        raise exception 'a party cancels only in their own name' using errcode = '42501';
    end if;
    if (new.scheduled_at is distinct from old.scheduled_at or new.ends_at is distinct from old.ends_at)
       and (old.status not in ('pending', 'confirmed') or new.ends_at - new.scheduled_at <> old.ends_at - old.scheduled_at
            or new.calendar_sequence <= old.calendar_sequence) then
        raise exception 'a live session is moved whole, and its calendar sequence raised' using errcode = '42501';
    end if;
    if (new.topic is distinct from old.topic or new.meeting_url is distinct from old.meeting_url)
       and old.status not in ('hold', 'pending', 'confirmed') then
        raise exception 'a finished booking''s topic and meeting link are kept as they were' using errcode = '42501';
    end if;
    return new;
end
$$;

-- 4. A mentor's calendar as others may see it -------------------------------------------------------
-- Holds that nobody confirmed in time stop blocking their slot: whoever books next (and the
-- worker, every minute) marks them expired. Runs as the owner: a student may not touch another
-- student's hold, and must not wait for the worker to take a free slot.
create function expire_stale_holds() returns integer
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        with expired as (
            update bookings set status = 'expired'
             where status = 'hold' and hold_expires_at <= now()
            returning 1)
        select count(*)::integer from expired
    $$;
revoke all on function expire_stale_holds() from public;
grant execute on function expire_stale_holds() to waypoint_app;

-- The live bookings of a listing the caller may see, between two instants (but one, the booking
-- being moved): when they start and the range they block, never whose they are. Runs as the owner: students do not read each
-- other's bookings, yet everyone must see which slots are gone.
create function mentor_taken_ranges(mentor uuid, range_from timestamptz, range_until timestamptz, except_booking uuid)
    returns table (starts_at timestamptz, blocked_from timestamptz, blocked_until timestamptz)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select b.scheduled_at, lower(b.blocked), upper(b.blocked)
          from bookings b join mentors m on m.id = b.mentor_id
         where b.mentor_id = mentor
           and b.status in ('hold', 'pending', 'confirmed') and b.deleted_at is null
           and not (b.status = 'hold' and b.hold_expires_at <= now())
           and b.blocked && tstzrange(range_from, range_until, '[)')
           and b.id is distinct from except_booking
           and ((m.visibility = 'public' and m.status = 'active' and m.deleted_at is null)
                or m.organization_id = current_app_org_id()
                or current_app_is_platform_admin())
         order by b.scheduled_at
    $$;
revoke all on function mentor_taken_ranges(uuid, timestamptz, timestamptz, uuid) from public;
grant execute on function mentor_taken_ranges(uuid, timestamptz, timestamptz, uuid) to waypoint_app;

-- The listings offering a session priced within a range (either end may be null): ids only,
-- for the directory's price filter; which of them the caller may see is the mentors policy's
-- to decide. Runs as the owner: checked row by row under the session types' policy (which asks
-- the mentors policy for each row), a priced search over 100,000 listings took 0.7 s.
create function mentors_priced_between(low bigint, high bigint) returns setof uuid
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select distinct mentor_id from mentor_session_types
         where active and deleted_at is null
           and (low is null or price_minor >= low) and (high is null or price_minor <= high)
    $$;
revoke all on function mentors_priced_between(bigint, bigint) from public;
grant execute on function mentors_priced_between(bigint, bigint) to waypoint_app;

-- 5. Reviews -------------------------------------------------------------------------------------
create table mentor_reviews (
    id              uuid primary key default gen_random_uuid(),
    booking_id      uuid not null,
    mentor_id       uuid not null,
    student_id      uuid not null,
    organization_id uuid not null,
    rating          smallint not null check (rating between 1 and 5),
    body            text not null default '' check (length(body) <= 2000),
    -- "Sam T.": how the review is signed, kept from the student's name when it is written.
    reviewer_name   text not null default '',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    foreign key (booking_id, organization_id) references bookings (id, organization_id) on update cascade,
    foreign key (mentor_id, organization_id) references mentors (id, organization_id) on update cascade
);
create unique index mentor_reviews_booking_key on mentor_reviews (booking_id);
create index mentor_reviews_mentor_idx on mentor_reviews (mentor_id, created_at desc) where deleted_at is null;
create trigger mentor_reviews_set_updated_at before update on mentor_reviews
    for each row execute function set_updated_at();
alter table mentor_reviews enable row level security;
alter table mentor_reviews force row level security;
-- Whoever may read the listing reads its reviews.
create policy mentor_reviews_read on mentor_reviews for select using (
    deleted_at is null and exists (select 1 from mentors m where m.id = mentor_id));
-- Only the booking's student, once the session is completed, for that booking's mentor.
create policy mentor_reviews_student_create on mentor_reviews for insert with check (
    student_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and deleted_at is null
    and exists (select 1 from bookings b
                 where b.id = booking_id and b.student_id = (select current_app_user_id())
                   and b.mentor_id = mentor_reviews.mentor_id and b.status = 'completed'));
-- Administrators may hide a review (soft delete); nobody edits what a student wrote.
create policy mentor_reviews_admin_hide on mentor_reviews for update
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
create policy mentor_reviews_admin_read on mentor_reviews for select using (
    current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
grant select, insert on mentor_reviews to waypoint_app;
grant update (deleted_at) on mentor_reviews to waypoint_app;

-- The review is signed with the student's first name and initial; the mentor's rating is
-- recomputed in the same transaction. Both run as the owner: a student may read neither the
-- users table's other rows nor write a mentor's rating.
create function mentor_reviews_sign() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    select u.first_name || ' ' || left(u.last_name, 1) || '.' into new.reviewer_name
      from users u where u.id = new.student_id;
    return new;
end
$$;
revoke all on function mentor_reviews_sign() from public;
create trigger mentor_reviews_sign before insert on mentor_reviews
    for each row execute function mentor_reviews_sign();

create function mentor_reviews_rate() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    mentor uuid := coalesce(new.mentor_id, old.mentor_id);
begin
    update mentors m
       set rating_average = r.average, rating_count = r.count
      from (select round(avg(rating)::numeric, 2) as average, count(*)::integer as count
              from mentor_reviews where mentor_id = mentor and deleted_at is null) r
     where m.id = mentor;
    return null;
end
$$;
revoke all on function mentor_reviews_rate() from public;
create trigger mentor_reviews_rate after insert or update or delete on mentor_reviews
    for each row execute function mentor_reviews_rate();

-- A session that moves gets its reminders again, for its new time. (A trigger, not a column the
-- parties may write: nobody should be able to silence or repeat a reminder by hand.)
create function bookings_reschedule_resets_reminders() returns trigger
    language plpgsql
    as $$
begin
    if new.scheduled_at is distinct from old.scheduled_at then
        new.reminded_day_before_at := null;
        new.reminded_hour_before_at := null;
    end if;
    return new;
end
$$;
-- Named to fire after bookings_guard_party_update (triggers fire in name order), which must see
-- only what the party asked for.
create trigger bookings_reschedule_resets_reminders before update of scheduled_at on bookings
    for each row execute function bookings_reschedule_resets_reminders();
