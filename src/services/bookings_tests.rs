//! Devices, periods and bookings on both engines: the no-double-booking rule, all-or-nothing,
//! pools, the calendar rules, who may do what, check-in/out and release, recurring bookings,
//! the week view and the utilisation report.

use crate::bookings::{BookingFilter, BookingRequest, BookingStatus, RecurringRequest};
use crate::both_engines;
use crate::devices::{Device, DeviceInput, DeviceKind, DevicePatch, DeviceStatus};
use crate::error::{Details, ErrorCode};
use crate::ids::DeviceId;
use crate::model::Actor;
use crate::periods::{GridDraft, HolidayInput, PeriodDraft, PeriodGrid};
use crate::services::testing::TestDb;
use crate::services::{bookings, device_page, devices, periods};
use crate::utilisation::UtilisationFilter;
use std::sync::Arc;

/// Next Tuesday after the fixed clock's Monday 2026-11-30.
const TUE: &str = "2026-12-01";
const WED: &str = "2026-12-02";

async fn device(t: &TestDb, admin: &Actor, name: &str, kind: &str, quantity: i64) -> Device {
    devices::create(
        &t.ctx,
        admin,
        admin.school_id.unwrap(),
        &DeviceInput {
            name: name.into(),
            kind: kind.into(),
            serial: None,
            room: Some("P.201".into()),
            quantity: Some(quantity),
        },
        None,
    )
    .await
    .expect("creating a device")
}

fn req(d: DeviceId, date: &str, periods: &[i64], quantity: Option<i64>) -> BookingRequest {
    BookingRequest {
        device_id: d,
        date: date.into(),
        periods: periods.to_vec(),
        quantity,
        class_id: None,
        note: Some("Lớp 5A".into()),
    }
}

fn field_names(e: &crate::Error) -> Vec<String> {
    match &e.details {
        Details::Fields(f) => f.iter().map(|f| f.field.clone()).collect(),
        d => panic!("expected field errors, got {d:?} ({e})"),
    }
}

async fn live_slots(t: &TestDb, d: DeviceId, date: &str, period: i64) -> i64 {
    use sqlx::Row;
    sqlx::query(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM booking_slots \
         WHERE device_id = $1 AND date = $2 AND period = $3 AND live = 1",
    )
    .bind(d.0)
    .bind(date.to_owned())
    .bind(period)
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| r.try_get("n"))
    .unwrap()
}

both_engines!(tagged_device_one_booking_per_period, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let (a, b) = (t.teacher(s.id).await, t.teacher(s.id).await);
    let board = device(
        &t,
        &admin,
        "Màn hình tương tác 201",
        "interactive_display",
        1,
    )
    .await;
    let other = device(&t, &admin, "Máy chiếu 202", "projector", 1).await;

    let first = bookings::create(&t.ctx, &a, &req(board.id, TUE, &[2, 3], None), None)
        .await
        .unwrap();
    assert_eq!(first.periods, vec![2, 3]);
    assert_eq!(first.status, BookingStatus::Booked);
    assert_eq!(first.teacher_id, a.user_id);

    // Period 3 and 4: 3 is taken, so nothing is booked (all or nothing), and 409 says which.
    let e = bookings::create(&t.ctx, &b, &req(board.id, TUE, &[3, 4], None), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let Details::Conflict(json) = &e.details else {
        panic!("{e:?}")
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["taken"].as_array().unwrap().len(), 1);
    assert_eq!(v["taken"][0]["period"], 3);
    assert_eq!(v["taken"][0]["date"], TUE);
    assert!(e.localize(crate::Lang::Vi).message.contains("01/12/2026"));
    assert_eq!(
        live_slots(&t, board.id, TUE, 4).await,
        0,
        "nothing half-written"
    );

    // Adjacent periods, another day and another device are free.
    bookings::create(&t.ctx, &b, &req(board.id, TUE, &[1, 4], None), None)
        .await
        .unwrap();
    bookings::create(&t.ctx, &b, &req(board.id, WED, &[2], None), None)
        .await
        .unwrap();
    bookings::create(&t.ctx, &b, &req(other.id, TUE, &[2, 3], None), None)
        .await
        .unwrap();

    // Cancelling frees the periods at once.
    bookings::cancel(&t.ctx, &a, first.id, None).await.unwrap();
    bookings::create(&t.ctx, &b, &req(board.id, TUE, &[2, 3], None), None)
        .await
        .unwrap();
    assert_eq!(t.audit("booking.create").await.len(), 5);
    assert_eq!(t.audit("booking.cancel").await.len(), 1);
});

