//! The attacks a public school server gets (issue: hardening), through the same router the
//! binary serves, on SQLite and PostgreSQL: bursts of wrong passwords, a school behind one NAT,
//! forged `X-Forwarded-For`, oversized bodies and fields, redirect targets, HTTPS headers and
//! cookies, caching of signed-in answers, and one-time passwords.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use common::{App, Req};
use lophoc::services::Engine;
use lophoc::services::testing::FIXTURE_PASSWORD;
use serde_json::json;
use server::config::{HttpConfig, SecureCookies};

fn login(username: &str, password: &str) -> Req {
    Req::post("/api/v1/session").json(&json!({"username": username, "password": password}))
}

/// The address the audit log recorded for the last failed login.
async fn last_failed_login_ip(app: &App) -> Option<String> {
    sqlx::query_scalar(
        "SELECT ip FROM audit_log WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.t.ctx.db.pool)
    .await
    .expect("a failed login recorded")
}

http_test!(
    a_burst_of_fifty_wrong_passwords_is_throttled_not_verified,
    |app| async move {
        let s = app.t.school("TH0001").await;
        let a = app.t.teacher(s.id).await;
        let app = std::sync::Arc::new(app);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let app = app.clone();
                let name = a.username.clone();
                tokio::spawn(async move { app.send(login(&name, "wrong password!")).await })
            })
            .collect();
        let (mut unauthorized, mut throttled) = (0, 0);
        for t in tasks {
            let r = t.await.expect("a task");
            match r.status.as_u16() {
                401 => unauthorized += 1,
                429 => {
                    throttled += 1;
                    assert!(
                        r.header("retry-after").parse::<u64>().is_ok_and(|s| s < 60),
                        "Retry-After under a minute: {:?}",
                        r.header("retry-after")
                    );
                    assert_eq!(r.code(), "rate_limited");
                }
                other => panic!("unexpected {other}: {}", r.text()),
            }
        }
        assert_eq!(unauthorized + throttled, 50);
        assert!(unauthorized <= 5, "{unauthorized} passwords verified");
        // The right password gets in once the (short) wait is over.
        let r = app.send(login(&a.username, FIXTURE_PASSWORD)).await;
        r.expect(429);
        let wait: i64 = r.header("retry-after").parse().expect("seconds");
        app.t.advance(wait);
        app.send(login(&a.username, FIXTURE_PASSWORD))
            .await
            .expect(200);
    }
);

http_test!(oversized_logins_and_bodies_are_refused, |app| async move {
    // A megabyte of username: 422 before any work, nothing written.
    let r = app
        .send(login(&"a".repeat(1024 * 1024 - 100), "whatever!").en())
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation");
    assert_eq!(r.json()["error"]["details"][0]["field"], "username");
    assert_eq!(app.t.count("audit_log").await, 0);
    // Three megabytes of JSON: 413 from the declared length, before it is read.
    let big = json!({"username": "x".repeat(3 * 1024 * 1024), "password": "y"}).to_string();
    let r = app
        .send(
            Req::post("/api/v1/session")
                .body("application/json", big.as_bytes())
                .header("content-length", &big.len().to_string())
                .en(),
        )
        .await;
    r.expect(413);
    assert_eq!(r.code(), "payload_too_large");
    // The same without a declared length (a chunked body): cut off at the limit, still 413.
    let r = app
        .send(Req::post("/api/v1/session").body("application/json", big.as_bytes()))
        .await;
    r.expect(413);
    assert_eq!(r.code(), "payload_too_large");
    assert_eq!(app.t.count("audit_log").await, 0);
    // A server function's form too.
    let r = app
        .send(
            Req::post("/fn/login")
                .form(&[
                    ("username", &"u".repeat(2 * 1024 * 1024)),
                    ("password", "x"),
                ])
                .header("content-length", "2097200"),
        )
        .await;
    r.expect(413);
    // An import route takes more than a form: a 3 MB CSV is read (and judged on its lines).
    let dept = app.t.department().await;
    let token = app.session(&dept).await;
    let mut csv = String::from("code,name,level,area,former_district,students\n");
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str("BAD,,,,,\n");
    }
    let r = app
        .send(
            Req::post("/api/v1/schools/import")
                .session(&token)
                .csv(&csv),
        )
        .await;
    r.expect(422);
    assert_eq!(r.code(), "validation", "read, not refused for size");
    // A search of a thousand words is refused before the database sees it.
    let words = vec!["a"; 1000].join("+");
    let r = app
        .send(Req::get(&format!("/api/v1/schools?q={words}")).session(&token))
        .await;
    r.expect(422);
    assert_eq!(r.json()["error"]["details"][0]["field"], "q");
});

