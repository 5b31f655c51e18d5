//! Client users and reseller colleagues: welcome, managing colleagues, deactivation, the
//! reseller-only endpoints, the audit log, and the quick-start guide.

use credence_shared::admin::{AuditEvent, Branding};
use credence_shared::auth::{Me, User};
use credence_shared::reseller::ClientUser;
use credence_shared::{Page, Role};
use serde_json::json;

use crate::app::{spawn_app, Backend};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD};

both_backends!(
    client_users_are_welcomed_and_manage_colleagues,
    deactivated_client_users_lose_access,
    client_users_cannot_use_reseller_endpoints,
    resellers_add_colleagues_and_read_their_audit_log,
    resellers_send_the_quick_start_guide_to_their_clients_users,
);

async fn client_users_are_welcomed_and_manage_colleagues(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Welcoming Partners").await;
    let client = app.create_client(&token, "Welcome Client", 20).await;
    let id = client.id.as_str();
    let missing = app.post("/client-users", Some(&token), json!({})).await;
    assert_eq!(missing.error_fields(), ["client_id", "name", "email"]);
    let (user, user_token) = app
        .client_user(&token, Some(id), "first@welcome.example")
        .await;
    assert_eq!(user.client_code, client.code);
    let mail = {
        use credence_api::db::schema::outbox;
        use diesel::prelude::*;
        let mut conn = app.conn();
        let stored = outbox::table
            .filter(outbox::to_address.eq("first@welcome.example"))
            .select(outbox::text_body)
            .first::<String>(&mut *conn)
            .unwrap();
        crate::outbox::open(&mut conn, &stored)
    };
    assert!(mail.contains("/set-password?token="));
    assert!(
        mail.contains("http://credence.test/client/quick-start"),
        "the welcome mail links the Quick Start Guide"
    );
    let me: Me = app.get("/me", Some(&user_token)).await.json();
    assert_eq!(me.role, Role::ClientUser);
    assert_eq!(me.client_id.as_ref(), Some(&client.id));
    let branding: Branding = app.get("/me/branding", Some(&user_token)).await.json();
    assert_eq!(branding.client_name.as_deref(), Some("Welcome Client"));
    assert_eq!(app.balance(&user_token, id).await, 20);
    // The client user adds a colleague to their own client, without naming it.
    let colleague = app
        .post(
            "/client-users",
            Some(&user_token),
            json!({ "name": "Second", "email": "second@welcome.example" }),
        )
        .await;
    let colleague: ClientUser = colleague.expect(201);
    assert_eq!(colleague.client_id, client.id);
    assert_eq!(colleague.status.as_str(), "invited");
    // ... and cannot put one into another client.
    let other = app.create_client(&token, "Other Client", 0).await;
    let foreign = app
        .post(
            "/client-users",
            Some(&user_token),
            json!({ "client_id": other.id, "name": "X", "email": "x@welcome.example" }),
        )
        .await;
    assert_eq!(foreign.status, 201, "client_id is ignored for client users");
    assert_eq!(foreign.json::<ClientUser>().client_id, client.id);
    let resend = app
        .post(
            &format!("/client-users/{}/resend-welcome", colleague.id),
            Some(&user_token),
            json!({}),
        )
        .await;
    assert_eq!(resend.status, 202);
    assert_eq!(app.outbox_count("second@welcome.example", "welcome"), 2);
    app.post(
        &format!("/client-users/{}/resend-welcome", user.id),
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(409, "already_active");
    let count = |path: String, token: String| {
        let app = &app;
        async move {
            app.get(&path, Some(&token))
                .await
                .json::<Page<ClientUser>>()
                .data
                .len()
        }
    };
    assert_eq!(
        count(format!("/client-users?client_id={id}"), token.clone()).await,
        3
    );
    assert_eq!(count("/client-users".into(), user_token.clone()).await, 3);
    assert_eq!(
        count("/client-users?status=invited".into(), token.clone()).await,
        2
    );
    let edited = app
        .patch(
            &format!("/client-users/{}", user.id),
            Some(&token),
            json!({ "job_title": "Head of Talent", "email": "SECOND@welcome.example" }),
        )
        .await;
    edited.assert_problem(422, "validation_failed");
    assert_eq!(edited.error_fields(), ["email"]);
}

async fn deactivated_client_users_lose_access(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Deactivating Partners").await;
    let client = app.create_client(&token, "Leaver Client", 0).await;
    let (user, user_token) = app
        .client_user(&token, Some(&client.id), "leaver@client.example")
        .await;
    let gone = app
        .delete(&format!("/client-users/{}", user.id), Some(&token))
        .await;
    assert_eq!(gone.status, 204);
    app.get("/me", Some(&user_token))
        .await
        .assert_problem(401, "session_ended");
    app.login("leaver@client.example", CLIENT_USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    let back: ClientUser = app
        .patch(
            &format!("/client-users/{}", user.id),
            Some(&token),
            json!({ "status": "active" }),
        )
        .await
        .json();
    assert_eq!(back.status.as_str(), "active");
    assert_eq!(
        app.login("leaver@client.example", CLIENT_USER_PASSWORD)
            .await
            .status,
        200
    );
}

async fn client_users_cannot_use_reseller_endpoints(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Boundary Partners").await;
    let client = app.create_client(&token, "Bounded Client", 5).await;
    let id = client.id.as_str();
    let (user, user_token) = app
        .client_user(&token, Some(id), "bounded@client.example")
        .await;
    for path in [
        "/clients",
        "/credit-orders",
        "/invoices",
        "/reseller-users",
        "/brands",
        "/credit-orders/export.csv",
    ] {
        app.get(path, Some(&user_token))
            .await
            .assert_problem(403, "forbidden");
    }
    app.post("/clients", Some(&user_token), json!({ "name": "x" }))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        "/credit-orders",
        Some(&user_token),
        json!({ "client_code": client.code, "credits": 5 }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &format!("/clients/{id}"),
        Some(&user_token),
        json!({ "credit_threshold": 0 }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        &format!("/client-users/{}/impersonate", user.id),
        Some(&user_token),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get("/admin/resellers", Some(&user_token))
        .await
        .assert_problem(403, "forbidden");
}

async fn resellers_add_colleagues_and_read_their_audit_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Team Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Other Team").await;
    let added = app
        .post(
            "/reseller-users",
            Some(&token),
            json!({ "name": "Colleague", "email": "colleague@team.example" }),
        )
        .await;
    assert_eq!(added.expect::<User>(201).role, Role::Reseller);
    let list: Page<User> = app.get("/reseller-users", Some(&token)).await.json();
    assert_eq!(list.data.len(), 2);
    let theirs: Page<User> = app.get("/reseller-users", Some(&other)).await.json();
    assert_eq!(theirs.data.len(), 1);
    app.create_client(&token, "Audited Client", 0).await;
    let events: Page<AuditEvent> = app.get("/audit-events", Some(&token)).await.json();
    let actions: Vec<_> = events.data.iter().map(|e| e.action.clone()).collect();
    assert!(
        actions.contains(&"client.created".to_string())
            && actions.contains(&"user.created".to_string()),
        "{actions:?}"
    );
    let theirs: Page<AuditEvent> = app.get("/audit-events", Some(&other)).await.json();
    assert!(!theirs.data.iter().any(|e| e.action == "client.created"));
}

async fn resellers_send_the_quick_start_guide_to_their_clients_users(backend: Backend) {
    use credence_api::db::schema::outbox;
    use diesel::prelude::*;
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Guiding Partners").await;
    let (_, other) = reseller_with_user(&app, &admin, "Other Partners").await;
    let client = app.create_client(&token, "Guided Client", 10).await;
    let (user, user_token) = app
        .client_user(&token, Some(&client.id), "guided@client.example")
        .await;
    let path = format!("/client-users/{}/send-guide", user.id);
    app.post(&path, Some(&token), json!({}))
        .await
        .assert_status(202);
    assert_eq!(
        app.outbox_count("guided@client.example", "quick_start_guide"),
        1
    );
    let (subject, text, html): (String, String, String) = {
        let mut conn = app.conn();
        let (subject, text, html): (String, String, String) = outbox::table
            .filter(outbox::to_address.eq("guided@client.example"))
            .filter(outbox::kind.eq("quick_start_guide"))
            .select((outbox::subject, outbox::text_body, outbox::html_body))
            .first(&mut *conn)
            .unwrap();
        (
            subject,
            crate::outbox::open(&mut conn, &text),
            crate::outbox::open(&mut conn, &html),
        )
    };
    assert!(subject.contains("Quick Start Guide"), "{subject}");
    assert!(
        text.contains("http://credence.test/client/quick-start"),
        "{text}"
    );
    assert!(text.contains("http://credence.test/login"), "{text}");
    assert!(
        html.contains(r#"href="http://credence.test/client/quick-start""#),
        "{html}"
    );
    let events: Page<AuditEvent> = app.get("/audit-events", Some(&token)).await.json();
    assert!(
        events
            .data
            .iter()
            .any(|e| e.action == "user.guide_sent" && e.object_id.as_ref() == Some(&user.id)),
        "{events:?}"
    );
    // Another reseller's user is not found; a client user may not send it; nothing is queued.
    app.post(&path, Some(&other), json!({}))
        .await
        .assert_problem(404, "not_found");
    app.post(&path, Some(&user_token), json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post("/client-users/nope/send-guide", Some(&token), json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.outbox_count("guided@client.example", "quick_start_guide"),
        1
    );
}
