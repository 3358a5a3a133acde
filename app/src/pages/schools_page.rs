//! The school registry (department and sysadmin): search and filters in the query string (a
//! GET form, so a filtered list is a link and works without JavaScript), a summary by level,
//! the list 50 at a time. Everyone else is sent to their own school's page.

use crate::components::badges::PilotBadge;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::components::pagination::{Pagination, page_count};
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::{tr, trf};
use crate::serverfns::schools::{PAGE_SIZE, RegistryPage, SchoolCounts, school_registry};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use lophoc::model::{Area, Page, School, SchoolLevel};
use lophoc::text::percent_encode;

/// The list's filters as the query string carries them (`level`, `area`, `q`, `page`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    level: String,
    area: String,
    q: String,
    page: i64,
}

impl Filter {
    fn opt(s: &str) -> Option<String> {
        (!s.is_empty()).then(|| s.to_owned())
    }

    fn is_filtered(&self) -> bool {
        !(self.level.is_empty() && self.area.is_empty() && self.q.trim().is_empty())
    }

    /// The list's URL for page `page` with these filters (empty ones left out).
    fn href(&self, page: i64) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", self.q.as_str()),
            ("level", &self.level),
            ("area", &self.area),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", percent_encode(v)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/schools".to_owned()
        } else {
            format!("/schools?{}", parts.join("&"))
        }
    }
}

