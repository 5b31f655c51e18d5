//! `/webhooks`: subscribe a URL to this tenant's events (`client.credits_low`,
//! `candidate.completed`); deliveries are signed (`Credence-Signature`).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::reseller::{Webhook, WebhookCreate};
use credence_shared::Page;

use crate::auth::{RealUser, TenantUser};
use crate::domain::webhooks;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
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
