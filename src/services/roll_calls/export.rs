//! A class's attendance summary exported as CSV or as an Excel workbook.

use crate::attendance::AttendanceSummary;
use crate::error::Error;

fn summary_header(lang: crate::Lang) -> Vec<String> {
    [
        "summary.col.code",
        "summary.col.name",
        "summary.col.lessons",
        "attendance.present",
        "attendance.late",
        "attendance.excused",
        "attendance.unexcused",
        "summary.col.absence_rate",
    ]
    .iter()
    .map(|k| crate::i18n::t(lang, k).to_owned())
    .collect()
}

/// A class's attendance summary as CSV (column names in `lang`, formulas neutralised).
pub fn summary_csv(s: &AttendanceSummary, lang: crate::Lang) -> Vec<u8> {
    let header = summary_header(lang);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = s
        .students
        .iter()
        .map(|a| {
            vec![
                a.code.clone(),
                a.full_name.clone(),
                a.lessons.to_string(),
                a.counts.present.to_string(),
                a.counts.late.to_string(),
                a.counts.excused.to_string(),
                a.counts.unexcused.to_string(),
                format!("{:.1}", a.absence_rate),
            ]
        })
        .collect();
    crate::services::csv_import::write(&header, &rows)
}

/// A class's attendance summary as an Excel workbook (text cells stay text, never formulas).
pub fn summary_xlsx(s: &AttendanceSummary, lang: crate::Lang) -> Result<Vec<u8>, Error> {
    use crate::services::xlsx::{Cell, Sheet, workbook};
    let mut sheet = Sheet::new(crate::i18n::t(lang, "summary.sheet"), summary_header(lang));
    for a in &s.students {
        sheet.row([
            Cell::from(a.code.as_str()),
            Cell::from(a.full_name.as_str()),
            Cell::from(a.lessons),
            Cell::from(a.counts.present),
            Cell::from(a.counts.late),
            Cell::from(a.counts.excused),
            Cell::from(a.counts.unexcused),
            Cell::from(a.absence_rate),
        ]);
    }
    workbook(&[sheet])
}
