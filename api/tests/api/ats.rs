//! ATS connectors: Greenhouse and Workable drive their endpoints with the request bodies they
//! send (fixtures/ats/), a local receiver stands in for the ATS's callback URL, and the
//! connector's client is the tenant: credits charged once per application, another client's
//! project 404, a disabled connector 401, bad input 422.

use base64::Engine;
use credence_api::db::schema::{ats_callbacks, audit_events, invitations};
use credence_shared::assess::{CandidateMe, Project};
use credence_shared::ats::{
    AtsConnector, GreenhouseSendTestResponse, GreenhouseTest, GreenhouseTestStatus,
    WorkableAssessmentCreated, WorkableAssessmentResult, WorkableTests,
};
use credence_shared::{AtsKind, Page};
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::app::Backend;
use crate::assessments_world::{keys, world, World};
use crate::both_backends;
use crate::hooks::{receiver, Answer};
use crate::reply::Reply;
use crate::wait::wait_until;

both_backends!(
    greenhouse_lists_sends_once_reports_and_patches_the_result,
    workable_creates_once_and_puts_the_result_with_its_token,
    connectors_answer_only_for_their_client,
    only_client_users_manage_connectors,
    a_connector_created_with_an_idempotency_key_is_created_once,
);

/// A recorded request body with its `{{name}}` placeholders filled in.
fn recorded(text: &str, values: &[(&str, &str)]) -> Value {
    let mut text = text.to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    serde_json::from_str(&text).expect("a fixture is JSON")
}

const GREENHOUSE_SEND: &str = include_str!("fixtures/ats/greenhouse_send_test.json");
const GREENHOUSE_SEND_APPLICATION: &str =
    include_str!("fixtures/ats/greenhouse_send_test_application.json");
const WORKABLE_CREATE: &str = include_str!("fixtures/ats/workable_create_assessment.json");

async fn connect(w: &World, kind: &str, extra: Value) -> AtsConnector {
    let mut body = json!({ "kind": kind });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    w.app
        .post("/ats-connectors", Some(&w.client_user), body)
        .await
        .expect(201)
}

