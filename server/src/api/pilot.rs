//! `/api/v1/pilot/…`: which schools count toward the province's target, their evidence, the
//! criteria, targets, enrolments and the area officers (API.md "Pilot").
//!
//! Who may do what is decided by [`lophoc::services::pilot`].

use crate::api::devices::{attachment, id_param, present};
use crate::api::error::{ApiError, ApiResult};
use crate::api::{
    ApiJson, ApiPath, ApiQuery, CallerExt, ImportResult, XLSX, csv_body, report_format,
};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lophoc::error::{FieldErrors, Msg};
use lophoc::ids::{AreaId, SchoolId, UserId};
use lophoc::model::SchoolLevel;
use lophoc::pilot::{
    Criteria, CriterionResult, GroupCount, Measured, SchoolStatus, TargetProgress, Targets,
    TrendPoint,
};
use lophoc::services::pilot::{self, Order, StatusFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(trend))
        .routes(routes!(schools))
        .routes(routes!(school))
        .routes(routes!(get_criteria, put_criteria))
        .routes(routes!(criteria_history))
        .routes(routes!(enrol, unenrol))
        .routes(routes!(import_enrolments))
        .routes(routes!(get_targets, put_targets))
        .routes(routes!(officers))
        .routes(routes!(set_officer))
}

/// A date parameter (`YYYY-MM-DD` or `dd/mm/yyyy`); anything else is a 422 naming it.
fn date_param(errs: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<NaiveDate> {
    let v = present(v)?;
    let d = lophoc::dates::parse_date(v);
    if d.is_none() {
        errs.add(field, Msg::new("validation.date"));
    }
    d
}

fn bool_param(errs: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<bool> {
    match present(v)? {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => {
            errs.add(field, Msg::new("api.validation.bool"));
            None
        }
    }
}

/// `?as_of=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The date (`YYYY-MM-DD`; default today; not after today).
    pub as_of: Option<String>,
}

impl AsOfQuery {
    fn date(&self) -> Result<Option<NaiveDate>, lophoc::Error> {
        let mut errs = FieldErrors::new();
        let d = date_param(&mut errs, "as_of", &self.as_of);
        errs.finish()?;
        Ok(d)
    }
}

/// A level's share.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelCount {
    /// `mam_non | tieu_hoc | thcs | thpt | lien_cap`.
    pub level: String,
    /// Schools open on the date.
    pub total: i64,
    /// Of them counting.
    pub counted: i64,
    /// One decimal.
    pub percent: f64,
    /// Of them enrolled.
    pub enrolled: i64,
}

/// An area's share.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaCount {
    /// The area's id.
    pub area_id: i64,
    /// Its name.
    pub area: String,
    /// Schools open on the date.
    pub total: i64,
    /// Of them counting.
    pub counted: i64,
    /// One decimal.
    pub percent: f64,
    /// Of them enrolled.
    pub enrolled: i64,
}

/// API.md `{as_of, total_schools, counted_schools, percent, targets, by_level, by_area}`, plus
/// the enrolled and silent schools, the run's criteria version and time, and the caller's area.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDto {
    /// The date.
    pub as_of: NaiveDate,
    /// Schools open on the date.
    pub total_schools: i64,
    /// Counting toward the target.
    pub counted_schools: i64,
    /// One decimal.
    pub percent: f64,
    /// Each target and how far the share is from it.
    pub targets: Vec<TargetProgress>,
    /// By level.
    pub by_level: Vec<LevelCount>,
    /// By area, by name.
    pub by_area: Vec<AreaCount>,
    /// Enrolled.
    pub enrolled_schools: i64,
    /// Enrolled with no recorded use for 14 days.
    pub silent_schools: i64,
    /// The criteria version used (0: the defaults).
    pub criteria_id: i64,
    /// When the statuses were computed.
    pub computed_at: String,
    /// The caller's area when scoped to one.
    pub area: Option<String>,
}

fn level_count(g: &GroupCount) -> LevelCount {
    LevelCount {
        level: g.key.clone(),
        total: g.total,
        counted: g.counted,
        percent: g.percent,
        enrolled: g.enrolled,
    }
}

