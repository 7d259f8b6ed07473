-- The application role may append to the audit log, but only rows that tell the truth about who
-- acts: attributed to the request's own user, in the request's own organization (a platform
-- administrator acts across organizations). The triggers write exactly such rows.
drop policy audit_log_append on audit_log;
create policy audit_log_append on audit_log for insert with check (
    actor_user_id is not distinct from (select current_app_user_id())
    and actor_role = (select current_app_role())
    and (organization_id is not distinct from (select current_app_org_id())
         or (select current_app_is_platform_admin())));
