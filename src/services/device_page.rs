//! A device's page: the device, today's bookings with what the caller may do with each now, the
//! maintenance history for its administrators. It reads both the inventory and the bookings, so
//! it lives above both (neither of them needs the other's page).

use crate::bookings::{BookingFilter, BookingStatus, CHECK_IN_EARLY_MINUTES};
use crate::dates::today_at;
use crate::device_page::{DevicePage, TodayBooking};
use crate::devices::DeviceStatus;
use crate::error::Error;
use crate::ids::DeviceId;
use crate::model::{Actor, SchoolRef};
use crate::services::ctx::Ctx;
use crate::services::{bookings, devices, periods};

/// A device's page (the one its QR label opens): the device, today's bookings with what the
/// caller may do with each now, the maintenance history for its administrators, and whether
/// the caller may book it. "Not found" for a device the caller may not see.
pub async fn page(ctx: &Ctx, actor: &Actor, id: DeviceId) -> Result<DevicePage, Error> {
    let device = devices::get(ctx, actor, id).await?;
    let school = crate::services::schools::get(ctx, actor, device.school_id).await?;
    let now = ctx.now();
    let today = today_at(now);
    let filter = BookingFilter {
        device_id: Some(id),
        from: Some(today.to_string()),
        to: Some(today.to_string()),
        ..Default::default()
    };
    let grid = periods::load_grid(ctx, device.school_id).await?;
    let may_manage = actor.can_manage_school(device.school_id);
    let today_bookings = bookings::list(ctx, actor, &filter)
        .await?
        .into_iter()
        .filter(|b| b.status != BookingStatus::Cancelled)
        .map(|b| {
            let find = |n: Option<&i64>| n.and_then(|n| grid.items.iter().find(|p| p.number == *n));
            let times = match (find(b.periods.first()), find(b.periods.last())) {
                (Some(f), Some(l)) => format!("{}–{}", f.starts, l.ends),
                _ => String::new(),
            };
            let current = bookings::in_check_in_window(&grid, &b, now);
            let handles = bookings::may_handle(actor, &b);
            let booked = b.status == BookingStatus::Booked;
            let (start, _) = bookings::span(&grid, &b);
            TodayBooking {
                times,
                current,
                may_check_in: handles && booked && current,
                check_in_later: handles
                    && booked
                    && bookings::minutes_now(now) < start - CHECK_IN_EARLY_MINUTES,
                may_check_out: handles && b.status == BookingStatus::InUse,
                booking: b,
            }
        })
        .collect();
    let notes = if may_manage {
        devices::notes(ctx, actor, id).await?
    } else {
        vec![]
    };
    let may_book =
        bookings::may_book(actor, device.school_id) && device.status == DeviceStatus::Available;
    Ok(DevicePage {
        school: SchoolRef::from(&school),
        device,
        today,
        bookings: today_bookings,
        notes,
        may_manage,
        may_book,
    })
}
