//! Devices, period grids, holidays and bookings through the REST API v1, on SQLite and
//! PostgreSQL (API.md "Devices", "Periods", "Bookings"; RELIABILITY.md #1, #7).
//!
//! The clock is the harness's fixed clock: it starts on Monday 2026-11-30 at 07:00 school time
//! and moves only when a test moves it (`app.t.advance`). The fixture schools are primary
//! schools, so the default grid has nine 35-minute periods: 1 07:00–07:35, 2 07:40–08:15,
//! 3 08:35–09:10, 4 09:15–09:50, 5 09:55–10:30, then 6–9 from 13:45.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use axum::http::Method;
use common::{App, Req, Resp};
use lophoc::i18n::{Lang, t};
use lophoc::model::Actor;
use lophoc::services::testing::START;
use serde_json::{Value, json};
use sqlx::Row as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Today on the fixed clock (a Monday).
const TODAY: &str = "2026-11-30";
const TUESDAY: &str = "2026-12-01";
const WEDNESDAY: &str = "2026-12-02";
const SUNDAY: &str = "2026-12-06";

/// A school with its administrator and two teachers, each with a session.
struct World {
    school: i64,
    admin: Actor,
    admin_t: String,
    teacher: Actor,
    teacher_t: String,
    other: Actor,
    other_t: String,
}

impl World {
    /// New sessions for everyone (after the clock moved past the idle timeout).
    async fn relogin(&mut self, app: &App) {
        self.admin_t = app.session(&self.admin).await;
        self.teacher_t = app.session(&self.teacher).await;
        self.other_t = app.session(&self.other).await;
    }
}

async fn world(app: &App, code: &str) -> World {
    let s = app.t.school(code).await;
    let admin = app.t.school_admin(s.id).await;
    let teacher = app.t.teacher(s.id).await;
    let other = app.t.teacher(s.id).await;
    World {
        school: s.id.0,
        admin_t: app.session(&admin).await,
        admin,
        teacher_t: app.session(&teacher).await,
        teacher,
        other_t: app.session(&other).await,
        other,
    }
}

/// Adds a device through the API (as the school's admin) and returns its id.
async fn device(app: &App, w: &World, body: Value) -> i64 {
    let r = app
        .send(
            Req::post(&format!("/api/v1/schools/{}/devices", w.school))
                .session(&w.admin_t)
                .json(&body),
        )
        .await;
    r.expect(201);
    r.json()["device"]["id"].as_i64().expect("an id")
}

async fn projector(app: &App, w: &World, name: &str) -> i64 {
    device(app, w, json!({"name": name, "kind": "projector"})).await
}

async fn book(app: &App, token: &str, device: i64, date: &str, periods: &[i64]) -> Resp {
    app.send(
        Req::post("/api/v1/bookings")
            .session(token)
            .json(&json!({"device_id": device, "date": date, "periods": periods})),
    )
    .await
}

fn fields(r: &Resp) -> Vec<String> {
    let mut f: Vec<String> = r.json()["error"]["details"]
        .as_array()
        .unwrap_or_else(|| panic!("details: {}", r.text()))
        .iter()
        .map(|d| d["field"].as_str().expect("field").to_owned())
        .collect();
    f.sort();
    f
}

/// Units held by live bookings of a device in one period (read from the database itself).
async fn live_units(app: &App, device: i64, date: &str, period: i64) -> i64 {
    sqlx::query(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM booking_slots \
         WHERE device_id = $1 AND date = $2 AND period = $3 AND live = 1",
    )
    .bind(device)
    .bind(date.to_owned())
    .bind(period)
    .fetch_one(&app.t.ctx.db.pool)
    .await
    .and_then(|r| r.try_get("n"))
    .expect("counting live slots")
}

