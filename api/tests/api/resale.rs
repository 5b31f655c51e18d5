//! Resale: a reseller's own price per credit (a default, a client's own), the monthly client
//! statement it charges from (JSON and CSV), and its revenue, cost and margin per month.

use chrono::NaiveDateTime;
use credence_api::db::schema::{credit_orders, credit_returns, ledger_entries};
use credence_shared::assess::Candidate;
use credence_shared::resale::{ClientStatement, MarginReport, ResalePrice};
use credence_shared::reseller::{Client, CreditOrder, LedgerEntry};
use credence_shared::{Page, StatementLineKind};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{spawn_app, Backend, TestApp, OPEN_PERIOD};
use crate::assessments_world::world;
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    a_statement_charges_each_order_at_the_resale_price_it_was_placed_at,
    the_margin_is_resale_revenue_less_the_vendors_invoice,
    resale_prices_and_statements_are_the_resellers_alone,
);

async fn order(app: &TestApp, token: &str, client: &Client, credits: i64) -> CreditOrder {
    app.post(
        "/credit-orders",
        Some(token),
        json!({ "client_code": client.code, "credits": credits }),
    )
    .await
    .expect(201)
}

async fn set_price(app: &TestApp, token: &str, path: &str, price: Value) -> ResalePrice {
    app.put(path, Some(token), json!({ "unit_price_minor": price }))
        .await
        .expect(200)
}

