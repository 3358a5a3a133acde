//! Substitutes (dạy thay): the school's administrator assigns another teacher of the school to
//! a class's lessons of an absent teacher, one period on a day or every period of theirs over a
//! range of days. While it holds, the substitute takes those roll calls (and signs them); the
//! absent teacher still reads them.

use crate::ids::{ClassId, SubstituteId, UserId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 200;

/// A substitution as stored (API.md extension `GET /api/v1/classes/{id}/substitutes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Substitution {
    /// Id.
    pub id: SubstituteId,
    /// The class.
    pub class_id: ClassId,
    /// The first day covered.
    pub from: NaiveDate,
    /// The last day covered (the same as `from` for one day).
    pub to: NaiveDate,
    /// The one period covered; `null`: every period the absent teacher has in the class.
    pub period: Option<i64>,
    /// The absent teacher (the lessons' timetabled teacher).
    pub teacher_id: UserId,
    /// Their name.
    pub teacher_name: String,
    /// Who stands in.
    pub substitute_id: UserId,
    /// Their name.
    pub substitute_name: String,
    /// Why (sick leave, training…), when given.
    pub reason: Option<String>,
    /// The administrator who assigned it.
    pub assigned_by: UserId,
    /// When (RFC 3339).
    pub assigned_at: String,
}

impl Substitution {
    /// Whether it covers the lesson of its class on `date`, period `period`, timetabled for
    /// `teacher`.
    pub fn covers(&self, class: ClassId, date: NaiveDate, period: i64, teacher: UserId) -> bool {
        self.class_id == class
            && self.from <= date
            && date <= self.to
            && self.period.is_none_or(|p| p == period)
            && self.teacher_id == teacher
    }

    /// Whether two substitutions of one class would cover a lesson together: the same absent
    /// teacher, days in common and a period in common.
    pub fn overlaps(&self, other: &Substitution) -> bool {
        self.class_id == other.class_id
            && self.teacher_id == other.teacher_id
            && self.from <= other.to
            && other.from <= self.to
            && match (self.period, other.period) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// A substitution as sent (API.md extension `POST /api/v1/classes/{id}/substitutes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SubstituteInput {
    /// The first day, `YYYY-MM-DD` (or dd/mm/yyyy).
    pub from: String,
    /// The last day; absent: `from` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// One period; absent: every period of the absent teacher in the class those days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    /// The absent teacher; absent: the one teacher of the class's lessons those days (and in
    /// that period), refused when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_id: Option<UserId>,
    /// Who stands in: an active teacher of the school.
    pub substitute_id: UserId,
    /// Why, at most [`MAX_REASON`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The substitutes form as typed (every field text; empty = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubstituteForm {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// One period.
    pub period: String,
    /// The absent teacher's id.
    pub teacher: String,
    /// The substitute's id.
    pub substitute: String,
    /// Why.
    pub reason: String,
}

impl SubstituteForm {
    /// The input the form stands for: a number field that is not one is a 422 naming it (the
    /// API's names: `period`, `teacher_id`, `substitute_id`).
    pub fn input(&self) -> Result<SubstituteInput, crate::Error> {
        fn opt(s: &str) -> Option<&str> {
            Some(s.trim()).filter(|s| !s.is_empty())
        }
        fn number(errs: &mut crate::error::FieldErrors, field: &str, s: &str) -> Option<i64> {
            match opt(s).map(str::parse::<i64>) {
                Some(Ok(n)) => Some(n),
                Some(Err(_)) => {
                    errs.add(field, crate::Msg::new("validation.number"));
                    None
                }
                None => None,
            }
        }
        let mut errs = crate::error::FieldErrors::new();
        let period = number(&mut errs, "period", &self.period);
        let teacher = number(&mut errs, "teacher_id", &self.teacher).map(UserId);
        let substitute = number(&mut errs, "substitute_id", &self.substitute).map(UserId);
        if opt(&self.substitute).is_none() {
            errs.add("substitute_id", crate::Msg::new("validation.required"));
        }
        errs.finish()?;
        Ok(SubstituteInput {
            from: self.from.trim().to_owned(),
            to: opt(&self.to).map(str::to_owned),
            period,
            teacher_id: teacher,
            substitute_id: substitute.unwrap_or_default(),
            reason: opt(&self.reason).map(str::to_owned),
        })
    }
}

/// A class's substitutions page section: the current and future ones, and what the form
/// offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubstitutesView {
    /// The substitutions ending today or later, by first day.
    pub items: Vec<Substitution>,
    /// Whether the caller assigns and removes them (the school's administrators).
    pub manage: bool,
    /// The teachers of the class's timetable (the absent teacher to pick).
    pub teachers: Vec<crate::classes::StaffMember>,
    /// The school's active staff (the substitute to pick), by name.
    pub staff: Vec<crate::classes::StaffMember>,
    /// The school's period numbers.
    pub periods: Vec<i64>,
    /// Today (the form's default day).
    pub today: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(from: &str, to: &str, period: Option<i64>, teacher: i64) -> Substitution {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Substitution {
            id: SubstituteId(1),
            class_id: ClassId(1),
            from: d(from),
            to: d(to),
            period,
            teacher_id: UserId(teacher),
            teacher_name: String::new(),
            substitute_id: UserId(9),
            substitute_name: String::new(),
            reason: None,
            assigned_by: UserId(2),
            assigned_at: String::new(),
        }
    }

    #[test]
    fn what_a_substitution_covers() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let week = sub("2026-11-30", "2026-12-04", None, 5);
        assert!(week.covers(ClassId(1), d("2026-12-02"), 3, UserId(5)));
        assert!(!week.covers(ClassId(1), d("2026-12-05"), 3, UserId(5)));
        assert!(!week.covers(ClassId(1), d("2026-12-02"), 3, UserId(6)));
        assert!(!week.covers(ClassId(2), d("2026-12-02"), 3, UserId(5)));
        let one = sub("2026-11-30", "2026-11-30", Some(2), 5);
        assert!(one.covers(ClassId(1), d("2026-11-30"), 2, UserId(5)));
        assert!(!one.covers(ClassId(1), d("2026-11-30"), 1, UserId(5)));
        assert!(week.overlaps(&one));
        assert!(!one.overlaps(&sub("2026-11-30", "2026-11-30", Some(3), 5)));
        assert!(!week.overlaps(&sub("2026-12-05", "2026-12-09", None, 5)));
        assert!(!week.overlaps(&sub("2026-11-30", "2026-12-04", None, 6)));
    }

    #[test]
    fn the_form_reads_numbers() {
        let f = SubstituteForm {
            from: "2026-11-30".into(),
            period: "2".into(),
            substitute: "7".into(),
            ..Default::default()
        };
        let i = f.input().unwrap();
        assert_eq!((i.period, i.teacher_id, i.to), (Some(2), None, None));
        let bad = SubstituteForm {
            period: "hai".into(),
            ..Default::default()
        };
        let e = bad.input().unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Validation);
    }
}
