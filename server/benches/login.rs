//! Login benchmark (RELIABILITY.md #4): prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench login` (add `-- --pg` for PostgreSQL as well, `-- --pg-only`
//! for PostgreSQL alone). It serves the real `router()` on a loopback port, behind which the
//! loopback is a trusted proxy (so each request's `X-Forwarded-For` names its client), and
//! measures, with bounded loops:
//! - a school at the bell: 50 teachers sign in with the right password from the school's one
//!   address, 10 at a time: how many get 200, and the longest wait;
//! - an attack on one account: 300 wrong passwords from rotating addresses (20 a second, so
//!   about 15 s), while the owner's browser (carrying the device cookie of an earlier sign-in)
//!   signs in every 2.5 s (the "every 5 s" of a real morning, scaled down) and a new browser of
//!   the owner's (no device cookie) tries as often: successes per tries of each.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use harness::{Engines, site_root};
use lophoc::model::{Role, SchoolLevel};
use lophoc::services::schools::{self, NewSchool};
use lophoc::services::{Ctx, Db, auth};
use server::config::HttpConfig;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const PASSWORD: &str = "mat-khau-do-tai-1";
const TEACHERS: usize = 50;
const AT_ONCE: usize = 10;
const WRONG: usize = 300;
const WRONG_PER_SECOND: u64 = 20;
const OWNER_EVERY: Duration = Duration::from_millis(2500);

struct World {
    addr: SocketAddr,
}

async fn setup(url: &str) -> World {
    let db = Db::connect(url, 16).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ctx = Ctx::new(db);
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
    let hash = auth::hash_password_blocking(PASSWORD).expect("hash");
    // The teachers, and the owner of the attacked account ("gv.chu").
    let names = (0..TEACHERS)
        .map(|i| format!("gv.do.tai.{i}"))
        .chain(["gv.chu".to_owned()]);
    for name in names {
        sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, \
             search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, 0, 0)",
        )
        .bind(name.clone())
        .bind(format!("Giáo Viên {name}"))
        .bind(Role::Teacher.as_str().to_owned())
        .bind(school.0)
        .bind(hash.clone())
        .bind(name)
        .execute(&ctx.db.pool)
        .await
        .expect("a user");
    }
    auth::warm_up(&ctx).await;
    // The loopback is a trusted proxy (the default list) once proxies are trusted.
    let http = HttpConfig {
        trust_proxy: true,
        ..HttpConfig::default()
    };
    let addr = harness::serve(ctx, &site_root(), http).await;
    World { addr }
}

/// One `POST /api/v1/session`: the status, the device cookie it set (if any) and how long it
/// took.
async fn login(
    client: &reqwest::Client,
    addr: SocketAddr,
    username: &str,
    password: &str,
    from: &str,
    device: Option<&str>,
) -> (u16, Option<String>, Duration) {
    let start = Instant::now();
    let mut req = client
        .post(format!("http://{addr}/api/v1/session"))
        .header("x-forwarded-for", from)
        .json(&serde_json::json!({"username": username, "password": password}));
    if let Some(d) = device {
        req = req.header("cookie", format!("lophoc_device={d}"));
    }
    match req.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let device = r
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|c| {
                    let (kv, _) = c.split_once(';').unwrap_or((c, ""));
                    let (k, v) = kv.split_once('=')?;
                    (k == "lophoc_device").then(|| v.to_owned())
                });
            (status, device, start.elapsed())
        }
        Err(_) => (0, None, start.elapsed()),
    }
}

fn tally(statuses: &[u16]) -> String {
    if statuses.is_empty() {
        return "none".into();
    }
    let mut m = BTreeMap::new();
    for s in statuses {
        *m.entry(*s).or_insert(0) += 1;
    }
    m.iter()
        .map(|(s, n)| format!("{n} × {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn run_engine(label: &str, url: &str) {
    println!("== {label}");
    let w = setup(url).await;
    let client = reqwest::Client::new();

    // A school at the bell: 50 right passwords from one address, 10 at a time.
    let mut statuses = Vec::new();
    let mut longest = Duration::ZERO;
    let start = Instant::now();
    for batch in 0..TEACHERS / AT_ONCE {
        let tasks: Vec<_> = (0..AT_ONCE)
            .map(|i| {
                let client = client.clone();
                let name = format!("gv.do.tai.{}", batch * AT_ONCE + i);
                tokio::spawn(async move {
                    login(&client, w.addr, &name, PASSWORD, "203.0.113.10", None).await
                })
            })
            .collect();
        for t in tasks {
            let (status, _, took) = t.await.expect("a task");
            statuses.push(status);
            longest = longest.max(took);
        }
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    println!(
        "{TEACHERS} right passwords from one address, {AT_ONCE} at a time: {ok} × 200 ({}), longest wait {} ms, all in {:.1} s",
        tally(&statuses),
        longest.as_millis(),
        start.elapsed().as_secs_f64()
    );

    // An attack on one account while its owner signs in.
    let (status, device, _) =
        login(&client, w.addr, "gv.chu", PASSWORD, "203.0.113.20", None).await;
    assert_eq!(status, 200, "the owner's first sign-in");
    let mut device = device.expect("a device cookie");
    let attack = {
        let client = client.clone();
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(1000 / WRONG_PER_SECOND));
            for i in 0..WRONG {
                tick.tick().await;
                let from = format!("198.18.{}.{}", i / 250, i % 250 + 1);
                let (s, _, _) = login(&client, w.addr, "gv.chu", "doan-mo-thoi", &from, None).await;
                statuses.push(s);
            }
            statuses
        })
    };
    let (mut owner_ok, mut owner_tries, mut owner_other) = (0, 0, Vec::new());
    let (mut fresh_ok, mut fresh_tries, mut fresh_statuses) = (0, 0, Vec::new());
    let mut owner_longest = Duration::ZERO;
    let mut tick = tokio::time::interval(OWNER_EVERY);
    tick.tick().await;
    while !attack.is_finished() {
        tick.tick().await;
        if attack.is_finished() {
            break;
        }
        owner_tries += 1;
        let (s, d, took) = login(
            &client,
            w.addr,
            "gv.chu",
            PASSWORD,
            "203.0.113.20",
            Some(&device),
        )
        .await;
        owner_longest = owner_longest.max(took);
        if s == 200 {
            owner_ok += 1;
            device = d.expect("a new device cookie");
        } else {
            owner_other.push(s);
        }
        fresh_tries += 1;
        let (s, _, _) = login(&client, w.addr, "gv.chu", PASSWORD, "203.0.113.21", None).await;
        fresh_statuses.push(s);
        if s == 200 {
            fresh_ok += 1;
        }
    }
    let attacker = attack.await.expect("the attack");
    println!(
        "{WRONG} wrong passwords from rotating addresses ({WRONG_PER_SECOND}/s): {}",
        tally(&attacker)
    );
    println!(
        "  the owner's browser (device cookie), every {:.1} s: {owner_ok}/{owner_tries} signed in (others: {}), longest {} ms",
        OWNER_EVERY.as_secs_f64(),
        tally(&owner_other),
        owner_longest.as_millis()
    );
    println!(
        "  the owner from a new browser (no device cookie): {fresh_ok}/{fresh_tries} signed in ({})",
        tally(&fresh_statuses)
    );
}

fn main() {
    harness::init_tracing();
    let engines = Engines::from_args();
    let rt = harness::runtime();
    if engines.sqlite {
        harness::on_sqlite(&rt, "login", |url| async move {
            run_engine(harness::SQLITE, &url).await
        });
    }
    if engines.pg {
        harness::on_postgres(&rt, "login", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
