//! The assessment engine end to end, through the HTTP surface as a browser uses it: the built-in
//! O*NET Interest Profiler taken a page at a time by visitors (answers in their session) and by
//! members (answers in the database), resuming, pointing out unanswered questions, refusing
//! invalid answers, scoring and ties, keeping a visitor's result on sign-up, who may open a
//! result, stale versions, and administrators authoring, publishing and replacing versions.

use crate::fixtures::{tenant, Tenant};
use crate::support::TestDb;
use app::assessments::authoring::{AuthoringRow, TEMPLATE};
use app::assessments::definition::QuestionKind;
use app::assessments::interest_profiler::{self, SLUG, SOURCE};
use app::assessments::scoring::Answer;
use app::assessments::{AssessmentCard, Progress, ResultSummary, ResultView, SaveOutcome, TakePage};
use crate::web::{form, server_fn_request, Reply, HOST, ORIGIN};
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::collections::BTreeMap;
use uuid::Uuid;

const PASSWORD: &str = "tea at the lighthouse at six";
const STRONG: &str = "plum orchard under a quiet moon";
const RELOAD: &str =
    "This assessment has been updated since you opened the page. Reload it to continue with the new version.";

// The harness: the site in-process, and browsers that keep their session cookie ----------------

/// One browser: its session cookie, kept and replaced as the site sets it.
#[derive(Debug, Clone, Default)]
struct Browser {
    cookie: Option<String>,
}

impl Browser {
    fn new() -> Browser {
        Browser::default()
    }
}

struct Site {
    db: TestDb,
    router: axum::Router,
}

impl Site {
    async fn new() -> Site {
        let (db, router) = crate::web::site().await;
        Site { db, router }
    }

    /// Two organizations of fixtures (acme and globex) whose accounts all have [`PASSWORD`].
    async fn with_tenants() -> (Site, Tenant, Tenant) {
        let site = Site::new().await;
        let (acme, globex) = crate::web::tenants(&site.db, PASSWORD).await;
        // The fixtures' "values" assessment predates the engine's definition format (its question
        // has `{"points": 5}`), so the engine refuses to load it; these tests are not about it.
        sqlx::query("update assessments set deleted_at = now() where slug = 'values'")
            .execute(&site.db.owner)
            .await
            .unwrap();
        (site, acme, globex)
    }

    async fn send(&self, browser: &mut Browser, request: axum::http::request::Builder, body: Body) -> Reply {
        let request = match &browser.cookie {
            Some(cookie) => request.header(header::COOKIE, format!("waypoint_session={cookie}")),
            None => request,
        };
        let reply = Reply::send(self.router.clone(), request.body(body).unwrap()).await;
        if let Some(cookie) = reply.set_session_cookie() {
            browser.cookie = cookie;
        }
        reply
    }

    /// A server function call from a page of this site, as the app's own client makes it.
    async fn call<N: AsRef<str>, V: AsRef<str>>(
        &self,
        browser: &mut Browser,
        endpoint: &str,
        fields: &[(N, V)],
    ) -> Reply {
        let request = server_fn_request(endpoint, "application/x-www-form-urlencoded", None).header(header::ORIGIN, ORIGIN);
        self.send(browser, request, Body::from(form(fields))).await
    }

    async fn get(&self, browser: &mut Browser, path: &str) -> Reply {
        let request = Request::get(path).header(header::HOST, HOST).header(header::ACCEPT, "text/html");
        self.send(browser, request, Body::empty()).await
    }

    async fn sign_in(&self, identifier: &str) -> Browser {
        let mut browser = Browser::new();
        self.call(&mut browser, "sign_in", &[("identifier", identifier), ("password", PASSWORD)]).await.assert_ok();
        assert!(browser.cookie.is_some(), "signing in sets the session cookie");
        browser
    }

    /// Signs up on this browser (keeping whatever its session holds); the browser is then signed in.
    async fn sign_up(&self, browser: &mut Browser, username: &str) -> Reply {
        let email = format!("{username}@example.org");
        self.call(
            browser,
            "sign_up",
            &[
                ("email", email.as_str()),
                ("username", username),
                ("first_name", "Ada"),
                ("last_name", "Lovelace"),
                ("password", STRONG),
                ("invite_code", ""),
            ],
        )
        .await
    }

    async fn cards(&self, browser: &mut Browser) -> Vec<AssessmentCard> {
        self.call::<&str, &str>(browser, "assessments", &[]).await.json()
    }

    async fn card(&self, browser: &mut Browser, slug: &str) -> Reply {
        self.call(browser, "assessment", &[("slug", slug)]).await
    }

    async fn try_page(&self, browser: &mut Browser, slug: &str, page: Option<u32>, check: bool) -> Reply {
        let mut fields = vec![("slug", slug.to_string()), ("check", check.to_string())];
        if let Some(page) = page {
            fields.push(("page", page.to_string()));
        }
        self.call(browser, "assessment_page", &fields).await
    }

    async fn page(&self, browser: &mut Browser, slug: &str, page: Option<u32>, check: bool) -> TakePage {
        self.try_page(browser, slug, page, check).await.json()
    }

    async fn save(
        &self,
        browser: &mut Browser,
        slug: &str,
        version_id: Uuid,
        page: u32,
        go: &str,
        answers: &[(String, String)],
    ) -> Reply {
        let mut fields = vec![
            ("slug".to_string(), slug.to_string()),
            ("version_id".to_string(), version_id.to_string()),
            ("page".to_string(), page.to_string()),
            ("go".to_string(), go.to_string()),
        ];
        fields.extend(answers.iter().cloned());
        self.call(browser, "assessment_save", &fields).await
    }

    async fn result(&self, browser: &mut Browser, slug: &str, result: Option<Uuid>) -> Reply {
        let mut fields = vec![("slug", slug.to_string())];
        if let Some(id) = result {
            fields.push(("result", id.to_string()));
        }
        self.call(browser, "assessment_result", &fields).await
    }

    async fn built_in_id(&self) -> Uuid {
        sqlx::query_scalar("select id from assessments where slug = $1 and organization_id is null")
            .bind(SLUG)
            .fetch_one(&self.db.owner)
            .await
            .unwrap()
    }

