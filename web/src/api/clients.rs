//! A reseller's clients: skins they may use, the client list and record, logos, the credit ledger.

use credence_shared::admin::Brand;
use credence_shared::reseller::{
    Client, ClientClosureCreate, ClientCreate, ClientPatch, CreditAdjustmentCreate, LedgerEntry,
};
use credence_shared::Page;
use gloo_net::http::Method;

use super::{decode, enc, get, page_query, patch, post, push_param, send, ApiResult, Body};

/// The skins this reseller may give its clients (the platform default first).
pub async fn list_reseller_brands() -> ApiResult<Page<Brand>> {
    get("/brands?limit=200").await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientFilter {
    pub q: String,
    pub status: String,
    pub brand_id: String,
    pub below_threshold: bool,
}

/// `GET /clients/export.csv` with the list's filters.
pub fn clients_export_path(filter: &ClientFilter) -> String {
    let mut path = "/clients/export.csv?".to_string();
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    push_param(&mut path, "brand_id", &filter.brand_id);
    if filter.below_threshold {
        path.push_str("&below_threshold=true");
    }
    path
}

pub async fn list_clients(
    filter: &ClientFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Client>> {
    let mut path = format!("/clients?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    push_param(&mut path, "brand_id", &filter.brand_id);
    if filter.below_threshold {
        path.push_str("&below_threshold=true");
    }
    get(&path).await
}

/// The client with this code (exact, case-insensitive), if there is one.
pub async fn find_client_by_code(code: &str) -> ApiResult<Option<Client>> {
    let page: Page<Client> = get(&format!("/clients?limit=1&code={}", enc(code.trim()))).await?;
    Ok(page.data.into_iter().next())
}

pub async fn create_client(body: &ClientCreate) -> ApiResult<Client> {
    post("/clients", body).await
}

pub async fn get_client(id: &str) -> ApiResult<Client> {
    get(&format!("/clients/{}", enc(id))).await
}

pub async fn patch_client(id: &str, body: &ClientPatch) -> ApiResult<Client> {
    patch(&format!("/clients/{}", enc(id)), body).await
}

/// The file's bytes as the body, typed with the file's own content type.
pub async fn upload_client_logo(id: &str, file: &web_sys::File) -> ApiResult<Client> {
    let content_type = file.type_();
    let blob: web_sys::Blob = file.clone().into();
    decode(
        send(
            Method::PUT,
            &format!("/clients/{}/logo", enc(id)),
            Body::Blob(blob, content_type),
            true,
        )
        .await?,
    )
    .await
}

/// Closes the client after its grace period.
pub async fn close_client(id: &str, body: &ClientClosureCreate) -> ApiResult<Client> {
    post(&format!("/clients/{}/closure", enc(id)), body).await
}

/// Withdraws the client's pending closure.
pub async fn withdraw_client_closure(id: &str) -> ApiResult<Client> {
    decode(
        send(
            Method::DELETE,
            &format!("/clients/{}/closure", enc(id)),
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}

pub async fn delete_client_logo(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/clients/{}/logo", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn list_ledger(client_id: &str, cursor: Option<&str>) -> ApiResult<Page<LedgerEntry>> {
    get(&format!(
        "/clients/{}/ledger?{}",
        enc(client_id),
        page_query(50, cursor)
    ))
    .await
}

pub async fn create_credit_adjustment(
    client_id: &str,
    body: &CreditAdjustmentCreate,
) -> ApiResult<LedgerEntry> {
    post(
        &format!("/clients/{}/credit-adjustments", enc(client_id)),
        body,
    )
    .await
}

/// What a new client gets by default (the platform's credit threshold, the default skin).
pub async fn client_defaults() -> ApiResult<credence_shared::reseller::ClientDefaults> {
    get("/client-defaults").await
}
