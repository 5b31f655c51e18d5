//! Secrets at rest: what the database keeps must not hand over accounts or keys to someone who
//! reads it — no API-key secret in stored idempotency answers, no one-time link in clear in the
//! outbox, no webhook signing secret in clear, the generated JWT key sealed with
//! `CREDENCE_SECRET_KEY`, and old rows purged.

use chrono::Duration;
use credence_api::db::schema::{app_secrets, idempotency_keys, outbox, webhooks};
use credence_shared::auth::ApiKey;
use credence_shared::Page;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::hooks::{assert_signed, credits_low, receiver, subscribe, Answer};
use crate::wait::wait_until;

both_backends!(
    a_replayed_api_key_creation_never_returns_the_secret,
    outbox_bodies_keep_no_link_in_clear,
    the_generated_jwt_key_is_sealed_with_the_secret_key,
    webhook_secrets_are_sealed_and_clear_ones_keep_signing,
    housekeeping_purges_idempotency_answers_and_sent_bodies,
);

async fn a_replayed_api_key_creation_never_returns_the_secret(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Keyed Partners").await;
    let create = || {
        app.send(
            app.request(reqwest::Method::POST, "/api-keys", Some(&reseller))
                .header("Idempotency-Key", "key-1")
                .json(&json!({ "name": "ATS sync" })),
        )
    };
    let created: ApiKey = create().await.expect(201);
    let secret = created.client_secret.clone().expect("the secret, once");
    let stored: Vec<String> = {
        let mut conn = app.conn();
        idempotency_keys::table
            .select(idempotency_keys::response_body)
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(stored.len(), 1, "the key is remembered");
    assert!(
        stored.iter().all(|body| !body.contains(&secret)),
        "no secret at rest: {stored:?}"
    );
    let replay = create().await;
    replay.assert_problem(409, "idempotency_replay_unavailable");
    assert!(!replay.text().contains(&secret));
    let listed: Page<ApiKey> = app.get("/api-keys", Some(&reseller)).await.json();
    assert_eq!(listed.data.len(), 1, "the replay created nothing");
    assert_eq!(listed.data[0].id, created.id);
}

async fn outbox_bodies_keep_no_link_in_clear(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Sealed Partners").await;
    let client = app.create_client(&reseller, "Sealed Co", 0).await;
    app.post(
        "/client-users",
        Some(&reseller),
        json!({ "client_id": client.id, "name": "Sealed User", "email": "sealed@client.example" }),
    )
    .await
    .assert_status(201);
    let (text, html): (String, String) = {
        let mut conn = app.conn();
        outbox::table
            .filter(outbox::to_address.eq("sealed@client.example"))
            .filter(outbox::kind.eq("welcome"))
            .select((outbox::text_body, outbox::html_body))
            .first(&mut *conn)
            .unwrap()
    };
    for stored in [&text, &html] {
        assert!(stored.starts_with("enc:v1:"), "{stored}");
        assert!(!stored.contains("token="), "{stored}");
    }
    // The worker (and an operator's tool) can still open it: the link works.
    let token = app.link_token_from_outbox("sealed@client.example", "welcome");
    assert!(text.len() > token.len() && !text.contains(&token));
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": token, "password": "a sealed envelope opens" }),
    )
    .await
    .assert_status(204);
    // The outbox key itself is not the JWT key, and is a real key.
    let names: Vec<String> = {
        let mut conn = app.conn();
        app_secrets::table
            .select(app_secrets::name)
            .order(app_secrets::name.asc())
            .load(&mut *conn)
            .unwrap()
    };
    assert!(names.contains(&"outbox_key".to_string()), "{names:?}");
}

async fn the_generated_jwt_key_is_sealed_with_the_secret_key(backend: Backend) {
    let options = Options {
        env: [
            (
                "CREDENCE_SECRET_KEY",
                crate::app::TEST_SECRET_KEY.to_string(),
            ),
            // Generated (and so stored) instead of configured.
            ("CREDENCE_JWT_SECRET", String::new()),
        ]
        .into(),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options.clone()).await;
    let admin = app.admin_token().await;
    let stored: Vec<(String, String)> = {
        let mut conn = app.conn();
        app_secrets::table
            .select((app_secrets::name, app_secrets::value))
            .load(&mut *conn)
            .unwrap()
    };
    assert!(stored.iter().any(|(name, _)| name == "jwt_signing_key"));
    for (name, value) in &stored {
        assert!(value.starts_with("enc:v1:"), "{name} is sealed: {value}");
    }
    // Another process with the same key reads it: tokens keep working.
    let second = spawn_app_with(
        backend,
        Options {
            database_url: Some(app.database_url.clone()),
            ..options
        },
    )
    .await;
    second.get("/me", Some(&admin)).await.assert_status(200);
}

