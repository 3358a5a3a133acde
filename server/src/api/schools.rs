//! `/api/v1/schools` and `/api/v1/areas`: the school registry, its search and its CSV import.
//!
//! Who sees which school is decided by [`lophoc::services::schools`] (the department and
//! sysadmins every school, everyone else their own).

use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiPath, ApiQuery, CallerExt, ImportResult, csv_body};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use lophoc::error::{FieldErrors, Msg};
use lophoc::ids::SchoolId;
use lophoc::model::{Area, School, SchoolFilter, SchoolLevel};
use lophoc::services::schools;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one))
        .routes(routes!(import))
        .routes(routes!(areas))
}

/// A school's pilot enrolment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PilotDto {
    /// Enrolled in the smart-classroom pilot.
    pub enrolled: bool,
    /// Since when (`YYYY-MM-DD`), if enrolled.
    pub since: Option<String>,
}

/// A school (API.md: `{id, code, name, level, area, former_district, students, pilot}`, plus
/// `area_id`, `opened_on`, `closed_on`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolDto {
    /// Opaque id.
    pub id: i64,
    /// The registry code (unique in the province).
    pub code: String,
    /// Name.
    pub name: String,
    /// `mam_non | tieu_hoc | thcs | thpt | lien_cap`.
    pub level: String,
    /// The commune or ward's name.
    pub area: String,
    /// The district it belonged to before July 2025.
    pub former_district: Option<String>,
    /// Number of pupils.
    pub students: i64,
    /// The pilot enrolment.
    pub pilot: PilotDto,
    /// The area's id (for `?area=`).
    pub area_id: i64,
    /// Opened (`YYYY-MM-DD`), when known.
    pub opened_on: Option<String>,
    /// Closed or merged (`YYYY-MM-DD`).
    pub closed_on: Option<String>,
}

impl From<&School> for SchoolDto {
    fn from(s: &School) -> Self {
        SchoolDto {
            id: s.id.0,
            code: s.code.clone(),
            name: s.name.clone(),
            level: s.level.as_str().to_owned(),
            area: s.area.clone(),
            former_district: s.former_district.clone(),
            students: s.students,
            pilot: PilotDto {
                enrolled: s.pilot.enrolled,
                since: s.pilot.since.clone(),
            },
            area_id: s.area_id.0,
            opened_on: s.opened_on.clone(),
            closed_on: s.closed_on.clone(),
        }
    }
}

/// `{"school": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolEnvelope {
    /// The school.
    pub school: SchoolDto,
}

/// A page of schools.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolList {
    /// The schools of this page, by code.
    pub items: Vec<SchoolDto>,
    /// How many match in all.
    pub total: i64,
}

/// A commune or ward.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDto {
    /// Opaque id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// How many schools it has.
    pub schools: i64,
}

impl From<&Area> for AreaDto {
    fn from(a: &Area) -> Self {
        AreaDto {
            id: a.id.0,
            name: a.name.clone(),
            schools: a.schools,
        }
    }
}

/// The areas.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaList {
    /// By name.
    pub items: Vec<AreaDto>,
    /// How many.
    pub total: i64,
}

/// Filters of the school list. All are text here so that a bad value is a 422 naming the field
/// rather than a plain 400.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchoolQuery {
    /// `mam_non | tieu_hoc | thcs | thpt | lien_cap`.
    pub level: Option<String>,
    /// An area's id, or its name (case and diacritics ignored).
    pub area: Option<String>,
    /// Words that must all match code, name or area (case and diacritics ignored).
    pub q: Option<String>,
    /// At most this many (1–10000; all when absent).
    pub limit: Option<String>,
    /// Skip this many (0 or more).
    pub offset: Option<String>,
}

impl SchoolQuery {
    /// The service's filter, or a 422 listing every bad parameter.
    fn filter(self) -> Result<SchoolFilter, lophoc::Error> {
        fn present(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let mut errs = FieldErrors::new();
        let level = match present(&self.level) {
            None => None,
            Some(l) => {
                // The API codes only: a query is written by a program, not typed into a sheet.
                let parsed = SchoolLevel::ALL.into_iter().find(|x| x.as_str() == l);
                if parsed.is_none() {
                    errs.add("level", Msg::new("validation.level"));
                }
                parsed
            }
        };
        let mut number = |name: &str, v: &Option<String>, min: i64| match present(v) {
            None => None,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if n >= min => Some(n),
                _ => {
                    errs.add(name, Msg::new("error.validation"));
                    None
                }
            },
        };
        let limit = number("limit", &self.limit, 1);
        let offset = number("offset", &self.offset, 0);
        errs.finish()?;
        Ok(SchoolFilter {
            level,
            area: self.area,
            q: self.q,
            limit,
            offset,
        })
    }
}

/// The schools the caller may see that match the filters, by code.
#[utoipa::path(get, path = "/schools", tag = "schools", params(SchoolQuery),
    responses((status = 200, body = SchoolList), (status = 401, description = "unauthenticated"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn list(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<SchoolQuery>, ApiError>,
) -> ApiResult<Json<SchoolList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let page = schools::list(&state.ctx, &actor, &q.filter()?).await?;
    Ok(Json(SchoolList {
        items: page.items.iter().map(SchoolDto::from).collect(),
        total: page.total,
    }))
}

/// One school; a school the caller may not see is not found.
#[utoipa::path(get, path = "/schools/{id}", tag = "schools",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = SchoolEnvelope), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_one(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SchoolEnvelope>> {
    let actor = caller.actor()?;
    let s = schools::get(&state.ctx, &actor, SchoolId(id)).await?;
    Ok(Json(SchoolEnvelope {
        school: SchoolDto::from(&s),
    }))
}

/// Import schools from CSV `code,name,level,area,former_district,students` (department,
/// sysadmin): all or nothing, every bad line listed; a school is matched by its code.
#[utoipa::path(post, path = "/schools/import", tag = "schools",
    request_body(content = String, content_type = "text/csv",
                 description = "`code,name,level,area,former_district,students`, UTF-8, `,` or `;`"),
    responses((status = 200, body = ImportResult), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type: not text/csv"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import(
    State(state): State<AppState>,
    caller: CallerExt,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportResult>> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r = schools::import_csv(&state.ctx, &actor, &body, Some(&caller.ip)).await?;
    Ok(Json(r.into()))
}

/// The communes and wards with their number of schools (department, sysadmin).
#[utoipa::path(get, path = "/areas", tag = "schools",
    responses((status = 200, body = AreaList), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn areas(State(state): State<AppState>, caller: CallerExt) -> ApiResult<Json<AreaList>> {
    let actor = caller.actor()?;
    let items: Vec<AreaDto> = schools::areas(&state.ctx, &actor)
        .await?
        .iter()
        .map(AreaDto::from)
        .collect();
    Ok(Json(AreaList {
        total: items.len() as i64,
        items,
    }))
}
