//! The reseller's own account: the skins it may use and its colleagues (reseller users, whom
//! the vendor may manage too).

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use credence_shared::admin::{Brand, ResellerUserCreate, ResellerUserPatch};
use credence_shared::auth::User;
use credence_shared::problem::Problem;
use credence_shared::{Page, UserStatus};

use crate::auth::extract::StaffManager;
use crate::auth::ResellerStaff;
use crate::domain::{clients, reseller_users, resellers, users};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{Json, PageParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

/// The brand skins this reseller may give its clients: the platform default first.
#[utoipa::path(tag = "reseller", responses((status = 200, body = Page<Brand>)), security(("bearer" = [])))]
#[get("/brands")]
pub async fn list_brands(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<Page<Brand>>> {
    let reseller_id = staff.0.reseller_id.clone().unwrap_or_default();
    let brands = state
        .db
        .run(move |conn| clients::allowed_brands(conn, &reseller_id))
        .await?;
    Ok(web::Json(Page {
        data: brands.iter().map(|b| b.to_dto()).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(tag = "reseller", params(SyncParams, PageParams), responses((status = 200, body = Page<User>)), security(("bearer" = [])))]
#[get("/reseller-users")]
pub async fn list_reseller_users(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<PageParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<User>>> {
    let reseller_id = staff.0.reseller_id.clone().unwrap_or_default();
    let page = sync.apply(params.page()?)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| users::list_for_reseller(conn, &reseller_id, &page))
            .await?,
    ))
}

/// Add a colleague; they receive a welcome email.
#[utoipa::path(tag = "reseller", request_body = ResellerUserCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = User),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/reseller-users")]
pub async fn create_reseller_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: ResellerStaff,
    Json(body): Json<ResellerUserCreate>,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.0.reseller_id.clone().unwrap_or_default();
    let actor = staff.0.audit_actor();
    let links = state.config.links();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &staff.0.user_id, &value, move |conn| {
        let user = resellers::create_user(conn, &links, &actor, &reseller_id, &body)?;
        serde_json::to_value(user.to_dto()).map_err(ApiError::internal)
    })
    .await
}

/// A reseller user: the reseller's own staff see their colleagues, the vendor any reseller's.
#[utoipa::path(tag = "reseller", params(("id" = String, Path)), responses(
    (status = 200, body = User),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller-users/{id}")]
pub async fn get_reseller_user(
    state: web::Data<AppState>,
    manager: StaffManager,
    id: web::Path<String>,
) -> ApiResult<web::Json<User>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| reseller_users::get(conn, &manager.view, &id))
            .await?,
    ))
}

/// Rename a reseller user; `status` deactivates or reactivates them.
///
/// Deactivating ends at once every session they hold, the Login As sessions they started and
/// their API keys' tokens. Nobody deactivates themselves (422), and a reseller keeps at least
/// one active user (409 `last_active_user`).
#[utoipa::path(tag = "reseller", params(("id" = String, Path)), request_body = ResellerUserPatch, responses(
    (status = 200, body = User),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`last_active_user`", body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/reseller-users/{id}")]
pub async fn update_reseller_user(
    state: web::Data<AppState>,
    manager: StaffManager,
    id: web::Path<String>,
    Json(body): Json<ResellerUserPatch>,
) -> ApiResult<web::Json<User>> {
    let actor = manager.principal.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                reseller_users::update(conn, &actor, &manager.view, &id, &body)
            })
            .await?,
    ))
}

/// Deactivate a reseller user, as `PATCH` with `status: deactivated` does (users are never
/// deleted: the audit log keeps naming them).
#[utoipa::path(tag = "reseller", params(("id" = String, Path)), responses(
    (status = 204, description = "Deactivated"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`last_active_user`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`self_deactivation`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/reseller-users/{id}")]
pub async fn delete_reseller_user(
    state: web::Data<AppState>,
    manager: StaffManager,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = manager.principal.audit_actor();
    let id = id.into_inner();
    let patch = ResellerUserPatch {
        status: Some(UserStatus::Deactivated.as_str().to_string()),
        ..Default::default()
    };
    state
        .db
        .transaction(move |conn| reseller_users::update(conn, &actor, &manager.view, &id, &patch))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
