//! Security headers on every response: no sniffing, no framing, no referrer, no powerful
//! browser features, HSTS when the public URL is https; a Content-Security-Policy on the
//! SPA's HTML (no inline script) and a deny-all one on API JSON; API answers are never cached
//! unless the handler said otherwise (logos). A request made with an API key's token also gets
//! the key's `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the
//! bucket is full), which the `Principal` extractor left in the request's extensions.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use crate::domain::key_limits::Allowance;
use crate::state::AppState;

/// The SPA: its own scripts and the wasm module (`wasm-unsafe-eval` is what
/// `WebAssembly.instantiateStreaming` needs, not `eval`); its own style sheets, plus `style`
/// attributes (the sten bars and the skin preview set widths and colours inline); logos from
/// the API and `blob:` previews of a picked logo; calls to its own API only.
pub const SPA_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' blob: data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// JSON is data, never a document: nothing may load or run from it, nor frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), \
    usb=(), serial=(), bluetooth=(), hid=(), display-capture=(), interest-cohort=()";

pub const HSTS: &str = "max-age=31536000";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.config.public_url.is_https());
    let api = req.path().starts_with("/api");
    let mut res = next.call(req).await?;
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let csp = if content_type.starts_with("text/html") && !api {
        Some(SPA_CSP)
    } else if content_type.contains("json") {
        Some(API_CSP)
    } else {
        None
    };
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if let Some(csp) = csp {
        set(header::CONTENT_SECURITY_POLICY, csp);
    }
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if api && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let allowance = res.request().extensions().get::<Allowance>().copied();
    if let Some(a) = allowance {
        let headers = res.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", i64::from(a.limit)),
            ("ratelimit-remaining", a.remaining),
            ("ratelimit-reset", a.reset_secs as i64),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }
    Ok(res)
}
