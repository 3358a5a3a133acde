//! Bookings of devices: the records, requests and filters, and the rule that matters most
//! (RELIABILITY.md #1), [`taken_slots`]: given what is already booked in some periods and what a
//! request wants, which of the requested periods cannot be had. The services apply it inside one
//! transaction; a unique index on live slots of tagged devices holds the same rule in the
//! database.

use crate::devices::{Device, DeviceKind};
use crate::ids::{BookingId, ClassId, DeviceId, SchoolId, SeriesId, UserId};
use crate::periods::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How early before its first period a booking can be checked in, in minutes.
pub const CHECK_IN_EARLY_MINUTES: i64 = 15;

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
    pub date: NaiveDate,
    /// The periods, ascending.
    pub periods: Vec<i64>,
    /// Units of a pool (1 for a tagged device).
    pub quantity: i64,
    /// The class it is for: the lesson (class × day × period) it serves, whose page lists it.
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

/// The booking page with its form ready for a lesson (class × day × period): the day, the
/// period and the class filled in (`/book?date=…&periods=…&class=…#book`).
pub fn lesson_booking_href(class: ClassId, date: NaiveDate, period: i64) -> String {
    format!("/book?week={date}&day={date}&date={date}&periods={period}&class={class}#book")
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
    /// The class it is for (optional): a class of the device's school that a teacher teaches or
    /// is homeroom teacher of (any class for the school's administrators); else 422 on it.
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
    /// The class it is for (optional): a class of the device's school that a teacher teaches or
    /// is homeroom teacher of (any class for the school's administrators); else 422 on it.
    #[serde(default)]
    pub class_id: Option<ClassId>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The booking form as the teacher filled it in: one day, or with `until` the same periods every
/// week until then. Checked by [`crate::services::bookings::book`], every field by its form name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    /// The device's id as sent.
    pub device_id: String,
    /// The day (`YYYY-MM-DD` or `dd/mm/yyyy`); the first day of a weekly booking.
    pub date: String,
    /// The periods of each day.
    pub periods: Vec<i64>,
    /// Units of a pool as typed (empty: 1).
    pub quantity: String,
    /// A note.
    pub note: Option<String>,
    /// The last day of a weekly booking (empty or absent: one day).
    pub until: Option<String>,
    /// The class it is for, its id as sent (empty or absent: none).
    #[serde(default)]
    pub class_id: Option<String>,
}

/// What the booking form did, one day or weekly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookOutcome {
    /// The device's name.
    pub device: String,
    /// The periods of each day.
    pub periods: Vec<i64>,
    /// Units (1 for a tagged device).
    pub quantity: i64,
    /// The days booked, ascending.
    pub dates: Vec<String>,
    /// Whether it was a weekly booking.
    pub weekly: bool,
    /// The days a weekly booking could not have, and why.
    pub skipped: Vec<SkippedDay>,
}

/// Why a day of a recurring booking was not booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedDay {
    /// The day.
    pub date: NaiveDate,
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
    pub date: NaiveDate,
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

/// What the booking form needs: the school's devices and periods, today, and who is booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSetup {
    /// The school.
    pub school_id: SchoolId,
    /// Its devices that are not retired, by kind then name.
    pub devices: Vec<Device>,
    /// Its periods.
    pub periods: Vec<Period>,
    /// Today in school time, `YYYY-MM-DD`.
    pub today: NaiveDate,
    /// The caller (to mark their own bookings).
    pub me: UserId,
    /// The classes the caller may book for (their own: taught or homeroom; a school
    /// administrator's: the school's), by grade and name.
    #[serde(default)]
    pub classes: Vec<ClassChoice>,
    /// The class the caller's timetable has in the day and periods asked about, if one.
    #[serde(default)]
    pub suggested_class: Option<ClassId>,
    /// The periods of the day asked about that are over (today's, by [`periods_over`]): the
    /// form offers them disabled.
    #[serde(default)]
    pub over: Vec<i64>,
}

/// A class the booking form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassChoice {
    /// The class.
    pub id: ClassId,
    /// Its name (`6A1`).
    pub name: String,
}

/// The periods of `date` that are over at `now_minutes` (school time, minutes since midnight)
/// when `date` is `today`: a period is over once it has ended. None on another day. The one
/// rule the booking refuses by and the week grid shows by.
pub fn periods_over(
    periods: &[Period],
    date: NaiveDate,
    today: NaiveDate,
    now_minutes: i64,
) -> Vec<i64> {
    if date != today {
        return Vec::new();
    }
    periods
        .iter()
        .filter(|p| p.ends.minutes() <= now_minutes)
        .map(|p| p.number)
        .collect()
}

/// A list of bookings for "my bookings".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingList {
    /// Today in school time, `YYYY-MM-DD` (upcoming is today and later).
    pub today: NaiveDate,
    /// Whether these are the whole school's bookings (a school admin's choice).
    pub all: bool,
    /// Whether the caller may see the whole school's (school admins).
    pub can_see_all: bool,
    /// Upcoming first (ascending), then the past (most recent first).
    pub items: Vec<Booking>,
}

/// How far back "my bookings" looks.
pub const PAST_DAYS: i64 = 60;

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
}
