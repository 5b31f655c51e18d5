//! Inviting: validate the details, find or create the candidate, charge the credits, create
//! the invitation and its assessments, and queue the magic-link email.

use chrono::Duration;
use credence_shared::assess::{Candidate, CandidateCreate, Invitation};
use credence_shared::events::InvitationEvent;
use credence_shared::{
    AssessmentStatus, ClientStatus, InvitationStatus, LedgerKind, MailTextKind, WebhookEvent,
};
use diesel::prelude::*;

use crate::db::batch::{InsertRows, Value};
use crate::db::schema::{candidates, clients, invitations};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands;
use crate::domain::clients::ClientRow;
use crate::domain::credits::{self, Change};
use crate::domain::links::Links;
use crate::domain::projects::{get_scoped_project, tests_of, ProjectRow};
use crate::domain::tenant::Tenant;
use crate::domain::usage::rollup;
use crate::domain::values::{optional_text, required_text, Email};
use crate::domain::{mail_texts, outbox, senders};
use crate::error::{ApiError, Failure, Validator};
use crate::mail::templates;
use crate::secrets::{random_token, token_hash};

use super::dto::{assessment_of, candidate_of, invitation_of, to_dto};
use super::{
    extra_time, get_scoped_candidate, AssessmentRow, CandidateRow, InvitationRow, INVITATION_DAYS,
};

/// Validated candidate details.
pub struct Details {
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: Email,
    pub(super) phone: Option<String>,
    pub(super) extra_time: i32,
}

/// Checks a candidate's details into `v` (each bad field its own entry).
pub fn validate(
    v: &mut Validator,
    first: &str,
    last: &str,
    email: &str,
    phone: Option<&str>,
    extra: Option<i64>,
) -> Option<Details> {
    let first_name = v.check("first_name", required_text(first, 100));
    let last_name = v.check("last_name", required_text(last, 100));
    let email = v.check("email", Email::parse(email));
    let phone = v.check("phone", optional_text(phone.unwrap_or_default(), 50));
    let extra_time = v.check("extra_time_percent", extra_time(extra));
    Some(Details {
        first_name: first_name?,
        last_name: last_name?,
        email: email?,
        phone: phone?,
        extra_time: extra_time?,
    })
}

pub(super) fn insufficient(cost: i64, balance: i64) -> ApiError {
    ApiError::new(
        Failure::InsufficientCredits,
        "insufficient_credits",
        format!("This needs {cost} credit(s) and the account has {balance}. Ask your reseller for more credits."),
    )
}

pub(super) fn check_project_open(project: &ProjectRow, client: &ClientRow) -> Result<(), ApiError> {
    if client.status != ClientStatus::Active {
        return Err(ApiError::conflict(
            "client_unavailable",
            "This client account is suspended or archived.",
        ));
    }
    if client.closes_at.is_some() {
        return Err(crate::domain::clients::closure::closing());
    }
    if project.locked() {
        return Err(ApiError::conflict(
            "project_locked",
            "This project has expired or is inactive: it takes no new candidates.",
        ));
    }
    Ok(())
}

/// Who is invited: the candidate, and whether this request created them (a new candidate has
/// no invitations yet: nothing to check, nothing to load for the answer).
#[derive(Clone, Copy)]
pub(super) struct Invitee<'a> {
    pub(super) candidate: &'a CandidateRow,
    pub(super) new: bool,
}

/// Finds the client's candidate with this email, or creates one; `true` when created.
pub(super) fn find_or_create(
    conn: &mut DbConnection,
    client: &ClientRow,
    d: &Details,
) -> Result<(CandidateRow, bool), ApiError> {
    let existing: Option<CandidateRow> = candidates::table
        .filter(candidates::client_id.eq(&client.id))
        .filter(candidates::email.eq(d.email.as_str()))
        .first(conn)
        .optional()?;
    if let Some(c) = existing {
        return Ok((c, false));
    }
    let at = now();
    // RETURNING: the row as stored (times at the database's precision) in the same round trip.
    let created = diesel::insert_into(candidates::table)
        .values((
            candidates::id.eq(new_id()),
            candidates::client_id.eq(&client.id),
            candidates::reseller_id.eq(&client.reseller_id),
            candidates::first_name.eq(&d.first_name),
            candidates::last_name.eq(&d.last_name),
            candidates::email.eq(d.email.as_str()),
            candidates::phone.eq(&d.phone),
            candidates::extra_time_percent.eq(d.extra_time),
            candidates::active.eq(true),
            candidates::created_at.eq(at),
            candidates::updated_at.eq(at),
            candidates::last_activity_at.eq(Some(at)),
        ))
        .get_result(conn)?;
    Ok((created, true))
}

