//! Backup and restore: one engine-neutral format for SQLite and PostgreSQL.
//!
//! `lophoc backup DEST` writes a directory:
//!
//! ```text
//! DEST/manifest.json               format and schema version, per table: columns, row count,
//!                                  SHA-256 and size of its data file; the stored files
//! DEST/tables/<table>.jsonl        one JSON array per row, in primary-key order
//! DEST/files/<aa>/<bb>/<sha256>    the bytes of every blob the database names (local store)
//! ```
//!
//! **Consistent while the server runs.** Every table is read in one read-only transaction:
//! `REPEATABLE READ` on PostgreSQL (one snapshot for the whole export), a deferred transaction on
//! SQLite in WAL mode (its snapshot is taken at the first read and held to the end; writers carry
//! on meanwhile). The bytes are copied after the rows: the store keeps a blob an hour after the
//! last material naming it is gone ([`SWEEP_GRACE`](super::files::SWEEP_GRACE)), so every blob
//! the snapshot names is still there.
//!
//! **Generic over tables.** The tables, their columns and primary keys and the foreign keys
//! between them are read from the database's catalogue (`sqlite_master` and `pragma_*`;
//! `pg_catalog`), so a table a later migration adds is in the next backup without a change here.
//! sqlx's own `_sqlx_migrations` is not copied: the latest migration applied is recorded as the
//! schema version instead, and restore runs the same migrations. Values are typed by the
//! column's kind ([`Kind`]): integers, reals, text, blobs (base64) and booleans; any other
//! PostgreSQL type travels as its text form and is cast back on restore.
//!
//! **One format for both engines.** Migrations carry the same versions on both engines and the
//! values are plain JSON, so a SQLite backup restores into PostgreSQL (a school outgrowing its
//! one machine) and back.
//!
//! **Restore writes nothing until the archive is proven whole.** `lophoc restore SRC` reads the
//! manifest, refuses a newer format or schema than this binary knows, checks the SHA-256 of
//! every data file and every blob, refuses a target database that holds any row or a newer
//! schema — and only then copies the blobs, migrates the empty database up to the archive's
//! schema version, inserts every table in one transaction (parents before children, and within
//! a table that refers to itself, a row's parent before it), sets PostgreSQL's sequences past
//! the restored ids, and finally applies the migrations the archive predates.
//!
//! With an S3 bucket, the archive lists the objects the database names (their keys and sizes)
//! rather than copying them: the bucket has its own versioning and replication. Restoring such
//! an archive checks that every object is in the target bucket first.

use super::Ctx;
use super::db::Engine;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Executor, Row};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The version of the archive's layout. A newer one is refused by an older binary.
pub const FORMAT_VERSION: u32 = 1;

/// The manifest's file name inside an archive.
pub const MANIFEST: &str = "manifest.json";

/// sqlx's bookkeeping table, recorded as [`Manifest::schema_version`] instead of copied.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// The columns that name blobs of the file store (by their SHA-256). A new table that stores
/// bytes adds its column here.
const BLOB_COLUMNS: &[(&str, &str)] = &[("material_versions", "sha256"), ("materials", "sha256")];

/// Rows per multi-row `INSERT`, and the most placeholders one may carry (SQLite allows 32,766,
/// PostgreSQL 65,535).
const BATCH_ROWS: usize = 500;
const BATCH_PARAMS: usize = 30_000;

/// A failure of backup or restore, as the one line the command prints.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BackupError(pub String);

impl BackupError {
    fn new(s: impl Into<String>) -> BackupError {
        BackupError(s.into())
    }
}

fn db_err(what: &str) -> impl Fn(sqlx::Error) -> BackupError + '_ {
    move |e| BackupError(format!("{what}: {e}"))
}

fn io_err(what: String) -> impl FnOnce(std::io::Error) -> BackupError {
    move |e| BackupError(format!("{what}: {e}"))
}

/// How a column's values are written in the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A 64-bit integer (a JSON number).
    Integer,
    /// A float (a JSON number).
    Real,
    /// Text (a JSON string); also PostgreSQL types without a kind of their own, as their text.
    Text,
    /// Bytes (a base64 string).
    Blob,
    /// A boolean (JSON `true`/`false`).
    Boolean,
}

/// A column of a backed-up table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnEntry {
    /// Its name.
    pub name: String,
    /// How its values are written.
    pub kind: Kind,
    /// The type the source database declares (for people; restore uses the target's).
    pub sql_type: String,
}

/// A backed-up table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// Its name.
    pub name: String,
    /// Its columns, in the order of each row's array.
    pub columns: Vec<ColumnEntry>,
    /// The primary key's columns (the rows' order).
    pub primary_key: Vec<String>,
    /// How many rows.
    pub rows: u64,
    /// The data file, relative to the archive.
    pub file: String,
    /// The data file's SHA-256 (hex).
    pub sha256: String,
    /// The data file's size in bytes.
    pub bytes: u64,
}

/// A stored file the database names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobEntry {
    /// Its SHA-256 (hex): its name in the store and the check of its bytes.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// The file in the archive (`files/aa/bb/sha`), or the object's key in the bucket when the
    /// bytes were not copied.
    pub path: String,
}

