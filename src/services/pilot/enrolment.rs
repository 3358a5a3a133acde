//! Enrolment: by form, by CSV, ending it; what it changes in the runs.

use super::*;
use crate::services::db::decode_date;

/// A school of the registry with its enrolment, if any.
#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    id: SchoolId,
    code: String,
    closed_on: Option<String>,
    since: Option<String>,
}

/// [`EnrolmentRow`] decoded: dates parsed strictly.
struct Enrolment {
    id: SchoolId,
    code: String,
    closed: bool,
    since: Option<NaiveDate>,
}

impl TryFrom<EnrolmentRow> for Enrolment {
    type Error = sqlx::Error;
    fn try_from(r: EnrolmentRow) -> Result<Enrolment, sqlx::Error> {
        Ok(Enrolment {
            id: r.id,
            code: r.code,
            closed: r
                .closed_on
                .as_deref()
                .map(decode_date)
                .transpose()?
                .is_some(),
            since: r.since.as_deref().map(decode_date).transpose()?,
        })
    }
}

/// The school and its enrolment: `{ENROLMENT_SELECT} WHERE …`.
const ENROLMENT_SELECT: &str = "SELECT s.id, s.code, s.closed_on, p.since FROM schools s \
     LEFT JOIN pilot_enrollments p ON p.school_id = s.id";

/// The earliest enrolment date accepted.
pub(super) fn earliest_since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default()
}

/// Checks an enrolment date: from 2020 to a year ahead.
fn check_since(ctx: &Ctx, since: NaiveDate) -> Result<(), Msg> {
    let latest = today(ctx) + Duration::days(366);
    if since < earliest_since() || since > latest {
        Err(Msg::new("pilot.error.since")
            .arg("min", crate::dates::display_date(earliest_since()))
            .arg("max", crate::dates::display_date(latest)))
    } else {
        Ok(())
    }
}

/// Enrols a school in the pilot since `since`, or moves its start (province-wide department,
/// sysadmin); a closed school cannot be enrolled (422). Audited; the runs from the earlier of
/// the old and new start on are made again.
pub async fn enrol(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    since: NaiveDate,
    ip: Option<&str>,
) -> Result<crate::model::PilotStatus, Error> {
    must_manage(ctx, actor).await?;
    check_since(ctx, since).map_err(|m| Error::field("since", m))?;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let old = write_enrolment(&mut tx, ctx, actor, school, since, ip).await?;
    tx.commit().await.map_err(internal)?;
    enrolment_changed(ctx, old.map_or(since, |o| o.min(since))).await?;
    Ok(crate::model::PilotStatus {
        enrolled: true,
        since: Some(since.to_string()),
    })
}

/// Writes one enrolment in `tx` (with its audit record): the old start, if any.
async fn write_enrolment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    since: NaiveDate,
    ip: Option<&str>,
) -> Result<Option<NaiveDate>, Error> {
    let row = sqlx::query_as::<_, EnrolmentRow>(&format!("{ENROLMENT_SELECT} WHERE s.id = $1"))
        .bind(school)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?;
    let Enrolment {
        code,
        closed,
        since: old,
        ..
    } = row.try_into().map_err(internal)?;
    if closed {
        return Err(Error::field("school", Msg::new("pilot.error.closed")));
    }
    if old == Some(since) {
        return Ok(old);
    }
    sqlx::query(
        "INSERT INTO pilot_enrollments (school_id, since, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET since = excluded.since",
    )
    .bind(school)
    .bind(since.to_string())
    .bind(ctx.now())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    audit::write(
        &mut **tx,
        ctx.now(),
        Action::PilotEnrol,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{code}"),
            old: old.map(|d| d.to_string()),
            new: Some(since.to_string()),
            ip,
            ..Record::default()
        },
    )
    .await?;
    Ok(old)
}

