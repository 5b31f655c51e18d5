//! One person, several accounts: an email is unique within its tenant, so a reseller user may
//! add themself as a client user; signing in then asks which account to open (409
//! `account_choice_required`), a reset mails each account its own link, email changes keep the
//! per-tenant rule, and Login As and the audit trail name the exact account.

use credence_shared::admin::AuditEvent;
use credence_shared::auth::{AccountChoiceProblem, Me, TokenResponse};
use credence_shared::reseller::ClientUser;
use credence_shared::{Page, Role};
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD, RESELLER_PASSWORD};

both_backends!(
    a_reseller_user_adds_themself_as_a_client_user_and_chooses_at_sign_in,
    a_reset_mails_each_account_its_own_link,
    email_changes_are_unique_within_the_tenant,
    login_as_and_the_audit_trail_name_the_exact_account,
    an_email_holds_at_most_five_accounts,
);

const STAFF: &str = "staff@acme-partners.example";

/// An app whose sign-in budget the many attempts of one case never spend.
async fn app(backend: Backend) -> TestApp {
    let env = [("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "1000".to_string())];
    spawn_app_with(
        backend,
        Options {
            env: env.into_iter().collect(),
            ..Default::default()
        },
    )
    .await
}

/// A reseller ("Acme Partners", its user `STAFF`) and its client "Acme Ltd", where the reseller
/// user added themself as a client user and set `password` through the welcome link. The
/// reseller user's token and id, the client user.
async fn reseller_who_is_also_a_client_user(
    app: &TestApp,
    password: &str,
) -> (String, String, ClientUser) {
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(app, &admin, "Acme Partners").await;
    let me: Me = app.get("/me", Some(&token)).await.json();
    let client = app.create_client(&token, "Acme Ltd", 5).await;
    let mine: ClientUser = app
        .post(
            "/client-users",
            Some(&token),
            json!({ "client_id": client.id, "name": "Rita Reseller", "email": STAFF }),
        )
        .await
        .expect(201);
    assert_eq!(mine.email, STAFF);
    assert_eq!(mine.client_id, client.id);
    let welcome = app.link_token_from_outbox(STAFF, "welcome");
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": welcome, "password": password }),
    )
    .await
    .assert_status(204);
    (token, me.id, mine)
}

async fn sign_in(app: &TestApp, password: &str, account: Option<&str>) -> crate::reply::Reply {
    app.post(
        "/auth/login",
        None,
        json!({ "email": STAFF, "password": password, "account": account }),
    )
    .await
}

async fn a_reseller_user_adds_themself_as_a_client_user_and_chooses_at_sign_in(backend: Backend) {
    let app = app(backend).await;
    let (token, reseller_user_id, mine) =
        reseller_who_is_also_a_client_user(&app, RESELLER_PASSWORD).await;
    // Within one client the email is still unique.
    let again = app
        .post(
            "/client-users",
            Some(&token),
            json!({ "client_id": mine.client_id, "name": "Rita Again", "email": "STAFF@acme-partners.example" }),
        )
        .await;
    assert_eq!(
        again.assert_problem(422, "validation_failed").errors[0].code,
        "taken"
    );

    // One password opens both accounts: which one?
    let choose = sign_in(&app, RESELLER_PASSWORD, None).await;
    choose.assert_problem(409, "account_choice_required");
    let choice: AccountChoiceProblem = choose.expect(409);
    let mut offered: Vec<(String, Role, String, Option<String>)> = choice
        .accounts
        .iter()
        .map(|a| (a.id.clone(), a.role, a.label.clone(), a.tenant_name.clone()))
        .collect();
    offered.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (
            reseller_user_id.clone(),
            Role::Reseller,
            "Reseller user at Acme Partners".to_string(),
            Some("Acme Partners".to_string()),
        ),
        (
            mine.id.clone(),
            Role::ClientUser,
            "Client user at Acme Ltd".to_string(),
            Some("Acme Ltd".to_string()),
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(offered, expected);

    // Each choice opens its own account.
    let client: TokenResponse = sign_in(&app, RESELLER_PASSWORD, Some(&mine.id))
        .await
        .expect(200);
    assert_eq!(client.user.id, mine.id);
    assert_eq!(client.user.role, Role::ClientUser);
    assert_eq!(client.user.client_id.as_ref(), Some(&mine.client_id));
    let reseller: TokenResponse = sign_in(&app, RESELLER_PASSWORD, Some(&reseller_user_id))
        .await
        .expect(200);
    assert_eq!(reseller.user.id, reseller_user_id);
    assert_eq!(reseller.user.role, Role::Reseller);

    // Unknown email, wrong password, someone else's account, a made-up one: one answer.
    let (other, _) = app
        .client_user(&token, Some(&mine.client_id), "other@acme.example")
        .await;
    let wrong = sign_in(&app, "not-the-password-at-all", None).await;
    wrong.assert_problem(401, "invalid_credentials");
    let unknown = app
        .login("nobody@acme-partners.example", RESELLER_PASSWORD)
        .await;
    unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.text(), unknown.text());
    for (password, account) in [
        ("not-the-password-at-all", mine.id.as_str()),
        (CLIENT_USER_PASSWORD, other.id.as_str()),
        (RESELLER_PASSWORD, other.id.as_str()),
        (RESELLER_PASSWORD, "0190d2c4-0000-7000-8000-000000000000"),
    ] {
        let refused = sign_in(&app, password, Some(account)).await;
        refused.assert_problem(401, "invalid_credentials");
        assert_eq!(refused.text(), wrong.text(), "{password} / {account}");
    }

    // Once the client account has a password of its own, each password opens its one account.
    app.post(
        "/me/password",
        Some(&client.access_token),
        json!({ "current_password": RESELLER_PASSWORD, "new_password": CLIENT_USER_PASSWORD }),
    )
    .await
    .assert_status(204);
    let only_client: TokenResponse = sign_in(&app, CLIENT_USER_PASSWORD, None).await.expect(200);
    assert_eq!(only_client.user.id, mine.id);
    let only_reseller: TokenResponse = sign_in(&app, RESELLER_PASSWORD, None).await.expect(200);
    assert_eq!(only_reseller.user.id, reseller_user_id);
    // Naming the account the other password opens is a wrong password.
    sign_in(&app, CLIENT_USER_PASSWORD, Some(&reseller_user_id))
        .await
        .assert_problem(401, "invalid_credentials");
}

/// Every mail of this kind to `to`, oldest first, opened.
fn mails(app: &TestApp, to: &str, kind: &str) -> Vec<String> {
    use credence_api::db::schema::outbox;
    use diesel::prelude::*;
    let mut conn = app.conn();
    let stored: Vec<String> = outbox::table
        .filter(outbox::to_address.eq(to))
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.asc())
        .select(outbox::text_body)
        .load(&mut *conn)
        .unwrap();
    stored
        .iter()
        .map(|s| crate::outbox::open(&mut conn, s))
        .collect()
}