/// The stored files of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilesEntry {
    /// The store they came from: `local` or `s3`.
    pub backend: String,
    /// Whether their bytes are in the archive (a local store) or only listed (a bucket).
    pub included: bool,
    /// Every blob the database names.
    pub blobs: Vec<BlobEntry>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `lophoc-backup`.
    pub kind: String,
    /// [`FORMAT_VERSION`] of the binary that wrote it.
    pub format: u32,
    /// The latest migration applied to the source database.
    pub schema_version: i64,
    /// The source engine (`sqlite` or `postgres`), for people.
    pub engine: String,
    /// When the backup was taken (unix seconds).
    pub created_at: i64,
    /// The version of the binary that wrote it.
    pub app_version: String,
    /// Every table but sqlx's migrations.
    pub tables: Vec<TableEntry>,
    /// The stored files.
    pub files: FilesEntry,
}

impl Manifest {
    /// Rows in all tables.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The manifest.
    pub manifest: Manifest,
    /// Bytes written in all (data files, blobs, manifest).
    pub bytes: u64,
}

/// What a restore loaded.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The archive's manifest.
    pub manifest: Manifest,
    /// Blobs copied into the file store (0 when they were only listed).
    pub blobs_copied: u64,
    /// The schema version the database has now (after the newer migrations).
    pub schema_version: i64,
}

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    /// PostgreSQL: the type to cast a text value back into (`Kind::Text` of another type).
    pg_cast: Option<String>,
    sql_type: String,
}

#[derive(Debug, Clone)]
struct ForeignKey {
    parent: String,
    /// Single-column keys: (column, referenced column).
    columns: Option<(String, String)>,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    foreign_keys: Vec<ForeignKey>,
    /// PostgreSQL: a column `GENERATED ALWAYS AS IDENTITY` (inserting ids needs `OVERRIDING
    /// SYSTEM VALUE`).
    identity_always: bool,
}

/// An identifier quoted for both engines.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sqlite_kind(declared: &str) -> Result<Kind, String> {
    // SQLite's own affinity rules (https://sqlite.org/datatype3.html §3.1), in their order.
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        Ok(Kind::Integer)
    } else if t.contains("char") || t.contains("clob") || t.contains("text") {
        Ok(Kind::Text)
    } else if t.contains("blob") {
        Ok(Kind::Blob)
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
        Ok(Kind::Real)
    } else if t.contains("bool") {
        Ok(Kind::Integer)
    } else {
        Err(declared.to_owned())
    }
}

/// A PostgreSQL type's kind, and the cast back from text for types without one.
fn pg_kind(ty: &str) -> (Kind, Option<String>) {
    match ty {
        "smallint" | "integer" | "bigint" => (Kind::Integer, None),
        "real" | "double precision" => (Kind::Real, None),
        "boolean" => (Kind::Boolean, None),
        "bytea" => (Kind::Blob, None),
        "text" => (Kind::Text, None),
        t if t.starts_with("character") => (Kind::Text, None),
        other => (Kind::Text, Some(other.to_owned())),
    }
}

async fn catalogue(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
) -> Result<Vec<Table>, BackupError> {
    let names: Vec<String> = match engine {
        Engine::Sqlite => {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await
        }
        Engine::Postgres => {
            sqlx::query_scalar(
                "SELECT c.relname::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition \
             ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await
        }
    }
    .map_err(db_err("reading the list of tables"))?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| n != MIGRATIONS_TABLE) {
        tables.push(match engine {
            Engine::Sqlite => sqlite_table(conn, name).await?,
            Engine::Postgres => pg_table(conn, name).await?,
        });
    }
    Ok(tables)
}

async fn sqlite_table(conn: &mut sqlx::AnyConnection, name: String) -> Result<Table, BackupError> {
    let what = format!("reading the columns of {name}");
    let rows = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
        .bind(name.clone())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err(&what))?;
    let mut columns = Vec::new();
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in rows {
        let col: String = r.try_get(0).map_err(db_err(&what))?;
        let ty: String = r.try_get(1).map_err(db_err(&what))?;
        let pos: i64 = r.try_get(2).map_err(db_err(&what))?;
        let kind = sqlite_kind(&ty).map_err(|t| {
            BackupError(format!(
                "column {name}.{col} has the type {t:?}, which backups do not support"
            ))
        })?;
        if pos > 0 {
            pk.push((pos, col.clone()));
        }
        columns.push(Column {
            name: col,
            kind,
            pg_cast: None,
            sql_type: ty,
        });
    }
    pk.sort();
    let what = format!("reading the foreign keys of {name}");
    let fks = sqlx::query(
        "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1) ORDER BY id, seq",
    )
    .bind(name.clone())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err(&what))?;
    let mut by_id: BTreeMap<i64, (String, Vec<(String, Option<String>)>)> = BTreeMap::new();
    for r in fks {
        let id: i64 = r.try_get(0).map_err(db_err(&what))?;
        let parent: String = r.try_get(1).map_err(db_err(&what))?;
        let from: String = r.try_get(2).map_err(db_err(&what))?;
        let to: Option<String> = r.try_get(3).map_err(db_err(&what))?;
        by_id
            .entry(id)
            .or_insert_with(|| (parent, Vec::new()))
            .1
            .push((from, to));
    }
    let primary_key: Vec<String> = pk.into_iter().map(|(_, c)| c).collect();
    let foreign_keys = by_id
        .into_values()
        .map(|(parent, cols)| {
            let columns = match cols.as_slice() {
                [(from, Some(to))] => Some((from.clone(), to.clone())),
                // `REFERENCES t` without a column names t's primary key; ours is `id`.
                [(from, None)] => Some((from.clone(), "id".to_owned())),
                _ => None,
            };
            ForeignKey { parent, columns }
        })
        .collect();
    Ok(Table {
        name,
        columns,
        primary_key,
        foreign_keys,
        identity_always: false,
    })
}

