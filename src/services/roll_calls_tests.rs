//! Roll calls on both engines: one roll call per lesson under replays and concurrency, who may
//! take it, the rules that refuse it, offline captures, the missing report, summaries and
//! their exports, and the teacher's day.

use super::classes_tests::{Fixture, MON, absent, d, fields, fixture};
use crate::both_engines;
use crate::error::ErrorCode;
use crate::ids::{ClassId, StudentId};
use crate::lessons::{ReadOnly, RollCallView};
use crate::model::Actor;
use crate::roll_calls::{RollCallEntry, RollCallInput, Status};
use crate::services::testing::TestDb;
use crate::services::{classes, roll_calls};

both_engines!(
    a_roll_call_is_taken_once_whatever_the_replays,
    |t| async move {
        let f = fixture(&t).await;
        let input = absent(&f, &[(1, Status::Late), (3, Status::Unexcused)]);
        let (rc, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &input, None)
            .await
            .unwrap();
        assert!(created);
        assert_eq!(rc.counts.present, 3);
        assert_eq!(rc.counts.late, 1);
        assert_eq!(rc.counts.unexcused, 1);
        assert!(rc.on_time);
        // The same PUT again: nothing changes, the same roll call comes back.
        let (again, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &input, None)
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(again, rc);
        // Twenty identical PUTs at once on another lesson: one roll call, one audit record.
        let mut tasks = Vec::new();
        let second = absent(&f, &[(0, Status::Excused)]);
        for _ in 0..20 {
            let (ctx, who, input) = (t.ctx.clone(), f.homeroom.clone(), second.clone());
            let class = f.class;
            tasks.push(tokio::spawn(async move {
                roll_calls::put(&ctx, &who, class, d(MON), 2, &input, None)
                    .await
                    .map(|(_, created)| created)
            }));
        }
        let mut firsts = 0;
        for task in tasks {
            if task.await.unwrap().unwrap() {
                firsts += 1;
            }
        }
        assert_eq!(firsts, 1);
        assert_eq!(t.count("roll_calls").await, 2);
        assert_eq!(t.count("roll_call_entries").await, 3);
        assert_eq!(t.audit("roll_call.create").await.len(), 2);
        assert!(t.audit("roll_call.update").await.is_empty());

        // A changed PUT updates it, audited with each student's old → new state.
        let changed = absent(
            &f,
            &[
                (1, Status::Present),
                (3, Status::Excused),
                (4, Status::Late),
            ],
        );
        let (rc2, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &changed, None)
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(
            (rc2.counts.present, rc2.counts.late, rc2.counts.excused),
            (3, 1, 1)
        );
        assert_eq!(rc2.taken_at, rc.taken_at);
        let updates = t.audit("roll_call.update").await;
        assert_eq!(updates.len(), 1);
        let view = roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
            .await
            .unwrap();
        assert_eq!(view.history.len(), 1);
        assert_eq!(view.history[0].changes.len(), 3, "{:?}", view.history);
        assert!(view.may_write);
        assert_eq!(
            view.students
                .iter()
                .filter(|s| s.status != Status::Present)
                .count(),
            2
        );
        // GET returns what was stored.
        let got = roll_calls::get(&t.ctx, &f.admin, f.class, d(MON), 1)
            .await
            .unwrap();
        assert_eq!(got, rc2);
    }
);

