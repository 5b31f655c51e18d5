//! Passwords: the welcome link sets one once under the policy; forgot-password resets it and
//! ends other sessions.

use credence_shared::auth::{TokenResponse, User};
use credence_shared::Role;
use serde_json::json;

use crate::app::{spawn_app, Backend, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::both_backends;

both_backends!(
    welcome_link_sets_a_password_once_and_enforces_the_policy,
    forgot_password_resets_and_ends_other_sessions,
);

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
