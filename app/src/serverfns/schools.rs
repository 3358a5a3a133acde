//! The school registry: list and search (the picker), the department's registry page (a page
//! of schools, the counts by level, the areas), one school, and the CSV import.

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::ids::SchoolId;
use lophoc::model::{Area, ImportOutcome, Page, School, SchoolLevel};
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

/// Rows per page of the school list.
pub const PAGE_SIZE: i64 = 50;

/// The largest CSV the import accepts. A province's registry is a few hundred kB; anything far
/// bigger is the wrong file, and reading it into memory would only cost the server.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// Counts for the summary above the list: every level under the area and search filters (so
/// the chart compares levels even when one is selected), and the totals under all filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolCounts {
    /// Schools per level, in [`SchoolLevel::ALL`] order.
    pub by_level: Vec<(SchoolLevel, i64)>,
    /// Schools matching every filter.
    pub total: i64,
    /// Of those, enrolled in the pilot.
    pub in_pilot: i64,
    /// Their pupils.
    pub students: i64,
}

/// One page (of [`PAGE_SIZE`]) of the schools the caller may see that match the filter.
/// `level` is an API code, `area` an area id; empty values mean "any"; `page` counts from 1.
#[server(prefix = "/fn", endpoint = "list_schools")]
pub async fn list_schools(
    /// Only schools of this level (an API code; empty: any).
    level: Option<String>,
    /// Only schools of this area (an area id; empty: any).
    area: Option<String>,
    /// Words to find in the schools' codes, names or areas.
    q: Option<String>,
    /// The page of results (from 1).
    page: Option<i64>,
) -> Result<Page<School>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let page = page.unwrap_or(1).max(1);
    let filter = lophoc::model::SchoolFilter {
        limit: Some(PAGE_SIZE),
        offset: Some((page - 1).saturating_mul(PAGE_SIZE)),
        ..filter(level, area, q)
    };
    lophoc::services::schools::list(&ctx, &actor, &filter)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The department's registry page: one page of the schools that match the filter, their
/// counts by level, and the areas for the filter (department and sysadmin). One service call.
#[server(prefix = "/fn", endpoint = "school_registry")]
pub async fn school_registry(
    /// Only schools of this level (an API code; empty: any).
    level: Option<String>,
    /// Only schools of this area (an area id; empty: any).
    area: Option<String>,
    /// Words to find in the schools' codes, names or areas.
    q: Option<String>,
    /// The page of results (from 1).
    page: Option<i64>,
) -> Result<RegistryPage, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let page = page.unwrap_or(1).max(1);
    let f = lophoc::model::SchoolFilter {
        limit: Some(PAGE_SIZE),
        offset: Some((page - 1).saturating_mul(PAGE_SIZE)),
        ..filter(level, area, q)
    };
    let r = lophoc::services::schools::registry(&ctx, &actor, &f)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))?;
    Ok(RegistryPage {
        page: r.page,
        counts: SchoolCounts {
            by_level: r.summary.by_level,
            total: r.summary.total,
            in_pilot: r.summary.in_pilot,
            students: r.summary.students,
        },
        areas: r.areas,
    })
}

/// What the registry page shows (see [`school_registry`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPage {
    /// The page of schools.
    pub page: Page<School>,
    /// The counts above the list.
    pub counts: SchoolCounts,
    /// The areas for the filter.
    pub areas: Vec<Area>,
}

/// One school; "not found" for a school the caller may not see.
#[server(prefix = "/fn", endpoint = "get_school")]
pub async fn get_school(
    /// The school shown.
    id: SchoolId,
) -> Result<School, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::schools::get(&ctx, &actor, id)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Imports a schools CSV sent as the `file` part of a multipart form (department, sysadmin).
///
/// Without JavaScript the browser posts the form here: on success it is sent back to the
/// import page with the counts in the query; on an error server_fn sends it back (Referer) with
/// the error in `__err`. Because that error travels in a URL, a plain form post lists at most
/// [`URL_LINES`] bad lines and says how many more there are.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_schools")]
pub async fn import_schools(
    /// The import form, as posted, with the CSV `file`.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let form_post = server::accepts_html();
    let result = match server::read_file(data).await {
        Ok(bytes) => lophoc::services::schools::import_csv(&ctx, &actor, &bytes, Some(&c.ip)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => {
            if form_post {
                leptos_axum::redirect(&format!(
                    "/schools/import?created={}&updated={}",
                    out.created, out.updated
                ));
            }
            Ok(out)
        }
        Err(e) => {
            let mut e = crate::ssr::fail(&c, e);
            if form_post && e.lines.len() > URL_LINES {
                let more = e.lines.len() - URL_LINES;
                e.lines.truncate(URL_LINES);
                e.message = format!(
                    "{} {}",
                    e.message,
                    lophoc::i18n::tf(
                        c.lang,
                        "school_import.more_lines",
                        &[("count", more.to_string())]
                    )
                );
            }
            Err(e)
        }
    }
}

/// The most bad lines a plain form post gets back (see [`import_schools`]).
pub const URL_LINES: usize = 100;

/// The service's filter from the page's query values.
#[cfg(feature = "ssr")]
fn filter(
    level: Option<String>,
    area: Option<String>,
    q: Option<String>,
) -> lophoc::model::SchoolFilter {
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    lophoc::model::SchoolFilter {
        level: level.as_deref().and_then(SchoolLevel::parse),
        area: nonempty(area),
        q: nonempty(q),
        limit: None,
        offset: None,
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::MAX_IMPORT_BYTES;
    use lophoc::{Error, ErrorCode, Msg};
    use server_fn::codec::MultipartData;

    /// Whether this request is a plain HTML form post (the browser accepts HTML), rather than
    /// the server-function client.
    pub fn accepts_html() -> bool {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT)?
                    .to_str()
                    .ok()
                    .map(|a| a.contains("text/html"))
            })
            .unwrap_or(false)
    }

    /// The bytes of the `file` part, refused past [`MAX_IMPORT_BYTES`] without reading the rest.
    pub async fn read_file(data: MultipartData) -> Result<Vec<u8>, Error> {
        let bad = |e: &dyn std::fmt::Display| {
            tracing::warn!(error = %e, "reading an import upload failed");
            Error::new(ErrorCode::Validation)
        };
        let Some(mut form) = data.into_inner() else {
            return Err(Error::internal());
        };
        let mut file: Option<Vec<u8>> = None;
        while let Some(mut field) = form.next_field().await.map_err(|e| bad(&e))? {
            if field.name() != Some("file") {
                continue;
            }
            let mut buf = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e))? {
                if buf.len() + chunk.len() > MAX_IMPORT_BYTES {
                    return Err(Error::new(ErrorCode::PayloadTooLarge));
                }
                buf.extend_from_slice(&chunk);
            }
            file = Some(buf);
        }
        file.filter(|b| !b.is_empty()).ok_or_else(|| {
            Error::with_msg(ErrorCode::Validation, Msg::new("school_import.no_file"))
        })
    }
}
