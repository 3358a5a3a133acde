//! Roll calls: a student's state in one lesson, the roll call as a teacher sends it (from the
//! app or a plain form) and as it is stored, its capture time, and what the roll-call page
//! shows (the roster, the history of changes).

use crate::ids::{ClassId, StudentId, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A student's state in one lesson (DOMAIN.md: có mặt, đi muộn, vắng có phép, vắng không phép).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Có mặt.
    #[default]
    Present,
    /// Đi muộn.
    Late,
    /// Vắng có phép.
    Excused,
    /// Vắng không phép.
    Unexcused,
}

impl Status {
    /// Every status, in the order a tap cycles through them.
    pub const ALL: [Status; 4] = [
        Status::Present,
        Status::Late,
        Status::Excused,
        Status::Unexcused,
    ];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Present => "present",
            Status::Late => "late",
            Status::Excused => "excused",
            Status::Unexcused => "unexcused",
        }
    }

    /// Parses the API code strictly.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Present => "attendance.present",
            Status::Late => "attendance.late",
            Status::Excused => "attendance.excused",
            Status::Unexcused => "attendance.unexcused",
        }
    }

    /// The translation key of its short name (a pill on a phone).
    pub fn short_key(self) -> &'static str {
        match self {
            Status::Present => "attendance.short.present",
            Status::Late => "attendance.short.late",
            Status::Excused => "attendance.short.excused",
            Status::Unexcused => "attendance.short.unexcused",
        }
    }

    /// The next status when a teacher taps the student: present → late → excused →
    /// unexcused → present.
    pub fn next(self) -> Status {
        match self {
            Status::Present => Status::Late,
            Status::Late => Status::Excused,
            Status::Excused => Status::Unexcused,
            Status::Unexcused => Status::Present,
        }
    }

    /// Whether the student missed the lesson.
    pub fn is_absent(self) -> bool {
        matches!(self, Status::Excused | Status::Unexcused)
    }
}

/// One student's line of a roll call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RollCallEntry {
    /// The student.
    pub student_id: StudentId,
    /// Their state.
    pub status: Status,
    /// A remark (at most [`MAX_NOTE`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The longest remark on a student's line.
pub const MAX_NOTE: usize = 200;

/// A roll call as sent: the students left out are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RollCallInput {
    /// The exceptions.
    pub entries: Vec<RollCallEntry>,
    /// When the teacher saved it on their device (RFC 3339), for a roll call queued offline:
    /// on-time is judged by it when it is plausible (see [`capture_time`]); absent, the
    /// arrival time counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<String>,
}

/// How far a device's clock may run ahead of the server's (seconds).
pub const CAPTURE_SKEW_SECONDS: i64 = 120;
/// The oldest capture time accepted: a week (seconds).
pub const CAPTURE_MAX_AGE_SECONDS: i64 = 7 * 24 * 3600;

/// The capture time of a roll call, checked: an RFC 3339 time not after the server's `now` plus
/// [`CAPTURE_SKEW_SECONDS`], not before the lesson's period starts (`period_starts`, unix
/// seconds) and at most [`CAPTURE_MAX_AGE_SECONDS`] old. A roll call that arrives before its
/// period starts (taken early, live) may carry a time as early as the device's skew allows. `None` when none was sent; the message
/// of the refusal otherwise (the field is `taken_at`).
pub fn capture_time(
    taken_at: Option<&str>,
    now: i64,
    period_starts: i64,
) -> Result<Option<i64>, crate::Msg> {
    let Some(raw) = taken_at.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let t = chrono::DateTime::parse_from_rfc3339(raw)
        .map_err(|_| crate::Msg::new("roll_call.taken_at_format"))?
        .timestamp();
    if t > now + CAPTURE_SKEW_SECONDS {
        return Err(crate::Msg::new("roll_call.taken_at_future"));
    }
    if t < period_starts.min(now - CAPTURE_SKEW_SECONDS) {
        return Err(crate::Msg::new("roll_call.taken_at_before_lesson"));
    }
    if t < now - CAPTURE_MAX_AGE_SECONDS {
        return Err(crate::Msg::new("roll_call.taken_at_too_old"));
    }
    Ok(Some(t))
}

/// Students per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Có mặt.
    pub present: i64,
    /// Đi muộn.
    pub late: i64,
    /// Vắng có phép.
    pub excused: i64,
    /// Vắng không phép.
    pub unexcused: i64,
}

impl Counts {
    /// Adds one student of this status.
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Present => self.present += 1,
            Status::Late => self.late += 1,
            Status::Excused => self.excused += 1,
            Status::Unexcused => self.unexcused += 1,
        }
    }

    /// Students counted.
    pub fn total(&self) -> i64 {
        self.present + self.late + self.excused + self.unexcused
    }

    /// Students absent (excused or not).
    pub fn absent(&self) -> i64 {
        self.excused + self.unexcused
    }
}

/// A stored roll call (API.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RollCall {
    /// The class.
    pub class_id: ClassId,
    /// The lesson's day.
    pub date: NaiveDate,
    /// The lesson's period.
    pub period: i64,
    /// Who took it first.
    pub taken_by: UserId,
    /// When it was taken (RFC 3339): saved on the teacher's device, or its arrival when the
    /// device sent no time.
    pub taken_at: String,
    /// When the server received it first (RFC 3339); later than `taken_at` when it was queued
    /// offline.
    #[serde(default)]
    pub received_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Taken by the end of the lesson's period plus [`ON_TIME_GRACE_MINUTES`].
    pub on_time: bool,
    /// Every student not simply present (or with a note).
    pub entries: Vec<RollCallEntry>,
    /// Students per status.
    pub counts: Counts,
}

