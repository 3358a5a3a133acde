//! The pilot-adoption rules: the criteria a pilot school must meet, the province's targets, and
//! how a school's measured use becomes "counts toward the target". Pure (no I/O), shared by the
//! services, the server functions and the pages.
//!
//! A school counts on a date when it is enrolled in the pilot on that date and meets every
//! required criterion over the window of `window_days` days that ends on that date.

use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{AreaId, SchoolId, UserId};
use crate::model::SchoolLevel;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The built-in metrics a criterion is made of (API.md criteria keys).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKey {
    /// Enrolled in the pilot on the date (value 1 or 0).
    Enrolled,
    /// Devices in service (status `available`) on the date.
    DevicesInService,
    /// Checked-in device periods per school week over the window.
    DeviceUsePeriodsPerWeek,
    /// Share of the school's teachers who attached a material to a lesson in the window (%).
    TeachersWithMaterialsPct,
    /// Share of the timetabled lessons of the window whose roll was taken on time (%).
    RollCallOnTimePct,
    /// Share of the timetabled lessons of the window whose class-log entry was signed on time
    /// (by the period's end + 5 minutes) (%).
    LogSignedOnTimePct,
}

impl CriterionKey {
    /// Every key, in the order pages list them.
    pub const ALL: [CriterionKey; 6] = [
        CriterionKey::Enrolled,
        CriterionKey::DevicesInService,
        CriterionKey::DeviceUsePeriodsPerWeek,
        CriterionKey::TeachersWithMaterialsPct,
        CriterionKey::RollCallOnTimePct,
        CriterionKey::LogSignedOnTimePct,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKey::Enrolled => "enrolled",
            CriterionKey::DevicesInService => "devices_in_service",
            CriterionKey::DeviceUsePeriodsPerWeek => "device_use_periods_per_week",
            CriterionKey::TeachersWithMaterialsPct => "teachers_with_materials_pct",
            CriterionKey::RollCallOnTimePct => "roll_call_on_time_pct",
            CriterionKey::LogSignedOnTimePct => "log_signed_on_time_pct",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<CriterionKey> {
        CriterionKey::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The translation key of the criterion's name.
    pub fn label_key(self) -> &'static str {
        match self {
            CriterionKey::Enrolled => "pilot.key.enrolled",
            CriterionKey::DevicesInService => "pilot.key.devices_in_service",
            CriterionKey::DeviceUsePeriodsPerWeek => "pilot.key.device_use_periods_per_week",
            CriterionKey::TeachersWithMaterialsPct => "pilot.key.teachers_with_materials_pct",
            CriterionKey::RollCallOnTimePct => "pilot.key.roll_call_on_time_pct",
            CriterionKey::LogSignedOnTimePct => "pilot.key.log_signed_on_time_pct",
        }
    }

    /// The translation key of the criterion's short name (a badge of a list: "Học liệu").
    pub fn short_key(self) -> &'static str {
        match self {
            CriterionKey::Enrolled => "pilot.short.enrolled",
            CriterionKey::DevicesInService => "pilot.short.devices_in_service",
            CriterionKey::DeviceUsePeriodsPerWeek => "pilot.short.device_use_periods_per_week",
            CriterionKey::TeachersWithMaterialsPct => "pilot.short.teachers_with_materials_pct",
            CriterionKey::RollCallOnTimePct => "pilot.short.roll_call_on_time_pct",
            CriterionKey::LogSignedOnTimePct => "pilot.short.log_signed_on_time_pct",
        }
    }

    /// A percentage (0–100) rather than a count.
    pub fn is_percent(self) -> bool {
        matches!(
            self,
            CriterionKey::TeachersWithMaterialsPct
                | CriterionKey::RollCallOnTimePct
                | CriterionKey::LogSignedOnTimePct
        )
    }

