//! Attendance reports: the lessons missing a roll call, a class's attendance summary, and the
//! share of lessons whose roll was taken on time (per school, for the department).

use super::lessons::taken_on;
use super::on_time_until;
use crate::attendance::{AttendanceSummary, MissingRollCall, SchoolOnTime, StudentAttendance};
use crate::error::{Error, Msg};
use crate::ids::{ClassId, SchoolId, StudentId};
use crate::model::Actor;
use crate::model::percent;
use crate::roll_calls::{Counts, ON_TIME_GRACE_MINUTES, Status};
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, decode, decode_date, internal};
use crate::services::lesson_access::may_read;
use crate::services::periods;
use crate::services::timetable;
use chrono::NaiveDate;
use sqlx::FromRow;
use std::collections::{BTreeMap, HashMap};

/// The longest range a summary or report covers (a school year and a bit).
pub const MAX_RANGE_DAYS: i64 = 400;

/// Checks a report's range: `from` ≤ `to`, at most [`MAX_RANGE_DAYS`].
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), Error> {
    if from > to {
        return Err(Error::field("to", Msg::new("validation.date_range")));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(Error::field("to", Msg::new("validation.date_range")));
    }
    Ok(())
}

/// The school's lessons from `from` to `to` with no roll call, by day, period and class
/// (API.md missing report; the admin's page asks for today or this week). A lesson of today
/// is missing once its period has ended; later days have none.
pub async fn missing(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MissingRollCall>, Error> {
    actor.must_manage_school(school)?;
    check_range(from, to)?;
    let now = ctx.now();
    let today = today(ctx);
    let to = to.min(today);
    if from > to {
        return Ok(Vec::new());
    }
    let grid = periods::load_grid(ctx, school).await?;
    let slots = timetable::timetabled(ctx, school, from, to, None).await?;
    let taken = taken_on(ctx, school, from, to).await?;
    Ok(slots
        .into_iter()
        .filter(|s| !taken.contains_key(&(s.class_id, s.date, s.item.period)))
        .filter(|s| {
            s.date < today
                || on_time_until(&grid, s.date, s.item.period) - ON_TIME_GRACE_MINUTES * 60 <= now
        })
        .map(|s| MissingRollCall {
            class_id: s.class_id,
            class_name: s.class_name,
            date: s.date,
            period: s.item.period,
            subject: s.item.subject,
            teacher_id: s.item.teacher_id,
            teacher_name: s.item.teacher_name.unwrap_or_default(),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: i64,
    date: String,
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    roll_call_id: i64,
    student_id: StudentId,
    status: String,
}

#[derive(sqlx::FromRow)]
struct PlaceRow {
    id: StudentId,
    code: String,
    full_name: String,
    since: String,
    until: Option<String>,
}

/// A student's place in a class over some days (`until` excluded), decoded strictly.
struct Place {
    id: StudentId,
    code: String,
    full_name: String,
    since: NaiveDate,
    until: Option<NaiveDate>,
}

impl TryFrom<PlaceRow> for Place {
    type Error = sqlx::Error;
    fn try_from(r: PlaceRow) -> Result<Place, sqlx::Error> {
        Ok(Place {
            id: r.id,
            code: r.code,
            full_name: r.full_name,
            since: decode_date(&r.since)?,
            until: r.until.as_deref().map(decode_date).transpose()?,
        })
    }
}

/// A class's attendance from `from` to `to` (API.md summary): per student, the lessons with a
/// roll call while they were in the class and their states; by name.
pub async fn summary(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<AttendanceSummary, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    check_range(from, to)?;
    let calls: Vec<(i64, NaiveDate)> = sqlx::query_as::<_, CallRow>(
        "SELECT id, date FROM roll_calls WHERE class_id = $1 AND date >= $2 AND date <= $3",
    )
    .bind(class)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(|r| Ok((r.id, decode_date(&r.date)?)))
    .collect::<Result<_, sqlx::Error>>()
    .map_err(internal)?;
    let mut status: HashMap<(i64, StudentId), Status> = HashMap::new();
    for r in sqlx::query_as::<_, StatusRow>(
        "SELECT e.roll_call_id, e.student_id, e.status FROM roll_call_entries e \
         JOIN roll_calls r ON r.id = e.roll_call_id WHERE r.class_id = $1 AND r.date >= $2 AND r.date <= $3",
    )
    .bind(class)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    {
        let s = decode("attendance status", &r.status, Status::parse).map_err(internal)?;
        status.insert((r.roll_call_id, r.student_id), s);
    }
    // Every student who was in the class at some point of the range, with their places.
    let places: Vec<Place> = sqlx::query_as::<_, PlaceRow>(
        "SELECT s.id, s.code, s.full_name, m.since, m.until FROM class_members m \
         JOIN students s ON s.id = m.student_id WHERE m.class_id = $1 AND m.since <= $2 \
         AND (m.until IS NULL OR m.until > $3) ORDER BY s.code",
    )
    .bind(class)
    .bind(to.to_string())
    .bind(from.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(Place::try_from)
    .collect::<Result<_, _>>()
    .map_err(internal)?;
    // By name in Vietnamese order (crate::names), a student who came back once.
    let mut students: BTreeMap<(crate::names::NameKey, StudentId), StudentAttendance> =
        BTreeMap::new();
    for p in places {
        let line = students
            .entry((crate::names::name_key(&p.full_name), p.id))
            .or_insert_with(|| StudentAttendance {
                student_id: p.id,
                code: p.code,
                full_name: p.full_name,
                lessons: 0,
                counts: Counts::default(),
                absence_rate: 0.0,
            });
        for (rc, date) in &calls {
            if *date >= p.since && p.until.is_none_or(|u| *date < u) {
                line.lessons += 1;
                line.counts
                    .add(status.get(&(*rc, p.id)).copied().unwrap_or_default());
            }
        }
    }
    let students = students
        .into_values()
        .map(|mut s| {
            s.absence_rate = percent(s.counts.absent(), s.lessons);
            s
        })
        .collect();
    Ok(AttendanceSummary {
        class_id: class,
        from,
        to,
        roll_calls: calls.len() as i64,
        students,
    })
}

/// The share of a school's timetabled lessons from `from` to `to` whose roll was taken on time
/// (for the department and the pilot criteria): (lessons, taken on time).
pub async fn on_time(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64), Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    check_range(from, to)?;
    let to = to.min(today(ctx));
    if from > to {
        return Ok((0, 0));
    }
    let slots = timetable::timetabled(ctx, school, from, to, None).await?;
    let taken = taken_on(ctx, school, from, to).await?;
    let on_time = slots
        .iter()
        .filter(|s| {
            taken
                .get(&(s.class_id, s.date, s.item.period))
                .is_some_and(|(_, on_time)| *on_time)
        })
        .count();
    Ok((slots.len() as i64, on_time as i64))
}

#[derive(sqlx::FromRow)]
struct SchoolRow {
    id: SchoolId,
    code: String,
    name: String,
}

/// [`on_time`] for every school with classes in the range or enrolled in the pilot by its end
/// (the department and sysadmins): first those without a timetabled lesson (flagged), then
/// lowest share first: the schools to call first.
pub async fn on_time_by_school(
    ctx: &Ctx,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SchoolOnTime>, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    check_range(from, to)?;
    let mut w = Where::new();
    let (t, f) = (w.param(to.to_string()), w.param(from.to_string()));
    w.and_sql(&format!(
        "(EXISTS (SELECT 1 FROM classes c JOIN school_years y ON y.id = c.year_id \
         WHERE c.school_id = s.id AND y.starts <= {t} AND y.ends >= {f}) \
         OR EXISTS (SELECT 1 FROM pilot_enrollments p WHERE p.school_id = s.id AND p.since <= {t}))"
    ));
    crate::services::scope::restrict(&mut w, actor, "s.id");
    let sql = format!(
        "SELECT s.id, s.code, s.name FROM schools s{} ORDER BY s.code",
        w.sql()
    );
    let rows: Vec<SchoolRow> = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .iter()
        .map(SchoolRow::from_row)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (lessons, on_time) = on_time(ctx, actor, r.id, from, to).await?;
        out.push(SchoolOnTime {
            school_id: r.id,
            code: r.code,
            name: r.name,
            lessons,
            on_time,
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
