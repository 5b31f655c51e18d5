//! Client users never see the reseller's commercial terms: what a credit costs it (list price,
//! discount, amount), its invoices, its order notes and PO references, its notes on the client,
//! and what it resells the client's credits at.
//! After orders with distinctive values, every GET in the OpenAPI document is walked as a client
//! user (with every id the world has) and no body may carry one of those values.

use std::collections::BTreeSet;

use credence_shared::assess::{Candidate, Project, TestSummary};
use credence_shared::reseller::{Client, CreditOrder, Invoice};
use credence_shared::Page;
use serde_json::{json, Value};

use crate::app::{spawn_app, Backend};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(client_users_never_see_the_resellers_prices_or_notes);

/// Big enough that their decimal forms ("432.19") cannot be part of a timestamp.
const LIST_PRICE: i64 = 43219;
const DISCOUNT: f64 = 13.57;
const ORDER_NOTE: &str = "NOTE-zebra-7731 internal margin talk";
const PO: &str = "PO-quokka-5519";
const CLIENT_NOTES: &str = "NOTES-ibis-2468 pays late";
/// What the reseller charges this client per credit: its business, not the client user's.
const RESALE_PRICE: i64 = 48213;

async fn client_users_never_see_the_resellers_prices_or_notes(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "list_price_minor": LIST_PRICE }),
    )
    .await
    .assert_status(200);
    let (reseller, staff) = reseller_with_user(&app, &admin, "Pricey Partners").await;
    app.patch(
        &format!("/admin/resellers/{}", reseller.id),
        Some(&admin),
        json!({ "discount_percent": DISCOUNT }),
    )
    .await
    .assert_status(200);
    let client: Client = app
        .post(
            "/clients",
            Some(&staff),
            json!({ "name": "Leak Test Ltd", "contact_name": "Lee Tester", "contact_email": "lee@leak.example", "notes": CLIENT_NOTES, "initial_credits": 7 }),
        )
        .await
        .expect(201);
    app.put(
        &format!("/clients/{}/resale-price", client.id),
        Some(&staff),
        json!({ "unit_price_minor": RESALE_PRICE }),
    )
    .await
    .assert_status(200);
    let order: CreditOrder = app
        .post(
            "/credit-orders",
            Some(&staff),
            json!({ "client_code": client.code, "credits": 37, "note": ORDER_NOTE, "po_reference": PO }),
        )
        .await
        .expect(201);
    let (client_user, token) = app
        .client_user(&staff, Some(&client.id), "viewer@leak.example")
        .await;
    // The reseller's staff look around as this user (Login As): the client user reads that trail.
    let viewing = app.login_as(&staff, &client_user.id).await;
    for path in [
        format!("/clients/{}", client.id),
        format!("/clients/{}/ledger", client.id),
        "/credit-orders".to_string(),
    ] {
        app.get(&path, Some(&viewing)).await;
    }

    // What the client user must never read: every order's amount and invoice, the price, the
    // discount, the notes, and the invoice (issued, so it has a number too).
    let orders: Page<CreditOrder> = app.get("/credit-orders", Some(&staff)).await.json();
    assert_eq!(orders.data.len(), 2, "the initial order and the order");
    let invoices: Page<Invoice> = app.get("/invoices", Some(&staff)).await.json();
    let invoice = invoices.data[0].clone();
    let mut numbers: BTreeSet<String> = [
        LIST_PRICE,
        invoice.total_minor,
        RESALE_PRICE,
        37 * RESALE_PRICE,
    ]
    .iter()
    .map(i64::to_string)
    .collect();
    let mut needles: Vec<String> = vec![
        ORDER_NOTE.into(),
        PO.into(),
        CLIENT_NOTES.into(),
        invoice.id.clone(),
        money(LIST_PRICE),
        money(invoice.total_minor),
        money(RESALE_PRICE),
        money(37 * RESALE_PRICE),
        format!("{DISCOUNT}%"),
        format!("{DISCOUNT} %"),
    ];
    numbers.insert(format!("{DISCOUNT}"));
    for o in &orders.data {
        numbers.insert(o.amount_minor.to_string());
        needles.push(money(o.amount_minor));
        needles.push(o.invoice_id.clone());
    }
    assert_eq!(order.list_price_minor, LIST_PRICE);
    assert_eq!(order.resale_price_minor, Some(RESALE_PRICE));

    // The client user's own world: a project, a candidate, an API key, a webhook.
    let catalogue: Page<TestSummary> = app.get("/tests", Some(&token)).await.json();
    let test = &catalogue.data[0];
    let project: Project = app
        .post(
            "/projects",
            Some(&token),
            json!({ "name": "Leak project", "tests": [{ "test_id": test.id, "norm_group_id": test.norm_groups[0].id }] }),
        )
        .await
        .expect(201);
    let candidate: Candidate = app
        .post(
            "/candidates",
            Some(&token),
            json!({ "project_id": project.id, "first_name": "Cas", "last_name": "Leak", "email": "cas@leak.example" }),
        )
        .await
        .expect(201);
    // (Which keys and webhook URLs may be made is another rule's business: any outcome will do.)
    let key = app
        .post("/api-keys", Some(&token), json!({ "name": "Leak key" }))
        .await;
    let webhook = app
        .post(
            "/webhooks",
            Some(&token),
            json!({ "url": "https://hooks.leak.example/credence", "events": ["candidate.completed"] }),
        )
        .await;
    // Issued, so it has a number too (moved to a closed month first: an open one cannot be).
    {
        use credence_api::db::schema::invoices;
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::update(invoices::table.find(&invoice.id))
            .set(invoices::period.eq("2026-05"))
            .execute(&mut *conn)
            .unwrap();
    }
    let issued: Invoice = app
        .post(
            &format!("/admin/invoices/{}/issue", invoice.id),
            Some(&admin),
            json!({}),
        )
        .await
        .json();
    needles.push(
        issued
            .number
            .clone()
            .expect("an issued invoice has a number"),
    );

    let mut ids: BTreeSet<String> = [
        client.id.clone(),
        client_user.id.clone(),
        project.id.clone(),
        candidate.id.clone(),
        candidate.invitations[0].id.clone(),
        order.id.clone(),
        invoice.id.clone(),
    ]
    .into_iter()
    .collect();
    for made in [&key, &webhook] {
        if let Some(id) = made.body["id"].as_str() {
            ids.insert(id.to_string());
        }
    }
    for a in &candidate.invitations[0].assessments {
        ids.insert(a.id.clone());
    }
    if let Some(logo) = &client.logo_url {
        ids.insert(logo.rsplit('/').next().unwrap().to_string());
    }

    // Every GET the API documents, with every id in every path parameter.
    let spec: Value = app.get("/api/v1/openapi.json", None).await.json();
    let mut paths = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let path = path.strip_prefix("/api/v1").unwrap_or(path).to_string();
        if path.contains('{') {
            for id in &ids {
                paths.push(fill(&path, id));
            }
        } else {
            paths.push(path);
        }
    }
    assert!(paths.len() > 30, "the walk covers the API: {paths:?}");
    let mut seen_ok = BTreeSet::new();
    for path in &paths {
        let reply = app.get(path, Some(&token)).await;
        assert!(
            !reply.status.is_server_error(),
            "GET {path}: {}",
            reply.text()
        );
        if reply.status.is_success() {
            seen_ok.insert(path.clone());
        }
        let text = reply.text();
        for needle in &needles {
            assert!(
                !text.contains(needle.as_str()),
                "GET {path} shows {needle:?} to a client user: {text}"
            );
        }
        if !reply.body.is_null() {
            let mut found = Vec::new();
            numbers_in(&reply.body, &mut found);
            for n in found {
                assert!(
                    !numbers.contains(&n),
                    "GET {path} shows the number {n} to a client user: {text}"
                );
            }
        }
    }
    // The walk really read the places the terms were recorded.
    for path in [
        "/me".to_string(),
        format!("/clients/{}", client.id),
        format!("/clients/{}/ledger", client.id),
        "/audit-events".to_string(),
        "/projects".to_string(),
        "/candidates".to_string(),
        "/api-keys".to_string(),
        "/client-users".to_string(),
    ] {
        assert!(seen_ok.contains(&path), "GET {path} was read: {seen_ok:?}");
    }
    let audit = app.get("/audit-events?limit=200", Some(&token)).await;
    assert!(
        audit.text().contains("credit_order.created"),
        "the client user sees that credits were ordered: {}",
        audit.text()
    );
    assert!(
        audit.text().contains("impersonation.request"),
        "the client user reads the Login As trail: {}",
        audit.text()
    );
    let ledger = app
        .get(&format!("/clients/{}/ledger", client.id), Some(&token))
        .await;
    assert!(ledger.text().contains("37 credits"), "{}", ledger.text());
    // The reseller still sees all of it.
    let audit = app
        .get("/audit-events?limit=200", Some(&staff))
        .await
        .text();
    assert!(audit.contains(&order.amount_minor.to_string()), "{audit}");
    let ledger = app
        .get(&format!("/clients/{}/ledger", client.id), Some(&staff))
        .await
        .text();
    assert!(
        ledger.contains(ORDER_NOTE) && ledger.contains(PO),
        "{ledger}"
    );
    let seen: Client = app
        .get(&format!("/clients/{}", client.id), Some(&staff))
        .await
        .json();
    assert_eq!(seen.notes.as_deref(), Some(CLIENT_NOTES));
}

/// Minor units as the SPA and CSV exports write them, e.g. 4321 → "43.21".
fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Every `{param}` of a path template filled with `id`.
fn fill(template: &str, id: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap();
        out.push_str(id);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every JSON number in a body, as text (integers and decimals alike).
fn numbers_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| numbers_in(v, out)),
        Value::Object(map) => map.values().for_each(|v| numbers_in(v, out)),
        _ => {}
    }
}