    /// The largest threshold that makes sense.
    fn max_threshold(self) -> f64 {
        match self {
            CriterionKey::Enrolled => 1.0,
            CriterionKey::DevicesInService => 10_000.0,
            CriterionKey::DeviceUsePeriodsPerWeek => 10_000.0,
            CriterionKey::TeachersWithMaterialsPct
            | CriterionKey::RollCallOnTimePct
            | CriterionKey::LogSignedOnTimePct => 100.0,
        }
    }
}

/// One criterion: a metric, the least value that meets it, and whether a school must meet it
/// to count (an optional one is shown, not required).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// The metric.
    pub key: CriterionKey,
    /// Met when the value is at least this (one decimal).
    pub threshold: f64,
    /// Required to count.
    pub required: bool,
}

/// The criteria in force: the window they are measured over and the list.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    /// Days, ending on the as-of date (7–365).
    pub window_days: i64,
    /// One per key at most; `enrolled` is always required.
    pub criteria: Vec<Criterion>,
}

/// The shortest and longest window.
pub const WINDOW_DAYS: std::ops::RangeInclusive<i64> = 7..=365;

impl Default for Criteria {
    /// The department's starting point (DOMAIN.md "How a school could count"): enrolled, at
    /// least two devices in service, 10 device periods a week, half the teachers attaching
    /// materials, 80% of lessons with roll taken on time, over 30 days.
    fn default() -> Self {
        let c = |key, threshold, required| Criterion {
            key,
            threshold,
            required,
        };
        Criteria {
            window_days: 30,
            criteria: vec![
                c(CriterionKey::Enrolled, 1.0, true),
                c(CriterionKey::DevicesInService, 2.0, true),
                c(CriterionKey::DeviceUsePeriodsPerWeek, 10.0, true),
                c(CriterionKey::TeachersWithMaterialsPct, 50.0, true),
                c(CriterionKey::RollCallOnTimePct, 80.0, true),
            ],
        }
    }
}

/// A number rounded to one decimal.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Criteria {
    /// Checks a department's criteria: every problem at once (422 naming the fields), or the
    /// criteria normalised — thresholds to one decimal, `enrolled` present and required, in the
    /// order of [`CriterionKey::ALL`].
    pub fn check(mut self) -> Result<Criteria, Error> {
        let mut errs = FieldErrors::new();
        if !WINDOW_DAYS.contains(&self.window_days) {
            errs.add(
                "window_days",
                Msg::new("pilot.error.window")
                    .arg("min", WINDOW_DAYS.start())
                    .arg("max", WINDOW_DAYS.end()),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.criteria.iter_mut().enumerate() {
            if !seen.insert(c.key) {
                errs.add(
                    &format!("criteria[{i}].key"),
                    Msg::new("pilot.error.duplicate"),
                );
            }
            if !c.threshold.is_finite() || c.threshold < 0.0 || c.threshold > c.key.max_threshold()
            {
                errs.add(
                    &format!("criteria[{i}].threshold"),
                    Msg::new("pilot.error.threshold").arg("max", c.key.max_threshold()),
                );
            }
            c.threshold = round1(c.threshold);
            if c.key == CriterionKey::Enrolled {
                c.threshold = 1.0;
                c.required = true;
            }
        }
        errs.finish()?;
        if !seen.contains(&CriterionKey::Enrolled) {
            self.criteria.push(Criterion {
                key: CriterionKey::Enrolled,
                threshold: 1.0,
                required: true,
            });
        }
        self.criteria.sort_by_key(|c| c.key);
        Ok(self)
    }

    /// The criterion of a key, if in force.
    pub fn get(&self, key: CriterionKey) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.key == key)
    }
}

/// A target: this share of the province's schools counting by this date.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// Percent of schools (0.1–100, one decimal).
    pub percent: f64,
    /// `YYYY-MM-DD`.
    pub due: NaiveDate,
}

/// The targets the department has set, by due date.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// By due date.
    pub items: Vec<Target>,
}

/// At most this many targets.
pub const MAX_TARGETS: usize = 20;

