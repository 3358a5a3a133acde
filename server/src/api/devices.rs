//! `/api/v1/schools/{id}/devices` and `/api/v1/devices/{id}`: a school's inventory (tagged
//! devices and pools), its maintenance history, CSV import and export, and printable QR labels.
//!
//! Who reads and who changes the inventory is decided by [`lophoc::services::devices`]: everyone
//! of the school and the department read, the school's administrators and sysadmins change.

use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt, ImportResult, created_or_ok, csv_body};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lophoc::devices::{
    Device, DeviceFilter, DeviceInput, DeviceKind, DeviceNote, DevicePatch, DeviceStatus,
};
use lophoc::error::{FieldErrors, Msg};
use lophoc::ids::{DeviceId, SchoolId};
use lophoc::services::devices;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(notes))
        .routes(routes!(import))
        .routes(routes!(export))
        .routes(routes!(labels))
}

/// A device (API.md "Devices"): one tagged device (`quantity` 1) or a pool of identical units
/// booked by number (`quantity` > 1, e.g. a cart of 30 tablets).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceDto {
    /// Opaque id.
    pub id: i64,
    /// The school that owns it.
    pub school_id: i64,
    /// Name.
    pub name: String,
    /// `interactive_display | projector | document_camera | tablet_cart | laptop_cart | vr_kit |
    /// stem_kit | tv | other`.
    pub kind: String,
    /// Serial number (unique in the school).
    pub serial: Option<String>,
    /// Where it lives.
    pub room: Option<String>,
    /// Units: 1 for a tagged device, more for a pool.
    pub quantity: i64,
    /// `available | in_repair | retired`; only available devices can be booked.
    pub status: String,
}

impl From<&Device> for DeviceDto {
    fn from(d: &Device) -> Self {
        DeviceDto {
            id: d.id.0,
            school_id: d.school_id.0,
            name: d.name.clone(),
            kind: d.kind.as_str().to_owned(),
            serial: d.serial.clone(),
            room: d.room.clone(),
            quantity: d.quantity,
            status: d.status.as_str().to_owned(),
        }
    }
}

/// `{"device": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceEnvelope {
    /// The device.
    pub device: DeviceDto,
}

/// A school's devices.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceList {
    /// By kind, then name.
    pub items: Vec<DeviceDto>,
    /// How many.
    pub total: i64,
}

/// A new device (API.md `{name, kind, serial?, room?, quantity?}`). Every field may be missing
/// from the JSON so that the answer lists every bad field at once.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewDeviceBody {
    /// Name (2–120 characters).
    pub name: String,
    /// A kind code (see [`DeviceDto::kind`]); its Vietnamese or English name is accepted too.
    pub kind: String,
    /// Serial number: up to 64 characters, no spaces; unique in the school.
    pub serial: Option<String>,
    /// Room.
    pub room: Option<String>,
    /// Units, 1–500 (default 1; more than 1 makes a pool).
    pub quantity: Option<i64>,
}

/// Changes to a device; absent fields stay as they are, an empty `serial` or `room` clears it.
/// A status change (or a `note`) adds an entry to the maintenance history.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DevicePatchBody {
    /// New name.
    pub name: Option<String>,
    /// New kind code.
    pub kind: Option<String>,
    /// New serial (`""` clears).
    pub serial: Option<String>,
    /// New room (`""` clears).
    pub room: Option<String>,
    /// New number of units.
    pub quantity: Option<i64>,
    /// `available | in_repair | retired`.
    pub status: Option<String>,
    /// A maintenance note (at most 1,000 characters).
    pub note: Option<String>,
}

/// An entry of a device's maintenance history.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceNoteDto {
    /// Opaque id.
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who wrote it (full name).
    pub author: String,
    /// The status the device moved to with this entry, if it changed.
    pub status: Option<String>,
    /// The note ("" for a bare status change).
    pub text: String,
}

impl From<&DeviceNote> for DeviceNoteDto {
    fn from(n: &DeviceNote) -> Self {
        DeviceNoteDto {
            id: n.id.0,
            at: n.at.clone(),
            author: n.author.clone(),
            status: n.status.map(|s| s.as_str().to_owned()),
            text: n.text.clone(),
        }
    }
}

/// A device's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceNoteList {
    /// Newest first.
    pub items: Vec<DeviceNoteDto>,
    /// How many.
    pub total: i64,
}

/// Filters of a school's device list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    /// Only this kind (a kind code).
    pub kind: Option<String>,
    /// Only this status (`available | in_repair | retired`).
    pub status: Option<String>,
    /// Words that must all match name, serial or room (case and diacritics ignored).
    pub q: Option<String>,
}

