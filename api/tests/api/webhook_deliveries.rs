//! The delivery log (issue #7): what `GET /webhooks/{id}/deliveries` shows after a success and
//! after failures, its pages, redelivery (and its 409s), the `ping` test event, and that none
//! of it reaches across tenants.

use std::sync::atomic::Ordering;
use std::time::Duration;

use credence_api::db::schema::{webhook_deliveries as d, webhooks};
use credence_shared::admin::AuditEvent;
use credence_shared::reseller::{Webhook, WebhookDelivery};
use credence_shared::{Page, WebhookDeliveryStatus as Status};
use diesel::prelude::*;
use serde_json::json;

use crate::app::{spawn_app, Backend, TestApp};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::hooks::{assert_signed, credits_low, delivery_header, receiver, subscribe, Answer};
use crate::wait::wait_until;

both_backends!(
    the_log_shows_a_delivered_event,
    the_log_shows_failures_and_the_next_attempt,
    the_log_pages_newest_first,
    redelivery_sends_the_same_body_again,
    redelivery_and_test_events_wait_for_pending_ones,
    other_tenants_get_404,
    a_test_event_is_a_signed_ping,
);

fn log_path(hook: &Webhook) -> String {
    format!("/webhooks/{}/deliveries", hook.id)
}

async fn log(app: &TestApp, token: &str, hook: &Webhook) -> Vec<WebhookDelivery> {
    let page: Page<WebhookDelivery> = app.get(&log_path(hook), Some(token)).await.json();
    page.data
}

/// The log once `ready` holds for it.
async fn log_when(
    app: &TestApp,
    token: &str,
    hook: &Webhook,
    what: &str,
    ready: impl Fn(&[WebhookDelivery]) -> bool,
) -> Vec<WebhookDelivery> {
    wait_until(what, Duration::from_secs(8), || async {
        let rows = log(app, token, hook).await;
        ready(&rows).then_some(rows)
    })
    .await
}

fn redeliver_path(hook: &Webhook, delivery: &WebhookDelivery) -> String {
    format!("/webhooks/{}/deliveries/{}/redeliver", hook.id, delivery.id)
}

/// Makes the delivery's last attempt due now (as if seven had failed before).
fn make_last_attempt_due(app: &TestApp, delivery_id: &str) {
    let mut conn = app.conn();
    diesel::update(d::table.find(delivery_id))
        .set((
            d::attempts.eq(credence_api::jobs::mail::MAX_ATTEMPTS - 1),
            d::next_attempt_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
        ))
        .execute(&mut *conn)
        .unwrap();
}

async fn the_log_shows_a_delivered_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Logged Partners").await;
    let target = receiver(Answer::Status("200 OK")).await;
    let hook = subscribe(&app, &reseller, &target.url).await;
    let empty: Page<WebhookDelivery> = app.get(&log_path(&hook), Some(&reseller)).await.json();
    assert_eq!((empty.data.len(), empty.next_cursor), (0, None));
    credits_low(&app, &reseller, "Logged Co").await;
    let rows = log_when(&app, &reseller, &hook, "the event was delivered", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Delivered)
    })
    .await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.webhook_id, hook.id);
    assert_eq!(row.event, "client.credits_low");
    assert_eq!(
        (
            row.attempts,
            row.last_response_code,
            row.last_error.as_deref()
        ),
        (1, Some(200), None)
    );
    assert_eq!(
        (row.next_attempt_at, row.redelivery_of.as_deref()),
        (None, None)
    );
    assert!(row.last_attempt_at.unwrap() >= row.created_at);
    // The row is the request the receiver got.
    let head = target.heads.lock().unwrap()[0].clone();
    assert_eq!(delivery_header(&head), row.id);
}

