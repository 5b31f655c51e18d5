//! What an ATS does through its connector: list the client's open projects, send a candidate
//! (invited as `POST /candidates` does, once per application), read the status and results,
//! and report an error it hit.

use super::*;

/// The client's open projects (active, not expired): the ATS's tests, by name.
pub fn open_projects(
    conn: &mut DbConnection,
    connector: &Connector,
) -> Result<Vec<(String, String)>, ApiError> {
    let rows: Vec<ProjectRow> = projects::table
        .filter(projects::client_id.eq(&connector.client_id))
        .filter(projects::active.eq(true))
        .order((projects::name.asc(), projects::id.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|p| !p.locked())
        .map(|p| (p.id, p.name))
        .collect())
}

/// What an ATS sends to invite a candidate, in Credence's words.
pub struct SendRequest {
    pub project_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    /// The ATS's id for the application: the same one again answers with the same link.
    pub external_id: Option<String>,
    pub callback_url: Option<String>,
    /// The request's names for the project and callback fields (for 422s in the ATS's words).
    pub project_field: &'static str,
    pub callback_field: &'static str,
    pub callback_required: bool,
}

/// Sends the test: invites the candidate exactly as `POST /candidates` does (credits charged,
/// mail queued; 402 `insufficient_credits` charges nothing) and keeps the link; returns its id
/// (the ATS's interview or assessment id) and `true`. A repeated `external_id` returns the
/// first link's id and `false`, and does nothing else. Another client's (or no such) project
/// is a 404.
pub fn send(
    conn: &mut DbConnection,
    links: &Links,
    allow: &AllowList,
    connector: &Connector,
    ip: Option<String>,
    input: &SendRequest,
) -> Result<(String, bool), ApiError> {
    // One send at a time per connector (the row lock), so a retry racing the first cannot
    // invite twice: PostgreSQL holds the row until commit; SQLite's transactions serialise.
    diesel::update(ats_connectors::table.find(&connector.id))
        .set(ats_connectors::enabled.eq(ats_connectors::enabled))
        .execute(conn)?;
    let external = input
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(external) = external {
        if external.len() > 500 {
            return Err(ApiError::field(
                "application",
                "too_long",
                "The application id is at most 500 characters.",
            ));
        }
        let existing: Option<String> = ats_links::table
            .filter(ats_links::connector_id.eq(&connector.id))
            .filter(ats_links::external_id.eq(external))
            .select(ats_links::id)
            .first(conn)
            .optional()?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
    }
    let mut v = Validator::new();
    let callback = match input.callback_url.as_deref().map(str::trim) {
        Some(url) if !url.is_empty() => v.check(input.callback_field, callback_url(url, allow)),
        _ if input.callback_required => {
            v.add(input.callback_field, "required", "This field is required.");
            None
        }
        _ => None,
    };
    if input.project_id.trim().is_empty() {
        v.add(
            input.project_field,
            "required",
            "Choose one of the listed tests.",
        );
    }
    // Every bad field in one answer (inviting checks the details again).
    candidates::validate(
        &mut v,
        &input.first_name,
        &input.last_name,
        &input.email,
        input.phone.as_deref(),
        None,
    );
    v.finish()?;
    let tenant = connector.tenant();
    let (project, _) = get_scoped_project(conn, &tenant, input.project_id.trim())?;
    let actor = AuditActor {
        user_id: None,
        impersonator_id: None,
        ip,
    };
    let candidate = candidates::create_and_invite(
        conn,
        links,
        &actor,
        &tenant,
        &CandidateCreate {
            project_id: project.id.clone(),
            first_name: input.first_name.clone(),
            last_name: input.last_name.clone(),
            email: input.email.clone(),
            phone: input.phone.clone().filter(|p| !p.trim().is_empty()),
            extra_time_percent: None,
        },
    )?;
    let invitation = candidate
        .invitations
        .iter()
        .find(|i| i.project_id == project.id)
        .ok_or_else(|| ApiError::internal("the new invitation is missing"))?;
    let id = new_id();
    diesel::insert_into(ats_links::table)
        .values((
            ats_links::id.eq(&id),
            ats_links::connector_id.eq(&connector.id),
            ats_links::external_id.eq(external.unwrap_or(&id)),
            ats_links::invitation_id.eq(&invitation.id),
            ats_links::callback_url.eq(&callback),
            ats_links::created_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        &actor,
        "ats.test_sent",
        ("invitation", &invitation.id),
        connector.audit_scope(),
        serde_json::json!({ "connector_id": connector.id, "kind": connector.kind.as_str(), "link_id": id }),
    )?;
    Ok((id, true))
}

/// Greenhouse reports an answer it could not use: kept in the client's audit log
/// (`ats.response_error`: the call, its errors — at most 10, each cut to 500 characters — and
/// the ids it names), for whoever looks into the integration.
pub fn record_response_error(
    conn: &mut DbConnection,
    connector: &Connector,
    ip: Option<String>,
    api_call: Option<&str>,
    errors: &[String],
    ids: serde_json::Value,
) -> Result<(), ApiError> {
    let cut = |t: &str| t.chars().take(500).collect::<String>();
    let errors: Vec<String> = errors.iter().take(10).map(|e| cut(e)).collect();
    audit::record(
        conn,
        &AuditActor {
            user_id: None,
            impersonator_id: None,
            ip,
        },
        "ats.response_error",
        ("ats_connector", &connector.id),
        connector.audit_scope(),
        serde_json::json!({
            "kind": connector.kind.as_str(),
            "api_call": api_call.map(cut),
            "errors": errors,
            "ids": ids,
        }),
    )
}

/// A callback URL that may be stored: the rules of webhook URLs (`net_guard`).
fn callback_url(raw: &str, allow: &AllowList) -> Result<String, FieldIssue> {
    if raw.len() > 2000 || raw.contains(char::is_whitespace) {
        return Err(FieldIssue::new("invalid_url", "Use an https:// URL."));
    }
    match net_guard::check_url(raw, allow) {
        Ok(_) => Ok(raw.to_string()),
        Err(refusal) => Err(FieldIssue::new(refusal.code, refusal.message)),
    }
}

/// Where a link stands: the invitation's status, its assessments with scores, and the
/// candidate's page in the client portal.
pub struct LinkView {
    pub id: String,
    pub status: InvitationStatus,
    pub assessments: Vec<Assessment>,
    pub profile_url: String,
}

/// The connector's link `id`; another connector's (or none) is a 404.
pub fn view(
    conn: &mut DbConnection,
    links: &Links,
    connector: &Connector,
    id: &str,
) -> Result<LinkView, ApiError> {
    let row: Option<(String, String, String)> = ats_links::table
        .inner_join(invitations::table)
        .filter(ats_links::id.eq(id))
        .filter(ats_links::connector_id.eq(&connector.id))
        .select((
            ats_links::id,
            invitations::status,
            invitations::candidate_id,
        ))
        .first(conn)
        .optional()?;
    let (id, status, candidate_id) = row.ok_or_else(ApiError::not_found)?;
    view_of(conn, links, &connector.client_id, id, status, &candidate_id)
}

pub(super) fn view_of(
    conn: &mut DbConnection,
    links: &Links,
    client_id: &str,
    id: String,
    status: String,
    candidate_id: &str,
) -> Result<LinkView, ApiError> {
    let invitation_id: String = ats_links::table
        .find(&id)
        .select(ats_links::invitation_id)
        .first(conn)?;
    let base = base_url(conn, links, client_id)?;
    Ok(LinkView {
        status: InvitationStatus::try_from(status).map_err(ApiError::internal)?,
        assessments: candidates::assessments_of(conn, &invitation_id, true)?,
        profile_url: format!("{base}/client/candidates/{candidate_id}"),
        id,
    })
}

/// A missing or malformed credential header, said the way the other 401s say it.
pub fn missing_credential() -> ApiError {
    ApiError::new(
        Failure::Unauthenticated,
        "invalid_credential",
        "Send the connector's credential (Greenhouse: HTTP Basic, the credential as the username; Workable: Bearer).",
    )
}