http_test!(devices_create_list_patch, |app| async move {
    let w = world(&app, "TH0001").await;
    let b = world(&app, "TH0002").await;
    let base = format!("/api/v1/schools/{}/devices", w.school);

    let r = app
        .send(Req::post(&base).session(&w.admin_t).json(&json!({
            "name": "  Máy chiếu   phòng 201 ", "kind": "projector", "serial": "EP-201", "room": "P.201"
        })))
        .await;
    r.expect(201);
    let d = &r.json()["device"];
    assert_eq!(d["name"], "Máy chiếu phòng 201");
    assert_eq!(d["kind"], "projector");
    assert_eq!(d["quantity"], 1);
    assert_eq!(d["status"], "available");
    assert_eq!(d["school_id"], w.school);
    let proj = d["id"].as_i64().expect("id");
    // A pool, its kind by its Vietnamese name.
    let cart = device(
        &app,
        &w,
        json!({"name": "Xe máy tính bảng", "kind": "Xe máy tính bảng", "quantity": 30}),
    )
    .await;
    assert_eq!(app.t.audit("device.create").await.len(), 2);

    // Every bad field at once; a missing body field is reported with the rest.
    let r = app
        .send(
            Req::post(&base)
                .session(&w.admin_t)
                .json(&json!({"kind": "bàn ghế", "quantity": 0, "serial": "có dấu cách"})),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["kind", "name", "quantity", "serial"]);
    // The serial is unique in the school: 409 naming the field.
    let r = app
        .send(
            Req::post(&base)
                .session(&w.admin_t)
                .json(&json!({"name": "Khác", "kind": "tv", "serial": "EP-201"})),
        )
        .await;
    r.expect(409);
    assert_eq!(r.json()["error"]["details"][0]["field"], "serial");
    // A teacher reads but does not add; another school's admin does not even see the school.
    app.send(
        Req::post(&base)
            .session(&w.teacher_t)
            .json(&json!({"name": "X", "kind": "tv"})),
    )
    .await
    .expect(403);
    app.send(
        Req::post(&base)
            .session(&b.admin_t)
            .json(&json!({"name": "X", "kind": "tv"})),
    )
    .await
    .expect(404);
    app.send(Req::get(&base).session(&b.teacher_t))
        .await
        .expect(404);
    assert_eq!(app.t.count("devices").await, 2);

    // The list and its filters.
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|d| d["name"].as_str().expect("name").to_owned())
            .collect()
    };
    let r = app.send(Req::get(&base).session(&w.teacher_t)).await;
    r.expect(200);
    assert_eq!(r.json()["total"], 2);
    assert_eq!(
        names(&r.json()),
        ["Máy chiếu phòng 201", "Xe máy tính bảng"],
        "in the UI's order of kinds"
    );
    let r = app
        .send(Req::get(&format!("{base}?kind=tablet_cart")).session(&w.teacher_t))
        .await;
    assert_eq!(names(&r.json()), ["Xe máy tính bảng"]);
    let r = app
        .send(Req::get(&format!("{base}?q=MAY+CHIEU+201")).session(&w.teacher_t))
        .await;
    assert_eq!(names(&r.json()), ["Máy chiếu phòng 201"]);
    let r = app
        .send(Req::get(&format!("{base}?kind=ban&status=broken")).session(&w.teacher_t))
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["kind", "status"]);

    // One device; another school's is not found.
    let r = app
        .send(Req::get(&format!("/api/v1/devices/{cart}")).session(&w.teacher_t))
        .await;
    r.expect(200);
    assert_eq!(r.json()["device"]["quantity"], 30);
    app.send(Req::get(&format!("/api/v1/devices/{cart}")).session(&b.admin_t))
        .await
        .expect(404);
    app.send(Req::get("/api/v1/devices/khong-phai-so").session(&w.admin_t))
        .await
        .expect(404);

    // PATCH: to repair with a note, then the history.
    let path = format!("/api/v1/devices/{proj}");
    let r = app
        .send(
            Req::patch(&path)
                .session(&w.admin_t)
                .json(&json!({"status": "in_repair", "note": "Bóng đèn hỏng", "room": ""})),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["device"]["status"], "in_repair");
    assert_eq!(
        r.json()["device"]["room"],
        Value::Null,
        "an empty room clears it"
    );
    let r = app
        .send(Req::get(&format!("{path}/notes")).session(&w.teacher_t))
        .await;
    r.expect(200);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0]["status"], "in_repair");
    assert_eq!(r.json()["items"][0]["text"], "Bóng đèn hỏng");
    // Unknown fields are refused rather than ignored; bad values all at once.
    app.send(
        Req::patch(&path)
            .session(&w.admin_t)
            .json(&json!({"stauts": "retired"})),
    )
    .await
    .expect(422);
    let r = app
        .send(
            Req::patch(&path)
                .session(&w.admin_t)
                .json(&json!({"status": "broken", "quantity": 9999})),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["quantity", "status"]);
    // A teacher may not change it; another school's admin does not see it.
    app.send(
        Req::patch(&path)
            .session(&w.teacher_t)
            .json(&json!({"status": "available"})),
    )
    .await
    .expect(403);
    app.send(
        Req::patch(&path)
            .session(&b.admin_t)
            .json(&json!({"status": "available"})),
    )
    .await
    .expect(404);
    let r = app
        .send(Req::get(&format!("{base}?status=in_repair")).session(&w.teacher_t))
        .await;
    assert_eq!(names(&r.json()), ["Máy chiếu phòng 201"]);
    assert_eq!(app.t.audit("device.update").await.len(), 1);
});

