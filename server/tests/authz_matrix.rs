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
//! - `expect`: `"anonymous | teacher | school_admin | department | officer | sysadmin"`; each
//!   part is one status class for both scopes, or two (`own other`). Classes: `2xx`, `3xx`, or
//!   an exact status (`401`, `403`, `404`, `422`, …). "Own" is school A, the school of the
//!   teacher and the school admin, and in the area officer's area; "other" is school B, in
//!   another area. For the province-wide department and sysadmins both are just schools.
//! - `ends_session`: true when a success ends the caller's session (logins, logouts); the
//!   harness then opens a new one for the next case.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use axum::http::Method;
use common::{App, Req, Resp};
use lophoc::bookings::BookingRequest;
use lophoc::classes::ClassInput;
use lophoc::devices::DeviceInput;
use lophoc::ids::{DeviceId, SchoolId, UserId};
use lophoc::materials::MaterialForm;
use lophoc::model::{Actor, Role};
use lophoc::periods::HolidayInput;
use lophoc::services::classes::{self, NewStudent};
use lophoc::services::testing::FIXTURE_PASSWORD;
use lophoc::services::{bookings, devices, periods, timetable};
use lophoc::timetable::{TimetableInput, TimetableItemInput};
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
    /// A department account scoped to school A's area (school B is in another area).
    Officer,
    Sysadmin,
}

const WHO: [Who; 6] = [
    Who::Anonymous,
    Who::Teacher,
    Who::SchoolAdmin,
    Who::Department,
    Who::Officer,
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
    /// A tagged device of the scope's school.
    Device,
    /// A booking made afresh for the case by the scope's target teacher (today, period 1, one
    /// unit of the scope's pool), so every case acts on a live booking.
    Booking,
    /// Like [`Id::Booking`], checked in.
    BookingInUse,
    /// `{id}` the scope's school and `{holiday_id}` a holiday of it made afresh for the case.
    Holiday,
    /// A class of the scope's school (5A1, with students and a Monday timetable); in a lesson
    /// path, `{date}` is the fixed clock's Monday and `{period}` 1, a lesson of that class.
    Class,
    /// A student of the scope's school who is moved between its two classes.
    Student,
    /// A file material of the scope's school (scope `school`, owned by the lesson teacher),
    /// made afresh for the case.
    Material,
    /// A link material like [`Id::Material`].
    MaterialLink,
    /// `{id}` the scope's class 5A1 and `{material_id}` the fixture's material attached to its
    /// Monday lesson.
    ClassMaterial,
    /// Like [`Id::Class`], the class's substitutions removed first (a new one is assigned to
    /// its Monday lesson on every case).
    ClassNoSubstitutes,
    /// `{id}` the scope's class 5A1 and `{sid}` a substitution of its Monday lesson made afresh
    /// for the case (the others removed).
    Substitute,
    /// `{id}` the scope's class 5A1 and `{cid}` a correction of its Monday lesson's class-log
    /// entry (signed by the lesson teacher first), filed afresh for the case, not approved.
    Correction,
    /// `{school_id}` the scope's school (the pilot routes name it so).
    PilotSchool,
    /// `{school_id}` the scope's school, enrolled afresh for the case.
    PilotEnrolled,
    /// `{user_id}` a department officer made afresh for the case (not one of the actors).
    Officer,
}

/// A request body.
enum Payload {
    None,
    Json(Value),
    Csv(String),
    Form(Vec<(&'static str, String)>),
    /// `multipart/form-data` with one file part: (part name, file content).
    Multipart(&'static str, String),
    /// A server function's arguments, as a form body: fields, and fields that take the case's
    /// path parameters (`("school", "{id}")`), since a server function takes its ids in the
    /// body.
    Args(
        Vec<(&'static str, String)>,
        &'static [(&'static str, &'static str)],
    ),
    /// `multipart/form-data` of text parts only (a plain form with `enctype` multipart), plus
    /// parts that take the case's path parameters.
    MultipartFields(
        Vec<(String, String)>,
        &'static [(&'static str, &'static str)],
    ),
    /// `multipart/form-data` of text parts and one file part: (fields, file name, content).
    Upload(Vec<(&'static str, String)>, &'static str, String),
    /// [`Payload::Multipart`] with text parts that take the case's path parameters, as in
    /// [`Payload::Args`].
    MultipartArgs(
        &'static str,
        String,
        &'static [(&'static str, &'static str)],
    ),
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
    /// A tagged device of each school.
    device: [i64; 2],
    /// A pool of 500 units of each school (every booking row books one unit).
    pool: [i64; 2],
    /// A sysadmin (not one of the actors) who makes the fresh holidays.
    owner: Actor,
    /// Each school's class 5A1 and a second class 5A2.
    class: [i64; 2],
    other_class: [i64; 2],
    /// A student of each school's 5A1 (roll calls) and one moved between the classes.
    student: [i64; 2],
    mover: [i64; 2],
    /// The teacher of each 5A1's Monday lesson (not the account rows' target, which they
    /// disable).
    lesson_teacher: [UserId; 2],
    /// A province-wide material of each school's lesson teacher, attached to its 5A1's Monday
    /// lesson.
    material: [i64; 2],
    /// A teacher of each school who stands in for the lesson teacher (the substitutes rows).
    substitute: [UserId; 2],
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

/// The scope's school renamed, in its own area (the officer's area must keep school A only).
fn school_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "code,name,level,area,former_district,students\n{},Trường Tiểu học Sửa {n},tieu_hoc,{},,{}\n",
        f.school(s).1,
        AREAS[s as usize],
        600 + n
    ))
}

/// The areas of schools A and B.
const AREAS: [&str; 2] = ["Phường Thử Nghiệm", "Xã Bên Kia"];

/// A password change with a wrong current password: refused (422) for everyone signed in, so it
/// changes nothing whoever asks.
fn wrong_password_change_json(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Json(json!({"current_password": "not-the-password", "new_password": "mat-khau-moi-2"}))
}

fn wrong_password_change_form(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Form(vec![
        ("current_password", "not-the-password".into()),
        ("new_password", "mat-khau-moi-2".into()),
    ])
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

fn new_device(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"name": format!("Máy chiếu mới {n}"), "kind": "projector"}))
}

fn device_csv(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "name,kind,serial,room,quantity\nMáy chiếu nhập {n},projector,NHAP-{n},,1\n"
    ))
}

fn device_room(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"room": format!("Phòng {n}")}))
}

/// A grid that keeps every period (so no booking is orphaned) and changes the release rule.
fn period_grid(_: &Fixture, _: Scope, n: u32) -> Payload {
    let items: Vec<Value> = (0..10)
        .map(|i| {
            let start = if i < 5 {
                7 * 60 + i * 50
            } else {
                13 * 60 + (i - 5) * 50
            };
            json!({
                "number": i + 1,
                "session": if i < 5 { "morning" } else { "afternoon" },
                "starts": format!("{:02}:{:02}", start / 60, start % 60),
                "ends": format!("{:02}:{:02}", (start + 45) / 60, (start + 45) % 60),
            })
        })
        .collect();
    Payload::Json(json!({"items": items, "release_after_minutes": 20 + n % 200}))
}

