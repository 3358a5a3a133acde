//! People's names in Vietnamese order: by the given name (the last word), then the rest of the
//! name (family and middle names), letter by letter in the Vietnamese alphabet
//! (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y); tone marks only break ties, and
//! Đ is a letter of its own after D, never folded into it. One collation for every list of
//! pupils or people by name (the roll call, a class's roster, the attendance reports, the
//! school's staff).

use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;

/// The letters in alphabetical order; f, j, w and z (in foreign names) where the Latin alphabet
/// puts them. A letter with a breve, circumflex or horn is a letter of its own.
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];

/// The tone marks in dictionary order (ngang first, then huyền, hỏi, ngã, sắc, nặng).
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// The sort key of a full name: compare two keys to compare the names. Build it once per name
/// when sorting a list ([`sort_by_name`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameKey {
    /// The given name's letters, then the rest's (tone marks left out).
    letters: (Vec<u32>, Vec<u32>),
    /// Their tones, the same way.
    tones: (Vec<u32>, Vec<u32>),
    /// Upper before lower case, the last tie-break before the text itself.
    text: String,
}

/// The rank of one character (lower case, NFC) and its tone: a space first, then digits, then
/// the alphabet, then anything else by code point.
fn rank(c: char) -> (u32, u32) {
    if c == ' ' {
        return (0, 0);
    }
    if let Some(d) = c.to_digit(10) {
        return (1 + d, 0);
    }
    let mut base = String::new();
    let mut tone = 0;
    for m in c.to_string().nfd() {
        match TONES.iter().position(|t| *t == m) {
            Some(i) => tone = i as u32 + 1,
            None => base.push(m),
        }
    }
    let base: String = base.nfc().collect();
    match ALPHABET.iter().position(|l| *l == base) {
        Some(i) => (100 + i as u32, tone),
        None => (1000 + base.chars().next().map_or(0, u32::from), tone),
    }
}

fn ranks(s: &str) -> (Vec<u32>, Vec<u32>) {
    s.chars().flat_map(char::to_lowercase).map(rank).unzip()
}

/// The sort key of a full name (`Nguyễn Thị Hoà` sorts under `Hoà`, then `Nguyễn Thị`).
pub fn name_key(full_name: &str) -> NameKey {
    let name: String = full_name.nfc().collect();
    let words: Vec<&str> = name.split_whitespace().collect();
    let (given, rest) = match words.split_last() {
        Some((g, rest)) => (*g, rest.join(" ")),
        None => ("", String::new()),
    };
    let (gl, gt) = ranks(given);
    let (rl, rt) = ranks(&rest);
    NameKey {
        letters: (gl, rl),
        tones: (gt, rt),
        text: words.join(" "),
    }
}

/// Compares two full names in Vietnamese order.
pub fn cmp_names(a: &str, b: &str) -> Ordering {
    name_key(a).cmp(&name_key(b))
}

/// Sorts a list by the names `name` gives, in Vietnamese order; equal names keep their order.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|t| name_key(name(t)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        sort_by_name(&mut v, |s| s.as_str());
        v
    }

    #[test]
    fn by_given_name_then_the_rest() {
        assert_eq!(
            sorted(&["Nguyễn Văn An", "Trần Thị Bình", "Lê An", "Phạm Minh Anh"]),
            ["Lê An", "Nguyễn Văn An", "Phạm Minh Anh", "Trần Thị Bình"]
        );
        // The family name decides between two of the same given name.
        assert_eq!(
            sorted(&["Vũ Thị Lan", "Đỗ Thị Lan", "Bùi Lan"]),
            ["Bùi Lan", "Đỗ Thị Lan", "Vũ Thị Lan"]
        );
    }

    #[test]
    fn the_vietnamese_alphabet() {
        // ă and â after a; đ after d and before e, never folded; ơ after ô after o; ư after u.
        assert_eq!(
            sorted(&["Lê Ân", "Lê Ăn", "Lê Anh", "Lê Bảo"]),
            ["Lê Anh", "Lê Ăn", "Lê Ân", "Lê Bảo"]
        );
        assert_eq!(
            sorted(&["Hà Đức", "Hà Dũng", "Hà Em", "Hà Duy"]),
            ["Hà Dũng", "Hà Duy", "Hà Đức", "Hà Em"]
        );
        assert_eq!(
            sorted(&["Trần Ơn", "Trần Ông", "Trần Oanh", "Trần Phúc"]),
            ["Trần Oanh", "Trần Ông", "Trần Ơn", "Trần Phúc"]
        );
        assert_eq!(
            sorted(&["Lý Ưng", "Lý Uyên", "Lý Vy"]),
            ["Lý Uyên", "Lý Ưng", "Lý Vy"]
        );
        // Không dấu would put Đạt among the D's: it comes after every D.
        assert_eq!(cmp_names("Phan Đạt", "Phan Duyên"), Ordering::Greater);
    }

    #[test]
    fn tones_only_break_ties() {
        // Letters first: "Hoa" < "Hoà" < "Hoả" < "Hoá" < "Hoạ", but "Hoà" < "Hoan" whatever
        // the tone.
        assert_eq!(
            sorted(&["Lê Hoạ", "Lê Hoá", "Lê Hoà", "Lê Hoa", "Lê Hoan", "Lê Hoả"]),
            ["Lê Hoa", "Lê Hoà", "Lê Hoả", "Lê Hoá", "Lê Hoạ", "Lê Hoan"]
        );
        // Decomposed input sorts as its NFC form; case only as the last tie-break.
        assert_eq!(
            cmp_names("Nguyễn Thị Hoa\u{300}", "Nguyễn Thị Hoà"),
            Ordering::Equal
        );
        assert_eq!(cmp_names("Lê An", "lê an"), Ordering::Less);
    }

    #[test]
    fn odd_names() {
        assert_eq!(sorted(&["", "An", "  "]), ["", "  ", "An"]);
        assert_eq!(
            cmp_names("Nguyễn  Văn   An", "Nguyễn Văn An"),
            Ordering::Equal
        );
    }
}
