//! Bookings for teachers (the week view, booking, recurring booking, cancelling, "my
//! bookings") and the utilisation report.
//!
//! The mutations are also the targets of plain HTML forms (no JavaScript yet, or none at all on
//! a weak connection). They then answer with a redirect back to the page the form was on,
//! keeping that page's view (kind, device, week…) and carrying the outcome in the query string
//! (the keys in [`keys`]): what was booked or cancelled, or the error (`__err`, which
//! `ServerAction` reads) plus what the user typed, so nothing is lost.

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::bookings::{Booking, SkippedDay};
pub use lophoc::bookings::{BookingList, BookingSetup, PAST_DAYS};
use lophoc::ids::{BookingId, DeviceId, SchoolId};
pub use lophoc::utilisation::UtilisationView;
use lophoc::week::WeekView;

/// Query-string keys of the booking pages: the view, the booking form's values (a link that
/// prefills the form uses the same keys as a failed post that keeps what was typed), and the
/// answers of a plain form post.
pub mod keys {
    /// The kind shown (`?kind=projector`).
    pub const KIND: &str = "kind";
    /// The one device shown (`?device=ID`; the device page links here).
    pub const DEVICE: &str = "device";
    /// The page of a kind's devices shown (from 1; see `lophoc::week::DEVICES_PER_PAGE`).
    pub const DEVICE_PAGE: &str = "dpage";
    /// Any day of the week shown (`YYYY-MM-DD`).
    pub const WEEK: &str = "week";
    /// The day a phone shows.
    pub const DAY: &str = "day";
    /// "My bookings" or the whole school's (`mine` | `all`).
    pub const SCOPE: &str = "scope";
    /// The form: the device to book.
    pub const BOOK_DEVICE: &str = "book_device";
    /// The form: the day.
    pub const DATE: &str = "date";
    /// The form: the periods, comma separated.
    pub const PERIODS: &str = "periods";
    /// The form: units of a pool.
    pub const QTY: &str = "qty";
    /// The form: the note.
    pub const NOTE: &str = "note";
    /// The form: repeat weekly until this day.
    pub const UNTIL: &str = "until";
    /// Form: the class the booking is for (a lesson's link sets it).
    pub const CLASS: &str = "class";
    /// Answer: the device booked.
    pub const DONE_DEVICE: &str = "done_device";
    /// Answer: the days booked, comma separated.
    pub const DONE_DATES: &str = "done_dates";
    /// Answer: the periods booked, comma separated.
    pub const DONE_PERIODS: &str = "done_periods";
    /// Answer: the units booked.
    pub const DONE_QTY: &str = "done_qty";
    /// Answer: it was a weekly booking.
    pub const DONE_WEEKLY: &str = "done_weekly";
    /// Answer: the days a weekly booking skipped (`date.reason.p-p`, comma separated).
    pub const SKIPPED: &str = "skipped";
    /// Answer: a booking was cancelled (what it was).
    pub const CANCELLED: &str = "cancelled";
    /// Keys that describe the page being looked at, kept across a form's answer.
    pub const VIEW: [&str; 5] = [KIND, DEVICE, WEEK, DAY, SCOPE];
}

/// What a booking did, single or weekly; also what a plain form post carries back in the query
/// (see [`BookOutcomeQuery`]).
pub use lophoc::bookings::BookOutcome;