both_engines!(the_database_refuses_a_second_live_slot, |t| async move {
    // The unique index alone, without the service's lock: a second live slot of a tagged device
    // in one period is refused by the database.
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let teacher = t.teacher(s.id).await;
    let board = device(&t, &admin, "Bảng 1", "interactive_display", 1).await;
    let b = bookings::create(&t.ctx, &teacher, &req(board.id, TUE, &[2], None), None)
        .await
        .unwrap();
    let dup = sqlx::query(
        "INSERT INTO booking_slots (booking_id, device_id, date, period, quantity, pooled, live) \
         VALUES ($1, $2, $3, 3, 1, 0, 1), ($1, $2, $3, 2, 1, 0, 1)",
    )
    .bind(b.id.0)
    .bind(board.id.0)
    .bind(TUE.to_owned())
    .execute(&t.ctx.db.pool)
    .await;
    let err = dup.expect_err("the unique index must refuse a second live slot");
    assert!(crate::services::db::is_unique_violation(&err), "{err}");
});

both_engines!(pools_never_go_over_capacity, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let cart = device(&t, &admin, "Xe máy tính bảng A", "tablet_cart", 30).await;
    let (a, b, c) = (
        t.teacher(s.id).await,
        t.teacher(s.id).await,
        t.teacher(s.id).await,
    );
    bookings::create(&t.ctx, &a, &req(cart.id, TUE, &[3], Some(20)), None)
        .await
        .unwrap();
    let e = bookings::create(&t.ctx, &b, &req(cart.id, TUE, &[2, 3], Some(11)), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let msg = e.localize(crate::Lang::En).message;
    assert!(msg.contains("only 10 free"), "{msg}");
    assert_eq!(live_slots(&t, cart.id, TUE, 2).await, 0);
    bookings::create(&t.ctx, &b, &req(cart.id, TUE, &[2, 3], Some(10)), None)
        .await
        .unwrap();
    let e = bookings::create(&t.ctx, &c, &req(cart.id, TUE, &[3], Some(1)), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(live_slots(&t, cart.id, TUE, 3).await, 30);
    // More than the pool owns is a bad request, not a conflict.
    let e = bookings::create(&t.ctx, &c, &req(cart.id, WED, &[3], Some(31)), None)
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["quantity"]);
});