async fn pg_table(conn: &mut sqlx::AnyConnection, name: String) -> Result<Table, BackupError> {
    let what = format!("reading the columns of {name}");
    let rows = sqlx::query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)::text, \
                a.attidentity::text \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 \
           AND NOT a.attisdropped AND a.attgenerated = '' \
         ORDER BY a.attnum",
    )
    .bind(name.clone())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err(&what))?;
    let mut columns = Vec::new();
    let mut identity_always = false;
    for r in rows {
        let col: String = r.try_get(0).map_err(db_err(&what))?;
        let ty: String = r.try_get(1).map_err(db_err(&what))?;
        let identity: String = r.try_get(2).map_err(db_err(&what))?;
        identity_always |= identity == "a";
        let (kind, pg_cast) = pg_kind(&ty);
        columns.push(Column {
            name: col,
            kind,
            pg_cast,
            sql_type: ty,
        });
    }
    let what = format!("reading the primary key of {name}");
    let primary_key: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) \
         WHERE n.nspname = current_schema() AND c.relname = $1 AND i.indisprimary \
         ORDER BY array_position(i.indkey::int2[], a.attnum)",
    )
    .bind(name.clone())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err(&what))?;
    let what = format!("reading the foreign keys of {name}");
    let fks = sqlx::query(
        "SELECT p.relname::text, \
                CASE WHEN cardinality(k.conkey) = 1 THEN \
                  (SELECT attname::text FROM pg_attribute WHERE attrelid = k.conrelid \
                     AND attnum = k.conkey[1]) END, \
                CASE WHEN cardinality(k.confkey) = 1 THEN \
                  (SELECT attname::text FROM pg_attribute WHERE attrelid = k.confrelid \
                     AND attnum = k.confkey[1]) END \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
         JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1 \
         ORDER BY k.conname",
    )
    .bind(name.clone())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err(&what))?;
    let mut foreign_keys = Vec::new();
    for r in fks {
        let parent: String = r.try_get(0).map_err(db_err(&what))?;
        let from: Option<String> = r.try_get(1).map_err(db_err(&what))?;
        let to: Option<String> = r.try_get(2).map_err(db_err(&what))?;
        foreign_keys.push(ForeignKey {
            parent,
            columns: from.zip(to),
        });
    }
    Ok(Table {
        name,
        columns,
        primary_key,
        foreign_keys,
        identity_always,
    })
}

/// The latest migration applied, or `None` when the database has never been migrated.
async fn applied_version(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
) -> Result<Option<i64>, BackupError> {
    let exists: i64 = match engine {
        Engine::Sqlite => sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        ),
        Engine::Postgres => sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relname = $1",
        ),
    }
    .bind(MIGRATIONS_TABLE)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err("reading the schema version"))?;
    if exists == 0 {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut *conn)
        .await
        .map_err(db_err("reading the schema version"))
}

/// The latest migration applied to a database, or `None` when it has never been migrated.
pub async fn schema_version(db: &super::Db) -> Result<Option<i64>, BackupError> {
    let mut conn = db
        .pool
        .acquire()
        .await
        .map_err(db_err("connecting to the database"))?;
    applied_version(&mut conn, db.engine).await
}

/// The migrations this binary carries for an engine.
pub fn migrator(engine: Engine) -> sqlx::migrate::Migrator {
    match engine {
        Engine::Sqlite => sqlx::migrate!("src/migrations/sqlite"),
        Engine::Postgres => sqlx::migrate!("src/migrations/postgres"),
    }
}

/// The newest schema version this binary knows.
pub fn latest_schema_version(engine: Engine) -> i64 {
    migrator(engine)
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------------------------

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn select_list(t: &Table, engine: Engine) -> String {
    t.columns
        .iter()
        .map(|c| {
            let q = quote(&c.name);
            match (engine, c.kind, &c.pg_cast) {
                (Engine::Postgres, _, Some(_)) => format!("CAST({q} AS TEXT)"),
                (Engine::Postgres, Kind::Integer, _) => format!("CAST({q} AS BIGINT)"),
                (Engine::Postgres, Kind::Real, _) => format!("CAST({q} AS DOUBLE PRECISION)"),
                _ => q,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn order_by(t: &Table) -> String {
    let cols: Vec<String> = if t.primary_key.is_empty() {
        t.columns.iter().map(|c| quote(&c.name)).collect()
    } else {
        t.primary_key.iter().map(|c| quote(c)).collect()
    };
    cols.join(", ")
}

fn cell(r: &sqlx::any::AnyRow, i: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Integer => r
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::from),
        Kind::Real => match r.try_get::<Option<f64>, _>(i)? {
            None => Value::Null,
            Some(f) => serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| sqlx::Error::Decode(format!("{f} is not a finite number").into()))?,
        },
        Kind::Text => r
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::from),
        Kind::Blob => r
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, |b| {
                Value::from(base64::engine::general_purpose::STANDARD.encode(b))
            }),
        Kind::Boolean => r
            .try_get::<Option<bool>, _>(i)?
            .map_or(Value::Null, Value::from),
    })
}

