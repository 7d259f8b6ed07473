-- The tenants and the seed's 14 tables (../shared/seed/database-schema-design.md).
--
-- Conventions on every table: uuid primary key, created_at / updated_at (kept by a trigger) /
-- deleted_at (soft delete; unique indexes are partial on live rows). Every tenant table carries
-- organization_id, and child rows reference their parent through (id, organization_id), so a row
-- can never point into another tenant. Money is bigint minor units plus an ISO 4217 code.

create table organizations (
    id          uuid primary key default gen_random_uuid(),
    name        text not null check (length(btrim(name)) between 2 and 200),
    slug        citext not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 64),
    kind        organization_kind not null default 'school',
    -- Joining an organization other than the public one takes its invite code.
    invite_code text check (invite_code is null or length(invite_code) between 8 and 64),
    settings    jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    deleted_at  timestamptz
);
create unique index organizations_slug_key on organizations (slug) where deleted_at is null;
create unique index organizations_invite_code_key on organizations (invite_code)
    where invite_code is not null and deleted_at is null;
-- There is exactly one public organization, which everyone who signs up without a code joins.
create unique index organizations_one_public on organizations (kind) where kind = 'public' and deleted_at is null;

insert into organizations (name, slug, kind)
values ('Waypoint Community', 'community', 'public');

create table users (
    id              uuid primary key default gen_random_uuid(),
    organization_id uuid not null references organizations (id) on update cascade,
    email           citext not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and length(email) <= 254),
    username        citext not null check (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{1,30}[A-Za-z0-9]$'),
    password_hash   text not null check (password_hash like '$argon2id$%'),
    first_name      text not null check (length(btrim(first_name)) between 1 and 100),
    last_name       text not null check (length(btrim(last_name)) between 1 and 100),
    role            user_role not null default 'student',
    status          user_status not null default 'active',
    email_verified_at timestamptz,
    last_login_at   timestamptz,
    metadata        jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    search          tsvector generated always as (
                        to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, ''))
                    ) stored,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    unique (id, organization_id)
);
-- citext makes both case-insensitive; a soft-deleted account frees its email and username.
create unique index users_email_key on users (email) where deleted_at is null;
create unique index users_username_key on users (username) where deleted_at is null;
create index users_organization_id_idx on users (organization_id);
create index users_role_idx on users (role);
create index users_created_at_idx on users (created_at);
create index users_search_idx on users using gin (search);

