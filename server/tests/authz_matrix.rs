//! The authorization matrix (RELIABILITY.md #3): every route of the router × every role × own
//! school / other school, on SQLite and PostgreSQL.
//!
//! The list of routes is not written here: it is read from the router itself — the generated
//! OpenAPI document (paths × methods) and the Leptos server functions registered under `/fn/`
//! — so a route added to the code and not to [`TABLE`] fails this test with its name.
//! A row of the table that names no route fails too (a stale row).
//!
//! # Adding a route or a server function
//! Add one [`Row`] to [`TABLE`]:
//! - `route`: `"METHOD /api/v1/path/{param}"` exactly as the OpenAPI document spells it (under
//!   the `/api/v1` server), or `"POST /fn/<endpoint>"` for a server function;
//! - `id`: what `{id}` stands for ([`Id::School`] the school of the scope, [`Id::User`] a teacher
//!   of that school, [`Id::None`]); add a variant for a new kind of resource;
//! - `body`: a function building the request body for an actor and scope. For anything that
//!   changes data, send a body that WOULD change data if it were accepted, so that a denial
//!   is checked to have changed nothing (see [`fingerprint`]);
//! - `expect`: `"anonymous | teacher | school_admin | department | sysadmin"`; each part is one
//!   status class for both scopes, or two (`own other`). Classes: `2xx`, `3xx`, or an exact
//!   status (`401`, `403`, `404`, `422`, …). "Own" is school A, the school of the teacher and the
//!   school admin; "other" is school B. For the department and sysadmins both are just schools.
//! - `ends_session`: true when a success ends the caller's session (logins, logouts); the
//!   harness then opens a new one for the next case.

#[macro_use]
mod common;

use axum::http::Method;
use common::{App, Req, Resp};
use lophoc::ids::{SchoolId, UserId};
use lophoc::model::{Actor, Role};
use lophoc::services::testing::FIXTURE_PASSWORD;
use serde_json::{Value, json};
use sqlx::Row as _;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Teacher,
    SchoolAdmin,
    Department,
    Sysadmin,
}

const WHO: [Who; 5] = [
    Who::Anonymous,
    Who::Teacher,
    Who::SchoolAdmin,
    Who::Department,
    Who::Sysadmin,
];

/// Which school the request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    Other,
}

/// What `{id}` in a path stands for.
#[derive(Debug, Clone, Copy)]
enum Id {
    /// The path has no `{id}`.
    None,
    /// The scope's school.
    School,
    /// A teacher of the scope's school (not one of the actors).
    User,
}

/// A request body.
enum Payload {
    None,
    Json(Value),
    Csv(String),
    Form(Vec<(&'static str, String)>),
    /// `multipart/form-data` with one file part: (part name, file content).
    Multipart(&'static str, String),
}

/// One route's expectations.
struct Row {
    route: &'static str,
    id: Id,
    body: fn(&Fixture, Scope, u32) -> Payload,
    expect: &'static str,
    ends_session: bool,
}

/// The world the matrix runs in.
struct Fixture {
    school: [(SchoolId, String); 2],
    target: [UserId; 2],
}

impl Fixture {
    fn school(&self, s: Scope) -> &(SchoolId, String) {
        &self.school[s as usize]
    }
}

fn none(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::None
}

/// The login of the account kept for login rows (never one of the actors).
fn login_json(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Json(json!({"username": "dang.nhap", "password": FIXTURE_PASSWORD}))
}

fn login_form(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Form(vec![
        ("username", "dang.nhap".into()),
        ("password", FIXTURE_PASSWORD.into()),
    ])
}

fn new_teacher(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Json(json!({
        "username": format!("moi.{n}"), "full_name": "Giáo Viên Mới", "role": "teacher",
        "school_id": f.school(s).0.0, "password": "mat-khau-moi-1",
    }))
}

fn teacher_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "username,full_name,role,school_code,password\nnhap.{n},Giáo Viên Nhập,teacher,{},mat-khau-nhap-1\n",
        f.school(s).1
    ))
}

fn disable(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Json(json!({"active": false}))
}

fn school_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "code,name,level,area,former_district,students\n{},Trường Tiểu học Sửa {n},tieu_hoc,Phường Thử Nghiệm,,{}\n",
        f.school(s).1,
        600 + n
    ))
}

fn lang_form(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Form(vec![("lang", "en".into())])
}

fn school_id_form(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Form(vec![("id", f.school(s).0.0.to_string())])
}

fn school_code_form(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Form(vec![("school_code", f.school(s).1.clone())])
}

