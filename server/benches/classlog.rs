//! The class log benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench classlog` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone). It measures, one call at a time:
//! - verifying a school's year of log: a school of 40 classes × 35 weeks × 30 periods (42,000
//!   signed entries and their chain records, plus two closings a week), written through the
//!   class log's own chain code (`class_log::seed_signed`);
//! - a class's week (`class_log::week`) and its REST answer (`GET /api/v1/classes/{id}/log`) for a
//!   class of that school with 35 weeks of log behind it.
//!
//! The goals (issue 21): the class's week under 100 ms; verifying a school's year under 2 s on
//! SQLite.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use harness::{Engines, percentile};
use lophoc::class_log::Grade;
use lophoc::ids::{ClassId, SchoolId, UserId};
use lophoc::services::class_log::{self, SeedEntry, seed_close, seed_signed};
use lophoc::services::seed::{self, DemoOptions};
use lophoc::services::{Ctx, Db, auth};
use server::config::HttpConfig;
use std::time::{Duration, Instant};

const CLASSES: usize = 40;
const WEEKS: i64 = 35;
const DAYS: i64 = 6;
const PERIODS: i64 = 5;
const ROUNDS: usize = 20;

fn report(label: &str, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "{label:<52} p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms  ({} runs)",
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
    seed::demo(
        &ctx,
        DemoOptions {
            schools: 20,
            ..DemoOptions::default()
        },
    )
    .await
    .expect("seed");
    // The demo's first school, grown to 40 classes, each with 35 weeks of signed log.
    let (school, year_id): (SchoolId, i64) = sqlx::query_as(
        "SELECT c.school_id, c.year_id FROM classes c ORDER BY c.school_id, c.id LIMIT 1",
    )
    .fetch_one(&ctx.db.pool)
    .await
    .unwrap();
    let teacher: UserId = sqlx::query_scalar(
        "SELECT id FROM users WHERE school_id = $1 AND role = 'teacher' ORDER BY id LIMIT 1",
    )
    .bind(school)
    .fetch_one(&ctx.db.pool)
    .await
    .unwrap();
    let principal: UserId = sqlx::query_scalar(
        "SELECT id FROM users WHERE school_id = $1 AND role = 'school_admin' ORDER BY id LIMIT 1",
    )
    .bind(school)
    .fetch_one(&ctx.db.pool)
    .await
    .unwrap();
    let mut classes: Vec<ClassId> = Vec::new();
    for k in 0..CLASSES {
        let id: ClassId = sqlx::query_scalar(
            "INSERT INTO classes (school_id, year_id, name, grade, homeroom_teacher_id, \
             created_at) VALUES ($1, $2, $3, 5, $4, 0) RETURNING id",
        )
        .bind(school)
        .bind(year_id)
        .bind(format!("Bench {k:02}"))
        .bind(teacher)
        .fetch_one(&ctx.db.pool)
        .await
        .unwrap();
        classes.push(id);
    }
    let t = Instant::now();
    let first_monday = lophoc::class_log::week_of(
        lophoc::dates::today_at(ctx.now()) - chrono::Duration::days(7 * WEEKS),
    );
    let mut tx = ctx.db.pool.begin().await.unwrap();
    let mut n = 0;
    for class in &classes {
        for w in 0..WEEKS {
            let monday = first_monday + chrono::Duration::days(7 * w);
            for day in 0..DAYS {
                let date = monday + chrono::Duration::days(day);
                for period in 1..=PERIODS {
                    let at = lophoc::dates::midnight(date) + (7 * 60 + 45 * period) * 60;
                    seed_signed(
                        &mut tx,
                        SeedEntry {
                            school,
                            class: *class,
                            date,
                            period,
                            teacher,
                            title: "Bài học",
                            ppct: w * DAYS + day + 1,
                            grade: Grade::B,
                            signed_at: at,
                            deadline: at + 300,
                            absentees: Vec::new(),
                        },
                    )
                    .await
                    .unwrap();
                    n += 1;
                }
            }
            let saturday = lophoc::dates::midnight(monday + chrono::Duration::days(5));
            seed_close(
                &mut tx,
                school,
                *class,
                monday,
                teacher,
                principal,
                saturday + 36_000,
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    println!(
        "set-up: {n} signed entries in {CLASSES} classes × {WEEKS} weeks × {} periods: {:.1} s",
        DAYS * PERIODS,
        t.elapsed().as_secs_f64()
    );
    let mut lat = Vec::new();
    let mut records = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let r = class_log::verify_school(&ctx, school, String::new())
            .await
            .unwrap();
        lat.push(t.elapsed());
        assert!(r.intact);
        records = r.records;
    }
    report(
        &format!("verify the school's year ({records} records)"),
        lat,
    );

    // A class's week: a demo class (timetable, roll calls, signed lessons, closings).
    let (user, token) = auth::login(&ctx, "qt.mn0001", seed::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .expect("the demo school admin signs in");
    let actor = lophoc::model::Actor::from(&user);
    let class: ClassId = sqlx::query_scalar(
        "SELECT class_id FROM class_log_entries WHERE school_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(school)
    .fetch_one(&ctx.db.pool)
    .await
    .unwrap();
    let last_week = (lophoc::dates::today_at(ctx.now()) - chrono::Duration::days(7)).to_string();
    let mut lat = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        class_log::week(&ctx, &actor, class, Some(&last_week))
            .await
            .unwrap();
        lat.push(t.elapsed());
    }
    report("service: a class's week (last week)", lat);
    let addr = harness::serve(ctx.clone(), &harness::site_root(), HttpConfig::default()).await;
    let client = reqwest::Client::new();
    let mut lat = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let res = client
            .get(format!(
                "http://{addr}/api/v1/classes/{class}/log?week={last_week}"
            ))
            .header("cookie", format!("lophoc_session={}", token.0))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        res.bytes().await.unwrap();
        lat.push(t.elapsed());
    }
    report("REST: GET /api/v1/classes/{id}/log (last week)", lat);
}

fn main() {
    harness::init_tracing();
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "classlog", |url| async move {
            run_engine(harness::SQLITE, &url).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "classlog", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