http_test!(devices_csv_import_and_export, |app| async move {
    let w = world(&app, "TH0001").await;
    let import = format!("/api/v1/schools/{}/devices/import", w.school);
    let export = format!("/api/v1/schools/{}/devices/export", w.school);

    // Bad lines: every one listed with its number, nothing written.
    let bad = "name,kind,serial,room,quantity\n\
               Máy chiếu 1,projector,P1,P.101,1\n\
               ,projector,P2,,1\n\
               Bảng,bàn ghế,P3,,abc\n\
               Máy chiếu 4,may chieu,P1,,1\n";
    let r = app
        .send(Req::post(&import).session(&w.admin_t).csv(bad).en())
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    let lines: Vec<i64> = r.json()["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["line"].as_i64().expect("line"))
        .collect();
    assert_eq!(
        lines,
        [3, 4, 4, 5],
        "name; kind and quantity; duplicate serial: {}",
        r.text()
    );
    assert_eq!(app.t.count("devices").await, 0, "nothing written");

    // A good file (semicolons, BOM, a formula in a name); re-importing it changes nothing.
    let good = "\u{feff}name;kind;serial;room;quantity\n\
                =1+2;projector;P1;P.101;1\n\
                Xe máy tính bảng;tablet_cart;XE-1;Thư viện;30\n";
    let r = app
        .send(Req::post(&import).session(&w.admin_t).csv(good))
        .await;
    r.expect(201);
    assert_eq!(r.json(), json!({"created": 2, "updated": 0}));
    let r = app
        .send(Req::post(&import).session(&w.admin_t).csv(good))
        .await;
    r.expect(200);
    assert_eq!(r.json(), json!({"created": 0, "updated": 0}));
    // A line whose serial exists updates that device.
    let r = app
        .send(
            Req::post(&import)
                .session(&w.admin_t)
                .csv("name,kind,serial,room,quantity\n@SUM(A1:A9),projector,P1,P.102,1\n"),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json(), json!({"created": 0, "updated": 1}));
    assert_eq!(app.t.count("devices").await, 2);
    // Not CSV, not theirs.
    app.send(
        Req::post(&import)
            .session(&w.admin_t)
            .body("application/json", b"{}"),
    )
    .await
    .expect(415);
    app.send(Req::post(&import).session(&w.teacher_t).csv(good))
        .await
        .expect(403);

    // The export: an attachment, BOM, neutralised formulas, import columns first.
    let r = app.send(Req::get(&export).session(&w.teacher_t)).await;
    r.expect(200);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.header("content-disposition").starts_with("attachment;"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let text = r.text();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    let mut rows = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        rows.next(),
        Some("name,kind,serial,room,quantity,id,status")
    );
    assert!(
        text.contains("'@SUM(A1:A9),projector,P1,P.102,1,"),
        "{text}"
    );
    assert!(!text.contains("\n@") && !text.contains("\n="), "{text}");
    assert!(text.contains("Xe máy tính bảng,tablet_cart,XE-1,Thư viện,30,"));
    // Another school's staff cannot read it.
    let b = world(&app, "TH0002").await;
    app.send(Req::get(&export).session(&b.admin_t))
        .await
        .expect(404);
});

http_test!(devices_qr_labels, |app| async move {
    let w = world(&app, "TH0001").await;
    let a = projector(&app, &w, "Máy chiếu <A> & \"B\"").await;
    let b = projector(&app, &w, "Máy chiếu B").await;
    let path = format!("/api/v1/schools/{}/devices/labels", w.school);
    let r = app.send(Req::get(&path).session(&w.admin_t)).await;
    r.expect(200);
    assert!(r.header("content-type").starts_with("image/svg+xml"));
    let svg = r.text();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert_eq!(svg.matches("<g transform").count(), 2);
    // Escaped (the name may wrap over two lines of the label).
    for part in ["&lt;A&gt;", "&amp;", "&quot;B&quot;"] {
        assert!(svg.contains(part), "{part} in {svg}");
    }
    assert!(!svg.contains("<A>"));
    let r = app
        .send(Req::get(&format!("{path}?ids={b}")).session(&w.admin_t))
        .await;
    assert_eq!(r.text().matches("<g transform").count(), 1);
    assert!(r.text().contains(&format!("#{b}")));
    assert!(!r.text().contains(&format!("#{a}<")));
    app.send(Req::get(&format!("{path}?ids=1,x")).session(&w.admin_t))
        .await
        .expect(422);
    // Labels are for those who run the inventory.
    app.send(Req::get(&path).session(&w.teacher_t))
        .await
        .expect(403);
    // An odd Host never reaches the page: the codes hold a relative path then (checked in the
    // unit tests of `label_base_url`); the request still succeeds.
    app.send(
        Req::get(&path)
            .session(&w.admin_t)
            .header("x-forwarded-host", "evil.example"),
    )
    .await
    .expect(200);
});

http_test!(periods_and_holidays, |app| async move {
    let w = world(&app, "TH0001").await;
    let path = format!("/api/v1/schools/{}/periods", w.school);

    // A new school has the default grid of its level.
    let r = app.send(Req::get(&path).session(&w.teacher_t)).await;
    r.expect(200);
    let g = r.json();
    assert_eq!(g["items"].as_array().expect("items").len(), 9);
    assert_eq!(
        g["items"][0],
        json!({"number": 1, "session": "morning", "starts": "07:00", "ends": "07:35"})
    );
    assert_eq!(g["items"][5]["session"], "afternoon");
    assert_eq!(g["release_after_minutes"], 15);

    // API.md's plain `{"items": [...]}`: the release rule stays as it was.
    let grid = json!({"items": [
        {"number": 1, "session": "morning", "starts": "7:00", "ends": "07:45"},
        {"number": 2, "session": "morning", "starts": "07:50", "ends": "08:35"},
        {"number": 3, "session": "afternoon", "starts": "13:30", "ends": "14:15"},
    ]});
    let r = app
        .send(Req::new(Method::PUT, &path).session(&w.admin_t).json(&grid))
        .await;
    r.expect(200);
    assert_eq!(r.json()["items"][0]["starts"], "07:00", "normalised");
    assert_eq!(r.json()["release_after_minutes"], 15);
    let r = app
        .send(
            Req::new(Method::PUT, &path)
                .session(&w.admin_t)
                .json(&json!({"items": grid["items"], "release_after_minutes": 30})),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["release_after_minutes"], 30);
    let r = app.send(Req::get(&path).session(&w.teacher_t)).await;
    assert_eq!(r.json()["items"].as_array().expect("items").len(), 3);
    assert_eq!(r.json()["release_after_minutes"], 30);

    // Every bad field at once.
    let r = app
        .send(
            Req::new(Method::PUT, &path)
                .session(&w.admin_t)
                .json(&json!({
                    "items": [
                        {"number": 1, "session": "morning", "starts": "07:00", "ends": "06:45"},
                        {"number": 3, "session": "morning", "starts": "25:00", "ends": "08:00"},
                    ],
                    "release_after_minutes": 1,
                })),
        )
        .await;
    r.expect(422);
    assert_eq!(
        fields(&r),
        ["items.0", "items.1", "items.1", "release_after_minutes"]
    );
    let r = app
        .send(
            Req::new(Method::PUT, &path)
                .session(&w.admin_t)
                .json(&json!({
                    "items": [{"session": "evening", "starts": "07:00", "ends": "07:45"}],
                })),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["items.0"]);
    app.send(
        Req::new(Method::PUT, &path)
            .session(&w.admin_t)
            .json(&json!({"items": []})),
    )
    .await
    .expect(422);
    // Teachers read; only the school's admin writes.
    app.send(
        Req::new(Method::PUT, &path)
            .session(&w.teacher_t)
            .json(&grid),
    )
    .await
    .expect(403);

    // A period with bookings from today on cannot be removed.
    let p = projector(&app, &w, "Máy chiếu").await;
    book(&app, &w.teacher_t, p, TUESDAY, &[3]).await.expect(201);
    let r = app
        .send(Req::new(Method::PUT, &path).session(&w.admin_t).json(&json!({
            "items": [{"number": 1, "session": "morning", "starts": "07:00", "ends": "07:45"}],
        })))
        .await;
    r.expect(409);
    assert_eq!(r.json()["error"]["details"], json!({"periods": [3]}));

    // Holidays.
    let hp = format!("/api/v1/schools/{}/holidays", w.school);
    let r = app
        .send(
            Req::post(&hp).session(&w.admin_t).json(
                &json!({"starts": "22/12/2026", "ends": "2026-12-23", "name": "Ngày Quân đội"}),
            ),
        )
        .await;
    r.expect(201);
    let h = r.json()["holiday"].clone();
    assert_eq!(h["starts"], "2026-12-22");
    assert_eq!(h["ends"], "2026-12-23");
    // Over a day with bookings: refused, saying how many.
    let r = app
        .send(
            Req::post(&hp)
                .session(&w.admin_t)
                .json(&json!({"starts": TUESDAY, "name": "Nghỉ"})),
        )
        .await;
    r.expect(409);
    assert_eq!(r.json()["error"]["details"], json!({"bookings": 1}));
    let r = app
        .send(
            Req::post(&hp)
                .session(&w.admin_t)
                .json(&json!({"starts": "x", "ends": "2026-01-01"})),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["name", "starts"]);
    app.send(
        Req::post(&hp)
            .session(&w.teacher_t)
            .json(&json!({"starts": "2027-01-01", "name": "Tết Dương lịch"})),
    )
    .await
    .expect(403);
    let r = app.send(Req::get(&hp).session(&w.teacher_t)).await;
    r.expect(200);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0], h);
    let r = app
        .send(Req::get(&format!("{hp}?from=2027-01-01")).session(&w.teacher_t))
        .await;
    assert_eq!(r.json()["total"], 0);
    app.send(Req::get(&format!("{hp}?from=tomorrow")).session(&w.teacher_t))
        .await
        .expect(422);
    // Booking on a holiday is refused.
    let r = book(&app, &w.teacher_t, p, "2026-12-22", &[1]).await;
    r.expect(422);
    assert_eq!(fields(&r), ["date"]);
    // Removing it: not by a teacher, not another school's, then by the admin.
    let hid = h["id"].as_i64().expect("id");
    app.send(Req::delete(&format!("{hp}/{hid}")).session(&w.teacher_t))
        .await
        .expect(403);
    let b = world(&app, "TH0002").await;
    app.send(
        Req::delete(&format!("/api/v1/schools/{}/holidays/{hid}", b.school)).session(&b.admin_t),
    )
    .await
    .expect(404);
    app.send(Req::delete(&format!("{hp}/{hid}")).session(&w.admin_t))
        .await
        .expect(204);
    app.send(Req::delete(&format!("{hp}/{hid}")).session(&w.admin_t))
        .await
        .expect(404);
    book(&app, &w.teacher_t, p, "2026-12-22", &[1])
        .await
        .expect(201);
});