/// A query parameter's value, trimmed; absent or blank is `None`.
pub(crate) fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A kind code as a query names it (API codes only: a query is written by a program).
pub(crate) fn kind_param(
    errs: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
) -> Option<DeviceKind> {
    let v = present(v)?;
    let k = DeviceKind::ALL.into_iter().find(|k| k.as_str() == v);
    if k.is_none() {
        errs.add(field, Msg::new("validation.kind"));
    }
    k
}

/// An id as a query names it; not a number is a 422 naming the parameter.
pub(crate) fn id_param(errs: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<i64> {
    let v = present(v)?;
    match v.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.add(field, Msg::new("api.validation.id"));
            None
        }
    }
}

impl DeviceQuery {
    fn filter(self) -> Result<DeviceFilter, lophoc::Error> {
        let mut errs = FieldErrors::new();
        let kind = kind_param(&mut errs, "kind", &self.kind);
        let status = present(&self.status).and_then(|s| {
            let st = DeviceStatus::parse(s);
            if st.is_none() {
                errs.add("status", Msg::new("validation.device_status"));
            }
            st
        });
        errs.finish()?;
        Ok(DeviceFilter {
            kind,
            status,
            q: self.q,
        })
    }
}

/// The devices of a school, by kind then name.
#[utoipa::path(get, path = "/schools/{id}/devices", tag = "devices",
    params(("id" = i64, Path, description = "The school's id"), DeviceQuery),
    responses((status = 200, body = DeviceList), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found: no such school, or not the caller's"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn list(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    query: Result<ApiQuery<DeviceQuery>, ApiError>,
) -> ApiResult<Json<DeviceList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let items: Vec<DeviceDto> = devices::list(&state.ctx, &actor, SchoolId(id), &q.filter()?)
        .await?
        .iter()
        .map(DeviceDto::from)
        .collect();
    Ok(Json(DeviceList {
        total: items.len() as i64,
        items,
    }))
}

/// Add a device to a school (its school admins, sysadmins).
#[utoipa::path(post, path = "/schools/{id}/devices", tag = "devices", request_body = NewDeviceBody,
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 201, body = DeviceEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "conflict: the serial number exists in the school"),
              (status = 422, description = "validation: every bad field")))]
async fn create(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<NewDeviceBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<DeviceEnvelope>)> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let input = DeviceInput {
        name: b.name,
        kind: b.kind,
        serial: b.serial,
        room: b.room,
        quantity: b.quantity,
    };
    let d = devices::create(&state.ctx, &actor, SchoolId(id), &input, Some(&caller.ip)).await?;
    Ok((
        StatusCode::CREATED,
        Json(DeviceEnvelope {
            device: DeviceDto::from(&d),
        }),
    ))
}

/// One device; a device of a school the caller may not see is not found.
#[utoipa::path(get, path = "/devices/{id}", tag = "devices",
    params(("id" = i64, Path, description = "The device's id")),
    responses((status = 200, body = DeviceEnvelope), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_one(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DeviceEnvelope>> {
    let actor = caller.actor()?;
    let d = devices::get(&state.ctx, &actor, DeviceId(id)).await?;
    Ok(Json(DeviceEnvelope {
        device: DeviceDto::from(&d),
    }))
}

/// Change a device (its school's admins, sysadmins). Sending it to repair or retiring it does
/// not cancel bookings already made; new ones are refused.
#[utoipa::path(patch, path = "/devices/{id}", tag = "devices", request_body = DevicePatchBody,
    params(("id" = i64, Path, description = "The device's id")),
    responses((status = 200, body = DeviceEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 409, description = "conflict: the serial number exists in the school"),
              (status = 422, description = "validation: every bad field, or an unknown field")))]
async fn update(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<DevicePatchBody>, ApiError>,
) -> ApiResult<Json<DeviceEnvelope>> {
    let actor = caller.actor()?;
    let ApiJson(p) = body?;
    let patch = DevicePatch {
        name: p.name,
        kind: p.kind,
        serial: p.serial,
        room: p.room,
        quantity: p.quantity,
        status: p.status,
        note: p.note,
    };
    let d = devices::update(&state.ctx, &actor, DeviceId(id), &patch, Some(&caller.ip)).await?;
    Ok(Json(DeviceEnvelope {
        device: DeviceDto::from(&d),
    }))
}

