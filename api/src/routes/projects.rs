//! `/tests` (the catalogue) and `/projects`: a client's projects, their results, and CSV import
//! of candidates. [reseller: all its clients; client_user: own client]

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use credence_shared::assess::{
    ImportReport, Project, ProjectCreate, ProjectPatch, ProjectResult, TestSummary,
};
use credence_shared::problem::Problem;
use credence_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::TenantUser;
use crate::db::DbConnection;
use crate::domain::candidates::{self as people};
use crate::domain::catalogue;
use crate::domain::projects::{self, ProjectFilter};
use crate::domain::tenant::Tenant;
use crate::domain::PageRequest;
use crate::error::{ApiError, ApiResult};
use crate::routes::csv;
use crate::routes::extract::{Json, ListParams, PageParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

/// The test catalogue: aptitude and personality tests with their norm groups.
#[utoipa::path(tag = "projects", responses((status = 200, body = Page<TestSummary>)), security(("bearer" = [])))]
#[get("/tests")]
pub async fn list_tests(
    state: web::Data<AppState>,
    _user: TenantUser,
) -> ApiResult<web::Json<Page<TestSummary>>> {
    Ok(web::Json(Page {
        data: state.db.run(catalogue::list).await?,
        next_cursor: None,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Searches the name.
    pub q: Option<String>,
    pub client_id: Option<String>,
    pub active: Option<bool>,
}

#[utoipa::path(tag = "projects", params(SyncParams, ProjectListParams), responses(
    (status = 200, body = Page<Project>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<ProjectListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Project>>> {
    let page = ListParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        ..Default::default()
    }
    .page()?;
    let page = sync.apply(page)?;
    let filter = ProjectFilter {
        client_id: params.client_id.clone(),
        q: params.q.clone(),
        active: params.active,
    };
    let public_url = state.config.public_url.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let rows = projects::list(conn, &user.tenant, &filter, &page)?;
                let rows = projects::page_of(rows, &page);
                Ok(Page {
                    data: projects::to_dtos(conn, &public_url, rows.data)?,
                    next_cursor: rows.next_cursor,
                })
            })
            .await?,
    ))
}

/// Create a project: tests with a norm group each, optional access key, expiry, support contact.
#[utoipa::path(tag = "projects", request_body = ProjectCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Project),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: TenantUser,
    Json(body): Json<ProjectCreate>,
) -> ApiResult<HttpResponse> {
    let actor = user.principal.audit_actor();
    let public_url = state.config.public_url.clone();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    let tenant = user.tenant.clone();
    idempotency::create(&state, &req, &user.principal.user_id, &value, move |conn| {
        let (row, client) = projects::create(conn, &actor, &tenant, &body)?;
        serde_json::to_value(projects::to_dto(conn, &public_url, row, &client)?)
            .map_err(ApiError::internal)
    })
    .await
}

#[utoipa::path(tag = "projects", params(("id" = String, Path)), responses(
    (status = 200, body = Project),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Project>> {
    let id = id.into_inner();
    let public_url = state.config.public_url.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let (row, client) = projects::get_scoped_project(conn, &user.tenant, &id)?;
                projects::to_dto(conn, &public_url, row, &client)
            })
            .await?,
    ))
}

/// Edit; regenerate or disable the access key; set or clear the expiry; (de)activate.
#[utoipa::path(tag = "projects", params(("id" = String, Path)), request_body = ProjectPatch, responses(
    (status = 200, body = Project),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/projects/{id}")]
pub async fn update_project(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<ProjectPatch>,
) -> ApiResult<web::Json<Project>> {
    let actor = user.principal.audit_actor();
    let id = id.into_inner();
    let public_url = state.config.public_url.clone();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let (row, client) = projects::update(conn, &actor, &user.tenant, &id, &body)?;
                projects::to_dto(conn, &public_url, row, &client)
            })
            .await?,
    ))
}

/// The project's candidates with each test's status, and (client users) the scores; newest
/// invitation first, one page at a time.
#[utoipa::path(tag = "projects", params(SyncParams, ("id" = String, Path), PageParams), responses(
    (status = 200, body = Page<ProjectResult>),
    (status = 400, description = "`invalid_query` (`limit` outside 1–200, a foreign cursor)", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/projects/{id}/results")]
pub async fn project_results(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    params: web::Query<PageParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<ProjectResult>>> {
    let id = id.into_inner();
    let page = sync.apply(params.page()?)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| people::project_results(conn, &user.tenant, &id, &page))
            .await?,
    ))
}

