//! `/api/v1/schools/{id}/periods` and `/api/v1/schools/{id}/holidays`: a school's period grid
//! (bell schedule) with its booking rule, and its holidays.
//!
//! Who reads and who changes them is decided by [`lophoc::services::periods`]: everyone of the
//! school and the department read, the school's administrators and sysadmins change.

use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lophoc::dates::parse_date;
use lophoc::error::{FieldErrors, Msg};
use lophoc::ids::SchoolId;
use lophoc::periods::{GridDraft, Holiday, HolidayInput, Period, PeriodDraft, PeriodGrid};
use lophoc::services::periods;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_grid, put_grid))
        .routes(routes!(list_holidays, add_holiday))
        .routes(routes!(remove_holiday))
}

/// A period (tiết) of the school day.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodDto {
    /// Its number in the day, from 1.
    pub number: i64,
    /// `morning | afternoon`.
    pub session: String,
    /// Start, `HH:MM` school time.
    pub starts: String,
    /// End, `HH:MM` school time.
    pub ends: String,
}

impl From<&Period> for PeriodDto {
    fn from(p: &Period) -> Self {
        PeriodDto {
            number: p.number,
            session: p.session.as_str().to_owned(),
            starts: p.starts.to_string(),
            ends: p.ends.to_string(),
        }
    }
}

/// A school's period grid (API.md `{"items": [...]}`) and its booking rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodGridDto {
    /// The periods, by number. A school that never set its own has the default of its level.
    pub items: Vec<PeriodDto>,
    /// A booking not checked in this many minutes after its first period starts is released.
    pub release_after_minutes: i64,
}

impl From<&PeriodGrid> for PeriodGridDto {
    fn from(g: &PeriodGrid) -> Self {
        PeriodGridDto {
            items: g.items.iter().map(PeriodDto::from).collect(),
            release_after_minutes: g.release_after_minutes,
        }
    }
}

/// A period as sent. (`Serialize` only so the schema can show the defaults.)
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PeriodBody {
    /// Its number (1, 2, 3 … in order); its position in `items` when absent.
    pub number: Option<i64>,
    /// `morning | afternoon`; morning periods come first.
    pub session: String,
    /// Start, `HH:MM`.
    pub starts: String,
    /// End, `HH:MM`, after the start and no later than the next period's start.
    pub ends: String,
}

/// A new grid: 1–10 periods, and optionally the release rule (the current value is kept when
/// absent).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PeriodGridBody {
    /// The periods, in order.
    pub items: Vec<PeriodBody>,
    /// 5–240 minutes.
    pub release_after_minutes: Option<i64>,
}

/// A school's period grid and booking rule.
#[utoipa::path(get, path = "/schools/{id}/periods", tag = "periods",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = PeriodGridDto), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_grid(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PeriodGridDto>> {
    let actor = caller.actor()?;
    let g = periods::grid(&state.ctx, &actor, SchoolId(id)).await?;
    Ok(Json(PeriodGridDto::from(&g)))
}

/// Replace a school's grid (its school admins, sysadmins). Removing a period that still has
/// bookings from today on is refused (409, `details.periods`).
#[utoipa::path(put, path = "/schools/{id}/periods", tag = "periods", request_body = PeriodGridBody,
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = PeriodGridDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "conflict: `details: {periods: [n…]}` still have bookings"),
              (status = 422, description = "validation: every bad field (`items.0`, `items.1`, …)")))]
async fn put_grid(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<PeriodGridBody>, ApiError>,
) -> ApiResult<Json<PeriodGridDto>> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let school = SchoolId(id);
    // Read through the permission check first: also the current rule, kept when not sent.
    let current = periods::grid(&state.ctx, &actor, school).await?;
    // The session, like the times, is checked by the service (`items.{i}` on a bad one).
    let items: Vec<PeriodDraft> = b
        .items
        .iter()
        .enumerate()
        .map(|(i, p)| PeriodDraft {
            number: p.number.unwrap_or(i as i64 + 1),
            session: p.session.clone(),
            starts: p.starts.clone(),
            ends: p.ends.clone(),
        })
        .collect();
    let grid = GridDraft {
        items,
        release_after_minutes: b
            .release_after_minutes
            .unwrap_or(current.release_after_minutes),
    };
    let g = periods::set_grid(&state.ctx, &actor, school, &grid, Some(&caller.ip)).await?;
    Ok(Json(PeriodGridDto::from(&g)))
}

