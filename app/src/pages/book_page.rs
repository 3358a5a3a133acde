//! `/book`: a week of bookings for every device of a kind (`?kind=`) or for one device
//! (`?device=ID`, where the device page links), and the booking form.
//!
//! Everything is a link or a plain form first: the kind chips, the week arrows and the day tabs
//! are links; a free cell is a link that prefills the form (`book_device`, `date`, `periods`,
//! clicking another free period of the same day adds it); the form posts without JavaScript and
//! comes back with the outcome in the query. With JavaScript the same links navigate in place,
//! the form answers in place, and the grid reloads after every booking so a conflict shows who
//! took the period.
//!
//! On a desktop the week is a table (periods × Monday–Saturday) per device; on a phone the same
//! table shows one day, picked with day tabs, so every cell is a thumb-sized target.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::SubmitButton;
use crate::components::format::{day_label, day_label_text, periods_label, weekday_key};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::error::UiError;
use crate::i18n::{tr, trf};

use crate::serverfns::bookings::{
    BookDevice, BookOutcome, BookingSetup, booking_options, booking_week, keys, parse_numbers,
};
use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use lophoc::bookings::SkippedDay;
use lophoc::dates::monday_of;
use lophoc::dates::parse_date;
use lophoc::devices::{Device, DeviceKind, DeviceStatus};
use lophoc::ids::{DeviceId, UserId};
use lophoc::periods::DaySession;
use lophoc::week::{WeekCell, WeekDay, WeekView};

/// "dd/mm" of a day.
fn day_month(d: NaiveDate) -> String {
    d.format("%d/%m").to_string()
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The page's query: what is looked at, and what the form holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookQuery {
    /// The kind shown.
    pub kind: Option<DeviceKind>,
    /// The one device shown.
    pub device: Option<DeviceId>,
    /// A day of the week shown.
    pub week: Option<NaiveDate>,
    /// The day a phone shows.
    pub day: Option<NaiveDate>,
    /// Form: the device (as typed: an id, or empty).
    pub book_device: String,
    /// Form: the day, as typed.
    pub date: String,
    /// Form: the periods.
    pub periods: Vec<i64>,
    /// Form: units, as typed.
    pub qty: String,
    /// Form: note.
    pub note: String,
    /// Form: repeat until, as typed.
    pub until: String,
}

impl BookQuery {
    /// Reads the query string.
    pub fn from_map(q: &ParamsMap) -> BookQuery {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        BookQuery {
            kind: DeviceKind::parse(&get(keys::KIND)),
            device: get(keys::DEVICE).parse().ok(),
            week: parse_date(&get(keys::WEEK)),
            day: parse_date(&get(keys::DAY)),
            book_device: get(keys::BOOK_DEVICE),
            date: get(keys::DATE),
            periods: parse_numbers(&get(keys::PERIODS)),
            qty: get(keys::QTY),
            note: q.get(keys::NOTE).unwrap_or_default(),
            until: get(keys::UNTIL),
        }
    }

    /// The page's URL with this query (empty values left out).
    pub fn href(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(d) = self.device {
            parts.push((keys::DEVICE, d.to_string()));
        } else if let Some(k) = self.kind {
            parts.push((keys::KIND, k.as_str().to_owned()));
        }
        if let Some(w) = self.week {
            parts.push((keys::WEEK, w.to_string()));
        }
        if let Some(d) = self.day {
            parts.push((keys::DAY, d.to_string()));
        }
        let periods = self
            .periods
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        for (k, v) in [
            (keys::BOOK_DEVICE, self.book_device.clone()),
            (keys::DATE, self.date.clone()),
            (keys::PERIODS, periods),
            (keys::QTY, self.qty.clone()),
            (keys::NOTE, self.note.clone()),
            (keys::UNTIL, self.until.clone()),
        ] {
            if !v.is_empty() {
                parts.push((k, v));
            }
        }
        if parts.is_empty() {
            "/book".to_owned()
        } else {
            let q = parts
                .into_iter()
                .map(|(k, v)| format!("{k}={}", encode(&v)))
                .collect::<Vec<_>>()
                .join("&");
            format!("/book?{q}")
        }
    }

    /// The same view of another week (the day tab moves with it).
    fn with_week(&self, monday: NaiveDate) -> BookQuery {
        let day = self
            .day
            .map(|d| monday + Duration::days(d.weekday().num_days_from_monday() as i64));
        BookQuery {
            week: Some(monday),
            day,
            ..self.clone()
        }
    }

    /// The link of a free cell: the form prefilled with this device, day and period; another
    /// period of the same device and day is added to (or, if chosen, removed from) the choice.
    fn pick(&self, device: DeviceId, date: NaiveDate, period: i64) -> BookQuery {
        let same = self.book_device == device.to_string() && parse_date(&self.date) == Some(date);
        let mut periods = if same { self.periods.clone() } else { vec![] };
        if let Some(i) = periods.iter().position(|p| *p == period) {
            periods.remove(i);
        } else {
            periods.push(period);
            periods.sort_unstable();
        }
        BookQuery {
            day: Some(date),
            book_device: device.to_string(),
            date: date.to_string(),
            periods,
            ..self.clone()
        }
    }

