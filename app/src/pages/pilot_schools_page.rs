//! `/pilot/schools`: every school's pilot status on a date — counts toward the target or not,
//! how many criteria it meets — filtered (counting, enrolled, silent, level, area, words) and
//! ordered (ranking, code, closest to counting) by a GET form, so a filtered list is a link
//! (the dashboard's numbers link here). 50 a page; under 40em each school is a card. CSV and
//! Excel of every matching school come from the REST API with the same query.

use crate::components::badges::CountedBadge;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::pilot_criteria::MissingCriteria;
use crate::components::pilot_filter::PilotFilter;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{PAGE_SIZE, SILENT_DAYS, StatusList, pilot_areas, pilot_schools};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Area, SchoolLevel};
use lophoc::pilot::is_silent;

/// `/pilot/schools`.
#[component]
pub fn PilotSchoolsPage() -> impl IntoView {
    let filter = use_query_map().with_untracked(PilotFilter::from_query);
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let f = filter.clone();
    let list = OnceResource::new(pilot_schools(
        opt(&f.as_of),
        opt(&f.counted),
        opt(&f.enrolled),
        opt(&f.silent_days),
        opt(&f.level),
        opt(&f.area),
        opt(&f.q),
        opt(&f.order),
        Some(f.page),
        Some(PAGE_SIZE),
    ));
    let areas = OnceResource::new(pilot_areas());
    view! {
        <PageTitle text=tr("pilot.list.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("pilot.list.title")}</h1>
                <p>{tr("pilot.list.intro")}</p>
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
                let filter = filter.clone();
                Suspend::new(async move {
                    let areas = areas.await.unwrap_or_default();
                    match list.await {
                        Ok(l) => view! {
                            <div class="stack">
                                <Filters filter=filter.clone() areas error=None />
                                <Results list=l filter />
                            </div>
                        }
                        .into_any(),
                        Err(e) => {
                            let only_field = e.field("as_of").is_some() && e.fields.len() == 1;
                            view! {
                                <div class="stack">
                                    <Filters filter areas error=Some(e.clone()) />
                                    {(!only_field).then(|| view! { <ErrorAlert error=e /> })}
                                </div>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The GET form of the filters; its fields show the query's values.
#[component]
fn Filters(filter: PilotFilter, areas: Vec<Area>, error: Option<UiError>) -> impl IntoView {
    let as_of_error = error.as_ref().and_then(|e| e.field("as_of"));
    let bad = as_of_error.is_some();
    let choice = |value: &'static str, current: &str, key: &'static str| {
        view! { <option value=value selected=current == value>{tr(key)}</option> }
    };
    let yes_no = |current: &str, all: &'static str, yes: &'static str, no: &'static str| {
        view! {
            {choice("", current, all)}
            {choice("true", current, yes)}
            {choice("false", current, no)}
        }
    };
    let levels = SchoolLevel::ALL
        .into_iter()
        .map(|l| view! { <option value=l.as_str() selected=filter.level == l.as_str()>{tr(l.label_key())}</option> })
        .collect_view();
    let area_options = areas
        .into_iter()
        .map(|a| {
            let id = a.id.to_string();
            let on = filter.area == id;
            view! { <option value=id selected=on>{a.name}</option> }
        })
        .collect_view();
    let silent_value = if filter.silent_days.is_empty() {
        SILENT_DAYS.to_string()
    } else {
        filter.silent_days.clone()
    };
    let silent_label = trf("pilot.list.silent", &[("days", silent_value.clone())]);
    view! {
        <form method="get" action="/pilot/schools" class="filters pilot-filters" role="search">
            <div class="field grow">
                <label for="pilot-q">{tr("pilot.list.search")}</label>
                <input id="pilot-q" name="q" type="search" autocomplete="off" placeholder=tr("schools.search_placeholder") value=filter.q.clone() />
            </div>
            <div class="field">
                <label for="pilot-counted">{tr("pilot.list.counted")}</label>
                <select id="pilot-counted" name="counted">
                    {yes_no(&filter.counted, "pilot.list.any", "pilot.status.counted", "pilot.list.not_counted_any")}
                </select>
            </div>
            <div class="field">
                <label for="pilot-enrolled">{tr("pilot.list.enrolled")}</label>
                <select id="pilot-enrolled" name="enrolled">
                    {yes_no(&filter.enrolled, "pilot.list.any", "pilot.list.enrolled_yes", "pilot.status.not_enrolled")}
                </select>
            </div>
            <div class="field">
                <label for="pilot-level">{tr("pilot.col.level")}</label>
                <select id="pilot-level" name="level">
                    <option value="" selected=filter.level.is_empty()>{tr("pilot.list.any")}</option>
                    {levels}
                </select>
            </div>
            <div class="field">
                <label for="pilot-area">{tr("pilot.col.area")}</label>
                <select id="pilot-area" name="area">
                    <option value="" selected=filter.area.is_empty()>{tr("pilot.list.any")}</option>
                    {area_options}
                </select>
            </div>
            <div class="field">
                <label for="pilot-order">{tr("pilot.list.order")}</label>
                <select id="pilot-order" name="order">
                    {choice("", &filter.order, "pilot.list.order_rank")}
                    {choice("close", &filter.order, "pilot.list.order_close")}
                    {choice("code", &filter.order, "pilot.list.order_code")}
                </select>
            </div>
            <div class="field field-narrow" class:invalid=bad>
                <label for="pilot-list-as-of">{tr("pilot.as_of")}</label>
                <input
                    id="pilot-list-as-of"
                    name="as_of"
                    type="text"
                    inputmode="numeric"
                    value=lophoc::dates::display_iso_date(&filter.as_of)
                    placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN
                    autocomplete="off"
                    aria-invalid=bad.to_string()
                    aria-describedby=bad.then_some("pilot-list-as-of-error")
                />
                {as_of_error.map(|m| view! { <p class="field-error" id="pilot-list-as-of-error">{m}</p> })}
            </div>
            <label class="check filters-check">
                <input type="checkbox" name="silent_days" value=silent_value checked=!filter.silent_days.is_empty() />
                <span>{silent_label}</span>
            </label>
            <button type="submit" class="btn btn-primary">
                <Icon name="filter" />
                <span>{tr("pilot.list.apply")}</span>
            </button>
        </form>
    }
}

/// The count, the exports, the table and the pagination, or the empty state.
#[component]
fn Results(list: StatusList, filter: PilotFilter) -> impl IntoView {
    let as_of = list.as_of;
    let n_criteria = list.criteria.criteria.len();
    let count = trf(
        if list.total == 1 {
            "pilot.list.count_one"
        } else {
            "pilot.list.count"
        },
        &[
            ("n", group_digits(list.total)),
            ("date", lophoc::dates::display_date(as_of)),
        ],
    );
    let computed = trf(
        "pilot.computed_at",
        &[("at", lophoc::dates::display_timestamp(&list.computed_at))],
    );
    if list.items.is_empty() {
        return view! {
            <p class="sr-only" role="status">{count}</p>
            <div class="empty">
                <Icon name="search" />
                <p class="empty-title">{tr("pilot.list.empty")}</p>
                {filter.is_filtered().then(|| view! {
                    <a class="btn btn-secondary" href=PilotFilter { as_of: filter.as_of.clone(), ..Default::default() }.href(1)>
                        {tr("schools.clear_filters")}
                    </a>
                })}
            </div>
        }
        .into_any();
    }
    // The exports name the date the list is of, so a download later is still this list.
    let export = PilotFilter {
        as_of: as_of.to_string(),
        page: 1,
        ..filter.clone()
    };
    let evidence_q = if filter.as_of.is_empty() {
        String::new()
    } else {
        format!("?as_of={as_of}")
    };
    let (h_code, h_name, h_level, h_area, h_status, h_met, h_last) = (
        tr("pilot.col.code"),
        tr("pilot.col.name"),
        tr("pilot.col.level"),
        tr("pilot.col.area"),
        tr("pilot.list.status"),
        tr("pilot.list.met"),
        tr("pilot.col.last_activity"),
    );
    let first = (filter.page - 1) * PAGE_SIZE + 1;
    let last = first + list.items.len() as i64 - 1;
    let pages = page_count(list.total, PAGE_SIZE);
    let rows = list
        .items
        .into_iter()
        .map(|s| {
            let silent = is_silent(&s, as_of, SILENT_DAYS);
            let href = format!("/pilot/schools/{}{evidence_q}", s.school_id);
            let met = trf(
                "pilot.list.met_of",
                &[("met", s.met.to_string()), ("n", n_criteria.to_string())],
            );
            view! {
                <tr>
                    <td data-label=h_code class="nowrap fact-plain">{s.code.clone()}</td>
                    <th scope="row" data-label=h_name class="pilot-school-name">
                        <a href=href>{s.name.clone()}</a>
                    </th>
                    <td data-label=h_level class="fact-plain">{tr(s.level.label_key())}</td>
                    <td data-label=h_area class="fact-plain">{s.area.clone()}</td>
                    <td data-label=h_status class="fact-plain">
                        <span class="badges">
                            <CountedBadge enrolled=s.enrolled counted=s.counted />
                            {silent.then(|| view! { <span class="badge badge-danger">{tr("pilot.status.silent")}</span> })}
                        </span>
                    </td>
                    <td data-label=h_met class="fact-plain pilot-met">
                        <span class="nowrap">{met}</span>
                        " "
                        <MissingCriteria criteria=s.criteria.clone() />
                    </td>
                    <td data-label=h_last class="nowrap">
                        {s.last_activity.map(lophoc::dates::display_date).unwrap_or_else(|| "—".to_owned())}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="cluster cluster-between">
            <p class="muted" role="status">
                <strong>{count}</strong>
                " · "
                {computed}
            </p>
            <div class="cluster">
                <a class="btn btn-secondary btn-sm" href=export.export_href("csv") download="">
                    <Icon name="download" />
                    <span>{tr("pilot.list.csv")}</span>
                </a>
                <a class="btn btn-secondary btn-sm" href=export.export_href("xlsx") download="">
                    <Icon name="download" />
                    <span>{tr("pilot.list.xlsx")}</span>
                </a>
            </div>
        </div>
        <div class="table-wrap">
            <table class="table stack pilot-table">
                <caption class="sr-only">{tr("pilot.list.title")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{h_code}</th>
                        <th scope="col">{h_name}</th>
                        <th scope="col">{h_level}</th>
                        <th scope="col">{h_area}</th>
                        <th scope="col">{h_status}</th>
                        <th scope="col">{h_met}</th>
                        <th scope="col">{h_last}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(pages > 1).then(|| {
            let info = trf(
                "schools.showing",
                &[
                    ("from", group_digits(first)),
                    ("to", group_digits(last)),
                    ("total", group_digits(list.total)),
                ],
            );
            let current = filter.page;
            view! { <Pagination current pages href=Callback::new(move |p| filter.href(p)) info /> }
        })}
    }
    .into_any()
}
