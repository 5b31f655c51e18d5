//! API keys carry scopes chosen when they are made, and each operation a key's token calls
//! needs its scope (`auth::key_scopes`). What a key can never do: `api_key_limits.rs`.

use credence_shared::assess::Project;
use credence_shared::auth::{ClientCredentialsResponse, Me};
use credence_shared::reseller::{Client, CreditOrder};
use credence_shared::{ApiKeyScope, Page};
use serde_json::{json, Value};

use crate::app::{Backend, TestApp};
use crate::assessments_world::{test_id, world, World};
use crate::both_backends;
use crate::reply::Reply;

both_backends!(
    scopes_are_chosen_when_a_key_is_made,
    each_operation_needs_its_scope,
    keys_made_before_scopes_keep_what_their_owner_could_do,
);

/// A key with these scopes and a token from it.
async fn scoped_token(app: &TestApp, token: &str, scopes: &[&str]) -> String {
    let key = app.api_key(token, &scopes.join("+"), Some(scopes)).await;
    app.key_token(&key).await
}

/// Asserts a 403 for a key lacking `scope`, and that the refusal names it.
#[track_caller]
fn assert_lacks(reply: &Reply, scope: &str) {
    let problem = reply.assert_problem(403, "insufficient_scope");
    let detail = problem.detail.unwrap_or_default();
    assert!(detail.contains(&format!("`{scope}`")), "{detail}");
}

/// A valid `POST /projects` body for the world's client.
async fn project_body(w: &World, name: &str) -> Value {
    let catalogue = w.catalogue().await;
    let (t, n) = test_id(&catalogue, "numerical");
    json!({ "name": name, "tests": [{ "test_id": t, "norm_group_id": n }], "support_name": "Pat Support", "support_email": "support@hiring.example" })
}

async fn scopes_are_chosen_when_a_key_is_made(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    // Without `scopes`, a key gets every scope of its owner's role (as before scopes existed).
    let reseller_key = app.api_key(&w.reseller, "Everything", None).await;
    assert_eq!(reseller_key.scopes, ApiKeyScope::ALL);
    let client_key = app.api_key(&w.client_user, "Everything we may", None).await;
    assert_eq!(
        client_key.scopes,
        [
            ApiKeyScope::Read,
            ApiKeyScope::Candidates,
            ApiKeyScope::Projects
        ]
    );
    let exchanged: ClientCredentialsResponse = app
        .exchange(
            &client_key.client_id,
            client_key.client_secret.as_deref().unwrap(),
        )
        .await
        .expect(200);
    assert_eq!(exchanged.scope, "read candidates projects");

    // Chosen scopes are kept, in order and once, and listed with the key.
    let chosen = app
        .api_key(&w.reseller, "Orders", Some(&["credits", "read", "credits"]))
        .await;
    assert_eq!(chosen.scopes, [ApiKeyScope::Read, ApiKeyScope::Credits]);
    let listed = app.api_keys(&w.reseller).await;
    let found = listed.iter().find(|k| k.id == chosen.id).unwrap();
    assert_eq!(found.scopes, [ApiKeyScope::Read, ApiKeyScope::Credits]);
    assert_eq!(found.last_used_at, None);
    let token = app.key_token(&chosen).await;
    let me: Me = app.get("/me", Some(&token)).await.json();
    assert_eq!(
        me.api_key_scopes,
        Some(vec![ApiKeyScope::Read, ApiKeyScope::Credits])
    );
    let person: Me = app.get("/me", Some(&w.reseller)).await.json();
    assert_eq!(person.api_key_scopes, None);
    let used = app.api_keys(&w.reseller).await;
    assert!(used
        .iter()
        .find(|k| k.id == chosen.id)
        .unwrap()
        .last_used_at
        .is_some());

    // Bad scopes are a 422 naming the field, and create nothing.
    let before = app.api_keys(&w.reseller).await.len();
    let empty = app
        .post(
            "/api-keys",
            Some(&w.reseller),
            json!({ "name": "None", "scopes": [] }),
        )
        .await;
    empty.assert_problem(422, "validation_failed");
    assert_eq!(empty.error_fields(), ["scopes"]);
    let unknown = app
        .post(
            "/api-keys",
            Some(&w.reseller),
            json!({ "name": "", "scopes": ["read", "admin"] }),
        )
        .await;
    unknown.assert_problem(422, "validation_failed");
    assert_eq!(unknown.error_fields(), ["name", "scopes"]);
    assert_eq!(unknown.problem().errors[1].code, "unknown_scope");
    assert!(unknown.problem().errors[1].message.contains("admin"));
    assert_eq!(app.api_keys(&w.reseller).await.len(), before);
    // Credits and clients are the reseller's business: a client user's key cannot hold them.
    let before = app.api_keys(&w.client_user).await.len();
    let unavailable = app
        .post(
            "/api-keys",
            Some(&w.client_user),
            json!({ "name": "Orders", "scopes": ["read", "credits"] }),
        )
        .await;
    unavailable.assert_problem(422, "validation_failed");
    assert_eq!(unavailable.error_fields(), ["scopes"]);
    assert_eq!(unavailable.problem().errors[0].code, "scope_not_available");
    assert_eq!(app.api_keys(&w.client_user).await.len(), before);
}

