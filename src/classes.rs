//! Classes, students, timetables and roll calls: the records a school keeps about its teaching,
//! and what the pages show of them (plain Rust, also compiled to wasm, so the UI and the
//! services share the types).
//!
//! A *lesson* is class × date × period: it exists when the timetable version of the class in
//! force on that date has the period on that weekday and the day is not a holiday. A roll call
//! belongs to one lesson.

use crate::ids::{ClassId, SchoolId, StudentId, UserId, YearId};
use crate::text::fold;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The subjects (môn học) of the Vietnamese curriculum, by code (API.md, under Materials).
pub const SUBJECTS: [&str; 25] = [
    "tieng_viet",
    "toan",
    "ngu_van",
    "ngoai_ngu",
    "dao_duc",
    "tu_nhien_xa_hoi",
    "khoa_hoc",
    "khtn",
    "lich_su",
    "dia_ly",
    "lich_su_dia_ly",
    "gdcd",
    "gdktpl",
    "vat_ly",
    "hoa_hoc",
    "sinh_hoc",
    "cong_nghe",
    "tin_hoc",
    "gdtc",
    "gdqp",
    "am_nhac",
    "my_thuat",
    "hdtn",
    "gddp",
    "khac",
];

/// Parses a subject: its code, or its name as a timetable spreadsheet writes it (`Toán`,
/// `Ngữ văn`, `Tiếng Anh`, `Thể dục`; case and diacritics ignored).
pub fn parse_subject(s: &str) -> Option<&'static str> {
    let key = fold(s).replace(['_', '-'], " ");
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(code) = SUBJECTS.iter().find(|c| c.replace('_', " ") == key) {
        return Some(code);
    }
    // Its name as the UI shows it, in either language (the timetable page offers those).
    if let Some(code) = SUBJECTS.iter().find(|c| {
        [crate::Lang::Vi, crate::Lang::En]
            .into_iter()
            .any(|l| fold(crate::i18n::t(l, &subject_label_key(c))) == key)
    }) {
        return Some(code);
    }
    Some(match key.as_str() {
        "tieng viet" => "tieng_viet",
        "toan hoc" | "math" | "maths" | "mathematics" => "toan",
        "van" | "ngu van" | "literature" => "ngu_van",
        "tieng anh" | "anh van" | "ngoai ngu 1" | "english" | "foreign language" => "ngoai_ngu",
        "dao duc" | "ethics" => "dao_duc",
        "tu nhien va xa hoi" | "tnxh" => "tu_nhien_xa_hoi",
        "khoa hoc" | "science" => "khoa_hoc",
        "khoa hoc tu nhien" | "natural science" => "khtn",
        "lich su" | "su" | "history" => "lich_su",
        "dia ly" | "dia li" | "dia" | "geography" => "dia_ly",
        "lich su va dia ly" | "lich su va dia li" | "ls&dl" | "ls dl" => "lich_su_dia_ly",
        "giao duc cong dan" | "civics" => "gdcd",
        "giao duc kinh te va phap luat" => "gdktpl",
        "vat li" | "ly" | "li" | "physics" => "vat_ly",
        "hoa" | "chemistry" => "hoa_hoc",
        "sinh" | "biology" => "sinh_hoc",
        "technology" => "cong_nghe",
        "tin" | "informatics" | "computing" => "tin_hoc",
        "the duc" | "giao duc the chat" | "physical education" | "pe" => "gdtc",
        "giao duc quoc phong" | "giao duc quoc phong va an ninh" | "gdqp an" => "gdqp",
        "music" => "am_nhac",
        "mi thuat" | "art" | "fine arts" => "my_thuat",
        "hoat dong trai nghiem" | "hdtn hn" | "chao co" | "sinh hoat lop" => "hdtn",
        "giao duc dia phuong" | "local education" => "gddp",
        "other" => "khac",
        _ => return None,
    })
}

/// The translation key of a subject's name.
pub fn subject_label_key(code: &str) -> String {
    format!("subject.{code}")
}

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

