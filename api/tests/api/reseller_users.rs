//! Reseller users managed by their colleagues and the vendor: read, rename, deactivate and
//! reactivate; a deactivated user's sessions, Login As sessions and API-key tokens end at once;
//! a reseller always keeps an active user.

use credence_shared::admin::AuditEvent;
use credence_shared::auth::{ApiKey, ClientCredentialsResponse, Me, User};
use credence_shared::{Page, UserStatus};
use serde_json::json;

use crate::app::{spawn_app, Backend};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, RESELLER_PASSWORD};

both_backends!(
    colleagues_read_rename_deactivate_and_reactivate_each_other,
    only_the_resellers_staff_and_the_vendor_manage_its_users,
    a_reseller_keeps_an_active_user,
    deactivation_ends_sessions_login_as_and_api_key_tokens,
    a_deactivated_impersonators_login_as_token_is_refused,
);

async fn colleagues_read_rename_deactivate_and_reactivate_each_other(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, ann) = reseller_with_user(&app, &admin, "Managing Partners").await;
    let (carl, carl_token) = app
        .colleague(
            &admin,
            &reseller.id,
            "Carl Colleague",
            "carl@managing.example",
        )
        .await;
    let path = format!("/reseller-users/{}", carl.id);

    let read: User = app.get(&path, Some(&ann)).await.expect(200);
    assert_eq!(
        (read.email.as_str(), read.status),
        ("carl@managing.example", UserStatus::Active)
    );

    // Every bad field in one 422, and nothing changes.
    let bad = app
        .patch(
            &path,
            Some(&ann),
            json!({ "name": " ", "status": "invited" }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), ["name", "status"]);
    let renamed: User = app
        .patch(&path, Some(&ann), json!({ "name": "Carl Renamed" }))
        .await
        .expect(200);
    assert_eq!(
        (renamed.name.as_str(), renamed.status),
        ("Carl Renamed", UserStatus::Active)
    );

    // Nobody deactivates themselves.
    let me: Me = app.get("/me", Some(&ann)).await.json();
    let own = app
        .patch(
            &format!("/reseller-users/{}", me.id),
            Some(&ann),
            json!({ "status": "deactivated" }),
        )
        .await;
    own.assert_problem(422, "validation_failed");
    assert_eq!(own.error_fields(), ["status"]);
    app.delete(&format!("/reseller-users/{}", me.id), Some(&ann))
        .await
        .assert_problem(422, "validation_failed");

    // Deactivated: the open session ends at once and the password no longer signs in.
    assert_eq!(app.get("/clients", Some(&carl_token)).await.status, 200);
    app.delete(&path, Some(&ann)).await.assert_status(204);
    app.get("/clients", Some(&carl_token))
        .await
        .assert_problem(401, "session_ended");
    app.login("carl@managing.example", RESELLER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    let listed: Page<User> = app.get("/reseller-users", Some(&ann)).await.json();
    let row = listed.data.iter().find(|u| u.id == carl.id).unwrap();
    assert_eq!(row.status, UserStatus::Deactivated);

    // Reactivated by a colleague: they sign in again with their own password.
    let back: User = app
        .patch(&path, Some(&ann), json!({ "status": "active" }))
        .await
        .expect(200);
    assert_eq!(back.status, UserStatus::Active);
    assert_eq!(
        app.login("carl@managing.example", RESELLER_PASSWORD)
            .await
            .status,
        200
    );

    // The reseller's audit log says who did it.
    let events: Page<AuditEvent> = app.get("/audit-events?limit=200", Some(&ann)).await.json();
    for action in ["user.updated", "user.deactivated", "user.reactivated"] {
        let e = events
            .data
            .iter()
            .find(|e| e.action == action && e.object_id.as_deref() == Some(carl.id.as_str()))
            .unwrap_or_else(|| panic!("{action} is in the reseller's audit log"));
        assert_eq!(e.actor_id.as_deref(), Some(me.id.as_str()));
    }

    // A colleague who never set a password stays invited when reactivated.
    let invited: User = app
        .post(
            "/reseller-users",
            Some(&ann),
            json!({ "name": "Ivy Invited", "email": "ivy@managing.example" }),
        )
        .await
        .expect(201);
    let ivy = format!("/reseller-users/{}", invited.id);
    app.delete(&ivy, Some(&ann)).await.assert_status(204);
    let again: User = app
        .patch(&ivy, Some(&ann), json!({ "status": "active" }))
        .await
        .expect(200);
    assert_eq!(again.status, UserStatus::Invited);
}

