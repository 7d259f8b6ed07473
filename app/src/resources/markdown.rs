//! A resource's Markdown made safe to show: rendered by pulldown-cmark (CommonMark with tables,
//! strikethrough and task lists), then sanitised by ammonia, which keeps a fixed list of tags and
//! attributes and drops everything else: raw HTML in the source, `<script>`, event handlers such
//! as `onerror=`, `javascript:` and other non-web link schemes. Links get
//! `rel="noopener noreferrer nofollow"`. Also the plain text that search indexes. Server-only;
//! run when a resource is saved (and by the live preview), so pages place stored HTML.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The sanitised HTML of `markdown`.
pub fn to_html(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    sanitiser().clean(&unsafe_html).to_string()
}

fn sanitiser() -> ammonia::Builder<'static> {
    let tags: HashSet<&str> = [
        "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol",
        "li", "table", "thead", "tbody", "tr", "th", "td", "input",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("th", ["align"])
        .add_tag_attributes("td", ["align"])
        // Task-list boxes only: shown, never editable.
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    builder
}

/// The text of `markdown` without markup (headings, list items and paragraphs on their own
/// lines; link text kept, link targets dropped; raw HTML dropped).
pub fn to_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow | TagEnd::CodeBlock) => {
                text.push('\n')
            }
            Event::Start(Tag::TableCell) => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_event_handlers_and_javascript_links_are_removed() {
        let html = to_html(
            "Hello <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) \
             <a href=\"javascript:alert(4)\">raw</a> [ok](https://example.org)",
        );
        assert!(!html.contains("<script") && !html.contains("alert(1)"), "{html}");
        assert!(!html.contains("onerror") && !html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>"#), "{html}");
    }

    #[test]
    fn markdown_structure_survives() {
        let html = to_html("## Steps\n\n1. **Read** the advert\n2. Write\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done");
        for expected in ["<h2>Steps</h2>", "<ol>", "<strong>Read</strong>", "<table>", "<td>1</td>", "checked"] {
            assert!(html.contains(expected), "{expected} missing in {html}");
        }
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup_and_targets() {
        let text = to_text("## Your CV\n\nSee [the guide](https://example.org/x) and **this** <b>raw</b>.");
        assert!(text.contains("Your CV") && text.contains("See the guide and this"));
        assert!(!text.contains("https://") && !text.contains("**") && !text.contains("<b>"));
    }
}