/// A student's gender as the school's records write it (`Nam` / `Nữ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Nam.
    Nam,
    /// Nữ.
    Nu,
}

impl Gender {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Nam => "nam",
            Gender::Nu => "nu",
        }
    }

    /// Parses `Nam` / `Nữ` (any case, with or without diacritics) or `male` / `female`.
    pub fn parse(s: &str) -> Option<Gender> {
        match fold(s).trim() {
            "nam" | "male" | "m" => Some(Gender::Nam),
            "nu" | "female" | "f" => Some(Gender::Nu),
            _ => None,
        }
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Gender::Nam => "gender.nam",
            Gender::Nu => "gender.nu",
        }
    }
}

/// A school year and its two terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SchoolYear {
    /// Id.
    pub id: YearId,
    /// The school.
    pub school_id: SchoolId,
    /// `2026-2027`.
    pub name: String,
    /// The first day (học kỳ I starts).
    pub starts: NaiveDate,
    /// The first day of học kỳ II.
    pub term2_starts: NaiveDate,
    /// The last day.
    pub ends: NaiveDate,
}

impl SchoolYear {
    /// The usual dates of a year named `YYYY-YYYY` (API.md: early September to the end of May;
    /// học kỳ II from mid-January), or `None` when the name is not two consecutive years.
    pub fn usual_dates(name: &str) -> Option<(NaiveDate, NaiveDate, NaiveDate)> {
        let (a, b) = name.trim().split_once('-')?;
        let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        if b != a + 1 || !(2000..=2100).contains(&a) {
            return None;
        }
        Some((
            NaiveDate::from_ymd_opt(a, 9, 5)?,
            NaiveDate::from_ymd_opt(b, 1, 12)?,
            NaiveDate::from_ymd_opt(b, 5, 31)?,
        ))
    }

    /// The name of the year a day falls in (a year runs from August to July).
    pub fn name_of(day: NaiveDate) -> String {
        let a = if day.month() >= 8 {
            day.year()
        } else {
            day.year() - 1
        };
        format!("{a}-{}", a + 1)
    }

    /// Whether the day is in the year.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts <= day && day <= self.ends
    }

    /// The term (1 or 2) of a day of the year.
    pub fn term_of(&self, day: NaiveDate) -> u8 {
        if day < self.term2_starts { 1 } else { 2 }
    }
}

/// A class of a school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Class {
    /// Id.
    pub id: ClassId,
    /// The school.
    pub school_id: SchoolId,
    /// `6A1`.
    pub name: String,
    /// Khối 0–12 (0 = preschool).
    pub grade: i64,
    /// `2026-2027`.
    pub school_year: String,
    /// The homeroom teacher (giáo viên chủ nhiệm).
    pub homeroom_teacher_id: Option<UserId>,
    /// Their name.
    pub homeroom_teacher_name: Option<String>,
    /// Students in the class today.
    pub students: i64,
}

/// A new class (API.md `{name, grade, school_year, homeroom_teacher_id?}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClassInput {
    /// `6A1`.
    pub name: String,
    /// Khối 0–12.
    pub grade: i64,
    /// `2026-2027`.
    pub school_year: String,
    /// The homeroom teacher.
    #[serde(default)]
    pub homeroom_teacher_id: Option<UserId>,
}

/// A student with their class today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Student {
    /// Id.
    pub id: StudentId,
    /// The school.
    pub school_id: SchoolId,
    /// The code in the school's records (mã học sinh).
    pub code: String,
    /// Full name, NFC.
    pub full_name: String,
    /// Nam / Nữ.
    pub gender: Option<Gender>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
}

/// One cell of a timetable: on this weekday (1 = Monday … 7 = Sunday) and period, this subject
/// with this teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimetableItem {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// The period number.
    pub period: i64,
    /// A subject code.
    pub subject: String,
    /// The teacher.
    pub teacher_id: UserId,
    /// Their name (in answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_name: Option<String>,
}

