//! The `lophoc` binary's library: the router the binary serves and the tests use, the REST API,
//! middleware, configuration and the command line.
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod cli;
pub mod config;
pub mod jobs;
pub mod metrics;
pub mod middleware;
pub mod state;

use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.ctx.db.ping().await {
        (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "error", "database": "unreachable"})),
        )
    }
}

/// The app's page routes, generated once per process. Generating them renders the app with
/// resource loading suppressed through a process-wide flag (leptos_server's
/// `SuppressResourceLoad`): a page whose resource is first polled meanwhile — another router
/// being built while this process serves, as the HTTP tests do in parallel — would wait
/// forever. After the first router, no generation runs again.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The whole application: pages and server functions (Leptos), the REST API v1 with its
/// OpenAPI document, the site's static files, and the middleware every request passes.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api::routes();
    let doc = Arc::new(doc);
    let leptos_options = state.leptos.clone();
    let routes = page_routes();
    let pages = Router::<AppState>::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    leptos::prelude::provide_context(state.ctx.clone());
                }
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback({
            // Below /api the answer to an unknown path is the API's JSON 404, not the HTML page:
            // the nested API router's own fallback does not see `/api/v1` and `/api/v1/`, nor
            // other versions.
            let files = leptos_axum::file_and_error_handler::<AppState, _>(app::shell);
            move |uri: axum::http::Uri, state: State<AppState>, req: axum::extract::Request| async move {
                if uri.path() == "/api" || uri.path().starts_with("/api/") {
                    api::error::ApiError(lophoc::Error::not_found()).into_response()
                } else {
                    files(uri, state, req).await
                }
            }
        });
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    let pkg = Router::new()
        .fallback_service(assets::pkg_files(&leptos_options.site_root))
        .layer(axum::middleware::from_fn(assets::pkg_cache_headers));
    Router::new()
        .nest("/api/v1", api)
        .nest_service("/pkg", pkg)
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::endpoint))
        .route("/sw.js", get(assets::service_worker))
        .merge(pages)
        .layer(axum::Extension(doc))
        .layer(axum::middleware::from_fn(middleware::localize_errors))
        .layer(axum::middleware::from_fn(
            middleware::server_fn_error_status,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_caller,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::refuse_cross_origin,
        ))
        // axum's extractors stop at this (the largest) limit; `limit_body` applies each
        // route's own before them.
        .layer(DefaultBodyLimit::max(state.http.max_upload_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::limit_body,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(assets::compression())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::timeouts,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path only: query strings may carry search terms, never tokens (those are in
                // cookies), but there is no reason to log them.
                tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::new(
            request_id,
            middleware::MakeId::default(),
        ))
        // Outermost, so a timeout's 503 or a panic's 500 is counted and timed too.
        .layer(axum::middleware::from_fn(metrics::track_requests))
        .with_state(state)
}
