//! `/api/v1/materials`, a lesson's materials and a school's storage (API.md "Materials").
//!
//! Uploads are `multipart/form-data` read part by part as they stream
//! ([`lophoc::services::materials::read_multipart`]): the file goes straight to the store with
//! its size cap enforced on the way, never into memory. Downloads stream from the store with
//! `ETag` (the SHA-256), range requests (a phone can jump to minute 12 of a video),
//! `Content-Disposition: attachment` except for PDF, images, audio and video, which are shown
//! inline under a sandboxing Content-Security-Policy. Who sees and changes what is decided by
//! [`lophoc::services::materials`].

use crate::api::devices::present;
use crate::api::error::{ApiError, ApiResult};
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lophoc::error::{Error, ErrorCode, FieldErrors, Msg};
use lophoc::ids::{ClassId, MaterialId, SchoolId};
use lophoc::materials::{
    Attachment, Material, MaterialFilter, MaterialPatch, Preview, Scope, StorageUse,
};
use lophoc::services::materials::{self, FileOpen};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(file, replace_file))
        .routes(routes!(link))
        .routes(routes!(lesson_list, lesson_attach))
        .routes(routes!(lesson_detach))
        .routes(routes!(storage, set_quota))
}

/// A material (API.md `{id, title, subject, grade, scope, kind, url, filename, size, sha256,
/// content_type, owner_id, school_id, created_at}`, and a few fields more).
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialDto {
    /// Opaque id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// A subject code (API.md's list).
    pub subject: String,
    /// Grade 0–12 (0 = preschool).
    pub grade: i64,
    /// `private | school | province`.
    pub scope: String,
    /// `file | link`.
    pub kind: String,
    /// A link's address.
    pub url: Option<String>,
    /// The current file's name.
    pub filename: Option<String>,
    /// Bytes.
    pub size: Option<i64>,
    /// SHA-256 of the content, hex.
    pub sha256: Option<String>,
    /// Content type, from the content.
    pub content_type: Option<String>,
    /// Who uploaded it.
    pub owner_id: i64,
    /// Their school (null for department staff).
    pub school_id: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// Topic (chủ đề).
    pub topic: String,
    /// Description.
    pub description: String,
    /// The file's version (1, then up with each replacement).
    pub version: i64,
    /// The owner's name.
    pub owner_name: String,
    /// How often it was opened.
    pub opens: i64,
    /// RFC 3339.
    pub updated_at: String,
}

impl From<&Material> for MaterialDto {
    fn from(m: &Material) -> Self {
        MaterialDto {
            id: m.id.0,
            title: m.title.clone(),
            subject: m.subject.clone(),
            grade: m.grade,
            scope: m.scope.as_str().to_owned(),
            kind: m.kind.as_str().to_owned(),
            url: m.url.clone(),
            filename: m.filename.clone(),
            size: m.size,
            sha256: m.sha256.clone(),
            content_type: m.content_type.clone(),
            owner_id: m.owner_id.0,
            school_id: m.school_id.map(|s| s.0),
            created_at: m.created_at.clone(),
            topic: m.topic.clone(),
            description: m.description.clone(),
            version: m.version,
            owner_name: m.owner_name.clone(),
            opens: m.opens,
            updated_at: m.updated_at.clone(),
        }
    }
}

/// `{"material": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialEnvelope {
    /// The material.
    pub material: MaterialDto,
}

fn envelope(m: &Material) -> Json<MaterialEnvelope> {
    Json(MaterialEnvelope {
        material: MaterialDto::from(m),
    })
}

/// Materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialList {
    /// This page, newest change first.
    pub items: Vec<MaterialDto>,
    /// How many match in all.
    pub total: i64,
}

/// The library's filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialQuery {
    /// Words that must all occur in the title, topic, description or file name (case and
    /// diacritics ignored: `toan` finds `Toán`, `dong` finds `Đồng`).
    pub q: Option<String>,
    /// A subject code.
    pub subject: Option<String>,
    /// A grade 0–12.
    pub grade: Option<String>,
    /// `private | school | province`.
    pub scope: Option<String>,
    /// `true`: only the caller's own.
    pub mine: Option<String>,
    /// Page size (default 20, at most 200).
    pub limit: Option<String>,
    /// Skip this many.
    pub offset: Option<String>,
}

