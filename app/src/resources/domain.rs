//! The resource library's domain, shared by browser and server: a resource's type, difficulty
//! and status, what an author submits ([`ResourceDraft`], parsed field by field), what a search
//! asks ([`SearchQuery`]) and returns, what a resource's page shows, and its schema.org JSON-LD.

use crate::careers::domain::CareerCode;
use crate::domain::{FieldErrors, Parse, ValidationError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::labelled_enum;

labelled_enum!(
    /// What kind of thing a resource is. Mirrors the database's `resource_type`.
    ResourceType, "resource_type", [
        Article => "article", "Article",
        Guide => "guide", "Guide",
        Video => "video", "Video",
        Course => "course", "Course",
        Book => "book", "Book",
        Podcast => "podcast", "Podcast",
        Tool => "tool", "Tool",
        Template => "template", "Template",
    ]
);

labelled_enum!(
    /// How much a reader needs to know already. Mirrors `resource_difficulty`.
    Difficulty, "resource_difficulty", [
        Beginner => "beginner", "Beginner",
        Intermediate => "intermediate", "Intermediate",
        Advanced => "advanced", "Advanced",
    ]
);

labelled_enum!(
    /// Who sees a resource: its author and editors (draft), its readers (published), nobody new
    /// (archived: its page stays for those who have it). Mirrors `resource_status`.
    ResourceStatus, "resource_status", [
        Draft => "draft", "Draft",
        Published => "published", "Published",
        Archived => "archived", "Archived",
    ]
);

labelled_enum!(
    /// Where a reader is with a resource. Mirrors `progress_status`.
    ProgressStatus, "progress_status", [
        NotStarted => "not_started", "Not started",
        InProgress => "in_progress", "In progress",
        Completed => "completed", "Completed",
    ]
);

impl ResourceType {
    /// The schema.org type of its page's JSON-LD.
    pub fn schema_type(self) -> &'static str {
        match self {
            ResourceType::Article | ResourceType::Guide => "Article",
            ResourceType::Video => "VideoObject",
            ResourceType::Course => "Course",
            ResourceType::Book => "Book",
            ResourceType::Podcast => "PodcastSeries",
            ResourceType::Tool => "WebApplication",
            ResourceType::Template => "DigitalDocument",
        }
    }
}

/// Words allowed in a search query.
pub const QUERY_MAX_CHARS: usize = 200;
/// Results per page.
pub const PAGE_SIZE: i64 = 12;

/// A search as typed into the library's form (all optional; empty lists everything, newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Web-search syntax: words, "a phrase", `or`, `-excluded`.
    pub text: String,
    pub kind: Option<ResourceType>,
    pub tag: Option<String>,
    pub difficulty: Option<Difficulty>,
    pub career: Option<CareerCode>,
    /// 1-based.
    pub page: u32,
}

