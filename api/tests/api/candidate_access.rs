//! Who reaches what: locked projects, suspended clients, closed invitations and inactive
//! candidates; candidates' own assessments only; resellers see status not scores; reports go
//! only to the client's own users.

use credence_api::db::schema::{assessments, invitations, outbox};
use credence_shared::assess::{Candidate, Project, ProjectResult};
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{keys, test_id, world};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    locked_projects_and_suspended_clients_close_the_test_area,
    candidates_reach_only_their_own_assessments,
    resellers_see_status_but_not_scores,
    closed_invitations_and_inactive_candidates_close_every_candidate_endpoint,
    reports_go_only_to_the_clients_own_users,
);

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
        w.app
            .post("/candidate/consent", Some(token), json!({}))
            .await
            .assert_problem(403, "assessment_unavailable");
        w.app
            .get("/candidate/privacy-notice", Some(token))
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
