//! Measuring: every school's counts over a window, and the timetabled lessons.

use super::*;

/// An open school of the province on a date, with what was measured of it.
#[derive(Debug, Clone)]
pub(crate) struct Measure {
    pub school: SchoolId,
    pub measured: Measured,
    pub last_activity: Option<NaiveDate>,
}

fn add_counts(
    counts: &mut HashMap<i64, (i64, i64, Option<String>)>,
    rows: &[sqlx::any::AnyRow],
) -> Result<(), Error> {
    for r in rows {
        let school: i64 = r.try_get("school_id").map_err(internal)?;
        let a: i64 = r.try_get("a").map_err(internal)?;
        let b: i64 = r.try_get("b").map_err(internal)?;
        let last: Option<String> = r.try_get("last").map_err(internal)?;
        counts.insert(school, (a, b, last));
    }
    Ok(())
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
            "SELECT d.school_id, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, CAST(NULL AS TEXT) AS last FROM devices d \
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
            "SELECT b.school_id, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, MAX(s.date) AS last FROM booking_slots s \
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
            "SELECT u.school_id, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, CAST(NULL AS TEXT) AS last FROM users u \
             WHERE u.role = 'teacher' AND u.active = 1 AND u.created_at < {e}{} \
             GROUP BY u.school_id",
            one(w, "u.school_id")
        )
    })
    .await?;
    let attached = fetch(&|w| {
        let (pf, pt, e) = (w.param(f.clone()), w.param(t.clone()), w.param(end));
        format!(
            "SELECT u.school_id, COUNT(DISTINCT m.attached_by) AS a, CAST(0 AS BIGINT) AS b, MAX(m.date) AS last \
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
            "SELECT r.school_id, CAST(SUM(r.on_time) AS BIGINT) AS a, COUNT(*) AS b, MAX(r.date) AS last \
             FROM roll_calls r WHERE r.date >= {pf} AND r.date <= {pt} AND r.taken_at < {e}{} \
             GROUP BY r.school_id",
            one(w, "r.school_id")
        )
    })
    .await?;

    let lessons = lessons_by_school(ctx, from, as_of, only).await?;

    let mut dev = HashMap::new();
    add_counts(&mut dev, &devices)?;
    let mut used = HashMap::new();
    add_counts(&mut used, &use_rows)?;
    let mut tch = HashMap::new();
    add_counts(&mut tch, &teachers)?;
    let mut att = HashMap::new();
    add_counts(&mut att, &attached)?;
    let mut rc = HashMap::new();
    add_counts(&mut rc, &rolls)?;

    let mut out = Vec::with_capacity(schools.len());
    for r in &schools {
        let id: i64 = r.try_get("id").map_err(internal)?;
        let opened: Option<String> = r.try_get("opened_on").map_err(internal)?;
        let closed: Option<String> = r.try_get("closed_on").map_err(internal)?;
        let since: Option<String> = r.try_get("since").map_err(internal)?;
        let opened = opened.as_deref().and_then(crate::dates::parse_date);
        let closed = closed.as_deref().and_then(crate::dates::parse_date);
        if opened.is_some_and(|o| o > as_of) || closed.is_some_and(|c| c <= as_of) {
            continue;
        }
        let enrolled = since
            .as_deref()
            .and_then(crate::dates::parse_date)
            .is_some_and(|s| s <= as_of);
        let get = |m: &HashMap<i64, (i64, i64, Option<String>)>| m.get(&id).cloned();
        let u = get(&used);
        let a = get(&att);
        let rcall = get(&rc);
        let last_activity = [&u, &a, &rcall]
            .into_iter()
            .filter_map(|x| x.as_ref().and_then(|x| x.2.as_deref()))
            .filter_map(crate::dates::parse_date)
            .max();
        out.push(Measure {
            school: SchoolId(id),
            measured: Measured {
                enrolled,
                devices: get(&dev).map_or(0, |x| x.0),
                device_periods: u.map_or(0, |x| x.0),
                teachers: get(&tch).map_or(0, |x| x.0),
                teachers_with_materials: a.map_or(0, |x| x.0),
                lessons: lessons.get(&id).copied().unwrap_or(0),
                roll_calls_on_time: rcall.map_or(0, |x| x.0),
            },
            last_activity,
        });
    }
    Ok(out)
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

    let date =
        |r: &sqlx::any::AnyRow, c: &str| crate::services::db::get_date(r, c).map_err(internal);
    let mut per_version: HashMap<i64, [i64; 8]> = HashMap::new();
    for r in &counts {
        let v: i64 = r.try_get("version_id").map_err(internal)?;
        let wd: i64 = r.try_get("weekday").map_err(internal)?;
        let n: i64 = r.try_get("n").map_err(internal)?;
        if let Some(slot) = per_version.entry(v).or_default().get_mut(wd as usize) {
            *slot = n;
        }
    }
    let mut by_class: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for r in &versions {
        let class: i64 = r.try_get("class_id").map_err(internal)?;
        by_class
            .entry(class)
            .or_default()
            .push((date(r, "starts")?, r.try_get("id").map_err(internal)?));
    }
    for v in by_class.values_mut() {
        v.sort();
    }
    let mut off: HashMap<i64, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    for r in &holidays {
        off.entry(r.try_get("school_id").map_err(internal)?)
            .or_default()
            .push((date(r, "starts")?, date(r, "ends")?));
    }
    let mut out: HashMap<i64, i64> = HashMap::new();
    for c in &classes {
        let id: i64 = c.try_get("id").map_err(internal)?;
        let school: i64 = c.try_get("school_id").map_err(internal)?;
        let Some(vs) = by_class.get(&id) else {
            continue;
        };
        let holidays = off.get(&school).map(Vec::as_slice).unwrap_or(&[]);
        let (starts, ends) = (date(c, "starts")?, date(c, "ends")?);
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
