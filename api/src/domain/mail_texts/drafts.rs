//! Drafts of an email text, before they are saved: rendered as the recipient would see them
//! (`preview`) or sent to the person editing (`send_test`), with sample values, through the
//! composer real mail uses.

use chrono::Duration;
use credence_shared::mail_texts::{MailPreview, MailTestSent, MailTextDraft};
use credence_shared::MailTextKind;

use crate::db::{now, DbConnection};
use crate::domain::brands::{self, BrandRow};
use crate::domain::clients;
use crate::domain::links::Links;
use crate::domain::projects::{get_scoped_project, ProjectRow};
use crate::domain::tenant::Tenant;
use crate::domain::{outbox, resellers, senders, users};
use crate::error::ApiError;
use crate::mail::templates::{self, CandidateMail, CompletionMail, InvitedProject, Wording};
use crate::mail::MailMessage;

use super::{checked, usable_brand};

/// The skin, client and project a draft is shown with: the project's (when one is named and
/// visible), else the client user's client, else the reseller's skin with sample names.
struct Setting {
    brand: BrandRow,
    reseller_id: String,
    client_name: String,
    project: Option<ProjectRow>,
}

fn setting(
    conn: &mut DbConnection,
    tenant: &Tenant,
    draft: &MailTextDraft,
) -> Result<Setting, ApiError> {
    if let Some(project_id) = draft.project_id.as_deref().filter(|p| !p.trim().is_empty()) {
        let (project, client) = get_scoped_project(conn, tenant, project_id.trim())?;
        return Ok(Setting {
            brand: brands::get(conn, &client.brand_id)?,
            reseller_id: client.reseller_id,
            client_name: client.name,
            project: Some(project),
        });
    }
    match tenant {
        Tenant::Client { client_id } => {
            let client = clients::get(conn, client_id)?;
            Ok(Setting {
                brand: brands::get(conn, &client.brand_id)?,
                reseller_id: client.reseller_id,
                client_name: client.name,
                project: None,
            })
        }
        Tenant::Reseller { reseller_id } => {
            let brand = match draft.brand_id.as_deref().filter(|b| !b.trim().is_empty()) {
                Some(id) => usable_brand(conn, reseller_id, id.trim())?,
                None => resellers::default_brand_of(conn, reseller_id)?,
            };
            Ok(Setting {
                brand,
                reseller_id: reseller_id.clone(),
                client_name: "Example Client Ltd".to_string(),
                project: None,
            })
        }
    }
}

/// A draft rendered as the recipient would see it, with sample values where no project is
/// named: the one composer real mails use.
fn compose(setting: &Setting, base: &str, kind: MailTextKind, wording: &Wording) -> MailMessage {
    let skin = setting.brand.skin();
    let project_name = setting
        .project
        .as_ref()
        .map_or("Graduate Programme 2027", |p| p.name.as_str());
    match kind {
        MailTextKind::Invitation | MailTextKind::Reminder => {
            let link = format!("{base}/test?token=example");
            let project = match &setting.project {
                Some(p) => InvitedProject {
                    name: &p.name,
                    description: p.description.as_deref(),
                    support_name: p.support_name.as_deref(),
                    support_email: p.support_email.as_deref(),
                },
                None => InvitedProject {
                    name: project_name,
                    description: Some(
                        "Two short tests: numerical reasoning and a personality questionnaire.",
                    ),
                    support_name: Some("Sam Support"),
                    support_email: Some("support@example.com"),
                },
            };
            templates::link_mail(
                &skin,
                base,
                wording,
                &CandidateMail {
                    first_name: "Alex",
                    last_name: "Sample",
                    client_name: &setting.client_name,
                    project,
                    link: &link,
                    expires: now() + Duration::days(14),
                },
            )
        }
        MailTextKind::Completion => templates::report_summary(
            &skin,
            base,
            wording,
            &CompletionMail {
                first_name: "Alex",
                last_name: "Sample",
                client_name: &setting.client_name,
                project_name,
                results: &[],
                link: &format!("{base}/client/candidates/example"),
            },
        ),
    }
}

/// A draft's kind (required) and its checked wording.
fn checked_draft(draft: &MailTextDraft) -> Result<(MailTextKind, Wording), ApiError> {
    let Some(kind) = draft.kind else {
        return Err(ApiError::field(
            "kind",
            "required",
            "Say which email this is: invitation, reminder or completion.",
        ));
    };
    Ok((kind, checked(kind, &draft.subject, &draft.body)?))
}

/// What a draft looks like, before it is saved.
pub fn preview(
    conn: &mut DbConnection,
    links: &Links,
    tenant: &Tenant,
    draft: &MailTextDraft,
) -> Result<MailPreview, ApiError> {
    let (kind, wording) = checked_draft(draft)?;
    let setting = setting(conn, tenant, draft)?;
    let base = senders::links_for_reseller(conn, links, &setting.reseller_id)?;
    let message = compose(&setting, &base.public_url, kind, &wording);
    Ok(MailPreview {
        subject: message.subject,
        text: message.text,
        html: message.html,
    })
}

/// Sends a draft to the signed-in person's own address, as a candidate (or report recipient)
/// would receive it: the same sender, skin and layout, sample values.
pub fn send_test(
    conn: &mut DbConnection,
    links: &Links,
    tenant: &Tenant,
    user_id: &str,
    draft: &MailTextDraft,
) -> Result<MailTestSent, ApiError> {
    let (kind, wording) = checked_draft(draft)?;
    let setting = setting(conn, tenant, draft)?;
    let user = users::get(conn, user_id)?;
    let sender = senders::for_user(conn, links, &user)?;
    let mut message = compose(&setting, &sender.links.public_url, kind, &wording);
    message.subject = format!("[Test] {}", message.subject);
    outbox::enqueue(conn, "mail_text_test", &user.email, &sender, &message)?;
    Ok(MailTestSent { to: user.email })
}
