//! The one Excel writer of the exports: a workbook is a list of [`Sheet`]s, each a name, a bold
//! header row and rows of typed [`Cell`]s. Text is always written as a string cell, so a value
//! starting with `=` stays text and never becomes a formula; numbers (counts, rates, percentages
//! already scaled to 0–100) are number cells. Columns are autofitted.
//!
//! ```ignore
//! let mut sheet = Sheet::new(t(lang, "summary.sheet"), header);
//! sheet.row([Cell::from(code), Cell::from(name), Cell::from(lessons), Cell::from(rate)]);
//! let bytes = xlsx::workbook(&[sheet])?;
//! ```

use crate::error::Error;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written as a string cell (never a formula).
    Text(String),
    /// Written as a number cell.
    Number(f64),
    /// Nothing written (e.g. a rate with no denominator).
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        Cell::Text(s.clone())
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Number(v as f64)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// One worksheet: its name (tab), a header row in bold, and the rows under it. A row may be
/// shorter than the header; an empty row leaves a blank line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The tab's name.
    pub name: String,
    /// The column headings (bold).
    pub header: Vec<String>,
    /// The rows under the header.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet with a name and a header, no rows yet.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        header: impl IntoIterator<Item = S>,
    ) -> Self {
        Sheet {
            name: name.into(),
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) -> &mut Self {
        self.rows.push(cells.into_iter().collect());
        self
    }
}

/// The workbook of `sheets`, in order, as the bytes of an `.xlsx` file.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx export");
        Error::internal()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name.as_str()).map_err(xl)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h.as_str(), &bold)
                .map_err(xl)?;
        }
        for (i, row) in s.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(v) => {
                        ws.write_string(r, c, v.as_str()).map_err(xl)?;
                    }
                    Cell::Number(v) => {
                        ws.write_number(r, c, *v).map_err(xl)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.autofit();
    }
    wb.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell model keeps text as text (a formula is never written as one), and the
    /// workbook of several sheets, with empty rows and empty cells, is written.
    #[test]
    fn a_workbook_is_a_zip_and_cells_are_typed() {
        let mut s = Sheet::new("Schools", ["code", "name", "count"]);
        s.row([Cell::from("S1"), Cell::from("=1+1"), Cell::from(3_i64)]);
        s.row(Vec::new());
        s.row([
            Cell::from("window"),
            Cell::from(None::<f64>),
            Cell::from(0.5),
        ]);
        assert_eq!(s.rows.len(), 3);
        assert_eq!(
            s.rows[0][1],
            Cell::Text("=1+1".into()),
            "a formula stays text"
        );
        assert_eq!(s.rows[0][2], Cell::Number(3.0));
        assert_eq!(s.rows[2][1], Cell::Empty);
        let second = Sheet::new("Criteria", ["criterion"]);
        let bytes = workbook(&[s, second]).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn a_bad_sheet_name_is_an_internal_error() {
        // Excel refuses names with `[` `]` `:` `*` `?` `/` `\`.
        let s = Sheet::new("a/b", ["x"]);
        assert!(workbook(&[s]).is_err());
    }
}
