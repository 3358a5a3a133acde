//! The API's error body: `{"error": {"code", "message", "details"}}` with the message in the
//! caller's language.
//!
//! Handlers return [`ApiError`] with `?`; it does not know the language, so it travels in the
//! response's extensions and [`localize`](crate::middleware::localize_errors) renders it with
//! the request's language on the way out.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lophoc::error::{Details, Error, ErrorCode};
use lophoc::i18n::Lang;
use serde_json::{Value, json};

/// An error a handler returns.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<ErrorCode> for ApiError {
    fn from(c: ErrorCode) -> Self {
        ApiError(Error::new(c))
    }
}

/// The error, unrendered, waiting in a response's extensions for the language.
#[derive(Debug, Clone)]
pub struct PendingError(pub Error);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = status.into_response();
        if let Some(s) = self.0.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res.extensions_mut().insert(PendingError(self.0));
        res
    }
}

/// The JSON body of an error in `lang`.
pub fn body(e: &Error, lang: Lang) -> Value {
    let l = e.localize(lang);
    let details = match &e.details {
        Details::None => Value::Null,
        Details::Fields(_) => Value::Array(
            l.fields
                .iter()
                .map(|(f, m)| json!({"field": f, "message": m}))
                .collect(),
        ),
        Details::Lines(_) => Value::Array(
            l.lines
                .iter()
                .map(|(n, m)| json!({"line": n, "message": m}))
                .collect(),
        ),
        Details::Conflict(c) => serde_json::from_str(c).unwrap_or(Value::Null),
    };
    json!({"error": {"code": e.code.as_str(), "message": l.message, "details": details}})
}

/// Renders an error as a full response in `lang` (for middleware that answers early).
pub fn response(e: &Error, lang: Lang) -> Response {
    let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (status, Json(body(e, lang))).into_response();
    if let Some(s) = e.retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    res
}

/// The result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
