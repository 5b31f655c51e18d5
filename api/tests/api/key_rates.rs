//! Each API key's own rate limit: a token bucket of `rate_per_minute` shared by every process on
//! the database, `RateLimit-*` headers on each answer to its tokens, 429 with `Retry-After`
//! once it is empty; a person's own session is not limited by it. The key's request count and
//! last use show in its listing.

use credence_shared::auth::ApiKey;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options};
use crate::both_backends;
use crate::fixtures::reseller_with_user;
use crate::reply::Reply;

both_backends!(a_key_has_its_own_bucket_shared_by_every_process);

fn header(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

async fn a_key_has_its_own_bucket_shared_by_every_process(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, staff) = reseller_with_user(&app, &admin, "Metered Partners").await;
    for bad in [0, 6001, -5] {
        let problem = app
            .post(
                "/api-keys",
                Some(&staff),
                json!({ "name": "Too much", "rate_per_minute": bad }),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, "rate_per_minute");
    }
    assert!(app.api_keys(&staff).await.is_empty(), "nothing was made");
    let slow: ApiKey = app
        .post(
            "/api-keys",
            Some(&staff),
            json!({ "name": "Slow sync", "rate_per_minute": 3 }),
        )
        .await
        .expect(201);
    assert_eq!(slow.rate_per_minute, 3);
    let other = app.api_key(&staff, "Default sync", None).await;
    assert_eq!(other.rate_per_minute, 120);
    let token = app.key_token(&slow).await;

    // A second process on the same database draws from the same bucket.
    let peer = spawn_app_with(
        backend,
        Options {
            database_url: Some(app.database_url.clone()),
            ..Default::default()
        },
    )
    .await;
    let mut remaining = Vec::new();
    for (n, process) in [&app, &peer, &app].into_iter().enumerate() {
        let reply = process.get("/clients", Some(&token)).await;
        reply.assert_status(200);
        assert_eq!(
            header(&reply, "ratelimit-limit").as_deref(),
            Some("3"),
            "request {n}"
        );
        remaining.push(header(&reply, "ratelimit-remaining").unwrap());
        let reset: u64 = header(&reply, "ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    for process in [&peer, &app] {
        let refused = process.get("/clients", Some(&token)).await;
        refused.assert_problem(429, "rate_limited");
        let retry: u64 = header(&refused, "retry-after").unwrap().parse().unwrap();
        // 3 a minute: a token every 20 seconds.
        assert!((1..=20).contains(&retry), "{retry}");
        assert_eq!(
            header(&refused, "ratelimit-remaining").as_deref(),
            Some("0")
        );
    }

    // Another key, and the person's own session, are not held back.
    let other_token = app.key_token(&other).await;
    let reply = app.get("/clients", Some(&other_token)).await;
    reply.assert_status(200);
    assert_eq!(
        header(&reply, "ratelimit-remaining").as_deref(),
        Some("119")
    );
    let own = app.get("/clients", Some(&staff)).await;
    own.assert_status(200);
    assert_eq!(header(&own, "ratelimit-limit"), None);

    // The listing shows what each key did: the refused requests are not counted.
    let keys = app.api_keys(&staff).await;
    let listed = |id: &str| keys.iter().find(|k| k.id == id).unwrap().clone();
    assert_eq!(listed(&slow.id).request_count, 3);
    assert!(listed(&slow.id).last_used_at.is_some());
    assert_eq!(listed(&other.id).request_count, 1);
}
