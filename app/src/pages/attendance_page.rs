//! `/attendance`: the school's lessons with no roll call — today's that have ended, this
//! week's (`?week=1`) or a chosen day's (`?date=dd/mm/yyyy`) — each with a link straight to
//! its roll call (school administrators).

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::page_title::PageTitle;
use crate::i18n::{tr, trf};
use crate::serverfns::roll_calls::missing_roll_calls;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::attendance::MissingRollCall;
use lophoc::dates::display_date;
use lophoc::roll_calls::roll_call_href;
use lophoc::subjects::subject_label_key;

/// `/attendance`.
#[component]
pub fn AttendancePage() -> impl IntoView {
    let query = use_query_map();
    let (week, date) = query.with_untracked(|q| {
        (
            q.get("week").is_some_and(|v| v == "1"),
            q.get("date").filter(|d| !d.trim().is_empty()),
        )
    });
    let data = OnceResource::new(missing_roll_calls(week, date.clone()));
    let on_day = date.is_some();
    let tab = move |href: &'static str, label: &'static str, current: bool| {
        view! {
            <a href=href class="chip" aria-current=current.then_some("page")>
                {tr(label)}
            </a>
        }
    };
    view! {
        <PageTitle text=tr("missing.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("missing.title")}</h1>
                <p>{tr("missing.intro")}</p>
            </div>
        </div>
        <nav class="chips" aria-label=tr("missing.title")>
            {tab("/attendance", "missing.today", !week && !on_day)}
            {tab("/attendance?week=1", "missing.week", week && !on_day)}
        </nav>
        <form class="filters" method="get" action="/attendance" role="search">
            <div class="field field-narrow">
                <label for="missing-date">{tr("missing.on_day")}</label>
                <input
                    id="missing-date"
                    name="date"
                    type="text"
                    inputmode="numeric"
                    placeholder=DATE_PLACEHOLDER
                    pattern=DATE_PATTERN
                    autocomplete="off"
                    value=date.map(|d| lophoc::dates::display_iso_date(&d)).unwrap_or_default()
                />
            </div>
            <button type="submit" class="btn btn-secondary">
                <Icon name="search" />
                <span>{tr("missing.show")}</span>
            </button>
        </form>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(items) => view! { <Missing items /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Missing(items: Vec<MissingRollCall>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <div class="empty">
                <Icon name="check-circle" />
                <p class="empty-title">{tr("missing.none")}</p>
            </div>
        }
        .into_any();
    }
    let count = trf("missing.count", &[("count", items.len().to_string())]);
    let rows = items
        .into_iter()
        .map(|m| {
            let href = roll_call_href(m.class_id, m.date, m.period);
            view! {
                <tr>
                    <td data-label=tr("missing.when")>{display_date(m.date)}</td>
                    <td data-label=tr("missing.period") class="num">{m.period}</td>
                    <td data-label=tr("missing.class")>{m.class_name}</td>
                    <td data-label=tr("missing.subject")>{tr(&subject_label_key(&m.subject))}</td>
                    <td data-label=tr("missing.teacher")>{m.teacher_name}</td>
                    <td class="actions">
                        <a class="btn btn-secondary btn-sm" href=href>
                            <Icon name="clipboard" />
                            <span>{tr("missing.open")}</span>
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted">{count.clone()}</p>
        <div class="table-wrap">
            <table class="table stack">
                <caption class="sr-only">{count}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("missing.when")}</th>
                        <th scope="col" class="num">{tr("missing.period")}</th>
                        <th scope="col">{tr("missing.class")}</th>
                        <th scope="col">{tr("missing.subject")}</th>
                        <th scope="col">{tr("missing.teacher")}</th>
                        <th scope="col"><span class="sr-only">{tr("missing.open")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
