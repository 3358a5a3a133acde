//! Classes, students and timetables (API.md "Classes, students, timetable"), plus the
//! extensions this server adds: school years and moving a student. Roll calls and attendance
//! reports are in [`super::roll_calls`].
//!
//! Who may do what is decided by [`lophoc::services::classes`] and
//! [`lophoc::services::timetable`]; these handlers translate HTTP and nothing else.

use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt, ImportResult, created_or_ok, csv_body};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use lophoc::classes::{Class, ClassInput, SchoolYear, Student};
use lophoc::error::Error;
use lophoc::ids::{ClassId, SchoolId, StudentId};
use lophoc::services::classes::{self, YearDates};
use lophoc::services::timetable;
use lophoc::timetable::{Timetable, TimetableInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_classes, create_class))
        .routes(routes!(import_classes))
        .routes(routes!(list_years))
        .routes(routes!(set_year))
        .routes(routes!(get_class))
        .routes(routes!(list_students))
        .routes(routes!(import_students))
        .routes(routes!(move_student))
        .routes(routes!(get_timetable, put_timetable))
        .routes(routes!(import_timetable))
}

/// An optional day in a query: `YYYY-MM-DD` or dd/mm/yyyy; anything else is a 422 on `field`.
pub(crate) fn day(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, Error> {
    lophoc::dates::optional_date(field, v.as_deref())
}

/// A day in a path (`YYYY-MM-DD`): anything else names nothing (404).
pub(crate) fn path_day(s: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::not_found())
}

/// Which year's classes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassQuery {
    /// `2026-2027`; this school year when absent.
    pub school_year: Option<String>,
}

/// The classes of a school in a year (everyone of the school, the department).
#[utoipa::path(get, path = "/schools/{id}/classes", tag = "classes",
    params(("id" = i64, Path, description = "The school's id"), ClassQuery),
    responses((status = 200, body = Vec<Class>), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn list_classes(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ClassQuery>,
) -> ApiResult<Json<Vec<Class>>> {
    let actor = caller.actor()?;
    let year = q
        .school_year
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    Ok(Json(
        classes::list(&state.ctx, &actor, SchoolId(id), year).await?,
    ))
}

/// Create a class (the school's admins, sysadmins). A school year the school has not defined
/// is created with the usual dates.
#[utoipa::path(post, path = "/schools/{id}/classes", tag = "classes", request_body = ClassInput,
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 201, body = Class), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "conflict: the year has a class of that name"),
              (status = 422, description = "validation")))]
async fn create_class(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<ClassInput>, ApiError>,
) -> ApiResult<(StatusCode, Json<Class>)> {
    let actor = caller.actor()?;
    let ApiJson(input) = body?;
    let c = classes::create(&state.ctx, &actor, SchoolId(id), &input, Some(&caller.ip)).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Import classes from CSV `name,grade,school_year,homeroom_username` (the school's admins):
/// all or nothing, every bad line listed; a class the year has is updated.
#[utoipa::path(post, path = "/schools/{id}/classes/import", tag = "classes",
    params(("id" = i64, Path, description = "The school's id")),
    request_body(content = String, content_type = "text/csv",
                 description = "`name,grade,school_year,homeroom_username`, UTF-8, `,` or `;`"),
    responses((status = 201, body = ImportResult), (status = 200, body = ImportResult),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import_classes(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportResult>)> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r = classes::import_csv(&state.ctx, &actor, SchoolId(id), &body, Some(&caller.ip)).await?;
    Ok((created_or_ok(r.created), Json(r.into())))
}

/// A school's years with their terms (extension).
#[utoipa::path(get, path = "/schools/{id}/years", tag = "classes",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = Vec<SchoolYear>), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn list_years(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<SchoolYear>>> {
    let actor = caller.actor()?;
    Ok(Json(
        classes::years(&state.ctx, &actor, SchoolId(id)).await?,
    ))
}

/// A year's dates as sent.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct YearBody {
    /// First day (học kỳ I), `YYYY-MM-DD` or dd/mm/yyyy.
    pub starts: String,
    /// First day of học kỳ II.
    pub term2_starts: String,
    /// Last day.
    pub ends: String,
}

/// Set the dates of a school year (extension; the school's admins).
#[utoipa::path(put, path = "/schools/{id}/years/{name}", tag = "classes", request_body = YearBody,
    params(("id" = i64, Path, description = "The school's id"),
           ("name" = String, Path, description = "`2026-2027`")),
    responses((status = 200, body = SchoolYear), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation")))]
async fn set_year(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, name)): ApiPath<(i64, String)>,
    body: Result<ApiJson<YearBody>, ApiError>,
) -> ApiResult<Json<SchoolYear>> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let dates = YearDates {
        starts: b.starts,
        term2_starts: b.term2_starts,
        ends: b.ends,
    };
    Ok(Json(
        classes::set_year(
            &state.ctx,
            &actor,
            SchoolId(id),
            &name,
            &dates,
            Some(&caller.ip),
        )
        .await?,
    ))
}

