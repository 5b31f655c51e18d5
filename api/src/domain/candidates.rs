//! Candidates and invitations: inviting charges the project's credit cost at once (or refuses
//! with 402 and charges nothing); cancelling or expiry refunds the tests never started.

use chrono::Duration;
use credence_shared::assess::{
    Assessment, Candidate, CandidateCreate, CandidatePatch, ImportReport, ImportRow, Invitation,
    Score,
};
use credence_shared::problem::FieldError;
use diesel::prelude::*;

use crate::db::schema::{
    assessments, candidates, clients, invitations, norm_groups, project_tests, projects, tests,
};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::credits::{self, Change};
use crate::domain::links::Links;
use crate::domain::projects::{get_scoped_project, tests_of, ProjectRow};
use crate::domain::tenant::Tenant;
use crate::domain::values::{optional_text, required_text, Email};
use crate::domain::{brands, like_pattern, PageRequest};
use crate::error::{ApiError, Failure, FieldIssue, Validator};
use crate::mail::{self, templates};
use crate::secrets::{random_token, token_hash};

/// Invitations stay open 30 days (or until the project expires, if sooner).
pub const INVITATION_DAYS: i64 = 30;

#[derive(Queryable, Debug, Clone)]
pub struct CandidateRow {
    pub id: String,
    pub client_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub extra_time_percent: i32,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Debug, Clone)]
pub struct InvitationRow {
    pub id: String,
    pub candidate_id: String,
    pub project_id: String,
    pub client_id: String,
    pub token_hash: Option<String>,
    pub status: String,
    pub credits_charged: i32,
    pub expires_at: chrono::NaiveDateTime,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Queryable, Debug, Clone)]
pub struct AssessmentRow {
    pub id: String,
    pub invitation_id: String,
    pub test_id: String,
    pub norm_group_id: String,
    pub position: i32,
    pub status: String,
    pub started_at: Option<chrono::NaiveDateTime>,
    pub deadline_at: Option<chrono::NaiveDateTime>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub raw_score: Option<f64>,
    pub percentile: Option<i32>,
    pub sten: Option<i32>,
    pub t_score: Option<f64>,
    pub trait_scores: Option<String>,
}

/// 0, or 1 to 100.
pub fn extra_time(value: Option<i64>) -> Result<i32, FieldIssue> {
    match value.unwrap_or(0) {
        n @ 0..=100 => Ok(n as i32),
        _ => Err(FieldIssue::new(
            "out_of_range",
            "Extra time is a percentage from 0 to 100 (25 is the usual adjustment).",
        )),
    }
}

pub fn get_scoped_candidate(
    conn: &mut DbConnection,
    tenant: &Tenant,
    id: &str,
) -> Result<(CandidateRow, ClientRow), ApiError> {
    let candidate: CandidateRow = candidates::table.find(id).first(conn)?;
    let client = get_scoped(conn, tenant, &candidate.client_id)?;
    Ok((candidate, client))
}

/// Scores as stored on an assessment, or `None` before submission.
fn scores_of(row: &AssessmentRow) -> Option<Vec<Score>> {
    if row.status != "submitted" {
        return None;
    }
    if let Some(json) = &row.trait_scores {
        return serde_json::from_str(json).ok();
    }
    Some(vec![Score {
        scale: "total".into(),
        raw: row.raw_score?,
        percentile: i64::from(row.percentile?),
        sten: i64::from(row.sten?),
        t_score: row.t_score?,
    }])
}

pub fn assessments_of(
    conn: &mut DbConnection,
    invitation_id: &str,
    with_scores: bool,
) -> Result<Vec<Assessment>, ApiError> {
    let rows: Vec<(AssessmentRow, String, String, String)> = assessments::table
        .inner_join(tests::table)
        .inner_join(norm_groups::table)
        .filter(assessments::invitation_id.eq(invitation_id))
        .order(assessments::position.asc())
        .select((
            assessments::all_columns,
            tests::name,
            tests::kind,
            norm_groups::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, test_name, kind, norm_group_name)| Assessment {
            scores: if with_scores { scores_of(&a) } else { None },
            id: a.id,
            test_id: a.test_id,
            test_name,
            kind,
            status: a.status,
            norm_group_name,
            started_at: a.started_at.map(|t| t.and_utc()),
            deadline_at: a.deadline_at.map(|t| t.and_utc()),
            submitted_at: a.submitted_at.map(|t| t.and_utc()),
        })
        .collect())
}

