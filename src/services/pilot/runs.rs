//! Runs: made when read stale or missing, by the minute job, or on demand.

use super::*;

/// Rows per INSERT statement when a run is written.
const INSERT_BATCH: usize = 400;

/// A run that is made (or was fresh).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Its date.
    pub as_of: NaiveDate,
    /// The criteria version it used.
    pub criteria_id: i64,
    /// When it was made (unix seconds).
    pub computed_at: i64,
    /// Schools measured.
    pub schools: i64,
    /// How long making it took (ms).
    pub millis: i64,
}

/// A run as stored: its criteria, when it was made, how long it took, and the data it saw.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct Stored {
    criteria_id: i64,
    computed_at: i64,
    millis: i64,
    fingerprint: String,
    activity: String,
}

pub(super) async fn stored_run(ctx: &Ctx, as_of: NaiveDate) -> Result<Option<Stored>, Error> {
    sqlx::query_as(
        "SELECT criteria_id, computed_at, millis, fingerprint, activity FROM pilot_runs \
         WHERE as_of = $1",
    )
    .bind(as_of.to_string())
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)
}

/// What the data a run reads looked like: cheap aggregates, each read from an index (a
/// primary key's maximum, a maximum of an indexed `updated_at`, counts of the small tables and
/// of the window's attached materials), taken before the run measures. Any insert, any update
/// that stamps `updated_at`, any delete from a small table, by this process or another one
/// or by hand, changes it. Deletes from the big tables (a material detached) are caught by the
/// window count; what none of it sees is caught by [`FRESH_SECONDS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Fingerprint {
    /// The registry: schools, enrolments, users, years, classes, timetables, holidays.
    registry: String,
    /// The use: devices and their notes, bookings, materials attached, roll calls.
    activity: String,
    /// A registry time stamp is of this very second.
    registry_unsure: bool,
    /// A use time stamp is of this very second.
    activity_unsure: bool,
}

/// The aggregates of [`Fingerprint`] as read.
#[derive(sqlx::FromRow)]
struct MarksRow {
    schools_n: i64,
    schools_id: Option<i64>,
    schools_at: Option<i64>,
    enrolled_n: i64,
    enrolled_at: Option<i64>,
    users_id: Option<i64>,
    users_at: Option<i64>,
    years_n: i64,
    years_id: Option<i64>,
    classes_n: i64,
    classes_id: Option<i64>,
    versions_n: i64,
    versions_id: Option<i64>,
    holidays_n: i64,
    holidays_id: Option<i64>,
    devices_id: Option<i64>,
    devices_at: Option<i64>,
    notes_id: Option<i64>,
    bookings_id: Option<i64>,
    bookings_at: Option<i64>,
    attached_id: Option<i64>,
    attached_n: i64,
    rolls_id: Option<i64>,
    rolls_at: Option<i64>,
    logs_at: Option<i64>,
}

