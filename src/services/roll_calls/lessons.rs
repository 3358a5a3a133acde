//! The lessons with their roll-call state: a teacher's day, a class's week and the class page,
//! each lesson with the devices booked for it and the materials attached.

use super::{ROLL_CALL_SELECT, RollCallRow};
use crate::classes::ClassView;
use crate::error::Error;
use crate::ids::{ClassId, SchoolId};
use crate::lessons::Lesson;
use crate::model::Actor;
use crate::roll_calls::Counts;
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{decode_date, internal};
use crate::services::lesson_access::may_read;
use crate::services::periods;
use crate::services::timetable::{self, Slot};
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::HashMap;

/// Booked devices by class, day and period.
pub(super) type Devices = HashMap<(ClassId, NaiveDate, i64), Vec<String>>;

/// Live bookings of a school's classes from `from` to `to`: (class, day, period) → device names.
pub(super) async fn booked_devices(
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
