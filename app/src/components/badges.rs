//! Status badges: the text carries the meaning; the colour repeats it.

use crate::components::icon::Icon;
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::bookings::BookingStatus;
use lophoc::devices::DeviceStatus;
use lophoc::model::School;

/// The badge of a device's status (the text carries the meaning; the colour repeats it).
#[component]
pub fn DeviceStatusBadge(
    /// The device's status.
    status: DeviceStatus,
) -> impl IntoView {
    let class = match status {
        DeviceStatus::Available => "badge badge-success",
        DeviceStatus::InRepair => "badge badge-warning",
        DeviceStatus::Retired => "badge badge-neutral",
    };
    view! { <span class=class>{tr(status.label_key())}</span> }
}

/// The badge of what a device is doing now: its status, or "in use" while checked in (see
/// [`lophoc::devices::Device::state_key`]).
#[component]
pub fn DeviceStateBadge(
    /// The device.
    device: lophoc::devices::Device,
) -> impl IntoView {
    let key = device.state_key();
    let class = match device.status {
        DeviceStatus::Available if device.in_use > 0 => "badge badge-info",
        DeviceStatus::Available => "badge badge-success",
        DeviceStatus::InRepair => "badge badge-warning",
        DeviceStatus::Retired => "badge badge-neutral",
    };
    let units = (device.is_pool() && device.in_use > 0)
        .then(|| format!(" {}/{}", device.in_use, device.quantity));
    view! { <span class=class>{tr(key)}{units}</span> }
}

/// The badge of a booking's status (the text carries the meaning; the colour helps).
#[component]
pub fn BookingStatusBadge(
    /// The booking's status.
    status: BookingStatus,
) -> impl IntoView {
    let class = match status {
        BookingStatus::Booked => "badge badge-info",
        BookingStatus::InUse => "badge badge-warning",
        BookingStatus::Returned => "badge badge-success",
        BookingStatus::Cancelled => "badge badge-neutral",
        BookingStatus::Released => "badge badge-danger",
    };
    view! { <span class=class>{tr(status.label_key())}</span> }
}

/// The pilot column and field: a badge, and since when.
#[component]
pub fn PilotBadge(
    /// The school whose pilot enrolment is shown.
    school: School,
) -> impl IntoView {
    if school.pilot.enrolled {
        let since = school
            .pilot
            .since
            .as_deref()
            .map(lophoc::dates::display_iso_date);
        view! {
            <span>
                <span class="badge badge-success">
                    <Icon name="check" />
                    {tr("schools.in_pilot")}
                </span>
                {since.map(|d| view! { " " <span class="small muted nowrap">{trf("schools.pilot_since", &[("date", d)])}</span> })}
            </span>
        }
        .into_any()
    } else {
        view! { <span class="badge badge-neutral">{tr("schools.not_in_pilot")}</span> }.into_any()
    }
}

/// A school's pilot status on a date: counts toward the target, enrolled but not (yet)
/// counting, or not enrolled.
#[component]
pub fn CountedBadge(
    /// Whether the school is enrolled in the pilot.
    enrolled: bool,
    /// Whether the school counts toward the target on that date.
    counted: bool,
) -> impl IntoView {
    let (class, key) = match (enrolled, counted) {
        (_, true) => ("badge badge-success", "pilot.status.counted"),
        (true, false) => ("badge badge-warning", "pilot.status.not_counted"),
        (false, false) => ("badge badge-neutral", "pilot.status.not_enrolled"),
    };
    view! {
        <span class=class>
            {counted.then(|| view! { <Icon name="check" /> })}
            {tr(key)}
        </span>
    }
}