/// A request as Greenhouse makes it: HTTP Basic, the credential as the username.
async fn greenhouse(
    w: &World,
    method: Method,
    path: &str,
    credential: &str,
    body: Option<Value>,
) -> Reply {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{credential}:"));
    let mut request = w
        .app
        .client
        .request(method, w.app.url(&format!("/ats/greenhouse/{path}")))
        .header("authorization", format!("Basic {basic}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    w.app.send(request).await
}

/// A request as Workable makes it: Bearer, the credential.
async fn workable(
    w: &World,
    method: Method,
    path: &str,
    credential: &str,
    body: Option<Value>,
) -> Reply {
    let mut request = w
        .app
        .client
        .request(method, w.app.url(&format!("/ats/workable/{path}")))
        .bearer_auth(credential);
    if let Some(body) = body {
        request = request.json(&body);
    }
    w.app.send(request).await
}

fn invitations_of_project(w: &World, project_id: &str) -> i64 {
    let mut conn = w.app.conn();
    invitations::table
        .filter(invitations::project_id.eq(project_id))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// (status, attempts, response status) of every callback, oldest first.
fn callbacks(w: &World) -> Vec<(String, i32, Option<i32>)> {
    let mut conn = w.app.conn();
    ats_callbacks::table
        .order(ats_callbacks::id.asc())
        .select((
            ats_callbacks::status,
            ats_callbacks::attempts,
            ats_callbacks::response_status,
        ))
        .load(&mut *conn)
        .unwrap()
}

/// The candidate signs in with their invitation link, answers every question and submits
/// each test.
async fn complete(w: &World, email: &str) {
    let token = w.candidate_token(email).await;
    let me: CandidateMe = w.candidate_me(&token).await;
    for a in &me.assessments {
        w.app
            .post(
                &format!("/candidate/assessments/{}/start", a.id),
                Some(&token),
                json!({}),
            )
            .await
            .assert_status(200);
        let answers: Vec<Value> = keys(&w.app, &a.test.id)
            .into_iter()
            .map(|(q, correct, _)| json!({ "question_id": q, "option_id": correct.unwrap() }))
            .collect();
        w.app
            .put(
                &format!("/candidate/assessments/{}/answers", a.id),
                Some(&token),
                json!({ "answers": answers }),
            )
            .await
            .assert_status(204);
        w.app
            .post(
                &format!("/candidate/assessments/{}/submit", a.id),
                Some(&token),
                json!({}),
            )
            .await
            .assert_status(200);
    }
}

async fn greenhouse_lists_sends_once_reports_and_patches_the_result(backend: Backend) {
    let w = world(backend, 10).await;
    let project: Project = w
        .project(&["numerical"], json!({ "name": "Analyst intake" }))
        .await;
    let closed: Project = w
        .project(
            &["verbal"],
            json!({ "name": "Closed intake", "active": false }),
        )
        .await;
    let connector = connect(&w, "greenhouse", json!({})).await;
    assert_eq!(connector.kind, AtsKind::Greenhouse);
    assert!(connector.enabled);
    let credential = connector.credential.clone().expect("the credential, once");
    let names: Vec<&str> = connector
        .endpoints
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["list_tests", "send_test", "test_status", "response_error"]
    );
    assert_eq!(
        connector.endpoints[1].url,
        "http://credence.test/api/v1/ats/greenhouse/send_test"
    );
    let listed: Page<AtsConnector> = w
        .app
        .get("/ats-connectors", Some(&w.client_user))
        .await
        .json();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].credential, None, "shown once");

    // list_tests: the client's open projects.
    let tests: Vec<GreenhouseTest> = greenhouse(&w, Method::GET, "list_tests", &credential, None)
        .await
        .expect(200);
    assert_eq!(
        tests,
        vec![GreenhouseTest {
            partner_test_id: project.id.clone(),
            partner_test_name: "Analyst intake".into()
        }]
    );
    assert!(tests.iter().all(|t| t.partner_test_id != closed.id));

    // send_test as Greenhouse sends it: invited, one credit charged.
    let ats = receiver(Answer::Status("200 OK")).await;
    let body = recorded(
        GREENHOUSE_SEND,
        &[("partner_test_id", &project.id), ("url", &ats.url)],
    );
    let before = w.balance();
    let sent: GreenhouseSendTestResponse = greenhouse(
        &w,
        Method::POST,
        "send_test",
        &credential,
        Some(body.clone()),
    )
    .await
    .expect(200);
    assert_eq!(
        w.balance(),
        before - 1,
        "charged as POST /candidates charges"
    );
    assert_eq!(invitations_of_project(&w, &project.id), 1);
    // Greenhouse sends again for the same application: the same interview, nothing charged.
    let again: GreenhouseSendTestResponse =
        greenhouse(&w, Method::POST, "send_test", &credential, Some(body))
            .await
            .expect(200);
    assert_eq!(again, sent);
    assert_eq!(w.balance(), before - 1, "charged once");
    assert_eq!(invitations_of_project(&w, &project.id), 1);

    let path = format!(
        "test_status?partner_interview_id={}",
        sent.partner_interview_id
    );
    let status: GreenhouseTestStatus = greenhouse(&w, Method::GET, &path, &credential, None)
        .await
        .expect(200);
    assert_eq!(status.partner_status, "sent");
    assert_eq!(status.partner_score, None);

    // The candidate completes: the result is PATCHed to Greenhouse's url.
    complete(&w, "hpotter@hogwarts.example").await;
    let (head, pushed) = wait_until(
        "Greenhouse's url got the result",
        std::time::Duration::from_secs(10),
        || async {
            let heads = ats.heads.lock().unwrap().clone();
            let bodies = ats.bodies.lock().unwrap().clone();
            heads.first().cloned().zip(bodies.first().cloned())
        },
    )
    .await;
    assert!(head.starts_with("patch /hooks"), "{head}");
    let pushed: GreenhouseTestStatus = serde_json::from_str(&pushed).unwrap();
    assert_eq!(pushed.partner_interview_id, sent.partner_interview_id);
    assert_eq!(pushed.partner_status, "complete");
    let score = pushed.partner_score.expect("a score once complete");
    assert!((1..=99).contains(&score));
    assert!(pushed
        .partner_profile_url
        .starts_with("http://credence.test/client/candidates/"));
    let status: GreenhouseTestStatus = greenhouse(&w, Method::GET, &path, &credential, None)
        .await
        .expect(200);
    assert_eq!(status, pushed, "test_status says what was pushed");
    wait_until(
        "the callback is recorded as delivered",
        std::time::Duration::from_secs(10),
        || async {
            let rows = callbacks(&w);
            (rows == vec![("delivered".to_string(), 1, Some(200))]).then_some(())
        },
    )
    .await;
    assert_eq!(ats.connections.load(std::sync::atomic::Ordering::SeqCst), 1);

    // Another recorded shape: the application as an object, its id a number.
    let other: Project = w
        .project(&["numerical"], json!({ "name": "Second intake" }))
        .await;
    let body = recorded(
        GREENHOUSE_SEND_APPLICATION,
        &[("partner_test_id", &other.id), ("url", &ats.url)],
    );
    let first: GreenhouseSendTestResponse = greenhouse(
        &w,
        Method::POST,
        "send_test",
        &credential,
        Some(body.clone()),
    )
    .await
    .expect(200);
    let second: GreenhouseSendTestResponse =
        greenhouse(&w, Method::POST, "send_test", &credential, Some(body))
            .await
            .expect(200);
    assert_eq!(first, second);
    assert_ne!(first, sent);
    assert_eq!(w.balance(), before - 2);

    // Greenhouse reports an answer it could not use: kept in the client's audit log.
    greenhouse(
        &w,
        Method::POST,
        "response_error",
        &credential,
        Some(json!({ "api_call": "test_status", "errors": ["partner_score must be an integer"], "partner_interview_id": sent.partner_interview_id })),
    )
    .await
    .assert_status(200);
    let mut conn = w.app.conn();
    let details: Vec<String> = audit_events::table
        .filter(audit_events::action.eq("ats.response_error"))
        .filter(audit_events::client_id.eq(&w.client.id))
        .select(audit_events::details)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(details.len(), 1);
    assert!(details[0].contains("partner_score must be an integer"));
}

