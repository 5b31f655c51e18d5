//! Submitting and scoring: by the candidate, or by the deadline job for a test left open.

use chrono::Duration;
use credence_shared::assess::Score;
use credence_shared::events::InvitationEvent;
use credence_shared::{AssessmentStatus, InvitationStatus, MailTextKind, TestKind, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{answers, assessments, invitations, question_options, questions};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::candidates::{self as people, AssessmentRow, InvitationRow};
use crate::domain::catalogue::{self};
use crate::domain::links::Links;
use crate::domain::usage::rollup;
use crate::domain::{brands, mail_texts, outbox, scoring, senders};
use crate::error::ApiError;
use crate::mail::templates;

use super::{load_context, own, CandidatePrincipal, GRACE_SECONDS};

/// (correct option, trait, reverse keyed, Likert value, chosen option) of one answer.
type AnsweredItem = (Option<String>, Option<String>, bool, Option<i32>, String);

/// Scores what was answered against the assessment's norm group.
pub fn score(conn: &mut DbConnection, a: &AssessmentRow) -> Result<Vec<Score>, ApiError> {
    let test = catalogue::get(conn, &a.test_id)?.ok_or_else(ApiError::not_found)?;
    let norms = catalogue::norms_of(conn, &a.norm_group_id)?;
    let norm = |scale: &str| {
        norms
            .iter()
            .find(|n| n.0 == scale)
            .map(|n| (n.1, n.2))
            .ok_or_else(|| ApiError::internal(format!("norm missing for {scale}")))
    };
    let rows: Vec<AnsweredItem> = answers::table
        .inner_join(questions::table)
        .inner_join(question_options::table)
        .filter(answers::assessment_id.eq(&a.id))
        .select((
            questions::correct_option_id,
            questions::trait_,
            questions::reverse_keyed,
            question_options::value,
            answers::option_id,
        ))
        .load(conn)?;
    if test.kind == TestKind::Aptitude {
        let raw = rows
            .iter()
            .filter(|r| r.0.as_deref() == Some(r.4.as_str()))
            .count() as f64;
        let (mean, sd) = norm("total")?;
        return Ok(vec![scoring::score("total", raw, mean, sd)]);
    }
    let traits: Vec<(Option<String>,)> = questions::table
        .filter(questions::test_id.eq(&a.test_id))
        .select((questions::trait_,))
        .load(conn)?;
    let mut names: Vec<String> = traits.into_iter().filter_map(|t| t.0).collect();
    let counts: std::collections::HashMap<String, usize> =
        names
            .iter()
            .fold(std::collections::HashMap::new(), |mut m, t| {
                *m.entry(t.clone()).or_insert(0) += 1;
                m
            });
    names.sort();
    names.dedup();
    let mut scores = Vec::new();
    for name in names {
        let values: Vec<f64> = rows
            .iter()
            .filter(|r| r.1.as_deref() == Some(name.as_str()))
            .filter_map(|r| r.3.map(|v| scoring::likert(i64::from(v), r.2)))
            .collect();
        if let Some(raw) = scoring::trait_raw(&values, counts[&name]) {
            let (mean, sd) = norm(&name)?;
            scores.push(scoring::score(&name, raw, mean, sd));
        }
    }
    Ok(scores)
}

/// Submits (by the candidate, or by the deadline job) and scores. When it completes the
/// invitation, "email reports to" gets a summary.
pub fn submit(conn: &mut DbConnection, links: &Links, assessment_id: &str) -> Result<(), ApiError> {
    let a: AssessmentRow = assessments::table.find(assessment_id).first(conn)?;
    if a.status != AssessmentStatus::InProgress {
        return Err(ApiError::conflict(
            "not_in_progress",
            "This test is not in progress.",
        ));
    }
    let scores = score(conn, &a)?;
    let total = scores.iter().find(|s| s.scale == "total");
    let is_personality = total.is_none();
    let submitted_at = now();
    let moved = diesel::update(
        assessments::table
            .find(assessment_id)
            .filter(assessments::status.eq(AssessmentStatus::InProgress.as_str())),
    )
    .set((
        assessments::status.eq(AssessmentStatus::Submitted.as_str()),
        assessments::submitted_at.eq(Some(submitted_at)),
        assessments::raw_score.eq(total.map(|s| s.raw)),
        assessments::percentile.eq(total.map(|s| s.percentile as i32)),
        assessments::sten.eq(total.map(|s| s.sten as i32)),
        assessments::t_score.eq(total.map(|s| s.t_score)),
        assessments::trait_scores
            .eq(is_personality.then(|| serde_json::to_string(&scores).unwrap_or_default())),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Ok(());
    }
    let open: i64 = assessments::table
        .filter(assessments::invitation_id.eq(&a.invitation_id))
        .filter(assessments::status.eq_any([
            AssessmentStatus::NotStarted.as_str(),
            AssessmentStatus::InProgress.as_str(),
        ]))
        .count()
        .get_result(conn)?;
    let invitation: InvitationRow = invitations::table.find(&a.invitation_id).first(conn)?;
    rollup::funnel(
        conn,
        &rollup::FunnelKey {
            client_id: &invitation.client_id,
            project_id: &invitation.project_id,
            test_id: &a.test_id,
            invited_at: invitation.created_at,
        },
        rollup::FunnelStep::Completed(submitted_at),
    )?;
    if let Some(sten) = total.map(|s| s.sten as i32) {
        rollup::sten(conn, &invitation.client_id, &a.test_id, sten)?;
    }
    let (project, client, candidate) = load_context(conn, &invitation)?;
    crate::domain::privacy::touch(conn, &candidate.id, now())?;
    audit::record(
        conn,
        &AuditActor::system(),
        "assessment.submitted",
        ("assessment", assessment_id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "candidate_id": candidate.id }),
    )?;
    if open == 0 {
        let completed = diesel::update(invitations::table.find(&invitation.id).filter(
            invitations::status.eq_any(InvitationStatus::OPEN.map(InvitationStatus::as_str)),
        ))
        .set((
            invitations::status.eq(InvitationStatus::Submitted.as_str()),
            invitations::updated_at.eq(now()),
        ))
        .execute(conn)?;
        // A cancelled or expired invitation (its last test submitted by the deadline job)
        // completes nothing: no webhook, no report.
        if completed == 0 {
            return Ok(());
        }
        crate::domain::webhooks::emit(
            conn,
            WebhookEvent::CandidateCompleted,
            &client.reseller_id,
            Some(&client.id),
            &InvitationEvent {
                candidate_id: candidate.id.clone(),
                invitation_id: invitation.id.clone(),
                project_id: project.id.clone(),
                client_id: client.id.clone(),
            },
        )?;
        // The ATS that sent this candidate gets the result pushed back (`ats_links`).
        crate::domain::ats::callbacks::on_completed(conn, links, &invitation.id)?;
        // Only to one of the client's own users (checked again now: they may have left).
        let report_to = match &project.report_email {
            Some(to) if crate::domain::projects::is_client_users_email(conn, &client.id, to)? => {
                Some(to.clone())
            }
            _ => None,
        };
        if let Some(report_to) = &report_to {
            let results = people::assessments_of(conn, &invitation.id, true)?;
            let brand = brands::get(conn, &client.brand_id)?;
            let sender = senders::for_client_user(conn, links, &client)?;
            let base = &sender.links.public_url;
            let link = format!("{base}/client/candidates/{}", candidate.id);
            let wording =
                mail_texts::wording_for(conn, MailTextKind::Completion, &client, &project.id)?;
            let message = templates::report_summary(
                &brand.skin(),
                base,
                &wording,
                &templates::CompletionMail {
                    first_name: &candidate.first_name,
                    last_name: &candidate.last_name,
                    client_name: &client.name,
                    project_name: &project.name,
                    results: &results,
                    link: &link,
                },
            );
            outbox::enqueue_about(
                conn,
                "report_summary",
                report_to,
                &sender,
                &message,
                Some(&candidate.id),
            )?;
        }
    }
    Ok(())
}

pub fn submit_own(
    conn: &mut DbConnection,
    links: &Links,
    who: &CandidatePrincipal,
    id: &str,
) -> Result<(), ApiError> {
    let (a, invitation) = own(conn, who, id)?;
    crate::domain::privacy::require_consent(&invitation)?;
    if a.status == AssessmentStatus::Submitted {
        return Ok(());
    }
    submit(conn, links, id)
}

/// Submits assessments whose deadline passed without a submit (a closed browser, a crash).
pub fn submit_overdue(conn: &mut DbConnection, links: &Links) -> Result<usize, ApiError> {
    let due: Vec<String> = assessments::table
        .filter(assessments::status.eq(AssessmentStatus::InProgress.as_str()))
        .filter(assessments::deadline_at.le(now() - Duration::seconds(GRACE_SECONDS)))
        .select(assessments::id)
        .limit(100)
        .load(conn)?;
    for id in &due {
        submit(conn, links, id)?;
    }
    Ok(due.len())
}
