//! Roll calls: one per lesson, taken by the lesson's teacher, the class's homeroom teacher or
//! the school's administrators; idempotent (a replayed or concurrent duplicate lands on the
//! same row and changes nothing); every change audited with the students' old → new states.
//! Also the teacher's day, the missing roll calls, attendance summaries and the share of
//! lessons whose roll was taken on time.

use crate::classes::{
    AttendanceSummary, Class, ClassView, Counts, Lesson, MAX_NOTE, MissingRollCall,
    ON_TIME_GRACE_MINUTES, RollCall, RollCallChange, RollCallEntry, RollCallInput, RollCallView,
    RosterLine, SchoolOnTime, Status, StudentAttendance, percent,
};
use crate::error::{Error, ErrorCode, FieldError, Msg};
use crate::ids::{ClassId, SchoolId, StudentId, UserId};
use crate::model::{Actor, Role};
use crate::services::audit::{self, Record};
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{Engine, Where, decode, decode_date, internal};
use crate::services::periods;
use crate::services::timetable::{self, Slot};
use crate::text::clean;
use chrono::NaiveDate;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The longest range a summary or report covers (a school year and a bit).
pub const MAX_RANGE_DAYS: i64 = 400;

/// Whether the actor may take or change the roll of this lesson: its timetabled teacher, the
/// class's homeroom teacher, the school's administrators, sysadmins.
pub(crate) fn may_write(actor: &Actor, school: SchoolId, slot: &Slot) -> bool {
    actor.can_manage_school(school)
        || (actor.school_id == Some(school)
            && (slot.item.teacher_id == actor.user_id || slot.homeroom == Some(actor.user_id)))
}

/// Whether the actor may read a class's roll calls: the school's own staff and sysadmins
/// (attendance is personal data; the department sees rates, not names).
pub(crate) fn may_read(actor: &Actor, school: SchoolId) -> bool {
    actor.role == Role::Sysadmin || actor.school_id == Some(school)
}

/// A teacher changes a roll call on the lesson's day; administrators at any time.
fn may_edit_taken(actor: &Actor, school: SchoolId, date: NaiveDate, today: NaiveDate) -> bool {
    actor.can_manage_school(school) || date == today
}

/// When a lesson's roll call stops being on time (unix seconds): the end of its period plus
/// [`ON_TIME_GRACE_MINUTES`], school time; the end of the day when the grid lacks the period.
/// When the lesson's period starts (unix seconds): the earliest plausible capture time.
fn period_starts(grid: &crate::periods::PeriodGrid, date: NaiveDate, period: i64) -> i64 {
    let minutes = grid
        .items
        .iter()
        .find(|p| p.number == period)
        .map(|p| p.starts.minutes())
        .unwrap_or(0);
    crate::dates::midnight(date) + minutes * 60
}

fn on_time_until(grid: &crate::periods::PeriodGrid, date: NaiveDate, period: i64) -> i64 {
    let minutes = grid
        .items
        .iter()
        .find(|p| p.number == period)
        .map(|p| p.ends.minutes() + ON_TIME_GRACE_MINUTES)
        .unwrap_or(24 * 60);
    crate::dates::midnight(date) + minutes * 60
}

/// The lesson behind a roll-call request, checked: the class readable (else 404), the day not
/// in the future, a lesson in the timetable in force. 422 with a clear message otherwise.
async fn checked_lesson(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<(Class, Slot), Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    if date > today(ctx) {
        return Err(Error::field("date", Msg::new("roll_call.future")));
    }
    let slot = timetable::lesson(ctx, c.school_id, class, date, period)
        .await?
        .ok_or_else(|| Error::field("period", Msg::new("roll_call.no_lesson")))?;
    Ok((c, slot))
}

