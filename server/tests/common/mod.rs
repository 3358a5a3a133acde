//! The HTTP test harness: the same `server::router(state)` the binary serves, on a fresh
//! database of either engine (`lophoc::services::testing`), driven request by request with
//! `tower::ServiceExt::oneshot`.
//!
//! Requests carry no `ConnectInfo`, so the caller's address is "unknown" (one address for every
//! request of a test, which the login throttle sees as one NAT).

#![allow(dead_code)] // Each test file uses a different part of the harness.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use lophoc::model::Actor;
use lophoc::services::testing::{TestDb, fresh_db};
use lophoc::services::{Engine, auth};
use serde_json::Value;
use server::config::HttpConfig;
use server::state::{AppState, leptos_options};
use std::sync::Arc;
use tower::ServiceExt;

/// The `Host` every request names (and the origin a same-origin request sends).
pub const HOST: &str = "lophoc.test";

/// The application on a fresh database.
pub struct App {
    /// The database, its fixtures and its fixed clock.
    pub t: TestDb,
    /// The router the binary serves.
    pub router: Router,
}

/// Defines one async HTTP test run twice, on a fresh SQLite database and on a fresh PostgreSQL
/// database: `http_test!(name, |app| async move { … })` makes `name::sqlite` and
/// `name::postgres`. PostgreSQL unreachable fails the test; it never skips.
#[macro_export]
macro_rules! http_test {
    ($name:ident, |$app:ident| async move $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::common::App) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::common::App::new(lophoc::services::Engine::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::common::App::new(lophoc::services::Engine::Postgres).await).await
            }
        }
    };
}

impl App {
    /// A fresh database on `engine` and the router over it, built as `lophoc serve` builds it.
    pub async fn new(engine: Engine) -> App {
        App::with_http(engine, HttpConfig::default()).await
    }

    /// Like [`App::new`] with other HTTP settings (proxies, HTTPS, limits).
    pub async fn with_http(engine: Engine, http: HttpConfig) -> App {
        let site_root = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site");
        App::with_site(engine, http, site_root).await
    }

    /// Like [`App::with_http`], serving the static files under `site_root`.
    pub async fn with_site(engine: Engine, http: HttpConfig, site_root: &str) -> App {
        App::on(fresh_db(engine).await, http, site_root)
    }

    /// The router over a database the test prepared (its context changed, say), serving the
    /// static files under `site_root`.
    pub fn on(t: TestDb, http: HttpConfig, site_root: &str) -> App {
        // The store's cap is the server's, as `lophoc serve` sets both from LOPHOC_MAX_UPLOAD_MB.
        let files = t.ctx.files.with_max_bytes(http.max_upload_bytes as u64);
        let state = AppState {
            ctx: t.ctx.clone().with_files(files),
            leptos: leptos_options(site_root, "127.0.0.1:3000".parse().expect("an address")),
            http: Arc::new(http),
        };
        App {
            router: server::router(state),
            t,
        }
    }

    /// Sends one request through the router.
    pub async fn send(&self, r: Req) -> Resp {
        send_to(self.router.clone(), r).await
    }

    /// A live session token for `actor`, opened directly (no password hashing: fast).
    pub async fn session(&self, actor: &Actor) -> String {
        auth::new_session(&self.t.ctx, actor.user_id)
            .await
            .expect("opening a session")
            .0
    }
}

/// Sends a request through a router (a clone of [`App::router`], for concurrent requests).
pub async fn send_to(router: Router, r: Req) -> Resp {
    let mut b = Request::builder()
        .method(r.method.clone())
        .uri(&r.path)
        .header(header::HOST, HOST);
    for (k, v) in &r.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    let mut req = b.body(Body::from(r.body)).expect("a request");
    if let Some(peer) = r.peer {
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
    }
    let res = router.oneshot(req).await.expect("the router is infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("reading the body");
    Resp {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// A request being built.
#[derive(Debug, Clone)]
pub struct Req {
    /// Method.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// The TCP peer, as `axum::serve` would record it (none: "unknown").
    pub peer: Option<std::net::SocketAddr>,
}

impl Req {
    /// A request without body.
    pub fn new(method: Method, path: &str) -> Req {
        Req {
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            peer: None,
        }
    }

    /// The TCP peer's address.
    pub fn peer_ip(mut self, ip: &str) -> Req {
        self.peer = Some(std::net::SocketAddr::new(ip.parse().expect("an IP"), 40000));
        self
    }

    /// `GET path`.
    pub fn get(path: &str) -> Req {
        Req::new(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(path: &str) -> Req {
        Req::new(Method::POST, path)
    }

    /// `PATCH path`.
    pub fn patch(path: &str) -> Req {
        Req::new(Method::PATCH, path)
    }

    /// `DELETE path`.
    pub fn delete(path: &str) -> Req {
        Req::new(Method::DELETE, path)
    }

    /// Adds a header.
    pub fn header(mut self, k: &str, v: &str) -> Req {
        self.headers.push((k.to_owned(), v.to_owned()));
        self
    }

    /// A JSON body.
    pub fn json(self, v: &Value) -> Req {
        let mut r = self.header("content-type", "application/json");
        r.body = v.to_string().into_bytes();
        r
    }

    /// A `text/csv` body.
    pub fn csv(self, text: &str) -> Req {
        let mut r = self.header("content-type", "text/csv");
        r.body = text.as_bytes().to_vec();
        r
    }

    /// A raw body of any content type.
    pub fn body(self, content_type: &str, bytes: &[u8]) -> Req {
        let mut r = self.header("content-type", content_type);
        r.body = bytes.to_vec();
        r
    }

    /// A URL-encoded form body (what a server function receives from a plain form).
    pub fn form(self, pairs: &[(&str, &str)]) -> Req {
        let mut r = self.header("content-type", "application/x-www-form-urlencoded");
        r.body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes();
        r
    }

    /// The session cookie.
    pub fn session(self, token: &str) -> Req {
        self.header("cookie", &format!("lophoc_session={token}"))
    }

    /// `Accept-Language: en`.
    pub fn en(self) -> Req {
        self.header("accept-language", "en")
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// The API error code of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.text()))
            .to_owned()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Resp {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }

    /// The session token the response sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie("lophoc_session")
    }

    /// The value of the cookie `name` the response sets (not a removal), if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let line = self.set_cookie(name)?;
        let (kv, _) = line.split_once(';').unwrap_or((&line, ""));
        let (_, v) = kv.split_once('=')?;
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// The whole `Set-Cookie` line of the cookie `name`, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.split_once('=').is_some_and(|(k, _)| k.trim() == name))
            .map(str::to_owned)
    }
}