    /// Takes the whole Interest Profiler, page by page with Next and then Finish, answering each
    /// item with `point(its area)`. Returns the Finish reply.
    async fn take_profiler(&self, browser: &mut Browser, point: impl Fn(char) -> usize) -> Reply {
        let first = self.page(browser, SLUG, Some(1), false).await;
        assert_eq!((first.pages, first.total), (5, 60));
        let version = first.version_id;
        for page in 1..=5u32 {
            let answers = profiler_answers((page - 1) * 12 + 1..=page * 12, &point);
            if page < 5 {
                let reply = self.save(browser, SLUG, version, page, "next", &answers).await;
                reply.assert_ok();
                assert_eq!(
                    reply.redirect(),
                    Some(format!("/assessments/{SLUG}/take?page={}", page + 1).as_str()),
                    "page {page}: {}",
                    reply.body
                );
            } else {
                return self.save(browser, SLUG, version, page, "finish", &answers).await;
            }
        }
        unreachable!()
    }

    async fn owner_count(&self, sql: &str, id: Uuid) -> i64 {
        sqlx::query_scalar(sql).bind(id).fetch_one(&self.db.owner).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

// The Interest Profiler, computed by hand from the publisher's file --------------------------------

/// Each item's RIASEC area by position, from the bundled publisher's file.
fn areas() -> BTreeMap<u32, char> {
    let definition = interest_profiler::definition(SOURCE).expect("the bundled file makes a definition");
    definition
        .numbered()
        .into_iter()
        .map(|numbered| {
            let QuestionKind::Likert { weights, .. } = &numbered.question.kind else { panic!("not Likert") };
            assert_eq!(weights.0.len(), 1);
            let area = weights.0.keys().next().unwrap().chars().next().unwrap();
            (numbered.position, area)
        })
        .collect()
}

/// Likert answers (point index 0-4) to `positions`, by area.
fn profiler_answers(positions: impl IntoIterator<Item = u32>, point: &impl Fn(char) -> usize) -> Vec<(String, String)> {
    let areas = areas();
    positions.into_iter().map(|p| (format!("answers[q{p}]"), point(areas[&p]).to_string())).collect()
}

fn pattern(pairs: [(char, usize); 6]) -> impl Fn(char) -> usize {
    move |area| pairs.iter().find(|(a, _)| *a == area).map(|(_, p)| *p).unwrap()
}

fn scores(view: &ResultView) -> Vec<(String, f64)> {
    view.sheet.scores.iter().map(|s| (s.key.clone(), s.score)).collect()
}

fn riasec(values: [f64; 6]) -> Vec<(String, f64)> {
    ["R", "I", "A", "S", "E", "C"].iter().zip(values).map(|(k, v)| (k.to_string(), v)).collect()
}

fn ties(groups: &[&[&str]]) -> Vec<Vec<String>> {
    groups.iter().map(|g| g.iter().map(|k| k.to_string()).collect()).collect()
}

/// The result id at the end of a member's results address.
fn result_id(location: Option<&str>, slug: &str) -> Uuid {
    let location = location.expect("finishing redirects to the result");
    let prefix = format!("/assessments/{slug}/results/");
    let id = location.strip_prefix(&prefix).unwrap_or_else(|| panic!("{location} is not under {prefix}"));
    id.parse().unwrap_or_else(|_| panic!("{location} does not end in a result id"))
}

// 1. The built-in instrument ------------------------------------------------------------------

#[tokio::test]
async fn the_built_in_interest_profiler_is_loaded_once_and_listed_for_visitors() {
    let site = Site::new().await;
    // The template already ran the loader; running it again (a restart) changes nothing.
    let loaded_again = server::reference::interest_profiler::load(&site.db.owner).await.unwrap();
    assert!(!loaded_again, "the loader found the instrument there already");
    let (versions, status, notice, questions): (i64, String, String, i64) = sqlx::query_as(
        "select count(*) over (), status::text, metadata->>'notice',
                (select count(*) from assessment_questions q where q.assessment_id = a.id and q.deleted_at is null)
           from assessments a where slug = $1",
    )
    .bind(SLUG)
    .fetch_one(&site.db.owner)
    .await
    .unwrap();
    assert_eq!((versions, status.as_str(), questions), (1, "published", 60));
    assert!(notice.contains("O*NET Interest Profiler") && notice.contains("Copyright"), "{notice}");

    let mut visitor = Browser::new();
    let cards = site.cards(&mut visitor).await;
    let card = cards.iter().find(|c| c.slug == SLUG).unwrap_or_else(|| panic!("not listed: {cards:?}"));
    assert_eq!(cards.iter().filter(|c| c.slug == SLUG).count(), 1, "listed once");
    assert_eq!((card.questions, card.version, card.built_in), (60, 1, true));
    assert_eq!(card.title, "O*NET Interest Profiler");
    assert_eq!(card.notice, notice);
    assert_eq!(card.progress, Progress::NotStarted);
    assert!(!card.in_progress);
    assert_eq!(card.dimensions.len(), 6);
    assert_eq!(site.card(&mut visitor, SLUG).await.json::<AssessmentCard>(), *card);

    // Five pages of twelve five-point items, ten on each area, in the publisher's order.
    let areas = areas();
    let mut per_area: BTreeMap<char, usize> = BTreeMap::new();
    for number in 1..=5 {
        let page = site.page(&mut visitor, SLUG, Some(number), false).await;
        assert_eq!((page.page, page.pages, page.total, page.answered), (number, 5, 60, 0));
        assert_eq!(page.notice, notice, "the notice is on every page");
        assert_eq!(page.questions.len(), 12);
        for numbered in &page.questions {
            assert!(numbered.question.required);
            let QuestionKind::Likert { points, weights, reverse } = &numbered.question.kind else {
                panic!("question {} is not Likert", numbered.position)
            };
            let labels: Vec<&str> = points.iter().map(|p| p.label.as_str()).collect();
            assert_eq!(labels, ["Strongly Dislike", "Dislike", "Unsure", "Like", "Strongly Like"]);
            assert_eq!(points.iter().map(|p| p.value).collect::<Vec<_>>(), [0.0, 1.0, 2.0, 3.0, 4.0]);
            assert!(!reverse);
            let area = areas[&numbered.position].to_string();
            assert_eq!(weights.0, BTreeMap::from([(area, 1.0)]), "question {}", numbered.position);
            *per_area.entry(areas[&numbered.position]).or_default() += 1;
        }
    }
    assert_eq!(per_area, BTreeMap::from([('A', 10), ('C', 10), ('E', 10), ('I', 10), ('R', 10), ('S', 10)]));
    assert_eq!(site.try_page(&mut visitor, SLUG, Some(6), false).await.status, StatusCode::NOT_FOUND);
    assert!(visitor.cookie.is_none(), "looking around stores nothing for a visitor");
}

// 2-4. Taking it a page at a time -----------------------------------------------------------------

#[tokio::test]
async fn a_visitor_resumes_where_they_left_off_after_a_reload() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let first = site.page(&mut visitor, SLUG, None, false).await;
    assert_eq!(first.page, 1, "a new attempt starts on page 1");
    let version = first.version_id;
    let point = |area: char| match area {
        'R' => 0,
        'I' => 1,
        'A' => 2,
        'S' => 3,
        'E' => 4,
        _ => 2,
    };

    // Page 1 autosaved as it is answered (no navigation), page 2 with Next.
    let page_one = profiler_answers(1..=12, &point);
    let stay = site.save(&mut visitor, SLUG, version, 1, "stay", &page_one).await;
    assert_eq!(stay.json::<SaveOutcome>(), SaveOutcome { answered: 12, total: 60 });
    assert_eq!(stay.redirect(), None, "an autosave stays on the page");
    assert!(visitor.cookie.is_some(), "the visitor's answers are kept in a session");
    let page_two = profiler_answers(13..=24, &point);
    let next = site.save(&mut visitor, SLUG, version, 2, "next", &page_two).await;
    assert_eq!(next.json::<SaveOutcome>(), SaveOutcome { answered: 24, total: 60 });
    assert_eq!(next.redirect(), Some("/assessments/interest-profiler/take?page=3"));

    // The browser reloads (a new request with the same cookie): it resumes on page 3.
    let resumed = site.page(&mut visitor, SLUG, None, false).await;
    assert_eq!((resumed.page, resumed.answered, resumed.total), (3, 24, 60));
    assert!(resumed.answers.is_empty(), "nothing on page 3 yet");
    assert!(resumed.missing.is_empty());
    assert!(!resumed.signed_in);
    for (number, sent) in [(1, &page_one), (2, &page_two)] {
        let page = site.page(&mut visitor, SLUG, Some(number), false).await;
        let expected: BTreeMap<u32, Answer> = sent
            .iter()
            .map(|(name, value)| {
                let position = name.trim_start_matches("answers[q").trim_end_matches(']').parse().unwrap();
                (position, Answer::Point(value.parse().unwrap()))
            })
            .collect();
        assert_eq!(page.answers, expected, "page {number}'s answers are intact");
    }
    let card = site.card(&mut visitor, SLUG).await.json::<AssessmentCard>();
    assert_eq!(card.progress, Progress::InProgress { answered: 24, total: 60 });

    // Another browser has nothing of it.
    let mut stranger = Browser::new();
    let theirs = site.page(&mut stranger, SLUG, None, false).await;
    assert_eq!((theirs.page, theirs.answered), (1, 0));
    assert_eq!(site.card(&mut stranger, SLUG).await.json::<AssessmentCard>().progress, Progress::NotStarted);
}

#[tokio::test]
async fn moving_on_with_an_unanswered_question_points_it_out() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let version = site.page(&mut visitor, SLUG, Some(1), false).await.version_id;
    let likes = |_: char| 3;
    let without_3_and_8: Vec<(String, String)> = profiler_answers((1..=12).filter(|p| ![3, 8].contains(p)), &likes);