impl SearchQuery {
    /// From the form's fields (the page's query string); an unknown filter value is refused with
    /// what is accepted, a page number out of range is the first page.
    pub fn parse(text: &str, kind: &str, tag: &str, difficulty: &str, career: &str, page: &str) -> Result<SearchQuery, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = text.trim();
        if text.chars().count() > QUERY_MAX_CHARS {
            errors.add("q", format!("Keep a search to {QUERY_MAX_CHARS} characters."));
        }
        let kind = match kind.trim() {
            "" => None,
            key => ResourceType::from_key(key).or_else(|| {
                errors.add("type", "Choose a type from the list.");
                None
            }),
        };
        let difficulty = match difficulty.trim() {
            "" => None,
            key => Difficulty::from_key(key).or_else(|| {
                errors.add("difficulty", "Choose beginner, intermediate or advanced.");
                None
            }),
        };
        let tag = match tag.trim().to_lowercase() {
            tag if tag.is_empty() => None,
            tag => match Tag::parse(&tag) {
                Ok(tag) => Some(tag.0),
                Err(error) => {
                    errors.add("tag", error.0);
                    None
                }
            },
        };
        let career = match career.trim() {
            "" => None,
            code => errors.check("career", CareerCode::parse(code)),
        };
        let page = page.trim().parse::<u32>().ok().filter(|page| (1..=10_000).contains(page)).unwrap_or(1);
        if errors.is_empty() {
            Ok(SearchQuery { text: text.to_string(), kind, tag, difficulty, career, page })
        } else {
            Err(errors)
        }
    }

    /// The query string that asks for this search again (for links, paging and the address bar).
    pub fn query_string(&self, page: u32) -> String {
        let mut parts = Vec::new();
        let mut push = |name: &str, value: &str| {
            if !value.is_empty() {
                parts.push(format!("{name}={}", crate::accounts::encode_query_value(value)));
            }
        };
        push("q", &self.text);
        push("type", self.kind.map(ResourceType::key).unwrap_or(""));
        push("tag", self.tag.as_deref().unwrap_or(""));
        push("difficulty", self.difficulty.map(Difficulty::key).unwrap_or(""));
        push("career", self.career.as_ref().map(CareerCode::as_str).unwrap_or(""));
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A tag: 1-40 lowercase letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag(pub String);

impl Parse for Tag {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let tag = input.trim().to_lowercase();
        let ok = (1..=40).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Tag(tag))
        } else {
            Err(ValidationError::new(format!("\u{201c}{}\u{201d} isn't a tag: use up to 40 letters, digits and hyphens.", input.trim())))
        }
    }
}

/// A part of a search snippet: plain text, or a matched word to highlight. The browser renders
/// the parts as text (escaped by the view), marking the hits, so no stored text ever becomes HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// The marks the database's `ts_headline` puts around a hit: private-use characters, removed
/// from the text before it is highlighted, so text can never fake a mark.
pub const HIT_START: char = '\u{E000}';
pub const HIT_END: char = '\u{E001}';

/// Splits a headline marked with [`HIT_START`] / [`HIT_END`] into parts.
pub fn snippet_parts(marked: &str) -> Vec<SnippetPart> {
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for ch in marked.chars() {
        if ch == HIT_START || ch == HIT_END {
            if !current.is_empty() {
                parts.push(SnippetPart { text: std::mem::take(&mut current), hit });
            }
            hit = ch == HIT_START;
        } else {
            current.push(ch);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceCard {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub kind: ResourceType,
    pub difficulty: Difficulty,
    pub minutes: Option<i32>,
    pub tags: Vec<String>,
    /// The best passage for the search, its matches marked; empty without search words.
    pub snippet: Vec<SnippetPart>,
    /// Only the organization's members see it.
    pub organization_only: bool,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub results: Vec<ResourceCard>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// With no result: the query spelt as the library's words would have it, if that differs.
    pub suggestion: Option<String>,
    /// Tags in use, most used first, for the filter.
    pub tags: Vec<String>,
}

/// A public source a resource draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// A career a resource is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareerLink {
    pub code: String,
    pub title: String,
}

/// A resource's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceView {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub kind: ResourceType,
    pub difficulty: Difficulty,
    pub status: ResourceStatus,
    pub minutes: Option<i32>,
    pub tags: Vec<String>,
    /// Sanitised when saved (`resources::markdown`), so it is placed as HTML.
    pub content_html: String,
    pub url: Option<String>,
    pub sources: Vec<Source>,
    pub careers: Vec<CareerLink>,
    pub organization_only: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The signed-in reader's progress (`None` for a visitor).
    pub progress: Option<ProgressStatus>,
    /// The signed-in reader may edit it.
    pub editable: bool,
}

/// What a resource's address leads to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ResourceLookup {
    Found(Box<ResourceView>),
    /// It was renamed: its current slug (the page answers 301).
    Moved(String),
}

/// A resource on the reader's account page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadingItem {
    pub slug: String,
    pub title: String,
    pub kind: ResourceType,
    pub status: ProgressStatus,
    pub updated_at: DateTime<Utc>,
}

