-- The audit trail: who changed what, when, from what to what, on the critical tables.
-- Written only by triggers; the application role may insert and read (policies permitting) but
-- never update or delete, and a trigger refuses changes from anyone, the owner included.

create table audit_log (
    id              uuid primary key default gen_random_uuid(),
    organization_id uuid references organizations (id) on update cascade,
    actor_user_id   uuid,
    actor_role      text not null,
    table_name      text not null,
    row_id          uuid not null,
    action          audit_action not null,
    old_data        jsonb,
    new_data        jsonb,
    changed_fields  text[] not null default '{}',
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    deleted_at      timestamptz
);
create index audit_log_row_idx on audit_log (table_name, row_id, created_at);
create index audit_log_organization_id_idx on audit_log (organization_id, created_at desc);
create index audit_log_actor_idx on audit_log (actor_user_id, created_at desc);

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_read on audit_log for select using (
    current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
create policy audit_log_append on audit_log for insert with check (true);

grant select, insert on audit_log to waypoint_app;

create function audit_log_is_append_only() returns trigger
    language plpgsql
    as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', lower(tg_op) using errcode = '42501';
end
$$;
create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();

-- Records one row change. Trigger arguments name columns never copied into the log (password
-- hashes, ciphertext, derived search vectors).
create function audit_row_change() returns trigger
    language plpgsql security definer
    set search_path = public, pg_temp
    as $$
declare
    old_row jsonb;
    new_row jsonb;
    hidden  text;
    changed text[] := '{}';
begin
    if tg_op in ('UPDATE', 'DELETE') then old_row := to_jsonb(old); end if;
    if tg_op in ('INSERT', 'UPDATE') then new_row := to_jsonb(new); end if;
    foreach hidden in array coalesce(tg_argv, '{}'::text[]) loop
        old_row := old_row - hidden;
        new_row := new_row - hidden;
    end loop;
    if tg_op = 'UPDATE' then
        select coalesce(array_agg(n.key order by n.key), '{}') into changed
          from jsonb_each(new_row) n
         where n.key <> 'updated_at' and n.value is distinct from old_row -> n.key;
        if cardinality(changed) = 0 then
            return new;
        end if;
    end if;
    insert into audit_log (organization_id, actor_user_id, actor_role, table_name, row_id, action,
                           old_data, new_data, changed_fields)
    values (coalesce(new_row ->> 'organization_id', old_row ->> 'organization_id')::uuid,
            current_app_user_id(),
            -- inside this SECURITY DEFINER function current_user is the owner; the context says who acts
            case when coalesce(current_setting('app.role', true), '') = '' then 'system:' || session_user
                 else current_app_role() end,
            tg_table_name,
            coalesce(new_row ->> 'id', old_row ->> 'id')::uuid,
            lower(tg_op)::audit_action,
            old_row, new_row, changed);
    return coalesce(new, old);
end
$$;

-- users: only what decides access (role, status, existence), never the password hash.
create trigger users_audit_insert_delete after insert or delete on users
    for each row execute function audit_row_change('password_hash', 'search', 'metadata');
create trigger users_audit_access after update of role, status, deleted_at, organization_id on users
    for each row execute function audit_row_change('password_hash', 'search', 'metadata');
create trigger bookings_audit after insert or update or delete on bookings
    for each row execute function audit_row_change('notes_ciphertext', 'during');
create trigger payments_audit after insert or update or delete on payments
    for each row execute function audit_row_change();
create trigger subscriptions_audit after insert or update or delete on subscriptions
    for each row execute function audit_row_change();
