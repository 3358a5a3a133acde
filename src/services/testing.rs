//! The test harness: a brand-new, migrated database on either engine, a fixed clock, and quick
//! fixtures (schools, accounts of every role).
//!
//! Compiled for this crate's own tests and, with the `testing` feature, for other crates' tests
//! (the server's HTTP tests use the same fresh database). Every test runs on both engines through
//! [`both_engines!`](crate::both_engines), so a difference between SQLite and PostgreSQL shows up
//! as one test passing and its twin failing.
//!
//! PostgreSQL is reached at `postgres://postgres@127.0.0.1:5432/postgres` (trust authentication)
//! unless `LOPHOC_TEST_PG_URL` names another server. When it cannot be reached the test fails
//! with a message saying so: a test that skips itself silently proves nothing.

use crate::ids::SchoolId;
use crate::model::{Actor, AuditEntry, Role, School, SchoolLevel};
use crate::services::audit;
use crate::services::auth::hash_password_blocking;
use crate::services::ctx::{Clock, Ctx, SessionSettings};
use crate::services::db::{Db, Engine};
use crate::services::schools::{self, NewSchool};
use crate::text::fold;
use sqlx::{Connection, Executor, Row};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The environment variable naming the PostgreSQL server (a URL of an existing database such as
/// `postgres`, used to create and drop the test databases).
pub const PG_URL_ENV: &str = "LOPHOC_TEST_PG_URL";

/// The PostgreSQL server used when [`PG_URL_ENV`] is not set.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The password of every fixture account made by [`TestDb::user`].
pub const FIXTURE_PASSWORD: &str = "mat-khau-thu-nghiem";

/// Where the fixed clock starts: 2026-11-30 07:00 in school time (00:00 UTC).
pub const START: i64 = 1_795_996_800;

/// Connections per test pool: enough for concurrency tests, few enough for many tests at once.
const POOL_SIZE: u32 = 5;

/// The Argon2id hash of [`FIXTURE_PASSWORD`], computed once per process: hashing is slow by
/// design and fixtures need many accounts.
pub fn fixture_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        hash_password_blocking(FIXTURE_PASSWORD).expect("hashing the fixture password")
    })
}

/// What to remove when a test database is dropped.
#[derive(Debug)]
enum Cleanup {
    /// A SQLite file's temporary directory.
    Dir(PathBuf),
    /// A PostgreSQL database, dropped through the server's admin URL.
    Pg { admin_url: String, name: String },
}

/// Removes the database when dropped, also when the test panics.
#[derive(Debug)]
struct CleanupGuard(Cleanup);

