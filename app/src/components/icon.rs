//! Icons from the sprite `public/icons.svg` (served under its content-hashed name, see
//! [`crate::assets`]).

use leptos::prelude::*;

/// A decorative icon (hidden from screen readers: the text next to it says what it means).
#[component]
pub fn Icon(
    /// The symbol id in the sprite (`school`, `users`, …).
    name: &'static str,
    /// Extra classes (`icon-menu`, `icon-sm`, …).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let class = if class.is_empty() {
        "icon".to_owned()
    } else {
        format!("icon {class}")
    };
    view! {
        <svg class=class aria-hidden="true" focusable="false">
            <use_ href=format!("{}#{name}", crate::assets::icons()) />
        </svg>
    }
}