async fn export_table(
    tx: &mut sqlx::AnyConnection,
    engine: Engine,
    t: &Table,
    dir: &Path,
) -> Result<TableEntry, BackupError> {
    use futures::TryStreamExt;
    let file = format!("tables/{}.jsonl", t.name);
    let path = dir.join(&file);
    let f =
        std::fs::File::create(&path).map_err(io_err(format!("cannot write {}", path.display())))?;
    let mut w = Hashing {
        inner: std::io::BufWriter::with_capacity(1 << 20, f),
        hasher: Sha256::new(),
        bytes: 0,
    };
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        select_list(t, engine),
        quote(&t.name),
        order_by(t)
    );
    let what = format!("reading {}", t.name);
    let mut rows = sqlx::query(&sql).fetch(&mut *tx);
    let mut n = 0u64;
    let mut line = Vec::with_capacity(t.columns.len());
    while let Some(r) = rows.try_next().await.map_err(db_err(&what))? {
        line.clear();
        for (i, c) in t.columns.iter().enumerate() {
            line.push(
                cell(&r, i, c.kind)
                    .map_err(|e| BackupError(format!("reading {}.{}: {e}", t.name, c.name)))?,
            );
        }
        serde_json::to_writer(&mut w, &line)
            .map_err(|e| BackupError(format!("writing {}: {e}", path.display())))?;
        w.write_all(b"\n")
            .map_err(io_err(format!("writing {}", path.display())))?;
        n += 1;
    }
    drop(rows);
    w.flush()
        .map_err(io_err(format!("writing {}", path.display())))?;
    let Hashing {
        inner,
        hasher,
        bytes,
    } = w;
    inner
        .into_inner()
        .map_err(|e| BackupError(format!("writing {}: {e}", path.display())))?
        .sync_all()
        .map_err(io_err(format!("writing {}", path.display())))?;
    Ok(TableEntry {
        name: t.name.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| ColumnEntry {
                name: c.name.clone(),
                kind: c.kind,
                sql_type: c.sql_type.clone(),
            })
            .collect(),
        primary_key: t.primary_key.clone(),
        rows: n,
        file,
        sha256: hex::encode(hasher.finalize()),
        bytes,
    })
}

fn blob_rel_path(sha: &str) -> String {
    format!("files/{}/{}/{sha}", &sha[0..2], &sha[2..4])
}

/// Copies one blob from the store into the archive, checking its bytes against its name.
async fn copy_blob_out(ctx: &Ctx, sha: &str, dest: &Path) -> Result<u64, BackupError> {
    use futures::StreamExt;
    let opened = ctx.files.open(sha).await.map_err(|_| {
        BackupError(format!(
            "the stored file {sha} the database names is missing"
        ))
    })?;
    let len = opened.len;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)
            .map_err(io_err(format!("cannot create {}", parent.display())))?;
    }
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(dest).map_err(io_err(format!("cannot write {}", dest.display())))?,
    );
    let mut hasher = Sha256::new();
    let mut stream = opened
        .range(0, len.saturating_sub(1))
        .await
        .map_err(|_| BackupError(format!("cannot read the stored file {sha}")))?;
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| BackupError(format!("reading the stored file {sha}: {e}")))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        out.write_all(&chunk)
            .map_err(io_err(format!("writing {}", dest.display())))?;
    }
    out.into_inner()
        .map_err(|e| BackupError(format!("writing {}: {e}", dest.display())))?
        .sync_all()
        .map_err(io_err(format!("writing {}", dest.display())))?;
    if hex::encode(hasher.finalize()) != sha {
        return Err(BackupError(format!(
            "the stored file {sha} is damaged: its bytes do not hash to its name"
        )));
    }
    Ok(size)
}