impl Default for Targets {
    /// The provincial plan: 20% of schools by 31/12/2025 (DOMAIN.md).
    fn default() -> Self {
        Targets {
            items: vec![Target {
                percent: 20.0,
                due: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
            }],
        }
    }
}

impl Targets {
    /// Checks the department's targets: percent in (0, 100], one date once, at most
    /// [`MAX_TARGETS`]; sorted by date.
    pub fn check(mut self) -> Result<Targets, Error> {
        let mut errs = FieldErrors::new();
        if self.items.len() > MAX_TARGETS {
            errs.add(
                "items",
                Msg::new("pilot.error.too_many_targets").arg("max", MAX_TARGETS),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.items.iter_mut().enumerate() {
            if !t.percent.is_finite() || t.percent <= 0.0 || t.percent > 100.0 {
                errs.add(
                    &format!("items[{i}].percent"),
                    Msg::new("pilot.error.target_percent"),
                );
            }
            t.percent = round1(t.percent);
            if !seen.insert(t.due) {
                errs.add(
                    &format!("items[{i}].due"),
                    Msg::new("pilot.error.target_due"),
                );
            }
        }
        errs.finish()?;
        self.items.sort_by_key(|t| t.due);
        Ok(self)
    }
}

/// What was measured of one school over the window ending on the as-of date: the raw counts
/// every criterion's value is computed from.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measured {
    /// Enrolled on the date.
    pub enrolled: bool,
    /// Devices in service.
    pub devices: i64,
    /// Checked-in device periods in the window.
    pub device_periods: i64,
    /// Active teachers of the school.
    pub teachers: i64,
    /// Of them, those who attached a material to a lesson of the window.
    pub teachers_with_materials: i64,
    /// Timetabled lessons in the window.
    pub lessons: i64,
    /// Roll calls taken on time in the window.
    pub roll_calls_on_time: i64,
    /// Class-log entries of the window signed on time.
    #[serde(default)]
    pub logs_on_time: i64,
}

impl Measured {
    /// A criterion's value (one decimal): a count, a rate per week, or a percentage.
    pub fn value(&self, key: CriterionKey, window_days: i64) -> f64 {
        match key {
            CriterionKey::Enrolled => f64::from(u8::from(self.enrolled)),
            CriterionKey::DevicesInService => self.devices as f64,
            CriterionKey::DeviceUsePeriodsPerWeek => {
                round1(self.device_periods as f64 * 7.0 / window_days.max(1) as f64)
            }
            CriterionKey::TeachersWithMaterialsPct => {
                crate::model::percent(self.teachers_with_materials, self.teachers)
            }
            CriterionKey::RollCallOnTimePct => {
                crate::model::percent(self.roll_calls_on_time.min(self.lessons), self.lessons)
            }
            CriterionKey::LogSignedOnTimePct => {
                crate::model::percent(self.logs_on_time.min(self.lessons), self.lessons)
            }
        }
    }

