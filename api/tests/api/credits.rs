//! Credit orders, the ledger, adjustments, low-credit emails, idempotency, invoices.

use serde_json::json;

use crate::both_backends;
use crate::helpers::{reseller_with_user, spawn_app, Backend};

both_backends!(
    orders_add_credits_and_invoice_at_the_discount,
    bad_orders_are_refused_and_change_nothing,
    idempotency_keys_replay_and_refuse_reuse,
    parallel_orders_add_up_exactly,
    adjustments_take_back_unused_credits_never_below_zero,
    one_low_credit_email_per_fall_below_the_threshold,
    invoices_are_issued_with_gap_free_numbers_and_exported,
    closed_months_are_issued_by_the_housekeeping_job,
    concurrent_issues_of_one_draft_take_one_number,
);

async fn orders_add_credits_and_invoice_at_the_discount(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Ordering Partners").await;
    let client = app.create_client(&token, "Acme", 0).await;
    let id = client["id"].as_str().unwrap();
    let order = app.post("/credit-orders", Some(&token), json!({ "client_code": client["code"], "credits": 200, "note": "Q4 top-up", "po_reference": "PO-77" })).await;
    assert_eq!(order.status, 201, "{}", order.body);
    for (field, value) in [
        ("credits", json!(200)),
        ("list_price_minor", json!(500)),
        ("discount_percent", json!(20.0)),
        ("amount_minor", json!(80000)),
        ("currency", json!("GBP")),
        ("client_code", client["code"].clone()),
        ("client_id", client["id"].clone()),
    ] {
        assert_eq!(order.body[field], value, "{field}");
    }
    assert_eq!(app.balance(&token, id).await, 200);
    let ledger = app
        .get(&format!("/clients/{id}/ledger"), Some(&token))
        .await;
    assert_eq!(ledger.body["data"][0]["kind"], "order");
    assert_eq!(ledger.body["data"][0]["reference"], order.body["id"]);
    let invoice_id = order.body["invoice_id"].as_str().unwrap();
    let lines = app
        .get(&format!("/invoices/{invoice_id}/lines"), Some(&token))
        .await;
    assert_eq!(lines.body["data"][0]["amount_minor"], 80000);
    assert_eq!(lines.body["data"][0]["credits"], 200);
    // A price change applies to later orders only.
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "list_price_minor": 1000 }),
    )
    .await;
    let second = app
        .post(
            "/credit-orders",
            Some(&token),
            json!({ "client_code": client["code"], "credits": 3 }),
        )
        .await;
    assert_eq!(second.body["amount_minor"], 2400);
    let list = app.get("/credit-orders", Some(&token)).await;
    assert_eq!(list.body["total_credits"], 203);
    assert_eq!(list.body["total_amount_minor"], 82400);
    assert_eq!(
        app.get(&format!("/invoices/{invoice_id}"), Some(&token))
            .await
            .body["total_minor"],
        82400
    );
    let filtered = app
        .get(
            &format!("/credit-orders?client_id={id}&from=2000-01-01&to=2999-12-31"),
            Some(&token),
        )
        .await;
    assert_eq!(filtered.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/credit-orders?from=2999-01-01", Some(&token))
            .await
            .body["total_credits"],
        0
    );
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
    let code = client["code"].clone();
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
            json!({ "client_code": foreign["code"], "credits": 5 }),
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
    let id = client["id"].as_str().unwrap();
    assert_eq!(app.balance(&token, id).await, 10);
    assert_eq!(
        app.get("/credit-orders", Some(&token)).await.body["total_credits"],
        10
    );
    assert_eq!(
        app.get(
            &format!("/clients/{}", foreign["id"].as_str().unwrap()),
            Some(&other)
        )
        .await
        .body["credit_balance"],
        0
    );
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
    let (_, token) = reseller_with_user(&app, &admin, "Retrying Partners").await;
    let client = app.create_client(&token, "Retry Co", 0).await;
    let send = |key: &str, credits: i64| {
        app.send(
            app.request(reqwest::Method::POST, "/credit-orders", Some(&token))
                .header("Idempotency-Key", key)
                .json(&json!({ "client_code": client["code"], "credits": credits })),
        )
    };
    let first = send("order-1", 40).await;
    assert_eq!(first.status, 201);
    let again = send("order-1", 40).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    send("order-1", 41)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let long = "k".repeat(256);
    send(&long, 1)
        .await
        .assert_problem(400, "invalid_idempotency_key");
    assert_eq!(
        app.balance(&token, client["id"].as_str().unwrap()).await,
        40
    );
    // Keys are per principal: another reseller user may use the same key.
    let created = app
        .post(
            "/clients",
            Some(&token),
            json!({ "name": "Keyed", "contact_name": "K", "contact_email": "k@k.example" }),
        )
        .await;
    assert_eq!(created.status, 201);
}

