//! The vendor admin: brand skins, resellers and their users, settings, audit events, invoices.

use credence_shared::admin::{
    AuditEvent, Brand, BrandCreate, BrandPatch, CatalogueTest, CatalogueTestPatch, CreditPrice,
    CreditPriceCreate, Reseller, ResellerCreate, ResellerPatch, ResellerUserCreate, Settings,
    SettingsPatch,
};
use credence_shared::auth::User;
use credence_shared::reseller::Invoice;
use credence_shared::Page;
use gloo_net::http::Method;

use super::{enc, get, page_query, patch, post, send, ApiResult, Body};

pub async fn list_brands(cursor: Option<&str>) -> ApiResult<Page<Brand>> {
    get(&format!("/admin/brands?{}", page_query(200, cursor))).await
}

pub async fn get_brand(id: &str) -> ApiResult<Brand> {
    get(&format!("/admin/brands/{}", enc(id))).await
}

pub async fn create_brand(body: &BrandCreate) -> ApiResult<Brand> {
    post("/admin/brands", body).await
}

pub async fn patch_brand(id: &str, body: &BrandPatch) -> ApiResult<Brand> {
    patch(&format!("/admin/brands/{}", enc(id)), body).await
}

/// Sends the file's bytes as the body, typed with the file's own content type.
pub async fn upload_brand_logo(id: &str, file: &web_sys::File) -> ApiResult<()> {
    let content_type = file.type_();
    let blob: web_sys::Blob = file.clone().into();
    send(
        Method::PUT,
        &format!("/admin/brands/{}/logo", enc(id)),
        Body::Blob(blob, content_type),
        true,
    )
    .await
    .map(|_| ())
}

/// `GET /admin/resellers/export.csv` for this search.
pub fn resellers_export_path(q: &str) -> String {
    let mut path = "/admin/resellers/export.csv?".to_string();
    if !q.trim().is_empty() {
        path.push_str("q=");
        path.push_str(&enc(q.trim()));
    }
    path
}

pub async fn list_resellers(q: &str, cursor: Option<&str>) -> ApiResult<Page<Reseller>> {
    let mut path = format!("/admin/resellers?{}", page_query(50, cursor));
    if !q.trim().is_empty() {
        path.push_str("&q=");
        path.push_str(&enc(q.trim()));
    }
    get(&path).await
}

pub async fn get_reseller(id: &str) -> ApiResult<Reseller> {
    get(&format!("/admin/resellers/{}", enc(id))).await
}

pub async fn create_reseller(body: &ResellerCreate) -> ApiResult<Reseller> {
    post("/admin/resellers", body).await
}

pub async fn patch_reseller(id: &str, body: &ResellerPatch) -> ApiResult<Reseller> {
    patch(&format!("/admin/resellers/{}", enc(id)), body).await
}

pub async fn list_reseller_users(id: &str, cursor: Option<&str>) -> ApiResult<Page<User>> {
    get(&format!(
        "/admin/resellers/{}/users?{}",
        enc(id),
        page_query(50, cursor)
    ))
    .await
}

pub async fn create_reseller_user(id: &str, body: &ResellerUserCreate) -> ApiResult<User> {
    post(&format!("/admin/resellers/{}/users", enc(id)), body).await
}

/// Prices per credit, newest first.
pub async fn list_prices(cursor: Option<&str>) -> ApiResult<Page<CreditPrice>> {
    get(&format!("/admin/prices?{}", page_query(50, cursor))).await
}

pub async fn create_price(body: &CreditPriceCreate) -> ApiResult<CreditPrice> {
    post("/admin/prices", body).await
}

pub async fn delete_price(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/admin/prices/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// Every test of the catalogue, active or not, with its credit cost.
pub async fn list_catalogue() -> ApiResult<Page<CatalogueTest>> {
    get("/admin/tests").await
}

pub async fn patch_catalogue_test(id: &str, body: &CatalogueTestPatch) -> ApiResult<CatalogueTest> {
    patch(&format!("/admin/tests/{}", enc(id)), body).await
}

pub async fn get_settings() -> ApiResult<Settings> {
    get("/admin/settings").await
}

pub async fn patch_settings(body: &SettingsPatch) -> ApiResult<Settings> {
    patch("/admin/settings", body).await
}

/// An audit event and, when the API names them, the person behind a Login As session.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub event: AuditEvent,
    pub impersonator_name: Option<String>,
}

/// Reads the Login As user's name (`impersonator_name`, or `details.reseller_user.name`) next to
/// the typed event, so the page can say who used Login As where it cannot look reseller users up.
pub async fn list_audit_events(cursor: Option<&str>) -> ApiResult<Page<AuditRow>> {
    let page: Page<serde_json::Value> =
        get(&format!("/audit-events?{}", page_query(50, cursor))).await?;
    let data = page
        .data
        .into_iter()
        .filter_map(|v| {
            let name = |v: &serde_json::Value| {
                v.get("impersonator_name")
                    .and_then(|n| n.as_str())
                    .map(str::to_string)
            };
            let details = v.get("details");
            let impersonator_name = name(&v).or_else(|| details.and_then(name)).or_else(|| {
                // Login As start and end name the reseller user in their details.
                details
                    .and_then(|d| d.get("reseller_user"))
                    .and_then(|r| r.get("name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string)
            });
            serde_json::from_value::<AuditEvent>(v)
                .ok()
                .map(|event| AuditRow {
                    event,
                    impersonator_name,
                })
        })
        .collect();
    Ok(Page {
        data,
        next_cursor: page.next_cursor,
    })
}

/// Every reseller's invoices (vendor admin), optionally of one status.
pub async fn admin_list_invoices(
    status: Option<&str>,
    cursor: Option<&str>,
) -> ApiResult<Page<Invoice>> {
    let mut q = page_query(50, cursor);
    if let Some(s) = status.filter(|s| !s.is_empty()) {
        q.push_str("&status=");
        q.push_str(&enc(s));
    }
    get(&format!("/admin/invoices?{q}")).await
}

/// `issue`, `mark-paid` or `void`.
pub async fn admin_invoice_action(id: &str, action: &str) -> ApiResult<Invoice> {
    post(
        &format!("/admin/invoices/{}/{action}", enc(id)),
        &serde_json::json!({}),
    )
    .await
}
