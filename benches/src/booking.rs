//! `booking`: the mentors & booking figures `make bench` prints, against a real PostgreSQL (a
//! private embedded cluster under `.data/bench-booking`, started and removed here):
//!
//! 1. 1,000 students try to hold the same slot at once, through the product's own `hold`, each
//!    in its own transaction on a 32-connection pool: exactly one booking must exist afterwards;
//!    prints the time to resolve them all and the p50/p99 per attempt.
//! 2. The directory's search (`directory::search`, what `/mentors` runs) over 100,000 generated
//!    listings, for a mix of words and filters, as a visitor and as a member: p50/p95 per query.
//! 3. One mentor's free slots over a 4-week horizon (pure): the median per computation.
//!
//! usage: booking [MENTORS]   (default 100000)

use app::booking::api::ssr::{bookings, directory};
use app::booking::listing::DirectoryQuery;
use app::booking::slots::{Availability, Taken, WeeklyWindow};
use app::db::{RequestContext, SignedIn};
use app::domain::Role;
use chrono::{Duration as Days, NaiveTime, Timelike, Utc, Weekday};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use uuid::Uuid;

const RACERS: usize = 1000;

#[path = "scratch.rs"]
mod scratch;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mentors: i64 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let scratch = scratch::Scratch::start("bench-booking", 32).await?;
    let result = run(&scratch.owner, &scratch.app, mentors).await;
    scratch.stop().await;
    result
}

