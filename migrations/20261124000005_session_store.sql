-- The session store used by tower-sessions-sqlx-store's PostgresStore, created here (not by the
-- store's own migrate()) so the owner creates it and the application role only gets rows.
-- Sessions are not tenant data: they are looked up by an unguessable id before any tenant is known.
create schema if not exists tower_sessions;
create table if not exists tower_sessions.session (
    id          text primary key not null,
    data        bytea not null,
    expiry_date timestamptz not null
);
create index if not exists session_expiry_date_idx on tower_sessions.session (expiry_date);
grant usage on schema tower_sessions to waypoint_app;
grant select, insert, update, delete on tower_sessions.session to waypoint_app;
