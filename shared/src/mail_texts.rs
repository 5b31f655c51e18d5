//! Editable email texts: a reseller's wording of the candidate mails per skin, and a client's
//! invitation wording per project. Texts are plain text with `{variable}` placeholders; blank
//! lines separate paragraphs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::MailTextKind;

/// The text one kind of email uses with one skin: the reseller's own, or the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailText {
    pub brand_id: String,
    pub kind: MailTextKind,
    pub subject: String,
    pub body: String,
    /// The reseller has its own text (false: the default below is in use).
    pub customized: bool,
    pub default_subject: String,
    pub default_body: String,
    /// The variables this kind of email may use, without braces.
    pub variables: Vec<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A project's invitation text: the project's own, else the reseller's text for the client's
/// skin (or the default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInvitationText {
    pub project_id: String,
    pub subject: String,
    pub body: String,
    /// The project has its own text.
    pub customized: bool,
    /// What the project's invitations say without its own text.
    pub inherited_subject: String,
    pub inherited_body: String,
    pub variables: Vec<String>,
}

/// A new text. `{link}` must appear in the body of an invitation or a reminder.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MailTextUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub subject: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 5000, pattern = "\\S")
    )]
    pub body: String,
}

/// A text to preview or to send as a test, before it is saved. `brand_id`: the skin it is
/// for (a reseller's skin; a client user's mails always use the client's skin); `project_id`:
/// preview with that project's name and support contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MailTextDraft {
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub kind: Option<MailTextKind>,
    pub brand_id: Option<String>,
    pub project_id: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub subject: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 5000, pattern = "\\S")
    )]
    pub body: String,
}

/// A draft rendered with sample values, as the recipient would see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailPreview {
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (the skin's layout; every value escaped).
    pub html: String,
}

/// Where a test mail went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailTestSent {
    pub to: String,
}
