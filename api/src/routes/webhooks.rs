//! `/webhooks`: subscribe a URL to this tenant's events (`WebhookEvent`, documented in the
//! OpenAPI document's `webhooks` section); deliveries are signed (`Credence-Signature`). Each
//! webhook's delivery log, redelivery, and a test event (`ping`).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::reseller::{Webhook, WebhookCreate, WebhookDelivery};
use credence_shared::{Page, WebhookDeliveryStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{RealUser, TenantUser};
use crate::domain::webhooks;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{CreatedSyncParams, Json, ListParams};
use crate::routes::idempotency;
use crate::state::AppState;

#[utoipa::path(operation_id = "list_webhooks", tag = "webhooks", responses((status = 200, body = Page<Webhook>)), security(("bearer" = [])))]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    user: TenantUser,
) -> ApiResult<web::Json<Page<Webhook>>> {
    Ok(web::Json(Page {
        data: state
            .db
            .run(move |conn| webhooks::list(conn, &user.tenant))
            .await?,
        next_cursor: None,
    }))
}

/// Subscribe; the signing secret is in this answer only.
#[utoipa::path(operation_id = "create_webhook", tag = "webhooks", request_body = WebhookCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Webhook),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    real: RealUser,
    user: TenantUser,
    Json(body): Json<WebhookCreate>,
) -> ApiResult<HttpResponse> {
    let actor = real.0.audit_actor();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let allow = state.config.webhook_allow.clone();
    idempotency::create(&state, &req, &real.0.user_id, &value, move |conn| {
        serde_json::to_value(webhooks::create(conn, &actor, &user.tenant, &body, &allow)?)
            .map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(operation_id = "delete_webhook", tag = "webhooks", params(("id" = String, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/webhooks/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    real: RealUser,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = real.0.audit_actor();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| webhooks::delete(conn, &actor, &user.tenant, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `?limit=&cursor=&status=` of the delivery log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListParams {
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only deliveries in this state.
    #[param(value_type = Option<WebhookDeliveryStatus>)]
    pub status: Option<String>,
}

/// The webhook's deliveries, newest first: status, attempts, the receiver's last answer and
/// when the next attempt is due. A redelivery is a row of its own (`redelivery_of`).
#[utoipa::path(tag = "webhooks", params(CreatedSyncParams, ("id" = String, Path), DeliveryListParams), responses(
    (status = 200, body = Page<WebhookDelivery>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    params: web::Query<DeliveryListParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<Page<WebhookDelivery>>> {
    let params = ListParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        status: params.status.clone(),
        q: None,
    };
    let page = sync.apply(params.page()?)?;
    let status = params.status::<WebhookDeliveryStatus>()?;
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| webhooks::deliveries::list(conn, &user.tenant, &id, status, &page))
            .await?,
    ))
}

/// Send a delivered or failed delivery again: the same body (the same event `id`), signed
/// afresh, as a new delivery in the log that names the one it repeats. 409
/// `delivery_pending` while the delivery (or a redelivery of it) is still pending.
#[utoipa::path(tag = "webhooks", params(("id" = String, Path), ("delivery_id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, description = "Queued", body = WebhookDelivery),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`delivery_pending`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`idempotency_key_reused`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    req: HttpRequest,
    real: RealUser,
    user: TenantUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let actor = real.0.audit_actor();
    let (id, delivery_id) = path.into_inner();
    idempotency::create(
        &state,
        &req,
        &real.0.user_id,
        &serde_json::Value::Null,
        move |conn| {
            let delivery =
                webhooks::deliveries::redeliver(conn, &actor, &user.tenant, &id, &delivery_id)?;
            serde_json::to_value(delivery).map_err(ApiError::internal)
        },
    )
    .await
}

/// Queue a test event to this webhook, whatever events it subscribes to, signed like every
/// delivery: `{"id": "<delivery id>", "type": "ping", "created_at": "<RFC 3339>", "data":
/// {"webhook_id": "<id>", "message": "A test event from Credence: your endpoint is
/// reachable."}}`. Answer 2xx to mark it delivered. 409 `delivery_pending` while an earlier
/// test event to it is pending.
#[utoipa::path(tag = "webhooks", params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, description = "Queued", body = WebhookDelivery),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`delivery_pending`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`idempotency_key_reused`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/webhooks/{id}/test")]
pub async fn send_test(
    state: web::Data<AppState>,
    req: HttpRequest,
    real: RealUser,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = real.0.audit_actor();
    let id = id.into_inner();
    idempotency::create(
        &state,
        &req,
        &real.0.user_id,
        &serde_json::Value::Null,
        move |conn| {
            let delivery = webhooks::deliveries::send_test(conn, &actor, &user.tenant, &id)?;
            serde_json::to_value(delivery).map_err(ApiError::internal)
        },
    )
    .await
}
