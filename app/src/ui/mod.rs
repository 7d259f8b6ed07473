//! Components shared by every capability: page metadata, form fields and their messages, error
//! display. A leaf: nothing here imports a capability (the site's frame, which shows who is
//! signed in, is `crate::frame`).

mod form;
pub use form::{form_flash, take_form_flash, FormFeedback, FormFlash, TakeFormFlash, WithFeedback};

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::A;

/// The public origin pages are served from (no trailing slash), for canonical links and sitemaps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrl(pub String);

impl SiteUrl {
    pub const META_NAME: &'static str = "waypoint:site-url";

    /// On the server the configuration provides it; in the browser the server wrote it into a
    /// `<meta>` tag, so client-side navigation renders the same canonical links.
    pub fn current() -> SiteUrl {
        if let Some(url) = use_context::<SiteUrl>() {
            return url;
        }
        #[cfg(feature = "hydrate")]
        {
            let from_page = document()
                .query_selector(&format!("meta[name='{}']", Self::META_NAME))
                .ok()
                .flatten()
                .and_then(|meta| meta.get_attribute("content"));
            if let Some(url) = from_page {
                return SiteUrl(url);
            }
        }
        SiteUrl("http://127.0.0.1:3000".to_string())
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.0.trim_end_matches('/'), path)
    }
}

/// Title, description, canonical link and OpenGraph tags for a public page.
#[component]
pub fn PageMeta(
    /// The page's own title; " · Waypoint" is appended.
    #[prop(into)]
    title: String,
    #[prop(into)]
    description: String,
    /// The canonical path, e.g. "/careers".
    #[prop(into)]
    path: String,
    /// OpenGraph's `og:type`: "website" unless given (a mentor's page is a "profile").
    #[prop(optional)]
    og_type: Option<&'static str>,
) -> impl IntoView {
    let canonical = SiteUrl::current().absolute(&path);
    let full_title = if path == "/" {
        "Waypoint: career guidance that fits you".to_string()
    } else {
        format!("{title} · Waypoint")
    };
    // leptos_meta writes a title's text into the server's HTML as it is: a title someone wrote
    // (a resource's, a mentor's name) holding `</title><script>` would end the element. Escaped
    // there; in the browser the title is set as text, so it stays as typed.
    #[cfg(feature = "ssr")]
    let title_text = crate::domain::escape_html(&full_title);
    #[cfg(not(feature = "ssr"))]
    let title_text = full_title.clone();
    view! {
        <Title text=title_text/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=full_title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=og_type.unwrap_or("website")/>
        <Meta property="og:url" content=canonical.clone()/>
        <Link rel="canonical" href=canonical/>
    }
}

/// A real 404: the status on the server's response, a title search engines don't index, and a
/// way on. `title` gets " · Waypoint" appended.
#[component]
pub fn NotFound(
    title: &'static str,
    heading: &'static str,
    lead: &'static str,
    href: &'static str,
    link: &'static str,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=format!("{title} · Waypoint")/>
        <Meta name="robots" content="noindex"/>
        <section class="page" aria-labelledby="page-heading">
            <h1 id="page-heading">{heading}</h1>
            <p class="lead">{lead}</p>
            <p><A href=href>{link}</A></p>
        </section>
    }
}