create table user_profiles (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    headline        text check (length(headline) <= 160),
    bio             text check (length(bio) <= 4000),
    education_level education_level,
    current_status  career_status,
    location        text check (length(location) <= 120),
    -- An IANA zone name (Europe/Lisbon); the domain type checks it against the tz database.
    time_zone       text not null default 'UTC' check (length(time_zone) between 1 and 64),
    interests       text[] not null default '{}',
    target_roles    text[] not null default '{}',
    links           jsonb not null default '[]' check (jsonb_typeof(links) = 'array'),
    preferences     jsonb not null default '{}' check (jsonb_typeof(preferences) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create unique index user_profiles_user_id_key on user_profiles (user_id) where deleted_at is null;
create index user_profiles_organization_id_idx on user_profiles (organization_id);

create table mentors (
    id               uuid primary key default gen_random_uuid(),
    user_id          uuid not null,
    organization_id  uuid not null,
    bio              text not null default '' check (length(bio) <= 4000),
    expertise_areas  text[] not null default '{}',
    years_experience integer not null default 0 check (years_experience between 0 and 70),
    hourly_rate_minor bigint not null default 0 check (hourly_rate_minor >= 0),
    currency         char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    time_zone        text not null default 'UTC' check (length(time_zone) between 1 and 64),
    status           mentor_status not null default 'active',
    rating_average   numeric(3, 2) check (rating_average between 1 and 5),
    rating_count     integer not null default 0 check (rating_count >= 0),
    metadata         jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    search           tsvector generated always as (
                         setweight(to_tsvector('english', immutable_array_to_text(expertise_areas)), 'A') ||
                         setweight(to_tsvector('english', coalesce(bio, '')), 'B')
                     ) stored,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    unique (id, organization_id),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create unique index mentors_user_id_key on mentors (user_id) where deleted_at is null;
create index mentors_organization_id_idx on mentors (organization_id);
create index mentors_search_idx on mentors using gin (search);

-- One row per published version of an assessment; results point at the version taken.
-- organization_id null marks a built-in assessment that every organization sees.
create table assessments (
    id                uuid primary key default gen_random_uuid(),
    organization_id   uuid references organizations (id) on update cascade,
    slug              citext not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
    version           integer not null default 1 check (version >= 1),
    title             text not null check (length(btrim(title)) between 2 and 200),
    description       text not null default '',
    status            assessment_status not null default 'draft',
    -- How answers become scores: method, dimensions, labels (typed in app::assessments).
    scoring           jsonb not null default '{}' check (jsonb_typeof(scoring) = 'object'),
    metadata          jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    estimated_minutes integer check (estimated_minutes between 1 and 600),
    created_by        uuid references users (id),
    published_at      timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    deleted_at        timestamptz
);
create unique index assessments_slug_version_key
    on assessments (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), slug, version)
    where deleted_at is null;
create index assessments_organization_id_idx on assessments (organization_id);

create table assessment_questions (
    id              uuid primary key default gen_random_uuid(),
    assessment_id   uuid not null references assessments (id) on delete cascade,
    organization_id uuid references organizations (id) on update cascade,
    position        integer not null check (position >= 1),
    section         text not null default '',
    prompt          text not null check (length(btrim(prompt)) between 1 and 2000),
    question_type   question_type not null,
    required        boolean not null default true,
    -- Choices, points or bounds, each with its weighted scores on named dimensions.
    options         jsonb not null default '{}' check (jsonb_typeof(options) in ('object', 'array')),
    scoring         jsonb not null default '{}' check (jsonb_typeof(scoring) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz
);
create unique index assessment_questions_position_key on assessment_questions (assessment_id, position)
    where deleted_at is null;

create table assessment_results (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    assessment_id   uuid not null references assessments (id),
    status          assessment_result_status not null default 'in_progress',
    answers         jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
    scores          jsonb not null default '{}' check (jsonb_typeof(scores) = 'object'),
    summary_code    text check (length(summary_code) <= 16),
    started_at      timestamptz not null default now(),
    completed_at    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    check ((status = 'completed') = (completed_at is not null)),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create index assessment_results_user_id_idx on assessment_results (user_id);
create index assessment_results_assessment_id_idx on assessment_results (assessment_id);
create index assessment_results_created_at_idx on assessment_results (created_at);
create index assessment_results_organization_id_idx on assessment_results (organization_id);

create table bookings (
    id              uuid primary key default gen_random_uuid(),
    organization_id uuid not null,
    mentor_id       uuid not null,
    student_id      uuid not null,
    status          booking_status not null default 'pending',
    scheduled_at    timestamptz not null,
    ends_at         timestamptz not null,
    during          tstzrange generated always as (tstzrange(scheduled_at, ends_at, '[)')) stored,
    topic           text not null default '' check (length(topic) <= 200),
    -- Session notes are sensitive: stored encrypted with a key from the environment.
    notes_ciphertext bytea,
    meeting_url     text check (meeting_url is null or meeting_url ~ '^https://'),
    price_minor     bigint not null default 0 check (price_minor >= 0),
    currency        char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    cancelled_at    timestamptz,
    cancellation_reason text check (length(cancellation_reason) <= 500),
    metadata        jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    unique (id, organization_id),
    check (ends_at > scheduled_at and ends_at <= scheduled_at + interval '8 hours'),
    foreign key (mentor_id, organization_id) references mentors (id, organization_id) on update cascade,
    foreign key (student_id, organization_id) references users (id, organization_id) on update cascade,
    -- However many requests race, a mentor's live sessions never overlap, nor a student's.
    constraint bookings_mentor_no_overlap exclude using gist (mentor_id with =, during with &&)
        where (status in ('pending', 'confirmed') and deleted_at is null),
    constraint bookings_student_no_overlap exclude using gist (student_id with =, during with &&)
        where (status in ('pending', 'confirmed') and deleted_at is null)
);
create index bookings_mentor_id_idx on bookings (mentor_id);
create index bookings_student_id_idx on bookings (student_id);
create index bookings_status_idx on bookings (status);
create index bookings_scheduled_at_idx on bookings (scheduled_at);
create index bookings_organization_id_idx on bookings (organization_id);

create table subscriptions (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    plan_code       text not null check (plan_code ~ '^[a-z0-9_-]{2,40}$'),
    status          subscription_status not null default 'trialing',
    price_minor     bigint not null check (price_minor >= 0),
    currency        char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    current_period_start timestamptz not null,
    current_period_end   timestamptz not null,
    cancel_at_period_end boolean not null default false,
    cancelled_at    timestamptz,
    provider        text not null default 'sandbox' check (provider in ('sandbox', 'stripe')),
    provider_subscription_id text,
    metadata        jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    unique (id, organization_id),
    check (current_period_end > current_period_start),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
-- A user has at most one live subscription.
create unique index subscriptions_one_live_per_user on subscriptions (user_id)
    where status in ('trialing', 'active', 'past_due') and deleted_at is null;
create unique index subscriptions_provider_id_key on subscriptions (provider, provider_subscription_id)
    where provider_subscription_id is not null;
create index subscriptions_organization_id_idx on subscriptions (organization_id);

create table payments (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    booking_id      uuid,
    subscription_id uuid,
    amount_minor    bigint not null check (amount_minor > 0),
    refunded_minor  bigint not null default 0,
    currency        char(3) not null check (currency ~ '^[A-Z]{3}$'),
    status          payment_status not null default 'pending',
    provider        text not null default 'sandbox' check (provider in ('sandbox', 'stripe')),
    provider_payment_id text,
    failure_reason  text check (length(failure_reason) <= 500),
    metadata        jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    -- A payment pays for exactly one thing.
    check (num_nonnulls(booking_id, subscription_id) = 1),
    check (refunded_minor between 0 and amount_minor),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade,
    foreign key (booking_id, organization_id) references bookings (id, organization_id) on update cascade,
    foreign key (subscription_id, organization_id) references subscriptions (id, organization_id) on update cascade
);
create unique index payments_provider_id_key on payments (provider, provider_payment_id)
    where provider_payment_id is not null;
create index payments_user_id_idx on payments (user_id);
create index payments_status_idx on payments (status);
create index payments_created_at_idx on payments (created_at);
create index payments_organization_id_idx on payments (organization_id);
create index payments_booking_id_idx on payments (booking_id);

create table career_roadmaps (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    title           text not null check (length(btrim(title)) between 2 and 200),
    description     text not null default '',
    -- The O*NET-SOC code of the career this roadmap aims at (e.g. 15-1252.00).
    target_career_code text check (target_career_code ~ '^[0-9]{2}-[0-9]{4}\.[0-9]{2}$'),
    status          roadmap_status not null default 'active',
    target_date     date,
    metadata        jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    completed_at    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    unique (id, organization_id),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create index career_roadmaps_user_id_idx on career_roadmaps (user_id);
create index career_roadmaps_organization_id_idx on career_roadmaps (organization_id);

create table resources (
    id               uuid primary key default gen_random_uuid(),
    -- null: the shared library every organization sees.
    organization_id  uuid references organizations (id) on update cascade,
    author_id        uuid references users (id),
    slug             citext not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
    title            text not null check (length(btrim(title)) between 2 and 300),
    description      text not null default '',
    content          text not null default '',
    resource_type    resource_type not null,
    status           resource_status not null default 'draft',
    url              text check (url is null or url ~ '^https?://'),
    tags             text[] not null default '{}',
    duration_minutes integer check (duration_minutes between 1 and 10000),
    published_at     timestamptz,
    metadata         jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    search           tsvector generated always as (
                         setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                         setweight(to_tsvector('english', coalesce(description, '') || ' ' || immutable_array_to_text(tags)), 'B') ||
                         setweight(to_tsvector('english', coalesce(content, '')), 'C')
                     ) stored,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    check ((status = 'published') <= (published_at is not null))
);
create unique index resources_slug_key
    on resources (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), slug)
    where deleted_at is null;
create index resources_search_idx on resources using gin (search);
create index resources_organization_id_idx on resources (organization_id);

create table roadmap_steps (
    id              uuid primary key default gen_random_uuid(),
    roadmap_id      uuid not null,
    organization_id uuid not null,
    position        integer not null check (position >= 1),
    title           text not null check (length(btrim(title)) between 2 and 200),
    description     text not null default '',
    kind            roadmap_step_kind not null default 'learn',
    status          roadmap_step_status not null default 'not_started',
    due_date        date,
    completed_at    timestamptz,
    resource_id     uuid references resources (id),
    details         jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    unique (id, organization_id),
    check ((status = 'completed') = (completed_at is not null)),
    foreign key (roadmap_id, organization_id) references career_roadmaps (id, organization_id)
        on update cascade on delete cascade
);
-- Deferrable, so steps can be reordered inside one transaction.
alter table roadmap_steps add constraint roadmap_steps_position_key
    unique (roadmap_id, position) deferrable initially immediate;

create table user_progress (
    id               uuid primary key default gen_random_uuid(),
    user_id          uuid not null,
    organization_id  uuid not null,
    resource_id      uuid references resources (id),
    roadmap_step_id  uuid,
    status           progress_status not null default 'not_started',
    progress_percent smallint not null default 0 check (progress_percent between 0 and 100),
    started_at       timestamptz,
    completed_at     timestamptz,
    last_activity_at timestamptz,
    metadata         jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz,
    check (num_nonnulls(resource_id, roadmap_step_id) >= 1),
    check ((status = 'completed') = (completed_at is not null)),
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade,
    foreign key (roadmap_step_id, organization_id) references roadmap_steps (id, organization_id)
        on update cascade on delete cascade
);
create unique index user_progress_resource_key on user_progress (user_id, resource_id)
    where resource_id is not null and roadmap_step_id is null and deleted_at is null;
create unique index user_progress_step_key on user_progress (user_id, roadmap_step_id)
    where roadmap_step_id is not null and deleted_at is null;
create index user_progress_organization_id_idx on user_progress (organization_id);

create table notifications (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null,
    organization_id uuid not null,
    kind            notification_kind not null,
    channel         notification_channel not null default 'in_app',
    status          notification_status not null default 'unread',
    title           text not null check (length(btrim(title)) between 1 and 200),
    body            text not null default '' check (length(body) <= 4000),
    payload         jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
    read_at         timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz,
    foreign key (user_id, organization_id) references users (id, organization_id) on update cascade
);
create index notifications_user_id_idx on notifications (user_id, created_at desc);
create index notifications_organization_id_idx on notifications (organization_id);

-- updated_at on every table.
do $$
declare t text;
begin
    foreach t in array array['organizations', 'users', 'user_profiles', 'mentors', 'assessments',
        'assessment_questions', 'assessment_results', 'bookings', 'payments', 'subscriptions',
        'career_roadmaps', 'roadmap_steps', 'resources', 'user_progress', 'notifications']
    loop
        execute format('create trigger %I before update on %I for each row execute function set_updated_at()',
                       t || '_set_updated_at', t);
    end loop;
end
$$;

-- A question belongs to its assessment's organization; copying it keeps the policies simple.
create function assessment_questions_inherit_org() returns trigger
    language plpgsql
    as $$
begin
    select a.organization_id into new.organization_id from assessments a where a.id = new.assessment_id;
    return new;
end
$$;
create trigger assessment_questions_inherit_org before insert or update of assessment_id on assessment_questions
    for each row execute function assessment_questions_inherit_org();

-- Only administrators set a role other than student, and only a platform administrator grants
-- admin: a user signing up or editing their own row cannot promote themselves. The owner (which
-- runs migrations and loads data) is not the application role and is trusted.
create function users_guard_role() returns trigger
    language plpgsql
    as $$
begin
    if current_user <> 'waypoint_app' then
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
create trigger users_guard_role before insert or update of role on users
    for each row execute function users_guard_role();

-- The application role reads and writes rows; row-level security decides which.
grant select, insert, update, delete on organizations, users, user_profiles, mentors, assessments,
    assessment_questions, assessment_results, bookings, payments, subscriptions, career_roadmaps,
    roadmap_steps, resources, user_progress, notifications to waypoint_app;
