//! The digital class log (sổ đầu bài số). For each lesson (class × day × period) the teacher
//! writes the lesson title, the syllabus period number (tiết PPCT), remarks and a grade for the
//! class, and signs within [`SIGN_GRACE_MINUTES`] of the period's end; the absentees come from
//! the roll call. Each week is closed by the homeroom teacher, then by the principal (a school
//! administrator); a closed week is read-only and changed only by an approved correction, shown
//! next to the original. Every signature, closing, correction and approval is a record of a
//! hash chain per class (a class belongs to one school year), so an edit made behind the
//! service's back is found by `lophoc log verify` and the verification page.
//!
//! This module holds the types and the pure rules; the service is `services::class_log`.

use crate::ids::{ClassId, SchoolId, StudentId, UserId};
use crate::roll_calls::Status;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Minutes after the period's end within which a signature is on time (Ho Chi Minh City's rule:
/// no later than 5 minutes after the period).
pub const SIGN_GRACE_MINUTES: i64 = 5;
/// The longest lesson title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest remarks, in characters.
pub const MAX_REMARKS: usize = 1000;
/// The longest reason of a correction, in characters.
pub const MAX_REASON: usize = 500;
/// The highest syllabus period number (tiết PPCT) accepted.
pub const MAX_PPCT: i64 = 999;
/// Periods missed in a school year after which a pupil may not move up (Thông tư 22/2021: 45).
pub const YEAR_ABSENCE_LIMIT: i64 = 45;
/// Consecutive school days absent that the homeroom teacher must follow up.
pub const CONSECUTIVE_DAYS_LIMIT: i64 = 3;

/// The class's grade for a lesson (xếp loại tiết học).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Grade {
    /// Tốt.
    A,
    /// Khá.
    B,
    /// Trung bình.
    C,
    /// Yếu.
    D,
}

impl Grade {
    /// Every grade, best first.
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];

    /// `A`…`D`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// From `A`…`D` (either case, spaces trimmed).
    pub fn parse(s: &str) -> Option<Grade> {
        match s.trim() {
            "A" | "a" => Some(Grade::A),
            "B" | "b" => Some(Grade::B),
            "C" | "c" => Some(Grade::C),
            "D" | "d" => Some(Grade::D),
            _ => None,
        }
    }

    /// The key of its word (Tốt, Khá, Trung bình, Yếu).
    pub fn label_key(self) -> &'static str {
        match self {
            Grade::A => "log.grade_a",
            Grade::B => "log.grade_b",
            Grade::C => "log.grade_c",
            Grade::D => "log.grade_d",
        }
    }
}

/// Where a lesson's log entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LogState {
    /// Not signed (yet): a lesson over and unsigned counts as missing.
    Unsigned,
    /// Signed within the grace minutes.
    Signed,
    /// Signed after them (`late_minutes` says by how much).
    Late,
    /// Its week is closed: read-only; changed only by an approved correction.
    Closed,
}

impl LogState {
    /// `unsigned`, `signed`, `late`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogState::Unsigned => "unsigned",
            LogState::Signed => "signed",
            LogState::Late => "late",
            LogState::Closed => "closed",
        }
    }

    /// The key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            LogState::Unsigned => "log.state_unsigned",
            LogState::Signed => "log.state_signed",
            LogState::Late => "log.state_late",
            LogState::Closed => "log.state_closed",
        }
    }
}

/// How a signature stands against its deadline, the week not considered.
pub fn signature_state(signed: bool, late_minutes: Option<i64>) -> LogState {
    match (signed, late_minutes) {
        (false, _) => LogState::Unsigned,
        (true, Some(m)) if m > 0 => LogState::Late,
        (true, _) => LogState::Signed,
    }
}

/// Whole minutes a signature at `signed_at` came after `deadline` (unix seconds), rounded up;
/// 0 when on time.
pub fn late_minutes(signed_at: i64, deadline: i64) -> i64 {
    let over = signed_at - deadline;
    if over <= 0 { 0 } else { (over + 59) / 60 }
}

/// A pupil absent from a lesson, as the roll call has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Absentee {
    /// The pupil.
    pub student_id: StudentId,
    /// Their name.
    pub full_name: String,
    /// `excused` (có phép) or `unexcused` (không phép).
    pub status: Status,
}

/// A log entry as sent (API `PUT …/lessons/{date}/{period}/log`): every field checked by the
/// service, each bad one a 422 naming it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LogInput {
    /// The lesson title (tên bài), 1–[`MAX_TITLE`] characters.
    pub title: String,
    /// Tiết PPCT: the syllabus period number, 1–[`MAX_PPCT`].
    #[serde(default)]
    pub ppct: Option<i64>,
    /// Remarks (nhận xét), at most [`MAX_REMARKS`] characters.
    #[serde(default)]
    pub remarks: Option<String>,
    /// `A`…`D`.
    #[serde(default)]
    pub grade: Option<String>,
}