/// Checks and normalises the entries against the class's students that day: each student of
/// the class at most once, notes cleaned and capped; present-without-note lines dropped (the
/// students left out are present); sorted by student.
fn normalise(
    input: &RollCallInput,
    members: &HashSet<StudentId>,
) -> Result<Vec<RollCallEntry>, Error> {
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, e) in input.entries.iter().enumerate() {
        let mut bad = |field: &str, msg: Msg| {
            errs.push(FieldError {
                field: format!("entries[{i}].{field}"),
                msg,
            })
        };
        if !members.contains(&e.student_id) {
            bad("student_id", Msg::new("roll_call.not_in_class"));
            continue;
        }
        if !seen.insert(e.student_id) {
            bad("student_id", Msg::new("roll_call.student_twice"));
            continue;
        }
        let note = e.note.as_deref().map(clean).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            bad("note", Msg::new("validation.too_long").arg("max", MAX_NOTE));
            continue;
        }
        if e.status != Status::Present || note.is_some() {
            out.push(RollCallEntry {
                student_id: e.student_id,
                status: e.status,
                note,
            });
        }
    }
    if !errs.is_empty() {
        return Err(Error::fields(errs));
    }
    out.sort_by_key(|e| e.student_id);
    Ok(out)
}

fn counts_of(class_size: usize, entries: &[RollCallEntry]) -> Counts {
    let mut c = Counts::default();
    for e in entries {
        c.add(e.status);
    }
    c.present += class_size as i64 - entries.len() as i64;
    c
}

/// Takes or changes the roll of a lesson (API.md `PUT …/roll-call`). The same PUT again (or
/// twenty at once) leaves exactly one roll call and changes nothing; a different one updates it
/// and leaves an audit record with each student's old → new state. Returns the stored roll
/// call and whether this call created it.
pub async fn put(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
    input: &RollCallInput,
    ip: Option<&str>,
) -> Result<(RollCall, bool), Error> {
    let (c, slot) = checked_lesson(ctx, actor, class, date, period).await?;
    if !may_write(actor, c.school_id, &slot) {
        return Err(Error::forbidden());
    }
    let members = classes::members_on(ctx, class, date).await?;
    let entries = normalise(input, &members.iter().map(|s| s.id).collect())?;
    let counts = counts_of(members.len(), &entries);
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let now = ctx.now();
    // A roll call saved offline is judged by when the teacher saved it, if that is plausible.
    let captured = crate::classes::capture_time(
        input.taken_at.as_deref(),
        now,
        period_starts(&grid, date, period),
    )
    .map_err(|m| Error::field("taken_at", m))?;
    let taken_at = captured.unwrap_or(now).min(now);
    let on_time = taken_at <= on_time_until(&grid, date, period);
    let today = today(ctx);
    // SQLite: BEGIN IMMEDIATE, one writer at a time. PostgreSQL: the unique key decides between
    // concurrent first takes (the loser waits for the winner's commit, inserts nothing and
    // reads the winner's row, locked).
    let mut tx = ctx.db.begin_exclusive(&[]).await.map_err(internal)?;
    // The row as it was when a submission lands on an existing roll call.
    let mut stored: Option<RollCallRow> = None;
    let mut changed_entries = false;
    let inserted = sqlx::query(
        "INSERT INTO roll_calls (school_id, class_id, date, period, teacher_id, taken_by, taken_at, \
         updated_by, updated_at, on_time, present, late, excused, unexcused, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $13, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (class_id, date, period) DO NOTHING RETURNING id",
    )
    .bind(c.school_id)
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .bind(slot.item.teacher_id)
    .bind(actor.user_id)
    .bind(taken_at)
    .bind(i64::from(on_time))
    .bind(counts.present)
    .bind(counts.late)
    .bind(counts.excused)
    .bind(counts.unexcused)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    let created = if let Some(row) = inserted {
        let id: i64 = row.try_get("id").map_err(internal)?;
        insert_entries(&mut tx, id, &entries).await?;
        audit::write(
            &mut *tx,
            now,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
                action: "roll_call.create",
                object: format!("roll_call:{id}"),
                new: Some(entries_json(&entries)),
                ip,
                ..Default::default()
            },
        )
        .await?;
        true
    } else {
        let lock = if ctx.db.engine == Engine::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let row: RollCallRow = sqlx::query_as(&format!(
            "{ROLL_CALL_SELECT} WHERE class_id = $1 AND date = $2 AND period = $3{lock}"
        ))
        .bind(class)
        .bind(date.to_string())
        .bind(period)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        let id = row.id;
        let old = load_entries(&mut *tx, id).await?;
        stored = Some(row);
        changed_entries = old != entries;
        if changed_entries {
            if !may_edit_taken(actor, c.school_id, date, today) {
                return Err(Error::with_msg(
                    ErrorCode::Forbidden,
                    Msg::new("roll_call.closed"),
                ));
            }
            sqlx::query("DELETE FROM roll_call_entries WHERE roll_call_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            insert_entries(&mut tx, id, &entries).await?;
            sqlx::query(
                "UPDATE roll_calls SET updated_by = $1, updated_at = $2, present = $3, late = $4, \
                 excused = $5, unexcused = $6 WHERE id = $7",
            )
            .bind(actor.user_id)
            .bind(now)
            .bind(counts.present)
            .bind(counts.late)
            .bind(counts.excused)
            .bind(counts.unexcused)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
            let names: HashMap<StudentId, String> = members
                .iter()
                .map(|s| (s.id, s.full_name.clone()))
                .collect();
            audit::write(
                &mut *tx,
                now,
                Record {
                    actor: Some(actor),
                    school_id: Some(c.school_id),
                    action: "roll_call.update",
                    object: format!("roll_call:{id}"),
                    old: Some(entries_json(&old)),
                    new: Some(changes_json(&old, &entries, &names)),
                    ip,
                    ..Default::default()
                },
            )
            .await?;
        }
        false
    };
    tx.commit().await.map_err(internal)?;
    // The answer from what was written (no read-back): the new roll call, or the stored one
    // with this submission's entries (the same ones, for a replay).
    let rc = match stored {
        None => RollCall {
            class_id: class,
            date,
            period,
            taken_by: actor.user_id,
            taken_at: crate::dates::rfc3339(taken_at),
            received_at: crate::dates::rfc3339(now),
            updated_at: crate::dates::rfc3339(now),
            on_time,
            entries,
            counts,
        },
        Some(r) => RollCall {
            class_id: class,
            date,
            period,
            taken_by: r.taken_by,
            taken_at: crate::dates::rfc3339(r.taken_at),
            received_at: crate::dates::rfc3339(r.received_at.unwrap_or(r.taken_at)),
            updated_at: crate::dates::rfc3339(if changed_entries { now } else { r.updated_at }),
            on_time: r.on_time == 1,
            entries,
            counts,
        },
    };
    Ok((rc, created))
}

