//! `/pilot`: the department's dashboard of the pilot (thí điểm). The share of the province's
//! schools that count toward the target, against each target (how many schools it still needs,
//! when the trend's pace reaches it), the trend month by month, and the share by level and by
//! area, each a chart beside a table with the same numbers. Every number is a link into
//! `/pilot/schools` with the matching filter. An officer scoped to an area sees that area.
//!
//! Read-only and server-rendered: the date (`?as_of=`) and the areas' order and page
//! (`?area_order=`, `?area_page=`) are links and a GET form, so the page loads no wasm.

use crate::components::as_of_form::AsOfForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::{group_digits, percent_text};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::pilot_criteria::CriteriaInForce;
use crate::components::pilot_filter::PilotFilter;
use crate::components::pilot_groups::{AreaOrder, GroupChart, GroupKind, GroupTable, order_areas};
use crate::components::pilot_trend::TrendSection;
use crate::components::progress_target::ProgressTarget;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{SILENT_DAYS, SummaryView, TrendView, pilot_summary, pilot_trend};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::pilot::GroupCount;

/// Areas per page of the dashboard's area table (and its chart: the same rows).
pub const AREAS_PER_PAGE: i64 = 15;

/// The page's query: the date as asked, the areas' order and page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct View {
    as_of: String,
    area_order: AreaOrder,
    area_page: i64,
}

impl View {
    /// The dashboard's URL with the areas in `order` on `page`.
    fn href(&self, order: AreaOrder, page: i64) -> String {
        let mut q = Vec::new();
        if let Some(d) = lophoc::dates::parse_date(&self.as_of) {
            q.push(format!("as_of={d}"));
        }
        if order != AreaOrder::High {
            q.push(format!("area_order={}", order.code()));
        }
        if page > 1 {
            q.push(format!("area_page={page}"));
        }
        if q.is_empty() {
            "/pilot#by-area".to_owned()
        } else {
            format!("/pilot?{}#by-area", q.join("&"))
        }
    }
}