fn area_count(g: &GroupCount) -> AreaCount {
    AreaCount {
        area_id: g.key.parse().unwrap_or_default(),
        area: g.name.clone(),
        total: g.total,
        counted: g.counted,
        percent: g.percent,
        enrolled: g.enrolled,
    }
}

/// The share of the province's schools that count on a date, by level and area, against the
/// targets (department and sysadmin; an area officer their area).
#[utoipa::path(get, path = "/pilot/summary", tag = "pilot", params(AsOfQuery),
    responses((status = 200, body = SummaryDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"),
              (status = 422, description = "validation: a bad or future `as_of`")))]
async fn summary(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<AsOfQuery>, ApiError>,
) -> ApiResult<Json<SummaryDto>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let s = pilot::summary(&state.ctx, &actor, q.date()?).await?;
    Ok(Json(SummaryDto {
        as_of: s.as_of,
        total_schools: s.total_schools,
        counted_schools: s.counted_schools,
        percent: s.percent,
        targets: s.targets,
        by_level: s.by_level.iter().map(level_count).collect(),
        by_area: s.by_area.iter().map(area_count).collect(),
        enrolled_schools: s.enrolled_schools,
        silent_schools: s.silent_schools,
        criteria_id: s.criteria_id,
        computed_at: s.computed_at,
        area: s.area,
    }))
}

/// The trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendDto {
    /// Month ends and today, oldest first.
    pub points: Vec<TrendPoint>,
    /// Month ends still being computed.
    pub pending: usize,
    /// The targets with the date each is reached at the trend's pace.
    pub targets: Vec<TargetProgress>,
}

/// The share month by month for the last 12 months, and when each target is reached at that
/// pace (extension; department and sysadmin, an area officer their area).
#[utoipa::path(get, path = "/pilot/trend", tag = "pilot",
    responses((status = 200, body = TrendDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn trend(State(state): State<AppState>, caller: CallerExt) -> ApiResult<Json<TrendDto>> {
    let actor = caller.actor()?;
    let t = pilot::trend(&state.ctx, &actor, false).await?;
    Ok(Json(TrendDto {
        points: t.points,
        pending: t.pending,
        targets: t.targets,
    }))
}

/// Filters of the school list; text, so a bad value is a 422 naming it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The date (default today).
    pub as_of: Option<String>,
    /// `true`: only counting; `false`: only not counting.
    pub counted: Option<String>,
    /// `true`: only enrolled; `false`: only not enrolled.
    pub enrolled: Option<String>,
    /// Only enrolled schools with no recorded use for this many days.
    pub silent_days: Option<String>,
    /// A level code.
    pub level: Option<String>,
    /// An area's id.
    pub area: Option<String>,
    /// Words matching code, name or area (case and diacritics ignored).
    pub q: Option<String>,
    /// `rank` (default) | `code` | `close`.
    pub order: Option<String>,
    /// At most this many (1–5000).
    pub limit: Option<String>,
    /// Skip this many.
    pub offset: Option<String>,
    /// `json` (default) | `csv` | `xlsx` (every matching school, as a download).
    pub format: Option<String>,
}

impl StatusQuery {
    fn filter(&self) -> Result<(StatusFilter, &'static str), lophoc::Error> {
        let mut errs = FieldErrors::new();
        let as_of = date_param(&mut errs, "as_of", &self.as_of);
        let counted = bool_param(&mut errs, "counted", &self.counted);
        let enrolled = bool_param(&mut errs, "enrolled", &self.enrolled);
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
        let silent_days = number("silent_days", &self.silent_days, 1);
        let limit = number("limit", &self.limit, 1);
        let offset = number("offset", &self.offset, 0);
        let level = present(&self.level).and_then(|l| {
            let parsed = SchoolLevel::ALL.into_iter().find(|x| x.as_str() == l);
            if parsed.is_none() {
                errs.add("level", Msg::new("validation.level"));
            }
            parsed
        });
        let area = id_param(&mut errs, "area", &self.area).map(AreaId);
        let order = match present(&self.order) {
            None | Some("rank") => Order::Rank,
            Some("code") => Order::Code,
            Some("close") => Order::Close,
            Some(_) => {
                errs.add("order", Msg::new("error.validation"));
                Order::Rank
            }
        };
        let format = report_format(self.format.as_deref()).unwrap_or_else(|| {
            errs.add("format", Msg::new("api.validation.report_format"));
            "json"
        });
        errs.finish()?;
        Ok((
            StatusFilter {
                as_of,
                counted,
                enrolled,
                silent_days,
                level,
                area,
                q: self.q.clone(),
                order,
                limit,
                offset,
            },
            format,
        ))
    }
}

/// One school's status (API.md `{school_id, code, name, level, area, enrolled, counted,
/// criteria: [{key, required, value, threshold, met}]}`, plus what is missing, the counts
/// behind the values and the last recorded use).
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolStatusDto {
    /// The school's id.
    pub school_id: i64,
    /// Registry code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level code.
    pub level: String,
    /// Area's name.
    pub area: String,
    /// Area's id.
    pub area_id: i64,
    /// Enrolled on the date.
    pub enrolled: bool,
    /// Enrolled since.
    pub since: Option<NaiveDate>,
    /// Counts toward the target.
    pub counted: bool,
    /// Criteria met.
    pub met: i64,
    /// Each criterion.
    pub criteria: Vec<CriterionResult>,
    /// The last day of the window with recorded use.
    pub last_activity: Option<NaiveDate>,
    /// The counts.
    pub measured: Measured,
}

impl From<&SchoolStatus> for SchoolStatusDto {
    fn from(s: &SchoolStatus) -> Self {
        SchoolStatusDto {
            school_id: s.school_id.0,
            code: s.code.clone(),
            name: s.name.clone(),
            level: s.level.as_str().to_owned(),
            area: s.area.clone(),
            area_id: s.area_id.0,
            enrolled: s.enrolled,
            since: s.since,
            counted: s.counted,
            met: s.met,
            criteria: s.criteria.clone(),
            last_activity: s.last_activity,
            measured: s.measured.clone(),
        }
    }
}

/// A page of statuses.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusList {
    /// The date.
    pub as_of: NaiveDate,
    /// This page, in the order asked (ranking by default).
    pub items: Vec<SchoolStatusDto>,
    /// How many match in all.
    pub total: i64,
    /// When computed.
    pub computed_at: String,
}

