//! Closing a client: a grace period in which its users can still sign in and export, nothing
//! new is invited, ordered or added; then its candidates anonymised, its users deactivated and
//! the client archived, with invoices, orders and the ledger untouched.

use chrono::Duration;
use credence_api::db::schema::{candidates, invoices, ledger_entries};
use credence_api::domain::clients::closure;
use credence_shared::admin::AuditEvent;
use credence_shared::assess::Candidate;
use credence_shared::reseller::{Client, ClientUser};
use credence_shared::{ClientStatus, Page, UserStatus};
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, Options};
use crate::assessments_world::{world, world_with, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::wait::wait_until;

both_backends!(
    a_closure_waits_out_its_grace_period_then_anonymises_and_deactivates_in_batches,
    a_pending_closure_can_be_withdrawn,
    concurrent_runs_close_a_client_once,
    the_housekeeping_job_closes_a_client_on_its_own,
);

/// Invites candidates number `from..to` (Cora Closing<i>, cora<i>@cand.example).
async fn invite(w: &World, project_id: &str, from: usize, to: usize) -> Vec<Candidate> {
    let mut out = Vec::new();
    for i in from..to {
        out.push(
            w.app
                .post(
                    "/candidates",
                    Some(&w.client_user),
                    json!({ "project_id": project_id, "first_name": "Cora", "last_name": format!("Closing{i}"), "email": format!("cora{i}@cand.example") }),
                )
                .await
                .expect(201),
        );
    }
    out
}

async fn client_of(w: &World, token: &str) -> Client {
    w.app
        .get(&format!("/clients/{}", w.client.id), Some(token))
        .await
        .expect(200)
}

async fn events(w: &World, action: &str) -> Vec<AuditEvent> {
    let page: Page<AuditEvent> = w
        .app
        .get("/audit-events?limit=200", Some(&w.reseller))
        .await
        .json();
    page.data
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// Candidates of the world's client not yet anonymised, as stored.
fn not_anonymised(w: &World) -> i64 {
    let mut conn = w.app.conn();
    candidates::table
        .filter(candidates::client_id.eq(&w.client.id))
        .filter(candidates::anonymised_at.is_null())
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// The books as stored: the client's ledger and every invoice.
fn books(w: &World) -> String {
    let mut conn = w.app.conn();
    let ledger: Vec<(String, i64, i64)> = ledger_entries::table
        .filter(ledger_entries::client_id.eq(&w.client.id))
        .order(ledger_entries::id.asc())
        .select((
            ledger_entries::id,
            ledger_entries::delta,
            ledger_entries::balance_after,
        ))
        .load(&mut *conn)
        .unwrap();
    let inv: Vec<(String, String, i64)> = invoices::table
        .order(invoices::id.asc())
        .select((invoices::id, invoices::status, invoices::total_minor))
        .load(&mut *conn)
        .unwrap();
    assert!(!ledger.is_empty() && !inv.is_empty());
    format!("{ledger:?} {inv:?}")
}

async fn close_due(
    w: &World,
    at: chrono::NaiveDateTime,
    limit: i64,
) -> Vec<closure::ClosureProgress> {
    w.app
        .db
        .transaction(move |conn| closure::close_due(conn, at, limit))
        .await
        .unwrap()
}

async fn a_closure_waits_out_its_grace_period_then_anonymises_and_deactivates_in_batches(
    backend: Backend,
) {
    let w = world(backend, 50).await;
    let p = w.project(&["numerical"], json!({})).await;
    let people = invite(&w, &p.id, 0, 3).await;
    let path = format!("/clients/{}/closure", w.client.id);
    let balance = w.balance();
    let books_before = books(&w);

    // Bad input changes nothing.
    for bad in [
        json!({ "reason": "  ", "grace_days": 10 }),
        json!({ "reason": "Contract ended", "grace_days": 366 }),
        json!({ "reason": "Contract ended", "grace_days": -1 }),
        json!({ "reason": "x".repeat(501) }),
    ] {
        w.app
            .post(&path, Some(&w.reseller), bad)
            .await
            .assert_problem(422, "validation_failed");
    }
    assert_eq!(client_of(&w, &w.reseller).await.closure, None);
    // Only the client's own reseller's staff: another reseller gets 404, a client user 403.
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    let body = json!({ "reason": "Contract ended 2026-11-30", "grace_days": 10 });
    w.app
        .post(&path, Some(&other), body.clone())
        .await
        .assert_problem(404, "not_found");
    w.app
        .post(&path, Some(&w.client_user), body.clone())
        .await
        .assert_status(403);
    assert_eq!(client_of(&w, &w.reseller).await.closure, None);

    let before = chrono::Utc::now();
    let closing: Client = w
        .app
        .post(&path, Some(&w.reseller), body.clone())
        .await
        .expect(200);
    let c = closing.closure.clone().expect("a closure");
    assert_eq!(c.reason, "Contract ended 2026-11-30");
    assert_eq!(c.closed_at, None);
    let grace = c.closes_at - before;
    assert!(grace >= Duration::days(10) && grace < Duration::days(10) + Duration::minutes(5));
    assert_eq!(closing.status, ClientStatus::Active);
    w.app
        .post(&path, Some(&w.reseller), body.clone())
        .await
        .assert_problem(409, "already_closing");

    // The grace period: the client's users still sign in and read, and see the closure...
    let seen = client_of(&w, &w.client_user).await;
    assert_eq!(seen.closure.map(|k| k.closes_at), Some(c.closes_at));
    w.app
        .get("/candidates/export.csv", Some(&w.client_user))
        .await
        .assert_status(200);
    // ...but nothing new is invited, ordered or added.
    w.app
        .post(
            "/candidates",
            Some(&w.client_user),
            json!({ "project_id": p.id, "first_name": "Nina", "last_name": "New", "email": "nina@cand.example" }),
        )
        .await
        .assert_problem(409, "client_closing");
    let refused = w
        .app
        .post(
            "/credit-orders",
            Some(&w.reseller),
            json!({ "client_code": w.client.code, "credits": 5 }),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["client_code"]);
    w.app
        .post(
            "/client-users",
            Some(&w.reseller),
            json!({ "client_id": w.client.id, "name": "Late Larry", "email": "larry@hiring.example" }),
        )
        .await
        .assert_problem(409, "client_closing");
    assert_eq!(w.balance(), balance);
    assert_eq!(not_anonymised(&w), 3);

    // Before the date the job does nothing; after it, batches of two.
    // Whole seconds, so the stored time compares equal on both databases.
    let now = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0)
        .unwrap()
        .naive_utc();
    assert!(close_due(&w, now, 2).await.is_empty());
    let later = now + Duration::days(11);
    let first = close_due(&w, later, 2).await;
    assert_eq!(
        first,
        vec![closure::ClosureProgress {
            client_id: w.client.id.clone(),
            anonymised: 2,
            closed: false
        }]
    );
    assert_eq!(not_anonymised(&w), 1);
    // Not yet closed: the users are still in.
    w.app
        .get("/me", Some(&w.client_user))
        .await
        .assert_status(200);
    let second = close_due(&w, later, 2).await;
    assert_eq!(
        second,
        vec![closure::ClosureProgress {
            client_id: w.client.id.clone(),
            anonymised: 1,
            closed: true
        }]
    );
    assert!(close_due(&w, later, 2).await.is_empty());

    // Closed: every candidate anonymised, users deactivated and signed out, client archived.
    assert_eq!(not_anonymised(&w), 0);
    for person in &people {
        let got: Candidate = w
            .app
            .get(&format!("/candidates/{}", person.id), Some(&w.reseller))
            .await
            .expect(200);
        assert!(got.anonymised_at.is_some());
        assert_eq!(got.email, format!("anonymised+{}@invalid", person.id));
    }
    w.app
        .get("/me", Some(&w.client_user))
        .await
        .assert_status(401);
    w.app
        .login("hr@hiring.example", crate::fixtures::CLIENT_USER_PASSWORD)
        .await
        .assert_status(401);
    let users: Page<ClientUser> = w
        .app
        .get(
            &format!("/client-users?client_id={}&limit=200", w.client.id),
            Some(&w.reseller),
        )
        .await
        .json();
    assert!(!users.data.is_empty());
    assert!(users
        .data
        .iter()
        .all(|u| u.status == UserStatus::Deactivated));
    let closed = client_of(&w, &w.reseller).await;
    assert_eq!(closed.status, ClientStatus::Archived);
    assert_eq!(
        closed
            .closure
            .as_ref()
            .and_then(|k| k.closed_at.map(|t| t.naive_utc())),
        Some(later)
    );
    // The books are as they were.
    assert_eq!(closed.credit_balance, balance);
    assert_eq!(books(&w), books_before);
    // The reseller's activity log: requested, the anonymised batches, closed.
    assert_eq!(events(&w, "client.closure_requested").await.len(), 1);
    let batches = events(&w, "candidates.anonymised").await;
    assert_eq!(batches.len(), 2);
    assert!(batches.iter().all(|e| e.details["reason"] == "closure"));
    let done = events(&w, "client.closed").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].details["users_deactivated"], 1);
    // A closed client stays closed.
    w.app
        .patch(
            &format!("/clients/{}", w.client.id),
            Some(&w.reseller),
            json!({ "status": "active" }),
        )
        .await
        .assert_problem(409, "client_closed");
    w.app
        .delete(&path, Some(&w.reseller))
        .await
        .assert_problem(409, "client_closed");
    w.app
        .post(&path, Some(&w.reseller), body)
        .await
        .assert_problem(409, "client_closed");
    assert_eq!(
        client_of(&w, &w.reseller).await.status,
        ClientStatus::Archived
    );
}

