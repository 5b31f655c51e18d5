//! `/candidates` and `/invitations`: invite (charging credits), invite again, resend, cancel
//! (refunding unstarted tests), edit, deactivate. Client users see scores; resellers status only.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use credence_shared::assess::{
    Candidate, CandidateCreate, CandidatePatch, Invitation, InvitationCreate,
};
use credence_shared::problem::Problem;
use credence_shared::{InvitationStatus, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::TenantUser;
use crate::domain::candidates::{self, CandidateFilter};
use crate::domain::into_page;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::{Json, ListParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Searches name and email.
    pub q: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// Candidates with an invitation in this status.
    #[param(value_type = Option<InvitationStatus>)]
    pub status: Option<String>,
}

#[utoipa::path(tag = "candidates", params(SyncParams, CandidateListParams), responses(
    (status = 200, body = Page<Candidate>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidates")]
pub async fn list_candidates(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<CandidateListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Candidate>>> {
    let list = ListParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        q: params.q.clone(),
        status: params.status.clone(),
    };
    let page = sync.apply(list.page()?)?;
    let filter = CandidateFilter {
        client_id: params.client_id.clone(),
        project_id: params.project_id.clone(),
        q: params.q.clone(),
        status: list.status::<InvitationStatus>()?,
    };
    let scores = user.tenant.sees_scores();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let rows = candidates::list(conn, &user.tenant, &filter, &page)?;
                let rows = into_page(rows, &page, |r| r.0.id.clone(), |r| r);
                Ok(Page {
                    data: candidates::to_dtos(conn, rows.data, scores)?,
                    next_cursor: rows.next_cursor,
                })
            })
            .await?,
    ))
}

/// Create a candidate and invite them to a project: charges the project's credit cost at once
/// and emails the magic link. 402 `insufficient_credits` (nothing charged) when short.
#[utoipa::path(tag = "candidates", request_body = CandidateCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Candidate),
    (status = 402, description = "`insufficient_credits`", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`project_locked`, `already_invited`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidates")]
pub async fn create_candidate(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: TenantUser,
    Json(body): Json<CandidateCreate>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let tenant = user.tenant.clone();
    idempotency::create(&state, &req, &user.principal.user_id, &value, move |conn| {
        let candidate = candidates::create_and_invite(conn, &links, &actor, &tenant, &body)?;
        serde_json::to_value(candidate).map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "candidates", params(("id" = String, Path)), responses(
    (status = 200, body = Candidate),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidates/{id}")]
pub async fn get_candidate(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Candidate>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let (row, client) = candidates::get_scoped_candidate(conn, &user.tenant, &id)?;
                candidates::to_dto(conn, row, &client, user.tenant.sees_scores())
            })
            .await?,
    ))
}

/// Edit details; extra time (0, or 1–100 %) is fixed once a test has started; `active: false` deactivates.
#[utoipa::path(tag = "candidates", params(("id" = String, Path)), request_body = CandidatePatch, responses(
    (status = 200, body = Candidate),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`candidate_anonymised`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/candidates/{id}")]
pub async fn update_candidate(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<CandidatePatch>,
) -> ApiResult<web::Json<Candidate>> {
    let actor = user.principal.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let (row, client) = candidates::update(conn, &actor, &user.tenant, &id, &body)?;
                candidates::to_dto(conn, row, &client, user.tenant.sees_scores())
            })
            .await?,
    ))
}

/// Invite an existing candidate to another project of the same client.
#[utoipa::path(tag = "candidates", params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = InvitationCreate, responses(
    (status = 201, body = Invitation),
    (status = 402, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidates/{id}/invitations")]
pub async fn invite_candidate(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<InvitationCreate>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let tenant = user.tenant.clone();
    idempotency::create(&state, &req, &user.principal.user_id, &value, move |conn| {
        if body.project_id.trim().is_empty() {
            return Err(ApiError::field(
                "project_id",
                "required",
                "Choose a project.",
            ));
        }
        let invitation =
            candidates::invite_existing(conn, &links, &actor, &tenant, &id, &body.project_id)?;
        serde_json::to_value(invitation).map_err(ApiError::internal)
    })
    .await
}

/// Email a new magic link (the old one stops working).
#[utoipa::path(tag = "candidates", params(("id" = String, Path)), responses(
    (status = 202, description = "Queued"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/invitations/{id}/resend")]
pub async fn resend_invitation(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| candidates::resend(conn, &links, &actor, &user.tenant, &id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Cancel an invitation: tests not started yet are refunded.
#[utoipa::path(tag = "candidates", params(("id" = String, Path)), responses(
    (status = 200, body = Invitation),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/invitations/{id}/cancel")]
pub async fn cancel_invitation(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Invitation>> {
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                candidates::cancel(conn, &links, &actor, &user.tenant, &id)?;
                let row = candidates::get_invitation(conn, &id)?;
                candidates::invitation_dto(conn, row, user.tenant.sees_scores())
            })
            .await?,
    ))
}
