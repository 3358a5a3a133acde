//! The public JSON API v1 (API.md). Each resource module exposes its routes; the OpenAPI
//! document is generated from the handlers' annotations, so it cannot drift from the code.

pub mod bookings;
pub mod class_log;
pub mod classes;
pub mod devices;
pub mod error;
pub mod materials;
pub mod periods;
pub mod pilot;
pub mod roll_calls;
pub mod schools;
pub mod session;
pub mod substitutes;
pub mod users;

pub(crate) use devices::attachment;

use crate::state::AppState;

/// The content type of an Excel workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A report's `format` parameter: `json` (also when absent), `csv` or `xlsx`; `None` for
/// anything else.
pub(crate) fn report_format(v: Option<&str>) -> Option<&'static str> {
    match v.map(str::trim).unwrap_or("") {
        "" | "json" => Some("json"),
        "csv" => Some("csv"),
        "xlsx" => Some("xlsx"),
        _ => None,
    }
}
use axum::Json;
use axum::extract::Extension;
use lophoc::services::Caller;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The document's header; paths are added by the routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Lớp Học API", version = "1", description = "The public JSON API v1 of Lớp Học. Errors: `{\"error\": {\"code\", \"message\", \"details\"}}`, message in the `Accept-Language` language."),
    // The paths below are relative to the base path (API.md "Conventions").
    servers((url = "/api/v1", description = "This server")),
    tags(
        (name = "session", description = "Log in and out"),
        (name = "users", description = "Accounts"),
        (name = "schools", description = "The school registry"),
        (name = "devices", description = "A school's devices: inventory, history, CSV, QR labels"),
        (name = "periods", description = "A school's period grid, booking rule and holidays"),
        (name = "bookings", description = "Device bookings, the week view, utilisation"),
        (name = "materials", description = "Lesson materials: upload, search, download with ranges, versions, lessons, storage"),
        (name = "roll calls", description = "Lessons, roll calls, substitutes, attendance reports"),
        (name = "class log", description = "The digital class log (sổ đầu bài): entries, signatures, weekly closing, corrections, hash-chain verification"),
        (name = "pilot", description = "Pilot adoption: which schools count toward the target, their evidence, criteria, targets, enrolments"),
    )
)]
struct ApiDoc;

/// The API routes under `/api/v1`, and the OpenAPI document describing them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(session::routes())
        .merge(users::routes())
        .merge(schools::routes())
        .merge(devices::routes())
        .merge(periods::routes())
        .merge(bookings::routes())
        .merge(classes::routes())
        .merge(roll_calls::routes())
        .merge(substitutes::routes())
        .merge(class_log::routes())
        .merge(materials::routes())
        .merge(pilot::routes())
        .split_for_parts();
    let router = router.fallback(|| async { error::ApiError(lophoc::Error::not_found()) });
    (router, doc)
}

/// A JSON body whose rejection (bad JSON, wrong content type) is an API error in the caller's
/// language rather than axum's plain-text answer.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(error::ApiError))]
pub struct ApiJson<T>(pub T);

impl From<axum::extract::rejection::JsonRejection> for error::ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection as R;
        let code = match r {
            R::MissingJsonContentType(_) => lophoc::ErrorCode::UnsupportedMediaType,
            R::BytesRejection(_) => lophoc::ErrorCode::PayloadTooLarge,
            _ => lophoc::ErrorCode::Validation,
        };
        let msg = if code == lophoc::ErrorCode::Validation {
            lophoc::Msg::new("error.bad_json")
        } else {
            lophoc::Msg::new(code.message_key())
        };
        error::ApiError(lophoc::Error::with_msg(code, msg))
    }
}

/// Query parameters whose rejection is a 422 `validation` in the caller's language rather than
/// axum's plain-text 400.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(error::ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<axum::extract::rejection::QueryRejection> for error::ApiError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        error::ApiError(lophoc::Error::new(lophoc::ErrorCode::Validation))
    }
}

/// A path parameter (an id). Ids are opaque: one that does not even parse names nothing, so
/// the answer is the same 404 as for an id that does not exist.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(error::ApiError))]
pub struct ApiPath<T>(pub T);

impl From<axum::extract::rejection::PathRejection> for error::ApiError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        error::ApiError(lophoc::Error::not_found())
    }
}

/// What a CSV import did (API.md: `{"created": n, "updated": n}`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// Lines that created a record.
    pub created: u64,
    /// Lines that changed an existing record (identical lines count in neither).
    pub updated: u64,
}

impl From<lophoc::model::ImportOutcome> for ImportResult {
    fn from(o: lophoc::model::ImportOutcome) -> Self {
        ImportResult {
            created: o.created,
            updated: o.updated,
        }
    }
}

/// An import's status: 201 when it created something, else 200.
pub fn created_or_ok(created: u64) -> axum::http::StatusCode {
    if created > 0 {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    }
}

/// The body of a CSV import: `Content-Type: text/csv` (any parameters, e.g. `charset=utf-8`),
/// else 415; a body over the router's limit is 413.
pub fn csv_body(
    headers: &axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<axum::body::Bytes, error::ApiError> {
    let is_csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(lophoc::ErrorCode::UnsupportedMediaType.into());
    }
    body.map_err(|r| {
        let code = if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            lophoc::ErrorCode::PayloadTooLarge
        } else if format!("{r} {r:?}").contains(lophoc::error::BODY_IDLE) {
            lophoc::ErrorCode::RequestTimeout
        } else {
            tracing::warn!(error = %r, "reading an import body failed");
            lophoc::ErrorCode::Validation
        };
        error::ApiError(lophoc::Error::new(code))
    })
}

/// The caller, as [`resolve_caller`](crate::middleware::resolve_caller) found it.
pub type CallerExt = Extension<Caller>;

/// Serves the OpenAPI document.
pub async fn openapi_json(
    Extension(doc): Extension<std::sync::Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}
