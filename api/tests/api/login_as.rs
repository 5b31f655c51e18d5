//! Login As: a reseller user views the product as one of its client users.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use credence_shared::admin::AuditEvent;
use credence_shared::auth::Me;
use credence_shared::reseller::{ClientUser, ImpersonationResponse};
use credence_shared::{Page, Role};
use serde_json::{json, Value};

use crate::app::{spawn_app, Backend, TestApp};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD, RESELLER_PASSWORD};

both_backends!(
    login_as_issues_a_short_audited_session_that_can_end,
    login_as_cannot_escalate_or_change_secrets,
    only_active_users_can_be_viewed_as,
    the_login_as_trail_is_shown_to_the_reseller_and_the_client_only,
    a_new_password_ends_the_impersonators_login_as_sessions
);

fn claims(token: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

async fn login_as_issues_a_short_audited_session_that_can_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller_token) = reseller_with_user(&app, &admin, "Helpful Partners").await;
    let client = app.create_client(&reseller_token, "Viewed Co", 15).await;
    let (user, user_token) = app
        .client_user(&reseller_token, Some(&client.id), "viewed@client.example")
        .await;
    let uid = user.id.as_str();
    let started = app
        .post(
            &format!("/client-users/{uid}/impersonate"),
            Some(&reseller_token),
            json!({}),
        )
        .await;
    let session: ImpersonationResponse = started.expect(200);
    // Absent, not null: there is nothing to refresh (no DTO field says which).
    assert!(started.body.get("refresh_token").is_none());
    assert_eq!(session.user.email, "viewed@client.example");
    assert_eq!(session.impersonator.email, "staff@helpful-partners.example");
    let token = session.access_token.clone();
    let c = claims(&token);
    assert_eq!(c["sub"], user.id);
    assert_eq!(c["role"], "client_user");
    assert_eq!(c["client_id"], client.id);
    assert_eq!(c["act"]["sub"], session.impersonator.id);
    assert!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap() <= 1800);
    let me: Me = app.get("/me", Some(&token)).await.json();
    assert_eq!(me.email, "viewed@client.example");
    assert_eq!(
        me.impersonator.map(|i| i.email).as_deref(),
        Some("staff@helpful-partners.example")
    );
    // Sees what the client user sees.
    assert_eq!(app.balance(&token, &client.id).await, 15);
    let colleague = app
        .post(
            "/client-users",
            Some(&token),
            json!({ "name": "Added While Viewing", "email": "added@client.example" }),
        )
        .await;
    assert_eq!(colleague.status, 201);
    // Every action is audit-logged with both identities.
    let reseller_view: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&reseller_token))
        .await
        .json();
    let created = reseller_view
        .data
        .iter()
        .find(|e| e.action == "user.created" && e.details["email"] == "added@client.example")
        .unwrap();
    assert_eq!(created.actor_id.as_ref(), Some(&user.id));
    assert_eq!(
        created.impersonator_id.as_ref(),
        Some(&session.impersonator.id)
    );
    {
        use credence_api::db::schema::audit_events;
        use diesel::prelude::*;
        let mut conn = app.conn();
        let requests: i64 = audit_events::table
            .filter(audit_events::action.eq("impersonation.request"))
            .filter(audit_events::impersonator_id.is_not_null())
            .filter(audit_events::actor_id.eq(uid))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert!(
            requests >= 3,
            "each request in the session is logged, got {requests}"
        );
    }
    // The client user sees in their activity that their reseller accessed the account.
    let activity: Page<AuditEvent> = app.get("/audit-events", Some(&user_token)).await.json();
    let started_event = activity
        .data
        .iter()
        .find(|e| e.action == "impersonation.started")
        .expect("visible to the client");
    assert_eq!(
        started_event.details["reseller_user"]["email"],
        "staff@helpful-partners.example"
    );
    // Ending: the token stops working at once; the reseller's own session goes on.
    let ended = app
        .post("/auth/impersonation/end", Some(&token), json!({}))
        .await;
    assert_eq!(ended.status, 204);
    app.get("/me", Some(&token))
        .await
        .assert_problem(401, "session_ended");
    assert_eq!(
        app.get("/me", Some(&reseller_token))
            .await
            .json::<Me>()
            .role,
        Role::Reseller
    );
    app.post("/auth/impersonation/end", Some(&reseller_token), json!({}))
        .await
        .assert_problem(409, "not_impersonating");
    let activity: Page<AuditEvent> = app.get("/audit-events", Some(&user_token)).await.json();
    assert!(activity
        .data
        .iter()
        .any(|e| e.action == "impersonation.ended"));
}

