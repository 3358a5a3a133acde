//! `/api/v1/bookings`, `/api/v1/schools/{id}/week` and `/api/v1/utilisation`: booking devices
//! (one day all or nothing, or every week), cancelling, checking in and out, the week view of a
//! school's devices, and the utilisation report.
//!
//! The rules — who may book what, the capacity check in one transaction, the release of
//! no-shows — are in [`lophoc::services::bookings`]; these handlers decode, call and map.

use crate::api::devices::{DeviceDto, attachment, id_param, kind_param};
use crate::api::error::{ApiError, ApiResult};
use crate::api::periods::PeriodDto;
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt, XLSX, report_format};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lophoc::bookings::{
    Booking, BookingFilter, BookingRequest, BookingStatus, RecurringOutcome, RecurringRequest,
    SkippedDay,
};
use lophoc::dates::{parse_date, today_at};
use lophoc::error::{FieldErrors, Msg};
use lophoc::ids::{BookingId, DeviceId, SchoolId};
use lophoc::services::bookings;
use lophoc::utilisation::{KindTotal, SchoolTotal, Utilisation, UtilisationFilter, UtilisationRow};
use lophoc::week::{BookingBrief, WeekCell, WeekDay, WeekView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(create_recurring))
        .routes(routes!(get_one, cancel))
        .routes(routes!(check_in))
        .routes(routes!(check_out))
        .routes(routes!(week))
        .routes(routes!(utilisation))
}

/// A booking (API.md "Bookings", plus names for display, the school and the series of a
/// recurring booking).
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingDto {
    /// Opaque id.
    pub id: i64,
    /// The device.
    pub device_id: i64,
    /// The teacher who booked.
    pub teacher_id: i64,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The periods, ascending.
    pub periods: Vec<i64>,
    /// Units of a pool (1 for a tagged device).
    pub quantity: i64,
    /// The class it is for (always null until classes exist).
    pub class_id: Option<i64>,
    /// The teacher's note.
    pub note: Option<String>,
    /// `booked | in_use | returned | cancelled | released`.
    pub status: String,
    /// When it was checked in (RFC 3339).
    pub checked_in_at: Option<String>,
    /// When it was checked out (RFC 3339).
    pub checked_out_at: Option<String>,
    /// The device's name.
    pub device_name: String,
    /// The device's kind.
    pub device_kind: String,
    /// The teacher's full name.
    pub teacher_name: String,
    /// The school.
    pub school_id: i64,
    /// The recurring booking it belongs to (the id of the series' first booking), if any.
    pub series_id: Option<i64>,
}

impl From<&Booking> for BookingDto {
    fn from(b: &Booking) -> Self {
        BookingDto {
            id: b.id.0,
            device_id: b.device_id.0,
            teacher_id: b.teacher_id.0,
            date: b.date.to_string(),
            periods: b.periods.clone(),
            quantity: b.quantity,
            class_id: b.class_id.map(|c| c.0),
            note: b.note.clone(),
            status: b.status.as_str().to_owned(),
            checked_in_at: b.checked_in_at.clone(),
            checked_out_at: b.checked_out_at.clone(),
            device_name: b.device_name.clone(),
            device_kind: b.device_kind.as_str().to_owned(),
            teacher_name: b.teacher_name.clone(),
            school_id: b.school_id.0,
            series_id: b.series_id.map(|s| s.0),
        }
    }
}

/// `{"booking": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingEnvelope {
    /// The booking.
    pub booking: BookingDto,
}

/// Bookings.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingList {
    /// By date, then first period (at most 5,000).
    pub items: Vec<BookingDto>,
    /// How many.
    pub total: i64,
}

