//! `lophoc check`: one line per problem of the configuration, exit status non-zero when there
//! is any; nothing printed but "configuration ok" when it is sound.

use clap::Parser;
use lophoc::services::Engine;
use lophoc::services::testing::fresh_db;
use server::config::{Cli, Command};
use std::path::PathBuf;

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp() -> TempDir {
    let p = std::env::temp_dir().join(format!("lophoc-check-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(p.join("site/pkg")).unwrap();
    TempDir(p)
}

async fn problems(args: &[&str], token: Option<&str>) -> Vec<String> {
    let mut all = vec!["lophoc"];
    all.extend_from_slice(args);
    let cli = Cli::try_parse_from(all).unwrap();
    let Command::Check(mut serve) = cli.command else {
        panic!("not check")
    };
    serve.metrics_token = token.map(str::to_owned);
    server::cli::check_problems(&cli.common, &serve).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_says_what_is_wrong_one_line_each() {
    let t = fresh_db(Engine::Postgres).await;
    let d = temp();
    let data = d.0.join("data");
    let data = data.to_str().unwrap();
    let site = d.0.join("site");
    let site = site.to_str().unwrap();
    let good = [
        "--data-dir",
        data,
        "--database-url",
        &t.url,
        "check",
        "--site-root",
        site,
    ];
    assert_eq!(
        problems(&good, Some(&"x".repeat(32))).await,
        Vec::<String>::new()
    );
    assert!(
        !std::path::Path::new(data).exists(),
        "check creates nothing"
    );

    // Each mistake, one line.
    let p = problems(
        &[
            "--data-dir",
            data,
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
            "check",
            "--site-root",
            site,
        ],
        None,
    )
    .await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("the database is not reachable"), "{p:?}");

    std::fs::write(d.0.join("a-file"), b"").unwrap();
    let under_file = d.0.join("a-file/data");
    let p = problems(
        &[
            "--data-dir",
            under_file.to_str().unwrap(),
            "--database-url",
            &t.url,
            "check",
            "--site-root",
            site,
        ],
        None,
    )
    .await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("not writable") && p[0].contains("not a directory"),
        "{p:?}"
    );

    let p = problems(&good, Some("short")).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("LOPHOC_METRICS_TOKEN is 5 characters"),
        "{p:?}"
    );

    let p = problems(
        &[
            "--data-dir",
            data,
            "--database-url",
            &t.url,
            "--s3-bucket",
            "lophoc",
            "check",
            "--site-root",
            site,
            "--trust-proxy",
            "--trusted-proxies",
            "0.0.0.0/0",
        ],
        None,
    )
    .await;
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p.iter().all(|l| !l.contains('\n')));

    // A database migrated by a newer lophoc.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99991231000001, 'from the future', TRUE, '\\x00'::bytea, 0)",
    )
    .execute(&t.ctx.db.pool)
    .await
    .unwrap();
    let p = problems(&good, None).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("schema version 99991231000001 is newer"),
        "{p:?}"
    );

    // The binary: the lines on standard output, a non-zero exit.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lophoc"))
        .args([
            "--data-dir",
            data,
            "--database-url",
            "postgres://postgres@127.0.0.1:1/none",
        ])
        .args(["check", "--site-root", site, "--addr", "nowhere"])
        .env_remove("LOPHOC_METRICS_TOKEN")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 problems in the configuration"));
}