async fn login_as_cannot_escalate_or_change_secrets(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller_token) = reseller_with_user(&app, &admin, "Bounded Partners").await;
    let client = app.create_client(&reseller_token, "Bounded Co", 0).await;
    let (user, _) = app
        .client_user(
            &reseller_token,
            Some(&client.id),
            "bounded.view@client.example",
        )
        .await;
    let uid = user.id.as_str();
    let token = app
        .post(
            &format!("/client-users/{uid}/impersonate"),
            Some(&reseller_token),
            json!({}),
        )
        .await
        .expect::<ImpersonationResponse>(200)
        .access_token;
    for path in ["/clients", "/credit-orders", "/invoices", "/reseller-users"] {
        app.get(path, Some(&token))
            .await
            .assert_problem(403, "forbidden");
    }
    app.post(
        &format!("/client-users/{uid}/impersonate"),
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/me/password",
        Some(&token),
        json!({ "current_password": CLIENT_USER_PASSWORD, "new_password": "taken-over-password" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &format!("/client-users/{uid}"),
        Some(&token),
        json!({ "email": "attacker@evil.example" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post("/auth/refresh", None, json!({ "refresh_token": token }))
        .await
        .assert_problem(401, "invalid_refresh_token");
    // The real user still signs in with their own password, and can change it.
    let real = app
        .token("bounded.view@client.example", CLIENT_USER_PASSWORD)
        .await;
    let wrong = app
        .post(
            "/me/password",
            Some(&real),
            json!({ "current_password": "nope-nope-nope", "new_password": "short" }),
        )
        .await;
    assert_eq!(wrong.error_fields(), ["current_password", "new_password"]);
    let changed = app.post("/me/password", Some(&real), json!({ "current_password": CLIENT_USER_PASSWORD, "new_password": "a-brand-new-passphrase" })).await;
    assert_eq!(changed.status, 204);
    assert_eq!(
        app.get("/me", Some(&real)).await.status,
        200,
        "the current session survives"
    );
    app.get("/me", Some(&token))
        .await
        .assert_problem(401, "session_ended");
}

async fn only_active_users_can_be_viewed_as(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller_token) = reseller_with_user(&app, &admin, "Cautious Partners").await;
    let client = app.create_client(&reseller_token, "Cautious Co", 0).await;
    let invited: ClientUser = app
        .post(
            "/client-users",
            Some(&reseller_token),
            json!({ "client_id": client.id, "name": "Not Yet", "email": "notyet@client.example" }),
        )
        .await
        .expect(201);
    app.post(
        &format!("/client-users/{}/impersonate", invited.id),
        Some(&reseller_token),
        json!({}),
    )
    .await
    .assert_problem(409, "user_not_active");
    app.post(
        "/client-users/01900000-0000-7000-8000-000000000000/impersonate",
        Some(&reseller_token),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/client-users/{}/impersonate", invited.id),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
}

/// The `impersonation.*` events among the first 200 a token's owner may read.
async fn login_as_trail(app: &TestApp, token: &str) -> Vec<AuditEvent> {
    app.get("/audit-events?limit=200", Some(token))
        .await
        .expect::<Page<AuditEvent>>(200)
        .data
        .into_iter()
        .filter(|e| e.action.starts_with("impersonation."))
        .collect()
}

async fn the_login_as_trail_is_shown_to_the_reseller_and_the_client_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, rita) = reseller_with_user(&app, &admin, "Trail Partners").await;
    let (_, stranger) = reseller_with_user(&app, &admin, "Stranger Partners").await;
    let viewed_client = app.create_client(&rita, "Viewed Ltd", 0).await;
    let other_client = app.create_client(&rita, "Other Ltd", 0).await;
    let (cleo, _) = app
        .client_user(&rita, Some(&viewed_client.id), "cleo@viewed.example")
        .await;
    let (_, colleague) = app
        .client_user(&rita, Some(&viewed_client.id), "dana@viewed.example")
        .await;
    let (_, other) = app
        .client_user(&rita, Some(&other_client.id), "olga@other.example")
        .await;
    let rita_me: Me = app.get("/me", Some(&rita)).await.json();

    let viewing = app.login_as(&rita, &cleo.id).await;
    assert_eq!(app.get("/projects", Some(&viewing)).await.status, 200);
    app.post(
        "/client-users",
        Some(&viewing),
        json!({ "name": "Added As Cleo", "email": "added@viewed.example" }),
    )
    .await
    .assert_status(201);
    app.post("/auth/impersonation/end", Some(&viewing), json!({}))
        .await
        .assert_status(204);

    // The reseller and the client read the same trail: who acted as whom, when, and each
    // request (method and path) in between.
    for reader in [&rita, &colleague] {
        let trail = login_as_trail(&app, reader).await;
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "impersonation.ended",
                "impersonation.request",
                "impersonation.request",
                "impersonation.request",
                "impersonation.started",
            ],
            "newest first"
        );
        for e in &trail {
            assert_eq!(e.actor_id.as_deref(), Some(cleo.id.as_str()));
            assert_eq!(e.actor_name.as_deref(), Some("Cleo Client"));
            assert_eq!(e.impersonator_id.as_deref(), Some(rita_me.id.as_str()));
            assert_eq!(e.impersonator_name.as_deref(), Some("Rita Reseller"));
        }
        let requests: Vec<(String, String)> = trail
            .iter()
            .filter(|e| e.action == "impersonation.request")
            .map(|e| {
                (
                    e.details["method"].as_str().unwrap().to_string(),
                    e.details["path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            requests,
            [
                (
                    "POST".to_string(),
                    "/api/v1/auth/impersonation/end".to_string()
                ),
                ("POST".to_string(), "/api/v1/client-users".to_string()),
                ("GET".to_string(), "/api/v1/projects".to_string()),
            ]
        );
    }
    // Another client of the same reseller, and another reseller, see none of it.
    for reader in [&other, &stranger] {
        assert_eq!(login_as_trail(&app, reader).await, Vec::<AuditEvent>::new());
        let all: Page<AuditEvent> = app
            .get("/audit-events?limit=200", Some(reader))
            .await
            .json();
        assert!(
            all.data
                .iter()
                .all(|e| e.actor_id.as_deref() != Some(cleo.id.as_str())),
            "nothing done as the viewed client's user leaks"
        );
    }
}

async fn a_new_password_ends_the_impersonators_login_as_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, rita) = reseller_with_user(&app, &admin, "Rotating Partners").await;
    let client = app.create_client(&rita, "Rotated Co", 0).await;
    let (cleo, cleo_token) = app
        .client_user(&rita, Some(&client.id), "cleo@rotated.example")
        .await;

    // Changing one's password keeps the session that did it and ends the Login As.
    let viewing = app.login_as(&rita, &cleo.id).await;
    assert_eq!(app.get("/me", Some(&viewing)).await.status, 200);
    app.post(
        "/me/password",
        Some(&rita),
        json!({ "current_password": RESELLER_PASSWORD, "new_password": "a-rotated-passphrase" }),
    )
    .await
    .assert_status(204);
    app.get("/me", Some(&viewing))
        .await
        .assert_problem(401, "session_ended");
    assert_eq!(app.get("/me", Some(&rita)).await.status, 200);

    // A password set from a reset link ends it too (with every other session).
    let viewing = app.login_as(&rita, &cleo.id).await;
    app.post(
        "/auth/password/forgot",
        None,
        json!({ "email": "staff@rotating-partners.example" }),
    )
    .await
    .assert_status(202);
    let reset = app.link_token_from_outbox("staff@rotating-partners.example", "password_reset");
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": reset, "password": "a-reset-passphrase-here" }),
    )
    .await
    .assert_status(204);
    for token in [&viewing, &rita] {
        app.get("/me", Some(token))
            .await
            .assert_problem(401, "session_ended");
    }
    // The client user's own session is not the reseller's to end.
    assert_eq!(app.get("/me", Some(&cleo_token)).await.status, 200);
}
