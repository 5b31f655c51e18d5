//! Price lists: the vendor's price per credit in each currency, and resellers' own prices.
//! [platform_admin]

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use credence_shared::admin::{CreditPrice, CreditPriceCreate};
use credence_shared::problem::Problem;
use credence_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::PlatformAdmin;
use crate::domain::prices::{self, PriceFilter};
use crate::domain::values;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{CreatedSyncParams, Json, PageParams};
use crate::routes::idempotency;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceListParams {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only prices in this ISO 4217 currency.
    pub currency: Option<String>,
    /// Only this reseller's own prices.
    pub reseller_id: Option<String>,
}

/// Every price, newest first: list prices and resellers' own, scheduled, current and ended.
#[utoipa::path(tag = "admin", params(CreatedSyncParams, PriceListParams), responses(
    (status = 200, body = Page<CreditPrice>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/prices")]
pub async fn list_prices(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<PriceListParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<Page<CreditPrice>>> {
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .page()?;
    let page = sync.apply(page)?;
    let currency = match params.currency.as_deref() {
        Some(raw) => Some(values::currency(raw).map_err(|issue| {
            ApiError::bad_request("invalid_query", format!("`currency`: {}", issue.message))
        })?),
        None => None,
    };
    let filter = PriceFilter {
        currency,
        reseller_id: params.reseller_id,
    };
    Ok(web::Json(
        state
            .db
            .run(move |conn| prices::list(conn, &filter, &page))
            .await?,
    ))
}

/// Add a price per credit: a list price in a currency, or one reseller's own price. It
/// replaces the price that applies at its start; orders placed before keep their price.
#[utoipa::path(tag = "admin", request_body = CreditPriceCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = CreditPrice),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/prices")]
pub async fn create_price(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: PlatformAdmin,
    Json(body): Json<CreditPriceCreate>,
) -> ApiResult<HttpResponse> {
    let actor = admin.0.audit_actor();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &admin.0.user_id, &value, move |conn| {
        serde_json::to_value(prices::add(conn, &actor, &body)?).map_err(ApiError::internal)
    })
    .await
}

/// Delete a price that has not started yet; the one it would have replaced applies again.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 204),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/admin/prices/{id}")]
pub async fn delete_price(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| prices::delete(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
