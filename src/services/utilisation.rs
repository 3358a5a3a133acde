//! The utilisation report: per device, kind and school, periods booked, used (checked in),
//! no-shows and still to come over a range; as JSON, CSV and Excel.

use crate::dates::{parse_date, today_at};
use crate::devices::{DeviceKind, DeviceStatus};
use crate::error::{Error, FieldErrors, Msg};
use crate::i18n::{Lang, t};
use crate::ids::{AreaId, DeviceId, SchoolId};
use crate::model::{Actor, Role};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, decode, internal};
use crate::services::xlsx::{self, Cell, Sheet};
use crate::utilisation::{
    AREAS_PER_PAGE, AreaTotal, KindTotal, SchoolTotal, Utilisation, UtilisationFilter,
    UtilisationRow, UtilisationView,
};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// A device with its periods over the range (the per-device report's query).
#[derive(sqlx::FromRow)]
struct DeviceUseRow {
    id: DeviceId,
    name: String,
    kind: String,
    quantity: i64,
    status: String,
    school_id: SchoolId,
    code: String,
    school_name: String,
    booked: i64,
    used: i64,
    no_show: i64,
    pending: i64,
}

impl TryFrom<DeviceUseRow> for UtilisationRow {
    type Error = sqlx::Error;
    fn try_from(r: DeviceUseRow) -> Result<UtilisationRow, sqlx::Error> {
        Ok(UtilisationRow {
            device_id: r.id,
            name: r.name,
            kind: decode("device kind", &r.kind, DeviceKind::parse)?,
            quantity: r.quantity,
            status: decode("device status", &r.status, DeviceStatus::parse)?,
            school_id: r.school_id,
            school_code: r.code,
            school_name: r.school_name,
            booked: r.booked,
            used: r.used,
            no_show: r.no_show,
            pending: r.pending,
        })
    }
}

/// The totals of a device kind ([`totals`] grouped by kind).
#[derive(sqlx::FromRow)]
struct KindTotalRow {
    kind: String,
    devices: i64,
    booked: i64,
    used: i64,
    no_show: i64,
}

impl TryFrom<KindTotalRow> for KindTotal {
    type Error = sqlx::Error;
    fn try_from(r: KindTotalRow) -> Result<KindTotal, sqlx::Error> {
        Ok(KindTotal {
            kind: decode("device kind", &r.kind, DeviceKind::parse)?,
            devices: r.devices,
            booked: r.booked,
            used: r.used,
            no_show: r.no_show,
        })
    }
}

/// The totals of a school ([`totals`] grouped by school).
#[derive(sqlx::FromRow)]
struct SchoolTotalRow {
    id: SchoolId,
    code: String,
    name: String,
    devices: i64,
    booked: i64,
    used: i64,
    no_show: i64,
}

impl From<SchoolTotalRow> for SchoolTotal {
    fn from(r: SchoolTotalRow) -> SchoolTotal {
        SchoolTotal {
            school_id: r.id,
            code: r.code,
            name: r.name,
            devices: r.devices,
            booked: r.booked,
            used: r.used,
            no_show: r.no_show,
        }
    }
}

/// The totals of an area ([`totals`] grouped by area).
#[derive(sqlx::FromRow)]
struct AreaTotalRow {
    id: AreaId,
    name: String,
    schools: i64,
    devices: i64,
    booked: i64,
    used: i64,
    no_show: i64,
}

impl From<AreaTotalRow> for AreaTotal {
    fn from(r: AreaTotalRow) -> AreaTotal {
        AreaTotal {
            area_id: r.id,
            name: r.name,
            schools: r.schools,
            devices: r.devices,
            booked: r.booked,
            used: r.used,
            no_show: r.no_show,
        }
    }
}

/// The utilisation page: the report (see [`utilisation`]) with the school it is about and
/// whether the caller may look across schools. School staff always get their own school.
pub async fn view(
    ctx: &Ctx,
    actor: &Actor,
    f: &UtilisationFilter,
) -> Result<UtilisationView, Error> {
    let f = UtilisationFilter {
        school_id: if actor.is_above_schools() {
            f.school_id
        } else {
            f.school_id.or(actor.school_id)
        },
        ..f.clone()
    };
    if actor.is_above_schools() && f.school_id.is_none() {
        return overview(ctx, actor, &f).await;
    }
    let report = utilisation(ctx, actor, &f).await?;
    let school = match f.school_id {
        Some(id) => {
            let s = crate::services::schools::get(ctx, actor, id).await?;
            Some((s.id, s.code, s.name))
        }
        None => None,
    };
    Ok(UtilisationView {
        report,
        school,
        area: None,
        sees_all: actor.is_above_schools(),
    })
}

