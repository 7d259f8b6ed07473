//! `resource-search`: the library's search (`app::resources::api::ssr::search`, what
//! `/resources` runs) against a real PostgreSQL (a private embedded cluster under
//! `.data/bench-resources`, started and removed here): the starter library plus N generated
//! shared resources whose text is recombined from the starter entries' own sentences (so word
//! frequencies are realistic), searched by a visitor with a mix of words, phrases, `or`,
//! exclusions, filters and a misspelling (the "did you mean" path). Prints p50 / p95 per query
//! kind; the bar is Elasticsearch's ~10 ms for a query like these.
//!
//! usage: resource-search [RESOURCES]   (default 20000)

use app::resources::api::ssr::search;
use app::resources::domain::SearchQuery;
use sqlx::PgPool;
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

#[path = "scratch.rs"]
mod scratch;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let extra: i64 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let scratch = scratch::Scratch::start("bench-resources", 4).await?;
    let result = run(&scratch.owner, &scratch.app, extra).await;
    scratch.stop().await;
    result
}

async fn run(owner: &PgPool, app: &PgPool, extra: i64) -> anyhow::Result<()> {
    let began = Instant::now();
    // Sentences of the starter library, recombined: each generated resource takes a title and
    // twelve sentences from different entries.
    sqlx::query(
        "with sentences as (
             select array_agg(s) as all_sentences from (
                 select btrim(s) as s from resources, regexp_split_to_table(content_text, '[.!?]\\s+') s
                  where organization_id is null and length(btrim(s)) > 40) x),
         titles as (select array_agg(title) as all_titles, array_agg(resource_type) as types,
                           array_agg(difficulty) as levels from resources where organization_id is null)
         insert into resources (slug, title, description, content, content_text, content_html, resource_type, difficulty,
                                status, tags, duration_minutes)
         select 'generated-' || g,
                t.all_titles[1 + g % cardinality(t.all_titles)] || ' (' || g || ')',
                left(s.all_sentences[1 + (g * 7) % cardinality(s.all_sentences)], 300),
                '', body, '', t.types[1 + g % cardinality(t.types)], t.levels[1 + g % cardinality(t.levels)],
                'published', array['generated', 'batch-' || (g % 50)], 5 + g % 60
           from generate_series(1, $1) g cross join sentences s cross join titles t
           cross join lateral (select string_agg(s.all_sentences[1 + ((g * 31 + k * 97) % cardinality(s.all_sentences))], '. ') as body
                                 from generate_series(1, 12) k) b",
    )
    .bind(extra)
    .execute(owner)
    .await?;
    sqlx::query("analyze resources").execute(owner).await?;
    let total: i64 = sqlx::query_scalar("select count(*) from resources where status = 'published'").fetch_one(owner).await?;
    println!("{total} published resources ({extra} generated) in {:.1} s", began.elapsed().as_secs_f64());

    let queries: [(&str, &str, &str, &str); 8] = [
        ("one word", "interview", "", ""),
        ("two words", "cover letter", "", ""),
        ("a phrase", "\"job advert\"", "", ""),
        ("or", "apprenticeship or scholarship", "", ""),
        ("excluded word", "nurse -video", "", ""),
        ("word + type filter", "budget", "template", ""),
        ("word + tag filter", "feedback", "", "generated"),
        ("misspelt (did you mean)", "intervew skils", "", ""),
    ];
    println!("{:<28} {:>9} {:>9} {:>8}", "query", "p50 ms", "p95 ms", "results");
    for (name, text, kind, tag) in queries {
        let query = SearchQuery::parse(text, kind, tag, "", "", "1").map_err(|errors| anyhow::anyhow!("{errors:?}"))?;
        let mut times = Vec::with_capacity(ROUNDS);
        let mut found = 0;
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let mut tx = app::db::tx(app, &app::db::RequestContext::anonymous()).await?;
            let results = search(&mut tx, query.clone()).await.map_err(|error| anyhow::anyhow!("{error}"))?;
            tx.commit().await?;
            times.push(started.elapsed());
            found = results.total;
        }
        times.sort();
        println!("{name:<28} {:>9.2} {:>9.2} {found:>8}", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.95)));
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted.get(((sorted.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
