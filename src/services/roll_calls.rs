//! Roll calls: one per lesson, taken by the lesson's teacher, the class's homeroom teacher or
//! the school's administrators; idempotent (a replayed or concurrent duplicate lands on the
//! same row and changes nothing); every change audited with the students' old → new states.
//! The teacher's day and the class's week are in [`lessons`], the attendance reports in
//! [`reports`], their exports in [`export`].

use crate::classes::Class;
use crate::error::{Error, ErrorCode, FieldError, Msg};
use crate::ids::{ClassId, StudentId, UserId};
use crate::lessons::{ReadOnly, RollCallView};
use crate::model::Actor;
use crate::roll_calls::{
    Counts, MAX_NOTE, ON_TIME_GRACE_MINUTES, RollCall, RollCallChange, RollCallEntry,
    RollCallInput, RosterLine, Status,
};
use crate::services::audit::{self, Action, Record};
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{Engine, decode, decode_date, decode_flag, internal};
use crate::services::lesson_access::{may_edit_taken, may_read};
use crate::services::periods;
use crate::services::substitutes;
use crate::services::timetable::{self, Slot};
use crate::text::clean;
use chrono::NaiveDate;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

pub mod export;
pub mod lessons;
pub mod reports;

pub use export::{summary_csv, summary_xlsx};
use lessons::{booked_devices, lesson_of, taken_on};
pub use lessons::{class_view, class_week, my_day, my_week};
pub use reports::{MAX_RANGE_DAYS, check_range, missing, on_time, on_time_by_school, summary};

/// When the lesson's period starts (unix seconds): the earliest plausible capture time.
fn period_starts(grid: &crate::periods::PeriodGrid, date: NaiveDate, period: i64) -> i64 {
    grid.bounds(date, period)
        .map_or_else(|| crate::dates::midnight(date), |(starts, _)| starts)
}

