//! The request pipeline: request ids, the caller (session, language, address), cross-origin
//! refusal, security headers, localized errors.

use crate::api::error::{PendingError, body, response};
use crate::config::{HttpConfig, SecureCookies};
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
use std::net::{IpAddr, SocketAddr};
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
        || path == "/sw.js"
}

/// The client's address and whether the request came over HTTPS, as this server can know them:
/// the peer, unless it is a trusted reverse proxy (`LOPHOC_TRUST_PROXY` and
/// `LOPHOC_TRUSTED_PROXIES`); then the rightmost `X-Forwarded-For` entry that is not a trusted
/// proxy (each proxy appends the address it saw, so entries to the left of it are whatever the
/// client wrote) and the proxy's `X-Forwarded-Proto`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address, or "unknown".
    pub ip: String,
    /// Whether the request came over HTTPS (for cookies and HSTS).
    pub https: bool,
}

/// See [`ClientInfo`]. A pure function of the peer and the headers, for tests.
pub fn client_info(http: &HttpConfig, peer: Option<IpAddr>, h: &HeaderMap) -> ClientInfo {
    let trusted = |ip: IpAddr| http.trusted_proxies.iter().any(|n| n.contains(ip));
    let via_proxy = http.trust_proxy && peer.is_some_and(trusted);
    let mut ip = peer.map(|p| p.to_string());
    if via_proxy {
        // Every X-Forwarded-For header, in order, as one list.
        let hops: Vec<&str> = h
            .get_all(header::HeaderName::from_static("x-forwarded-for"))
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(a) if trusted(a) => ip = Some(a.to_string()),
                Ok(a) => {
                    ip = Some(a.to_string());
                    break;
                }
                // Garbage where an address should be: nothing left of it can be believed.
                Err(_) => break,
            }
        }
    }
    let forwarded_https = via_proxy
        && header_str(h, header::HeaderName::from_static("x-forwarded-proto"))
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let https = match http.secure_cookies {
        SecureCookies::On => true,
        SecureCookies::Off => false,
        SecureCookies::Auto => forwarded_https,
    };
    ClientInfo {
        ip: ip.unwrap_or_else(|| "unknown".to_owned()),
        https,
    }
}

fn request_client(state: &AppState, req: &Request) -> ClientInfo {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_info(&state.http, peer, req.headers())
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
    let client = request_client(&state, &req);
    let h = req.headers();
    let lang = request_lang(h);
    // Under HTTPS only the `__Host-` cookie counts (a plain one could have been planted by a
    // sibling host or over HTTP); over plain HTTP only the plain one exists.
    let name = if client.https {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    };
    let token = header_str(h, header::COOKIE)
        .and_then(|c| cookie(c, name))
        .map(str::to_owned);
    // The device cookie only matters to a login, which judges it (see `auth::sign_in`).
    let device = header_str(h, header::COOKIE)
        .and_then(|c| cookie(c, Caller::device_cookie_name(client.https)))
        .map(str::to_owned);
    let user = match &token {
        Some(t) if !t.is_empty() && t.len() <= 128 => {
            match auth::session_user(&state.ctx, t).await {
                Ok(u) => u,
                Err(e) => return response(&e, lang),
            }
        }
        _ => None,
    };
    // Someone else set this user's password: the only page for them is the one that changes
    // it (the services refuse everything else anyway, see `Caller::actor`).
    let path = req.uri().path();
    if user.as_ref().is_some_and(|u| u.must_change_password)
        && req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/fn/")
        && path != "/password"
        && path != "/login"
    {
        return axum::response::Redirect::to("/password").into_response();
    }
    let caller = Caller {
        user,
        token,
        device,
        lang,
        ip: client.ip,
        secure: client.https,
    };
    let what = format!("{} {}", req.method(), req.uri().path());
    req.extensions_mut().insert(caller.clone());
    let res = next.run(req).await;
    // A refusal of a signed-in user (403, from whichever service refused it) is audited here,
    // once for the REST API and the server functions alike (RELIABILITY.md #8).
    if res.status() == axum::http::StatusCode::FORBIDDEN
        && let Some(u) = &caller.user
    {
        let record = lophoc::services::audit::Record {
            actor: Some(&lophoc::model::Actor::from(u)),
            school_id: u.school_id,
            object: what.chars().take(200).collect(),
            ip: Some(&caller.ip),
            ..Default::default()
        };
        if let Err(e) = lophoc::services::audit::write(
            &state.ctx.db.pool,
            state.ctx.now(),
            lophoc::services::audit::Action::AccessDenied,
            record,
        )
        .await
        {
            tracing::warn!(error = ?e, "auditing a refusal failed");
        }
    }
    res
}

