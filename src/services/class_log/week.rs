//! A class's log week as the paper book shows it (periods × days, each entry with its signature
//! state), the week's absences per pupil with those over the thresholds, and the week's two
//! closings: the homeroom teacher's, then the principal's.

use super::{
    CORRECTION_SELECT, CorrectionRow, WEEK_SELECT, WeekRow, chain, deadline, entry_of, rows_in,
};
use crate::class_log::{
    Absentee, CONSECUTIVE_DAYS_LIMIT, CloseStep, Closing, Correction, LogDay, LogWeek,
    PupilAbsences, RecordKind, WeekClosing, YEAR_ABSENCE_LIMIT, longest_absent_run,
};
use crate::classes::Class;
use crate::error::{Error, ErrorCode, Msg};
use crate::ids::{ClassId, StudentId};
use crate::model::Actor;
use crate::roll_calls::Status;
use crate::services::audit::{self, Action, Record};
use crate::services::classes;
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::lesson_access::may_read;
use crate::services::periods;
use crate::services::timetable;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn closing_of(w: &WeekRow) -> WeekClosing {
    WeekClosing {
        homeroom: Some(Closing {
            by: w.homeroom_by,
            by_name: w.homeroom_name.clone(),
            at: crate::dates::rfc3339(w.homeroom_at),
        }),
        principal: match (w.principal_by, w.principal_at) {
            (Some(by), Some(at)) => Some(Closing {
                by,
                by_name: w.principal_name.clone().unwrap_or_default(),
                at: crate::dates::rfc3339(at),
            }),
            _ => None,
        },
    }
}

async fn week_row<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    class: ClassId,
    monday: NaiveDate,
) -> Result<Option<WeekRow>, Error> {
    sqlx::query_as(&format!(
        "{WEEK_SELECT} WHERE w.class_id = $1 AND w.monday = $2"
    ))
    .bind(class)
    .bind(monday.to_string())
    .fetch_optional(exec)
    .await
    .map_err(internal)
}

/// The week asked for: a day `YYYY-MM-DD` (or dd/mm/yyyy) → its Monday; today's week when none.
fn monday_of(ctx: &Ctx, week: Option<&str>) -> Result<NaiveDate, Error> {
    let day = match week.map(str::trim).filter(|s| !s.is_empty()) {
        None => classes::today(ctx),
        Some(s) => crate::dates::parse_date(s)
            .ok_or_else(|| Error::field("week", Msg::new("validation.date")))?,
    };
    Ok(crate::class_log::week_of(day))
}

/// When the week's teaching is over (unix seconds): the end of its last lesson, or the
/// Saturday's start when it has none.
fn week_over_at(
    grid: &crate::periods::PeriodGrid,
    slots: &[timetable::Slot],
    monday: NaiveDate,
) -> i64 {
    slots
        .iter()
        .map(|s| super::period_bounds(grid, s.date, s.item.period).1)
        .max()
        .unwrap_or_else(|| crate::dates::midnight(monday + chrono::Duration::days(5)))
}

/// Which closing the actor may make now, if any: the homeroom teacher's first (a school
/// administrator's when the class has no homeroom teacher), then a school administrator's.
fn next_step(actor: &Actor, c: &Class, closing: &WeekClosing, over: bool) -> Option<CloseStep> {
    if !over {
        return None;
    }
    let admin = actor.can_manage_school(c.school_id);
    match (&closing.homeroom, &closing.principal) {
        (None, _) => {
            let homeroom = match c.homeroom_teacher_id {
                Some(h) => h == actor.user_id && actor.school_id == Some(c.school_id),
                None => admin,
            };
            homeroom.then_some(CloseStep::Homeroom)
        }
        (Some(_), None) => admin.then_some(CloseStep::Principal),
        (Some(_), Some(_)) => None,
    }
}

