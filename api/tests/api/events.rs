//! The event catalogue: each lifecycle change queues its event to the webhooks that may see
//! it — the reseller's, and the client's own for events meant for clients, never another
//! tenant's — with a payload the OpenAPI document's `webhooks` section describes, and without
//! the reseller's cost for a client's webhooks.

use std::collections::{BTreeMap, BTreeSet};

use credence_api::db::schema::{invitations, invoices, webhook_deliveries as d};
use credence_shared::reseller::{Invoice, Webhook};
use credence_shared::{Page, WebhookEvent};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{Backend, Options, TestApp};
use crate::assessments_world::{world, world_with};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::wait::wait_until;

both_backends!(
    each_change_reaches_the_webhooks_that_may_see_it,
    a_client_cannot_subscribe_to_the_resellers_events,
);

const URL: &str = "http://127.0.0.1:9/hook";

async fn subscribe(app: &TestApp, token: &str, events: &[&str]) -> Webhook {
    app.post(
        "/webhooks",
        Some(token),
        json!({ "url": URL, "events": events }),
    )
    .await
    .expect(201)
}

/// (event, payload) of every delivery queued for the webhook, oldest first.
fn queued(app: &TestApp, webhook_id: &str) -> Vec<(String, Value)> {
    let mut conn = app.conn();
    d::table
        .filter(d::webhook_id.eq(webhook_id))
        .order(d::id.asc())
        .select((d::event, d::payload))
        .load::<(String, String)>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|(e, p)| (e, serde_json::from_str(&p).unwrap()))
        .collect()
}

fn all_events() -> Vec<&'static str> {
    WebhookEvent::ALL.iter().map(|e| e.as_str()).collect()
}

fn client_events() -> Vec<&'static str> {
    WebhookEvent::ALL
        .iter()
        .filter(|e| e.for_clients())
        .map(|e| e.as_str())
        .collect()
}

/// Every payload is the envelope around `data` as the document's `webhooks` entry for its event
/// says: `data` has each required property and none the schema does not name.
fn assert_documented(spec: &Value, deliveries: &[(String, Value)]) {
    for (event, payload) in deliveries {
        let body = &spec["webhooks"][event]["post"]["requestBody"]["content"]["application/json"];
        assert!(body.is_object(), "{event} is not in the webhooks section");
        let envelope = &body["schema"];
        let keys: BTreeSet<&str> = payload
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["id", "type", "created_at", "data"]),
            "{event}"
        );
        assert_eq!(payload["type"], envelope["properties"]["type"]["const"]);
        let reference = envelope["properties"]["data"]["$ref"].as_str().unwrap();
        let name = reference.rsplit('/').next().unwrap();
        let schema = &spec["components"]["schemas"][name];
        let properties: BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} has no properties"))
            .keys()
            .map(|k| k.as_str())
            .collect();
        let data: BTreeSet<&str> = payload["data"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert!(
            data.is_subset(&properties),
            "{event}: {data:?} ⊄ {properties:?}"
        );
        for required in schema["required"].as_array().into_iter().flatten() {
            assert!(
                data.contains(required.as_str().unwrap()),
                "{event} lacks {required}"
            );
        }
        // The document's example is one of these too.
        let example = &body["example"];
        assert_eq!(example["type"], payload["type"], "{event}");
    }
}

