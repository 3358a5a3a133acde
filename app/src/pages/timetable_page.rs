//! `/classes/:class/timetable`: a class's timetable as a grid — periods down, days across — in
//! force on a day (`?date=`), with its versions. The school's administrators type each cell's
//! subject and teacher (lists offered as they type) and save it for the whole school year or
//! as a new version from a date, which leaves earlier days as they were. A plain multipart
//! form; after an error every cell comes back as typed, each bad one marked.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::format::weekday_key;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::error::{UiError, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::classes::{SaveTimetable, back, timetable_page};
use chrono::Weekday;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::dates::display_date;
use lophoc::subjects::{SUBJECTS, subject_label_key};
use lophoc::timetable::{CellText, TimetableEditor};
use server_fn::ServerFn;

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// `/classes/:class/timetable`.
#[component]
pub fn TimetablePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let class = params.with_untracked(|p| {
        p.get("class")
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    });
    let date = query.with_untracked(|q| q.get("date").filter(|d| !d.trim().is_empty()));
    let data = OnceResource::new(timetable_page(class, date));
    view! {
        <PageTitle text=tr("timetable.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(e) => view! { <Editor e /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(e: TimetableEditor) -> impl IntoView {
    let query = use_query_map();
    let (error, saved, draft) = query.with_untracked(|q| {
        (
            from_query(q, SaveTimetable::PATH),
            q.get(back::TIMETABLE_SAVED).is_some(),
            back::TIMETABLE.read(q),
        )
    });
    let (typed, from_typed) = match draft {
        Some(d) => (Some(CellText::decode_all(&d.cells)), d.from),
        None => (None, String::new()),
    };
    // What the grid shows: the cells as typed after an error, else the timetable in force.
    let cells: Vec<CellText> = typed.unwrap_or_else(|| {
        let name = |id| {
            e.staff
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.username.clone())
        };
        e.timetable
            .items
            .iter()
            .map(|i| CellText {
                weekday: i.weekday,
                period: i.period,
                subject: tr(&subject_label_key(&i.subject)).to_owned(),
                teacher: name(i.teacher_id)
                    .or_else(|| i.teacher_name.clone())
                    .unwrap_or_default(),
            })
            .collect()
    });
    let days = if cells.iter().any(|c| c.weekday == 7) {
        7
    } else {
        6
    };
    let c = &e.class;
    let href = format!("/classes/{}", c.id);
    let versions = e
        .timetable
        .versions
        .iter()
        .map(|v| {
            let current = Some(*v) == e.timetable.from;
            view! {
                <a href=format!("{href}/timetable?date={v}") class="chip" aria-current=current.then_some("page")>
                    {trf("timetable.version_from", &[("date", display_date(*v))])}
                </a>
            }
        })
        .collect_view();
    let state = match e.timetable.from {
        Some(f) => trf(
            "timetable.in_force",
            &[
                ("date", display_date(e.timetable.on)),
                ("from", display_date(f)),
            ],
        ),
        None => tr("timetable.none").to_owned(),
    };
    let manage = e.manage;
    let grid = view! {
        <Grid e=e.clone() cells days error=error.clone() />
    };
    let body = if manage {
        let subjects = SUBJECTS
            .iter()
            .map(|s| view! { <option value=tr(&subject_label_key(s))></option> })
            .collect_view();
        let staff = e
            .staff
            .iter()
            .map(|m| view! { <option value=m.username.clone()>{m.full_name.clone()}</option> })
            .collect_view();
        view! {
            <form class="stack" method="post" action=SaveTimetable::PATH enctype="multipart/form-data">
                <input type="hidden" name="class" value=c.id.to_string() />
                <datalist id="subject-list">{subjects}</datalist>
                <datalist id="staff-list">{staff}</datalist>
                <p class="small">{tr("timetable.grid_hint")}</p>
                {grid}
                <div class="field field-narrow">
                    <label for="timetable-from">{tr("timetable.from")}</label>
                    <input
                        id="timetable-from"
                        name="from"
                        type="text"
                        inputmode="numeric"
                        placeholder=DATE_PLACEHOLDER
                        pattern=DATE_PATTERN
                        autocomplete="off"
                        value=from_typed
                        aria-describedby="timetable-from-hint"
                    />
                    <p class="hint" id="timetable-from-hint">{tr("timetable.from_hint")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">
                        <Icon name="check" />
                        <span>{tr("timetable.save")}</span>
                    </button>
                </div>
            </form>
        }
        .into_any()
    } else {
        grid.into_any()
    };
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{trf("timetable.heading", &[("class", c.name.clone())])}</h1>
                <p>{state}</p>
            </div>
            <div class="page-header-actions cluster">
                <a class="btn btn-secondary" href=href.clone()>
                    <Icon name="chevron-left" />
                    <span>{trf("class.heading", &[("name", c.name.clone())])}</span>
                </a>
            </div>
        </div>
        <div class="stack">
            <SuccessNote message=Signal::derive(move || saved.then(|| tr("timetable.saved").to_owned())) />
            {error.clone().map(|e| view! { <ErrorAlert error=e /> })}
            {(!e.timetable.versions.is_empty())
                .then(|| view! { <nav class="chips" aria-label=tr("timetable.versions")>{versions}</nav> })}
            {body}
        </div>
    }
}

