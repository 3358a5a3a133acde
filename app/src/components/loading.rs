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

/// The island [`SubmitBusy`] in a module of its own: leptos_macro 0.8 generates a public
/// `SubmitBusyPropsSerialized` struct without docs next to an island with props, which
/// `missing_docs` would refuse; the allowance stays this narrow.
#[allow(missing_docs)]
mod submit_busy_island {
    use super::*;

    /// "Working on it" for a plain form that takes a while (a CSV import): an island that listens
    /// for the submit of the form with id `form` and then says `busy` (in a live region, so a
    /// screen reader hears it) while the browser posts the form and waits for the answer. The post
    /// itself stays the browser's own, the same as without JavaScript.
    #[island]
    pub fn SubmitBusy(
        /// The id of the form whose submit is watched.
        form: String,
        /// What to say while the form is being posted.
        busy: String,
    ) -> impl IntoView {
        let pending = RwSignal::new(false);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let handle = window_event_listener(leptos::ev::submit, move |ev| {
                let target = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if target.is_some_and(|f| f.id() == form) {
                    pending.set(true);
                }
            });
            // Coming back to the page from the history: the post is long over.
            let shown = window_event_listener(leptos::ev::pageshow, move |_| pending.set(false));
            on_cleanup(move || {
                handle.remove();
                shown.remove();
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = form;
        view! {
            <div aria-live="polite">
                <Show when=move || pending.get()>
                    <p class="loading" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        <span>{busy.clone()}</span>
                    </p>
                </Show>
            </div>
        }
    }
}
pub use submit_busy_island::SubmitBusy;