async fn parallel_orders_add_up_exactly(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Busy Partners").await;
    let client = app.create_client(&token, "Busy Co", 0).await;
    let id = client["id"].as_str().unwrap();
    let order = |key: String| {
        app.send(
            app.request(reqwest::Method::POST, "/credit-orders", Some(&token))
                .header("Idempotency-Key", key)
                .json(&json!({ "client_code": client["code"], "credits": 7 })),
        )
    };
    let distinct =
        futures_util::future::join_all((0..20).map(|i| order(format!("distinct-{i}")))).await;
    assert!(
        distinct.iter().all(|r| r.status == 201),
        "{:?}",
        distinct
            .iter()
            .map(|r| r.body.to_string())
            .collect::<Vec<_>>()
    );
    let shared =
        futures_util::future::join_all((0..10).map(|_| order("shared-key".to_string()))).await;
    assert!(shared.iter().all(|r| r.status == 201));
    let ids: std::collections::HashSet<_> =
        shared.iter().map(|r| r.body["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "one order for one key");
    assert_eq!(app.balance(&token, id).await, 21 * 7);
    assert_eq!(app.ledger_sum(&token, id).await, 21 * 7);
    let orders = app.get("/credit-orders?limit=200", Some(&token)).await;
    assert_eq!(orders.body["data"].as_array().unwrap().len(), 21);
    assert_eq!(orders.body["total_amount_minor"], 21 * 7 * 400);
    let invoice = app.get("/invoices", Some(&token)).await;
    assert_eq!(
        invoice.body["data"].as_array().unwrap().len(),
        1,
        "one open invoice"
    );
    assert_eq!(invoice.body["data"][0]["total_minor"], 21 * 7 * 400);
    assert_eq!(invoice.body["data"][0]["line_count"], 21);
}

async fn adjustments_take_back_unused_credits_never_below_zero(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Adjusting Partners").await;
    let client = app.create_client(&token, "Adjusted", 30).await;
    let path = format!(
        "/clients/{}/credit-adjustments",
        client["id"].as_str().unwrap()
    );
    let missing = app.post(&path, Some(&token), json!({})).await;
    assert_eq!(missing.error_fields(), ["credits", "reason"]);
    let too_many = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 31, "reason": "Trial ended" }),
        )
        .await;
    too_many.assert_problem(422, "validation_failed");
    assert_eq!(too_many.body["errors"][0]["code"], "exceeds_balance");
    let ok = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 12, "reason": "Trial ended" }),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert_eq!(ok.body["kind"], "adjustment");
    assert_eq!(ok.body["delta"], -12);
    assert_eq!(ok.body["balance_after"], 18);
    assert_eq!(ok.body["reason"], "Trial ended");
    let all = app
        .post(
            &path,
            Some(&token),
            json!({ "credits": 18, "reason": "Closing" }),
        )
        .await;
    assert_eq!(all.body["balance_after"], 0);
    app.post(
        &path,
        Some(&token),
        json!({ "credits": 1, "reason": "More" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let id = client["id"].as_str().unwrap();
    assert_eq!(app.balance(&token, id).await, 0);
    assert_eq!(app.ledger_sum(&token, id).await, 0);
}

async fn one_low_credit_email_per_fall_below_the_threshold(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, token) = reseller_with_user(&app, &admin, "Watchful Partners").await;
    let client = app.create_client(&token, "Thrifty", 12).await;
    let id = client["id"].as_str().unwrap();
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
            json!({ "client_code": client["code"], "credits": 20 }),
        )
        .await;
    assert_eq!(order.status, 201); // 25: back above
    adjust(20).await; // 5: below again
    assert_eq!(app.outbox_count("thrifty@client.example", "low_credit"), 2);
    assert_eq!(app.outbox_count(reseller_email, "low_credit"), 2);
    let _ = reseller;
}

