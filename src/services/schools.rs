//! The school registry: list, search, read, and the CSV import (department and sysadmin).

use crate::error::{Error, Msg};
use crate::ids::{AreaId, SchoolId};
pub use crate::model::SchoolSummary;
use crate::model::{
    Actor, Area, ImportOutcome, Page, PilotStatus, School, SchoolFilter, SchoolLevel,
};
use crate::services::audit::{self, Action, Record};
use crate::services::csv_import::{self, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{Bind, Where, decode, decode_date, internal};
use crate::services::scope;
use crate::text::{fold, query_words};
use crate::validate;
use sqlx::FromRow;
use std::collections::HashMap;

/// The most schools one page of the list holds (also when no `limit` is asked): a province
/// fits in one page; a nation is read page by page.
pub const MAX_PAGE: i64 = 5_000;

/// The header of a schools CSV (API.md).
pub const CSV_HEADER: [&str; 6] = [
    "code",
    "name",
    "level",
    "area",
    "former_district",
    "students",
];

const SELECT: &str = "SELECT s.id, s.code, s.name, s.level, s.area_id, a.name AS area_name, \
     s.former_district, s.students, s.opened_on, s.closed_on, p.since AS pilot_since \
     FROM schools s JOIN areas a ON a.id = s.area_id \
     LEFT JOIN pilot_enrollments p ON p.school_id = s.id";

/// A school as [`SELECT`] reads it.
#[derive(sqlx::FromRow)]
struct SchoolRow {
    id: SchoolId,
    code: String,
    name: String,
    level: String,
    area_id: AreaId,
    area_name: String,
    former_district: Option<String>,
    students: i64,
    opened_on: Option<String>,
    closed_on: Option<String>,
    pilot_since: Option<String>,
}

/// A stored day that the domain keeps as text (`YYYY-MM-DD`), checked strictly.
fn checked_date(d: Option<String>) -> Result<Option<String>, sqlx::Error> {
    if let Some(d) = &d {
        decode_date(d)?;
    }
    Ok(d)
}

impl TryFrom<SchoolRow> for School {
    type Error = sqlx::Error;
    fn try_from(r: SchoolRow) -> Result<School, sqlx::Error> {
        let since = checked_date(r.pilot_since)?;
        Ok(School {
            id: r.id,
            code: r.code,
            name: r.name,
            level: decode("level", &r.level, SchoolLevel::parse)?,
            area_id: r.area_id,
            area: r.area_name,
            former_district: r.former_district,
            students: r.students,
            opened_on: checked_date(r.opened_on)?,
            closed_on: checked_date(r.closed_on)?,
            pilot: PilotStatus {
                enrolled: since.is_some(),
                since,
            },
        })
    }
}

fn school_from_row(r: &sqlx::any::AnyRow) -> Result<School, sqlx::Error> {
    SchoolRow::from_row(r).and_then(School::try_from)
}

/// The schools of one level counted ([`summary`]).
#[derive(sqlx::FromRow)]
struct LevelCountRow {
    level: String,
    n: i64,
    pilot: i64,
    students: i64,
}

/// An area with its number of schools.
#[derive(sqlx::FromRow)]
struct AreaRow {
    id: AreaId,
    name: String,
    n: i64,
}

impl From<AreaRow> for Area {
    fn from(r: AreaRow) -> Area {
        Area {
            id: r.id,
            name: r.name,
            schools: r.n,
        }
    }
}

/// A school of the registry as an import compares it with a CSV line.
#[derive(sqlx::FromRow)]
struct ExistingRow {
    id: i64,
    code: String,
    name: String,
    /// Compared as stored with the line's level.
    level: String,
    area_id: i64,
    former_district: Option<String>,
    students: i64,
}

/// The conditions of the schools the actor may see that match the filter; `None` when the
/// actor can see no school at all.
fn filter_sql(actor: &Actor, f: &SchoolFilter) -> Result<Option<Where>, Error> {
    let mut w = Where::new();
    if !scope::restrict(&mut w, actor, "s.id") {
        return Ok(None);
    }
    if let Some(level) = f.level {
        w.and("s.level = {}", level.as_str());
    }
    if let Some(area) = f.area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        match area.parse::<i64>() {
            Ok(id) => w.and("s.area_id = {}", id),
            Err(_) => w.and("a.search_key = {}", fold(area)),
        };
    }
    let words = f.q.as_deref().map(query_words).transpose()?;
    w.and_words("s.search_key", &words.unwrap_or_default());
    Ok(Some(w))
}

