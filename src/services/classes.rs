//! School years, classes, students and rosters.
//!
//! Everyone of the school (and the department) reads them; the school's administrators (and
//! sysadmins) change them. A class of another school is "not found". A student's place in a
//! class is kept with its dates, so moving a student keeps the history (and last month's roll
//! calls keep their roster).

use crate::classes::{Class, ClassInput, ClassesOverview, SchoolYear, StaffMember};
use crate::dates::today_at;
use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{ClassId, SchoolId, UserId};
use crate::model::{Actor, ImportOutcome, Role};
use crate::services::audit::{self, Action, Record};
use crate::services::csv_import::{self, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_flag, internal, is_unique_violation};
use crate::text::fold;
use crate::validate;
use chrono::NaiveDate;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

mod students;
mod years;

pub(crate) use students::members_on;
pub use students::{
    NewStudent, StudentForm, add_student, enrol, import_students, move_student, students,
};
pub(crate) use years::ensure_year;
use years::year_by_name;
pub use years::{YearDates, set_year, years};

/// The header of a classes CSV (API.md).
pub const CLASS_CSV_HEADER: [&str; 4] = ["name", "grade", "school_year", "homeroom_username"];
/// The header of a roster CSV (API.md; SMAS and VnEdu export these columns).
pub const STUDENT_CSV_HEADER: [&str; 4] = ["code", "full_name", "gender", "birth_date"];
/// The tables a change of years, classes or rosters locks against other writers (PostgreSQL; on
/// SQLite every write transaction is exclusive).
const ROSTER_TABLES: &[&str] = &["school_years", "classes", "students", "class_members"];

/// The most students one class may have (DOMAIN.md: 45 at most; room for exceptions).
pub const MAX_CLASS_SIZE: usize = 60;

#[derive(sqlx::FromRow)]
struct ClassRow {
    id: ClassId,
    school_id: SchoolId,
    name: String,
    grade: i64,
    school_year: String,
    homeroom_teacher_id: Option<UserId>,
    homeroom_teacher_name: Option<String>,
    students: i64,
}

impl From<ClassRow> for Class {
    fn from(r: ClassRow) -> Class {
        Class {
            id: r.id,
            school_id: r.school_id,
            name: r.name,
            grade: r.grade,
            school_year: r.school_year,
            homeroom_teacher_id: r.homeroom_teacher_id,
            homeroom_teacher_name: r.homeroom_teacher_name,
            students: r.students,
        }
    }
}

/// Classes with their year, homeroom teacher and number of students on day `$1`.
const CLASS_SELECT: &str = "SELECT c.id, c.school_id, c.name, c.grade, y.name AS school_year, \
     c.homeroom_teacher_id, u.full_name AS homeroom_teacher_name, \
     (SELECT COUNT(*) FROM class_members m WHERE m.class_id = c.id AND m.since <= $1 \
        AND (m.until IS NULL OR m.until > $1)) AS students \
     FROM classes c JOIN school_years y ON y.id = c.year_id \
     LEFT JOIN users u ON u.id = c.homeroom_teacher_id";

/// Today, school time.
pub(crate) fn today(ctx: &Ctx) -> NaiveDate {
    today_at(ctx.now())
}

/// The classes of a school in a year (this year by default), by grade and name.
pub async fn list(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    year: Option<&str>,
) -> Result<Vec<Class>, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    let today = today(ctx);
    let year = year
        .map(str::to_owned)
        .unwrap_or_else(|| SchoolYear::name_of(today));
    let sql =
        format!("{CLASS_SELECT} WHERE c.school_id = $2 AND y.name = $3 ORDER BY c.grade, c.name");
    let rows: Vec<ClassRow> = sqlx::query_as(&sql)
        .bind(today.to_string())
        .bind(school)
        .bind(year)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(Class::from).collect())
}

/// The classes a teacher teaches or is homeroom teacher of, this year.
pub async fn taught_by(ctx: &Ctx, actor: &Actor) -> Result<Vec<Class>, Error> {
    let Some(school) = actor.school_id else {
        return Ok(Vec::new());
    };
    let today = today(ctx);
    let sql = format!(
        "{CLASS_SELECT} WHERE c.school_id = $2 AND y.name = $3 AND (c.homeroom_teacher_id = $4 OR c.id IN \
         (SELECT v.class_id FROM timetable_versions v JOIN timetable_items i ON i.version_id = v.id \
          WHERE i.teacher_id = $4)) ORDER BY c.grade, c.name"
    );
    let rows: Vec<ClassRow> = sqlx::query_as(&sql)
        .bind(today.to_string())
        .bind(school)
        .bind(SchoolYear::name_of(today))
        .bind(actor.user_id)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().map(Class::from).collect())
}

/// A class without checking who asks, with its year.
pub(crate) async fn load(ctx: &Ctx, id: ClassId) -> Result<Option<(Class, SchoolYear)>, Error> {
    let sql = format!("{CLASS_SELECT} WHERE c.id = $2");
    let row: Option<ClassRow> = sqlx::query_as(&sql)
        .bind(today(ctx).to_string())
        .bind(id)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let Some(row) = row else { return Ok(None) };
    let class = Class::from(row);
    let year = year_by_name(&ctx.db.pool, class.school_id, &class.school_year)
        .await?
        .ok_or_else(Error::internal)?;
    Ok(Some((class, year)))
}

