//! `/metrics`: the server's counters in Prometheus' text format, through the `metrics` facade and
//! `metrics-exporter-prometheus` (no text written by hand).
//!
//! Off unless `LOPHOC_METRICS_TOKEN` is set: then `/metrics` answers a scraper that sends
//! `Authorization: Bearer <token>` (compared in constant time) and 401 to anyone else; without
//! the token it is a 404 like any unknown path, so a public server does not even say it has
//! one.
//!
//! What is counted (names are the contract with dashboards and alerts, see docs/deploy.md):
//!
//! | metric | labels | what |
//! |---|---|---|
//! | `lophoc_http_requests_total` | `method`, `route`, `status` | requests answered; `route` is the route's template (`/api/v1/schools/{id}`), never the raw path, `unmatched` for a path no route has |
//! | `lophoc_http_request_duration_seconds` | `method`, `route` | histogram, until the answer's head is sent |
//! | `lophoc_db_pool_connections` | `state` = `in_use`, `idle` | the database pool now (read at scrape) |
//! | `lophoc_db_pool_max_connections` | | the pool's size limit |
//! | `lophoc_job_runs_total` | `job`, `outcome` = `ok`, `failed`, `skipped` | background rounds (`skipped`: another instance holds the job's lock or ran it this period) |
//! | `lophoc_job_duration_seconds` | `job` | histogram |
//! | `lophoc_logins_total` | `outcome` = `ok`, `failed`, `throttled` | sign-in attempts |
//! | `lophoc_upload_bytes_total` | | bytes of materials' files stored |
//! | `lophoc_roll_calls_taken_total` | | roll calls saved (a replay of the same one counts again) |

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// The shortest token `lophoc check` accepts.
pub const MIN_TOKEN_LEN: usize = 24;

/// Histogram buckets in seconds: a page in milliseconds up to a slow export or job.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// The process's recorder, installed on first use. `None` when another recorder was installed
/// first (only possible in a program embedding this library).
pub fn install() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| b.install_recorder());
            match built {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::error!(error = %e, "cannot install the metrics recorder");
                    None
                }
            }
        })
        .as_ref()
}

/// Counts every request by route template and status, and times it. Routed requests carry
/// axum's [`MatchedPath`] (this runs as a layer of the router, after routing), so the label
/// set is bounded by the routes, whatever paths clients send.
pub async fn track_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method: &'static str = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        .into_iter()
        .find(|m| *m == req.method().as_str())
        .unwrap_or("other");
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("lophoc_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("lophoc_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// Equal in time independent of where the first difference is (the length is not secret: it
/// is the configured token's).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// Whether the request carries the scrape token.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes()))
}

/// `GET /metrics`.
pub async fn endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.http.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !authorized(&headers, token) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let Some(handle) = install() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let pool = &state.ctx.db.pool;
    let idle = pool.num_idle() as f64;
    let size = f64::from(pool.size());
    metrics::gauge!("lophoc_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("lophoc_db_pool_connections", "state" => "in_use").set((size - idle).max(0.0));
    metrics::gauge!("lophoc_db_pool_max_connections")
        .set(f64::from(pool.options().get_max_connections()));
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, "secret"));
        h.insert(header::AUTHORIZATION, "Bearer secret".parse().unwrap());
        assert!(authorized(&h, "secret"));
        h.insert(header::AUTHORIZATION, "Basic secret".parse().unwrap());
        assert!(!authorized(&h, "secret"));
    }
}
