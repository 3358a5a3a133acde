//! Timetables (thời khóa biểu) in versions that take effect from a date, and the lessons they
//! make: a lesson is class × date × period, on a day of the class's school year that is not a
//! holiday, in the version in force that day.

use crate::classes::{
    SchoolYear, Timetable, TimetableInput, TimetableItem, parse_subject, weekday_number,
};
use crate::dates::parse_date;
use crate::error::{Error, FieldError, Msg};
use crate::ids::{ClassId, SchoolId, UserId};
use crate::model::{Actor, Role};
use crate::services::audit::{self, Record};
use crate::services::classes;
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::periods;
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The most cells a timetable may have (7 days × 10 periods).
pub const MAX_ITEMS: usize = 70;

/// A lesson the timetable makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The day.
    pub date: NaiveDate,
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// Its homeroom teacher.
    pub homeroom: Option<UserId>,
    /// The cell.
    pub item: TimetableItem,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    class_id: ClassId,
    starts: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    version_id: i64,
    weekday: i64,
    period: i64,
    subject: String,
    teacher_id: UserId,
    teacher_name: String,
}

impl TryFrom<ItemRow> for TimetableItem {
    type Error = sqlx::Error;
    fn try_from(r: ItemRow) -> Result<TimetableItem, sqlx::Error> {
        Ok(TimetableItem {
            weekday: r.weekday,
            period: r.period,
            subject: decode("subject", &r.subject, parse_subject)?.to_owned(),
            teacher_id: r.teacher_id,
            teacher_name: Some(r.teacher_name),
        })
    }
}

/// The versions (first day, id) of some classes, oldest first, and their cells by version.
async fn load_versions(
    ctx: &Ctx,
    class_filter: &str,
    bind: i64,
) -> Result<
    (
        HashMap<ClassId, Vec<(NaiveDate, i64)>>,
        HashMap<i64, Vec<TimetableItem>>,
    ),
    Error,
> {
    let versions: Vec<VersionRow> = sqlx::query_as(&format!(
        "SELECT v.id, v.class_id, v.starts FROM timetable_versions v JOIN classes c ON c.id = v.class_id \
         WHERE {class_filter} ORDER BY v.class_id, v.starts"
    ))
    .bind(bind)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let items: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT i.version_id, i.weekday, i.period, i.subject, i.teacher_id, u.full_name AS teacher_name \
         FROM timetable_items i JOIN timetable_versions v ON v.id = i.version_id \
         JOIN classes c ON c.id = v.class_id JOIN users u ON u.id = i.teacher_id \
         WHERE {class_filter} ORDER BY i.weekday, i.period"
    ))
    .bind(bind)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut by_class: HashMap<ClassId, Vec<(NaiveDate, i64)>> = HashMap::new();
    for v in versions {
        by_class
            .entry(v.class_id)
            .or_default()
            .push((decode_date(&v.starts).map_err(internal)?, v.id));
    }
    let mut by_version: HashMap<i64, Vec<TimetableItem>> = HashMap::new();
    for i in items {
        let v = i.version_id;
        by_version
            .entry(v)
            .or_default()
            .push(TimetableItem::try_from(i).map_err(internal)?);
    }
    Ok((by_class, by_version))
}

/// The version in force on a day: the last one started by then.
fn in_force(versions: &[(NaiveDate, i64)], on: NaiveDate) -> Option<(NaiveDate, i64)> {
    versions.iter().rev().find(|(s, _)| *s <= on).copied()
}

/// The lessons of a school from `from` to `to` (inclusive), by day, period and class: every
/// day of each class's school year that is not a holiday, from the version in force that day.
/// `teacher` keeps the lessons that teacher teaches.
pub(crate) async fn timetabled(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
    teacher: Option<UserId>,
) -> Result<Vec<Slot>, Error> {
    slots(ctx, school, None, from, to, teacher).await
}

