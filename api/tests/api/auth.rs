//! Sign-in, tokens, sessions, throttling and role guards.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use credence_shared::admin::{AuditEvent, Brand};
use credence_shared::auth::{Me, TokenResponse};
use credence_shared::{Page, Role};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::app::{
    spawn_app, spawn_app_with, Backend, Options, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET,
};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    login_issues_a_short_lived_jwt_and_a_refresh_cookie,
    unknown_email_and_wrong_password_get_the_same_answer,
    login_is_throttled_per_account,
    refresh_rotates_and_reuse_revokes_the_family,
    the_refresh_cookie_restores_a_session,
    logout_ends_the_session,
    forged_and_expired_tokens_are_refused,
    a_generated_signing_key_survives_a_restart,
    roles_are_checked_before_handlers,
    suspended_resellers_cannot_sign_in,
);

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn login_issues_a_short_lived_jwt_and_a_refresh_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let tokens: TokenResponse = reply.expect(200);
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    assert_eq!(tokens.user.email, ADMIN_EMAIL);
    assert_eq!(tokens.user.role, Role::PlatformAdmin);
    assert!(tokens.refresh_token.as_ref().unwrap().len() >= 40);
    let c = claims(&tokens.access_token);
    assert_eq!(c["role"], "platform_admin");
    assert_eq!(c["sub"], tokens.user.id);
    assert_eq!(c["iss"], "credence");
    assert_eq!(c["aud"], "credence-api");
    assert!(c["jti"].is_string() && c["sid"].is_string());
    let lifetime = c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
    assert!(lifetime <= 15 * 60 && lifetime > 0);
    let cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("credence_refresh="));
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/api/v1/auth")
    );
    let me: Me = app.get("/me", Some(&tokens.access_token)).await.expect(200);
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.impersonator, None);
}

async fn unknown_email_and_wrong_password_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let wrong = app.login(ADMIN_EMAIL, "not-the-password").await;
    let unknown = app.login("nobody@test.example", "not-the-password").await;
    wrong.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    // A user who has not set a password yet cannot sign in either, with the same answer.
    let missing = app.post("/auth/login", None, json!({})).await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.error_fields(), ["email", "password"]);
}

async fn login_is_throttled_per_account(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "3".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.login(ADMIN_EMAIL, "wrong-password-here").await.status,
            401
        );
    }
    let limited = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    limited.assert_problem(429, "rate_limited");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let first: TokenResponse = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    let r1 = first.refresh_token.unwrap();
    let second: TokenResponse = app
        .post("/auth/refresh", None, json!({ "refresh_token": r1 }))
        .await
        .expect(200);
    let r2 = second.refresh_token.unwrap();
    assert_ne!(r1, r2);
    assert_eq!(app.get("/me", Some(&second.access_token)).await.status, 200);
    // Replaying the used token: refused, and the whole session is revoked.
    app.post("/auth/refresh", None, json!({ "refresh_token": r1 }))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.post("/auth/refresh", None, json!({ "refresh_token": r2 }))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.get("/me", Some(&second.access_token))
        .await
        .assert_problem(401, "session_ended");
    app.post("/auth/refresh", None, json!({ "refresh_token": "made-up" }))
        .await
        .assert_problem(401, "invalid_refresh_token");
}

async fn the_refresh_cookie_restores_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = login.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let refreshed = app
        .send(
            app.request(reqwest::Method::POST, "/auth/refresh", None)
                .header("cookie", cookie)
                .json(&json!({})),
        )
        .await;
    let refreshed: TokenResponse = refreshed.expect(200);
    assert_eq!(refreshed.user.email, ADMIN_EMAIL);
    app.post("/auth/refresh", None, json!({}))
        .await
        .assert_problem(401, "invalid_refresh_token");
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let login: TokenResponse = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    let access = login.access_token.as_str();
    let out = app
        .send(app.request(reqwest::Method::POST, "/auth/logout", Some(access)))
        .await;
    assert_eq!(out.status, 204);
    assert!(out.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("credence_refresh=;"));
    app.get("/me", Some(access))
        .await
        .assert_problem(401, "session_ended");
    app.post(
        "/auth/refresh",
        None,
        json!({ "refresh_token": login.refresh_token }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
}

async fn forged_and_expired_tokens_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = app.admin_token().await;
    let base = claims(&good);
    let sign = |claims: &Value, alg: Algorithm, secret: &[u8]| {
        encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
    };
    // Same claims, signed by us: accepted (the control).
    assert_eq!(
        app.get(
            "/me",
            Some(&sign(&base, Algorithm::HS256, JWT_SECRET.as_bytes()))
        )
        .await
        .status,
        200
    );
    let mut expired = base.clone();
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let mut wrong_aud = base.clone();
    wrong_aud["aud"] = json!("another-service");
    let mut escalated = base.clone();
    escalated["role"] = json!("platform_admin");
    escalated["sub"] = json!("someone-else");
    let none_alg = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(base.to_string())
    );
    for forged in [
        sign(&expired, Algorithm::HS256, JWT_SECRET.as_bytes()),
        sign(&wrong_aud, Algorithm::HS256, JWT_SECRET.as_bytes()),
        sign(&base, Algorithm::HS384, JWT_SECRET.as_bytes()),
        sign(
            &base,
            Algorithm::HS256,
            b"another-secret-another-secret-another",
        ),
        none_alg,
    ] {
        app.get("/me", Some(&forged))
            .await
            .assert_problem(401, "invalid_token");
    }
    // Signed correctly but naming a session that is not this user's.
    app.get(
        "/me",
        Some(&sign(&escalated, Algorithm::HS256, JWT_SECRET.as_bytes())),
    )
    .await
    .assert_problem(401, "session_ended");
}

