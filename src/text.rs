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

/// A number with one decimal as Vietnamese and English readers of this product see it: a
/// decimal comma (`33,4`), and no `,0` on whole numbers (`20`).
pub fn decimal1(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}").replace('.', ",")
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
    fn every_word_must_match() {
        assert!(matches_all("Trường THCS Đống Đa", "dong da"));
        assert!(matches_all("Trường THCS Đống Đa", "DA thcs"));
        assert!(!matches_all("Trường THCS Đống Đa", "dong thpt"));
    }
}
