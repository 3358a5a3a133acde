//! Classes, school years, students and timetables. Each is one service call; the forms' server
//! functions answer a plain form with a redirect back and the keys of [`back`]. The roll-call
//! server functions are in [`super::roll_calls`].

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::classes::{ClassView, ClassesOverview, SchoolYear};
use lophoc::ids::{ClassId, StudentId};
use lophoc::model::ImportOutcome;
use lophoc::timetable::TimetableEditor;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Query-string keys of the roll-call form's answer, and of the class forms'.
pub mod back {
    /// A class was added: its name.
    pub const CLASS_ADDED: &str = "class_added";
    /// A student was added: their name.
    pub const STUDENT_ADDED: &str = "student_added";
    /// A student was moved: their name.
    pub const MOVED: &str = "moved";
    /// An import created this many.
    pub const CREATED: &str = "created";
    /// An import updated this many.
    pub const UPDATED: &str = "updated";
    /// What was typed into a form that failed.
    pub const NAME: &str = "name";
    /// See [`NAME`].
    pub const GRADE: &str = "grade";
    /// See [`NAME`].
    pub const HOMEROOM: &str = "homeroom";
    /// See [`NAME`].
    pub const CODE: &str = "code";
    /// See [`NAME`].
    pub const FULL_NAME: &str = "full_name";
    /// See [`NAME`].
    pub const GENDER: &str = "gender";
    /// See [`NAME`].
    pub const BIRTH_DATE: &str = "birth_date";
    /// The timetable was saved.
    pub const TIMETABLE_SAVED: &str = "timetable_saved";
    /// After a timetable error, the cells as typed ([`lophoc::timetable::CellText::encode_all`]).
    pub const CELLS: &str = "cells";
    /// After a timetable error, the start date as typed.
    pub const FROM: &str = "from";
    /// A school year's dates were saved: its name.
    pub const YEAR_SAVED: &str = "year_saved";
    /// What was typed into the year form that failed.
    pub const STARTS: &str = "starts";
    /// See [`STARTS`].
    pub const TERM2: &str = "term2_starts";
    /// See [`STARTS`].
    pub const ENDS: &str = "ends";
    /// Every key of the class forms: a new answer replaces the previous one.
    pub const ALL: [&str; 19] = [
        YEAR_SAVED,
        STARTS,
        TERM2,
        ENDS,
        TIMETABLE_SAVED,
        CELLS,
        FROM,
        CLASS_ADDED,
        STUDENT_ADDED,
        MOVED,
        CREATED,
        UPDATED,
        NAME,
        GRADE,
        HOMEROOM,
        CODE,
        FULL_NAME,
        GENDER,
        BIRTH_DATE,
    ];
    /// The roll call was saved.
    pub const SAVED: &str = "saved";
    /// After an error, the marks sent: `student.status` pairs, comma separated.
    pub const MARKS: &str = "marks";
}

/// The largest CSV file a class import accepts (a school's timetable is a few hundred lines).
pub const MAX_CLASS_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The caller's school's classes of a year (this year by default).
#[server(prefix = "/fn", endpoint = "school_classes")]
pub async fn school_classes(year: Option<String>) -> Result<ClassesOverview, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::classes::overview(&ctx, &actor, year.as_deref())
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Adds a class to the caller's school (its administrators).
#[server(prefix = "/fn", endpoint = "create_class")]
pub async fn create_class(
    name: String,
    grade: String,
    school_year: String,
    homeroom: Option<String>,
) -> Result<lophoc::classes::Class, UiError> {
    use server_fn::ServerFn;
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
        vec![
            (back::NAME, name),
            (back::GRADE, grade),
            (back::HOMEROOM, homeroom),
        ],
    )
}

/// Sets the dates of one of the school's years (its administrators): the first day, the first
/// day of học kỳ II and the last day (dd/mm/yyyy); a year not defined yet is created.
#[server(prefix = "/fn", endpoint = "set_school_year")]
pub async fn set_school_year(
    name: String,
    starts: String,
    term2_starts: String,
    ends: String,
) -> Result<SchoolYear, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(None).map_err(fail)?;
        let dates = lophoc::services::classes::YearDates {
            starts: starts.clone(),
            term2_starts: term2_starts.clone(),
            ends: ends.clone(),
        };
        lophoc::services::classes::set_year(&ctx, &actor, school, &name, &dates, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        SetSchoolYear::PATH,
        |y| vec![(back::YEAR_SAVED, y.name.clone())],
        vec![
            (back::STARTS, starts),
            (back::TERM2, term2_starts),
            (back::ENDS, ends),
        ],
    )
}

/// Imports the school's classes from CSV `name,grade,school_year,homeroom_username`.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_classes")]
pub async fn import_classes(data: MultipartData) -> Result<ImportOutcome, UiError> {
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
pub async fn import_timetable(data: MultipartData) -> Result<ImportOutcome, UiError> {
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
pub async fn class_page(class: ClassId, date: Option<String>) -> Result<ClassView, UiError> {
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
    class: ClassId,
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
pub async fn save_timetable(data: MultipartData) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let mut typed = (String::new(), String::new());
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
        let cells = lophoc::timetable::cells_from_form(&form.fields);
        let from = form.field("from").map(str::to_owned);
        typed = (
            lophoc::timetable::CellText::encode_all(&cells),
            from.clone().unwrap_or_default(),
        );
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
        vec![(back::CELLS, typed.0), (back::FROM, typed.1)],
    )
}

/// Adds one student to a class.
#[server(prefix = "/fn", endpoint = "add_student")]
pub async fn add_student(
    class: ClassId,
    code: String,
    full_name: String,
    gender: Option<String>,
    birth_date: Option<String>,
) -> Result<lophoc::classes::Student, UiError> {
    use server_fn::ServerFn;
    let f = lophoc::services::classes::StudentForm {
        code,
        full_name,
        gender: gender.unwrap_or_default(),
        birth_date: birth_date.unwrap_or_default(),
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
        vec![
            (back::CODE, f.code.clone()),
            (back::FULL_NAME, f.full_name.clone()),
            (back::GENDER, f.gender.clone()),
            (back::BIRTH_DATE, f.birth_date.clone()),
        ],
    )
}

/// Imports a class's roster from CSV `code,full_name,gender,birth_date` (the form's `class`).
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_roster")]
pub async fn import_roster(data: MultipartData) -> Result<ImportOutcome, UiError> {
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
    student: StudentId,
    to: ClassId,
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
        keep: Vec<(&'static str, String)>,
    ) -> Result<T, UiError> {
        crate::serverfns::form::answer(r, fn_path, &super::back::ALL, ok, keep)
    }
}
