//! A candidate's data, for an access request: details, invitations with their assessments
//! (answers, and scores for the client's own users), mail to or about them and the audit
//! events about them — for the client's users and the reseller's staff (`export`), or for the
//! candidate themself from the test area (`export_own`: no scores, no audit events).

use std::collections::HashMap;

use credence_shared::privacy::{
    CandidateExport, ExportedAnswer, ExportedAssessment, ExportedCandidate, ExportedEmail,
    ExportedEvent, ExportedInvitation,
};
use credence_shared::{AssessmentStatus, InvitationStatus};
use diesel::prelude::*;

use crate::db::schema::{
    answers, assessments, audit_events, candidates, clients, invitations, outbox, projects,
    question_options, questions, tests,
};
use crate::db::DbConnection;
use crate::domain::audit;
use crate::domain::candidates::{get_scoped_candidate, CandidateRow};
use crate::domain::tenant::Tenant;
use crate::error::ApiError;

/// What an export may show.
#[derive(Debug, Clone, Copy)]
struct View {
    scores: bool,
    events: bool,
    /// Client users read audit details without the reseller's commercial terms.
    commercial_terms: bool,
}

/// The export a client user or the reseller's staff asked for (a foreign candidate is 404).
pub fn export(
    conn: &mut DbConnection,
    tenant: &Tenant,
    candidate_id: &str,
) -> Result<CandidateExport, ApiError> {
    let (row, client) = get_scoped_candidate(conn, tenant, candidate_id)?;
    let view = View {
        scores: tenant.sees_scores(),
        events: true,
        commercial_terms: tenant.reseller_id().is_some(),
    };
    build(conn, row, client.name, view)
}

/// The candidate's own export (the test area's "Download my data").
pub fn export_own(
    conn: &mut DbConnection,
    candidate_id: &str,
) -> Result<CandidateExport, ApiError> {
    let row: CandidateRow = candidates::table.find(candidate_id).first(conn)?;
    let client_name: String = clients::table
        .find(&row.client_id)
        .select(clients::name)
        .first(conn)?;
    let view = View {
        scores: false,
        events: false,
        commercial_terms: false,
    };
    build(conn, row, client_name, view)
}

fn utc(t: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}

