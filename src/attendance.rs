//! Attendance reports: the lessons missing a roll call, a class's attendance over a range, and
//! each school's share of lessons whose roll was taken on time.

use crate::ids::{ClassId, SchoolId, StudentId, UserId};
use crate::roll_calls::Counts;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    /// An enrolled school (or one with classes) without a timetabled lesson in the range: the
    /// timetable is missing, listed first.
    #[serde(default)]
    pub no_timetable: bool,
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
