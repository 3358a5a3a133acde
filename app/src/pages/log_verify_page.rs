//! `/schools/:id/log/verify` (the school's administrators: the principal; the department):
//! whether every hash chain of the school's class log is intact and, for each broken one, the
//! class, the first record that no longer matches, its kind, what it stands for and why, in
//! words.

use crate::components::error_alert::ErrorAlert;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::i18n::{tr, trf};
use crate::serverfns::class_log::verify_class_log;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lophoc::class_log::{BrokenChain, ChainReport, RecordKind};
use lophoc::dates::{display_date, display_timestamp, parse_date};
use lophoc::ids::SchoolId;

/// `/schools/:id/log/verify`.
#[component]
pub fn LogVerifyPage() -> impl IntoView {
    let params = use_params_map();
    let school: SchoolId =
        params.with_untracked(|p| p.get("id").and_then(|s| s.parse().ok()).unwrap_or_default());
    let data = OnceResource::new(verify_class_log(school));
    view! {
        <PageTitle text=tr("log.verify_title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <Report r /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a record's reference stands for, in words: a lesson (`YYYY-MM-DD/period`), a
/// correction of one (`…#id`) or a week (its Monday).
pub fn reference_words(reference: &str) -> String {
    let (lesson, id) = match reference.split_once('#') {
        Some((l, id)) => (l, Some(id)),
        None => (reference, None),
    };
    match (lesson.split_once('/'), id) {
        (Some((d, p)), id) => match parse_date(d) {
            Some(d) => {
                let mut args = vec![("date", display_date(d)), ("period", p.to_owned())];
                match id {
                    Some(id) => {
                        args.push(("id", id.to_owned()));
                        trf("log.ref_correction", &args)
                    }
                    None => trf("log.ref_lesson", &args),
                }
            }
            None => reference.to_owned(),
        },
        (None, None) => match parse_date(lesson) {
            Some(d) => trf("log.ref_week", &[("date", display_date(d))]),
            None => reference.to_owned(),
        },
        (None, Some(_)) => reference.to_owned(),
    }
}

#[component]
fn Report(r: ChainReport) -> impl IntoView {
    let summary = trf(
        "log.verify_summary",
        &[
            ("chains", group_digits(r.chains)),
            ("records", group_digits(r.records)),
            ("at", display_timestamp(&r.checked_at)),
        ],
    );
    let state = if r.intact {
        view! {
            <div class="alert alert-success" role="status">
                <Icon name="check-circle" />
                <div class="alert-body">
                    <p class="alert-title">{tr("log.verify_intact")}</p>
                    <p>{summary.clone()}</p>
                </div>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-error" role="alert">
                <Icon name="alert" />
                <div class="alert-body">
                    <p class="alert-title">
                        {trf("log.verify_broken", &[("count", r.broken.len().to_string())])}
                    </p>
                    <p>{summary.clone()}</p>
                </div>
            </div>
        }
        .into_any()
    };
    let broken = (!r.broken.is_empty()).then(|| {
        let rows = r
            .broken
            .iter()
            .map(|b: &BrokenChain| {
                view! {
                    <tr>
                        <th scope="row" data-label=tr("log.verify_class")>
                            <a href=format!("/classes/{}/log", b.class_id)>{b.class_name.clone()}</a>
                        </th>
                        <td class="num" data-label=tr("log.verify_seq")>
                            {if b.seq > 0 { b.seq.to_string() } else { "—".to_owned() }}
                        </td>
                        <td data-label=tr("log.verify_kind")>{tr(b.kind.map(RecordKind::label_key).unwrap_or("log.kind_unknown"))}</td>
                        <td data-label=tr("log.verify_ref")>{reference_words(&b.reference)}</td>
                        <td data-label=tr("log.verify_reason")>{tr(b.reason.label_key())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table stack">
                    <caption class="sr-only">{tr("log.verify_broken_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("log.verify_class")}</th>
                            <th scope="col" class="num">{tr("log.verify_seq")}</th>
                            <th scope="col">{tr("log.verify_kind")}</th>
                            <th scope="col">{tr("log.verify_ref")}</th>
                            <th scope="col">{tr("log.verify_reason")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("log.verify_title")}</h1>
                <p>{r.school_name.clone()}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-secondary" href=format!("/schools/{}", r.school_id)>
                    <Icon name="school" />
                    <span>{tr("log.back_to_school")}</span>
                </a>
            </div>
        </div>
        <div class="stack">
            <p class="muted">{tr("log.verify_intro")}</p>
            {state}
            {broken}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_words() {
        assert_eq!(reference_words("2026-12-01/3"), "Tiết 3 ngày 01/12/2026");
        assert_eq!(
            reference_words("2026-12-01/3#7"),
            "Điều chỉnh số 7 của tiết 3 ngày 01/12/2026"
        );
        assert_eq!(reference_words("2026-11-30"), "Tuần từ thứ Hai 30/11/2026");
        assert_eq!(reference_words("lạ"), "lạ");
    }
}
