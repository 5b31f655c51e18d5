//! ATS connectors: what a client user manages (`/ats-connectors`) and the wire shapes of each
//! applicant tracking system's assessment-partner contract (`/ats/greenhouse/…`,
//! `/ats/workable/…`), in that system's own field names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AtsKind;

/// A client's connector to one ATS. The `credential` is in the answer to its creation only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AtsConnector {
    pub id: String,
    pub kind: AtsKind,
    pub enabled: bool,
    /// What to paste into the ATS: each endpoint it calls, by the ATS's own name for it.
    pub endpoints: Vec<AtsEndpoint>,
    /// Only in the answer to `POST /ats-connectors`: the API key the ATS sends (Greenhouse: as
    /// the HTTP Basic username; Workable: as the Bearer token).
    pub credential: Option<String>,
    /// Whether a token for requests back to the ATS is set (Workable gives one).
    pub callback_token_set: bool,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AtsEndpoint {
    /// The ATS's name for it, e.g. `send_test`.
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AtsConnectorCreate {
    pub kind: String,
    /// The token the ATS gave for requests back to it (Workable), if any.
    #[serde(default)]
    pub callback_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AtsConnectorPatch {
    /// The token the ATS gave for requests back to it; `null` or empty removes it.
    #[serde(default)]
    pub callback_token: Option<String>,
}

// ---- Greenhouse Assessment Partner API -------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseTest {
    pub partner_test_id: String,
    pub partner_test_name: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseCandidate {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub resume_url: Option<String>,
    /// Carries `application_id=` when Greenhouse sends no `application`.
    #[serde(default)]
    pub greenhouse_profile_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseApplication {
    /// Greenhouse sends a number; a string is taken too.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(default)]
    pub id: serde_json::Value,
}

/// `POST /ats/greenhouse/send_test`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseSendTest {
    /// A project id from `list_tests` (Greenhouse may send it as a number: taken as text).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(default)]
    pub partner_test_id: serde_json::Value,
    #[serde(default)]
    pub candidate: GreenhouseCandidate,
    /// The application: a second send for the same application answers with the same
    /// `partner_interview_id` and charges nothing.
    #[serde(default)]
    pub application: Option<GreenhouseApplication>,
    /// Where Credence PATCHes the result when the candidate completes.
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseSendTestResponse {
    pub partner_interview_id: String,
}

/// `GET /ats/greenhouse/test_status`, and the body PATCHed to the callback `url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GreenhouseTestStatus {
    pub partner_interview_id: String,
    /// `complete` once every test is submitted; else `sent`, `in_progress`, `cancelled` or
    /// `expired`.
    pub partner_status: String,
    /// The candidate's page in the client portal (sign-in required).
    pub partner_profile_url: String,
    /// The mean percentile of the aptitude tests; `null` until complete or without one.
    pub partner_score: Option<i64>,
    /// One line per test: its status and scores.
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// `POST /ats/greenhouse/response_error`: Greenhouse reports an answer of ours it could not use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct GreenhouseResponseError {
    /// `list_tests`, `send_test` or `test_status`.
    pub api_call: Option<String>,
    pub errors: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub partner_interview_id: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub partner_test_id: serde_json::Value,
}

// ---- Workable Assessments provider API -------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableTest {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableTests {
    pub tests: Vec<WorkableTest>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableCandidate {
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// `POST /ats/workable/assessments`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableAssessmentCreate {
    /// A project id from `GET tests`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(default)]
    pub test_id: serde_json::Value,
    #[serde(default)]
    pub job_shortcode: Option<String>,
    #[serde(default)]
    pub candidate: WorkableCandidate,
    /// Where Credence PUTs the results; Workable makes one per candidate's assessment, so a
    /// second request with the same `callback_url` answers with the same `id` and charges
    /// nothing.
    #[serde(default)]
    pub callback_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableAssessmentCreated {
    pub id: String,
}

/// `GET /ats/workable/assessments/{id}`, and the body PUT to the `callback_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkableAssessmentResult {
    pub id: String,
    /// `completed` once every test is submitted; else `pending`, `in_progress`, `cancelled` or
    /// `expired`.
    pub status: String,
    /// The candidate's page in the client portal (sign-in required).
    pub results_url: String,
    /// The mean percentile of the aptitude tests; `null` until complete or without one.
    pub score: Option<i64>,
    /// One line per test: its status and scores.
    pub summary: String,
}
