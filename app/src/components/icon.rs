//! Icons from the sprite `public/icons.svg`.

use leptos::prelude::*;

/// A decorative icon (hidden from screen readers: the text next to it says what it means).
#[component]
pub fn Icon(
    /// The symbol id in the sprite (`school`, `users`, …).
    name: &'static str,
) -> impl IntoView {
    view! {
        <svg class="icon" aria-hidden="true" focusable="false">
            <use_ href=format!("/icons.svg#{name}") />
        </svg>
    }
}
