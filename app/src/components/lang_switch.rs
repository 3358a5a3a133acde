//! The language switch: a plain form per language (works without JavaScript).

use crate::i18n::{current_lang, tr};
use crate::serverfns::prefs::SetLang;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use lophoc::Lang;
use server_fn::ServerFn;

/// Buttons for Tiếng Việt and English; the current one is marked.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let here = current_lang();
    let button = move |lang: Lang, label: &'static str| {
        view! {
            <form method="post" action=SetLang::PATH>
                <input type="hidden" name="lang" value=lang.code() />
                <input type="hidden" name="back" value=back />
                <button
                    type="submit"
                    class="btn btn-ghost btn-sm"
                    lang=lang.code()
                    aria-pressed=(here == lang).to_string()
                    aria-label=label
                >
                    {label}
                </button>
            </form>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=tr("nav.language")>
            {button(Lang::Vi, "Tiếng Việt")}
            {button(Lang::En, "English")}
        </div>
    }
}
