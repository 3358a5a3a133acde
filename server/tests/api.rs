//! The REST API v1 and the pipeline around it, through the same router the binary serves, on
//! SQLite and PostgreSQL (API.md, RELIABILITY.md #4, #5, #7).

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use common::{App, HOST, Req};
use lophoc::i18n::{Lang, t};
use lophoc::model::{Role, SchoolLevel};
use lophoc::services::schools::NewSchool;
use lophoc::services::testing::FIXTURE_PASSWORD;
use serde_json::{Value, json};

fn login_body(username: &str, password: &str) -> Value {
    json!({"username": username, "password": password})
}

fn school_row(
    code: &str,
    name: &str,
    level: SchoolLevel,
    area: &str,
    former: Option<&str>,
) -> NewSchool {
    NewSchool {
        code: code.into(),
        name: name.into(),
        level,
        area: area.into(),
        former_district: former.map(Into::into),
        students: 400,
    }
}

/// Codes of a school list, in order.
fn codes(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["code"].as_str().expect("code").to_owned())
        .collect()
}

http_test!(
    session_lifecycle_kills_the_session_on_the_server,
    |app| async move {
        let school = app.t.school("TH0001").await;
        app.t
            .user_named("co.lan", "Nguyễn Thị Lan", Role::Teacher, Some(school.id))
            .await;
        let r = app
            .send(Req::post("/api/v1/session").json(&login_body("Co.Lan", FIXTURE_PASSWORD)))
            .await;
        r.expect(200);
        assert_eq!(r.json()["user"]["username"], "co.lan");
        assert_eq!(r.json()["user"]["role"], "teacher");
        assert_eq!(r.json()["user"]["school_id"], school.id.0);
        assert_eq!(r.header("cache-control"), "no-store");
        let set_cookie = r.header("set-cookie");
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        let token = r.session_cookie().expect("a session cookie");

        let me = app.send(Req::get("/api/v1/session").session(&token)).await;
        me.expect(200);
        assert_eq!(me.json()["user"]["full_name"], "Nguyễn Thị Lan");

        let out = app
            .send(Req::delete("/api/v1/session").session(&token))
            .await;
        out.expect(204);
        assert!(out.header("set-cookie").contains("Max-Age=0"));

        // The client keeps the old cookie and replays it: the server has forgotten the session.
        let replay = app.send(Req::get("/api/v1/session").session(&token)).await;
        replay.expect(401);
        assert_eq!(replay.code(), "unauthenticated");
        app.send(Req::delete("/api/v1/session").session(&token))
            .await
            .expect(401);
        assert_eq!(
            app.send(Req::get("/api/v1/session"))
                .await
                .expect(401)
                .code(),
            "unauthenticated"
        );
    }
);

http_test!(
    login_failures_look_the_same_and_speak_the_callers_language,
    |app| async move {
        let school = app.t.school("TH0001").await;
        app.t
            .user_named("co.lan", "Nguyễn Thị Lan", Role::Teacher, Some(school.id))
            .await;
        let wrong = app
            .send(Req::post("/api/v1/session").json(&login_body("co.lan", "sai-mat-khau")))
            .await;
        let unknown = app
            .send(Req::post("/api/v1/session").json(&login_body("khong.co.ai", "sai-mat-khau")))
            .await;
        wrong.expect(401);
        unknown.expect(401);
        assert_eq!(
            wrong.body, unknown.body,
            "unknown user and wrong password must answer identically"
        );
        assert!(wrong.session_cookie().is_none());
        assert_eq!(wrong.code(), "invalid_credentials");
        assert_eq!(
            wrong.json()["error"]["message"],
            t(Lang::Vi, "error.invalid_credentials")
        );

        let en = app
            .send(
                Req::post("/api/v1/session")
                    .json(&login_body("co.lan", "sai-mat-khau"))
                    .en(),
            )
            .await;
        en.expect(401);
        assert_eq!(en.json()["error"]["message"], "Wrong username or password.");
        assert_ne!(
            en.json()["error"]["message"],
            wrong.json()["error"]["message"]
        );
        // The language cookie wins over the header.
        let cookie = app
            .send(
                Req::get("/api/v1/session")
                    .header("cookie", "lophoc_lang=en")
                    .header("accept-language", "vi"),
            )
            .await;
        assert_eq!(
            cookie.json()["error"]["message"],
            t(Lang::En, "error.unauthenticated")
        );
        // Bad JSON is an API error too, in the caller's language.
        let bad = app
            .send(
                Req::post("/api/v1/session")
                    .body("application/json", b"{not json")
                    .en(),
            )
            .await;
        bad.expect(422);
        assert_eq!(
            bad.json()["error"]["message"],
            t(Lang::En, "error.bad_json")
        );
    }
);

