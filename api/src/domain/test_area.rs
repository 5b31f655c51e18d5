//! The candidate test area: signing in by magic link or access key, starting a test (the
//! server keeps the deadline, extra time included), autosaving answers, submitting and scoring.

use chrono::Duration;
use credence_shared::assess::{
    Answer, CandidateAssessment, CandidateBranding, CandidateMe, CandidateProfile,
    CandidateProject, CandidateTest, Question, QuestionOption, Score, StartedAssessment,
};
use credence_shared::{AssessmentStatus, ClientStatus, InvitationStatus, TestKind};
use diesel::prelude::*;

use crate::db::schema::{
    answers, assessments, candidate_sessions, candidates, clients, invitations, projects,
    question_options, questions, tests,
};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::candidates::{self as people, AssessmentRow, CandidateRow, InvitationRow};
use crate::domain::catalogue::{self, TestRow};
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::projects::ProjectRow;
use crate::domain::values::{required_text, Email};
use crate::domain::{brands, logos, outbox, scoring};
use crate::error::{ApiError, Failure, Validator};
use crate::mail::templates;
use crate::secrets::token_hash;

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

/// A candidate session just opened; `auth` turns it into the candidate's access token.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub session_id: String,
    pub candidate_id: String,
    pub client_id: String,
    /// Seconds until the session (and so its token) ends.
    pub ttl_seconds: i64,
}

