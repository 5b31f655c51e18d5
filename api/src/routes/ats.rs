//! ATS connectors. `/ats-connectors`: a client user enables one per ATS (the credential is
//! shown once), sets the ATS's token for results, disables it. `/ats/greenhouse/…` and
//! `/ats/workable/…`: each ATS's assessment-partner contract, in its own field names,
//! authenticated by the connector's credential (`auth::ats`), whose client is the tenant.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use credence_shared::ats::{
    AtsConnector, AtsConnectorCreate, AtsConnectorPatch, GreenhouseResponseError,
    GreenhouseSendTest, GreenhouseSendTestResponse, GreenhouseTest, GreenhouseTestStatus,
    WorkableAssessmentCreate, WorkableAssessmentCreated, WorkableAssessmentResult, WorkableTest,
    WorkableTests,
};
use credence_shared::problem::Problem;
use credence_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::ats::{GreenhouseConnector, WorkableConnector};
use crate::auth::extract::client_ip;
use crate::auth::{RealUser, Tenant, TenantUser};
use crate::domain::ats::{self, shapes, SendRequest};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
use crate::routes::idempotency;
use crate::state::AppState;

/// The client of a client user; reseller staff never hold a client's connector credentials.
fn client_of(user: &TenantUser) -> Result<String, ApiError> {
    match &user.tenant {
        Tenant::Client { client_id } => Ok(client_id.clone()),
        Tenant::Reseller { .. } => Err(ApiError::forbidden(
            "Only the client's own users connect an ATS.",
        )),
    }
}

/// Your client's ATS connectors, newest first, disabled ones too.
#[utoipa::path(operation_id = "list_ats_connectors", tag = "ats", responses(
    (status = 200, body = Page<AtsConnector>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not a client user", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/ats-connectors")]
pub async fn list_connectors(
    state: web::Data<AppState>,
    user: TenantUser,
) -> ApiResult<web::Json<Page<AtsConnector>>> {
    let client_id = client_of(&user)?;
    let links = state.config.links();
    Ok(web::Json(Page {
        data: state
            .db
            .run(move |conn| ats::list(conn, &links, &client_id))
            .await?,
        next_cursor: None,
    }))
}

/// Connect an ATS (`greenhouse` or `workable`): the answer holds the credential to paste into
/// the ATS (only here: it is not stored) and the endpoint URLs. One enabled connector per ATS.
#[utoipa::path(operation_id = "create_ats_connector", tag = "ats", request_body = AtsConnectorCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = AtsConnector),
    (status = 409, description = "`connector_exists`: this ATS already has an enabled connector; `idempotency_replay_unavailable`: this Idempotency-Key created the connector already, and its credential is shown only once", body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not a client user, or during Login As", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`kind`, `callback_token`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/ats-connectors")]
pub async fn create_connector(
    state: web::Data<AppState>,
    req: HttpRequest,
    real: RealUser,
    user: TenantUser,
    Json(body): Json<AtsConnectorCreate>,
) -> ApiResult<HttpResponse> {
    let client_id = client_of(&user)?;
    let actor = real.0.audit_actor();
    let links = state.config.links();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    // The answer carries the credential, shown once: a replay is 409, never the secret again.
    idempotency::create_with_secret(&state, &req, &real.0.user_id, &value, move |conn| {
        let connector = ats::create(conn, &links, &actor, &client_id, &body)?;
        serde_json::to_value(connector).map_err(ApiError::internal)
    })
    .await
}

/// Set (or, with `null`, remove) the token the ATS gave for sending results back (Workable).
#[utoipa::path(operation_id = "update_ats_connector", tag = "ats", params(("id" = String, Path)), request_body = AtsConnectorPatch, responses(
    (status = 200, body = AtsConnector),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not a client user, or during Login As", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`callback_token`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/ats-connectors/{id}")]
pub async fn update_connector(
    state: web::Data<AppState>,
    real: RealUser,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<AtsConnectorPatch>,
) -> ApiResult<web::Json<AtsConnector>> {
    let client_id = client_of(&user)?;
    let actor = real.0.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| ats::update(conn, &links, &actor, &client_id, &id, &body))
            .await?,
    ))
}

/// Disable a connector: its credential stops working at once; results not yet pushed to the
/// ATS are cancelled.
#[utoipa::path(operation_id = "disable_ats_connector", tag = "ats", params(("id" = String, Path)), responses(
    (status = 204, description = "Disabled"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not a client user, or during Login As", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/ats-connectors/{id}")]