/// A class's log week (API `GET /api/v1/classes/{id}/log?week=YYYY-MM-DD`): the school's staff.
pub async fn week(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    week: Option<&str>,
) -> Result<LogWeek, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let monday = monday_of(ctx, week)?;
    let sunday = monday + chrono::Duration::days(6);
    let pool = &ctx.db.pool;
    let slots = timetable::class_slots(ctx, c.school_id, class, monday, sunday).await?;
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let holidays = periods::load_holidays(ctx, c.school_id, Some(monday), Some(sunday)).await?;
    let closing = week_row(pool, class, monday)
        .await?
        .map(|w| closing_of(&w))
        .unwrap_or_default();
    let closed = closing.is_closed();
    let mut rows = rows_in(ctx, class, monday, sunday).await?;
    let corrections: Vec<CorrectionRow> = sqlx::query_as(&format!(
        "{CORRECTION_SELECT} WHERE c.class_id = $1 AND c.date >= $2 AND c.date <= $3 ORDER BY c.id"
    ))
    .bind(class)
    .bind(monday.to_string())
    .bind(sunday.to_string())
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let mut by_lesson: HashMap<(NaiveDate, i64), Vec<Correction>> = HashMap::new();
    for r in corrections {
        let c = Correction::try_from(r).map_err(internal)?;
        by_lesson.entry((c.date, c.period)).or_default().push(c);
    }

    // The year's absences up to Sunday, per pupil and lesson (for the week, the year's total
    // and the runs of days).
    let absences: Vec<(String, i64, StudentId, String, String)> = sqlx::query_as(
        "SELECT r.date, r.period, e.student_id, s.full_name, e.status FROM roll_calls r \
         JOIN roll_call_entries e ON e.roll_call_id = r.id JOIN students s ON s.id = e.student_id \
         WHERE r.class_id = $1 AND r.date >= $2 AND r.date <= $3 \
         AND e.status IN ('excused', 'unexcused')",
    )
    .bind(class)
    .bind(year.starts.to_string())
    .bind(sunday.to_string())
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let calls_per_day: Vec<(String, i64)> = sqlx::query_as(
        "SELECT date, COUNT(*) FROM roll_calls WHERE class_id = $1 AND date >= $2 AND date <= $3 \
         GROUP BY date ORDER BY date",
    )
    .bind(class)
    .bind(year.starts.to_string())
    .bind(sunday.to_string())
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let school_days: Vec<(NaiveDate, i64)> = calls_per_day
        .iter()
        .map(|(d, n)| Ok((decode_date(d)?, *n)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)?;
    let mut live: HashMap<(NaiveDate, i64), Vec<Absentee>> = HashMap::new();
    #[derive(Default)]
    struct Tally {
        name: String,
        week_excused: i64,
        week_unexcused: i64,
        year: i64,
        per_day: BTreeMap<NaiveDate, i64>,
    }
    let mut pupils: HashMap<StudentId, Tally> = HashMap::new();
    for (d, period, student, name, status) in absences {
        let date = decode_date(&d).map_err(internal)?;
        let status = decode("status", &status, Status::parse).map_err(internal)?;
        let t = pupils.entry(student).or_default();
        t.name.clone_from(&name);
        t.year += 1;
        *t.per_day.entry(date).or_default() += 1;
        if date >= monday {
            match status {
                Status::Excused => t.week_excused += 1,
                _ => t.week_unexcused += 1,
            }
            live.entry((date, period)).or_default().push(Absentee {
                student_id: student,
                full_name: name,
                status,
            });
        }
    }
    let day_list: Vec<NaiveDate> = school_days.iter().map(|(d, _)| *d).collect();
    let calls: HashMap<NaiveDate, i64> = school_days.into_iter().collect();
    let mut absences: Vec<PupilAbsences> = pupils
        .into_iter()
        .map(|(student_id, t)| {
            let absent_days: Vec<NaiveDate> = t
                .per_day
                .iter()
                .filter(|(d, n)| calls.get(d).is_some_and(|c| *n >= c))
                .map(|(d, _)| *d)
                .collect();
            let consecutive_days = longest_absent_run(&day_list, &absent_days, monday);
            PupilAbsences {
                student_id,
                full_name: t.name,
                week_excused: t.week_excused,
                week_unexcused: t.week_unexcused,
                year_periods: t.year,
                consecutive_days,
                over_year_limit: t.year > YEAR_ABSENCE_LIMIT,
                over_consecutive: consecutive_days >= CONSECUTIVE_DAYS_LIMIT,
            }
        })
        .filter(|p| {
            p.week_excused + p.week_unexcused > 0 || p.over_year_limit || p.over_consecutive
        })
        .collect();
    crate::names::sort_by_name(&mut absences, |p| &p.full_name);

    let now = ctx.now();
    let mut days: Vec<LogDay> = Vec::new();
    let (mut on_time, mut late, mut missing) = (0, 0, 0);
    let by_day: BTreeSet<NaiveDate> = slots.iter().map(|s| s.date).collect();
    for i in 0..7 {
        let date = monday + chrono::Duration::days(i);
        if i == 6 && !by_day.contains(&date) {
            continue;
        }
        let mut entries = Vec::new();
        for s in slots.iter().filter(|s| s.date == date) {
            let key = (date, s.item.period);
            let mut l = live.remove(&key).unwrap_or_default();
            crate::names::sort_by_name(&mut l, |a| &a.full_name);
            let e = entry_of(
                s,
                rows.remove(&key),
                by_lesson.remove(&key).unwrap_or_default(),
                l,
                closed,
            )
            .map_err(internal)?;
            match (e.signed_by.is_some(), e.late_minutes) {
                (true, Some(m)) if m > 0 => late += 1,
                (true, _) => on_time += 1,
                (false, _) if deadline(&grid, date, s.item.period) < now => missing += 1,
                _ => {}
            }
            entries.push(e);
        }
        days.push(LogDay {
            date,
            holiday: periods::holiday_on(&holidays, date).map(|h| h.name.clone()),
            entries,
        });
    }
    let over = now >= week_over_at(&grid, &slots, monday);
    let may_close = next_step(actor, &c, &closing, over);
    let school_name: String = sqlx::query_scalar("SELECT name FROM schools WHERE id = $1")
        .bind(c.school_id)
        .fetch_one(pool)
        .await
        .map_err(internal)?;
    Ok(LogWeek {
        class_id: class,
        class_name: c.name.clone(),
        school_id: c.school_id,
        school_name,
        school_year: year.name.clone(),
        homeroom_name: c.homeroom_teacher_name.clone(),
        monday,
        periods: grid.items.iter().map(|p| p.number).collect(),
        days,
        may_close,
        may_approve: actor.can_manage_school(c.school_id),
        closing,
        absences,
        signed_on_time: on_time,
        signed_late: late,
        missing,
        chain_head: chain::head(ctx, class).await?,
        today: classes::today(ctx),
    })
}