/// The fingerprint of the data a run of `as_of` over `window_days` reads, now.
pub(super) async fn fingerprint(
    ctx: &Ctx,
    as_of: NaiveDate,
    window_days: i64,
) -> Result<Fingerprint, Error> {
    let from = as_of - Duration::days(window_days - 1);
    let r: MarksRow = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM schools) AS schools_n, \
         (SELECT MAX(id) FROM schools) AS schools_id, \
         (SELECT MAX(updated_at) FROM schools) AS schools_at, \
         (SELECT COUNT(*) FROM pilot_enrollments) AS enrolled_n, \
         (SELECT MAX(created_at) FROM pilot_enrollments) AS enrolled_at, \
         (SELECT MAX(id) FROM users) AS users_id, \
         (SELECT MAX(updated_at) FROM users) AS users_at, \
         (SELECT COUNT(*) FROM school_years) AS years_n, \
         (SELECT MAX(id) FROM school_years) AS years_id, \
         (SELECT COUNT(*) FROM classes) AS classes_n, \
         (SELECT MAX(id) FROM classes) AS classes_id, \
         (SELECT COUNT(*) FROM timetable_versions) AS versions_n, \
         (SELECT MAX(id) FROM timetable_versions) AS versions_id, \
         (SELECT COUNT(*) FROM holidays) AS holidays_n, \
         (SELECT MAX(id) FROM holidays) AS holidays_id, \
         (SELECT MAX(id) FROM devices) AS devices_id, \
         (SELECT MAX(updated_at) FROM devices) AS devices_at, \
         (SELECT MAX(id) FROM device_notes) AS notes_id, \
         (SELECT MAX(id) FROM bookings) AS bookings_id, \
         (SELECT MAX(updated_at) FROM bookings) AS bookings_at, \
         (SELECT MAX(id) FROM lesson_materials) AS attached_id, \
         (SELECT COUNT(*) FROM lesson_materials WHERE date >= $1 AND date <= $2) AS attached_n, \
         (SELECT MAX(id) FROM roll_calls) AS rolls_id, \
         (SELECT MAX(updated_at) FROM roll_calls) AS rolls_at, \
         (SELECT MAX(received_at) FROM class_log_entries) AS logs_at",
    )
    .bind(from.to_string())
    .bind(as_of.to_string())
    .fetch_one(&ctx.db.pool)
    .await
    .map_err(internal)?;
    // A time stamp of this very second may be followed by another write in the same second
    // that leaves every aggregate as it is: a part with such a stamp is stored as unsure
    // ([`Fingerprint::stored`]), so the run is made again once [`REMAKE_AFTER`] has passed.
    let now = ctx.now();
    let at = |v: Option<i64>| v.unwrap_or(-1);
    let recent = |v: &[Option<i64>]| v.iter().any(|v| v.is_some_and(|v| v >= now));
    let id = |v: Option<i64>| v.unwrap_or(0);
    Ok(Fingerprint {
        registry_unsure: recent(&[r.schools_at, r.enrolled_at, r.users_at]),
        activity_unsure: recent(&[r.devices_at, r.bookings_at, r.rolls_at, r.logs_at]),
        registry: format!(
            "{}.{}.{}/{}.{}/{}.{}/{}.{}/{}.{}/{}.{}/{}.{}",
            r.schools_n,
            id(r.schools_id),
            at(r.schools_at),
            r.enrolled_n,
            at(r.enrolled_at),
            id(r.users_id),
            at(r.users_at),
            r.years_n,
            id(r.years_id),
            r.classes_n,
            id(r.classes_id),
            r.versions_n,
            id(r.versions_id),
            r.holidays_n,
            id(r.holidays_id),
        ),
        activity: format!(
            "{}.{}/{}/{}.{}/{}.{}/{}.{}/{}",
            id(r.devices_id),
            at(r.devices_at),
            id(r.notes_id),
            id(r.bookings_id),
            at(r.bookings_at),
            id(r.attached_id),
            r.attached_n,
            id(r.rolls_id),
            at(r.rolls_at),
            at(r.logs_at),
        ),
    })
}

impl Fingerprint {
    /// The parts as a run stores them: an unsure part marked so that it matches nothing.
    fn stored(&self) -> (String, String) {
        let mark = |s: &str, unsure: bool| {
            if unsure {
                format!("{s}?")
            } else {
                s.to_owned()
            }
        };
        (
            mark(&self.registry, self.registry_unsure),
            mark(&self.activity, self.activity_unsure),
        )
    }
}

/// Whether a stored run of `as_of` can be read as it is: made under the criteria in force, and
/// either less than [`REMAKE_AFTER`] seconds ago (a busy school writing every second does not
/// make the run again at every read), or for a day that has ended, made after it ended
/// (`now` given: on the registry as it is now), or for today, on the data as it is now and
/// less than [`FRESH_SECONDS`] ago. Without `now` the fingerprint is not compared (the trend
/// shows a month end until the minute job has made it again).
pub(super) fn is_fresh(
    ctx: &Ctx,
    as_of: NaiveDate,
    stored: Option<&Stored>,
    criteria: i64,
    now: Option<&Fingerprint>,
) -> bool {
    let Some(s) = stored else {
        return false;
    };
    if s.criteria_id != criteria || s.computed_at <= 0 {
        return false;
    }
    let age = ctx.now() - s.computed_at;
    if age < REMAKE_AFTER {
        return true;
    }
    if s.computed_at >= day_end(as_of) {
        return now.is_none_or(|f| f.registry == s.fingerprint);
    }
    age < FRESH_SECONDS
        && now.is_none_or(|f| f.registry == s.fingerprint && f.activity == s.activity)
}

