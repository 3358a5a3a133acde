//! Classes, rosters and timetables on both engines: imports all-or-nothing, timetable
//! versions, the timetable page's grid, students added by hand, and a class's week and the
//! department's on-time view over them. The roll calls themselves are in `roll_calls_tests`,
//! on this file's fixture.

use crate::both_engines;
use crate::classes::ClassInput;
use crate::error::{Details, ErrorCode};
use crate::ids::{ClassId, StudentId};
use crate::model::Actor;
use crate::roll_calls::{RollCallEntry, RollCallInput, Status};
use crate::services::testing::TestDb;
use crate::services::{classes, roll_calls, timetable};
use crate::timetable::{TimetableInput, TimetableItemInput};
use chrono::NaiveDate;

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The fixed clock's day (Monday 2026-11-30, 07:00 school time).
pub(super) const MON: &str = "2026-11-30";

pub(super) struct Fixture {
    pub(super) admin: Actor,
    pub(super) maths: Actor,
    pub(super) homeroom: Actor,
    pub(super) other: Actor,
    pub(super) stranger: Actor,
    pub(super) class: ClassId,
    pub(super) students: Vec<StudentId>,
}

const ROSTER: &str = "\u{feff}code;full_name;gender;birth_date\n\
    HS001;Nguyễn Văn An;Nam;05/03/2016\n\
    HS002;Trần Thị Bình;Nữ;2016-07-21\n\
    HS003;Lê Hoàng Cường;nam;\n\
    HS004;Phạm Thị Dung;NỮ;12/12/2016\n\
    HS005;Võ Minh Em;Nam;01/01/2016\n";

pub(super) async fn fixture(t: &TestDb) -> Fixture {
    let s = t.school("TH0001").await;
    let elsewhere = t.school("TH0002").await;
    let admin = t.school_admin(s.id).await;
    let maths = t.teacher(s.id).await;
    let homeroom = t.teacher(s.id).await;
    let other = t.teacher(s.id).await;
    let stranger = t.teacher(elsewhere.id).await;
    let class = classes::create(
        &t.ctx,
        &admin,
        s.id,
        &ClassInput {
            name: "5A1".into(),
            grade: 5,
            school_year: "2026-2027".into(),
            homeroom_teacher_id: Some(homeroom.user_id),
        },
        None,
    )
    .await
    .unwrap();
    classes::import_students(&t.ctx, &admin, class.id, ROSTER.as_bytes(), None)
        .await
        .unwrap();
    let students = classes::students(&t.ctx, &admin, class.id, None)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let cell = |weekday, period, subject: &str, who: &Actor| TimetableItemInput {
        weekday,
        period,
        subject: subject.into(),
        teacher_id: who.user_id,
    };
    timetable::put(
        &t.ctx,
        &admin,
        class.id,
        &TimetableInput {
            items: vec![
                cell(1, 1, "toan", &maths),
                cell(1, 2, "Tiếng Việt", &homeroom),
                cell(2, 1, "toan", &maths),
            ],
            from: None,
        },
        None,
    )
    .await
    .unwrap();
    Fixture {
        admin,
        maths,
        homeroom,
        other,
        stranger,
        class: class.id,
        students,
    }
}

pub(super) fn absent(f: &Fixture, which: &[(usize, Status)]) -> RollCallInput {
    RollCallInput {
        entries: which
            .iter()
            .map(|(i, s)| RollCallEntry {
                student_id: f.students[*i],
                status: *s,
                note: None,
            })
            .collect(),
        taken_at: None,
    }
}

pub(super) fn fields(e: &crate::Error) -> Vec<String> {
    match &e.details {
        Details::Fields(f) => f.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected field errors, got {other:?} ({e})"),
    }
}

