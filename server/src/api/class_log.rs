//! The digital class log (sổ đầu bài số), an extension of API.md "Lessons and roll calls": each
//! lesson's entry and signature, a class's week with its two closings, corrections approved by
//! the principal, the verification of a school's hash chains, and the department's on-time
//! share per school.
//!
//! Who may do what is decided by [`lophoc::services::class_log`]; these handlers translate HTTP
//! and nothing else.

use crate::api::classes::path_day;
use crate::api::error::{ApiError, ApiResult};
use crate::api::roll_calls::RangeQuery;
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lophoc::class_log::{
    ChainReport, Correction, CorrectionInput, LogEntry, LogInput, LogWeek, SchoolLogOnTime,
    SignInput, WeekClosing,
};
use lophoc::ids::{ClassId, SchoolId};
use lophoc::services::class_log;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_entry, put_entry))
        .routes(routes!(sign_entry))
        .routes(routes!(get_week))
        .routes(routes!(close_week))
        .routes(routes!(file_correction))
        .routes(routes!(approve_correction))
        .routes(routes!(verify_school))
        .routes(routes!(log_on_time))
}

/// A lesson's log entry (the school's staff): an unwritten lesson answers an empty, unsigned
/// entry; `state` is `unsigned`, `signed`, `late` or `closed`.
#[utoipa::path(get, path = "/classes/{id}/lessons/{date}/{period}/log", tag = "class log",
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "The lesson's day, YYYY-MM-DD"),
           ("period" = i64, Path, description = "The period")),
    responses((status = 200, body = LogEntry), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "no such lesson")))]
async fn get_entry(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
) -> ApiResult<Json<LogEntry>> {
    let actor = caller.actor()?;
    let date = path_day(&date)?;
    Ok(Json(
        class_log::get(&state.ctx, &actor, ClassId(id), date, period).await?,
    ))
}

/// Write a lesson's entry before signing it (the teacher who teaches it: the substitute when
/// one stands in). 409 once signed (file a correction) or once its week is closed; 422 names
/// each bad field (`title` 1–200 characters, `ppct` 1–999, `remarks` ≤ 1000, `grade` A–D).
#[utoipa::path(put, path = "/classes/{id}/lessons/{date}/{period}/log", tag = "class log",
    request_body = LogInput,
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "The lesson's day, YYYY-MM-DD"),
           ("period" = i64, Path, description = "The period")),
    responses((status = 200, body = LogEntry), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: not this lesson's teacher"),
              (status = 404, description = "not_found"), (status = 409, description = "signed or closed"),
              (status = 422, description = "validation")))]
async fn put_entry(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
    body: Result<ApiJson<LogInput>, ApiError>,
) -> ApiResult<Json<LogEntry>> {
    let actor = caller.actor()?;
    let date = path_day(&date)?;
    let ApiJson(input) = body?;
    Ok(Json(
        class_log::put(
            &state.ctx,
            &actor,
            ClassId(id),
            date,
            period,
            &input,
            Some(&caller.ip),
        )
        .await?,
    ))
}

/// Sign a lesson's entry (its teacher, as themselves). Idempotent: signing twice changes
/// nothing. `signed_at` (optional, RFC 3339) is the device's time of a signature sent later;
/// on time by the period's end + 5 minutes, else late by whole minutes.
#[utoipa::path(post, path = "/classes/{id}/lessons/{date}/{period}/log/sign", tag = "class log",
    request_body(content = SignInput, description = "optional"),
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "The lesson's day, YYYY-MM-DD"),
           ("period" = i64, Path, description = "The period")),
    responses((status = 200, body = LogEntry), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: not this lesson's teacher"),
              (status = 404, description = "not_found"), (status = 409, description = "week closed"),
              (status = 422, description = "no title yet, not started, implausible signed_at")))]
async fn sign_entry(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<LogEntry>> {
    let actor = caller.actor()?;
    let date = path_day(&date)?;
    // The body is optional: empty means "signed now".
    let when: SignInput = if body.iter().all(u8::is_ascii_whitespace) {
        SignInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| {
            ApiError(lophoc::Error::with_msg(
                lophoc::ErrorCode::Validation,
                lophoc::Msg::new("error.bad_json"),
            ))
        })?
    };
    Ok(Json(
        class_log::sign(
            &state.ctx,
            &actor,
            ClassId(id),
            date,
            period,
            None,
            &when,
            Some(&caller.ip),
        )
        .await?,
    ))
}