/// Whether the actor may book a device of `school` for this class: a class of that school that
/// they teach (in any version of its timetable) or are the homeroom teacher of; any class of
/// the school for its administrators.
pub(crate) async fn may_book_for(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    school: SchoolId,
) -> Result<bool, Error> {
    let Some((c, _)) = load(ctx, class).await? else {
        return Ok(false);
    };
    if c.school_id != school {
        return Ok(false);
    }
    if actor.can_manage_school(school) || c.homeroom_teacher_id == Some(actor.user_id) {
        return Ok(true);
    }
    let teaches = sqlx::query(
        "SELECT 1 AS x FROM timetable_items i JOIN timetable_versions v ON v.id = i.version_id \
         WHERE v.class_id = $1 AND i.teacher_id = $2",
    )
    .bind(class)
    .bind(actor.user_id)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    Ok(teaches.is_some())
}

/// A class the actor may read (else "not found"), with its year.
pub async fn get(ctx: &Ctx, actor: &Actor, id: ClassId) -> Result<(Class, SchoolYear), Error> {
    match load(ctx, id).await? {
        Some((c, y)) if actor.can_read_school(c.school_id) => Ok((c, y)),
        _ => Err(Error::not_found()),
    }
}

/// A checked class name: 1–20 characters, NFC, spaces folded (`6A1`, `Lá 1`).
fn class_name(s: &str) -> Result<String, Msg> {
    validate::name(s, 20)
}

fn grade(s: &str) -> Result<i64, Msg> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|g| (0..=12).contains(g))
        .ok_or_else(|| Msg::new("validation.grade"))
}

/// A homeroom teacher must be an active teacher or administrator of the school.
async fn check_staff(ctx: &Ctx, school: SchoolId, user: UserId) -> Result<bool, Error> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT role, school_id, active FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
    let Some(r) = row else { return Ok(false) };
    // A stored role or flag that does not decode is an error, never "not staff".
    let role = decode("role", &r.role, Role::parse).map_err(internal)?;
    let active = decode_flag("active", r.active).map_err(internal)?;
    Ok(active && r.school_id == Some(school) && matches!(role, Role::Teacher | Role::SchoolAdmin))
}

#[derive(sqlx::FromRow)]
struct UserRow {
    role: String,
    school_id: Option<SchoolId>,
    active: i64,
}