/// [`timetabled`] for the whole school, or for one class (`class`), which reads only that
/// class's versions.
async fn slots(
    ctx: &Ctx,
    school: SchoolId,
    class: Option<ClassId>,
    from: NaiveDate,
    to: NaiveDate,
    teacher: Option<UserId>,
) -> Result<Vec<Slot>, Error> {
    let one = if class.is_some() {
        " AND c.id = $4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT c.id, c.name, c.homeroom_teacher_id, y.starts, y.ends FROM classes c \
         JOIN school_years y ON y.id = c.year_id \
         WHERE c.school_id = $1 AND y.starts <= $2 AND y.ends >= $3{one}"
    );
    let mut q = sqlx::query(&sql)
        .bind(school)
        .bind(to.to_string())
        .bind(from.to_string());
    if let Some(c) = class {
        q = q.bind(c);
    }
    let classes = q.fetch_all(&ctx.db.pool).await.map_err(internal)?;
    if classes.is_empty() {
        return Ok(Vec::new());
    }
    let (versions, items) = match class {
        Some(c) => load_versions(ctx, "c.id = $1", c.0).await?,
        None => load_versions(ctx, "c.school_id = $1", school.0).await?,
    };
    let holidays = periods::load_holidays(ctx, school, Some(from), Some(to)).await?;
    let mut out = Vec::new();
    for c in &classes {
        let id: ClassId = c.try_get("id").map_err(internal)?;
        let name: String = c.try_get("name").map_err(internal)?;
        let homeroom: Option<UserId> = c.try_get("homeroom_teacher_id").map_err(internal)?;
        let starts =
            decode_date(&c.try_get::<String, _>("starts").map_err(internal)?).map_err(internal)?;
        let ends =
            decode_date(&c.try_get::<String, _>("ends").map_err(internal)?).map_err(internal)?;
        let Some(vs) = versions.get(&id) else {
            continue;
        };
        let mut d = from.max(starts);
        while d <= to.min(ends) {
            if periods::holiday_on(&holidays, d).is_none()
                && let Some((_, v)) = in_force(vs, d)
            {
                let wd = weekday_number(d);
                for it in items.get(&v).into_iter().flatten() {
                    if it.weekday == wd && teacher.is_none_or(|t| t == it.teacher_id) {
                        out.push(Slot {
                            date: d,
                            class_id: id,
                            class_name: name.clone(),
                            homeroom,
                            item: it.clone(),
                        });
                    }
                }
            }
            d = d.succ_opt().unwrap_or(d);
            if d == NaiveDate::MAX {
                break;
            }
        }
    }
    out.sort_by(|a, b| {
        (a.date, a.item.period, &a.class_name).cmp(&(b.date, b.item.period, &b.class_name))
    });
    Ok(out)
}

/// The lesson of a class on a day and period, if the timetable in force has one and the day is
/// a school day of the class's year.
pub(crate) async fn lesson(
    ctx: &Ctx,
    school: SchoolId,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Option<Slot>, Error> {
    Ok(slots(ctx, school, Some(class), date, date, None)
        .await?
        .into_iter()
        .find(|s| s.class_id == class && s.item.period == period))
}

/// A class's timetable in force on a day (today by default), with its versions.
pub async fn get(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    on: Option<NaiveDate>,
) -> Result<Timetable, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    let on = on.unwrap_or_else(|| classes::today(ctx).clamp(year.starts, year.ends));
    let (versions, items) = load_versions(ctx, "c.id = $1", class.0).await?;
    let vs = versions.get(&c.id).cloned().unwrap_or_default();
    let current = in_force(&vs, on);
    Ok(Timetable {
        class_id: class,
        on,
        from: current.map(|(s, _)| s),
        versions: vs.iter().map(|(s, _)| *s).collect(),
        items: current
            .and_then(|(_, v)| items.get(&v).cloned())
            .unwrap_or_default(),
    })
}

/// Sets a class's timetable (API.md): without `from` it replaces every version of the school
/// year with this one; with `from` it starts a new version that day (a version starting that
/// day or later is replaced) and leaves earlier days as they were. Each bad cell is reported
/// (`items[3].teacher_id`); nothing is written unless all are good.
pub async fn put(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    input: &TimetableInput,
    ip: Option<&str>,
) -> Result<Timetable, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    actor.must_manage_school(c.school_id)?;
    let items = check_items(ctx, c.school_id, input).await?;
    let from = match input.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match parse_date(s) {
            Some(d) if year.contains(d) => Some(d),
            Some(_) => return Err(Error::field("from", Msg::new("validation.outside_year"))),
            None => return Err(Error::field("from", Msg::new("validation.date"))),
        },
    };
    write(ctx, Some(actor), class, &year, from, &items, ip).await?;
    get(ctx, actor, class, Some(from.unwrap_or(year.starts))).await
}