async fn run(owner: &PgPool, app: &PgPool, mentors: i64) -> anyhow::Result<()> {
    let org: Uuid = sqlx::query_scalar(
        "insert into organizations (name, slug, kind) values ('Bench Centre', 'bench', 'career_centre') returning id",
    )
    .fetch_one(owner)
    .await?;
    race(owner, app, org).await?;
    directory_search(owner, app, org, mentors).await?;
    slot_computation();
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 1,000 concurrent holds of one slot.
async fn race(owner: &PgPool, app: &PgPool, org: Uuid) -> anyhow::Result<()> {
    let mentor_user: Uuid = sqlx::query_scalar(
        "insert into users (organization_id, email, username, password_hash, first_name, last_name, role)
         values ($1, 'racemaster@bench.test', 'racemaster', '$argon2id$bench', 'Rae', 'Master', 'mentor') returning id",
    )
    .bind(org)
    .fetch_one(owner)
    .await?;
    let mentor: Uuid = sqlx::query_scalar(
        "insert into mentors (user_id, organization_id, bio, time_zone, minimum_notice_minutes) values ($1, $2, 'Race mentor', 'UTC', 0) returning id",
    )
    .bind(mentor_user)
    .bind(org)
    .fetch_one(owner)
    .await?;
    sqlx::query("insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends) select $1, $2, d, '08:00', '20:00' from generate_series(1, 7) d")
        .bind(mentor)
        .bind(org)
        .execute(owner)
        .await?;
    let kind: Uuid = sqlx::query_scalar(
        "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes) values ($1, $2, 'Chat', 60) returning id",
    )
    .bind(mentor)
    .bind(org)
    .fetch_one(owner)
    .await?;
    let students: Vec<Uuid> = sqlx::query_scalar(
        "insert into users (organization_id, email, username, password_hash, first_name, last_name, role)
         select $1, 'racer' || g || '@bench.test', 'racer' || g, '$argon2id$bench', 'Racer', 'Number' || g, 'student'
           from generate_series(1, $2) g returning id",
    )
    .bind(org)
    .bind(RACERS as i32)
    .fetch_all(owner)
    .await?;
    let tomorrow = (Utc::now() + Days::days(1)).date_naive().and_hms_opt(10, 0, 0).expect("10:00").and_utc();
    let start = tomorrow.to_rfc3339();

    let began = Instant::now();
    let mut tasks = Vec::with_capacity(RACERS);
    for student in students {
        let (app, start, kind) = (app.clone(), start.clone(), kind.to_string());
        tasks.push(tokio::spawn(async move {
            let user = SignedIn {
                user_id: student,
                org_id: org,
                role: Role::Student,
                username: "racer".into(),
                first_name: "Racer".into(),
                organization_name: "Bench Centre".into(),
            };
            let attempt = Instant::now();
            let outcome = match app::db::tx(&app, &user.ctx()).await {
                Ok(mut tx) => match bookings::hold(&mut tx, &user, "racemaster".into(), kind, start).await {
                    Ok(_) => match tx.commit().await {
                        Ok(()) => "won",
                        Err(_) => "commit failed",
                    },
                    Err(app::error::AppError::Conflict(message)) if message.contains("just taken") => "told \"just taken\"",
                    Err(_) => "other error",
                },
                Err(_) => "no connection",
            };
            (outcome, attempt.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(RACERS);
    let mut outcomes: std::collections::BTreeMap<&str, usize> = Default::default();
    for task in tasks {
        let (outcome, took) = task.await?;
        *outcomes.entry(outcome).or_default() += 1;
        latencies.push(took);
    }
    let winners = outcomes.get("won").copied().unwrap_or(0);
    let total = began.elapsed();
    latencies.sort();
    let live: i64 = sqlx::query_scalar("select count(*) from bookings where mentor_id = $1 and status in ('hold', 'pending', 'confirmed')")
        .bind(mentor)
        .fetch_one(owner)
        .await?;
    println!(
        "race: {RACERS} concurrent holds of one slot -> {outcomes:?}, {live} live booking(s) in the database; all resolved in {:.0} ms; per attempt p50 {:.1} ms, p99 {:.1} ms",
        ms(total),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99))
    );
    anyhow::ensure!(winners == 1 && live == 1, "the race must leave exactly one booking");
    Ok(())
}

/// Generated listings: names, bios and tags drawn from career words, half of them public, a
/// session type each with a price, weekly hours for one in ten. Deterministic ($1 organization,
/// $2 how many).
const SEED: [&str; 4] = [
    "insert into users (organization_id, email, username, password_hash, first_name, last_name, role)
     select $1, 'mentor' || g || '@bench.test', 'mentor' || g, '$argon2id$bench',
            (array['Ana','Ben','Chloe','Dev','Eva','Femi','Gus','Hana','Ivo','Jun'])[1 + g % 10], 'Mentor' || g, 'mentor'
       from generate_series(1, $2::bigint) g",
    "insert into mentors (user_id, organization_id, bio, headline, expertise_areas, languages, years_experience, visibility,
                          rating_average, rating_count, time_zone)
     select u.id, $1,
            w[1 + g % 40] || ' professional. I help students with ' || w[1 + (g * 7) % 40] || ', ' || w[1 + (g * 13) % 40]
              || ' and ' || w[1 + (g * 29) % 40] || '; ask me about ' || w[1 + (g * 31) % 40] || ' careers.',
            w[1 + g % 40] || ' mentor',
            array[t[1 + g % 20], t[1 + (g / 20) % 20]],
            array['English', l[1 + g % 8]],
            g % 40, (case when g % 2 = 0 then 'public' else 'organization' end)::listing_visibility,
            case when g % 5 = 0 then null else 3 + (g % 21) / 10.0 end, g % 50, 'Europe/London'
       from (select u.id, substring(u.username from 7)::bigint as g from users u
              where u.organization_id = $1 and u.username like 'mentor%' and $2::bigint > 0) u,
            (select array['nursing','software','engineering','teaching','design','finance','law','medicine','electrical',
                          'construction','marketing','data','research','farming','aviation','cooking','music','writing',
                          'sales','policing','plumbing','carpentry','pharmacy','dentistry','architecture','journalism',
                          'psychology','accounting','logistics','robotics','biology','chemistry','physics','geology',
                          'translation','animation','film','retail','hospitality','portfolio'] as w,
                    array['nursing','software engineering','apprenticeships','interview practice','portfolio review',
                          'university applications','cv writing','career change','trades','healthcare','design',
                          'finance','law','teaching','data science','entrepreneurship','public service','research',
                          'creative industries','engineering'] as t,
                    array['Spanish','French','Mandarin','Arabic','Hindi','Portuguese','German','Yoruba'] as l) words",
    "insert into mentor_session_types (mentor_id, organization_id, title, duration_minutes, price_minor, currency)
     select m.id, $1, 'Session', 60, (m.years_experience % 10) * 1000, 'USD' from mentors m
      where m.organization_id = $1 and m.handle like 'mentor%' and $2::bigint > 0",
    "insert into mentor_weekly_hours (mentor_id, organization_id, weekday, starts, ends)
     select m.id, $1, d, '09:00', '17:00' from mentors m, generate_series(1, 5) d
      where m.organization_id = $1 and m.handle like 'mentor%' and m.years_experience % 10 = 0 and $2::bigint > 0",
];

/// The generated listings, then a mix of searches.
async fn directory_search(owner: &PgPool, app: &PgPool, org: Uuid, mentors: i64) -> anyhow::Result<()> {
    let seeded = Instant::now();
    for statement in SEED {
        sqlx::query(statement).bind(org).bind(mentors).execute(owner).await?;
    }
    sqlx::query("analyze").execute(owner).await?;
    println!("directory: {mentors} listings generated in {:.1} s", seeded.elapsed().as_secs_f64());
    let member = SignedIn {
        user_id: sqlx::query_scalar("select id from users where username = 'racer1'").fetch_one(owner).await?,
        org_id: org,
        role: Role::Student,
        username: "racer1".into(),
        first_name: "Racer".into(),
        organization_name: "Bench Centre".into(),
    };
    let queries: [(&str, DirectoryQuery); 6] = [
        ("words: nursing", DirectoryQuery { q: "nursing".into(), ..Default::default() }),
        ("words: software portfolio", DirectoryQuery { q: "software portfolio".into(), ..Default::default() }),
        ("no words, page 3", DirectoryQuery { page: "3".into(), ..Default::default() }),
        ("expertise + language", DirectoryQuery { expertise: "apprenticeships".into(), language: "Spanish".into(), ..Default::default() }),
        ("words + price <= 30", DirectoryQuery { q: "interview".into(), max_price: "30".into(), ..Default::default() }),
        ("rating >= 4 + words", DirectoryQuery { q: "engineering".into(), min_rating: "4".into(), ..Default::default() }),
    ];
    let mut all = Vec::new();
    for (name, query) in &queries {
        for (who, ctx, caller) in [("visitor", RequestContext::anonymous(), None), ("member", member.ctx(), Some(&member))] {
            let mut times = Vec::new();
            let mut found = 0;
            for _ in 0..40 {
                let began = Instant::now();
                let mut tx = app::db::tx(app, &ctx).await?;
                let page = directory::search(&mut tx, caller, query.clone(), None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                tx.commit().await?;
                times.push(began.elapsed());
                found = page.total;
            }
            times.sort();
            println!(
                "  {name:<28} {who:<8} {found:>6} found   p50 {:7.2} ms   p95 {:7.2} ms",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.95))
            );
            all.extend(times);
        }
    }
    all.sort();
    println!("directory: all searches p50 {:.2} ms, p95 {:.2} ms", ms(percentile(&all, 0.5)), ms(percentile(&all, 0.95)));
    Ok(())
}

/// One mentor, weekdays 09:00-17:00 in London, 60-minute sessions every 30 minutes, 20 taken.
fn slot_computation() {
    let weekly = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
        .into_iter()
        .map(|weekday| WeeklyWindow {
            weekday,
            start: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00"),
            end: NaiveTime::from_hms_opt(17, 0, 0).expect("17:00"),
        })
        .collect();
    let rules = Availability {
        time_zone: chrono_tz::Europe::London,
        weekly,
        overrides: Vec::new(),
        buffer_before_minutes: 10,
        buffer_after_minutes: 10,
        minimum_notice_minutes: 240,
        horizon_days: 28,
        daily_cap: Some(6),
    };
    let now = Utc::now().with_nanosecond(0).expect("whole second");
    let taken: Vec<Taken> = (1..=20)
        .map(|i| {
            let start = now + Days::hours(i * 30);
            Taken { start, blocked_from: start - Days::minutes(10), blocked_until: start + Days::minutes(70) }
        })
        .collect();
    let until = now + Days::days(28);
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..2000 {
        let began = Instant::now();
        count = std::hint::black_box(rules.free_slots(60, 30, now, now, until, &taken)).len();
        times.push(began.elapsed());
    }
    times.sort();
    println!(
        "slots: one mentor, 4-week horizon, {count} free slots: median {:.1} µs, p95 {:.1} µs per computation",
        percentile(&times, 0.5).as_secs_f64() * 1e6,
        percentile(&times, 0.95).as_secs_f64() * 1e6
    );
}
