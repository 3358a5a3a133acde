//! The teacher's week on both engines: each lesson's roll-call state and why it cannot be
//! changed, the holiday, a class without pupils, other weeks by `?date=`, a bad date refused.

use super::classes_tests::{MON, absent, d, fixture};
use crate::both_engines;
use crate::classes::ClassInput;
use crate::lessons::{LessonState as S, Locked, TeacherWeek};
use crate::periods::HolidayInput;
use crate::roll_calls::Status;
use crate::services::{classes, periods, roll_calls, timetable};
use crate::timetable::{TimetableInput, TimetableItemInput};

/// (day, period, class, state, why locked) of every lesson of the week, in order.
fn lines(w: &TeacherWeek) -> Vec<(String, i64, String, S, Option<Locked>)> {
    w.days
        .iter()
        .flat_map(|d| &d.lessons)
        .map(|l| {
            let x = &l.lesson;
            (
                x.date.to_string(),
                x.period,
                x.class_name.clone(),
                l.state,
                l.locked,
            )
        })
        .collect()
}

both_engines!(the_teachers_week_and_each_lessons_state, |t| async move {
    let f = fixture(&t).await;
    let s = f.admin.school_id.unwrap();
    // A class without pupils, its period 3 on Monday taught by the maths teacher.
    let empty = classes::create(
        &t.ctx,
        &f.admin,
        s,
        &ClassInput {
            name: "5A2".into(),
            grade: 5,
            school_year: "2026-2027".into(),
            homeroom_teacher_id: None,
        },
        None,
    )
    .await
    .unwrap();
    let items = vec![TimetableItemInput {
        weekday: 1,
        period: 3,
        subject: "toan".into(),
        teacher_id: f.maths.user_id,
    }];
    let tt = TimetableInput { items, from: None };
    timetable::put(&t.ctx, &f.admin, empty.id, &tt, None)
        .await
        .unwrap();
    let holiday = HolidayInput {
        starts: "2026-12-03".into(),
        ends: None,
        name: "Ngày hội".into(),
    };
    periods::add_holiday(&t.ctx, &f.admin, s, &holiday, None)
        .await
        .unwrap();
    let week = |who, date: Option<&'static str>| {
        let ctx = t.ctx.clone();
        async move { roll_calls::my_week(&ctx, &who, date).await }
    };

    // Monday 07:00: Monday's lessons are open, Tuesday's not yet; 5A2 has nobody to call.
    let w = week(f.maths.clone(), None).await.unwrap();
    assert_eq!((w.monday, w.today, w.days.len()), (d(MON), d(MON), 6));
    assert_eq!(w.days[3].holiday.as_deref(), Some("Ngày hội"));
    let (mon, tue) = (MON.to_owned(), "2026-12-01".to_owned());
    assert_eq!(
        lines(&w),
        [
            (mon.clone(), 1, "5A1".into(), S::NotTaken, None),
            (mon.clone(), 3, "5A2".into(), S::NotNeeded, None),
            (
                tue.clone(),
                1,
                "5A1".into(),
                S::Future,
                Some(Locked::NotYet)
            ),
        ]
    );

    // Taken at 07:00 (on time); the homeroom teacher's period 2 taken the next day (late).
    let marks = absent(&f, &[(0, Status::Unexcused)]);
    roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &marks, None)
        .await
        .unwrap();
    t.advance(24 * 3600);
    roll_calls::put(&t.ctx, &f.homeroom, f.class, d(MON), 2, &marks, None)
        .await
        .unwrap();
    // Tuesday: Monday's roll calls can no longer be changed by their teachers.
    let w = week(f.maths.clone(), Some("2026-12-02")).await.unwrap();
    assert_eq!(w.today, d("2026-12-01"));
    let l = lines(&w);
    assert_eq!(l[0].3, S::OnTime);
    assert_eq!(l[0].4, Some(Locked::Closed));
    assert_eq!(l[2], (tue.clone(), 1, "5A1".into(), S::NotTaken, None));
    let counts = w.days[0].lessons[0].lesson.roll_call.unwrap();
    assert_eq!(counts.unexcused, 1);
    let hr = week(f.homeroom.clone(), Some("30/11/2026")).await.unwrap();
    assert_eq!(
        lines(&hr),
        [(mon.clone(), 2, "5A1".into(), S::Late, Some(Locked::Closed))]
    );

    // The next week: every lesson is still to come. A user with no lessons: an empty week.
    let next = week(f.maths.clone(), Some("2026-12-09")).await.unwrap();
    assert_eq!(next.monday, d("2026-12-07"));
    let next = lines(&next);
    assert_eq!(next.len(), 3);
    assert!(next.iter().all(|l| l.3 == S::Future || l.2 == "5A2"));
    let none = week(f.other.clone(), None).await.unwrap();
    assert!(none.days.iter().all(|d| d.lessons.is_empty()));

    // Not a date, or a year no school week is in: a 422 that says so in the user's language.
    for bad in ["31/02/2026", "tuần sau", "9999-01-01"] {
        let e = week(f.maths.clone(), Some(bad)).await.unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Validation, "{bad}");
        assert!(
            e.localize(crate::Lang::Vi)
                .message
                .contains("Ngày không hợp lệ"),
            "{bad}"
        );
    }
});
