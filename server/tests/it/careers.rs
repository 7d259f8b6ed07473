//! Careers end to end: the O*NET loader, the career pages and search as a browser and a crawler
//! see them, the sitemap, matching, and career goals with their row-level security.

use crate::fixtures::{as_ctx, sqlstate, Tenant};
use crate::support::TestDb;
use app::careers::api::{MyMatches, Ranking};
use app::careers::domain::{CareerDetail, CareerList};
use app::careers::{CareerGoal, JobZone, ONET_CREDIT};
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::reference::careers::CareersOutcome;

const PASSWORD: &str = "tea at the lighthouse at six";
const DEVELOPERS: &str = "15-1252.00";
const NURSES: &str = "29-1141.00";

/// The site in-process, as a browser on the site would call it (the BLS tests use it too).
pub(crate) struct Site {
    pub(crate) db: TestDb,
    router: axum::Router,
}

impl Site {
    pub(crate) async fn new() -> Site {
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    /// With two organizations of fixture accounts, all with [`PASSWORD`].
    async fn with_tenants() -> (Site, Tenant, Tenant) {
        let site = Site::new().await;
        let (acme, globex) = crate::web::tenants(&site.db, PASSWORD).await;
        (site, acme, globex)
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        Reply::send(self.router.clone(), request).await
    }

    /// A page as a browser gets it, without the renderer's hydration markers between texts.
    pub(crate) async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("waypoint_session={cookie}"));
        }
        let mut reply = self.send(request.body(Body::empty()).unwrap()).await;
        reply.body = reply.body.replace("<!>", "");
        reply
    }

    fn post(endpoint: &str, content_type: &str, cookie: Option<&str>) -> axum::http::request::Builder {
        server_fn_request(endpoint, content_type, cookie).header(header::ORIGIN, ORIGIN)
    }

    /// A server function called with form fields, as `ActionForm`s and resources do.
    pub(crate) async fn call(&self, endpoint: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let request =
            Self::post(endpoint, "application/x-www-form-urlencoded", cookie).body(Body::from(form(fields))).unwrap();
        self.send(request).await
    }

    async fn call_json(&self, endpoint: &str, body: serde_json::Value) -> Reply {
        let request = Self::post(endpoint, "application/json", None).body(Body::from(body.to_string())).unwrap();
        self.send(request).await
    }

    async fn sign_in(&self, username: &str) -> String {
        let reply = self.call("sign_in", &[("identifier", username), ("password", PASSWORD)], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.session_cookie().expect("signing in sets the session cookie")
    }

    async fn search(&self, q: &str, zone: &str, page: &str) -> Reply {
        self.call("careers", &[("q", q), ("zone", zone), ("page", page)], None).await
    }
}

async fn counts(db: &TestDb) -> (i64, i64) {
    sqlx::query_as("select (select count(*) from careers), (select count(*) from job_zones)")
        .fetch_one(&db.owner)
        .await
        .unwrap()
}