async fn insert_entries(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    entries: &[RollCallEntry],
) -> Result<(), Error> {
    // One statement for the whole list (a roll call has a few exceptions, at most a class).
    for chunk in entries.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, ${}, ${})", 2 + 3 * i, 3 + 3 * i, 4 + 3 * i))
            .collect();
        let sql = format!(
            "INSERT INTO roll_call_entries (roll_call_id, student_id, status, note) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(id);
        for e in chunk {
            q = q
                .bind(e.student_id)
                .bind(e.status.as_str().to_owned())
                .bind(e.note.clone());
        }
        q.execute(&mut **tx).await.map_err(internal)?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    student_id: StudentId,
    status: String,
    note: Option<String>,
}

impl TryFrom<EntryRow> for RollCallEntry {
    type Error = sqlx::Error;
    fn try_from(r: EntryRow) -> Result<RollCallEntry, sqlx::Error> {
        Ok(RollCallEntry {
            student_id: r.student_id,
            status: decode("attendance status", &r.status, Status::parse)?,
            note: r.note,
        })
    }
}

async fn load_entries<'e, E: sqlx::Executor<'e, Database = Any>>(
    exec: E,
    id: i64,
) -> Result<Vec<RollCallEntry>, Error> {
    sqlx::query_as::<_, EntryRow>(
        "SELECT student_id, status, note FROM roll_call_entries WHERE roll_call_id = $1 ORDER BY student_id",
    )
    .bind(id)
    .fetch_all(exec)
    .await
    .map_err(internal)?
    .into_iter()
    .map(RollCallEntry::try_from)
    .collect::<Result<_, _>>()
    .map_err(internal)
}

fn entries_json(entries: &[RollCallEntry]) -> String {
    serde_json::to_string(entries).unwrap_or_default()
}