/// Ends a school's enrolment (province-wide department, sysadmin), audited. Not enrolled: 404.
pub async fn unenrol(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    ip: Option<&str>,
) -> Result<(), Error> {
    must_manage(ctx, actor).await?;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let (code, since): (String, String) = sqlx::query_as(
        "SELECT s.code, p.since FROM pilot_enrollments p JOIN schools s ON s.id = p.school_id \
         WHERE p.school_id = $1",
    )
    .bind(school)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or_else(Error::not_found)?;
    let since = decode_date(&since).map_err(internal)?;
    sqlx::query("DELETE FROM pilot_enrollments WHERE school_id = $1")
        .bind(school)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        ctx.now(),
        Action::PilotUnenrol,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{code}"),
            old: Some(since.to_string()),
            new: None,
            ip,
            ..Record::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    enrolment_changed(ctx, since).await
}

/// Enrols the schools of a CSV `code,since` (since `YYYY-MM-DD` or `dd/mm/yyyy`; empty: today),
/// all or nothing, every bad line listed (province-wide department, sysadmin).
pub async fn enrol_csv(
    ctx: &Ctx,
    actor: &Actor,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    must_manage(ctx, actor).await?;
    let (lines, mut errors) = csv_import::read_lines(bytes, &ENROL_CSV_HEADER)?;
    let mut seen = OncePerFile::new();
    let mut wanted = Vec::new();
    for l in &lines {
        let code = l.get(0).trim().to_uppercase();
        let since = match l.get(1).trim() {
            "" => Some(today(ctx)),
            s => match crate::dates::parse_date(s) {
                Some(d) => match check_since(ctx, d) {
                    Ok(()) => Some(d),
                    Err(m) => {
                        errors.push(cell_error(l.line, "since", m));
                        None
                    }
                },
                None => {
                    errors.push(cell_error(l.line, "since", Msg::new("validation.date")));
                    None
                }
            },
        };
        if code.is_empty() {
            errors.push(cell_error(l.line, "code", Msg::new("validation.required")));
            continue;
        }
        if let Some(e) = seen.check(code.clone(), l.line, "code") {
            errors.push(e);
            continue;
        }
        if let Some(s) = since {
            wanted.push((l.line, code, s));
        }
    }
    // The schools named, in one read.
    let mut w = Where::new();
    w.and_in(
        "code",
        wanted
            .iter()
            .map(|(_, c, _)| c.clone().into())
            .collect::<Vec<_>>(),
    );
    let rows = if wanted.is_empty() {
        Vec::new()
    } else {
        w.query(&format!("{ENROLMENT_SELECT}{}", w.sql()))
            .fetch_all(&ctx.db.pool)
            .await
            .map_err(internal)?
    };
    let mut by_code: HashMap<String, (SchoolId, bool)> = HashMap::new();
    for r in &rows {
        let e =
            Enrolment::try_from(EnrolmentRow::from_row(r).map_err(internal)?).map_err(internal)?;
        by_code.insert(e.code, (e.id, e.closed));
    }
    let mut todo = Vec::new();
    for (line, code, since) in &wanted {
        match by_code.get(code) {
            None => errors.push(cell_error(
                *line,
                "code",
                Msg::new("pilot.error.unknown_school").arg("code", code),
            )),
            Some((_, true)) => {
                errors.push(cell_error(*line, "code", Msg::new("pilot.error.closed")))
            }
            Some((id, false)) => todo.push((*id, *since)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e: &LineError| e.line);
        return Err(Error::lines(errors));
    }
    let mut out = ImportOutcome::default();
    let mut earliest = None::<NaiveDate>;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for (id, since) in &todo {
        let old = write_enrolment(&mut tx, ctx, actor, *id, *since, ip).await?;
        if old.is_some() {
            out.updated += 1;
        } else {
            out.created += 1;
        }
        let from = old.map_or(*since, |o| o.min(*since));
        earliest = Some(earliest.map_or(from, |e| e.min(from)));
    }
    tx.commit().await.map_err(internal)?;
    if let Some(e) = earliest {
        enrolment_changed(ctx, e).await?;
    }
    Ok(out)
}

/// An enrolment starting or ending on `from` changes the runs of that date and later: they are
/// made again when next read (and by the minute job).
async fn enrolment_changed(ctx: &Ctx, from: NaiveDate) -> Result<(), Error> {
    ctx.aggregates.changed();
    sqlx::query("UPDATE pilot_runs SET computed_at = 0 WHERE as_of >= $1")
        .bind(from.to_string())
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}