/// The department's view across schools, aggregated in the database so a nation's page stays
/// small: the totals per kind, and either a page of areas ([`AREAS_PER_PAGE`], by name) or,
/// with `f.area`, that area's schools. Every number is over the schools the actor sees.
async fn overview(
    ctx: &Ctx,
    actor: &Actor,
    f: &UtilisationFilter,
) -> Result<UtilisationView, Error> {
    let (from, to) = range(ctx, f)?;
    // An area officer's overview is their area's schools.
    let area = match f.area.or(actor.area_id()) {
        None => None,
        Some(id) => {
            let name = crate::services::schools::areas(ctx, actor)
                .await?
                .into_iter()
                .find(|a| a.id == id)
                .map(|a| a.name)
                .ok_or_else(Error::not_found)?;
            Some((id, name))
        }
    };
    let today = today_at(ctx.now());
    let mut w = Where::new();
    let params = (
        w.param(from.to_string()),
        w.param(to.to_string()),
        w.param(today.to_string()),
    );
    w.and_sql("d.status <> 'retired'");
    crate::services::scope::restrict(&mut w, actor, "d.school_id");
    if let Some(k) = f.kind {
        w.and("d.kind = {}", k.as_str());
    }
    if let Some((id, _)) = &area {
        w.and("sc.area_id = {}", id.0);
    }
    let kinds = totals::<KindTotalRow>(ctx, &w, &params, "d.kind", "d.kind")
        .await?
        .into_iter()
        .map(KindTotal::try_from)
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal)?;
    let (mut schools, mut areas, mut areas_total) = (vec![], vec![], 0);
    if area.is_some() {
        // An area (a commune or ward) has tens of schools: all of them, by code.
        schools = totals::<SchoolTotalRow>(ctx, &w, &params, "sc.id, sc.code, sc.name", "sc.code")
            .await?
            .into_iter()
            .map(SchoolTotal::from)
            .collect();
    } else {
        // Every area is summed (the grouping reads every device either way; a nation has a
        // few thousand areas), one page of them is sent.
        let all = totals::<AreaTotalRow>(ctx, &w, &params, "a.id, a.name", "a.name, a.id").await?;
        areas_total = all.len() as i64;
        let pages = (areas_total + AREAS_PER_PAGE - 1) / AREAS_PER_PAGE;
        let page = f.page.unwrap_or(1).clamp(1, pages.max(1));
        areas = all
            .into_iter()
            .skip(((page - 1) * AREAS_PER_PAGE) as usize)
            .take(AREAS_PER_PAGE as usize)
            .map(AreaTotal::from)
            .collect();
    }
    Ok(UtilisationView {
        report: Utilisation {
            from,
            to,
            devices: vec![],
            kinds,
            schools,
            areas,
            areas_total,
        },
        school: None,
        area,
        sees_all: true,
    })
}

/// Booked, used and no-show periods and the devices and schools counted, grouped by `group`
/// (columns of `d` devices, `sc` schools, `a` areas), over the devices `w` selects; `params`
/// are `w`'s placeholders of the range's first and last day and today. The same sums as the
/// per-device report, so the numbers agree.
async fn totals<T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin>(
    ctx: &Ctx,
    w: &Where,
    params: &(String, String, String),
    group: &str,
    order: &str,
) -> Result<Vec<T>, Error> {
    let (from_p, to_p, today_p) = params;
    let sums = period_sums(today_p);
    let sql = format!(
        "SELECT {group}, COUNT(DISTINCT d.school_id) AS schools, COUNT(DISTINCT d.id) AS devices, \
         {sums} \
         FROM devices d JOIN schools sc ON sc.id = d.school_id JOIN areas a ON a.id = sc.area_id \
         LEFT JOIN booking_slots s ON s.device_id = d.id AND s.date >= {from_p} AND s.date <= {to_p} \
         LEFT JOIN bookings b ON b.id = s.booking_id{} \
         GROUP BY {group} ORDER BY {order}",
        w.sql()
    );
    w.query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)
}

