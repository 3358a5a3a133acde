//! Form fields with their label, hint and error (main.css `.field`), and the submit button.

use crate::components::icon::Icon;
use crate::i18n::tr;
use leptos::prelude::*;
use lophoc::devices::DeviceKind;

/// What an empty date field shows: dates are typed day first, as Vietnamese people write
/// them, whatever the browser's language.
pub const DATE_PLACEHOLDER: &str = "dd/mm/yyyy";
/// The browser's own check of a date field: day, month, year (the server checks again and
/// also takes `2.9.2026` and `2-9-2026`).
pub const DATE_PATTERN: &str = r"\s*\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}\s*";
/// The browser's own check of a time of day typed 24-hour, `13:30` (`7:00` too): a
/// `type="time"` input would show `01:30 PM` in an English browser.
pub const TIME_PATTERN: &str = r"\s*([01]?\d|2[0-3]):[0-5]\d\s*";
/// What an empty time field shows.
pub const TIME_PLACEHOLDER: &str = "HH:MM";

/// A text input with its label, hint and error (main.css `.field`): the error sits under the
/// input, marks it invalid and is read with it. `value` is what the user typed before a form
/// post without JavaScript came back with an error. `kind="date"` is a text field typed
/// dd/mm/yyyy (a native date input would show the browser's order, mm/dd/yyyy in English).
#[component]
pub fn Field(
    /// The input's id (its label points to it; the hint and error ids derive from it).
    #[prop(into)]
    id: String,
    /// The form field's name.
    name: &'static str,
    /// The label's text.
    label: &'static str,
    /// A hint under the label (read with the input).
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The input's type (`text`, `password`, …; `date` is a dd/mm/yyyy text field).
    #[prop(default = "text")]
    kind: &'static str,
    /// The browser's autofill hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The initial value (what the user typed before an error came back).
    #[prop(optional, into)]
    value: String,
    /// The error to show under the input, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Whether the field must be filled in.
    #[prop(default = true)]
    required: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = [
                hint.map(|_| hint_id.as_str()),
                error.get().map(|_| error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let date = kind == "date";
    let value = if date {
        lophoc::dates::display_iso_date(&value)
    } else {
        value
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=if date { "text" } else { kind }
                value=value
                placeholder=date.then_some(DATE_PLACEHOLDER)
                pattern=date.then_some(DATE_PATTERN)
                autocomplete=if date { Some("off") } else { autocomplete }
                autocapitalize=(kind != "password" && name != "full_name").then_some("none")
                spellcheck=(name != "full_name").then_some("false")
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// A select with its label and error, like [`Field`].
#[component]
pub fn SelectField(
    /// The select's id (its label points to it).
    #[prop(into)]
    id: String,
    /// The form field's name.
    name: &'static str,
    /// The label's text.
    label: &'static str,
    /// The error to show under the select, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The options.
    children: Children,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
            >
                {children()}
            </select>
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// A text area with its label, hint and error, like [`Field`] (never required).
#[component]
pub fn TextAreaField(
    /// The text area's id (its label points to it).
    #[prop(into)]
    id: String,
    /// The form field's name.
    name: &'static str,
    /// The label's text.
    label: &'static str,
    /// A hint under the label (read with the text area).
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The initial text (what the user typed before an error came back).
    #[prop(optional, into)]
    value: String,
    /// The error to show under the text area, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Its height in lines.
    #[prop(default = 4)]
    rows: u32,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = [
                hint.map(|_| hint_id.as_str()),
                error.get().map(|_| error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows.to_string()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
            >
                {value}
            </textarea>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// The options of a kind select, `chosen` selected (else the first).
pub fn kind_options(chosen: &str) -> impl IntoView + use<> {
    let chosen = chosen.to_owned();
    DeviceKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.as_str() selected=chosen == k.as_str()>
                    {tr(k.label_key())}
                </option>
            }
        })
        .collect_view()
}

/// A form's submit button with its icon, busy while the action runs.
#[component]
pub fn SubmitButton(
    /// The icon's name in the sprite.
    icon: &'static str,
    /// The button's text.
    label: &'static str,
    /// Whether the action is running.
    #[prop(into)]
    pending: Signal<bool>,
    /// The button's classes.
    #[prop(default = "btn btn-primary")]
    class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class aria-busy=move || pending.get().to_string()>
            <Icon name=icon />
            <span>{label}</span>
        </button>
    }
}