    /// How much is missing for a criterion not met, in the unit people act on: devices to put
    /// in service, device periods a week, teachers, lessons with roll taken on time. `None`
    /// when met.
    pub fn shortfall(&self, c: &Criterion, window_days: i64) -> Option<Shortfall> {
        if self.value(c.key, window_days) >= c.threshold {
            return None;
        }
        // No timetabled lesson in the window: what is missing is the timetable, not roll calls.
        if matches!(
            c.key,
            CriterionKey::RollCallOnTimePct | CriterionKey::LogSignedOnTimePct
        ) && self.lessons == 0
        {
            return Some(Shortfall {
                key: c.key,
                amount: 0,
                no_timetable: true,
            });
        }
        let need = |whole: i64, have: i64| -> i64 {
            // The least n with round1(100·(have+n)/whole) ≥ threshold.
            let mut n = ((c.threshold / 100.0 * whole as f64).ceil() as i64 - have).max(0);
            while n > 0 && crate::model::percent(have + n - 1, whole) >= c.threshold {
                n -= 1;
            }
            while crate::model::percent(have + n, whole) < c.threshold && have + n < whole {
                n += 1;
            }
            n
        };
        let amount = match c.key {
            CriterionKey::Enrolled => 1,
            CriterionKey::DevicesInService => (c.threshold.ceil() as i64 - self.devices).max(1),
            CriterionKey::DeviceUsePeriodsPerWeek => {
                (round1(c.threshold - self.value(c.key, window_days)) * 10.0).round() as i64
            }
            CriterionKey::TeachersWithMaterialsPct => {
                need(self.teachers, self.teachers_with_materials).max(1)
            }
            CriterionKey::RollCallOnTimePct => {
                need(self.lessons, self.roll_calls_on_time.min(self.lessons)).max(1)
            }
            CriterionKey::LogSignedOnTimePct => {
                need(self.lessons, self.logs_on_time.min(self.lessons)).max(1)
            }
        };
        Some(Shortfall {
            key: c.key,
            amount,
            no_timetable: false,
        })
    }
}

/// What a school lacks for one criterion ([`Measured::shortfall`]). For
/// `device_use_periods_per_week` the amount is in tenths of a period a week.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// The criterion.
    pub key: CriterionKey,
    /// Devices, tenths of periods a week, teachers or lessons.
    pub amount: i64,
    /// The school has no timetabled lesson in the window (`roll_call_on_time_pct`, amount 0):
    /// the timetable is what is missing.
    #[serde(default)]
    pub no_timetable: bool,
}

impl Shortfall {
    /// The sentence a school administrator reads ("3 more teachers need to attach materials").
    pub fn msg(&self) -> Msg {
        let key = match self.key {
            CriterionKey::Enrolled => "pilot.missing.enrolled",
            CriterionKey::DevicesInService => "pilot.missing.devices_in_service",
            CriterionKey::DeviceUsePeriodsPerWeek => "pilot.missing.device_use_periods_per_week",
            CriterionKey::TeachersWithMaterialsPct => "pilot.missing.teachers_with_materials_pct",
            CriterionKey::RollCallOnTimePct => "pilot.missing.roll_call_on_time_pct",
            CriterionKey::LogSignedOnTimePct => "pilot.missing.log_signed_on_time_pct",
        };
        if self.no_timetable {
            Msg::new("pilot.missing.no_timetable")
        } else if self.key == CriterionKey::DeviceUsePeriodsPerWeek {
            Msg::new(key).decimal_arg("n", self.amount as f64 / 10.0)
        } else {
            Msg::new(key).arg("n", self.amount)
        }
    }
}

/// One criterion of one school: value against threshold (API.md `{key, required, value,
/// threshold, met}`), and what is missing.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// The metric.
    pub key: CriterionKey,
    /// Required to count.
    pub required: bool,
    /// The measured value (one decimal).
    pub value: f64,
    /// The threshold in force.
    pub threshold: f64,
    /// `value ≥ threshold`.
    pub met: bool,
    /// What is missing when not met.
    pub missing: Option<Shortfall>,
}

/// A school's criteria under `criteria`, and whether it counts: enrolled and every required
/// criterion met.
pub fn evaluate(criteria: &Criteria, m: &Measured) -> (Vec<CriterionResult>, bool) {
    let results: Vec<CriterionResult> = criteria
        .criteria
        .iter()
        .map(|c| {
            let value = m.value(c.key, criteria.window_days);
            CriterionResult {
                key: c.key,
                required: c.required,
                value,
                threshold: c.threshold,
                met: value >= c.threshold,
                missing: m.shortfall(c, criteria.window_days),
            }
        })
        .collect();
    let counted = m.enrolled && results.iter().all(|r| r.met || !r.required);
    (results, counted)
}

