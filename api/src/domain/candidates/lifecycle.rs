//! After the invitation: edit the candidate, resend the link, cancel or expire (refunding the
//! tests never started).

use credence_shared::assess::CandidatePatch;
use credence_shared::events::InvitationEvent;
use credence_shared::{AssessmentStatus, InvitationStatus, LedgerKind, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{assessments, candidates, clients, invitations};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::ClientRow;
use crate::domain::credits::{self, Change};
use crate::domain::links::Links;
use crate::domain::tenant::Tenant;
use crate::domain::values::{optional_text, required_text, Email};
use crate::error::{ApiError, Validator};
use crate::secrets::{random_token, token_hash};

use super::dto::started_any;
use super::invite::{send_link_mail, LinkMail};
use super::{extra_time, get_scoped_candidate, scoped_invitation, CandidateRow, InvitationRow};

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    patch: &CandidatePatch,
) -> Result<(CandidateRow, ClientRow), ApiError> {
    let (before, client) = get_scoped_candidate(conn, tenant, id)?;
    crate::domain::privacy::refuse_anonymised(&before)?;
    let mut v = Validator::new();
    let first = patch
        .first_name
        .as_deref()
        .and_then(|s| v.check("first_name", required_text(s, 100)));
    let last = patch
        .last_name
        .as_deref()
        .and_then(|s| v.check("last_name", required_text(s, 100)));
    let email = patch
        .email
        .as_deref()
        .and_then(|s| v.check("email", Email::parse(s)));
    if let Some(e) = &email {
        let taken: i64 = candidates::table
            .filter(candidates::client_id.eq(&client.id))
            .filter(candidates::email.eq(e.as_str()))
            .filter(candidates::id.ne(id))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            v.add(
                "email",
                "taken",
                "Another candidate of this client has this email.",
            );
        }
    }
    let phone = patch
        .phone
        .as_deref()
        .and_then(|s| v.check("phone", optional_text(s, 50)));
    let extra = match patch.extra_time_percent {
        Some(n) if i64::from(before.extra_time_percent) != n && started_any(conn, id)? => {
            v.add(
                "extra_time_percent",
                "extra_time_locked",
                "Extra time is fixed once the candidate has started a test.",
            );
            None
        }
        Some(n) => v.check("extra_time_percent", extra_time(Some(n))),
        None => None,
    };
    v.finish()?;
    diesel::update(candidates::table.find(id))
        .set((
            candidates::first_name.eq(first.unwrap_or(before.first_name.clone())),
            candidates::last_name.eq(last.unwrap_or(before.last_name.clone())),
            candidates::email.eq(email
                .map(Email::into_string)
                .unwrap_or(before.email.clone())),
            candidates::phone.eq(phone.unwrap_or(before.phone.clone())),
            candidates::extra_time_percent.eq(extra.unwrap_or(before.extra_time_percent)),
            candidates::active.eq(patch.active.unwrap_or(before.active)),
            candidates::updated_at.eq(now()),
            candidates::last_activity_at.eq(Some(now())),
        ))
        .execute(conn)?;
    let after: CandidateRow = candidates::table.find(id).first(conn)?;
    audit::record(
        conn,
        actor,
        "candidate.updated",
        ("candidate", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "extra_time_percent": after.extra_time_percent, "active": after.active }),
    )?;
    Ok((after, client))
}