/// A class's timetable in force on a day, with the dates its versions start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Timetable {
    /// The class.
    pub class_id: ClassId,
    /// The day asked about.
    pub on: NaiveDate,
    /// The first day of the version in force (`None`: no timetable yet).
    pub from: Option<NaiveDate>,
    /// Every version's first day, oldest first.
    pub versions: Vec<NaiveDate>,
    /// The cells, by weekday then period.
    pub items: Vec<TimetableItem>,
}

/// A timetable as sent (API.md `{"items": [...], "from"?}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimetableInput {
    /// The cells.
    pub items: Vec<TimetableItemInput>,
    /// `YYYY-MM-DD`: a new version from that day; absent: the whole school year.
    #[serde(default)]
    pub from: Option<String>,
}

/// A cell as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TimetableItemInput {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// The period number.
    pub period: i64,
    /// A subject code.
    pub subject: String,
    /// The teacher.
    pub teacher_id: UserId,
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

/// A lesson the school timetabled with no roll call (API.md missing report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MissingRollCall {
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// The lesson's day.
    pub date: NaiveDate,
    /// The period.
    pub period: i64,
    /// The subject code.
    pub subject: String,
    /// The timetabled teacher.
    pub teacher_id: UserId,
    /// Their name.
    pub teacher_name: String,
}

/// One student's attendance over a range (API.md summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct StudentAttendance {
    /// The student.
    pub student_id: StudentId,
    /// Mã học sinh.
    pub code: String,
    /// Name.
    pub full_name: String,
    /// Lessons with a roll call while the student was in the class.
    pub lessons: i64,
    /// Per status.
    pub counts: Counts,
    /// Absences (excused or not) per lesson, 0–100 with one decimal.
    pub absence_rate: f64,
}

/// A class's attendance over a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AttendanceSummary {
    /// The class.
    pub class_id: ClassId,
    /// From (inclusive).
    pub from: NaiveDate,
    /// To (inclusive).
    pub to: NaiveDate,
    /// Roll calls taken in the range.
    pub roll_calls: i64,
    /// Per student, by name.
    pub students: Vec<StudentAttendance>,
}

/// A school's share of lessons whose roll was taken on time (the department's view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SchoolOnTime {
    /// The school.
    pub school_id: SchoolId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Timetabled lessons in the range (to today).
    pub lessons: i64,
    /// Of which the roll was taken on time.
    pub on_time: i64,
    /// `on_time / lessons` in percent, one decimal.
    pub percent: f64,
}

/// The timetable page of a class: the timetable in force on a day, the school's periods, and
/// for the school's administrators the staff to pick teachers from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimetableEditor {
    /// The class.
    pub class: Class,
    /// Its school year.
    pub year: SchoolYear,
    /// The timetable in force on the day asked about, with its versions.
    pub timetable: Timetable,
    /// The period numbers of the school's grid.
    pub periods: Vec<i64>,
    /// Whether the caller may change it.
    pub manage: bool,
    /// The school's staff (empty unless `manage`).
    pub staff: Vec<StaffMember>,
}

/// One cell of the timetable page's form, as typed: on `weekday` and `period`, a subject (code
/// or name) and a teacher (username or full name); both empty means no lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellText {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// The period.
    pub period: i64,
    /// Subject as typed.
    pub subject: String,
    /// Teacher as typed.
    pub teacher: String,
}

impl CellText {
    /// The form field of a cell's subject: `s<weekday>-<period>`.
    pub fn subject_field(weekday: i64, period: i64) -> String {
        format!("s{weekday}-{period}")
    }

    /// The form field of a cell's teacher: `t<weekday>-<period>`.
    pub fn teacher_field(weekday: i64, period: i64) -> String {
        format!("t{weekday}-{period}")
    }