impl MaterialQuery {
    fn filter(&self) -> Result<MaterialFilter, Error> {
        let mut errs = FieldErrors::new();
        let subject = present(&self.subject).and_then(|s| {
            let code = lophoc::subjects::SUBJECTS.iter().find(|c| **c == s);
            if code.is_none() {
                errs.add("subject", Msg::new("validation.subject"));
            }
            code.map(|c| (*c).to_owned())
        });
        let int = |errs: &mut FieldErrors, field: &str, v: &Option<String>, lo: i64, hi: i64| {
            present(v).and_then(|s| match s.parse::<i64>() {
                Ok(n) if (lo..=hi).contains(&n) => Some(n),
                _ => {
                    errs.add(field, Msg::new("validation.number"));
                    None
                }
            })
        };
        let grade = int(&mut errs, "grade", &self.grade, 0, 12);
        let limit = int(
            &mut errs,
            "limit",
            &self.limit,
            1,
            lophoc::materials::MAX_PAGE,
        );
        let offset = int(&mut errs, "offset", &self.offset, 0, i64::MAX / 2).unwrap_or(0);
        let scope = present(&self.scope).and_then(|s| {
            let sc = Scope::parse(s);
            if sc.is_none() {
                errs.add("scope", Msg::new("materials.bad_scope"));
            }
            sc
        });
        let mine = matches!(present(&self.mine), Some("true" | "1"));
        errs.finish()?;
        Ok(MaterialFilter {
            q: self.q.clone(),
            subject,
            grade,
            scope,
            mine,
            offset,
            limit,
        })
    }
}

/// The library: the materials the caller may see that match, newest change first.
#[utoipa::path(get, path = "/materials", tag = "materials", params(MaterialQuery),
    responses((status = 200, body = MaterialList), (status = 401, description = "unauthenticated"),
              (status = 422, description = "validation: `details` names each bad parameter")))]
async fn list(
    State(state): State<AppState>,
    caller: CallerExt,
    query: Result<ApiQuery<MaterialQuery>, ApiError>,
) -> ApiResult<Json<MaterialList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let page = materials::list(&state.ctx, &actor, &q.filter()?).await?;
    Ok(Json(MaterialList {
        items: page.items.iter().map(MaterialDto::from).collect(),
        total: page.total,
    }))
}

/// A multipart body as the store reads it: the request's stream and boundary. A body that is
/// not `multipart/form-data` with a boundary is 415.
fn multipart_of(req: Request) -> Result<multer::Multipart<'static>, ApiError> {
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok())
        .ok_or(ErrorCode::UnsupportedMediaType)?;
    Ok(multer::Multipart::new(
        req.into_body().into_data_stream(),
        boundary,
    ))
}

/// The form of a new material, for the OpenAPI document (the body is read as it streams).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct NewMaterialForm {
    /// Title (2–200 characters).
    pub title: String,
    /// A subject code, or its Vietnamese or English name.
    pub subject: String,
    /// Grade 0–12.
    pub grade: i64,
    /// `private | school | province`.
    pub scope: String,
    /// Topic (optional).
    pub topic: Option<String>,
    /// Description (optional).
    pub description: Option<String>,
    /// The file (PDF, Word, PowerPoint, Excel, image, audio, video; checked by content).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    pub file: Option<String>,
    /// Or a link's address (`http://` or `https://`).
    pub url: Option<String>,
}

/// Upload a file or save a link (any signed-in user). Exactly one of `file` and `url`.
#[utoipa::path(post, path = "/materials", tag = "materials",
    request_body(content = NewMaterialForm, content_type = "multipart/form-data"),
    responses((status = 201, body = MaterialEnvelope), (status = 401, description = "unauthenticated"),
              (status = 413, description = "payload_too_large: over the upload size or the school's quota"),
              (status = 415, description = "unsupported_media_type: not a type the library takes (by content)"),
              (status = 422, description = "validation: every bad field; an empty file; a name with a path")))]