async fn take_back(app: &TestApp, token: &str, client: &Client, credits: i64) {
    app.post(
        &format!("/clients/{}/credit-adjustments", client.id),
        Some(token),
        json!({ "credits": credits, "reason": "Unused" }),
    )
    .await
    .expect::<LedgerEntry>(201);
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// Dates what happened since the last call (everything after the year 2000) at `start`, a
/// minute apart in the order it happened, so a statement's month never depends on the clock.
fn happened_at(app: &TestApp, start: &str) {
    let start = at(start);
    let cutoff = at("2001-01-01 00:00:00");
    let mut conn = app.conn();
    let ledger: Vec<String> = ledger_entries::table
        .filter(ledger_entries::created_at.gt(cutoff))
        .order((ledger_entries::created_at, ledger_entries::id))
        .select(ledger_entries::id)
        .load(&mut *conn)
        .unwrap();
    for (i, id) in ledger.iter().enumerate() {
        diesel::update(ledger_entries::table.find(id))
            .set(ledger_entries::created_at.eq(start + chrono::TimeDelta::minutes(i as i64)))
            .execute(&mut *conn)
            .unwrap();
    }
    let orders: Vec<String> = credit_orders::table
        .filter(credit_orders::created_at.gt(cutoff))
        .order((credit_orders::created_at, credit_orders::id))
        .select(credit_orders::id)
        .load(&mut *conn)
        .unwrap();
    for (i, id) in orders.iter().enumerate() {
        diesel::update(credit_orders::table.find(id))
            .set(credit_orders::created_at.eq(start + chrono::TimeDelta::minutes(i as i64)))
            .execute(&mut *conn)
            .unwrap();
    }
    diesel::update(credit_returns::table.filter(credit_returns::created_at.gt(cutoff)))
        .set(credit_returns::created_at.eq(start))
        .execute(&mut *conn)
        .unwrap();
}

async fn statement(app: &TestApp, token: &str, client: &Client, period: &str) -> ClientStatement {
    app.get(
        &format!("/clients/{}/statements/{period}", client.id),
        Some(token),
    )
    .await
    .expect(200)
}

async fn a_statement_charges_each_order_at_the_resale_price_it_was_placed_at(backend: Backend) {
    // The world's client starts with 10 credits, before any resale price: unpriced.
    let w = world(backend, 10).await;
    let (app, token, client) = (&w.app, &w.reseller, &w.client);
    happened_at(app, "2000-01-31 23:00:00");

    // February: 10 credits at the default of 9.00.
    let default = set_price(app, token, "/reseller/resale-price", json!(900)).await;
    assert_eq!(
        (default.currency.as_str(), default.unit_price_minor),
        ("GBP", Some(900))
    );
    assert_eq!(
        order(app, token, client, 10).await.resale_price_minor,
        Some(900)
    );
    happened_at(app, "2000-02-20 09:00:00");

    // March: the client's own 12.00 for 5 credits; 3 invitations, one cancelled; then 12 back.
    let own = set_price(
        app,
        token,
        &format!("/clients/{}/resale-price", client.id),
        json!(1200),
    )
    .await;
    assert_eq!(
        (
            own.client_unit_price_minor,
            own.default_unit_price_minor,
            own.unit_price_minor
        ),
        (Some(1200), Some(900), Some(1200))
    );
    assert_eq!(
        order(app, token, client, 5).await.resale_price_minor,
        Some(1200)
    );
    let project = w.project(&["numerical"], json!({})).await;
    let before = app.balance(token, &client.id).await;
    let mut invited: Vec<Candidate> = Vec::new();
    for n in 0..3 {
        invited.push(w.invited(&project, &format!("c{n}@cand.example")).await);
    }
    let per_invite = before - app.balance(token, &client.id).await;
    assert!(per_invite > 0 && per_invite % 3 == 0, "{per_invite}");
    let per_invite = per_invite / 3;
    app.post(
        &format!("/invitations/{}/cancel", invited[0].invitations[0].id),
        Some(&w.client_user),
        json!({}),
    )
    .await
    .assert_status(200);
    happened_at(app, "2000-03-05 09:00:00");
    // Later price changes never alter what was ordered.
    set_price(
        app,
        token,
        &format!("/clients/{}/resale-price", client.id),
        Value::Null,
    )
    .await;
    set_price(app, token, "/reseller/resale-price", json!(1500)).await;
    let taken = 12;
    take_back(app, token, client, taken).await;
    happened_at(app, "2000-03-20 09:00:00");

    let jan = statement(app, token, client, "2000-01").await;
    assert_eq!(
        (jan.opening_balance, jan.credits_added, jan.closing_balance),
        (0, 10, 10)
    );
    assert_eq!((jan.resale_amount_minor, jan.unpriced_credits), (0, 10));

    let feb = statement(app, token, client, "2000-02").await;
    assert_eq!(
        (feb.opening_balance, feb.credits_added, feb.closing_balance),
        (10, 10, 20)
    );
    assert_eq!((feb.resale_amount_minor, feb.unpriced_credits), (9000, 0));
    assert_eq!(feb.lines.len(), 1);
    assert_eq!(
        (
            feb.lines[0].kind,
            feb.lines[0].credits,
            feb.lines[0].amount_minor
        ),
        (StatementLineKind::Order, 10, Some(9000))
    );

    let mar = statement(app, token, client, "2000-03").await;
    let used = 3 * per_invite;
    let refunded = per_invite;
    assert_eq!(
        (
            mar.opening_balance,
            mar.credits_added,
            mar.credits_used,
            mar.credits_refunded,
            mar.credits_taken_back,
        ),
        (20, 5, used, refunded, taken)
    );
    assert_eq!(mar.closing_balance, 20 + 5 - used + refunded - taken);
    // The ledger agrees: its last balance, and the client's balance now.
    let ledger = app.ledger(token, &client.id).await;
    assert_eq!(ledger[0].balance_after, mar.closing_balance);
    assert_eq!(app.balance(token, &client.id).await, mar.closing_balance);
    // Returns take the oldest orders first (the 10 unpriced of January, then 2 of February's at
    // 9.00): 5 × 12.00 − 10 × nothing − 2 × 9.00.
    let lines: Vec<(StatementLineKind, i64, Option<i64>, Option<i64>)> = mar
        .lines
        .iter()
        .map(|l| (l.kind, l.credits, l.unit_price_minor, l.amount_minor))
        .collect();
    assert_eq!(
        lines,
        [
            (StatementLineKind::Order, 5, Some(1200), Some(6000)),
            (StatementLineKind::Return, -10, None, None),
            (StatementLineKind::Return, -2, Some(900), Some(-1800)),
        ]
    );
    assert_eq!(mar.resale_amount_minor, 6000 - 1800);
    assert_eq!(mar.unpriced_credits, -10);
    assert_eq!(
        statement(app, token, client, "2000-04")
            .await
            .opening_balance,
        mar.closing_balance
    );

    // The CSV says the same.
    let csv = app
        .get(
            &format!("/clients/{}/statements/2000-03/lines.csv", client.id),
            Some(token),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("statement-{}-2000-03.csv", client.code)));
    let text = String::from_utf8(csv.bytes).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(
        rows[0],
        "date,kind,description,credits,unit_price,amount,currency"
    );
    assert_eq!(rows[1], ",opening_balance,Balance on 2000-03-01,20,,,GBP");
    assert!(
        rows[2].ends_with(",order,Credits ordered,5,12.00,60.00,GBP"),
        "{text}"
    );
    assert!(
        rows[4].ends_with(",return,Credits taken back (ordered 2000-02-20),-2,9.00,-18.00,GBP"),
        "{text}"
    );
    assert_eq!(
        rows[5],
        format!(",used,Credits used for invitations,-{used},,,GBP")
    );
    assert_eq!(
        rows[7],
        format!(
            ",closing_balance,Balance at the end of the month,{},,,GBP",
            mar.closing_balance
        )
    );
    assert_eq!(rows[8], ",total,TOTAL,-7,,42.00,GBP");
}

