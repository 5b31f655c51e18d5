//! Partner integrations: API keys exchanged for tokens (client credentials).

use std::time::Duration;

use credence_shared::auth::{ApiKey, ClientCredentialsResponse};
use credence_shared::reseller::{Client, ClientUser, CreditOrder, ImpersonationResponse, Webhook};
use credence_shared::Page;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::wait::wait_until;

both_backends!(
    an_api_key_does_what_its_owner_may_within_its_scopes_until_revoked,
    webhooks_deliver_signed_events
);

async fn an_api_key_does_what_its_owner_may_within_its_scopes_until_revoked(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Integrating Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Other Partners").await;
    let client = app.create_client(&reseller, "Integrated Co", 0).await;
    app.post("/api-keys", Some(&reseller), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let key: ApiKey = app
        .post("/api-keys", Some(&reseller), json!({ "name": "ATS sync" }))
        .await
        .expect(201);
    let (client_id, secret) = (key.client_id.clone(), key.client_secret.clone().unwrap());
    let listed: Page<ApiKey> = app.get("/api-keys", Some(&reseller)).await.json();
    assert_eq!(listed.data[0].client_id, client_id);
    assert_eq!(
        listed.data[0].client_secret, None,
        "the secret is shown once"
    );
    let theirs: Page<ApiKey> = app.get("/api-keys", Some(&other)).await.json();
    assert_eq!(theirs.data.len(), 0);

    app.post(
        "/auth/token",
        None,
        json!({ "grant_type": "password", "client_id": client_id, "client_secret": secret }),
    )
    .await
    .assert_problem(400, "unsupported_grant_type");
    app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": "cs_wrong" })).await.assert_problem(401, "invalid_client");
    let token: ClientCredentialsResponse = app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret })).await.expect(200);
    assert_eq!(token.expires_in, 900);
    let access = token.access_token;
    // The partner does what the article does, over the API.
    let clients: Page<Client> = app.get("/clients", Some(&access)).await.json();
    assert_eq!(clients.data[0].code, client.code);
    let order: CreditOrder = app
        .post(
            "/credit-orders",
            Some(&access),
            json!({ "client_code": client.code, "credits": 25 }),
        )
        .await
        .expect(201);
    assert_eq!(order.credits, 25);
    // People are never managed with a key, whatever its scopes (see api_key_scopes.rs).
    app.post(
        "/client-users",
        Some(&access),
        json!({ "client_id": client.id, "name": "Via API", "email": "via.api@integrated.example" }),
    )
    .await
    .assert_problem(403, "api_key_not_allowed");
    app.get("/admin/resellers", Some(&access))
        .await
        .assert_problem(403, "forbidden");

    let key_id = &key.id;
    app.delete(&format!("/api-keys/{key_id}"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    // Keys cannot be made or revoked inside a Login As session.
    let (_, _) = app
        .client_user(&reseller, Some(&client.id), "keyless@integrated.example")
        .await;
    let uid = app
        .get("/client-users?q=keyless", Some(&reseller))
        .await
        .json::<Page<ClientUser>>()
        .data[0]
        .id
        .clone();
    let viewing = app
        .post(
            &format!("/client-users/{uid}/impersonate"),
            Some(&reseller),
            json!({}),
        )
        .await
        .expect::<ImpersonationResponse>(200)
        .access_token;
    app.post("/api-keys", Some(&viewing), json!({ "name": "sneaky" }))
        .await
        .assert_problem(403, "forbidden");
    let revoked = app
        .delete(&format!("/api-keys/{key_id}"), Some(&reseller))
        .await;
    assert_eq!(revoked.status, 204);
    app.get("/clients", Some(&access))
        .await
        .assert_problem(401, "session_ended");
    app.post("/auth/token", None, json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret })).await.assert_problem(401, "invalid_client");
}

/// A one-route HTTP server that keeps (headers, body) of every request and answers 200.
async fn receiver() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hooks",
        listener.local_addr().unwrap().port()
    );
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = seen.clone();
    actix_web::rt::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(split) = text.find("\r\n\r\n") {
                    let head = text[..split].to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map(|v| v.trim().parse().unwrap())
                        .unwrap_or(0);
                    if buf.len() >= split + 4 + length {
                        store
                            .lock()
                            .unwrap()
                            .push((head, text[split + 4..split + 4 + length].to_string()));
                        break;
                    }
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    (url, seen)
}

async fn webhooks_deliver_signed_events(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_MAIL_POLL_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Hooked Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Unhooked Partners").await;
    let (url, seen) = receiver().await;
    let bad = app
        .post(
            "/webhooks",
            Some(&reseller),
            json!({ "url": "ftp://x", "events": ["client.exploded"] }),
        )
        .await;
    assert_eq!(bad.error_fields(), ["url", "events"]);
    let hook = app
        .post(
            "/webhooks",
            Some(&reseller),
            json!({ "url": url, "events": ["client.credits_low"] }),
        )
        .await;
    let hook: Webhook = hook.expect(201);
    let secret = hook.secret.clone().unwrap();
    let hooks: Page<Webhook> = app.get("/webhooks", Some(&reseller)).await.json();
    assert_eq!(hooks.data[0].secret, None);
    let hook_id = hook.id.clone();
    app.delete(&format!("/webhooks/{hook_id}"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    // A client falls below its threshold (10): one signed event arrives.
    let client = app.create_client(&reseller, "Hooked Co", 12).await;
    app.post(
        &format!("/clients/{}/credit-adjustments", client.id),
        Some(&reseller),
        json!({ "credits": 5, "reason": "test" }),
    )
    .await
    .assert_status(201);
    let (head, body) = wait_until(
        "the event was delivered",
        Duration::from_secs(5),
        || async { seen.lock().unwrap().first().cloned() },
    )
    .await;
    // The webhook payload has no DTO in `credence_shared`: read as JSON.
    let event: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["type"], "client.credits_low");
    assert_eq!(event["data"]["client_code"], client.code);
    assert_eq!(event["data"]["credit_balance"], 7);
    let signature = head
        .lines()
        .find_map(|l| l.strip_prefix("credence-signature:"))
        .unwrap()
        .trim()
        .to_string();
    let t: i64 = signature
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(
        signature,
        credence_api::jobs::webhooks::signature(&secret, t, &body)
    );
    let deleted = app
        .delete(&format!("/webhooks/{hook_id}"), Some(&reseller))
        .await;
    assert_eq!(deleted.status, 204);
    let hooks: Page<Webhook> = app.get("/webhooks", Some(&reseller)).await.json();
    assert_eq!(hooks.data.len(), 0);
}
