//! Invoices: gap-free numbers and export, closed months issued by housekeeping, and concurrent
//! issues of one draft.

use std::time::Duration;

use credence_shared::reseller::{Client, Invoice};
use credence_shared::Page;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options, OPEN_PERIOD};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::wait::wait_until;

both_backends!(
    invoices_are_issued_with_gap_free_numbers_and_exported,
    closed_months_are_issued_by_the_housekeeping_job,
    concurrent_issues_of_one_draft_take_one_number,
);

async fn invoices_are_issued_with_gap_free_numbers_and_exported(backend: Backend) {
    use credence_api::db::schema::invoices;
    use diesel::prelude::*;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, first) = reseller_with_user(&app, &admin, "First Partners").await;
    let (_, second) = reseller_with_user(&app, &admin, "Second Partners").await;
    app.create_client(&first, "One", 10).await;
    app.create_client(&second, "Two", 20).await;
    let a = app
        .get("/invoices", Some(&first))
        .await
        .json::<Page<Invoice>>()
        .data
        .remove(0);
    let b = app
        .get("/invoices", Some(&second))
        .await
        .json::<Page<Invoice>>()
        .data
        .remove(0);
    let (a_id, b_id) = (a.id.clone(), b.id.clone());
    // Orders land on the billing calendar's open month, which cannot be issued yet.
    assert_eq!(a.period, OPEN_PERIOD);
    assert!(a.period_open);
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
    let issued_a: Invoice = app
        .post(
            &format!("/admin/invoices/{a_id}/issue"),
            Some(&admin),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(issued_a.status.as_str(), "issued");
    assert!(!issued_a.period_open);
    assert_eq!(issued_a.number.as_deref(), Some("INV-000001"));
    let issued_b: Invoice = app
        .post(
            &format!("/admin/invoices/{b_id}/issue"),
            Some(&admin),
            json!({}),
        )
        .await
        .json();
    assert_eq!(issued_b.number.as_deref(), Some("INV-000002"));
    app.post(
        &format!("/admin/invoices/{a_id}/issue"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_state");
    let paid: Invoice = app
        .post(
            &format!("/admin/invoices/{a_id}/mark-paid"),
            Some(&admin),
            json!({}),
        )
        .await
        .json();
    assert_eq!(paid.status.as_str(), "paid");
    assert!(paid.paid_at.is_some());
    // A new order after issuing goes on a new draft: the issued invoice never changes.
    let client = app
        .get("/clients", Some(&first))
        .await
        .json::<Page<Client>>()
        .data
        .remove(0);
    app.post(
        "/credit-orders",
        Some(&first),
        json!({ "client_code": client.code, "credits": 5 }),
    )
    .await
    .assert_status(201);
    let list: Page<Invoice> = app.get("/invoices", Some(&first)).await.json();
    assert_eq!(list.data.len(), 2);
    let issued: Invoice = app
        .get(&format!("/invoices/{a_id}"), Some(&first))
        .await
        .json();
    assert_eq!(issued.total_minor, 4000);
    let all: Page<Invoice> = app
        .get("/admin/invoices?status=issued", Some(&admin))
        .await
        .json();
    assert_eq!(all.data.len(), 1);
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
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_HOUSEKEEPING_MS", "50".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Month End Partners").await;
    app.create_client(&token, "Monthly", 10).await;
    let id = app
        .get("/invoices", Some(&token))
        .await
        .json::<Page<Invoice>>()
        .data[0]
        .id
        .clone();
    let invoice = |id: String| {
        let (app, token) = (&app, &token);
        async move {
            app.get(&format!("/invoices/{id}"), Some(token))
                .await
                .json::<Invoice>()
        }
    };
    // The job runs every 50 ms: after several runs, the open month is still a draft.
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        invoice(id.clone()).await.status.as_str(),
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
    let issued = wait_until(
        "the job issues the closed month",
        Duration::from_secs(3),
        || async {
            let found = invoice(id.clone()).await;
            (found.status.as_str() == "issued").then_some(found)
        },
    )
    .await;
    assert_eq!(issued.number.as_deref(), Some("INV-000001"));
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
    let id_of = |reply: crate::reply::Reply| reply.json::<Page<Invoice>>().data[0].id.clone();
    let raced = id_of(app.get("/invoices", Some(&first)).await);
    let next = id_of(app.get("/invoices", Some(&second)).await);
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
    let later: Invoice = app
        .post(
            &format!("/admin/invoices/{next}/issue"),
            Some(&admin),
            json!({}),
        )
        .await
        .json();
    assert_eq!(later.number.as_deref(), Some("INV-000002"));
}