/// The page's schema.org JSON-LD, by the resource's type (placed with `ui::JsonLd`, which escapes it).
pub fn json_ld(resource: &ResourceView, page_url: &str, site_url: &str) -> serde_json::Value {
    let publisher = serde_json::json!({ "@type": "Organization", "name": "Waypoint", "url": site_url });
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": resource.kind.schema_type(),
        "name": resource.title,
        "description": resource.description,
        "url": page_url,
        "inLanguage": "en",
        "keywords": resource.tags.join(", "),
        "dateModified": resource.updated_at.to_rfc3339(),
        "educationalLevel": resource.difficulty.label(),
    });
    let object = value.as_object_mut().expect("an object");
    if let Some(published) = resource.published_at {
        object.insert("datePublished".into(), published.to_rfc3339().into());
    }
    if let Some(minutes) = resource.minutes {
        object.insert("timeRequired".into(), format!("PT{minutes}M").into());
    }
    if !resource.careers.is_empty() {
        object.insert(
            "about".into(),
            resource.careers.iter().map(|career| serde_json::json!({ "@type": "Occupation", "name": career.title })).collect(),
        );
    }
    if !resource.sources.is_empty() {
        object.insert("citation".into(), resource.sources.iter().map(|source| serde_json::Value::from(source.url.clone())).collect());
    }
    match resource.kind {
        ResourceType::Article | ResourceType::Guide => {
            object.insert("headline".into(), resource.title.chars().take(110).collect::<String>().into());
            object.insert("author".into(), publisher.clone());
            object.insert("publisher".into(), publisher);
            object.insert("mainEntityOfPage".into(), page_url.into());
        }
        ResourceType::Course => {
            object.insert("provider".into(), publisher);
        }
        ResourceType::Tool => {
            object.insert("applicationCategory".into(), "EducationalApplication".into());
            object.insert("operatingSystem".into(), "Any (web browser)".into());
        }
        ResourceType::Video => {
            if let Some(published) = resource.published_at {
                object.insert("uploadDate".into(), published.to_rfc3339().into());
            }
        }
        _ => {
            object.insert("publisher".into(), publisher);
        }
    }
    if let Some(url) = &resource.url {
        object.insert("sameAs".into(), url.clone().into());
    }
    value
}

/// A URL-safe slug from a title: lower case, words joined by hyphens, at most 80 characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for ch in title.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    slug.trim_matches('-').to_string()
}

/// A slug: 1-120 of a-z, 0-9 and single hyphens, not a reserved word of the library's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slug(pub String);

impl Parse for Slug {
    fn parse(input: &str) -> Result<Self, ValidationError> {
        let slug = input.trim().to_lowercase();
        let shaped = (1..=120).contains(&slug.len())
            && slug.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !shaped {
            return Err(ValidationError::new("Use lower-case letters, digits and single hyphens for the address, like writing-a-cv."));
        }
        if ["manage", "new", "search"].contains(&slug.as_str()) {
            return Err(ValidationError::new(format!("\u{201c}{slug}\u{201d} is kept for the library's own pages; choose another address.")));
        }
        Ok(Slug(slug))
    }
}

/// What an author submits, parsed field by field (every complaint at once).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDraft {
    pub title: String,
    pub slug: Slug,
    pub description: String,
    pub kind: ResourceType,
    pub difficulty: Difficulty,
    pub status: ResourceStatus,
    pub minutes: Option<i32>,
    pub tags: Vec<String>,
    pub careers: Vec<CareerCode>,
    pub url: Option<String>,
    pub sources: Vec<Source>,
    pub content: String,
}

/// The editor's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceForm {
    pub title: String,
    /// Blank: made from the title.
    pub slug: String,
    pub description: String,
    pub kind: String,
    pub difficulty: String,
    pub status: String,
    pub minutes: String,
    /// Comma-separated.
    pub tags: String,
    /// O*NET codes, comma-separated.
    pub careers: String,
    pub url: String,
    /// One per line: `Title | https://…`.
    pub sources: String,
    pub content: String,
}

