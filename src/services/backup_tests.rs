//! Backup and restore on both engines: a demo province (accounts, bookings, roll calls,
//! materials with their bytes, pilot runs, sessions, the audit log) backed up, restored into a
//! fresh database and file store, and every table's rows and every file's bytes compared; a
//! SQLite backup restored into PostgreSQL; and the refusals (a damaged archive, a missing file,
//! a newer schema, a target that is not empty or is migrated past the archive), each leaving the
//! target untouched.

use crate::both_engines;
use crate::materials::{MaterialForm, Scope};
use crate::services::backup::{self, Manifest};
use crate::services::materials::{self, Upload};
use crate::services::seed::{self, DEMO_PASSWORD, DemoOptions};
use crate::services::testing::{TestDb, fresh_db};
use crate::services::{Ctx, Db, Engine, auth, pilot};
use std::path::{Path, PathBuf};

/// A temporary directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("lophoc-backup-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Files under `dir` (recursively), leaving out the store's `tmp/`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "tmp") {
                continue;
            }
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Every table of `ctx`'s database, as rows read by a fresh backup of it.
async fn table_rows(
    ctx: &Ctx,
    dir: &Path,
) -> (
    Manifest,
    std::collections::BTreeMap<String, Vec<std::collections::BTreeMap<String, serde_json::Value>>>,
) {
    let r = backup::backup(ctx, dir).await.unwrap();
    let rows = backup::archive_rows(dir, &r.manifest).unwrap();
    (r.manifest, rows)
}

/// Rows in every table of the database (the target of a refused restore must have none).
async fn total_rows(t: &TestDb) -> i64 {
    let tables: Vec<String> = match t.engine {
        Engine::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND substr(name, 1, 7) <> 'sqlite_' AND name <> '_sqlx_migrations'",
        ),
        Engine::Postgres => sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
             AND tablename <> '_sqlx_migrations'",
        ),
    }
    .fetch_all(&t.ctx.db.pool)
    .await
    .unwrap();
    let mut n = 0;
    for table in tables {
        n += t.count(&table).await;
    }
    n
}

/// Backs up `source`, restores into `target`, and proves every row and byte arrived.
async fn round_trip(source: &TestDb, target: &TestDb) {
    let dir = TempDir::new();
    let made = backup::backup(&source.ctx, &dir.0.join("b")).await.unwrap();
    let m = &made.manifest;
    assert_eq!(m.format, backup::FORMAT_VERSION);
    assert_eq!(
        m.schema_version,
        backup::latest_schema_version(source.engine)
    );
    assert!(
        !m.tables.iter().any(|t| t.name == "_sqlx_migrations"),
        "sqlx's table is recorded as the schema version, not copied"
    );
    assert!(m.files.included);
    assert!(!m.files.blobs.is_empty(), "the demo's materials have bytes");
    for t in &m.tables {
        assert_eq!(
            t.rows as i64,
            source.count(&t.name).await,
            "{}: the manifest counts its rows",
            t.name
        );
    }

    let restored = backup::restore(&target.ctx, &dir.0.join("b"))
        .await
        .unwrap();
    assert_eq!(restored.manifest.total_rows(), m.total_rows());
    assert_eq!(restored.blobs_copied as usize, m.files.blobs.len());

    // Every table, row for row and value for value.
    let before = backup::archive_rows(&dir.0.join("b"), m).unwrap();
    let (m2, after) = table_rows(&target.ctx, &dir.0.join("c")).await;
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, rows) in &before {
        assert_eq!(rows.len(), after[table].len(), "{table}: row count");
        assert!(rows == &after[table], "{table}: rows differ after restore");
        assert_eq!(
            source.count(table).await,
            target.count(table).await,
            "{table}"
        );
    }
    // Every file, byte for byte.
    assert_eq!(m2.files.blobs, m.files.blobs);
    for b in &m.files.blobs {
        let a = source.ctx.files.open(&b.sha256).await.unwrap();
        let z = target.ctx.files.open(&b.sha256).await.unwrap();
        assert_eq!(a.bytes().await.unwrap(), z.bytes().await.unwrap());
    }

    // The restored database works: the demo password signs in (a new session, a new audit
    // record: the sequences are past the restored ids), and the pilot's runs are there.
    let audit_before = target.count("audit_log").await;
    auth::login(&target.ctx, "sogd", DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    assert!(target.count("audit_log").await > audit_before);
    assert!(target.count("pilot_runs").await > 0);
    // The class log's chains still verify, school by school.
    let schools: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT school_id FROM class_log_records ORDER BY school_id")
            .fetch_all(&target.ctx.db.pool)
            .await
            .unwrap();
    assert!(!schools.is_empty(), "the demo's class log came back");
    for s in schools {
        let r = crate::services::class_log::verify_school(
            &target.ctx,
            crate::ids::SchoolId(s),
            String::new(),
        )
        .await
        .unwrap();
        assert!(r.intact, "school {s}: {:?}", r.broken);
    }
}

