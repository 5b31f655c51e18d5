//! The privacy notice and the candidate's consent. Before the first test a candidate reads who
//! the controller is (the client), who the processor is (the reseller, named by the client's
//! skin's product name else the reseller's name — as the candidate's mail is signed, never the
//! vendor), the purpose, the client's retention period, a contact (the client's privacy
//! contact, else its contact email) and the client's text (else the default), and confirms.
//!
//! The consent belongs to the invitation (the candidate's link is the invitation): the first
//! confirmation's time and the SHA-256 of the notice shown (`version`) are kept; a second
//! confirmation changes nothing. Until then `test_area` refuses to start a test, save answers
//! or submit (409 `consent_required`). The time is not personal, so anonymisation keeps it.

use credence_shared::privacy::{ClientPrivacyNotice, ClientPrivacyNoticePut, PrivacyNotice};
use diesel::prelude::*;

use crate::db::schema::{clients, invitations};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::candidates::InvitationRow;
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::tenant::Tenant;
use crate::domain::values::{multiline_text, Email};
use crate::domain::{brands, resellers, senders};
use crate::error::{ApiError, FieldIssue, Validator};

/// The longest notice text a client may set.
pub const TEXT_MAX: usize = 5000;
/// The shortest: a notice says something.
pub const TEXT_MIN: usize = 20;

/// Why the data is processed (the same for every client: the product does nothing else).
pub fn purpose(controller: &str) -> String {
    format!(
        "To assess your application with {controller}: your answers are scored and the results \
         are shared with {controller} to support their recruitment decision."
    )
}

/// The notice text a client starts with.
pub fn default_text(controller: &str, processor: &str) -> String {
    format!(
        "{controller} is responsible for your personal data (the controller). {processor} runs \
         this test area on {controller}'s behalf (the processor) and uses your data for nothing \
         else.\n\nWe keep your name, email address, your answers and your results. Your \
         results are shared only with {controller}. After the retention period below your \
         details and answers are removed; anonymous scores may be kept for statistics.\n\nYou \
         may ask for a copy of your data, have it corrected or erased, at the contact below. \
         You can download your data from this test area at any time."
    )
}

/// A retention period in words.
pub fn retention_words(days: i64) -> String {
    let plural = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let about = if days >= 365 && days % 365 == 0 {
        format!(" ({})", plural(days / 365, "year"))
    } else if days >= 365 {
        format!(" (about {})", plural((days + 182) / 365, "year"))
    } else if days >= 60 {
        format!(" (about {})", plural((days + 15) / 30, "month"))
    } else {
        String::new()
    };
    format!("{}{about} after your last activity", plural(days, "day"))
}

/// The processor's name candidates see: the client's skin's product name, else the reseller's.
fn processor_of(conn: &mut DbConnection, client: &ClientRow) -> Result<String, ApiError> {
    let brand = brands::get(conn, &client.brand_id)?;
    let reseller = resellers::get(conn, &client.reseller_id)?;
    Ok(senders::display_name(&brand.product_name, &reseller.name))
}

/// The notice for `client`'s candidates now, with `consented_at` as given.
pub fn notice_of(
    conn: &mut DbConnection,
    client: &ClientRow,
    consented_at: Option<chrono::NaiveDateTime>,
) -> Result<PrivacyNotice, ApiError> {
    let controller = senders::one_line(&client.name);
    let processor = processor_of(conn, client)?;
    let retention_days = super::effective_days(conn, client)?;
    let contact_email = client
        .privacy_contact_email
        .clone()
        .unwrap_or_else(|| client.contact_email.clone());
    let text = client
        .privacy_notice
        .clone()
        .unwrap_or_else(|| default_text(&controller, &processor));
    let purpose = purpose(&controller);
    let retention = retention_words(retention_days);
    let version = crate::secrets::token_hash(
        &serde_json::json!([
            controller,
            processor,
            purpose,
            retention,
            contact_email,
            text
        ])
        .to_string(),
    );
    Ok(PrivacyNotice {
        controller,
        processor,
        purpose,
        retention_days,
        retention,
        contact_email,
        text,
        version,
        consented_at: consented_at.map(|t| t.and_utc()),
    })
}

/// The notice of an invitation, with its consent.
pub fn notice_for_invitation(
    conn: &mut DbConnection,
    invitation: &InvitationRow,
) -> Result<PrivacyNotice, ApiError> {
    let client: ClientRow = clients::table.find(&invitation.client_id).first(conn)?;
    notice_of(conn, &client, invitation.consented_at)
}

/// 409 `consent_required` until the candidate confirmed the invitation's notice.
pub fn require_consent(invitation: &InvitationRow) -> Result<(), ApiError> {
    match invitation.consented_at {
        Some(_) => Ok(()),
        None => Err(ApiError::conflict(
            "consent_required",
            "Read the privacy notice and confirm it before you start.",
        )),
    }
}

