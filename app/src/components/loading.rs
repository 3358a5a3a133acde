//! The fallback while something loads.

use crate::i18n::tr;
use leptos::prelude::*;

/// The loading row of a section.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status">
            <span class="spinner"></span>
            <span>{tr("app.loading")}</span>
        </div>
    }
}