/// Shows typed errors from an `ErrorBoundary` as readable messages.
#[component]
pub fn ErrorMessages(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="error-box" role="alert">
            <p><strong>"We couldn't load this part of the page."</strong></p>
            <ul>
                {move || errors.get().into_iter().map(|(_, error)| {
                    let message = error
                        .downcast_ref::<AppError>()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| AppError::Internal.to_string());
                    view! { <li>{message}</li> }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The text inside a `<textarea>`, for a view's children: `<textarea>{textarea_text(text)}</textarea>`.
///
/// Leptos writes a textarea's children into the server's HTML unescaped (tachys marks the element
/// like `<script>`), so user text holding `</textarea><h1>` would close the element and the rest
/// would be parsed as markup. On the server the text is escaped here (`&`, `<`, `>`; the browser
/// decodes them back inside a textarea, so the field shows exactly the text). In the browser it
/// stays as it is: a text node needs no escaping, and hydration keeps the node the browser parsed.
pub fn textarea_text(text: impl Into<String>) -> String {
    let text = text.into();
    #[cfg(feature = "ssr")]
    {
        if text.contains(['&', '<', '>']) {
            return text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        }
    }
    text
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn text_in_a_textarea_comes_back_as_text() {
        let owner = Owner::new();
        let hostile = "</textarea><h1 id=x>pwned</h1> & <b>";
        let html = owner.with(|| view! { <textarea name="t">{textarea_text(hostile)}</textarea> }.to_html());
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;&lt;h1 id=x&gt;pwned&lt;/h1&gt; &amp; &lt;b&gt;"), "{html}");
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
        // A plain text stays as it is.
        assert_eq!(textarea_text("plain words"), "plain words");
    }

    #[test]
    fn an_error_boundary_shows_the_typed_message_not_the_cause() {
        let owner = Owner::new();
        let html = owner.with(|| {
            view! {
                <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                    {Err::<(), AppError>(AppError::Unavailable)}
                </ErrorBoundary>
            }
            .to_html()
        });
        assert!(
            html.contains("We couldn&#39;t load this part of the page.")
                || html.contains("We couldn't load this part of the page."),
            "{html}"
        );
        assert!(html.contains("Waypoint is briefly unavailable. Please try again in a moment."), "{html}");
        assert!(html.contains(r#"role="alert""#));
    }
}

/// Checks a field's value in the browser with the same domain type the server uses; `None` is fine.
pub type FieldCheck = fn(&str) -> Option<String>;

/// The [`FieldCheck`] of a domain type: `check={parses::<EmailAddress>}`.
pub fn parses<T: crate::domain::Parse>(value: &str) -> Option<String> {
    T::parse(value).err().map(|error| error.0)
}

/// A labelled input whose message (from the shared domain type) appears when the person leaves
/// the field, tied to it with `aria-describedby` and `aria-invalid` for screen readers. (Over 60
/// lines: the input and the textarea share every attribute but their element.)
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] check: Option<FieldCheck>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    // The browser's own check (on leaving the field) and, until then, the server's message about
    // this field from the form's last submission (see `FormFeedback`).
    let checked = RwSignal::new(None::<Option<String>>);
    let feedback = FormFeedback::current();
    let value = match (&feedback, kind) {
        (Some(feedback), kind) if kind != "password" && FormFlash::keeps(name) => feedback.value(name).or(value),
        _ => value,
    };
    let error = Signal::derive(move || match checked.get() {
        Some(Some(message)) => Some(message),
        _ => feedback.as_ref().and_then(|feedback| feedback.field_error(name)),
    });
    let on_leave = move |ev: leptos::ev::FocusEvent| {
        if let Some(check) = check {
            checked.set(Some(check(&event_target_value(&ev))));
        }
    };
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=name rows="5" required=required maxlength=maxlength
                aria-describedby=described_by.clone() aria-invalid=invalid on:blur=on_leave>
                {textarea_text(value.clone().unwrap_or_default())}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete required=required
                maxlength=maxlength value=value.clone() aria-describedby=described_by aria-invalid=invalid
                on:blur=on_leave/>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {(!hint.is_empty()).then(|| view! { <p class="field-hint" id=hint_id.clone()>{hint}</p> })}
            {input}
            <p class="field-error" id=error_id.clone() hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// The outcome of a form's server action: its error as an alert, or a success note.
#[component]
pub fn ActionOutcome(
    value: impl Fn() -> Option<Result<(), AppError>> + Send + Sync + 'static,
    #[prop(optional)] success: &'static str,
) -> impl IntoView {
    move || match value() {
        Some(Err(error)) => view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }.into_any(),
        Some(Ok(())) if !success.is_empty() => view! { <div class="success-box" role="status"><p>{success}</p></div> }.into_any(),
        _ => ().into_any(),
    }
}

/// Structured data for search engines: `value` as `<script type="application/ld+json">`.
///
/// A script's text is not HTML: the browser ends it at the first `</script` whatever JSON string
/// it sits in, so user text (a mentor's headline holding `</script><script>…`) would close the
/// element and run as markup. `<`, `>` and `&` are written as the JSON escapes `\u003c`, `\u003e`
/// and `\u0026` instead (they only occur inside JSON strings, where every JSON reader turns them
/// back into the same characters), and the text goes in through `inner_html` so Leptos does not
/// HTML-escape it into entities that JSON readers would keep literally.
#[component]
pub fn JsonLd(value: serde_json::Value) -> impl IntoView {
    let json = value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    view! { <script type="application/ld+json" inner_html=json></script> }
}

#[cfg(all(test, feature = "ssr"))]
mod json_ld_tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script() {
        let owner = Owner::new();
        let value = serde_json::json!({ "name": "</script><script>alert(1)</script> & more" });
        let html = owner.with(|| view! { <JsonLd value/> }.to_html());
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        assert!(html.contains(r#"\u003c/script\u003e\u003cscript\u003ealert(1)"#), "{html}");
        assert!(html.contains(r#"\u0026 more"#), "{html}");
        let json = html.split_once(r#"application/ld+json">"#).unwrap().1.split_once("</script>").unwrap().0;
        let back: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & more");
    }
}