async fn the_log_shows_failures_and_the_next_attempt(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Failing Partners").await;
    let failing = receiver(Answer::Status("500 Internal Server Error")).await;
    let hook = subscribe(&app, &reseller, &failing.url).await;
    credits_low(&app, &reseller, "Failing Co").await;
    let rows = log_when(&app, &reseller, &hook, "the first attempt failed", |rows| {
        rows.first().is_some_and(|r| r.attempts == 1)
    })
    .await;
    let first = &rows[0];
    assert_eq!(first.status, Status::Pending);
    assert_eq!(first.last_response_code, Some(500));
    assert_eq!(
        first.last_error.as_deref(),
        Some("HTTP 500 Internal Server Error")
    );
    let (last, next) = (
        first.last_attempt_at.unwrap(),
        first.next_attempt_at.unwrap(),
    );
    assert!(
        next - last >= chrono::Duration::seconds(29),
        "retried with backoff: {last} → {next}"
    );
    // The last attempt fails too: failed for good, nothing more due.
    make_last_attempt_due(&app, &first.id);
    let rows = log_when(&app, &reseller, &hook, "the delivery failed", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Failed)
    })
    .await;
    assert_eq!(
        (
            rows[0].attempts,
            rows[0].last_response_code,
            rows[0].next_attempt_at
        ),
        (credence_api::jobs::mail::MAX_ATTEMPTS, Some(500), None)
    );
    // An endpoint nobody listens on: no response code, and a sentence without internals.
    // Port 1 (tcpmux) is never served here; a port freed by a test listener could be taken by
    // another test's server before the delivery connects.
    let closed = "http://127.0.0.1:1/hooks".to_string();
    let unreachable = subscribe(&app, &reseller, &closed).await;
    credits_low(&app, &reseller, "Unreachable Co").await;
    let rows = log_when(
        &app,
        &reseller,
        &unreachable,
        "the connection failed",
        |rows| rows.first().is_some_and(|r| r.attempts == 1),
    )
    .await;
    assert_eq!(
        (
            rows[0].status,
            rows[0].last_response_code,
            rows[0].last_error.as_deref()
        ),
        (Status::Pending, None, Some("Could not connect"))
    );
}

async fn the_log_pages_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Paged Partners").await;
    let target = receiver(Answer::Status("204 No Content")).await;
    let hook = subscribe(&app, &reseller, &target.url).await;
    let mut queued: Vec<String> = {
        let mut conn = app.conn();
        (0..5)
            .map(|n| {
                credence_api::domain::webhooks::deliveries::queue_event(
                    &mut conn,
                    &hook.id,
                    "client.credits_low",
                    json!({ "n": n }),
                )
                .unwrap()
            })
            .collect()
    };
    queued.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut sizes = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("{}?limit=2&cursor={c}", log_path(&hook)),
            None => format!("{}?limit=2", log_path(&hook)),
        };
        let page: Page<WebhookDelivery> = app.get(&path, Some(&reseller)).await.json();
        sizes.push(page.data.len());
        seen.extend(page.data.into_iter().map(|r| r.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(seen, queued, "every delivery once, newest first");
    for bad in ["limit=0", "limit=201", "cursor=not-a-cursor", "status=sent"] {
        app.get(&format!("{}?{bad}", log_path(&hook)), Some(&reseller))
            .await
            .assert_problem(400, "invalid_query");
    }
    log_when(&app, &reseller, &hook, "all were delivered", |rows| {
        rows.iter().all(|r| r.status == Status::Delivered)
    })
    .await;
    let delivered: Page<WebhookDelivery> = app
        .get(
            &format!("{}?status=delivered", log_path(&hook)),
            Some(&reseller),
        )
        .await
        .json();
    assert_eq!(delivered.data.len(), 5);
    assert!(delivered
        .data
        .iter()
        .all(|r| r.last_response_code == Some(204)));
    let pending: Page<WebhookDelivery> = app
        .get(
            &format!("{}?status=pending", log_path(&hook)),
            Some(&reseller),
        )
        .await
        .json();
    assert!(pending.data.is_empty());
}

async fn redelivery_sends_the_same_body_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Again Partners").await;
    let target = receiver(Answer::Status("200 OK")).await;
    let hook = subscribe(&app, &reseller, &target.url).await;
    credits_low(&app, &reseller, "Again Co").await;
    let first = log_when(&app, &reseller, &hook, "the event was delivered", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Delivered)
    })
    .await
    .remove(0);
    let again: WebhookDelivery = app
        .post(&redeliver_path(&hook, &first), Some(&reseller), json!({}))
        .await
        .expect(201);
    assert_ne!(again.id, first.id);
    assert_eq!(again.redelivery_of.as_deref(), Some(first.id.as_str()));
    assert_eq!(
        (again.status, again.attempts, again.event.as_str()),
        (Status::Pending, 0, "client.credits_low")
    );
    let rows = log_when(
        &app,
        &reseller,
        &hook,
        "the redelivery was delivered",
        |rows| rows.len() == 2 && rows.iter().all(|r| r.status == Status::Delivered),
    )
    .await;
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [again.id.as_str(), first.id.as_str()]
    );
    assert_eq!(rows[0].last_response_code, Some(200));
    // The same body (so the same event id), under its own delivery id, signed like any other.
    let bodies = target.bodies.lock().unwrap().clone();
    let heads = target.heads.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1]);
    let event: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(event["id"], first.id.as_str());
    assert_eq!(delivery_header(&heads[1]), again.id);
    assert_signed(&heads[1], &bodies[1], hook.secret.as_deref().unwrap());
    let audit: Page<AuditEvent> = app.get("/audit-events", Some(&reseller)).await.json();
    let redelivered = audit
        .data
        .iter()
        .find(|e| e.action == "webhook.redelivered")
        .expect("audit-logged");
    assert_eq!(redelivered.details["redelivery_of"], first.id.as_str());
}