async fn a_pending_closure_can_be_withdrawn(backend: Backend) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    invite(&w, &p.id, 0, 1).await;
    let path = format!("/clients/{}/closure", w.client.id);
    w.app
        .delete(&path, Some(&w.reseller))
        .await
        .assert_problem(409, "not_closing");
    let closing: Client = w
        .app
        .post(
            &path,
            Some(&w.reseller),
            json!({ "reason": "Asked by the client" }),
        )
        .await
        .expect(200);
    // The default grace period is 30 days.
    let k = closing.closure.expect("a closure");
    assert_eq!((k.closes_at - k.requested_at).num_days(), 30);
    // Neither another reseller nor a client user can withdraw it.
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    w.app
        .delete(&path, Some(&other))
        .await
        .assert_problem(404, "not_found");
    w.app
        .delete(&path, Some(&w.client_user))
        .await
        .assert_status(403);
    let open: Client = w.app.delete(&path, Some(&w.reseller)).await.expect(200);
    assert_eq!(open.closure, None);
    assert_eq!(events(&w, "client.closure_withdrawn").await.len(), 1);
    // The client goes on: it invites again, and a later run of the job leaves it alone.
    invite(&w, &p.id, 1, 2).await;
    let far = chrono::Utc::now().naive_utc() + Duration::days(400);
    assert!(close_due(&w, far, 200).await.is_empty());
    assert_eq!(not_anonymised(&w), 2);
    assert_eq!(
        client_of(&w, &w.reseller).await.status,
        ClientStatus::Active
    );
    // It can be closed again later.
    let again: Client = w
        .app
        .post(
            &path,
            Some(&w.reseller),
            json!({ "reason": "Contract ended", "grace_days": 0 }),
        )
        .await
        .expect(200);
    assert!(again.closure.is_some());
}