/// A signature as sent (API `POST …/log/sign`): the time the teacher signed on their device
/// when it was sent later (offline), RFC 3339; judged like a roll call's capture time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SignInput {
    /// When the teacher signed, if not now.
    #[serde(default)]
    pub signed_at: Option<String>,
}

/// A lesson's log entry (API `GET …/lessons/{date}/{period}/log`). A lesson never written has
/// an empty title and no signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LogEntry {
    /// The class.
    pub class_id: ClassId,
    /// The day.
    pub date: NaiveDate,
    /// The period.
    pub period: i64,
    /// The subject code the timetable has.
    pub subject: String,
    /// The timetabled teacher.
    pub teacher_id: UserId,
    /// Their name.
    pub teacher_name: String,
    /// The lesson title (empty until written).
    pub title: String,
    /// Tiết PPCT.
    pub ppct: Option<i64>,
    /// Remarks.
    pub remarks: Option<String>,
    /// The class's grade.
    pub grade: Option<Grade>,
    /// The absentees: from the roll call, frozen at signing.
    pub absentees: Vec<Absentee>,
    /// Who signed.
    pub signed_by: Option<UserId>,
    /// Their name.
    pub signed_by_name: Option<String>,
    /// When they signed (RFC 3339; the device's time for a signature sent later).
    pub signed_at: Option<String>,
    /// When the signature reached the server, when it differs.
    pub received_at: Option<String>,
    /// Minutes after the deadline, for a late signature (0 on time).
    pub late_minutes: Option<i64>,
    /// Where it stands.
    pub state: LogState,
    /// The corrections filed after signing or closing, oldest first (the original stays).
    pub corrections: Vec<Correction>,
}

impl LogEntry {
    /// The content in force: the last approved correction's, else the entry's own.
    pub fn effective(&self) -> (&str, Option<i64>, Option<&str>, Option<Grade>) {
        match self
            .corrections
            .iter()
            .rev()
            .find(|c| c.approved_at.is_some())
        {
            Some(c) => (&c.title, c.ppct, c.remarks.as_deref(), c.grade),
            None => (&self.title, self.ppct, self.remarks.as_deref(), self.grade),
        }
    }
}

/// A correction as sent (API `POST /api/v1/classes/{id}/log/corrections`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CorrectionInput {
    /// The lesson's day, `YYYY-MM-DD`.
    pub date: String,
    /// The lesson's period.
    pub period: i64,
    /// Why (required), at most [`MAX_REASON`] characters.
    pub reason: String,
    /// The corrected entry.
    #[serde(flatten)]
    pub entry: LogInput,
}

/// A correction: a new version of an entry with a reason; in force once a school administrator
/// (the principal) approved it. Nothing is overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Correction {
    /// Id.
    pub id: i64,
    /// The class.
    pub class_id: ClassId,
    /// The lesson's day.
    pub date: NaiveDate,
    /// The lesson's period.
    pub period: i64,
    /// Why.
    pub reason: String,
    /// The corrected title.
    pub title: String,
    /// The corrected tiết PPCT.
    pub ppct: Option<i64>,
    /// The corrected remarks.
    pub remarks: Option<String>,
    /// The corrected grade.
    pub grade: Option<Grade>,
    /// Who asked for it.
    pub requested_by: UserId,
    /// Their name.
    pub requested_by_name: String,
    /// When (RFC 3339).
    pub requested_at: String,
    /// The administrator who approved it.
    pub approved_by: Option<UserId>,
    /// Their name.
    pub approved_by_name: Option<String>,
    /// When (RFC 3339); `None` while it waits.
    pub approved_at: Option<String>,
}

/// Who closed a week, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Closing {
    /// Who.
    pub by: UserId,
    /// Their name.
    pub by_name: String,
    /// When (RFC 3339).
    pub at: String,
}

/// The two closings of a class's week: the homeroom teacher's, then the principal's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct WeekClosing {
    /// The homeroom teacher's (first).
    pub homeroom: Option<Closing>,
    /// The principal's (second).
    pub principal: Option<Closing>,
}

impl WeekClosing {
    /// Read-only from the homeroom teacher's closing on.
    pub fn is_closed(&self) -> bool {
        self.homeroom.is_some()
    }
}

/// Which closing a caller may make now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CloseStep {
    /// The homeroom teacher's.
    Homeroom,
    /// The principal's.
    Principal,
}

impl CloseStep {
    /// `homeroom` or `principal`.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseStep::Homeroom => "homeroom",
            CloseStep::Principal => "principal",
        }
    }
}