http_test!(booking_rules, |app| async move {
    let w = world(&app, "TH0001").await;
    let p = projector(&app, &w, "Máy chiếu 201").await;
    let cart = device(
        &app,
        &w,
        json!({"name": "Xe máy tính bảng", "kind": "tablet_cart", "quantity": 30}),
    )
    .await;

    let r = app
        .send(
            Req::post("/api/v1/bookings")
                .session(&w.teacher_t)
                .json(&json!({
                    "device_id": p, "date": "01/12/2026", "periods": [3, 2, 3], "note": "  Bài 5 "
                })),
        )
        .await;
    r.expect(201);
    let b = r.json()["booking"].clone();
    assert_eq!(b["date"], TUESDAY);
    assert_eq!(b["periods"], json!([2, 3]));
    assert_eq!(b["status"], "booked");
    assert_eq!(b["teacher_id"], w.teacher.user_id.0);
    assert_eq!(b["quantity"], 1);
    assert_eq!(b["note"], "Bài 5");
    assert_eq!(b["device_name"], "Máy chiếu 201");
    assert_eq!(b["class_id"], Value::Null);
    assert_eq!(b["checked_in_at"], Value::Null);

    // Taken: 409 with every taken period; all or nothing (period 4 was free and stays free).
    let r = app
        .send(
            Req::post("/api/v1/bookings")
                .session(&w.other_t)
                .json(&json!({"device_id": p, "date": TUESDAY, "periods": [3, 4, 2]}))
                .en(),
        )
        .await;
    r.expect(409);
    assert_eq!(r.code(), "conflict");
    assert_eq!(
        r.json()["error"]["details"],
        json!({"taken": [
            {"date": TUESDAY, "period": 2, "booked": 1, "available": 0},
            {"date": TUESDAY, "period": 3, "booked": 1, "available": 0},
        ]}),
        "details is the conflict object, not a string"
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("01/12/2026")),
        "{}",
        r.text()
    );
    assert_eq!(live_units(&app, p, TUESDAY, 4).await, 0);
    book(&app, &w.other_t, p, TUESDAY, &[4]).await.expect(201);

    // 422s, each naming its field.
    for (date, periods, field) in [
        ("2026-11-29", vec![1], "date"),  // yesterday
        (SUNDAY, vec![1], "date"),        // a Sunday
        ("2026-02-30", vec![1], "date"),  // not a date
        (WEDNESDAY, vec![10], "periods"), // a primary school has 9 periods
        (WEDNESDAY, vec![], "periods"),   // none
    ] {
        let r = book(&app, &w.teacher_t, p, date, &periods).await;
        r.expect(422);
        assert_eq!(fields(&r), [field], "{date} {periods:?}");
    }
    // Quantity above the pool; a tagged device has one unit.
    let r = app
        .send(
            Req::post("/api/v1/bookings").session(&w.teacher_t).json(
                &json!({"device_id": cart, "date": WEDNESDAY, "periods": [1], "quantity": 31}),
            ),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["quantity"]);
    let r = app
        .send(Req::post("/api/v1/bookings").session(&w.teacher_t).json(
            &json!({"device_id": p, "date": WEDNESDAY, "periods": [1], "quantity": 2, "class_id": 7}),
        ))
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["class_id", "quantity"]);
    // No device named.
    let r = app
        .send(
            Req::post("/api/v1/bookings")
                .session(&w.teacher_t)
                .json(&json!({"date": WEDNESDAY, "periods": [1]})),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["device_id"]);
    // Today: a period that is over cannot be booked any more.
    app.t.advance(40 * 60); // 07:40: period 1 (07:00–07:35) is over
    let r = book(&app, &w.teacher_t, p, TODAY, &[1, 2]).await;
    r.expect(422);
    assert_eq!(fields(&r), ["date"]);
    book(&app, &w.teacher_t, p, TODAY, &[2]).await.expect(201);
    // A device in repair cannot be booked; its existing bookings stay.
    app.send(
        Req::patch(&format!("/api/v1/devices/{p}"))
            .session(&w.admin_t)
            .json(&json!({"status": "in_repair"})),
    )
    .await
    .expect(200);
    let r = book(&app, &w.teacher_t, p, WEDNESDAY, &[1]).await;
    r.expect(422);
    assert_eq!(fields(&r), ["device_id"]);
    assert_eq!(live_units(&app, p, TUESDAY, 2).await, 1);

    // Pools count units.
    let pool =
        |q: i64| json!({"device_id": cart, "date": WEDNESDAY, "periods": [1, 2], "quantity": q});
    app.send(
        Req::post("/api/v1/bookings")
            .session(&w.teacher_t)
            .json(&pool(20)),
    )
    .await
    .expect(201);
    let r = app
        .send(
            Req::post("/api/v1/bookings")
                .session(&w.other_t)
                .json(&pool(11)),
        )
        .await;
    r.expect(409);
    assert_eq!(
        r.json()["error"]["details"]["taken"][0],
        json!({"date": WEDNESDAY, "period": 1, "booked": 20, "available": 10})
    );
    app.send(
        Req::post("/api/v1/bookings")
            .session(&w.other_t)
            .json(&pool(10)),
    )
    .await
    .expect(201);
    assert_eq!(live_units(&app, cart, WEDNESDAY, 1).await, 30);

    // Who may book: the school's teachers and admins, nobody else.
    let other = world(&app, "TH0002").await;
    book(&app, &other.teacher_t, cart, "2026-12-03", &[1])
        .await
        .expect(404);
    let dept = app.t.department().await;
    let dt = app.session(&dept).await;
    book(&app, &dt, cart, "2026-12-03", &[1]).await.expect(403);
    book(&app, &w.admin_t, cart, "2026-12-03", &[1])
        .await
        .expect(201);
    app.send(Req::post("/api/v1/bookings").json(&json!({"device_id": cart})))
        .await
        .expect(401);
    assert!(app.t.audit("booking.create").await.len() >= 6);
});

