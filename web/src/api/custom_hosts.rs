//! Custom hosts: the reseller's request and DNS check, the vendor's approval or rejection.
//! `reseller_id` names the reseller for the vendor; `None` is the signed-in reseller's own.

use credence_shared::reseller::{CustomHost, CustomHostRejection, CustomHostRequest};
use gloo_net::http::Method;

use super::{decode, enc, get, post, send, ApiResult, Body};

fn base(reseller_id: Option<&str>) -> String {
    match reseller_id {
        Some(id) => format!("/admin/resellers/{}/custom-host", enc(id)),
        None => "/reseller/custom-host".to_string(),
    }
}

pub async fn get_custom_host(reseller_id: Option<&str>) -> ApiResult<CustomHost> {
    get(&base(reseller_id)).await
}

/// The reseller asks for a host (replacing a request waiting or rejected).
pub async fn request_custom_host(host: &str) -> ApiResult<CustomHost> {
    post(
        "/reseller/custom-host",
        &CustomHostRequest {
            host: host.to_string(),
        },
    )
    .await
}

pub async fn withdraw_custom_host_request() -> ApiResult<CustomHost> {
    decode(
        send(
            Method::DELETE,
            "/reseller/custom-host/request",
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}

/// Removes the host in use and any request.
pub async fn remove_custom_host(reseller_id: Option<&str>) -> ApiResult<CustomHost> {
    decode(send(Method::DELETE, &base(reseller_id), Body::Empty, true).await?).await
}

/// Resolves the host (nothing is contacted) and keeps the result.
pub async fn check_custom_host(reseller_id: Option<&str>) -> ApiResult<CustomHost> {
    post(
        &format!("{}/check", base(reseller_id)),
        &serde_json::json!({}),
    )
    .await
}

pub async fn approve_custom_host(reseller_id: &str) -> ApiResult<CustomHost> {
    post(
        &format!("{}/approve", base(Some(reseller_id))),
        &serde_json::json!({}),
    )
    .await
}

pub async fn reject_custom_host(
    reseller_id: &str,
    reason: Option<String>,
) -> ApiResult<CustomHost> {
    post(
        &format!("{}/reject", base(Some(reseller_id))),
        &CustomHostRejection { reason },
    )
    .await
}
