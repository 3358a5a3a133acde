//! The class log on both engines, on `classes_tests`' fixture (class 5A1 of a primary school:
//! Monday period 1 maths, period 2 Tiếng Việt by the homeroom teacher, Tuesday period 1 maths;
//! the clock starts on Monday 30 November 2026 at 07:00, school time, when period 1 starts;
//! periods 07:00–07:35, 07:40–08:15 by the primary default grid).

use super::classes_tests::{Fixture, MON, absent, d, fields, fixture};
use crate::both_engines;
use crate::class_log::{BreakReason, CloseStep, Grade, LogInput, LogState, RecordKind, SignInput};
use crate::error::ErrorCode;
use crate::model::Actor;
use crate::roll_calls::Status;
use crate::services::class_log;
use crate::services::periods;
use crate::services::roll_calls;
use crate::services::testing::TestDb;

const TUE: &str = "2026-12-01";
const NEXT_MON: &str = "2026-12-07";

fn entry(title: &str) -> LogInput {
    LogInput {
        title: title.into(),
        ppct: Some(12),
        remarks: Some("  Lớp   trật tự ".into()),
        grade: Some("a".into()),
    }
}

fn now() -> SignInput {
    SignInput::default()
}

async fn sign(
    t: &TestDb,
    who: &Actor,
    f: &Fixture,
    date: &str,
    period: i64,
    title: Option<&str>,
) -> Result<crate::class_log::LogEntry, crate::Error> {
    let input = title.map(entry);
    class_log::sign(
        &t.ctx,
        who,
        f.class,
        d(date),
        period,
        input.as_ref(),
        &now(),
        None,
    )
    .await
}

/// Seconds from the clock's start (Monday 07:00) to a period's end + `extra` seconds.
async fn after_end(t: &TestDb, f: &Fixture, period: i64, extra: i64) -> i64 {
    let school = f.admin.school_id.unwrap();
    let grid = periods::load_grid(&t.ctx, school).await.unwrap();
    let p = grid.items.iter().find(|p| p.number == period).unwrap();
    (p.ends.minutes() - 7 * 60) * 60 + extra
}

both_engines!(signed_on_time_or_late_by_the_clock, |t| async move {
    let f = fixture(&t).await;
    // 07:10: the maths teacher writes and signs period 1 in one step: on time.
    t.advance(600);
    let e = sign(&t, &f.maths, &f, MON, 1, Some("Phép cộng có nhớ"))
        .await
        .unwrap();
    assert_eq!(e.state, LogState::Signed);
    assert_eq!(e.late_minutes, Some(0));
    assert_eq!(e.signed_by, Some(f.maths.user_id));
    assert_eq!(e.remarks.as_deref(), Some("Lớp trật tự"));
    assert_eq!(e.grade, Some(Grade::A));
    assert_eq!(e.ppct, Some(12));
    // Signing again (as a retry would) changes nothing; writing it again is refused.
    let again = sign(&t, &f.maths, &f, MON, 1, None).await.unwrap();
    assert_eq!(again.signed_at, e.signed_at);
    let e409 = class_log::put(&t.ctx, &f.maths, f.class, d(MON), 1, &entry("Khác"), None)
        .await
        .unwrap_err();
    assert_eq!(e409.code, ErrorCode::Conflict);
    let e409 = sign(&t, &f.maths, &f, MON, 1, Some("Khác"))
        .await
        .unwrap_err();
    assert_eq!(e409.code, ErrorCode::Conflict);
    // Period 2 is the homeroom teacher's: the maths teacher may not sign it.
    let e = sign(&t, &f.maths, &f, MON, 2, Some("Tập đọc"))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Period 2 has not started at 07:10.
    let e = sign(&t, &f.homeroom, &f, MON, 2, Some("Tập đọc"))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["date"]);
    // The roll call of period 2 has pupil 0 excused and pupil 1 unexcused; the homeroom
    // teacher writes the entry, then signs 5 minutes and 61 seconds after the period's end.
    let deadline = after_end(&t, &f, 2, 5 * 60).await;
    t.advance(deadline + 61 - 600);
    // No title yet: the signature waits for one.
    let e = sign(&t, &f.homeroom, &f, MON, 2, None).await.unwrap_err();
    assert_eq!(fields(&e), ["title"]);
    roll_calls::put(
        &t.ctx,
        &f.homeroom,
        f.class,
        d(MON),
        2,
        &absent(&f, &[(0, Status::Excused), (1, Status::Unexcused)]),
        None,
    )
    .await
    .unwrap();
    class_log::put(
        &t.ctx,
        &f.homeroom,
        f.class,
        d(MON),
        2,
        &entry("Tập đọc"),
        None,
    )
    .await
    .unwrap();
    let late = sign(&t, &f.homeroom, &f, MON, 2, None).await.unwrap();
    assert_eq!(late.state, LogState::Late);
    assert_eq!(
        late.late_minutes,
        Some(2),
        "61 s past the deadline: 2 started minutes"
    );
    assert_eq!(late.absentees.len(), 2);
    // The absentees are frozen at signing: a later change of the roll call does not move them.
    roll_calls::put(&t.ctx, &f.admin, f.class, d(MON), 2, &absent(&f, &[]), None)
        .await
        .unwrap();
    let read = class_log::get(&t.ctx, &f.admin, f.class, d(MON), 2)
        .await
        .unwrap();
    assert_eq!(read.absentees, late.absentees);
    // Tuesday's lesson has not started: refused, nothing written.
    let e = sign(&t, &f.maths, &f, TUE, 1, Some("Phép trừ"))
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["date"]);
    assert_eq!(t.count("class_log_entries").await, 2);
    assert_eq!(t.count("class_log_records").await, 2);
    assert_eq!(t.audit("class_log.sign").await.len(), 2);
});

