//! Two API processes on one database: each caches the sessions it found live, and an ending
//! made through either (logout, a new password, a revoked API key, a deactivated colleague, a
//! suspended client or reseller) is refused by both at once; sign-in throttling counts the attempts made
//! on both together.
//!
//! The two servers are independent `Application`s (own pool, own session cache, own throttle
//! state) sharing only the database URL, as two `credence serve` processes would.

use credence_shared::auth::TokenResponse;
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::RESELLER_PASSWORD;

both_backends!(
    an_ending_on_one_process_is_refused_at_once_by_the_other,
    sign_in_attempts_are_counted_across_processes,
);

/// Two servers on one database: the first makes it, the second joins it. Sessions are cached
/// for an hour, so only the session epoch can make the second process look again.
async fn two_processes(backend: Backend, extra: &[(&'static str, &str)]) -> (TestApp, TestApp) {
    let mut env: std::collections::HashMap<&'static str, String> = [
        ("CREDENCE_COUNT_STATEMENTS", "on".to_string()),
        ("CREDENCE_SESSION_CACHE_SECONDS", "3600".to_string()),
    ]
    .into();
    for (k, v) in extra {
        env.insert(k, v.to_string());
    }
    let a = spawn_app_with(
        backend,
        Options {
            env: env.clone(),
            ..Default::default()
        },
    )
    .await;
    let b = spawn_app_with(
        backend,
        Options {
            env,
            database_url: Some(a.database_url.clone()),
        },
    )
    .await;
    (a, b)
}

impl TestApp {
    /// `GET /me` with `token`: its status and the statements it sent.
    async fn me(&self, token: &str) -> (u16, u64) {
        let reply = self.get("/me", Some(token)).await;
        let statements = reply
            .header("x-statement-count")
            .expect("statement counting is on")
            .parse()
            .unwrap();
        (reply.status.as_u16(), statements)
    }

    /// Uses `token` here until this process answers it from its cache: a second `GET /me`
    /// costs fewer statements than the first, which looked the session up.
    async fn cache(&self, token: &str) {
        let (cold_status, cold) = self.me(token).await;
        let (warm_status, warm) = self.me(token).await;
        assert_eq!((cold_status, warm_status), (200, 200));
        eprintln!("GET /me: {cold} statements with the session looked up, {warm} from the cache");
        assert!(
            warm < cold,
            "the second request should come from the cache: {warm} statements, then {cold}"
        );
    }
}

async fn an_ending_on_one_process_is_refused_at_once_by_the_other(backend: Backend) {
    let (a, b) = two_processes(backend, &[]).await;
    let admin = a.admin_token().await;
    let reseller = a.create_reseller(&admin, "Twin Ltd").await;
    let (_, first) = a
        .reseller_user(&admin, &reseller.id, "rita@twin.example")
        .await;

    // Logout on A ends a session B has cached.
    let login: TokenResponse = a
        .login("rita@twin.example", RESELLER_PASSWORD)
        .await
        .expect(200);
    b.cache(&login.access_token).await;
    a.send(a.request(
        reqwest::Method::POST,
        "/auth/logout",
        Some(&login.access_token),
    ))
    .await
    .assert_status(204);
    b.get("/me", Some(&login.access_token))
        .await
        .assert_problem(401, "session_ended");

    // A password change on A ends the user's other sessions on B, and keeps the one that
    // made it (on both).
    let other = b.token("rita@twin.example", RESELLER_PASSWORD).await;
    b.cache(&other).await;
    b.cache(&first).await;
    a.post(
        "/me/password",
        Some(&first),
        json!({ "current_password": RESELLER_PASSWORD, "new_password": "a-second-long-passphrase" }),
    )
    .await
    .assert_status(204);
    b.get("/me", Some(&other))
        .await
        .assert_problem(401, "session_ended");
    assert_eq!(b.get("/me", Some(&first)).await.status, 200);

    // A revoked API key's token stops on B too.
    let key = a.api_key(&first, "Twin sync", None).await;
    let key_token = a.key_token(&key).await;
    b.cache(&key_token).await;
    a.delete(&format!("/api-keys/{}", key.id), Some(&first))
        .await
        .assert_status(204);
    b.get("/me", Some(&key_token))
        .await
        .assert_problem(401, "session_ended");

    // Deactivating a colleague on A ends their session on B.
    let (carl, carl_token) = a
        .colleague(&admin, &reseller.id, "Carl Colleague", "carl@twin.example")
        .await;
    b.cache(&carl_token).await;
    a.delete(&format!("/reseller-users/{}", carl.id), Some(&first))
        .await
        .assert_status(204);
    b.get("/me", Some(&carl_token))
        .await
        .assert_problem(401, "session_ended");

    // Suspending a client on A shuts its users out on B.
    let client = a.create_client(&first, "Twin Client", 0).await;
    let (_, cleo) = a
        .client_user(&first, Some(&client.id), "cleo@twin.example")
        .await;
    b.cache(&cleo).await;
    a.patch(
        &format!("/clients/{}", client.id),
        Some(&first),
        json!({ "status": "suspended" }),
    )
    .await
    .assert_status(200);
    b.get("/me", Some(&cleo))
        .await
        .assert_problem(401, "session_ended");

    // Suspending the reseller on A shuts its staff out on B (no session was revoked: the
    // organisation's status changed).
    b.cache(&first).await;
    a.patch(
        &format!("/admin/resellers/{}", reseller.id),
        Some(&admin),
        json!({ "status": "suspended" }),
    )
    .await
    .assert_status(200);
    b.get("/me", Some(&first))
        .await
        .assert_problem(401, "session_ended");
    // Everyone else's cached session on B is looked up again and still works.
    assert_eq!(b.get("/me", Some(&admin)).await.status, 200);
}

async fn sign_in_attempts_are_counted_across_processes(backend: Backend) {
    let (a, b) = two_processes(backend, &[("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "3")]).await;
    // Three attempts, spread over both processes, spend the account's budget of three…
    for app in [&a, &b, &a] {
        app.login("nobody@twin.example", "wrong-password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // …so the fourth is refused on either.
    for app in [&b, &a] {
        let refused = app.login("nobody@twin.example", "wrong-password").await;
        refused.assert_problem(429, "rate_limited");
        assert!(refused.header("retry-after").is_some());
    }
    // Password-reset requests have budgets of their own, shared the same way.
    let mut statuses = vec![];
    for app in [&a, &b, &a, &b] {
        statuses.push(
            app.post(
                "/auth/password/forgot",
                None,
                json!({ "email": "someone@twin.example" }),
            )
            .await
            .status
            .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 202, 429]);
}
