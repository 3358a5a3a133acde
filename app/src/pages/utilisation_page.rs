//! `/utilisation`: booked vs used vs no-show periods over a date range (default the last 30
//! days), per kind (a chart and its table), per device, and for the department an overview
//! aggregated in the database: per area (a chart of the busiest areas and a paged table; an
//! area's link, `?area=ID`, lists its schools), then per school (a school's link narrows the
//! report to it with `?school=ID`). The filters are a GET form, so a report is a link; CSV and Excel come from
//! the REST API (`GET /api/v1/utilisation`).

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::pagination::{Pagination, page_count};
use crate::error::UiError;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::bookings::{UtilisationView, utilisation_report};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::display_iso_date;
use lophoc::devices::DeviceKind;
use lophoc::ids::{AreaId, SchoolId};
use lophoc::utilisation::{AREAS_PER_PAGE, Utilisation, UtilisationRow};

/// The report's filters as the query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    school: Option<SchoolId>,
    area: Option<AreaId>,
    page: Option<i64>,
    from: String,
    to: String,
    kind: String,
}

impl Filter {
    /// The query string (empty values left out), without the leading `?`.
    fn query(&self, school: Option<SchoolId>) -> String {
        self.query_of(school, None, None)
    }

    fn query_of(
        &self,
        school: Option<SchoolId>,
        area: Option<AreaId>,
        page: Option<i64>,
    ) -> String {
        let mut parts = Vec::new();
        if let Some(s) = school {
            parts.push(format!("school={s}"));
        }
        if let Some(a) = area {
            parts.push(format!("area={a}"));
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            parts.push(format!("page={p}"));
        }
        for (k, v) in [("from", &self.from), ("to", &self.to), ("kind", &self.kind)] {
            if !v.is_empty() {
                parts.push(format!("{k}={v}"));
            }
        }
        parts.join("&")
    }

    fn href(&self, school: Option<SchoolId>) -> String {
        Self::url(self.query(school))
    }

    /// The overview narrowed to an area (its schools), the range kept.
    fn area_href(&self, area: AreaId) -> String {
        Self::url(self.query_of(None, Some(area), None))
    }

    /// A page of the overview's areas, the range kept.
    fn page_href(&self, page: i64) -> String {
        Self::url(self.query_of(None, None, Some(page)))
    }

    fn url(q: String) -> String {
        if q.is_empty() {
            "/utilisation".into()
        } else {
            format!("/utilisation?{q}")
        }
    }
}