http_test!(cancel_by_owner_or_school_admin, |app| async move {
    let w = world(&app, "TH0001").await;
    let p = projector(&app, &w, "Máy chiếu").await;
    let id = book(&app, &w.teacher_t, p, TUESDAY, &[1])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    let path = format!("/api/v1/bookings/{id}");
    // Another teacher of the school sees it but may not cancel it.
    app.send(Req::get(&path).session(&w.other_t))
        .await
        .expect(200);
    assert_eq!(
        app.send(Req::delete(&path).session(&w.other_t))
            .await
            .expect(403)
            .code(),
        "forbidden"
    );
    let b = world(&app, "TH0002").await;
    app.send(Req::delete(&path).session(&b.admin_t))
        .await
        .expect(404);
    app.send(Req::get(&path).session(&b.teacher_t))
        .await
        .expect(404);
    // The owner cancels; the period is free at once; twice is a conflict.
    app.send(Req::delete(&path).session(&w.teacher_t))
        .await
        .expect(204);
    assert_eq!(
        app.send(Req::get(&path).session(&w.teacher_t)).await.json()["booking"]["status"],
        "cancelled"
    );
    app.send(Req::delete(&path).session(&w.teacher_t))
        .await
        .expect(409);
    let id2 = book(&app, &w.other_t, p, TUESDAY, &[1])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    // The school's admin cancels anyone's.
    app.send(Req::delete(&format!("/api/v1/bookings/{id2}")).session(&w.admin_t))
        .await
        .expect(204);
    assert_eq!(live_units(&app, p, TUESDAY, 1).await, 0);
    assert_eq!(app.t.audit("booking.cancel").await.len(), 2);

    // The list: the school's bookings, `mine`, dates, devices, statuses.
    book(&app, &w.teacher_t, p, WEDNESDAY, &[2])
        .await
        .expect(201);
    let list = |q: &str, tok: &str| {
        let path = format!("/api/v1/bookings{q}");
        let tok = tok.to_owned();
        let app = &app;
        async move { app.send(Req::get(&path).session(&tok)).await }
    };
    let r = list("", &w.other_t).await;
    r.expect(200);
    assert_eq!(r.json()["total"], 3);
    assert_eq!(r.json()["items"].as_array().expect("items").len(), 3);
    assert_eq!(list("?mine=true", &w.other_t).await.json()["total"], 1);
    assert_eq!(list("?mine=true", &w.teacher_t).await.json()["total"], 2);
    assert_eq!(
        list(&format!("?from={WEDNESDAY}&to={WEDNESDAY}"), &w.teacher_t)
            .await
            .json()["total"],
        1
    );
    assert_eq!(
        list("?status=booked", &w.teacher_t).await.json()["total"],
        1
    );
    assert_eq!(
        list(
            &format!("?device_id={p}&status=cancelled,released"),
            &w.teacher_t
        )
        .await
        .json()["total"],
        2
    );
    let r = list("?mine=maybe&status=lost&school_id=abc&from=x", &w.teacher_t).await;
    r.expect(422);
    assert_eq!(fields(&r), ["mine", "school_id", "status"]);
    assert_eq!(
        list(&format!("?school_id={}", w.school), &b.teacher_t)
            .await
            .expect(404)
            .code(),
        "not_found"
    );
    assert_eq!(list("", &b.teacher_t).await.json()["total"], 0);
    let dept = app.t.department().await;
    let dt = app.session(&dept).await;
    assert_eq!(list("", &dt).await.json()["total"], 3);
});