async fn workable_creates_once_and_puts_the_result_with_its_token(backend: Backend) {
    let w = world(backend, 10).await;
    let project: Project = w
        .project(&["numerical"], json!({ "name": "Support desk" }))
        .await;
    let connector = connect(&w, "workable", json!({ "callback_token": "wk-token-1" })).await;
    assert!(connector.callback_token_set);
    let credential = connector.credential.clone().unwrap();
    let names: Vec<&str> = connector
        .endpoints
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["tests", "assessments"]);
    // The token Workable gives can be changed later.
    let patched: AtsConnector = w
        .app
        .patch(
            &format!("/ats-connectors/{}", connector.id),
            Some(&w.client_user),
            json!({ "callback_token": "wk-token-2" }),
        )
        .await
        .expect(200);
    assert!(patched.callback_token_set);
    assert_eq!(patched.credential, None);

    let tests: WorkableTests = workable(&w, Method::GET, "tests", &credential, None)
        .await
        .expect(200);
    assert_eq!(tests.tests.len(), 1);
    assert_eq!(tests.tests[0].id, project.id);
    assert_eq!(tests.tests[0].name, "Support desk");

    // Workable's receiver fails: the result is retried later.
    let ats = receiver(Answer::Status("500 Internal Server Error")).await;
    let body = recorded(
        WORKABLE_CREATE,
        &[("test_id", &project.id), ("callback_url", &ats.url)],
    );
    let before = w.balance();
    let created: WorkableAssessmentCreated = workable(
        &w,
        Method::POST,
        "assessments",
        &credential,
        Some(body.clone()),
    )
    .await
    .expect(201);
    let repeated: WorkableAssessmentCreated =
        workable(&w, Method::POST, "assessments", &credential, Some(body))
            .await
            .expect(200);
    assert_eq!(repeated, created);
    assert_eq!(w.balance(), before - 1, "charged once");
    assert_eq!(invitations_of_project(&w, &project.id), 1);
    let path = format!("assessments/{}", created.id);
    let status: WorkableAssessmentResult = workable(&w, Method::GET, &path, &credential, None)
        .await
        .expect(200);
    assert_eq!(status.status, "pending");

    complete(&w, "lakita@marrero.example").await;
    let (head, pushed) = wait_until(
        "Workable's callback_url got the result",
        std::time::Duration::from_secs(10),
        || async {
            let heads = ats.heads.lock().unwrap().clone();
            let bodies = ats.bodies.lock().unwrap().clone();
            heads.first().cloned().zip(bodies.first().cloned())
        },
    )
    .await;
    assert!(head.starts_with("put /hooks"), "{head}");
    assert!(
        head.lines()
            .any(|l| l == "authorization: bearer wk-token-2"),
        "{head}"
    );
    let pushed: WorkableAssessmentResult = serde_json::from_str(&pushed).unwrap();
    assert_eq!(pushed.id, created.id);
    assert_eq!(pushed.status, "completed");
    assert!(pushed.score.is_some());
    assert!(pushed.summary.contains("Percentile"), "{}", pushed.summary);
    // Refused by the receiver: waiting for its next attempt, with backoff.
    wait_until(
        "the failed attempt is recorded",
        std::time::Duration::from_secs(10),
        || async {
            let rows = callbacks(&w);
            (rows == vec![("pending".to_string(), 1, Some(500))]).then_some(())
        },
    )
    .await;
    // Disabling the connector cancels what is still to be pushed.
    w.app
        .delete(
            &format!("/ats-connectors/{}", connector.id),
            Some(&w.client_user),
        )
        .await
        .assert_status(204);
    assert_eq!(callbacks(&w), vec![("cancelled".to_string(), 1, Some(500))]);
}

