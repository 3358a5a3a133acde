//! The accounts page (department and sysadmin): department and system accounts, a school's
//! administrators found by school code, and a form to create an account. Also the pieces the
//! teachers page shares: the account table with its row actions, a form field with its error,
//! and the row actions' outcome.

use crate::components::account_fields::{FirstPasswordField, NameFields};
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SubmitButton};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{Forbidden, SuccessNote};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::users::{
    CreateAccount, ResetUserPassword, SetUserActive, back, list_department_accounts,
    list_school_admins,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Actor, Role, UserAccount};

/// Department and system accounts, school administrators, and account creation.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let school_q = move || {
        query
            .read()
            .get("school")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let create = ServerAction::<CreateAccount>::new();
    let versions = move || {
        (
            set_active.version().get(),
            reset.version().get(),
            create.version().get(),
        )
    };
    let department = Resource::new(versions, |_| list_department_accounts());
    let admins = Resource::new(
        move || (school_q(), versions()),
        |(code, _)| async move {
            match code {
                Some(code) => Some(list_school_admins(code).await),
                None => None,
            }
        },
    );
    view! {
        <PageTitle text=tr("accounts.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("accounts.title")}</h1>
                <p>{tr("accounts.intro")}</p>
            </div>
        </div>
        <Suspense>
            {move || Suspend::new(async move {
                let user = session.0.await.ok().flatten()?;
                if !user.role.sees_all_schools() {
                    return Some(view! { <Forbidden /> }.into_any());
                }
                let viewer = StoredValue::new(Actor::from(&user));
                Some(
                    view! {
                        <div class="stack stack-lg">
                        <RowOutcome set_active reset />
                        <section class="stack">
                            <h2 id="dept-title">{tr("accounts.dept_title")}</h2>
                            <Transition fallback=Loading>
                                {move || Suspend::new(async move {
                                    match department.await {
                                        Ok(page) => view! {
                                            <AccountTable
                                                accounts=page.items
                                                caption=tr("accounts.dept_title").to_owned()
                                                show_role=true
                                                viewer=viewer.get_value()
                                                set_active
                                                reset
                                            />
                                        }
                                            .into_any(),
                                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                    }
                                })}
                            </Transition>
                        </section>
                        <section class="stack">
                            <h2 id="admins-title">{tr("accounts.admins_title")}</h2>
                            <SchoolSearch value=school_q().unwrap_or_default() />
                            <Transition fallback=Loading>
                                {move || Suspend::new(async move {
                                    match admins.await {
                                        None => ().into_any(),
                                        Some(Err(e)) => {
                                            view! { <ErrorAlert error=with_field_messages(e) /> }.into_any()
                                        }
                                        Some(Ok(found)) => {
                                            let caption = trf(
                                                "accounts.admins_of",
                                                &[("code", found.school.code.clone()), ("name", found.school.name.clone())],
                                            );
                                            view! {
                                                <h3>{caption.clone()}</h3>
                                                <AccountTable
                                                    accounts=found.admins.items
                                                    caption
                                                    empty=tr("accounts.admins_none")
                                                    viewer=viewer.get_value()
                                                    set_active
                                                    reset
                                                />
                                            }
                                                .into_any()
                                        }
                                    }
                                })}
                            </Transition>
                        </section>
                        <CreateAccountForm create roles=viewer.with_value(Actor::creatable_roles) />
                        </div>
                    }
                        .into_any(),
                )
            })}
        </Suspense>
    }
}

/// The search of a school's administrators: a plain GET form, so the result has its own URL.
#[component]
fn SchoolSearch(value: String) -> impl IntoView {
    view! {
        <form class="filters" role="search" method="get" action="/accounts">
            <div class="field grow">
                <label for="school-search">{tr("accounts.find_school")}</label>
                <input
                    id="school-search"
                    name="school"
                    type="search"
                    value=value
                    autocapitalize="characters"
                    spellcheck="false"
                    aria-describedby="school-search-hint"
                />
                <p class="hint" id="school-search-hint">{tr("accounts.admins_intro")}</p>
            </div>
            <button type="submit" class="btn btn-secondary">
                <Icon name="search" />
                <span>{tr("accounts.search_submit")}</span>
            </button>
        </form>
    }
}

/// The form that creates an account. The roles offered are the ones the viewer may create (the
/// service decides; the list only spares the user a refusal).
#[component]
fn CreateAccountForm(create: ServerAction<CreateAccount>, roles: Vec<Role>) -> impl IntoView {
    let query = use_query_map();
    let typed = back::NEW_ACCOUNT.read(&query.read_untracked());
    let error = move || create.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let added = move || match create.value().get() {
        Some(Ok(u)) => Some(u.full_name),
        Some(Err(_)) => None,
        None => query.read().get(back::ADDED).filter(|n| !n.is_empty()),
    };
    let CreateAccount {
        full_name,
        username,
        role: chosen,
        school_code,
        ..
    } = typed.unwrap_or(CreateAccount {
        full_name: String::new(),
        username: String::new(),
        role: String::new(),
        school_code: None,
        password: String::new(),
    });
    let role_error = field_error("role");
    view! {
        <section class="card">
            <div class="card-header">
                <h2 id="create-title">{tr("accounts.create")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || added().map(|name| trf("accounts.added", &[("name", name)]))) />
                {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <div class="form-row">
                        <NameFields id="new" error=Signal::derive(error) full_name username />
                    </div>
                    <div class="form-row">
                        <div class="field" class:invalid=move || role_error.get().is_some()>
                            <label for="new-role">{tr("accounts.role")}</label>
                            <select
                                id="new-role"
                                name="role"
                                aria-invalid=move || role_error.get().is_some().to_string()
                                aria-describedby=move || role_error.get().map(|_| "new-role-error")
                            >
                                {roles
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <option value=r.as_str() selected=chosen == r.as_str()>
                                                {tr(r.label_key())}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            {move || {
                                role_error
                                    .get()
                                    .map(|m| view! { <p class="field-error" id="new-role-error">{m}</p> })
                            }}
                        </div>
                        <Field
                            id="new-school-code"
                            name="school_code"
                            label=tr("accounts.school_code")
                            hint=tr("accounts.school_code_hint")
                            autocomplete="off"
                            value=school_code.unwrap_or_default()
                            error=field_error("school_code")
                            required=false
                        />
                    </div>
                    <FirstPasswordField id="new" error=Signal::derive(error) />
                    <div class="form-actions">
                        <SubmitButton icon="plus" label=tr("accounts.create_submit") pending=create.pending() />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// What the last row action (enable, disable, reset password) did: with JavaScript the action's
/// value, without it the page's query string (see `serverfns::users::back`).
#[component]
pub(crate) fn RowOutcome(
    set_active: ServerAction<SetUserActive>,
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
fn with_field_messages(mut e: UiError) -> UiError {
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
pub(crate) fn AccountTable(
    accounts: Vec<UserAccount>,
    caption: String,
    #[prop(optional)] show_role: bool,
    #[prop(optional, into)] empty: Option<String>,
    viewer: Actor,
    set_active: ServerAction<SetUserActive>,
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
