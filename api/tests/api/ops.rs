//! Liveness, readiness, metrics, request ids, API docs.

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;

both_backends!(
    health_ready_and_metrics,
    request_ids_are_echoed_or_made,
    api_docs_and_spec_are_served
);

async fn health_ready_and_metrics(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [(
                "CREDENCE_METRICS_TOKEN",
                crate::edge::METRICS_TOKEN.to_string(),
            )]
            .into(),
            ..Default::default()
        },
    )
    .await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(String::from_utf8_lossy(&health.bytes), "ok");
    assert_eq!(app.get("/readyz", None).await.status, 200);
    app.get("/branding", None).await;
    app.get("/branding", None).await;
    let metrics = app
        .get("/metrics", Some(crate::edge::METRICS_TOKEN))
        .await
        .assert_status(200)
        .text();
    assert!(
        metrics.contains(
            r#"credence_http_requests_total{method="GET",route="/api/v1/branding",status="200"} 2"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains(r#"credence_http_request_duration_seconds_bucket{method="GET",route="/api/v1/branding",status="200",le="+Inf"} 2"#));
    assert!(metrics.contains("# TYPE credence_http_request_duration_seconds histogram"));
}

async fn request_ids_are_echoed_or_made(backend: Backend) {
    let app = spawn_app(backend).await;
    let echoed = app
        .send(
            app.request(reqwest::Method::GET, "/branding", None)
                .header("x-request-id", "trace-abc-123"),
        )
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
    assert!(
        String::from_utf8_lossy(&docs.bytes).contains("swagger"),
        "the docs page is Swagger UI, served locally"
    );
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.body["info"]["title"], "Credence API");
    assert!(spec.body["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(spec.body["components"]["securitySchemes"]["bearer"].is_object());
}

both_backends!(the_spa_is_served_precompressed_with_client_side_routes);

async fn the_spa_is_served_precompressed_with_client_side_routes(backend: Backend) {
    let web = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(web.path().join("pkg")).unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>Loading…</title>",
    )
    .unwrap();
    std::fs::write(web.path().join("pkg/app_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(web.path().join("pkg/app_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(web.path().join("pkg/app_bg.wasm.gz"), b"gzip bytes").unwrap();
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_WEB_DIR", web.path().display().to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let client = reqwest::Client::builder()
        .no_brotli()
        .no_gzip()
        .build()
        .unwrap();
    let get = |path: &str, encoding: &str| {
        client
            .get(format!("{}{path}", app.address))
            .header("accept-encoding", encoding)
            .send()
    };

    let br = get("/pkg/app_bg.wasm", "gzip, br").await.unwrap();
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let gz = get("/pkg/app_bg.wasm", "gzip").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let plain = get("/pkg/app_bg.wasm", "identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm plain");

    // index.html goes out titled with the host's skin (here the default one).
    let product = app
        .get("/branding", None)
        .await
        .json::<credence_shared::admin::Branding>()
        .brand
        .product_name;
    for route in ["/", "/login", "/admin/resellers/123", "/set-password"] {
        let page = get(route, "identity").await.unwrap();
        assert_eq!(page.status(), 200, "{route}");
        assert!(page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(page
            .text()
            .await
            .unwrap()
            .contains(&format!("<title>{product}</title>")));
    }
    assert_eq!(get("/missing.js", "identity").await.unwrap().status(), 404);
    for escape in [
        "/../Cargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
        "/.hidden",
    ] {
        let reply = get(escape, "identity").await.unwrap();
        assert_eq!(reply.status(), 404, "{escape}");
        assert!(!reply.text().await.unwrap().contains("[package]"));
    }
    let api_404 = get("/api/v1/nothing-here", "identity").await.unwrap();
    assert_eq!(api_404.status(), 404);
    assert_eq!(
        api_404.headers()["content-type"],
        "application/problem+json"
    );
}
