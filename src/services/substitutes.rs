//! Substitutes (dạy thay): a school's administrator assigns another teacher of the school to a
//! class's lessons of an absent teacher. [`may_take_roll`] is the one rule of who takes (and
//! signs) a lesson's roll call; every writer of a lesson's records asks it.

use crate::classes::StaffMember;
use crate::dates::parse_date;
use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{ClassId, SchoolId, SubstituteId, UserId};
use crate::model::{Actor, Role};
use crate::services::audit::{self, Action, Record};
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, decode_flag, internal};
use crate::services::lesson_access::{may_read, may_take};
use crate::services::periods;
use crate::services::timetable::{self, Slot};
use crate::substitutes::{MAX_REASON, SubstituteInput, SubstitutesView, Substitution};
use crate::text::clean;
use chrono::NaiveDate;
use std::collections::BTreeSet;

#[derive(sqlx::FromRow)]
struct SubstitutionRow {
    id: SubstituteId,
    class_id: ClassId,
    from_date: String,
    to_date: String,
    period: Option<i64>,
    teacher_id: UserId,
    teacher_name: String,
    substitute_id: UserId,
    substitute_name: String,
    reason: Option<String>,
    assigned_by: UserId,
    assigned_at: i64,
}

impl TryFrom<SubstitutionRow> for Substitution {
    type Error = sqlx::Error;
    fn try_from(r: SubstitutionRow) -> Result<Substitution, sqlx::Error> {
        Ok(Substitution {
            id: r.id,
            class_id: r.class_id,
            from: decode_date(&r.from_date)?,
            to: decode_date(&r.to_date)?,
            period: r.period,
            teacher_id: r.teacher_id,
            teacher_name: r.teacher_name,
            substitute_id: r.substitute_id,
            substitute_name: r.substitute_name,
            reason: r.reason,
            assigned_by: r.assigned_by,
            assigned_at: crate::dates::rfc3339(r.assigned_at),
        })
    }
}

const SELECT: &str = "SELECT s.id, s.class_id, s.from_date, s.to_date, s.period, s.teacher_id, \
     t.full_name AS teacher_name, s.substitute_id, u.full_name AS substitute_name, s.reason, \
     s.assigned_by, s.assigned_at FROM lesson_substitutes s \
     JOIN users t ON t.id = s.teacher_id JOIN users u ON u.id = s.substitute_id";

