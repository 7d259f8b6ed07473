//! `/resources`: search the library. The query string drives the page, so the plain GET form
//! works without JavaScript; with it, results follow the search box as you type (debounced,
//! the address kept in step so the back button and shared links work).

use super::api::search_resources;
use super::domain::{Difficulty, ResourceCard, ResourceType, SearchQuery, SearchResults, SnippetPart};
use crate::accounts::{encode_query_value, use_auth, Auth};
use crate::domain::{FieldErrors, Role};
use crate::error::AppError;
use crate::ui::{ErrorMessages, JsonLd, PageMeta, SiteUrl};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

const DESCRIPTION: &str = "Guides, articles, videos, courses, books and templates for choosing a career and getting into it: \
     CVs and cover letters, interviews, apprenticeships, paying for study and guides to specific careers.";

/// How long the search box waits after the last key before the results follow it.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// The search as the query string (or the form) has it: blank fields are no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Fields {
    q: String,
    kind: String,
    tag: String,
    difficulty: String,
    career: String,
    page: String,
}

impl Fields {
    fn from_params(params: &ParamsMap) -> Fields {
        let get = |key: &str| params.get(key).unwrap_or_default();
        Fields { q: get("q"), kind: get("type"), tag: get("tag"), difficulty: get("difficulty"), career: get("career"), page: get("page") }
    }

    /// `/resources` asking for page `page` of this search, as `SearchQuery::query_string` writes
    /// it; a search the domain refuses is passed on as typed, so the page can say what's wrong.
    fn address(&self, page: u32) -> String {
        match SearchQuery::parse(&self.q, &self.kind, &self.tag, &self.difficulty, &self.career, "") {
            Ok(query) => format!("/resources{}", query.query_string(page)),
            Err(_) => {
                let fields = [("q", &self.q), ("type", &self.kind), ("tag", &self.tag), ("difficulty", &self.difficulty), ("career", &self.career)];
                let params: Vec<String> = fields
                    .iter()
                    .filter(|(_, value)| !value.trim().is_empty())
                    .map(|(name, value)| format!("{name}={}", encode_query_value(value.trim())))
                    .collect();
                if params.is_empty() { "/resources".to_string() } else { format!("/resources?{}", params.join("&")) }
            }
        }
    }

    fn filtered(&self) -> bool {
        [&self.q, &self.kind, &self.tag, &self.difficulty, &self.career].iter().any(|value| !value.trim().is_empty())
    }
}

#[component]
pub fn ResourcesPage() -> impl IntoView {
    let query = use_query_map();
    let search = Resource::new(
        move || Fields::from_params(&query.read()),
        |f| search_resources(f.q, f.kind, f.tag, f.difficulty, f.career, f.page),
    );
    // The tag filter's choices, from the first answer only: later searches change the results,
    // never the list the person is choosing from.
    let tags = Resource::new(|| (), move |_| async move { search.await.map(|results| results.tags).unwrap_or_default() });
    let auth = use_auth();
    // Screen readers hear the new count when results follow the search box (not on page load).
    let announcement = RwSignal::new(String::new());
    Effect::new(move |seen: Option<bool>| {
        if let Some(Ok(results)) = search.get() {
            if seen == Some(true) {
                announcement.set(count_text(&results));
            }
            return true;
        }
        seen.unwrap_or(false)
    });
    view! {
        <PageMeta title="Resource library" description=DESCRIPTION path="/resources"/>
        <section class="page wide" aria-labelledby="page-heading">
            <h1 id="page-heading">"Resource library"</h1>
            <p class="lead">
                "Practical guides for every step: choosing a field, writing a CV and cover letter, preparing for "
                "interviews, apprenticeships and other routes in, paying for study, and what specific careers are really like."
            </p>
            {author_link(auth)}
            {search_form(query, tags)}
            <p class="visually-hidden" role="status" aria-live="polite">{move || announcement.get()}</p>
            <div class="resource-results">
                <Transition fallback=|| view! { <p class="loading">"Searching the library…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                        {move || Suspend::new(async move {
                            let sent = Fields::from_params(&query.read_untracked());
                            match search.await {
                                Ok(results) => Ok(results_view(results, sent).into_any()),
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

/// For mentors and administrators: the way to their own resources and the editor.
fn author_link(auth: Auth) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let author = matches!(auth.user.await, Ok(Some(user)) if user.role != Role::Student);
                author.then(|| view! { <p><A href="/resources/manage">"Write or edit resources"</A></p> })
            })}
        </Transition>
    }
}

