//! The database: one schema, two engines.
//!
//! The choice, kept in this one place: queries are portable SQL with `$1` placeholders run
//! through sqlx's `Any` driver, using only the types it carries on both engines (64-bit integers,
//! text). Dates are `YYYY-MM-DD` text, timestamps unix seconds, flags 0/1. Only the migrations
//! differ per engine (`src/migrations/sqlite`, `src/migrations/postgres`), because DDL for
//! auto-increment keys does.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which engine a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, the embedded default (a file in the data directory).
    Sqlite,
    /// PostgreSQL, for a province or the nation.
    Postgres,
}

/// A connection pool and its engine.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The engine behind it.
    pub engine: Engine,
}

/// Failures opening or migrating the database, with a one-line reason for the CLI.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no engine we support.
    #[error("unsupported DATABASE_URL (use sqlite://FILE or postgres://…)")]
    UnsupportedUrl,
    /// Connecting failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl Engine {
    /// The engine a URL names.
    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

impl Db {
    /// Opens a pool. SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged write
    /// survives a power cut), foreign keys on, and a busy timeout so writers queue instead of
    /// failing with "database is locked".
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        let opts = AnyConnectOptions::from_str(url).map_err(DbError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await
            .map_err(DbError::Connect)?;
        Ok(Db { pool, engine })
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.engine {
            Engine::Sqlite => {
                sqlx::migrate!("src/migrations/sqlite")
                    .run(&self.pool)
                    .await
            }
            Engine::Postgres => {
                sqlx::migrate!("src/migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        }
        .map_err(DbError::Migrate)
    }

    /// Begins a transaction that reads and then writes (check, then insert or update) so that
    /// concurrent ones queue instead of failing. SQLite: `BEGIN IMMEDIATE`, because a deferred
    /// transaction that reads first fails with "database is locked" at once, busy timeout or
    /// not, when another writer got in between. PostgreSQL: `tables` are locked against other
    /// writers for the transaction (`SHARE ROW EXCLUSIVE`; readers are not blocked), so a
    /// check sees what a concurrent transaction committed instead of racing it to a unique
    /// violation.
    pub async fn begin_exclusive(
        &self,
        tables: &[&str],
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                if !tables.is_empty() {
                    let sql = format!(
                        "LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
                        tables.join(", ")
                    );
                    tx.execute(sql.as_str()).await?;
                }
                Ok(tx)
            }
        }
    }

    /// Begins a transaction that checks a per-key budget and then spends it (a school's storage
    /// quota), serialised with every other transaction begun here for the same `key`, so no
    /// two of them both see room for one. SQLite: `BEGIN IMMEDIATE` (the database's one write
    /// lock; these transactions are short). PostgreSQL: the row of `table` whose `key_column`
    /// is `key` is locked (`SELECT … FOR UPDATE`) until the end of the transaction; other keys
    /// and readers are not blocked. A key without a row locks nothing: it has no budget.
    /// `table` and `key_column` are this crate's names, never input.
    pub async fn begin_locking_row(
        &self,
        table: &'static str,
        key_column: &'static str,
        key: i64,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                let sql = format!("SELECT 1 FROM {table} WHERE {key_column} = $1 FOR UPDATE");
                sqlx::query(&sql).bind(key).fetch_optional(&mut *tx).await?;
                Ok(tx)
            }
        }
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }
}

/// Logs a database error and turns it into an error for the user: 503 `unavailable` with
/// `Retry-After` when the database is only too busy right now (see [`is_transient`]), else 500.
pub fn internal(e: sqlx::Error) -> crate::Error {
    if is_transient(&e) {
        tracing::warn!(error = %e, "database busy; answered 503");
        return crate::Error {
            retry_after: Some(RETRY_AFTER_BUSY),
            ..crate::Error::new(crate::ErrorCode::Unavailable)
        };
    }
    tracing::error!(error = %e, "database error");
    crate::Error::internal()
}

/// Seconds a client is asked to wait after a 503 for a busy database.
pub const RETRY_AFTER_BUSY: u64 = 2;

/// Whether an error means "overloaded, try again" rather than a bug: no connection free within
/// the pool's timeout; SQLite still locked when its busy timeout ran out (a writer stalled by a
/// slow disk); PostgreSQL's serialization failures, deadlocks, lock timeouts and connection
/// limit. Overload is answered 503 + `Retry-After` (RELIABILITY.md), not as a crash.
pub fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => {
            let code = d.code();
            let code = code.as_deref().unwrap_or("");
            // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6) with their extended codes.
            let sqlite_busy = matches!(code, "5" | "6" | "261" | "262" | "517")
                || d.message().contains("database is locked");
            let pg_transient = matches!(code, "40001" | "40P01" | "55P03" | "53300");
            sqlite_busy || pg_transient
        }
        _ => false,
    }
}