/// Writes a backup of the database and the stored files to the directory `dest`, which must
/// not exist or be empty. The archive is written beside it and renamed into place at the end,
/// so `dest` never holds half a backup.
pub async fn backup(ctx: &Ctx, dest: &Path) -> Result<BackupReport, BackupError> {
    if let Ok(mut entries) = std::fs::read_dir(dest) {
        if entries.next().is_some() {
            return Err(BackupError(format!(
                "{} exists and is not empty: back up into a new directory",
                dest.display()
            )));
        }
    } else if dest.exists() {
        return Err(BackupError(format!(
            "{} exists and is not a directory",
            dest.display()
        )));
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let base = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_owned());
    let work = parent.join(format!(".{base}.partial-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(work.join("tables"))
        .map_err(io_err(format!("cannot create {}", work.display())))?;
    let result = write_archive(ctx, &work).await;
    match result {
        Ok(report) => {
            let _ = std::fs::remove_dir(dest);
            std::fs::rename(&work, dest).map_err(io_err(format!(
                "cannot move the backup into {}",
                dest.display()
            )))?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            Err(e)
        }
    }
}

async fn write_archive(ctx: &Ctx, dir: &Path) -> Result<BackupReport, BackupError> {
    let engine = ctx.db.engine;
    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .map_err(db_err("starting the backup's transaction"))?;
    if engine == Engine::Postgres {
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(db_err("starting the backup's snapshot"))?;
    }
    // On SQLite the snapshot is taken by this first read and held until the end.
    let schema_version = applied_version(&mut tx, engine)
        .await?
        .ok_or_else(|| BackupError::new("the database has no schema yet: nothing to back up"))?;
    let tables = catalogue(&mut tx, engine).await?;
    let mut entries = Vec::with_capacity(tables.len());
    for t in &tables {
        entries.push(export_table(&mut tx, engine, t, dir).await?);
    }
    // The blobs named in the same snapshot.
    let mut shas: BTreeSet<String> = BTreeSet::new();
    for (table, column) in BLOB_COLUMNS {
        let Some(t) = tables.iter().find(|t| t.name == *table) else {
            continue;
        };
        if !t.columns.iter().any(|c| c.name == *column) {
            continue;
        }
        let sql = format!(
            "SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL",
            c = quote(column),
            t = quote(table)
        );
        let got: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err("listing the stored files"))?;
        shas.extend(got);
    }
    tx.rollback()
        .await
        .map_err(db_err("ending the backup's transaction"))?;
    let included = ctx.files.backend_name() == "local";
    let mut blobs = Vec::with_capacity(shas.len());
    let mut bytes: u64 = entries.iter().map(|e| e.bytes).sum();
    for sha in shas {
        if !super::files::is_sha256(&sha) {
            return Err(BackupError(format!(
                "the database names a stored file {sha:?} that is not a SHA-256"
            )));
        }
        let rel = blob_rel_path(&sha);
        let size = if included {
            let size = copy_blob_out(ctx, &sha, &dir.join(&rel)).await?;
            bytes += size;
            size
        } else {
            ctx.files
                .open(&sha)
                .await
                .map_err(|_| {
                    BackupError(format!(
                        "the object {sha} the database names is missing from the bucket"
                    ))
                })?
                .len
        };
        blobs.push(BlobEntry {
            sha256: sha.clone(),
            size,
            path: if included {
                rel
            } else {
                format!("{}/{}/{sha}", &sha[0..2], &sha[2..4])
            },
        });
    }
    let manifest = Manifest {
        kind: "lophoc-backup".into(),
        format: FORMAT_VERSION,
        schema_version,
        engine: match engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
        .into(),
        created_at: ctx.now(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        tables: entries,
        files: FilesEntry {
            backend: ctx.files.backend_name().into(),
            included,
            blobs,
        },
    };
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError(format!("writing the manifest: {e}")))?;
    let path = dir.join(MANIFEST);
    let mut f =
        std::fs::File::create(&path).map_err(io_err(format!("cannot write {}", path.display())))?;
    f.write_all(&text)
        .and_then(|_| f.sync_all())
        .map_err(io_err(format!("writing {}", path.display())))?;
    bytes += text.len() as u64;
    Ok(BackupReport { manifest, bytes })
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let n = std::io::copy(&mut f, &mut h)?;
    Ok((hex::encode(h.finalize()), n))
}

/// A relative path of the archive that stays inside it.
fn inside(root: &Path, rel: &str) -> Result<PathBuf, BackupError> {
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(BackupError(format!(
            "the backup is damaged: the manifest names the file {rel:?} outside the backup"
        )));
    }
    Ok(root.join(p))
}

