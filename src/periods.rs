//! A school's day: the period grid (tiết, with bell times), the default grids by level, the
//! booking rules and holidays.

use crate::ids::HolidayId;
use crate::model::SchoolLevel;
use crate::model::SchoolRef;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

/// A time of day in school time, to the minute; written and read as `HH:MM` (so it crosses the
/// API and the database as the same text it always was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// `minutes` since midnight, if within the day.
    pub fn from_minutes(minutes: i64) -> Option<TimeOfDay> {
        u16::try_from(minutes)
            .ok()
            .filter(|m| *m < 24 * 60)
            .map(TimeOfDay)
    }

    /// `HH:MM` (or `H:MM`), if valid.
    pub fn parse(s: &str) -> Option<TimeOfDay> {
        parse_hhmm(s).and_then(TimeOfDay::from_minutes)
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> i64 {
        i64::from(self.0)
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_hhmm(self.minutes()))
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a time: {s}")))
    }
}

/// A period (tiết) of the school's bell schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Its number in the day, from 1.
    pub number: i64,
    /// Morning or afternoon.
    pub session: DaySession,
    /// Start, school time.
    pub starts: TimeOfDay,
    /// End, school time.
    pub ends: TimeOfDay,
}

/// A period as a form or the API sends it: times as typed, checked by the service (each bad
/// row reported on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodDraft {
    /// Its number in the day, from 1.
    pub number: i64,
    /// `morning` or `afternoon`, as sent (checked by the service like the times).
    pub session: String,
    /// Start, `HH:MM` as typed.
    pub starts: String,
    /// End, `HH:MM` as typed.
    pub ends: String,
}

/// A grid as a form or the API sends it (see [`PeriodDraft`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridDraft {
    /// The periods, in order.
    pub items: Vec<PeriodDraft>,
    /// See [`PeriodGrid::release_after_minutes`].
    pub release_after_minutes: i64,
}

impl From<&PeriodGrid> for GridDraft {
    fn from(g: &PeriodGrid) -> GridDraft {
        GridDraft {
            items: g
                .items
                .iter()
                .map(|p| PeriodDraft {
                    number: p.number,
                    session: p.session.as_str().to_owned(),
                    starts: p.starts.to_string(),
                    ends: p.ends.to_string(),
                })
                .collect(),
            release_after_minutes: g.release_after_minutes,
        }
    }
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

impl PeriodGrid {
    /// When period `period` of `date` starts and ends (unix seconds, school time), if the grid
    /// has it. The roll call's and the class log's deadlines both start from it.
    pub fn bounds(&self, date: NaiveDate, period: i64) -> Option<(i64, i64)> {
        let p = self.items.iter().find(|p| p.number == period)?;
        let day = crate::dates::midnight(date);
        Some((day + p.starts.minutes() * 60, day + p.ends.minutes() * 60))
    }
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
                starts: TimeOfDay(t as u16),
                ends: TimeOfDay((t + len) as u16),
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
    pub starts: NaiveDate,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub ends: NaiveDate,
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

/// A school's periods page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolPeriods {
    /// The school.
    pub school: SchoolRef,
    /// Its level (whose default grid applies until the school sets its own).
    pub level: SchoolLevel,
    /// The grid and the release rule.
    pub grid: PeriodGrid,
    /// Whether the grid is its level's default.
    pub is_default: bool,
    /// Its holidays, by first day.
    pub holidays: Vec<Holiday>,
    /// Today in school time, `YYYY-MM-DD` (past holidays are shown as such).
    pub today: NaiveDate,
    /// Whether the caller may change them.
    pub may_manage: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_grids() {
        let primary = default_grid(SchoolLevel::TieuHoc);
        assert_eq!(primary.len(), 9);
        assert_eq!(primary[0].starts.to_string(), "07:00");
        assert_eq!(primary[0].ends.to_string(), "07:35");
        assert_eq!(primary[2].starts.to_string(), "08:35");
        let secondary = default_grid(SchoolLevel::Thpt);
        assert_eq!(secondary.len(), 10);
        assert_eq!(secondary[0].ends.to_string(), "07:45");
        assert_eq!(secondary[5].session, DaySession::Afternoon);
        assert_eq!(secondary[5].starts.to_string(), "13:30");
        for g in [primary, secondary] {
            for w in g.windows(2) {
                assert!(w[0].ends <= w[1].starts);
            }
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_hhmm("07:05"), Some(425));
        assert_eq!(parse_hhmm("7:05"), Some(425));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("07:5"), None);
        assert_eq!(format_hhmm(425), "07:05");
        assert_eq!(TimeOfDay::parse("7:05").unwrap().to_string(), "07:05");
        assert_eq!(TimeOfDay::parse("24:00"), None);
        #[cfg(feature = "server")]
        assert_eq!(
            serde_json::to_string(&TimeOfDay::parse("13:45").unwrap()).unwrap(),
            "\"13:45\""
        );
    }
}
