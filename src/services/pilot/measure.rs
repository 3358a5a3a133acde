//! Measuring: every school's counts over a window, and the timetabled lessons.

use super::*;
use crate::services::db::{decode_date, from_rows};

/// An open school of the province on a date, with what was measured of it.
#[derive(Debug, Clone)]
pub(crate) struct Measure {
    pub school: SchoolId,
    pub measured: Measured,
    pub last_activity: Option<NaiveDate>,
}

/// A school's count of one measure (`a`) and the last day it was seen (`last`, if the measure
/// has days).
#[derive(sqlx::FromRow)]
struct CountRow {
    school_id: i64,
    a: i64,
    last: Option<String>,
}

/// A school's count, decoded.
#[derive(Debug, Clone, Copy)]
struct Count {
    n: i64,
    last: Option<NaiveDate>,
}

/// The counts of one measure by school.
fn counts(rows: &[sqlx::any::AnyRow]) -> Result<HashMap<i64, Count>, Error> {
    from_rows::<CountRow>(rows)
        .and_then(|rows| {
            rows.into_iter()
                .map(|r| {
                    let last = r.last.as_deref().map(decode_date).transpose()?;
                    Ok((r.school_id, Count { n: r.a, last }))
                })
                .collect()
        })
        .map_err(internal)
}

/// A school with its dates: opened, closed, enrolled since.
#[derive(sqlx::FromRow)]
struct SchoolDatesRow {
    id: i64,
    opened_on: Option<String>,
    closed_on: Option<String>,
    since: Option<String>,
}

/// [`SchoolDatesRow`] decoded (dates parsed strictly).
struct SchoolDates {
    id: i64,
    opened: Option<NaiveDate>,
    closed: Option<NaiveDate>,
    since: Option<NaiveDate>,
}

impl TryFrom<SchoolDatesRow> for SchoolDates {
    type Error = sqlx::Error;
    fn try_from(r: SchoolDatesRow) -> Result<SchoolDates, sqlx::Error> {
        let date = |d: Option<String>| d.as_deref().map(decode_date).transpose();
        Ok(SchoolDates {
            id: r.id,
            opened: date(r.opened_on)?,
            closed: date(r.closed_on)?,
            since: date(r.since)?,
        })
    }
}

