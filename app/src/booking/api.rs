//! Booking's server functions; their bodies are in `api::ssr` (the directory and a mentor's
//! page in `directory.rs`, a mentor's own listing in `listing.rs`, bookings in `bookings.rs`).
//! Times cross the wire as instants (UTC); every label is made on the server in the viewer's zone.

use super::domain::{BookingDetail, BookingsOverview, MentorCard, ReviewView, SessionType, SlotView};
use super::listing::{DateOverrideForm, DirectoryQuery, ListingForm, SessionTypeForm, WeeklyHoursForm};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod ssr;

/// One page of the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// For a signed-in student with a career goal or interest matches: mentors in those careers.
    pub fits_you: Vec<MentorCard>,
    /// Why those fit, a phrase to follow "Based on" ("your career goal, Registered Nurses, …").
    pub fits_reason: Option<String>,
    pub results: Vec<MentorCard>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// Filter choices from the listings the viewer may see.
    pub expertise_choices: Vec<String>,
    pub language_choices: Vec<String>,
}

/// Whether the viewer can book this mentor, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookAbility {
    /// Signed in, in the mentor's organization.
    Book,
    SignIn,
    /// Their own listing.
    OwnListing,
    /// A member of another organization (or a visitor's public page): how to reach them instead.
    OtherOrganization,
}

/// Free times on one day, in the viewer's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotDay {
    pub label: String,
    pub slots: Vec<SlotView>,
}

/// A mentor's page, `/mentors/<handle>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentorProfile {
    pub card: MentorCard,
    pub bio: String,
    pub mentor_zone: String,
    /// The careers they work in: (O*NET code, title).
    pub careers: Vec<(String, String)>,
    pub session_types: Vec<SessionType>,
    /// The session type whose free times are shown.
    pub chosen_type: Option<Uuid>,
    /// The zone the times are shown in, and where it came from ("your profile", "your choice",
    /// "the mentor's").
    pub viewer_zone: String,
    pub viewer_zone_source: String,
    pub days: Vec<SlotDay>,
    pub book: BookAbility,
    pub contact_note: String,
    pub requires_approval: bool,
    pub free_cancellation_hours: i32,
    pub reviews: Vec<ReviewView>,
}

/// What a mentor's listing page (`/account/listing`) edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListingEditor {
    pub handle: String,
    pub form: ListingForm,
    pub session_types: Vec<SessionType>,
    pub weekly: WeeklyHoursForm,
    pub overrides: Vec<DateOverrideView>,
    /// How many free times students see in the next two weeks with these settings.
    pub free_times_next_two_weeks: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateOverrideView {
    /// 2026-12-24
    pub date: String,
    /// "Thu 24 Dec"
    pub label: String,
    /// "Day off" or "10:00-12:00"
    pub hours: String,
    pub note: String,
}

/// The directory: `query` as the GET form sent it (blank fields: no filter).
#[server(endpoint = "mentors")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn search_mentors(query: DirectoryQuery) -> Result<Directory, AppError> {
    // Two transactions, one after the other, as careers' matches do: assessments reads the
    // viewer's Interest Profiler scores in its own, then the directory is searched.
    crate::db::run(async move {
        let scores = crate::assessments::api::current_interest_scores().await?;
        crate::db::visitor_read(|caller, tx| Box::pin(ssr::directory::search(tx, caller, query, scores))).await
    })
    .await
}

/// A mentor's page with the free times of `session_type` (blank: their first), shown in `tz`
/// (blank: the viewer's profile zone, else the mentor's).
#[server(name = LoadMentorProfile, endpoint = "mentor")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn mentor_profile(handle: String, session_type: String, tz: String) -> Result<MentorProfile, AppError> {
    crate::db::visitor_read(|caller, tx| Box::pin(ssr::directory::profile(tx, caller, handle, session_type, tz))).await
}

