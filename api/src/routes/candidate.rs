//! `/candidate/*`: the candidates' test area. A candidate reaches only their own assessments.

use actix_web::{get, post, put, web, HttpResponse};
use credence_shared::assess::{
    AnswersSave, CandidateMe, CandidateSession, CandidateSessionCreate, StartedAssessment,
    SubmitResponse,
};
use credence_shared::problem::Problem;
use credence_shared::AssessmentStatus;

use crate::auth::CandidateUser;
use crate::domain::test_area;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
use crate::state::AppState;

/// Sign in to the test area: with the invitation email's one-time token (200), or register with
/// a project's access key (201; invites the candidate and charges the project's credits).
#[utoipa::path(tag = "candidate", request_body = CandidateSessionCreate, responses(
    (status = 200, body = CandidateSession),
    (status = 201, body = CandidateSession),
    (status = 401, description = "`invalid_invitation`", body = Problem, content_type = "application/problem+json"),
    (status = 402, description = "`insufficient_credits` (self-registration)", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "`assessment_unavailable`: project closed or client suspended", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`already_registered`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/candidate/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    Json(body): Json<CandidateSessionCreate>,
) -> ApiResult<HttpResponse> {
    let links = state.config.links();
    let by_link = body
        .invitation_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let (opened, created) = match by_link {
        Some(link) => {
            let opened = state
                .db
                .transaction(move |conn| test_area::session_from_link(conn, &link))
                .await?;
            (opened, false)
        }
        None => {
            let key = body.access_key.clone().unwrap_or_default();
            if key.trim().is_empty() {
                return Err(ApiError::field(
                    "access_key",
                    "required",
                    "Open the link from your invitation, or enter the access key you were given.",
                ));
            }
            let registration = state
                .db
                .transaction(move |conn| {
                    test_area::session_from_access_key(
                        conn,
                        &links,
                        &key,
                        body.first_name.as_deref().unwrap_or_default(),
                        body.last_name.as_deref().unwrap_or_default(),
                        body.email.as_deref().unwrap_or_default(),
                    )
                })
                .await?;
            match registration {
                test_area::Registration::Session(opened) => (opened, true),
                test_area::Registration::LinkMailed => {
                    return Err(ApiError::conflict(
                        "already_registered",
                        "You are already registered for this assessment. We have emailed you a link to continue.",
                    ))
                }
            }
        }
    };
    let session = CandidateSession {
        access_token: crate::auth::session::candidate_token(&state.keys, &opened)?,
        token_type: "Bearer".into(),
        expires_in: opened.ttl_seconds,
    };
    Ok(if created {
        HttpResponse::Created().json(session)
    } else {
        HttpResponse::Ok().json(session)
    })
}

/// The candidate, the branding of their test area, and their assessments.
#[utoipa::path(tag = "candidate", responses(
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
    (status = 409, description = "`already_submitted`", body = Problem, content_type = "application/problem+json"),
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
    (status = 409, description = "`deadline_passed` or `not_in_progress`", body = Problem, content_type = "application/problem+json"),
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
    (status = 409, body = Problem, content_type = "application/problem+json"),
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
