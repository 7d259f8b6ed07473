//! The resource library as authors write it and as browsers and crawlers fetch it, without
//! JavaScript: Markdown made safe when saved, who may write what, organizations' own resources,
//! renamed addresses answering 301, each page's title, description, canonical link, OpenGraph
//! and JSON-LD, 404s, and the sitemap. (Search itself is in `resources`.)

use crate::booking::signed_in;
use crate::fixtures::{as_ctx, tenant, user};
use crate::resources::{entry, find_as, platform_admin, publish, save_as, slugs, words};
use crate::support::TestDb;
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::db::RequestContext;
use app::domain::Role;
use app::error::AppError;
use app::resources::api::ssr::{lookup, preview};
use app::resources::domain::ResourceLookup;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const PASSWORD: &str = "a lantern on the harbour wall";

/// The site in-process, fetched as a browser without JavaScript (or a crawler) fetches it.
struct Site {
    db: TestDb,
    router: axum::Router,
}

impl Site {
    async fn new() -> Site {
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
        }
        let mut reply = Reply::send(self.router.clone(), request.body(Body::empty()).unwrap()).await;
        // Without the renderer's hydration markers between texts.
        reply.body = reply.body.replace("<!>", "");
        reply
    }

    async fn sign_in(&self, username: &str) -> String {
        let request = server_fn_request("sign_in", "application/x-www-form-urlencoded", None)
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(form(&[("identifier", username), ("password", PASSWORD)])))
            .unwrap();
        let reply = Reply::send(self.router.clone(), request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.session_cookie().expect("signing in sets the session cookie")
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The attributes of every `<tag …>` in the page (attribute order is the renderer's business).
fn tags<'a>(body: &'a str, tag: &str) -> Vec<&'a str> {
    body.split(&format!("<{tag} ")).skip(1).map(|rest| rest.split('>').next().unwrap_or_default()).collect()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    tag.split(&format!(r#" {name}=""#)).nth(1).or_else(|| tag.strip_prefix(&format!(r#"{name}=""#))).and_then(|rest| rest.split('"').next()).map(unescape)
}

/// The content of `<meta {key}="{value}" content="…">`.
fn meta(body: &str, key: &str, value: &str) -> Option<String> {
    tags(body, "meta").into_iter().find(|tag| attribute(tag, key).as_deref() == Some(value)).and_then(|tag| attribute(tag, "content"))
}

fn canonical(body: &str) -> Option<String> {
    tags(body, "link").into_iter().find(|tag| attribute(tag, "rel").as_deref() == Some("canonical")).and_then(|tag| attribute(tag, "href"))
}

fn title(body: &str) -> Option<String> {
    body.split("<title>").nth(1).and_then(|rest| rest.split("</title>").next()).map(unescape)
}

/// The raw text of every JSON-LD script.
fn json_ld(body: &str) -> Vec<&str> {
    body.split(r#"<script type="application/ld+json">"#).skip(1).filter_map(|rest| rest.split("</script>").next()).collect()
}

/// Enough of XML's well-formedness for the sitemap: the declaration, one root, every element
/// closed in order, no stray `<`, `>` or `&` in text.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut rest = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").ok_or("no XML declaration first")?;
    let (mut open, mut roots) = (Vec::new(), 0);
    let text_ok = |text: &str| {
        !text.contains('>')
            && text.split('&').skip(1).all(|after| ["amp;", "lt;", "gt;", "quot;", "apos;"].iter().any(|entity| after.starts_with(entity)))
    };
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        if !text_ok(text) || (open.is_empty() && !text.trim().is_empty()) {
            return Err(format!("bad text {text:?}"));
        }
        let end = rest[start..].find('>').ok_or("an unclosed tag")? + start;
        let tag = &rest[start + 1..end];
        if tag.contains('<') {
            return Err(format!("a < inside the tag {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop() != Some(name.trim()) {
                return Err(format!("</{name}> closes nothing open"));
            }
        } else if !tag.ends_with('/') {
            roots += usize::from(open.is_empty());
            open.push(tag.split_whitespace().next().ok_or("an empty tag")?);
        }
        rest = &rest[end + 1..];
    }
    match (open.is_empty(), roots, rest.trim().is_empty()) {
        (true, 1, true) => Ok(()),
        _ => Err(format!("unclosed {open:?}, {roots} roots, trailing {rest:?}")),
    }
}

#[test]
fn the_well_formedness_check_refuses_what_an_xml_parser_would() {
    let declared = |body: &str| format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}");
    assert_eq!(well_formed(&declared("<a><b>x &amp; y</b><c/></a>\n")), Ok(()));
    for bad in ["<a><b></a></b>", "<a>x & y</a>", "<a></a><a></a>", "<a><b></b>", "text<a></a>"] {
        assert!(well_formed(&declared(bad)).is_err(), "{bad}");
    }
    assert!(well_formed("<a></a>").is_err(), "no declaration");
}

// Authoring ---------------------------------------------------------------------------------------

#[tokio::test]
async fn scripts_event_handlers_and_javascript_links_never_reach_the_stored_html_or_the_page() {
    let site = Site::new().await;
    let acme = tenant(&site.db.owner, "acme").await;
    let admin = platform_admin(&site.db, acme.org).await;
    let content = "Before the list.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
                   A [trap](javascript:alert(3)) and <a href=\"javascript:alert(4)\">another</a>, but **this stays**.";
    let id = publish(&site.db, &admin, "markdown-safety-check", "Markdown safety check", content).await;
    let (html, text, stored): (String, String, String) =
        sqlx::query_as("select content_html, content_text, content from resources where id = $1").bind(id).fetch_one(&site.db.owner).await.unwrap();
    assert_eq!(stored, content, "the Markdown itself is kept for the editor");
    for banned in ["<script", "alert(1)", "<img", "onerror", "javascript:"] {
        assert!(!html.contains(banned), "{banned} in {html}");
    }
    assert!(html.contains("<strong>this stays</strong>") && html.contains("trap"), "the rest is rendered: {html}");
    assert!(!text.contains("<script") && !text.contains("javascript:"), "{text}");
    // The editor's preview is exactly what saving stores.
    assert_eq!(preview(&admin, content.into()).await.unwrap(), html);

    let page = site.get("/resources/markdown-safety-check", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<strong>this stays</strong>"));
    for banned in ["<script>alert", "onerror=", "javascript:alert"] {
        assert!(!page.body.contains(banned), "{banned} on the page");
    }
}

#[tokio::test]
async fn students_cannot_write_and_mentors_write_and_edit_only_their_own() {
    let db = TestDb::new().await;
    let acme = tenant(&db.owner, "acme").await;
    let globex = tenant(&db.owner, "globex").await;
    let title_of = |slug: &'static str| {
        let owner = db.owner.clone();
        async move { sqlx::query_scalar::<_, String>("select title from resources where slug = $1").bind(slug).fetch_one(&owner).await.unwrap() }
    };
    let student = signed_in(acme.student, acme.org, Role::Student);
    let attempt = save_as(&db, &student, None, entry("student-attempt", "A student's attempt", "Some words."), false).await;
    assert_eq!(attempt, Err(AppError::Forbidden));
    let written: i64 = sqlx::query_scalar("select count(*) from resources where slug = 'student-attempt'").fetch_one(&db.owner).await.unwrap();
    assert_eq!(written, 0);

    // Even asking for the shared library, a mentor's resource is their organization's own.
    let mentor = signed_in(acme.mentor_user, acme.org, Role::Mentor);
    let id = save_as(&db, &mentor, None, entry("vellichor-notes", "Vellichor notes", "A mentor's notes on vellichor."), true).await.expect("a mentor writes");
    let (org, author): (Option<uuid::Uuid>, Option<uuid::Uuid>) =
        sqlx::query_as("select organization_id, author_id from resources where id = $1").bind(id).fetch_one(&db.owner).await.unwrap();
    assert_eq!((org, author), (Some(acme.org), Some(acme.mentor_user)));
    let edited = save_as(&db, &mentor, Some(id), entry("vellichor-notes", "Vellichor notes, revised", "Revised."), false).await;
    assert_eq!(edited, Ok(id));
    assert_eq!(title_of("vellichor-notes").await, "Vellichor notes, revised");

    // Another mentor, of the same organization or another, cannot edit it.
    let colleague = signed_in(user(&db.owner, acme.org, "acme-mentor2", "mentor").await, acme.org, Role::Mentor);
    let outsider = signed_in(globex.mentor_user, globex.org, Role::Mentor);
    for other in [&colleague, &outsider] {
        let refused = save_as(&db, other, Some(id), entry("vellichor-notes", "Taken over", "Mine now."), false).await;
        assert!(matches!(refused, Err(AppError::NotFound(_) | AppError::Forbidden)), "{refused:?}");
    }
    assert_eq!(title_of("vellichor-notes").await, "Vellichor notes, revised");

    let mut unknown_career = entry("vellichor-careers", "Vellichor careers", "About careers.");
    unknown_career.careers = "29-1141.00, 99-9999.99".into();
    match save_as(&db, &mentor, None, unknown_career, false).await {
        Err(AppError::Invalid(errors)) => assert!(errors.field("careers").is_some_and(|message| message.contains("99-9999.99")), "{errors:?}"),
        other => panic!("an unknown career is a field error: {other:?}"),
    }
    // `org-guide` is the fixture organization's own resource already.
    match save_as(&db, &mentor, None, entry("org-guide", "A second placement guide", "Placements again."), false).await {
        Err(AppError::Invalid(errors)) => assert!(errors.field("slug").is_some(), "{errors:?}"),
        other => panic!("a taken address is a field error: {other:?}"),
    }
}

#[tokio::test]
async fn an_organization_s_resource_is_seen_only_by_its_members() {
    let site = Site::new().await;
    let (acme, globex) = crate::web::tenants(&site.db, PASSWORD).await;
    let org_admin = signed_in(acme.org_admin, acme.org, Role::OrgAdmin);
    save_as(&site.db, &org_admin, None, entry("quillibrant-handbook", "Quillibrant handbook", "How Acme runs its quillibrant days."), false)
        .await
        .expect("an organization administrator writes their organization's own");

    let ours = find_as(&site.db, acme.student_ctx(), words("quillibrant")).await;
    assert_eq!(slugs(&ours), ["quillibrant-handbook"]);
    assert!(ours.results[0].organization_only);
    for (who, ctx) in [("another organization's member", globex.student_ctx()), ("a visitor", RequestContext::anonymous())] {
        let found = find_as(&site.db, ctx, words("quillibrant")).await;
        assert_eq!(found.total, 0, "{who} finds nothing");
        assert!(found.results.is_empty() && !found.tags.is_empty(), "{who}");
        // Its words aren't suggested elsewhere either.
        let misspelt = find_as(&site.db, ctx, words("quillibrnt")).await;
        assert!(!misspelt.suggestion.unwrap_or_default().contains("quillibrant"), "{who}");
    }
    let globex_student = signed_in(globex.student, globex.org, Role::Student);
    let mut tx = as_ctx(&site.db.app, globex_student.ctx()).await;
    let hidden = lookup(&mut tx, Some(&globex_student), "quillibrant-handbook".into()).await;
    assert!(matches!(hidden, Err(AppError::NotFound(_))), "{hidden:?}");
    drop(tx);

    let member = site.sign_in("acme-student").await;
    let page = site.get("/resources/quillibrant-handbook", Some(&member)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Quillibrant handbook"));
    let outsider = site.sign_in("globex-student").await;
    assert_eq!(site.get("/resources/quillibrant-handbook", Some(&outsider)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(site.get("/resources/quillibrant-handbook", None).await.status, StatusCode::NOT_FOUND);
}

// Addresses and what crawlers see --------------------------------------------------------------------

#[tokio::test]
async fn a_renamed_resource_answers_301_from_every_old_address() {
    let site = Site::new().await;
    let acme = tenant(&site.db.owner, "acme").await;
    let admin = platform_admin(&site.db, acme.org).await;
    let id = publish(&site.db, &admin, "zorble-first-address", "Zorble guide", "All about zorbles.").await;
    for (step, slug) in ["zorble-second-address", "zorble-third-address"].into_iter().enumerate() {
        let renamed = save_as(&site.db, &admin, Some(id), entry(slug, "Zorble guide", "All about zorbles."), true).await;
        assert_eq!(renamed, Ok(id), "rename {step}");
    }
    for old in ["zorble-first-address", "zorble-second-address"] {
        let reply = site.get(&format!("/resources/{old}"), None).await;
        assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{old}: {}", reply.body);
        assert_eq!(reply.redirect(), Some("/resources/zorble-third-address"), "{old}");
        let mut tx = as_ctx(&site.db.app, RequestContext::anonymous()).await;
        assert_eq!(lookup(&mut tx, None, old.into()).await, Ok(ResourceLookup::Moved("zorble-third-address".into())));
    }
    let current = site.get("/resources/zorble-third-address", None).await;
    assert_eq!(current.status, StatusCode::OK);
    assert_eq!(canonical(&current.body).as_deref(), Some("https://waypoint.example/resources/zorble-third-address"));
}

#[tokio::test]
async fn a_resource_page_has_title_description_canonical_opengraph_and_json_ld_of_its_type() {
    let site = Site::new().await;
    for (slug, schema) in [
        ("registered-nurse-career-guide", "Article"),
        ("khan-academy-financial-literacy-course", "Course"),
        ("interview-warmup-practice-tool", "WebApplication"),
    ] {
        let (name, description): (String, String) =
            sqlx::query_as("select title, description from resources where slug = $1 and organization_id is null")
                .bind(slug)
                .fetch_one(&site.db.owner)
                .await
                .unwrap();
        let page = site.get(&format!("/resources/{slug}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{slug}");
        let body = &page.body;
        let url = format!("https://waypoint.example/resources/{slug}");
        assert_eq!(title(body), Some(format!("{name} · Waypoint")), "{slug}");
        assert_eq!(meta(body, "name", "description"), Some(description.clone()), "{slug}");
        assert_eq!(canonical(body), Some(url.clone()), "{slug}");
        assert_eq!(meta(body, "property", "og:title"), Some(format!("{name} · Waypoint")), "{slug}");
        assert_eq!(meta(body, "property", "og:type").as_deref(), Some("article"), "{slug}");
        assert_eq!(meta(body, "property", "og:url"), Some(url.clone()), "{slug}");
        let scripts = json_ld(body);
        let data = scripts
            .iter()
            .inspect(|raw| assert!(!raw.contains('<'), "{slug}: a raw < in the JSON-LD: {raw}"))
            .map(|raw| serde_json::from_str::<serde_json::Value>(raw).unwrap_or_else(|error| panic!("{slug}: {error}: {raw}")))
            .find(|value| value["@type"] == schema)
            .unwrap_or_else(|| panic!("{slug}: no {schema} JSON-LD in {scripts:?}"));
        assert_eq!((data["name"].as_str(), data["url"].as_str()), (Some(name.as_str()), Some(url.as_str())), "{slug}");
        assert_eq!(data["description"].as_str(), Some(description.as_str()), "{slug}");
    }
}

/// Authors write titles and every reader gets the page: a title that tries to close the
/// `<title>` element and the JSON-LD script stays text in the one and data in the other.
#[tokio::test]
async fn a_title_with_markup_stays_text_in_the_head_and_data_in_the_json_ld() {
    let site = Site::new().await;
    let acme = tenant(&site.db.owner, "acme").await;
    let admin = platform_admin(&site.db, acme.org).await;
    let hostile = "Tags </title></script><script>alert(1)</script> & more";
    publish(&site.db, &admin, "angle-bracket-title", hostile, "A body.").await;
    let page = site.get("/resources/angle-bracket-title", None).await;
    assert_eq!(page.status, StatusCode::OK);
    if let Some(at) = page.body.find("<script>alert(1)") {
        panic!("markup from the title on the page: {}", &page.body[at.saturating_sub(200)..(at + 60).min(page.body.len())]);
    }
    assert_eq!(title(&page.body), Some(format!("{hostile} · Waypoint")));
    let raw = json_ld(&page.body).into_iter().find(|raw| raw.contains("Article")).expect("the Article JSON-LD");
    assert!(!raw.contains('<'), "{raw}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(raw).unwrap()["name"], hostile);
}

#[tokio::test]
async fn unknown_drafts_and_misspelt_addresses_answer_404() {
    let site = Site::new().await;
    let acme = tenant(&site.db.owner, "acme").await;
    let admin = platform_admin(&site.db, acme.org).await;
    let mut draft = entry("unfinished-draft", "An unfinished draft", "Not ready.");
    draft.status = "draft".into();
    save_as(&site.db, &admin, None, draft, true).await.expect("a draft");
    for path in ["/resources/no-such-thing", "/resources/unfinished-draft", "/resources/%3Cscript%3E", "/resources/org-guide"] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(meta(&page.body, "name", "robots").as_deref(), Some("noindex"), "{path}");
    }
}

#[tokio::test]
async fn the_sitemap_is_well_formed_and_lists_public_resources_with_lastmod_only() {
    let site = Site::new().await;
    let acme = tenant(&site.db.owner, "acme").await;
    let admin = platform_admin(&site.db, acme.org).await;
    let mut draft = entry("sitemap-draft", "A draft for the sitemap test", "Not ready.");
    draft.status = "draft".into();
    save_as(&site.db, &admin, None, draft, true).await.unwrap();
    let org_admin = signed_in(acme.org_admin, acme.org, Role::OrgAdmin);
    save_as(&site.db, &org_admin, None, entry("sitemap-members-only", "For members", "Members only."), false).await.unwrap();

    let sitemap = site.get("/sitemap.xml", None).await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert!(sitemap.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("application/xml"));
    let body = &sitemap.body;
    well_formed(body).unwrap_or_else(|error| panic!("{error}"));
    assert!(body.contains(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#));
    assert_eq!(body.matches("<url>").count(), body.matches("</url>").count());
    let public: i64 =
        sqlx::query_scalar("select count(*) from resources where organization_id is null and status = 'published' and deleted_at is null")
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(body.matches("<loc>https://waypoint.example/resources/").count() as i64, public, "every public resource, once");
    let lastmod: String = sqlx::query_scalar(
        "select to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD') from resources where slug = 'cover-letter-template' and organization_id is null",
    )
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    let listed = format!("<loc>https://waypoint.example/resources/cover-letter-template</loc><lastmod>{lastmod}</lastmod>");
    assert!(body.contains(&listed), "{listed} in {body}");
    for hidden in ["sitemap-draft", "sitemap-members-only", "org-guide"] {
        assert!(!body.contains(&format!("/resources/{hidden}<")), "{hidden} is not listed");
    }
}
