//! Incremental sync on every list: `created_after`, `updated_after` (where rows keep a change
//! time) and `order=newest|oldest`, with the cursor following the order.

use chrono::{DateTime, SecondsFormat, Utc};
use credence_shared::assess::Candidate;
use credence_shared::reseller::{Client, LedgerEntry};
use credence_shared::Page;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::app::Backend;
use crate::app::TestApp;
use crate::assessments_world::world;
use crate::both_backends;

both_backends!(
    lists_filter_by_creation_and_change_time_in_either_order,
    bad_sync_parameters_are_a_400,
);

fn at(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Every row of a list, following `next_cursor` one row at a time.
async fn all<T: DeserializeOwned>(app: &TestApp, token: &str, path: &str) -> Vec<T> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=1&cursor={c}"),
            None => format!("{path}{sep}limit=1"),
        };
        let page: Page<T> = app.get(&url, Some(token)).await.expect(200);
        out.extend(page.data);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
}

fn names(clients: &[Client]) -> Vec<&str> {
    clients.iter().map(|c| c.name.as_str()).collect()
}

async fn lists_filter_by_creation_and_change_time_in_either_order(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let a = app.create_client(&w.reseller, "Acme", 1).await;
    app.create_client(&w.reseller, "Bravo", 1).await;
    let c = app.create_client(&w.reseller, "Charlie", 1).await;

    // Created after Acme: newest first by default, oldest first when asked.
    let after_a = format!("/clients?created_after={}", at(&a.created_at));
    let page: Page<Client> = app.get(&after_a, Some(&w.reseller)).await.expect(200);
    assert_eq!(names(&page.data), ["Charlie", "Bravo"]);
    let page: Page<Client> = app
        .get(&format!("{after_a}&order=oldest"), Some(&w.reseller))
        .await
        .expect(200);
    assert_eq!(names(&page.data), ["Bravo", "Charlie"]);
    // The cursor follows the order: one row a page, each row once.
    let oldest: Vec<Client> = all(app, &w.reseller, "/clients?order=oldest").await;
    assert_eq!(names(&oldest), ["Hiring Co", "Acme", "Bravo", "Charlie"]);
    let newest: Vec<Client> = all(app, &w.reseller, "/clients?order=newest").await;
    assert_eq!(names(&newest), ["Charlie", "Bravo", "Acme", "Hiring Co"]);
    let synced: Vec<Client> = all(app, &w.reseller, &format!("{after_a}&order=oldest")).await;
    assert_eq!(names(&synced), ["Bravo", "Charlie"]);

    // Changed after Charlie was made: only what was edited since.
    let edited: Client = app
        .patch(
            &format!("/clients/{}", a.id),
            Some(&w.reseller),
            json!({ "name": "Acme Renamed" }),
        )
        .await
        .expect(200);
    assert!(edited.updated_at > c.updated_at);
    let changed: Page<Client> = app
        .get(
            &format!("/clients?updated_after={}", at(&c.updated_at)),
            Some(&w.reseller),
        )
        .await
        .expect(200);
    assert_eq!(names(&changed.data), ["Acme Renamed"]);

    // Candidates the same way, as the client user syncs them.
    let p = w.project(&["numerical"], json!({})).await;
    let mut people: Vec<Candidate> = Vec::new();
    for (first, email) in [("Ann", "ann@cand.example"), ("Ben", "ben@cand.example")] {
        people.push(
            app.post(
                "/candidates",
                Some(&w.client_user),
                json!({ "project_id": p.id, "first_name": first, "last_name": "Sync", "email": email }),
            )
            .await
            .expect(201),
        );
    }
    let ann_edited: Candidate = app
        .patch(
            &format!("/candidates/{}", people[0].id),
            Some(&w.client_user),
            json!({ "first_name": "Anne" }),
        )
        .await
        .expect(200);
    assert!(ann_edited.updated_at > people[1].updated_at);
    let changed: Page<Candidate> = app
        .get(
            &format!("/candidates?updated_after={}", at(&people[1].updated_at)),
            Some(&w.client_user),
        )
        .await
        .expect(200);
    let firsts: Vec<&str> = changed.data.iter().map(|c| c.first_name.as_str()).collect();
    assert_eq!(firsts, ["Anne"]);
    let created: Page<Candidate> = app
        .get(
            &format!(
                "/candidates?created_after={}&order=oldest",
                at(&people[0].created_at)
            ),
            Some(&w.client_user),
        )
        .await
        .expect(200);
    let firsts: Vec<&str> = created.data.iter().map(|c| c.first_name.as_str()).collect();
    assert_eq!(firsts, ["Ben"]);

    // An append-only list (the ledger) syncs by creation time, oldest first when asked.
    let ledger: Vec<LedgerEntry> = all(
        app,
        &w.reseller,
        &format!("/clients/{}/ledger?order=oldest", w.client.id),
    )
    .await;
    assert_eq!(ledger.len(), 3, "the grant and two invitations");
    assert!(ledger
        .windows(2)
        .all(|e| e[0].created_at <= e[1].created_at));
    let later: Page<LedgerEntry> = app
        .get(
            &format!(
                "/clients/{}/ledger?created_after={}&order=oldest",
                w.client.id,
                at(&ledger[0].created_at)
            ),
            Some(&w.reseller),
        )
        .await
        .expect(200);
    let ids: Vec<&str> = later.data.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [ledger[1].id.as_str(), ledger[2].id.as_str()]);
}

async fn bad_sync_parameters_are_a_400(backend: Backend) {
    let w = world(backend, 10).await;
    for path in [
        "/clients?created_after=yesterday",
        "/clients?updated_after=2026-13-01T00:00:00Z",
        "/clients?created_after=2026-12-01",
        "/clients?order=sideways",
        "/candidates?order=NEWEST",
    ] {
        w.app
            .get(path, Some(&w.reseller))
            .await
            .assert_problem(400, "invalid_query");
    }
    // The ledger keeps no change time: `updated_after` is refused rather than ignored.
    w.app
        .get(
            &format!(
                "/clients/{}/ledger?updated_after=2026-01-01T00:00:00Z",
                w.client.id
            ),
            Some(&w.reseller),
        )
        .await
        .assert_problem(400, "invalid_query");
    // An offset is an instant like any other.
    let page: Page<Client> = w
        .app
        .get(
            "/clients?created_after=2000-01-01T01:00:00%2B01:00",
            Some(&w.reseller),
        )
        .await
        .expect(200);
    assert_eq!(page.data.len(), 1);
}
