//! The resource library searched as readers search it: ranking, web-search syntax, snippets that
//! cannot carry HTML, "did you mean", filters, progress on resources, and the starter library's
//! loader. Pages, authoring, organizations' own resources and the sitemap are in
//! `resources_pages`. Every database already holds the starter library (the template loaded it),
//! so the resources written here use invented words that the starter entries never contain.

use crate::booking::{act, signed_in};
use crate::fixtures::{as_ctx, tenant, user};
use crate::support::TestDb;
use app::db::{RequestContext, SignedIn};
use app::domain::Role;
use app::error::AppError;
use app::resources::api::ssr::{lookup, reading, save, search, set_progress};
use app::resources::domain::{
    Difficulty, ProgressStatus, ResourceForm, ResourceLookup, ResourceType, SearchQuery, SearchResults, HIT_END, HIT_START,
};
use uuid::Uuid;

/// A platform administrator (who writes to the shared library), belonging to `org`.
pub(crate) async fn platform_admin(db: &TestDb, org: Uuid) -> SignedIn {
    signed_in(user(&db.owner, org, "library-admin", "admin").await, org, Role::Admin)
}

/// An editor's form for a published guide, as an author would fill it in.
pub(crate) fn entry(slug: &str, title: &str, content: &str) -> ResourceForm {
    ResourceForm {
        title: title.into(),
        slug: slug.into(),
        description: "An invented entry written by the resource library's tests.".into(),
        kind: "guide".into(),
        difficulty: "beginner".into(),
        status: "published".into(),
        content: content.into(),
        ..ResourceForm::default()
    }
}

/// `save` in the author's own request transaction, committed when it succeeds.
pub(crate) async fn save_as(
    db: &TestDb,
    author: &SignedIn,
    id: Option<Uuid>,
    form: ResourceForm,
    shared: bool,
) -> Result<Uuid, AppError> {
    act(&db.app, author, move |tx, author| Box::pin(save(tx, author, id, form, shared))).await
}

/// A published resource in the shared library, written by `admin`.
pub(crate) async fn publish(db: &TestDb, admin: &SignedIn, slug: &str, title: &str, content: &str) -> Uuid {
    save_as(db, admin, None, entry(slug, title, content), true).await.unwrap_or_else(|error| panic!("saving {slug}: {error:?}"))
}

/// The search as `ctx` runs it.
pub(crate) async fn find_as(db: &TestDb, ctx: RequestContext, query: SearchQuery) -> SearchResults {
    let mut tx = as_ctx(&db.app, ctx).await;
    search(&mut tx, query).await.expect("the search runs")
}

/// A search of words only.
pub(crate) fn words(text: &str) -> SearchQuery {
    SearchQuery::parse(text, "", "", "", "", "").expect("a valid search")
}

fn filtered(kind: &str, tag: &str, difficulty: &str, career: &str) -> SearchQuery {
    SearchQuery::parse("", kind, tag, difficulty, career, "").expect("valid filters")
}

pub(crate) fn slugs(results: &SearchResults) -> Vec<&str> {
    results.results.iter().map(|card| card.slug.as_str()).collect()
}

fn sorted_slugs(results: &SearchResults) -> Vec<&str> {
    let mut slugs = slugs(results);
    slugs.sort_unstable();
    slugs
}

async fn owner_count(db: &TestDb, condition: &str, value: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "select count(*) from resources where organization_id is null and status = 'published' and deleted_at is null and {condition}"
    ))
    .bind(value)
    .fetch_one(&db.owner)
    .await
    .expect("count resources")
}

pub(crate) async fn starter_id(db: &TestDb, slug: &str) -> Uuid {
    sqlx::query_scalar("select id from resources where slug = $1 and organization_id is null")
        .bind(slug)
        .fetch_one(&db.owner)
        .await
        .unwrap_or_else(|error| panic!("starter {slug}: {error}"))
}

