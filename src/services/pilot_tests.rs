//! Pilot adoption on both engines, against a hand-computed fixture: every criterion, an as-of
//! date in the past, a merged school, a school with no activity; the summary matching the list
//! exactly; who sees what (school admins their own school, an area officer their area); the
//! criteria's history; enrolments by form and CSV; bad input refused with nothing written.
//!
//! The fixed clock is Monday 2026-11-30, 07:00. The default criteria are in force (30 days:
//! enrolled, ≥ 2 devices in service, ≥ 10 device periods a week, ≥ 50% of teachers attaching
//! materials, ≥ 80% of lessons with roll taken on time).
//!
//! | school | level | enrolled since | on 2026-11-30 (window 1–30 Nov) | on 2026-10-31 (2–31 Oct) |
//! |---|---|---|---|---|
//! | A TH0001 | primary | 2026-09-05 | devices 3 (4th in repair), 44 periods → 10.3/wk, 2 of 4 teachers = 50.0%, 85 of 100 lessons on time = 85.0%: **counts** | devices 4 (the repair came later), 2 periods → 0.5/wk, 1 of 4 = 25.0%, 0 of 105 lessons: no |
//! | B TH0002 | primary | 2026-11-15 | 1 device, nothing else: no, silent | not yet enrolled |
//! | C TH0003 | primary | — | 5 devices: no (not enrolled) | no |
//! | D TH0004 | primary | — | merged into A on 2026-11-01: not in the denominator | open: in it |
//! | E THCS0005 | lower secondary, another area | 2026-09-05 | no activity at all: no, silent | no |

use crate::both_engines;
use crate::classes::ClassInput;
use crate::error::{Details, ErrorCode};
use crate::ids::{AreaId, SchoolId, UserId};
use crate::model::{Actor, SchoolLevel};
use crate::pilot::{Criteria, CriterionKey, Target, Targets};
use crate::services::pilot::{self, Order, StatusFilter};
use crate::services::schools::NewSchool;
use crate::services::testing::TestDb;
use crate::services::{classes, timetable};
use crate::timetable::{TimetableInput, TimetableItemInput};
use chrono::{Datelike, Duration, NaiveDate, TimeZone};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Unix seconds at a school-time hour of a day.
fn at(day: NaiveDate, hour: u32) -> i64 {
    crate::dates::school_tz()
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
        .single()
        .unwrap()
        .timestamp()
}

struct World {
    dept: Actor,
    admin_a: Actor,
    admin_b: Actor,
    teacher_a: Actor,
    a: SchoolId,
    b: SchoolId,
    c: SchoolId,
    dd: SchoolId,
    e: SchoolId,
    area_e: AreaId,
    teachers_a: Vec<Actor>,
}

async fn exec(t: &TestDb, sql: &str, binds: Vec<crate::services::db::Bind>) {
    let mut w = crate::services::db::Where::new();
    let mut s = sql.to_owned();
    for (i, b) in binds.into_iter().enumerate() {
        let p = w.param(b);
        s = s.replacen(&format!("?{}", i + 1), &p, 1);
    }
    w.query(&s)
        .execute(&t.ctx.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{s}: {e}"));
}

async fn device(t: &TestDb, school: SchoolId, name: &str, status: &str, created: i64) -> i64 {
    let id: i64 = sqlx::query(
        "INSERT INTO devices (school_id, name, kind, quantity, status, search_key, created_at, updated_at) \
         VALUES ($1, $2, 'projector', 1, $3, $2, $4, $4) RETURNING id",
    )
    .bind(school)
    .bind(name.to_owned())
    .bind(status.to_owned())
    .bind(created)
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "id"))
    .unwrap();
    id
}

/// A booking of periods 1.. on `date`, checked in or not.
async fn booking(
    t: &TestDb,
    school: SchoolId,
    dev: i64,
    teacher: UserId,
    date: NaiveDate,
    periods: i64,
    checked_in: bool,
) {
    let list: Vec<String> = (1..=periods).map(|p| p.to_string()).collect();
    let id: i64 = sqlx::query(
        "INSERT INTO bookings (school_id, device_id, teacher_id, date, quantity, status, periods, \
         first_period, created_at, updated_at, checked_in_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, 1, $7, $7, $8) RETURNING id",
    )
    .bind(school)
    .bind(dev)
    .bind(teacher)
    .bind(date.to_string())
    .bind(if checked_in { "returned" } else { "released" }.to_owned())
    .bind(list.join(","))
    .bind(at(date, 6))
    .bind(checked_in.then(|| at(date, 7)))
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "id"))
    .unwrap();
    for p in 1..=periods {
        sqlx::query(
            "INSERT INTO booking_slots (booking_id, device_id, date, period, quantity, pooled, live) \
             VALUES ($1, $2, $3, $4, 1, 0, $5)",
        )
        .bind(id)
        .bind(dev)
        .bind(date.to_string())
        .bind(p)
        .bind(i64::from(checked_in))
        .execute(&t.ctx.db.pool)
        .await
        .unwrap();
    }
}

