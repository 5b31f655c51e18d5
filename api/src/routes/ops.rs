//! Operations endpoints outside the API: liveness, readiness, Prometheus metrics.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use diesel::connection::SimpleConnection;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// `GET /readyz`: the database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ok = state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(crate::error::ApiError::internal)
        })
        .await;
    match ok {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable"),
    }
}

/// `GET /metrics`: request counts and latency histograms by route and status, for a scraper
/// that sends `Authorization: Bearer <CREDENCE_METRICS_TOKEN>`. Without that setting the
/// endpoint does not exist (404), so metrics are never public by accident.
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(ApiError::not_found());
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or_default();
    // Compare digests, so the time taken says nothing about how much of the token matched.
    if Sha256::digest(presented.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(ApiError::unauthorized(
            "invalid_metrics_token",
            "Send the metrics token as a bearer token.",
        ));
    }
    let mut body = state.metrics.render();
    let watch = state.sessions.watch();
    body.push_str(&format!(
        "# HELP credence_session_epoch_listener_up Whether the session epoch is known from the \
         PostgreSQL listener (0: read per request).\n\
         # TYPE credence_session_epoch_listener_up gauge\n\
         credence_session_epoch_listener_up {}\n\
         # HELP credence_session_epoch_notifications_total Session epoch notifications received.\n\
         # TYPE credence_session_epoch_notifications_total counter\n\
         credence_session_epoch_notifications_total {}\n\
         # HELP credence_session_epoch_listener_connections_total Connections the session epoch listener opened.\n\
         # TYPE credence_session_epoch_listener_connections_total counter\n\
         credence_session_epoch_listener_connections_total {}\n",
        u8::from(watch.is_up()),
        watch.notifications(),
        watch.connections(),
    ));
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