http_test!(redirect_targets_stay_on_the_site, |app| async move {
    let s = app.t.school("TH0001").await;
    let a = app.t.teacher(s.id).await;
    // A tab or newline in `next` (which browsers drop, leaving the site) is a 400, not a
    // redirect and not a panic; the password is not even looked at.
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/a\r\nSet-Cookie: x=1",
    ] {
        let r = app
            .send(Req::post("/fn/login").form(&[
                ("username", a.username.as_str()),
                ("password", FIXTURE_PASSWORD),
                ("next", next),
            ]))
            .await;
        r.expect(400);
        assert!(r.session_cookie().is_none(), "{next:?}");
    }
    assert_eq!(app.t.count("sessions").await, 0);
    // Elsewhere: sent home instead.
    for next in ["//evil.example", "/\\evil.example", "https://evil.example/"] {
        let r = app
            .send(Req::post("/fn/login").header("accept", "text/html").form(&[
                ("username", a.username.as_str()),
                ("password", FIXTURE_PASSWORD),
                ("next", next),
            ]))
            .await;
        assert!(r.status.is_redirection(), "{next}: {}", r.status);
        assert_eq!(r.header("location"), "/", "{next}");
    }
    // The language switch's `back`: a newline is a 400, never a 500; a plain form (no
    // JavaScript) is sent back to a page of the site with the error to show.
    let r = app
        .send(Req::post("/fn/set_lang").form(&[("lang", "en"), ("back", "/\n")]))
        .await;
    r.expect(400);
    let r = app
        .send(
            Req::post("/fn/set_lang")
                .header("accept", "text/html")
                .form(&[("lang", "en"), ("back", "/\n")]),
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(r.header("location").starts_with('/') && !r.header("location").contains('\n'));
    let r = app
        .send(
            Req::post("/fn/set_lang")
                .header("accept", "text/html")
                .form(&[("lang", "en"), ("back", "/book?d=2026-12-01")]),
        )
        .await;
    assert!(r.status.is_redirection());
    assert_eq!(r.header("location"), "/book?d=2026-12-01");
});

