//! How numbers, days, periods and units are written on pages, in the UI's language.

use crate::i18n::{current_lang, tr, trf};
use chrono::{Datelike, NaiveDate, Weekday};
use lophoc::dates::parse_date;
use lophoc::devices::Device;
use lophoc::ids::SchoolId;
use lophoc::text::numbers;

/// A whole number with thousands grouped the way the language writes them: `12.345` in
/// Vietnamese, `12,345` in English ([`lophoc::text::numbers`]).
pub fn group_digits(n: i64) -> String {
    numbers::integer(current_lang(), n)
}

/// A number with at most one decimal in the UI's language: `2,5` (vi), `2.5` (en), `20`.
pub fn decimal_text(x: f64) -> String {
    numbers::decimal(current_lang(), x, 1)
}

/// A value for a form's field, in the UI's language without grouping: `1500,5` (vi).
pub fn field_text(x: f64) -> String {
    numbers::field(current_lang(), x, 1)
}

/// A size in the UI's language: `1,5 MB` (vi), `1.5 MB` (en).
pub fn size_text(bytes: i64) -> String {
    numbers::size(current_lang(), bytes)
}

/// The translation key of a weekday's name.
pub fn weekday_key(d: Weekday, short: bool) -> &'static str {
    match (d, short) {
        (Weekday::Mon, false) => "weekday.mon",
        (Weekday::Tue, false) => "weekday.tue",
        (Weekday::Wed, false) => "weekday.wed",
        (Weekday::Thu, false) => "weekday.thu",
        (Weekday::Fri, false) => "weekday.fri",
        (Weekday::Sat, false) => "weekday.sat",
        (Weekday::Sun, false) => "weekday.sun",
        (Weekday::Mon, true) => "weekday_short.mon",
        (Weekday::Tue, true) => "weekday_short.tue",
        (Weekday::Wed, true) => "weekday_short.wed",
        (Weekday::Thu, true) => "weekday_short.thu",
        (Weekday::Fri, true) => "weekday_short.fri",
        (Weekday::Sat, true) => "weekday_short.sat",
        (Weekday::Sun, true) => "weekday_short.sun",
    }
}

/// "Thứ Hai 07/12/2026".
pub fn day_label(d: NaiveDate) -> String {
    format!(
        "{} {}",
        tr(weekday_key(d.weekday(), false)),
        lophoc::dates::display_date(d)
    )
}

/// [`day_label`] of a day carried as text (a page's query), the text as it is if it is not one.
pub fn day_label_text(date: &str) -> String {
    parse_date(date).map_or_else(|| date.to_owned(), day_label)
}

/// A list of periods as people say it: "1, 2, 3".
pub fn periods_label(periods: &[i64]) -> String {
    periods
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `?school=ID` for a link of a page about one school, or nothing for the caller's own.
pub fn school_query(school: Option<SchoolId>, first: bool) -> String {
    match school {
        Some(s) if first => format!("?school={s}"),
        Some(s) => format!("&school={s}"),
        None => String::new(),
    }
}

/// "1 device" or "a pool of N".
pub fn units_text(d: &Device) -> String {
    if d.is_pool() {
        trf("devices.pool_of", &[("n", d.quantity.to_string())])
    } else {
        tr("devices.single").to_owned()
    }
}

/// A share with one decimal and its sign in the UI's language: `33,4%` (vi), `33.4%` (en).
pub fn percent_text(x: f64) -> String {
    numbers::percent(current_lang(), x)
}