fn holiday(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"starts": "2027-06-01", "name": format!("Nghỉ {n}")}))
}

/// One unit of the scope's pool on Tuesday 2026-12-01, period 1.
fn booking(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Json(json!({"device_id": f.pool[s as usize], "date": "2026-12-01", "periods": [1]}))
}

/// The day the fixed clock stands on (Monday), a lesson day of the fixture's classes.
const LESSON_DATE: &str = "2026-11-30";

fn new_class(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"name": format!("6A{n}"), "grade": 6, "school_year": "2026-2027"}))
}

fn class_csv(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "name,grade,school_year,homeroom_username\n7A{n},7,2026-2027,\n"
    ))
}

fn year_dates(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({
        "starts": format!("2026-09-{:02}", 1 + n % 7), "term2_starts": "2027-01-11", "ends": "2027-05-31",
    }))
}

fn roster_csv(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "code,full_name,gender,birth_date\nNHAP{n},Học Sinh Nhập,Nam,01/02/2016\n"
    ))
}

fn move_to_other_class(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Json(json!({"class_id": f.other_class[s as usize]}))
}

/// The scope's 5A1 timetable: Monday period 1 (the lesson of the roll-call rows) and a
/// Tuesday period that differs per case.
fn timetable_json(f: &Fixture, s: Scope, n: u32) -> Payload {
    let t = f.lesson_teacher[s as usize].0;
    Payload::Json(json!({"items": [
        {"weekday": 1, "period": 1, "subject": "toan", "teacher_id": t},
        {"weekday": 2, "period": 1 + n % 5, "subject": "tieng_viet", "teacher_id": t},
    ]}))
}

/// The scope's student marked late, with a note that differs per case.
fn log_json(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"title": format!("Bài {n}"), "ppct": n % 900 + 1, "grade": "B"}))
}

fn correction_json(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({
        "date": LESSON_DATE, "period": 1, "reason": format!("Ghi nhầm {n}"),
        "title": format!("Bài sửa {n}")
    }))
}

fn roll_call_json(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Json(json!({"entries": [
        {"student_id": f.student[s as usize], "status": "late", "note": format!("Muộn {n}")},
    ]}))
}

fn fn_roll_call_view(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![("date", LESSON_DATE.into()), ("period", "1".into())],
        &[("class", "{id}")],
    )
}

fn fn_take_roll_call(f: &Fixture, s: Scope, n: u32) -> Payload {
    let student = f.student[s as usize];
    Payload::MultipartFields(
        vec![
            ("date".into(), LESSON_DATE.into()),
            ("period".into(), "1".into()),
            (format!("s{student}"), "excused".into()),
            (format!("n{student}"), format!("Ốm {n}")),
        ],
        &[("class", "{id}")],
    )
}

/// The scope's substitute for 5A1's Monday lesson, with a reason that differs per case.
fn substitute_json(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Json(json!({
        "from": LESSON_DATE, "period": 1, "substitute_id": f.substitute[s as usize],
        "reason": format!("Ốm {n}"),
    }))
}

fn fn_assign_substitute(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("from", "30/11/2026".into()),
            ("to", String::new()),
            ("period", "1".into()),
            ("teacher", String::new()),
            ("substitute", f.substitute[s as usize].0.to_string()),
            ("reason", format!("Ốm {n}")),
        ],
        &[("class", "{id}")],
    )
}

fn fn_remove_substitute(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("class", "{id}"), ("id", "{sid}")])
}

fn fn_missing(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("week", "true".into()), ("date", String::new())], &[])
}

/// A new timetable for the scope's 5A2 (5A1's Monday lesson stays), its teacher by username.
fn timetable_csv(_: &Fixture, s: Scope, n: u32) -> Payload {
    let who = ["day.a", "day.b"][s as usize];
    Payload::Csv(format!(
        "class,day,period,subject,teacher\n5A2,Thứ 3,{},toan,{who}\n",
        1 + n % 5
    ))
}

fn timetable_csv_upload(f: &Fixture, s: Scope, n: u32) -> Payload {
    match timetable_csv(f, s, n) {
        Payload::Csv(c) => Payload::Multipart("file", c),
        _ => unreachable!(),
    }
}

fn class_csv_upload(f: &Fixture, s: Scope, n: u32) -> Payload {
    match class_csv(f, s, n) {
        Payload::Csv(c) => Payload::Multipart("file", c),
        _ => unreachable!(),
    }
}

fn roster_csv_upload(f: &Fixture, s: Scope, n: u32) -> Payload {
    match roster_csv(f, s, n) {
        Payload::Csv(c) => Payload::MultipartArgs("file", c, &[("class", "{id}")]),
        _ => unreachable!(),
    }
}

/// A small PDF: the bytes a material row stores (the department has no school: `province`).
fn material_upload(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Upload(
        vec![
            ("title", format!("Học liệu {n}")),
            ("subject", "toan".into()),
            ("grade", "6".into()),
            ("scope", "province".into()),
        ],
        "bai.pdf",
        format!("%PDF-1.4\n% {n}\n%%EOF\n"),
    )
}

fn material_file(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Upload(vec![], "ban-moi.pdf", format!("%PDF-1.4\n% moi {n}\n"))
}

fn material_patch(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"title": format!("Đổi tên {n}")}))
}

fn attach_material(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Json(json!({"material_id": f.material[s as usize]}))
}

fn storage_quota(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"quota_bytes": 1_000_000_000 + n as i64}))
}

fn fn_material_library(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![("q", "hoc lieu".into()), ("mine", "false".into())],
        &[],
    )
}

fn fn_material(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("id", "{id}")])
}

fn fn_material_version(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::MultipartArgs(
        "file",
        format!("%PDF-1.4\n% ban {n}\n"),
        &[("material", "{id}")],
    )
}

fn fn_update_material(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("title", format!("Sửa tên {n}")),
            ("subject", "toan".into()),
            ("grade", "6".into()),
            ("scope", "school".into()),
        ],
        &[("id", "{id}")],
    )
}

/// The scope's fixture material and its 5A1's Monday lesson, as the material page's form
/// names a lesson.
fn fn_lesson_material(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![
            ("material", f.material[s as usize].to_string()),
            ("lesson", format!("{}_{LESSON_DATE}_1", f.class[s as usize])),
        ],
        &[],
    )
}

fn fn_quota(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![("quota_mb", format!("{}", 1000 + n))],
        &[("school", "{id}")],
    )
}

fn fn_year(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("year", String::new())], &[])
}

fn fn_new_class(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("name", format!("8A{n}")),
            ("grade", "8".into()),
            ("school_year", "2026-2027".into()),
            ("homeroom", String::new()),
        ],
        &[],
    )
}

