//! Price lists: each reseller is billed the price of its own currency (or its own price), a
//! change never alters an existing invoice, and bad prices change nothing.

use credence_shared::admin::{CreditPrice, Reseller, Settings};
use credence_shared::reseller::{CreditOrder, Invoice, InvoiceLine};
use credence_shared::{Page, PriceStatus};
use serde_json::json;

use crate::app::{spawn_app, Backend, TestApp};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    usd_and_gbp_resellers_are_billed_in_their_own_price_lists,
    bad_prices_are_refused_and_change_nothing,
    scheduled_prices_wait_and_can_be_withdrawn,
);

async fn prices(app: &TestApp, admin: &str, query: &str) -> Vec<CreditPrice> {
    app.get(&format!("/admin/prices{query}"), Some(admin))
        .await
        .json::<Page<CreditPrice>>()
        .data
}

async fn usd_reseller(app: &TestApp, admin: &str, name: &str) -> (Reseller, String) {
    let brand = app
        .get("/branding", None)
        .await
        .json::<credence_shared::admin::Branding>()
        .brand
        .id;
    let reseller: Reseller = app
        .post("/admin/resellers", Some(admin), json!({ "name": name, "contact_email": "ops@usd.example", "discount_percent": 12.5, "currency": "USD", "brand_ids": [brand] }))
        .await
        .expect(201);
    let (_, token) = app
        .reseller_user(admin, &reseller.id, "staff@usd.example")
        .await;
    (reseller, token)
}

async fn order(app: &TestApp, token: &str, code: &str, credits: i64) -> CreditOrder {
    app.post(
        "/credit-orders",
        Some(token),
        json!({ "client_code": code, "credits": credits }),
    )
    .await
    .expect(201)
}

async fn invoice_lines(app: &TestApp, token: &str, path: &str) -> Vec<InvoiceLine> {
    app.get(path, Some(token))
        .await
        .json::<Page<InvoiceLine>>()
        .data
}

async fn usd_and_gbp_resellers_are_billed_in_their_own_price_lists(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    // No dollar price yet: a dollar reseller cannot be created.
    let refused = app
        .post("/admin/resellers", Some(&admin), json!({ "name": "Too Soon", "contact_email": "a@soon.example", "discount_percent": 10, "currency": "USD" }))
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), ["currency"]);
    assert_eq!(refused.problem().errors[0].code, "no_price");

    let usd: CreditPrice = app
        .post(
            "/admin/prices",
            Some(&admin),
            json!({ "currency": "usd", "unit_price_minor": 650 }),
        )
        .await
        .expect(201);
    assert_eq!(
        (usd.currency.as_str(), usd.unit_price_minor, usd.status),
        ("USD", 650, PriceStatus::Current)
    );
    let (dollars, usd_token) = usd_reseller(&app, &admin, "Dollar Partners").await;
    let (_, gbp_token) = reseller_with_user(&app, &admin, "Sterling Partners").await;
    let us_client = app.create_client(&usd_token, "Acme Inc", 0).await;
    let uk_client = app.create_client(&gbp_token, "Acme Ltd", 0).await;

    // Each is billed its own currency's price: 3 × 650 × 0.875 = 1706.25 → 1706 cents;
    // 3 × 500 × 0.8 = 1200 pence.
    let us_order = order(&app, &usd_token, &us_client.code, 3).await;
    assert_eq!(
        (
            us_order.list_price_minor,
            us_order.amount_minor,
            us_order.currency.as_str()
        ),
        (650, 1706, "USD")
    );
    let uk_order = order(&app, &gbp_token, &uk_client.code, 3).await;
    assert_eq!(
        (
            uk_order.list_price_minor,
            uk_order.amount_minor,
            uk_order.currency.as_str()
        ),
        (500, 1200, "GBP")
    );

    // A new dollar price applies to later orders only; the invoice keeps what it billed.
    app.post(
        "/admin/prices",
        Some(&admin),
        json!({ "currency": "USD", "unit_price_minor": 700 }),
    )
    .await
    .assert_status(201);
    let invoice_id = &us_order.invoice_id;
    let lines_path = format!("/invoices/{invoice_id}/lines");
    assert_eq!(
        invoice_lines(&app, &usd_token, &lines_path).await[0].unit_price_minor,
        650
    );
    let later = order(&app, &usd_token, &us_client.code, 2).await;
    assert_eq!((later.list_price_minor, later.amount_minor), (700, 1225));
    let lines = invoice_lines(&app, &usd_token, &lines_path).await;
    assert_eq!(
        lines.iter().map(|l| l.unit_price_minor).collect::<Vec<_>>(),
        [650, 700]
    );
    let invoice: Invoice = app
        .get(&format!("/invoices/{invoice_id}"), Some(&usd_token))
        .await
        .json();
    assert_eq!(
        (invoice.total_minor, invoice.currency.as_str()),
        (1706 + 1225, "USD")
    );

    // The dollar reseller's own price overrides the list price for it alone.
    let own: CreditPrice = app
        .post(
            "/admin/prices",
            Some(&admin),
            json!({ "currency": "USD", "unit_price_minor": 600, "reseller_id": dollars.id }),
        )
        .await
        .expect(201);
    assert_eq!(own.reseller_name.as_deref(), Some("Dollar Partners"));
    assert_eq!(
        order(&app, &usd_token, &us_client.code, 1)
            .await
            .list_price_minor,
        600
    );
    assert_eq!(
        order(&app, &gbp_token, &uk_client.code, 1)
            .await
            .list_price_minor,
        500
    );

    // The list shows every price with its status; the settings show the main currency's.
    let listed = prices(&app, &admin, "?currency=USD").await;
    let summary: Vec<(i64, PriceStatus, bool)> = listed
        .iter()
        .map(|p| (p.unit_price_minor, p.status, p.reseller_id.is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            (600, PriceStatus::Current, true),
            (700, PriceStatus::Current, false),
            (650, PriceStatus::Ended, false),
        ]
    );
    assert_eq!(
        listed[2].valid_until,
        Some(listed[1].valid_from),
        "a new price closes the one it replaces at its start"
    );
    let mine = prices(&app, &admin, &format!("?reseller_id={}", dollars.id)).await;
    assert_eq!(mine.len(), 1);
    let settings: Settings = app.get("/admin/settings", Some(&admin)).await.json();
    assert_eq!(
        (settings.list_price_minor, settings.currency.as_str()),
        (500, "GBP")
    );

    // Resellers and client users never see price lists.
    app.get("/admin/prices", Some(&usd_token))
        .await
        .assert_problem(403, "forbidden");
}