pub async fn disable_connector(
    state: web::Data<AppState>,
    real: RealUser,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let client_id = client_of(&user)?;
    let actor = real.0.audit_actor();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| ats::disable(conn, &actor, &client_id, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A JSON id as Greenhouse or Workable sends it: a number or a string.
fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// ---- Greenhouse -------------------------------------------------------------------------

/// Greenhouse: the client's open projects, each a test.
#[utoipa::path(operation_id = "greenhouse_list_tests", tag = "ats", responses(
    (status = 200, body = Vec<GreenhouseTest>),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
), security(("greenhouse" = [])))]
#[get("/ats/greenhouse/list_tests")]
pub async fn greenhouse_list_tests(
    state: web::Data<AppState>,
    connector: GreenhouseConnector,
) -> ApiResult<web::Json<Vec<GreenhouseTest>>> {
    let projects = state
        .db
        .run(move |conn| ats::open_projects(conn, &connector.0))
        .await?;
    Ok(web::Json(
        projects
            .into_iter()
            .map(|(id, name)| GreenhouseTest {
                partner_test_id: id,
                partner_test_name: name,
            })
            .collect(),
    ))
}

/// The `application_id` query parameter of Greenhouse's profile URL.
fn application_in(profile_url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(profile_url?).ok()?;
    let found = url
        .query_pairs()
        .find(|(k, _)| k == "application_id")
        .map(|(_, v)| v.to_string());
    found
}

/// Greenhouse: invite the candidate to the project (`partner_test_id`) as `POST /candidates`
/// does — credits charged, invitation mailed. Idempotent on the application (`application.id`,
/// else `application_id` in `greenhouse_profile_url`): a second send answers with the same
/// `partner_interview_id` and charges nothing. The result is PATCHed to `url` on completion.
#[utoipa::path(operation_id = "greenhouse_send_test", tag = "ats", request_body = GreenhouseSendTest, responses(
    (status = 200, body = GreenhouseSendTestResponse),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
    (status = 402, description = "`insufficient_credits` (nothing charged)", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such project of the client", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`project_locked`, `already_invited`, `client_unavailable`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`partner_test_id`, `first_name`, `last_name`, `email`, `url`", body = Problem, content_type = "application/problem+json"),
), security(("greenhouse" = [])))]
#[post("/ats/greenhouse/send_test")]
pub async fn greenhouse_send_test(
    state: web::Data<AppState>,
    req: HttpRequest,
    connector: GreenhouseConnector,
    Json(body): Json<GreenhouseSendTest>,
) -> ApiResult<web::Json<GreenhouseSendTestResponse>> {
    let links = state.config.links();
    let allow = state.config.webhook_allow.clone();
    let ip = client_ip(&req);
    let input = SendRequest {
        project_id: text(&body.partner_test_id).unwrap_or_default(),
        first_name: body.candidate.first_name.clone(),
        last_name: body.candidate.last_name.clone(),
        email: body.candidate.email.clone(),
        phone: body.candidate.phone_number.clone(),
        external_id: body
            .application
            .as_ref()
            .and_then(|a| text(&a.id))
            .or_else(|| application_in(body.candidate.greenhouse_profile_url.as_deref())),
        callback_url: body.url.clone(),
        project_field: "partner_test_id",
        callback_field: "url",
        callback_required: false,
    };
    let (id, _) = state
        .db
        .transaction(move |conn| ats::send(conn, &links, &allow, &connector.0, ip, &input))
        .await?;
    Ok(web::Json(GreenhouseSendTestResponse {
        partner_interview_id: id,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TestStatusParams {
    pub partner_interview_id: String,
}

/// Greenhouse: where the candidate stands; once `complete`, the score (mean percentile of the
/// aptitude tests), a line per test and the candidate's page in the client portal.
#[utoipa::path(operation_id = "greenhouse_test_status", tag = "ats", params(TestStatusParams), responses(
    (status = 200, body = GreenhouseTestStatus),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not an interview of this connector", body = Problem, content_type = "application/problem+json"),
), security(("greenhouse" = [])))]
#[get("/ats/greenhouse/test_status")]
pub async fn greenhouse_test_status(
    state: web::Data<AppState>,
    connector: GreenhouseConnector,
    params: web::Query<TestStatusParams>,
) -> ApiResult<web::Json<GreenhouseTestStatus>> {
    let links = state.config.links();
    let id = params.into_inner().partner_interview_id;
    let view = state
        .db
        .run(move |conn| ats::view(conn, &links, &connector.0, &id))
        .await?;
    Ok(web::Json(shapes::greenhouse(&view)))
}

/// Greenhouse: an answer of ours it could not use. Recorded in the client's audit log
/// (`ats.response_error`).
#[utoipa::path(operation_id = "greenhouse_response_error", tag = "ats", request_body = GreenhouseResponseError, responses(
    (status = 200, description = "Recorded"),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
), security(("greenhouse" = [])))]
#[post("/ats/greenhouse/response_error")]
pub async fn greenhouse_response_error(
    state: web::Data<AppState>,
    req: HttpRequest,
    connector: GreenhouseConnector,
    Json(body): Json<GreenhouseResponseError>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req);
    let ids = serde_json::json!({
        "partner_interview_id": text(&body.partner_interview_id),
        "partner_test_id": text(&body.partner_test_id),
    });
    state
        .db
        .transaction(move |conn| {
            ats::record_response_error(
                conn,
                &connector.0,
                ip,
                body.api_call.as_deref(),
                &body.errors,
                ids,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({})))
}

