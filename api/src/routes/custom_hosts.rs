//! Custom hosts: the reseller asks for one, the vendor approves or rejects it, either checks
//! its DNS (resolution only; `dns::Resolver`), and the reseller or the vendor removes it.

use actix_web::{delete, get, post, web};
use credence_shared::problem::Problem;
use credence_shared::reseller::{CustomHost, CustomHostRejection, CustomHostRequest};

use crate::auth::{PlatformAdmin, ResellerStaff};
use crate::domain::audit::AuditActor;
use crate::domain::custom_hosts;
use crate::error::ApiResult;
use crate::routes::extract::Json;
use crate::state::AppState;

/// Resolves the host to check and the platform's addresses, then stores the verdict.
async fn check(state: &AppState, actor: AuditActor, reseller_id: String) -> ApiResult<CustomHost> {
    let id = reseller_id.clone();
    let host = state
        .db
        .run(move |conn| custom_hosts::host_to_check(conn, &id))
        .await?;
    let config = &state.config;
    let found = config.dns.lookup(&host).await;
    let platform_addresses = if config.host_addresses.is_empty() {
        config.dns.lookup(&config.host_target).await
    } else {
        config.host_addresses.clone()
    };
    let platform = config.custom_hosts();
    state
        .db
        .transaction(move |conn| {
            custom_hosts::record_check(
                conn,
                &actor,
                &reseller_id,
                &host,
                &found,
                &platform_addresses,
                &platform,
            )
        })
        .await
}

fn own(staff: &ResellerStaff) -> String {
    staff.0.reseller_id.clone().unwrap_or_default()
}

/// The reseller's custom host: the one in use, its request, the DNS record to create and the
/// last DNS check.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/custom-host")]
pub async fn get_custom_host(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<CustomHost>> {
    let id = own(&staff);
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .run(move |conn| custom_hosts::get_view(conn, &id, &platform))
            .await?,
    ))
}

/// Ask for a custom host; the vendor approves or rejects it. Replaces a request waiting or
/// rejected. The host is stored in its ASCII form (punycode for international names); no
/// port, IP address or wildcard, not the platform's own host, not another reseller's.
#[utoipa::path(tag = "reseller", request_body = CustomHostRequest, responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/reseller/custom-host")]
pub async fn request_custom_host(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    Json(body): Json<CustomHostRequest>,
) -> ApiResult<web::Json<CustomHost>> {
    let id = own(&staff);
    let actor = staff.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                custom_hosts::request(conn, &actor, &id, &body.host, &platform)
            })
            .await?,
    ))
}

/// Withdraw the request (waiting or rejected); a host in use stays.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_host_request`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/reseller/custom-host/request")]
pub async fn withdraw_custom_host_request(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<CustomHost>> {
    let id = own(&staff);
    let actor = staff.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| custom_hosts::withdraw(conn, &actor, &id, &platform))
            .await?,
    ))
}

/// Remove the custom host in use and any request: links and branding go back to the
/// platform's host.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_custom_host`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/reseller/custom-host")]
pub async fn remove_custom_host(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<CustomHost>> {
    let id = own(&staff);
    let actor = staff.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| custom_hosts::remove(conn, &actor, &id, &platform))
            .await?,
    ))
}

/// Check the DNS of the requested host (else the one in use): resolve it and compare with
/// the platform's addresses. Resolution only; nothing is contacted. The result is kept.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_custom_host`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/reseller/custom-host/check")]
pub async fn check_custom_host(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<CustomHost>> {
    let actor = staff.0.audit_actor();
    Ok(web::Json(check(&state, actor, own(&staff)).await?))
}

/// A reseller's custom host and its request.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/resellers/{id}/custom-host")]
pub async fn admin_get_custom_host(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<CustomHost>> {
    let id = id.into_inner();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .run(move |conn| custom_hosts::get_view(conn, &id, &platform))
            .await?,
    ))
}

/// Approve the reseller's waiting request: its host becomes the reseller's custom host.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_host_request`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/resellers/{id}/custom-host/approve")]
pub async fn approve_custom_host(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<CustomHost>> {
    let id = id.into_inner();
    let actor = admin.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| custom_hosts::approve(conn, &actor, &id, &platform))
            .await?,
    ))
}

/// Reject the reseller's waiting request, with an optional reason the reseller sees.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), request_body = CustomHostRejection, responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_host_request`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/resellers/{id}/custom-host/reject")]
pub async fn reject_custom_host(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
    Json(body): Json<CustomHostRejection>,
) -> ApiResult<web::Json<CustomHost>> {
    let id = id.into_inner();
    let actor = admin.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                custom_hosts::reject(conn, &actor, &id, body.reason.as_deref(), &platform)
            })
            .await?,
    ))
}

/// Check the DNS of a reseller's requested host (else the one in use), as the reseller can.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_custom_host`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/admin/resellers/{id}/custom-host/check")]
pub async fn admin_check_custom_host(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<CustomHost>> {
    let actor = admin.0.audit_actor();
    Ok(web::Json(check(&state, actor, id.into_inner()).await?))
}

/// Remove a reseller's custom host and any request.
#[utoipa::path(tag = "admin", params(("id" = String, Path)), responses(
    (status = 200, body = CustomHost),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_custom_host`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/admin/resellers/{id}/custom-host")]
pub async fn admin_remove_custom_host(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    id: web::Path<String>,
) -> ApiResult<web::Json<CustomHost>> {
    let id = id.into_inner();
    let actor = admin.0.audit_actor();
    let platform = state.config.custom_hosts();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| custom_hosts::remove(conn, &actor, &id, &platform))
            .await?,
    ))
}