// Search ------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_title_match_outranks_a_match_only_in_the_content() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let admin = platform_admin(&db, acme.org).await;
    // The title match is saved first and sorts after the other by title, so both tie-breaks
    // (newest first, then title) favour the content match: only the ranking puts it first.
    publish(&db, &admin, "zephyrine-in-the-title", "Zephyrine routes for beginners", "This body talks about planning a route and never names the word.").await;
    publish(&db, &admin, "zephyrine-in-the-content", "Planning a route, in brief", "Somewhere in this text zephyrine appears, and later zephyrine appears again.").await;

    let found = find_as(&db, RequestContext::anonymous(), words("zephyrine")).await;
    assert_eq!(slugs(&found), ["zephyrine-in-the-title", "zephyrine-in-the-content"]);
    assert_eq!((found.total, found.pages, found.suggestion.as_deref()), (2, 1, None));
}

#[tokio::test]
async fn quoted_phrases_or_and_excluded_words_follow_web_search_syntax() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let admin = platform_admin(&db, acme.org).await;
    publish(&db, &admin, "phrase-in-order", "A field note on grazing", "At dawn the blorvish quantelope grazes by the river.").await;
    publish(&db, &admin, "phrase-apart", "Another field note", "A quantelope is never blorvish by nature, they say.").await;
    publish(&db, &admin, "wax-with-extra", "Notes on wax and the like", "Frindlewax goes with snorkith and with plimbo.").await;
    publish(&db, &admin, "straps-alone", "Notes on straps", "Gostrapel sits beside snorkith and nothing more.").await;

    let search = |text: &'static str| {
        let db = &db;
        async move { find_as(db, RequestContext::anonymous(), words(text)).await }
    };
    assert_eq!(sorted_slugs(&search("\"blorvish quantelope\"").await), ["phrase-in-order"], "a quoted phrase: the words together, in order");
    assert_eq!(sorted_slugs(&search("blorvish quantelope").await), ["phrase-apart", "phrase-in-order"], "unquoted: both words anywhere");
    assert_eq!(sorted_slugs(&search("frindlewax or gostrapel").await), ["straps-alone", "wax-with-extra"], "or: either word");
    assert_eq!(search("frindlewax gostrapel").await.total, 0, "without or, every word must match");
    assert_eq!(sorted_slugs(&search("snorkith").await), ["straps-alone", "wax-with-extra"]);
    assert_eq!(sorted_slugs(&search("snorkith -plimbo").await), ["straps-alone"], "-plimbo leaves out what mentions plimbo");
}

#[tokio::test]
async fn the_snippet_marks_the_match_and_stored_text_cannot_become_markup_or_a_mark() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let admin = platform_admin(&db, acme.org).await;
    // Code spans put the tags into the plain text search indexes and quotes; the private-use
    // characters are the marks the search itself puts around a match.
    let content = "Never paste `<script>alert(1)</script>` into a form, and `<b>wibblefake</b>` is not bold here. \
                   The quixotrel is the word this test looks for. \u{E000}fakehit\u{E001} tries to pass for a highlight.";
    publish(&db, &admin, "quixotrel-snippet", "A note for the snippet test", content).await;

    for (query, word) in [("Quixotrel", "quixotrel"), ("wibblefake", "wibblefake")] {
        let found = find_as(&db, RequestContext::anonymous(), words(query)).await;
        assert_eq!(slugs(&found), ["quixotrel-snippet"], "{query}");
        let snippet = &found.results[0].snippet;
        let hits: Vec<&str> = snippet.iter().filter(|part| part.hit).map(|part| part.text.as_str()).collect();
        assert!(!hits.is_empty(), "{query}: the snippet marks the match: {snippet:?}");
        assert!(hits.iter().all(|hit| hit.eq_ignore_ascii_case(word)), "{query}: only the match is marked: {snippet:?}");
        let text: String = snippet.iter().map(|part| part.text.as_str()).collect();
        assert!(!text.contains(HIT_START) && !text.contains(HIT_END), "no stray marks: {snippet:?}");
    }
    // Searching for the words between the stored marks finds them as ordinary text.
    let found = find_as(&db, RequestContext::anonymous(), words("fakehit")).await;
    assert_eq!(slugs(&found), ["quixotrel-snippet"]);
    assert!(found.results[0].snippet.iter().filter(|part| part.hit).all(|part| part.text == "fakehit"));

    // The results page, rendered on the server: the match in <mark>, the stored tags as text.
    let router = crate::http::app(db.app.clone());
    let request = axum::http::Request::get("/resources?q=quixotrel")
        .header(axum::http::header::HOST, crate::web::HOST)
        .body(axum::body::Body::empty())
        .unwrap();
    let page = crate::web::Reply::send(router, request).await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let body = page.body.replace("<!>", "");
    assert!(body.contains("<mark>quixotrel</mark>"), "the match is highlighted: {body}");
    assert!(!body.contains("<script>alert"), "no script from the content on the page");
    assert!(!body.contains("<b>wibblefake"), "no markup from the content on the page");
}

