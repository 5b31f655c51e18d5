//! Projects, candidates, invitations, the test area, scoring, refunds and tenant isolation.

use credence_api::db::schema::{
    assessments, invitations, outbox, question_options, questions, tests,
};
use credence_shared::assess::{
    Candidate, CandidateMe, CandidateSession, ImportReport, Invitation, Project, ProjectResult,
    RegistrationAccepted, StartedAssessment, SubmitResponse, TestSummary,
};
use credence_shared::reseller::{Client, CreditOrder, LedgerEntry, LedgerReferenceKind};
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::reply::Reply;
use crate::wait::wait_until;

both_backends!(
    the_catalogue_lists_every_test_with_norm_groups,
    projects_are_validated_scoped_and_keyed,
    inviting_charges_credits_or_refuses_with_402,
    parallel_invites_never_overdraw,
    a_candidate_takes_a_timed_test_and_is_scored,
    the_server_keeps_the_deadline_with_extra_time,
    personality_is_scored_per_trait,
    cancelling_and_expiry_refund_unstarted_tests,
    locked_projects_and_suspended_clients_close_the_test_area,
    self_registration_with_an_access_key,
    registering_a_known_email_opens_nothing_and_tells_nothing,
    self_registration_is_throttled_across_processes,
    the_daily_self_registration_cap_is_the_clients,
    self_registration_refuses_urls_in_names,
    candidates_reach_only_their_own_assessments,
    resellers_see_status_but_not_scores,
    csv_import_checks_credits_for_the_whole_batch,
    the_ledger_says_what_each_line_was_for,
    invitation_emails_keep_the_descriptions_line_breaks,
    closed_invitations_and_inactive_candidates_close_every_candidate_endpoint,
    reports_go_only_to_the_clients_own_users,
);

struct World {
    app: TestApp,
    reseller: String,
    client_user: String,
    client: Client,
}

async fn world(backend: Backend, credits: i64) -> World {
    world_with(backend, credits, Options::default()).await
}

async fn world_with(backend: Backend, credits: i64, options: Options) -> World {
    let app = spawn_app_with(backend, options).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Assessing Partners").await;
    let client = app.create_client(&reseller, "Hiring Co", credits).await;
    let (_, client_user) = app
        .client_user(&reseller, Some(&client.id), "hr@hiring.example")
        .await;
    World {
        app,
        reseller,
        client_user,
        client,
    }
}

/// (test id, its first norm group's id) of the catalogue's test of this category.
fn test_id(catalogue: &Page<TestSummary>, category: &str) -> (String, String) {
    let t = catalogue
        .data
        .iter()
        .find(|t| t.category == category)
        .unwrap();
    (t.id.clone(), t.norm_groups[0].id.clone())
}

impl World {
    async fn catalogue(&self) -> Page<TestSummary> {
        self.app.get("/tests", Some(&self.client_user)).await.json()
    }

    async fn project(&self, categories: &[&str], extra: Value) -> Project {
        let catalogue = self.catalogue().await;
        let tests: Vec<Value> = categories
            .iter()
            .map(|c| {
                let (t, n) = test_id(&catalogue, c);
                json!({ "test_id": t, "norm_group_id": n })
            })
            .collect();
        let mut input = json!({ "name": "Graduate intake", "description": "Our 2027 graduate programme.", "tests": tests, "support_name": "Pat Support", "support_email": "support@hiring.example", "report_email": "hr@hiring.example" });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        self.app
            .post("/projects", Some(&self.client_user), input)
            .await
            .expect(201)
    }

    async fn invite(&self, project: &Project, email: &str) -> Reply {
        self.app.post("/candidates", Some(&self.client_user), json!({ "project_id": project.id, "first_name": "Casey", "last_name": "Candidate", "email": email })).await
    }

    /// Invites a candidate, asserting success.
    async fn invited(&self, project: &Project, email: &str) -> Candidate {
        self.invite(project, email).await.expect(201)
    }

    /// The candidate's view of their invitation.
    async fn candidate_me(&self, token: &str) -> CandidateMe {
        self.app.get("/candidate/me", Some(token)).await.json()
    }

    /// The magic-link token mailed to `email`.
    fn magic_token(&self, email: &str) -> String {
        let mut conn = self.app.conn();
        let text: String = outbox::table
            .filter(outbox::to_address.eq(email))
            .filter(outbox::kind.eq("invitation"))
            .order(outbox::id.desc())
            .select(outbox::text_body)
            .first(&mut *conn)
            .unwrap();
        let text = crate::outbox::open(&mut conn, &text);
        let start = text.find("/test?token=").unwrap() + "/test?token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    async fn candidate_token(&self, email: &str) -> String {
        self.app
            .post(
                "/candidate/sessions",
                None,
                json!({ "invitation_token": self.magic_token(email) }),
            )
            .await
            .expect::<CandidateSession>(200)
            .access_token
    }

