//! Pilot adoption: enrolments, the criteria and targets, and every school's status computed
//! from real use (device check-ins, materials attached to lessons, roll calls taken on time).
//!
//! # How statuses are computed and kept
//! A *run* measures every open school over the window ending on one date ([`compute`]: a few
//! grouped scans across all schools, the timetabled lessons counted in Rust) and keeps the
//! measured counts with the status in `pilot_status`, under the criteria in force on that date.
//! The dashboard, the lists and the exports read a run, so they agree with each other exactly
//! and cost an indexed aggregate whatever the size of the province. A run stores the
//! *fingerprint* of the data it read (cheap indexed aggregates of every table a criterion or
//! the denominator reads: see `runs::fingerprint`), taken before it measured. A run is fresh
//! when it was made under the criteria in force and either less than [`REMAKE_AFTER`] seconds
//! ago, or on data whose fingerprint is still the same (today's: registry and use, less than
//! [`FRESH_SECONDS`] ago; a day that has ended: the registry, made after it ended). So a write
//! by this process, another instance, `lophoc seed`/`import` or plain SQL shows at the next
//! read, and the minute job ([`refresh`]) makes it for pages nobody opens. A read of a stale or
//! missing run makes it first (one at a time per process, see [`Ctx::pilot_runs`]). Changing
//! the criteria recomputes today's run at once; an enrolment change marks the runs it touches
//! stale. The minute job also keeps the trend's month ends made, one a round.
//!
//! # Who
//! The department and sysadmins see every school; a department officer scoped to an area
//! (`officer_areas`) sees that area's schools only and changes nothing province-wide. A school
//! administrator (and a teacher) reads their own school's status ([`school`]).
//!
//! # Files
//! One concept each: `criteria` (the criteria in force, their history, the targets),
//! `enrolment` (by form and CSV), `measure` (the counts of a window), `runs` (making, keeping
//! fresh, refreshing), `summary` (the summary and the trend), `status` (the list and one
//! school), `officers` (area officers) and `export` (CSV, Excel). Everything public is
//! re-exported here: callers write `services::pilot::…`.

use crate::error::{Error, LineError, Msg};
use crate::ids::{AreaId, SchoolId, UserId};
use crate::model::{Actor, ImportOutcome, Role, SchoolLevel};
use crate::pilot::{
    Criteria, GroupCount, Measured, SchoolStatus, TargetProgress, Targets, TrendPoint, evaluate,
    projected, schools_needed,
};
pub use crate::pilot::{
    CriteriaVersion, Evidence, Officer, SILENT_DAYS, StatusPage, Summary, Trend,
};
use crate::services::audit::{self, Action, Record};
use crate::services::classes::today;
use crate::services::csv_import::{self, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, internal};
use crate::text::{fold, query_words};
use crate::timetable::weekday_number;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use std::collections::{HashMap, HashSet};

mod criteria;
mod enrolment;
mod export;
mod measure;
mod officers;
mod runs;
mod status;
mod summary;

pub use criteria::*;
pub use enrolment::*;
pub use export::*;
pub(crate) use measure::*;
pub use officers::*;
pub use runs::*;
pub use status::*;
pub use summary::*;

/// A run of today on unchanged data is reused this long (seconds): the backstop for a change
/// its fingerprint cannot see (a row deleted by hand from a big table).
pub const FRESH_SECONDS: i64 = 600;
/// A run younger than this (seconds) is reused whatever changed since, so a busy province
/// writing every second makes it at most this often; any change shows within this time.
pub const REMAKE_AFTER: i64 = 30;
/// The trend's length in months.
pub const TREND_MONTHS: u32 = 12;
/// The most schools one page of the list holds.
pub const MAX_PAGE: i64 = 5_000;
/// The header of an enrolment CSV.
pub const ENROL_CSV_HEADER: [&str; 2] = ["code", "since"];

/// Unix seconds at the end of day `d` (midnight after it, school time).
fn day_end(d: NaiveDate) -> i64 {
    d.succ_opt().map_or(i64::MAX, crate::dates::midnight)
}

/// What the actor may see: `Ok(None)` the whole province, `Ok(Some(area))` one area; teachers
/// and school administrators have no province view (403). The area comes with the session
/// (see [`crate::services::scope`]).
pub async fn scope(_ctx: &Ctx, actor: &Actor) -> Result<Option<AreaId>, Error> {
    match actor.role {
        Role::Sysadmin => Ok(None),
        Role::Department => Ok(actor.area_id()),
        _ => Err(Error::forbidden()),
    }
}

/// Ok for who sets the province's pilot (enrolments, criteria, targets, officers' areas): the
/// department's province-wide officers and sysadmins.
async fn must_manage(_ctx: &Ctx, actor: &Actor) -> Result<(), Error> {
    if actor.may_set_officer_areas() {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}
