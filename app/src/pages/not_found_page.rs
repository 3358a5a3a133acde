//! The 404 page.

use crate::components::icon::Icon;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

/// "Not found", with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=tr("notfound.title") />
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
