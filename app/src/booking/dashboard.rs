//! `/booking`: "Your sessions". Everyone sees their upcoming and past sessions; a mentor also
//! sees the requests waiting for their answer and their next seven days; an organization
//! administrator also sees their organization's bookings. Times are the server's labels in the
//! viewer's zone, which the page names.

use super::api::my_bookings;
use super::domain::{BookingSummary, BookingsOverview};
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;

/// `/booking`
#[component]
pub fn BookingsPage() -> impl IntoView {
    // Made here, not inside RequireUser's children (hydration ids; see admin/users.rs).
    let overview = Resource::new(|| (), |_| my_bookings());
    view! {
        <PageMeta title="Your sessions" description="Your mentoring sessions on Waypoint: requests, this week, upcoming and past." path="/booking"/>
        <Meta name="robots" content="noindex"/>
        <crate::accounts::RequireUser children=move |_user| view! {
            <section class="page" aria-labelledby="page-heading">
                <h1 id="page-heading">"Your sessions"</h1>
                <Transition fallback=|| view! { <p class="loading">"Loading your sessions…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move { overview.await.map(overview_view) })}
                    </ErrorBoundary>
                </Transition>
            </section>
        }/>
    }
}

fn overview_view(overview: BookingsOverview) -> impl IntoView {
    let BookingsOverview { viewer_zone, upcoming, past, requests, week, organization } = overview;
    view! {
        <p class="muted">{format!("Times in {viewer_zone}")}</p>
        {requests.map(requests_section)}
        {week.map(week_section)}
        <section aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading">"Upcoming"</h2>
            {if upcoming.is_empty() {
                view! { <p>"No sessions booked yet. "<A href="/mentors">"Find a mentor"</A></p> }.into_any()
            } else {
                view! { <ul class="card-list">{upcoming.into_iter().map(booking_card).collect_view()}</ul> }.into_any()
            }}
        </section>
        {(!past.is_empty()).then(|| view! {
            <section aria-labelledby="past-heading">
                <h2 id="past-heading">"Past"</h2>
                <ul class="card-list">{past.into_iter().map(booking_card).collect_view()}</ul>
            </section>
        })}
        {organization.map(organization_section)}
    }
}

/// A mentor's requests, each with a link to answer it on the booking's page.
fn requests_section(requests: Vec<BookingSummary>) -> impl IntoView {
    view! {
        <section aria-labelledby="requests-heading">
            <h2 id="requests-heading">"Requests to answer"</h2>
            {if requests.is_empty() {
                view! { <p class="muted">"No requests are waiting for you."</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {requests.into_iter().map(|request| view! {
                            <li class="card">
                                <p><strong>{request.when.clone()}</strong></p>
                                <p>{format!("{} with {}", request.session_title, request.with_whom)}</p>
                                <p>
                                    <A href=format!("/booking/{}", request.id)>
                                        "Answer"<span class="visually-hidden">{format!(" {}'s request for {}", request.with_whom, request.when)}</span>
                                    </A>
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// A mentor's next seven days, day by day.
fn week_section(week: Vec<(String, Vec<BookingSummary>)>) -> impl IntoView {
    view! {
        <section aria-labelledby="week-heading">
            <h2 id="week-heading">"Your week"</h2>
            <ul class="plain-list week">
                {week.into_iter().map(|(day, sessions)| view! {
                    <li>
                        <h3>{day}</h3>
                        {if sessions.is_empty() {
                            view! { <p class="muted">"Nothing booked"</p> }.into_any()
                        } else {
                            view! {
                                <ul>
                                    {sessions.into_iter().map(|session| view! {
                                        <li>
                                            <A href=format!("/booking/{}", session.id)>{session.when}</A>
                                            {format!(": {} with {} ({})", session.session_title, session.with_whom, session.status.label())}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn booking_card(booking: BookingSummary) -> impl IntoView {
    let hidden = format!(" of {}, {}", booking.session_title, booking.when);
    view! {
        <li class="card">
            <p><strong>{booking.when}</strong>" "<span class="badge">{booking.status.label()}</span></p>
            <p>{format!("{} with {}", booking.session_title, booking.with_whom)}</p>
            <p><A href=format!("/booking/{}", booking.id)>"Details"<span class="visually-hidden">{hidden}</span></A></p>
        </li>
    }
}

/// An organization administrator's view: their organization's bookings from a week ago on.
fn organization_section(bookings: Vec<BookingSummary>) -> impl IntoView {
    view! {
        <section aria-labelledby="organization-heading">
            <h2 id="organization-heading">"Your organization's bookings"</h2>
            {if bookings.is_empty() {
                view! { <p class="muted">"No bookings in your organization from the last week on."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="data-table">
                            <caption class="visually-hidden">"Your organization's bookings"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Session"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Details"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {bookings.into_iter().map(|booking| {
                                    let hidden = format!(" {}, {}", booking.with_whom, booking.when);
                                    view! {
                                        <tr>
                                            <td>{booking.when}</td>
                                            <td>{booking.session_title}</td>
                                            <td>{booking.with_whom}</td>
                                            <td>{booking.status.label()}</td>
                                            <td><A href=format!("/booking/{}", booking.id)>"Open"<span class="visually-hidden">{hidden}</span></A></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
