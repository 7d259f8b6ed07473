-- Careers: pay and outlook from the U.S. Bureau of Labor Statistics (OEWS May 2024 national wages,
-- Employment Projections 2024-34), joined to the O*NET careers. Reference data like `careers`:
-- loaded by the owner from data/bls (server/src/reference/bls.rs), readable by everyone, no
-- row-level security.

-- Which release of a bundled data set the database holds, so a newer shipped file reloads and an
-- unchanged one writes nothing.
create table reference_releases (
    dataset      text primary key check (dataset ~ '^[a-z][a-z0-9_]*$'),
    release      text not null check (length(btrim(release)) > 0),
    -- SHA-256 (hex) of the files as loaded.
    content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
    loaded_at    timestamptz not null default now()
);
grant select on reference_releases to waypoint_app;

-- One row per BLS occupation code (2018 SOC, or one of BLS's combined codes such as 13-1020).
-- Every code has Employment Projections figures; OEWS wages are missing for 45-3031 (fishing and
-- hunting workers), so the OEWS columns are null exactly when `has_oews` is false.
create table bls_occupations (
    code                 text primary key check (code ~ '^[0-9]{2}-[0-9]{4}$'),
    title                text not null check (length(btrim(title)) between 2 and 200),
    has_oews             boolean not null,
    -- OEWS May 2024: wage-and-salary employment.
    employment           integer check (employment >= 0),
    -- Annual wages in whole dollars; OEWS publishes `#` for values at or above $239,200 a year,
    -- stored as 239200 with the flag set. Null: not published (`*`, e.g. hourly-only occupations).
    annual_median        integer check (annual_median > 0),
    annual_median_top_coded boolean not null default false,
    annual_p10           integer check (annual_p10 > 0),
    annual_p10_top_coded boolean not null default false,
    annual_p90           integer check (annual_p90 > 0),
    annual_p90_top_coded boolean not null default false,
    -- Hourly median in cents; top-coded at $115.00 an hour.
    hourly_median_cents  integer check (hourly_median_cents > 0),
    hourly_median_top_coded boolean not null default false,
    -- OEWS publishes only hourly wages (e.g. actors) or only annual ones (e.g. teachers).
    hourly_only          boolean not null default false,
    annual_only          boolean not null default false,
    -- Employment Projections 2024-34, in jobs (BLS publishes thousands with one decimal).
    projected_2024       integer not null check (projected_2024 >= 0),
    projected_2034       integer not null check (projected_2034 >= 0),
    change_jobs          integer not null,
    change_percent       numeric(6, 1) not null,
    -- Average annual openings 2024-34 (growth and replacement), in jobs.
    openings_annual      integer not null check (openings_annual >= 0),
    -- Entry requirements as BLS writes them.
    entry_education      text not null check (entry_education in (
                             'No formal educational credential', 'High school diploma or equivalent',
                             'Some college, no degree', 'Postsecondary nondegree award', 'Associate''s degree',
                             'Bachelor''s degree', 'Master''s degree', 'Doctoral or professional degree')),
    work_experience      text not null check (work_experience in ('None', 'Less than 5 years', '5 years or more')),
    training             text not null check (training in (
                             'None', 'Short-term on-the-job training', 'Moderate-term on-the-job training',
                             'Long-term on-the-job training', 'Apprenticeship', 'Internship/residency')),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    check (not (hourly_only and annual_only)),
    check (has_oews or (employment is null and annual_median is null and hourly_median_cents is null
                        and annual_p10 is null and annual_p90 is null and not hourly_only and not annual_only)),
    check (not annual_median_top_coded or annual_median = 239200),
    check (not annual_p10_top_coded or annual_p10 = 239200),
    check (not annual_p90_top_coded or annual_p90 = 239200),
    check (not hourly_median_top_coded or hourly_median_cents = 11500)
);
create trigger bls_occupations_set_updated_at before update on bls_occupations
    for each row execute function set_updated_at();
create index bls_occupations_entry_education_idx on bls_occupations (entry_education);
grant select on bls_occupations to waypoint_app;

-- How an O*NET occupation's code joins BLS's (see data/README.md): the same 2018 SOC code, one of
-- BLS's own combined codes (ending in 0, e.g. 13-1020), a combined code OEWS uses with a number
-- of its own (e.g. 21-1018), or none (the military occupations).
create type bls_match_kind as enum ('exact', 'bls_combined', 'oews_combined', 'none');

create table career_bls_matches (
    career_code text primary key references careers (code) on update cascade on delete cascade,
    match_kind  bls_match_kind not null,
    bls_code    text references bls_occupations (code),
    check ((match_kind = 'none') = (bls_code is null))
);
create index career_bls_matches_bls_code_idx on career_bls_matches (bls_code);
grant select on career_bls_matches to waypoint_app;
