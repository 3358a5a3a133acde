//! The error server functions return: the core error already in the user's language.

use lophoc::error::{ErrorCode, LocalizedError};
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// An error shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiError {
    /// The API error code.
    pub code: ErrorCode,
    /// The message in the user's language.
    pub message: String,
    /// Per-field messages (field, message).
    pub fields: Vec<(String, String)>,
    /// Per-line messages of an import (line, message).
    pub lines: Vec<(u64, String)>,
}

impl UiError {
    /// The message for one field, if it has one.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
}

/// The error a plain form post of `fn_path` left in the page's query (`__err`, `__path`), if
/// any: another form's error is not this one's.
pub fn from_query(q: &leptos_router::params::ParamsMap, fn_path: &str) -> Option<UiError> {
    (q.get("__path").as_deref() == Some(fn_path))
        .then(|| q.get("__err"))
        .flatten()
        .map(|e| server_fn::error::ServerFnUrlError::<UiError>::decode_err(&e))
}

/// A field's message in a form's error, as a field takes it.
pub fn field_error(error: &Option<UiError>, name: &str) -> leptos::prelude::Signal<Option<String>> {
    let message = error.as_ref().and_then(|e| e.field(name));
    leptos::prelude::Signal::derive(move || message.clone())
}

/// Gives the page being rendered the status of a refusal it shows: a page that answers "you are
/// not allowed" answers HTTP 403, not 200 (monitoring, the authorization matrix and crawlers
/// read the status, not the text). Called by the components that show errors
/// ([`ErrorAlert`](crate::components::error_alert::ErrorAlert),
/// [`Forbidden`](crate::components::notice::Forbidden)), so every page that shows a refusal
/// sets it without thinking of it. Other errors keep the page's status: a form's 422 or 409
/// after a redirect is shown on a page that itself loaded fine. In the browser: nothing.
pub fn set_page_status(code: ErrorCode) {
    #[cfg(feature = "ssr")]
    if code == ErrorCode::Forbidden
        && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        res.set_status(http::StatusCode::FORBIDDEN);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

impl From<LocalizedError> for UiError {
    fn from(l: LocalizedError) -> Self {
        UiError {
            code: l.code,
            message: l.message,
            fields: l.fields,
            lines: l.lines,
        }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UiError {}

impl FromServerFnError for UiError {
    type Encoder = JsonEncoding;

    /// Transport failures (no network, a proxy's error page): the user's connection, not their
    /// input, so the message says to try again.
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        let lang = crate::i18n::current_lang();
        #[cfg(feature = "ssr")]
        tracing::warn!(error = %e, "server function transport error");
        #[cfg(not(feature = "ssr"))]
        let _ = e;
        UiError {
            code: ErrorCode::Unavailable,
            message: lophoc::i18n::t(lang, "error.network").to_owned(),
            fields: vec![],
            lines: vec![],
        }
    }
}
