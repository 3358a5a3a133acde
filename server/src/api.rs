//! The public JSON API v1 (API.md). Each resource module exposes its routes; the OpenAPI
//! document is generated from the handlers' annotations, so it cannot drift from the code.

pub mod error;
pub mod session;

use crate::state::AppState;
use axum::Json;
use axum::extract::Extension;
use lophoc::services::Caller;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The document's header; paths are added by the routers.
#[derive(OpenApi)]
#[openapi(
    info(title = "Lớp Học API", version = "1", description = "The public JSON API v1 of Lớp Học. Errors: `{\"error\": {\"code\", \"message\", \"details\"}}`, message in the `Accept-Language` language."),
    tags(
        (name = "session", description = "Log in and out"),
        (name = "users", description = "Accounts"),
        (name = "schools", description = "The school registry"),
    )
)]
struct ApiDoc;

/// The API routes under `/api/v1`, and the OpenAPI document describing them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(session::routes())
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
        let msg = if code == lophoc::ErrorCode::Validation { lophoc::Msg::new("error.bad_json") } else { lophoc::Msg::new(code.message_key()) };
        error::ApiError(lophoc::Error::with_msg(code, msg))
    }
}

/// The caller, as [`resolve_caller`](crate::middleware::resolve_caller) found it.
pub type CallerExt = Extension<Caller>;

/// Serves the OpenAPI document.
pub async fn openapi_json(Extension(doc): Extension<std::sync::Arc<utoipa::openapi::OpenApi>>) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}
