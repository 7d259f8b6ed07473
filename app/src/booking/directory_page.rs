//! `/mentors`: the mentor directory. Search words and filters (expertise, language, price per
//! session, a free time in the next week, rating) go in a GET form, so the query string drives the
//! page and it works the same without JavaScript. A signed-in student sees the mentors in the
//! careers that fit them first; everyone sees all the mentors they may see, a page at a time.

use super::api::{search_mentors, Directory};
use super::domain::MentorCard;
use super::listing::DirectoryQuery;
use crate::accounts::encode_query_value;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::ui::{ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// The lowest-rating choices: (value sent, what the list shows).
const RATINGS: [(&str, &str); 4] = [("", "Any"), ("3", "3 or higher"), ("4", "4 or higher"), ("4.5", "4.5 or higher")];

#[component]
pub fn MentorsPage() -> impl IntoView {
    let query = use_query_map();
    let directory = Resource::new(move || directory_query(&query.read()), search_mentors);
    // The filters' choices, from the first answer only: later searches change the results but
    // never re-render the lists the person is choosing from.
    let choices = Resource::new(
        || (),
        move |_| async move { directory.await.map(|d| (d.expertise_choices, d.language_choices)).unwrap_or_default() },
    );
    view! {
        <PageMeta
            title="Mentors"
            description="Find a mentor who works in the career you're curious about: search by expertise, language, price and rating, see their free times in your time zone, and book a session."
            path="/mentors"
        />
        <section class="page wide" aria-labelledby="page-heading">
            <h1 id="page-heading">"Mentors"</h1>
            <p class="lead">
                "People who work in the careers you're exploring, ready to answer your questions, "
                "review your work or help you plan your next step."
            </p>
            {search_form(query, choices)}
            <div class="mentor-results" aria-live="polite">
                <Transition fallback=|| view! { <p class="loading">"Loading mentors…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move {
                            let sent = directory_query(&query.read_untracked());
                            match directory.await {
                                Ok(directory) => Ok(results(directory, sent).into_any()),
                                Err(AppError::Invalid(errors)) => Ok(search_refused(errors).into_any()),
                                Err(error) => Err(error),
                            }
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
        </section>
    }
}

/// The search as the query string has it (missing fields are blank: no filter).
fn directory_query(params: &ParamsMap) -> DirectoryQuery {
    let get = |key: &str| params.get(key).unwrap_or_default();
    DirectoryQuery {
        q: get("q"),
        expertise: get("expertise"),
        language: get("language"),
        min_price: get("min_price"),
        max_price: get("max_price"),
        free_week: get("free_week"),
        min_rating: get("min_rating"),
        page: get("page"),
    }
}

/// The search form: a plain GET to `/mentors`, filled from the query string. The expertise and
/// language lists come from `choices` (the admin users filter does the same with organizations).
/// One view (over 60 lines) because each field is a few lines of markup and nothing else.
/// The filter choices: (expertise tags, languages).
type Choices = (Vec<String>, Vec<String>);

fn search_form(query: Memo<ParamsMap>, choices: Resource<Choices>) -> impl IntoView {
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let options = move |field: &'static str, pick: fn(Choices) -> Vec<String>| {
        view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    pick(choices.await).into_iter().map(|choice| {
                        let (value, chosen) = (choice.clone(), choice.clone());
                        view! { <option value=value selected=move || get(field) == chosen>{choice}</option> }
                    }).collect_view()
                })}
            </Transition>
        }
    };
    view! {
        <Form method="get" action="/mentors" attr:class="filters" attr:role="search" attr:aria-label="Mentor search">
            <div class="field field--grow">
                <label for="mentors-q">"Search mentors"</label>
                <input id="mentors-q" name="q" type="search" maxlength="200" placeholder="nursing, portfolio review"
                    value=move || get("q")/>
            </div>
            <div class="field">
                <label for="mentors-expertise">"Expertise"</label>
                <select id="mentors-expertise" name="expertise">
                    <option value="" selected=move || get("expertise").is_empty()>"Any"</option>
                    {options("expertise", |(expertise, _)| expertise)}
                </select>
            </div>
            <div class="field">
                <label for="mentors-language">"Language"</label>
                <select id="mentors-language" name="language">
                    <option value="" selected=move || get("language").is_empty()>"Any"</option>
                    {options("language", |(_, languages)| languages)}
                </select>
            </div>
            <div class="field field--price">
                <label for="mentors-min-price">"Lowest price per session"</label>
                <input id="mentors-min-price" name="min_price" type="text" inputmode="decimal" maxlength="12"
                    value=move || get("min_price") aria-describedby="mentors-price-hint"/>
            </div>
            <div class="field field--price">
                <label for="mentors-max-price">"Highest price per session"</label>
                <input id="mentors-max-price" name="max_price" type="text" inputmode="decimal" maxlength="12"
                    value=move || get("max_price") aria-describedby="mentors-price-hint"/>
            </div>
            <div class="field">
                <label for="mentors-min-rating">"Rating"</label>
                <select id="mentors-min-rating" name="min_rating">
                    {RATINGS.into_iter().map(|(value, label)| view! {
                        <option value=value selected=move || get("min_rating") == value>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label class="checkbox">
                    <input type="checkbox" name="free_week" value="on" checked=move || !get("free_week").is_empty()/>
                    " Has a free time in the next 7 days"
                </label>
            </div>
            <button type="submit" class="button">"Search"</button>
            <p class="field-hint filters__hint" id="mentors-price-hint">
                "Prices as amounts, e.g. 40 or 25.50, in the currency each mentor charges in."
            </p>
        </Form>
    }
}

/// A search the server refused (a price that isn't an amount, a reversed range): what to fix.
fn search_refused(errors: FieldErrors) -> impl IntoView {
    view! {
        <div class="error-box" role="alert">
            <p><strong>"Please check your search."</strong></p>
            <ul>{errors.messages().map(|m| view! { <li>{m.message.clone()}</li> }).collect_view()}</ul>
            <p><A href="/mentors">"Clear all filters"</A></p>
        </div>
    }
}

/// The mentors that fit the student (when there are any), then all the mentors found.
fn results(directory: Directory, sent: DirectoryQuery) -> impl IntoView {
    let Directory { fits_you, fits_reason, results, total, page, pages, .. } = directory;
    let filtered = [&sent.q, &sent.expertise, &sent.language, &sent.min_price, &sent.max_price, &sent.free_week, &sent.min_rating]
        .iter()
        .any(|value| !value.trim().is_empty());
    let mut status = match total {
        0 => "No mentors found".to_string(),
        1 => "1 mentor".to_string(),
        n => format!("{n} mentors"),
    };
    if pages > 1 {
        status.push_str(&format!(", page {page} of {pages}"));
    }
    view! {
        {(!fits_you.is_empty()).then(|| view! {
            <section aria-labelledby="fits-heading">
                <h2 id="fits-heading">"Mentors in careers that fit you"</h2>
                {fits_reason.map(|reason| view! { <p class="lead">{format!("Based on {reason}.")}</p> })}
                <ul class="career-list">{fits_you.into_iter().map(mentor_card).collect_view()}</ul>
            </section>
        })}
        <section aria-labelledby="all-heading">
            <h2 id="all-heading">"All mentors"</h2>
            <p class="status-line">{status}</p>
            {(total == 0).then(|| if filtered {
                view! {
                    <p>
                        "No mentors match all of that. Try fewer words, or fewer filters. "
                        <A href="/mentors">"Clear all filters"</A>
                    </p>
                }.into_any()
            } else {
                view! { <p>"No mentors are listed yet. Please come back soon."</p> }.into_any()
            })}
            {(total > 0 && results.is_empty()).then(|| view! {
                <p>"That page is past the end of the list. " <A href=page_link(&sent, 1)>"Go to the first page"</A></p>
            })}
            <ul class="career-list">{results.into_iter().map(mentor_card).collect_view()}</ul>
            {(pages > 1).then(|| view! {
                <nav aria-label="Pages of mentors" class="pager">
                    {(page > 1).then(|| view! {
                        <a href=page_link(&sent, page - 1) rel="prev">"Previous"<span class="visually-hidden">" page"</span></a>
                    })}
                    <span>{format!("Page {page} of {pages}")}</span>
                    {(page < pages).then(|| view! {
                        <a href=page_link(&sent, page + 1) rel="next">"Next"<span class="visually-hidden">" page"</span></a>
                    })}
                </nav>
            })}
        </section>
    }
}

/// One mentor in a list: who they are, what they know, their rating and price.
fn mentor_card(card: MentorCard) -> impl IntoView {
    let rating = rating_text(card.rating_average, card.rating_count);
    let years = years_text(card.years_experience);
    view! {
        <li class="career-card mentor-card">
            <h3><A href=format!("/mentors/{}", card.handle)>{card.display_name}</A></h3>
            {(!card.headline.is_empty()).then(|| view! { <p>{card.headline}</p> })}
            {(!card.expertise.is_empty()).then(|| view! {
                <ul class="tag-list">{card.expertise.into_iter().map(|tag| view! { <li>{tag}</li> }).collect_view()}</ul>
            })}
            <p class="career-card__meta">
                {(!card.languages.is_empty()).then(|| view! { <span>{format!("Speaks {}", card.languages.join(", "))}</span> })}
                <span>{years}</span>
                <span>{rating}</span>
            </p>
            <p>
                {card.from_price.map(|price| view! { <span class="mentor-card__price">{format!("From {price} per session")}</span> " " })}
                {card.has_free_intro.then(|| view! { <span class="badge">"Free introduction"</span> })}
                {(!card.bookable).then(|| view! { <span class="badge">"Public listing"</span> })}
            </p>
        </li>
    }
}

/// "4.5 out of 5 (12 reviews)", or "No reviews yet".
pub(super) fn rating_text(average: Option<f64>, count: i32) -> String {
    match average {
        Some(average) if count > 0 => {
            let reviews = if count == 1 { "1 review".to_string() } else { format!("{count} reviews") };
            format!("{average:.1} out of 5 ({reviews})")
        }
        _ => "No reviews yet".to_string(),
    }
}

/// "8 years of experience".
pub(super) fn years_text(years: i32) -> String {
    match years {
        n if n <= 0 => "Under a year of experience".to_string(),
        1 => "1 year of experience".to_string(),
        n => format!("{n} years of experience"),
    }
}

/// Page `target` of the search that was sent, with only the fields that were filled, so page 1
/// of everything is plain `/mentors`.
fn page_link(sent: &DirectoryQuery, target: u32) -> String {
    let fields = [
        ("q", &sent.q),
        ("expertise", &sent.expertise),
        ("language", &sent.language),
        ("min_price", &sent.min_price),
        ("max_price", &sent.max_price),
        ("free_week", &sent.free_week),
        ("min_rating", &sent.min_rating),
    ];
    let mut params: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", encode_query_value(value.trim())))
        .collect();
    if target > 1 {
        params.push(format!("page={target}"));
    }
    if params.is_empty() {
        "/mentors".to_string()
    } else {
        format!("/mentors?{}", params.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filled_fields_only() {
        let sent = DirectoryQuery { q: "nurse & care".into(), free_week: "on".into(), page: "2".into(), ..Default::default() };
        assert_eq!(page_link(&sent, 3), "/mentors?q=nurse%20%26%20care&free_week=on&page=3");
        assert_eq!(page_link(&DirectoryQuery::default(), 1), "/mentors");
    }

    #[test]
    fn ratings_read_as_words() {
        assert_eq!(rating_text(Some(4.5), 12), "4.5 out of 5 (12 reviews)");
        assert_eq!(rating_text(Some(5.0), 1), "5.0 out of 5 (1 review)");
        assert_eq!(rating_text(None, 0), "No reviews yet");
    }
}