/// How long after the end of its period a roll call still counts as on time.
pub const ON_TIME_GRACE_MINUTES: i64 = 15;

/// The page of a lesson's roll call.
pub fn roll_call_href(class: ClassId, date: NaiveDate, period: i64) -> String {
    format!("/classes/{class}/lessons/{date}/{period}")
}

/// A student's line on the roll-call page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterLine {
    /// The student.
    pub student_id: StudentId,
    /// Mã học sinh.
    pub code: String,
    /// Name.
    pub full_name: String,
    /// The status recorded (present when none yet).
    pub status: Status,
    /// The remark recorded.
    pub note: Option<String>,
}

/// A change of a roll call after its first take (from `roll_call_changes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollCallChange {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: String,
    /// The students whose state changed: name, before, after.
    pub changes: Vec<(String, Status, Status)>,
}

/// The roll call a plain form sends: `s<student id>` = a status code for each student shown,
/// `n<student id>` = a remark. Other fields are ignored; a bad status or id is a 422 naming the
/// field.
pub fn roll_call_from_form(fields: &[(String, String)]) -> Result<RollCallInput, crate::Error> {
    let mut statuses: Vec<(StudentId, Status)> = Vec::new();
    let mut notes: std::collections::HashMap<StudentId, String> = Default::default();
    let mut errs = crate::error::FieldErrors::new();
    for (name, value) in fields {
        let (kind, id) = match name.split_at_checked(1) {
            Some((k @ ("s" | "n"), id)) => (k, id),
            _ => continue,
        };
        let Ok(id) = id.parse::<i64>().map(StudentId) else {
            continue;
        };
        if kind == "s" {
            match Status::parse(value.trim()) {
                Some(st) => statuses.push((id, st)),
                None => errs.add(name, crate::Msg::new("validation.status")),
            }
        } else if !value.trim().is_empty() {
            notes.insert(id, value.clone());
        }
    }
    errs.finish()?;
    Ok(RollCallInput {
        entries: statuses
            .into_iter()
            .map(|(student_id, status)| RollCallEntry {
                student_id,
                status,
                note: notes.remove(&student_id),
            })
            .collect(),
        // A plain form is sent as it is saved: its arrival is when it was taken.
        taken_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_time_counts_when_it_is_plausible() {
        let starts = 1_000_000;
        let now = starts + 3_600;
        assert_eq!(capture_time(None, now, starts), Ok(None));
        assert_eq!(capture_time(Some("  "), now, starts), Ok(None));
        let at = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
                .to_rfc3339()
        };
        assert_eq!(
            capture_time(Some(&at(now - 60)), now, starts),
            Ok(Some(now - 60))
        );
        assert_eq!(
            capture_time(Some(&at(now + 120)), now, starts),
            Ok(Some(now + 120))
        );
        let key = |r: Result<Option<i64>, crate::Msg>| r.unwrap_err().key;
        assert_eq!(
            key(capture_time(Some(&at(now + 121)), now, starts)),
            "roll_call.taken_at_future"
        );
        assert_eq!(
            key(capture_time(Some(&at(starts - 1)), now, starts)),
            "roll_call.taken_at_before_lesson"
        );
        let later = starts + 8 * 24 * 3600;
        assert_eq!(
            key(capture_time(Some(&at(starts + 10)), later, starts)),
            "roll_call.taken_at_too_old"
        );
        assert_eq!(
            key(capture_time(Some("hôm qua"), now, starts)),
            "roll_call.taken_at_format"
        );
        // Taken early, before the lesson starts, and sent at once: a clock a minute behind is
        // fine; the same time sent after the lesson started is not.
        let early = starts - 600;
        assert_eq!(
            capture_time(Some(&at(early - 60)), early, starts),
            Ok(Some(early - 60))
        );
        assert!(capture_time(Some(&at(early - 60)), now, starts).is_err());
        // A browser's `Date.toISOString()`.
        assert!(capture_time(Some("1970-01-12T14:46:40.000Z"), now, starts).is_ok());
    }

    #[test]
    fn a_tap_cycles_through_every_status() {
        let mut s = Status::Present;
        let mut seen = vec![];
        for _ in 0..4 {
            seen.push(s);
            s = s.next();
        }
        assert_eq!(seen, Status::ALL);
        assert_eq!(s, Status::Present);
        for st in Status::ALL {
            assert_eq!(Status::parse(st.as_str()), Some(st));
        }
        assert_eq!(Status::parse("absent"), None);
    }

    #[test]
    fn every_status_has_a_name() {
        for st in Status::ALL {
            assert!(crate::i18n::has_key(st.label_key()));
            assert!(crate::i18n::has_key(st.short_key()));
        }
    }

    #[test]
    fn a_roll_call_form_reads_statuses_and_notes() {
        let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let r = roll_call_from_form(&f(&[
            ("class", "3"),
            ("s11", "present"),
            ("n11", ""),
            ("s12", "late"),
            ("n12", "Xe buýt đến muộn"),
            ("s13", "unexcused"),
        ]))
        .unwrap();
        assert_eq!(r.entries.len(), 3);
        assert_eq!(r.entries[1].status, Status::Late);
        assert_eq!(r.entries[1].note.as_deref(), Some("Xe buýt đến muộn"));
        assert_eq!(r.entries[0].note, None);
        let e = roll_call_from_form(&f(&[("s11", "absent")])).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Validation);
    }
}
