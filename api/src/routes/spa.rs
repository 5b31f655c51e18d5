//! Serves the built SPA: files from `CREDENCE_WEB_DIR` (precompressed `.br`/`.gz` when the
//! browser accepts them) and `index.html` for every client-side route.

use std::path::{Path, PathBuf};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

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

/// Default service for every path outside `/api`.
pub async fn serve(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let web_dir = &state.config.web_dir;
    if let Some(file) = resolve(web_dir, req.path()) {
        // Asset names are not content-hashed: revalidate each time (cheap 304s via ETag).
        return serve_file(&req, &file, "no-cache");
    }
    let last = req.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return HttpResponse::NotFound()
            .content_type("text/plain")
            .body("not found");
    }
    let index = web_dir.join("index.html");
    if index.is_file() {
        serve_file(&req, &index, "no-cache")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(format!(
                "The web app is not built in {}. Run `make build` (or set CREDENCE_WEB_DIR).",
                web_dir.display()
            ))
    }
}