async fn each_operation_needs_its_scope(backend: Backend) {
    let w = world(backend, 20).await;
    let app = &w.app;

    // `read`: every GET, and nothing else.
    let reader = scoped_token(app, &w.client_user, &["read"]).await;
    let projects: Page<Project> = app.get("/projects", Some(&reader)).await.json();
    assert_eq!(projects.data.len(), 0);
    app.get(&format!("/clients/{}", w.client.id), Some(&reader))
        .await
        .assert_status(200);
    let refused = app
        .post(
            "/projects",
            Some(&reader),
            project_body(&w, "Not made").await,
        )
        .await;
    assert_lacks(&refused, "projects");
    let still: Page<Project> = app.get("/projects", Some(&w.client_user)).await.json();
    assert_eq!(still.data.len(), 0, "a refused request changes nothing");

    // `projects` and `candidates` without `read`: the changes, but no reading.
    let writer = scoped_token(app, &w.client_user, &["projects", "candidates"]).await;
    assert_lacks(&app.get("/projects", Some(&writer)).await, "read");
    let project: Project = app
        .post(
            "/projects",
            Some(&writer),
            project_body(&w, "Made by key").await,
        )
        .await
        .expect(201);
    app.patch(
        &format!("/projects/{}", project.id),
        Some(&writer),
        json!({ "name": "Renamed by key" }),
    )
    .await
    .assert_status(200);
    let invite = json!({ "project_id": project.id, "first_name": "Kay", "last_name": "Key", "email": "kay@candidates.example" });
    assert_lacks(
        &app.post("/candidates", Some(&reader), invite.clone()).await,
        "candidates",
    );
    assert_eq!(app.balance(&w.client_user, &w.client.id).await, 20);
    app.post("/candidates", Some(&writer), invite)
        .await
        .assert_status(201);
    assert_eq!(
        app.balance(&w.client_user, &w.client.id).await,
        19,
        "the invitation was charged"
    );
    let me: Me = app.get("/me", Some(&writer)).await.json();
    assert_eq!(me.role, credence_shared::Role::ClientUser);

    // `credits`: orders and adjustments, only with that scope.
    let orderer = scoped_token(app, &w.reseller, &["credits"]).await;
    let no_orders = scoped_token(app, &w.reseller, &["read", "clients"]).await;
    let order = json!({ "client_code": w.client.code, "credits": 5 });
    assert_lacks(
        &app.post("/credit-orders", Some(&no_orders), order.clone())
            .await,
        "credits",
    );
    assert_lacks(
        &app.post(
            &format!("/clients/{}/credit-adjustments", w.client.id),
            Some(&no_orders),
            json!({ "credits": 3, "reason": "goodwill" }),
        )
        .await,
        "credits",
    );
    assert_eq!(app.balance(&w.reseller, &w.client.id).await, 19);
    let placed: CreditOrder = app
        .post("/credit-orders", Some(&orderer), order)
        .await
        .expect(201);
    assert_eq!(placed.credits, 5);
    assert_eq!(app.balance(&w.reseller, &w.client.id).await, 24);
    assert_lacks(&app.get("/clients", Some(&orderer)).await, "read");

    // `clients`: create and edit clients; initial credits are an order and need `credits` too.
    let new_client = |name: &str, credits: i64| json!({ "name": name, "contact_name": "Cleo", "contact_email": "cleo@new.example", "initial_credits": credits });
    let made: Client = app
        .post("/clients", Some(&no_orders), new_client("Keyed Co", 0))
        .await
        .expect(201);
    app.patch(
        &format!("/clients/{}", made.id),
        Some(&no_orders),
        json!({ "phone": "+44 20 7946 0000" }),
    )
    .await
    .assert_status(200);
    assert_lacks(
        &app.post("/clients", Some(&no_orders), new_client("Funded Co", 5))
            .await,
        "credits",
    );
    assert_lacks(
        &app.post("/clients", Some(&orderer), new_client("Unscoped Co", 0))
            .await,
        "clients",
    );
    let names: Vec<String> = app
        .get("/clients", Some(&w.reseller))
        .await
        .json::<Page<Client>>()
        .data
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"Keyed Co".to_string()));
    assert!(!names.contains(&"Funded Co".to_string()));
    assert!(!names.contains(&"Unscoped Co".to_string()));
    let both = scoped_token(app, &w.reseller, &["clients", "credits"]).await;
    let funded: Client = app
        .post("/clients", Some(&both), new_client("Funded Co", 5))
        .await
        .expect(201);
    assert_eq!(funded.credit_balance, 5);
}

/// Reverts the migrations back to before API-key scopes, then migrates again: the keys that
/// existed get every scope of their owner's role.
fn remigrate_scopes(app: &TestApp) {
    use credence_api::db::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
    use diesel_migrations::MigrationHarness;

    const SCOPES: &str = "20261130001700";
    let mut conn = app.conn();
    loop {
        let applied: Vec<String> = match &mut *conn {
            DbConnection::Sqlite(c) => c.applied_migrations(),
            DbConnection::Postgres(c) => c.applied_migrations(),
        }
        .unwrap()
        .into_iter()
        .map(|v| v.to_string())
        .collect();
        if !applied.iter().any(|v| v == SCOPES) {
            break;
        }
        match &mut *conn {
            DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS).map(|_| ()),
            DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS).map(|_| ()),
        }
        .unwrap();
    }
    credence_api::db::run_migrations(&mut conn).unwrap();
}

async fn keys_made_before_scopes_keep_what_their_owner_could_do(backend: Backend) {
    let w = world(backend, 0).await;
    let app = &w.app;
    app.api_key(&w.reseller, "Old reseller key", Some(&["read"]))
        .await;
    app.api_key(&w.client_user, "Old client key", Some(&["read"]))
        .await;
    remigrate_scopes(app);
    assert_eq!(app.api_keys(&w.reseller).await[0].scopes, ApiKeyScope::ALL);
    assert_eq!(
        app.api_keys(&w.client_user).await[0].scopes,
        [
            ApiKeyScope::Read,
            ApiKeyScope::Candidates,
            ApiKeyScope::Projects
        ]
    );
}