/// Closes a class's week (API `POST /api/v1/classes/{id}/log/weeks/{monday}/close`): first the
/// homeroom teacher (a school administrator when the class has none), then a school
/// administrator (the principal). The order is enforced (409 "the homeroom teacher closes
/// first"); a week still being taught is refused (422 on `week`); closing what the caller
/// already closed changes nothing. A closed week is read-only.
pub async fn close_week(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    monday: &str,
    ip: Option<&str>,
) -> Result<WeekClosing, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let monday = crate::dates::parse_date(monday)
        .filter(|d| crate::class_log::week_of(*d) == *d)
        .ok_or_else(|| Error::field("week", Msg::new("log.not_monday")))?;
    let sunday = monday + chrono::Duration::days(6);
    if sunday < year.starts || monday > year.ends {
        return Err(Error::field(
            "week",
            Msg::new("substitute.outside_year")
                .arg("year", &year.name)
                .arg("starts", crate::dates::display_date(year.starts))
                .arg("ends", crate::dates::display_date(year.ends)),
        ));
    }
    let admin = actor.can_manage_school(c.school_id);
    let homeroom = match c.homeroom_teacher_id {
        Some(h) => h == actor.user_id && actor.school_id == Some(c.school_id),
        None => admin,
    };
    if !admin && !homeroom {
        return Err(Error::forbidden());
    }
    let slots = timetable::class_slots(ctx, c.school_id, class, monday, sunday).await?;
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let now = ctx.now();
    if now < week_over_at(&grid, &slots, monday) {
        return Err(Error::field("week", Msg::new("log.week_not_over")));
    }
    let mut tx = ctx
        .db
        .begin_locking_row("classes", "id", class.0)
        .await
        .map_err(internal)?;
    let row = week_row(&mut *tx, class, monday).await?;
    let closing = row.as_ref().map(closing_of).unwrap_or_default();
    let monday_s = monday.to_string();
    let step = match (&closing.homeroom, &closing.principal) {
        (None, _) if homeroom => CloseStep::Homeroom,
        (None, _) => {
            return Err(Error::with_msg(
                ErrorCode::Conflict,
                Msg::new("log.homeroom_first"),
            ));
        }
        (Some(_), None) if admin => CloseStep::Principal,
        // Closed by the homeroom teacher, who asks again: nothing to do.
        (Some(_), None) => return Ok(closing),
        (Some(_), Some(_)) => return Ok(closing),
    };
    let (kind, action_sql) = match step {
        CloseStep::Homeroom => (
            RecordKind::CloseHomeroom,
            "INSERT INTO class_log_weeks (school_id, class_id, monday, homeroom_by, homeroom_at) \
             VALUES ($1, $2, $3, $4, $5)",
        ),
        CloseStep::Principal => (
            RecordKind::ClosePrincipal,
            "UPDATE class_log_weeks SET principal_by = $4, principal_at = $5 \
             WHERE school_id = $1 AND class_id = $2 AND monday = $3",
        ),
    };
    sqlx::query(action_sql)
        .bind(c.school_id)
        .bind(class)
        .bind(&monday_s)
        .bind(actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let record = chain::content(&chain::CloseContent {
        monday: &monday_s,
        by: actor.user_id,
        at: now,
    });
    chain::append(
        &mut tx,
        c.school_id,
        class,
        kind,
        &monday_s,
        &record,
        actor.user_id,
        now,
    )
    .await?;
    audit::write(
        &mut *tx,
        now,
        Action::ClassLogClose,
        Record {
            actor: Some(actor),
            school_id: Some(c.school_id),
            object: format!("class_log_week:{class}:{monday_s}"),
            new: Some(format!("{}:{record}", step.as_str())),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    let row = week_row(&ctx.db.pool, class, monday).await?;
    Ok(row.as_ref().map(closing_of).unwrap_or_default())
}
