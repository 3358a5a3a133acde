//! A school's device inventory: the list, one device with today's bookings (the page a QR label
//! opens), adding, editing, the CSV import, the QR label sheets, and checking a booking in and
//! out from the device's page.
//!
//! Files (the CSV export, the label sheets' SVG) are plain GETs of the REST API, which the
//! pages link to: a server function answers a browser's navigation (which accepts HTML) with a
//! redirect back to the page it came from (server_fn's form redirects), never with a file.
//!
//! The school is the caller's own; the department and sysadmins name one (`school`). Every
//! mutation is also the target of a plain HTML form and answers it with a redirect back to the
//! page (see [`crate::serverfns::form`]), with the keys in [`back`].

// A server function takes one argument per form field (the edit form has eight), and the
// `#[server]` macro does not carry an `allow` on the function over to the browser's stub.
#![allow(clippy::too_many_arguments)]

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::bookings::Booking;
use lophoc::devices::Device;
use lophoc::ids::{BookingId, DeviceId, SchoolId};
use lophoc::model::ImportOutcome;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

/// The largest devices CSV the import accepts (a school's inventory is a few kB).
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// Labels per A4 sheet (3 × 8, as `labels_svg` lays them out).
pub const LABELS_PER_SHEET: usize = 24;

/// Query-string keys of a form's answer without JavaScript.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// A device was added: its name.
            ADDED = "added";
            /// A device was saved: its name.
            SAVED = "saved";
            /// An import created this many devices.
            CREATED = "created";
            /// An import updated this many devices.
            UPDATED = "updated";
            /// A booking was checked in from the device's page: the device's name.
            CHECKED_IN = "checked_in";
            /// A booking was checked out from the device's page: the device's name.
            CHECKED_OUT = "checked_out";
        }
        echoes {
            /// What the user typed into the add form that failed (`new_name`, …).
            NEW: super::CreateDevice = "new_";
            /// What the user typed into the edit form that failed (`edit_name`, …).
            EDIT: super::UpdateDevice = "edit_";
        }
    }
}

pub use lophoc::device_page::{DevicePage, TodayBooking};
pub use lophoc::devices::{DeviceAccess, Inventory};
use lophoc::model::SchoolRef;

/// The label sheets of a school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSet {
    /// The school.
    pub school: SchoolRef,
    /// Devices with a label (every one not retired).
    pub devices: usize,
    /// The devices of each A4 sheet, [`LABELS_PER_SHEET`] at most.
    pub sheets: Vec<Vec<DeviceId>>,
}

/// The devices of a school (the caller's own; `school` for the department and sysadmins),
/// filtered by kind and status codes and by words of the name, serial or room.
#[server(prefix = "/fn", endpoint = "list_devices")]
pub async fn list_devices(
    /// The school whose devices are listed (a department or sysadmin pick; else the caller's own).
    school: Option<SchoolId>,
    /// Only devices of this kind (a kind code; empty: any).
    kind: Option<String>,
    /// Only devices with this status (a status code; empty: any).
    status: Option<String>,
    /// Words to find in the name, serial or room.
    q: Option<String>,
) -> Result<Inventory, UiError> {
    use lophoc::devices::{DeviceFilter, DeviceKind, DeviceStatus};
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let school = actor.school_or(school).map_err(fail)?;
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = DeviceFilter {
        kind: kind.as_deref().and_then(DeviceKind::parse),
        status: status.as_deref().and_then(DeviceStatus::parse),
        q: nonempty(q),
    };
    lophoc::services::devices::inventory(&ctx, &actor, school, &filter)
        .await
        .map_err(fail)
}

