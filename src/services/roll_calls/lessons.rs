//! The lessons with their roll-call state: a teacher's day, a class's week and the class page,
//! each lesson with the devices booked for it and the materials attached.

use super::{ROLL_CALL_SELECT, RollCallRow, Stored};
use crate::classes::ClassView;
use crate::error::Error;
use crate::ids::{ClassId, SchoolId};
use crate::lessons::Lesson;
use crate::model::Actor;
use crate::roll_calls::Counts;
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::lesson_access::may_read;
use crate::services::periods;
use crate::services::timetable::{self, Slot};
use chrono::NaiveDate;
use std::collections::HashMap;

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

/// A teacher's day (today by default): each lesson they teach, and each they stand in on as a
/// substitute, with its roll-call state and the devices booked for it. Empty for users without
/// a school.
pub async fn my_day(ctx: &Ctx, actor: &Actor, on: Option<NaiveDate>) -> Result<Vec<Lesson>, Error> {
    let Some(school) = actor.school_id else {
        return Ok(Vec::new());
    };
    let on = on.unwrap_or_else(|| today(ctx));
    let mut slots = timetable::timetabled(ctx, school, on, on, Some(actor.user_id)).await?;
    // The lessons they stand in on as a substitute, in the order of the day.
    slots.extend(crate::services::substitutes::stood_in(ctx, actor, school, on, on).await?);
    slots.sort_by(|a, b| {
        (a.date, a.item.period, &a.class_name).cmp(&(b.date, b.item.period, &b.class_name))
    });
    slots.dedup_by(|a, b| {
        (a.class_id, a.date, a.item.period) == (b.class_id, b.date, b.item.period)
    });
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