/// Measures every school open on `as_of` (or only `only`) over the `window_days` days ending
/// on it. Schools closed or merged on or before the date, or opened after it, are left out (not
/// in the denominator).
pub(crate) async fn compute(
    ctx: &Ctx,
    as_of: NaiveDate,
    window_days: i64,
    only: Option<SchoolId>,
) -> Result<Vec<Measure>, Error> {
    let from = as_of - Duration::days(window_days - 1);
    let (f, t) = (from.to_string(), as_of.to_string());
    let end = day_end(as_of);
    let pool = &ctx.db.pool;
    // Each query's parameters: the window, the day's end, and the one school when asked.
    let fetch = |sql: &dyn Fn(&mut Where) -> String| {
        let mut w = Where::new();
        let sql = sql(&mut w);
        async move { w.query(&sql).fetch_all(pool).await.map_err(internal) }
    };
    let one = |w: &mut Where, col: &str| match only {
        Some(s) => format!(" AND {col} = {}", w.param(s.0)),
        None => String::new(),
    };

    let schools = fetch(&|w| {
        format!(
            "SELECT s.id, s.opened_on, s.closed_on, p.since FROM schools s \
             LEFT JOIN pilot_enrollments p ON p.school_id = s.id WHERE 1 = 1{}",
            one(w, "s.id")
        )
    })
    .await?;

    // Devices in service: created by the end of the day and, by their last status note before
    // then, available (no note at all: their status now; notes only later: available then,
    // since a device starts available).
    let devices = fetch(&|w| {
        let e = w.param(end);
        format!(
            "SELECT d.school_id, COUNT(*) AS a, CAST(NULL AS TEXT) AS last FROM devices d \
             WHERE d.created_at < {e} AND COALESCE((SELECT n.status FROM device_notes n \
                WHERE n.device_id = d.id AND n.status IS NOT NULL AND n.at < {e} \
                ORDER BY n.at DESC, n.id DESC LIMIT 1), \
                CASE WHEN EXISTS (SELECT 1 FROM device_notes n WHERE n.device_id = d.id \
                    AND n.status IS NOT NULL) THEN 'available' ELSE d.status END) = 'available'{} \
             GROUP BY d.school_id",
            one(w, "d.school_id")
        )
    })
    .await?;

    // Checked-in device periods: each period of a booking that was checked in.
    let use_rows = fetch(&|w| {
        let (pf, pt, e) = (w.param(f.clone()), w.param(t.clone()), w.param(end));
        format!(
            "SELECT b.school_id, COUNT(*) AS a, MAX(s.date) AS last FROM booking_slots s \
             JOIN bookings b ON b.id = s.booking_id \
             WHERE s.date >= {pf} AND s.date <= {pt} AND b.checked_in_at IS NOT NULL \
             AND b.checked_in_at < {e}{} GROUP BY b.school_id",
            one(w, "b.school_id")
        )
    })
    .await?;

    // Active teachers, and of them those who attached a material to a lesson of the window.
    let teachers = fetch(&|w| {
        let e = w.param(end);
        format!(
            "SELECT u.school_id, COUNT(*) AS a, CAST(NULL AS TEXT) AS last FROM users u \
             WHERE u.role = 'teacher' AND u.active = 1 AND u.created_at < {e}{} \
             GROUP BY u.school_id",
            one(w, "u.school_id")
        )
    })
    .await?;
    let attached = fetch(&|w| {
        let (pf, pt, e) = (w.param(f.clone()), w.param(t.clone()), w.param(end));
        format!(
            "SELECT u.school_id, COUNT(DISTINCT m.attached_by) AS a, MAX(m.date) AS last \
             FROM lesson_materials m JOIN users u ON u.id = m.attached_by \
             WHERE m.date >= {pf} AND m.date <= {pt} AND m.attached_at < {e} \
             AND u.role = 'teacher' AND u.active = 1 AND u.created_at < {e}{} \
             GROUP BY u.school_id",
            one(w, "u.school_id")
        )
    })
    .await?;

    // Roll calls taken on time in the window (taken by the end of the day).
    let rolls = fetch(&|w| {
        let (pf, pt, e) = (w.param(f.clone()), w.param(t.clone()), w.param(end));
        format!(
            "SELECT r.school_id, CAST(SUM(r.on_time) AS BIGINT) AS a, MAX(r.date) AS last \
             FROM roll_calls r WHERE r.date >= {pf} AND r.date <= {pt} AND r.taken_at < {e}{} \
             GROUP BY r.school_id",
            one(w, "r.school_id")
        )
    })
    .await?;

    // Class-log entries of the window signed on time (their signature received by the end of
    // the day).
    let logs = fetch(&|w| {
        let (pf, pt, e) = (w.param(f.clone()), w.param(t.clone()), w.param(end));
        format!(
            "SELECT l.school_id, COUNT(*) AS a, MAX(l.date) AS last FROM class_log_entries l \
             WHERE l.date >= {pf} AND l.date <= {pt} AND l.signed_by IS NOT NULL \
             AND l.late_minutes = 0 AND l.received_at < {e}{} GROUP BY l.school_id",
            one(w, "l.school_id")
        )
    })
    .await?;

    let lessons = lessons_by_school(ctx, from, as_of, only).await?;

    let dev = counts(&devices)?;
    let used = counts(&use_rows)?;
    let tch = counts(&teachers)?;
    let att = counts(&attached)?;
    let rc = counts(&rolls)?;
    let lg = counts(&logs)?;

    let mut out = Vec::with_capacity(schools.len());
    for r in from_rows::<SchoolDatesRow>(&schools).map_err(internal)? {
        let SchoolDates {
            id,
            opened,
            closed,
            since,
        } = r.try_into().map_err(internal)?;
        if opened.is_some_and(|o| o > as_of) || closed.is_some_and(|c| c <= as_of) {
            continue;
        }
        let enrolled = since.is_some_and(|s| s <= as_of);
        // A school with no row in a measure has none of it.
        let get = |m: &HashMap<i64, Count>| m.get(&id).copied();
        let u = get(&used);
        let a = get(&att);
        let rcall = get(&rc);
        let signed = get(&lg);
        let last_activity = [u, a, rcall, signed]
            .into_iter()
            .filter_map(|x| x.and_then(|x| x.last))
            .max();
        out.push(Measure {
            school: SchoolId(id),
            measured: Measured {
                enrolled,
                devices: get(&dev).map_or(0, |x| x.n),
                device_periods: u.map_or(0, |x| x.n),
                teachers: get(&tch).map_or(0, |x| x.n),
                teachers_with_materials: a.map_or(0, |x| x.n),
                lessons: lessons.get(&id).copied().unwrap_or(0),
                roll_calls_on_time: rcall.map_or(0, |x| x.n),
                logs_on_time: signed.map_or(0, |x| x.n),
            },
            last_activity,
        });
    }
    Ok(out)
}

/// A class with its school year's first and last day.
#[derive(sqlx::FromRow)]
struct ClassYearRow {
    id: i64,
    school_id: i64,
    starts: String,
    ends: String,
}

/// A school's holiday, first and last day.
#[derive(sqlx::FromRow)]
struct HolidayRow {
    school_id: i64,
    starts: String,
    ends: String,
}

