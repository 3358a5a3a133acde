//! Failed-login throttling (RELIABILITY.md #4), kept in the database.
//!
//! A login is counted on one of two sets of counters, so guessing is slow but neither an attack
//! on an account nor one school's NAT keeps the right people out:
//!
//! - **From a browser that has signed in to the account before** (it presents a valid device
//!   cookie, see `auth::sign_in`): only that device's own counter. An attack on the account,
//!   from anywhere, never delays its owner's browser.
//! - **Otherwise**: per (account, address), per account from anywhere (a distributed guess), and
//!   per address (a whole school shares one, so its ceiling is far higher). The per-address
//!   counter only refuses an account that has itself failed from that address: a colleague
//!   behind the school's address who has not failed is never refused because someone else did.
//!
//! Each counter allows a few attempts, then a **delay that grows** with every further attempt up
//! to a cap of under a minute: never a long lockout, so the right password gets in within a
//! minute of an attack stopping. An attempt is **reserved before its password is checked**: one
//! atomic upsert per counter that counts it only if the counter is not waiting. A burst of 40
//! wrong passwords sent at once therefore has at most the free attempts verified; the rest are
//! refused without hashing, and refused attempts do not grow the delay (the transaction rolls
//! back). A success forgets the counters of its kind. Counters live in the database, so
//! processes behind one load balancer share them and a restart does not reset them.
//!
//! A counter that owes no delay stores `blocked_until = 0`, not "now": clocks are read in whole
//! seconds before the row is locked, so an attempt that read the clock at 10:00:00 and then
//! queued behind one that read 10:00:01 would otherwise find the counter "waiting until
//! 10:00:01" and be refused for a second it never owed.

use crate::error::Error;
use crate::services::ctx::Ctx;
use crate::services::db::internal;

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
/// Per address, every account: a school behind one NAT has hundreds of teachers. Only ever
/// refuses an account that has already failed from the address (see the module's text).
pub const PER_ADDR: Rule = Rule {
    free: 300,
    step: 1,
    cap: 55,
};
/// Per device cookie: the owner's own browser mistyping, or a stolen cookie guessing.
pub const PER_DEVICE: Rule = Rule {
    free: 4,
    step: 5,
    cap: 30,
};
/// After this many seconds without an attempt a counter starts again from zero.
pub const QUIET: i64 = 15 * 60;

/// The counters of an attempt without a device cookie, in the order they are taken (always the
/// same order, so concurrent attempts cannot deadlock on them).
fn keys(username: &str, addr: &str) -> [(String, Rule); 3] {
    [
        (format!("ua:{username}|{addr}"), PER_ACCOUNT_ADDR),
        (format!("u:{username}"), PER_ACCOUNT),
        (format!("a:{addr}"), PER_ADDR),
    ]
}

/// The counter of an attempt from a known device (`device` is the hash of its cookie, never
/// the cookie).
fn device_key(device: &str) -> (String, Rule) {
    (format!("d:{device}"), PER_DEVICE)
}

/// The SQL computing a rule's `blocked_until` after the counter value `n` (an SQL expression)
/// at time `$3`: 0 while no delay is owed (see the module's text on whole seconds).
fn blocked_until_sql(rule: Rule, n: &str) -> String {
    format!(
        "CASE WHEN {n} <= {free} THEN 0 WHEN ({n} - {free}) * {step} >= {cap} THEN $3 + {cap} \
         ELSE $3 + ({n} - {free}) * {step} END",
        free = rule.free,
        step = rule.step,
        cap = rule.cap
    )
}

/// Reserves one login attempt for `username` from `addr` before its password is checked.
/// `Ok(None)`: go ahead (the attempt is counted as a failure until [`succeeded`] says
/// otherwise). `Ok(Some(seconds))`: refused, wait that long; nothing was counted.
pub async fn reserve(ctx: &Ctx, username: &str, addr: &str) -> Result<Option<u64>, Error> {
    take(ctx, &keys(username, addr)).await
}

/// Reserves one login attempt from a known device (the hash of its cookie), counted on that
/// device's counter only. As [`reserve`]; [`device_succeeded`] forgets it.
pub async fn reserve_device(ctx: &Ctx, device: &str) -> Result<Option<u64>, Error> {
    take(ctx, &[device_key(device)]).await
}

/// Counts one attempt on `counters` (see [`reserve`]).
async fn take(ctx: &Ctx, counters: &[(String, Rule)]) -> Result<Option<u64>, Error> {
    let now = ctx.now();
    let mut tx = ctx.db.begin_exclusive(&[]).await.map_err(internal)?;
    // Whether this is the account's first attempt from this address in the counting window.
    let mut first_here = false;
    for (key, rule) in counters {
        // The address's counter never refuses an account that has not failed from there.
        let always = key.starts_with("a:") && first_here;
        // One statement: insert the counter, or count this attempt on it unless it is waiting.
        // Concurrent attempts queue on the row; each sees the one before it.
        let n = "(CASE WHEN login_throttle.updated_at < $2 THEN 1 ELSE login_throttle.failures + 1 END)";
        let sql = format!(
            "INSERT INTO login_throttle (key, failures, blocked_until, updated_at) \
             VALUES ($1, 1, $4, $3) \
             ON CONFLICT (key) DO UPDATE SET failures = {n}, blocked_until = {until}, updated_at = $3 \
             WHERE login_throttle.blocked_until <= $3 OR $5 = 1 \
             RETURNING failures",
            until = blocked_until_sql(*rule, n),
        );
        let first_until = match rule.delay(1) {
            0 => 0,
            d => now + d,
        };
        let counted: Option<i64> = sqlx::query_scalar(&sql)
            .bind(key.clone())
            .bind(now - QUIET)
            .bind(now)
            .bind(first_until)
            .bind(i64::from(always))
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        match counted {
            Some(failures) => {
                if key.starts_with("ua:") {
                    first_here = failures == 1;
                }
            }
            None => {
                let until: i64 =
                    sqlx::query_scalar("SELECT blocked_until FROM login_throttle WHERE key = $1")
                        .bind(key.clone())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(internal)?;
                // Refused: nothing of this attempt is kept.
                tx.rollback().await.map_err(internal)?;
                return Ok(Some((until - now).max(1) as u64));
            }
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(None)
}

/// An attempt reserved by [`reserve`] whose password was never checked (the server was too
/// busy): it no longer counts, so a burst of correct passwords answered "busy" cannot add up to
/// a refusal.
pub async fn release(ctx: &Ctx, username: &str, addr: &str) -> Result<(), Error> {
    let [(ua, _), (u, _), (a, _)] = keys(username, addr);
    uncount(ctx, &[ua, u, a]).await
}

/// [`release`] for an attempt reserved by [`reserve_device`].
pub async fn release_device(ctx: &Ctx, device: &str) -> Result<(), Error> {
    uncount(ctx, &[device_key(device).0]).await
}

async fn uncount(ctx: &Ctx, counters: &[String]) -> Result<(), Error> {
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for key in counters {
        sqlx::query(
            "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
        )
        .bind(key.clone())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

/// After the right password from a known device: its counter starts again. The account's
/// counters are left as they are: the owner signing in does not give a guesser fresh attempts.
pub async fn device_succeeded(ctx: &Ctx, device: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(device_key(device).0)
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
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
        for rule in [PER_ACCOUNT_ADDR, PER_ACCOUNT, PER_ADDR, PER_DEVICE] {
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