/// The students whose state changed, with their names: `[{student_id, name, old, new}]`.
fn changes_json(
    old: &[RollCallEntry],
    new: &[RollCallEntry],
    names: &HashMap<StudentId, String>,
) -> String {
    let state = |v: &[RollCallEntry], s: StudentId| {
        v.iter()
            .find(|e| e.student_id == s)
            .map(|e| e.status)
            .unwrap_or_default()
    };
    let ids: std::collections::BTreeSet<StudentId> =
        old.iter().chain(new).map(|e| e.student_id).collect();
    let changes: Vec<_> = ids
        .into_iter()
        .filter(|s| state(old, *s) != state(new, *s))
        .map(|s| {
            serde_json::json!({
                "student_id": s, "name": names.get(&s).cloned().unwrap_or_default(),
                "old": state(old, s), "new": state(new, s),
            })
        })
        .collect();
    serde_json::json!({ "entries": new, "changes": changes }).to_string()
}

#[derive(sqlx::FromRow)]
struct RollCallRow {
    id: i64,
    class_id: ClassId,
    date: String,
    period: i64,
    taken_by: UserId,
    taken_at: i64,
    received_at: Option<i64>,
    updated_at: i64,
    on_time: i64,
    present: i64,
    late: i64,
    excused: i64,
    unexcused: i64,
}

const ROLL_CALL_SELECT: &str = "SELECT id, class_id, date, period, taken_by, taken_at, received_at, \
     updated_at, on_time, present, late, excused, unexcused FROM roll_calls";

