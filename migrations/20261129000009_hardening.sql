-- Hardening: database rules that cannot be side-stepped ("Under load and under attack", item 6).
--
--   1. The guard triggers trust only roles that row-level security does not bind anyway
--      (superusers and BYPASSRLS roles, i.e. the owner), not "any role not named waypoint_app".
--   2. The application role no longer writes the audit log itself; only the audit triggers do,
--      running as the owner.
--   3. Who may change which column of a booking, a mentor listing and a notification: column
--      grants for what nobody changes through the application role, trigger checks for what
--      depends on who acts (the student, the mentor) and on the booking's state.
--   4. waypoint_login: a login role for the SET ROLE mode, so the request pool never logs in as
--      the owner.

-- 1. Who the guard triggers trust ----------------------------------------------------------------
-- The guards used to skip their checks for every role not named exactly waypoint_app: a reporting
-- role, a second application role or waypoint_login before its SET ROLE would have been trusted
-- like the owner. Now only a role that bypasses row-level security anyway (a superuser, or
-- BYPASSRLS: the owner that runs migrations and loads data) is trusted; every other role is
-- checked. current_user, not session_user: in SET ROLE mode the session is the owner's or
-- waypoint_login's, but the statement runs as waypoint_app and must be checked. Inside a SECURITY
-- DEFINER function current_user is the owner, whose own code is trusted; foreign-key cascades run
-- as the table's owner too.
create function current_role_is_privileged() returns boolean
    language sql stable parallel safe
    as $$
        select coalesce((select r.rolsuper or r.rolbypassrls from pg_catalog.pg_roles r
                          where r.rolname = current_user), false)
    $$;
grant execute on function current_role_is_privileged() to waypoint_app;

-- Same rules as migration 2 for the application role; only who is exempt changes.
create or replace function users_guard_role() returns trigger
    language plpgsql
    as $$
begin
    if current_role_is_privileged() then
        return new;
    end if;
    if tg_op = 'UPDATE' and new.role is not distinct from old.role then
        return new;
    end if;
    if new.role = 'admin' and not current_app_is_platform_admin() then
        raise exception 'only a platform administrator can grant the admin role' using errcode = '42501';
    end if;
    if new.role <> 'student'
       and not (current_app_is_platform_admin() or current_app_is_org_admin_of(new.organization_id)) then
        raise exception 'only an administrator can change a role' using errcode = '42501';
    end if;
    return new;
end
$$;

-- Same rules as migration 7 for the application role; only who is exempt changes.
create or replace function users_guard_status() returns trigger
    language plpgsql
    as $$
begin
    if current_role_is_privileged() then
        return new;
    end if;
    if old.role = 'admin' and not current_app_is_platform_admin()
       and (new.status is distinct from old.status or new.role is distinct from old.role) then
        raise exception 'only a platform administrator can change a platform administrator' using errcode = '42501';
    end if;
    if new.status is not distinct from old.status then
        return new;
    end if;
    if current_app_is_platform_admin() or current_app_is_org_admin_of(new.organization_id) then
        return new;
    end if;
    if new.id = current_app_user_id() and new.status = 'deactivated' and new.deleted_at is not null then
        return new;
    end if;
    raise exception 'only an administrator can change an account''s status' using errcode = '42501';
end
$$;