async fn demo(t: &TestDb) {
    seed::demo(&t.ctx, DemoOptions::default()).await.unwrap();
    pilot::refresh(&t.ctx, 2).await.unwrap();
    auth::login(&t.ctx, "admin", DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    for table in [
        "users",
        "sessions",
        "bookings",
        "booking_slots",
        "roll_calls",
        "roll_call_entries",
        "materials",
        "material_versions",
        "lesson_materials",
        "pilot_runs",
        "pilot_status",
        "class_log_entries",
        "class_log_weeks",
        "class_log_records",
        "audit_log",
    ] {
        assert!(t.count(table).await > 0, "the demo fills {table}");
    }
}

both_engines!(round_trip_restores_every_row_and_byte, |t| async move {
    demo(&t).await;
    // A school merged into one created after it: restore puts the parent row first.
    sqlx::query(
        "UPDATE schools SET merged_into = (SELECT MAX(id) FROM schools), closed_on = '2026-09-01' \
         WHERE id = (SELECT MIN(id) FROM schools)",
    )
    .execute(&t.ctx.db.pool)
    .await
    .unwrap();
    let target = fresh_db(t.engine).await;
    round_trip(&t, &target).await;
});

/// SQLite → PostgreSQL: one format for both engines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_postgres() {
    let source = fresh_db(Engine::Sqlite).await;
    demo(&source).await;
    let target = fresh_db(Engine::Postgres).await;
    round_trip(&source, &target).await;
}

/// A school, a teacher and a material with bytes.
async fn small(t: &TestDb) {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let mut staged = t.ctx.files.stage().await.unwrap();
    staged
        .write(b"%PDF-1.4\n% Ph\xc3\xa2n s\xe1\xbb\x91\n%%EOF\n")
        .await
        .unwrap();
    let form = MaterialForm {
        title: "Toán lớp 6: Phân số".into(),
        subject: "toan".into(),
        grade: "6".into(),
        scope: Scope::School.as_str().into(),
        ..Default::default()
    };
    materials::create(
        &t.ctx,
        &a,
        &form,
        Some(Upload {
            filename: "phan-so.pdf".into(),
            staged,
        }),
    )
    .await
    .unwrap();
}

async fn refused(target: &TestDb, src: &Path, says: &str) {
    let e = backup::restore(&target.ctx, src).await.unwrap_err();
    let line = e.to_string();
    assert!(line.contains(says), "{line:?} should say {says:?}");
    assert!(!line.contains('\n'), "one line: {line:?}");
    assert_eq!(total_rows(target).await, 0, "{says}: nothing written");
    assert!(
        files_under(target.ctx.files.root_for_tests()).is_empty(),
        "{says}: no file stored"
    );
}

