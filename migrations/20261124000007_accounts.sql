-- Accounts: narrower reads of users, the look-ups sign-in and sign-up need before anyone is known,
-- session generations ("sign out everywhere"), abuse counters, and mentor applications.

-- users: what the application role may read ---------------------------------------------------
-- Password hashes are never readable by the application role. Sign-in and the password check
-- go through SECURITY DEFINER functions below that return one account's hash, by identifier.
alter table users add column session_generation integer not null default 0 check (session_generation >= 0);

revoke select on users from waypoint_app;
grant select (id, organization_id, email, username, first_name, last_name, role, status, email_verified_at,
              last_login_at, metadata, search, session_generation, created_at, updated_at, deleted_at)
    on users to waypoint_app;

-- The directory: students see themselves and their organization's mentors and administrators,
-- not each other; mentors and organization administrators see their whole organization.
drop policy users_read on users;
create policy users_read on users for select using (
    id = (select current_app_user_id())
    or (select current_app_is_platform_admin())
    or (organization_id = (select current_app_org_id())
        and ((select current_app_role()) in ('mentor', 'org_admin') or role in ('mentor', 'org_admin'))));

-- The audit trail records what decides access, not personal details, so scrubbing an account
-- on deletion leaves no copy of its email or name behind in the append-only log.
drop trigger users_audit_insert_delete on users;
drop trigger users_audit_access on users;
create trigger users_audit_insert_delete after insert or delete on users
    for each row execute function audit_row_change(
        'password_hash', 'search', 'metadata', 'email', 'username', 'first_name', 'last_name');
create trigger users_audit_access after update of role, status, deleted_at, organization_id on users
    for each row execute function audit_row_change(
        'password_hash', 'search', 'metadata', 'email', 'username', 'first_name', 'last_name',
        'last_login_at', 'session_generation');

-- Look-ups made before a request has a user -----------------------------------------------------
-- The account an identifier (email or username; a username never contains '@') names, with its
-- hash, for sign-in. Only live accounts.
create function account_for_sign_in(identifier text)
    returns table (user_id uuid, organization_id uuid, role user_role, status user_status,
                   password_hash text, session_generation integer)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    return query
        select u.id, u.organization_id, u.role, u.status, u.password_hash, u.session_generation
          from public.users u
         where u.deleted_at is null
           and (u.email = identifier::citext or u.username = identifier::citext)
         limit 1;
end
$$;

-- What a session needs to know on every request: is the account still live, what may it do, and
-- is the session from its current generation.
create function account_for_session(account uuid)
    returns table (organization_id uuid, role user_role, status user_status, session_generation integer,
                   username text, first_name text, organization_name text)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    return query
        select u.organization_id, u.role, u.status, u.session_generation, u.username::text, u.first_name, o.name
          from public.users u join public.organizations o on o.id = u.organization_id
         where u.id = account and u.deleted_at is null;
end
$$;

-- The signed-in user's own hash, to confirm their current password before a sensitive change.
create function current_user_password_hash() returns text
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    return (select u.password_hash from public.users u
             where u.id = current_app_user_id() and u.deleted_at is null);
end
$$;

-- The organization an invite code opens (codes compare without case or surrounding space).
create function organization_for_invite(code text) returns table (id uuid, name text)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    return query
        select o.id, o.name from public.organizations o
         where o.deleted_at is null and o.invite_code is not null
           and upper(o.invite_code) = upper(btrim(code))
         limit 1;
end
$$;

revoke all on function account_for_sign_in(text), account_for_session(uuid), current_user_password_hash(),
    organization_for_invite(text) from public;
grant execute on function account_for_sign_in(text), account_for_session(uuid), current_user_password_hash(),
    organization_for_invite(text) to waypoint_app;

