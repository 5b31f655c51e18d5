//! The test catalogue as the vendor manages it: every test with its credit cost and
//! availability. [platform_admin]

use actix_web::{get, patch, web};
use credence_shared::admin::{CatalogueTest, CatalogueTestPatch};
use credence_shared::problem::Problem;
use credence_shared::Page;

use crate::auth::PlatformAdmin;
use crate::domain::catalogue;
use crate::error::ApiResult;
use crate::routes::extract::Json;
use crate::state::AppState;

/// Every test, active or not, in catalogue order, with its credit cost.
#[utoipa::path(tag = "admin", responses(
    (status = 200, body = Page<CatalogueTest>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/tests")]
pub async fn list_catalogue(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
) -> ApiResult<web::Json<Page<CatalogueTest>>> {
    Ok(web::Json(Page {
        data: state.db.run(catalogue::list_all).await?,
        next_cursor: None,
    }))
}

/// Edit a test's name, category, credit cost (0 to 1000) or availability. A new cost applies
/// to invitations made from now on: earlier invitations keep their charge and refund it. An
/// inactive test is not offered for new projects; projects that have it keep working.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = CatalogueTestPatch, responses(
    (status = 200, body = CatalogueTest),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/admin/tests/{id}")]
pub async fn update_catalogue_test(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
    Json(body): Json<CatalogueTestPatch>,
) -> ApiResult<web::Json<CatalogueTest>> {
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| catalogue::update(conn, &actor, &id, &body))
            .await?,
    ))
}
