//! Import the school registry from a CSV file (department and sysadmin).
//!
//! A plain `multipart/form-data` form posting to the `import_schools` server function, so it
//! works without JavaScript: the server sends the browser back here with `?created=&updated=`
//! or, on an error, with the error in `__err` (server_fn's form redirects). With JavaScript the
//! submit is intercepted, the file is sent in the background with a progress indicator, and
//! the result is shown in place.

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::pages::schools_page::{Loading, group_digits};
use crate::serverfns::schools::{ImportSchools, import_schools};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use lophoc::model::{ImportOutcome, Role};
use server_fn::ServerFn;
use server_fn::error::ServerFnUrlError;
use web_sys::FormData;

/// The header of a schools CSV, as API.md and the service define it.
const HEADER: [&str; 6] = [
    "code",
    "name",
    "level",
    "area",
    "former_district",
    "students",
];

/// Example lines shown under the format rules.
const EXAMPLE: [[&str; 6]; 3] = [
    [
        "TH0101",
        "Trường Tiểu học Đông Tiến",
        "tieu_hoc",
        "Phường Đông Tiến",
        "TP Thanh Hóa",
        "612",
    ],
    [
        "THCS0207",
        "Trường THCS Hoằng Tiến",
        "thcs",
        "Xã Hoằng Tiến",
        "Huyện Hoằng Hóa",
        "1045",
    ],
    [
        "MN0310",
        "Trường Mầm non Hạc Thành",
        "Mầm non",
        "Phường Hạc Thành",
        "",
        "230",
    ],
];

/// `/schools/import`.
#[component]
pub fn SchoolImportPage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text=tr("school_import.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let user = session.0.await.ok().flatten()?;
                Some(if matches!(user.role, Role::Department | Role::Sysadmin) {
                    view! { <ImportForm /> }.into_any()
                } else {
                    let error = UiError {
                        code: lophoc::ErrorCode::Forbidden,
                        message: tr("error.forbidden").to_owned(),
                        fields: vec![],
                        lines: vec![],
                    };
                    view! {
                        <h1>{tr("school_import.title")}</h1>
                        <ErrorAlert error />
                    }
                        .into_any()
                })
            })}
        </Suspense>
    }
}

/// The result a plain form post left in the query string, if any.
fn result_from_query(
    err: Option<String>,
    path: Option<String>,
    created: Option<String>,
    updated: Option<String>,
) -> Option<Result<ImportOutcome, UiError>> {
    if let Some(err) = err {
        // Only this form's errors: another form on the page (language, logout) has its own path.
        return (path.as_deref() == Some(ImportSchools::PATH))
            .then(|| Err(ServerFnUrlError::<UiError>::decode_err(&err)));
    }
    let created = created?.parse().ok()?;
    let updated = updated?.parse().ok()?;
    Some(Ok(ImportOutcome { created, updated }))
}

#[component]
fn ImportForm() -> impl IntoView {
    let query = use_query_map();
    let import = Action::new_local(|data: &FormData| import_schools(data.clone().into()));
    let pending = import.pending();
    let form = NodeRef::<leptos::html::Form>::new();
    let result = move || {
        import.value().get().or_else(|| {
            let q = query.read();
            result_from_query(
                q.get("__err"),
                q.get("__path"),
                q.get("created"),
                q.get("updated"),
            )
        })
    };
    // A file that went in is done with: clear the input so the same click does not import it
    // twice by mistake.
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(f)) = (import.value().get(), form.get_untracked()) {
            f.reset();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(f) = form.get_untracked() else {
            return;
        };
        if let Ok(data) = FormData::new_with_form(&f) {
            ev.prevent_default();
            import.dispatch_local(data);
        }
    };
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("school_import.title")}</h1>
                <p>{tr("school_import.intro")}</p>
            </div>
        </div>
        <div aria-live="polite">
            {move || {
                if pending.get() {
                    return view! {
                        <div class="loading" role="status">
                            <span class="spinner"></span>
                            <span>{tr("school_import.busy")}</span>
                        </div>
                    }
                        .into_any();
                }
                match result() {
                    Some(Ok(out)) => view! { <Outcome out /> }.into_any(),
                    Some(Err(error)) => view! { <ErrorAlert error /> }.into_any(),
                    None => ().into_any(),
                }
            }}
        </div>
        <div class="stack">
            <form
                node_ref=form
                method="post"
                action=ImportSchools::PATH
                enctype="multipart/form-data"
                class="form"
                on:submit=on_submit
            >
                <label class="file-drop" for="import-file">
                    <Icon name="upload" />
                    <span class="file-drop-title" id="import-file-title">{tr("school_import.file")}</span>
                    <span class="hint" id="import-file-hint">{tr("school_import.file_hint")}</span>
                    <input
                        id="import-file"
                        type="file"
                        name="file"
                        accept=".csv,text/csv"
                        required
                        aria-labelledby="import-file-title"
                        aria-describedby="import-file-hint"
                    />
                </label>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" aria-busy=move || pending.get().to_string()>
                        <Icon name="upload" />
                        <span>{tr("school_import.submit")}</span>
                    </button>
                </div>
            </form>
            <Format />
        </div>
    }
}

