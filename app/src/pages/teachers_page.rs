//! The teachers page (school admin): the school's teacher accounts with search, disable and
//! enable, password reset, a form to add one teacher, and the CSV import. Every form
//! is a plain form post; the answer comes back in the query.

use crate::components::account_fields::{FirstPasswordField, NameFields};
use crate::components::account_table::{AccountTable, RowOutcome};
use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::SubmitButton;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{Forbidden, SuccessNote};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use crate::serverfns::users::{
    CreateTeacher, ImportUsers, ResetUserPassword, SetUserActive, back, list_teachers,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Actor, Role};
use server_fn::ServerFn;

/// The school's teachers.
#[component]
pub fn TeachersPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let q = move || {
        query
            .read()
            .get("q")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let create = ServerAction::<CreateTeacher>::new();
    let teachers = Resource::new(
        move || {
            (
                q(),
                set_active.version().get(),
                reset.version().get(),
                create.version().get(),
            )
        },
        |(q, ..)| list_teachers(q),
    );
    view! {
        <PageTitle text=tr("teachers.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("teachers.title")}</h1>
                <p>{tr("teachers.intro")}</p>
            </div>
        </div>
        <Suspense>
            {move || Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                let viewer = Actor::from(&user);
                if !viewer.may_manage_account(Role::Teacher, user.school_id) {
                    return Some(view! { <Forbidden /> }.into_any());
                }
                let viewer = StoredValue::new(viewer);
                Some(
                    view! {
                        <div class="stack">
                        <RowOutcome set_active reset />
                        <form class="filters" role="search" method="get" action="/teachers">
                            <div class="field grow">
                                <label for="teacher-search">{tr("accounts.search")}</label>
                                <input
                                    id="teacher-search"
                                    name="q"
                                    type="search"
                                    value=q().unwrap_or_default()
                                    aria-describedby="teacher-search-hint"
                                />
                                <p class="hint" id="teacher-search-hint">{tr("accounts.search_hint")}</p>
                            </div>
                            <button type="submit" class="btn btn-secondary">
                                <Icon name="search" />
                                <span>{tr("accounts.search_submit")}</span>
                            </button>
                        </form>
                        <Transition fallback=Loading>
                            {move || Suspend::new(async move {
                                match teachers.await {
                                    Ok(page) => {
                                        let empty = match q() {
                                            Some(q) => trf("accounts.no_match", &[("q", q)]),
                                            None => tr("teachers.none").to_owned(),
                                        };
                                        view! {
                                            <p class="muted" role="status">
                                                {trf("accounts.count", &[("count", page.total.to_string())])}
                                            </p>
                                            <AccountTable
                                                accounts=page.items
                                                caption=tr("teachers.title").to_owned()
                                                empty
                                                viewer=viewer.get_value()
                                                set_active
                                                reset
                                            />
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                }
                            })}
                        </Transition>
                        <div class="grid-2">
                            <AddTeacher create />
                            <ImportTeachers />
                        </div>
                        </div>
                    }
                        .into_any(),
                )
            })}
        </Suspense>
    }
}

/// The form that adds one teacher. An error shows under each bad field and keeps what was
/// typed (the page comes back with the values in its query, never the password).
#[component]
fn AddTeacher(create: ServerAction<CreateTeacher>) -> impl IntoView {
    let query = use_query_map();
    let typed = back::NEW_TEACHER.read(&query.read_untracked());
    let (full_name, username) = typed.map(|t| (t.full_name, t.username)).unwrap_or_default();
    let error = move || create.value().get().and_then(Result::err);
    let added = move || match create.value().get() {
        Some(Ok(u)) => Some(u.full_name),
        Some(Err(_)) => None,
        None => query.read().get(back::ADDED).filter(|n| !n.is_empty()),
    };
    view! {
        <section class="card">
            <div class="card-header">
                <h2 id="add-title">{tr("teachers.add")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || added().map(|name| trf("teachers.added", &[("name", name)]))) />
                {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    <NameFields id="teacher" error=Signal::derive(error) full_name username />
                    <FirstPasswordField id="teacher" error=Signal::derive(error) />
                    <div class="form-actions">
                        <SubmitButton icon="plus" label=tr("teachers.add_submit") pending=create.pending() />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// The CSV import (the shared [`CsvImportForm`]) with the file format.
#[component]
fn ImportTeachers() -> impl IntoView {
    view! {
        <section class="card">
            <div class="card-header">
                <h2 id="import-title">{tr("accounts.import")}</h2>
            </div>
            <div class="card-body stack">
                <CsvImportForm
                    fn_path=ImportUsers::PATH
                    id="import"
                    label=tr("accounts.import_file")
                    hint=tr("accounts.import_file_hint")
                    submit=tr("accounts.import_submit")
                    busy=tr("accounts.importing")
                />
                <h3>{tr("accounts.import_format")}</h3>
                <ul class="small">
                    <li>{tr("accounts.import_rule_header")}</li>
                    <li>{tr("accounts.import_rule_utf8")}</li>
                    <li>{tr("accounts.import_rule_teacher")}</li>
                    <li>{tr("accounts.import_rule_all")}</li>
                    <li>{tr("accounts.import_rule_existing")}</li>
                </ul>
                <p class="small">{tr("accounts.import_example")}</p>
                <pre class="small">
                    "username,full_name,role,school_code,password\ngv.nguyenlan,Nguyễn Thị Lan,teacher,,MatKhau@2026\ngv.tranminh,Trần Văn Minh,teacher,,MatKhau@2026"
                </pre>
            </div>
        </section>
    }
}