/// The grid: one row per period of the school, one column per day; inputs for the school's
/// administrators, text for everyone else.
#[component]
fn Grid(
    e: TimetableEditor,
    cells: Vec<CellText>,
    days: usize,
    error: Option<UiError>,
) -> impl IntoView {
    let head = DAYS
        .iter()
        .take(days)
        .map(|d| view! { <th scope="col">{tr(weekday_key(*d, false))}</th> })
        .collect_view();
    let rows = e
        .periods
        .iter()
        .map(|p| {
            let p = *p;
            let tds = (1..=days as i64)
                .map(|w| {
                    let cell = cells.iter().find(|c| c.weekday == w && c.period == p);
                    let (subject, teacher) = cell
                        .map(|c| (c.subject.clone(), c.teacher.clone()))
                        .unwrap_or_default();
                    let day = tr(weekday_key(DAYS[(w - 1) as usize], false));
                    if !e.manage {
                        return view! {
                            <td>
                                <span class="week-subject block">{subject}</span>
                                <span class="muted small">{teacher}</span>
                            </td>
                        }
                        .into_any();
                    }
                    let (sf, tf) = (CellText::subject_field(w, p), CellText::teacher_field(w, p));
                    let s_err = error.as_ref().and_then(|e| e.field(&sf));
                    let t_err = error.as_ref().and_then(|e| e.field(&tf));
                    let s_label = trf("timetable.cell_subject", &[("day", day.to_owned()), ("period", p.to_string())]);
                    let t_label = trf("timetable.cell_teacher", &[("day", day.to_owned()), ("period", p.to_string())]);
                    let err_id = format!("{sf}-error");
                    let described = (s_err.is_some() || t_err.is_some()).then(|| err_id.clone());
                    let msg = s_err.clone().or(t_err.clone());
                    let invalid = msg.is_some();
                    view! {
                        <td class:invalid=invalid>
                            <input
                                class="cell-input"
                                name=sf
                                list="subject-list"
                                value=subject
                                aria-label=s_label
                                aria-invalid=s_err.is_some().to_string()
                                aria-describedby=described.clone()
                                autocomplete="off"
                            />
                            <input
                                class="cell-input cell-teacher"
                                name=tf
                                list="staff-list"
                                value=teacher
                                aria-label=t_label
                                aria-invalid=t_err.is_some().to_string()
                                aria-describedby=described
                                autocomplete="off"
                                autocapitalize="none"
                                spellcheck="false"
                            />
                            {msg.map(|m| view! { <p class="field-error" id=err_id>{m}</p> })}
                        </td>
                    }
                    .into_any()
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" class="num">{trf("day.period", &[("period", p.to_string())])}</th>
                    {tds}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table week-grid timetable-grid">
                <caption class="sr-only">{tr("timetable.caption")}</caption>
                <thead>
                    <tr>
                        <th scope="col"><span class="sr-only">{tr("missing.period")}</span></th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
