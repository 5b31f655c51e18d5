//! Two API processes on one database: each caches the sessions it found live, and an ending
//! made through either (logout, a new password, a revoked API key, a deactivated colleague, a
//! suspended client or reseller) is refused by both; a rename shows on both; sign-in throttling
//! counts the attempts made on both together.
//!
//! The two servers are independent `Application`s (own pool, own session cache, own epoch
//! listener, own throttle state) sharing only the database URL, as two `credence serve`
//! processes would. On PostgreSQL the other process learns of an ending by a notification,
//! delivered a moment after the commit: the checks there wait for it (up to a few seconds).

use credence_api::db::DbConnection;
use credence_shared::auth::TokenResponse;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::RESELLER_PASSWORD;

both_backends!(
    an_ending_on_one_process_is_refused_by_the_other,
    an_ending_is_refused_by_the_other_without_the_listener,
    sign_in_attempts_are_counted_across_processes,
);

/// How long a check waits for the other process to learn of a change (PostgreSQL delivers the
/// notification after the commit; a listener polls for it every few milliseconds).
const PROPAGATION: std::time::Duration = std::time::Duration::from_secs(5);

/// Two servers on one database: the first makes it, the second joins it. Sessions are cached
/// for an hour, so only the session epoch can make the second process look again.
async fn two_processes(backend: Backend, extra: &[(&'static str, &str)]) -> (TestApp, TestApp) {
    let mut env: std::collections::HashMap<&'static str, String> = [
        ("CREDENCE_COUNT_STATEMENTS", "on".to_string()),
        ("CREDENCE_SESSION_CACHE_SECONDS", "3600".to_string()),
        (
            "CREDENCE_METRICS_TOKEN",
            crate::edge::METRICS_TOKEN.to_string(),
        ),
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

    /// Waits until this process refuses `token` as an ended session (see [`PROPAGATION`]).
    async fn refuses(&self, token: &str) {
        let deadline = std::time::Instant::now() + PROPAGATION;
        loop {
            let reply = self.get("/me", Some(token)).await;
            if reply.status == 401 || std::time::Instant::now() > deadline {
                reply.assert_problem(401, "session_ended");
                return;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Waits until this process's `GET /me` with `token` shows `name`.
    async fn shows_name(&self, token: &str, name: &str) {
        let deadline = std::time::Instant::now() + PROPAGATION;
        loop {
            let reply = self.get("/me", Some(token)).await;
            reply.assert_status(200);
            if reply.body["name"] == name || std::time::Instant::now() > deadline {
                assert_eq!(reply.body["name"], name);
                return;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A line of this process's `/metrics`, as a number.
    async fn metric(&self, name: &str) -> u64 {
        let text = self
            .get("/metrics", Some(crate::edge::METRICS_TOKEN))
            .await
            .assert_status(200)
            .text();
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing from {text}"))
            .trim()
            .parse()
            .unwrap()
    }

    /// Waits until `name` satisfies `ok` (see [`PROPAGATION`]); returns its last value.
    async fn wait_for_metric(&self, name: &str, ok: impl Fn(u64) -> bool) -> u64 {
        let deadline = std::time::Instant::now() + PROPAGATION;
        loop {
            let value = self.metric(name).await;
            if ok(value) || std::time::Instant::now() > deadline {
                assert!(ok(value), "{name} stayed at {value}");
                return value;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn an_ending_on_one_process_is_refused_by_the_other(backend: Backend) {
    endings_reach_the_other_process(backend, &[]).await;
}

/// Without the listener (`CREDENCE_SESSION_LISTEN=off`, or while it is reconnecting) each
/// process reads the epoch per request: endings still reach the other process.
async fn an_ending_is_refused_by_the_other_without_the_listener(backend: Backend) {
    endings_reach_the_other_process(backend, &[("CREDENCE_SESSION_LISTEN", "off")]).await;
}

async fn endings_reach_the_other_process(backend: Backend, extra: &[(&'static str, &str)]) {
    let (a, b) = two_processes(backend, extra).await;
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
    b.refuses(&login.access_token).await;

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
    b.refuses(&other).await;
    assert_eq!(b.get("/me", Some(&first)).await.status, 200);

    // A revoked API key's token stops on B too.
    let key = a.api_key(&first, "Twin sync", None).await;
    let key_token = a.key_token(&key).await;
    b.cache(&key_token).await;
    a.delete(&format!("/api-keys/{}", key.id), Some(&first))
        .await
        .assert_status(204);
    b.refuses(&key_token).await;

    // Renaming a colleague on A shows on B (`GET /me` answers from B's cache).
    let (carl, carl_token) = a
        .colleague(&admin, &reseller.id, "Carl Colleague", "carl@twin.example")
        .await;
    b.cache(&carl_token).await;
    a.patch(
        &format!("/reseller-users/{}", carl.id),
        Some(&first),
        json!({ "name": "Carl Renamed" }),
    )
    .await
    .assert_status(200);
    b.shows_name(&carl_token, "Carl Renamed").await;

    // Deactivating a colleague on A ends their session on B (which has it cached again: it
    // looked it up to show the new name).
    assert_eq!(b.me(&carl_token).await.0, 200);
    a.delete(&format!("/reseller-users/{}", carl.id), Some(&first))
        .await
        .assert_status(204);
    b.refuses(&carl_token).await;

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
    b.refuses(&cleo).await;

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
    b.refuses(&first).await;
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

/// On PostgreSQL a process hears of a raised epoch by notification: a raise committed through
/// process A (nothing else changed) makes process B drop its cache, whose hits until then cost
/// B no statement at all; after B's listener loses its connection it reconnects and hears again.
#[actix_web::test]
async fn a_notification_from_one_process_empties_the_others_cache() {
    let (a, b) = two_processes(Backend::Postgres, &[]).await;
    let admin = a.admin_token().await;
    b.wait_for_metric("credence_session_epoch_listener_up", |up| up == 1)
        .await;
    b.cache(&admin).await;
    let (status, statements) = b.me(&admin).await;
    assert_eq!(
        (status, statements),
        (200, 0),
        "a cache hit with the listener up sends no statement"
    );

    for round in 0..2 {
        let heard = b.metric("credence_session_epoch_notifications_total").await;
        credence_api::domain::sessions::invalidate(&mut a.conn()).unwrap();
        b.wait_for_metric("credence_session_epoch_notifications_total", |n| n > heard)
            .await;
        // The next request finds the cache empty and looks the session up again.
        let (status, statements) = b.me(&admin).await;
        assert_eq!(status, 200);
        assert!(
            statements > 0,
            "round {round}: B still answered from its cache"
        );
        if round == 0 {
            // Cut both listeners' connections: they reconnect, and hear the next raise.
            let connections = b
                .metric("credence_session_epoch_listener_connections_total")
                .await;
            let mut conn = a.conn();
            let DbConnection::Postgres(pg) = &mut *conn else {
                unreachable!("a PostgreSQL test")
            };
            diesel::sql_query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() \
                 AND application_name = 'credence-session-epoch'",
            )
            .execute(pg)
            .unwrap();
            b.wait_for_metric("credence_session_epoch_listener_connections_total", |n| {
                n > connections
            })
            .await;
            // The epoch did not move: the session is still cached, and costs nothing.
            assert_eq!(b.me(&admin).await, (200, 0));
        }
    }
}
