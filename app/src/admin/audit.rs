//! `/admin/audit`: who changed what and when, newest first, filtered by table.

use super::api::audit_entries;
use super::domain::{AuditPage, AuditedTable};
use super::AdminSection;
use crate::accounts::encode_query_value;
use crate::ui::PageMeta;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// `/admin/audit`
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let entries = Resource::new(move || (get("table"), get("page")), |(table, page)| audit_entries(table, page));
    view! {
        <PageMeta title="Audit log" description="Who changed what and when: roles, statuses, mentor applications, bookings and payments." path="/admin/audit"/>
        <AdminSection heading=Some("Audit log")>
                    <Form method="GET" action="" attr:class="filters" attr:aria-label="Filter the audit log">
                        <div class="field">
                            <label for="filter-table">"Records"</label>
                            <select id="filter-table" name="table">
                                <option value="">"All records"</option>
                                {AuditedTable::ALL.iter().map(|t| { let t = t.as_str(); view! { <option value=t selected=move || get("table") == t>{t.replace('_', " ")}</option> } }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">"Show"</button>
                    </Form>
                    <Transition fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                entries.await.map(|page| audit_table(page, get("table")))
                            })}
                        </ErrorBoundary>
                    </Transition>
        </AdminSection>
    }
}

/// One page of entries and the links to newer and older ones (keeping the table filter).
fn audit_table(page: AuditPage, table: String) -> impl IntoView {
    let link = move |p: i64| format!("/admin/audit?table={}&page={p}", encode_query_value(&table));
    view! {
        <div class="table-scroll">
        <table class="data-table">
            <caption class="visually-hidden">"Audit log entries, newest first"</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Record"</th><th scope="col">"Changes"</th></tr></thead>
            <tbody>
                {page.entries.into_iter().map(|e| view! {
                    <tr>
                        <td>{e.when.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                        <td>{e.actor}</td>
                        <td>{format!("{} {}", e.action.as_str(), e.table_name.replace('_', " "))}</td>
                        <td>{e.subject}</td>
                        <td><ul class="plain-list">{e.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <nav aria-label="Pages" class="pager">
            {(page.page > 1).then(|| view! { <A href=link(page.page - 1)>"Newer entries"</A> })}
            <span>{format!("Page {}", page.page)}</span>
            {page.has_more.then(|| view! { <A href=link(page.page + 1)>"Older entries"</A> })}
        </nav>
    }
}
