//! The teacher's day, the roll-call page and the missing roll calls. Each is one service call;
//! taking the roll is also the target of the page's plain form (it answers with a redirect back
//! to the lesson, `?saved=1`, or the error and what was marked).

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::classes::{
    AttendanceSummary, ClassView, ClassesOverview, Lesson, MissingRollCall, RollCallView,
    SchoolOnTime, SchoolYear, TimetableEditor,
};
use lophoc::ids::{ClassId, StudentId};
use lophoc::model::ImportOutcome;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Query-string keys of the roll-call form's answer, and of the class forms'.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// A class was added: its name.
            CLASS_ADDED = "class_added";
            /// A student was added: their name.
            STUDENT_ADDED = "student_added";
            /// A student was moved to another class: their name.
            MOVED = "moved";
            /// An import created this many rows.
            CREATED = "created";
            /// An import updated this many rows.
            UPDATED = "updated";
            /// The timetable was saved.
            TIMETABLE_SAVED = "timetable_saved";
            /// A school year's dates were saved: the year's name.
            YEAR_SAVED = "year_saved";
        }
        echoes {
            /// What the user typed into the class form that failed.
            CLASS: super::CreateClass = "";
            /// What the user typed into the year form that failed.
            YEAR: super::SetSchoolYear = "";
            /// What the user typed into the student form that failed.
            STUDENT: super::AddStudent = "";
            /// The timetable grid that failed, as typed.
            TIMETABLE: super::TimetableDraft = "";
        }
    }
    /// The roll call was saved.
    pub const SAVED: &str = "saved";
    /// After an error, the marks sent: `student.status` pairs, comma separated.
    pub const MARKS: &str = "marks";
}

/// The caller's lessons today with their roll-call state and booked devices.
#[server(prefix = "/fn", endpoint = "my_day")]
pub async fn my_day() -> Result<Vec<Lesson>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::roll_calls::my_day(&ctx, &actor, None)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// A lesson's roll-call page: the lesson, the students and their marks, whether the caller may
/// write, the history of changes.
#[server(prefix = "/fn", endpoint = "lesson_roll_call")]
pub async fn lesson_roll_call(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day.
    date: String,
    /// The lesson's period number in that day.
    period: i64,
) -> Result<RollCallView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|_| crate::ssr::fail(&c, lophoc::Error::not_found()))?;
    lophoc::services::roll_calls::view(&ctx, &actor, class, date, period)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Takes or changes a lesson's roll call from the page's form: `class`, `date`, `period`, and