    fn balance(&self) -> i64 {
        use credence_api::db::schema::clients;
        let mut conn = self.app.conn();
        clients::table
            .find(&self.client.id)
            .select(clients::credit_balance)
            .first(&mut *conn)
            .unwrap()
    }
}

/// (question id, correct option id, a wrong option id) for each question of a test, in order.
fn keys(app: &TestApp, test_id: &str) -> Vec<(String, Option<String>, String)> {
    let mut conn = app.conn();
    let qs: Vec<(String, Option<String>)> = questions::table
        .filter(questions::test_id.eq(test_id))
        .order(questions::position.asc())
        .select((questions::id, questions::correct_option_id))
        .load(&mut *conn)
        .unwrap();
    qs.into_iter()
        .map(|(q, correct)| {
            let wrong: String = question_options::table
                .filter(question_options::question_id.eq(&q))
                .filter(question_options::id.ne(correct.clone().unwrap_or_default()))
                .order(question_options::position.asc())
                .select(question_options::id)
                .first(&mut *conn)
                .unwrap();
            (q, correct, wrong)
        })
        .collect()
}

async fn the_catalogue_lists_every_test_with_norm_groups(backend: Backend) {
    let w = world(backend, 0).await;
    let reply = w.app.get("/tests", Some(&w.client_user)).await;
    let catalogue: Page<TestSummary> = reply.json();
    let by = |c: &str| catalogue.data.iter().find(|t| t.category == c).unwrap();
    assert!(by("numerical").question_count >= 12);
    assert!(by("verbal").question_count >= 12);
    assert!(by("inductive").question_count >= 10);
    assert!(by("personality").question_count >= 30);
    assert!(!by("personality").timed);
    for t in &catalogue.data {
        assert!(t.norm_groups.len() >= 2);
        assert!(t.credit_cost >= 1);
        if t.kind.as_str() == "aptitude" {
            assert!(t.timed && t.duration_seconds.unwrap() > 0);
        }
    }
    assert!(
        !reply.text().contains("correct"),
        "correct answers never leave the server"
    );
    assert_eq!(w.app.get("/tests", Some(&w.reseller)).await.status, 200);
}

