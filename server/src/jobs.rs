//! Background work of the server process.
//!
//! One round every minute: releasing bookings nobody picked up
//! ([`release_due`](lophoc::services::bookings::release_due)), and forgetting login-throttle
//! counters nobody has touched for a quarter of an hour
//! ([`forget_quiet`](lophoc::services::throttle::forget_quiet)), so a spray of made-up
//! usernames does not fill the table, and removing stored files that no material uses any more
//! ([`sweep`](lophoc::services::materials::sweep), after an hour's grace), and keeping the
//! pilot statuses made: today's when stale and one missing month of the trend a round
//! ([`refresh`](lophoc::services::pilot::refresh)). The services also release before
//! bookings are read or made, so a released period is free when someone looks; this job makes
//! the status right for reports and for pages nobody opens.
//!
//! **Several instances on one PostgreSQL run each round once.** A round first takes a
//! PostgreSQL advisory lock ([`JOB_LOCK`], `pg_try_advisory_lock` on a connection held for the
//! round): an instance that finds it taken skips the round instead of waiting. Under the lock
//! it reads when the last round started (the `settings` row [`LAST_ROUND_KEY`]) and skips when
//! another instance ran one less than a period ago, so N instances whose timers drift apart
//! still make one round a minute between them, not N. The lock is a session lock on a
//! dedicated connection rather than a transaction's, because a round is several transactions;
//! it is released at the end of the round, and if the process dies the connection closes and
//! PostgreSQL releases it. SQLite runs one process (the file is the lock): no lock there.

use futures::FutureExt;
use lophoc::services::{Ctx, Engine};
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

/// How often no-shows are released.
pub const RELEASE_EVERY: Duration = Duration::from_secs(60);

/// The advisory lock key of the minute's round (an arbitrary constant: "lophoc" and 1).
pub const JOB_LOCK: i64 = 0x6c6f_7068_6f63_0001;

/// The `settings` row holding when the last round started (unix seconds).
pub const LAST_ROUND_KEY: &str = "jobs.minute_round.started_at";

/// Seconds of slack between two instances' rounds: a round this much less than a period after
/// the last one still runs (timers are not exact).
const SLACK_SECONDS: u64 = 5;

/// What became of one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// This instance ran it.
    Ran,
    /// Another instance holds the lock, or ran a round less than a period ago.
    Skipped,
}

/// Runs one round every `every` until the process ends. A failure (the database away, a bug)
/// is logged and the next round runs as usual: the job never takes the server down with it.
pub fn spawn_release(ctx: Ctx, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        // After a stall (a suspended laptop, a long pause) one round is enough, not a burst.
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_round(&ctx, every).await {
                Ok(Round::Ran) => {}
                Ok(Round::Skipped) => {
                    metrics::counter!("lophoc_job_runs_total", "job" => "round", "outcome" => "skipped")
                        .increment(1);
                }
                Err(e) => {
                    metrics::counter!("lophoc_job_runs_total", "job" => "round", "outcome" => "failed")
                        .increment(1);
                    tracing::warn!(error = %e, "the background round could not start; retrying next round")
                }
            }
        }
    })
}

/// One round under the job lock (see the module's comment): `Skipped` when another instance
/// holds the lock or ran a round less than `every` ago.
pub async fn run_round(ctx: &Ctx, every: Duration) -> Result<Round, sqlx::Error> {
    match ctx.db.engine {
        Engine::Sqlite => {
            if claim_period(ctx, every).await? {
                jobs(ctx).await;
                Ok(Round::Ran)
            } else {
                Ok(Round::Skipped)
            }
        }
        Engine::Postgres => {
            let mut conn = ctx.db.pool.acquire().await?;
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(JOB_LOCK)
                .fetch_one(&mut *conn)
                .await?;
            if !got {
                return Ok(Round::Skipped);
            }
            let ran = AssertUnwindSafe(async {
                if claim_period(ctx, every).await? {
                    jobs(ctx).await;
                    Ok::<_, sqlx::Error>(Round::Ran)
                } else {
                    Ok(Round::Skipped)
                }
            })
            .catch_unwind()
            .await;
            let unlocked: Result<bool, _> = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
                .bind(JOB_LOCK)
                .fetch_one(&mut *conn)
                .await;
            if !matches!(unlocked, Ok(true)) {
                // Never hand a connection that may still hold the lock back to the pool:
                // closing it releases the lock.
                drop(conn.detach());
            }
            match ran {
                Ok(r) => r,
                Err(_) => {
                    tracing::error!("the background round panicked; retrying next round");
                    Ok(Round::Skipped)
                }
            }
        }
    }
}

/// Records that a round starts now, unless one started less than `every` (less the slack)
/// ago. Runs under the lock on PostgreSQL; on SQLite the one process is alone.
async fn claim_period(ctx: &Ctx, every: Duration) -> Result<bool, sqlx::Error> {
    let now = ctx.now();
    let gap = every.as_secs().saturating_sub(SLACK_SECONDS) as i64;
    let last: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(LAST_ROUND_KEY)
        .fetch_optional(&ctx.db.pool)
        .await?;
    if let Some(last) = last.and_then(|v| v.parse::<i64>().ok()) {
        if gap > 0 && now >= last && now - last < gap {
            return Ok(false);
        }
    }
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(LAST_ROUND_KEY)
    .bind(now.to_string())
    .execute(&ctx.db.pool)
    .await?;
    Ok(true)
}

/// Times one job and counts its outcome.
fn record(job: &'static str, started: Instant, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    metrics::counter!("lophoc_job_runs_total", "job" => job, "outcome" => outcome).increment(1);
    metrics::histogram!("lophoc_job_duration_seconds", "job" => job)
        .record(started.elapsed().as_secs_f64());
}

/// The round's jobs, each on its own: one failing does not keep the others from running.
async fn jobs(ctx: &Ctx) {
    let started = Instant::now();
    let round = AssertUnwindSafe(lophoc::services::bookings::release_due(ctx));
    match round.catch_unwind().await {
        Ok(Ok(n)) => {
            record("release", started, true);
            if n > 0 {
                tracing::info!(released = n, "released bookings nobody picked up")
            }
        }
        // The service has logged the cause.
        Ok(Err(e)) => {
            record("release", started, false);
            tracing::warn!(error = %e, "releasing bookings failed; retrying next round")
        }
        Err(_) => {
            record("release", started, false);
            tracing::error!("releasing bookings panicked; retrying next round")
        }
    }
    let started = Instant::now();
    let r = lophoc::services::throttle::forget_quiet(ctx).await;
    record("forget_login_counters", started, r.is_ok());
    if let Err(e) = r {
        tracing::warn!(error = %e, "forgetting quiet login counters failed");
    }
    let started = Instant::now();
    let r = lophoc::services::materials::sweep(ctx).await;
    record("sweep_files", started, r.is_ok());
    match r {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "removed stored files no material uses"),
        Err(e) => tracing::warn!(error = %e, "sweeping the file store failed"),
    }
    let started = Instant::now();
    let r = lophoc::services::pilot::refresh(ctx, 1).await;
    record("pilot_runs", started, r.is_ok());
    match r {
        Ok(0) => {}
        Ok(n) => tracing::info!(runs = n, "pilot statuses computed"),
        Err(e) => tracing::warn!(error = %e, "computing pilot statuses failed"),
    }
}