/// What the caller may do with the inventory of a school (their own; `school` for the
/// department and sysadmins).
#[server(prefix = "/fn", endpoint = "inventory_access")]
pub async fn inventory_access(
    /// The school asked about (a department or sysadmin pick; else the caller's own).
    school: Option<SchoolId>,
) -> Result<DeviceAccess, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::devices::access(&ctx, &actor, school)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// One device with today's bookings; "not found" for a device the caller may not see.
#[server(prefix = "/fn", endpoint = "get_device")]
pub async fn get_device(
    /// The device shown.
    id: DeviceId,
) -> Result<DevicePage, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::device_page::page(&ctx, &actor, id)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Adds a device to a school (its administrators, sysadmins). `quantity` is as typed: empty is
/// one unit, more than one makes a pool.
#[server(prefix = "/fn", endpoint = "create_device")]
pub async fn create_device(
    /// The school the device goes to (a sysadmin's choice; else the caller's own).
    school: Option<SchoolId>,
    /// The device's name.
    name: String,
    /// The device's kind code.
    kind: String,
    /// The serial number (empty: none).
    serial: String,
    /// The room the device is kept in (empty: none).
    room: String,
    /// How many units, as typed (empty: one; more makes a pool).
    quantity: String,
) -> Result<Device, UiError> {
    use lophoc::devices::DeviceInput;
    use server_fn::ServerFn;
    let typed = CreateDevice {
        school,
        name,
        kind,
        serial,
        room,
        quantity,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(typed.school).map_err(fail)?;
        let input = DeviceInput {
            name: typed.name.clone(),
            kind: typed.kind.clone(),
            serial: Some(typed.serial.clone()),
            room: Some(typed.room.clone()),
            quantity: server::typed_quantity(&typed.quantity),
        };
        lophoc::services::devices::create(&ctx, &actor, school, &input, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    // Back at the form, where its answer is shown.
    crate::serverfns::form::answer_at(
        r,
        CreateDevice::PATH,
        "add-device-answer",
        back::is_answer,
        |d| vec![(back::ADDED, d.name.clone())],
        back::NEW.pairs(&typed),
    )
}

/// Changes a device (its school's administrators, sysadmins): every field as the edit form
/// sends it (an empty serial or room clears it); a note, or a change of status, goes into the
/// maintenance history.
#[server(prefix = "/fn", endpoint = "update_device")]
pub async fn update_device(
    /// The device changed.
    id: DeviceId,
    /// The device's name.
    name: String,
    /// The device's kind code.
    kind: String,
    /// The serial number (empty clears it).
    serial: String,
    /// The room the device is kept in (empty clears it).
    room: String,
    /// How many units, as typed.
    quantity: String,
    /// The device's status code.
    status: String,
    /// A note for the maintenance history (empty: none).
    note: String,
) -> Result<Device, UiError> {
    use lophoc::devices::DevicePatch;
    use server_fn::ServerFn;
    let typed = UpdateDevice {
        id,
        name,
        kind,
        serial,
        room,
        quantity,
        status,
        note,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let patch = DevicePatch {
            name: Some(typed.name.clone()),
            kind: Some(typed.kind.clone()),
            serial: Some(typed.serial.clone()),
            room: Some(typed.room.clone()),
            // Empty stays as it is (the form always sends the current number).
            quantity: server::typed_quantity(&typed.quantity),
            status: Some(typed.status.clone()),
            note: Some(typed.note.clone()),
        };
        lophoc::services::devices::update(&ctx, &actor, id, &patch, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer(
        r,
        UpdateDevice::PATH,
        back::is_answer,
        |d| vec![(back::SAVED, d.name.clone())],
        back::EDIT.pairs(&typed),
    )
}

/// Imports a devices CSV (`name,kind,serial,room,quantity`) sent as the `file` part of a
/// multipart form, into the school of the `school` part (or the caller's own): all or nothing,
/// every bad line listed. At most [`MAX_IMPORT_BYTES`], counted while the upload streams in.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_devices")]
pub async fn import_devices(
    /// The import form, as posted: the CSV `file` and the `school`.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use lophoc::{Error, ErrorCode, Msg};
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let form = crate::serverfns::form::read_multipart(data, "file", MAX_IMPORT_BYTES)
            .await
            .map_err(fail)?;
        let school = match form.field("school").map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                s.parse::<SchoolId>()
                    .map_err(|_| fail(Error::not_found()))?,
            ),
        };
        let school = actor.school_or(school).map_err(fail)?;
        if form.file.is_empty() {
            return Err(fail(Error::with_msg(
                ErrorCode::Validation,
                Msg::new("school_import.no_file"),
            )));
        }
        lophoc::services::devices::import_csv(&ctx, &actor, school, &form.file, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        ImportDevices::PATH,
        "import-devices",
        back::is_answer,
        |o| {
            vec![
                (back::CREATED, o.created.to_string()),
                (back::UPDATED, o.updated.to_string()),
            ]
        },
        vec![],
    )
}

/// The label sheets of a school (its administrators, sysadmins): the devices that get a
/// label, [`LABELS_PER_SHEET`] to a sheet. The page shows each sheet as an image of the REST
/// API's `GET /api/v1/schools/{id}/devices/labels?ids=…`.
#[server(prefix = "/fn", endpoint = "label_sheets")]
pub async fn label_sheets(
    /// The school whose labels are made (a sysadmin's choice; else the caller's own).
    school: Option<SchoolId>,
) -> Result<LabelSet, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let school = actor.school_or(school).map_err(fail)?;
    let devices = lophoc::services::devices::for_labels(&ctx, &actor, school, &[])
        .await
        .map_err(fail)?;
    let s = lophoc::services::schools::get(&ctx, &actor, school)
        .await
        .map_err(fail)?;
    Ok(LabelSet {
        school: SchoolRef::from(&s),
        devices: devices.len(),
        sheets: devices
            .chunks(LABELS_PER_SHEET)
            .map(|c| c.iter().map(|d| d.id).collect())
            .collect(),
    })
}

/// Checks a booking in from its device's page (its teacher, the school's administrators).
#[server(prefix = "/fn", endpoint = "device_check_in")]
pub async fn device_check_in(
    /// The booking checked in.
    booking: BookingId,
) -> Result<Booking, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::bookings::check_in(&ctx, &actor, booking, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer(
        r,
        DeviceCheckIn::PATH,
        back::is_answer,
        |b| vec![(back::CHECKED_IN, b.device_name.clone())],
        vec![],
    )
}

/// Checks a booking out (the device is given back) from its device's page.
#[server(prefix = "/fn", endpoint = "device_check_out")]
pub async fn device_check_out(
    /// The booking checked out.
    booking: BookingId,
) -> Result<Booking, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::bookings::check_out(&ctx, &actor, booking, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer(
        r,
        DeviceCheckOut::PATH,
        back::is_answer,
        |b| vec![(back::CHECKED_OUT, b.device_name.clone())],
        vec![],
    )
}

/// Server-only helpers.
#[cfg(feature = "ssr")]
pub(crate) mod server {

    /// A quantity as typed: empty is "not given"; anything that is not a whole number is sent
    /// on as 0, so the service reports it with its own message, together with every other bad
    /// field.
    pub fn typed_quantity(s: &str) -> Option<i64> {
        let s = s.trim();
        if s.is_empty() {
            None
        } else {
            Some(s.parse().unwrap_or(0))
        }
    }
}
