//! Taking a test: what the candidate sees, starting (the server sets the deadline once) and
//! autosaving answers until the deadline.

use chrono::Duration;
use credence_shared::assess::{
    Answer, CandidateAssessment, CandidateBranding, CandidateMe, CandidateProfile,
    CandidateProject, CandidateTest, Question, QuestionOption, StartedAssessment,
};
use credence_shared::events::InvitationEvent;
use credence_shared::{AssessmentStatus, InvitationStatus, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{answers, assessments, invitations, question_options, questions, tests};
use crate::db::{now, DbConnection};
use crate::domain::candidates::{AssessmentRow, InvitationRow};
use crate::domain::catalogue::{self, TestRow};
use crate::domain::usage::rollup;
use crate::domain::{brands, logos, privacy};
use crate::error::{ApiError, Validator};

use super::{
    load_context, open_for_candidates, own, unavailable, CandidatePrincipal, GRACE_SECONDS,
};

fn duration_with_extra(test: &TestRow, extra_time_percent: i32) -> Option<i64> {
    test.duration_seconds
        .map(|d| (i64::from(d) * (100 + i64::from(extra_time_percent)) + 99) / 100)
}

pub fn me(conn: &mut DbConnection, who: &CandidatePrincipal) -> Result<CandidateMe, ApiError> {
    let invitation: InvitationRow = invitations::table.find(&who.invitation_id).first(conn)?;
    let (project, client, candidate) = load_context(conn, &invitation)?;
    let closed = matches!(
        invitation.status,
        InvitationStatus::Cancelled | InvitationStatus::Expired
    );
    if closed
        || (!open_for_candidates(&client, &project)
            && invitation.status != InvitationStatus::Submitted)
    {
        return Err(unavailable());
    }
    let brand = brands::get(conn, &client.brand_id)?;
    let cproject = CandidateProject {
        id: project.id.clone(),
        name: project.name.clone(),
        description: project.description.clone(),
        support_name: project.support_name.clone(),
        support_email: project.support_email.clone(),
    };
    let rows: Vec<(AssessmentRow, TestRow)> = assessments::table
        .inner_join(tests::table)
        .filter(assessments::invitation_id.eq(&invitation.id))
        .filter(assessments::status.ne(AssessmentStatus::Refunded.as_str()))
        .order(assessments::position.asc())
        .select((assessments::all_columns, tests::all_columns))
        .load(conn)?;
    let mut list = Vec::new();
    for (a, t) in rows {
        let question_count: i64 = questions::table
            .filter(questions::test_id.eq(&t.id))
            .count()
            .get_result(conn)?;
        let answered_count: i64 = answers::table
            .filter(answers::assessment_id.eq(&a.id))
            .count()
            .get_result(conn)?;
        list.push(CandidateAssessment {
            id: a.id,
            project: cproject.clone(),
            duration_seconds: duration_with_extra(&t, candidate.extra_time_percent),
            test: CandidateTest {
                id: t.id,
                name: t.name,
                kind: t.kind,
                category: t.category,
                instructions: t.instructions,
                question_count,
            },
            status: a.status,
            deadline: a.deadline_at.map(|d| d.and_utc()),
            answered_count,
        });
    }
    let privacy_notice = privacy::notice_of(conn, &client, invitation.consented_at)?;
    Ok(CandidateMe {
        candidate: CandidateProfile {
            id: candidate.id,
            first_name: candidate.first_name,
            last_name: candidate.last_name,
            email: candidate.email,
        },
        branding: CandidateBranding {
            brand: brand.to_dto(),
            client_name: client.name,
            client_logo_url: client.logo_id.as_deref().map(logos::url),
        },
        privacy_notice,
        project: cproject,
        assessments: list,
    })
}

fn saved_answers(conn: &mut DbConnection, assessment_id: &str) -> Result<Vec<Answer>, ApiError> {
    let rows: Vec<(String, String)> = answers::table
        .filter(answers::assessment_id.eq(assessment_id))
        .select((answers::question_id, answers::option_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(question_id, option_id)| Answer {
            question_id,
            option_id,
        })
        .collect())
}

/// Starts (or resumes) a test: the deadline is set once, by the server.
pub fn start(
    conn: &mut DbConnection,
    who: &CandidatePrincipal,
    id: &str,
) -> Result<StartedAssessment, ApiError> {
    let (a, invitation) = own(conn, who, id)?;
    let (project, client, candidate) = load_context(conn, &invitation)?;
    privacy::require_consent(&invitation)?;
    match a.status {
        AssessmentStatus::Submitted => {
            return Err(ApiError::conflict(
                "already_submitted",
                "You have completed this test already.",
            ))
        }
        AssessmentStatus::Refunded => return Err(unavailable()),
        AssessmentStatus::NotStarted | AssessmentStatus::InProgress => {}
    }
    if a.status == AssessmentStatus::NotStarted {
        if !open_for_candidates(&client, &project)
            || !invitation.status.is_open()
            || invitation.expires_at <= now()
        {
            return Err(unavailable());
        }
        let test = catalogue::get(conn, &a.test_id)?.ok_or_else(ApiError::not_found)?;
        let at = now();
        let deadline = duration_with_extra(&test, candidate.extra_time_percent)
            .map(|s| at + Duration::seconds(s));
        let started = diesel::update(
            assessments::table
                .find(id)
                .filter(assessments::status.eq(AssessmentStatus::NotStarted.as_str())),
        )
        .set((
            assessments::status.eq(AssessmentStatus::InProgress.as_str()),
            assessments::started_at.eq(Some(at)),
            assessments::deadline_at.eq(deadline),
        ))
        .execute(conn)?;
        if started > 0 {
            rollup::funnel(
                conn,
                &rollup::FunnelKey {
                    client_id: &invitation.client_id,
                    project_id: &invitation.project_id,
                    test_id: &a.test_id,
                    invited_at: invitation.created_at,
                },
                rollup::FunnelStep::Started,
            )?;
        }
        let first = diesel::update(
            invitations::table
                .find(&invitation.id)
                .filter(invitations::status.eq(InvitationStatus::Invited.as_str())),
        )
        .set((
            invitations::status.eq(InvitationStatus::InProgress.as_str()),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
        crate::domain::privacy::touch(conn, &invitation.candidate_id, at)?;
        // Only the start that moved the invitation out of `invited` tells the webhooks.
        if first == 1 {
            crate::domain::webhooks::emit(
                conn,
                WebhookEvent::CandidateStarted,
                &client.reseller_id,
                Some(&client.id),
                &InvitationEvent {
                    candidate_id: candidate.id.clone(),
                    invitation_id: invitation.id.clone(),
                    project_id: project.id.clone(),
                    client_id: client.id.clone(),
                },
            )?;
        }
    }
    let a: AssessmentRow = assessments::table.find(id).first(conn)?;
    Ok(StartedAssessment {
        questions: questions_of(conn, &a.test_id)?,
        deadline: a.deadline_at.map(|d| d.and_utc()),
        server_time: chrono::Utc::now(),
        answers: saved_answers(conn, id)?,
    })
}

/// Autosave: upserts answers; refused once the deadline (plus a few seconds' grace) passed.
pub fn save_answers(
    conn: &mut DbConnection,
    who: &CandidatePrincipal,
    id: &str,
    input: &[Answer],
) -> Result<(), ApiError> {
    let (a, invitation) = own(conn, who, id)?;
    privacy::require_consent(&invitation)?;
    if a.status != AssessmentStatus::InProgress {
        return Err(ApiError::conflict(
            "not_in_progress",
            "This test is not in progress.",
        ));
    }
    if let Some(deadline) = a.deadline_at {
        if now() > deadline + Duration::seconds(GRACE_SECONDS) {
            return Err(ApiError::conflict(
                "deadline_passed",
                "Time is up for this test: answers can no longer be changed.",
            ));
        }
    }
    if input.len() > 500 {
        return Err(ApiError::field(
            "answers",
            "too_many",
            "Send at most 500 answers at a time.",
        ));
    }
    let mut v = Validator::new();
    let mut checked = Vec::new();
    for (i, answer) in input.iter().enumerate() {
        let valid: i64 = question_options::table
            .inner_join(questions::table)
            .filter(question_options::id.eq(&answer.option_id))
            .filter(question_options::question_id.eq(&answer.question_id))
            .filter(questions::test_id.eq(&a.test_id))
            .count()
            .get_result(conn)?;
        if valid == 0 {
            v.add(
                &format!("answers[{i}]"),
                "invalid_answer",
                "This option does not belong to a question of this test.",
            );
        } else {
            checked.push(answer);
        }
    }
    v.finish()?;
    let at = now();
    for answer in checked {
        // No upsert through MultiConnection: delete then insert, in the caller's transaction.
        diesel::delete(answers::table.find((id, &answer.question_id))).execute(conn)?;
        diesel::insert_into(answers::table)
            .values((
                answers::assessment_id.eq(id),
                answers::question_id.eq(&answer.question_id),
                answers::option_id.eq(&answer.option_id),
                answers::answered_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn questions_of(conn: &mut DbConnection, test_id: &str) -> Result<Vec<Question>, ApiError> {
    let qs: Vec<(String, String)> = questions::table
        .filter(questions::test_id.eq(test_id))
        .order(questions::position.asc())
        .select((questions::id, questions::prompt))
        .load(conn)?;
    let opts: Vec<(String, String, String)> = question_options::table
        .inner_join(questions::table)
        .filter(questions::test_id.eq(test_id))
        .order((
            question_options::question_id.asc(),
            question_options::position.asc(),
        ))
        .select((
            question_options::question_id,
            question_options::id,
            question_options::label,
        ))
        .load(conn)?;
    Ok(qs
        .into_iter()
        .map(|(id, prompt)| Question {
            options: opts
                .iter()
                .filter(|o| o.0 == id)
                .map(|o| QuestionOption {
                    id: o.1.clone(),
                    label: o.2.clone(),
                })
                .collect(),
            id,
            prompt,
        })
        .collect())
}