fn join<T: ToString>(items: &[T], sep: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Numbers of a comma (or `-`) separated list, ignoring anything else.
pub fn parse_numbers(s: &str) -> Vec<i64> {
    let mut v: Vec<i64> = s
        .split([',', '-', ' '])
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A booking's outcome as query pairs (see [`keys`]), and back.
pub trait BookOutcomeQuery: Sized {
    /// The outcome as query pairs.
    fn to_query(&self) -> Vec<(&'static str, String)>;
    /// The outcome from query values, if the query carries one.
    fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<Self>;
}

impl BookOutcomeQuery for BookOutcome {
    fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            (keys::DONE_DEVICE, self.device.clone()),
            (keys::DONE_DATES, join(&self.dates, ",")),
            (keys::DONE_PERIODS, join(&self.periods, ",")),
        ];
        if self.quantity > 1 {
            out.push((keys::DONE_QTY, self.quantity.to_string()));
        }
        if self.weekly {
            out.push((keys::DONE_WEEKLY, "1".into()));
        }
        if !self.skipped.is_empty() {
            let s = self
                .skipped
                .iter()
                .map(|d| format!("{}.{}.{}", d.date, d.reason, join(&d.periods, "-")))
                .collect::<Vec<_>>()
                .join(",");
            out.push((keys::SKIPPED, s));
        }
        out
    }

    fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<BookOutcome> {
        let device = get(keys::DONE_DEVICE).filter(|d| !d.is_empty())?;
        let list = |k: &str| -> Vec<String> {
            get(k)
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let skipped = list(keys::SKIPPED)
            .into_iter()
            .filter_map(|s| {
                let mut parts = s.splitn(3, '.');
                let date = lophoc::dates::parse_date(parts.next()?)?;
                let reason = parts.next()?.to_owned();
                let periods = parse_numbers(parts.next().unwrap_or(""));
                Some(SkippedDay {
                    date,
                    reason,
                    periods,
                })
            })
            .collect();
        Some(BookOutcome {
            device,
            periods: parse_numbers(&get(keys::DONE_PERIODS).unwrap_or_default()),
            quantity: get(keys::DONE_QTY)
                .and_then(|q| q.parse().ok())
                .unwrap_or(1),
            dates: list(keys::DONE_DATES),
            weekly: get(keys::DONE_WEEKLY).is_some(),
            skipped,
        })
    }
}

/// The school's devices and periods for the booking form (teachers and school administrators
/// of a school), with the classes the caller may book for and the one their timetable has on
/// `date` in one of `periods`.
#[server(prefix = "/fn", endpoint = "booking_options")]
pub async fn booking_options(
    /// The day the form is filled in for, as typed (absent or not a day: no suggested class).
    date: Option<String>,
    /// The periods chosen, comma separated.
    periods: Option<String>,
) -> Result<BookingSetup, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let date = date.as_deref().and_then(lophoc::dates::parse_date);
    let periods = parse_numbers(periods.as_deref().unwrap_or(""));
    lophoc::services::bookings::setup(&ctx, &actor, date, &periods)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The week (Monday–Saturday) of `week` (any day of it; default this week) for one device, or
/// for the devices of a kind in the caller's school, a page (`dpage`, from 1) at a time. With
/// neither, the first kind the school has.
#[server(prefix = "/fn", endpoint = "booking_week")]
pub async fn booking_week(
    /// The kind of device whose devices are shown (a kind code).
    kind: Option<String>,
    /// The one device shown instead of a kind's devices.
    device: Option<DeviceId>,
    /// Any day of the week shown (this week when absent).
    week: Option<String>,
    /// The page of the kind's devices (from 1).
    dpage: Option<usize>,
) -> Result<WeekView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let kind = kind.as_deref().and_then(lophoc::devices::DeviceKind::parse);
    let day = week.as_deref().and_then(lophoc::dates::parse_date);
    lophoc::services::week::browse(&ctx, &actor, kind, device, day, dpage.unwrap_or(1))
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Books a device for periods of a day, all or nothing; with `until`, the same periods every
/// week on that weekday until then (each day on its own; days that are taken, holidays or past
/// are skipped and listed). A taken period is a 409 whose message lists the taken periods.
#[server(prefix = "/fn", endpoint = "book_device")]
pub async fn book_device(
    /// The device booked, as the form sends it.
    device_id: String,
    /// The day booked (the first one with `until`).
    date: String,
    /// The numbers of the periods booked that day.
    periods: Option<Vec<i64>>,
    /// How many units of a pool, as typed (empty: one).
    quantity: Option<String>,
    /// The teacher's note on the booking.
    note: Option<String>,
    /// The last day of a weekly booking (empty: the one day).
    until: Option<String>,
    /// The class the booking is for, its id (empty: none).
    class_id: Option<String>,
) -> Result<BookOutcome, UiError> {
    use server_fn::ServerFn;
    let periods = periods.unwrap_or_default();
    let until = until.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty());
    let quantity_s = quantity.unwrap_or_default().trim().to_owned();
    let note = note.filter(|n| !n.trim().is_empty());
    let class_s = class_id.unwrap_or_default().trim().to_owned();
    let form = lophoc::bookings::BookingForm {
        device_id: device_id.clone(),
        date: date.clone(),
        periods: periods.clone(),
        quantity: quantity_s.clone(),
        note: note.clone(),
        until: until.clone(),
        class_id: Some(class_s.clone()).filter(|c| !c.is_empty()),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::bookings::book(&ctx, &actor, &form, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    // Where the answer lands: the week of the day asked for, so the grid shows what happened.
    let day = lophoc::dates::parse_date(&date);
    let mut view: Vec<(&'static str, String)> = day
        .map(|d| {
            let monday = lophoc::dates::monday_of(d);
            vec![(keys::WEEK, monday.to_string()), (keys::DAY, d.to_string())]
        })
        .unwrap_or_default();
    let answer = match &r {
        Ok(o) => {
            view.push((keys::BOOK_DEVICE, device_id.trim().to_owned()));
            view.push((keys::DATE, date.trim().to_owned()));
            view.extend(o.to_query());
            view
        }
        Err(_) => {
            view.extend([
                (keys::BOOK_DEVICE, device_id.trim().to_owned()),
                (keys::DATE, date.trim().to_owned()),
                (keys::PERIODS, join(&periods, ",")),
                (keys::QTY, quantity_s.clone()),
                (keys::NOTE, note.clone().unwrap_or_default()),
                (keys::UNTIL, until.clone().unwrap_or_default()),
                (keys::CLASS, class_s.clone()),
            ]);
            view
        }
    };
    form::answer(r, BookDevice::PATH, answer, "book")
}

/// Cancels a booking that has not started: its teacher or the school's administrators.
#[server(prefix = "/fn", endpoint = "cancel_booking")]
pub async fn cancel_booking(
    /// The booking cancelled.
    id: BookingId,
) -> Result<Booking, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::bookings::cancel(&ctx, &actor, id, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    let answer = match &r {
        Ok(b) => vec![(
            keys::CANCELLED,
            format!(
                "{} — {}",
                b.device_name,
                lophoc::dates::display_date(b.date)
            ),
        )],
        Err(_) => vec![],
    };
    form::answer(r, CancelBooking::PATH, answer, "")
}

/// The caller's bookings (upcoming, then the last [`PAST_DAYS`] days); with `scope=all`, a
/// school administrator sees the whole school's.
#[server(prefix = "/fn", endpoint = "list_bookings")]
pub async fn list_bookings(
    /// `all` for the whole school's bookings (school administrators); else the caller's.
    scope: Option<String>,
) -> Result<BookingList, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::bookings::my_list(&ctx, &actor, scope.as_deref() == Some("all"))
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Utilisation over a range (default the last 30 days): school administrators their school,
/// the department and sysadmins one school (`school`), or the overview across schools: a page
/// of areas, or one area's schools (`area`).
#[server(prefix = "/fn", endpoint = "utilisation_report")]
pub async fn utilisation_report(
    /// The one school reported on (the caller's own for school administrators).
    school: Option<SchoolId>,
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
    /// Only devices of this kind (a kind code; empty: every kind).
    kind: Option<String>,
    /// The area whose schools are listed in the overview.
    area: Option<lophoc::ids::AreaId>,
    /// The overview's page of areas (from 1).
    page: Option<i64>,
) -> Result<UtilisationView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let f = lophoc::utilisation::UtilisationFilter {
        school_id: school,
        from: nonempty(from),
        to: nonempty(to),
        kind: nonempty(kind)
            .as_deref()
            .and_then(lophoc::devices::DeviceKind::parse),
        area,
        page,
    };
    lophoc::services::utilisation::view(&ctx, &actor, &f)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Plain-form answers (server only).
#[cfg(feature = "ssr")]
mod form {
    use super::keys;
    use crate::error::UiError;

    /// [`crate::serverfns::form::reply`] for the booking pages: back to the page with its view
    /// ([`keys::VIEW`], anything else there was an earlier answer), overridden and extended by
    /// `pairs`, to `#anchor` when given.
    pub fn answer<T>(
        r: Result<T, UiError>,
        fn_path: &str,
        pairs: Vec<(&'static str, String)>,
        anchor: &str,
    ) -> Result<T, UiError> {
        crate::serverfns::form::reply(r, fn_path, |k| keys::VIEW.contains(&k), |_| pairs, anchor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_survives_the_query() {
        let o = BookOutcome {
            device: "Máy chiếu Epson EB-X50".into(),
            periods: vec![1, 2],
            quantity: 20,
            dates: vec!["2026-12-03".into(), "2026-12-17".into()],
            weekly: true,
            skipped: vec![
                SkippedDay {
                    date: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
                    reason: "taken".into(),
                    periods: vec![2],
                },
                SkippedDay {
                    date: chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                    reason: "holiday".into(),
                    periods: vec![],
                },
            ],
        };
        let q = o.to_query();
        let get = |k: &str| q.iter().find(|(p, _)| *p == k).map(|(_, v)| v.clone());
        assert_eq!(BookOutcome::from_query(get), Some(o));
        assert_eq!(BookOutcome::from_query(|_| None), None);
    }

    #[test]
    fn numbers_of_a_list() {
        assert_eq!(parse_numbers("3,1, 2,x,1"), vec![1, 2, 3]);
        assert_eq!(parse_numbers("1-2"), vec![1, 2]);
        assert!(parse_numbers("").is_empty());
    }
}
