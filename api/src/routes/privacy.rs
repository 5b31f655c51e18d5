//! Data protection: retention periods (the vendor's bounds, a reseller's default, a client's
//! own), erasure requests, candidate data exports, and the privacy notice candidates confirm
//! before their first test (`domain::privacy`).

use actix_web::{get, post, put, web, HttpRequest};
use credence_shared::assess::Candidate;
use credence_shared::privacy::{
    CandidateExport, ClientPrivacyNotice, ClientPrivacyNoticePut, ClientRetention,
    ClientRetentionPatch, ConsentGive, ErasureRequest, PrivacyNotice, ResellerRetention,
    ResellerRetentionPatch, RetentionBounds,
};
use credence_shared::problem::Problem;

use crate::auth::extract::client_ip;
use crate::auth::{CandidateUser, PlatformAdmin, ResellerStaff, TenantUser};
use crate::domain::{candidates, privacy, test_area};
use crate::error::ApiResult;
use crate::routes::extract::Json;
use crate::state::AppState;

/// The vendor's bounds on every retention period (days after a candidate's last activity).
#[utoipa::path(tag = "admin", responses(
    (status = 200, body = RetentionBounds),
), security(("bearer" = [])))]
#[get("/admin/retention")]
pub async fn get_retention_bounds(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
) -> ApiResult<web::Json<RetentionBounds>> {
    Ok(web::Json(state.db.run(privacy::bounds).await?))
}

/// Set the bounds (1–3650 days, shortest ≤ longest). Periods set earlier outside new bounds
/// apply clamped to them.
#[utoipa::path(tag = "admin", request_body = RetentionBounds, responses(
    (status = 200, body = RetentionBounds),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/admin/retention")]
pub async fn set_retention_bounds(
    state: web::Data<AppState>,
    admin: PlatformAdmin,
    Json(body): Json<RetentionBounds>,
) -> ApiResult<web::Json<RetentionBounds>> {
    let actor = admin.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| privacy::set_bounds(conn, &actor, &body))
            .await?,
    ))
}

/// The reseller's default retention period for its clients, with the vendor's bounds.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = ResellerRetention),
), security(("bearer" = [])))]
#[get("/reseller/retention")]
pub async fn get_reseller_retention(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<ResellerRetention>> {
    let reseller_id = staff.reseller_id()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| privacy::reseller_retention(conn, &reseller_id))
            .await?,
    ))
}

#[utoipa::path(tag = "reseller", request_body = ResellerRetentionPatch, responses(
    (status = 200, body = ResellerRetention),
    (status = 422, description = "Outside the vendor's bounds", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/reseller/retention")]
pub async fn set_reseller_retention(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    Json(body): Json<ResellerRetentionPatch>,
) -> ApiResult<web::Json<ResellerRetention>> {
    let reseller_id = staff.reseller_id()?;
    let actor = staff.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                privacy::set_reseller_retention(conn, &actor, &reseller_id, &body)
            })
            .await?,
    ))
}

/// A client's retention period: its own, else its reseller's default.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), responses(
    (status = 200, body = ClientRetention),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/retention")]
pub async fn get_client_retention(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ClientRetention>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| privacy::client_retention(conn, &user.tenant, &id))
            .await?,
    ))
}

/// Set the client's own period within the vendor's bounds (`null`: the reseller's default).
/// The reseller's staff or the client's own users.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), request_body = ClientRetentionPatch, responses(
    (status = 200, body = ClientRetention),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Outside the vendor's bounds", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/clients/{id}/retention")]
pub async fn set_client_retention(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<ClientRetentionPatch>,
) -> ApiResult<web::Json<ClientRetention>> {
    let actor = user.principal.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                privacy::set_client_retention(conn, &actor, &user.tenant, &id, body.days)
            })
            .await?,
    ))
}