    /// Cells as one string (for a page's query after an error): control characters separate
    /// the parts, which no typed value keeps.
    pub fn encode_all(cells: &[CellText]) -> String {
        cells
            .iter()
            .map(|c| {
                let clean = |s: &str| s.replace(['\u{1e}', '\u{1f}'], " ");
                format!(
                    "{}-{}\u{1f}{}\u{1f}{}",
                    c.weekday,
                    c.period,
                    clean(&c.subject),
                    clean(&c.teacher)
                )
            })
            .collect::<Vec<_>>()
            .join("\u{1e}")
    }

    /// [`CellText::encode_all`] read back; what does not parse is left out.
    pub fn decode_all(s: &str) -> Vec<CellText> {
        s.split('\u{1e}')
            .filter_map(|c| {
                let mut parts = c.split('\u{1f}');
                let (w, p) = parts.next()?.split_once('-')?;
                Some(CellText {
                    weekday: w.parse().ok()?,
                    period: p.parse().ok()?,
                    subject: parts.next()?.to_owned(),
                    teacher: parts.next()?.to_owned(),
                })
            })
            .collect()
    }
}

/// The cells of the timetable page's form (`s<weekday>-<period>` / `t<weekday>-<period>`), by
/// weekday and period; fields of other names are ignored, cells left empty are left out.
pub fn cells_from_form(fields: &[(String, String)]) -> Vec<CellText> {
    let mut cells: std::collections::BTreeMap<(i64, i64), CellText> = Default::default();
    for (name, value) in fields {
        let (kind, rest) = name.split_at(name.len().min(1));
        let Some((w, p)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(weekday), Ok(period)) = (w.parse::<i64>(), p.parse::<i64>()) else {
            continue;
        };
        let cell = cells.entry((weekday, period)).or_insert_with(|| CellText {
            weekday,
            period,
            subject: String::new(),
            teacher: String::new(),
        });
        match kind {
            "s" => cell.subject = value.trim().to_owned(),
            "t" => cell.teacher = value.trim().to_owned(),
            _ => {}
        }
    }
    cells
        .into_values()
        .filter(|c| !c.subject.is_empty() || !c.teacher.is_empty())
        .collect()
}

/// A member of a school's staff, as forms offer them (homeroom teacher, timetable teacher).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// The account.
    pub id: UserId,
    /// Its username.
    pub username: String,
    /// Full name.
    pub full_name: String,
}

/// The classes page: a school's classes of a year, and what the caller may do there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassesOverview {
    /// The school.
    pub school_id: SchoolId,
    /// The year shown (`2026-2027`).
    pub year: String,
    /// The school's years, newest first.
    pub years: Vec<SchoolYear>,
    /// Its classes, by grade and name.
    pub classes: Vec<Class>,
    /// Whether the caller runs the school (adds classes, imports rosters and timetables).
    pub manage: bool,
    /// The school's staff (for the forms; empty unless `manage`).
    pub staff: Vec<StaffMember>,
}

/// A class's page: its week of lessons, its roster today and what the caller may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassView {
    /// The class.
    pub class: Class,
    /// Its school year.
    pub year: SchoolYear,
    /// Monday of the week shown.
    pub monday: NaiveDate,
    /// Today, school time (lessons after it have no roll call yet).
    pub today: NaiveDate,
    /// The week's lessons with their roll-call states.
    pub lessons: Vec<Lesson>,
    /// The students in the class today (or on the year's last day once it is over).
    pub students: Vec<Student>,
    /// Whether the caller runs the school (roster changes).
    pub manage: bool,
    /// The year's other classes (move targets; empty unless `manage`).
    pub other_classes: Vec<Class>,
}

