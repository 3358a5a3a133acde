//! `/periods`: a school's bell schedule (its period grid) with the rule that releases unused
//! bookings, and its holidays. A school that has not set its own grid sees its level's default.
//! Administrators edit both; everyone else of the school (and the department, which picks a
//! school) reads them. Every form is a plain POST: the grid form has a blank row for a new
//! period and a "remove" box per row, so it needs no script; with JavaScript, an island adds
//! more blank rows in place.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SubmitButton, TIME_PATTERN, TIME_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{NotFound, SuccessNote};
use crate::components::school_picker::{SchoolPicker, picker_schools};
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::periods::{
    AddHoliday, PeriodRow, RemoveHoliday, SavePeriods, SchoolPeriods, back, decode_draft,
    get_periods,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::display_date;
use lophoc::ids::SchoolId;
use lophoc::periods::{DaySession, Holiday, MAX_PERIODS, PeriodGrid};
use server_fn::ServerFn;

/// The rows the editor starts with: the grid's periods, and a blank row for a new one.
fn rows_of(grid: &PeriodGrid) -> Vec<PeriodRow> {
    grid.items
        .iter()
        .map(|p| PeriodRow {
            session: p.session.as_str().to_owned(),
            starts: p.starts.to_string(),
            ends: p.ends.to_string(),
            remove: None,
        })
        .collect()
}

/// Adds the blank row for a new period (in the last row's session) unless the grid is full or
/// the last row is blank already.
fn with_blank(mut rows: Vec<PeriodRow>) -> Vec<PeriodRow> {
    if rows.len() < MAX_PERIODS && rows.last().is_none_or(|r| !r.is_blank()) {
        rows.push(blank_after(&rows));
    }
    rows
}

fn blank_after(rows: &[PeriodRow]) -> PeriodRow {
    PeriodRow {
        session: rows
            .last()
            .map(|r| r.session.clone())
            .unwrap_or_else(|| DaySession::Morning.as_str().to_owned()),
        ..Default::default()
    }
}

/// `/periods`.
#[component]
pub fn PeriodsPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let school = Memo::new(move |_| {
        query
            .read()
            .get("school")
            .and_then(|s| s.trim().parse::<SchoolId>().ok())
    });
    let picker = picker_schools(school);
    let save = ServerAction::<SavePeriods>::new();
    let add = ServerAction::<AddHoliday>::new();
    let remove = ServerAction::<RemoveHoliday>::new();
    // One read for both parts of the page (the grid and the holidays).
    let grid = Resource::new(move || school.get(), get_periods);
    let holidays = grid;
    view! {
        <PageTitle text=tr("periods.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                // Read outside the future, so that choosing a school re-renders the page.
                let school = school.get();
                Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                if user.role.sees_all_schools() && school.is_none() {
                    return Some(
                        view! {
                            <div class="page-header">
                                <div class="page-header-text">
                                    <h1>{tr("periods.title")}</h1>
                                </div>
                            </div>
                            <SchoolPicker base="/periods" schools=picker />
                        }
                            .into_any(),
                    );
                }
                let sees_all = user.role.sees_all_schools();
                Some(
                    view! {
                        <div class="page-header">
                            <div class="page-header-text">
                                <h1>{tr("periods.title")}</h1>
                                <p>{tr("periods.intro")}</p>
                            </div>
                            {sees_all
                                .then(|| {
                                    view! {
                                        <div class="page-header-actions">
                                            <a class="btn btn-ghost" href="/periods">
                                                <Icon name="school" />
                                                <span>{tr("devices.other_school")}</span>
                                            </a>
                                        </div>
                                    }
                                })}
                        </div>
                        <div class="stack stack-lg">
                            <Transition fallback=|| view! { <Loading /> }>
                                {move || Suspend::new(async move {
                                    match grid.await {
                                        Ok(p) => view! { <GridSection p school save /> }.into_any(),
                                        Err(e) if e.code == lophoc::ErrorCode::NotFound => {
                                            view! { <NotFound /> }.into_any()
                                        }
                                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                    }
                                })}
                            </Transition>
                            <Transition fallback=|| view! { <Loading /> }>
                                {move || Suspend::new(async move {
                                    match holidays.await {
                                        Ok(p) => view! { <HolidaysSection p school add remove /> }.into_any(),
                                        // The grid above shows the same error.
                                        Err(_) => ().into_any(),
                                    }
                                })}
                            </Transition>
                        </div>
                    }
                        .into_any(),
                )
            })
            }}
        </Suspense>
    }
}

