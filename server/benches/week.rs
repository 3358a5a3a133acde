//! The teacher's week benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench week` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone, `-- --schools N` for another province than 2,000 schools). The built
//! binary also runs on its own from the repository's root
//! (`target/debug/deps/week-<hash> --schools 120`). It seeds the demo province
//! (`seed demo`: classes, timetables and weeks of roll calls in its equipped schools), signs in
//! the first school's first teacher, serves the real `router()` on a loopback port and asks, one
//! request at a time, for:
//! - the service alone (`roll_calls::my_week`), this week and last week;
//! - the home page with the week (`GET /`, `GET /?date=` last week): what a teacher's phone waits
//!   for, server rendering included.
//!
//! The goal (issue 20): the teacher's week renders under 100 ms on SQLite.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use harness::{Engines, percentile};
use lophoc::model::Actor;
use lophoc::services::seed::{self, DemoOptions};
use lophoc::services::{Ctx, Db, auth};
use server::config::HttpConfig;
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

fn schools() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--schools")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
}

fn report(label: &str, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "{label:<44} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  ({} requests)",
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        lat.len()
    );
}

async fn run_engine(name: &str, url: &str) {
    println!("\n== {name} ==");
    let db = Db::connect(url, 16).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ctx = Ctx::new(db);
    let t = Instant::now();
    let n = schools();
    let r = seed::demo(
        &ctx,
        DemoOptions {
            schools: n,
            ..DemoOptions::default()
        },
    )
    .await
    .expect("seed");
    println!(
        "set-up: {n} schools, {} classes, {} roll calls: {:.1} s",
        r.classes_created,
        r.roll_calls_created,
        t.elapsed().as_secs_f64()
    );
    let (user, token) = auth::login(&ctx, "gv.mn0001.1", seed::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .expect("the demo teacher signs in");
    let actor = Actor::from(&user);
    let last_week = lophoc::dates::today_at(ctx.now()) - chrono::Duration::days(7);
    let last = last_week.to_string();
    let w = lophoc::services::roll_calls::my_week(&ctx, &actor, None)
        .await
        .expect("week");
    let lessons: usize = w.days.iter().map(|d| d.lessons.len()).sum();
    println!("the teacher's week: {lessons} lessons");
    for (label, date) in [
        ("service: this week", None),
        ("service: last week", Some(last.as_str())),
    ] {
        let mut lat = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            lophoc::services::roll_calls::my_week(&ctx, &actor, date)
                .await
                .expect("week");
            lat.push(t.elapsed());
        }
        report(label, lat);
    }
    let token = token.0;
    let addr = harness::serve(ctx.clone(), &harness::site_root(), HttpConfig::default()).await;
    let client = reqwest::Client::new();
    for (label, path) in [
        ("page: GET / (this week)", "/".to_owned()),
        ("page: GET /?date= (last week)", format!("/?date={last}")),
    ] {
        let mut lat = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let res = client
                .get(format!("http://{addr}{path}"))
                .header("cookie", format!("lophoc_session={token}"))
                .send()
                .await
                .expect("request");
            assert!(res.status().is_success(), "{}", res.status());
            res.bytes().await.expect("body");
            lat.push(t.elapsed());
        }
        report(label, lat);
    }
}

fn main() {
    harness::init_tracing();
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "week", |url| async move {
            run_engine(harness::SQLITE, &url).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "week", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
