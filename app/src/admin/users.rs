//! `/admin`: the users list, with its search and filters, and each row's role and status controls.

use super::api::{admin_organizations, admin_users, SetUserRole, SetUserStatus};
use super::domain::{OrganizationChoice, StatusChange, UserPage, UserRow, PAGE_SIZE};
use super::AdminSection;
use crate::accounts::encode_query_value;
use crate::domain::{Role, UserStatus};
use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// `/admin`: the users list.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    // Resources are made here, not inside RequireUser/RequireAdmin's children: on the server
    // those children can run twice (once in an owner already disposed), and resources made there
    // shift the ids the browser hydrates by, a hydration panic (issue 11).
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let change_role = ServerAction::<SetUserRole>::new();
    let change_status = ServerAction::<SetUserStatus>::new();
    let users = Resource::new(
        move || {
            (
                get("q"),
                get("role"),
                get("org"),
                get("from"),
                get("to"),
                get("page"),
                change_role.version().get(),
                change_status.version().get(),
            )
        },
        |(q, role, org, from, to, page, _, _)| admin_users(q, role, org, from, to, page),
    );
    let organizations = Resource::new(|| (), |_| admin_organizations());
    view! {
        <PageMeta title="Users" description="Search, filter and manage the people in your organization." path="/admin"/>
        <AdminSection heading=Some("Users")>
                    {user_filters(organizations)}
                    <ActionOutcome value=move || change_role.value().get() success="Role changed."/>
                    <ActionOutcome value=move || change_status.value().get() success="Account status changed."/>
                    <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                users.await.map(|page| view! { <UsersTable page change_role change_status/> })
                            })}
                        </ErrorBoundary>
                    </Transition>
        </AdminSection>
    }
}

/// The search and filters, sent as the page's query string (so a search can be bookmarked).
fn user_filters(organizations: Resource<Result<Vec<OrganizationChoice>, AppError>>) -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Filter users">
            <div class="field">
                <label for="filter-q">"Name"</label>
                <input id="filter-q" name="q" type="search" value=move || get("q")/>
            </div>
            <div class="field">
                <label for="filter-role">"Role"</label>
                <select id="filter-role" name="role">
                    <option value="" selected=move || get("role").is_empty()>"Any role"</option>
                    {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=move || get("role") == r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-org">"Organization"</label>
                <select id="filter-org" name="org">
                    <option value="">"Any organization"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            organizations.await.unwrap_or_default().into_iter().map(|organization| {
                                let value = organization.id.to_string();
                                let selected = get("org") == value;
                                view! { <option value=value selected=selected>{organization.name}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </div>
            <div class="field">
                <label for="filter-from">"Created from"</label>
                <input id="filter-from" name="from" type="date" value=move || get("from")/>
            </div>
            <div class="field">
                <label for="filter-to">"Created to"</label>
                <input id="filter-to" name="to" type="date" value=move || get("to")/>
            </div>
            <button type="submit" class="button">"Search"</button>
        </Form>
    }
}

#[component]
fn UsersTable(
    page: UserPage,
    change_role: ServerAction<SetUserRole>,
    change_status: ServerAction<SetUserStatus>,
) -> impl IntoView {
    let query = use_query_map();
    let UserPage { rows, total, page, viewer_id, viewer_role } = page;
    let last_page = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page_link = move |target: i64| {
        let mut params: Vec<String> = ["q", "role", "org", "from", "to"]
            .iter()
            .filter_map(|key| {
                query
                    .read_untracked()
                    .get(key)
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{key}={}", encode_query_value(&v)))
            })
            .collect();
        params.push(format!("page={target}"));
        format!("/admin?{}", params.join("&"))
    };
    let roles: Vec<Role> =
        Role::ALL.iter().copied().filter(|r| *r != Role::Admin || viewer_role == Role::Admin).collect();
    view! {
        <p role="status">{format!("{total} {} found", if total == 1 { "person" } else { "people" })}</p>
        {(total > 0).then(|| view! {
            <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Users"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Organization"</th><th scope="col">"Created"</th><th scope="col">"Role"</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let editable = row.id != viewer_id && (row.role != Role::Admin || viewer_role == Role::Admin);
                        user_table_row(row, editable, roles.clone(), change_role, change_status)
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        <nav aria-label="Pages" class="pager">
            {(page > 1).then(|| view! { <A href=page_link(page - 1)>"Previous page"</A> })}
            <span>{format!("Page {page} of {last_page}")}</span>
            {(page < last_page).then(|| view! { <A href=page_link(page + 1)>"Next page"</A> })}
        </nav>
    }
}

/// One person's row: who they are and, when the viewer may change them, the role and status forms.
fn user_table_row(
    row: UserRow,
    editable: bool,
    roles: Vec<Role>,
    change_role: ServerAction<SetUserRole>,
    change_status: ServerAction<SetUserStatus>,
) -> impl IntoView {
    let suspended = row.status == UserStatus::Suspended;
    let change = StatusChange::offered_for(row.status);
    let name = row.name.clone();
    view! {
        <tr>
            <th scope="row">{row.name.clone()}<br/><span class="muted">"@"{row.username.clone()}</span></th>
            <td>{row.email.clone()}</td>
            <td>{row.organization.clone()}</td>
            <td>{row.created.to_string()}</td>
            <td>
                {if editable {
                    view! {
                        <ActionForm action=change_role attr:class="inline-form">
                            <input type="hidden" name="user_id" value=row.id.to_string()/>
                            <label class="visually-hidden" for=format!("role-{}", row.id)>{format!("Role for {name}")}</label>
                            <select id=format!("role-{}", row.id) name="role">
                                {roles.iter().map(|r| view! { <option value=r.as_str() selected=*r == row.role>{r.label()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button button--small">"Change role"<span class="visually-hidden">{format!(" for {name}")}</span></button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{row.role.label()}</span> }.into_any()
                }}
            </td>
            <td>
                <span class=if suspended { "badge badge--warning" } else { "badge" }>{status_word(row.status)}</span>
                {editable.then(|| view! {
                    <ActionForm action=change_status attr:class="inline-form">
                        <input type="hidden" name="user_id" value=row.id.to_string()/>
                        <input type="hidden" name="status" value=change.value()/>
                        <button type="submit" class="button button--small button--ghost">
                            {match change { StatusChange::Restore => "Restore", StatusChange::Suspend => "Suspend" }}
                            <span class="visually-hidden">{format!(" {}", row.name)}</span>
                        </button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// The status as the list has always shown it, in lower case ("suspended").
fn status_word(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "active",
        UserStatus::Suspended => "suspended",
        UserStatus::Deactivated => "deactivated",
    }
}
