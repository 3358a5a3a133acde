//! Lớp Học's web UI: pages, components and server functions (Leptos 0.8).
//!
//! Pages render on the server (`SsrMode::Async`, so they are complete without JavaScript) in
//! Leptos' islands mode: only the few interactive parts (`#[island]`) ship wasm and hydrate in
//! the browser; the rest is plain HTML, and a page without an island loads no wasm at all (see
//! [`assets`]). Mutations are forms posting to server functions, plain form posts answered
//! with a redirect. Every server function is an adapter: the caller
//! from the request, one service call, the error in the user's language.
#![recursion_limit = "256"]

pub mod assets;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod request;
pub mod serverfns;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::components::page_title::AppTitle;
use crate::components::shell::AppShell;
use crate::pages::accounts_page::AccountsPage;
use crate::pages::attendance_page::AttendancePage;
use crate::pages::attendance_summary_page::AttendanceSummaryPage;
use crate::pages::book_page::BookPage;
use crate::pages::bookings_page::BookingsPage;
use crate::pages::class_log_page::ClassLogPage;
use crate::pages::class_page::ClassPage;
use crate::pages::classes_page::ClassesPage;
use crate::pages::device_labels_page::DeviceLabelsPage;
use crate::pages::device_page::DevicePage;
use crate::pages::devices_page::DevicesPage;
use crate::pages::home_page::HomePage;
use crate::pages::log_on_time_page::LogOnTimePage;
use crate::pages::log_verify_page::LogVerifyPage;
use crate::pages::login_page::LoginPage;
use crate::pages::material_page::MaterialPage;
use crate::pages::material_storage_page::MaterialStoragePage;
use crate::pages::materials_page::MaterialsPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::on_time_page::OnTimePage;
use crate::pages::password_page::PasswordPage;
use crate::pages::periods_page::PeriodsPage;
use crate::pages::pilot_page::PilotPage;
use crate::pages::pilot_report_page::PilotReportPage;
use crate::pages::pilot_school_page::PilotSchoolPage;
use crate::pages::pilot_schools_page::PilotSchoolsPage;
use crate::pages::pilot_settings_page::PilotSettingsPage;
use crate::pages::roll_call_page::RollCallPage;
use crate::pages::school_import_page::SchoolImportPage;
use crate::pages::school_page::SchoolPage;
use crate::pages::schools_page::SchoolsPage;
use crate::pages::teachers_page::TeachersPage;
use crate::pages::timetable_page::TimetablePage;
use crate::pages::utilisation_page::UtilisationPage;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server. It also sets the page's
/// Content-Security-Policy with this response's nonce: scripts run only from this origin or
/// with the nonce, wasm may compile, nothing may frame the page.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use http::{HeaderValue, header::CONTENT_SECURITY_POLICY};
    let caller = ssr::caller();
    let lang = caller.lang;
    // A signed-in teacher's pages register the service worker that keeps their week for a
    // lesson without signal (see `assets::Assets::offline_script`); everyone else's clear it.
    let sw_user = caller
        .user
        .as_ref()
        .filter(|u| u.role == lophoc::model::Role::Teacher && !u.must_change_password)
        .map(|u| u.id.to_string());
    let assets = assets::init(&options.site_root);
    // Islands mode: nothing outside an island is hydrated, so nothing outside one carries
    // hydration markers or serialized data (an island turns it back on for itself).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&csp),
    ) {
        res.insert_header(CONTENT_SECURITY_POLICY, v);
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-icons=assets.icons.clone() data-sw=sw_user>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f5e9c" />
                <link rel="stylesheet" href=assets.css.clone() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <script type="module" nonce=nonce.clone()>{format!("{}{}", assets.loader_script(), assets.offline_script())}</script>
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: routes, and the language and session every page reads.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_lang();
    components::session::provide_session();
    view! {
        // Every page's title goes through this one escaping formatter (see `page_title`).
        <AppTitle />
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/password") view=PasswordPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/schools") view=SchoolsPage ssr=SsrMode::Async />
                    <Route path=path!("/schools/import") view=SchoolImportPage ssr=SsrMode::Async />
                    <Route path=path!("/schools/:id") view=SchoolPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/schools/:id/log/verify")
                        view=LogVerifyPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/teachers") view=TeachersPage ssr=SsrMode::Async />
                    <Route path=path!("/accounts") view=AccountsPage ssr=SsrMode::Async />
                    <Route path=path!("/devices") view=DevicesPage ssr=SsrMode::Async />
                    <Route path=path!("/devices/labels") view=DeviceLabelsPage ssr=SsrMode::Async />
                    <Route path=path!("/devices/:id") view=DevicePage ssr=SsrMode::Async />
                    <Route path=path!("/periods") view=PeriodsPage ssr=SsrMode::Async />
                    <Route path=path!("/book") view=BookPage ssr=SsrMode::Async />
                    <Route path=path!("/bookings") view=BookingsPage ssr=SsrMode::Async />
                    <Route path=path!("/utilisation") view=UtilisationPage ssr=SsrMode::Async />
                    <Route path=path!("/pilot") view=PilotPage ssr=SsrMode::Async />
                    <Route path=path!("/pilot/schools") view=PilotSchoolsPage ssr=SsrMode::Async />
                    <Route path=path!("/pilot/schools/:id") view=PilotSchoolPage ssr=SsrMode::Async />
                    <Route path=path!("/pilot/settings") view=PilotSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/pilot/report") view=PilotReportPage ssr=SsrMode::Async />
                    <Route path=path!("/attendance") view=AttendancePage ssr=SsrMode::Async />
                    <Route path=path!("/attendance/on-time") view=OnTimePage ssr=SsrMode::Async />
                    <Route path=path!("/log/on-time") view=LogOnTimePage ssr=SsrMode::Async />
                    <Route path=path!("/materials") view=MaterialsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/materials/storage")
                        view=MaterialStoragePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/materials/:id") view=MaterialPage ssr=SsrMode::Async />
                    <Route path=path!("/classes") view=ClassesPage ssr=SsrMode::Async />
                    <Route path=path!("/classes/:class") view=ClassPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/classes/:class/timetable")
                        view=TimetablePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/classes/:class/log") view=ClassLogPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/classes/:class/attendance")
                        view=AttendanceSummaryPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/classes/:class/lessons/:date/:period")
                        view=RollCallPage
                        ssr=SsrMode::Async
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The browser entry, called by the loader (see [`assets::Assets::loader_script`]) before it
/// hydrates each island of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