/// `/pilot`.
#[component]
pub fn PilotPage() -> impl IntoView {
    let view = use_query_map().with_untracked(|q| View {
        as_of: q.get("as_of").unwrap_or_default().trim().to_owned(),
        area_order: AreaOrder::parse(q.get("area_order").unwrap_or_default().as_str()),
        area_page: q
            .get("area_page")
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1),
    });
    let asked = (!view.as_of.is_empty()).then(|| view.as_of.clone());
    let summary = OnceResource::new(pilot_summary(asked));
    let trend = OnceResource::new(pilot_trend());
    view! {
        <PageTitle text=tr("pilot.dash.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("pilot.dash.title")}</h1>
                <p>{tr("pilot.dash.intro")}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-secondary" href="/pilot/schools">
                    <Icon name="school" />
                    <span>{tr("pilot.nav.schools")}</span>
                </a>
                <a class="btn btn-ghost" href=report_href(&view.as_of)>
                    <Icon name="printer" />
                    <span>{tr("pilot.report.open")}</span>
                </a>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match summary.await {
                        Ok(s) => {
                            let t = trend.await;
                            view! { <Dashboard s t view /> }.into_any()
                        }
                        Err(e) => view! { <Refused e as_of=view.as_of.clone() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn report_href(as_of: &str) -> String {
    match lophoc::dates::parse_date(as_of) {
        Some(d) => format!("/pilot/report?as_of={d}"),
        None => "/pilot/report".to_owned(),
    }
}

/// The summary refused: a bad date next to its field, anything else as an alert.
#[component]
fn Refused(e: UiError, as_of: String) -> impl IntoView {
    let field = e.field("as_of");
    let only_field = field.is_some() && e.fields.len() == 1;
    view! {
        <div class="stack">
            {field.is_some().then(|| view! { <AsOfForm action="/pilot" id="pilot-as-of" value=as_of error=field.clone().unwrap_or_default() /> })}
            {(!only_field).then(|| view! { <ErrorAlert error=e /> })}
        </div>
    }
}

#[component]
fn Dashboard(s: SummaryView, t: Result<TrendView, UiError>, view: View) -> impl IntoView {
    // Links keep the date only when one was asked for (today's links stay today's).
    let base = PilotFilter::on((!view.as_of.is_empty()).then_some(s.as_of));
    let computed = trf(
        "pilot.computed_at",
        &[("at", lophoc::dates::display_timestamp(&s.computed_at))],
    );
    let scope = match &s.area {
        Some(a) => trf("pilot.scope_area", &[("area", a.clone())]),
        None => tr("pilot.scope_province").to_owned(),
    };
    let targets_pct: Vec<f64> = s.targets.iter().map(|t| t.percent).collect();
    let (trend_view, projections) = match &t {
        Ok(t) => (
            view! { <TrendSection points=t.points.clone() targets=t.targets.clone() pending=t.pending /> }.into_any(),
            t.targets.clone(),
        ),
        Err(e) => (view! { <ErrorAlert error=e.clone() /> }.into_any(), vec![]),
    };
    let needed_href = base
        .clone()
        .with("enrolled", "true")
        .with("counted", "false")
        .with("order", "close")
        .href(1);
    let targets = if s.targets.is_empty() {
        view! { <p class="muted">{tr("pilot.dash.no_targets")}</p> }.into_any()
    } else {
        s.targets
            .iter()
            .map(|target| {
                let projected = lophoc::pilot::projection_of(&projections, target);
                view! {
                    <ProgressTarget now=s.percent target=target.clone() projected as_of=s.as_of needed_href=needed_href.clone() />
                }
            })
            .collect_view()
            .into_any()
    };
    let not_counted = s.enrolled_schools - s.counted_schools;
    view! {
        <div class="stack stack-lg">
            <div class="pilot-toolbar">
                <AsOfForm action="/pilot" id="pilot-as-of" value=s.as_of.to_string() hidden=vec![("area_order", if view.area_order == AreaOrder::High { String::new() } else { view.area_order.code().to_owned() })] />
                <p class="muted small" role="status">
                    <strong>{scope}</strong>
                    " · "
                    {computed}
                </p>
            </div>
            <section class="card pilot-headline" aria-labelledby="headline-title">
                <div class="card-body">
                    <h2 id="headline-title" class="sr-only">{tr("pilot.dash.headline")}</h2>
                    <p class="pilot-big">
                        <a href=base.clone().with("counted", "true").href(1)>
                            <span class="pilot-big-value">{percent_text(s.percent)}</span>
                            " "
                            <span class="pilot-big-label">{tr("pilot.dash.big_label")}</span>
                        </a>
                    </p>
                    <p class="pilot-big-meta">
                        <a href=base.clone().with("counted", "true").href(1)>{group_digits(s.counted_schools)}</a>
                        " / "
                        <a href=base.href(1)>{group_digits(s.total_schools)}</a>
                        " "
                        {trf("pilot.dash.counted_of", &[("date", lophoc::dates::display_date(s.as_of))])}
                    </p>
                    <ul class="pilot-facts">
                        <li>
                            <a href=base.clone().with("enrolled", "true").href(1)>
                                <span class="pilot-fact-value">{group_digits(s.enrolled_schools)}</span>
                                <span class="pilot-fact-label">{tr("pilot.dash.enrolled")}</span>
                            </a>
                        </li>
                        <li>
                            <a href=base.clone().with("enrolled", "true").with("counted", "false").with("order", "close").href(1)>
                                <span class="pilot-fact-value">{group_digits(not_counted)}</span>
                                <span class="pilot-fact-label">{tr("pilot.dash.not_counted")}</span>
                            </a>
                        </li>
                        <li>
                            <a href=base.clone().with("silent_days", SILENT_DAYS.to_string()).href(1)>
                                <span class="pilot-fact-value">{group_digits(s.silent_schools)}</span>
                                <span class="pilot-fact-label">{trf("pilot.dash.silent", &[("days", SILENT_DAYS.to_string())])}</span>
                            </a>
                        </li>
                    </ul>
                    <CriteriaInForce criteria=s.criteria.clone() />
                </div>
            </section>
            <section class="card" aria-labelledby="targets-title">
                <div class="card-header">
                    <h2 id="targets-title">{tr("pilot.dash.targets")}</h2>
                </div>
                <div class="card-body stack">{targets}</div>
            </section>
            <section class="card" aria-labelledby="trend-title">
                <div class="card-header">
                    <h2 id="trend-title">{tr("pilot.trend.title")}</h2>
                </div>
                <div class="card-body stack">{trend_view}</div>
            </section>
            <section class="card" aria-labelledby="by-level-title">
                <div class="card-header">
                    <h2 id="by-level-title">{tr("pilot.dash.by_level")}</h2>
                </div>
                <div class="card-body grid-chart">
                    <div>
                        <GroupChart id="level-chart" title=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() targets=targets_pct.clone() />
                    </div>
                    <GroupTable caption=tr("pilot.dash.by_level").to_owned() kind=GroupKind::Level groups=s.by_level.clone() base=base.clone() />
                </div>
            </section>
            <Areas areas=s.by_area.clone() view base targets=targets_pct />
        </div>
    }
}

/// The areas: the order's chips, then one page of them as a chart and a table.
#[component]
fn Areas(
    areas: Vec<GroupCount>,
    view: View,
    base: PilotFilter,
    targets: Vec<f64>,
) -> impl IntoView {
    let total = areas.len() as i64;
    let pages = page_count(total, AREAS_PER_PAGE).max(1);
    let current = view.area_page.min(pages);
    let ordered = order_areas(areas, view.area_order);
    let first = (current - 1) * AREAS_PER_PAGE;
    let rows: Vec<GroupCount> = ordered
        .into_iter()
        .skip(first as usize)
        .take(AREAS_PER_PAGE as usize)
        .collect();
    let chips = AreaOrder::ALL
        .into_iter()
        .map(|o| {
            let on = o == view.area_order;
            view! {
                <a class="chip" href=view.href(o, 1) aria-current=on.then_some("true")>{tr(o.label_key())}</a>
            }
        })
        .collect_view();
    let chart_title = trf(
        "pilot.dash.area_chart",
        &[
            ("order", tr(view.area_order.label_key()).to_lowercase()),
            ("from", group_digits(first + 1)),
            ("to", group_digits(first + rows.len() as i64)),
            ("total", group_digits(total)),
        ],
    );
    let pager = (pages > 1).then(|| {
        let v = view.clone();
        let info = trf(
            "pilot.dash.areas_showing",
            &[
                ("from", group_digits(first + 1)),
                ("to", group_digits(first + rows.len() as i64)),
                ("total", group_digits(total)),
            ],
        );
        view! { <Pagination current pages href=Callback::new(move |p| v.href(v.area_order, p)) info /> }
    });
    view! {
        <section class="card" id="by-area" aria-labelledby="by-area-title">
            <div class="card-header">
                <h2 id="by-area-title">{tr("pilot.dash.by_area")}</h2>
                <nav class="chips" aria-label=tr("pilot.dash.area_order")>{chips}</nav>
            </div>
            <div class="card-body">
                {if rows.is_empty() {
                    view! { <p class="muted">{tr("pilot.dash.no_areas")}</p> }.into_any()
                } else {
                    view! {
                        <div class="grid-chart">
                            <div>
                                <GroupChart id="area-chart" title=chart_title.clone() kind=GroupKind::Area groups=rows.clone() targets />
                            </div>
                            <GroupTable caption=chart_title kind=GroupKind::Area groups=rows base />
                        </div>
                    }
                    .into_any()
                }}
                {pager}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_links_keep_the_date() {
        let v = View {
            as_of: "30/11/2026".into(),
            ..Default::default()
        };
        assert_eq!(
            v.href(AreaOrder::Low, 2),
            "/pilot?as_of=2026-11-30&area_order=low&area_page=2#by-area"
        );
        assert_eq!(View::default().href(AreaOrder::High, 1), "/pilot#by-area");
    }
}