http_test!(cross_origin_state_changes_are_refused, |app| async move {
    let school = app.t.school("TH0001").await;
    let admin = app.t.school_admin(school.id).await;
    let token = app.session(&admin).await;
    let body = json!({"username": "gv.moi", "full_name": "Giáo Viên Mới", "role": "teacher", "password": "mat-khau-moi-1"});
    let users_before = app.t.count("users").await;

    let r = app
        .send(
            Req::post("/api/v1/users")
                .session(&token)
                .header("sec-fetch-site", "cross-site")
                .json(&body),
        )
        .await;
    r.expect(403);
    assert_eq!(r.code(), "cross_origin");
    let r = app
        .send(
            Req::post("/api/v1/users")
                .session(&token)
                .header("sec-fetch-site", "same-site")
                .json(&body),
        )
        .await;
    assert_eq!(r.expect(403).code(), "cross_origin");
    let r = app
        .send(
            Req::post("/api/v1/users")
                .session(&token)
                .header("origin", "http://evil.example")
                .json(&body),
        )
        .await;
    assert_eq!(r.expect(403).code(), "cross_origin");
    let r = app
        .send(
            Req::post("/api/v1/session")
                .header("origin", "http://evil.example")
                .json(&login_body("x", "y"))
                .en(),
        )
        .await;
    assert_eq!(r.expect(403).code(), "cross_origin");
    assert_eq!(
        r.json()["error"]["message"],
        t(Lang::En, "error.cross_origin")
    );
    // Server functions are behind the same check.
    let r = app
        .send(
            Req::post("/fn/set_lang")
                .header("sec-fetch-site", "cross-site")
                .form(&[("lang", "en")]),
        )
        .await;
    r.expect(403);
    assert_eq!(
        app.t.count("users").await,
        users_before,
        "a refused request changed nothing"
    );

    // The same origin passes, and so does a client that sends neither header.
    let same = Req::post("/api/v1/users")
        .session(&token)
        .header("origin", &format!("http://{HOST}"))
        .header("sec-fetch-site", "same-origin")
        .json(&body);
    app.send(same).await.expect(201);
    let mut other = body.clone();
    other["username"] = json!("gv.moi2");
    app.send(Req::post("/api/v1/users").session(&token).json(&other))
        .await
        .expect(201);
    assert_eq!(app.t.count("users").await, users_before + 2);
    // GET is never refused (and never changes anything).
    app.send(
        Req::get("/api/v1/session")
            .session(&token)
            .header("sec-fetch-site", "cross-site"),
    )
    .await
    .expect(200);
});

