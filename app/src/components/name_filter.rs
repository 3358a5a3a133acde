//! A search box that filters a list by name as one types (ignoring case and diacritics): a
//! tiny island over a list rendered on the server. Without JavaScript it is never shown and the
//! whole list stays as it is.

use crate::i18n::tr;
use leptos::prelude::*;

/// The island [`NameFilter`] in a module of its own: leptos_macro 0.8 generates a public
/// `NameFilterPropsSerialized` struct without docs next to an island with props, which
/// `missing_docs` would refuse; the allowance stays this narrow.
#[allow(missing_docs)]
mod island {
    use super::*;

    /// Filters the items (`li` or `tr`) of the element with id `list` by their `data-name`:
    /// every word typed must occur in the name, folded. Shown only once the page's script runs.
    #[island]
    pub fn NameFilter(
        /// The id of the list (`ol`, `ul` or `tbody`) whose items are filtered.
        list: String,
    ) -> impl IntoView {
        let scripted = RwSignal::new(false);
        Effect::new(move |_| scripted.set(true));
        let none = RwSignal::new(false);
        let input_id = format!("{list}-filter");
        let on_input = move |ev: leptos::ev::Event| {
            let q = event_target_value(&ev);
            none.set(filter(&list, &q) == Some(0));
        };
        view! {
            <Show when=move || scripted.get()>
                <div class="field name-filter">
                    <label for=input_id.clone()>{tr("roll.search")}</label>
                    <input
                        id=input_id.clone()
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=tr("roll.search_placeholder")
                        on:input=on_input.clone()
                    />
                    <p class="muted small" aria-live="polite">
                        {move || none.get().then(|| tr("roll.search_none"))}
                    </p>
                </div>
            </Show>
        }
    }

    /// Hides the items of `list` whose name does not match `q`; the number still shown (`None`
    /// outside the browser).
    fn filter(list: &str, q: &str) -> Option<usize> {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let doc = web_sys::window()?.document()?;
            let items = doc
                .query_selector_all(&format!("#{list} > [data-name]"))
                .ok()?;
            let mut shown = 0;
            for i in 0..items.length() {
                let Some(el) = items
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let name = el.get_attribute("data-name").unwrap_or_default();
                if lophoc::text::matches_all(&name, q) {
                    shown += 1;
                    let _ = el.remove_attribute("hidden");
                } else {
                    let _ = el.set_attribute("hidden", "");
                }
            }
            Some(shown)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (list, q);
            None
        }
    }
}

pub use island::NameFilter;
