//! School years: a school's years and their two terms, created with the usual dates when a
//! class or a timetable names a year the school has not defined.

use super::ROSTER_TABLES;
use crate::classes::SchoolYear;
use crate::dates::parse_date;
use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{SchoolId, YearId};
use crate::model::Actor;
use crate::services::audit::{self, Action, Record};
use crate::services::ctx::Ctx;
use crate::services::db::{decode_date, internal};
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
pub(super) struct YearRow {
    id: YearId,
    school_id: SchoolId,
    name: String,
    starts: String,
    term2_starts: String,
    ends: String,
}

impl TryFrom<YearRow> for SchoolYear {
    type Error = sqlx::Error;
    fn try_from(r: YearRow) -> Result<SchoolYear, sqlx::Error> {
        Ok(SchoolYear {
            id: r.id,
            school_id: r.school_id,
            name: r.name,
            starts: decode_date(&r.starts)?,
            term2_starts: decode_date(&r.term2_starts)?,
            ends: decode_date(&r.ends)?,
        })
    }
}

/// A school's year by name, created with the usual dates when the school has not defined it.
pub(crate) async fn ensure_year(
    tx: &mut Transaction<'static, Any>,
    school: SchoolId,
    name: &str,
) -> Result<SchoolYear, Error> {
    let name = name.trim();
    if let Some(y) = year_by_name(&mut **tx, school, name).await? {
        return Ok(y);
    }
    let (starts, term2, ends) = SchoolYear::usual_dates(name)
        .ok_or_else(|| Error::field("school_year", Msg::new("validation.school_year")))?;
    sqlx::query(
        "INSERT INTO school_years (school_id, name, starts, term2_starts, ends) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (school_id, name) DO NOTHING",
    )
    .bind(school)
    .bind(name.to_owned())
    .bind(starts.to_string())
    .bind(term2.to_string())
    .bind(ends.to_string())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    year_by_name(&mut **tx, school, name)
        .await?
        .ok_or_else(Error::internal)
}

pub(super) async fn year_by_name<'e, E: sqlx::Executor<'e, Database = Any>>(
    exec: E,
    school: SchoolId,
    name: &str,
) -> Result<Option<SchoolYear>, Error> {
    sqlx::query_as::<_, YearRow>(
        "SELECT id, school_id, name, starts, term2_starts, ends FROM school_years \
         WHERE school_id = $1 AND name = $2",
    )
    .bind(school)
    .bind(name.to_owned())
    .fetch_optional(exec)
    .await
    .map_err(internal)?
    .map(SchoolYear::try_from)
    .transpose()
    .map_err(internal)
}

/// The school's years, newest first.
pub async fn years(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<Vec<SchoolYear>, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    sqlx::query_as::<_, YearRow>(
        "SELECT id, school_id, name, starts, term2_starts, ends FROM school_years \
         WHERE school_id = $1 ORDER BY starts DESC",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(SchoolYear::try_from)
    .collect::<Result<_, _>>()
    .map_err(internal)
}

/// A year's dates as a form or the API sends them (`YYYY-MM-DD` or dd/mm/yyyy).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct YearDates {
    /// First day.
    pub starts: String,
    /// First day of học kỳ II.
    pub term2_starts: String,
    /// Last day.
    pub ends: String,
}

/// Sets the dates of one of the school's years (creating it if needed). The terms must be in
/// order and the year at most 13 months long.
pub async fn set_year(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    name: &str,
    dates: &YearDates,
    ip: Option<&str>,
) -> Result<SchoolYear, Error> {
    actor.must_manage_school(school)?;
    let mut errs = FieldErrors::new();
    let mut get = |field: &str, s: &str| {
        errs.check(
            field,
            parse_date(s).ok_or_else(|| Msg::new("validation.date")),
        )
    };
    let starts = get("starts", &dates.starts);
    let term2 = get("term2_starts", &dates.term2_starts);
    let ends = get("ends", &dates.ends);
    if let (Some(s), Some(t), Some(e)) = (starts, term2, ends)
        && !(s < t && t <= e && (e - s).num_days() <= 400)
    {
        errs.add("term2_starts", Msg::new("validation.year_dates"));
    }
    if SchoolYear::usual_dates(name).is_none() {
        errs.add("school_year", Msg::new("validation.school_year"));
    }
    errs.finish()?;
    // `finish` refused the form if any of the three dates was missing or bad.
    let (Some(starts), Some(term2), Some(ends)) = (starts, term2, ends) else {
        return Err(Error::internal());
    };
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(ROSTER_TABLES)
        .await
        .map_err(internal)?;
    let old = ensure_year(&mut tx, school, name).await?;
    sqlx::query("UPDATE school_years SET starts = $1, term2_starts = $2, ends = $3 WHERE id = $4")
        .bind(starts.to_string())
        .bind(term2.to_string())
        .bind(ends.to_string())
        .bind(old.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    let year = SchoolYear {
        starts,
        term2_starts: term2,
        ends,
        ..old.clone()
    };
    audit::write(
        &mut *tx,
        now,
        Action::YearUpdate,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("year:{}", year.id),
            old: Some(serde_json::to_string(&old).unwrap_or_default()),
            new: Some(serde_json::to_string(&year).unwrap_or_default()),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(year)
}