async fn the_margin_is_resale_revenue_less_the_vendors_invoice(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    // The list price is 5.00 and this reseller's discount 20 %: 4.00 a credit.
    let (_, token) = reseller_with_user(&app, &admin, "Margin Partners").await;
    let priced = app.create_client(&token, "Priced", 0).await;
    let unpriced = app.create_client(&token, "Unpriced", 0).await;
    set_price(&app, &token, "/reseller/resale-price", json!(900)).await;
    order(&app, &token, &priced, 10).await;
    take_back(&app, &token, &priced, 2).await;
    set_price(&app, &token, "/reseller/resale-price", Value::Null).await;
    order(&app, &token, &unpriced, 3).await;

    let report: MarginReport = app.get("/reseller/margins", Some(&token)).await.expect(200);
    assert_eq!(report.currency, "GBP");
    assert_eq!(report.months.len(), 12);
    let open = report.months.last().unwrap();
    assert_eq!(open.period, OPEN_PERIOD);
    // Revenue 10 × 9.00 − 2 × 9.00; cost (10 − 2 + 3) × 4.00 on the month's draft invoice.
    assert_eq!(
        (
            open.credits_sold,
            open.unpriced_credits,
            open.revenue_minor,
            open.cost_minor,
            open.margin_minor
        ),
        (11, 3, 7200, 4400, 2800)
    );
    assert!(report.months[..11]
        .iter()
        .all(|m| (m.revenue_minor, m.cost_minor, m.credits_sold) == (0, 0, 0)));
    let invoices: Page<credence_shared::reseller::Invoice> =
        app.get("/invoices", Some(&token)).await.json();
    assert_eq!(invoices.data[0].total_minor, open.cost_minor);

    let three: MarginReport = app
        .get("/reseller/margins?months=3", Some(&token))
        .await
        .expect(200);
    assert_eq!(three.months.len(), 3);
    assert_eq!(three.months[2], *open);
    for bad in ["0", "25", "-1"] {
        app.get(&format!("/reseller/margins?months={bad}"), Some(&token))
            .await
            .assert_problem(422, "validation_failed");
    }
    let csv = app
        .get("/reseller/margins.csv?months=2", Some(&token))
        .await;
    let text = String::from_utf8(csv.bytes).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(rows[2], format!("{OPEN_PERIOD},11,3,72.00,44.00,28.00,GBP"));
}

async fn resale_prices_and_statements_are_the_resellers_alone(backend: Backend) {
    let w = world(backend, 10).await;
    let (app, token, client) = (&w.app, &w.reseller, &w.client);
    let admin = app.admin_token().await;
    let (_, other) = reseller_with_user(app, &admin, "Other Partners").await;
    let client_price = format!("/clients/{}/resale-price", client.id);
    set_price(app, token, &client_price, json!(1234)).await;

    // Bad input: a clear 422, and nothing changes.
    for bad in [json!(-1), json!(100_000_001)] {
        app.put(
            &client_price,
            Some(token),
            json!({ "unit_price_minor": bad }),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
    let now: ResalePrice = app.get(&client_price, Some(token)).await.expect(200);
    assert_eq!(now.client_unit_price_minor, Some(1234));
    for bad in ["2026-13", "2026-1", "latest", "1999-12"] {
        app.get(
            &format!("/clients/{}/statements/{bad}", client.id),
            Some(token),
        )
        .await
        .assert_problem(422, "validation_failed");
    }

    // Another reseller: the client does not exist.
    app.get(&client_price, Some(&other))
        .await
        .assert_status(404);
    app.put(
        &client_price,
        Some(&other),
        json!({ "unit_price_minor": 1 }),
    )
    .await
    .assert_status(404);
    app.get(
        &format!("/clients/{}/statements/2026-01", client.id),
        Some(&other),
    )
    .await
    .assert_status(404);
    let others: ResalePrice = app
        .get("/reseller/resale-price", Some(&other))
        .await
        .expect(200);
    assert_eq!(others.default_unit_price_minor, None);

    // The client's users get none of it, not even in their audit log.
    for path in [
        client_price.clone(),
        "/reseller/resale-price".into(),
        "/reseller/margins".into(),
        format!("/clients/{}/statements/2026-01", client.id),
        format!("/clients/{}/statements/2026-01/lines.csv", client.id),
    ] {
        app.get(&path, Some(&w.client_user))
            .await
            .assert_status(403);
    }
    let audit: Value = app
        .get("/audit-events?limit=200", Some(&w.client_user))
        .await
        .json();
    assert!(!audit.to_string().contains("resale_price"), "{audit}");
    let audit: Value = app.get("/audit-events?limit=200", Some(token)).await.json();
    assert!(
        audit.to_string().contains("resale_price.updated"),
        "{audit}"
    );
}
