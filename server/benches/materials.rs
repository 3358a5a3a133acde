//! Materials benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench materials` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone; `-- --quick` for 10 MB files and 10,000 materials). It serves the real
//! `router()` on a loopback port with the data-directory store and:
//! - uploads: 10 clients at once each `POST /api/v1/materials` a different 100 MB file
//!   (multipart): MB/s over all, and the process's resident memory above what it held before
//!   (the 1 GB of client buffers are allocated before that baseline) — the upload streams to
//!   disk, so this stays small;
//! - downloads: 10 clients at once each `GET …/file` one of those files: MB/s, memory likewise;
//! - search: 100,000 materials in the library (written straight to the table), then
//!   `materials::list` as a teacher for queries without diacritics: p50/p99 latency.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use harness::{Engines, percentile};
use lophoc::ids::{SchoolId, UserId};
use lophoc::materials::MaterialFilter;
use lophoc::model::{Actor, Role, SchoolLevel};
use lophoc::services::files::Files;
use lophoc::services::schools::{self, NewSchool};
use lophoc::services::{Ctx, Db, auth, materials};
use server::config::HttpConfig;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 10;
const BOUNDARY: &str = "lophoc-bench-boundary";

/// The resident set of this process, in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
        * 1024
}

/// Samples [`rss`] every 20 ms until stopped; returns the highest seen.
fn watch_memory() -> (Arc<AtomicBool>, std::thread::JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let h = std::thread::spawn(move || {
        let mut peak = rss();
        while !s.load(Ordering::Relaxed) {
            peak = peak.max(rss());
            std::thread::sleep(Duration::from_millis(20));
        }
        peak.max(rss())
    });
    (stop, h)
}

/// A multipart body with one PDF-looking file of `len` bytes that differs per `seed`.
fn body(seed: u64, len: usize) -> bytes::Bytes {
    let mut b = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nVideo bài giảng {seed}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\ntoan\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"grade\"\r\n\r\n6\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\nschool\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bai-{seed}.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    // The file: `len` bytes in all, a PDF by its first bytes.
    let file_start = b.len();
    b.extend_from_slice(b"%PDF-1.4\n");
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let start = b.len();
    b.resize(file_start + len, 0);
    for chunk in b[start..].chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    bytes::Bytes::from(b)
}

const WORDS: [&str; 24] = [
    "Toán",
    "Ngữ văn",
    "Địa lý",
    "Lịch sử",
    "Phân số",
    "Hình học",
    "Đồng bằng",
    "sông Hồng",
    "Truyện Kiều",
    "Điện Biên Phủ",
    "Tiếng Anh",
    "Unit",
    "Tế bào",
    "Chuyển động",
    "Bài tập",
    "Ôn tập",
    "chương",
    "lớp",
    "Hoá học",
    "Vật lý",
    "Tin học",
    "Âm nhạc",
    "Quê hương",
    "Đề kiểm tra",
];

