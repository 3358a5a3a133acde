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

pub(super) async fn stored_run(
    ctx: &Ctx,
    as_of: NaiveDate,
) -> Result<Option<(i64, i64, i64)>, Error> {
    sqlx::query_as("SELECT criteria_id, computed_at, millis FROM pilot_runs WHERE as_of = $1")
        .bind(as_of.to_string())
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)
}

pub(super) fn is_fresh(
    ctx: &Ctx,
    as_of: NaiveDate,
    stored: Option<(i64, i64, i64)>,
    criteria: i64,
) -> bool {
    stored.is_some_and(|(c, at, _)| {
        c == criteria && at > 0 && (at >= day_end(as_of) || ctx.now() - at < FRESH_SECONDS)
    })
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

/// The run of `as_of`, made first if missing or stale.
pub async fn ensure_run(ctx: &Ctx, as_of: NaiveDate) -> Result<Run, Error> {
    let (cid, criteria) = criteria_on(ctx, as_of).await?;
    let stored = stored_run(ctx, as_of).await?;
    if let (true, Some((_, at, millis))) = (is_fresh(ctx, as_of, stored, cid), stored) {
        return Ok(Run {
            as_of,
            criteria_id: cid,
            computed_at: at,
            schools: -1,
            millis,
        });
    }
    // One run at a time in this process: fifty dashboards opened at once make it once.
    let _guard = ctx.pilot_runs.lock().await;
    let stored = stored_run(ctx, as_of).await?;
    if let (true, Some((_, at, millis))) = (is_fresh(ctx, as_of, stored, cid), stored) {
        return Ok(Run {
            as_of,
            criteria_id: cid,
            computed_at: at,
            schools: -1,
            millis,
        });
    }
    make_run(ctx, as_of, cid, &criteria).await
}

/// Measures every school on `as_of` and stores the run (replacing the date's earlier one) in
/// one transaction.
async fn make_run(
    ctx: &Ctx,
    as_of: NaiveDate,
    cid: i64,
    criteria: &Criteria,
) -> Result<Run, Error> {
    let started = std::time::Instant::now();
    let measures = compute(ctx, as_of, criteria.window_days, None).await?;
    let now = ctx.now();
    let millis = started.elapsed().as_millis() as i64;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    // The run's row first: it locks the date against another process making the same run.
    sqlx::query(
        "INSERT INTO pilot_runs (as_of, criteria_id, computed_at, millis) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (as_of) DO UPDATE SET criteria_id = excluded.criteria_id, \
         computed_at = excluded.computed_at, millis = excluded.millis",
    )
    .bind(as_of.to_string())
    .bind(cid)
    .bind(now)
    .bind(millis)
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
             last_activity) VALUES ",
        );
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..12 {
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
    make_run(ctx, as_of, cid, &criteria).await
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
    if Some(r.computed_at) != before.map(|b| b.1) {
        made += 1;
    }
    let mut left = months;
    for d in dates.iter().rev().skip(1) {
        if left == 0 {
            break;
        }
        let (cid, _) = criteria_on(ctx, *d).await?;
        if !is_fresh(ctx, *d, stored_run(ctx, *d).await?, cid) {
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
