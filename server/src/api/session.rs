//! `/api/v1/session`: log in, who am I, log out.

use crate::api::error::ApiResult;
use crate::api::{ApiJson, CallerExt};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lophoc::model::User;
use lophoc::services::auth;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, current, logout))
        .routes(routes!(change_password))
}

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    /// Login name (case ignored).
    pub username: String,
    /// Password.
    pub password: String,
}

/// A user (API.md).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
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
    /// Someone else set the password: until the user changes it (`POST
    /// /session/password`), every other request is refused with 403.
    pub must_change_password: bool,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        UserDto {
            id: u.id.0,
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            role: u.role.as_str().to_owned(),
            school_id: u.school_id.map(|s| s.0),
            must_change_password: u.must_change_password,
        }
    }
}

/// `{"user": …}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserEnvelope {
    /// The user.
    pub user: UserDto,
}

/// Log in: sets the session cookie and the device cookie (a browser that has signed in to the
/// account before is throttled apart from attacks on the account). Unknown user and wrong
/// password get the same answer.
#[utoipa::path(post, path = "/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = UserEnvelope), (status = 401, description = "invalid_credentials"),
              (status = 422, description = "validation"), (status = 429, description = "rate_limited"),
              (status = 503, description = "unavailable: busy checking passwords; `Retry-After` set")))]
async fn login(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let s = auth::sign_in(
        &state.ctx,
        auth::Attempt::of(&caller, &b.username, &b.password),
    )
    .await?;
    let mut res = Json(UserEnvelope {
        user: UserDto::from(&s.user),
    })
    .into_response();
    for cookie in [
        caller.session_cookie(&s.session.0),
        caller.device_cookie(&s.device.0),
    ] {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The logged-in user.
#[utoipa::path(get, path = "/session", tag = "session",
    responses((status = 200, body = UserEnvelope), (status = 401, description = "unauthenticated")))]
async fn current(caller: CallerExt) -> ApiResult<Json<UserEnvelope>> {
    let user = caller
        .user
        .as_ref()
        .ok_or_else(lophoc::Error::unauthenticated)?;
    Ok(Json(UserEnvelope {
        user: UserDto::from(user),
    }))
}

/// Log out: the session is dead on the server.
#[utoipa::path(delete, path = "/session", tag = "session",
    responses((status = 204, description = "logged out"), (status = 401, description = "unauthenticated")))]
async fn logout(State(state): State<AppState>, caller: CallerExt) -> ApiResult<Response> {
    if caller.user.is_none() {
        return Err(lophoc::Error::unauthenticated().into());
    }
    if let Some(t) = &caller.token {
        auth::logout(&state.ctx, t, Some(&caller.ip)).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&caller.clear_session_cookie()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Password change request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordBody {
    /// The current password.
    pub current_password: String,
    /// The new password (8–128 characters, different from the current one).
    pub new_password: String,
}

/// Change one's own password (the current one required). Clears "must change password" and
/// ends the user's other sessions; this one stays signed in.
#[utoipa::path(post, path = "/session/password", tag = "session", request_body = PasswordBody,
    responses((status = 204, description = "changed"), (status = 401, description = "unauthenticated"),
              (status = 422, description = "validation (a wrong current password is a field error)"),
              (status = 429, description = "rate_limited")))]
async fn change_password(
    State(state): State<AppState>,
    caller: CallerExt,
    ApiJson(b): ApiJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    let user = caller
        .user
        .as_ref()
        .ok_or_else(lophoc::Error::unauthenticated)?;
    auth::change_password(
        &state.ctx,
        user,
        &b.current_password,
        &b.new_password,
        caller.token.as_deref(),
        &caller.ip,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