http_test!(check_in_and_out_on_the_clock, |app| async move {
    let w = world(&app, "TH0001").await;
    let p = projector(&app, &w, "Máy chiếu").await;
    // Period 3 today: 08:35–09:10; pick-up from 08:20.
    let id = book(&app, &w.teacher_t, p, TODAY, &[3])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    let cin = format!("/api/v1/bookings/{id}/check-in");
    let cout = format!("/api/v1/bookings/{id}/check-out");
    // 07:00: too early.
    let r = app.send(Req::post(&cin).session(&w.teacher_t).en()).await;
    r.expect(409);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("08:20") && m.contains("09:10")),
        "{}",
        r.text()
    );
    // Checking out what was never checked in.
    app.send(Req::post(&cout).session(&w.teacher_t))
        .await
        .expect(409);
    // 08:25: inside the window; another teacher may not, the owner may.
    app.t.advance(85 * 60);
    app.send(Req::post(&cin).session(&w.other_t))
        .await
        .expect(403);
    let r = app.send(Req::post(&cin).session(&w.teacher_t)).await;
    r.expect(200);
    assert_eq!(r.json()["booking"]["status"], "in_use");
    let at = r.json()["booking"]["checked_in_at"]
        .as_str()
        .expect("a timestamp")
        .to_owned();
    assert_eq!(at, "2026-11-30T08:25:00+07:00");
    // Twice: a conflict, and an in-use booking cannot be cancelled.
    app.send(Req::post(&cin).session(&w.teacher_t))
        .await
        .expect(409);
    app.send(Req::delete(&format!("/api/v1/bookings/{id}")).session(&w.teacher_t))
        .await
        .expect(409);
    // Still in use at 08:50: not released.
    app.t.advance(25 * 60);
    let r = app.send(Req::post(&cout).session(&w.teacher_t)).await;
    r.expect(200);
    assert_eq!(r.json()["booking"]["status"], "returned");
    assert_eq!(
        r.json()["booking"]["checked_out_at"],
        "2026-11-30T08:50:00+07:00"
    );
    app.send(Req::post(&cout).session(&w.teacher_t))
        .await
        .expect(409);
    // A returned booking still holds its period (it was used).
    assert_eq!(live_units(&app, p, TODAY, 3).await, 1);

    // The school's admin checks in for a teacher (09:05, period 4 starts 09:15).
    let id = book(&app, &w.teacher_t, p, TODAY, &[4])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    app.t.advance(15 * 60);
    app.send(Req::post(&format!("/api/v1/bookings/{id}/check-in")).session(&w.admin_t))
        .await
        .expect(200);
    // Hours after its period, a booking nobody picked up is gone: too late to check in.
    let id = book(&app, &w.teacher_t, p, TODAY, &[5])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    app.t.advance(3 * 3600); // 12:05
    app.send(Req::post(&format!("/api/v1/bookings/{id}/check-in")).session(&w.teacher_t))
        .await
        .expect(409);
    assert_eq!(app.t.audit("booking.check_in").await.len(), 2);
    assert_eq!(app.t.audit("booking.check_out").await.len(), 1);
});

http_test!(unused_bookings_are_released, |app| async move {
    let w = world(&app, "TH0001").await;
    let p = projector(&app, &w, "Máy chiếu").await;
    // Release after 20 minutes at this school.
    let grid = app
        .send(Req::get(&format!("/api/v1/schools/{}/periods", w.school)).session(&w.admin_t))
        .await
        .json();
    app.send(
        Req::new(
            Method::PUT,
            &format!("/api/v1/schools/{}/periods", w.school),
        )
        .session(&w.admin_t)
        .json(&json!({"items": grid["items"], "release_after_minutes": 20})),
    )
    .await
    .expect(200);
    // Period 3 (08:35) and period 4 (09:15) today.
    let b3 = book(&app, &w.teacher_t, p, TODAY, &[3])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    let b4 = book(&app, &w.teacher_t, p, TODAY, &[4])
        .await
        .expect(201)
        .json()["booking"]["id"]
        .as_i64()
        .expect("id");
    let status = |id: i64| {
        let app = &app;
        let tok = w.teacher_t.clone();
        async move {
            app.send(Req::get(&format!("/api/v1/bookings/{id}")).session(&tok))
                .await
                .json()["booking"]["status"]
                .as_str()
                .expect("status")
                .to_owned()
        }
    };
    // 08:54: 19 minutes after period 3 started: still held.
    app.t.advance((60 + 54) * 60);
    book(&app, &w.other_t, p, TODAY, &[3]).await.expect(409);
    // 08:55: released; the period is free for someone else at once.
    app.t.advance(60);
    let r = book(&app, &w.other_t, p, TODAY, &[3]).await;
    r.expect(201);
    let late = r.json()["booking"]["id"].as_i64().expect("id");
    assert_eq!(status(b3).await, "released");
    assert_eq!(status(b4).await, "booked");
    app.send(Req::post(&format!("/api/v1/bookings/{b3}/check-in")).session(&w.teacher_t))
        .await
        .expect(409);
    // A booking made after its period began gets its full delay from when it was made (08:55
    // + 20 minutes), not released at the next sweep.
    app.t.advance(19 * 60); // 09:14
    app.send(Req::get("/api/v1/bookings").session(&w.admin_t))
        .await
        .expect(200);
    assert_eq!(status(late).await, "booked");
    assert_eq!(app.t.audit("booking.release").await.len(), 1);

    // The server's own job releases without anyone asking: at 09:40 the late booking (due
    // 09:15) and period 4's (started 09:15, due 09:35).
    app.t.advance(26 * 60);
    let job = server::jobs::spawn_release(app.t.ctx.clone(), Duration::from_millis(20));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The stored state: reads show a due booking as released already, but only the job
        // (or a write) stores it.
        if app.t.audit("booking.release").await.len() == 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job did not release the bookings"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    job.abort();
    assert_eq!(live_units(&app, p, TODAY, 4).await, 0);
    assert_eq!(live_units(&app, p, TODAY, 3).await, 0);
    assert_eq!(app.t.audit("booking.release").await.len(), 3);
});

http_test!(
    recurring_books_free_days_and_lists_the_rest,
    |app| async move {
        let w = world(&app, "TH0001").await;
        let p = projector(&app, &w, "Máy chiếu").await;
        // Five Tuesdays; one taken by someone else, one a holiday.
        book(&app, &w.other_t, p, "2026-12-15", &[3])
            .await
            .expect(201);
        app.send(
            Req::post(&format!("/api/v1/schools/{}/holidays", w.school))
                .session(&w.admin_t)
                .json(&json!({"starts": "2026-12-22", "name": "Ngày Quân đội"})),
        )
        .await
        .expect(201);
        let r = app
        .send(Req::post("/api/v1/bookings/recurring").session(&w.teacher_t).json(&json!({
            "device_id": p, "from": TUESDAY, "until": "2026-12-29", "periods": [3, 4], "note": "Tin học"
        })))
        .await;
        r.expect(201);
        let o = r.json();
        let booked: Vec<&str> = o["booked"]
            .as_array()
            .expect("booked")
            .iter()
            .map(|b| b["date"].as_str().expect("date"))
            .collect();
        assert_eq!(booked, [TUESDAY, "2026-12-08", "2026-12-29"]);
        let series = o["series_id"].as_i64().expect("a series");
        for b in o["booked"].as_array().expect("booked") {
            assert_eq!(b["series_id"], series);
            assert_eq!(b["periods"], json!([3, 4]));
        }
        assert_eq!(
            o["skipped"],
            json!([
                {"date": "2026-12-15", "reason": "taken", "periods": [3]},
                {"date": "2026-12-22", "reason": "holiday", "periods": []},
            ])
        );
        // The bookings are real: the list shows them with their series.
        let r = app
            .send(
                Req::get(&format!("/api/v1/bookings?mine=true&device_id={p}"))
                    .session(&w.teacher_t),
            )
            .await;
        assert_eq!(r.json()["total"], 3);
        // Bad requests: every bad field.
        let r = app
            .send(
                Req::post("/api/v1/bookings/recurring")
                    .session(&w.teacher_t)
                    .json(&json!({
                        "device_id": p, "from": SUNDAY, "until": "2025-01-01", "periods": [1]
                    })),
            )
            .await;
        r.expect(422);
        assert_eq!(fields(&r), ["from", "until", "until"]);
    }
);