/// The results table as CSV, streamed: one row per candidate, percentile/sten/T per test (per
/// trait for personality tests; client users only).
#[utoipa::path(tag = "projects", params(("id" = String, Path)), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/projects/{id}/results.csv")]
pub async fn project_results_csv(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (name, columns) = {
        let (tenant, id) = (user.tenant.clone(), id.clone());
        state
            .db
            .run(move |conn| people::score_columns(conn, &tenant, &id))
            .await?
    };
    let mut header: Vec<String> = ["first_name", "last_name", "email", "status", "submitted_at"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for column in &columns {
        let label = if column.scale == "total" {
            column.test_name.clone()
        } else {
            format!("{} {}", column.test_name, column.scale)
        };
        header.extend(["percentile", "sten", "T"].map(|m| format!("{label} {m}")));
    }
    let export = ResultsExport {
        tenant: user.tenant,
        project_id: id,
        columns,
        after: None,
        done: false,
    };
    Ok(csv::stream(
        state.db.clone(),
        &format!("results-{}.csv", slug(&name)),
        header,
        export,
    ))
}

/// `results.csv`, a batch of invitations at a time.
struct ResultsExport {
    tenant: Tenant,
    project_id: String,
    columns: Vec<people::ScoreColumn>,
    after: Option<String>,
    done: bool,
}

impl csv::Export for ResultsExport {
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        if self.done {
            return Ok(Vec::new());
        }
        let page = PageRequest {
            limit: csv::BATCH,
            after: self.after.take(),
            ..Default::default()
        };
        let rows = people::project_results(conn, &self.tenant, &self.project_id, &page)?;
        self.done = rows.next_cursor.is_none();
        self.after = rows.next_cursor;
        Ok(rows.data.iter().map(|r| self.cells(r)).collect())
    }
}

impl ResultsExport {
    fn cells(&self, r: &ProjectResult) -> Vec<String> {
        let mut cells = vec![
            r.first_name.clone(),
            r.last_name.clone(),
            r.email.clone(),
            r.status.to_string(),
            r.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ];
        for column in &self.columns {
            let score = r
                .assessments
                .iter()
                .filter(|a| a.test_name == column.test_name)
                .flat_map(|a| a.scores.iter().flatten())
                .find(|s| s.scale == column.scale);
            match score {
                Some(s) => cells.extend([
                    s.percentile.to_string(),
                    s.sten.to_string(),
                    format!("{:.1}", s.t_score),
                ]),
                None => cells.extend([String::new(), String::new(), String::new()]),
            }
        }
        cells
    }
}

/// A project name as a file name: lower-case letters and digits, the rest dashes.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The CSV template for importing candidates.
#[utoipa::path(tag = "projects", responses((status = 200, description = "CSV", content_type = "text/csv")), security(("bearer" = [])))]
#[get("/candidates/import-template.csv")]
pub async fn import_template(_user: TenantUser) -> HttpResponse {
    csv::download(
        "candidates-template.csv",
        csv::document(
            &[
                "first_name",
                "last_name",
                "email",
                "phone",
                "extra_time_percent",
            ],
            vec![
                vec![
                    "Ada".into(),
                    "Lovelace".into(),
                    "ada@example.com".into(),
                    "+44 20 7946 0000".into(),
                    "0".into(),
                ],
                vec![
                    "Alan".into(),
                    "Turing".into(),
                    "alan@example.com".into(),
                    String::new(),
                    "25".into(),
                ],
            ],
        ),
    )
}

/// Invite candidates from a CSV file (`text/csv` body). The credits for every valid row are
/// checked before anything is charged (402 `insufficient_credits` otherwise); the answer
/// reports each row.
#[utoipa::path(tag = "projects", params(("id" = String, Path)),
    request_body(content = String, content_type = "text/csv", description = "first_name,last_name,email[,phone][,extra_time_percent]"),
    responses(
    (status = 200, body = ImportReport),
    (status = 402, description = "`insufficient_credits`", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/projects/{id}/candidates/import")]
pub async fn import_candidates(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: TenantUser,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<web::Json<ImportReport>> {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !content_type.starts_with("text/csv") && !content_type.starts_with("text/plain") {
        return Err(ApiError::unsupported_media(
            "unsupported_media_type",
            "Send the file as text/csv.",
        ));
    }
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::field("file", "not_utf8", "Save the file as UTF-8 CSV."))?;
    let actor = user.principal.audit_actor();
    let links = state.config.links();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| people::import(conn, &links, &actor, &user.tenant, &id, &text))
            .await?,
    ))
}
