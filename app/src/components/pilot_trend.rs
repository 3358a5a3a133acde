//! The pilot's share month by month: a line chart with the targets, the same numbers as a
//! table, and how many months the background job is still computing (the page shows what is
//! made and says what is coming instead of waiting for it).

use crate::components::format::{group_digits, percent_text};
use crate::components::line_chart::{LineChart, LinePoint};
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::dates::display_date;
use lophoc::pilot::{TargetProgress, TrendPoint};

/// The chart, the table and the note on months still pending.
#[component]
pub fn TrendSection(
    /// The points made so far, oldest first.
    points: Vec<TrendPoint>,
    /// The targets (their lines).
    targets: Vec<TargetProgress>,
    /// Month ends still being computed.
    pending: usize,
) -> impl IntoView {
    let pending_note = (pending > 0).then(|| {
        let done = points.len();
        let all = done + pending;
        view! {
            <div class="trend-pending" role="status">
                <p class="progress-label">
                    <span>{trf("pilot.trend.pending", &[("n", pending.to_string())])}</span>
                    <span>{format!("{done}/{all}")}</span>
                </p>
                <progress class="progress" max=all.to_string() value=done.to_string()></progress>
                <p class="small muted">{tr("pilot.trend.pending_hint")}</p>
            </div>
        }
    });
    if points.is_empty() {
        return view! {
            {pending_note}
            <p class="muted">{tr("pilot.trend.empty")}</p>
        }
        .into_any();
    }
    let desc = points
        .iter()
        .map(|p| format!("{}: {}", display_date(p.as_of), percent_text(p.percent)))
        .collect::<Vec<_>>()
        .join("; ");
    let chart_points = points
        .iter()
        .map(|p| LinePoint {
            label: p.as_of.format("%m/%y").to_string(),
            value: p.percent,
        })
        .collect();
    let lines = targets
        .iter()
        .map(|t| {
            (
                t.percent,
                trf(
                    "pilot.trend.target_line",
                    &[("percent", percent_text(t.percent))],
                ),
            )
        })
        .collect();
    let (h_date, h_counted, h_percent) = (
        tr("pilot.trend.date"),
        tr("pilot.trend.counted"),
        tr("pilot.group.percent"),
    );
    let rows = points
        .iter()
        .rev()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row" data-label=h_date>{display_date(p.as_of)}</th>
                    <td class="num" data-label=h_counted>
                        {format!("{}/{}", group_digits(p.counted), group_digits(p.total))}
                    </td>
                    <td class="num" data-label=h_percent>{percent_text(p.percent)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {pending_note}
        <div class="grid-chart">
            <div>
                <LineChart id="trend-chart" title=tr("pilot.trend.chart").to_owned() desc points=chart_points targets=lines />
            </div>
            <div class="table-wrap scroll" tabindex="0">
                <table class="table compact">
                    <caption class="sr-only">{tr("pilot.trend.title")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{h_date}</th>
                            <th scope="col" class="num">{h_counted}</th>
                            <th scope="col" class="num">{h_percent}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