/// A booking request (API.md `{device_id, date, periods: [n…], quantity?, class_id?, note?}`).
/// Every field may be missing from the JSON so that the answer lists every bad field at once.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BookingBody {
    /// The device (a device of the caller's school).
    pub device_id: Option<i64>,
    /// The day, `YYYY-MM-DD` or `dd/mm/yyyy`: today or later, not a Sunday nor a holiday.
    pub date: String,
    /// The periods wanted: all of them or none.
    pub periods: Vec<i64>,
    /// Units of a pool (default 1).
    pub quantity: Option<i64>,
    /// The class (must be null until classes exist).
    pub class_id: Option<i64>,
    /// A note (at most 500 characters).
    pub note: Option<String>,
}

/// A recurring booking: the same periods every week on `from`'s weekday, until `until`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RecurringBody {
    /// The device.
    pub device_id: Option<i64>,
    /// The first day; its weekday is the weekday of every booking.
    pub from: String,
    /// The last day (inclusive, at most 53 weeks after `from`).
    pub until: String,
    /// The periods of each day.
    pub periods: Vec<i64>,
    /// Units of a pool (default 1).
    pub quantity: Option<i64>,
    /// The class (must be null until classes exist).
    pub class_id: Option<i64>,
    /// A note.
    pub note: Option<String>,
}

/// A day of a recurring booking that was not booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedDayDto {
    /// The day.
    pub date: String,
    /// `taken | holiday | past | sunday`.
    pub reason: String,
    /// For `taken`: the periods that were not free.
    pub periods: Vec<i64>,
}

impl From<&SkippedDay> for SkippedDayDto {
    fn from(s: &SkippedDay) -> Self {
        SkippedDayDto {
            date: s.date.to_string(),
            reason: s.reason.clone(),
            periods: s.periods.clone(),
        }
    }
}

/// What a recurring booking did: the days it booked and the days it could not.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecurringOutcomeDto {
    /// The series id shared by its bookings (null when nothing was booked).
    pub series_id: Option<i64>,
    /// The bookings made.
    pub booked: Vec<BookingDto>,
    /// The days not booked, and why.
    pub skipped: Vec<SkippedDayDto>,
}

impl From<&RecurringOutcome> for RecurringOutcomeDto {
    fn from(o: &RecurringOutcome) -> Self {
        RecurringOutcomeDto {
            series_id: o.series_id.map(|s| s.0),
            booked: o.booked.iter().map(BookingDto::from).collect(),
            skipped: o.skipped.iter().map(SkippedDayDto::from).collect(),
        }
    }
}

/// One taken period of a refused booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct TakenSlotDto {
    /// The day.
    pub date: String,
    /// The period.
    pub period: i64,
    /// Units already booked there.
    pub booked: i64,
    /// Units still free (0 for a tagged device).
    pub available: i64,
}

/// `details` of a refused booking: every period that is taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingConflictDetails {
    /// The taken periods.
    pub taken: Vec<TakenSlotDto>,
}

/// The error of a refused booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingConflictError {
    /// `conflict`.
    pub code: String,
    /// What is taken, in the caller's language.
    pub message: String,
    /// The taken periods.
    pub details: BookingConflictDetails,
}

/// The 409 body of `POST /bookings`: `{"error": {"code": "conflict", "message", "details":
/// {"taken": [...]}}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingConflictBody {
    /// The error.
    pub error: BookingConflictError,
}

fn device_required() -> lophoc::Error {
    lophoc::Error::field("device_id", Msg::new("validation.required"))
}

/// Book a device for periods of a day, all or nothing (a teacher or school admin of the
/// device's school). A tagged device holds one booking per period; a pool never has more units
/// booked in a period than it owns.
#[utoipa::path(post, path = "/bookings", tag = "bookings", request_body = BookingBody,
    responses((status = 201, body = BookingEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: not a teacher or school admin of the device's school"),
              (status = 404, description = "not_found: no such device, or not the caller's school"),
              (status = 409, body = BookingConflictBody,
               description = "conflict: nothing booked; `details.taken` lists every taken period"),
              (status = 422, description = "validation: a past day or period, a Sunday, a holiday, an unknown period, a quantity above the pool, a device not available")))]
