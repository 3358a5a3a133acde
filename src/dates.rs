//! Dates as Vietnamese users write them (dd/mm/yyyy) and as the API sends them (YYYY-MM-DD),
//! in school time (Asia/Ho_Chi_Minh, UTC+7, no daylight saving).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};

/// The school time zone: UTC+7 all year.
pub fn school_tz() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// Unix seconds at the start of day `d`, school time (midnight in Việt Nam).
pub fn midnight(d: NaiveDate) -> i64 {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    // A fixed offset: every local time is exactly one instant.
    school_tz()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.timestamp())
        .unwrap_or_else(|| (local - chrono::Duration::hours(7)).and_utc().timestamp())
}

/// Parses `YYYY-MM-DD` (the API, links) or a day first as people type it: `dd/mm/yyyy`, also
/// with one-digit day or month and with `-` or `.` between (`2-9-2026`, `02.09.2026`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
        // A two-digit year is not a year of this school system.
        .filter(|d| d.year() >= 1900)
}

/// An optional day as a form or a query sends it (empty or absent: none); anything that is not
/// a day is a validation error on `field`.
pub fn optional_date(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>, crate::Error> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| crate::Error::field(field, crate::Msg::new("validation.date"))),
    }
}

/// The range of a report from its optional `from` and `to`: by default to today, and the 30
/// days up to `to`.
pub fn report_range(
    now: i64,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), crate::Error> {
    let to = optional_date("to", to)?.unwrap_or_else(|| today_at(now));
    let from = optional_date("from", from)?.unwrap_or(to - chrono::Duration::days(29));
    Ok((from, to))
}

/// `dd/mm/yyyy`, as shown to users in both languages.
pub fn display_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `dd/mm/yyyy` for an API date string; the input unchanged if it is not a date.
pub fn display_iso_date(s: &str) -> String {
    parse_date(s)
        .map(display_date)
        .unwrap_or_else(|| s.to_owned())
}

/// A unix timestamp as RFC 3339 in school time.
pub fn rfc3339(unix: i64) -> String {
    school_tz()
        .timestamp_opt(unix, 0)
        .single()
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// An RFC 3339 timestamp as `dd/mm/yyyy HH:MM` in school time.
pub fn display_timestamp(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| {
            t.with_timezone(&school_tz())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| s.to_owned())
}

/// Today in school time.
pub fn today_at(unix: i64) -> NaiveDate {
    Utc.timestamp_opt(unix, 0)
        .single()
        .map(|t| t.with_timezone(&school_tz()).date_naive())
        .unwrap_or_default()
}

/// The Monday of the week of `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(chrono::Datelike::weekday(&d).num_days_from_monday() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_is_school_time() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        // 00:00 in Việt Nam is 17:00 UTC the day before.
        assert_eq!(midnight(d), 1_795_971_600);
        assert_eq!(today_at(midnight(d)), d);
        assert_eq!(today_at(midnight(d) - 1), d.pred_opt().unwrap());
    }

    #[test]
    fn a_day_first_date_as_people_type_it() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 2).unwrap();
        for s in [
            "2026-09-02",
            "02/09/2026",
            "2/9/2026",
            " 02-09-2026 ",
            "2.9.2026",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        for s in ["09/02/26", "2/9", "31/02/2026", "2026/09/02", "hôm nay", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(display_iso_date("2026-09-02"), "02/09/2026");
        assert_eq!(display_iso_date("2/9/2026"), "02/09/2026");
        assert_eq!(display_iso_date("32/1/2026"), "32/1/2026");
    }

    #[test]
    fn both_formats() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 5).unwrap();
        assert_eq!(parse_date("2026-09-05"), Some(d));
        assert_eq!(parse_date("05/09/2026"), Some(d));
        assert_eq!(parse_date("5/9/2026"), Some(d));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(display_date(d), "05/09/2026");
    }

    #[test]
    fn school_time() {
        // 2026-11-27T17:30:00Z is 00:30 on the 28th in Hà Nội.
        assert_eq!(today_at(1_795_800_600).to_string(), "2026-11-28");
        assert!(rfc3339(0).ends_with("+07:00"));
        assert_eq!(
            display_timestamp("2026-11-28T00:30:00+07:00"),
            "28/11/2026 00:30"
        );
    }
}
