//! The request being answered (server only): its caller, as the server's middleware resolved
//! it. The floor under both [`crate::i18n`] (the caller's language) and [`crate::ssr`] (the
//! server functions' helpers, which return [`crate::error::UiError`], itself worded through
//! `i18n`): it depends on neither, so the three do not go round in a circle.

use leptos::prelude::*;
use lophoc::services::Caller;

/// The caller the server's middleware resolved for this request.
pub fn caller() -> Caller {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<Caller>().cloned())
        .unwrap_or_default()
}