    /// Whether the form holds this device, day and period.
    fn picked(&self, device: DeviceId, date: NaiveDate, period: i64) -> bool {
        self.book_device == device.to_string()
            && parse_date(&self.date) == Some(date)
            && self.periods.contains(&period)
    }

    /// The form's values cleared after a booking (the device and the day stay for the next).
    fn after_booking(&self) -> BookQuery {
        BookQuery {
            periods: vec![],
            qty: String::new(),
            note: String::new(),
            until: String::new(),
            ..self.clone()
        }
    }
}

/// What one cell of the week shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// A holiday: nothing can be booked.
    Holiday,
    /// The device cannot be booked (in repair).
    Unavailable,
    /// A day gone by; who had it, if anyone.
    Past(Vec<String>),
    /// A tagged device, free.
    Free,
    /// A tagged device, booked: by whom, and whether by the viewer.
    Taken { name: String, mine: bool },
    /// A pool: units free of its capacity, and the viewer's own units.
    Pool {
        free: i64,
        mine: i64,
        names: Vec<String>,
    },
}

fn slot(device: &Device, day: &WeekDay, cell: Option<&WeekCell>, me: UserId) -> Slot {
    let names = || {
        cell.map(|c| {
            c.bookings
                .iter()
                .map(|b| b.teacher_name.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    if day.holiday.is_some() {
        return Slot::Holiday;
    }
    if day.past {
        return Slot::Past(names());
    }
    if device.status != DeviceStatus::Available {
        return Slot::Unavailable;
    }
    if device.is_pool() {
        let booked = cell.map(|c| c.booked).unwrap_or(0);
        let mine = cell
            .map(|c| {
                c.bookings
                    .iter()
                    .filter(|b| b.teacher_id == me)
                    .map(|b| b.quantity)
                    .sum()
            })
            .unwrap_or(0);
        return Slot::Pool {
            free: (device.quantity - booked).max(0),
            mine,
            names: names(),
        };
    }
    match cell.and_then(|c| c.bookings.first()) {
        Some(b) => Slot::Taken {
            name: b.teacher_name.clone(),
            mine: b.teacher_id == me,
        },
        None => Slot::Free,
    }
}

/// `/book`.
#[component]
pub fn BookPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| BookQuery::from_map(&query.read()));
    let book = ServerAction::<BookDevice>::new();
    let options = Resource::new(|| (), |_| booking_options());
    let week = Resource::new(
        move || {
            let q = q.get();
            (
                q.kind.map(|k| k.as_str().to_owned()),
                q.device,
                q.week.map(|w| w.to_string()),
                book.version().get(),
            )
        },
        |(kind, device, week, _)| booking_week(kind, device, week),
    );
    view! {
        <Title text=tr("book.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("book.title")}</h1>
                <p>{tr("book.intro")}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-secondary" href="/bookings">
                    <Icon name="clipboard" />
                    <span>{tr("nav.my_bookings")}</span>
                </a>
            </div>
        </div>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) if o.devices.is_empty() => view! { <NoDevices /> }.into_any(),
                    Ok(o) => view! { <Booking options=o q week book /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoDevices() -> impl IntoView {
    view! {
        <div class="empty">
            <Icon name="device" />
            <p class="empty-title">{tr("book.no_devices")}</p>
            <p>{tr("book.no_devices_text")}</p>
        </div>
    }
}

/// The kind chips, the week, and the form.
#[component]
fn Booking(
    options: BookingSetup,
    q: Memo<BookQuery>,
    week: Resource<Result<WeekView, UiError>>,
    book: ServerAction<BookDevice>,
) -> impl IntoView {
    let me = options.me;
    let opts = options.clone();
    view! {
        <div class="stack stack-lg">
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let opts = opts.clone();
                    Suspend::new(async move {
                        match week.await {
                            Ok(v) => view! { <Week view=v options=opts q=q.get() me /> }.into_any(),
                            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <BookForm options q book week />
        </div>
    }
}

/// The kind chips, the week's navigation, and one table per device.
#[component]
fn Week(view: WeekView, options: BookingSetup, q: BookQuery, me: UserId) -> impl IntoView {
    let monday = view.monday;
    let today = view.today;
    let saturday = monday + Duration::days(5);
    let shown_kind = q
        .kind
        .or_else(|| view.devices.first().map(|d| d.kind))
        .or_else(|| options.devices.first().map(|d| d.kind));
    // The day a phone shows: the one asked for, else today if it is in this week, else Monday.
    let sel_day = q
        .day
        .filter(|d| *d >= monday && *d <= saturday)
        .or_else(|| (today >= monday && today <= saturday).then_some(today))
        .unwrap_or(monday);
    let chips = DeviceKind::ALL
        .into_iter()
        .filter_map(|k| {
            let n = options.devices.iter().filter(|d| d.kind == k).count();
            (n > 0).then_some((k, n))
        })
        .map(|(k, n)| {
            let href = BookQuery {
                kind: Some(k),
                device: None,
                ..q.clone()
            }
            .href();
            let current = (Some(k) == shown_kind).then_some("page");
            view! {
                <a class="chip" href=href aria-current=current>
                    <Icon name=k.icon() />
                    <span>{tr(k.label_key())}</span>
                    <span class="chip-count">{n}</span>
                </a>
            }
        })
        .collect_view();
    let one_device = q
        .device
        .and_then(|id| view.devices.iter().find(|d| d.id == id).cloned());
    let this_week = monday_of(today);
    let prev = q.with_week(monday - Duration::days(7)).href();
    let next = q.with_week(monday + Duration::days(7)).href();
    let current = q.with_week(this_week).href();
    let range = trf(
        "book.week_range",
        &[
            ("from", day_month(monday)),
            ("to", lophoc::dates::display_date(saturday)),
        ],
    );
    let day_tabs = view
        .days
        .iter()
        .map(|d| (d.date, d.holiday.is_some()))
        .map(|(date, holiday)| {
            let href = BookQuery {
                day: Some(date),
                ..q.clone()
            }
            .href();
            let current = (date == sel_day).then_some("true");
            let label = format!(
                "{} {}",
                tr(weekday_key(date.weekday(), false)),
                lophoc::dates::display_date(date)
            );
            let class = if holiday {
                "day-tab is-holiday"
            } else {
                "day-tab"
            };
            view! {
                <a class=class href=href aria-current=current aria-label=label>
                    <span class="day-tab-name">{tr(weekday_key(date.weekday(), true))}</span>
                    <span class="day-tab-date">{day_month(date)}</span>
                </a>
            }
        })
        .collect_view();
    let many = one_device.is_none() && view.devices.len() > 1;
    let tables = (0..view.devices.len())
        .map(|i| {
            view! { <DeviceWeek view=view.clone() index=i q=q.clone() me sel_day many /> }
        })
        .collect_view();
    let empty = view.devices.is_empty();
    view! {
        <section class="stack" aria-labelledby="week-title">
            <nav class="chips" aria-label=tr("book.kinds")>{chips}</nav>
            {one_device
                .map(|d| {
                    let all = BookQuery {
                        kind: Some(d.kind),
                        device: None,
                        ..q.clone()
                    }
                    .href();
                    view! {
                        <p class="muted">
                            {trf("book.one_device", &[("name", d.name.clone())])} " "
                            <a href=all>{trf("book.all_of_kind", &[("kind", tr(d.kind.label_key()).to_owned())])}</a>
                        </p>
                    }
                })}
            <div class="week-nav">
                <a class="btn btn-secondary btn-icon" href=prev rel="prev">
                    <Icon name="chevron-left" />
                    <span class="sr-only">{tr("book.prev_week")}</span>
                </a>
                <h2 id="week-title" class="week-title">
                    <Icon name="calendar" />
                    <span>{range}</span>
                </h2>
                <a class="btn btn-secondary btn-icon" href=next rel="next">
                    <Icon name="chevron-right" />
                    <span class="sr-only">{tr("book.next_week")}</span>
                </a>
                {(monday != this_week).then(|| view! { <a class="btn btn-ghost btn-sm" href=current>{tr("book.this_week")}</a> })}
                <WeekJump q=q.clone() />
            </div>
            <nav class="day-tabs" aria-label=tr("book.days")>{day_tabs}</nav>
            {if empty {
                view! { <p class="muted">{tr("book.kind_empty")}</p> }.into_any()
            } else {
                tables.into_any()
            }}
            <ul class="legend">
                <li><span class="slot-key slot-free"></span>{tr("book.legend_free")}</li>
                <li><span class="slot-key slot-mine"></span>{tr("book.legend_mine")}</li>
                <li><span class="slot-key slot-taken"></span>{tr("book.legend_taken")}</li>
                <li><span class="slot-key slot-off"></span>{tr("book.legend_off")}</li>
            </ul>
        </section>
    }
}

/// "Go to the week of…": a GET form (a link without JavaScript, router navigation with it).
#[component]
fn WeekJump(q: BookQuery) -> impl IntoView {
    let (key, value) = match (q.device, q.kind) {
        (Some(d), _) => (keys::DEVICE, d.to_string()),
        (None, Some(k)) => (keys::KIND, k.as_str().to_owned()),
        (None, None) => ("", String::new()),
    };
    view! {
        <Form method="get" action="/book" attr:class="week-jump">
            {(!key.is_empty()).then(|| view! { <input type="hidden" name=key value=value /> })}
            <label class="sr-only" for="week-jump">{tr("book.go_to_week")}</label>
            <input id="week-jump" type="date" name=keys::WEEK value=q.week.map(|w| w.to_string()).unwrap_or_default() />
            <button type="submit" class="btn btn-secondary btn-sm">{tr("book.go")}</button>
        </Form>
    }
}

/// One device's week: periods down, days across; on a phone only the chosen day's column.
#[component]
fn DeviceWeek(
    view: WeekView,
    index: usize,
    q: BookQuery,
    me: UserId,
    sel_day: NaiveDate,
    /// Whether other devices are shown too (then this one offers "only this device").
    many: bool,
) -> impl IntoView {
    let device = view.devices[index].clone();
    let today = view.today;
    let days: Vec<(NaiveDate, WeekDay)> = view.days.iter().map(|d| (d.date, d.clone())).collect();
    let col_class = move |date: NaiveDate, day: &WeekDay| {
        let mut c = vec!["day-col"];
        if date == sel_day {
            c.push("day-sel");
        }
        if date == today {
            c.push("is-today");
        }
        if day.holiday.is_some() {
            c.push("is-holiday");
        }
        if day.past {
            c.push("is-past");
        }
        c.join(" ")
    };
    let head = days
        .iter()
        .map(|(date, day)| {
            let holiday = day.holiday.clone();
            view! {
                <th scope="col" class=col_class(*date, day)>
                    <span class="day-name">{tr(weekday_key(date.weekday(), false))}</span>
                    <span class="day-date">{day_month(*date)}</span>
                    {holiday.map(|h| view! { <span class="day-note">{h}</span> })}
                </th>
            }
        })
        .collect_view();
    let section = |s: DaySession| {
        let periods: Vec<_> = view
            .periods
            .iter()
            .filter(|p| p.session == s)
            .cloned()
            .collect();
        if periods.is_empty() {
            return None;
        }
        let rows = periods
            .into_iter()
            .map(|p| {
                let cells = days
                    .iter()
                    .enumerate()
                    .map(|(di, (date, day))| {
                        let cell = view.cell(di, index, p.number);
                        let s = slot(&device, day, cell, me);
                        view! {
                            <td class=col_class(*date, day)>
                                <SlotView
                                    state=s
                                    device=device.clone()
                                    date=*date
                                    period=p.number
                                    q=q.clone()
                                />
                            </td>
                        }
                    })
                    .collect_view();
                view! {
                    <tr>
                        <th scope="row" class="period-head">
                            <span class="period-name">{trf("book.period_n", &[("n", p.number.to_string())])}</span>
                            <span class="period-time">{format!("{}–{}", p.starts, p.ends)}</span>
                        </th>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        // The session's row has a cell per day rather than one spanning them all: a phone
        // hides the other days' cells, and a spanning cell would keep their columns.
        let blanks = days
            .iter()
            .map(|(date, day)| view! { <td class=col_class(*date, day)></td> })
            .collect_view();
        Some(view! {
            <tbody>
                <tr class="session-row">
                    <th scope="rowgroup" class="period-head">{tr(s.label_key())}</th>
                    {blanks}
                </tr>
                {rows}
            </tbody>
        })
    };
    let morning = section(DaySession::Morning);
    let afternoon = section(DaySession::Afternoon);
    let heading_id = format!("device-{}-title", device.id);
    let labelled_by = heading_id.clone();
    let only = BookQuery {
        device: Some(device.id),
        ..q.clone()
    }
    .href();
    let caption = trf(
        "book.table_caption",
        &[
            ("device", device.name.clone()),
            (
                "from",
                day_month(days.first().map(|d| d.0).unwrap_or_default()),
            ),
            (
                "to",
                day_month(days.last().map(|d| d.0).unwrap_or_default()),
            ),
        ],
    );
    view! {
        <section class="card device-week" aria-labelledby=labelled_by>
            <div class="card-header">
                <h3 id=heading_id>
                    <Icon name=device.kind.icon() />
                    " "
                    {device.name.clone()}
                </h3>
                <div class="cluster">
                    {device.room.clone().map(|r| view! { <span class="badge badge-neutral">{r}</span> })}
                    {device.is_pool().then(|| view! {
                        <span class="badge badge-info">{trf("book.pool_of", &[("n", device.quantity.to_string())])}</span>
                    })}
                    {(device.status != DeviceStatus::Available).then(|| view! {
                        <span class="badge badge-warning">{tr(device.status.label_key())}</span>
                    })}
                    {many.then(|| view! { <a class="small" href=only>{tr("book.only_this")}</a> })}
                    <a class="small" href=format!("/devices/{}", device.id)>{tr("book.device_page")}</a>
                </div>
            </div>
            <div class="table-wrap week-wrap">
                <table class="table week-table">
                    <caption class="sr-only">{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="period-head">{tr("book.period")}</th>
                            {head}
                        </tr>
                    </thead>
                    {morning}
                    {afternoon}
                </table>
            </div>
        </section>
    }
}

/// A cell's content.
#[component]
fn SlotView(
    state: Slot,
    device: Device,
    date: NaiveDate,
    period: i64,
    q: BookQuery,
) -> impl IntoView {
    let when = format!(
        "{}, {}",
        trf("book.period_n", &[("n", period.to_string())]),
        day_label(date)
    );
    let picked = q.picked(device.id, date, period);
    let href = format!("{}#book", q.pick(device.id, date, period).href());
    match state {
        Slot::Holiday => {
            view! { <span class="slot slot-off">{tr("book.holiday")}</span> }.into_any()
        }
        Slot::Unavailable => view! {
            <span class="slot slot-off">
                <span aria-hidden="true">"—"</span>
                <span class="sr-only">{tr("book.unavailable")}</span>
            </span>
        }
        .into_any(),
        Slot::Past(names) if names.is_empty() => view! {
            <span class="slot slot-off">
                <span aria-hidden="true">"—"</span>
                <span class="sr-only">{tr("book.past")}</span>
            </span>
        }
        .into_any(),
        Slot::Past(names) => {
            view! { <span class="slot slot-past">{names.join(", ")}</span> }.into_any()
        }
        Slot::Free if picked => {
            let label = trf(
                "book.unpick",
                &[("device", device.name.clone()), ("when", when)],
            );
            view! {
                <a class="slot slot-picked" href=href aria-label=label aria-current="true">
                    <Icon name="check" class="icon-sm" />
                    <span>{tr("book.picked")}</span>
                </a>
            }
            .into_any()
        }
        Slot::Free => {
            let label = trf(
                "book.pick",
                &[("device", device.name.clone()), ("when", when)],
            );
            view! {
                <a class="slot slot-free" href=href aria-label=label>
                    <Icon name="plus" class="icon-sm" />
                    <span>{tr("book.free")}</span>
                </a>
            }
            .into_any()
        }
        Slot::Taken { mine: true, .. } => view! {
            <span class="slot slot-mine">
                <Icon name="user" class="icon-sm" />
                <span>{tr("book.yours")}</span>
            </span>
        }
        .into_any(),
        Slot::Taken { name, .. } => view! {
            <span class="slot slot-taken">
                <span class="sr-only">{tr("book.taken_by")} " "</span>
                {name}
            </span>
        }
        .into_any(),
        Slot::Pool { free, mine, names } => {
            let count = trf(
                "book.pool_free",
                &[
                    ("free", free.to_string()),
                    ("total", device.quantity.to_string()),
                ],
            );
            let who = if mine > 0 {
                Some(trf("book.pool_yours", &[("n", mine.to_string())]))
            } else if !names.is_empty() {
                Some(names.join(", "))
            } else {
                None
            };
            let class = match (picked, mine > 0) {
                (true, _) => "slot slot-picked",
                (false, true) => "slot slot-pool slot-mine",
                (false, false) => "slot slot-pool",
            };
            let who = who.map(|w| view! { <span class="slot-who">{w}</span> });
            if free > 0 {
                let label = trf(
                    if picked { "book.unpick" } else { "book.pick" },
                    &[
                        ("device", device.name.clone()),
                        ("when", format!("{when} ({count})")),
                    ],
                );
                view! {
                    <a class=class href=href aria-label=label aria-current=picked.then_some("true")>
                        <span>{if picked { tr("book.picked").to_owned() } else { count }}</span>
                        {who}
                    </a>
                }
                .into_any()
            } else {
                view! {
                    <span class="slot slot-taken">
                        <span>{count}</span>
                        {who}
                    </span>
                }
                .into_any()
            }
        }
    }
}

/// The booking form. A plain form post without JavaScript (the answer comes back in the
/// query); with it, in place. The fields show the query's values (a cell's link prefills them,
/// a failed post keeps what was typed); with JavaScript, what is typed is left alone unless a
/// cell's link changes the value.
#[component]
fn BookForm(
    options: BookingSetup,
    q: Memo<BookQuery>,
    book: ServerAction<BookDevice>,
    week: Resource<Result<WeekView, UiError>>,
) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    // Memos of each prefilled value, so a field is set again only when its own value changes.
    let pre_device = Memo::new(move |_| {
        let q = q.get();
        if q.book_device.is_empty() {
            q.device.map(|d| d.to_string()).unwrap_or_default()
        } else {
            q.book_device
        }
    });
    let pre_date = Memo::new(move |_| q.get().date);
    let pre_periods = Memo::new(move |_| q.get().periods);
    let pre_qty = Memo::new(move |_| q.get().qty);
    let pre_note = Memo::new(move |_| q.get().note);
    let pre_until = Memo::new(move |_| q.get().until);
    // Bumped after a booking, to clear what was typed even when the query did not change.
    let cleared = RwSignal::new(0u32);
    let chosen = RwSignal::new(pre_device.get_untracked());
    Effect::watch(
        move || pre_device.get(),
        move |d, _, _| chosen.set(d.clone()),
        false,
    );
    let date_ref = NodeRef::<leptos::html::Input>::new();
    let card = NodeRef::<leptos::html::Section>::new();

    let error = move || book.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let outcome = move || -> Option<BookOutcome> {
        match book.value().get() {
            Some(Ok(o)) => Some(o),
            Some(Err(_)) => None,
            None => BookOutcome::from_query(|k| query.read().get(k)),
        }
    };

    // After an answer with JavaScript: show the week of the day asked for (the grid reloads
    // with the action's version either way), and after a booking clear the periods and note.
    Effect::watch(
        move || book.version().get(),
        move |_, _, _| {
            let ok = matches!(book.value().get_untracked(), Some(Ok(_)));
            let typed = date_ref
                .get_untracked()
                .map(|i| i.value())
                .and_then(|d| parse_date(&d));
            let cur = q.get_untracked();
            let mut next = if ok { cur.after_booking() } else { cur.clone() };
            if let Some(d) = typed {
                let monday = monday_of(d);
                let shown = week.get_untracked().and_then(|w| w.ok()).map(|w| w.monday);
                if shown != Some(monday) {
                    next.week = Some(monday);
                }
                next.day = Some(d);
            }
            if ok {
                cleared.update(|n| *n += 1);
            }
            if next != cur {
                navigate(
                    &next.href(),
                    NavigateOptions {
                        scroll: false,
                        ..Default::default()
                    },
                );
            }
            // The answer is at the top of the form, out of sight on a phone after tapping the
            // button at its bottom: bring it into view once the grid above has settled.
            request_animation_frame(move || {
                if let Some(c) = card.get_untracked() {
                    c.scroll_into_view();
                }
            });
        },
        false,
    );

    let devices = options.devices.clone();
    let pool_of = move |id: &str| {
        devices
            .iter()
            .find(|d| d.id.to_string() == id)
            .filter(|d| d.is_pool())
            .map(|d| d.quantity)
    };
    let any_pool = options.devices.iter().any(Device::is_pool);
    let show_qty = {
        let pool_of = pool_of.clone();
        move || {
            let c = chosen.get();
            if c.is_empty() {
                any_pool
            } else {
                pool_of(&c).is_some()
            }
        }
    };
    let qty_hint = move || match pool_of(&chosen.get()) {
        Some(n) => trf("book.quantity_max", &[("n", n.to_string())]),
        None => tr("book.quantity_hint").to_owned(),
    };

    let device_options = DeviceKind::ALL
        .into_iter()
        .filter(|k| options.devices.iter().any(|d| d.kind == *k))
        .map(|k| {
            let items = options
                .devices
                .iter()
                .filter(|d| d.kind == k)
                .map(|d| {
                    let id = d.id.to_string();
                    let label = match (d.status, d.is_pool()) {
                        (DeviceStatus::Available, true) => trf(
                            "book.device_pool_option",
                            &[("name", d.name.clone()), ("n", d.quantity.to_string())],
                        ),
                        (DeviceStatus::Available, false) => d.name.clone(),
                        (s, _) => format!("{} ({})", d.name, tr(s.label_key())),
                    };
                    let on = {
                        let id = id.clone();
                        move || pre_device.get() == id
                    };
                    view! {
                        <option value=id disabled=d.status != DeviceStatus::Available selected=on>
                            {label}
                        </option>
                    }
                })
                .collect_view();
            view! { <optgroup label=tr(k.label_key())>{items}</optgroup> }
        })
        .collect_view();

    let period_groups = [DaySession::Morning, DaySession::Afternoon]
        .into_iter()
        .filter_map(|s| {
            let ps: Vec<_> = options.periods.iter().filter(|p| p.session == s).cloned().collect();
            (!ps.is_empty()).then(|| {
                let checks = ps
                    .into_iter()
                    .map(|p| {
                        let n = p.number;
                        let on = move || {
                            cleared.track();
                            pre_periods.get().contains(&n)
                        };
                        view! {
                            <label class="check period-check">
                                <input
                                    type="checkbox"
                                    name="periods[]"
                                    value=n.to_string()
                                    checked=on
                                    prop:checked=on
                                />
                                <span>
                                    <span class="period-name">{trf("book.period_n", &[("n", n.to_string())])}</span>
                                    <span class="period-time">{p.starts.to_string()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="period-group">
                        <p class="period-group-title">{tr(s.label_key())}</p>
                        <div class="period-checks">{checks}</div>
                    </div>
                }
            })
        })
        .collect_view();

    let today = options.today.to_string();
    let described = |hint: &str, err: Option<String>| -> String {
        match err {
            Some(_) => format!("{hint} {hint}-error"),
            None => hint.to_owned(),
        }
    };
    let err_view = move |name: &'static str, id: &'static str| {
        move || {
            field_error(name)
                .get()
                .map(|m| view! { <p class="field-error" id=id>{m}</p> })
        }
    };
    let note_value = move || {
        cleared.track();
        pre_note.get()
    };
    let qty_value = move || {
        cleared.track();
        pre_qty.get()
    };
    let until_value = move || {
        cleared.track();
        pre_until.get()
    };
    view! {
        <section class="card" id="book" aria-labelledby="book-title" node_ref=card>
            <div class="card-header">
                <h2 id="book-title">{tr("book.form_title")}</h2>
            </div>
            <div class="card-body stack">
                <div aria-live="polite">{move || outcome().map(|o| view! { <Outcome outcome=o /> })}</div>
                {move || error().map(|e| {
                    let conflict = e.code == lophoc::ErrorCode::Conflict;
                    view! {
                        <ErrorAlert error=e />
                        {conflict.then(|| view! { <p class="muted">{tr("book.conflict_hint")}</p> })}
                    }
                })}
                <ActionForm action=book attr:class="form" attr:novalidate=true>
                    <div class="field" class:invalid=move || field_error("device_id").get().is_some()>
                        <label for="book-device">{tr("book.device")}</label>
                        <select
                            id="book-device"
                            name="device_id"
                            prop:value=move || pre_device.get()
                            on:change=move |ev| chosen.set(event_target_value(&ev))
                            aria-invalid=move || field_error("device_id").get().is_some().to_string()
                            aria-describedby=move || field_error("device_id").get().map(|_| "book-device-error")
                        >
                            <option value="" selected=move || pre_device.get().is_empty()>{tr("book.choose_device")}</option>
                            {device_options}
                        </select>
                        {err_view("device_id", "book-device-error")}
                    </div>
                    <div class="form-row">
                        <div class="field" class:invalid=move || field_error("date").get().is_some()>
                            <label for="book-date">{tr("book.date")}</label>
                            <input
                                id="book-date"
                                node_ref=date_ref
                                type="date"
                                name="date"
                                min=today.clone()
                                value=move || pre_date.get()
                                prop:value=move || pre_date.get()
                                aria-invalid=move || field_error("date").get().is_some().to_string()
                                aria-describedby=move || field_error("date").get().map(|_| "book-date-error")
                            />
                            {err_view("date", "book-date-error")}
                        </div>
                        {move || show_qty().then(|| view! {
                            <div class="field" class:invalid=move || field_error("quantity").get().is_some()>
                                <label for="book-qty">{tr("book.quantity")}</label>
                                <input
                                    id="book-qty"
                                    type="number"
                                    name="quantity"
                                    min="1"
                                    inputmode="numeric"
                                    value=qty_value
                                    prop:value=qty_value
                                    aria-invalid=move || field_error("quantity").get().is_some().to_string()
                                    aria-describedby=move || described("book-qty-hint", field_error("quantity").get())
                                />
                                <p class="hint" id="book-qty-hint">{qty_hint.clone()}</p>
                                {err_view("quantity", "book-qty-hint-error")}
                            </div>
                        })}
                    </div>
                    <fieldset
                        class="period-picker"
                        class:invalid=move || field_error("periods").get().is_some()
                        aria-describedby=move || field_error("periods").get().map(|_| "book-periods-error")
                    >
                        <legend>{tr("book.periods")}</legend>
                        {period_groups}
                        {err_view("periods", "book-periods-error")}
                    </fieldset>
                    <div class="field" class:invalid=move || field_error("note").get().is_some()>
                        <label for="book-note">{tr("book.note")}</label>
                        <input
                            id="book-note"
                            type="text"
                            name="note"
                            maxlength="500"
                            autocomplete="off"
                            placeholder=tr("book.note_placeholder")
                            value=note_value
                            prop:value=note_value
                            aria-invalid=move || field_error("note").get().is_some().to_string()
                            aria-describedby=move || field_error("note").get().map(|_| "book-note-error")
                        />
                        {err_view("note", "book-note-error")}
                    </div>
                    <div class="field" class:invalid=move || field_error("until").get().is_some()>
                        <label for="book-until">{tr("book.until")}</label>
                        <input
                            id="book-until"
                            type="date"
                            name="until"
                            min=today
                            value=until_value
                            prop:value=until_value
                            aria-invalid=move || field_error("until").get().is_some().to_string()
                            aria-describedby=move || described("book-until-hint", field_error("until").get())
                        />
                        <p class="hint" id="book-until-hint">{tr("book.until_hint")}</p>
                        {err_view("until", "book-until-hint-error")}
                    </div>
                    <div class="form-actions">
                        <SubmitButton icon="calendar" label=tr("book.submit") pending=book.pending() />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// Why a day of a weekly booking was skipped.
fn skip_reason(s: &SkippedDay) -> String {
    match s.reason.as_str() {
        "taken" if !s.periods.is_empty() => trf(
            "book.skip_taken_periods",
            &[("periods", periods_label(&s.periods))],
        ),
        "taken" => tr("book.skip_taken").to_owned(),
        "holiday" => tr("book.skip_holiday").to_owned(),
        "past" => tr("book.skip_past").to_owned(),
        "sunday" => tr("book.skip_sunday").to_owned(),
        other => other.to_owned(),
    }
}

/// What a booking did: the days booked, and the days a weekly booking skipped.
#[component]
fn Outcome(outcome: BookOutcome) -> impl IntoView {
    let periods = periods_label(&outcome.periods);
    let qty =
        (outcome.quantity > 1).then(|| trf("book.units", &[("n", outcome.quantity.to_string())]));
    let booked = if outcome.dates.is_empty() {
        None
    } else if !outcome.weekly {
        let text = trf(
            "book.done_one",
            &[
                ("device", outcome.device.clone()),
                ("periods", periods.clone()),
                ("day", day_label_text(&outcome.dates[0])),
            ],
        );
        Some(
            view! {
                <div class="alert alert-success">
                    <Icon name="check-circle" />
                    <div class="alert-body">
                        <p class="alert-title">{text}</p>
                        {qty.clone().map(|q| view! { <p>{q}</p> })}
                        <p><a href="/bookings">{tr("book.see_mine")}</a></p>
                    </div>
                </div>
            }
            .into_any(),
        )
    } else {
        let text = trf(
            "book.done_weekly",
            &[
                ("device", outcome.device.clone()),
                ("periods", periods.clone()),
                ("count", outcome.dates.len().to_string()),
            ],
        );
        let days = outcome
            .dates
            .iter()
            .map(|d| view! { <li>{day_label_text(d)}</li> })
            .collect_view();
        Some(
            view! {
                <div class="alert alert-success">
                    <Icon name="check-circle" />
                    <div class="alert-body">
                        <p class="alert-title">{text}</p>
                        {qty.clone().map(|q| view! { <p>{q}</p> })}
                        <ul class="booked-days">{days}</ul>
                        <p><a href="/bookings">{tr("book.see_mine")}</a></p>
                    </div>
                </div>
            }
            .into_any(),
        )
    };
    let skipped = (!outcome.skipped.is_empty()).then(|| {
        let title = if outcome.dates.is_empty() {
            tr("book.skipped_all").to_owned()
        } else {
            trf(
                "book.skipped",
                &[("count", outcome.skipped.len().to_string())],
            )
        };
        let items = outcome
            .skipped
            .iter()
            .map(|s| {
                view! {
                    <li>
                        <strong>{day_label(s.date)}</strong>
                        ": "
                        {skip_reason(s)}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="alert alert-warning">
                <Icon name="alert" />
                <div class="alert-body">
                    <p class="alert-title">{title}</p>
                    <ul class="skipped-days">{items}</ul>
                </div>
            </div>
        }
    });
    view! {
        {booked}
        {skipped}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn picking_cells_adds_and_removes_periods() {
        let q = BookQuery {
            kind: Some(DeviceKind::Projector),
            week: Some(d("2026-12-07")),
            ..Default::default()
        };
        let a = q.pick(DeviceId(4), d("2026-12-08"), 3);
        assert_eq!(a.periods, vec![3]);
        assert_eq!(a.book_device, "4");
        assert_eq!(a.day, Some(d("2026-12-08")));
        let b = a.pick(DeviceId(4), d("2026-12-08"), 1);
        assert_eq!(b.periods, vec![1, 3]);
        assert!(b.picked(DeviceId(4), d("2026-12-08"), 1));
        assert_eq!(b.pick(DeviceId(4), d("2026-12-08"), 3).periods, vec![1]);
        // Another device or day starts a new choice.
        assert_eq!(b.pick(DeviceId(5), d("2026-12-08"), 2).periods, vec![2]);
        assert_eq!(
            b.href(),
            "/book?kind=projector&week=2026-12-07&day=2026-12-08&book_device=4&date=2026-12-08&periods=1%2C3"
        );
    }

    #[test]
    fn the_query_reads_back() {
        let q = BookQuery {
            device: Some(DeviceId(9)),
            week: Some(d("2026-12-07")),
            book_device: "9".into(),
            date: "2026-12-09".into(),
            periods: vec![2, 4],
            note: "Lớp 5A".into(),
            ..Default::default()
        };
        let href = q.href();
        let query = href.split_once('?').unwrap().1;
        let map = ParamsMap::from_iter(query.split('&').map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            let v = percent_decode(v);
            (k.to_owned(), v)
        }));
        assert_eq!(BookQuery::from_map(&map), q);
    }

    fn percent_decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn moving_weeks_keeps_the_weekday() {
        let q = BookQuery {
            day: Some(d("2026-12-09")),
            ..Default::default()
        };
        let next = q.with_week(d("2026-12-14"));
        assert_eq!(next.day, Some(d("2026-12-16")));
    }
}