http_test!(week_view_and_utilisation, |app| async move {
    let mut w = world(&app, "TH0001").await;
    let p1 = projector(&app, &w, "Máy chiếu 1").await;
    let p2 = projector(&app, &w, "Máy chiếu 2").await;
    let cart = device(
        &app,
        &w,
        json!({"name": "Xe máy tính bảng", "kind": "tablet_cart", "quantity": 30}),
    )
    .await;
    book(&app, &w.teacher_t, p1, TUESDAY, &[2, 3])
        .await
        .expect(201);
    book(&app, &w.other_t, p2, "2026-12-05", &[1])
        .await
        .expect(201);
    app.send(
        Req::post("/api/v1/bookings")
            .session(&w.other_t)
            .json(&json!({"device_id": cart, "date": TUESDAY, "periods": [2], "quantity": 12})),
    )
    .await
    .expect(201);
    let week = format!("/api/v1/schools/{}/week", w.school);

    let r = app
        .send(Req::get(&format!("{week}?date=2026-12-03")).session(&w.teacher_t))
        .await;
    r.expect(200);
    let v = r.json();
    assert_eq!(v["monday"], TODAY);
    assert_eq!(v["today"], TODAY);
    assert_eq!(v["periods"].as_array().expect("periods").len(), 9);
    assert_eq!(v["devices"].as_array().expect("devices").len(), 3);
    let days = v["days"].as_array().expect("days");
    assert_eq!(days.len(), 6, "Monday to Saturday");
    assert_eq!(days[5]["date"], "2026-12-05");
    assert_eq!(days[0]["past"], false);
    // Tuesday, device order: projectors by name, then the cart.
    let tue = &days[1]["cells"];
    assert_eq!(tue[0].as_array().expect("cells").len(), 2);
    assert_eq!(tue[0][0]["period"], 2);
    assert_eq!(tue[0][0]["bookings"][0]["teacher_id"], w.teacher.user_id.0);
    assert_eq!(tue[1], json!([]));
    assert_eq!(tue[2][0]["booked"], 12);
    // Only one kind; one device; the default week is this week.
    let r = app
        .send(Req::get(&format!("{week}?kind=tablet_cart")).session(&w.teacher_t))
        .await;
    assert_eq!(r.json()["devices"].as_array().expect("devices").len(), 1);
    assert_eq!(r.json()["monday"], TODAY);
    let r = app
        .send(Req::get(&format!("{week}?device_id={p2}&date={SUNDAY}")).session(&w.teacher_t))
        .await;
    assert_eq!(r.json()["devices"][0]["id"], p2);
    assert_eq!(r.json()["days"][5]["cells"][0][0]["period"], 1);
    let r = app
        .send(Req::get(&format!("{week}?date=x&kind=y&device_id=z")).session(&w.teacher_t))
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["date", "device_id", "kind"]);
    let mut b = world(&app, "TH0002").await;
    app.send(Req::get(&week).session(&b.teacher_t))
        .await
        .expect(404);
    app.send(
        Req::get(&format!("/api/v1/schools/{}/week?device_id={p1}", b.school)).session(&b.admin_t),
    )
    .await
    .expect(404);

    // Utilisation, after a week: the bookings of Tuesday were never picked up.
    app.t.advance(7 * 24 * 3600);
    w.relogin(&app).await;
    b.relogin(&app).await;
    let u = "/api/v1/utilisation?from=2026-11-30&to=2026-12-06";
    let r = app.send(Req::get(u).session(&w.admin_t)).await;
    r.expect(200);
    let v = r.json();
    assert_eq!(v["from"], TODAY);
    let row = v["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["device_id"] == p1)
        .expect("the projector's row")
        .clone();
    assert_eq!(row["booked"], 2);
    assert_eq!(row["no_show"], 2);
    assert_eq!(row["used"], 0);
    assert_eq!(v["schools"][0]["devices"], 3);
    let kinds: Vec<&str> = v["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| k["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["projector", "tablet_cart"]);
    // CSV in the caller's language; XLSX; both attachments.
    let r = app
        .send(
            Req::get(&format!("{u}&format=csv"))
                .session(&w.admin_t)
                .en(),
        )
        .await;
    r.expect(200);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.header("content-disposition").starts_with("attachment;"));
    assert!(
        r.text()
            .trim_start_matches('\u{feff}')
            .starts_with(t(Lang::En, "report.col.school_code")),
        "{}",
        r.text()
    );
    let r = app
        .send(Req::get(&format!("{u}&format=csv")).session(&w.admin_t))
        .await;
    assert!(
        r.text()
            .trim_start_matches('\u{feff}')
            .starts_with(t(Lang::Vi, "report.col.school_code"))
    );
    let r = app
        .send(Req::get(&format!("{u}&format=xlsx")).session(&w.admin_t))
        .await;
    r.expect(200);
    assert_eq!(
        r.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.header("content-disposition").contains(".xlsx"));
    assert!(r.body.starts_with(b"PK"), "a zip file");
    let r = app
        .send(Req::get(&format!("{u}&format=pdf&kind=ban")).session(&w.admin_t))
        .await;
    r.expect(422);
    assert_eq!(fields(&r), ["format", "kind"]);
    // Teachers have their own bookings instead; another school's admin sees nothing of it.
    app.send(Req::get(u).session(&w.teacher_t))
        .await
        .expect(403);
    app.send(Req::get(&format!("/api/v1/utilisation?school_id={}", w.school)).session(&b.admin_t))
        .await
        .expect(404);
    // The department sees every school.
    let dept = app.t.department().await;
    let dt = app.session(&dept).await;
    let r = app.send(Req::get(u).session(&dt)).await;
    r.expect(200);
    assert_eq!(r.json()["schools"].as_array().expect("schools").len(), 1);
});

