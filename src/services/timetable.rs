//! Timetables (thời khóa biểu) in versions that take effect from a date, and the lessons they
//! make: a lesson is class × date × period, on a day of the class's school year that is not a
//! holiday, in the version in force that day.

use crate::classes::SchoolYear;
use crate::dates::parse_date;
use crate::error::{Error, FieldError, LineError, Msg};
use crate::ids::{ClassId, SchoolId, UserId};
use crate::model::Actor;
use crate::model::ImportOutcome;
use crate::services::audit::{self, Action, Record};
use crate::services::classes;
use crate::services::csv_import::{self, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::services::periods;
use crate::subjects::parse_subject;
use crate::text::fold;
use crate::timetable::{
    CellText, TIMETABLE_CSV_HEADER, Timetable, TimetableEditor, TimetableInput, TimetableItem,
    TimetableItemInput, parse_day, weekday_number,
};
use chrono::NaiveDate;
use sqlx::{Any, Transaction};
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

/// The lessons of one class from `from` to `to` (inclusive).
pub(crate) async fn class_slots(
    ctx: &Ctx,
    school: SchoolId,
    class: ClassId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Slot>, Error> {
    slots(ctx, school, Some(class), from, to, None).await
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
    let mut q = sqlx::query_as::<_, (ClassId, String, Option<UserId>, String, String)>(&sql)
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
    for (id, name, homeroom, starts, ends) in classes {
        let starts = decode_date(&starts).map_err(internal)?;
        let ends = decode_date(&ends).map_err(internal)?;
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

/// The lesson of a class on a day and period, or the 422 on `period` saying the timetable has
/// none that day (or the day is a holiday): what the roll call and the class log refuse with.
pub(crate) async fn lesson_of(
    ctx: &Ctx,
    c: &crate::classes::Class,
    date: NaiveDate,
    period: i64,
) -> Result<Slot, Error> {
    lesson(ctx, c.school_id, c.id, date, period)
        .await?
        .ok_or_else(|| {
            Error::field(
                "period",
                Msg::new("roll_call.no_lesson")
                    .arg("class", &c.name)
                    .arg("period", period)
                    .arg("date", crate::dates::display_date(date)),
            )
        })
}

/// A class's timetable in force on a day (today by default), with its versions.
pub async fn get(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    on: Option<NaiveDate>,
) -> Result<Timetable, Error> {
    let (_, year) = classes::get(ctx, actor, class).await?;
    in_force_of(ctx, class, &year, on).await
}

/// [`get`] once the class is read and the caller checked.
async fn in_force_of(
    ctx: &Ctx,
    class: ClassId,
    year: &SchoolYear,
    on: Option<NaiveDate>,
) -> Result<Timetable, Error> {
    let on = on.unwrap_or_else(|| classes::today(ctx).clamp(year.starts, year.ends));
    let (versions, items) = load_versions(ctx, "c.id = $1", class.0).await?;
    let vs = versions.get(&class).cloned().unwrap_or_default();
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
    put_checked(ctx, actor, class, &year, input, ip).await
}

/// [`put`] once the class is read and the caller may change it.
async fn put_checked(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    year: &SchoolYear,
    input: &TimetableInput,
    ip: Option<&str>,
) -> Result<Timetable, Error> {
    let items = check_items(ctx, year.school_id, input).await?;
    let from = match input.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match parse_date(s) {
            Some(d) if year.contains(d) => Some(d),
            Some(_) => return Err(Error::field("from", Msg::new("validation.outside_year"))),
            None => return Err(Error::field("from", Msg::new("validation.date"))),
        },
    };
    write(ctx, Some(actor), class, year, from, &items, ip).await?;
    in_force_of(ctx, class, year, Some(from.unwrap_or(year.starts))).await
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
    let staff: HashSet<UserId> = classes::staff(ctx, school)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
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
    let mut tx = ctx
        .db
        .begin_exclusive(&["timetable_versions", "timetable_items"])
        .await
        .map_err(internal)?;
    write_tx(&mut tx, ctx.now(), actor, class, year, from, items, ip).await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// [`write`] inside the caller's transaction (the CSV import writes every class in one).
#[allow(clippy::too_many_arguments)]
async fn write_tx(
    tx: &mut Transaction<'static, Any>,
    now: i64,
    actor: Option<&Actor>,
    class: ClassId,
    year: &SchoolYear,
    from: Option<NaiveDate>,
    items: &[TimetableItem],
    ip: Option<&str>,
) -> Result<(), Error> {
    let starts = from.unwrap_or(year.starts);
    let replaced: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM timetable_versions WHERE class_id = $1 AND starts >= $2",
    )
    .bind(class)
    .bind(if from.is_some() {
        starts.to_string()
    } else {
        "0000-01-01".to_owned()
    })
    .fetch_all(&mut **tx)
    .await
    .map_err(internal)?
    .into_iter()
    .collect();
    for v in &replaced {
        for table in [
            "timetable_items WHERE version_id",
            "timetable_versions WHERE id",
        ] {
            sqlx::query(&format!("DELETE FROM {table} = $1"))
                .bind(*v)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
    }
    let v: i64 = sqlx::query_scalar(
        "INSERT INTO timetable_versions (class_id, starts, created_at, created_by) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(class)
    .bind(starts.to_string())
    .bind(now)
    .bind(actor.map(|a| a.user_id))
    .fetch_one(&mut **tx)
    .await
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
        .execute(&mut **tx)
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
            &mut **tx,
            now,
            Action::TimetableSet,
            Record {
                actor: Some(actor),
                school_id: Some(year.school_id),
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
    Ok(())
}

/// Imports a school's timetable from CSV `class,day,period,subject,teacher` (one line per
/// lesson of the week: `6A1,Thứ 2,1,Toán,gv.lan`): every class of the file gets a new version
/// from `from` (the whole school year when absent), the others keep theirs. The classes are
/// those of the school year of `from` (this year's by default); the teacher is a username, or a
/// full name when only one member of staff has it. Every bad line reported and nothing written.
pub async fn import_csv(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    bytes: &[u8],
    from: Option<NaiveDate>,
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    actor.must_manage_school(school)?;
    let year_name = SchoolYear::name_of(from.unwrap_or_else(|| classes::today(ctx)));
    let year = classes::years(ctx, actor, school)
        .await?
        .into_iter()
        .find(|y| y.name == year_name);
    let Some(year) = year else {
        return Err(Error::field(
            "from",
            Msg::new("validation.no_classes_in_year").arg("year", &year_name),
        ));
    };
    if from.is_some_and(|d| !year.contains(d)) {
        return Err(Error::field("from", Msg::new("validation.outside_year")));
    }
    let (lines, mut errors) = csv_import::read_lines(bytes, &TIMETABLE_CSV_HEADER)?;
    let by_name: HashMap<String, ClassId> = classes::list(ctx, actor, school, Some(&year.name))
        .await?
        .into_iter()
        .map(|c| (fold(&c.name), c.id))
        .collect();
    let grid = periods::load_grid(ctx, school).await?;
    let (by_username, by_full_name) = staff_names(ctx, school).await?;
    let mut cells: BTreeMap<ClassId, Vec<TimetableItem>> = BTreeMap::new();
    let mut seen: HashMap<(ClassId, i64, i64), u64> = HashMap::new();
    for l in &lines {
        let mut bad = |field: &str, msg: Msg| errors.push(cell_error(l.line, field, msg));
        let class = by_name.get(&fold(l.get(0))).copied();
        if class.is_none() {
            bad(
                "class",
                Msg::new("validation.class_unknown").arg("year", &year.name),
            );
        }
        let day = parse_day(l.get(1));
        if day.is_none() {
            bad("day", Msg::new("validation.day"));
        }
        let period = l
            .get(2)
            .parse::<i64>()
            .ok()
            .filter(|p| grid.items.iter().any(|g| g.number == *p));
        if period.is_none() {
            bad("period", Msg::new("validation.period"));
        }
        let subject = parse_subject(l.get(3));
        if subject.is_none() {
            bad("subject", Msg::new("validation.subject"));
        }
        let who = l.get(4);
        let teacher = by_username
            .get(&who.to_lowercase())
            .copied()
            .or_else(|| match by_full_name.get(&fold(who)).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                _ => None,
            });
        if teacher.is_none() {
            bad("teacher", Msg::new("validation.teacher"));
        }
        let (Some(class), Some(day), Some(period), Some(subject), Some(teacher)) =
            (class, day, period, subject, teacher)
        else {
            continue;
        };
        if let Some(first) = seen.insert((class, day, period), l.line) {
            bad(
                "period",
                Msg::new("import.duplicate_in_file").arg("line", first),
            );
            continue;
        }
        cells.entry(class).or_default().push(TimetableItem {
            weekday: day,
            period,
            subject: subject.to_owned(),
            teacher_id: teacher,
            teacher_name: None,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e: &LineError| e.line);
        return Err(Error::lines(errors));
    }
    if cells.is_empty() {
        return Err(Error::lines(vec![LineError {
            line: 1,
            msg: Msg::new("import.empty"),
        }]));
    }
    let mut tx = ctx
        .db
        .begin_exclusive(&["timetable_versions", "timetable_items"])
        .await
        .map_err(internal)?;
    let now = ctx.now();
    for (class, items) in &cells {
        write_tx(&mut tx, now, Some(actor), *class, &year, from, items, ip).await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(ImportOutcome {
        created: 0,
        updated: cells.len() as u64,
    })
}

/// A school's active staff by lowercase username, and by folded full name (names can repeat).
async fn staff_names(
    ctx: &Ctx,
    school: SchoolId,
) -> Result<(HashMap<String, UserId>, HashMap<String, Vec<UserId>>), Error> {
    let mut by_username = HashMap::new();
    let mut by_name: HashMap<String, Vec<UserId>> = HashMap::new();
    for m in classes::staff(ctx, school).await? {
        by_username.insert(m.username.to_lowercase(), m.id);
        by_name.entry(fold(&m.full_name)).or_default().push(m.id);
    }
    Ok((by_username, by_name))
}

/// The timetable page of a class: the timetable in force on `on` (today by default) with its
/// versions, the school's periods and, for its administrators, the staff. The school's staff.
pub async fn editor(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    on: Option<NaiveDate>,
) -> Result<TimetableEditor, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    let timetable = in_force_of(ctx, class, &year, on).await?;
    let grid = periods::load_grid(ctx, c.school_id).await?;
    let manage = actor.can_manage_school(c.school_id);
    let staff = if manage {
        classes::staff(ctx, c.school_id).await?
    } else {
        Vec::new()
    };
    Ok(TimetableEditor {
        periods: grid.items.iter().map(|p| p.number).collect(),
        class: c,
        year,
        timetable,
        manage,
        staff,
    })
}

/// Sets a class's timetable from the page's cells (subjects by code or name, teachers by
/// username or unique full name), as a new version from `from` or for the whole year: each
/// bad cell named by its form field, nothing written then.
pub async fn put_cells(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    cells: &[CellText],
    from: Option<String>,
    ip: Option<&str>,
) -> Result<Timetable, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    actor.must_manage_school(c.school_id)?;
    let (by_username, by_full_name) = staff_names(ctx, c.school_id).await?;
    let mut errs = Vec::new();
    let mut items = Vec::new();
    for cell in cells {
        let subject = parse_subject(&cell.subject);
        if subject.is_none() {
            errs.push(FieldError {
                field: CellText::subject_field(cell.weekday, cell.period),
                msg: Msg::new(if cell.subject.is_empty() {
                    "validation.required"
                } else {
                    "validation.subject"
                }),
            });
        }
        let teacher = by_username
            .get(&cell.teacher.to_lowercase())
            .copied()
            .or_else(
                || match by_full_name.get(&fold(&cell.teacher)).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => None,
                },
            );
        if teacher.is_none() {
            errs.push(FieldError {
                field: CellText::teacher_field(cell.weekday, cell.period),
                msg: Msg::new(if cell.teacher.is_empty() {
                    "validation.required"
                } else {
                    "validation.teacher"
                }),
            });
        }
        if let (Some(subject), Some(teacher)) = (subject, teacher) {
            items.push(TimetableItemInput {
                weekday: cell.weekday,
                period: cell.period,
                subject: subject.to_owned(),
                teacher_id: teacher,
            });
        }
    }
    if !errs.is_empty() {
        return Err(Error::fields(errs));
    }
    let input = TimetableInput {
        items,
        from: from.filter(|f| !f.trim().is_empty()),
    };
    put_checked(ctx, actor, class, &year, &input, ip).await
}
