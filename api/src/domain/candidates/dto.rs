//! What the API shows of candidates, invitations and assessments: a page of them is loaded in
//! a fixed number of queries (one per kind of child, with `IN (...)`), never one per row.

use std::collections::HashMap;

use credence_shared::assess::{Assessment, Candidate, Invitation, Score};
use credence_shared::{AssessmentStatus, CandidateStatus, InvitationStatus, TestKind};
use diesel::prelude::*;

use crate::db::schema::{
    assessments, candidates, clients, invitations, norm_groups, projects, tests,
};
use crate::db::search;
use crate::db::DbConnection;
use crate::domain::clients::ClientRow;
use crate::domain::tenant::Tenant;
use crate::domain::PageRequest;
use crate::error::ApiError;

use super::reminders::reminders_by_invitation;
use super::{AssessmentRow, CandidateRow, InvitationRow};

/// Scores as stored on an assessment, or `None` before submission.
fn scores_of(row: &AssessmentRow) -> Option<Vec<Score>> {
    if row.status != AssessmentStatus::Submitted {
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

/// The assessments of these invitations, in test order, keyed by invitation (one query).
pub(super) fn assessments_by_invitation(
    conn: &mut DbConnection,
    invitation_ids: &[String],
    with_scores: bool,
) -> Result<HashMap<String, Vec<Assessment>>, ApiError> {
    let mut out: HashMap<String, Vec<Assessment>> = HashMap::new();
    if invitation_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(AssessmentRow, String, String, String)> = assessments::table
        .inner_join(tests::table)
        .inner_join(norm_groups::table)
        .filter(assessments::invitation_id.eq_any(invitation_ids))
        .order((
            assessments::invitation_id.asc(),
            assessments::position.asc(),
        ))
        .select((
            assessments::all_columns,
            tests::name,
            tests::kind,
            norm_groups::name,
        ))
        .load(conn)?;
    for (a, test_name, kind, norm_group_name) in rows {
        out.entry(a.invitation_id.clone())
            .or_default()
            .push(assessment_of(
                a,
                test_name,
                kind.parse()?,
                norm_group_name,
                with_scores,
            ));
    }
    Ok(out)
}

/// An assessment as the API shows it; scores only when `with_scores` (client users).
pub(super) fn assessment_of(
    a: AssessmentRow,
    test_name: String,
    kind: TestKind,
    norm_group_name: String,
    with_scores: bool,
) -> Assessment {
    Assessment {
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
    }
}

/// An invitation as the API shows it, from its row and what it is shown with.
pub(super) fn invitation_of(
    row: InvitationRow,
    project_name: String,
    assessments: Vec<Assessment>,
) -> Invitation {
    Invitation {
        assessments,
        project_name,
        id: row.id,
        candidate_id: row.candidate_id,
        project_id: row.project_id,
        status: row.status,
        credits_charged: i64::from(row.credits_charged),
        expires_at: row.expires_at.and_utc(),
        created_at: row.created_at.and_utc(),
        reminded_at: vec![],
        consented_at: row.consented_at.map(|t| t.and_utc()),
    }
}

/// A candidate as the API shows it, with every invitation (newest first).
pub(super) fn candidate_of(
    row: CandidateRow,
    client_name: String,
    invitations: Vec<Invitation>,
) -> Candidate {
    let status = invitations
        .first()
        .map(|i| CandidateStatus::from(i.status))
        .unwrap_or(CandidateStatus::NotInvited);
    let extra_time_locked = invitations
        .iter()
        .flat_map(|i| &i.assessments)
        .any(|a| a.started_at.is_some());
    let consented_at = invitations.first().and_then(|i| i.consented_at);
    Candidate {
        consented_at,
        extra_time_locked,
        id: row.id,
        client_id: row.client_id,
        client_name,
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
        anonymised_at: row.anonymised_at.map(|t| t.and_utc()),
    }
}

/// One invitation's assessments; scores only when `with_scores` (client users).
pub fn assessments_of(
    conn: &mut DbConnection,
    invitation_id: &str,
    with_scores: bool,
) -> Result<Vec<Assessment>, ApiError> {
    Ok(
        assessments_by_invitation(conn, &[invitation_id.to_string()], with_scores)?
            .remove(invitation_id)
            .unwrap_or_default(),
    )
}

/// Invitations as the API shows them: project names, assessments and (when any invitation was
/// reminded) reminder times in at most three queries.
fn invitation_dtos(
    conn: &mut DbConnection,
    rows: Vec<InvitationRow>,
    with_scores: bool,
) -> Result<Vec<Invitation>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut project_ids: Vec<String> = rows.iter().map(|r| r.project_id.clone()).collect();
    project_ids.sort();
    project_ids.dedup();
    let names: HashMap<String, String> = if project_ids.is_empty() {
        HashMap::new()
    } else {
        projects::table
            .filter(projects::id.eq_any(&project_ids))
            .select((projects::id, projects::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect()
    };
    let mut assessments = assessments_by_invitation(conn, &ids, with_scores)?;
    let mut reminders = reminders_by_invitation(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name = names.get(&row.project_id).cloned().unwrap_or_default();
            let assessments = assessments.remove(&row.id).unwrap_or_default();
            let reminded_at = reminders.remove(&row.id).unwrap_or_default();
            Invitation {
                reminded_at: reminded_at.into_iter().map(|t| t.and_utc()).collect(),
                ..invitation_of(row, name, assessments)
            }
        })
        .collect())
}

pub fn invitation_dto(
    conn: &mut DbConnection,
    row: InvitationRow,
    with_scores: bool,
) -> Result<Invitation, ApiError> {
    invitation_dtos(conn, vec![row], with_scores)?
        .pop()
        .ok_or_else(|| ApiError::internal("invitation vanished"))
}

/// Whether the candidate has started any test (extra time is then fixed).
pub(super) fn started_any(conn: &mut DbConnection, candidate_id: &str) -> Result<bool, ApiError> {
    let n: i64 = assessments::table
        .inner_join(invitations::table)
        .filter(invitations::candidate_id.eq(candidate_id))
        .filter(assessments::started_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Candidates with every invitation (newest first): three queries for the whole page.
pub fn to_dtos(
    conn: &mut DbConnection,
    rows: Vec<(CandidateRow, ClientRow)>,
    with_scores: bool,
) -> Result<Vec<Candidate>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|(c, _)| c.id.clone()).collect();
    let invites: Vec<InvitationRow> = if ids.is_empty() {
        vec![]
    } else {
        invitations::table
            .filter(invitations::candidate_id.eq_any(&ids))
            .order(invitations::id.desc())
            .load(conn)?
    };
    let mut by_candidate: HashMap<String, Vec<Invitation>> = HashMap::new();
    for invitation in invitation_dtos(conn, invites, with_scores)? {
        by_candidate
            .entry(invitation.candidate_id.clone())
            .or_default()
            .push(invitation);
    }
    Ok(rows
        .into_iter()
        .map(|(row, client)| {
            let invitations = by_candidate.remove(&row.id).unwrap_or_default();
            candidate_of(row, client.name, invitations)
        })
        .collect())
}

/// The candidate with every invitation; scores only when `with_scores` (client users).
pub fn to_dto(
    conn: &mut DbConnection,
    row: CandidateRow,
    client: &ClientRow,
    with_scores: bool,
) -> Result<Candidate, ApiError> {
    to_dtos(conn, vec![(row, client.clone())], with_scores)?
        .pop()
        .ok_or_else(|| ApiError::internal("candidate vanished"))
}

#[derive(Debug, Default)]
pub struct CandidateFilter {
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub q: Option<String>,
    pub status: Option<InvitationStatus>,
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
        .into_boxed();
    match tenant {
        // Tenant first: the (reseller_id, id) and (client_id, id) indexes page these.
        Tenant::Reseller { reseller_id } => {
            query = query.filter(candidates::reseller_id.eq(reseller_id.clone()))
        }
        Tenant::Client { client_id } => {
            query = query.filter(candidates::client_id.eq(client_id.clone()))
        }
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(candidates::client_id.eq(client_id.clone()));
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
                    .filter(invitations::status.eq(status.as_str()))
                    .select(invitations::candidate_id),
            ),
        );
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        query = query.filter(search::candidate_matches(conn, q));
    }
    crate::keyset!(query, candidates, page);
    Ok(query.load(conn)?)
}