/// A link material of `owner` attached by them to a lesson of `class` on `date`.
async fn attach(t: &TestDb, owner: &Actor, school: SchoolId, class: i64, date: NaiveDate) {
    let m: i64 = sqlx::query(
        "INSERT INTO materials (owner_id, school_id, title, subject, grade, topic, description, \
         scope, kind, url, search_key, version, created_at, updated_at) \
         VALUES ($1, $2, 'Bài giảng', 'toan', 5, '', '', 'school', 'link', 'https://example.org/x', \
         'bai giang', 1, $3, $3) RETURNING id",
    )
    .bind(owner.user_id)
    .bind(school)
    .bind(at(date, 6))
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "id"))
    .unwrap();
    sqlx::query(
        "INSERT INTO lesson_materials (class_id, date, period, material_id, attached_by, attached_at) \
         VALUES ($1, $2, 1, $3, $4, $5)",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(m)
    .bind(owner.user_id)
    .bind(at(date, 6))
    .execute(&t.ctx.db.pool)
    .await
    .unwrap();
}

async fn world(t: &TestDb) -> World {
    let school = |code: &str, level, area: &str| NewSchool {
        code: code.into(),
        name: format!("Trường {code}"),
        level,
        area: area.into(),
        former_district: None,
        students: 400,
    };
    let a = t
        .school_with(school("TH0001", SchoolLevel::TieuHoc, "Phường Thử Nghiệm"))
        .await
        .id;
    let b = t
        .school_with(school("TH0002", SchoolLevel::TieuHoc, "Phường Thử Nghiệm"))
        .await
        .id;
    let c = t
        .school_with(school("TH0003", SchoolLevel::TieuHoc, "Phường Thử Nghiệm"))
        .await
        .id;
    let dd = t
        .school_with(school("TH0004", SchoolLevel::TieuHoc, "Phường Thử Nghiệm"))
        .await
        .id;
    let e_school = t
        .school_with(school("THCS0005", SchoolLevel::Thcs, "Xã Bên Sông"))
        .await;
    let e = e_school.id;
    exec(
        t,
        "UPDATE schools SET closed_on = '2026-11-01', merged_into = ?1 WHERE id = ?2",
        vec![a.0.into(), dd.0.into()],
    )
    .await;
    for (s, since) in [(a, "2026-09-05"), (b, "2026-11-15"), (e, "2026-09-05")] {
        exec(
            t,
            "INSERT INTO pilot_enrollments (school_id, since, created_at) VALUES (?1, ?2, 0)",
            vec![s.0.into(), since.into()],
        )
        .await;
    }
    let dept = t.department().await;
    let admin_a = t.school_admin(a).await;
    let admin_b = t.school_admin(b).await;
    let mut teachers_a = Vec::new();
    for (i, name) in ["Anh", "Bình", "Cường", "Dung", "Em"].iter().enumerate() {
        teachers_a.push(
            t.user_named(
                &format!("gv.a{i}"),
                &format!("Giáo viên {name}"),
                crate::model::Role::Teacher,
                Some(a),
            )
            .await,
        );
    }
    // In the school since September; the fifth has left (disabled).
    exec(
        t,
        "UPDATE users SET created_at = ?1 WHERE school_id = ?2",
        vec![at(d("2026-09-01"), 8).into(), a.0.into()],
    )
    .await;
    exec(
        t,
        "UPDATE users SET active = 0 WHERE id = ?1",
        vec![teachers_a[4].user_id.0.into()],
    )
    .await;
    for t_b in 0..2 {
        let _ = t_b;
        t.teacher(b).await;
    }
    let teacher_a = teachers_a[0].clone();

    // Devices. A: three in service and one in repair since today (in service on 31 Oct).
    let oct1 = at(d("2026-10-01"), 8);
    let mut a_devices = Vec::new();
    for n in 1..=3 {
        a_devices.push(device(t, a, &format!("Máy chiếu {n}"), "available", oct1).await);
    }
    let broken = device(t, a, "Màn hình tương tác", "in_repair", oct1).await;
    exec(
        t,
        "INSERT INTO device_notes (device_id, at, author_name, status, text) VALUES (?1, ?2, 'qt', 'in_repair', 'Hỏng nguồn')",
        vec![broken.into(), t.now().into()],
    )
    .await;
    device(t, b, "Máy chiếu B", "available", oct1).await;
    for n in 1..=5 {
        device(t, c, &format!("Máy tính bảng {n}"), "available", oct1).await;
    }
    device(t, c, "Máy hỏng", "retired", oct1).await;

    // Device use at A: 22 days × 2 checked-in periods in November = 44; a booking never checked
    // in (not use); one in October.
    let mut day = d("2026-11-01");
    for _ in 0..22 {
        booking(t, a, a_devices[0], teacher_a.user_id, day, 2, true).await;
        day += Duration::days(1);
    }
    booking(
        t,
        a,
        a_devices[1],
        teacher_a.user_id,
        d("2026-11-10"),
        5,
        false,
    )
    .await;
    booking(
        t,
        a,
        a_devices[1],
        teacher_a.user_id,
        d("2026-10-15"),
        2,
        true,
    )
    .await;

    // A's class and timetable: Monday to Friday, periods 1–5; 20 November (Teachers' Day) off.
    let class = classes::create(
        &t.ctx,
        &admin_a,
        a,
        &ClassInput {
            name: "5A1".into(),
            grade: 5,
            school_year: "2026-2027".into(),
            homeroom_teacher_id: Some(teacher_a.user_id),
        },
        None,
    )
    .await
    .unwrap();
    let mut items = Vec::new();
    for weekday in 1..=5 {
        for period in 1..=5 {
            items.push(TimetableItemInput {
                weekday,
                period,
                subject: "toan".into(),
                teacher_id: teachers_a[(period as usize) % 4].user_id,
            });
        }
    }
    timetable::put(
        &t.ctx,
        &admin_a,
        class.id,
        &TimetableInput { items, from: None },
        None,
    )
    .await
    .unwrap();
    exec(
        t,
        "INSERT INTO holidays (school_id, starts, ends, name) VALUES (?1, '2026-11-20', '2026-11-20', 'Ngày Nhà giáo Việt Nam')",
        vec![a.0.into()],
    )
    .await;
    // Roll calls in November: of the 100 lessons, 85 on time, 10 late, 5 never taken (the
    // last five lessons of 27 November).
    let mut n = 0;
    let mut day = d("2026-11-01");
    while day <= d("2026-11-30") {
        let wd = day.weekday().number_from_monday();
        if wd <= 5 && day != d("2026-11-20") {
            for period in 1..=5i64 {
                n += 1;
                if day == d("2026-11-27") {
                    continue;
                }
                let on_time = n <= 85;
                sqlx::query(
                    "INSERT INTO roll_calls (school_id, class_id, date, period, teacher_id, taken_by, \
                     taken_at, updated_by, updated_at, on_time, present, late, excused, unexcused) \
                     VALUES ($1, $2, $3, $4, $5, $5, $6, $5, $6, $7, 30, 0, 0, 0)",
                )
                .bind(a)
                .bind(class.id)
                .bind(day.to_string())
                .bind(period)
                .bind(teacher_a.user_id)
                .bind(at(day, 6))
                .bind(i64::from(on_time))
                .execute(&t.ctx.db.pool)
                .await
                .unwrap();
            }
        }
        day += Duration::days(1);
    }
    assert_eq!(n, 100, "the fixture's lesson count");
    // Materials: two of the four active teachers attach in November, a third only in October;
    // the school admin and the teacher who left attach too (neither counts).
    attach(t, &teachers_a[1], a, class.id.0, d("2026-11-10")).await;
    attach(t, &teachers_a[1], a, class.id.0, d("2026-11-12")).await;
    attach(t, &teachers_a[2], a, class.id.0, d("2026-11-24")).await;
    attach(t, &teachers_a[3], a, class.id.0, d("2026-10-15")).await;
    attach(t, &admin_a, a, class.id.0, d("2026-11-16")).await;
    attach(t, &teachers_a[4], a, class.id.0, d("2026-11-17")).await;

    World {
        dept,
        admin_a,
        admin_b,
        teacher_a,
        a,
        b,
        c,
        dd,
        e,
        area_e: e_school.area_id,
        teachers_a,
    }
}

