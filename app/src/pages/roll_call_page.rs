//! `/classes/:class/lessons/:date/:period`: a lesson's roll call, built for a phone. Everyone
//! starts present; a tap on a student's pill marks late, excused or unexcused; one submit. A
//! plain multipart form (no JavaScript needed): the answer comes back as `?saved=1` or the
//! error with the marks kept. Read-only for whoever may not write; the lesson's class log entry
//! (sổ đầu bài, signed after the roll call), its materials (attached, taken off) and the
//! history of changes below.

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::material_info::LessonMaterialLinks;
use crate::components::name_filter::NameFilter;
use crate::components::notice::SuccessNote;
use crate::components::outbox::{OutboxTexts, RollCallOutbox};
use crate::components::page_title::PageTitle;
use crate::error::UiError;
use crate::error::from_query;
use crate::i18n::{tr, trf};
use crate::serverfns::classes::back;
use crate::serverfns::materials::{
    AttachMaterial, DetachMaterial, back as mback, lesson_key, material_library,
};
use crate::serverfns::roll_calls::{TakeRollCall, lesson_roll_call};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::dates::{display_date, display_timestamp};
use lophoc::ids::MaterialId;
use lophoc::lessons::Lesson;
use lophoc::lessons::{ReadOnly, RollCallView};
use lophoc::roll_calls::{RosterLine, Status};
use lophoc::subjects::subject_label_key;
use server_fn::ServerFn;
use server_fn::error::ServerFnUrlError;

mod class_log;

