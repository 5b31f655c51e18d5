//! What an API key's token can never do whatever its scopes (manage keys, people, webhooks,
//! passwords, Login As); how a key follows its owner; and the audit trail of its exchanges.

use credence_shared::admin::AuditEvent;
use credence_shared::auth::{Me, User};
use credence_shared::reseller::{ClientUser, Webhook};
use credence_shared::{Page, UserStatus};
use serde_json::{json, Value};

use crate::app::{Backend, TestApp};
use crate::assessments_world::world;
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD};
use crate::reply::Reply;

both_backends!(
    key_tokens_never_manage_keys_people_webhooks_passwords_or_login_as,
    a_key_follows_its_owner,
    every_exchange_of_a_known_key_is_audit_logged,
);

#[track_caller]
fn assert_never(reply: &Reply) {
    reply.assert_problem(403, "api_key_not_allowed");
}

async fn audit(app: &TestApp, token: &str) -> Vec<AuditEvent> {
    app.get("/audit-events?limit=200", Some(token))
        .await
        .json::<Page<AuditEvent>>()
        .data
}

async fn key_tokens_never_manage_keys_people_webhooks_passwords_or_login_as(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    // Keys holding every scope their owner's role may give.
    let reseller_key = app.api_key(&w.reseller, "All of it", None).await;
    let rk = app.key_token(&reseller_key).await;
    let client_key = app.api_key(&w.client_user, "All of ours", None).await;
    let ck = app.key_token(&client_key).await;
    let hr: ClientUser = app
        .get("/client-users?q=hr@hiring", Some(&w.reseller))
        .await
        .json::<Page<ClientUser>>()
        .data
        .remove(0);

    // API keys: neither listed, made nor revoked with a key.
    for token in [&rk, &ck] {
        assert_never(&app.get("/api-keys", Some(token)).await);
        assert_never(
            &app.post(
                "/api-keys",
                Some(token),
                json!({ "name": "Minted by a key" }),
            )
            .await,
        );
    }
    assert_never(
        &app.delete(&format!("/api-keys/{}", reseller_key.id), Some(&rk))
            .await,
    );
    assert_eq!(app.api_keys(&w.reseller).await.len(), 1);
    assert_eq!(app.api_keys(&w.client_user).await.len(), 1);

    // People: reseller users, client users (creating, editing, email, deactivating, links).
    let staff_before = app
        .get("/reseller-users", Some(&w.reseller))
        .await
        .json::<Page<User>>()
        .data
        .len();
    assert_never(
        &app.post(
            "/reseller-users",
            Some(&rk),
            json!({ "name": "Mallory", "email": "mallory@attacker.example" }),
        )
        .await,
    );
    let staff_after = app
        .get("/reseller-users", Some(&w.reseller))
        .await
        .json::<Page<User>>()
        .data
        .len();
    assert_eq!(staff_after, staff_before);
    for token in [&rk, &ck] {
        assert_never(
            &app.post(
                "/client-users",
                Some(token),
                json!({ "client_id": w.client.id, "name": "Mallory", "email": "mallory@attacker.example" }),
            )
            .await,
        );
        assert_never(
            &app.patch(
                &format!("/client-users/{}", hr.id),
                Some(token),
                json!({ "email": "mallory@attacker.example" }),
            )
            .await,
        );
        assert_never(
            &app.patch(
                &format!("/client-users/{}", hr.id),
                Some(token),
                json!({ "name": "Renamed by a key" }),
            )
            .await,
        );
        assert_never(
            &app.delete(&format!("/client-users/{}", hr.id), Some(token))
                .await,
        );
        assert_never(
            &app.post(
                &format!("/client-users/{}/resend-welcome", hr.id),
                Some(token),
                json!({}),
            )
            .await,
        );
    }
    assert_never(
        &app.post(
            &format!("/client-users/{}/send-guide", hr.id),
            Some(&rk),
            json!({}),
        )
        .await,
    );
    assert_eq!(app.outbox_count("mallory@attacker.example", "welcome"), 0);
    assert_eq!(
        app.outbox_count("mallory@attacker.example", "email_change"),
        0
    );
    let unchanged: ClientUser = app
        .get(&format!("/client-users/{}", hr.id), Some(&w.reseller))
        .await
        .json();
    assert_eq!(unchanged.email, "hr@hiring.example");
    assert_eq!(unchanged.name, hr.name);
    assert_eq!(unchanged.status, UserStatus::Active);

    // Login As: neither started nor ended with a key.
    assert_never(
        &app.post(
            &format!("/client-users/{}/impersonate", hr.id),
            Some(&rk),
            json!({}),
        )
        .await,
    );
    assert_never(
        &app.post("/auth/impersonation/end", Some(&rk), json!({}))
            .await,
    );

    // Webhooks: neither added nor removed with a key (they may be listed with `read`).
    let hook =
        json!({ "url": "https://hooks.partner.example/in", "events": ["client.credits_low"] });
    for token in [&rk, &ck] {
        assert_never(&app.post("/webhooks", Some(token), hook.clone()).await);
    }
    let kept: Webhook = app
        .post("/webhooks", Some(&w.reseller), hook)
        .await
        .expect(201);
    assert_never(
        &app.delete(&format!("/webhooks/{}", kept.id), Some(&rk))
            .await,
    );
    let hooks: Page<Webhook> = app.get("/webhooks", Some(&rk)).await.json();
    assert_eq!(hooks.data.len(), 1);
    assert_eq!(hooks.data[0].id, kept.id);

    // One's own password: never with a key, and the person's password still works.
    for token in [&rk, &ck] {
        assert_never(
            &app.post(
                "/me/password",
                Some(token),
                json!({ "current_password": CLIENT_USER_PASSWORD, "new_password": "taken-over-by-a-key" }),
            )
            .await,
        );
    }
    app.login("hr@hiring.example", CLIENT_USER_PASSWORD)
        .await
        .assert_status(200);
    // The key's own tokens kept working throughout.
    app.get("/clients", Some(&rk)).await.assert_status(200);
}

