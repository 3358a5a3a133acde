//! Booking benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench booking` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone). It builds a
//! school with 60 devices (50 tagged, 10 pools of 30 units), 50 teachers with sessions and a
//! term (18 weeks) of bookings, serves the real `router()` on a loopback port, and measures
//! with bounded loops:
//! - `POST /api/v1/bookings` from 50 concurrent clients (one teacher each) on free slots:
//!   bookings/s, p50/p99 latency;
//! - the same with every client fighting for the same slots (50 requests per slot, one 201,
//!   49 × 409): what the device lock costs when it is contended;
//! - pools: 50 clients booking one unit of the same pool period after period (30 fit);
//! - the week view of all 60 devices: the JSON endpoint, and the SSR page `/book` when the app
//!   has it.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use chrono::{Datelike, Duration as Days, NaiveDate};
use harness::{Engines, percentile, site_root};
use lophoc::devices::DeviceInput;
use lophoc::ids::SchoolId;
use lophoc::model::{Actor, Role, SchoolLevel};
use lophoc::services::schools::{self, NewSchool};
use lophoc::services::{Ctx, Db, auth, devices};
use server::config::HttpConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const DEVICES: usize = 60;
const POOLS: usize = 10;
const TEACHERS: usize = 50;
const WEEKS: i64 = 18;

/// Statuses seen by a load run.
#[derive(Default)]
struct Tally {
    created: AtomicUsize,
    conflict: AtomicUsize,
    other: AtomicUsize,
}

