//! Logging and metrics: tracing set up once, a request id per request, Prometheus counters and
//! latency histograms by route and status, and the last line of defence that turns any error
//! (or panic) under /api into a problem+json document.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};
use futures_util::FutureExt;
use tracing::Instrument;

use crate::error::ApiError;
use crate::routes::problem::{problem, PROBLEM_JSON};
use crate::state::AppState;

/// Sets up logging with the filter `config.rs` validated (`CREDENCE_LOG`).
pub fn init_tracing(filter: &crate::config::LogFilter) {
    let filter = tracing_subscriber::EnvFilter::new(filter.as_str());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts and latency histograms keyed by (method, route pattern, status).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let s = series
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        use std::fmt::Write;
        let series = match self.series.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut out = String::new();
        out.push_str(
            "# HELP credence_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE credence_http_requests_total counter\n");
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(out, "credence_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}", s.count);
        }
        out.push_str("# HELP credence_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE credence_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "credence_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "credence_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "credence_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "credence_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// The method as a metrics label: the standard ones by name, anything else `other`, so made-up
/// methods cannot grow the label set (and with it every scrape).
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

fn http_method(method: &str) -> actix_web::http::Method {
    method.parse().unwrap_or(actix_web::http::Method::GET)
}

fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "service_unavailable",
        s if s >= 500 => "internal_error",
        _ => "error",
    }
}

/// With `CREDENCE_COUNT_STATEMENTS=on`, every answer says in `X-Statement-Count` how many
/// statements the request sent to the database (tests prove with it that a list page costs
/// as many queries for one row as for fifty). Off, it only passes the request on.
pub async fn count_statements(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let on = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.config.count_statements);
    if !on {
        return next.call(req).await;
    }
    let (response, statements) =
        crate::db::instrument::counting(async move { next.call(req).await }).await;
    let mut response = response?;
    response.headers_mut().insert(
        header::HeaderName::from_static("x-statement-count"),
        header::HeaderValue::from(statements),
    );
    Ok(response)
}

/// Wraps every request: request id, span, panic guard, problem fallback, metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().to_string();
    let method_label = method_label(req.method());
    let path = req.path().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let span = tracing::info_span!("request", request_id = %id, %method, %path);

    let outcome = AssertUnwindSafe(next.call(req).instrument(span.clone()))
        .catch_unwind()
        .await;
    // The request moved into the service (actix needs it unshared); if the service failed or
    // panicked we answer with a stand-in request carrying the same method and path.
    let stand_in = || {
        actix_web::test::TestRequest::default()
            .method(http_method(&method))
            .uri(&path)
            .to_http_request()
    };
    let mut res = match outcome {
        Ok(Ok(res)) => res.map_into_boxed_body(),
        Ok(Err(err)) => ServiceResponse::new(stand_in(), err.error_response()),
        Err(_) => {
            span.in_scope(|| tracing::error!("handler panicked"));
            ServiceResponse::new(stand_in(), ApiError::internal("panic").error_response())
        }
    };
    let http_req = res.request().clone();

    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(PROBLEM_JSON));
    if path.starts_with("/api")
        && (status.is_client_error() || status.is_server_error())
        && !is_problem
    {
        // An error raised outside our handlers (routing, actix extractors): same shape as ours.
        let detail = if status.is_server_error() {
            None
        } else {
            Some(status.canonical_reason().unwrap_or("Error").to_string())
        };
        let mut replacement = HttpResponse::build(status);
        replacement.content_type(PROBLEM_JSON);
        for name in [header::ALLOW, header::RETRY_AFTER] {
            if let Some(value) = res.headers().get(&name) {
                replacement.insert_header((name.clone(), value.clone()));
            }
        }
        let body = replacement.json(problem(status, code_for(status), detail, vec![]));
        res = ServiceResponse::new(http_req.clone(), body);
    }
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    // Route patterns only (a bounded set); every path no route matched is one label.
    let route = http_req.match_pattern().unwrap_or_else(|| {
        if path.starts_with("/api") {
            "unmatched".into()
        } else {
            "spa".into()
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(state) = state {
        state
            .metrics
            .observe(method_label, &route, res.status().as_u16(), elapsed);
    }
    span.in_scope(
        || tracing::info!(status = res.status().as_u16(), %route, ms = elapsed * 1000.0, "request"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use actix_web::{middleware::from_fn, test as actix_test, web, App, HttpResponse};

    use super::*;

    #[actix_web::test]
    async fn panics_and_foreign_errors_become_problems_without_internals() {
        let app = actix_test::init_service(
            App::new()
                .wrap(from_fn(observe))
                .route(
                    "/api/boom",
                    web::get().to(|| async {
                        if std::hint::black_box(true) {
                            panic!("secret internal detail");
                        }
                        HttpResponse::Ok().finish()
                    }),
                )
                .route(
                    "/api/teapot",
                    web::get().to(|| async { HttpResponse::ImATeapot().body("plain text") }),
                ),
        )
        .await;
        let res = actix_test::call_service(
            &app,
            actix_test::TestRequest::get().uri("/api/boom").to_request(),
        )
        .await;
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers().get("content-type").unwrap(), PROBLEM_JSON);
        let body = actix_test::read_body(res).await;
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("\"code\":\"internal_error\""));
        assert!(!text.contains("secret"), "{text}");

        let res = actix_test::call_service(
            &app,
            actix_test::TestRequest::get()
                .uri("/api/teapot")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 418);
        assert_eq!(res.headers().get("content-type").unwrap(), PROBLEM_JSON);
    }

    #[test]
    fn unknown_methods_are_one_label() {
        use actix_web::http::Method;
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let made_up = Method::from_bytes(b"XYZZY").unwrap();
        assert_eq!(method_label(&made_up), "other");
    }

    #[test]
    fn metrics_render_counts_and_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/x", 200, 0.02);
        m.observe("GET", "/x", 200, 3.0);
        let text = m.render();
        assert!(text
            .contains(r#"credence_http_requests_total{method="GET",route="/x",status="200"} 2"#));
        assert!(text.contains(r#"credence_http_request_duration_seconds_bucket{method="GET",route="/x",status="200",le="0.025"} 1"#));
        assert!(text.contains(r#"credence_http_request_duration_seconds_bucket{method="GET",route="/x",status="200",le="5"} 2"#));
    }
}
