//! `/devices/labels`: the school's QR labels, ready to print (administrators). Each A4 sheet of
//! 3 × 8 labels is an SVG image of the REST API (`GET /api/v1/schools/{id}/devices/labels?ids=…`),
//! so the page itself stays small on a weak connection and the strict CSP holds (no inline
//! styles or scripts). Printing hides the
//! frame and puts one sheet on each page; the print button needs JavaScript, and without it the
//! page says to use the browser's own Print (Ctrl+P).

use crate::components::error_alert::ErrorAlert;
use crate::components::format::school_query;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::school_picker::{SchoolPicker, picker_schools};
use crate::components::session::use_session;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::devices::{LabelSet, label_sheets};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::ids::SchoolId;

/// `/devices/labels`.
#[component]
pub fn DeviceLabelsPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let school = Memo::new(move |_| {
        query
            .read()
            .get("school")
            .and_then(|s| s.trim().parse::<SchoolId>().ok())
    });
    let picker = picker_schools(school);
    let sheets = Resource::new(move || school.get(), label_sheets);
    view! {
        <PageTitle text=tr("labels.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                // Read outside the future, so that choosing a school re-renders the page.
                let school = school.get();
                Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                if user.role.sees_all_schools() && school.is_none() {
                    return Some(
                        view! {
                            <h1>{tr("labels.title")}</h1>
                            <SchoolPicker base="/devices/labels" schools=picker />
                        }
                            .into_any(),
                    );
                }
                Some(
                    view! {
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                match sheets.await {
                                    Ok(s) => view! { <Sheets s school /> }.into_any(),
                                    Err(error) => {
                                        view! {
                                            <h1>{tr("labels.title")}</h1>
                                            <ErrorAlert error />
                                        }
                                            .into_any()
                                    }
                                }
                            })}
                        </Transition>
                    }
                        .into_any(),
                )
            })
            }}
        </Suspense>
    }
}

#[component]
fn Sheets(s: LabelSet, school: Option<SchoolId>) -> impl IntoView {
    let back = format!("/devices{}", school_query(school, true));
    let total = s.sheets.len();
    let images = s
        .sheets
        .iter()
        .enumerate()
        .map(|(i, ids)| {
            let ids = ids.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(",");
            let src = format!("/api/v1/schools/{}/devices/labels?ids={ids}", s.school.id);
            let alt = trf(
                "labels.sheet_alt",
                &[("n", (i + 1).to_string()), ("total", total.to_string())],
            );
            view! { <img class="label-sheet" src=src alt=alt width="794" height="1123" loading="lazy" /> }
        })
        .collect_view();
    view! {
        <div class="no-print">
            <p>
                <a class="btn btn-ghost btn-sm" href=back>
                    <Icon name="chevron-left" />
                    <span>{tr("device.back")}</span>
                </a>
            </p>
            <div class="page-header">
                <div class="page-header-text">
                    <h1>{tr("labels.title")}</h1>
                    <p>{s.school.name.clone()}</p>
                </div>
                <div class="page-header-actions">
                    <PrintButton />
                </div>
            </div>
            {if s.devices == 0 {
                view! {
                    <div class="empty">
                        <Icon name="qr" />
                        <p class="empty-title">{tr("labels.none")}</p>
                        <p>{tr("labels.none_text")}</p>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <div class="alert alert-info">
                        <Icon name="info" />
                        <div class="alert-body">
                            <p class="alert-title">
                                {trf(
                                    "labels.count",
                                    &[("n", s.devices.to_string()), ("sheets", total.to_string())],
                                )}
                            </p>
                            <ul>
                                <li>{tr("labels.paper")}</li>
                                <li>{tr("labels.scale")}</li>
                                <li>{tr("labels.how")}</li>
                            </ul>
                        </div>
                    </div>
                }
                    .into_any()
            }}
        </div>
        <div class="label-sheets">{images}</div>
    }
}

/// The print button, the page's one island: printing needs the page's script, so without
/// JavaScript the button is never shown (the browser's own menu prints).
#[island]
fn PrintButton() -> impl IntoView {
    // An effect runs only in the browser, once the island is hydrated.
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <Show when=move || scripted.get()>
            <button type="button" class="btn btn-primary" on:click=print>
                <Icon name="printer" />
                <span>{tr("labels.print")}</span>
            </button>
        </Show>
    }
}