/// A stored first and last day, parsed strictly.
fn span(starts: &str, ends: &str) -> Result<(NaiveDate, NaiveDate), Error> {
    Ok((
        decode_date(starts).map_err(internal)?,
        decode_date(ends).map_err(internal)?,
    ))
}

/// A timetable version of a class, in force from `starts`.
#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    class_id: i64,
    starts: String,
}

/// How many lessons a timetable version has on a weekday.
#[derive(sqlx::FromRow)]
struct WeekdayCountRow {
    version_id: i64,
    weekday: i64,
    n: i64,
}

/// The timetabled lessons of every school (or `only`) from `from` to `to`: each day of a
/// class's school year that is not a holiday of its school, the lessons of that weekday in the
/// timetable version in force (the rule of `timetable::timetabled`, counted instead of listed).
async fn lessons_by_school(
    ctx: &Ctx,
    from: NaiveDate,
    to: NaiveDate,
    only: Option<SchoolId>,
) -> Result<HashMap<i64, i64>, Error> {
    let pool = &ctx.db.pool;
    let (f, t) = (from.to_string(), to.to_string());
    // The classes of school years that overlap the range (of the one school when asked).
    let fetch = |select: &str, tail: &str| {
        let mut w = Where::new();
        let (pt, pf) = (w.param(t.clone()), w.param(f.clone()));
        let cond = match only {
            Some(s) => format!(" AND c.school_id = {}", w.param(s.0)),
            None => String::new(),
        };
        let sql = format!(
            "{select} JOIN school_years y ON y.id = c.year_id \
             WHERE y.starts <= {pt} AND y.ends >= {pf}{cond}{tail}"
        );
        async move { w.query(&sql).fetch_all(pool).await.map_err(internal) }
    };
    let classes = fetch(
        "SELECT c.id, c.school_id, y.starts, y.ends FROM classes c",
        "",
    )
    .await?;
    if classes.is_empty() {
        return Ok(HashMap::new());
    }
    let versions = fetch(
        "SELECT v.id, v.class_id, v.starts FROM timetable_versions v \
         JOIN classes c ON c.id = v.class_id",
        "",
    )
    .await?;
    let counts = fetch(
        "SELECT i.version_id, i.weekday, COUNT(*) AS n FROM timetable_items i \
         JOIN timetable_versions v ON v.id = i.version_id JOIN classes c ON c.id = v.class_id",
        " GROUP BY i.version_id, i.weekday",
    )
    .await?;
    let holidays = {
        let mut w = Where::new();
        let (pt, pf) = (w.param(t.clone()), w.param(f.clone()));
        let cond = match only {
            Some(s) => format!(" AND school_id = {}", w.param(s.0)),
            None => String::new(),
        };
        let sql = format!(
            "SELECT school_id, starts, ends FROM holidays WHERE starts <= {pt} AND ends >= {pf}{cond}"
        );
        w.query(&sql).fetch_all(pool).await.map_err(internal)?
    };

    let mut per_version: HashMap<i64, [i64; 8]> = HashMap::new();
    for r in from_rows::<WeekdayCountRow>(&counts).map_err(internal)? {
        if let Some(slot) = per_version
            .entry(r.version_id)
            .or_default()
            .get_mut(r.weekday as usize)
        {
            *slot = r.n;
        }
    }
    let mut by_class: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for r in from_rows::<VersionRow>(&versions).map_err(internal)? {
        let starts = decode_date(&r.starts).map_err(internal)?;
        by_class.entry(r.class_id).or_default().push((starts, r.id));
    }
    for v in by_class.values_mut() {
        v.sort();
    }
    let mut off: HashMap<i64, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    for r in from_rows::<HolidayRow>(&holidays).map_err(internal)? {
        off.entry(r.school_id)
            .or_default()
            .push(span(&r.starts, &r.ends)?);
    }
    let mut out: HashMap<i64, i64> = HashMap::new();
    for c in from_rows::<ClassYearRow>(&classes).map_err(internal)? {
        let (id, school) = (c.id, c.school_id);
        let Some(vs) = by_class.get(&id) else {
            continue;
        };
        let holidays = off.get(&school).map(Vec::as_slice).unwrap_or(&[]);
        let (starts, ends) = span(&c.starts, &c.ends)?;
        let mut d = from.max(starts);
        let last = to.min(ends);
        let mut n = 0;
        while d <= last {
            if !holidays.iter().any(|(s, e)| *s <= d && d <= *e)
                && let Some((_, v)) = vs.iter().rev().find(|(s, _)| *s <= d)
            {
                n += per_version
                    .get(v)
                    .and_then(|w| w.get(weekday_number(d) as usize))
                    .copied()
                    .unwrap_or(0);
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        *out.entry(school).or_default() += n;
    }
    Ok(out)
}
