//! School years, classes, students and rosters.
//!
//! Everyone of the school (and the department) reads them; the school's administrators (and
//! sysadmins) change them. A class of another school is "not found". A student's place in a
//! class is kept with its dates, so moving a student keeps the history (and last month's roll
//! calls keep their roster).

use crate::classes::{
    Class, ClassInput, ClassesOverview, Gender, SchoolYear, StaffMember, Student,
};
use crate::dates::{parse_date, today_at};
use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{ClassId, SchoolId, StudentId, UserId, YearId};
use crate::model::{Actor, ImportOutcome, Role};
use crate::services::audit::{self, Record};
use crate::services::csv_import::{self, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal, is_unique_violation};
use crate::text::{clean, fold};
use crate::validate;
use chrono::NaiveDate;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

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
struct YearRow {
    id: YearId,
    school_id: SchoolId,
    name: String,
    starts: String,
    term2_starts: String,
    ends: String,
}

impl TryFrom<YearRow> for SchoolYear {
    type Error = sqlx::Error;
    fn try_from(r: YearRow) -> Result<SchoolYear, sqlx::Error> {
        Ok(SchoolYear {
            id: r.id,
            school_id: r.school_id,
            name: r.name,
            starts: decode_date(&r.starts)?,
            term2_starts: decode_date(&r.term2_starts)?,
            ends: decode_date(&r.ends)?,
        })
    }
}

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

#[derive(sqlx::FromRow)]
struct StudentRow {
    id: StudentId,
    school_id: SchoolId,
    code: String,
    full_name: String,
    gender: Option<String>,
    birth_date: Option<String>,
}

impl TryFrom<StudentRow> for Student {
    type Error = sqlx::Error;
    fn try_from(r: StudentRow) -> Result<Student, sqlx::Error> {
        Ok(Student {
            id: r.id,
            school_id: r.school_id,
            code: r.code,
            full_name: r.full_name,
            gender: r
                .gender
                .map(|g| decode("gender", &g, Gender::parse))
                .transpose()?,
            birth_date: r.birth_date.map(|d| decode_date(&d)).transpose()?,
        })
    }
}

/// Today, school time.
pub(crate) fn today(ctx: &Ctx) -> NaiveDate {
    today_at(ctx.now())
}

/// A school's year by name, created with the usual dates when the school has not defined it.
pub(crate) async fn ensure_year(
    tx: &mut Transaction<'static, Any>,
    school: SchoolId,
    name: &str,
) -> Result<SchoolYear, Error> {
    let name = name.trim();
    if let Some(y) = year_by_name(&mut **tx, school, name).await? {
        return Ok(y);
    }
    let (starts, term2, ends) = SchoolYear::usual_dates(name)
        .ok_or_else(|| Error::field("school_year", Msg::new("validation.school_year")))?;
    sqlx::query(
        "INSERT INTO school_years (school_id, name, starts, term2_starts, ends) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (school_id, name) DO NOTHING",
    )
    .bind(school)
    .bind(name.to_owned())
    .bind(starts.to_string())
    .bind(term2.to_string())
    .bind(ends.to_string())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    year_by_name(&mut **tx, school, name)
        .await?
        .ok_or_else(Error::internal)
}

async fn year_by_name<'e, E: sqlx::Executor<'e, Database = Any>>(
    exec: E,
    school: SchoolId,
    name: &str,
) -> Result<Option<SchoolYear>, Error> {
    sqlx::query_as::<_, YearRow>(
        "SELECT id, school_id, name, starts, term2_starts, ends FROM school_years \
         WHERE school_id = $1 AND name = $2",
    )
    .bind(school)
    .bind(name.to_owned())
    .fetch_optional(exec)
    .await
    .map_err(internal)?
    .map(SchoolYear::try_from)
    .transpose()
    .map_err(internal)
}