both_engines!(concurrent_requests_book_once, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let board = device(&t, &admin, "Bảng tương tác", "interactive_display", 1).await;
    let cart = device(&t, &admin, "Xe 12 máy", "tablet_cart", 12).await;
    let mut teachers = Vec::new();
    for _ in 0..16 {
        teachers.push(t.teacher(s.id).await);
    }
    let ctx = Arc::new(t.ctx.clone());
    for (d, want_ok, qty) in [(board.id, 1, None), (cart.id, 4, Some(3))] {
        let mut tasks = Vec::new();
        for teacher in &teachers {
            let (ctx, teacher) = (ctx.clone(), teacher.clone());
            tasks.push(tokio::spawn(async move {
                bookings::create(&ctx, &teacher, &req(d, TUE, &[2], qty), None).await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(e.code, ErrorCode::Conflict, "{e:?}"),
            }
        }
        assert_eq!(ok, want_ok);
    }
    assert_eq!(live_slots(&t, board.id, TUE, 2).await, 1);
    assert_eq!(live_slots(&t, cart.id, TUE, 2).await, 12);
});

both_engines!(calendar_rules, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let teacher = t.teacher(s.id).await;
    let board = device(&t, &admin, "Bảng", "interactive_display", 1).await;
    let check = |r: BookingRequest| {
        let (ctx, teacher) = (t.ctx.clone(), teacher.clone());
        async move { bookings::create(&ctx, &teacher, &r, None).await }
    };
    // Past day, Sunday, unknown period, bad date, class (none exist yet), long note.
    let e = check(req(board.id, "2026-11-27", &[1], None))
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["date"]);
    let e = check(req(board.id, "06/12/2026", &[1], None))
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["date"], "a Sunday");
    let e = check(req(board.id, TUE, &[1, 12], None)).await.unwrap_err();
    assert_eq!(field_names(&e), vec!["periods"]);
    let e = check(req(board.id, TUE, &[], None)).await.unwrap_err();
    assert_eq!(field_names(&e), vec!["periods"]);
    let e = check(req(board.id, "31/02/2026", &[1], None))
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["date"]);
    let mut r = req(board.id, TUE, &[1], Some(2));
    r.class_id = Some(crate::ids::ClassId(7));
    r.note = Some("x".repeat(501));
    let e = check(r).await.unwrap_err();
    assert_eq!(field_names(&e), vec!["quantity", "class_id", "note"]);
    // Today (Monday 07:00): period 1 (07:00–07:35) is not over yet, so it can be booked; once
    // it is over, it cannot.
    check(req(board.id, "2026-11-30", &[1], None))
        .await
        .unwrap();
    t.advance(40 * 60);
    let e = check(req(board.id, "2026-11-30", &[1], None))
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["date"]);
    // Holidays.
    periods::add_holiday(
        &t.ctx,
        &admin,
        s.id,
        &HolidayInput {
            starts: "03/12/2026".into(),
            ends: Some("04/12/2026".into()),
            name: "Hội khoẻ Phù Đổng".into(),
        },
        None,
    )
    .await
    .unwrap();
    let e = check(req(board.id, "2026-12-04", &[1], None))
        .await
        .unwrap_err();
    assert_eq!(field_names(&e), vec!["date"]);
    assert!(e.localize(crate::Lang::Vi).fields[0].1.contains("Hội khoẻ"));
    // A holiday over existing bookings is refused, so nobody loses a booking silently.
    check(req(board.id, WED, &[5], None)).await.unwrap();
    let e = periods::add_holiday(
        &t.ctx,
        &admin,
        s.id,
        &HolidayInput {
            starts: WED.into(),
            ends: None,
            name: "Nghỉ".into(),
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // A device in repair cannot be booked.
    devices::update(
        &t.ctx,
        &admin,
        board.id,
        &DevicePatch {
            status: Some("in_repair".into()),
            note: Some("Hỏng cảm ứng".into()),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let e = check(req(board.id, TUE, &[6], None)).await.unwrap_err();
    assert_eq!(field_names(&e), vec!["device_id"]);
    let notes = devices::notes(&t.ctx, &admin, board.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].status, Some(DeviceStatus::InRepair));
    assert_eq!(notes[0].text, "Hỏng cảm ứng");
});

both_engines!(who_may_book_and_cancel, |t| async move {
    let s = t.school("TH0001").await;
    let other = t.school("TH0002").await;
    let admin = t.school_admin(s.id).await;
    let (a, b) = (t.teacher(s.id).await, t.teacher(s.id).await);
    let outsider = t.teacher(other.id).await;
    let dept = t.department().await;
    let sys = t.sysadmin().await;
    let board = device(&t, &admin, "Bảng", "interactive_display", 1).await;

    let e = bookings::create(&t.ctx, &outsider, &req(board.id, TUE, &[1], None), None)
        .await
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::NotFound,
        "another school's device does not exist"
    );
    for who in [&dept, &sys] {
        let e = bookings::create(&t.ctx, who, &req(board.id, TUE, &[1], None), None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
    }
    let mine = bookings::create(&t.ctx, &a, &req(board.id, TUE, &[1], None), None)
        .await
        .unwrap();
    let e = bookings::cancel(&t.ctx, &b, mine.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "a colleague cannot cancel it");
    let e = bookings::cancel(&t.ctx, &outsider, mine.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = bookings::cancel(&t.ctx, &dept, mine.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    bookings::cancel(&t.ctx, &admin, mine.id, None)
        .await
        .unwrap();
    let e = bookings::cancel(&t.ctx, &a, mine.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "already cancelled");

    // Lists: a teacher sees the school's bookings, `mine` narrows; an outsider sees none.
    bookings::create(&t.ctx, &a, &req(board.id, TUE, &[2], None), None)
        .await
        .unwrap();
    bookings::create(&t.ctx, &b, &req(board.id, TUE, &[3], None), None)
        .await
        .unwrap();
    let all = bookings::list(&t.ctx, &a, &BookingFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let mine = bookings::list(
        &t.ctx,
        &a,
        &BookingFilter {
            mine: true,
            status: vec![BookingStatus::Booked],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(
        bookings::list(&t.ctx, &outsider, &BookingFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let e = bookings::list(
        &t.ctx,
        &outsider,
        &BookingFilter {
            school_id: Some(s.id),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(
        bookings::list(&t.ctx, &dept, &BookingFilter::default())
            .await
            .unwrap()
            .len(),
        3
    );
});

both_engines!(
    a_list_larger_than_its_bound_is_refused_with_the_count,
    |t| async move {
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let a = t.teacher(s.id).await;
        let dept = t.department().await;
        let board = device(&t, &admin, "Bảng", "interactive_board", 1).await;
        for p in 1..=3 {
            bookings::create(&t.ctx, &a, &req(board.id, TUE, &[p], None), None)
                .await
                .unwrap();
        }
        // Exactly the bound: all of them.
        let all = bookings::list_at_most(&t.ctx, &dept, &BookingFilter::default(), 3)
            .await
            .unwrap();
        assert_eq!(all.len(), 3);
        // One more than the bound: a 422 naming the range and the count, never the first few.
        let e = bookings::list_at_most(&t.ctx, &dept, &BookingFilter::default(), 2)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(field_names(&e), ["from", "to"]);
        let l = e.localize(crate::Lang::En);
        assert!(l.fields[0].1.contains("3 bookings match"), "{l:?}");
        // A narrower query that holds no more than the bound passes.
        let first = all[0].id;
        bookings::cancel(&t.ctx, &a, first, None).await.unwrap();
        let cancelled = bookings::list_at_most(
            &t.ctx,
            &dept,
            &BookingFilter {
                status: vec![BookingStatus::Cancelled],
                ..Default::default()
            },
            2,
        )
        .await
        .unwrap();
        assert_eq!(cancelled.len(), 1);
        assert_eq!(cancelled[0].id, first);
    }
);

both_engines!(reads_show_a_release_without_writing_it, |t| async move {
    // 07:00 Monday; period 2 starts 07:40, released 15 minutes later.
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let a = t.teacher(s.id).await;
    let proj = device(&t, &admin, "Máy chiếu", "projector", 1).await;
    let today = "2026-11-30";
    let b = bookings::create(&t.ctx, &a, &req(proj.id, today, &[2], None), None)
        .await
        .unwrap();
    t.advance(60 * 60); // 08:00: 20 minutes after period 2 began
    let stored = || async {
        sqlx::query_scalar::<_, String>("SELECT status FROM bookings WHERE id = $1")
            .bind(b.id.0)
            .fetch_one(&t.ctx.db.pool)
            .await
            .unwrap()
    };
    // Every read shows it released …
    let got = bookings::get(&t.ctx, &a, b.id).await.unwrap();
    assert_eq!(got.status, BookingStatus::Released);
    let mine = bookings::list(
        &t.ctx,
        &a,
        &crate::bookings::BookingFilter {
            mine: true,
            status: vec![BookingStatus::Released],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(mine.iter().map(|x| x.id).collect::<Vec<_>>(), vec![b.id]);
    let week = crate::services::week::week(
        &t.ctx,
        &a,
        s.id,
        Some(proj.id),
        None,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        week.days[0].cells[0].iter().all(|c| c.period != 2),
        "period 2 shows free"
    );
    // … and none of them wrote it.
    assert_eq!(stored().await, "booked");
    assert!(t.audit("booking.release").await.is_empty());
    // The job (or a write) stores it, once.
    assert_eq!(bookings::release_due(&t.ctx).await.unwrap(), 1);
    assert_eq!(stored().await, "released");
    assert_eq!(t.audit("booking.release").await.len(), 1);
});

both_engines!(
    the_device_page_says_what_each_caller_may_do_now,
    |t| async move {
        // 07:00 Monday; period 2 07:40–08:15 (check-in from 07:25), period 3 08:35–09:10.
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let (a, b) = (t.teacher(s.id).await, t.teacher(s.id).await);
        let dept = t.department().await;
        let proj = device(&t, &admin, "Máy chiếu", "projector", 1).await;
        let today = "2026-11-30";
        let p2 = bookings::create(&t.ctx, &a, &req(proj.id, today, &[2], None), None)
            .await
            .unwrap();
        let flags = |p: &crate::device_page::DevicePage| {
            p.bookings
                .iter()
                .map(|x| (x.may_check_in, x.check_in_later, x.may_check_out, x.current))
                .collect::<Vec<_>>()
        };
        // 07:00: too early for everyone; its teacher and the admin will be able to, later.
        let mine = device_page::page(&t.ctx, &a, proj.id).await.unwrap();
        assert_eq!(flags(&mine), vec![(false, true, false, false)]);
        assert!(mine.may_book && !mine.may_manage);
        assert_eq!(mine.bookings[0].times, "07:40–08:15");
        let other = device_page::page(&t.ctx, &b, proj.id).await.unwrap();
        assert_eq!(flags(&other), vec![(false, false, false, false)]);
        let boss = device_page::page(&t.ctx, &admin, proj.id).await.unwrap();
        assert!(boss.may_manage && boss.may_book);
        assert_eq!(flags(&boss), vec![(false, true, false, false)]);
        let reader = device_page::page(&t.ctx, &dept, proj.id).await.unwrap();
        assert!(
            !reader.may_manage && !reader.may_book,
            "the department only reads"
        );
        // 07:25: the window opens, for the same people the service lets check in.
        t.advance(25 * 60);
        let mine = device_page::page(&t.ctx, &a, proj.id).await.unwrap();
        assert_eq!(flags(&mine), vec![(true, false, false, true)]);
        assert_eq!(
            flags(&device_page::page(&t.ctx, &b, proj.id).await.unwrap()),
            vec![(false, false, false, true)]
        );
        bookings::check_in(&t.ctx, &b, p2.id, None)
            .await
            .unwrap_err();
        bookings::check_in(&t.ctx, &a, p2.id, None).await.unwrap();
        let mine = device_page::page(&t.ctx, &a, proj.id).await.unwrap();
        assert_eq!(flags(&mine), vec![(false, false, true, true)]);
        // A device in repair cannot be booked, whoever asks.
        devices::update(
            &t.ctx,
            &admin,
            proj.id,
            &crate::devices::DevicePatch {
                status: Some("in_repair".into()),
                note: Some("Hỏng bóng đèn".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
        assert!(
            !device_page::page(&t.ctx, &a, proj.id)
                .await
                .unwrap()
                .may_book
        );
        // Another school's device is not found.
        let s2 = t.school("TH0002").await;
        let outsider = t.teacher(s2.id).await;
        assert_eq!(
            device_page::page(&t.ctx, &outsider, proj.id)
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
);

both_engines!(check_in_out_and_release, |t| async move {
    // The clock starts Monday 2026-11-30 07:00; primary periods: 1 07:00–07:35, 2 07:40–08:15,
    // 3 08:35–09:10.
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let (a, b) = (t.teacher(s.id).await, t.teacher(s.id).await);
    let board = device(&t, &admin, "Bảng", "interactive_display", 1).await;
    let proj = device(&t, &admin, "Máy chiếu", "projector", 1).await;
    let today = "2026-11-30";
    let used = bookings::create(&t.ctx, &a, &req(board.id, today, &[2, 3], None), None)
        .await
        .unwrap();
    let noshow = bookings::create(&t.ctx, &b, &req(proj.id, today, &[2], None), None)
        .await
        .unwrap();
    let later = bookings::create(&t.ctx, &b, &req(proj.id, TUE, &[1], None), None)
        .await
        .unwrap();
    // 07:00 is too early for period 2 (from 07:25).
    let e = bookings::check_in(&t.ctx, &a, used.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.localize(crate::Lang::En).message.contains("07:25"));
    // Tomorrow's booking cannot be checked in today.
    let e = bookings::check_in(&t.ctx, &b, later.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    t.advance(30 * 60); // 07:30
    let e = bookings::check_in(&t.ctx, &b, used.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "not b's booking");
    let inuse = bookings::check_in(&t.ctx, &a, used.id, None).await.unwrap();
    assert_eq!(inuse.status, BookingStatus::InUse);
    assert!(inuse.checked_in_at.is_some());
    // Cancelling a booking in use is refused.
    let e = bookings::cancel(&t.ctx, &a, used.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // 07:54: period 2 began 07:40, 14 minutes ago: not yet released.
    t.advance(24 * 60);
    assert_eq!(bookings::release_due(&t.ctx).await.unwrap(), 0);
    // 07:56: 16 minutes: released, and the projector is free again for period 2.
    t.advance(2 * 60);
    assert_eq!(bookings::release_due(&t.ctx).await.unwrap(), 1);
    let r = bookings::get(&t.ctx, &b, noshow.id).await.unwrap();
    assert_eq!(r.status, BookingStatus::Released);
    let e = bookings::check_in(&t.ctx, &b, noshow.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    bookings::create(&t.ctx, &a, &req(proj.id, today, &[2], None), None)
        .await
        .unwrap();
    let back = bookings::check_out(&t.ctx, &a, used.id, None)
        .await
        .unwrap();
    assert_eq!(back.status, BookingStatus::Returned);
    let e = bookings::check_out(&t.ctx, &a, used.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "checked out once");
    for action in ["booking.check_in", "booking.check_out", "booking.release"] {
        assert_eq!(t.audit(action).await.len(), 1, "{action}");
    }
    // A school's own release delay.
    let mut grid = periods::grid(&t.ctx, &admin, s.id).await.unwrap();
    grid.release_after_minutes = 60;
    periods::set_grid(&t.ctx, &admin, s.id, &(&grid).into(), None)
        .await
        .unwrap();
    assert_eq!(
        periods::grid(&t.ctx, &b, s.id)
            .await
            .unwrap()
            .release_after_minutes,
        60
    );

    // Utilisation: the board's 2 periods used, the projector's 1 no-show and 1 pending today
    // plus tomorrow's.
    let u = crate::services::utilisation::utilisation(
        &t.ctx,
        &admin,
        &UtilisationFilter {
            from: Some(today.into()),
            to: Some(TUE.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let row = |id: DeviceId| u.devices.iter().find(|d| d.device_id == id).unwrap();
    assert_eq!((row(board.id).booked, row(board.id).used), (2, 2));
    let p = row(proj.id);
    assert_eq!((p.booked, p.used, p.no_show, p.pending), (3, 0, 1, 2));
    assert_eq!(u.schools.len(), 1);
    assert_eq!(u.schools[0].booked, 5);
    let e = crate::services::utilisation::utilisation(&t.ctx, &a, &UtilisationFilter::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let csv = crate::services::utilisation::utilisation_csv(&u, crate::Lang::Vi);
    assert!(String::from_utf8(csv).unwrap().contains("Tiết đã dùng"));
    let xlsx = crate::services::utilisation::utilisation_xlsx(&u, crate::Lang::En).unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an xlsx file is a zip");
});

both_engines!(recurring_books_the_free_weeks, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let (a, b) = (t.teacher(s.id).await, t.teacher(s.id).await);
    let board = device(&t, &admin, "Bảng", "interactive_display", 1).await;
    // Someone has Tuesday 15/12 period 2; 22/12 is a holiday.
    bookings::create(&t.ctx, &b, &req(board.id, "2026-12-15", &[2], None), None)
        .await
        .unwrap();
    periods::add_holiday(
        &t.ctx,
        &admin,
        s.id,
        &HolidayInput {
            starts: "2026-12-22".into(),
            ends: None,
            name: "Ngày Quân đội".into(),
        },
        None,
    )
    .await
    .unwrap();
    let out = bookings::create_recurring(
        &t.ctx,
        &a,
        &RecurringRequest {
            device_id: board.id,
            from: TUE.into(),
            until: "2026-12-29".into(),
            periods: vec![2, 3],
            quantity: None,
            class_id: None,
            note: None,
        },
        None,
    )
    .await
    .unwrap();
    let dates: Vec<_> = out.booked.iter().map(|b| b.date.to_string()).collect();
    assert_eq!(dates, vec!["2026-12-01", "2026-12-08", "2026-12-29"]);
    assert!(out.booked.iter().all(|b| b.series_id == out.series_id));
    let skipped: Vec<_> = out
        .skipped
        .iter()
        .map(|s| (s.date.to_string(), s.reason.as_str(), s.periods.clone()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("2026-12-15".to_owned(), "taken", vec![2]),
            ("2026-12-22".to_owned(), "holiday", vec![]),
        ]
    );
    // A bad range is refused before anything is booked.
    let e = bookings::create_recurring(
        &t.ctx,
        &a,
        &RecurringRequest {
            device_id: board.id,
            from: TUE.into(),
            until: "2028-01-01".into(),
            periods: vec![4],
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(field_names(&e), vec!["until"]);
});

both_engines!(week_view_shows_the_week, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let a = t.teacher(s.id).await;
    let cart = device(&t, &admin, "Xe máy tính bảng", "tablet_cart", 30).await;
    let cart2 = device(&t, &admin, "Xe máy tính bảng 2", "tablet_cart", 20).await;
    device(&t, &admin, "Máy chiếu", "projector", 1).await;
    bookings::create(&t.ctx, &a, &req(cart.id, WED, &[3, 4], Some(12)), None)
        .await
        .unwrap();
    let w = crate::services::week::week(
        &t.ctx,
        &a,
        s.id,
        None,
        Some(DeviceKind::TabletCart),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(w.monday.to_string(), "2026-11-30");
    assert_eq!(w.devices.len(), 2);
    assert_eq!(w.days.len(), 6);
    assert_eq!(w.periods.len(), 9, "the primary default grid");
    let d = w.devices.iter().position(|d| d.id == cart.id).unwrap();
    let cell = w.cell(2, d, 3).unwrap();
    assert_eq!(cell.booked, 12);
    assert_eq!(cell.bookings[0].teacher_id, a.user_id);
    assert!(w.cell(2, d, 2).is_none());
    let d2 = w.devices.iter().position(|d| d.id == cart2.id).unwrap();
    assert!(w.cell(2, d2, 3).is_none());
    // Another school's teacher cannot see the week.
    let other = t.school("TH0002").await;
    let outsider = t.teacher(other.id).await;
    let e =
        crate::services::week::week(&t.ctx, &outsider, s.id, None, None, chrono::NaiveDate::MIN)
            .await
            .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
});

both_engines!(
    the_booking_page_shows_a_kind_a_page_at_a_time,
    |t| async move {
        use crate::services::week::browse;
        use crate::week::DEVICES_PER_PAGE;
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let a = t.teacher(s.id).await;
        let total = DEVICES_PER_PAGE + 2;
        for i in 0..total {
            device(&t, &admin, &format!("Máy chiếu {i:02}"), "projector", 1).await;
        }
        device(&t, &admin, "Màn hình", "interactive_display", 1).await;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3);
        let kind = Some(DeviceKind::Projector);
        let first = browse(&t.ctx, &a, kind, None, day, 1).await.unwrap();
        assert_eq!(first.devices.len(), DEVICES_PER_PAGE);
        assert_eq!((first.devices_from, first.devices_total), (0, total));
        assert_eq!(first.days[0].cells.len(), DEVICES_PER_PAGE);
        let second = browse(&t.ctx, &a, kind, None, day, 2).await.unwrap();
        assert_eq!(second.devices.len(), 2);
        assert_eq!(
            (second.devices_from, second.devices_total),
            (DEVICES_PER_PAGE, total)
        );
        assert!(second.devices.iter().all(|d| !first.devices.contains(d)));
        // Past the last page: the last; before the first: the first.
        assert_eq!(
            browse(&t.ctx, &a, kind, None, day, 99).await.unwrap(),
            second
        );
        assert_eq!(browse(&t.ctx, &a, kind, None, day, 0).await.unwrap(), first);
        // No kind: the first kind the school has (displays come first), all on one page.
        let default = browse(&t.ctx, &a, None, None, day, 1).await.unwrap();
        assert_eq!(default.devices.len(), 1);
        assert_eq!(default.devices[0].kind, DeviceKind::InteractiveDisplay);
        assert_eq!((default.devices_from, default.devices_total), (0, 1));
        // One device: that one, whatever the page.
        let one = browse(&t.ctx, &a, None, Some(second.devices[0].id), day, 5)
            .await
            .unwrap();
        assert_eq!(one.devices, vec![second.devices[0].clone()]);
        assert_eq!((one.devices_from, one.devices_total), (0, 1));
    }
);

both_engines!(inventory_and_grid, |t| async move {
    let s = t.school("TH0001").await;
    let other = t.school("TH0002").await;
    let admin = t.school_admin(s.id).await;
    let teacher = t.teacher(s.id).await;
    let dept = t.department().await;
    // Every bad field at once.
    let e = devices::create(
        &t.ctx,
        &admin,
        s.id,
        &DeviceInput {
            name: " ".into(),
            kind: "bàn ghế".into(),
            serial: Some("A B".into()),
            room: None,
            quantity: Some(0),
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(field_names(&e), vec!["name", "kind", "serial", "quantity"]);
    let d = devices::create(
        &t.ctx,
        &admin,
        s.id,
        &DeviceInput {
            name: "Máy chiếu  Epson".into(),
            kind: "Máy chiếu".into(),
            serial: Some("EP-001".into()),
            room: Some("P.101".into()),
            quantity: None,
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(d.name, "Máy chiếu Epson");
    assert_eq!(d.kind, DeviceKind::Projector);
    // The serial is unique in the school, not across schools.
    let dup = DeviceInput {
        name: "Khác".into(),
        kind: "projector".into(),
        serial: Some("EP-001".into()),
        ..Default::default()
    };
    let e = devices::create(&t.ctx, &admin, s.id, &dup, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let other_admin = t.school_admin(other.id).await;
    devices::create(&t.ctx, &other_admin, other.id, &dup, None)
        .await
        .unwrap();
    // Teachers and the department read; only the school's admin writes.
    for who in [&teacher, &dept] {
        assert_eq!(
            devices::list(&t.ctx, who, s.id, &Default::default())
                .await
                .unwrap()
                .len(),
            1
        );
        let e = devices::create(&t.ctx, who, s.id, &dup, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
    }
    let e = devices::get(&t.ctx, &other_admin, d.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // Import: all or nothing, every bad line; then a clean file; re-import changes nothing.
    let bad = "name,kind,serial,room,quantity\nBảng 1,interactive_display,B1,P.201,1\n,projector,,,\nXe,tablet_cart,X1,,nhiều\nBảng 2,interactive_display,B1,,1\n";
    let e = devices::import_csv(&t.ctx, &admin, s.id, bad.as_bytes(), None)
        .await
        .unwrap_err();
    match &e.details {
        Details::Lines(l) => {
            assert_eq!(l.iter().map(|l| l.line).collect::<Vec<_>>(), vec![3, 4, 5])
        }
        d => panic!("{d:?}"),
    }
    assert_eq!(t.count("devices").await, 2, "nothing written");
    let good = "name,kind,serial,room,quantity\nBảng 1,interactive_display,B1,P.201,1\nXe máy tính bảng,Xe máy tính bảng,X1,,30\n=HYPERLINK(\"x\"),other,,,\n";
    let out = devices::import_csv(&t.ctx, &admin, s.id, good.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (3, 0));
    let out = devices::import_csv(&t.ctx, &admin, s.id, good.as_bytes(), None)
        .await
        .unwrap();
    // Lines without a serial cannot be matched: they are added again; lines with one are not.
    assert_eq!((out.created, out.updated), (1, 0));
    let csv = String::from_utf8(devices::export_csv(&t.ctx, &admin, s.id).await.unwrap()).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "formulas neutralised: {csv}");
    assert!(csv.contains("Xe máy tính bảng,tablet_cart,X1,,30"));
    let labels = devices::for_labels(&t.ctx, &admin, s.id, &[])
        .await
        .unwrap();
    let svg = devices::labels_svg(&labels, "https://lophoc.example.vn");
    assert_eq!(
        svg.matches("<svg x=").count(),
        labels.len(),
        "one QR per label"
    );
    assert!(svg.contains("S/N EP-001"));
    assert!(!svg.contains("=HYPERLINK(\"x\")<"), "escaped");

    // The grid: default by level, validated, replaced; periods with future bookings stay.
    let g = periods::grid(&t.ctx, &teacher, s.id).await.unwrap();
    assert_eq!(g.items.len(), 9);
    let bad = GridDraft {
        items: vec![
            PeriodDraft {
                number: 1,
                session: "afternoon".into(),
                starts: "13:30".into(),
                ends: "13:00".into(),
            },
            PeriodDraft {
                number: 3,
                session: "noon".into(),
                starts: "7h".into(),
                ends: "08:00".into(),
            },
        ],
        release_after_minutes: 1,
    };
    let e = periods::set_grid(&t.ctx, &admin, s.id, &bad, None)
        .await
        .unwrap_err();
    assert_eq!(
        field_names(&e),
        vec![
            "items.0",
            "items.1",
            "items.1",
            "items.1",
            "release_after_minutes"
        ]
    );
    // An unknown session is the service's finding, the same for the form and the API.
    let Details::Fields(fields) = &e.details else {
        panic!("field errors expected: {e:?}")
    };
    assert!(
        fields
            .iter()
            .any(|f| f.field == "items.1" && f.msg.key == "api.validation.session"),
        "{fields:?}"
    );
    let e = periods::set_grid(&t.ctx, &teacher, s.id, &(&g).into(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let board = devices::list(&t.ctx, &admin, s.id, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.serial.as_deref() == Some("B1"))
        .unwrap();
    bookings::create(&t.ctx, &teacher, &req(board.id, TUE, &[9], None), None)
        .await
        .unwrap();
    let short = PeriodGrid {
        items: g.items[..5].to_vec(),
        release_after_minutes: 15,
    };
    let e = periods::set_grid(&t.ctx, &admin, s.id, &(&short).into(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let nine = periods::set_grid(
        &t.ctx,
        &admin,
        s.id,
        &(&PeriodGrid {
            items: g.items.clone(),
            release_after_minutes: 20,
        })
            .into(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(nine.items, g.items);
    assert_eq!(t.audit("periods.update").await.len(), 1);
});
