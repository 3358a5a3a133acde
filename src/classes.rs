//! School years, classes and their students: the records a school keeps about who is taught
//! where (plain Rust, also compiled to wasm, so the UI and the services share the types).

use crate::ids::{ClassId, SchoolId, StudentId, UserId, YearId};
use crate::lessons::Lesson;
use crate::text::fold;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(crate::timetable::weekday_number(d(2026, 12, 7)), 1);
        assert_eq!(crate::timetable::weekday_number(d(2026, 12, 6)), 7);
    }

    #[test]
    fn genders() {
        assert_eq!(Gender::parse("Nữ"), Some(Gender::Nu));
        assert_eq!(Gender::parse("NAM"), Some(Gender::Nam));
        assert_eq!(Gender::parse("x"), None);
    }

    #[test]
    fn every_gender_has_a_name() {
        for g in [Gender::Nam, Gender::Nu] {
            assert!(crate::i18n::has_key(g.label_key()));
        }
    }
}