both_engines!(
    a_signature_sent_later_counts_from_the_device,
    |t| async move {
        let f = fixture(&t).await;
        // Signed on the phone at 07:36 (on time), sent at 08:30 when the signal came back.
        t.advance(after_end(&t, &f, 2, 15 * 60).await);
        let at = crate::dates::rfc3339(crate::services::testing::START + 36 * 60);
        let e = class_log::sign(
            &t.ctx,
            &f.maths,
            f.class,
            d(MON),
            1,
            Some(&entry("Phép cộng")),
            &SignInput {
                signed_at: Some(at.clone()),
            },
            None,
        )
        .await
        .unwrap();
        assert_eq!(e.state, LogState::Signed);
        assert_eq!(e.signed_at.as_deref(), Some(at.as_str()));
        assert!(e.received_at.is_some(), "both times kept");
        // A device time before the lesson started or in the future: 422 naming the field.
        for bad in [
            "2026-11-30T06:00:00+07:00",
            "2030-01-01T00:00:00+07:00",
            "hôm qua",
        ] {
            let e = class_log::sign(
                &t.ctx,
                &f.homeroom,
                f.class,
                d(MON),
                2,
                Some(&entry("Tập đọc")),
                &SignInput {
                    signed_at: Some(bad.into()),
                },
                None,
            )
            .await
            .unwrap_err();
            assert_eq!(fields(&e), ["signed_at"], "{bad}");
        }
        assert_eq!(t.count("class_log_entries").await, 1);
    }
);

both_engines!(
    bad_fields_are_named_and_nothing_is_written,
    |t| async move {
        let f = fixture(&t).await;
        t.advance(600);
        let bad = LogInput {
            title: "   ".into(),
            ppct: Some(0),
            remarks: Some("x".repeat(1001)),
            grade: Some("E".into()),
        };
        let e = class_log::put(&t.ctx, &f.maths, f.class, d(MON), 1, &bad, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["title", "ppct", "remarks", "grade"]);
        let markup = LogInput {
            title: "<script>alert(1)</script>".into(),
            ..entry("")
        };
        let e = class_log::put(&t.ctx, &f.maths, f.class, d(MON), 1, &markup, None)
            .await
            .unwrap();
        assert_eq!(e.title, "<script>alert(1)</script>", "stored as text");
        // No such lesson.
        let e = class_log::put(&t.ctx, &f.maths, f.class, d(MON), 5, &entry("x"), None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["period"]);
        assert_eq!(t.count("class_log_entries").await, 1);
    }
);

