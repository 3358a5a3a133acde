//! Foundation benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench foundation` (add `-- --pg` for PostgreSQL as well). It seeds a
//! fresh database with the demo province at 2,000 schools, serves the real `router()` on a
//! loopback port, and measures with bounded loops:
//! - server-side render throughput of the school list page (`/schools`, 50 rows a page) and of
//!   the JSON list (`/api/v1/schools`, all 2,000),
//! - login throughput (Argon2id m=19 MiB, t=2, p=1),
//! - cold start of the release binary (spawn → `/healthz` answers), when it has been built,
//! - the size of the site's assets as built and as brotli (from `target/site`, when built).

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use harness::{percentile, repo_root, site_root};
use lophoc::services::{Ctx, Db, seed};
use server::config::HttpConfig;
use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const SCHOOLS: usize = 2_000;

/// Runs `total` requests from `clients` concurrent clients; prints rate and latencies.
async fn load<F, Fut>(label: &str, total: usize, clients: usize, make: F)
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut fails = 0;
            for i in (c..total).step_by(clients) {
                let t = Instant::now();
                if !make(i).await {
                    fails += 1;
                }
                lat.push(t.elapsed());
            }
            (lat, fails)
        }));
    }
    let mut all = Vec::new();
    let mut fails = 0;
    for t in tasks {
        let (l, f) = t.await.expect("client task");
        all.extend(l);
        fails += f;
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    println!(
        "{label:<44} {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  ({total} requests, {clients} clients, {fails} failed)",
        total as f64 / secs,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
    );
}

async fn serve(url: &str) -> (SocketAddr, Ctx) {
    let db = Db::connect(url, 16).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ctx = Ctx::new(db);
    let t = Instant::now();
    seed::demo(
        &ctx,
        seed::DemoOptions {
            schools: SCHOOLS,
            teachers_per_school: 2,
        },
    )
    .await
    .expect("seed");
    println!(
        "seed demo --schools {SCHOOLS}: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let addr = harness::serve(ctx.clone(), &site_root(), HttpConfig::default()).await;
    (addr, ctx)
}

async fn run_engine(name: &str, url: &str) {
    println!("\n== {name} ==");
    let (addr, _ctx) = serve(url).await;
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "sogd", "password": seed::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert!(r.status().is_success(), "login failed: {}", r.status());

    // Warm up.
    for _ in 0..5 {
        client.get(format!("{base}/schools")).send().await.ok();
    }
    let c = client.clone();
    let b = base.clone();
    load("SSR /schools (50 of 2,000 rows)", 400, 8, move |i| {
        let c = c.clone();
        let url = format!("{b}/schools?page={}", i % 40 + 1);
        async move {
            c.get(url)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false)
        }
    })
    .await;
    let c = client.clone();
    let b = base.clone();
    load(
        "SSR /schools?q=… (search, diacritics folded)",
        400,
        8,
        move |i| {
            let c = c.clone();
            let q = ["dong", "thcs hac thanh", "le loi", "tieu hoc"][i % 4];
            let url = format!("{b}/schools?q={}", q.replace(' ', "+"));
            async move {
                c.get(url)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        },
    )
    .await;
    let c = client.clone();
    let b = base.clone();
    load("JSON /api/v1/schools (all 2,000)", 200, 8, move |_| {
        let c = c.clone();
        let url = format!("{b}/api/v1/schools");
        async move {
            c.get(url)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false)
        }
    })
    .await;
    let b = base.clone();
    load("login POST /api/v1/session (Argon2id)", 60, 4, move |i| {
        let url = format!("{b}/api/v1/session");
        // Different accounts: the throttle must not be what is measured.
        let user = format!(
            "gv.{}.1",
            seed::demo_schools(i % 50 + 1)[i % 50].code.to_lowercase()
        );
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({"username": user, "password": seed::DEMO_PASSWORD}))
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false)
        }
    })
    .await;
}

fn file_size(path: &std::path::Path) -> Option<usize> {
    std::fs::metadata(path).ok().map(|m| m.len() as usize)
}

/// The built site's files by their hashed names (`pkg/assets.txt`), each as built and as its
/// brotli copy (what a browser downloads).
fn sizes() {
    let pkg = repo_root().join("target/site/pkg");
    let Ok(manifest) = std::fs::read_to_string(pkg.join(app::assets::MANIFEST)) else {
        println!("asset sizes: target/site not built (run `./dev.sh build --release`)");
        return;
    };
    let a = app::assets::Assets::parse(&manifest);
    let mut line = Vec::new();
    for (what, url) in [
        ("css", &a.css),
        ("icons", &a.icons),
        ("js", &a.js),
        ("wasm", &a.wasm),
    ] {
        let file = pkg.join(url.trim_start_matches("/pkg/"));
        let br = file.with_file_name(format!(
            "{}.br",
            file.file_name().unwrap_or_default().to_string_lossy()
        ));
        if let (Some(raw), Some(br)) = (file_size(&file), file_size(&br)) {
            line.push(format!(
                "{what} {:.1} KB ({:.1} KB brotli)",
                raw as f64 / 1024.0,
                br as f64 / 1024.0
            ));
        }
    }
    println!("assets: {}  [{}]", line.join(", "), pkg.display());
}

fn cold_start() {
    let bin = repo_root().join("target/release/lophoc");
    if !bin.exists() {
        println!("cold start: target/release/lophoc not built (run `./dev.sh build --release`)");
        return;
    }
    let mut times = Vec::new();
    for i in 0..5 {
        let dir =
            std::env::temp_dir().join(format!("lophoc-bench-cold-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let port = 3900 + i;
        let t = Instant::now();
        let mut child = std::process::Command::new(&bin)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(&dir)
            .env_remove("DATABASE_URL")
            .env("LEPTOS_SITE_ROOT", site_root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut ok = false;
        while Instant::now() < deadline {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
                let mut buf = [0u8; 16];
                if std::io::Read::read(&mut s, &mut buf)
                    .map(|n| {
                        buf[..n].starts_with(b"HTTP/1.0 200")
                            || buf[..n].starts_with(b"HTTP/1.1 200")
                    })
                    .unwrap_or(false)
                {
                    ok = true;
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let elapsed = t.elapsed();
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&dir);
        if ok {
            times.push(elapsed);
        }
    }
    times.sort();
    if let Some(m) = times.get(times.len() / 2) {
        println!(
            "cold start (spawn → /healthz 200, empty SQLite, migrations included): median {:.0} ms of {} runs",
            m.as_secs_f64() * 1e3,
            times.len()
        );
    }
}

fn main() {
    let pg = harness::has_arg("--pg");
    let rt = harness::runtime();
    sizes();
    cold_start();
    harness::on_sqlite(&rt, "foundation", |url| async move {
        run_engine(harness::SQLITE, &url).await
    });
    if pg {
        harness::on_postgres(&rt, "foundation", |url| async move {
            run_engine("PostgreSQL", &url).await
        });
    }
}
