//! Reading a run: the school list (filtered, ordered, paged) and one school with evidence.

use super::*;
use crate::services::db::{decode, decode_date, decode_flag};

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
     p.teachers, p.teachers_with_materials, p.lessons, p.roll_calls_on_time, p.logs_on_time, \
     p.last_activity \
     FROM pilot_status p JOIN schools s ON s.id = p.school_id JOIN areas a ON a.id = s.area_id \
     LEFT JOIN pilot_enrollments e ON e.school_id = p.school_id";

/// A school's status in a run ([`STATUS_SELECT`]). `counted` and `met` are stored for ordering
/// and filtering; the status read is evaluated again from the measured counts.
#[derive(sqlx::FromRow)]
struct StatusRow {
    school_id: SchoolId,
    code: String,
    name: String,
    level: String,
    area_id: AreaId,
    area: String,
    since: Option<String>,
    enrolled: i64,
    devices: i64,
    device_periods: i64,
    teachers: i64,
    teachers_with_materials: i64,
    lessons: i64,
    roll_calls_on_time: i64,
    logs_on_time: i64,
    last_activity: Option<String>,
}

impl StatusRow {
    /// The status under `criteria`, every stored value decoded strictly.
    fn into_status(self, criteria: &Criteria) -> Result<SchoolStatus, sqlx::Error> {
        let measured = Measured {
            enrolled: decode_flag("enrolled", self.enrolled)?,
            devices: self.devices,
            device_periods: self.device_periods,
            teachers: self.teachers,
            teachers_with_materials: self.teachers_with_materials,
            lessons: self.lessons,
            roll_calls_on_time: self.roll_calls_on_time,
            logs_on_time: self.logs_on_time,
        };
        let (results, counted) = evaluate(criteria, &measured);
        Ok(SchoolStatus {
            school_id: self.school_id,
            code: self.code,
            name: self.name,
            level: decode("level", &self.level, SchoolLevel::parse)?,
            area: self.area,
            area_id: self.area_id,
            enrolled: measured.enrolled,
            since: self.since.as_deref().map(decode_date).transpose()?,
            counted,
            met: results.iter().filter(|x| x.met).count() as i64,
            criteria: results,
            last_activity: self.last_activity.as_deref().map(decode_date).transpose()?,
            measured,
        })
    }
}

fn status_from_row(r: &sqlx::any::AnyRow, criteria: &Criteria) -> Result<SchoolStatus, Error> {
    StatusRow::from_row(r)
        .and_then(|r| r.into_status(criteria))
        .map_err(internal)
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
        .and_then(|r| <(i64,) as sqlx::FromRow<_>>::from_row(&r))
        .map_err(internal)?
        .0;
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
    let without: Vec<String> = sqlx::query_scalar(
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
    .map_err(internal)?;
    // (name, status as stored).
    let out: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, status FROM devices WHERE school_id = $1 AND status <> 'available' ORDER BY name",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
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
