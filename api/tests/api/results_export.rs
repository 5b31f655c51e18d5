//! A project's results at size: the list pages like every other list, and `results.csv`
//! streams every row (more than one batch) without building the file first.

use std::collections::HashSet;

use credence_shared::assess::ProjectResult;
use credence_shared::Page;
use diesel::prelude::*;

use crate::app::Backend;
use crate::assessments_world::{world, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(results_page_with_a_cursor, results_csv_streams_every_row,);

/// More rows than one export batch (500) holds, so the CSV crosses batch boundaries.
const BULK: usize = 1_201;

/// `BULK` invited candidates of the project, inserted straight into the tables (inviting
/// through the API one by one would take minutes). Ids sort in insertion order.
fn insert_invited(w: &World, project_id: &str) {
    let mut conn = w.app.conn();
    for chunk in (0..BULK).collect::<Vec<_>>().chunks(300) {
        let mut people = Vec::new();
        let mut invites = Vec::new();
        for i in chunk {
            let candidate = format!("019b0000-0000-7000-8000-{i:012}");
            let invitation = format!("019b0000-0001-7000-8000-{i:012}");
            people.push(format!(
                "('{candidate}', '{}', 'Bulk', 'Person {i:04}', 'bulk{i}@cand.example', NULL, 0, TRUE, '2026-06-15 12:00:00', '2026-06-15 12:00:00', (SELECT reseller_id FROM clients WHERE id = '{}'))",
                w.client.id, w.client.id
            ));
            invites.push(format!(
                "('{invitation}', '{candidate}', '{project_id}', '{}', NULL, 'invited', 1, '2026-07-15 12:00:00', '2026-06-15 12:00:00', '2026-06-15 12:00:00')",
                w.client.id
            ));
        }
        diesel::sql_query(format!(
            "INSERT INTO candidates (id, client_id, first_name, last_name, email, phone, extra_time_percent, active, created_at, updated_at, reseller_id) VALUES {}",
            people.join(", ")
        ))
        .execute(&mut *conn)
        .unwrap();
        diesel::sql_query(format!(
            "INSERT INTO invitations (id, candidate_id, project_id, client_id, token_hash, status, credits_charged, expires_at, created_at, updated_at) VALUES {}",
            invites.join(", ")
        ))
        .execute(&mut *conn)
        .unwrap();
    }
}

async fn results_page_with_a_cursor(backend: Backend) {
    let w = world(backend, 5).await;
    let p = w.project(&["numerical"], serde_json::json!({})).await;
    insert_invited(&w, &p.id);
    let path = format!("/projects/{}/results", p.id);

    let first: Page<ProjectResult> = w.app.get(&path, Some(&w.client_user)).await.json();
    assert_eq!(first.data.len(), 50, "the default page is 50 rows");
    assert!(first.next_cursor.is_some());

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=200&cursor={c}"),
            None => format!("{path}?limit=200"),
        };
        let page: Page<ProjectResult> = w.app.get(&url, Some(&w.reseller)).await.json();
        assert!(page.data.len() <= 200);
        seen.extend(page.data.into_iter().map(|r| r.invitation_id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), BULK, "every invitation once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), BULK);
    let mut newest_first = seen.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, newest_first, "newest invitation first");

    for bad in ["limit=0", "limit=201", "cursor=not-a-cursor"] {
        w.app
            .get(&format!("{path}?{bad}"), Some(&w.client_user))
            .await
            .assert_problem(400, "invalid_query");
    }
}

async fn results_csv_streams_every_row(backend: Backend) {
    let w = world(backend, 5).await;
    let p = w
        .project(&["numerical", "personality"], serde_json::json!({}))
        .await;
    insert_invited(&w, &p.id);
    let path = format!("/projects/{}/results.csv", p.id);

    let csv = w.app.get(&path, Some(&w.client_user)).await;
    csv.assert_status(200);
    assert!(csv.content_type().starts_with("text/csv"));
    assert_eq!(
        csv.header("content-length"),
        None,
        "streamed in chunks, not built first"
    );
    let text = csv.text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    // Score columns come from the project's tests before any row is read: the total of the
    // aptitude test, then one per trait, "total" first and traits alphabetically.
    assert_eq!(
        lines[0],
        "first_name,last_name,email,status,submitted_at,\
         Numerical Reasoning percentile,Numerical Reasoning sten,Numerical Reasoning T,\
         Work Personality Questionnaire agreeableness percentile,Work Personality Questionnaire agreeableness sten,Work Personality Questionnaire agreeableness T,\
         Work Personality Questionnaire conscientiousness percentile,Work Personality Questionnaire conscientiousness sten,Work Personality Questionnaire conscientiousness T,\
         Work Personality Questionnaire emotional_stability percentile,Work Personality Questionnaire emotional_stability sten,Work Personality Questionnaire emotional_stability T,\
         Work Personality Questionnaire extraversion percentile,Work Personality Questionnaire extraversion sten,Work Personality Questionnaire extraversion T,\
         Work Personality Questionnaire openness percentile,Work Personality Questionnaire openness sten,Work Personality Questionnaire openness T"
    );
    let rows = &lines[1..];
    assert_eq!(rows.len(), BULK, "every row, across batches");
    let emails: HashSet<&str> = rows.iter().map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!(emails.len(), BULK, "no row twice");
    assert!(
        rows[0].starts_with(&format!("Bulk,Person {:04},", BULK - 1)),
        "newest first: {}",
        rows[0]
    );
    assert!(
        rows.iter().all(|l| l.split(',').count() == 23),
        "5 cells + 18 empty score cells"
    );

    // The reseller gets the same rows and never a score column.
    let reseller_csv = w.app.get(&path, Some(&w.reseller)).await.text();
    let reseller_lines: Vec<&str> = reseller_csv
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        reseller_lines[0],
        "first_name,last_name,email,status,submitted_at"
    );
    assert_eq!(reseller_lines.len(), BULK + 1);

    // Another reseller's staff learn nothing, not even that the project exists.
    let admin = w.app.admin_token().await;
    let (_, other) = reseller_with_user(&w.app, &admin, "Elsewhere Ltd").await;
    w.app
        .get(&path, Some(&other))
        .await
        .assert_problem(404, "not_found");
}