async fn create(
    State(state): State<AppState>,
    caller: CallerExt,
    body: Result<ApiJson<BookingBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<BookingEnvelope>)> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let req = BookingRequest {
        device_id: DeviceId(b.device_id.ok_or_else(device_required)?),
        date: b.date,
        periods: b.periods,
        quantity: b.quantity,
        class_id: b.class_id.map(lophoc::ids::ClassId),
        note: b.note,
    };
    let booking = bookings::create(&state.ctx, &actor, &req, Some(&caller.ip)).await?;
    Ok((
        StatusCode::CREATED,
        Json(BookingEnvelope {
            booking: BookingDto::from(&booking),
        }),
    ))
}

/// Book the same periods every week on `from`'s weekday until `until`. Each day is booked all
/// or nothing; days that are taken, holidays or past are listed in `skipped`, not fatal.
#[utoipa::path(post, path = "/bookings/recurring", tag = "bookings", request_body = RecurringBody,
    responses((status = 201, body = RecurringOutcomeDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: every bad field")))]
async fn create_recurring(
    State(state): State<AppState>,
    caller: CallerExt,
    body: Result<ApiJson<RecurringBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<RecurringOutcomeDto>)> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let req = RecurringRequest {
        device_id: DeviceId(b.device_id.ok_or_else(device_required)?),
        from: b.from,
        until: b.until,
        periods: b.periods,
        quantity: b.quantity,
        class_id: b.class_id.map(lophoc::ids::ClassId),
        note: b.note,
    };
    let out = bookings::create_recurring(&state.ctx, &actor, &req, Some(&caller.ip)).await?;
    Ok((StatusCode::CREATED, Json(RecurringOutcomeDto::from(&out))))
}

/// Filters of the booking list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingQuery {
    /// Only this school (the caller's own school when absent, every school for the department
    /// and sysadmins).
    pub school_id: Option<String>,
    /// Only this device.
    pub device_id: Option<String>,
    /// From this day (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// To this day (inclusive).
    pub to: Option<String>,
    /// `true`: only the caller's own bookings.
    pub mine: Option<String>,
    /// Only these statuses, separated by commas (`booked,in_use`).
    pub status: Option<String>,
}

impl BookingQuery {
    fn filter(self) -> Result<BookingFilter, lophoc::Error> {
        let mut errs = FieldErrors::new();
        let school_id = id_param(&mut errs, "school_id", &self.school_id).map(SchoolId);
        let device_id = id_param(&mut errs, "device_id", &self.device_id).map(DeviceId);
        let mine = match self.mine.as_deref().map(str::trim).unwrap_or("") {
            "" | "false" | "0" => false,
            "true" | "1" => true,
            _ => {
                errs.add("mine", Msg::new("api.validation.bool"));
                false
            }
        };
        let mut status = Vec::new();
        for s in self.status.as_deref().unwrap_or("").split(',') {
            let s = s.trim();
            if s.is_empty() {
                continue;
            }
            match BookingStatus::parse(s) {
                Some(st) => status.push(st),
                None => {
                    errs.add("status", Msg::new("api.validation.booking_status"));
                    break;
                }
            }
        }
        errs.finish()?;
        // Dates are checked by the service, with the other rules.
        Ok(BookingFilter {
            school_id,
            device_id,
            from: self.from,
            to: self.to,
            mine,
            status,
        })
    }
}

/// The bookings the caller may see that match the filters: a school's staff see their school's,
/// the department and sysadmins every school's.
#[utoipa::path(get, path = "/bookings", tag = "bookings", params(BookingQuery),
    responses((status = 200, body = BookingList), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found: a school or device the caller may not see"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn list(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<BookingQuery>, ApiError>,
) -> ApiResult<Json<BookingList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let items: Vec<BookingDto> = bookings::list(&state.ctx, &actor, &q.filter()?)
        .await?
        .iter()
        .map(BookingDto::from)
        .collect();
    Ok(Json(BookingList {
        total: items.len() as i64,
        items,
    }))
}

