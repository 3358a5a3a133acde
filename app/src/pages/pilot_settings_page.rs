//! `/pilot/settings` (the department's province-wide officers, sysadmins): the criteria a
//! school must meet to count and the window they are measured over; the province's targets;
//! enrolling schools (search the registry, or a CSV `code,since`) and ending an enrolment (with
//! a confirmation); the area each department officer is scoped to; and which criteria were in
//! force when.
//!
//! Every form is a plain POST answered with a redirect back here, at its section, with the
//! outcome or the error next to the field and what was typed (see
//! [`crate::serverfns::pilot::back`]); the search, the confirmations and the officer being
//! edited are links (`?cq=`, `?unenrol=`, `?officer=`), so the page needs no script.

use crate::components::badges::CountedBadge;
use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER, Field};
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::session::use_session;
use crate::error::{UiError, field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{
    CriteriaVersionView, EnrolPilotCsv, EnrolPilotSchool, FORM_KEYS, OfficerView, SetOfficerArea,
    SetPilotCriteria, SetPilotTargets, StatusList, UnenrolPilotSchool, back, decode_rows,
    pilot_areas, pilot_candidates, pilot_criteria_history, pilot_officers, pilot_schools,
    pilot_targets,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use lophoc::dates::{display_date, display_timestamp};
use lophoc::ids::UserId;
use lophoc::model::{Area, School};
use lophoc::pilot::{Criteria, CriterionKey, MAX_TARGETS, Targets};
use lophoc::text::decimal1;
use lophoc::text::percent_encode;
use server_fn::ServerFn;

/// Enrolled schools per page of the settings' list.
const ENROLLED_PER_PAGE: i64 = 20;

/// The page's own query: the candidates' search, the enrolled list's page, the school whose
/// removal to confirm, the officer being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Here {
    cq: String,
    ep: i64,
    unenrol: String,
    officer: String,
}

impl Here {
    fn of(q: &ParamsMap) -> Here {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Here {
            cq: get("cq"),
            ep: get("ep").parse().ok().filter(|p| *p >= 1).unwrap_or(1),
            unenrol: get(back::CONFIRM_UNENROL),
            officer: get(back::OFFICER),
        }
    }

    /// This page with the search and the list's page kept, `extra` added, at `#anchor`.
    fn href(&self, extra: &[(&str, String)], anchor: &str) -> String {
        let mut q = Vec::new();
        if !self.cq.is_empty() {
            q.push(format!("cq={}", percent_encode(&self.cq)));
        }
        let mut ep = self.ep;
        for (k, v) in extra {
            if *k == "ep" {
                ep = v.parse().unwrap_or(1);
            } else {
                q.push(format!("{k}={}", percent_encode(v)));
            }
        }
        if ep > 1 {
            q.push(format!("ep={ep}"));
        }
        let q = if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        };
        format!("/pilot/settings{q}#{anchor}")
    }
}

