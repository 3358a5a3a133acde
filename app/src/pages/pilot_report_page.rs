//! `/pilot/report`: the pilot's progress as a printable A4 report for the provincial committee,
//! in the reader's language: the province and the date at the top, the share of schools that
//! count against each target, the criteria in force, the trend, the shares by level and the
//! areas that lead, the schools closest to counting and the silent ones (enrolled, no recorded
//! use), the list of the schools that count (the first [`REPORT_SCHOOLS`] by code), and a
//! signature block. The browser's own "Print" makes the paper or PDF (`@media print` in
//! main.css: A4, page numbers in the page's margin, no table row cut across pages).

use crate::components::as_of_form::AsOfForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::{group_digits, percent_text};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::components::pilot_criteria::{CriteriaInForce, MissingCriteria};
use crate::components::pilot_filter::PilotFilter;
use crate::components::pilot_groups::{AreaOrder, GroupChart, GroupKind, GroupTable, order_areas};
use crate::components::pilot_trend::TrendSection;
use crate::components::progress_target::ProgressTarget;
use crate::error::UiError;
use crate::i18n::{current_lang, tr, trf};
use crate::serverfns::pilot::{
    MAX_PER_PAGE, SILENT_DAYS, StatusList, SummaryView, TrendView, pilot_schools, pilot_summary,
    pilot_trend,
};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::display_date;

/// The most counting schools the report lists (a print, not a browser: the full list is the
/// CSV export).
pub const REPORT_SCHOOLS: i64 = MAX_PER_PAGE;
/// Areas in the "ahead" table, schools in the "closest" and "silent" ones.
const TOP: usize = 15;

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
    let list = |counted: Option<&str>, enrolled: Option<&str>, silent: bool, order: &str| {
        pilot_schools(
            as_of.clone(),
            counted.map(str::to_owned),
            enrolled.map(str::to_owned),
            silent.then(|| SILENT_DAYS.to_string()),
            None,
            None,
            None,
            Some(order.to_owned()),
            Some(1),
            Some(TOP as i64),
        )
    };
    let close = OnceResource::new(list(Some("false"), Some("true"), false, "close"));
    let silent = OnceResource::new(list(None, None, true, "code"));
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
                            let lists = Lists { close: close.await, silent: silent.await, counted: c };
                            view! { <Report s t lists asked=as_of.is_some() /> }.into_any()
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

/// The school lists of the report, each as the service answered.
struct Lists {
    /// Enrolled, not counting, most criteria met first.
    close: Result<StatusList, UiError>,
    /// Enrolled, no recorded use for [`SILENT_DAYS`] days.
    silent: Result<StatusList, UiError>,
    /// Counting, by code.
    counted: Result<StatusList, UiError>,
}

/// "ngày 30 tháng 11 năm 2026" / "30/11/2026".
fn long_date(d: NaiveDate) -> String {
    trf(
        "pilot.report.long_date",
        &[
            ("d", format!("{:02}", d.day())),
            ("m", format!("{:02}", d.month())),
            ("y", d.year().to_string()),
        ],
    )
}

