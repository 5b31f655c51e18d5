//! Liveness, readiness, metrics, request ids, API docs.

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;
use serde_json::json;

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

both_backends!(each_area_gets_its_own_bundle_and_hashed_files_are_immutable);

async fn each_area_gets_its_own_bundle_and_hashed_files_are_immutable(backend: Backend) {
    use credence_shared::bundle::Bundle;

    // A build as `make web` lays it out: the real index.html, a manifest naming each bundle's
    // hashed files (web/assemble.mjs), and those files.
    let web = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(web.path().join("pkg")).unwrap();
    let index =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/index.html")).unwrap();
    std::fs::write(web.path().join("index.html"), &index).unwrap();
    let files = |b: Bundle| {
        let n = b.name();
        (
            format!("pkg/{n}.{:016x}.js", n.len() as u64 * 17),
            format!("pkg/{n}.{:016x}.wasm", n.len() as u64 * 31),
        )
    };
    let mut bundles = serde_json::Map::new();
    for b in Bundle::ALL {
        let (js, wasm) = files(b);
        std::fs::write(web.path().join(&js), "// js").unwrap();
        std::fs::write(web.path().join(&wasm), b"\0asm").unwrap();
        bundles.insert(b.name().into(), json!({ "js": js, "wasm": wasm }));
    }
    std::fs::write(
        web.path().join("manifest.json"),
        json!({ "bundles": bundles, "files": {} }).to_string(),
    )
    .unwrap();
    std::fs::write(web.path().join("favicon.svg"), "<svg/>").unwrap();
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_WEB_DIR", web.path().display().to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();

    // A candidate's page names the test area's files and no other bundle's.
    for (path, own) in [
        ("/test", Bundle::TestArea),
        ("/test/assessment/abc/run", Bundle::TestArea),
        ("/admin/resellers", Bundle::Admin),
        ("/reseller/clients/1", Bundle::Reseller),
        ("/client", Bundle::Client),
        ("/login", Bundle::Public),
        ("/", Bundle::Public),
        ("/no-such-page", Bundle::Public),
    ] {
        let page = get(path).await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        let html = page.text().await.unwrap();
        let (js, wasm) = files(own);
        assert!(
            html.contains(&format!("<script type=\"module\" src=\"/{js}\"></script>")),
            "{path}: {html}"
        );
        assert!(
            html.contains(&format!("<link rel=\"preload\" href=\"/{wasm}\"")),
            "{path}: {html}"
        );
        for other in Bundle::ALL.into_iter().filter(|b| *b != own) {
            let (js, wasm) = files(other);
            assert!(
                !html.contains(&js) && !html.contains(&wasm),
                "{path}: {html}"
            );
        }
        assert!(!html.contains("/app.js"), "{path}: {html}");
        // Still no inline script: every script has a src.
        for script in html.split("<script").skip(1) {
            assert!(script.split('>').next().unwrap().contains("src="), "{path}");
        }
    }

    // The hashed files are kept a year; other files and index.html itself are revalidated.
    let (js, wasm) = files(Bundle::TestArea);
    for file in [js, wasm] {
        let reply = get(&format!("/{file}")).await.unwrap();
        assert_eq!(reply.status(), 200, "{file}");
        assert_eq!(
            reply.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{file}"
        );
    }
    for file in ["/favicon.svg", "/index.html", "/manifest.json"] {
        let reply = get(file).await.unwrap();
        assert_eq!(reply.status(), 200, "{file}");
        assert_eq!(reply.headers()["cache-control"], "no-cache", "{file}");
    }
}
