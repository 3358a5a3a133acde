//! The subjects (môn học) of the Vietnamese curriculum: their codes, their names, and how
//! spreadsheets write them.

use crate::text::fold;

/// The subjects (môn học) of the Vietnamese curriculum, by code (API.md, under Materials).
pub const SUBJECTS: [&str; 25] = [
    "tieng_viet",
    "toan",
    "ngu_van",
    "ngoai_ngu",
    "dao_duc",
    "tu_nhien_xa_hoi",
    "khoa_hoc",
    "khtn",
    "lich_su",
    "dia_ly",
    "lich_su_dia_ly",
    "gdcd",
    "gdktpl",
    "vat_ly",
    "hoa_hoc",
    "sinh_hoc",
    "cong_nghe",
    "tin_hoc",
    "gdtc",
    "gdqp",
    "am_nhac",
    "my_thuat",
    "hdtn",
    "gddp",
    "khac",
];

/// Parses a subject: its code, or its name as a timetable spreadsheet writes it (`Toán`,
/// `Ngữ văn`, `Tiếng Anh`, `Thể dục`; case and diacritics ignored).
pub fn parse_subject(s: &str) -> Option<&'static str> {
    let key = fold(s).replace(['_', '-'], " ");
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(code) = SUBJECTS.iter().find(|c| c.replace('_', " ") == key) {
        return Some(code);
    }
    // Its name as the UI shows it, in either language (the timetable page offers those).
    if let Some(code) = SUBJECTS.iter().find(|c| {
        [crate::Lang::Vi, crate::Lang::En]
            .into_iter()
            .any(|l| fold(crate::i18n::t(l, &subject_label_key(c))) == key)
    }) {
        return Some(code);
    }
    Some(match key.as_str() {
        "tieng viet" => "tieng_viet",
        "toan hoc" | "math" | "maths" | "mathematics" => "toan",
        "van" | "ngu van" | "literature" => "ngu_van",
        "tieng anh" | "anh van" | "ngoai ngu 1" | "english" | "foreign language" => "ngoai_ngu",
        "dao duc" | "ethics" => "dao_duc",
        "tu nhien va xa hoi" | "tnxh" => "tu_nhien_xa_hoi",
        "khoa hoc" | "science" => "khoa_hoc",
        "khoa hoc tu nhien" | "natural science" => "khtn",
        "lich su" | "su" | "history" => "lich_su",
        "dia ly" | "dia li" | "dia" | "geography" => "dia_ly",
        "lich su va dia ly" | "lich su va dia li" | "ls&dl" | "ls dl" => "lich_su_dia_ly",
        "giao duc cong dan" | "civics" => "gdcd",
        "giao duc kinh te va phap luat" => "gdktpl",
        "vat li" | "ly" | "li" | "physics" => "vat_ly",
        "hoa" | "chemistry" => "hoa_hoc",
        "sinh" | "biology" => "sinh_hoc",
        "technology" => "cong_nghe",
        "tin" | "informatics" | "computing" => "tin_hoc",
        "the duc" | "giao duc the chat" | "physical education" | "pe" => "gdtc",
        "giao duc quoc phong" | "giao duc quoc phong va an ninh" | "gdqp an" => "gdqp",
        "music" => "am_nhac",
        "mi thuat" | "art" | "fine arts" => "my_thuat",
        "hoat dong trai nghiem" | "hdtn hn" | "chao co" | "sinh hoat lop" => "hdtn",
        "giao duc dia phuong" | "local education" => "gddp",
        "other" => "khac",
        _ => return None,
    })
}

/// The translation key of a subject's name.
pub fn subject_label_key(code: &str) -> String {
    format!("subject.{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_read_as_spreadsheets_write_them() {
        assert_eq!(parse_subject("toan"), Some("toan"));
        assert_eq!(parse_subject("Toán"), Some("toan"));
        assert_eq!(parse_subject("Ngữ văn"), Some("ngu_van"));
        assert_eq!(parse_subject("Tiếng Anh"), Some("ngoai_ngu"));
        assert_eq!(parse_subject("Địa lí"), Some("dia_ly"));
        assert_eq!(parse_subject("KHTN"), Some("khtn"));
        assert_eq!(parse_subject("Lịch sử và Địa lý"), Some("lich_su_dia_ly"));
        assert_eq!(parse_subject("Vẽ tranh"), None);
        assert_eq!(parse_subject(""), None);
    }

    #[test]
    fn every_subject_has_a_name() {
        for code in SUBJECTS {
            assert!(crate::i18n::has_key(&subject_label_key(code)), "{code}");
            for l in [crate::Lang::Vi, crate::Lang::En] {
                let name = crate::i18n::t(l, &subject_label_key(code));
                assert_eq!(parse_subject(name), Some(code), "{name}");
            }
        }
    }
}