/// When a lesson's roll call stops being on time (unix seconds): the end of its period plus
/// [`ON_TIME_GRACE_MINUTES`], school time; the end of the day when the grid lacks the period.
fn on_time_until(grid: &crate::periods::PeriodGrid, date: NaiveDate, period: i64) -> i64 {
    grid.bounds(date, period).map_or_else(
        || crate::dates::midnight(date) + 24 * 3600,
        |(_, ends)| ends + ON_TIME_GRACE_MINUTES * 60,
    )
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
        return Err(Error::field(
            "date",
            Msg::new("roll_call.future").arg("date", crate::dates::display_date(date)),
        ));
    }
    let slot = timetable::lesson_of(ctx, &c, date, period).await?;
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
    if !substitutes::may_take_slot(ctx, actor, c.school_id, &slot).await? {
        return Err(Error::forbidden());
    }
    let members = classes::members_on(ctx, class, date).await?;
    let entries = normalise(input, &members.iter().map(|s| s.id).collect())?;
    let counts = counts_of(members.len(), &entries);
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let now = ctx.now();
    // A roll call saved offline is judged by when the teacher saved it, if that is plausible.
    let captured = crate::roll_calls::capture_time(
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
    let mut stored: Option<Stored> = None;
    let mut changed_entries = false;
    let inserted: Option<i64> = sqlx::query_scalar(
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
    let created = if let Some(id) = inserted {
        insert_entries(&mut tx, id, &entries).await?;
        record_changes(&mut tx, id, actor, now, None, &entries).await?;
        audit::write(
            &mut *tx,
            now,
            Action::RollCallCreate,
            Record {
                actor: Some(actor),
                school_id: Some(c.school_id),
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
        let row = Stored::try_from(row).map_err(internal)?;
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
            record_changes(&mut tx, id, actor, now, Some(&old), &entries).await?;
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
                Action::RollCallUpdate,
                Record {
                    actor: Some(actor),
                    school_id: Some(c.school_id),
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
    metrics::counter!("lophoc_roll_calls_taken_total").increment(1);
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
        Some(r) => {
            let updated_at = if changed_entries { now } else { r.updated_at };
            r.roll_call(entries, counts, updated_at)
        }
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

/// A stored roll call's row, decoded strictly.
struct Stored {
    id: i64,
    class_id: ClassId,
    date: NaiveDate,
    period: i64,
    taken_by: UserId,
    taken_at: i64,
    received_at: i64,
    updated_at: i64,
    on_time: bool,
    counts: Counts,
}

impl TryFrom<RollCallRow> for Stored {
    type Error = sqlx::Error;
    fn try_from(r: RollCallRow) -> Result<Stored, sqlx::Error> {
        Ok(Stored {
            id: r.id,
            class_id: r.class_id,
            date: decode_date(&r.date)?,
            period: r.period,
            taken_by: r.taken_by,
            taken_at: r.taken_at,
            // A roll call from before capture times was received when it was taken.
            received_at: r.received_at.unwrap_or(r.taken_at),
            updated_at: r.updated_at,
            on_time: decode_flag("on_time", r.on_time)?,
            counts: Counts {
                present: r.present,
                late: r.late,
                excused: r.excused,
                unexcused: r.unexcused,
            },
        })
    }
}

impl Stored {
    /// The roll call with these entries, last changed at `updated_at`.
    fn roll_call(self, entries: Vec<RollCallEntry>, counts: Counts, updated_at: i64) -> RollCall {
        RollCall {
            class_id: self.class_id,
            date: self.date,
            period: self.period,
            taken_by: self.taken_by,
            taken_at: crate::dates::rfc3339(self.taken_at),
            received_at: crate::dates::rfc3339(self.received_at),
            updated_at: crate::dates::rfc3339(updated_at),
            on_time: self.on_time,
            entries,
            counts,
        }
    }
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
    let r = Stored::try_from(r).map_err(internal)?;
    let entries = load_entries(&ctx.db.pool, r.id).await?;
    let (counts, updated_at) = (r.counts, r.updated_at);
    Ok(Some(r.roll_call(entries, counts, updated_at)))
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
    let substitute = substitutes::substitute_of(ctx, c.school_id, &slot).await?;
    let taker = crate::services::lesson_access::may_take(
        actor,
        c.school_id,
        &slot,
        substitute.as_ref().map(|s| s.substitute_id),
    );
    let read_only = if !taker {
        Some(ReadOnly::NotTaker)
    } else if roll_call.is_some() && !may_edit_taken(actor, c.school_id, date, today(ctx)) {
        Some(ReadOnly::Closed)
    } else {
        None
    };
    let history = match &roll_call {
        Some(_) => history(ctx, class, date, period).await?,
        None => Vec::new(),
    };
    Ok(RollCallView {
        lesson,
        students,
        roll_call,
        may_write: read_only.is_none(),
        read_only,
        takers: substitutes::takers(ctx, c.school_id, &slot).await?,
        substitute: substitute.map(|s| s.substitute_name),
        today: today(ctx),
        history,
    })
}

/// One student's line as a save changed it (a row of `roll_call_changes`).
struct Change<'a> {
    student_id: StudentId,
    old: Option<&'a RollCallEntry>,
    new: Option<&'a RollCallEntry>,
}

/// The students a save changed: on a first take (`old` is `None`) every entry; on a change,
/// every student whose state or note differs (a student left out is present without a note).
fn changes<'a>(old: Option<&'a [RollCallEntry]>, new: &'a [RollCallEntry]) -> Vec<Change<'a>> {
    let find = |v: &'a [RollCallEntry], s: StudentId| v.iter().find(|e| e.student_id == s);
    fn state(e: Option<&RollCallEntry>) -> (Status, Option<&str>) {
        e.map(|e| (e.status, e.note.as_deref()))
            .unwrap_or((Status::Present, None))
    }
    let Some(old) = old else {
        return new
            .iter()
            .map(|e| Change {
                student_id: e.student_id,
                old: None,
                new: Some(e),
            })
            .collect();
    };
    let ids: std::collections::BTreeSet<StudentId> =
        old.iter().chain(new).map(|e| e.student_id).collect();
    ids.into_iter()
        .map(|s| Change {
            student_id: s,
            old: find(old, s),
            new: find(new, s),
        })
        .filter(|c| state(c.old) != state(c.new))
        .collect()
}

/// Writes the history rows of one save (`old` is `None` on the first take), in the roll
/// call's transaction: one row per changed student, all with the save's revision number.
async fn record_changes(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    actor: &Actor,
    at: i64,
    old: Option<&[RollCallEntry]>,
    new: &[RollCallEntry],
) -> Result<(), Error> {
    let rows = changes(old, new);
    if rows.is_empty() {
        return Ok(());
    }
    // The writer holds the roll call (SQLite: BEGIN IMMEDIATE; PostgreSQL: its row locked, or
    // inserted by this transaction), so the next revision number is this save's alone.
    let revision: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(revision), 0) + 1 FROM roll_call_changes WHERE roll_call_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    let first = old.is_none();
    for chunk in rows.chunks(50) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 6 + 5 * i;
                format!(
                    "($1, $2, ${p}, $3, $4, $5, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO roll_call_changes (roll_call_id, revision, student_id, changed_by, \
             changed_by_name, at, old_status, new_status, old_note, new_note) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(id)
            .bind(revision)
            .bind(actor.user_id)
            .bind(actor.username.clone())
            .bind(at);
        for c in chunk {
            let status = |e: Option<&RollCallEntry>| e.map(|e| e.status).unwrap_or_default();
            let note = |e: Option<&RollCallEntry>| e.and_then(|e| e.note.clone());
            let old_status = (!first).then(|| status(c.old).as_str().to_owned());
            q = q
                .bind(c.student_id)
                .bind(old_status)
                .bind(status(c.new).as_str().to_owned())
                .bind(note(c.old))
                .bind(note(c.new));
        }
        q.execute(&mut **tx).await.map_err(internal)?;
    }
    Ok(())
}

/// A row of a roll call's history: one student's change in one save.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    revision: i64,
    at: i64,
    changed_by_name: String,
    old_status: String,
    new_status: String,
    full_name: String,
}

/// The history query: a roll call's changes after its first take, newest save first, by
/// student, each save with its author's full name; through the lesson's unique key and `roll_call_changes(roll_call_id, at)`.
pub(crate) const HISTORY_SQL: &str = "SELECT c.revision, c.at, u.full_name AS changed_by_name, \
     c.old_status, c.new_status, s.full_name FROM roll_calls r \
     JOIN roll_call_changes c ON c.roll_call_id = r.id JOIN students s ON s.id = c.student_id \
     JOIN users u ON u.id = c.changed_by \
     WHERE r.class_id = $1 AND r.date = $2 AND r.period = $3 AND c.old_status IS NOT NULL \
     ORDER BY c.at DESC, c.revision DESC, c.student_id";

/// The changes of a roll call after its first take, newest first: each save with who made it
/// and the students whose state changed (a save that changed only notes lists none).
async fn history(
    ctx: &Ctx,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<RollCallChange>, Error> {
    let rows: Vec<HistoryRow> = sqlx::query_as(HISTORY_SQL)
        .bind(class)
        .bind(date.to_string())
        .bind(period)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out: Vec<(i64, RollCallChange)> = Vec::new();
    for r in rows {
        let old = decode("attendance status", &r.old_status, Status::parse).map_err(internal)?;
        let new = decode("attendance status", &r.new_status, Status::parse).map_err(internal)?;
        if out.last().is_none_or(|(rev, _)| *rev != r.revision) {
            out.push((
                r.revision,
                RollCallChange {
                    at: crate::dates::rfc3339(r.at),
                    by: r.changed_by_name,
                    changes: Vec::new(),
                },
            ));
        }
        if old != new
            && let Some((_, change)) = out.last_mut()
        {
            change.changes.push((r.full_name, old, new));
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}