    let next = site.save(&mut visitor, SLUG, version, 1, "next", &without_3_and_8).await;
    assert_eq!(next.json::<SaveOutcome>().answered, 10, "what was answered is kept");
    assert_eq!(next.redirect(), Some("/assessments/interest-profiler/take?page=1&check=1#unanswered"));
    let checked = site.page(&mut visitor, SLUG, Some(1), true).await;
    assert_eq!(checked.missing, vec![3, 8]);
    assert_eq!(checked.answers.len(), 10);
    let unchecked = site.page(&mut visitor, SLUG, Some(1), false).await;
    assert!(unchecked.missing.is_empty(), "nothing is pointed out before trying to move on");
    let resume = site.page(&mut visitor, SLUG, None, false).await;
    assert_eq!(resume.page, 1, "the resume page is the first with an unanswered question");

    // Page 1 complete, Finish goes to the first page with an unanswered question.
    let all_of_page_one = profiler_answers(1..=12, &likes);
    let finish = site.save(&mut visitor, SLUG, version, 1, "finish", &all_of_page_one).await;
    assert_eq!(finish.json::<SaveOutcome>().answered, 12);
    assert_eq!(finish.redirect(), Some("/assessments/interest-profiler/take?page=2&check=1#unanswered"));
    let page_two = site.page(&mut visitor, SLUG, Some(2), true).await;
    assert_eq!(page_two.missing, (13..=24).collect::<Vec<u32>>());
    assert_eq!(site.result(&mut visitor, SLUG, None).await.status, StatusCode::NOT_FOUND, "no result yet");

    // Back from page 2 goes to page 1.
    let back = site.save(&mut visitor, SLUG, version, 2, "back", &[]).await;
    assert_eq!(back.redirect(), Some("/assessments/interest-profiler/take?page=1"));
}

#[tokio::test]
async fn an_invalid_answer_is_refused_by_number_and_the_pages_other_answers_are_kept() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let version = site.page(&mut visitor, SLUG, Some(1), false).await.version_id;
    let mut answers = profiler_answers(1..=12, &|_: char| 1);
    answers.retain(|(name, _)| name != "answers[q5]");
    answers.push(("answers[q5]".into(), "9".into()));

    let refused = site.save(&mut visitor, SLUG, version, 1, "next", &answers).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.error(), AppError::Invalid("Question 5: Choose one of the points.".into()));
    assert_eq!(refused.redirect(), None, "the person stays to fix it");
    let page = site.page(&mut visitor, SLUG, Some(1), true).await;
    assert_eq!(page.answered, 11, "the page's eleven valid answers were saved");
    assert_eq!(page.missing, vec![5]);
    assert!(page.answers.iter().all(|(p, a)| *p != 5 && *a == Answer::Point(1)), "{:?}", page.answers);

    // The same for a member, whose answers are in the database.
    let mut member = Browser::new();
    site.sign_up(&mut member, "invalid-answers").await.assert_ok();
    let refused = site.save(&mut member, SLUG, version, 1, "stay", &answers).await;
    assert_eq!(refused.error(), AppError::Invalid("Question 5: Choose one of the points.".into()));
    // The page is sent whole again (as the form sends it), with the first answer garbled.
    let mut garbled = answers.clone();
    garbled.retain(|(name, _)| name != "answers[q1]" && name != "answers[q5]");
    garbled.push(("answers[q1]".into(), "a lot".into()));
    let not_a_number = site.save(&mut member, SLUG, version, 1, "stay", &garbled).await;
    assert_eq!(not_a_number.error(), AppError::Invalid("Question 1: Choose one of the points.".into()));
    let page = site.page(&mut member, SLUG, Some(1), false).await;
    assert!(page.signed_in);
    assert_eq!(page.answered, 11, "{:?}", page.answers);
    assert_eq!(page.answers.get(&1), Some(&Answer::Point(1)), "a refused answer leaves the earlier one");
}