/// A forged `X-Forwarded-For` names nobody: behind a trusted proxy the client is the rightmost
/// address that is not a proxy; from anywhere else the header is ignored.
async fn forged_forwarded_for(engine: Engine) {
    let http = HttpConfig {
        trust_proxy: true,
        trusted_proxies: vec!["10.0.0.0/24".parse().expect("a network")],
        ..HttpConfig::default()
    };
    let app = App::with_http(engine, http).await;
    // Through the proxy (10.0.0.2), which appended the address it saw.
    app.send(
        login("khong.co", "wrong password!")
            .peer_ip("10.0.0.2")
            .header("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7"),
    )
    .await
    .expect(401);
    assert_eq!(
        last_failed_login_ip(&app).await.as_deref(),
        Some("203.0.113.9")
    );
    // Straight to the server, past the proxy: the header is the client's own writing.
    app.send(
        login("khong.co", "wrong password!")
            .peer_ip("198.51.100.4")
            .header("x-forwarded-for", "203.0.113.9"),
    )
    .await
    .expect(401);
    assert_eq!(
        last_failed_login_ip(&app).await.as_deref(),
        Some("198.51.100.4")
    );
    // Garbage in the header: nothing left of it is believed.
    app.send(
        login("khong.co", "wrong password!")
            .peer_ip("10.0.0.2")
            .header("x-forwarded-for", "1.2.3.4, not-an-ip"),
    )
    .await
    .expect(401);
    assert_eq!(
        last_failed_login_ip(&app).await.as_deref(),
        Some("10.0.0.2")
    );
    // A throttled guesser cannot escape by writing a new address in front each time.
    let guesser = "203.0.113.66";
    let mut last = 0;
    for i in 0..8 {
        let r = app
            .send(
                login("khong.co.2", "wrong password!")
                    .peer_ip("10.0.0.2")
                    .header("x-forwarded-for", &format!("9.9.9.{i}, {guesser}")),
            )
            .await;
        last = r.status.as_u16();
    }
    assert_eq!(last, 429, "the same client, whatever it writes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_forwarded_for_sqlite() {
    forged_forwarded_for(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_forwarded_for_postgres() {
    forged_forwarded_for(Engine::Postgres).await
}

/// Under HTTPS: HSTS, and only the `__Host-` cookie counts.
async fn https_headers_and_cookies(engine: Engine) {
    let http = HttpConfig {
        secure_cookies: SecureCookies::On,
        ..HttpConfig::default()
    };
    let app = App::with_http(engine, http).await;
    let s = app.t.school("TH0001").await;
    let a = app.t.teacher(s.id).await;
    let r = app.send(login(&a.username, FIXTURE_PASSWORD)).await;
    r.expect(200);
    assert!(r.header("strict-transport-security").contains("max-age="));
    let cookie = r.header("set-cookie");
    assert!(
        cookie.starts_with("__Host-lophoc_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
    let token = cookie
        .split_once('=')
        .and_then(|(_, v)| v.split(';').next())
        .expect("a token")
        .to_owned();
    app.send(
        Req::get("/api/v1/session").header("cookie", &format!("__Host-lophoc_session={token}")),
    )
    .await
    .expect(200);
    // The same token under the plain name (planted over HTTP or by a sibling host): nobody.
    app.send(Req::get("/api/v1/session").session(&token))
        .await
        .expect(401);
    // Plain HTTP (the default here): no HSTS.
    let plain = App::new(engine).await;
    let r = plain.send(Req::get("/login")).await;
    assert!(r.header("strict-transport-security").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_headers_and_cookies_sqlite() {
    https_headers_and_cookies(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_headers_and_cookies_postgres() {
    https_headers_and_cookies(Engine::Postgres).await
}

http_test!(signed_in_answers_are_never_stored, |app| async move {
    let s = app.t.school("TH0001").await;
    let a = app.t.teacher(s.id).await;
    let token = app.session(&a).await;
    for path in ["/api/v1/session", "/api/v1/bookings", "/", "/bookings"] {
        let r = app.send(Req::get(path).session(&token)).await;
        assert!(r.status.is_success(), "{path}: {}", r.status);
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
    }
    let r = app.send(Req::get("/login")).await;
    assert_eq!(r.header("cache-control"), "no-cache");
});

http_test!(
    a_password_reset_by_an_administrator_must_be_replaced_first,
    |app| async move {
        let s = app.t.school("TH0001").await;
        let admin = app.t.school_admin(s.id).await;
        let a = app.t.teacher(s.id).await;
        let admin_token = app.session(&admin).await;
        app.send(
            Req::patch(&format!("/api/v1/users/{}", a.user_id))
                .session(&admin_token)
                .json(&json!({"password": "dat-boi-admin"})),
        )
        .await
        .expect(200);
        let r = app.send(login(&a.username, "dat-boi-admin")).await;
        r.expect(200);
        assert_eq!(r.json()["user"]["must_change_password"], true);
        let token = r.session_cookie().expect("a session");
        // Nothing but the password change: the API refuses, pages send to /password.
        let r = app
            .send(Req::get("/api/v1/bookings").session(&token).en())
            .await;
        r.expect(403);
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("password")),
            "{}",
            r.text()
        );
        // The refusal is in the audit log, with who and what.
        let denied = app.t.audit("access_denied").await;
        assert_eq!(denied.len(), 1);
        assert_eq!(denied[0].actor.as_deref(), Some(a.username.as_str()));
        assert_eq!(denied[0].object, "GET /api/v1/bookings");
        let r = app.send(Req::get("/book").session(&token)).await;
        assert!(r.status.is_redirection());
        assert_eq!(r.header("location"), "/password");
        app.send(Req::get("/password").session(&token))
            .await
            .expect(200);
        // Wrong current password: a field error; then the real change.
        let r = app
            .send(
                Req::post("/api/v1/session/password").session(&token).json(
                    &json!({"current_password": "nope-nope", "new_password": "cua-rieng-toi"}),
                ),
            )
            .await;
        r.expect(422);
        assert_eq!(r.json()["error"]["details"][0]["field"], "current_password");
        app.send(
            Req::post("/api/v1/session/password").session(&token).json(
                &json!({"current_password": "dat-boi-admin", "new_password": "cua-rieng-toi"}),
            ),
        )
        .await
        .expect(204);
        app.send(Req::get("/api/v1/bookings").session(&token))
            .await
            .expect(200);
        app.send(login(&a.username, "cua-rieng-toi"))
            .await
            .expect(200);
    }
);

/// The owner's browser got a device cookie at its last sign-in; an attack on the account from
/// rotating addresses (behind the trusted proxy, a new `X-Forwarded-For` each time) never keeps
/// it out, while a browser without it waits. The login form sets the same cookie.
async fn the_device_cookie_keeps_the_owner_in(engine: Engine) {
    let http = HttpConfig {
        trust_proxy: true,
        trusted_proxies: vec!["10.0.0.0/24".parse().expect("a network")],
        ..HttpConfig::default()
    };
    let app = App::with_http(engine, http).await;
    let s = app.t.school("TH0001").await;
    let owner = app.t.teacher(s.id).await;
    let r = app
        .send(login(&owner.username, FIXTURE_PASSWORD).peer_ip("10.0.0.2"))
        .await;
    r.expect(200);
    let line = r.set_cookie("lophoc_device").expect("a device cookie");
    assert!(
        line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Max-Age="),
        "{line}"
    );
    let mut device = r.cookie("lophoc_device").expect("a device token");
    assert!(r.session_cookie().is_some());
    let (mut tries, mut ok) = (0, 0);
    for i in 0..60 {
        let r = app
            .send(
                login(&owner.username, "doan-mo-ne")
                    .peer_ip("10.0.0.2")
                    .header(
                        "x-forwarded-for",
                        &format!("198.18.{}.{}", i / 200, i % 200),
                    ),
            )
            .await;
        assert!(matches!(r.status.as_u16(), 401 | 429), "{}", r.status);
        if i % 10 == 9 {
            tries += 1;
            let r = app
                .send(
                    login(&owner.username, FIXTURE_PASSWORD)
                        .peer_ip("10.0.0.2")
                        .header("x-forwarded-for", "203.0.113.5")
                        .header("cookie", &format!("lophoc_device={device}")),
                )
                .await;
            if r.status.as_u16() == 200 {
                ok += 1;
                device = r.cookie("lophoc_device").expect("a new device token");
            }
        }
    }
    assert_eq!((ok, tries), (6, 6), "the owner's browser always gets in");
    // The same owner from a browser without the cookie waits for the attack to stop.
    let r = app
        .send(
            login(&owner.username, FIXTURE_PASSWORD)
                .peer_ip("10.0.0.2")
                .header("x-forwarded-for", "203.0.113.5"),
        )
        .await;
    r.expect(429);
    assert_eq!(r.code(), "rate_limited");
    // The login form (a server function) sets the device cookie too.
    let r = app
        .send(
            Req::post("/fn/login")
                .form(&[
                    ("username", owner.username.as_str()),
                    ("password", FIXTURE_PASSWORD),
                ])
                .peer_ip("10.0.0.2")
                .header("cookie", &format!("lophoc_device={device}")),
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}: {}",
        r.status,
        r.text()
    );
    assert!(r.cookie("lophoc_device").is_some_and(|d| d != device));
    assert!(r.session_cookie().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_cookie_keeps_the_owner_in_sqlite() {
    the_device_cookie_keeps_the_owner_in(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_cookie_keeps_the_owner_in_postgres() {
    the_device_cookie_keeps_the_owner_in(Engine::Postgres).await
}

/// Every hashing thread taken for longer than the queue waits: 503 with `Retry-After` and a
/// message saying the server is busy, never 429 "too many attempts".
async fn a_busy_server_says_so(engine: Engine) {
    let mut t = lophoc::services::testing::fresh_db(engine).await;
    t.ctx.hashing = lophoc::services::auth::Hashing::new(1, std::time::Duration::from_millis(20));
    let held = t.ctx.hashing.occupy_all().await;
    let app = App::on(
        t,
        HttpConfig::default(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"),
    );
    let s = app.t.school("TH0001").await;
    let a = app.t.teacher(s.id).await;
    for lang in ["vi", "en"] {
        let r = app
            .send(login(&a.username, FIXTURE_PASSWORD).header("accept-language", lang))
            .await;
        r.expect(503);
        assert_eq!(r.code(), "unavailable");
        let wait: u64 = r
            .header("retry-after")
            .parse()
            .expect("Retry-After seconds");
        assert!((1..60).contains(&wait));
        let msg = r.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(
            msg.contains(if lang == "en" { "busy" } else { "bận" }),
            "{msg}"
        );
        assert!(
            !msg.contains("many attempts") && !msg.contains("quá nhiều lần"),
            "{msg}"
        );
    }
    drop(held);
    app.send(login(&a.username, FIXTURE_PASSWORD))
        .await
        .expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_says_so_sqlite() {
    a_busy_server_says_so(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_says_so_postgres() {
    a_busy_server_says_so(Engine::Postgres).await
}

/// The cross-site check compares the whole origin — scheme, host and port — with the server's
/// own: `https://host` is not `http://host` (issue 18), whichever of the two the server is.
async fn origin_scheme_and_port(engine: Engine) {
    let plain = App::new(engine).await;
    let s = plain.t.school("TH0001").await;
    let a = plain.t.teacher(s.id).await;
    let token = plain.session(&a).await;
    // Served over plain HTTP: only `http://lophoc.test` is this site.
    let logout = |origin: &str, token: &str| {
        Req::delete("/api/v1/session")
            .session(token)
            .header("origin", origin)
    };
    for other in [
        "https://lophoc.test",
        "http://lophoc.test:8443",
        "https://lophoc.test:80",
        "null",
    ] {
        let r = plain.send(logout(other, &token)).await;
        r.expect(403);
        assert_eq!(r.code(), "cross_origin", "{other}");
    }
    plain
        .send(Req::get("/api/v1/session").session(&token))
        .await
        .expect(200);
    plain
        .send(logout("http://lophoc.test", &token))
        .await
        .expect(204);

    // Served over HTTPS (configured so, or told by a trusted proxy): only `https://lophoc.test`.
    let tls = App::with_http(
        engine,
        HttpConfig {
            secure_cookies: SecureCookies::On,
            ..HttpConfig::default()
        },
    )
    .await;
    let s = tls.t.school("TH0001").await;
    let a = tls.t.teacher(s.id).await;
    let token = tls.session(&a).await;
    let logout = |origin: &str| {
        Req::delete("/api/v1/session")
            .header("cookie", &format!("__Host-lophoc_session={token}"))
            .header("origin", origin)
    };
    for other in ["http://lophoc.test", "https://lophoc.test:8443"] {
        let r = tls.send(logout(other)).await;
        r.expect(403);
        assert_eq!(r.code(), "cross_origin", "{other}");
    }
    tls.send(logout("https://lophoc.test:443"))
        .await
        .expect(204);

    let proxied = App::with_http(
        engine,
        HttpConfig {
            trust_proxy: true,
            ..HttpConfig::default()
        },
    )
    .await;
    let s = proxied.t.school("TH0001").await;
    let a = proxied.t.teacher(s.id).await;
    let token = proxied.session(&a).await;
    let via_proxy = |origin: &str, proto: &str, token: &str| {
        Req::delete("/api/v1/session")
            .peer_ip("127.0.0.1")
            .header("x-forwarded-proto", proto)
            .header("cookie", &format!("__Host-lophoc_session={token}"))
            .header("origin", origin)
    };
    let r = proxied
        .send(via_proxy("http://lophoc.test", "https", &token))
        .await;
    r.expect(403);
    proxied
        .send(via_proxy("https://lophoc.test", "https", &token))
        .await
        .expect(204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origin_scheme_and_port_sqlite() {
    origin_scheme_and_port(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origin_scheme_and_port_postgres() {
    origin_scheme_and_port(Engine::Postgres).await
}

// A page that refuses its reader says so with HTTP 403, not a 200 carrying a "not allowed"
// text: the pilot's settings (department only) for a teacher and a school administrator; the
// schools registry page for a teacher. The department reads the settings: 200.
http_test!(forbidden_pages_answer_403, |app| async move {
    let s = app.t.school("TH0001").await;
    let teacher = app.t.teacher(s.id).await;
    let admin = app.t.school_admin(s.id).await;
    let dept = app.t.department().await;
    for who in [&teacher, &admin] {
        let token = app.session(who).await;
        for path in ["/pilot/settings", "/pilot/schools", "/schools/import"] {
            let r = app.send(Req::get(path).session(&token)).await;
            assert_eq!(r.status, 403, "{path} for {:?}", who.role);
            assert!(
                r.text().contains("role=\"alert\""),
                "{path}: the refusal is shown"
            );
        }
    }
    let token = app.session(&dept).await;
    let r = app.send(Req::get("/pilot/settings").session(&token)).await;
    assert_eq!(r.status, 200, "{}", r.text());
});

/// The text between `<title>` and `</title>` of a page.
fn title_of(html: &str) -> &str {
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    let end = html[start..].find("</title>").expect("its end") + start;
    &html[start..end]
}

// Stored HTML injection through the page title (issue 18): a title that closes `<title>` and
// plants a refresh and a heading is written into the head as text, escaped, on every page
// that names itself after user text (a material, a device, a school).
http_test!(user_text_in_the_title_is_escaped, |app| async move {
    const PLANTED: &str = "</title><meta http-equiv=refresh content=\"4;url=http://evil.example/\"><h1 id=pwn>Phiên hết hạn…</h1>";
    let s = app.t.school("TH0001").await;
    let teacher = app.t.teacher(s.id).await;
    let token = app.session(&teacher).await;
    let r = app
        .send(
            Req::post("/api/v1/materials")
                .session(&token)
                .body(
                    "multipart/form-data; boundary=XyZ",
                    format!(
                        "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{PLANTED}\r\n\
                         --XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\ntoan\r\n\
                         --XyZ\r\nContent-Disposition: form-data; name=\"grade\"\r\n\r\n6\r\n\
                         --XyZ\r\nContent-Disposition: form-data; name=\"scope\"\r\n\r\nprovince\r\n\
                         --XyZ\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://hoc.vn/\r\n\
                         --XyZ--\r\n"
                    )
                    .as_bytes(),
                ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["material"]["id"].as_i64().unwrap();
    let admin = app.t.school_admin(s.id).await;
    let admin_token = app.session(&admin).await;
    let device = app
        .send(
            Req::post(&format!("/api/v1/schools/{}/devices", s.id.0))
                .session(&admin_token)
                .json(&json!({"name": PLANTED, "kind": "projector"})),
        )
        .await;
    assert_eq!(device.status, 201, "{}", device.text());
    let device_id = device.json()["device"]["id"].as_i64().unwrap();
    for path in [format!("/materials/{id}"), format!("/devices/{device_id}")] {
        let page = app.send(Req::get(&path).session(&admin_token)).await;
        assert_eq!(page.status, 200, "{path}");
        let html = page.text();
        let title = title_of(&html);
        assert!(!title.contains('<'), "{path}: {title}");
        assert!(
            title.starts_with("&lt;/title&gt;&lt;meta http-equiv=refresh"),
            "{path}: {title}"
        );
        assert!(
            !html.contains("<meta http-equiv=refresh"),
            "{path}: nothing planted"
        );
        assert!(!html.contains("<h1 id=pwn>"), "{path}: nothing planted");
    }
});