/// The href of the page's canonical link.
fn canonical_href(body: &str) -> Option<String> {
    body.split("<link").skip(1).map(|tag| tag.split('>').next().unwrap_or_default()).find_map(|tag| {
        tag.contains(r#"rel="canonical""#)
            .then(|| tag.split(r#"href=""#).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string))
            .flatten()
    })
}

// The loader ------------------------------------------------------------------------------------

#[tokio::test]
async fn the_loader_gives_923_careers_and_5_job_zones_and_loads_only_what_is_missing() {
    let db = TestDb::new().await;
    // Every database starts with the reference data (the template loaded it).
    assert_eq!(counts(&db).await, (923, 5));
    let again = server::reference::load(&db.owner).await.unwrap();
    assert_eq!(again.careers, CareersOutcome::AlreadyPresent { careers: 923 });
    assert_eq!(counts(&db).await, (923, 5));

    // From empty tables, timed.
    sqlx::query("delete from careers").execute(&db.owner).await.unwrap();
    sqlx::query("delete from job_zones").execute(&db.owner).await.unwrap();
    let started = std::time::Instant::now();
    let outcome = server::reference::careers::load(&db.owner).await.unwrap();
    let cold = started.elapsed();
    assert_eq!(outcome, CareersOutcome::Loaded { careers: 923, job_zones: 5 });
    assert_eq!(counts(&db).await, (923, 5));
    let started = std::time::Instant::now();
    let warm = server::reference::careers::load(&db.owner).await.unwrap();
    eprintln!("careers load: {cold:?} into empty tables, {:?} when already present", started.elapsed());
    assert_eq!(warm, CareersOutcome::AlreadyPresent { careers: 923 });

    // A missing or changed career is put back; the others are left as they are.
    sqlx::query("delete from careers where code = $1").bind(NURSES).execute(&db.owner).await.unwrap();
    sqlx::query("update careers set title = 'Changed' where code = $1")
        .bind(DEVELOPERS)
        .execute(&db.owner)
        .await
        .unwrap();
    let before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select updated_at from careers where code = '11-1011.00'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert!(matches!(server::reference::careers::load(&db.owner).await.unwrap(), CareersOutcome::Loaded { .. }));
    assert_eq!(counts(&db).await, (923, 5));
    let nurses: String = sqlx::query_scalar("select title from careers where code = $1")
        .bind(NURSES)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(nurses, "Registered Nurses");
    let after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select updated_at from careers where code = '11-1011.00'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!(before, after, "unchanged careers aren't rewritten");
    // Rows that drifted are put right by the same upsert.
    let developers: String = sqlx::query_scalar("select title from careers where code = $1")
        .bind(DEVELOPERS)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(developers, "Software Developers");
}

#[tokio::test]
async fn software_developers_have_their_o_net_description_zone_interests_tasks_technology_and_related_careers() {
    let db = TestDb::new().await;
    #[allow(clippy::type_complexity)]
    let (description, zone, interests, high_points, tasks, technology, related): (
        String,
        i16,
        Vec<f64>,
        String,
        serde_json::Value,
        serde_json::Value,
        Vec<String>,
    ) = sqlx::query_as(
        "select description, job_zone, array[realistic, investigative, artistic, social, enterprising, conventional], \
                high_point_code, tasks, technology, related from careers where code = $1",
    )
    .bind(DEVELOPERS)
    .fetch_one(&db.owner)
    .await
    .unwrap();
    assert!(description.starts_with("Research, design, and develop computer and network software"), "{description}");
    assert_eq!(zone, 4);
    assert_eq!(interests, [3.93, 5.86, 2.26, 1.88, 1.87, 5.46]);
    assert_eq!(high_points, "ICR");

    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 19);
    assert!(tasks.iter().all(|t| t["text"].as_str().is_some_and(|s| !s.is_empty()) && t["core"].is_boolean()));

    let categories = technology.as_array().unwrap();
    assert!(categories.len() > 10, "{}", categories.len());
    let hot = |category: &serde_json::Value| category["examples"].as_array().unwrap().iter().any(|e| e["hot"] == true);
    assert!(hot(&categories[0]), "categories with hot technologies come first");
    let first_cold = categories.iter().position(|c| !hot(c)).unwrap_or(categories.len());
    assert!(categories[first_cold..].iter().all(|c| !hot(c)));
    let examples: Vec<&serde_json::Value> = categories.iter().flat_map(|c| c["examples"].as_array().unwrap()).collect();
    assert!(examples.iter().any(|e| e["name"] == "Python" && e["hot"] == true), "Python is a hot technology");
    assert!(examples.iter().all(|e| e["in_demand"].is_boolean()));

    assert_eq!(related.len(), 20);
    assert_eq!(&related[..3], ["15-1299.08", "15-1251.00", "15-1211.00"], "ordered by O*NET's index");
    let loaded: i64 = sqlx::query_scalar("select count(*) from careers where code = any($1)")
        .bind(&related)
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(loaded, 20, "every related code is a career");

    // The server function gives the same, parsed.
    let site = Site { router: crate::http::app(db.app.clone()), db };
    let detail: CareerDetail = site.call("career", &[("code", DEVELOPERS)], None).await.json();
    assert_eq!(detail.title, "Software Developers");
    assert_eq!(detail.job_zone.zone, JobZone::new(4).unwrap());
    assert_eq!(detail.job_zone.name, "Job Zone Four: Considerable Preparation Needed");
    assert_eq!(detail.related[0].title, "Computer Systems Engineers/Architects");
    assert_eq!(detail.tasks.len(), 19);
}

#[tokio::test]
async fn the_bundled_areas_notice_and_job_zones_match_the_data_files() {
    let keywords = include_str!("../../../data/onet-29.3/riasec-keywords.tsv");
    let activities = include_str!("../../../data/onet-29.3/interests-illustrative-activities.tsv");
    for area in app::domain::riasec::AREAS {
        let from_file: Vec<&str> = keywords
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f[1] == area.name)
            .map(|f| f[2])
            .collect();
        assert_eq!(area.keywords, from_file.as_slice(), "{} keywords", area.name);
        let from_file: Vec<&str> = activities
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f[1] == area.name && f[2] == "General")
            .map(|f| f[3])
            .collect();
        assert_eq!(area.activities, from_file.as_slice(), "{} activities", area.name);
    }
    let profiler: serde_json::Value =
        serde_json::from_str(include_str!("../../../data/interest-profiler/short-form-60.json")).unwrap();
    assert_eq!(profiler["notice"], app::about::INTEREST_PROFILER_NOTICE);

    let db = TestDb::new().await;
    let zones: Vec<(i16, String, String)> =
        sqlx::query_as("select zone, name, education from job_zones order by zone").fetch_all(&db.owner).await.unwrap();
    for (zone, (number, name, education)) in JobZone::ALL.iter().zip(zones) {
        assert_eq!(i16::from(zone.number()), number);
        assert!(name.ends_with(zone.name()), "{name}");
        assert_eq!(education, zone.education());
    }
}