/// One school's pilot status on a date (API.md `GET /pilot/schools` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolStatus {
    /// The school.
    pub school_id: SchoolId,
    /// Registry code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: SchoolLevel,
    /// Area's name.
    pub area: String,
    /// Area's id.
    pub area_id: AreaId,
    /// Enrolled on the date.
    pub enrolled: bool,
    /// Enrolled since, if enrolled now.
    pub since: Option<NaiveDate>,
    /// Counts toward the target.
    pub counted: bool,
    /// How many criteria are met (of `criteria.len()`).
    pub met: i64,
    /// Each criterion in force.
    pub criteria: Vec<CriterionResult>,
    /// The last day of the window with any recorded use (a check-in, a roll call, a material
    /// attached); none in the window: `None`.
    pub last_activity: Option<NaiveDate>,
    /// The raw counts.
    pub measured: Measured,
}

/// A share of schools in a group (a level, an area, the province).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCount {
    /// The level's code or the area's id.
    pub key: String,
    /// The level's or the area's name (levels: the translation key).
    pub name: String,
    /// Schools open on the date.
    pub total: i64,
    /// Of them enrolled.
    pub enrolled: i64,
    /// Of them counting.
    pub counted: i64,
    /// `counted / total`, one decimal.
    pub percent: f64,
}

impl GroupCount {
    /// A group from its counts.
    pub fn new(key: String, name: String, total: i64, enrolled: i64, counted: i64) -> GroupCount {
        GroupCount {
            key,
            name,
            total,
            enrolled,
            counted,
            percent: crate::model::percent(counted, total),
        }
    }
}

/// A target against the share now: reached or not, and how many more schools it needs.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetProgress {
    /// The target's percent.
    pub percent: f64,
    /// Its date.
    pub due: NaiveDate,
    /// The share now is at least the target.
    pub reached: bool,
    /// Schools that must still count to reach it.
    pub schools_needed: i64,
    /// When the share will reach it at the pace of the trend (none: the pace does not get
    /// there, or there is no trend yet).
    pub projected: Option<NaiveDate>,
}

/// Schools needed for `percent` of `total` (rounded to one decimal as the share is shown).
pub fn schools_needed(percent: f64, total: i64, counted: i64) -> i64 {
    let mut n = ((percent / 100.0 * total as f64).ceil() as i64 - counted).max(0);
    while n > 0 && crate::model::percent(counted + n - 1, total) >= percent {
        n -= 1;
    }
    n
}

/// A point of the trend: the share on a date (a month's last day, or today).
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The date.
    pub as_of: NaiveDate,
    /// Schools open.
    pub total: i64,
    /// Counting.
    pub counted: i64,
    /// One decimal.
    pub percent: f64,
}

/// When the share reaches `percent` at the trend's pace: a least-squares line through the last
/// points (at most six), in percent a day. `None` without two points or with no rise.
pub fn projected(points: &[TrendPoint], percent: f64) -> Option<NaiveDate> {
    let last = points.last()?;
    if last.percent >= percent {
        return Some(last.as_of);
    }
    let pts = &points[points.len().saturating_sub(6)..];
    if pts.len() < 2 {
        return None;
    }
    let x0 = pts[0].as_of;
    let xs: Vec<f64> = pts
        .iter()
        .map(|p| (p.as_of - x0).num_days() as f64)
        .collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.percent).collect();
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    if slope <= 1e-9 {
        return None;
    }
    let intercept = my - slope * mx;
    let days = ((percent - intercept) / slope).ceil();
    // Beyond 30 years is no projection.
    if !(0.0..=11_000.0).contains(&days) {
        return None;
    }
    let at = x0 + chrono::Duration::days(days as i64);
    Some(at.max(last.as_of))
}

/// When the trend's pace reaches `target`: the projected date of the same target among the
/// trend's (the dashboard's and the report's targets carry none; the trend's are the same list,
/// matched on due date and percent). `None` when the trend has no such target or its pace does
/// not get there.
pub fn projection_of(trend: &[TargetProgress], target: &TargetProgress) -> Option<NaiveDate> {
    trend
        .iter()
        .find(|p| p.due == target.due && p.percent == target.percent)
        .and_then(|p| p.projected)
}

