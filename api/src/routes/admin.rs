//! Vendor admin: brand skins, resellers and their users, platform settings. [platform_admin]

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use credence_shared::admin::{
    Brand, BrandCreate, BrandPatch, Reseller, ResellerCreate, ResellerPatch, ResellerUserCreate,
    Settings, SettingsPatch,
};
use credence_shared::auth::User;
use credence_shared::problem::Problem;
use credence_shared::reseller::Invoice;
use credence_shared::{InvoiceStatus, Page, ResellerStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::PlatformAdmin;
use crate::domain::{brands, invoices, logos, resellers, settings, users};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{Json, ListParams, PageParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

/// All brand skins, newest first.
#[utoipa::path(operation_id = "admin_list_brands", tag = "admin", params(SyncParams, PageParams), responses(
    (status = 200, body = Page<Brand>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/brands")]
pub async fn list_brands(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<PageParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Brand>>> {
    let page = sync.apply(params.page()?)?;
    Ok(web::Json(
        state.db.run(move |conn| brands::list(conn, &page)).await?,
    ))
}

/// Create a brand skin.
#[utoipa::path(tag = "admin", request_body = BrandCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Brand),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/brands")]
pub async fn create_brand(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: PlatformAdmin,
    Json(body): Json<BrandCreate>,
) -> ApiResult<HttpResponse> {
    let actor = admin.0.audit_actor();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &admin.0.user_id, &value, move |conn| {
        serde_json::to_value(brands::create(conn, &actor, &body)?.to_dto())
            .map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Brand),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/brands/{id}")]
pub async fn get_brand(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<Brand>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| brands::get(conn, &id))
            .await?
            .to_dto(),
    ))
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = BrandPatch, responses(
    (status = 200, body = Brand),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/admin/brands/{id}")]
pub async fn update_brand(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
    Json(body): Json<BrandPatch>,
) -> ApiResult<web::Json<Brand>> {
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| brands::update(conn, &actor, &id, &body))
            .await?
            .to_dto(),
    ))
}

/// Upload the skin's logo: the raw PNG, JPEG or WebP bytes (at most 1 MiB) as the body.
#[utoipa::path(tag = "admin", params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png", description = "PNG, JPEG or WebP bytes, at most 1 MiB, recognised by content; as the raw body or a multipart field `logo`"),
    responses(
    (status = 200, body = Brand),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 413, description = "`logo_too_large`", body = Problem, content_type = "application/problem+json"),
    (status = 415, description = "`unsupported_image`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation_failed`: not a readable image", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/admin/brands/{id}/logo")]
pub async fn put_brand_logo(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<web::Json<Brand>> {
    let bytes = crate::routes::upload::read_image(&req, body).await?;
    let logo = web::block(move || logos::clean(&bytes))
        .await
        .map_err(ApiError::internal)??;
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| brands::set_logo(conn, &actor, &id, &logo))
            .await?
            .to_dto(),
    ))
}

/// All resellers, newest first; `q` searches name and contact email.
/// `?limit=&cursor=&q=&status=` of the vendor's reseller list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResellerListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Searches the reseller's name.
    pub q: Option<String>,
    #[param(value_type = Option<ResellerStatus>)]
    pub status: Option<String>,
}

#[utoipa::path(tag = "admin", params(SyncParams, ResellerListParams), responses(
    (status = 200, body = Page<Reseller>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/resellers")]
pub async fn list_resellers(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<ResellerListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Reseller>>> {
    let params = params.into_inner();
    let list = ListParams {
        limit: params.limit,
        cursor: params.cursor,
        q: params.q,
        status: params.status,
    };
    let page = sync.apply(list.page()?)?;
    let status = list.status::<ResellerStatus>()?;
    let q = list.q.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| resellers::list(conn, q.as_deref(), status, &page))
            .await?,
    ))
}

#[utoipa::path(tag = "admin", request_body = ResellerCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Reseller),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/resellers")]
pub async fn create_reseller(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: PlatformAdmin,
    Json(body): Json<ResellerCreate>,
) -> ApiResult<HttpResponse> {
    let actor = admin.0.audit_actor();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let platform = state.config.custom_hosts();
    idempotency::create(&state, &req, &admin.0.user_id, &value, move |conn| {
        let row = resellers::create(conn, &actor, &body, &platform)?;
        serde_json::to_value(resellers::to_dto(conn, row)?).map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Reseller),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/resellers/{id}")]
pub async fn get_reseller(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<Reseller>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let row = resellers::get(conn, &id)?;
                resellers::to_dto(conn, row)
            })
            .await?,
    ))
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = ResellerPatch, responses(
    (status = 200, body = Reseller),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/admin/resellers/{id}")]
pub async fn update_reseller(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
    Json(body): Json<ResellerPatch>,
) -> ApiResult<web::Json<Reseller>> {
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = resellers::update(conn, &actor, &id, &body, &platform)?;
                resellers::to_dto(conn, row)
            })
            .await?,
    ))
}

