//! Projects and the test catalogue (both portals).

use credence_shared::assess::{Project, ProjectCreate, ProjectPatch, ProjectResult, TestSummary};
use credence_shared::Page;

use super::{download, enc, get, page_query, patch, post, push_param, ApiResult};

/// The test catalogue (every test with its norm groups).
pub async fn list_tests() -> ApiResult<Page<TestSummary>> {
    get("/tests").await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub q: String,
    pub client_id: String,
    /// `true`, `false` or blank (all).
    pub active: String,
}

pub async fn list_projects(
    filter: &ProjectFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Project>> {
    let mut path = format!("/projects?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "active", &filter.active);
    get(&path).await
}

pub async fn create_project(body: &ProjectCreate) -> ApiResult<Project> {
    post("/projects", body).await
}

pub async fn get_project(id: &str) -> ApiResult<Project> {
    get(&format!("/projects/{}", enc(id))).await
}

pub async fn patch_project(id: &str, body: &ProjectPatch) -> ApiResult<Project> {
    patch(&format!("/projects/{}", enc(id)), body).await
}

/// One row per invitation of the project (scores for client users only).
pub async fn project_results(id: &str, cursor: Option<&str>) -> ApiResult<Page<ProjectResult>> {
    get(&format!(
        "/projects/{}/results?{}",
        enc(id),
        page_query(50, cursor)
    ))
    .await
}

pub async fn download_project_results_csv(id: &str) -> ApiResult<()> {
    download(&format!("/projects/{}/results.csv", enc(id)), "results.csv").await
}
