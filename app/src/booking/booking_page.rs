//! `/booking/:id`: one booking, for its student, its mentor or an administrator of its
//! organization: when (in the viewer's zone, and the mentor's), price, topic, the meeting link,
//! a cancellation, and the actions the server says the viewer may take now (confirm a hold,
//! answer a request, cancel, move, record how it went), the mentor's private notes, the
//! student's review and an .ics file for their calendar. Every action reloads the booking.

use super::api::{
    booking, reschedule_options, AnswerRequest, CancelBooking, ConfirmBooking, FinishSession, RescheduleBooking,
    ReviewSession, SaveSessionNotes, SlotDay,
};
use super::domain::{BookingAction, BookingDetail, BookingStatus, Party};
use crate::error::AppError;
use crate::payments::api::{payment_for_booking, PayForBooking};
use crate::payments::domain::BookingPayment;
use crate::payments::{BookingPaymentPanel, PayForm};
use crate::ui::{form_flash, textarea_text, ActionOutcome, ErrorMessages, FormFeedback, PageMeta};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

/// The page's server actions, made once at its top; the booking reloads after each answers.
#[derive(Clone, Copy)]
struct Actions {
    confirm: ServerAction<ConfirmBooking>,
    /// Releasing a hold and cancelling both post `cancel_booking`.
    cancel: ServerAction<CancelBooking>,
    answer: ServerAction<AnswerRequest>,
    finish: ServerAction<FinishSession>,
    reschedule: ServerAction<RescheduleBooking>,
    notes: ServerAction<SaveSessionNotes>,
    review: ServerAction<ReviewSession>,
    /// Answered by the provider's payment page's address (the page goes there).
    pay: ServerAction<PayForBooking>,
}

impl Actions {
    fn new() -> Self {
        Self {
            confirm: ServerAction::new(),
            cancel: ServerAction::new(),
            answer: ServerAction::new(),
            finish: ServerAction::new(),
            reschedule: ServerAction::new(),
            notes: ServerAction::new(),
            review: ServerAction::new(),
            pay: ServerAction::new(),
        }
    }

    /// Changes whenever any action answers.
    fn versions(self) -> [usize; 7] {
        [
            self.confirm.version().get(),
            self.cancel.version().get(),
            self.answer.version().get(),
            self.finish.version().get(),
            self.reschedule.version().get(),
            self.notes.version().get(),
            self.review.version().get(),
        ]
    }
}

/// How many times (two seconds apart) a page back from paying asks again.
const RECHECKS: u32 = 30;

type NewTimes = Resource<Result<Vec<SlotDay>, AppError>>;

