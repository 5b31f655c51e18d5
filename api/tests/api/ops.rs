//! Liveness, readiness, metrics, request ids, API docs.

use crate::both_backends;
use crate::helpers::{spawn_app, Backend};

both_backends!(health_ready_and_metrics, request_ids_are_echoed_or_made, api_docs_and_spec_are_served);

async fn health_ready_and_metrics(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(String::from_utf8_lossy(&health.bytes), "ok");
    assert_eq!(app.get("/readyz", None).await.status, 200);
    app.get("/branding", None).await;
    app.get("/branding", None).await;
    let metrics = String::from_utf8(app.get("/metrics", None).await.bytes).unwrap();
    assert!(
        metrics.contains(r#"credence_http_requests_total{method="GET",route="/api/v1/branding",status="200"} 2"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"credence_http_request_duration_seconds_bucket{method="GET",route="/api/v1/branding",status="200",le="+Inf"} 2"#));
    assert!(metrics.contains("# TYPE credence_http_request_duration_seconds histogram"));
}

async fn request_ids_are_echoed_or_made(backend: Backend) {
    let app = spawn_app(backend).await;
    let echoed = app
        .send(app.request(reqwest::Method::GET, "/branding", None).header("x-request-id", "trace-abc-123"))
        .await;
    assert_eq!(echoed.headers["x-request-id"], "trace-abc-123");
    let made = app.get("/branding", None).await;
    assert_eq!(made.headers["x-request-id"].to_str().unwrap().len(), 36);
}

async fn api_docs_and_spec_are_served(backend: Backend) {
    let app = spawn_app(backend).await;
    let redirect = app.get("/api/docs", None).await;
    assert_eq!(redirect.status, 301);
    let docs = app.get("/api/docs/", None).await;
    assert_eq!(docs.status, 200);
    assert!(String::from_utf8_lossy(&docs.bytes).contains("swagger"), "the docs page is Swagger UI, served locally");
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.body["info"]["title"], "Credence API");
    assert!(spec.body["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(spec.body["components"]["securitySchemes"]["bearer"].is_object());
}
