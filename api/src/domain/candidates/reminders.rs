//! Reminders: a project with `reminder_after_days` set reminds each invited candidate who has
//! not started, that many days after the last invitation, resend or reminder mail, at most
//! `reminder_max` times, never once the invitation has expired or closed, the project is
//! locked, the reseller suspended, or the client or candidate is inactive. A reminder carries a fresh magic link (as a
//! resend does: the earlier link stops working) and costs no credits.
//!
//! Safe with several processes: a due reminder is claimed with a conditional UPDATE of the
//! invitation (still invited, not expired, as many reminders sent and mailed as long ago as
//! when it was found due); only one process moves it, and only that one queues the mail.

use std::collections::HashMap;

use chrono::Duration;
use credence_shared::{ClientStatus, InvitationStatus, ResellerStatus};
use diesel::prelude::*;

use crate::db::schema::{
    candidates, clients, invitation_reminders, invitations, projects, resellers,
};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::projects::ProjectRow;
use crate::error::ApiError;
use crate::secrets::{random_token, token_hash};

use super::invite::{send_link_mail, LinkMail};
use super::{CandidateRow, InvitationRow};

/// Most reminders one round of the job considers (the next round takes the rest).
const BATCH: i64 = 100;

/// Settings allow 1 to 30 days (`projects::changes`).
const MAX_AFTER_DAYS: i32 = 30;

/// The invitations with a reminder due now (at most `BATCH`, oldest mail first).
pub fn due_reminders(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    let at = now();
    let mut query = invitations::table
        .inner_join(projects::table)
        .inner_join(candidates::table)
        .inner_join(clients::table.on(clients::id.eq(invitations::client_id)))
        .inner_join(resellers::table.on(resellers::id.eq(clients::reseller_id)))
        .select(invitations::id)
        .order(invitations::mailed_at.asc())
        .limit(BATCH)
        .into_boxed();
    // Due: mailed at least the project's number of days ago. The days are per project, so one
    // alternative per allowed value; diesel groups `(a OR b …)` before the `AND`s below.
    for days in 1..=MAX_AFTER_DAYS {
        let due = projects::reminder_after_days
            .eq(days)
            .and(invitations::mailed_at.le(at - Duration::days(i64::from(days))));
        query = if days == 1 {
            query.filter(due)
        } else {
            query.or_filter(due)
        };
    }
    let query = query
        .filter(invitations::status.eq(InvitationStatus::Invited.as_str()))
        .filter(invitations::expires_at.gt(at))
        .filter(invitations::reminders_sent.lt(projects::reminder_max))
        .filter(projects::active.eq(true))
        .filter(
            projects::expires_at
                .is_null()
                .or(projects::expires_at.gt(at)),
        )
        .filter(candidates::active.eq(true))
        .filter(clients::status.eq(ClientStatus::Active.as_str()))
        .filter(resellers::status.eq(ResellerStatus::Active.as_str()));
    Ok(query.load(conn)?)
}

/// Sends the reminder due on this invitation, if it is still due and no other process sent it
/// first. Returns whether this call sent it. Run it in a transaction: the claim, the reminder
/// row, the mail and the audit event commit together.
pub fn remind(
    conn: &mut DbConnection,
    links: &Links,
    invitation_id: &str,
) -> Result<bool, ApiError> {
    let found: Option<(InvitationRow, ProjectRow, CandidateRow, ClientRow)> = invitations::table
        .inner_join(projects::table)
        .inner_join(candidates::table)
        .inner_join(clients::table.on(clients::id.eq(invitations::client_id)))
        .filter(invitations::id.eq(invitation_id))
        .select((
            invitations::all_columns,
            projects::all_columns,
            candidates::all_columns,
            clients::all_columns,
        ))
        .first(conn)
        .optional()?;
    let Some((invitation, project, candidate, client)) = found else {
        return Ok(false);
    };
    let (Some(days), Some(mailed_at)) = (project.reminder_after_days, invitation.mailed_at) else {
        return Ok(false);
    };
    let at = now();
    let cutoff = at - Duration::days(i64::from(days));
    if invitation.status != InvitationStatus::Invited
        || invitation.expires_at <= at
        || invitation.reminders_sent >= project.reminder_max
        || mailed_at > cutoff
        || project.locked()
        || !candidate.active
        || client.status != ClientStatus::Active
    {
        return Ok(false);
    }
    let number = invitation.reminders_sent + 1;
    let token = random_token(32);
    // The claim: only the process that moves the invitation from what it found sends.
    let claimed = diesel::update(
        invitations::table
            .find(invitation_id)
            .filter(invitations::status.eq(InvitationStatus::Invited.as_str()))
            .filter(invitations::expires_at.gt(at))
            .filter(invitations::reminders_sent.eq(invitation.reminders_sent))
            .filter(invitations::mailed_at.le(cutoff)),
    )
    .set((
        invitations::reminders_sent.eq(number),
        invitations::mailed_at.eq(Some(at)),
        invitations::token_hash.eq(Some(token_hash(&token))),
        invitations::updated_at.eq(at),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(false);
    }
    diesel::insert_into(invitation_reminders::table)
        .values((
            invitation_reminders::invitation_id.eq(invitation_id),
            invitation_reminders::number.eq(number),
            invitation_reminders::sent_at.eq(at),
        ))
        .execute(conn)?;
    send_link_mail(
        conn,
        links,
        LinkMail::Reminder,
        &project,
        &client,
        &candidate,
        &token,
        invitation.expires_at,
    )?;
    audit::record(
        conn,
        &AuditActor::system(),
        "invitation.reminded",
        ("invitation", invitation_id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "number": number, "of": project.reminder_max }),
    )?;
    Ok(true)
}

/// When each reminder of these invitations was sent (oldest first), keyed by invitation (one
/// query; none when no invitation was reminded).
pub(super) fn reminders_by_invitation(
    conn: &mut DbConnection,
    rows: &[InvitationRow],
) -> Result<HashMap<String, Vec<chrono::NaiveDateTime>>, ApiError> {
    let ids: Vec<&str> = rows
        .iter()
        .filter(|r| r.reminders_sent > 0)
        .map(|r| r.id.as_str())
        .collect();
    let mut out: HashMap<String, Vec<chrono::NaiveDateTime>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sent: Vec<(String, chrono::NaiveDateTime)> = invitation_reminders::table
        .filter(invitation_reminders::invitation_id.eq_any(ids))
        .order((
            invitation_reminders::invitation_id.asc(),
            invitation_reminders::number.asc(),
        ))
        .select((
            invitation_reminders::invitation_id,
            invitation_reminders::sent_at,
        ))
        .load(conn)?;
    for (id, at) in sent {
        out.entry(id).or_default().push(at);
    }
    Ok(out)
}