/// Reads and checks an archive without touching any database: the manifest, its format and
/// schema version against what this binary knows for `engine`, and the SHA-256 of every data
/// file and every blob.
pub fn verify(src: &Path, engine: Engine) -> Result<Manifest, BackupError> {
    let path = src.join(MANIFEST);
    let text = std::fs::read(&path).map_err(|e| {
        BackupError(format!(
            "{} is not a Lớp Học backup: cannot read {MANIFEST} ({e})",
            src.display()
        ))
    })?;
    // The format first, from a loose reading: a newer archive may not parse as this one.
    let loose: Value = serde_json::from_slice(&text).map_err(|e| {
        BackupError(format!(
            "the backup is damaged: {MANIFEST} is not JSON ({e})"
        ))
    })?;
    if loose.get("kind").and_then(Value::as_str) != Some("lophoc-backup") {
        return Err(BackupError(format!(
            "{} is not a Lớp Học backup",
            src.display()
        )));
    }
    let format = loose.get("format").and_then(Value::as_u64).unwrap_or(0);
    if format > u64::from(FORMAT_VERSION) {
        return Err(BackupError(format!(
            "the backup's format {format} is newer than this lophoc reads ({FORMAT_VERSION}): restore it with a newer lophoc"
        )));
    }
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| BackupError(format!("the backup is damaged: {MANIFEST}: {e}")))?;
    let known = migrator(engine);
    let latest = latest_schema_version(engine);
    if manifest.schema_version > latest {
        return Err(BackupError(format!(
            "the backup's schema version {} is newer than this lophoc knows ({latest}): restore it with a newer lophoc",
            manifest.schema_version
        )));
    }
    if !known
        .migrations
        .iter()
        .any(|m| m.version == manifest.schema_version)
    {
        return Err(BackupError(format!(
            "the backup's schema version {} is not one this lophoc knows",
            manifest.schema_version
        )));
    }
    let mut seen = BTreeSet::new();
    for t in &manifest.tables {
        if !seen.insert(t.name.as_str()) || t.name == MIGRATIONS_TABLE {
            return Err(BackupError(format!(
                "the backup is damaged: the manifest lists the table {} twice",
                t.name
            )));
        }
        let path = inside(src, &t.file)?;
        let (sha, size) = sha256_file(&path).map_err(|e| {
            BackupError(format!(
                "the backup is damaged: cannot read {} ({e})",
                t.file
            ))
        })?;
        if sha != t.sha256 || size != t.bytes {
            return Err(BackupError(format!(
                "the backup is damaged: {} does not match its checksum",
                t.file
            )));
        }
    }
    if manifest.files.included {
        for b in &manifest.files.blobs {
            if !super::files::is_sha256(&b.sha256) {
                return Err(BackupError(format!(
                    "the backup is damaged: the stored file {:?} is not named by a SHA-256",
                    b.sha256
                )));
            }
            let path = inside(src, &b.path)?;
            let (sha, size) = sha256_file(&path).map_err(|e| {
                BackupError(format!(
                    "the backup is damaged: the stored file {} is missing ({e})",
                    b.path
                ))
            })?;
            if sha != b.sha256 || size != b.size {
                return Err(BackupError(format!(
                    "the backup is damaged: the stored file {} does not match its checksum",
                    b.path
                )));
            }
        }
    }
    Ok(manifest)
}

/// Restores the archive `src` into the empty database and file store of `ctx`.
///
/// Refused with nothing written: an archive that is damaged (a checksum that does not match, a
/// missing file), of a newer format or schema than this binary knows; a target database with
/// any row in any table, or migrated past the archive's schema; an archive of a bucket's files
/// when the target bucket lacks one of them (or has no bucket).
pub async fn restore(ctx: &Ctx, src: &Path) -> Result<RestoreReport, BackupError> {
    let engine = ctx.db.engine;
    let manifest = verify(src, engine)?;

    // The target must be empty, and not migrated past the archive.
    let mut conn = ctx
        .db
        .pool
        .acquire()
        .await
        .map_err(db_err("connecting to the target database"))?;
    if let Some(v) = applied_version(&mut conn, engine).await? {
        if v > manifest.schema_version {
            return Err(BackupError(format!(
                "the target database's schema version {v} is newer than the backup's ({}): restore into a new, empty database",
                manifest.schema_version
            )));
        }
    }
    for t in catalogue(&mut conn, engine).await? {
        let sql = format!("SELECT COUNT(*) FROM {}", quote(&t.name));
        let n: i64 = sqlx::query_scalar(&sql)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err("checking that the target database is empty"))?;
        if n > 0 {
            return Err(BackupError(format!(
                "the target database is not empty (table {} has {n} rows): restore into an empty database",
                t.name
            )));
        }
    }
    drop(conn);

    // A bucket's objects are not in the archive: they must be in the target bucket.
    if !manifest.files.included && !manifest.files.blobs.is_empty() {
        if ctx.files.backend_name() != "s3" {
            return Err(BackupError::new(
                "the backup lists files of an S3 bucket without their bytes: configure that bucket (LOPHOC_S3_BUCKET) to restore it",
            ));
        }
        for b in &manifest.files.blobs {
            if !ctx.files.exists(&b.sha256).await {
                return Err(BackupError(format!(
                    "the object {} the backup names is missing from the bucket",
                    b.path
                )));
            }
        }
    }

    // Proven whole: now write. Bytes first, so no restored row names bytes not yet stored
    // (bytes no row names are swept after an hour should the rows fail).
    let mut blobs_copied = 0;
    if manifest.files.included {
        let files = ctx.files.with_max_bytes(u64::MAX);
        for b in &manifest.files.blobs {
            if files.exists(&b.sha256).await {
                continue;
            }
            copy_blob_in(&files, src, b).await?;
            blobs_copied += 1;
        }
    }

    let known = migrator(engine);
    let upto = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            known
                .migrations
                .iter()
                .filter(|m| m.version <= manifest.schema_version)
                .cloned()
                .collect(),
        ),
        ..migrator(engine)
    };
    upto.run(&ctx.db.pool)
        .await
        .map_err(|e| BackupError(format!("migrating the target database: {e}")))?;

    let mut tx = ctx
        .db
        .pool
        .begin()
        .await
        .map_err(db_err("starting the restore's transaction"))?;
    if engine == Engine::Sqlite {
        // Checked at COMMIT instead of row by row (a safety net: the order below already puts
        // parents first).
        tx.execute("PRAGMA defer_foreign_keys = ON")
            .await
            .map_err(db_err("deferring foreign keys"))?;
    }
    let targets = catalogue(&mut tx, engine).await?;
    let by_name: HashMap<&str, &Table> = targets.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &manifest.tables {
        let Some(target) = by_name.get(t.name.as_str()) else {
            return Err(BackupError(format!(
                "the table {} of the backup is not in the database at schema version {}",
                t.name, manifest.schema_version
            )));
        };
        for c in &t.columns {
            if !target.columns.iter().any(|tc| tc.name == c.name) {
                return Err(BackupError(format!(
                    "the column {}.{} of the backup is not in the database at schema version {}",
                    t.name, c.name, manifest.schema_version
                )));
            }
        }
    }
    for name in dependency_order(&targets) {
        let Some(entry) = manifest.tables.iter().find(|t| t.name == name) else {
            continue;
        };
        let Some(target) = by_name.get(name.as_str()) else {
            continue;
        };
        import_table(&mut tx, src, entry, target).await?;
    }
    if engine == Engine::Postgres {
        reset_sequences(&mut tx, &targets).await?;
    }
    tx.commit()
        .await
        .map_err(db_err("committing the restored rows"))?;

    // The migrations newer than the archive, as a server starting on it would run them.
    ctx.db
        .migrate()
        .await
        .map_err(|e| BackupError(format!("migrating the restored database: {e}")))?;
    Ok(RestoreReport {
        manifest,
        blobs_copied,
        schema_version: latest_schema_version(engine),
    })
}

