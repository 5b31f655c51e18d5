//! The reseller's own account: the skins it may use and its colleagues.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use credence_shared::admin::{Brand, ResellerUserCreate};
use credence_shared::auth::User;
use credence_shared::problem::Problem;
use credence_shared::Page;

use crate::auth::ResellerStaff;
use crate::domain::{clients, resellers, users};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{Json, ListParams};
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

#[utoipa::path(tag = "reseller", params(ListParams), responses((status = 200, body = Page<User>)), security(("bearer" = [])))]
#[get("/reseller-users")]
pub async fn list_reseller_users(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<ListParams>,
) -> ApiResult<web::Json<Page<User>>> {
    let reseller_id = staff.0.reseller_id.clone().unwrap_or_default();
    let page = params.page()?;
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
