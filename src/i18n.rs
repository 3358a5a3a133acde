//! Translations. Every string a user sees, and every API error message, comes from
//! `i18n/vi.txt` (the first language) or `i18n/en.txt`. A line is `key = text`; `{name}` marks a
//! value filled in by [`tf`]. A unit test keeps both files with the same keys and placeholders.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code (`vi`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses `vi` / `en` (and regional variants such as `en-GB`).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "vi" || s.starts_with("vi-") {
            Some(Lang::Vi)
        } else if s == "en" || s.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language an `Accept-Language` header asks for first among ours; Vietnamese when
    /// it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

const VI: &str = include_str!("i18n/vi.txt");
const EN: &str = include_str!("i18n/en.txt");

fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn table(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static VI_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    static EN_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    match lang {
        Lang::Vi => VI_T.get_or_init(|| parse(VI)),
        Lang::En => EN_T.get_or_init(|| parse(EN)),
    }
}

/// The text of `key` in `lang`; the key itself if it is missing (a test keeps that from
/// happening), so a gap shows as a key rather than as text in the other language.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match table(lang).get(key) {
        Some(v) => v,
        None => {
            // Leak-free fallback: the keys used in code are string literals.
            table(Lang::Vi)
                .get_key_value(key)
                .map(|(k, _)| *k)
                .unwrap_or("?")
        }
    }
}

/// Whether `key` exists (in Vietnamese, the reference file).
pub fn has_key(key: &str) -> bool {
    table(Lang::Vi).contains_key(key)
}

/// The text of `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut s = t(lang, key).to_owned();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let vi = table(Lang::Vi);
        let en = table(Lang::En);
        let mut missing: Vec<String> = vi
            .keys()
            .filter(|k| !en.contains_key(*k))
            .map(|k| format!("en lacks {k}"))
            .collect();
        missing.extend(
            en.keys()
                .filter(|k| !vi.contains_key(*k))
                .map(|k| format!("vi lacks {k}")),
        );
        for (k, v) in vi {
            if let Some(e) = en.get(k)
                && placeholders(v) != placeholders(e)
            {
                missing.push(format!("{k}: placeholders differ"));
            }
        }
        missing.sort();
        assert!(missing.is_empty(), "{missing:#?}");
        assert!(vi.len() > 50);
    }

    #[test]
    fn no_duplicate_keys() {
        for src in [VI, EN] {
            let mut seen = std::collections::HashSet::new();
            for l in src
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let k = l.split_once('=').map(|(k, _)| k.trim()).unwrap_or(l);
                assert!(seen.insert(k), "duplicate key {k}");
            }
        }
    }

    /// Every key the code names where a translation is looked up (`Msg::new("…")`, `t(lang,
    /// "…")`, `tf(…)`, the UI's `tr("…")` / `trf("…")`, `label_key` arms) exists: a typo would show
    /// users "?" instead of text.
    #[test]
    fn every_key_used_in_code_exists() {
        fn rs_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    rs_files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src", "app/src", "server/src"] {
            rs_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 20, "found the sources");
        let vi = table(Lang::Vi);
        let mut missing = Vec::new();
        let openers = [
            "Msg::new(\"",
            "tr(\"",
            "trf(\"",
            "t(lang, \"",
            "tf(lang, \"",
            "=> \"",
        ];
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            for opener in openers {
                for (i, _) in text.match_indices(opener) {
                    let rest = &text[i + opener.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    let looks_like_key = key.contains('.')
                        && !key.contains(' ')
                        && key.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c)
                        });
                    // `=> "…"` arms are only keys in `label_key`/`message_key`-style functions:
                    // those return namespaced keys that exist in the file's namespaces.
                    if opener == "=> \"" {
                        let ns = key.split('.').next().unwrap_or("");
                        if !looks_like_key || !vi.keys().any(|k| k.starts_with(&format!("{ns}."))) {
                            continue;
                        }
                    }
                    if looks_like_key && !vi.contains_key(key) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "keys used in code but not in vi.txt: {missing:#?}"
        );
    }

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("fr, vi;q=0.5, en;q=0.4"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            tf(Lang::En, "import.line", &[("line", "3".into())]),
            "Line 3"
        );
    }
}
