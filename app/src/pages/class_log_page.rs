//! `/classes/:class/log?week=YYYY-MM-DD`: a class's week of the class log (sổ đầu bài) as the
//! paper book lays it out: days × periods with each lesson's subject, title, tiết PPCT,
//! teacher, absentees, grade, remarks and signature state; the week's counts; the absences per
//! pupil with those over the thresholds; the two closings (the homeroom teacher's, then the
//! principal's) with "Khóa sổ tuần" for whoever may make the next one; the corrections with
//! "Duyệt" for the principal; the chain's head. Prints as one A4 landscape page (main.css
//! `.log-week`). Plain form posts; the answer comes back in the query.

use crate::components::class_log::{CorrectionLine, LogBadge, absentees_text, grade_text};
use crate::components::error_alert::ErrorAlert;
use crate::components::format::weekday_key;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::error::from_query;
use crate::i18n::{tr, trf};
use crate::serverfns::class_log::{ApproveLogCorrection, CloseLogWeek, back, class_log_week};
use chrono::{Datelike, Duration};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::class_log::{CloseStep, Closing, LogDay, LogEntry, LogWeek};
use lophoc::dates::{display_date, display_timestamp};
use lophoc::subjects::subject_label_key;
use server_fn::ServerFn;

/// `/classes/:class/log`.
#[component]
pub fn ClassLogPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let class = params.with_untracked(|p| {
        p.get("class")
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    });
    let week = query.with_untracked(|q| q.get("week").filter(|d| !d.trim().is_empty()));
    let data = OnceResource::new(class_log_week(class, week));
    view! {
        <PageTitle text=tr("log.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(w) => view! { <Week w /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn closing_text(c: &Option<Closing>) -> String {
    match c {
        Some(c) => trf(
            "log.closed_by",
            &[
                ("name", c.by_name.clone()),
                ("at", display_timestamp(&c.at)),
            ],
        ),
        None => tr("log.not_closed").to_owned(),
    }
}

#[component]
fn Week(w: LogWeek) -> impl IntoView {
    let query = use_query_map();
    let (error, closed, approved) = query.with_untracked(|q| {
        (
            from_query(q, CloseLogWeek::PATH).or_else(|| from_query(q, ApproveLogCorrection::PATH)),
            q.get(back::CLOSED),
            q.get(back::APPROVED).is_some(),
        )
    });
    let note = closed
        .map(|s| {
            tr(if s == "principal" {
                "log.closed_principal_note"
            } else {
                "log.closed_homeroom_note"
            })
            .to_owned()
        })
        .or_else(|| approved.then(|| tr("log.approved_note").to_owned()));
    let href = format!("/classes/{}/log", w.class_id);
    let week_link = |d: chrono::NaiveDate| lophoc::class_log::week_href(w.class_id, d);
    let sunday = w.monday + Duration::days(6);
    let range = trf(
        "log.week_range",
        &[
            ("from", display_date(w.monday)),
            ("to", display_date(sunday)),
        ],
    );
    let sub = [
        Some(w.school_name.clone()),
        Some(trf("log.school_year", &[("year", w.school_year.clone())])),
        w.homeroom_name
            .clone()
            .map(|n| trf("class.homeroom", &[("name", n)])),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let close = w.may_close.map(|step| {
        let label = match step {
            CloseStep::Homeroom => tr("log.close_homeroom"),
            CloseStep::Principal => tr("log.close_principal"),
        };
        view! {
            <form class="row-form" method="post" action=CloseLogWeek::PATH>
                <input type="hidden" name="class" value=w.class_id.to_string() />
                <input type="hidden" name="monday" value=w.monday.to_string() />
                <button type="submit" class="btn btn-primary">
                    <Icon name="lock" />
                    <span>{label}</span>
                </button>
            </form>
        }
    });
    let rows = w
        .days
        .iter()
        .map(|d| view! { <DayRows d=d.clone() /> })
        .collect_view();
    let corrections: Vec<(LogEntry, lophoc::class_log::Correction)> = w
        .days
        .iter()
        .flat_map(|d| d.entries.iter())
        .flat_map(|e| e.corrections.iter().map(move |c| (e.clone(), c.clone())))
        .collect();
    let corrections = (!corrections.is_empty()).then(|| {
        let items = corrections
            .into_iter()
            .map(|(e, c)| {
                let approve = (w.may_approve && c.approved_at.is_none()).then(|| {
                    view! {
                        <form class="row-form" method="post" action=ApproveLogCorrection::PATH>
                            <input type="hidden" name="class" value=w.class_id.to_string() />
                            <input type="hidden" name="id" value=c.id.to_string() />
                            <button
                                type="submit"
                                class="btn btn-secondary btn-sm"
                                aria-label=trf(
                                    "log.approve_named",
                                    &[("date", display_date(e.date)), ("period", e.period.to_string())],
                                )
                            >
                                <Icon name="check" />
                                <span>{tr("log.approve")}</span>
                            </button>
                        </form>
                    }
                });
                let lesson = trf(
                    "log.lesson_ref",
                    &[
                        ("day", tr(weekday_key(e.date.weekday(), false)).to_owned()),
                        ("date", display_date(e.date)),
                        ("period", e.period.to_string()),
                        ("subject", tr(&subject_label_key(&e.subject)).to_owned()),
                    ],
                );
                view! {
                    <li>
                        <p><strong>{lesson}</strong></p>
                        <p class="small">{trf("log.original", &[("title", e.title.clone())])}</p>
                        <CorrectionLine c=c />
                        {approve}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card log-section" aria-labelledby="log-corrections-title">
                <div class="card-header">
                    <h2 id="log-corrections-title">{tr("log.corrections")}</h2>
                </div>
                <div class="card-body">
                    <ul class="log-corrections">{items}</ul>
                </div>
            </section>
        }
    });
    let absences = if w.absences.is_empty() {
        view! { <p class="muted">{tr("log.no_absences")}</p> }.into_any()
    } else {
        let rows = w
            .absences
            .iter()
            .map(|p| {
                let flags = view! {
                    {p.over_year_limit.then(|| view! {
                        <span class="badge badge-danger">
                            {trf("log.over_year", &[("max", lophoc::class_log::YEAR_ABSENCE_LIMIT.to_string())])}
                        </span>
                    })}
                    {p.over_consecutive.then(|| view! {
                        <span class="badge badge-warning">
                            {trf("log.over_consecutive", &[("days", p.consecutive_days.to_string())])}
                        </span>
                    })}
                };
                view! {
                    <tr class:log-flagged=p.over_year_limit || p.over_consecutive>
                        <th scope="row" data-label=tr("roll.student")>{p.full_name.clone()}</th>
                        <td class="num" data-label=tr("log.week_excused")>{p.week_excused}</td>
                        <td class="num" data-label=tr("log.week_unexcused")>{p.week_unexcused}</td>
                        <td class="num" data-label=tr("log.year_periods")>{p.year_periods}</td>
                        <td class="num" data-label=tr("log.consecutive")>{p.consecutive_days}</td>
                        <td data-label=tr("log.flags")>{flags}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table stack log-absences">
                    <caption class="sr-only">{tr("log.absences")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("roll.student")}</th>
                            <th scope="col" class="num">{tr("log.week_excused")}</th>
                            <th scope="col" class="num">{tr("log.week_unexcused")}</th>
                            <th scope="col" class="num">{tr("log.year_periods")}</th>
                            <th scope="col" class="num">{tr("log.consecutive")}</th>
                            <th scope="col">{tr("log.flags")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    // On paper the absences are one paragraph under the book, not a second table.
    let absences_line = (!w.absences.is_empty()).then(|| {
        let line = w
            .absences
            .iter()
            .map(|p| {
                trf(
                    "log.absence_line",
                    &[
                        ("name", p.full_name.clone()),
                        ("excused", p.week_excused.to_string()),
                        ("unexcused", p.week_unexcused.to_string()),
                        ("year", p.year_periods.to_string()),
                    ],
                ) + if p.over_year_limit || p.over_consecutive {
                    " (!)"
                } else {
                    ""
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        view! { <p class="print-only log-absences-line">{line}</p> }
    });
    let this_week = lophoc::class_log::week_of(w.today);
    view! {
        <div class="log-week">
            <div class="page-header">
                <div class="page-header-text">
                    <h1>{trf("log.heading", &[("class", w.class_name.clone())])}</h1>
                    <p class="log-range">{range.clone()}</p>
                    <p class="muted">{sub}</p>
                </div>
                <div class="page-header-actions cluster">
                    <a class="btn btn-secondary" href=format!("/classes/{}", w.class_id)>
                        <Icon name="users" />
                        <span>{trf("log.back_to_class", &[("class", w.class_name.clone())])}</span>
                    </a>
                </div>
            </div>
            <div class="stack">
                <nav class="cluster no-print" aria-label=tr("class.week_nav")>
                    <a class="btn btn-secondary btn-sm" href=week_link(w.monday - Duration::days(7)) rel="prev">
                        <span aria-hidden="true">"‹ "</span>
                        {tr("class.prev_week")}
                    </a>
                    {(w.monday != this_week).then(|| view! {
                        <a class="btn btn-secondary btn-sm" href=href.clone()>{tr("class.this_week")}</a>
                    })}
                    <a class="btn btn-secondary btn-sm" href=week_link(w.monday + Duration::days(7)) rel="next">
                        {tr("class.next_week")}
                        <span aria-hidden="true">" ›"</span>
                    </a>
                </nav>
                <SuccessNote message=Signal::derive(move || note.clone()) />
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                <ul class="log-counts" aria-label=tr("log.counts")>
                    <li class="log-count-ok">
                        <span class="log-count-n">{w.signed_on_time}</span>
                        " "
                        {tr("log.count_on_time")}
                    </li>
                    <li class="log-count-late">
                        <span class="log-count-n">{w.signed_late}</span>
                        " "
                        {tr("log.count_late")}
                    </li>
                    <li class="log-count-missing">
                        <span class="log-count-n">{w.missing}</span>
                        " "
                        {tr("log.count_missing")}
                    </li>
                </ul>
                <section class="card log-book" aria-labelledby="log-book-title">
                    <h2 id="log-book-title" class="sr-only">{range}</h2>
                    <div class="table-wrap log-table-wrap">
                        <table class="table log-table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("log.col_day")}</th>
                                    <th scope="col" class="num">{tr("log.col_period")}</th>
                                    <th scope="col">{tr("log.col_subject")}</th>
                                    <th scope="col" class="num">{tr("log.col_ppct")}</th>
                                    <th scope="col">{tr("log.col_title")}</th>
                                    <th scope="col">{tr("log.col_absent")}</th>
                                    <th scope="col">{tr("log.col_remarks")}</th>
                                    <th scope="col">{tr("log.col_grade")}</th>
                                    <th scope="col">{tr("log.col_signature")}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
                {corrections}
                <section class="card log-section log-absences-card" aria-labelledby="log-absences-title">
                    <div class="card-header">
                        <h2 id="log-absences-title">{tr("log.absences")}</h2>
                    </div>
                    <div class="card-body stack">
                        <p class="small muted no-print">
                            {trf(
                                "log.thresholds",
                                &[
                                    ("max", lophoc::class_log::YEAR_ABSENCE_LIMIT.to_string()),
                                    ("days", lophoc::class_log::CONSECUTIVE_DAYS_LIMIT.to_string()),
                                ],
                            )}
                        </p>
                        <div class="no-print">{absences}</div>
                        {absences_line}
                    </div>
                </section>
                <section class="card log-section log-closings" aria-labelledby="log-closings-title">
                    <div class="card-header">
                        <h2 id="log-closings-title">{tr("log.closings")}</h2>
                    </div>
                    <div class="card-body stack">
                        <div class="log-signers">
                            <div>
                                <p class="log-signer-role">{tr("log.homeroom_signs")}</p>
                                <p>{closing_text(&w.closing.homeroom)}</p>
                            </div>
                            <div>
                                <p class="log-signer-role">{tr("log.principal_signs")}</p>
                                <p>{closing_text(&w.closing.principal)}</p>
                            </div>
                        </div>
                        {close}
                    </div>
                </section>
                <p class="log-chain small muted">
                    {trf("log.chain_head", &[("hash", w.chain_head.clone().unwrap_or_else(|| "—".to_owned()))])}
                </p>
            </div>
        </div>
    }
}

/// One day of the book: a row per lesson, the day's cell spanning them; a day without lessons
/// (a holiday) one row saying so.
#[component]
fn DayRows(d: LogDay) -> impl IntoView {
    if d.entries.is_empty() {
        let why = d
            .holiday
            .clone()
            .unwrap_or_else(|| tr("log.no_lessons").to_owned());
        return view! {
            <tr class="log-day-first">
                <th scope="row" class="log-day">{day_label(&d)}</th>
                <td colspan="8" class="muted">{why}</td>
            </tr>
        }
        .into_any();
    }
    let span = d.entries.len().to_string();
    let rows = d
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let first = (i == 0).then(|| {
                view! { <th scope="rowgroup" class="log-day" rowspan=span.clone()>{day_label(&d)}</th> }
            });
            let corrected = e
                .corrections
                .iter()
                .map(|c| {
                    let state = if c.approved_at.is_some() {
                        tr("log.correction_in_force")
                    } else {
                        tr("log.correction_pending")
                    };
                    view! {
                        <span class="log-corr-inline">
                            {trf("log.corrected_to", &[("title", c.title.clone()), ("state", state.to_owned())])}
                        </span>
                    }
                })
                .collect_view();
            // The signature's time (the day too when signed on another day); the signer's name
            // only when not the timetabled teacher (a substitute signs as themselves).
            let signer = e.signed_at.as_deref().map(|at| {
                let when = display_timestamp(at);
                let day = display_date(e.date);
                let when = when
                    .strip_prefix(&format!("{day} "))
                    .map(str::to_owned)
                    .unwrap_or(when);
                match e.signed_by_name.as_deref().filter(|n| *n != e.teacher_name) {
                    Some(n) => format!("{n} · {when}"),
                    None => when,
                }
            });
            let open = format!("/classes/{}/lessons/{}/{}#class-log", e.class_id, e.date, e.period);
            view! {
                <tr class:log-day-first=i == 0>
                    {first}
                    <td class="num">
                        <a href=open aria-label=trf("log.open_lesson", &[("period", e.period.to_string())])>
                            {e.period}
                        </a>
                    </td>
                    <td class="log-subject-cell">{tr(&subject_label_key(&e.subject))}</td>
                    <td class="num">{e.ppct.map(|p| p.to_string()).unwrap_or_default()}</td>
                    <td class="log-title-cell">
                        {e.title.clone()}
                        {corrected}
                    </td>
                    <td class="log-absent-cell">{absentees_text(&e.absentees)}</td>
                    <td class="log-remarks-cell">{e.remarks.clone().unwrap_or_default()}</td>
                    <td class="log-grade-cell">{grade_text(e.grade)}</td>
                    <td class="log-sign-cell">
                        <span class="log-teacher">{e.teacher_name.clone()}</span>
                        " "
                        <span class="log-sig">
                            {signer.map(|s| view! { <span class="log-signer">{s}</span> " " })}
                            <LogBadge entry=e.clone() />
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    rows.into_any()
}

fn day_label(d: &LogDay) -> impl IntoView + use<> {
    view! {
        <span class="log-day-name">{tr(weekday_key(d.date.weekday(), false))}</span>
        <span class="log-day-date">{display_date(d.date)}</span>
    }
}