both_engines!(classes_rosters_and_timetable_versions, |t| async move {
    let f = fixture(&t).await;
    let s = f.admin.school_id.unwrap();
    let list = classes::list(&t.ctx, &f.maths, s, None).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "5A1");
    assert_eq!(list[0].students, 5);
    assert_eq!(list[0].homeroom_teacher_id, Some(f.homeroom.user_id));
    // Names in Vietnamese order (the given name first: An, Bình, Cường…); NFC kept; genders
    // and dates read both ways.
    let roster = classes::students(&t.ctx, &f.admin, f.class, None)
        .await
        .unwrap();
    let names: Vec<_> = roster.iter().map(|s| s.full_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Hoàng Cường",
            "Phạm Thị Dung",
            "Võ Minh Em"
        ]
    );
    assert_eq!(roster[1].birth_date, Some(d("2016-07-21")));
    assert_eq!(roster[2].birth_date, None);

    // The same name in the same year is a conflict; a teacher cannot create classes; another
    // school's teacher does not see them.
    let again = ClassInput {
        name: "5A1".into(),
        grade: 5,
        school_year: "2026-2027".into(),
        homeroom_teacher_id: None,
    };
    let e = classes::create(&t.ctx, &f.admin, s, &again, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = classes::create(&t.ctx, &f.maths, s, &again, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = classes::list(&t.ctx, &f.stranger, s, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = classes::students(&t.ctx, &f.stranger, f.class, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // A roster with bad lines: every one reported, nothing written.
    let before = t.count("students").await;
    let bad = "code,full_name,gender,birth_date\nHS010,Ngô Văn Phúc,Nam,31/02/2016\n\
               HS011,X,Nữ,\nHS010,Đỗ Thị Hà,Khác,\n";
    let e = classes::import_students(&t.ctx, &f.admin, f.class, bad.as_bytes(), None)
        .await
        .unwrap_err();
    let Details::Lines(lines) = &e.details else {
        panic!("{e:?}")
    };
    let at: Vec<u64> = lines.iter().map(|l| l.line).collect();
    assert_eq!(at, [2, 3, 4, 4], "{lines:?}");
    assert_eq!(t.count("students").await, before);

    // A class import: a new class, and the existing one updated.
    let csv = format!(
        "name,grade,school_year,homeroom_username\n5A1,5,2026-2027,\n5A2,5,2026-2027,{}\n",
        f.other.username
    );
    let out = classes::import_csv(&t.ctx, &f.admin, s, csv.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (1, 1));

    // Moving a student from next Monday keeps this week's roster as it was.
    let a2 = classes::list(&t.ctx, &f.admin, s, None)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "5A2")
        .unwrap();
    classes::move_student(
        &t.ctx,
        &f.admin,
        f.students[0],
        a2.id,
        Some(d("2026-12-07")),
        None,
    )
    .await
    .unwrap();
    let on = |day: &str| {
        let ctx = t.ctx.clone();
        let admin = f.admin.clone();
        let class = f.class;
        let day = d(day);
        async move {
            classes::students(&ctx, &admin, class, Some(day))
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(on("2026-12-04").await, 5);
    assert_eq!(on("2026-12-07").await, 4);
    assert_eq!(
        classes::students(&t.ctx, &f.admin, a2.id, Some(d("2026-12-07")))
            .await
            .unwrap()
            .len(),
        1
    );

    // A timetable version from next Monday: this week keeps the old one.
    let tt = timetable::get(&t.ctx, &f.maths, f.class, Some(d(MON)))
        .await
        .unwrap();
    assert_eq!(tt.items.len(), 3);
    assert_eq!(tt.from, Some(d("2026-09-05")));
    timetable::put(
        &t.ctx,
        &f.admin,
        f.class,
        &TimetableInput {
            items: vec![TimetableItemInput {
                weekday: 1,
                period: 3,
                subject: "khoa_hoc".into(),
                teacher_id: f.other.user_id,
            }],
            from: Some("07/12/2026".into()),
        },
        None,
    )
    .await
    .unwrap();
    let now = timetable::get(&t.ctx, &f.maths, f.class, Some(d(MON)))
        .await
        .unwrap();
    assert_eq!(now.items, tt.items, "last week untouched");
    let next = timetable::get(&t.ctx, &f.maths, f.class, Some(d("2026-12-08")))
        .await
        .unwrap();
    assert_eq!(next.from, Some(d("2026-12-07")));
    assert_eq!(next.versions, [d("2026-09-05"), d("2026-12-07")]);
    assert_eq!(next.items.len(), 1);

    // Bad cells: each reported by index, nothing written.
    let e = timetable::put(
        &t.ctx,
        &f.admin,
        f.class,
        &TimetableInput {
            items: vec![
                TimetableItemInput {
                    weekday: 8,
                    period: 1,
                    subject: "toan".into(),
                    teacher_id: f.maths.user_id,
                },
                TimetableItemInput {
                    weekday: 1,
                    period: 1,
                    subject: "vẽ".into(),
                    teacher_id: f.stranger.user_id,
                },
            ],
            from: None,
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "items[0].weekday",
            "items[1].subject",
            "items[1].teacher_id"
        ]
    );
    assert_eq!(
        timetable::get(&t.ctx, &f.maths, f.class, Some(d("2026-12-08")))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
});

both_engines!(
    timetable_import_the_class_week_and_the_reports,
    |t| async move {
        let f = fixture(&t).await;
        let s = f.admin.school_id.unwrap();
        let other = classes::create(
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
        // A school's timetable from next Monday: days as Vietnamese timetables write them, a
        // class name in any case, a teacher by username or by a unique full name.
        let next = d("2026-12-07");
        let csv = format!(
            "class;day;period;subject;teacher\n5A1;Thứ 2;1;Ngữ văn;{}\n5a2;T3;2;toan;{}\n",
            f.homeroom.username, f.maths.username
        );
        let o = timetable::import_csv(&t.ctx, &f.admin, s, csv.as_bytes(), Some(next), None)
            .await
            .unwrap();
        assert_eq!(o.updated, 2);
        let new = timetable::get(&t.ctx, &f.admin, f.class, Some(next))
            .await
            .unwrap();
        assert_eq!(new.items.len(), 1);
        assert_eq!(new.items[0].subject, "ngu_van");
        let before = timetable::get(&t.ctx, &f.admin, f.class, Some(d(MON)))
            .await
            .unwrap();
        assert_eq!(before.items.len(), 3, "earlier days keep their timetable");
        // Every bad line is named and nothing is written.
        let bad = format!(
            "class,day,period,subject,teacher\n9Z9,Thứ 2,1,toan,{m}\n5A1,2,1,toan,{m}\n5A1,Thứ 4,99,toan,{m}\n\
             5A1,Thứ 5,1,Thiên văn,{m}\n5A1,Thứ 6,1,toan,nobody\n5A2,CN,1,toan,{m}\n5A2,Chủ nhật,1,tin học,{m}\n",
            m = f.maths.username
        );
        let e = timetable::import_csv(&t.ctx, &f.admin, s, bad.as_bytes(), None, None)
            .await
            .unwrap_err();
        let Details::Lines(lines) = &e.details else {
            panic!("{e:?}")
        };
        assert_eq!(
            lines.iter().map(|l| l.line).collect::<Vec<_>>(),
            [2, 3, 4, 5, 6, 8]
        );
        let kept = timetable::get(&t.ctx, &f.admin, other.id, Some(d("2026-12-08")))
            .await
            .unwrap();
        assert_eq!(kept.items.len(), 1);
        let e = timetable::import_csv(&t.ctx, &f.maths, s, csv.as_bytes(), None, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);

        // The timetable page's grid: cells by name, each bad cell named by its field.
        let cell = |w, p, s: &str, t: &str| crate::timetable::CellText {
            weekday: w,
            period: p,
            subject: s.into(),
            teacher: t.into(),
        };
        let e = timetable::put_cells(
            &t.ctx,
            &f.admin,
            other.id,
            &[
                cell(1, 1, "Thiên văn", &f.maths.username),
                cell(1, 2, "Toán", "nobody"),
                cell(1, 3, "", &f.maths.username),
            ],
            Some("2026-12-14".into()),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), ["s1-1", "t1-2", "s1-3"]);
        let saved = timetable::put_cells(
            &t.ctx,
            &f.admin,
            other.id,
            &[
                cell(1, 1, "Mathematics", &f.maths.username.to_uppercase()),
                cell(3, 2, "Tin học", &f.homeroom.username),
            ],
            Some("14/12/2026".into()),
            None,
        )
        .await
        .unwrap();
        assert_eq!(saved.from, Some(d("2026-12-14")));
        assert_eq!(saved.items.len(), 2);
        assert_eq!(saved.versions.len(), 2);
        let e = timetable::put_cells(&t.ctx, &f.maths, other.id, &[], None, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let page = timetable::editor(&t.ctx, &f.maths, other.id, Some(d("2026-12-15")))
            .await
            .unwrap();
        assert!(!page.manage && page.staff.is_empty());
        assert_eq!(page.timetable.items.len(), 2);

        // The class's week: its lessons with their roll-call state; the school's staff only.
        let week = roll_calls::class_week(&t.ctx, &f.homeroom, f.class, d(MON))
            .await
            .unwrap();
        assert_eq!(
            week.iter()
                .map(|l| (l.date, l.period, l.roll_call.is_some()))
                .collect::<Vec<_>>(),
            [
                (d(MON), 1, false),
                (d(MON), 2, false),
                (d("2026-12-01"), 1, false)
            ]
        );
        let marks = absent(&f, &[(1, Status::Excused)]);
        let (rc, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &marks, None)
            .await
            .unwrap();
        assert!(created);
        // What a PUT answers is what is stored, for the first take, a replay and a change.
        let stored = || roll_calls::get(&t.ctx, &f.admin, f.class, d(MON), 1);
        assert_eq!(rc, stored().await.unwrap());
        t.advance(60);
        let (again, created) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &marks, None)
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(again, rc);
        let changed = absent(&f, &[(1, Status::Excused), (2, Status::Late)]);
        let (after, _) = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &changed, None)
            .await
            .unwrap();
        assert_eq!(after, stored().await.unwrap());
        assert_ne!(after.updated_at, rc.updated_at);
        roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &marks, None)
            .await
            .unwrap();
        let view = roll_calls::class_view(&t.ctx, &f.homeroom, f.class, d("2026-12-02"))
            .await
            .unwrap();
        assert_eq!(view.monday, d(MON));
        assert_eq!(view.lessons[0].roll_call.unwrap().excused, 1);
        assert_eq!(view.students.len(), 5);
        assert!(!view.manage && view.other_classes.is_empty());
        let admin_view = roll_calls::class_view(&t.ctx, &f.admin, f.class, d(MON))
            .await
            .unwrap();
        assert!(admin_view.manage);
        assert_eq!(admin_view.other_classes.len(), 1);
        let e = roll_calls::class_week(&t.ctx, &f.stranger, f.class, d(MON))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);

        // One student by hand: each bad field named, then added.
        let bad = classes::StudentForm {
            code: "HS 9".into(),
            full_name: "Đỗ Thu Hà".into(),
            gender: "?".into(),
            birth_date: "31/02/2016".into(),
        };
        let e = classes::add_student(&t.ctx, &f.admin, f.class, &bad, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["code", "gender", "birth_date"]);
        let good = classes::StudentForm {
            code: "HS009".into(),
            gender: "Nữ".into(),
            birth_date: "02/09/2016".into(),
            ..bad
        };
        let e = classes::add_student(&t.ctx, &f.homeroom, f.class, &good, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let st = classes::add_student(&t.ctx, &f.admin, f.class, &good, None)
            .await
            .unwrap();
        assert_eq!(st.full_name, "Đỗ Thu Hà");
        assert_eq!(
            classes::students(&t.ctx, &f.admin, f.class, None)
                .await
                .unwrap()
                .len(),
            6
        );

        // The department's on-time view: every school with classes; not for a school.
        let e = roll_calls::on_time_by_school(&t.ctx, &f.admin, d("2026-11-01"), d(MON))
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let dept = t.department().await;
        let all = roll_calls::on_time_by_school(&t.ctx, &dept, d("2026-11-01"), d(MON))
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].code, "TH0001");
        let (lessons, on_time) = roll_calls::on_time(&t.ctx, &dept, s, d("2026-11-01"), d(MON))
            .await
            .unwrap();
        assert_eq!((all[0].lessons, all[0].on_time), (lessons, on_time));
        assert!(lessons > 0);
    }
);
