//! Resale prices, client statements and the margin report (reseller staff).

use credence_shared::resale::{ClientStatement, MarginReport, ResalePrice, ResalePriceSet};
use gloo_net::http::Method;

use super::{decode, download, enc, get, send, ApiResult, Body};

async fn put_price(path: &str, unit_price_minor: Option<i64>) -> ApiResult<ResalePrice> {
    let body = ResalePriceSet { unit_price_minor };
    decode(send(Method::PUT, path, Body::json(&body)?, true).await?).await
}

pub async fn get_resale_price() -> ApiResult<ResalePrice> {
    get("/reseller/resale-price").await
}

pub async fn set_resale_price(unit_price_minor: Option<i64>) -> ApiResult<ResalePrice> {
    put_price("/reseller/resale-price", unit_price_minor).await
}

pub async fn get_client_resale_price(client_id: &str) -> ApiResult<ResalePrice> {
    get(&format!("/clients/{}/resale-price", enc(client_id))).await
}

pub async fn set_client_resale_price(
    client_id: &str,
    unit_price_minor: Option<i64>,
) -> ApiResult<ResalePrice> {
    put_price(
        &format!("/clients/{}/resale-price", enc(client_id)),
        unit_price_minor,
    )
    .await
}

pub async fn get_statement(client_id: &str, period: &str) -> ApiResult<ClientStatement> {
    get(&format!(
        "/clients/{}/statements/{}",
        enc(client_id),
        enc(period)
    ))
    .await
}

pub async fn download_statement_csv(client_id: &str, period: &str) -> ApiResult<()> {
    download(
        &format!(
            "/clients/{}/statements/{}/lines.csv",
            enc(client_id),
            enc(period)
        ),
        "statement.csv",
    )
    .await
}

pub async fn get_margins(months: u32) -> ApiResult<MarginReport> {
    get(&format!("/reseller/margins?months={months}")).await
}

pub async fn download_margins_csv(months: u32) -> ApiResult<()> {
    download(
        &format!("/reseller/margins.csv?months={months}"),
        "margins.csv",
    )
    .await
}