/// A fresh database for one test, with a context on a fixed clock. Dropping it removes the
/// database (best effort).
#[derive(Debug)]
pub struct TestDb {
    /// The services' context: the pool, a [`Clock::Fixed`] starting at [`START`], and default
    /// session settings.
    pub ctx: Ctx,
    /// The engine behind it.
    pub engine: Engine,
    /// The database's URL (tests that start the server binary on it).
    pub url: String,
    seq: AtomicU64,
    _files: CleanupGuard,
    // Last, so the pool is dropped before the database is.
    _cleanup: CleanupGuard,
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `url` with its database name replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Creates a brand-new database on `engine`, applies the migrations, and returns it with a
/// context on a fixed clock.
///
/// SQLite: a file in a new temporary directory. PostgreSQL: `CREATE DATABASE lophoc_t_<random>`
/// on the server of [`PG_URL_ENV`] (default [`DEFAULT_PG_URL`]).
///
/// # Panics
/// When the database cannot be created, reached or migrated, with the reason. In particular an
/// unreachable PostgreSQL fails the test; it is never skipped.
pub async fn fresh_db(engine: Engine) -> TestDb {
    let (url, cleanup) = match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join(format!(
                "lophoc-test-{}-{}",
                std::process::id(),
                random_suffix()
            ));
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
            let url = format!("sqlite://{}?mode=rwc", dir.join("lophoc.db").display());
            (url, Cleanup::Dir(dir))
        }
        Engine::Postgres => {
            let admin_url = std::env::var(PG_URL_ENV).unwrap_or_else(|_| DEFAULT_PG_URL.to_owned());
            let name = format!("lophoc_t_{}", random_suffix());
            let mut admin = match tokio::time::timeout(
                Duration::from_secs(10),
                sqlx::PgConnection::connect(&admin_url),
            )
            .await
            {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => panic!(
                    "PostgreSQL is not reachable at {} ({e}). These tests run on both engines and \
                     need it: start PostgreSQL or set {PG_URL_ENV}.",
                    redact(&admin_url)
                ),
                Err(_) => panic!(
                    "PostgreSQL at {} did not answer within 10 s. These tests run on both engines \
                     and need it: start PostgreSQL or set {PG_URL_ENV}.",
                    redact(&admin_url)
                ),
            };
            admin
                .execute(format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
            let _ = admin.close().await;
            let url = with_database(&admin_url, &name);
            (url, Cleanup::Pg { admin_url, name })
        }
    };
    // From here on the cleanup runs even if connecting or migrating panics.
    let guard = CleanupGuard(cleanup);
    let files_dir = std::env::temp_dir().join(format!(
        "lophoc-test-files-{}-{}",
        std::process::id(),
        random_suffix()
    ));
    let files_guard = CleanupGuard(Cleanup::Dir(files_dir.clone()));
    let db = Db::connect(&url, POOL_SIZE)
        .await
        .unwrap_or_else(|e| panic!("cannot open the test database ({engine:?}): {e}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrating the test database ({engine:?}): {e}"));
    TestDb {
        ctx: Ctx {
            db,
            clock: Clock::Fixed(Arc::new(AtomicI64::new(START))),
            sessions: SessionSettings::default(),
            aggregates: Default::default(),
            files: crate::services::files::Files::local(
                files_dir,
                crate::services::files::DEFAULT_MAX_BYTES,
            ),
            pilot_runs: Default::default(),
            hashing: Default::default(),
        },
        engine,
        url: url.clone(),
        seq: AtomicU64::new(0),
        _files: files_guard,
        _cleanup: guard,
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        match &self.0 {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Pg { admin_url, name } => {
                // Drop runs inside the test's runtime, which cannot be blocked on: use a thread
                // with its own. FORCE ends the pool's connections still open.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let done = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                            let _ = c
                                .execute(
                                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                                        .as_str(),
                                )
                                .await;
                            let _ = c.close().await;
                        }
                    });
                });
                let _ = done.join();
            }
        }
    }
}

impl TestDb {
    /// Moves the fixed clock forward.
    pub fn advance(&self, seconds: i64) {
        self.ctx.clock.advance(seconds);
    }

    /// Now on the fixed clock (unix seconds).
    pub fn now(&self) -> i64 {
        self.ctx.now()
    }

    fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Creates (or updates) schools through the same upsert the import uses.
    pub async fn schools(&self, rows: &[NewSchool]) {
        schools::upsert(&self.ctx, None, rows, None)
            .await
            .expect("creating fixture schools");
    }

    /// A primary school with this code in "Phường Thử Nghiệm".
    pub async fn school(&self, code: &str) -> School {
        self.school_with(NewSchool {
            code: code.to_owned(),
            name: format!("Trường Tiểu học {code}"),
            level: SchoolLevel::TieuHoc,
            area: "Phường Thử Nghiệm".to_owned(),
            former_district: None,
            students: 500,
        })
        .await
    }

