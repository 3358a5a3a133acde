//! The lessons with their roll-call state: a teacher's day, a class's week and the class page,
//! each lesson with the devices booked for it and the materials attached.

use super::{ROLL_CALL_SELECT, RollCallRow, Stored};
use crate::classes::ClassView;
use crate::error::Error;
use crate::ids::{ClassId, SchoolId};
use crate::lessons::{Lesson, LessonState, Locked, TeacherDay, TeacherWeek, WeekLesson};
use crate::model::Actor;
use crate::roll_calls::Counts;
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::lesson_access::{may_edit_taken, may_read};
use crate::services::periods;
use crate::services::timetable::{self, Slot};
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// Booked devices by class, day and period.
pub(super) type Devices = HashMap<(ClassId, NaiveDate, i64), Vec<String>>;

#[derive(sqlx::FromRow)]
struct BookedRow {
    class_id: ClassId,
    date: String,
    periods: String,
    quantity: i64,
    name: String,
    units: i64,
}

/// A class's booking as a lesson lists it, decoded strictly.
struct Booked {
    class_id: ClassId,
    date: NaiveDate,
    periods: Vec<i64>,
    /// The device's name, with the units booked when it has several.
    label: String,
}

impl TryFrom<BookedRow> for Booked {
    type Error = sqlx::Error;
    fn try_from(r: BookedRow) -> Result<Booked, sqlx::Error> {
        let periods = r
            .periods
            .split(',')
            .map(|p| decode("booked period", p.trim(), |p| p.parse::<i64>().ok()))
            .collect::<Result<_, _>>()?;
        Ok(Booked {
            class_id: r.class_id,
            date: decode_date(&r.date)?,
            periods,
            label: if r.units > 1 {
                format!("{} ×{}", r.name, r.quantity)
            } else {
                r.name
            },
        })
    }
}

/// Live bookings of a school's classes from `from` to `to`: (class, day, period) → device names.
pub(super) async fn booked_devices(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Devices, Error> {
    let rows: Vec<Booked> = sqlx::query_as::<_, BookedRow>(
        "SELECT b.class_id, b.date, b.periods, b.quantity, d.name, d.quantity AS units FROM bookings b \
         JOIN devices d ON d.id = b.device_id WHERE b.school_id = $1 AND b.date >= $2 AND b.date <= $3 \
         AND b.class_id IS NOT NULL AND b.status IN ('booked', 'in_use', 'returned') ORDER BY d.name",
    )
    .bind(school)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(Booked::try_from)
    .collect::<Result<_, _>>()
    .map_err(internal)?;
    let mut out: Devices = HashMap::new();
    for b in rows {
        for p in b.periods {
            out.entry((b.class_id, b.date, p))
                .or_default()
                .push(b.label.clone());
        }
    }
    Ok(out)
}

/// Roll-call counts of a school's lessons on a day: (class, period) → counts.
pub(super) async fn taken_on(
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
            let r = Stored::try_from(r).map_err(internal)?;
            Ok(((r.class_id, r.date, r.period), (r.counts, r.on_time)))
        })
        .collect()
}

