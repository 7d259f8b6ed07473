//! BLS pay and outlook on the careers: the join of every O*NET code, the loader's release
//! bookkeeping, the career pages' figures, the browse and matches filters and sorts, and the
//! entry facts the roadmap generator reads.

use crate::careers::Site;
use crate::support::TestDb;
use crate::web::Reply;
use app::careers::api::{MyMatches, Ranking};
use app::careers::domain::{CareerCode, CareerList};
use app::careers::outlook::{BlsMatchKind, Outlook, Wage, TOP_CODED_ANNUAL};
use app::domain::Parse;
use axum::http::StatusCode;
use server::reference::bls::{self, BlsOutcome};
use std::collections::{BTreeMap, BTreeSet};

const PASSWORD: &str = "tea at the lighthouse at six";

/// A page as a browser reads it: the careers tests' page, apostrophes decoded.
async fn visit(site: &Site, path: &str, cookie: Option<&str>) -> Reply {
    let mut reply = site.get(path, cookie).await;
    reply.body = reply.body.replace("&#x27;", "'");
    reply
}

/// The careers browse answer for these form fields.
async fn list(site: &Site, fields: &[(&str, &str)]) -> CareerList {
    let reply = site.call("careers", fields, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

/// The O*NET codes of occupation-data.tsv.
fn onet_codes() -> Vec<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/onet-29.3/occupation-data.tsv")).unwrap();
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split('\t').next().unwrap().to_string()).collect()
}

/// BLS's codes, read straight from the EP file (every OEWS code is in it too).
fn bls_codes() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/bls/ep_2024-34_table1_2_line_items.csv"))
            .unwrap();
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l[..7].to_string()).collect()
}

/// The rules of data/README.md, written out independently of the loader: exact on the first
/// seven characters; else one of the 12 combined codes by the first six; 55-xxxx none.
fn expected_join(code: &str, bls: &BTreeSet<String>) -> (BlsMatchKind, Option<String>) {
    const COMBINED: [(&str, &str, BlsMatchKind); 12] = [
        ("13-102", "13-1020", BlsMatchKind::BlsCombined),
        ("13-202", "13-2020", BlsMatchKind::BlsCombined),
        ("29-201", "29-2010", BlsMatchKind::BlsCombined),
        ("31-112", "31-1120", BlsMatchKind::BlsCombined),
        ("39-701", "39-7010", BlsMatchKind::BlsCombined),
        ("47-409", "47-4090", BlsMatchKind::BlsCombined),
        ("51-209", "51-2090", BlsMatchKind::BlsCombined),
        ("21-101", "21-1018", BlsMatchKind::OewsCombined),
        ("25-205", "25-2052", BlsMatchKind::OewsCombined),
        ("25-904", "25-9045", BlsMatchKind::OewsCombined),
        ("51-202", "51-2028", BlsMatchKind::OewsCombined),
        ("53-104", "53-1047", BlsMatchKind::OewsCombined),
    ];
    if code.starts_with("55-") {
        return (BlsMatchKind::None, None);
    }
    if bls.contains(&code[..7]) {
        return (BlsMatchKind::Exact, Some(code[..7].to_string()));
    }
    match COMBINED.iter().find(|(prefix, _, _)| code.starts_with(prefix)) {
        Some((_, combined, kind)) => (*kind, Some(combined.to_string())),
        None => panic!("{code} joins nothing under the rules"),
    }
}

