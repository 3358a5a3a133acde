//! The fields every new account has — full name, username, first password — shared by the
//! department's account form and the school's teacher form. What was typed comes back after an
//! error (the form's echo, read by its page; never the password).

use crate::components::field::Field;
use crate::error::UiError;
use crate::i18n::tr;
use leptos::prelude::*;

fn field_error(error: Signal<Option<UiError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field(name)))
}

/// Full name and username, filled with what was typed (`full_name`, `username`); `id`
/// prefixes the inputs' ids.
#[component]
pub fn NameFields(
    /// Prefix of the inputs' ids.
    id: &'static str,
    /// The form's last error, shown under the field it names.
    error: Signal<Option<UiError>>,
    /// The full name as typed (empty on a fresh form).
    #[prop(optional)]
    full_name: String,
    /// The username as typed (empty on a fresh form).
    #[prop(optional)]
    username: String,
) -> impl IntoView {
    view! {
        <Field
            id=format!("{id}-full-name")
            name="full_name"
            label=tr("accounts.full_name")
            autocomplete="name"
            value=full_name
            error=field_error(error, "full_name")
        />
        <Field
            id=format!("{id}-username")
            name="username"
            label=tr("accounts.username")
            hint=tr("accounts.username_hint")
            autocomplete="off"
            value=username
            error=field_error(error, "username")
        />
    }
}

/// The account's first password.
#[component]
pub fn FirstPasswordField(
    /// Prefix of the input's id.
    id: &'static str,
    /// The form's last error, shown under the field when it names it.
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    view! {
        <Field
            id=format!("{id}-password")
            name="password"
            label=tr("accounts.password")
            hint=tr("accounts.password_hint")
            kind="password"
            autocomplete="new-password"
            error=field_error(error, "password")
        />
    }
}