/// The reseller's users.
#[utoipa::path(operation_id = "admin_list_reseller_users", tag = "admin", params(SyncParams, ("id" = String, Path), PageParams), responses(
    (status = 200, body = Page<User>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/resellers/{id}/users")]
pub async fn list_reseller_users(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    id: web::Path<String>,
    params: web::Query<PageParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<User>>> {
    let page = sync.apply(params.page()?)?;
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                resellers::get(conn, &id)?;
                users::list_for_reseller(conn, &id, &page)
            })
            .await?,
    ))
}

/// Add a reseller user; they receive a welcome email with a one-time set-password link.
#[utoipa::path(operation_id = "admin_create_reseller_user", tag = "admin", params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ResellerUserCreate, responses(
    (status = 201, body = User),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/resellers/{id}/users")]
pub async fn create_reseller_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    admin: PlatformAdmin,
    id: web::Path<String>,
    Json(body): Json<ResellerUserCreate>,
) -> ApiResult<HttpResponse> {
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    let links = state.config.links();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &admin.0.user_id, &value, move |conn| {
        serde_json::to_value(resellers::create_user(conn, &links, &actor, &id, &body)?.to_dto())
            .map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "admin", responses((status = 200, body = Settings)), security(("bearer" = [])))]
#[get("/admin/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
) -> ApiResult<web::Json<Settings>> {
    Ok(web::Json(state.db.run(settings::get).await?))
}

#[utoipa::path(tag = "admin", request_body = SettingsPatch, responses(
    (status = 200, body = Settings),
    (status = 409, description = "`price_scheduled`: a newer list price is already scheduled in this currency", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/admin/settings")]
pub async fn update_settings(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    Json(body): Json<SettingsPatch>,
) -> ApiResult<web::Json<Settings>> {
    let actor = admin.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| settings::update(conn, &actor, &body))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    #[param(value_type = Option<InvoiceStatus>)]
    pub status: Option<String>,
    pub reseller_id: Option<String>,
}

/// Every reseller's invoices, newest first.
#[utoipa::path(operation_id = "admin_list_invoices", tag = "admin", params(SyncParams, InvoiceListParams), responses((status = 200, body = Page<Invoice>)), security(("bearer" = [])))]
#[get("/admin/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<InvoiceListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Invoice>>> {
    let clock = state.config.billing_clock;
    let list = ListParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        q: None,
        status: params.status.clone(),
    };
    let page = sync.apply(list.page()?)?;
    let status = list.status::<InvoiceStatus>()?;
    let reseller_id = params.reseller_id.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                invoices::list_invoices(conn, &clock, reseller_id.as_deref(), status, &page)
            })
            .await?,
    ))
}

/// Issue a draft invoice whose month has ended: it gets the next gap-free number.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Invoice),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`period_open` or `invalid_state`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/invoices/{id}/issue")]
pub async fn issue_invoice(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<Invoice>> {
    let clock = state.config.billing_clock;
    let actor = admin.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = invoices::issue(conn, &clock, &actor, &id)?;
                invoices::invoice_dto(conn, &clock, row)
            })
            .await?,
    ))
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Invoice),
    (status = 409, description = "`invalid_state`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/invoices/{id}/mark-paid")]
pub async fn mark_invoice_paid(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<Invoice>> {
    settle(state, admin, id.into_inner(), InvoiceStatus::Paid).await
}

#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = Invoice),
    (status = 409, description = "`invalid_state`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/invoices/{id}/void")]
pub async fn void_invoice(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<Invoice>> {
    settle(state, admin, id.into_inner(), InvoiceStatus::Void).await
}

async fn settle(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: String,
    to: InvoiceStatus,
) -> ApiResult<web::Json<Invoice>> {
    let actor = admin.0.audit_actor();
    let clock = state.config.billing_clock;
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = invoices::settle(conn, &actor, &id, to)?;
                invoices::invoice_dto(conn, &clock, row)
            })
            .await?,
    ))
}