/// The stored roll call of a lesson, without checking who asks.
async fn find(
    ctx: &Ctx,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Option<RollCall>, Error> {
    let row: Option<RollCallRow> = sqlx::query_as(&format!(
        "{ROLL_CALL_SELECT} WHERE class_id = $1 AND date = $2 AND period = $3"
    ))
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let Some(r) = row else { return Ok(None) };
    let entries = load_entries(&ctx.db.pool, r.id).await?;
    Ok(Some(RollCall {
        class_id: r.class_id,
        date: decode_date(&r.date).map_err(internal)?,
        period: r.period,
        taken_by: r.taken_by,
        taken_at: crate::dates::rfc3339(r.taken_at),
        received_at: crate::dates::rfc3339(r.received_at.unwrap_or(r.taken_at)),
        updated_at: crate::dates::rfc3339(r.updated_at),
        on_time: r.on_time == 1,
        entries,
        counts: Counts {
            present: r.present,
            late: r.late,
            excused: r.excused,
            unexcused: r.unexcused,
        },
    }))
}

/// A lesson's roll call (API.md `GET …/roll-call`): 404 when not taken yet.
pub async fn get(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<RollCall, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    find(ctx, class, date, period)
        .await?
        .ok_or_else(Error::not_found)
}

/// Booked devices by class, day and period.
type Devices = HashMap<(ClassId, NaiveDate, i64), Vec<String>>;

/// Live bookings of a school's classes from `from` to `to`: (class, day, period) → device names.
async fn booked_devices(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Devices, Error> {
    let rows = sqlx::query(
        "SELECT b.class_id, b.date, b.periods, b.quantity, d.name, d.quantity AS units FROM bookings b \
         JOIN devices d ON d.id = b.device_id WHERE b.school_id = $1 AND b.date >= $2 AND b.date <= $3 \
         AND b.class_id IS NOT NULL AND b.status IN ('booked', 'in_use', 'returned') ORDER BY d.name",
    )
    .bind(school)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out: Devices = HashMap::new();
    for r in &rows {
        let class: ClassId = r.try_get("class_id").map_err(internal)?;
        let date =
            decode_date(&r.try_get::<String, _>("date").map_err(internal)?).map_err(internal)?;
        let periods: String = r.try_get("periods").map_err(internal)?;
        let name: String = r.try_get("name").map_err(internal)?;
        let qty: i64 = r.try_get("quantity").map_err(internal)?;
        let units: i64 = r.try_get("units").map_err(internal)?;
        let label = if units > 1 {
            format!("{name} ×{qty}")
        } else {
            name
        };
        for p in periods.split(',').filter_map(|p| p.trim().parse().ok()) {
            out.entry((class, date, p)).or_default().push(label.clone());
        }
    }
    Ok(out)
}

/// Roll-call counts of a school's lessons on a day: (class, period) → counts.
async fn taken_on(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<(ClassId, NaiveDate, i64), (Counts, bool)>, Error> {
    let rows: Vec<RollCallRow> = sqlx::query_as(&format!(
        "{ROLL_CALL_SELECT} WHERE school_id = $1 AND date >= $2 AND date <= $3"
    ))
    .bind(school)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            let d =
                NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").map_err(|_| Error::internal())?;
            Ok((
                (r.class_id, d, r.period),
                (
                    Counts {
                        present: r.present,
                        late: r.late,
                        excused: r.excused,
                        unexcused: r.unexcused,
                    },
                    r.on_time == 1,
                ),
            ))
        })
        .collect()
}

fn lesson_of(
    slot: &Slot,
    grid: &crate::periods::PeriodGrid,
    taken: &HashMap<(ClassId, NaiveDate, i64), (Counts, bool)>,
    devices: &Devices,
    materials: &Materials,
) -> Lesson {
    let p = grid.items.iter().find(|p| p.number == slot.item.period);
    Lesson {
        class_id: slot.class_id,
        class_name: slot.class_name.clone(),
        date: slot.date,
        period: slot.item.period,
        starts: p.map(|p| p.starts.to_string()),
        ends: p.map(|p| p.ends.to_string()),
        subject: slot.item.subject.clone(),
        teacher_id: slot.item.teacher_id,
        teacher_name: slot.item.teacher_name.clone().unwrap_or_default(),
        roll_call: taken
            .get(&(slot.class_id, slot.date, slot.item.period))
            .map(|(c, _)| *c),
        devices: devices
            .get(&(slot.class_id, slot.date, slot.item.period))
            .cloned()
            .unwrap_or_default(),
        materials: materials
            .get(&(slot.class_id, slot.date, slot.item.period))
            .cloned()
            .unwrap_or_default(),
    }
}

/// The materials attached to lessons, by lesson.
type Materials = HashMap<(ClassId, NaiveDate, i64), Vec<crate::classes::MaterialRef>>;

/// A teacher's day (today by default): each lesson they teach with its roll-call state and the
/// devices booked for it. Empty for users without a school.
pub async fn my_day(ctx: &Ctx, actor: &Actor, on: Option<NaiveDate>) -> Result<Vec<Lesson>, Error> {
    let Some(school) = actor.school_id else {
        return Ok(Vec::new());
    };
    let on = on.unwrap_or_else(|| today(ctx));
    let slots = timetable::timetabled(ctx, school, on, on, Some(actor.user_id)).await?;
    if slots.is_empty() {
        return Ok(Vec::new());
    }
    let grid = periods::load_grid(ctx, school).await?;
    let taken = taken_on(ctx, school, on, on).await?;
    let devices = booked_devices(ctx, school, on, on).await?;
    let materials = crate::services::materials::attached_in(ctx, actor, school, on, on).await?;
    Ok(slots
        .iter()
        .map(|s| lesson_of(s, &grid, &taken, &devices, &materials))
        .collect())
}

/// A class's lessons of the week starting `monday`, each with its roll-call state and booked
/// devices (the class page: its homeroom teacher's week). The school's staff only.
pub async fn class_week(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    monday: NaiveDate,
) -> Result<Vec<Lesson>, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    week_of(ctx, actor, c.school_id, class, monday).await
}

/// [`class_week`] once the class is read and the caller checked.
async fn week_of(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    class: ClassId,
    monday: NaiveDate,
) -> Result<Vec<Lesson>, Error> {
    let sunday = monday + chrono::Duration::days(6);
    let slots = timetable::class_slots(ctx, school, class, monday, sunday).await?;
    if slots.is_empty() {
        return Ok(Vec::new());
    }
    let grid = periods::load_grid(ctx, school).await?;
    let taken = taken_on(ctx, school, monday, sunday).await?;
    let devices = booked_devices(ctx, school, monday, sunday).await?;
    let materials =
        crate::services::materials::attached_in(ctx, actor, school, monday, sunday).await?;
    Ok(slots
        .iter()
        .map(|s| lesson_of(s, &grid, &taken, &devices, &materials))
        .collect())
}