async fn create(
    State(state): State<AppState>,
    caller: CallerExt,
    req: Request,
) -> ApiResult<(StatusCode, Json<MaterialEnvelope>)> {
    // Refused before a byte of the body is read or stored.
    let actor = caller.actor()?;
    let parts = materials::read_multipart(&state.ctx, multipart_of(req)?).await?;
    let form = parts.form();
    let m = materials::create(&state.ctx, &actor, &form, parts.upload).await?;
    Ok((StatusCode::CREATED, envelope(&m)))
}

/// One material; one the caller may not see is not found.
#[utoipa::path(get, path = "/materials/{id}", tag = "materials",
    params(("id" = i64, Path, description = "The material's id")),
    responses((status = 200, body = MaterialEnvelope), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found")))]
async fn get_one(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MaterialEnvelope>> {
    let actor = caller.actor()?;
    Ok(envelope(
        &materials::get(&state.ctx, &actor, MaterialId(id)).await?,
    ))
}

/// Changes to a material's fields; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MaterialPatchBody {
    /// Title.
    pub title: Option<String>,
    /// Subject code or name.
    pub subject: Option<String>,
    /// Grade 0–12.
    pub grade: Option<i64>,
    /// Topic.
    pub topic: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `private | school | province`.
    pub scope: Option<String>,
    /// A link's new address.
    pub url: Option<String>,
}

/// Change a material's fields (its owner, its school's administrators, sysadmins).
#[utoipa::path(patch, path = "/materials/{id}", tag = "materials", request_body = MaterialPatchBody,
    params(("id" = i64, Path, description = "The material's id")),
    responses((status = 200, body = MaterialEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: every bad field, or an unknown field")))]
async fn update(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<MaterialPatchBody>, ApiError>,
) -> ApiResult<Json<MaterialEnvelope>> {
    let actor = caller.actor()?;
    let ApiJson(p) = body?;
    let patch = MaterialPatch {
        title: p.title,
        subject: p.subject,
        grade: p.grade,
        topic: p.topic,
        description: p.description,
        scope: p.scope,
        url: p.url,
    };
    Ok(envelope(
        &materials::patch(&state.ctx, &actor, MaterialId(id), &patch).await?,
    ))
}

/// Delete a material, its versions and its lesson attachments (bytes other materials use stay).
#[utoipa::path(delete, path = "/materials/{id}", tag = "materials",
    params(("id" = i64, Path, description = "The material's id")),
    responses((status = 204, description = "deleted"), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn delete(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let actor = caller.actor()?;
    materials::delete(&state.ctx, &actor, MaterialId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which version of a file to send.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// An earlier version's number (default: the current one).
    pub version: Option<String>,
}

/// A `Range` header that no part of the file satisfies (416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// A byte range of a file of `len` bytes, as a `Range` header asks: `Ok(None)` for the whole
/// file (no header, or one this server does not honour, such as several ranges), `Err` when it
/// cannot be satisfied (416). Ends are inclusive.
pub fn byte_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, Unsatisfiable> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(Unsatisfiable)?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| Unsatisfiable)?;
        if n == 0 {
            return Err(Unsatisfiable);
        }
        (
            len.saturating_sub(n),
            len.checked_sub(1).ok_or(Unsatisfiable)?,
        )
    } else {
        let start: u64 = a.parse().map_err(|_| Unsatisfiable)?;
        let end = if b.is_empty() {
            len.checked_sub(1).ok_or(Unsatisfiable)?
        } else {
            b.parse::<u64>()
                .map_err(|_| Unsatisfiable)?
                .min(len.saturating_sub(1))
        };
        (start, end)
    };
    if start >= len || start > end {
        return Err(Unsatisfiable);
    }
    Ok(Some((start, end)))
}

/// `Content-Disposition` with the file's name in ASCII and, for Vietnamese names, RFC 5987.
fn disposition(kind: &str, filename: &str) -> HeaderValue {
    let ascii: String = lophoc::text::fold(filename)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // RFC 5987 `filename*`: every byte outside the unreserved ASCII set percent-encoded.
    let utf8 = lophoc::text::percent_encode(filename);
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{utf8}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// The Content-Security-Policy of a file shown inline: nothing runs, nothing loads, it can be
/// framed by our own pages only.
const FILE_CSP: &str = "default-src 'none'; img-src 'self'; media-src 'self'; \
    style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'";

/// Sends a file: the whole of it (200), a range (206), nothing new (304 for a matching
/// `If-None-Match`), or 416.
pub(crate) async fn send_file(headers: &HeaderMap, f: FileOpen) -> Response {
    let etag = format!("\"{}\"", f.sha256);
    let mut res = Response::new(Body::empty());
    let inline = lophoc::materials::preview_of(&f.content_type) != Preview::None;
    {
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Ok(v) = HeaderValue::from_str(&f.content_type) {
            h.insert(header::CONTENT_TYPE, v);
        }
        h.insert(
            header::CONTENT_DISPOSITION,
            disposition(if inline { "inline" } else { "attachment" }, &f.filename),
        );
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FILE_CSP),
        );
        if inline {
            // Our pages frame PDFs; nobody else may (see FILE_CSP's frame-ancestors).
            h.insert(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            );
        }
    }
    let header_str = |n: header::HeaderName| headers.get(n).and_then(|v| v.to_str().ok());
    if header_str(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        return res;
    }
    // A range is honoured only for the version the client has (If-Range), else the whole file.
    let range_header = header_str(header::RANGE)
        .filter(|_| header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag));
    let (start, end) = match byte_range(range_header, f.file.len) {
        Ok(None) => (0, f.file.len.saturating_sub(1)),
        Ok(Some((s, e))) => {
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {s}-{e}/{}", f.file.len)) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            (s, e)
        }
        Err(Unsatisfiable) => {
            *res.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", f.file.len)) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return res;
        }
    };
    let count = if f.file.len == 0 { 0 } else { end - start + 1 };
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    match f.file.range(start, end).await {
        Ok(stream) => *res.body_mut() = Body::from_stream(stream),
        Err(e) => return ApiError(e).into_response(),
    }
    res
}