async fn copy_blob_in(
    files: &super::files::Files,
    src: &Path,
    b: &BlobEntry,
) -> Result<(), BackupError> {
    use std::io::Read;
    let path = inside(src, &b.path)?;
    let mut staged = files
        .stage()
        .await
        .map_err(|_| BackupError::new("cannot write to the file store"))?;
    let mut f =
        std::fs::File::open(&path).map_err(io_err(format!("cannot read {}", path.display())))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(io_err(format!("reading {}", path.display())))?;
        if n == 0 {
            break;
        }
        staged
            .write(&buf[..n])
            .await
            .map_err(|_| BackupError::new("cannot write to the file store"))?;
    }
    let (blob, _) = staged
        .commit()
        .await
        .map_err(|_| BackupError::new("cannot write to the file store"))?;
    if blob.sha256 != b.sha256 {
        return Err(BackupError(format!(
            "the backup is damaged: the stored file {} changed while it was restored",
            b.path
        )));
    }
    Ok(())
}

/// Tables ordered so that every table comes after the tables it refers to (names in order
/// where nothing decides; a cycle, which the schema does not have, is broken by name).
fn dependency_order(tables: &[Table]) -> Vec<String> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for t in tables {
        let ps = parents.entry(t.name.as_str()).or_default();
        for fk in &t.foreign_keys {
            if fk.parent != t.name && names.contains(fk.parent.as_str()) {
                ps.insert(fk.parent.as_str());
            }
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(tables.len());
    let mut done: BTreeSet<&str> = BTreeSet::new();
    while done.len() < names.len() {
        let ready: Vec<&str> = parents
            .iter()
            .filter(|(n, ps)| !done.contains(*n) && ps.iter().all(|p| done.contains(p)))
            .map(|(n, _)| *n)
            .collect();
        let next = if ready.is_empty() {
            // A cycle: take the first left (SQLite defers the check to COMMIT).
            names
                .iter()
                .copied()
                .filter(|n| !done.contains(n))
                .take(1)
                .collect()
        } else {
            ready
        };
        for n in next {
            done.insert(n);
            out.push(n.to_owned());
        }
    }
    out
}

fn read_rows(path: &Path, width: usize, file: &str) -> Result<Vec<Vec<Value>>, BackupError> {
    let f = std::fs::File::open(path).map_err(io_err(format!("cannot read {}", path.display())))?;
    let mut rows = Vec::new();
    for (i, line) in std::io::BufReader::with_capacity(1 << 20, f)
        .lines()
        .enumerate()
    {
        let line = line.map_err(io_err(format!("reading {}", path.display())))?;
        let row: Vec<Value> = serde_json::from_str(&line).map_err(|e| {
            BackupError(format!("the backup is damaged: {file} line {}: {e}", i + 1))
        })?;
        if row.len() != width {
            return Err(BackupError(format!(
                "the backup is damaged: {file} line {} has {} values, not {width}",
                i + 1,
                row.len()
            )));
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Orders a table's rows so that a row comes after the row it refers to through a key of the
/// table to itself (a school merged into a school created after it).
fn parents_first(rows: Vec<Vec<Value>>, links: &[(usize, usize)]) -> Vec<Vec<Value>> {
    if links.is_empty() {
        return rows;
    }
    let n = rows.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    // For each referenced column, the row holding each value.
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    for &(_, to) in links {
        for (i, r) in rows.iter().enumerate() {
            index.insert((to, r[to].to_string()), i);
        }
    }
    for start in 0..n {
        let mut stack = vec![start];
        while let Some(&i) = stack.last() {
            if placed[i] {
                stack.pop();
                continue;
            }
            let pending = links.iter().find_map(|&(from, to)| {
                let v = &rows[i][from];
                if v.is_null() {
                    return None;
                }
                index
                    .get(&(to, v.to_string()))
                    .copied()
                    .filter(|&p| p != i && !placed[p] && !stack.contains(&p))
            });
            match pending {
                Some(p) => stack.push(p),
                None => {
                    placed[i] = true;
                    order.push(i);
                    stack.pop();
                }
            }
        }
    }
    let mut slots: Vec<Option<Vec<Value>>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind<'q>(q: AnyQuery<'q>, v: &Value, kind: Kind, at: &str) -> Result<AnyQuery<'q>, BackupError> {
    let bad = || {
        BackupError(format!(
            "the backup is damaged: {at} holds {v}, not a {kind:?} value"
        ))
    };
    Ok(match (kind, v) {
        (Kind::Integer, Value::Null) => q.bind(None::<i64>),
        (Kind::Integer, Value::Bool(b)) => q.bind(i64::from(*b)),
        (Kind::Integer, v) => q.bind(v.as_i64().ok_or_else(bad)?),
        (Kind::Real, Value::Null) => q.bind(None::<f64>),
        (Kind::Real, v) => q.bind(v.as_f64().ok_or_else(bad)?),
        (Kind::Text, Value::Null) => q.bind(None::<String>),
        (Kind::Text, Value::String(s)) => q.bind(s.clone()),
        (Kind::Text, _) => return Err(bad()),
        (Kind::Blob, Value::Null) => q.bind(None::<Vec<u8>>),
        (Kind::Blob, Value::String(s)) => q.bind(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|_| bad())?,
        ),
        (Kind::Blob, _) => return Err(bad()),
        (Kind::Boolean, Value::Null) => q.bind(None::<bool>),
        (Kind::Boolean, Value::Bool(b)) => q.bind(*b),
        (Kind::Boolean, v) => q.bind(v.as_i64().ok_or_else(bad)? != 0),
    })
}

async fn import_table(
    tx: &mut sqlx::AnyConnection,
    src: &Path,
    entry: &TableEntry,
    target: &Table,
) -> Result<(), BackupError> {
    if entry.rows == 0 {
        return Ok(());
    }
    let cols: Vec<&Column> = entry
        .columns
        .iter()
        .filter_map(|c| target.columns.iter().find(|tc| tc.name == c.name))
        .collect();
    let path = inside(src, &entry.file)?;
    let rows = read_rows(&path, entry.columns.len(), &entry.file)?;
    let pos = |name: &str| entry.columns.iter().position(|c| c.name == name);
    let links: Vec<(usize, usize)> = target
        .foreign_keys
        .iter()
        .filter(|fk| fk.parent == target.name)
        .filter_map(|fk| fk.columns.as_ref())
        .filter_map(|(from, to)| Some((pos(from)?, pos(to)?)))
        .collect();
    let rows = parents_first(rows, &links);
    let head = format!(
        "INSERT INTO {} ({}){} VALUES ",
        quote(&target.name),
        cols.iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", "),
        if target.identity_always {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        }
    );
    let per_batch = (BATCH_PARAMS / cols.len().max(1)).clamp(1, BATCH_ROWS);
    let what = format!("restoring {}", target.name);
    for (b, batch) in rows.chunks(per_batch).enumerate() {
        let mut sql = head.clone();
        let mut p = 0;
        for (i, _) in batch.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (j, c) in cols.iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                p += 1;
                match &c.pg_cast {
                    Some(ty) => sql.push_str(&format!("CAST(CAST(${p} AS TEXT) AS {ty})")),
                    None => sql.push_str(&format!("${p}")),
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for (i, row) in batch.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                let at = format!(
                    "{} line {} column {}",
                    entry.file,
                    b * per_batch + i + 1,
                    c.name
                );
                q = bind(q, &row[j], c.kind, &at)?;
            }
        }
        q.execute(&mut *tx).await.map_err(db_err(&what))?;
    }
    Ok(())
}