/// The search form: a plain GET to `/resources`. In the browser, typing in the search box and
/// changing a filter replace the address with the new search (the form itself is never
/// re-rendered, so focus stays where it is). One view (over 60 lines): each field is a few
/// lines of markup.
fn search_form(query: Memo<ParamsMap>, tags: Resource<Vec<String>>) -> impl IntoView {
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let search_box = NodeRef::<leptos::html::Input>::new();
    // Keys typed, and the latest typing sent to the address: while they differ, the box is ahead
    // of the address and must not be overwritten by it.
    let typed = StoredValue::new(0_u64);
    let sent = StoredValue::new(0_u64);
    let navigate = use_navigate();
    let go = move |fields: Fields| {
        sent.set_value(typed.get_value());
        navigate(&fields.address(1), NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    let on_type = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            typed.update_value(|n| *n += 1);
            let version = typed.get_value();
            let Some(fields) = form_fields(&ev) else { return };
            let go = go.clone();
            set_timeout(
                move || {
                    if typed.try_get_value() == Some(version) {
                        go(fields);
                    }
                },
                TYPING_PAUSE,
            );
        }
    };
    let on_choose = move |ev: leptos::ev::Event| {
        typed.update_value(|n| *n += 1);
        if let Some(fields) = form_fields(&ev) {
            go(fields);
        }
    };
    // The back button (or a link) changes the search: the box follows, unless someone is typing.
    Effect::new(move |_| {
        let q = get("q");
        if typed.get_value() == sent.get_value() {
            if let Some(input) = search_box.get() {
                // Compared trimmed: the address drops the space just typed between two words.
                if input.value().trim() != q.trim() {
                    input.set_value(&q);
                }
            }
        }
    });
    let initial_q = query.read_untracked().get("q").unwrap_or_default();
    view! {
        <Form method="get" action="/resources" attr:class="filters" attr:role="search" attr:aria-label="Search the library">
            <div class="field field--grow">
                <label for="resources-q">"Search the library"</label>
                <input id="resources-q" name="q" type="search" maxlength="200" value=initial_q node_ref=search_box
                    aria-describedby="resources-q-hint" on:input=on_type/>
                <p class="field-hint" id="resources-q-hint">"Try \u{201c}cover letter\u{201d}, nurse or interview -video"</p>
            </div>
            <div class="field">
                <label for="resources-type">"Type"</label>
                <select id="resources-type" name="type" on:change=on_choose.clone()>
                    <option value="" selected=move || get("type").is_empty()>"Any type"</option>
                    {ResourceType::ALL.iter().map(|kind| view! {
                        <option value=kind.key() selected=move || get("type") == kind.key()>{kind.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="resources-difficulty">"Level"</label>
                <select id="resources-difficulty" name="difficulty" on:change=on_choose.clone()>
                    <option value="" selected=move || get("difficulty").is_empty()>"Any level"</option>
                    {Difficulty::ALL.iter().map(|level| view! {
                        <option value=level.key() selected=move || get("difficulty") == level.key()>{level.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="resources-tag">"Tag"</label>
                <select id="resources-tag" name="tag" on:change=on_choose>
                    <option value="" selected=move || get("tag").is_empty()>"Any tag"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let mut choices = tags.await;
                            // A tag from a shared link stays choosable even when it's not among the listed ones.
                            let current = get("tag").trim().to_lowercase();
                            if !current.is_empty() && !choices.contains(&current) {
                                choices.insert(0, current);
                            }
                            choices.into_iter().map(|tag| {
                                let (value, chosen) = (tag.clone(), tag.clone());
                                view! { <option value=value selected=move || get("tag").trim().to_lowercase() == chosen>{tag}</option> }
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </div>
            {move || {
                let career = get("career");
                (!career.is_empty()).then(|| {
                    let without = Fields { career: String::new(), ..Fields::from_params(&query.read()) };
                    view! {
                        <p class="filters__hint">
                            <input type="hidden" name="career" value=career.clone()/>
                            {format!("Only resources about the career {career}. ")}
                            <a href=without.address(1)>"Show resources for every career"</a>
                        </p>
                    }
                })
            }}
            <button type="submit" class="button">"Search"</button>
        </Form>
    }
}

/// The whole search form as it stands, from the event of one of its controls (in the browser).
fn form_fields(ev: &leptos::ev::Event) -> Option<Fields> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|control| control.closest("form").ok().flatten())
            .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok())?;
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        let get = |name: &str| data.get(name).as_string().unwrap_or_default();
        Some(Fields { q: get("q"), kind: get("type"), tag: get("tag"), difficulty: get("difficulty"), career: get("career"), page: String::new() })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// "23 resources, page 2 of 3", or "No resources match".
fn count_text(results: &SearchResults) -> String {
    let count = match results.total {
        0 => "No resources match".to_string(),
        1 => "1 resource".to_string(),
        n => format!("{n} resources"),
    };
    if results.pages > 1 && results.total > 0 {
        format!("{count}, page {} of {}", results.page, results.pages)
    } else {
        count
    }
}

/// A search the server refused (a type or tag that isn't one): what to fix.
fn search_refused(errors: FieldErrors) -> impl IntoView {
    view! {
        <div class="error-box" role="alert">
            <p><strong>"Please check your search."</strong></p>
            <ul>{errors.messages().map(|m| view! { <li>{m.message.clone()}</li> }).collect_view()}</ul>
            <p><A href="/resources">"Clear the search and all filters"</A></p>
        </div>
    }
}

fn results_view(results: SearchResults, sent: Fields) -> impl IntoView {
    let status = count_text(&results);
    let SearchResults { results, total, page, pages, suggestion, .. } = results;
    let site = SiteUrl::current();
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": "Waypoint resource library",
        "description": DESCRIPTION,
        "url": site.absolute("/resources"),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": total,
            "itemListElement": results.iter().enumerate().map(|(i, card)| serde_json::json!({
                "@type": "ListItem",
                "position": i + 1,
                "url": site.absolute(&format!("/resources/{}", card.slug)),
                "name": card.title,
            })).collect::<Vec<_>>(),
        },
    });
    view! {
        <JsonLd value=json_ld/>
        <h2 id="results-heading" class="results-heading">{status}</h2>
        {(total == 0).then(|| no_results(&sent, suggestion))}
        {(total > 0 && results.is_empty()).then(|| view! {
            <p>"That page is past the end of the results. " <A href=sent.address(1)>"Go to the first page"</A></p>
        })}
        <ul class="career-list resource-list" aria-labelledby="results-heading">
            {results.into_iter().map(resource_card).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav aria-label="Pages of results" class="pager">
                {(page > 1).then(|| view! {
                    <a href=sent.address(page - 1) rel="prev">"Previous"<span class="visually-hidden">" page"</span></a>
                })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! {
                    <a href=sent.address(page + 1) rel="next">"Next"<span class="visually-hidden">" page"</span></a>
                })}
            </nav>
        })}
    }
}

/// Nothing found: the library's spelling when it knows a better one, and how to search wider.
fn no_results(sent: &Fields, suggestion: Option<String>) -> impl IntoView {
    let words = sent.q.trim().to_string();
    let lead = match (words.is_empty(), sent.filtered()) {
        (false, _) => format!("Nothing in the library matches \u{201c}{words}\u{201d} with these filters."),
        (true, true) => "Nothing in the library has all of these filters.".to_string(),
        (true, false) => "The library is empty for now. Please come back soon.".to_string(),
    };
    let suggestion = suggestion.map(|better| {
        let link = Fields { q: better.clone(), page: String::new(), ..sent.clone() }.address(1);
        view! { <p class="suggestion">"Did you mean " <A href=link>{better}</A> "?"</p> }
    });
    let only_words = Fields { q: words.clone(), ..Fields::default() }.address(1);
    let has_filters = [&sent.kind, &sent.tag, &sent.difficulty, &sent.career].iter().any(|value| !value.trim().is_empty());
    view! {
        <div class="resource-empty">
            <p>{lead}</p>
            {suggestion}
            {sent.filtered().then(|| view! {
                <ul class="plain-list resource-tips">
                    <li>"Check the spelling, or try a shorter or more general word."</li>
                    <li>"Put a phrase in quotes to find the words together: " <code>"\"cover letter\""</code></li>
                    <li>"Use " <code>"or"</code> " for either word: " <code>"nurse or midwife"</code></li>
                    <li>"Put a minus before a word to leave it out: " <code>"interview -video"</code></li>
                    {has_filters.then(|| view! {
                        <li><A href=only_words.clone()>"Search again without the filters"</A></li>
                    })}
                </ul>
            })}
        </div>
    }
}

/// "12 min", "1 h 30 min".
/// A resource's tags, each a link to the library filtered by it (nothing when it has none).
pub(super) fn tag_list(tags: Vec<String>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="tag-list" aria-label="Tags">
                {tags.into_iter().map(|tag| view! {
                    <li><a href=format!("/resources?tag={}", encode_query_value(&tag))>{tag.clone()}</a></li>
                }).collect_view()}
            </ul>
        }
    })
}

