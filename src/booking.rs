//! Devices, the period grid and bookings: the records and the rules, as plain Rust (this module
//! also compiles to wasm, so the UI and the services share the types).
//!
//! The rule that matters most (RELIABILITY.md #1) is [`taken_slots`]: given what is already
//! booked in some periods and what a request wants, which of the requested periods cannot be
//! had. The services apply it inside one transaction; a unique index on live slots of tagged
//! devices holds the same rule in the database.

use crate::ids::{
    BookingId, ClassId, DeviceId, DeviceNoteId, HolidayId, SchoolId, SeriesId, UserId,
};
use crate::model::SchoolLevel;
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// The kinds of device (API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Interactive display / board (màn hình tương tác).
    InteractiveDisplay,
    /// Projector (máy chiếu).
    Projector,
    /// Document camera (máy chiếu vật thể).
    DocumentCamera,
    /// A cart of tablets (a pool).
    TabletCart,
    /// A cart of laptops (a pool).
    LaptopCart,
    /// VR kit (kính thực tế ảo).
    VrKit,
    /// Robotics / STEM kit.
    StemKit,
    /// Smart TV.
    Tv,
    /// Anything else.
    Other,
}

impl DeviceKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [DeviceKind; 9] = [
        DeviceKind::InteractiveDisplay,
        DeviceKind::Projector,
        DeviceKind::DocumentCamera,
        DeviceKind::TabletCart,
        DeviceKind::LaptopCart,
        DeviceKind::VrKit,
        DeviceKind::StemKit,
        DeviceKind::Tv,
        DeviceKind::Other,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay => "interactive_display",
            DeviceKind::Projector => "projector",
            DeviceKind::DocumentCamera => "document_camera",
            DeviceKind::TabletCart => "tablet_cart",
            DeviceKind::LaptopCart => "laptop_cart",
            DeviceKind::VrKit => "vr_kit",
            DeviceKind::StemKit => "stem_kit",
            DeviceKind::Tv => "tv",
            DeviceKind::Other => "other",
        }
    }

    /// Parses the API code, or the kind's name in Vietnamese or English as people type it in a
    /// spreadsheet (case and diacritics ignored).
    pub fn parse(s: &str) -> Option<DeviceKind> {
        let key = fold(s).replace(['_', '-'], " ");
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(k) = DeviceKind::ALL
            .into_iter()
            .find(|k| k.as_str().replace('_', " ") == key)
        {
            return Some(k);
        }
        match key.as_str() {
            "man hinh tuong tac" | "bang tuong tac" | "interactive board" | "smart board" => {
                Some(DeviceKind::InteractiveDisplay)
            }
            "may chieu" => Some(DeviceKind::Projector),
            "may chieu vat the" | "visualizer" => Some(DeviceKind::DocumentCamera),
            "xe may tinh bang" | "tu may tinh bang" | "may tinh bang" | "tablets" => {
                Some(DeviceKind::TabletCart)
            }
            "xe may tinh xach tay" | "may tinh xach tay" | "laptops" => {
                Some(DeviceKind::LaptopCart)
            }
            "kinh thuc te ao" | "bo vr" | "vr" => Some(DeviceKind::VrKit),
            "bo stem" | "robot" | "stem" => Some(DeviceKind::StemKit),
            "tivi" | "smart tv" | "ti vi" => Some(DeviceKind::Tv),
            "khac" => Some(DeviceKind::Other),
            _ => None,
        }
    }

    /// The translation key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay => "kind.interactive_display",
            DeviceKind::Projector => "kind.projector",
            DeviceKind::DocumentCamera => "kind.document_camera",
            DeviceKind::TabletCart => "kind.tablet_cart",
            DeviceKind::LaptopCart => "kind.laptop_cart",
            DeviceKind::VrKit => "kind.vr_kit",
            DeviceKind::StemKit => "kind.stem_kit",
            DeviceKind::Tv => "kind.tv",
            DeviceKind::Other => "kind.other",
        }
    }

    /// The icon (a symbol of `public/icons.svg`).
    pub fn icon(self) -> &'static str {
        match self {
            DeviceKind::InteractiveDisplay | DeviceKind::Tv => "monitor",
            DeviceKind::Projector | DeviceKind::DocumentCamera => "projector",
            DeviceKind::TabletCart | DeviceKind::LaptopCart => "tablet",
            DeviceKind::VrKit => "vr",
            DeviceKind::StemKit | DeviceKind::Other => "box",
        }
    }
}