/// Which week.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// A day of the week (`YYYY-MM-DD`); this week when absent.
    pub week: Option<String>,
}

/// A class's log week as the paper book shows it: periods × days with each entry's signature
/// state, the closings, the absences per pupil and those over the thresholds (the school's
/// staff).
#[utoipa::path(get, path = "/classes/{id}/log", tag = "class log",
    params(("id" = i64, Path, description = "The class's id"), WeekQuery),
    responses((status = 200, body = LogWeek), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn get_week(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> ApiResult<Json<LogWeek>> {
    let actor = caller.actor()?;
    Ok(Json(
        class_log::week(&state.ctx, &actor, ClassId(id), q.week.as_deref()).await?,
    ))
}

/// Close a class's week: the homeroom teacher first, then the principal (a school admin); 409
/// when the principal comes first; 422 while the week is still being taught. Closing what one
/// has already closed changes nothing.
#[utoipa::path(post, path = "/classes/{id}/log/weeks/{monday}/close", tag = "class log",
    params(("id" = i64, Path, description = "The class's id"),
           ("monday" = String, Path, description = "The week's Monday, YYYY-MM-DD")),
    responses((status = 200, body = WeekClosing), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "homeroom teacher first"),
              (status = 422, description = "not a Monday, outside the year, not over")))]
async fn close_week(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, monday)): ApiPath<(i64, String)>,
) -> ApiResult<Json<WeekClosing>> {
    let actor = caller.actor()?;
    Ok(Json(
        class_log::close_week(&state.ctx, &actor, ClassId(id), &monday, Some(&caller.ip)).await?,
    ))
}

/// File a correction of a signed or closed lesson's entry, with a reason (its teacher, the
/// homeroom teacher, the school's admins); a school admin's is approved at once. The original
/// stays beside it.
#[utoipa::path(post, path = "/classes/{id}/log/corrections", tag = "class log",
    request_body = CorrectionInput,
    params(("id" = i64, Path, description = "The class's id")),
    responses((status = 201, body = Correction, description = "filed"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 409, description = "not signed"),
              (status = 422, description = "validation")))]
async fn file_correction(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<CorrectionInput>, ApiError>,
) -> ApiResult<(StatusCode, Json<Correction>)> {
    let actor = caller.actor()?;
    let ApiJson(input) = body?;
    let c = class_log::correct(&state.ctx, &actor, ClassId(id), &input, Some(&caller.ip)).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Approve a correction (the school's admins: the principal). Approving twice changes nothing.
#[utoipa::path(post, path = "/classes/{id}/log/corrections/{cid}/approve", tag = "class log",
    params(("id" = i64, Path, description = "The class's id"),
           ("cid" = i64, Path, description = "The correction's id")),
    responses((status = 200, body = Correction), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn approve_correction(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, cid)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Correction>> {
    let actor = caller.actor()?;
    Ok(Json(
        class_log::approve(&state.ctx, &actor, ClassId(id), cid, Some(&caller.ip)).await?,
    ))
}

/// Verify a school's class-log chains: whether every chain is intact and, where not, the first
/// record that no longer matches (the school's admins, the department, sysadmins).
#[utoipa::path(get, path = "/schools/{id}/log/verify", tag = "class log",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = ChainReport), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn verify_school(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ChainReport>> {
    let actor = caller.actor()?;
    Ok(Json(
        class_log::verify(&state.ctx, &actor, SchoolId(id)).await?,
    ))
}

/// The share of lessons signed on time per school, lowest first; schools without a timetabled
/// lesson first (the department and sysadmins).
#[utoipa::path(get, path = "/log/on-time", tag = "class log", params(RangeQuery),
    responses((status = 200, body = Vec<SchoolLogOnTime>), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: the department's view"),
              (status = 422, description = "validation")))]
async fn log_on_time(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> ApiResult<Json<Vec<SchoolLogOnTime>>> {
    let actor = caller.actor()?;
    let (from, to) =
        lophoc::dates::report_range(state.ctx.now(), q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        class_log::on_time_by_school(&state.ctx, &actor, from, to).await?,
    ))
}
