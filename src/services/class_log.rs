//! The digital class log (sổ đầu bài số): each lesson's entry written and signed by the teacher
//! who taught it (the substitute, when one stood in), each week closed by the homeroom teacher
//! and then the principal, corrections after signing approved by the principal, and every one of
//! those acts a record of the class's hash chain ([`chain`]). The class's week and the absences
//! are in [`week`], the department's on-time figures in [`reports`]. Types and pure rules:
//! `crate::class_log`.

use crate::class_log::{
    Absentee, Correction, CorrectionInput, Grade, LessonLog, LogEntry, LogInput, LogState,
    MAX_PPCT, MAX_REASON, MAX_REMARKS, MAX_TITLE, RecordKind, SIGN_GRACE_MINUTES, SignInput,
    late_minutes, signature_state, week_of,
};
use crate::classes::Class;
use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{ClassId, SchoolId, StudentId, UserId};
use crate::model::Actor;
use crate::periods::PeriodGrid;
use crate::roll_calls::Status;
use crate::services::audit::{self, Action, Record};
use crate::services::classes;
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::lesson_access::may_read;
use crate::services::periods;
use crate::services::substitutes;
use crate::services::timetable::{self, Slot};
use crate::text::clean;
use chrono::NaiveDate;
use std::collections::HashMap;

pub mod chain;
pub mod reports;
pub mod week;

pub use chain::{school_name, schools_with_log, verify, verify_school};
pub use reports::{on_time_by_school, school_on_time};
pub use week::{close_week, week};

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    pub class_id: ClassId,
    pub date: String,
    pub period: i64,
    pub teacher_id: UserId,
    pub title: String,
    pub ppct: Option<i64>,
    pub remarks: Option<String>,
    pub grade: Option<String>,
    pub signed_by: Option<UserId>,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<i64>,
    pub received_at: Option<i64>,
    pub late_minutes: Option<i64>,
    pub absentees: Option<String>,
}

pub(crate) const ENTRY_SELECT: &str = "SELECT e.class_id, e.date, e.period, e.teacher_id, \
     e.title, e.ppct, e.remarks, e.grade, e.signed_by, u.full_name AS signed_by_name, \
     e.signed_at, e.received_at, e.late_minutes, e.absentees FROM class_log_entries e \
     LEFT JOIN users u ON u.id = e.signed_by";

#[derive(sqlx::FromRow)]
pub(crate) struct WeekRow {
    pub class_id: ClassId,
    pub monday: String,
    pub homeroom_by: UserId,
    pub homeroom_name: String,
    pub homeroom_at: i64,
    pub principal_by: Option<UserId>,
    pub principal_name: Option<String>,
    pub principal_at: Option<i64>,
}

pub(crate) const WEEK_SELECT: &str = "SELECT w.class_id, w.monday, w.homeroom_by, \
     h.full_name AS homeroom_name, w.homeroom_at, w.principal_by, p.full_name AS principal_name, \
     w.principal_at FROM class_log_weeks w JOIN users h ON h.id = w.homeroom_by \
     LEFT JOIN users p ON p.id = w.principal_by";

#[derive(sqlx::FromRow)]
pub(crate) struct CorrectionRow {
    pub id: i64,
    pub class_id: ClassId,
    pub date: String,
    pub period: i64,
    pub reason: String,
    pub title: String,
    pub ppct: Option<i64>,
    pub remarks: Option<String>,
    pub grade: Option<String>,
    pub requested_by: UserId,
    pub requested_by_name: String,
    pub requested_at: i64,
    pub approved_by: Option<UserId>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<i64>,
}

pub(crate) const CORRECTION_SELECT: &str = "SELECT c.id, c.class_id, c.date, c.period, c.reason, \
     c.title, c.ppct, c.remarks, c.grade, c.requested_by, r.full_name AS requested_by_name, \
     c.requested_at, c.approved_by, a.full_name AS approved_by_name, c.approved_at \
     FROM class_log_corrections c JOIN users r ON r.id = c.requested_by \
     LEFT JOIN users a ON a.id = c.approved_by";