/// A device's state in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// In service: can be booked.
    Available,
    /// Broken, at the repairer: cannot be booked.
    InRepair,
    /// Out of service for good: cannot be booked, kept for history.
    Retired,
}

impl DeviceStatus {
    /// Every status.
    pub const ALL: [DeviceStatus; 3] = [
        DeviceStatus::Available,
        DeviceStatus::InRepair,
        DeviceStatus::Retired,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Available => "available",
            DeviceStatus::InRepair => "in_repair",
            DeviceStatus::Retired => "retired",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<DeviceStatus> {
        DeviceStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The translation key of the status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            DeviceStatus::Available => "device_status.available",
            DeviceStatus::InRepair => "device_status.in_repair",
            DeviceStatus::Retired => "device_status.retired",
        }
    }
}

/// A device of a school's inventory: one tagged device (quantity 1) or a pool of identical
/// units (quantity > 1, e.g. a cart of 30 tablets) booked by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Opaque id.
    pub id: DeviceId,
    /// The school that owns it.
    pub school_id: SchoolId,
    /// Name ("Màn hình tương tác phòng 201").
    pub name: String,
    /// Kind.
    pub kind: DeviceKind,
    /// Serial number (unique in the school when given).
    pub serial: Option<String>,
    /// Where it lives.
    pub room: Option<String>,
    /// Units: 1 for a tagged device, N for a pool.
    pub quantity: i64,
    /// Status.
    pub status: DeviceStatus,
}

impl Device {
    /// Whether this is a pool booked by quantity.
    pub fn is_pool(&self) -> bool {
        self.quantity > 1
    }
}

/// A new device (API.md `{name, kind, serial?, room?, quantity?}`). Text fields are as typed;
/// the service validates and cleans them, reporting every bad field at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInput {
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Serial.
    #[serde(default)]
    pub serial: Option<String>,
    /// Room.
    #[serde(default)]
    pub room: Option<String>,
    /// Units (default 1).
    #[serde(default)]
    pub quantity: Option<i64>,
}

/// Changes to a device (API.md `PATCH /devices/{id}`); absent fields stay as they are, an
/// empty serial or room clears it. A status change may carry a maintenance note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New kind code.
    #[serde(default)]
    pub kind: Option<String>,
    /// New serial ("" clears).
    #[serde(default)]
    pub serial: Option<String>,
    /// New room ("" clears).
    #[serde(default)]
    pub room: Option<String>,
    /// New number of units.
    #[serde(default)]
    pub quantity: Option<i64>,
    /// New status code.
    #[serde(default)]
    pub status: Option<String>,
    /// A maintenance note to add to the device's history.
    #[serde(default)]
    pub note: Option<String>,
}

/// A maintenance note of a device's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceNote {
    /// Opaque id.
    pub id: DeviceNoteId,
    /// When (RFC 3339).
    pub at: String,
    /// Who wrote it.
    pub author: String,
    /// The status the device moved to with this note, if it changed.
    pub status: Option<DeviceStatus>,
    /// The text.
    pub text: String,
}

/// A filter for a school's devices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFilter {
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<DeviceKind>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<DeviceStatus>,
    /// Words that must all match name, serial or room (case and diacritics ignored).
    #[serde(default)]
    pub q: Option<String>,
}

/// What a page says about the school it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRef {
    /// Id.
    pub id: SchoolId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

impl From<&crate::model::School> for SchoolRef {
    fn from(s: &crate::model::School) -> Self {
        SchoolRef {
            id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
        }
    }
}

/// A school's devices as the inventory page shows them, with what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The school.
    pub school: SchoolRef,
    /// Its devices matching the filter, by kind then name.
    pub devices: Vec<Device>,
    /// Whether the caller manages the inventory (add, edit, import, labels).
    pub may_manage: bool,
}

/// A booking of today on a device's page, with what the caller may do with it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodayBooking {
    /// The booking (its status as it stands now).
    pub booking: Booking,
    /// `07:00–07:35`: from its first period's start to its last period's end.
    pub times: String,
    /// Whether now is within its check-in window: from
    /// [`CHECK_IN_EARLY_MINUTES`] before its first period until its last period ends.
    pub current: bool,
    /// The caller may check it in now (its teacher or the school's administrators, booked,
    /// within the window).
    pub may_check_in: bool,
    /// The caller could check it in, but only later today (before its window).
    pub check_in_later: bool,
    /// The caller may check it out now (in use).
    pub may_check_out: bool,
}

