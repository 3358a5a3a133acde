//! Plain-form answers and multipart reading, shared by the server functions (server only).
//!
//! A server function that is also the target of a plain HTML form (JavaScript not loaded yet,
//! or none at all on a weak connection) answers with a redirect back to the page the form was
//! on, carrying the outcome in the query string: a short success note, or the error (`__err`,
//! which `ServerAction` reads back) plus what the user typed, so nothing is lost.

use crate::error::UiError;
use http::header::{ACCEPT, REFERER};
use lophoc::text::percent_encode;
use lophoc::{Error, ErrorCode};
use server_fn::codec::MultipartData;
use server_fn::error::ServerFnUrlError;

/// At most this many bad lines travel back in a URL (the rest are counted in the message);
/// with JavaScript every line is shown.
const MAX_LINES_IN_URL: usize = 100;

/// Whether this request is a plain HTML form post: the browser asks for a page, where the
/// server-function client asks for data.
fn is_plain_form(parts: &http::request::Parts) -> bool {
    parts
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// The page the form was on: the local path of the `Referer` and its query's pairs (raw, as
/// they were in the URL). Only a local path: a forged `Referer` cannot send the user elsewhere.
pub fn referer(parts: &http::request::Parts) -> (String, Vec<(String, String)>) {
    let referer = parts
        .headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("/");
    let local = match referer.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
        None => referer,
    };
    let local = local.split('#').next().unwrap_or("/");
    let (path, query) = local.split_once('?').unwrap_or((local, ""));
    let path = lophoc::validate::redirect_target(Some(path)).unwrap_or_else(|_| "/".to_owned());
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    (path, pairs)
}

/// For a plain form post, redirects back to the form's page with the outcome: `ok(value)` on
/// success; on error the error (as `ServerAction` expects it) and `echo`, what the user typed
/// (see [`crate::serverfns::echo`]). `is_answer` names every key a form of that page may leave in
/// the query (the module's `back::is_answer`), so a new answer replaces the previous one. With
/// JavaScript nothing changes but the status: the page reads the value.
pub fn answer<T>(
    r: Result<T, UiError>,
    fn_path: &str,
    is_answer: impl Fn(&str) -> bool,
    ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
    echo: Vec<(String, String)>,
) -> Result<T, UiError> {
    answer_at(r, fn_path, "", is_answer, ok, echo)
}

/// [`answer`], back to `#anchor` of the form's page (empty: the page's top).
pub fn answer_at<T>(
    r: Result<T, UiError>,
    fn_path: &str,
    anchor: &str,
    is_answer: impl Fn(&str) -> bool,
    ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
    echo: Vec<(String, String)>,
) -> Result<T, UiError> {
    let (notes, echo) = match &r {
        Ok(v) => (ok(v), Vec::new()),
        Err(_) => (Vec::new(), echo),
    };
    send(r, fn_path, |k| !is_answer(k), notes, echo, anchor)
}

