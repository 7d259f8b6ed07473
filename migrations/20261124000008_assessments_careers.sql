-- Assessments and careers: versioned instruments, attempts, O*NET occupations and career goals.

-- Assessment versions -----------------------------------------------------------------------
-- A version is one `assessments` row; versions of one instrument share (organization, slug).
-- At most one version is published and at most one is a draft at a time; publishing a draft
-- archives the version it replaces. Results point at the version taken, forever.
create unique index assessments_one_published_key
    on assessments (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), slug)
    where status = 'published' and deleted_at is null;
create unique index assessments_one_draft_key
    on assessments (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), slug)
    where status = 'draft' and deleted_at is null;
alter table assessments add constraint assessments_published_has_date
    check ((status = 'draft') or published_at is not null);

-- Drafts are for their authors (the organization's admins, or platform admins for built-in
-- instruments); everyone else reads published versions, and archived ones so a result taken on
-- an older version can still be shown with the questions and scoring it was taken on.
drop policy assessments_read on assessments;
create policy assessments_read on assessments for select using (
    (status <> 'draft' and (organization_id is null or organization_id = (select current_app_org_id())))
    or current_app_is_org_admin_of(organization_id)
    or (select current_app_is_platform_admin()));

-- Authoring is audited: who published what, and when.
create trigger assessments_audit after insert or update or delete on assessments
    for each row execute function audit_row_change();

-- One attempt in progress per person and version: answering again resumes it.
create unique index assessment_results_in_progress_key
    on assessment_results (user_id, assessment_id)
    where status = 'in_progress' and deleted_at is null;

-- Careers (O*NET occupations) -----------------------------------------------------------------
-- Reference data loaded from data/onet-29.3 by the server (server/src/reference.rs). Public to
-- everyone, written only by the owner role that loads it.
create table job_zones (
    zone        smallint primary key check (zone between 1 and 5),
    name        text not null,
    experience  text not null,
    education   text not null,
    training    text not null,
    examples    text not null,
    svp_range   text not null
);

create table careers (
    code           text primary key check (code ~ '^[0-9]{2}-[0-9]{4}\.[0-9]{2}$'),
    title          text not null check (length(btrim(title)) between 2 and 200),
    description    text not null,
    job_zone       smallint not null references job_zones (zone),
    -- O*NET occupational interest (OI) profile, 1-7 per RIASEC area.
    realistic      double precision not null check (realistic between 1 and 7),
    investigative  double precision not null check (investigative between 1 and 7),
    artistic       double precision not null check (artistic between 1 and 7),
    social         double precision not null check (social between 1 and 7),
    enterprising   double precision not null check (enterprising between 1 and 7),
    conventional   double precision not null check (conventional between 1 and 7),
    -- O*NET's first, second and third interest high points, e.g. 'SIA' (fewer when none).
    high_point_code text not null default '' check (high_point_code ~ '^[RIASEC]{0,3}$'),
    -- [{"text": ..., "core": true}], core tasks first.
    tasks          jsonb not null default '[]' check (jsonb_typeof(tasks) = 'array'),
    -- [{"category": ..., "examples": [{"name": ..., "hot": true, "in_demand": false}]}]
    technology     jsonb not null default '[]' check (jsonb_typeof(technology) = 'array'),
    -- Related occupations' codes, most related first.
    related        text[] not null default '{}',
    search         tsvector generated always as (
                       setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                       setweight(to_tsvector('english', coalesce(description, '')), 'B')
                   ) stored,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
create index careers_search_idx on careers using gin (search);
create index careers_title_trgm_idx on careers using gin (title gin_trgm_ops);
create index careers_job_zone_idx on careers (job_zone);
create trigger careers_set_updated_at before update on careers
    for each row execute function set_updated_at();
grant select on careers, job_zones to waypoint_app;

-- Career goals: the career a person is working towards (the roadmaps area builds on it) --------
create table career_goals (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    career_code     text not null references careers (code) on update cascade,
    -- The result the goal was chosen from, when it came from a match.
    assessment_result_id uuid references assessment_results (id) on delete set null,
    chosen_at       timestamptz not null default now(),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
-- One current goal per person; earlier ones stay as history (soft-deleted).
create unique index career_goals_current_key on career_goals (user_id) where deleted_at is null;
create index career_goals_organization_id_idx on career_goals (organization_id);
create trigger career_goals_set_updated_at before update on career_goals
    for each row execute function set_updated_at();
alter table career_goals enable row level security;
alter table career_goals force row level security;
create policy career_goals_owner on career_goals for all
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));
create policy career_goals_admin_read on career_goals for select
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
grant select, insert, update on career_goals to waypoint_app;
