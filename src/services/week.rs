//! The week view of a school's devices: Monday to Saturday, period by period, who has what.

use crate::bookings::BookingStatus;
use crate::bookings::periods_over;
use crate::dates::{monday_of, today_at};
use crate::devices::{Device, DeviceFilter, DeviceKind, DeviceStatus};
use crate::error::Error;
use crate::ids::{BookingId, DeviceId, SchoolId, UserId};
use crate::model::Actor;
use crate::services::bookings::{due_for_release, minutes_now};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::{devices, periods};
use crate::week::{BookingBrief, DEVICES_PER_PAGE, WeekCell, WeekDay, WeekView};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap};

/// A live booked period of a device in the week, as stored.
#[derive(sqlx::FromRow)]
struct SlotRow {
    device_id: i64,
    date: String,
    period: i64,
    quantity: i64,
    id: BookingId,
    teacher_id: UserId,
    status: String,
    note: Option<String>,
    first_period: i64,
    made_at: i64,
    full_name: String,
}

/// The week (Monday–Saturday) of `day` for one device, or for every device of a kind in a
/// school that is not retired.
pub async fn week(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    device: Option<DeviceId>,
    kind: Option<DeviceKind>,
    day: NaiveDate,
) -> Result<WeekView, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    let devs: Vec<Device> = match device {
        Some(id) => {
            let d = devices::get(ctx, actor, id).await?;
            if d.school_id != school {
                return Err(Error::not_found());
            }
            vec![d]
        }
        None => devices::list(
            ctx,
            actor,
            school,
            &crate::devices::DeviceFilter {
                kind,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .filter(|d| d.status != DeviceStatus::Retired)
        .collect(),
    };
    let total = devs.len();
    render(ctx, school, devs, 0, total, day).await
}

/// The week of `day` for `devs` (of `school`, which the caller may read), the
/// `from`-th of `total` devices onwards.
async fn render(
    ctx: &Ctx,
    school: SchoolId,
    devs: Vec<Device>,
    from: usize,
    total: usize,
    day: NaiveDate,
) -> Result<WeekView, Error> {
    let monday = monday_of(day);
    let saturday = monday + Duration::days(5);
    let grid = periods::load_grid(ctx, school).await?;
    let holidays = periods::load_holidays(ctx, school, Some(monday), Some(saturday)).await?;
    let now = ctx.now();
    let today = today_at(now);
    // (device, date) → period → cell
    let mut cells: HashMap<(i64, NaiveDate), BTreeMap<i64, WeekCell>> = HashMap::new();
    if !devs.is_empty() {
        let ids: Vec<String> = (0..devs.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT s.device_id, s.date, s.period, s.quantity, b.id, b.teacher_id, b.status, b.note, \
             b.first_period, b.created_at AS made_at, \
             u.full_name FROM booking_slots s JOIN bookings b ON b.id = s.booking_id \
             JOIN users u ON u.id = b.teacher_id \
             WHERE s.live = 1 AND s.date >= $1 AND s.date <= $2 AND s.device_id IN ({}) \
             ORDER BY s.period, b.id",
            ids.join(", ")
        );
        let mut q = sqlx::query_as::<_, SlotRow>(&sql)
            .bind(monday.to_string())
            .bind(saturday.to_string());
        for d in &devs {
            q = q.bind(d.id.0);
        }
        let rows = q.fetch_all(&ctx.db.pool).await.map_err(internal)?;
        for r in rows {
            let dev = r.device_id;
            let date = decode_date(&r.date).map_err(internal)?;
            let period = r.period;
            let qty = r.quantity;
            let status =
                decode("booking status", &r.status, BookingStatus::parse).map_err(internal)?;
            let first = r.first_period;
            let made_at = r.made_at;
            if status == BookingStatus::Booked
                && due_for_release(&grid, date, Some(first), made_at, now)
            {
                // Released in effect: the period is free, whether or not the job has run.
                continue;
            }
            let cell = cells
                .entry((dev, date))
                .or_default()
                .entry(period)
                .or_insert_with(|| WeekCell {
                    period,
                    booked: 0,
                    bookings: vec![],
                });
            cell.booked += qty;
            cell.bookings.push(BookingBrief {
                id: r.id,
                teacher_id: r.teacher_id,
                teacher_name: r.full_name,
                quantity: qty,
                status,
                note: r.note,
            });
        }
    }
    let days = (0..6)
        .map(|i| {
            let d = monday + Duration::days(i);
            WeekDay {
                holiday: periods::holiday_on(&holidays, d).map(|h| h.name.clone()),
                past: d < today,
                over: periods_over(&grid.items, d, today, minutes_now(now)),
                cells: devs
                    .iter()
                    .map(|dev| {
                        cells
                            .remove(&(dev.id.0, d))
                            .map(|m| m.into_values().collect())
                            .unwrap_or_default()
                    })
                    .collect(),
                date: d,
            }
        })
        .collect();
    Ok(WeekView {
        school_id: school,
        monday,
        today,
        periods: grid.items,
        devices: devs,
        devices_from: from,
        devices_total: total,
        days,
    })
}

/// The booking page's week: one device (any the caller may see), or the devices of a kind in
/// the caller's school, [`DEVICES_PER_PAGE`] at a time (`page` from 1; past the last, the
/// last); with neither, the first kind the school has (interactive displays when it has none).
/// `day` is any day of the week, today when absent.
pub async fn browse(
    ctx: &Ctx,
    actor: &Actor,
    kind: Option<DeviceKind>,
    device: Option<DeviceId>,
    day: Option<NaiveDate>,
    page: usize,
) -> Result<WeekView, Error> {
    let day = day.unwrap_or_else(|| today_at(ctx.now()));
    if let Some(id) = device {
        let d = devices::get(ctx, actor, id).await?;
        return week(ctx, actor, d.school_id, Some(id), None, day).await;
    }
    let school = actor.school_id.ok_or_else(Error::forbidden)?;
    let all: Vec<Device> = devices::list(ctx, actor, school, &DeviceFilter::default())
        .await?
        .into_iter()
        .filter(|d| d.status != DeviceStatus::Retired)
        .collect();
    let kind = kind
        .or_else(|| {
            DeviceKind::ALL
                .into_iter()
                .find(|k| all.iter().any(|d| d.kind == *k))
        })
        .unwrap_or(DeviceKind::InteractiveDisplay);
    let of_kind: Vec<Device> = all.into_iter().filter(|d| d.kind == kind).collect();
    let total = of_kind.len();
    let pages = total.div_ceil(DEVICES_PER_PAGE).max(1);
    let from = (page.clamp(1, pages) - 1) * DEVICES_PER_PAGE;
    let shown = of_kind
        .into_iter()
        .skip(from)
        .take(DEVICES_PER_PAGE)
        .collect();
    render(ctx, school, shown, from, total, day).await
}