async fn projects_are_validated_scoped_and_keyed(backend: Backend) {
    let w = world(backend, 0).await;
    let catalogue = w.catalogue().await;
    let (num, num_norm) = test_id(&catalogue, "numerical");
    let (verbal, _) = test_id(&catalogue, "verbal");
    let bad = w.app.post("/projects", Some(&w.client_user), json!({ "tests": [{ "test_id": verbal, "norm_group_id": num_norm }, { "test_id": "nope", "norm_group_id": num_norm }], "expires_at": "2001-01-01T00:00:00Z", "support_email": "not-an-email" })).await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        [
            "name",
            "tests[0].norm_group_id",
            "tests[1].test_id",
            "expires_at",
            "support_email"
        ]
    );
    let empty = w
        .app
        .post(
            "/projects",
            Some(&w.client_user),
            json!({ "name": "X", "tests": [] }),
        )
        .await;
    assert_eq!(empty.error_fields(), ["tests"]);
    let no_client = w
        .app
        .post(
            "/projects",
            Some(&w.reseller),
            json!({ "name": "X", "tests": [{ "test_id": num, "norm_group_id": num_norm }] }),
        )
        .await;
    assert_eq!(no_client.error_fields(), ["client_id"]);
    let by_reseller = w.app.post("/projects", Some(&w.reseller), json!({ "client_id": w.client.id, "name": "Set up by the reseller", "tests": [{ "test_id": num, "norm_group_id": num_norm }] })).await;
    assert_eq!(by_reseller.expect::<Project>(201).client_name, "Hiring Co");

    let p = w
        .project(
            &["numerical", "personality"],
            json!({ "access_key_enabled": true }),
        )
        .await;
    assert_eq!(p.credit_cost, 2);
    assert_eq!(p.tests.len(), 2);
    let key = p.access_key.clone().unwrap();
    assert_eq!(
        p.self_registration_url,
        Some(format!("http://credence.test/test/register?key={key}"))
    );
    let id = p.id.as_str();
    let regenerated: Project = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "regenerate_access_key": true }),
        )
        .await
        .json();
    assert_ne!(regenerated.access_key, Some(key));
    let disabled: Project = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "access_key_enabled": false }),
        )
        .await
        .json();
    assert!(disabled.access_key.is_none() && disabled.self_registration_url.is_none());
    let expiring = w
        .app
        .patch(
            &format!("/projects/{id}"),
            Some(&w.client_user),
            json!({ "expires_at": "2031-06-30T17:00:00Z", "name": "Graduate intake 2027" }),
        )
        .await;
    // The wire format of the time, not only its value.
    assert_eq!(expiring.body["expires_at"], "2031-06-30T17:00:00Z");
    let expiring: Project = expiring.json();
    assert_eq!(
        expiring.expires_at,
        Some("2031-06-30T17:00:00Z".parse().unwrap())
    );
    assert!(!expiring.locked);
    let projects = |token: String| {
        let app = &w.app;
        async move {
            app.get("/projects", Some(&token))
                .await
                .json::<Page<Project>>()
                .data
        }
    };
    assert_eq!(projects(w.client_user.clone()).await.len(), 2);
    assert_eq!(projects(w.reseller.clone()).await.len(), 2);
    // Another client of the same reseller cannot see it.
    let other = w.app.create_client(&w.reseller, "Other Co", 0).await;
    let (_, outsider) = w
        .app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    w.app
        .get(&format!("/projects/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    w.app
        .patch(
            &format!("/projects/{id}"),
            Some(&outsider),
            json!({ "name": "x" }),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(projects(outsider.clone()).await.len(), 0);
}

async fn inviting_charges_credits_or_refuses_with_402(backend: Backend) {
    let w = world(backend, 3).await;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    let invited = w.invited(&p, "first@cand.example").await;
    assert_eq!(invited.status.as_str(), "invited");
    assert_eq!(invited.invitations[0].credits_charged, 2);
    assert_eq!(invited.invitations[0].assessments.len(), 2);
    assert_eq!(w.balance(), 1);
    let short = w.invite(&p, "second@cand.example").await;
    short.assert_problem(402, "insufficient_credits");
    assert_eq!(w.balance(), 1, "nothing charged");
    let candidates: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    assert_eq!(candidates.data.len(), 1, "nothing created");
    let client_id = &w.client.id;
    assert_eq!(w.app.ledger_sum(&w.client_user, client_id).await, 1);
    w.invite(&p, "first@cand.example")
        .await
        .assert_problem(409, "already_invited");
    // The invitation email: magic link, project, Reply-To the support contact.
    let mut conn = w.app.conn();
    let (text, reply_to): (String, Option<String>) = outbox::table
        .filter(outbox::to_address.eq("first@cand.example"))
        .select((outbox::text_body, outbox::reply_to))
        .first(&mut *conn)
        .unwrap();
    let text = crate::outbox::open(&mut conn, &text);
    assert!(
        text.contains("http://credence.test/test?token=")
            && text.contains("Graduate intake")
            && text.contains("Pat Support")
    );
    assert_eq!(reply_to.as_deref(), Some("support@hiring.example"));
    drop(conn);
    let bad = w
        .app
        .post(
            "/candidates",
            Some(&w.client_user),
            json!({ "project_id": p.id, "email": "x", "extra_time_percent": 150 }),
        )
        .await;
    assert_eq!(
        bad.error_fields(),
        ["first_name", "last_name", "email", "extra_time_percent"]
    );
    let foreign = w.app.post("/candidates", Some(&w.client_user), json!({ "project_id": "01900000-0000-7000-8000-000000000000", "first_name": "A", "last_name": "B", "email": "a@b.example" })).await;
    assert_eq!(foreign.error_fields(), ["project_id"]);
}

async fn parallel_invites_never_overdraw(backend: Backend) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    let emails: Vec<String> = (0..50).map(|i| format!("c{i}@rush.example")).collect();
    let replies = futures_util::future::join_all(emails.iter().map(|e| w.invite(&p, e))).await;
    let ok = replies.iter().filter(|r| r.status == 201).count();
    let refused = replies
        .iter()
        .filter(|r| r.status == 402 && r.problem().code == "insufficient_credits")
        .count();
    assert_eq!(
        (ok, refused),
        (20, 30),
        "{:?}",
        replies
            .iter()
            .map(|r| r.status.as_u16())
            .collect::<Vec<_>>()
    );
    assert_eq!(w.balance(), 0);
    assert_eq!(w.app.ledger_sum(&w.client_user, &w.client.id).await, 0);
}

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

async fn cancelling_and_expiry_refund_unstarted_tests(backend: Backend) {
    let w = world_with(
        backend,
        10,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    let one = w.invited(&p, "one@cand.example").await;
    let two = w.invited(&p, "two@cand.example").await;
    assert_eq!(w.balance(), 6);
    // One starts a test, then is cancelled: only the unstarted test comes back.
    let token = w.candidate_token("one@cand.example").await;
    let me = w.candidate_me(&token).await;
    w.app
        .post(
            &format!("/candidate/assessments/{}/start", me.assessments[0].id),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    let inv_one = one.invitations[0].id.as_str();
    let cancelled: Invitation = w
        .app
        .post(
            &format!("/invitations/{inv_one}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(cancelled.status.as_str(), "cancelled");
    assert_eq!(w.balance(), 7);
    w.app
        .post(
            &format!("/invitations/{inv_one}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_problem(409, "invitation_closed");
    w.app
        .get("/candidate/me", Some(&token))
        .await
        .assert_problem(403, "assessment_unavailable");
    // The other expires untouched: both tests come back, once.
    let inv_two = two.invitations[0].id.clone();
    {
        let mut conn = w.app.conn();
        diesel::update(invitations::table.find(&inv_two))
            .set(
                invitations::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(&mut *conn)
            .unwrap();
    }
    wait_until(
        "the job expires the invitation",
        std::time::Duration::from_secs(3),
        || async {
            let mut conn = w.app.conn();
            let status: String = invitations::table
                .find(&inv_two)
                .select(invitations::status)
                .first(&mut *conn)
                .unwrap();
            (status == "expired").then_some(())
        },
    )
    .await;
    assert_eq!(w.balance(), 9);
    let ledger = w.app.ledger(&w.client_user, &w.client.id).await;
    let refunds: Vec<i64> = ledger
        .iter()
        .filter(|e| e.kind.as_str() == "refund")
        .map(|e| e.delta)
        .collect();
    assert_eq!(refunds, [2, 1]);
    assert_eq!(w.app.ledger_sum(&w.client_user, &w.client.id).await, 9);
}

async fn locked_projects_and_suspended_clients_close_the_test_area(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w.project(&["numerical"], json!({})).await;
    w.invited(&p, "early@cand.example").await;
    let token = w.candidate_token("early@cand.example").await;
    let pid = p.id.as_str();
    w.app
        .patch(
            &format!("/projects/{pid}"),
            Some(&w.client_user),
            json!({ "active": false }),
        )
        .await;
    w.invite(&p, "late@cand.example")
        .await
        .assert_problem(409, "project_locked");
    let me = w.app.get("/candidate/me", Some(&token)).await;
    me.assert_problem(403, "assessment_unavailable");
    w.app
        .patch(
            &format!("/projects/{pid}"),
            Some(&w.client_user),
            json!({ "active": true }),
        )
        .await;
    assert_eq!(w.app.get("/candidate/me", Some(&token)).await.status, 200);
    w.app
        .patch(
            &format!("/clients/{}", &w.client.id),
            Some(&w.reseller),
            json!({ "status": "suspended" }),
        )
        .await;
    w.app
        .get("/candidate/me", Some(&token))
        .await
        .assert_problem(403, "assessment_unavailable");
}

async fn register(w: &World, key: &str, first: &str, last: &str, email: &str) -> Reply {
    w.app
        .post(
            "/candidate/sessions",
            None,
            json!({ "access_key": key, "first_name": first, "last_name": last, "email": email }),
        )
        .await
}

async fn self_registration_with_an_access_key(backend: Backend) {
    let w = world(backend, 4).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.as_deref().unwrap();
    let missing = w
        .app
        .post("/candidate/sessions", None, json!({ "access_key": key }))
        .await;
    assert_eq!(missing.error_fields(), ["first_name", "last_name", "email"]);
    let wrong = register(&w, "WRNG-KEYS-XXXX", "S", "R", "s@r.example").await;
    assert_eq!(wrong.error_fields(), ["access_key"]);
    let registered = register(&w, &key.to_lowercase(), "Sam", "Self", "sam@self.example").await;
    let accepted: RegistrationAccepted = registered.expect(202);
    assert_eq!(accepted.status, "check_email");
    assert!(!registered.text().contains("access_token"));
    assert_eq!(
        w.balance(),
        3,
        "self-registration charges like an invitation"
    );
    // The link is in the candidate's inbox, and opens their assessment.
    assert_eq!(w.app.outbox_count("sam@self.example", "invitation"), 1);
    let token = w.candidate_token("sam@self.example").await;
    let me = w.candidate_me(&token).await;
    assert_eq!(me.candidate.email, "sam@self.example");
    // Registering again with the same email gets the same answer, no session, no charge, and
    // (within the cool-down) no second mail.
    let again = register(&w, key, "Sam", "Self", "sam@self.example").await;
    assert_eq!(again.status.as_u16(), 202);
    assert_eq!(again.text(), registered.text());
    assert_eq!(w.app.outbox_count("sam@self.example", "invitation"), 1);
    assert_eq!(w.balance(), 3);
    w.app
        .patch(
            &format!("/projects/{}", p.id),
            Some(&w.client_user),
            json!({ "access_key_enabled": false }),
        )
        .await;
    let closed = register(&w, key, "N", "O", "no@self.example").await;
    assert_eq!(closed.error_fields(), ["access_key"]);
}

/// Knowing a candidate's email opens nothing and tells nothing: the registrant gets exactly the
/// answer a new email gets, and the candidate gets their own link (their name unchanged).
async fn registering_a_known_email_opens_nothing_and_tells_nothing(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.as_deref().unwrap();
    assert_eq!(key.len(), 14, "12 random characters: {key}");
    w.invited(&p, "known@cand.example").await;
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 1);
    let balance = w.balance();
    let new = register(&w, key, "New", "Person", "new@cand.example").await;
    let known = register(&w, key, "Mallory", "Attacker", "known@cand.example").await;
    assert_eq!((new.status.as_u16(), known.status.as_u16()), (202, 202));
    assert_eq!(new.text(), known.text(), "the same body for a known email");
    assert_eq!(new.header("content-type"), known.header("content-type"));
    // The known person was mailed their own (fresh) link; nobody else got a session.
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 2);
    assert_eq!(w.balance(), balance - 1, "only the new person was charged");
    let token = w.candidate_token("known@cand.example").await;
    let me = w.candidate_me(&token).await;
    assert_eq!(
        (
            me.candidate.first_name.as_str(),
            me.candidate.last_name.as_str()
        ),
        ("Casey", "Candidate"),
        "the registrant's name never replaces the candidate's"
    );
    // A repeat within the cool-down mails nobody again.
    register(&w, key, "Mallory", "Attacker", "known@cand.example")
        .await
        .assert_status(202);
    assert_eq!(w.app.outbox_count("known@cand.example", "invitation"), 2);
}

/// 30 attempts per IP per 10 minutes, counted in the database: a second process on the same
/// database refuses the 31st too, and a right key does not help once the budget is spent.
async fn self_registration_is_throttled_across_processes(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.clone().unwrap();
    for n in 0..30 {
        let guess = register(
            &w,
            &format!("GUES-SNUM-{n:04}"),
            "G",
            "Uess",
            "g@uess.example",
        )
        .await;
        assert_eq!(guess.error_fields(), ["access_key"], "attempt {n}");
    }
    let refused = register(&w, &key, "Real", "Person", "real@cand.example").await;
    refused.assert_problem(429, "rate_limited");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let second = spawn_app_with(
        w.app.backend,
        Options {
            database_url: Some(w.app.database_url.clone()),
            ..Options::default()
        },
    )
    .await;
    second
        .post(
            "/candidate/sessions",
            None,
            json!({ "access_key": key, "first_name": "Real", "last_name": "Person", "email": "real@cand.example" }),
        )
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(w.app.outbox_count("real@cand.example", "invitation"), 0);
}

/// The client sets a daily cap per project; when it is reached every registration (a known
/// email too) is a clear 429 with `Retry-After`.
async fn the_daily_self_registration_cap_is_the_clients(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    assert_eq!(p.self_registration_daily_cap, 50, "a sensible default");
    let key = p.access_key.clone().unwrap();
    let path = format!("/projects/{}", p.id);
    let bad = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": -1 }),
        )
        .await;
    assert_eq!(bad.error_fields(), ["self_registration_daily_cap"]);
    let capped: Project = w
        .app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": 2 }),
        )
        .await
        .expect(200);
    assert_eq!(capped.self_registration_daily_cap, 2);
    register(&w, &key, "One", "Person", "one@cand.example")
        .await
        .assert_status(202);
    register(&w, &key, "Two", "Person", "two@cand.example")
        .await
        .assert_status(202);
    let third = register(&w, &key, "Three", "Person", "three@cand.example").await;
    let problem = third.assert_problem(429, "self_registration_cap_reached");
    assert!(problem.detail.unwrap_or_default().contains("today"));
    let retry: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&retry), "{retry}");
    register(&w, &key, "One", "Person", "one@cand.example")
        .await
        .assert_problem(429, "self_registration_cap_reached");
    assert_eq!(w.app.outbox_count("three@cand.example", "invitation"), 0);
    assert_eq!(w.balance(), 8, "two registrations charged");
    // Raising the cap lets the next one in.
    w.app
        .patch(
            &path,
            Some(&w.client_user),
            json!({ "self_registration_daily_cap": 3 }),
        )
        .await
        .assert_status(200);
    register(&w, &key, "Three", "Person", "three@cand.example")
        .await
        .assert_status(202);
}

/// Names go into mail: no web addresses in them.
async fn self_registration_refuses_urls_in_names(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "access_key_enabled": true }))
        .await;
    let key = p.access_key.clone().unwrap();
    for (first, last, fields) in [
        ("Visit http", "Smith", vec!["first_name"]),
        ("Ann", "www.cheap-pills.example", vec!["last_name"]),
        ("evil://x", "HTTPS Link", vec!["first_name", "last_name"]),
    ] {
        let refused = register(&w, &key, first, last, "spam@cand.example").await;
        assert_eq!(refused.error_fields(), fields, "{first} {last}");
        assert_eq!(refused.problem().errors[0].code, "name_contains_url");
    }
    assert_eq!(w.app.outbox_count("spam@cand.example", "invitation"), 0);
    register(&w, &key, "Anne-Marie", "O'Neil", "spam@cand.example")
        .await
        .assert_status(202);
}