-- The columns an UPDATE changed, for the guards below. Derived columns (search vectors, the
-- booking's range) and updated_at, which a trigger keeps, are not changes anyone makes.
create function changed_columns(old_row jsonb, new_row jsonb) returns text[]
    language sql immutable parallel safe
    as $$
        select coalesce(array_agg(n.key order by n.key), '{}')
          from jsonb_each(new_row) n
         where n.key not in ('updated_at', 'search', 'during')
           and n.value is distinct from old_row -> n.key
    $$;
grant execute on function changed_columns(jsonb, jsonb) to waypoint_app;

-- 2. The audit log is written by its triggers only -------------------------------------------------
-- The application role could insert rows it composed itself (the policy of migration 6 only made
-- them name the request's own actor): enough to bury a change under invented history, or to
-- write "this row changed" entries that never happened. It keeps SELECT (the administrators'
-- audit page reads through it, under the audit_log_read policy) and nothing else. The triggers
-- still write: audit_row_change (migration 4) is SECURITY DEFINER with a fixed search_path, so it
-- inserts as the owner, which bypasses row-level security. Re-declared here so that stays true
-- whatever the function's history.
revoke all on audit_log from waypoint_app;
grant select on audit_log to waypoint_app;
alter function audit_row_change() security definer;
alter function audit_row_change() set search_path = public, pg_temp;
-- A trigger function cannot be called directly; nobody needs EXECUTE on it outside triggers.
revoke all on function audit_row_change() from public;
comment on policy audit_log_append on audit_log is
    'Unused by waypoint_app since migration 9 (no INSERT grant); kept so a role that is ever granted INSERT can still only append truthful rows.';

-- 3a. Bookings ------------------------------------------------------------------------------------
-- Nobody changes, through the application role, what a booking is between and what it costs:
-- organization_id, mentor_id, student_id, price_minor and currency are set when it is created
-- (then the payment is made for that price) and never updated, administrators included; nor its
-- id or created_at. Column grants make that hold for every request context. The remaining
-- columns are grantable, and the trigger below says which party may change which of them.
revoke update on bookings from waypoint_app;
grant update (status, scheduled_at, ends_at, topic, notes_ciphertext, meeting_url, cancelled_at,
              cancellation_reason, metadata, deleted_at)
    on bookings to waypoint_app;

-- A student books for themselves, and a new booking waits for the mentor: it starts pending and
-- live. (Confirming is the mentor's step; a student inserting a "confirmed" or "completed" session
-- would skip it.)
drop policy bookings_student_create on bookings;
create policy bookings_student_create on bookings for insert with check (
    organization_id = (select current_app_org_id()) and student_id = (select current_app_user_id())
    and status = 'pending' and cancelled_at is null and cancellation_reason is null and deleted_at is null);

-- The parties' update policy (bookings_party_update) decides which rows a party may touch; this
-- decides what they may do to them, which a policy cannot (it does not see the old row):
--   * the student: cancel a pending or confirmed booking (with its cancelled_at and reason), and
--     edit the topic while the booking is live;
--   * the mentor: confirm or decline (cancel) a pending booking; complete, cancel or mark a
--     no-show on a confirmed one; edit the topic and the meeting link while live; keep session
--     notes at any time;
--   * neither reschedules, edits metadata or (un)deletes: administrators do;
--   * cancelled_at and cancellation_reason change only in the update that cancels.
-- Organization and platform administrators keep the full set of granted columns.
create function bookings_guard_party_update() returns trigger
    language plpgsql
    as $$
declare
    is_student boolean;
    is_mentor  boolean;
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
    changed := changed_columns(to_jsonb(old), to_jsonb(new));
    if cardinality(changed) = 0 then
        return new;
    end if;
    -- coalesce: with no user in the context a comparison is null, and null must mean "not a party".
    is_student := coalesce(old.student_id = current_app_user_id(), false);
    is_mentor := coalesce(old.mentor_id in (select current_app_mentor_ids()), false);
    if is_student then
        allowed := allowed || '{topic, status, cancelled_at, cancellation_reason}'::text[];
    end if;
    if is_mentor then
        allowed := allowed || '{topic, status, cancelled_at, cancellation_reason, meeting_url, notes_ciphertext}'::text[];
    end if;
    select coalesce(array_agg(c order by c), '{}') into refused from unnest(changed) c where c <> all (allowed);
    if cardinality(refused) > 0 then
        raise exception 'a party to a booking cannot change its %', array_to_string(refused, ', ')
            using errcode = '42501';
    end if;
    if new.status is distinct from old.status
       and not ((is_student and old.status in ('pending', 'confirmed') and new.status = 'cancelled')
             or (is_mentor and old.status = 'pending' and new.status in ('confirmed', 'cancelled'))
             or (is_mentor and old.status = 'confirmed' and new.status in ('completed', 'cancelled', 'no_show'))) then
        raise exception 'this booking cannot go from % to % by this party', old.status, new.status
            using errcode = '42501';
    end if;
    if (new.cancelled_at is distinct from old.cancelled_at
        or new.cancellation_reason is distinct from old.cancellation_reason)
       and not (new.status = 'cancelled' and old.status <> 'cancelled') then
        raise exception 'a cancellation''s time and reason are set only when cancelling' using errcode = '42501';
    end if;
    if (new.topic is distinct from old.topic or new.meeting_url is distinct from old.meeting_url)
       and old.status not in ('pending', 'confirmed') then
        raise exception 'a finished booking''s topic and meeting link are kept as they were' using errcode = '42501';
    end if;
    return new;
end
$$;
create trigger bookings_guard_party_update before update on bookings
    for each row execute function bookings_guard_party_update();

-- 3b. Mentor listings --------------------------------------------------------------------------
-- Whose listing it is and where (user_id, organization_id), and its id and created_at, never
-- change through the application role. The rating (rating_average, rating_count) and metadata
-- (where administrators keep flags about a listing) stay grantable for administrators (and are
-- set by triggers running as the owner), never for the mentor themselves: see the trigger.
revoke update on mentors from waypoint_app;
grant update (bio, expertise_areas, years_experience, hourly_rate_minor, currency, time_zone, status,
              rating_average, rating_count, metadata, deleted_at)
    on mentors to waypoint_app;

-- A mentor edits their own listing (mentors_self_update): what they offer (bio, expertise, years,
-- rate and currency, time zone), never how they are rated nor administrators' flags (metadata).
-- Status is the approval-type field: a listing is paused when an administrator takes the mentor
-- role away (admin::sync_listing). So the mentor may pause and resume only while their role is
-- mentor, may retire it only as they delete it (account deletion: status 'retired' with
-- deleted_at), and never bring a deleted listing back.
create function mentors_guard_self_update() returns trigger
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
     where c <> all ('{bio, expertise_areas, years_experience, hourly_rate_minor, currency, time_zone, status, deleted_at}'::text[]);
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
create trigger mentors_guard_self_update before update on mentors
    for each row execute function mentors_guard_self_update();

-- 3c. Notifications ----------------------------------------------------------------------------
-- Any signed-in member could write into any colleague's inbox, as anybody ("Your payment
-- failed, sign in here"). A member now creates notifications only for themselves; administrators
-- keep notifying their organization (notifications_admin_write); a party to a booking notifies the
-- other party only through notify_booking_counterpart below, which writes a fixed kind for a
-- booking the caller is really part of.
drop policy notifications_member_create on notifications;
create policy notifications_member_create on notifications for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and (select current_app_role()) <> 'anonymous');

-- The caller must be the booking's student or mentor, in the request's organization; the
-- notification goes to the other party, in-app, of kind 'booking'. Runs as the owner, so it
-- checks the context itself. Returns the notification's id, or null when the caller is not a party.
create function notify_booking_counterpart(booking uuid, title text, body text, payload jsonb)
    returns uuid
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
declare
    recipient uuid;
    org       uuid;
    created   uuid;
begin
    select case when b.student_id = current_app_user_id() then m.user_id else b.student_id end, b.organization_id
      into recipient, org
      from public.bookings b join public.mentors m on m.id = b.mentor_id
     where b.id = booking and b.deleted_at is null
       and b.organization_id = current_app_org_id()
       and (b.student_id = current_app_user_id() or m.user_id = current_app_user_id());
    if recipient is null then
        return null;
    end if;
    insert into public.notifications (user_id, organization_id, kind, title, body, payload)
    values (recipient, org, 'booking', title, coalesce(body, ''),
            coalesce(payload, '{}') || jsonb_build_object('booking_id', booking))
    returning id into created;
    return created;
end
$$;
revoke all on function notify_booking_counterpart(uuid, text, text, jsonb) from public;
grant execute on function notify_booking_counterpart(uuid, text, text, jsonb) to waypoint_app;

-- 4. waypoint_login -----------------------------------------------------------------------------
-- In SET ROLE mode (DATABASE_URL without APP_DATABASE_URL) the request pool logged in as the
-- owner and switched with SET ROLE waypoint_app: any statement could RESET ROLE back to the owner.
-- waypoint_login is the role that pool logs in as instead: it owns nothing, holds no privilege of
-- its own (NOINHERIT: waypoint_app's privileges apply only after SET ROLE) and no attribute that
-- bypasses anything; its one membership, in waypoint_app, exists so it can SET ROLE waypoint_app,
-- and RESET ROLE then only falls back to a role that can do nothing. No password here: secrets
-- stay out of the repository, an operator sets one (or the embedded cluster trusts its socket).
-- Roles are cluster-wide and migrations run once per database, so like migration 1 this
-- tolerates the role (and the membership) already existing, even under a race. A pre-existing
-- role with dangerous attributes is refused rather than used.
do $$
declare
    existing pg_roles%rowtype;
begin
    select * into existing from pg_roles where rolname = 'waypoint_login';
    if not found then
        create role waypoint_login login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
    elsif existing.rolsuper or existing.rolbypassrls or existing.rolreplication then
        raise exception 'role waypoint_login exists with superuser, bypassrls or replication; remove those first';
    elsif existing.rolinherit or existing.rolcreatedb or existing.rolcreaterole or not existing.rolcanlogin then
        alter role waypoint_login login nocreatedb nocreaterole noinherit;
    end if;
exception when duplicate_object or unique_violation then
    null;
end
$$;

do $$
begin
    if not exists (select 1 from pg_auth_members am
                    where am.roleid = 'waypoint_app'::regrole and am.member = 'waypoint_login'::regrole) then
        grant waypoint_app to waypoint_login;
    end if;
exception when duplicate_object or unique_violation then
    null;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The sign-in throttle's progressive delay per account (app/src/accounts/throttle.rs): the
-- earliest moment the account's next password check may run. '-infinity': no wait.
-- ---------------------------------------------------------------------------------------------
alter table auth_throttle add column not_before timestamptz not null default '-infinity';
