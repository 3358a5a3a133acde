//! The one error type of the core. Services return it; the REST API and the server functions
//! turn it into a status code and a message in the user's language. Internal details are logged
//! where they happen and never carried to the user.

use crate::i18n::{Lang, t, tf};
use serde::{Deserialize, Serialize};

/// The text of the error the server gives a request body that stopped arriving (an upload
/// stalled past its idle timeout); readers of a body tell it from other failures by it.
pub const BODY_IDLE: &str = "request body idle timeout";

/// The error codes of API.md, with their HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: a request no form of ours sends (a control character in a return address).
    BadRequest,
    /// 401: no or dead session.
    Unauthenticated,
    /// 401: wrong login (the same answer for an unknown user and a wrong password).
    InvalidCredentials,
    /// 403: not allowed for this role or school.
    Forbidden,
    /// 403: a cross-site state-changing request.
    CrossOrigin,
    /// 404: no such thing, or not visible to this user.
    NotFound,
    /// 408: an upload's body stopped arriving.
    RequestTimeout,
    /// 409: the slot is taken, the name exists.
    Conflict,
    /// 413: over the configured size.
    PayloadTooLarge,
    /// 415: file type not accepted.
    UnsupportedMediaType,
    /// 422: bad field values or bad import lines.
    Validation,
    /// 429: too many attempts.
    RateLimited,
    /// 503: overloaded, try again.
    Unavailable,
    /// 500: a bug or an outage; details are in the log only.
    Internal,
}

impl ErrorCode {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::CrossOrigin => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Validation => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CrossOrigin => "cross_origin",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Validation => "validation",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The translation key of the generic message for this code.
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "error.bad_request",
            ErrorCode::Unauthenticated => "error.unauthenticated",
            ErrorCode::InvalidCredentials => "error.invalid_credentials",
            ErrorCode::Forbidden => "error.forbidden",
            ErrorCode::CrossOrigin => "error.cross_origin",
            ErrorCode::NotFound => "error.not_found",
            ErrorCode::RequestTimeout => "error.request_timeout",
            ErrorCode::Conflict => "error.conflict",
            ErrorCode::PayloadTooLarge => "error.payload_too_large",
            ErrorCode::UnsupportedMediaType => "error.unsupported_media_type",
            ErrorCode::Validation => "error.validation",
            ErrorCode::RateLimited => "error.rate_limited",
            ErrorCode::Unavailable => "error.unavailable",
            ErrorCode::Internal => "error.internal",
        }
    }
}

/// A translatable message: a key of the translation files and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    /// The translation key.
    pub key: String,
    /// Placeholder values.
    pub args: Vec<(String, String)>,
}

impl Msg {
    /// A message without placeholders.
    pub fn new(key: &str) -> Msg {
        Msg {
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Msg {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a number with at most one decimal, written in the reader's language when the
    /// message is rendered (`2,5` / `2.5`; see [`crate::text::numbers`]).
    pub fn decimal_arg(self, name: &str, x: f64) -> Msg {
        self.arg(name, format!("{NUMBER}d{x}"))
    }

    /// Adds a size in bytes, written in the reader's language when rendered (`1,5 MB`).
    pub fn size_arg(self, name: &str, bytes: i64) -> Msg {
        self.arg(name, format!("{NUMBER}s{bytes}"))
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        if self.args.is_empty() {
            return t(lang, &self.key).to_owned();
        }
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), render_value(v, lang)))
            .collect();
        tf(lang, &self.key, &args)
    }

    /// A nested message as a placeholder value (see [`Msg::render`]): `@key|name=value…`.
    pub fn nested(&self) -> String {
        let mut s = format!("@{}", self.key);
        for (k, v) in &self.args {
            s.push_str(&format!("|{k}={v}"));
        }
        s
    }
}

/// Marks a placeholder value that is a number written at rendering ([`Msg::decimal_arg`]): a
/// control character no typed text carries.
const NUMBER: char = '\u{1f}';

/// A placeholder value; one written by [`Msg::nested`] is itself translated, a number
/// ([`Msg::decimal_arg`], [`Msg::size_arg`]) written in `lang`.
fn render_value(v: &str, lang: Lang) -> String {
    if let Some(n) = v.strip_prefix(NUMBER) {
        use crate::text::numbers;
        let decimal = n.strip_prefix('d').and_then(|x| x.parse::<f64>().ok());
        let size = n.strip_prefix('s').and_then(|x| x.parse::<i64>().ok());
        return match (decimal, size) {
            (Some(x), _) => numbers::decimal(lang, x, 1),
            (_, Some(b)) => numbers::size(lang, b),
            _ => n.to_owned(),
        };
    }
    match v.strip_prefix('@') {
        Some(rest) => {
            let mut parts = rest.split('|');
            let mut m = Msg::new(parts.next().unwrap_or(""));
            for p in parts {
                if let Some((k, val)) = p.split_once('=') {
                    m = m.arg(k, val);
                }
            }
            m.render(lang)
        }
        None => v.to_owned(),
    }
}

