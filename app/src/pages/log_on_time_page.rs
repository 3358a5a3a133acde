//! `/log/on-time` (the department): per school with classes, the share of timetabled lessons
//! whose class log entry (sổ đầu bài) was signed on time — within 5 minutes of the period's end —
//! over a range (the last 30 days by default), lowest first, with the late and missing ones;
//! schools without a timetable flagged first.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::i18n::{tr, trf};
use crate::serverfns::class_log::log_on_time_by_school;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::class_log::SchoolLogOnTime;
use lophoc::dates::display_iso_date;

/// `/log/on-time`.
#[component]
pub fn LogOnTimePage() -> impl IntoView {
    let query = use_query_map();
    let (from, to) = query.with_untracked(|q| {
        (
            q.get("from").filter(|v| !v.trim().is_empty()),
            q.get("to").filter(|v| !v.trim().is_empty()),
        )
    });
    let data = OnceResource::new(log_on_time_by_school(from, to));
    view! {
        <PageTitle text=tr("log.on_time_title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("log.on_time_title")}</h1>
                <p>{tr("log.on_time_intro")}</p>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((from, to, items)) => view! { <OnTime from to items /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OnTime(from: String, to: String, items: Vec<SchoolLogOnTime>) -> impl IntoView {
    let (lessons, on_time) = items
        .iter()
        .fold((0, 0), |(l, o), s| (l + s.lessons, o + s.on_time));
    let overall = lophoc::model::percent(on_time, lessons);
    let filters = view! {
        <form class="filters" method="get" action="/log/on-time">
            <div class="field field-narrow">
                <label for="log-on-time-from">{tr("summary.from")}</label>
                <input id="log-on-time-from" name="from" type="text" inputmode="numeric" placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN autocomplete="off" value=display_iso_date(&from) />
            </div>
            <div class="field field-narrow">
                <label for="log-on-time-to">{tr("summary.to")}</label>
                <input id="log-on-time-to" name="to" type="text" inputmode="numeric" placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN autocomplete="off" value=display_iso_date(&to) />
            </div>
            <button type="submit" class="btn btn-secondary">
                <Icon name="filter" />
                <span>{tr("summary.show")}</span>
            </button>
        </form>
    };
    if items.is_empty() {
        return view! {
            <div class="stack">
            {filters}
            <div class="empty">
                <Icon name="calendar" />
                <p class="empty-title">{tr("on_time.none")}</p>
            </div>
            </div>
        }
        .into_any();
    }
    let caption = trf(
        "on_time.caption",
        &[
            ("count", items.len().to_string()),
            ("from", display_iso_date(&from)),
            ("to", display_iso_date(&to)),
        ],
    );
    let rows = items
        .into_iter()
        .map(|s| {
            // An SVG bar: the page's CSP allows no inline style.
            let width = format!("{:.1}", s.percent.clamp(0.0, 100.0));
            view! {
                <tr>
                    <td data-label=tr("schools.code")>{s.code}</td>
                    <th scope="row" data-label=tr("schools.name")>
                        <a href=format!("/schools/{}", s.school_id)>{s.name}</a>
                    </th>
                    <td class="num" data-label=tr("on_time.lessons")>{group_digits(s.lessons)}</td>
                    <td class="num" data-label=tr("log.count_on_time")>{group_digits(s.on_time)}</td>
                    <td class="num" data-label=tr("log.count_late")>{group_digits(s.late)}</td>
                    <td class="num" data-label=tr("log.count_missing")>{group_digits(s.missing)}</td>
                    <td data-label=tr("on_time.percent")>
                        {s.no_timetable.then(|| view! { <span class="badge badge-warning">{tr("on_time.no_timetable")}</span> })}
                        <span class="meter-row" hidden=s.no_timetable>
                            <svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                <rect class="meter-track" x="0" y="0" width="100" height="6" rx="3" />
                                <rect class="meter-fill" x="0" y="0" width=width height="6" rx="3" />
                            </svg>
                            <span class="num">{crate::components::format::percent_text(s.percent)}</span>
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="stack">
        {filters}
        <div class="card stat">
            <span class="stat-value">{crate::components::format::percent_text(overall)}</span>
            <span class="stat-label">{tr("log.on_time_overall_label")}</span>
            <span class="stat-meta">
                {trf("log.on_time_overall", &[("on_time", group_digits(on_time)), ("lessons", group_digits(lessons))])}
            </span>
        </div>
        <div class="table-wrap">
            <table class="table stack">
                <caption class="sr-only">{caption.clone()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("schools.code")}</th>
                        <th scope="col">{tr("schools.name")}</th>
                        <th scope="col" class="num">{tr("on_time.lessons")}</th>
                        <th scope="col" class="num">{tr("log.count_on_time")}</th>
                        <th scope="col" class="num">{tr("log.count_late")}</th>
                        <th scope="col" class="num">{tr("log.count_missing")}</th>
                        <th scope="col">{tr("on_time.percent")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="muted small">{caption}</p>
        </div>
    }
    .into_any()
}
