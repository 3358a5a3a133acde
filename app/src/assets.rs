//! The site's static files by the names the build gave them, and the script that loads the
//! wasm of a page's islands.
//!
//! The build (`dev.sh`, `assemble_site`) names the stylesheet, the wasm-bindgen script, the
//! wasm and the icon sprite after their content (`lophoc.3f9a0c2e1b7d4a65.css`), so the server
//! can tell browsers to keep them for a year, and writes the names to `pkg/assets.txt`
//! (`css=…` lines). Without that file (a test run with no site built) the plain names stand.

/// Where the site's files are, as URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assets {
    /// The stylesheet.
    pub css: String,
    /// wasm-bindgen's module (loaded only on a page with an island).
    pub js: String,
    /// The islands' wasm.
    pub wasm: String,
    /// The icon sprite.
    pub icons: String,
}

impl Default for Assets {
    fn default() -> Self {
        Assets {
            css: "/pkg/lophoc.css".into(),
            js: "/pkg/lophoc.js".into(),
            wasm: "/pkg/lophoc.wasm".into(),
            icons: "/icons.svg".into(),
        }
    }
}

/// The manifest's name inside the site's `pkg/` directory.
pub const MANIFEST: &str = "assets.txt";

impl Assets {
    /// Reads a manifest's `key=file` lines (file names inside `pkg/`); keys it does not know and
    /// names with anything but letters, digits, `.`, `-` and `_` are ignored.
    pub fn parse(manifest: &str) -> Assets {
        let mut a = Assets::default();
        for line in manifest.lines() {
            let Some((key, file)) = line.trim().split_once('=') else {
                continue;
            };
            let file = file.trim();
            if file.is_empty()
                || !file
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                continue;
            }
            let url = format!("/pkg/{file}");
            match key.trim() {
                "css" => a.css = url,
                "js" => a.js = url,
                "wasm" => a.wasm = url,
                "icons" => a.icons = url,
                _ => {}
            }
        }
        a
    }

    /// The module script that loads and starts the wasm only when the page has an island
    /// (`<leptos-island>`): a page without one downloads no wasm at all. A module script runs
    /// once the document is parsed, so every island is there when it looks.
    pub fn loader_script(&self) -> String {
        format!(
            "const islands=document.querySelectorAll('leptos-island');\
             if(islands.length)import({js:?}).then(async m=>{{\
             await m.default({{module_or_path:{wasm:?}}});m.hydrate();\
             for(const el of islands){{const f=m[el.dataset.component];\
             if(f)f(el);else console.warn('no island',el.dataset.component)}}}});",
            js = self.js,
            wasm = self.wasm
        )
    }

    /// The script that keeps a teacher's week for use without signal (appended to
    /// [`Assets::loader_script`]). On a page of a signed-in teacher (`<html data-sw>` holds their
    /// id) it registers the service worker (`/sw.js`) and posts it the page's lessons marked
    /// `data-offline`, the home page itself and this build's files; on any other page (signed
    /// out, or another role) it deletes what a worker kept and unregisters it, so nobody else's
    /// pages stay on a shared phone.
    pub fn offline_script(&self) -> String {
        format!(
            "if('serviceWorker'in navigator){{const sw=navigator.serviceWorker,\
             u=document.documentElement.dataset.sw;\
             if(u){{sw.register('/sw.js').then(()=>sw.ready).then(r=>{{\
             const pages=[...document.querySelectorAll('a[data-offline]')]\
             .map(a=>a.getAttribute('href'));\
             if(location.pathname==='/')pages.unshift('/'+location.search);\
             r.active.postMessage({{type:'week',user:u,pages,\
             assets:[{css:?},{js:?},{wasm:?},document.documentElement.dataset.icons,'/favicon.svg']}})}})}}\
             else{{if(sw.controller)sw.controller.postMessage({{type:'forget'}});\
             sw.getRegistrations().then(rs=>rs.forEach(r=>r.unregister()));\
             if(self.caches)caches.keys().then(ks=>ks.filter(k=>k.startsWith('lophoc-'))\
             .forEach(k=>caches.delete(k)))}}}}",
            css = self.css,
            js = self.js,
            wasm = self.wasm
        )
    }
}

#[cfg(feature = "ssr")]
static ASSETS: std::sync::OnceLock<Assets> = std::sync::OnceLock::new();

/// Reads the manifest under `site_root` once (the first page rendered); later calls return
/// what was read.
#[cfg(feature = "ssr")]
pub fn init(site_root: &str) -> &'static Assets {
    ASSETS.get_or_init(|| {
        let path = std::path::Path::new(site_root).join("pkg").join(MANIFEST);
        match std::fs::read_to_string(&path) {
            Ok(text) => Assets::parse(&text),
            Err(_) => Assets::default(),
        }
    })
}

/// The icon sprite's URL. On the server, from the manifest; in the browser (an island), from
/// `<html data-icons>`, which the server wrote.
pub fn icons() -> String {
    #[cfg(feature = "ssr")]
    {
        ASSETS
            .get()
            .map_or_else(|| Assets::default().icons, |a| a.icons.clone())
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        if let Some(v) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-icons"))
        {
            return v;
        }
        Assets::default().icons
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_names_the_hashed_files() {
        let a = Assets::parse(
            "css=lophoc.0123456789abcdef.css\njs=lophoc.aa.js\nwasm=lophoc.bb.wasm\n\
             icons=icons.cc.svg\nother=x\n",
        );
        assert_eq!(a.css, "/pkg/lophoc.0123456789abcdef.css");
        assert_eq!(a.js, "/pkg/lophoc.aa.js");
        assert_eq!(a.wasm, "/pkg/lophoc.bb.wasm");
        assert_eq!(a.icons, "/pkg/icons.cc.svg");
    }

    #[test]
    fn a_bad_or_missing_line_keeps_the_plain_name() {
        let a = Assets::parse("css=../../etc/passwd\njs=\nwasm x\n");
        assert_eq!(a, Assets::default());
        assert!(a.loader_script().contains("\"/pkg/lophoc.js\""));
        assert!(a.loader_script().contains("leptos-island"));
    }

    #[test]
    fn the_offline_script_names_this_builds_files() {
        let a =
            Assets::parse("css=lophoc.0123456789abcdef.css\nwasm=lophoc.fedcba9876543210.wasm\n");
        let s = a.offline_script();
        assert!(s.contains("\"/pkg/lophoc.0123456789abcdef.css\""));
        assert!(s.contains("\"/pkg/lophoc.fedcba9876543210.wasm\""));
        assert!(s.contains("register('/sw.js')"));
        assert!(s.contains("unregister"));
    }
}