pub(super) fn minutes_label(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A search snippet as text with the matches marked (never HTML: every part is a text node).
fn snippet(parts: Vec<SnippetPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| if part.hit { view! { <mark>{part.text}</mark> }.into_any() } else { part.text.into_any() })
        .collect_view()
}

fn resource_card(card: ResourceCard) -> impl IntoView {
    let ResourceCard { slug, title, description, kind, difficulty, minutes, tags, snippet: parts, organization_only } = card;
    view! {
        <li class="career-card resource-card">
            <h3><A href=format!("/resources/{slug}")>{title}</A></h3>
            <p class="career-card__meta">
                <span>{kind.label()}</span>
                <span>{difficulty.label()}</span>
                {minutes.map(|m| view! { <span>{minutes_label(m)}</span> })}
                {organization_only.then(|| view! { <span class="badge">"Only your organization"</span> })}
            </p>
            <p>{description}</p>
            {(!parts.is_empty()).then(|| view! { <p class="resource-card__snippet">"\u{2026} "{snippet(parts)}" \u{2026}"</p> })}
            {tag_list(tags)}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_the_filled_fields_in_the_domain_order() {
        let fields = Fields { q: "cover letter".into(), tag: "CV".into(), kind: "guide".into(), page: "3".into(), ..Fields::default() };
        assert_eq!(fields.address(2), "/resources?q=cover%20letter&type=guide&tag=cv&page=2");
        assert_eq!(Fields::default().address(1), "/resources");
        // Refused by the domain: passed on as typed, for the page to explain.
        let odd = Fields { kind: "poem".into(), ..Fields::default() };
        assert_eq!(odd.address(1), "/resources?type=poem");
    }

    #[test]
    fn minutes_read_naturally() {
        assert_eq!(minutes_label(12), "12 min");
        assert_eq!(minutes_label(60), "1 h");
        assert_eq!(minutes_label(95), "1 h 35 min");
    }
}
