//! `/book`: a week of bookings for every device of a kind (`?kind=`) or for one device
//! (`?device=ID`, where the device page links), and the booking form.
//!
//! Everything is a link or a plain form first: the kind chips, the week arrows and the day tabs
//! are links; a free cell is a link that prefills the form (`book_device`, `date`, `periods`,
//! clicking another free period of the same day adds it); the form posts without JavaScript and
//! comes back with the outcome in the query, and the grid shows who took a period that was
//! taken meanwhile. The page has no island: it ships no wasm.
//!
//! On a desktop the week is a table (periods × Monday–Saturday) per device; on a phone the same
//! table shows one day, picked with day tabs, so every cell is a thumb-sized target.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER, SubmitButton};
use crate::components::format::{day_label, day_label_text, periods_label, weekday_key};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::error::UiError;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::bookings::{
    BookDevice, BookOutcome, BookOutcomeQuery, BookingSetup, booking_options, booking_week, keys,
    parse_numbers,
};
use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use lophoc::bookings::SkippedDay;
use lophoc::dates::monday_of;
use lophoc::dates::{display_date, display_iso_date, parse_date};
use lophoc::devices::{Device, DeviceKind, DeviceStatus};
use lophoc::ids::{DeviceId, UserId};
use lophoc::periods::DaySession;
use lophoc::week::{DEVICES_PER_PAGE, WeekCell, WeekDay, WeekView};

mod form;
mod week;

use form::BookForm;
use lophoc::text::percent_encode;
use week::Week;

/// "dd/mm" of a day.
fn day_month(d: NaiveDate) -> String {
    d.format("%d/%m").to_string()
}

/// The page's query: what is looked at, and what the form holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookQuery {
    /// The kind shown.
    pub kind: Option<DeviceKind>,
    /// The one device shown.
    pub device: Option<DeviceId>,
    /// The page of the kind's devices shown (from 1; 0 is the first page too).
    pub dpage: usize,
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
    /// Form: the class, its id as sent (empty: none chosen).
    pub class: String,
}

impl BookQuery {
    /// Reads the query string.
    pub fn from_map(q: &ParamsMap) -> BookQuery {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        BookQuery {
            kind: DeviceKind::parse(&get(keys::KIND)),
            device: get(keys::DEVICE).parse().ok(),
            dpage: get(keys::DEVICE_PAGE)
                .parse()
                .ok()
                .filter(|p| *p > 1)
                .unwrap_or(0),
            week: parse_date(&get(keys::WEEK)),
            day: parse_date(&get(keys::DAY)),
            book_device: get(keys::BOOK_DEVICE),
            date: get(keys::DATE),
            periods: parse_numbers(&get(keys::PERIODS)),
            qty: get(keys::QTY),
            note: q.get(keys::NOTE).unwrap_or_default(),
            until: get(keys::UNTIL),
            class: get(keys::CLASS),
        }
    }

    /// The page's URL with this query (empty values left out).
    pub fn href(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(d) = self.device {
            parts.push((keys::DEVICE, d.to_string()));
        } else {
            if let Some(k) = self.kind {
                parts.push((keys::KIND, k.as_str().to_owned()));
            }
            if self.dpage > 1 {
                parts.push((keys::DEVICE_PAGE, self.dpage.to_string()));
            }
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
            (keys::CLASS, self.class.clone()),
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
                .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
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
}

/// `/book`.
#[component]
pub fn BookPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| BookQuery::from_map(&query.read()));
    // The form's classes: the one the caller's timetable has in the day and periods chosen
    // comes first (a lesson's "book a device" link, or a picked cell).
    let options = Resource::new(
        move || {
            let q = q.get();
            (q.date.clone(), q.periods.clone())
        },
        |(date, periods)| {
            let periods = periods
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            booking_options(Some(date), Some(periods))
        },
    );
    let week = Resource::new(
        move || {
            let q = q.get();
            (
                q.kind.map(|k| k.as_str().to_owned()),
                q.device,
                q.week.map(|w| w.to_string()),
                q.dpage,
            )
        },
        |(kind, device, week, dpage)| booking_week(kind, device, week, Some(dpage)),
    );
    view! {
        <PageTitle text=tr("book.title") />
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
                    Ok(o) => view! { <Booking options=o q week /> }.into_any(),
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
            <BookForm options q=q.get_untracked() />
        </div>
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
    fn a_page_of_devices_is_in_the_link_of_a_kind_only() {
        let q = BookQuery {
            kind: Some(DeviceKind::Projector),
            dpage: 3,
            ..Default::default()
        };
        assert_eq!(q.href(), "/book?kind=projector&dpage=3");
        let one = BookQuery {
            device: Some(DeviceId(7)),
            ..q.clone()
        };
        assert_eq!(one.href(), "/book?device=7");
        let first = BookQuery { dpage: 1, ..q };
        assert_eq!(first.href(), "/book?kind=projector");
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
            class: "12".into(),
            ..Default::default()
        };
        let paged = BookQuery {
            kind: Some(DeviceKind::Projector),
            device: None,
            dpage: 2,
            ..q.clone()
        };
        for q in [q, paged] {
            let href = q.href();
            let query = href.split_once('?').unwrap().1;
            let map = ParamsMap::from_iter(query.split('&').map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                let v = percent_decode(v);
                (k.to_owned(), v)
            }));
            assert_eq!(BookQuery::from_map(&map), q);
        }
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