async fn run_engine(name: &str, url: &str, file_mb: usize, library: usize) {
    println!("== {name}");
    let db = Db::connect(url, 16).await.expect("connect");
    db.migrate().await.expect("migrate");
    let dir = std::env::temp_dir().join(format!("lophoc-bench-files-{}", std::process::id()));
    let ctx = Ctx::new(db).with_files(Files::local(&dir, 200 * 1024 * 1024));
    schools::upsert(
        &ctx,
        None,
        &[NewSchool {
            code: "HOCLIEU01".into(),
            name: "Trường THCS Học Liệu".into(),
            level: SchoolLevel::Thcs,
            area: "Phường Đo Tải".into(),
            former_district: None,
            students: 1200,
        }],
        None,
    )
    .await
    .expect("school");
    let school: SchoolId = schools::id_by_code(&ctx, "HOCLIEU01")
        .await
        .expect("school id")
        .expect("the school");
    let mut teachers = Vec::new();
    for i in 0..CLIENTS {
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, \
             search_key, created_at, updated_at) VALUES ($1, $2, 'teacher', $3, 'x', 1, $4, 0, 0) RETURNING id",
        )
        .bind(format!("gv.hl.{i}"))
        .bind(format!("Giáo Viên {i}"))
        .bind(school.0)
        .bind(format!("gv hl {i}"))
        .fetch_one(&ctx.db.pool)
        .await
        .and_then(|r| sqlx::Row::try_get(&r, "id"))
        .expect("a user");
        let token = auth::new_session(&ctx, UserId(id))
            .await
            .expect("session")
            .0;
        teachers.push((UserId(id), token));
    }
    let addr = harness::serve(ctx.clone(), "target/site", HttpConfig::default()).await;
    let client = reqwest::Client::new();
    let len = file_mb * 1024 * 1024;

    // Uploads.
    let bodies: Vec<bytes::Bytes> = (0..CLIENTS as u64).map(|i| body(i, len)).collect();
    let base = rss();
    let (stop, peak) = watch_memory();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (i, b) in bodies.iter().enumerate() {
        let (client, b, token) = (client.clone(), b.clone(), teachers[i].1.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("http://{addr}/api/v1/materials"))
                .header("cookie", format!("lophoc_session={token}"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(b)
                .send()
                .await
                .expect("upload");
            let status = r.status();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            assert_eq!(status, 201, "{v}");
            v["material"]["id"].as_i64().expect("an id")
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.expect("a client"));
    }
    let secs = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let peak = peak.join().expect("the watcher");
    println!(
        "upload   {CLIENTS} clients × {file_mb} MB: {:>7.1} MB/s over all, {:.2} s; memory above baseline: peak {:.1} MB",
        (CLIENTS * file_mb) as f64 / secs,
        secs,
        peak.saturating_sub(base) as f64 / 1e6
    );
    drop(bodies);

    // Downloads.
    let base = rss();
    let (stop, peak) = watch_memory();
    let got = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (client, token, got) = (client.clone(), teachers[i].1.clone(), got.clone());
        let id = *id;
        tasks.push(tokio::spawn(async move {
            let mut r = client
                .get(format!("http://{addr}/api/v1/materials/{id}/file"))
                .header("cookie", format!("lophoc_session={token}"))
                .send()
                .await
                .expect("download");
            assert_eq!(r.status(), 200);
            while let Some(chunk) = r.chunk().await.expect("a chunk") {
                got.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.expect("a client");
    }
    let secs = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let peak = peak.join().expect("the watcher");
    assert_eq!(got.load(Ordering::Relaxed), (CLIENTS * len) as u64);
    println!(
        "download {CLIENTS} clients × {file_mb} MB: {:>7.1} MB/s over all, {:.2} s; memory above baseline: peak {:.1} MB",
        (CLIENTS * file_mb) as f64 / secs,
        secs,
        peak.saturating_sub(base) as f64 / 1e6
    );

    // Search over a large library, written straight to the table in batches.
    let t = Instant::now();
    let mut x: u64 = 42;
    let mut rnd = move |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % n
    };
    let owner = teachers[0].0;
    for batch in 0..library / 500 {
        let mut tx = ctx.db.pool.begin().await.expect("tx");
        for i in 0..500 {
            let n = batch * 500 + i;
            let title = format!(
                "{} {} {} {}",
                WORDS[rnd(WORDS.len())],
                WORDS[rnd(WORDS.len())],
                WORDS[rnd(WORDS.len())],
                n
            );
            let scope = ["private", "school", "province"][rnd(3)];
            sqlx::query(
                "INSERT INTO materials (owner_id, school_id, title, subject, grade, topic, description, \
                 scope, kind, url, search_key, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'toan', $4, '', '', $5, 'link', 'https://hoc.vn/x', $6, 1, $7, $7)",
            )
            .bind(owner.0 + (n % CLIENTS) as i64)
            .bind(school.0)
            .bind(title.clone())
            .bind((n % 13) as i64)
            .bind(scope)
            .bind(lophoc::text::fold(&title))
            .bind(n as i64)
            .execute(&mut *tx)
            .await
            .expect("a material");
        }
        tx.commit().await.expect("commit");
    }
    println!(
        "library: {library} materials written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let actor = Actor {
        user_id: teachers[1].0,
        username: "gv.hl.1".into(),
        role: Role::Teacher,
        school_id: Some(school),
        area: None,
    };
    for q in [
        "toan",
        "dia ly dong bang",
        "truyen kieu 123",
        "de kiem tra lop",
        "khong co",
    ] {
        let mut lat = Vec::new();
        let mut total = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let p = materials::list(
                &ctx,
                &actor,
                &MaterialFilter {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .expect("search");
            lat.push(t.elapsed());
            total = p.total;
        }
        lat.sort();
        println!(
            "search {q:<20} p50 {:>7.1} ms  p99 {:>7.1} ms  ({total} matches, first page of 20)",
            percentile(&lat, 0.5).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let (file_mb, library) = if harness::has_arg("--quick") {
        (10, 10_000)
    } else {
        (100, 100_000)
    };
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "materials", |url| async move {
            run_engine(harness::SQLITE, &url, file_mb, library).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "materials", |url| async move {
            run_engine("PostgreSQL", &url, file_mb, library).await
        });
    }
}