/// `/booking/:id`
#[component]
pub fn BookingPage() -> impl IntoView {
    // Resources are made here, not inside RequireUser's children (hydration ids; admin/users.rs).
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok());
    // Back from the provider's payment page: while the booking is still held, it is read again
    // every couple of seconds (`recheck`) until the provider's event has been applied, for a
    // minute. The event may land between reading the booking and reading its payment, or after
    // both (a second card after a declined one): it asks again while either says "not yet".
    let returning = use_query_map().with_untracked(|query| query.get("checkout").as_deref() == Some("done"));
    let recheck = RwSignal::new(0_u32);
    let actions = Actions::new();
    let flash = form_flash();
    // Whether the free times to move to are shown (and so loaded).
    let choosing = RwSignal::new(false);
    let detail = Resource::new(
        move || (id(), actions.versions(), recheck.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => booking(id).await,
                None => Err(AppError::NotFound("that booking".into())),
            }
        },
    );
    let payment = Resource::new(
        move || (id(), actions.versions(), recheck.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => payment_for_booking(id).await,
                None => Ok(None),
            }
        },
    );
    Effect::new(move |_| {
        let held = detail.get().and_then(Result::ok).is_some_and(|detail| detail.status == BookingStatus::Hold);
        let payment = payment.get().and_then(Result::ok).flatten();
        let unpaid = payment.as_ref().is_some_and(|payment| !payment.status.was_paid());
        if returning && payment.is_some() && (held || unpaid) && recheck.get_untracked() < RECHECKS {
            set_timeout(move || recheck.update(|n| *n += 1), std::time::Duration::from_secs(2));
        }
    });
    let new_times: NewTimes = Resource::new(
        move || (id(), choosing.get(), actions.versions()),
        |(id, choosing, _)| async move {
            match (id, choosing) {
                (Some(id), true) => reschedule_options(id).await,
                _ => Ok(Vec::new()),
            }
        },
    );
    Effect::new(move |_| {
        if matches!(actions.reschedule.value().get(), Some(Ok(()))) {
            choosing.set(false);
        }
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <crate::accounts::RequireUser children=move |_user| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading the booking…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {move || Suspend::new(async move {
                        let feedback = FormFeedback::new(actions.pay, flash.await);
                        let payment = payment.await;
                        match detail.await {
                            Ok(detail) => {
                                let payment = payment?;
                                let unpaid = payment.as_ref().is_some_and(|payment| !payment.status.was_paid());
                                let checking = returning
                                    && (detail.status == BookingStatus::Hold || unpaid)
                                    && recheck.get_untracked() < RECHECKS;
                                let money = PaymentPart { payment, checking, feedback };
                                Ok(booking_view(detail, actions, choosing, new_times, money).into_any())
                            }
                            Err(AppError::NotFound(_)) => Ok(view! {
                                <crate::ui::NotFound title="Booking not found" heading="We couldn't find that booking"
                                    lead="It may have been removed, or it belongs to someone else." href="/booking" link="See your sessions"/>
                            }.into_any()),
                            Err(error) => Err(error),
                        }
                    })}
                </ErrorBoundary>
            </Transition>
        }/>
    }
}

/// What the page knows of the booking's payment.
struct PaymentPart {
    payment: Option<BookingPayment>,
    /// Back from paying, the booking still held: the payment's outcome is on its way.
    checking: bool,
    feedback: FormFeedback,
}

