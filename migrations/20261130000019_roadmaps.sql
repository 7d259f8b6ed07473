-- Roadmaps and progress: generated roadmaps towards a career goal, edited by their owner, read
-- and commented on by the owner's mentors, shared by link, and the progress they record.

create type roadmap_step_origin as enum ('generated', 'added', 'suggested');
create type roadmap_suggestion_status as enum ('pending', 'accepted', 'rejected');

-- Roadmaps -------------------------------------------------------------------------------------
alter table career_roadmaps
    -- The goal it was generated from (goals are history once replaced; the roadmap stays).
    add column career_goal_id uuid references career_goals (id) on delete set null,
    -- The horizon the person picked; step dates are spread over it.
    add column horizon_months smallint check (horizon_months between 1 and 60),
    -- Moves on with every change to the roadmap or its steps: a reorder names the version it
    -- was made on, and a later save on an older version is refused instead of scrambling.
    add column version integer not null default 1 check (version >= 1),
    -- The SHA-256 of the read-only share link's token (the token itself is never stored).
    add column share_token_hash bytea unique check (share_token_hash is null or length(share_token_hash) = 32),
    add column shared_at timestamptz,
    -- The owner's choice to let their organization's administrators read this roadmap.
    add column shared_with_organization boolean not null default false,
    add column archived_at timestamptz,
    add constraint career_roadmaps_description_length check (length(description) <= 4000),
    add constraint career_roadmaps_archived_when check ((status = 'archived') = (archived_at is not null)),
    add constraint career_roadmaps_completed_when check ((status = 'completed') <= (completed_at is not null));
-- One roadmap in use per career and person; an archived one makes room for a new one.
create unique index career_roadmaps_one_per_career on career_roadmaps (user_id, target_career_code)
    where status <> 'archived' and deleted_at is null;

alter table roadmap_steps
    -- Why the step is there (the generator explains itself; a person may write their own).
    add column reason text not null default '' check (length(reason) <= 1000),
    add column origin roadmap_step_origin not null default 'added',
    add constraint roadmap_steps_description_length check (length(description) <= 4000);

-- Each step carries the library's resources for it, in order.
create table roadmap_step_resources (
    step_id         uuid not null,
    organization_id uuid not null,
    resource_id     uuid not null references resources (id) on delete cascade,
    position        smallint not null check (position >= 1),
    primary key (step_id, resource_id),
    foreign key (step_id, organization_id) references roadmap_steps (id, organization_id)
        on update cascade on delete cascade
);
create index roadmap_step_resources_resource_idx on roadmap_step_resources (resource_id);

-- Mentors in the loop --------------------------------------------------------------------------
-- Whether the signed-in person is a mentor with a live or past session with `student`: only then
-- may they read the student's roadmaps, comment and suggest. Security definer: it reads bookings
-- and mentors whatever their policies say, and answers only about the caller.
create function current_app_mentors_student(student uuid) returns boolean
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select exists (
            select 1 from bookings b join mentors m on m.id = b.mentor_id
             where b.student_id = student and m.user_id = current_app_user_id()
               and m.organization_id = current_app_org_id()
               and b.status in ('pending', 'confirmed', 'completed') and b.deleted_at is null)
    $$;
revoke all on function current_app_mentors_student(uuid) from public;
grant execute on function current_app_mentors_student(uuid) to waypoint_app;

create table roadmap_comments (
    id              uuid primary key default gen_random_uuid(),
    roadmap_id      uuid not null,
    organization_id uuid not null,
    -- null: about the roadmap as a whole.
    step_id         uuid,
    author_id       uuid not null,
    body            text not null check (length(btrim(body)) between 1 and 2000),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    foreign key (roadmap_id, organization_id) references career_roadmaps (id, organization_id)
        on update cascade on delete cascade,
    foreign key (step_id, organization_id) references roadmap_steps (id, organization_id)
        on update cascade on delete cascade,
    foreign key (author_id, organization_id) references users (id, organization_id) on update cascade
);
create index roadmap_comments_roadmap_idx on roadmap_comments (roadmap_id, created_at);
create trigger roadmap_comments_set_updated_at before update on roadmap_comments
    for each row execute function set_updated_at();

