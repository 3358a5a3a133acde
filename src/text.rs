//! Vietnamese text: NFC storage and the folded search key.
//!
//! Folding is done here, in Rust, rather than in the database so SQLite and PostgreSQL find the
//! same rows: SQLite's FTS5 `remove_diacritics` does not fold đ/Đ, which has no Unicode
//! decomposition and must be mapped to d explicitly.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// The NFC form of `s`, trimmed, with runs of white space collapsed to one space.
pub fn clean(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The search key of `s`: lower case, diacritics removed, đ→d, white space collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The most words a search may have; each becomes a `LIKE` condition.
pub const MAX_QUERY_WORDS: usize = 10;
/// The longest search, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The folded words of a search query; a query longer than anyone types (over
/// [`MAX_QUERY_WORDS`] words or [`MAX_QUERY_CHARS`] characters) is refused (422 on field `q`)
/// before it reaches the database.
pub fn query_words(q: &str) -> Result<Vec<String>, crate::Error> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(crate::Error::field(
            "q",
            crate::Msg::new("validation.too_long").arg("max", MAX_QUERY_CHARS),
        ));
    }
    let words: Vec<String> = fold(q).split_whitespace().map(str::to_owned).collect();
    if words.len() > MAX_QUERY_WORDS {
        return Err(crate::Error::field(
            "q",
            crate::Msg::new("validation.too_many_words").arg("max", MAX_QUERY_WORDS),
        ));
    }
    Ok(words)
}

/// Whether every word of `query` occurs in `haystack` (both folded).
pub fn matches_all(haystack: &str, query: &str) -> bool {
    let hay = fold(haystack);
    fold(query).split_whitespace().all(|w| hay.contains(w))
}

/// Percent-encodes every byte of `s` outside the unreserved ASCII set (`A–Z a–z 0–9 - _ . ~`):
/// a query value, or a file name in `filename*=UTF-8''…` (RFC 5987).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `c` is a character that changes how text around it is shown without being seen
/// itself: the bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
/// isolates, U+200E/U+200F marks, U+061C the Arabic letter mark) and the zero-width ones
/// (U+200B–U+200D, U+2060 word joiner, U+FEFF). In a name or a title they only serve to
/// disguise it: `gpj.exe` shown as `exe.jpg`, or two names that look the same and differ.
/// Vietnamese needs none of them.
pub fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// Whether `s` has a character of [`is_invisible_control`].
pub fn has_invisible_control(s: &str) -> bool {
    s.chars().any(is_invisible_control)
}

/// The one place numbers are written for people, in their language: Vietnamese groups
/// thousands with a dot and writes a decimal comma (`1.234`, `61,9%`, `5,5 KB`), English the
/// other way round (`1,234`, `61.9%`, `5.5 KB`). Exports for machines (CSV, Excel cells) keep
/// their own formats.
pub mod numbers {
    use crate::Lang;

    fn separators(lang: Lang) -> (char, char) {
        match lang {
            Lang::Vi => ('.', ','),
            Lang::En => (',', '.'),
        }
    }