fn booking_view(
    detail: BookingDetail,
    actions: Actions,
    choosing: RwSignal<bool>,
    new_times: NewTimes,
    money: PaymentPart,
) -> impl IntoView {
    let id = detail.id;
    let heading = match detail.party {
        Party::Student => format!("{} with {}", detail.session_title, detail.mentor_name),
        Party::Mentor => format!("{} with {}", detail.session_title, detail.student_name),
        Party::Administrator => {
            format!("{} with {} and {}", detail.session_title, detail.student_name, detail.mentor_name)
        }
    };
    let when = match &detail.mentor_when {
        Some(theirs) => format!("{} ({}'s time: {theirs})", detail.when, detail.mentor_name),
        None => detail.when.clone(),
    };
    let price = if detail.price.minor == 0 { "Free".to_string() } else { detail.price.to_string() };
    let cancellation = detail.cancellation.as_ref().map(|c| {
        let reason = if c.reason.is_empty() { String::new() } else { format!(": {}", c.reason) };
        let late = if c.late { " (a late cancellation)" } else { "" };
        // `by` is "student", "mentor" or "administrator".
        let by = if c.by.is_empty() { String::new() } else { format!(" by the {}", c.by) };
        let what = if detail.status == BookingStatus::Declined { "Declined" } else { "Cancelled" };
        format!("{what}{by} on {}{reason}{late}", c.at_label)
    });
    let calendar = !matches!(detail.status, BookingStatus::Hold | BookingStatus::Expired | BookingStatus::Declined);
    let can = |action: BookingAction| detail.actions.contains(&action);
    let has_actions = !detail.actions.is_empty();
    let minutes_left = detail.hold_minutes_left.unwrap_or(1);
    let hold = can(BookingAction::Confirm).then(|| {
        if detail.price.minor > 0 {
            view! {
                <PayForm booking=id price=detail.price.to_string() requires_approval=detail.requires_approval minutes_left
                    free_cancellation_hours=detail.free_cancellation_hours action=actions.pay feedback=money.feedback/>
                {release_form(id, actions)}
            }
            .into_any()
        } else {
            hold_forms(id, detail.requires_approval, minutes_left, can(BookingAction::Release), actions).into_any()
        }
    });
    let payment = money.payment.map(|payment| view! { <BookingPaymentPanel payment checking=money.checking/> });
    let answer = can(BookingAction::Accept).then(|| answer_forms(id, can(BookingAction::Decline), actions));
    let cancel = can(BookingAction::Cancel).then(|| cancel_form(id, detail.free_cancellation_hours, actions));
    let reschedule = can(BookingAction::Reschedule).then(|| reschedule_part(id, actions, choosing, new_times));
    let finish = (can(BookingAction::Complete) || can(BookingAction::NoShow))
        .then(|| finish_forms(id, can(BookingAction::Complete), can(BookingAction::NoShow), actions));
    let notes = detail.notes.clone().map(|notes| notes_form(id, notes, actions));
    let review = review_part(&detail, actions);
    view! {
        <PageMeta title=heading.clone() description="A mentoring session on Waypoint." path=format!("/booking/{id}")/>
        <article class="page narrow" aria-labelledby="page-heading">
            <p><A href="/booking">"All your sessions"</A></p>
            <h1 id="page-heading">{heading}</h1>
            <p class="status-line" aria-live="polite">{detail.status.label()}</p>
            <dl class="details">
                <dt>"When"</dt>
                <dd>{when}<br/><span class="muted">{format!("Times in {}", detail.viewer_zone)}</span></dd>
                <dt>"Mentor"</dt>
                <dd><A href=format!("/mentors/{}", detail.mentor_handle)>{detail.mentor_name.clone()}</A></dd>
                <dt>"Student"</dt>
                <dd>{detail.student_name.clone()}</dd>
                <dt>"Price"</dt>
                <dd>{price}</dd>
                {(!detail.topic.is_empty()).then(|| view! { <dt>"Topic"</dt><dd>{detail.topic.clone()}</dd> })}
                {detail.meeting_url.clone().map(|url| {
                    let href = url.clone();
                    view! { <dt>"Meeting link"</dt><dd><a href=href>{url}</a></dd> }
                })}
                {cancellation.map(|text| view! { <dt>"Cancellation"</dt><dd>{text}</dd> })}
            </dl>
            {outcomes(actions, detail.requires_approval)}
            {payment}
            {has_actions.then(|| view! {
                <section aria-labelledby="actions-heading">
                    <h2 id="actions-heading">"What you can do"</h2>
                    {hold}
                    {answer}
                    {reschedule}
                    {finish}
                    {cancel}
                </section>
            })}
            {notes}
            {review}
            {calendar.then(|| view! {
                <p><a href=format!("/booking/{id}/calendar.ics") download="">"Add to calendar"</a></p>
            })}
        </article>
    }
}

/// Every action's answer, in one place that stays when its form goes (a confirmed hold).
fn outcomes(actions: Actions, requires_approval: bool) -> impl IntoView {
    let confirmed = if requires_approval {
        "Request sent: the mentor will accept or decline it."
    } else {
        "Booked. It's in your sessions."
    };
    view! {
        <div aria-live="polite">
            <ActionOutcome value=move || actions.confirm.value().get() success=confirmed/>
            <ActionOutcome value=move || actions.cancel.value().get() success="Cancelled: the time is free again."/>
            <ActionOutcome value=move || actions.answer.value().get() success="Your answer is sent."/>
            <ActionOutcome value=move || actions.finish.value().get() success="Recorded."/>
            <ActionOutcome value=move || actions.reschedule.value().get() success="Moved to the new time."/>
            <ActionOutcome value=move || actions.notes.value().get() success="Notes saved."/>
            <ActionOutcome value=move || actions.review.value().get() success="Thank you: your review is posted."/>
        </div>
    }
}

