//! Credit orders, the ledger, adjustments, low-credit emails and idempotency.

use credence_shared::reseller::{CreditOrder, CreditOrderPage, Invoice, InvoiceLine, LedgerEntry};
use credence_shared::Page;
use serde_json::json;

use crate::app::{spawn_app, Backend};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    orders_add_credits_and_invoice_at_the_discount,
    bad_orders_are_refused_and_change_nothing,
    idempotency_keys_replay_and_refuse_reuse,
    parallel_orders_add_up_exactly,
    adjustments_take_back_unused_credits_never_below_zero,
    one_low_credit_email_per_fall_below_the_threshold,
);

async fn orders_add_credits_and_invoice_at_the_discount(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Ordering Partners").await;
    let client = app.create_client(&token, "Acme", 0).await;
    let id = client.id.as_str();
    let order: CreditOrder = app.post("/credit-orders", Some(&token), json!({ "client_code": client.code, "credits": 200, "note": "Q4 top-up", "po_reference": "PO-77" })).await.expect(201);
    assert_eq!(order.credits, 200);
    assert_eq!(order.list_price_minor, 500);
    assert_eq!(order.discount_percent, 20.0);
    assert_eq!(order.amount_minor, 80000);
    assert_eq!(order.currency, "GBP");
    assert_eq!(order.client_code, client.code);
    assert_eq!(order.client_id, client.id);
    assert_eq!(app.balance(&token, id).await, 200);
    let ledger: Page<LedgerEntry> = app
        .get(&format!("/clients/{id}/ledger"), Some(&token))
        .await
        .json();
    assert_eq!(ledger.data[0].kind.as_str(), "order");
    assert_eq!(ledger.data[0].reference.as_ref(), Some(&order.id));
    let invoice_id = &order.invoice_id;
    let lines: Page<InvoiceLine> = app
        .get(&format!("/invoices/{invoice_id}/lines"), Some(&token))
        .await
        .json();
    assert_eq!(lines.data[0].amount_minor, 80000);
    assert_eq!(lines.data[0].credits, 200);
    // A price change applies to later orders only.
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "list_price_minor": 1000 }),
    )
    .await;
    let second: CreditOrder = app
        .post(
            "/credit-orders",
            Some(&token),
            json!({ "client_code": client.code, "credits": 3 }),
        )
        .await
        .json();
    assert_eq!(second.amount_minor, 2400);
    let list: CreditOrderPage = app.get("/credit-orders", Some(&token)).await.json();
    assert_eq!(list.total_credits, 203);
    assert_eq!(list.total_amount_minor, 82400);
    let invoice: Invoice = app
        .get(&format!("/invoices/{invoice_id}"), Some(&token))
        .await
        .json();
    assert_eq!(invoice.total_minor, 82400);
    // The invoice's lines page oldest first; the totals cover every order, not one page.
    let first_line: Page<InvoiceLine> = app
        .get(
            &format!("/invoices/{invoice_id}/lines?limit=1"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(first_line.data.len(), 1);
    assert_eq!(first_line.data[0].credits, 200);
    let cursor = first_line.next_cursor.expect("a second line");
    let rest: Page<InvoiceLine> = app
        .get(
            &format!("/invoices/{invoice_id}/lines?limit=1&cursor={cursor}"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(rest.data.len(), 1);
    assert_eq!(rest.data[0].credits, 3);
    assert_eq!(rest.next_cursor, None);
    let one: CreditOrderPage = app.get("/credit-orders?limit=1", Some(&token)).await.json();
    assert_eq!((one.data.len(), one.total_credits), (1, 203));
    let filtered: CreditOrderPage = app
        .get(
            &format!("/credit-orders?client_id={id}&from=2000-01-01&to=2999-12-31"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(filtered.data.len(), 2);
    let none: CreditOrderPage = app
        .get("/credit-orders?from=2999-01-01", Some(&token))
        .await
        .json();
    assert_eq!(none.total_credits, 0);
    app.get("/credit-orders?from=yesterday", Some(&token))
        .await
        .assert_problem(400, "invalid_query");
    let csv = app.get("/credit-orders/export.csv", Some(&token)).await;
    assert!(csv.content_type().starts_with("text/csv"));
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("created_at,client_code,client_name,kind,credits"));
    assert!(
        text.contains(",200,5.00,20.00,800.00,GBP,PO-77,Q4 top-up,"),
        "{text}"
    );
    assert!(text.contains("TOTAL,,,,203,,,824.00,GBP"), "{text}");
}

async fn bad_orders_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Careful Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Other Partners").await;
    let client = app.create_client(&token, "Steady", 10).await;
    let foreign = app.create_client(&other, "Foreign", 0).await;
    let code = client.code.clone();
    let cases = [
        (json!({}), vec!["client_code", "credits"]),
        (
            json!({ "client_code": code, "credits": 0 }),
            vec!["credits"],
        ),
        (
            json!({ "client_code": code, "credits": -5 }),
            vec!["credits"],
        ),
        (
            json!({ "client_code": code, "credits": 1_000_001 }),
            vec!["credits"],
        ),
        (
            json!({ "client_code": code, "credits": "ten" }),
            vec!["credits"],
        ),
        (
            json!({ "client_code": code, "credits": 2.5 }),
            vec!["credits"],
        ),
        (
            json!({ "client_code": "ZZZZ-9999", "credits": 5 }),
            vec!["client_code"],
        ),
        (
            json!({ "client_code": foreign.code, "credits": 5 }),
            vec!["client_code"],
        ),
        (
            json!({ "client_code": code, "credits": 5, "note": "x".repeat(501) }),
            vec!["note"],
        ),
    ];
    for (body, fields) in cases {
        let reply = app.post("/credit-orders", Some(&token), body.clone()).await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(reply.error_fields(), fields, "{body}");
    }
    let id = client.id.as_str();
    assert_eq!(app.balance(&token, id).await, 10);
    let orders: CreditOrderPage = app.get("/credit-orders", Some(&token)).await.json();
    assert_eq!(orders.total_credits, 10);
    assert_eq!(app.balance(&other, &foreign.id).await, 0);
    let malformed = app
        .send(
            app.request(reqwest::Method::POST, "/credit-orders", Some(&token))
                .header("content-type", "application/json")
                .body("{\"credits\": 5,"),
        )
        .await;
    malformed.assert_problem(400, "malformed_json");
}

async fn idempotency_keys_replay_and_refuse_reuse(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, token) = reseller_with_user(&app, &admin, "Retrying Partners").await;
    let client = app.create_client(&token, "Retry Co", 0).await;
    let send = |token: &str, key: &str, credits: i64| {
        app.send(
            app.request(reqwest::Method::POST, "/credit-orders", Some(token))
                .header("Idempotency-Key", key)
                .json(&json!({ "client_code": client.code, "credits": credits })),
        )
    };
    let first: CreditOrder = send(&token, "order-1", 40).await.expect(201);
    let again = send(&token, "order-1", 40).await;
    let replayed: CreditOrder = again.expect(201);
    assert_eq!(replayed.id, first.id);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    send(&token, "order-1", 41)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let long = "k".repeat(256);
    send(&token, &long, 1)
        .await
        .assert_problem(400, "invalid_idempotency_key");
    assert_eq!(app.balance(&token, &client.id).await, 40);
    // Keys are per principal: a colleague at the same reseller sending the same key with the
    // same body places a second order; it is not a replay of the first user's.
    let (_, colleague) = app
        .reseller_user(&admin, &reseller.id, "colleague@retrying-partners.example")
        .await;
    let theirs = send(&colleague, "order-1", 40).await;
    let second: CreditOrder = theirs.expect(201);
    assert_ne!(
        second.id, first.id,
        "a new order, not the first user's replayed"
    );
    assert_eq!(theirs.header("idempotent-replayed"), None);
    assert_eq!(app.balance(&token, &client.id).await, 80);
    // Each user's key now replays their own order.
    let mine_again: CreditOrder = send(&token, "order-1", 40).await.expect(201);
    assert_eq!(mine_again.id, first.id);
    let theirs_again: CreditOrder = send(&colleague, "order-1", 40).await.expect(201);
    assert_eq!(theirs_again.id, second.id);
    assert_eq!(app.balance(&token, &client.id).await, 80);
    // The vendor's creates replay the same way.
    let create_reseller = || {
        app.send(
            app.request(reqwest::Method::POST, "/admin/resellers", Some(&admin))
                .header("Idempotency-Key", "reseller-1")
                .json(&json!({ "name": "Once Partners", "contact_email": "ops@once.example", "discount_percent": 10, "currency": "GBP", "brand_ids": [] })),
        )
    };
    let made: serde_json::Value = create_reseller().await.expect(201);
    let again = create_reseller().await;
    let replayed: serde_json::Value = again.expect(201);
    assert_eq!(replayed["id"], made["id"]);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    let named: Page<serde_json::Value> = app
        .get("/admin/resellers?q=Once%20Partners", Some(&admin))
        .await
        .expect(200);
    assert_eq!(named.data.len(), 1);
}

async fn parallel_orders_add_up_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Busy Partners").await;
    let client = app.create_client(&token, "Busy Co", 0).await;
    let id = client.id.as_str();
    let order = |key: String| {
        app.send(
            app.request(reqwest::Method::POST, "/credit-orders", Some(&token))
                .header("Idempotency-Key", key)
                .json(&json!({ "client_code": client.code, "credits": 7 })),
        )
    };
    let distinct =
        futures_util::future::join_all((0..20).map(|i| order(format!("distinct-{i}")))).await;
    assert!(
        distinct.iter().all(|r| r.status == 201),
        "{:?}",
        distinct.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    let shared =
        futures_util::future::join_all((0..10).map(|_| order("shared-key".to_string()))).await;
    let ids: std::collections::HashSet<_> = shared
        .iter()
        .map(|r| r.expect::<CreditOrder>(201).id)
        .collect();
    assert_eq!(ids.len(), 1, "one order for one key");
    assert_eq!(app.balance(&token, id).await, 21 * 7);
    assert_eq!(app.ledger_sum(&token, id).await, 21 * 7);
    let orders: CreditOrderPage = app
        .get("/credit-orders?limit=200", Some(&token))
        .await
        .json();
    assert_eq!(orders.data.len(), 21);
    assert_eq!(orders.total_amount_minor, 21 * 7 * 400);
    let invoices: Page<Invoice> = app.get("/invoices", Some(&token)).await.json();
    assert_eq!(invoices.data.len(), 1, "one open invoice");
    assert_eq!(invoices.data[0].total_minor, 21 * 7 * 400);
    assert_eq!(invoices.data[0].line_count, 21);
}

async fn adjustments_take_back_unused_credits_never_below_zero(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Adjusting Partners").await;
    let client = app.create_client(&token, "Adjusted", 30).await;
    let path = format!("/clients/{}/credit-adjustments", client.id);
    let missing = app.post(&path, Some(&token), json!({})).await;
    assert_eq!(missing.error_fields(), ["credits", "reason"]);
    let too_many = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 31, "reason": "Trial ended" }),
        )
        .await;
    let problem = too_many.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "exceeds_balance");
    let ok: LedgerEntry = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 12, "reason": "Trial ended" }),
        )
        .await
        .expect(201);
    assert_eq!(ok.kind.as_str(), "adjustment");
    assert_eq!(ok.delta, -12);
    assert_eq!(ok.balance_after, 18);
    assert_eq!(ok.reason.as_deref(), Some("Trial ended"));
    let all: LedgerEntry = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 18, "reason": "Closing" }),
        )
        .await
        .json();
    assert_eq!(all.balance_after, 0);
    app.post(
        &path,
        Some(&token),
        json!({ "credits": 1, "reason": "More" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let id = client.id.as_str();
    assert_eq!(app.balance(&token, id).await, 0);
    assert_eq!(app.ledger_sum(&token, id).await, 0);
}

async fn one_low_credit_email_per_fall_below_the_threshold(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, token) = reseller_with_user(&app, &admin, "Watchful Partners").await;
    let client = app.create_client(&token, "Thrifty", 12).await;
    let id = client.id.as_str();
    app.client_user(&token, Some(id), "thrifty@client.example")
        .await;
    let reseller_email = "staff@watchful-partners.example";
    let path = format!("/clients/{id}/credit-adjustments");
    let adjust = |n: i64| {
        app.post(
            &path,
            Some(&token),
            json!({ "credits": n, "reason": "test" }),
        )
    };
    assert_eq!(
        app.outbox_count("thrifty@client.example", "low_credit"),
        0,
        "creating a client sends no low-credit mail"
    );
    adjust(2).await; // 10: at the threshold, not below
    assert_eq!(app.outbox_count("thrifty@client.example", "low_credit"), 0);
    adjust(1).await; // 9: below
    assert_eq!(app.outbox_count("thrifty@client.example", "low_credit"), 1);
    assert_eq!(app.outbox_count(reseller_email, "low_credit"), 1);
    adjust(4).await; // 5: still below, no repeat
    assert_eq!(app.outbox_count("thrifty@client.example", "low_credit"), 1);
    let order = app
        .post(
            "/credit-orders",
            Some(&token),
            json!({ "client_code": client.code, "credits": 20 }),
        )
        .await;
    assert_eq!(order.status, 201); // 25: back above
    adjust(20).await; // 5: below again
    assert_eq!(app.outbox_count("thrifty@client.example", "low_credit"), 2);
    assert_eq!(app.outbox_count(reseller_email, "low_credit"), 2);
    let _ = reseller;
}
