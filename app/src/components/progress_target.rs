//! The share of schools that count against one target: a bar from 0 to 100 % filled to the
//! share now with the target marked on it, whether it is reached, on track or late, how many
//! schools it still needs (a link to them) and when the trend's pace reaches it.
//!
//! The bar is SVG stretched to the width (`preserveAspectRatio="none"`, the marker's stroke not
//! scaled), its words are HTML beside it, so it reads the same on a phone and a wide screen.

use crate::components::format::{group_digits, percent_text};
use crate::i18n::{tr, trf};
use chrono::NaiveDate;
use leptos::prelude::*;
use lophoc::dates::display_date;
use lophoc::pilot::TargetProgress;

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The share is at least the target.
    Reached,
    /// Not reached and the due date has passed.
    Overdue,
    /// The pace reaches it by the due date.
    OnTrack,
    /// The pace reaches it late, or never.
    Behind,
}

impl Standing {
    /// Where `t` stands on `as_of`, with the trend's projection.
    pub fn of(t: &TargetProgress, projected: Option<NaiveDate>, as_of: NaiveDate) -> Standing {
        if t.reached {
            Standing::Reached
        } else if t.due < as_of {
            Standing::Overdue
        } else if projected.is_some_and(|p| p <= t.due) {
            Standing::OnTrack
        } else {
            Standing::Behind
        }
    }

    /// The badge's classes and text.
    pub fn badge(self) -> (&'static str, &'static str) {
        match self {
            Standing::Reached => ("badge badge-success", "pilot.target.reached"),
            Standing::Overdue => ("badge badge-danger", "pilot.target.overdue"),
            Standing::OnTrack => ("badge badge-info", "pilot.target.on_track"),
            Standing::Behind => ("badge badge-warning", "pilot.target.behind"),
        }
    }
}

/// One target.
#[component]
pub fn ProgressTarget(
    /// The share now (percent).
    now: f64,
    /// The target and how far the share is from it.
    target: TargetProgress,
    /// When the trend's pace reaches it (none: it does not).
    projected: Option<NaiveDate>,
    /// The date of the numbers.
    as_of: NaiveDate,
    /// The list of the schools closest to counting (the "N schools" link), if any.
    #[prop(optional)]
    needed_href: Option<String>,
) -> impl IntoView {
    let standing = Standing::of(&target, projected, as_of);
    let (class, key) = standing.badge();
    let fill = format!("{:.1}", now.clamp(0.0, 100.0));
    let mark = format!("{:.1}", target.percent.clamp(0.0, 100.0));
    let label = trf(
        "pilot.target.aria",
        &[
            ("now", percent_text(now)),
            ("target", percent_text(target.percent)),
        ],
    );
    let needed = (!target.reached).then(|| {
        let n = group_digits(target.schools_needed);
        let text = trf("pilot.target.needed", &[("n", n)]);
        match needed_href.clone() {
            Some(href) => view! { <a href=href>{text}</a> }.into_any(),
            None => view! { <span>{text}</span> }.into_any(),
        }
    });
    let projection = (!target.reached).then(|| match projected {
        Some(p) if p > target.due => view! {
            <span class="target-late">
                {trf("pilot.target.projected_late", &[("date", display_date(p))])}
            </span>
        }
        .into_any(),
        Some(p) => {
            view! { <span>{trf("pilot.target.projected", &[("date", display_date(p))])}</span> }
                .into_any()
        }
        None => {
            view! { <span class="target-late">{tr("pilot.target.no_projection")}</span> }.into_any()
        }
    });
    view! {
        <div class="target">
            <div class="target-head">
                <h3 class="target-title">
                    {trf(
                        "pilot.target.title",
                        &[("percent", percent_text(target.percent)), ("due", display_date(target.due))],
                    )}
                </h3>
                <span class=class>{tr(key)}</span>
            </div>
            <svg class="target-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=label>
                <rect class="target-track" x="0" y="1" width="100" height="8" rx="1" />
                <rect class="target-fill" x="0" y="1" width=fill height="8" rx="1" />
                <line class="target-mark" x1=mark.clone() y1="0" x2=mark y2="10" vector-effect="non-scaling-stroke" />
            </svg>
            <div class="target-scale" aria-hidden="true">
                <span>"0%"</span>
                <span class="target-key">{trf("pilot.target.marker", &[("percent", percent_text(target.percent))])}</span>
                <span>"100%"</span>
            </div>
            <p class="target-meta">
                <span>{trf("pilot.target.now", &[("percent", percent_text(now))])}</span>
                {needed}
                {projection}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(reached: bool, due: NaiveDate) -> TargetProgress {
        TargetProgress {
            percent: 20.0,
            due,
            reached,
            schools_needed: 3,
            projected: None,
        }
    }

    #[test]
    fn a_target_is_reached_on_track_behind_or_overdue() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let today = d(6, 1);
        assert_eq!(
            Standing::of(&t(true, d(1, 1)), None, today),
            Standing::Reached
        );
        assert_eq!(
            Standing::of(&t(false, d(1, 1)), None, today),
            Standing::Overdue
        );
        assert_eq!(
            Standing::of(&t(false, d(12, 31)), Some(d(10, 1)), today),
            Standing::OnTrack
        );
        assert_eq!(
            Standing::of(
                &t(false, d(12, 31)),
                Some(d(12, 31) + chrono::Duration::days(1)),
                today
            ),
            Standing::Behind
        );
        assert_eq!(
            Standing::of(&t(false, d(12, 31)), None, today),
            Standing::Behind
        );
    }
}