async fn housekeeping_purges_idempotency_answers_and_sent_bodies(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Tidy Partners").await;
    let client = app.create_client(&reseller, "Tidy Co", 0).await;
    for (email, key) in [("old@tidy.example", "old"), ("new@tidy.example", "new")] {
        app.send(
            app.request(reqwest::Method::POST, "/client-users", Some(&reseller))
                .header("Idempotency-Key", key)
                .json(&json!({ "client_id": client.id, "email": email, "name": "Tidy Person" })),
        )
        .await
        .assert_status(201);
    }
    let mut conn = app.conn();
    let now = chrono::Utc::now().naive_utc();
    diesel::update(idempotency_keys::table.filter(idempotency_keys::idempotency_key.eq("old")))
        .set(idempotency_keys::created_at.eq(now - Duration::hours(25)))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(outbox::table)
        .set((outbox::status.eq("sent"), outbox::sent_at.eq(Some(now))))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(outbox::table.filter(outbox::to_address.eq("old@tidy.example")))
        .set(outbox::sent_at.eq(Some(now - Duration::days(8))))
        .execute(&mut *conn)
        .unwrap();
    let purged = credence_api::domain::retention::purge(&mut conn).unwrap();
    assert_eq!((purged.idempotency_keys, purged.mail_bodies), (1, 1));
    let keys: Vec<String> = idempotency_keys::table
        .select(idempotency_keys::idempotency_key)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(keys, ["new"]);
    let bodies: Vec<(String, String, String)> = outbox::table
        .order(outbox::to_address.asc())
        .select((outbox::to_address, outbox::text_body, outbox::html_body))
        .load(&mut *conn)
        .unwrap();
    for (to, text, html) in bodies {
        let emptied = to == "old@tidy.example";
        assert_eq!(
            (text.is_empty(), html.is_empty()),
            (emptied, emptied),
            "{to}"
        );
    }
    // A second round has nothing left to do.
    assert!(!credence_api::domain::retention::purge(&mut conn)
        .unwrap()
        .any());
}

fn stored_webhook_secret(app: &crate::app::TestApp, id: &str) -> String {
    let mut conn = app.conn();
    webhooks::table
        .find(id)
        .select(webhooks::secret)
        .first(&mut *conn)
        .unwrap()
}

async fn webhook_secrets_are_sealed_and_clear_ones_keep_signing(backend: Backend) {
    let options = Options {
        env: [(
            "CREDENCE_SECRET_KEY",
            crate::app::TEST_SECRET_KEY.to_string(),
        )]
        .into(),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options.clone()).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Sealed Hooks").await;
    let target = receiver(Answer::Status("200 OK")).await;
    let hook = subscribe(&app, &reseller, &target.url).await;
    let secret = hook.secret.clone().expect("the secret, once");
    let stored = stored_webhook_secret(&app, &hook.id);
    assert!(stored.starts_with("enc:v1:"), "{stored}");
    assert!(!stored.contains(&secret) && !stored.contains("whsec_"));
    // Its key is kept sealed under CREDENCE_SECRET_KEY like the other generated keys.
    let key: String = {
        let mut conn = app.conn();
        app_secrets::table
            .find("webhook_key")
            .select(app_secrets::value)
            .first(&mut *conn)
            .unwrap()
    };
    assert!(key.starts_with("enc:v1:"), "{key}");
    // Deliveries are signed with the secret the owner was given.
    credits_low(&app, &reseller, "Sealed Co").await;
    let received = |n: usize| {
        let target = &target;
        move || async move {
            let bodies = target.bodies.lock().unwrap().clone();
            let heads = target.heads.lock().unwrap().clone();
            (bodies.len() >= n).then(|| (heads[n - 1].clone(), bodies[n - 1].clone()))
        }
    };
    let (head, body) =
        wait_until("delivered", std::time::Duration::from_secs(5), received(1)).await;
    assert_signed(&head, &body, &secret);

    // A webhook saved in clear by an older version keeps signing with its secret...
    let legacy = "whsec_saved_in_clear_before_sealing";
    {
        let mut conn = app.conn();
        diesel::update(webhooks::table.find(&hook.id))
            .set(webhooks::secret.eq(legacy))
            .execute(&mut *conn)
            .unwrap();
    }
    credits_low(&app, &reseller, "Legacy Co").await;
    let (head, body) =
        wait_until("delivered", std::time::Duration::from_secs(5), received(2)).await;
    assert_signed(&head, &body, legacy);
    // ...and is sealed when a server starts, still signing with the same secret.
    let second = spawn_app_with(
        backend,
        Options {
            database_url: Some(app.database_url.clone()),
            ..options
        },
    )
    .await;
    let stored = stored_webhook_secret(&second, &hook.id);
    assert!(stored.starts_with("enc:v1:"), "{stored}");
    assert!(!stored.contains(legacy));
    credits_low(&second, &reseller, "Resealed Co").await;
    let (head, body) =
        wait_until("delivered", std::time::Duration::from_secs(5), received(3)).await;
    assert_signed(&head, &body, legacy);
}