both_engines!(roll_call_rules_and_who_may_take_it, |t| async move {
    let f = fixture(&t).await;
    let none = RollCallInput::default();
    let put = |who: Actor, date: &'static str, period: i64, input: RollCallInput| {
        let ctx = t.ctx.clone();
        let class = f.class;
        async move { roll_calls::put(&ctx, &who, class, d(date), period, &input, None).await }
    };
    // A future day, a period the timetable does not have, a day without lessons (Wednesday).
    let e = put(f.maths.clone(), "2026-12-01", 1, none.clone())
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["date"]);
    let e = put(f.maths.clone(), MON, 4, none.clone())
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["period"]);
    assert!(
        e.localize(crate::Lang::Vi).fields[0]
            .1
            .contains("thời khóa biểu")
    );
    let e = put(f.maths.clone(), "2026-11-25", 1, none.clone())
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["period"]);
    // A student of another class, or listed twice.
    let mut bad = absent(&f, &[(0, Status::Late), (0, Status::Excused)]);
    bad.entries.push(RollCallEntry {
        student_id: StudentId(999_999),
        status: Status::Late,
        note: None,
    });
    let e = put(f.maths.clone(), MON, 1, bad).await.unwrap_err();
    assert_eq!(
        fields(&e),
        ["entries[1].student_id", "entries[2].student_id"]
    );
    // Another teacher of the school: forbidden; another school's: not found.
    let e = put(f.other.clone(), MON, 1, none.clone())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = put(f.stranger.clone(), MON, 1, none.clone())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(t.count("roll_calls").await, 0, "nothing written");
    // The homeroom teacher takes the maths lesson; the admin may too.
    put(f.homeroom.clone(), MON, 1, none.clone()).await.unwrap();
    put(f.admin.clone(), MON, 2, none.clone()).await.unwrap();
    // Last week's lesson can still be taken (late, not on time); once taken, only an
    // administrator changes it after its day.
    let (late, _) = put(f.maths.clone(), "2026-11-24", 1, none.clone())
        .await
        .unwrap();
    assert!(!late.on_time);
    let e = put(
        f.maths.clone(),
        "2026-11-24",
        1,
        absent(&f, &[(2, Status::Late)]),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    put(
        f.admin.clone(),
        "2026-11-24",
        1,
        absent(&f, &[(2, Status::Late)]),
    )
    .await
    .unwrap();
    // The department reads no names.
    let dept = t.department().await;
    let e = roll_calls::get(&t.ctx, &dept, f.class, d(MON), 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
});

