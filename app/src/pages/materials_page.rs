//! `/materials`: the library of lesson materials (thư viện học liệu). Everyone signed in finds
//! what they may see — their own, their school's, the province's shared library — with a search
//! that ignores case and diacritics (`toan lop 6` finds "Toán lớp 6") and filters in the query
//! string (a GET form, so a search is a link), 20 a page; and uploads a file or saves a link.
//!
//! The upload form is a plain `multipart/form-data` post of one file, so it works without
//! JavaScript (an error comes back with what was typed; only the file must be chosen again).
//! With JavaScript the upload island shows the real progress, can cancel, and takes several
//! files at once.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::Field;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::material_fields::{ACCEPT, MaterialFields};
use crate::components::material_info::{
    ScopeBadge, grade_label, grade_options, scope_options, subject_options, type_and_size, type_of,
};
use crate::components::material_upload::{UploadProgress, UploadTexts};
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::session::use_session;
use crate::error::{UiError, field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::materials::{UploadMaterial, back, material_library};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use lophoc::materials::{Material, MaterialForm, PAGE_SIZE};
use lophoc::model::Page;
use lophoc::subjects::subject_label_key;
use lophoc::text::percent_encode;
use server_fn::ServerFn;

/// The library's filters as the query string carries them (`q`, `subject`, `grade`, `scope`,
/// `mine`, `page`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    q: String,
    subject: String,
    grade: String,
    scope: String,
    mine: bool,
    page: i64,
}