async fn connectors_answer_only_for_their_client(backend: Backend) {
    let w = world(backend, 1).await;
    let project: Project = w.project(&["numerical"], json!({})).await;
    let gh = connect(&w, "greenhouse", json!({})).await;
    let gh_key = gh.credential.clone().unwrap();
    let wk = connect(&w, "workable", json!({})).await;
    let wk_key = wk.credential.clone().unwrap();
    // Another client of the reseller, with a project and a connector of its own.
    let other = w.app.create_client(&w.reseller, "Other Co", 5).await;
    let (_, other_user) = w
        .app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    let catalogue: Page<credence_shared::assess::TestSummary> =
        w.app.get("/tests", Some(&other_user)).await.json();
    let (test, norm) = crate::assessments_world::test_id(&catalogue, "numerical");
    let foreign: Project = w
        .app
        .post(
            "/projects",
            Some(&other_user),
            json!({ "name": "Theirs", "tests": [{ "test_id": test, "norm_group_id": norm }] }),
        )
        .await
        .expect(201);
    let theirs: AtsConnector = w
        .app
        .post(
            "/ats-connectors",
            Some(&other_user),
            json!({ "kind": "greenhouse" }),
        )
        .await
        .expect(201);

    let ats = receiver(Answer::Status("200 OK")).await;
    let send = |project_id: &str| {
        recorded(
            GREENHOUSE_SEND,
            &[("partner_test_id", project_id), ("url", &ats.url)],
        )
    };
    let balance = w.balance();
    // Another client's project is not there.
    greenhouse(
        &w,
        Method::POST,
        "send_test",
        &gh_key,
        Some(send(&foreign.id)),
    )
    .await
    .assert_problem(404, "not_found");
    // Bad input: one 422 naming each bad field; nothing changes.
    let mut bad = send(&project.id);
    bad["candidate"]["email"] = json!("not an email");
    bad["url"] = json!("ftp://example.com/x");
    let reply = greenhouse(&w, Method::POST, "send_test", &gh_key, Some(bad)).await;
    reply.assert_problem(422, "validation_failed");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["email", "url"]);
    let mut bad = send(&project.id);
    bad["candidate"]["email"] = json!("not an email");
    let reply = greenhouse(&w, Method::POST, "send_test", &gh_key, Some(bad)).await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["email"]);
    let reply = workable(
        &w,
        Method::POST,
        "assessments",
        &wk_key,
        Some(json!({ "candidate": {} })),
    )
    .await;
    reply.assert_problem(422, "validation_failed");
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "callback_url",
            "email",
            "first_name",
            "last_name",
            "test_id"
        ]
    );
    assert_eq!(w.balance(), balance);
    assert_eq!(invitations_of_project(&w, &project.id), 0);

    // The one credit goes to the first send; the next is refused and charges nothing.
    greenhouse(
        &w,
        Method::POST,
        "send_test",
        &gh_key,
        Some(send(&project.id)),
    )
    .await
    .assert_status(200);
    let mut next = recorded(
        GREENHOUSE_SEND_APPLICATION,
        &[("partner_test_id", &project.id), ("url", &ats.url)],
    );
    next["candidate"]["email"] = json!("second@example.test");
    greenhouse(&w, Method::POST, "send_test", &gh_key, Some(next))
        .await
        .assert_problem(402, "insufficient_credits");
    assert_eq!(w.balance(), 0);
    assert_eq!(invitations_of_project(&w, &project.id), 1);

    // Credentials: each ATS's own, in its own scheme, enabled.
    greenhouse(&w, Method::GET, "list_tests", &wk_key, None)
        .await
        .assert_problem(401, "invalid_credential");
    workable(&w, Method::GET, "tests", &gh_key, None)
        .await
        .assert_problem(401, "invalid_credential");
    workable(&w, Method::GET, "tests", "made-up", None)
        .await
        .assert_problem(401, "invalid_credential");
    w.app
        .get("/ats/greenhouse/list_tests", None)
        .await
        .assert_problem(401, "invalid_credential");
    // Another connector's interview is not there.
    let theirs_key = theirs.credential.unwrap();
    let mine: GreenhouseSendTestResponse = {
        let mut again = send(&project.id);
        again["candidate"]["email"] = json!("hpotter@hogwarts.example");
        greenhouse(&w, Method::POST, "send_test", &gh_key, Some(again))
            .await
            .expect(200)
    };
    greenhouse(
        &w,
        Method::GET,
        &format!(
            "test_status?partner_interview_id={}",
            mine.partner_interview_id
        ),
        &theirs_key,
        None,
    )
    .await
    .assert_problem(404, "not_found");
    // Disabled: the credential stops at once.
    w.app
        .delete(&format!("/ats-connectors/{}", gh.id), Some(&w.client_user))
        .await
        .assert_status(204);
    greenhouse(&w, Method::GET, "list_tests", &gh_key, None)
        .await
        .assert_problem(401, "invalid_credential");
    let listed: Page<AtsConnector> = w
        .app
        .get("/ats-connectors", Some(&w.client_user))
        .await
        .json();
    let disabled = listed.data.iter().find(|c| c.id == gh.id).unwrap();
    assert!(!disabled.enabled);
    assert!(disabled.disabled_at.is_some());
}

