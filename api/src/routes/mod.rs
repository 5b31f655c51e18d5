//! HTTP handlers: thin (extract → call domain → DTO). `configure` registers everything under
//! `/api/v1` so that utoipa collects it into the spec.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod extract;
pub mod ops;
pub mod public;
pub mod spa;

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::password_set)
        .service(auth::password_forgot)
        .service(auth::me)
        .service(admin::list_brands)
        .service(admin::create_brand)
        .service(admin::get_brand)
        .service(admin::update_brand)
        .service(admin::put_brand_logo)
        .service(admin::list_resellers)
        .service(admin::create_reseller)
        .service(admin::get_reseller)
        .service(admin::update_reseller)
        .service(admin::list_reseller_users)
        .service(admin::create_reseller_user)
        .service(admin::get_settings)
        .service(admin::update_settings)
        .service(audit::list_audit_events)
        .service(public::branding)
        .service(public::logo)
        .service(openapi_json);
}

/// This API's OpenAPI document (the same as `openapi.yaml`).
#[utoipa::path(tag = "public", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(&*state.openapi)
}
