//! `/classes/:class`: a class's week (the homeroom teacher's view: every lesson with its
//! roll-call state, a link to each, and its materials), its roster today and, for the school's
//! administrators, adding a student, importing the roster and moving a student to another class
//! (the history is kept), and the substitutes (dạy thay) of its lessons. Plain form posts; the
//! answer comes back in the query.

use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER, Field};
use crate::components::format::weekday_key;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::material_info::LessonMaterialLinks;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::error::{field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::classes::{AddStudent, ImportRoster, MoveStudent, back, class_page};
use chrono::{Datelike, Duration};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::classes::{ClassView, Student};
use lophoc::dates::display_date;
use lophoc::lessons::Lesson;
use lophoc::subjects::subject_label_key;
use server_fn::ServerFn;

mod substitutes;

/// `/classes/:class`.
#[component]
pub fn ClassPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let class = params.with_untracked(|p| {
        p.get("class")
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    });
    let date = query.with_untracked(|q| q.get("date").filter(|d| !d.trim().is_empty()));
    let data = OnceResource::new(class_page(class, date));
    view! {
        <PageTitle text=tr("class.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Class v /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Class(v: ClassView) -> impl IntoView {
    let c = &v.class;
    let sub = trf(
        "class.sub",
        &[
            ("grade", c.grade.to_string()),
            ("year", v.year.name.clone()),
            ("students", c.students.to_string()),
        ],
    );
    let homeroom = c
        .homeroom_teacher_name
        .clone()
        .map(|n| trf("class.homeroom", &[("name", n)]));
    let href = format!("/classes/{}", c.id);
    let week_link = |d: chrono::NaiveDate| format!("{href}?date={d}");
    let prev = week_link(v.monday - Duration::days(7));
    let next = week_link(v.monday + Duration::days(7));
    let this_week = href.clone();
    let week_title = trf(
        "class.week",
        &[
            ("from", display_date(v.monday)),
            ("to", display_date(v.monday + Duration::days(6))),
        ],
    );
    let manage = v.manage.then(|| {
        view! {
            <div class="grid-2">
                <AddStudentCard class=c.id.0 />
                <section class="card" aria-labelledby="roster-import-title">
                    <div class="card-header">
                        <h2 id="roster-import-title">{tr("class.import_roster")}</h2>
                    </div>
                    <div class="card-body stack">
                        <CsvImportForm
                            fn_path=ImportRoster::PATH
                            id="import-roster"
                            label=tr("accounts.import_file")
                            hint=tr("accounts.import_file_hint")
                            submit=tr("accounts.import_submit")
                            busy=tr("accounts.importing")
                            hidden=vec![("class", c.id.to_string())]
                        />
                        <p class="small">{tr("class.import_roster_format")}</p>
                        <pre class="small">"STT,Mã học sinh,Họ và tên,Giới tính,Ngày sinh\n1,0101234567,Nguyễn Văn An,Nam,05/09/2014\n2,0101234568,Trần Thị Bình,Nữ,20/11/2014"</pre>
                    </div>
                </section>
            </div>
            <MoveCard v=v.clone() />
        }
    });
    view! {
        <div class="page-header">
            <div class="page-header-text">
                <h1>{trf("class.heading", &[("name", c.name.clone())])}</h1>
                <p>{sub}</p>
                {homeroom.map(|h| view! { <p class="muted">{h}</p> })}
            </div>
            <div class="page-header-actions cluster">
                <a class="btn btn-secondary" href=format!("{href}/timetable")>
                    <Icon name="calendar" />
                    <span>{tr("class.timetable")}</span>
                </a>
                <a class="btn btn-secondary" href=format!("{href}/log?week={}", v.monday)>
                    <Icon name="book" />
                    <span>{tr("log.title")}</span>
                </a>
                <a class="btn btn-secondary" href=format!("{href}/attendance")>
                    <Icon name="chart" />
                    <span>{tr("class.summary")}</span>
                </a>
                <a class="btn btn-secondary" href="/classes">
                    <Icon name="users" />
                    <span>{tr("nav.classes")}</span>
                </a>
            </div>
        </div>
        <div class="stack stack-lg">
        <section class="stack" aria-labelledby="week-title">
            <h2 id="week-title">{week_title}</h2>
            <nav class="cluster" aria-label=tr("class.week_nav")>
                <a class="btn btn-secondary btn-sm" href=prev rel="prev">
                    <span aria-hidden="true">"‹ "</span>
                    {tr("class.prev_week")}
                </a>
                <a class="btn btn-secondary btn-sm" href=this_week>{tr("class.this_week")}</a>
                <a class="btn btn-secondary btn-sm" href=next rel="next">
                    {tr("class.next_week")}
                    <span aria-hidden="true">" ›"</span>
                </a>
            </nav>
            <Week v=v.clone() />
        </section>
        <substitutes::Substitutes class=c.id />
        <Roster students=v.students.clone() />
        {manage}
        </div>
    }
}

/// The week as a grid: periods down, days across (a day with no lesson is left out).
#[component]
fn Week(v: ClassView) -> impl IntoView {
    if v.lessons.is_empty() {
        return view! {
            <div class="empty">
                <Icon name="calendar" />
                <p class="empty-title">{tr("class.no_lessons")}</p>
            </div>
        }
        .into_any();
    }
    let mut days: Vec<chrono::NaiveDate> = v.lessons.iter().map(|l| l.date).collect();
    days.dedup();
    let mut periods: Vec<i64> = v.lessons.iter().map(|l| l.period).collect();
    periods.sort_unstable();
    periods.dedup();
    let head = days
        .iter()
        .map(|d| {
            view! {
                <th scope="col" aria-current=(*d == v.today).then_some("date")>
                    {tr(weekday_key(d.weekday(), false))}
                    <span class="muted small block">{display_date(*d)}</span>
                </th>
            }
        })
        .collect_view();
    let rows = periods
        .iter()
        .map(|p| {
            let cells = days
                .iter()
                .map(|d| {
                    let l = v.lessons.iter().find(|l| l.date == *d && l.period == *p);
                    view! { <td>{l.map(|l| view! { <Cell l=l.clone() today=v.today /> })}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" class="num">{trf("day.period", &[("period", p.to_string())])}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table week-grid">
                <caption class="sr-only">{tr("class.week_caption")}</caption>
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
    .into_any()
}

#[component]
fn Cell(l: Lesson, today: chrono::NaiveDate) -> impl IntoView {
    let href = l.roll_call_href();
    let state = match (l.roll_call, l.date <= today) {
        (Some(c), _) => view! {
            <span class="badge badge-success">
                {trf("class.cell_taken", &[("absent", c.absent().to_string()), ("late", c.late.to_string())])}
            </span>
        }
        .into_any(),
        (None, true) => view! { <span class="badge badge-warning">{tr("roll.not_taken")}</span> }.into_any(),
        (None, false) => ().into_any(),
    };
    let cell = view! {
        <a class="week-cell" href=href>
            <span class="week-subject">{tr(&subject_label_key(&l.subject))}</span>
            <span class="muted small">{l.teacher_name.clone()}</span>
            {state}
        </a>
    };
    if l.materials.is_empty() {
        return cell.into_any();
    }
    // Links cannot nest: the materials follow the lesson's link.
    view! {
        {cell}
        <LessonMaterialLinks materials=l.materials.clone() />
    }
    .into_any()
}

#[component]
fn Roster(students: Vec<Student>) -> impl IntoView {
    let count = trf(
        "class.roster_count",
        &[("count", students.len().to_string())],
    );
    let body = if students.is_empty() {
        view! {
            <div class="empty">
                <Icon name="users" />
                <p class="empty-title">{tr("class.no_students")}</p>
            </div>
        }
        .into_any()
    } else {
        let rows = students
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                view! {
                    <tr>
                        <td class="num">{i + 1}</td>
                        <th scope="row">{s.full_name}</th>
                        <td>{s.code}</td>
                        <td>{s.gender.map(|g| tr(g.label_key())).unwrap_or("—")}</td>
                        <td>{s.birth_date.map(display_date).unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            // Focusable: on a phone the table scrolls sideways, and a keyboard must reach it.
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="roster-title">
                <table class="table roster-table">
                    <caption class="sr-only">{count.clone()}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">"#"</th>
                            <th scope="col">{tr("class.full_name")}</th>
                            <th scope="col">{tr("class.code")}</th>
                            <th scope="col">{tr("class.gender")}</th>
                            <th scope="col">{tr("class.birth_date")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="stack" aria-labelledby="roster-title">
            <h2 id="roster-title">{tr("class.roster")}</h2>
            <p class="muted">{count}</p>
            {body}
        </section>
    }
}

#[component]
fn AddStudentCard(class: i64) -> impl IntoView {
    let query = use_query_map();
    let (error, added, typed) = query.with_untracked(|q| {
        (
            from_query(q, AddStudent::PATH),
            q.get(back::STUDENT_ADDED).filter(|n| !n.is_empty()),
            back::STUDENT.read(q),
        )
    });
    let (code, full_name, gender, birth) = typed
        .map(|t| {
            (
                t.code,
                t.full_name,
                t.gender.unwrap_or_default(),
                t.birth_date.unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let field = |f: &str| field_error(&error, f);
    let gender_error = field("gender");
    view! {
        <section class="card" aria-labelledby="student-add-title">
            <div class="card-header">
                <h2 id="student-add-title">{tr("class.add_student")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || {
                    added.clone().map(|n| trf("class.student_added", &[("name", n)]))
                }) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form" method="post" action=AddStudent::PATH novalidate=true>
                    <input type="hidden" name="class" value=class.to_string() />
                    <Field id="student-code" name="code" label=tr("class.code") hint=tr("class.code_hint") value=code error=field("code") />
                    <Field id="student-name" name="full_name" label=tr("class.full_name") value=full_name error=field("full_name") />
                    <fieldset class="field" class:invalid=move || gender_error.get().is_some()>
                        <legend>{tr("class.gender")}</legend>
                        <div class="cluster">
                            <label class="check">
                                <input type="radio" name="gender" value="Nam" checked=gender == "Nam" />
                                {tr("gender.nam")}
                            </label>
                            <label class="check">
                                <input type="radio" name="gender" value="Nữ" checked=gender == "Nữ" />
                                {tr("gender.nu")}
                            </label>
                        </div>
                        {move || gender_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                    </fieldset>
                    <Field id="student-birth" name="birth_date" kind="date" label=tr("class.birth_date") value=birth error=field("birth_date") required=false />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="plus" />
                            <span>{tr("class.add_student_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

/// Moves one student of the roster to another class of the year from a date.
#[component]
fn MoveCard(v: ClassView) -> impl IntoView {
    let query = use_query_map();
    let (error, moved) = query.with_untracked(|q| {
        (
            from_query(q, MoveStudent::PATH),
            q.get(back::MOVED).filter(|n| !n.is_empty()),
        )
    });
    if v.students.is_empty() || v.other_classes.is_empty() {
        return ().into_any();
    }
    let students = v
        .students
        .iter()
        .map(|s| view! { <option value=s.id.to_string()>{format!("{} ({})", s.full_name, s.code)}</option> })
        .collect_view();
    let classes = v
        .other_classes
        .iter()
        .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="move-title">
            <div class="card-header">
                <h2 id="move-title">{tr("class.move")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || {
                    moved.clone().map(|n| trf("class.moved", &[("name", n)]))
                }) />
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                <p class="small">{tr("class.move_intro")}</p>
                <form class="form filters" method="post" action=MoveStudent::PATH>
                    <div class="field grow">
                        <label for="move-student">{tr("class.move_who")}</label>
                        <select id="move-student" name="student">{students}</select>
                    </div>
                    <div class="field">
                        <label for="move-to">{tr("class.move_to")}</label>
                        <select id="move-to" name="to">{classes}</select>
                    </div>
                    <div class="field field-narrow">
                        <label for="move-from">{tr("class.move_from")}</label>
                        <input
                            id="move-from"
                            name="from"
                            type="text"
                            inputmode="numeric"
                            placeholder=DATE_PLACEHOLDER
                            pattern=DATE_PATTERN
                            autocomplete="off"
                            aria-describedby="move-from-hint"
                        />
                        <p class="hint" id="move-from-hint">{tr("class.move_from_hint")}</p>
                    </div>
                    <button type="submit" class="btn btn-secondary">
                        <Icon name="chevron-right" />
                        <span>{tr("class.move_submit")}</span>
                    </button>
                </form>
            </div>
        </section>
    }
    .into_any()
}
