//! Data protection: retention periods and the job that anonymises candidates past them,
//! erasure requests (the email gone from every table, the books untouched) and data exports.

use chrono::Duration;
use credence_api::db::schema::{
    answers, assessments, candidates, invitations, invoices, ledger_entries,
};
use credence_api::db::DbConnection;
use credence_api::domain::privacy;
use credence_shared::admin::AuditEvent;
use credence_shared::assess::{Candidate, CandidateMe, ProjectResult, StartedAssessment};
use credence_shared::privacy::{CandidateExport, ClientRetention, ResellerRetention};
use credence_shared::Page;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::{json, Value};

use crate::app::Backend;
use crate::app::Options;
use crate::assessments_world::{keys, world, world_with, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::wait::wait_until;

both_backends!(
    retention_periods_are_set_within_the_vendors_bounds,
    the_job_anonymises_only_candidates_past_their_period_and_keeps_the_aggregates,
    concurrent_runs_anonymise_each_candidate_once,
    the_housekeeping_job_anonymises_on_its_own,
    an_erased_candidates_email_is_gone_from_every_table_and_the_books_are_untouched,
    an_export_holds_the_candidates_data_and_nothing_of_another_tenant,
);

/// Invites `email` as First Last to the project, asserting 201.
async fn invite(w: &World, project_id: &str, first: &str, last: &str, email: &str) -> Candidate {
    w.app
        .post(
            "/candidates",
            Some(&w.client_user),
            json!({ "project_id": project_id, "first_name": first, "last_name": last, "email": email, "phone": "+44 20 7946 0958" }),
        )
        .await
        .expect(201)
}

/// Signs the candidate in with their invitation link, answers every question (correctly) and
/// submits; the candidate's token.
async fn take_test(w: &World, email: &str) -> String {
    let token = w.candidate_token(email).await;
    let me: CandidateMe = w.candidate_me(&token).await;
    let a = &me.assessments[0];
    let started: StartedAssessment = w
        .app
        .post(
            &format!("/candidate/assessments/{}/start", a.id),
            Some(&token),
            json!({}),
        )
        .await
        .expect(200);
    assert!(!started.questions.is_empty());
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
    token
}

fn set_last_activity(w: &World, candidate_id: &str, days_ago: i64) {
    let mut conn = w.app.conn();
    let at = chrono::Utc::now().naive_utc() - Duration::days(days_ago);
    diesel::update(candidates::table.find(candidate_id))
        .set(candidates::last_activity_at.eq(Some(at)))
        .execute(&mut *conn)
        .unwrap();
}

fn answers_of(w: &World, candidate_id: &str) -> i64 {
    let mut conn = w.app.conn();
    answers::table
        .inner_join(assessments::table.inner_join(invitations::table))
        .filter(invitations::candidate_id.eq(candidate_id))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

/// Every result row's (status, scores) in a stable order: the aggregate a client reads.
async fn results(w: &World, project_id: &str) -> Vec<String> {
    let page: Page<ProjectResult> = w
        .app
        .get(
            &format!("/projects/{project_id}/results?limit=200"),
            Some(&w.client_user),
        )
        .await
        .json();
    let mut rows: Vec<String> = page
        .data
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.status.as_str(),
                serde_json::to_string(
                    &r.assessments
                        .iter()
                        .map(|a| a.scores.clone())
                        .collect::<Vec<_>>()
                )
                .unwrap()
            )
        })
        .collect();
    rows.sort();
    rows
}

