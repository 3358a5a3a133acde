//! The UI's language: decided on the server (language cookie, else `Accept-Language`), written
//! into `<html lang>`, and read back from there by an island in the browser, so both sides render
//! the same text. Switching language reloads the page.

use leptos::prelude::*;
use lophoc::i18n::Lang;

/// Puts the request's language in context.
pub fn provide_lang() {
    provide_context(current_lang());
}

/// The language of this page.
pub fn current_lang() -> Lang {
    if let Some(l) = use_context::<Lang>() {
        return l;
    }
    #[cfg(feature = "ssr")]
    {
        crate::request::caller().lang
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_lang().unwrap_or_default()
    }
}

#[cfg(not(feature = "ssr"))]
fn document_lang() -> Option<Lang> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()?
            .document()?
            .document_element()?
            .get_attribute("lang")
            .and_then(|l| Lang::parse(&l))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The text of `key` in the page's language.
pub fn tr(key: &str) -> &'static str {
    lophoc::i18n::t(current_lang(), key)
}

/// The text of `key` with placeholders filled in.
pub fn trf(key: &str, args: &[(&str, String)]) -> String {
    lophoc::i18n::tf(current_lang(), key, args)
}