async fn bad_prices_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, _) = reseller_with_user(&app, &admin, "Careful Partners").await;
    let before = prices(&app, &admin, "").await;
    let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let bad = app
        .post("/admin/prices", Some(&admin), json!({ "currency": "XXX", "unit_price_minor": -1, "reseller_id": "nobody", "valid_from": past }))
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        ["currency", "unit_price_minor", "reseller_id", "valid_from"]
    );
    let soon = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let sooner = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    // A list price has no end of its own; a reseller's price ends after it starts.
    let endless = app
        .post(
            "/admin/prices",
            Some(&admin),
            json!({ "currency": "EUR", "unit_price_minor": 600, "valid_until": soon }),
        )
        .await;
    assert_eq!(endless.error_fields(), ["valid_until"]);
    let backwards = app
        .post("/admin/prices", Some(&admin), json!({ "currency": "EUR", "unit_price_minor": 600, "reseller_id": reseller.id, "valid_from": soon, "valid_until": sooner }))
        .await;
    assert_eq!(backwards.error_fields(), ["valid_until"]);
    app.post(
        "/admin/prices",
        Some(&admin),
        json!({ "currency": "EUR", "unit_price_minor": 100_000_001 }),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get("/admin/prices?currency=nope", Some(&admin))
        .await
        .assert_problem(400, "invalid_query");

    // A currency without a price: not for a reseller, not as the main currency.
    let patch = app
        .patch(
            &format!("/admin/resellers/{}", reseller.id),
            Some(&admin),
            json!({ "currency": "SEK" }),
        )
        .await;
    assert_eq!(patch.error_fields(), ["currency"]);
    let settings = app
        .patch(
            "/admin/settings",
            Some(&admin),
            json!({ "currency": "SEK" }),
        )
        .await;
    assert_eq!(settings.error_fields(), ["currency"]);
    app.delete(&format!("/admin/prices/{}", before[0].id), Some(&admin))
        .await
        .assert_problem(409, "price_started");
    app.delete(
        "/admin/prices/00000000-0000-7000-8000-00000000dead",
        Some(&admin),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(prices(&app, &admin, "").await, before);
    let read: Reseller = app
        .get(&format!("/admin/resellers/{}", reseller.id), Some(&admin))
        .await
        .json();
    assert_eq!(read.currency, "GBP");

    // With a list price in the same change, the main currency may move.
    let moved: Settings = app
        .patch(
            "/admin/settings",
            Some(&admin),
            json!({ "currency": "SEK", "list_price_minor": 6500 }),
        )
        .await
        .json();
    assert_eq!(
        (moved.currency.as_str(), moved.list_price_minor),
        ("SEK", 6500)
    );
    assert_eq!(prices(&app, &admin, "?currency=SEK").await.len(), 1);
}

async fn scheduled_prices_wait_and_can_be_withdrawn(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Patient Partners").await;
    let client = app.create_client(&token, "Acme", 0).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let scheduled: CreditPrice = app
        .post(
            "/admin/prices",
            Some(&admin),
            json!({ "currency": "GBP", "unit_price_minor": 900, "valid_from": tomorrow }),
        )
        .await
        .expect(201);
    assert_eq!(scheduled.status, PriceStatus::Scheduled);
    // Until it starts, orders use the price in effect, and nothing may be slipped in before it.
    assert_eq!(
        order(&app, &token, &client.code, 1).await.list_price_minor,
        500
    );
    app.post(
        "/admin/prices",
        Some(&admin),
        json!({ "currency": "GBP", "unit_price_minor": 800 }),
    )
    .await
    .assert_problem(409, "price_scheduled");
    let gbp = prices(&app, &admin, "?currency=GBP").await;
    assert_eq!(gbp[1].valid_until, Some(scheduled.valid_from));
    // Withdrawn, it leaves the price it would have replaced in effect with no end.
    app.delete(&format!("/admin/prices/{}", scheduled.id), Some(&admin))
        .await
        .assert_status(204);
    let gbp = prices(&app, &admin, "?currency=GBP").await;
    assert_eq!(gbp.len(), 1);
    assert_eq!(
        (gbp[0].unit_price_minor, gbp[0].status, gbp[0].valid_until),
        (500, PriceStatus::Current, None)
    );
}