#[component]
fn Report(
    s: SummaryView,
    t: Result<TrendView, UiError>,
    lists: Lists,
    asked: bool,
) -> impl IntoView {
    let base = PilotFilter::on(asked.then_some(s.as_of));
    let lang = current_lang();
    let scope = match &s.area {
        Some(a) => trf("pilot.scope_area", &[("area", a.clone())]),
        None => tr("pilot.scope_province").to_owned(),
    };
    let province = s.province.clone().unwrap_or_default();
    let authority = if province.is_empty() {
        tr("pilot.report.authority_unnamed").to_owned()
    } else {
        trf(
            "pilot.report.authority",
            &[("province", province.to_uppercase())],
        )
    };
    let place_date = trf(
        "pilot.report.place_date",
        &[
            (
                "place",
                if province.is_empty() {
                    "……………".to_owned()
                } else {
                    province.clone()
                },
            ),
            ("date", long_date(s.as_of)),
        ],
    );
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
    // The areas that lead: those with a school that counts (a list of zeros says nothing).
    let ahead: Vec<_> = order_areas(s.by_area.clone(), AreaOrder::High)
        .into_iter()
        .filter(|a| a.counted > 0)
        .take(TOP)
        .collect();
    let ahead_title = trf(
        "pilot.report.areas_ahead",
        &[("n", ahead.len().to_string())],
    );
    let printed = trf(
        "pilot.report.subtitle",
        &[
            ("scope", scope),
            ("date", display_date(s.as_of)),
            ("at", lophoc::dates::display_timestamp(&s.computed_at)),
        ],
    );
    let close_href = base
        .clone()
        .with("enrolled", "true")
        .with("counted", "false")
        .with("order", "close")
        .href(1);
    let silent_href = base
        .clone()
        .with("silent_days", SILENT_DAYS.to_string())
        .href(1);
    view! {
        <article class=format!("report report-{}", lang.code())>
            <header class="report-header">
                <div class="report-letterhead">
                    <p class="report-authority">
                        <span>{authority}</span>
                        <strong>{tr("pilot.report.org")}</strong>
                    </p>
                    <p class="report-motto">
                        <strong>{tr("pilot.report.nation")}</strong>
                        <span>{tr("pilot.report.motto")}</span>
                    </p>
                </div>
                <p class="report-place-date">{place_date.clone()}</p>
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
                <div class="report-keep report-headline">
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
                            <tr><th scope="row">{trf("pilot.dash.silent", &[("days", SILENT_DAYS.to_string())])}</th><td class="num">{group_digits(s.silent_schools)}</td></tr>
                        </tbody>
                    </table>
                </div>
                <div class="report-keep">
                    <CriteriaInForce criteria=s.criteria.clone() />
                </div>
            </section>
            <section class="report-section" aria-labelledby="r-targets">
                <h2 id="r-targets">{tr("pilot.dash.targets")}</h2>
                <div class="stack report-keep">{targets}</div>
            </section>
            <section class="report-section" aria-labelledby="r-trend">
                <h2 id="r-trend">{tr("pilot.trend.title")}</h2>
                <div class="report-keep">{trend}</div>
            </section>
            <section class="report-section" aria-labelledby="r-level">
                <h2 id="r-level">{tr("pilot.dash.by_level")}</h2>
                <div class="grid-chart report-keep">
                    <div>
                        <GroupChart id="r-level-chart" title=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() targets=targets_pct.clone() />
                    </div>
                    <GroupTable caption=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() base=base.clone() />
                </div>
            </section>
            <section class="report-section" aria-labelledby="r-areas">
                <h2 id="r-areas">{ahead_title.clone()}</h2>
                {if ahead.is_empty() {
                    view! { <p class="muted">{tr("pilot.report.no_areas_ahead")}</p> }.into_any()
                } else {
                    view! {
                        <div class="report-keep">
                            <GroupTable caption=ahead_title kind=GroupKind::Area groups=ahead base=base.clone() />
                        </div>
                    }
                    .into_any()
                }}
            </section>
            <section class="report-section" aria-labelledby="r-close">
                <h2 id="r-close">{tr("pilot.report.close")}</h2>
                <p class="small muted">{tr("pilot.report.close_hint")}</p>
                {match lists.close {
                    Ok(l) => view! { <SchoolList l href=close_href kind=ListKind::Close /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }}
            </section>
            <section class="report-section" aria-labelledby="r-silent">
                <h2 id="r-silent">{trf("pilot.report.silent", &[("days", SILENT_DAYS.to_string())])}</h2>
                {match lists.silent {
                    Ok(l) => view! { <SchoolList l href=silent_href kind=ListKind::Silent /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }}
            </section>
            <section class="report-section" aria-labelledby="r-schools">
                <h2 id="r-schools">{tr("pilot.report.schools")}</h2>
                {match lists.counted {
                    Ok(l) => view! { <CountedSchools l base /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }}
            </section>
            <section class="report-signatures" aria-label=tr("pilot.report.signatures")>
                <p class="report-place-date">{place_date}</p>
                <div class="report-signers">
                    <div>
                        <p><strong>{tr("pilot.report.prepared_by")}</strong></p>
                        <p class="small"><em>{tr("pilot.report.sign_name")}</em></p>
                    </div>
                    <div>
                        <p><strong>{tr("pilot.report.approved_by")}</strong></p>
                        <p class="small"><em>{tr("pilot.report.sign_seal")}</em></p>
                    </div>
                </div>
            </section>
        </article>
    }
}

/// Which short list of schools.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    /// Closest to counting: the criteria each still misses.
    Close,
    /// Silent: the last recorded use.
    Silent,
}

/// A short list of schools (at most [`TOP`]), its total and where the rest is.
#[component]
fn SchoolList(l: StatusList, href: String, kind: ListKind) -> impl IntoView {
    if l.items.is_empty() {
        return view! { <p class="muted">{tr("pilot.report.none")}</p> }.into_any();
    }
    let n = l.criteria.criteria.len();
    let more = (l.total > l.items.len() as i64).then(|| {
        view! {
            <p class="small">
                {trf("pilot.report.first_of", &[("shown", group_digits(l.items.len() as i64)), ("total", group_digits(l.total))])}
                " "
                <a class="no-print" href=href>{tr("pilot.report.see_all")}</a>
            </p>
        }
    });
    let last_head = match kind {
        ListKind::Close => tr("pilot.report.missing"),
        ListKind::Silent => tr("pilot.col.last_activity"),
    };
    let rows = l
        .items
        .into_iter()
        .map(|s| {
            let last = match kind {
                ListKind::Close => view! {
                    <span class="nowrap">{trf("pilot.list.met_of", &[("met", s.met.to_string()), ("n", n.to_string())])}</span>
                    " "
                    <MissingCriteria criteria=s.criteria.clone() />
                }
                .into_any(),
                ListKind::Silent => view! {
                    {s.last_activity.map(display_date).unwrap_or_else(|| tr("pilot.report.never").to_owned())}
                }
                .into_any(),
            };
            view! {
                <tr>
                    <td class="nowrap">{s.code.clone()}</td>
                    <td>{s.name.clone()}</td>
                    <td>{s.area.clone()}</td>
                    <td>{last}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table compact report-list">
            <thead>
                <tr>
                    <th scope="col">{tr("pilot.col.code")}</th>
                    <th scope="col">{tr("pilot.col.name")}</th>
                    <th scope="col">{tr("pilot.col.area")}</th>
                    <th scope="col">{last_head}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {more}
    }
    .into_any()
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
        <div class="table-wrap report-long">
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