async fn a_key_follows_its_owner(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let (_, colleague) = app
        .client_user(&w.reseller, Some(&w.client.id), "colleague@hiring.example")
        .await;
    let key = app.api_key(&w.client_user, "ATS", None).await;
    let secret = key.client_secret.clone().unwrap();
    let first = app.key_token(&key).await;
    app.get("/projects", Some(&first)).await.assert_status(200);

    // The owner's password change ends the key's live tokens; the key itself keeps working.
    app.post(
        "/me/password",
        Some(&w.client_user),
        json!({ "current_password": CLIENT_USER_PASSWORD, "new_password": "a-brand-new-passphrase" }),
    )
    .await
    .assert_status(204);
    app.get("/projects", Some(&first))
        .await
        .assert_problem(401, "session_ended");
    let second = app.key_token(&key).await;
    app.get("/projects", Some(&second)).await.assert_status(200);

    // Deactivating the owner ends the tokens, and the key does not exchange while they are
    // inactive (the refusal is in the client's audit log).
    let hr: ClientUser = app
        .get("/client-users?q=hr@hiring", Some(&w.reseller))
        .await
        .json::<Page<ClientUser>>()
        .data
        .remove(0);
    app.delete(&format!("/client-users/{}", hr.id), Some(&w.reseller))
        .await
        .assert_status(204);
    app.get("/projects", Some(&second))
        .await
        .assert_problem(401, "session_ended");
    app.exchange(&key.client_id, &secret)
        .await
        .assert_problem(401, "invalid_client");
    let refused = audit(app, &colleague)
        .await
        .into_iter()
        .find(|e| e.action == "api_key.exchange_refused")
        .expect("the refused exchange is in the client's audit log");
    assert_eq!(refused.object_id.as_deref(), Some(key.id.as_str()));
    assert_eq!(refused.details["reason"], "owner_inactive");
    assert_eq!(refused.details["client_id"], key.client_id);

    // Back in office: the key works again.
    app.patch(
        &format!("/client-users/{}", hr.id),
        Some(&w.reseller),
        json!({ "status": "active" }),
    )
    .await
    .assert_status(200);
    let third = app.key_token(&key).await;
    let fourth = app.key_token(&key).await;
    app.get("/projects", Some(&third)).await.assert_status(200);

    // A key's token cannot mint keys, so revoking the key leaves none behind; revoking it ends
    // every token issued from it.
    app.post("/api-keys", Some(&third), json!({ "name": "Child key" }))
        .await
        .assert_problem(403, "api_key_not_allowed");
    let owner = app
        .token("hr@hiring.example", "a-brand-new-passphrase")
        .await;
    assert_eq!(app.api_keys(&owner).await.len(), 1);
    app.delete(&format!("/api-keys/{}", key.id), Some(&owner))
        .await
        .assert_status(204);
    assert_eq!(app.api_keys(&owner).await.len(), 0);
    for token in [&third, &fourth] {
        app.get("/projects", Some(token))
            .await
            .assert_problem(401, "session_ended");
    }
    app.exchange(&key.client_id, &secret)
        .await
        .assert_problem(401, "invalid_client");
}