async fn only_the_resellers_staff_and_the_vendor_manage_its_users(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, ann) = reseller_with_user(&app, &admin, "Own Partners").await;
    let (_, stranger) = reseller_with_user(&app, &admin, "Foreign Partners").await;
    let (carl, _) = app
        .colleague(&admin, &reseller.id, "Carl", "carl@own.example")
        .await;
    let client = app.create_client(&ann, "Own Co", 0).await;
    let (client_user, client_token) = app
        .client_user(&ann, Some(&client.id), "cleo@own.example")
        .await;
    let path = format!("/reseller-users/{}", carl.id);

    // Another reseller: not found, whatever the verb, and nothing changes.
    app.get(&path, Some(&stranger))
        .await
        .assert_problem(404, "not_found");
    app.patch(&path, Some(&stranger), json!({ "name": "Hijacked" }))
        .await
        .assert_problem(404, "not_found");
    app.delete(&path, Some(&stranger))
        .await
        .assert_problem(404, "not_found");
    // A client user's id or an unknown id is not a reseller user.
    for id in [
        client_user.id.as_str(),
        "01900000-0000-7000-8000-000000000000",
    ] {
        app.get(&format!("/reseller-users/{id}"), Some(&ann))
            .await
            .assert_problem(404, "not_found");
    }
    // Client users, and a reseller viewing as one (Login As), may not.
    app.get(&path, Some(&client_token))
        .await
        .assert_problem(403, "forbidden");
    app.delete(&path, Some(&client_token))
        .await
        .assert_problem(403, "forbidden");
    let viewing = app.login_as(&ann, &client_user.id).await;
    app.patch(&path, Some(&viewing), json!({ "status": "deactivated" }))
        .await
        .assert_problem(403, "forbidden");
    app.get(&path, None)
        .await
        .assert_problem(401, "missing_token");
    let unchanged: User = app.get(&path, Some(&ann)).await.json();
    assert_eq!(
        (unchanged.name.as_str(), unchanged.status),
        ("Carl", UserStatus::Active)
    );

    // The vendor manages any reseller's users.
    let renamed: User = app
        .patch(&path, Some(&admin), json!({ "name": "Carl by Vendor" }))
        .await
        .expect(200);
    assert_eq!(renamed.name, "Carl by Vendor");
    app.delete(&path, Some(&admin)).await.assert_status(204);
    let read: User = app.get(&path, Some(&admin)).await.expect(200);
    assert_eq!(read.status, UserStatus::Deactivated);
}