/// The time limits (RELIABILITY.md: no request holds a connection for ever). A request is
/// answered within [`HttpConfig::request_timeout`] (503 after it) — except one that takes files:
/// a 200 MB upload over a school's 4 Mbit/s line takes minutes and must not be cut off while
/// its bytes keep coming. Its body is cut off instead when no byte arrives for
/// [`HttpConfig::upload_idle_timeout`] (a stalled or trickling client holding a connection),
/// which the store's reader turns into 408, removing what was staged; its size is capped by
/// [`limit_body`] and the store.
pub async fn timeouts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if takes_files(req.uri().path()) {
        let idle = state.http.upload_idle_timeout;
        let (parts, body) = req.into_parts();
        let body = Body::from_stream(idle_timeout(body, idle));
        return next.run(Request::from_parts(parts, body)).await;
    }
    let lang = request_lang(req.headers());
    match tokio::time::timeout(state.http.request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!("request timed out");
            response(&Error::new(ErrorCode::Unavailable), lang)
        }
    }
}

/// A body's bytes as they come, ending with [`BodyIdle`] when none arrives for `idle`.
fn idle_timeout(
    body: Body,
    idle: std::time::Duration,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, axum::BoxError>> + Send {
    use futures::StreamExt;
    futures::stream::unfold(Some(body.into_data_stream()), move |s| async move {
        let mut s = s?;
        match tokio::time::timeout(idle, s.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(s))),
            Ok(Some(Err(e))) => Some((Err(axum::BoxError::from(e)), None)),
            Ok(None) => None,
            Err(_) => {
                tracing::info!(idle_secs = idle.as_secs_f64(), "upload stalled; cut off");
                Some((Err(axum::BoxError::from(BodyIdle)), None))
            }
        }
    })
}

/// An upload's body stopped arriving (see [`timeouts`]). Told apart from other read errors by
/// the store's reader ([`lophoc::services::materials::read_multipart`]) by its text.
#[derive(Debug)]
pub struct BodyIdle;

impl std::fmt::Display for BodyIdle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(lophoc::error::BODY_IDLE)
    }
}

impl std::error::Error for BodyIdle {}

/// Whether a route takes files (CSV imports, material uploads): only these get the large body
/// limit.
fn takes_files(path: &str) -> bool {
    (path.starts_with("/api/") && path.ends_with("/import"))
        || path == "/api/v1/materials"
        || (path.starts_with("/api/v1/materials/") && path.ends_with("/file"))
        || path.starts_with("/fn/import_")
        || path.starts_with("/fn/upload_")
}

/// What a multipart upload adds to its file: part headers and boundaries, and the text fields
/// of a material's form. The file itself is capped by the store while it streams.
const MULTIPART_OVERHEAD: usize = 256 * 1024;

/// Caps request bodies before anything reads them: the upload limit on routes that take files,
/// about 1 MiB everywhere else. A declared length over the cap is refused at once (413 in the
/// caller's language); a body without one is cut off at the cap while it streams, so the
/// extractor reading it fails with 413 too. Nothing behind this reads a byte more.
pub async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = if takes_files(req.uri().path()) {
        state
            .http
            .max_upload_bytes
            .saturating_add(MULTIPART_OVERHEAD)
    } else {
        state.http.max_body_bytes
    };
    let declared = header_str(req.headers(), header::CONTENT_LENGTH)
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let lang = request_lang(req.headers());
        return response(&Error::new(ErrorCode::PayloadTooLarge), lang);
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Whether a browser's `Origin` names this server: the same scheme, host and port. The host is
/// the request's `Host`; the scheme is the one this server is reached by (HTTPS when it is
/// configured so or a trusted proxy says so, see [`client_info`]); a port left out is the
/// scheme's default. `https://host` is another origin than `http://host`: a page served over
/// plain HTTP on the same name (a captive portal, a sibling service) must not post here, and
/// the other way round. `null` (a sandboxed frame, a `data:` page) matches nothing.
pub fn same_origin(origin: &str, host: &str, https: bool) -> bool {
    let Some((scheme, rest)) = origin.trim().split_once("://") else {
        return false;
    };
    let expected_scheme = if https { "https" } else { "http" };
    if !scheme.eq_ignore_ascii_case(expected_scheme) || rest.is_empty() || rest.contains('/') {
        return false;
    }
    let default_port = if https { 443 } else { 80 };
    match (
        authority(rest, default_port),
        authority(host.trim(), default_port),
    ) {
        (Some(a), Some(b)) => a.0.eq_ignore_ascii_case(&b.0) && a.1 == b.1,
        _ => false,
    }
}