async fn a_generated_signing_key_survives_a_restart(backend: Backend) {
    let no_secret = Options {
        env: [("CREDENCE_JWT_SECRET", String::new())].into(),
        ..Default::default()
    };
    let first = spawn_app_with(backend, no_secret.clone()).await;
    let token = first.admin_token().await;
    let second = spawn_app_with(
        backend,
        Options {
            database_url: Some(first.database_url.clone()),
            ..no_secret
        },
    )
    .await;
    assert_eq!(second.get("/me", Some(&token)).await.status, 200);
    // A token signed with the test secret is not valid for the generated key.
    let configured = spawn_app(backend).await;
    let foreign = configured.admin_token().await;
    second
        .get("/me", Some(&foreign))
        .await
        .assert_problem(401, "invalid_token");
}

async fn roles_are_checked_before_handlers(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Guarded Ltd").await;
    let (_, reseller_token) = app
        .reseller_user(&admin, &reseller.id, "guard@guarded.example")
        .await;
    for path in [
        "/admin/brands",
        "/admin/resellers",
        "/admin/settings",
        &format!("/admin/resellers/{}", reseller.id),
    ] {
        app.get(path, Some(&reseller_token))
            .await
            .assert_problem(403, "forbidden");
    }
    app.post(
        "/admin/resellers",
        Some(&reseller_token),
        json!({ "name": "Sneaky" }),
    )
    .await
    .assert_problem(403, "forbidden");
    // The reseller sees only its own audit events: not the vendor's (a skin the admin made),
    // not another reseller's (a client it made), but its own (a client it made).
    let skin: Brand = app
        .post(
            "/admin/brands",
            Some(&admin),
            json!({ "name": "Vendor Only", "product_name": "Vendor Assess", "primary_color": "#112233", "accent_color": "#445566", "background_color": "#ffffff", "text_color": "#000000" }),
        )
        .await
        .expect(201);
    let (_, other_token) = reseller_with_user(&app, &admin, "Neighbour Ltd").await;
    let theirs = app.create_client(&other_token, "Neighbour Client", 0).await;
    let ours = app
        .create_client(&reseller_token, "Guarded Client", 0)
        .await;
    let everything: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&admin))
        .await
        .json();
    let made = |action: &str, id: &str| {
        everything
            .data
            .iter()
            .any(|e| e.action == action && e.object_id.as_deref() == Some(id))
    };
    assert!(made("brand.created", &skin.id), "the vendor's event exists");
    assert!(
        made("client.created", &theirs.id),
        "the other reseller's event exists"
    );
    let events: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&reseller_token))
        .await
        .expect(200);
    let seen = |id: &str| {
        events
            .data
            .iter()
            .any(|e| e.object_id.as_deref() == Some(id))
    };
    assert!(
        !seen(&skin.id),
        "the vendor's skin event is not the reseller's"
    );
    assert!(
        !seen(&theirs.id),
        "another reseller's client event is not shown"
    );
    assert!(seen(&ours.id), "its own client event is shown");
}

async fn suspended_resellers_cannot_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Paused Ltd").await;
    let id = &reseller.id;
    let (_, token) = app.reseller_user(&admin, id, "paused@paused.example").await;
    let suspended = app
        .patch(
            &format!("/admin/resellers/{id}"),
            Some(&admin),
            json!({ "status": "suspended" }),
        )
        .await;
    assert_eq!(suspended.status, 200);
    app.get("/me", Some(&token))
        .await
        .assert_problem(401, "session_ended");
    app.login("paused@paused.example", "a-long-enough-passphrase")
        .await
        .assert_problem(401, "invalid_credentials");
    app.patch(
        &format!("/admin/resellers/{id}"),
        Some(&admin),
        json!({ "status": "active" }),
    )
    .await;
    assert_eq!(
        app.login("paused@paused.example", "a-long-enough-passphrase")
            .await
            .status,
        200
    );
}