// 5-6. A visitor's result, and keeping it by signing up --------------------------------------------

#[tokio::test]
async fn a_visitor_who_likes_everything_scores_forty_everywhere_with_every_area_tied() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let finish = site.take_profiler(&mut visitor, |_| 4).await;
    assert_eq!(finish.json::<SaveOutcome>(), SaveOutcome { answered: 60, total: 60 });
    assert_eq!(finish.redirect(), Some("/assessments/interest-profiler/results"));

    let view: ResultView = site.result(&mut visitor, SLUG, None).await.json();
    assert_eq!(scores(&view), riasec([40.0; 6]));
    assert!(view.sheet.scores.iter().all(|s| (s.min, s.max) == (0.0, 40.0)), "{:?}", view.sheet.scores);
    assert_eq!(view.sheet.summary.code, "RIA", "ties keep the publisher's order R, I, A, S, E, C");
    assert_eq!(view.sheet.summary.ties, ties(&[&["R", "I", "A", "S", "E", "C"]]));
    assert!(!view.saved, "kept in the session until the visitor signs up");
    assert!(view.is_interest_profiler);
    assert_eq!((view.version, view.method.as_str()), (1, "Sum of item scores"));
    assert_eq!(view.history.len(), 1);
    assert_eq!(view.history[0].key, view.key);
    assert_eq!(view.history[0].code, "RIA");

    let card = site.card(&mut visitor, SLUG).await.json::<AssessmentCard>();
    assert!(matches!(&card.progress, Progress::Completed { code, .. } if code == "RIA"), "{:?}", card.progress);
    assert!(!card.in_progress);
    // A result id is for members: a visitor asking for one is asked to sign in.
    assert_eq!(site.result(&mut visitor, SLUG, Some(view.key)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        site.owner_count("select count(*) from assessment_results where assessment_id = $1", site.built_in_id().await)
            .await,
        0
    );
}

