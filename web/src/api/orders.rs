//! Credit orders and the reseller's invoices.

use credence_shared::reseller::{
    CreditOrder, CreditOrderCreate, CreditOrderPage, Invoice, InvoiceLine,
};
use credence_shared::Page;
use gloo_net::http::Method;

use super::{decode, download, enc, get, page_query, push_param, send_with, ApiResult, Body};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreditOrderFilter {
    pub client_id: String,
    /// `YYYY-MM-DD`
    pub from: String,
    pub to: String,
}

impl CreditOrderFilter {
    fn query(&self) -> String {
        let mut q = String::new();
        push_param(&mut q, "client_id", &self.client_id);
        push_param(&mut q, "from", &self.from);
        push_param(&mut q, "to", &self.to);
        q
    }
}

pub async fn list_credit_orders(
    filter: &CreditOrderFilter,
    cursor: Option<&str>,
) -> ApiResult<CreditOrderPage> {
    get(&format!(
        "/credit-orders?{}{}",
        page_query(50, cursor),
        filter.query()
    ))
    .await
}

/// `key` is made once per form submission and sent again on a retry, so nothing is added twice.
pub async fn create_credit_order(body: &CreditOrderCreate, key: &str) -> ApiResult<CreditOrder> {
    decode(
        send_with(
            Method::POST,
            "/credit-orders",
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn download_credit_orders_csv(filter: &CreditOrderFilter) -> ApiResult<()> {
    let q = filter.query();
    let q = q.strip_prefix('&').unwrap_or(&q);
    download(
        &format!("/credit-orders/export.csv?{q}"),
        "credit-orders.csv",
    )
    .await
}

pub async fn list_invoices(cursor: Option<&str>) -> ApiResult<Page<Invoice>> {
    get(&format!("/invoices?{}", page_query(50, cursor))).await
}

pub async fn get_invoice(id: &str) -> ApiResult<Invoice> {
    get(&format!("/invoices/{}", enc(id))).await
}

pub async fn list_invoice_lines(id: &str, cursor: Option<&str>) -> ApiResult<Page<InvoiceLine>> {
    get(&format!(
        "/invoices/{}/lines?{}",
        enc(id),
        page_query(200, cursor)
    ))
    .await
}

pub async fn download_invoice_lines_csv(id: &str, filename: &str) -> ApiResult<()> {
    download(&format!("/invoices/{}/lines.csv", enc(id)), filename).await
}
