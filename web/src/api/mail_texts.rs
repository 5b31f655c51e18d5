//! Editable email texts: the reseller's wording per skin and kind, a project's own invitation
//! wording, previews and test sends of a draft.

use credence_shared::mail_texts::{
    MailPreview, MailTestSent, MailText, MailTextDraft, MailTextUpdate, ProjectInvitationText,
};
use credence_shared::MailTextKind;
use gloo_net::http::Method;

use super::{decode, enc, post, send, ApiResult, Body};

/// Where one editable text lives: a skin's kind of email, or a project's invitation.
#[derive(Debug, Clone, PartialEq)]
pub enum TextOwner {
    Skin {
        brand_id: String,
        kind: MailTextKind,
    },
    Project {
        project_id: String,
    },
}

impl TextOwner {
    fn path(&self) -> String {
        match self {
            TextOwner::Skin { brand_id, kind } => {
                format!("/mail-texts/{}/{}", enc(brand_id), kind.as_str())
            }
            TextOwner::Project { project_id } => {
                format!("/projects/{}/invitation-text", enc(project_id))
            }
        }
    }

    /// A draft of this owner's text, to preview or send as a test.
    pub fn draft(&self, subject: String, body: String) -> MailTextDraft {
        match self {
            TextOwner::Skin { brand_id, kind } => MailTextDraft {
                kind: Some(*kind),
                brand_id: Some(brand_id.clone()),
                project_id: None,
                subject,
                body,
            },
            TextOwner::Project { project_id } => MailTextDraft {
                kind: Some(MailTextKind::Invitation),
                brand_id: None,
                project_id: Some(project_id.clone()),
                subject,
                body,
            },
        }
    }
}

/// The text as an editor needs it: what it says now, whether it is the owner's own, and what
/// it would say without it.
#[derive(Debug, Clone, PartialEq)]
pub struct EditableText {
    pub subject: String,
    pub body: String,
    pub customized: bool,
    pub fallback_subject: String,
    pub fallback_body: String,
    pub variables: Vec<String>,
}

impl From<MailText> for EditableText {
    fn from(t: MailText) -> Self {
        EditableText {
            subject: t.subject,
            body: t.body,
            customized: t.customized,
            fallback_subject: t.default_subject,
            fallback_body: t.default_body,
            variables: t.variables,
        }
    }
}

impl From<ProjectInvitationText> for EditableText {
    fn from(t: ProjectInvitationText) -> Self {
        EditableText {
            subject: t.subject,
            body: t.body,
            customized: t.customized,
            fallback_subject: t.inherited_subject,
            fallback_body: t.inherited_body,
            variables: t.variables,
        }
    }
}

async fn read(owner: &TextOwner, resp: gloo_net::http::Response) -> ApiResult<EditableText> {
    Ok(match owner {
        TextOwner::Skin { .. } => decode::<MailText>(resp).await?.into(),
        TextOwner::Project { .. } => decode::<ProjectInvitationText>(resp).await?.into(),
    })
}

pub async fn get_text(owner: &TextOwner) -> ApiResult<EditableText> {
    let resp = send(Method::GET, &owner.path(), Body::Empty, true).await?;
    read(owner, resp).await
}

pub async fn save_text(
    owner: &TextOwner,
    subject: String,
    body: String,
) -> ApiResult<EditableText> {
    let resp = send(
        Method::PUT,
        &owner.path(),
        Body::json(&MailTextUpdate { subject, body })?,
        true,
    )
    .await?;
    read(owner, resp).await
}

/// Back to the default (a skin) or the reseller's wording (a project).
pub async fn reset_text(owner: &TextOwner) -> ApiResult<EditableText> {
    let resp = send(Method::DELETE, &owner.path(), Body::Empty, true).await?;
    read(owner, resp).await
}

pub async fn preview_text(draft: &MailTextDraft) -> ApiResult<MailPreview> {
    post("/mail-texts/preview", draft).await
}

pub async fn send_test_text(draft: &MailTextDraft) -> ApiResult<MailTestSent> {
    post("/mail-texts/test", draft).await
}