/// One booking; a booking of a school the caller may not see is not found.
#[utoipa::path(get, path = "/bookings/{id}", tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_one(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BookingEnvelope>> {
    let actor = caller.actor()?;
    let b = bookings::get(&state.ctx, &actor, BookingId(id)).await?;
    Ok(Json(BookingEnvelope {
        booking: BookingDto::from(&b),
    }))
}

/// Cancel a booking not yet picked up (its teacher, the school's admins, sysadmins); its periods
/// are free at once.
#[utoipa::path(delete, path = "/bookings/{id}", tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    responses((status = 204, description = "cancelled"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: another teacher's booking"),
              (status = 404, description = "not_found"),
              (status = 409, description = "conflict: already in use, returned, cancelled or released")))]
async fn cancel(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    bookings::cancel(&state.ctx, &actor, BookingId(id), Some(&caller.ip)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check a booking in (the device is picked up): on its day, from 15 minutes before its first
/// period until its last period ends.
#[utoipa::path(post, path = "/bookings/{id}/check-in", tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: another teacher's booking"),
              (status = 404, description = "not_found"),
              (status = 409, description = "conflict: outside the pick-up window, or not booked any more")))]
async fn check_in(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BookingEnvelope>> {
    let actor = caller.actor()?;
    let b = bookings::check_in(&state.ctx, &actor, BookingId(id), Some(&caller.ip)).await?;
    Ok(Json(BookingEnvelope {
        booking: BookingDto::from(&b),
    }))
}

/// Check a booking out (the device is given back).
#[utoipa::path(post, path = "/bookings/{id}/check-out", tag = "bookings",
    params(("id" = i64, Path, description = "The booking's id")),
    responses((status = 200, body = BookingEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: another teacher's booking"),
              (status = 404, description = "not_found"),
              (status = 409, description = "conflict: not checked in")))]
async fn check_out(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BookingEnvelope>> {
    let actor = caller.actor()?;
    let b = bookings::check_out(&state.ctx, &actor, BookingId(id), Some(&caller.ip)).await?;
    Ok(Json(BookingEnvelope {
        booking: BookingDto::from(&b),
    }))
}

/// What a week view shows of a booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingBriefDto {
    /// The booking.
    pub id: i64,
    /// Who booked.
    pub teacher_id: i64,
    /// Their name.
    pub teacher_name: String,
    /// Units.
    pub quantity: i64,
    /// `booked | in_use | returned`.
    pub status: String,
    /// The note.
    pub note: Option<String>,
}

impl From<&BookingBrief> for BookingBriefDto {
    fn from(b: &BookingBrief) -> Self {
        BookingBriefDto {
            id: b.id.0,
            teacher_id: b.teacher_id.0,
            teacher_name: b.teacher_name.clone(),
            quantity: b.quantity,
            status: b.status.as_str().to_owned(),
            note: b.note.clone(),
        }
    }
}

/// A device in a period of a day that has bookings.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekCellDto {
    /// The period.
    pub period: i64,
    /// Units booked by live bookings.
    pub booked: i64,
    /// The live bookings.
    pub bookings: Vec<BookingBriefDto>,
}

impl From<&WeekCell> for WeekCellDto {
    fn from(c: &WeekCell) -> Self {
        WeekCellDto {
            period: c.period,
            booked: c.booked,
            bookings: c.bookings.iter().map(BookingBriefDto::from).collect(),
        }
    }
}

/// A day of a week view.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekDayDto {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The holiday's name, when it is one.
    pub holiday: Option<String>,
    /// Before today (nothing can be booked).
    pub past: bool,
    /// Per device (in `devices` order), the cells of the periods that have bookings.
    pub cells: Vec<Vec<WeekCellDto>>,
}