fn grade_of(s: Option<&str>) -> Result<Option<Grade>, sqlx::Error> {
    s.map(|g| decode("grade", g, Grade::parse)).transpose()
}

impl TryFrom<CorrectionRow> for Correction {
    type Error = sqlx::Error;
    fn try_from(r: CorrectionRow) -> Result<Correction, sqlx::Error> {
        Ok(Correction {
            id: r.id,
            class_id: r.class_id,
            date: decode_date(&r.date)?,
            period: r.period,
            reason: r.reason,
            grade: grade_of(r.grade.as_deref())?,
            title: r.title,
            ppct: r.ppct,
            remarks: r.remarks,
            requested_by: r.requested_by,
            requested_by_name: r.requested_by_name,
            requested_at: crate::dates::rfc3339(r.requested_at),
            approved_by: r.approved_by,
            approved_by_name: r.approved_by_name,
            approved_at: r.approved_at.map(crate::dates::rfc3339),
        })
    }
}

/// The absentees frozen in a signed entry (JSON), strictly.
pub(crate) fn decode_absentees(s: Option<&str>) -> Result<Vec<Absentee>, sqlx::Error> {
    match s {
        None => Ok(Vec::new()),
        Some(s) => serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e))),
    }
}

// ---------------------------------------------------------------------------------------------
// The lesson

/// A lesson, checked: its class (readable by the caller, else 404), year, timetable cell and
/// the school's periods.
pub(crate) struct CheckedLesson {
    pub class: Class,
    pub slot: Slot,
    pub grid: PeriodGrid,
}

impl CheckedLesson {
    fn school(&self) -> SchoolId {
        self.class.school_id
    }
}

/// When the lesson's period starts and ends (unix seconds, school time); the whole day when the
/// grid lacks the period.
pub(crate) fn period_bounds(grid: &PeriodGrid, date: NaiveDate, period: i64) -> (i64, i64) {
    grid.bounds(date, period).unwrap_or_else(|| {
        let day = crate::dates::midnight(date);
        (day, day + 24 * 3600)
    })
}

/// The signing deadline: the period's end plus [`SIGN_GRACE_MINUTES`].
pub(crate) fn deadline(grid: &PeriodGrid, date: NaiveDate, period: i64) -> i64 {
    period_bounds(grid, date, period).1 + SIGN_GRACE_MINUTES * 60
}

async fn checked_lesson(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<CheckedLesson, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let slot = timetable::lesson_of(ctx, &c, date, period).await?;
    let grid = periods::load_grid(ctx, c.school_id).await?;
    Ok(CheckedLesson {
        class: c,
        slot,
        grid,
    })
}

/// Who signs a lesson: the teacher who teaches it (the substitute while one stands in). The
/// one rule every writer of a log entry asks.
async fn signer_of(ctx: &Ctx, l: &CheckedLesson) -> Result<UserId, Error> {
    Ok(substitutes::substitute_of(ctx, l.school(), &l.slot)
        .await?
        .map(|s| s.substitute_id)
        .unwrap_or(l.slot.item.teacher_id))
}

fn may_sign(actor: &Actor, l: &CheckedLesson, signer: UserId) -> bool {
    actor.school_id == Some(l.school()) && actor.user_id == signer
}

/// Whether the actor may file a correction of a lesson: its signer or teacher, the homeroom
/// teacher, the school's administrators.
fn may_correct(
    actor: &Actor,
    l: &CheckedLesson,
    signer: UserId,
    signed_by: Option<UserId>,
) -> bool {
    actor.can_manage_school(l.school())
        || (actor.school_id == Some(l.school())
            && (actor.user_id == signer
                || Some(actor.user_id) == signed_by
                || l.slot.homeroom == Some(actor.user_id)))
}

/// The content of an entry, checked.
pub(crate) struct Content {
    pub title: String,
    pub ppct: Option<i64>,
    pub remarks: Option<String>,
    pub grade: Option<Grade>,
}

