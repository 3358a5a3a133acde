//! Whole-section notices: refused, not found, done.

use crate::components::icon::Icon;
use crate::components::page_title::PageTitle;
use crate::i18n::tr;
use leptos::prelude::*;

/// "You are not allowed to do this", for a role the page is not for.
#[component]
pub fn Forbidden() -> impl IntoView {
    crate::error::set_page_status(lophoc::ErrorCode::Forbidden);
    view! {
        <div class="alert alert-error" role="alert">
            <Icon name="lock" />
            <div class="alert-body">{tr("error.forbidden")}</div>
        </div>
    }
}

/// The not-found content inside the app frame (the frame already has the `<main>`), with 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text=tr("notfound.title") />
        <div class="empty">
            <Icon name="alert" />
            <h1 class="empty-title">{tr("notfound.title")}</h1>
            <p>{tr("notfound.text")}</p>
            <a class="btn btn-primary" href="/">{tr("nav.home")}</a>
        </div>
    }
}

/// "Done" after a form, announced politely to screen readers; nothing while `message` is none.
#[component]
pub fn SuccessNote(
    /// The message, once there is one.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div aria-live="polite">
            {move || {
                message
                    .get()
                    .map(|m| {
                        view! {
                            <div class="alert alert-success">
                                <Icon name="check-circle" />
                                <div class="alert-body">{m}</div>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
