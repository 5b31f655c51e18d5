//! Assessment side: the test catalogue, projects, candidates, invitations, scores, and the
//! candidate test area.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::admin::Brand;
use crate::privacy::PrivacyNotice;
use crate::problem::FieldError;
use crate::{AssessmentStatus, CandidateStatus, ImportOutcome, InvitationStatus, TestKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NormGroupRef {
    pub id: String,
    pub name: String,
}

/// A test of the catalogue (`GET /tests`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestSummary {
    pub id: String,
    pub name: String,
    pub kind: TestKind,
    /// `numerical`, `verbal`, `inductive` or `personality`.
    pub category: String,
    pub description: String,
    pub timed: bool,
    pub duration_seconds: Option<i64>,
    pub credit_cost: i64,
    pub question_count: i64,
    pub norm_groups: Vec<NormGroupRef>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProjectTestInput {
    pub test_id: String,
    pub norm_group_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectTest {
    pub test_id: String,
    pub test_name: String,
    pub kind: TestKind,
    pub norm_group_id: String,
    pub norm_group_name: String,
    pub credit_cost: i64,
    pub duration_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub name: String,
    /// Shown to candidates.
    pub description: Option<String>,
    pub tests: Vec<ProjectTest>,
    /// Credits one invitation costs (the sum of the tests' costs).
    pub credit_cost: i64,
    /// Present while self-registration is enabled.
    pub access_key: Option<String>,
    pub access_key_enabled: bool,
    /// The candidate self-registration page with the key filled in.
    pub self_registration_url: Option<String>,
    /// Most candidates who may register themselves with the access key per day (UTC, rolling
    /// from the first registration of the day); then registration answers 429 until the next.
    pub self_registration_daily_cap: i64,
    /// Days after the invitation (or the last reminder) mail that an invited candidate who has
    /// not started is reminded; `null`: no reminders.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub reminder_after_days: Option<i64>,
    /// Most reminders one invitation gets.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub reminder_max: i64,
    pub expires_at: Option<DateTime<Utc>>,
    /// Expired or inactive: no new candidates, no new starts.
    pub locked: bool,
    pub support_name: Option<String>,
    /// Reply-To of the candidate emails.
    pub support_email: Option<String>,
    /// Receives a summary email when a candidate completes.
    pub report_email: Option<String>,
    pub active: bool,
    pub candidate_count: i64,
    pub completed_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProjectCreate {
    /// Required for resellers (one of their clients); implied for client users.
    pub client_id: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub tests: Vec<ProjectTestInput>,
    pub access_key_enabled: Option<bool>,
    /// 0 to 10,000 self-registrations a day; 50 if not given.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub self_registration_daily_cap: Option<i64>,
    /// 1 to 30: remind invited candidates who have not started this many days after the
    /// invitation (or the last reminder) mail, never after the invitation expires; not given or
    /// `null`: no reminders.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub reminder_after_days: Option<i64>,
    /// 1 to 5 reminders at most per invitation; 1 if not given.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub reminder_max: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub support_name: Option<String>,
    pub support_email: Option<String>,
    /// Gets a summary (with scores) when a candidate completes: only the sign-in email of one
    /// of the client's users (422 `not_a_client_user` otherwise).
    pub report_email: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProjectPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: Option<String>,
    /// An empty string clears the optional texts.
    pub description: Option<String>,
    /// Changing tests is refused once candidates were invited.
    pub tests: Option<Vec<ProjectTestInput>>,
    pub access_key_enabled: Option<bool>,
    /// `true` replaces the access key (the old one stops working).
    pub regenerate_access_key: Option<bool>,
    /// 0 to 10,000 self-registrations a day.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub self_registration_daily_cap: Option<i64>,
    /// 1 to 30: remind invited candidates who have not started this many days after the
    /// invitation (or the last reminder) mail.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub reminder_after_days: Option<i64>,
    /// `true` turns reminders off.
    pub clear_reminder_after_days: Option<bool>,
    /// 1 to 5 reminders at most per invitation.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub reminder_max: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    /// `true` removes the expiry.
    pub clear_expires_at: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub support_name: Option<String>,
    pub support_email: Option<String>,
    /// Gets a summary (with scores) when a candidate completes: only the sign-in email of one
    /// of the client's users (422 `not_a_client_user` otherwise).
    pub report_email: Option<String>,
    pub active: Option<bool>,
}

/// Normed scores of one scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    /// `total`, or a personality trait.
    pub scale: String,
    pub raw: f64,
    pub percentile: i64,
    pub sten: i64,
    pub t_score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub id: String,
    pub test_id: String,
    pub test_name: String,
    pub kind: TestKind,
    pub status: AssessmentStatus,
    pub norm_group_name: String,
    pub started_at: Option<DateTime<Utc>>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Client users only (the client is the data controller): one score per scale.
    pub scores: Option<Vec<Score>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub candidate_id: String,
    pub project_id: String,
    pub project_name: String,
    pub status: InvitationStatus,
    pub credits_charged: i64,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// When each reminder was sent (oldest first).
    pub reminded_at: Vec<DateTime<Utc>>,
    pub assessments: Vec<Assessment>,
    /// When the candidate confirmed the privacy notice for this invitation; `null`: not yet.
    #[serde(default)]
    pub consented_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub extra_time_percent: i64,
    /// Fixed once a test has started.
    pub extra_time_locked: bool,
    pub active: bool,
    /// Status of the newest invitation.
    pub status: CandidateStatus,
    pub invitations: Vec<Invitation>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the candidate was anonymised (retention or an erasure request): their details are
    /// placeholders, answers gone, scores kept as anonymous statistics.
    #[serde(default)]
    pub anonymised_at: Option<DateTime<Utc>>,
    /// When the candidate confirmed the privacy notice of the newest invitation; `null`: not yet.
    #[serde(default)]
    pub consented_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CandidateCreate {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub project_id: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1, format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    /// 0, or 1 to 100 (25 is the usual adjustment).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub extra_time_percent: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CandidatePatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub first_name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub last_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub extra_time_percent: Option<i64>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct InvitationCreate {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub project_id: String,
}

/// One row of a CSV import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: i64,
    pub email: String,
    pub outcome: ImportOutcome,
    pub candidate_id: Option<String>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub invited: i64,
    pub rejected: i64,
    pub credits_charged: i64,
    pub rows: Vec<ImportRow>,
}

/// A row of a project's results table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectResult {
    pub candidate_id: String,
    pub invitation_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub status: InvitationStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub assessments: Vec<Assessment>,
}

// ---- the candidate test area ----

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CandidateSessionCreate {
    /// From the invitation email's link.
    pub invitation_token: Option<String>,
    /// Or self-registration with a project's access key.
    pub access_key: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

/// The answer to every accepted self-registration (202), whether the email was new or already
/// registered: the link to the assessment is in the candidate's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationAccepted {
    /// Always `check_email`.
    pub status: String,
    pub message: String,
}

impl RegistrationAccepted {
    pub const STATUS: &'static str = "check_email";

    pub fn check_email() -> RegistrationAccepted {
        RegistrationAccepted {
            status: Self::STATUS.into(),
            message: "Thank you. We have emailed you a link to your assessment: open it to begin. If it does not arrive within a few minutes, check your spam folder.".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateSession {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateProfile {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateBranding {
    pub brand: Brand,
    pub client_name: String,
    pub client_logo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateProject {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub support_name: Option<String>,
    pub support_email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateTest {
    pub id: String,
    pub name: String,
    pub kind: TestKind,
    pub category: String,
    pub instructions: String,
    pub question_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateAssessment {
    pub id: String,
    pub project: CandidateProject,
    pub test: CandidateTest,
    /// Never `refunded`: a refunded test is not shown to the candidate.
    pub status: AssessmentStatus,
    /// The time allowed, extra time included; absent for untimed tests.
    pub duration_seconds: Option<i64>,
    pub deadline: Option<DateTime<Utc>>,
    pub answered_count: i64,
}

/// `GET /candidate/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateMe {
    pub candidate: CandidateProfile,
    pub branding: CandidateBranding,
    pub project: CandidateProject,
    pub assessments: Vec<CandidateAssessment>,
    /// The notice to confirm (`POST /candidate/consent`) before the first test starts.
    pub privacy_notice: PrivacyNotice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionOption {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub options: Vec<QuestionOption>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Answer {
    pub question_id: String,
    pub option_id: String,
}

/// `POST /candidate/assessments/{id}/start`: the questions, the server's deadline, and the
/// answers saved so far (so a reload resumes where the candidate was).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartedAssessment {
    pub questions: Vec<Question>,
    pub deadline: Option<DateTime<Utc>>,
    pub server_time: DateTime<Utc>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AnswersSave {
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResponse {
    /// Always `submitted`.
    pub status: AssessmentStatus,
}
