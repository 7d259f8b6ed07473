//! Reads from a real streaming replica (`DATABASE_READ_URL`): `pg_basebackup` of the embedded
//! cluster the tests run on, started as a hot standby. With the replica's replay paused (it lags
//! behind the primary, as a replica under load may), a visitor's public pages show what the
//! replica has, which proves they are read there; a person who has just written reads the
//! primary and sees their write at once; a page the cache renders again after a change waits for
//! no replica and shows the change; and once replay resumes, everyone sees it.

use crate::booking::{listing, organization};
use crate::notifications_live::{Server, PASSWORD};
use crate::page_cache::{cached, get, until_it_shows};
use crate::support::{embedded_cluster, scratch_dir, TestDb};
use axum::http::{header, StatusCode};
use server::embedded::{EmbeddedOptions, SUPERUSER};
use server::http::HttpOptions;
use server::page_cache::PageCacheOptions;
use sqlx::postgres::PgPoolOptions;
use std::time::{Duration, Instant};

const NURSES: &str = "29-1141.00";
const OLD_BIO: &str = "Nurse and educator";
const NEW_BIO: &str = "Night-shift nurse and clinical educator: ask me about your first ward placement";

#[tokio::test]
async fn public_reads_come_from_the_replica_and_a_writer_reads_their_own_write_at_once() {
    let db = TestDb::new().await;
    let org = organization(&db.owner, "riverside").await;
    let mentor = listing(&db.owner, org, "amara", "public").await;
    let hash = app::accounts::password::hash(PASSWORD).unwrap();
    sqlx::query("update users set password_hash = $1").bind(hash).execute(&db.owner).await.unwrap();

    let primary = embedded_cluster().expect("make test runs the embedded cluster, which the replica is copied from");
    let dir = scratch_dir().join(format!("replica-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()));
    let mut options = EmbeddedOptions::new(&dir);
    options.durable = false;
    // A hot standby needs at least the primary's connection limit.
    options.max_connections = 300;
    let replica = primary.start_replica(&options).await.expect("pg_basebackup and a hot standby");
    let superuser = PgPoolOptions::new().max_connections(1).connect_with(replica.connect_options(SUPERUSER, &db.name)).await.unwrap();
    let in_recovery: bool = sqlx::query_scalar("select pg_is_in_recovery()").fetch_one(&superuser).await.unwrap();
    assert!(in_recovery, "the replica is a standby");
    let reads = PgPoolOptions::new().max_connections(4).connect_with(replica.connect_options("waypoint_app", &db.name)).await.unwrap();

    let with_replica = |options| HttpOptions { read_replica: Some(reads.clone()), ..options };
    let site = Server::start_with(&db, with_replica).await;
    let cached_site = Server::start_with(&db, |options| HttpOptions {
        read_replica: Some(reads.clone()),
        page_cache: Some(PageCacheOptions::default()),
        ..options
    })
    .await;
    let mentor_path = format!("/mentors/{}", mentor.handle);
    let career_path = format!("/careers/{NURSES}");
    // Every public page whose reads go to the replica answers from a read-only standby.
    for path in ["/", "/careers", career_path.as_str(), "/mentors", mentor_path.as_str(), "/resources", "/pricing"] {
        let page = get(&site, path, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{path} from the replica: {}", &page.body[..page.body.len().min(400)]);
    }
    assert!(cached(&cached_site, &career_path).await.body.contains("Registered Nurses"));

    // The replica stops replaying: from now on it lags behind the primary.
    sqlx::query("select pg_wal_replay_pause()").execute(&superuser).await.unwrap();
    let paused = Instant::now();
    while sqlx::query_scalar::<_, String>("select pg_get_wal_replay_pause_state()").fetch_one(&superuser).await.unwrap() != "paused" {
        assert!(paused.elapsed() < Duration::from_secs(10), "replay did not pause");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The mentor changes their listing through the site: a write on the primary.
    let session = site.sign_in("amara").await;
    let saved = site
        .call(
            "save_listing",
            &[
                ("form[headline]", "Registered nurse and educator"),
                ("form[bio]", NEW_BIO),
                ("form[expertise]", "nursing, healthcare"),
                ("form[years_experience]", "12"),
                ("form[languages]", "English"),
                ("form[career_codes]", NURSES),
                ("form[time_zone]", "Europe/London"),
                ("form[meeting_url]", ""),
                ("form[visibility]", "public"),
                ("form[contact_note]", ""),
                ("form[buffer_before_minutes]", "0"),
                ("form[buffer_after_minutes]", "0"),
                ("form[minimum_notice_hours]", "12"),
                ("form[horizon_days]", "28"),
                ("form[daily_cap]", "4"),
                ("form[free_cancellation_hours]", "24"),
            ],
            Some(&session),
        )
        .await;
    assert!(saved.status.is_success(), "saving the listing: {} {}", saved.status, saved.body);
    let wrote = saved
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with(app::db::WROTE_COOKIE))
        .expect("a write is answered with the read-your-writes cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let stored: String = sqlx::query_scalar("select bio from mentors where id = $1").bind(mentor.mentor).fetch_one(&db.owner).await.unwrap();
    assert_eq!(stored, NEW_BIO, "the primary has the write");

    // A visitor's page comes from the lagging replica: still the old listing.
    let visitor = get(&site, &mentor_path, &[]).await;
    assert!(visitor.body.contains(OLD_BIO) && !visitor.body.contains(NEW_BIO), "a visitor reads the replica");
    // The writer, whose browser now carries the cookie, reads the primary: their own write, at once.
    let cookies = format!("waypoint_session={session}; {wrote}");
    let writer = get(&site, &mentor_path, &[(header::COOKIE, &cookies)]).await;
    assert!(writer.body.contains(NEW_BIO), "the writer sees their write at once");

    // The cache hears of a change from the primary, and renders the page again from a source
    // that has it: the replica has not replayed that far, so the primary.
    sqlx::query("update careers set title = 'Registered Nurses (RN)' where code = $1").bind(NURSES).execute(&db.owner).await.unwrap();
    let fresh = until_it_shows(&cached_site, &career_path, "Registered Nurses (RN)").await;
    assert_eq!(fresh.cache(), "miss");
    assert!(!get(&site, &career_path, &[]).await.body.contains("Registered Nurses (RN)"), "the replica itself is still behind");

    // Replay resumes: visitors see the change from the replica.
    sqlx::query("select pg_wal_replay_resume()").execute(&superuser).await.unwrap();
    until_it_shows(&site, &mentor_path, NEW_BIO).await;
    until_it_shows(&site, &career_path, "Registered Nurses (RN)").await;

    reads.close().await;
    superuser.close().await;
    replica.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