fn build(
    conn: &mut DbConnection,
    row: CandidateRow,
    client_name: String,
    view: View,
) -> Result<CandidateExport, ApiError> {
    /// (id, project name, status, created, expires, consented, the notice's version).
    type InvitationCols = (
        String,
        String,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<String>,
    );
    let invitation_rows: Vec<InvitationCols> = invitations::table
        .inner_join(projects::table)
        .filter(invitations::candidate_id.eq(&row.id))
        .order(invitations::id.asc())
        .select((
            invitations::id,
            projects::name,
            invitations::status,
            invitations::created_at,
            invitations::expires_at,
            invitations::consented_at,
            invitations::consent_notice_hash,
        ))
        .load(conn)?;
    let invitation_ids: Vec<String> = invitation_rows.iter().map(|r| r.0.clone()).collect();
    type AssessmentCols = (
        String,
        String,
        String,
        String,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<f64>,
        Option<i32>,
        Option<i32>,
        Option<f64>,
        Option<String>,
    );
    let assessment_rows: Vec<AssessmentCols> = assessments::table
        .inner_join(tests::table)
        .filter(assessments::invitation_id.eq_any(&invitation_ids))
        .order((
            assessments::invitation_id.asc(),
            assessments::position.asc(),
        ))
        .select((
            assessments::id,
            assessments::invitation_id,
            tests::name,
            assessments::status,
            assessments::started_at,
            assessments::submitted_at,
            assessments::raw_score,
            assessments::percentile,
            assessments::sten,
            assessments::t_score,
            assessments::trait_scores,
        ))
        .load(conn)?;
    let assessment_ids: Vec<String> = assessment_rows.iter().map(|r| r.0.clone()).collect();
    let answer_rows: Vec<(String, String, String, chrono::NaiveDateTime)> = answers::table
        .inner_join(questions::table)
        .inner_join(question_options::table)
        .filter(answers::assessment_id.eq_any(&assessment_ids))
        .order((answers::assessment_id.asc(), questions::position.asc()))
        .select((
            answers::assessment_id,
            questions::prompt,
            question_options::label,
            answers::answered_at,
        ))
        .load(conn)?;
    let mut answers_by: HashMap<String, Vec<ExportedAnswer>> = HashMap::new();
    for (assessment_id, question, answer, at) in answer_rows {
        answers_by
            .entry(assessment_id)
            .or_default()
            .push(ExportedAnswer {
                question,
                answer,
                answered_at: utc(at),
            });
    }
    let mut assessments_by: HashMap<String, Vec<ExportedAssessment>> = HashMap::new();
    for (id, invitation_id, test_name, status, started, submitted, raw, pct, sten, t, traits) in
        assessment_rows
    {
        let s = view.scores;
        assessments_by
            .entry(invitation_id)
            .or_default()
            .push(ExportedAssessment {
                answers: answers_by.remove(&id).unwrap_or_default(),
                id,
                test_name,
                status: AssessmentStatus::parse(&status).unwrap_or(AssessmentStatus::NotStarted),
                started_at: started.map(utc),
                submitted_at: submitted.map(utc),
                raw_score: raw.filter(|_| s),
                percentile: pct.map(i64::from).filter(|_| s),
                sten: sten.map(i64::from).filter(|_| s),
                t_score: t.filter(|_| s),
                trait_scores: traits.filter(|_| s),
            });
    }
    let invitations = invitation_rows
        .into_iter()
        .map(
            |(id, project_name, status, created, expires, consented, version)| ExportedInvitation {
                assessments: assessments_by.remove(&id).unwrap_or_default(),
                id,
                project_name,
                status: InvitationStatus::parse(&status).unwrap_or(InvitationStatus::Invited),
                created_at: utc(created),
                expires_at: utc(expires),
                consented_at: consented.map(utc),
                consent_notice_version: version,
            },
        )
        .collect();
    let emails = outbox::table
        .filter(outbox::candidate_id.eq(&row.id))
        .order(outbox::id.asc())
        .select((
            outbox::kind,
            outbox::to_address,
            outbox::subject,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load::<(
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
        )>(conn)?
        .into_iter()
        // The candidate's own export lists the mail sent to them, not reports to the client.
        .filter(|m| view.events || m.1 == row.email)
        .map(|(kind, to, subject, status, created, sent)| ExportedEmail {
            kind,
            to,
            subject,
            status,
            created_at: utc(created),
            sent_at: sent.map(utc),
        })
        .collect();
    let events = if view.events {
        audit_events::table
            .filter(
                audit_events::object_type
                    .eq("candidate")
                    .and(audit_events::object_id.eq(&row.id))
                    .or(audit_events::object_type
                        .eq("invitation")
                        .and(audit_events::object_id.eq_any(&invitation_ids)))
                    .or(audit_events::object_type
                        .eq("assessment")
                        .and(audit_events::object_id.eq_any(&assessment_ids))),
            )
            .filter(audit_events::client_id.eq(&row.client_id))
            .order(audit_events::id.asc())
            .select((
                audit_events::action,
                audit_events::object_type,
                audit_events::object_id,
                audit_events::created_at,
                audit_events::details,
            ))
            .load::<(
                String,
                String,
                Option<String>,
                chrono::NaiveDateTime,
                String,
            )>(conn)?
            .into_iter()
            .map(|(action, object_type, object_id, at, details)| {
                let details = serde_json::from_str(&details).unwrap_or(serde_json::Value::Null);
                ExportedEvent {
                    action,
                    object_type,
                    object_id,
                    created_at: utc(at),
                    details: if view.commercial_terms {
                        details
                    } else {
                        audit::without_commercial_terms(details)
                    },
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CandidateExport {
        exported_at: chrono::Utc::now(),
        candidate: ExportedCandidate {
            id: row.id,
            client_name,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            phone: row.phone,
            extra_time_percent: i64::from(row.extra_time_percent),
            active: row.active,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            last_activity_at: row.last_activity_at.map(utc),
            anonymised_at: row.anonymised_at.map(utc),
        },
        invitations,
        emails,
        events,
    })
}