/// The periods booked, used and no-shows of the slots joined as `s` and `b` (a read writes
/// nothing: a slot still `booked` before today, placeholder `today_p`, is a no-show), summed
/// the same way by the per-device report and the department's overview so their numbers agree.
fn period_sums(today_p: &str) -> String {
    format!(
        "CAST(COALESCE(SUM(CASE WHEN b.status IN ('booked', 'in_use', 'returned', 'released') THEN 1 ELSE 0 END), 0) AS BIGINT) AS booked, \
         CAST(COALESCE(SUM(CASE WHEN b.status IN ('in_use', 'returned') THEN 1 ELSE 0 END), 0) AS BIGINT) AS used, \
         CAST(COALESCE(SUM(CASE WHEN b.status = 'released' OR (b.status = 'booked' AND s.date < {today_p}) THEN 1 ELSE 0 END), 0) AS BIGINT) AS no_show"
    )
}

/// The range a report covers: `from` and `to` as given, else the last 30 days; at most 400 days.
fn range(ctx: &Ctx, f: &UtilisationFilter) -> Result<(NaiveDate, NaiveDate), Error> {
    let today = today_at(ctx.now());
    let mut errs = FieldErrors::new();
    let parse =
        |errs: &mut FieldErrors, field: &str, v: &Option<String>, default: NaiveDate| match v
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => Some(default),
            Some(v) => errs.check(
                field,
                parse_date(v).ok_or_else(|| Msg::new("validation.date")),
            ),
        };
    let from = parse(&mut errs, "from", &f.from, today - Duration::days(30));
    let to = parse(&mut errs, "to", &f.to, today);
    if let (Some(a), Some(b)) = (from, to)
        && (b < a || (b - a).num_days() > 400)
    {
        errs.add("to", Msg::new("validation.date_range"));
    }
    errs.finish()?;
    Ok((from.unwrap_or(today), to.unwrap_or(today)))
}

