//! The command line: `serve`, `migrate`, `seed demo`, `user add`, `import schools`,
//! `log verify`, `backup`, `restore`, `check`. Every command but the last three applies pending
//! migrations first; each exits non-zero with a one-line reason.

use crate::config::{
    Cli, Command, Common, HttpConfig, ImportWhat, LogCommand, LogFormat, SeedWhat, ServeArgs,
    UserCommand,
};
use crate::state::{AppState, leptos_options};
use lophoc::i18n::Lang;
use lophoc::model::{Actor, Role};
use lophoc::services::{Ctx, Db, class_log, schools, seed, users};
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;

/// A failure with the one line to print.
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn error_line(e: &lophoc::Error) -> String {
    let l = e.localize(Lang::En);
    let mut s = l.message;
    for (f, m) in &l.fields {
        s.push_str(&format!(" {f}: {m}"));
    }
    for (n, m) in &l.lines {
        s.push_str(&format!(" [line {n}: {m}]"));
    }
    s
}

/// Starts logging: `RUST_LOG` filters (default `info`), text or JSON lines.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => b.json().flatten_event(true).try_init(),
        LogFormat::Text => b.try_init(),
    };
}

async fn open(common: &Common) -> Result<Ctx, Failure> {
    let ctx = connect(common).await?;
    ctx.db.migrate().await?;
    Ok(ctx)
}

/// The database (not migrated: `backup` copies it as it is, `restore` migrates only up to the
/// archive's schema) and the file store.
async fn connect(common: &Common) -> Result<Ctx, Failure> {
    let url = common.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&common.data_dir).map_err(|e| {
            Failure(format!(
                "cannot create data directory {}: {e}",
                common.data_dir.display()
            ))
        })?;
    }
    let db = Db::connect(&url, 16).await?;
    // Materials' bytes: the data directory's `files/` (content-addressed, see
    // lophoc::services::files), or a bucket; `serve` sets the upload cap from its flags.
    use lophoc::services::files::{DEFAULT_MAX_BYTES, Files, S3Settings};
    let files = match common.s3_bucket.as_deref().filter(|b| !b.trim().is_empty()) {
        None => Files::local(common.data_dir.join("files"), DEFAULT_MAX_BYTES),
        Some(bucket) => Files::s3(
            &S3Settings {
                bucket: bucket.trim().to_owned(),
                endpoint: common.s3_endpoint.trim().to_owned(),
                region: common.s3_region.trim().to_owned(),
                access_key: common.s3_access_key.clone(),
                secret_key: common.s3_secret_key.clone(),
            },
            common.data_dir.join("files"),
            DEFAULT_MAX_BYTES,
        )
        .map_err(Failure)?,
    };
    Ok(Ctx::new(db).with_files(files))
}

/// The CLI acts as a sysadmin that is not a row in the database.
fn system_actor() -> Actor {
    Actor {
        user_id: lophoc::ids::UserId(0),
        username: "cli".into(),
        role: Role::Sysadmin,
        school_id: None,
        area: None,
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    init_logging(cli.common.log_format);
    match &cli.command {
        Command::Backup { dest } => return backup(&cli.common, dest).await,
        Command::Restore { src } => return restore(&cli.common, src).await,
        Command::Check(args) => return check(&cli.common, args).await,
        _ => {}
    }
    let ctx = open(&cli.common).await?;
    match cli.command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::Seed {
            what: SeedWhat::Demo { schools },
        } => {
            let r = seed::demo(
                &ctx,
                seed::DemoOptions {
                    schools,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| Failure(error_line(&e)))?;
            println!(
                "demo province: {} schools, {} accounts, {} devices, {} bookings, {} classes, {} roll calls and {} materials created",
                r.schools_created,
                r.users_created,
                r.devices_created,
                r.bookings_created,
                r.classes_created,
                r.roll_calls_created,
                r.materials_created
            );
            print_accounts(&r.accounts);
            Ok(())
        }
        Command::User {
            what:
                UserCommand::Add {
                    username,
                    full_name,
                    role,
                    school,
                },
        } => {
            let password = match std::env::var("LOPHOC_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let school_id = match school {
                Some(code) => Some(
                    schools::id_by_code(&ctx, &code)
                        .await
                        .map_err(|e| Failure(error_line(&e)))?
                        .ok_or_else(|| Failure(format!("no school has the code {code}")))?,
                ),
                None => None,
            };
            // The operator chose this password (for themselves or for a first administrator):
            // no change is asked at sign-in, unlike an account an administrator creates.
            let u = users::create_by_operator(
                &ctx,
                &system_actor(),
                &users::NewUser {
                    username,
                    full_name,
                    role,
                    school_id,
                    password,
                },
                Some("cli"),
            )
            .await
            .map_err(|e| Failure(error_line(&e)))?;
            println!(
                "created user {} ({}) id {}",
                u.username,
                u.role.as_str(),
                u.id
            );
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Schools { file },
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))?;
            let r = schools::import_csv(&ctx, &system_actor(), &bytes, Some("cli"))
                .await
                .map_err(|e| Failure(error_line(&e)))?;
            println!(
                "{}",
                serde_json::json!({"created": r.created, "updated": r.updated})
            );
            Ok(())
        }
        Command::Log {
            what: LogCommand::Verify { school },
        } => verify_log(&ctx, school.as_deref()).await,
        Command::Serve(args) => serve(ctx, args).await,
        Command::Backup { .. } | Command::Restore { .. } | Command::Check(_) => Ok(()),
    }
}

