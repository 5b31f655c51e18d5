//! Client users (by resellers): list, create, edit, guide and welcome mails, Login As.

use credence_shared::reseller::{
    ClientUser, ClientUserCreate, ClientUserPatch, ImpersonationResponse,
};
use credence_shared::Page;
use gloo_net::http::Method;

use super::{decode, enc, get, page_query, patch, post, push_param, send, ApiResult, Body};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientUserFilter {
    pub client_id: String,
    pub q: String,
    pub status: String,
}

/// `GET /client-users/export.csv` with the list's filters.
pub fn client_users_export_path(filter: &ClientUserFilter) -> String {
    let mut path = "/client-users/export.csv?".to_string();
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    path
}

pub async fn list_client_users(
    filter: &ClientUserFilter,
    cursor: Option<&str>,
) -> ApiResult<Page<ClientUser>> {
    let mut path = format!("/client-users?{}", page_query(50, cursor));
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    get(&path).await
}

pub async fn create_client_user(body: &ClientUserCreate) -> ApiResult<ClientUser> {
    post("/client-users", body).await
}

pub async fn get_client_user(id: &str) -> ApiResult<ClientUser> {
    get(&format!("/client-users/{}", enc(id))).await
}

pub async fn patch_client_user(id: &str, body: &ClientUserPatch) -> ApiResult<ClientUser> {
    patch(&format!("/client-users/{}", enc(id)), body).await
}

/// Emails the Quick Start Guide to one of the reseller's clients' users.
pub async fn send_guide(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/client-users/{}/send-guide", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn resend_welcome(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/client-users/{}/resend-welcome", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// Login As: a short-lived token acting as the client user (kept by `auth`, not here).
pub async fn impersonate(id: &str) -> ApiResult<ImpersonationResponse> {
    decode(
        send(
            Method::POST,
            &format!("/client-users/{}/impersonate", enc(id)),
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}