/// The schools the actor may see that match the filter, by code. The department and sysadmins
/// see every school, everyone else only their own.
pub async fn list(ctx: &Ctx, actor: &Actor, f: &SchoolFilter) -> Result<Page<School>, Error> {
    let Some(w) = filter_sql(actor, f)? else {
        return Ok(Page {
            items: vec![],
            total: 0,
        });
    };
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM schools s JOIN areas a ON a.id = s.area_id{}",
        w.sql()
    );
    let total: i64 = w
        .query(&count_sql)
        .fetch_one(&ctx.db.pool)
        .await
        .and_then(|r| <(i64,) as FromRow<_>>::from_row(&r))
        .map_err(internal)?
        .0;
    let items = rows(ctx, w, f).await?;
    Ok(Page { items, total })
}

/// The page of schools `f` asks for, under the conditions `w`.
async fn rows(ctx: &Ctx, mut w: Where, f: &SchoolFilter) -> Result<Vec<School>, Error> {
    let where_sql = w.sql();
    let limit = w.param(f.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE));
    let offset = w.param(f.offset.unwrap_or(0).max(0));
    let sql = format!("{SELECT}{where_sql} ORDER BY s.code LIMIT {limit} OFFSET {offset}");
    let rows = w
        .query(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    rows.iter()
        .map(school_from_row)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

/// The department's registry page in one call: a page of the schools that match the filter,
/// their counts per level (see [`summary`]) and the areas (department and sysadmin). The
/// page's total is the summary's, so the list needs no count of its own.
pub async fn registry(ctx: &Ctx, actor: &Actor, f: &SchoolFilter) -> Result<Registry, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    let summary = summary(ctx, actor, f).await?;
    let areas = areas(ctx, actor).await?;
    let items = match filter_sql(actor, f)? {
        Some(w) => rows(ctx, w, f).await?,
        None => vec![],
    };
    Ok(Registry {
        page: Page {
            items,
            total: summary.total,
        },
        summary,
        areas,
    })
}

/// What [`registry`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// The page of schools.
    pub page: Page<School>,
    /// Their counts.
    pub summary: SchoolSummary,
    /// Every area with its number of schools.
    pub areas: Vec<Area>,
}

/// Counts of the schools the actor may see that match the filter, per level (the filter's
/// level ignored, so a chart can show every level), with the pilot count and pupils of those
/// matching the filter as given. One aggregate query; nothing is loaded row by row.
pub async fn summary(ctx: &Ctx, actor: &Actor, f: &SchoolFilter) -> Result<SchoolSummary, Error> {
    let all = SchoolFilter {
        level: None,
        limit: None,
        offset: None,
        ..f.clone()
    };
    let mut out = SchoolSummary {
        by_level: SchoolLevel::ALL.into_iter().map(|l| (l, 0)).collect(),
        total: 0,
        in_pilot: 0,
        students: 0,
    };
    let Some(w) = filter_sql(actor, &all)? else {
        return Ok(out);
    };
    // The same for everyone who sees every school: reused for a while (see `aggregates`).
    let key = actor
        .sees_all_schools()
        .then(|| format!("{:?}|{:?}|{:?}", f.level, f.area, f.q));
    let now = ctx.now();
    if let Some(hit) = key.as_deref().and_then(|k| ctx.aggregates.summary(k, now)) {
        return Ok(hit);
    }
    let generation = ctx.aggregates.now_generation();
    // The areas are joined only when the filter names one by name (see `filter_sql`).
    let where_sql = w.sql();
    let by_area_name = f
        .area
        .as_deref()
        .map(str::trim)
        .is_some_and(|a| !a.is_empty() && a.parse::<i64>().is_err());
    let join_areas = if by_area_name {
        " JOIN areas a ON a.id = s.area_id"
    } else {
        ""
    };
    let sql = format!(
        "SELECT s.level, COUNT(*) AS n, COUNT(p.school_id) AS pilot, \
         CAST(COALESCE(SUM(s.students), 0) AS BIGINT) AS students \
         FROM schools s{join_areas} \
         LEFT JOIN pilot_enrollments p ON p.school_id = s.id{where_sql} GROUP BY s.level"
    );
    let rows: Vec<LevelCountRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    for r in rows {
        let level = decode("level", &r.level, SchoolLevel::parse).map_err(internal)?;
        if let Some(slot) = out.by_level.iter_mut().find(|(l, _)| *l == level) {
            slot.1 = r.n;
        }
        if f.level.is_none_or(|l| l == level) {
            out.total += r.n;
            out.in_pilot += r.pilot;
            out.students += r.students;
        }
    }
    if let Some(k) = key {
        ctx.aggregates.keep_summary(k, generation, now, out.clone());
    }
    Ok(out)
}

