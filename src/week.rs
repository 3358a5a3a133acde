//! The week view: one device, or every device of a kind, Monday to Saturday, period by period.

use crate::bookings::BookingStatus;
use crate::devices::Device;
use crate::ids::{BookingId, SchoolId, UserId};
use crate::periods::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    pub date: NaiveDate,
    /// The holiday's name, when it is one.
    pub holiday: Option<String>,
    /// Whether the day is before today (nothing can be booked).
    pub past: bool,
    /// Today's periods that are over (they cannot be booked; see
    /// [`crate::bookings::periods_over`]); empty on any other day.
    #[serde(default)]
    pub over: Vec<i64>,
    /// Per device (in [`WeekView::devices`] order), the cells of the periods that have
    /// bookings (free periods are absent).
    pub cells: Vec<Vec<WeekCell>>,
}

/// How many devices of a kind the booking page shows at a time: a school with 60 devices
/// would otherwise get a page of a megabyte. The rest are a page away (`?dpage=`).
pub const DEVICES_PER_PAGE: usize = 6;

/// A week (Monday to Saturday) of one device or of every device of a kind in a school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    /// The school.
    pub school_id: SchoolId,
    /// The Monday, `YYYY-MM-DD`.
    pub monday: NaiveDate,
    /// Today in school time, `YYYY-MM-DD`.
    pub today: NaiveDate,
    /// The school's periods.
    pub periods: Vec<Period>,
    /// The devices shown.
    pub devices: Vec<Device>,
    /// The position of the first device shown among all that could be (a kind a page at a
    /// time, see [`DEVICES_PER_PAGE`]); 0 when all are shown.
    pub devices_from: usize,
    /// How many devices there are to show in all (`devices.len()` when all are shown).
    pub devices_total: usize,
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