/// Whether a school enrolled in the pilot has been silent: no recorded use in the last `days`
/// days before `as_of` (inclusive of `as_of`).
pub fn is_silent(s: &SchoolStatus, as_of: NaiveDate, days: i64) -> bool {
    s.enrolled
        && s.last_activity
            .is_none_or(|d| (as_of - d).num_days() >= days)
}

// ---------------------------------------------------------------------------------------------
// What the pilot services return (here, not behind the `server` feature, so the pages use the
// same types in the browser).

/// Enrolled schools with no recorded use for this many days are "silent" (the dashboard's
/// default).
pub const SILENT_DAYS: i64 = 14;

/// A version of the criteria and since when it is in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaVersion {
    /// 0: the built-in defaults.
    pub id: i64,
    /// The criteria.
    pub criteria: Criteria,
    /// Who set them (empty for the defaults).
    pub set_by: String,
    /// When (RFC 3339; none for the defaults).
    pub set_at: Option<String>,
    /// In force until the next version was set (RFC 3339), none: still in force.
    pub until: Option<String>,
}

/// The department's dashboard numbers (API.md `GET /pilot/summary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The date.
    pub as_of: NaiveDate,
    /// The province's name as its reports print it, if set (`settings` key `province.name`;
    /// the demo sets it).
    #[serde(default)]
    pub province: Option<String>,
    /// The area the caller is scoped to, if any.
    pub area: Option<String>,
    /// Schools open on the date (the denominator).
    pub total_schools: i64,
    /// Of them enrolled in the pilot.
    pub enrolled_schools: i64,
    /// Of them counting toward the target.
    pub counted_schools: i64,
    /// `counted / total`, one decimal.
    pub percent: f64,
    /// Enrolled schools with no recorded use for [`SILENT_DAYS`] days.
    pub silent_schools: i64,
    /// The targets, with how far the share is from each.
    pub targets: Vec<TargetProgress>,
    /// By level, youngest first.
    pub by_level: Vec<GroupCount>,
    /// By area, by name.
    pub by_area: Vec<GroupCount>,
    /// The criteria version the run used.
    pub criteria_id: i64,
    /// The criteria of that version (what a school must meet to count).
    pub criteria: Criteria,
    /// When the statuses were computed (RFC 3339).
    pub computed_at: String,
}

/// The trend month by month and when each target will be reached at its pace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// The points made so far, oldest first (the last is today).
    pub points: Vec<TrendPoint>,
    /// Month ends not computed yet (the minute job makes them).
    pub pending: usize,
    /// The targets with their projected dates.
    pub targets: Vec<TargetProgress>,
}

/// A page of schools' statuses and the run they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPage {
    /// The date.
    pub as_of: NaiveDate,
    /// The page.
    pub items: Vec<SchoolStatus>,
    /// How many match in all.
    pub total: i64,
    /// The criteria of the run.
    pub criteria: Criteria,
    /// When computed (RFC 3339).
    pub computed_at: String,
}

/// One school's evidence: its status, the window, and the people and things behind the
/// numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The status.
    pub status: SchoolStatus,
    /// The window's first day.
    pub from: NaiveDate,
    /// Its last day (the as-of date).
    pub to: NaiveDate,
    /// The criteria's window in days.
    pub window_days: i64,
    /// The criteria version.
    pub criteria_id: i64,
    /// When computed (RFC 3339).
    pub computed_at: String,
    /// The school's teachers who have not attached a material to a lesson of the window
    /// (full names, by name): who to ask.
    pub teachers_without_materials: Vec<String>,
    /// Devices out of service now (in repair or retired): name and status code.
    pub devices_out_of_service: Vec<(String, String)>,
}

