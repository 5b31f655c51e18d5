//! The candidate test area: magic link and session, start, answers and submit, the deadline the
//! server keeps (with extra time), and aptitude and personality scoring.

use credence_api::db::schema::{assessments, outbox, questions, tests};
use credence_shared::assess::{
    Candidate, CandidateSession, ProjectResult, StartedAssessment, SubmitResponse,
};
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{spawn_app_with, Backend, Options};
use crate::assessments_world::{keys, world};
use crate::both_backends;
use crate::wait::wait_until;

both_backends!(
    a_candidate_takes_a_timed_test_and_is_scored,
    the_server_keeps_the_deadline_with_extra_time,
    personality_is_scored_per_trait,
);

async fn a_candidate_takes_a_timed_test_and_is_scored(backend: Backend) {
    let w = world(backend, 5).await;
    let p = w.project(&["numerical"], json!({})).await;
    let candidate = w.invited(&p, "taker@cand.example").await;
    let link = w.magic_token("taker@cand.example");
    let session: CandidateSession = w
        .app
        .post(
            "/candidate/sessions",
            None,
            json!({ "invitation_token": link }),
        )
        .await
        .expect(200);
    w.app
        .post(
            "/candidate/sessions",
            None,
            json!({ "invitation_token": link }),
        )
        .await
        .assert_problem(401, "invalid_invitation");
    let token = session.access_token;
    crate::assessments_world::consent(&w.app, &token).await;
    let me = w.candidate_me(&token).await;
    assert_eq!(me.branding.client_name, "Hiring Co");
    assert_eq!(me.project.name, "Graduate intake");
    assert_eq!(
        me.project.support_email.as_deref(),
        Some("support@hiring.example")
    );
    let assessment = &me.assessments[0];
    let aid = assessment.id.as_str();
    assert_eq!(assessment.status.as_str(), "not_started");
    let started_reply = w
        .app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await;
    let started: StartedAssessment = started_reply.expect(200);
    assert!(!started_reply.text().contains("correct"));
    assert_eq!(started.questions.len(), 14);
    let deadline = started.deadline.unwrap();
    let allowed = (deadline.timestamp() - chrono::Utc::now().timestamp()) as f64;
    assert!((allowed - 1080.0).abs() < 5.0, "{allowed}");
    // Answer 10 correctly and 4 wrongly, in two autosaves; a reload resumes.
    let test_id = assessment.test.id.clone();
    let key = keys(&w.app, &test_id);
    let answers: Vec<Value> = key.iter().enumerate().map(|(i, (q, correct, wrong))| json!({ "question_id": q, "option_id": if i < 10 { correct.clone().unwrap() } else { wrong.clone() } })).collect();
    let answers_path = format!("/candidate/assessments/{aid}/answers");
    let save = |part: &[Value]| {
        w.app
            .put(&answers_path, Some(&token), json!({ "answers": part }))
    };
    assert_eq!(save(&answers[..7]).await.status, 204);
    let resumed: StartedAssessment = w
        .app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .json();
    assert_eq!(resumed.answers.len(), 7);
    assert_eq!(
        resumed.deadline, started.deadline,
        "the deadline is set once"
    );
    assert_eq!(save(&answers[7..]).await.status, 204);
    let bad = save(&[json!({ "question_id": key[0].0, "option_id": key[1].2 })]).await;
    bad.assert_problem(422, "validation_failed");
    let submitted: SubmitResponse = w
        .app
        .post(
            &format!("/candidate/assessments/{aid}/submit"),
            Some(&token),
            json!({}),
        )
        .await
        .json();
    assert_eq!(submitted.status.as_str(), "submitted");
    w.app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_problem(409, "already_submitted");
    // Hand-computed against General population (mean 7.2, sd 2.9): raw 10 → z 0.9655 →
    // percentile 83, sten 7, T 59.66.
    let seen: Candidate = w
        .app
        .get(
            &format!("/candidates/{}", candidate.id),
            Some(&w.client_user),
        )
        .await
        .json();
    let inv = &seen.invitations[0];
    assert_eq!(inv.status.as_str(), "submitted");
    let score = &inv.assessments[0].scores.as_ref().unwrap()[0];
    assert_eq!(score.raw, 10.0);
    assert_eq!(score.percentile, 83);
    assert_eq!(score.sten, 7);
    assert!((score.t_score - 59.655).abs() < 0.01);
    // "Email reports to" got the summary.
    let mut conn = w.app.conn();
    let report: String = outbox::table
        .filter(outbox::to_address.eq("hr@hiring.example"))
        .filter(outbox::kind.eq("report_summary"))
        .select(outbox::text_body)
        .first(&mut *conn)
        .unwrap();
    let report = crate::outbox::open(&mut conn, &report);
    assert!(
        report.contains("Casey Candidate") && report.contains("percentile 83, sten 7"),
        "{report}"
    );
    drop(conn);
    let results: Page<ProjectResult> = w
        .app
        .get(&format!("/projects/{}/results", p.id), Some(&w.client_user))
        .await
        .json();
    assert_eq!(
        results.data[0].assessments[0].scores.as_ref().unwrap()[0].percentile,
        83
    );
    let csv = w
        .app
        .get(
            &format!("/projects/{}/results.csv", p.id),
            Some(&w.client_user),
        )
        .await;
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("first_name,last_name,email,status,submitted_at,Numerical Reasoning percentile,Numerical Reasoning sten,Numerical Reasoning T"), "{text}");
    assert!(
        text.contains("Casey,Candidate,taker@cand.example,submitted,")
            && text.contains(",83,7,59.7"),
        "{text}"
    );
}