/// Every school's status on a date, filtered; as CSV or XLSX every matching school
/// (department and sysadmin; an area officer their area).
#[utoipa::path(get, path = "/pilot/schools", tag = "pilot", params(StatusQuery),
    responses((status = 200, description = "the list; CSV and XLSX as attachments",
               content((StatusList = "application/json"), (String = "text/csv"),
                       (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn schools(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<StatusQuery>, ApiError>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let (f, format) = q.filter()?;
    if format == "json" {
        let p = pilot::schools(&state.ctx, &actor, &f).await?;
        return Ok(Json(StatusList {
            as_of: p.as_of,
            items: p.items.iter().map(SchoolStatusDto::from).collect(),
            total: p.total,
            computed_at: p.computed_at,
        })
        .into_response());
    }
    let p = pilot::export(&state.ctx, &actor, &f).await?;
    let name = format!("thi-diem-{}", p.as_of);
    Ok(if format == "csv" {
        attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            pilot::export_csv(&p, caller.lang),
        )
    } else {
        attachment(
            XLSX,
            &format!("{name}.xlsx"),
            pilot::export_xlsx(&p, caller.lang)?,
        )
    })
}

/// A school's evidence.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// The status.
    #[serde(flatten)]
    pub status: SchoolStatusDto,
    /// The window's first day.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
    /// Teachers who attached no material to a lesson of the window.
    pub teachers_without_materials: Vec<String>,
    /// Devices out of service now: `[name, status]`.
    pub devices_out_of_service: Vec<(String, String)>,
    /// When computed.
    pub computed_at: String,
}

/// One school's status and evidence (department and sysadmin, an area officer in their area,
/// and the school's own staff; another school is not found).
#[utoipa::path(get, path = "/pilot/schools/{school_id}", tag = "pilot", params(AsOfQuery,
        ("school_id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = EvidenceDto), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn school(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    query: Result<ApiQuery<AsOfQuery>, ApiError>,
) -> ApiResult<Json<EvidenceDto>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let e = pilot::school(&state.ctx, &actor, SchoolId(id), q.date()?).await?;
    Ok(Json(EvidenceDto {
        status: SchoolStatusDto::from(&e.status),
        from: e.from,
        to: e.to,
        teachers_without_materials: e.teachers_without_materials,
        devices_out_of_service: e.devices_out_of_service,
        computed_at: e.computed_at,
    }))
}

/// The criteria in force (API.md `{window_days, criteria: [{key, threshold, required}]}`).
#[utoipa::path(get, path = "/pilot/criteria", tag = "pilot",
    responses((status = 200, body = Criteria), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn get_criteria(
    State(state): State<AppState>,
    caller: CallerExt,
) -> ApiResult<Json<Criteria>> {
    let actor = caller.actor()?;
    Ok(Json(pilot::criteria(&state.ctx, &actor).await?.criteria))
}

/// Set the criteria (province-wide department, sysadmin): a new version, audited; today's
/// statuses are recomputed before the answer.
#[utoipa::path(put, path = "/pilot/criteria", tag = "pilot", request_body = Criteria,
    responses((status = 200, body = Criteria), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"),
              (status = 422, description = "validation: `details` names each bad field")))]
