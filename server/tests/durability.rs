//! RELIABILITY.md #2: an acknowledged roll call survives `kill -9` of the server and a restart,
//! and replays never make a second one. The real binary runs on a fresh database (both
//! engines); roll calls are sent from 16 clients at once, the server is killed with SIGKILL
//! while they are in flight, started again on the same database, and every roll call that was
//! answered 2xx before the kill must be there, exactly as sent, once.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

use chrono::{Duration as Days, NaiveDate};
use lophoc::classes::{ClassInput, SchoolYear};
use lophoc::model::Role;
use lophoc::services::Engine;
use lophoc::services::classes::{self, NewStudent, YearDates};
use lophoc::services::testing::{FIXTURE_PASSWORD, TestDb, fresh_db};
use lophoc::services::timetable;
use lophoc::timetable::{TimetableInput, TimetableItemInput};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Server {
    child: std::process::Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start(url: &str, data_dir: &std::path::Path) -> Server {
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lophoc"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("DATABASE_URL", url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting the server");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start within 60 s");
}

/// A school with one class of 30 students, a school year around today (the server's real
/// clock) and a timetable of every period of every day, so each of the last weeks' periods is a
/// lesson. Returns the school administrator's username, the class and the students.
async fn world(t: &TestDb) -> (String, i64, Vec<i64>) {
    let s = t.school("TH-BEN").await;
    let admin = t
        .user_named("qt.ben", "Quản Trị Bền", Role::SchoolAdmin, Some(s.id))
        .await;
    let teacher = t.teacher(s.id).await;
    let today = chrono::Utc::now().date_naive();
    let name = SchoolYear::name_of(today);
    let dates = YearDates {
        starts: (today - Days::days(300)).to_string(),
        term2_starts: (today - Days::days(100)).to_string(),
        ends: (today + Days::days(30)).to_string(),
    };
    classes::set_year(&t.ctx, &admin, s.id, &name, &dates, None)
        .await
        .expect("the year");
    let class = classes::create(
        &t.ctx,
        &admin,
        s.id,
        &ClassInput {
            name: "9A1".into(),
            grade: 9,
            school_year: name,
            homeroom_teacher_id: None,
        },
        None,
    )
    .await
    .expect("the class");
    let kids: Vec<NewStudent> = (0..30)
        .map(|i| NewStudent {
            code: format!("B{i:02}"),
            full_name: format!("Học Sinh {i:02}"),
            gender: None,
            birth_date: None,
        })
        .collect();
    classes::enrol(&t.ctx, None, class.id, &kids, None, None)
        .await
        .expect("the roster");
    let items = (1..=7)
        .flat_map(|weekday| (1..=9).map(move |period| (weekday, period)))
        .map(|(weekday, period)| TimetableItemInput {
            weekday,
            period,
            subject: "toan".into(),
            teacher_id: teacher.user_id,
        })
        .collect();
    timetable::put(
        &t.ctx,
        &admin,
        class.id,
        &TimetableInput { items, from: None },
        None,
    )
    .await
    .expect("the timetable");
    let students = classes::students(&t.ctx, &admin, class.id, Some(today - Days::days(200)))
        .await
        .expect("the students")
        .into_iter()
        .map(|s| s.id.0)
        .collect();
    (admin.username, class.id.0, students)
}

async fn login(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("a client");
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": username, "password": FIXTURE_PASSWORD}))
        .send()
        .await
        .expect("logging in");
    assert_eq!(r.status().as_u16(), 200, "login");
    client
}

async fn run(engine: Engine) {
    let t = fresh_db(engine).await;
    let (admin, class, students) = world(&t).await;
    let data_dir = std::env::temp_dir().join(format!(
        "lophoc-durability-{}-{engine:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&data_dir).expect("a data directory");
    let mut server = start(&t.url, &data_dir).await;
    let client = login(&server.base, &admin).await;

    // 9 lessons a day for the last 60 days (not today: every lesson of a past day exists), each
    // with its own absentees.
    let today = chrono::Utc::now().date_naive();
    let lessons: Vec<(NaiveDate, i64, Value)> = (1..=60)
        .flat_map(|back| (1..=9).map(move |p| (today - Days::days(back), p)))
        .enumerate()
        .map(|(i, (date, period))| {
            let who = students[i % students.len()];
            let status = ["late", "excused", "unexcused"][i % 3];
            (
                date,
                period,
                json!({"entries": [{"student_id": who, "status": status}]}),
            )
        })
        .collect();
    let lessons = Arc::new(lessons);
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, base) = (client.clone(), server.base.clone());
        let (lessons, next, acked) = (lessons.clone(), next.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((date, period, body)) = lessons.get(i) else {
                    return;
                };
                let url =
                    format!("{base}/api/v1/classes/{class}/lessons/{date}/{period}/roll-call");
                match client.put(&url).json(body).send().await {
                    Ok(r) if r.status().is_success() => {
                        acked.lock().unwrap().insert((*date, *period), body.clone());
                    }
                    // Refused (a 503 under load) or cut off by the kill: not acknowledged.
                    Ok(_) | Err(_) => {}
                }
            }
        }));
    }
    // Kill the server once a third of the roll calls are acknowledged.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().len() < lessons.len() / 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("the killed server");
    for task in tasks {
        task.await.expect("a client");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(!acked.is_empty());
    assert!(acked.len() < lessons.len(), "killed before the end");

    // Started again on the same database: every acknowledged roll call is there, as sent.
    let mut server = start(&t.url, &data_dir).await;
    let client = login(&server.base, &admin).await;
    for ((date, period), body) in &acked {
        let url = format!(
            "{}/api/v1/classes/{class}/lessons/{date}/{period}/roll-call",
            server.base
        );
        let r = client.get(&url).send().await.expect("reading a roll call");
        assert_eq!(r.status().as_u16(), 200, "{date} period {period} lost");
        let got: Value = r.json().await.expect("a roll call");
        assert_eq!(
            got["entries"][0]["student_id"],
            body["entries"][0]["student_id"]
        );
        assert_eq!(got["entries"][0]["status"], body["entries"][0]["status"]);
        assert_eq!(got["counts"]["present"], 29);
    }
    // And nothing twice: one row per lesson.
    let rows: i64 = sqlx::query("SELECT COUNT(*) AS n FROM roll_calls")
        .fetch_one(&t.ctx.db.pool)
        .await
        .and_then(|r| sqlx::Row::try_get(&r, "n"))
        .expect("counting");
    let distinct: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT class_id, date, period FROM roll_calls) x",
    )
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "n"))
    .expect("counting");
    assert_eq!(rows, distinct);
    assert!(rows >= acked.len() as i64);
    println!(
        "{engine:?}: {} of {} roll calls acknowledged before SIGKILL, all {} there after restart",
        acked.len(),
        lessons.len(),
        acked.len()
    );
    let _ = server.child.kill();
    let _ = server.child.wait();
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_roll_calls_survive_sigkill_sqlite() {
    run(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_roll_calls_survive_sigkill_postgres() {
    run(Engine::Postgres).await;
}
