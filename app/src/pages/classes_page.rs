//! `/classes`: the school's classes of a school year (everyone of the school). School
//! administrators also add a class, import classes and import the school's timetable (a new
//! version from a date). Every form is a plain form post; the answer comes back in the query.

use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER, Field, SelectField};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::SuccessNote;
use crate::components::page_title::PageTitle;
use crate::error::{field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::classes::{
    CreateClass, ImportClasses, ImportTimetable, SetSchoolYear, back, school_classes,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::classes::{ClassesOverview, SchoolYear};
use server_fn::ServerFn;

/// `/classes`.
#[component]
pub fn ClassesPage() -> impl IntoView {
    let query = use_query_map();
    let year = query.with_untracked(|q| q.get("year").filter(|y| !y.trim().is_empty()));
    let data = OnceResource::new(school_classes(year));
    view! {
        <PageTitle text=tr("classes.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("classes.title")}</h1>
                <p>{tr("classes.intro")}</p>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Overview o /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(o: ClassesOverview) -> impl IntoView {
    let years = o
        .years
        .iter()
        .map(|y: &SchoolYear| {
            let current = y.name == o.year;
            view! {
                <a href=format!("/classes?year={}", y.name) class="chip" aria-current=current.then_some("page")>
                    {y.name.clone()}
                </a>
            }
        })
        .collect_view();
    let count = trf("classes.count", &[("count", o.classes.len().to_string())]);
    let table = if o.classes.is_empty() {
        view! {
            <div class="empty">
                <Icon name="users" />
                <p class="empty-title">{trf("classes.none", &[("year", o.year.clone())])}</p>
            </div>
        }
        .into_any()
    } else {
        let rows = o
            .classes
            .iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row" data-label=tr("classes.name")>
                            <a href=format!("/classes/{}", c.id)>{c.name.clone()}</a>
                        </th>
                        <td data-label=tr("classes.grade") class="num">{c.grade}</td>
                        <td data-label=tr("classes.homeroom")>
                            {c.homeroom_teacher_name.clone().unwrap_or_else(|| "—".to_owned())}
                        </td>
                        <td data-label=tr("classes.students") class="num">{c.students}</td>
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
                            <th scope="col">{tr("classes.name")}</th>
                            <th scope="col" class="num">{tr("classes.grade")}</th>
                            <th scope="col">{tr("classes.homeroom")}</th>
                            <th scope="col" class="num">{tr("classes.students")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let manage = o.manage.then(|| {
        view! {
            <div class="grid-2">
                <AddClass o=o.clone() />
                <section class="card" aria-labelledby="classes-import-title">
                    <div class="card-header">
                        <h2 id="classes-import-title">{tr("classes.import")}</h2>
                    </div>
                    <div class="card-body stack">
                        <CsvImportForm
                            fn_path=ImportClasses::PATH
                            id="import-classes"
                            label=tr("accounts.import_file")
                            hint=tr("accounts.import_file_hint")
                            submit=tr("accounts.import_submit")
                            busy=tr("accounts.importing")
                        />
                        <p class="small">{tr("classes.import_format")}</p>
                        <pre class="small">"name,grade,school_year,homeroom_username\n6A1,6,2026-2027,gv.nguyenlan\n6A2,6,2026-2027,"</pre>
                    </div>
                </section>
            </div>
            <div class="grid-2">
                <YearCard o=o.clone() />
                <ImportTimetableCard />
            </div>
        }
    });
    view! {
        <div class="stack stack-lg">
            <div class="stack">
                <nav class="chips" aria-label=tr("classes.years")>{years}</nav>
                {table}
            </div>
            {manage}
        </div>
    }
}

/// The form that adds one class; after an error it keeps what was typed.
#[component]
fn AddClass(o: ClassesOverview) -> impl IntoView {
    let query = use_query_map();
    let (error, added, typed) = query.with_untracked(|q| {
        (
            from_query(q, CreateClass::PATH),
            q.get(back::CLASS_ADDED).filter(|n| !n.is_empty()),
            back::CLASS.read(q),
        )
    });
    let (name, grade, homeroom) = typed
        .map(|t| (t.name, t.grade, t.homeroom.unwrap_or_default()))
        .unwrap_or_default();
    let field = |f: &str| field_error(&error, f);
    let staff = o
        .staff
        .iter()
        .map(|m| {
            let id = m.id.to_string();
            let selected = id == homeroom;
            view! {
                <option value=id selected=selected>
                    {format!("{} ({})", m.full_name, m.username)}
                </option>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="classes-add-title">
            <div class="card-header">
                <h2 id="classes-add-title">{tr("classes.add")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || {
                    added.clone().map(|n| trf("classes.added", &[("name", n)]))
                }) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form" method="post" action=CreateClass::PATH novalidate=true>
                    <input type="hidden" name="school_year" value=o.year.clone() />
                    <Field id="class-name" name="name" label=tr("classes.name") hint=tr("classes.name_hint") value=name error=field("name") />
                    <Field id="class-grade" name="grade" kind="number" label=tr("classes.grade") hint=tr("classes.grade_hint") value=grade error=field("grade") />
                    <SelectField id="class-homeroom" name="homeroom" label=tr("classes.homeroom") error=field("homeroom_teacher_id")>
                        <option value="">{tr("classes.no_homeroom")}</option>
                        {staff}
                    </SelectField>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="plus" />
                            <span>{trf("classes.add_submit", &[("year", o.year.clone())])}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

/// The school's timetable from CSV, as a new version from a date.
#[component]
fn ImportTimetableCard() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="timetable-import-title">
            <div class="card-header">
                <h2 id="timetable-import-title">{tr("timetable.import")}</h2>
            </div>
            <div class="card-body stack">
                <p>{tr("timetable.import_intro")}</p>
                <CsvImportForm
                    fn_path=ImportTimetable::PATH
                    id="import-timetable"
                    label=tr("accounts.import_file")
                    hint=tr("accounts.import_file_hint")
                    submit=tr("timetable.import_submit")
                    busy=tr("accounts.importing")
                    extra=Box::new(move || {
                        view! {
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
                                    aria-describedby="timetable-from-hint"
                                />
                                <p class="hint" id="timetable-from-hint">
                                    {tr("timetable.from_hint")}
                                </p>
                            </div>
                        }
                        .into_any()
                    })
                />
                <p class="small">{tr("timetable.import_format")}</p>
                <pre class="small">"class,day,period,subject,teacher\n6A1,Thứ 2,1,Toán,gv.nguyenlan\n6A1,Thứ 2,2,Ngữ văn,Trần Văn Minh\n6A2,T3,1,Tiếng Anh,gv.tranminh"</pre>
            </div>
        </section>
    }
}

/// The dates of the year shown: its first day, the first day of học kỳ II, its last day (the
/// usual ones until the school saves its own).
#[component]
fn YearCard(o: ClassesOverview) -> impl IntoView {
    let query = use_query_map();
    let (error, saved, typed) = query.with_untracked(|q| {
        (
            from_query(q, SetSchoolYear::PATH),
            q.get(back::YEAR_SAVED).filter(|n| !n.is_empty()),
            back::YEAR.read(q),
        )
    });
    let stored = o.years.iter().find(|y| y.name == o.year);
    let dates = stored
        .map(|y| (y.starts, y.term2_starts, y.ends))
        .or_else(|| SchoolYear::usual_dates(&o.year));
    let iso = |i: usize| {
        dates
            .map(|d| [d.0, d.1, d.2][i].to_string())
            .unwrap_or_default()
    };
    let (starts, term2, ends) = match typed {
        Some(t) => (t.starts, t.term2_starts, t.ends),
        None => (iso(0), iso(1), iso(2)),
    };
    let field = |f: &str| field_error(&error, f);
    view! {
        <section class="card" aria-labelledby="year-title">
            <div class="card-header">
                <h2 id="year-title">{trf("year.title", &[("year", o.year.clone())])}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || {
                    saved.clone().map(|n| trf("year.saved", &[("name", n)]))
                }) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                {stored.is_none().then(|| view! { <p class="small muted">{tr("year.usual")}</p> })}
                <form class="form" method="post" action=SetSchoolYear::PATH novalidate=true>
                    <input type="hidden" name="name" value=o.year.clone() />
                    <Field id="year-starts" name="starts" kind="date" label=tr("year.starts") value=starts error=field("starts") />
                    <Field id="year-term2" name="term2_starts" kind="date" label=tr("year.term2") value=term2 error=field("term2_starts") />
                    <Field id="year-ends" name="ends" kind="date" label=tr("year.ends") value=ends error=field("ends") />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-secondary">
                            <Icon name="check" />
                            <span>{tr("year.save")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}
