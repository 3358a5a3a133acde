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
        let cells = lophoc::timetable::cells_from_form(&form.fields);
        let from = form.field("from").map(str::to_owned);
        typed = TimetableDraft {
            cells: lophoc::timetable::CellText::encode_all(&cells),
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