async fn events(w: &World, token: &str, action: &str) -> Vec<AuditEvent> {
    let page: Page<AuditEvent> = w
        .app
        .get("/audit-events?limit=200", Some(token))
        .await
        .json();
    page.data
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// The books of the world's client: balance, ledger (as the reseller reads it) and invoices.
async fn books(w: &World) -> (i64, String, String) {
    let balance = w.balance();
    let mut conn = w.app.conn();
    // As stored: the ledger's descriptions name the candidate as they are now.
    type Entry = (String, String, i64, i64, Option<String>, Option<String>);
    let ledger: Vec<Entry> = ledger_entries::table
        .filter(ledger_entries::client_id.eq(&w.client.id))
        .order(ledger_entries::id.asc())
        .select((
            ledger_entries::id,
            ledger_entries::kind,
            ledger_entries::delta,
            ledger_entries::balance_after,
            ledger_entries::reference,
            ledger_entries::reason,
        ))
        .load(&mut *conn)
        .unwrap();
    assert!(ledger.len() >= 2);
    let inv: Vec<(String, String, i64)> = invoices::table
        .order(invoices::id.asc())
        .select((invoices::id, invoices::status, invoices::total_minor))
        .load(&mut *conn)
        .unwrap();
    (balance, format!("{ledger:?}"), format!("{inv:?}"))
}

async fn retention_periods_are_set_within_the_vendors_bounds(backend: Backend) {
    let w = world(backend, 10).await;
    let admin = w.app.admin_token().await;
    let path = format!("/clients/{}/retention", w.client.id);
    // Defaults: the vendor's 30–1825 days, the reseller's 730.
    let got: ClientRetention = w.app.get(&path, Some(&w.client_user)).await.expect(200);
    assert_eq!(
        (
            got.days,
            got.default_days,
            got.effective_days,
            got.min_days,
            got.max_days
        ),
        (None, 730, 730, 30, 1825)
    );
    // A client user sets their own; out of bounds is a 422 that changes nothing.
    for bad in [29, 1826, -1] {
        w.app
            .put(&path, Some(&w.client_user), json!({ "days": bad }))
            .await
            .assert_problem(422, "validation_failed");
    }
    let set: ClientRetention = w
        .app
        .put(&path, Some(&w.client_user), json!({ "days": 90 }))
        .await
        .expect(200);
    assert_eq!((set.days, set.effective_days), (Some(90), 90));
    // The reseller's default applies to clients without their own.
    w.app
        .put(
            "/reseller/retention",
            Some(&w.reseller),
            json!({ "default_days": 20 }),
        )
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .put("/reseller/retention", Some(&w.reseller), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let r: ResellerRetention = w
        .app
        .put(
            "/reseller/retention",
            Some(&w.reseller),
            json!({ "default_days": 365 }),
        )
        .await
        .expect(200);
    assert_eq!(r.default_days, 365);
    let cleared: ClientRetention = w
        .app
        .put(&path, Some(&w.reseller), json!({ "days": null }))
        .await
        .expect(200);
    assert_eq!((cleared.days, cleared.effective_days), (None, 365));
    // The vendor narrows the bounds: the period that applies follows them.
    w.app
        .put(
            "/admin/retention",
            Some(&admin),
            json!({ "min_days": 400, "max_days": 300 }),
        )
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .put(
            "/admin/retention",
            Some(&admin),
            json!({ "min_days": 400, "max_days": 1000 }),
        )
        .await
        .assert_status(200);
    let narrowed: ClientRetention = w.app.get(&path, Some(&w.client_user)).await.expect(200);
    assert_eq!((narrowed.default_days, narrowed.effective_days), (365, 400));
    // Another reseller's client is not found; client users cannot set the reseller's default
    // nor the bounds.
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    w.app
        .get(&path, Some(&other))
        .await
        .assert_problem(404, "not_found");
    w.app
        .put(&path, Some(&other), json!({ "days": 500 }))
        .await
        .assert_problem(404, "not_found");
    w.app
        .put(
            "/reseller/retention",
            Some(&w.client_user),
            json!({ "default_days": 500 }),
        )
        .await
        .assert_status(403);
    w.app
        .put(
            "/admin/retention",
            Some(&w.reseller),
            json!({ "min_days": 1, "max_days": 2 }),
        )
        .await
        .assert_status(403);
}

async fn the_job_anonymises_only_candidates_past_their_period_and_keeps_the_aggregates(
    backend: Backend,
) {
    let w = world(backend, 50).await;
    let p = w.project(&["numerical"], json!({})).await;
    let old = invite(&w, &p.id, "Olga", "Oldfield", "olga@cand.example").await;
    take_test(&w, "olga@cand.example").await;
    let old_untested = invite(&w, &p.id, "Otto", "Oldman", "otto@cand.example").await;
    let recent = invite(&w, &p.id, "Rita", "Recent", "rita@cand.example").await;
    take_test(&w, "rita@cand.example").await;
    // Another client of the reseller keeps the reseller's default (730 days).
    let other_client = w.app.create_client(&w.reseller, "Default Co", 5).await;
    let (_, other_user) = w
        .app
        .client_user(&w.reseller, Some(&other_client.id), "hr@default.example")
        .await;
    let other_project: credence_shared::assess::Project = w
        .app
        .post(
            "/projects",
            Some(&other_user),
            json!({ "name": "Default intake", "tests": p.tests.iter().map(|t| json!({ "test_id": t.test_id, "norm_group_id": t.norm_group_id })).collect::<Vec<_>>() }),
        )
        .await
        .expect(201);
    let kept: Candidate = w
        .app
        .post(
            "/candidates",
            Some(&other_user),
            json!({ "project_id": other_project.id, "first_name": "Kim", "last_name": "Kept", "email": "kim@cand.example" }),
        )
        .await
        .expect(201);
    w.app
        .put(
            &format!("/clients/{}/retention", w.client.id),
            Some(&w.client_user),
            json!({ "days": 90 }),
        )
        .await
        .assert_status(200);
    set_last_activity(&w, &old.id, 91);
    set_last_activity(&w, &old_untested.id, 200);
    set_last_activity(&w, &recent.id, 89);
    set_last_activity(&w, &kept.id, 400);
    let results_before = results(&w, &p.id).await;
    assert_eq!(results_before.len(), 3);
    let books_before = books(&w).await;
    assert_eq!(answers_of(&w, &old.id), 14);

    let now = chrono::Utc::now().naive_utc();
    let done = w
        .app
        .db
        .transaction(move |conn| privacy::anonymise_due(conn, now, privacy::BATCH))
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(
        (done[0].client_id.as_str(), done[0].count),
        (w.client.id.as_str(), 2)
    );

    for (c, gone) in [(&old, true), (&old_untested, true), (&recent, false)] {
        let got: Candidate = w
            .app
            .get(&format!("/candidates/{}", c.id), Some(&w.client_user))
            .await
            .expect(200);
        assert_eq!(got.anonymised_at.is_some(), gone, "{}", c.email);
        if gone {
            assert_eq!(
                (got.first_name.as_str(), got.last_name.as_str()),
                ("Anonymised", "candidate")
            );
            assert_eq!(got.email, format!("anonymised+{}@invalid", c.id));
            assert_eq!(got.phone, None);
            assert!(!got.active);
        } else {
            assert_eq!(
                (got.email.as_str(), got.phone.is_some()),
                (c.email.as_str(), true)
            );
        }
    }
    let kept_now: Candidate = w
        .app
        .get(&format!("/candidates/{}", kept.id), Some(&other_user))
        .await
        .expect(200);
    assert_eq!(kept_now.anonymised_at, None);
    // Answers are gone, scores stay: the results add up as before, the books are untouched.
    assert_eq!(answers_of(&w, &old.id), 0);
    assert_eq!(answers_of(&w, &recent.id), 14);
    assert_eq!(results(&w, &p.id).await, results_before);
    assert_eq!(books(&w).await, books_before);
    // The client's activity log says what the job did.
    let logged = events(&w, &w.client_user, "candidates.anonymised").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].details["count"], 2);
    assert_eq!(logged[0].details["reason"], "retention");
    // Idempotent: a second run finds nothing.
    let again = w
        .app
        .db
        .transaction(move |conn| privacy::anonymise_due(conn, now, privacy::BATCH))
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(
        events(&w, &w.client_user, "candidates.anonymised")
            .await
            .len(),
        1
    );
    // The anonymised candidate's link no longer opens anything; the listing shows the row.
    let list: Page<Candidate> = w
        .app
        .get("/candidates?limit=200", Some(&w.client_user))
        .await
        .json();
    assert_eq!(
        list.data
            .iter()
            .filter(|c| c.anonymised_at.is_some())
            .count(),
        2
    );
}