/// Checks an entry as sent: every bad field at once (422 naming each).
pub(crate) fn check_input(input: &LogInput, errs: &mut FieldErrors) -> Option<Content> {
    let title = clean(&input.title);
    if title.is_empty() {
        errs.add("title", Msg::new("validation.required"));
    } else if title.chars().count() > MAX_TITLE {
        errs.add(
            "title",
            Msg::new("validation.too_long").arg("max", MAX_TITLE),
        );
    } else {
        errs.check("title", crate::validate::visible(&title));
    }
    if input.ppct.is_some_and(|p| !(1..=MAX_PPCT).contains(&p)) {
        errs.add("ppct", Msg::new("log.ppct_range").arg("max", MAX_PPCT));
    }
    let remarks = input
        .remarks
        .as_deref()
        .map(clean)
        .filter(|r| !r.is_empty());
    if let Some(r) = &remarks {
        if r.chars().count() > MAX_REMARKS {
            errs.add(
                "remarks",
                Msg::new("validation.too_long").arg("max", MAX_REMARKS),
            );
        } else {
            errs.check("remarks", crate::validate::visible(r));
        }
    }
    let grade = match input
        .grade
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        None => None,
        Some(g) => {
            let parsed = Grade::parse(g);
            if parsed.is_none() {
                errs.add("grade", Msg::new("log.grade_invalid"));
            }
            parsed
        }
    };
    Some(Content {
        title,
        ppct: input.ppct,
        remarks,
        grade,
    })
}