fn open_session(
    conn: &mut DbConnection,
    candidate: &CandidateRow,
    invitation: &InvitationRow,
) -> Result<OpenedSession, ApiError> {
    let session_id = new_id();
    let at = now();
    let expires = (at + Duration::hours(SESSION_HOURS))
        .min(invitation.expires_at.max(at + Duration::hours(1)));
    diesel::insert_into(candidate_sessions::table)
        .values((
            candidate_sessions::id.eq(&session_id),
            candidate_sessions::candidate_id.eq(&candidate.id),
            candidate_sessions::invitation_id.eq(&invitation.id),
            candidate_sessions::created_at.eq(at),
            candidate_sessions::expires_at.eq(expires),
        ))
        .execute(conn)?;
    Ok(OpenedSession {
        session_id,
        candidate_id: candidate.id.clone(),
        client_id: candidate.client_id.clone(),
        ttl_seconds: (expires - at).num_seconds(),
    })
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

/// The magic link: works once; the session it opens keeps the candidate in.
pub fn session_from_link(conn: &mut DbConnection, token: &str) -> Result<OpenedSession, ApiError> {
    let used = || {
        ApiError::unauthorized("invalid_invitation", "This link is invalid or has been used. Ask the support contact in your invitation for a new one.")
    };
    let invitation: InvitationRow = invitations::table
        .filter(invitations::token_hash.eq(token_hash(token.trim())))
        .first(conn)
        .optional()?
        .ok_or_else(used)?;
    let (project, client, candidate) = load_context(conn, &invitation)?;
    if !open_for_candidates(&client, &project)
        || !invitation.status.is_open()
        || invitation.expires_at <= now()
        || !candidate.active
    {
        return Err(unavailable());
    }
    // One use: the link's token is forgotten.
    let consumed = diesel::update(
        invitations::table
            .find(&invitation.id)
            .filter(invitations::token_hash.eq(token_hash(token.trim()))),
    )
    .set(invitations::token_hash.eq(None::<String>))
    .execute(conn)?;
    if consumed != 1 {
        return Err(used());
    }
    open_session(conn, &candidate, &invitation)
}

/// Self-registration attempts per client IP per `REGISTRATION_WINDOW_MINUTES` (valid key or not).
pub const REGISTRATIONS_PER_IP: i32 = 30;
/// Self-registration attempts per access key (as typed) per `REGISTRATION_WINDOW_MINUTES`.
pub const REGISTRATIONS_PER_KEY: i32 = 60;
pub const REGISTRATION_WINDOW_MINUTES: i64 = 10;
/// A registration mails a candidate their link at most once in this many minutes.
pub const REGISTRATION_MAIL_COOLDOWN_MINUTES: i64 = 15;

/// Counts a self-registration attempt against the IP's and the key's budgets (in the database,
/// so every process shares them). Run it in its own transaction before the registration, so a
/// refused attempt (a wrong key) still counts. 429 `rate_limited` with `Retry-After` when spent.
pub fn count_registration_attempt(
    conn: &mut DbConnection,
    ip: &str,
    key: &str,
) -> Result<(), ApiError> {
    use crate::domain::rate_limits::{hit, Limit};
    let window = Duration::minutes(REGISTRATION_WINDOW_MINUTES);
    let key = key.trim().to_uppercase();
    for (bucket, limit) in [
        (format!("self-registration:ip:{ip}"), REGISTRATIONS_PER_IP),
        (
            format!("self-registration:key:{}", token_hash(&key)),
            REGISTRATIONS_PER_KEY,
        ),
    ] {
        if let Some(retry_after_secs) = hit(conn, &bucket, Limit { limit, window })? {
            return Err(ApiError::RateLimited { retry_after_secs });
        }
    }
    Ok(())
}

fn daily_cap_bucket(project_id: &str) -> String {
    format!("self-registration:daily-cap:{project_id}")
}

fn daily_cap_reached(retry_after_secs: u64) -> ApiError {
    ApiError::QuotaReached {
        code: "self_registration_cap_reached",
        detail: "This assessment takes no more registrations today. Please try again tomorrow, or contact the person who gave you the access key.".into(),
        retry_after_secs,
    }
}

/// Whether a registration may mail this invitation's link now (and, if so, starts the
/// cool-down): at most one mail per `REGISTRATION_MAIL_COOLDOWN_MINUTES`.
fn may_mail(conn: &mut DbConnection, invitation_id: &str) -> Result<bool, ApiError> {
    use crate::domain::rate_limits::{hit, Limit};
    Ok(hit(
        conn,
        &format!("self-registration:mail:{invitation_id}"),
        Limit {
            limit: 1,
            window: Duration::minutes(REGISTRATION_MAIL_COOLDOWN_MINUTES),
        },
    )?
    .is_none())
}

/// A person's name as typed at self-registration: no links (the name is put into mail).
fn registrant_name(value: &str) -> Result<String, crate::error::FieldIssue> {
    let name = required_text(value, 100)?;
    let lower = name.to_lowercase();
    if ["http", "www.", "://"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return Err(crate::error::FieldIssue::new(
            "name_contains_url",
            "A name cannot contain a web address.",
        ));
    }
    Ok(name)
}

/// Self-registration with a project's access key. Never opens a session: whether the email is
/// new or already known, the answer is the same ("check your email") and the link goes to the
/// address, so knowing someone's email opens nothing and tells nothing. A new person is
/// invited (charging credits, counted against the project's daily cap); a known one invited to
/// this project is mailed a fresh link of their own (their name is not changed). Each
/// invitation is mailed at most once per cool-down.
pub fn register_with_access_key(
    conn: &mut DbConnection,
    links: &Links,
    key: &str,
    first_name: &str,
    last_name: &str,
    email: &str,
) -> Result<(), ApiError> {
    use crate::domain::rate_limits::{full, hit, Limit};
    let mut v = Validator::new();
    let first = v.check("first_name", registrant_name(first_name));
    let last = v.check("last_name", registrant_name(last_name));
    let email = v.check("email", Email::parse(email));
    let project = crate::domain::projects::by_access_key(conn, key)?;
    if project.is_none() {
        v.add(
            "access_key",
            "invalid_access_key",
            "This access key is not valid. Check it with the organisation that gave it to you.",
        );
    }
    v.finish()?;
    let (Some(first), Some(last), Some(email), Some(project)) = (first, last, email, project)
    else {
        return Err(ApiError::internal("validated registration fields missing"));
    };
    let client: ClientRow = clients::table.find(&project.client_id).first(conn)?;
    if !open_for_candidates(&client, &project) {
        return Err(unavailable());
    }
    // A full day answers everyone alike (known emails too), so the cap tells nothing either.
    let cap = Limit {
        limit: project.self_registration_daily_cap,
        window: Duration::days(1),
    };
    if let Some(wait) = full(conn, &daily_cap_bucket(&project.id), cap)? {
        return Err(daily_cap_reached(wait));
    }
    let tenant = crate::domain::tenant::Tenant::Client {
        client_id: client.id.clone(),
    };
    let existing: Option<CandidateRow> = candidates::table
        .filter(candidates::client_id.eq(&client.id))
        .filter(candidates::email.eq(email.as_str()))
        .first(conn)
        .optional()?;
    if let Some(existing) = &existing {
        let invitation: Option<InvitationRow> = invitations::table
            .filter(invitations::candidate_id.eq(&existing.id))
            .filter(invitations::project_id.eq(&project.id))
            .first(conn)
            .optional()?;
        if let Some(invitation) = invitation {
            // Their own link, to their own inbox; a closed invitation gets nothing.
            if invitation.status.is_open() && existing.active && may_mail(conn, &invitation.id)? {
                people::resend(conn, links, &AuditActor::system(), &tenant, &invitation.id)?;
            }
            return Ok(());
        }
    }
    if let Some(wait) = hit(conn, &daily_cap_bucket(&project.id), cap)? {
        return Err(daily_cap_reached(wait));
    }
    let (candidate, _) = people::create_and_invite(
        conn,
        links,
        &AuditActor::system(),
        &tenant,
        &credence_shared::assess::CandidateCreate {
            project_id: project.id.clone(),
            first_name: first,
            last_name: last,
            email: email.into_string(),
            phone: None,
            extra_time_percent: None,
        },
    )?;
    let invitation_id: String = invitations::table
        .filter(invitations::candidate_id.eq(&candidate.id))
        .filter(invitations::project_id.eq(&project.id))
        .select(invitations::id)
        .first(conn)?;
    // The invitation mail just queued starts the cool-down.
    may_mail(conn, &invitation_id)?;
    Ok(())
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
        project: cproject,
        assessments: list,
    })
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
        diesel::update(
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
        diesel::update(
            invitations::table
                .find(&invitation.id)
                .filter(invitations::status.eq(InvitationStatus::Invited.as_str())),
        )
        .set((
            invitations::status.eq(InvitationStatus::InProgress.as_str()),
            invitations::updated_at.eq(at),
        ))
        .execute(conn)?;
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
    let (a, _) = own(conn, who, id)?;
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
    let moved = diesel::update(
        assessments::table
            .find(assessment_id)
            .filter(assessments::status.eq(AssessmentStatus::InProgress.as_str())),
    )
    .set((
        assessments::status.eq(AssessmentStatus::Submitted.as_str()),
        assessments::submitted_at.eq(Some(now())),
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
    let (project, client, candidate) = load_context(conn, &invitation)?;
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
            "candidate.completed",
            &client.reseller_id,
            &client.id,
            serde_json::json!({ "candidate_id": candidate.id, "invitation_id": invitation.id, "project_id": project.id, "client_id": client.id }),
        )?;
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
            let link = format!("{}/client/candidates/{}", links.public_url, candidate.id);
            let message = templates::report_summary(
                &brand.skin(),
                &links.public_url,
                &candidate.first_name,
                &candidate.last_name,
                &project.name,
                &results,
                &link,
            );
            outbox::enqueue(conn, "report_summary", report_to, None, &message)?;
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
    let (a, _) = own(conn, who, id)?;
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