    /// A whole number with its thousands grouped: `12.345` (vi), `12,345` (en).
    pub fn integer(lang: Lang, n: i64) -> String {
        let (group, _) = separators(lang);
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(c);
        }
        out
    }

    /// A number with at most `places` decimals, no trailing zeros (`33,4`, `20`, `1.234,5`).
    pub fn decimal(lang: Lang, x: f64, places: u32) -> String {
        written(lang, x, places, true)
    }

    /// [`decimal`] without thousands grouped, as a form's field shows a value to edit (the
    /// forms read a decimal comma or point, and a grouped `1.500` would read as 1,5).
    pub fn field(lang: Lang, x: f64, places: u32) -> String {
        written(lang, x, places, false)
    }

    fn written(lang: Lang, x: f64, places: u32, grouped: bool) -> String {
        if !x.is_finite() {
            return "–".to_owned();
        }
        let scale = 10f64.powi(places as i32);
        let scaled = (x.abs() * scale).round();
        let negative = x < 0.0 && scaled > 0.0;
        let whole = (scaled / scale).trunc();
        let mut frac = format!(
            "{:0width$}",
            (scaled - whole * scale) as u64,
            width = places as usize
        );
        while frac.ends_with('0') {
            frac.pop();
        }
        let mut out = if grouped {
            integer(lang, whole as i64)
        } else {
            format!("{whole:.0}")
        };
        if negative {
            out.insert(0, '-');
        }
        if !frac.is_empty() {
            out.push(separators(lang).1);
            out.push_str(&frac);
        }
        out
    }

    /// A share with one decimal and its sign: `33,4%` (vi), `33.4%` (en), `20%`.
    pub fn percent(lang: Lang, x: f64) -> String {
        format!("{}%", decimal(lang, x, 1))
    }

    /// A size in decimal units: `1,5 MB`, `820 KB`, `12 B` (vi); `1.5 MB` (en). One decimal
    /// below 100 of a unit, none above.
    pub fn size(lang: Lang, bytes: i64) -> String {
        let b = bytes.max(0) as f64;
        let (v, unit) = if b >= 1e9 {
            (b / 1e9, "GB")
        } else if b >= 1e6 {
            (b / 1e6, "MB")
        } else if b >= 1e3 {
            (b / 1e3, "KB")
        } else {
            return format!("{} B", integer(lang, bytes.max(0)));
        };
        let places = if v >= 100.0 { 0 } else { 1 };
        format!("{} {unit}", decimal(lang, v, places))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn each_language_writes_its_numbers() {
            let cases: [(Lang, [&str; 9]); 2] = [
                (
                    Lang::Vi,
                    [
                        "1.234",
                        "-1.234.567",
                        "61,9%",
                        "20%",
                        "1.234,5",
                        "5,5 KB",
                        "820 KB",
                        "12 B",
                        "0,1%",
                    ],
                ),
                (
                    Lang::En,
                    [
                        "1,234",
                        "-1,234,567",
                        "61.9%",
                        "20%",
                        "1,234.5",
                        "5.5 KB",
                        "820 KB",
                        "12 B",
                        "0.1%",
                    ],
                ),
            ];
            for (lang, want) in cases {
                let got = [
                    integer(lang, 1234),
                    integer(lang, -1_234_567),
                    percent(lang, 61.94),
                    percent(lang, 20.0),
                    decimal(lang, 1234.5, 1),
                    size(lang, 5_500),
                    size(lang, 820_000),
                    size(lang, 12),
                    percent(lang, 0.05),
                ];
                assert_eq!(got, want.map(str::to_owned), "{lang:?}");
            }
            assert_eq!(size(Lang::Vi, 200_000_000), "200 MB");
            assert_eq!(size(Lang::Vi, 1_500_000), "1,5 MB");
            assert_eq!(decimal(Lang::En, -0.04, 1), "0");
            assert_eq!(decimal(Lang::Vi, 99.96, 1), "100");
            assert_eq!(field(Lang::Vi, 1500.25, 1), "1500,3");
            assert_eq!(field(Lang::En, 1500.0, 1), "1500");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đống Đa"), "dong da");
        assert_eq!(fold("  Nguyễn   Thị Hoà "), "nguyen thi hoa");
        assert_eq!(fold("TRƯỜNG THCS Lê Lợi"), "truong thcs le loi");
        assert_eq!(fold("Hoà"), fold("Hòa"));
    }

    #[test]
    fn clean_is_nfc() {
        let decomposed = "Hoa\u{300}";
        assert_eq!(clean(decomposed), "Hoà");
        assert_eq!(clean(" a  b "), "a b");
    }

    #[test]
    fn invisible_controls() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}',
        ] {
            assert!(is_invisible_control(c), "{:04X}", c as u32);
            assert!(has_invisible_control(&format!("Bài {c}1")));
        }
        // Vietnamese with its combining marks (decomposed too), and other neighbours of the
        // refused ranges, stay.
        for ok in [
            "Nguyễn Thị Hoà",
            "Hoa\u{300}",
            "a\u{2010}b",
            "x\u{2029}",
            "\u{2070}",
            "\u{061B}",
        ] {
            assert!(!has_invisible_control(ok), "{ok:?}");
        }
    }

    #[test]
    fn every_word_must_match() {
        assert!(matches_all("Trường THCS Đống Đa", "dong da"));
        assert!(matches_all("Trường THCS Đống Đa", "DA thcs"));
        assert!(!matches_all("Trường THCS Đống Đa", "dong thpt"));
    }
}
