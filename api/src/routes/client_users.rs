//! `/client-users`: a reseller's clients' users (all clients), or a client user's colleagues;
//! and Login As.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::reseller::{
    ClientUser, ClientUserCreate, ClientUserPatch, ImpersonationResponse,
};
use credence_shared::{Page, UserStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{impersonation, Principal, ResellerStaff, Tenant, TenantUser};
use crate::domain::client_users::{self, UserFilter};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{Json, ListParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientUserListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Searches name and email.
    pub q: Option<String>,
    #[param(value_type = Option<UserStatus>)]
    pub status: Option<String>,
    /// Only this client's users.
    pub client_id: Option<String>,
}

#[utoipa::path(tag = "client users", params(SyncParams, ClientUserListParams), responses(
    (status = 200, body = Page<ClientUser>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client-users")]
pub async fn list_client_users(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<ClientUserListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<ClientUser>>> {
    let list = ListParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        q: params.q.clone(),
        status: params.status.clone(),
    };
    let page = sync.apply(list.page()?)?;
    let filter = UserFilter {
        client_id: params.client_id.clone(),
        q: params.q.clone(),
        status: list.status::<UserStatus>()?,
    };
    Ok(web::Json(
        state
            .db
            .run(move |conn| client_users::list(conn, &user.tenant, &filter, &page))
            .await?,
    ))
}

/// Add a client user; they get a welcome email with a set-password link and the Quick Start Guide.
#[utoipa::path(tag = "client users", request_body = ClientUserCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = ClientUser),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/client-users")]
pub async fn create_client_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: TenantUser,
    Json(body): Json<ClientUserCreate>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let tenant = user.tenant.clone();
    idempotency::create(&state, &req, &user.principal.user_id, &value, move |conn| {
        serde_json::to_value(client_users::create(conn, &links, &actor, &tenant, &body)?)
            .map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "client users", params(("id" = String, Path)), responses(
    (status = 200, body = ClientUser),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client-users/{id}")]
pub async fn get_client_user(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ClientUser>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| client_users::get(conn, &user.tenant, &id))
            .await?,
    ))
}

/// Edit name, email, job title; `status` deactivates (ends their sessions) or reactivates.
///
/// A new email does not take effect at once: it is `pending_email` until the new address
/// confirms it (`POST /auth/email/confirm`, from the link mailed there); the old address is told.
#[utoipa::path(tag = "client users", params(("id" = String, Path)), request_body = ClientUserPatch, responses(
    (status = 200, body = ClientUser),
    (status = 403, description = "Email changes during Login As", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/client-users/{id}")]
pub async fn update_client_user(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<ClientUserPatch>,
) -> ApiResult<web::Json<ClientUser>> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                client_users::update(conn, &links, &actor, &user.tenant, &id, &body)
            })
            .await?,
    ))
}

/// Deactivate a client user (users are never deleted: the audit log keeps naming them).
#[utoipa::path(tag = "client users", params(("id" = String, Path)), responses(
    (status = 204, description = "Deactivated"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation_failed`: `self_deactivation` (you cannot deactivate yourself)", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/client-users/{id}")]
pub async fn delete_client_user(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    let patch = ClientUserPatch {
        status: Some(UserStatus::Deactivated.as_str().to_string()),
        ..Default::default()
    };
    state
        .db
        .transaction(move |conn| {
            client_users::update(conn, &links, &actor, &user.tenant, &id, &patch)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a new welcome email (the old link stops working).
#[utoipa::path(tag = "client users", params(("id" = String, Path)), responses(
    (status = 202, description = "Welcome email queued"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`already_active`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/client-users/{id}/resend-welcome")]
pub async fn resend_welcome(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| {
            client_users::resend_welcome(conn, &links, &actor, &user.tenant, &id)
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Email the Quick Start Guide to one of your clients' users (in the client's skin; audit-logged).
#[utoipa::path(tag = "client users", params(("id" = String, Path)), responses(
    (status = 202, description = "Guide email queued"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`user_deactivated`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/client-users/{id}/send-guide")]
pub async fn send_guide(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let Some(reseller_id) = staff.0.reseller_id.clone() else {
        return Err(ApiError::forbidden("Only reseller users may do this."));
    };
    let tenant = Tenant::Reseller { reseller_id };
    let actor = staff.0.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| client_users::send_guide(conn, &links, &actor, &tenant, &id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Login As: a 30-minute, non-refreshable session as this client user, audit-logged.
#[utoipa::path(tag = "client users", params(("id" = String, Path)), responses(
    (status = 200, body = ImpersonationResponse),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`user_not_active`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/client-users/{id}/impersonate")]
pub async fn impersonate(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<web::Json<ImpersonationResponse>> {
    let keys = state.keys.clone();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| impersonation::start(conn, &keys, &staff.0, &id))
            .await?,
    ))
}

/// End a Login As session (the reseller's own session continues).
#[utoipa::path(tag = "auth", responses(
    (status = 204, description = "Ended"),
    (status = 409, description = "`not_impersonating`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/auth/impersonation/end")]
pub async fn end_impersonation(
    state: web::Data<AppState>,
    principal: Principal,
) -> ApiResult<HttpResponse> {
    state
        .db
        .transaction(move |conn| impersonation::end(conn, &principal))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
