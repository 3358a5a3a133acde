//! Timetables: which subject a class has, with which teacher, on each weekday and period, in
//! versions that start on a date; the timetable page's form cells and the timetable CSV.

use crate::classes::{Class, SchoolYear, StaffMember};
use crate::ids::{ClassId, UserId};
use crate::text::fold;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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
}