impl Tally {
    fn count(&self, status: u16) {
        match status {
            201 | 200 => &self.created,
            409 => &self.conflict,
            _ => &self.other,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        format!(
            "{} × 2xx, {} × 409, {} other",
            self.created.load(Ordering::Relaxed),
            self.conflict.load(Ordering::Relaxed),
            self.other.load(Ordering::Relaxed)
        )
    }
}

/// Runs `total` requests from `clients` concurrent clients (request `i` by client `i % clients`);
/// prints the rate, latencies and statuses.
async fn load<F, Fut>(label: &str, total: usize, clients: usize, make: F)
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = u16> + Send,
{
    let tally = Arc::new(Tally::default());
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let make = make.clone();
        let tally = tally.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for i in (c..total).step_by(clients) {
                let t = Instant::now();
                tally.count(make(i).await);
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    println!(
        "{label:<52} {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  ({total} requests, {clients} clients: {})",
        total as f64 / secs,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        tally.line()
    );
}

/// The next Monday after `d`.
fn next_monday(d: NaiveDate) -> NaiveDate {
    d + Days::days(7 - d.weekday().num_days_from_monday() as i64)
}

/// The `k`-th school day (Monday–Saturday) from `first`.
fn school_day(first: NaiveDate, k: usize) -> NaiveDate {
    first + Days::days((k / 6 * 7 + k % 6) as i64)
}

struct World {
    ctx: Ctx,
    addr: SocketAddr,
    school: SchoolId,
    tagged: Vec<i64>,
    pools: Vec<i64>,
    tokens: Vec<String>,
    /// The first Monday of the term.
    term: NaiveDate,
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
            code: "BENCH01".into(),
            name: "Trường THCS Đo Tải".into(),
            level: SchoolLevel::Thcs,
            area: "Phường Đo Tải".into(),
            former_district: None,
            students: 1200,
        }],
        None,
    )
    .await
    .expect("school");
    let school = schools::id_by_code(&ctx, "BENCH01")
        .await
        .expect("school id")
        .expect("the school");
    let pool = &ctx.db.pool;
    let hash = auth::hash_password_blocking("mat-khau-do-tai-1").expect("hash");
    let mut users = Vec::new();
    for i in 0..=TEACHERS {
        let role = if i == TEACHERS {
            Role::SchoolAdmin
        } else {
            Role::Teacher
        };
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, \
             search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, 0, 0) RETURNING id",
        )
        .bind(format!("gv.do.tai.{i}"))
        .bind(format!("Giáo Viên {i}"))
        .bind(role.as_str().to_owned())
        .bind(school.0)
        .bind(hash.clone())
        .bind(format!("gv do tai {i}"))
        .fetch_one(pool)
        .await
        .and_then(|r| sqlx::Row::try_get(&r, "id"))
        .expect("a user");
        users.push(Actor {
            user_id: lophoc::ids::UserId(id),
            username: format!("gv.do.tai.{i}"),
            role,
            school_id: Some(school),
            area: None,
        });
    }
    let admin = users.pop().expect("the admin");
    let mut tokens = Vec::new();
    for u in &users {
        tokens.push(auth::new_session(&ctx, u.user_id).await.expect("session").0);
    }
    let mut tagged = Vec::new();
    let mut pools = Vec::new();
    for i in 0..DEVICES {
        let is_pool = i >= DEVICES - POOLS;
        let input = DeviceInput {
            name: format!(
                "{} {:02}",
                if is_pool {
                    "Xe máy tính bảng"
                } else {
                    "Máy chiếu"
                },
                i + 1
            ),
            kind: if is_pool { "tablet_cart" } else { "projector" }.into(),
            quantity: Some(if is_pool { 30 } else { 1 }),
            room: Some(format!("P.{}", 100 + i)),
            ..Default::default()
        };
        let d = devices::create(&ctx, &admin, school, &input, None)
            .await
            .expect("a device");
        if is_pool {
            pools.push(d.id.0)
        } else {
            tagged.push(d.id.0)
        }
    }
    // A term of bookings from next Monday on, written straight to the tables in the service's
    // shape (one row per booking, one slot per period): about a quarter of the periods of every
    // device taken, pools by 5 units.
    let term = next_monday(lophoc::dates::today_at(ctx.now()));
    let all: Vec<(i64, bool)> = tagged
        .iter()
        .map(|d| (*d, false))
        .chain(pools.iter().map(|d| (*d, true)))
        .collect();
    let mut n = 0usize;
    for week in 0..WEEKS {
        let mut tx = pool.begin().await.expect("tx");
        for day in 0..6 {
            let date = (term + Days::days(week * 7 + day)).to_string();
            for (di, (dev, is_pool)) in all.iter().enumerate() {
                for period in 1..=10i64 {
                    if (di as i64 * 7 + (week * 6 + day) * 3 + period) % 4 != 0 {
                        continue;
                    }
                    let teacher = users[n % users.len()].user_id.0;
                    // i64 like the service binds: PostgreSQL's prepared statements are cached per
                    // connection by their text, with the parameter types of their first use.
                    let qty: i64 = if *is_pool { 5 } else { 1 };
                    let id: i64 = sqlx::query(
                        "INSERT INTO bookings (school_id, device_id, teacher_id, date, quantity, class_id, note, \
                         status, series_id, periods, first_period, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, NULL, NULL, 'booked', NULL, $6, $7, 0, 0) RETURNING id",
                    )
                    .bind(school.0)
                    .bind(*dev)
                    .bind(teacher)
                    .bind(date.clone())
                    .bind(qty)
                    .bind(period.to_string())
                    .bind(period)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|r| sqlx::Row::try_get(&r, "id"))
                    .expect("a booking");
                    sqlx::query(
                        "INSERT INTO booking_slots (booking_id, device_id, date, period, quantity, pooled, live) \
                         VALUES ($1, $2, $3, $4, $5, $6, 1)",
                    )
                    .bind(id)
                    .bind(*dev)
                    .bind(date.clone())
                    .bind(period)
                    .bind(qty)
                    .bind(i64::from(*is_pool))
                    .execute(&mut *tx)
                    .await
                    .expect("a slot");
                    n += 1;
                }
            }
        }
        tx.commit().await.expect("commit");
    }
    println!(
        "set-up: 1 school, {DEVICES} devices ({POOLS} pools of 30), {TEACHERS} teachers, {n} bookings over {WEEKS} weeks from {term}: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let addr = harness::serve(ctx.clone(), &site_root(), HttpConfig::default()).await;
    World {
        ctx,
        addr,
        school,
        tagged,
        pools,
        tokens,
        term,
    }
}

async fn post_booking(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: serde_json::Value,
) -> u16 {
    match client
        .post(url)
        .header("cookie", format!("lophoc_session={token}"))
        .json(&body)
        .send()
        .await
    {
        Ok(r) => {
            let status = r.status().as_u16();
            if !matches!(status, 201 | 409) {
                // The first few failures are shown: a benchmark that hides them measures nothing.
                static SHOWN: AtomicUsize = AtomicUsize::new(0);
                if SHOWN.fetch_add(1, Ordering::Relaxed) < 3 {
                    let text = r.text().await.unwrap_or_default();
                    println!("  unexpected {status}: {text}");
                }
            }
            status
        }
        Err(e) => {
            println!("  request failed: {e}");
            0
        }
    }
}