async fn a_reset_mails_each_account_its_own_link(backend: Backend) {
    let app = app(backend).await;
    let (_, reseller_user_id, mine) =
        reseller_who_is_also_a_client_user(&app, RESELLER_PASSWORD).await;
    app.post(
        "/auth/password/forgot",
        None,
        json!({ "email": "Staff@Acme-Partners.example" }),
    )
    .await
    .assert_status(202);
    let resets = mails(&app, STAFF, "password_reset");
    assert_eq!(resets.len(), 2, "one mail per account");
    let for_client = resets
        .iter()
        .find(|m| m.contains("(Client user at Acme Ltd)"))
        .expect("a mail names the client account");
    let for_reseller = resets
        .iter()
        .find(|m| m.contains("(Reseller user at Acme Partners)"))
        .expect("a mail names the reseller account");
    assert!(
        !for_client.contains("Acme Partners"),
        "the client's mail names only its own account: {for_client}"
    );
    // Each link resets its own account only.
    let token = crate::outbox::token_from_text(for_client).unwrap();
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": token, "password": "client-side-passphrase" }),
    )
    .await
    .assert_status(204);
    let client: TokenResponse = sign_in(&app, "client-side-passphrase", None)
        .await
        .expect(200);
    assert_eq!(client.user.id, mine.id);
    let reseller: TokenResponse = sign_in(&app, RESELLER_PASSWORD, None).await.expect(200);
    assert_eq!(reseller.user.id, reseller_user_id);
    let token = crate::outbox::token_from_text(for_reseller).unwrap();
    app.post(
        "/auth/password/set",
        None,
        json!({ "token": token, "password": "reseller-side-passphrase" }),
    )
    .await
    .assert_status(204);
    let reseller: TokenResponse = sign_in(&app, "reseller-side-passphrase", None)
        .await
        .expect(200);
    assert_eq!(reseller.user.id, reseller_user_id);
    // An unknown email gets the same 202 and no mail.
    app.post(
        "/auth/password/forgot",
        None,
        json!({ "email": "nobody@acme-partners.example" }),
    )
    .await
    .assert_status(202);
    assert_eq!(
        app.outbox_count("nobody@acme-partners.example", "password_reset"),
        0
    );
}