create table roadmap_suggestions (
    id              uuid primary key default gen_random_uuid(),
    roadmap_id      uuid not null,
    organization_id uuid not null,
    author_id       uuid not null,
    title           text not null check (length(btrim(title)) between 2 and 200),
    description     text not null default '' check (length(description) <= 4000),
    kind            roadmap_step_kind not null,
    reason          text not null default '' check (length(reason) <= 1000),
    status          roadmap_suggestion_status not null default 'pending',
    decided_at      timestamptz,
    -- The step an accepted suggestion became.
    step_id         uuid references roadmap_steps (id) on delete set null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    check ((status = 'pending') = (decided_at is null)),
    foreign key (roadmap_id, organization_id) references career_roadmaps (id, organization_id)
        on update cascade on delete cascade,
    foreign key (author_id, organization_id) references users (id, organization_id) on update cascade
);
create index roadmap_suggestions_roadmap_idx on roadmap_suggestions (roadmap_id, created_at);
create trigger roadmap_suggestions_set_updated_at before update on roadmap_suggestions
    for each row execute function set_updated_at();

-- Plans keep a number of roadmaps ---------------------------------------------------------------
-- plans.entitlements.roadmaps: how many roadmaps in use (not archived) a plan keeps at once, null
-- for unlimited. Checked by the database so no path can go past it; concurrent creations for one
-- person queue on a per-person lock so two tabs can't both take the last place.
create function career_roadmaps_within_plan() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    allowed jsonb;
    plan_name text;
    in_use integer;
