//! A line chart drawn on the server as SVG (the pilot's share month by month): the points
//! joined, a dot on each, the scale on the left, dashed lines where the targets are.
//!
//! An image for assistive technology (`role="img"`, `<title>`, `<desc>` with every number);
//! the page puts the same numbers in a table next to it.

use leptos::prelude::*;

/// One point: its label under the axis and its value (percent).
#[derive(Debug, Clone, PartialEq)]
pub struct LinePoint {
    /// Under the axis (`11/25`).
    pub label: String,
    /// The value, 0–100.
    pub value: f64,
}

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 190.0;
const LEFT: f64 = 38.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 24.0;

/// The top of the scale: the largest value or target with some room above, rounded up to
/// ten (five below ten), at most 100.
pub fn scale_max(values: impl IntoIterator<Item = f64>) -> f64 {
    let m = values.into_iter().fold(0.0_f64, f64::max) * 1.15;
    let step = if m <= 10.0 { 5.0 } else { 10.0 };
    ((m / step).ceil() * step).clamp(step, 100.0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The chart.
#[component]
pub fn LineChart(
    /// Unique on the page: the ids of the title and description.
    #[prop(into)]
    id: String,
    /// What the chart shows.
    title: String,
    /// Every number in words.
    desc: String,
    /// The points, oldest first.
    points: Vec<LinePoint>,
    /// The targets (value, label), drawn as dashed lines.
    #[prop(optional)]
    targets: Vec<(f64, String)>,
) -> impl IntoView {
    let max = scale_max(
        points
            .iter()
            .map(|p| p.value)
            .chain(targets.iter().map(|t| t.0)),
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = move |v: f64| round1(TOP + plot_h - v.clamp(0.0, max) / max * plot_h);
    let n = points.len();
    let x_of = move |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            round1(LEFT + i as f64 * plot_w / (n - 1) as f64)
        }
    };
    let ticks = [0.0, max / 2.0, max]
        .into_iter()
        .map(|t| {
            let y = y_of(t);
            view! {
                <line class=if t == 0.0 { "chart-axis" } else { "chart-grid" } x1=LEFT y1=y x2=WIDTH - RIGHT y2=y />
                <text class="chart-label" x=LEFT - 5.0 y=y + 4.0 text-anchor="end">
                    {crate::components::format::percent_text(t)}
                </text>
            }
        })
        .collect_view();
    // Every label when they fit; else every other one, always the last (today).
    let labels = points
        .iter()
        .enumerate()
        .filter(|(i, _)| n <= 7 || (n - 1 - i).is_multiple_of(2))
        .map(|(i, p)| {
            view! {
                <text class="chart-label" x=x_of(i) y=HEIGHT - 6.0 text-anchor="middle">{p.label.clone()}</text>
            }
        })
        .collect_view();
    let path = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                x_of(i),
                y_of(p.value)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let dots = points
        .iter()
        .enumerate()
        .map(|(i, p)| view! { <circle class="chart-dot" cx=x_of(i) cy=y_of(p.value) r="3" /> })
        .collect_view();
    let last = points.last().map(|p| {
        let (x, y) = (x_of(n - 1), y_of(p.value));
        view! {
            <text class="chart-value" x=x - 5.0 y=(y - 8.0).max(TOP + 2.0) text-anchor="end">
                {crate::components::format::percent_text(p.value)}
            </text>
        }
    });
    let lines = targets
        .iter()
        .map(|(t, label)| {
            let y = y_of(*t);
            view! {
                <line class="chart-target" x1=LEFT y1=y x2=WIDTH - RIGHT y2=y />
                <text class="chart-target-label" x=LEFT + 4.0 y=y - 4.0>{label.clone()}</text>
            }
        })
        .collect_view();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <svg
            class="chart chart-line-chart"
            role="img"
            aria-labelledby=labelled_by
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {ticks}
            {labels}
            {lines}
            {(n > 1).then(|| view! { <path class="chart-line" d=path /> })}
            {dots}
            {last}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_leaves_room_and_rounds_up() {
        assert_eq!(scale_max([3.0, 8.3]), 10.0);
        assert_eq!(scale_max([8.3, 20.0]), 30.0);
        assert_eq!(scale_max([0.0]), 5.0);
        assert_eq!(scale_max([95.0]), 100.0);
        assert_eq!(scale_max([]), 5.0);
    }
}