/// A device's maintenance history (status changes and notes), newest first.
#[utoipa::path(get, path = "/devices/{id}/notes", tag = "devices",
    params(("id" = i64, Path, description = "The device's id")),
    responses((status = 200, body = DeviceNoteList), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn notes(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DeviceNoteList>> {
    let actor = caller.actor()?;
    let items: Vec<DeviceNoteDto> = devices::notes(&state.ctx, &actor, DeviceId(id))
        .await?
        .iter()
        .map(DeviceNoteDto::from)
        .collect();
    Ok(Json(DeviceNoteList {
        total: items.len() as i64,
        items,
    }))
}

/// Import a school's devices from CSV `name,kind,serial,room,quantity` (its school admins,
/// sysadmins): all or nothing, every bad line listed. A line whose serial matches a device of
/// the school updates it; other lines add devices. 201 when a device was added, else 200.
#[utoipa::path(post, path = "/schools/{id}/devices/import", tag = "devices",
    params(("id" = i64, Path, description = "The school's id")),
    request_body(content = String, content_type = "text/csv",
                 description = "`name,kind,serial,room,quantity`, UTF-8, `,` or `;`"),
    responses((status = 201, body = ImportResult, description = "at least one device added"),
              (status = 200, body = ImportResult, description = "only updates, or nothing changed"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type: not text/csv"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportResult>)> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r = devices::import_csv(&state.ctx, &actor, SchoolId(id), &body, Some(&caller.ip)).await?;
    Ok((created_or_ok(r.created), Json(r.into())))
}

/// A file download: the bytes with their type, as an attachment.
pub(crate) fn attachment(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The file name is built by the server from ids and ASCII words only.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A school's inventory as CSV (the import's columns plus `id` and `status`, so an export can be
/// edited and imported back), UTF-8 with a BOM, cells that a spreadsheet would run as formulas
/// neutralised.
#[utoipa::path(get, path = "/schools/{id}/devices/export", tag = "devices",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, content_type = "text/csv", body = String,
               description = "`name,kind,serial,room,quantity,id,status`, as an attachment"),
              (status = 401, description = "unauthenticated"), (status = 404, description = "not_found")))]
async fn export(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let bytes = devices::export_csv(&state.ctx, &actor, SchoolId(id)).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("devices-school-{id}.csv"),
        bytes,
    ))
}

/// Which devices to label.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelsQuery {
    /// Device ids separated by commas (`1,2,5`); every device of the school that is not retired
    /// when absent.
    pub ids: Option<String>,
}

/// Whether a `Host` header value is safe to put into a URL that is printed on paper: a host
/// name or an IPv4/IPv6 address with an optional port, nothing else.
fn safe_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && !host.starts_with(['.', '-', ':'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The base URL the QR codes point to: the request's scheme (HTTPS when the server knows it is
/// served over HTTPS) and `Host`. A missing or odd `Host` gives an empty base, so the codes hold
/// a path (`/devices/7`) rather than anything a client made up.
pub fn label_base_url(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if safe_host(host) {
        let scheme = if secure { "https" } else { "http" };
        format!("{scheme}://{}", host.to_ascii_lowercase())
    } else {
        String::new()
    }
}

/// A printable A4 sheet (SVG) of QR labels for a school's devices (its school admins,
/// sysadmins): each code opens the device's page on this server.
#[utoipa::path(get, path = "/schools/{id}/devices/labels", tag = "devices",
    params(("id" = i64, Path, description = "The school's id"), LabelsQuery),
    responses((status = 200, content_type = "image/svg+xml", body = String,
               description = "3 × 8 labels of 70 × 37 mm per A4 page"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"),
              (status = 422, description = "validation: `ids` is not a list of ids")))]
async fn labels(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    query: Result<ApiQuery<LabelsQuery>, ApiError>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let mut ids = Vec::new();
    for part in q.ids.as_deref().unwrap_or("").split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match part.parse::<i64>() {
            Ok(n) => ids.push(DeviceId(n)),
            Err(_) => {
                return Err(lophoc::Error::field("ids", Msg::new("api.validation.ids")).into());
            }
        }
    }
    let devs = devices::for_labels(&state.ctx, &actor, SchoolId(id), &ids).await?;
    let svg = devices::labels_svg(&devs, &label_base_url(&headers, caller.secure));
    let mut res = svg.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"labels-school-{id}.svg\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).expect("a header"));
        h
    }

    #[test]
    fn base_url_from_host() {
        assert_eq!(
            label_base_url(&headers("truong.example.vn"), true),
            "https://truong.example.vn"
        );
        assert_eq!(
            label_base_url(&headers("127.0.0.1:3000"), false),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            label_base_url(&headers("[::1]:3000"), false),
            "http://[::1]:3000"
        );
        for odd in [
            "evil.com/phish?x=",
            "a b",
            "evil.com\"><script>",
            "user@evil.com",
            "",
            "-x",
        ] {
            let h = HeaderValue::from_str(odd).map(|v| {
                let mut m = HeaderMap::new();
                m.insert(header::HOST, v);
                m
            });
            if let Ok(h) = h {
                assert_eq!(label_base_url(&h, true), "", "{odd}");
            }
        }
        assert_eq!(label_base_url(&HeaderMap::new(), true), "");
    }
}