// Pages ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_career_page_is_server_rendered_with_title_canonical_chart_and_credit() {
    let site = Site::new().await;
    let page = site.get(&format!("/careers/{DEVELOPERS}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<title>Software Developers · Waypoint</title>"), "title");
    assert_eq!(canonical_href(body).as_deref(), Some("https://waypoint.example/careers/15-1252.00"));
    assert!(body.contains(r#"<meta name="description" content="Software Developers (Job zone 4"#), "description");
    assert!(body.contains(ONET_CREDIT), "the O*NET credit line, verbatim");
    let h1 = body.find("<h1").map(|at| &body[at..(at + 80).min(body.len())]).unwrap_or_default();
    assert!(h1.starts_with("<h1 id=\"page-heading\">Software Developers</h1>"), "{h1}");
    // The chart: an image with a text alternative, and the values in a table.
    assert!(body.contains(r#"role="img""#));
    assert!(body.contains("Interest profile of Software Developers on O*NET&#x27;s scale of 1 (low) to 7 (high): Realistic 3.9, Investigative 5.9, Artistic 2.3, Social 1.9, Enterprising 1.9, Conventional 5.5.")
        || body.contains("Interest profile of Software Developers on O*NET's scale of 1 (low) to 7 (high): Realistic 3.9, Investigative 5.9, Artistic 2.3, Social 1.9, Enterprising 1.9, Conventional 5.5."),
        "chart text alternative");
    assert!(body.contains("interest-table") && body.contains(">5.9<"), "the values in a table");
    assert!(body.contains("Job zone 4: Considerable Preparation Needed"));
    assert!(body.contains("Analyze user needs and software requirements"), "a task");
    assert!(body.contains("class=\"hot-label\""), "hot technologies marked");
    assert!(body.contains(r#"href="/careers/15-1299.08""#), "related careers link");
    // Visitors are offered a way to sign in and come back.
    assert!(body.contains("/sign-in?next=/careers/15-1252.00"), "sign-in link with next");
}

#[tokio::test]
async fn unknown_and_malformed_codes_answer_404_and_matches_is_not_a_code() {
    let site = Site::new().await;
    for path in ["/careers/99-9999.99", "/careers/not-a-code", "/careers/15-1252.0", "/careers/%3Cscript%3E"] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("We couldn&#x27;t find that career")
                || page.body.contains("We couldn't find that career"),
            "{path}"
        );
        assert!(page.body.contains(r#"<meta name="robots" content="noindex""#), "{path}");
    }
    let matches = site.get("/careers/matches", None).await;
    assert_eq!(matches.status, StatusCode::OK);
    assert!(matches.body.contains("Careers that match your interests"));
    assert!(
        matches.body.contains("you haven&#x27;t completed it yet")
            || matches.body.contains("you haven't completed it yet")
    );
    assert!(matches.body.contains(r#"href="/assessments/interest-profiler""#));

    let reply = site.call("career", &[("code", "99-9999.99")], None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error(), AppError::NotFound("a career with that code".into()));
}

#[tokio::test]
async fn search_finds_nurses_filters_by_zone_and_pages() {
    let site = Site::new().await;
    let all: CareerList = site.search("", "", "").await.json();
    assert_eq!((all.total, all.careers.len(), all.last_page()), (923, 30, 31));

    let nurses: CareerList = site.search("nurse", "", "").await.json();
    let titles: Vec<&str> = nurses.careers.iter().map(|c| c.title.as_str()).collect();
    assert!(titles.contains(&"Registered Nurses") && titles.contains(&"Nurse Practitioners"), "{titles:?}");
    assert!(nurses.total >= 10 && nurses.total < 100, "{}", nurses.total);
    // "nurs" is a prefix: nursing and nurses too.
    let prefix: CareerList = site.search("nurs", "", "").await.json();
    assert!(prefix.total >= nurses.total);

    let zone5: CareerList = site.search("nurse", "5", "").await.json();
    assert!(!zone5.careers.is_empty());
    assert!(zone5.careers.iter().all(|c| c.job_zone.number() == 5));
    assert!(zone5.careers.iter().any(|c| c.title == "Nurse Anesthetists"));
    assert!(zone5.total < nurses.total);

    let zone1: CareerList = site.search("", "1", "").await.json();
    assert!(zone1.total > 0 && zone1.careers.iter().all(|c| c.job_zone.number() == 1));
    let by_code: CareerList = site.search("15-1252", "", "").await.json();
    assert_eq!(by_code.careers.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), [DEVELOPERS]);

    let last: CareerList = site.search("", "", "31").await.json();
    assert_eq!((last.careers.len(), last.total), (23, 923));
    let beyond: CareerList = site.search("", "", "40").await.json();
    assert_eq!((beyond.careers.len(), beyond.total), (0, 923), "past the end: empty, with the total");

    // Anything typed is safe: no SQL, no tsquery syntax, no server error.
    for q in ["'; drop table careers; --", "a & b | !c", "nurse:*", "x²", "日本語", "(((", "the", &"long".repeat(100)]
    {
        let reply = site.search(q, "", "").await;
        assert_eq!(reply.status, StatusCode::OK, "{q}: {}", reply.body);
    }
    assert_eq!(counts(&site.db).await, (923, 5));

    // Bad filters are refused with a reason, on the server function and the page.
    let zone = site.search("", "9", "").await;
    assert_eq!(zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(zone.error().to_string().contains("There is no job zone 9"));
    assert_eq!(site.search("", "", "abc").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = site.get("/careers?zone=banana", None).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose a job zone from 1"));

    // The page itself, without JavaScript: results in the HTML, filters kept in page links.
    let page = site.get("/careers?q=nurse&zone=4", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Registered Nurses"));
    assert!(!page.body.contains("Nurse Practitioners"), "zone 5");
    assert!(page.body.contains("<strong>Job zone 4: Considerable Preparation Needed.</strong>"), "the zone's meaning");
    let browse = site.get("/careers?page=2", None).await;
    assert!(browse.body.contains(r#"href="/careers?page=3""#) && browse.body.contains(r#"rel="prev""#));
    assert_eq!(canonical_href(&browse.body).as_deref(), Some("https://waypoint.example/careers"));
}

#[tokio::test]
async fn the_sitemap_lists_every_career_page() {
    let site = Site::new().await;
    let sitemap = site.get("/sitemap.xml", None).await;
    assert_eq!(sitemap.status, StatusCode::OK);
    assert_eq!(sitemap.body.matches("<loc>https://waypoint.example/careers/").count(), 923);
    assert!(sitemap.body.contains("<loc>https://waypoint.example/careers/15-1252.00</loc>"));
    assert!(sitemap.body.contains("<loc>https://waypoint.example/about</loc>"));
    assert!(!sitemap.body.contains("/careers/matches"), "personal pages aren't listed");
}

/// (Booking's public pages, here beside the sitemap's other test: `Site` lives in this file.)
#[tokio::test]
async fn public_mentor_listings_are_crawlable_pages_listed_in_the_sitemap() {
    let (site, acme, globex) = Site::with_tenants().await;
    sqlx::query("update mentors set visibility = 'public', headline = 'Nurse and educator' where id = $1")
        .bind(acme.mentor)
        .execute(&site.db.owner)
        .await
        .unwrap();
    let handle = |id: uuid::Uuid| {
        let owner = site.db.owner.clone();
        async move { sqlx::query_scalar::<_, String>("select handle::text from mentors where id = $1").bind(id).fetch_one(&owner).await.unwrap() }
    };
    let (public, private) = (handle(acme.mentor).await, handle(globex.mentor).await);
    let sitemap = site.get("/sitemap.xml", None).await;
    assert!(sitemap.body.contains(&format!("<loc>https://waypoint.example/mentors/{public}</loc>")), "{}", sitemap.body);
    assert!(!sitemap.body.contains(&format!("/mentors/{private}<")), "an organization's own listing isn't listed");

    let page = site.get(&format!("/mentors/{public}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(canonical_href(&page.body), Some(format!("https://waypoint.example/mentors/{public}")));
    assert!(page.body.contains(r#"<script type="application/ld+json">"#) && page.body.contains(r#""@type":"Person""#));
    assert!(page.body.contains(r#"property="og:type" content="profile""#));
    assert!(page.body.contains("Sign in to book"));
    let hidden = site.get(&format!("/mentors/{private}"), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "a visitor can't see an organization's own listing");
}

#[tokio::test]
async fn the_about_page_credits_o_net_and_the_interest_profiler() {
    let site = Site::new().await;
    let page = site.get("/about", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(ONET_CREDIT));
    assert!(page.body.contains(app::about::INTEREST_PROFILER_NOTICE));
    assert_eq!(canonical_href(&page.body).as_deref(), Some("https://waypoint.example/about"));
    let home = site.get("/", None).await;
    assert!(home.body.contains(r#"href="/about""#), "the footer links to it");
}

// Matching ------------------------------------------------------------------------------------

#[tokio::test]
async fn top_matches_rank_real_careers_and_explain_flat_profiles() {
    let site = Site::new().await;
    // Software developers' own profile, scaled to raw scores: they come first with r = 1.
    let scores: Vec<f64> = [3.93, 5.86, 2.26, 1.88, 1.87, 5.46].iter().map(|v| (v - 1.0) * 6.0 + 4.0).collect();
    let ranking: Ranking =
        site.call_json("top_career_matches", serde_json::json!({ "scores": scores, "limit": 5 })).await.json();
    let Ranking::Ranked { matches, narrow } = ranking else { panic!("expected matches") };
    assert!(!narrow);
    assert_eq!(matches.len(), 5);
    assert_eq!(matches[0].code, DEVELOPERS);
    assert!((matches[0].correlation - 1.0).abs() < 1e-9);
    assert_eq!(matches[0].why(), "Shares your Investigative, Conventional and Realistic interests");
    assert!(matches.windows(2).all(|w| w[0].correlation >= w[1].correlation));

    let flat: Ranking = site
        .call_json("top_career_matches", serde_json::json!({ "scores": [20, 20, 20, 20, 20, 20], "limit": 5 }))
        .await
        .json();
    assert_eq!(flat, Ranking::Flat);
    for bad in [
        serde_json::json!({ "scores": [41, 0, 0, 0, 0, 1], "limit": 5 }),
        serde_json::json!({ "scores": [1, 2, 3, 4, 5, 6], "limit": 0 }),
        serde_json::json!({ "scores": [1, 2, 3, 4, 5, 6], "limit": 500 }),
    ] {
        let reply = site.call_json("top_career_matches", bad.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", reply.body);
    }
    let malformed = site.call_json("top_career_matches", serde_json::json!({ "scores": [1, 2], "limit": 5 })).await;
    assert!(malformed.status.is_client_error(), "{}", malformed.status);
}

/// Saves a completed Interest Profiler result for `user` with these raw scores (R..C).
async fn completed_interest_profiler(site: &Site, tenant: &Tenant, scores: [f64; 6]) {
    let scores = serde_json::json!({
        "R": scores[0], "I": scores[1], "A": scores[2], "S": scores[3], "E": scores[4], "C": scores[5]
    });
    sqlx::query(
        "insert into assessment_results (user_id, organization_id, assessment_id, status, completed_at, scores, summary_code) \
         select $1, $2, id, 'completed', now(), $3, 'ICR' from assessments \
          where slug = 'interest-profiler' and organization_id is null and status = 'published'",
    )
    .bind(tenant.student)
    .bind(tenant.org)
    .bind(scores)
    .execute(&site.db.owner)
    .await
    .unwrap();
}

#[tokio::test]
async fn matches_come_from_the_latest_interest_profiler_result_grouped_and_filtered_by_zone() {
    let (site, acme, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student").await;
    let none: MyMatches = site.call("career_matches", &[("zone", "")], Some(&cookie)).await.json();
    assert_eq!(none, MyMatches::NoResult);
    let browse = site.get("/careers", Some(&cookie)).await;
    assert!(browse.body.contains("Take the Interest Profiler"));

    // Software developers' own profile, as raw scores.
    completed_interest_profiler(&site, &acme, [21.58, 33.16, 11.56, 9.28, 9.22, 30.76]).await;
    let found: MyMatches = site.call("career_matches", &[("zone", "")], Some(&cookie)).await.json();
    let MyMatches::Found { ranking: Ranking::Ranked { matches, narrow }, .. } = found else { panic!("{found:?}") };
    assert!(!narrow);
    assert_eq!(matches[0].code, DEVELOPERS);
    assert!(matches.iter().all(|m| m.correlation >= app::careers::matching::GOOD_FIT));
    let zone4: MyMatches = site.call("career_matches", &[("zone", "4")], Some(&cookie)).await.json();
    let MyMatches::Found { ranking: Ranking::Ranked { matches: in_zone, .. }, .. } = zone4 else { panic!() };
    assert!(!in_zone.is_empty() && in_zone.len() < matches.len());
    assert!(in_zone.iter().all(|m| m.job_zone.number() == 4));

    let page = site.get("/careers/matches?zone=4", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Best fit ("), "grouped");
    assert!(page.body.contains(r#"href="/careers/15-1252.00""#));
    assert!(page.body.contains("fit 1.00"));
    assert!(page.body.contains("Shares your Investigative, Conventional and Realistic interests. Job zone 4"));
    for other in [1, 2, 3, 5] {
        assert!(!page.body.contains(&format!("interests. Job zone {other}:")), "only zone 4 is listed");
    }
    assert!(page.body.contains("Your strongest interests: Investigative, Conventional and Realistic."));
    let browse = site.get("/careers", Some(&cookie)).await;
    assert!(browse.body.contains(r#"href="/careers/matches""#), "the careers page links to the matches");
    let bad = site.get("/careers/matches?zone=6", Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A later, flat result is explained rather than matched.
    sqlx::query("update assessment_results set completed_at = now() - interval '1 day' where user_id = $1")
        .bind(acme.student)
        .execute(&site.db.owner)
        .await
        .unwrap();
    completed_interest_profiler(&site, &acme, [20.0; 6]).await;
    let flat: MyMatches = site.call("career_matches", &[("zone", "")], Some(&cookie)).await.json();
    assert!(matches!(flat, MyMatches::Found { ranking: Ranking::Flat, .. }), "{flat:?}");
    let page = site.get("/careers/matches", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("gives every interest area the same score"));
    assert!(!page.body.contains("Best fit ("));
}

// Career goals --------------------------------------------------------------------------------

#[tokio::test]
async fn a_student_chooses_a_goal_and_choosing_another_replaces_it() {
    let (site, acme, _) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student").await;
    let none: Option<CareerGoal> = site.call("my_career_goal", &[], Some(&cookie)).await.json();
    assert_eq!(none, None);

    site.call("choose_career_goal", &[("code", DEVELOPERS)], Some(&cookie)).await.json::<()>();
    let goal: Option<CareerGoal> = site.call("my_career_goal", &[], Some(&cookie)).await.json();
    let goal = goal.expect("a goal");
    assert_eq!(
        (goal.code.as_str(), goal.title.as_str(), goal.job_zone.number()),
        (DEVELOPERS, "Software Developers", 4)
    );
    let page = site.get(&format!("/careers/{DEVELOPERS}"), Some(&cookie)).await;
    assert!(page.body.contains("Your current goal"), "the page says so");
    let other = site.get(&format!("/careers/{NURSES}"), Some(&cookie)).await;
    assert!(
        other.body.contains("Make this my career goal") && other.body.contains("Choosing this career replaces it.")
    );

    // Choosing the same again changes nothing; another replaces it and keeps the old as history.
    site.call("choose_career_goal", &[("code", DEVELOPERS)], Some(&cookie)).await.json::<()>();
    site.call("choose_career_goal", &[("code", NURSES)], Some(&cookie)).await.json::<()>();
    let goal: Option<CareerGoal> = site.call("my_career_goal", &[], Some(&cookie)).await.json();
    assert_eq!(goal.map(|g| g.code.to_string()).as_deref(), Some(NURSES));
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "select career_code, deleted_at is null from career_goals where user_id = $1 order by chosen_at, created_at",
    )
    .bind(acme.student)
    .fetch_all(&site.db.owner)
    .await
    .unwrap();
    assert_eq!(rows, [(DEVELOPERS.to_string(), false), (NURSES.to_string(), true)]);

    // Unknown and malformed codes are refused with a reason.
    let unknown = site.call("choose_career_goal", &[("code", "99-9999.99")], Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error().to_string(), "We couldn't find a career with the code 99-9999.99.");
    let malformed = site.call("choose_career_goal", &[("code", "nursing")], Some(&cookie)).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(malformed.error().to_string().contains("isn't an O*NET-SOC career code"));

    // Visitors must sign in; they have no goal.
    let anonymous = site.call("choose_career_goal", &[("code", DEVELOPERS)], None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.error(), AppError::Unauthenticated);
    let none: Option<CareerGoal> = site.call("my_career_goal", &[], None).await.json();
    assert_eq!(none, None);
}

#[tokio::test]
async fn nobody_else_can_read_or_write_someones_goal() {
    let (site, acme, globex) = Site::with_tenants().await;
    let cookie = site.sign_in("acme-student").await;
    site.call("choose_career_goal", &[("code", NURSES)], Some(&cookie)).await.json::<()>();

    // Through the HTTP surface, another student (same organization or not) sees only their own.
    for other in ["acme-student2", "globex-student"] {
        let other_cookie = site.sign_in(other).await;
        let goal: Option<CareerGoal> = site.call("my_career_goal", &[], Some(&other_cookie)).await.json();
        assert_eq!(goal, None, "{other}");
    }

    // In the database, as the application role.
    let count = |ctx| {
        let app = site.db.app.clone();
        async move {
            let mut tx = as_ctx(&app, ctx).await;
            let n: i64 = sqlx::query_scalar("select count(*) from career_goals where user_id = $1")
                .bind(acme.student)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(count(acme.student_ctx()).await, 1, "the owner sees it");
    assert_eq!(count(acme.other_student_ctx()).await, 0, "a classmate doesn't");
    assert_eq!(count(acme.mentor_ctx()).await, 0, "a mentor doesn't");
    assert_eq!(count(globex.org_admin_ctx()).await, 0, "another organization's admin doesn't");
    assert_eq!(count(acme.org_admin_ctx()).await, 1, "their organization's admin may");
    assert_eq!(count(app::db::RequestContext::anonymous()).await, 0, "nobody anonymous does");

    // Nobody can change it or give someone else a goal.
    let mut tx = as_ctx(&site.db.app, acme.other_student_ctx()).await;
    let changed = sqlx::query("update career_goals set career_code = $2 where user_id = $1")
        .bind(acme.student)
        .bind(DEVELOPERS)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let planted = sqlx::query("insert into career_goals (user_id, organization_id, career_code) values ($1, $2, $3)")
        .bind(acme.student)
        .bind(acme.org)
        .bind(DEVELOPERS)
        .execute(&mut *tx)
        .await;
    assert_eq!(sqlstate(planted), "42501");
}