async fn redelivery_and_test_events_wait_for_pending_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Eager Partners").await;
    let failing = receiver(Answer::Status("503 Service Unavailable")).await;
    let hook = subscribe(&app, &reseller, &failing.url).await;
    credits_low(&app, &reseller, "Eager Co").await;
    let first = log_when(&app, &reseller, &hook, "the first attempt failed", |rows| {
        rows.first().is_some_and(|r| r.attempts == 1)
    })
    .await
    .remove(0);
    // Still pending (it is retried on its own): no redelivery.
    app.post(&redeliver_path(&hook, &first), Some(&reseller), json!({}))
        .await
        .assert_problem(409, "delivery_pending");
    assert_eq!(log(&app, &reseller, &hook).await.len(), 1);
    make_last_attempt_due(&app, &first.id);
    log_when(&app, &reseller, &hook, "the delivery failed", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Failed)
    })
    .await;
    // Failed: it may be redelivered, once at a time. The receiver now never answers, so the
    // redelivery stays in flight.
    let silent = receiver(Answer::Nothing).await;
    {
        let mut conn = app.conn();
        diesel::update(webhooks::table.find(&hook.id))
            .set(webhooks::url.eq(&silent.url))
            .execute(&mut *conn)
            .unwrap();
    }
    let again: WebhookDelivery = app
        .post(&redeliver_path(&hook, &first), Some(&reseller), json!({}))
        .await
        .expect(201);
    wait_until(
        "the redelivery is in flight",
        Duration::from_secs(5),
        || async { (silent.connections.load(Ordering::SeqCst) == 1).then_some(()) },
    )
    .await;
    app.post(&redeliver_path(&hook, &first), Some(&reseller), json!({}))
        .await
        .assert_problem(409, "delivery_pending");
    app.post(&redeliver_path(&hook, &again), Some(&reseller), json!({}))
        .await
        .assert_problem(409, "delivery_pending");
    // One test event at a time, too.
    let test_path = format!("/webhooks/{}/test", hook.id);
    let ping: WebhookDelivery = app
        .post(&test_path, Some(&reseller), json!({}))
        .await
        .expect(201);
    app.post(&test_path, Some(&reseller), json!({}))
        .await
        .assert_problem(409, "delivery_pending");
    let rows = log(&app, &reseller, &hook).await;
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [ping.id.as_str(), again.id.as_str(), first.id.as_str()]
    );
}