async fn email_changes_are_unique_within_the_tenant(backend: Backend) {
    let app = app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Acme Partners").await;
    let client = app.create_client(&token, "Acme Ltd", 0).await;
    let (first, _) = app
        .client_user(&token, Some(&client.id), "first@acme.example")
        .await;
    app.client_user(&token, Some(&client.id), "second@acme.example")
        .await;
    // Another user of the same client has it: refused at once.
    let taken = app
        .patch(
            &format!("/client-users/{}", first.id),
            Some(&token),
            json!({ "email": "Second@acme.example" }),
        )
        .await;
    assert_eq!(
        taken.assert_problem(422, "validation_failed").errors[0].code,
        "taken"
    );
    // The reseller user's email is another tenant's: the change waits for confirmation.
    let pending: ClientUser = app
        .patch(
            &format!("/client-users/{}", first.id),
            Some(&token),
            json!({ "email": STAFF }),
        )
        .await
        .expect(200);
    assert_eq!(pending.pending_email.as_deref(), Some(STAFF));
    let confirm = {
        let text = app.mail_text(STAFF, "email_change");
        let start = text.find("/confirm-email?token=").unwrap() + "/confirm-email?token=".len();
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
    };
    app.post("/auth/email/confirm", None, json!({ "token": confirm }))
        .await
        .assert_status(204);
    let signed_in: TokenResponse = app.login(STAFF, CLIENT_USER_PASSWORD).await.expect(200);
    assert_eq!(signed_in.user.id, first.id);
    // Back within the client, the address someone there took meanwhile is refused at
    // confirmation too.
    app.patch(
        &format!("/client-users/{}", first.id),
        Some(&token),
        json!({ "email": "wanted@acme.example" }),
    )
    .await
    .assert_status(200);
    let text = app.mail_text("wanted@acme.example", "email_change");
    let start = text.find("/confirm-email?token=").unwrap() + "/confirm-email?token=".len();
    let late: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    app.client_user(&token, Some(&client.id), "wanted@acme.example")
        .await;
    let refused = app
        .post("/auth/email/confirm", None, json!({ "token": late }))
        .await;
    assert_eq!(
        refused.assert_problem(422, "validation_failed").errors[0].code,
        "email_taken"
    );
}

async fn login_as_and_the_audit_trail_name_the_exact_account(backend: Backend) {
    let app = app(backend).await;
    let (token, reseller_user_id, mine) =
        reseller_who_is_also_a_client_user(&app, RESELLER_PASSWORD).await;
    let client = sign_in(&app, RESELLER_PASSWORD, Some(&mine.id))
        .await
        .expect::<TokenResponse>(200);
    let viewing = app.login_as(&token, &mine.id).await;
    let me: Me = app.get("/me", Some(&viewing)).await.json();
    assert_eq!(me.id, mine.id);
    assert_eq!(
        me.impersonator.map(|i| i.id).as_deref(),
        Some(reseller_user_id.as_str())
    );
    let activity: Page<AuditEvent> = app
        .get("/audit-events", Some(&client.access_token))
        .await
        .json();
    let started = activity
        .data
        .iter()
        .find(|e| e.action == "impersonation.started")
        .expect("the client account's activity shows the Login As");
    assert_eq!(started.actor_id.as_deref(), Some(mine.id.as_str()));
    assert_eq!(
        started.impersonator_id.as_deref(),
        Some(reseller_user_id.as_str())
    );
    assert_eq!(started.details["reseller_user"]["id"], reseller_user_id);
    assert_eq!(started.details["client_user"]["id"], mine.id);
    assert_eq!(started.details["client_user"]["client_id"], mine.client_id);
    // The sign-ins name the account each opened.
    let admin = app.admin_token().await;
    let all: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&admin))
        .await
        .json();
    let login_of = |id: &str| {
        all.data
            .iter()
            .find(|e| e.action == "auth.login" && e.object_id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("a sign-in of {id} is logged"))
            .details
            .clone()
    };
    let as_client = login_of(&mine.id);
    assert_eq!(as_client["role"], "client_user");
    assert_eq!(as_client["client_id"], mine.client_id);
    assert_eq!(login_of(&reseller_user_id)["role"], "reseller");
}

async fn an_email_holds_at_most_five_accounts(backend: Backend) {
    let app = app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Acme Partners").await;
    // The reseller account plus four client accounts make five.
    for i in 1..=5 {
        let client = app.create_client(&token, &format!("Client {i}"), 0).await;
        let reply = app
            .post(
                "/client-users",
                Some(&token),
                json!({ "client_id": client.id, "name": "Rita Reseller", "email": STAFF }),
            )
            .await;
        // The sixth is answered as any new user is, yet nothing is made.
        let answered: ClientUser = reply.expect(201);
        assert_eq!(answered.email, STAFF);
        let listed: Page<ClientUser> = app
            .get(
                &format!("/client-users?client_id={}", client.id),
                Some(&token),
            )
            .await
            .json();
        assert_eq!(listed.data.len(), usize::from(i < 5), "client {i}");
    }
    let all: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&admin))
        .await
        .json();
    assert!(all
        .data
        .iter()
        .any(|e| e.action == "user.create_suppressed"));
    let mine: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&token))
        .await
        .json();
    assert!(!mine
        .data
        .iter()
        .any(|e| e.action == "user.create_suppressed"));
    // The vendor adding a sixth account is told plainly.
    let reseller = app.create_reseller(&admin, "Second Partners").await;
    let sixth = app
        .post(
            &format!("/admin/resellers/{}/users", reseller.id),
            Some(&admin),
            json!({ "name": "Rita", "email": STAFF }),
        )
        .await;
    assert_eq!(
        sixth.assert_problem(422, "validation_failed").errors[0].code,
        "too_many_accounts"
    );
}