/// Erase a candidate on request: anonymised at once (details replaced, answers removed,
/// scores kept as anonymous statistics), the reason audit-logged. Credits are not refunded.
#[utoipa::path(tag = "candidates", params(("id" = String, Path)), request_body = ErasureRequest, responses(
    (status = 200, body = Candidate),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`already_anonymised`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "A reason is required", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidates/{id}/erasure")]
pub async fn erase_candidate(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<ErasureRequest>,
) -> ApiResult<web::Json<Candidate>> {
    let actor = user.principal.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let (row, client) = privacy::erase(conn, &actor, &user.tenant, &id, &body.reason)?;
                candidates::to_dto(conn, row, &client, user.tenant.sees_scores())
            })
            .await?,
    ))
}

/// Everything kept about one candidate (an access request): details, invitations, answers,
/// scores (client users only), mail sent and the audit events about them.
#[utoipa::path(tag = "candidates", params(("id" = String, Path)), responses(
    (status = 200, body = CandidateExport),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidates/{id}/export")]
pub async fn export_candidate(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<CandidateExport>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| privacy::export(conn, &user.tenant, &id))
            .await?,
    ))
}

/// The signed-in candidate's own data: details, invitations, answers and the mail sent to them.
#[utoipa::path(tag = "candidate", responses(
    (status = 200, body = CandidateExport),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidate/me/export")]
pub async fn export_own_data(
    state: web::Data<AppState>,
    who: CandidateUser,
) -> ApiResult<web::Json<CandidateExport>> {
    Ok(web::Json(
        state
            .db
            .run(move |conn| privacy::export_own(conn, &who.0.candidate_id))
            .await?,
    ))
}

/// The privacy notice of the candidate's invitation (also in `GET /candidate/me`): controller,
/// processor, purpose, retention, contact, text, and whether it is confirmed.
#[utoipa::path(tag = "candidate", responses(
    (status = 200, body = PrivacyNotice),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidate/privacy-notice")]
pub async fn candidate_privacy_notice(
    state: web::Data<AppState>,
    who: CandidateUser,
) -> ApiResult<web::Json<PrivacyNotice>> {
    Ok(web::Json(
        state
            .db
            .run(move |conn| test_area::privacy_notice(conn, &who.0))
            .await?,
    ))
}

/// The candidate confirms the privacy notice; tests can be started from then on (until then
/// starting, saving answers and submitting answer 409 `consent_required`). The first
/// confirmation's time and the notice's version are kept: a repeat changes nothing. With
/// `version`, a notice changed since it was shown is a 409 `notice_changed`.
#[utoipa::path(tag = "candidate", request_body = ConsentGive, responses(
    (status = 200, body = PrivacyNotice),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`notice_changed`: read the notice again", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidate/consent")]
pub async fn give_consent(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: CandidateUser,
    Json(body): Json<ConsentGive>,
) -> ApiResult<web::Json<PrivacyNotice>> {
    let ip = client_ip(&req);
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| test_area::consent(conn, &who.0, ip, body.version.as_deref()))
            .await?,
    ))
}

/// A client's privacy notice: its own text and contact (or the defaults) and a preview of what
/// candidates see. The reseller's staff or the client's own users.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), responses(
    (status = 200, body = ClientPrivacyNotice),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/privacy-notice")]
pub async fn get_client_privacy_notice(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ClientPrivacyNotice>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| privacy::client_notice(conn, &user.tenant, &id))
            .await?,
    ))
}

/// Replace the client's notice text (20–5,000 characters) and privacy contact email; `null`
/// goes back to the default text and the client's contact email.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), request_body = ClientPrivacyNoticePut, responses(
    (status = 200, body = ClientPrivacyNotice),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/clients/{id}/privacy-notice")]
pub async fn set_client_privacy_notice(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<ClientPrivacyNoticePut>,
) -> ApiResult<web::Json<ClientPrivacyNotice>> {
    let actor = user.principal.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                privacy::set_client_notice(conn, &actor, &user.tenant, &id, &body)
            })
            .await?,
    ))
}