/// Takes the slot starting at `start` (RFC 3339) for the caller as a hold of a few minutes and
/// returns the booking's id. A slot someone else just took is refused with the next free times.
#[server(endpoint = "hold_slot")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn hold_slot(handle: String, session_type: String, start: String) -> Result<Uuid, AppError> {
    let id = crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::hold(tx, user, handle, session_type, start))).await?;
    // On to the booking's page to confirm: the router follows this with JavaScript, the browser without.
    leptos_axum::redirect(&format!("/booking/{id}"));
    Ok(id)
}

/// A booking's page, for its student, its mentor or an administrator of its organization.
#[server(endpoint = "booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn booking(id: Uuid) -> Result<BookingDetail, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::detail(tx, user, id))).await
}

/// The student confirms their hold with what they'd like to talk about.
#[server(endpoint = "confirm_booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn confirm_booking(id: Uuid, topic: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::confirm(tx, user, id, topic))).await
}

/// The student lets their hold go, or either party (or an administrator) cancels; `reason` is
/// shown to the other party.
#[server(endpoint = "cancel_booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn cancel_booking(id: Uuid, reason: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::cancel(tx, user, id, reason))).await
}

/// The mentor accepts or declines a request (`reason` is required to decline).
#[server(endpoint = "answer_request")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn answer_request(id: Uuid, accept: bool, reason: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::answer(tx, user, id, accept, reason))).await
}

/// The mentor records how a session went: `outcome` is "completed" or "no_show".
#[server(endpoint = "finish_session")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn finish_session(id: Uuid, outcome: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::finish(tx, user, id, outcome))).await
}

/// Free times to move a booking to (its own time does not count as taken).
#[server(endpoint = "reschedule_options")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn reschedule_options(id: Uuid) -> Result<Vec<SlotDay>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::reschedule_options(tx, user, id))).await
}

/// Moves a live booking to `start` in one statement: the new time is taken before the old one is
/// released, and if it can't be taken the booking keeps its time.
#[server(endpoint = "reschedule_booking")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn reschedule_booking(id: Uuid, start: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::reschedule(tx, user, id, start))).await
}

/// The mentor's private notes on a session, encrypted before they are stored.
#[server(endpoint = "save_session_notes")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(notes)))]
pub async fn save_session_notes(id: Uuid, notes: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::save_notes(tx, user, id, notes))).await
}

/// The student reviews a completed session: `rating` 1-5 and a few words.
#[server(endpoint = "review_session")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(body)))]
pub async fn review_session(id: Uuid, rating: String, body: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::review(tx, user, id, rating, body))).await
}

/// The dashboards at `/booking`: the caller's sessions, a mentor's requests and week, an
/// organization administrator's view of their organization.
#[server(endpoint = "my_bookings")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_bookings() -> Result<BookingsOverview, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::bookings::overview(tx, user))).await
}

/// A mentor's own listing, for `/account/listing`.
#[server(endpoint = "my_listing")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_listing() -> Result<ListingEditor, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::editor(tx, user))).await
}

#[server(endpoint = "save_listing")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(form)))]
pub async fn save_listing(form: ListingForm) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::save(tx, user, form))).await
}

/// Adds a session type (blank id) or changes one.
#[server(endpoint = "save_session_type")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(form)))]
pub async fn save_session_type(form: SessionTypeForm) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::save_session_type(tx, user, form))).await
}

/// Stops offering a session type (its past bookings keep it).
#[server(endpoint = "remove_session_type")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn remove_session_type(id: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::remove_session_type(tx, user, id))).await
}

#[server(endpoint = "save_weekly_hours")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(form)))]
pub async fn save_weekly_hours(form: WeeklyHoursForm) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::save_weekly_hours(tx, user, form))).await
}

/// Replaces one date's hours: a day off (blank hours) or the hours given.
#[server(endpoint = "save_date_override")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(form)))]
pub async fn save_date_override(form: DateOverrideForm) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::save_date_override(tx, user, form))).await
}

#[server(endpoint = "remove_date_override")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn remove_date_override(date: String) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::listing::remove_date_override(tx, user, date))).await
}