-- Abuse limits -------------------------------------------------------------------------------------
-- Fixed-window counters for sign-in failures and sign-up attempts, keyed per IP and per account.
-- Not tenant data (they exist before anyone is known) and short-lived: the hourly sweep deletes
-- finished windows. Kept in PostgreSQL so every app server sees the same counts.
create table auth_throttle (
    bucket         text primary key check (length(bucket) between 1 and 300),
    hits           integer not null check (hits >= 0),
    window_ends_at timestamptz not null
);
create index auth_throttle_window_ends_at_idx on auth_throttle (window_ends_at);
grant select, insert, update, delete on auth_throttle to waypoint_app;

-- Mentor applications ------------------------------------------------------------------------------
create type mentor_application_status as enum ('pending', 'approved', 'declined', 'withdrawn');

create table mentor_applications (
    id                 uuid primary key default gen_random_uuid(),
    user_id            uuid not null,
    organization_id    uuid not null,
    expertise_areas    text[] not null check (cardinality(expertise_areas) between 1 and 10),
    years_experience   integer not null check (years_experience between 0 and 70),
    experience_summary text not null check (length(btrim(experience_summary)) between 20 and 4000),
    hourly_rate_minor  bigint not null check (hourly_rate_minor between 0 and 100000000),
    currency           char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    status             mentor_application_status not null default 'pending',
    decided_by         uuid references users (id),
    decided_at         timestamptz,
    decision_note      text check (length(decision_note) <= 1000),
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    deleted_at         timestamptz,
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade,
    check ((status in ('approved', 'declined')) = (decided_at is not null))
);
-- One open application per person.
create unique index mentor_applications_one_pending on mentor_applications (user_id)
    where status = 'pending' and deleted_at is null;
create index mentor_applications_organization_id_idx on mentor_applications (organization_id, status, created_at);
create trigger mentor_applications_set_updated_at before update on mentor_applications
    for each row execute function set_updated_at();
-- The trail keeps the decision (status, who, when), not the applicant's own words.
create trigger mentor_applications_audit after insert or update or delete on mentor_applications
    for each row execute function audit_row_change('experience_summary', 'decision_note');

alter table mentor_applications enable row level security;
alter table mentor_applications force row level security;
create policy mentor_applications_owner_read on mentor_applications for select using (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));
-- A student applies for themselves, undecided.
create policy mentor_applications_owner_create on mentor_applications for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and (select current_app_role()) = 'student'
    and status = 'pending' and decided_by is null and decided_at is null);
-- ...and may withdraw it while it is open, but never decide it.
create policy mentor_applications_owner_withdraw on mentor_applications for update
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
           and status = 'pending')
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
           and status = 'withdrawn' and decided_by is null);
create policy mentor_applications_admin on mentor_applications for all
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
grant select, insert, update on mentor_applications to waypoint_app;

-- Deleting an account erases the person's applications, decided ones included (which the
-- owner's policies rightly don't let them edit): an open one is withdrawn, so it can never be
-- approved, and every summary and note goes. Only the caller's own rows.
create function erase_own_mentor_applications() returns integer
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
declare
    erased integer;
begin
    update public.mentor_applications
       set status = case when status = 'pending' then 'withdrawn'::mentor_application_status else status end,
           experience_summary = 'Erased when the account was deleted.',
           decision_note = null,
           deleted_at = coalesce(deleted_at, now())
     where user_id = current_app_user_id();
    get diagnostics erased = row_count;
    return erased;
end
$$;
revoke all on function erase_own_mentor_applications() from public;
grant execute on function erase_own_mentor_applications() to waypoint_app;

-- Only administrators change an account's status; a person may only deactivate their own
-- account as they delete it. (A suspended person cannot sign in to undo it anyway; this keeps
-- the rule in the database.) Organization administrators never change a platform administrator.
create function users_guard_status() returns trigger
    language plpgsql
    as $$
begin
    if current_user <> 'waypoint_app' then
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
create trigger users_guard_status before update of status, role on users
    for each row execute function users_guard_status();
