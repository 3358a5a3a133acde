//! Failed-login throttling (RELIABILITY.md #4), kept in the database.
//!
//! Three counters, so guessing is slow but neither one attacker nor one school's NAT locks a
//! teacher out: per (account, address), per account from anywhere (a distributed guess) and per
//! address (a whole school shares one, so its ceiling is far higher).
//!
//! Each counter allows a few attempts, then a **delay that grows** with every further attempt up
//! to a cap of under a minute: never a long lockout, so the right password gets in within a
//! minute of an attack stopping. An attempt is **reserved before its password is checked**: one
//! atomic upsert per counter that counts it only if the counter is not waiting. A burst of 40
//! wrong passwords sent at once therefore has at most the free attempts verified; the rest are
//! refused without hashing, and refused attempts do not grow the delay (the transaction rolls
//! back). A success forgets the account's counters. Counters live in the database, so processes
//! behind one load balancer share them and a restart does not reset them.

use crate::error::Error;
use crate::services::ctx::Ctx;
use crate::services::db::internal;
use sqlx::Row;

/// One counter's rule: `free` attempts without delay, then `step` more seconds of delay per
/// attempt, at most `cap` seconds. Counts older than [`QUIET`] start again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Attempts with no delay.
    pub free: i64,
    /// Seconds of delay added per attempt after the free ones.
    pub step: i64,
    /// The longest delay, in seconds.
    pub cap: i64,
}

impl Rule {
    /// The delay after the `n`-th counted attempt.
    pub fn delay(self, n: i64) -> i64 {
        ((n - self.free) * self.step).clamp(0, self.cap)
    }
}

/// Per account and address: a teacher mistyping gets a few tries, a guesser one every 30 s.
pub const PER_ACCOUNT_ADDR: Rule = Rule {
    free: 4,
    step: 5,
    cap: 30,
};
/// Per account from every address: a distributed guess slows down too.
pub const PER_ACCOUNT: Rule = Rule {
    free: 10,
    step: 5,
    cap: 45,
};
/// Per address, every account: a school behind one NAT has hundreds of teachers.
pub const PER_ADDR: Rule = Rule {
    free: 300,
    step: 1,
    cap: 55,
};
/// After this many seconds without an attempt a counter starts again from zero.
pub const QUIET: i64 = 15 * 60;

/// The three counters of an attempt, in the order they are taken (always the same order, so
/// concurrent attempts cannot deadlock on them).
fn keys(username: &str, addr: &str) -> [(String, Rule); 3] {
    [
        (format!("ua:{username}|{addr}"), PER_ACCOUNT_ADDR),
        (format!("u:{username}"), PER_ACCOUNT),
        (format!("a:{addr}"), PER_ADDR),
    ]
}

/// The SQL `CASE` computing a rule's delay for the counter value `n` (an SQL expression).
fn delay_sql(rule: Rule, n: &str) -> String {
    format!(
        "CASE WHEN {n} <= {free} THEN 0 WHEN ({n} - {free}) * {step} >= {cap} THEN {cap} \
         ELSE ({n} - {free}) * {step} END",
        free = rule.free,
        step = rule.step,
        cap = rule.cap
    )
}

/// Reserves one login attempt for `username` from `addr` before its password is checked.
/// `Ok(None)`: go ahead (the attempt is counted as a failure until [`succeeded`] says
/// otherwise). `Ok(Some(seconds))`: refused, wait that long; nothing was counted.
pub async fn reserve(ctx: &Ctx, username: &str, addr: &str) -> Result<Option<u64>, Error> {
    let now = ctx.now();
    let mut tx = ctx.db.begin_exclusive(&[]).await.map_err(internal)?;
    for (key, rule) in keys(username, addr) {
        // One statement: insert the counter, or count this attempt on it unless it is waiting.
        // Concurrent attempts queue on the row; each sees the one before it.
        let n = "(CASE WHEN login_throttle.updated_at < $2 THEN 1 ELSE login_throttle.failures + 1 END)";
        let sql = format!(
            "INSERT INTO login_throttle (key, failures, blocked_until, updated_at) \
             VALUES ($1, 1, $3 + {first}, $3) \
             ON CONFLICT (key) DO UPDATE SET failures = {n}, blocked_until = $3 + {delay}, updated_at = $3 \
             WHERE login_throttle.blocked_until <= $3 \
             RETURNING failures",
            first = rule.delay(1),
            delay = delay_sql(rule, n),
        );
        let counted = sqlx::query(&sql)
            .bind(key.clone())
            .bind(now - QUIET)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        if counted.is_none() {
            let until: i64 = sqlx::query("SELECT blocked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?
                .try_get(0)
                .map_err(internal)?;
            // Refused: nothing of this attempt is kept.
            tx.rollback().await.map_err(internal)?;
            return Ok(Some((until - now).max(1) as u64));
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(None)
}

/// After the right password: the account's counters start again, and the address's no longer
/// counts this attempt (a success must not wipe what others failed from there).
pub async fn succeeded(ctx: &Ctx, username: &str, addr: &str) -> Result<(), Error> {
    let [(ua, _), (u, _), (a, _)] = keys(username, addr);
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM login_throttle WHERE key = $1 OR key = $2")
        .bind(ua)
        .bind(u)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Forgets counters nobody has touched for [`QUIET`] seconds (they would start again anyway).
pub async fn forget_quiet(ctx: &Ctx) -> Result<u64, Error> {
    let r = sqlx::query("DELETE FROM login_throttle WHERE updated_at < $1 AND blocked_until < $2")
        .bind(ctx.now() - QUIET)
        .bind(ctx.now())
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_a_cap_under_a_minute() {
        for rule in [PER_ACCOUNT_ADDR, PER_ACCOUNT, PER_ADDR] {
            assert_eq!(rule.delay(1), 0);
            assert_eq!(rule.delay(rule.free), 0);
            assert_eq!(rule.delay(rule.free + 1), rule.step);
            assert!(rule.delay(rule.free + 2) > rule.delay(rule.free + 1));
            assert_eq!(rule.delay(1_000_000), rule.cap);
            assert!(rule.cap < 60, "the right password gets in within a minute");
        }
        // A school behind one address: far more attempts than one account's.
        const { assert!(PER_ADDR.free >= 100 + PER_ACCOUNT_ADDR.free) };
    }
}