    /// Creates a school and reads it back.
    pub async fn school_with(&self, row: NewSchool) -> School {
        let code = row.code.clone();
        self.schools(&[row]).await;
        let id = schools::id_by_code(&self.ctx, &code)
            .await
            .expect("reading a fixture school")
            .expect("the fixture school exists");
        let sys = Actor {
            user_id: crate::ids::UserId(0),
            username: "fixture".into(),
            role: Role::Sysadmin,
            school_id: None,
            area: None,
        };
        schools::get(&self.ctx, &sys, id)
            .await
            .expect("reading a fixture school")
    }

    /// An active account with the given name and role, password [`FIXTURE_PASSWORD`]. Written
    /// straight to the database (no permission check, no audit record).
    pub async fn user_named(
        &self,
        username: &str,
        full_name: &str,
        role: Role,
        school: Option<SchoolId>,
    ) -> Actor {
        let now = self.now();
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, \
             search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8) \
             RETURNING id",
        )
        .bind(username.to_owned())
        .bind(full_name.to_owned())
        .bind(role.as_str().to_owned())
        .bind(school.map(|s| s.0))
        .bind(fixture_hash().to_owned())
        .bind(fold(&format!("{username} {full_name}")))
        .bind(now)
        .bind(now)
        .fetch_one(&self.ctx.db.pool)
        .await
        .and_then(|r| r.try_get("id"))
        .unwrap_or_else(|e| panic!("creating fixture user {username}: {e}"));
        Actor {
            user_id: crate::ids::UserId(id),
            username: username.to_owned(),
            role,
            school_id: school,
            area: None,
        }
    }

    /// An account of `role` with a generated unique username (`teacher3`, `school_admin4`, …).
    pub async fn user(&self, role: Role, school: Option<SchoolId>) -> Actor {
        let n = self.next_seq();
        let username = format!("{}{n}", role.as_str().replace('_', "."));
        self.user_named(&username, &format!("Người Thử {n}"), role, school)
            .await
    }

    /// A teacher of `school`.
    pub async fn teacher(&self, school: SchoolId) -> Actor {
        self.user(Role::Teacher, Some(school)).await
    }

    /// A school administrator of `school`.
    pub async fn school_admin(&self, school: SchoolId) -> Actor {
        self.user(Role::SchoolAdmin, Some(school)).await
    }

    /// A department account.
    pub async fn department(&self) -> Actor {
        self.user(Role::Department, None).await
    }

    /// A department account scoped to `area` (an area officer), as its session sees it.
    pub async fn officer(&self, area: crate::ids::AreaId) -> Actor {
        let a = self.department().await;
        sqlx::query("INSERT INTO officer_areas (user_id, area_id) VALUES ($1, $2)")
            .bind(a.user_id)
            .bind(area.0)
            .execute(&self.ctx.db.pool)
            .await
            .expect("scoping the officer");
        self.refreshed(&a).await
    }

    /// The actor as its next request would see it (an officer's area read again).
    pub async fn refreshed(&self, a: &Actor) -> Actor {
        Actor {
            area: crate::services::scope::officer_area(&self.ctx.db.pool, a.user_id)
                .await
                .expect("reading the officer's area"),
            ..a.clone()
        }
    }

    /// A system administrator.
    pub async fn sysadmin(&self) -> Actor {
        self.user(Role::Sysadmin, None).await
    }

    /// The number of rows of a table (test code names the table).
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&self.ctx.db.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .unwrap_or_else(|e| panic!("counting {table}: {e}"))
    }

    /// The number of live session rows of a user.
    pub async fn sessions_of(&self, user: crate::ids::UserId) -> i64 {
        sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(&self.ctx.db.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .expect("counting sessions")
    }

    /// The audit records of one action, newest first.
    pub async fn audit(&self, action: &str) -> Vec<AuditEntry> {
        audit::recent(&self.ctx, Some(action), 10_000)
            .await
            .expect("reading the audit log")
    }

    /// Every audit record, newest first.
    pub async fn audit_all(&self) -> Vec<AuditEntry> {
        audit::recent(&self.ctx, None, 100_000)
            .await
            .expect("reading the audit log")
    }
}

