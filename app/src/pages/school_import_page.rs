//! Import the school registry from a CSV file (department and sysadmin).
//!
//! The shared [`CsvImportForm`] posting to the `import_schools` server function: it works
//! without JavaScript (the server sends the browser back here with `?created=&updated=` or the
//! error); with JavaScript an island says the file is being imported while the browser waits.

use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::loading::Loading;
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::tr;

use crate::components::page_title::PageTitle;
use crate::serverfns::schools::ImportSchools;
use leptos::prelude::*;
use server_fn::ServerFn;

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
        <PageTitle text=tr("school_import.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                Some(if user.role.sees_all_schools() {
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

#[component]
fn ImportForm() -> impl IntoView {
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("school_import.title")}</h1>
                <p>{tr("school_import.intro")}</p>
            </div>
        </div>
        <div class="stack">
            <CsvImportForm
                fn_path=ImportSchools::PATH
                id="import"
                label=tr("school_import.file")
                hint=tr("school_import.file_hint")
                submit=tr("school_import.submit")
                busy=tr("school_import.busy")
                required=true
                success_link=("/schools".to_owned(), tr("school_import.to_list"))
            />
            <Format />
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