/// How early before its first period a booking can be checked in, in minutes.
pub const CHECK_IN_EARLY_MINUTES: i64 = 15;

/// A device's page (the one its QR label opens): the device, today's bookings, the maintenance
/// history for its administrators, and what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePage {
    /// The device.
    pub device: Device,
    /// Its school.
    pub school: SchoolRef,
    /// Today in school time, `YYYY-MM-DD`.
    pub today: String,
    /// Today's bookings (not the cancelled ones), by first period.
    pub bookings: Vec<TodayBooking>,
    /// The maintenance history, newest first (empty unless `may_manage`).
    pub notes: Vec<DeviceNote>,
    /// Whether the caller manages the device (edit, notes).
    pub may_manage: bool,
    /// Whether the caller may book it now (a teacher or administrator of its school, and the
    /// device is available).
    pub may_book: bool,
}

/// Half of a school day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaySession {
    /// Buổi sáng.
    Morning,
    /// Buổi chiều.
    Afternoon,
}

impl DaySession {
    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            DaySession::Morning => "morning",
            DaySession::Afternoon => "afternoon",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<DaySession> {
        match s.trim() {
            "morning" => Some(DaySession::Morning),
            "afternoon" => Some(DaySession::Afternoon),
            _ => None,
        }
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            DaySession::Morning => "session.morning",
            DaySession::Afternoon => "session.afternoon",
        }
    }
}

/// A period (tiết) of the school's bell schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Its number in the day, from 1.
    pub number: i64,
    /// Morning or afternoon.
    pub session: DaySession,
    /// Start, `HH:MM` school time.
    pub starts: String,
    /// End, `HH:MM` school time.
    pub ends: String,
}

/// A school's period grid and booking rules (API.md `{"items": [...]}`, extended with
/// `release_after_minutes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodGrid {
    /// The periods, by number.
    pub items: Vec<Period>,
    /// A booking not checked in this many minutes after its first period starts is released.
    pub release_after_minutes: i64,
}

/// The default number of minutes before an unused booking is released.
pub const DEFAULT_RELEASE_MINUTES: i64 = 15;

/// The most periods a day can have (DOMAIN.md: at most 5 per session).
pub const MAX_PERIODS: usize = 10;

/// Minutes since midnight of `HH:MM` (or `H:MM`), if valid.
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// `HH:MM` of minutes since midnight.
pub fn format_hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The default grid for a level (DOMAIN.md): primary and preschool 35-minute periods, secondary
/// 45; five in the morning from 07:00 and four (primary) or five in the afternoon from 13:30
/// (13:45 secondary), five-minute breaks and a longer one after the second period.
pub fn default_grid(level: SchoolLevel) -> Vec<Period> {
    let (len, afternoon_start, afternoon_count) = match level {
        SchoolLevel::MamNon | SchoolLevel::TieuHoc => (35, 13 * 60 + 45, 4),
        SchoolLevel::Thcs | SchoolLevel::Thpt | SchoolLevel::LienCap => (45, 13 * 60 + 30, 5),
    };
    let mut out = Vec::new();
    let mut number = 1;
    for (session, start, count) in [
        (DaySession::Morning, 7 * 60, 5),
        (DaySession::Afternoon, afternoon_start, afternoon_count),
    ] {
        let mut t = start;
        for i in 0..count {
            out.push(Period {
                number,
                session,
                starts: format_hhmm(t),
                ends: format_hhmm(t + len),
            });
            number += 1;
            // The long break (ra chơi) after the second period of a session.
            t += len + if i == 1 { 20 } else { 5 };
        }
    }
    out
}

/// A school holiday (a day or a range of days on which nothing can be booked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// Opaque id.
    pub id: HolidayId,
    /// First day, `YYYY-MM-DD`.
    pub starts: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub ends: String,
    /// Name ("Tết Nguyên đán").
    pub name: String,
}

/// A new holiday, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayInput {
    /// First day (`YYYY-MM-DD` or `dd/mm/yyyy`).
    pub starts: String,
    /// Last day; the first day when empty.
    #[serde(default)]
    pub ends: Option<String>,
    /// Name.
    pub name: String,
}

/// Where a booking is in its life (API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Reserved, not yet picked up.
    Booked,
    /// Checked in: the device is in use.
    InUse,
    /// Checked out: used and given back.
    Returned,
    /// Cancelled by its teacher or an admin.
    Cancelled,
    /// Not checked in in time: released for others.
    Released,
}