/// Invites a candidate to a project: charges the credits, creates the invitation and one
/// assessment per test, and (with `send_email`) queues the magic-link email. Returns the
/// invitation as the API shows it and the raw magic-link token.
///
/// Every statement counts on this path (it is the busiest write): rows come back from their
/// INSERT or UPDATE (RETURNING), the assessments go in one INSERT, and the answer is built
/// from what was written rather than read again.
pub(super) fn invite(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    project: &ProjectRow,
    client: &ClientRow,
    invitee: Invitee<'_>,
    send_email: bool,
) -> Result<(Invitation, String), ApiError> {
    let candidate = invitee.candidate;
    check_project_open(project, client)?;
    if !candidate.active {
        return Err(ApiError::conflict(
            "candidate_inactive",
            "This candidate is deactivated.",
        ));
    }
    if !invitee.new {
        let already: i64 = invitations::table
            .filter(invitations::candidate_id.eq(&candidate.id))
            .filter(invitations::project_id.eq(&project.id))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(ApiError::conflict(
                "already_invited",
                "This candidate is already invited to this project.",
            ));
        }
    }
    let tests = tests_of(conn, &project.id)?;
    let cost: i64 = tests.iter().map(|t| t.credit_cost).sum();
    let id = new_id();
    let token = random_token(32);
    let at = now();
    let mut expires = at + Duration::days(INVITATION_DAYS);
    if let Some(project_expiry) = project.expires_at {
        expires = expires.min(project_expiry);
    }
    let row: InvitationRow = diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(&id),
            invitations::candidate_id.eq(&candidate.id),
            invitations::project_id.eq(&project.id),
            invitations::client_id.eq(&client.id),
            invitations::token_hash.eq(Some(token_hash(&token))),
            invitations::status.eq(InvitationStatus::Invited.as_str()),
            invitations::credits_charged.eq(cost as i32),
            invitations::expires_at.eq(expires),
            invitations::created_at.eq(at),
            invitations::updated_at.eq(at),
            invitations::mailed_at.eq(send_email.then_some(at)),
        ))
        .get_result(conn)?;
    // A new candidate's last activity was set when they were created (one statement fewer).
    if !invitee.new {
        crate::domain::privacy::touch(conn, &candidate.id, at)?;
    }
    // One assessment per test, in the project's order (`projects::changes` numbers the tests
    // 0, 1, … in that order).
    let assessments: Vec<AssessmentRow> = tests
        .iter()
        .enumerate()
        .map(|(position, t)| AssessmentRow {
            id: new_id(),
            invitation_id: id.clone(),
            test_id: t.test_id.clone(),
            norm_group_id: t.norm_group_id.clone(),
            position: position as i32,
            status: AssessmentStatus::NotStarted,
            started_at: None,
            deadline_at: None,
            submitted_at: None,
            raw_score: None,
            percentile: None,
            sten: None,
            t_score: None,
            trait_scores: None,
            credit_cost: t.credit_cost as i32,
        })
        .collect();
    let mut rows = InsertRows::new(
        "assessments",
        &[
            "id",
            "invitation_id",
            "test_id",
            "norm_group_id",
            "position",
            "status",
            "credit_cost",
        ],
    );
    for a in &assessments {
        rows.row(vec![
            Value::Text(a.id.clone()),
            Value::Text(a.invitation_id.clone()),
            Value::Text(a.test_id.clone()),
            Value::Text(a.norm_group_id.clone()),
            Value::Integer(a.position),
            Value::Text(a.status.as_str().to_string()),
            Value::Integer(a.credit_cost),
        ]);
    }
    rows.execute(conn)?;
    let test_ids: Vec<&str> = assessments.iter().map(|a| a.test_id.as_str()).collect();
    if send_email {
        send_link_mail(
            conn,
            links,
            LinkMail::Invitation,
            project,
            client,
            candidate,
            &token,
            expires,
        )?;
    }
    audit::record(
        conn,
        actor,
        "invitation.created",
        ("invitation", &id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "candidate_id": candidate.id, "project_id": project.id, "credits": cost }),
    )?;
    crate::domain::webhooks::emit(
        conn,
        WebhookEvent::CandidateInvited,
        &client.reseller_id,
        Some(&client.id),
        &InvitationEvent {
            candidate_id: candidate.id.clone(),
            invitation_id: id.clone(),
            project_id: project.id.clone(),
            client_id: client.id.clone(),
        },
    )?;
    // The hot rows last: the client's balance (and the usage rollup after it, always in this
    // order) stay locked only from here to the commit. Too few credits fails the whole
    // request, and the caller's transaction takes back everything written above.
    if cost > 0 {
        let charged = credits::apply(
            conn,
            links,
            actor,
            Change {
                client_id: &client.id,
                kind: LedgerKind::InviteCharge,
                delta: -cost,
                reference: Some(&id),
                reason: None,
            },
        )?;
        if charged.is_none() {
            let balance: i64 = clients::table
                .find(&client.id)
                .select(clients::credit_balance)
                .first(conn)?;
            return Err(insufficient(cost, balance));
        }
    }
    rollup::funnel_invited(conn, &client.id, &project.id, &test_ids, at)?;
    let assessments = assessments
        .into_iter()
        .zip(tests)
        .map(|(a, t)| assessment_of(a, t.test_name, t.kind, t.norm_group_name, false))
        .collect();
    Ok((invitation_of(row, project.name.clone(), assessments), token))
}