/// `/pilot/settings`.
#[component]
pub fn PilotSettingsPage() -> impl IntoView {
    let (here, query) = use_query_map().with_untracked(|q| (Here::of(q), q.clone()));
    let session = use_session();
    // The officers come first: only who may change the province's pilot may read them, so
    // their refusal is the page's.
    let officers = OnceResource::new(pilot_officers());
    let history = OnceResource::new(pilot_criteria_history());
    let targets = OnceResource::new(pilot_targets());
    let enrolled = OnceResource::new(pilot_schools(
        None,
        None,
        Some("true".into()),
        None,
        None,
        None,
        None,
        Some("code".into()),
        Some(here.ep),
        Some(ENROLLED_PER_PAGE),
    ));
    let cq = here.cq.clone();
    let candidates = OnceResource::new(async move {
        if cq.is_empty() {
            Ok(None)
        } else {
            pilot_candidates(cq).await.map(Some)
        }
    });
    let editing = !here.officer.is_empty();
    let areas = OnceResource::new(async move {
        if editing {
            pilot_areas().await
        } else {
            Ok(Vec::new())
        }
    });
    view! {
        <PageTitle text=tr("pilot.settings.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("pilot.settings.title")}</h1>
                <p>{tr("pilot.settings.intro")}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-ghost" href="/pilot">
                    <Icon name="chart" />
                    <span>{tr("pilot.nav.dashboard")}</span>
                </a>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let (here, query) = (here.clone(), query.clone());
                Suspend::new(async move {
                    let me = session.0.await.ok().flatten().map(|u| u.id);
                    let officers = match officers.await {
                        Ok(o) => o,
                        Err(e) => return view! { <ErrorAlert error=e /> }.into_any(),
                    };
                    let (history, targets, enrolled, candidates, areas) = (
                        history.await,
                        targets.await,
                        enrolled.await,
                        candidates.await,
                        areas.await.unwrap_or_default(),
                    );
                    view! {
                        <nav class="chips settings-nav" aria-label=tr("pilot.settings.sections")>
                            <a class="chip" href="#criteria">{tr("pilot.settings.criteria")}</a>
                            <a class="chip" href="#targets">{tr("pilot.settings.targets")}</a>
                            <a class="chip" href="#enrol">{tr("pilot.settings.enrol")}</a>
                            <a class="chip" href="#enrolled">{tr("pilot.settings.enrolled")}</a>
                            <a class="chip" href="#officers">{tr("pilot.settings.officers")}</a>
                            <a class="chip" href="#history">{tr("pilot.settings.history")}</a>
                        </nav>
                        <div class="stack stack-lg">
                            {match &history {
                                Ok(h) => view! { <CriteriaCard current=h.last().map(|v| v.criteria.clone()).unwrap_or_default() query=query.clone() /> }.into_any(),
                                Err(e) => view! { <ErrorAlert error=e.clone() /> }.into_any(),
                            }}
                            {match targets {
                                Ok(t) => view! { <TargetsCard current=t query=query.clone() /> }.into_any(),
                                Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                            }}
                            <EnrolCard candidates here=here.clone() query=query.clone() />
                            <EnrolledCard enrolled here=here.clone() query=query.clone() />
                            <OfficersCard officers me areas here query />
                            {history.ok().map(|h| view! { <HistoryCard history=h /> })}
                        </div>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// A form's error and whether its fields carry it all (else it is also shown as an alert).
fn form_error(q: &ParamsMap, fn_path: &str) -> (Option<UiError>, bool) {
    let e = from_query(q, fn_path);
    let general = e.as_ref().is_some_and(|e| e.fields.is_empty());
    (e, general)
}

fn threshold_text(key: CriterionKey, v: f64) -> String {
    if key == CriterionKey::Enrolled {
        String::new()
    } else {
        decimal1(v)
    }
}

/// The criteria: the window, and per criterion its threshold and whether it is required.
#[component]
fn CriteriaCard(current: Criteria, query: ParamsMap) -> impl IntoView {
    let (error, general) = form_error(&query, SetPilotCriteria::PATH);
    let saved = query.get(back::CRITERIA_SAVED);
    // After a refusal the form shows what was typed; else what is in force.
    let typed = error
        .as_ref()
        .map(|_| back::CRITERIA.read(&query).unwrap_or_default());
    let draft = typed.as_ref().map(|t| decode_rows(&t.draft, 10));
    let window = match typed {
        Some(t) => t.window,
        None => current.window_days.to_string(),
    };
    let defaults = Criteria::default();
    let rows = FORM_KEYS
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            let (threshold, required) = match &draft {
                Some(rows) => rows
                    .iter()
                    .find(|r| r[0] == key.as_str())
                    .map(|r| (r[1].clone(), r[2] == "1"))
                    .unwrap_or_default(),
                None => match current.get(key).or_else(|| defaults.get(key)) {
                    Some(c) => (
                        threshold_text(key, c.threshold),
                        current.get(key).is_some_and(|c| c.required),
                    ),
                    None => (String::new(), false),
                },
            };
            let err = error
                .as_ref()
                .and_then(|e| e.field(&format!("crit.{i}.threshold")));
            let bad = err.is_some();
            let id = format!("crit-{i}");
            let unit = match key {
                CriterionKey::DevicesInService => tr("pilot.settings.unit_devices"),
                CriterionKey::DeviceUsePeriodsPerWeek => tr("pilot.settings.unit_periods"),
                _ => "%",
            };
            view! {
                <div class="crit-row" class:invalid=bad>
                    <input type="hidden" name=format!("crit[{i}][key]") value=key.as_str() />
                    <div class="field">
                        <label for=id.clone()>{tr(key.label_key())}</label>
                        <span class="input-unit">
                            <input
                                id=id.clone()
                                name=format!("crit[{i}][threshold]")
                                type="text"
                                inputmode="decimal"
                                autocomplete="off"
                                value=threshold
                                aria-invalid=bad.to_string()
                                aria-describedby=bad.then(|| format!("{id}-error"))
                            />
                            <span class="unit">{unit}</span>
                        </span>
                        {err.map(|m| view! { <p class="field-error" id=format!("{id}-error")>{m}</p> })}
                    </div>
                    <label class="check">
                        <input type="checkbox" name=format!("crit[{i}][required]") checked=required />
                        <span>
                            {tr("pilot.school.required")}
                            <span class="sr-only">{format!(": {}", tr(key.label_key()))}</span>
                        </span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let saved_note = saved.map(|n| trf("pilot.settings.criteria_saved", &[("n", n)]));
    view! {
        <section class="card" id="criteria" aria-labelledby="criteria-title">
            <div class="card-header">
                <h2 id="criteria-title">{tr("pilot.settings.criteria")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.criteria_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {error.clone().filter(|_| general).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form wide crit-form" method="post" action=SetPilotCriteria::PATH novalidate>
                    <Field
                        id="crit-window"
                        name="window_days"
                        label=tr("pilot.settings.window")
                        hint=tr("pilot.settings.window_hint")
                        autocomplete="off"
                        value=window
                        error=field_error(&error, "window_days")
                    />
                    <fieldset class="crit-rows">
                        <legend>{tr("pilot.settings.thresholds")}</legend>
                        <p class="hint">{tr("pilot.settings.decimals")}</p>
                        <div class="crit-row crit-fixed">
                            <div class="field">
                                <span class="field-label">{tr(CriterionKey::Enrolled.label_key())}</span>
                                <span class="hint">{tr("pilot.settings.enrolled_always")}</span>
                            </div>
                        </div>
                        {rows}
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.criteria_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

/// The targets: a row per target (percent, due date, "remove") and a blank row to add one.
#[component]
fn TargetsCard(current: Targets, query: ParamsMap) -> impl IntoView {
    let (error, general) = form_error(&query, SetPilotTargets::PATH);
    let saved = query.get(back::TARGETS_SAVED);
    let mut rows: Vec<[String; 3]> = match &error {
        Some(_) => decode_rows(
            &back::TARGETS.read(&query).unwrap_or_default().draft,
            MAX_TARGETS + 1,
        ),
        None => current
            .items
            .iter()
            .map(|t| [decimal1(t.percent), display_date(t.due), "0".into()])
            .collect(),
    };
    if rows.len() < MAX_TARGETS
        && rows
            .last()
            .is_none_or(|r| !(r[0].is_empty() && r[1].is_empty()))
    {
        rows.push([String::new(), String::new(), "0".into()]);
    }
    let last = rows.len() - 1;
    let items = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let err = |f: &str| error.as_ref().and_then(|e| e.field(&format!("rows.{i}.{f}")));
            let (p_err, d_err) = (err("percent"), err("due"));
            let (p_bad, d_bad) = (p_err.is_some(), d_err.is_some());
            let (p_id, d_id) = (format!("target-{i}-percent"), format!("target-{i}-due"));
            let blank = i == last && r[0].is_empty() && r[1].is_empty();
            let legend = if blank {
                tr("pilot.settings.target_new").to_owned()
            } else {
                trf("pilot.settings.target_n", &[("n", (i + 1).to_string())])
            };
            view! {
                <fieldset class="target-row" class:invalid=p_bad || d_bad>
                    <legend>{legend.clone()}</legend>
                    <div class="field" class:invalid=p_bad>
                        <label for=p_id.clone()>{tr("pilot.settings.target_percent")}</label>
                        <span class="input-unit">
                            <input id=p_id.clone() name=format!("rows[{i}][percent]") type="text" inputmode="decimal" autocomplete="off" value=r[0].clone()
                                aria-invalid=p_bad.to_string() aria-describedby=p_bad.then(|| format!("{p_id}-error")) />
                            <span class="unit">"%"</span>
                        </span>
                        {p_err.map(|m| view! { <p class="field-error" id=format!("{p_id}-error")>{m}</p> })}
                    </div>
                    <div class="field" class:invalid=d_bad>
                        <label for=d_id.clone()>{tr("pilot.settings.target_due")}</label>
                        <input id=d_id.clone() name=format!("rows[{i}][due]") type="text" inputmode="numeric" autocomplete="off"
                            placeholder=DATE_PLACEHOLDER pattern=DATE_PATTERN value=lophoc::dates::display_iso_date(&r[1])
                            aria-invalid=d_bad.to_string() aria-describedby=d_bad.then(|| format!("{d_id}-error")) />
                        {d_err.map(|m| view! { <p class="field-error" id=format!("{d_id}-error")>{m}</p> })}
                    </div>
                    {(!blank).then(|| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("rows[{i}][remove]") checked=r[2] == "1" />
                            <span>
                                {tr("pilot.settings.target_remove")}
                                <span class="sr-only">{format!(" ({legend})")}</span>
                            </span>
                        </label>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    let saved_note = saved.map(|n| trf("pilot.settings.targets_saved", &[("n", n)]));
    let items_error = error.as_ref().and_then(|e| e.field("items"));
    view! {
        <section class="card" id="targets" aria-labelledby="targets-title">
            <div class="card-header">
                <h2 id="targets-title">{tr("pilot.settings.targets")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.targets_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {error.clone().filter(|_| general).map(|e| view! { <ErrorAlert error=e /> })}
                {items_error.map(|m| view! { <p class="field-error">{m}</p> })}
                <form class="form wide" method="post" action=SetPilotTargets::PATH novalidate>
                    <div class="target-rows">{items}</div>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.targets_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

/// Enrolling: search the registry for a school not enrolled yet, then enrol it since a date;
/// or a CSV of many.
#[component]
fn EnrolCard(
    candidates: Result<Option<Vec<School>>, UiError>,
    here: Here,
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

/// The enrolled schools, a page at a time, each with "remove" (confirmed first).
#[component]
fn EnrolledCard(
    enrolled: Result<StatusList, UiError>,
    here: Here,
    query: ParamsMap,
) -> impl IntoView {
    let error = from_query(&query, UnenrolPilotSchool::PATH);
    let removed_note = query
        .get(back::UNENROLLED)
        .map(|n| trf("pilot.settings.unenrolled", &[("name", n)]));
    let body = match enrolled {
        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
        Ok(l) if l.items.is_empty() => {
            view! { <p class="muted">{tr("pilot.settings.none_enrolled")}</p> }.into_any()
        }
        Ok(l) => {
            let (h_code, h_name, h_since, h_status, h_actions) = (
                tr("pilot.col.code"),
                tr("pilot.col.name"),
                tr("pilot.col.since"),
                tr("pilot.list.status"),
                tr("pilot.settings.actions"),
            );
            let first = (here.ep - 1) * ENROLLED_PER_PAGE + 1;
            let last = first + l.items.len() as i64 - 1;
            let pages = page_count(l.total, ENROLLED_PER_PAGE);
            let rows = l
                .items
                .into_iter()
                .map(|s| {
                    let id = s.school_id.to_string();
                    let confirming = here.unenrol == id;
                    let action = if confirming {
                        view! {
                            <form class="row-form confirm-form" method="post" action=UnenrolPilotSchool::PATH>
                                <input type="hidden" name="school" value=id.clone() />
                                <input type="hidden" name="name" value=s.name.clone() />
                                <span class="small" role="alert">{trf("pilot.settings.unenrol_confirm", &[("name", s.name.clone())])}</span>
                                <button type="submit" class="btn btn-danger btn-sm">
                                    <Icon name="trash" />
                                    <span>{tr("pilot.settings.unenrol_submit")}</span>
                                </button>
                                <a class="btn btn-ghost btn-sm" href=here.href(&[], "enrolled")>{tr("pilot.settings.cancel")}</a>
                            </form>
                        }
                        .into_any()
                    } else {
                        view! {
                            <a class="btn btn-secondary btn-sm" href=here.href(&[(back::CONFIRM_UNENROL, id.clone())], "enrolled")>
                                <Icon name="trash" />
                                <span>{tr("pilot.settings.unenrol")}</span>
                                <span class="sr-only">{format!(" {}", s.name)}</span>
                            </a>
                        }
                        .into_any()
                    };
                    view! {
                        <tr>
                            <td data-label=h_code class="nowrap">{s.code.clone()}</td>
                            <th scope="row" data-label=h_name>
                                <a href=format!("/pilot/schools/{id}")>{s.name.clone()}</a>
                            </th>
                            <td data-label=h_since class="nowrap">{s.since.map(display_date).unwrap_or_default()}</td>
                            <td data-label=h_status><CountedBadge enrolled=s.enrolled counted=s.counted /></td>
                            <td data-label=h_actions class="actions">{action}</td>
                        </tr>
                    }
                })
                .collect_view();
            let total = l.total;
            view! {
                <p class="muted" role="status">{trf("pilot.settings.enrolled_count", &[("n", group_digits(total))])}</p>
                <div class="table-wrap">
                    <table class="table stack">
                        <caption class="sr-only">{tr("pilot.settings.enrolled")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_code}</th>
                                <th scope="col">{h_name}</th>
                                <th scope="col">{h_since}</th>
                                <th scope="col">{h_status}</th>
                                <th scope="col" class="actions">{h_actions}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {(pages > 1).then(|| {
                    let info = trf("schools.showing", &[("from", group_digits(first)), ("to", group_digits(last)), ("total", group_digits(total))]);
                    let h = here.clone();
                    view! { <Pagination current=here.ep pages href=Callback::new(move |p: i64| h.href(&[("ep", p.to_string())], "enrolled")) info /> }
                })}
            }
            .into_any()
        }
    };
    view! {
        <section class="card" id="enrolled" aria-labelledby="enrolled-title">
            <div class="card-header">
                <h2 id="enrolled-title">{tr("pilot.settings.enrolled")}</h2>
            </div>
            <div class="card-body stack">
                <SuccessNote message=Signal::derive(move || removed_note.clone()) />
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                {body}
            </div>
        </section>
    }
}

/// The department's officers and their areas; one officer's area is changed at a time (a link
/// opens its form), so the areas' list is sent once, not once per officer.
#[component]
fn OfficersCard(
    officers: Vec<OfficerView>,
    /// The signed-in user (who cannot scope themselves).
    me: Option<UserId>,
    areas: Vec<Area>,
    here: Here,
    query: ParamsMap,
) -> impl IntoView {
    let error = from_query(&query, SetOfficerArea::PATH);
    let saved_note = query
        .get(back::OFFICER_SAVED)
        .map(|u| trf("pilot.settings.officer_saved", &[("user", u)]));
    let (h_user, h_name, h_area, h_actions) = (
        tr("pilot.settings.officer_user"),
        tr("pilot.settings.officer_name"),
        tr("pilot.settings.officer_area"),
        tr("pilot.settings.actions"),
    );
    let general = error
        .clone()
        .filter(|e| e.field("area").is_none() && e.field("user").is_none());
    let rows = officers
        .into_iter()
        .map(|o| {
            let id = o.user_id.to_string();
            let area_text = o
                .area
                .clone()
                .unwrap_or_else(|| tr("pilot.scope_province").to_owned());
            let action = if me == Some(o.user_id) {
                view! { <span class="small muted">{tr("pilot.settings.officer_you")}</span> }.into_any()
            } else if here.officer == id {
                let err = error
                    .as_ref()
                    .and_then(|e| e.field("area").or_else(|| e.field("user")));
                let bad = err.is_some();
                let current = o.area_id.map(|a| a.to_string()).unwrap_or_default();
                let options = areas
                    .iter()
                    .map(|a| {
                        let v = a.id.to_string();
                        let on = v == current;
                        view! { <option value=v selected=on>{a.name.clone()}</option> }
                    })
                    .collect_view();
                let select_id = format!("officer-{id}-area");
                view! {
                    <form class="row-form" method="post" action=SetOfficerArea::PATH>
                        <input type="hidden" name="user" value=id.clone() />
                        <span class="field" class:invalid=bad>
                            <label class="sr-only" for=select_id.clone()>{trf("pilot.settings.area_of", &[("user", o.username.clone())])}</label>
                            <select id=select_id.clone() name="area" aria-invalid=bad.to_string() aria-describedby=bad.then(|| format!("{select_id}-error"))>
                                <option value="" selected=current.is_empty()>{tr("pilot.scope_province")}</option>
                                {options}
                            </select>
                            {err.map(|m| view! { <span class="field-error" id=format!("{select_id}-error")>{m}</span> })}
                        </span>
                        <button type="submit" class="btn btn-primary btn-sm">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.officer_submit")}</span>
                        </button>
                        <a class="btn btn-ghost btn-sm" href=here.href(&[], "officers")>{tr("pilot.settings.cancel")}</a>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <a class="btn btn-secondary btn-sm" href=here.href(&[(back::OFFICER, id.clone())], "officers")>
                        <Icon name="edit" />
                        <span>{tr("pilot.settings.officer_change")}</span>
                        <span class="sr-only">{format!(" {}", o.username)}</span>
                    </a>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td data-label=h_user class="nowrap">{o.username.clone()}</td>
                    <th scope="row" data-label=h_name>{o.full_name.clone()}</th>
                    <td data-label=h_area>{area_text}</td>
                    <td data-label=h_actions class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="officers" aria-labelledby="officers-title">
            <div class="card-header">
                <h2 id="officers-title">{tr("pilot.settings.officers")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.officers_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {general.map(|e| view! { <ErrorAlert error=e /> })}
                <div class="table-wrap">
                    <table class="table stack">
                        <caption class="sr-only">{tr("pilot.settings.officers")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_user}</th>
                                <th scope="col">{h_name}</th>
                                <th scope="col">{h_area}</th>
                                <th scope="col" class="actions">{h_actions}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

/// A version's criteria in one line each: "Thiết bị đang hoạt động ≥ 2 (bắt buộc)".
fn criteria_lines(c: &Criteria) -> Vec<String> {
    c.criteria
        .iter()
        .map(|x| {
            let need = tr(if x.required {
                "pilot.school.required"
            } else {
                "pilot.school.optional"
            });
            if x.key == CriterionKey::Enrolled {
                format!("{} ({})", tr(x.key.label_key()), need.to_lowercase())
            } else {
                format!(
                    "{} ≥ {} ({})",
                    tr(x.key.label_key()),
                    decimal1(x.threshold),
                    need.to_lowercase()
                )
            }
        })
        .collect()
}

/// Which criteria were in force when, newest first.
#[component]
fn HistoryCard(history: Vec<CriteriaVersionView>) -> impl IntoView {
    let (h_when, h_by, h_window, h_criteria) = (
        tr("pilot.settings.history_when"),
        tr("pilot.settings.history_by"),
        tr("pilot.col.window"),
        tr("pilot.col.criterion"),
    );
    let rows = history
        .into_iter()
        .rev()
        .map(|v| {
            let from = v
                .set_at
                .as_deref()
                .map(display_timestamp)
                .unwrap_or_else(|| tr("pilot.settings.history_start").to_owned());
            let until = v
                .until
                .as_deref()
                .map(display_timestamp)
                .unwrap_or_else(|| tr("pilot.settings.history_now").to_owned());
            let by = if v.id == 0 {
                tr("pilot.settings.history_defaults").to_owned()
            } else {
                v.set_by.clone()
            };
            view! {
                <tr>
                    <th scope="row" data-label=h_when>{format!("{from} – {until}")}</th>
                    <td data-label=h_by>{by}</td>
                    <td data-label=h_window class="num">{trf("pilot.settings.days", &[("n", v.criteria.window_days.to_string())])}</td>
                    <td data-label=h_criteria>
                        <ul class="plain-list">
                            {criteria_lines(&v.criteria).into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="history" aria-labelledby="history-title">
            <div class="card-header">
                <h2 id="history-title">{tr("pilot.settings.history")}</h2>
            </div>
            <div class="card-body">
                <div class="table-wrap">
                    <table class="table stack">
                        <caption class="sr-only">{tr("pilot.settings.history")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_when}</th>
                                <th scope="col">{h_by}</th>
                                <th scope="col" class="num">{h_window}</th>
                                <th scope="col">{h_criteria}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
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
    fn links_keep_the_search_and_the_page() {
        let h = Here {
            cq: "đông".into(),
            ep: 2,
            ..Default::default()
        };
        assert_eq!(
            h.href(&[("unenrol", "7".into())], "enrolled"),
            "/pilot/settings?cq=%C4%91%C3%B4ng&unenrol=7&ep=2#enrolled"
        );
        assert_eq!(
            h.href(&[("ep", "3".into())], "enrolled"),
            "/pilot/settings?cq=%C4%91%C3%B4ng&ep=3#enrolled"
        );
        assert_eq!(Here::default().href(&[], "x"), "/pilot/settings#x");
    }
}
