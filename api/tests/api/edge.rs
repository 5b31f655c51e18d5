//! The edge of the service: reverse proxies (client IPs and hosts), `/metrics`, security
//! headers and what the transport refuses.

use credence_shared::admin::{AuditEvent, Branding};
use credence_shared::Page;
use reqwest::Method;
use serde_json::json;

use crate::app::{
    spawn_app, spawn_app_with, Backend, Options, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use crate::both_backends;

pub const METRICS_TOKEN: &str = "metrics-token-for-tests-0123456789";

both_backends!(
    metrics_need_the_token_and_stay_small,
    a_trusted_proxy_names_the_client,
    forwarding_headers_from_anyone_else_are_ignored,
    reset_requests_do_not_spend_the_login_budget,
);

fn behind_proxy(proxies: &str) -> Options {
    Options {
        env: [
            ("CREDENCE_TRUSTED_PROXIES", proxies.to_string()),
            // 2 attempts per account and 6 per IP each minute.
            ("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "2".to_string()),
        ]
        .into(),
        ..Default::default()
    }
}

impl TestApp {
    async fn login_from(&self, xff: &str, email: &str, password: &str) -> u16 {
        self.send(
            self.request(Method::POST, "/auth/login", None)
                .header("x-forwarded-for", xff)
                .json(&json!({ "email": email, "password": password })),
        )
        .await
        .status
        .as_u16()
    }

    async fn branding_for(&self, forwarded_host: &str) -> Branding {
        self.send(
            self.request(Method::GET, "/branding", None)
                .header("x-forwarded-host", forwarded_host),
        )
        .await
        .json()
    }

    async fn reseller_on_host(&self, admin: &str, host: &str) {
        let brand = self
            .get("/branding", None)
            .await
            .json::<Branding>()
            .brand
            .id;
        self.post(
            "/admin/resellers",
            Some(admin),
            json!({ "name": "Skinned", "contact_email": "ops@skinned.example", "discount_percent": 10, "currency": "GBP", "custom_host": host, "brand_ids": [brand] }),
        )
        .await
        .assert_status(201);
    }
}

async fn a_trusted_proxy_names_the_client(backend: Backend) {
    // The test client connects from 127.0.0.1: it plays the proxy.
    let app = spawn_app_with(backend, behind_proxy("127.0.0.0/8, 10.0.0.0/8")).await;
    // One client spends its IP budget (6) with bad passwords for several accounts…
    let mut statuses = vec![];
    for i in 0..7 {
        statuses.push(
            app.login_from("203.0.113.7", &format!("nobody{i}@x.example"), "wrong")
                .await,
        );
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // …and is still refused when it forges a hop to the left of what the proxy appended.
    assert_eq!(
        app.login_from("198.51.100.1, 203.0.113.7", "nobody9@x.example", "wrong")
            .await,
        429
    );
    // Everyone else behind the same proxy signs in (through a chain of trusted proxies too).
    assert_eq!(
        app.login_from(
            "6.6.6.6, 198.51.100.9, 10.1.2.3",
            ADMIN_EMAIL,
            ADMIN_PASSWORD
        )
        .await,
        200
    );
    // The audit trail has the client's address, not the proxy's.
    let admin = app.admin_token().await;
    let events: Page<AuditEvent> = app.get("/audit-events", Some(&admin)).await.json();
    let ips: Vec<_> = events
        .data
        .iter()
        .filter(|e| e.action == "auth.login")
        .filter_map(|e| e.ip.clone())
        .collect();
    assert!(ips.contains(&"198.51.100.9".to_string()), "{ips:?}");
    assert!(!ips.contains(&"6.6.6.6".to_string()), "{ips:?}");

    // The proxy's forwarded host picks the reseller's skin.
    app.reseller_on_host(&admin, "skin.example").await;
    assert_eq!(
        app.branding_for("skin.example")
            .await
            .reseller_name
            .as_deref(),
        Some("Skinned")
    );
}

async fn forwarding_headers_from_anyone_else_are_ignored(backend: Backend) {
    // No trusted proxy: a client that makes up a new X-Forwarded-For each time still has one
    // budget, its own.
    let app = spawn_app_with(backend, behind_proxy("")).await;
    let mut statuses = vec![];
    for i in 0..7 {
        statuses.push(
            app.login_from(
                &format!("203.0.113.{i}"),
                &format!("nobody{i}@x.example"),
                "wrong",
            )
            .await,
        );
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // A proxy in another network is not believed either.
    let app = spawn_app_with(backend, behind_proxy("10.0.0.0/8")).await;
    assert_eq!(
        app.login_from("203.0.113.1", ADMIN_EMAIL, ADMIN_PASSWORD)
            .await,
        200
    );
    let admin = app.admin_token().await;
    let events: Page<AuditEvent> = app.get("/audit-events", Some(&admin)).await.json();
    assert!(events
        .data
        .iter()
        .filter(|e| e.action == "auth.login")
        .all(|e| e.ip.as_deref() == Some("127.0.0.1")));
    // And X-Forwarded-Host from an untrusted peer does not choose the skin.
    app.reseller_on_host(&admin, "skin.example").await;
    assert_eq!(app.branding_for("skin.example").await.reseller_name, None);
}

async fn reset_requests_do_not_spend_the_login_budget(backend: Backend) {
    let app = spawn_app_with(backend, behind_proxy("127.0.0.1")).await;
    // Someone asks for reset links for the admin's email until refused…
    let mut statuses = vec![];
    for _ in 0..4 {
        statuses.push(
            app.send(
                app.request(Method::POST, "/auth/password/forgot", None)
                    .header("x-forwarded-for", "203.0.113.7")
                    .json(&json!({ "email": ADMIN_EMAIL })),
            )
            .await
            .status
            .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 429, 429]);
    // …and the admin still signs in.
    assert_eq!(
        app.login_from("198.51.100.9", ADMIN_EMAIL, ADMIN_PASSWORD)
            .await,
        200
    );
}

async fn metrics_need_the_token_and_stay_small(backend: Backend) {
    // Without a configured token there is no metrics endpoint.
    let app = spawn_app(backend).await;
    let hidden = app.get("/metrics", None).await;
    assert_eq!(hidden.assert_status(404).problem().code, "not_found");
    assert!(hidden
        .content_type()
        .starts_with("application/problem+json"));

    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_METRICS_TOKEN", METRICS_TOKEN.to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    for token in [None, Some("wrong-token-of-some-length")] {
        let refused = app.get("/metrics", token).await;
        assert_eq!(
            refused.assert_status(401).problem().code,
            "invalid_metrics_token"
        );
    }
    let scrape = || async {
        app.get("/metrics", Some(METRICS_TOKEN))
            .await
            .assert_status(200)
            .text()
    };
    app.get("/branding", None).await.assert_status(200);
    let before = scrape().await.lines().count();

    // Made-up methods and paths, each new: the label sets do not grow with them.
    for i in 0..40 {
        let method = Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        app.send(app.request(method.clone(), "/branding", None))
            .await;
        app.send(app.request(method, &format!("/nothing-{i}"), None))
            .await;
        app.get(&format!("/nothing-{i}"), None)
            .await
            .assert_status(404);
        app.get(&format!("/some/page-{i}"), None).await;
    }
    let after = scrape().await;
    assert!(!after.contains("MADEUP"), "{after}");
    assert!(!after.contains("nothing-"), "{after}");
    assert!(!after.contains("page-"), "{after}");
    assert!(after.contains(r#"method="other""#), "{after}");
    assert!(
        after.contains(r#"method="GET",route="unmatched",status="404"} 80"#),
        "{after}"
    );
    // A handful of new series (other × a few statuses and routes), not one per request.
    let added = after.lines().count() - before;
    assert!(added < 15 * 8, "{added} lines added:\n{after}");
}