/// A bad field of a form or request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the API spells it.
    pub field: String,
    /// What is wrong.
    pub msg: Msg,
}

/// A bad line of a CSV import (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    /// The line number.
    pub line: u64,
    /// What is wrong.
    pub msg: Msg,
}

/// What an error carries besides its message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Details {
    /// Nothing more.
    #[default]
    None,
    /// Every bad field at once.
    Fields(Vec<FieldError>),
    /// Every bad line at once.
    Lines(Vec<LineError>),
    /// What conflicts, as JSON the API sends as `details`.
    Conflict(String),
}

/// An error of the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}: {}", code.as_str(), msg.key)]
pub struct Error {
    /// The code (and so the status).
    pub code: ErrorCode,
    /// The message.
    pub msg: Msg,
    /// Fields, lines or conflicts.
    pub details: Details,
    /// For 429 and 503: seconds until a retry may succeed.
    pub retry_after: Option<u64>,
}

/// A localized error, as the API sends it inside `{"error": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedError {
    /// The code.
    pub code: ErrorCode,
    /// The message in the user's language.
    pub message: String,
    /// Per-field messages (field, message).
    pub fields: Vec<(String, String)>,
    /// Per-line messages (line, message).
    pub lines: Vec<(u64, String)>,
    /// Conflict details as JSON text.
    pub conflict: Option<String>,
}

impl Error {
    /// An error with the generic message of its code.
    pub fn new(code: ErrorCode) -> Error {
        Error {
            code,
            msg: Msg::new(code.message_key()),
            details: Details::None,
            retry_after: None,
        }
    }

    /// An error with its own message.
    pub fn with_msg(code: ErrorCode, msg: Msg) -> Error {
        Error {
            code,
            msg,
            details: Details::None,
            retry_after: None,
        }
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> Error {
        Error::new(ErrorCode::Unauthenticated)
    }

    /// 403 `forbidden`.
    pub fn forbidden() -> Error {
        Error::new(ErrorCode::Forbidden)
    }

    /// 404 `not_found`.
    pub fn not_found() -> Error {
        Error::new(ErrorCode::NotFound)
    }

    /// 500 `internal`. The cause must have been logged by the caller.
    pub fn internal() -> Error {
        Error::new(ErrorCode::Internal)
    }

    /// 409 `conflict` with a message and JSON details.
    pub fn conflict(msg: Msg, details_json: String) -> Error {
        Error {
            details: Details::Conflict(details_json),
            ..Error::with_msg(ErrorCode::Conflict, msg)
        }
    }

    /// 422 `validation` listing every bad field.
    pub fn fields(fields: Vec<FieldError>) -> Error {
        Error {
            details: Details::Fields(fields),
            ..Error::new(ErrorCode::Validation)
        }
    }

    /// 422 `validation` for one field.
    pub fn field(field: &str, msg: Msg) -> Error {
        Error::fields(vec![FieldError {
            field: field.to_owned(),
            msg,
        }])
    }

    /// 422 `validation` listing every bad line of an import.
    pub fn lines(lines: Vec<LineError>) -> Error {
        Error {
            msg: Msg::new("error.import_lines").arg("count", lines.len()),
            details: Details::Lines(lines),
            ..Error::new(ErrorCode::Validation)
        }
    }

    /// The same error with another code (and so status), keeping message and details.
    pub fn with_code(mut self, code: ErrorCode) -> Error {
        self.code = code;
        if self.msg.key == ErrorCode::Validation.message_key() {
            self.msg = Msg::new(code.message_key());
        }
        self
    }

    /// The error in `lang`.
    pub fn localize(&self, lang: Lang) -> LocalizedError {
        let (fields, lines, conflict) = match &self.details {
            Details::None => (vec![], vec![], None),
            Details::Fields(f) => (
                f.iter()
                    .map(|e| (e.field.clone(), e.msg.render(lang)))
                    .collect(),
                vec![],
                None,
            ),
            Details::Lines(l) => (
                vec![],
                l.iter().map(|e| (e.line, e.msg.render(lang))).collect(),
                None,
            ),
            Details::Conflict(c) => (vec![], vec![], Some(c.clone())),
        };
        LocalizedError {
            code: self.code,
            message: self.msg.render(lang),
            fields,
            lines,
            conflict,
        }
    }
}

/// Collects field errors so a form reports every problem at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, msg: Msg) {
        self.0.push(FieldError {
            field: field.to_owned(),
            msg,
        });
    }

    /// Records the error of a check, if any.
    pub fn check<T>(&mut self, field: &str, r: Result<T, Msg>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }

    /// Ok when nothing was recorded, else a 422 listing them all.
    pub fn finish(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::fields(self.0))
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