/// A holiday: a day or a range of days on which nothing can be booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayDto {
    /// Opaque id.
    pub id: i64,
    /// First day, `YYYY-MM-DD`.
    pub starts: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub ends: String,
    /// Name.
    pub name: String,
}

impl From<&Holiday> for HolidayDto {
    fn from(h: &Holiday) -> Self {
        HolidayDto {
            id: h.id.0,
            starts: h.starts.to_string(),
            ends: h.ends.to_string(),
            name: h.name.clone(),
        }
    }
}

/// `{"holiday": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayEnvelope {
    /// The holiday.
    pub holiday: HolidayDto,
}

/// A school's holidays.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayList {
    /// By first day.
    pub items: Vec<HolidayDto>,
    /// How many.
    pub total: i64,
}

/// A new holiday.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HolidayBody {
    /// First day, `YYYY-MM-DD` or `dd/mm/yyyy`.
    pub starts: String,
    /// Last day (inclusive, at most a year after the first); the first day when absent.
    pub ends: Option<String>,
    /// Name ("Tết Nguyên đán").
    pub name: String,
}

/// Which holidays.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayQuery {
    /// Only holidays ending on or after this day.
    pub from: Option<String>,
    /// Only holidays starting on or before this day.
    pub to: Option<String>,
}

/// A school's holidays overlapping `[from, to]` (all when absent), by first day.
#[utoipa::path(get, path = "/schools/{id}/holidays", tag = "periods",
    params(("id" = i64, Path, description = "The school's id"), HolidayQuery),
    responses((status = 200, body = HolidayList), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"),
              (status = 422, description = "validation: a bad date")))]
async fn list_holidays(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    query: Result<ApiQuery<HolidayQuery>, ApiError>,
) -> ApiResult<Json<HolidayList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let mut errs = FieldErrors::new();
    let mut date = |field: &str, v: &Option<String>| match v
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(v) => errs.check(
            field,
            parse_date(v).ok_or_else(|| Msg::new("validation.date")),
        ),
    };
    let from = date("from", &q.from);
    let to = date("to", &q.to);
    errs.finish()?;
    let items: Vec<HolidayDto> = periods::holidays(&state.ctx, &actor, SchoolId(id), from, to)
        .await?
        .iter()
        .map(HolidayDto::from)
        .collect();
    Ok(Json(HolidayList {
        total: items.len() as i64,
        items,
    }))
}

/// Add a holiday (its school admins, sysadmins). Refused (409, `details.bookings`) while live
/// bookings fall on it, so nobody loses a booking silently.
#[utoipa::path(post, path = "/schools/{id}/holidays", tag = "periods", request_body = HolidayBody,
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 201, body = HolidayEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "conflict: `details: {bookings: n}` fall on these days"),
              (status = 422, description = "validation: every bad field")))]
async fn add_holiday(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<HolidayBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<HolidayEnvelope>)> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let input = HolidayInput {
        starts: b.starts,
        ends: b.ends,
        name: b.name,
    };
    let h =
        periods::add_holiday(&state.ctx, &actor, SchoolId(id), &input, Some(&caller.ip)).await?;
    Ok((
        StatusCode::CREATED,
        Json(HolidayEnvelope {
            holiday: HolidayDto::from(&h),
        }),
    ))
}

/// Remove a holiday (its school admins, sysadmins).
#[utoipa::path(delete, path = "/schools/{id}/holidays/{holiday_id}", tag = "periods",
    params(("id" = i64, Path, description = "The school's id"),
           ("holiday_id" = i64, Path, description = "The holiday's id")),
    responses((status = 204, description = "removed"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn remove_holiday(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, holiday_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    periods::remove_holiday(
        &state.ctx,
        &actor,
        SchoolId(id),
        lophoc::ids::HolidayId(holiday_id),
        Some(&caller.ip),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