/// Utilisation over a range: per device, periods booked, used (checked in), no-shows
/// (released) and still pending, and totals per kind and per school. School staff see their
/// school; the department and sysadmins any school or (no school given) every school.
pub async fn utilisation(
    ctx: &Ctx,
    actor: &Actor,
    f: &UtilisationFilter,
) -> Result<Utilisation, Error> {
    let school = match f.school_id {
        Some(s) if actor.can_read_school(s) => Some(s),
        Some(_) => return Err(Error::not_found()),
        None if actor.is_above_schools() => None,
        None => Some(actor.school_id.ok_or_else(Error::forbidden)?),
    };
    if actor.role == Role::Teacher {
        // Teachers have "my bookings"; the report is for those who run the inventory.
        return Err(Error::forbidden());
    }
    let today = today_at(ctx.now());
    let (from, to) = range(ctx, f)?;
    // A read writes nothing: a booking still stored `booked` on a past day is a no-show here
    // (today's are released by the minute job and the write paths).
    let mut w = Where::new();
    let (from_p, to_p, today_p) = (
        w.param(from.to_string()),
        w.param(to.to_string()),
        w.param(today.to_string()),
    );
    w.and_sql("d.status <> 'retired'");
    match school {
        Some(s) => {
            w.and("d.school_id = {}", s.0);
        }
        // Every school the actor sees: the province, or an officer's area.
        None => {
            crate::services::scope::restrict(&mut w, actor, "d.school_id");
        }
    }
    if let Some(k) = f.kind {
        w.and("d.kind = {}", k.as_str());
    }
    let sums = period_sums(&today_p);
    let sql = format!(
        "SELECT d.id, d.name, d.kind, d.quantity, d.status, d.school_id, sc.code, sc.name AS school_name, \
         {sums}, \
         CAST(COALESCE(SUM(CASE WHEN b.status = 'booked' AND s.date >= {today_p} THEN 1 ELSE 0 END), 0) AS BIGINT) AS pending \
         FROM devices d JOIN schools sc ON sc.id = d.school_id \
         LEFT JOIN booking_slots s ON s.device_id = d.id AND s.date >= {from_p} AND s.date <= {to_p} \
         LEFT JOIN bookings b ON b.id = s.booking_id{} \
         GROUP BY d.id, d.name, d.kind, d.quantity, d.status, d.school_id, sc.code, sc.name \
         ORDER BY sc.code, d.kind, d.name, d.id",
        w.sql()
    );
    let rows: Vec<DeviceUseRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let devices_out: Vec<UtilisationRow> = rows
        .into_iter()
        .map(UtilisationRow::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    let mut kinds: BTreeMap<DeviceKind, KindTotal> = BTreeMap::new();
    let mut schools: BTreeMap<String, SchoolTotal> = BTreeMap::new();
    for d in &devices_out {
        let k = kinds.entry(d.kind).or_insert(KindTotal {
            kind: d.kind,
            devices: 0,
            booked: 0,
            used: 0,
            no_show: 0,
        });
        k.devices += 1;
        k.booked += d.booked;
        k.used += d.used;
        k.no_show += d.no_show;
        let s = schools
            .entry(d.school_code.clone())
            .or_insert_with(|| SchoolTotal {
                school_id: d.school_id,
                code: d.school_code.clone(),
                name: d.school_name.clone(),
                devices: 0,
                booked: 0,
                used: 0,
                no_show: 0,
            });
        s.devices += 1;
        s.booked += d.booked;
        s.used += d.used;
        s.no_show += d.no_show;
    }
    Ok(Utilisation {
        from,
        to,
        devices: devices_out,
        kinds: kinds.into_values().collect(),
        schools: schools.into_values().collect(),
        areas: vec![],
        areas_total: 0,
    })
}

fn utilisation_header(lang: Lang) -> Vec<String> {
    [
        "report.col.school_code",
        "report.col.school",
        "report.col.device",
        "report.col.kind",
        "report.col.quantity",
        "report.col.booked",
        "report.col.used",
        "report.col.no_show",
        "report.col.pending",
        "report.col.use_rate",
    ]
    .iter()
    .map(|k| t(lang, k).to_owned())
    .collect()
}

fn use_rate(d: &UtilisationRow) -> String {
    if d.booked == 0 {
        String::new()
    } else {
        format!("{}", (d.used * 100 + d.booked / 2) / d.booked)
    }
}

/// The report as CSV (column names in `lang`, formulas neutralised).
pub fn utilisation_csv(u: &Utilisation, lang: Lang) -> Vec<u8> {
    let header = utilisation_header(lang);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = u
        .devices
        .iter()
        .map(|d| {
            vec![
                d.school_code.clone(),
                d.school_name.clone(),
                d.name.clone(),
                t(lang, d.kind.label_key()).to_owned(),
                d.quantity.to_string(),
                d.booked.to_string(),
                d.used.to_string(),
                d.no_show.to_string(),
                d.pending.to_string(),
                use_rate(d),
            ]
        })
        .collect();
    crate::services::csv_import::write(&header, &rows)
}

/// The report as an Excel workbook: one sheet per device, one per kind.
pub fn utilisation_xlsx(u: &Utilisation, lang: Lang) -> Result<Vec<u8>, Error> {
    let mut devices = Sheet::new(t(lang, "report.sheet.devices"), utilisation_header(lang));
    for d in &u.devices {
        let mut row: Vec<Cell> = vec![
            d.school_code.as_str().into(),
            d.school_name.as_str().into(),
            d.name.as_str().into(),
            t(lang, d.kind.label_key()).into(),
        ];
        row.extend([d.quantity, d.booked, d.used, d.no_show, d.pending].map(Cell::from));
        if d.booked > 0 {
            row.push((d.used as f64 * 100.0 / d.booked as f64).round().into());
        }
        devices.row(row);
    }
    let mut kinds = Sheet::new(
        t(lang, "report.sheet.kinds"),
        [
            "report.col.kind",
            "report.col.devices",
            "report.col.booked",
            "report.col.used",
            "report.col.no_show",
        ]
        .map(|k| t(lang, k)),
    );
    for k in &u.kinds {
        let mut row = vec![Cell::from(t(lang, k.kind.label_key()))];
        row.extend([k.devices, k.booked, k.used, k.no_show].map(Cell::from));
        kinds.row(row);
    }
    xlsx::workbook(&[devices, kinds])
}
