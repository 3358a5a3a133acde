//! Pieces of the class log (sổ đầu bài) shared by the lesson page and the class's log week:
//! an entry's signature badge, the grade's options, the absentees in one line, a correction.

use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::class_log::{Absentee, Correction, Grade, LogEntry, LogState, signature_state};
use lophoc::dates::display_timestamp;
use lophoc::roll_calls::Status;

/// An entry's signature state as a badge: on time, late by N minutes, not signed; a closed
/// week's entry also says it is closed (and how it was signed, which the printed book keeps).
#[component]
pub fn LogBadge(
    /// The entry.
    entry: LogEntry,
) -> impl IntoView {
    let signed = signature_state(entry.signed_by.is_some(), entry.late_minutes);
    let sig = match signed {
        LogState::Late => view! {
            <span class="badge badge-warning">
                {trf("log.late_by", &[("minutes", entry.late_minutes.unwrap_or(0).to_string())])}
            </span>
        }
        .into_any(),
        LogState::Signed => {
            view! { <span class="badge badge-success">{tr("log.on_time")}</span> }.into_any()
        }
        _ => {
            view! { <span class="badge badge-danger">{tr("log.state_unsigned")}</span> }.into_any()
        }
    };
    let closed = (entry.state == LogState::Closed)
        .then(|| view! { <span class="badge badge-neutral">{tr("log.locked")}</span> });
    view! { <span class="log-badges">{sig}{closed}</span> }
}

/// The grade's options, `chosen` (`A`…`D` or empty) selected, "—" first.
pub fn grade_options(chosen: &str) -> impl IntoView + use<> {
    let chosen = chosen.to_owned();
    let empty =
        view! { <option value="" selected=chosen.is_empty()>{tr("log.grade_none")}</option> };
    let grades = Grade::ALL
        .into_iter()
        .map(|g| {
            view! {
                <option value=g.as_str() selected=chosen == g.as_str()>{tr(g.label_key())}</option>
            }
        })
        .collect_view();
    (empty, grades)
}

/// The absentees in one line: each name with (P) for excused, (K) for unexcused, as the paper
/// book writes them; empty when everyone was there.
pub fn absentees_text(absentees: &[Absentee]) -> String {
    absentees
        .iter()
        .map(|a| {
            let mark = if a.status == Status::Excused {
                tr("log.excused_mark")
            } else {
                tr("log.unexcused_mark")
            };
            format!("{} ({mark})", a.full_name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A grade's short word (Tốt, Khá…), for a table cell.
pub fn grade_text(g: Option<Grade>) -> String {
    g.map(|g| tr(g.label_key()).to_owned()).unwrap_or_default()
}

/// A correction: its content, reason, who asked and when, and whether it is approved.
#[component]
pub fn CorrectionLine(
    /// The correction.
    c: Correction,
) -> impl IntoView {
    let state = match (&c.approved_at, &c.approved_by_name) {
        (Some(at), by) => view! {
            <span class="badge badge-success">
                {trf(
                    "log.correction_approved",
                    &[("name", by.clone().unwrap_or_default()), ("at", display_timestamp(at))],
                )}
            </span>
        }
        .into_any(),
        _ => view! { <span class="badge badge-warning">{tr("log.correction_pending")}</span> }
            .into_any(),
    };
    let content = [
        Some(c.title.clone()),
        c.ppct
            .map(|p| trf("log.ppct_short", &[("ppct", p.to_string())])),
        c.grade.map(|g| tr(g.label_key()).to_owned()),
        c.remarks.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <div class="log-correction">
            <p>
                <strong>{tr("log.correction")}</strong>
                " "
                {state}
            </p>
            <p>{content}</p>
            <p class="small muted">
                {trf(
                    "log.correction_by",
                    &[
                        ("name", c.requested_by_name.clone()),
                        ("at", display_timestamp(&c.requested_at)),
                        ("reason", c.reason.clone()),
                    ],
                )}
            </p>
        </div>
    }
}