/// A class's page: the week of `on` (Monday to Sunday) with each lesson's roll-call state, the
/// students in the class today (the year's last day once it is over) and, for the school's
/// administrators, the year's other classes to move a student to. The school's staff only.
pub async fn class_view(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    on: NaiveDate,
) -> Result<ClassView, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let monday = crate::dates::monday_of(on);
    let lessons = week_of(ctx, actor, c.school_id, class, monday).await?;
    let day = today(ctx).clamp(year.starts, year.ends);
    let students = classes::members_on(ctx, class, day).await?;
    let manage = actor.can_manage_school(c.school_id);
    let other_classes = if manage {
        classes::list(ctx, actor, c.school_id, Some(&year.name))
            .await?
            .into_iter()
            .filter(|k| k.id != class)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ClassView {
        class: c,
        year,
        monday,
        today: today(ctx),
        lessons,
        students,
        manage,
        other_classes,
    })
}

/// What the roll-call page shows: the lesson, the students that day with their recorded state
/// (present by default), whether the caller may write, and the history of changes.
pub async fn view(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<RollCallView, Error> {
    let (c, slot) = checked_lesson(ctx, actor, class, date, period).await?;
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let taken = taken_on(ctx, c.school_id, date, date).await?;
    let devices = booked_devices(ctx, c.school_id, date, date).await?;
    let materials =
        crate::services::materials::attached_in(ctx, actor, c.school_id, date, date).await?;
    let lesson = lesson_of(&slot, &grid, &taken, &devices, &materials);
    let roll_call = find(ctx, class, date, period).await?;
    let recorded: HashMap<StudentId, &RollCallEntry> = roll_call
        .iter()
        .flat_map(|r| &r.entries)
        .map(|e| (e.student_id, e))
        .collect();
    let students = classes::members_on(ctx, class, date)
        .await?
        .into_iter()
        .map(|s| RosterLine {
            status: recorded.get(&s.id).map(|e| e.status).unwrap_or_default(),
            note: recorded.get(&s.id).and_then(|e| e.note.clone()),
            student_id: s.id,
            code: s.code,
            full_name: s.full_name,
        })
        .collect();
    let may_write = may_write(actor, c.school_id, &slot)
        && (roll_call.is_none() || may_edit_taken(actor, c.school_id, date, today(ctx)));
    let history = match &roll_call {
        Some(_) => history(ctx, class, date, period).await?,
        None => Vec::new(),
    };
    Ok(RollCallView {
        lesson,
        students,
        roll_call,
        may_write,
        history,
    })
}

/// The changes of a roll call from the audit log, newest first.
async fn history(
    ctx: &Ctx,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<RollCallChange>, Error> {
    let rows = sqlx::query(
        "SELECT a.at, a.actor_name, a.new_value FROM audit_log a JOIN roll_calls r \
         ON a.object = 'roll_call:' || CAST(r.id AS TEXT) \
         WHERE r.class_id = $1 AND r.date = $2 AND r.period = $3 AND a.action = 'roll_call.update' \
         ORDER BY a.at DESC, a.id DESC",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out = Vec::new();
    for r in &rows {
        let at: i64 = r.try_get("at").map_err(internal)?;
        let by: Option<String> = r.try_get("actor_name").map_err(internal)?;
        let new: Option<String> = r.try_get("new_value").map_err(internal)?;
        let v: serde_json::Value = new
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        let changes = v["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["name"].as_str()?.to_owned(),
                    Status::parse(c["old"].as_str()?)?,
                    Status::parse(c["new"].as_str()?)?,
                ))
            })
            .collect();
        out.push(RollCallChange {
            at: crate::dates::rfc3339(at),
            by: by.unwrap_or_default(),
            changes,
        });
    }
    Ok(out)
}

/// Checks a report's range: `from` ≤ `to`, at most [`MAX_RANGE_DAYS`].
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), Error> {
    if from > to {
        return Err(Error::field("to", Msg::new("validation.date_range")));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(Error::field("to", Msg::new("validation.date_range")));
    }
    Ok(())
}