/// One day of a class's log week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LogDay {
    /// The day.
    pub date: NaiveDate,
    /// The school's holiday, by name.
    pub holiday: Option<String>,
    /// One entry per timetabled lesson, by period.
    pub entries: Vec<LogEntry>,
}

/// A pupil's absences as the week's log shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PupilAbsences {
    /// The pupil.
    pub student_id: StudentId,
    /// Their name.
    pub full_name: String,
    /// Periods missed this week with leave (có phép).
    pub week_excused: i64,
    /// Periods missed this week without leave (không phép).
    pub week_unexcused: i64,
    /// Periods missed in the school year up to the week's end.
    pub year_periods: i64,
    /// The longest run of consecutive school days absent (every lesson of the day missed),
    /// reaching into this week.
    pub consecutive_days: i64,
    /// Over [`YEAR_ABSENCE_LIMIT`] in the year.
    pub over_year_limit: bool,
    /// At least [`CONSECUTIVE_DAYS_LIMIT`] days running.
    pub over_consecutive: bool,
}

/// A class's log week as the paper book shows it (API `GET /api/v1/classes/{id}/log?week=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LogWeek {
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// Its school.
    pub school_id: SchoolId,
    /// Its school's name.
    pub school_name: String,
    /// Its school year.
    pub school_year: String,
    /// Its homeroom teacher's name.
    pub homeroom_name: Option<String>,
    /// The week's Monday.
    pub monday: NaiveDate,
    /// The period numbers of the school's grid.
    pub periods: Vec<i64>,
    /// Monday to Saturday (and Sunday when it has lessons).
    pub days: Vec<LogDay>,
    /// The week's closings.
    pub closing: WeekClosing,
    /// The closing the caller may make now, if any.
    pub may_close: Option<CloseStep>,
    /// Whether the caller approves corrections (the school's administrators).
    pub may_approve: bool,
    /// The pupils absent at least once this week, and those over a threshold, by name.
    pub absences: Vec<PupilAbsences>,
    /// Lessons signed on time this week.
    pub signed_on_time: i64,
    /// Signed late.
    pub signed_late: i64,
    /// Over and unsigned.
    pub missing: i64,
    /// The hash of the class's last chain record (printed on the page: a copy on paper).
    pub chain_head: Option<String>,
    /// Today, school time.
    pub today: NaiveDate,
}

/// What a lesson's page shows of its log: the entry, what the form suggests, and what the
/// caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonLog {
    /// The entry (empty title until written).
    pub entry: LogEntry,
    /// The title suggested for an unwritten entry (the attached material's).
    pub suggested_title: Option<String>,
    /// Tiết PPCT suggested: the subject's last in the class + 1.
    pub suggested_ppct: Option<i64>,
    /// Whether the caller may write and sign it now.
    pub may_sign: bool,
    /// Whether the caller may file a correction (signed or closed).
    pub may_correct: bool,
    /// Whether its week is closed.
    pub week_closed: bool,
    /// The signing deadline (RFC 3339).
    pub deadline: String,
}

/// What a chain record stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A lesson signed.
    Sign,
    /// A week closed by the homeroom teacher.
    CloseHomeroom,
    /// A week closed by the principal.
    ClosePrincipal,
    /// A correction filed.
    Correction,
    /// A correction approved.
    Approve,
}

impl RecordKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Sign => "sign",
            RecordKind::CloseHomeroom => "close_homeroom",
            RecordKind::ClosePrincipal => "close_principal",
            RecordKind::Correction => "correction",
            RecordKind::Approve => "approve",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<RecordKind> {
        [
            RecordKind::Sign,
            RecordKind::CloseHomeroom,
            RecordKind::ClosePrincipal,
            RecordKind::Correction,
            RecordKind::Approve,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The key of its words.
    pub fn label_key(self) -> &'static str {
        match self {
            RecordKind::Sign => "log.kind_sign",
            RecordKind::CloseHomeroom => "log.kind_close_homeroom",
            RecordKind::ClosePrincipal => "log.kind_close_principal",
            RecordKind::Correction => "log.kind_correction",
            RecordKind::Approve => "log.kind_approve",
        }
    }
}

/// Why a chain no longer verifies at a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// The record's hash is not the hash of its content and the previous hash.
    HashMismatch,
    /// The record does not follow the previous one (its previous hash or number differs).
    LinkMismatch,
    /// The data the record covers (an entry, a closing, a correction) was changed afterwards.
    DataChanged,
    /// Signed data without its record (written behind the service's back).
    Unrecorded,
}

impl BreakReason {
    /// The key of its words.
    pub fn label_key(self) -> &'static str {
        match self {
            BreakReason::HashMismatch => "log.break_hash",
            BreakReason::LinkMismatch => "log.break_link",
            BreakReason::DataChanged => "log.break_data",
            BreakReason::Unrecorded => "log.break_unrecorded",
        }
    }
}

