//! Failed-login throttling.
//!
//! Three windows, so guessing is slow but one NAT'd school is never locked out by one
//! attacker: a tight limit per (account, address), a looser one per account from anywhere (a
//! distributed guess), and a generous one per address (a whole school shares one address).
//! Kept in the process: with several processes each keeps its own counts, which multiplies the
//! limits by the number of processes but never locks anyone out wrongly.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed per (account, address) in the window.
pub const PER_ACCOUNT_ADDR: usize = 5;
/// Failures allowed per account, from all addresses, in the window.
pub const PER_ACCOUNT: usize = 20;
/// Failures allowed per address, all accounts, in the window.
pub const PER_ADDR: usize = 100;
/// The window, in seconds.
pub const WINDOW: i64 = 15 * 60;

/// Counts failed logins.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    fn keys(username: &str, addr: &str) -> [(String, usize); 3] {
        [
            (format!("ua:{username}|{addr}"), PER_ACCOUNT_ADDR),
            (format!("u:{username}"), PER_ACCOUNT),
            (format!("a:{addr}"), PER_ADDR),
        ]
    }

    /// `Some(seconds)` to wait when a login for `username` from `addr` must be refused now.
    pub fn check(&self, username: &str, addr: &str, now: i64) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = 0i64;
        for (key, limit) in Self::keys(username, addr) {
            if let Some(v) = map.get_mut(&key) {
                v.retain(|t| now - t < WINDOW);
                if v.len() >= limit {
                    wait = wait.max(v[v.len() - limit] + WINDOW - now);
                }
            }
        }
        (wait > 0).then_some(wait as u64)
    }

    /// Records a failure.
    pub fn fail(&self, username: &str, addr: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a spray of usernames: drop what is outside the window.
            map.retain(|_, v| v.last().is_some_and(|t| now - t < WINDOW));
        }
        for (key, _) in Self::keys(username, addr) {
            map.entry(key).or_default().push(now);
        }
    }

    /// Forgets the failures of this account from this address after a success.
    pub fn succeed(&self, username: &str, addr: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("ua:{username}|{addr}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_account_and_address() {
        let t = Throttle::default();
        for i in 0..PER_ACCOUNT_ADDR {
            assert!(t.check("hoa", "1.1.1.1", 100).is_none(), "attempt {i}");
            t.fail("hoa", "1.1.1.1", 100);
        }
        let wait = t.check("hoa", "1.1.1.1", 100).expect("throttled");
        assert_eq!(wait, WINDOW as u64);
        // Another teacher behind the same address is not locked out.
        assert!(t.check("lan", "1.1.1.1", 100).is_none());
        // The window passes.
        assert!(t.check("hoa", "1.1.1.1", 100 + WINDOW).is_none());
    }

    #[test]
    fn a_school_behind_one_address_keeps_working() {
        let t = Throttle::default();
        for i in 0..(PER_ADDR - 1) {
            t.fail(&format!("user{i}"), "10.0.0.1", 5);
        }
        assert!(t.check("someone", "10.0.0.1", 5).is_none());
        t.fail("x", "10.0.0.1", 5);
        assert!(t.check("someone", "10.0.0.1", 5).is_some());
    }
}