async fn fetch<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    exec: E,
    sql: &str,
    binds: &[BindValue],
) -> Result<Vec<Substitution>, Error> {
    let mut q = sqlx::query_as::<_, SubstitutionRow>(sql);
    for b in binds {
        q = match b {
            BindValue::Int(i) => q.bind(*i),
            BindValue::Text(s) => q.bind(s.clone()),
        };
    }
    q.fetch_all(exec)
        .await
        .map_err(internal)?
        .into_iter()
        .map(Substitution::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

enum BindValue {
    Int(i64),
    Text(String),
}

/// The substitutions of a school's lessons that cover a day from `from` to `to`.
pub(crate) async fn in_range(
    ctx: &Ctx,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Substitution>, Error> {
    fetch(
        &ctx.db.pool,
        &format!(
            "{SELECT} WHERE s.school_id = $1 AND s.from_date <= $2 AND s.to_date >= $3 \
             ORDER BY s.from_date, s.id"
        ),
        &[
            BindValue::Int(school.0),
            BindValue::Text(to.to_string()),
            BindValue::Text(from.to_string()),
        ],
    )
    .await
}

/// The substitution covering a lesson, if any.
pub(crate) fn covering<'a>(subs: &'a [Substitution], slot: &Slot) -> Option<&'a Substitution> {
    subs.iter().find(|s| {
        s.covers(
            slot.class_id,
            slot.date,
            slot.item.period,
            slot.item.teacher_id,
        )
    })
}

/// The substitute standing in on a lesson, if any.
pub(crate) async fn substitute_of(
    ctx: &Ctx,
    school: SchoolId,
    slot: &Slot,
) -> Result<Option<Substitution>, Error> {
    let subs = in_range(ctx, school, slot.date, slot.date).await?;
    Ok(covering(&subs, slot).cloned())
}

/// Whether the actor may take (and sign) the roll call of a lesson they may read, the lesson
/// already read: see [`may_take_roll`].
pub(crate) async fn may_take_slot(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    slot: &Slot,
) -> Result<bool, Error> {
    let sub = substitute_of(ctx, school, slot).await?;
    Ok(may_take(actor, school, slot, sub.map(|s| s.substitute_id)))
}

/// Who may take a lesson's roll call: its timetabled teacher (or, while a substitution covers
/// the lesson, the substitute instead), the class's homeroom teacher, the school's
/// administrators and sysadmins. False for a lesson the timetable does not have, or a class the
/// actor cannot see. The one rule the roll call, and whatever signs a lesson, asks.
pub async fn may_take_roll(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<bool, Error> {
    let c = match classes::get(ctx, actor, class).await {
        Ok((c, _)) => c,
        Err(e) if e.code == crate::ErrorCode::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !may_read(actor, c.school_id) {
        return Ok(false);
    }
    match timetable::lesson(ctx, c.school_id, class, date, period).await? {
        Some(slot) => may_take_slot(ctx, actor, c.school_id, &slot).await,
        None => Ok(false),
    }
}

/// The names of who may take a lesson's roll call (besides the school's administrators): the
/// substitute or the timetabled teacher, and the homeroom teacher.
pub(crate) async fn takers(ctx: &Ctx, school: SchoolId, slot: &Slot) -> Result<Vec<String>, Error> {
    let teacher = match substitute_of(ctx, school, slot).await? {
        Some(s) => s.substitute_name,
        None => slot.item.teacher_name.clone().unwrap_or_default(),
    };
    let mut out = vec![teacher];
    if let Some(h) = slot.homeroom {
        let name: Option<String> = sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
            .bind(h)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
        if let Some(n) = name.filter(|n| !out.contains(n)) {
            out.push(n);
        }
    }
    out.retain(|n| !n.is_empty());
    Ok(out)
}

/// The lessons a substitute stands in on from `from` to `to` in their school, by day and period.
pub(crate) async fn stood_in(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Slot>, Error> {
    let mine: Vec<Substitution> = in_range(ctx, school, from, to)
        .await?
        .into_iter()
        .filter(|s| s.substitute_id == actor.user_id)
        .collect();
    let mut out = Vec::new();
    let classes: BTreeSet<ClassId> = mine.iter().map(|s| s.class_id).collect();
    for class in classes {
        for slot in timetable::class_slots(ctx, school, class, from, to).await? {
            if covering(&mine, &slot).is_some() {
                out.push(slot);
            }
        }
    }
    Ok(out)
}

/// A class's substitutions ending today or later, by first day (API.md extension `GET
/// /api/v1/classes/{id}/substitutes`): the school's staff.
pub async fn list(ctx: &Ctx, actor: &Actor, class: ClassId) -> Result<Vec<Substitution>, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    current(ctx, class).await
}

async fn current(ctx: &Ctx, class: ClassId) -> Result<Vec<Substitution>, Error> {
    fetch(
        &ctx.db.pool,
        &format!("{SELECT} WHERE s.class_id = $1 AND s.to_date >= $2 ORDER BY s.from_date, s.id"),
        &[
            BindValue::Int(class.0),
            BindValue::Text(today(ctx).to_string()),
        ],
    )
    .await
}

/// The class page's substitutes section: the current and future substitutions and, for the
/// school's administrators, what the form offers.
pub async fn view(ctx: &Ctx, actor: &Actor, class: ClassId) -> Result<SubstitutesView, Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let items = current(ctx, class).await?;
    let manage = actor.can_manage_school(c.school_id);
    let (teachers, staff, periods) = if manage {
        let rows: Vec<(UserId, String, String)> = sqlx::query_as(
            "SELECT DISTINCT u.id, u.username, u.full_name FROM timetable_items i \
             JOIN timetable_versions v ON v.id = i.version_id JOIN users u ON u.id = i.teacher_id \
             WHERE v.class_id = $1",
        )
        .bind(class)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
        let mut teachers: Vec<StaffMember> = rows
            .into_iter()
            .map(|(id, username, full_name)| StaffMember {
                id,
                username,
                full_name,
            })
            .collect();
        crate::names::sort_by_name(&mut teachers, |s| &s.full_name);
        let staff = classes::staff(ctx, c.school_id).await?;
        let grid = periods::load_grid(ctx, c.school_id).await?;
        (
            teachers,
            staff,
            grid.items.iter().map(|p| p.number).collect(),
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(SubstitutesView {
        items,
        manage,
        teachers,
        staff,
        periods,
        today: today(ctx),
    })
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    role: String,
    school_id: Option<SchoolId>,
    active: i64,
}

/// Whether a user is an active teacher (or administrator) of the school.
async fn is_staff(ctx: &Ctx, school: SchoolId, user: UserId) -> Result<bool, Error> {
    let row: Option<StaffRow> =
        sqlx::query_as("SELECT role, school_id, active FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
    let Some(r) = row else { return Ok(false) };
    let role = decode("role", &r.role, Role::parse).map_err(internal)?;
    let active = decode_flag("active", r.active).map_err(internal)?;
    Ok(active && r.school_id == Some(school) && matches!(role, Role::Teacher | Role::SchoolAdmin))
}

/// Assigns a substitute (API.md extension `POST /api/v1/classes/{id}/substitutes`): the
/// school's administrators. 422 naming each bad field: days not `YYYY-MM-DD` or outside the
/// class's school year, `to` before `from`, no lesson of the absent teacher those days (in that
/// period), several teachers and none chosen, a substitute who is not an active teacher of the
/// school (or is the absent teacher), a lesson another substitution already covers.
pub async fn assign(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    input: &SubstituteInput,
    ip: Option<&str>,
) -> Result<Substitution, Error> {
    let (c, year) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    actor.must_manage_school(c.school_id)?;
    let mut errs = FieldErrors::new();
    let in_year = |d: NaiveDate| {
        (year.starts <= d && d <= year.ends)
            .then_some(d)
            .ok_or_else(|| {
                Msg::new("substitute.outside_year")
                    .arg("year", &year.name)
                    .arg("starts", crate::dates::display_date(year.starts))
                    .arg("ends", crate::dates::display_date(year.ends))
            })
    };
    let day = |s: &str| {
        parse_date(s)
            .ok_or_else(|| Msg::new("validation.date"))
            .and_then(&in_year)
    };
    let from = errs.check("from", day(&input.from));
    let to = match input.to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => errs.check("to", day(t)),
        None => from,
    };
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errs.add("to", Msg::new("substitute.to_before_from"));
    }
    let reason = input.reason.as_deref().map(clean).filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        errs.add(
            "reason",
            Msg::new("validation.too_long").arg("max", MAX_REASON),
        );
    }
    if input.teacher_id == Some(input.substitute_id) {
        errs.add("substitute_id", Msg::new("substitute.same_teacher"));
    } else if !is_staff(ctx, c.school_id, input.substitute_id).await? {
        errs.add("substitute_id", Msg::new("substitute.not_teacher"));
    }
    errs.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Error::field("from", Msg::new("validation.date")));
    };
    // The absent teacher: the one chosen, or the one teacher of the lessons those days.
    let slots: Vec<Slot> = timetable::class_slots(ctx, c.school_id, class, from, to)
        .await?
        .into_iter()
        .filter(|s| input.period.is_none_or(|p| p == s.item.period))
        .collect();
    let teachers: BTreeSet<UserId> = slots.iter().map(|s| s.item.teacher_id).collect();
    let lesson_field = if input.period.is_some() {
        "period"
    } else {
        "from"
    };
    let teacher = match input.teacher_id {
        Some(t) if teachers.contains(&t) => t,
        Some(_) => {
            return Err(Error::field(
                "teacher_id",
                Msg::new("substitute.no_lesson_of_teacher"),
            ));
        }
        None => match teachers.len() {
            0 => return Err(Error::field(lesson_field, Msg::new("substitute.no_lesson"))),
            1 => teachers.into_iter().next().unwrap_or_default(),
            _ => {
                return Err(Error::field(
                    "teacher_id",
                    Msg::new("substitute.pick_teacher"),
                ));
            }
        },
    };
    if teacher == input.substitute_id {
        return Err(Error::field(
            "substitute_id",
            Msg::new("substitute.same_teacher"),
        ));
    }
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(&["lesson_substitutes"])
        .await
        .map_err(internal)?;
    let mut new = Substitution {
        id: SubstituteId(0),
        class_id: class,
        from,
        to,
        period: input.period,
        teacher_id: teacher,
        teacher_name: String::new(),
        substitute_id: input.substitute_id,
        substitute_name: String::new(),
        reason,
        assigned_by: actor.user_id,
        assigned_at: crate::dates::rfc3339(now),
    };
    let existing = fetch(
        &mut *tx,
        &format!(
            "{SELECT} WHERE s.class_id = $1 AND s.teacher_id = $2 AND s.from_date <= $3 \
             AND s.to_date >= $4 ORDER BY s.from_date"
        ),
        &[
            BindValue::Int(class.0),
            BindValue::Int(teacher.0),
            BindValue::Text(to.to_string()),
            BindValue::Text(from.to_string()),
        ],
    )
    .await?;
    if let Some(o) = existing.iter().find(|o| o.overlaps(&new)) {
        return Err(Error::field(
            lesson_field,
            Msg::new("substitute.overlap")
                .arg("name", &o.substitute_name)
                .arg("from", crate::dates::display_date(o.from))
                .arg("to", crate::dates::display_date(o.to)),
        ));
    }
    let id: SubstituteId = sqlx::query_scalar(
        "INSERT INTO lesson_substitutes (school_id, class_id, teacher_id, from_date, to_date, \
         period, substitute_id, reason, assigned_by, assigned_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(c.school_id)
    .bind(class)
    .bind(teacher)
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(input.period)
    .bind(input.substitute_id)
    .bind(new.reason.clone())
    .bind(actor.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    new.id = id;
    let names: Vec<(UserId, String)> =
        sqlx::query_as("SELECT id, full_name FROM users WHERE id IN ($1, $2)")
            .bind(teacher)
            .bind(input.substitute_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
    for (id, name) in names {
        if id == teacher {
            new.teacher_name = name.clone();
        }
        if id == input.substitute_id {
            new.substitute_name = name;
        }
    }
    audit::write(
        &mut *tx,
        now,
        Action::SubstituteAssign,
        Record {
            actor: Some(actor),
            school_id: Some(c.school_id),
            object: format!("substitute:{id}"),
            new: Some(serde_json::to_string(&new).unwrap_or_default()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(new)
}

/// Removes a substitution of a class (API.md extension `DELETE
/// /api/v1/classes/{id}/substitutes/{sid}`): the school's administrators. The roll calls the
/// substitute took stay theirs. 404 for a substitution of another class.
pub async fn remove(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    id: SubstituteId,
    ip: Option<&str>,
) -> Result<(), Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    actor.must_manage_school(c.school_id)?;
    let mut tx = ctx
        .db
        .begin_exclusive(&["lesson_substitutes"])
        .await
        .map_err(internal)?;
    let old = fetch(
        &mut *tx,
        &format!("{SELECT} WHERE s.id = $1 AND s.class_id = $2"),
        &[BindValue::Int(id.0), BindValue::Int(class.0)],
    )
    .await?;
    let Some(old) = old.into_iter().next() else {
        return Err(Error::not_found());
    };
    sqlx::query("DELETE FROM lesson_substitutes WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        ctx.now(),
        Action::SubstituteRemove,
        Record {
            actor: Some(actor),
            school_id: Some(c.school_id),
            object: format!("substitute:{id}"),
            old: Some(serde_json::to_string(&old).unwrap_or_default()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
