//! The edge of the service: reverse proxies (client IPs and hosts), `/metrics`, security
//! headers and what the transport refuses.

use std::io::{Read, Write};

use credence_shared::admin::{AuditEvent, Branding};
use credence_shared::reseller::ClientUser;
use credence_shared::Page;
use reqwest::Method;
use serde_json::json;

use crate::app::{
    spawn_app, spawn_app_with, Backend, Options, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

pub const METRICS_TOKEN: &str = "metrics-token-for-tests-0123456789";

both_backends!(
    metrics_need_the_token_and_stay_small,
    a_trusted_proxy_names_the_client,
    forwarding_headers_from_anyone_else_are_ignored,
    reset_requests_do_not_spend_the_login_budget,
    security_headers_on_pages_and_api,
    json_bodies_must_be_objects,
    transport_errors_are_answered_by_actix,
    another_tenants_email_is_not_revealed,
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

async fn security_headers_on_pages_and_api(backend: Backend) {
    // The SPA's real index.html has no inline script, so the policy can forbid them.
    let index =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/index.html")).unwrap();
    for script in index.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains("src="),
            "inline script in web/index.html: <script{tag}>"
        );
        assert!(script.split('>').nth(1).unwrap().starts_with("</script"));
    }
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), &index).unwrap();
    let app = spawn_app_with(
        backend,
        Options {
            env: [
                ("CREDENCE_WEB_DIR", web.path().display().to_string()),
                ("CREDENCE_PUBLIC_URL", "https://credence.test".to_string()),
            ]
            .into(),
            ..Default::default()
        },
    )
    .await;
    let page = app
        .send(app.client.get(format!("{}/login", app.address)))
        .await
        .assert_status(200)
        .headers
        .clone();
    let csp = page["content-security-policy"].to_str().unwrap();
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
            .to_string()
    };
    assert_eq!(
        directive("script-src"),
        "script-src 'self' 'wasm-unsafe-eval'"
    );
    assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
    assert_eq!(directive("object-src"), "object-src 'none'");
    assert!(!directive("style-src").contains("unsafe"), "{csp}");
    assert_eq!(page["referrer-policy"], "no-referrer");
    assert!(page["permissions-policy"]
        .to_str()
        .unwrap()
        .contains("camera=()"));
    assert_eq!(page["x-content-type-options"], "nosniff");
    assert!(page["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));

    // Authenticated API JSON: never cached, never sniffed, never a document.
    let admin = app.admin_token().await;
    for reply in [
        app.get("/me", Some(&admin)).await,
        app.get("/me", None).await,
    ] {
        assert_eq!(
            reply.header("cache-control").as_deref(),
            Some("no-store"),
            "{}",
            reply.text()
        );
        assert_eq!(
            reply.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert!(reply
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'"));
        assert!(reply.header("strict-transport-security").is_some());
    }

    // Plain http: no HSTS (it would pin a name that has no certificate).
    let plain = spawn_app(backend).await;
    let reply = plain.get("/branding", None).await;
    assert!(reply.header("strict-transport-security").is_none());
    assert_eq!(reply.header("x-frame-options").as_deref(), Some("DENY"));
}

async fn json_bodies_must_be_objects(backend: Backend) {
    let app = spawn_app(backend).await;
    // serde would fill the login form from an array by position.
    for body in [
        json!([ADMIN_EMAIL, ADMIN_PASSWORD]),
        json!("text"),
        json!(42),
        json!(null),
    ] {
        app.post("/auth/login", None, body.clone())
            .await
            .assert_problem(400, "json_object_expected");
    }
    let admin = app.admin_token().await;
    app.post(
        "/admin/resellers",
        Some(&admin),
        json!([["name", "Array Inc"]]),
    )
    .await
    .assert_problem(400, "json_object_expected");
    // Broken JSON is still malformed, objects still work.
    let broken = app
        .send(
            app.request(Method::POST, "/auth/login", None)
                .header("content-type", "application/json")
                .body("[\"x\""),
        )
        .await;
    broken.assert_problem(400, "malformed_json");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_status(200);
}

/// Requests actix's HTTP/1 parser refuses before any of our code runs (a request head over
/// 128 KiB, more than 96 headers, a broken request line) are answered by actix with an empty
/// 400/431 and a closed connection: no problem+json is possible there (actix-http has no hook
/// for it). This pins that behaviour so a change is noticed (see README, "Limits").
async fn transport_errors_are_answered_by_actix(backend: Backend) {
    let app = spawn_app(backend).await;
    let addr = app.address.trim_start_matches("http://").to_string();
    // Blocking sockets off the test's runtime thread, which the server's tasks share.
    let raw = |request: Vec<u8>| {
        let addr = addr.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let _ = stream.write_all(&request);
            let mut answer = [0u8; 512];
            let n = stream.read(&mut answer).unwrap_or(0);
            String::from_utf8_lossy(&answer[..n]).into_owned()
        })
    };
    let long = format!(
        "GET /api/v1/{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(200_000)
    );
    let answer = raw(long.into_bytes()).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let answer = raw(format!("GET /api/v1/me HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes())
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let answer = raw(b"GET /\x01 HTTP/1.1\r\n\r\n".to_vec()).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // The service is unharmed.
    app.get("/branding", None).await.assert_status(200);
}

async fn another_tenants_email_is_not_revealed(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, mine) = reseller_with_user(&app, &admin, "Mine Partners").await;
    let (_, theirs) = reseller_with_user(&app, &admin, "Their Partners").await;
    let my_client = app.create_client(&mine, "My Client", 0).await;
    let their_client = app.create_client(&theirs, "Their Client", 0).await;
    app.client_user(&theirs, Some(&their_client.id), "taken@their.example")
        .await;
    app.client_user(&theirs, Some(&their_client.id), "taken2@their.example")
        .await;
    let (_, colleague) = app
        .client_user(&mine, Some(&my_client.id), "colleague@my.example")
        .await;

    let add = |token: String, client_id: Option<String>, email: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/client-users",
                Some(&token),
                json!({ "client_id": client_id, "name": "Nosy Parker", "email": email, "job_title": "Recruiter" }),
            )
            .await
        }
    };
    for (token, client_id) in [
        (mine.clone(), Some(my_client.id.clone())),
        (colleague.clone(), None),
    ] {
        // Someone else's user, a reseller's staff, a brand-new address: one answer (an email
        // is unique within its tenant, so each is a new account of this client).
        let emails: &[&str] = if client_id.is_some() {
            &[
                "taken@their.example",
                "staff@their-partners.example",
                "fresh1@new.example",
            ]
        } else {
            &["taken2@their.example", "fresh2@new.example"]
        };
        for &email in emails {
            let created: ClientUser = add(token.clone(), client_id.clone(), email)
                .await
                .expect(201);
            assert_eq!(created.email, email);
            assert_eq!(created.client_id, my_client.id);
            assert_eq!(created.name, "Nosy Parker");
            assert_eq!(created.status.as_str(), "invited");
        }
        // A bad name is reported alike too.
        let bad = app
            .post(
                "/client-users",
                Some(&token),
                json!({ "client_id": client_id, "name": "", "email": "other@their.example" }),
            )
            .await;
        assert_eq!(
            bad.assert_problem(422, "validation_failed").errors[0].field,
            "name"
        );
    }
    // Within one's own tenant the address is known anyway: a clear 422.
    let dup = add(
        mine.clone(),
        Some(my_client.id.clone()),
        "colleague@my.example",
    )
    .await;
    assert_eq!(
        dup.assert_problem(422, "validation_failed").errors[0].code,
        "taken"
    );
    // The other tenant's user is untouched and still theirs.
    let users: Page<ClientUser> = app.get("/client-users", Some(&theirs)).await.json();
    assert!(users.data.iter().any(|u| u.email == "taken@their.example"));
    assert!(users.data.iter().all(|u| u.client_id == their_client.id));
}