// ---- Workable ---------------------------------------------------------------------------

/// Workable: the client's open projects, each a test.
#[utoipa::path(operation_id = "workable_tests", tag = "ats", responses(
    (status = 200, body = WorkableTests),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
), security(("workable" = [])))]
#[get("/ats/workable/tests")]
pub async fn workable_tests(
    state: web::Data<AppState>,
    connector: WorkableConnector,
) -> ApiResult<web::Json<WorkableTests>> {
    let projects = state
        .db
        .run(move |conn| ats::open_projects(conn, &connector.0))
        .await?;
    Ok(web::Json(WorkableTests {
        tests: projects
            .into_iter()
            .map(|(id, name)| WorkableTest { id, name })
            .collect(),
    }))
}

/// Workable: invite the candidate to the project (`test_id`) as `POST /candidates` does.
/// Workable makes one `callback_url` per candidate's assessment: a second request with it
/// answers 200 with the same `id` and charges nothing. The results are PUT to `callback_url`
/// on completion (with the connector's callback token as Bearer, when set).
#[utoipa::path(operation_id = "workable_create_assessment", tag = "ats", request_body = WorkableAssessmentCreate, responses(
    (status = 201, body = WorkableAssessmentCreated),
    (status = 200, description = "A repeated `callback_url`: the assessment made for it", body = WorkableAssessmentCreated),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
    (status = 402, description = "`insufficient_credits` (nothing charged)", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such project of the client", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`project_locked`, `already_invited`, `client_unavailable`", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`test_id`, `first_name`, `last_name`, `email`, `callback_url`", body = Problem, content_type = "application/problem+json"),
), security(("workable" = [])))]
#[post("/ats/workable/assessments")]
pub async fn workable_create_assessment(
    state: web::Data<AppState>,
    req: HttpRequest,
    connector: WorkableConnector,
    Json(body): Json<WorkableAssessmentCreate>,
) -> ApiResult<HttpResponse> {
    let links = state.config.links();
    let allow = state.config.webhook_allow.clone();
    let ip = client_ip(&req);
    let input = SendRequest {
        project_id: text(&body.test_id).unwrap_or_default(),
        first_name: body.candidate.first_name.clone(),
        last_name: body.candidate.last_name.clone(),
        email: body.candidate.email.clone(),
        phone: body.candidate.phone.clone(),
        external_id: Some(body.callback_url.clone()).filter(|u| !u.trim().is_empty()),
        callback_url: Some(body.callback_url.clone()),
        project_field: "test_id",
        callback_field: "callback_url",
        callback_required: true,
    };
    let (id, created) = state
        .db
        .transaction(move |conn| ats::send(conn, &links, &allow, &connector.0, ip, &input))
        .await?;
    let answer = WorkableAssessmentCreated { id };
    Ok(if created {
        HttpResponse::Created().json(answer)
    } else {
        HttpResponse::Ok().json(answer)
    })
}

/// Workable: where an assessment stands, with the score and results link once completed (the
/// same body is PUT to its `callback_url`).
#[utoipa::path(operation_id = "workable_get_assessment", tag = "ats", params(("id" = String, Path)), responses(
    (status = 200, body = WorkableAssessmentResult),
    (status = 401, description = "`invalid_credential`", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not an assessment of this connector", body = Problem, content_type = "application/problem+json"),
), security(("workable" = [])))]
#[get("/ats/workable/assessments/{id}")]
pub async fn workable_get_assessment(
    state: web::Data<AppState>,
    connector: WorkableConnector,
    id: web::Path<String>,
) -> ApiResult<web::Json<WorkableAssessmentResult>> {
    let links = state.config.links();
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| ats::view(conn, &links, &connector.0, &id))
        .await?;
    Ok(web::Json(shapes::workable(&view)))
}