async fn every_exchange_of_a_known_key_is_audit_logged(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, other) = reseller_with_user(app, &admin, "Other Partners").await;
    let key = app.api_key(&w.reseller, "Audited", Some(&["read"])).await;
    let secret = key.client_secret.clone().unwrap();
    let me: Me = app.get("/me", Some(&w.reseller)).await.json();

    app.exchange(&key.client_id, &secret)
        .await
        .assert_status(200);
    let wrong = app.exchange(&key.client_id, "cs_wrong").await;
    let unknown = app.exchange("ck_nobodyhasthis", &secret).await;
    // The answer is the same whether the key exists or not.
    assert_eq!(
        wrong.assert_problem(401, "invalid_client"),
        unknown.assert_problem(401, "invalid_client")
    );
    app.delete(&format!("/api-keys/{}", key.id), Some(&w.reseller))
        .await
        .assert_status(204);
    app.exchange(&key.client_id, &secret)
        .await
        .assert_problem(401, "invalid_client");

    let events = audit(app, &w.reseller).await;
    let of_key: Vec<&AuditEvent> = events
        .iter()
        .filter(|e| e.action.starts_with("api_key.exchange"))
        .collect();
    // Newest first: revoked, wrong secret, exchanged; nothing for the unknown id.
    let seen: Vec<(&str, Value)> = of_key
        .iter()
        .map(|e| (e.action.as_str(), e.details["reason"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("api_key.exchange_refused", json!("revoked")),
            ("api_key.exchange_refused", json!("wrong_secret")),
            ("api_key.exchanged", Value::Null),
        ]
    );
    for event in &of_key {
        assert_eq!(event.object_type, "api_key");
        assert_eq!(event.object_id.as_deref(), Some(key.id.as_str()));
        assert_eq!(event.details["client_id"], key.client_id);
    }
    assert_eq!(of_key[2].actor_id.as_deref(), Some(me.id.as_str()));
    assert!(of_key[2].details["session_id"].is_string());
    assert_eq!(
        of_key[0].actor_id, None,
        "a refused caller is nobody we know"
    );
    let text = app
        .get("/audit-events?limit=200", Some(&w.reseller))
        .await
        .text();
    assert!(!text.contains(&secret), "the secret is never logged");
    assert!(!text.contains("ck_nobodyhasthis"));
    // Another reseller sees none of it.
    assert!(!audit(app, &other)
        .await
        .iter()
        .any(|e| e.action.starts_with("api_key")));
}