/// Checks the cells: weekday 1–7, a period of the school's grid, a known subject, a teacher of
/// the school, each weekday × period once.
async fn check_items(
    ctx: &Ctx,
    school: SchoolId,
    input: &TimetableInput,
) -> Result<Vec<TimetableItem>, Error> {
    if input.items.len() > MAX_ITEMS {
        return Err(Error::field(
            "items",
            Msg::new("validation.too_many").arg("max", MAX_ITEMS),
        ));
    }
    let grid = periods::load_grid(ctx, school).await?;
    let staff: HashSet<UserId> = sqlx::query(
        "SELECT id FROM users WHERE school_id = $1 AND active = 1 AND role IN ($2, $3)",
    )
    .bind(school)
    .bind(Role::Teacher.as_str().to_owned())
    .bind(Role::SchoolAdmin.as_str().to_owned())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()
    .map_err(internal)?;
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, it) in input.items.iter().enumerate() {
        let mut bad = |field: &str, key: &str| {
            errs.push(FieldError {
                field: format!("items[{i}].{field}"),
                msg: Msg::new(key),
            })
        };
        if !(1..=7).contains(&it.weekday) {
            bad("weekday", "validation.weekday");
        }
        if !grid.items.iter().any(|p| p.number == it.period) {
            bad("period", "validation.period");
        }
        let subject = parse_subject(&it.subject);
        if subject.is_none() {
            bad("subject", "validation.subject");
        }
        if !staff.contains(&it.teacher_id) {
            bad("teacher_id", "validation.teacher");
        }
        if !seen.insert((it.weekday, it.period)) {
            bad("period", "validation.lesson_twice");
        }
        out.push(TimetableItem {
            weekday: it.weekday,
            period: it.period,
            subject: subject.unwrap_or_default().to_owned(),
            teacher_id: it.teacher_id,
            teacher_name: None,
        });
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(Error::fields(errs))
    }
}

/// Writes a timetable version (the API, the grid page, the CSV import and seeding).
pub(crate) async fn write(
    ctx: &Ctx,
    actor: Option<&Actor>,
    class: ClassId,
    year: &SchoolYear,
    from: Option<NaiveDate>,
    items: &[TimetableItem],
    ip: Option<&str>,
) -> Result<(), Error> {
    let now = ctx.now();
    let starts = from.unwrap_or(year.starts);
    let mut tx = ctx
        .db
        .begin_exclusive(&["timetable_versions", "timetable_items"])
        .await
        .map_err(internal)?;
    let replaced: Vec<i64> =
        sqlx::query("SELECT id FROM timetable_versions WHERE class_id = $1 AND starts >= $2")
            .bind(class)
            .bind(if from.is_some() {
                starts.to_string()
            } else {
                "0000-01-01".to_owned()
            })
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()
            .map_err(internal)?;
    for v in &replaced {
        for table in [
            "timetable_items WHERE version_id",
            "timetable_versions WHERE id",
        ] {
            sqlx::query(&format!("DELETE FROM {table} = $1"))
                .bind(*v)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
    }
    let v: i64 = sqlx::query(
        "INSERT INTO timetable_versions (class_id, starts, created_at, created_by) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(class)
    .bind(starts.to_string())
    .bind(now)
    .bind(actor.map(|a| a.user_id))
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?
    .try_get("id")
    .map_err(internal)?;
    for it in items {
        sqlx::query(
            "INSERT INTO timetable_items (version_id, weekday, period, subject, teacher_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(v)
        .bind(it.weekday)
        .bind(it.period)
        .bind(it.subject.clone())
        .bind(it.teacher_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    if let Some(actor) = actor {
        let cells: BTreeMap<String, String> = items
            .iter()
            .map(|i| {
                (
                    format!("{}-{}", i.weekday, i.period),
                    format!("{}:{}", i.subject, i.teacher_id),
                )
            })
            .collect();
        audit::write(
            &mut *tx,
            now,
            Record {
                actor: Some(actor),
                school_id: Some(year.school_id),
                action: "timetable.set",
                object: format!("class:{class}"),
                new: Some(
                    serde_json::json!({"from": starts, "replaced_versions": replaced.len(), "items": cells})
                        .to_string(),
                ),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}
