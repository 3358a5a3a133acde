//! What every benchmark shares (each bench is its own crate and includes this with
//! `mod harness;`): the runtime and logging, the engines the command line asks for (a fresh
//! SQLite file in a temporary directory; a fresh PostgreSQL database, dropped afterwards), the
//! real `router()` served on a loopback port, and percentiles of latencies.

#![allow(dead_code)] // Each bench uses a different part of the harness.

use lophoc::services::Ctx;
use server::config::HttpConfig;
use server::state::{AppState, leptos_options};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The label of the SQLite runs.
pub const SQLITE: &str = "SQLite (WAL, synchronous=FULL)";

/// The `p` quantile (0–1) of sorted latencies, the nearest rank; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Errors the server logs (a database error behind a 500) go to standard error; `RUST_LOG`
/// overrides the level.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

/// A multi-threaded runtime.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Which engines to measure: SQLite unless `--pg-only`; PostgreSQL with `--pg` or `--pg-only`.
#[derive(Debug, Clone, Copy)]
pub struct Engines {
    pub sqlite: bool,
    pub pg: bool,
}

/// Whether the command line has `flag`.
pub fn has_arg(flag: &str) -> bool {
    std::env::args().any(|a| a == flag)
}

impl Engines {
    /// The engines the command line asks for.
    pub fn from_args() -> Engines {
        Engines {
            sqlite: !has_arg("--pg-only"),
            pg: has_arg("--pg") || has_arg("--pg-only"),
        }
    }
}

/// Runs `run` with the URL of a new SQLite file in a temporary directory of its own (named
/// after `bench`), removed afterwards.
pub fn on_sqlite<F, Fut>(rt: &tokio::runtime::Runtime, bench: &str, run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = std::env::temp_dir().join(format!("lophoc-bench-{bench}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    rt.block_on(run(url));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `run` with the URL of a new PostgreSQL database (named after `bench`) on the server of
/// `LOPHOC_TEST_PG_URL` (default: the local one, user postgres), dropped afterwards.
pub fn on_postgres<F, Fut>(rt: &tokio::runtime::Runtime, bench: &str, run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let base = std::env::var("LOPHOC_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let base = base.trim_end_matches("/postgres").to_owned();
    let name = format!("lophoc_bench_{bench}_{}", std::process::id());
    rt.block_on(async {
        use sqlx::Executor;
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&format!("{base}/postgres"))
            .await
            .expect("PostgreSQL reachable");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create db");
        run(format!("{base}/{name}")).await;
        admin
            .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .ok();
    });
}

/// The repository's root (the workspace).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// The site the build writes (`target/site` of the repository), absolute.
pub fn site_root() -> String {
    repo_root().join("target/site").display().to_string()
}

/// Serves the real `router()` over `ctx` on a loopback port, in the background: its address.
/// `site` is the Leptos site root the pages are rendered with.
pub async fn serve(ctx: Ctx, site: &str, http: HttpConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = AppState {
        ctx,
        leptos: leptos_options(site, addr),
        http: Arc::new(http),
    };
    let app = server::router(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    addr
}
