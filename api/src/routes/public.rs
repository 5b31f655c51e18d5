//! Public, unauthenticated endpoints: the skin for a host, and logo images.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use credence_shared::admin::Branding;
use credence_shared::problem::Problem;

use crate::domain::{brands, logos};
use crate::error::ApiResult;
use crate::state::AppState;

/// The brand skin for the request's host (a reseller's custom host) or the default skin.
#[utoipa::path(tag = "public", responses((status = 200, body = Branding)))]
#[get("/branding")]
pub async fn branding(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> ApiResult<web::Json<Branding>> {
    // Never `connection_info()`: it believes `X-Forwarded-Host` from anyone.
    let host = crate::auth::extract::client_host(&req);
    Ok(web::Json(
        state
            .db
            .run(move |conn| brands::branding_for_host(conn, host.as_deref()))
            .await?,
    ))
}

/// A logo image (always a re-encoded PNG), cacheable, with an ETag.
#[utoipa::path(tag = "public", params(("id" = String, Path)), responses(
    (status = 200, description = "Image bytes", content_type = "image/png"),
    (status = 304, description = "Not modified"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/logos/{id}")]
pub async fn logo(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (content_type, bytes, etag) = state.db.run(move |conn| logos::load(conn, &id)).await?;
    let etag = format!("\"{etag}\"");
    let cache = (header::CACHE_CONTROL, "public, max-age=86400");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        .unwrap_or(false);
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header(cache)
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .insert_header(cache)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