/// One school. A school the actor may not see is "not found", so its existence does not leak.
pub async fn get(ctx: &Ctx, actor: &Actor, id: SchoolId) -> Result<School, Error> {
    if !actor.can_read_school(id) {
        return Err(Error::not_found());
    }
    let row = sqlx::query(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id.0)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    row.as_ref()
        .map(school_from_row)
        .transpose()
        .map_err(internal)?
        .ok_or_else(Error::not_found)
}

/// Finds a school id by its code (for imports of users).
pub async fn id_by_code(ctx: &Ctx, code: &str) -> Result<Option<SchoolId>, Error> {
    sqlx::query_scalar::<_, SchoolId>("SELECT id FROM schools WHERE code = $1")
        .bind(code.trim().to_uppercase())
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)
}

/// The areas with their number of schools, by name (for the filter); an area officer's own.
pub async fn areas(ctx: &Ctx, actor: &Actor) -> Result<Vec<Area>, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    if let Some(own) = actor.area_id() {
        let all = province_areas(ctx).await?;
        return Ok(all.into_iter().filter(|a| a.id == own).collect());
    }
    province_areas(ctx).await
}

async fn province_areas(ctx: &Ctx) -> Result<Vec<Area>, Error> {
    let now = ctx.now();
    if let Some(hit) = ctx.aggregates.areas(now) {
        return Ok(hit);
    }
    let generation = ctx.aggregates.now_generation();
    let areas: Vec<Area> = sqlx::query_as::<_, AreaRow>(
        "SELECT a.id, a.name, COUNT(s.id) AS n FROM areas a LEFT JOIN schools s ON s.area_id = a.id \
         GROUP BY a.id, a.name ORDER BY a.name",
    )
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(Area::from)
    .collect();
    ctx.aggregates.keep_areas(generation, now, areas.clone());
    Ok(areas)
}

/// A validated line of a schools CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchool {
    /// Registry code, upper case.
    pub code: String,
    /// Name, NFC.
    pub name: String,
    /// Level.
    pub level: SchoolLevel,
    /// Area name, NFC.
    pub area: String,
    /// Former district, NFC, if any.
    pub former_district: Option<String>,
    /// Pupils.
    pub students: i64,
}

fn school_search_key(code: &str, name: &str, area: &str, former: Option<&str>) -> String {
    fold(&format!("{code} {name} {area} {}", former.unwrap_or("")))
}