/// One class (everyone of the school, the department).
#[utoipa::path(get, path = "/classes/{id}", tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses((status = 200, body = Class), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_class(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Class>> {
    let actor = caller.actor()?;
    Ok(Json(classes::get(&state.ctx, &actor, ClassId(id)).await?.0))
}

/// Which day's roster.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day (`YYYY-MM-DD` or dd/mm/yyyy); today when absent.
    pub on: Option<String>,
}

/// The students of a class on a day, by name.
#[utoipa::path(get, path = "/classes/{id}/students", tag = "classes",
    params(("id" = i64, Path, description = "The class's id"), OnQuery),
    responses((status = 200, body = Vec<Student>), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn list_students(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<Json<Vec<Student>>> {
    let actor = caller.actor()?;
    let on = day("on", &q.on)?;
    Ok(Json(
        classes::students(&state.ctx, &actor, ClassId(id), on).await?,
    ))
}

/// Import a class's roster from CSV `code,full_name,gender,birth_date` (as SMAS / VnEdu export
/// it). A student of the school in another class of the year moves here from today.
#[utoipa::path(post, path = "/classes/{id}/students/import", tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    request_body(content = String, content_type = "text/csv",
                 description = "`code,full_name,gender,birth_date`; gender `Nam`/`Nữ`; dates dd/mm/yyyy or YYYY-MM-DD"),
    responses((status = 201, body = ImportResult), (status = 200, body = ImportResult),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import_students(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportResult>)> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r =
        classes::import_students(&state.ctx, &actor, ClassId(id), &body, Some(&caller.ip)).await?;
    Ok((created_or_ok(r.created), Json(r.into())))
}

/// Where a student moves.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct MoveBody {
    /// The new class (same school and year).
    pub class_id: ClassId,
    /// From this day (`YYYY-MM-DD` or dd/mm/yyyy); today when absent.
    #[serde(default)]
    pub from: Option<String>,
}

/// Move a student to another class from a day (extension; the school's admins). The old place
/// ends the day before and stays in the history.
#[utoipa::path(post, path = "/students/{id}/move", tag = "classes", request_body = MoveBody,
    params(("id" = i64, Path, description = "The student's id")),
    responses((status = 204, description = "moved"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation")))]
async fn move_student(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<MoveBody>, ApiError>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let from = day("from", &b.from)?;
    classes::move_student(
        &state.ctx,
        &actor,
        StudentId(id),
        b.class_id,
        from,
        Some(&caller.ip),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A class's timetable in force on a day (today by default), with its versions.
#[utoipa::path(get, path = "/classes/{id}/timetable", tag = "classes",
    params(("id" = i64, Path, description = "The class's id"), OnQuery),
    responses((status = 200, body = Timetable), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn get_timetable(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<Json<Timetable>> {
    let actor = caller.actor()?;
    let on = day("on", &q.on)?;
    Ok(Json(
        timetable::get(&state.ctx, &actor, ClassId(id), on).await?,
    ))
}

/// Set a class's timetable (the school's admins). Without `from` it replaces every version of
/// the school year; with `from` a new version starts that day and earlier days keep theirs.
#[utoipa::path(put, path = "/classes/{id}/timetable", tag = "classes", request_body = TimetableInput,
    params(("id" = i64, Path, description = "The class's id")),
    responses((status = 200, body = Timetable), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: each bad cell (`items[3].teacher_id`)")))]
async fn put_timetable(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<TimetableInput>, ApiError>,
) -> ApiResult<Json<Timetable>> {
    let actor = caller.actor()?;
    let ApiJson(input) = body?;
    Ok(Json(
        timetable::put(&state.ctx, &actor, ClassId(id), &input, Some(&caller.ip)).await?,
    ))
}

/// From when a timetable import applies.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FromQuery {
    /// The first day of the new version (`YYYY-MM-DD` or dd/mm/yyyy); the whole school year
    /// when absent.
    pub from: Option<String>,
}

/// Import a school's timetable from CSV `class,day,period,subject,teacher` (extension; the
/// school's admins): every class in the file gets a new version from `from`, all or nothing.
#[utoipa::path(post, path = "/schools/{id}/timetable/import", tag = "classes",
    params(("id" = i64, Path, description = "The school's id"), FromQuery),
    request_body(content = String, content_type = "text/csv",
                 description = "`class,day,period,subject,teacher` (day: `Thứ 2`…`Chủ nhật`, `T2`…`CN`), UTF-8, `,` or `;`"),
    responses((status = 200, body = ImportResult, description = "`updated`: the classes given a new version"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import_timetable(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<FromQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportResult>> {
    let actor = caller.actor()?;
    let from = day("from", &q.from)?;
    let body = csv_body(&headers, body)?;
    let r = timetable::import_csv(
        &state.ctx,
        &actor,
        SchoolId(id),
        &body,
        from,
        Some(&caller.ip),
    )
    .await?;
    Ok(Json(r.into()))
}