impl BookingStatus {
    /// Every status.
    pub const ALL: [BookingStatus; 5] = [
        BookingStatus::Booked,
        BookingStatus::InUse,
        BookingStatus::Returned,
        BookingStatus::Cancelled,
        BookingStatus::Released,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::InUse => "in_use",
            BookingStatus::Returned => "returned",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Released => "released",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<BookingStatus> {
        BookingStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// Whether the booking holds its periods (others cannot have them).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            BookingStatus::Booked | BookingStatus::InUse | BookingStatus::Returned
        )
    }

    /// The translation key of the status's name.
    pub fn label_key(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booking_status.booked",
            BookingStatus::InUse => "booking_status.in_use",
            BookingStatus::Returned => "booking_status.returned",
            BookingStatus::Cancelled => "booking_status.cancelled",
            BookingStatus::Released => "booking_status.released",
        }
    }
}

/// A booking (API.md, extended with names for display and the series of a recurring booking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// Opaque id.
    pub id: BookingId,
    /// The device.
    pub device_id: DeviceId,
    /// The teacher who booked.
    pub teacher_id: UserId,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The periods, ascending.
    pub periods: Vec<i64>,
    /// Units of a pool (1 for a tagged device).
    pub quantity: i64,
    /// The class it is for (classes arrive with rosters; always null until then).
    pub class_id: Option<ClassId>,
    /// The teacher's note.
    pub note: Option<String>,
    /// Status.
    pub status: BookingStatus,
    /// When it was checked in (RFC 3339).
    pub checked_in_at: Option<String>,
    /// When it was checked out (RFC 3339).
    pub checked_out_at: Option<String>,
    /// The device's name.
    pub device_name: String,
    /// The device's kind.
    pub device_kind: DeviceKind,
    /// The teacher's full name.
    pub teacher_name: String,
    /// The school.
    pub school_id: SchoolId,
    /// The recurring booking it belongs to, if any.
    pub series_id: Option<SeriesId>,
}

/// A booking request (API.md `{device_id, date, periods: [n…], quantity?, class_id?, note?}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRequest {
    /// The device.
    pub device_id: DeviceId,
    /// The day (`YYYY-MM-DD` or `dd/mm/yyyy`).
    pub date: String,
    /// The periods wanted, all or nothing.
    pub periods: Vec<i64>,
    /// Units of a pool (default 1).
    #[serde(default)]
    pub quantity: Option<i64>,
    /// The class (must be null until classes exist).
    #[serde(default)]
    pub class_id: Option<ClassId>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A recurring booking: the same periods every week on `from`'s weekday, from `from` to `until`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringRequest {
    /// The device.
    pub device_id: DeviceId,
    /// The first day; its weekday is the weekday of every booking.
    pub from: String,
    /// The last day (inclusive).
    pub until: String,
    /// The periods of each day.
    pub periods: Vec<i64>,
    /// Units of a pool (default 1).
    #[serde(default)]
    pub quantity: Option<i64>,
    /// The class (must be null until classes exist).
    #[serde(default)]
    pub class_id: Option<ClassId>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Why a day of a recurring booking was not booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedDay {
    /// The day.
    pub date: String,
    /// `taken`, `holiday` or `past`.
    pub reason: String,
    /// For `taken`: the periods that were not free.
    pub periods: Vec<i64>,
}

/// What a recurring booking did: what it booked and what it could not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringOutcome {
    /// The series id shared by its bookings.
    pub series_id: Option<SeriesId>,
    /// The bookings made.
    pub booked: Vec<Booking>,
    /// The days not booked, and why.
    pub skipped: Vec<SkippedDay>,
}

/// A filter for bookings (API.md `?school_id=&device_id=&from=&to=&mine=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingFilter {
    /// Only this school.
    #[serde(default)]
    pub school_id: Option<SchoolId>,
    /// Only this device.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
    /// From this day (inclusive).
    #[serde(default)]
    pub from: Option<String>,
    /// To this day (inclusive).
    #[serde(default)]
    pub to: Option<String>,
    /// Only the caller's own bookings.
    #[serde(default)]
    pub mine: bool,
    /// Only these statuses (all when empty).
    #[serde(default)]
    pub status: Vec<BookingStatus>,
}

