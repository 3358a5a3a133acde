//! A horizontal bar chart drawn on the server as SVG (no script, no inline style: the page's CSP
//! allows neither): one bar per group with its label above it, so long names (an area, a
//! level) keep a readable size on a 360 px phone, and dashed lines where the targets are.
//!
//! The chart is an image for assistive technology (`role="img"`, a `<title>` and a `<desc>`
//! with every number); the page puts a table with the same numbers next to it.

use leptos::prelude::*;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The group's name, above the bar.
    pub label: String,
    /// Its length, in the chart's unit (percent by default).
    pub value: f64,
    /// What is written after the bar (`33,4% · 12/36`).
    pub text: String,
}

/// The width the chart is drawn at (user units); at 300 its 13-unit text is about 12 px on a
/// 360 px phone.
const WIDTH: f64 = 300.0;
/// The longest bar; its text is in a column after the longest bar.
const BAR_MAX: f64 = 180.0;
const TOP: f64 = 16.0;
const LABEL: f64 = 17.0;
const BAR: f64 = 11.0;
const AFTER: f64 = 9.0;

/// `s` cut to `max` characters with an ellipsis, so a label stays inside the chart (the table
/// beside it has the full name).
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The x of `value` on a scale of `0..=max`.
fn x_of(value: f64, max: f64) -> f64 {
    if max <= 0.0 {
        return 0.0;
    }
    (value.clamp(0.0, max) / max * BAR_MAX * 10.0).round() / 10.0
}

/// Where a target's label sits against its mark (`text-anchor`): centred, unless another
/// target is close, then the left one's ends at its mark and the right one's starts there.
fn label_anchor(xs: &[f64], i: usize) -> &'static str {
    const CLOSE: f64 = 36.0;
    let x = xs[i];
    let left = xs
        .iter()
        .enumerate()
        .any(|(j, o)| j != i && *o < x && x - o < CLOSE);
    let right = xs
        .iter()
        .enumerate()
        .any(|(j, o)| j != i && *o >= x && o - x < CLOSE && j > i);
    match (left, right) {
        (false, true) => "end",
        (true, _) => "start",
        (false, false) => "middle",
    }
}

/// The chart.
#[component]
pub fn BarChart(
    /// Unique on the page: the ids of the title and description.
    #[prop(into)]
    id: String,
    /// What the chart shows.
    title: String,
    /// Every number in words (read instead of the picture).
    desc: String,
    /// The bars, in order.
    bars: Vec<Bar>,
    /// The end of the scale (100 for percentages).
    #[prop(default = 100.0)]
    max: f64,
    /// Where the targets are, with their labels (`20%`).
    #[prop(optional)]
    targets: Vec<(f64, String)>,
) -> impl IntoView {
    let per = LABEL + BAR + AFTER;
    let height = TOP + per * bars.len() as f64;
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y0 = TOP + i as f64 * per;
            let w = match x_of(b.value, max) {
                0.0 if b.value > 0.0 => 1.0,
                w => w,
            };
            view! {
                <text class="chart-label" x="0" y=y0 + LABEL - 4.0>{shorten(&b.label, 44)}</text>
                <rect class="chart-track" x="0" y=y0 + LABEL width=BAR_MAX height=BAR rx="2" />
                <rect class="chart-bar" x="0" y=y0 + LABEL width=w height=BAR rx="2" />
                // The targets on each bar: a short mark, so no line crosses the labels.
                {targets
                    .iter()
                    .map(|(t, _)| {
                        let x = x_of(*t, max);
                        view! { <line class="chart-target chart-target-tick" x1=x y1=y0 + LABEL - 2.0 x2=x y2=y0 + LABEL + BAR + 2.0 /> }
                    })
                    .collect_view()}
                <text class="chart-value" x=BAR_MAX + 6.0 y=y0 + LABEL + BAR - 1.5>{b.text.clone()}</text>
            }
        })
        .collect_view();
    let xs: Vec<f64> = targets.iter().map(|(t, _)| x_of(*t, max)).collect();
    let lines = targets
        .iter()
        .enumerate()
        .map(|(i, (_, label))| {
            let x = xs[i];
            let anchor = label_anchor(&xs, i);
            let at = match anchor {
                "end" => x - 2.0,
                "start" => x + 2.0,
                _ => x,
            };
            view! {
                <text class="chart-target-label" x=at y=TOP - 5.0 text-anchor=anchor>{label.clone()}</text>
            }
        })
        .collect_view();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <svg
            class="chart chart-bars"
            role="img"
            aria-labelledby=labelled_by
            viewBox=format!("0 0 {WIDTH} {height}")
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{desc}</desc>
            {rows}
            {lines}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_follow_the_scale_and_stay_inside_it() {
        assert_eq!(x_of(50.0, 100.0), BAR_MAX / 2.0);
        assert_eq!(x_of(120.0, 100.0), BAR_MAX);
        assert_eq!(x_of(-3.0, 100.0), 0.0);
        assert_eq!(x_of(3.0, 0.0), 0.0);
    }

    #[test]
    fn close_targets_label_away_from_each_other() {
        let xs = [36.0, 63.0, 150.0];
        assert_eq!(label_anchor(&xs, 0), "end");
        assert_eq!(label_anchor(&xs, 1), "start");
        assert_eq!(label_anchor(&xs, 2), "middle");
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(shorten("Tiểu học", 20), "Tiểu học");
        assert_eq!(shorten("Phường Hạc Thành", 8), "Phường…");
    }
}
