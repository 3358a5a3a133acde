//! Reading a run: the summary against the targets, and the trend month by month.

use super::*;
use crate::services::db::{decode, decode_date};

/// The schools of one level in one area on a run's date, counted.
#[derive(sqlx::FromRow)]
struct GroupRow {
    level: String,
    area_id: i64,
    area: String,
    total: i64,
    enrolled: i64,
    counted: i64,
    silent: i64,
}

/// A run's date with its schools counted (a point of the trend).
#[derive(sqlx::FromRow)]
struct PointRow {
    as_of: String,
    total: i64,
    counted: i64,
}

impl TryFrom<PointRow> for TrendPoint {
    type Error = sqlx::Error;
    fn try_from(r: PointRow) -> Result<TrendPoint, sqlx::Error> {
        Ok(TrendPoint {
            as_of: decode_date(&r.as_of)?,
            total: r.total,
            counted: r.counted,
            percent: crate::model::percent(r.counted, r.total),
        })
    }
}

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
    let rows: Vec<GroupRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut levels: HashMap<SchoolLevel, (i64, i64, i64)> = HashMap::new();
    let mut areas: HashMap<i64, (String, i64, i64, i64)> = HashMap::new();
    let (mut total, mut enrolled, mut counted, mut silent) = (0, 0, 0, 0);
    for r in rows {
        let level = decode("level", &r.level, SchoolLevel::parse).map_err(internal)?;
        let (n, e, c, s) = (r.total, r.enrolled, r.counted, r.silent);
        let l = levels.entry(level).or_default();
        *l = (l.0 + n, l.1 + e, l.2 + c);
        let a = areas.entry(r.area_id).or_insert_with(|| (r.area, 0, 0, 0));
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
        Some(a) => sqlx::query_scalar::<_, String>("SELECT name FROM areas WHERE id = $1")
            .bind(a.0)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?,
        None => None,
    };
    Ok(Summary {
        as_of,
        province: province_name(ctx).await?,
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
        criteria: criteria_by_id(ctx, run.criteria_id).await?,
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
        if is_fresh(ctx, *d, stored_run(ctx, *d).await?.as_ref(), cid, None) {
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
    let rows: Vec<PointRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let points: Vec<TrendPoint> = rows
        .into_iter()
        .map(TrendPoint::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
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
