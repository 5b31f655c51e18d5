//! Candidate search: the same answers on SQLite (FTS5 trigram table) and PostgreSQL (pg_trgm
//! indexes) — a case-insensitive substring of "first last" or the email, wildcards taken
//! literally, short queries too, names changed later found by their new name, never another
//! reseller's candidates.

use credence_shared::assess::{Candidate, Project};
use credence_shared::Page;
use serde_json::json;

use crate::app::Backend;
use crate::assessments_world::{test_id, world, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(search_finds_the_same_candidates_on_both_databases);

async fn invite(w: &World, p: &Project, first: &str, last: &str, email: &str) -> Candidate {
    w.app
        .post(
            "/candidates",
            Some(&w.client_user),
            json!({ "project_id": p.id, "first_name": first, "last_name": last, "email": email }),
        )
        .await
        .expect(201)
}

/// First names of the candidates `q` finds for this token (every page), sorted.
async fn found(w: &World, token: &str, q: &str) -> Vec<String> {
    let q = urlencoding(q);
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/candidates?q={q}&limit=2&cursor={c}"),
            None => format!("/candidates?q={q}&limit=2"),
        };
        let page: Page<Candidate> = w.app.get(&path, Some(token)).await.json();
        names.extend(page.data.into_iter().map(|c| c.first_name));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    names.sort();
    names
}

fn urlencoding(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search_finds_the_same_candidates_on_both_databases(backend: Backend) {
    let w = world(backend, 20).await;
    let p = w.project(&["numerical"], json!({})).await;
    invite(&w, &p, "Ann", "Smith", "ann.smith@a.example").await;
    let bob = invite(&w, &p, "Bob", "Smithers", "bob@b.example").await;
    invite(&w, &p, "Zoë", "Ångström", "zoe@c.example").await;
    invite(&w, &p, "Carl", "50%_Off", "carl@d.example").await;
    invite(&w, &p, "Dee", "O'Neil", "dee@e.example").await;
    invite(&w, &p, "Eve", "Jones", "smith.eve@f.example").await;

    let cases: &[(&str, &[&str])] = &[
        ("smith", &["Ann", "Bob", "Eve"]),
        ("SMITHERS", &["Bob"]),
        ("ann s", &["Ann"]),
        ("  smithers  ", &["Bob"]),
        ("ngström", &["Zoë"]),
        ("@b.ex", &["Bob"]),
        ("o'n", &["Dee"]),
        ("50%", &["Carl"]),
        ("%", &["Carl"]),
        ("_", &["Carl"]),
        ("sm", &["Ann", "Bob", "Eve"]),
        ("zz", &[]),
        ("nobody here", &[]),
    ];
    for (q, expected) in cases {
        assert_eq!(&found(&w, &w.client_user, q).await, expected, "q = {q:?}");
        assert_eq!(
            &found(&w, &w.reseller, q).await,
            expected,
            "reseller, q = {q:?}"
        );
    }

    // A renamed candidate is found by the new name only.
    w.app
        .patch(
            &format!("/candidates/{}", bob.id),
            Some(&w.client_user),
            json!({ "last_name": "Brown" }),
        )
        .await
        .assert_status(200);
    assert!(found(&w, &w.client_user, "smithers").await.is_empty());
    assert_eq!(found(&w, &w.client_user, "bob brown").await, ["Bob"]);

    // Another reseller's client with a namesake: neither side sees the other's.
    let admin = w.app.admin_token().await;
    let (_, other_reseller) = reseller_with_user(&w.app, &admin, "Other Partners").await;
    let other_client = w.app.create_client(&other_reseller, "Other Co", 5).await;
    let (_, other_user) = w
        .app
        .client_user(&other_reseller, Some(&other_client.id), "hr@other.example")
        .await;
    let (test_id, norm_group_id) = test_id(&w.catalogue().await, "numerical");
    let op: Project = w
        .app
        .post(
            "/projects",
            Some(&other_user),
            json!({ "name": "Elsewhere", "tests": [{ "test_id": test_id, "norm_group_id": norm_group_id }] }),
        )
        .await
        .expect(201);
    w.app
        .post(
            "/candidates",
            Some(&other_user),
            json!({ "project_id": op.id, "first_name": "Ann", "last_name": "Smith", "email": "ann.smith@a.example" }),
        )
        .await
        .assert_status(201);
    assert_eq!(found(&w, &other_user, "smith").await, ["Ann"]);
    assert_eq!(found(&w, &other_reseller, "smith").await, ["Ann"]);
    assert_eq!(found(&w, &w.reseller, "smith").await, ["Ann", "Eve"]);
    assert_eq!(found(&w, &w.client_user, "smith").await, ["Ann", "Eve"]);
}
