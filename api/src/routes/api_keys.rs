//! `/api-keys` and `POST /auth/token`: API keys for partner integrations (never managed
//! inside a Login As session, nor with a key's token: `auth::key_scopes`).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use credence_shared::auth::{
    ApiKey, ApiKeyCreate, ClientCredentialsRequest, ClientCredentialsResponse,
};
use credence_shared::problem::Problem;
use credence_shared::Page;

use crate::auth::extract::client_ip;
use crate::auth::{client_credentials, RealUser, TenantUser};
use crate::domain::api_keys;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
use crate::routes::idempotency;
use crate::state::AppState;

/// Exchange an API key for a 15-minute access token (OAuth 2 client credentials). The token
/// may do what the key's owner may, within the key's scopes (`scope` in the answer). Every
/// exchange of a known key, refused ones too, is in the owner's audit log
/// (`api_key.exchanged`, `api_key.exchange_refused`).
#[utoipa::path(operation_id = "api_key_token", tag = "auth", request_body = ClientCredentialsRequest, responses(
    (status = 200, body = ClientCredentialsResponse),
    (status = 400, description = "`unsupported_grant_type`", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "`invalid_client`", body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<ClientCredentialsRequest>,
) -> ApiResult<web::Json<ClientCredentialsResponse>> {
    if body.grant_type != "client_credentials" {
        return Err(ApiError::bad_request(
            "unsupported_grant_type",
            "Use grant_type client_credentials.",
        ));
    }
    let ip = client_ip(&req);
    state
        .throttle
        .check(
            &state.db,
            ip.as_deref().unwrap_or("unknown"),
            &body.client_id,
        )
        .await?;
    let keys = state.keys.clone();
    let answer = state
        .db
        .transaction(move |conn| {
            client_credentials::exchange(conn, &keys, &body.client_id, &body.client_secret, ip)
        })
        .await??;
    Ok(web::Json(answer))
}

/// The API keys of your reseller (or client), with their scopes and last exchange.
#[utoipa::path(operation_id = "list_api_keys", tag = "auth", responses(
    (status = 200, body = Page<ApiKey>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "`api_key_not_allowed`: with an API key's token; or not a reseller or client user", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/api-keys")]
pub async fn list(
    state: web::Data<AppState>,
    user: TenantUser,
) -> ApiResult<web::Json<Page<ApiKey>>> {
    Ok(web::Json(Page {
        data: state
            .db
            .run(move |conn| api_keys::list(conn, &user.tenant))
            .await?,
        next_cursor: None,
    }))
}

/// Create an API key acting as you within its `scopes` (without them: every scope your role may
/// give); the secret is in this answer only. It is never stored, so a replay with the same
/// `Idempotency-Key` cannot show it again: 409 `idempotency_replay_unavailable` (the key
/// exists; `GET /api-keys` lists it).
#[utoipa::path(operation_id = "create_api_key", tag = "auth", request_body = ApiKeyCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = ApiKey),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`idempotency_replay_unavailable`: a replay of a creation whose secret is not stored", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "During Login As, or `api_key_not_allowed` with an API key's token", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`name`, or `scopes`: empty, an unknown scope, or one your role may not give", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/api-keys")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: RealUser,
    _tenant: TenantUser,
    Json(body): Json<ApiKeyCreate>,
) -> ApiResult<HttpResponse> {
    let actor = user.0.audit_actor();
    let owner = user.0.user_id.clone();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create_with_secret(&state, &req, &user.0.user_id, &value, move |conn| {
        let key = api_keys::create(
            conn,
            &actor,
            &owner,
            &body.name,
            body.scopes.as_deref(),
            body.rate_per_minute,
        )?;
        serde_json::to_value(key).map_err(ApiError::internal)
    })
    .await
}

/// Revoke a key: its tokens stop working at once.
#[utoipa::path(operation_id = "revoke_api_key", tag = "auth", params(("id" = String, Path)), responses(
    (status = 204, description = "Revoked"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "During Login As, or `api_key_not_allowed` with an API key's token", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/api-keys/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    user: RealUser,
    tenant: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = user.0.audit_actor();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| api_keys::revoke(conn, &actor, &tenant.tenant, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