/// The student's hold: confirm it with a topic, or let it go.
fn hold_forms(id: Uuid, requires_approval: bool, minutes_left: i64, release: bool, actions: Actions) -> impl IntoView {
    view! {
        <h3>"Confirm your booking"</h3>
        <p>{format!(
            "This time is held for you. Confirm within {} minute{}, or it goes back to the mentor's free times.",
            minutes_left,
            if minutes_left == 1 { "" } else { "s" }
        )}</p>
        <ActionForm action=actions.confirm attr:class="form">
            <input type="hidden" name="id" value=id.to_string()/>
            <div class="field">
                <label for="booking-topic">"What would you like to talk about?"</label>
                <textarea id="booking-topic" name="topic" rows="3" maxlength="200"></textarea>
            </div>
            <div>
                <button type="submit" class="button" disabled=move || actions.confirm.pending().get()>
                    {if requires_approval { "Request this session" } else { "Confirm booking" }}
                </button>
            </div>
        </ActionForm>
        {release.then(|| release_form(id, actions))}
    }
}

fn release_form(id: Uuid, actions: Actions) -> impl IntoView {
    view! {
        <ActionForm action=actions.cancel attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="reason" value=""/>
            <button type="submit" class="button button--ghost">"Let this time go"</button>
        </ActionForm>
    }
}

/// The mentor's answer to a request: accept, or decline with a reason the student sees.
fn answer_forms(id: Uuid, decline: bool, actions: Actions) -> impl IntoView {
    view! {
        <h3>"Answer this request"</h3>
        <ActionForm action=actions.answer attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="accept" value="true"/>
            <input type="hidden" name="reason" value=""/>
            <button type="submit" class="button">"Accept"</button>
        </ActionForm>
        {decline.then(|| view! {
            <ActionForm action=actions.answer attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="accept" value="false"/>
                <div class="field">
                    <label for="booking-decline-reason">"Why are you declining? (the student sees this)"</label>
                    <textarea id="booking-decline-reason" name="reason" rows="3" maxlength="500" required=true></textarea>
                </div>
                <div><button type="submit" class="button button--secondary">"Decline"</button></div>
            </ActionForm>
        })}
    }
}

fn cancel_form(id: Uuid, free_cancellation_hours: i32, actions: Actions) -> impl IntoView {
    view! {
        <h3>"Cancel the session"</h3>
        <ActionForm action=actions.cancel attr:class="form">
            <input type="hidden" name="id" value=id.to_string()/>
            <div class="field">
                <label for="booking-cancel-reason">"Why are you cancelling? (the other person sees this)"</label>
                <p class="field-hint" id="booking-cancel-hint">{format!(
                    "Cancelling is free until {free_cancellation_hours} hours before the start; later cancellations are recorded as late."
                )}</p>
                <textarea id="booking-cancel-reason" name="reason" rows="3" maxlength="500" aria-describedby="booking-cancel-hint"></textarea>
            </div>
            <div><button type="submit" class="button button--danger">"Cancel session"</button></div>
        </ActionForm>
    }
}

/// "Choose a new time": reveals the free times to move to, each a button that moves the
/// booking; the list's heading takes the focus when it appears.
fn reschedule_part(id: Uuid, actions: Actions, choosing: RwSignal<bool>, new_times: NewTimes) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H3>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <p>
            <button type="button" class="button button--secondary" aria-expanded=move || choosing.get().to_string()
                aria-controls="new-times" on:click=move |_| choosing.update(|shown| *shown = !*shown)>
                "Choose a new time"
            </button>
        </p>
        <div id="new-times">
            <Show when=move || choosing.get()>
                <h3 node_ref=heading tabindex="-1">"Free times to move to"</h3>
                <Transition fallback=|| view! { <p class="loading">"Loading free times…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move { new_times.await.map(|days| new_times_list(id, days, actions)) })}
                    </ErrorBoundary>
                </Transition>
            </Show>
        </div>
    }
}