fn web_address(input: &str, field: &str) -> Result<String, ValidationError> {
    let url = input.trim();
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).and_then(|rest| rest.split('/').next());
    let ok = host.is_some_and(|host| host.contains('.') && !host.starts_with('.'))
        && url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(url.to_string())
    } else {
        Err(ValidationError::new(format!("{field} must be a web address starting with https:// (or http://).")))
    }
}

impl ResourceDraft {
    pub fn parse(form: &ResourceForm) -> Result<ResourceDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = form.title.trim().to_string();
        if !(2..=300).contains(&title.chars().count()) {
            errors.add("title", "Give it a title of 2 to 300 characters.");
        }
        let slug_text = if form.slug.trim().is_empty() { slugify(&title) } else { form.slug.clone() };
        let slug = errors.check("slug", Slug::parse(&slug_text));
        let description = form.description.trim().to_string();
        if description.chars().count() > 300 {
            errors.add("description", format!("Keep the summary to 300 characters ({} now).", description.chars().count()));
        } else if description.chars().count() < 20 {
            errors.add("description", "Write a summary of at least 20 characters: search results and shared links show it.");
        }
        let kind = ResourceType::from_key(&form.kind).or_else(|| {
            errors.add("kind", "Choose what kind of resource this is.");
            None
        });
        let difficulty = Difficulty::from_key(&form.difficulty).or_else(|| {
            errors.add("difficulty", "Choose beginner, intermediate or advanced.");
            None
        });
        let status = ResourceStatus::from_key(&form.status).or_else(|| {
            errors.add("status", "Choose draft, published or archived.");
            None
        });
        let minutes = match form.minutes.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(minutes) if (1..=10_000).contains(&minutes) => Some(minutes),
                _ => {
                    errors.add("minutes", "Give the time it takes in whole minutes, from 1 to 10000.");
                    None
                }
            },
        };
        let mut tags = Vec::new();
        for tag in form.tags.split(',').map(str::trim).filter(|tag| !tag.is_empty()) {
            if let Some(tag) = errors.check("tags", Tag::parse(tag)) {
                if !tags.contains(&tag.0) {
                    tags.push(tag.0);
                }
            }
        }
        if tags.len() > 12 {
            errors.add("tags", "Use at most 12 tags.");
        }
        let mut careers = Vec::new();
        for code in form.careers.split(',').map(str::trim).filter(|code| !code.is_empty()) {
            if let Some(code) = errors.check("careers", CareerCode::parse(code)) {
                if !careers.contains(&code) {
                    careers.push(code);
                }
            }
        }
        let url = match form.url.trim() {
            "" => None,
            text => errors.check("url", web_address(text, "The link")),
        };
        let mut sources = Vec::new();
        for (number, line) in form.sources.lines().map(str::trim).filter(|line| !line.is_empty()).enumerate() {
            match line.rsplit_once('|') {
                Some((title, url)) if !title.trim().is_empty() => {
                    if let Some(url) = errors.check("sources", web_address(url, &format!("Source {}'s address", number + 1))) {
                        sources.push(Source { title: title.trim().chars().take(200).collect(), url });
                    }
                }
                _ => errors.add("sources", format!("Write source {} as: Title | https://address", number + 1)),
            }
        }
        let content = form.content.replace("\r\n", "\n");
        if content.chars().count() > 100_000 {
            errors.add("content", "The content is longer than 100,000 characters; split it into several resources.");
        }
        if status == Some(ResourceStatus::Published) && content.trim().is_empty() && url.is_none() {
            errors.add("content", "A published resource needs content, or a link to the thing itself.");
        }
        match (slug, kind, difficulty, status, errors.is_empty()) {
            (Some(slug), Some(kind), Some(difficulty), Some(status), true) => Ok(ResourceDraft {
                title,
                slug,
                description,
                kind,
                difficulty,
                status,
                minutes,
                tags,
                careers,
                url,
                sources,
                content,
            }),
            _ => Err(errors),
        }
    }
}

/// A resource in the authoring list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedResource {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub kind: ResourceType,
    pub status: ResourceStatus,
    pub organization_only: bool,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests;
