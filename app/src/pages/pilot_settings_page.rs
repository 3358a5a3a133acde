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
use crate::components::error_alert::ErrorAlert;
use crate::components::format::decimal_text as decimal1;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::pilot_settings::Here;
use crate::components::pilot_settings::criteria_form::CriteriaCard;
use crate::components::pilot_settings::enrol_form::EnrolCard;
use crate::components::pilot_settings::officers_form::OfficersCard;
use crate::components::pilot_settings::targets_form::TargetsCard;
use crate::components::session::use_session;
use crate::error::{UiError, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{
    CriteriaVersionView, StatusList, UnenrolPilotSchool, back, pilot_areas, pilot_candidates,
    pilot_criteria_history, pilot_officers, pilot_schools, pilot_targets,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use lophoc::dates::{display_date, display_timestamp};
use lophoc::pilot::{Criteria, CriterionKey};
use server_fn::ServerFn;

/// Enrolled schools per page of the settings' list.
const ENROLLED_PER_PAGE: i64 = 20;

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
