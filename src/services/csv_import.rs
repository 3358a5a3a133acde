//! Reading CSV files from VnEdu, SMAS and spreadsheets: UTF-8 (BOM optional), `,` or `;`, a
//! header row. Every import is all-or-nothing and lists every bad line (the header is line 1).

use crate::error::{Error, LineError, Msg};

/// A data line of a CSV file: its line number and its cells, trimmed.
#[derive(Debug, Clone)]
pub struct CsvLine {
    /// The line number (the header is line 1).
    pub line: u64,
    /// The cells, in the header's order.
    pub cells: Vec<String>,
}

impl CsvLine {
    /// The cell at `i` ("" when missing).
    pub fn get(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }
}

/// The most data lines one import may have: a nation's 54,000 schools fit; a file beyond it is
/// refused at once (422) rather than checked line by line.
pub const MAX_ROWS: usize = 60_000;

/// Parses `bytes` as CSV whose header must be exactly `header` (case, spaces and a BOM
/// ignored). Blank lines are skipped. A line with the wrong number of cells is reported.
pub fn read(bytes: &[u8], header: &[&str]) -> Result<Vec<CsvLine>, Error> {
    let (lines, errors) = read_lines(bytes, header)?;
    if !errors.is_empty() {
        return Err(Error::lines(errors));
    }
    Ok(lines)
}

/// Like [`read`], but a line that cannot be read (wrong number of cells, bad quoting) does not
/// stop the others: the readable lines come back with the errors of the rest, so an import can
/// check them too and report every bad line at once. Only a file that is not UTF-8, is empty,
/// or has the wrong header is an error here.
pub fn read_lines(bytes: &[u8], header: &[&str]) -> Result<(Vec<CsvLine>, Vec<LineError>), Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::lines(vec![LineError {
            line: 1,
            msg: Msg::new("import.not_utf8"),
        }])
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.trim().is_empty() {
        return Err(Error::lines(vec![LineError {
            line: 1,
            msg: Msg::new("import.empty"),
        }]));
    }
    // The delimiter is whichever of `;` and `,` the header uses more (Excel in a Vietnamese
    // locale writes `;`).
    let delim = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut header_seen = false;
    let mut lines = LineCounter::new(text);
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte())).unwrap_or(0);
                errors.push(LineError {
                    line,
                    msg: Msg::new("import.not_utf8"),
                });
                continue;
            }
        };
        // The physical line, counted from the byte offset: the csv crate does not count the
        // blank lines it skips, and people look lines up in their editor.
        let line = rec.position().map(|p| lines.at(p.byte())).unwrap_or(0);
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            let got: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
            if got != header {
                return Err(Error::lines(vec![LineError {
                    line,
                    msg: Msg::new("import.header").arg("expected", header.join(",")),
                }]));
            }
            continue;
        }
        if out.len() + errors.len() >= MAX_ROWS {
            return Err(Error::lines(vec![LineError {
                line,
                msg: Msg::new("validation.too_many_rows").arg("max", MAX_ROWS),
            }]));
        }
        if cells.len() != header.len() {
            errors.push(LineError {
                line,
                msg: Msg::new("import.columns")
                    .arg("found", cells.len())
                    .arg("expected", header.len()),
            });
            continue;
        }
        out.push(CsvLine { line, cells });
    }
    Ok((out, errors))
}

/// A column an import reads by its heading: its API name and the other headings spreadsheets
/// give it (compared folded: case, diacritics, `_` and extra spaces ignored).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The API's heading (`code`).
    pub name: &'static str,
    /// Other headings, folded (`ma hoc sinh`).
    pub aliases: &'static [&'static str],
    /// Whether the file must have it; an optional column missing reads as empty cells.
    pub required: bool,
}

/// How many lines before the heading row an export may have (a school's name, a title, a
/// blank row: SMAS puts a few above its table).
pub const MAX_TITLE_LINES: usize = 10;