/// `lophoc log verify [--school CODE|ID]`: one line per school with a chain, and each broken
/// chain's first bad record; fails when any is broken.
async fn verify_log(ctx: &Ctx, school: Option<&str>) -> Result<(), Failure> {
    let fail = |e: lophoc::Error| Failure(error_line(&e));
    let schools: Vec<(lophoc::ids::SchoolId, String)> = match school {
        Some(s) => {
            let id = match schools::id_by_code(ctx, s).await.map_err(fail)? {
                Some(id) => id,
                None => match s.parse::<i64>() {
                    Ok(n) => lophoc::ids::SchoolId(n),
                    Err(_) => return Err(Failure(format!("no school has the code {s}"))),
                },
            };
            let name = class_log::school_name(ctx, id)
                .await
                .map_err(fail)?
                .ok_or_else(|| Failure(format!("no school {s}")))?;
            vec![(id, name)]
        }
        None => class_log::schools_with_log(ctx).await.map_err(fail)?,
    };
    let started = std::time::Instant::now();
    let (mut broken, mut records) = (0usize, 0i64);
    for (id, name) in schools {
        let r = class_log::verify_school(ctx, id, name)
            .await
            .map_err(fail)?;
        records += r.records;
        if r.intact {
            println!(
                "ok      school {} ({}): {} chains, {} records intact",
                r.school_id, r.school_name, r.chains, r.records
            );
        } else {
            broken += 1;
            println!(
                "BROKEN  school {} ({}): {} chains, {} records",
                r.school_id, r.school_name, r.chains, r.records
            );
            for b in &r.broken {
                println!(
                    "        class {} ({}): record {} {} {}: {:?}",
                    b.class_id,
                    b.class_name,
                    b.seq,
                    b.kind.map(|k| k.as_str()).unwrap_or("-"),
                    b.reference,
                    b.reason
                );
            }
        }
    }
    println!(
        "{records} records checked in {} ms",
        started.elapsed().as_millis()
    );
    if broken > 0 {
        Err(Failure(format!(
            "{broken} school(s) with a broken class-log chain"
        )))
    } else {
        Ok(())
    }
}

