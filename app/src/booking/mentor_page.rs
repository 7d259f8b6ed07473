//! `/mentors/:handle`: one mentor's public page. Who they are, the careers they work in, their
//! session types, their next free times (in the viewer's zone, the mentor's own time beside
//! each), a way to book one (or why the viewer can't, and what to do instead), and their
//! reviews. `?type=` picks the session type whose times show and `?tz=` the zone they're shown
//! in; both are plain links and a GET form, so the page works the same without JavaScript.

use super::api::{mentor_profile, BookAbility, HoldSlot, MentorProfile};
use super::directory_page::{rating_text, years_text};
use super::domain::{MentorCard, ReviewView, SlotView};
use crate::accounts::encode_query_value;
use crate::accounts::profile::TimeZoneName;
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, JsonLd, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MentorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let hold = ServerAction::<HoldSlot>::new();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    // Refetched after every hold: a refused one ("just taken") shows the times still free.
    let profile = Resource::new(
        move || (params.read().get("handle").unwrap_or_default(), param("type"), param("tz"), hold.version().get()),
        |(handle, session_type, tz, _)| mentor_profile(handle, session_type, tz),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the mentor…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                {move || Suspend::new(async move {
                    let tz = query.read_untracked().get("tz").unwrap_or_default();
                    match profile.await {
                        Ok(profile) => Ok(mentor_view(profile, hold, tz).into_any()),
                        Err(AppError::NotFound(_)) => Ok(view! {
                            <crate::ui::NotFound title="Mentor not found" heading="We couldn't find that mentor"
                                lead="There is no mentor listing at this address, or it is no longer open."
                                href="/mentors" link="Browse all mentors"/>
                        }.into_any()),
                        Err(error) => Err(error),
                    }
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The whole page; `tz` is the zone the viewer picked in the query string (blank: none), kept
/// by the session type links.
fn mentor_view(profile: MentorProfile, hold: ServerAction<HoldSlot>, tz: String) -> impl IntoView {
    let path = format!("/mentors/{}", profile.card.handle);
    let name = profile.card.display_name.clone();
    let description = meta_description(&profile.card.headline, &profile.bio);
    let person = person_json_ld(&profile.card, SiteUrl::current().absolute(&path));
    view! {
        <PageMeta title=format!("{name} · mentor") description path=path.clone() og_type="profile"/>
        <JsonLd value=person/>
        <article class="page wide mentor" aria-labelledby="page-heading">
            <nav aria-label="Breadcrumb" class="breadcrumb">
                <ol>
                    <li><A href="/mentors">"Mentors"</A></li>
                    <li><span aria-current="page">{name.clone()}</span></li>
                </ol>
            </nav>
            {mentor_header(&profile.card)}
            {about_section(&profile.bio)}
            {careers_section(&profile.careers)}
            {sessions_section(&profile, &path, &tz)}
            {booking_section(&profile, &path, &tz, hold)}
            {reviews_section(profile.reviews, &profile.card)}
        </article>
    }
}

/// At most 160 characters from the headline and the start of the introduction.
fn meta_description(headline: &str, bio: &str) -> String {
    let headline = headline.trim().trim_end_matches('.');
    let text = if headline.is_empty() { bio.to_string() } else { format!("{headline}. {bio}") };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 160 {
        return text;
    }
    let cut: String = text.chars().take(159).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(words, _)| words);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// schema.org `Person` for search engines; the rating only once there is one.
fn person_json_ld(card: &MentorCard, url: String) -> serde_json::Value {
    let mut person = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Person",
        "name": card.display_name,
        "description": card.headline,
        "jobTitle": card.headline,
        "knowsAbout": card.expertise,
        "knowsLanguage": card.languages,
        "url": url,
    });
    if let (Some(average), true) = (card.rating_average, card.rating_count > 0) {
        person["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating",
            "ratingValue": average,
            "reviewCount": card.rating_count,
        });
    }
    person
}

fn mentor_header(card: &MentorCard) -> impl IntoView {
    view! {
        <h1 id="page-heading">{card.display_name.clone()}</h1>
        {(!card.headline.is_empty()).then(|| view! { <p class="lead">{card.headline.clone()}</p> })}
        <dl class="details">
            {(!card.expertise.is_empty()).then(|| view! {
                <dt>"Expertise"</dt>
                <dd><ul class="tag-list">{card.expertise.iter().map(|tag| view! { <li>{tag.clone()}</li> }).collect_view()}</ul></dd>
            })}
            {(!card.languages.is_empty()).then(|| view! { <dt>"Languages"</dt><dd>{card.languages.join(", ")}</dd> })}
            <dt>"Experience"</dt><dd>{years_text(card.years_experience)}</dd>
            <dt>"Rating"</dt><dd>{rating_text(card.rating_average, card.rating_count)}</dd>
        </dl>
    }
}

/// The introduction, a paragraph per blank-line-separated block.
fn about_section(bio: &str) -> impl IntoView {
    let paragraphs: Vec<String> = bio.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect();
    (!paragraphs.is_empty()).then(|| view! {
        <section aria-labelledby="about-heading">
            <h2 id="about-heading">"About"</h2>
            {paragraphs.into_iter().map(|p| view! { <p class="prose">{p}</p> }).collect_view()}
        </section>
    })
}

fn careers_section(careers: &[(String, String)]) -> impl IntoView {
    (!careers.is_empty()).then(|| view! {
        <section aria-labelledby="careers-heading">
            <h2 id="careers-heading">"Careers I work in"</h2>
            <ul class="related-list">
                {careers.iter().map(|(code, title)| {
                    let title = title.clone();
                    view! { <li><A href=format!("/careers/{code}")>{title}</A></li> }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// The session types, each a link that shows its free times (the one shown is marked).
fn sessions_section(profile: &MentorProfile, path: &str, tz: &str) -> impl IntoView {
    let keep_tz = if tz.is_empty() { String::new() } else { format!("&tz={}", encode_query_value(tz)) };
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Sessions"</h2>
            {profile.session_types.is_empty().then(|| view! { <p>"This mentor offers no sessions at the moment."</p> })}
            <ul class="session-list">
                {profile.session_types.iter().map(|session| {
                    let chosen = profile.chosen_type == Some(session.id);
                    view! {
                        <li class="session-type">
                            <h3>
                                <a href=format!("{path}?type={}{keep_tz}", session.id) aria-current=chosen.then_some("true")>
                                    {session.title.clone()}
                                </a>
                            </h3>
                            <p class="muted">
                                {format!("{} minutes · {}", session.duration_minutes, session.price_label())}
                                {session.is_free_intro.then_some(" · Free introduction")}
                            </p>
                            {(!session.description.is_empty()).then(|| view! { <p>{session.description.clone()}</p> })}
                            {chosen.then(|| view! { <p class="session-type__shown">"Its free times are below."</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The free times and what the viewer can do with them: book (signed in, same organization),
/// sign in first, reach the mentor another way, or see their own listing as students do.
fn booking_section(profile: &MentorProfile, path: &str, tz: &str, hold: ServerAction<HoldSlot>) -> impl IntoView {
    let name = profile.card.display_name.clone();
    let same_zone = profile.viewer_zone == profile.mentor_zone;
    let zone_line = if same_zone {
        format!("Times are shown in {} ({}), which is also {name}'s time zone.", profile.viewer_zone, profile.viewer_zone_source)
    } else {
        format!("Times are shown in {} ({}). {name}'s own time is beside each.", profile.viewer_zone, profile.viewer_zone_source)
    };
    let session_type = profile.chosen_type.map(|id| id.to_string()).unwrap_or_default();
    let how = match profile.book {
        BookAbility::Book => None,
        BookAbility::SignIn => {
            let mut here = path.to_string();
            let mut params = Vec::new();
            if !session_type.is_empty() {
                params.push(format!("type={session_type}"));
            }
            if !tz.is_empty() {
                params.push(format!("tz={}", encode_query_value(tz)));
            }
            if !params.is_empty() {
                here = format!("{here}?{}", params.join("&"));
            }
            let sign_in = format!("/sign-in?next={}", encode_query_value(&here));
            Some(view! { <p><A href=sign_in>"Sign in to book"</A>" a time with "{name.clone()}"."</p> }.into_any())
        }
        BookAbility::OtherOrganization => {
            let note = profile.contact_note.trim();
            let how = if note.is_empty() { format!("{name} hasn't said yet how to reach them from outside.") } else { note.to_string() };
            return view! {
                <section aria-labelledby="book-heading">
                    <h2 id="book-heading">"Book a time"</h2>
                    <p class="info-box">{format!("{name} mentors members of their own organization. How to reach them: {how}")}</p>
                </section>
            }
            .into_any();
        }
        BookAbility::OwnListing => Some(view! {
            <p class="info-box">"This is your listing: students see these times. " <A href="/account/listing">"Edit your listing"</A></p>
        }.into_any()),
    };
    let cancellation = match profile.free_cancellation_hours {
        0 => "You can cancel free of charge until the session starts.".to_string(),
        1 => "You can cancel free of charge until 1 hour before the session.".to_string(),
        hours => format!("You can cancel free of charge until {hours} hours before the session."),
    };
    let bookable = profile.book == BookAbility::Book;
    let handle = profile.card.handle.clone();
    view! {
        <section aria-labelledby="book-heading">
            <h2 id="book-heading">"Book a time"</h2>
            {how}
            <p>{zone_line}</p>
            {zone_form(path, &profile.viewer_zone, &session_type)}
            <p class="muted">
                {profile.requires_approval.then(|| format!("Requests wait for {name}'s approval. "))}
                {cancellation}
            </p>
            {bookable.then(|| view! { <ActionOutcome value=move || hold.value().get().map(|held| held.map(|_| ()))/> })}
            {profile.days.is_empty().then(|| view! { <p>"No free times in the next weeks."</p> })}
            {profile.days.iter().map(|day| view! {
                <div class="slot-day">
                    <h3>{day.label.clone()}</h3>
                    <ul class="slot-list">
                        {day.slots.iter().map(|slot| {
                            let (viewer_time, mentor_time) = slot_times(slot, same_zone);
                            if bookable {
                                slot_button(hold, &handle, &session_type, slot, viewer_time, mentor_time).into_any()
                            } else {
                                view! { <li>{viewer_time}{mentor_time_note(mentor_time)}</li> }.into_any()
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
        </section>
    }
    .into_any()
}

/// Another zone for the times: a GET form that keeps the session type.
fn zone_form(path: &str, viewer_zone: &str, session_type: &str) -> impl IntoView {
    let (viewer_zone, session_type) = (viewer_zone.to_string(), session_type.to_string());
    view! {
        <Form method="get" action=path.to_string() attr:class="filters" attr:aria-label="Time zone for these times">
            {(!session_type.is_empty()).then(|| view! { <input type="hidden" name="type" value=session_type.clone()/> })}
            <div class="field">
                <label for="mentor-tz">"Time zone"</label>
                <select id="mentor-tz" name="tz">
                    {TimeZoneName::choices().into_iter().map(|zone| view! {
                        <option value=zone selected=zone == viewer_zone.as_str()>{zone.replace('_', " ")}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button--secondary">"Show times"</button>
        </Form>
    }
}

/// The time in the viewer's zone ("14:00"; the day is the heading above) and the mentor's own
/// ("09:00", or with its day when that differs), unless both zones are the same.
fn slot_times(slot: &SlotView, same_zone: bool) -> (String, Option<String>) {
    let split = |label: &str| label.rsplit_once(", ").map(|(day, time)| (day.to_string(), time.to_string()));
    let (viewer_day, viewer_time) = split(&slot.viewer_label).unwrap_or_else(|| (String::new(), slot.viewer_label.clone()));
    if same_zone {
        return (viewer_time, None);
    }
    let mentor = match split(&slot.mentor_label) {
        Some((day, time)) if day == viewer_day => time,
        _ => slot.mentor_label.clone(),
    };
    (viewer_time, Some(mentor))
}

fn mentor_time_note(mentor_time: Option<String>) -> impl IntoView {
    mentor_time.map(|time| view! { " " <span class="mentor-time">{format!("({time} mentor's time)")}</span> })
}

/// One free time as a button that holds it. Its accessible name carries the day and both times
/// ("Book Mon 30 Nov, 14:00 (09:00 mentor's time)"); the day shows as the heading above.
fn slot_button(
    hold: ServerAction<HoldSlot>,
    handle: &str,
    session_type: &str,
    slot: &SlotView,
    viewer_time: String,
    mentor_time: Option<String>,
) -> impl IntoView {
    let day = slot.viewer_label.rsplit_once(", ").map_or(String::new(), |(day, _)| format!("{day}, "));
    let (handle, session_type, start) = (handle.to_string(), session_type.to_string(), slot.start.to_rfc3339());
    view! {
        <li>
            <ActionForm action=hold attr:class="inline-form">
                <input type="hidden" name="handle" value=handle/>
                <input type="hidden" name="session_type" value=session_type/>
                <input type="hidden" name="start" value=start/>
                <button type="submit" class="button button--secondary slot-button" disabled=move || hold.pending().get()>
                    <span class="visually-hidden">"Book "{day}</span>
                    {viewer_time}
                    {mentor_time_note(mentor_time)}
                </button>
            </ActionForm>
        </li>
    }
}

fn reviews_section(reviews: Vec<ReviewView>, card: &MentorCard) -> impl IntoView {
    view! {
        <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Reviews"</h2>
            {if reviews.is_empty() {
                view! { <p>"No reviews yet."</p> }.into_any()
            } else {
                view! {
                    <p>{rating_text(card.rating_average, card.rating_count)}</p>
                    <ul class="review-list">
                        {reviews.into_iter().map(|review| view! {
                            <li>
                                <p><strong>{format!("{} out of 5", review.rating)}</strong></p>
                                {(!review.body.is_empty()).then(|| view! { <p class="prose">{review.body}</p> })}
                                <p class="muted">{format!("{}, {}", review.reviewer_name, review.written_at.format("%-d %B %Y"))}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_ends_at_a_word_within_160_characters() {
        let bio = "word ".repeat(60);
        let description = meta_description("Nurse educator.", &bio);
        assert!(description.chars().count() <= 160, "{description}");
        assert!(description.starts_with("Nurse educator. word"));
        assert!(description.ends_with("word…"));
        assert_eq!(meta_description("", "Short\n\nintro."), "Short intro.");
    }

    #[test]
    fn the_mentors_time_carries_its_day_only_when_it_differs() {
        let at = chrono::Utc::now();
        let slot = |viewer: &str, mentor: &str| SlotView { start: at, end: at, viewer_label: viewer.into(), mentor_label: mentor.into() };
        assert_eq!(slot_times(&slot("Mon 30 Nov, 14:00", "Mon 30 Nov, 09:00"), false), ("14:00".into(), Some("09:00".into())));
        assert_eq!(slot_times(&slot("Mon 30 Nov, 01:00", "Sun 29 Nov, 20:00"), false), ("01:00".into(), Some("Sun 29 Nov, 20:00".into())));
        assert_eq!(slot_times(&slot("Mon 30 Nov, 14:00", "Mon 30 Nov, 14:00"), true), ("14:00".into(), None));
    }
}