/// `s<student id>` (status) / `n<student id>` (remark) per student.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "take_roll_call")]
pub async fn take_roll_call(
    /// The roll-call form, as posted.
    data: MultipartData,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let mut marks = String::new();
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let form = crate::serverfns::form::read_multipart(data, "", 0)
            .await
            .map_err(fail)?;
        let not_found = || fail(lophoc::Error::not_found());
        let class: ClassId = form
            .field("class")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(not_found)?;
        let date = form
            .field("date")
            .and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
            .ok_or_else(not_found)?;
        let period: i64 = form
            .field("period")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(not_found)?;
        let input = lophoc::classes::roll_call_from_form(&form.fields).map_err(fail)?;
        marks = input
            .entries
            .iter()
            .filter(|e| e.status != lophoc::classes::Status::Present)
            .map(|e| format!("{}.{}", e.student_id, e.status.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        lophoc::services::roll_calls::put(&ctx, &actor, class, date, period, &input, Some(&c.ip))
            .await
            .map(|(_, created)| created)
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::reply(
        r,
        TakeRollCall::PATH,
        |k| k != back::SAVED && k != back::MARKS,
        |r| match r {
            Ok(_) => vec![(back::SAVED, "1".to_owned())],
            Err(_) => vec![(back::MARKS, marks)],
        },
        "",
    )
}

/// The school's lessons with no roll call: today's (ended ones), or with `week` since Monday,
/// or those of `date` (dd/mm/yyyy or `YYYY-MM-DD`).
#[server(prefix = "/fn", endpoint = "missing_roll_calls")]
pub async fn missing_roll_calls(
    /// Whether to list the whole week since Monday, not just today.
    week: bool,
    /// The one day to list instead (dd/mm/yyyy or `YYYY-MM-DD`).
    date: Option<String>,
) -> Result<Vec<MissingRollCall>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let school = actor.school_or(None).map_err(fail)?;
    let today = lophoc::dates::today_at(ctx.now());
    let (from, to) = match lophoc::dates::optional_date("date", date.as_deref()).map_err(fail)? {
        Some(d) => (d, d),
        None if week => (lophoc::dates::monday_of(today), today),
        None => (today, today),
    };
    lophoc::services::roll_calls::missing(&ctx, &actor, school, from, to)
        .await
        .map_err(fail)
}

/// The largest CSV file a class import accepts (a school's timetable is a few hundred lines).
pub const MAX_CLASS_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The caller's school's classes of a year (this year by default).
#[server(prefix = "/fn", endpoint = "school_classes")]
pub async fn school_classes(
    /// The school year shown (this year when absent).
    year: Option<String>,
) -> Result<ClassesOverview, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::classes::overview(&ctx, &actor, year.as_deref())
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Adds a class to the caller's school (its administrators).
#[server(prefix = "/fn", endpoint = "create_class")]
pub async fn create_class(
    /// The class's name ("6A1").
    name: String,
    /// The class's grade, as typed.
    grade: String,
    /// The school year the class belongs to.
    school_year: String,
    /// The homeroom teacher's user id (empty or absent: none).
    homeroom: Option<String>,
) -> Result<lophoc::classes::Class, UiError> {
    use server_fn::ServerFn;
    let typed = back::CLASS.pairs(&CreateClass {
        name: name.clone(),
        grade: grade.clone(),
        school_year: school_year.clone(),
        homeroom: homeroom.clone(),
    });
    let homeroom = homeroom.unwrap_or_default();
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(None).map_err(fail)?;
        let grade = grade.trim().parse::<i64>().map_err(|_| {
            fail(lophoc::Error::field(
                "grade",
                lophoc::Msg::new("validation.grade"),
            ))
        })?;
        let input = lophoc::classes::ClassInput {
            name: name.clone(),
            grade,
            school_year: school_year.clone(),
            homeroom_teacher_id: homeroom.trim().parse::<i64>().ok().map(lophoc::ids::UserId),
        };
        lophoc::services::classes::create(&ctx, &actor, school, &input, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        CreateClass::PATH,
        |k| vec![(back::CLASS_ADDED, k.name.clone())],
        typed,
    )
}

/// Sets the dates of one of the school's years (its administrators): the first day, the first
/// day of học kỳ II and the last day (dd/mm/yyyy); a year not defined yet is created.
#[server(prefix = "/fn", endpoint = "set_school_year")]
pub async fn set_school_year(
    /// The school year's name ("2025-2026").
    name: String,
    /// The year's first day (dd/mm/yyyy).
    starts: String,
    /// The first day of học kỳ II (dd/mm/yyyy).
    term2_starts: String,
    /// The year's last day (dd/mm/yyyy).
    ends: String,
) -> Result<SchoolYear, UiError> {
    use server_fn::ServerFn;
    let typed = SetSchoolYear {
        name,
        starts,
        term2_starts,
        ends,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(None).map_err(fail)?;
        let dates = lophoc::services::classes::YearDates {
            starts: typed.starts.clone(),
            term2_starts: typed.term2_starts.clone(),
            ends: typed.ends.clone(),
        };
        let name = &typed.name;
        lophoc::services::classes::set_year(&ctx, &actor, school, name, &dates, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        SetSchoolYear::PATH,
        |y| vec![(back::YEAR_SAVED, y.name.clone())],
        back::YEAR.pairs(&typed),
    )
}

/// Imports the school's classes from CSV `name,grade,school_year,homeroom_username`.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_classes")]
pub async fn import_classes(
    /// The import form, as posted, with the CSV file.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(None).map_err(fail)?;
        let bytes = crate::serverfns::form::file_part(data, "file", MAX_CLASS_IMPORT_BYTES)
            .await
            .map_err(fail)?;
        lophoc::services::classes::import_csv(&ctx, &actor, school, &bytes, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(r, ImportClasses::PATH, imported, vec![])
}

/// Imports the school's timetable from CSV `class,day,period,subject,teacher`, as a new version
/// from the form's `from` date (the whole school year when empty).
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_timetable")]
pub async fn import_timetable(
    /// The import form, as posted: the CSV file and the `from` date.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(None).map_err(fail)?;
        let form = crate::serverfns::form::read_multipart(data, "file", MAX_CLASS_IMPORT_BYTES)
            .await
            .map_err(fail)?;
        let from = lophoc::dates::optional_date("from", form.field("from")).map_err(fail)?;
        lophoc::services::timetable::import_csv(&ctx, &actor, school, &form.file, from, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(r, ImportTimetable::PATH, imported, vec![])
}

/// A class's page: the week of `date` (dd/mm/yyyy or `YYYY-MM-DD`; this week by default), the
/// roster and what the caller may do.
#[server(prefix = "/fn", endpoint = "class_page")]
pub async fn class_page(
    /// The class shown.
    class: ClassId,
    /// Any day of the week shown (this week when absent).
    date: Option<String>,
) -> Result<ClassView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let on = lophoc::dates::optional_date("date", date.as_deref())
        .map_err(fail)?
        .unwrap_or_else(|| lophoc::dates::today_at(ctx.now()));
    lophoc::services::roll_calls::class_view(&ctx, &actor, class, on)
        .await
        .map_err(fail)
}

/// A class's timetable page: the timetable in force on `date` (dd/mm/yyyy or `YYYY-MM-DD`;
/// today by default), the school's periods, the staff for the school's administrators.
#[server(prefix = "/fn", endpoint = "timetable_page")]
pub async fn timetable_page(
    /// The class whose timetable is shown.
    class: ClassId,
    /// The day whose timetable in force is shown (today when absent).
    date: Option<String>,
) -> Result<TimetableEditor, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let on = lophoc::dates::optional_date("date", date.as_deref()).map_err(fail)?;
    lophoc::services::timetable::editor(&ctx, &actor, class, on)
        .await
        .map_err(fail)
}

/// Saves a class's timetable from the page's grid: `class`, `from` (empty: the whole school
/// year) and `s<weekday>-<period>` (subject) / `t<weekday>-<period>` (teacher) per cell.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "save_timetable")]
pub async fn save_timetable(
    /// The timetable grid form, as posted.
    data: MultipartData,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let mut typed = TimetableDraft::default();
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let form = crate::serverfns::form::read_multipart(data, "", 0)
            .await
            .map_err(fail)?;
        let class: ClassId = form
            .field("class")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| fail(lophoc::Error::not_found()))?;
        let cells = lophoc::classes::cells_from_form(&form.fields);
        let from = form.field("from").map(str::to_owned);
        typed = TimetableDraft {
            cells: lophoc::classes::CellText::encode_all(&cells),
            from: from.clone().unwrap_or_default(),
        };
        lophoc::services::timetable::put_cells(&ctx, &actor, class, &cells, from, Some(&c.ip))
            .await
            .map(|_| true)
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        SaveTimetable::PATH,
        |_| vec![(back::TIMETABLE_SAVED, "1".to_owned())],
        back::TIMETABLE.pairs(&typed),
    )
}

