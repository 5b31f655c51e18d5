//! Partner integrations: API keys exchanged for tokens (client credentials).

use serde_json::json;

use crate::both_backends;
use crate::helpers::{reseller_with_user, spawn_app, Backend};

both_backends!(an_api_key_does_what_its_owner_may_until_revoked);

async fn an_api_key_does_what_its_owner_may_until_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Integrating Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Other Partners").await;
    let client = app.create_client(&reseller, "Integrated Co", 0).await;
    app.post("/api-keys", Some(&reseller), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let key = app
        .post("/api-keys", Some(&reseller), json!({ "name": "ATS sync" }))
        .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let (client_id, secret) = (
        key.body["client_id"].as_str().unwrap().to_string(),
        key.body["client_secret"].as_str().unwrap().to_string(),
    );
    let listed = app.get("/api-keys", Some(&reseller)).await;
    assert_eq!(listed.body["data"][0]["client_id"], client_id);
    assert!(
        listed.body["data"][0]["client_secret"].is_null(),
        "the secret is shown once"
    );
    assert_eq!(
        app.get("/api-keys", Some(&other)).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    app.post(
        "/auth/token",
        None,
        json!({ "grant_type": "password", "client_id": client_id, "client_secret": secret }),
    )
    .await
    .assert_problem(400, "unsupported_grant_type");
    app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": "cs_wrong" })).await.assert_problem(401, "invalid_client");
    let token = app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret })).await;
    assert_eq!(token.status, 200, "{}", token.body);
    assert_eq!(token.body["expires_in"], 900);
    let access = token.body["access_token"].as_str().unwrap().to_string();
    // The partner does what the article does, over the API.
    assert_eq!(
        app.get("/clients", Some(&access)).await.body["data"][0]["code"],
        client["code"]
    );
    let order = app
        .post(
            "/credit-orders",
            Some(&access),
            json!({ "client_code": client["code"], "credits": 25 }),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.body);
    let user = app.post("/client-users", Some(&access), json!({ "client_id": client["id"], "name": "Via API", "email": "via.api@integrated.example" })).await;
    assert_eq!(user.status, 201);
    app.get("/admin/resellers", Some(&access))
        .await
        .assert_problem(403, "forbidden");

    let key_id = key.body["id"].as_str().unwrap();
    app.send(app.request(
        reqwest::Method::DELETE,
        &format!("/api-keys/{key_id}"),
        Some(&other),
    ))
    .await
    .assert_problem(404, "not_found");
    // Keys cannot be made or revoked inside a Login As session.
    let (_, _) = app
        .client_user(
            &reseller,
            client["id"].as_str(),
            "keyless@integrated.example",
        )
        .await;
    let uid = app
        .get("/client-users?q=keyless", Some(&reseller))
        .await
        .body["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let viewing = app
        .post(
            &format!("/client-users/{uid}/impersonate"),
            Some(&reseller),
            json!({}),
        )
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.post("/api-keys", Some(&viewing), json!({ "name": "sneaky" }))
        .await
        .assert_problem(403, "forbidden");
    let revoked = app
        .send(app.request(
            reqwest::Method::DELETE,
            &format!("/api-keys/{key_id}"),
            Some(&reseller),
        ))
        .await;
    assert_eq!(revoked.status, 204);
    app.get("/clients", Some(&access))
        .await
        .assert_problem(401, "session_ended");
    app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret })).await.assert_problem(401, "invalid_client");
}
