//! Server-side helpers for server functions: the caller, the services' context, errors in the
//! caller's language, cookies and redirects.

use crate::error::UiError;
use http::HeaderValue;
use http::header::SET_COOKIE;
use leptos::prelude::*;
use lophoc::model::Actor;
use lophoc::services::{Caller, Ctx};

pub use crate::request::caller;

/// The caller and the acting user, or 401 in the caller's language.
pub fn actor() -> Result<(Caller, Actor), UiError> {
    let c = caller();
    let a = c.actor().map_err(|e| fail(&c, e))?;
    Ok((c, a))
}

/// The services' context.
pub fn ctx() -> Result<Ctx, UiError> {
    use_context::<Ctx>().ok_or_else(|| {
        tracing::error!("services context missing");
        UiError::from(lophoc::Error::internal().localize(caller().lang))
    })
}

/// A core error in the caller's language.
pub fn fail(c: &Caller, e: lophoc::Error) -> UiError {
    UiError::from(e.localize(c.lang))
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(SET_COOKIE, v);
    }
}

/// A local path to go to after a form (see [`lophoc::validate::redirect_target`]): a crafted
/// link cannot send the user to another site, and a control character is a 400.
pub fn safe_path(next: Option<&str>) -> Result<String, UiError> {
    lophoc::validate::redirect_target(next).map_err(|e| fail(&caller(), e))
}

/// Whether this request is a browser's own form submission (JavaScript off), which must be
/// answered with a redirect, rather than a script's call.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}