async fn invoices_are_issued_with_gap_free_numbers_and_exported(backend: Backend) {
    use credence_api::db::schema::invoices;
    use diesel::prelude::*;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, first) = reseller_with_user(&app, &admin, "First Partners").await;
    let (_, second) = reseller_with_user(&app, &admin, "Second Partners").await;
    app.create_client(&first, "One", 10).await;
    app.create_client(&second, "Two", 20).await;
    let a = app.get("/invoices", Some(&first)).await.body["data"][0].clone();
    let b = app.get("/invoices", Some(&second)).await.body["data"][0].clone();
    let (a_id, b_id) = (
        a["id"].as_str().unwrap().to_string(),
        b["id"].as_str().unwrap().to_string(),
    );
    // Orders land on the billing calendar's open month, which cannot be issued yet.
    assert_eq!(a["period"], crate::helpers::OPEN_PERIOD);
    assert_eq!(a["period_open"], true);
    app.post(
        &format!("/admin/invoices/{a_id}/issue"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "period_open");
    app.post(
        &format!("/admin/invoices/{a_id}/issue"),
        Some(&first),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    {
        let mut conn = app.conn();
        diesel::update(invoices::table)
            .set(invoices::period.eq("2026-01"))
            .execute(&mut *conn)
            .unwrap();
    }
    let issued_a = app
        .post(
            &format!("/admin/invoices/{a_id}/issue"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(issued_a.status, 200, "{}", issued_a.body);
    assert_eq!(issued_a.body["status"], "issued");
    assert_eq!(issued_a.body["period_open"], false);
    assert_eq!(issued_a.body["number"], "INV-000001");
    let issued_b = app
        .post(
            &format!("/admin/invoices/{b_id}/issue"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(issued_b.body["number"], "INV-000002");
    app.post(
        &format!("/admin/invoices/{a_id}/issue"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_state");
    let paid = app
        .post(
            &format!("/admin/invoices/{a_id}/mark-paid"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(paid.body["status"], "paid");
    assert!(paid.body["paid_at"].is_string());
    // A new order after issuing goes on a new draft: the issued invoice never changes.
    let client = app.get("/clients", Some(&first)).await.body["data"][0].clone();
    app.post(
        "/credit-orders",
        Some(&first),
        json!({ "client_code": client["code"], "credits": 5 }),
    )
    .await;
    let list = app.get("/invoices", Some(&first)).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get(&format!("/invoices/{a_id}"), Some(&first))
            .await
            .body["total_minor"],
        4000
    );
    let all = app.get("/admin/invoices?status=issued", Some(&admin)).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 1);
    let csv = app
        .get(&format!("/invoices/{a_id}/lines.csv"), Some(&first))
        .await;
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("invoice-INV-000001.csv"));
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.contains("10 credits for One"));
    assert!(text.ends_with("TOTAL,,,,,,40.00,GBP\r\n"), "{text}");
}

async fn closed_months_are_issued_by_the_housekeeping_job(backend: Backend) {
    use credence_api::db::schema::invoices;
    use diesel::prelude::*;
    let app = crate::helpers::spawn_app_with(
        backend,
        crate::helpers::Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Month End Partners").await;
    app.create_client(&token, "Monthly", 10).await;
    let id = app.get("/invoices", Some(&token)).await.body["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        app.get(&format!("/invoices/{id}"), Some(&token)).await.body["status"],
        "draft",
        "an open month stays a draft"
    );
    {
        let mut conn = app.conn();
        diesel::update(invoices::table.find(&id))
            .set(invoices::period.eq("2026-01"))
            .execute(&mut *conn)
            .unwrap();
    }
    let mut invoice = serde_json::Value::Null;
    for _ in 0..100 {
        invoice = app.get(&format!("/invoices/{id}"), Some(&token)).await.body;
        if invoice["status"] == "issued" {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    assert_eq!(invoice["status"], "issued");
    assert_eq!(invoice["number"], "INV-000001");
}

async fn concurrent_issues_of_one_draft_take_one_number(backend: Backend) {
    use credence_api::db::schema::{counters, invoices};
    use diesel::prelude::*;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, first) = reseller_with_user(&app, &admin, "Racing Partners").await;
    let (_, second) = reseller_with_user(&app, &admin, "Later Partners").await;
    app.create_client(&first, "Raced", 10).await;
    app.create_client(&second, "Next", 10).await;
    let id_of = |body: serde_json::Value| body["data"][0]["id"].as_str().unwrap().to_string();
    let raced = id_of(app.get("/invoices", Some(&first)).await.body);
    let next = id_of(app.get("/invoices", Some(&second)).await.body);
    {
        let mut conn = app.conn();
        diesel::update(invoices::table)
            .set(invoices::period.eq("2026-01"))
            .execute(&mut *conn)
            .unwrap();
    }
    let path = format!("/admin/invoices/{raced}/issue");
    let replies =
        futures_util::future::join_all((0..20).map(|_| app.post(&path, Some(&admin), json!({}))))
            .await;
    let issued = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(issued, 1, "exactly one issue wins");
    for reply in replies.iter().filter(|r| r.status != 200) {
        reply.assert_problem(409, "invalid_state");
    }
    let counter: i64 = {
        let mut conn = app.conn();
        counters::table
            .find("invoice_number")
            .select(counters::value)
            .first(&mut *conn)
            .unwrap()
    };
    assert_eq!(counter, 1, "no number was burnt by the losers");
    let later = app
        .post(
            &format!("/admin/invoices/{next}/issue"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(later.body["number"], "INV-000002", "{}", later.body);
}
