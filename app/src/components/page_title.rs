//! The document's `<title>`: the one way a page names itself.
//!
//! leptos_meta 0.8 does not escape the title: on the server it writes the text between
//! `<title>` and `</title>` as it is (`ServerMetaContextOutput::inject_meta_context` pushes
//! `TitleContext::as_string()`, the formatter's result, into the head). A page titled after
//! something a user wrote (a material, a device, a school) could then close the element and
//! plant markup in `<head>`: a `<meta http-equiv=refresh>` that sends every reader elsewhere, a
//! form posting to our own server functions. So:
//! - [`AppTitle`], once at the root, holds the only formatter, [`format_title`], which escapes
//!   the whole title for HTML on the server;
//! - pages name themselves with [`PageTitle`], never with `leptos_meta::Title` (a test below
//!   fails on any other use of it in this crate, so a new page cannot forget).
//!
//! In the browser the same formatter feeds `document.title`, which is text, not HTML: there it
//! must not escape (an island that changed the title would show `&lt;`).

use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::Title;

/// The product's name, the whole title of a page that names nothing else.
pub const APP_NAME: &str = "Lớp Học";

/// The document title for a page's `text`: `text · Lớp Học`, or the product's name alone;
/// HTML-escaped on the server (where it is written into the markup), as it is in the browser.
pub fn format_title(text: String) -> String {
    let full = if text.trim().is_empty() {
        APP_NAME.to_owned()
    } else {
        format!("{text} · {APP_NAME}")
    };
    if cfg!(feature = "ssr") {
        escape_html(&full)
    } else {
        full
    }
}

/// `s` as HTML text: `&`, `<`, `>`, `"` and `'` as character references. (Inside `<title>`,
/// an RCDATA element, `<` and `&` are the ones that matter; the quotes cost nothing.)
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The root of the title: the escaping formatter every page's title goes through. Once, in
/// [`crate::App`].
#[component]
pub fn AppTitle() -> impl IntoView {
    view! { <Title formatter=format_title /> }
}

/// Names the page: `text` is plain text (a user's words are safe here), shown as
/// `text · Lớp Học`.
#[component]
pub fn PageTitle(
    /// The page's name, as plain text.
    #[prop(into)]
    text: TextProp,
) -> impl IntoView {
    view! { <Title text /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn the_title_is_escaped_on_the_server() {
        let planted = r#"</title><meta http-equiv=refresh content="4;url=http://evil.example/"><h1>Phiên hết hạn…</h1>"#;
        let t = format_title(planted.to_owned());
        assert!(!t.contains('<') && !t.contains('>'), "{t}");
        assert_eq!(
            t,
            "&lt;/title&gt;&lt;meta http-equiv=refresh content=&quot;4;url=http://evil.example/&quot;&gt;\
             &lt;h1&gt;Phiên hết hạn…&lt;/h1&gt; · Lớp Học"
        );
        assert_eq!(
            format_title("Toán & Tiếng Việt".into()),
            "Toán &amp; Tiếng Việt · Lớp Học"
        );
        assert_eq!(format_title(String::new()), "Lớp Học");
    }

    /// Every title goes through [`AppTitle`]'s formatter only if no other file of this crate
    /// uses leptos_meta's `Title` (which a page could give raw text or its own formatter).
    #[test]
    fn pages_name_themselves_only_through_page_title() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("the source folder").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        assert!(files.len() > 30, "the crate's sources were found");
        let offenders: Vec<String> = files
            .iter()
            .filter(|p| !p.ends_with("components/page_title.rs"))
            .filter(|p| {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                text.contains("<Title")
                    || text.lines().any(|l| {
                        l.contains("leptos_meta") && (l.contains("Title") || l.contains('*'))
                    })
            })
            .map(|p| p.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "use PageTitle instead of leptos_meta's Title in {offenders:?}"
        );
    }
}
