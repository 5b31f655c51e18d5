//! What requests cost in database statements: with `CREDENCE_COUNT_STATEMENTS=on` each answer
//! says in `X-Statement-Count` how many statements (round trips) it sent. A list page of fifty
//! rows (with their children) costs no more than a page of one; an invitation costs a fixed,
//! small number.

use credence_api::db::schema::invoices;
use credence_shared::assess::Project;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app::{spawn_app_with, Backend, Options, TestApp, OPEN_PERIOD};
use crate::assessments_world::World;
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    every_list_costs_the_same_for_one_row_as_for_fifty,
    an_invitation_costs_a_fixed_number_of_statements,
);

/// Rows of each kind: enough for a full page of fifty and a cursor.
const ROWS: usize = 51;

/// What one GET cost and returned.
struct Measured {
    statements: u64,
    rows: usize,
}

impl TestApp {
    /// The statements a GET sends, and the rows it answers. The fewer of two tries: the first
    /// may also have had to check the caller's session in the database (the cache was cold).
    async fn measure(&self, path: &str, token: &str) -> Measured {
        let mut best: Option<Measured> = None;
        for _ in 0..2 {
            let reply = self.get(path, Some(token)).await;
            reply.assert_status(200);
            let statements: u64 = reply
                .header("x-statement-count")
                .expect("statement counting is on")
                .parse()
                .unwrap();
            let rows = reply.body["data"].as_array().map_or(0, Vec::len);
            if best.as_ref().is_none_or(|b| statements < b.statements) {
                best = Some(Measured { statements, rows });
            }
        }
        best.unwrap()
    }
}

/// The costs seen, and the lists whose cost grew with the page.
#[derive(Default)]
struct Ledger {
    table: Vec<String>,
    grew: Vec<String>,
}

impl Ledger {
    fn record(&mut self, list: &str, one: Measured, fifty: Measured) {
        assert_eq!(one.rows, 1, "{list}: a page of one");
        assert_eq!(fifty.rows, 50, "{list}: a page of fifty");
        self.table.push(format!(
            "{list:<40} 1 row: {:>3}   50 rows: {:>3}",
            one.statements, fifty.statements
        ));
        if fifty.statements > one.statements {
            self.grew.push(format!(
                "{list}: {} statements for 1 row, {} for 50",
                one.statements, fifty.statements
            ));
        }
    }

    /// A paged list: `limit=1` against `limit=50`.
    async fn paged(&mut self, app: &TestApp, token: &str, path: &str) {
        let sep = if path.contains('?') { '&' } else { '?' };
        let one = app.measure(&format!("{path}{sep}limit=1"), token).await;
        let fifty = app.measure(&format!("{path}{sep}limit=50"), token).await;
        self.record(path, one, fifty);
    }
}

