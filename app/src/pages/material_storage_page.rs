//! `/materials/storage`: how much of a school's storage its teachers' materials take (every
//! version of every file counts), by teacher, against the school's quota (hạn mức); whoever may
//! set the quota (the service says: `may_set_quota`) sets it in MB. The department and
//! sysadmins name a school (`?school=ID`).

use crate::components::error_alert::ErrorAlert;
use crate::components::field::Field;
use crate::components::format::group_digits;
use crate::components::format::size_text as human_size;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::error::{field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::materials::{SetMaterialQuota, back, material_storage};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::ids::SchoolId;
use lophoc::materials::StorageUse;
use lophoc::model::percent;
use server_fn::ServerFn;

/// A quota in MB as the form shows it (`500`, `1,5`).
fn quota_mb_text(bytes: i64) -> String {
    crate::components::format::field_text(bytes as f64 / 1_000_000.0)
}

/// `/materials/storage`.
#[component]
pub fn MaterialStoragePage() -> impl IntoView {
    let query = use_query_map();
    let school: Option<SchoolId> =
        query.with_untracked(|q| q.get("school").and_then(|s| s.trim().parse().ok()));
    let data = OnceResource::new(material_storage(school));
    view! {
        <PageTitle text=tr("materials.storage.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("materials.storage.title")}</h1>
                <p>{tr("materials.storage.intro")}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-ghost" href="/materials">
                    <Icon name="book" />
                    <span>{tr("materials.back")}</span>
                </a>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => view! { <Storage s school /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Storage(s: StorageUse, school: Option<SchoolId>) -> impl IntoView {
    let used = human_size(s.total_bytes);
    let (meta, bar) = match (s.quota_bytes, s.percent()) {
        (Some(q), Some(p)) => {
            let class = if p >= 95.0 {
                "progress progress-danger"
            } else if p >= 80.0 {
                "progress progress-warning"
            } else {
                "progress"
            };
            (
                trf(
                    "materials.storage.of_quota",
                    &[
                        ("quota", human_size(q)),
                        ("percent", crate::components::format::decimal_text(p)),
                    ],
                ),
                Some(view! {
                    <progress
                        class=class
                        max="100"
                        value=format!("{:.1}", p.min(100.0))
                        aria-labelledby="storage-used-label"
                    ></progress>
                }),
            )
        }
        _ => (tr("materials.storage.no_quota").to_owned(), None),
    };
    let total = s.total_bytes;
    let rows = s
        .by_teacher
        .iter()
        .map(|l| {
            let share = percent(l.bytes, total);
            // An SVG bar: the page's CSP allows no inline style.
            let width = format!("{:.1}", share.clamp(0.0, 100.0));
            view! {
                <tr>
                    <th scope="row" data-label=tr("materials.storage.teacher")>{l.full_name.clone()}</th>
                    <td class="num" data-label=tr("materials.storage.materials")>{group_digits(l.materials)}</td>
                    <td class="num" data-label=tr("materials.size")>{human_size(l.bytes)}</td>
                    <td data-label=tr("materials.storage.share")>
                        <span class="meter-row">
                            <svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                <rect class="meter-track" x="0" y="0" width="100" height="6" rx="3" />
                                <rect class="meter-fill" x="0" y="0" width=width height="6" rx="3" />
                            </svg>
                            <span class="num">{format!("{share:.1}%")}</span>
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = if s.by_teacher.is_empty() {
        view! {
            <div class="empty">
                <Icon name="book" />
                <p class="empty-title">{tr("materials.storage.empty")}</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table stack">
                    <caption class="sr-only">{tr("materials.storage.caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("materials.storage.teacher")}</th>
                            <th scope="col" class="num">{tr("materials.storage.materials")}</th>
                            <th scope="col" class="num">{tr("materials.size")}</th>
                            <th scope="col">{tr("materials.storage.share")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let quota_form = s
        .may_set_quota
        .then(|| view! { <QuotaCard quota=s.quota_bytes school /> });
    view! {
        <div class="stack stack-lg">
            <div class="card stat">
                <span class="stat-value">{used}</span>
                <span class="stat-label" id="storage-used-label">{tr("materials.storage.used")}</span>
                {bar}
                <span class="stat-meta">{meta}</span>
            </div>
            <section class="stack" aria-labelledby="by-teacher-title">
                <h2 id="by-teacher-title">{tr("materials.storage.by_teacher")}</h2>
                {table}
            </section>
            {quota_form}
        </div>
    }
}

/// The quota form: MB, empty for none.
#[component]
fn QuotaCard(quota: Option<i64>, school: Option<SchoolId>) -> impl IntoView {
    let (error, typed, saved) = use_query_map().with_untracked(|q| {
        let error = from_query(q, SetMaterialQuota::PATH);
        let typed = error
            .as_ref()
            .map(|_| back::QUOTA.read(q).unwrap_or_default().quota_mb);
        (error, typed, q.get(back::QUOTA_SAVED).is_some())
    });
    let value = typed.unwrap_or_else(|| quota.map(quota_mb_text).unwrap_or_default());
    let field = field_error(&error, "quota_mb");
    view! {
        <section class="card" aria-labelledby="quota-title">
            <div class="card-header">
                <h2 id="quota-title">{tr("materials.storage.quota")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || saved.then(|| tr("materials.storage.quota_saved").to_owned())) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form" method="post" action=SetMaterialQuota::PATH novalidate>
                    {school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
                    <Field
                        id="quota-mb"
                        name="quota_mb"
                        label=tr("materials.storage.quota_mb")
                        hint=tr("materials.storage.quota_hint")
                        autocomplete="off"
                        value=value
                        error=field
                        required=false
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("materials.storage.quota_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_show_as_typed() {
        assert_eq!(quota_mb_text(500_000_000), "500");
        assert_eq!(quota_mb_text(1_500_000), "1,5");
        assert_eq!(
            crate::serverfns::materials::quota_bytes(&quota_mb_text(2_500_000)).ok(),
            Some(Some(2_500_000))
        );
    }
}
