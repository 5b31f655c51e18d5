//! Serves the built SPA: files from `CREDENCE_WEB_DIR` (precompressed `.br`/`.gz` when the
//! browser accepts them) and `index.html` for every client-side route, with the page title
//! and icon of the request host's skin written in, so the browser tab names the host's
//! product before the app starts, and the script of the path's bundle (one wasm program per
//! area, [`Bundle::for_path`]; `manifest.json` of the build names their hashed files).
//!
//! Files whose name carries a content hash (`name.<16 hex digits>.ext`, written by
//! `web/assemble.mjs`) never change: browsers may keep them a year. Everything else, and
//! `index.html` above all, is revalidated on every use.

use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use credence_shared::bundle::Bundle;

use crate::domain::brands;
use crate::mail::templates::escape;
use crate::state::AppState;

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file for a URL path, refusing anything that could leave the web directory.
fn resolve(web_dir: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = web_dir.to_path_buf();
    for segment in url_path.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') || segment.starts_with('.') {
            return None;
        }
        path.push(segment);
    }
    path.is_file().then_some(path)
}

fn accepts(req: &HttpRequest, encoding: &str) -> bool {
    req.headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .any(|e| e.split(';').next().unwrap_or_default().trim() == encoding)
        })
        .unwrap_or(false)
}