both_engines!(
    missing_roll_calls_summaries_and_the_teachers_day,
    |t| async move {
        let f = fixture(&t).await;
        let s = f.admin.school_id.unwrap();
        // 07:00 on Monday: no lesson has ended yet; last week's two Monday and one Tuesday lessons
        // are missing.
        let today = roll_calls::missing(&t.ctx, &f.admin, s, d(MON), d(MON))
            .await
            .unwrap();
        assert!(today.is_empty(), "{today:?}");
        let last_week = roll_calls::missing(&t.ctx, &f.admin, s, d("2026-11-23"), d("2026-11-29"))
            .await
            .unwrap();
        assert_eq!(last_week.len(), 3);
        let e = roll_calls::missing(&t.ctx, &f.maths, s, d(MON), d(MON))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        // Two hours later both Monday lessons have ended: missing until taken.
        t.advance(2 * 3600);
        let now = roll_calls::missing(&t.ctx, &f.admin, s, d(MON), d(MON))
            .await
            .unwrap();
        assert_eq!(now.iter().map(|m| m.period).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(now[0].teacher_id, f.maths.user_id);
        roll_calls::put(
            &t.ctx,
            &f.maths,
            f.class,
            d(MON),
            1,
            &absent(&f, &[(0, Status::Unexcused)]),
            None,
        )
        .await
        .unwrap();
        let now = roll_calls::missing(&t.ctx, &f.admin, s, d(MON), d(MON))
            .await
            .unwrap();
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].period, 2);

        // A booking for one of the teacher's classes shows on the lesson; a teacher who does not
        // teach the class cannot book for it.
        let board = crate::services::devices::create(
            &t.ctx,
            &f.admin,
            s,
            &crate::devices::DeviceInput {
                name: "Màn hình 5A1".into(),
                kind: "interactive_display".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
        let mut req = crate::bookings::BookingRequest {
            device_id: board.id,
            date: "2026-12-07".into(),
            periods: vec![1],
            class_id: Some(f.class),
            ..Default::default()
        };
        let e = crate::services::bookings::create(&t.ctx, &f.other, &req, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["class_id"]);
        crate::services::bookings::create(&t.ctx, &f.maths, &req, None)
            .await
            .unwrap();
        req.date = MON.into();
        req.periods = vec![5];
        crate::services::bookings::create(&t.ctx, &f.homeroom, &req, None)
            .await
            .unwrap();

        // The teacher's day: only period 1 of Monday is theirs.
        let day = roll_calls::my_day(&t.ctx, &f.maths, None).await.unwrap();
        assert_eq!(day.len(), 1);
        assert_eq!(day[0].period, 1);
        assert_eq!(day[0].roll_call.unwrap().unexcused, 1);
        assert_eq!(day[0].subject, "toan");
        let hr = roll_calls::my_day(&t.ctx, &f.homeroom, None).await.unwrap();
        assert_eq!(hr.len(), 1);
        assert!(hr[0].roll_call.is_none());

        // Summary: one roll call; the absent student has a 100% absence rate.
        let sum = roll_calls::summary(&t.ctx, &f.admin, f.class, d("2026-11-01"), d(MON))
            .await
            .unwrap();
        assert_eq!(sum.roll_calls, 1);
        assert_eq!(sum.students.len(), 5);
        let an = sum
            .students
            .iter()
            .find(|s| s.student_id == f.students[1] || s.full_name == "Nguyễn Văn An")
            .unwrap();
        assert_eq!(an.lessons, 1);
        assert_eq!(an.counts.unexcused + an.counts.present, 1);
        let total_absent: i64 = sum.students.iter().map(|s| s.counts.absent()).sum();
        assert_eq!(total_absent, 1);

        // On time: this week's Monday period 1 (taken 2 h after 07:00, after its end + 15 min):
        // not on time; 2 lessons today so far, none on time.
        let (lessons, on_time) = roll_calls::on_time(&t.ctx, &f.admin, s, d(MON), d(MON))
            .await
            .unwrap();
        assert_eq!((lessons, on_time), (2, 0));
    }
);

#[test]
fn summary_exports_keep_formulas_as_text() {
    use crate::attendance::{AttendanceSummary, StudentAttendance};
    use crate::roll_calls::Counts;
    let s = AttendanceSummary {
        class_id: ClassId(1),
        from: d("2026-11-02"),
        to: d("2026-11-30"),
        roll_calls: 10,
        students: vec![StudentAttendance {
            student_id: StudentId(1),
            code: "=HYPERLINK(\"http://x\")".into(),
            full_name: "Nguyễn Văn An".into(),
            lessons: 10,
            counts: Counts {
                present: 7,
                late: 1,
                excused: 1,
                unexcused: 1,
            },
            absence_rate: 20.0,
        }],
    };
    let csv = String::from_utf8(roll_calls::summary_csv(&s, crate::Lang::Vi)).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("Nguyễn Văn An,10,7,1,1,1,20.0"), "{csv}");
    assert!(
        csv.starts_with("\u{feff}Mã học sinh") || csv.starts_with("Mã học sinh"),
        "{csv}"
    );
    assert_eq!(s.over_threshold(20.0).len(), 1);
    assert!(s.over_threshold(20.1).is_empty());
    let xlsx = roll_calls::summary_xlsx(&s, crate::Lang::En).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
}

