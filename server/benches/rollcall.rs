//! Roll-call benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench rollcall` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone). It builds one school with [`CLASSES`] classes of 40 students, each
//! class with its own teacher (signed in) and a timetable of 9 periods every day, serves the real
//! `router()` on a loopback port, and sends `PUT /api/v1/classes/{id}/lessons/{date}/{period}/
//! roll-call` from distinct teachers for distinct lessons:
//! - a sustained run from 32 and then 64 concurrent clients: roll calls/s, p50/p99 latency;
//! - a period-start burst: every class's roll call of one period at once (all clients start
//!   together);
//! - replays: the same roll calls sent again (nothing changes, one row each).
//!
//! RELIABILITY.md asks for 500 roll calls/s with p99 under 1 s on PostgreSQL, and on SQLite a
//! province's period-start burst (30,000 roll calls within 5 minutes, i.e. 100/s sustained).

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use chrono::{Duration as Days, NaiveDate};
use harness::{Engines, percentile};
use lophoc::classes::{ClassInput, SchoolYear};
use lophoc::ids::{ClassId, SchoolId, StudentId, UserId};
use lophoc::model::{Actor, Role, SchoolLevel};
use lophoc::services::classes::{self, NewStudent, YearDates};
use lophoc::services::schools::{self, NewSchool};
use lophoc::services::{Ctx, Db, auth};
use server::config::HttpConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const CLASSES: usize = 200;
const STUDENTS: usize = 40;
const PERIODS: i64 = 9;

struct World {
    addr: SocketAddr,
    classes: Vec<(ClassId, Vec<StudentId>, String)>,
    today: NaiveDate,
}

async fn setup(url: &str) -> World {
    let db = Db::connect(url, 16).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ctx = Ctx::new(db);
    let t = Instant::now();
    schools::upsert(
        &ctx,
        None,
        &[NewSchool {
            code: "DIEMDANH01".into(),
            name: "Trường THCS Điểm Danh".into(),
            level: SchoolLevel::Thcs,
            area: "Phường Đo Tải".into(),
            former_district: None,
            students: 8000,
        }],
        None,
    )
    .await
    .expect("school");
    let school: SchoolId = schools::id_by_code(&ctx, "DIEMDANH01")
        .await
        .expect("school id")
        .expect("the school");
    let hash = auth::hash_password_blocking("mat-khau-do-tai-1").expect("hash");
    let mut users = Vec::new();
    for i in 0..=CLASSES {
        let role = if i == CLASSES {
            Role::SchoolAdmin
        } else {
            Role::Teacher
        };
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, \
             search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, 0, 0) RETURNING id",
        )
        .bind(format!("gv.dd.{i}"))
        .bind(format!("Giáo Viên {i}"))
        .bind(role.as_str().to_owned())
        .bind(school.0)
        .bind(hash.clone())
        .bind(format!("gv dd {i}"))
        .fetch_one(&ctx.db.pool)
        .await
        .and_then(|r| sqlx::Row::try_get(&r, "id"))
        .expect("a user");
        users.push(Actor {
            user_id: UserId(id),
            username: format!("gv.dd.{i}"),
            role,
            school_id: Some(school),
            area: None,
        });
    }
    let admin = users.pop().expect("the admin");
    let today = lophoc::dates::today_at(ctx.now());
    let year = SchoolYear::name_of(today);
    classes::set_year(
        &ctx,
        &admin,
        school,
        &year,
        &YearDates {
            starts: (today - Days::days(300)).to_string(),
            term2_starts: (today - Days::days(100)).to_string(),
            ends: (today + Days::days(30)).to_string(),
        },
        None,
    )
    .await
    .expect("the year");
    let mut out = Vec::new();
    for (k, teacher) in users.iter().enumerate() {
        let c = classes::create(
            &ctx,
            &admin,
            school,
            &ClassInput {
                name: format!("{}A{}", 6 + k % 4, k + 1),
                grade: 6 + (k % 4) as i64,
                school_year: year.clone(),
                homeroom_teacher_id: None,
            },
            None,
        )
        .await
        .expect("a class");
        let kids: Vec<NewStudent> = (0..STUDENTS)
            .map(|i| NewStudent {
                code: format!("DD{k:03}{i:02}"),
                full_name: format!("Học Sinh {k} {i}"),
                gender: None,
                birth_date: None,
            })
            .collect();
        classes::enrol(&ctx, None, c.id, &kids, None, None)
            .await
            .expect("a roster");
        let items = (1..=7)
            .flat_map(|weekday| (1..=PERIODS).map(move |period| (weekday, period)))
            .map(|(weekday, period)| lophoc::timetable::TimetableItemInput {
                weekday,
                period,
                subject: "toan".into(),
                teacher_id: teacher.user_id,
            })
            .collect();
        lophoc::services::timetable::put(
            &ctx,
            &admin,
            c.id,
            &lophoc::timetable::TimetableInput { items, from: None },
            None,
        )
        .await
        .expect("a timetable");
        let students = classes::students(&ctx, &admin, c.id, Some(today))
            .await
            .expect("students")
            .into_iter()
            .map(|s| s.id)
            .collect();
        let token = auth::new_session(&ctx, teacher.user_id)
            .await
            .expect("session")
            .0;
        out.push((c.id, students, token));
    }
    println!(
        "set-up: 1 school, {CLASSES} classes of {STUDENTS} students, one teacher each, {PERIODS} periods a day: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let addr = harness::serve(ctx.clone(), "target/site", HttpConfig::default()).await;
    World {
        addr,
        classes: out,
        today,
    }
}