/// The absentees of a lesson as its roll call has them now, by name.
async fn absentees_now<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<Absentee>, Error> {
    let rows: Vec<(StudentId, String, String)> = sqlx::query_as(
        "SELECT e.student_id, s.full_name, e.status FROM roll_calls r \
         JOIN roll_call_entries e ON e.roll_call_id = r.id JOIN students s ON s.id = e.student_id \
         WHERE r.class_id = $1 AND r.date = $2 AND r.period = $3 \
         AND e.status IN ('excused', 'unexcused')",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_all(exec)
    .await
    .map_err(internal)?;
    let mut out = rows
        .into_iter()
        .map(|(student_id, full_name, status)| {
            Ok(Absentee {
                student_id,
                full_name,
                status: decode("status", &status, Status::parse)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal)?;
    crate::names::sort_by_name(&mut out, |a| &a.full_name);
    Ok(out)
}

async fn week_closed<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    class: ClassId,
    date: NaiveDate,
) -> Result<bool, Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM class_log_weeks WHERE class_id = $1 AND monday = $2",
    )
    .bind(class)
    .bind(week_of(date).to_string())
    .fetch_one(exec)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}

async fn entry_row<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Option<EntryRow>, Error> {
    sqlx::query_as(&format!(
        "{ENTRY_SELECT} WHERE e.class_id = $1 AND e.date = $2 AND e.period = $3"
    ))
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_optional(exec)
    .await
    .map_err(internal)
}

async fn corrections_of<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<Correction>, Error> {
    let rows: Vec<CorrectionRow> = sqlx::query_as(&format!(
        "{CORRECTION_SELECT} WHERE c.class_id = $1 AND c.date = $2 AND c.period = $3 ORDER BY c.id"
    ))
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_all(exec)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(Correction::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

/// Builds the entry of a lesson from its cell, its row (if written) and its corrections. An
/// unsigned entry shows the roll call's absentees as they are now (`live`).
pub(crate) fn entry_of(
    slot: &Slot,
    row: Option<EntryRow>,
    corrections: Vec<Correction>,
    live: Vec<Absentee>,
    closed: bool,
) -> Result<LogEntry, sqlx::Error> {
    let teacher_name = slot.item.teacher_name.clone().unwrap_or_default();
    let mut e = LogEntry {
        class_id: slot.class_id,
        date: slot.date,
        period: slot.item.period,
        subject: slot.item.subject.clone(),
        teacher_id: slot.item.teacher_id,
        teacher_name,
        title: String::new(),
        ppct: None,
        remarks: None,
        grade: None,
        absentees: live,
        signed_by: None,
        signed_by_name: None,
        signed_at: None,
        received_at: None,
        late_minutes: None,
        state: LogState::Unsigned,
        corrections,
    };
    if let Some(r) = row {
        e.grade = grade_of(r.grade.as_deref())?;
        e.title = r.title;
        e.ppct = r.ppct;
        e.remarks = r.remarks;
        if r.signed_by.is_some() {
            e.absentees = decode_absentees(r.absentees.as_deref())?;
        }
        e.signed_by = r.signed_by;
        e.signed_by_name = r.signed_by_name;
        e.signed_at = r.signed_at.map(crate::dates::rfc3339);
        e.received_at = match (r.signed_at, r.received_at) {
            (Some(s), Some(x)) if s != x => Some(crate::dates::rfc3339(x)),
            _ => None,
        };
        e.late_minutes = r.late_minutes;
    }
    e.state = if closed {
        LogState::Closed
    } else {
        signature_state(e.signed_by.is_some(), e.late_minutes)
    };
    Ok(e)
}

async fn load_entry(ctx: &Ctx, l: &CheckedLesson) -> Result<LogEntry, Error> {
    let (class, date, period) = (l.class.id, l.slot.date, l.slot.item.period);
    let row = entry_row(&ctx.db.pool, class, date, period).await?;
    let live = match &row {
        Some(r) if r.signed_by.is_some() => Vec::new(),
        _ => absentees_now(&ctx.db.pool, class, date, period).await?,
    };
    let corrections = corrections_of(&ctx.db.pool, class, date, period).await?;
    let closed = week_closed(&ctx.db.pool, class, date).await?;
    entry_of(&l.slot, row, corrections, live, closed).map_err(internal)
}

/// A lesson's log entry (API `GET /api/v1/classes/{id}/lessons/{date}/{period}/log`): the
/// school's staff. A lesson not written yet answers an empty, unsigned entry.
pub async fn get(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<LogEntry, Error> {
    let l = checked_lesson(ctx, actor, class, date, period).await?;
    load_entry(ctx, &l).await
}

/// What the lesson's page shows of its log: the entry, suggestions for an unwritten one (the
/// attached material's title, else nothing; tiết PPCT: the subject's last in the class + 1) and
/// what the caller may do.
pub async fn lesson(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<LessonLog, Error> {
    let l = checked_lesson(ctx, actor, class, date, period).await?;
    let entry = load_entry(ctx, &l).await?;
    let signer = signer_of(ctx, &l).await?;
    let closed = entry.state == LogState::Closed;
    let signed = entry.signed_by.is_some();
    let (mut suggested_title, mut suggested_ppct) = (None, None);
    if entry.title.is_empty() {
        let materials =
            crate::services::materials::attached_in(ctx, actor, l.school(), date, date).await?;
        suggested_title = materials
            .get(&(class, date, period))
            .and_then(|m| m.first())
            .map(|m| m.title.clone());
    }
    if entry.ppct.is_none() {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(e.ppct) FROM class_log_entries e WHERE e.class_id = $1 \
             AND e.date < $2 AND e.ppct IS NOT NULL AND EXISTS (SELECT 1 FROM timetable_items i \
             JOIN timetable_versions v ON v.id = i.version_id WHERE v.class_id = e.class_id \
             AND i.period = e.period AND i.subject = $3)",
        )
        .bind(class)
        .bind(date.to_string())
        .bind(&l.slot.item.subject)
        .fetch_one(&ctx.db.pool)
        .await
        .map_err(internal)?;
        suggested_ppct = last.map(|p| (p + 1).min(MAX_PPCT));
    }
    Ok(LessonLog {
        may_sign: !closed && !signed && may_sign(actor, &l, signer),
        may_correct: (closed || signed) && may_correct(actor, &l, signer, entry.signed_by),
        week_closed: closed,
        deadline: crate::dates::rfc3339(deadline(&l.grid, date, period)),
        suggested_title,
        suggested_ppct,
        entry,
    })
}

/// Refusals shared by writing and signing: a closed week (409), a signed entry (409).
fn conflict(key: &str) -> Error {
    Error::with_msg(ErrorCode::Conflict, Msg::new(key))
}

/// Writes (or rewrites) a lesson's entry before it is signed (API `PUT …/log`): the teacher
/// who teaches it. 409 once signed (a correction changes it then) or once its week is closed.
pub async fn put(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
    input: &LogInput,
    ip: Option<&str>,
) -> Result<LogEntry, Error> {
    let l = checked_lesson(ctx, actor, class, date, period).await?;
    let signer = signer_of(ctx, &l).await?;
    if !may_sign(actor, &l, signer) {
        return Err(Error::forbidden());
    }
    let mut errs = FieldErrors::new();
    let content = check_input(input, &mut errs);
    errs.finish()?;
    let Some(content) = content else {
        return Err(Error::field("title", Msg::new("validation.required")));
    };
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_locking_row("classes", "id", class.0)
        .await
        .map_err(internal)?;
    if week_closed(&mut *tx, class, date).await? {
        return Err(conflict("log.week_closed"));
    }
    let row = entry_row(&mut *tx, class, date, period).await?;
    if row.as_ref().is_some_and(|r| r.signed_by.is_some()) {
        let r = row.as_ref().expect("checked above");
        if same_content(r, &content) {
            drop(tx);
            return load_entry(ctx, &l).await;
        }
        return Err(conflict("log.signed"));
    }
    write_content(&mut tx, &l, actor, &content, now, row.is_some()).await?;
    audit::write(
        &mut *tx,
        now,
        Action::ClassLogWrite,
        Record {
            actor: Some(actor),
            school_id: Some(l.school()),
            object: format!("class_log:{class}:{date}:{period}"),
            new: Some(content.title.clone()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    load_entry(ctx, &l).await
}

fn same_content(r: &EntryRow, c: &Content) -> bool {
    r.title == c.title
        && r.ppct == c.ppct
        && r.remarks == c.remarks
        && r.grade.as_deref() == c.grade.map(Grade::as_str)
}

async fn write_content(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    l: &CheckedLesson,
    actor: &Actor,
    c: &Content,
    now: i64,
    exists: bool,
) -> Result<(), Error> {
    let sql = if exists {
        "UPDATE class_log_entries SET title = $4, ppct = $5, remarks = $6, grade = $7, \
         updated_by = $8, updated_at = $9, teacher_id = $10 \
         WHERE class_id = $1 AND date = $2 AND period = $3 AND signed_by IS NULL"
    } else {
        "INSERT INTO class_log_entries (class_id, date, period, title, ppct, remarks, grade, \
         updated_by, updated_at, teacher_id, school_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    };
    let mut q = sqlx::query(sql)
        .bind(l.class.id)
        .bind(l.slot.date.to_string())
        .bind(l.slot.item.period)
        .bind(&c.title)
        .bind(c.ppct)
        .bind(c.remarks.clone())
        .bind(c.grade.map(|g| g.as_str().to_owned()))
        .bind(actor.user_id)
        .bind(now)
        .bind(l.slot.item.teacher_id);
    if !exists {
        q = q.bind(l.school());
    }
    q.execute(&mut **tx).await.map_err(internal)?;
    Ok(())
}

/// Signs a lesson's entry (API `POST …/log/sign`), writing `input` first when given (the
/// lesson page's one tap "Ký"): the teacher who teaches it, signing as themselves. On time when
/// signed (the device's time for a signature sent later, checked like a roll call's capture
/// time) by the period's end + [`SIGN_GRACE_MINUTES`]; late otherwise, by whole minutes. The
/// absentees are frozen from the roll call. Idempotent: signing a signed entry again (or twenty
/// at once) changes nothing. 422 before the period starts or without a title; 409 once its week
/// is closed, or when `input` differs from what was signed.
#[allow(clippy::too_many_arguments)]
pub async fn sign(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
    input: Option<&LogInput>,
    when: &SignInput,
    ip: Option<&str>,
) -> Result<LogEntry, Error> {
    let l = checked_lesson(ctx, actor, class, date, period).await?;
    let signer = signer_of(ctx, &l).await?;
    if !may_sign(actor, &l, signer) {
        return Err(Error::forbidden());
    }
    let mut errs = FieldErrors::new();
    let content = input.and_then(|i| check_input(i, &mut errs));
    errs.finish()?;
    let now = ctx.now();
    let (starts, _) = period_bounds(&l.grid, date, period);
    let captured = crate::roll_calls::capture_time(when.signed_at.as_deref(), now, starts)
        .map_err(|m| Error::field("signed_at", m))?;
    let signed_at = captured.unwrap_or(now).min(now);
    if signed_at < starts {
        return Err(Error::field(
            "date",
            Msg::new("log.not_started").arg("date", crate::dates::display_date(date)),
        ));
    }
    let late = late_minutes(signed_at, deadline(&l.grid, date, period));
    let mut tx = ctx
        .db
        .begin_locking_row("classes", "id", class.0)
        .await
        .map_err(internal)?;
    if week_closed(&mut *tx, class, date).await? {
        return Err(conflict("log.week_closed"));
    }
    let row = entry_row(&mut *tx, class, date, period).await?;
    if let Some(r) = row.as_ref().filter(|r| r.signed_by.is_some()) {
        if content.as_ref().is_some_and(|c| !same_content(r, c)) {
            return Err(conflict("log.signed"));
        }
        drop(tx);
        return load_entry(ctx, &l).await;
    }
    match (&content, &row) {
        (Some(c), _) => write_content(&mut tx, &l, actor, c, now, row.is_some()).await?,
        (None, Some(r)) if !r.title.is_empty() => {}
        (None, _) => {
            return Err(Error::field("title", Msg::new("log.title_first")));
        }
    }
    let absentees = absentees_now(&mut *tx, class, date, period).await?;
    let absentees_json = serde_json::to_string(&absentees)
        .map_err(|e| internal(sqlx::Error::Protocol(format!("absentees: {e}"))))?;
    sqlx::query(
        "UPDATE class_log_entries SET signed_by = $4, signed_at = $5, received_at = $6, \
         late_minutes = $7, absentees = $8 WHERE class_id = $1 AND date = $2 AND period = $3",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .bind(actor.user_id)
    .bind(signed_at)
    .bind(now)
    .bind(late)
    .bind(&absentees_json)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    let stored = entry_row(&mut *tx, class, date, period)
        .await?
        .ok_or_else(|| internal(sqlx::Error::RowNotFound))?;
    let record = chain::sign_content_of(&stored)
        .map_err(internal)?
        .ok_or_else(|| internal(sqlx::Error::RowNotFound))?;
    chain::append(
        &mut tx,
        l.school(),
        class,
        RecordKind::Sign,
        &chain::lesson_ref(&stored.date, period),
        &record,
        actor.user_id,
        now,
    )
    .await?;
    audit::write(
        &mut *tx,
        now,
        Action::ClassLogSign,
        Record {
            actor: Some(actor),
            school_id: Some(l.school()),
            object: format!("class_log:{class}:{date}:{period}"),
            new: Some(record),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    load_entry(ctx, &l).await
}

/// Files a correction of a lesson's entry (API `POST /api/v1/classes/{id}/log/corrections`):
/// once the entry is signed or its week closed, by its teacher or signer, the homeroom teacher
/// or the school's administrators. A correction by an administrator (the principal) is approved
/// at once; another waits for [`approve`]. The original stays; the correction is shown beside
/// it. 409 for an entry neither signed nor closed (it is simply written then).
pub async fn correct(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    input: &CorrectionInput,
    ip: Option<&str>,
) -> Result<Correction, Error> {
    let date = crate::dates::parse_date(&input.date)
        .ok_or_else(|| Error::field("date", Msg::new("validation.date")))?;
    let l = checked_lesson(ctx, actor, class, date, input.period).await?;
    let signer = signer_of(ctx, &l).await?;
    let mut errs = FieldErrors::new();
    let reason = clean(&input.reason);
    if reason.is_empty() {
        errs.add("reason", Msg::new("log.reason_required"));
    } else if reason.chars().count() > MAX_REASON {
        errs.add(
            "reason",
            Msg::new("validation.too_long").arg("max", MAX_REASON),
        );
    } else {
        errs.check("reason", crate::validate::visible(&reason));
    }
    let content = check_input(&input.entry, &mut errs);
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_locking_row("classes", "id", class.0)
        .await
        .map_err(internal)?;
    let row = entry_row(&mut *tx, class, date, input.period).await?;
    let signed_by = row.as_ref().and_then(|r| r.signed_by);
    if !may_correct(actor, &l, signer, signed_by) {
        return Err(Error::forbidden());
    }
    errs.finish()?;
    let Some(c) = content else {
        return Err(Error::field("title", Msg::new("validation.required")));
    };
    let closed = week_closed(&mut *tx, class, date).await?;
    if signed_by.is_none() && !closed {
        return Err(conflict("log.not_signed"));
    }
    let date_s = date.to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO class_log_corrections (school_id, class_id, date, period, reason, title, \
         ppct, remarks, grade, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(l.school())
    .bind(class)
    .bind(&date_s)
    .bind(input.period)
    .bind(&reason)
    .bind(&c.title)
    .bind(c.ppct)
    .bind(c.remarks.clone())
    .bind(c.grade.map(|g| g.as_str().to_owned()))
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let reference = chain::correction_ref(&date_s, input.period, id);
    let grade = c.grade.map(Grade::as_str);
    let record = chain::content(&chain::CorrectionContent {
        id,
        date: &date_s,
        period: input.period,
        reason: &reason,
        title: &c.title,
        ppct: c.ppct,
        remarks: c.remarks.as_deref(),
        grade,
        requested_by: actor.user_id,
        requested_at: now,
    });
    chain::append(
        &mut tx,
        l.school(),
        class,
        RecordKind::Correction,
        &reference,
        &record,
        actor.user_id,
        now,
    )
    .await?;
    audit::write(
        &mut *tx,
        now,
        Action::ClassLogCorrect,
        Record {
            actor: Some(actor),
            school_id: Some(l.school()),
            object: format!("class_log_correction:{id}"),
            new: Some(record),
            ip,
            ..Default::default()
        },
    )
    .await?;
    if actor.can_manage_school(l.school()) {
        approve_in(&mut tx, actor, l.school(), class, id, &reference, now, ip).await?;
    }
    tx.commit().await.map_err(internal)?;
    one_correction(ctx, class, id).await
}

async fn one_correction(ctx: &Ctx, class: ClassId, id: i64) -> Result<Correction, Error> {
    let row: Option<CorrectionRow> = sqlx::query_as(&format!(
        "{CORRECTION_SELECT} WHERE c.id = $1 AND c.class_id = $2"
    ))
    .bind(id)
    .bind(class)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    row.ok_or_else(Error::not_found)?
        .try_into()
        .map_err(internal)
}

#[allow(clippy::too_many_arguments)]
async fn approve_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    school: SchoolId,
    class: ClassId,
    id: i64,
    reference: &str,
    now: i64,
    ip: Option<&str>,
) -> Result<(), Error> {
    sqlx::query(
        "UPDATE class_log_corrections SET approved_by = $1, approved_at = $2 WHERE id = $3",
    )
    .bind(actor.user_id)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let record = chain::content(&chain::ApproveContent {
        id,
        approved_by: actor.user_id,
        approved_at: now,
    });
    chain::append(
        tx,
        school,
        class,
        RecordKind::Approve,
        reference,
        &record,
        actor.user_id,
        now,
    )
    .await?;
    audit::write(
        &mut **tx,
        now,
        Action::ClassLogApprove,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("class_log_correction:{id}"),
            new: Some(record),
            ip,
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Approves a correction (API `POST /api/v1/classes/{id}/log/corrections/{cid}/approve`): the
/// school's administrators (the principal). Approving an approved one changes nothing. 404 for
/// a correction of another class.
pub async fn approve(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    id: i64,
    ip: Option<&str>,
) -> Result<Correction, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    actor.must_manage_school(c.school_id)?;
    let mut tx = ctx
        .db
        .begin_locking_row("classes", "id", class.0)
        .await
        .map_err(internal)?;
    let row: Option<CorrectionRow> = sqlx::query_as(&format!(
        "{CORRECTION_SELECT} WHERE c.id = $1 AND c.class_id = $2"
    ))
    .bind(id)
    .bind(class)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let Some(row) = row else {
        return Err(Error::not_found());
    };
    if row.approved_at.is_none() {
        let reference = chain::correction_ref(&row.date, row.period, id);
        approve_in(
            &mut tx,
            actor,
            c.school_id,
            class,
            id,
            &reference,
            ctx.now(),
            ip,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
    }
    one_correction(ctx, class, id).await
}

/// The entries of a class's lessons from `from` to `to` (rows as stored), by lesson.
pub(crate) async fn rows_in(
    ctx: &Ctx,
    class: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<(NaiveDate, i64), EntryRow>, Error> {
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "{ENTRY_SELECT} WHERE e.class_id = $1 AND e.date >= $2 AND e.date <= $3"
    ))
    .bind(class)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| Ok(((decode_date(&r.date)?, r.period), r)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

/// A signed entry as the demo seed and the benchmark write it, straight in their transaction,
/// with its chain record (so the seeded chains verify). No checks: not for requests.
pub struct SeedEntry<'a> {
    /// The school.
    pub school: SchoolId,
    /// The class.
    pub class: ClassId,
    /// The day.
    pub date: NaiveDate,
    /// The period.
    pub period: i64,
    /// The teacher, who signs.
    pub teacher: UserId,
    /// The lesson title.
    pub title: &'a str,
    /// Tiết PPCT.
    pub ppct: i64,
    /// The grade.
    pub grade: Grade,
    /// When signed (unix seconds).
    pub signed_at: i64,
    /// The signing deadline (unix seconds).
    pub deadline: i64,
    /// The absentees.
    pub absentees: Vec<Absentee>,
}

/// Writes a seeded signed entry and its chain record.
pub async fn seed_signed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    e: SeedEntry<'_>,
) -> Result<(), Error> {
    let late = late_minutes(e.signed_at, e.deadline);
    let absentees = serde_json::to_string(&e.absentees)
        .map_err(|x| internal(sqlx::Error::Protocol(format!("absentees: {x}"))))?;
    sqlx::query(
        "INSERT INTO class_log_entries (school_id, class_id, date, period, teacher_id, title, \
         ppct, grade, updated_by, updated_at, signed_by, signed_at, received_at, late_minutes, \
         absentees) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $9, $5, $9, $9, $10, $11)",
    )
    .bind(e.school)
    .bind(e.class)
    .bind(e.date.to_string())
    .bind(e.period)
    .bind(e.teacher)
    .bind(e.title)
    .bind(e.ppct)
    .bind(e.grade.as_str())
    .bind(e.signed_at)
    .bind(late)
    .bind(&absentees)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    let row = entry_row(&mut **tx, e.class, e.date, e.period)
        .await?
        .ok_or_else(|| internal(sqlx::Error::RowNotFound))?;
    let record = chain::sign_content_of(&row)
        .map_err(internal)?
        .ok_or_else(|| internal(sqlx::Error::RowNotFound))?;
    chain::append(
        tx,
        e.school,
        e.class,
        RecordKind::Sign,
        &chain::lesson_ref(&row.date, e.period),
        &record,
        e.teacher,
        e.signed_at,
    )
    .await?;
    Ok(())
}

/// Closes a seeded week: the homeroom teacher at `at`, the principal an hour later.
pub async fn seed_close(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    school: SchoolId,
    class: ClassId,
    monday: NaiveDate,
    homeroom: UserId,
    principal: UserId,
    at: i64,
) -> Result<(), Error> {
    let monday_s = monday.to_string();
    sqlx::query(
        "INSERT INTO class_log_weeks (school_id, class_id, monday, homeroom_by, homeroom_at, \
         principal_by, principal_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(school)
    .bind(class)
    .bind(&monday_s)
    .bind(homeroom)
    .bind(at)
    .bind(principal)
    .bind(at + 3600)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    for (kind, by, when) in [
        (RecordKind::CloseHomeroom, homeroom, at),
        (RecordKind::ClosePrincipal, principal, at + 3600),
    ] {
        let record = chain::content(&chain::CloseContent {
            monday: &monday_s,
            by,
            at: when,
        });
        chain::append(tx, school, class, kind, &monday_s, &record, by, when).await?;
    }
    Ok(())
}