#[tokio::test]
async fn signing_up_moves_the_visitors_result_into_the_new_account() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    site.take_profiler(&mut visitor, |_| 4).await.assert_ok();
    let in_session = site.result(&mut visitor, SLUG, None).await.json::<ResultView>();
    let holding = "select count(*) from tower_sessions.session where position('assessment_results'::bytea in data) > 0 and $1 is not null";
    assert_eq!(site.owner_count(holding, Uuid::nil()).await, 1, "the session holds the result");
    let visitor_cookie = visitor.cookie.clone();

    let mut browser = visitor.clone();
    let signed_up = site.sign_up(&mut browser, "riasec.fan").await;
    signed_up.assert_ok();
    assert_ne!(browser.cookie, visitor_cookie, "signed in under a new session id");

    let mine: Vec<ResultSummary> = site.call::<&str, &str>(&mut browser, "my_results", &[]).await.json();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!((mine[0].slug.as_str(), mine[0].code.as_str()), (SLUG, "RIA"));
    let view: ResultView = site.result(&mut browser, SLUG, None).await.json();
    assert!(view.saved);
    assert_eq!(view.key, mine[0].id);
    assert_eq!(scores(&view), riasec([40.0; 6]));
    assert_eq!(view.sheet.summary, in_session.sheet.summary);
    assert_eq!(view.completed_on, in_session.completed_on);
    let by_id: ResultView = site.result(&mut browser, SLUG, Some(mine[0].id)).await.json();
    assert_eq!(by_id.key, mine[0].id);

    let (id, status, summary, version, stored): (Uuid, String, Option<String>, Uuid, serde_json::Value) =
        sqlx::query_as(
            "select r.id, r.status::text, r.summary_code, r.assessment_id, r.scores
               from assessment_results r join users u on u.id = r.user_id where u.username = 'riasec.fan'",
        )
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!((status.as_str(), summary.as_deref(), version), ("completed", Some("RIA"), site.built_in_id().await));
    for area in ["R", "I", "A", "S", "E", "C"] {
        assert_eq!(stored[area].as_f64(), Some(40.0), "{stored}");
    }
    assert_eq!(id, mine[0].id, "the one result in the account is the visitor's");

    // The session no longer holds it: not under the old id, and not in any session.
    assert_eq!(site.owner_count(holding, Uuid::nil()).await, 0, "no session still holds the result");
    let mut old = Browser { cookie: visitor_cookie };
    assert_eq!(site.result(&mut old, SLUG, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(site.card(&mut old, SLUG).await.json::<AssessmentCard>().progress, Progress::NotStarted);
    let mut stranger = Browser::new();
    assert_eq!(site.result(&mut stranger, SLUG, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signing_in_moves_the_visitors_result_and_unfinished_attempt_into_the_account() {
    let (site, acme, _) = Site::with_tenants().await;
    // A visitor finishes once (all "Like") and starts again, answering page 1.
    let mut browser = Browser::new();
    site.take_profiler(&mut browser, |_| 3).await.assert_ok();
    let version = site.page(&mut browser, SLUG, Some(1), false).await.version_id;
    site.save(&mut browser, SLUG, version, 1, "next", &profiler_answers(1..=12, &|_: char| 0)).await.assert_ok();

    site.call(&mut browser, "sign_in", &[("identifier", "acme-student"), ("password", PASSWORD)]).await.assert_ok();
    let mine: Vec<ResultSummary> = site.call::<&str, &str>(&mut browser, "my_results", &[]).await.json();
    let kept: Vec<&ResultSummary> = mine.iter().filter(|r| r.slug == SLUG).collect();
    assert_eq!(kept.len(), 1, "{mine:?}");
    assert_eq!(kept[0].code, "RIA");
    let view: ResultView = site.result(&mut browser, SLUG, None).await.json();
    assert!(view.saved);
    assert_eq!(scores(&view), riasec([30.0; 6]));
    let resumed = site.page(&mut browser, SLUG, None, false).await;
    assert!(resumed.signed_in);
    assert_eq!((resumed.page, resumed.answered), (2, 12), "the unfinished attempt continues in the account");
    assert_eq!(
        site.owner_count(
            "select count(*) from assessment_results where user_id = $1 and status = 'in_progress'",
            acme.student
        )
        .await,
        1
    );
}

// 7-8. Members: saved results, history, and who may open them -----------------------------------

#[tokio::test]
async fn a_member_completes_the_profiler_and_each_attempt_is_kept() {
    let site = Site::new().await;
    let mut member = Browser::new();
    site.sign_up(&mut member, "sia.person").await.assert_ok();
    let user_id: Uuid = sqlx::query_scalar("select id from users where username = 'sia.person'")
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    let sia = pattern([('S', 4), ('I', 3), ('A', 2), ('E', 1), ('R', 0), ('C', 0)]);

    // Part-way, the card shows progress, kept in the database.
    let version = site.page(&mut member, SLUG, Some(1), false).await.version_id;
    site.save(&mut member, SLUG, version, 1, "stay", &profiler_answers(1..=12, &sia)).await.assert_ok();
    let card = site.card(&mut member, SLUG).await.json::<AssessmentCard>();
    assert_eq!(card.progress, Progress::InProgress { answered: 12, total: 60 });
    let (status, answers): (String, serde_json::Value) =
        sqlx::query_as("select status::text, answers from assessment_results where user_id = $1")
            .bind(user_id)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!((status.as_str(), answers.as_object().map(|a| a.len())), ("in_progress", Some(12)));

    let finish = site.take_profiler(&mut member, &sia).await;
    assert_eq!(finish.json::<SaveOutcome>(), SaveOutcome { answered: 60, total: 60 });
    let first = result_id(finish.redirect(), SLUG);
    let view: ResultView = site.result(&mut member, SLUG, Some(first)).await.json();
    assert_eq!(scores(&view), riasec([0.0, 30.0, 20.0, 40.0, 10.0, 0.0]));
    assert_eq!(view.sheet.summary.code, "SIA");
    assert!(view.sheet.summary.ties.is_empty(), "{:?}", view.sheet.summary.ties);
    assert!(view.saved);
    let (status, stored, code, assessment_id, completed): (String, serde_json::Value, Option<String>, Uuid, bool) =
        sqlx::query_as(
            "select status::text, scores, summary_code, assessment_id, completed_at is not null
               from assessment_results where id = $1 and user_id = $2",
        )
        .bind(first)
        .bind(user_id)
        .fetch_one(&site.db.owner)
        .await
        .unwrap();
    assert_eq!((status.as_str(), code.as_deref(), assessment_id, completed), ("completed", Some("SIA"), version, true));
    assert_eq!(version, site.built_in_id().await);
    let stored: BTreeMap<String, f64> = serde_json::from_value(stored).unwrap();
    assert_eq!(
        stored,
        BTreeMap::from([
            ("R".into(), 0.0),
            ("I".into(), 30.0),
            ("A".into(), 20.0),
            ("S".into(), 40.0),
            ("E".into(), 10.0),
            ("C".into(), 0.0)
        ])
    );
    let card = site.card(&mut member, SLUG).await.json::<AssessmentCard>();
    assert!(matches!(&card.progress, Progress::Completed { code, .. } if code == "SIA"), "{:?}", card.progress);
    let fresh = site.page(&mut member, SLUG, None, false).await;
    assert_eq!((fresh.page, fresh.answered), (1, 0), "taking it again starts afresh");

    // Again, differently: a second result, and the history lists both, newest first.
    let finish = site.take_profiler(&mut member, |_| 2).await;
    let second = result_id(finish.redirect(), SLUG);
    assert_ne!(second, first);
    let latest: ResultView = site.result(&mut member, SLUG, None).await.json();
    assert_eq!(latest.key, second);
    assert_eq!(scores(&latest), riasec([20.0; 6]));
    assert_eq!(latest.history.iter().map(|h| h.key).collect::<Vec<_>>(), vec![second, first]);
    assert_eq!(latest.history.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), vec!["RIA", "SIA"]);
    assert_eq!(latest.history[1].scores, riasec([0.0, 30.0, 20.0, 40.0, 10.0, 0.0]));
    let earlier: ResultView = site.result(&mut member, SLUG, Some(first)).await.json();
    assert_eq!((earlier.key, earlier.sheet.summary.code.as_str()), (first, "SIA"));
    let mine: Vec<ResultSummary> = site.call::<&str, &str>(&mut member, "my_results", &[]).await.json();
    assert_eq!(mine.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second, first]);
    assert_eq!(
        site.owner_count(
            "select count(*) from assessment_results where user_id = $1 and status = 'completed'",
            user_id
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_saved_result_opens_for_its_owner_and_their_administrators_only() {
    let (site, _, _) = Site::with_tenants().await;
    let mut student = site.sign_in("acme-student").await;
    let finish =
        site.take_profiler(&mut student, pattern([('S', 4), ('I', 3), ('A', 2), ('E', 1), ('R', 0), ('C', 0)])).await;
    let id = result_id(finish.redirect(), SLUG);
    let own: ResultView = site.result(&mut student, SLUG, Some(id)).await.json();
    assert_eq!(own.sheet.summary.code, "SIA");

    for who in ["acme-student2", "globex-student", "globex-admin", "acme-mentor"] {
        let mut other = site.sign_in(who).await;
        let reply = site.result(&mut other, SLUG, Some(id)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{who}: {}", reply.body);
        assert!(matches!(reply.error(), AppError::NotFound(_)), "{who}");
        assert!(!reply.body.contains("SIA"), "{who} sees nothing of it");
        let theirs = site.result(&mut other, SLUG, None).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{who} has no result of their own: {}", theirs.body);
    }
    let mut anonymous = Browser::new();
    let reply = site.result(&mut anonymous, SLUG, Some(id)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert_eq!(reply.error(), AppError::Unauthenticated);

    // Their own organization's administrator may open it (row-level security allows it).
    let mut admin = site.sign_in("acme-admin").await;
    let seen: ResultView = site.result(&mut admin, SLUG, Some(id)).await.json();
    assert_eq!((seen.key, seen.sheet.summary.code.as_str()), (id, "SIA"));
    assert_eq!(seen.history.len(), 1, "the history is the owner's");
}

// 9. Versions changing under an open page ------------------------------------------------------------

#[tokio::test]
async fn saving_to_a_version_that_is_no_longer_published_asks_for_a_reload() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let page = site.page(&mut visitor, SLUG, Some(1), false).await;
    let stale = site.save(&mut visitor, SLUG, Uuid::new_v4(), 1, "next", &profiler_answers(1..=12, &|_: char| 3)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(stale.error(), AppError::Conflict(RELOAD.into()));
    assert_eq!(site.page(&mut visitor, SLUG, Some(1), false).await.answered, 0, "nothing was saved");
    // The right version saves.
    site.save(&mut visitor, SLUG, page.version_id, 1, "stay", &profiler_answers(1..=12, &|_: char| 3))
        .await
        .assert_ok();
    assert_eq!(site.page(&mut visitor, SLUG, Some(1), false).await.answered, 12);
}

// 10. Authoring ---------------------------------------------------------------------------------

fn template() -> serde_json::Value {
    serde_json::from_str(TEMPLATE).expect("the template is JSON")
}

/// The template's answers, one of each type: people 100 (High), security 50 (Medium).
fn template_answers() -> Vec<(String, String)> {
    [
        ("answers[q1]", "2"),        // Agree: 3 on people
        ("answers[q2]", "0"),        // Disagree, reverse-keyed: 3 on people
        ("answers[q3]", "b"),        // people 2
        ("answers[q4_a]", "on"),     // people 1
        ("answers[q4_c]", "on"),     // people 1
        ("answers[q5]", "8"),        // security 4
        ("answers[q6_team]", "1"),   // people 2
        ("answers[q6_pay]", "2"),    // security 1
        ("answers[q6_growth]", "3"), // nothing
        ("answers[q7]", "  I'd like a mentor who has changed careers.  "),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

#[tokio::test]
async fn administrators_author_check_publish_and_replace_versions_and_results_keep_theirs() {
    let (site, acme, _globex) = Site::with_tenants().await;
    let slug = "work-values";
    let save_definition = |browser: Browser, definition: String, draft: Option<Uuid>| {
        let site = &site;
        async move {
            let mut browser = browser;
            let mut fields = vec![("definition", definition)];
            if let Some(draft) = draft {
                fields.push(("draft_id", draft.to_string()));
            }
            site.call(&mut browser, "authoring_save", &fields).await
        }
    };
    let count_versions = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from assessments where slug = 'work-values'")
            .fetch_one(&site.db.owner)
            .await
            .unwrap()
    };

    // Students and visitors don't author.
    let mut student = site.sign_in("acme-student").await;
    let refused = save_definition(student.clone(), TEMPLATE.to_string(), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.error(), AppError::Forbidden);
    let anonymous = save_definition(Browser::new(), TEMPLATE.to_string(), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(site.call::<&str, &str>(&mut student, "authoring_list", &[]).await.status, StatusCode::FORBIDDEN);

    // Invalid definitions are refused with what to fix, and nothing is saved.
    let admin = site.sign_in("acme-admin").await;
    let mut no_points = template();
    no_points["sections"][0]["questions"][0]["points"] = serde_json::json!([]);
    let reply = save_definition(admin.clone(), no_points.to_string(), None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(
        reply.error().to_string(),
        "Question 1 (Likert, \"I enjoy working closely with a team.\"): a Likert item needs 2 to 11 labelled points (it has 0)."
    );
    let mut unknown_dimension = template();
    unknown_dimension["sections"][1]["questions"][0]["weights"] = serde_json::json!({ "security": 0.5, "money": 1 });
    let reply = save_definition(admin.clone(), unknown_dimension.to_string(), None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(
        reply.error().to_string(),
        "Question 5 (scale, \"How important is a predictable schedule?\"): the weight on \"money\" names no dimension of this assessment (they are: people, security)."
    );
    let not_json = save_definition(admin.clone(), "{ \"slug\": ".into(), None).await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_json.error().to_string().starts_with("The definition isn't valid:"), "{}", not_json.body);
    assert_eq!(count_versions().await, 0, "nothing was saved");

    // The template saves as draft version 1, which only its authors see.
    let saved = save_definition(admin.clone(), TEMPLATE.to_string(), None).await;
    saved.assert_ok();
    let v1: Uuid = saved.json();
    assert_eq!(saved.redirect(), Some(format!("/admin/assessments/{v1}").as_str()));
    let (version, status, org): (i32, String, Option<Uuid>) =
        sqlx::query_as("select version, status::text, organization_id from assessments where id = $1")
            .bind(v1)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!((version, status.as_str(), org), (1, "draft", Some(acme.org)));
    let listed: Vec<AuthoringRow> = site.call::<&str, &str>(&mut admin.clone(), "authoring_list", &[]).await.json();
    let row = listed.iter().find(|r| r.id == v1).expect("the draft is in the authoring list");
    assert_eq!((row.version, row.status.as_str(), row.editable), (1, "draft", true));
    assert_eq!(site.card(&mut student, slug).await.status, StatusCode::NOT_FOUND, "a draft is not for students");
    assert!(site.cards(&mut student).await.iter().all(|c| c.slug != slug));

    // Published, the organization's students see it and take it: one answer of each type.
    let published = site.call(&mut admin.clone(), "authoring_publish", &[("draft_id", v1.to_string())]).await;
    published.assert_ok();
    assert_eq!(published.redirect(), Some("/assessments/work-values"));
    let card: AssessmentCard = site.card(&mut student, slug).await.json();
    assert_eq!((card.version, card.questions, card.built_in), (1, 7, false));
    assert_eq!(card.title, "What matters to you at work");
    assert!(site.cards(&mut student).await.iter().any(|c| c.slug == slug), "listed for the organization's students");
    let take = site.page(&mut student, slug, None, false).await;
    assert_eq!((take.version_id, take.pages, take.total), (v1, 1, 7));
    assert_eq!(
        take.questions.iter().map(|q| q.question.kind.type_name()).collect::<Vec<_>>(),
        ["likert", "likert", "single_choice", "multiple_choice", "scale", "ranking", "free_text"]
    );
    // Each type's own checks.
    let mut too_many = template_answers();
    too_many.push(("answers[q4_b]".into(), "on".into()));
    let reply = site.save(&mut student, slug, v1, 1, "finish", &too_many).await;
    assert_eq!(reply.error(), AppError::Invalid("Question 4: Pick between 1 and 2.".into()));
    let mut same_rank = template_answers();
    same_rank.retain(|(n, _)| n != "answers[q6_growth]");
    same_rank.push(("answers[q6_growth]".into(), "1".into()));
    let reply = site.save(&mut student, slug, v1, 1, "finish", &same_rank).await;
    assert_eq!(reply.error(), AppError::Invalid("Question 6: Give every option a different rank from 1 to 3.".into()));
    let mut off_scale = template_answers();
    off_scale.retain(|(n, _)| n != "answers[q5]");
    off_scale.push(("answers[q5]".into(), "11".into()));
    let reply = site.save(&mut student, slug, v1, 1, "finish", &off_scale).await;
    assert_eq!(reply.error(), AppError::Invalid("Question 5: Choose a number from 0 to 10 in steps of 1.".into()));
    let mut unknown_choice = template_answers();
    unknown_choice.retain(|(n, _)| n != "answers[q3]");
    unknown_choice.push(("answers[q3]".into(), "z".into()));
    let reply = site.save(&mut student, slug, v1, 1, "finish", &unknown_choice).await;
    assert_eq!(reply.error(), AppError::Invalid("Question 3: Choose one of the options.".into()));

    let finish = site.save(&mut student, slug, v1, 1, "finish", &template_answers()).await;
    assert_eq!(finish.json::<SaveOutcome>(), SaveOutcome { answered: 7, total: 7 });
    let result = result_id(finish.redirect(), slug);
    let view: ResultView = site.result(&mut student, slug, Some(result)).await.json();
    let by_key: Vec<(String, f64, Option<String>)> =
        view.sheet.scores.iter().map(|s| (s.key.clone(), s.score, s.band.clone())).collect();
    assert_eq!(
        by_key,
        vec![("people".into(), 100.0, Some("High".into())), ("security".into(), 50.0, Some("Medium".into()))]
    );
    assert_eq!(view.sheet.summary.code, "people");
    assert_eq!((view.version, view.method.as_str(), view.is_interest_profiler), (1, "Normalised to 0-100", false));
    let stored_text: serde_json::Value =
        sqlx::query_scalar("select answers->'7' from assessment_results where id = $1")
            .bind(result)
            .fetch_one(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(stored_text, serde_json::json!({ "text": "I'd like a mentor who has changed careers." }), "trimmed");

    // Another organization's students and visitors never see it.
    let mut outsider = site.sign_in("globex-student").await;
    assert_eq!(site.card(&mut outsider, slug).await.status, StatusCode::NOT_FOUND);
    assert!(site.cards(&mut outsider).await.iter().all(|c| c.slug != slug));
    let reply = site.try_page(&mut outsider, slug, None, false).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = site.save(&mut outsider, slug, v1, 1, "finish", &template_answers()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
    let mut visitor = Browser::new();
    assert_eq!(site.card(&mut visitor, slug).await.status, StatusCode::NOT_FOUND);
    assert!(site.cards(&mut visitor).await.iter().all(|c| c.slug != slug));

    // The student starts again on version 1 and leaves the page open...
    let open = site.page(&mut student, slug, None, false).await;
    assert_eq!(open.version_id, v1);

    // ...while the administrator saves a changed definition as version 2 and publishes it.
    let mut changed = template();
    changed["title"] = serde_json::json!("What matters to you at work (2nd edition)");
    changed["sections"][1]["questions"][0]["prompt"] =
        serde_json::json!("How much do you want a predictable schedule?");
    let saved = save_definition(admin.clone(), changed.to_string(), None).await;
    saved.assert_ok();
    let v2: Uuid = saved.json();
    assert_ne!(v2, v1);
    site.call(&mut admin.clone(), "authoring_publish", &[("draft_id", v2.to_string())]).await.assert_ok();
    let versions: Vec<(i32, String)> =
        sqlx::query_as("select version, status::text from assessments where slug = 'work-values' order by version")
            .fetch_all(&site.db.owner)
            .await
            .unwrap();
    assert_eq!(versions, vec![(1, "archived".to_string()), (2, "published".to_string())]);
    let again = site.call(&mut admin.clone(), "authoring_publish", &[("draft_id", v1.to_string())]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "an archived version is not a draft: {}", again.body);

    // The open page's save is refused with a reason; reloaded, it is version 2.
    let stale = site.save(&mut student, slug, v1, 1, "stay", &template_answers()[..1]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(stale.error(), AppError::Conflict(RELOAD.into()));
    let reloaded = site.page(&mut student, slug, None, false).await;
    assert_eq!(reloaded.version_id, v2);
    assert_eq!(reloaded.title, "What matters to you at work (2nd edition)");
    assert_eq!(reloaded.questions[4].question.prompt, "How much do you want a predictable schedule?");
    let card: AssessmentCard = site.card(&mut student, slug).await.json();
    assert_eq!((card.version, card.title.as_str()), (2, "What matters to you at work (2nd edition)"));
    assert!(matches!(&card.progress, Progress::Completed { code, .. } if code == "people"), "{:?}", card.progress);

    // The earlier result still opens, on the version it was taken on.
    let earlier: ResultView = site.result(&mut student, slug, Some(result)).await.json();
    assert_eq!((earlier.key, earlier.version), (result, 1));
    assert_eq!(earlier.title, "What matters to you at work");
    assert_eq!(earlier.sheet, view.sheet);
    let latest: ResultView = site.result(&mut student, slug, None).await.json();
    assert_eq!((latest.key, latest.version), (result, 1));
    let mine: Vec<ResultSummary> = site.call::<&str, &str>(&mut student, "my_results", &[]).await.json();
    assert!(mine.iter().any(|r| r.id == result && r.code == "people"), "{mine:?}");
    // Still nothing for the other organization.
    assert_eq!(site.card(&mut outsider, slug).await.status, StatusCode::NOT_FOUND);
    assert_eq!(site.result(&mut outsider, slug, Some(result)).await.status, StatusCode::NOT_FOUND);
}

// 11. Ties ---------------------------------------------------------------------------------------

#[tokio::test]
async fn tied_interest_areas_are_named_in_the_code_and_reported_as_ties() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let finish =
        site.take_profiler(&mut visitor, pattern([('S', 3), ('A', 3), ('I', 2), ('E', 2), ('R', 1), ('C', 0)])).await;
    finish.assert_ok();
    let view: ResultView = site.result(&mut visitor, SLUG, None).await.json();
    assert_eq!(scores(&view), riasec([10.0, 20.0, 30.0, 30.0, 20.0, 0.0]));
    assert_eq!(view.sheet.summary.code, "ASI");
    assert_eq!(view.sheet.summary.ties, ties(&[&["A", "S"], &["I", "E"]]));
}

// The page as the browser gets it -------------------------------------------------------------------

/// The attributes of every `<tag ...>` in `html`.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<BTreeMap<&'a str, &'a str>> {
    html.split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| {
            let inside = rest.split('>').next().unwrap_or_default();
            let mut attributes = BTreeMap::new();
            for part in inside.split('"').collect::<Vec<_>>().chunks(2) {
                if let [name, value] = part {
                    let name = name.trim().trim_end_matches('=').rsplit(char::is_whitespace).next().unwrap_or_default();
                    attributes.insert(name, *value);
                }
            }
            attributes
        })
        .collect()
}

#[tokio::test]
async fn the_take_pages_form_sends_fields_the_server_reads() {
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let html = site.get(&mut visitor, "/assessments/interest-profiler/take?page=1").await;
    assert_eq!(html.status, StatusCode::OK);
    let forms = tags(&html.body, "form");
    let take_form =
        forms.iter().find(|f| f.get("class").is_some_and(|c| c.contains("take-form"))).expect("the take form");
    assert_eq!(take_form.get("action"), Some(&"/api/assessment_save"), "{take_form:?}");

    // What a browser submits: the hidden fields, one choice per radio group ("Strongly Like"),
    // and the pressed button.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut radio_groups: Vec<String> = Vec::new();
    for input in tags(&html.body, "input") {
        let (Some(name), Some(value)) = (input.get("name"), input.get("value")) else { continue };
        match input.get("type").copied() {
            Some("hidden") => fields.push((name.to_string(), value.to_string())),
            Some("radio") if *value == "4" => {
                radio_groups.push(name.to_string());
                fields.push((name.to_string(), value.to_string()));
            }
            _ => {}
        }
    }
    assert_eq!(radio_groups.len(), 12, "{radio_groups:?}");
    let next = tags(&html.body, "button").into_iter().find(|b| b.get("value") == Some(&"next")).expect("a Next button");
    fields.push((next["name"].to_string(), "next".to_string()));

    let reply = site.call(&mut visitor, "assessment_save", &fields).await;
    assert_eq!(
        reply.json::<SaveOutcome>(),
        SaveOutcome { answered: 12, total: 60 },
        "the twelve answers the form sent were saved (fields: {radio_groups:?})"
    );
    assert_eq!(reply.redirect(), Some("/assessments/interest-profiler/take?page=2"));
}

#[tokio::test]
async fn an_autosave_of_the_form_without_a_pressed_button_is_saved() {
    // The take page autosaves on every change by posting the form's data; a form's data holds no
    // button (only a submit carries the pressed one), so the request has no `go`.
    let site = Site::new().await;
    let mut visitor = Browser::new();
    let page = site.page(&mut visitor, SLUG, Some(1), false).await;
    let mut fields = vec![
        ("slug".to_string(), SLUG.to_string()),
        ("version_id".to_string(), page.version_id.to_string()),
        ("page".to_string(), "1".to_string()),
    ];
    fields.extend(profiler_answers(1..=3, &|_: char| 4));
    let reply = site.call(&mut visitor, "assessment_save", &fields).await;
    assert_eq!(reply.json::<SaveOutcome>(), SaveOutcome { answered: 3, total: 60 });
    assert_eq!(reply.redirect(), None, "an autosave stays on the page");
}

#[tokio::test]
async fn an_assessment_that_fails_to_load_does_not_take_the_list_down() {
    // The fixtures give acme a "values" assessment in the pre-engine format (scoring '{}', a
    // question with `{"points": 5}`), as rows written before migration 8 would be: the engine
    // refuses to load it. Its members should still see, and take, everything else.
    let site = Site::new().await;
    tenant(&site.db.owner, "acme").await;
    let hash = app::accounts::password::hash(PASSWORD).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&site.db.owner).await.unwrap();
    let mut student = site.sign_in("acme-student").await;
    assert_eq!(site.card(&mut student, SLUG).await.status, StatusCode::OK, "the profiler itself loads");
    let list = site.call::<&str, &str>(&mut student, "assessments", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "the assessments list fails for the whole organization: {}", list.body);
    let cards: Vec<AssessmentCard> = list.json();
    assert!(cards.iter().any(|c| c.slug == SLUG), "{cards:?}");
}

/// An organization admin's draft is opened by other administrators in the editor, whose
/// `<textarea>` holds the definition: text that closes the textarea must stay text there.
#[tokio::test]
async fn a_definition_that_closes_the_textarea_comes_back_as_text_in_the_editor() {
    let (site, _acme, _globex) = Site::with_tenants().await;
    let mut admin = site.sign_in("acme-admin").await;
    let mut hostile = template();
    hostile["sections"][0]["questions"][0]["prompt"] =
        serde_json::json!("I like teams.</textarea><h1 id=pwn>owned</h1><script>alert(1)</script>");
    let saved = site.call(&mut admin, "authoring_save", &[("definition", hostile.to_string())]).await;
    saved.assert_ok();
    let draft: Uuid = saved.json();

    let editor = site.get(&mut admin, &format!("/admin/assessments/{draft}")).await;
    assert_eq!(editor.status, StatusCode::OK, "{}", editor.body);
    assert!(!editor.body.contains("<h1 id=pwn>"), "the prompt became markup");
    assert!(!editor.body.contains("<script>alert(1)"), "the prompt became a script");
    assert!(
        editor.body.contains("I like teams.&lt;/textarea&gt;&lt;h1 id=pwn&gt;owned&lt;/h1&gt;&lt;script&gt;"),
        "the prompt is in the editor as text"
    );
    assert_eq!(
        editor.body.matches("</textarea>").count(),
        editor.body.matches("<textarea").count(),
        "every textarea closed once, by its own end tag"
    );
}