async fn concurrent_runs_anonymise_each_candidate_once(backend: Backend) {
    let w = world(backend, 100).await;
    let p = w.project(&["numerical"], json!({})).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let c = invite(
            &w,
            &p.id,
            "Many",
            &format!("Many{i}"),
            &format!("many{i}@cand.example"),
        )
        .await;
        set_last_activity(&w, &c.id, 800);
        ids.push(c.id);
    }
    let now = chrono::Utc::now().naive_utc();
    // Batches of 5: two runs race through the same due candidates until none is left.
    let run = |db: credence_api::db::Db| async move {
        let mut total = 0;
        loop {
            let done = db
                .transaction(move |conn| privacy::anonymise_due(conn, now, 5))
                .await
                .unwrap();
            let n: usize = done.iter().map(|d| d.count).sum();
            total += n;
            if n == 0 {
                let left: i64 = db
                    .run(move |conn: &mut DbConnection| {
                        Ok(candidates::table
                            .filter(candidates::anonymised_at.is_null())
                            .count()
                            .get_result(conn)?)
                    })
                    .await
                    .unwrap();
                if left == 0 {
                    return total;
                }
            }
        }
    };
    let first = actix_web::rt::spawn(run(w.app.db.clone()));
    let b = run(w.app.db.clone()).await;
    let a = first.await.unwrap();
    assert_eq!(a + b, 12, "{a} + {b}");
    let logged: i64 = events(&w, &w.client_user, "candidates.anonymised")
        .await
        .iter()
        .map(|e| e.details["count"].as_i64().unwrap())
        .sum();
    assert_eq!(logged, 12);
}