async fn a_reseller_keeps_an_active_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, _) = reseller_with_user(&app, &admin, "Lonely Partners").await;
    let (carl, carl_token) = app
        .colleague(&admin, &reseller.id, "Carl", "carl@lonely.example")
        .await;
    let staff: Page<User> = app.get("/reseller-users", Some(&carl_token)).await.json();
    let ann = staff.data.iter().find(|u| u.id != carl.id).unwrap().clone();

    // Carl deactivates Ann; the vendor may not then take away the last active user.
    app.delete(&format!("/reseller-users/{}", ann.id), Some(&carl_token))
        .await
        .assert_status(204);
    let refused = app
        .patch(
            &format!("/reseller-users/{}", carl.id),
            Some(&admin),
            json!({ "status": "deactivated", "name": "Carl Kept" }),
        )
        .await;
    let problem = refused.assert_problem(409, "last_active_user");
    assert!(problem
        .detail
        .unwrap_or_default()
        .contains("only active user"));
    app.delete(&format!("/reseller-users/{}", carl.id), Some(&admin))
        .await
        .assert_problem(409, "last_active_user");
    let kept: User = app
        .get(&format!("/reseller-users/{}", carl.id), Some(&admin))
        .await
        .json();
    assert_eq!(
        (kept.name.as_str(), kept.status),
        ("Carl", UserStatus::Active),
        "a refused edit changes nothing"
    );
    assert_eq!(app.get("/clients", Some(&carl_token)).await.status, 200);

    // With Ann back, either may go; two deactivating each other at once leave one active.
    app.patch(
        &format!("/reseller-users/{}", ann.id),
        Some(&admin),
        json!({ "status": "active" }),
    )
    .await
    .assert_status(200);
    let ann_token = app.token(&ann.email, RESELLER_PASSWORD).await;
    let (carl_path, ann_path) = (
        format!("/reseller-users/{}", carl.id),
        format!("/reseller-users/{}", ann.id),
    );
    let (a, b) = tokio::join!(
        app.delete(&carl_path, Some(&ann_token)),
        app.delete(&ann_path, Some(&carl_token)),
    );
    let done = [a.status.as_u16(), b.status.as_u16()];
    assert_eq!(
        done.iter().filter(|s| **s == 204).count(),
        1,
        "exactly one deactivation wins: {done:?}"
    );
    let staff: Page<User> = app
        .get(
            &format!("/admin/resellers/{}/users", reseller.id),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(
        staff
            .data
            .iter()
            .filter(|u| u.status == UserStatus::Active)
            .count(),
        1
    );
}

async fn deactivation_ends_sessions_login_as_and_api_key_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, ann) = reseller_with_user(&app, &admin, "Closing Partners").await;
    let (carl, carl_token) = app
        .colleague(&admin, &reseller.id, "Carl", "carl@closing.example")
        .await;
    let client = app.create_client(&ann, "Closing Co", 0).await;
    let (client_user, client_token) = app
        .client_user(&ann, Some(&client.id), "cleo@closing.example")
        .await;

    // Carl is signed in, is viewing as the client user, and has an API key in use.
    let viewing = app.login_as(&carl_token, &client_user.id).await;
    assert_eq!(app.get("/me", Some(&viewing)).await.status, 200);
    let key: ApiKey = app
        .post(
            "/api-keys",
            Some(&carl_token),
            json!({ "name": "Carl's sync" }),
        )
        .await
        .expect(201);
    let exchange = json!({ "grant_type": "client_credentials", "client_id": key.client_id, "client_secret": key.client_secret });
    let key_token = app
        .post("/auth/token", None, exchange.clone())
        .await
        .expect::<ClientCredentialsResponse>(200)
        .access_token;
    assert_eq!(app.get("/clients", Some(&key_token)).await.status, 200);

    app.delete(&format!("/reseller-users/{}", carl.id), Some(&ann))
        .await
        .assert_status(204);
    for token in [&carl_token, &viewing, &key_token] {
        app.get("/me", Some(token))
            .await
            .assert_problem(401, "session_ended");
    }
    app.post("/auth/token", None, exchange)
        .await
        .assert_problem(401, "invalid_client");
    // The client user's own session is theirs, and goes on.
    assert_eq!(app.get("/me", Some(&client_token)).await.status, 200);
    assert_eq!(app.get("/me", Some(&ann)).await.status, 200);
}

async fn a_deactivated_impersonators_login_as_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, ann) = reseller_with_user(&app, &admin, "Checked Partners").await;
    let (carl, carl_token) = app
        .colleague(&admin, &reseller.id, "Carl", "carl@checked.example")
        .await;
    let client = app.create_client(&ann, "Checked Co", 0).await;
    let (client_user, _) = app
        .client_user(&ann, Some(&client.id), "cleo@checked.example")
        .await;
    let viewing = app.login_as(&carl_token, &client_user.id).await;
    assert_eq!(app.get("/projects", Some(&viewing)).await.status, 200);
    // Even if the status changes by some other way than the API (no session was revoked), a
    // Login As session lives only while the reseller user acting in it is active.
    {
        use credence_api::db::schema::users;
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::update(users::table.find(&carl.id))
            .set(users::status.eq("deactivated"))
            .execute(&mut *conn)
            .unwrap();
    }
    app.get("/projects", Some(&viewing))
        .await
        .assert_problem(401, "session_ended");
}