/// The school's lessons from `from` to `to` with no roll call, by day, period and class
/// (API.md missing report; the admin's page asks for today or this week). A lesson of today
/// is missing once its period has ended; later days have none.
pub async fn missing(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MissingRollCall>, Error> {
    actor.must_manage_school(school)?;
    check_range(from, to)?;
    let now = ctx.now();
    let today = today(ctx);
    let to = to.min(today);
    if from > to {
        return Ok(Vec::new());
    }
    let grid = periods::load_grid(ctx, school).await?;
    let slots = timetable::timetabled(ctx, school, from, to, None).await?;
    let taken = taken_on(ctx, school, from, to).await?;
    Ok(slots
        .into_iter()
        .filter(|s| !taken.contains_key(&(s.class_id, s.date, s.item.period)))
        .filter(|s| {
            s.date < today
                || on_time_until(&grid, s.date, s.item.period) - ON_TIME_GRACE_MINUTES * 60 <= now
        })
        .map(|s| MissingRollCall {
            class_id: s.class_id,
            class_name: s.class_name,
            date: s.date,
            period: s.item.period,
            subject: s.item.subject,
            teacher_id: s.item.teacher_id,
            teacher_name: s.item.teacher_name.unwrap_or_default(),
        })
        .collect())
}

/// A class's attendance from `from` to `to` (API.md summary): per student, the lessons with a
/// roll call while they were in the class and their states; by name.
pub async fn summary(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AttendanceSummary, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    check_range(from, to)?;
    let calls: Vec<(i64, String)> = sqlx::query(
        "SELECT id, date FROM roll_calls WHERE class_id = $1 AND date >= $2 AND date <= $3",
    )
    .bind(class)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("date")?)))
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)?;
    let entries = sqlx::query(
        "SELECT e.roll_call_id, e.student_id, e.status FROM roll_call_entries e \
         JOIN roll_calls r ON r.id = e.roll_call_id WHERE r.class_id = $1 AND r.date >= $2 AND r.date <= $3",
    )
    .bind(class)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut status: HashMap<(i64, StudentId), Status> = HashMap::new();
    for r in &entries {
        let s: String = r.try_get("status").map_err(internal)?;
        status.insert(
            (
                r.try_get("roll_call_id").map_err(internal)?,
                r.try_get("student_id").map_err(internal)?,
            ),
            decode("attendance status", &s, Status::parse).map_err(internal)?,
        );
    }
    // Every student who was in the class at some point of the range, with their places.
    let places = sqlx::query(
        "SELECT s.id, s.code, s.full_name, s.search_key, m.since, m.until FROM class_members m \
         JOIN students s ON s.id = m.student_id WHERE m.class_id = $1 AND m.since <= $2 \
         AND (m.until IS NULL OR m.until > $3) ORDER BY s.search_key, s.code",
    )
    .bind(class)
    .bind(to.to_string())
    .bind(from.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut students: BTreeMap<(String, StudentId), StudentAttendance> = BTreeMap::new();
    for p in &places {
        let id: StudentId = p.try_get("id").map_err(internal)?;
        let key: String = p.try_get("search_key").map_err(internal)?;
        let since: String = p.try_get("since").map_err(internal)?;
        let until: Option<String> = p.try_get("until").map_err(internal)?;
        let line = students
            .entry((key, id))
            .or_insert_with(|| StudentAttendance {
                student_id: id,
                code: p.try_get("code").unwrap_or_default(),
                full_name: p.try_get("full_name").unwrap_or_default(),
                lessons: 0,
                counts: Counts::default(),
                absence_rate: 0.0,
            });
        for (rc, date) in &calls {
            if *date >= since && until.as_ref().is_none_or(|u| date < u) {
                line.lessons += 1;
                line.counts
                    .add(status.get(&(*rc, id)).copied().unwrap_or_default());
            }
        }
    }
    let students = students
        .into_values()
        .map(|mut s| {
            s.absence_rate = percent(s.counts.absent(), s.lessons);
            s
        })
        .collect();
    Ok(AttendanceSummary {
        class_id: class,
        from,
        to,
        roll_calls: calls.len() as i64,
        students,
    })
}