fn fn_year_dates(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("name", "2026-2027".into()),
            ("starts", format!("{:02}/09/2026", 1 + n % 7)),
            ("term2_starts", "11/01/2027".into()),
            ("ends", "31/05/2027".into()),
        ],
        &[],
    )
}

fn fn_class(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("date", String::new())], &[("class", "{id}")])
}

fn fn_class_range(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![("from", String::new()), ("to", String::new())],
        &[("class", "{id}")],
    )
}

fn fn_lesson_log(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("date", LESSON_DATE.into()),
            ("period", "1".into()),
            ("title", format!("Bài {n}")),
            ("ppct", (n % 900 + 1).to_string()),
            ("remarks", String::new()),
            ("grade", "B".into()),
            ("sign", "1".into()),
        ],
        &[("class", "{id}")],
    )
}

fn fn_log_correction(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("date", LESSON_DATE.into()),
            ("period", "1".into()),
            ("reason", format!("Ghi nhầm {n}")),
            ("title", format!("Bài sửa {n}")),
            ("ppct", String::new()),
            ("remarks", String::new()),
            ("grade", String::new()),
        ],
        &[("class", "{id}")],
    )
}

fn fn_log_week(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("week", String::new())], &[("class", "{id}")])
}

fn fn_close_log_week(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("monday", LESSON_DATE.into())], &[("class", "{id}")])
}

fn fn_approve_log_correction(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("class", "{id}"), ("id", "{cid}")])
}

fn fn_range(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("from", String::new()), ("to", String::new())], &[])
}

fn fn_new_student(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("code", format!("TAY{n}")),
            ("full_name", "Học Sinh Thêm".into()),
            ("gender", "Nữ".into()),
            ("birth_date", "01/02/2016".into()),
        ],
        &[("class", "{id}")],
    )
}

/// The timetable page's grid with [`timetable_json`]'s cells.
fn fn_timetable_grid(_: &Fixture, s: Scope, n: u32) -> Payload {
    let who = ["day.a", "day.b"][s as usize];
    let p = 1 + n % 5;
    Payload::MultipartFields(
        vec![
            ("from".into(), String::new()),
            ("s1-1".into(), "Toán".into()),
            ("t1-1".into(), who.into()),
            (format!("s2-{p}"), "tieng_viet".into()),
            (format!("t2-{p}"), who.into()),
        ],
        &[("class", "{id}")],
    )
}

fn fn_move(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![
            ("to", f.other_class[s as usize].to_string()),
            ("from", String::new()),
        ],
        &[("student", "{id}")],
    )
}

fn recurring(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Json(json!({
        "device_id": f.pool[s as usize], "from": "2026-12-02", "until": "2026-12-16", "periods": [2],
    }))
}

// --- Bodies of the inventory and periods server functions (app/src/serverfns/devices.rs,
// periods.rs): the school, device, booking or holiday is the case's path parameter.

fn fn_school(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("school", "{id}")])
}

fn fn_device(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("id", "{id}")])
}

fn fn_new_device(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("name", format!("Máy chiếu biểu mẫu {n}")),
            ("kind", "projector".into()),
            ("serial", String::new()),
            ("room", String::new()),
            ("quantity", "1".into()),
        ],
        &[("school", "{id}")],
    )
}

fn fn_edit_device(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("name", "Máy chiếu".into()),
            ("kind", "projector".into()),
            ("serial", String::new()),
            ("room", format!("Phòng {n}")),
            ("quantity", "1".into()),
            ("status", "available".into()),
            ("note", format!("Kiểm tra {n}")),
        ],
        &[("id", "{id}")],
    )
}

fn fn_device_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    match device_csv(f, s, n) {
        Payload::Csv(c) => Payload::MultipartArgs("file", c, &[("school", "{id}")]),
        _ => unreachable!(),
    }
}

fn fn_booking(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("booking", "{id}")])
}

/// The grid form: every period kept (so no booking is orphaned), a new release rule.
fn fn_period_form(_: &Fixture, _: Scope, n: u32) -> Payload {
    const FIELDS: [[&str; 3]; 10] = [
        ["rows[0][session]", "rows[0][starts]", "rows[0][ends]"],
        ["rows[1][session]", "rows[1][starts]", "rows[1][ends]"],
        ["rows[2][session]", "rows[2][starts]", "rows[2][ends]"],
        ["rows[3][session]", "rows[3][starts]", "rows[3][ends]"],
        ["rows[4][session]", "rows[4][starts]", "rows[4][ends]"],
        ["rows[5][session]", "rows[5][starts]", "rows[5][ends]"],
        ["rows[6][session]", "rows[6][starts]", "rows[6][ends]"],
        ["rows[7][session]", "rows[7][starts]", "rows[7][ends]"],
        ["rows[8][session]", "rows[8][starts]", "rows[8][ends]"],
        ["rows[9][session]", "rows[9][starts]", "rows[9][ends]"],
    ];
    let mut fields = vec![("release_after_minutes", (20 + n % 200).to_string())];
    for (i, [session, starts, ends]) in FIELDS.into_iter().enumerate() {
        let start = if i < 5 {
            7 * 60 + i * 50
        } else {
            13 * 60 + (i - 5) * 50
        };
        let hhmm = |m: usize| format!("{:02}:{:02}", m / 60, m % 60);
        fields.push((session, if i < 5 { "morning" } else { "afternoon" }.into()));
        fields.push((starts, hhmm(start)));
        fields.push((ends, hhmm(start + 45)));
    }
    Payload::Args(fields, &[("school", "{id}")])
}

fn fn_holiday(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("starts", "2027-06-01".into()),
            ("ends", String::new()),
            ("name", format!("Nghỉ biểu mẫu {n}")),
        ],
        &[("school", "{id}")],
    )
}

fn fn_remove_holiday(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![("name", "Nghỉ thử".into())],
        &[("school", "{id}"), ("id", "{holiday_id}")],
    )
}

// --- Bookings UI server functions (app/src/serverfns/bookings.rs) ---------------------------

/// One unit of the scope's pool on Thursday 2026-12-03, period 3, as the booking form posts it.
fn fn_book(f: &Fixture, s: Scope, _: u32) -> Payload {
    Payload::Form(vec![
        ("device_id", f.pool[s as usize].to_string()),
        ("date", "2026-12-03".into()),
        ("periods[]", "3".into()),
        ("quantity", "1".into()),
        ("note", String::new()),
        ("until", String::new()),
    ])
}

fn fn_week_of_device(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("device", "{id}")])
}

fn fn_cancel(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![], &[("id", "{id}")])
}

// --- Pilot REST bodies ------------------------------------------------------------------

fn rest_pilot_criteria(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"window_days": 30, "criteria": [
        {"key": "enrolled", "threshold": 1, "required": true},
        {"key": "roll_call_on_time_pct", "threshold": 50 + (n % 40), "required": true}
    ]}))
}

fn rest_pilot_targets(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"items": [{"percent": 10 + (n % 80), "due": "2030-12-31"}]}))
}

