//! Substitutes (dạy thay), an extension of API.md "Lessons and roll calls": a school's
//! administrator assigns another teacher of the school to a class's lessons of an absent
//! teacher; while it holds, the substitute takes those roll calls.
//!
//! Who may do what is decided by [`lophoc::services::substitutes`]; these handlers translate
//! HTTP and nothing else.

use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, CallerExt};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lophoc::ids::{ClassId, SubstituteId};
use lophoc::services::substitutes;
use lophoc::substitutes::{SubstituteInput, Substitution};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_substitutes, assign_substitute))
        .routes(routes!(remove_substitute))
}

/// A class's substitutions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstitutesDto {
    /// The substitutions ending today or later, by first day.
    pub items: Vec<Substitution>,
    /// How many.
    pub total: i64,
}

/// One substitution.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstituteDto {
    /// The substitution.
    pub substitute: Substitution,
}

/// A class's substitutions ending today or later (the school's staff).
#[utoipa::path(get, path = "/classes/{id}/substitutes", tag = "roll calls",
    params(("id" = i64, Path, description = "The class's id")),
    responses((status = 200, body = SubstitutesDto), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn list_substitutes(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SubstitutesDto>> {
    let actor = caller.actor()?;
    let items = substitutes::list(&state.ctx, &actor, ClassId(id)).await?;
    Ok(Json(SubstitutesDto {
        total: items.len() as i64,
        items,
    }))
}

/// Assign a substitute to a class's lessons of an absent teacher: one period (`period`) or
/// every period of theirs, from `from` to `to` (the school's admins). The absent teacher is
/// found from the timetable when the class has one teacher those days. 422 names each bad
/// field: days outside the school year or `to` before `from`, no such lesson, a substitute who
/// is not an active teacher of the school, lessons another substitution already covers.
#[utoipa::path(post, path = "/classes/{id}/substitutes", tag = "roll calls",
    request_body = SubstituteInput,
    params(("id" = i64, Path, description = "The class's id")),
    responses((status = 201, body = SubstituteDto, description = "assigned"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 422, description = "validation")))]
async fn assign_substitute(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<SubstituteInput>, ApiError>,
) -> ApiResult<(StatusCode, Json<SubstituteDto>)> {
    let actor = caller.actor()?;
    let ApiJson(input) = body?;
    let substitute =
        substitutes::assign(&state.ctx, &actor, ClassId(id), &input, Some(&caller.ip)).await?;
    Ok((StatusCode::CREATED, Json(SubstituteDto { substitute })))
}

/// Remove a substitution (the school's admins); the roll calls the substitute took stay theirs.
#[utoipa::path(delete, path = "/classes/{id}/substitutes/{sid}", tag = "roll calls",
    params(("id" = i64, Path, description = "The class's id"),
           ("sid" = i64, Path, description = "The substitution's id")),
    responses((status = 204, description = "removed"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn remove_substitute(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, sid)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    substitutes::remove(
        &state.ctx,
        &actor,
        ClassId(id),
        SubstituteId(sid),
        Some(&caller.ip),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