/// One period of a conflict: what is booked there and what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakenSlot {
    /// The day.
    pub date: String,
    /// The period.
    pub period: i64,
    /// Units already booked.
    pub booked: i64,
    /// Units still free (0 for a taken tagged device).
    pub available: i64,
}

/// The rule: which of the requested periods cannot be booked for `quantity` units of a device
/// with `capacity` units, given the units already booked per period (`booked(period)`).
/// A tagged device (capacity 1) is taken by any live booking; a pool is taken when what is
/// booked plus what is asked exceeds what it owns. The result is in the request's order, each
/// period once.
pub fn taken_slots(
    capacity: i64,
    quantity: i64,
    periods: &[i64],
    booked: impl Fn(i64) -> i64,
) -> Vec<(i64, i64)> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for &p in periods {
        if seen.contains(&p) {
            continue;
        }
        seen.push(p);
        let b = booked(p);
        if b + quantity > capacity {
            out.push((p, b));
        }
    }
    out
}

/// One cell of a week view: a device in a period of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCell {
    /// The period.
    pub period: i64,
    /// Units booked by live bookings.
    pub booked: i64,
    /// The live bookings there.
    pub bookings: Vec<BookingBrief>,
}

/// What a week view shows of a booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingBrief {
    /// The booking.
    pub id: BookingId,
    /// Who booked.
    pub teacher_id: UserId,
    /// Their name.
    pub teacher_name: String,
    /// Units.
    pub quantity: i64,
    /// Status.
    pub status: BookingStatus,
    /// The note.
    pub note: Option<String>,
}

/// A day of a week view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekDay {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The holiday's name, when it is one.
    pub holiday: Option<String>,
    /// Whether the day is before today (nothing can be booked).
    pub past: bool,
    /// Per device (in [`WeekView::devices`] order), the cells of the periods that have
    /// bookings (free periods are absent).
    pub cells: Vec<Vec<WeekCell>>,
}

/// A week (Monday to Saturday) of one device or of every device of a kind in a school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    /// The school.
    pub school_id: SchoolId,
    /// The Monday, `YYYY-MM-DD`.
    pub monday: String,
    /// Today in school time, `YYYY-MM-DD`.
    pub today: String,
    /// The school's periods.
    pub periods: Vec<Period>,
    /// The devices shown.
    pub devices: Vec<Device>,
    /// Monday … Saturday.
    pub days: Vec<WeekDay>,
}

impl WeekView {
    /// The cell of device index `d` on day index `day` in `period`, if anything is booked.
    pub fn cell(&self, day: usize, d: usize, period: i64) -> Option<&WeekCell> {
        self.days
            .get(day)?
            .cells
            .get(d)?
            .iter()
            .find(|c| c.period == period)
    }
}

/// Utilisation of one device over a range (booked vs actually used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtilisationRow {
    /// The device.
    pub device_id: DeviceId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: DeviceKind,
    /// Its units.
    pub quantity: i64,
    /// Its status now.
    pub status: DeviceStatus,
    /// Its school.
    pub school_id: SchoolId,
    /// The school's code.
    pub school_code: String,
    /// The school's name.
    pub school_name: String,
    /// Periods booked (not cancelled): used, not yet used, and no-shows.
    pub booked: i64,
    /// Periods checked in (in use or returned).
    pub used: i64,
    /// Periods released because nobody checked in.
    pub no_show: i64,
    /// Periods booked and still to come (or not yet released).
    pub pending: i64,
}

/// Utilisation over a range, per device and summed per kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utilisation {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Per device, by school then name.
    pub devices: Vec<UtilisationRow>,
    /// Per kind.
    pub kinds: Vec<KindTotal>,
    /// Per school (for the department's view across schools), by code.
    pub schools: Vec<SchoolTotal>,
}

/// The totals of one school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolTotal {
    /// The school.
    pub school_id: SchoolId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// How many devices it has (not retired).
    pub devices: i64,
    /// Periods booked.
    pub booked: i64,
    /// Periods used.
    pub used: i64,
    /// No-show periods.
    pub no_show: i64,
}

/// The totals of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindTotal {
    /// The kind.
    pub kind: DeviceKind,
    /// How many devices of it.
    pub devices: i64,
    /// Periods booked.
    pub booked: i64,
    /// Periods used.
    pub used: i64,
    /// No-show periods.
    pub no_show: i64,
}

