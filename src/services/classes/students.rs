//! Students and enrolment: a class's roster on a day, adding and importing students, and a
//! student's places in classes, kept with their dates so moving a student keeps the history
//! (and last month's roll calls keep their roster).

use super::{MAX_CLASS_SIZE, ROSTER_TABLES, STUDENT_CSV_HEADER, get, load, today};
use crate::classes::{Gender, Student};
use crate::dates::parse_date;
use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{ClassId, SchoolId, StudentId, YearId};
use crate::model::{Actor, ImportOutcome};
use crate::services::audit::{self, Action, Record};
use crate::services::csv_import::{self, Column, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::text::{clean, fold};
use crate::validate;
use chrono::NaiveDate;
use sqlx::{Any, Transaction};

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

/// The students in a class on a day, without checking who asks, in Vietnamese name order
/// ([`crate::names`]).
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
    let mut out: Vec<Student> = rows
        .into_iter()
        .map(Student::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    // Vietnamese order (given name first, Đ after D), which no SQL collation gives on both
    // engines; a class is small enough to sort here.
    crate::names::sort_by_name(&mut out, |s| &s.full_name);
    Ok(out)
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

/// The columns of a roster file: the API's headings (`code,full_name,gender,birth_date`) or
/// those SMAS and VnEdu export (`Mã học sinh`, `Họ và tên`, `Giới tính`, `Ngày sinh`; case and
/// diacritics ignored). Gender and date of birth may be absent; other columns (`STT`, `Lớp`)
/// are ignored.
const STUDENT_COLUMNS: [Column; 4] = [
    Column {
        name: "code",
        aliases: &[
            "ma hoc sinh",
            "ma hs",
            "ma so hoc sinh",
            "ma dinh danh",
            "ma dinh danh hoc sinh",
            "ma dinh danh ca nhan",
            "student code",
        ],
        required: true,
    },
    Column {
        name: "full_name",
        aliases: &[
            "ho va ten",
            "ho ten",
            "ho va ten hoc sinh",
            "ten hoc sinh",
            "name",
        ],
        required: true,
    },
    Column {
        name: "gender",
        aliases: &["gioi tinh", "sex"],
        required: false,
    },
    Column {
        name: "birth_date",
        aliases: &["ngay sinh", "ngay thang nam sinh", "date of birth"],
        required: false,
    },
];

/// Imports a class's roster from CSV (see [`STUDENT_COLUMNS`]) as SMAS and VnEdu export it:
/// UTF-8 with or without BOM, `,` or `;`, title lines above the heading row, dates dd/mm/yyyy or
/// `YYYY-MM-DD`. A
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
    let (lines, mut errors) =
        csv_import::read_columns(bytes, &STUDENT_COLUMNS, &STUDENT_CSV_HEADER.join(","))?;
    let mut rows = Vec::new();
    let mut seen = OncePerFile::new();
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
            errors.extend(seen.check(code.clone(), l.line, "code"));
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
                let id: StudentId = sqlx::query_scalar(
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
                id
            }
        };
        place(&mut tx, id, class, year.id, first, moving).await?;
    }
    if let Some(actor) = actor {
        audit::write(
            &mut *tx,
            now,
            Action::StudentImport,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
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
    let open: Vec<(i64, ClassId, String)> = sqlx::query_as(
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
    for (id, other, from) in open {
        if other == class {
            there = true;
            continue;
        }
        // Days compared as days, not as text.
        if decode_date(&from).map_err(internal)? >= since {
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
    let owner: Option<SchoolId> =
        sqlx::query_scalar("SELECT school_id FROM students WHERE id = $1")
            .bind(student)
            .fetch_optional(&ctx.db.pool)
            .await
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
            Action::StudentMove,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
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
