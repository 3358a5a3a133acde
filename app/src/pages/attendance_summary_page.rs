//! `/classes/:class/attendance`: a class's attendance over a range (the last 30 days by
//! default), per student — lessons, counts by status, absence rate — with the students whose
//! absences reach a threshold marked and listed first, and CSV / XLSX downloads.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::i18n::{tr, trf};
use crate::serverfns::roll_calls::class_attendance;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::attendance::{ABSENCE_THRESHOLD, AttendanceSummary};
use lophoc::classes::Class;
use lophoc::dates::display_date;

/// `/classes/:class/attendance`.
#[component]
pub fn AttendanceSummaryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let class = params.with_untracked(|p| {
        p.get("class")
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    });
    let (from, to, threshold) = query.with_untracked(|q| {
        (
            q.get("from").filter(|v| !v.trim().is_empty()),
            q.get("to").filter(|v| !v.trim().is_empty()),
            q.get("threshold")
                .and_then(|t| t.trim().replace(',', ".").parse::<f64>().ok())
                .filter(|t| (0.0..=100.0).contains(t))
                .unwrap_or(ABSENCE_THRESHOLD),
        )
    });
    let data = OnceResource::new(class_attendance(class, from, to));
    view! {
        <PageTitle text=tr("summary.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((c, s)) => view! { <Summary c s threshold /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Summary(c: Class, s: AttendanceSummary, threshold: f64) -> impl IntoView {
    let download = |format: &str| {
        format!(
            "/api/v1/classes/{}/attendance/summary?from={}&to={}&format={format}",
            c.id, s.from, s.to
        )
    };
    let (csv, xlsx) = (download("csv"), download("xlsx"));
    let over: Vec<String> = s
        .over_threshold(threshold)
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.full_name,
                crate::components::format::percent_text(a.absence_rate)
            )
        })
        .collect();
    let threshold_text = format!("{threshold}");
    let over_note = if over.is_empty() {
        view! {
            <div class="alert alert-success" role="status">
                <Icon name="check-circle" />
                <div class="alert-body">{trf("summary.none_over", &[("threshold", threshold_text.clone())])}</div>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-warning" role="status">
                <Icon name="alert" />
                <div class="alert-body">
                    <p>
                        <strong>
                            {trf(
                                "summary.over",
                                &[("count", over.len().to_string()), ("threshold", threshold_text.clone())],
                            )}
                        </strong>
                    </p>
                    <p>{over.join(", ")}</p>
                </div>
            </div>
        }
        .into_any()
    };
    let rows = s
        .students
        .iter()
        .map(|a| {
            let is_over = AttendanceSummary::is_over(a, threshold);
            view! {
                // The name (kept in view while the table scrolls) and the absence rate first:
                // on a phone they are what the homeroom teacher looks for.
                <tr class:row-warning=is_over>
                    <th scope="row" class="sticky-col" data-label=tr("summary.col.name")>{a.full_name.clone()}</th>
                    <td class="num" data-label=tr("summary.col.absence_rate")>
                        {crate::components::format::decimal_text(a.absence_rate)}
                        {is_over.then(|| view! { " " <span class="badge badge-warning">{tr("summary.over_badge")}</span> })}
                    </td>
                    <td class="num" data-label=tr("summary.col.lessons")>{a.lessons}</td>
                    <td class="num" data-label=tr("attendance.present")>{a.counts.present}</td>
                    <td class="num" data-label=tr("attendance.late")>{a.counts.late}</td>
                    <td class="num" data-label=tr("attendance.excused")>{a.counts.excused}</td>
                    <td class="num" data-label=tr("attendance.unexcused")>{a.counts.unexcused}</td>
                    <td data-label=tr("summary.col.code")>{a.code.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = trf(
        "summary.caption",
        &[
            ("class", c.name.clone()),
            ("from", display_date(s.from)),
            ("to", display_date(s.to)),
        ],
    );
    let region_label = caption.clone();
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{trf("summary.heading", &[("class", c.name.clone())])}</h1>
                <p>{trf("summary.intro", &[("count", s.roll_calls.to_string())])}</p>
            </div>
            <div class="page-header-actions cluster">
                <a class="btn btn-secondary" href=format!("/classes/{}", c.id)>
                    <Icon name="chevron-left" />
                    <span>{trf("class.heading", &[("name", c.name.clone())])}</span>
                </a>
            </div>
        </div>
        <div class="stack">
        <form class="filters" method="get" action=format!("/classes/{}/attendance", c.id)>
            <div class="field field-narrow">
                <label for="summary-from">{tr("summary.from")}</label>
                <input id="summary-from" name="from" type="text" inputmode="numeric" placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN autocomplete="off" value=display_date(s.from) />
            </div>
            <div class="field field-narrow">
                <label for="summary-to">{tr("summary.to")}</label>
                <input id="summary-to" name="to" type="text" inputmode="numeric" placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN autocomplete="off" value=display_date(s.to) />
            </div>
            <div class="field field-narrow">
                <label for="summary-threshold">{tr("summary.threshold")}</label>
                <input id="summary-threshold" name="threshold" type="number" min="0" max="100" step="1"
                    inputmode="numeric" value=threshold_text.clone() />
            </div>
            <button type="submit" class="btn btn-secondary">
                <Icon name="filter" />
                <span>{tr("summary.show")}</span>
            </button>
        </form>
        {over_note}
        <div class="cluster cluster-between">
            <p class="muted">{caption.clone()}</p>
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
        // Focusable: on a phone the table scrolls sideways, and a keyboard must reach it.
        <div class="table-wrap" tabindex="0" role="region" aria-label=region_label>
            <table class="table summary-table">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="sticky-col">{tr("summary.col.name")}</th>
                        <th scope="col" class="num">{tr("summary.col.absence_rate")}</th>
                        <th scope="col" class="num">{tr("summary.col.lessons")}</th>
                        <th scope="col" class="num">{tr("attendance.present")}</th>
                        <th scope="col" class="num">{tr("attendance.late")}</th>
                        <th scope="col" class="num">{tr("attendance.excused")}</th>
                        <th scope="col" class="num">{tr("attendance.unexcused")}</th>
                        <th scope="col">{tr("summary.col.code")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        </div>
    }
}