async fn the_housekeeping_job_anonymises_on_its_own(backend: Backend) {
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
    let due = invite(&w, &p.id, "Dora", "Due", "dora@cand.example").await;
    let fresh = invite(&w, &p.id, "Fred", "Fresh", "fred@cand.example").await;
    set_last_activity(&w, &due.id, 731);
    let path = format!("/candidates/{}", due.id);
    let got: Candidate = wait_until(
        "the job anonymises the due candidate",
        std::time::Duration::from_secs(10),
        || async {
            let c: Candidate = w.app.get(&path, Some(&w.client_user)).await.json();
            c.anonymised_at.is_some().then_some(c)
        },
    )
    .await;
    assert_eq!(got.email, format!("anonymised+{}@invalid", due.id));
    // Several more rounds later: still one event, and the fresh candidate untouched.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    let logged = events(&w, &w.client_user, "candidates.anonymised").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].details["count"], 1);
    let f: Candidate = w
        .app
        .get(&format!("/candidates/{}", fresh.id), Some(&w.client_user))
        .await
        .json();
    assert_eq!(
        (f.anonymised_at, f.email.as_str()),
        (None, "fred@cand.example")
    );
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `table.column` for every text column of every table holding `needle` (any case).
fn tables_holding(conn: &mut DbConnection, needle: &str) -> Vec<String> {
    let columns: Vec<Column> = match conn {
        DbConnection::Sqlite(_) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND upper(p.type) NOT IN ('INTEGER', 'BIGINT', 'BOOLEAN', 'TIMESTAMP', 'DOUBLE', 'REAL', 'BLOB')",
        )
        .load(conn)
        .unwrap(),
        DbConnection::Postgres(_) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')",
        )
        .load(conn)
        .unwrap(),
    };
    assert!(columns.len() > 50, "{} text columns", columns.len());
    let placeholder = match conn {
        DbConnection::Sqlite(_) => "?",
        DbConnection::Postgres(_) => "$1",
    };
    let mut found = Vec::new();
    for c in columns {
        let n: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM \"{}\" WHERE lower(CAST(\"{}\" AS TEXT)) LIKE {placeholder}",
            c.table_name, c.column_name
        ))
        .bind::<Text, _>(format!("%{}%", needle.to_lowercase()))
        .get_result(conn)
        .unwrap();
        if n.n > 0 {
            found.push(format!("{}.{}", c.table_name, c.column_name));
        }
    }
    found
}

