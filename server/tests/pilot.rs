//! The pilot routes over HTTP on both engines (API.md "Pilot"): the shapes of the contract, the
//! exports, enrolment under fifty identical requests at once, bad input (a bad date, a bad flag,
//! a megabyte field, the wrong content type) answered 4xx with nothing written, and who may read
//! which school. The numbers themselves are checked against a hand-computed fixture in
//! `src/services/pilot_tests.rs`.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use axum::http::Method;
use common::{App, Req};
use lophoc::model::SchoolLevel;
use lophoc::services::schools::NewSchool;
use serde_json::{Value, json};

fn put(path: &str) -> Req {
    Req::new(Method::PUT, path)
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["details"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn count(app: &App, table: &str) -> i64 {
    app.t.count(table).await
}

http_test!(pilot_routes_keep_the_contract, |app| async move {
    let a = app.t.school("TH0001").await;
    let b = app
        .t
        .school_with(NewSchool {
            code: "THCS0002".into(),
            name: "Trường THCS Hai".into(),
            level: SchoolLevel::Thcs,
            area: "Xã Hai".into(),
            former_district: None,
            students: 300,
        })
        .await;
    let dept = app.t.department().await;
    let admin_a = app.t.school_admin(a.id).await;
    let dept_s = app.session(&dept).await;
    let admin_s = app.session(&admin_a).await;

    // Anonymous: 401; a school admin: no province view.
    app.send(Req::get("/api/v1/pilot/summary"))
        .await
        .expect(401);
    app.send(Req::get("/api/v1/pilot/summary").session(&admin_s))
        .await
        .expect(403);

    // Enrol A: fifty identical requests at once, one enrolment, one audit record.
    let path = format!("/api/v1/pilot/enrollments/{}", a.id.0);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let router = app.router.clone();
        let r = put(&path)
            .json(&json!({"since": "2026-09-05"}))
            .session(&dept_s);
        set.spawn(async move { common::send_to(router, r).await });
    }
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        assert!(
            r.status.as_u16() == 200 || r.status.as_u16() == 503,
            "{}: {}",
            r.status,
            r.text()
        );
    }
    assert_eq!(count(&app, "pilot_enrollments").await, 1);

    let r = app
        .send(Req::get("/api/v1/pilot/summary").session(&dept_s))
        .await;
    r.expect(200);
    let s = r.json();
    assert_eq!(s["total_schools"], 2);
    assert_eq!(s["counted_schools"], 0);
    assert_eq!(s["percent"], 0.0);
    assert_eq!(s["enrolled_schools"], 1);
    assert_eq!(s["as_of"], "2026-11-30");
    assert_eq!(s["targets"][0]["percent"], 20.0);
    assert_eq!(s["targets"][0]["due"], "2025-12-31");
    let levels: Vec<&str> = s["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["tieu_hoc", "thcs"]);
    for key in ["total", "counted", "percent"] {
        assert!(s["by_level"][0].get(key).is_some(), "{key}");
        assert!(s["by_area"][0].get(key).is_some(), "{key}");
    }

    // The list, and one school's row (the school admin's own only).
    let r = app
        .send(Req::get("/api/v1/pilot/schools?counted=false&order=code").session(&dept_s))
        .await;
    r.expect(200);
    let l = r.json();
    assert_eq!(l["total"], 2);
    let first = &l["items"][0];
    for key in [
        "school_id",
        "code",
        "name",
        "level",
        "area",
        "enrolled",
        "counted",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    let c = &first["criteria"][0];
    for key in ["key", "required", "value", "threshold", "met"] {
        assert!(c.get(key).is_some(), "{key}");
    }
    assert_eq!(c["key"], "enrolled");
    let own = app
        .send(Req::get(&format!("/api/v1/pilot/schools/{}", a.id.0)).session(&admin_s))
        .await;
    own.expect(200);
    assert_eq!(own.json()["code"], "TH0001");
    assert_eq!(own.json()["enrolled"], true);
    app.send(Req::get(&format!("/api/v1/pilot/schools/{}", b.id.0)).session(&admin_s))
        .await
        .expect(404);
    app.send(Req::get("/api/v1/pilot/schools").session(&admin_s))
        .await
        .expect(403);

    // Exports: CSV in the caller's language, XLSX a workbook.
    let r = app
        .send(Req::get("/api/v1/pilot/schools?format=csv").session(&dept_s))
        .await;
    r.expect(200);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.header("content-disposition").contains("attachment"));
    let text = r.text();
    assert!(text.contains("Mã trường"), "{text}");
    assert!(text.contains("TH0001") && text.contains("THCS0002"));
    let r = app
        .send(
            Req::get("/api/v1/pilot/schools?format=csv")
                .session(&dept_s)
                .en(),
        )
        .await;
    assert!(r.text().contains("School code"));
    let r = app
        .send(Req::get("/api/v1/pilot/schools?format=xlsx").session(&dept_s))
        .await;
    r.expect(200);
    assert!(r.body.starts_with(b"PK"));

    // Bad queries: every bad parameter named.
    let r = app
        .send(
            Req::get("/api/v1/pilot/schools?as_of=2099-01-01&counted=maybe&level=x&order=up")
                .session(&dept_s),
        )
        .await;
    r.expect(422);
    let mut f = fields(&r.json());
    f.sort();
    assert_eq!(f, ["counted", "level", "order"]);
    let r = app
        .send(Req::get("/api/v1/pilot/summary?as_of=2099-01-01").session(&dept_s))
        .await;
    r.expect(422);
    assert_eq!(fields(&r.json()), ["as_of"]);

    // Criteria: refused with every field named and nothing stored; a megabyte field refused;
    // accepted and read back.
    let r = app
        .send(
            put("/api/v1/pilot/criteria")
                .json(&json!({"window_days": 2, "criteria": [{"key": "roll_call_on_time_pct", "threshold": -1, "required": true}]}))
                .session(&dept_s),
        )
        .await;
    r.expect(422);
    assert_eq!(fields(&r.json()), ["window_days", "criteria[0].threshold"]);
    let big = "x".repeat(1 << 20);
    let r = app
        .send(
            put("/api/v1/pilot/criteria")
                .json(&json!({"window_days": 30, "criteria": [{"key": big, "threshold": 1, "required": true}]}))
                .session(&dept_s),
        )
        .await;
    assert!([413, 422].contains(&r.status.as_u16()), "{}", r.status);
    assert_eq!(count(&app, "pilot_criteria").await, 0);
    let body = json!({"window_days": 14, "criteria": [
        {"key": "enrolled", "threshold": 1, "required": true},
        {"key": "devices_in_service", "threshold": 1, "required": true},
        {"key": "roll_call_on_time_pct", "threshold": 75, "required": false}
    ]});
    let r = app
        .send(put("/api/v1/pilot/criteria").json(&body).session(&dept_s))
        .await;
    r.expect(200);
    let got = app
        .send(Req::get("/api/v1/pilot/criteria").session(&dept_s))
        .await;
    assert_eq!(got.json()["window_days"], 14);
    assert_eq!(got.json()["criteria"].as_array().unwrap().len(), 3);
    app.send(put("/api/v1/pilot/criteria").json(&body).session(&admin_s))
        .await
        .expect(403);
    let h = app
        .send(Req::get("/api/v1/pilot/criteria/history").session(&dept_s))
        .await;
    assert_eq!(h.json()["items"].as_array().unwrap().len(), 2);

    // Targets.
    let r = app
        .send(
            put("/api/v1/pilot/targets")
                .json(&json!({"items": [{"percent": 20, "due": "2025-12-31"}, {"percent": 30, "due": "2030-12-31"}]}))
                .session(&dept_s),
        )
        .await;
    r.expect(200);
    let t = app
        .send(Req::get("/api/v1/pilot/targets").session(&dept_s))
        .await;
    assert_eq!(t.json()["items"][1]["percent"], 30.0);
    let r = app
        .send(
            put("/api/v1/pilot/targets")
                .json(&json!({"items": [{"percent": 20, "due": "31/12/2025"}]}))
                .session(&dept_s),
        )
        .await;
    r.expect(422);

    // Enrolment by CSV: wrong type 415; a bad line 422 with nothing written; then written.
    app.send(
        Req::post("/api/v1/pilot/enrollments/import")
            .json(&json!({}))
            .session(&dept_s),
    )
    .await
    .expect(415);
    let r = app
        .send(
            Req::post("/api/v1/pilot/enrollments/import")
                .csv("code,since\nTHCS0002,2026-11-02\nNOPE,\n")
                .session(&dept_s),
        )
        .await;
    r.expect(422);
    assert_eq!(count(&app, "pilot_enrollments").await, 1);
    let r = app
        .send(
            Req::post("/api/v1/pilot/enrollments/import")
                .csv("code,since\nTHCS0002,2026-11-02\n")
                .session(&dept_s),
        )
        .await;
    r.expect(200);
    assert_eq!(r.json()["created"], 1);

    // Ending an enrolment: 204, then 404; another body field is refused.
    app.send(
        put(&path)
            .json(&json!({"since": "2026-09-05", "extra": 1}))
            .session(&dept_s),
    )
    .await
    .expect(422);
    app.send(Req::delete(&path).session(&dept_s))
        .await
        .expect(204);
    app.send(Req::delete(&path).session(&dept_s))
        .await
        .expect(404);
    app.send(Req::delete("/api/v1/pilot/enrollments/999999").session(&dept_s))
        .await
        .expect(404);

    // Officers.
    let officer = app.t.department().await;
    let r = app
        .send(
            put(&format!("/api/v1/pilot/officers/{}", officer.user_id.0))
                .json(&json!({"area_id": b.area_id.0}))
                .session(&dept_s),
        )
        .await;
    r.expect(200);
    let officer_s = app.session(&officer).await;
    let s = app
        .send(Req::get("/api/v1/pilot/summary").session(&officer_s))
        .await;
    assert_eq!(s.json()["total_schools"], 1);
    assert_eq!(s.json()["area"], "Xã Hai");
    app.send(
        put(&format!("/api/v1/pilot/officers/{}", admin_a.user_id.0))
            .json(&json!({"area_id": null}))
            .session(&dept_s),
    )
    .await
    .expect(404);
});