#[tokio::test]
async fn no_match_suggests_the_library_s_spelling_and_a_match_suggests_nothing() {
    let db = TestDb::new().await;
    let visitor = RequestContext::anonymous();
    for (typed, meant) in [("intervew", "interview"), ("apprentiseship", "apprenticeship")] {
        let found = find_as(&db, visitor, words(typed)).await;
        assert_eq!(found.total, 0, "{typed} matches nothing");
        let suggestion = found.suggestion.unwrap_or_else(|| panic!("a suggestion for {typed}"));
        assert!(suggestion.contains(meant), "{typed} → {suggestion}");
        // What the suggestion says, searched, finds something.
        assert!(find_as(&db, visitor, words(&suggestion)).await.total > 0, "{suggestion} finds the library's entries");
    }
    let found = find_as(&db, visitor, words("interview")).await;
    assert!(found.total > 0);
    assert_eq!(found.suggestion, None, "a search that matches suggests nothing");
}

#[tokio::test]
async fn type_tag_difficulty_and_career_each_narrow_the_results() {
    let db = TestDb::new().await;
    let visitor = RequestContext::anonymous();
    let everything = find_as(&db, visitor, filtered("", "", "", "")).await;
    assert_eq!(everything.total, owner_count(&db, "$1 = $1", "").await);
    assert!(everything.total >= 60, "the starter library: {}", everything.total);
    assert_eq!(everything.results.len(), 12, "a page of twelve");
    let second = find_as(&db, visitor, SearchQuery::parse("", "", "", "", "", "2").unwrap()).await;
    assert!(second.results.iter().all(|card| !slugs(&everything).contains(&card.slug.as_str())), "page 2 goes on from page 1");

    let templates = find_as(&db, visitor, filtered("template", "", "", "")).await;
    assert_eq!(templates.total, owner_count(&db, "resource_type::text = $1", "template").await);
    assert!(templates.results.iter().all(|card| card.kind == ResourceType::Template));
    assert!(slugs(&templates).contains(&"cover-letter-template"));

    let healthcare = find_as(&db, visitor, filtered("", "healthcare", "", "")).await;
    assert_eq!(healthcare.total, owner_count(&db, "$1 = any(tags)", "healthcare").await);
    assert!(healthcare.results.iter().all(|card| card.tags.iter().any(|tag| tag == "healthcare")));

    let intermediate = find_as(&db, visitor, filtered("", "", "intermediate", "")).await;
    assert_eq!(intermediate.total, owner_count(&db, "difficulty::text = $1", "intermediate").await);
    assert!(intermediate.results.iter().all(|card| card.difficulty == Difficulty::Intermediate));

    let nurses = find_as(&db, visitor, filtered("", "", "", "29-1141.00")).await;
    assert_eq!(nurses.total, owner_count(&db, "$1 = any(career_codes)", "29-1141.00").await);
    assert!(slugs(&nurses).contains(&"registered-nurse-career-guide"));

    for narrowed in [&templates, &healthcare, &intermediate, &nurses] {
        assert!(narrowed.total > 0 && narrowed.total < everything.total, "{} of {}", narrowed.total, everything.total);
    }
    // With words, a filter narrows the matches too.
    let tools = find_as(&db, visitor, SearchQuery::parse("interview", "tool", "", "", "", "").unwrap()).await;
    assert!(slugs(&tools).contains(&"interview-warmup-practice-tool"));
    assert!(tools.results.iter().all(|card| card.kind == ResourceType::Tool));
    assert!(tools.total < find_as(&db, visitor, words("interview")).await.total);
    // An unknown filter is refused with what is accepted.
    let refused = SearchQuery::parse("", "poem", "", "", "", "").unwrap_err();
    assert!(refused.field("type").is_some(), "{refused:?}");
}