/// The school's years, newest first.
pub async fn years(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<Vec<SchoolYear>, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    sqlx::query_as::<_, YearRow>(
        "SELECT id, school_id, name, starts, term2_starts, ends FROM school_years \
         WHERE school_id = $1 ORDER BY starts DESC",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(SchoolYear::try_from)
    .collect::<Result<_, _>>()
    .map_err(internal)
}

/// A year's dates as a form or the API sends them (`YYYY-MM-DD` or dd/mm/yyyy).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct YearDates {
    /// First day.
    pub starts: String,
    /// First day of học kỳ II.
    pub term2_starts: String,
    /// Last day.
    pub ends: String,
}

/// Sets the dates of one of the school's years (creating it if needed). The terms must be in
/// order and the year at most 13 months long.
pub async fn set_year(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    name: &str,
    dates: &YearDates,
    ip: Option<&str>,
) -> Result<SchoolYear, Error> {
    actor.must_manage_school(school)?;
    let mut errs = FieldErrors::new();
    let mut get = |field: &str, s: &str| {
        errs.check(
            field,
            parse_date(s).ok_or_else(|| Msg::new("validation.date")),
        )
    };
    let starts = get("starts", &dates.starts);
    let term2 = get("term2_starts", &dates.term2_starts);
    let ends = get("ends", &dates.ends);
    if let (Some(s), Some(t), Some(e)) = (starts, term2, ends)
        && !(s < t && t <= e && (e - s).num_days() <= 400)
    {
        errs.add("term2_starts", Msg::new("validation.year_dates"));
    }
    if SchoolYear::usual_dates(name).is_none() {
        errs.add("school_year", Msg::new("validation.school_year"));
    }
    errs.finish()?;
    // `finish` refused the form if any of the three dates was missing or bad.
    let (Some(starts), Some(term2), Some(ends)) = (starts, term2, ends) else {
        return Err(Error::internal());
    };
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    let old = ensure_year(&mut tx, school, name).await?;
    sqlx::query("UPDATE school_years SET starts = $1, term2_starts = $2, ends = $3 WHERE id = $4")
        .bind(starts.to_string())
        .bind(term2.to_string())
        .bind(ends.to_string())
        .bind(old.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let year = SchoolYear {
        starts,
        term2_starts: term2,
        ends,
        ..old.clone()
    };
    audit::write(
        &mut *tx,
        now,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            action: "year.update",
            object: format!("year:{}", year.id),
            old: Some(serde_json::to_string(&old).unwrap_or_default()),
            new: Some(serde_json::to_string(&year).unwrap_or_default()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(year)
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
    let row = sqlx::query("SELECT role, school_id, active FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(row.is_some_and(|r| {
        let role: String = r.try_get("role").unwrap_or_default();
        let s: Option<i64> = r.try_get("school_id").unwrap_or(None);
        let active: i64 = r.try_get("active").unwrap_or(0);
        active == 1
            && s == Some(school.0)
            && matches!(Role::parse(&role), Some(Role::Teacher | Role::SchoolAdmin))
    }))
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
        Record {
            actor: Some(actor),
            school_id: Some(school),
            action: "class.create",
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
    let res = sqlx::query(
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
        Ok(r) => Ok(Some(r.try_get("id").map_err(internal)?)),
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
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
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
            let key = (year.clone(), fold(n));
            if let Some(first) = seen.get(&key) {
                errors.push(cell_error(
                    l.line,
                    "name",
                    Msg::new("import.duplicate_in_file").arg("line", first),
                ));
            } else {
                seen.insert(key, l.line);
            }
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
        let existing = sqlx::query(
            "SELECT id, grade, homeroom_teacher_id FROM classes WHERE year_id = $1 AND name = $2",
        )
        .bind(year.id)
        .bind(c.name.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        match existing {
            Some(r) => {
                let id: ClassId = r.try_get("id").map_err(internal)?;
                let g: i64 = r.try_get("grade").map_err(internal)?;
                let h: Option<UserId> = r.try_get("homeroom_teacher_id").map_err(internal)?;
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
            Record {
                actor: Some(actor),
                school_id: Some(school),
                action: "class.import",
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

/// The students of a class on a day (today by default), by name.
pub async fn students(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    on: Option<NaiveDate>,
) -> Result<Vec<Student>, Error> {
    get(ctx, actor, class).await?;
    members_on(ctx, class, on.unwrap_or_else(|| today(ctx))).await
}

/// The students in a class on a day, without checking who asks.
pub(crate) async fn members_on(
    ctx: &Ctx,
    class: ClassId,
    on: NaiveDate,
) -> Result<Vec<Student>, Error> {
    let rows: Vec<StudentRow> = sqlx::query_as(
        "SELECT s.id, s.school_id, s.code, s.full_name, s.gender, s.birth_date FROM students s \
         JOIN class_members m ON m.student_id = s.id \
         WHERE m.class_id = $1 AND m.since <= $2 AND (m.until IS NULL OR m.until > $2) \
         ORDER BY s.search_key, s.code",
    )
    .bind(class)
    .bind(on.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(Student::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

/// A checked roster line, ready to write.
#[derive(Debug, Clone)]
pub struct NewStudent {
    /// Mã học sinh.
    pub code: String,
    /// Name, NFC.
    pub full_name: String,
    /// Nam / Nữ.
    pub gender: Option<Gender>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
}

fn student_code(s: &str) -> Result<String, Msg> {
    let c = clean(s);
    if c.is_empty() {
        return Err(Msg::new("validation.required"));
    }
    if c.chars().count() > 30 || c.chars().any(char::is_whitespace) {
        return Err(Msg::new("validation.student_code"));
    }
    Ok(c)
}

/// Imports a class's roster from CSV `code,full_name,gender,birth_date` (as SMAS and VnEdu
/// export it: UTF-8 with or without BOM, `,` or `;`, dates dd/mm/yyyy or `YYYY-MM-DD`). A
/// student the school knows (by code) is updated and, when in another class of the same year,
/// moved here from today; a new one is added. Every bad line reported and nothing written.
pub async fn import_students(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    let (c, _) = get(ctx, actor, class).await?;
    actor.must_manage_school(c.school_id)?;
    let (lines, mut errors) = csv_import::read_lines(bytes, &STUDENT_CSV_HEADER)?;
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for l in &lines {
        let before = errors.len();
        let code = student_code(l.get(0))
            .map_err(|m| errors.push(cell_error(l.line, "code", m)))
            .ok();
        let name = validate::full_name(l.get(1))
            .map_err(|m| errors.push(cell_error(l.line, "full_name", m)))
            .ok();
        let gender = match l.get(2).trim() {
            "" => None,
            g => {
                let parsed = Gender::parse(g);
                if parsed.is_none() {
                    errors.push(cell_error(l.line, "gender", Msg::new("validation.gender")));
                }
                parsed
            }
        };
        let birth = match l.get(3).trim() {
            "" => None,
            d => {
                let parsed = parse_date(d).filter(|d| *d < today(ctx));
                if parsed.is_none() {
                    errors.push(cell_error(
                        l.line,
                        "birth_date",
                        Msg::new("validation.date"),
                    ));
                }
                parsed
            }
        };
        if let Some(code) = &code {
            if let Some(first) = seen.get(code) {
                errors.push(cell_error(
                    l.line,
                    "code",
                    Msg::new("import.duplicate_in_file").arg("line", first),
                ));
            } else {
                seen.insert(code.clone(), l.line);
            }
        }
        if errors.len() == before {
            rows.push(NewStudent {
                code: code.unwrap_or_default(),
                full_name: name.unwrap_or_default(),
                gender,
                birth_date: birth,
            });
        }
    }
    if rows.len() > MAX_CLASS_SIZE {
        errors.push(cell_error(
            1,
            "code",
            Msg::new("validation.class_size").arg("max", MAX_CLASS_SIZE),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::lines(errors));
    }
    enrol(ctx, Some(actor), class, &rows, None, ip).await
}

/// Writes students and puts them in a class in one transaction (import and seeding): from
/// `since` when given; else a student new to the year from its first day (the roster of a class
/// that has been meeting since September), and a student in another class of the year from
/// today (a move, which ends the old place that day).
pub async fn enrol(
    ctx: &Ctx,
    actor: Option<&Actor>,
    class: ClassId,
    rows: &[NewStudent],
    since: Option<NaiveDate>,
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    let (c, year) = load(ctx, class).await?.ok_or_else(Error::not_found)?;
    let first = since.unwrap_or(year.starts);
    let moving = since.unwrap_or_else(|| today(ctx).clamp(year.starts, year.ends));
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    let mut out = ImportOutcome::default();
    for s in rows {
        let existing = sqlx::query_as::<_, StudentRow>(
            "SELECT id, school_id, code, full_name, gender, birth_date FROM students \
             WHERE school_id = $1 AND code = $2",
        )
        .bind(c.school_id)
        .bind(s.code.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        let id = match existing {
            Some(r) => {
                let id = r.id;
                let old = Student::try_from(r).map_err(internal)?;
                if old.full_name != s.full_name
                    || old.gender != s.gender
                    || old.birth_date != s.birth_date
                {
                    sqlx::query(
                        "UPDATE students SET full_name = $1, gender = $2, birth_date = $3, search_key = $4 \
                         WHERE id = $5",
                    )
                    .bind(s.full_name.clone())
                    .bind(s.gender.map(|g| g.as_str().to_owned()))
                    .bind(s.birth_date.map(|d| d.to_string()))
                    .bind(fold(&s.full_name))
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                    out.updated += 1;
                }
                id
            }
            None => {
                let r = sqlx::query(
                    "INSERT INTO students (school_id, code, full_name, gender, birth_date, search_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(c.school_id)
                .bind(s.code.clone())
                .bind(s.full_name.clone())
                .bind(s.gender.map(|g| g.as_str().to_owned()))
                .bind(s.birth_date.map(|d| d.to_string()))
                .bind(fold(&s.full_name))
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?;
                out.created += 1;
                r.try_get("id").map_err(internal)?
            }
        };
        place(&mut tx, id, class, year.id, first, moving).await?;
    }
    if let Some(actor) = actor {
        audit::write(
            &mut *tx,
            now,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
                action: "student.import",
                object: format!("class:{class}"),
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

/// Puts a student in a class: from `first` when they have no place in the year yet, else from
/// `moving`, closing their open place in any other class of the same year that day (a move
/// keeps the old place as history). Nothing changes when they are already there.
async fn place(
    tx: &mut Transaction<'static, Any>,
    student: StudentId,
    class: ClassId,
    year: YearId,
    first: NaiveDate,
    moving: NaiveDate,
) -> Result<bool, Error> {
    let open = sqlx::query(
        "SELECT m.id, m.class_id, m.since FROM class_members m JOIN classes c ON c.id = m.class_id \
         WHERE m.student_id = $1 AND c.year_id = $2 AND m.until IS NULL",
    )
    .bind(student)
    .bind(year)
    .fetch_all(&mut **tx)
    .await
    .map_err(internal)?;
    let mut there = false;
    let since = if open.is_empty() { first } else { moving };
    for r in &open {
        let id: i64 = r.try_get("id").map_err(internal)?;
        let other: ClassId = r.try_get("class_id").map_err(internal)?;
        if other == class {
            there = true;
            continue;
        }
        let from: String = r.try_get("since").map_err(internal)?;
        if from.as_str() >= since.to_string().as_str() {
            // Placed there from the same day or later: that place never began.
            sqlx::query("DELETE FROM class_members WHERE id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        } else {
            sqlx::query("UPDATE class_members SET until = $1 WHERE id = $2")
                .bind(since.to_string())
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
    }
    if !there {
        sqlx::query("INSERT INTO class_members (class_id, student_id, since) VALUES ($1, $2, $3)")
            .bind(class)
            .bind(student)
            .bind(since.to_string())
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    Ok(!there)
}

/// Moves a student to another class of the same school year from a day (today by default);
/// the place in the old class ends the day before and stays in the history.
pub async fn move_student(
    ctx: &Ctx,
    actor: &Actor,
    student: StudentId,
    to: ClassId,
    from: Option<NaiveDate>,
    ip: Option<&str>,
) -> Result<(), Error> {
    let (c, year) = get(ctx, actor, to).await?;
    actor.must_manage_school(c.school_id)?;
    let owner: Option<SchoolId> = sqlx::query("SELECT school_id FROM students WHERE id = $1")
        .bind(student)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .map(|r| r.try_get("school_id"))
        .transpose()
        .map_err(internal)?;
    if owner != Some(c.school_id) {
        return Err(Error::not_found());
    }
    let from = from.unwrap_or_else(|| today(ctx));
    if !year.contains(from) {
        return Err(Error::field("from", Msg::new("validation.outside_year")));
    }
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    if place(&mut tx, student, to, year.id, from, from).await? {
        audit::write(
            &mut *tx,
            now,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
                action: "student.move",
                object: format!("student:{student}"),
                new: Some(format!("{{\"class_id\":{to},\"from\":\"{from}\"}}")),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
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

/// A school's active teachers and administrators, by name.
pub(crate) async fn staff(ctx: &Ctx, school: SchoolId) -> Result<Vec<StaffMember>, Error> {
    let rows = sqlx::query(
        "SELECT id, username, full_name FROM users WHERE school_id = $1 AND active = 1 \
         AND role IN ('teacher', 'school_admin') ORDER BY search_key, username",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok(StaffMember {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                full_name: r.try_get("full_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

/// One student as a form sends them (every field as typed).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StudentForm {
    /// Mã học sinh.
    pub code: String,
    /// Full name.
    pub full_name: String,
    /// `Nam` / `Nữ` or empty.
    pub gender: String,
    /// dd/mm/yyyy, `YYYY-MM-DD` or empty.
    pub birth_date: String,
}

/// Adds one student to a class (the school's admins): each bad field named; a code the school
/// knows already moves that student here from today.
pub async fn add_student(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    form: &StudentForm,
    ip: Option<&str>,
) -> Result<Student, Error> {
    let (c, _) = get(ctx, actor, class).await?;
    actor.must_manage_school(c.school_id)?;
    let mut errs = FieldErrors::new();
    let code = student_code(&form.code)
        .map_err(|m| errs.add("code", m))
        .ok();
    let full_name = validate::full_name(&form.full_name)
        .map_err(|m| errs.add("full_name", m))
        .ok();
    let gender = match form.gender.trim() {
        "" => None,
        g => Gender::parse(g).or_else(|| {
            errs.add("gender", Msg::new("validation.gender"));
            None
        }),
    };
    let birth_date = match form.birth_date.trim() {
        "" => None,
        d => parse_date(d).filter(|d| *d < today(ctx)).or_else(|| {
            errs.add("birth_date", Msg::new("validation.date"));
            None
        }),
    };
    errs.finish()?;
    let row = NewStudent {
        code: code.unwrap_or_default(),
        full_name: full_name.unwrap_or_default(),
        gender,
        birth_date,
    };
    let size = members_on(ctx, class, today(ctx)).await?.len();
    if size >= MAX_CLASS_SIZE {
        return Err(Error::field(
            "code",
            Msg::new("validation.class_size").arg("max", MAX_CLASS_SIZE),
        ));
    }
    enrol(
        ctx,
        Some(actor),
        class,
        std::slice::from_ref(&row),
        None,
        ip,
    )
    .await?;
    members_on(ctx, class, today(ctx))
        .await?
        .into_iter()
        .find(|s| s.code == row.code)
        .ok_or_else(Error::internal)
}
