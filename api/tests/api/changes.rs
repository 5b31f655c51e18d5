//! The changes feed (`GET /changes`): a partner syncs without webhooks by reading what changed
//! since its last cursor — its own tenant's changes only, oldest first, once settled, without
//! the Login As request trail.

use credence_api::db::schema::audit_events;
use credence_shared::events::ChangeFeed;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, TestApp};
use crate::assessments_world::world;
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(the_feed_lists_each_settled_change_once_in_order);

/// Ages every audit event by a minute, past the feed's settling time.
fn settle(app: &TestApp) {
    let mut conn = app.conn();
    let rows: Vec<(String, chrono::NaiveDateTime)> = audit_events::table
        .select((audit_events::id, audit_events::created_at))
        .load(&mut *conn)
        .unwrap();
    for (id, at) in rows {
        diesel::update(audit_events::table.find(&id))
            .set(audit_events::created_at.eq(at - chrono::TimeDelta::seconds(60)))
            .execute(&mut *conn)
            .unwrap();
    }
}

async fn feed(app: &TestApp, token: &str, query: &str) -> ChangeFeed {
    app.get(&format!("/changes{query}"), Some(token))
        .await
        .expect(200)
}

async fn the_feed_lists_each_settled_change_once_in_order(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, stranger) = reseller_with_user(app, &admin, "Stranger Partners").await;
    let project = w.project(&["numerical"], json!({})).await;
    let candidate = w.invited(&project, "sync@cand.example").await;
    // The reseller looks around as the client user: that trail is not a change.
    let me: serde_json::Value = app.get("/me", Some(&w.client_user)).await.json();
    let viewing = app.login_as(&w.reseller, me["id"].as_str().unwrap()).await;
    app.get("/projects", Some(&viewing))
        .await
        .assert_status(200);

    // Nothing is listed until it has settled.
    let fresh = feed(app, &w.client_user, "").await;
    assert!(fresh.data.is_empty(), "{fresh:?}");
    assert_eq!(fresh.next_after, None);

    settle(app);
    let all = feed(app, &w.client_user, "").await;
    let ids: Vec<&str> = all.data.iter().map(|c| c.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "oldest first");
    let of = |action: &str| all.data.iter().find(|c| c.action == action).cloned();
    assert_eq!(
        of("project.created").and_then(|c| c.object_id),
        Some(project.id.clone())
    );
    assert_eq!(
        of("invitation.created").and_then(|c| c.object_id),
        Some(candidate.invitations[0].id.clone())
    );
    assert!(all.data.iter().all(|c| c.action != "impersonation.request"));
    assert_eq!(all.next_after.as_deref(), ids.last().copied());

    // Page by page with the cursor: the same changes, each once.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let query = match &after {
            Some(a) => format!("?limit=2&after={a}"),
            None => "?limit=2".to_string(),
        };
        let page = feed(app, &w.client_user, &query).await;
        if page.data.is_empty() {
            assert_eq!(page.next_after, after, "an empty page keeps the cursor");
            break;
        }
        seen.extend(page.data.iter().map(|c| c.id.clone()));
        after = page.next_after;
    }
    assert_eq!(seen, ids);

    // The reseller sees its client's changes; another reseller none of them.
    let reseller_feed = feed(app, &w.reseller, "?limit=200").await;
    assert!(reseller_feed
        .data
        .iter()
        .any(|c| c.object_id.as_deref() == Some(project.id.as_str())));
    let theirs = feed(app, &stranger, "?limit=200").await;
    assert!(theirs.data.iter().all(|c| !ids.contains(&c.id.as_str())));

    for bad in ["0", "201"] {
        app.get(&format!("/changes?limit={bad}"), Some(&w.client_user))
            .await
            .assert_problem(422, "validation_failed");
    }
}