// Progress ----------------------------------------------------------------------------------------

#[tokio::test]
async fn progress_is_recorded_listed_for_its_reader_only_and_checked() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    let student = signed_in(acme.student, acme.org, Role::Student);
    let classmate = signed_in(acme.other_student, acme.org, Role::Student);
    let star = starter_id(&db, "star-method-for-interview-answers").await;

    act(&db.app, &student, |tx, user| Box::pin(set_progress(tx, user, star, "completed".into()))).await.expect("marked done");
    let mine = act(&db.app, &student, |tx, user| Box::pin(reading(tx, user))).await.unwrap();
    let listed: Vec<(&str, ProgressStatus)> = mine.iter().map(|item| (item.slug.as_str(), item.status)).collect();
    assert_eq!(listed, [("star-method-for-interview-answers", ProgressStatus::Completed)]);
    let mut tx = as_ctx(&db.app, student.ctx()).await;
    match lookup(&mut tx, Some(&student), "star-method-for-interview-answers".into()).await.unwrap() {
        ResourceLookup::Found(view) => assert_eq!(view.progress, Some(ProgressStatus::Completed), "the page shows it"),
        moved => panic!("{moved:?}"),
    }
    drop(tx);

    let theirs = act(&db.app, &classmate, |tx, user| Box::pin(reading(tx, user))).await.unwrap();
    assert!(theirs.is_empty(), "someone else's reading list doesn't show it: {theirs:?}");

    let unknown = Uuid::new_v4();
    let missing = act(&db.app, &student, |tx, user| Box::pin(set_progress(tx, user, unknown, "completed".into()))).await;
    assert!(matches!(missing, Err(AppError::NotFound(_))), "{missing:?}");
    // Another organization's own resource is as unknown as one that doesn't exist.
    let theirs: Uuid = sqlx::query_scalar("select id from resources where organization_id = $1 and slug = 'org-guide'")
        .bind(globex.org)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    let hidden = act(&db.app, &student, |tx, user| Box::pin(set_progress(tx, user, theirs, "in_progress".into()))).await;
    assert!(matches!(hidden, Err(AppError::NotFound(_))), "{hidden:?}");
    let bad = act(&db.app, &student, |tx, user| Box::pin(set_progress(tx, user, star, "finished".into()))).await;
    assert!(matches!(bad, Err(AppError::Invalid(_))), "{bad:?}");
    let rows: i64 = sqlx::query_scalar("select count(*) from user_progress where resource_id is not null")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(rows, 1, "refused changes wrote nothing");
}

// The starter library ------------------------------------------------------------------------------

#[tokio::test]
async fn the_starter_loader_writes_nothing_twice_restores_a_changed_entry_and_keeps_an_editor_s() {
    let db = TestDb::new().await;
    let again = server::reference::resources::load(&db.owner).await.unwrap();
    assert_eq!(again.written, 0, "already loaded by the template");
    assert!(again.bundled >= 60, "{}", again.bundled);
    let title = |db: &TestDb| {
        let owner = db.owner.clone();
        async move {
            sqlx::query_scalar::<_, String>("select title from resources where slug = 'cover-letter-template' and organization_id is null")
                .fetch_one(&owner)
                .await
                .unwrap()
        }
    };
    let original = title(&db).await;

    // An entry whose file changed since (another hash) is written again from the file.
    sqlx::query(
        "update resources set title = 'Tampered', metadata = metadata || '{\"source_hash\": \"old\"}'
          where slug = 'cover-letter-template' and organization_id is null",
    )
    .execute(&db.owner)
    .await
    .unwrap();
    assert_eq!(server::reference::resources::load(&db.owner).await.unwrap().written, 1);
    assert_eq!(title(&db).await, original);

    // One an editor has changed in the product keeps the editor's version.
    sqlx::query(
        "update resources set title = 'Edited in Waypoint', edited_at = now(), metadata = metadata || '{\"source_hash\": \"old\"}'
          where slug = 'cover-letter-template' and organization_id is null",
    )
    .execute(&db.owner)
    .await
    .unwrap();
    assert_eq!(server::reference::resources::load(&db.owner).await.unwrap().written, 0);
    assert_eq!(title(&db).await, "Edited in Waypoint");
}