#[tokio::test]
async fn every_one_of_the_1016_o_net_codes_joins_as_the_rules_say() {
    let data = bls::parse().unwrap();
    let bls = bls_codes();
    let codes = onet_codes();
    assert_eq!(codes.len(), 1_016);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for code in &codes {
        let joined = data.joiner.join(code);
        assert_eq!((joined.kind, joined.bls_code.clone()), expected_join(code, &bls), "{code}");
        *kinds.entry(format!("{:?}", joined.kind)).or_default() += 1;
    }
    assert_eq!(kinds["Exact"], 963);
    assert_eq!(kinds["BlsCombined"] + kinds["OewsCombined"], 34);
    assert_eq!(kinds["None"], 19, "the military occupations");
    for (code, kind, bls_code) in [
        ("29-1141.00", BlsMatchKind::Exact, Some("29-1141")),
        ("13-1021.00", BlsMatchKind::BlsCombined, Some("13-1020")),
        ("21-1014.00", BlsMatchKind::OewsCombined, Some("21-1018")),
        ("55-1011.00", BlsMatchKind::None, None),
    ] {
        let joined = data.joiner.join(code);
        assert_eq!((joined.kind, joined.bls_code.as_deref()), (kind, bls_code), "{code}");
    }

    // The database holds the same join for every career.
    let db = TestDb::new().await;
    let stored: Vec<(String, String, Option<String>)> =
        sqlx::query_as("select career_code, match_kind::text, bls_code from career_bls_matches order by career_code")
            .fetch_all(&db.owner)
            .await
            .unwrap();
    let careers: i64 = sqlx::query_scalar("select count(*) from careers").fetch_one(&db.owner).await.unwrap();
    assert_eq!(stored.len() as i64, careers, "every career is joined");
    for (code, kind, bls_code) in stored {
        let (expected_kind, expected_code) = expected_join(&code, &bls);
        let expected_kind = serde_json::to_value(expected_kind).unwrap();
        assert_eq!((kind.as_str(), bls_code), (expected_kind.as_str().unwrap(), expected_code), "{code}");
    }
}

#[tokio::test]
async fn the_loader_writes_nothing_twice_and_reloads_a_new_release() {
    let db = TestDb::new().await;
    let stamps = || async {
        let row: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, String) = sqlx::query_as(
            "select (select max(updated_at) from bls_occupations), loaded_at, content_hash
               from reference_releases where dataset = 'bls'",
        )
        .fetch_one(&db.owner)
        .await
        .unwrap();
        row
    };
    let before = stamps().await;
    assert_eq!(before.2, bls::content_hash());
    let again = bls::load(&db.owner).await.unwrap();
    assert_eq!(again, BlsOutcome::AlreadyPresent { occupations: 832 });
    assert_eq!(stamps().await, before, "the second load wrote nothing");
    let release: String = sqlx::query_scalar("select release from reference_releases where dataset = 'bls'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(release, "OEWS May 2024; EP 2024-34");

    // An older release in the database: the shipped one is loaded over it, and a figure that
    // drifted is put back; figures that didn't change are left alone.
    sqlx::query("update reference_releases set content_hash = repeat('0', 64) where dataset = 'bls'")
        .execute(&db.owner)
        .await
        .unwrap();
    sqlx::query("update bls_occupations set annual_median = 1 where code = '29-1141'")
        .execute(&db.owner)
        .await
        .unwrap();
    let developers_before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select updated_at from bls_occupations where code = '15-1252'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    let reloaded = bls::load(&db.owner).await.unwrap();
    assert!(matches!(reloaded, BlsOutcome::Loaded { occupations: 832, .. }), "{reloaded:?}");
    let nurses: i32 = sqlx::query_scalar("select annual_median from bls_occupations where code = '29-1141'")
        .fetch_one(&db.owner)
        .await
        .unwrap();
    assert_eq!(nurses, 93_600);
    let developers_after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select updated_at from bls_occupations where code = '15-1252'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!(developers_before, developers_after, "unchanged rows aren't rewritten");
    assert_eq!(stamps().await.2, bls::content_hash());
    assert_eq!(bls::load(&db.owner).await.unwrap(), BlsOutcome::AlreadyPresent { occupations: 832 });

    // A career missing its join (the careers were reloaded) is joined again.
    sqlx::query("delete from career_bls_matches where career_code = '29-1141.00'").execute(&db.owner).await.unwrap();
    assert!(matches!(bls::load(&db.owner).await.unwrap(), BlsOutcome::Loaded { .. }));
    let kind: String =
        sqlx::query_scalar("select match_kind::text from career_bls_matches where career_code = '29-1141.00'")
            .fetch_one(&db.owner)
            .await
            .unwrap();
    assert_eq!(kind, "exact");
}