fn rest_enrol(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Json(json!({"since": format!("2026-10-{:02}", 1 + n % 28)}))
}

fn rest_enrol_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Csv(format!(
        "code,since\n{},2026-10-{:02}\n",
        f.school(s).1,
        1 + n % 28
    ))
}

fn rest_officer_area(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Json(json!({"area_id": null}))
}

// --- Pilot server functions (app/src/serverfns/pilot.rs) ----------------------------------

fn fn_pilot_candidates(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("q", "TH".into())], &[])
}

fn fn_pilot_school(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("as_of", String::new())], &[("school", "{id}")])
}

/// The criteria form: a window and thresholds that differ per case.
fn fn_pilot_criteria(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("window_days", (28 + n % 30).to_string()),
            ("crit[0][key]", "devices_in_service".into()),
            ("crit[0][threshold]", (1 + n % 5).to_string()),
            ("crit[0][required]", "on".into()),
            ("crit[1][key]", "roll_call_on_time_pct".into()),
            ("crit[1][threshold]", format!("{},5", 60 + n % 30)),
        ],
        &[],
    )
}

fn fn_pilot_targets(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![
            ("rows[0][percent]", (20 + n % 50).to_string()),
            ("rows[0][due]", "31/12/2027".into()),
        ],
        &[],
    )
}

fn fn_pilot_enrol(_: &Fixture, _: Scope, n: u32) -> Payload {
    Payload::Args(
        vec![("since", format!("{:02}/09/2026", 1 + n % 28))],
        &[("school", "{id}")],
    )
}

fn fn_pilot_unenrol(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(
        vec![("name", "Trường".into())],
        &[("school", "{school_id}")],
    )
}

fn fn_pilot_csv(f: &Fixture, s: Scope, n: u32) -> Payload {
    Payload::Multipart(
        "file",
        format!("code,since\n{},{:02}/10/2026\n", f.school(s).1, 1 + n % 28),
    )
}

