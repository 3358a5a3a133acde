//! An error box: the message, and every bad line of an import.

use crate::components::icon::Icon;
use crate::error::UiError;
use crate::i18n::trf;
use leptos::prelude::*;

/// Shows an error, announced to screen readers.
#[component]
pub fn ErrorAlert(
    /// The error.
    error: UiError,
) -> impl IntoView {
    crate::error::set_page_status(error.code);
    let lines = error.lines.clone();
    view! {
        <div class="alert alert-error" role="alert">
            <Icon name="alert" />
            <div class="alert-body">
            <p class="alert-title">{error.message.clone()}</p>
            {(!lines.is_empty())
                .then(|| {
                    view! {
                        <ul>
                            {lines
                                .into_iter()
                                .map(|(n, m)| {
                                    view! {
                                        <li>
                                            <strong>{trf("import.line", &[("line", n.to_string())])}</strong>
                                            ": "
                                            {m}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            </div>
        </div>
    }
}
