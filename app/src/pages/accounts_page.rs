//! The accounts page (department and sysadmin): department and system accounts, a school's
//! administrators found by school code, and a form to create an account. Also the pieces the
//! teachers page shares: the account table with its row actions, a form field with its error,
//! and the row actions' outcome.

use crate::components::account_fields::{FirstPasswordField, NameFields};
use crate::components::account_table::{AccountTable, RowOutcome, with_field_messages};
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SubmitButton};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{Forbidden, SuccessNote};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use crate::serverfns::users::{
    CreateAccount, ResetUserPassword, SetUserActive, back, list_department_accounts,
    list_school_admins,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Actor, Role};

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
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
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
