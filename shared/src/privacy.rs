//! Data protection: retention periods, erasure requests and a candidate's data export.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AssessmentStatus, InvitationStatus};

/// The vendor's bounds on every retention period, in days after a candidate's last activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RetentionBounds {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub min_days: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub max_days: i64,
}

/// A reseller's default retention period for its clients, with the vendor's bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResellerRetention {
    pub default_days: i64,
    pub min_days: i64,
    pub max_days: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResellerRetentionPatch {
    /// Within the vendor's bounds.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, minimum = 1, maximum = 3650)
    )]
    pub default_days: Option<i64>,
}

/// A client's retention period: its own, else its reseller's default, within the vendor's bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientRetention {
    pub client_id: String,
    /// The client's own period; `null`: the reseller's default.
    pub days: Option<i64>,
    pub default_days: i64,
    /// What applies: `days` or the default, kept within the bounds.
    pub effective_days: i64,
    pub min_days: i64,
    pub max_days: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientRetentionPatch {
    /// Days within the vendor's bounds; `null` goes back to the reseller's default.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub days: Option<i64>,
}

/// An erasure request: the candidate is anonymised at once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ErasureRequest {
    /// Why (e.g. "Candidate asked by email on 3 May"); kept in the audit log.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 500, pattern = "\\S")
    )]
    pub reason: String,
}

/// Everything kept about one candidate (an access request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateExport {
    pub exported_at: DateTime<Utc>,
    pub candidate: ExportedCandidate,
    pub invitations: Vec<ExportedInvitation>,
    /// Mails to the candidate (and reports naming them): what, to whom, when — not the bodies.
    pub emails: Vec<ExportedEmail>,
    /// Audit events about the candidate and their invitations (none in the candidate's own).
    pub events: Vec<ExportedEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedCandidate {
    pub id: String,
    pub client_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub extra_time_percent: i64,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub anonymised_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedInvitation {
    pub id: String,
    pub project_name: String,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub assessments: Vec<ExportedAssessment>,
    /// When the candidate confirmed the privacy notice, and the `version` (SHA-256) they saw.
    #[serde(default)]
    pub consented_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub consent_notice_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedAssessment {
    pub id: String,
    pub test_name: String,
    pub status: AssessmentStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Scores: for the client's own users only.
    pub raw_score: Option<f64>,
    pub percentile: Option<i64>,
    pub sten: Option<i64>,
    pub t_score: Option<f64>,
    /// A personality test's scales, as scored.
    pub trait_scores: Option<String>,
    pub answers: Vec<ExportedAnswer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedAnswer {
    pub question: String,
    pub answer: String,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedEmail {
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedEvent {
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub created_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// The privacy notice a candidate reads and confirms before their first test: who decides
/// about their data (the controller: the client), who runs the test area for it (the
/// processor: the reseller, by its brand's name — never the platform's), why, for how long,
/// whom to ask, and the client's own text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivacyNotice {
    /// The data controller: the client's name.
    pub controller: String,
    /// The processor: the reseller's brand name (the test area's product name).
    pub processor: String,
    pub purpose: String,
    /// The client's retention period in days after the candidate's last activity.
    pub retention_days: i64,
    /// The same in words, e.g. "2 years (730 days) after your last activity".
    pub retention: String,
    /// Where the candidate asks about their data.
    pub contact_email: String,
    /// The client's own notice text, else the default.
    pub text: String,
    /// SHA-256 (hex) of the notice as shown; kept with the consent.
    pub version: String,
    /// When the candidate confirmed this invitation's notice; `null`: not yet.
    pub consented_at: Option<DateTime<Utc>>,
}

/// `POST /candidate/consent`: the candidate confirms the notice they read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ConsentGive {
    /// The `version` of the notice shown; when given and the notice changed since, the answer
    /// is 409 `notice_changed` (read it again).
    pub version: Option<String>,
}

/// A client's privacy notice settings: its own text and contact (or `null`: the defaults) and
/// what candidates see now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientPrivacyNotice {
    pub client_id: String,
    /// The client's own text; `null`: the default.
    pub text: Option<String>,
    /// The client's own privacy contact; `null`: the client's contact email.
    pub contact_email: Option<String>,
    pub default_text: String,
    pub default_contact_email: String,
    /// The notice as candidates see it now.
    pub preview: PrivacyNotice,
}

/// Replaces the client's notice text and contact; `null` (or absent) goes back to the default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientPrivacyNoticePut {
    /// 20 to 5,000 characters; line breaks kept.
    #[cfg_attr(feature = "openapi", schema(min_length = 20, max_length = 5000))]
    pub text: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub contact_email: Option<String>,
}
