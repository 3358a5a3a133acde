//! Issue 20 ("Daily use") on both engines: a booking made for a lesson shows on the lesson's
//! page, today's periods that are over are neither offered nor booked, a roster exported by
//! SMAS imports as it is, the library's search understands grades and subjects, a checked-in
//! device is "in use", and a material's page offers the teacher's next lesson of its subject.

use crate::bookings::{BookingForm, BookingRequest};
use crate::both_engines;
use crate::devices::{Device, DeviceInput};
use crate::error::{Details, ErrorCode};
use crate::ids::ClassId;
use crate::materials::{MaterialFilter, MaterialForm, Scope};
use crate::model::Actor;
use crate::services::classes_tests::{fields, fixture};
use crate::services::testing::TestDb;
use crate::services::{bookings, classes, devices, materials, roll_calls, week};
use chrono::NaiveDate;

/// Monday 2026-11-30 is the fixed clock's day (07:00); the fixture's maths teacher teaches the
/// class in period 1 on Mondays and Tuesdays.
const MON: &str = "2026-11-30";
const TUE: &str = "2026-12-01";

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_date(s).unwrap()
}

async fn projector(t: &TestDb, admin: &Actor) -> Device {
    devices::create(
        &t.ctx,
        admin,
        admin.school_id.unwrap(),
        &DeviceInput {
            name: "Máy chiếu 201".into(),
            kind: "projector".into(),
            quantity: Some(1),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

fn for_class(d: &Device, date: &str, period: i64, class: Option<ClassId>) -> BookingRequest {
    BookingRequest {
        device_id: d.id,
        date: date.into(),
        periods: vec![period],
        class_id: class,
        ..Default::default()
    }
}

both_engines!(a_booking_for_a_lesson_shows_on_the_lesson, |t| async move {
    let f = fixture(&t).await;
    let p = projector(&t, &f.admin).await;

    // The form, opened from the lesson: the class the maths teacher teaches then comes first.
    let setup = bookings::setup(&t.ctx, &f.maths, Some(day(TUE)), &[1])
        .await
        .unwrap();
    assert_eq!(setup.suggested_class, Some(f.class));
    assert!(setup.classes.iter().any(|c| c.id == f.class));
    let none = bookings::setup(&t.ctx, &f.other, Some(day(TUE)), &[1])
        .await
        .unwrap();
    assert_eq!((none.classes.len(), none.suggested_class), (0, None));
    // Tuesday's periods are all ahead; today's (Monday, 07:00 on the fixed clock) too, until
    // period 1 has ended: then the form offers it as over.
    assert!(setup.over.is_empty());
    t.advance(40 * 60);
    let today = bookings::setup(&t.ctx, &f.maths, None, &[]).await.unwrap();
    assert_eq!(today.over, [1]);
    t.advance(-40 * 60);

    // Booked through the form with the class: stored with it, and the lesson lists the device.
    let form = BookingForm {
        device_id: p.id.to_string(),
        date: TUE.into(),
        periods: vec![1],
        class_id: Some(f.class.to_string()),
        ..Default::default()
    };
    bookings::book(&t.ctx, &f.maths, &form, None).await.unwrap();
    let mine = bookings::my_list(&t.ctx, &f.maths, false).await.unwrap();
    assert_eq!(mine.items[0].class_id, Some(f.class));
    let lessons = roll_calls::my_day(&t.ctx, &f.maths, Some(day(TUE)))
        .await
        .unwrap();
    assert_eq!(lessons[0].devices, vec!["Máy chiếu 201".to_owned()]);

    // A teacher who neither teaches nor leads the class, an unknown class, a class id that is
    // not a number: 422 on class_id, nothing booked.
    let e = bookings::create(
        &t.ctx,
        &f.other,
        &for_class(&p, TUE, 2, Some(f.class)),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(fields(&e), ["class_id"]);
    let e = bookings::create(
        &t.ctx,
        &f.admin,
        &for_class(&p, TUE, 2, Some(ClassId(9_999))),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(fields(&e), ["class_id"]);
    let bad = BookingForm {
        class_id: Some("5A1".into()),
        periods: vec![2],
        ..form
    };
    let e = bookings::book(&t.ctx, &f.maths, &bad, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&e), ["class_id"]);
    // A teacher of another school does not even see the device.
    let e = bookings::create(&t.ctx, &f.stranger, &for_class(&p, TUE, 2, None), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
});

both_engines!(
    todays_periods_that_are_over_are_not_offered,
    |t| async move {
        let f = fixture(&t).await;
        let p = projector(&t, &f.admin).await;
        // 08:30: periods 1 (07:00–07:35) and 2 (07:40–08:15) are over, 3 (08:35) is not.
        t.advance(90 * 60);
        let s = f.admin.school_id.unwrap();
        let v = week::week(&t.ctx, &f.maths, s, Some(p.id), None, day(MON))
            .await
            .unwrap();
        assert_eq!(v.days[0].over, vec![1, 2], "today");
        assert!(v.days[1].over.is_empty(), "tomorrow");
        // The grid and the booking ask the same rule.
        for period in v.days[0].over.clone() {
            let e = bookings::create(&t.ctx, &f.maths, &for_class(&p, MON, period, None), None)
                .await
                .unwrap_err();
            assert_eq!(fields(&e), ["date"]);
        }
        bookings::create(&t.ctx, &f.maths, &for_class(&p, MON, 3, None), None)
            .await
            .unwrap();
    }
);

both_engines!(a_checked_in_device_is_in_use, |t| async move {
    let f = fixture(&t).await;
    let p = projector(&t, &f.admin).await;
    t.advance(90 * 60);
    let b = bookings::create(&t.ctx, &f.maths, &for_class(&p, MON, 3, None), None)
        .await
        .unwrap();
    let state = |d: Device| (d.in_use, d.state_key());
    let get = || devices::get(&t.ctx, &f.admin, p.id);
    assert_eq!(state(get().await.unwrap()), (0, "device_status.available"));
    bookings::check_in(&t.ctx, &f.maths, b.id, None)
        .await
        .unwrap();
    assert_eq!(state(get().await.unwrap()), (1, "device_status.in_use"));
    let listed = devices::list(&t.ctx, &f.admin, p.school_id, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed[0].state_key(), "device_status.in_use");
    bookings::check_out(&t.ctx, &f.maths, b.id, None)
        .await
        .unwrap();
    assert_eq!(state(get().await.unwrap()), (0, "device_status.available"));
});

/// A roster as SMAS exports it: UTF-8 with a BOM, title lines above the table, Vietnamese
/// headings, an `STT` column, dates dd/mm/yyyy.
const SMAS: &str = "\u{feff}SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH LÀO CAI,,,,,\n\
    DANH SÁCH HỌC SINH LỚP 5A1,,,,,\n\
    ,,,,,\n\
    STT,Mã học sinh,Họ và tên,Giới tính,Ngày sinh,Dân tộc\n\
    1,HS101,Hoàng Văn Nam,Nam,05/09/2016,Tày\n\
    2,HS102,Lò Thị Mai,Nữ,20/11/2016,Thái\n";

both_engines!(a_roster_imports_as_smas_exports_it, |t| async move {
    let f = fixture(&t).await;
    let o = classes::import_students(&t.ctx, &f.admin, f.class, SMAS.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!(o.created, 2);
    let roster = classes::students(&t.ctx, &f.admin, f.class, None)
        .await
        .unwrap();
    let mai = roster.iter().find(|s| s.code == "HS102").unwrap();
    assert_eq!(mai.full_name, "Lò Thị Mai");
    assert_eq!(mai.birth_date, Some(day("2016-11-20")));
    // Headings without diacritics, any case, `;`: the same; a bad date names its line.
    let plain = "MA HOC SINH;HO VA TEN;gioi tinh;ngay sinh\nHS103;Vi Văn Tú;Nam;31/02/2016\n";
    let e = classes::import_students(&t.ctx, &f.admin, f.class, plain.as_bytes(), None)
        .await
        .unwrap_err();
    match e.details {
        Details::Lines(l) => assert_eq!(l.iter().map(|l| l.line).collect::<Vec<_>>(), [2]),
        d => panic!("{d:?}"),
    }
    // No heading row naming the code and the name: one error on line 1, nothing written.
    let e = classes::import_students(&t.ctx, &f.admin, f.class, b"STT,Ten\n1,An\n", None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
});

both_engines!(
    the_library_search_understands_grades_and_subjects,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        for (i, (title, subject, grade)) in [
            ("Bài thơ Mẹ", "ngu_van", 7),
            ("Truyện Kiều", "ngu_van", 10),
            ("Tỉ lệ thức", "toan", 7),
            ("Ôn tập Ngữ văn lớp 7", "khac", 7),
        ]
        .into_iter()
        .enumerate()
        {
            let form = MaterialForm {
                title: title.into(),
                subject: subject.into(),
                grade: grade.to_string(),
                scope: Scope::School.as_str().into(),
                url: format!("https://hoc.vn/{i}"),
                ..Default::default()
            };
            materials::create(&t.ctx, &a, &form, None).await.unwrap();
        }
        for (q, want) in [
            ("ngu van lop 7", vec!["Bài thơ Mẹ", "Ôn tập Ngữ văn lớp 7"]),
            ("Ngữ văn khối 7", vec!["Bài thơ Mẹ", "Ôn tập Ngữ văn lớp 7"]),
            ("toan lop7", vec!["Tỉ lệ thức"]),
            ("ngu van kieu", vec!["Truyện Kiều"]),
            ("lop 7 ti le", vec!["Tỉ lệ thức"]),
        ] {
            let f = MaterialFilter {
                q: Some(q.into()),
                ..Default::default()
            };
            let mut got: Vec<String> = materials::list(&t.ctx, &a, &f)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|m| m.title)
                .collect();
            got.sort();
            assert_eq!(got, want, "{q}");
        }
    }
);

both_engines!(
    a_material_offers_the_next_lesson_of_its_subject,
    |t| async move {
        let f = fixture(&t).await;
        let form = |subject: &str, grade: i64| MaterialForm {
            title: "Phép nhân".into(),
            subject: subject.into(),
            grade: grade.to_string(),
            scope: Scope::School.as_str().into(),
            url: "https://hoc.vn/x".into(),
            ..Default::default()
        };
        let maths = materials::create(&t.ctx, &f.maths, &form("toan", 5), None)
            .await
            .unwrap();
        let music = materials::create(&t.ctx, &f.maths, &form("am_nhac", 5), None)
            .await
            .unwrap();
        // 08:30 on Monday: today's period 1 is over; the next maths lesson is Tuesday's.
        t.advance(90 * 60);
        let v = materials::view(&t.ctx, &f.maths, maths.id).await.unwrap();
        assert_eq!(v.lessons_over.len(), 1);
        assert!(v.lessons.iter().all(|l| l.date > day(MON)));
        let next = &v.lessons[v.suggested.unwrap()];
        assert_eq!(
            (next.date, next.period, next.class_id),
            (day(TUE), 1, f.class)
        );
        // Nothing of its subject: nothing chosen for the teacher.
        let v = materials::view(&t.ctx, &f.maths, music.id).await.unwrap();
        assert_eq!(v.suggested, None);
    }
);
