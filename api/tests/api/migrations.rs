//! Migrations that rewrite data: rows an older version wrote read correctly after them.

use credence_api::db::schema::webhooks;
use credence_api::db::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use credence_shared::reseller::WebhookDelivery;
use credence_shared::{Page, WebhookDeliveryStatus as Status};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;

both_backends!(
    the_delivery_log_migration_keeps_old_webhooks_and_deliveries,
    a_host_set_before_custom_host_requests_reads_as_approved,
    the_one_list_price_becomes_a_price_in_every_currency_in_use,
    existing_assessments_keep_the_cost_of_their_test_and_tests_stay_active,
    the_usage_rollups_are_backfilled_from_the_ledger_and_the_assessments,
);

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Reverts applied migrations until the newest is older than `version` (digits only).
fn revert_to_before(conn: &mut DbConnection, version: &str) {
    loop {
        let applied = match conn {
            DbConnection::Sqlite(c) => c.applied_migrations(),
            DbConnection::Postgres(c) => c.applied_migrations(),
        }
        .unwrap();
        let newest = applied
            .iter()
            .map(|v| digits(&v.to_string()))
            .max()
            .unwrap();
        if newest.as_str() < version {
            return;
        }
        match conn {
            DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
            DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS),
        }
        .unwrap();
    }
}

async fn the_delivery_log_migration_keeps_old_webhooks_and_deliveries(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Old Partners").await;
    let hook = uuid::Uuid::now_v7().to_string();
    let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    {
        let mut conn = app.conn();
        // What the version before the delivery log wrote: a clear secret, `sent`, a
        // cancellation as `failed`, and an HTTP client's error naming the URL.
        revert_to_before(&mut conn, "20261130152000");
        conn.batch_execute(&format!(
            "INSERT INTO webhooks (id, reseller_id, url, secret, events, created_at) VALUES \
               ('{hook}', '{reseller}', 'https://hooks.old.example/credence', \
                'whsec_old_clear_secret', 'client.credits_low', '2026-11-01 10:00:00'); \
             INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, attempts, \
                next_attempt_at, last_error, response_status, created_at, sent_at) VALUES \
               ('{d0}', '{hook}', 'client.credits_low', '{{}}', 'sent', 1, '2026-11-01 10:00:00', \
                NULL, 200, '2026-11-01 10:00:00', '2026-11-01 10:00:01'), \
               ('{d1}', '{hook}', 'client.credits_low', '{{}}', 'failed', 1, '2026-11-01 10:00:00', \
                'cancelled: the webhook was deleted', NULL, '2026-11-01 10:01:00', NULL), \
               ('{d2}', '{hook}', 'client.credits_low', '{{}}', 'failed', 8, '2026-11-01 10:00:00', \
                'error sending request for url (https://hooks.old.example/credence?token=abc)', \
                NULL, '2026-11-01 10:02:00', NULL), \
               ('{d3}', '{hook}', 'client.credits_low', '{{}}', 'pending', 1, '2099-01-01 00:00:00', \
                'HTTP 500 Internal Server Error', 500, '2026-11-01 10:03:00', NULL);",
            reseller = reseller.id,
            d0 = ids[0],
            d1 = ids[1],
            d2 = ids[2],
            d3 = ids[3],
        ))
        .unwrap();
        credence_api::db::run_migrations(&mut conn).unwrap();
    }
    // A server starting on the migrated data seals the secret...
    let second = spawn_app_with(
        backend,
        Options {
            database_url: Some(app.database_url.clone()),
            ..Options::default()
        },
    )
    .await;
    let secret: String = {
        let mut conn = second.conn();
        webhooks::table
            .find(&hook)
            .select(webhooks::secret)
            .first(&mut *conn)
            .unwrap()
    };
    assert!(secret.starts_with("enc:v1:"), "{secret}");
    assert!(!secret.contains("whsec_old_clear_secret"));
    // ...and the log reads the old rows in the new words, without the old error's URL.
    let (_, token) = second
        .reseller_user(&admin, &reseller.id, "staff@old-partners.example")
        .await;
    let log: Page<WebhookDelivery> = second
        .get(&format!("/webhooks/{hook}/deliveries"), Some(&token))
        .await
        .json();
    let shown: Vec<(String, Status, Option<String>, Option<i32>)> = log
        .data
        .iter()
        .map(|d| {
            (
                d.id.clone(),
                d.status,
                d.last_error.clone(),
                d.last_response_code,
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                ids[3].clone(),
                Status::Pending,
                Some("HTTP 500 Internal Server Error".to_string()),
                Some(500)
            ),
            (
                ids[2].clone(),
                Status::Failed,
                Some("The request failed".to_string()),
                None
            ),
            (
                ids[1].clone(),
                Status::Cancelled,
                Some(credence_api::domain::webhooks::CANCELLED.to_string()),
                None
            ),
            (ids[0].clone(), Status::Delivered, None, Some(200)),
        ]
    );
    let delivered = &log.data[3];
    assert_eq!(
        delivered.last_attempt_at.map(|t| t.naive_utc().to_string()),
        Some("2026-11-01 10:00:01".to_string())
    );
    assert!(log.data[0].next_attempt_at.is_some());
}