/// The file's exact bytes: `inline` for PDF, images, audio and video (sandboxed), else
/// `attachment`; `nosniff`; `ETag`; ranges (`Range: bytes=a-b`, one range) answered 206.
/// Opening it counts (a range that does not start at 0 — a player seeking — does not).
#[utoipa::path(get, path = "/materials/{id}/file", tag = "materials",
    params(("id" = i64, Path, description = "The material's id"), FileQuery),
    responses((status = 200, description = "the bytes", content_type = "application/octet-stream"),
              (status = 206, description = "the range asked for"),
              (status = 304, description = "not modified (If-None-Match)"),
              (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found: no such material or version, a link, or not visible"),
              (status = 416, description = "the range cannot be satisfied")))]
async fn file(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    query: Result<ApiQuery<FileQuery>, ApiError>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let version = match present(&q.version) {
        None => None,
        Some(v) => Some(v.parse::<i64>().map_err(|_| Error::not_found())?),
    };
    let range_start = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.trim().strip_prefix("bytes="))
        .map(|r| r.trim_start().starts_with('0') || r.trim_start().starts_with('-'));
    let count = range_start.unwrap_or(true) && !headers.contains_key(header::IF_NONE_MATCH);
    let f = materials::open_file(&state.ctx, &actor, MaterialId(id), version, count).await?;
    Ok(send_file(&headers, f).await)
}

/// The new file, for the OpenAPI document.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ReplaceFileForm {
    /// The new file.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    pub file: String,
}

/// Replace a file material's file: a new version; earlier ones stay (`?version=`).
#[utoipa::path(post, path = "/materials/{id}/file", tag = "materials",
    request_body(content = ReplaceFileForm, content_type = "multipart/form-data"),
    params(("id" = i64, Path, description = "The material's id")),
    responses((status = 200, body = MaterialEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 413, description = "payload_too_large"), (status = 415, description = "unsupported_media_type"),
              (status = 422, description = "validation: no file, an empty one, a link")))]
