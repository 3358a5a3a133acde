//! The state every handler shares.

use crate::config::HttpConfig;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use lophoc::services::Ctx;
use std::sync::Arc;

/// The services' context, the Leptos options and the HTTP settings.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The services' dependencies (database, clock, throttle).
    pub ctx: Ctx,
    /// Where the site files are, for Leptos.
    pub leptos: LeptosOptions,
    /// HTTP settings.
    pub http: Arc<HttpConfig>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos.clone()
    }
}

impl FromRef<AppState> for Ctx {
    fn from_ref(s: &AppState) -> Ctx {
        s.ctx.clone()
    }
}

/// Leptos options for a site root (the wasm, JS and CSS that `cargo leptos build` wrote).
pub fn leptos_options(site_root: &str, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("lophoc")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}
