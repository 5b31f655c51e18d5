//! A change of sign-in email waits for the new address to confirm it (a one-time link mailed
//! there), the old address is told, and confirming ends the user's sessions. Until then the old
//! email signs in and "forgot password" on the new one gets nothing.

use credence_shared::reseller::ClientUser;
use serde_json::json;

use crate::app::{spawn_app, Backend, TestApp};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD};

both_backends!(
    a_colleague_cannot_take_an_account_by_changing_its_email,
    email_changes_are_confirmed_once_by_a_live_link,
);

/// The token of the `/confirm-email?token=` link in the newest email-change mail to `to`.
fn confirm_token(app: &TestApp, to: &str) -> String {
    let text = app.mail_text(to, "email_change");
    let start = text
        .find("/confirm-email?token=")
        .expect("the mail carries a confirm link")
        + "/confirm-email?token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn a_colleague_cannot_take_an_account_by_changing_its_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Mail Partners").await;
    let client = app.create_client(&reseller, "Victim Co", 0).await;
    let (victim, victim_token) = app
        .client_user(&reseller, Some(&client.id), "victim@victim.example")
        .await;
    let (_, colleague) = app
        .client_user(&reseller, Some(&client.id), "rogue@victim.example")
        .await;

    // The colleague asks: the answer is as before, with the change pending.
    let edited: ClientUser = app
        .patch(
            &format!("/client-users/{}", victim.id),
            Some(&colleague),
            json!({ "name": "Vic Tim", "email": "Attacker@Evil.example" }),
        )
        .await
        .expect(200);
    assert_eq!(edited.email, "victim@victim.example");
    assert_eq!(
        edited.pending_email.as_deref(),
        Some("attacker@evil.example")
    );
    assert_eq!(edited.name, "Vic Tim");
    // Nothing changed for signing in: the old email works, the victim's session lives on,
    // and "forgot password" on the new address sends nothing.
    app.get("/me", Some(&victim_token)).await.assert_status(200);
    app.login("victim@victim.example", CLIENT_USER_PASSWORD)
        .await
        .assert_status(200);
    app.login("attacker@evil.example", CLIENT_USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.post(
        "/auth/password/forgot",
        None,
        json!({ "email": "attacker@evil.example" }),
    )
    .await
    .assert_status(202);
    assert_eq!(
        app.outbox_count("attacker@evil.example", "password_reset"),
        0
    );
    // The old address is told who asked and for what.
    let notice = app.mail_text("victim@victim.example", "email_change_notice");
    assert!(
        notice.contains("attacker@evil.example") && notice.contains("Cleo Client"),
        "{notice}"
    );
    // The confirm link is not a set-password link.
    let token = confirm_token(&app, "attacker@evil.example");
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": token, "password": "a-brand-new-passphrase" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.login("victim@victim.example", CLIENT_USER_PASSWORD)
        .await
        .assert_status(200);

    // Confirmed from the new address: the email changes and every session ends.
    app.post("/auth/email/confirm", None, json!({ "token": token }))
        .await
        .assert_status(204);
    app.get("/me", Some(&victim_token))
        .await
        .assert_problem(401, "session_ended");
    app.login("victim@victim.example", CLIENT_USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.login("attacker@evil.example", CLIENT_USER_PASSWORD)
        .await
        .assert_status(200);
    assert_eq!(
        app.outbox_count("victim@victim.example", "email_change_notice"),
        2
    );
    let after: ClientUser = app
        .get(&format!("/client-users/{}", victim.id), Some(&reseller))
        .await
        .json();
    assert_eq!(after.email, "attacker@evil.example");
    assert_eq!(after.pending_email, None);
    let audit = app.get("/audit-events", Some(&reseller)).await.text();
    assert!(audit.contains("user.email_changed"), "{audit}");
    // Once only.
    app.post("/auth/email/confirm", None, json!({ "token": token }))
        .await
        .assert_problem(422, "validation_failed");
}

async fn email_changes_are_confirmed_once_by_a_live_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, reseller) = reseller_with_user(&app, &admin, "Typo Partners").await;
    let client = app.create_client(&reseller, "Typo Co", 0).await;
    // An invited user whose address had a typo: the reseller corrects it.
    let invited: ClientUser = app
        .post(
            "/client-users",
            Some(&reseller),
            json!({ "client_id": client.id, "name": "Ty Po", "email": "ty@typo.exmaple" }),
        )
        .await
        .expect(201);
    let old_welcome = app.link_token_from_outbox("ty@typo.exmaple", "welcome");
    for body in [json!({ "token": "" }), json!({ "token": "not-a-token" })] {
        app.post("/auth/email/confirm", None, body)
            .await
            .assert_problem(422, "validation_failed");
    }
    let edited: ClientUser = app
        .patch(
            &format!("/client-users/{}", invited.id),
            Some(&reseller),
            json!({ "email": "ty@typo.example" }),
        )
        .await
        .expect(200);
    assert_eq!(edited.pending_email.as_deref(), Some("ty@typo.example"));
    // Sending the current email back (as an edit form does) changes nothing.
    let same: ClientUser = app
        .patch(
            &format!("/client-users/{}", invited.id),
            Some(&reseller),
            json!({ "name": "Ty Po", "email": "ty@typo.exmaple" }),
        )
        .await
        .expect(200);
    assert_eq!(same.pending_email.as_deref(), Some("ty@typo.example"));
    let token = confirm_token(&app, "ty@typo.example");
    app.post("/auth/email/confirm", None, json!({ "token": token }))
        .await
        .assert_status(204);
    // The welcome link to the old address is dead; a new one went to the new address.
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": old_welcome, "password": "a-long-enough-passphrase" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.accept_welcome("ty@typo.example", CLIENT_USER_PASSWORD)
        .await;

    // A pending address someone else took meanwhile is refused at confirmation.
    let (user, _) = app
        .client_user(&reseller, Some(&client.id), "first@typo.example")
        .await;
    app.patch(
        &format!("/client-users/{}", user.id),
        Some(&reseller),
        json!({ "email": "wanted@typo.example" }),
    )
    .await
    .assert_status(200);
    let token = confirm_token(&app, "wanted@typo.example");
    app.client_user(&reseller, Some(&client.id), "wanted@typo.example")
        .await;
    let taken = app
        .post("/auth/email/confirm", None, json!({ "token": token }))
        .await;
    taken.assert_problem(422, "validation_failed");
    assert_eq!(taken.problem().errors[0].code, "email_taken");
    // A newer request replaces the older link.
    app.patch(
        &format!("/client-users/{}", user.id),
        Some(&reseller),
        json!({ "email": "second@typo.example" }),
    )
    .await
    .assert_status(200);
    let older = confirm_token(&app, "second@typo.example");
    app.patch(
        &format!("/client-users/{}", user.id),
        Some(&reseller),
        json!({ "email": "third@typo.example" }),
    )
    .await
    .assert_status(200);
    app.post("/auth/email/confirm", None, json!({ "token": older }))
        .await
        .assert_problem(422, "validation_failed");
    let newer = confirm_token(&app, "third@typo.example");
    app.post("/auth/email/confirm", None, json!({ "token": newer }))
        .await
        .assert_status(204);
    app.login("third@typo.example", CLIENT_USER_PASSWORD)
        .await
        .assert_status(200);
}