async fn candidates_reach_only_their_own_assessments(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w.project(&["numerical"], json!({})).await;
    w.invited(&p, "a@cand.example").await;
    w.invited(&p, "b@cand.example").await;
    let a = w.candidate_token("a@cand.example").await;
    let b = w.candidate_token("b@cand.example").await;
    let b_assessment = w.candidate_me(&b).await.assessments[0].id.clone();
    w.app
        .post(
            &format!("/candidate/assessments/{b_assessment}/start"),
            Some(&a),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    w.app
        .put(
            &format!("/candidate/assessments/{b_assessment}/answers"),
            Some(&a),
            json!({ "answers": [] }),
        )
        .await
        .assert_problem(404, "not_found");
    w.app
        .post(
            &format!("/candidate/assessments/{b_assessment}/submit"),
            Some(&a),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    // Candidate tokens open nothing else, and staff tokens are not candidate tokens.
    assert_eq!(w.app.get("/me", Some(&a)).await.status, 401);
    assert_eq!(w.app.get("/projects", Some(&a)).await.status, 401);
    w.app
        .get("/candidate/me", Some(&w.client_user))
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get("/candidate/me", None)
        .await
        .assert_problem(401, "missing_token");
}

async fn resellers_see_status_but_not_scores(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w.project(&["numerical"], json!({})).await;
    w.invited(&p, "scored@cand.example").await;
    let token = w.candidate_token("scored@cand.example").await;
    let aid = w.candidate_me(&token).await.assessments[0].id.clone();
    w.app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    w.app
        .post(
            &format!("/candidate/assessments/{aid}/submit"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    let projects: Page<Project> = w
        .app
        .get(
            &format!("/projects?client_id={}", &w.client.id),
            Some(&w.reseller),
        )
        .await
        .json();
    assert_eq!(projects.data[0].client_name, "Hiring Co");
    assert_eq!(projects.data[0].completed_count, 1);
    let candidates = w.app.get("/candidates", Some(&w.reseller)).await;
    let candidates: Page<Candidate> = candidates.json();
    let c = &candidates.data[0];
    assert_eq!(c.client_name, "Hiring Co");
    assert_eq!(c.status.as_str(), "submitted");
    assert_eq!(
        c.invitations[0].assessments[0].scores, None,
        "the client is the data controller"
    );
    let results: Page<ProjectResult> = w
        .app
        .get(&format!("/projects/{}/results", p.id), Some(&w.reseller))
        .await
        .json();
    assert_eq!(results.data[0].assessments[0].scores, None);
    let theirs: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    assert!(theirs.data[0].invitations[0].assessments[0]
        .scores
        .is_some());
    // Another reseller sees none of it.
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    let seen: Page<Candidate> = w.app.get("/candidates", Some(&other)).await.json();
    assert_eq!(seen.data.len(), 0);
    w.app
        .get(&format!("/candidates/{}", c.id), Some(&other))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get(&format!("/projects/{}/results", p.id), Some(&other))
        .await
        .assert_problem(404, "not_found");
    w.app
        .post(
            &format!("/invitations/{}/cancel", c.invitations[0].id),
            Some(&other),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
}

async fn csv_import_checks_credits_for_the_whole_batch(backend: Backend) {
    let w = world(backend, 2).await;
    let p = w.project(&["numerical"], json!({})).await;
    let template = w
        .app
        .get("/candidates/import-template.csv", Some(&w.client_user))
        .await;
    assert!(String::from_utf8(template.bytes)
        .unwrap()
        .starts_with("first_name,last_name,email,phone,extra_time_percent\r\n"));
    let path = format!("/projects/{}/candidates/import", p.id);
    let csv = "first_name,last_name,email,phone,extra_time_percent\nAna,One,ana@imp.example,,\nBen,Two,ben@imp.example,,25\n,Three,bad-email,,200\nCleo,Four,cleo@imp.example,,\n";
    let import = |body: &'static str| {
        w.app.send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .header("content-type", "text/csv")
                .body(body),
        )
    };
    import(csv)
        .await
        .assert_problem(402, "insufficient_credits");
    assert_eq!(w.balance(), 2, "nothing charged");
    let candidates: Page<Candidate> = w.app.get("/candidates", Some(&w.client_user)).await.json();
    assert_eq!(candidates.data.len(), 0);
    let smaller = "first_name,last_name,email,extra_time_percent\nAna,One,ana@imp.example,\n,Three,bad-email,200\nBen,Two,ben@imp.example,25\nBen,Again,ben@imp.example,\n";
    let report: ImportReport = import(smaller).await.expect(200);
    assert_eq!(report.invited, 2);
    assert_eq!(report.rejected, 2);
    let rows = &report.rows;
    assert_eq!(rows[1].line, 3);
    let fields: Vec<_> = rows[1].errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["first_name", "email", "extra_time_percent"]);
    assert_eq!(rows[3].errors[0].code, "duplicate_row");
    assert_eq!(w.balance(), 0);
    let ben: Page<Candidate> = w
        .app
        .get("/candidates?q=ben", Some(&w.client_user))
        .await
        .json();
    assert_eq!(ben.data[0].extra_time_percent, 25);
    let wrong_type = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .json(&json!({})),
        )
        .await;
    wrong_type.assert_problem(415, "unsupported_media_type");
    let no_header = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, &path, Some(&w.client_user))
                .header("content-type", "text/csv")
                .body("a,b\n"),
        )
        .await;
    no_header.assert_problem(422, "validation_failed");
}