/// `/schools`.
#[component]
pub fn SchoolsPage() -> impl IntoView {
    let session = use_session();
    let data = Data::new();
    view! {
        <PageTitle text=tr("schools.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                Some(match (user.role.sees_all_schools(), user.school_id) {
                    (true, _) => view! { <Registry data /> }.into_any(),
                    // Everyone else has one school. The link is for a browser without JavaScript, which
                    // the router's redirect does not reach.
                    (_, Some(own)) => view! {
                        <Redirect path=format!("/schools/{own}") />
                        <p>
                            <a href=format!("/schools/{own}")>{tr("nav.my_school")}</a>
                        </p>
                    }
                    .into_any(),
                    (_, None) => view! { <ErrorAlert error=forbidden() /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

fn forbidden() -> UiError {
    UiError {
        code: lophoc::ErrorCode::Forbidden,
        message: tr("error.forbidden").to_owned(),
        fields: vec![],
        lines: vec![],
    }
}

/// The registry's data, created when the page is (not inside a `Suspense`): one server call.
#[derive(Clone, Copy)]
struct Data {
    filter: Memo<Filter>,
    registry: OnceResource<Result<RegistryPage, UiError>>,
}

impl Data {
    fn new() -> Data {
        let query = use_query_map();
        let filter = Memo::new(move |_| {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            Filter {
                level: get("level"),
                area: get("area"),
                q: get("q"),
                page: get("page")
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .unwrap_or(1),
            }
        });
        // The page is rendered once, on the server (no island): its query cannot change
        // under it, so the data is read once, without tracking the filter.
        let f = filter.get_untracked();
        let registry = OnceResource::new(school_registry(
            Filter::opt(&f.level),
            Filter::opt(&f.area),
            Filter::opt(&f.q),
            Some(f.page),
        ));
        Data { filter, registry }
    }
}

#[component]
fn Registry(data: Data) -> impl IntoView {
    let Data { filter, registry } = data;
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("schools.title")}</h1>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-secondary" href="/schools/import">
                    <Icon name="upload" />
                    <span>{tr("schools.import")}</span>
                </a>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match registry.await {
                    Ok(r) => view! {
                        <FilterForm filter areas=r.areas />
                        <div class="stack">
                            <Summary summary=r.counts level=f.level.clone() />
                            <Results page=r.page filter=f />
                        </div>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <FilterForm filter areas=vec![] />
                        <ErrorAlert error=e />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filter form, a GET form: the browser loads `/schools?…`. The fields show the query's
/// values, so what the user typed stays after filtering.
#[component]
fn FilterForm(filter: Memo<Filter>, areas: Vec<Area>) -> impl IntoView {
    let q = move || filter.read().q.clone();
    let level = move || filter.read().level.clone();
    let area = move || filter.read().area.clone();
    let level_options = SchoolLevel::ALL
        .into_iter()
        .map(|l| {
            let on = move || level() == l.as_str();
            view! {
                <option value=l.as_str() selected=on prop:selected=on>
                    {tr(l.label_key())}
                </option>
            }
        })
        .collect_view();
    let area_options = areas
        .into_iter()
        .map(|a| {
            let id = a.id.to_string();
            let on = {
                let id = id.clone();
                move || area() == id
            };
            let label = trf(
                "schools.area_option",
                &[("name", a.name), ("count", group_digits(a.schools))],
            );
            view! {
                <option value=id selected=on.clone() prop:selected=on>
                    {label}
                </option>
            }
        })
        .collect_view();
    view! {
        <form method="get" action="/schools" class="filters" role="search">
            <div class="field grow">
                <label for="school-q">{tr("schools.search")}</label>
                <input
                    id="school-q"
                    name="q"
                    type="search"
                    autocomplete="off"
                    placeholder=tr("schools.search_placeholder")
                    value=q
                    prop:value=q
                />
            </div>
            <div class="field">
                <label for="school-level">{tr("schools.level")}</label>
                <select id="school-level" name="level">
                    <option value="" selected=move || level().is_empty() prop:selected=move || level().is_empty()>
                        {tr("schools.all")}
                    </option>
                    {level_options}
                </select>
            </div>
            <div class="field">
                <label for="school-area">{tr("schools.area")}</label>
                <select id="school-area" name="area">
                    <option value="" selected=move || area().is_empty() prop:selected=move || area().is_empty()>
                        {tr("schools.all")}
                    </option>
                    {area_options}
                </select>
            </div>
            <button type="submit" class="btn btn-primary">
                <Icon name="filter" />
                <span>{tr("schools.filter")}</span>
            </button>
        </form>
    }
}

/// Totals and the horizontal bar chart of schools per level.
#[component]
fn Summary(summary: SchoolCounts, level: String) -> impl IntoView {
    const ROW: i64 = 28;
    const LABEL_END: i64 = 104;
    const BAR_START: i64 = 110;
    const BAR_MAX: i64 = 160;
    let max = summary
        .by_level
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * summary.by_level.len() as i64 + 4;
    let described = summary
        .by_level
        .iter()
        .map(|(l, n)| format!("{}: {}", tr(l.label_key()), group_digits(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let title = format!("{} — {described}", tr("schools.by_level"));
    let label = title.clone();
    let rows = summary
        .by_level
        .iter()
        .enumerate()
        .map(|(i, (l, n))| {
            let y = i as i64 * ROW + 4;
            let w = if *n == 0 {
                0
            } else {
                (n * BAR_MAX / max).max(2)
            };
            let class = if level.is_empty() || level == l.as_str() {
                "chart-bar"
            } else {
                "chart-bar chart-bar-muted"
            };
            view! {
                <text class="chart-label" x=LABEL_END y=y + 15 text-anchor="end">
                    {tr(l.label_key())}
                </text>
                <rect class=class x=BAR_START y=y width=w height=ROW - 8 rx="3" />
                <text class="chart-value" x=BAR_START + w + 5 y=y + 15>
                    {group_digits(*n)}
                </text>
            }
        })
        .collect_view();
    if summary.by_level.iter().all(|(_, n)| *n == 0) {
        // Nothing to compare: the empty state below says so.
        return ().into_any();
    }
    view! {
        <div class="grid-2">
            // A wrapper, so the card keeps its own height beside the taller chart.
            <div>
                <div class="stat">
                    <span class="stat-value">{group_digits(summary.total)}</span>
                    <span class="stat-label">{tr("schools.total")}</span>
                    <span class="stat-meta">
                        {trf("schools.pilot_count", &[("n", group_digits(summary.in_pilot))])}
                    </span>
                    <span class="stat-meta">
                        {trf("schools.pupils_count", &[("n", group_digits(summary.students))])}
                    </span>
                </div>
            </div>
            <section class="card" aria-labelledby="by-level-title">
                <div class="card-header">
                    <h2 id="by-level-title">{tr("schools.by_level")}</h2>
                </div>
                <div class="card-body">
                    <svg class="chart" role="img" aria-label=label viewBox=format!("0 0 320 {height}")>
                        <title>{title}</title>
                        {rows}
                    </svg>
                </div>
            </section>
        </div>
    }
    .into_any()
}

/// The count, the table and the pagination, or the empty state.
#[component]
fn Results(page: Page<School>, filter: Filter) -> impl IntoView {
    let count = if page.total == 1 {
        "schools.count_one"
    } else {
        "schools.count"
    };
    let count = trf(count, &[("n", group_digits(page.total))]);
    if page.items.is_empty() {
        let (title, text) = if filter.is_filtered() {
            (tr("schools.empty_title"), tr("schools.empty_text"))
        } else {
            (tr("schools.registry_empty"), "")
        };
        return view! {
            <p class="sr-only" role="status">{count}</p>
            <div class="empty">
                <Icon name="search" />
                <p class="empty-title">{title}</p>
                {(!text.is_empty()).then(|| view! { <p>{text}</p> })}
                {if filter.is_filtered() {
                    view! { <a class="btn btn-secondary" href="/schools">{tr("schools.clear_filters")}</a> }.into_any()
                } else {
                    view! { <a class="btn btn-primary" href="/schools/import">{tr("schools.import")}</a> }.into_any()
                }}
            </div>
        }
        .into_any();
    }
    let first = (filter.page - 1) * PAGE_SIZE + 1;
    let last = first + page.items.len() as i64 - 1;
    let pages = page_count(page.total, PAGE_SIZE);
    let (h_code, h_name, h_level, h_area, h_students, h_pilot) = (
        tr("schools.code"),
        tr("schools.name"),
        tr("schools.level"),
        tr("schools.area"),
        tr("schools.students"),
        tr("schools.pilot"),
    );
    let rows = page
        .items
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td data-label=h_code class="nowrap">{s.code.clone()}</td>
                    <td data-label=h_name>
                        <a href=format!("/schools/{}", s.id)>{s.name.clone()}</a>
                    </td>
                    <td data-label=h_level>{tr(s.level.label_key())}</td>
                    <td data-label=h_area>{s.area.clone()}</td>
                    <td data-label=h_students class="num">{group_digits(s.students)}</td>
                    <td data-label=h_pilot>
                        <PilotBadge school=s />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" role="status">{count}</p>
        <div class="table-wrap">
            <table class="table stack">
                <thead>
                    <tr>
                        <th scope="col">{h_code}</th>
                        <th scope="col">{h_name}</th>
                        <th scope="col">{h_level}</th>
                        <th scope="col">{h_area}</th>
                        <th scope="col" class="num">{h_students}</th>
                        <th scope="col">{h_pilot}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(pages > 1)
            .then(|| {
                let info = trf(
                    "schools.showing",
                    &[
                        ("from", group_digits(first)),
                        ("to", group_digits(last)),
                        ("total", group_digits(page.total)),
                    ],
                );
                let current = filter.page;
                view! { <Pagination current pages href=Callback::new(move |p| filter.href(p)) info /> }
            })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_leave_out_empty_ones() {
        let f = Filter {
            level: "thcs".into(),
            area: String::new(),
            q: "đông tiến".into(),
            page: 1,
        };
        assert_eq!(
            f.href(1),
            "/schools?q=%C4%91%C3%B4ng%20ti%E1%BA%BFn&level=thcs"
        );
        assert_eq!(
            f.href(3),
            "/schools?q=%C4%91%C3%B4ng%20ti%E1%BA%BFn&level=thcs&page=3"
        );
        assert_eq!(Filter::default().href(1), "/schools");
    }
}
