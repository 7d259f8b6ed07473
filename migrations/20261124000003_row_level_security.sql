-- Row-level security: the last line of defence between tenants and between users.
--
-- Every table that holds a user's or a tenant's private data enables and FORCEs row-level
-- security. The request context comes from current_app_user_id() / current_app_org_id() /
-- current_app_role(), set per transaction by db::tx. Calls are wrapped in (select ...) so
-- PostgreSQL evaluates them once per statement, not once per row.
--
-- Who sees what (the rule of thumb the policies spell out):
--   * anonymous (no context): the public organization, published built-in assessments and
--     questions, published shared resources; nothing personal;
--   * any member: their own organization's directory (users, mentors) and content;
--   * the owner of a row (user_id = me): their own private rows;
--   * org_admin: everything inside their organization;
--   * admin (platform): everything.

do $$
declare t text;
begin
    foreach t in array array['organizations', 'users', 'user_profiles', 'mentors', 'assessments',
        'assessment_questions', 'assessment_results', 'bookings', 'payments', 'subscriptions',
        'career_roadmaps', 'roadmap_steps', 'resources', 'user_progress', 'notifications']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
    end loop;
end
$$;

-- organizations --------------------------------------------------------------------------
create policy organizations_read on organizations for select using (
    kind = 'public'
    or id = (select current_app_org_id())
    or (select current_app_is_platform_admin()));
create policy organizations_create on organizations for insert
    with check ((select current_app_is_platform_admin()));
create policy organizations_change on organizations for update
    using ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(id))
    with check ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(id));
create policy organizations_remove on organizations for delete
    using ((select current_app_is_platform_admin()));

-- users: members see their organization's directory; each edits themselves ----------------
create policy users_read on users for select using (
    organization_id = (select current_app_org_id())
    or (select current_app_is_platform_admin()));
create policy users_create on users for insert with check (
    (select current_app_is_platform_admin())
    or current_app_is_org_admin_of(organization_id)
    -- signing up: the new user's own id and organization are the context
    or (id = (select current_app_user_id()) and organization_id = (select current_app_org_id())));
create policy users_change on users for update
    using ((select current_app_is_platform_admin())
           or current_app_is_org_admin_of(organization_id)
           or id = (select current_app_user_id()))
    with check ((select current_app_is_platform_admin())
           or current_app_is_org_admin_of(organization_id)
           or (id = (select current_app_user_id()) and organization_id = (select current_app_org_id())));
create policy users_remove on users for delete using ((select current_app_is_platform_admin()));

-- Private rows that belong to one user (profiles, results, money, plans, progress, inbox) -----
do $$
declare t text;
begin
    foreach t in array array['user_profiles', 'assessment_results', 'career_roadmaps',
                             'user_progress', 'notifications', 'payments', 'subscriptions']
    loop
        execute format($p$
            create policy %1$s_owner_read on %1$I for select using (
                (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
                or current_app_is_org_admin_of(organization_id)
                or (select current_app_is_platform_admin()))
        $p$, t);
        execute format($p$
            create policy %1$s_admin_write on %1$I for all
                using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
                with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
        $p$, t);
    end loop;
    -- The owner writes their own rows, except money: payments and subscriptions change state only
    -- through the payment provider's webhook path, which runs as an administrator context.
    foreach t in array array['user_profiles', 'assessment_results', 'career_roadmaps', 'user_progress']
    loop
        execute format($p$
            create policy %1$s_owner_write on %1$I for all
                using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
                with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
        $p$, t);
    end loop;
end
$$;

-- Members read a colleague's profile (a mentor's headline, a student's goals for their mentor).
create policy user_profiles_member_read on user_profiles for select using (
    organization_id = (select current_app_org_id()) and (select current_app_role()) in ('mentor', 'org_admin'));

-- A notification is written by whoever acts (a mentor confirming a booking notifies the student)
-- inside the same organization; only its recipient reads it or marks it read.
create policy notifications_member_create on notifications for insert with check (
    organization_id = (select current_app_org_id()) and (select current_app_role()) <> 'anonymous');
create policy notifications_owner_update on notifications for update
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));

-- Starting a checkout creates the user's own pending payment.
create policy payments_owner_create on payments for insert with check (
    user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
    and status = 'pending' and refunded_minor = 0);

-- mentors: the organization's directory; a mentor edits their own listing -------------------
create policy mentors_read on mentors for select using (
    organization_id = (select current_app_org_id()) or (select current_app_is_platform_admin()));
