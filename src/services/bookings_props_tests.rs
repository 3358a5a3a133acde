//! A property of bookings on both engines: whatever sequence of bookings, cancellations,
//! check-ins, check-outs, releases and the passing of time, no period of a device ever holds
//! more live units than the device has, the booking slots agree with the bookings, and a
//! booking refused as "taken" really was short of room when it was asked.

use crate::bookings::{BookingFilter, BookingRequest, BookingStatus};
use crate::both_engines;
use crate::devices::{Device, DeviceInput};
use crate::error::ErrorCode;
use crate::ids::BookingId;
use crate::model::Actor;
use crate::services::bookings;
use crate::services::devices;
use crate::services::testing::{START, TestDb};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

/// The days a case books: the fixed clock's Tuesday to Friday.
const DAYS: [&str; 4] = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"];

/// One step of a case.
#[derive(Debug, Clone)]
enum Op {
    /// A teacher books periods of a day on a device.
    Book {
        teacher: usize,
        device: usize,
        day: usize,
        periods: Vec<i64>,
        quantity: i64,
    },
    /// The booking made `k`-th (modulo how many) is cancelled by its teacher.
    Cancel(usize),
    /// … is checked in.
    CheckIn(usize),
    /// … is checked out.
    CheckOut(usize),
    /// Time passes.
    Advance(i64),
    /// The release job runs.
    Release,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..2usize, 0..2usize, 0..DAYS.len(), prop::collection::btree_set(1..=5i64, 1..=3), 1..=3i64)
            .prop_map(|(teacher, device, day, periods, quantity)| Op::Book {
                teacher,
                device,
                day,
                periods: periods.into_iter().collect(),
                quantity,
            }),
        2 => (0..16usize).prop_map(Op::Cancel),
        1 => (0..16usize).prop_map(Op::CheckIn),
        1 => (0..16usize).prop_map(Op::CheckOut),
        2 => (5..=600i64).prop_map(Op::Advance),
        1 => Just(Op::Release),
    ]
}

/// The live units of each (device, day, period), from the slots the rule is enforced on.
async fn live_slots(t: &TestDb, devices: &[Device]) -> HashMap<(i64, String, i64), i64> {
    use sqlx::Row;
    let mut out = HashMap::new();
    for d in devices {
        let rows = sqlx::query(
            "SELECT date, period, CAST(SUM(quantity) AS BIGINT) AS n FROM booking_slots \
             WHERE device_id = $1 AND live = 1 GROUP BY date, period",
        )
        .bind(d.id.0)
        .fetch_all(&t.ctx.db.pool)
        .await
        .expect("reading the slots");
        for r in rows {
            out.insert(
                (
                    d.id.0,
                    r.try_get::<String, _>("date").expect("date"),
                    r.try_get::<i64, _>("period").expect("period"),
                ),
                r.try_get::<i64, _>("n").expect("n"),
            );
        }
    }
    out
}

