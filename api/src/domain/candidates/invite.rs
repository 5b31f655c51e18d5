//! Inviting: validate the details, find or create the candidate, charge the credits, create
//! the invitation and its assessments, and queue the magic-link email.

use chrono::Duration;
use credence_shared::assess::CandidateCreate;
use credence_shared::{AssessmentStatus, ClientStatus, InvitationStatus, LedgerKind};
use diesel::prelude::*;

use crate::db::schema::{assessments, candidates, clients, invitations, project_tests};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands;
use crate::domain::clients::ClientRow;
use crate::domain::credits::{self, Change};
use crate::domain::links::Links;
use crate::domain::outbox;
use crate::domain::projects::{get_scoped_project, tests_of, ProjectRow};
use crate::domain::tenant::Tenant;
use crate::domain::values::{optional_text, required_text, Email};
use crate::error::{ApiError, Failure, Validator};
use crate::mail::templates;
use crate::secrets::{random_token, token_hash};

use super::{extra_time, get_scoped_candidate, CandidateRow, InvitationRow, INVITATION_DAYS};

/// Validated candidate details.
pub(super) struct Details {
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: Email,
    pub(super) phone: Option<String>,
    pub(super) extra_time: i32,
}

pub(super) fn validate(
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
    if project.locked() {
        return Err(ApiError::conflict(
            "project_locked",
            "This project has expired or is inactive: it takes no new candidates.",
        ));
    }
    Ok(())
}

/// Finds the client's candidate with this email, or creates one.
pub(super) fn find_or_create(
    conn: &mut DbConnection,
    client: &ClientRow,
    d: &Details,
) -> Result<CandidateRow, ApiError> {
    let existing: Option<CandidateRow> = candidates::table
        .filter(candidates::client_id.eq(&client.id))
        .filter(candidates::email.eq(d.email.as_str()))
        .first(conn)
        .optional()?;
    if let Some(c) = existing {
        return Ok(c);
    }
    let id = new_id();
    let at = now();
    diesel::insert_into(candidates::table)
        .values((
            candidates::id.eq(&id),
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
        ))
        .execute(conn)?;
    Ok(candidates::table.find(&id).first(conn)?)
}

/// Invites a candidate to a project: charges the credits, creates the invitation and one
/// assessment per test, and (with `send_email`) queues the magic-link email. Returns the
/// invitation and the raw magic-link token.
pub fn invite(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    project: &ProjectRow,
    client: &ClientRow,
    candidate: &CandidateRow,
    send_email: bool,
) -> Result<(InvitationRow, String), ApiError> {
    check_project_open(project, client)?;
    if !candidate.active {
        return Err(ApiError::conflict(
            "candidate_inactive",
            "This candidate is deactivated.",
        ));
    }
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
    let tests = tests_of(conn, &project.id)?;
    let cost: i64 = tests.iter().map(|t| t.credit_cost).sum();
    let id = new_id();
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
    let token = random_token(32);
    let at = now();
    let mut expires = at + Duration::days(INVITATION_DAYS);
    if let Some(project_expiry) = project.expires_at {
        expires = expires.min(project_expiry);
    }
    diesel::insert_into(invitations::table)
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
        ))
        .execute(conn)?;
    let rows: Vec<(String, String, i32)> = project_tests::table
        .filter(project_tests::project_id.eq(&project.id))
        .order(project_tests::position.asc())
        .select((
            project_tests::test_id,
            project_tests::norm_group_id,
            project_tests::position,
        ))
        .load(conn)?;
    for (test_id, norm_group_id, position) in rows {
        diesel::insert_into(assessments::table)
            .values((
                assessments::id.eq(new_id()),
                assessments::invitation_id.eq(&id),
                assessments::test_id.eq(test_id),
                assessments::norm_group_id.eq(norm_group_id),
                assessments::position.eq(position),
                assessments::status.eq(AssessmentStatus::NotStarted.as_str()),
            ))
            .execute(conn)?;
    }
    if send_email {
        send_invitation(conn, links, project, client, candidate, &token, expires)?;
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
    Ok((invitations::table.find(&id).first(conn)?, token))
}

pub(super) fn send_invitation(
    conn: &mut DbConnection,
    links: &Links,
    project: &ProjectRow,
    client: &ClientRow,
    candidate: &CandidateRow,
    token: &str,
    expires: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let brand = brands::get(conn, &client.brand_id)?;
    let link = format!("{}/test?token={token}", links.public_url);
    let message = templates::invitation(
        &brand.skin(),
        &links.public_url,
        &candidate.first_name,
        &client.name,
        &templates::InvitedProject {
            name: &project.name,
            description: project.description.as_deref(),
            support_name: project.support_name.as_deref(),
            support_email: project.support_email.as_deref(),
        },
        &link,
        expires,
    );
    outbox::enqueue(
        conn,
        "invitation",
        &candidate.email,
        project.support_email.as_deref(),
        &message,
    )
}

pub fn create_and_invite(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    input: &CandidateCreate,
) -> Result<(CandidateRow, ClientRow), ApiError> {
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
    let candidate = find_or_create(conn, &client, &details)?;
    invite(conn, links, actor, &project, &client, &candidate, true)?;
    Ok((candidates::table.find(&candidate.id).first(conn)?, client))
}

pub fn invite_existing(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    candidate_id: &str,
    project_id: &str,
) -> Result<InvitationRow, ApiError> {
    let (candidate, client) = get_scoped_candidate(conn, tenant, candidate_id)?;
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
    Ok(invite(conn, links, actor, &project, &client, &candidate, true)?.0)
}
