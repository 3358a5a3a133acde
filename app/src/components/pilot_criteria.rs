//! The pilot's criteria as the department's pages write them: a criterion's value in its unit,
//! the criteria in force as a compact list, and the criteria a school misses as short badges.

use crate::components::format::{decimal_text, percent_text};
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::pilot::{Criteria, CriterionKey, CriterionResult};

/// A criterion's value or threshold in its unit ("2", "10 tiết/tuần", "50%").
pub fn value_text(key: CriterionKey, v: f64) -> String {
    match key {
        CriterionKey::Enrolled => tr(if v >= 1.0 { "pilot.yes" } else { "pilot.no" }).to_owned(),
        CriterionKey::DevicesInService => decimal_text(v),
        CriterionKey::DeviceUsePeriodsPerWeek => {
            trf("pilot.unit.per_week", &[("n", decimal_text(v))])
        }
        CriterionKey::TeachersWithMaterialsPct
        | CriterionKey::RollCallOnTimePct
        | CriterionKey::LogSignedOnTimePct => percent_text(v),
    }
}

/// One criterion in force as a phrase: "Thiết bị đang hoạt động: từ 2".
pub fn criterion_phrase(key: CriterionKey, threshold: f64) -> String {
    if key == CriterionKey::Enrolled {
        tr(key.label_key()).to_owned()
    } else {
        trf(
            "pilot.criterion_at_least",
            &[
                ("name", tr(key.label_key()).to_owned()),
                ("threshold", value_text(key, threshold)),
            ],
        )
    }
}

/// The criteria in force: each with its threshold, required or not, over the window.
#[component]
pub fn CriteriaInForce(
    /// The criteria of the run shown.
    criteria: Criteria,
) -> impl IntoView {
    let items = criteria
        .criteria
        .iter()
        .map(|c| {
            let (class, key) = if c.required {
                ("badge badge-info", "pilot.school.required")
            } else {
                ("badge badge-neutral", "pilot.school.optional")
            };
            view! {
                <li>
                    <span>{criterion_phrase(c.key, c.threshold)}</span>
                    " "
                    <span class=class>{tr(key)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="criteria-in-force" aria-labelledby="criteria-in-force-title">
            <h2 id="criteria-in-force-title" class="h-sm">
                {trf("pilot.criteria_in_force", &[("days", criteria.window_days.to_string())])}
            </h2>
            <ul class="criteria-inline">{items}</ul>
            <p class="small muted">{tr("pilot.criteria_in_force_hint")}</p>
        </section>
    }
}

/// The criteria a school does not meet, as short badges (required ones first and stronger; a
/// missing timetable named as such). Nothing when it meets them all.
#[component]
pub fn MissingCriteria(
    /// The school's criteria.
    criteria: Vec<CriterionResult>,
) -> impl IntoView {
    let mut missing: Vec<&CriterionResult> = criteria.iter().filter(|c| !c.met).collect();
    missing.sort_by_key(|c| !c.required);
    let badges = missing
        .into_iter()
        .map(|c| {
            let no_timetable = c.missing.as_ref().is_some_and(|m| m.no_timetable);
            let label = if no_timetable {
                "pilot.short.no_timetable"
            } else {
                c.key.short_key()
            };
            let class = if c.required {
                "badge badge-warning"
            } else {
                "badge badge-neutral"
            };
            view! { <span class=class title=tr(c.key.label_key())>{tr(label)}</span> }
        })
        .collect_view();
    view! {
        <span class="badges missing-criteria">
            <span class="sr-only">{tr("pilot.missing_label")} " "</span>
            {badges}
        </span>
    }
}
