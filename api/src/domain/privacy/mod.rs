//! Data protection: **retention** (`retention`: the vendor's bounds, a reseller's default, a
//! client's own period, and the housekeeping step that anonymises candidates past it), the one
//! way a candidate is **anonymised** (`anonymise`, used by retention and by erasure requests),
//! a candidate's **data export** (`access`), and the **privacy notice** a candidate confirms
//! before the first test (`notice`).
//!
//! A candidate's last activity (`candidates.last_activity_at`) is the latest of: created,
//! edited, invited, mailed a fresh link (resend), started or submitted a test (`touch`).
//! Reminders, expiry and cancellation are not the candidate's activity.

mod access;
mod anonymise;
mod notice;
mod retention;

pub use access::*;
pub use anonymise::*;
pub use notice::*;
pub use retention::*;

use diesel::prelude::*;

use crate::db::schema::candidates;
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::candidates::{get_scoped_candidate, CandidateRow};
use crate::domain::clients::ClientRow;
use crate::domain::tenant::Tenant;
use crate::domain::values::multiline_text;
use crate::error::{ApiError, Validator};

/// Records activity of a candidate now (see the module's rule).
pub fn touch(
    conn: &mut DbConnection,
    candidate_id: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(candidates::table.find(candidate_id))
        .set(candidates::last_activity_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// An anonymised candidate is kept only as statistics: no edits, no new invitations (409
/// `candidate_anonymised`; the person can be invited again as a new candidate).
pub fn refuse_anonymised(candidate: &CandidateRow) -> Result<(), ApiError> {
    match candidate.anonymised_at {
        Some(_) => Err(ApiError::conflict(
            "candidate_anonymised",
            "This candidate's data has been anonymised: invite the person again as a new candidate.",
        )),
        None => Ok(()),
    }
}

/// An erasure request: the candidate is anonymised now (as retention would), with the reason
/// in the audit log (`candidate.erased`). Credits are never refunded or charged again. A
/// candidate already anonymised is a 409 `already_anonymised`.
pub fn erase(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    candidate_id: &str,
    reason: &str,
) -> Result<(CandidateRow, ClientRow), ApiError> {
    let (row, client) = get_scoped_candidate(conn, tenant, candidate_id)?;
    let mut v = Validator::new();
    let reason = v.check("reason", multiline_text(reason, 500)).flatten();
    if reason.is_none() {
        v.add(
            "reason",
            "required",
            "Say why the candidate's data is erased (e.g. their request and its date).",
        );
    }
    v.finish()?;
    if row.anonymised_at.is_some() || anonymise(conn, candidate_id, now())?.is_none() {
        return Err(ApiError::conflict(
            "already_anonymised",
            "This candidate's data has been anonymised already.",
        ));
    }
    audit::record(
        conn,
        actor,
        "candidate.erased",
        ("candidate", candidate_id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "reason": reason }),
    )?;
    let after: CandidateRow = candidates::table.find(candidate_id).first(conn)?;
    Ok((after, client))
}