async fn run_engine(name: &str, url: &str) {
    println!("\n== {name} ==");
    let w = setup(url).await;
    let base = format!("http://{}", w.addr);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let book_url = format!("{base}/api/v1/bookings");
    let tokens = Arc::new(w.tokens.clone());
    let tagged = Arc::new(w.tagged.clone());
    // Free slots: the weeks after the term, each request a different (device, day, period).
    let after = w.term + Days::days(WEEKS * 7);
    {
        let (c, u, tokens, tagged) = (
            client.clone(),
            book_url.clone(),
            tokens.clone(),
            tagged.clone(),
        );
        let total = 2_000;
        load(
            "POST /api/v1/bookings, free slots",
            total,
            TEACHERS,
            move |i| {
                let (c, u) = (c.clone(), u.clone());
                let token = tokens[i % TEACHERS].clone();
                let device = tagged[i % tagged.len()];
                let k = i / tagged.len();
                let body = serde_json::json!({
                    "device_id": device,
                    "date": school_day(after, k / 10).to_string(),
                    "periods": [k % 10 + 1],
                });
                async move { post_booking(&c, &u, &token, body).await }
            },
        )
        .await;
    }
    // Contended: every client asks for the same slot of one device; 50 requests per slot.
    let later = after + Days::days(10 * 7);
    {
        let (c, u, tokens, device) = (
            client.clone(),
            book_url.clone(),
            tokens.clone(),
            w.tagged[0],
        );
        let total = 1_000;
        load(
            "POST /api/v1/bookings, 50 clients per slot",
            total,
            TEACHERS,
            move |i| {
                let (c, u) = (c.clone(), u.clone());
                let token = tokens[i % TEACHERS].clone();
                let k = i / TEACHERS;
                let body = serde_json::json!({
                    "device_id": device,
                    "date": school_day(later, k / 10).to_string(),
                    "periods": [k % 10 + 1],
                });
                async move { post_booking(&c, &u, &token, body).await }
            },
        )
        .await;
    }
    {
        let (c, u, tokens, device) = (client.clone(), book_url.clone(), tokens.clone(), w.pools[0]);
        let total = 1_000;
        load(
            "POST /api/v1/bookings, pool of 30, 50 clients",
            total,
            TEACHERS,
            move |i| {
                let (c, u) = (c.clone(), u.clone());
                let token = tokens[i % TEACHERS].clone();
                let k = i / TEACHERS;
                let body = serde_json::json!({
                    "device_id": device,
                    "date": school_day(later, k / 10).to_string(),
                    "periods": [k % 10 + 1],
                    "quantity": 1,
                });
                async move { post_booking(&c, &u, &token, body).await }
            },
        )
        .await;
    }
    // Never over capacity, whatever the load did.
    let over: i64 = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT s.device_id, s.date, s.period, SUM(s.quantity) AS q, d.quantity AS cap \
         FROM booking_slots s JOIN devices d ON d.id = s.device_id WHERE s.live = 1 \
         GROUP BY s.device_id, s.date, s.period, d.quantity) x WHERE q > cap",
    )
    .fetch_one(&w.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "n"))
    .expect("checking capacity");
    println!("slots over capacity after the runs: {over}");

    // The week view of all 60 devices, in the middle of the term.
    let week = (w.term + Days::days(WEEKS / 2 * 7)).to_string();
    let json_url = format!("{base}/api/v1/schools/{}/week?date={week}", w.school);
    let token = w.tokens[0].clone();
    let r = client
        .get(&json_url)
        .header("cookie", format!("lophoc_session={token}"))
        .send()
        .await
        .expect("week");
    let status = r.status();
    let bytes = r.bytes().await.map(|b| b.len()).unwrap_or(0);
    println!("week view JSON: {status}, {:.0} KB", bytes as f64 / 1024.0);
    for clients in [1, 8] {
        let (c, u, token) = (client.clone(), json_url.clone(), token.clone());
        load(
            &format!("GET /schools/{{id}}/week (60 devices), {clients} client(s)"),
            200,
            clients,
            move |_| {
                let (c, u, token) = (c.clone(), u.clone(), token.clone());
                async move {
                    c.get(u)
                        .header("cookie", format!("lophoc_session={token}"))
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                }
            },
        )
        .await;
    }
    // The SSR page, when the app has it (a 404 page otherwise: reported, not measured).
    let page_url = format!("{base}/book?week={week}");
    let r = client
        .get(&page_url)
        .header("cookie", format!("lophoc_session={token}"))
        .send()
        .await
        .expect("page");
    let status = r.status();
    let bytes = r.bytes().await.map(|b| b.len()).unwrap_or(0);
    if status.is_success() {
        println!(
            "SSR /book?week=…: {status}, {:.0} KB",
            bytes as f64 / 1024.0
        );
        for clients in [1, 8] {
            let (c, u, token) = (client.clone(), page_url.clone(), token.clone());
            load(
                &format!("SSR /book?week=… , {clients} client(s)"),
                100,
                clients,
                move |_| {
                    let (c, u, token) = (c.clone(), u.clone(), token.clone());
                    async move {
                        c.get(u)
                            .header("cookie", format!("lophoc_session={token}"))
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0)
                    }
                },
            )
            .await;
        }
    } else {
        println!("SSR /book: {status} (not measured)");
    }
}

fn main() {
    harness::init_tracing();
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "booking", |url| async move {
            run_engine(harness::SQLITE, &url).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "booking", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