async fn the_ledger_says_what_each_line_was_for(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(&["numerical"], json!({ "name": "Graduate Scheme 2027" }))
        .await;
    let invited: Candidate = w.app.post("/candidates", Some(&w.client_user), json!({ "project_id": p.id, "first_name": "Jane", "last_name": "Doe", "email": "jane@cand.example" })).await.expect(201);
    let candidate_id = Some(invited.id.clone());
    let invitation = &invited.invitations[0].id;
    w.app
        .post(
            &format!("/invitations/{invitation}/cancel"),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_status(200);
    let order: CreditOrder = w.app.post("/credit-orders", Some(&w.reseller), json!({ "client_code": w.client.code, "credits": 5, "note": "Internal: sold at 9 GBP", "po_reference": "PO-4711" })).await.expect(201);
    let path = format!("/clients/{}/ledger", &w.client.id);
    let line = |ledger: &Page<LedgerEntry>, kind: &str| -> LedgerEntry {
        ledger
            .data
            .iter()
            .find(|e| e.kind.as_str() == kind)
            .unwrap_or_else(|| panic!("no {kind} line in {ledger:?}"))
            .clone()
    };

    // The reseller: every line in words, linked to the candidate or the order's invoice.
    let ledger: Page<LedgerEntry> = w.app.get(&path, Some(&w.reseller)).await.expect(200);
    let charge = line(&ledger, "invite_charge");
    assert_eq!(
        charge.description,
        "Invitation: Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(charge.reference_kind, Some(LedgerReferenceKind::Candidate));
    assert_eq!(charge.reference_id, candidate_id);
    let refund = line(&ledger, "refund");
    assert_eq!(
        refund.description,
        "Refund: cancelled invitation of Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(refund.reference_kind, Some(LedgerReferenceKind::Candidate));
    assert_eq!(refund.reference_id, candidate_id);
    let ordered = line(&ledger, "order");
    assert_eq!(ordered.description, "Credit order: 5 credits (PO PO-4711)");
    assert_eq!(ordered.reference_kind, Some(LedgerReferenceKind::Invoice));
    assert_eq!(ordered.reference_id, Some(order.invoice_id.clone()));
    assert_eq!(ordered.reason.as_deref(), Some("Internal: sold at 9 GBP"));
    let initial = line(&ledger, "initial");
    assert_eq!(initial.description, "Initial credits: 10 credits");

    // The client user: the same words for its own invitations, but never the reseller's note,
    // PO reference, invoice or prices.
    let reply = w.app.get(&path, Some(&w.client_user)).await;
    let ledger: Page<LedgerEntry> = reply.expect(200);
    let charge = line(&ledger, "invite_charge");
    assert_eq!(
        charge.description,
        "Invitation: Jane Doe — Graduate Scheme 2027"
    );
    assert_eq!(charge.reference_kind, Some(LedgerReferenceKind::Candidate));
    let ordered = line(&ledger, "order");
    assert_eq!(ordered.description, "Credit order: 5 credits");
    assert_eq!(ordered.reason, None, "{ordered:?}");
    assert_eq!(ordered.reference_kind, None, "{ordered:?}");
    assert_eq!(ordered.reference_id, None, "{ordered:?}");
    let text = reply.text();
    for secret in ["Internal", "PO-4711", "amount", "price", "discount"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

async fn invitation_emails_keep_the_descriptions_line_breaks(backend: Backend) {
    let w = world(backend, 10).await;
    let p = w
        .project(
            &["numerical"],
            json!({ "description": "Two tests.\r\nAllow <40> minutes." }),
        )
        .await;
    assert_eq!(
        p.description.as_deref(),
        Some("Two tests.\nAllow <40> minutes.")
    );
    w.invited(&p, "lines@cand.example").await;
    let mut conn = w.app.conn();
    let (text, html): (String, String) = outbox::table
        .filter(outbox::to_address.eq("lines@cand.example"))
        .select((outbox::text_body, outbox::html_body))
        .first(&mut *conn)
        .unwrap();
    let (text, html) = (
        crate::outbox::open(&mut conn, &text),
        crate::outbox::open(&mut conn, &html),
    );
    assert!(text.contains("Two tests.\nAllow <40> minutes."), "{text}");
    assert!(
        html.contains("Two tests.<br>Allow &lt;40&gt; minutes."),
        "{html}"
    );
}

/// Every candidate endpoint answers a cancelled or expired invitation, or a deactivated
/// candidate, with the same 403 `assessment_unavailable`; nothing is saved or submitted.
async fn closed_invitations_and_inactive_candidates_close_every_candidate_endpoint(
    backend: Backend,
) {
    let w = world(backend, 10).await;
    let p = w.project(&["numerical"], json!({})).await;
    let mut people = Vec::new();
    for email in [
        "cancelled@cand.example",
        "inactive@cand.example",
        "expired@cand.example",
    ] {
        let candidate = w.invited(&p, email).await;
        let token = w.candidate_token(email).await;
        let me = w.candidate_me(&token).await;
        let aid = me.assessments[0].id.clone();
        w.app
            .post(
                &format!("/candidate/assessments/{aid}/start"),
                Some(&token),
                json!({}),
            )
            .await
            .assert_status(200);
        let key = keys(&w.app, &me.assessments[0].test.id);
        let answer = json!({ "answers": [{ "question_id": key[0].0, "option_id": key[0].2 }] });
        w.app
            .put(
                &format!("/candidate/assessments/{aid}/answers"),
                Some(&token),
                answer.clone(),
            )
            .await
            .assert_status(204);
        people.push((candidate, token, aid, answer));
    }
    // Closed three ways: cancelled, candidate deactivated, invitation past its date.
    let (cancelled, inactive, expired) = (&people[0], &people[1], &people[2]);
    w.app
        .post(
            &format!("/invitations/{}/cancel", cancelled.0.invitations[0].id),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_status(200);
    w.app
        .patch(
            &format!("/candidates/{}", inactive.0.id),
            Some(&w.client_user),
            json!({ "active": false }),
        )
        .await
        .assert_status(200);
    {
        let mut conn = w.app.conn();
        diesel::update(invitations::table.find(&expired.0.invitations[0].id))
            .set(
                invitations::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(&mut *conn)
            .unwrap();
    }
    for (_, token, aid, answer) in &people {
        w.app
            .get("/candidate/me", Some(token))
            .await
            .assert_problem(403, "assessment_unavailable");
        w.app
            .post(
                &format!("/candidate/assessments/{aid}/start"),
                Some(token),
                json!({}),
            )
            .await
            .assert_problem(403, "assessment_unavailable");
        w.app
            .put(
                &format!("/candidate/assessments/{aid}/answers"),
                Some(token),
                answer.clone(),
            )
            .await
            .assert_problem(403, "assessment_unavailable");
        w.app
            .post(
                &format!("/candidate/assessments/{aid}/submit"),
                Some(token),
                json!({}),
            )
            .await
            .assert_problem(403, "assessment_unavailable");
    }
    // Nothing was submitted, so nothing completed (no webhook, no report).
    {
        let mut conn = w.app.conn();
        let submitted: i64 = assessments::table
            .filter(assessments::status.eq("submitted"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(submitted, 0);
        let reports: i64 = outbox::table
            .filter(outbox::kind.eq("report_summary"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(reports, 0);
    }
    // Reactivated, the candidate carries on where they were.
    w.app
        .patch(
            &format!("/candidates/{}", inactive.0.id),
            Some(&w.client_user),
            json!({ "active": true }),
        )
        .await
        .assert_status(200);
    w.app
        .put(
            &format!("/candidate/assessments/{}/answers", inactive.2),
            Some(&inactive.1),
            inactive.3.clone(),
        )
        .await
        .assert_status(204);
}

/// Reports carry scores: "email reports to" takes only the email of one of the client's own
/// users, never the reseller's or another client's.
async fn reports_go_only_to_the_clients_own_users(backend: Backend) {
    let w = world(backend, 10).await;
    let other = w.app.create_client(&w.reseller, "Other Co", 0).await;
    w.app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    let catalogue = w.catalogue().await;
    let (t, n) = test_id(&catalogue, "numerical");
    for (who, to) in [
        (&w.client_user, "staff@assessing-partners.example"),
        (&w.reseller, "staff@assessing-partners.example"),
        (&w.client_user, "hr@other.example"),
        (&w.client_user, "someone@elsewhere.example"),
    ] {
        let reply = w
            .app
            .post(
                "/projects",
                Some(who),
                json!({ "client_id": w.client.id, "name": "Leaky", "tests": [{ "test_id": t, "norm_group_id": n }], "report_email": to }),
            )
            .await;
        reply.assert_problem(422, "validation_failed");
        let problem = reply.problem();
        assert_eq!(problem.errors.len(), 1, "{}", reply.text());
        assert_eq!(problem.errors[0].field, "report_email");
        assert_eq!(problem.errors[0].code, "not_a_client_user");
    }
    // The reseller may name the client's user; the client user too (any case).
    let p: Project = w
        .app
        .post(
            "/projects",
            Some(&w.reseller),
            json!({ "client_id": w.client.id, "name": "Fine", "tests": [{ "test_id": t, "norm_group_id": n }], "report_email": "HR@hiring.example" }),
        )
        .await
        .expect(201);
    assert_eq!(p.report_email.as_deref(), Some("hr@hiring.example"));
    w.app
        .patch(
            &format!("/projects/{}", p.id),
            Some(&w.reseller),
            json!({ "report_email": "staff@assessing-partners.example" }),
        )
        .await
        .assert_problem(422, "validation_failed");
    // Clearing it is always fine.
    let cleared: Project = w
        .app
        .patch(
            &format!("/projects/{}", p.id),
            Some(&w.client_user),
            json!({ "report_email": "" }),
        )
        .await
        .expect(200);
    assert_eq!(cleared.report_email, None);
}