/// `host[:port]` (an IPv6 address in brackets) as (host, port), the port `default` when absent;
/// `None` for anything else (user info, a path, a port that is not a number).
fn authority(s: &str, default: u16) -> Option<(String, u16)> {
    if s.is_empty() || s.contains(['@', '/', '?', '#', ' ']) {
        return None;
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        match after {
            "" => (format!("[{h}]"), None),
            p => (format!("[{h}]"), Some(p.strip_prefix(':')?)),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (s.to_owned(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return None;
    }
    let port = match port {
        None => default,
        Some(p) => p.parse::<u16>().ok()?,
    };
    Some((host, port))
}

/// Refuses cross-site state-changing requests (API.md): `Sec-Fetch-Site` present and neither
/// `same-origin` nor `none`, or `Origin` present and not this server's origin (scheme, host
/// and port, see [`same_origin`]). A request with neither header (a script, curl) passes.
/// Applies to the REST API, the server functions and forms.
pub async fn refuse_cross_origin(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let site_ok = header_str(h, header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|s| s == "same-origin" || s == "none");
    let origin_ok = match header_str(h, header::ORIGIN) {
        None => true,
        Some(origin) => {
            let https = request_client(&state, &req).https;
            same_origin(origin, header_str(h, header::HOST).unwrap_or(""), https)
        }
    };
    if site_ok && origin_ok {
        return next.run(req).await;
    }
    let lang = request_lang(h);
    tracing::warn!(
        method = %req.method(),
        path = %req.uri().path(),
        origin = header_str(h, header::ORIGIN).unwrap_or("-"),
        "cross-origin request refused (behind a TLS proxy, set LOPHOC_TRUST_PROXY or \
         LOPHOC_SECURE_COOKIES=on so the server knows it is served over HTTPS)"
    );
    response(&Error::new(ErrorCode::CrossOrigin), lang)
}

/// Security headers on every response. HTML pages set their own Content-Security-Policy with
/// a per-response nonce (see `app::shell`); everything else gets one that allows nothing.
/// Under HTTPS, `Strict-Transport-Security`. Answers to a signed-in caller are never stored
/// by the browser or a proxy (`no-store`); other dynamic answers are revalidated (`no-cache`).
/// Static files keep what their handler set.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let client = request_client(&state, &req);
    let path_is_static = is_static(req.uri().path());
    let signed_in = header_str(req.headers(), header::COOKIE).is_some_and(|c| {
        cookie(c, SESSION_COOKIE_SECURE).is_some() || cookie(c, SESSION_COOKIE).is_some()
    });
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
    // A material's PDF shown in our own page keeps its SAMEORIGIN; everything else: DENY.
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
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
    if client.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !path_is_static {
        let value = if signed_in { "no-store" } else { "no-cache" };
        // A handler's own choice stands, except that nothing signed-in is ever stored.
        if signed_in || !h.contains_key(header::CACHE_CONTROL) {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin("http://lophoc.test", "lophoc.test", false));
        assert!(same_origin("http://LOPHOC.test", "lophoc.test", false));
        assert!(same_origin("https://lophoc.test", "lophoc.test", true));
        assert!(same_origin("https://lophoc.test:443", "lophoc.test", true));
        assert!(same_origin("http://lophoc.test", "lophoc.test:80", false));
        assert!(same_origin(
            "http://127.0.0.1:3000",
            "127.0.0.1:3000",
            false
        ));
        assert!(same_origin("http://[::1]:3000", "[::1]:3000", false));
        for (origin, host, https) in [
            ("https://lophoc.test", "lophoc.test", false),
            ("http://lophoc.test", "lophoc.test", true),
            ("http://lophoc.test:8080", "lophoc.test", false),
            ("http://lophoc.test", "lophoc.test:8080", false),
            ("http://127.0.0.1:3001", "127.0.0.1:3000", false),
            ("http://evil.example", "lophoc.test", false),
            ("http://lophoc.test.evil.example", "lophoc.test", false),
            ("http://user@lophoc.test", "lophoc.test", false),
            ("http://lophoc.test/", "lophoc.test", false),
            ("http://lophoc.test:x", "lophoc.test", false),
            ("null", "lophoc.test", false),
            ("", "lophoc.test", false),
            ("http://lophoc.test", "", false),
            ("http://[::1]:3000", "[::2]:3000", false),
        ] {
            assert!(
                !same_origin(origin, host, https),
                "{origin} vs {host} (https: {https})"
            );
        }
    }
}