/// One round of the race: `n` teachers ask at once for `quantity` units of `device` in one
/// period, while one more books the next period of the same device and one more the same
/// period of another device. Returns the statuses of the `n`.
async fn race_round(
    app: &Arc<App>,
    tokens: &[String],
    device: i64,
    quantity: i64,
    date: &str,
    period: i64,
    bystanders: Option<(i64, &str, &str)>,
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for tok in tokens {
        let app = app.clone();
        let req = Req::post("/api/v1/bookings").session(tok).json(&json!({
            "device_id": device, "date": date, "periods": [period], "quantity": quantity
        }));
        tasks.push(tokio::spawn(async move { app.send(req).await }));
    }
    let mut side = Vec::new();
    if let Some((other_device, tok_adjacent, tok_other)) = bystanders {
        for (dev, p, tok) in [
            (device, period + 1, tok_adjacent),
            (other_device, period, tok_other),
        ] {
            let app = app.clone();
            let req = Req::post("/api/v1/bookings")
                .session(tok)
                .json(&json!({"device_id": dev, "date": date, "periods": [p]}));
            side.push(tokio::spawn(async move { app.send(req).await }));
        }
    }
    let mut statuses = Vec::new();
    for t in tasks {
        let r = t.await.expect("a request task");
        let s = r.status.as_u16();
        assert!(s < 500, "a {s} in the race: {}", r.text());
        if s == 409 {
            let taken = &r.json()["error"]["details"]["taken"];
            assert_eq!(taken[0]["period"], period, "{}", r.text());
            assert_eq!(taken[0]["date"], date);
        }
        statuses.push(s);
    }
    for t in side {
        let r = t.await.expect("a request task");
        r.expect(201);
    }
    statuses
}

/// School days (not Sundays) from Tuesday 2026-12-01 on.
fn school_days(n: usize) -> Vec<String> {
    let mut d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let mut out = Vec::new();
    while out.len() < n {
        if chrono::Datelike::weekday(&d) != chrono::Weekday::Sun {
            out.push(d.to_string());
        }
        d = d.succ_opt().expect("a date");
    }
    out
}

http_test!(the_race_no_double_booking, |app| async move {
    // RELIABILITY.md #1: 50 teachers, 50 sessions, one slot.
    const TEACHERS: usize = 50;
    const ROUNDS: usize = 20;
    let started = Instant::now();
    assert_eq!(app.t.now(), START);
    let w = world(&app, "TH0001").await;
    let p1 = projector(&app, &w, "Máy chiếu 1").await;
    let p2 = projector(&app, &w, "Máy chiếu 2").await;
    let cart = device(
        &app,
        &w,
        json!({"name": "Xe máy tính bảng", "kind": "tablet_cart", "quantity": 30}),
    )
    .await;
    let school = lophoc::ids::SchoolId(w.school);
    let mut tokens = Vec::new();
    for _ in 0..TEACHERS {
        let t = app.t.teacher(school).await;
        tokens.push(app.session(&t).await);
    }
    let app = Arc::new(app);
    let days = school_days(ROUNDS);

    // Tagged device: one winner per round, the bystanders unaffected.
    let mut winners = 0;
    let mut losers = 0;
    for (round, date) in days.iter().enumerate() {
        // Periods 1–8, so the adjacent period (+1) exists.
        let period = (round % 8) as i64 + 1;
        let s = race_round(
            &app,
            &tokens,
            p1,
            1,
            date,
            period,
            Some((p2, w.teacher_t.as_str(), w.other_t.as_str())),
        )
        .await;
        let ok = s.iter().filter(|s| **s == 201).count();
        let conflict = s.iter().filter(|s| **s == 409).count();
        assert_eq!(
            (ok, conflict),
            (1, TEACHERS - 1),
            "round {round} ({date}, period {period}): {s:?}"
        );
        assert_eq!(live_units(&app, p1, date, period).await, 1);
        assert_eq!(live_units(&app, p1, date, period + 1).await, 1);
        assert_eq!(live_units(&app, p2, date, period).await, 1);
        winners += ok;
        losers += conflict;
    }
    println!(
        "{:?} tagged device: {ROUNDS} rounds × {TEACHERS} concurrent requests → {winners} × 201, {losers} × 409, 0 × 5xx",
        app.t.engine
    );

    // A pool of 30: 50 requests for one unit each → exactly 30 granted, never over capacity.
    let mut granted = 0;
    let mut refused = 0;
    for (round, date) in days.iter().take(5).enumerate() {
        let period = 9;
        let s = race_round(&app, &tokens, cart, 1, date, period, None).await;
        let ok = s.iter().filter(|s| **s == 201).count();
        let conflict = s.iter().filter(|s| **s == 409).count();
        assert_eq!((ok, conflict), (30, 20), "pool round {round}: {s:?}");
        assert_eq!(live_units(&app, cart, date, period).await, 30);
        granted += ok;
        refused += conflict;
    }
    // Mixed sizes: 50 requests of 1–3 units; whatever is granted fits in the 30.
    let mut tasks = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let app = app.clone();
        let q = (i % 3) as i64 + 1;
        let req = Req::post("/api/v1/bookings").session(tok).json(&json!({
            "device_id": cart, "date": days[6], "periods": [8, 9], "quantity": q
        }));
        tasks.push(tokio::spawn(async move { (q, app.send(req).await) }));
    }
    let mut units = 0;
    for t in tasks {
        let (q, r) = t.await.expect("a request task");
        assert!(r.status.as_u16() < 500, "{}", r.text());
        if r.status.as_u16() == 201 {
            units += q;
        }
    }
    assert!((28..=30).contains(&units), "granted {units} units of 30");
    assert_eq!(live_units(&app, cart, &days[6], 8).await, units);
    assert_eq!(live_units(&app, cart, &days[6], 9).await, units);
    println!(
        "{:?} pool of 30: 5 rounds × {TEACHERS} concurrent requests → {granted} × 201, {refused} × 409, 0 × 5xx; mixed sizes → {units} of 30 units; {:.1} s",
        app.t.engine,
        started.elapsed().as_secs_f64()
    );
});
