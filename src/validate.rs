//! Validated values: each check returns the cleaned value or the message to show.

use crate::error::Msg;
use crate::text::{clean, has_invisible_control};

/// Refuses text with a bidirectional control or a zero-width character
/// ([`crate::text::is_invisible_control`]): names and titles are shown as they are typed,
/// so a character that reorders or hides what is shown would disguise them.
pub fn visible(s: &str) -> Result<(), Msg> {
    if has_invisible_control(s) {
        Err(Msg::new("validation.invisible_chars"))
    } else {
        Ok(())
    }
}

/// A login name: 3–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit; stored in
/// lower case so logins ignore case.
pub fn username(s: &str) -> Result<String, Msg> {
    let u = s.trim().to_lowercase();
    if u.is_empty() {
        return Err(Msg::new("validation.required"));
    }
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    let ok_start = u.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=32).contains(&u.len()) || !ok_chars || !ok_start {
        return Err(Msg::new("validation.username"));
    }
    Ok(u)
}

/// A person's full name, NFC, 2–100 characters.
pub fn full_name(s: &str) -> Result<String, Msg> {
    let n = clean(s);
    if n.is_empty() {
        return Err(Msg::new("validation.required"));
    }
    if n.chars().count() < 2 || n.chars().count() > 100 {
        return Err(Msg::new("validation.full_name"));
    }
    visible(&n)?;
    Ok(n)
}

/// A password: 8–128 characters. Length is the only rule (NIST SP 800-63B): composition rules
/// make passwords worse, not better.
pub fn password(s: &str) -> Result<String, Msg> {
    let n = s.chars().count();
    if n == 0 {
        return Err(Msg::new("validation.required"));
    }
    if !(8..=128).contains(&n) {
        return Err(Msg::new("validation.password"));
    }
    Ok(s.to_owned())
}

/// A school's registry code: 2–20 of A–Z, 0–9, `.`, `_`, `-`, stored upper case.
pub fn school_code(s: &str) -> Result<String, Msg> {
    let c = s.trim().to_uppercase();
    if c.is_empty() {
        return Err(Msg::new("validation.required"));
    }
    if !(2..=20).contains(&c.len())
        || !c
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ".-_".contains(ch))
    {
        return Err(Msg::new("validation.school_code"));
    }
    Ok(c)
}

/// A non-empty name (school, area), NFC, at most `max` characters.
pub fn name(s: &str, max: usize) -> Result<String, Msg> {
    let n = clean(s);
    if n.is_empty() {
        return Err(Msg::new("validation.required"));
    }
    if n.chars().count() > max {
        return Err(Msg::new("validation.too_long").arg("max", max));
    }
    visible(&n)?;
    Ok(n)
}

/// A whole number of pupils, 0–20,000 (empty means 0).
pub fn students(s: &str) -> Result<i64, Msg> {
    let s = s.trim().replace(['.', ' '], "");
    if s.is_empty() {
        return Ok(0);
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=20_000).contains(&n) => Ok(n),
        _ => Err(Msg::new("validation.students")),
    }
}

/// Where to go after a form (`next` at login, `back` at the language switch): a path of this
/// site, else `/`. A path with a control character (a tab or a newline that browsers drop, so
/// `/\t/evil.example` would leave the site) is no form of ours: 400. A backslash, `//` or a
/// scheme leaves the site and becomes `/`.
pub fn redirect_target(target: Option<&str>) -> Result<String, crate::Error> {
    let Some(t) = target else {
        return Ok("/".to_owned());
    };
    if t.chars().any(char::is_control) {
        return Err(crate::Error::new(crate::ErrorCode::BadRequest));
    }
    let local = t.starts_with('/') && !t.starts_with("//") && !t.contains('\\') && t.len() <= 2048;
    Ok(if local { t.to_owned() } else { "/".to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(username(" GV.Hoa ").unwrap(), "gv.hoa");
        assert!(username("ab").is_err());
        assert!(username(".abc").is_err());
        assert!(username("hoà").is_err());
        assert!(username("a b c").is_err());
    }

    #[test]
    fn redirect_targets_stay_on_the_site() {
        assert_eq!(redirect_target(None).unwrap(), "/");
        assert_eq!(redirect_target(Some("/book?d=1")).unwrap(), "/book?d=1");
        for away in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(redirect_target(Some(away)).unwrap(), "/", "{away}");
        }
        for control in [
            "/\t/evil.example",
            "/\n/x",
            "/a\r\nSet-Cookie: x=1",
            "/\u{7f}",
        ] {
            let e = redirect_target(Some(control)).unwrap_err();
            assert_eq!(e.code.status(), 400, "{control:?}");
        }
    }

    #[test]
    fn passwords_and_names() {
        assert!(password("1234567").is_err());
        assert!(password("12345678").is_ok());
        assert_eq!(full_name("  Nguyễn  Thị Hoà ").unwrap(), "Nguyễn Thị Hoà");
        assert!(full_name("").is_err());
        assert_eq!(school_code("th-001").unwrap(), "TH-001");
        assert!(school_code("T").is_err());
        assert_eq!(students("1.250").unwrap(), 1250);
        assert!(students("-3").is_err());
        assert!(students("abc").is_err());
    }

    #[test]
    fn names_refuse_bidi_and_zero_width_characters() {
        for bad in [
            "Trường \u{202E}gnp.exe",
            "Lê\u{200B}Lợi",
            "\u{FEFF}Hoa",
            "Hoa\u{2066}x\u{2069}",
        ] {
            assert_eq!(
                name(bad, 200).unwrap_err().key,
                "validation.invisible_chars",
                "{bad:?}"
            );
            assert_eq!(
                full_name(bad).unwrap_err().key,
                "validation.invisible_chars",
                "{bad:?}"
            );
        }
        assert!(visible("Trường THCS Lê Lợi").is_ok());
    }
}
