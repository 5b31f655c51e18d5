//! API keys and webhook subscriptions (reseller and client portals), with each webhook's
//! delivery log, redelivery and test event.

use credence_shared::reseller::WebhookDelivery;
use credence_shared::Page;
use gloo_net::http::Method;

use super::{enc, get, page_query, patch, post, send, ApiResult, Body};

pub async fn list_api_keys() -> ApiResult<Page<credence_shared::auth::ApiKey>> {
    get("/api-keys").await
}

/// `rate_per_minute` `None`: the server's default.
pub async fn create_api_key(
    name: &str,
    scopes: &[credence_shared::ApiKeyScope],
    rate_per_minute: Option<i64>,
) -> ApiResult<credence_shared::auth::ApiKey> {
    post(
        "/api-keys",
        &credence_shared::auth::ApiKeyCreate {
            name: name.to_string(),
            scopes: Some(scopes.iter().map(|s| s.as_str().to_string()).collect()),
            rate_per_minute,
        },
    )
    .await
}

pub async fn revoke_api_key(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/api-keys/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn list_webhooks() -> ApiResult<Page<credence_shared::reseller::Webhook>> {
    get("/webhooks").await
}

pub async fn create_webhook(
    body: &credence_shared::reseller::WebhookCreate,
) -> ApiResult<credence_shared::reseller::Webhook> {
    post("/webhooks", body).await
}

pub async fn delete_webhook(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/webhooks/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// One page of a webhook's deliveries, newest first.
pub async fn list_webhook_deliveries(
    webhook_id: &str,
    cursor: Option<&str>,
) -> ApiResult<Page<WebhookDelivery>> {
    get(&format!(
        "/webhooks/{}/deliveries?{}",
        enc(webhook_id),
        page_query(20, cursor)
    ))
    .await
}

/// Queues the same event again (a new delivery in the log).
pub async fn redeliver_webhook_delivery(
    webhook_id: &str,
    delivery_id: &str,
) -> ApiResult<WebhookDelivery> {
    post(
        &format!(
            "/webhooks/{}/deliveries/{}/redeliver",
            enc(webhook_id),
            enc(delivery_id)
        ),
        &serde_json::json!({}),
    )
    .await
}

/// Queues a signed `ping` to the webhook.
pub async fn send_webhook_test(webhook_id: &str) -> ApiResult<WebhookDelivery> {
    post(
        &format!("/webhooks/{}/test", enc(webhook_id)),
        &serde_json::json!({}),
    )
    .await
}

/// The client's ATS connectors (client users).
pub async fn list_ats_connectors() -> ApiResult<Page<credence_shared::ats::AtsConnector>> {
    get("/ats-connectors").await
}

/// Connects an ATS: the answer holds the credential, once.
pub async fn create_ats_connector(
    kind: credence_shared::AtsKind,
) -> ApiResult<credence_shared::ats::AtsConnector> {
    post(
        "/ats-connectors",
        &credence_shared::ats::AtsConnectorCreate {
            kind: kind.as_str().to_string(),
            callback_token: None,
        },
    )
    .await
}

/// Sets (or with an empty token removes) the token the ATS gave for results.
pub async fn set_ats_callback_token(
    id: &str,
    token: &str,
) -> ApiResult<credence_shared::ats::AtsConnector> {
    patch(
        &format!("/ats-connectors/{}", enc(id)),
        &credence_shared::ats::AtsConnectorPatch {
            callback_token: Some(token.to_string()),
        },
    )
    .await
}

pub async fn disable_ats_connector(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/ats-connectors/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}
