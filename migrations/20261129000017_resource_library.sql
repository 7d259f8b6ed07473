-- The resource library: what a resource is (difficulty, careers, sources, its Markdown rendered
-- and sanitised once when saved), search over plain text, old addresses that redirect, the words
-- "did you mean" suggests from, and progress on resources.

-- 1. Resources ---------------------------------------------------------------------------------
create type resource_difficulty as enum ('beginner', 'intermediate', 'advanced');

alter table resources
    add column difficulty   resource_difficulty not null default 'beginner',
    -- O*NET-SOC codes of the careers it is about (checked against careers by the trigger below).
    add column career_codes text[] not null default '{}',
    -- [{"title": …, "url": "https://…"}]: the public sources it draws on.
    add column sources      jsonb not null default '[]' check (jsonb_typeof(sources) = 'array'),
    -- The content as sanitised HTML (app::resources::markdown), written with the Markdown.
    add column content_html text not null default '',
    -- The content as plain text: what search indexes and its snippets quote.
    add column content_text text not null default '',
    add column edited_at    timestamptz;

-- Search reads the plain text, not the Markdown (no link targets or markup in the index or in
-- snippets): title (A) above description and tags (B) above content (C).
drop index resources_search_idx;
alter table resources drop column search;
alter table resources add column search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '') || ' ' || immutable_array_to_text(tags)), 'B') ||
    setweight(to_tsvector('english', coalesce(content_text, '')), 'C')
) stored;
create index resources_search_idx on resources using gin (search);
create index resources_tags_idx on resources using gin (tags);
create index resources_career_codes_idx on resources using gin (career_codes);
create index resources_published_idx on resources (published_at desc) where status = 'published' and deleted_at is null;

alter table resources
    add constraint resources_description_length check (length(description) <= 300),
    add constraint resources_content_length check (length(content) <= 100000),
    add constraint resources_tags_shape check (cardinality(tags) <= 12),
    add constraint resources_reserved_slug check (slug not in ('manage', 'new', 'search'));

-- Careers named must exist; tags are kept lower case and unique.
create function resources_check_careers() returns trigger
    language plpgsql
    set search_path = public, pg_temp
    as $$
declare
    unknown text;
begin
    select c into unknown from unnest(new.career_codes) c where not exists (select 1 from careers k where k.code = c) limit 1;
    if unknown is not null then
        raise exception 'no career has the code %', unknown using errcode = '23503', constraint = 'resources_career_codes_known';
    end if;
    new.tags := array(select distinct lower(btrim(t)) from unnest(new.tags) t where btrim(t) <> '' order by 1);
    if new.status = 'published' and new.published_at is null then
        new.published_at := now();
    end if;
    return new;
end
$$;
create trigger resources_check_careers before insert or update on resources
    for each row execute function resources_check_careers();

-- 2. Old addresses ------------------------------------------------------------------------------
-- A renamed resource keeps answering at every slug it had, with 301 to the current one.
create table resource_redirects (
    organization_id uuid references organizations (id) on update cascade,
    old_slug        citext not null,
    resource_id     uuid not null references resources (id) on delete cascade,
    created_at      timestamptz not null default now()
);
create unique index resource_redirects_key
    on resource_redirects (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), old_slug);
alter table resource_redirects enable row level security;
alter table resource_redirects force row level security;
-- Visible exactly when the resource it leads to is (the resources policy applies inside).
create policy resource_redirects_read on resource_redirects for select
    using (exists (select 1 from resources r where r.id = resource_id));
grant select on resource_redirects to waypoint_app;

create function resources_keep_old_slug() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    -- A slug taken again stops redirecting elsewhere.
    delete from resource_redirects
     where coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid)
           = coalesce(new.organization_id, '00000000-0000-0000-0000-000000000000'::uuid)
       and old_slug = new.slug;
    if tg_op = 'UPDATE' and old.slug is distinct from new.slug then
        insert into resource_redirects (organization_id, old_slug, resource_id)
        values (old.organization_id, old.slug, new.id)
        on conflict (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), old_slug)
        do update set resource_id = excluded.resource_id, created_at = now();
    end if;
    return null;
end
$$;
create trigger resources_keep_old_slug after insert or update of slug on resources
    for each row execute function resources_keep_old_slug();

-- 3. "Did you mean" -----------------------------------------------------------------------------
-- The words of the shared, published library (never an organization's own, whose words would
-- leak to other organizations), with a trigram index for the nearest spelling.
create table resource_words (
    word      text primary key,
    documents integer not null
);
create index resource_words_trgm_idx on resource_words using gin (word gin_trgm_ops);
grant select on resource_words to waypoint_app;

create function refresh_resource_words() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    delete from resource_words;
    insert into resource_words (word, documents)
    select word, ndoc from ts_stat($q$
        select to_tsvector('simple', title || ' ' || description || ' ' || content_text)
          from public.resources
         where organization_id is null and status = 'published' and deleted_at is null
    $q$)
    where length(word) between 3 and 40 and word ~ '^[a-z]+$';
    return null;
end
$$;
create trigger resources_refresh_words after insert or update or delete on resources
    for each statement execute function refresh_resource_words();

-- 4. Progress on resources --------------------------------------------------------------------
-- user_progress already belongs to its owner (policies of migration 3); a resource's row records
-- when it was started and finished.
create index user_progress_resource_idx on user_progress (resource_id) where resource_id is not null;