/// Whether a file can be created in `dir` (or, when it does not exist yet, in the nearest
/// directory above it that does, where it would be created).
fn probe_dir(dir: &std::path::Path) -> Result<(), String> {
    let mut at = dir.to_path_buf();
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p.to_path_buf(),
            _ => {
                at = std::path::PathBuf::from(".");
                break;
            }
        }
    }
    if !at.is_dir() {
        return Err(format!("{} is not a directory", at.display()));
    }
    let probe = at.join(format!(".lophoc-check-{:08x}", rand::random::<u32>()));
    std::fs::write(&probe, b"").map_err(|e| format!("cannot write in {}: {e}", at.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// The SQLite file a URL names.
fn sqlite_file(url: &str) -> std::path::PathBuf {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// `lophoc check`: every problem of the configuration, one line each (nothing when it is
/// sound). Reaches the database and writes (then removes) a probe file in the data directory;
/// changes nothing else: it does not migrate, nor create a SQLite file that is not there.
pub async fn check_problems(common: &Common, args: &ServeArgs) -> Vec<String> {
    let mut out = common.problems();
    out.extend(args.problems());
    if let Err(e) = probe_dir(&common.data_dir) {
        out.push(format!("the data directory is not writable: {e}"));
    } else if common
        .s3_bucket
        .as_deref()
        .is_none_or(|b| b.trim().is_empty())
    {
        if let Err(e) = probe_dir(&common.data_dir.join("files")) {
            out.push(format!("the file store is not writable: {e}"));
        }
    }
    let url = common.database_url();
    let Some(engine) = lophoc::services::Engine::from_url(&url) else {
        return out;
    };
    if engine == lophoc::services::Engine::Sqlite && !sqlite_file(&url).exists() {
        // Created at the first start, in the directory checked above.
        return out;
    }
    let connected =
        tokio::time::timeout(std::time::Duration::from_secs(10), Db::connect(&url, 1)).await;
    match connected {
        Err(_) => out.push("the database did not answer within 10 s".to_owned()),
        Ok(Err(e)) => out.push(format!("the database is not reachable: {e}")),
        Ok(Ok(db)) => match lophoc::services::backup::schema_version(&db).await {
            Err(e) => out.push(format!("cannot read the database's schema version: {e}")),
            Ok(Some(v)) if v > lophoc::services::backup::latest_schema_version(engine) => {
                out.push(format!(
                    "the database's schema version {v} is newer than this lophoc knows ({}): run the newer lophoc",
                    lophoc::services::backup::latest_schema_version(engine)
                ))
            }
            Ok(_) => {}
        },
    }
    out
}

async fn check(common: &Common, args: &ServeArgs) -> Result<(), Failure> {
    let problems = check_problems(common, args).await;
    for p in &problems {
        println!("{p}");
    }
    match problems.len() {
        0 => {
            println!(
                "configuration ok: database {}, files {}",
                lophoc::services::Engine::from_url(&common.database_url())
                    .map(|e| format!("{e:?}").to_lowercase())
                    .unwrap_or_default(),
                if common
                    .s3_bucket
                    .as_deref()
                    .is_some_and(|b| !b.trim().is_empty())
                {
                    "in the S3 bucket".to_owned()
                } else {
                    format!("in {}", common.data_dir.join("files").display())
                }
            );
            Ok(())
        }
        1 => Err(Failure("1 problem in the configuration".into())),
        n => Err(Failure(format!("{n} problems in the configuration"))),
    }
}

async fn backup(common: &Common, dest: &std::path::Path) -> Result<(), Failure> {
    let ctx = connect(common).await?;
    let started = std::time::Instant::now();
    let r = lophoc::services::backup::backup(&ctx, dest).await?;
    let m = &r.manifest;
    println!(
        "backed up {} rows of {} tables and {} stored files{} ({} bytes, schema {}) to {} in {:.1} s",
        m.total_rows(),
        m.tables.len(),
        m.files.blobs.len(),
        if m.files.included {
            ""
        } else {
            " (listed: they stay in the bucket)"
        },
        r.bytes,
        m.schema_version,
        dest.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore(common: &Common, src: &std::path::Path) -> Result<(), Failure> {
    let ctx = connect(common).await?;
    let started = std::time::Instant::now();
    let r = lophoc::services::backup::restore(&ctx, src).await?;
    let m = &r.manifest;
    println!(
        "restored {} rows of {} tables and {} stored files from {} (taken {}, schema {}, now {}) in {:.1} s",
        m.total_rows(),
        m.tables.len(),
        r.blobs_copied,
        src.display(),
        chrono::DateTime::from_timestamp(m.created_at, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default(),
        m.schema_version,
        r.schema_version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn print_accounts(accounts: &[seed::DemoAccount]) {
    println!("demo accounts (password: {}):", seed::DEMO_PASSWORD);
    for a in accounts {
        println!("  {:<16} {:<13} {}", a.username, a.role, a.description);
    }
}

async fn serve(ctx: Ctx, args: ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr = args
        .addr
        .parse()
        .map_err(|_| Failure(format!("invalid --addr {}", args.addr)))?;
    if args.demo
        && seed::is_empty(&ctx)
            .await
            .map_err(|e| Failure(error_line(&e)))?
    {
        let r = seed::demo(&ctx, seed::DemoOptions::default())
            .await
            .map_err(|e| Failure(error_line(&e)))?;
        println!(
            "loaded the demo province: {} schools, {} accounts, {} devices, {} bookings, {} classes, {} roll calls, {} materials",
            r.schools_created,
            r.users_created,
            r.devices_created,
            r.bookings_created,
            r.classes_created,
            r.roll_calls_created,
            r.materials_created
        );
    }
    if args.demo {
        print_accounts(&seed::demo_accounts(seed::DemoOptions::default()));
    }
    lophoc::services::auth::warm_up(&ctx).await;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    let ctx = {
        let files = ctx
            .files
            .with_max_bytes(args.max_upload_mb.saturating_mul(1024 * 1024));
        ctx.with_files(files)
    };
    let ctx_for_jobs = ctx.clone();
    let state = AppState {
        ctx,
        leptos: leptos_options(&args.site_root, local),
        http: Arc::new(HttpConfig {
            max_upload_bytes: (args.max_upload_mb as usize).saturating_mul(1024 * 1024),
            secure_cookies: args.secure_cookies,
            trust_proxy: args.trust_proxy,
            trusted_proxies: args.trusted_proxies.clone(),
            max_body_bytes: crate::config::MAX_BODY_BYTES,
            request_timeout: crate::config::REQUEST_TIMEOUT,
            upload_idle_timeout: crate::config::UPLOAD_IDLE_TIMEOUT,
            metrics_token: args.metrics_token.clone(),
        }),
    };
    if args.metrics_token.is_some() {
        // Counting starts now, not at the first scrape.
        crate::metrics::install();
    }
    let app = crate::router(state);
    let release = crate::jobs::spawn_release(ctx_for_jobs, crate::jobs::RELEASE_EVERY);
    println!("Lớp Học is listening on http://{local}");
    tracing::info!(%local, "listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    release.abort();
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