/// The first record of a class's chain that no longer matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BrokenChain {
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// The record's number in the chain (from 1; 0 for signed data without a record).
    pub seq: i64,
    /// What it stands for.
    pub kind: Option<RecordKind>,
    /// The lesson (`YYYY-MM-DD/period`) or week (`YYYY-MM-DD`) it covers.
    pub reference: String,
    /// Why.
    pub reason: BreakReason,
}

/// The verification of a school's log chains (API `GET /api/v1/schools/{id}/log/verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChainReport {
    /// The school.
    pub school_id: SchoolId,
    /// Its name.
    pub school_name: String,
    /// Classes with a chain.
    pub chains: i64,
    /// Records checked.
    pub records: i64,
    /// Every chain intact.
    pub intact: bool,
    /// The first bad record of each broken chain.
    pub broken: Vec<BrokenChain>,
    /// When checked (RFC 3339).
    pub checked_at: String,
}

/// A school's share of lessons signed on time (API `GET /api/v1/log/on-time`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SchoolLogOnTime {
    /// The school.
    pub school_id: SchoolId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Lessons over in the range (timetabled).
    pub lessons: i64,
    /// Signed on time.
    pub on_time: i64,
    /// Signed late.
    pub late: i64,
    /// Over and unsigned.
    pub missing: i64,
    /// On time ÷ lessons × 100, one decimal (0 without lessons).
    pub percent: f64,
    /// No timetabled lesson in the range.
    pub no_timetable: bool,
}

/// The Monday of `d`'s week.
pub fn week_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The page of a class's log week.
pub fn week_href(class: ClassId, monday: NaiveDate) -> String {
    format!("/classes/{class}/log?week={monday}")
}

/// The longest run of consecutive school days on which a pupil missed every lesson, among the
/// runs that reach `since` or later (a week's Monday: the runs that touch the week).
/// `school_days`: the days with lessons, in order (a day without lessons, a Sunday, does not
/// break a run); `absent_days`: the pupil's, sorted.
pub fn longest_absent_run(
    school_days: &[NaiveDate],
    absent_days: &[NaiveDate],
    since: NaiveDate,
) -> i64 {
    let mut best = 0;
    let mut run = 0;
    for d in school_days {
        if absent_days.binary_search(d).is_ok() {
            run += 1;
            if *d >= since {
                best = best.max(run);
            }
        } else {
            run = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn late_by_whole_minutes_rounded_up() {
        assert_eq!(late_minutes(1000, 1000), 0);
        assert_eq!(late_minutes(999, 1000), 0);
        assert_eq!(late_minutes(1001, 1000), 1);
        assert_eq!(late_minutes(1060, 1000), 1);
        assert_eq!(late_minutes(1061, 1000), 2);
        assert_eq!(signature_state(false, None), LogState::Unsigned);
        assert_eq!(signature_state(true, Some(0)), LogState::Signed);
        assert_eq!(signature_state(true, Some(3)), LogState::Late);
    }

    #[test]
    fn grades_and_kinds_round_trip() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.as_str()), Some(g));
        }
        assert_eq!(Grade::parse(" b "), Some(Grade::B));
        assert_eq!(Grade::parse("E"), None);
        for k in [
            RecordKind::Sign,
            RecordKind::CloseHomeroom,
            RecordKind::ClosePrincipal,
            RecordKind::Correction,
            RecordKind::Approve,
        ] {
            assert_eq!(RecordKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RecordKind::parse("edit"), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of(day("2026-12-07")), day("2026-12-07"));
        assert_eq!(week_of(day("2026-12-13")), day("2026-12-07"));
        assert_eq!(week_of(day("2026-12-14")), day("2026-12-14"));
    }

    #[test]
    fn absent_runs_skip_days_without_school() {
        let school = [
            day("2026-12-03"),
            day("2026-12-04"),
            day("2026-12-05"),
            day("2026-12-07"),
            day("2026-12-08"),
        ];
        // Thursday, Friday, Saturday, then Monday: the Sunday between does not break the run.
        let absent = [day("2026-12-04"), day("2026-12-05"), day("2026-12-07")];
        let monday = day("2026-12-07");
        assert_eq!(longest_absent_run(&school, &absent, monday), 3);
        // A run over before the week does not count for it.
        assert_eq!(longest_absent_run(&school, &[day("2026-12-03")], monday), 0);
        assert_eq!(
            longest_absent_run(&school, &[day("2026-12-03")], day("2026-12-01")),
            1
        );
        assert_eq!(longest_absent_run(&school, &[], monday), 0);
    }
}