/// For a plain form post (no JavaScript), redirects back to the page the form was on (to
/// `#anchor` when given): the pairs of its query that `kept` accepts, overridden and extended by
/// `add(&r)` (empty values left out); on an error see [`send`]. With JavaScript nothing is
/// redirected: an error keeps its own status (409, 422…) instead of server_fn's blanket 500, so
/// logs and monitoring tell a typo from a failure.
pub fn reply<T>(
    r: Result<T, UiError>,
    fn_path: &str,
    kept: impl Fn(&str) -> bool,
    add: impl FnOnce(&Result<T, UiError>) -> Vec<(&'static str, String)>,
    anchor: &str,
) -> Result<T, UiError> {
    let notes = add(&r);
    send(r, fn_path, kept, notes, Vec::new(), anchor)
}

/// The one routine behind every plain-form answer: the pairs of the page's query that `kept`
/// accepts, overridden and extended by `notes` (empty values left out) and `echo` (empty values
/// kept: they read back into the form's struct), and on an error the error as `ServerAction`
/// reads it (at most [`MAX_LINES_IN_URL`] bad lines; the rest are counted in the message).
fn send<T>(
    r: Result<T, UiError>,
    fn_path: &str,
    kept: impl Fn(&str) -> bool,
    notes: Vec<(&'static str, String)>,
    echo: Vec<(String, String)>,
    anchor: &str,
) -> Result<T, UiError> {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return r;
    };
    if !is_plain_form(&parts) {
        if let (Err(e), Some(res)) = (
            &r,
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        ) && let Ok(status) = http::StatusCode::from_u16(e.code.status())
        {
            res.set_status(status);
        }
        return r;
    }
    let (path, pairs) = referer(&parts);
    let mut query: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| {
            k != "__err"
                && k != "__path"
                && kept(k)
                && !notes.iter().any(|(a, _)| a == k)
                && !echo.iter().any(|(a, _)| a == k)
        })
        .map(|(k, v)| if v.is_empty() { k } else { format!("{k}={v}") })
        .collect();
    query.extend(
        notes
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v))),
    );
    query.extend(
        echo.iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v))),
    );
    let r = match r {
        Ok(v) => Ok(v),
        Err(mut e) => {
            if e.lines.len() > MAX_LINES_IN_URL {
                let more = e.lines.len() - MAX_LINES_IN_URL;
                e.lines.truncate(MAX_LINES_IN_URL);
                let more = crate::i18n::trf("accounts.more_lines", &[("count", more.to_string())]);
                e.message = format!("{} {more}", e.message);
            }
            if let Ok(url) = ServerFnUrlError::new(fn_path, e.clone()).to_url("http://localhost/") {
                query.extend(url.query().map(str::to_owned));
            }
            Err(e)
        }
    };
    let mut to = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    if !anchor.is_empty() {
        to = format!("{to}#{anchor}");
    }
    leptos_axum::redirect(&to);
    r
}

/// The parts of a multipart form: its text fields and the bytes of one file part.
#[derive(Debug, Default)]
pub struct Multipart {
    /// Text fields (name, value), in order.
    pub fields: Vec<(String, String)>,
    /// The file part's bytes (empty when absent).
    pub file: Vec<u8>,
}

impl Multipart {
    /// A text field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unreadable(e: impl std::fmt::Display + std::fmt::Debug) -> Error {
    tracing::info!(error = %e, "unreadable multipart upload");
    if format!("{e} {e:?}").contains(lophoc::error::BODY_IDLE) {
        return Error::new(ErrorCode::RequestTimeout);
    }
    Error::new(ErrorCode::Validation)
}

/// Reads a multipart form: the part `file_name` as bytes, refused once over `max` bytes
/// (counted as the upload streams in, so an oversized file is never held in memory), and every
/// other part as a short text field (at most 1 KiB each: ids and codes, not documents).
pub async fn read_multipart(
    data: MultipartData,
    file_name: &str,
    max: usize,
) -> Result<Multipart, Error> {
    const MAX_FIELD: usize = 1024;
    let Some(mut mp) = data.into_inner() else {
        return Err(Error::internal());
    };
    let mut out = Multipart::default();
    while let Some(mut field) = mp.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == file_name;
        let limit = if is_file { max } else { MAX_FIELD };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > limit {
                return Err(if is_file {
                    Error::new(ErrorCode::PayloadTooLarge)
                } else {
                    Error::new(ErrorCode::Validation)
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            out.file = bytes;
        } else {
            out.fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(out)
}

/// The bytes of the multipart part `name`, refused once over `max` bytes (see
/// [`read_multipart`]); other parts are skipped.
pub async fn file_part(data: MultipartData, name: &str, max: usize) -> Result<Vec<u8>, Error> {
    let Some(mut mp) = data.into_inner() else {
        return Err(Error::internal());
    };
    while let Some(mut field) = mp.next_field().await.map_err(unreadable)? {
        if field.name() != Some(name) {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > max {
                return Err(Error::new(ErrorCode::PayloadTooLarge));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Ok(Vec::new())
}