pub(super) fn lesson_of(
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
pub(super) type Materials = HashMap<(ClassId, NaiveDate, i64), Vec<crate::lessons::MaterialRef>>;

/// The lessons `actor` teaches from `from` to `to`: their timetable's, and those they stand in
/// on as a substitute, in the order of the days (the one source of the teacher's day and week).
async fn teaching(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Slot>, Error> {
    let mut slots = timetable::timetabled(ctx, school, from, to, Some(actor.user_id)).await?;
    slots.extend(crate::services::substitutes::stood_in(ctx, actor, school, from, to).await?);
    slots.sort_by(|a, b| {
        (a.date, a.item.period, &a.class_name).cmp(&(b.date, b.item.period, &b.class_name))
    });
    slots.dedup_by(|a, b| {
        (a.class_id, a.date, a.item.period) == (b.class_id, b.date, b.item.period)
    });
    Ok(slots)
}

/// A teacher's day (today by default): each lesson they teach, and each they stand in on as a
/// substitute, with its roll-call state and the devices booked for it. Empty for users without
/// a school.
pub async fn my_day(ctx: &Ctx, actor: &Actor, on: Option<NaiveDate>) -> Result<Vec<Lesson>, Error> {
    let Some(school) = actor.school_id else {
        return Ok(Vec::new());
    };
    let on = on.unwrap_or_else(|| today(ctx));
    let slots = teaching(ctx, actor, school, on, on).await?;
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

/// The teacher's week of `day` (`YYYY-MM-DD` or `dd/mm/yyyy`; this week when absent): Monday
/// to Saturday, and Sunday when it has lessons; each day with the school's holiday and the
/// caller's lessons, each with its roll-call state and why it cannot be taken or changed now
/// ([`lesson_state`]). A `day` that is not a date is refused (422). Users without
/// a school get the days without lessons.
pub async fn my_week(ctx: &Ctx, actor: &Actor, day: Option<&str>) -> Result<TeacherWeek, Error> {
    let today = today(ctx);
    // Not a day, or a year far from ours (no school week, and the week's arithmetic would
    // overflow): a 422 whose message says so (the page has no field to mark).
    let bad = || {
        Error::with_msg(
            crate::ErrorCode::Validation,
            crate::Msg::new("validation.date"),
        )
    };
    let day = match day.map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => crate::dates::parse_date(s)
            .filter(|d| (1900..3000).contains(&d.year()))
            .ok_or_else(bad)?,
    };
    let monday = crate::dates::monday_of(day);
    let sunday = monday + chrono::Duration::days(6);
    let mut days: Vec<TeacherDay> = (0..7)
        .map(|i| TeacherDay {
            date: monday + chrono::Duration::days(i),
            holiday: None,
            lessons: Vec::new(),
        })
        .collect();
    if let Some(school) = actor.school_id {
        let holidays = periods::load_holidays(ctx, school, Some(monday), Some(sunday)).await?;
        for d in &mut days {
            d.holiday = periods::holiday_on(&holidays, d.date).map(|h| h.name.clone());
        }
        let slots = teaching(ctx, actor, school, monday, sunday).await?;
        if !slots.is_empty() {
            let grid = periods::load_grid(ctx, school).await?;
            let taken = taken_on(ctx, school, monday, sunday).await?;
            let devices = booked_devices(ctx, school, monday, sunday).await?;
            let materials =
                crate::services::materials::attached_in(ctx, actor, school, monday, sunday).await?;
            let pupils = with_pupils(ctx, &slots, monday, sunday).await?;
            for s in &slots {
                let lesson = lesson_of(s, &grid, &taken, &devices, &materials);
                let on_time = taken
                    .get(&(s.class_id, s.date, s.item.period))
                    .map(|(_, on_time)| *on_time);
                let (state, locked) = lesson_state(
                    s.date,
                    today,
                    on_time,
                    pupils.contains(&(s.class_id, s.date)),
                    may_edit_taken(actor, school, s.date, today),
                );
                let i = (s.date - monday).num_days();
                if let Some(d) = usize::try_from(i).ok().and_then(|i| days.get_mut(i)) {
                    d.lessons.push(WeekLesson {
                        lesson,
                        state,
                        locked,
                    });
                }
            }
        }
    }
    // Sunday only when something is taught on it.
    if days.last().is_some_and(|d| d.lessons.is_empty()) {
        days.pop();
    }
    Ok(TeacherWeek {
        monday,
        today,
        days,
    })
}

/// The state of a lesson's roll call and why it cannot be taken or changed now: the one rule
/// the teacher's week shows. `on_time` is the stored roll call's flag (`None`: not taken),
/// `pupils` whether the class has pupils that day, `edit_taken` whether the caller may change a
/// roll call of that day once taken ([`may_edit_taken`]). A lesson of a later day cannot be
/// taken yet (the service refuses it); a past lesson not taken can still be, late.
pub(crate) fn lesson_state(
    date: NaiveDate,
    today: NaiveDate,
    on_time: Option<bool>,
    pupils: bool,
    edit_taken: bool,
) -> (LessonState, Option<Locked>) {
    if !pupils {
        return (LessonState::NotNeeded, None);
    }
    if date > today {
        return (LessonState::Future, Some(Locked::NotYet));
    }
    let closed = (!edit_taken).then_some(Locked::Closed);
    match on_time {
        None => (LessonState::NotTaken, None),
        Some(true) => (LessonState::OnTime, closed),
        Some(false) => (LessonState::Late, closed),
    }
}

#[derive(sqlx::FromRow)]
struct MemberSpanRow {
    class_id: ClassId,
    since: String,
    until: Option<String>,
}

/// The (class, day) pairs of `slots` whose class has at least one pupil that day.
async fn with_pupils(
    ctx: &Ctx,
    slots: &[Slot],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashSet<(ClassId, NaiveDate)>, Error> {
    let classes: Vec<ClassId> = slots
        .iter()
        .map(|s| s.class_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let ids: Vec<String> = (0..classes.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT class_id, since, until FROM class_members \
         WHERE since <= $1 AND (until IS NULL OR until > $2) AND class_id IN ({})",
        ids.join(", ")
    );
    let mut q = sqlx::query_as::<_, MemberSpanRow>(&sql)
        .bind(to.to_string())
        .bind(from.to_string());
    for c in &classes {
        q = q.bind(*c);
    }
    let spans = q.fetch_all(&ctx.db.pool).await.map_err(internal)?;
    let mut spans_by_class: HashMap<ClassId, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for r in spans {
        let until = r
            .until
            .as_deref()
            .map(decode_date)
            .transpose()
            .map_err(internal)?;
        spans_by_class
            .entry(r.class_id)
            .or_default()
            .push((decode_date(&r.since).map_err(internal)?, until));
    }
    Ok(slots
        .iter()
        .filter(|s| {
            spans_by_class.get(&s.class_id).is_some_and(|v| {
                v.iter()
                    .any(|(since, until)| *since <= s.date && until.is_none_or(|u| u > s.date))
            })
        })
        .map(|s| (s.class_id, s.date))
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