/// The case's officer (scoped to an area) given the whole province again.
fn fn_officer_area(_: &Fixture, _: Scope, _: u32) -> Payload {
    Payload::Args(vec![("area", String::new())], &[("user", "{user_id}")])
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
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/session",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "DELETE /api/v1/session",
        id: Id::None,
        body: none,
        ends_session: true,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /api/v1/session/password",
        id: Id::None,
        body: wrong_password_change_json,
        ends_session: false,
        expect: "401 | 422 | 422 | 422 | 422 | 422",
    },
    Row {
        route: "POST /api/v1/users",
        id: Id::None,
        body: new_teacher,
        ends_session: false,
        expect: "401 | 403 403 | 2xx 403 | 403 403 | 403 | 2xx 2xx",
    },
    // A line the actor may not import is a bad line (422, nothing written), like any other.
    Row {
        route: "POST /api/v1/users/import",
        id: Id::None,
        body: teacher_csv,
        ends_session: false,
        expect: "401 | 403 403 | 2xx 422 | 422 422 | 422 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/users/{id}",
        id: Id::User,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "PATCH /api/v1/users/{id}",
        id: Id::User,
        body: disable,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/users",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/schools/import",
        id: Id::None,
        body: school_csv,
        ends_session: false,
        expect: "401 | 403 403 | 403 403 | 2xx 2xx | 403 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/areas",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    // --- Devices, periods, holidays, bookings (REST) ----------------------------------------
    // Everyone of the school and the department read; the school admin and sysadmins change.
    // Booking is for the school's teachers and admins; a booking is handled by its teacher
    // (the target teacher, not the acting one: 403), the school admin and sysadmins.
    Row {
        route: "GET /api/v1/schools/{id}/devices",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/devices",
        id: Id::School,
        body: new_device,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/devices/import",
        id: Id::School,
        body: device_csv,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/devices/export",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/devices/labels",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/devices/{id}",
        id: Id::Device,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "PATCH /api/v1/devices/{id}",
        id: Id::Device,
        body: device_room,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/devices/{id}/notes",
        id: Id::Device,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/periods",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "PUT /api/v1/schools/{id}/periods",
        id: Id::School,
        body: period_grid,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/holidays",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/holidays",
        id: Id::School,
        body: holiday,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "DELETE /api/v1/schools/{id}/holidays/{holiday_id}",
        id: Id::Holiday,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/bookings",
        id: Id::None,
        body: booking,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 403 403 | 403 404 | 403 403",
    },
    Row {
        route: "POST /api/v1/bookings/recurring",
        id: Id::None,
        body: recurring,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 403 403 | 403 404 | 403 403",
    },
    Row {
        route: "GET /api/v1/bookings",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/bookings/{id}",
        id: Id::Booking,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "DELETE /api/v1/bookings/{id}",
        id: Id::Booking,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/bookings/{id}/check-in",
        id: Id::Booking,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /api/v1/bookings/{id}/check-out",
        id: Id::BookingInUse,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/week",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    // The report is for those who run the inventory; teachers have their own bookings.
    Row {
        route: "GET /api/v1/utilisation",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 2xx | 2xx | 2xx | 2xx",
    },
    // --- Inventory and periods server functions: the same rules as their REST routes. The
    // school (device, booking, holiday) travels in the body; a teacher's booking is handled
    // by its teacher (the target teacher, not the acting one: 403).
    Row {
        route: "POST /fn/inventory_access",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/list_devices",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/get_device",
        id: Id::Device,
        body: fn_device,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/create_device",
        id: Id::School,
        body: fn_new_device,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/update_device",
        id: Id::Device,
        body: fn_edit_device,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/import_devices",
        id: Id::School,
        body: fn_device_csv,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/label_sheets",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/device_check_in",
        id: Id::Booking,
        body: fn_booking,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/device_check_out",
        id: Id::BookingInUse,
        body: fn_booking,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/get_periods",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/save_periods",
        id: Id::School,
        body: fn_period_form,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/add_holiday",
        id: Id::School,
        body: fn_holiday,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/remove_holiday",
        id: Id::Holiday,
        body: fn_remove_holiday,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    // --- Bookings UI server functions: booking is for the school's teachers and admins (the
    // department and sysadmins have no school of their own to book in); a booking is cancelled
    // by its teacher (the target teacher, not the acting one: 403), the school admin or
    // sysadmins; the report is for those who run an inventory or look across schools.
    Row {
        route: "POST /fn/booking_options",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 403 | 403 | 403",
    },
    Row {
        route: "POST /fn/booking_week",
        id: Id::Device,
        body: fn_week_of_device,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/book_device",
        id: Id::None,
        body: fn_book,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 403 403 | 403 404 | 403 403",
    },
    Row {
        route: "POST /fn/cancel_booking",
        id: Id::Booking,
        body: fn_cancel,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 403 | 403 404 | 2xx 2xx",
    },
    Row {
        route: "POST /fn/list_bookings",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 403 | 403 | 403",
    },
    Row {
        route: "POST /fn/utilisation_report",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx 2xx | 2xx 404 | 2xx 2xx",
    },
    // Served outside the documented API, public by design.
    Row {
        route: "GET /api/v1/openapi.json",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /healthz",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    // --- Classes, timetables, roll calls (server/src/api/classes.rs) --------------------------
    Row {
        route: "GET /api/v1/schools/{id}/classes",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/classes",
        id: Id::School,
        body: new_class,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/classes/import",
        id: Id::School,
        body: class_csv,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/years",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "PUT /api/v1/schools/{id}/years/{name}",
        id: Id::School,
        body: year_dates,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/students",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/classes/{id}/students/import",
        id: Id::Class,
        body: roster_csv,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/students/{id}/move",
        id: Id::Student,
        body: move_to_other_class,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/timetable",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "PUT /api/v1/classes/{id}/timetable",
        id: Id::Class,
        body: timetable_json,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    // The teacher is neither the lesson's (the target teacher is) nor the homeroom teacher.
    // --- Materials' server functions (app/src/serverfns/materials.rs) ---
    Row {
        route: "POST /fn/material_library",
        id: Id::None,
        body: fn_material_library,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/material_page",
        id: Id::Material,
        body: fn_material,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/upload_material",
        id: Id::None,
        body: material_upload,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/upload_material_version",
        id: Id::Material,
        body: fn_material_version,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/update_material",
        id: Id::Material,
        body: fn_update_material,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/delete_material",
        id: Id::Material,
        body: fn_material,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/attach_material",
        id: Id::None,
        body: fn_lesson_material,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/detach_material",
        id: Id::None,
        body: fn_lesson_material,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/material_storage",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/set_material_quota",
        id: Id::School,
        body: fn_quota,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    // --- Materials (the teacher of school A is not the material's owner nor the lesson's) ---
    Row {
        route: "POST /api/v1/materials",
        id: Id::None,
        body: material_upload,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/materials",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/materials/{id}",
        id: Id::Material,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "PATCH /api/v1/materials/{id}",
        id: Id::Material,
        body: material_patch,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "DELETE /api/v1/materials/{id}",
        id: Id::Material,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/materials/{id}/file",
        id: Id::Material,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/materials/{id}/file",
        id: Id::Material,
        body: material_file,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/materials/{id}/link",
        id: Id::MaterialLink,
        body: none,
        ends_session: false,
        expect: "401 | 3xx 404 | 3xx 404 | 404 | 404 | 3xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/lessons/{date}/{period}/materials",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/classes/{id}/lessons/{date}/{period}/materials",
        id: Id::Class,
        body: attach_material,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "DELETE /api/v1/classes/{id}/lessons/{date}/{period}/materials/{material_id}",
        id: Id::ClassMaterial,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/storage",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "PUT /api/v1/schools/{id}/storage",
        id: Id::School,
        body: storage_quota,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "PUT /api/v1/classes/{id}/lessons/{date}/{period}/roll-call",
        id: Id::Class,
        body: roll_call_json,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/lessons/{date}/{period}/roll-call",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/attendance/missing",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/attendance/summary",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/attendance/on-time",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/attendance/on-time",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /api/v1/schools/{id}/timetable/import",
        id: Id::School,
        body: timetable_csv,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/classes/{id}/week",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/me/lessons",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
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
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/login",
        id: Id::None,
        body: login_form,
        ends_session: true,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/logout",
        id: Id::None,
        body: none,
        ends_session: true,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/change_password",
        id: Id::None,
        body: wrong_password_change_form,
        ends_session: false,
        expect: "401 | 422 | 422 | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/set_lang",
        id: Id::None,
        body: lang_form,
        ends_session: false,
        expect: "2xx | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/school_registry",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/get_school",
        id: Id::None,
        body: school_id_form,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/import_schools",
        id: Id::None,
        body: school_csv_upload,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/list_teachers",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 2xx 2xx | 403 | 403 | 403",
    },
    Row {
        route: "POST /fn/create_teacher",
        id: Id::None,
        body: teacher_form,
        ends_session: false,
        expect: "401 | 403 | 2xx 2xx | 403 | 403 | 422",
    },
    Row {
        route: "POST /fn/set_user_active",
        id: Id::None,
        body: disable_form,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/reset_user_password",
        id: Id::None,
        body: password_form,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/import_users",
        id: Id::None,
        body: teacher_csv_upload,
        ends_session: false,
        expect: "401 | 403 | 2xx 422 | 422 | 422 | 2xx",
    },
    Row {
        route: "POST /fn/list_department_accounts",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/list_school_admins",
        id: Id::None,
        body: school_code_form,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/create_account",
        id: Id::None,
        body: account_form,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx 403 | 2xx",
    },
    Row {
        route: "POST /fn/my_day",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/my_week",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/lesson_roll_call",
        id: Id::Class,
        body: fn_roll_call_view,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/take_roll_call",
        id: Id::Class,
        body: fn_take_roll_call,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    // --- The class log (server/src/api/class_log.rs): the school's staff read it; only the
    // lesson's teacher (not one of the actors) writes and signs; the homeroom teacher (the class
    // has none: a school admin) and then the principal close a week — not before it is over (the
    // fixed clock is the week's Monday, 07:00: 422); corrections by the lesson's teacher, the
    // homeroom teacher or the school's admins, approved by its admins; verification for the
    // school's admins and the department that sees the school; the ranking for the department.
    Row {
        route: "GET /api/v1/classes/{id}/lessons/{date}/{period}/log",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "PUT /api/v1/classes/{id}/lessons/{date}/{period}/log",
        id: Id::Class,
        body: log_json,
        ends_session: false,
        expect: "401 | 403 404 | 403 404 | 404 | 404 | 403",
    },
    Row {
        route: "POST /api/v1/classes/{id}/lessons/{date}/{period}/log/sign",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 403 404 | 404 | 404 | 403",
    },
    Row {
        route: "GET /api/v1/classes/{id}/log",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/classes/{id}/log/weeks/{monday}/close",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 422 404 | 404 | 404 | 422",
    },
    Row {
        route: "POST /api/v1/classes/{id}/log/corrections",
        id: Id::Correction,
        body: correction_json,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/classes/{id}/log/corrections/{cid}/approve",
        id: Id::Correction,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/schools/{id}/log/verify",
        id: Id::School,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/log/on-time",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    // The class log's server functions (app/src/serverfns/class_log.rs): the same rules as
    // their REST routes above.
    Row {
        route: "POST /fn/lesson_log_view",
        id: Id::Class,
        body: fn_roll_call_view,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/write_lesson_log",
        id: Id::Class,
        body: fn_lesson_log,
        ends_session: false,
        expect: "401 | 403 404 | 403 404 | 404 | 404 | 403",
    },
    Row {
        route: "POST /fn/correct_lesson_log",
        id: Id::Correction,
        body: fn_log_correction,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/class_log_week",
        id: Id::Class,
        body: fn_log_week,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/close_log_week",
        id: Id::Class,
        body: fn_close_log_week,
        ends_session: false,
        expect: "401 | 403 404 | 422 404 | 404 | 404 | 422",
    },
    Row {
        route: "POST /fn/approve_log_correction",
        id: Id::Correction,
        body: fn_approve_log_correction,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/verify_class_log",
        id: Id::School,
        body: fn_school,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/log_on_time_by_school",
        id: Id::None,
        body: fn_range,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    // --- Substitutes (server/src/api/substitutes.rs, app/src/serverfns/substitutes.rs): the
    // school's staff read them, its admins assign and remove; the department sees no lessons.
    Row {
        route: "GET /api/v1/classes/{id}/substitutes",
        id: Id::Class,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /api/v1/classes/{id}/substitutes",
        id: Id::ClassNoSubstitutes,
        body: substitute_json,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "DELETE /api/v1/classes/{id}/substitutes/{sid}",
        id: Id::Substitute,
        body: none,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/class_substitutes",
        id: Id::Class,
        body: fn_class,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/assign_substitute",
        id: Id::ClassNoSubstitutes,
        body: fn_assign_substitute,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/remove_substitute",
        id: Id::Substitute,
        body: fn_remove_substitute,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/missing_roll_calls",
        id: Id::None,
        body: fn_missing,
        ends_session: false,
        expect: "401 | 403 | 2xx | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/school_classes",
        id: Id::None,
        body: fn_year,
        ends_session: false,
        expect: "401 | 2xx | 2xx | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/set_school_year",
        id: Id::None,
        body: fn_year_dates,
        ends_session: false,
        expect: "401 | 403 | 2xx | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/create_class",
        id: Id::None,
        body: fn_new_class,
        ends_session: false,
        expect: "401 | 403 | 2xx | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/import_classes",
        id: Id::None,
        body: class_csv_upload,
        ends_session: false,
        expect: "401 | 403 | 2xx | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/import_timetable",
        id: Id::None,
        body: timetable_csv_upload,
        ends_session: false,
        // The other scope's file names the other school's teacher: not one of this school's.
        expect: "401 | 403 | 2xx 422 | 422 | 422 | 422",
    },
    Row {
        route: "POST /fn/class_page",
        id: Id::Class,
        body: fn_class,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/timetable_page",
        id: Id::Class,
        body: fn_class,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/save_timetable",
        id: Id::Class,
        body: fn_timetable_grid,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/add_student",
        id: Id::Class,
        body: fn_new_student,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/import_roster",
        id: Id::Class,
        body: roster_csv_upload,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/move_student",
        id: Id::Student,
        body: fn_move,
        ends_session: false,
        expect: "401 | 403 404 | 2xx 404 | 403 | 403 404 | 2xx",
    },
    Row {
        route: "POST /fn/class_attendance",
        id: Id::Class,
        body: fn_class_range,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 404 | 404 | 2xx",
    },
    Row {
        route: "POST /fn/on_time_by_school",
        id: Id::None,
        body: fn_range,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    // --- Pilot REST routes (server/src/api/pilot.rs).
    Row {
        route: "GET /api/v1/pilot/summary",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/trend",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/schools/{school_id}",
        id: Id::PilotSchool,
        body: none,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/criteria",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "PUT /api/v1/pilot/criteria",
        id: Id::None,
        body: rest_pilot_criteria,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/criteria/history",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "PUT /api/v1/pilot/enrollments/{school_id}",
        id: Id::PilotSchool,
        body: rest_enrol,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "DELETE /api/v1/pilot/enrollments/{school_id}",
        id: Id::PilotEnrolled,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /api/v1/pilot/enrollments/import",
        id: Id::None,
        body: rest_enrol_csv,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/targets",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "PUT /api/v1/pilot/targets",
        id: Id::None,
        body: rest_pilot_targets,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "GET /api/v1/pilot/officers",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "PUT /api/v1/pilot/officers/{user_id}",
        id: Id::Officer,
        body: rest_officer_area,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    // --- Pilot server functions (app/src/serverfns/pilot.rs): the province's view is the
    // department's and sysadmins'; a school's evidence also its own staff's ---
    Row {
        route: "POST /fn/pilot_summary",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/pilot_trend",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/pilot_schools",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/pilot_school",
        id: Id::School,
        body: fn_pilot_school,
        ends_session: false,
        expect: "401 | 2xx 404 | 2xx 404 | 2xx | 2xx 404 | 2xx",
    },
    Row {
        route: "POST /fn/pilot_criteria_history",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/pilot_targets",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/pilot_candidates",
        id: Id::None,
        body: fn_pilot_candidates,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/pilot_officers",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/pilot_areas",
        id: Id::None,
        body: none,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 2xx | 2xx",
    },
    Row {
        route: "POST /fn/set_pilot_criteria",
        id: Id::None,
        body: fn_pilot_criteria,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/set_pilot_targets",
        id: Id::None,
        body: fn_pilot_targets,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/enrol_pilot_school",
        id: Id::School,
        body: fn_pilot_enrol,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/unenrol_pilot_school",
        id: Id::PilotEnrolled,
        body: fn_pilot_unenrol,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/enrol_pilot_csv",
        id: Id::None,
        body: fn_pilot_csv,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
    Row {
        route: "POST /fn/set_officer_area",
        id: Id::Officer,
        body: fn_officer_area,
        ends_session: false,
        expect: "401 | 403 | 403 | 2xx | 403 | 2xx",
    },
];

/// Routes the router serves outside the OpenAPI document and the server functions.
const UNDOCUMENTED: [&str; 2] = ["GET /api/v1/openapi.json", "GET /healthz"];

/// The expected class of `who` in `scope` for a row.
fn expected(row: &Row, who: Who, scope: Scope) -> &'static str {
    let parts: Vec<&str> = row.expect.split('|').map(str::trim).collect();
    assert_eq!(
        parts.len(),
        6,
        "{}: `expect` needs 6 parts separated by |",
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
        .filter(|t| {
            // Records and counters that every request may touch: sessions, the audit log, the
            // login throttle (a refused password change counts an attempt), the log of
            // materials opened (a download is recorded, and changes no material), and the
            // pilot statuses, computed from the rest when a stale one is read (a cache: a
            // denied request may have made it too, and it changes no record of anyone's).
            ![
                "sessions",
                "audit_log",
                "login_throttle",
                "material_opens",
                "pilot_runs",
                "pilot_status",
                "_sqlx_migrations",
            ]
            .contains(&t.as_str())
        })
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

/// The path parameters of a row for one case. Bookings and holidays are made afresh for each
/// case, before the "nothing changed" fingerprint, so every case acts on a live one: a booking
/// cancelled by one role cannot hide whether the next role may cancel it.
async fn path_ids(app: &App, fx: &Fixture, id: Id, scope: Scope) -> Vec<(&'static str, i64)> {
    let s = scope as usize;
    let school = fx.school(scope).0;
    match id {
        Id::None => vec![],
        Id::School => vec![("{id}", school.0)],
        Id::User => vec![("{id}", fx.target[s].0)],
        Id::Device => vec![("{id}", fx.device[s])],
        Id::Booking | Id::BookingInUse => {
            let teacher = Actor {
                user_id: fx.target[s],
                username: "muc.tieu".into(),
                role: Role::Teacher,
                school_id: Some(school),
                area: None,
            };
            // Today (the fixed clock's 07:00), period 1: within the pick-up window.
            let req = BookingRequest {
                device_id: DeviceId(fx.pool[s]),
                date: "2026-11-30".into(),
                periods: vec![1],
                ..Default::default()
            };
            let b = bookings::create(&app.t.ctx, &teacher, &req, None)
                .await
                .expect("a fresh booking");
            if matches!(id, Id::BookingInUse) {
                bookings::check_in(&app.t.ctx, &teacher, b.id, None)
                    .await
                    .expect("checking the fresh booking in");
            }
            vec![("{id}", b.id.0)]
        }
        Id::Holiday => {
            let h = HolidayInput {
                starts: "2027-07-01".into(),
                ends: None,
                name: "Nghỉ thử".into(),
            };
            let h = periods::add_holiday(&app.t.ctx, &fx.owner, school, &h, None)
                .await
                .expect("a fresh holiday");
            vec![("{id}", school.0), ("{holiday_id}", h.id.0)]
        }
        Id::Class => vec![("{id}", fx.class[s])],
        Id::Student => vec![("{id}", fx.mover[s])],
        Id::Material | Id::MaterialLink => {
            let owner = Actor {
                user_id: fx.lesson_teacher[s],
                username: "chu.hoc.lieu".into(),
                role: Role::Teacher,
                school_id: Some(school),
                area: None,
            };
            let form = MaterialForm {
                title: "Học liệu thử".into(),
                subject: "toan".into(),
                grade: "6".into(),
                scope: "school".into(),
                url: if matches!(id, Id::MaterialLink) {
                    "https://hoc.vn/bai-1".into()
                } else {
                    String::new()
                },
                ..Default::default()
            };
            let upload = if matches!(id, Id::Material) {
                let mut staged = app.t.ctx.files.stage().await.expect("staging");
                staged
                    .write(b"%PDF-1.4\n% fixture\n")
                    .await
                    .expect("writing");
                Some(lophoc::services::materials::Upload {
                    filename: "bai.pdf".into(),
                    staged,
                })
            } else {
                None
            };
            let m = lophoc::services::materials::create(&app.t.ctx, &owner, &form, upload)
                .await
                .expect("a fresh material");
            vec![("{id}", m.id.0)]
        }
        Id::ClassMaterial => vec![("{id}", fx.class[s]), ("{material_id}", fx.material[s])],
        Id::Correction => {
            sqlx::query("DELETE FROM lesson_substitutes")
                .execute(&app.t.ctx.db.pool)
                .await
                .expect("clearing the substitutions");
            let class = lophoc::ids::ClassId(fx.class[s]);
            let teacher = Actor {
                user_id: fx.lesson_teacher[s],
                username: "ky.so".into(),
                role: Role::Teacher,
                school_id: Some(fx.school(scope).0),
                area: None,
            };
            let day = chrono::NaiveDate::parse_from_str(LESSON_DATE, "%Y-%m-%d").expect("a day");
            let entry = lophoc::class_log::LogInput {
                title: "Bài 1".into(),
                ..Default::default()
            };
            lophoc::services::class_log::sign(
                &app.t.ctx,
                &teacher,
                class,
                day,
                1,
                Some(&entry),
                &Default::default(),
                None,
            )
            .await
            .expect("the lesson signed");
            let c = lophoc::services::class_log::correct(
                &app.t.ctx,
                &teacher,
                class,
                &lophoc::class_log::CorrectionInput {
                    date: LESSON_DATE.into(),
                    period: 1,
                    reason: "Ghi nhầm tên bài".into(),
                    entry: lophoc::class_log::LogInput {
                        title: "Bài 2".into(),
                        ..Default::default()
                    },
                },
                None,
            )
            .await
            .expect("a fresh correction");
            vec![("{id}", class.0), ("{cid}", c.id)]
        }
        Id::ClassNoSubstitutes | Id::Substitute => {
            sqlx::query("DELETE FROM lesson_substitutes")
                .execute(&app.t.ctx.db.pool)
                .await
                .expect("clearing the substitutions");
            let class = lophoc::ids::ClassId(fx.class[s]);
            if matches!(id, Id::ClassNoSubstitutes) {
                vec![("{id}", class.0)]
            } else {
                let input = lophoc::substitutes::SubstituteInput {
                    from: LESSON_DATE.into(),
                    period: Some(1),
                    substitute_id: fx.substitute[s],
                    ..Default::default()
                };
                let sub = lophoc::services::substitutes::assign(
                    &app.t.ctx, &fx.owner, class, &input, None,
                )
                .await
                .expect("a fresh substitution");
                vec![("{id}", class.0), ("{sid}", sub.id.0)]
            }
        }
        Id::PilotSchool => vec![("{school_id}", school.0)],
        Id::PilotEnrolled => {
            let since = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("a date");
            lophoc::services::pilot::enrol(&app.t.ctx, &fx.owner, school, since, None)
                .await
                .expect("a fresh enrolment");
            vec![("{school_id}", school.0)]
        }
        Id::Officer => {
            let o = app.t.department().await;
            let area = app.t.school("KV9999").await.area_id;
            lophoc::services::pilot::set_officer_area(
                &app.t.ctx,
                &fx.owner,
                o.user_id,
                Some(area),
                None,
            )
            .await
            .expect("a fresh area officer");
            vec![("{user_id}", o.user_id.0)]
        }
    }
}

/// The fields of [`Payload::Args`] that take path parameters, with the case's values.
fn params_as_fields(
    params: &[(&'static str, &'static str)],
    ids: &[(&str, i64)],
) -> Vec<(&'static str, String)> {
    params
        .iter()
        .map(|(field, param)| {
            let value = ids
                .iter()
                .find(|(name, _)| name == param)
                .unwrap_or_else(|| panic!("no path parameter {param} for the field {field}"));
            (*field, value.1.to_string())
        })
        .collect()
}

fn build(row: &Row, fx: &Fixture, scope: Scope, n: u32, ids: &[(&str, i64)]) -> Req {
    let (method, template) = row.route.split_once(' ').expect("METHOD /path");
    let method: Method = method.parse().expect("a method");
    let mut path = template.to_owned();
    for (name, value) in ids {
        path = path.replace(name, &value.to_string());
    }
    // A lesson of the fixture's classes; the year they belong to.
    path = path
        .replace("{date}", LESSON_DATE)
        .replace("{monday}", LESSON_DATE)
        .replace("{period}", "1")
        .replace("{name}", "2026-2027");
    assert!(
        !path.contains('{'),
        "{}: say what the path parameter stands for (`id`)",
        row.route
    );
    let req = Req::new(method, &path);
    match (row.body)(fx, scope, n) {
        Payload::None => req,
        Payload::Json(v) => req.json(&v),
        Payload::Csv(s) => req.csv(&s),
        Payload::Form(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            req.form(&pairs)
        }
        Payload::Args(mut fields, params) => {
            fields.extend(params_as_fields(params, ids));
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            req.form(&pairs)
        }
        Payload::MultipartFields(mut fields, params) => {
            let boundary = "lophoc-matrix-boundary";
            fields.extend(
                params_as_fields(params, ids)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v)),
            );
            let mut body = String::new();
            for (field, value) in fields {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str(&format!("--{boundary}--\r\n"));
            req.body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
        }
        Payload::MultipartArgs(name, content, params) => {
            let boundary = "lophoc-matrix-boundary";
            let mut body = String::new();
            for (field, value) in params_as_fields(params, ids) {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"import.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
            ));
            req.body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
        }
        Payload::Upload(fields, filename, content) => {
            let boundary = "lophoc-matrix-boundary";
            let mut body = String::new();
            for (field, value) in fields {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n{content}\r\n--{boundary}--\r\n"
            ));
            req.body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
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
    // School B lies in another area: the officer's "other" school.
    let b = app
        .t
        .school_with(lophoc::services::schools::NewSchool {
            code: "TH-B".into(),
            name: "Trường Tiểu học TH-B".into(),
            level: lophoc::model::SchoolLevel::TieuHoc,
            area: AREAS[1].into(),
            former_district: None,
            students: 500,
        })
        .await;
    // Each school's devices: a tagged one and a pool; a sysadmin who makes fresh holidays.
    let owner = app.t.sysadmin().await;
    let mut device = [0; 2];
    let mut pool = [0; 2];
    for (i, school) in [a.id, b.id].into_iter().enumerate() {
        for (slot, name, quantity) in [
            (&mut device, "Máy chiếu", 1),
            (&mut pool, "Xe máy tính bảng", 500),
        ] {
            let input = DeviceInput {
                name: name.into(),
                kind: if quantity > 1 {
                    "tablet_cart"
                } else {
                    "projector"
                }
                .into(),
                quantity: Some(quantity),
                ..Default::default()
            };
            slot[i] = devices::create(&app.t.ctx, &owner, school, &input, None)
                .await
                .expect("a fixture device")
                .id
                .0;
        }
    }
    // Each school's classes 5A1 (two students, Monday period 1 taught by a teacher of its own)
    // and 5A2.
    let targets = [
        app.t
            .user_named("muc.tieu.a", "Mục Tiêu A", Role::Teacher, Some(a.id))
            .await,
        app.t
            .user_named("muc.tieu.b", "Mục Tiêu B", Role::Teacher, Some(b.id))
            .await,
    ];
    let lesson_teacher = [
        app.t
            .user_named("day.a", "Giáo Viên Dạy A", Role::Teacher, Some(a.id))
            .await
            .user_id,
        app.t
            .user_named("day.b", "Giáo Viên Dạy B", Role::Teacher, Some(b.id))
            .await
            .user_id,
    ];
    let (mut class, mut other_class, mut student, mut mover) = ([0; 2], [0; 2], [0; 2], [0; 2]);
    for (i, school) in [a.id, b.id].into_iter().enumerate() {
        let mut ids = Vec::new();
        for name in ["5A1", "5A2"] {
            let input = ClassInput {
                name: name.into(),
                grade: 5,
                school_year: "2026-2027".into(),
                homeroom_teacher_id: None,
            };
            ids.push(
                classes::create(&app.t.ctx, &owner, school, &input, None)
                    .await
                    .expect("a fixture class")
                    .id,
            );
        }
        let kids: Vec<NewStudent> = ["Học Sinh Một", "Học Sinh Hai"]
            .iter()
            .enumerate()
            .map(|(k, n)| NewStudent {
                code: format!("HS{i}{k}"),
                full_name: (*n).into(),
                gender: None,
                birth_date: None,
            })
            .collect();
        classes::enrol(&app.t.ctx, None, ids[0], &kids, None, None)
            .await
            .expect("fixture students");
        let roster = classes::students(&app.t.ctx, &owner, ids[0], None)
            .await
            .expect("the fixture roster");
        let tt = TimetableInput {
            items: vec![TimetableItemInput {
                weekday: 1,
                period: 1,
                subject: "toan".into(),
                teacher_id: lesson_teacher[i],
            }],
            from: None,
        };
        timetable::put(&app.t.ctx, &owner, ids[0], &tt, None)
            .await
            .expect("a fixture timetable");
        class[i] = ids[0].0;
        other_class[i] = ids[1].0;
        student[i] = roster[0].id.0;
        mover[i] = roster[1].id.0;
    }
    let mut material = [0; 2];
    for (i, school) in [a.id, b.id].into_iter().enumerate() {
        let teacher = Actor {
            user_id: lesson_teacher[i],
            username: ["day.a", "day.b"][i].into(),
            role: Role::Teacher,
            school_id: Some(school),
            area: None,
        };
        let link = MaterialForm {
            title: "Bài giảng video".into(),
            subject: "toan".into(),
            grade: "5".into(),
            scope: "province".into(),
            url: "https://www.youtube.com/watch?v=bai1".into(),
            ..Default::default()
        };
        let m = lophoc::services::materials::create(&app.t.ctx, &teacher, &link, None)
            .await
            .expect("a fixture material");
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        lophoc::services::materials::attach(
            &app.t.ctx,
            &teacher,
            lophoc::ids::ClassId(class[i]),
            monday,
            1,
            m.id,
        )
        .await
        .expect("attaching the fixture material");
        material[i] = m.id.0;
    }
    let substitute = [
        app.t
            .user_named("thay.a", "Giáo Viên Thay A", Role::Teacher, Some(a.id))
            .await
            .user_id,
        app.t
            .user_named("thay.b", "Giáo Viên Thay B", Role::Teacher, Some(b.id))
            .await
            .user_id,
    ];
    let fx = Fixture {
        substitute,
        material,
        lesson_teacher,
        class,
        other_class,
        student,
        mover,
        device,
        pool,
        owner,
        school: [(a.id, a.code.clone()), (b.id, b.code.clone())],
        target: [targets[0].user_id, targets[1].user_id],
    };
    app.t
        .user_named("dang.nhap", "Đăng Nhập", Role::Teacher, Some(a.id))
        .await;
    let actors: Vec<(Who, Option<Actor>)> = vec![
        (Who::Anonymous, None),
        (Who::Teacher, Some(app.t.teacher(a.id).await)),
        (Who::SchoolAdmin, Some(app.t.school_admin(a.id).await)),
        (Who::Department, Some(app.t.department().await)),
        (Who::Officer, Some(app.t.officer(a.area_id).await)),
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
                let ids = path_ids(&app, &fx, row.id, scope).await;
                let mut req = build(row, &fx, scope, n, &ids);
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
    assert_eq!(cases, TABLE.len() * 12);
});