fn teacher_form(_: &Fixture, _: Scope, n: u32) -> Payload {
    // A school admin's teacher: the school is the caller's own.
    Payload::Form(vec![
        ("full_name", "Giáo Viên Mới".into()),
        ("username", format!("form.{n}")),
        ("password", "mat-khau-moi-1".into()),
    ])
}

fn account_form(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Form(vec![
        ("full_name", "Hiệu Trưởng Mới".into()),
        ("username", format!("ht.{n}")),
        ("role", "school_admin".into()),
        ("school_code", f.school(s).1.clone()),
        ("password", "mat-khau-moi-1".into()),
    ])
}

fn disable_form(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Form(vec![
        ("user_id", f.target[s as usize].0.to_string()),
        ("active", "false".into()),
    ])
}

fn password_form(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Form(vec![
        ("user_id", f.target[s as usize].0.to_string()),
        ("password", "mat-khau-dat-lai-1".into()),
    ])
}

fn teacher_csv_upload(f: &Fixture, s: Scope, n: u32) -> Payload {
    match teacher_csv(f, s, n) {
        Payload::Csv(c) => Payload::Multipart("file", c),
        _ => unreachable!(),
    }
}

fn school_csv_upload(f: &Fixture, s: Scope, n: u32) -> Payload {
    match school_csv(f, s, n) {
        Payload::Csv(c) => Payload::Multipart("file", c),
        _ => unreachable!(),
    }
}

/// Every route. Order matters only where a row changes what a later one sees (none do today:
/// targets are never actors, new usernames are unique).
const TABLE: &[Row] = &[
    // --- REST API v1 -------------------------------------------------------------------------
    Row {
        route: "POST /api/v1/session",
        id: Id::None,
        body: login_json,
        ends_session: true,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/session",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "DELETE /api/v1/session",
        id: Id::None,
        body: none,
        ends_session: true,
        expect: "401 | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /api/v1/users",
        id: Id::None,
        body: new_teacher,
        ends_session: false,
        expect: "401 | 403 403 | 2xx 403 | 403 403 | 2xx 2xx",
    },
    // A line the actor may not import is a bad line (422, nothing written), like any other.
    Row {
        route: "POST /api/v1/users/import",
        id: Id::None,
        body: teacher_csv,
        ends_session: false,
        expect: "401 | 403 403 | 2xx 422 | 422 422 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/users/{id}",
        id: Id::User,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 2xx 2xx",
    },
    Row {
        route: "PATCH /api/v1/users/{id}",
        id: Id::User,
        body: disable,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/users",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx 2xx | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/schools/import",
        id: Id::None,
        body: school_csv,
        ends_session: false,
        expect: "401 | 403 403 | 403 403 | 2xx 2xx | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/areas",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
    // Served outside the documented API, public by design.
    Row {
        route: "GET /api/v1/openapi.json",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /healthz",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    // --- Leptos server functions, called as the hydrated UI calls them (a form body, no
    // `Accept: text/html`, so a redirect is a 2xx with a redirect header). Their own school is
    // the caller's; ids travel in the body. The school admin's teacher pages have no "other
    // school" (their school is implied), hence `2xx 2xx`; a sysadmin has no school to add a
    // teacher to (422).
    Row {
        route: "POST /fn/whoami",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/login",
        id: Id::None,
        body: login_form,
        ends_session: true,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/logout",
        id: Id::None,
        body: none,
        ends_session: true,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/set_lang",
        id: Id::None,
        body: lang_form,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/school_summary",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/get_school",
        id: Id::None,
        body: school_id_form,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_areas",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/import_schools",
        id: Id::None,
        body: school_csv_upload,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_teachers",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 2xx 2xx | 403 | 403",
    },
    Row {
        route: "POST /fn/create_teacher",
        id: Id::None,
        body: teacher_form,
        ends_session: false,
        expect: "401 | 403 | 2xx 2xx | 403 | 422",
    },
    Row {
        route: "POST /fn/set_user_active",
        id: Id::None,
        body: disable_form,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 2xx",
    },
    Row {
        route: "POST /fn/reset_user_password",
        id: Id::None,
        body: password_form,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 2xx",
    },
    Row {
        route: "POST /fn/import_users",
        id: Id::None,
        body: teacher_csv_upload,
        ends_session: false,
        expect: "401 | 403 | 2xx 422 | 422 | 2xx",
    },
    Row {
        route: "POST /fn/list_department_accounts",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_school_admins",
        id: Id::None,
        body: school_code_form,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/create_account",
        id: Id::None,
        body: account_form,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx",
    },
];

/// Routes the router serves outside the OpenAPI document and the server functions.
const UNDOCUMENTED: [&str; 2] = ["GET /api/v1/openapi.json", "GET /healthz"];

/// The expected class of `who` in `scope` for a row.
fn expected(row: &Row, who: Who, scope: Scope) -> &'static str {
    let parts: Vec<&str> = row.expect.split('|').map(str::trim).collect();
    assert_eq!(
        parts.len(),
        5,
        "{}: `expect` needs 5 parts separated by |",
        row.route
    );
    let i = WHO.iter().position(|w| *w == who).expect("a role");
    let cells: Vec<&str> = parts[i].split_whitespace().collect();
    match (cells.as_slice(), scope) {
        ([one], _) => one,
        ([own, _], Scope::Own) => own,
        ([_, other], Scope::Other) => other,
        _ => panic!("{}: bad expectation {:?}", row.route, parts[i]),
    }
}

/// A status in the table's notation.
fn class_of(status: u16) -> String {
    match status {
        200..=299 => "2xx".into(),
        300..=399 => "3xx".into(),
        s => s.to_string(),
    }
}

fn matches(class: &str, status: u16) -> bool {
    match class {
        "2xx" => (200..300).contains(&status),
        "3xx" => (300..400).contains(&status),
        exact => exact.parse::<u16>().is_ok_and(|s| s == status),
    }
}

/// Every (method, path) the router serves: the OpenAPI document, the server functions, and
/// [`UNDOCUMENTED`].
async fn served_routes(app: &App) -> BTreeSet<String> {
    let doc = app
        .send(Req::get("/api/v1/openapi.json"))
        .await
        .expect(200)
        .json();
    let base = doc["servers"][0]["url"]
        .as_str()
        .expect("the document names its base path")
        .to_owned();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("a path item") {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.insert(format!("{} {base}{path}", method.to_uppercase()));
            }
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        out.insert(format!("{method} {path}"));
    }
    out.extend(UNDOCUMENTED.iter().map(|s| s.to_string()));
    out
}