both_engines!(
    a_roll_call_saved_offline_is_judged_by_when_it_was_taken,
    |t| async move {
        let f = fixture(&t).await;
        // Monday 07:00 (school time) now; period 1 runs 07:00–07:35, on time until 07:50.
        let at = |hhmm: &str| format!("2026-11-30T{hhmm}:00+07:00");
        let secs = |rfc: &str| {
            chrono::DateTime::parse_from_rfc3339(rfc)
                .unwrap()
                .timestamp()
        };
        let with_time = |taken_at: Option<String>| RollCallInput {
            taken_at,
            ..absent(&f, &[(1, Status::Unexcused)])
        };
        // Saved on the phone at 07:45 with no signal, sent at 08:10: on time, both times kept.
        t.advance(70 * 60);
        let input = with_time(Some(at("07:45")));
        let (rc, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &input, None)
            .await
            .unwrap();
        assert!(created);
        assert!(rc.on_time, "judged by the capture time");
        assert_eq!(secs(&rc.taken_at), secs(&at("07:45")));
        assert_eq!(secs(&rc.received_at), secs(&at("08:10")));
        // The same PUT again (the outbox retrying): the same roll call, nothing new.
        let (again, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &input, None)
            .await
            .unwrap();
        assert!(!created);
        assert_eq!((again.taken_at, again.on_time), (rc.taken_at.clone(), true));
        let read = roll_calls::get(&t.ctx, &f.maths, f.class, d(MON), 1)
            .await
            .unwrap();
        assert_eq!(
            (secs(&read.taken_at), secs(&read.received_at)),
            (secs(&at("07:45")), secs(&at("08:10")))
        );
        assert_eq!(t.count("roll_calls").await, 1);

        // Period 2 (07:40–08:15, on time until 08:30), now 08:40: implausible times are refused,
        // naming the field, and nothing is written.
        t.advance(30 * 60);
        for bad in [
            at("08:43"),      // after the server's clock plus 2 minutes
            at("07:39"),      // before the lesson started
            "hôm nay".into(), // not a time
        ] {
            let e = roll_calls::put(
                &t.ctx,
                &f.homeroom,
                f.class,
                d(MON),
                2,
                &with_time(Some(bad.clone())),
                None,
            )
            .await
            .unwrap_err();
            assert_eq!(fields(&e), ["taken_at"], "{bad}");
        }
        assert_eq!(t.count("roll_calls").await, 1, "nothing written");
        // A device clock a minute ahead is tolerated (and never stored past the arrival).
        let (ahead, _) = roll_calls::put(
            &t.ctx,
            &f.homeroom,
            f.class,
            d(MON),
            2,
            &with_time(Some(at("08:41"))),
            None,
        )
        .await
        .unwrap();
        assert_eq!(secs(&ahead.taken_at), secs(&at("08:40")));
        assert!(!ahead.on_time);
        // Without a capture time, the arrival counts: last week's lesson, taken now, is late.
        let (late, _) = roll_calls::put(
            &t.ctx,
            &f.maths,
            f.class,
            d("2026-11-24"),
            1,
            &with_time(None),
            None,
        )
        .await
        .unwrap();
        assert!(!late.on_time);
        assert_eq!(late.taken_at, late.received_at);
    }
);

/// A roll call of `MON`'s first lesson: taken by the maths teacher (student 0 late), changed by
/// them a minute later (0 present with a note, 1 unexcused), then by the admin (1 excused, and
/// a note on 2 only). Returns the view after.
async fn taken_and_changed_twice(t: &TestDb, f: &Fixture) -> RollCallView {
    let put = |who: &Actor, marks: RollCallInput| {
        let (t, who, class) = (t, who.clone(), f.class);
        async move {
            roll_calls::put(&t.ctx, &who, class, d(MON), 1, &marks, None)
                .await
                .unwrap()
        }
    };
    put(&f.maths, absent(f, &[(0, Status::Late)])).await;
    t.advance(60);
    let mut first = absent(f, &[(1, Status::Unexcused)]);
    first.entries.push(RollCallEntry {
        student_id: f.students[0],
        status: Status::Present,
        note: Some("Đến kịp".into()),
    });
    put(&f.maths, first.clone()).await;
    t.advance(60);
    let mut second = absent(f, &[(1, Status::Excused)]);
    second.entries.extend([
        first.entries[1].clone(),
        RollCallEntry {
            student_id: f.students[2],
            status: Status::Present,
            note: Some("Quên vở".into()),
        },
    ]);
    put(&f.admin, second).await;
    roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
        .await
        .unwrap()
}

/// An account's full name.
pub(super) async fn full_name(t: &TestDb, a: &Actor) -> String {
    sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(a.user_id)
        .fetch_one(&t.ctx.db.pool)
        .await
        .unwrap()
}

/// Every row of `roll_call_changes`, by roll call, save and student.
async fn change_rows(t: &TestDb) -> Vec<ChangeRow> {
    sqlx::query_as(
        "SELECT roll_call_id, revision, student_id, changed_by, changed_by_name, at, old_status, \
         new_status, old_note, new_note FROM roll_call_changes ORDER BY roll_call_id, revision, student_id",
    )
    .fetch_all(&t.ctx.db.pool)
    .await
    .unwrap()
}

#[derive(Debug, PartialEq, sqlx::FromRow)]
struct ChangeRow {
    roll_call_id: i64,
    revision: i64,
    student_id: i64,
    changed_by: i64,
    changed_by_name: String,
    at: i64,
    old_status: Option<String>,
    new_status: String,
    old_note: Option<String>,
    new_note: Option<String>,
}