fn serve_file(req: &HttpRequest, path: &Path, cache: &'static str) -> HttpResponse {
    let mut chosen = (path.to_path_buf(), None);
    for (encoding, ext) in [("br", "br"), ("gzip", "gz")] {
        let candidate = PathBuf::from(format!("{}.{ext}", path.display()));
        if accepts(req, encoding) && candidate.is_file() {
            chosen = (candidate, Some(encoding));
            break;
        }
    }
    let Ok(meta) = std::fs::metadata(&chosen.0) else {
        return HttpResponse::NotFound().finish();
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let etag = format!(
        "\"{:x}-{:x}-{}\"",
        meta.len(),
        modified,
        chosen.1.unwrap_or("id")
    );
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if fresh {
        return response.finish();
    }
    if let Some(encoding) = chosen.1 {
        response.insert_header((header::CONTENT_ENCODING, encoding));
    }
    match std::fs::read(&chosen.0) {
        Ok(bytes) => response.content_type(content_type(path)).body(bytes),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

/// `index.html` with the skin's product name as its title and, when the skin has a logo, the
/// logo as its icon (else the neutral `/favicon.svg` it names). Both are escaped; nothing else
/// changes, so the page keeps its no-inline-script CSP.
pub fn skinned(html: &str, product_name: &str, logo_url: Option<&str>) -> String {
    let mut page = html.to_string();
    let name = product_name.trim();
    if let (false, Some(open), Some(close)) =
        (name.is_empty(), page.find("<title>"), page.find("</title>"))
    {
        if open < close {
            page.replace_range(open + "<title>".len()..close, &escape(name));
        }
    }
    if let Some(url) = logo_url {
        if let Some(start) = page.find("<link rel=\"icon\"") {
            if let Some(len) = page[start..].find('>') {
                let tag = format!(
                    "<link rel=\"icon\" href=\"{}\" type=\"image/png\">",
                    escape(url)
                );
                page.replace_range(start..=start + len, &tag);
            }
        }
    }
    page
}

/// How long a browser keeps a file whose name carries its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether a file name carries a content hash: `name.<16 lowercase hex digits>.ext`.
pub fn is_hashed(file_name: &str) -> bool {
    let parts: Vec<&str> = file_name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() == 16
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// The placeholder in `web/index.html` that the page's bundle replaces.
const BUNDLE_SLOT: &str = "<script type=\"module\" src=\"/app.js\"></script>";

/// `index.html` starting `bundle`: the slot becomes a preload of the bundle's wasm and its JS
/// module (which starts the app), both named by the build's `manifest.json`. Unchanged when
/// the manifest does not name the bundle.
pub fn with_bundle(html: &str, manifest: &str, bundle: Bundle) -> String {
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(manifest) else {
        return html.to_string();
    };
    let files = &manifest["bundles"][bundle.name()];
    let (Some(js), Some(wasm)) = (files["js"].as_str(), files["wasm"].as_str()) else {
        return html.to_string();
    };
    let tags = format!(
        "<link rel=\"preload\" href=\"/{}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n    <script type=\"module\" src=\"/{}\"></script>",
        escape(wasm),
        escape(js)
    );
    html.replacen(BUNDLE_SLOT, &tags, 1)
}

/// The SPA's page for the request's host (see [`skinned`]) and path (see [`with_bundle`]); the
/// plain file if the skin cannot be read. Built per request (it is small), so never served
/// precompressed.
async fn serve_index(req: &HttpRequest, state: &AppState, index: &Path) -> HttpResponse {
    let Ok(html) = std::fs::read_to_string(index) else {
        return HttpResponse::NotFound().finish();
    };
    let html = match index
        .parent()
        .and_then(|dir| std::fs::read_to_string(dir.join("manifest.json")).ok())
    {
        Some(manifest) => with_bundle(&html, &manifest, Bundle::for_path(req.path())),
        None => html,
    };
    // Never `connection_info()`: it believes `X-Forwarded-Host` from anyone.
    let host = crate::auth::extract::client_host(req);
    let page = match state
        .db
        .run(move |conn| brands::branding_for_host(conn, host.as_deref()))
        .await
    {
        Ok(b) => skinned(&html, &b.brand.product_name, b.brand.logo_url.as_deref()),
        Err(_) => html,
    };
    let digest = Sha256::digest(page.as_bytes());
    let etag = format!(
        "\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if fresh {
        return response.finish();
    }
    response.content_type("text/html; charset=utf-8").body(page)
}

/// Default service for every path outside `/api`.
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let web_dir = &state.config.web_dir;
    let index = web_dir.join("index.html");
    if let Some(file) = resolve(web_dir, req.path()) {
        if file == index {
            return serve_index(&req, &state, &index).await;
        }
        // A hashed name never changes content; any other is revalidated (cheap 304s via ETag).
        let hashed = file
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_hashed);
        return serve_file(&req, &file, if hashed { IMMUTABLE } else { "no-cache" });
    }
    let last = req.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("not found");
    }
    if index.is_file() {
        serve_index(&req, &state, &index).await
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(format!(
                "The web app is not built in {}. Run `make build` (or set CREDENCE_WEB_DIR).",
                web_dir.display()
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::{is_hashed, skinned, with_bundle, Bundle};

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("test-area.0123456789abcdef.wasm"));
        assert!(is_hashed("style.0123456789abcdef.css"));
        assert!(!is_hashed("style.css"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("x.0123456789ABCDEF.js"));
        assert!(!is_hashed("x.0123456789abcde.js"));
        assert!(!is_hashed("0123456789abcdef.js"));
    }

    #[test]
    fn the_page_starts_its_paths_bundle() {
        let page = "<head><script type=\"module\" src=\"/app.js\"></script></head>";
        let manifest = r#"{"bundles":{"test-area":{"js":"pkg/test-area.1111111111111111.js","wasm":"pkg/test-area.2222222222222222.wasm"}}}"#;
        let out = with_bundle(page, manifest, Bundle::TestArea);
        assert!(
            out.contains(
                "<script type=\"module\" src=\"/pkg/test-area.1111111111111111.js\"></script>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<link rel=\"preload\" href=\"/pkg/test-area.2222222222222222.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>"),
            "{out}"
        );
        assert!(!out.contains("/app.js"), "{out}");
        // A bundle the manifest does not name, or no readable manifest: the page as it is.
        assert_eq!(with_bundle(page, manifest, Bundle::Admin), page);
        assert_eq!(with_bundle(page, "not json", Bundle::TestArea), page);
    }

    const PAGE: &str = "<head><title>Loading…</title>\n<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"/style.css\"></head>";

    #[test]
    fn the_title_and_icon_are_the_skins_and_escaped() {
        let page = skinned(PAGE, " Tests & <Co> ", Some("/api/v1/logos/a\"b"));
        assert!(
            page.contains("<title>Tests &amp; &lt;Co&gt;</title>"),
            "{page}"
        );
        assert!(
            page.contains("<link rel=\"icon\" href=\"/api/v1/logos/a&quot;b\" type=\"image/png\">"),
            "{page}"
        );
        assert!(page.contains("href=\"/style.css\""), "{page}");
        assert!(!page.contains("favicon.svg"), "{page}");
    }

    #[test]
    fn without_a_logo_or_a_name_the_neutral_page_stays() {
        let page = skinned(PAGE, "Assess", None);
        assert!(page.contains("<title>Assess</title>"), "{page}");
        assert!(page.contains("href=\"/favicon.svg\""), "{page}");
        assert_eq!(skinned(PAGE, "  ", None), PAGE);
    }
}