/// Percent of `part` in `whole`, rounded; none when `whole` is 0.
fn rate(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

fn rate_text(part: i64, whole: i64) -> String {
    rate(part, whole)
        .map(|r| format!("{r}%"))
        .unwrap_or_else(|| "—".into())
}

/// `/utilisation`.
#[component]
pub fn UtilisationPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Filter {
            school: get("school").parse().ok(),
            area: get("area").parse().ok(),
            page: get("page").parse().ok(),
            from: get("from"),
            to: get("to"),
            kind: get("kind"),
        }
    });
    let report = Resource::new(
        move || filter.get(),
        |f| {
            let opt = |s: String| (!s.is_empty()).then_some(s);
            utilisation_report(
                f.school,
                opt(f.from),
                opt(f.to),
                opt(f.kind),
                f.area,
                f.page,
            )
        },
    );
    view! {
        <PageTitle text=tr("util.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("util.title")}</h1>
                <p>{tr("util.intro")}</p>
            </div>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match report.await {
                    Ok(r) => view! { <Report report=r filter=f /> }.into_any(),
                    Err(e) => view! {
                        <div class="stack">
                            <Filters filter=f.clone() error=Some(e.clone()) from=f.from.clone() to=f.to.clone() />
                            <ErrorAlert error=e />
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// The GET form of the range and kind (the school, when one is picked, rides along).
#[component]
fn Filters(filter: Filter, error: Option<UiError>, from: String, to: String) -> impl IntoView {
    let err = move |f: &str| error.as_ref().and_then(|e| e.field(f));
    let (from_err, to_err) = (err("from"), err("to"));
    let (from_bad, to_bad) = (from_err.is_some(), to_err.is_some());
    let kind = filter.kind.clone();
    let kinds = DeviceKind::ALL
        .into_iter()
        .map(|k| {
            let on = kind == k.as_str();
            view! { <option value=k.as_str() selected=on>{tr(k.label_key())}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/utilisation" class="filters" role="search">
            {filter.school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
            {filter.area.map(|a| view! { <input type="hidden" name="area" value=a.to_string() /> })}
            <div class="field" class:invalid=from_bad>
                <label for="util-from">{tr("util.from")}</label>
                <input
                    id="util-from"
                    type="text"
                    name="from"
                    value=display_iso_date(&from)
                    placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN
                    autocomplete="off"
                    aria-invalid=from_bad.to_string()
                    aria-describedby=from_bad.then_some("util-from-error")
                />
                {from_err.map(|m| view! { <p class="field-error" id="util-from-error">{m}</p> })}
            </div>
            <div class="field" class:invalid=to_bad>
                <label for="util-to">{tr("util.to")}</label>
                <input
                    id="util-to"
                    type="text"
                    name="to"
                    value=display_iso_date(&to)
                    placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN
                    autocomplete="off"
                    aria-invalid=to_bad.to_string()
                    aria-describedby=to_bad.then_some("util-to-error")
                />
                {to_err.map(|m| view! { <p class="field-error" id="util-to-error">{m}</p> })}
            </div>
            <div class="field">
                <label for="util-kind">{tr("util.kind")}</label>
                <select id="util-kind" name="kind">
                    <option value="" selected=filter.kind.is_empty()>{tr("util.all_kinds")}</option>
                    {kinds}
                </select>
            </div>
            <button type="submit" class="btn btn-primary">
                <Icon name="filter" />
                <span>{tr("util.apply")}</span>
            </button>
        </form>
    }
}

/// The whole report.
#[component]
fn Report(report: UtilisationView, filter: Filter) -> impl IntoView {
    let UtilisationView {
        report: u,
        school,
        area,
        sees_all,
    } = report;
    // The range the report covers (the defaults filled in), for the form and the downloads.
    let resolved = Filter {
        from: u.from.to_string(),
        to: u.to.to_string(),
        ..filter.clone()
    };
    let download = |format: &str| {
        let mut q = vec![
            format!("from={}", u.from),
            format!("to={}", u.to),
            format!("format={format}"),
        ];
        if let Some((id, ..)) = &school {
            q.insert(0, format!("school_id={id}"));
        }
        if !filter.kind.is_empty() {
            q.push(format!("kind={}", filter.kind));
        }
        format!("/api/v1/utilisation?{}", q.join("&"))
    };
    let (csv, xlsx) = (download("csv"), download("xlsx"));
    let scope = match (&school, &area) {
        (Some((_, code, name)), _) => trf(
            "util.scope_school",
            &[("code", code.clone()), ("name", name.clone())],
        ),
        (None, Some((_, name))) => trf("util.scope_area", &[("name", name.clone())]),
        (None, None) => tr("util.scope_all").to_owned(),
    };
    let range = trf(
        "util.range",
        &[
            ("from", lophoc::dates::display_date(u.from)),
            ("to", lophoc::dates::display_date(u.to)),
        ],
    );
    let back_to_all = (sees_all && (school.is_some() || area.is_some())).then(|| {
        let href = filter.href(None);
        view! {
            <p>
                <a href=href>
                    <Icon name="chevron-left" />
                    {tr("util.all_schools")}
                </a>
            </p>
        }
    });
    let (booked, used, no_show) = u.kinds.iter().fold((0, 0, 0), |(b, us, n), k| {
        (b + k.booked, us + k.used, n + k.no_show)
    });
    let devices: i64 = u.kinds.iter().map(|k| k.devices).sum();
    let per_area = (sees_all && school.is_none() && area.is_none())
        .then(|| view! { <Areas u=u.clone() filter=filter.clone() /> });
    let per_school = (sees_all && school.is_none() && area.is_some())
        .then(|| view! { <Schools u=u.clone() filter=filter.clone() /> });
    let per_device = school
        .is_some()
        .then(|| view! { <Devices rows=u.devices.clone() /> });
    let pick_school = (sees_all && school.is_none() && area.is_some())
        .then(|| view! { <p class="muted">{tr("util.pick_school")}</p> });
    view! {
        <div class="stack stack-lg">
            {back_to_all}
            <Filters filter=resolved.clone() error=None from=resolved.from.clone() to=resolved.to.clone() />
            <div class="cluster cluster-between">
                <p class="muted" role="status">
                    <strong>{scope}</strong>
                    " · "
                    {range}
                </p>
                <div class="cluster">
                    <a class="btn btn-secondary btn-sm" href=csv download="">
                        <Icon name="download" />
                        <span>{tr("util.csv")}</span>
                    </a>
                    <a class="btn btn-secondary btn-sm" href=xlsx download="">
                        <Icon name="download" />
                        <span>{tr("util.xlsx")}</span>
                    </a>
                </div>
            </div>
            <div class="cards cards-4">
                <div class="stat">
                    <span class="stat-value">{group_digits(devices)}</span>
                    <span class="stat-label">{tr("util.devices")}</span>
                </div>
                <div class="stat">
                    <span class="stat-value">{group_digits(booked)}</span>
                    <span class="stat-label">{tr("util.booked")}</span>
                </div>
                <div class="stat">
                    <span class="stat-value">{group_digits(used)}</span>
                    <span class="stat-label">{tr("util.used")}</span>
                    <span class="stat-meta">{trf("util.use_rate_of", &[("rate", rate_text(used, booked))])}</span>
                </div>
                <div class="stat">
                    <span class="stat-value">{group_digits(no_show)}</span>
                    <span class="stat-label">{tr("util.no_show")}</span>
                    <span class="stat-meta">{trf("util.no_show_rate", &[("rate", rate_text(no_show, booked))])}</span>
                </div>
            </div>
            <Kinds u=u.clone() />
            {per_area}
            {per_school}
            {pick_school}
            {per_device}
        </div>
    }
}

/// One bar group of a chart: a label and its values (booked, used, no-show).
struct Group {
    label: String,
    values: [i64; 3],
}

const SERIES: [(&str, &str); 3] = [
    ("util.booked", "chart-bar"),
    ("util.used", "chart-bar chart-bar-success"),
    ("util.no_show", "chart-bar chart-bar-alt"),
];

/// A horizontal grouped bar chart: per group a label line, then one bar per series. Labels sit
/// above the bars so the chart keeps a readable size on a 360 px phone.
#[component]
fn GroupedBars(
    id: &'static str,
    title: String,
    desc: String,
    groups: Vec<Group>,
    /// How many of the series to draw (2: booked and used; 3: also no-shows).
    series: usize,
) -> impl IntoView {
    const WIDTH: i64 = 320;
    const LABEL: i64 = 17;
    const BAR: i64 = 9;
    const GAP: i64 = 2;
    const AFTER: i64 = 12;
    const BAR_MAX: i64 = 250;
    let per = LABEL + series as i64 * (BAR + GAP) + AFTER;
    let height = per * groups.len() as i64;
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().take(series))
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y0 = i as i64 * per;
            let bars = (0..series)
                .map(|s| {
                    let v = g.values[s];
                    let w = if v == 0 {
                        0
                    } else {
                        (v * BAR_MAX / max).max(2)
                    };
                    let y = y0 + LABEL + s as i64 * (BAR + GAP);
                    view! {
                        <rect class=SERIES[s].1 x="0" y=y width=w height=BAR rx="2" />
                        <text class="chart-value" x=w + 4 y=y + BAR - 1>{group_digits(v)}</text>
                    }
                })
                .collect_view();
            view! {
                <text class="chart-label" x="0" y=y0 + LABEL - 4>{g.label.clone()}</text>
                {bars}
            }
        })
        .collect_view();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let legend = SERIES
        .iter()
        .take(series)
        .map(|(key, class)| {
            let swatch = match *class {
                "chart-bar" => "swatch",
                "chart-bar chart-bar-success" => "swatch swatch-success",
                _ => "swatch swatch-alt",
            };
            view! { <li><span class=swatch aria-hidden="true"></span>{tr(key)}</li> }
        })
        .collect_view();
    view! {
        <svg
            class="chart chart-grouped"
            role="img"
            aria-labelledby=labelled_by
            viewBox=format!("0 0 {WIDTH} {height}")
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {bars}
        </svg>
        <ul class="chart-legend" aria-hidden="true">{legend}</ul>
    }
}

/// Per kind: the chart and the same numbers as a table.
#[component]
fn Kinds(u: Utilisation) -> impl IntoView {
    if u.kinds.is_empty() {
        return view! {
            <div class="empty">
                <Icon name="chart" />
                <p class="empty-title">{tr("util.empty")}</p>
            </div>
        }
        .into_any();
    }
    let desc = u
        .kinds
        .iter()
        .map(|k| {
            trf(
                "util.kind_desc",
                &[
                    ("kind", tr(k.kind.label_key()).to_owned()),
                    ("booked", k.booked.to_string()),
                    ("used", k.used.to_string()),
                    ("no_show", k.no_show.to_string()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let groups = u
        .kinds
        .iter()
        .map(|k| Group {
            label: tr(k.kind.label_key()).to_owned(),
            values: [k.booked, k.used, k.no_show],
        })
        .collect();
    let rows = u
        .kinds
        .iter()
        .map(|k| {
            view! {
                <tr>
                    <th scope="row">{tr(k.kind.label_key())}</th>
                    <td class="num hide-sm">{group_digits(k.devices)}</td>
                    <td class="num">{group_digits(k.booked)}</td>
                    <td class="num">{group_digits(k.used)}</td>
                    <td class="num hide-sm">{group_digits(k.no_show)}</td>
                    <td class="num">{rate_text(k.used, k.booked)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="kinds-title">
            <div class="card-header">
                <h2 id="kinds-title">{tr("util.by_kind")}</h2>
            </div>
            <div class="card-body grid-chart">
                <div>
                    <GroupedBars id="kinds-chart" title=tr("util.by_kind_chart").to_owned() desc groups series=3 />
                </div>
                // Focusable: a table that scrolls sideways must be reachable by keyboard.
                <div class="table-wrap" tabindex="0">
                    <table class="table compact">
                        <caption class="sr-only">{tr("util.by_kind")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr("util.kind")}</th>
                                <th scope="col" class="num hide-sm">{tr("util.devices")}</th>
                                <th scope="col" class="num">{tr("util.booked_short")}</th>
                                <th scope="col" class="num">{tr("util.used_short")}</th>
                                <th scope="col" class="num hide-sm">{tr("util.no_show_short")}</th>
                                <th scope="col" class="num">{tr("util.rate")}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// `s` cut to `max` characters with an ellipsis, so a chart's label stays inside the chart (the
/// table beside it has the full name).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// How many schools the department's chart shows.
const TOP_SCHOOLS: usize = 10;

/// The department's view across schools: the busiest schools as a chart, every school as a
/// table whose names narrow the report to that school.
#[component]
fn Schools(u: Utilisation, filter: Filter) -> impl IntoView {
    let mut top = u.schools.clone();
    top.sort_by(|a, b| b.booked.cmp(&a.booked).then(a.code.cmp(&b.code)));
    top.retain(|s| s.booked > 0);
    top.truncate(TOP_SCHOOLS);
    let chart = (!top.is_empty()).then(|| {
        let desc = top
            .iter()
            .map(|s| {
                trf(
                    "util.school_desc",
                    &[
                        ("school", s.name.clone()),
                        ("booked", s.booked.to_string()),
                        ("used", s.used.to_string()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let groups = top
            .iter()
            .map(|s| Group {
                label: shorten(&format!("{} · {}", s.code, s.name), 40),
                values: [s.booked, s.used, s.no_show],
            })
            .collect();
        view! {
            <div>
                <h3>{trf("util.top_schools", &[("n", top.len().to_string())])}</h3>
                <GroupedBars id="schools-chart" title=trf("util.top_schools", &[("n", top.len().to_string())]) desc groups series=2 />
            </div>
        }
    });
    let (h_code, h_school, h_devices, h_booked, h_used, h_no_show, h_rate) = (
        tr("util.code"),
        tr("util.school"),
        tr("util.devices"),
        tr("util.booked_short"),
        tr("util.used_short"),
        tr("util.no_show_short"),
        tr("util.rate"),
    );
    let rows = u
        .schools
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td class="nowrap hide-sm">{s.code.clone()}</td>
                    <td class="name-cell">
                        <a href=filter.href(Some(s.school_id))>{s.name.clone()}</a>
                    </td>
                    <td class="num hide-sm">{group_digits(s.devices)}</td>
                    <td class="num">{group_digits(s.booked)}</td>
                    <td class="num">{group_digits(s.used)}</td>
                    <td class="num hide-sm">{group_digits(s.no_show)}</td>
                    <td class="num">{rate_text(s.used, s.booked)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="schools-title">
            <div class="card-header">
                <h2 id="schools-title">{tr("util.by_school")}</h2>
            </div>
            <div class="card-body grid-chart">
                {chart}
                <div class="table-wrap scroll" tabindex="0">
                    <table class="table compact">
                        <caption class="sr-only">{tr("util.by_school")}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="hide-sm">{h_code}</th>
                                <th scope="col">{h_school}</th>
                                <th scope="col" class="num hide-sm">{h_devices}</th>
                                <th scope="col" class="num">{h_booked}</th>
                                <th scope="col" class="num">{h_used}</th>
                                <th scope="col" class="num hide-sm">{h_no_show}</th>
                                <th scope="col" class="num">{h_rate}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

/// How many areas the department's chart shows.
const TOP_AREAS: usize = 10;

/// The department's overview: the busiest areas of this page as a chart, the page's areas as
/// a table whose names list each area's schools, and links to the other pages.
#[component]
fn Areas(u: Utilisation, filter: Filter) -> impl IntoView {
    let mut top = u.areas.clone();
    top.sort_by(|a, b| b.booked.cmp(&a.booked).then(a.name.cmp(&b.name)));
    top.retain(|a| a.booked > 0);
    top.truncate(TOP_AREAS);
    let chart = (!top.is_empty()).then(|| {
        let title = trf("util.top_areas", &[("n", top.len().to_string())]);
        let desc = top
            .iter()
            .map(|a| {
                trf(
                    "util.school_desc",
                    &[
                        ("school", a.name.clone()),
                        ("booked", a.booked.to_string()),
                        ("used", a.used.to_string()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let groups = top
            .iter()
            .map(|a| Group {
                label: shorten(&a.name, 40),
                values: [a.booked, a.used, a.no_show],
            })
            .collect();
        view! {
            <div>
                <h3>{title.clone()}</h3>
                <GroupedBars id="areas-chart" title desc groups series=2 />
            </div>
        }
    });
    let (h_area, h_schools, h_booked, h_used, h_no_show, h_rate) = (
        tr("util.area"),
        tr("util.schools"),
        tr("util.booked_short"),
        tr("util.used_short"),
        tr("util.no_show_short"),
        tr("util.rate"),
    );
    let rows = u
        .areas
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <td class="name-cell">
                        <a href=filter.area_href(a.area_id)>{a.name.clone()}</a>
                    </td>
                    <td class="num hide-sm">{group_digits(a.schools)}</td>
                    <td class="num">{group_digits(a.booked)}</td>
                    <td class="num">{group_digits(a.used)}</td>
                    <td class="num hide-sm">{group_digits(a.no_show)}</td>
                    <td class="num">{rate_text(a.used, a.booked)}</td>
                </tr>
            }
        })
        .collect_view();
    let pages = page_count(u.areas_total, AREAS_PER_PAGE);
    let current = filter.page.unwrap_or(1).clamp(1, pages.max(1));
    let pagination = (pages > 1).then(|| {
        let first = (current - 1) * AREAS_PER_PAGE + 1;
        let last = (first + u.areas.len() as i64 - 1).max(first);
        let info = trf(
            "util.areas_showing",
            &[
                ("from", group_digits(first)),
                ("to", group_digits(last)),
                ("total", group_digits(u.areas_total)),
            ],
        );
        let f = filter.clone();
        view! { <Pagination current pages href=Callback::new(move |p| f.page_href(p)) info /> }
    });
    view! {
        <section class="card" aria-labelledby="areas-title">
            <div class="card-header">
                <h2 id="areas-title">{tr("util.by_area")}</h2>
            </div>
            <div class="card-body grid-chart">
                {chart}
                <div class="table-wrap scroll" tabindex="0">
                    <table class="table compact">
                        <caption class="sr-only">{tr("util.by_area")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_area}</th>
                                <th scope="col" class="num hide-sm">{h_schools}</th>
                                <th scope="col" class="num">{h_booked}</th>
                                <th scope="col" class="num">{h_used}</th>
                                <th scope="col" class="num hide-sm">{h_no_show}</th>
                                <th scope="col" class="num">{h_rate}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
            {pagination}
            <p class="muted small">{tr("util.pick_area")}</p>
        </section>
    }
}

/// Per device, for one school.
#[component]
fn Devices(rows: Vec<UtilisationRow>) -> impl IntoView {
    let (h_device, h_kind, h_booked, h_used, h_no_show, h_pending, h_rate) = (
        tr("util.device"),
        tr("util.kind"),
        tr("util.booked_short"),
        tr("util.used_short"),
        tr("util.no_show_short"),
        tr("util.pending_short"),
        tr("util.rate"),
    );
    let body = rows
        .iter()
        .map(|d| {
            let units = (d.quantity > 1).then(|| {
                view! { <span class="small muted">" · " {trf("book.pool_of", &[("n", d.quantity.to_string())])}</span> }
            });
            view! {
                <tr>
                    <td data-label=h_device>
                        <a href=format!("/devices/{}", d.device_id)>{d.name.clone()}</a>
                        {units}
                    </td>
                    <td data-label=h_kind>{tr(d.kind.label_key())}</td>
                    <td data-label=h_booked class="num">{group_digits(d.booked)}</td>
                    <td data-label=h_used class="num">{group_digits(d.used)}</td>
                    <td data-label=h_no_show class="num">{group_digits(d.no_show)}</td>
                    <td data-label=h_pending class="num">{group_digits(d.pending)}</td>
                    <td data-label=h_rate class="num">{rate_text(d.used, d.booked)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="devices-title">
            <div class="card-header">
                <h2 id="devices-title">{tr("util.by_device")}</h2>
            </div>
            <div class="card-body">
                <div class="table-wrap" tabindex="0">
                    <table class="table stack">
                        <caption class="sr-only">{tr("util.by_device")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_device}</th>
                                <th scope="col">{h_kind}</th>
                                <th scope="col" class="num">{h_booked}</th>
                                <th scope="col" class="num">{h_used}</th>
                                <th scope="col" class="num">{h_no_show}</th>
                                <th scope="col" class="num">{h_pending}</th>
                                <th scope="col" class="num">{h_rate}</th>
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
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
    fn long_labels_are_cut() {
        assert_eq!(shorten("Trường Mầm non", 20), "Trường Mầm non");
        assert_eq!(shorten("Trường Mầm non Hạc Thành", 10), "Trường Mầ…");
    }

    #[test]
    fn rates_round_and_skip_empty() {
        assert_eq!(rate(2, 3), Some(67));
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate_text(1, 4), "25%");
    }

    #[test]
    fn school_links_keep_the_range() {
        let f = Filter {
            school: None,
            area: None,
            page: None,
            from: "2026-11-01".into(),
            to: String::new(),
            kind: "projector".into(),
        };
        assert_eq!(
            f.href(Some(SchoolId(7))),
            "/utilisation?school=7&from=2026-11-01&kind=projector"
        );
        assert_eq!(Filter::default().href(None), "/utilisation");
        assert_eq!(
            f.area_href(AreaId(3)),
            "/utilisation?area=3&from=2026-11-01&kind=projector"
        );
        assert_eq!(
            f.page_href(2),
            "/utilisation?page=2&from=2026-11-01&kind=projector"
        );
        assert_eq!(
            f.page_href(1),
            "/utilisation?from=2026-11-01&kind=projector"
        );
    }
}