async fn an_erased_candidates_email_is_gone_from_every_table_and_the_books_are_untouched(
    backend: Backend,
) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    let email = "erin.zebrowski@cand.example";
    // With an Idempotency-Key, the answer (naming the candidate) is stored for replay.
    let erin: Candidate = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, "/candidates", Some(&w.client_user))
                .header("Idempotency-Key", "erin-1")
                .json(&json!({ "project_id": p.id, "first_name": "Erin", "last_name": "Zebrowski", "email": email, "phone": "+44 20 7946 0000" })),
        )
        .await
        .expect(201);
    let token = take_test(&w, email).await;
    w.app
        .patch(
            &format!("/candidates/{}", erin.id),
            Some(&w.client_user),
            json!({ "phone": "+44 20 7946 0001" }),
        )
        .await
        .assert_status(200);
    let bystander = invite(&w, &p.id, "Bea", "Bystander", "bea@cand.example").await;
    {
        let mut conn = w.app.conn();
        let before = tables_holding(&mut conn, email);
        assert!(
            before.contains(&"candidates.email".to_string()),
            "{before:?}"
        );
        assert!(
            before.contains(&"outbox.to_address".to_string()),
            "{before:?}"
        );
        assert!(
            before.contains(&"idempotency_keys.response_body".to_string()),
            "{before:?}"
        );
    }
    let books_before = books(&w).await;
    let path = format!("/candidates/{}/erasure", erin.id);
    // A reason is required; another reseller's staff do not find the candidate.
    for body in [json!({}), json!({ "reason": "   " })] {
        let reply = w.app.post(&path, Some(&w.client_user), body).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), ["reason"]);
    }
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    w.app
        .post(&path, Some(&other), json!({ "reason": "asked" }))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get(&format!("/candidates/{}", erin.id), Some(&w.client_user))
        .await
        .expect::<Candidate>(200);
    let erased: Candidate = w
        .app
        .post(
            &path,
            Some(&w.client_user),
            json!({ "reason": "The candidate asked by email on 1 December." }),
        )
        .await
        .expect(200);
    assert!(erased.anonymised_at.is_some());
    assert_eq!(erased.email, format!("anonymised+{}@invalid", erin.id));
    w.app
        .post(&path, Some(&w.reseller), json!({ "reason": "again" }))
        .await
        .assert_problem(409, "already_anonymised");
    // Nothing can put personal data back on the anonymised row, nor mail it.
    w.app
        .patch(
            &format!("/candidates/{}", erin.id),
            Some(&w.client_user),
            json!({ "email": email }),
        )
        .await
        .assert_problem(409, "candidate_anonymised");
    w.app
        .post(
            &format!("/candidates/{}/invitations", erin.id),
            Some(&w.client_user),
            json!({ "project_id": p.id }),
        )
        .await
        .assert_problem(409, "candidate_anonymised");
    w.app
        .post(
            &format!("/invitations/{}/resend", erin.invitations[0].id),
            Some(&w.client_user),
            json!({}),
        )
        .await
        .assert_problem(409, "candidate_anonymised");
    // Gone from every text column of every table (SQLite's search table included), on both
    // databases; the bystander is still there.
    {
        let mut conn = w.app.conn();
        assert_eq!(tables_holding(&mut conn, email), Vec::<String>::new());
        assert_eq!(tables_holding(&mut conn, "Zebrowski"), Vec::<String>::new());
        assert_eq!(
            tables_holding(&mut conn, "+44 20 7946 000"),
            Vec::<String>::new()
        );
        assert!(
            tables_holding(&mut conn, "bea@cand.example").contains(&"candidates.email".to_string())
        );
    }
    assert_eq!(answers_of(&w, &erin.id), 0);
    // Never a refund nor a charge; the scores still count.
    assert_eq!(books(&w).await, books_before);
    let results = results(&w, &p.id).await;
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .any(|r| r.starts_with("submitted") && r.contains("\"sten\"")));
    // Audit-logged with the reason; the candidate's session is over.
    let logged = events(&w, &w.client_user, "candidate.erased").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].object_id.as_deref(), Some(erin.id.as_str()));
    assert_eq!(
        logged[0].details["reason"],
        "The candidate asked by email on 1 December."
    );
    w.app
        .get("/candidate/me", Some(&token))
        .await
        .assert_status(401);
    // A replayed create answers with the anonymised placeholders, not the person.
    let replay = w
        .app
        .send(
            w.app
                .request(reqwest::Method::POST, "/candidates", Some(&w.client_user))
                .header("Idempotency-Key", "erin-1")
                .json(&json!({ "project_id": p.id, "first_name": "Erin", "last_name": "Zebrowski", "email": email, "phone": "+44 20 7946 0000" })),
        )
        .await;
    assert!(!replay.text().contains(email), "{}", replay.text());
    let _ = bystander;
}

