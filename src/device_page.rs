//! A device's page (the one its QR label opens): the device with today's bookings and what the
//! caller may do with each. It stands on both the inventory and the bookings, a floor above each.

use crate::bookings::Booking;
use crate::devices::{Device, DeviceNote};
use crate::model::SchoolRef;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A booking of today on a device's page, with what the caller may do with it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodayBooking {
    /// The booking (its status as it stands now).
    pub booking: Booking,
    /// `07:00–07:35`: from its first period's start to its last period's end.
    pub times: String,
    /// Whether now is within its check-in window: from
    /// [`crate::bookings::CHECK_IN_EARLY_MINUTES`] before its first period until its last period ends.
    pub current: bool,
    /// The caller may check it in now (its teacher or the school's administrators, booked,
    /// within the window).
    pub may_check_in: bool,
    /// The caller could check it in, but only later today (before its window).
    pub check_in_later: bool,
    /// The caller may check it out now (in use).
    pub may_check_out: bool,
}

/// A device's page (the one its QR label opens): the device, today's bookings, the maintenance
/// history for its administrators, and what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePage {
    /// The device.
    pub device: Device,
    /// Its school.
    pub school: SchoolRef,
    /// Today in school time, `YYYY-MM-DD`.
    pub today: NaiveDate,
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