/// Sets every sequence of a serial or identity column past the largest restored value, so the
/// next row gets a new id.
async fn reset_sequences(
    tx: &mut sqlx::AnyConnection,
    tables: &[Table],
) -> Result<(), BackupError> {
    for t in tables {
        for c in t.columns.iter().filter(|c| c.kind == Kind::Integer) {
            let seq: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
                .bind(quote(&t.name))
                .bind(c.name.clone())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err("reading the sequences"))?;
            let Some(seq) = seq else { continue };
            let sql = format!(
                "SELECT setval(CAST($1 AS regclass), COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)",
                c = quote(&c.name),
                t = quote(&t.name)
            );
            sqlx::query(&sql)
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err("setting the sequences"))?;
        }
    }
    Ok(())
}

/// Every table's rows as column → value maps, read from an archive (tests compare two).
pub fn archive_rows(
    src: &Path,
    manifest: &Manifest,
) -> Result<BTreeMap<String, Vec<BTreeMap<String, Value>>>, BackupError> {
    let mut out = BTreeMap::new();
    for t in &manifest.tables {
        let path = inside(src, &t.file)?;
        let rows = read_rows(&path, t.columns.len(), &t.file)?
            .into_iter()
            .map(|r| {
                t.columns
                    .iter()
                    .map(|c| c.name.clone())
                    .zip(r)
                    .collect::<BTreeMap<_, _>>()
            })
            .collect();
        out.insert(t.name.clone(), rows);
    }
    Ok(out)
}