create policy mentors_admin_write on mentors for all
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));
create policy mentors_self_update on mentors for update
    using (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()))
    with check (user_id = (select current_app_user_id()) and organization_id = (select current_app_org_id()));

-- bookings: the student, the mentor, the organization's admins -----------------------------
create function current_app_mentor_ids() returns setof uuid
    language sql stable
    as $$ select id from mentors where user_id = current_app_user_id() and deleted_at is null $$;
grant execute on function current_app_mentor_ids() to waypoint_app;

create policy bookings_read on bookings for select using (
    (organization_id = (select current_app_org_id())
        and (student_id = (select current_app_user_id()) or mentor_id in (select current_app_mentor_ids())))
    or current_app_is_org_admin_of(organization_id)
    or (select current_app_is_platform_admin()));
create policy bookings_student_create on bookings for insert with check (
    organization_id = (select current_app_org_id()) and student_id = (select current_app_user_id()));
create policy bookings_party_update on bookings for update
    using (organization_id = (select current_app_org_id())
        and (student_id = (select current_app_user_id()) or mentor_id in (select current_app_mentor_ids())))
    with check (organization_id = (select current_app_org_id())
        and (student_id = (select current_app_user_id()) or mentor_id in (select current_app_mentor_ids())));
create policy bookings_admin_write on bookings for all
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));

-- roadmap_steps follow their roadmap ---------------------------------------------------------
create policy roadmap_steps_owner on roadmap_steps for all
    using (exists (select 1 from career_roadmaps r
                   where r.id = roadmap_id and r.user_id = (select current_app_user_id())
                     and r.organization_id = (select current_app_org_id())))
    with check (exists (select 1 from career_roadmaps r
                   where r.id = roadmap_id and r.user_id = (select current_app_user_id())
                     and r.organization_id = (select current_app_org_id())));
create policy roadmap_steps_admin on roadmap_steps for all
    using (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()))
    with check (current_app_is_org_admin_of(organization_id) or (select current_app_is_platform_admin()));

-- assessments and their questions: built-in ones (no organization) are published to all -------
create policy assessments_read on assessments for select using (
    (organization_id is null and status = 'published')
    or organization_id = (select current_app_org_id())
    or (select current_app_is_platform_admin()));
create policy assessments_write on assessments for all
    using ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id))
    with check ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id));

create policy assessment_questions_read on assessment_questions for select using (
    exists (select 1 from assessments a where a.id = assessment_id));
create policy assessment_questions_write on assessment_questions for all
    using ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id))
    with check ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id));

-- resources: the shared library and the organization's own; drafts only to their authors ----
create policy resources_read on resources for select using (
    ((organization_id is null or organization_id = (select current_app_org_id())) and status = 'published')
    or (author_id = (select current_app_user_id()) and author_id is not null)
    or current_app_is_org_admin_of(organization_id)
    or (select current_app_is_platform_admin()));
create policy resources_admin_write on resources for all
    using ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id))
    with check ((select current_app_is_platform_admin()) or current_app_is_org_admin_of(organization_id));
create policy resources_mentor_write on resources for all
    using (author_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
           and (select current_app_role()) = 'mentor')
    with check (author_id = (select current_app_user_id()) and organization_id = (select current_app_org_id())
           and (select current_app_role()) = 'mentor');

-- Public figures for the home page, which nobody is signed in to read. SECURITY DEFINER runs as
-- the owner (which bypasses row-level security) and returns counts only, never rows. PL/pgSQL,
-- not SQL: a SECURITY DEFINER SQL function is planned again on every call.
create function public_platform_stats(
    out organizations bigint, out mentors bigint, out published_resources bigint, out assessments bigint)
    language plpgsql stable security definer
    set search_path = public, pg_temp
    as $$
begin
    select count(*) into organizations from public.organizations o
     where o.deleted_at is null and o.kind <> 'public';
    select count(*) into mentors from public.mentors m join public.users u on u.id = m.user_id
     where m.deleted_at is null and m.status = 'active' and u.deleted_at is null and u.status = 'active';
    select count(*) into published_resources from public.resources r
     where r.deleted_at is null and r.status = 'published';
    select count(*) into assessments from public.assessments a
     where a.deleted_at is null and a.status = 'published';
end
$$;
revoke all on function public_platform_stats() from public;
grant execute on function public_platform_stats() to waypoint_app;