/// The access key of the test S3 server.
pub const S3_ACCESS_KEY: &str = "lophoc-test-access";
const S3_SECRET_KEY: &str = "lophoc-test-secret-key-0123456789";

/// A real S3-compatible server for the tests: `s3s-fs` (installed by `dev.sh`, from crates.io)
/// serving a temporary directory on a loopback port, started once per test process and
/// stopped when the process ends. When it cannot be started the test fails saying so.
struct S3Server {
    endpoint: String,
    root: PathBuf,
    _child: std::process::Child,
}

fn s3_server() -> &'static S3Server {
    static SERVER: OnceLock<S3Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("lophoc-test-s3-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("the S3 server's directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let bin = std::env::var("LOPHOC_S3S_FS").unwrap_or_else(|_| "s3s-fs".to_owned());
        // A watchdog shell stops the server once this test process is gone (a static is never
        // dropped, so nothing else would).
        let script = r#"command -v "$2" >/dev/null || exit 127
"$2" --host 127.0.0.1 --port "$3" --access-key "$4" --secret-key "$5" "$6" & c=$!
while kill -0 "$1" 2>/dev/null && kill -0 "$c" 2>/dev/null; do sleep 1; done
kill "$c" 2>/dev/null; wait "$c" 2>/dev/null; rm -rf "$6""#;
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(std::process::id().to_string())
            .arg(&bin)
            .arg(port.to_string())
            .args([S3_ACCESS_KEY, S3_SECRET_KEY])
            .arg(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the S3 test server `{bin}` ({e}). The storage tests run on both \
                     backends and need it: `./dev.sh setup` installs it (cargo install s3s-fs)."
                )
            });
        let mut up = false;
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                up = true;
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the S3 test server `{bin}` exited ({status}). The storage tests run on both \
                     backends and need it: `./dev.sh setup` installs it (cargo install s3s-fs)."
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            up,
            "the S3 test server `{bin}` did not listen on port {port} within 10 s"
        );
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            root,
            _child: child,
        }
    })
}

/// A file store in a fresh bucket of the test S3 server, staging uploads in `staging`.
pub fn s3_files(staging: &std::path::Path, max_bytes: u64) -> crate::services::files::Files {
    let server = s3_server();
    let bucket = format!("lophoc-t-{}", random_suffix().to_lowercase());
    std::fs::create_dir_all(server.root.join(&bucket)).expect("a bucket");
    crate::services::files::Files::s3(
        &crate::services::files::S3Settings {
            bucket,
            endpoint: server.endpoint.clone(),
            region: "us-east-1".into(),
            access_key: S3_ACCESS_KEY.into(),
            secret_key: S3_SECRET_KEY.into(),
        },
        staging,
        max_bytes,
    )
    .expect("the test bucket's settings")
}

/// Defines one async test run twice, on a fresh SQLite database and on a fresh PostgreSQL
/// database: `both_engines!(name, |t| async move { … })` makes the module `name` with the tests
/// `name::sqlite` and `name::postgres`; `t` is the [`TestDb`].
#[macro_export]
macro_rules! both_engines {
    ($name:ident, |$t:ident| async move $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($t: $crate::services::testing::TestDb) $body

            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::services::testing::fresh_db($crate::services::Engine::Sqlite).await)
                    .await
            }

            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::services::testing::fresh_db($crate::services::Engine::Postgres).await)
                    .await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "z"),
            "postgres://h:5432/z"
        );
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    crate::both_engines!(fresh_databases_are_empty_and_separate, |t| async move {
        let other = fresh_db(t.engine).await;
        t.school("TH0001").await;
        assert_eq!(t.count("schools").await, 1);
        assert_eq!(other.count("schools").await, 0);
        assert_eq!(t.now(), START);
        t.advance(90);
        assert_eq!(t.now(), START + 90);
        assert_eq!(other.now(), START, "each database has its own clock");
    });
}
