use super::*;

fn form() -> ResourceForm {
    ResourceForm {
        title: "Write a CV that gets read".into(),
        slug: String::new(),
        description: "How to put your experience on one page so an employer reads it.".into(),
        kind: "guide".into(),
        difficulty: "beginner".into(),
        status: "published".into(),
        minutes: "12".into(),
        tags: "CV, applications, cv".into(),
        careers: "29-1141.00".into(),
        url: String::new(),
        sources: "National Careers Service | https://nationalcareers.service.gov.uk/careers-advice/cv-sections".into(),
        content: "## Start\nWrite it.".into(),
    }
}

#[test]
fn a_good_form_parses_with_a_slug_from_its_title_and_tags_deduplicated() {
    let draft = ResourceDraft::parse(&form()).unwrap();
    assert_eq!(draft.slug.0, "write-a-cv-that-gets-read");
    assert_eq!(draft.tags, vec!["cv".to_string(), "applications".to_string()]);
    assert_eq!(draft.sources[0].title, "National Careers Service");
    assert_eq!(draft.minutes, Some(12));
}

#[test]
fn every_bad_field_is_named_at_once() {
    let bad = ResourceForm {
        title: "x".into(),
        slug: "Not A Slug!".into(),
        kind: "pamphlet".into(),
        minutes: "0".into(),
        url: "javascript:alert(1)".into(),
        sources: "no separator here".into(),
        tags: "ok, <b>".into(),
        careers: "nursing".into(),
        ..form()
    };
    let errors = ResourceDraft::parse(&bad).unwrap_err();
    for field in ["title", "slug", "kind", "minutes", "url", "sources", "tags", "careers"] {
        assert!(errors.field(field).is_some(), "{field} should be refused: {errors:?}");
    }
}

#[test]
fn reserved_and_malformed_slugs_are_refused() {
    assert!(Slug::parse("manage").is_err());
    assert!(Slug::parse("double--hyphen").is_err());
    assert!(Slug::parse("-leading").is_err());
    assert_eq!(Slug::parse(" Writing-A-CV ").unwrap().0, "writing-a-cv");
    assert_eq!(slugify("  Choosing a field: where to start?  "), "choosing-a-field-where-to-start");
}

#[test]
fn a_search_with_unknown_filters_is_refused_and_a_bad_page_is_the_first() {
    assert!(SearchQuery::parse("cv", "pamphlet", "", "", "", "").unwrap_err().field("type").is_some());
    assert!(SearchQuery::parse("cv", "", "", "expert", "", "").unwrap_err().field("difficulty").is_some());
    let query = SearchQuery::parse(" cover letter ", "guide", "CV", "beginner", "29-1141.00", "abc").unwrap();
    assert_eq!(query.page, 1);
    assert_eq!(query.tag.as_deref(), Some("cv"));
    assert_eq!(query.query_string(2), "?q=cover%20letter&type=guide&tag=cv&difficulty=beginner&career=29-1141.00&page=2");
}

#[test]
fn snippet_marks_become_parts_and_stray_marks_cannot_appear_in_text() {
    let parts = snippet_parts("write a \u{E000}cover\u{E001} letter \u{E000}now\u{E001}");
    assert_eq!(parts.iter().filter(|part| part.hit).map(|part| part.text.as_str()).collect::<Vec<_>>(), vec!["cover", "now"]);
    assert!(parts.iter().all(|part| !part.text.contains(HIT_START) && !part.text.contains(HIT_END)));
}