begin
    if new.status = 'archived' or new.deleted_at is not null then
        return new;
    end if;
    -- A roadmap in someone else's name is refused by row-level security after this trigger;
    -- answering about their plan here first would tell a stranger what they pay for.
    if current_app_user_id() is not null and new.user_id is distinct from current_app_user_id()
       and not current_app_is_platform_admin() then
        return new;
    end if;
    if tg_op = 'UPDATE' and old.status <> 'archived' and old.deleted_at is null then
        return new;
    end if;
    perform pg_advisory_xact_lock(hashtextextended('career_roadmaps:' || new.user_id::text, 0));
    select p.entitlements -> 'roadmaps', p.name into allowed, plan_name
      from plans p where p.code = current_plan_of(new.user_id);
    if allowed is null or jsonb_typeof(allowed) <> 'number' then
        return new;
    end if;
    select count(*) into in_use from career_roadmaps
     where user_id = new.user_id and status <> 'archived' and deleted_at is null and id <> new.id;
    if in_use >= (allowed #>> '{}')::integer then
        raise exception 'the % plan keeps % roadmap(s) at once', plan_name, allowed
            using errcode = '23514', constraint = 'career_roadmaps_plan_limit',
                  detail = plan_name || ':' || (allowed #>> '{}');
    end if;
    return new;
end
$$;
create trigger career_roadmaps_within_plan before insert or update of status, deleted_at on career_roadmaps
    for each row execute function career_roadmaps_within_plan();

-- Progress follows the steps ---------------------------------------------------------------------
-- Every step's status is mirrored into user_progress (the record of progress the dashboard and
-- the data export read): started when first in progress or done, completed with its time.
create function roadmap_steps_record_progress() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    owner uuid;
begin
    if tg_op = 'UPDATE' and new.status is not distinct from old.status then
        return new;
    end if;
    select user_id into owner from career_roadmaps where id = new.roadmap_id;
    insert into user_progress (user_id, organization_id, roadmap_step_id, status, progress_percent,
                               started_at, completed_at, last_activity_at, metadata)
    values (owner, new.organization_id, new.id,
            case new.status when 'completed' then 'completed'::progress_status
                            when 'in_progress' then 'in_progress'::progress_status
                            else 'not_started'::progress_status end,
            case new.status when 'completed' then 100 when 'in_progress' then 50 else 0 end,
            case when new.status in ('in_progress', 'completed') then now() end,
            new.completed_at, now(), jsonb_build_object('skipped', new.status = 'skipped'))
    on conflict (user_id, roadmap_step_id) where roadmap_step_id is not null and deleted_at is null
    do update set status = excluded.status,
                  progress_percent = excluded.progress_percent,
                  started_at = coalesce(user_progress.started_at, excluded.started_at),
                  completed_at = excluded.completed_at,
                  last_activity_at = now(),
                  metadata = user_progress.metadata || excluded.metadata;
    return new;
end
$$;
create trigger roadmap_steps_record_progress after insert or update of status on roadmap_steps
    for each row execute function roadmap_steps_record_progress();

-- A roadmap is completed when every step is done or skipped (and active again when one reopens).
create function roadmap_steps_complete_roadmap() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    target uuid := coalesce(new.roadmap_id, old.roadmap_id);
    open_steps integer;
    all_steps integer;
begin
    select count(*) filter (where status not in ('completed', 'skipped')), count(*)
      into open_steps, all_steps
      from roadmap_steps where roadmap_id = target and deleted_at is null;
    update career_roadmaps
       set status = case when all_steps > 0 and open_steps = 0 then 'completed'::roadmap_status
                         else 'active'::roadmap_status end,
           completed_at = case when all_steps > 0 and open_steps = 0 then coalesce(completed_at, now()) end
     where id = target and status <> 'archived'
       and status is distinct from (case when all_steps > 0 and open_steps = 0 then 'completed'::roadmap_status
                                         else 'active'::roadmap_status end);
    return null;
end
$$;
create trigger roadmap_steps_complete_roadmap after insert or delete or update of status on roadmap_steps
    for each row execute function roadmap_steps_complete_roadmap();

-- Notifications: the owner hears about comments and suggestions, the mentor about decisions ------
create function roadmap_feedback_notify() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    owner uuid;
    roadmap_title text;
    author_name text;
begin
    select r.user_id, r.title into owner, roadmap_title from career_roadmaps r where r.id = new.roadmap_id;
    if tg_table_name = 'roadmap_comments' then
        if new.author_id = owner then
            return null;
        end if;
        select u.first_name into author_name from users u where u.id = new.author_id;
        insert into notifications (user_id, organization_id, kind, title, body, payload)
        values (owner, new.organization_id, 'roadmap', author_name || ' commented on your roadmap',
                left(new.body, 280), jsonb_build_object('roadmap_id', new.roadmap_id, 'comment_id', new.id));
    elsif tg_op = 'INSERT' then
        select u.first_name into author_name from users u where u.id = new.author_id;
        insert into notifications (user_id, organization_id, kind, title, body, payload)
        values (owner, new.organization_id, 'roadmap', author_name || ' suggested a step for your roadmap',
                '"' || new.title || '" on ' || roadmap_title || '. Accept it to add it, or reject it.',
                jsonb_build_object('roadmap_id', new.roadmap_id, 'suggestion_id', new.id));
    elsif new.status <> old.status then
        select u.first_name into author_name from users u where u.id = owner;
        insert into notifications (user_id, organization_id, kind, title, body, payload)
        values (new.author_id, new.organization_id, 'roadmap',
                author_name || case new.status when 'accepted' then ' accepted' else ' declined' end || ' your suggested step',
                '"' || new.title || '" on ' || roadmap_title || '.',
                jsonb_build_object('roadmap_id', new.roadmap_id, 'suggestion_id', new.id));
    end if;
    return null;
end
$$;
create trigger roadmap_comments_notify after insert on roadmap_comments
    for each row execute function roadmap_feedback_notify();
create trigger roadmap_suggestions_notify after insert or update of status on roadmap_suggestions
    for each row execute function roadmap_feedback_notify();

-- Share links ------------------------------------------------------------------------------------
-- The read-only view behind a share link, for anyone holding the token (the server hashes it):
-- the roadmap and its steps, without the owner's name or anything else about them.
create function shared_roadmap(token_hash bytea) returns jsonb
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select jsonb_build_object(
            'id', r.id, 'title', r.title, 'description', r.description,
            'career_code', r.target_career_code, 'career_title', c.title,
            'status', r.status, 'updated_at', r.updated_at,
            'steps', coalesce((
                select jsonb_agg(jsonb_build_object(
                    'position', s.position, 'title', s.title, 'description', s.description,
                    'kind', s.kind, 'status', s.status, 'due_date', s.due_date, 'reason', s.reason)
                    order by s.position)
                  from roadmap_steps s where s.roadmap_id = r.id and s.deleted_at is null), '[]'))
          from career_roadmaps r left join careers c on c.code = r.target_career_code
         where r.share_token_hash = token_hash and r.deleted_at is null
    $$;
revoke all on function shared_roadmap(bytea) from public;
grant execute on function shared_roadmap(bytea) to waypoint_app;

-- Organization aggregates ------------------------------------------------------------------------
-- What an organization's administrators see: counts, never rows about a person. Refused for
-- anyone else (another organization's administrator included).
create function organization_roadmap_figures(org uuid)
    returns table (members bigint, with_goal bigint, with_roadmap bigint, steps_completed bigint, shared bigint)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    if not (current_app_is_org_admin_of(org) or current_app_is_platform_admin()) then
        raise exception 'only this organization''s administrators see its figures' using errcode = '42501';
    end if;
    return query
        select (select count(*) from users u where u.organization_id = org and u.deleted_at is null and u.role = 'student'),
               (select count(distinct g.user_id) from career_goals g join users u on u.id = g.user_id
                 where g.organization_id = org and g.deleted_at is null and u.deleted_at is null),
               (select count(distinct r.user_id) from career_roadmaps r
                 where r.organization_id = org and r.deleted_at is null and r.status <> 'archived'),
               (select count(*) from roadmap_steps s where s.organization_id = org and s.status = 'completed' and s.deleted_at is null),
               (select count(*) from career_roadmaps r
                 where r.organization_id = org and r.shared_with_organization and r.deleted_at is null);
end
$$;
revoke all on function organization_roadmap_figures(uuid) from public;
grant execute on function organization_roadmap_figures(uuid) to waypoint_app;

create function organization_steps_by_month(org uuid, months integer)
    returns table (month date, steps bigint)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    if not (current_app_is_org_admin_of(org) or current_app_is_platform_admin()) then
        raise exception 'only this organization''s administrators see its figures' using errcode = '42501';
    end if;
    return query
        select m::date, (select count(*) from roadmap_steps s
                          where s.organization_id = org and s.status = 'completed' and s.deleted_at is null
                            and s.completed_at >= m and s.completed_at < m + interval '1 month')
          from generate_series(date_trunc('month', now()) - make_interval(months => greatest(months, 1) - 1),
                               date_trunc('month', now()), interval '1 month') as m
         order by 1;
end
$$;
revoke all on function organization_steps_by_month(uuid, integer) from public;
grant execute on function organization_steps_by_month(uuid, integer) to waypoint_app;

-- Row-level security -----------------------------------------------------------------------------
-- A person's roadmaps and progress are theirs: organization administrators no longer read them
-- row by row (they see the aggregates above) unless the owner shares a roadmap with them; a
-- mentor reads a student's roadmaps while they have a session together; the platform
-- administrator keeps access for support.
drop policy career_roadmaps_owner_read on career_roadmaps;
drop policy career_roadmaps_admin_write on career_roadmaps;
create policy career_roadmaps_read on career_roadmaps for select using (
    (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    or (organization_id = (select current_app_org_id()) and current_app_mentors_student(user_id))
    or (shared_with_organization and current_app_is_org_admin_of(organization_id))
    or (select current_app_is_platform_admin()));
create policy career_roadmaps_platform_admin_write on career_roadmaps for all
    using ((select current_app_is_platform_admin())) with check ((select current_app_is_platform_admin()));

drop policy roadmap_steps_admin on roadmap_steps;
-- Steps are visible exactly when their roadmap is (the subquery runs under the roadmap's policies).
create policy roadmap_steps_read on roadmap_steps for select using (
    exists (select 1 from career_roadmaps r where r.id = roadmap_id));
create policy roadmap_steps_platform_admin_write on roadmap_steps for all
    using ((select current_app_is_platform_admin())) with check ((select current_app_is_platform_admin()));

drop policy user_progress_owner_read on user_progress;
drop policy user_progress_admin_write on user_progress;
create policy user_progress_read on user_progress for select using (
    (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    or (select current_app_is_platform_admin()));
create policy user_progress_platform_admin_write on user_progress for all
    using ((select current_app_is_platform_admin())) with check ((select current_app_is_platform_admin()));

alter table roadmap_step_resources enable row level security;
alter table roadmap_step_resources force row level security;
create policy roadmap_step_resources_read on roadmap_step_resources for select using (
    exists (select 1 from roadmap_steps s where s.id = step_id));
create policy roadmap_step_resources_owner_write on roadmap_step_resources for all
    using (exists (select 1 from roadmap_steps s join career_roadmaps r on r.id = s.roadmap_id
                    where s.id = step_id and r.user_id = (select current_app_user_id())
                      and r.organization_id = (select current_app_org_id())))
    with check (exists (select 1 from roadmap_steps s join career_roadmaps r on r.id = s.roadmap_id
                    where s.id = step_id and r.user_id = (select current_app_user_id())
                      and r.organization_id = (select current_app_org_id())));

alter table roadmap_comments enable row level security;
alter table roadmap_comments force row level security;
create policy roadmap_comments_read on roadmap_comments for select using (
    exists (select 1 from career_roadmaps r where r.id = roadmap_id));
-- The owner and their mentors write, as themselves, on a roadmap they can read.
create policy roadmap_comments_write on roadmap_comments for insert with check (
    author_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and exists (select 1 from career_roadmaps r where r.id = roadmap_id
                   and (r.user_id = (select current_app_user_id()) or current_app_mentors_student(r.user_id))));
create policy roadmap_comments_author_update on roadmap_comments for update
    using (author_id = (select current_app_user_id()))
    with check (author_id = (select current_app_user_id()));

alter table roadmap_suggestions enable row level security;
alter table roadmap_suggestions force row level security;
create policy roadmap_suggestions_read on roadmap_suggestions for select using (
    exists (select 1 from career_roadmaps r where r.id = roadmap_id));
create policy roadmap_suggestions_mentor_create on roadmap_suggestions for insert with check (
    author_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and status = 'pending'
    and exists (select 1 from career_roadmaps r where r.id = roadmap_id and current_app_mentors_student(r.user_id)));
-- Only the roadmap's owner decides.
create policy roadmap_suggestions_owner_decide on roadmap_suggestions for update
    using (exists (select 1 from career_roadmaps r where r.id = roadmap_id
                      and r.user_id = (select current_app_user_id()) and r.organization_id = (select current_app_org_id())))
    with check (exists (select 1 from career_roadmaps r where r.id = roadmap_id
                      and r.user_id = (select current_app_user_id()) and r.organization_id = (select current_app_org_id())));

grant select, insert, update, delete on roadmap_step_resources to waypoint_app;
grant select, insert, update on roadmap_comments, roadmap_suggestions to waypoint_app;

create trigger roadmap_comments_audit after insert or update or delete on roadmap_comments
    for each row execute function audit_row_change();
create trigger roadmap_suggestions_audit after insert or update or delete on roadmap_suggestions
    for each row execute function audit_row_change();

-- A deleted account's roadmaps go with it (steps, resources, comments and suggestions cascade),
-- and what it wrote on others' roadmaps is blanked.
create function users_forget_roadmaps() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
begin
    if new.deleted_at is not null and old.deleted_at is null then
        delete from user_progress where user_id = new.id and roadmap_step_id is not null;
        delete from career_roadmaps where user_id = new.id;
        update roadmap_comments set body = 'Deleted', deleted_at = coalesce(deleted_at, now()) where author_id = new.id;
        update roadmap_suggestions set description = '', reason = '' where author_id = new.id;
    end if;
    return null;
end
$$;
create trigger users_forget_roadmaps after update of deleted_at on users
    for each row execute function users_forget_roadmaps();
