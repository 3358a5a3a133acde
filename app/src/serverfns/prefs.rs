//! Preferences: the UI language.

use crate::error::UiError;
use leptos::prelude::*;

/// Remembers the language in a cookie and goes back to the page (a plain form post, so it
/// works without JavaScript; the page reloads in the new language).
#[server(prefix = "/fn", endpoint = "set_lang")]
pub async fn set_lang(
    /// The language chosen (a language code).
    lang: String,
    /// The page to go back to (a path on this site).
    back: Option<String>,
) -> Result<(), UiError> {
    use crate::ssr::{caller, safe_path, set_cookie};
    let c = caller();
    let back = safe_path(back.as_deref())?;
    let lang = lophoc::Lang::parse(&lang).unwrap_or_default();
    set_cookie(&c.lang_cookie(lang));
    leptos_axum::redirect(&back);
    Ok(())
}
