//! `/api/v1/users`: create accounts one by one or from a CSV file, list a school's accounts,
//! read one, disable or re-enable it, reset its password.
//!
//! Who may manage whom is decided by [`lophoc::services::users`]; these handlers only decode,
//! call and map.

use crate::api::error::{ApiError, ApiResult};
use crate::api::session::UserDto;
use crate::api::{ApiJson, ApiPath, ApiQuery, CallerExt, ImportResult, csv_body};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use lophoc::error::Msg;
use lophoc::ids::{SchoolId, UserId};
use lophoc::model::{Role, UserAccount};
use lophoc::services::users::{self, NewUser};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(import))
        .routes(routes!(get_one, update))
        .routes(routes!(list_of_school))
}

/// A new account (API.md "Users"). Every field may be missing from the JSON so that the answer
/// lists every bad field at once (422) instead of stopping at the first missing one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewUserBody {
    /// Login name: 3–32 unaccented letters, digits, `.`, `_` or `-` (stored lower case).
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// `teacher | school_admin | department | sysadmin`.
    pub role: String,
    /// The school of a teacher or school admin (a school admin's own school when absent).
    pub school_id: Option<i64>,
    /// Initial password (8–128 characters).
    pub password: String,
}

/// `{"user": …}` of a new account.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The account.
    pub user: UserDto,
}

/// An account as administrators see it: the user and its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    /// Opaque id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// `teacher | school_admin | department | sysadmin`.
    pub role: String,
    /// School of teachers and school admins.
    pub school_id: Option<i64>,
    /// False once disabled (a disabled account cannot log in and has no sessions).
    pub active: bool,
    /// When the account was created (RFC 3339).
    pub created_at: String,
}

impl From<&UserAccount> for AccountDto {
    fn from(a: &UserAccount) -> Self {
        AccountDto {
            id: a.user.id.0,
            username: a.user.username.clone(),
            full_name: a.user.full_name.clone(),
            role: a.user.role.as_str().to_owned(),
            school_id: a.user.school_id.map(|s| s.0),
            active: a.active,
            created_at: a.created_at.clone(),
        }
    }
}

/// `{"user": …}` of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountEnvelope {
    /// The account.
    pub user: AccountDto,
}

/// A page of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    /// The accounts, by full name.
    pub items: Vec<AccountDto>,
    /// How many match.
    pub total: i64,
}

/// Changes to an account; at least one field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UserPatch {
    /// `false` disables the account and ends its sessions at once; `true` enables it again.
    pub active: Option<bool>,
    /// A new password (8–128 characters); the account's sessions end.
    pub password: Option<String>,
}

/// Filters of a school's account list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Only this role (`teacher | school_admin`).
    pub role: Option<String>,
    /// Words that must all match the name or username (case and diacritics ignored).
    pub q: Option<String>,
}

/// Create an account. A school admin creates teachers of their school; the department creates
/// school admins and department users; a sysadmin anyone.
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUserBody,
    responses((status = 201, body = CreatedUser), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden: a role or school the caller may not manage"),
              (status = 409, description = "conflict: the username is taken"),
              (status = 422, description = "validation: every bad field")))]
async fn create(
    State(state): State<AppState>,
    caller: CallerExt,
    body: Result<ApiJson<NewUserBody>, ApiError>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    // Who is asking comes before what they sent: an anonymous caller learns nothing about the
    // body's shape.
    let actor = caller.actor()?;
    let ApiJson(b) = body?;
    let n = NewUser {
        username: b.username,
        full_name: b.full_name,
        role: b.role,
        school_id: b.school_id.map(SchoolId),
        password: b.password,
    };
    let user = users::create(&state.ctx, &actor, &n, Some(&caller.ip)).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: UserDto::from(&user),
        }),
    ))
}

/// Import accounts from CSV `username,full_name,role,school_code,password`: all or nothing,
/// every bad line listed. An existing account is updated (name, role), never its password.
#[utoipa::path(post, path = "/users/import", tag = "users",
    request_body(content = String, content_type = "text/csv",
                 description = "`username,full_name,role,school_code,password`, UTF-8, `,` or `;`"),
    responses((status = 200, body = ImportResult), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 413, description = "payload_too_large"),
              (status = 415, description = "unsupported_media_type: not text/csv"),
              (status = 422, description = "validation: `details: [{line, message}]`, nothing written")))]
async fn import(
    State(state): State<AppState>,
    caller: CallerExt,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ImportResult>> {
    let actor = caller.actor()?;
    let body = csv_body(&headers, body)?;
    let r = users::import_csv(&state.ctx, &actor, &body, Some(&caller.ip)).await?;
    Ok(Json(r.into()))
}

/// The accounts of a school (its school admin, the department, sysadmins).
#[utoipa::path(get, path = "/schools/{id}/users", tag = "users",
    params(("id" = i64, Path, description = "The school's id"), AccountQuery),
    responses((status = 200, body = AccountList), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: unknown role")))]
async fn list_of_school(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    query: Result<ApiQuery<AccountQuery>, ApiError>,
) -> ApiResult<Json<AccountList>> {
    let actor = caller.actor()?;
    let ApiQuery(q) = query?;
    let role = match q.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(
            Role::parse(r)
                .ok_or_else(|| lophoc::Error::field("role", Msg::new("validation.role")))?,
        ),
    };
    let page = users::list(&state.ctx, &actor, SchoolId(id), role, q.q.as_deref()).await?;
    Ok(Json(AccountList {
        items: page.items.iter().map(AccountDto::from).collect(),
        total: page.total,
    }))
}

/// One account the caller may manage.
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 200, body = AccountEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found")))]
async fn get_one(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountEnvelope>> {
    let actor = caller.actor()?;
    let acc = users::get(&state.ctx, &actor, UserId(id)).await?;
    Ok(Json(AccountEnvelope {
        user: AccountDto::from(&acc),
    }))
}

/// Disable or enable an account, or reset its password. Either ends the account's sessions at
/// once (disabling, resetting).
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UserPatch,
    params(("id" = i64, Path, description = "The account's id")),
    responses((status = 200, body = AccountEnvelope), (status = 401, description = "unauthenticated"),
              (status = 403, description = "forbidden"), (status = 404, description = "not_found"),
              (status = 422, description = "validation: no change given, a bad password, or disabling oneself")))]
async fn update(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiPath(id): ApiPath<i64>,
    body: Result<ApiJson<UserPatch>, ApiError>,
) -> ApiResult<Json<AccountEnvelope>> {
    let actor = caller.actor()?;
    let ApiJson(p) = body?;
    let change = users::AccountChange {
        active: p.active,
        password: p.password,
    };
    let acc = users::update(
        &state.ctx,
        &actor,
        UserId(id),
        &change,
        Some(caller.ip.as_str()),
    )
    .await?;
    Ok(Json(AccountEnvelope {
        user: AccountDto::from(&acc),
    }))
}
