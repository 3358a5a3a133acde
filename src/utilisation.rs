//! The utilisation report: per device, kind and school, periods booked, used (checked in),
//! no-shows and still to come.

use crate::devices::{DeviceKind, DeviceStatus};
use crate::ids::{AreaId, DeviceId, SchoolId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Per device, by school then name.
    pub devices: Vec<UtilisationRow>,
    /// Per kind.
    pub kinds: Vec<KindTotal>,
    /// Per school (for the department's view across schools), by code.
    pub schools: Vec<SchoolTotal>,
    /// Per area (the department's overview: a page of areas, by name; see
    /// [`Utilisation::areas_total`]).
    #[serde(default)]
    pub areas: Vec<AreaTotal>,
    /// How many areas the overview has in all (its pages together).
    #[serde(default)]
    pub areas_total: i64,
}

/// The totals of one area (commune or ward).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaTotal {
    /// The area.
    pub area_id: AreaId,
    /// Its name.
    pub name: String,
    /// How many of its schools have devices.
    pub schools: i64,
    /// How many devices they have (not retired).
    pub devices: i64,
    /// Periods booked.
    pub booked: i64,
    /// Periods used.
    pub used: i64,
    /// No-show periods.
    pub no_show: i64,
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
    /// The department's overview: only this area's schools (without a school).
    #[serde(default)]
    pub area: Option<AreaId>,
    /// The page of the overview's areas, from 1.
    #[serde(default)]
    pub page: Option<i64>,
}

/// How many areas one page of the department's overview shows.
pub const AREAS_PER_PAGE: i64 = 50;

/// The utilisation report as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtilisationView {
    /// The numbers.
    pub report: Utilisation,
    /// The school reported on (code and name), or none for every school.
    pub school: Option<(SchoolId, String, String)>,
    /// The area the department's overview is narrowed to (id and name).
    #[serde(default)]
    pub area: Option<(AreaId, String)>,
    /// Whether the caller may look across schools (department, sysadmin).
    pub sees_all: bool,
}