async fn every_list_costs_the_same_for_one_row_as_for_fifty(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_COUNT_STATEMENTS", "on".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let (reseller, reseller_token) = reseller_with_user(&app, &admin, "Counting Partners").await;
    let client = app
        .create_client(&reseller_token, "Counted Co", 100_000)
        .await;
    let (_, client_token) = app
        .client_user(&reseller_token, Some(&client.id), "hr@counted.example")
        .await;
    let world = World {
        app,
        reseller: reseller_token.clone(),
        client_user: client_token.clone(),
        client: client.clone(),
    };
    let app = &world.app;
    let mut ledger = Ledger::default();

    // Lists that are not paged: one item, then fifty.
    let mut brands: Vec<String> = vec![];
    for i in 0..ROWS {
        let brand: Value = app.post("/admin/brands", Some(&admin), json!({ "name": format!("Skin {i}"), "product_name": "Assess", "primary_color": "#112233", "accent_color": "#AABBCC", "background_color": "#ffffff", "text_color": "#000000" })).await.expect(201);
        brands.push(brand["id"].as_str().unwrap().to_string());
    }
    // The reseller's skins: the default alone, then the default and 49 of its own.
    let one = app.measure("/brands", &reseller_token).await;
    app.patch(
        &format!("/admin/resellers/{}", reseller.id),
        Some(&admin),
        json!({ "brand_ids": &brands[..49] }),
    )
    .await
    .assert_status(200);
    let fifty = app.measure("/brands", &reseller_token).await;
    ledger.record("/brands", one, fifty);
    let mut ones = vec![];
    for i in 0..50 {
        if i == 1 {
            ones.push(app.measure("/api-keys", &client_token).await);
            ones.push(app.measure("/webhooks", &client_token).await);
        }
        app.post(
            "/api-keys",
            Some(&client_token),
            json!({ "name": format!("Key {i}") }),
        )
        .await
        .assert_status(201);
        app.post(
            "/webhooks",
            Some(&client_token),
            json!({ "url": format!("http://127.0.0.1:9/hook/{i}"), "events": ["client.credits_low"] }),
        )
        .await
        .assert_status(201);
    }
    let mut ones = ones.into_iter();
    for list in ["/api-keys", "/webhooks"] {
        let fifty = app.measure(list, &client_token).await;
        ledger.record(list, ones.next().unwrap(), fifty);
    }

    // Paged lists: fifty-one rows of each kind, each with its children.
    for (i, brand) in brands.iter().enumerate().take(ROWS) {
        app.post("/admin/resellers", Some(&admin), json!({ "name": format!("Reseller {i}"), "contact_email": format!("ops{i}@resellers.example"), "discount_percent": 10, "currency": "GBP", "brand_ids": [brand] }))
            .await
            .assert_status(201);
        app.post(
            "/reseller-users",
            Some(&reseller_token),
            json!({ "name": format!("Colleague {i}"), "email": format!("colleague{i}@partners.example") }),
        )
        .await
        .assert_status(201);
        app.post("/clients", Some(&reseller_token), json!({ "name": format!("Client {i}"), "contact_name": "Casey Contact", "contact_email": "casey@client.example", "initial_credits": 5 + i }))
            .await
            .assert_status(201);
        app.post(
            "/client-users",
            Some(&client_token),
            json!({ "name": format!("User {i}"), "email": format!("user{i}@counted.example") }),
        )
        .await
        .assert_status(201);
    }
    // Each order lands on its own month's invoice (the open draft is moved to the past after
    // each), so the invoices after the first have one line each.
    for i in 0..ROWS {
        app.post(
            "/credit-orders",
            Some(&reseller_token),
            json!({ "client_code": client.code, "credits": 10 + i }),
        )
        .await
        .assert_status(201);
        if i + 1 < ROWS {
            let mut conn = app.conn();
            diesel::update(
                invoices::table
                    .filter(invoices::reseller_id.eq(&reseller.id))
                    .filter(invoices::period.eq(OPEN_PERIOD)),
            )
            .set(invoices::period.eq(format!("{}-{:02}", 2020 + i / 12, i % 12 + 1)))
            .execute(&mut *conn)
            .unwrap();
        }
    }
    // …and the open month's gets fifty.
    for i in 0..49 {
        app.post(
            "/credit-orders",
            Some(&reseller_token),
            json!({ "client_code": client.code, "credits": 1 + i }),
        )
        .await
        .assert_status(201);
    }
    let invoice_ids: Vec<String> = {
        let mut conn = app.conn();
        invoices::table
            .filter(invoices::reseller_id.eq(&reseller.id))
            .order(invoices::id.asc())
            .select(invoices::id)
            .load(&mut *conn)
            .unwrap()
    };
    let one = app
        .measure(
            &format!("/invoices/{}/lines", invoice_ids[1]),
            &reseller_token,
        )
        .await;
    let fifty = app
        .measure(
            &format!("/invoices/{}/lines", invoice_ids.last().unwrap()),
            &reseller_token,
        )
        .await;
    ledger.record("/invoices/{id}/lines", one, fifty);

    let mut projects: Vec<Project> = vec![];
    for i in 0..ROWS {
        let categories: &[&str] = if i % 2 == 0 {
            &["numerical", "verbal"]
        } else {
            &["personality"]
        };
        projects.push(
            world
                .project(
                    categories,
                    json!({ "name": format!("Project {i}"), "report_email": "hr@counted.example" }),
                )
                .await,
        );
    }
    for i in 0..ROWS {
        world
            .invited(&projects[i % 3], &format!("candidate{i}@counted.example"))
            .await;
    }
    // A second invitation for some candidates (more children than rows).
    let newest: Value = app
        .get("/candidates?limit=10", Some(&client_token))
        .await
        .json();
    for candidate in newest["data"].as_array().unwrap() {
        app.post(
            &format!(
                "/candidates/{}/invitations",
                candidate["id"].as_str().unwrap()
            ),
            Some(&client_token),
            json!({ "project_id": projects[4].id }),
        )
        .await
        .assert_status(201);
    }

    let reseller_users = format!("/admin/resellers/{}/users", reseller.id);
    let client_ledger = format!("/clients/{}/ledger", client.id);
    for (token, path) in [
        (&admin, "/admin/brands"),
        (&admin, "/admin/resellers"),
        (&admin, reseller_users.as_str()),
        (&admin, "/admin/invoices"),
        (&admin, "/audit-events"),
        (&reseller_token, "/clients"),
        (&reseller_token, "/client-users"),
        (&reseller_token, "/projects"),
        (&reseller_token, "/candidates"),
        (&reseller_token, "/credit-orders"),
        (&reseller_token, "/invoices"),
        (&reseller_token, client_ledger.as_str()),
        (&reseller_token, "/reseller-users"),
        (&reseller_token, "/audit-events"),
        (&client_token, "/client-users"),
        (&client_token, "/projects"),
        (&client_token, "/candidates"),
        (&client_token, client_ledger.as_str()),
        (&client_token, "/audit-events"),
    ] {
        let who = if *token == admin {
            "admin"
        } else if *token == reseller_token {
            "reseller"
        } else {
            "client user"
        };
        let before = ledger.table.len();
        ledger.paged(app, token, path).await;
        if let Some(line) = ledger.table.get_mut(before) {
            *line = format!("{line}   ({who})")
                .replace(&reseller.id, "{id}")
                .replace(&client.id, "{id}");
        }
    }
    eprintln!(
        "statements per list ({backend:?}):\n{}",
        ledger.table.join("\n")
    );
    assert!(
        ledger.grew.is_empty(),
        "lists whose cost grows with the page:\n{}",
        ledger.grew.join("\n")
    );
}