/// Records the candidate's consent to the invitation's notice: the first time and the
/// notice's version are kept (a conditional UPDATE, so a repeat or a race changes nothing) and
/// audit-logged as `invitation.consented` in the client's scope. With `seen_version`, a notice
/// changed since it was shown is a 409 `notice_changed`.
pub fn give_consent(
    conn: &mut DbConnection,
    actor: &AuditActor,
    invitation_id: &str,
    seen_version: Option<&str>,
) -> Result<PrivacyNotice, ApiError> {
    let invitation: InvitationRow = invitations::table.find(invitation_id).first(conn)?;
    if invitation.consented_at.is_some() {
        return notice_for_invitation(conn, &invitation);
    }
    let client: ClientRow = clients::table.find(&invitation.client_id).first(conn)?;
    let shown = notice_of(conn, &client, None)?;
    if seen_version.is_some_and(|v| v != shown.version) {
        return Err(ApiError::conflict(
            "notice_changed",
            "The privacy notice has changed since you opened it: read it again, then confirm.",
        ));
    }
    let at = now();
    let claimed = diesel::update(
        invitations::table
            .find(invitation_id)
            .filter(invitations::consented_at.is_null()),
    )
    .set((
        invitations::consented_at.eq(Some(at)),
        invitations::consent_notice_hash.eq(Some(shown.version.clone())),
    ))
    .execute(conn)?;
    if claimed == 1 {
        audit::record(
            conn,
            actor,
            "invitation.consented",
            ("invitation", invitation_id),
            AuditScope {
                reseller_id: Some(client.reseller_id.clone()),
                client_id: Some(client.id.clone()),
            },
            serde_json::json!({ "candidate_id": invitation.candidate_id, "version": shown.version }),
        )?;
    }
    let after: InvitationRow = invitations::table.find(invitation_id).first(conn)?;
    notice_for_invitation(conn, &after)
}

/// A client's notice settings: the reseller's staff for its clients, the client's own users.
pub fn client_notice(
    conn: &mut DbConnection,
    tenant: &Tenant,
    client_id: &str,
) -> Result<ClientPrivacyNotice, ApiError> {
    let client = get_scoped(conn, tenant, client_id)?;
    settings_of(conn, &client)
}

fn settings_of(
    conn: &mut DbConnection,
    client: &ClientRow,
) -> Result<ClientPrivacyNotice, ApiError> {
    let preview = notice_of(conn, client, None)?;
    let processor = preview.processor.clone();
    Ok(ClientPrivacyNotice {
        client_id: client.id.clone(),
        text: client.privacy_notice.clone(),
        contact_email: client.privacy_contact_email.clone(),
        default_text: default_text(&preview.controller, &processor),
        default_contact_email: client.contact_email.clone(),
        preview,
    })
}

/// Replaces the client's notice text and contact (`None`: back to the default), audit-logged
/// as `client.privacy_notice_updated`. Invitations consented to an earlier text keep its
/// version; new confirmations see the new text.
pub fn set_client_notice(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    client_id: &str,
    put: &ClientPrivacyNoticePut,
) -> Result<ClientPrivacyNotice, ApiError> {
    let client = get_scoped(conn, tenant, client_id)?;
    let mut v = Validator::new();
    let text = match put.text.as_deref() {
        None => None,
        Some(raw) => v
            .check(
                "text",
                multiline_text(raw, TEXT_MAX).and_then(|t| match t {
                    Some(t) if t.chars().count() >= TEXT_MIN => Ok(Some(t)),
                    Some(_) => Err(FieldIssue::new(
                        "too_short",
                        format!("Write at least {TEXT_MIN} characters, or reset to the default."),
                    )),
                    None => Err(FieldIssue::new(
                        "required",
                        "Write the notice, or reset to the default.",
                    )),
                }),
            )
            .flatten(),
    };
    let contact = match put.contact_email.as_deref() {
        None => None,
        Some(raw) => v
            .check("contact_email", Email::parse(raw))
            .map(Email::into_string),
    };
    v.finish()?;
    let before = settings_of(conn, &client)?;
    diesel::update(clients::table.find(&client.id))
        .set((
            clients::privacy_notice.eq(text.clone()),
            clients::privacy_contact_email.eq(contact.clone()),
            clients::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after_row: ClientRow = clients::table.find(&client.id).first(conn)?;
    let after = settings_of(conn, &after_row)?;
    audit::record(
        conn,
        actor,
        "client.privacy_notice_updated",
        ("client", client_id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({
            "before": { "own_text": before.text.is_some(), "contact_email": before.contact_email, "version": before.preview.version },
            "after": { "own_text": after.text.is_some(), "contact_email": after.contact_email, "version": after.preview.version },
        }),
    )?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_reads_in_words() {
        assert_eq!(
            retention_words(730),
            "730 days (2 years) after your last activity"
        );
        assert_eq!(
            retention_words(400),
            "400 days (about 1 year) after your last activity"
        );
        assert_eq!(
            retention_words(90),
            "90 days (about 3 months) after your last activity"
        );
        assert_eq!(retention_words(1), "1 day after your last activity");
    }
}