/// The free times by day, each a button that moves the booking there (as on a mentor's page:
/// the time, the day for screen readers, and the mentor's time when it differs).
fn new_times_list(id: Uuid, days: Vec<SlotDay>, actions: Actions) -> impl IntoView {
    if days.iter().all(|day| day.slots.is_empty()) {
        return view! { <p class="muted">"The mentor has no other free times right now."</p> }.into_any();
    }
    days.into_iter()
        .filter(|day| !day.slots.is_empty())
        .map(|day| {
            view! {
                <div class="slot-day">
                    <h4>{day.label}</h4>
                    <ul class="slot-list">
                        {day.slots.into_iter().map(|slot| {
                            let (on_day, time) = match slot.viewer_label.rsplit_once(", ") {
                                Some((on_day, time)) => (format!("{on_day}, "), time.to_string()),
                                None => (String::new(), slot.viewer_label.clone()),
                            };
                            let theirs = (slot.mentor_label != slot.viewer_label)
                                .then(|| view! { " "<span class="mentor-time">{format!("({} mentor's time)", slot.mentor_label)}</span> });
                            view! {
                                <li>
                                    <ActionForm action=actions.reschedule attr:class="inline-form">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="start" value=slot.start.to_rfc3339()/>
                                        <button type="submit" class="button button--secondary slot-button" disabled=move || actions.reschedule.pending().get()>
                                            <span class="visually-hidden">"Move to "{on_day}</span>
                                            {time}
                                            {theirs}
                                        </button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
        .collect_view()
        .into_any()
}

fn finish_forms(id: Uuid, complete: bool, no_show: bool, actions: Actions) -> impl IntoView {
    view! {
        <h3>"How did it go?"</h3>
        <div class="actions">
            {complete.then(|| view! {
                <ActionForm action=actions.finish>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="outcome" value="completed"/>
                    <button type="submit" class="button">"Mark completed"</button>
                </ActionForm>
            })}
            {no_show.then(|| view! {
                <ActionForm action=actions.finish>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="outcome" value="no_show"/>
                    <button type="submit" class="button button--secondary">"Mark as missed"</button>
                </ActionForm>
            })}
        </div>
    }
}

/// The mentor's private notes on the session.
fn notes_form(id: Uuid, notes: String, actions: Actions) -> impl IntoView {
    view! {
        <section aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Your notes"</h2>
            <ActionForm action=actions.notes attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="field">
                    <label for="booking-notes">"Private notes (only you can read these; stored encrypted)"</label>
                    <textarea id="booking-notes" name="notes" rows="6">{textarea_text(notes)}</textarea>
                </div>
                <div><button type="submit" class="button" disabled=move || actions.notes.pending().get()>"Save notes"</button></div>
            </ActionForm>
        </section>
    }
}

/// The review, once written, and the student's form to write it.
fn review_part(detail: &BookingDetail, actions: Actions) -> Option<impl IntoView> {
    if detail.review.is_none() && !detail.can_review {
        return None;
    }
    let whose = if detail.party == Party::Student {
        "Your review".to_string()
    } else {
        format!("{}'s review", detail.student_name)
    };
    let review = detail.review.clone().map(|review| {
        view! {
            <p><strong>{format!("{whose}: {} out of 5", review.rating)}</strong></p>
            <blockquote>{review.body}</blockquote>
        }
    });
    let id = detail.id;
    let form = detail.can_review.then(|| view! {
        <ActionForm action=actions.review attr:class="form">
            <input type="hidden" name="id" value=id.to_string()/>
            <fieldset class="field">
                <legend>"Your rating"</legend>
                <div class="choices">
                    {(1..=5).map(|stars| {
                        let radio = format!("booking-rating-{stars}");
                        view! {
                            <span class="choice">
                                <input type="radio" id=radio.clone() name="rating" value=stars.to_string() required=true/>
                                <label for=radio>{if stars == 1 { "1 star".to_string() } else { format!("{stars} stars") }}</label>
                            </span>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for="booking-review-body">"Your review"</label>
                <textarea id="booking-review-body" name="body" rows="4" maxlength="2000"></textarea>
            </div>
            <div><button type="submit" class="button" disabled=move || actions.review.pending().get()>"Post review"</button></div>
        </ActionForm>
    });
    Some(view! {
        <section aria-labelledby="review-heading">
            <h2 id="review-heading">"Review"</h2>
            {review}
            {form}
        </section>
    })
}