async fn put_criteria(
    State(state): State<AppState>,
    caller: CallerExt,
    body: Result<ApiJson<Criteria>, ApiError>,
) -> ApiResult<Json<Criteria>> {
    let actor = caller.actor()?;
    let ApiJson(c) = body?;
    let r = pilot::set_criteria(&state.ctx, &actor, c, Some(&caller.ip)).await?;
    Ok(Json(r.version.criteria))
}

/// A version of the criteria.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaVersionDto {
    /// 0: the built-in defaults.
    pub id: i64,
    /// The criteria.
    #[serde(flatten)]
    pub criteria: Criteria,
    /// Who set them.
    pub set_by: String,
    /// When.
    pub set_at: Option<String>,
    /// In force until.
    pub until: Option<String>,
}

/// `{"items": […]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaHistory {
    /// Oldest first.
    pub items: Vec<CriteriaVersionDto>,
}

/// Every version of the criteria and when each was in force (extension).
#[utoipa::path(get, path = "/pilot/criteria/history", tag = "pilot",
    responses((status = 200, body = CriteriaHistory), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn criteria_history(
    State(state): State<AppState>,
    caller: CallerExt,
) -> ApiResult<Json<CriteriaHistory>> {
    let actor = caller.actor()?;
    let items = pilot::criteria_history(&state.ctx, &actor)
        .await?
        .into_iter()
        .map(|v| CriteriaVersionDto {
            id: v.id,
            criteria: v.criteria,
            set_by: v.set_by,
            set_at: v.set_at,
            until: v.until,
        })
        .collect();
    Ok(Json(CriteriaHistory { items }))
}

/// `{since}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolBody {
    /// `YYYY-MM-DD` (or `dd/mm/yyyy`).
    pub since: String,
}

/// An enrolment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDto {
    /// The school.
    pub school_id: i64,
    /// Enrolled.
    pub enrolled: bool,
    /// Since.
    pub since: Option<String>,
}

/// Enrol a school in the pilot, or move its start (province-wide department, sysadmin).
#[utoipa::path(put, path = "/pilot/enrollments/{school_id}", tag = "pilot", request_body = EnrolBody,
    params(("school_id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = EnrolmentDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: a bad date, or a closed school")))]
async fn enrol(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<EnrolBody>, ApiError>,
) -> ApiResult<Json<EnrolmentDto>> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let since = lophoc::dates::parse_date(&b.since)
        .ok_or_else(|| lophoc::Error::field("since", Msg::new("validation.date")))?;
    let p = pilot::enrol(&state.ctx, &actor, SchoolId(id), since, Some(&caller.ip)).await?;
    Ok(Json(EnrolmentDto {
        school_id: id,
        enrolled: p.enrolled,
        since: p.since,
    }))
}