http_test!(security_headers_on_api_and_pages, |app| async move {
    for r in [
        app.send(Req::get("/api/v1/session")).await,
        app.send(Req::get("/api/v1/schools")).await,
        app.send(Req::get("/healthz")).await,
    ] {
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert_eq!(r.header("x-frame-options"), "DENY");
        assert!(!r.header("referrer-policy").is_empty());
        let csp = r.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(
            !r.header("x-request-id").is_empty(),
            "every response names its request"
        );
    }
    let page = app.send(Req::get("/login")).await;
    page.expect(200);
    assert!(page.header("content-type").starts_with("text/html"));
    let csp = page.header("content-security-policy");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in the page's CSP: {csp}"));
    assert!(nonce.len() >= 16, "a nonce worth the name: {nonce}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        page.text().contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(page.header("x-frame-options"), "DENY");
    assert!(!page.header("referrer-policy").is_empty());
    // A new nonce for each response.
    let again = app.send(Req::get("/login")).await;
    assert_ne!(again.header("content-security-policy"), csp);
});

http_test!(
    unknown_api_paths_are_json_404_and_health_answers,
    |app| async move {
        for path in [
            "/api/v1/nothing-here",
            "/api/v1/schools/1/nothing",
            "/api/v1/",
            "/api/v1",
            "/api/v2/schools",
        ] {
            let r = app.send(Req::get(path).en()).await;
            r.expect(404);
            assert!(
                r.header("content-type").starts_with("application/json"),
                "{path}: {}",
                r.text()
            );
            assert_eq!(r.code(), "not_found", "{path}");
            assert_eq!(r.json()["error"]["message"], t(Lang::En, "error.not_found"));
        }
        let school = app.t.school("TH0001").await;
        let dept = app.t.department().await;
        let token = app.session(&dept).await;
        // An id that is not even a number names nothing: 404, as JSON.
        assert_eq!(
            app.send(Req::get("/api/v1/schools/abc").session(&token))
                .await
                .expect(404)
                .code(),
            "not_found"
        );
        assert_eq!(
            app.send(Req::get("/api/v1/schools/999999").session(&token))
                .await
                .expect(404)
                .code(),
            "not_found"
        );
        app.send(Req::get(&format!("/api/v1/schools/{}", school.id)).session(&token))
            .await
            .expect(200);
        let h = app.send(Req::get("/healthz")).await;
        h.expect(200);
        assert_eq!(h.json()["database"], "ok");
    }
);

http_test!(openapi_document_lists_every_route, |app| async move {
    let r = app.send(Req::get("/api/v1/openapi.json")).await;
    r.expect(200);
    let doc = r.json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1: {}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut routes: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in ["get", "put", "post", "delete", "patch"] {
            if item.get(m).is_some() {
                routes.push(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    routes.sort();
    let mut expected = vec![
        "GET /areas",
        "GET /schools",
        "GET /schools/{id}",
        "GET /schools/{id}/users",
        "POST /schools/import",
        "GET /session",
        "POST /session",
        "DELETE /session",
        "POST /session/password",
        "POST /users",
        "POST /users/import",
        "GET /users/{id}",
        "PATCH /users/{id}",
        "GET /schools/{id}/devices",
        "POST /schools/{id}/devices",
        "POST /schools/{id}/devices/import",
        "GET /schools/{id}/devices/export",
        "GET /schools/{id}/devices/labels",
        "GET /devices/{id}",
        "PATCH /devices/{id}",
        "GET /devices/{id}/notes",
        "GET /schools/{id}/periods",
        "PUT /schools/{id}/periods",
        "GET /schools/{id}/holidays",
        "POST /schools/{id}/holidays",
        "DELETE /schools/{id}/holidays/{holiday_id}",
        "GET /bookings",
        "POST /bookings",
        "POST /bookings/recurring",
        "GET /bookings/{id}",
        "DELETE /bookings/{id}",
        "POST /bookings/{id}/check-in",
        "POST /bookings/{id}/check-out",
        "GET /schools/{id}/week",
        "GET /utilisation",
        "GET /schools/{id}/classes",
        "POST /schools/{id}/classes",
        "POST /schools/{id}/classes/import",
        "GET /schools/{id}/years",
        "PUT /schools/{id}/years/{name}",
        "GET /classes/{id}",
        "GET /classes/{id}/students",
        "POST /classes/{id}/students/import",
        "POST /students/{id}/move",
        "GET /classes/{id}/timetable",
        "PUT /classes/{id}/timetable",
        "GET /classes/{id}/lessons/{date}/{period}/roll-call",
        "PUT /classes/{id}/lessons/{date}/{period}/roll-call",
        "GET /schools/{id}/attendance/missing",
        "GET /classes/{id}/attendance/summary",
        "GET /schools/{id}/attendance/on-time",
        "GET /me/lessons",
        "GET /attendance/on-time",
        "POST /schools/{id}/timetable/import",
        "GET /classes/{id}/week",
        "GET /materials",
        "POST /materials",
        "GET /materials/{id}",
        "PATCH /materials/{id}",
        "DELETE /materials/{id}",
        "GET /materials/{id}/file",
        "POST /materials/{id}/file",
        "GET /materials/{id}/link",
        "GET /classes/{id}/lessons/{date}/{period}/materials",
        "POST /classes/{id}/lessons/{date}/{period}/materials",
        "DELETE /classes/{id}/lessons/{date}/{period}/materials/{material_id}",
        "GET /schools/{id}/storage",
        "PUT /schools/{id}/storage",
        "GET /pilot/summary",
        "GET /pilot/trend",
        "GET /pilot/schools",
        "GET /pilot/schools/{school_id}",
        "GET /pilot/criteria",
        "PUT /pilot/criteria",
        "GET /pilot/criteria/history",
        "PUT /pilot/enrollments/{school_id}",
        "DELETE /pilot/enrollments/{school_id}",
        "POST /pilot/enrollments/import",
        "GET /pilot/targets",
        "PUT /pilot/targets",
        "GET /pilot/officers",
        "PUT /pilot/officers/{user_id}",
        "GET /classes/{id}/substitutes",
        "POST /classes/{id}/substitutes",
        "DELETE /classes/{id}/substitutes/{sid}",
        "GET /classes/{id}/lessons/{date}/{period}/log",
        "PUT /classes/{id}/lessons/{date}/{period}/log",
        "POST /classes/{id}/lessons/{date}/{period}/log/sign",
        "GET /classes/{id}/log",
        "POST /classes/{id}/log/weeks/{monday}/close",
        "POST /classes/{id}/log/corrections",
        "POST /classes/{id}/log/corrections/{cid}/approve",
        "GET /schools/{id}/log/verify",
        "GET /log/on-time",
    ];
    expected.sort();
    assert_eq!(routes, expected);
    // Every documented route is served: none falls through to the 404 fallback.
    for route in &routes {
        let (m, p) = route.split_once(' ').expect("method and path");
        let p = format!(
            "/api/v1{}",
            p.replace("{id}", "1")
                .replace("{holiday_id}", "1")
                .replace("{material_id}", "1")
                .replace("{school_id}", "1")
                .replace("{user_id}", "1")
                .replace("{sid}", "1")
                .replace("{cid}", "1")
                .replace("{monday}", "2026-11-30")
                .replace("{date}", "2026-11-30")
                .replace("{period}", "1")
                .replace("{name}", "2026-2027")
        );
        let res = app.send(Req::new(m.parse().expect("a method"), &p)).await;
        assert_ne!(
            res.status.as_u16(),
            404,
            "{route} is documented but not served"
        );
        assert_ne!(
            res.status.as_u16(),
            405,
            "{route} is documented but not served"
        );
    }
    for schema in [
        "UserDto",
        "NewUserBody",
        "SchoolDto",
        "SchoolList",
        "ImportResult",
        "AccountDto",
        "UserPatch",
        "DeviceDto",
        "NewDeviceBody",
        "DevicePatchBody",
        "PeriodGridDto",
        "PeriodGridBody",
        "HolidayDto",
        "BookingDto",
        "BookingBody",
        "BookingConflictBody",
        "RecurringOutcomeDto",
        "WeekViewDto",
        "UtilisationDto",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "schema {schema} documented"
        );
    }
});

http_test!(users_create, |app| async move {
    let a = app.t.school("TH0001").await;
    let b = app.t.school("TH0002").await;
    let admin = app.t.school_admin(a.id).await;
    let token = app.session(&admin).await;
    let before = app.t.count("users").await;

    let body = json!({"username": "Co.Hoa", "full_name": "  Trần Thị Hoa ", "role": "teacher", "password": "mat-khau-hoa-1"});
    let r = app
        .send(Req::post("/api/v1/users").session(&token).json(&body))
        .await;
    r.expect(201);
    let u = &r.json()["user"];
    assert_eq!(u["username"], "co.hoa");
    assert_eq!(u["full_name"], "Trần Thị Hoa");
    assert_eq!(u["role"], "teacher");
    assert_eq!(
        u["school_id"], a.id.0,
        "a school admin's teacher belongs to their school"
    );
    assert!(u["id"].as_i64().is_some());
    assert_eq!(app.t.audit("user.create").await.len(), 1);
    // The new teacher can log in.
    app.send(Req::post("/api/v1/session").json(&login_body("co.hoa", "mat-khau-hoa-1")))
        .await
        .expect(200);

    // Taken username → 409 naming the field.
    let r = app
        .send(Req::post("/api/v1/users").session(&token).json(&body).en())
        .await;
    r.expect(409);
    assert_eq!(r.code(), "conflict");
    assert_eq!(r.json()["error"]["details"][0]["field"], "username");
    assert_eq!(
        r.json()["error"]["details"][0]["message"],
        t(Lang::En, "error.username_taken")
    );

    // Every bad field at once.
    let r = app
        .send(Req::post("/api/v1/users").session(&token).json(
            &json!({"username": "x", "full_name": "", "role": "hieu_truong", "password": "short"}),
        ))
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    let mut fields: Vec<String> = r.json()["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["field"].as_str().expect("field").to_owned())
        .collect();
    fields.sort();
    assert_eq!(fields, ["full_name", "password", "role", "username"]);
    // A missing body field is a missing value, reported with the rest.
    let r = app
        .send(Req::post("/api/v1/users").session(&token).json(&json!({})))
        .await;
    r.expect(422);
    assert!(
        r.json()["error"]["details"]
            .as_array()
            .expect("details")
            .len()
            >= 3
    );

    // Not theirs to create: another school's teacher, a department account.
    let other = json!({"username": "gv.b", "full_name": "Giáo Viên B", "role": "teacher", "school_id": b.id.0, "password": "mat-khau-b-123"});
    assert_eq!(
        app.send(Req::post("/api/v1/users").session(&token).json(&other))
            .await
            .expect(403)
            .code(),
        "forbidden"
    );
    let dept = json!({"username": "so.gd", "full_name": "Sở Giáo Dục", "role": "department", "password": "mat-khau-so-1"});
    app.send(Req::post("/api/v1/users").session(&token).json(&dept))
        .await
        .expect(403);
    // A teacher creates nobody; nobody logged in is asked to log in first, whatever the body.
    let teacher = app.t.teacher(a.id).await;
    let tt = app.session(&teacher).await;
    app.send(Req::post("/api/v1/users").session(&tt).json(&other))
        .await
        .expect(403);
    app.send(Req::post("/api/v1/users").json(&other))
        .await
        .expect(401);
    app.send(Req::post("/api/v1/users").body("application/json", b"{oops"))
        .await
        .expect(401);
    // JSON only.
    app.send(
        Req::post("/api/v1/users")
            .session(&token)
            .body("text/plain", b"hello"),
    )
    .await
    .expect(415);
    assert_eq!(
        app.t.count("users").await,
        before + 2,
        "only the one new teacher (and the teacher fixture)"
    );

    // The department creates school admins; sysadmins anyone.
    let d = app.t.department().await;
    let dt = app.session(&d).await;
    let sa = json!({"username": "hieu.truong.b", "full_name": "Hiệu Trưởng B", "role": "school_admin", "school_id": b.id.0, "password": "mat-khau-ht-1"});
    assert_eq!(
        app.send(Req::post("/api/v1/users").session(&dt).json(&sa))
            .await
            .expect(201)
            .json()["user"]["school_id"],
        b.id.0
    );
    let s = app.t.sysadmin().await;
    let st = app.session(&s).await;
    app.send(Req::post("/api/v1/users").session(&st).json(&other))
        .await
        .expect(201);
    // A school-scoped role needs a school; the department's does not take one.
    let r = app
        .send(Req::post("/api/v1/users").session(&st).json(&json!({"username": "gv.c", "full_name": "Giáo Viên C", "role": "teacher", "password": "mat-khau-c-123"})))
        .await;
    assert_eq!(
        r.expect(422).json()["error"]["details"][0]["field"],
        "school_id"
    );
});

http_test!(users_import, |app| async move {
    let a = app.t.school("TH0001").await;
    app.t.school("TH0002").await;
    let admin = app.t.school_admin(a.id).await;
    let token = app.session(&admin).await;
    let before = app.t.count("users").await;
    let csv = "username,full_name,role,school_code,password\n\
               gv.an,Lê Văn An,teacher,TH0001,mat-khau-an-1\n\
               gv.binh,Phạm Thị Bình,teacher,,mat-khau-binh-1\n";
    let r = app
        .send(Req::post("/api/v1/users/import").session(&token).csv(csv))
        .await;
    r.expect(200);
    assert_eq!(r.json(), json!({"created": 2, "updated": 0}));
    assert_eq!(app.t.count("users").await, before + 2);
    // Re-importing the same file changes nothing.
    let r = app
        .send(
            Req::post("/api/v1/users/import")
                .session(&token)
                .body("text/csv; charset=utf-8", csv.as_bytes()),
        )
        .await;
    assert_eq!(r.expect(200).json(), json!({"created": 0, "updated": 0}));
    app.send(Req::post("/api/v1/session").json(&login_body("gv.binh", "mat-khau-binh-1")))
        .await
        .expect(200);

    // Bad lines: every one listed with its line number (header = 1, the blank line counts),
    // nothing written, not even the good line.
    let bad = "username,full_name,role,school_code,password\n\
               gv.chi,Đỗ Thị Chi,teacher,TH0001,mat-khau-chi-1\n\
               \n\
               x,Tên,teacher,TH0001,short\n\
               gv.dung,Vũ Dũng,teacher,TH0002,mat-khau-dung-1\n\
               gv.em,Hoàng Em,teacher,KHONGCO,mat-khau-em-12\n";
    let r = app
        .send(
            Req::post("/api/v1/users/import")
                .session(&token)
                .csv(bad)
                .en(),
        )
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    let mut lines: Vec<i64> = r.json()["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["line"].as_i64().expect("line"))
        .collect();
    lines.dedup();
    assert_eq!(lines, [4, 5, 6], "{}", r.text());
    assert!(
        r.json()["error"]["details"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(app.t.count("users").await, before + 2, "nothing written");

    // Not CSV → 415; a teacher → 403; nobody → 401.
    let r = app
        .send(
            Req::post("/api/v1/users/import")
                .session(&token)
                .body("application/json", csv.as_bytes()),
        )
        .await;
    assert_eq!(r.expect(415).code(), "unsupported_media_type");
    app.send(
        Req::post("/api/v1/users/import")
            .session(&token)
            .body("text/plain", csv.as_bytes()),
    )
    .await
    .expect(415);
    app.send(Req::post("/api/v1/users/import").session(&token))
        .await
        .expect(415);
    let teacher = app.t.teacher(a.id).await;
    let tt = app.session(&teacher).await;
    app.send(Req::post("/api/v1/users/import").session(&tt).csv(csv))
        .await
        .expect(403);
    app.send(Req::post("/api/v1/users/import").csv(csv))
        .await
        .expect(401);
    // A wrong header is line 1.
    let r = app
        .send(
            Req::post("/api/v1/users/import")
                .session(&token)
                .csv("ten,ho\na,b\n"),
        )
        .await;
    assert_eq!(r.expect(422).json()["error"]["details"][0]["line"], 1);
});

http_test!(users_list_get_and_patch, |app| async move {
    let a = app.t.school("TH0001").await;
    let b = app.t.school("TH0002").await;
    let admin = app.t.school_admin(a.id).await;
    let token = app.session(&admin).await;
    let lan = app
        .t
        .user_named("co.lan", "Nguyễn Thị Lan", Role::Teacher, Some(a.id))
        .await;
    app.t
        .user_named("thay.duc", "Trịnh Văn Đức", Role::Teacher, Some(a.id))
        .await;
    let other = app
        .t
        .user_named("co.mai", "Lý Thị Mai", Role::Teacher, Some(b.id))
        .await;

    let r = app
        .send(Req::get(&format!("/api/v1/schools/{}/users", a.id)).session(&token))
        .await;
    r.expect(200);
    assert_eq!(r.json()["total"], 3);
    let r = app
        .send(Req::get(&format!("/api/v1/schools/{}/users?role=teacher", a.id)).session(&token))
        .await;
    assert_eq!(r.expect(200).json()["total"], 2);
    let r = app
        .send(Req::get(&format!("/api/v1/schools/{}/users?q=DUC", a.id)).session(&token))
        .await;
    let j = r.expect(200).json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["items"][0]["username"], "thay.duc");
    assert_eq!(j["items"][0]["active"], true);
    assert!(
        j["items"][0]["created_at"]
            .as_str()
            .is_some_and(|s| s.contains('T'))
    );
    let r = app
        .send(Req::get(&format!("/api/v1/schools/{}/users?role=hieu_truong", a.id)).session(&token))
        .await;
    assert_eq!(r.expect(422).json()["error"]["details"][0]["field"], "role");
    // Another school's list does not exist for them.
    app.send(Req::get(&format!("/api/v1/schools/{}/users", b.id)).session(&token))
        .await
        .expect(404);

    // One account.
    let r = app
        .send(Req::get(&format!("/api/v1/users/{}", lan.user_id)).session(&token))
        .await;
    assert_eq!(r.expect(200).json()["user"]["username"], "co.lan");
    app.send(Req::get(&format!("/api/v1/users/{}", other.user_id)).session(&token))
        .await
        .expect(404);
    app.send(Req::get("/api/v1/users/99999").session(&token))
        .await
        .expect(404);

    // Disabling ends the teacher's sessions at once.
    let lan_token = app.session(&lan).await;
    app.send(Req::get("/api/v1/session").session(&lan_token))
        .await
        .expect(200);
    let r = app
        .send(
            Req::patch(&format!("/api/v1/users/{}", lan.user_id))
                .session(&token)
                .json(&json!({"active": false})),
        )
        .await;
    assert_eq!(r.expect(200).json()["user"]["active"], false);
    app.send(Req::get("/api/v1/session").session(&lan_token))
        .await
        .expect(401);
    app.send(Req::post("/api/v1/session").json(&login_body("co.lan", FIXTURE_PASSWORD)))
        .await
        .expect(401);
    let r = app
        .send(
            Req::patch(&format!("/api/v1/users/{}", lan.user_id))
                .session(&token)
                .json(&json!({"active": true})),
        )
        .await;
    assert_eq!(r.expect(200).json()["user"]["active"], true);
    app.send(Req::post("/api/v1/session").json(&login_body("co.lan", FIXTURE_PASSWORD)))
        .await
        .expect(200);

    // A new password: the old one stops working, the sessions end.
    let lan_token = app.session(&lan).await;
    let r = app
        .send(
            Req::patch(&format!("/api/v1/users/{}", lan.user_id))
                .session(&token)
                .json(&json!({"password": "mat-khau-moi-99"})),
        )
        .await;
    r.expect(200);
    app.send(Req::get("/api/v1/session").session(&lan_token))
        .await
        .expect(401);
    app.send(Req::post("/api/v1/session").json(&login_body("co.lan", FIXTURE_PASSWORD)))
        .await
        .expect(401);
    app.send(Req::post("/api/v1/session").json(&login_body("co.lan", "mat-khau-moi-99")))
        .await
        .expect(200);
    assert_eq!(app.t.audit("user.reset_password").await.len(), 1);

    // Bad changes.
    let p = format!("/api/v1/users/{}", lan.user_id);
    let r = app
        .send(Req::patch(&p).session(&token).json(&json!({})))
        .await;
    assert_eq!(r.expect(422).code(), "validation");
    let r = app
        .send(
            Req::patch(&p)
                .session(&token)
                .json(&json!({"password": "ngan"})),
        )
        .await;
    assert_eq!(
        r.expect(422).json()["error"]["details"][0]["field"],
        "password"
    );
    app.send(
        Req::patch(&p)
            .session(&token)
            .json(&json!({"active": "no"})),
    )
    .await
    .expect(422);
    app.send(
        Req::patch(&format!("/api/v1/users/{}", admin.user_id))
            .session(&token)
            .json(&json!({"active": false})),
    )
    .await
    .expect(403);
    // Another school's teacher, and anonymous.
    app.send(
        Req::patch(&format!("/api/v1/users/{}", other.user_id))
            .session(&token)
            .json(&json!({"active": false})),
    )
    .await
    .expect(404);
    app.send(Req::patch(&p).json(&json!({"active": false})))
        .await
        .expect(401);
    let r = app
        .send(Req::get(&format!("/api/v1/users/{}", other.user_id)))
        .await;
    assert_eq!(r.expect(401).code(), "unauthenticated");
    // A sysadmin cannot disable themselves.
    let s = app.t.sysadmin().await;
    let st = app.session(&s).await;
    app.send(
        Req::patch(&format!("/api/v1/users/{}", s.user_id))
            .session(&st)
            .json(&json!({"active": false})),
    )
    .await
    .expect(422);
    app.send(Req::get("/api/v1/session").session(&st))
        .await
        .expect(200);
});

/// Schools of two wards, with and without diacritics to find.
async fn registry(app: &App) {
    app.t
        .schools(&[
            school_row(
                "TH0101",
                "Trường Tiểu học Đống Đa",
                SchoolLevel::TieuHoc,
                "Phường Đống Đa",
                Some("Quận Đống Đa"),
            ),
            school_row(
                "THCS0102",
                "Trường THCS Láng Thượng",
                SchoolLevel::Thcs,
                "Phường Đống Đa",
                None,
            ),
            school_row(
                "MN0103",
                "Trường Mầm non Hoa Sen",
                SchoolLevel::MamNon,
                "Xã Đông Tiến",
                None,
            ),
            school_row(
                "THPT0104",
                "Trường THPT Đông Sơn",
                SchoolLevel::Thpt,
                "Xã Đông Tiến",
                Some("Huyện Đông Sơn"),
            ),
        ])
        .await;
}

http_test!(schools_list_search_filter_and_get, |app| async move {
    registry(&app).await;
    let dept = app.t.department().await;
    let dt = app.session(&dept).await;
    let get = |q: &str| app.send(Req::get(&format!("/api/v1/schools{q}")).session(&dt));

    let all = get("").await;
    let j = all.expect(200).json();
    assert_eq!(j["total"], 4);
    assert_eq!(codes(&j), ["MN0103", "TH0101", "THCS0102", "THPT0104"]);
    let s = &j["items"][1];
    let keys: std::collections::BTreeSet<&str> = s
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "id",
        "code",
        "name",
        "level",
        "area",
        "former_district",
        "students",
        "pilot",
    ] {
        assert!(keys.contains(k), "school has {k}: {s}");
    }
    assert_eq!(s["name"], "Trường Tiểu học Đống Đa");
    assert_eq!(s["level"], "tieu_hoc");
    assert_eq!(s["area"], "Phường Đống Đa");
    assert_eq!(s["former_district"], "Quận Đống Đa");
    assert_eq!(s["students"], 400);
    assert_eq!(s["pilot"], json!({"enrolled": false, "since": null}));

    // Diacritics and case ignored; every word must match.
    assert_eq!(
        codes(&get("?q=dong%20da").await.expect(200).json()),
        ["TH0101", "THCS0102"]
    );
    assert_eq!(
        codes(
            &get("?q=%C4%90%E1%BB%91ng%20%C4%91a")
                .await
                .expect(200)
                .json()
        ),
        ["TH0101", "THCS0102"]
    ); // "Đống đa"
    assert_eq!(
        codes(&get("?q=dong+tien").await.expect(200).json()),
        ["MN0103", "THPT0104"]
    );
    assert_eq!(
        codes(&get("?q=dong%20da%20lang").await.expect(200).json()),
        ["THCS0102"]
    );
    assert_eq!(
        get("?q=dong%20khongco").await.expect(200).json()["total"],
        0
    );
    assert_eq!(
        codes(&get("?q=th0101").await.expect(200).json()),
        ["TH0101"]
    );
    // Filters, paging.
    assert_eq!(
        codes(&get("?level=thcs").await.expect(200).json()),
        ["THCS0102"]
    );
    assert_eq!(
        codes(&get("?area=xa%20dong%20tien").await.expect(200).json()),
        ["MN0103", "THPT0104"]
    );
    let area_id = s["area_id"].as_i64().expect("area_id");
    assert_eq!(
        codes(
            &get(&format!("?area={area_id}&level=tieu_hoc"))
                .await
                .expect(200)
                .json()
        ),
        ["TH0101"]
    );
    let page = get("?limit=2&offset=1").await.expect(200).json();
    assert_eq!(codes(&page), ["TH0101", "THCS0102"]);
    assert_eq!(page["total"], 4, "total counts every match, not the page");
    // Bad parameters: 422 naming each.
    let r = get("?level=dai_hoc&limit=abc").await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    let details = r.json()["error"]["details"].clone();
    let fields: Vec<&str> = details
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fields, ["level", "limit"]);

    // One school; the areas.
    let id = s["id"].as_i64().expect("id");
    let one = app
        .send(Req::get(&format!("/api/v1/schools/{id}")).session(&dt))
        .await;
    assert_eq!(one.expect(200).json()["school"]["code"], "TH0101");
    let areas = app
        .send(Req::get("/api/v1/areas").session(&dt))
        .await
        .expect(200)
        .json();
    assert_eq!(areas["total"], 2);
    assert_eq!(areas["items"][0]["name"], "Phường Đống Đa");
    assert_eq!(areas["items"][0]["schools"], 2);

    // A teacher sees only their school: in the list, and by id.
    let teacher = app.t.teacher(lophoc::ids::SchoolId(id)).await;
    let tt = app.session(&teacher).await;
    let mine = app
        .send(Req::get("/api/v1/schools?q=dong").session(&tt))
        .await
        .expect(200)
        .json();
    assert_eq!(codes(&mine), ["TH0101"]);
    assert_eq!(mine["total"], 1);
    let other_id = j["items"][0]["id"].as_i64().expect("id");
    app.send(Req::get(&format!("/api/v1/schools/{other_id}")).session(&tt))
        .await
        .expect(404);
    app.send(Req::get(&format!("/api/v1/schools/{id}")).session(&tt))
        .await
        .expect(200);
    app.send(Req::get("/api/v1/areas").session(&tt))
        .await
        .expect(403);
    app.send(Req::get("/api/v1/schools")).await.expect(401);
});

http_test!(schools_import_all_or_nothing, |app| async move {
    let dept = app.t.department().await;
    let dt = app.session(&dept).await;
    let good = "\u{feff}code;name;level;area;former_district;students\r\n\
                TH0201;Trường Tiểu học Nguyễn Trãi;Tiểu học;Phường Hạc Thành;Thành phố Thanh Hóa;812\r\n\
                THCS0202;Trường THCS Trần Phú;thcs;Phường Hạc Thành;;640\r\n\
                MN0203;Trường Mầm non Bình Minh;mam_non;Xã Quảng Phú;Huyện Quảng Xương;210\r\n";
    let r = app
        .send(Req::post("/api/v1/schools/import").session(&dt).csv(good))
        .await;
    assert_eq!(r.expect(200).json(), json!({"created": 3, "updated": 0}));
    assert_eq!(app.t.count("schools").await, 3);
    let again = app
        .send(Req::post("/api/v1/schools/import").session(&dt).csv(good))
        .await;
    assert_eq!(
        again.expect(200).json(),
        json!({"created": 0, "updated": 0}),
        "re-importing changes nothing"
    );
    let changed = good.replace(";640", ";650");
    let r = app
        .send(
            Req::post("/api/v1/schools/import")
                .session(&dt)
                .csv(&changed),
        )
        .await;
    assert_eq!(r.expect(200).json(), json!({"created": 0, "updated": 1}));
    let found = app
        .send(Req::get("/api/v1/schools?q=tran%20phu").session(&dt))
        .await
        .expect(200)
        .json();
    assert_eq!(found["items"][0]["students"], 650);
    assert_eq!(found["items"][0]["level"], "thcs");

    // Bad lines (the header is line 1; the blank line 4 still counts): each listed, nothing
    // written — not the good lines, not the new area.
    let bad = "code,name,level,area,former_district,students\n\
               TH0301,Trường Tiểu học Mới,tieu_hoc,Xã Mới,,300\n\
               TH0302,Trường Sai Cấp,dai_hoc,Xã Mới,,300\n\
               \n\
               TH0303,Trường Số Âm,thcs,Xã Mới,,-5\n\
               TH0301,Trùng Mã,thcs,Xã Mới,,10\n\
               TH0305,Thiếu Cột,thcs\n";
    let areas_before = app.t.count("areas").await;
    let r = app
        .send(
            Req::post("/api/v1/schools/import")
                .session(&dt)
                .csv(bad)
                .en(),
        )
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    let details = r.json()["error"]["details"]
        .as_array()
        .expect("details")
        .clone();
    let lines: Vec<i64> = details
        .iter()
        .map(|d| d["line"].as_i64().expect("line"))
        .collect();
    assert_eq!(lines, [3, 5, 6, 7], "{}", r.text());
    assert!(
        details[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("level")),
        "{}",
        details[0]
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains('4')),
        "{}",
        r.text()
    );
    assert_eq!(app.t.count("schools").await, 3, "nothing written");
    assert_eq!(app.t.count("areas").await, areas_before, "nothing written");

    // Only the department and sysadmins; CSV only.
    let school = app.t.school("TH0999").await;
    let admin = app.t.school_admin(school.id).await;
    let at = app.session(&admin).await;
    app.send(
        Req::post("/api/v1/schools/import")
            .session(&at)
            .csv(&changed),
    )
    .await
    .expect(403);
    app.send(Req::post("/api/v1/schools/import").csv(&changed))
        .await
        .expect(401);
    let r = app
        .send(
            Req::post("/api/v1/schools/import")
                .session(&dt)
                .body("application/vnd.ms-excel", changed.as_bytes()),
        )
        .await;
    assert_eq!(r.expect(415).code(), "unsupported_media_type");
    let r = app
        .send(Req::post("/api/v1/schools/import").session(&dt).csv(""))
        .await;
    assert_eq!(r.expect(422).json()["error"]["details"][0]["line"], 1);
});