/// `/classes/:class/lessons/:date/:period`.
#[component]
pub fn RollCallPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let (class, date, period) = params.with_untracked(|p| {
        (
            p.get("class")
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
            p.get("date").unwrap_or_default(),
            p.get("period")
                .and_then(|s| s.parse().ok())
                .unwrap_or_default(),
        )
    });
    let data = OnceResource::new(lesson_roll_call(class, date.clone(), period));
    // A plain form post that failed comes back with its error and the marks it sent.
    let (error, marks) = query.with_untracked(|q| {
        let error = (q.get("__path").as_deref() == Some(TakeRollCall::PATH))
            .then(|| q.get("__err"))
            .flatten()
            .map(|e| ServerFnUrlError::<UiError>::decode_err(&e));
        (error, q.get(back::MARKS).unwrap_or_default())
    });
    let saved = move || {
        query
            .read()
            .get(back::SAVED)
            .filter(|v| v == "1")
            .map(|_| tr("roll.saved").to_owned())
    };
    view! {
        <PageTitle text=tr("roll.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let (error, marks, date) = (error.clone(), marks.clone(), date.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(mut v) => {
                            // Marks sent back by a failed post are not what was saved.
                            let saved_marks = marks.is_empty();
                            apply_marks(&mut v, &marks);
                            view! {
                                <SuccessNote message=Signal::derive(saved) />
                                {error.map(|e| view! { <ErrorAlert error=e /> })}
                                <RollCall v saved_marks />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <DeadEnd error=e class date=date.clone() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A roll call that cannot open (a day to come, no such lesson that day): the reason the
/// service gave, and the way back to that day's lessons of the class.
#[component]
fn DeadEnd(
    /// What the service answered.
    error: UiError,
    /// The lesson's class.
    class: lophoc::ids::ClassId,
    /// The lesson's day, as in the address.
    date: String,
) -> impl IntoView {
    let reason = error
        .field("date")
        .or_else(|| error.field("period"))
        .filter(|_| error.code == lophoc::ErrorCode::Validation);
    let Some(reason) = reason else {
        return view! { <ErrorAlert error=error /> }.into_any();
    };
    view! {
        <div class="alert alert-info" role="status">
            <Icon name="info" />
            <div class="alert-body">
                <p class="alert-title">{reason}</p>
                <p class="cluster">
                    <a class="btn btn-secondary btn-sm" href=format!("/classes/{class}?date={date}")>
                        <Icon name="calendar" />
                        <span>{tr("roll.dead_end_back")}</span>
                    </a>
                    <a class="btn btn-ghost btn-sm" href="/">
                        <Icon name="home" />
                        <span>{tr("roll.back_to_day")}</span>
                    </a>
                </p>
            </div>
        </div>
    }
    .into_any()
}

fn tr_period(p: i64) -> String {
    trf("day.period", &[("period", p.to_string())])
}

/// Puts back the marks a failed post sent (`student.status`, comma separated), so nothing the
/// teacher marked is lost.
fn apply_marks(v: &mut RollCallView, marks: &str) {
    for pair in marks.split(',').filter(|p| !p.is_empty()) {
        let Some((id, st)) = pair.split_once('.') else {
            continue;
        };
        let (Ok(id), Some(st)) = (id.parse::<i64>(), Status::parse(st)) else {
            continue;
        };
        if let Some(line) = v.students.iter_mut().find(|s| s.student_id.0 == id) {
            line.status = st;
        }
    }
}

#[component]
fn RollCall(
    /// What the page shows.
    v: RollCallView,
    /// Whether the marks shown are the saved ones (not a failed post's, sent back).
    saved_marks: bool,
) -> impl IntoView {
    let l = &v.lesson;
    let when = match (&l.starts, &l.ends) {
        (Some(s), Some(e)) => format!("{s}–{e}"),
        _ => String::new(),
    };
    let title = trf(
        "roll.heading",
        &[
            ("class", l.class_name.clone()),
            ("period", l.period.to_string()),
        ],
    );
    let sub = format!(
        "{} · {} · {}",
        tr(&subject_label_key(&l.subject)),
        display_date(l.date),
        when
    );
    let substitute = v
        .substitute
        .clone()
        .map(|n| view! { <p class="muted">{trf("roll.substitute", &[("name", n)])}</p> });
    // Back to where the teacher came from: today's lessons, or the class's week of that day.
    let back = if l.date == v.today {
        view! {
            <a class="btn btn-ghost btn-sm" href="/">
                <Icon name="home" />
                <span>{tr("roll.back_to_day")}</span>
            </a>
        }
        .into_any()
    } else {
        view! {
            <a class="btn btn-ghost btn-sm" href=format!("/classes/{}?date={}", l.class_id, l.date)>
                <Icon name="calendar" />
                <span>{trf("roll.back_to_week", &[("class", l.class_name.clone())])}</span>
            </a>
        }
        .into_any()
    };
    let counts = v.roll_call.as_ref().map(|r| r.counts);
    let state = match (&v.roll_call, counts) {
        (Some(r), Some(c)) => view! {
            <p class="cluster">
                <span class="badge badge-success">{tr("roll.taken")}</span>
                <span class="muted small">
                    {trf(
                        "roll.counts",
                        &[
                            ("present", c.present.to_string()),
                            ("late", c.late.to_string()),
                            ("absent", c.absent().to_string()),
                        ],
                    )}
                    " · "
                    {display_timestamp(&r.updated_at)}
                </span>
                {(!r.on_time).then(|| view! { <span class="badge badge-warning">{tr("roll.late_taken")}</span> })}
                // Queued offline: when it was saved on the phone, and when it arrived.
                {(r.taken_at != r.received_at && !r.received_at.is_empty())
                    .then(|| {
                        view! {
                            <span class="muted small">
                                {trf(
                                    "roll.received_later",
                                    &[
                                        ("taken", display_timestamp(&r.taken_at)),
                                        ("received", display_timestamp(&r.received_at)),
                                    ],
                                )}
                            </span>
                        }
                    })}
            </p>
        }
        .into_any(),
        _ => view! { <p><span class="badge badge-warning">{tr("roll.not_taken")}</span></p> }.into_any(),
    };
    let devices = (!l.devices.is_empty()).then(|| {
        view! {
            <p class="muted small">
                <Icon name="device" class="icon-sm" />
                " "
                {trf("roll.devices", &[("devices", l.devices.join(", "))])}
            </p>
        }
    });
    let book_href = lophoc::bookings::lesson_booking_href(l.class_id, l.date, l.period);
    let book = v.may_write.then(|| view! {
        <p class="small"><a href=book_href><Icon name="device" class="icon-sm" />" "{tr("book.for_lesson")}</a></p>
    });
    // The materials up front too: the teacher opens them in class.
    let materials = (!l.materials.is_empty())
        .then(|| view! { <LessonMaterialLinks materials=l.materials.clone() /> });
    let log = view! {
        <class_log::LessonLogSection
            class=l.class_id
            date=l.date.to_string()
            period=l.period
            roll_taken=v.roll_call.is_some()
        />
    };
    let total = v.students.len();
    let body = if v.students.is_empty() {
        view! {
            <div class="empty">
                <Icon name="users" />
                <p class="empty-title">{tr("roll.no_students")}</p>
            </div>
        }
        .into_any()
    } else if v.may_write {
        let rows = v
            .students
            .iter()
            .enumerate()
            .map(|(i, s)| view! { <Row s=s.clone() n={i + 1} /> })
            .collect_view();
        let hint = if v.roll_call.is_some() {
            trf("roll.hint_taken", &[("count", total.to_string())])
        } else {
            trf("roll.hint", &[("count", total.to_string())])
        };
        let summary = (v.roll_call.is_some() && saved_marks)
            .then(|| view! { <Summary students=v.students.clone() /> });
        view! {
            <form
                id="roll-form"
                class="roll"
                method="post"
                action=TakeRollCall::PATH
                enctype="multipart/form-data"
                data-api=format!(
                    "/api/v1/classes/{}/lessons/{}/{}/roll-call",
                    l.class_id,
                    l.date,
                    l.period,
                )
                data-label=format!("{} · {} · {}", l.class_name, tr_period(l.period), display_date(l.date))
                data-done=format!("{}?saved=1", l.roll_call_href())
                novalidate
            >
                <input type="hidden" name="class" value=l.class_id.to_string() />
                <input type="hidden" name="date" value=l.date.to_string() />
                <input type="hidden" name="period" value=l.period.to_string() />
                <p class="muted small">{hint}</p>
                <NameFilter list="roll-list".to_owned() />
                <ol class="roll-list" id="roll-list">{rows}</ol>
                <div class="roll-submit">
                    {summary}
                    // Next to Save, where a teacher on a phone sees that it waits for signal.
                    <RollCallOutbox form="roll-form".to_owned() texts=OutboxTexts::here() />
                    <button type="submit" class="btn btn-primary btn-block">
                        <Icon name="check" />
                        <span>{if v.roll_call.is_some() { tr("roll.save_changes") } else { tr("roll.submit") }}</span>
                    </button>
                </div>
            </form>
        }
        .into_any()
    } else {
        // Untaken: nothing is recorded, so no status is shown (not "present" for everyone).
        let taken = v.roll_call.is_some();
        let rows = v
            .students
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let status = taken.then(|| {
                    view! {
                        <td data-label=tr("roll.status")>{tr(s.status.label_key())}</td>
                        <td data-label=tr("roll.note")>{s.note.clone().unwrap_or_default()}</td>
                    }
                });
                view! {
                    <tr data-name=s.full_name.clone()>
                        <td data-label=tr("roll.stt") class="num">{i + 1}</td>
                        <td data-label=tr("roll.student")>{s.full_name.clone()}</td>
                        {status}
                    </tr>
                }
            })
            .collect_view();
        let why = match v.read_only {
            Some(ReadOnly::Closed) => tr("roll.read_only_closed"),
            _ => tr("roll.read_only_not_taker"),
        };
        let takers = if v.takers.is_empty() {
            tr("roll.takers_admins").to_owned()
        } else {
            trf("roll.takers", &[("names", v.takers.join(", "))])
        };
        view! {
            <div class="alert alert-info">
                <Icon name="info" />
                <div class="alert-body">
                    {(!taken).then(|| view! { <p class="alert-title">{tr("roll.nothing_taken")}</p> })}
                    <p>{why}</p>
                    {(!taken).then(|| view! { <p>{takers.clone()}</p> })}
                </div>
            </div>
            // Taken: who was not present, by name, as after saving (a roll call saved for an
            // earlier day comes back read-only).
            {taken.then(|| view! { <Summary students=v.students.clone() /> })}
            <NameFilter list="roll-table".to_owned() />
            <div class="table-wrap">
                <table class="table stack">
                    <caption class="sr-only">{tr("roll.title")}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{tr("roll.stt")}</th>
                            <th scope="col">{tr("roll.student")}</th>
                            {taken.then(|| view! {
                                <th scope="col">{tr("roll.status")}</th>
                                <th scope="col">{tr("roll.note")}</th>
                            })}
                        </tr>
                    </thead>
                    <tbody id="roll-table">{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let history = (!v.history.is_empty()).then(|| {
        let items = v
            .history
            .iter()
            .map(|h| {
                let what = h
                    .changes
                    .iter()
                    .map(|(name, old, new)| {
                        format!("{name}: {} → {}", tr(old.label_key()), tr(new.label_key()))
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                view! {
                    <li>
                        <strong>{display_timestamp(&h.at)}</strong>
                        " · "
                        {h.by.clone()}
                        <br />
                        <span class="small">{what}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card">
                <div class="card-header">
                    <h2>{tr("roll.history")}</h2>
                </div>
                <div class="card-body">
                    <ul class="history">{items}</ul>
                </div>
            </section>
        }
    });
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{title}</h1>
                <p>{sub}</p>
                {substitute}
            </div>
            <div class="page-header-actions">{back}</div>
        </div>
        <div class="stack">
            {state}
            // The log is below the roll call: one tap away for the teacher who just took it.
            <p class="small">
                <a href="#class-log">
                    <Icon name="book" class="icon-sm" />
                    " "
                    {tr("log.jump")}
                </a>
            </p>
            {devices}
            {book}
            {materials}
            {body}
            {log}
            <LessonMaterials lesson=v.lesson.clone() may_edit=v.may_write />
            {history}
        </div>
    }
}

/// The lesson's materials, each a link to its page. Whoever may write the roll call (its
/// teachers and the school's administrators, the same people the service lets attach) also
/// takes one off and attaches one of their own newest materials.
#[component]
fn LessonMaterials(lesson: Lesson, may_edit: bool) -> impl IntoView {
    let query = use_query_map();
    let (error, note) = query.with_untracked(|q| {
        let error =
            from_query(q, AttachMaterial::PATH).or_else(|| from_query(q, DetachMaterial::PATH));
        let note = if q.get(mback::DETACHED).is_some() {
            Some(tr("materials.detached").to_owned())
        } else {
            q.get(mback::ATTACHED).map(|v| {
                tr(if v == "0" {
                    "materials.already_attached"
                } else {
                    "materials.attached"
                })
                .to_owned()
            })
        };
        (error, note)
    });
    let key = lesson_key(lesson.class_id, lesson.date, lesson.period);
    let attached: Vec<MaterialId> = lesson.materials.iter().map(|m| m.id).collect();
    let list = if lesson.materials.is_empty() {
        view! { <p class="muted">{tr("materials.lesson_none")}</p> }.into_any()
    } else {
        let items = lesson
            .materials
            .iter()
            .map(|m| {
                let detach = may_edit.then(|| {
                    view! {
                        <form class="row-form" method="post" action=DetachMaterial::PATH>
                            <input type="hidden" name="material" value=m.id.to_string() />
                            <input type="hidden" name="lesson" value=key.clone() />
                            <button
                                type="submit"
                                class="btn btn-ghost btn-sm"
                                aria-label=trf("materials.detach_named", &[("title", m.title.clone())])
                            >
                                <Icon name="close" />
                                <span>{tr("materials.detach")}</span>
                            </button>
                        </form>
                    }
                });
                view! {
                    <li class="lesson-material">
                        <a href=format!("/materials/{}", m.id)>
                            <Icon name="book" class="icon-sm" />
                            " "
                            {m.title.clone()}
                        </a>
                        {detach}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="lesson-material-list">{items}</ul> }.into_any()
    };
    let attach = may_edit.then(|| {
        // The caller's own newest materials (the library finds the rest).
        let mine = OnceResource::new(material_library(None, None, None, None, true, Some(1)));
        let key = key.clone();
        view! {
            <Suspense>
                {move || {
                    let (key, attached) = (key.clone(), attached.clone());
                    Suspend::new(async move {
                        let options: Vec<_> = mine
                            .await
                            .map(|p| p.items)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|m| !attached.contains(&m.id))
                            .collect();
                        if options.is_empty() {
                            return view! {
                                <p class="small">
                                    {tr("materials.lesson_no_own")} " "
                                    <a href="/materials#upload-title">{tr("materials.upload")}</a>
                                </p>
                            }
                                .into_any();
                        }
                        let options = options
                            .into_iter()
                            .map(|m| view! { <option value=m.id.to_string()>{m.title}</option> })
                            .collect_view();
                        view! {
                            <form class="form wide filters" method="post" action=AttachMaterial::PATH>
                                <input type="hidden" name="lesson" value=key />
                                <div class="field grow">
                                    <label for="lesson-attach">{tr("materials.lesson_attach")}</label>
                                    <select id="lesson-attach" name="material">{options}</select>
                                </div>
                                <button type="submit" class="btn btn-secondary">
                                    <Icon name="plus" />
                                    <span>{tr("materials.attach_submit")}</span>
                                </button>
                            </form>
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        }
    });
    view! {
        <section class="card" aria-labelledby="lesson-materials-title">
            <div class="card-header">
                <h2 id="lesson-materials-title">{tr("materials.of_lesson")}</h2>
            </div>
            <div class="card-body stack">
                <SuccessNote message=Signal::derive(move || note.clone()) />
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                {list}
                {attach}
            </div>
        </section>
    }
}

/// One student: name, the four states as radio pills (present checked unless marked), a
/// remark in a disclosure.
#[component]
fn Row(
    /// The student's line.
    s: RosterLine,
    /// Their number in the list (STT), from 1.
    n: usize,
) -> impl IntoView {
    let id = s.student_id.0;
    let name = format!("s{id}");
    let pills = Status::ALL
        .into_iter()
        .map(|st| {
            let name = name.clone();
            view! {
                <label class=format!("roll-{}", st.as_str())>
                    <input type="radio" name=name value=st.as_str() checked=s.status == st />
                    <span>{tr(st.short_key())}</span>
                </label>
            }
        })
        .collect_view();
    let note_id = format!("n{id}");
    view! {
        <li class="roll-row" class:roll-marked=s.status != Status::Present data-name=s.full_name.clone()>
            <div class="roll-name">
                <span class="roll-stt" title=tr("roll.stt")>{n}</span>
                <span>{s.full_name.clone()}</span>
                <span class="muted small">{s.code.clone()}</span>
            </div>
            <div class="segmented" role="radiogroup" aria-label=s.full_name.clone()>
                {pills}
            </div>
            <details class="roll-note" open=s.note.is_some()>
                <summary class="small">{tr("roll.note")}</summary>
                <label class="sr-only" for=note_id.clone()>{tr("roll.note")}</label>
                <input
                    id=note_id.clone()
                    name=note_id
                    type="text"
                    maxlength="200"
                    value=s.note.clone().unwrap_or_default()
                />
            </details>
        </li>
    }
}

/// What the saved roll call says, next to the Save button: the students late, excused and
/// unexcused, by name (or that everyone was present).
#[component]
fn Summary(
    /// The class's lines as saved.
    students: Vec<RosterLine>,
) -> impl IntoView {
    let lines: Vec<String> = [Status::Late, Status::Excused, Status::Unexcused]
        .into_iter()
        .filter_map(|st| {
            let names: Vec<&str> = students
                .iter()
                .filter(|s| s.status == st)
                .map(|s| s.full_name.as_str())
                .collect();
            (!names.is_empty()).then(|| {
                trf(
                    "roll.summary_line",
                    &[
                        ("status", tr(st.label_key()).to_owned()),
                        ("count", names.len().to_string()),
                        ("names", names.join(", ")),
                    ],
                )
            })
        })
        .collect();
    let body = if lines.is_empty() {
        view! { <span>{tr("roll.summary_all_present")}</span> }.into_any()
    } else {
        view! { <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> }
            .into_any()
    };
    view! {
        <div class="roll-summary small" aria-live="polite">
            <strong>{tr("roll.summary_title")}</strong>
            " "
            {body}
        </div>
    }
}