/// What the import did, with the way to the list.
#[component]
fn Outcome(out: ImportOutcome) -> impl IntoView {
    let text = if out.created == 0 && out.updated == 0 {
        tr("import.unchanged").to_owned()
    } else {
        trf(
            "import.created_updated",
            &[
                ("created", group_digits(out.created as i64)),
                ("updated", group_digits(out.updated as i64)),
            ],
        )
    };
    view! {
        <div class="alert alert-success" role="status">
            <Icon name="check-circle" />
            <div class="alert-body">
                <p>{text}</p>
                <p>
                    <a href="/schools">{tr("school_import.to_list")}</a>
                </p>
            </div>
        </div>
    }
}

/// The file format, with an example.
#[component]
fn Format() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="import-format-title">
            <div class="card-header">
                <h2 id="import-format-title">{tr("school_import.format")}</h2>
            </div>
            <div class="card-body">
                <ul>
                    <li>
                        {tr("school_import.rule_header")}
                        " "
                        // Break after a comma on a narrow screen, never inside a name.
                        <code>
                            {HEADER
                                .iter()
                                .enumerate()
                                .map(|(i, h)| view! { {(i > 0).then_some(",")} <wbr /> {*h} })
                                .collect_view()}
                        </code>
                    </li>
                    <li>{tr("school_import.rule_utf8")}</li>
                    <li>{tr("school_import.rule_level")}</li>
                    <li>{tr("school_import.rule_all")}</li>
                    <li>{tr("school_import.rule_repeat")}</li>
                </ul>
                <h3>{tr("school_import.example")}</h3>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                {HEADER
                                    .iter()
                                    .map(|h| {
                                        view! {
                                            <th scope="col">
                                                <code>{*h}</code>
                                            </th>
                                        }
                                    })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {EXAMPLE
                                .iter()
                                .map(|row| {
                                    view! {
                                        <tr>
                                            {row.iter().map(|c| view! { <td class="nowrap">{*c}</td> }).collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_of_a_plain_form_post_gives_the_result() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            result_from_query(None, None, s("3"), s("1")),
            Some(Ok(ImportOutcome {
                created: 3,
                updated: 1
            }))
        );
        assert_eq!(result_from_query(None, None, None, None), None);
        let e = UiError {
            code: lophoc::ErrorCode::Validation,
            message: "x".into(),
            fields: vec![],
            lines: vec![(2, "y".into())],
        };
        let url = ServerFnUrlError::new(ImportSchools::PATH, e.clone())
            .to_url("http://h/schools/import")
            .unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(
            result_from_query(
                q.get("__err").cloned(),
                q.get("__path").cloned(),
                None,
                None
            ),
            Some(Err(e))
        );
        // Another form's error is not this page's.
        assert_eq!(
            result_from_query(q.get("__err").cloned(), s("/fn/set_lang"), None, None),
            None
        );
    }
}
