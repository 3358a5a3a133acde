//! The site's static files and the compression of everything else.
//!
//! The build (`dev.sh`) gives the stylesheet, the wasm-bindgen script, the wasm and the icon
//! sprite names that carry a hash of their content (`lophoc.3f9a0c2e1b7d4a65.css`) and writes a
//! brotli (`.br`) and a gzip (`.gz`) copy next to each. `/pkg/…` is served from those files:
//! the copy the browser accepts (negotiated on `Accept-Encoding`, never compressed again), a
//! hashed name cached for a year as `immutable` (a new build has new names), anything else
//! revalidated, and an unknown file a 404. Pages, JSON and CSV are compressed on the fly
//! above 1 KB; what is already compressed (XLSX, images) is sent as it is.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};
use tower_http::services::ServeDir;

/// `Cache-Control` of a file whose name carries its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of any other static file: the browser asks again each time (a 304 when
/// nothing changed).
pub const REVALIDATE: &str = "public, no-cache";

/// The files under `<site_root>/pkg`, with their precompressed copies.
pub fn pkg_files(site_root: &str) -> ServeDir {
    ServeDir::new(std::path::Path::new(site_root).join("pkg"))
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
}

/// Whether a file name carries a content hash: `name.<16 hex digits>.ext`.
pub fn is_hashed(file: &str) -> bool {
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The cache headers of `/pkg/…` answers (see the module's comment); `Vary: Accept-Encoding`
/// because the same URL is sent in three encodings.
pub async fn pkg_cache_headers(req: Request, next: Next) -> Response {
    let hashed = req.uri().path().rsplit('/').next().is_some_and(is_hashed);
    let mut res = next.run(req).await;
    let ok = matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    let h = res.headers_mut();
    if ok {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE }),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    } else {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The service worker's script (see `sw.js`): the teacher's week and its lessons' roll-call
/// pages kept on the phone for a lesson without signal.
pub const SERVICE_WORKER: &str = include_str!("sw.js");

/// `GET /sw.js`: the service worker, revalidated every time (a new build's worker takes over at
/// once), with a policy that lets it fetch this site and nothing else.
pub async fn service_worker() -> Response {
    let mut res = Response::new(axum::body::Body::from(SERVICE_WORKER));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
    );
    res
}

/// What is compressed on the fly: answers of more than 1 KB that are not compressed already
/// (images, XLSX and other zip files, an answer that has a `Content-Encoding`), nor materials'
/// files: PDFs, audio, video and Office files are sent as stored, so their ranges, lengths
/// and ETags are those of the bytes.
pub fn compress_when() -> impl Predicate {
    DefaultPredicate::new()
        .and(SizeAbove::new(1024))
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/msword"))
        .and(NotForContentType::const_new("application/vnd.ms-"))
        .and(NotForContentType::const_new("audio/"))
        .and(NotForContentType::const_new("video/"))
}

/// On-the-fly compression of pages, JSON and CSV: brotli or gzip, whichever the client prefers,
/// at a quick level (brotli 4 is smaller than gzip 6 and about as fast; the static files got
/// the slow best level at build time).
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(compress_when())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        assert!(is_hashed("lophoc.0123456789abcdef.css"));
        assert!(is_hashed("icons.fedcba9876543210.svg"));
        assert!(!is_hashed("lophoc.css"));
        assert!(!is_hashed("lophoc.0123456789abcdeg.css"));
        assert!(!is_hashed(".0123456789abcdef.css"));
        assert!(!is_hashed("lophoc.0123456789abcdef"));
    }
}