/// Checks every invariant after a step.
async fn check(
    t: &TestDb,
    admin: &Actor,
    devices: &[Device],
    step: &str,
) -> Result<(), TestCaseError> {
    let slots = live_slots(t, devices).await;
    for ((device, date, period), n) in &slots {
        let d = devices
            .iter()
            .find(|d| d.id.0 == *device)
            .expect("a case device");
        prop_assert!(
            *n <= d.quantity,
            "after {step}: {n} live units of {} ({} units) on {date} period {period}",
            d.name,
            d.quantity
        );
    }
    // What the bookings say is live (stored booked or in use: a booking due for release that the
    // job has not released yet still holds its slots) is exactly what the slots hold.
    let mut from_bookings: HashMap<(i64, String, i64), i64> = HashMap::new();
    for d in devices {
        let list = bookings::list(
            &t.ctx,
            admin,
            &BookingFilter {
                device_id: Some(d.id),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| TestCaseError::fail(format!("listing: {e}")))?;
        for b in list {
            let stored_live = stored_status(t, b.id).await;
            if stored_live {
                for p in &b.periods {
                    *from_bookings
                        .entry((d.id.0, b.date.to_string(), *p))
                        .or_default() += b.quantity;
                }
            }
        }
    }
    prop_assert_eq!(
        &from_bookings,
        &slots,
        "after {}: bookings and slots disagree",
        step
    );
    Ok(())
}

/// Whether a booking's stored status holds its slots (`booked` or `in_use`).
async fn stored_status(t: &TestDb, id: BookingId) -> bool {
    use sqlx::Row;
    let s: String = sqlx::query("SELECT status FROM bookings WHERE id = $1")
        .bind(id.0)
        .fetch_one(&t.ctx.db.pool)
        .await
        .and_then(|r| r.try_get("status"))
        .expect("a booking's status");
    s == BookingStatus::Booked.as_str() || s == BookingStatus::InUse.as_str()
}

/// Runs one case in a school of its own, the clock back at the start.
async fn run_case(t: &TestDb, case: u32, ops: &[Op]) -> Result<(), TestCaseError> {
    t.advance(START - t.now());
    let s = t.school(&format!("PB{case:04}")).await;
    let admin = t.school_admin(s.id).await;
    let teachers = [t.teacher(s.id).await, t.teacher(s.id).await];
    let mut devices_ = Vec::new();
    for (name, kind, quantity) in [
        ("Bảng tương tác", "interactive_board", 1),
        ("Tủ máy tính bảng", "tablet_cart", 3),
    ] {
        devices_.push(
            devices::create(
                &t.ctx,
                &admin,
                s.id,
                &DeviceInput {
                    name: name.into(),
                    kind: kind.into(),
                    serial: None,
                    room: None,
                    quantity: Some(quantity),
                },
                None,
            )
            .await
            .map_err(|e| TestCaseError::fail(format!("a device: {e}")))?,
        );
    }
    let mut made: Vec<(BookingId, usize)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let step = format!("step {i} {op:?}");
        let r = match op {
            Op::Book {
                teacher,
                device,
                day,
                periods,
                quantity,
            } => {
                let d = &devices_[*device];
                let before = live_slots(t, &devices_).await;
                let r = bookings::create(
                    &t.ctx,
                    &teachers[*teacher],
                    &BookingRequest {
                        device_id: d.id,
                        date: DAYS[*day].into(),
                        periods: periods.clone(),
                        quantity: Some(*quantity),
                        class_id: None,
                        note: None,
                    },
                    None,
                )
                .await;
                match &r {
                    Ok(b) => made.push((b.id, *teacher)),
                    // Refused as taken: some period really had no room for this many.
                    Err(e) if e.code == ErrorCode::Conflict => {
                        let short = periods.iter().any(|p| {
                            let used = before
                                .get(&(d.id.0, DAYS[*day].to_owned(), *p))
                                .copied()
                                .unwrap_or(0);
                            used + quantity > d.quantity
                        });
                        prop_assert!(short, "{step}: refused as taken with room on every period");
                    }
                    _ => {}
                }
                r.map(|_| ())
            }
            Op::Cancel(k) | Op::CheckIn(k) | Op::CheckOut(k) if !made.is_empty() => {
                let (id, teacher) = made[k % made.len()];
                let who = &teachers[teacher];
                match op {
                    Op::Cancel(_) => bookings::cancel(&t.ctx, who, id, None).await,
                    Op::CheckIn(_) => bookings::check_in(&t.ctx, who, id, None).await,
                    _ => bookings::check_out(&t.ctx, who, id, None).await,
                }
                .map(|_| ())
            }
            Op::Cancel(_) | Op::CheckIn(_) | Op::CheckOut(_) => Ok(()),
            Op::Advance(minutes) => {
                t.advance(minutes * 60);
                Ok(())
            }
            Op::Release => bookings::release_due(&t.ctx).await.map(|_| ()),
        };
        // A rule may refuse a step (a past day, a booking already started, a full period, …);
        // nothing may fail for another reason.
        if let Err(e) = r {
            prop_assert!(
                !matches!(e.code, ErrorCode::Internal | ErrorCode::Unavailable),
                "{step}: {e:?}"
            );
        }
        check(t, &admin, &devices_, &step).await?;
    }
    Ok(())
}

both_engines!(no_sequence_of_steps_overbooks_a_device, |t| async move {
    let case = AtomicU32::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 24,
        // Each case is real database work: shrinking stays short.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let result = runner.run(&prop::collection::vec(op(), 1..24), |ops| {
        let n = case.fetch_add(1, Ordering::SeqCst);
        tokio::task::block_in_place(|| handle.block_on(run_case(&t, n, &ops)))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
});
