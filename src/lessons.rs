//! Lessons. A *lesson* is class × date × period: it exists when the timetable version of the
//! class in force on that date has the period on that weekday and the day is not a holiday. A
//! roll call belongs to one lesson; bookings and materials may be attached to it.

use crate::ids::{ClassId, UserId};
use crate::roll_calls::{Counts, RollCall, RollCallChange, RosterLine, roll_call_href};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

/// What a lesson's roll-call page shows: the lesson, its roll (once taken), who may change it,
/// and its history. It stands on the lesson and the roll call, so it lives here, above both.
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
    /// Why the caller only reads it, when they do.
    pub read_only: Option<ReadOnly>,
    /// Who may take it, by name (the substitute or the lesson's teacher, the homeroom
    /// teacher), besides the school's administrators.
    pub takers: Vec<String>,
    /// The substitute standing in on the lesson, by name, when one does.
    pub substitute: Option<String>,
    /// Today, school time (a lesson of another day links back to its class's week).
    pub today: NaiveDate,
    /// Earlier versions, newest first.
    pub history: Vec<RollCallChange>,
}

/// Why a roll-call page is read-only for its viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadOnly {
    /// The viewer is not one of those who take this lesson's roll (see `takers`).
    NotTaker,
    /// Taken, and a teacher changes a roll call only on the lesson's day: the school's
    /// administrators change it later.
    Closed,
}
/// Where a lesson's roll call stands in the teacher's week. One rule decides it
/// (`services::roll_calls::lessons::lesson_state`); pages only show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonState {
    /// Taken by the end of its period plus the grace minutes.
    OnTime,
    /// Taken after that.
    Late,
    /// Not taken (yet).
    NotTaken,
    /// A lesson of a later day.
    Future,
    /// A class without pupils: there is nobody to call.
    NotNeeded,
}

impl LessonState {
    /// The key of its label.
    pub fn label_key(self) -> &'static str {
        match self {
            LessonState::OnTime => "week.on_time",
            LessonState::Late => "week.late",
            LessonState::NotTaken => "roll.not_taken",
            LessonState::Future => "week.future",
            LessonState::NotNeeded => "week.not_needed",
        }
    }
}

/// Why the caller cannot take or change a lesson's roll call now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locked {
    /// The lesson's day has not come.
    NotYet,
    /// Taken on an earlier day: a teacher changes a roll call on the lesson's day only.
    Closed,
}

impl Locked {
    /// The key of the short phrase that says why.
    pub fn reason_key(self) -> &'static str {
        match self {
            Locked::NotYet => "week.locked_not_yet",
            Locked::Closed => "week.locked_closed",
        }
    }
}

/// One lesson of the teacher's week with its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekLesson {
    /// The lesson (with its counts once taken).
    pub lesson: Lesson,
    /// Where its roll call stands.
    pub state: LessonState,
    /// Why it cannot be taken or changed now, if so.
    pub locked: Option<Locked>,
}

/// One day of the teacher's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherDay {
    /// The day.
    pub date: NaiveDate,
    /// The school's holiday that day, by name.
    pub holiday: Option<String>,
    /// The lessons, by period.
    pub lessons: Vec<WeekLesson>,
}

/// A teacher's week: Monday to Saturday (and Sunday when it has lessons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherWeek {
    /// The week's Monday.
    pub monday: NaiveDate,
    /// Today, school time.
    pub today: NaiveDate,
    /// The days, Monday first.
    pub days: Vec<TeacherDay>,
}
