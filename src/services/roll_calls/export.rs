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
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx export");
        Error::internal()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet
        .set_name(crate::i18n::t(lang, "summary.sheet"))
        .map_err(xl)?;
    for (c, h) in summary_header(lang).iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h.as_str(), &bold)
            .map_err(xl)?;
    }
    for (i, a) in s.students.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, a.code.as_str()).map_err(xl)?;
        sheet.write_string(r, 1, a.full_name.as_str()).map_err(xl)?;
        for (c, v) in [
            a.lessons,
            a.counts.present,
            a.counts.late,
            a.counts.excused,
            a.counts.unexcused,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_number(r, 2 + c as u16, v as f64).map_err(xl)?;
        }
        sheet.write_number(r, 7, a.absence_rate).map_err(xl)?;
    }
    sheet.autofit();
    wb.save_to_buffer().map_err(xl)
}
