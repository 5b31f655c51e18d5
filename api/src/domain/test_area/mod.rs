//! The candidate test area: signing in by magic link or access key (`sessions`), taking a test
//! — the server keeps the deadline, extra time included — with autosaved answers (`runner`),
//! and submitting and scoring (`submit`). Every candidate endpoint goes through `principal`.

mod runner;
mod sessions;
mod submit;

pub use runner::*;
pub use sessions::*;
pub use submit::*;

use credence_shared::{ClientStatus, InvitationStatus};
use diesel::prelude::*;

use crate::db::schema::{
    assessments, candidate_sessions, candidates, clients, invitations, projects,
};
use crate::db::{now, DbConnection};
use crate::domain::candidates::{AssessmentRow, CandidateRow, InvitationRow};
use crate::domain::clients::ClientRow;
use crate::domain::projects::ProjectRow;
use crate::error::{ApiError, Failure};

/// Answers are accepted for this long after the deadline (network latency), never more.
pub const GRACE_SECONDS: i64 = 5;
/// A candidate session lasts a day (or until the invitation closes).
pub const SESSION_HOURS: i64 = 24;

fn unavailable() -> ApiError {
    ApiError::new(Failure::Forbidden, "assessment_unavailable", "This assessment is not available: the project has closed or the account is suspended. Contact the support address in your invitation.")
}

/// Whether the client and project still let candidates in.
fn open_for_candidates(client: &ClientRow, project: &ProjectRow) -> bool {
    client.status == ClientStatus::Active && !project.locked()
}

fn load_context(
    conn: &mut DbConnection,
    invitation: &InvitationRow,
) -> Result<(ProjectRow, ClientRow, CandidateRow), ApiError> {
    let project: ProjectRow = projects::table.find(&invitation.project_id).first(conn)?;
    let client: ClientRow = clients::table.find(&invitation.client_id).first(conn)?;
    let candidate: CandidateRow = candidates::table
        .find(&invitation.candidate_id)
        .first(conn)?;
    Ok((project, client, candidate))
}

/// A signed-in candidate: their session's invitation.
#[derive(Debug, Clone)]
pub struct CandidatePrincipal {
    pub candidate_id: String,
    pub invitation_id: String,
}

/// Checks a candidate session (live, not revoked) and that the assessment is still open.
pub fn principal(
    conn: &mut DbConnection,
    candidate_id: &str,
    session_id: &str,
) -> Result<CandidatePrincipal, ApiError> {
    let invitation_id: String = candidate_sessions::table
        .find(session_id)
        .filter(candidate_sessions::candidate_id.eq(candidate_id))
        .filter(candidate_sessions::revoked_at.is_null())
        .filter(candidate_sessions::expires_at.gt(now()))
        .select(candidate_sessions::invitation_id)
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "session_ended",
                "This session has ended. Open the link from your invitation again.",
            )
        })?;
    // Every candidate endpoint goes through here: a cancelled or expired invitation, or a
    // deactivated candidate, closes the whole test area at once (nothing can be saved or
    // submitted after it, so no `candidate.completed` either).
    let (status, expires_at): (String, chrono::NaiveDateTime) = invitations::table
        .find(&invitation_id)
        .select((invitations::status, invitations::expires_at))
        .first(conn)?;
    let active: bool = candidates::table
        .find(candidate_id)
        .select(candidates::active)
        .first(conn)?;
    let status = InvitationStatus::parse(&status);
    let closed = match status {
        Some(InvitationStatus::Cancelled | InvitationStatus::Expired) | None => true,
        // Past its date but not yet expired by the job: closed all the same.
        Some(s) => s.is_open() && expires_at <= now(),
    };
    if closed || !active {
        return Err(unavailable());
    }
    Ok(CandidatePrincipal {
        candidate_id: candidate_id.to_string(),
        invitation_id,
    })
}

/// The candidate's invitation (their first) and its assessments in test order: (assessment
/// id, test id). Used to play a candidate through the tests (demo data).
pub fn assessments_of_candidate(
    conn: &mut DbConnection,
    candidate_id: &str,
) -> Result<(CandidatePrincipal, Vec<(String, String)>), ApiError> {
    let invitation_id: String = invitations::table
        .filter(invitations::candidate_id.eq(candidate_id))
        .order(invitations::id.asc())
        .select(invitations::id)
        .first(conn)?;
    let list = assessments::table
        .filter(assessments::invitation_id.eq(&invitation_id))
        .order(assessments::position.asc())
        .select((assessments::id, assessments::test_id))
        .load(conn)?;
    Ok((
        CandidatePrincipal {
            candidate_id: candidate_id.to_string(),
            invitation_id,
        },
        list,
    ))
}

/// The privacy notice of the candidate's invitation, with its consent.
pub fn privacy_notice(
    conn: &mut DbConnection,
    who: &CandidatePrincipal,
) -> Result<credence_shared::privacy::PrivacyNotice, ApiError> {
    let invitation: InvitationRow = invitations::table.find(&who.invitation_id).first(conn)?;
    crate::domain::privacy::notice_for_invitation(conn, &invitation)
}

/// The candidate confirms their invitation's privacy notice (`privacy::give_consent`): from then
/// on tests can be started. Repeating it changes nothing.
pub fn consent(
    conn: &mut DbConnection,
    who: &CandidatePrincipal,
    ip: Option<String>,
    seen_version: Option<&str>,
) -> Result<credence_shared::privacy::PrivacyNotice, ApiError> {
    let actor = crate::domain::audit::AuditActor {
        user_id: None,
        impersonator_id: None,
        ip,
    };
    crate::domain::privacy::give_consent(conn, &actor, &who.invitation_id, seen_version)
}

/// The candidate's own assessment, with its invitation; anyone else's is "not found".
fn own(
    conn: &mut DbConnection,
    who: &CandidatePrincipal,
    id: &str,
) -> Result<(AssessmentRow, InvitationRow), ApiError> {
    let a: AssessmentRow = assessments::table.find(id).first(conn)?;
    if a.invitation_id != who.invitation_id {
        return Err(ApiError::not_found());
    }
    let invitation: InvitationRow = invitations::table.find(&a.invitation_id).first(conn)?;
    Ok((a, invitation))
}