/// The timetable grid as typed, as it travels back after a refused post without JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimetableDraft {
    /// The cells (see [`lophoc::classes::CellText::encode_all`]).
    pub cells: String,
    /// The `from` date as typed.
    pub from: String,
}

/// Adds one student to a class.
#[server(prefix = "/fn", endpoint = "add_student")]
pub async fn add_student(
    /// The class the student joins.
    class: ClassId,
    /// The student's code.
    code: String,
    /// The student's full name.
    full_name: String,
    /// The student's gender, as chosen on the form (empty: not given).
    gender: Option<String>,
    /// The student's birth date, as typed (empty: not given).
    birth_date: Option<String>,
) -> Result<lophoc::classes::Student, UiError> {
    use server_fn::ServerFn;
    let typed = AddStudent {
        class,
        code,
        full_name,
        gender,
        birth_date,
    };
    let f = lophoc::services::classes::StudentForm {
        code: typed.code.clone(),
        full_name: typed.full_name.clone(),
        gender: typed.gender.clone().unwrap_or_default(),
        birth_date: typed.birth_date.clone().unwrap_or_default(),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::classes::add_student(&ctx, &actor, class, &f, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        AddStudent::PATH,
        |s| vec![(back::STUDENT_ADDED, s.full_name.clone())],
        back::STUDENT.pairs(&typed),
    )
}

/// Imports a class's roster from CSV `code,full_name,gender,birth_date` (the form's `class`).
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_roster")]
pub async fn import_roster(
    /// The import form, as posted: the class and the CSV file.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let form = crate::serverfns::form::read_multipart(data, "file", MAX_CLASS_IMPORT_BYTES)
            .await
            .map_err(fail)?;
        let class: ClassId = form
            .field("class")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| fail(lophoc::Error::not_found()))?;
        lophoc::services::classes::import_students(&ctx, &actor, class, &form.file, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(r, ImportRoster::PATH, imported, vec![])
}

/// Moves a student to another class of the year from `from` (dd/mm/yyyy; today when empty);
/// the old place is kept in the history.
#[server(prefix = "/fn", endpoint = "move_student")]
pub async fn move_student(
    /// The student moved.
    student: StudentId,
    /// The class the student moves to.
    to: ClassId,
    /// The first day in the new class (dd/mm/yyyy; today when empty).
    from: Option<String>,
) -> Result<String, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let from = lophoc::dates::optional_date("from", from.as_deref()).map_err(fail)?;
        lophoc::services::classes::move_student(&ctx, &actor, student, to, from, Some(&c.ip))
            .await
            .map_err(fail)?;
        let (k, _) = lophoc::services::classes::get(&ctx, &actor, to)
            .await
            .map_err(fail)?;
        Ok(k.name)
    }
    .await;
    form::answer(
        r,
        MoveStudent::PATH,
        |name| vec![(back::MOVED, name.clone())],
        vec![],
    )
}