async fn replace_file(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> ApiResult<Json<MaterialEnvelope>> {
    let actor = caller.actor()?;
    // Not even visible: refused before the body is read.
    materials::get(&state.ctx, &actor, MaterialId(id)).await?;
    let parts = materials::read_multipart(&state.ctx, multipart_of(req)?).await?;
    let upload = parts
        .upload
        .ok_or_else(|| Error::field("file", Msg::new("validation.required")))?;
    Ok(envelope(
        &materials::replace_file(&state.ctx, &actor, MaterialId(id), upload).await?,
    ))
}

/// Follow a link material: counted as an opening, then 303 to its address.
#[utoipa::path(get, path = "/materials/{id}/link", tag = "materials",
    params(("id" = i64, Path, description = "The material's id")),
    responses((status = 303, description = "to the link's address"),
              (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found: no such material, a file, or not visible")))]
async fn link(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let actor = caller.actor()?;
    let url = materials::follow_link(&state.ctx, &actor, MaterialId(id)).await?;
    let mut res = StatusCode::SEE_OTHER.into_response();
    let v = HeaderValue::from_str(&url).map_err(|_| Error::not_found())?;
    res.headers_mut().insert(header::LOCATION, v);
    Ok(res)
}

/// A material attached to a lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    /// The material.
    pub material: MaterialDto,
    /// Who attached it.
    pub attached_by: i64,
    /// When (RFC 3339).
    pub attached_at: String,
}

/// A lesson's materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    /// In the order they were attached.
    pub items: Vec<AttachmentDto>,
    /// How many.
    pub total: i64,
}

fn attachment_list(v: &[Attachment]) -> Json<AttachmentList> {
    Json(AttachmentList {
        items: v
            .iter()
            .map(|a| AttachmentDto {
                material: MaterialDto::from(&a.material),
                attached_by: a.attached_by.0,
                attached_at: a.attached_at.clone(),
            })
            .collect(),
        total: v.len() as i64,
    })
}

/// What to attach.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AttachBody {
    /// A material the caller may see.
    pub material_id: i64,
}

fn lesson_date(s: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::not_found())
}

/// The materials attached to a lesson (the school's staff).
#[utoipa::path(get, path = "/classes/{id}/lessons/{date}/{period}/materials", tag = "materials",
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "YYYY-MM-DD"), ("period" = i64, Path, description = "The period")),
    responses((status = 200, body = AttachmentList), (status = 401, description = "unauthenticated"),
              (status = 404, description = "not_found"), (status = 422, description = "validation: no such lesson")))]
async fn lesson_list(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
) -> ApiResult<Json<AttachmentList>> {
    let actor = caller.actor()?;
    let v =
        materials::lesson_materials(&state.ctx, &actor, ClassId(id), lesson_date(&date)?, period)
            .await?;
    Ok(attachment_list(&v))
}

/// Attach a material to a lesson (its teacher, the homeroom teacher, the school's admins). The
/// same one again changes nothing (200).
#[utoipa::path(post, path = "/classes/{id}/lessons/{date}/{period}/materials", tag = "materials",
    request_body = AttachBody,
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "YYYY-MM-DD"), ("period" = i64, Path, description = "The period")),
    responses((status = 201, body = AttachmentList, description = "attached"),
              (status = 200, body = AttachmentList, description = "already attached"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"),
              (status = 422, description = "validation: no such lesson, or a material the caller may not see")))]
async fn lesson_attach(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period)): ApiPath<(i64, String, i64)>,
    body: Result<ApiJson<AttachBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<AttachmentList>)> {
    let actor = caller.actor()?;
    let date = lesson_date(&date)?;
    let ApiJson(b) = body?;
    let (v, new) = materials::attach(
        &state.ctx,
        &actor,
        ClassId(id),
        date,
        period,
        MaterialId(b.material_id),
    )
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, attachment_list(&v)))
}