/// A new magic link (the old one stops working), emailed again.
pub fn resend(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    let (invitation, project, client, candidate) = scoped_invitation(conn, tenant, id)?;
    crate::domain::privacy::refuse_anonymised(&candidate)?;
    if !invitation.status.is_open() {
        return Err(ApiError::conflict(
            "invitation_closed",
            format!(
                "This invitation is {}: there is nothing left to take.",
                invitation.status
            ),
        ));
    }
    let token = random_token(32);
    diesel::update(invitations::table.find(id))
        .set((
            invitations::token_hash.eq(Some(token_hash(&token))),
            invitations::updated_at.eq(now()),
            invitations::mailed_at.eq(Some(now())),
        ))
        .execute(conn)?;
    crate::domain::privacy::touch(conn, &candidate.id, now())?;
    send_link_mail(
        conn,
        links,
        LinkMail::Invitation,
        &project,
        &client,
        &candidate,
        &token,
        invitation.expires_at,
    )?;
    audit::record(
        conn,
        actor,
        "invitation.resent",
        ("invitation", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({}),
    )
}

/// Closes an invitation (`cancelled` or `expired`) and refunds the tests never started.
/// Returns the credits refunded.
pub fn close(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    invitation: &InvitationRow,
    to: InvitationStatus,
) -> Result<i64, ApiError> {
    let closed =
        diesel::update(invitations::table.find(&invitation.id).filter(
            invitations::status.eq_any(InvitationStatus::OPEN.map(InvitationStatus::as_str)),
        ))
        .set((
            invitations::status.eq(to.as_str()),
            invitations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if closed == 0 {
        return Ok(0); // someone else closed it first
    }
    // Each test refunds the cost charged when invited, not the catalogue's cost today.
    let unstarted: Vec<(String, i32)> = assessments::table
        .filter(assessments::invitation_id.eq(&invitation.id))
        .filter(assessments::status.eq(AssessmentStatus::NotStarted.as_str()))
        .select((assessments::id, assessments::credit_cost))
        .load(conn)?;
    let refund: i64 = unstarted.iter().map(|(_, c)| i64::from(*c)).sum();
    diesel::update(
        assessments::table.filter(
            assessments::id.eq_any(
                unstarted
                    .iter()
                    .map(|(id, _)| id.clone())
                    .collect::<Vec<_>>(),
            ),
        ),
    )
    .set(assessments::status.eq(AssessmentStatus::Refunded.as_str()))
    .execute(conn)?;
    if refund > 0 {
        credits::apply(
            conn,
            links,
            actor,
            Change {
                client_id: &invitation.client_id,
                kind: LedgerKind::Refund,
                delta: refund,
                reference: Some(&invitation.id),
                reason: Some(to.as_str()),
            },
        )?;
    }
    let reseller_id: String = clients::table
        .find(&invitation.client_id)
        .select(clients::reseller_id)
        .first(conn)?;
    audit::record(
        conn,
        actor,
        &format!("invitation.{to}"),
        ("invitation", &invitation.id),
        AuditScope {
            reseller_id: Some(reseller_id.clone()),
            client_id: Some(invitation.client_id.clone()),
        },
        serde_json::json!({ "refunded_credits": refund }),
    )?;
    let event = match to {
        InvitationStatus::Cancelled => Some(WebhookEvent::InvitationCancelled),
        InvitationStatus::Expired => Some(WebhookEvent::InvitationExpired),
        _ => None,
    };
    if let Some(event) = event {
        crate::domain::webhooks::emit(
            conn,
            event,
            &reseller_id,
            Some(&invitation.client_id),
            &InvitationEvent {
                candidate_id: invitation.candidate_id.clone(),
                invitation_id: invitation.id.clone(),
                project_id: invitation.project_id.clone(),
                client_id: invitation.client_id.clone(),
            },
        )?;
    }
    Ok(refund)
}

pub fn cancel(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<i64, ApiError> {
    let (invitation, ..) = scoped_invitation(conn, tenant, id)?;
    if !invitation.status.is_open() {
        return Err(ApiError::conflict(
            "invitation_closed",
            format!("This invitation is already {}.", invitation.status),
        ));
    }
    close(conn, links, actor, &invitation, InvitationStatus::Cancelled)
}

/// Expires every open invitation past its date (refunding unstarted tests). Safe with
/// several processes: `close` only acts on an invitation it moved out of an open status.
pub fn expire_due(conn: &mut DbConnection, links: &Links) -> Result<usize, ApiError> {
    let due: Vec<InvitationRow> = invitations::table
        .filter(invitations::status.eq_any(InvitationStatus::OPEN.map(InvitationStatus::as_str)))
        .filter(invitations::expires_at.le(now()))
        .limit(100)
        .load(conn)?;
    let mut n = 0;
    for invitation in due {
        close(
            conn,
            links,
            &AuditActor::system(),
            &invitation,
            InvitationStatus::Expired,
        )?;
        n += 1;
    }
    Ok(n)
}