/// The mails whose point is a candidate's magic link.
#[derive(Debug, Clone, Copy)]
pub(super) enum LinkMail {
    Invitation,
    Reminder,
}

/// Queues a link mail to the candidate: the invitation's sender, Reply-To and link base
/// (`domain::senders`), the client's skin and the project's support contact.
#[allow(clippy::too_many_arguments)]
pub(super) fn send_link_mail(
    conn: &mut DbConnection,
    links: &Links,
    mail: LinkMail,
    project: &ProjectRow,
    client: &ClientRow,
    candidate: &CandidateRow,
    token: &str,
    expires: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let (kind, text) = match mail {
        LinkMail::Invitation => ("invitation", MailTextKind::Invitation),
        LinkMail::Reminder => ("reminder", MailTextKind::Reminder),
    };
    let brand = brands::get(conn, &client.brand_id)?;
    let wording = mail_texts::wording_for(conn, text, client, &project.id)?;
    let sender = senders::for_candidate(conn, links, client, project.support_email.as_deref())?;
    let base = &sender.links.public_url;
    let link = format!("{base}/test?token={token}");
    let message = templates::link_mail(
        &brand.skin(),
        base,
        &wording,
        &templates::CandidateMail {
            first_name: &candidate.first_name,
            last_name: &candidate.last_name,
            client_name: &client.name,
            project: templates::InvitedProject {
                name: &project.name,
                description: project.description.as_deref(),
                support_name: project.support_name.as_deref(),
                support_email: project.support_email.as_deref(),
            },
            link: &link,
            expires,
        },
    );
    outbox::enqueue_about(
        conn,
        kind,
        &candidate.email,
        &sender,
        &message,
        Some(&candidate.id),
    )
}

/// Creates the candidate (or finds them by email) and invites them; the candidate as the API
/// shows it to `tenant`.
pub fn create_and_invite(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    input: &CandidateCreate,
) -> Result<Candidate, ApiError> {
    let mut v = Validator::new();
    let project = if input.project_id.trim().is_empty() {
        v.add(
            "project_id",
            "required",
            "Choose the project to invite the candidate to.",
        );
        None
    } else {
        match get_scoped_project(conn, tenant, input.project_id.trim()) {
            Ok(p) => Some(p),
            Err(_) => {
                v.add(
                    "project_id",
                    "unknown_project",
                    "There is no such project in this account.",
                );
                None
            }
        }
    };
    let details = validate(
        &mut v,
        &input.first_name,
        &input.last_name,
        &input.email,
        input.phone.as_deref(),
        input.extra_time_percent,
    );
    v.finish()?;
    let (Some((project, client)), Some(details)) = (project, details) else {
        return Err(ApiError::internal("validated candidate fields missing"));
    };
    let (candidate, new) = find_or_create(conn, &client, &details)?;
    let invitee = Invitee {
        candidate: &candidate,
        new,
    };
    let (invitation, _) = invite(conn, links, actor, &project, &client, invitee, true)?;
    if new {
        // Their only invitation is the one just made.
        return Ok(candidate_of(candidate, client.name, vec![invitation]));
    }
    to_dto(conn, candidate, &client, tenant.sees_scores())
}

/// Invites a known candidate to another project; the invitation as the API shows it.
pub fn invite_existing(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    candidate_id: &str,
    project_id: &str,
) -> Result<Invitation, ApiError> {
    let (candidate, client) = get_scoped_candidate(conn, tenant, candidate_id)?;
    crate::domain::privacy::refuse_anonymised(&candidate)?;
    let (project, project_client) = match get_scoped_project(conn, tenant, project_id.trim()) {
        Ok(p) => p,
        Err(_) => {
            return Err(ApiError::field(
                "project_id",
                "unknown_project",
                "There is no such project in this account.",
            ))
        }
    };
    if project_client.id != client.id {
        return Err(ApiError::field(
            "project_id",
            "unknown_project",
            "The project belongs to another client.",
        ));
    }
    let invitee = Invitee {
        candidate: &candidate,
        new: false,
    };
    Ok(invite(conn, links, actor, &project, &client, invitee, true)?.0)
}