/// `part` of `whole` in percent with one decimal (0 when `whole` is 0).
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The usual absence threshold of the attendance reports, in percent of lessons (Vietnamese
/// schools watch students who miss a fifth of their lessons).
pub const ABSENCE_THRESHOLD: f64 = 20.0;

impl AttendanceSummary {
    /// Whether a student's absences reach `threshold` percent of their lessons (a student with
    /// no lesson in the range never does).
    pub fn is_over(s: &StudentAttendance, threshold: f64) -> bool {
        s.lessons > 0 && s.absence_rate >= threshold
    }

    /// The students whose absences reach `threshold` percent, by name.
    pub fn over_threshold(&self, threshold: f64) -> Vec<&StudentAttendance> {
        self.students
            .iter()
            .filter(|s| Self::is_over(s, threshold))
            .collect()
    }
}

/// One lesson of a teacher's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Lesson {
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// The day.
    pub date: NaiveDate,
    /// The period.
    pub period: i64,
    /// Bell times (`07:00`–`07:45`), when the school's grid has the period.
    pub starts: Option<String>,
    /// End.
    pub ends: Option<String>,
    /// Subject code.
    pub subject: String,
    /// The timetabled teacher.
    pub teacher_id: UserId,
    /// Their name.
    pub teacher_name: String,
    /// The roll call's counts once taken.
    pub roll_call: Option<Counts>,
    /// Devices booked for this class and period (names, with units for a pool).
    pub devices: Vec<String>,
    /// Materials attached to the lesson (those the viewer may see).
    #[serde(default)]
    pub materials: Vec<MaterialRef>,
}

/// A material as a lesson lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MaterialRef {
    /// The material.
    pub id: crate::ids::MaterialId,
    /// Its title.
    pub title: String,
}

impl Lesson {
    /// The page of the lesson's roll call.
    pub fn roll_call_href(&self) -> String {
        roll_call_href(self.class_id, self.date, self.period)
    }
}

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

/// A change of a roll call, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollCallChange {
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: String,
    /// The students whose state changed: name, before, after.
    pub changes: Vec<(String, Status, Status)>,
}

/// What the roll-call page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollCallView {
    /// The lesson.
    pub lesson: Lesson,
    /// The class's students on that day, by name.
    pub students: Vec<RosterLine>,
    /// The roll call, once taken.
    pub roll_call: Option<RollCall>,
    /// Whether the caller may take or change it now.
    pub may_write: bool,
    /// Earlier versions, newest first.
    pub history: Vec<RollCallChange>,
}

/// The weekday number (1 = Monday … 7 = Sunday) of a day.
pub fn weekday_number(d: NaiveDate) -> i64 {
    i64::from(d.weekday().number_from_monday())
}

/// A school day as timetables write it — `Thứ 2`…`Thứ 7`, `T2`…`T7`, `CN` / `Chủ nhật`, or the
/// English names (`Mon`, `Monday`…) — as 1 (Monday) … 7 (Sunday). A bare number is refused: in
/// Vietnamese "2" is Monday, in ISO it is Tuesday.
pub fn parse_day(s: &str) -> Option<i64> {
    let key: String = fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    let vn = key
        .strip_prefix("thu ")
        .or_else(|| key.strip_prefix('t'))
        .and_then(|n| n.trim().parse::<i64>().ok())
        .filter(|n| (2..=7).contains(n))
        .map(|n| n - 1);
    vn.or(match key.as_str() {
        "cn" | "chu nhat" => Some(7),
        "mon" | "monday" => Some(1),
        "tue" | "tuesday" => Some(2),
        "wed" | "wednesday" => Some(3),
        "thur" | "thurs" | "thursday" => Some(4),
        "fri" | "friday" => Some(5),
        "sat" | "saturday" => Some(6),
        "sun" | "sunday" => Some(7),
        _ => None,
    })
}

