//! The week of the booking page: the days, the periods, each device's slots.

use super::*;

/// What one cell of the week shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Slot {
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

pub(super) fn slot(
    device: &Device,
    day: &WeekDay,
    period: i64,
    cell: Option<&WeekCell>,
    me: UserId,
) -> Slot {
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
    if day.past || day.over.contains(&period) {
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

/// The kind chips, the week's navigation, and one table per device.
#[component]
pub(super) fn Week(
    view: WeekView,
    options: BookingSetup,
    q: BookQuery,
    me: UserId,
) -> impl IntoView {
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
                dpage: 0,
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
    let paged = one_device.is_none() && view.devices_total > view.devices.len();
    let (from, shown, total) = (view.devices_from, view.devices.len(), view.devices_total);
    let pager = {
        let q = q.clone();
        move || paged.then(|| view! { <DevicePager from shown total q=q.clone() /> })
    };
    view! {
        <section class="stack" aria-labelledby="week-title">
            <nav class="chips" aria-label=tr("book.kinds")>{chips}</nav>
            {one_device
                .map(|d| {
                    let all = BookQuery {
                        kind: Some(d.kind),
                        device: None,
                        dpage: 0,
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
                view! {
                    {pager()}
                    {tables}
                    {pager()}
                }
                    .into_any()
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

/// The kind's devices a page at a time: previous, "devices 7–12 of 20", next (links that keep
/// the week, the day and the form).
#[component]
fn DevicePager(from: usize, shown: usize, total: usize, q: BookQuery) -> impl IntoView {
    let first = from + 1;
    let last = from + shown;
    let page = from / DEVICES_PER_PAGE + 1;
    let pages = total.div_ceil(DEVICES_PER_PAGE);
    let link = |p: usize| {
        BookQuery {
            dpage: p,
            ..q.clone()
        }
        .href()
    };
    let arrow =
        |p: usize, show: bool, icon: &'static str, rel: &'static str, label: &'static str| {
            if show {
                view! {
                    <a href=link(p) rel=rel>
                        <Icon name=icon />
                        <span class="sr-only">{tr(label)}</span>
                    </a>
                }
                .into_any()
            } else {
                view! {
                    <span aria-disabled="true">
                        <Icon name=icon />
                        <span class="sr-only">{tr(label)}</span>
                    </span>
                }
                .into_any()
            }
        };
    view! {
        <nav class="pagination" aria-label=tr("book.device_pages")>
            {arrow(page.saturating_sub(1), page > 1, "chevron-left", "prev", "book.prev_devices")}
            {arrow(page + 1, page < pages, "chevron-right", "next", "book.next_devices")}
            <span class="pagination-info">
                {trf(
                    "book.devices_shown",
                    &[
                        ("from", first.to_string()),
                        ("to", last.to_string()),
                        ("total", total.to_string()),
                    ],
                )}
            </span>
        </nav>
    }
}

/// "Go to the week of…": a GET form, the day typed dd/mm/yyyy.
#[component]
pub(super) fn WeekJump(q: BookQuery) -> impl IntoView {
    let (key, value) = match (q.device, q.kind) {
        (Some(d), _) => (keys::DEVICE, d.to_string()),
        (None, Some(k)) => (keys::KIND, k.as_str().to_owned()),
        (None, None) => ("", String::new()),
    };
    view! {
        <form method="get" action="/book" class="week-jump">
            {(!key.is_empty()).then(|| view! { <input type="hidden" name=key value=value /> })}
            <label class="sr-only" for="week-jump">{tr("book.go_to_week")}</label>
            <input
                id="week-jump"
                type="text"
                name=keys::WEEK
                value=q.week.map(display_date).unwrap_or_default()
                placeholder=DATE_PLACEHOLDER
                pattern=DATE_PATTERN
                autocomplete="off"
            />
            <button type="submit" class="btn btn-secondary btn-sm">{tr("book.go")}</button>
        </form>
    }
}

/// One device's week: periods down, days across; on a phone only the chosen day's column.
#[component]
pub(super) fn DeviceWeek(
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
                        let s = slot(&device, day, p.number, cell, me);
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
pub(super) fn SlotView(
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
