//! A school's period grid (bell schedule), its booking rules and its holidays.
//!
//! A school without its own grid uses the default of its level ([`default_grid`]). Everyone of
//! the school and the department reads them; the school's administrators (and sysadmins) change
//! them.

use crate::dates::{parse_date, today_at};
use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{HolidayId, SchoolId};
use crate::model::{Actor, SchoolLevel, SchoolRef};
use crate::periods::{
    DEFAULT_RELEASE_MINUTES, DaySession, GridDraft, Holiday, HolidayInput, MAX_PERIODS, Period,
    PeriodGrid, SchoolPeriods, TimeOfDay, default_grid,
};
use crate::services::audit::{self, Action, Record};
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_date, internal};
use crate::validate;
use chrono::NaiveDate;

async fn school_level(ctx: &Ctx, school: SchoolId) -> Result<SchoolLevel, Error> {
    let level: String = sqlx::query_scalar("SELECT level FROM schools WHERE id = $1")
        .bind(school.0)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?;
    decode("school level", &level, SchoolLevel::parse).map_err(internal)
}

/// The grid of a school without checking who asks (the services' own use).
pub(crate) async fn load_grid(ctx: &Ctx, school: SchoolId) -> Result<PeriodGrid, Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT number, session, starts, ends FROM periods WHERE school_id = $1 ORDER BY number",
    )
    .bind(school.0)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let items = if rows.is_empty() {
        default_grid(school_level(ctx, school).await?)
    } else {
        rows.into_iter()
            .map(|(number, session, starts, ends)| {
                Ok(Period {
                    number,
                    session: decode("day session", &session, DaySession::parse)?,
                    starts: decode("time", &starts, TimeOfDay::parse)?,
                    ends: decode("time", &ends, TimeOfDay::parse)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal)?
    };
    let release =
        sqlx::query_scalar("SELECT release_after_minutes FROM booking_rules WHERE school_id = $1")
            .bind(school.0)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?
            // No rule stored yet: the default (not a decode failure).
            .unwrap_or(DEFAULT_RELEASE_MINUTES);
    Ok(PeriodGrid {
        items,
        release_after_minutes: release,
    })
}

/// A school's period grid and booking rules.
pub async fn grid(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<PeriodGrid, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    load_grid(ctx, school).await
}

/// A school's periods page: its grid (its level's default until it sets its own), holidays,
/// today, and whether the caller may change them. The school is the caller's own, or `school`
/// for the department and sysadmins.
pub async fn page(
    ctx: &Ctx,
    actor: &Actor,
    school: Option<SchoolId>,
) -> Result<SchoolPeriods, Error> {
    let school = actor.school_or(school)?;
    let s = crate::services::schools::get(ctx, actor, school).await?;
    let grid = grid(ctx, actor, school).await?;
    Ok(SchoolPeriods {
        school: SchoolRef::from(&s),
        level: s.level,
        is_default: grid.items == default_grid(s.level),
        grid,
        holidays: holidays(ctx, actor, school, None, None).await?,
        today: today_at(ctx.now()),
        may_manage: actor.can_manage_school(school),
    })
}

/// Checks a grid: 1–10 periods numbered 1, 2, 3 … in order of time, each ending after it
/// starts and starting no earlier than the previous one ends, morning periods before afternoon
/// ones; the release delay 5–240 minutes. Times are normalised to `HH:MM`.
pub fn check_grid(g: &GridDraft) -> Result<PeriodGrid, Error> {
    let mut errs = FieldErrors::new();
    if g.items.is_empty() || g.items.len() > MAX_PERIODS {
        errs.add(
            "items",
            Msg::new("validation.period_count").arg("max", MAX_PERIODS),
        );
    }
    let mut items = Vec::new();
    let mut prev_end: Option<TimeOfDay> = None;
    let mut seen_afternoon = false;
    for (i, p) in g.items.iter().enumerate() {
        let field = format!("items.{i}");
        let n = i as i64 + 1;
        if p.number != n {
            errs.add(
                &field,
                Msg::new("validation.period_number").arg("number", n),
            );
        }
        let session = DaySession::parse(p.session.trim());
        if session.is_none() {
            errs.add(&field, Msg::new("api.validation.session"));
        }
        let s = TimeOfDay::parse(&p.starts);
        let e = TimeOfDay::parse(&p.ends);
        match (s, e) {
            (Some(s), Some(e)) => {
                if e <= s {
                    errs.add(&field, Msg::new("validation.period_order").arg("number", n));
                } else if prev_end.is_some_and(|pe| s < pe) {
                    errs.add(
                        &field,
                        Msg::new("validation.period_overlap").arg("number", n),
                    );
                }
                prev_end = Some(e);
                items.push(Period {
                    number: n,
                    // A bad session is reported above; the grid is then never stored.
                    session: session.unwrap_or(DaySession::Morning),
                    starts: s,
                    ends: e,
                });
            }
            _ => errs.add(&field, Msg::new("validation.time").arg("number", n)),
        }
        if session == Some(DaySession::Afternoon) {
            seen_afternoon = true;
        } else if seen_afternoon && session.is_some() {
            errs.add(
                &field,
                Msg::new("validation.period_session").arg("number", n),
            );
        }
    }
    if !(5..=240).contains(&g.release_after_minutes) {
        errs.add(
            "release_after_minutes",
            Msg::new("validation.release_minutes"),
        );
    }
    errs.finish()?;
    Ok(PeriodGrid {
        items,
        release_after_minutes: g.release_after_minutes,
    })
}

/// Replaces a school's grid and rules. Removing a period that still has live bookings from
/// today on is refused (409, naming the periods), so no booking is left pointing nowhere.
pub async fn set_grid(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    g: &GridDraft,
    ip: Option<&str>,
) -> Result<PeriodGrid, Error> {
    actor.must_manage_school(school)?;
    let new = check_grid(g)?;
    let old = load_grid(ctx, school).await?;
    let today = today_at(ctx.now()).to_string();
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(&["periods", "booking_slots"])
        .await
        .map_err(internal)?;
    let max = new.items.len() as i64;
    let orphans = sqlx::query_scalar(
        "SELECT DISTINCT s.period FROM booking_slots s JOIN bookings b ON b.id = s.booking_id \
         WHERE b.school_id = $1 AND s.live = 1 AND s.date >= $2 AND s.period > $3 ORDER BY s.period",
    )
    .bind(school.0)
    .bind(today)
    .bind(max)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    if !orphans.is_empty() {
        let periods: Vec<i64> = orphans.into_iter().collect();
        let list = periods
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::conflict(
            Msg::new("error.periods_in_use").arg("periods", list),
            serde_json::json!({ "periods": periods }).to_string(),
        ));
    }
    sqlx::query("DELETE FROM periods WHERE school_id = $1")
        .bind(school.0)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    for p in &new.items {
        sqlx::query(
            "INSERT INTO periods (school_id, number, session, starts, ends) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(school.0)
        .bind(p.number)
        .bind(p.session.as_str().to_owned())
        .bind(p.starts.to_string())
        .bind(p.ends.to_string())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    sqlx::query("DELETE FROM booking_rules WHERE school_id = $1")
        .bind(school.0)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query("INSERT INTO booking_rules (school_id, release_after_minutes) VALUES ($1, $2)")
        .bind(school.0)
        .bind(new.release_after_minutes)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        now,
        Action::PeriodsUpdate,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{school}"),
            old: serde_json::to_string(&old).ok(),
            new: serde_json::to_string(&new).ok(),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(new)
}

/// Holidays of a school overlapping `[from, to]` (all when absent), by first day.
pub async fn holidays(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Holiday>, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    load_holidays(ctx, school, from, to).await
}

pub(crate) async fn load_holidays(
    ctx: &Ctx,
    school: SchoolId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Holiday>, Error> {
    let from = from
        .map(|d| d.to_string())
        .unwrap_or_else(|| "0000-01-01".into());
    let to = to
        .map(|d| d.to_string())
        .unwrap_or_else(|| "9999-12-31".into());
    let rows: Vec<(HolidayId, String, String, String)> = sqlx::query_as(
        "SELECT id, starts, ends, name FROM holidays WHERE school_id = $1 AND ends >= $2 AND starts <= $3 \
         ORDER BY starts, id",
    )
    .bind(school.0)
    .bind(from)
    .bind(to)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|(id, starts, ends, name)| {
            Ok(Holiday {
                id,
                starts: decode_date(&starts)?,
                ends: decode_date(&ends)?,
                name,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

/// The holiday a day falls in, if any.
pub fn holiday_on(holidays: &[Holiday], date: NaiveDate) -> Option<&Holiday> {
    holidays.iter().find(|h| h.starts <= date && date <= h.ends)
}

/// Adds a holiday (a day or a range of at most a year). Live bookings inside it are not
/// cancelled; adding over them is refused (409) so nobody loses a booking silently.
pub async fn add_holiday(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    input: &HolidayInput,
    ip: Option<&str>,
) -> Result<Holiday, Error> {
    actor.must_manage_school(school)?;
    let mut errs = FieldErrors::new();
    let starts = errs.check(
        "starts",
        parse_date(&input.starts).ok_or_else(|| Msg::new("validation.date")),
    );
    let ends_raw = input.ends.as_deref().map(str::trim).unwrap_or("");
    let ends = if ends_raw.is_empty() {
        starts
    } else {
        errs.check(
            "ends",
            parse_date(ends_raw).ok_or_else(|| Msg::new("validation.date")),
        )
    };
    let name = errs.check("name", validate::name(&input.name, 120));
    if let (Some(s), Some(e)) = (starts, ends)
        && (e < s || (e - s).num_days() > 366)
    {
        errs.add("ends", Msg::new("validation.date_range"));
    }
    errs.finish()?;
    let (starts, ends) = (starts.unwrap_or_default(), ends.unwrap_or_default());
    let name = name.unwrap_or_default();
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(&["holidays", "booking_slots"])
        .await
        .map_err(internal)?;
    let clash: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM bookings WHERE school_id = $1 AND status IN ('booked', 'in_use', 'returned') \
         AND date >= $2 AND date <= $3",
    )
    .bind(school.0)
    .bind(starts.to_string())
    .bind(ends.to_string())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    if clash > 0 {
        return Err(Error::conflict(
            Msg::new("error.holiday_has_bookings").arg("count", clash),
            serde_json::json!({ "bookings": clash }).to_string(),
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO holidays (school_id, starts, ends, name) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(school.0)
    .bind(starts.to_string())
    .bind(ends.to_string())
    .bind(name.clone())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let h = Holiday {
        id: HolidayId(id),
        starts,
        ends,
        name,
    };
    audit::write(
        &mut *tx,
        now,
        Action::HolidayCreate,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("holiday:{id}"),
            new: serde_json::to_string(&h).ok(),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(h)
}

/// Removes a holiday of a school.
pub async fn remove_holiday(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    id: HolidayId,
    ip: Option<&str>,
) -> Result<(), Error> {
    actor.must_manage_school(school)?;
    let all = load_holidays(ctx, school, None, None).await?;
    let Some(h) = all.into_iter().find(|h| h.id == id) else {
        return Err(Error::not_found());
    };
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM holidays WHERE id = $1 AND school_id = $2")
        .bind(id)
        .bind(school.0)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        now,
        Action::HolidayDelete,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("holiday:{id}"),
            old: serde_json::to_string(&h).ok(),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
