//! `/candidate/*`: the candidates' test area. A candidate reaches only their own assessments.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use credence_shared::assess::{
    AnswersSave, CandidateMe, CandidateSession, CandidateSessionCreate, RegistrationAccepted,
    StartedAssessment, SubmitResponse,
};
use credence_shared::problem::Problem;
use credence_shared::AssessmentStatus;

use crate::auth::extract::client_ip;
use crate::auth::CandidateUser;
use crate::domain::test_area;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
use crate::state::AppState;

/// Sign in to the test area with the invitation email's one-time token (200), or register with
/// a project's access key (202): the answer to a registration is the same whether the email is
/// new (the candidate is invited, charging the project's credits) or already registered (that
/// person is mailed their own link); either way the link arrives by email and no session is
/// opened here. Registration is throttled per client IP and per key (429 `rate_limited`) and
/// capped per project per day (429 `self_registration_cap_reached`), both with `Retry-After`.
#[utoipa::path(tag = "candidate", request_body = CandidateSessionCreate, responses(
    (status = 200, body = CandidateSession),
    (status = 202, description = "Self-registration accepted: the link is in the candidate's inbox", body = RegistrationAccepted),
    (status = 401, description = "`invalid_invitation`", body = Problem, content_type = "application/problem+json"),
    (status = 402, description = "`insufficient_credits` (self-registration)", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "`assessment_unavailable`: project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation_failed`: e.g. `invalid_access_key`, `name_contains_url`", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "`rate_limited` or `self_registration_cap_reached`; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
))]
#[post("/candidate/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<CandidateSessionCreate>,
) -> ApiResult<HttpResponse> {
    let links = state.config.links();
    let by_link = body
        .invitation_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let Some(link) = by_link else {
        let key = body.access_key.clone().unwrap_or_default();
        if key.trim().is_empty() {
            return Err(ApiError::field(
                "access_key",
                "required",
                "Open the link from your invitation, or enter the access key you were given.",
            ));
        }
        let ip = client_ip(&req).unwrap_or_else(|| "unknown".into());
        let counted = key.clone();
        state
            .db
            .transaction(move |conn| test_area::count_registration_attempt(conn, &ip, &counted))
            .await?;
        state
            .db
            .transaction(move |conn| {
                test_area::register_with_access_key(
                    conn,
                    &links,
                    &key,
                    body.first_name.as_deref().unwrap_or_default(),
                    body.last_name.as_deref().unwrap_or_default(),
                    body.email.as_deref().unwrap_or_default(),
                )
            })
            .await?;
        return Ok(HttpResponse::Accepted().json(RegistrationAccepted::check_email()));
    };
    let opened = state
        .db
        .transaction(move |conn| test_area::session_from_link(conn, &link))
        .await?;
    Ok(HttpResponse::Ok().json(CandidateSession {
        access_token: crate::auth::session::candidate_token(&state.keys, &opened)?,
        token_type: "Bearer".into(),
        expires_in: opened.ttl_seconds,
    }))
}

/// The candidate, the branding of their test area, and their assessments.
#[utoipa::path(operation_id = "candidate_me", tag = "candidate", responses(
    (status = 200, body = CandidateMe),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidate/me")]
pub async fn me(
    state: web::Data<AppState>,
    who: CandidateUser,
) -> ApiResult<web::Json<CandidateMe>> {
    Ok(web::Json(
        state
            .db
            .run(move |conn| test_area::me(conn, &who.0))
            .await?,
    ))
}

/// Start or resume a test: the questions (never the answers), the server's deadline (extra
/// time included) and the answers saved so far.
#[utoipa::path(tag = "candidate", params(("id" = String, Path)), responses(
    (status = 200, body = StartedAssessment),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`already_submitted`, or `consent_required`: the privacy notice is not confirmed yet (`POST /candidate/consent`)", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidate/assessments/{id}/start")]
pub async fn start(
    state: web::Data<AppState>,
    who: CandidateUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<StartedAssessment>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| test_area::start(conn, &who.0, &id))
            .await?,
    ))
}

/// Autosave answers (each replaces the previous answer to its question).
#[utoipa::path(tag = "candidate", params(("id" = String, Path)), request_body = AnswersSave, responses(
    (status = 204, description = "Saved"),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`deadline_passed`, `not_in_progress`, or `consent_required`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/candidate/assessments/{id}/answers")]
pub async fn save_answers(
    state: web::Data<AppState>,
    who: CandidateUser,
    id: web::Path<String>,
    Json(body): Json<AnswersSave>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| test_area::save_answers(conn, &who.0, &id, &body.answers))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Submit: the test is scored against the project's norm group.
#[utoipa::path(tag = "candidate", params(("id" = String, Path)), responses(
    (status = 200, body = SubmitResponse),
    (status = 403, description = "`assessment_unavailable`: invitation cancelled or expired, candidate deactivated, project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`consent_required`, or the test is not in progress", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/candidate/assessments/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    who: CandidateUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<SubmitResponse>> {
    let id = id.into_inner();
    let links = state.config.links();
    state
        .db
        .transaction(move |conn| test_area::submit_own(conn, &links, &who.0, &id))
        .await?;
    Ok(web::Json(SubmitResponse {
        status: AssessmentStatus::Submitted,
    }))
}
