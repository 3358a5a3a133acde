//! The minute's round with several instances on one PostgreSQL: each round runs once. Two
//! instances (two pools on one database, as two processes would have) start the round at the
//! same moment: one runs it, the other skips, and every due booking is released once (one
//! audit record each). The advisory lock held elsewhere makes a round skip; a round less than
//! a period after the last one skips too. SQLite (one process) only keeps the period.

use lophoc::bookings::BookingRequest;
use lophoc::devices::DeviceInput;
use lophoc::services::testing::{TestDb, fresh_db};
use lophoc::services::{Ctx, Db, Engine, bookings, devices};
use server::jobs::{JOB_LOCK, Round, run_round};
use sqlx::Connection;
use std::collections::BTreeSet;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);

/// `n` projectors, each booked for period 1 of Tuesday 2026-12-01 and never picked up.
async fn due_bookings(t: &TestDb, n: usize) {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let teacher = t.teacher(s.id).await;
    for i in 0..n {
        let d = devices::create(
            &t.ctx,
            &admin,
            s.id,
            &DeviceInput {
                name: format!("Máy chiếu {i}"),
                kind: "projector".into(),
                serial: None,
                room: None,
                quantity: None,
            },
            None,
        )
        .await
        .unwrap();
        bookings::create(
            &t.ctx,
            &teacher,
            &BookingRequest {
                device_id: d.id,
                date: "2026-12-01".into(),
                periods: vec![1],
                quantity: None,
                class_id: None,
                note: None,
            },
            None,
        )
        .await
        .unwrap();
    }
    // Tuesday 09:00: every one of them is past its pick-up time.
    t.advance(26 * 3600);
}

/// Another instance: its own pool on the same database, the same (fixed) clock.
async fn instance(t: &TestDb) -> Ctx {
    Ctx {
        db: Db::connect(&t.url, 5).await.unwrap(),
        ..t.ctx.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgres_run_each_round_once() {
    let t = fresh_db(Engine::Postgres).await;
    due_bookings(&t, 12).await;
    let (a, b) = (instance(&t).await, instance(&t).await);

    let (ra, rb) = tokio::join!(run_round(&a, MINUTE), run_round(&b, MINUTE));
    let rounds = [ra.unwrap(), rb.unwrap()];
    assert_eq!(
        rounds.iter().filter(|r| **r == Round::Ran).count(),
        1,
        "one instance ran the round: {rounds:?}"
    );
    let released = t.audit("booking.release").await;
    assert_eq!(released.len(), 12, "every due booking released once");
    let objects: BTreeSet<_> = released.iter().map(|e| e.object.clone()).collect();
    assert_eq!(objects.len(), 12);

    // Within the same minute, neither runs again.
    t.advance(30);
    assert_eq!(run_round(&a, MINUTE).await.unwrap(), Round::Skipped);
    assert_eq!(run_round(&b, MINUTE).await.unwrap(), Round::Skipped);

    // A minute on, while another instance holds the lock (its round is running): skipped.
    t.advance(40);
    let mut holder = sqlx::PgConnection::connect(&t.url).await.unwrap();
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(JOB_LOCK)
        .fetch_one(&mut holder)
        .await
        .unwrap();
    assert!(got);
    assert_eq!(run_round(&a, MINUTE).await.unwrap(), Round::Skipped);
    let _: bool = sqlx::query_scalar("SELECT pg_advisory_unlock($1)")
        .bind(JOB_LOCK)
        .fetch_one(&mut holder)
        .await
        .unwrap();
    // Released: the next instance to try runs it, and gives the lock back.
    assert_eq!(run_round(&b, MINUTE).await.unwrap(), Round::Ran);
    let free: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(JOB_LOCK)
        .fetch_one(&mut holder)
        .await
        .unwrap();
    assert!(free, "the round's lock is released when it ends");
    let _ = holder.close().await;
    assert_eq!(t.audit("booking.release").await.len(), 12, "nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_one_round_a_period() {
    let t = fresh_db(Engine::Sqlite).await;
    due_bookings(&t, 3).await;
    assert_eq!(run_round(&t.ctx, MINUTE).await.unwrap(), Round::Ran);
    assert_eq!(t.audit("booking.release").await.len(), 3);
    assert_eq!(run_round(&t.ctx, MINUTE).await.unwrap(), Round::Skipped);
    t.advance(60);
    assert_eq!(run_round(&t.ctx, MINUTE).await.unwrap(), Round::Ran);
    assert_eq!(t.audit("booking.release").await.len(), 3);
}