both_engines!(the_week_closes_in_order_then_reads_only, |t| async move {
    let f = fixture(&t).await;
    t.advance(600);
    sign(&t, &f.maths, &f, MON, 1, Some("Phép cộng"))
        .await
        .unwrap();
    // Still Monday: the week is being taught.
    let e = class_log::close_week(&t.ctx, &f.homeroom, f.class, MON, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["week"]);
    // Saturday: Monday's period 2 and Tuesday's lesson were never signed.
    t.advance(5 * 86400);
    let w = class_log::week(&t.ctx, &f.homeroom, f.class, Some(MON))
        .await
        .unwrap();
    assert_eq!((w.signed_on_time, w.signed_late, w.missing), (1, 0, 2));
    assert_eq!(w.may_close, Some(CloseStep::Homeroom));
    let admin_view = class_log::week(&t.ctx, &f.admin, f.class, Some(MON))
        .await
        .unwrap();
    assert_eq!(
        admin_view.may_close, None,
        "the homeroom teacher closes first"
    );
    // Not a Monday; the principal first; a teacher who is not the homeroom teacher.
    let e = class_log::close_week(&t.ctx, &f.homeroom, f.class, TUE, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["week"]);
    let e = class_log::close_week(&t.ctx, &f.admin, f.class, MON, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = class_log::close_week(&t.ctx, &f.maths, f.class, MON, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let c = class_log::close_week(&t.ctx, &f.homeroom, f.class, MON, None)
        .await
        .unwrap();
    assert!(c.homeroom.is_some() && c.principal.is_none());
    let again = class_log::close_week(&t.ctx, &f.homeroom, f.class, MON, None)
        .await
        .unwrap();
    assert_eq!(again, c, "closing twice changes nothing");
    // Read-only now: no writing, no signing.
    let e = class_log::put(
        &t.ctx,
        &f.homeroom,
        f.class,
        d(MON),
        2,
        &entry("Tập đọc"),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = sign(&t, &f.maths, &f, TUE, 1, Some("Phép trừ"))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let c = class_log::close_week(&t.ctx, &f.admin, f.class, MON, None)
        .await
        .unwrap();
    assert!(c.principal.is_some());
    let w = class_log::week(&t.ctx, &f.admin, f.class, Some(MON))
        .await
        .unwrap();
    assert!(
        w.days
            .iter()
            .flat_map(|d| &d.entries)
            .all(|e| e.state == LogState::Closed)
    );
    assert_eq!(w.may_close, None);
    // A correction: filed by the teacher with a reason, waiting; the original stays.
    let no_reason = crate::class_log::CorrectionInput {
        date: MON.into(),
        period: 1,
        reason: " ".into(),
        entry: entry("Phép cộng có nhớ trong phạm vi 100"),
    };
    let e = class_log::correct(&t.ctx, &f.maths, f.class, &no_reason, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["reason"]);
    let fix = crate::class_log::CorrectionInput {
        reason: "Ghi nhầm tên bài".into(),
        ..no_reason
    };
    let c = class_log::correct(&t.ctx, &f.maths, f.class, &fix, None)
        .await
        .unwrap();
    assert!(c.approved_at.is_none());
    let e = class_log::approve(&t.ctx, &f.maths, f.class, c.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let ok = class_log::approve(&t.ctx, &f.admin, f.class, c.id, None)
        .await
        .unwrap();
    assert!(ok.approved_at.is_some());
    let twice = class_log::approve(&t.ctx, &f.admin, f.class, c.id, None)
        .await
        .unwrap();
    assert_eq!(twice, ok);
    let e = class_log::get(&t.ctx, &f.homeroom, f.class, d(MON), 1)
        .await
        .unwrap();
    assert_eq!(e.title, "Phép cộng", "the original stays");
    assert_eq!(e.effective().0, "Phép cộng có nhớ trong phạm vi 100");
    // An unsigned lesson of the closed week gets its entry by a correction too (the principal's,
    // approved at once); it still counts as missing.
    let late_entry = crate::class_log::CorrectionInput {
        date: MON.into(),
        period: 2,
        reason: "Giáo viên quên ký".into(),
        entry: entry("Tập đọc"),
    };
    let c = class_log::correct(&t.ctx, &f.admin, f.class, &late_entry, None)
        .await
        .unwrap();
    assert!(c.approved_at.is_some());
    let w = class_log::week(&t.ctx, &f.admin, f.class, Some(MON))
        .await
        .unwrap();
    assert_eq!((w.signed_on_time, w.missing), (1, 2));
    // Next week is open again.
    let e = sign(&t, &f.maths, &f, NEXT_MON, 1, Some("x"))
        .await
        .unwrap_err();
    assert_eq!(
        fields(&e),
        ["date"],
        "next Monday's lesson has not started yet"
    );
    // The chain: 1 signature, 2 closings, 2 corrections, 2 approvals.
    let r = class_log::verify(&t.ctx, &f.admin, f.admin.school_id.unwrap())
        .await
        .unwrap();
    assert!(r.intact, "{:?}", r.broken);
    assert_eq!((r.chains, r.records), (1, 7));
});

both_engines!(
    the_chain_finds_rows_changed_behind_its_back,
    |t| async move {
        let f = fixture(&t).await;
        let school = f.admin.school_id.unwrap();
        t.advance(600);
        sign(&t, &f.maths, &f, MON, 1, Some("Phép cộng"))
            .await
            .unwrap();
        t.advance(after_end(&t, &f, 2, 0).await - 600);
        sign(&t, &f.homeroom, &f, MON, 2, Some("Tập đọc"))
            .await
            .unwrap();
        let ok = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert!(ok.intact);
        assert_eq!(ok.records, 2);
        let pool = &t.ctx.db.pool;
        let exec = |sql: &'static str| async move {
            sqlx::query(sql).execute(pool).await.unwrap();
        };
        let first = |r: crate::class_log::ChainReport| {
            let b = r.broken.first().cloned().expect("a broken chain");
            (b.seq, b.kind, b.reference, b.reason)
        };
        // A title changed with SQL: the signature's record no longer matches its row.
        exec("UPDATE class_log_entries SET title = 'Bài khác' WHERE period = 1").await;
        let r = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert!(!r.intact);
        assert_eq!(
            first(r),
            (
                1,
                Some(RecordKind::Sign),
                "2026-11-30/1".into(),
                BreakReason::DataChanged
            )
        );
        exec("UPDATE class_log_entries SET title = 'Phép cộng' WHERE period = 1").await;
        assert!(
            class_log::verify(&t.ctx, &f.admin, school)
                .await
                .unwrap()
                .intact
        );
        // The row and its record both changed to match: the record's hash no longer covers it.
        exec("UPDATE class_log_entries SET title = 'Tập viết' WHERE period = 2").await;
        exec("UPDATE class_log_records SET content = REPLACE(content, 'Tập đọc', 'Tập viết') WHERE seq = 2")
        .await;
        let r = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert_eq!(
            first(r),
            (
                2,
                Some(RecordKind::Sign),
                "2026-11-30/2".into(),
                BreakReason::HashMismatch
            )
        );
        exec("UPDATE class_log_entries SET title = 'Tập đọc' WHERE period = 2").await;
        exec("UPDATE class_log_records SET content = REPLACE(content, 'Tập viết', 'Tập đọc') WHERE seq = 2")
        .await;
        assert!(
            class_log::verify(&t.ctx, &f.admin, school)
                .await
                .unwrap()
                .intact
        );
        // A record removed: the next one no longer follows.
        exec("DELETE FROM class_log_records WHERE seq = 1").await;
        let r = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert_eq!(first(r).3, BreakReason::LinkMismatch);
        // A record's hash rewritten (the first one gone, the second is now first).
        exec("UPDATE class_log_records SET seq = 1, prev_hash = '0', hash = 'ab' WHERE seq = 2")
            .await;
        let r = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert_eq!(first(r).3, BreakReason::HashMismatch);
        // Every record gone: the signed rows have none standing for them.
        exec("DELETE FROM class_log_records").await;
        let r = class_log::verify(&t.ctx, &f.admin, school).await.unwrap();
        assert!(!r.intact);
        assert!(
            r.broken
                .iter()
                .all(|b| b.reason == BreakReason::Unrecorded && b.seq == 0)
        );
    }
);

both_engines!(twenty_signatures_at_once_make_one, |t| async move {
    let f = fixture(&t).await;
    t.advance(600);
    class_log::put(
        &t.ctx,
        &f.maths,
        f.class,
        d(MON),
        1,
        &entry("Phép cộng"),
        None,
    )
    .await
    .unwrap();
    let runs = (0..20).map(|_| {
        let (ctx, who, class) = (t.ctx.clone(), f.maths.clone(), f.class);
        tokio::spawn(async move {
            class_log::sign(
                &ctx,
                &who,
                class,
                d(MON),
                1,
                None,
                &SignInput::default(),
                None,
            )
            .await
        })
    });
    let mut signed_at = std::collections::BTreeSet::new();
    for r in futures::future::join_all(runs).await {
        let e = r.unwrap().unwrap();
        signed_at.insert(e.signed_at.unwrap());
    }
    assert_eq!(signed_at.len(), 1, "one signature");
    assert_eq!(t.count("class_log_records").await, 1);
    assert_eq!(t.audit("class_log.sign").await.len(), 1);
});

both_engines!(
    other_classes_schools_and_roles_are_refused,
    |t| async move {
        let f = fixture(&t).await;
        let school = f.admin.school_id.unwrap();
        t.advance(600);
        // Another school's teacher: the class does not exist for them.
        let e = class_log::get(&t.ctx, &f.stranger, f.class, d(MON), 1)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = sign(&t, &f.stranger, &f, MON, 1, Some("x"))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = class_log::week(&t.ctx, &f.stranger, f.class, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        // A colleague reads but does not sign; nor does the school admin sign for a teacher.
        class_log::get(&t.ctx, &f.other, f.class, d(MON), 1)
            .await
            .unwrap();
        for who in [&f.other, &f.admin] {
            let e = sign(&t, who, &f, MON, 1, Some("x")).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::Forbidden);
        }
        // Verification: the school's admin and the department; not a teacher; another school's
        // admin does not see the school.
        let dept = t.department().await;
        class_log::verify(&t.ctx, &dept, school).await.unwrap();
        let e = class_log::verify(&t.ctx, &f.maths, school)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let elsewhere = t.school_admin(f.stranger.school_id.unwrap()).await;
        let e = class_log::verify(&t.ctx, &elsewhere, school)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        // The department's ranking is theirs only.
        let e = class_log::on_time_by_school(&t.ctx, &f.admin, d(MON), d(MON))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(t.count("class_log_entries").await, 0);
    }
);

both_engines!(
    the_department_sees_the_share_signed_on_time,
    |t| async move {
        let f = fixture(&t).await;
        t.advance(600);
        sign(&t, &f.maths, &f, MON, 1, Some("Phép cộng"))
            .await
            .unwrap();
        t.advance(after_end(&t, &f, 2, 20 * 60).await - 600);
        sign(&t, &f.homeroom, &f, MON, 2, Some("Tập đọc"))
            .await
            .unwrap();
        // Wednesday: Monday's two lessons and Tuesday's are over.
        t.advance(2 * 86400);
        let dept = t.department().await;
        let rows = class_log::on_time_by_school(&t.ctx, &dept, d(MON), d(TUE))
            .await
            .unwrap();
        let r = rows
            .iter()
            .find(|r| r.school_id == f.admin.school_id.unwrap())
            .unwrap();
        assert_eq!((r.lessons, r.on_time, r.late, r.missing), (3, 1, 1, 1));
        assert_eq!(r.percent, 33.3);
        assert!(!r.no_timetable);
    }
);

both_engines!(
    the_lesson_suggests_and_the_week_counts_absences,
    |t| async move {
        let f = fixture(&t).await;
        t.advance(600);
        sign(&t, &f.maths, &f, MON, 1, Some("Phép cộng"))
            .await
            .unwrap();
        // Pupil 2 misses Monday's two lessons and Tuesday's: two whole days running.
        roll_calls::put(
            &t.ctx,
            &f.maths,
            f.class,
            d(MON),
            1,
            &absent(&f, &[(2, Status::Unexcused)]),
            None,
        )
        .await
        .unwrap();
        t.advance(after_end(&t, &f, 2, 0).await - 600);
        roll_calls::put(
            &t.ctx,
            &f.homeroom,
            f.class,
            d(MON),
            2,
            &absent(&f, &[(2, Status::Excused)]),
            None,
        )
        .await
        .unwrap();
        t.advance(86400);
        roll_calls::put(
            &t.ctx,
            &f.maths,
            f.class,
            d(TUE),
            1,
            &absent(&f, &[(2, Status::Unexcused)]),
            None,
        )
        .await
        .unwrap();
        let l = class_log::lesson(&t.ctx, &f.maths, f.class, d(TUE), 1)
            .await
            .unwrap();
        assert!(l.may_sign);
        assert_eq!(l.suggested_ppct, Some(13), "the subject's last + 1");
        assert_eq!(
            l.entry.absentees.len(),
            1,
            "from the roll call, before signing"
        );
        let w = class_log::week(&t.ctx, &f.homeroom, f.class, Some(TUE))
            .await
            .unwrap();
        assert_eq!(w.monday, d(MON));
        let p = &w.absences[0];
        assert_eq!(
            (p.week_excused, p.week_unexcused, p.year_periods),
            (1, 2, 3)
        );
        assert_eq!(p.consecutive_days, 2);
        assert!(!p.over_consecutive && !p.over_year_limit);
    }
);