async fn only_client_users_manage_connectors(backend: Backend) {
    let w = world(backend, 1).await;
    w.app
        .post(
            "/ats-connectors",
            Some(&w.reseller),
            json!({ "kind": "greenhouse" }),
        )
        .await
        .assert_problem(403, "forbidden");
    let reply = w
        .app
        .post(
            "/ats-connectors",
            Some(&w.client_user),
            json!({ "kind": "lever" }),
        )
        .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.error_fields(), ["kind"]);
    let first = connect(&w, "greenhouse", json!({})).await;
    w.app
        .post(
            "/ats-connectors",
            Some(&w.client_user),
            json!({ "kind": "greenhouse" }),
        )
        .await
        .assert_problem(409, "connector_exists");
    // Another client's user cannot see or disable it.
    let other = w.app.create_client(&w.reseller, "Other Co", 1).await;
    let (_, other_user) = w
        .app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    w.app
        .delete(&format!("/ats-connectors/{}", first.id), Some(&other_user))
        .await
        .assert_problem(404, "not_found");
    let theirs: Page<AtsConnector> = w.app.get("/ats-connectors", Some(&other_user)).await.json();
    assert!(theirs.data.is_empty());
    // Disabled, a new one may be made (with a new credential).
    w.app
        .delete(
            &format!("/ats-connectors/{}", first.id),
            Some(&w.client_user),
        )
        .await
        .assert_status(204);
    let second = connect(&w, "greenhouse", json!({})).await;
    assert_ne!(second.credential, first.credential);
}

async fn a_connector_created_with_an_idempotency_key_is_created_once(backend: Backend) {
    let w = world(backend, 5).await;
    let send = || {
        w.app.send(
            w.app
                .request(Method::POST, "/ats-connectors", Some(&w.client_user))
                .header("Idempotency-Key", "connect-greenhouse")
                .json(&json!({ "kind": "greenhouse" })),
        )
    };
    let first: AtsConnector = send().await.expect(201);
    assert!(first.credential.is_some());
    // A retry never shows the credential again, and creates nothing more.
    send()
        .await
        .assert_problem(409, "idempotency_replay_unavailable");
    let listed: Page<AtsConnector> = w
        .app
        .get("/ats-connectors", Some(&w.client_user))
        .await
        .json();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].id, first.id);
}
