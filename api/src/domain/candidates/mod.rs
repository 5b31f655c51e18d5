//! Candidates and invitations: inviting charges the project's credit cost at once (or refuses
//! with insufficient credits and charges nothing); cancelling or expiry refunds the tests never
//! started. One file per seam: `invite` (charge and invite), `lifecycle` (edit, resend, close,
//! expire), `reminders` (automatic reminders to invited candidates who have not started),
//! `import` (CSV), `dto` (pages of candidates in a fixed number of queries), `results` (a
//! project's results).

mod dto;
mod import;
mod invite;
mod lifecycle;
mod reminders;
mod results;

pub use dto::*;
pub use import::import;
pub use invite::*;
pub use lifecycle::*;
pub use reminders::*;
pub use results::*;

use credence_shared::{AssessmentStatus, InvitationStatus};
use diesel::prelude::*;

use crate::db::schema::{candidates, invitations, projects};
use crate::db::DbConnection;
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::projects::ProjectRow;
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, FieldIssue};

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
    /// The client's reseller, copied for tenant-first indexes.
    pub reseller_id: String,
    /// Created, edited, invited, mailed a link, started or submitted (`domain::privacy`).
    pub last_activity_at: Option<chrono::NaiveDateTime>,
    /// Set once the candidate is anonymised (retention or erasure); never cleared.
    pub anonymised_at: Option<chrono::NaiveDateTime>,
}

#[derive(Queryable, Debug, Clone)]
pub struct InvitationRow {
    pub id: String,
    pub candidate_id: String,
    pub project_id: String,
    pub client_id: String,
    pub token_hash: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: InvitationStatus,
    pub credits_charged: i32,
    pub expires_at: chrono::NaiveDateTime,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// When the invitation, a resend or a reminder was last mailed.
    pub mailed_at: Option<chrono::NaiveDateTime>,
    pub reminders_sent: i32,
    /// When the candidate confirmed the privacy notice (`privacy::notice`).
    pub consented_at: Option<chrono::NaiveDateTime>,
    /// SHA-256 of the notice as it was shown then.
    pub consent_notice_hash: Option<String>,
}

#[derive(Queryable, Debug, Clone)]
pub struct AssessmentRow {
    pub id: String,
    pub invitation_id: String,
    pub test_id: String,
    pub norm_group_id: String,
    pub position: i32,
    #[diesel(deserialize_as = String)]
    pub status: AssessmentStatus,
    pub started_at: Option<chrono::NaiveDateTime>,
    pub deadline_at: Option<chrono::NaiveDateTime>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub raw_score: Option<f64>,
    pub percentile: Option<i32>,
    pub sten: Option<i32>,
    pub t_score: Option<f64>,
    pub trait_scores: Option<String>,
    /// The test's credit cost when invited: what a refund gives back, whatever the cost now.
    pub credit_cost: i32,
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

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn extra_time_is_0_or_1_to_100() {
        assert_eq!(extra_time(None).unwrap(), 0);
        assert_eq!(extra_time(Some(25)).unwrap(), 25);
        assert_eq!(extra_time(Some(100)).unwrap(), 100);
        assert!(extra_time(Some(101)).is_err());
        assert!(extra_time(Some(-1)).is_err());
    }
}