both_engines!(
    a_roll_calls_history_comes_from_its_changes,
    |t| async move {
        let f = fixture(&t).await;
        let view = taken_and_changed_twice(&t, &f).await;
        let names = classes::students(&t.ctx, &f.admin, f.class, None)
            .await
            .unwrap();
        let name = |i: usize| {
            names
                .iter()
                .find(|s| s.id == f.students[i])
                .unwrap()
                .full_name
                .clone()
        };
        // Both changes, newest first, each with who made it and old → new; a note alone is
        // no change of state.
        assert_eq!(view.history.len(), 2, "{:?}", view.history);
        let sorted = |mut v: Vec<(String, Status, Status)>| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        // Each save signed with its author's full name, not their username.
        assert_eq!(view.history[0].by, full_name(&t, &f.admin).await);
        assert_eq!(
            view.history[0].changes,
            [(name(1), Status::Unexcused, Status::Excused)]
        );
        assert_eq!(view.history[1].by, full_name(&t, &f.maths).await);
        assert_eq!(
            sorted(view.history[1].changes.clone()),
            sorted(vec![
                (name(0), Status::Late, Status::Present),
                (name(1), Status::Present, Status::Unexcused)
            ])
        );
        assert!(view.history[0].at > view.history[1].at);
        // One row per changed student per save: the first take (0), the first change (0's state
        // and note, 1), the second (1, 2's note).
        let rows = change_rows(&t).await;
        let id = |i: usize| f.students[i].0;
        let mut got: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.revision,
                    r.student_id,
                    r.old_status.as_deref(),
                    r.new_status.as_str(),
                    r.new_note.as_deref(),
                )
            })
            .collect();
        got.sort();
        let mut want = vec![
            (1, id(0), None, "late", None),
            (2, id(0), Some("late"), "present", Some("Đến kịp")),
            (2, id(1), Some("present"), "unexcused", None),
            (3, id(1), Some("unexcused"), "excused", None),
            (3, id(2), Some("present"), "present", Some("Quên vở")),
        ];
        want.sort();
        assert_eq!(got, want);
        assert!(
            rows.iter()
                .all(|r| (r.revision == 3) == (r.changed_by == f.admin.user_id.0))
        );
        // The audit log is still written, and the history does not read it.
        assert_eq!(t.audit("roll_call.update").await.len(), 2);
        sqlx::query("DELETE FROM audit_log")
            .execute(&t.ctx.db.pool)
            .await
            .unwrap();
        let again = roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
            .await
            .unwrap();
        assert_eq!(again.history, view.history);
        // SQLite's plan of the history query: the lesson's unique key, then the changes by
        // roll call; never the audit log.
        if t.engine == crate::services::Engine::Sqlite {
            let plan: Vec<String> =
                sqlx::query(&format!("EXPLAIN QUERY PLAN {}", roll_calls::HISTORY_SQL))
                    .bind(f.class)
                    .bind(MON)
                    .bind(1_i64)
                    .fetch_all(&t.ctx.db.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| sqlx::Row::try_get::<String, _>(r, "detail").unwrap())
                    .collect();
            println!("EXPLAIN QUERY PLAN of the history:\n{}", plan.join("\n"));
            assert!(!plan.iter().any(|l| l.contains("audit_log")), "{plan:?}");
            assert!(
                plan.iter()
                    .any(|l| l.contains("roll_call_changes_roll_call_at")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|l| l.starts_with("SCAN")),
                "no table is scanned: {plan:?}"
            );
        }
    }
);

both_engines!(
    the_migration_backfills_the_history_from_the_audit_log,
    |t| async move {
        let f = fixture(&t).await;
        let view = taken_and_changed_twice(&t, &f).await;
        let rows = change_rows(&t).await;
        // As a database from before the table: the audit log only.
        sqlx::raw_sql("DROP INDEX audit_log_object_at; DROP TABLE roll_call_changes")
            .execute(&t.ctx.db.pool)
            .await
            .unwrap();
        let migration = match t.engine {
            crate::services::Engine::Sqlite => {
                include_str!("../migrations/sqlite/20261208000001_roll_call_changes.sql")
            }
            crate::services::Engine::Postgres => {
                include_str!("../migrations/postgres/20261208000001_roll_call_changes.sql")
            }
        };
        sqlx::raw_sql(migration)
            .execute(&t.ctx.db.pool)
            .await
            .unwrap();
        assert_eq!(change_rows(&t).await, rows);
        let again = roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
            .await
            .unwrap();
        assert_eq!(again.history, view.history);
        // A save after the backfill numbers on.
        t.advance(60);
        roll_calls::put(&t.ctx, &f.admin, f.class, d(MON), 1, &absent(&f, &[]), None)
            .await
            .unwrap();
        let last = change_rows(&t).await;
        assert!(last[rows.len()..].iter().all(|r| r.revision == 4));
    }
);

