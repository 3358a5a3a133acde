//! Pilot adoption: enrolments, the criteria and targets, and every school's status computed
//! from real use (device check-ins, materials attached to lessons, roll calls taken on time).
//!
//! # How statuses are computed and kept
//! A *run* measures every open school over the window ending on one date ([`compute`]: a few
//! grouped scans across all schools, the timetabled lessons counted in Rust) and keeps the
//! measured counts with the status in `pilot_status`, under the criteria in force on that date.
//! The dashboard, the lists and the exports read a run, so they agree with each other exactly
//! and cost an indexed aggregate whatever the size of the province. A run is fresh when it was
//! made under the criteria in force and either after its date ended or less than
//! [`FRESH_SECONDS`] ago; a read of a stale or missing run makes it first (one at a time per
//! process, see [`Ctx::pilot_runs`]). Changing the criteria recomputes today's run at once; an
//! enrolment change marks the runs it touches stale. The minute job ([`refresh`]) keeps
//! today's run and the trend's month ends made, so people rarely wait.
//!
//! # Who
//! The department and sysadmins see every school; a department officer scoped to an area
//! (`officer_areas`) sees that area's schools only and changes nothing province-wide. A school
//! administrator (and a teacher) reads their own school's status ([`school`]).

use crate::error::{Error, LineError, Msg};
use crate::ids::{AreaId, SchoolId, UserId};
use crate::model::{Actor, ImportOutcome, Role, SchoolLevel};
use crate::pilot::{
    Criteria, GroupCount, Measured, SchoolStatus, TargetProgress, Targets, TrendPoint, evaluate,
    projected, schools_needed,
};
pub use crate::pilot::{
    CriteriaVersion, Evidence, Officer, SILENT_DAYS, StatusPage, Summary, Trend,
};
use crate::services::audit::{self, Action, Record};
use crate::services::classes::today;
use crate::services::csv_import::{self, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, internal};
use crate::text::{fold, query_words};
use crate::timetable::weekday_number;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// A run of today is reused this long (seconds).
pub const FRESH_SECONDS: i64 = 600;
/// The trend's length in months.
pub const TREND_MONTHS: u32 = 12;
/// The most schools one page of the list holds.
pub const MAX_PAGE: i64 = 5_000;
/// The header of an enrolment CSV.
pub const ENROL_CSV_HEADER: [&str; 2] = ["code", "since"];
/// The settings key of the targets.
const TARGETS_KEY: &str = "pilot.targets";
/// Rows per INSERT statement when a run is written.
const INSERT_BATCH: usize = 400;

/// Unix seconds at the end of day `d` (midnight after it, school time).
fn day_end(d: NaiveDate) -> i64 {
    d.succ_opt().map_or(i64::MAX, crate::dates::midnight)
}

/// What the actor may see: `Ok(None)` the whole province, `Ok(Some(area))` one area; teachers
/// and school administrators have no province view (403). The area comes with the session
/// (see [`crate::services::scope`]).
pub async fn scope(_ctx: &Ctx, actor: &Actor) -> Result<Option<AreaId>, Error> {
    match actor.role {
        Role::Sysadmin => Ok(None),
        Role::Department => Ok(actor.area_id()),
        _ => Err(Error::forbidden()),
    }
}