/// A heading folded for comparison.
fn heading_key(s: &str) -> String {
    crate::text::fold(&s.replace(['_', '-'], " "))
}

/// Where each of `columns` is in a heading row (`None`: an optional column it lacks), if the
/// row has every required one.
fn find_columns(cells: &[String], columns: &[Column]) -> Option<Vec<Option<usize>>> {
    let keys: Vec<String> = cells.iter().map(|c| heading_key(c)).collect();
    let at: Vec<Option<usize>> = columns
        .iter()
        .map(|c| {
            keys.iter()
                .position(|k| *k == heading_key(c.name) || c.aliases.contains(&k.as_str()))
        })
        .collect();
    columns
        .iter()
        .zip(&at)
        .all(|(c, a)| a.is_some() || !c.required)
        .then_some(at)
}

/// Like [`read_lines`], for files whose columns are found by their headings, as schools' own
/// exports (SMAS, VnEdu) have them: the heading row is the first of the first
/// [`MAX_TITLE_LINES`] rows that names every required column (the lines above it are titles),
/// headings are matched by [`Column`], columns the import does not know (`STT`) are ignored,
/// and each line's cells come back in `columns`' order. No such row: one error, `expected`.
pub fn read_columns(
    bytes: &[u8],
    columns: &[Column],
    expected: &str,
) -> Result<(Vec<CsvLine>, Vec<LineError>), Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::lines(vec![LineError {
            line: 1,
            msg: Msg::new("import.not_utf8"),
        }])
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::lines(vec![LineError {
            line: 1,
            msg: Msg::new("import.empty"),
        }]));
    }
    // The delimiter is the one under which a heading row is found (`;` first: Excel in a
    // Vietnamese locale writes it, and a `,` may be inside a title line).
    for delim in [b';', b','] {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = LineCounter::new(text);
        let mut at: Option<Vec<Option<usize>>> = None;
        let mut seen = 0;
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for rec in rdr.records() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| lines.at(p.byte())).unwrap_or(0);
                    errors.push(LineError {
                        line,
                        msg: Msg::new("import.not_utf8"),
                    });
                    continue;
                }
            };
            let line = rec.position().map(|p| lines.at(p.byte())).unwrap_or(0);
            let cells: Vec<String> = rec.iter().map(|c| c.trim().to_owned()).collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            if at.is_none() {
                seen += 1;
                at = find_columns(&cells, columns);
                if at.is_none() && seen >= MAX_TITLE_LINES {
                    break;
                }
                // Errors above the heading row were in the titles.
                errors.clear();
                continue;
            }
            let Some(at) = &at else { continue };
            if out.len() + errors.len() >= MAX_ROWS {
                return Err(Error::lines(vec![LineError {
                    line,
                    msg: Msg::new("validation.too_many_rows").arg("max", MAX_ROWS),
                }]));
            }
            let picked = at
                .iter()
                .map(|a| a.and_then(|i| cells.get(i)).cloned().unwrap_or_default())
                .collect();
            out.push(CsvLine {
                line,
                cells: picked,
            });
        }
        if at.is_some() {
            return Ok((out, errors));
        }
    }
    Err(Error::lines(vec![LineError {
        line: 1,
        msg: Msg::new("import.header").arg("expected", expected),
    }]))
}

/// Line numbers of byte offsets, counted forward from the last one asked (records come in
/// order), so a file of n lines costs O(n) rather than O(n²).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Where the count stands, and the newlines before it.
    pos: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            pos: 0,
            newlines: 0,
        }
    }

    /// The line of the record that starts at or after `byte`: a record's position is where the
    /// previous one ended, before any blank lines.
    fn at(&mut self, byte: u64) -> u64 {
        let bytes = self.bytes;
        let mut end = (byte as usize).min(bytes.len());
        while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
            end += 1;
        }
        if end < self.pos {
            // Out of order (not expected): count from the start.
            self.pos = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.pos..end].iter().filter(|b| **b == b'\n').count() as u64;
        self.pos = end;
        self.newlines + 1
    }
}