/// A filter for the utilisation report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtilisationFilter {
    /// One school (the department and sysadmins may leave it empty for every school).
    #[serde(default)]
    pub school_id: Option<SchoolId>,
    /// From (inclusive; default 30 days ago).
    #[serde(default)]
    pub from: Option<String>,
    /// To (inclusive; default today).
    #[serde(default)]
    pub to: Option<String>,
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<DeviceKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (no dependency needed for a property test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    /// The overlap rule, by brute force: replay random requests against a ledger and check that
    /// (a) an accepted request never pushes a period over capacity, (b) a refused one names
    /// exactly the periods that would have gone over, (c) all-or-nothing: a refused request
    /// books nothing, (d) periods not asked for are never reported.
    #[test]
    fn property_overlap_rule() {
        let mut rng = Lcg(20261128);
        for _case in 0..2_000 {
            let capacity = if rng.next(3) == 0 {
                1
            } else {
                1 + rng.next(30) as i64
            };
            let mut ledger = [0i64; 11];
            for _req in 0..20 {
                let n = 1 + rng.next(4) as usize;
                let periods: Vec<i64> = (0..n).map(|_| 1 + rng.next(10) as i64).collect();
                let quantity = 1 + rng.next(capacity as u64) as i64;
                let taken = taken_slots(capacity, quantity, &periods, |p| ledger[p as usize]);
                let mut expected: Vec<i64> = Vec::new();
                for &p in &periods {
                    if !expected.contains(&p) && ledger[p as usize] + quantity > capacity {
                        expected.push(p);
                    }
                }
                assert_eq!(
                    taken.iter().map(|t| t.0).collect::<Vec<_>>(),
                    expected,
                    "capacity {capacity}, quantity {quantity}, periods {periods:?}"
                );
                for (p, b) in &taken {
                    assert!(periods.contains(p));
                    assert_eq!(*b, ledger[*p as usize]);
                }
                if taken.is_empty() {
                    let mut uniq = periods.clone();
                    uniq.sort();
                    uniq.dedup();
                    for p in uniq {
                        ledger[p as usize] += quantity;
                    }
                }
                assert!(ledger.iter().all(|&b| b <= capacity), "over capacity");
            }
        }
    }

    #[test]
    fn tagged_device_is_taken_by_any_booking() {
        assert_eq!(
            taken_slots(1, 1, &[2, 3], |p| (p == 3) as i64),
            vec![(3, 1)]
        );
        assert!(taken_slots(1, 1, &[2, 4], |p| (p == 3) as i64).is_empty());
        // Asking twice for one period counts it once.
        assert!(taken_slots(1, 1, &[2, 2], |_| 0).is_empty());
    }

    #[test]
    fn pools_count_units() {
        // 30 tablets, 20 booked in period 3: 10 more fit, 11 do not.
        assert!(taken_slots(30, 10, &[3], |_| 20).is_empty());
        assert_eq!(taken_slots(30, 11, &[3], |_| 20), vec![(3, 20)]);
    }

    #[test]
    fn default_grids() {
        let primary = default_grid(SchoolLevel::TieuHoc);
        assert_eq!(primary.len(), 9);
        assert_eq!(primary[0].starts, "07:00");
        assert_eq!(primary[0].ends, "07:35");
        assert_eq!(primary[2].starts, "08:35");
        let secondary = default_grid(SchoolLevel::Thpt);
        assert_eq!(secondary.len(), 10);
        assert_eq!(secondary[0].ends, "07:45");
        assert_eq!(secondary[5].session, DaySession::Afternoon);
        assert_eq!(secondary[5].starts, "13:30");
        for g in [primary, secondary] {
            for w in g.windows(2) {
                assert!(parse_hhmm(&w[0].ends) <= parse_hhmm(&w[1].starts));
            }
        }
    }

    #[test]
    fn times_and_kinds() {
        assert_eq!(parse_hhmm("07:05"), Some(425));
        assert_eq!(parse_hhmm("7:05"), Some(425));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("07:5"), None);
        assert_eq!(format_hhmm(425), "07:05");
        assert_eq!(DeviceKind::parse("Máy chiếu"), Some(DeviceKind::Projector));
        assert_eq!(
            DeviceKind::parse("tablet_cart"),
            Some(DeviceKind::TabletCart)
        );
        assert_eq!(
            DeviceKind::parse("Tablet cart"),
            Some(DeviceKind::TabletCart)
        );
        assert_eq!(DeviceKind::parse("bàn"), None);
        for k in DeviceKind::ALL {
            assert_eq!(DeviceKind::parse(k.as_str()), Some(k));
        }
    }
}