#[tokio::test]
async fn career_pages_show_pay_outlook_and_the_way_in_with_the_source() {
    let site = Site::new().await;
    let nurses = visit(&site, "/careers/29-1141.00", None).await;
    assert_eq!(nurses.status, StatusCode::OK);
    let body = &nurses.body;
    assert!(body.contains("$93,600"), "median pay");
    assert!(body.contains("$66,030") && body.contains("$135,320"), "the 10th-90th range");
    assert!(body.contains("Bachelor's degree"), "entry education");
    assert!(body.contains("Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2024, and Employment Projections 2024-34"));
    assert!(body.contains("OEWS May 2024; EP 2024-34"), "the release named");
    assert!(body.contains(r#"class="pay-chart""#) && body.contains(r#"role="img""#));
    assert!(
        body.contains("Pay of Registered Nurses a year: 10th percentile $66,030, median $93,600, 90th percentile $135,320. The median is above the median of all occupations, $49,500."),
        "the chart's text alternative"
    );
    assert!(body.contains("Bright outlook"), "189,100 openings a year is over 100,000 in ten years");
    assert!(body.contains(r#""@type":"Occupation""#) && body.contains(r#""median":93600"#), "JSON-LD estimated salary");

    let developers = visit(&site, "/careers/15-1252.00", None).await;
    assert!(developers.body.contains("$133,080"));
    assert!(developers.body.contains("+15.8%"));
    assert!(developers.body.contains("much faster than the average for all occupations (+3.1%)"), "plain words");
    assert!(developers.body.contains("+267,700 jobs"));

    // Hourly only: actors.
    let actors = visit(&site, "/careers/27-2011.00", None).await;
    assert!(actors.body.contains("$23.33") && actors.body.contains("median pay an hour"));
    assert!(actors.body.contains("BLS publishes hourly pay only for this work"));
    assert!(!actors.body.contains(r#"class="pay-chart""#), "no annual range to draw");

    // Top-coded: anesthesiologists.
    let anesthesiologists = visit(&site, "/careers/29-1211.00", None).await;
    assert!(anesthesiologists.body.contains("$239,200 or more"), "top-coded median");

    // A combined group: buyers (13-1020) and substance abuse counselors (OEWS's 21-1018).
    let buyers = visit(&site, "/careers/13-1021.00", None).await;
    assert!(buyers.body.contains(
        "BLS publishes these figures for Buyers and Purchasing Agents (13-1020), which includes this career."
    ));
    let counselors = visit(&site, "/careers/21-1014.00", None).await;
    assert!(counselors.body.contains("(21-1018), which includes this career."));

    // Nothing published: a career joined to nothing says so.
    sqlx::query("update career_bls_matches set match_kind = 'none', bls_code = null where career_code = '15-1252.00'")
        .execute(&site.db.owner)
        .await
        .unwrap();
    let none = visit(&site, "/careers/15-1252.00", None).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none
        .body
        .contains("The U.S. Bureau of Labor Statistics publishes no pay or outlook figures for this career."));
    assert!(!none.body.contains("$133,080"));
}

fn annual(list: &CareerList) -> Vec<Option<i32>> {
    list.careers.iter().map(|c| c.bls.as_ref().and_then(|b| b.annual_median).map(Wage::annual_floor)).collect()
}

#[tokio::test]
async fn browse_filters_by_education_and_outlook_and_sorts_by_pay_and_growth() {
    let site = Site::new().await;
    let by_pay = list(&site, &[("q", ""), ("zone", ""), ("page", ""), ("sort", "pay")]).await;
    assert_eq!(by_pay.total, 923, "sorting filters nothing");
    let pay = annual(&by_pay);
    assert_eq!(pay[0], Some(TOP_CODED_ANNUAL), "top-coded first");
    assert!(pay.windows(2).all(|w| w[0] >= w[1]), "{pay:?}");

    let by_growth = list(&site, &[("q", ""), ("zone", ""), ("page", ""), ("sort", "growth")]).await;
    let growth: Vec<f64> = by_growth.careers.iter().map(|c| c.bls.as_ref().unwrap().change_percent).collect();
    assert!(growth.windows(2).all(|w| w[0] >= w[1]), "{growth:?}");
    assert_eq!(by_growth.careers[0].title, "Wind Turbine Service Technicians");

    let declining = list(&site, &[("q", ""), ("zone", ""), ("page", ""), ("outlook", "decline")]).await;
    assert!(declining.total > 0 && declining.total < 923);
    assert!(declining.careers.iter().all(|c| c.bls.as_ref().is_some_and(|b| b.outlook() == Outlook::Decline)));
    let doctors = list(
        &site,
        &[
            ("q", ""),
            ("zone", ""),
            ("page", ""),
            ("education", "doctoral"),
            ("outlook", "much_faster"),
            ("sort", "growth"),
        ],
    )
    .await;
    assert!(doctors.total > 0);
    for career in &doctors.careers {
        let bls = career.bls.as_ref().unwrap();
        assert_eq!(bls.education, Some(app::careers::entry::EntryEducation::Doctoral), "{}", career.title);
        assert_eq!(bls.outlook(), Outlook::MuchFaster, "{}", career.title);
    }
    // Filters and search together, and the count past the last page uses the filters too.
    let nurses = list(&site, &[("q", "nurse"), ("zone", ""), ("page", ""), ("education", "bachelor")]).await;
    assert!(nurses.careers.iter().any(|c| c.title == "Registered Nurses"));
    assert!(!nurses.careers.iter().any(|c| c.title == "Nurse Practitioners"), "a master's degree");
    let past = list(&site, &[("q", ""), ("zone", ""), ("page", "40"), ("outlook", "decline")]).await;
    assert_eq!(past.total, declining.total);

    let bad = site.call("careers", &[("q", ""), ("zone", ""), ("page", ""), ("outlook", "rocket")], None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.error().to_string().contains("Choose a job outlook"), "{}", bad.error());

    // The page, as a browser without JavaScript gets it.
    let page = visit(&site, "/careers?outlook=much_faster&sort=growth&education=bachelor", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<option value="much_faster" selected"#), "the filter stays chosen");
    assert!(page.body.contains("Bright outlook") && page.body.contains("O*NET's Bright Outlook criteria"), "explained");
    assert!(page.body.contains("Data Scientists"));
    assert!(!page.body.contains(">Registered Nurses<"), "faster, not much faster");
    let paged = visit(&site, "/careers?sort=pay", None).await;
    assert!(
        paged.body.contains(r#"href="/careers?sort=pay&amp;page=2""#)
            || paged.body.contains(r#"href="/careers?sort=pay&page=2""#),
        "pages keep the order"
    );
}

#[tokio::test]
async fn matches_filter_by_outlook_and_sort_by_pay_inside_each_fit_group() {
    let site = Site::new().await;
    let (acme, _) = crate::web::tenants(&site.db, PASSWORD).await;
    let reply = site.call("sign_in", &[("identifier", "acme-student"), ("password", PASSWORD)], None).await;
    let cookie = reply.session_cookie().expect("signed in");
    // Software developers' own profile, as raw scores.
    let scores = serde_json::json!({ "R": 21.58, "I": 33.16, "A": 11.56, "S": 9.28, "E": 9.22, "C": 30.76 });
    sqlx::query(
        "insert into assessment_results (user_id, organization_id, assessment_id, status, completed_at, scores, summary_code) \
         select $1, $2, id, 'completed', now(), $3, 'ICR' from assessments \
          where slug = 'interest-profiler' and organization_id is null and status = 'published'",
    )
    .bind(acme.student)
    .bind(acme.org)
    .bind(scores)
    .execute(&site.db.owner)
    .await
    .unwrap();

    let all: MyMatches = site.call("career_matches", &[("zone", "")], Some(&cookie)).await.json();
    let MyMatches::Found { ranking: Ranking::Ranked { matches: all, .. }, .. } = all else { panic!() };
    let fast: MyMatches =
        site.call("career_matches", &[("zone", ""), ("outlook", "much_faster")], Some(&cookie)).await.json();
    let MyMatches::Found { ranking: Ranking::Ranked { matches: fast, .. }, .. } = fast else { panic!() };
    assert!(!fast.is_empty() && fast.len() < all.len());
    assert!(fast.iter().all(|m| m.bls.as_ref().is_some_and(|b| b.outlook() == Outlook::MuchFaster)));
    assert_eq!(fast[0].code, "15-1252.00", "still best fit first");

    let by_pay: MyMatches = site.call("career_matches", &[("zone", ""), ("sort", "pay")], Some(&cookie)).await.json();
    let MyMatches::Found { ranking: Ranking::Ranked { matches: by_pay, .. }, .. } = by_pay else { panic!() };
    assert_eq!(by_pay.len(), all.len());
    for (_, group) in app::careers::matching::group_by_fit(by_pay) {
        let pay: Vec<Option<i32>> =
            group.iter().map(|m| m.bls.as_ref().and_then(|b| b.annual_median).map(Wage::annual_floor)).collect();
        assert!(pay.windows(2).all(|w| w[0] >= w[1]), "{pay:?}");
    }

    let page = visit(&site, "/careers/matches?outlook=much_faster&sort=pay", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"href="/careers/15-1252.00""#));
    assert!(page.body.contains("Median pay $133,080 a year"));
    assert!(page.body.contains("Within each fit group, the highest median pay comes first"));
    let bad = visit(&site, "/careers/matches?education=phd", Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn entry_facts_give_the_job_zone_and_bls_entry_requirements() {
    let db = TestDb::new().await;
    let mut tx = db.app.begin().await.unwrap();
    let nurses =
        app::careers::entry::ssr::entry_facts(&mut tx, &CareerCode::parse("29-1141.00").unwrap()).await.unwrap();
    assert_eq!(nurses.job_zone, 4);
    assert_eq!(nurses.education.as_deref(), Some("Bachelor's degree"));
    assert_eq!(nurses.work_experience.as_deref(), Some("None"));
    assert_eq!(nurses.training.as_deref(), Some("None"));
    let electricians =
        app::careers::entry::ssr::entry_facts(&mut tx, &CareerCode::parse("47-2111.00").unwrap()).await.unwrap();
    assert_eq!(electricians.training.as_deref(), Some("Apprenticeship"));
    let steps = app::careers::entry::entry_steps(&electricians, None);
    assert!(steps.iter().any(|s| s.title == "Complete an apprenticeship"), "{steps:?}");
    let unknown = app::careers::entry::ssr::entry_facts(&mut tx, &CareerCode::parse("99-9999.99").unwrap()).await;
    assert!(matches!(unknown, Err(app::error::AppError::NotFound(_))));
    tx.rollback().await.unwrap();

    // Joined to nothing: the job zone alone.
    sqlx::query("update career_bls_matches set match_kind = 'none', bls_code = null where career_code = '29-1141.00'")
        .execute(&db.owner)
        .await
        .unwrap();
    let mut tx = db.app.begin().await.unwrap();
    let none = app::careers::entry::ssr::entry_facts(&mut tx, &CareerCode::parse("29-1141.00").unwrap()).await.unwrap();
    assert_eq!((none.job_zone, none.education, none.training), (4, None, None));
}