/// Everything a denied request must leave as it was: every row of every table except the
/// session and audit tables (a denial may be audited; reading refreshes a session). New tables
/// are included automatically.
async fn fingerprint(app: &App) -> String {
    let pool = &app.t.ctx.db.pool;
    let tables_sql = match app.t.engine {
        lophoc::services::Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        lophoc::services::Engine::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY table_name"
        }
    };
    let tables: Vec<String> = sqlx::query(tables_sql)
        .fetch_all(pool)
        .await
        .expect("listing tables")
        .iter()
        .map(|r| r.try_get::<String, _>("name").expect("a table name"))
        .filter(|t| !["sessions", "audit_log", "_sqlx_migrations"].contains(&t.as_str()))
        .collect();
    assert!(
        tables.iter().any(|t| t == "users"),
        "found the tables: {tables:?}"
    );
    let mut out = String::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table} ORDER BY 1"))
            .fetch_all(pool)
            .await
            .expect("reading a table");
        let _ = writeln!(out, "[{table}] {}", rows.len());
        for r in &rows {
            for i in 0..r.len() {
                let cell = r
                    .try_get::<Option<i64>, _>(i)
                    .map(|v| format!("{v:?}"))
                    .or_else(|_| r.try_get::<Option<i32>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| r.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| r.try_get::<Option<f64>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| r.try_get::<Option<bool>, _>(i).map(|v| format!("{v:?}")))
                    .or_else(|_| r.try_get::<Option<Vec<u8>>, _>(i).map(|v| format!("{v:?}")))
                    .unwrap_or_else(|e| panic!("cannot read column {i} of {table}: {e}"));
                out.push_str(&cell);
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

fn build(row: &Row, fx: &Fixture, scope: Scope, n: u32) -> Req {
    let (method, template) = row.route.split_once(' ').expect("METHOD /path");
    let method: Method = method.parse().expect("a method");
    let id = match row.id {
        Id::None => None,
        Id::School => Some(fx.school(scope).0.0),
        Id::User => Some(fx.target[scope as usize].0),
    };
    let path = match id {
        Some(id) => template.replace("{id}", &id.to_string()),
        None => {
            assert!(
                !template.contains('{'),
                "{}: say what the path parameter stands for (`id`)",
                row.route
            );
            template.to_owned()
        }
    };
    let req = Req::new(method, &path);
    match (row.body)(fx, scope, n) {
        Payload::None => req,
        Payload::Json(v) => req.json(&v),
        Payload::Csv(s) => req.csv(&s),
        Payload::Form(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            req.form(&pairs)
        }
        Payload::Multipart(name, content) => {
            let boundary = "lophoc-matrix-boundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"import.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
            );
            req.body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
        }
    }
}

http_test!(every_route_every_role, |app| async move {
    // The world: two schools, an actor of every role (teacher and school admin of school A),
    // a teacher of each school as the target of account routes, an account for login rows.
    let a = app.t.school("TH-A").await;
    let b = app.t.school("TH-B").await;
    let fx = Fixture {
        school: [(a.id, a.code.clone()), (b.id, b.code.clone())],
        target: [
            app.t
                .user_named("muc.tieu.a", "Mục Tiêu A", Role::Teacher, Some(a.id))
                .await
                .user_id,
            app.t
                .user_named("muc.tieu.b", "Mục Tiêu B", Role::Teacher, Some(b.id))
                .await
                .user_id,
        ],
    };
    app.t
        .user_named("dang.nhap", "Đăng Nhập", Role::Teacher, Some(a.id))
        .await;
    let actors: Vec<(Who, Option<Actor>)> = vec![
        (Who::Anonymous, None),
        (Who::Teacher, Some(app.t.teacher(a.id).await)),
        (Who::SchoolAdmin, Some(app.t.school_admin(a.id).await)),
        (Who::Department, Some(app.t.department().await)),
        (Who::Sysadmin, Some(app.t.sysadmin().await)),
    ];

    // 1. The table covers exactly the routes the router serves.
    let served = served_routes(&app).await;
    let tabled: BTreeSet<String> = TABLE.iter().map(|r| r.route.to_owned()).collect();
    assert_eq!(tabled.len(), TABLE.len(), "a route appears twice in TABLE");
    let missing: Vec<&String> = served.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes served but missing from the authorization matrix (add a Row to TABLE in {}): {missing:#?}",
        file!()
    );
    let stale: Vec<&String> = tabled.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "rows of TABLE for routes the router does not serve: {stale:#?}"
    );

    // 2. Every row × role × scope. With LOPHOC_MATRIX_PRINT=1 the statuses seen are printed in
    // the table's notation instead of checked: a start for a new row, to be reviewed line by
    // line against API.md "Roles" before it goes into the table.
    let print = std::env::var("LOPHOC_MATRIX_PRINT").is_ok_and(|v| v == "1");
    let mut seen: Vec<(&str, Vec<String>)> = Vec::new();
    let mut failures = Vec::new();
    let mut n = 0u32;
    let mut cases = 0;
    for row in TABLE {
        let mutates = !row.route.starts_with("GET ");
        let mut row_seen = Vec::new();
        for (who, actor) in &actors {
            for scope in [Scope::Own, Scope::Other] {
                n += 1;
                cases += 1;
                let want = expected(row, *who, scope);
                let token = match actor {
                    Some(a) => Some(app.session(a).await),
                    None => None,
                };
                let mut req = build(row, &fx, scope, n);
                if let Some(t) = &token {
                    req = req.session(t);
                }
                let before = fingerprint(&app).await;
                let res: Resp = app.send(req).await;
                let status = res.status.as_u16();
                let label = format!("{} as {who:?} ({scope:?} school)", row.route);
                row_seen.push(class_of(status));
                if print {
                    continue;
                }
                if !matches(want, status) {
                    failures.push(format!(
                        "{label}: expected {want}, got {status}: {}",
                        res.text()
                    ));
                    continue;
                }
                if status >= 400 {
                    if row.route.contains(" /api/") {
                        let code = res.json()["error"]["code"].as_str().map(str::to_owned);
                        if code.is_none() {
                            failures.push(format!(
                                "{label}: an error without an API error body: {}",
                                res.text()
                            ));
                        }
                    }
                    if fingerprint(&app).await != before {
                        failures.push(format!("{label}: denied ({status}) but data changed"));
                    }
                } else if !mutates && fingerprint(&app).await != before {
                    failures.push(format!("{label}: a GET changed data"));
                }
                if !row.ends_session
                    && let Some(t) = &token
                {
                    // The caller's session survives anything but a login or logout.
                    let me = app.send(Req::get("/api/v1/session").session(t)).await;
                    if me.status.as_u16() != 200 {
                        failures.push(format!("{label}: the caller's session died"));
                    }
                }
            }
        }
        seen.push((row.route, row_seen));
    }
    if print {
        for (route, classes) in &seen {
            let parts: Vec<String> = classes
                .chunks(2)
                .map(|c| {
                    if c[0] == c[1] {
                        c[0].clone()
                    } else {
                        format!("{} {}", c[0], c[1])
                    }
                })
                .collect();
            println!("{route:<45} expect: \"{}\"", parts.join(" | "));
        }
        return;
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases, TABLE.len() * 10);
});