async fn a_host_set_before_custom_host_requests_reads_as_approved(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let hosted = app.create_reseller(&admin, "Hosted Before").await;
    let plain = app.create_reseller(&admin, "Plain Before").await;
    {
        let mut conn = app.conn();
        revert_to_before(&mut conn, "20261130190000");
        conn.batch_execute(&format!(
            "UPDATE resellers SET custom_host = 'assess.before.example' WHERE id = '{}'",
            hosted.id
        ))
        .unwrap();
        credence_api::db::run_migrations(&mut conn).unwrap();
    }
    let read = |id: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get(&format!("/admin/resellers/{id}"), Some(&admin))
                .await
                .expect::<credence_shared::admin::Reseller>(200)
        }
    };
    let hosted = read(hosted.id).await;
    assert_eq!(
        (
            hosted.custom_host.as_deref(),
            hosted.host_status,
            hosted.requested_host
        ),
        (
            Some("assess.before.example"),
            credence_shared::HostStatus::Approved,
            None
        )
    );
    assert_eq!(
        read(plain.id).await.host_status,
        credence_shared::HostStatus::NoHost
    );
}

async fn the_one_list_price_becomes_a_price_in_every_currency_in_use(backend: Backend) {
    use credence_shared::admin::{CreditPrice, Settings};
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    app.post(
        "/admin/prices",
        Some(&admin),
        serde_json::json!({ "currency": "USD", "unit_price_minor": 700 }),
    )
    .await
    .assert_status(201);
    let brand = app
        .get("/branding", None)
        .await
        .json::<credence_shared::admin::Branding>()
        .brand
        .id;
    app.post("/admin/resellers", Some(&admin), serde_json::json!({ "name": "Dollars Before", "contact_email": "a@before.example", "discount_percent": 10, "currency": "USD", "brand_ids": [brand] }))
        .await
        .assert_status(201);
    {
        let mut conn = app.conn();
        revert_to_before(&mut conn, "20261201010000");
        // Before price lists, one number was billed in every currency.
        conn.batch_execute("UPDATE settings SET list_price_minor = 650")
            .unwrap();
        credence_api::db::run_migrations(&mut conn).unwrap();
    }
    let prices: Page<CreditPrice> = app.get("/admin/prices", Some(&admin)).await.json();
    let mut found: Vec<(String, i64, bool)> = prices
        .data
        .iter()
        .map(|p| {
            (
                p.currency.clone(),
                p.unit_price_minor,
                p.reseller_id.is_none(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("GBP".to_string(), 650, true),
            ("USD".to_string(), 650, true)
        ]
    );
    let settings: Settings = app.get("/admin/settings", Some(&admin)).await.json();
    assert_eq!(
        (settings.list_price_minor, settings.currency.as_str()),
        (650, "GBP")
    );
}

async fn existing_assessments_keep_the_cost_of_their_test_and_tests_stay_active(backend: Backend) {
    use credence_api::db::schema::{assessments, tests};
    let w = crate::assessments_world::world(backend, 10).await;
    let p = w
        .project(&["numerical", "verbal"], serde_json::json!({}))
        .await;
    let invited = w.invited(&p, "old@cand.example").await;
    let numerical = p.tests[0].test_id.clone();
    {
        let mut conn = w.app.conn();
        // Before the catalogue could be edited: no cost per assessment, no `active`; the
        // numerical test then cost 3.
        revert_to_before(&mut conn, "20261201020000");
        conn.batch_execute(&format!(
            "UPDATE tests SET credit_cost = 3 WHERE id = '{numerical}'"
        ))
        .unwrap();
        credence_api::db::run_migrations(&mut conn).unwrap();
        let costs: Vec<(String, i32)> = assessments::table
            .filter(assessments::invitation_id.eq(&invited.invitations[0].id))
            .order(assessments::position.asc())
            .select((assessments::test_id, assessments::credit_cost))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            costs,
            [(numerical.clone(), 3), (p.tests[1].test_id.clone(), 1)],
            "backfilled from the cost at migration time"
        );
        let inactive: i64 = tests::table
            .filter(tests::active.eq(false))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(inactive, 0);
    }
}

async fn the_usage_rollups_are_backfilled_from_the_ledger_and_the_assessments(backend: Backend) {
    use credence_api::db::schema::{funnel_months, sten_counts, usage_days};
    type Funnel = (
        String,
        String,
        String,
        String,
        i32,
        i32,
        i32,
        (i32, i32, i32, i32, i32, i32, i32, i32),
    );
    let w = crate::assessments_world::world(backend, 20).await;
    let p = w
        .project(&["numerical", "verbal"], serde_json::json!({}))
        .await;
    crate::analytics::take_first_test(&w, &p, "done@cand.example", true).await;
    crate::analytics::take_first_test(&w, &p, "started@cand.example", false).await;
    let cancelled = w.invited(&p, "cancelled@cand.example").await;
    w.app
        .post(
            &format!("/invitations/{}/cancel", cancelled.invitations[0].id),
            Some(&w.client_user),
            serde_json::json!({}),
        )
        .await
        .assert_status(200);
    let read = |conn: &mut DbConnection| {
        let days: Vec<(String, String, String, i64, i64, i64, i64)> = usage_days::table
            .order((usage_days::client_id, usage_days::day))
            .load(conn)
            .unwrap();
        let funnel: Vec<Funnel> = funnel_months::table
            .order((funnel_months::project_id, funnel_months::test_id))
            .select((
                funnel_months::client_id,
                funnel_months::project_id,
                funnel_months::test_id,
                funnel_months::month,
                funnel_months::invited,
                funnel_months::started,
                funnel_months::completed,
                (
                    funnel_months::done_1h,
                    funnel_months::done_1d,
                    funnel_months::done_2d,
                    funnel_months::done_3d,
                    funnel_months::done_7d,
                    funnel_months::done_14d,
                    funnel_months::done_30d,
                    funnel_months::done_later,
                ),
            ))
            .load(conn)
            .unwrap();
        let stens: Vec<(String, String, i32, i32)> = sten_counts::table
            .order((sten_counts::test_id, sten_counts::sten))
            .load(conn)
            .unwrap();
        (days, funnel, stens)
    };
    let mut conn = w.app.conn();
    let kept = read(&mut conn);
    // What the writes kept: one day (20 added, 6 charged, 2 refunded), 3 invited per test,
    // 2 started and 1 completed numerical tests, one sten.
    assert_eq!(kept.0.len(), 1);
    assert_eq!(
        (kept.0[0].3, kept.0[0].4, kept.0[0].5, kept.0[0].6),
        (20, 6, 2, 0)
    );
    assert_eq!(kept.1.len(), 2);
    assert_eq!(kept.2.len(), 1);
    // Before the rollups existed: the migration builds them from the rows already there.
    revert_to_before(&mut conn, "20261201040000");
    credence_api::db::run_migrations(&mut conn).unwrap();
    assert_eq!(read(&mut conn), kept);
}
