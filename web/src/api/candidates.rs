//! Candidates and their invitations (both portals), and the CSV import.

use credence_shared::assess::{
    Candidate, CandidateCreate, CandidatePatch, ImportReport, Invitation, InvitationCreate,
};
use credence_shared::Page;
use gloo_net::http::Method;

use super::{
    decode, download, enc, get, page_query, patch, push_param, send, send_with, ApiResult, Body,
};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidateFilter {
    pub q: String,
    pub client_id: String,
    pub project_id: String,
    pub status: String,
}

/// `GET /candidates/export.csv` with the list's filters.
pub fn candidates_export_path(filter: &CandidateFilter) -> String {
    let mut path = "/candidates/export.csv?".to_string();
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "project_id", &filter.project_id);
    push_param(&mut path, "status", &filter.status);
    path
}

pub async fn list_candidates(
    filter: &CandidateFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Candidate>> {
    let mut path = format!("/candidates?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "project_id", &filter.project_id);
    push_param(&mut path, "status", &filter.status);
    get(&path).await
}

/// Creates (or finds) the candidate and invites them, charging the project's credits at once.
/// `key` is made once per submission, so a retry never charges twice.
pub async fn create_candidate(body: &CandidateCreate, key: &str) -> ApiResult<Candidate> {
    decode(
        send_with(
            Method::POST,
            "/candidates",
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn get_candidate(id: &str) -> ApiResult<Candidate> {
    get(&format!("/candidates/{}", enc(id))).await
}

pub async fn patch_candidate(id: &str, body: &CandidatePatch) -> ApiResult<Candidate> {
    patch(&format!("/candidates/{}", enc(id)), body).await
}

/// Invites an existing candidate to another project (charging its credits).
pub async fn invite_candidate(
    candidate_id: &str,
    body: &InvitationCreate,
    key: &str,
) -> ApiResult<Invitation> {
    decode(
        send_with(
            Method::POST,
            &format!("/candidates/{}/invitations", enc(candidate_id)),
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn resend_invitation(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/invitations/{}/resend", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// Cancels an open invitation; its unstarted tests are refunded.
pub async fn cancel_invitation(id: &str) -> ApiResult<Invitation> {
    decode(
        send(
            Method::POST,
            &format!("/invitations/{}/cancel", enc(id)),
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}

pub async fn download_import_template() -> ApiResult<()> {
    download("/candidates/import-template.csv", "candidates-template.csv").await
}

/// Sends the picked CSV file's text as `text/csv` (whatever type the browser guessed for it).
pub async fn import_candidates(project_id: &str, file: &web_sys::File) -> ApiResult<ImportReport> {
    let blob: web_sys::Blob = file.clone().into();
    decode(
        send(
            Method::POST,
            &format!("/projects/{}/candidates/import", enc(project_id)),
            Body::Blob(blob, "text/csv".into()),
            true,
        )
        .await?,
    )
    .await
}