/// The header of a school's timetable CSV: one line per lesson of a week.
pub const TIMETABLE_CSV_HEADER: [&str; 5] = ["class", "day", "period", "subject", "teacher"];

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
    fn the_timetable_form_gives_its_cells() {
        let f = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let cells = cells_from_form(&[
            f("class", "3"),
            f("s1-2", " Toán "),
            f("t1-2", "gv.lan"),
            f("s2-1", ""),
            f("t2-1", ""),
            f("s3-1", "Tin học"),
            f("from", "07/12/2026"),
            f("sx-1", "?"),
        ]);
        assert_eq!(
            cells,
            [
                CellText {
                    weekday: 1,
                    period: 2,
                    subject: "Toán".into(),
                    teacher: "gv.lan".into()
                },
                CellText {
                    weekday: 3,
                    period: 1,
                    subject: "Tin học".into(),
                    teacher: String::new()
                },
            ]
        );
        assert_eq!(CellText::decode_all(&CellText::encode_all(&cells)), cells);
        assert!(CellText::decode_all("").is_empty());
    }

    #[test]
    fn days_as_timetables_write_them() {
        for (s, d) in [
            ("Thứ 2", 1),
            ("thu 7", 6),
            ("T3", 2),
            ("CN", 7),
            ("Chủ nhật", 7),
            ("Mon", 1),
            ("friday", 5),
        ] {
            assert_eq!(parse_day(s), Some(d), "{s}");
        }
        for s in ["2", "1", "Thứ 8", "T1", "", "thứ", "someday"] {
            assert_eq!(parse_day(s), None, "{s}");
        }
    }

    #[test]
    fn subjects_are_read_as_spreadsheets_write_them() {
        assert_eq!(parse_subject("toan"), Some("toan"));
        assert_eq!(parse_subject("Toán"), Some("toan"));
        assert_eq!(parse_subject("Ngữ văn"), Some("ngu_van"));
        assert_eq!(parse_subject("Tiếng Anh"), Some("ngoai_ngu"));
        assert_eq!(parse_subject("Địa lí"), Some("dia_ly"));
        assert_eq!(parse_subject("KHTN"), Some("khtn"));
        assert_eq!(parse_subject("Lịch sử và Địa lý"), Some("lich_su_dia_ly"));
        assert_eq!(parse_subject("Vẽ tranh"), None);
        assert_eq!(parse_subject(""), None);
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
    fn school_years() {
        let (a, b, c) = SchoolYear::usual_dates("2026-2027").unwrap();
        assert_eq!(a, NaiveDate::from_ymd_opt(2026, 9, 5).unwrap());
        assert_eq!(b, NaiveDate::from_ymd_opt(2027, 1, 12).unwrap());
        assert_eq!(c, NaiveDate::from_ymd_opt(2027, 5, 31).unwrap());
        assert!(SchoolYear::usual_dates("2026-2028").is_none());
        assert!(SchoolYear::usual_dates("2026").is_none());
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(SchoolYear::name_of(d(2026, 12, 2)), "2026-2027");
        assert_eq!(SchoolYear::name_of(d(2027, 3, 1)), "2026-2027");
        assert_eq!(SchoolYear::name_of(d(2026, 8, 20)), "2026-2027");
        assert_eq!(weekday_number(d(2026, 12, 7)), 1);
        assert_eq!(weekday_number(d(2026, 12, 6)), 7);
    }

    #[test]
    fn every_subject_status_and_gender_has_a_name() {
        for code in SUBJECTS {
            assert!(crate::i18n::has_key(&subject_label_key(code)), "{code}");
            for l in [crate::Lang::Vi, crate::Lang::En] {
                let name = crate::i18n::t(l, &subject_label_key(code));
                assert_eq!(parse_subject(name), Some(code), "{name}");
            }
        }
        for st in Status::ALL {
            assert!(crate::i18n::has_key(st.label_key()));
            assert!(crate::i18n::has_key(st.short_key()));
        }
        for g in [Gender::Nam, Gender::Nu] {
            assert!(crate::i18n::has_key(g.label_key()));
        }
    }

    #[test]
    fn genders() {
        assert_eq!(Gender::parse("Nữ"), Some(Gender::Nu));
        assert_eq!(Gender::parse("NAM"), Some(Gender::Nam));
        assert_eq!(Gender::parse("x"), None);
    }
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
mod form_tests {
    use super::*;

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