/// End a school's enrolment (province-wide department, sysadmin); not enrolled: 404.
#[utoipa::path(delete, path = "/pilot/enrollments/{school_id}", tag = "pilot",
    params(("school_id" = i64, Path, description = "The school's id")),
    responses((status = 204, description = "ended"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn unenrol(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    pilot::unenrol(&state.ctx, &actor, SchoolId(id), Some(&caller.ip)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enrol schools from CSV `code,since` (province-wide department, sysadmin): all or nothing,
/// every bad line listed (extension).
#[utoipa::path(post, path = "/pilot/enrollments/import", tag = "pilot",
    request_body(content = String, content_type = "text/csv", description = "`code,since`"),
    responses((status = 200, body = ImportResult), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type: not text/csv"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import_enrolments(
    State(state): State<AppState>,
    caller: CallerExt,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportResult>> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r = pilot::enrol_csv(&state.ctx, &actor, &body, Some(&caller.ip)).await?;
    Ok(Json(r.into()))
}

/// The targets (`{"items": [{percent, due}]}`).
#[utoipa::path(get, path = "/pilot/targets", tag = "pilot",
    responses((status = 200, body = Targets), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn get_targets(State(state): State<AppState>, caller: CallerExt) -> ApiResult<Json<Targets>> {
    let actor = caller.actor()?;
    Ok(Json(pilot::targets(&state.ctx, &actor).await?))
}

/// Set the targets (province-wide department, sysadmin), audited.
#[utoipa::path(put, path = "/pilot/targets", tag = "pilot", request_body = Targets,
    responses((status = 200, body = Targets), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"),
              (status = 422, description = "validation: `details` names each bad field")))]
async fn put_targets(
    State(state): State<AppState>,
    caller: CallerExt,
    body: Result<ApiJson<Targets>, ApiError>,
) -> ApiResult<Json<Targets>> {
    let actor = caller.actor()?;
    let ApiJson(t) = body?;
    Ok(Json(
        pilot::set_targets(&state.ctx, &actor, t, Some(&caller.ip)).await?,
    ))
}

/// A department officer and their area.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDto {
    /// The account's id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// The area's id; null: the whole province.
    pub area_id: Option<i64>,
    /// The area's name.
    pub area: Option<String>,
}

impl From<&pilot::Officer> for OfficerDto {
    fn from(o: &pilot::Officer) -> Self {
        OfficerDto {
            user_id: o.user_id.0,
            username: o.username.clone(),
            full_name: o.full_name.clone(),
            area_id: o.area_id.map(|a| a.0),
            area: o.area.clone(),
        }
    }
}

/// `{"items": […]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerList {
    /// By username.
    pub items: Vec<OfficerDto>,
}

/// The department's officers and their areas (extension; province-wide department, sysadmin).
#[utoipa::path(get, path = "/pilot/officers", tag = "pilot",
    responses((status = 200, body = OfficerList), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden")))]
async fn officers(
    State(state): State<AppState>,
    caller: CallerExt,
) -> ApiResult<Json<OfficerList>> {
    let actor = caller.actor()?;
    let items = pilot::officers(&state.ctx, &actor)
        .await?
        .iter()
        .map(OfficerDto::from)
        .collect();
    Ok(Json(OfficerList { items }))
}

/// `{area_id}`; null gives the officer the whole province.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficerBody {
    /// An area's id, or null.
    pub area_id: Option<i64>,
}

/// Scope a department officer to an area, or to the whole province (extension; province-wide
/// department, sysadmin).
#[utoipa::path(put, path = "/pilot/officers/{user_id}", tag = "pilot", request_body = OfficerBody,
    params(("user_id" = i64, Path, description = "The officer's user id")),
    responses((status = 200, body = OfficerDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation")))]
async fn set_officer(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<OfficerBody>, ApiError>,
) -> ApiResult<Json<OfficerDto>> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let o = pilot::set_officer_area(
        &state.ctx,
        &actor,
        UserId(id),
        b.area_id.map(AreaId),
        Some(&caller.ip),
    )
    .await?;
    Ok(Json(OfficerDto::from(&o)))
}
