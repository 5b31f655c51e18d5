//! Webhook targets (issue #7: server-side request forgery): what URLs may be saved, where
//! deliveries may connect, redirects, cancelling on delete, and a slow receiver's reach.

use std::sync::atomic::Ordering;
use std::time::Duration;

use credence_shared::problem::Problem;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::hooks::{credits_low, receiver, subscribe, Answer};
use crate::wait::wait_until;

both_backends!(
    creation_refuses_urls_the_server_must_not_reach,
    a_name_resolving_to_loopback_is_refused_at_delivery,
    redirects_are_not_followed,
    deleting_a_webhook_cancels_its_pending_deliveries,
    a_silent_receiver_does_not_hold_up_other_deliveries,
);

/// (status, attempts, last_error, response_status) of the webhook's deliveries, oldest first.
fn deliveries(app: &TestApp, webhook_id: &str) -> Vec<(String, i32, Option<String>, Option<i32>)> {
    use credence_api::db::schema::webhook_deliveries as d;
    let mut conn = app.conn();
    d::table
        .filter(d::webhook_id.eq(webhook_id))
        .order(d::id.asc())
        .select((d::status, d::attempts, d::last_error, d::response_status))
        .load(&mut *conn)
        .unwrap()
}

async fn creation_refuses_urls_the_server_must_not_reach(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_WEBHOOK_ALLOW", String::new())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Careful Partners").await;
    for (url, code) in [
        ("http://127.0.0.1:9000/hook", "https_required"),
        ("http://hooks.example/credence", "https_required"),
        ("https://user:pw@hooks.example/credence", "url_credentials"),
        ("https://127.0.0.1:9000/hook", "forbidden_address"),
        ("https://localhost/hook", "forbidden_address"),
        ("https://[::1]/hook", "forbidden_address"),
        ("https://0.0.0.0/hook", "forbidden_address"),
        ("https://2130706433/hook", "forbidden_address"),
        ("https://0x7f.1/hook", "forbidden_address"),
        ("https://10.0.0.1/hook", "forbidden_address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "forbidden_address",
        ),
        ("https://[::ffff:127.0.0.1]/hook", "forbidden_address"),
        ("https://[fd00::1]/hook", "forbidden_address"),
        ("https://[fe80::1]/hook", "forbidden_address"),
        ("https://224.0.0.1/hook", "forbidden_address"),
    ] {
        let reply = app
            .post(
                "/webhooks",
                Some(&reseller),
                json!({ "url": url, "events": ["client.credits_low"] }),
            )
            .await;
        let problem: Problem = reply.assert_problem(422, "validation_failed");
        assert_eq!(problem.errors.len(), 1, "{url}: {}", reply.text());
        assert_eq!(problem.errors[0].field, "url");
        assert_eq!(problem.errors[0].code, code, "{url}: {}", reply.text());
        assert!(!problem.errors[0].message.is_empty());
    }
    // A public https URL is fine (nothing is resolved when saving).
    subscribe(&app, &reseller, "https://hooks.example/credence").await;
}

async fn a_name_resolving_to_loopback_is_refused_at_delivery(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_WEBHOOK_ALLOW", String::new())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Legacy Partners").await;
    let target = receiver(Answer::Status("200 OK")).await;
    // A webhook saved before the rules (creation would refuse it): https to a name that
    // resolves to this machine.
    let hook = subscribe(&app, &reseller, "https://hooks.example/placeholder").await;
    {
        use credence_api::db::schema::webhooks;
        let mut conn = app.conn();
        let url = target.url.replace("http://127.0.0.1", "https://localhost");
        diesel::update(webhooks::table.find(&hook.id))
            .set(webhooks::url.eq(url))
            .execute(&mut *conn)
            .unwrap();
    }
    credits_low(&app, &reseller, "Legacy Co").await;
    let (status, attempts, error, response) = wait_until(
        "the delivery was refused",
        Duration::from_secs(5),
        || async {
            deliveries(&app, &hook.id)
                .into_iter()
                .find(|d| d.0 != "pending")
        },
    )
    .await;
    assert_eq!((status.as_str(), attempts, response), ("failed", 1, None));
    let error = error.unwrap();
    assert!(
        error.contains("forbidden_address") && error.contains("localhost resolves to"),
        "{error}"
    );
    assert_eq!(target.connections.load(Ordering::SeqCst), 0);
}

