//! Roll calls and attendance reports (API.md "Lessons and roll calls"), plus the extensions
//! this server adds: the teacher's day, a class's week and the on-time share.
//!
//! Who may do what is decided by [`lophoc::services::roll_calls`]; these handlers translate
//! HTTP and nothing else.

use crate::api::classes::{day, path_day};
use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt, XLSX, attachment, report_format};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lophoc::attendance::{AttendanceSummary, MissingRollCall, SchoolOnTime};
use lophoc::error::{Error, Msg};
use lophoc::ids::{ClassId, SchoolId};
use lophoc::lessons::Lesson;
use lophoc::roll_calls::{RollCall, RollCallInput};
use lophoc::services::roll_calls;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_roll_call, put_roll_call))
        .routes(routes!(missing))
        .routes(routes!(summary))
        .routes(routes!(on_time))
        .routes(routes!(on_time_by_school))
        .routes(routes!(class_week))
        .routes(routes!(my_lessons))
}

/// A lesson's roll call (the school's staff); 404 until taken.
#[utoipa::path(get, path = "/classes/{id}/lessons/{date}/{period}/roll-call", tag = "roll calls",
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "`YYYY-MM-DD`"),
           ("period" = i64, Path, description = "The period number")),
    responses((status = 200, body = RollCall), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_roll_call(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
) -> ApiResult<Json<RollCall>> {
    let actor = caller.actor()?;
    let date = path_day(&date)?;
    Ok(Json(
        roll_calls::get(&state.ctx, &actor, ClassId(id), date, period).await?,
    ))
}

/// Take or change a lesson's roll call (the lesson's teacher, the homeroom teacher, the
/// school's admins). Students left out are present. Idempotent: the same PUT again (or many at
/// once) leaves one roll call and changes nothing (200); the first is 201; a different one
/// updates it (200) and is audited.
#[utoipa::path(put, path = "/classes/{id}/lessons/{date}/{period}/roll-call", tag = "roll calls",
    request_body = RollCallInput,
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "`YYYY-MM-DD`"),
           ("period" = i64, Path, description = "The period number")),
    responses((status = 201, body = RollCall, description = "taken"),
              (status = 200, body = RollCall, description = "unchanged or updated"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"),
              (status = 422, description = "validation: a future day, no such lesson, a student not in the class")))]
async fn put_roll_call(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
    body: Result<ApiJson<RollCallInput>, ApiError>,
) -> ApiResult<(StatusCode, Json<RollCall>)> {
    let actor = caller.actor()?;
    let date = path_day(&date)?;
    let ApiJson(input) = body?;
    let (rc, created) = roll_calls::put(
        &state.ctx,
        &actor,
        ClassId(id),
        date,
        period,
        &input,
        Some(&caller.ip),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(rc)))
}

/// Which days a report covers.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MissingQuery {
    /// The day (today when absent).
    pub date: Option<String>,
    /// With `date`, the last day of a range (extension; at most 400 days).
    pub to: Option<String>,
}

/// The missing report's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingDto {
    /// Timetabled lessons with no roll call, by day, period and class.
    pub items: Vec<MissingRollCall>,
}