async fn concurrent_runs_close_a_client_once(backend: Backend) {
    let w = world(backend, 50).await;
    let p = w.project(&["numerical"], json!({})).await;
    invite(&w, &p.id, 0, 6).await;
    w.app
        .post(
            &format!("/clients/{}/closure", w.client.id),
            Some(&w.reseller),
            json!({ "reason": "Contract ended", "grace_days": 0 }),
        )
        .await
        .assert_status(200);
    let at = chrono::Utc::now().naive_utc() + Duration::seconds(1);
    let run = || async {
        let mut anonymised = 0;
        let mut closed = 0;
        loop {
            let step = close_due(&w, at, 2).await;
            if step.is_empty() {
                return (anonymised, closed);
            }
            anonymised += step.iter().map(|s| s.anonymised).sum::<usize>();
            closed += step.iter().filter(|s| s.closed).count();
        }
    };
    let ((a1, c1), (a2, c2)) = tokio::join!(run(), run());
    assert_eq!(a1 + a2, 6, "each candidate anonymised once");
    assert_eq!(c1 + c2, 1, "the client closed once");
    assert_eq!(not_anonymised(&w), 0);
    assert_eq!(events(&w, "client.closed").await.len(), 1);
    let logged: i64 = events(&w, "candidates.anonymised")
        .await
        .iter()
        .map(|e| e.details["count"].as_i64().unwrap())
        .sum();
    assert_eq!(logged, 6);
}

async fn the_housekeeping_job_closes_a_client_on_its_own(backend: Backend) {
    let w = world_with(
        backend,
        10,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let p = w.project(&["numerical"], json!({})).await;
    invite(&w, &p.id, 0, 2).await;
    w.app
        .post(
            &format!("/clients/{}/closure", w.client.id),
            Some(&w.reseller),
            json!({ "reason": "Contract ended", "grace_days": 0 }),
        )
        .await
        .assert_status(200);
    let closed: Client = wait_until(
        "the job closes the client",
        std::time::Duration::from_secs(10),
        || async {
            let c = client_of(&w, &w.reseller).await;
            (c.status == ClientStatus::Archived).then_some(c)
        },
    )
    .await;
    assert!(closed.closure.and_then(|k| k.closed_at).is_some());
    assert_eq!(not_anonymised(&w), 0);
    w.app
        .get("/me", Some(&w.client_user))
        .await
        .assert_status(401);
}