/// Sends the roll calls `lessons` (class index, date, period) from `clients` concurrent clients;
/// prints the rate and latencies. Each roll call marks three students absent.
async fn run(
    label: &str,
    w: &Arc<World>,
    client: &reqwest::Client,
    lessons: Vec<(usize, NaiveDate, i64)>,
    clients: usize,
) {
    let lessons = Arc::new(lessons);
    let next = Arc::new(AtomicUsize::new(0));
    let other = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (w, client, lessons, next, other) = (
            w.clone(),
            client.clone(),
            lessons.clone(),
            next.clone(),
            other.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((k, date, period)) = lessons.get(i) else {
                    return lat;
                };
                let (class, students, token) = &w.classes[*k];
                let body = serde_json::json!({"entries": [
                    {"student_id": students[i % STUDENTS], "status": "late"},
                    {"student_id": students[(i + 7) % STUDENTS], "status": "excused"},
                    {"student_id": students[(i + 19) % STUDENTS], "status": "unexcused", "note": "Không xin phép"},
                ]});
                let url = format!(
                    "http://{}/api/v1/classes/{class}/lessons/{date}/{period}/roll-call",
                    w.addr
                );
                let t = Instant::now();
                let r = client
                    .put(&url)
                    .header("cookie", format!("lophoc_session={token}"))
                    .json(&body)
                    .send()
                    .await;
                lat.push(t.elapsed());
                match r {
                    Ok(r) if r.status().is_success() => {}
                    Ok(r) => {
                        if other.fetch_add(1, Ordering::Relaxed) < 3 {
                            println!("  unexpected {}: {}", r.status(), r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        other.fetch_add(1, Ordering::Relaxed);
                        println!("  request failed: {e}");
                    }
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("a client"));
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    println!(
        "{label:<48} {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  ({} roll calls, {clients} clients, {} not 2xx)",
        lessons.len() as f64 / secs,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        lessons.len(),
        other.load(Ordering::Relaxed),
    );
}

async fn run_engine(name: &str, url: &str) {
    println!("\n== {name} ==");
    let w = Arc::new(setup(url).await);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()
        .expect("client");
    // Distinct lessons: each class, a past day, a period; day d uses days ago 1 + d.
    let lessons = |days: std::ops::Range<i64>| -> Vec<(usize, NaiveDate, i64)> {
        days.flat_map(|d| (1..=PERIODS).flat_map(move |p| (0..CLASSES).map(move |k| (k, d, p))))
            .map(|(k, d, p)| (k, w.today - Days::days(1 + d), p))
            .collect()
    };
    run("sustained, 32 clients", &w, &client, lessons(0..2), 32).await;
    run("sustained, 64 clients", &w, &client, lessons(2..4), 64).await;
    // A period's start: every class's roll call of one period at once.
    let burst: Vec<_> = (0..CLASSES).map(|k| (k, w.today, 1)).collect();
    run(
        &format!("period-start burst ({CLASSES} at once)"),
        &w,
        &client,
        burst.clone(),
        CLASSES,
    )
    .await;
    // The same again: replays change nothing.
    run("replays of the burst", &w, &client, burst, CLASSES).await;
}

fn main() {
    harness::init_tracing();
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "rollcall", |url| async move {
            run_engine(harness::SQLITE, &url).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "rollcall", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
