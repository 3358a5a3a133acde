//! `/metrics`: off (404) without `LOPHOC_METRICS_TOKEN`; with it, 401 without the bearer token
//! or with a wrong one, and the counters in Prometheus' text format: requests by route template
//! (never the raw path) and status, latency histograms, the database pool, logins by outcome.

mod common;

use common::{App, Req};
use lophoc::services::Engine;
use lophoc::services::testing::FIXTURE_PASSWORD;
use serde_json::json;
use server::config::HttpConfig;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

async fn off_without_a_token(engine: Engine) {
    let app = App::new(engine).await;
    app.send(Req::get("/metrics")).await.expect(404);
    app.send(Req::get("/metrics").header("authorization", &format!("Bearer {TOKEN}")))
        .await
        .expect(404);
}

async fn counts_by_route_template(engine: Engine) {
    server::metrics::install();
    let app = App::with_http(
        engine,
        HttpConfig {
            metrics_token: Some(TOKEN.into()),
            ..HttpConfig::default()
        },
    )
    .await;
    let s = app.t.school("TH0001").await;
    let dept = app.t.department().await;
    let token = app.session(&dept).await;
    for _ in 0..2 {
        app.send(Req::get(&format!("/api/v1/schools/{}", s.id)).session(&token))
            .await
            .expect(200);
    }
    let login = |password: &str| {
        Req::post("/api/v1/session").json(&json!({"username": dept.username, "password": password}))
    };
    app.send(login(FIXTURE_PASSWORD)).await.expect(200);
    app.send(login("not the password")).await.expect(401);

    app.send(Req::get("/metrics")).await.expect(401);
    app.send(Req::get("/metrics").header("authorization", "Bearer wrong"))
        .await
        .expect(401);
    app.send(Req::get("/metrics").header("authorization", &format!("Basic {TOKEN}")))
        .await
        .expect(401);
    let r = app
        .send(Req::get("/metrics").header("authorization", &format!("Bearer {TOKEN}")))
        .await;
    r.expect(200);
    assert!(r.header("content-type").starts_with("text/plain"));
    let text = r.text();
    let line = |needles: &[&str]| {
        text.lines()
            .any(|l| !l.starts_with('#') && needles.iter().all(|n| l.contains(n)))
    };
    assert!(
        line(&[
            "lophoc_http_requests_total{",
            "method=\"GET\"",
            "route=\"/api/v1/schools/{id}\"",
            "status=\"200\""
        ]),
        "requests by route template and status:\n{text}"
    );
    assert!(
        !text.contains(&format!("/api/v1/schools/{}\"", s.id)),
        "never the raw path"
    );
    assert!(line(&[
        "lophoc_http_requests_total{",
        "route=\"/api/v1/session\"",
        "status=\"401\""
    ]));
    assert!(line(&[
        "lophoc_http_request_duration_seconds_bucket{",
        "route=\"/api/v1/schools/{id}\"",
        "le=\""
    ]));
    assert!(line(&["lophoc_db_pool_connections{", "state=\"idle\""]));
    assert!(line(&["lophoc_db_pool_connections{", "state=\"in_use\""]));
    assert!(line(&["lophoc_db_pool_max_connections"]));
    assert!(line(&["lophoc_logins_total{", "outcome=\"ok\""]));
    assert!(line(&["lophoc_logins_total{", "outcome=\"failed\""]));
    // An unknown path is one label, whatever was asked.
    app.send(Req::get("/no/such/page/12345")).await;
    let text = app
        .send(Req::get("/metrics").header("authorization", &format!("Bearer {TOKEN}")))
        .await
        .text();
    assert!(!text.contains("12345"), "unmatched paths are not labels");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_without_a_token_sqlite() {
    off_without_a_token(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_without_a_token_postgres() {
    off_without_a_token(Engine::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_by_route_template_sqlite() {
    counts_by_route_template(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_by_route_template_postgres() {
    counts_by_route_template(Engine::Postgres).await
}
