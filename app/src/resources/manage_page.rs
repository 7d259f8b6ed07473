//! `/resources/manage`: the resources a mentor or administrator may edit, drafts included, and
//! the way to write a new one.

use super::api::manageable_resources;
use super::domain::{ManagedResource, ResourceStatus};
use crate::accounts::RequireUser;
use crate::domain::Role;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

#[component]
pub fn ManageResourcesPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (see accounts::AccountPage).
    let rows = Resource::new(|| (), |_| manageable_resources());
    view! {
        <PageMeta title="Your resources" description="Write, edit and publish resources for Waypoint's library." path="/resources/manage"/>
        <Meta name="robots" content="noindex"/>
        <RequireUser children=move |user| view! {
            <section class="page wide" aria-labelledby="page-heading">
                <nav aria-label="Breadcrumb" class="breadcrumb">
                    <ol>
                        <li><a href="/resources">"Resource library"</a></li>
                        <li><span aria-current="page">"Your resources"</span></li>
                    </ol>
                </nav>
                <h1 id="page-heading">"Your resources"</h1>
                {if user.role == Role::Student {
                    only_authors().into_any()
                } else {
                    view! {
                        <p class="lead">
                            {match user.role {
                                Role::Admin => "Every resource in the library, shared and organizations' own, newest changes first.",
                                Role::OrgAdmin => "Your organization's own resources, which only its members see.",
                                _ => "The resources you've written for your organization.",
                            }}
                        </p>
                        <p><A href="/resources/manage/new" attr:class="button">"Write a new resource"</A></p>
                        <Transition fallback=|| view! { <p class="loading">"Loading your resources…"</p> }>
                            <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                                {move || Suspend::new(async move {
                                    match rows.await {
                                        Ok(rows) => Ok(resource_table(rows).into_any()),
                                        Err(AppError::Forbidden) => Ok(only_authors().into_any()),
                                        Err(error) => Err(error),
                                    }
                                })}
                            </ErrorBoundary>
                        </Transition>
                    }.into_any()
                }}
            </section>
        }/>
    }
}

/// What a student sees instead: who writes the library, and where to read it.
pub(super) fn only_authors() -> impl IntoView {
    view! {
        <div class="info-box">
            <p><strong>"Only mentors and administrators write resources."</strong></p>
            <p>
                "The library is written by Waypoint's mentors and your organization's administrators. "
                "If there's something you wish it covered, ask your mentor. Meanwhile, "
                <A href="/resources">"search the library"</A>" for what's already there."
            </p>
        </div>
    }
}

fn resource_table(rows: Vec<ManagedResource>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p>"You haven't written any resources yet. " <A href="/resources/manage/new">"Write your first one"</A>"."</p>
        }
        .into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Resources you may edit"</caption>
                <thead><tr>
                    <th scope="col">"Resource"</th><th scope="col">"Status"</th><th scope="col">"Type"</th>
                    <th scope="col">"Seen by"</th><th scope="col">"Updated"</th><th scope="col">"Page"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let view_label = format!(" {}", row.title);
                        view! {
                        <tr>
                            <th scope="row"><A href=format!("/resources/manage/{}", row.id)>{row.title.clone()}</A></th>
                            <td>
                                <span class=if row.status == ResourceStatus::Published { "badge" } else { "badge badge--warning" }>
                                    {row.status.label()}
                                </span>
                            </td>
                            <td>{row.kind.label()}</td>
                            <td>{if row.organization_only { "Only your organization" } else { "Shared library" }}</td>
                            <td>{row.updated_at.format("%-d %B %Y").to_string()}</td>
                            <td>
                                {(row.status == ResourceStatus::Published).then(|| view! {
                                    <A href=format!("/resources/{}", row.slug)>"View"<span class="visually-hidden">{view_label}</span></A>
                                })}
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