/// A class's attendance from `from` to `to` (dd/mm/yyyy or `YYYY-MM-DD`; the last 30 days by
/// default), per student.
#[server(prefix = "/fn", endpoint = "class_attendance")]
pub async fn class_attendance(
    /// The class whose attendance is summed up.
    class: ClassId,
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
) -> Result<(lophoc::classes::Class, AttendanceSummary), UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let (from, to) =
        lophoc::dates::report_range(ctx.now(), from.as_deref(), to.as_deref()).map_err(fail)?;
    let (k, _) = lophoc::services::classes::get(&ctx, &actor, class)
        .await
        .map_err(fail)?;
    let s = lophoc::services::roll_calls::summary(&ctx, &actor, class, from, to)
        .await
        .map_err(fail)?;
    Ok((k, s))
}

/// Every school's on-time share from `from` to `to` (the last 30 days by default; the
/// department).
#[server(prefix = "/fn", endpoint = "on_time_by_school")]
pub async fn on_time_by_school(
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
) -> Result<(String, String, Vec<SchoolOnTime>), UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let (from, to) =
        lophoc::dates::report_range(ctx.now(), from.as_deref(), to.as_deref()).map_err(fail)?;
    let items = lophoc::services::roll_calls::on_time_by_school(&ctx, &actor, from, to)
        .await
        .map_err(fail)?;
    Ok((from.to_string(), to.to_string(), items))
}

#[cfg(feature = "ssr")]
fn imported(o: &ImportOutcome) -> Vec<(&'static str, String)> {
    vec![
        (back::CREATED, o.created.to_string()),
        (back::UPDATED, o.updated.to_string()),
    ]
}

/// Plain-form answers with this module's keys (server only).
#[cfg(feature = "ssr")]
mod form {
    use crate::error::UiError;

    /// [`crate::serverfns::form::answer`], replacing any earlier answer of the class forms.
    pub fn answer<T>(
        r: Result<T, UiError>,
        fn_path: &str,
        ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
        typed: Vec<(String, String)>,
    ) -> Result<T, UiError> {
        crate::serverfns::form::answer(r, fn_path, super::back::is_answer, ok, typed)
    }
}