async fn the_server_keeps_the_deadline_with_extra_time(backend: Backend) {
    // This server's housekeeping job runs at start and then every 30 s (the default), so it
    // cannot submit the test between the deadline passing and the late answer below.
    let w = world(backend, 5).await;
    let p = w.project(&["numerical"], json!({})).await;
    let candidate: Candidate = w.app.post("/candidates", Some(&w.client_user), json!({ "project_id": p.id, "first_name": "Ext", "last_name": "Ra", "email": "extra@cand.example", "extra_time_percent": 25 })).await.expect(201);
    let token = w.candidate_token("extra@cand.example").await;
    let me = w.candidate_me(&token).await;
    assert_eq!(
        me.assessments[0].duration_seconds,
        Some(1350),
        "18 minutes + 25 %"
    );
    let aid = me.assessments[0].id.clone();
    let started: StartedAssessment = w
        .app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .json();
    let deadline = started.deadline.unwrap();
    assert!(((deadline.timestamp() - chrono::Utc::now().timestamp()) - 1350).abs() < 5);
    let cid = candidate.id.as_str();
    let locked = w
        .app
        .patch(
            &format!("/candidates/{cid}"),
            Some(&w.client_user),
            json!({ "extra_time_percent": 50 }),
        )
        .await;
    let problem = locked.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "extra_time_locked");
    // Time runs out (moved on the server's clock): answers are refused, and the housekeeping
    // job submits what was saved.
    let q = &started.questions[0];
    let answer = json!({ "answers": [{ "question_id": q.id, "option_id": q.options[0].id }] });
    assert_eq!(
        w.app
            .put(
                &format!("/candidate/assessments/{aid}/answers"),
                Some(&token),
                answer.clone()
            )
            .await
            .status,
        204
    );
    {
        let mut conn = w.app.conn();
        diesel::update(assessments::table.find(&aid))
            .set(assessments::deadline_at.eq(Some(
                chrono::Utc::now().naive_utc() - chrono::Duration::seconds(60),
            )))
            .execute(&mut *conn)
            .unwrap();
    }
    w.app
        .put(
            &format!("/candidate/assessments/{aid}/answers"),
            Some(&token),
            answer.clone(),
        )
        .await
        .assert_problem(409, "deadline_passed");
    // A second process on the same data with a fast job: it submits what was saved.
    let fast_job = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            database_url: Some(w.app.database_url.clone()),
        },
    )
    .await;
    wait_until(
        "the job submits the assessment at the deadline",
        std::time::Duration::from_secs(3),
        || async {
            let mut conn = fast_job.conn();
            let status: String = assessments::table
                .find(&aid)
                .select(assessments::status)
                .first(&mut *conn)
                .unwrap();
            (status == "submitted").then_some(())
        },
    )
    .await;
}

async fn personality_is_scored_per_trait(backend: Backend) {
    let w = world(backend, 5).await;
    let p = w.project(&["personality"], json!({})).await;
    w.invited(&p, "persona@cand.example").await;
    let token = w.candidate_token("persona@cand.example").await;
    let me = w.candidate_me(&token).await;
    let aid = me.assessments[0].id.clone();
    assert_eq!(me.assessments[0].duration_seconds, None);
    let started: StartedAssessment = w
        .app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .json();
    assert_eq!(started.deadline, None);
    // "Neither agree nor disagree" (3) everywhere: every trait's raw score is 3 × items.
    let answers: Vec<Value> = started
        .questions
        .iter()
        .map(|q| json!({ "question_id": q.id, "option_id": q.options[2].id }))
        .collect();
    assert_eq!(
        w.app
            .put(
                &format!("/candidate/assessments/{aid}/answers"),
                Some(&token),
                json!({ "answers": answers })
            )
            .await
            .status,
        204
    );
    assert_eq!(
        w.app
            .post(
                &format!("/candidate/assessments/{aid}/submit"),
                Some(&token),
                json!({})
            )
            .await
            .status,
        200
    );
    let candidates: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    let scores = candidates.data[0].invitations[0].assessments[0]
        .scores
        .clone()
        .unwrap();
    assert_eq!(scores.len(), 5);
    let test_id = me.assessments[0].test.id.clone();
    let norm = p.tests[0].norm_group_id.clone();
    let mut conn = w.app.conn();
    for s in scores {
        let scale = s.scale.as_str();
        let items: i64 = questions::table
            .filter(questions::test_id.eq(&test_id))
            .filter(questions::trait_.eq(scale))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(s.raw, 3.0 * items as f64, "{scale}");
        let (mean, sd): (f64, f64) = credence_api::db::schema::norms::table
            .find((&norm, scale))
            .select((
                credence_api::db::schema::norms::mean,
                credence_api::db::schema::norms::sd,
            ))
            .first(&mut *conn)
            .unwrap();
        let z = (3.0 * items as f64 - mean) / sd;
        assert_eq!(
            s.sten,
            ((2.0 * z + 5.5).round() as i64).clamp(1, 10),
            "{scale}"
        );
        assert!((s.t_score - (50.0 + 10.0 * z)).abs() < 1e-9);
    }
    let _: i64 = tests::table.count().get_result(&mut *conn).unwrap();
}