impl Filter {
    fn from_query(q: &ParamsMap) -> Filter {
        let get = |k: &str| q.get(k).unwrap_or_default().trim().to_owned();
        Filter {
            q: get("q"),
            subject: get("subject"),
            grade: get("grade"),
            scope: get("scope"),
            mine: !get("mine").is_empty(),
            page: get("page")
                .parse::<i64>()
                .ok()
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    fn is_filtered(&self) -> bool {
        !(self.q.is_empty()
            && self.subject.is_empty()
            && self.grade.is_empty()
            && self.scope.is_empty()
            && !self.mine)
    }

    /// The library's URL for page `page` with these filters (empty ones left out).
    fn href(&self, page: i64) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("subject", &self.subject),
            ("grade", &self.grade),
            ("scope", &self.scope),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", percent_encode(v)));
            }
        }
        if self.mine {
            parts.push("mine=1".to_owned());
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/materials".to_owned()
        } else {
            format!("/materials?{}", parts.join("&"))
        }
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// `/materials`.
#[component]
pub fn MaterialsPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    // Rendered once, on the server: the query cannot change under the page.
    let filter = query.with_untracked(Filter::from_query);
    let data = {
        let f = filter.clone();
        OnceResource::new(material_library(
            opt(&f.q),
            opt(&f.subject),
            opt(&f.grade),
            opt(&f.scope),
            f.mine,
            Some(f.page),
        ))
    };
    let note = query.with_untracked(|q| {
        if let Some(n) = q.get(back::UPLOADED).and_then(|n| n.parse::<i64>().ok()) {
            Some(trf("materials.uploaded_n", &[("n", group_digits(n))]))
        } else {
            q.get(back::DELETED)
                .filter(|t| !t.trim().is_empty())
                .map(|t| trf("materials.deleted", &[("title", t)]))
        }
    });
    view! {
        <PageTitle text=tr("materials.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("materials.title")}</h1>
                <p>{tr("materials.intro")}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-primary" href="#upload-title">
                    <Icon name="upload" />
                    <span>{tr("materials.upload")}</span>
                </a>
            </div>
        </div>
        <div class="stack stack-lg">
            <SuccessNote message=Signal::derive(move || note.clone()) />
            <section class="stack" aria-label=tr("materials.title")>
                <Filters filter=filter.clone() />
                <Suspense fallback=|| view! { <Loading /> }>
                    {
                        let filter = filter.clone();
                        move || {
                            let filter = filter.clone();
                            Suspend::new(async move {
                                match data.await {
                                    Ok(page) => view! { <Results page filter /> }.into_any(),
                                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                }
                            })
                        }
                    }
                </Suspense>
            </section>
            <Suspense>
                {move || Suspend::new(async move {
                    // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                    let user = match session.0.await {
                        Ok(user) => user?,
                        Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                    };
                    // A school's staff share with their school first; the department, province-wide.
                    let scope = if user.school_id.is_some() { "school" } else { "province" };
                    Some(view! { <UploadCard default_scope=scope /> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

/// The search form: a plain GET form, its fields showing the query's values.
#[component]
fn Filters(filter: Filter) -> impl IntoView {
    view! {
        <form class="filters" role="search" method="get" action="/materials">
            <div class="field grow">
                <label for="material-q">{tr("materials.search")}</label>
                <input
                    id="material-q"
                    name="q"
                    type="search"
                    autocomplete="off"
                    placeholder=tr("materials.search_placeholder")
                    value=filter.q.clone()
                />
            </div>
            <div class="field">
                <label for="material-subject">{tr("materials.subject")}</label>
                <select id="material-subject" name="subject">
                    {subject_options(&filter.subject, tr("schools.all"))}
                </select>
            </div>
            <div class="field">
                <label for="material-grade">{tr("materials.grade")}</label>
                <select id="material-grade" name="grade">
                    {grade_options(&filter.grade, tr("schools.all"))}
                </select>
            </div>
            <div class="field">
                <label for="material-scope">{tr("materials.scope")}</label>
                <select id="material-scope" name="scope">
                    {scope_options(&filter.scope)}
                </select>
            </div>
            <label class="check filters-check">
                <input type="checkbox" name="mine" value="1" checked=filter.mine />
                {tr("materials.only_mine")}
            </label>
            <button type="submit" class="btn btn-primary">
                <Icon name="search" />
                <span>{tr("materials.search_submit")}</span>
            </button>
        </form>
    }
}

/// The count, the materials (a table; cards under 40em) and the pages, or the empty state.
#[component]
fn Results(page: Page<Material>, filter: Filter) -> impl IntoView {
    let count = if page.total == 1 {
        "materials.count_one"
    } else {
        "materials.count"
    };
    let count = trf(count, &[("n", group_digits(page.total))]);
    if page.items.is_empty() {
        let filtered = filter.is_filtered();
        return view! {
            <p class="sr-only" role="status">{count}</p>
            <div class="empty">
                <Icon name="book" />
                <p class="empty-title">
                    {tr(if filtered { "materials.empty_filtered" } else { "materials.empty" })}
                </p>
                {if filtered {
                    view! {
                        <p>{tr("materials.empty_filtered_text")}</p>
                        <a class="btn btn-secondary" href="/materials">{tr("schools.clear_filters")}</a>
                    }
                        .into_any()
                } else {
                    view! {
                        <p>{tr("materials.empty_text")}</p>
                        <a class="btn btn-primary" href="#upload-title">
                            <Icon name="upload" />
                            <span>{tr("materials.upload")}</span>
                        </a>
                    }
                        .into_any()
                }}
            </div>
        }
        .into_any();
    }
    let first = (filter.page - 1) * PAGE_SIZE + 1;
    let last = first + page.items.len() as i64 - 1;
    let pages = page_count(page.total, PAGE_SIZE);
    let (h_subject, h_grade, h_scope, h_type, h_owner, h_opens) = (
        tr("materials.subject"),
        tr("materials.grade"),
        tr("materials.scope"),
        tr("materials.type"),
        tr("materials.owner"),
        tr("materials.opens"),
    );
    let rows = page
        .items
        .into_iter()
        .map(|m| {
            let (icon, _) = type_of(&m);
            let sub = if m.topic.is_empty() {
                m.filename.clone().unwrap_or_default()
            } else {
                m.topic.clone()
            };
            view! {
                <tr>
                    <td class="material-cell">
                        <a class="material-name" href=m.href()>
                            <Icon name=icon class="icon-lg" />
                            <span>
                                <span class="material-title">{m.title.clone()}</span>
                                {(!sub.is_empty()).then(|| view! { <span class="small muted block">{sub}</span> })}
                            </span>
                        </a>
                    </td>
                    <td data-label=h_subject class="fact-plain">{tr(&subject_label_key(&m.subject))}</td>
                    <td data-label=h_grade class="nowrap fact-plain">{grade_label(m.grade)}</td>
                    <td data-label=h_scope class="fact-plain">
                        <ScopeBadge scope=m.scope />
                    </td>
                    <td data-label=h_type class="nowrap fact-plain">{type_and_size(&m)}</td>
                    <td data-label=h_owner>{m.owner_name.clone()}</td>
                    <td data-label=h_opens class="num">{group_digits(m.opens)}</td>
                </tr>
            }
        })
        .collect_view();
    let info = trf(
        "materials.showing",
        &[
            ("from", group_digits(first)),
            ("to", group_digits(last)),
            ("total", group_digits(page.total)),
        ],
    );
    let current = filter.page;
    view! {
        <p class="muted" role="status">{count}</p>
        <div class="table-wrap">
            <table class="table stack materials-table">
                <caption class="sr-only">{tr("materials.caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("materials.material")}</th>
                        <th scope="col">{h_subject}</th>
                        <th scope="col">{h_grade}</th>
                        <th scope="col">{h_scope}</th>
                        <th scope="col">{h_type}</th>
                        <th scope="col">{h_owner}</th>
                        <th scope="col" class="num">{h_opens}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(pages > 1)
            .then(|| {
                view! { <Pagination current pages href=Callback::new(move |p| filter.href(p)) info /> }
            })}
    }
    .into_any()
}

/// The upload form: a material's fields, then a file or a link. An error shows under each bad
/// field and keeps what was typed (the page comes back with the values in its query).
#[component]
fn UploadCard(default_scope: &'static str) -> impl IntoView {
    let query = use_query_map();
    let (error, values): (Option<UiError>, MaterialForm) = query.with_untracked(|q| {
        let error = from_query(q, UploadMaterial::PATH);
        let mut values = back::NEW.read(q).unwrap_or_default();
        if values.scope.is_empty() {
            values.scope = default_scope.to_owned();
        }
        (error, values)
    });
    let file_error = field_error(&error, "file");
    let url_error = field_error(&error, "url");
    let again = error.is_some();
    view! {
        <section class="card" aria-labelledby="upload-title">
            <div class="card-header">
                <h2 id="upload-title" tabindex="-1">{tr("materials.upload_title")}</h2>
            </div>
            <div class="card-body">
                {error.clone().map(|e| view! { <ErrorAlert error=e /> })}
                <form
                    id="upload-form"
                    class="form"
                    method="post"
                    action=UploadMaterial::PATH
                    enctype="multipart/form-data"
                    novalidate
                >
                    <MaterialFields
                        id="new"
                        values=values.clone()
                        error=error.clone()
                        title_hint=tr("materials.title_hint")
                    />
                    <fieldset class="field file-or-link" class:invalid=move || file_error.get().is_some()>
                        <legend>{tr("materials.file_or_link_legend")}</legend>
                        <label class="file-drop" for="new-file">
                            <Icon name="upload" />
                            <span class="file-drop-title" id="new-file-label">{tr("materials.file")}</span>
                            <span class="hint" id="new-file-hint">
                                {tr("materials.file_hint")}
                                {again.then(|| view! { " " <strong>{tr("materials.file_again")}</strong> })}
                            </span>
                            <input
                                id="new-file"
                                type="file"
                                name="file"
                                accept=ACCEPT
                                aria-labelledby="new-file-label"
                                aria-describedby=move || {
                                    if file_error.get().is_some() { "new-file-hint new-file-error" } else { "new-file-hint" }
                                }
                                aria-invalid=move || file_error.get().is_some().to_string()
                            />
                        </label>
                        {move || file_error.get().map(|m| view! { <p class="field-error" id="new-file-error">{m}</p> })}
                        <p class="or-line" aria-hidden="true">{tr("materials.or")}</p>
                        <Field
                            id="new-url"
                            name="url"
                            kind="url"
                            label=tr("materials.url")
                            hint=tr("materials.url_hint")
                            autocomplete="off"
                            value=values.url.clone()
                            error=url_error
                            required=false
                        />
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="upload" />
                            <span>{tr("materials.upload_submit")}</span>
                        </button>
                    </div>
                    <UploadProgress
                        form="upload-form".to_owned()
                        texts=UploadTexts::here()
                        done="/materials/{id}?uploaded=1".to_owned()
                        done_many="/materials?mine=1&uploaded={n}".to_owned()
                        multiple=true
                    />
                </form>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_leave_out_empty_ones() {
        let f = Filter {
            q: "toán lớp 6".into(),
            grade: "6".into(),
            mine: true,
            page: 1,
            ..Default::default()
        };
        assert!(f.is_filtered());
        assert_eq!(
            f.href(2),
            "/materials?q=to%C3%A1n%20l%E1%BB%9Bp%206&grade=6&mine=1&page=2"
        );
        assert_eq!(Filter::default().href(1), "/materials");
        assert!(!Filter::default().is_filtered());
    }
}