impl From<&WeekDay> for WeekDayDto {
    fn from(d: &WeekDay) -> Self {
        WeekDayDto {
            date: d.date.to_string(),
            holiday: d.holiday.clone(),
            past: d.past,
            cells: d
                .cells
                .iter()
                .map(|cs| cs.iter().map(WeekCellDto::from).collect())
                .collect(),
        }
    }
}

/// A week (Monday to Saturday) of one device, or of every device (of a kind) of a school that
/// is not retired.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekViewDto {
    /// The school.
    pub school_id: i64,
    /// The Monday, `YYYY-MM-DD`.
    pub monday: String,
    /// Today in school time.
    pub today: String,
    /// The school's periods.
    pub periods: Vec<PeriodDto>,
    /// The devices shown.
    pub devices: Vec<DeviceDto>,
    /// Monday … Saturday.
    pub days: Vec<WeekDayDto>,
}

impl From<&WeekView> for WeekViewDto {
    fn from(w: &WeekView) -> Self {
        WeekViewDto {
            school_id: w.school_id.0,
            monday: w.monday.to_string(),
            today: w.today.to_string(),
            periods: w.periods.iter().map(PeriodDto::from).collect(),
            devices: w.devices.iter().map(DeviceDto::from).collect(),
            days: w.days.iter().map(WeekDayDto::from).collect(),
        }
    }
}

/// Which week.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// Any day of the week (`YYYY-MM-DD`); today when absent.
    pub date: Option<String>,
    /// Only this device.
    pub device_id: Option<String>,
    /// Only devices of this kind.
    pub kind: Option<String>,
}

/// The week view of a school's devices.
#[utoipa::path(get, path = "/schools/{id}/week", tag = "bookings",
    params(("id" = i64, Path, description = "The school's id"), WeekQuery),
    responses((status = 200, body = WeekViewDto), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found: no such school or device, or not the caller's"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn week(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    query: Result<ApiQuery<WeekQuery>, ApiError>,
) -> ApiResult<Json<WeekViewDto>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let mut errs = FieldErrors::new();
    let day = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(today_at(state.ctx.now())),
        Some(d) => errs.check(
            "date",
            parse_date(d).ok_or_else(|| Msg::new("validation.date")),
        ),
    };
    let device = id_param(&mut errs, "device_id", &q.device_id).map(DeviceId);
    let kind = kind_param(&mut errs, "kind", &q.kind);
    errs.finish()?;
    let day = day.unwrap_or_default();
    let w =
        lophoc::services::week::week(&state.ctx, &actor, SchoolId(id), device, kind, day).await?;
    Ok(Json(WeekViewDto::from(&w)))
}

/// Utilisation of one device over the range.
#[derive(Debug, Serialize, ToSchema)]
pub struct UtilisationRowDto {
    /// The device.
    pub device_id: i64,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Its units.
    pub quantity: i64,
    /// Its status now.
    pub status: String,
    /// Its school.
    pub school_id: i64,
    /// The school's code.
    pub school_code: String,
    /// The school's name.
    pub school_name: String,
    /// Periods booked (not cancelled).
    pub booked: i64,
    /// Periods checked in.
    pub used: i64,
    /// Periods released because nobody checked in.
    pub no_show: i64,
    /// Periods booked and still to come.
    pub pending: i64,
}

impl From<&UtilisationRow> for UtilisationRowDto {
    fn from(r: &UtilisationRow) -> Self {
        UtilisationRowDto {
            device_id: r.device_id.0,
            name: r.name.clone(),
            kind: r.kind.as_str().to_owned(),
            quantity: r.quantity,
            status: r.status.as_str().to_owned(),
            school_id: r.school_id.0,
            school_code: r.school_code.clone(),
            school_name: r.school_name.clone(),
            booked: r.booked,
            used: r.used,
            no_show: r.no_show,
            pending: r.pending,
        }
    }
}

/// Totals of one kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindTotalDto {
    /// The kind.
    pub kind: String,
    /// Devices of it.
    pub devices: i64,
    /// Periods booked.
    pub booked: i64,
    /// Periods used.
    pub used: i64,
    /// No-show periods.
    pub no_show: i64,
}

