-- Anonymous visits to the public pages are answered from each app server's rendered-page cache
-- (server/src/page_cache.rs). A write to the data behind those pages tells every app server which
-- pages to drop: `NOTIFY page_cache, '<scope>'`, which PostgreSQL delivers at commit (never for a
-- rolled-back write) to every listening server, once per transaction and scope however many
-- rows changed. Statement triggers, so a bulk load notifies once, not once per row.
--
-- Scopes (the payloads; page_cache::scopes_for says which pages read which):
--   careers    careers, job zones and the BLS figures joined to them
--   mentors    listings, session types, hours, date overrides, reviews, bookings (free slots),
--              and the mentors' names and account status
--   resources  the library and its redirects
--   plans      pricing
--   site       organizations and assessments (the home page's figures)

create function notify_page_cache() returns trigger
    language plpgsql
    as $$
begin
    perform pg_notify('page_cache', tg_argv[0]);
    return null;
end
$$;

create trigger careers_page_cache after insert or update or delete or truncate on careers
    for each statement execute function notify_page_cache('careers');
create trigger job_zones_page_cache after insert or update or delete or truncate on job_zones
    for each statement execute function notify_page_cache('careers');
create trigger bls_occupations_page_cache after insert or update or delete or truncate on bls_occupations
    for each statement execute function notify_page_cache('careers');
create trigger career_bls_matches_page_cache after insert or update or delete or truncate on career_bls_matches
    for each statement execute function notify_page_cache('careers');

create trigger mentors_page_cache after insert or update or delete or truncate on mentors
    for each statement execute function notify_page_cache('mentors');
create trigger mentor_session_types_page_cache after insert or update or delete or truncate on mentor_session_types
    for each statement execute function notify_page_cache('mentors');
create trigger mentor_weekly_hours_page_cache after insert or update or delete or truncate on mentor_weekly_hours
    for each statement execute function notify_page_cache('mentors');
create trigger mentor_date_overrides_page_cache after insert or update or delete or truncate on mentor_date_overrides
    for each statement execute function notify_page_cache('mentors');
create trigger mentor_reviews_page_cache after insert or update or delete or truncate on mentor_reviews
    for each statement execute function notify_page_cache('mentors');
create trigger bookings_page_cache after insert or update or delete or truncate on bookings
    for each statement execute function notify_page_cache('mentors');
-- Only the columns a public page shows (a mentor's name, whether the account is active): a
-- sign-in updates last_login_at and must not empty the cache.
create trigger users_page_cache
    after insert or delete or update of first_name, last_name, role, status, deleted_at on users
    for each statement execute function notify_page_cache('mentors');
create trigger users_truncate_page_cache after truncate on users
    for each statement execute function notify_page_cache('mentors');

create trigger resources_page_cache after insert or update or delete or truncate on resources
    for each statement execute function notify_page_cache('resources');
create trigger resource_redirects_page_cache after insert or update or delete or truncate on resource_redirects
    for each statement execute function notify_page_cache('resources');

create trigger plans_page_cache after insert or update or delete or truncate on plans
    for each statement execute function notify_page_cache('plans');

create trigger organizations_page_cache after insert or update or delete or truncate on organizations
    for each statement execute function notify_page_cache('site');
create trigger assessments_page_cache after insert or update or delete or truncate on assessments
    for each statement execute function notify_page_cache('site');
