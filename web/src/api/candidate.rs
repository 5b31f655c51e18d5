//! The candidate test area's calls and its session: the token from the invitation link (or
//! self-registration), kept in `localStorage` (`credence_candidate`) so a reload or a crash
//! resumes. The staff session in `session` is neither used nor touched, and never refreshed here.

use credence_shared::assess::{
    AnswersSave, CandidateMe, CandidateSession, CandidateSessionCreate, RegistrationAccepted,
    StartedAssessment, SubmitResponse,
};
use gloo_net::http::{Method, Response};
use serde::{Deserialize, Serialize};

use super::{check, decode, enc, save_response, send_once, ApiError, ApiResult, Body};

// ---------------------------------------------------------------- the stored session

const STORAGE_KEY: &str = "credence_candidate";

/// What `localStorage` keeps between reloads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredSession {
    access_token: String,
    /// Milliseconds since the epoch.
    expires_at_ms: f64,
    /// The project's support contact, for the error pages shown when `/candidate/me` fails.
    #[serde(default)]
    pub(crate) support: Option<Support>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Support {
    pub name: Option<String>,
    pub email: Option<String>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub(crate) fn read_stored() -> Option<StoredSession> {
    let storage = local_storage()?;
    let json = storage.get_item(STORAGE_KEY).ok()??;
    match serde_json::from_str::<StoredSession>(&json) {
        Ok(s) if s.expires_at_ms > js_sys::Date::now() + 5_000.0 => Some(s),
        _ => {
            let _ = storage.remove_item(STORAGE_KEY);
            None
        }
    }
}

pub(crate) fn write_stored(s: &StoredSession) {
    if let (Some(storage), Ok(json)) = (local_storage(), serde_json::to_string(s)) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

pub(crate) fn clear_stored() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

fn store_session(session: &CandidateSession) {
    write_stored(&StoredSession {
        access_token: session.access_token.clone(),
        expires_at_ms: js_sys::Date::now() + session.expires_in as f64 * 1000.0,
        support: None,
    });
}

/// The candidate's access token, while it has not run out.
pub fn candidate_token() -> Option<String> {
    read_stored().map(|s| s.access_token)
}

// ---------------------------------------------------------------- the candidate API

fn no_session() -> ApiError {
    ApiError::synthetic(401, "session_ended", "Your session has ended")
}

/// One call with the candidate's token (or none, to open a session): the shared transport, but
/// never the staff token and never a silent refresh.
async fn candidate_call(
    method: Method,
    path: &str,
    body: Body,
    token: Option<&str>,
) -> ApiResult<Response> {
    check(send_once(&method, path, &body, token, &[]).await?).await
}

async fn authed(method: Method, path: &str, body: Body) -> ApiResult<Response> {
    let token = candidate_token().ok_or_else(no_session)?;
    candidate_call(method, path, body, Some(&token)).await
}

pub async fn create_session(body: &CandidateSessionCreate) -> ApiResult<CandidateSession> {
    let resp = candidate_call(Method::POST, "/candidate/sessions", Body::json(body)?, None).await?;
    let session: CandidateSession = decode(resp).await?;
    store_session(&session);
    Ok(session)
}

/// Self-registration with an access key: never a session; the link arrives by email (202).
pub async fn register(body: &CandidateSessionCreate) -> ApiResult<RegistrationAccepted> {
    let resp = candidate_call(Method::POST, "/candidate/sessions", Body::json(body)?, None).await?;
    decode(resp).await
}

pub async fn fetch_me() -> ApiResult<CandidateMe> {
    decode(authed(Method::GET, "/candidate/me", Body::Empty).await?).await
}

/// Confirms the privacy notice of `version` (409 `notice_changed` when it changed since). The
/// body is written by hand and the answer not decoded (the caller fetches `/candidate/me`
/// again): every byte counts in this bundle. A version is hex (SHA-256).
pub async fn consent(version: &str) -> ApiResult<()> {
    let hex: String = version.chars().filter(char::is_ascii_hexdigit).collect();
    let body = Body::Json(format!(r#"{{"version":"{hex}"}}"#));
    authed(Method::POST, "/candidate/consent", body)
        .await
        .map(|_| ())
}

pub async fn start(id: &str) -> ApiResult<StartedAssessment> {
    let path = format!("/candidate/assessments/{}/start", enc(id));
    decode(authed(Method::POST, &path, Body::Empty).await?).await
}

pub async fn save_answers(id: &str, body: &AnswersSave) -> ApiResult<()> {
    let path = format!("/candidate/assessments/{}/answers", enc(id));
    authed(Method::PUT, &path, Body::json(body)?)
        .await
        .map(|_| ())
}

pub async fn submit(id: &str) -> ApiResult<SubmitResponse> {
    let path = format!("/candidate/assessments/{}/submit", enc(id));
    decode(authed(Method::POST, &path, Body::Empty).await?).await
}

/// Downloads everything kept about the candidate (their details, invitations, answers and
/// the mail sent to them) as JSON.
pub async fn download_my_data() -> ApiResult<()> {
    let resp = authed(Method::GET, "/candidate/me/export", Body::Empty).await?;
    save_response(resp, "my-data.json").await
}

/// A failure worth retrying by itself: no connection, or the server briefly unwell.
pub fn is_transient(err: &ApiError) -> bool {
    matches!(err.status(), 0 | 429 | 502 | 503 | 504)
}
