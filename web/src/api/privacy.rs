//! Data protection: retention periods (the vendor's bounds, the reseller's default, a client's own), erasure
//! requests, a candidate's data export and a client's privacy notice.

use credence_shared::assess::Candidate;
use credence_shared::privacy::{
    ClientPrivacyNotice, ClientPrivacyNoticePut, ClientRetention, ClientRetentionPatch,
    ErasureRequest, ResellerRetention, ResellerRetentionPatch, RetentionBounds,
};
use gloo_net::http::Method;

use super::{decode, download, enc, get, post, send, ApiResult, Body};

/// The vendor's bounds on every retention period.
pub async fn get_retention_bounds() -> ApiResult<RetentionBounds> {
    get("/admin/retention").await
}

pub async fn set_retention_bounds(body: &RetentionBounds) -> ApiResult<RetentionBounds> {
    decode(send(Method::PUT, "/admin/retention", Body::json(body)?, true).await?).await
}

pub async fn get_reseller_retention() -> ApiResult<ResellerRetention> {
    get("/reseller/retention").await
}

pub async fn set_reseller_retention(days: i64) -> ApiResult<ResellerRetention> {
    let body = ResellerRetentionPatch {
        default_days: Some(days),
    };
    decode(send(Method::PUT, "/reseller/retention", Body::json(&body)?, true).await?).await
}

pub async fn get_client_retention(client_id: &str) -> ApiResult<ClientRetention> {
    get(&format!("/clients/{}/retention", enc(client_id))).await
}

/// `None`: back to the reseller's default.
pub async fn set_client_retention(
    client_id: &str,
    days: Option<i64>,
) -> ApiResult<ClientRetention> {
    let path = format!("/clients/{}/retention", enc(client_id));
    let body = ClientRetentionPatch { days };
    decode(send(Method::PUT, &path, Body::json(&body)?, true).await?).await
}

/// Anonymises the candidate now (an erasure request), with the reason for the audit log.
pub async fn erase_candidate(id: &str, reason: &str) -> ApiResult<Candidate> {
    let body = ErasureRequest {
        reason: reason.to_string(),
    };
    post(&format!("/candidates/{}/erasure", enc(id)), &body).await
}

/// As JSON: the export page renders whatever it holds (no typed decoding in the bundle).
pub async fn export_candidate(id: &str) -> ApiResult<serde_json::Value> {
    get(&format!("/candidates/{}/export", enc(id))).await
}

pub async fn download_candidate_export(id: &str) -> ApiResult<()> {
    let path = format!("/candidates/{}/export", enc(id));
    download(&path, &format!("candidate-{id}.json")).await
}

pub async fn get_client_privacy_notice(client_id: String) -> ApiResult<ClientPrivacyNotice> {
    get(&format!("/clients/{}/privacy-notice", enc(&client_id))).await
}

/// `None` for either: back to the default text, or the client's contact email.
pub async fn set_client_privacy_notice(
    client_id: &str,
    body: &ClientPrivacyNoticePut,
) -> ApiResult<ClientPrivacyNotice> {
    let path = format!("/clients/{}/privacy-notice", enc(client_id));
    decode(send(Method::PUT, &path, Body::json(body)?, true).await?).await
}