/// The grid: the editor for administrators, a table for everyone else.
#[component]
fn GridSection(
    p: SchoolPeriods,
    school: Option<SchoolId>,
    save: ServerAction<SavePeriods>,
) -> impl IntoView {
    let default_note = p.is_default.then(|| {
        view! {
            <div class="alert alert-info">
                <Icon name="info" />
                <div class="alert-body">
                    {trf(
                        if p.may_manage { "periods.default" } else { "periods.default_reader" },
                        &[("level", tr(p.level.label_key()).to_owned())],
                    )}
                </div>
            </div>
        }
    });
    let release = trf(
        "periods.release_rule",
        &[("minutes", p.grid.release_after_minutes.to_string())],
    );
    view! {
        <section class="card" aria-labelledby="grid-title">
            <div class="card-header">
                <h2 id="grid-title">{tr("periods.grid")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{p.school.name.clone()}</p>
                {default_note}
                {if p.may_manage {
                    view! { <GridEditor grid=p.grid.clone() school save /> }.into_any()
                } else {
                    view! {
                        <GridTable grid=p.grid.clone() />
                        <p>{release}</p>
                    }
                        .into_any()
                }}
            </div>
        </section>
    }
}

/// The grid, read only.
#[component]
fn GridTable(grid: PeriodGrid) -> impl IntoView {
    let (h_session, h_starts, h_ends) = (
        tr("periods.session"),
        tr("periods.starts"),
        tr("periods.ends"),
    );
    view! {
        <div class="table-wrap">
            // A plain table on phones too: four short columns fit, and ten cards would not.
            <table class="table">
                <caption class="sr-only">{tr("periods.grid")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("periods.number")}</th>
                        <th scope="col">{h_session}</th>
                        <th scope="col">{h_starts}</th>
                        <th scope="col">{h_ends}</th>
                    </tr>
                </thead>
                <tbody>
                    {grid
                        .items
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <th scope="row">{trf("periods.period_n", &[("n", p.number.to_string())])}</th>
                                    <td data-label=h_session>{tr(p.session.label_key())}</td>
                                    <td data-label=h_starts>{p.starts.to_string()}</td>
                                    <td data-label=h_ends>{p.ends.to_string()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The grid form. Rows: the saved grid, or after a refused post without JavaScript what was
/// typed (the `draft` in the query); then a blank row for a new period.
#[component]
fn GridEditor(
    grid: PeriodGrid,
    school: Option<SchoolId>,
    save: ServerAction<SavePeriods>,
) -> impl IntoView {
    let query = use_query_map();
    let refused = query.read_untracked().get("__path").as_deref() == Some(SavePeriods::PATH)
        && query.read_untracked().get("__err").is_some();
    let typed = refused
        .then(|| back::GRID.read(&query.read_untracked()))
        .flatten();
    let rows = with_blank(match &typed {
        Some(t) => decode_draft(&t.draft),
        None => rows_of(&grid),
    });
    let release = typed
        .map(|t| t.release)
        .unwrap_or_else(|| grid.release_after_minutes.to_string());
    let first = rows.len();
    let full = rows.last().is_some_and(|r| !r.is_blank());
    let last_session = rows.last().map(|r| r.session.clone()).unwrap_or_default();
    let error = move || save.value().get().and_then(Result::err);
    let field_error =
        move |name: String| Signal::derive(move || error().and_then(|e| e.field(&name)));
    let saved = move || match save.value().get() {
        Some(Ok(g)) => Some(g.items.len().to_string()),
        Some(Err(_)) => None,
        None => query.read().get(back::SAVED).filter(|n| !n.is_empty()),
    };
    let release_error = field_error("release_after_minutes".into());
    let count_error = field_error("items".into());
    let rows_view = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| view! { <PeriodRowFields i row=r error=field_error(format!("rows.{i}")) /> })
        .collect_view();
    view! {
        <SuccessNote message=Signal::derive(move || saved().map(|n| trf("periods.saved", &[("n", n)]))) />
        {move || error().map(|e| view! { <ErrorAlert error=without_row_messages(e) /> })}
        <ActionForm action=save attr:class="form wide" attr:novalidate=true>
            {school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
            <div class="pg-head" aria-hidden="true">
                <span>{tr("periods.number")}</span>
                <span>{tr("periods.session")}</span>
                <span>{tr("periods.starts")}</span>
                <span>{tr("periods.ends")}</span>
                <span>{tr("periods.remove")}</span>
            </div>
            <div class="pg-rows">
                {rows_view}
            </div>
            <MorePeriods first last_session />
            {move || count_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            <p class="hint">
                {if full {
                    trf("periods.full", &[("max", MAX_PERIODS.to_string())])
                } else {
                    tr("periods.add_hint").to_owned()
                }}
            </p>
            <div class="field release-field" class:invalid=move || release_error.get().is_some()>
                <label for="release-minutes">{tr("periods.release")}</label>
                <input
                    id="release-minutes"
                    name="release_after_minutes"
                    type="number"
                    min="5"
                    max="240"
                    inputmode="numeric"
                    value=release
                    aria-describedby=move || {
                        if release_error.get().is_some() {
                            "release-hint release-error"
                        } else {
                            "release-hint"
                        }
                    }
                    aria-invalid=move || release_error.get().is_some().to_string()
                />
                <p class="hint" id="release-hint">{tr("periods.release_hint")}</p>
                {move || release_error.get().map(|m| view! { <p class="field-error" id="release-error">{m}</p> })}
            </div>
            <div class="form-actions">
                <SubmitButton icon="check" label=tr("periods.save") pending=save.pending() />
            </div>
        </ActionForm>
    }
}

/// The alert above the form repeats neither the row messages (they are under their rows) nor
/// the fields' general message when every problem is under a field.
fn without_row_messages(mut e: UiError) -> UiError {
    e.fields.clear();
    e
}

/// "Add a period", the page's one island: blank rows added in place after the `first` rows
/// the server rendered. Without JavaScript the button is never shown (the form always ends with
/// one blank row, and another comes after each save).
#[island]
fn MorePeriods(first: usize, last_session: String) -> impl IntoView {
    let extra = RwSignal::new(0usize);
    // An effect runs only in the browser, once the island is hydrated.
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let room_left = move || first + extra.get() < MAX_PERIODS;
    view! {
        <div class="pg-rows">
            <For
                each=move || 0..extra.get()
                key=|k| *k
                children=move |k| {
                    let row = PeriodRow {
                        session: last_session.clone(),
                        ..Default::default()
                    };
                    view! { <PeriodRowFields i=first + k row error=Signal::derive(|| None) /> }
                }
            />
        </div>
        <Show when=move || scripted.get() && room_left()>
            <p>
                <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| extra.update(|n| *n += 1)>
                    <Icon name="plus" />
                    <span>{tr("periods.add")}</span>
                </button>
            </p>
        </Show>
    }
}

/// One period's fields: session, start, end, and the box that removes it.
#[component]
fn PeriodRowFields(i: usize, row: PeriodRow, error: Signal<Option<String>>) -> impl IntoView {
    let n = (i + 1).to_string();
    let label = trf("periods.period_n", &[("n", n.clone())]);
    let ids = [
        format!("period-{i}-session"),
        format!("period-{i}-starts"),
        format!("period-{i}-ends"),
        format!("period-{i}-remove"),
    ];
    let label_id = format!("period-{i}-label");
    let labelled_by = label_id.clone();
    let error_id = format!("period-{i}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    let name = |f: &str| format!("rows[{i}][{f}]");
    let is_blank = row.is_blank();
    let sessions = [DaySession::Morning, DaySession::Afternoon]
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=row.session == s.as_str()>
                    {tr(s.label_key())}
                </option>
            }
        })
        .collect_view();
    view! {
        <div
            class="pg-row"
            class:pg-new=is_blank
            class:invalid=move || error.get().is_some()
            role="group"
            aria-labelledby=labelled_by
            aria-describedby=described.clone()
        >
            <span class="pg-num" id=label_id>
                {label.clone()}
                {is_blank.then(|| view! { " " <span class="badge badge-neutral">{tr("periods.new")}</span> })}
            </span>
            <div class="field pg-session">
                <label for=ids[0].clone()>{tr("periods.session")}</label>
                <select id=ids[0].clone() name=name("session")>{sessions}</select>
            </div>
            <div class="field pg-starts">
                <label for=ids[1].clone()>{tr("periods.starts")}</label>
                <input
                    id=ids[1].clone()
                    name=name("starts")
                    type="text"
                    inputmode="numeric"
                    pattern=TIME_PATTERN
                    placeholder=TIME_PLACEHOLDER
                    autocomplete="off"
                    value=row.starts.clone()
                    aria-invalid=move || error.get().is_some().to_string()
                />
            </div>
            <div class="field pg-ends">
                <label for=ids[2].clone()>{tr("periods.ends")}</label>
                <input
                    id=ids[2].clone()
                    name=name("ends")
                    type="text"
                    inputmode="numeric"
                    pattern=TIME_PATTERN
                    placeholder=TIME_PLACEHOLDER
                    autocomplete="off"
                    value=row.ends.clone()
                    aria-invalid=move || error.get().is_some().to_string()
                />
            </div>
            <div class="pg-remove">
                {(!is_blank)
                    .then(|| {
                        view! {
                            <label class="check" for=ids[3].clone()>
                                <input
                                    id=ids[3].clone()
                                    type="checkbox"
                                    name=name("remove")
                                    value="on"
                                    checked=row.removed()
                                />
                                <span>
                                    {tr("periods.remove")}
                                    <span class="sr-only">" " {label.clone()}</span>
                                </span>
                            </label>
                        }
                    })}
            </div>
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// The holidays: the list (with a remove button each, for administrators) and the add form.
#[component]
fn HolidaysSection(
    p: SchoolPeriods,
    school: Option<SchoolId>,
    add: ServerAction<AddHoliday>,
    remove: ServerAction<RemoveHoliday>,
) -> impl IntoView {
    let query = use_query_map();
    let removed = move || match remove.value().get() {
        Some(Ok(name)) => Some(name),
        Some(Err(_)) => None,
        None => query
            .read()
            .get(back::HOLIDAY_REMOVED)
            .filter(|n| !n.is_empty()),
    };
    let remove_error = move || remove.value().get().and_then(Result::err);
    let manage = p.may_manage;
    view! {
        <section class="card" aria-labelledby="holidays-title">
            <div class="card-header">
                <h2 id="holidays-title">{tr("holidays.title")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("holidays.intro")}</p>
                <SuccessNote message=Signal::derive(move || removed().map(|name| trf("holidays.removed", &[("name", name)]))) />
                {move || remove_error().map(|e| view! { <ErrorAlert error=e /> })}
                <HolidayTable holidays=p.holidays.clone() today=p.today manage school remove />
                {manage.then(|| view! { <AddHolidayForm school add /> })}
            </div>
        </section>
    }
}

#[component]
fn HolidayTable(
    holidays: Vec<Holiday>,
    today: chrono::NaiveDate,
    manage: bool,
    school: Option<SchoolId>,
    remove: ServerAction<RemoveHoliday>,
) -> impl IntoView {
    if holidays.is_empty() {
        return view! { <p>{tr("holidays.none")}</p> }.into_any();
    }
    let (h_from, h_to, h_name) = (
        tr("holidays.starts"),
        tr("holidays.ends"),
        tr("holidays.name"),
    );
    let rows = holidays
        .into_iter()
        .map(|h| {
            let past = h.ends < today;
            let action = manage.then(|| {
                let label = h.name.clone();
                let name = h.name.clone();
                view! {
                    <ActionForm action=remove attr:class="row-form">
                        {school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
                        <input type="hidden" name="id" value=h.id.to_string() />
                        <input type="hidden" name="name" value=name />
                        <button type="submit" class="btn btn-sm btn-danger">
                            <Icon name="trash" />
                            <span>{tr("holidays.remove")}</span>
                            <span class="sr-only">" " {label}</span>
                        </button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td data-label=h_from>{display_date(h.starts)}</td>
                    <td data-label=h_to>{display_date(h.ends)}</td>
                    <td data-label=h_name>
                        {h.name.clone()}
                        {past.then(|| view! { " " <span class="badge badge-neutral">{tr("holidays.past")}</span> })}
                    </td>
                    {manage.then(|| view! { <td class="actions">{action}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table stack">
                <caption class="sr-only">{tr("holidays.title")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{h_from}</th>
                        <th scope="col">{h_to}</th>
                        <th scope="col">{h_name}</th>
                        {manage.then(|| view! { <th scope="col" class="actions">{tr("accounts.actions")}</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The form that adds a holiday; an error shows under each bad field and keeps what was typed.
#[component]
fn AddHolidayForm(school: Option<SchoolId>, add: ServerAction<AddHoliday>) -> impl IntoView {
    let query = use_query_map();
    let typed = back::HOLIDAY.read(&query.read_untracked());
    let typed =
        move |f: fn(&AddHoliday) -> &String| typed.as_ref().map(f).cloned().unwrap_or_default();
    let error = move || add.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let added = move || match add.value().get() {
        Some(Ok(h)) => Some(h.name),
        Some(Err(_)) => None,
        None => query
            .read()
            .get(back::HOLIDAY_ADDED)
            .filter(|n| !n.is_empty()),
    };
    view! {
        <h3 id="add-holiday-title">{tr("holidays.add")}</h3>
        <SuccessNote message=Signal::derive(move || added().map(|name| trf("holidays.added", &[("name", name)]))) />
        {move || error().map(|e| view! { <ErrorAlert error=e /> })}
        <ActionForm action=add attr:class="form" attr:novalidate=true attr:aria-labelledby="add-holiday-title">
            {school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
            <div class="form-row">
                <Field
                    id="holiday-starts"
                    name="starts"
                    label=tr("holidays.starts")
                    kind="date"
                    value=typed(|t| &t.starts)
                    error=field_error("starts")
                />
                <Field
                    id="holiday-ends"
                    name="ends"
                    label=tr("holidays.ends")
                    hint=tr("holidays.ends_hint")
                    kind="date"
                    value=typed(|t| &t.ends)
                    error=field_error("ends")
                    required=false
                />
            </div>
            <Field
                id="holiday-name"
                name="name"
                label=tr("holidays.name")
                hint=tr("holidays.name_hint")
                autocomplete="off"
                value=typed(|t| &t.name)
                error=field_error("name")
            />
            <div class="form-actions">
                <SubmitButton icon="plus" label=tr("holidays.add_submit") pending=add.pending() />
            </div>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_has_one_blank_row_while_there_is_room() {
        let grid = PeriodGrid {
            items: lophoc::periods::default_grid(lophoc::model::SchoolLevel::TieuHoc),
            release_after_minutes: 15,
        };
        let rows = with_blank(rows_of(&grid));
        assert_eq!(rows.len(), 10);
        assert!(rows[9].is_blank());
        assert_eq!(rows[9].session, "afternoon");
        // Full: no blank row; a blank row already there: not another.
        assert_eq!(with_blank(rows.clone()).len(), 10);
        let full = PeriodGrid {
            items: lophoc::periods::default_grid(lophoc::model::SchoolLevel::Thpt),
            release_after_minutes: 15,
        };
        assert_eq!(with_blank(rows_of(&full)).len(), 10);
        assert_eq!(with_blank(vec![]).len(), 1);
    }
}
