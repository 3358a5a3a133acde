//! The share of lessons whose log entry was signed on time: per school for the department (a
//! ranking like the on-time roll calls') and for the pilot criterion `log_signed_on_time_pct`.

use super::deadline;
use crate::class_log::SchoolLogOnTime;
use crate::error::Error;
use crate::ids::{ClassId, SchoolId};
use crate::model::{Actor, percent};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, decode_date, internal};
use crate::services::periods;
use crate::services::roll_calls::check_range;
use crate::services::timetable;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A school's lessons over from `from` to `to` (their signing deadline passed) and, of them,
/// those signed on time and late: (lessons, on time, late). No caller check: for the reports
/// below and the pilot's measure.
pub async fn school_on_time(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64, i64), Error> {
    let now = ctx.now();
    let to = to.min(crate::dates::today_at(now));
    if from > to {
        return Ok((0, 0, 0));
    }
    let slots = timetable::timetabled(ctx, school, from, to, None).await?;
    if slots.is_empty() {
        return Ok((0, 0, 0));
    }
    let grid = periods::load_grid(ctx, school).await?;
    let rows: Vec<(ClassId, String, i64, i64)> = sqlx::query_as(
        "SELECT class_id, date, period, late_minutes FROM class_log_entries \
         WHERE school_id = $1 AND date >= $2 AND date <= $3 AND signed_by IS NOT NULL",
    )
    .bind(school)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut signed: HashMap<(ClassId, NaiveDate, i64), i64> = HashMap::new();
    for (class, date, period, late) in rows {
        signed.insert((class, decode_date(&date).map_err(internal)?, period), late);
    }
    let (mut lessons, mut on_time, mut late) = (0, 0, 0);
    for s in &slots {
        if deadline(&grid, s.date, s.item.period) > now {
            continue;
        }
        lessons += 1;
        match signed.get(&(s.class_id, s.date, s.item.period)) {
            Some(0) => on_time += 1,
            Some(_) => late += 1,
            None => {}
        }
    }
    Ok((lessons, on_time, late))
}

#[derive(sqlx::FromRow)]
struct SchoolRow {
    id: SchoolId,
    code: String,
    name: String,
}

/// Every school the caller sees with classes in the range: lessons over, signed on time, late,
/// missing (API `GET /api/v1/log/on-time?from=&to=`): the department and sysadmins. Schools
/// without a timetabled lesson first (flagged), then lowest share first.
pub async fn on_time_by_school(
    ctx: &Ctx,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SchoolLogOnTime>, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    check_range(from, to)?;
    let mut w = Where::new();
    let (t, f) = (w.param(to.to_string()), w.param(from.to_string()));
    w.and_sql(&format!(
        "EXISTS (SELECT 1 FROM classes c JOIN school_years y ON y.id = c.year_id \
         WHERE c.school_id = s.id AND y.starts <= {t} AND y.ends >= {f})"
    ));
    crate::services::scope::restrict(&mut w, actor, "s.id");
    let sql = format!(
        "SELECT s.id, s.code, s.name FROM schools s{} ORDER BY s.code",
        w.sql()
    );
    let rows: Vec<SchoolRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (lessons, on_time, late) = school_on_time(ctx, r.id, from, to).await?;
        out.push(SchoolLogOnTime {
            school_id: r.id,
            code: r.code,
            name: r.name,
            lessons,
            on_time,
            late,
            missing: lessons - on_time - late,
            percent: percent(on_time, lessons),
            no_timetable: lessons == 0,
        });
    }
    out.sort_by(|a, b| {
        b.no_timetable
            .cmp(&a.no_timetable)
            .then_with(|| a.percent.total_cmp(&b.percent))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(out)
}
