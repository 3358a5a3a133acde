//! The 404 page.

use crate::components::icon::Icon;
use crate::components::page_title::PageTitle;
use crate::i18n::tr;
use leptos::prelude::*;

/// "Not found", with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text=tr("notfound.title") />
        <main id="main" class="main">
            <div class="empty">
                <Icon name="alert" />
                <h1>{tr("notfound.title")}</h1>
                <p>{tr("notfound.text")}</p>
                <a class="btn btn-primary" href="/">{tr("nav.home")}</a>
            </div>
        </main>
    }
}