both_engines!(
    damaged_newer_or_misplaced_restores_are_refused,
    |t| async move {
        small(&t).await;
        let dir = TempDir::new();
        let good = dir.0.join("good");
        let made = backup::backup(&t.ctx, &good).await.unwrap();
        assert_eq!(made.manifest.files.blobs.len(), 1);
        let target = fresh_db(t.engine).await;

        // A backup goes into a new directory only.
        let e = backup::backup(&t.ctx, &good).await.unwrap_err();
        assert!(e.to_string().contains("not empty"), "{e}");

        // A data file changed by one byte.
        let bad = dir.0.join("flipped");
        copy_dir(&good, &bad);
        let f = bad.join("tables/schools.jsonl");
        let mut bytes = std::fs::read(&f).unwrap();
        let at = bytes.iter().position(|b| *b == b'T').unwrap();
        bytes[at] = b'X';
        std::fs::write(&f, bytes).unwrap();
        refused(&target, &bad, "does not match its checksum").await;

        // A stored file missing.
        let bad = dir.0.join("missing");
        copy_dir(&good, &bad);
        let blob = &made.manifest.files.blobs[0];
        std::fs::remove_file(bad.join(&blob.path)).unwrap();
        refused(&target, &bad, "is missing").await;

        // A stored file damaged.
        let bad = dir.0.join("blob");
        copy_dir(&good, &bad);
        std::fs::write(bad.join(&blob.path), b"%PDF-1.4 something else").unwrap();
        refused(&target, &bad, "does not match its checksum").await;

        // No manifest, or not JSON.
        let bad = dir.0.join("nomanifest");
        copy_dir(&good, &bad);
        std::fs::remove_file(bad.join("manifest.json")).unwrap();
        refused(&target, &bad, "is not a Lớp Học backup").await;
        std::fs::write(bad.join("manifest.json"), b"{\"kind\": \"lophoc-ba").unwrap();
        refused(&target, &bad, "damaged").await;

        // A newer schema, a newer format.
        let edit = |name: &str, f: &dyn Fn(&mut serde_json::Value)| {
            let p = dir.0.join(name);
            copy_dir(&good, &p);
            let mut v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.join("manifest.json")).unwrap()).unwrap();
            f(&mut v);
            std::fs::write(p.join("manifest.json"), serde_json::to_vec(&v).unwrap()).unwrap();
            p
        };
        let latest = backup::latest_schema_version(t.engine);
        let newer = edit("newer", &|v| v["schema_version"] = (latest + 1).into());
        refused(&target, &newer, "newer than this lophoc knows").await;
        let format = edit("format", &|v| v["format"] = 99.into());
        refused(&target, &format, "format 99 is newer").await;

        // A target migrated past the archive (here: an archive one migration older).
        let previous = backup::migrator(t.engine)
            .migrations
            .iter()
            .map(|m| m.version)
            .filter(|v| *v < latest)
            .max()
            .unwrap();
        let older = edit("older", &|v| v["schema_version"] = previous.into());
        refused(&target, &older, "is newer than the backup's").await;

        // A target that is not empty.
        let busy = fresh_db(t.engine).await;
        busy.school("TH0999").await;
        let e = backup::restore(&busy.ctx, &good).await.unwrap_err();
        assert!(
            e.to_string()
                .starts_with("the target database is not empty (table "),
            "{e}"
        );
        assert_eq!(busy.count("schools").await, 1);
        assert_eq!(busy.count("materials").await, 0);

        // And the good archive still restores into the untouched target.
        backup::restore(&target.ctx, &good).await.unwrap();
        assert_eq!(target.count("materials").await, 1);
        assert!(target.ctx.files.exists(&blob.sha256).await);
    }
);

/// `lophoc restore` into a database that has never been migrated (a new SQLite file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restores_into_a_database_never_migrated() {
    let source = fresh_db(Engine::Sqlite).await;
    small(&source).await;
    let dir = TempDir::new();
    backup::backup(&source.ctx, &dir.0.join("b")).await.unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.0.join("new.db").display());
    let db = Db::connect(&url, 2).await.unwrap();
    let ctx = Ctx::new(db).with_files(crate::services::files::Files::local(
        dir.0.join("files"),
        crate::services::files::DEFAULT_MAX_BYTES,
    ));
    let r = backup::restore(&ctx, &dir.0.join("b")).await.unwrap();
    assert_eq!(
        r.schema_version,
        backup::latest_schema_version(Engine::Sqlite)
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM materials")
        .fetch_one(&ctx.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(files_under(&dir.0.join("files")).len(), 1);
}
