//! The accounts list shared by the department's accounts page and a school's teachers page:
//! each account with its status and row actions (enable or disable, reset the password), and
//! what the last row action did.

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::users::{ResetUserPassword, SetUserActive, back};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Actor, UserAccount};

/// What the last row action (enable, disable, reset password) did: with JavaScript the action's
/// value, without it the page's query string (see `serverfns::users::back`).
#[component]
pub fn RowOutcome(
    /// The enable/disable action whose value is reported.
    set_active: ServerAction<SetUserActive>,
    /// The password reset action whose value is reported.
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    let query = use_query_map();
    let success = move || {
        let flash = |k: &str| query.read().get(k).filter(|v| !v.is_empty());
        match (set_active.value().get(), reset.value().get()) {
            (Some(Ok(a)), _) if a.active => {
                Some(trf("accounts.enabled_done", &[("name", a.user.full_name)]))
            }
            (Some(Ok(a)), _) => Some(trf("accounts.disabled_done", &[("name", a.user.full_name)])),
            (_, Some(Ok(a))) => Some(trf("accounts.reset_done", &[("name", a.user.full_name)])),
            (Some(Err(_)), _) | (_, Some(Err(_))) => None,
            (None, None) => flash(back::DISABLED)
                .map(|n| trf("accounts.disabled_done", &[("name", n)]))
                .or_else(|| {
                    flash(back::ENABLED).map(|n| trf("accounts.enabled_done", &[("name", n)]))
                })
                .or_else(|| flash(back::RESET).map(|n| trf("accounts.reset_done", &[("name", n)]))),
        }
    };
    let error = move || {
        set_active
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reset.value().get().and_then(Result::err))
    };
    view! {
        <SuccessNote message=Signal::derive(success) />
        {move || error().map(|e| view! { <ErrorAlert error=with_field_messages(e) /> })}
    }
}

/// A row form has no room for messages under its fields: they replace the general message.
pub fn with_field_messages(mut e: UiError) -> UiError {
    let fields: Vec<String> = std::mem::take(&mut e.fields)
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    if !fields.is_empty() {
        e.message = fields.join(" ");
    }
    e
}

/// Accounts with their status and row actions: enable or disable, and reset the password (each
/// a small form that works without JavaScript). Under 40em the rows become cards.
#[component]
pub fn AccountTable(
    /// The accounts listed, one row each.
    accounts: Vec<UserAccount>,
    /// The table's caption (for screen readers).
    caption: String,
    /// Whether a column shows each account's role.
    #[prop(optional)]
    show_role: bool,
    /// What to say when there are no accounts (a generic line when absent).
    #[prop(optional, into)]
    empty: Option<String>,
    /// The signed-in user, who gets actions only on the accounts they may manage.
    viewer: Actor,
    /// The action of the rows' enable/disable forms.
    set_active: ServerAction<SetUserActive>,
    /// The action of the rows' password reset forms.
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    if accounts.is_empty() {
        let empty = empty.unwrap_or_else(|| tr("accounts.none").to_owned());
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    let l_name = tr("accounts.full_name");
    let l_username = tr("accounts.username");
    let l_role = tr("accounts.role");
    let l_status = tr("accounts.status");
    let l_actions = tr("accounts.actions");
    let rows = accounts
        .into_iter()
        .map(|a| {
            let id = a.user.id;
            let name = a.user.full_name.clone();
            let actions = viewer.may_act_on(&a.user).then(|| {
                let pw_id = format!("reset-pw-{id}");
                let (name_1, name_2, name_3) = (name.clone(), name.clone(), name);
                view! {
                    <div class="row-actions">
                        <ActionForm action=set_active attr:class="row-form">
                            <input type="hidden" name="user_id" value=id.to_string() />
                            <input type="hidden" name="active" value=(!a.active).to_string() />
                            <button
                                type="submit"
                                class=if a.active { "btn btn-sm btn-danger" } else { "btn btn-sm btn-secondary" }
                            >
                                <Icon name=if a.active { "lock" } else { "check" } />
                                <span>{tr(if a.active { "accounts.disable" } else { "accounts.enable" })}</span>
                                <span class="sr-only">" " {name_1}</span>
                            </button>
                        </ActionForm>
                        <ActionForm action=reset attr:class="row-form" attr:novalidate=true>
                            <input type="hidden" name="user_id" value=id.to_string() />
                            <label class="sr-only" for=pw_id.clone()>
                                {tr("accounts.new_password")} " " {name_2}
                            </label>
                            <input
                                id=pw_id
                                name="password"
                                type="password"
                                autocomplete="new-password"
                                placeholder=tr("accounts.new_password")
                                required
                            />
                            <button type="submit" class="btn btn-sm btn-secondary">
                                <Icon name="key" />
                                <span>{tr("accounts.reset_password")}</span>
                                <span class="sr-only">" " {name_3}</span>
                            </button>
                        </ActionForm>
                    </div>
                }
            });
            // No label over an empty cell on a phone.
            let actions_label = actions.is_some().then_some(l_actions);
            let you = (id == viewer.user_id).then(|| view! { " " <span class="badge badge-info">{tr("accounts.you")}</span> });
            view! {
                <tr>
                    <td data-label=l_name>{a.user.full_name.clone()} {you}</td>
                    <td data-label=l_username class="nowrap">{a.user.username.clone()}</td>
                    {show_role.then(|| view! { <td data-label=l_role>{tr(a.user.role.label_key())}</td> })}
                    <td data-label=l_status>
                        {if a.active {
                            view! { <span class="badge badge-success">{tr("accounts.active")}</span> }
                        } else {
                            view! { <span class="badge badge-neutral">{tr("accounts.disabled")}</span> }
                        }}
                    </td>
                    <td data-label=actions_label class="actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table stack">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{l_name}</th>
                        <th scope="col">{l_username}</th>
                        {show_role.then(|| view! { <th scope="col">{l_role}</th> })}
                        <th scope="col">{l_status}</th>
                        <th scope="col" class="actions">{l_actions}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
