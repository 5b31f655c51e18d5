//! Sign-in, tokens, sessions, passwords, throttling and role guards.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use credence_shared::admin::{AuditEvent, Brand};
use credence_shared::auth::{Me, TokenResponse, User};
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
    welcome_link_sets_a_password_once_and_enforces_the_policy,
    forgot_password_resets_and_ends_other_sessions,
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

async fn welcome_link_sets_a_password_once_and_enforces_the_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Acme Partners").await;
    let created: User = app
        .post(
            &format!("/admin/resellers/{}/users", reseller.id),
            Some(&admin),
            json!({ "name": "Rita", "email": "Rita@Acme.example" }),
        )
        .await
        .expect(201);
    assert_eq!(created.email, "rita@acme.example");
    assert_eq!(created.status.as_str(), "invited");
    // No password yet: cannot sign in.
    app.login("rita@acme.example", "whatever-it-is")
        .await
        .assert_problem(401, "invalid_credentials");
    let token = app.link_token_from_outbox("rita@acme.example", "welcome");
    for (password, code) in [
        ("short", "too_short"),
        ("rita@acme.example", "same_as_email"),
        ("password123", "too_common"),
    ] {
        let reply = app
            .post(
                "/auth/password/set",
                None,
                json!({ "token": token, "password": password }),
            )
            .await;
        let problem = reply.assert_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, "password");
        assert_eq!(problem.errors[0].code, code);
    }
    let set = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": token, "password": "correct-horse-battery" }),
        )
        .await;
    set.assert_status(204);
    let login: TokenResponse = app
        .login("rita@acme.example", "correct-horse-battery")
        .await
        .expect(200);
    assert_eq!(login.user.role, Role::Reseller);
    assert_eq!(login.user.reseller_id.as_ref(), Some(&reseller.id));
    assert_eq!(login.user.status.as_str(), "active");
    let again = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": token, "password": "another-good-password" }),
        )
        .await;
    // A used link: the page turns this exact answer into "used or expired, send a new link".
    let problem = again.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "token");
    assert_eq!(problem.errors[0].code, "invalid_token");
    let forged = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": "forged", "password": "another-good-password" }),
        )
        .await;
    let problem = forged.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "invalid_token");
    // An expired link gets the same answer, and the link names the account for a new one.
    app.post(
        "/auth/password/forgot",
        None,
        json!({ "email": "rita@acme.example" }),
    )
    .await;
    let text: String = {
        use credence_api::db::schema::outbox;
        use diesel::prelude::*;
        let mut conn = app.conn();
        let stored: String = outbox::table
            .filter(outbox::kind.eq("password_reset"))
            .select(outbox::text_body)
            .first(&mut *conn)
            .unwrap();
        crate::outbox::open(&mut conn, &stored)
    };
    assert!(
        text.contains("&email=rita%40acme.example"),
        "the link prefills the email: {text}"
    );
    let reset = app.link_token_from_outbox("rita@acme.example", "password_reset");
    {
        use credence_api::db::schema::one_time_tokens;
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::update(one_time_tokens::table)
            .set(
                one_time_tokens::expires_at
                    .eq(credence_api::db::now() - chrono::Duration::minutes(1)),
            )
            .execute(&mut *conn)
            .unwrap();
    }
    let expired = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": reset, "password": "another-good-password" }),
        )
        .await;
    let problem = expired.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "token");
    assert_eq!(problem.errors[0].code, "invalid_token");
}

async fn forgot_password_resets_and_ends_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let unknown = app
        .post(
            "/auth/password/forgot",
            None,
            json!({ "email": "nobody@test.example" }),
        )
        .await;
    assert_eq!(unknown.status, 202);
    let old_session = app.admin_token().await;
    let known = app
        .post(
            "/auth/password/forgot",
            None,
            json!({ "email": ADMIN_EMAIL }),
        )
        .await;
    assert_eq!(known.status, 202);
    let token = app.link_token_from_outbox(ADMIN_EMAIL, "password_reset");
    let set = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": token, "password": "brand-new-admin-pass" }),
        )
        .await;
    assert_eq!(set.status, 204);
    app.get("/me", Some(&old_session))
        .await
        .assert_problem(401, "session_ended");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login(ADMIN_EMAIL, "brand-new-admin-pass").await.status,
        200
    );
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