/// Statements of `POST /candidates` for a new candidate, on PostgreSQL: the session check
/// (3), BEGIN, the project with its client, the candidate looked up and inserted, the tests,
/// the charge (balance UPDATE … RETURNING, ledger INSERT, the day's usage rollup UPDATE), the
/// invitation, its assessments (one INSERT) and the funnel rollup (one UPDATE), the skin, the
/// wording (the project's own invitation text, then the reseller's for the skin) and the outbox
/// key for the mail, the mail, the audit event, the webhooks that want `candidate.invited`,
/// COMMIT.
/// SQLite takes its write lock with one statement more.
const INVITE_STATEMENTS: u64 = 22;

async fn an_invitation_costs_a_fixed_number_of_statements(backend: Backend) {
    let world = crate::assessments_world::world_with(
        backend,
        1_000,
        Options {
            env: [("CREDENCE_COUNT_STATEMENTS", "on".to_string())].into(),
            ..Default::default()
        },
    )
    .await;
    let two_tests = world.project(&["numerical", "verbal"], json!({})).await;
    let mut costs = vec![];
    for i in 0..3 {
        let reply = world
            .invite(&two_tests, &format!("invitee{i}@hiring.example"))
            .await;
        reply.assert_status(201);
        // The answer is built from what was written; it says what reading it back says.
        let id = reply.body["id"].as_str().unwrap();
        let read = world
            .app
            .get(&format!("/candidates/{id}"), Some(&world.client_user))
            .await;
        assert_eq!(reply.body, read.json::<Value>());
        costs.push(
            reply
                .header("x-statement-count")
                .expect("statement counting is on")
                .parse::<u64>()
                .unwrap(),
        );
    }
    eprintln!("statements per invitation ({backend:?}): {costs:?}");
    let least = *costs.iter().min().unwrap();
    let most = INVITE_STATEMENTS + u64::from(backend == Backend::Sqlite);
    assert!(
        least <= most,
        "an invitation took {least} statements; it should take at most {most}"
    );
    assert_eq!(
        world.balance(),
        1_000 - 3 * 2,
        "each invitation charged both tests"
    );
}
