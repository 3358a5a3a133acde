//! Background work of the server process.
//!
//! One job today, every minute: releasing bookings nobody picked up
//! ([`release_due`](lophoc::services::bookings::release_due)), and forgetting login-throttle
//! counters nobody has touched for a quarter of an hour
//! ([`forget_quiet`](lophoc::services::throttle::forget_quiet)), so a spray of made-up
//! usernames does not fill the table, and removing stored files that no material uses any more
//! ([`sweep`](lophoc::services::materials::sweep), after an hour's grace), and keeping the
//! pilot statuses made: today's when stale and one missing month of the trend a round
//! ([`refresh`](lophoc::services::pilot::refresh)). The services also release before
//! bookings are read or made, so a released period is free when someone looks; this job makes
//! the status right for reports and for pages nobody opens.

use futures::FutureExt;
use lophoc::services::Ctx;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// How often no-shows are released.
pub const RELEASE_EVERY: Duration = Duration::from_secs(60);

/// Runs [`release_due`](lophoc::services::bookings::release_due) every `every` until the process
/// ends. A failure (the database away, a bug) is logged and the next round runs as usual: the
/// job never takes the server down with it.
pub fn spawn_release(ctx: Ctx, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        // After a stall (a suspended laptop, a long pause) one round is enough, not a burst.
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let round = AssertUnwindSafe(lophoc::services::bookings::release_due(&ctx));
            match round.catch_unwind().await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(released = n, "released bookings nobody picked up"),
                // The service has logged the cause.
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "releasing bookings failed; retrying next round")
                }
                Err(_) => tracing::error!("releasing bookings panicked; retrying next round"),
            }
            if let Err(e) = lophoc::services::throttle::forget_quiet(&ctx).await {
                tracing::warn!(error = %e, "forgetting quiet login counters failed");
            }
            match lophoc::services::materials::sweep(&ctx).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "removed stored files no material uses"),
                Err(e) => tracing::warn!(error = %e, "sweeping the file store failed"),
            }
            match lophoc::services::pilot::refresh(&ctx, 1).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(runs = n, "pilot statuses computed"),
                Err(e) => tracing::warn!(error = %e, "computing pilot statuses failed"),
            }
        }
    })
}