async fn redirects_are_not_followed(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Bounced Partners").await;
    let elsewhere = receiver(Answer::Status("200 OK")).await;
    let bouncer = receiver(Answer::RedirectTo(elsewhere.url.clone())).await;
    let hook = subscribe(&app, &reseller, &bouncer.url).await;
    credits_low(&app, &reseller, "Bounced Co").await;
    let (status, attempts, error, response) = wait_until(
        "the delivery was attempted",
        Duration::from_secs(5),
        || async { deliveries(&app, &hook.id).into_iter().find(|d| d.1 > 0) },
    )
    .await;
    assert_eq!(
        (status.as_str(), attempts, response),
        ("pending", 1, Some(302))
    );
    assert!(error.unwrap().contains("302"));
    assert_eq!(bouncer.connections.load(Ordering::SeqCst), 1);
    assert_eq!(elsewhere.connections.load(Ordering::SeqCst), 0);
}

async fn deleting_a_webhook_cancels_its_pending_deliveries(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Leaving Partners").await;
    let failing = receiver(Answer::Status("500 Internal Server Error")).await;
    let hook = subscribe(&app, &reseller, &failing.url).await;
    credits_low(&app, &reseller, "Leaving Co").await;
    wait_until(
        "the first attempt failed and awaits a retry",
        Duration::from_secs(5),
        || async {
            deliveries(&app, &hook.id)
                .into_iter()
                .find(|d| d.0 == "pending" && d.1 == 1)
        },
    )
    .await;
    app.delete(&format!("/webhooks/{}", hook.id), Some(&reseller))
        .await
        .assert_status(204);
    let rows = deliveries(&app, &hook.id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "cancelled");
    assert_eq!(
        rows[0].2.as_deref(),
        Some(credence_api::domain::webhooks::CANCELLED)
    );
    // Even made due again, it is not delivered: a live webhook's later event goes out while
    // the cancelled one stays untouched.
    {
        use credence_api::db::schema::webhook_deliveries as d;
        let mut conn = app.conn();
        diesel::update(d::table.filter(d::webhook_id.eq(&hook.id)))
            .set(d::next_attempt_at.eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)))
            .execute(&mut *conn)
            .unwrap();
    }
    let live = receiver(Answer::Status("200 OK")).await;
    let live_hook = subscribe(&app, &reseller, &live.url).await;
    credits_low(&app, &reseller, "Staying Co").await;
    wait_until(
        "the live webhook got its event",
        Duration::from_secs(5),
        || async {
            deliveries(&app, &live_hook.id)
                .into_iter()
                .find(|d| d.0 == "delivered")
        },
    )
    .await;
    assert_eq!(failing.connections.load(Ordering::SeqCst), 1);
    let rows = deliveries(&app, &hook.id);
    assert_eq!(
        (rows.len(), rows[0].0.as_str(), rows[0].1),
        (1, "cancelled", 1)
    );
}

async fn a_silent_receiver_does_not_hold_up_other_deliveries(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Patient Partners").await;
    // The silent one is subscribed first, so its delivery is claimed first.
    let silent = receiver(Answer::Nothing).await;
    let prompt = receiver(Answer::Status("200 OK")).await;
    let silent_hook = subscribe(&app, &reseller, &silent.url).await;
    let prompt_hook = subscribe(&app, &reseller, &prompt.url).await;
    credits_low(&app, &reseller, "Patient Co").await;
    wait_until(
        "the prompt receiver got its event",
        Duration::from_secs(5),
        || async {
            deliveries(&app, &prompt_hook.id)
                .into_iter()
                .find(|d| d.0 == "delivered")
        },
    )
    .await;
    assert_eq!(prompt.bodies.lock().unwrap().len(), 1);
    wait_until(
        "the silent receiver was connected to",
        Duration::from_secs(5),
        || async { (silent.connections.load(Ordering::SeqCst) > 0).then_some(()) },
    )
    .await;
    // The silent receiver's delivery is still in flight (it ends at the per-delivery timeout).
    let rows = deliveries(&app, &silent_hook.id);
    assert_eq!(
        (rows.len(), rows[0].0.as_str(), rows[0].1),
        (1, "pending", 0)
    );
}
