//! Credit notes: credits taken back from a client are credited at the price paid for them,
//! oldest order first — on the order's draft invoice, or on a credit note once its month's
//! invoice is issued — with credit notes numbered in their own gap-free sequence.

use credence_shared::reseller::{Client, Invoice, InvoiceLine, LedgerEntry};
use credence_shared::{InvoiceKind, Page};
use serde_json::json;

use crate::app::{spawn_app, Backend, TestApp, OPEN_PERIOD};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    returns_are_credited_at_the_price_paid_oldest_order_first,
    returns_from_an_issued_month_go_on_a_numbered_credit_note,
);

async fn order(app: &TestApp, token: &str, client: &Client, credits: i64) -> String {
    app.post(
        "/credit-orders",
        Some(token),
        json!({ "client_code": client.code, "credits": credits }),
    )
    .await
    .expect::<credence_shared::reseller::CreditOrder>(201)
    .invoice_id
}

async fn take_back(app: &TestApp, token: &str, client: &Client, credits: i64) {
    app.post(
        &format!("/clients/{}/credit-adjustments", client.id),
        Some(token),
        json!({ "credits": credits, "reason": "Unused at year end" }),
    )
    .await
    .expect::<LedgerEntry>(201);
}

async fn lines(app: &TestApp, token: &str, invoice_id: &str) -> Vec<(i64, i64, i64)> {
    app.get(&format!("/invoices/{invoice_id}/lines"), Some(token))
        .await
        .json::<Page<InvoiceLine>>()
        .data
        .into_iter()
        .map(|l| (l.credits, l.unit_price_minor, l.amount_minor))
        .collect()
}

async fn invoice(app: &TestApp, token: &str, id: &str) -> Invoice {
    app.get(&format!("/invoices/{id}"), Some(token))
        .await
        .json()
}

async fn returns_are_credited_at_the_price_paid_oldest_order_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Returning Partners").await;
    let client = app.create_client(&token, "Acme", 0).await;
    // 4 credits at 5.00, then 4 at 10.00, each less the 20 % discount.
    let invoice_id = order(&app, &token, &client, 4).await;
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "list_price_minor": 1000 }),
    )
    .await
    .assert_status(200);
    assert_eq!(order(&app, &token, &client, 4).await, invoice_id);
    assert_eq!(invoice(&app, &token, &invoice_id).await.total_minor, 4800);

    // 6 back: all 4 of the first order at its price, then 2 of the second at its own.
    take_back(&app, &token, &client, 6).await;
    assert_eq!(
        lines(&app, &token, &invoice_id).await,
        [
            (4, 500, 1600),
            (4, 1000, 3200),
            (-4, 500, -1600),
            (-2, 1000, -1600)
        ]
    );
    let draft = invoice(&app, &token, &invoice_id).await;
    assert_eq!(
        (draft.total_minor, draft.kind),
        (1600, InvoiceKind::Invoice)
    );
    // No credit note: the credits' own invoice was still a draft.
    let all: Page<Invoice> = app.get("/invoices", Some(&token)).await.json();
    assert_eq!(all.data.len(), 1);

    // The last 2; then nothing is left to take back, and a refused return changes nothing.
    take_back(&app, &token, &client, 2).await;
    assert_eq!(invoice(&app, &token, &invoice_id).await.total_minor, 0);
    app.post(
        &format!("/clients/{}/credit-adjustments", client.id),
        Some(&token),
        json!({ "credits": 1, "reason": "Too many" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(lines(&app, &token, &invoice_id).await.len(), 5);

    // The CSV carries the credited lines and the net total.
    let csv = app
        .get(&format!("/invoices/{invoice_id}/lines.csv"), Some(&token))
        .await;
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.contains(",-4,5.00,20.00,-16.00,GBP"), "{text}");
    assert!(text.ends_with("TOTAL,,,,,,0.00,GBP\r\n"), "{text}");
}

async fn returns_from_an_issued_month_go_on_a_numbered_credit_note(backend: Backend) {
    use credence_api::db::schema::invoices;
    use diesel::prelude::*;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Crediting Partners").await;
    let client = app.create_client(&token, "Acme", 0).await;
    let january = order(&app, &token, &client, 5).await;
    let move_to = |id: &str, period: &str| {
        let mut conn = app.conn();
        diesel::update(invoices::table.find(id))
            .set(invoices::period.eq(period))
            .execute(&mut *conn)
            .unwrap();
    };
    move_to(&january, "2026-01");
    let issue = |id: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.post(
                &format!("/admin/invoices/{id}/issue"),
                Some(&admin),
                json!({}),
            )
            .await
            .expect::<Invoice>(200)
        }
    };
    assert_eq!(
        issue(january.clone()).await.number.as_deref(),
        Some("INV-000001")
    );
    let now = order(&app, &token, &client, 2).await;
    assert_ne!(now, january);

    // 6 back: the 5 of January's issued invoice on a credit note, 1 on this month's draft.
    take_back(&app, &token, &client, 6).await;
    assert_eq!(
        lines(&app, &token, &now).await,
        [(2, 500, 800), (-1, 500, -400)]
    );
    let all: Page<Invoice> = app.get("/invoices", Some(&token)).await.json();
    let note = all
        .data
        .iter()
        .find(|i| i.kind == InvoiceKind::CreditNote)
        .expect("a credit note")
        .clone();
    assert_eq!(
        (note.period.as_str(), note.total_minor, note.number.clone()),
        (OPEN_PERIOD, -2000, None)
    );
    assert_eq!(lines(&app, &token, &note.id).await, [(-5, 500, -2000)]);
    assert_eq!(
        invoice(&app, &token, &january).await.total_minor,
        2000,
        "an issued invoice never changes"
    );
    // The vendor sees it too.
    let vendor: Page<Invoice> = app.get("/admin/invoices", Some(&admin)).await.json();
    assert!(vendor.data.iter().any(|i| i.id == note.id));

    // Credit notes take their own gap-free numbers; invoices keep theirs.
    move_to(&note.id, "2026-02");
    move_to(&now, "2026-02");
    let issued = issue(note.id.clone()).await;
    assert_eq!(
        (issued.number.as_deref(), issued.kind),
        (Some("CN-000001"), InvoiceKind::CreditNote)
    );
    assert_eq!(issue(now).await.number.as_deref(), Some("INV-000002"));
    let csv = app
        .get(&format!("/invoices/{}/lines.csv", note.id), Some(&token))
        .await;
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("credit-note-CN-000001.csv"));
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.ends_with("TOTAL,,,,,,-20.00,GBP\r\n"), "{text}");
}