both_engines!(the_roll_call_page_says_why_it_is_closed, |t| async move {
    let f = fixture(&t).await;
    let view = |who: &Actor, date: &'static str, period: i64| {
        let (ctx, who, class) = (t.ctx.clone(), who.clone(), f.class);
        async move { roll_calls::view(&ctx, &who, class, d(date), period).await }
    };
    // A colleague opens an untaken roll call: nothing is shown as taken, and they learn who
    // takes it (the lesson's teacher, then the homeroom teacher).
    let v = view(&f.other, MON, 1).await.unwrap();
    assert!(v.roll_call.is_none());
    assert!(!v.may_write);
    assert_eq!(v.read_only, Some(ReadOnly::NotTaker));
    assert_eq!(
        v.takers,
        [
            full_name(&t, &f.maths).await,
            full_name(&t, &f.homeroom).await
        ]
    );
    assert_eq!(v.today, d(MON));
    let mine = view(&f.maths, MON, 1).await.unwrap();
    assert_eq!((mine.may_write, mine.read_only), (true, None));
    // Tomorrow's lesson, and a day without lessons: the reason, in words, on its field.
    let reason = |e: crate::Error| e.localize(crate::Lang::Vi).fields[0].clone();
    let (field, msg) = reason(view(&f.maths, "2026-12-01", 1).await.unwrap_err());
    assert_eq!(field, "date");
    assert!(
        msg.contains("01/12/2026") && msg.contains("khi tiết học bắt đầu"),
        "{msg}"
    );
    let (field, msg) = reason(view(&f.maths, "2026-11-25", 1).await.unwrap_err());
    assert_eq!(field, "period");
    assert!(
        msg.contains("5A1") && msg.contains("tiết 1") && msg.contains("25/11/2026"),
        "{msg}"
    );
    // Last week's roll call, taken: its teacher reads it (closed), the admin still changes it.
    roll_calls::put(
        &t.ctx,
        &f.maths,
        f.class,
        d("2026-11-24"),
        1,
        &absent(&f, &[]),
        None,
    )
    .await
    .unwrap();
    let past = view(&f.maths, "2026-11-24", 1).await.unwrap();
    assert_eq!(past.read_only, Some(ReadOnly::Closed));
    let admin = view(&f.admin, "2026-11-24", 1).await.unwrap();
    assert_eq!((admin.may_write, admin.read_only), (true, None));
});

both_engines!(
    the_roll_call_lists_pupils_in_vietnamese_order,
    |t| async move {
        let f = fixture(&t).await;
        // Đức after every D, given names first; the list (and the attendance summary) follow.
        let extra =
            "code;full_name;gender;birth_date\nHS006;Trần Đức;Nam;\nHS007;An Văn Duy;Nam;\n";
        classes::import_students(&t.ctx, &f.admin, f.class, extra.as_bytes(), None)
            .await
            .unwrap();
        let v = roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
            .await
            .unwrap();
        let names: Vec<&str> = v.students.iter().map(|s| s.full_name.as_str()).collect();
        let want = [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Hoàng Cường",
            "Phạm Thị Dung",
            "An Văn Duy",
            "Trần Đức",
            "Võ Minh Em",
        ];
        assert_eq!(names, want);
        let sum = roll_calls::summary(&t.ctx, &f.admin, f.class, d("2026-11-01"), d(MON))
            .await
            .unwrap();
        let names: Vec<&str> = sum.students.iter().map(|s| s.full_name.as_str()).collect();
        assert_eq!(names, want);
    }
);