/// The date checked for a status read: none is today; a day after today is refused (422).
pub(super) fn check_as_of(ctx: &Ctx, as_of: Option<NaiveDate>) -> Result<NaiveDate, Error> {
    let t = today(ctx);
    match as_of {
        None => Ok(t),
        Some(d) if d > t => Err(Error::field("as_of", Msg::new("pilot.error.future"))),
        Some(d) if d < earliest_since() => Err(Error::field(
            "as_of",
            Msg::new("pilot.error.since")
                .arg("min", crate::dates::display_date(earliest_since()))
                .arg("max", crate::dates::display_date(t)),
        )),
        Some(d) => Ok(d),
    }
}

/// The run of `as_of`, made first if missing or stale (see [`is_fresh`]).
pub async fn ensure_run(ctx: &Ctx, as_of: NaiveDate) -> Result<Run, Error> {
    let (cid, criteria) = criteria_on(ctx, as_of).await?;
    let fresh = |stored: Option<Stored>, now: &Fingerprint| {
        stored
            .filter(|s| is_fresh(ctx, as_of, Some(s), cid, Some(now)))
            .map(|s| Run {
                as_of,
                criteria_id: cid,
                computed_at: s.computed_at,
                schools: -1,
                millis: s.millis,
            })
    };
    let now = fingerprint(ctx, as_of, criteria.window_days).await?;
    if let Some(run) = fresh(stored_run(ctx, as_of).await?, &now) {
        return Ok(run);
    }
    // One run at a time in this process: fifty dashboards opened at once make it once.
    let _guard = ctx.pilot_runs.lock().await;
    let now = fingerprint(ctx, as_of, criteria.window_days).await?;
    if let Some(run) = fresh(stored_run(ctx, as_of).await?, &now) {
        return Ok(run);
    }
    make_run(ctx, as_of, cid, &criteria, &now).await
}