async fn other_tenants_get_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Private Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Nosy Partners").await;
    let target = receiver(Answer::Status("200 OK")).await;
    let hook = subscribe(&app, &reseller, &target.url).await;
    credits_low(&app, &reseller, "Private Co").await;
    let first = log_when(&app, &reseller, &hook, "the event was delivered", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Delivered)
    })
    .await
    .remove(0);
    // Another reseller, and a client user of the reseller's own client: not their webhook.
    let client = app.create_client(&reseller, "Private Client", 0).await;
    let (_, client_user) = app
        .client_user(&reseller, Some(&client.id), "cleo@private-client.example")
        .await;
    let own = subscribe(&app, &other, &target.url).await;
    let count = || {
        let mut conn = app.conn();
        d::table.count().get_result::<i64>(&mut *conn).unwrap()
    };
    let before = count();
    for token in [&other, &client_user] {
        app.get(&log_path(&hook), Some(token))
            .await
            .assert_problem(404, "not_found");
        app.post(&redeliver_path(&hook, &first), Some(token), json!({}))
            .await
            .assert_problem(404, "not_found");
        app.post(
            &format!("/webhooks/{}/test", hook.id),
            Some(token),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    }
    // A delivery of someone else's webhook, through one's own, is not found either.
    app.post(&redeliver_path(&own, &first), Some(&other), json!({}))
        .await
        .assert_problem(404, "not_found");
    let unknown = format!(
        "/webhooks/{}/deliveries/{}/redeliver",
        hook.id,
        uuid::Uuid::now_v7()
    );
    app.post(&unknown, Some(&reseller), json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(count(), before, "nothing was queued by any of it");
    // A deleted webhook's log is gone with it.
    app.delete(&format!("/webhooks/{}", hook.id), Some(&reseller))
        .await
        .assert_status(204);
    app.get(&log_path(&hook), Some(&reseller))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/webhooks/{}/test", hook.id),
        Some(&reseller),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn a_test_event_is_a_signed_ping(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Testing Partners").await;
    let target = receiver(Answer::Status("200 OK")).await;
    // Subscribed to `client.credits_low` only: the test event goes anyway.
    let hook = subscribe(&app, &reseller, &target.url).await;
    let ping: WebhookDelivery = app
        .post(
            &format!("/webhooks/{}/test", hook.id),
            Some(&reseller),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(
        (ping.event.as_str(), ping.status, ping.attempts),
        ("ping", Status::Pending, 0)
    );
    assert_eq!(ping.redelivery_of, None);
    let rows = log_when(&app, &reseller, &hook, "the ping was delivered", |rows| {
        rows.first().is_some_and(|r| r.status == Status::Delivered)
    })
    .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].id.as_str(), rows[0].last_response_code),
        (ping.id.as_str(), Some(200))
    );
    let body = target.bodies.lock().unwrap()[0].clone();
    let head = target.heads.lock().unwrap()[0].clone();
    let event: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["type"], "ping");
    assert_eq!(event["id"], ping.id.as_str());
    assert_eq!(event["data"]["webhook_id"], hook.id.as_str());
    assert!(event["created_at"].is_string());
    assert_signed(&head, &body, hook.secret.as_deref().unwrap());
    // With an Idempotency-Key, a repeated request queues nothing more.
    let send = || {
        app.send(
            app.request(
                reqwest::Method::POST,
                &format!("/webhooks/{}/test", hook.id),
                Some(&reseller),
            )
            .header("Idempotency-Key", "ping-twice")
            .json(&json!({})),
        )
    };
    let once: WebhookDelivery = send().await.expect(201);
    let twice: WebhookDelivery = send().await.expect(201);
    assert_eq!(once.id, twice.id);
    let rows = log_when(
        &app,
        &reseller,
        &hook,
        "the second ping was delivered",
        |rows| rows.iter().all(|r| r.status == Status::Delivered),
    )
    .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(target.bodies.lock().unwrap().len(), 2);
}
