//! The enrolment forms: a school found in the registry, enrolled since a date; or a CSV of many.

use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::components::pilot_settings::{Here, form_error};
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{EnrolPilotCsv, EnrolPilotSchool, back};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use lophoc::model::School;
use server_fn::ServerFn;

/// Enrolling: search the registry for a school not enrolled yet, then enrol it since a date;
/// or a CSV of many.
#[component]
pub fn EnrolCard(
    /// The schools matching the search (`None` before a search).
    candidates: Result<Option<Vec<School>>, UiError>,
    /// The page's own query, kept in the forms' links and hidden fields.
    here: Here,
    /// The page's query: a refusal's error and what was typed, or a confirmation.
    query: ParamsMap,
) -> impl IntoView {
    let (error, general) = form_error(&query, EnrolPilotSchool::PATH);
    let typed = back::ENROL.read(&query);
    let failed_school = error
        .as_ref()
        .and(typed.as_ref())
        .map(|t| t.school.to_string());
    let typed_since = typed.map(|t| t.since).unwrap_or_default();
    let enrolled_note = query
        .get(back::ENROLLED)
        .map(|n| trf("pilot.settings.enrolled_ok", &[("name", n)]));
    let list = match candidates {
        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
        Ok(None) => ().into_any(),
        Ok(Some(c)) if c.is_empty() => {
            view! { <p class="muted" role="status">{tr("pilot.settings.no_candidates")}</p> }
                .into_any()
        }
        Ok(Some(c)) => {
            let (h_code, h_name, h_area, h_since) = (
                tr("pilot.col.code"),
                tr("pilot.col.name"),
                tr("pilot.col.area"),
                tr("pilot.col.since"),
            );
            let rows = c
                .into_iter()
                .map(|s| {
                    let id = s.id.to_string();
                    let this_failed = failed_school.as_deref() == Some(id.as_str());
                    let err = this_failed
                        .then(|| error.as_ref().and_then(|e| e.field("since").or_else(|| e.field("school"))))
                        .flatten();
                    let bad = err.is_some();
                    let since_id = format!("enrol-{id}-since");
                    let value = if this_failed { typed_since.clone() } else { String::new() };
                    view! {
                        <tr>
                            <td data-label=h_code class="nowrap">{s.code.clone()}</td>
                            <th scope="row" data-label=h_name>
                                {s.name.clone()}
                                <span class="block small muted">{tr(s.level.label_key())}</span>
                            </th>
                            <td data-label=h_area>{s.area.clone()}</td>
                            <td data-label=h_since class="actions">
                                <form class="row-form" method="post" action=EnrolPilotSchool::PATH novalidate>
                                    <input type="hidden" name="school" value=id.clone() />
                                    <input type="hidden" name="name" value=s.name.clone() />
                                    <span class="field" class:invalid=bad>
                                        <label class="sr-only" for=since_id.clone()>{trf("pilot.settings.since_of", &[("name", s.name.clone())])}</label>
                                        <input id=since_id.clone() type="text" name="since" inputmode="numeric" autocomplete="off"
                                            placeholder=DATE_PLACEHOLDER pattern=DATE_PATTERN value=value
                                            aria-invalid=bad.to_string() aria-describedby=bad.then(|| format!("{since_id}-error")) />
                                        {err.map(|m| view! { <span class="field-error" id=format!("{since_id}-error")>{m}</span> })}
                                    </span>
                                    <button type="submit" class="btn btn-primary btn-sm">
                                        <Icon name="plus" />
                                        <span>{tr("pilot.settings.enrol_submit")}</span>
                                    </button>
                                </form>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="hint">{tr("pilot.settings.since_hint")}</p>
                <div class="table-wrap">
                    <table class="table stack">
                        <caption class="sr-only">{tr("pilot.settings.candidates")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_code}</th>
                                <th scope="col">{h_name}</th>
                                <th scope="col">{h_area}</th>
                                <th scope="col">{h_since}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" id="enrol" aria-labelledby="enrol-title">
            <div class="card-header">
                <h2 id="enrol-title">{tr("pilot.settings.enrol")}</h2>
            </div>
            <div class="card-body stack">
                <SuccessNote message=Signal::derive(move || enrolled_note.clone()) />
                {error.clone().filter(|_| general || failed_school.is_none()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="filters" method="get" action="/pilot/settings#enrol" role="search">
                    <div class="field grow">
                        <label for="enrol-q">{tr("pilot.settings.search")}</label>
                        <input id="enrol-q" name="cq" type="search" autocomplete="off" placeholder=tr("schools.search_placeholder") value=here.cq.clone() />
                    </div>
                    <button type="submit" class="btn btn-secondary">
                        <Icon name="search" />
                        <span>{tr("pilot.settings.search_submit")}</span>
                    </button>
                </form>
                {list}
                <div id="enrol-csv" class="stack">
                    <h3>{tr("pilot.settings.csv")}</h3>
                    <p class="small muted">
                        {tr("pilot.settings.csv_intro")}
                        " "
                        <code>"code,since"</code>
                    </p>
                    <CsvImportForm
                        fn_path=EnrolPilotCsv::PATH
                        id="enrol-csv-upload"
                        label=tr("pilot.settings.csv_file")
                        hint=tr("pilot.settings.csv_hint")
                        submit=tr("pilot.settings.csv_submit")
                        busy=tr("pilot.settings.csv_busy")
                        required=true
                        success_link=("#enrolled".to_owned(), tr("pilot.settings.to_enrolled"))
                    />
                </div>
            </div>
        </section>
    }
}