impl From<&KindTotal> for KindTotalDto {
    fn from(k: &KindTotal) -> Self {
        KindTotalDto {
            kind: k.kind.as_str().to_owned(),
            devices: k.devices,
            booked: k.booked,
            used: k.used,
            no_show: k.no_show,
        }
    }
}

/// Totals of one school.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolTotalDto {
    /// The school.
    pub school_id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Devices (not retired).
    pub devices: i64,
    /// Periods booked.
    pub booked: i64,
    /// Periods used.
    pub used: i64,
    /// No-show periods.
    pub no_show: i64,
}

impl From<&SchoolTotal> for SchoolTotalDto {
    fn from(s: &SchoolTotal) -> Self {
        SchoolTotalDto {
            school_id: s.school_id.0,
            code: s.code.clone(),
            name: s.name.clone(),
            devices: s.devices,
            booked: s.booked,
            used: s.used,
            no_show: s.no_show,
        }
    }
}

/// Utilisation over a range: per device, per kind, per school.
#[derive(Debug, Serialize, ToSchema)]
pub struct UtilisationDto {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Per device, by school then kind and name.
    pub devices: Vec<UtilisationRowDto>,
    /// Per kind.
    pub kinds: Vec<KindTotalDto>,
    /// Per school, by code.
    pub schools: Vec<SchoolTotalDto>,
}

impl From<&Utilisation> for UtilisationDto {
    fn from(u: &Utilisation) -> Self {
        UtilisationDto {
            from: u.from.to_string(),
            to: u.to.to_string(),
            devices: u.devices.iter().map(UtilisationRowDto::from).collect(),
            kinds: u.kinds.iter().map(KindTotalDto::from).collect(),
            schools: u.schools.iter().map(SchoolTotalDto::from).collect(),
        }
    }
}

/// Filters and format of the utilisation report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UtilisationQuery {
    /// One school (school staff: their own, the default; the department and sysadmins: every
    /// school when absent).
    pub school_id: Option<String>,
    /// First day (default 30 days ago).
    pub from: Option<String>,
    /// Last day (default today; at most 400 days after `from`).
    pub to: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// `json` (default), `csv` or `xlsx`; the files' column names are in the caller's language.
    pub format: Option<String>,
}

/// Periods booked, used (checked in) and not picked up, per device, kind and school (school
/// admins for their school; the department and sysadmins for any school or all of them).
#[utoipa::path(get, path = "/utilisation", tag = "bookings", params(UtilisationQuery),
    responses((status = 200, description = "the report; CSV and XLSX as attachments",
               content((UtilisationDto = "application/json"), (String = "text/csv"),
                       (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: teachers have their own bookings instead"),
              (status = 404, description = "not_found: a school the caller may not see"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn utilisation(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<UtilisationQuery>, ApiError>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let mut errs = FieldErrors::new();
    let school_id = id_param(&mut errs, "school_id", &q.school_id).map(SchoolId);
    let kind = kind_param(&mut errs, "kind", &q.kind);
    let format = report_format(q.format.as_deref()).unwrap_or_else(|| {
        errs.add("format", Msg::new("api.validation.report_format"));
        "json"
    });
    errs.finish()?;
    let f = UtilisationFilter {
        school_id,
        from: q.from,
        to: q.to,
        kind,
        ..Default::default()
    };
    let u = lophoc::services::utilisation::utilisation(&state.ctx, &actor, &f).await?;
    let name = format!("utilisation-{}-{}", u.from, u.to);
    Ok(match format {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            lophoc::services::utilisation::utilisation_csv(&u, caller.lang),
        ),
        "xlsx" => attachment(
            XLSX,
            &format!("{name}.xlsx"),
            lophoc::services::utilisation::utilisation_xlsx(&u, caller.lang)?,
        ),
        _ => Json(UtilisationDto::from(&u)).into_response(),
    })
}