/// A line error naming the column: "level: Unknown level".
pub fn cell_error(line: u64, field: &str, msg: Msg) -> LineError {
    LineError {
        line,
        msg: Msg::new("import.field")
            .arg("field", field)
            .arg("message", msg.nested()),
    }
}

/// The lines of a file that must name each key once (a username, a serial, a class): the
/// first line of each key, and for a later line the error that points back to it.
#[derive(Debug)]
pub struct OncePerFile<K>(std::collections::HashMap<K, u64>);

impl<K> Default for OncePerFile<K> {
    fn default() -> Self {
        OncePerFile(std::collections::HashMap::new())
    }
}

impl<K: std::hash::Hash + Eq> OncePerFile<K> {
    /// No key seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes `key` on `line`; when an earlier line had it, the error on `field` naming that line.
    pub fn check(&mut self, key: K, line: u64, field: &str) -> Option<LineError> {
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(cell_error(
                line,
                field,
                Msg::new("import.duplicate_in_file").arg("line", first.get()),
            )),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }
}

/// A cell as it goes into an exported CSV: a value a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so opening
/// an export never runs what someone typed into a device name (OWASP "CSV injection").
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Writes a CSV file (UTF-8 with a BOM, so Excel shows Vietnamese correctly) from a header and
/// rows, every cell neutralised.
pub fn write(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failure would be a bug in the csv crate.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| neutralise(c)));
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Details;

    #[test]
    fn bom_semicolon_and_line_numbers() {
        let src = "\u{feff}Code;Name\nA;Một\n\nB;Hai\n";
        let lines = read(src.as_bytes(), &["code", "name"]).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[1].line, 4);
        assert_eq!(lines[1].get(1), "Hai");
    }

    #[test]
    fn wrong_header_and_columns() {
        let e = read(b"a,b\n", &["code", "name"]).unwrap_err();
        assert!(matches!(e.details, Details::Lines(ref l) if l[0].line == 1));
        let e = read(b"code,name\nA\nB,b,c\nC,c\n", &["code", "name"]).unwrap_err();
        match e.details {
            Details::Lines(l) => {
                assert_eq!(l.iter().map(|l| l.line).collect::<Vec<_>>(), vec![2, 3])
            }
            d => panic!("{d:?}"),
        }
        assert!(read(b"", &["code"]).is_err());
        assert!(read(&[0xff, 0xfe, 0x41], &["code"]).is_err());
    }

    #[test]
    fn exports_neutralise_formulas_and_read_back() {
        let rows = vec![vec!["=1+1".to_owned(), "Máy chiếu, phòng 2".to_owned()]];
        let bytes = write(&["code", "name"], &rows);
        let back = read(&bytes, &["code", "name"]).unwrap();
        assert_eq!(back[0].get(0), "'=1+1");
        assert_eq!(back[0].get(1), "Máy chiếu, phòng 2");
        for bad in ["+1", "-1", "@a", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''));
        }
        assert_eq!(neutralise("Tiết 1"), "Tiết 1");
    }
}

#[cfg(test)]
mod once_tests {
    use super::*;

    #[test]
    fn a_key_seen_again_points_back_to_its_first_line() {
        let mut seen = OncePerFile::new();
        assert!(seen.check("gv1", 2, "username").is_none());
        assert!(seen.check("gv2", 3, "username").is_none());
        let e = seen.check("gv1", 4, "username").expect("a duplicate");
        assert_eq!(e.line, 4);
        let text = e.msg.render(crate::Lang::En);
        assert!(text.contains("username") && text.contains('2'), "{text}");
        // The first line stays the one named.
        assert!(
            seen.check("gv1", 5, "username")
                .expect("again")
                .msg
                .render(crate::Lang::En)
                .contains('2')
        );
    }
}