/// Take a material off a lesson.
#[utoipa::path(delete, path = "/classes/{id}/lessons/{date}/{period}/materials/{material_id}", tag = "materials",
    params(("id" = i64, Path, description = "The class's id"),
           ("date" = String, Path, description = "YYYY-MM-DD"), ("period" = i64, Path, description = "The period"),
           ("material_id" = i64, Path, description = "The material's id")),
    responses((status = 200, body = AttachmentList, description = "the lesson's materials left"),
              (status = 401, description = "unauthenticated"), (status = 403, description = "forbidden"),
              (status = 404, description = "not_found"), (status = 422, description = "validation: no such lesson")))]
async fn lesson_detach(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath((id, date, period, material)): ApiPath<(i64, String, i64, i64)>,
) -> ApiResult<Json<AttachmentList>> {
    let actor = caller.actor()?;
    let v = materials::detach(
        &state.ctx,
        &actor,
        ClassId(id),
        lesson_date(&date)?,
        period,
        MaterialId(material),
    )
    .await?;
    Ok(attachment_list(&v))
}

/// One teacher's share of a school's storage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageLineDto {
    /// The teacher.
    pub user_id: i64,
    /// Their name.
    pub full_name: String,
    /// Materials.
    pub materials: i64,
    /// Bytes, every version counted.
    pub bytes: i64,
}

/// A school's storage use.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorageDto {
    /// The school.
    pub school_id: i64,
    /// Bytes in all.
    pub total_bytes: i64,
    /// The quota in bytes (null: none).
    pub quota_bytes: Option<i64>,
    /// By teacher, most first.
    pub by_teacher: Vec<StorageLineDto>,
}

fn storage_dto(s: &StorageUse) -> Json<StorageDto> {
    Json(StorageDto {
        school_id: s.school_id.0,
        total_bytes: s.total_bytes,
        quota_bytes: s.quota_bytes,
        by_teacher: s
            .by_teacher
            .iter()
            .map(|l| StorageLineDto {
                user_id: l.user_id.0,
                full_name: l.full_name.clone(),
                materials: l.materials,
                bytes: l.bytes,
            })
            .collect(),
    })
}

/// A school's storage use by teacher, against its quota (its admins, the department, sysadmins).
#[utoipa::path(get, path = "/schools/{id}/storage", tag = "materials",
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = StorageDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn storage(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<StorageDto>> {
    let actor = caller.actor()?;
    Ok(storage_dto(
        &materials::storage(&state.ctx, &actor, SchoolId(id)).await?,
    ))
}

/// A school's storage quota.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaBody {
    /// The quota in bytes; null removes it.
    pub quota_bytes: Option<i64>,
}

/// Set or remove a school's storage quota (its admins, sysadmins).
#[utoipa::path(put, path = "/schools/{id}/storage", tag = "materials", request_body = QuotaBody,
    params(("id" = i64, Path, description = "The school's id")),
    responses((status = 200, body = StorageDto), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation")))]
async fn set_quota(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<QuotaBody>, ApiError>,
) -> ApiResult<Json<StorageDto>> {
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    Ok(storage_dto(
        &materials::set_quota(&state.ctx, &actor, SchoolId(id), b.quota_bytes).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(byte_range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=50-500"), 100), Ok(Some((50, 99))));
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=9-3"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=x-3"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=-0"), 100), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=0-"), 0), Err(Unsatisfiable));
    }

    #[test]
    fn names_survive_in_both_forms() {
        let v = disposition("attachment", "Giáo án Toán 6.pdf");
        let s = v.to_str().unwrap();
        assert!(
            s.starts_with("attachment; filename=\"giao an toan 6.pdf\""),
            "{s}"
        );
        assert!(
            s.contains("filename*=UTF-8''Gi%C3%A1o%20%C3%A1n%20To%C3%A1n%206.pdf"),
            "{s}"
        );
        let v = disposition("inline", "a\"b;.pdf");
        assert!(v.to_str().unwrap().contains("filename=\"a_b_.pdf\""));
    }
}
