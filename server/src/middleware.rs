//! The request pipeline: request ids, the caller (session, language, address), cross-origin
//! refusal, security headers, localized errors.

use crate::api::error::{PendingError, body, response};
use crate::config::SecureCookies;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lophoc::error::{Error, ErrorCode};
use lophoc::i18n::Lang;
use lophoc::services::caller::{LANG_COOKIE, SESSION_COOKIE, SESSION_COOKIE_SECURE, cookie};
use lophoc::services::{Caller, auth};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Request ids: a per-process random prefix and a counter, short enough to read in a log and
/// unique across restarts.
#[derive(Clone)]
pub struct MakeId {
    prefix: String,
    next: std::sync::Arc<AtomicU64>,
}

impl Default for MakeId {
    fn default() -> Self {
        MakeId {
            prefix: format!("{:06x}", rand::random::<u32>() & 0xff_ffff),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _req: &http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// The language of a request: the language cookie, else `Accept-Language`, else Vietnamese.
pub fn request_lang(h: &HeaderMap) -> Lang {
    header_str(h, header::COOKIE)
        .and_then(|c| cookie(c, LANG_COOKIE))
        .and_then(Lang::parse)
        .unwrap_or_else(|| {
            header_str(h, header::ACCEPT_LANGUAGE)
                .map(Lang::from_accept_language)
                .unwrap_or_default()
        })
}

/// Paths that never need a session: the site's static files and the health check.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/favicon.ico"
        || path == "/icons.svg"
}

/// Resolves the caller once per request and stores it in the request's extensions.
pub async fn resolve_caller(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if is_static(req.uri().path()) {
        return next.run(req).await;
    }
    let h = req.headers();
    let lang = request_lang(h);
    let forwarded_https = state.http.trust_proxy
        && header_str(h, header::HeaderName::from_static("x-forwarded-proto")) == Some("https");
    let secure = match state.http.secure_cookies {
        SecureCookies::On => true,
        SecureCookies::Off => false,
        SecureCookies::Auto => forwarded_https,
    };
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let ip = if state.http.trust_proxy {
        header_str(h, header::HeaderName::from_static("x-forwarded-for"))
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_owned())
            .or(peer)
    } else {
        peer
    }
    .unwrap_or_else(|| "unknown".to_owned());
    let token = header_str(h, header::COOKIE).and_then(|c| {
        cookie(c, SESSION_COOKIE_SECURE)
            .or_else(|| cookie(c, SESSION_COOKIE))
            .map(str::to_owned)
    });
    let user = match &token {
        Some(t) if !t.is_empty() => match auth::session_user(&state.ctx, t).await {
            Ok(u) => u,
            Err(e) => return response(&e, lang),
        },
        _ => None,
    };
    req.extensions_mut().insert(Caller {
        user,
        token,
        lang,
        ip,
        secure,
    });
    next.run(req).await
}

/// Refuses cross-site state-changing requests (API.md): `Sec-Fetch-Site` present and neither
/// `same-origin` nor `none`, or `Origin` present and not this host. A request with neither
/// header (a script, curl) passes. Applies to the REST API, the server functions and forms.
pub async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let site_ok = header_str(h, header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|s| s == "same-origin" || s == "none");
    let origin_ok = match header_str(h, header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = header_str(h, header::HOST).unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
    };
    if site_ok && origin_ok {
        return next.run(req).await;
    }
    let lang = request_lang(h);
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
    response(&Error::new(ErrorCode::CrossOrigin), lang)
}

/// Security headers on every response. HTML pages set their own Content-Security-Policy with
/// a per-response nonce (see `app::shell`); everything else gets one that allows nothing.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(self), microphone=(), geolocation=(), interest-cohort=()",
        ),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

/// Renders a [`PendingError`] left by a handler in the caller's language.
pub async fn localize_errors(req: Request, next: Next) -> Response {
    let lang = req
        .extensions()
        .get::<Caller>()
        .map(|c| c.lang)
        .unwrap_or_else(|| request_lang(req.headers()));
    let res = next.run(req).await;
    let Some(PendingError(e)) = res.extensions().get::<PendingError>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.extensions.remove::<PendingError>();
    Response::from_parts(parts, Body::from(body(&e, lang).to_string()))
}

/// A panic in one request is a 500 for that request only, logged with its id.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("panic");
    tracing::error!(panic = detail, "request panicked");
    response(&Error::internal(), Lang::Vi).into_response()
}

/// Gives a server function's error its real status. Leptos answers every server-function error
/// with 500, so a refusal (401, 403, 404) or a bad form (422) looked like a crash to monitoring
/// and to the authorization matrix. The error body is the app's `UiError` JSON, whose `code` is
/// an API error code; the status becomes that code's. Clients of server functions treat every
/// 4xx and 5xx alike, so only the status changes.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/fn/") {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are small; anything larger is passed on untouched (as an empty 500 body
    // would be worse than a wrong status, read at most 1 MiB).
    let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let code = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("code").cloned())
        .and_then(|c| serde_json::from_value::<ErrorCode>(c).ok());
    if let Some(code) = code
        && let Ok(status) = axum::http::StatusCode::from_u16(code.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
