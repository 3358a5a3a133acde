//! Light pages (issue: light pages): the static files by their content-hashed names, served
//! precompressed by negotiation and cached for a year; pages and JSON compressed on the fly,
//! never twice, and never what is compressed already (XLSX); an unknown asset is a 404.

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

#[macro_use]
mod common;

use async_compression::tokio::bufread::{BrotliDecoder, BrotliEncoder, GzipDecoder, GzipEncoder};
use common::{App, Req};
use lophoc::services::Engine;
use server::config::HttpConfig;
use tokio::io::AsyncReadExt;

const CSS_NAME: &str = "lophoc.0123456789abcdef.css";

async fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    BrotliEncoder::new(data)
        .read_to_end(&mut out)
        .await
        .expect("brotli");
    out
}

async fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzipEncoder::new(data)
        .read_to_end(&mut out)
        .await
        .expect("gzip");
    out
}

async fn unbrotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    BrotliDecoder::new(data)
        .read_to_end(&mut out)
        .await
        .expect("valid brotli");
    out
}

async fn ungzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzipDecoder::new(data)
        .read_to_end(&mut out)
        .await
        .expect("valid gzip");
    out
}

/// A site as the build leaves it: a hashed stylesheet with its brotli and gzip copies, and the
/// manifest (not hashed).
async fn site(css: &[u8]) -> tempfile_dir::Dir {
    let dir = tempfile_dir::Dir::new();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg/");
    std::fs::write(pkg.join(CSS_NAME), css).expect("css");
    std::fs::write(pkg.join(format!("{CSS_NAME}.br")), brotli(css).await).expect("css.br");
    std::fs::write(pkg.join(format!("{CSS_NAME}.gz")), gzip(css).await).expect("css.gz");
    std::fs::write(pkg.join("assets.txt"), format!("css={CSS_NAME}\n")).expect("manifest");
    dir
}

/// A temporary directory removed at the end of the test.
mod tempfile_dir {
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "lophoc-assets-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).expect("a temporary directory");
            Dir(p)
        }
        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn css() -> Vec<u8> {
    ":root { --space: 4px; }\n.card { padding: var(--space); }\n"
        .repeat(200)
        .into_bytes()
}

async fn app_with_site(engine: Engine, dir: &tempfile_dir::Dir) -> App {
    App::with_site(
        engine,
        HttpConfig::default(),
        dir.path().to_str().expect("a UTF-8 path"),
    )
    .await
}

macro_rules! site_test {
    ($name:ident, |$app:ident| async move $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: App) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let dir = site(&css()).await;
                run(app_with_site(Engine::Sqlite, &dir).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let dir = site(&css()).await;
                run(app_with_site(Engine::Postgres, &dir).await).await
            }
        }
    };
}

site_test!(
    a_hashed_asset_is_sent_precompressed_and_cached_for_a_year,
    |app| async move {
        let path = format!("/pkg/{CSS_NAME}");
        let plain = app.send(Req::get(&path)).await;
        plain.expect(200);
        assert_eq!(plain.body, css());
        assert_eq!(plain.header("content-encoding"), "");
        assert_eq!(
            plain.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(plain.header("content-type").starts_with("text/css"));
        assert_eq!(plain.header("vary"), "accept-encoding");

        let br = app
            .send(Req::get(&path).header("accept-encoding", "gzip, deflate, br"))
            .await;
        br.expect(200);
        assert_eq!(br.header("content-encoding"), "br");
        assert!(br.body.len() * 5 < css().len(), "{} bytes", br.body.len());
        assert_eq!(
            unbrotli(&br.body).await,
            css(),
            "brotli decodes to the file"
        );
        assert_eq!(
            br.header("cache-control"),
            "public, max-age=31536000, immutable"
        );

        let gz = app
            .send(Req::get(&path).header("accept-encoding", "gzip"))
            .await;
        gz.expect(200);
        assert_eq!(gz.header("content-encoding"), "gzip");
        assert_eq!(ungzip(&gz.body).await, css(), "gzip decodes to the file");
    }
);

site_test!(
    an_unknown_asset_is_a_404_and_unhashed_files_are_revalidated,
    |app| async move {
        for path in [
            "/pkg/lophoc.fedcba9876543210.css",
            "/pkg/nothing.js",
            "/pkg/../Cargo.toml",
            "/pkg/%2e%2e/%2e%2e/Cargo.toml",
            "/pkg/",
        ] {
            let r = app
                .send(Req::get(path).header("accept-encoding", "br"))
                .await;
            assert_eq!(r.status.as_u16(), 404, "{path}");
            assert_ne!(
                r.header("cache-control"),
                "public, max-age=31536000, immutable"
            );
        }
        // The manifest has no hash in its name: the browser asks again every time.
        let r = app.send(Req::get("/pkg/assets.txt")).await;
        r.expect(200);
        assert_eq!(r.header("cache-control"), "public, no-cache");
    }
);

site_test!(
    pages_and_json_are_compressed_on_the_fly_and_never_cached_as_assets,
    |app| async move {
        // JSON: the same bytes, compressed, whichever encoding the client prefers.
        let plain = app.send(Req::get("/api/v1/openapi.json")).await;
        plain.expect(200);
        assert_eq!(plain.header("content-encoding"), "");
        for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("gzip, br", "br")] {
            let r = app
                .send(Req::get("/api/v1/openapi.json").header("accept-encoding", accept))
                .await;
            r.expect(200);
            assert_eq!(r.header("content-encoding"), encoding, "{accept}");
            assert!(r.body.len() * 3 < plain.body.len());
            let decoded = if encoding == "br" {
                unbrotli(&r.body).await
            } else {
                ungzip(&r.body).await
            };
            assert_eq!(decoded, plain.body, "{accept} decodes to the same JSON");
        }
        // A page: compressed, names the hashed stylesheet, and is not cached.
        let page = app
            .send(Req::get("/login").header("accept-encoding", "br"))
            .await;
        page.expect(200);
        assert_eq!(page.header("content-encoding"), "br");
        let html = String::from_utf8(unbrotli(&page.body).await).expect("UTF-8");
        assert!(html.contains("<form"), "{html}");
        assert_eq!(page.header("cache-control"), "no-cache");
        // A tiny answer is not worth compressing.
        let r = app
            .send(Req::get("/healthz").header("accept-encoding", "br"))
            .await;
        r.expect(200);
        assert_eq!(r.header("content-encoding"), "");
    }
);

http_test!(
    an_excel_workbook_is_not_compressed_again,
    |app| async move {
        let s = app.t.school("TH0001").await;
        let admin = app.t.school_admin(s.id).await;
        let token = app.session(&admin).await;
        let r = app
            .send(
                Req::get("/api/v1/utilisation?format=xlsx")
                    .session(&token)
                    .header("accept-encoding", "br, gzip"),
            )
            .await;
        r.expect(200);
        assert!(
            r.header("content-type")
                .starts_with("application/vnd.openxmlformats")
        );
        assert_eq!(r.header("content-encoding"), "");
        assert_eq!(&r.body[..2], b"PK", "a zip file as it is");
    }
);