fn value(s: &crate::pilot::SchoolStatus, key: CriterionKey) -> (f64, bool) {
    let c = s.criteria.iter().find(|c| c.key == key).unwrap();
    (c.value, c.met)
}

fn fields(e: &crate::Error) -> Vec<String> {
    match &e.details {
        Details::Fields(f) => f.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected field errors, got {other:?} ({e})"),
    }
}

async fn all(t: &TestDb, who: &Actor, as_of: Option<NaiveDate>) -> Vec<crate::pilot::SchoolStatus> {
    pilot::schools(
        &t.ctx,
        who,
        &StatusFilter {
            as_of,
            order: Order::Code,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
}

both_engines!(
    pilot_statuses_match_the_hand_computed_fixture,
    |t| async move {
        let w = world(&t).await;
        let today = d("2026-11-30");
        let s = pilot::summary(&t.ctx, &w.dept, None).await.unwrap();
        assert_eq!(s.as_of, today);
        // D was merged on 1 November: not in the denominator.
        assert_eq!(
            (
                s.total_schools,
                s.enrolled_schools,
                s.counted_schools,
                s.percent
            ),
            (4, 3, 1, 25.0)
        );
        assert_eq!(s.silent_schools, 2, "B and E have recorded nothing");
        assert_eq!(s.criteria_id, 0);
        let lv: Vec<_> = s
            .by_level
            .iter()
            .map(|g| (g.key.as_str(), g.total, g.counted, g.percent))
            .collect();
        assert_eq!(lv, vec![("tieu_hoc", 3, 1, 33.3), ("thcs", 1, 0, 0.0)]);
        let ar: Vec<_> = s
            .by_area
            .iter()
            .map(|g| (g.name.as_str(), g.total, g.counted))
            .collect();
        assert_eq!(ar, vec![("Phường Thử Nghiệm", 3, 1), ("Xã Bên Sông", 1, 0)]);
        // The default target: 20% by the end of 2025, reached (25.0%).
        assert_eq!(s.targets.len(), 1);
        assert!(s.targets[0].reached);
        assert_eq!(s.targets[0].schools_needed, 0);

        let list = all(&t, &w.dept, None).await;
        let codes: Vec<_> = list.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["TH0001", "TH0002", "TH0003", "THCS0005"]);
        let a = &list[0];
        assert!(a.enrolled && a.counted);
        assert_eq!(value(a, CriterionKey::Enrolled), (1.0, true));
        assert_eq!(value(a, CriterionKey::DevicesInService), (3.0, true));
        assert_eq!(
            value(a, CriterionKey::DeviceUsePeriodsPerWeek),
            (10.3, true)
        );
        assert_eq!(
            value(a, CriterionKey::TeachersWithMaterialsPct),
            (50.0, true)
        );
        assert_eq!(value(a, CriterionKey::RollCallOnTimePct), (85.0, true));
        assert_eq!(a.measured.lessons, 100);
        assert_eq!(a.measured.roll_calls_on_time, 85);
        assert_eq!(a.measured.teachers, 4);
        assert_eq!(a.last_activity, Some(today));
        assert_eq!(a.met, 5);
        let b = &list[1];
        assert!(b.enrolled && !b.counted);
        assert_eq!(value(b, CriterionKey::DevicesInService), (1.0, false));
        assert_eq!(b.measured.teachers, 2);
        assert_eq!(
            value(b, CriterionKey::TeachersWithMaterialsPct),
            (0.0, false)
        );
        assert_eq!(b.last_activity, None);
        let missing = b
            .criteria
            .iter()
            .find(|c| c.key == CriterionKey::TeachersWithMaterialsPct)
            .and_then(|c| c.missing.clone())
            .unwrap();
        assert_eq!(missing.amount, 1, "1 of 2 teachers is 50%");
        let c = &list[2];
        assert!(!c.enrolled && !c.counted);
        assert_eq!(value(c, CriterionKey::DevicesInService), (5.0, true));
        let e = &list[3];
        assert_eq!(e.met, 1, "only enrolled");
        assert_eq!(
            e.measured,
            crate::pilot::Measured {
                enrolled: true,
                ..Default::default()
            }
        );

        // The list and the summary agree exactly.
        let counted = pilot::schools(
            &t.ctx,
            &w.dept,
            &StatusFilter {
                counted: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(counted.total, s.counted_schools);
        assert_eq!(counted.items[0].school_id, w.a);
        let silent = pilot::schools(
            &t.ctx,
            &w.dept,
            &StatusFilter {
                silent_days: Some(pilot::SILENT_DAYS),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let ids: Vec<_> = silent.items.iter().map(|s| s.school_id).collect();
        assert_eq!(ids, vec![w.b, w.e]);
        assert_eq!(silent.total, s.silent_schools);
        // Ranking: counting first, then by criteria met.
        let ranked = all_ranked(&t, &w.dept).await;
        // B, C and E meet one criterion each (B and E enrolled, C its devices): then by code.
        assert_eq!(ranked, vec![w.a, w.b, w.c, w.e]);

        // On 31 October: D was open, B not yet enrolled, A's repair not yet, its teachers' use low.
        let past = pilot::summary(&t.ctx, &w.dept, Some(d("2026-10-31")))
            .await
            .unwrap();
        assert_eq!(
            (
                past.total_schools,
                past.enrolled_schools,
                past.counted_schools,
                past.percent
            ),
            (5, 2, 0, 0.0)
        );
        let plist = all(&t, &w.dept, Some(d("2026-10-31"))).await;
        assert_eq!(plist.len(), 5);
        let pa = &plist[0];
        assert_eq!(value(pa, CriterionKey::DevicesInService), (4.0, true));
        assert_eq!(
            value(pa, CriterionKey::DeviceUsePeriodsPerWeek),
            (0.5, false)
        );
        assert_eq!(
            value(pa, CriterionKey::TeachersWithMaterialsPct),
            (25.0, false)
        );
        assert_eq!(pa.measured.lessons, 105);
        assert_eq!(value(pa, CriterionKey::RollCallOnTimePct), (0.0, false));
        assert!(!plist[1].enrolled, "B enrolled from 15 November");
        assert_eq!(plist[3].school_id, w.dd);

        // A school admin: their own school with its evidence; another school is not found; no
        // province view.
        let ev = pilot::school(&t.ctx, &w.admin_a, w.a, None).await.unwrap();
        assert!(ev.status.counted);
        assert_eq!((ev.from, ev.to), (d("2026-11-01"), today));
        assert_eq!(
            ev.teachers_without_materials,
            vec!["Giáo viên Anh".to_owned(), "Giáo viên Dung".to_owned()]
        );
        assert_eq!(
            ev.devices_out_of_service,
            vec![("Màn hình tương tác".to_owned(), "in_repair".to_owned())]
        );
        assert!(pilot::school(&t.ctx, &w.teacher_a, w.a, None).await.is_ok());
        let e = pilot::school(&t.ctx, &w.admin_a, w.b, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = pilot::summary(&t.ctx, &w.admin_b, None).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        let e = pilot::schools(&t.ctx, &w.teacher_a, &StatusFilter::default())
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        // The merged school has no status today.
        let e = pilot::school(&t.ctx, &w.dept, w.dd, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        // A date to come is refused.
        let e = pilot::summary(&t.ctx, &w.dept, Some(d("2026-12-01")))
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["as_of"]);
        let _ = &w.teachers_a;
    }
);

async fn all_ranked(t: &TestDb, who: &Actor) -> Vec<SchoolId> {
    pilot::schools(&t.ctx, who, &StatusFilter::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|s| s.school_id)
        .collect()
}

both_engines!(
    pilot_criteria_targets_enrolments_and_areas,
    |t| async move {
        let w = world(&t).await;
        let today = d("2026-11-30");
        let before = pilot::summary(&t.ctx, &w.dept, None).await.unwrap();
        assert_eq!(before.counted_schools, 1);

        // Bad criteria: every problem at once, nothing stored.
        let bad = Criteria {
            window_days: 400,
            criteria: vec![crate::pilot::Criterion {
                key: CriterionKey::RollCallOnTimePct,
                threshold: 101.0,
                required: true,
            }],
        };
        let e = pilot::set_criteria(&t.ctx, &w.dept, bad, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["window_days", "criteria[0].threshold"]);
        assert_eq!(t.count("pilot_criteria").await, 0);
        // School admins and teachers set nothing.
        let e = pilot::set_criteria(&t.ctx, &w.admin_a, Criteria::default(), None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);

        // Raising the roll-call threshold to 90%: A (85%) stops counting, at once.
        let mut stricter = Criteria::default();
        for c in &mut stricter.criteria {
            if c.key == CriterionKey::RollCallOnTimePct {
                c.threshold = 90.0;
            }
        }
        let set = pilot::set_criteria(&t.ctx, &w.dept, stricter.clone(), Some("10.0.0.1"))
            .await
            .unwrap();
        assert_eq!(set.schools, 4, "today's statuses were recomputed");
        assert!(set.version.id > 0);
        let after = pilot::summary(&t.ctx, &w.dept, None).await.unwrap();
        assert_eq!((after.counted_schools, after.percent), (0, 0.0));
        assert_eq!(after.criteria_id, set.version.id);
        let a = pilot::school(&t.ctx, &w.admin_a, w.a, None).await.unwrap();
        let rc = a
            .status
            .criteria
            .iter()
            .find(|c| c.key == CriterionKey::RollCallOnTimePct)
            .unwrap();
        assert!(!rc.met);
        assert_eq!(
            rc.missing.as_ref().map(|m| m.amount),
            Some(5),
            "90 of 100 needed"
        );
        // The same criteria again: no new version.
        pilot::set_criteria(&t.ctx, &w.dept, stricter, None)
            .await
            .unwrap();
        assert_eq!(t.count("pilot_criteria").await, 1);
        assert_eq!(t.audit("pilot.criteria").await.len(), 1);
        // The history: the defaults until now, then the new version; the past keeps its criteria.
        let h = pilot::criteria_history(&t.ctx, &w.dept).await.unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].id, 0);
        assert!(h[0].until.is_some() && h[1].until.is_none());
        let past = pilot::summary(&t.ctx, &w.dept, Some(d("2026-10-31")))
            .await
            .unwrap();
        assert_eq!(past.criteria_id, 0);

        // Targets: checked, stored, audited; the share needed.
        let e = pilot::set_targets(
            &t.ctx,
            &w.dept,
            Targets {
                items: vec![Target {
                    percent: 150.0,
                    due: today,
                }],
            },
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), ["items[0].percent"]);
        let targets = Targets {
            items: vec![
                Target {
                    percent: 50.0,
                    due: d("2030-12-31"),
                },
                Target {
                    percent: 20.0,
                    due: d("2026-12-31"),
                },
            ],
        };
        let saved = pilot::set_targets(&t.ctx, &w.dept, targets, None)
            .await
            .unwrap();
        assert_eq!(saved.items[0].due, d("2026-12-31"), "sorted by date");
        let s = pilot::summary(&t.ctx, &w.dept, None).await.unwrap();
        let needed: Vec<_> = s
            .targets
            .iter()
            .map(|t| (t.percent, t.schools_needed))
            .collect();
        assert_eq!(needed, vec![(20.0, 1), (50.0, 2)]);
        assert_eq!(t.audit("pilot.targets").await.len(), 1);

        // Enrolment: C joins; D (merged) cannot; a bad date is refused.
        let e = pilot::enrol(&t.ctx, &w.dept, w.dd, today, None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["school"]);
        let e = pilot::enrol(&t.ctx, &w.dept, w.c, d("2019-01-01"), None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["since"]);
        let e = pilot::enrol(&t.ctx, &w.admin_a, w.c, today, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        pilot::enrol(&t.ctx, &w.dept, w.c, d("2026-11-02"), Some("10.0.0.1"))
            .await
            .unwrap();
        let s = pilot::summary(&t.ctx, &w.dept, None).await.unwrap();
        assert_eq!(
            s.enrolled_schools, 4,
            "the run was made again after the enrolment"
        );
        // Ending it, twice: the second is not found.
        pilot::unenrol(&t.ctx, &w.dept, w.c, None).await.unwrap();
        let e = pilot::unenrol(&t.ctx, &w.dept, w.c, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(
            pilot::summary(&t.ctx, &w.dept, None)
                .await
                .unwrap()
                .enrolled_schools,
            3
        );
        let audit: Vec<_> = t
            .audit_all()
            .await
            .into_iter()
            .filter(|a| a.action.starts_with("pilot.") && a.action.contains("enrol"))
            .map(|a| a.action)
            .collect();
        assert_eq!(audit.len(), 2);

        // CSV: all or nothing; every bad line listed.
        let bad = "code,since\nTH0003,2026-11-02\nXX9999,\nTH0004,\nTH0003,\n";
        let e = pilot::enrol_csv(&t.ctx, &w.dept, bad.as_bytes(), None)
            .await
            .unwrap_err();
        match &e.details {
            Details::Lines(l) => {
                let lines: Vec<_> = l.iter().map(|x| x.line).collect();
                assert_eq!(lines, vec![3, 4, 5]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(t.count("pilot_enrollments").await, 3, "nothing written");
        let ok = "code;since\nTH0003;02/11/2026\nTH0002;2026-11-15\n";
        let r = pilot::enrol_csv(&t.ctx, &w.dept, ok.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated), (1, 1));
        assert_eq!(t.count("pilot_enrollments").await, 4);

        // An area officer: the other area only, and no province-wide changes.
        let officer = t.department().await;
        let e = pilot::set_officer_area(&t.ctx, &w.dept, w.dept.user_id, Some(w.area_e), None)
            .await
            .unwrap_err();
        assert_eq!(fields(&e), ["user"]);
        pilot::set_officer_area(&t.ctx, &w.dept, officer.user_id, Some(w.area_e), None)
            .await
            .unwrap();
        let officer = t.refreshed(&officer).await;
        let s = pilot::summary(&t.ctx, &officer, None).await.unwrap();
        assert_eq!(s.total_schools, 1);
        assert_eq!(s.area.as_deref(), Some("Xã Bên Sông"));
        let list = all(&t, &officer, None).await;
        assert_eq!(
            list.iter().map(|s| s.school_id).collect::<Vec<_>>(),
            vec![w.e]
        );
        let e = pilot::school(&t.ctx, &officer, w.a, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert!(pilot::school(&t.ctx, &officer, w.e, None).await.is_ok());
        let e = pilot::enrol(&t.ctx, &officer, w.e, today, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        // Back to the whole province.
        pilot::set_officer_area(&t.ctx, &w.dept, officer.user_id, None, None)
            .await
            .unwrap();
        let officer = t.refreshed(&officer).await;
        assert_eq!(
            pilot::summary(&t.ctx, &officer, None)
                .await
                .unwrap()
                .total_schools,
            4
        );
        let _ = (w.admin_b, w.teacher_a, w.b);
    }
);

both_engines!(pilot_trend_and_refresh, |t| async move {
    let w = world(&t).await;
    // Month ends from September (the month of the first enrolment) to October, and today.
    let tr = pilot::trend(&t.ctx, &w.dept, false).await.unwrap();
    assert_eq!(
        tr.pending, 2,
        "September's and October's ends are not made yet"
    );
    assert_eq!(tr.points.len(), 1, "today's");
    let made = pilot::refresh(&t.ctx, 10).await.unwrap();
    assert_eq!(made, 2);
    let tr = pilot::trend(&t.ctx, &w.dept, false).await.unwrap();
    assert_eq!(tr.pending, 0);
    let dates: Vec<_> = tr.points.iter().map(|p| p.as_of.to_string()).collect();
    assert_eq!(dates, ["2026-09-30", "2026-10-31", "2026-11-30"]);
    let shares: Vec<_> = tr.points.iter().map(|p| (p.total, p.counted)).collect();
    assert_eq!(shares, vec![(5, 0), (5, 0), (4, 1)]);
    assert_eq!(tr.points.last().map(|p| p.percent), Some(25.0));
    // Nothing stale: the next refresh makes nothing.
    assert_eq!(pilot::refresh(&t.ctx, 10).await.unwrap(), 0);
    // Fifty dashboards at once after the run went stale: one run, all the same answer.
    t.advance(pilot::FRESH_SECONDS + 1);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let ctx = t.ctx.clone();
        let dept = w.dept.clone();
        set.spawn(async move { pilot::summary(&ctx, &dept, None).await });
    }
    while let Some(r) = set.join_next().await {
        let s = r.unwrap().unwrap();
        assert_eq!((s.total_schools, s.counted_schools), (4, 1));
    }
    assert!(t.count("pilot_status").await > 0);
});

both_engines!(pilot_runs_notice_every_write, |t| async move {
    let w = world(&t).await;
    let devices_of_a = |t: &TestDb| {
        let (ctx, dept, a) = (t.ctx.clone(), w.dept.clone(), w.a);
        async move {
            let e = pilot::school(&ctx, &dept, a, None).await.unwrap();
            e.status.measured.devices
        }
    };
    let total = |t: &TestDb| {
        let (ctx, dept) = (t.ctx.clone(), w.dept.clone());
        async move {
            pilot::summary(&ctx, &dept, None)
                .await
                .unwrap()
                .total_schools
        }
    };
    assert_eq!((devices_of_a(&t).await, total(&t).await), (3, 4));
    // A device retired through the service shows at the next read (past the least age).
    t.advance(pilot::REMAKE_AFTER);
    let id: i64 = sqlx::query_scalar("SELECT id FROM devices WHERE name = 'Máy chiếu 3'")
        .fetch_one(&t.ctx.db.pool)
        .await
        .unwrap();
    let patch = crate::devices::DevicePatch {
        status: Some("retired".into()),
        ..Default::default()
    };
    crate::services::devices::update(&t.ctx, &w.admin_a, crate::ids::DeviceId(id), &patch, None)
        .await
        .unwrap();
    assert_eq!(devices_of_a(&t).await, 2, "retired: out of service");
    // Schools imported through the service: the denominator grows.
    t.advance(pilot::REMAKE_AFTER);
    let csv = "code,name,level,area,former_district,students\n\
               TH0101,Trường Tiểu học Một,tieu_hoc,Phường Thử Nghiệm,,100\n\
               TH0102,Trường Tiểu học Hai,tieu_hoc,Phường Thử Nghiệm,,100\n";
    crate::services::schools::import_csv(&t.ctx, &w.dept, csv.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!(total(&t).await, 6);
    // Rows written by another process (plain SQL, old time stamps): a school, and a device of
    // A stamped long ago.
    t.advance(pilot::REMAKE_AFTER);
    exec(
        &t,
        "INSERT INTO schools (code, name, level, area_id, search_key, created_at, updated_at) \
         SELECT 'TH0103', 'Trường Ba', level, area_id, 'th0103', 0, 0 FROM schools WHERE id = ?1",
        vec![w.a.0.into()],
    )
    .await;
    assert_eq!(total(&t).await, 7, "a school inserted by plain SQL");
    t.advance(pilot::REMAKE_AFTER);
    device(&t, w.a, "Máy chiếu mới", "available", 0).await;
    assert_eq!(devices_of_a(&t).await, 3, "a device inserted by plain SQL");
    // Within the least age a read reuses the run; past it, nothing changed: still reused.
    let made = pilot::refresh(&t.ctx, 0).await.unwrap();
    assert_eq!(made, 0);
    let _ = (w.b, w.c, w.dd, w.e);
});

both_engines!(pilot_schools_without_a_timetable, |t| async move {
    let w = world(&t).await;
    // E is enrolled with no class at all: its gap is the timetable, not roll calls.
    let e = pilot::school(&t.ctx, &w.dept, w.e, None).await.unwrap();
    let rc = e
        .status
        .criteria
        .iter()
        .find(|c| c.key == CriterionKey::RollCallOnTimePct)
        .unwrap();
    let gap = rc.missing.clone().unwrap();
    assert!(gap.no_timetable);
    assert_eq!(gap.amount, 0);
    assert_eq!(gap.msg().key, "pilot.missing.no_timetable");
    // A has lessons: its gap is counted in lessons.
    let a = pilot::school(&t.ctx, &w.dept, w.a, Some(d("2026-10-31")))
        .await
        .unwrap();
    let gap = a
        .status
        .criteria
        .iter()
        .find(|c| c.key == CriterionKey::RollCallOnTimePct);
    assert!(!gap.unwrap().missing.clone().unwrap().no_timetable);
    // The on-time ranking lists the enrolled schools without one, flagged and first.
    let ranking = crate::services::roll_calls::on_time_by_school(
        &t.ctx,
        &w.dept,
        d("2026-11-01"),
        d("2026-11-30"),
    )
    .await
    .unwrap();
    let rows: Vec<_> = ranking
        .iter()
        .map(|r| (r.code.as_str(), r.no_timetable))
        .collect();
    assert_eq!(
        rows,
        [("TH0002", true), ("THCS0005", true), ("TH0001", false)]
    );
    let _ = (w.b, w.c, w.dd);
});
