//! `rank-matches`: how long ranking every career for one person takes (`rank_matches` over the
//! 923 O*NET 29.3 careers, no job zone filter: the heaviest case), pure CPU, no database. Part of
//! `make bench`; prints the median, p10 and p90 time per ranking.
//!
//! usage: rank-matches [SAMPLES]

use app::careers::matching::{rank_matches, CareerProfile};
use app::careers::JobZone;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const INTERESTS: &str = include_str!("../../data/onet-29.3/interests.tsv");
const JOB_ZONES: &str = include_str!("../../data/onet-29.3/job-zones.tsv");
const OCCUPATIONS: &str = include_str!("../../data/onet-29.3/occupation-data.tsv");

/// The careers as the server loads them: every occupation with six interest values and a zone.
fn careers() -> Vec<CareerProfile> {
    let rows = |text: &'static str| text.lines().skip(1).map(|line| line.split('\t').collect::<Vec<&str>>());
    let zones: HashMap<&str, u8> = rows(JOB_ZONES).map(|f| (f[0], f[2].parse().expect("job zone"))).collect();
    let mut interests: HashMap<&str, ([f64; 6], String)> = HashMap::new();
    for f in rows(INTERESTS) {
        let entry = interests.entry(f[0]).or_insert(([f64::NAN; 6], String::new()));
        let value: f64 = f[6].parse().expect("data value");
        match (f[4], f[2].chars().last()) {
            ("OI", Some(element @ 'a'..='f')) => entry.0[(element as u8 - b'a') as usize] = value,
            ("IH", Some(_)) if value > 0.0 => entry.1.push(['R', 'I', 'A', 'S', 'E', 'C'][value as usize - 1]),
            _ => {}
        }
    }
    rows(OCCUPATIONS)
        .filter_map(|f| {
            let (values, high_points) = interests.get(f[0])?;
            let zone = JobZone::new(*zones.get(f[0])?).ok()?;
            values.iter().all(|v| v.is_finite()).then(|| CareerProfile {
                code: f[0].to_string(),
                title: f[1].to_string(),
                job_zone: zone,
                interests: *values,
                high_point_code: high_points.clone(),
            })
        })
        .collect()
}

fn main() {
    let samples: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(300);
    let careers = careers();
    assert_eq!(careers.len(), 923, "the bundled O*NET data has 923 careers with full profiles");
    // Different people, so no single branch pattern is learnt.
    let people: [[f64; 6]; 4] = [
        [10.0, 34.0, 6.0, 12.0, 8.0, 30.0],
        [5.0, 20.0, 30.0, 38.0, 15.0, 6.0],
        [30.0, 10.0, 5.0, 8.0, 25.0, 28.0],
        [28.0, 30.0, 24.0, 13.0, 6.0, 31.0],
    ];
    let run =
        |person: &[f64; 6]| black_box(rank_matches(black_box(person), black_box(&careers), None)).map(|m| m.len());

    // Warm up, and pick a batch size so one sample takes about a millisecond.
    let started = Instant::now();
    let mut calls = 0u32;
    while started.elapsed() < Duration::from_millis(500) {
        run(&people[calls as usize % people.len()]).expect("rankable");
        calls += 1;
    }
    let batch = ((calls as f64 / 500.0).ceil() as u32).max(1);

    let mut per_call: Vec<f64> = (0..samples)
        .map(|sample| {
            let person = &people[sample % people.len()];
            let started = Instant::now();
            for _ in 0..batch {
                run(person).expect("rankable");
            }
            started.elapsed().as_secs_f64() / f64::from(batch)
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    let at = |q: f64| per_call[((per_call.len() - 1) as f64 * q).round() as usize] * 1e6;
    let matched: Vec<usize> = people.iter().map(|p| run(p).unwrap_or(0)).collect();
    println!(
        "rank_matches, 923 careers, no zone filter: median {:.1} µs, p10 {:.1} µs, p90 {:.1} µs per ranking \
         ({samples} samples of {batch} rankings; {matched:?} careers fit the four test profiles)",
        at(0.5),
        at(0.1),
        at(0.9),
    );
}