/// Whether an error is a unique-constraint violation (both engines).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || d.code().as_deref() == Some("23505")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// A value bound to a placeholder of a [`Where`] (the `Any` driver carries integers and text on
/// both engines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    /// A 64-bit integer.
    Int(i64),
    /// Text.
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Bind {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Bind {
        Bind::Text(v)
    }
}

impl From<&str> for Bind {
    fn from(v: &str) -> Bind {
        Bind::Text(v.to_owned())
    }
}

/// The conditions of a query, built one by one, with their parameters numbered as they are
/// added (`$1`, `$2`, … — the one dialect both engines read), so no caller counts placeholders.
#[derive(Debug, Clone, Default)]
pub struct Where {
    conds: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    /// No condition yet.
    pub fn new() -> Where {
        Where::default()
    }

    /// The next placeholder, bound to `v` (for `LIMIT`, `OFFSET` or a value outside `WHERE`).
    pub fn param(&mut self, v: impl Into<Bind>) -> String {
        self.binds.push(v.into());
        format!("${}", self.binds.len())
    }

    /// Adds `cond`, in which `{}` stands for the placeholder of `v`.
    pub fn and(&mut self, cond: &str, v: impl Into<Bind>) -> &mut Where {
        let p = self.param(v);
        self.conds.push(cond.replacen("{}", &p, 1));
        self
    }

    /// Adds a condition without a value.
    pub fn and_sql(&mut self, cond: &str) -> &mut Where {
        self.conds.push(cond.to_owned());
        self
    }

    /// Adds `column IN (…)` over `values` (nothing when empty: no condition).
    pub fn and_in(&mut self, column: &str, values: impl IntoIterator<Item = Bind>) -> &mut Where {
        let ps: Vec<String> = values.into_iter().map(|v| self.param(v)).collect();
        if !ps.is_empty() {
            self.conds.push(format!("{column} IN ({})", ps.join(", ")));
        }
        self
    }

    /// Adds `column LIKE '%word%'` for every word (each must match), escaped.
    pub fn and_words(&mut self, column: &str, words: &[String]) -> &mut Where {
        for w in words {
            self.and(
                &format!("{column} LIKE {{}} ESCAPE '\\'"),
                format!("%{}%", like_escape(w)),
            );
        }
        self
    }

    /// ` WHERE a AND b`, or nothing.
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }

    /// `sql` (which holds this clause) with every parameter bound.
    pub fn query<'q>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for b in &self.binds {
            q = match b {
                Bind::Int(i) => q.bind(*i),
                Bind::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }
}

/// Decodes a stored code strictly: an unknown value is an error (the row is corrupt or newer
/// than this binary), never a silent default.
pub fn decode<T>(
    what: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(value).ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {value:?}").into()))
}

/// Decodes a stored day (`YYYY-MM-DD` text, the one form both engines keep) strictly.
pub fn decode_date(s: &str) -> Result<chrono::NaiveDate, sqlx::Error> {
    decode("date", s, |s| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    })
}

/// Decodes a stored flag (0 or 1, the one form both engines keep) strictly.
pub fn decode_flag(what: &str, v: i64) -> Result<bool, sqlx::Error> {
    match v {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(sqlx::Error::Decode(
            format!("{what}: not a flag: {v}").into(),
        )),
    }
}

/// Reads a stored day from a row's column strictly (see [`decode_date`]).
pub fn get_date(r: &sqlx::any::AnyRow, column: &str) -> Result<chrono::NaiveDate, sqlx::Error> {
    use sqlx::Row;
    decode_date(&r.try_get::<String, _>(column)?)
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_as_values_are_added() {
        let mut w = Where::new();
        assert_eq!(w.sql(), "");
        w.and("a = {}", 1)
            .and_in("b", [Bind::from("x"), Bind::from("y")])
            .and_in("c", [])
            .and_sql("d IS NULL")
            .and_words("k", &["50%".to_owned()]);
        let limit = w.param(10);
        assert_eq!(
            w.sql(),
            " WHERE a = $1 AND b IN ($2, $3) AND d IS NULL AND k LIKE $4 ESCAPE '\\'"
        );
        assert_eq!(limit, "$5");
        assert_eq!(w.binds[3], Bind::Text("%50\\%%".into()));
        assert!(decode("kind", "tv", |s| (s == "tv").then_some(1)).is_ok());
        assert!(decode("kind", "toaster", |s| (s == "tv").then_some(1)).is_err());
    }

    #[test]
    fn overload_is_503_with_retry_after_not_500() {
        let e = internal(sqlx::Error::PoolTimedOut);
        assert_eq!(e.code, crate::ErrorCode::Unavailable);
        assert_eq!(e.code.status(), 503);
        assert_eq!(e.retry_after, Some(RETRY_AFTER_BUSY));
        let e = internal(sqlx::Error::RowNotFound);
        assert_eq!(e.code, crate::ErrorCode::Internal);
        assert_eq!(e.retry_after, None);
    }
}