/// Creates a class (API.md). 422 with a field for each bad value; a name the year already has
/// is a 409 on `name`.
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    input: &ClassInput,
    ip: Option<&str>,
) -> Result<Class, Error> {
    actor.must_manage_school(school)?;
    let mut errs = FieldErrors::new();
    let name = errs.check("name", class_name(&input.name));
    let grade = errs.check("grade", grade(&input.grade.to_string()));
    if SchoolYear::usual_dates(&input.school_year).is_none() {
        errs.add("school_year", Msg::new("validation.school_year"));
    }
    if let Some(t) = input.homeroom_teacher_id
        && !check_staff(ctx, school, t).await?
    {
        errs.add("homeroom_teacher_id", Msg::new("validation.teacher"));
    }
    errs.finish()?;
    let row = NewClass {
        name: name.unwrap_or_default(),
        grade: grade.unwrap_or_default(),
        school_year: input.school_year.trim().to_owned(),
        homeroom: input.homeroom_teacher_id,
    };
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    let id = match insert_class(&mut tx, now, school, &row).await? {
        Some(id) => id,
        None => {
            return Err(Error::field("name", Msg::new("validation.class_taken"))
                .with_code(ErrorCode::Conflict));
        }
    };
    audit::write(
        &mut *tx,
        now,
        Action::ClassCreate,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("class:{id}"),
            new: Some(serde_json::to_string(input).unwrap_or_default()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    load(ctx, id)
        .await?
        .map(|(c, _)| c)
        .ok_or_else(Error::internal)
}

/// A checked class, ready to write.
#[derive(Debug, Clone)]
pub struct NewClass {
    /// Name.
    pub name: String,
    /// Grade.
    pub grade: i64,
    /// Year name.
    pub school_year: String,
    /// Homeroom teacher.
    pub homeroom: Option<UserId>,
}

/// Inserts a class, or `None` when the year already has one of that name.
async fn insert_class(
    tx: &mut Transaction<'static, Any>,
    now: i64,
    school: SchoolId,
    c: &NewClass,
) -> Result<Option<ClassId>, Error> {
    let year = ensure_year(tx, school, &c.school_year).await?;
    let res = sqlx::query_scalar::<_, ClassId>(
        "INSERT INTO classes (school_id, year_id, name, grade, homeroom_teacher_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(school)
    .bind(year.id)
    .bind(c.name.clone())
    .bind(c.grade)
    .bind(c.homeroom)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    match res {
        Ok(id) => Ok(Some(id)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

/// Imports classes from CSV `name,grade,school_year,homeroom_username`: a class the year has
/// already is updated (grade, homeroom teacher), a new one added; every bad line reported and
/// nothing written.
pub async fn import_csv(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    actor.must_manage_school(school)?;
    let (lines, mut errors) = csv_import::read_lines(bytes, &CLASS_CSV_HEADER)?;
    let staff = staff_by_username(ctx, school).await?;
    let mut rows = Vec::new();
    let mut seen = OncePerFile::new();
    for l in &lines {
        let before = errors.len();
        let name = class_name(l.get(0))
            .map_err(|m| errors.push(cell_error(l.line, "name", m)))
            .ok();
        let g = grade(l.get(1))
            .map_err(|m| errors.push(cell_error(l.line, "grade", m)))
            .ok();
        let year = l.get(2).trim().to_owned();
        if SchoolYear::usual_dates(&year).is_none() {
            errors.push(cell_error(
                l.line,
                "school_year",
                Msg::new("validation.school_year"),
            ));
        }
        let homeroom = match l.get(3).trim().to_lowercase() {
            u if u.is_empty() => None,
            u => match staff.get(&u) {
                Some(id) => Some(*id),
                None => {
                    errors.push(cell_error(
                        l.line,
                        "homeroom_username",
                        Msg::new("validation.teacher"),
                    ));
                    None
                }
            },
        };
        if let Some(n) = &name {
            errors.extend(seen.check((year.clone(), fold(n)), l.line, "name"));
        }
        if errors.len() == before {
            rows.push(NewClass {
                name: name.unwrap_or_default(),
                grade: g.unwrap_or_default(),
                school_year: year,
                homeroom,
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::lines(errors));
    }
    upsert_classes(ctx, Some(actor), school, &rows, ip).await
}

/// Active teachers and administrators of a school by username.
async fn staff_by_username(ctx: &Ctx, school: SchoolId) -> Result<HashMap<String, UserId>, Error> {
    Ok(staff(ctx, school)
        .await?
        .into_iter()
        .map(|m| (m.username, m.id))
        .collect())
}

/// Writes checked classes in one transaction (import and seeding): matched by year and name.
pub async fn upsert_classes(
    ctx: &Ctx,
    actor: Option<&Actor>,
    school: SchoolId,
    rows: &[NewClass],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    let mut out = ImportOutcome::default();
    for c in rows {
        let year = ensure_year(&mut tx, school, &c.school_year).await?;
        let existing: Option<(ClassId, i64, Option<UserId>)> = sqlx::query_as(
            "SELECT id, grade, homeroom_teacher_id FROM classes WHERE year_id = $1 AND name = $2",
        )
        .bind(year.id)
        .bind(c.name.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        match existing {
            Some((id, g, h)) => {
                if g != c.grade || h != c.homeroom {
                    sqlx::query(
                        "UPDATE classes SET grade = $1, homeroom_teacher_id = $2 WHERE id = $3",
                    )
                    .bind(c.grade)
                    .bind(c.homeroom)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                    out.updated += 1;
                }
            }
            None => {
                insert_class(&mut tx, now, school, c).await?;
                out.created += 1;
            }
        }
    }
    if let Some(actor) = actor {
        audit::write(
            &mut *tx,
            now,
            Action::ClassImport,
            Record {
                actor: Some(actor),
                school_id: Some(school),
                object: format!("school:{school}"),
                new: Some(format!(
                    "{{\"created\":{},\"updated\":{}}}",
                    out.created, out.updated
                )),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(out)
}

/// The classes page of the caller's school: the classes of `year` (this year by default), the
/// school's years, whether the caller runs the school and, if so, its staff for the forms.
pub async fn overview(
    ctx: &Ctx,
    actor: &Actor,
    year: Option<&str>,
) -> Result<ClassesOverview, Error> {
    let school = actor.school_or(None)?;
    let year = year
        .map(str::trim)
        .filter(|y| !y.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| SchoolYear::name_of(today(ctx)));
    let classes = list(ctx, actor, school, Some(&year)).await?;
    let years = years(ctx, actor, school).await?;
    let manage = actor.can_manage_school(school);
    let staff = if manage {
        staff(ctx, school).await?
    } else {
        Vec::new()
    };
    Ok(ClassesOverview {
        school_id: school,
        year,
        years,
        classes,
        manage,
        staff,
    })
}

/// A school's active teachers and administrators, by name (Vietnamese order).
pub(crate) async fn staff(ctx: &Ctx, school: SchoolId) -> Result<Vec<StaffMember>, Error> {
    let rows: Vec<(UserId, String, String)> = sqlx::query_as(
        "SELECT id, username, full_name FROM users WHERE school_id = $1 AND active = 1 \
         AND role IN ('teacher', 'school_admin') ORDER BY search_key, username",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out: Vec<StaffMember> = rows
        .into_iter()
        .map(|(id, username, full_name)| StaffMember {
            id,
            username,
            full_name,
        })
        .collect();
    crate::names::sort_by_name(&mut out, |s| &s.full_name);
    Ok(out)
}
