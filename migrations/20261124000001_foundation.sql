-- Foundation: extensions, the application role, shared helper functions and enum types.
--
-- Two roles take part (see ../shared/design.md, "Database"):
--   * the owner, who runs these migrations (it must be a superuser or hold BYPASSRLS: it also
--     loads reference and demo data, which spans tenants);
--   * waypoint_app, which the server uses for every request. It owns nothing and has no
--     BYPASSRLS, so the row-level security policies bind it.

create extension if not exists pgcrypto;
create extension if not exists btree_gist;
create extension if not exists citext;
create extension if not exists pg_trgm;

-- Roles are cluster-wide while migrations run once per database (tests create many databases in
-- one cluster), so creating the role must tolerate that it already exists, even under a race.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'waypoint_app') then
        -- LOGIN without a password: under password authentication it cannot sign in until an
        -- operator gives it one; the embedded cluster trusts its private socket.
        create role waypoint_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls;
    end if;
exception when duplicate_object or unique_violation then
    null;
end
$$;

grant usage on schema public to waypoint_app;

-- The request context that row-level security reads. db::tx sets these with
-- set_config(name, value, true), so they last for one transaction only.
create function current_app_user_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function current_app_org_id() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

create function current_app_role() returns text
    language sql stable parallel safe
    as $$ select coalesce(nullif(current_setting('app.role', true), ''), 'anonymous') $$;

-- A platform administrator works across organizations.
create function current_app_is_platform_admin() returns boolean
    language sql stable parallel safe
    as $$ select current_app_role() = 'admin' $$;

-- An organization administrator manages the one organization of the request context.
create function current_app_is_org_admin_of(org uuid) returns boolean
    language sql stable parallel safe
    as $$ select current_app_role() = 'org_admin' and org = current_app_org_id() $$;

-- array_to_string is only STABLE, which generated columns refuse; for text[] it is immutable.
create function immutable_array_to_text(text[]) returns text
    language sql immutable parallel safe
    as $$ select coalesce(array_to_string($1, ' '), '') $$;

-- Keeps updated_at honest on every table.
create function set_updated_at() returns trigger
    language plpgsql
    as $$
begin
    new.updated_at := now();
    return new;
end
$$;

grant execute on function current_app_user_id(), current_app_org_id(), current_app_role(),
    current_app_is_platform_admin(), current_app_is_org_admin_of(uuid),
    immutable_array_to_text(text[]) to waypoint_app;

-- Roles and every status are enum types: the database refuses a value the code does not know.
create type organization_kind as enum ('public', 'school', 'university', 'career_centre', 'employer', 'other');
create type user_role as enum ('student', 'mentor', 'org_admin', 'admin');
create type user_status as enum ('active', 'suspended', 'deactivated');
create type education_level as enum (
    'secondary', 'vocational', 'some_college', 'associate', 'bachelor', 'master', 'doctorate', 'other');
create type career_status as enum (
    'student', 'graduate', 'career_changer', 'employed', 'job_seeker', 'returning', 'other');
create type mentor_status as enum ('active', 'paused', 'retired');
create type assessment_status as enum ('draft', 'published', 'archived');
create type question_type as enum ('likert', 'single_choice', 'multiple_choice', 'scale', 'ranking', 'free_text');
create type assessment_result_status as enum ('in_progress', 'completed', 'abandoned');
create type booking_status as enum ('pending', 'confirmed', 'completed', 'cancelled', 'no_show');
create type payment_status as enum (
    'pending', 'requires_action', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded');
create type subscription_status as enum ('trialing', 'active', 'past_due', 'cancelled', 'expired');
create type roadmap_status as enum ('active', 'completed', 'archived');
create type roadmap_step_kind as enum ('learn', 'practice', 'project', 'network', 'apply', 'milestone');
create type roadmap_step_status as enum ('not_started', 'in_progress', 'completed', 'skipped');
create type resource_type as enum ('article', 'video', 'course', 'book', 'podcast', 'tool', 'template', 'guide');
create type resource_status as enum ('draft', 'published', 'archived');
create type progress_status as enum ('not_started', 'in_progress', 'completed');
create type notification_kind as enum (
    'system', 'booking', 'payment', 'assessment', 'roadmap', 'mentor_application', 'message');
create type notification_channel as enum ('in_app', 'email');
create type notification_status as enum ('unread', 'read', 'archived');
create type audit_action as enum ('insert', 'update', 'delete');