async fn each_change_reaches_the_webhooks_that_may_see_it(backend: Backend) {
    let w = world_with(
        backend,
        10,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, stranger) = reseller_with_user(app, &admin, "Stranger Partners").await;
    let theirs = subscribe(app, &stranger, &all_events()).await;
    let reseller_hook = subscribe(app, &w.reseller, &all_events()).await;
    app.patch(
        &format!("/clients/{}", w.client.id),
        Some(&w.reseller),
        json!({ "credit_threshold": 5 }),
    )
    .await
    .assert_status(200);
    let client_hook = subscribe(app, &w.client_user, &client_events()).await;

    // client.created (the reseller's only), credit_order.created.
    let other = app.create_client(&w.reseller, "Second Client", 0).await;
    app.post(
        "/credit-orders",
        Some(&w.reseller),
        json!({ "client_code": w.client.code, "credits": 7 }),
    )
    .await
    .assert_status(201);
    // candidate.invited ×2, candidate.started once, invitation.cancelled, invitation.expired.
    let project = w.project(&["numerical"], json!({})).await;
    let started = w.invited(&project, "starts@cand.example").await;
    let cancelled = w.invited(&project, "cancelled@cand.example").await;
    let expiring = w.invited(&project, "expires@cand.example").await;
    let token = w.candidate_token("starts@cand.example").await;
    let aid = w.candidate_me(&token).await.assessments[0].id.clone();
    for _ in 0..2 {
        app.post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    }
    app.post(
        &format!("/invitations/{}/cancel", cancelled.invitations[0].id),
        Some(&w.client_user),
        json!({}),
    )
    .await
    .assert_status(200);
    let expiring_id = expiring.invitations[0].id.clone();
    {
        let mut conn = app.conn();
        diesel::update(invitations::table.find(&expiring_id))
            .set(
                invitations::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(&mut *conn)
            .unwrap();
    }
    wait_until(
        "the job expires the invitation",
        std::time::Duration::from_secs(5),
        || async {
            let mut conn = app.conn();
            let status: String = invitations::table
                .find(&expiring_id)
                .select(invitations::status)
                .first(&mut *conn)
                .unwrap();
            (status == "expired").then_some(())
        },
    )
    .await;
    // client.credits_low: everything left taken back, below the threshold.
    let balance = app.balance(&w.reseller, &w.client.id).await;
    app.post(
        &format!("/clients/{}/credit-adjustments", w.client.id),
        Some(&w.reseller),
        json!({ "credits": balance, "reason": "Year end" }),
    )
    .await
    .assert_status(201);
    // invoice.issued (the reseller's only), once its month is over.
    let invoice = app
        .get("/invoices", Some(&w.reseller))
        .await
        .json::<Page<Invoice>>()
        .data[0]
        .clone();
    {
        let mut conn = app.conn();
        diesel::update(invoices::table.find(&invoice.id))
            .set(invoices::period.eq("2026-01"))
            .execute(&mut *conn)
            .unwrap();
    }
    // Housekeeping (every 50 ms here) issues a past month's draft too: whichever of it and the
    // vendor comes first issues it, once.
    let issued = app
        .post(
            &format!("/admin/invoices/{}/issue", invoice.id),
            Some(&admin),
            json!({}),
        )
        .await;
    if issued.status != 200 {
        issued.assert_problem(409, "invalid_state");
    }
    let now: Invoice = app
        .get(&format!("/invoices/{}", invoice.id), Some(&w.reseller))
        .await
        .expect(200);
    assert_eq!(now.status.as_str(), "issued");

    let to_reseller = queued(app, &reseller_hook.id);
    let to_client = queued(app, &client_hook.id);
    let count = |d: &[(String, Value)]| {
        let mut n: BTreeMap<String, usize> = BTreeMap::new();
        for (e, _) in d {
            *n.entry(e.clone()).or_default() += 1;
        }
        n
    };
    let client_side: BTreeMap<String, usize> = [
        ("candidate.invited", 3),
        ("candidate.started", 1),
        ("invitation.cancelled", 1),
        ("invitation.expired", 1),
        ("credit_order.created", 1),
        ("client.credits_low", 1),
    ]
    .into_iter()
    .map(|(e, n)| (e.to_string(), n))
    .collect();
    let mut reseller_side = client_side.clone();
    reseller_side.insert("client.created".into(), 1);
    reseller_side.insert("invoice.issued".into(), 1);
    assert_eq!(count(&to_reseller), reseller_side);
    assert_eq!(count(&to_client), client_side);
    assert!(
        queued(app, &theirs.id).is_empty(),
        "another reseller hears nothing"
    );

    // Who the events are about.
    let data_of = |d: &[(String, Value)], event: &str| -> Vec<Value> {
        d.iter()
            .filter(|(e, _)| e == event)
            .map(|(_, p)| p["data"].clone())
            .collect()
    };
    assert_eq!(
        data_of(&to_reseller, "client.created")[0]["client_id"],
        json!(other.id)
    );
    assert_eq!(
        data_of(&to_client, "candidate.started")[0]["invitation_id"],
        json!(started.invitations[0].id)
    );
    assert_eq!(
        data_of(&to_client, "invitation.expired")[0]["invitation_id"],
        json!(expiring_id)
    );
    // The reseller's cost goes to the reseller only.
    let order_for_reseller = &data_of(&to_reseller, "credit_order.created")[0];
    let order_for_client = &data_of(&to_client, "credit_order.created")[0];
    assert_eq!(order_for_reseller["credits"], json!(7));
    assert_eq!(order_for_reseller["currency"], json!("GBP"));
    let amount = order_for_reseller["amount_minor"].as_i64().unwrap();
    assert!(amount > 0);
    assert_eq!(order_for_client["credits"], json!(7));
    assert!(
        order_for_client.get("amount_minor").is_none()
            && order_for_client.get("currency").is_none()
    );
    assert!(!serde_json::to_string(&to_client)
        .unwrap()
        .contains(&amount.to_string()));
    let issued = &data_of(&to_reseller, "invoice.issued")[0];
    assert_eq!(issued["number"], json!("INV-000001"));
    assert_eq!(issued["total_minor"], json!(invoice.total_minor));

    let spec: Value = app.get("/openapi.json", None).await.json();
    assert_documented(&spec, &to_reseller);
    assert_documented(&spec, &to_client);
    // Every event has its entry, and the test event too.
    for event in all_events().into_iter().chain(["ping"]) {
        assert!(spec["webhooks"][event]["post"].is_object(), "{event}");
    }
}

async fn a_client_cannot_subscribe_to_the_resellers_events(backend: Backend) {
    let w = world(backend, 1).await;
    for event in ["invoice.issued", "client.created", "order.placed"] {
        w.app
            .post(
                "/webhooks",
                Some(&w.client_user),
                json!({ "url": URL, "events": [event] }),
            )
            .await
            .assert_problem(422, "validation_failed");
    }
    let none: Page<Webhook> = w.app.get("/webhooks", Some(&w.client_user)).await.json();
    assert!(none.data.is_empty());
    // The reseller may.
    subscribe(&w.app, &w.reseller, &["invoice.issued", "client.created"]).await;
}