/// Measures every school on `as_of` and stores the run (replacing the date's earlier one) in
/// one transaction.
async fn make_run(
    ctx: &Ctx,
    as_of: NaiveDate,
    cid: i64,
    criteria: &Criteria,
    seen: &Fingerprint,
) -> Result<Run, Error> {
    let started = std::time::Instant::now();
    let measures = compute(ctx, as_of, criteria.window_days, None).await?;
    let now = ctx.now();
    let millis = started.elapsed().as_millis() as i64;
    let (registry, activity) = seen.stored();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    // The run's row first: it locks the date against another process making the same run.
    sqlx::query(
        "INSERT INTO pilot_runs (as_of, criteria_id, computed_at, millis, fingerprint, activity) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (as_of) DO UPDATE SET criteria_id = excluded.criteria_id, \
         computed_at = excluded.computed_at, millis = excluded.millis, \
         fingerprint = excluded.fingerprint, activity = excluded.activity",
    )
    .bind(as_of.to_string())
    .bind(cid)
    .bind(now)
    .bind(millis)
    .bind(registry)
    .bind(activity)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    sqlx::query("DELETE FROM pilot_status WHERE as_of = $1")
        .bind(as_of.to_string())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    for chunk in measures.chunks(INSERT_BATCH) {
        let mut sql = String::from(
            "INSERT INTO pilot_status (as_of, school_id, enrolled, counted, met, devices, \
             device_periods, teachers, teachers_with_materials, lessons, roll_calls_on_time, \
             logs_on_time, last_activity) VALUES ",
        );
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..13 {
                if j > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for m in chunk {
            let (results, counted) = evaluate(criteria, &m.measured);
            let met = results.iter().filter(|r| r.met).count() as i64;
            let x = &m.measured;
            q = q
                .bind(as_of.to_string())
                .bind(m.school)
                .bind(i64::from(x.enrolled))
                .bind(i64::from(counted))
                .bind(met)
                .bind(x.devices)
                .bind(x.device_periods)
                .bind(x.teachers)
                .bind(x.teachers_with_materials)
                .bind(x.lessons)
                .bind(x.roll_calls_on_time)
                .bind(x.logs_on_time)
                .bind(m.last_activity.map(|d| d.to_string()));
        }
        q.execute(&mut *tx).await.map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    let millis = started.elapsed().as_millis() as i64;
    sqlx::query("UPDATE pilot_runs SET millis = $1 WHERE as_of = $2")
        .bind(millis)
        .bind(as_of.to_string())
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(Run {
        as_of,
        criteria_id: cid,
        computed_at: now,
        schools: measures.len() as i64,
        millis,
    })
}

/// Makes the run of `as_of` again whatever its freshness (the bench, the CLI): how many schools
/// and how long.
pub async fn recompute(ctx: &Ctx, as_of: NaiveDate) -> Result<Run, Error> {
    let (cid, criteria) = criteria_on(ctx, as_of).await?;
    let _guard = ctx.pilot_runs.lock().await;
    let seen = fingerprint(ctx, as_of, criteria.window_days).await?;
    make_run(ctx, as_of, cid, &criteria, &seen).await
}

/// The trend's dates: the last day of each of the last [`TREND_MONTHS`] months before this one
/// (from the month of the first enrolment), and today.
pub(super) async fn trend_dates(ctx: &Ctx) -> Result<Vec<NaiveDate>, Error> {
    let t = today(ctx);
    let first: Option<String> = sqlx::query_scalar("SELECT MIN(since) AS s FROM pilot_enrollments")
        .fetch_one(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let Some(first) = first
        .as_deref()
        .map(crate::services::db::decode_date)
        .transpose()
        .map_err(internal)?
    else {
        return Ok(vec![t]);
    };
    let mut out = Vec::new();
    let mut month_start = NaiveDate::from_ymd_opt(t.year(), t.month(), 1).unwrap_or(t);
    for _ in 0..TREND_MONTHS {
        let Some(end) = month_start.pred_opt() else {
            break;
        };
        if end < first {
            break;
        }
        out.push(end);
        month_start = NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end);
    }
    out.reverse();
    out.push(t);
    Ok(out)
}

/// Keeps the runs people read made: today's when stale, then at most `months` missing or stale
/// month ends of the trend (the minute job passes 1, so a cold start fills the trend over a
/// few minutes without holding the database). Old runs of other dates are dropped.
pub async fn refresh(ctx: &Ctx, months: usize) -> Result<usize, Error> {
    let dates = trend_dates(ctx).await?;
    let mut made = 0;
    let t = today(ctx);
    let before = stored_run(ctx, t).await?;
    let r = ensure_run(ctx, t).await?;
    if Some(r.computed_at) != before.map(|b| b.computed_at) {
        made += 1;
    }
    let mut left = months;
    for d in dates.iter().rev().skip(1) {
        if left == 0 {
            break;
        }
        let (cid, c) = criteria_on(ctx, *d).await?;
        let now = fingerprint(ctx, *d, c.window_days).await?;
        if !is_fresh(
            ctx,
            *d,
            stored_run(ctx, *d).await?.as_ref(),
            cid,
            Some(&now),
        ) {
            ensure_run(ctx, *d).await?;
            made += 1;
            left -= 1;
        }
    }
    // Runs of dates that are neither in the trend nor of the last week (an as_of someone
    // asked for) are dropped.
    let keep: Vec<String> = dates.iter().map(NaiveDate::to_string).collect();
    let week_ago = (t - Duration::days(7)).to_string();
    let mut w = Where::new();
    w.and("as_of < {}", week_ago);
    let placeholders: Vec<String> = keep.iter().map(|d| w.param(d.clone())).collect();
    let sql = format!(
        "DELETE FROM pilot_runs{} AND as_of NOT IN ({})",
        w.sql(),
        placeholders.join(", ")
    );
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let del_status = sql.replacen("DELETE FROM pilot_runs", "DELETE FROM pilot_status", 1);
    w.query(&del_status)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    w.query(&sql).execute(&mut *tx).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(made)
}