/// A department officer and the area they are scoped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Officer {
    /// The account.
    pub user_id: UserId,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// The area, none: the whole province.
    pub area_id: Option<AreaId>,
    /// The area's name.
    pub area: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> Measured {
        Measured {
            enrolled: true,
            devices: 3,
            device_periods: 43,
            teachers: 7,
            teachers_with_materials: 3,
            lessons: 120,
            roll_calls_on_time: 95,
            logs_on_time: 90,
        }
    }

    #[test]
    fn the_class_log_criterion_counts_signed_lessons() {
        let x = m();
        assert_eq!(x.value(CriterionKey::LogSignedOnTimePct, 30), 75.0);
        let c = Criterion {
            key: CriterionKey::LogSignedOnTimePct,
            threshold: 80.0,
            required: true,
        };
        let s = x.shortfall(&c, 30).expect("not met");
        assert_eq!((s.amount, s.no_timetable), (6, false), "96 of 120 is 80%");
        let none = Measured { lessons: 0, ..x };
        assert!(none.shortfall(&c, 30).expect("not met").no_timetable);
        assert_eq!(CriterionKey::parse("log_signed_on_time_pct"), Some(c.key));
    }

    #[test]
    fn values_are_one_decimal_and_follow_the_window() {
        let m = m();
        assert_eq!(m.value(CriterionKey::Enrolled, 30), 1.0);
        assert_eq!(m.value(CriterionKey::DevicesInService, 30), 3.0);
        // 43 periods over 30 days = 10.0333 a week.
        assert_eq!(m.value(CriterionKey::DeviceUsePeriodsPerWeek, 30), 10.0);
        assert_eq!(m.value(CriterionKey::DeviceUsePeriodsPerWeek, 14), 21.5);
        // 3 of 7 = 42.857…
        assert_eq!(m.value(CriterionKey::TeachersWithMaterialsPct, 30), 42.9);
        // 95 of 120 = 79.166…
        assert_eq!(m.value(CriterionKey::RollCallOnTimePct, 30), 79.2);
        let none = Measured::default();
        assert_eq!(none.value(CriterionKey::TeachersWithMaterialsPct, 30), 0.0);
        assert_eq!(none.value(CriterionKey::RollCallOnTimePct, 30), 0.0);
    }

    #[test]
    fn a_school_counts_when_enrolled_and_every_required_criterion_is_met() {
        let c = Criteria::default();
        let (r, counted) = evaluate(&c, &m());
        assert!(!counted);
        let missing: Vec<_> = r.iter().filter(|r| !r.met).map(|r| r.key).collect();
        assert_eq!(
            missing,
            vec![
                CriterionKey::TeachersWithMaterialsPct,
                CriterionKey::RollCallOnTimePct
            ]
        );
        // 4 of 7 = 57.1% ≥ 50: one more teacher.
        let t = r
            .iter()
            .find(|r| r.key == CriterionKey::TeachersWithMaterialsPct)
            .and_then(|r| r.missing.clone())
            .map(|s| s.amount);
        assert_eq!(t, Some(1));
        // 96 of 120 = 80.0%: one more lesson.
        let l = r
            .iter()
            .find(|r| r.key == CriterionKey::RollCallOnTimePct)
            .and_then(|r| r.missing.clone())
            .map(|s| s.amount);
        assert_eq!(l, Some(1));
        let mut better = m();
        better.teachers_with_materials = 4;
        better.roll_calls_on_time = 96;
        assert!(evaluate(&c, &better).1);
        // Not enrolled: never counts, whatever else.
        better.enrolled = false;
        assert!(!evaluate(&c, &better).1);
        // An optional criterion not met does not stop a school counting.
        let mut lax = c.clone();
        for x in &mut lax.criteria {
            if x.key == CriterionKey::RollCallOnTimePct {
                x.required = false;
            }
        }
        let mut some = m();
        some.teachers_with_materials = 4;
        assert!(evaluate(&lax, &some).1);
    }

    #[test]
    fn criteria_are_checked_all_at_once_and_normalised() {
        let bad = Criteria {
            window_days: 3,
            criteria: vec![
                Criterion {
                    key: CriterionKey::RollCallOnTimePct,
                    threshold: 120.0,
                    required: true,
                },
                Criterion {
                    key: CriterionKey::RollCallOnTimePct,
                    threshold: f64::NAN,
                    required: true,
                },
            ],
        };
        let e = bad.check().unwrap_err();
        let fields: Vec<String> = match &e.details {
            crate::error::Details::Fields(f) => f.iter().map(|f| f.field.clone()).collect(),
            _ => vec![],
        };
        assert_eq!(
            fields,
            vec![
                "window_days",
                "criteria[0].threshold",
                "criteria[1].key",
                "criteria[1].threshold"
            ]
        );
        let ok = Criteria {
            window_days: 14,
            criteria: vec![
                Criterion {
                    key: CriterionKey::RollCallOnTimePct,
                    threshold: 66.666,
                    required: false,
                },
                Criterion {
                    key: CriterionKey::Enrolled,
                    threshold: 0.0,
                    required: false,
                },
            ],
        }
        .check()
        .unwrap();
        assert_eq!(ok.criteria[0].key, CriterionKey::Enrolled);
        assert!(ok.criteria[0].required);
        assert_eq!(ok.criteria[1].threshold, 66.7);
        // `enrolled` is added when left out.
        let added = Criteria {
            window_days: 30,
            criteria: vec![],
        }
        .check()
        .unwrap();
        assert_eq!(added.criteria.len(), 1);
    }

    #[test]
    fn targets_and_the_schools_they_need() {
        assert_eq!(schools_needed(20.0, 120, 8), 16);
        assert_eq!(schools_needed(20.0, 120, 24), 0);
        // 20.0% of 7 schools: 1.4 → 2 schools (28.6%); 1 is 14.3%.
        assert_eq!(schools_needed(20.0, 7, 0), 2);
        let e = Targets {
            items: vec![
                Target {
                    percent: 0.0,
                    due: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
                },
                Target {
                    percent: 30.0,
                    due: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
                },
            ],
        }
        .check();
        assert!(e.is_err());
    }

    #[test]
    fn the_projection_follows_the_pace() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let p = |as_of, percent| TrendPoint {
            as_of,
            total: 100,
            counted: percent as i64,
            percent,
        };
        // 2 points a month: 20% about five months after 10%.
        let pts = vec![p(d(1, 31), 6.0), p(d(2, 28), 8.0), p(d(3, 31), 10.0)];
        let at = projected(&pts, 20.0).unwrap();
        assert!(at > d(8, 15) && at < d(9, 15), "{at}");
        assert_eq!(projected(&pts, 10.0), Some(d(3, 31)));
        let flat = vec![p(d(1, 31), 6.0), p(d(2, 28), 6.0)];
        assert_eq!(projected(&flat, 20.0), None);
        assert_eq!(projected(&pts[..1], 20.0), None);
    }

    #[test]
    fn a_target_takes_the_trends_projection_of_the_same_target() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let t = |percent, due, projected| TargetProgress {
            percent,
            due,
            reached: false,
            schools_needed: 3,
            projected,
        };
        let trend = vec![
            t(20.0, d(6, 30), Some(d(5, 1))),
            t(40.0, d(12, 31), Some(d(11, 2))),
            t(60.0, d(12, 31), None),
        ];
        assert_eq!(
            projection_of(&trend, &t(40.0, d(12, 31), None)),
            Some(d(11, 2))
        );
        assert_eq!(
            projection_of(&trend, &t(20.0, d(6, 30), None)),
            Some(d(5, 1))
        );
        // The pace does not get there; a target the trend does not know.
        assert_eq!(projection_of(&trend, &t(60.0, d(12, 31), None)), None);
        assert_eq!(projection_of(&trend, &t(40.0, d(6, 30), None)), None);
        assert_eq!(projection_of(&[], &t(20.0, d(6, 30), None)), None);
    }
}