async fn an_export_holds_the_candidates_data_and_nothing_of_another_tenant(backend: Backend) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    let alex = invite(&w, &p.id, "Alex", "Exporter", "alex@cand.example").await;
    let token = take_test(&w, "alex@cand.example").await;
    invite(&w, &p.id, "Sam", "Sibling", "sam@cand.example").await;
    let path = format!("/candidates/{}/export", alex.id);
    let reply = w.app.get(&path, Some(&w.client_user)).await;
    let export: CandidateExport = reply.expect(200);
    assert_eq!(export.candidate.email, "alex@cand.example");
    assert_eq!(export.candidate.client_name, "Hiring Co");
    assert_eq!(export.candidate.phone.as_deref(), Some("+44 20 7946 0958"));
    assert!(export.candidate.last_activity_at.is_some());
    assert_eq!(export.invitations.len(), 1);
    let inv = &export.invitations[0];
    assert_eq!(inv.project_name, "Graduate intake");
    assert_eq!(inv.assessments.len(), 1);
    let a = &inv.assessments[0];
    assert_eq!(a.status.as_str(), "submitted");
    assert_eq!(a.answers.len(), 14);
    assert!(a
        .answers
        .iter()
        .all(|x| !x.question.is_empty() && !x.answer.is_empty()));
    assert!(
        a.sten.is_some() && a.percentile.is_some(),
        "client users get the scores"
    );
    // Mail: the invitation to them and the report naming them.
    let kinds: Vec<&str> = export.emails.iter().map(|m| m.kind.as_str()).collect();
    assert!(kinds.contains(&"invitation"), "{kinds:?}");
    assert!(kinds.contains(&"report_summary"), "{kinds:?}");
    let actions: Vec<&str> = export.events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"invitation.created"), "{actions:?}");
    assert!(actions.contains(&"assessment.submitted"), "{actions:?}");
    let text = reply.text();
    assert!(!text.contains("sam@cand.example"));
    assert!(!text.contains("\"amount_minor\""));
    // The reseller's staff get no scores; another reseller finds nothing; unknown ids 404.
    let for_reseller: CandidateExport = w.app.get(&path, Some(&w.reseller)).await.expect(200);
    assert_eq!(for_reseller.invitations[0].assessments[0].sten, None);
    assert_eq!(for_reseller.invitations[0].assessments[0].answers.len(), 14);
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Partners").await;
    w.app
        .get(&path, Some(&other))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get("/candidates/nope/export", Some(&w.client_user))
        .await
        .assert_problem(404, "not_found");
    // The candidate's own copy: their details, answers and mail, no scores, no audit trail.
    let own: CandidateExport = w
        .app
        .get("/candidate/me/export", Some(&token))
        .await
        .expect(200);
    assert_eq!(own.candidate.email, "alex@cand.example");
    assert_eq!(own.invitations[0].assessments[0].answers.len(), 14);
    assert_eq!(own.invitations[0].assessments[0].sten, None);
    assert!(own.events.is_empty());
    assert!(own.emails.iter().all(|m| m.to == "alex@cand.example"));
    assert!(own.emails.iter().any(|m| m.kind == "invitation"));
    w.app
        .get("/candidate/me/export", None)
        .await
        .assert_status(401);
}