/// Ok for who sets the province's pilot (enrolments, criteria, targets, officers' areas): the
/// department's province-wide officers and sysadmins.
async fn must_manage(_ctx: &Ctx, actor: &Actor) -> Result<(), Error> {
    if actor.may_set_officer_areas() {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

// ---------------------------------------------------------------------------------------------
// Criteria and targets

fn criteria_from_row(r: &sqlx::any::AnyRow) -> Result<(i64, Criteria, i64, String), Error> {
    let id: i64 = r.try_get("id").map_err(internal)?;
    let window_days: i64 = r.try_get("window_days").map_err(internal)?;
    let json: String = r.try_get("criteria").map_err(internal)?;
    let criteria = serde_json::from_str(&json).map_err(|e| {
        tracing::error!(error = %e, id, "stored pilot criteria unreadable");
        Error::internal()
    })?;
    Ok((
        id,
        Criteria {
            window_days,
            criteria,
        },
        r.try_get("set_at").map_err(internal)?,
        r.try_get("set_by_name").map_err(internal)?,
    ))
}

/// The criteria in force at the end of `on`: (version id, criteria).
pub(crate) async fn criteria_on(ctx: &Ctx, on: NaiveDate) -> Result<(i64, Criteria), Error> {
    let row = sqlx::query(
        "SELECT id, window_days, criteria, set_at, set_by_name FROM pilot_criteria \
         WHERE set_at < $1 ORDER BY set_at DESC, id DESC LIMIT 1",
    )
    .bind(day_end(on).min(ctx.now() + 1))
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    match row {
        Some(r) => criteria_from_row(&r).map(|(id, c, _, _)| (id, c)),
        None => Ok((0, Criteria::default())),
    }
}

async fn criteria_by_id(ctx: &Ctx, id: i64) -> Result<Criteria, Error> {
    if id == 0 {
        return Ok(Criteria::default());
    }
    let r = sqlx::query(
        "SELECT id, window_days, criteria, set_at, set_by_name FROM pilot_criteria WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&ctx.db.pool)
    .await
    .map_err(internal)?;
    criteria_from_row(&r).map(|(_, c, _, _)| c)
}

/// The criteria in force now (the department and sysadmins; area officers read them too).
pub async fn criteria(ctx: &Ctx, actor: &Actor) -> Result<CriteriaVersion, Error> {
    scope(ctx, actor).await?;
    let mut h = history(ctx).await?;
    Ok(h.pop().unwrap_or_else(default_version))
}

fn default_version() -> CriteriaVersion {
    CriteriaVersion {
        id: 0,
        criteria: Criteria::default(),
        set_by: String::new(),
        set_at: None,
        until: None,
    }
}

async fn history(ctx: &Ctx) -> Result<Vec<CriteriaVersion>, Error> {
    let rows = sqlx::query(
        "SELECT id, window_days, criteria, set_at, set_by_name FROM pilot_criteria ORDER BY set_at, id",
    )
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out = vec![default_version()];
    for r in &rows {
        let (id, criteria, at, by) = criteria_from_row(r)?;
        let at = crate::dates::rfc3339(at);
        if let Some(prev) = out.last_mut() {
            prev.until = Some(at.clone());
        }
        out.push(CriteriaVersion {
            id,
            criteria,
            set_by: by,
            set_at: Some(at),
            until: None,
        });
    }
    Ok(out)
}

/// Every version of the criteria, oldest first, the defaults first: which were in force when.
pub async fn criteria_history(ctx: &Ctx, actor: &Actor) -> Result<Vec<CriteriaVersion>, Error> {
    scope(ctx, actor).await?;
    history(ctx).await
}

/// What setting the criteria did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// The version now in force.
    pub version: CriteriaVersion,
    /// Schools whose status today was recomputed.
    pub schools: i64,
    /// How long the recomputation took (ms).
    pub millis: i64,
}

/// Sets the criteria (province-wide department, sysadmin): checked (422 naming each bad
/// field), stored as a new version with an audit record, and today's statuses recomputed under
/// them. Setting the same criteria again changes nothing.
pub async fn set_criteria(
    ctx: &Ctx,
    actor: &Actor,
    input: Criteria,
    ip: Option<&str>,
) -> Result<CriteriaSet, Error> {
    must_manage(ctx, actor).await?;
    let c = input.check()?;
    let (_, old) = criteria_on(ctx, today(ctx)).await?;
    if old != c {
        let now = ctx.now();
        let json = serde_json::to_string(&c.criteria).map_err(|_| Error::internal())?;
        let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO pilot_criteria (window_days, criteria, set_by, set_by_name, set_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.window_days)
        .bind(json)
        .bind(actor.user_id)
        .bind(actor.username.clone())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        audit::write(
            &mut *tx,
            now,
            Action::PilotCriteria,
            Record {
                actor: Some(actor),
                object: "pilot:criteria".into(),
                old: serde_json::to_string(&old).ok(),
                new: serde_json::to_string(&c).ok(),
                ip,
                ..Record::default()
            },
        )
        .await?;
        tx.commit().await.map_err(internal)?;
    }
    let run = ensure_run(ctx, today(ctx)).await?;
    Ok(CriteriaSet {
        version: criteria(ctx, actor).await?,
        schools: run.schools,
        millis: run.millis,
    })
}

/// The targets (everyone with a province view).
pub async fn targets(ctx: &Ctx, actor: &Actor) -> Result<Targets, Error> {
    scope(ctx, actor).await?;
    load_targets(ctx).await
}

async fn load_targets(ctx: &Ctx) -> Result<Targets, Error> {
    let v: Option<String> = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(TARGETS_KEY)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .map(|r| r.try_get("value"))
        .transpose()
        .map_err(internal)?;
    match v {
        None => Ok(Targets::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| {
            tracing::error!(error = %e, "stored pilot targets unreadable");
            Error::internal()
        }),
    }
}

/// The demo province's targets, unless some are set: the plan's 20% by the end of 2025 and 35%
/// by the end of 2030.
pub(crate) async fn seed_targets(ctx: &Ctx) -> Result<(), Error> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    let t = Targets {
        items: vec![
            crate::pilot::Target {
                percent: 20.0,
                due: d(2025, 12, 31),
            },
            crate::pilot::Target {
                percent: 35.0,
                due: d(2030, 12, 31),
            },
        ],
    };
    let json = serde_json::to_string(&t).map_err(|_| Error::internal())?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(TARGETS_KEY)
        .bind(json)
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Sets the targets (province-wide department, sysadmin), audited.
pub async fn set_targets(
    ctx: &Ctx,
    actor: &Actor,
    input: Targets,
    ip: Option<&str>,
) -> Result<Targets, Error> {
    must_manage(ctx, actor).await?;
    let t = input.check()?;
    let old = load_targets(ctx).await?;
    if old == t {
        return Ok(t);
    }
    let json = serde_json::to_string(&t).map_err(|_| Error::internal())?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(TARGETS_KEY)
    .bind(json.clone())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::write(
        &mut *tx,
        now,
        Action::PilotTargets,
        Record {
            actor: Some(actor),
            object: "pilot:targets".into(),
            old: serde_json::to_string(&old).ok(),
            new: Some(json),
            ip,
            ..Record::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(t)
}

// ---------------------------------------------------------------------------------------------
// Enrolment

/// The earliest enrolment date accepted.
fn earliest_since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default()
}

/// Checks an enrolment date: from 2020 to a year ahead.
fn check_since(ctx: &Ctx, since: NaiveDate) -> Result<(), Msg> {
    let latest = today(ctx) + Duration::days(366);
    if since < earliest_since() || since > latest {
        Err(Msg::new("pilot.error.since")
            .arg("min", crate::dates::display_date(earliest_since()))
            .arg("max", crate::dates::display_date(latest)))
    } else {
        Ok(())
    }
}

/// Enrols a school in the pilot since `since`, or moves its start (province-wide department,
/// sysadmin); a closed school cannot be enrolled (422). Audited; the runs from the earlier of
/// the old and new start on are made again.
pub async fn enrol(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    since: NaiveDate,
    ip: Option<&str>,
) -> Result<crate::model::PilotStatus, Error> {
    must_manage(ctx, actor).await?;
    check_since(ctx, since).map_err(|m| Error::field("since", m))?;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let old = write_enrolment(&mut tx, ctx, actor, school, since, ip).await?;
    tx.commit().await.map_err(internal)?;
    enrolment_changed(ctx, old.map_or(since, |o| o.min(since))).await?;
    Ok(crate::model::PilotStatus {
        enrolled: true,
        since: Some(since.to_string()),
    })
}

/// Writes one enrolment in `tx` (with its audit record): the old start, if any.
async fn write_enrolment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    since: NaiveDate,
    ip: Option<&str>,
) -> Result<Option<NaiveDate>, Error> {
    let row = sqlx::query(
        "SELECT s.code, s.closed_on, p.since FROM schools s \
         LEFT JOIN pilot_enrollments p ON p.school_id = s.id WHERE s.id = $1",
    )
    .bind(school)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?
    .ok_or_else(Error::not_found)?;
    let code: String = row.try_get("code").map_err(internal)?;
    let closed: Option<String> = row.try_get("closed_on").map_err(internal)?;
    if closed.is_some() {
        return Err(Error::field("school", Msg::new("pilot.error.closed")));
    }
    let old: Option<String> = row.try_get("since").map_err(internal)?;
    if old.as_deref() == Some(since.to_string().as_str()) {
        return Ok(old.as_deref().and_then(crate::dates::parse_date));
    }
    sqlx::query(
        "INSERT INTO pilot_enrollments (school_id, since, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET since = excluded.since",
    )
    .bind(school)
    .bind(since.to_string())
    .bind(ctx.now())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    audit::write(
        &mut **tx,
        ctx.now(),
        Action::PilotEnrol,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{code}"),
            old: old.clone(),
            new: Some(since.to_string()),
            ip,
            ..Record::default()
        },
    )
    .await?;
    Ok(old.as_deref().and_then(crate::dates::parse_date))
}

/// Ends a school's enrolment (province-wide department, sysadmin), audited. Not enrolled: 404.
pub async fn unenrol(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    ip: Option<&str>,
) -> Result<(), Error> {
    must_manage(ctx, actor).await?;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let row = sqlx::query(
        "SELECT s.code, p.since FROM pilot_enrollments p JOIN schools s ON s.id = p.school_id \
         WHERE p.school_id = $1",
    )
    .bind(school)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or_else(Error::not_found)?;
    let code: String = row.try_get("code").map_err(internal)?;
    let since: String = row.try_get("since").map_err(internal)?;
    sqlx::query("DELETE FROM pilot_enrollments WHERE school_id = $1")
        .bind(school)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        ctx.now(),
        Action::PilotUnenrol,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{code}"),
            old: Some(since.clone()),
            new: None,
            ip,
            ..Record::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    enrolment_changed(
        ctx,
        crate::dates::parse_date(&since).unwrap_or(earliest_since()),
    )
    .await
}

/// Enrols the schools of a CSV `code,since` (since `YYYY-MM-DD` or `dd/mm/yyyy`; empty: today),
/// all or nothing, every bad line listed (province-wide department, sysadmin).
pub async fn enrol_csv(
    ctx: &Ctx,
    actor: &Actor,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    must_manage(ctx, actor).await?;
    let (lines, mut errors) = csv_import::read_lines(bytes, &ENROL_CSV_HEADER)?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut wanted = Vec::new();
    for l in &lines {
        let code = l.get(0).trim().to_uppercase();
        let since = match l.get(1).trim() {
            "" => Some(today(ctx)),
            s => match crate::dates::parse_date(s) {
                Some(d) => match check_since(ctx, d) {
                    Ok(()) => Some(d),
                    Err(m) => {
                        errors.push(cell_error(l.line, "since", m));
                        None
                    }
                },
                None => {
                    errors.push(cell_error(l.line, "since", Msg::new("validation.date")));
                    None
                }
            },
        };
        if code.is_empty() {
            errors.push(cell_error(l.line, "code", Msg::new("validation.required")));
            continue;
        }
        if let Some(first) = seen.get(&code) {
            errors.push(cell_error(
                l.line,
                "code",
                Msg::new("import.duplicate_in_file").arg("line", first),
            ));
            continue;
        }
        seen.insert(code.clone(), l.line);
        if let Some(s) = since {
            wanted.push((l.line, code, s));
        }
    }
    // The schools named, in one read.
    let mut w = Where::new();
    w.and_in(
        "code",
        wanted
            .iter()
            .map(|(_, c, _)| c.clone().into())
            .collect::<Vec<_>>(),
    );
    let rows = if wanted.is_empty() {
        Vec::new()
    } else {
        w.query(&format!(
            "SELECT id, code, closed_on FROM schools{}",
            w.sql()
        ))
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
    };
    let mut by_code: HashMap<String, (SchoolId, bool)> = HashMap::new();
    for r in &rows {
        let code: String = r.try_get("code").map_err(internal)?;
        let closed: Option<String> = r.try_get("closed_on").map_err(internal)?;
        by_code.insert(
            code,
            (
                SchoolId(r.try_get("id").map_err(internal)?),
                closed.is_some(),
            ),
        );
    }
    let mut todo = Vec::new();
    for (line, code, since) in &wanted {
        match by_code.get(code) {
            None => errors.push(cell_error(
                *line,
                "code",
                Msg::new("pilot.error.unknown_school").arg("code", code),
            )),
            Some((_, true)) => {
                errors.push(cell_error(*line, "code", Msg::new("pilot.error.closed")))
            }
            Some((id, false)) => todo.push((*id, *since)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e: &LineError| e.line);
        return Err(Error::lines(errors));
    }
    let mut out = ImportOutcome::default();
    let mut earliest = None::<NaiveDate>;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for (id, since) in &todo {
        let old = write_enrolment(&mut tx, ctx, actor, *id, *since, ip).await?;
        if old.is_some() {
            out.updated += 1;
        } else {
            out.created += 1;
        }
        let from = old.map_or(*since, |o| o.min(*since));
        earliest = Some(earliest.map_or(from, |e| e.min(from)));
    }
    tx.commit().await.map_err(internal)?;
    if let Some(e) = earliest {
        enrolment_changed(ctx, e).await?;
    }
    Ok(out)
}

/// An enrolment starting or ending on `from` changes the runs of that date and later: they are
/// made again when next read (and by the minute job).
async fn enrolment_changed(ctx: &Ctx, from: NaiveDate) -> Result<(), Error> {
    ctx.aggregates.changed();
    sqlx::query("UPDATE pilot_runs SET computed_at = 0 WHERE as_of >= $1")
        .bind(from.to_string())
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Measuring

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

// ---------------------------------------------------------------------------------------------
// Runs

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

async fn stored_run(ctx: &Ctx, as_of: NaiveDate) -> Result<Option<(i64, i64, i64)>, Error> {
    sqlx::query("SELECT criteria_id, computed_at, millis FROM pilot_runs WHERE as_of = $1")
        .bind(as_of.to_string())
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .map(|r| {
            Ok((
                r.try_get("criteria_id")?,
                r.try_get("computed_at")?,
                r.try_get("millis")?,
            ))
        })
        .transpose()
        .map_err(internal)
}

fn is_fresh(ctx: &Ctx, as_of: NaiveDate, stored: Option<(i64, i64, i64)>, criteria: i64) -> bool {
    stored.is_some_and(|(c, at, _)| {
        c == criteria && at > 0 && (at >= day_end(as_of) || ctx.now() - at < FRESH_SECONDS)
    })
}

/// The date checked for a status read: none is today; a day after today is refused (422).
fn check_as_of(ctx: &Ctx, as_of: Option<NaiveDate>) -> Result<NaiveDate, Error> {
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
async fn trend_dates(ctx: &Ctx) -> Result<Vec<NaiveDate>, Error> {
    let t = today(ctx);
    let first: Option<String> = sqlx::query("SELECT MIN(since) AS s FROM pilot_enrollments")
        .fetch_one(&ctx.db.pool)
        .await
        .and_then(|r| r.try_get("s"))
        .map_err(internal)?;
    let Some(first) = first.as_deref().and_then(crate::dates::parse_date) else {
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

// ---------------------------------------------------------------------------------------------
// Reading

/// The share of schools that count on `as_of` (default today), by level and area, against the
/// targets (the department and sysadmins; an area officer their area).
pub async fn summary(ctx: &Ctx, actor: &Actor, as_of: Option<NaiveDate>) -> Result<Summary, Error> {
    let area = scope(ctx, actor).await?;
    let as_of = check_as_of(ctx, as_of)?;
    let run = ensure_run(ctx, as_of).await?;
    let silent_before = (as_of - Duration::days(SILENT_DAYS - 1)).to_string();
    let mut w = Where::new();
    w.and("p.as_of = {}", as_of.to_string());
    if let Some(a) = area {
        w.and("s.area_id = {}", a.0);
    }
    let silent = w.param(silent_before);
    let sql = format!(
        "SELECT s.level, s.area_id, a.name AS area, COUNT(*) AS total, CAST(SUM(p.enrolled) AS BIGINT) AS enrolled, \
         CAST(SUM(p.counted) AS BIGINT) AS counted, CAST(SUM(CASE WHEN p.enrolled = 1 AND (p.last_activity IS NULL \
         OR p.last_activity < {silent}) THEN 1 ELSE 0 END) AS BIGINT) AS silent \
         FROM pilot_status p JOIN schools s ON s.id = p.school_id JOIN areas a ON a.id = s.area_id\
         {} GROUP BY s.level, s.area_id, a.name",
        w.sql()
    );
    let rows = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut levels: HashMap<SchoolLevel, (i64, i64, i64)> = HashMap::new();
    let mut areas: HashMap<i64, (String, i64, i64, i64)> = HashMap::new();
    let (mut total, mut enrolled, mut counted, mut silent) = (0, 0, 0, 0);
    for r in &rows {
        let level: String = r.try_get("level").map_err(internal)?;
        let level =
            crate::services::db::decode("level", &level, SchoolLevel::parse).map_err(internal)?;
        let n: i64 = r.try_get("total").map_err(internal)?;
        let e: i64 = r.try_get("enrolled").map_err(internal)?;
        let c: i64 = r.try_get("counted").map_err(internal)?;
        let s: i64 = r.try_get("silent").map_err(internal)?;
        let l = levels.entry(level).or_default();
        *l = (l.0 + n, l.1 + e, l.2 + c);
        let a = areas
            .entry(r.try_get("area_id").map_err(internal)?)
            .or_insert_with(|| (r.try_get("area").unwrap_or_default(), 0, 0, 0));
        a.1 += n;
        a.2 += e;
        a.3 += c;
        total += n;
        enrolled += e;
        counted += c;
        silent += s;
    }
    let by_level = SchoolLevel::ALL
        .into_iter()
        .filter_map(|l| {
            levels.get(&l).map(|(n, e, c)| {
                GroupCount::new(l.as_str().into(), l.label_key().into(), *n, *e, *c)
            })
        })
        .collect();
    let mut by_area: Vec<GroupCount> = areas
        .into_iter()
        .map(|(id, (name, n, e, c))| GroupCount::new(id.to_string(), name, n, e, c))
        .collect();
    by_area.sort_by_key(|a| fold(&a.name));
    let targets = load_targets(ctx)
        .await?
        .items
        .into_iter()
        .map(|t| TargetProgress {
            reached: crate::model::percent(counted, total) >= t.percent,
            schools_needed: schools_needed(t.percent, total, counted),
            percent: t.percent,
            due: t.due,
            projected: None,
        })
        .collect();
    let area_name = match area {
        Some(a) => sqlx::query("SELECT name FROM areas WHERE id = $1")
            .bind(a.0)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?
            .map(|r| r.try_get("name"))
            .transpose()
            .map_err(internal)?,
        None => None,
    };
    Ok(Summary {
        as_of,
        area: area_name,
        total_schools: total,
        enrolled_schools: enrolled,
        counted_schools: counted,
        percent: crate::model::percent(counted, total),
        silent_schools: silent,
        targets,
        by_level,
        by_area,
        criteria_id: run.criteria_id,
        computed_at: crate::dates::rfc3339(run.computed_at),
    })
}

/// The share month by month (the department and sysadmins; an area officer their area). With
/// `make_missing` the missing months are computed first; without, the points made so far are
/// read and the rest counted as pending.
pub async fn trend(ctx: &Ctx, actor: &Actor, make_missing: bool) -> Result<Trend, Error> {
    let area = scope(ctx, actor).await?;
    let dates = trend_dates(ctx).await?;
    let t = today(ctx);
    ensure_run(ctx, t).await?;
    let mut pending = 0;
    let mut ready = Vec::new();
    for d in &dates {
        let (cid, _) = criteria_on(ctx, *d).await?;
        if is_fresh(ctx, *d, stored_run(ctx, *d).await?, cid) {
            ready.push(*d);
        } else if make_missing {
            ensure_run(ctx, *d).await?;
            ready.push(*d);
        } else {
            pending += 1;
        }
    }
    let mut w = Where::new();
    w.and_in(
        "p.as_of",
        ready
            .iter()
            .map(|d| d.to_string().into())
            .collect::<Vec<_>>(),
    );
    if let Some(a) = area {
        w.and("s.area_id = {}", a.0);
    }
    let sql = format!(
        "SELECT p.as_of, COUNT(*) AS total, CAST(SUM(p.counted) AS BIGINT) AS counted FROM pilot_status p \
         JOIN schools s ON s.id = p.school_id{} GROUP BY p.as_of ORDER BY p.as_of",
        w.sql()
    );
    let rows = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut points = Vec::new();
    for r in &rows {
        let total: i64 = r.try_get("total").map_err(internal)?;
        let counted: i64 = r.try_get("counted").map_err(internal)?;
        points.push(TrendPoint {
            as_of: crate::services::db::get_date(r, "as_of").map_err(internal)?,
            total,
            counted,
            percent: crate::model::percent(counted, total),
        });
    }
    let (total, counted) = points.last().map_or((0, 0), |p| (p.total, p.counted));
    let targets = load_targets(ctx)
        .await?
        .items
        .into_iter()
        .map(|x| TargetProgress {
            reached: crate::model::percent(counted, total) >= x.percent,
            schools_needed: schools_needed(x.percent, total, counted),
            projected: projected(&points, x.percent),
            percent: x.percent,
            due: x.due,
        })
        .collect();
    Ok(Trend {
        points,
        pending,
        targets,
    })
}

/// How the school list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Counting first, then by criteria met, then code: the ranking.
    #[default]
    Rank,
    /// By code.
    Code,
    /// Closest to counting among those that do not (most criteria met first).
    Close,
}

/// Which schools the list shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusFilter {
    /// The date (default today).
    pub as_of: Option<NaiveDate>,
    /// Only counting (true) or only not counting (false).
    pub counted: Option<bool>,
    /// Only enrolled (true) or only not enrolled (false).
    pub enrolled: Option<bool>,
    /// Only enrolled schools silent for this many days.
    pub silent_days: Option<i64>,
    /// One level.
    pub level: Option<SchoolLevel>,
    /// One area.
    pub area: Option<AreaId>,
    /// Words matching code, name or area.
    pub q: Option<String>,
    /// The order.
    pub order: Order,
    /// At most this many (1–[`MAX_PAGE`]).
    pub limit: Option<i64>,
    /// Skip this many.
    pub offset: Option<i64>,
}

const STATUS_SELECT: &str = "SELECT p.school_id, s.code, s.name, s.level, s.area_id, \
     a.name AS area, e.since, p.enrolled, p.counted, p.met, p.devices, p.device_periods, \
     p.teachers, p.teachers_with_materials, p.lessons, p.roll_calls_on_time, p.last_activity \
     FROM pilot_status p JOIN schools s ON s.id = p.school_id JOIN areas a ON a.id = s.area_id \
     LEFT JOIN pilot_enrollments e ON e.school_id = p.school_id";

fn status_from_row(r: &sqlx::any::AnyRow, criteria: &Criteria) -> Result<SchoolStatus, Error> {
    let level: String = r.try_get("level").map_err(internal)?;
    let measured = Measured {
        enrolled: r.try_get::<i64, _>("enrolled").map_err(internal)? == 1,
        devices: r.try_get("devices").map_err(internal)?,
        device_periods: r.try_get("device_periods").map_err(internal)?,
        teachers: r.try_get("teachers").map_err(internal)?,
        teachers_with_materials: r.try_get("teachers_with_materials").map_err(internal)?,
        lessons: r.try_get("lessons").map_err(internal)?,
        roll_calls_on_time: r.try_get("roll_calls_on_time").map_err(internal)?,
    };
    let (results, counted) = evaluate(criteria, &measured);
    let since: Option<String> = r.try_get("since").map_err(internal)?;
    let last: Option<String> = r.try_get("last_activity").map_err(internal)?;
    Ok(SchoolStatus {
        school_id: SchoolId(r.try_get("school_id").map_err(internal)?),
        code: r.try_get("code").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        level: crate::services::db::decode("level", &level, SchoolLevel::parse)
            .map_err(internal)?,
        area: r.try_get("area").map_err(internal)?,
        area_id: AreaId(r.try_get("area_id").map_err(internal)?),
        enrolled: measured.enrolled,
        since: since.as_deref().and_then(crate::dates::parse_date),
        counted,
        met: results.iter().filter(|x| x.met).count() as i64,
        criteria: results,
        last_activity: last.as_deref().and_then(crate::dates::parse_date),
        measured,
    })
}

/// The schools' statuses on a date, filtered and ordered (API.md `GET /pilot/schools`; the
/// department and sysadmins, an area officer their area).
pub async fn schools(ctx: &Ctx, actor: &Actor, f: &StatusFilter) -> Result<StatusPage, Error> {
    let area = scope(ctx, actor).await?;
    let as_of = check_as_of(ctx, f.as_of)?;
    let run = ensure_run(ctx, as_of).await?;
    let criteria = criteria_by_id(ctx, run.criteria_id).await?;
    let mut w = Where::new();
    w.and("p.as_of = {}", as_of.to_string());
    if let Some(a) = area {
        w.and("s.area_id = {}", a.0);
    }
    if let Some(a) = f.area {
        w.and("s.area_id = {}", a.0);
    }
    if let Some(l) = f.level {
        w.and("s.level = {}", l.as_str());
    }
    if let Some(c) = f.counted {
        w.and("p.counted = {}", i64::from(c));
    }
    if let Some(e) = f.enrolled {
        w.and("p.enrolled = {}", i64::from(e));
    }
    if let Some(days) = f.silent_days {
        let days = days.clamp(1, criteria.window_days);
        let before = (as_of - Duration::days(days - 1)).to_string();
        w.and_sql("p.enrolled = 1");
        let p = w.param(before);
        w.and_sql(&format!(
            "(p.last_activity IS NULL OR p.last_activity < {p})"
        ));
    }
    let words = f.q.as_deref().map(query_words).transpose()?;
    w.and_words("s.search_key", &words.unwrap_or_default());
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM pilot_status p JOIN schools s ON s.id = p.school_id{}",
        w.sql()
    );
    let total: i64 = w
        .query(&count_sql)
        .fetch_one(&ctx.db.pool)
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(internal)?;
    let order = match f.order {
        Order::Rank => "p.counted DESC, p.met DESC, s.code",
        Order::Code => "s.code",
        Order::Close => "p.counted, p.met DESC, s.code",
    };
    let where_sql = w.sql();
    let limit = w.param(f.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE));
    let offset = w.param(f.offset.unwrap_or(0).max(0));
    let sql = format!("{STATUS_SELECT}{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    let rows = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let items = rows
        .iter()
        .map(|r| status_from_row(r, &criteria))
        .collect::<Result<_, _>>()?;
    Ok(StatusPage {
        as_of,
        items,
        total,
        criteria,
        computed_at: crate::dates::rfc3339(run.computed_at),
    })
}

/// One school's status and evidence on a date (API.md `GET /pilot/schools/{school_id}`): the
/// department and sysadmins (an area officer in their area), and the school's own staff.
/// Another school: 404.
pub async fn school(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    as_of: Option<NaiveDate>,
) -> Result<Evidence, Error> {
    match actor.role {
        Role::Teacher | Role::SchoolAdmin => {
            if actor.school_id != Some(school) {
                return Err(Error::not_found());
            }
        }
        _ => {
            if let Some(area) = scope(ctx, actor).await? {
                let in_area =
                    sqlx::query("SELECT 1 AS x FROM schools WHERE id = $1 AND area_id = $2")
                        .bind(school)
                        .bind(area.0)
                        .fetch_optional(&ctx.db.pool)
                        .await
                        .map_err(internal)?;
                if in_area.is_none() {
                    return Err(Error::not_found());
                }
            }
        }
    }
    let as_of = check_as_of(ctx, as_of)?;
    let run = ensure_run(ctx, as_of).await?;
    let criteria = criteria_by_id(ctx, run.criteria_id).await?;
    let sql = format!("{STATUS_SELECT} WHERE p.as_of = $1 AND p.school_id = $2");
    let row = sqlx::query(&sql)
        .bind(as_of.to_string())
        .bind(school)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        // A school closed on that date has no status: not found, like an unknown id.
        .ok_or_else(Error::not_found)?;
    let status = status_from_row(&row, &criteria)?;
    let from = as_of - Duration::days(criteria.window_days - 1);
    let end = day_end(as_of);
    let without = sqlx::query(
        "SELECT u.full_name FROM users u WHERE u.school_id = $1 AND u.role = 'teacher' \
         AND u.active = 1 AND u.created_at < $2 AND NOT EXISTS (SELECT 1 FROM lesson_materials m \
         WHERE m.attached_by = u.id AND m.date >= $3 AND m.date <= $4 AND m.attached_at < $2) \
         ORDER BY u.full_name",
    )
    .bind(school)
    .bind(end)
    .bind(from.to_string())
    .bind(as_of.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| r.try_get("full_name"))
    .collect::<Result<_, _>>()
    .map_err(internal)?;
    let out = sqlx::query(
        "SELECT name, status FROM devices WHERE school_id = $1 AND status <> 'available' ORDER BY name",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| Ok((r.try_get("name")?, r.try_get("status")?)))
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)?;
    Ok(Evidence {
        status,
        from,
        to: as_of,
        window_days: criteria.window_days,
        criteria_id: run.criteria_id,
        computed_at: crate::dates::rfc3339(run.computed_at),
        teachers_without_materials: without,
        devices_out_of_service: out,
    })
}

// ---------------------------------------------------------------------------------------------
// Area officers

/// The department's officers and their areas (province-wide department, sysadmin).
pub async fn officers(ctx: &Ctx, actor: &Actor) -> Result<Vec<Officer>, Error> {
    must_manage(ctx, actor).await?;
    sqlx::query(
        "SELECT u.id, u.username, u.full_name, o.area_id, a.name AS area FROM users u \
         LEFT JOIN officer_areas o ON o.user_id = u.id LEFT JOIN areas a ON a.id = o.area_id \
         WHERE u.role = 'department' AND u.active = 1 ORDER BY u.username",
    )
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| {
        Ok(Officer {
            user_id: UserId(r.try_get("id")?),
            username: r.try_get("username")?,
            full_name: r.try_get("full_name")?,
            area_id: r.try_get::<Option<i64>, _>("area_id")?.map(AreaId),
            area: r.try_get("area")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)
}

/// Scopes a department officer to an area, or (none) gives them the whole province again
/// (province-wide department, sysadmin; not oneself). Audited.
pub async fn set_officer_area(
    ctx: &Ctx,
    actor: &Actor,
    user: UserId,
    area: Option<AreaId>,
    ip: Option<&str>,
) -> Result<Officer, Error> {
    must_manage(ctx, actor).await?;
    if user == actor.user_id {
        return Err(Error::field("user", Msg::new("pilot.error.own_scope")));
    }
    let role: Option<String> = sqlx::query("SELECT role FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .map(|r| r.try_get("role"))
        .transpose()
        .map_err(internal)?;
    if role.as_deref() != Some("department") {
        return Err(Error::not_found());
    }
    if let Some(a) = area {
        let exists = sqlx::query("SELECT 1 AS x FROM areas WHERE id = $1")
            .bind(a.0)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
        if exists.is_none() {
            return Err(Error::field("area", Msg::new("pilot.error.unknown_area")));
        }
    }
    let old = crate::services::scope::officer_area(&ctx.db.pool, user)
        .await?
        .map(|a| a.id);
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM officer_areas WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some(a) = area {
        sqlx::query("INSERT INTO officer_areas (user_id, area_id) VALUES ($1, $2)")
            .bind(user)
            .bind(a.0)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    if old != area {
        audit::write(
            &mut *tx,
            ctx.now(),
            Action::PilotOfficerArea,
            Record {
                actor: Some(actor),
                object: format!("user:{}", user.0),
                old: old.map(|a| a.0.to_string()),
                new: area.map(|a| a.0.to_string()),
                ip,
                ..Record::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    officers(ctx, actor)
        .await?
        .into_iter()
        .find(|o| o.user_id == user)
        .ok_or_else(Error::not_found)
}

// ---------------------------------------------------------------------------------------------
// Exports

fn yes_no(lang: crate::Lang, b: bool) -> &'static str {
    crate::i18n::t(lang, if b { "pilot.yes" } else { "pilot.no" })
}

fn export_header(lang: crate::Lang, criteria: &Criteria) -> Vec<String> {
    let t = |k: &str| crate::i18n::t(lang, k).to_owned();
    let mut h = vec![
        t("pilot.col.code"),
        t("pilot.col.name"),
        t("pilot.col.level"),
        t("pilot.col.area"),
        t("pilot.col.enrolled"),
        t("pilot.col.since"),
        t("pilot.col.counted"),
        t("pilot.col.met"),
    ];
    for c in &criteria.criteria {
        h.push(t(c.key.label_key()));
    }
    h.push(t("pilot.col.last_activity"));
    h
}

fn export_cells(lang: crate::Lang, s: &SchoolStatus) -> Vec<String> {
    let mut row = vec![
        s.code.clone(),
        s.name.clone(),
        crate::i18n::t(lang, s.level.label_key()).to_owned(),
        s.area.clone(),
        yes_no(lang, s.enrolled).to_owned(),
        s.since.map(crate::dates::display_date).unwrap_or_default(),
        yes_no(lang, s.counted).to_owned(),
        format!("{}/{}", s.met, s.criteria.len()),
    ];
    for c in &s.criteria {
        row.push(crate::text::decimal1(c.value));
    }
    row.push(
        s.last_activity
            .map(crate::dates::display_date)
            .unwrap_or_default(),
    );
    row
}

/// The statuses as CSV (column names in `lang`, formulas neutralised).
pub fn export_csv(page: &StatusPage, lang: crate::Lang) -> Vec<u8> {
    let header = export_header(lang, &page.criteria);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = page.items.iter().map(|s| export_cells(lang, s)).collect();
    csv_import::write(&header, &rows)
}

/// The statuses as an Excel workbook: the schools, and the criteria they were judged by.
pub fn export_xlsx(page: &StatusPage, lang: crate::Lang) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "xlsx export");
        Error::internal()
    };
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name(t("pilot.sheet.schools")).map_err(xl)?;
    for (c, h) in export_header(lang, &page.criteria).iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h.as_str(), &bold)
            .map_err(xl)?;
    }
    for (i, s) in page.items.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = export_cells(lang, s);
        for (c, v) in cells.iter().enumerate().take(8) {
            sheet.write_string(r, c as u16, v.as_str()).map_err(xl)?;
        }
        for (j, c) in s.criteria.iter().enumerate() {
            sheet.write_number(r, 8 + j as u16, c.value).map_err(xl)?;
        }
        sheet
            .write_string(
                r,
                8 + s.criteria.len() as u16,
                cells[cells.len() - 1].as_str(),
            )
            .map_err(xl)?;
    }
    sheet.autofit();
    let cs = wb.add_worksheet();
    cs.set_name(t("pilot.sheet.criteria")).map_err(xl)?;
    for (c, h) in [
        "pilot.col.criterion",
        "pilot.col.threshold",
        "pilot.col.required",
    ]
    .iter()
    .enumerate()
    {
        cs.write_string_with_format(0, c as u16, t(h), &bold)
            .map_err(xl)?;
    }
    for (i, c) in page.criteria.criteria.iter().enumerate() {
        let r = i as u32 + 1;
        cs.write_string(r, 0, t(c.key.label_key())).map_err(xl)?;
        cs.write_number(r, 1, c.threshold).map_err(xl)?;
        cs.write_string(r, 2, yes_no(lang, c.required))
            .map_err(xl)?;
    }
    let r = page.criteria.criteria.len() as u32 + 2;
    cs.write_string(r, 0, t("pilot.col.window")).map_err(xl)?;
    cs.write_number(r, 1, page.criteria.window_days as f64)
        .map_err(xl)?;
    cs.autofit();
    wb.save_to_buffer().map_err(xl)
}

/// The statuses of a filter, every page of them, for an export (at most a nation).
pub async fn export(ctx: &Ctx, actor: &Actor, f: &StatusFilter) -> Result<StatusPage, Error> {
    let mut f = f.clone();
    f.offset = Some(0);
    f.limit = Some(MAX_PAGE);
    let mut page = schools(ctx, actor, &f).await?;
    while (page.items.len() as i64) < page.total {
        f.offset = Some(page.items.len() as i64);
        let more = schools(ctx, actor, &f).await?;
        if more.items.is_empty() {
            break;
        }
        page.items.extend(more.items);
    }
    Ok(page)
}

/// Schools still to enrol: open schools of the registry not enrolled, matching `q` (for the
/// enrolment form's search), at most `limit`.
pub async fn candidates(
    ctx: &Ctx,
    actor: &Actor,
    q: &str,
    limit: i64,
) -> Result<Vec<crate::model::School>, Error> {
    must_manage(ctx, actor).await?;
    let f = crate::model::SchoolFilter {
        q: Some(q.to_owned()),
        limit: Some(limit.clamp(1, 100)),
        ..Default::default()
    };
    let found = crate::services::schools::list(ctx, actor, &f).await?;
    let enrolled: HashSet<SchoolId> = found
        .items
        .iter()
        .filter(|s| s.pilot.enrolled || s.closed_on.is_some())
        .map(|s| s.id)
        .collect();
    Ok(found
        .items
        .into_iter()
        .filter(|s| !enrolled.contains(&s.id))
        .collect())
}