/// Imports a schools CSV (`code,name,level,area,former_district,students`): all or nothing,
/// every bad line listed, a school matched by code is updated, an identical line changes
/// nothing. Areas are created by name as needed.
pub async fn import_csv(
    ctx: &Ctx,
    actor: &Actor,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    if !actor.sees_all_schools() {
        return Err(Error::forbidden());
    }
    let (lines, mut errors) = csv_import::read_lines(bytes, &CSV_HEADER)?;
    let mut seen = OncePerFile::new();
    let mut rows = Vec::new();
    for l in &lines {
        let before = errors.len();
        let code = validate::school_code(l.get(0))
            .map_err(|m| errors.push(cell_error(l.line, "code", m)))
            .ok();
        let name = validate::name(l.get(1), 200)
            .map_err(|m| errors.push(cell_error(l.line, "name", m)))
            .ok();
        let level = SchoolLevel::parse(l.get(2));
        if level.is_none() {
            errors.push(cell_error(l.line, "level", Msg::new("validation.level")));
        }
        let area = validate::name(l.get(3), 200)
            .map_err(|m| errors.push(cell_error(l.line, "area", m)))
            .ok();
        let former = crate::text::clean(l.get(4));
        let students = validate::students(l.get(5))
            .map_err(|m| errors.push(cell_error(l.line, "students", m)))
            .ok();
        if let Some(c) = &code {
            errors.extend(seen.check(c.clone(), l.line, "code"));
        }
        if errors.len() == before {
            rows.push(NewSchool {
                code: code.unwrap_or_default(),
                name: name.unwrap_or_default(),
                level: level.unwrap_or(SchoolLevel::TieuHoc),
                area: area.unwrap_or_default(),
                former_district: (!former.is_empty()).then_some(former),
                students: students.unwrap_or(0),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::lines(errors));
    }
    upsert(ctx, Some(actor), &rows, ip).await
}

/// Writes validated schools in one transaction (import and seeding).
pub async fn upsert(
    ctx: &Ctx,
    actor: Option<&Actor>,
    rows: &[NewSchool],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    let now = ctx.now();
    // Two imports at once queue: each sees what the other created.
    let mut tx = ctx
        .db
        .begin_exclusive(&["areas", "schools"])
        .await
        .map_err(internal)?;
    let mut out = ImportOutcome::default();
    // What the rows need is read once, inside the lock: every area (a province has a few
    // hundred) and the schools the file names (by code, in chunks the engines bind).
    let areas: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM areas")
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
    let area_names: HashMap<i64, String> = areas.iter().cloned().collect();
    let mut area_ids: HashMap<String, i64> = areas.into_iter().map(|(id, n)| (n, id)).collect();
    let mut existing_by_code: HashMap<String, ExistingRow> = HashMap::new();
    for chunk in rows.chunks(500) {
        let mut w = Where::new();
        w.and_in("code", chunk.iter().map(|r| Bind::from(r.code.clone())));
        let found: Vec<ExistingRow> = w
            .query_as(&format!(
                "SELECT id, code, name, level, area_id, former_district, students FROM schools{}",
                w.sql()
            ))
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
        existing_by_code.extend(found.into_iter().map(|e| (e.code.clone(), e)));
    }
    for r in rows {
        let area_id = match area_ids.get(&r.area) {
            Some(id) => *id,
            None => {
                let id: i64 = sqlx::query_scalar(
                        "INSERT INTO areas (name, former_district, search_key) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(r.area.clone())
                    .bind(r.former_district.clone())
                    .bind(fold(&r.area))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(internal)?;
                area_ids.insert(r.area.clone(), id);
                id
            }
        };
        let key = school_search_key(&r.code, &r.name, &r.area, r.former_district.as_deref());
        let existing = existing_by_code.get(&r.code);
        let new_json = serde_json::json!({
            "code": r.code, "name": r.name, "level": r.level.as_str(), "area": r.area,
            "former_district": r.former_district, "students": r.students,
        })
        .to_string();
        match existing {
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO schools (code, name, level, area_id, former_district, students, search_key, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(r.code.clone())
                .bind(r.name.clone())
                .bind(r.level.as_str().to_owned())
                .bind(area_id)
                .bind(r.former_district.clone())
                .bind(r.students)
                .bind(key)
                .bind(now)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(internal)?;
                out.created += 1;
                audit::write(
                    &mut *tx,
                    now,
                    Action::SchoolCreate,
                    Record {
                        actor,
                        school_id: Some(SchoolId(id)),
                        object: format!("school:{}", r.code),
                        new: Some(new_json),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
            Some(e) => {
                let id = e.id;
                let same = e.name == r.name
                    && e.level == r.level.as_str()
                    && e.area_id == area_id
                    && e.former_district == r.former_district
                    && e.students == r.students;
                if same {
                    continue;
                }
                sqlx::query(
                    "UPDATE schools SET name = $1, level = $2, area_id = $3, former_district = $4, students = $5, \
                     search_key = $6, updated_at = $7 WHERE id = $8",
                )
                .bind(r.name.clone())
                .bind(r.level.as_str().to_owned())
                .bind(area_id)
                .bind(r.former_district.clone())
                .bind(r.students)
                .bind(key)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
                out.updated += 1;
                let old_json = serde_json::json!({
                    "code": e.code, "name": e.name, "level": e.level,
                    "area": area_names.get(&e.area_id).cloned().unwrap_or_default(),
                    "former_district": e.former_district, "students": e.students,
                })
                .to_string();
                audit::write(
                    &mut *tx,
                    now,
                    Action::SchoolUpdate,
                    Record {
                        actor,
                        school_id: Some(SchoolId(id)),
                        object: format!("school:{}", r.code),
                        old: Some(old_json),
                        new: Some(new_json),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
    }
    tx.commit().await.map_err(internal)?;
    ctx.aggregates.changed();
    Ok(out)
}