/// The share of a school's timetabled lessons from `from` to `to` whose roll was taken on time
/// (for the department and the pilot criteria): (lessons, taken on time).
pub async fn on_time(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64), Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    check_range(from, to)?;
    let to = to.min(today(ctx));
    if from > to {
        return Ok((0, 0));
    }
    let slots = timetable::timetabled(ctx, school, from, to, None).await?;
    let taken = taken_on(ctx, school, from, to).await?;
    let on_time = slots
        .iter()
        .filter(|s| {
            taken
                .get(&(s.class_id, s.date, s.item.period))
                .is_some_and(|(_, on_time)| *on_time)
        })
        .count();
    Ok((slots.len() as i64, on_time as i64))
}

/// [`on_time`] for every school with classes in the range (the department and sysadmins),
/// lowest share first: the schools to call first.
pub async fn on_time_by_school(
    ctx: &Ctx,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SchoolOnTime>, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    check_range(from, to)?;
    let mut w = Where::new();
    w.and("y.starts <= {}", to.to_string())
        .and("y.ends >= {}", from.to_string());
    crate::services::scope::restrict(&mut w, actor, "s.id");
    let sql = format!(
        "SELECT DISTINCT s.id, s.code, s.name FROM schools s JOIN classes c ON c.school_id = s.id \
         JOIN school_years y ON y.id = c.year_id{} ORDER BY s.code",
        w.sql()
    );
    let rows = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let school: SchoolId = r.try_get("id").map_err(internal)?;
        let (lessons, on_time) = on_time(ctx, actor, school, from, to).await?;
        out.push(SchoolOnTime {
            school_id: school,
            code: r.try_get("code").map_err(internal)?,
            name: r.try_get("name").map_err(internal)?,
            lessons,
            on_time,
            percent: percent(on_time, lessons),
        });
    }
    out.sort_by(|a, b| {
        a.percent
            .total_cmp(&b.percent)
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(out)
}

fn summary_header(lang: crate::Lang) -> Vec<String> {
    [
        "summary.col.code",
        "summary.col.name",
        "summary.col.lessons",
        "attendance.present",
        "attendance.late",
        "attendance.excused",
        "attendance.unexcused",
        "summary.col.absence_rate",
    ]
    .iter()
    .map(|k| crate::i18n::t(lang, k).to_owned())
    .collect()
}

/// A class's attendance summary as CSV (column names in `lang`, formulas neutralised).
pub fn summary_csv(s: &AttendanceSummary, lang: crate::Lang) -> Vec<u8> {
    let header = summary_header(lang);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = s
        .students
        .iter()
        .map(|a| {
            vec![
                a.code.clone(),
                a.full_name.clone(),
                a.lessons.to_string(),
                a.counts.present.to_string(),
                a.counts.late.to_string(),
                a.counts.excused.to_string(),
                a.counts.unexcused.to_string(),
                format!("{:.1}", a.absence_rate),
            ]
        })
        .collect();
    crate::services::csv_import::write(&header, &rows)
}

/// A class's attendance summary as an Excel workbook (text cells stay text, never formulas).
pub fn summary_xlsx(s: &AttendanceSummary, lang: crate::Lang) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx export");
        Error::internal()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet
        .set_name(crate::i18n::t(lang, "summary.sheet"))
        .map_err(xl)?;
    for (c, h) in summary_header(lang).iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h.as_str(), &bold)
            .map_err(xl)?;
    }
    for (i, a) in s.students.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, a.code.as_str()).map_err(xl)?;
        sheet.write_string(r, 1, a.full_name.as_str()).map_err(xl)?;
        for (c, v) in [
            a.lessons,
            a.counts.present,
            a.counts.late,
            a.counts.excused,
            a.counts.unexcused,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_number(r, 2 + c as u16, v as f64).map_err(xl)?;
        }
        sheet.write_number(r, 7, a.absence_rate).map_err(xl)?;
    }
    sheet.autofit();
    wb.save_to_buffer().map_err(xl)
}
