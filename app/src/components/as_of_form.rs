//! The date a pilot page's numbers are for: a GET form (`?as_of=dd/mm/yyyy`), so a page of a
//! past date is a link; a bad or future date comes back as the field's error.

use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::i18n::tr;
use leptos::prelude::*;

/// The form.
#[component]
pub fn AsOfForm(
    /// The page (`/pilot`).
    #[prop(into)]
    action: String,
    /// Unique on the page.
    id: &'static str,
    /// The date shown: what was asked (`dd/mm/yyyy` or `YYYY-MM-DD`), else the numbers' date.
    #[prop(into)]
    value: String,
    /// The field's error, in the user's language.
    #[prop(optional)]
    error: Option<String>,
    /// Other parameters of the page the form keeps (name, value).
    #[prop(optional)]
    hidden: Vec<(&'static str, String)>,
) -> impl IntoView {
    let bad = error.is_some();
    let error_id = format!("{id}-error");
    let described = bad.then(|| error_id.clone());
    view! {
        <form method="get" action=action class="filters as-of-form">
            {hidden
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
            <div class="field field-narrow" class:invalid=bad>
                <label for=id>{tr("pilot.as_of")}</label>
                <input
                    id=id
                    type="text"
                    name="as_of"
                    inputmode="numeric"
                    value=lophoc::dates::display_iso_date(&value)
                    placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN
                    autocomplete="off"
                    aria-invalid=bad.to_string()
                    aria-describedby=described
                />
                {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
            </div>
            <button type="submit" class="btn btn-secondary">
                <Icon name="calendar" />
                <span>{tr("pilot.as_of_submit")}</span>
            </button>
        </form>
    }
}