pub fn invitation_dto(
    conn: &mut DbConnection,
    row: InvitationRow,
    with_scores: bool,
) -> Result<Invitation, ApiError> {
    let project_name: String = projects::table
        .find(&row.project_id)
        .select(projects::name)
        .first(conn)?;
    Ok(Invitation {
        assessments: assessments_of(conn, &row.id, with_scores)?,
        id: row.id,
        candidate_id: row.candidate_id,
        project_id: row.project_id,
        project_name,
        status: row.status,
        credits_charged: i64::from(row.credits_charged),
        expires_at: row.expires_at.and_utc(),
        created_at: row.created_at.and_utc(),
    })
}

fn started_any(conn: &mut DbConnection, candidate_id: &str) -> Result<bool, ApiError> {
    let n: i64 = assessments::table
        .inner_join(invitations::table)
        .filter(invitations::candidate_id.eq(candidate_id))
        .filter(assessments::started_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The candidate with every invitation; scores only when `with_scores` (client users).
pub fn to_dto(
    conn: &mut DbConnection,
    row: CandidateRow,
    client: &ClientRow,
    with_scores: bool,
) -> Result<Candidate, ApiError> {
    let invites: Vec<InvitationRow> = invitations::table
        .filter(invitations::candidate_id.eq(&row.id))
        .order(invitations::id.desc())
        .load(conn)?;
    let status = invites
        .first()
        .map(|i| i.status.clone())
        .unwrap_or_else(|| "not_invited".into());
    let invitations = invites
        .into_iter()
        .map(|i| invitation_dto(conn, i, with_scores))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Candidate {
        extra_time_locked: started_any(conn, &row.id)?,
        id: row.id,
        client_id: row.client_id,
        client_name: client.name.clone(),
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        phone: row.phone,
        extra_time_percent: i64::from(row.extra_time_percent),
        active: row.active,
        status,
        invitations,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

#[derive(Debug, Default)]
pub struct CandidateFilter {
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub q: Option<String>,
    pub status: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    tenant: &Tenant,
    filter: &CandidateFilter,
    page: &PageRequest,
) -> Result<Vec<(CandidateRow, ClientRow)>, ApiError> {
    let mut query = candidates::table
        .inner_join(clients::table)
        .select((candidates::all_columns, clients::all_columns))
        .order(candidates::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            query = query.filter(clients::reseller_id.eq(reseller_id.clone()))
        }
        Tenant::Client { client_id } => query = query.filter(clients::id.eq(client_id.clone())),
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(clients::id.eq(client_id.clone()));
    }
    if let Some(project_id) = &filter.project_id {
        query = query.filter(
            candidates::id.eq_any(
                invitations::table
                    .filter(invitations::project_id.eq(project_id.clone()))
                    .select(invitations::candidate_id),
            ),
        );
    }
    if let Some(status) = &filter.status {
        query = query.filter(
            candidates::id.eq_any(
                invitations::table
                    .filter(invitations::status.eq(status.clone()))
                    .select(invitations::candidate_id),
            ),
        );
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(q);
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "(lower(candidates.first_name || ' ' || candidates.last_name) LIKE ",
            )
            .bind::<diesel::sql_types::Text, _>(pattern.clone())
            .sql(" ESCAPE '\\' OR lower(candidates.email) LIKE ")
            .bind::<diesel::sql_types::Text, _>(pattern)
            .sql(" ESCAPE '\\')"),
        );
    }
    if let Some(after) = &page.after {
        query = query.filter(candidates::id.lt(after.clone()));
    }
    Ok(query.load(conn)?)
}

/// Validated candidate details.
struct Details {
    first_name: String,
    last_name: String,
    email: Email,
    phone: Option<String>,
    extra_time: i32,
}

fn validate(
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

fn insufficient(cost: i64, balance: i64) -> ApiError {
    ApiError::new(
        Failure::InsufficientCredits,
        "insufficient_credits",
        format!("This needs {cost} credit(s) and the account has {balance}. Ask your reseller for more credits."),
    )
}

fn check_project_open(project: &ProjectRow, client: &ClientRow) -> Result<(), ApiError> {
    if client.status != "active" {
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
fn find_or_create(
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
                kind: "invite_charge",
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
            invitations::status.eq("invited"),
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
                assessments::status.eq("not_started"),
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

fn send_invitation(
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
    mail::enqueue(
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

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    patch: &CandidatePatch,
) -> Result<(CandidateRow, ClientRow), ApiError> {
    let (before, client) = get_scoped_candidate(conn, tenant, id)?;
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

pub fn get_invitation(conn: &mut DbConnection, id: &str) -> Result<InvitationRow, ApiError> {
    Ok(invitations::table.find(id).first(conn)?)
}

fn scoped_invitation(
    conn: &mut DbConnection,
    tenant: &Tenant,
    id: &str,
) -> Result<(InvitationRow, ProjectRow, ClientRow, CandidateRow), ApiError> {
    let invitation: InvitationRow = invitations::table.find(id).first(conn)?;
    let client = get_scoped(conn, tenant, &invitation.client_id)?;
    let project: ProjectRow = projects::table.find(&invitation.project_id).first(conn)?;
    let candidate: CandidateRow = candidates::table
        .find(&invitation.candidate_id)
        .first(conn)?;
    Ok((invitation, project, client, candidate))
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
    if !matches!(invitation.status.as_str(), "invited" | "in_progress") {
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
        ))
        .execute(conn)?;
    send_invitation(
        conn,
        links,
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
    to: &'static str,
) -> Result<i64, ApiError> {
    let closed = diesel::update(
        invitations::table
            .find(&invitation.id)
            .filter(invitations::status.eq_any(["invited", "in_progress"])),
    )
    .set((
        invitations::status.eq(to),
        invitations::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if closed == 0 {
        return Ok(0); // someone else closed it first
    }
    let unstarted: Vec<(String, i32)> = assessments::table
        .inner_join(tests::table)
        .filter(assessments::invitation_id.eq(&invitation.id))
        .filter(assessments::status.eq("not_started"))
        .select((assessments::id, tests::credit_cost))
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
    .set(assessments::status.eq("refunded"))
    .execute(conn)?;
    if refund > 0 {
        credits::apply(
            conn,
            links,
            actor,
            Change {
                client_id: &invitation.client_id,
                kind: "refund",
                delta: refund,
                reference: Some(&invitation.id),
                reason: Some(to),
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
            reseller_id: Some(reseller_id),
            client_id: Some(invitation.client_id.clone()),
        },
        serde_json::json!({ "refunded_credits": refund }),
    )?;
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
    if !matches!(invitation.status.as_str(), "invited" | "in_progress") {
        return Err(ApiError::conflict(
            "invitation_closed",
            format!("This invitation is already {}.", invitation.status),
        ));
    }
    close(conn, links, actor, &invitation, "cancelled")
}

/// Expires every open invitation past its date (refunding unstarted tests). Safe with
/// several processes: `close` only acts on an invitation it moved out of an open status.
pub fn expire_due(conn: &mut DbConnection, links: &Links) -> Result<usize, ApiError> {
    let due: Vec<InvitationRow> = invitations::table
        .filter(invitations::status.eq_any(["invited", "in_progress"]))
        .filter(invitations::expires_at.le(now()))
        .limit(100)
        .load(conn)?;
    let mut n = 0;
    for invitation in due {
        close(conn, links, &AuditActor::system(), &invitation, "expired")?;
        n += 1;
    }
    Ok(n)
}

/// CSV import: `first_name,last_name,email[,phone][,extra_time_percent]`. Credits for every
/// valid row are checked before anything is charged; then each valid row is invited.
pub fn import(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    project_id: &str,
    csv: &str,
) -> Result<ImportReport, ApiError> {
    let (project, client) = get_scoped_project(conn, tenant, project_id)?;
    check_project_open(&project, &client)?;
    let mut lines = parse_csv(csv);
    let header: Vec<String> = match lines.first() {
        Some((_, h)) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        None => {
            return Err(ApiError::field(
                "file",
                "empty",
                "The file is empty. Download the template to see the columns.",
            ))
        }
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(fi), Some(li), Some(ei)) = (col("first_name"), col("last_name"), col("email")) else {
        return Err(ApiError::field("file", "bad_header", "The first line must name the columns: first_name,last_name,email,phone,extra_time_percent."));
    };
    let (pi, xi) = (col("phone"), col("extra_time_percent"));
    lines.remove(0);
    if lines.len() > 1000 {
        return Err(ApiError::field(
            "file",
            "too_many_rows",
            "Import at most 1,000 candidates at a time.",
        ));
    }
    let cost: i64 = tests_of(conn, &project.id)?
        .iter()
        .map(|t| t.credit_cost)
        .sum();
    let mut rows = Vec::new();
    let mut valid: Vec<(usize, Details)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, cells) in &lines {
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut v = Validator::new();
        let extra = match get(xi).as_str() {
            "" => None,
            s => match s.trim_end_matches('%').parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    v.add(
                        "extra_time_percent",
                        "invalid_number",
                        "Use a whole number from 0 to 100.",
                    );
                    Some(0)
                }
            },
        };
        let phone = get(pi);
        let details = validate(
            &mut v,
            &get(Some(fi)),
            &get(Some(li)),
            &get(Some(ei)),
            Some(&phone),
            extra,
        );
        let mut errors: Vec<FieldError> = match v.finish() {
            Ok(()) => vec![],
            Err(ApiError::Validation(e)) => e,
            Err(e) => return Err(e),
        };
        if let Some(d) = &details {
            if errors.is_empty() && !seen.insert(d.email.as_str().to_string()) {
                errors.push(FieldError {
                    field: "email".into(),
                    code: "duplicate_row".into(),
                    message: "This email appears earlier in the file.".into(),
                });
            }
        }
        let email = get(Some(ei));
        match (details, errors.is_empty()) {
            (Some(d), true) => {
                let existing: Option<CandidateRow> = candidates::table
                    .filter(candidates::client_id.eq(&client.id))
                    .filter(candidates::email.eq(d.email.as_str()))
                    .first(conn)
                    .optional()?;
                let invited_already = match &existing {
                    Some(c) => {
                        invitations::table
                            .filter(invitations::candidate_id.eq(&c.id))
                            .filter(invitations::project_id.eq(&project.id))
                            .count()
                            .get_result::<i64>(conn)?
                            > 0
                    }
                    None => false,
                };
                if invited_already {
                    rows.push(ImportRow {
                        line: *line as i64,
                        email,
                        outcome: "rejected".into(),
                        candidate_id: existing.map(|c| c.id),
                        errors: vec![FieldError {
                            field: "email".into(),
                            code: "already_invited".into(),
                            message: "Already invited to this project.".into(),
                        }],
                    });
                } else {
                    valid.push((rows.len(), d));
                    rows.push(ImportRow {
                        line: *line as i64,
                        email,
                        outcome: "invited".into(),
                        candidate_id: None,
                        errors: vec![],
                    });
                }
            }
            _ => rows.push(ImportRow {
                line: *line as i64,
                email,
                outcome: "rejected".into(),
                candidate_id: None,
                errors,
            }),
        }
    }
    let needed = cost * valid.len() as i64;
    let balance: i64 = clients::table
        .find(&client.id)
        .select(clients::credit_balance)
        .first(conn)?;
    if needed > balance {
        return Err(insufficient(needed, balance));
    }
    for (index, details) in &valid {
        let candidate = find_or_create(conn, &client, details)?;
        invite(conn, links, actor, &project, &client, &candidate, true)?;
        rows[*index].candidate_id = Some(candidate.id);
    }
    Ok(ImportReport {
        invited: valid.len() as i64,
        rejected: rows.iter().filter(|r| r.outcome == "rejected").count() as i64,
        credits_charged: needed,
        rows,
    })
}

/// RFC 4180 parsing: quoted cells, doubled quotes, CRLF or LF. Yields (line number, cells)
/// for each non-empty record.
pub fn parse_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let (mut cells, mut cell, mut quoted, mut line, mut start_line) =
        (Vec::new(), String::new(), false, 1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c)
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                cells.push(std::mem::take(&mut cell));
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    records.push((start_line, std::mem::take(&mut cells)));
                }
                cells.clear();
                line += 1;
                start_line = line;
            }
            (false, c) => cell.push(c),
        }
    }
    cells.push(cell);
    if cells.iter().any(|c| !c.trim().is_empty()) {
        records.push((start_line, cells));
    }
    records
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn csv_records_keep_quotes_commas_and_line_numbers() {
        let parsed = parse_csv("first_name,last_name,email\r\n\"Ann, Jr\",O'Neil,ann@x.example\n\n\"Bo \"\"B\"\"\",Lee,bo@x.example");
        assert_eq!(
            parsed[0],
            (
                1,
                vec!["first_name".to_string(), "last_name".into(), "email".into()]
            )
        );
        assert_eq!(
            parsed[1],
            (
                2,
                vec![
                    "Ann, Jr".to_string(),
                    "O'Neil".into(),
                    "ann@x.example".into()
                ]
            )
        );
        assert_eq!(
            parsed[2],
            (
                4,
                vec!["Bo \"B\"".to_string(), "Lee".into(), "bo@x.example".into()]
            )
        );
    }

    #[test]
    fn extra_time_is_0_or_1_to_100() {
        assert_eq!(extra_time(None).unwrap(), 0);
        assert_eq!(extra_time(Some(25)).unwrap(), 25);
        assert_eq!(extra_time(Some(100)).unwrap(), 100);
        assert!(extra_time(Some(101)).is_err());
        assert!(extra_time(Some(-1)).is_err());
    }
}