/// Timetabled lessons with no roll call on a day (or a range) — the school's admins. A lesson
/// of today counts once its period has ended.
#[utoipa::path(get, path = "/schools/{id}/attendance/missing", tag = "roll calls",
    params(("id" = i64, Path, description = "The school's id"), MissingQuery),
    responses((status = 200, body = MissingDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation")))]
async fn missing(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<MissingQuery>,
) -> ApiResult<Json<MissingDto>> {
    let actor = caller.actor()?;
    let from = day("date", &q.date)?.unwrap_or_else(|| lophoc::dates::today_at(state.ctx.now()));
    let to = day("to", &q.to)?.unwrap_or(from);
    let items = roll_calls::missing(&state.ctx, &actor, SchoolId(id), from, to).await?;
    Ok(Json(MissingDto { items }))
}

/// A range of days.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day (`YYYY-MM-DD` or dd/mm/yyyy).
    pub from: Option<String>,
    /// Last day, at most 400 days after `from`.
    pub to: Option<String>,
}

fn range(state: &AppState, q: &RangeQuery) -> Result<(NaiveDate, NaiveDate), Error> {
    lophoc::dates::report_range(state.ctx.now(), q.from.as_deref(), q.to.as_deref())
}

/// Per-student attendance of a class over a range (the school's staff; 30 days to today by
/// default): lessons, counts by status, absence rate.
#[utoipa::path(get, path = "/classes/{id}/attendance/summary", tag = "roll calls",
    params(("id" = i64, Path, description = "The class's id"), RangeQuery, FormatQuery),
    responses((status = 200, description = "the summary; CSV and XLSX as attachments",
               content((AttendanceSummary = "application/json"), (String = "text/csv"),
                       (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn summary(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RangeQuery>,
    ApiQuery(f): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let (from, to) = range(&state, &q)?;
    let format = report_format(f.format.as_deref())
        .ok_or_else(|| Error::field("format", Msg::new("api.validation.report_format")))?;
    let s = roll_calls::summary(&state.ctx, &actor, ClassId(id), from, to).await?;
    let name = format!("attendance-{id}-{from}-{to}");
    Ok(match format {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            roll_calls::summary_csv(&s, caller.lang),
        ),
        "xlsx" => attachment(
            XLSX,
            &format!("{name}.xlsx"),
            roll_calls::summary_xlsx(&s, caller.lang)?,
        ),
        _ => Json(s).into_response(),
    })
}

/// A report's format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`; the files' column names are in the caller's language.
    pub format: Option<String>,
}

/// The on-time share of every school with classes in the range, lowest first (extension: the
/// department and sysadmins).
#[utoipa::path(get, path = "/attendance/on-time", tag = "roll calls", params(RangeQuery),
    responses((status = 200, body = Vec<SchoolOnTime>), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: the department's view"),
              (status = 422, description = "validation")))]
async fn on_time_by_school(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<Vec<SchoolOnTime>>> {
    let actor = caller.actor()?;
    let (from, to) = range(&state, &q)?;
    Ok(Json(
        roll_calls::on_time_by_school(&state.ctx, &actor, from, to).await?,
    ))
}

/// A class's lessons of a week (extension: the homeroom teacher's week), with their roll-call
/// state and booked devices; the week of `date` (today by default), Monday to Sunday.
#[utoipa::path(get, path = "/classes/{id}/week", tag = "roll calls",
    params(("id" = i64, Path, description = "The class's id"), DateQuery),
    responses((status = 200, body = Vec<Lesson>), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn class_week(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> ApiResult<Json<Vec<Lesson>>> {
    let actor = caller.actor()?;
    let on = day("date", &q.date)?.unwrap_or_else(|| lophoc::dates::today_at(state.ctx.now()));
    Ok(Json(
        roll_calls::class_week(
            &state.ctx,
            &actor,
            ClassId(id),
            lophoc::dates::monday_of(on),
        )
        .await?,
    ))
}

/// The on-time share of a school.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnTimeDto {
    /// First day.
    pub from: NaiveDate,
    /// Last day (at most today).
    pub to: NaiveDate,
    /// Timetabled lessons in the range.
    pub lessons: i64,
    /// Of which the roll was taken on time.
    pub on_time: i64,
    /// `on_time / lessons` in percent, one decimal.
    pub percent: f64,
}

/// The share of a school's timetabled lessons whose roll was taken on time (extension: the
/// school and the department; the pilot criteria use it).
#[utoipa::path(get, path = "/schools/{id}/attendance/on-time", tag = "roll calls",
    params(("id" = i64, Path, description = "The school's id"), RangeQuery),
    responses((status = 200, body = OnTimeDto), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn on_time(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<OnTimeDto>> {
    let actor = caller.actor()?;
    let (from, to) = range(&state, &q)?;
    let (lessons, on_time) =
        roll_calls::on_time(&state.ctx, &actor, SchoolId(id), from, to).await?;
    Ok(Json(OnTimeDto {
        from,
        to: to.min(lophoc::dates::today_at(state.ctx.now())),
        lessons,
        on_time,
        percent: lophoc::model::percent(on_time, lessons),
    }))
}

/// Which day.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// The day (today when absent).
    pub date: Option<String>,
}

/// The caller's lessons on a day with their roll-call state and booked devices (extension:
/// the teacher's day).
#[utoipa::path(get, path = "/me/lessons", tag = "roll calls", params(DateQuery),
    responses((status = 200, body = Vec<Lesson>), (status = 401, description = "unauthenticated"),
              (status = 422, description = "validation")))]
async fn my_lessons(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiQuery(q): ApiQuery<DateQuery>,
) -> ApiResult<Json<Vec<Lesson>>> {
    let actor = caller.actor()?;
    let on = day("date", &q.date)?;
    Ok(Json(roll_calls::my_day(&state.ctx, &actor, on).await?))
}
