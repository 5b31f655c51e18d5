//! Every failure is a problem+json document with the right status and a stable code.

use reqwest::Method;
use serde_json::json;

use credence_shared::admin::Reseller;
use credence_shared::Page;

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;

both_backends!(
    unknown_api_routes_are_404_problems,
    wrong_methods_are_405_with_allow,
    bodies_must_be_json,
    malformed_json_is_400,
    oversized_bodies_are_413,
    bad_query_and_path_parameters_are_400,
    validation_lists_every_bad_field,
    missing_and_bad_tokens_are_401,
    null_characters_are_refused_everywhere,
);

async fn unknown_api_routes_are_404_problems(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get("/no-such-thing", None)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/elsewhere", None)
        .await
        .assert_problem(404, "not_found");
}

async fn wrong_methods_are_405_with_allow(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app
        .send(app.request(Method::DELETE, "/admin/resellers", None))
        .await;
    reply.assert_problem(405, "method_not_allowed");
    assert_eq!(reply.headers["allow"], "GET, POST");
    let reply = app
        .send(app.request(
            Method::PUT,
            "/admin/brands/0190aaaa-0000-7000-8000-000000000000",
            None,
        ))
        .await;
    reply.assert_problem(405, "method_not_allowed");
    assert_eq!(reply.headers["allow"], "GET, PATCH");
}

async fn bodies_must_be_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app
        .send(
            app.request(Method::POST, "/auth/login", None)
                .header("content-type", "text/plain")
                .body("email=x"),
        )
        .await;
    reply.assert_problem(415, "unsupported_media_type");
}

async fn malformed_json_is_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app
        .send(
            app.request(Method::POST, "/auth/login", None)
                .header("content-type", "application/json")
                .body("{\"email\":"),
        )
        .await;
    reply.assert_problem(400, "malformed_json");
}

async fn oversized_bodies_are_413(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_BODY_LIMIT_BYTES", "4096".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let big = json!({ "email": "a@b.co", "password": "x".repeat(10_000) });
    let reply = app.post("/auth/login", None, big).await;
    reply.assert_problem(413, "payload_too_large");
}

async fn bad_query_and_path_parameters_are_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    app.get("/admin/resellers?limit=0", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/admin/resellers?limit=201", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/admin/resellers?limit=abc", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/admin/resellers?cursor=garbage", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/admin/resellers?status=sleeping", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
}

async fn validation_lists_every_bad_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reply = app
        .post("/admin/resellers", Some(&admin), json!({ "contact_email": "not-an-email", "discount_percent": 150, "currency": "XYZ", "custom_host": "http://bad/" }))
        .await;
    reply.assert_problem(422, "validation_failed");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "contact_email",
            "currency",
            "custom_host",
            "discount_percent",
            "name"
        ]
    );
    let wrong_type = app
        .post(
            "/admin/resellers",
            Some(&admin),
            json!({ "name": "X", "discount_percent": "lots" }),
        )
        .await;
    wrong_type.assert_problem(422, "validation_failed");
    assert_eq!(wrong_type.error_fields(), ["discount_percent"]);
    // Nothing was created by the refused requests.
    let list: Page<Reseller> = app.get("/admin/resellers", Some(&admin)).await.json();
    assert_eq!(list.data.len(), 0);
}

async fn missing_and_bad_tokens_are_401(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get("/me", None)
        .await
        .assert_problem(401, "missing_token");
    app.get("/me", Some("not.a.jwt"))
        .await
        .assert_problem(401, "invalid_token");
    app.get("/admin/brands", None)
        .await
        .assert_problem(401, "missing_token");
}

/// PostgreSQL cannot store a null character; the fuzzer found a 500 there for a brand id and a
/// search term holding one. Refused the same way on both databases, and nothing is created.
async fn null_characters_are_refused_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reply = app
        .post(
            "/admin/resellers",
            Some(&admin),
            json!({ "name": "Nul\u{0}Co", "contact_email": "nul@example.com", "currency": "GBP" }),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["name"]);
    let reply = app
        .post(
            "/admin/resellers",
            Some(&admin),
            json!({ "name": "Nul Co", "contact_email": "nul@example.com", "currency": "GBP", "brand_ids": ["a\u{0}"] }),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["brand_ids[0]"]);
    let list: Page<Reseller> = app.get("/admin/resellers", Some(&admin)).await.json();
    assert_eq!(list.data.len(), 0);
    app.get("/admin/resellers?q=a%00b", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/admin/resellers/%00", Some(&admin))
        .await
        .assert_problem(404, "not_found");
}
