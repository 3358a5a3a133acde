//! `/pilot/report`: the pilot's progress as a printable A4 report for the provincial committee,
//! in the reader's language: the share of schools that count against each target, the trend,
//! the shares by level and the areas ahead and behind, and the list of the schools that count
//! (the first [`REPORT_SCHOOLS`] by code). The browser's own "Print" makes the paper or PDF
//! (`@media print` in main.css drops the navigation and the page's controls).

use crate::components::as_of_form::AsOfForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::{group_digits, percent_text};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::components::pilot_filter::PilotFilter;
use crate::components::pilot_groups::{AreaOrder, GroupChart, GroupKind, GroupTable, order_areas};
use crate::components::pilot_trend::TrendSection;
use crate::components::progress_target::ProgressTarget;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{
    MAX_PER_PAGE, StatusList, SummaryView, TrendView, pilot_schools, pilot_summary, pilot_trend,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::display_date;

/// The most counting schools the report lists (a print, not a browser: the full list is the
/// CSV export).
pub const REPORT_SCHOOLS: i64 = MAX_PER_PAGE;
/// Areas in each of the "ahead" and "behind" tables.
const TOP_AREAS: usize = 15;

/// `/pilot/report`.
#[component]
pub fn PilotReportPage() -> impl IntoView {
    let as_of = use_query_map().with_untracked(|q| {
        q.get("as_of")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    });
    let summary = OnceResource::new(pilot_summary(as_of.clone()));
    let trend = OnceResource::new(pilot_trend());
    let counted = OnceResource::new(pilot_schools(
        as_of.clone(),
        Some("true".into()),
        None,
        None,
        None,
        None,
        None,
        Some("code".into()),
        Some(1),
        Some(REPORT_SCHOOLS),
    ));
    view! {
        <PageTitle text=tr("pilot.report.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let as_of = as_of.clone();
                Suspend::new(async move {
                    match summary.await {
                        Ok(s) => {
                            let (t, c) = (trend.await, counted.await);
                            view! { <Report s t c asked=as_of.is_some() /> }.into_any()
                        }
                        Err(e) => view! {
                            <h1>{tr("pilot.report.title")}</h1>
                            {e.field("as_of").map(|m| view! { <AsOfForm action="/pilot/report" id="report-as-of" value=as_of.clone().unwrap_or_default() error=m /> })}
                            <ErrorAlert error=e />
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Report(
    s: SummaryView,
    t: Result<TrendView, UiError>,
    c: Result<StatusList, UiError>,
    asked: bool,
) -> impl IntoView {
    let base = PilotFilter::on(asked.then_some(s.as_of));
    let scope = match &s.area {
        Some(a) => trf("pilot.scope_area", &[("area", a.clone())]),
        None => tr("pilot.scope_province").to_owned(),
    };
    let targets_pct: Vec<f64> = s.targets.iter().map(|t| t.percent).collect();
    let projections = t.as_ref().map(|t| t.targets.clone()).unwrap_or_default();
    let targets = s
        .targets
        .iter()
        .map(|target| {
            let projected = lophoc::pilot::projection_of(&projections, target);
            view! { <ProgressTarget now=s.percent target=target.clone() projected as_of=s.as_of /> }
        })
        .collect_view();
    let trend = match t {
        Ok(t) => view! { <TrendSection points=t.points targets=t.targets pending=t.pending /> }
            .into_any(),
        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
    };
    let ahead: Vec<_> = order_areas(s.by_area.clone(), AreaOrder::High)
        .into_iter()
        .take(TOP_AREAS)
        .collect();
    let behind: Vec<_> = order_areas(s.by_area.clone(), AreaOrder::Low)
        .into_iter()
        .take(TOP_AREAS)
        .collect();
    let many_areas = s.by_area.len() > TOP_AREAS;
    let ahead_title = if many_areas {
        trf(
            "pilot.report.areas_ahead",
            &[("n", ahead.len().to_string())],
        )
    } else {
        tr("pilot.dash.by_area").to_owned()
    };
    let behind_title = trf(
        "pilot.report.areas_behind",
        &[("n", behind.len().to_string())],
    );
    let printed = trf(
        "pilot.report.subtitle",
        &[
            ("scope", scope),
            ("date", display_date(s.as_of)),
            ("at", lophoc::dates::display_timestamp(&s.computed_at)),
        ],
    );
    view! {
        <article class="report">
            <header class="report-header">
                <p class="report-org">{tr("pilot.report.org")}</p>
                <h1>{tr("pilot.report.title")}</h1>
                <p class="report-sub">{printed}</p>
            </header>
            <div class="no-print report-controls">
                <AsOfForm action="/pilot/report" id="report-as-of" value=s.as_of.to_string() />
                <p class="small muted">
                    <Icon name="printer" />
                    " "
                    {tr("pilot.report.print_hint")}
                </p>
            </div>
            <section class="report-section" aria-labelledby="r-headline">
                <h2 id="r-headline">{tr("pilot.report.headline")}</h2>
                <p class="pilot-big">
                    <span class="pilot-big-value">{percent_text(s.percent)}</span>
                    " "
                    <span class="pilot-big-label">{tr("pilot.dash.big_label")}</span>
                </p>
                <table class="table compact report-facts">
                    <tbody>
                        <tr><th scope="row">{tr("pilot.report.total")}</th><td class="num">{group_digits(s.total_schools)}</td></tr>
                        <tr><th scope="row">{tr("pilot.dash.enrolled")}</th><td class="num">{group_digits(s.enrolled_schools)}</td></tr>
                        <tr><th scope="row">{tr("pilot.report.counted")}</th><td class="num">{group_digits(s.counted_schools)}</td></tr>
                        <tr><th scope="row">{trf("pilot.dash.silent", &[("days", crate::serverfns::pilot::SILENT_DAYS.to_string())])}</th><td class="num">{group_digits(s.silent_schools)}</td></tr>
                    </tbody>
                </table>
            </section>
            <section class="report-section" aria-labelledby="r-targets">
                <h2 id="r-targets">{tr("pilot.dash.targets")}</h2>
                <div class="stack">{targets}</div>
            </section>
            <section class="report-section" aria-labelledby="r-trend">
                <h2 id="r-trend">{tr("pilot.trend.title")}</h2>
                {trend}
            </section>
            <section class="report-section" aria-labelledby="r-level">
                <h2 id="r-level">{tr("pilot.dash.by_level")}</h2>
                <div class="grid-chart">
                    <div>
                        <GroupChart id="r-level-chart" title=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() targets=targets_pct.clone() />
                    </div>
                    <GroupTable caption=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() base=base.clone() />
                </div>
            </section>
            <section class="report-section" aria-labelledby="r-areas">
                <h2 id="r-areas">{ahead_title.clone()}</h2>
                <div class="grid-chart">
                    <div>
                        <GroupChart id="r-area-chart" title=ahead_title.clone() kind=GroupKind::Area groups=ahead.clone() targets=targets_pct />
                    </div>
                    <GroupTable caption=ahead_title kind=GroupKind::Area groups=ahead base=base.clone() />
                </div>
                {many_areas.then(|| view! {
                    <h3>{behind_title.clone()}</h3>
                    <GroupTable caption=behind_title kind=GroupKind::Area groups=behind base=base.clone() />
                })}
            </section>
            <section class="report-section report-break" aria-labelledby="r-schools">
                <h2 id="r-schools">{tr("pilot.report.schools")}</h2>
                {match c {
                    Ok(l) => view! { <CountedSchools l base /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }}
            </section>
        </article>
    }
}

/// The counting schools by code, at most [`REPORT_SCHOOLS`].
#[component]
fn CountedSchools(l: StatusList, base: PilotFilter) -> impl IntoView {
    if l.items.is_empty() {
        return view! { <p class="muted">{tr("pilot.report.no_schools")}</p> }.into_any();
    }
    let more = (l.total > l.items.len() as i64).then(|| {
        let href = base.clone().with("counted", "true").with("order", "code").export_href("csv");
        view! {
            <p class="small">
                {trf("pilot.report.more", &[("shown", group_digits(l.items.len() as i64)), ("total", group_digits(l.total))])}
                " "
                <a class="no-print" href=href>{tr("pilot.list.csv")}</a>
            </p>
        }
    });
    let rows = l
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! {
                <tr>
                    <td class="num">{i + 1}</td>
                    <td class="nowrap">{s.code.clone()}</td>
                    <td>{s.name.clone()}</td>
                    <td>{tr(s.level.label_key())}</td>
                    <td>{s.area.clone()}</td>
                    <td class="nowrap">{s.since.map(display_date).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted small">{trf("pilot.report.schools_count", &[("n", group_digits(l.total))])}</p>
        <div class="table-wrap">
            <table class="table compact report-schools">
                <caption class="sr-only">{tr("pilot.report.schools")}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">"#"</th>
                        <th scope="col">{tr("pilot.col.code")}</th>
                        <th scope="col">{tr("pilot.col.name")}</th>
                        <th scope="col">{tr("pilot.col.level")}</th>
                        <th scope="col">{tr("pilot.col.area")}</th>
                        <th scope="col">{tr("pilot.col.since")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {more}
    }
    .into_any()
}
