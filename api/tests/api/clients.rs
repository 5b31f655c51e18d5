//! Clients: creation as the article describes, bad input, search and paging, logos, suspension,
//! tenant isolation, and multi-line fields.

use credence_shared::admin::{AuditEvent, Brand};
use credence_shared::assess::{Project, TestSummary};
use credence_shared::reseller::{
    Client, ClientDefaults, ClientUser, CreditOrderPage, Invoice, LedgerEntry,
};
use credence_shared::Page;
use reqwest::Method;
use serde_json::json;

use crate::app::{spawn_app, Backend};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD};
use crate::reply::Reply;

both_backends!(
    a_client_gets_a_code_the_default_skin_threshold_and_initial_credits,
    bad_client_input_is_refused_and_changes_nothing,
    clients_are_searched_filtered_and_paged,
    client_logos_are_cleaned_and_removable,
    suspended_clients_users_cannot_sign_in,
    another_resellers_objects_are_404,
    multi_line_fields_keep_line_breaks_single_line_fields_refuse_them,
);

async fn a_client_gets_a_code_the_default_skin_threshold_and_initial_credits(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, token) = reseller_with_user(&app, &admin, "Article Partners").await;
    let brands: Page<Brand> = app.get("/brands", Some(&token)).await.json();
    assert_eq!(
        brands.data[0].name, "Test Partnership",
        "the default skin comes first"
    );
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "default_credit_threshold": 10 }),
    )
    .await;
    let defaults: ClientDefaults = app.get("/client-defaults", Some(&token)).await.json();
    assert_eq!(defaults.credit_threshold, 10);
    assert_eq!(defaults.brand_id, brands.data[0].id);
    let client = app.create_client(&token, "Acme Recruitment", 50).await;
    assert!(client.code.starts_with("ACME-"));
    assert_eq!(client.brand_id, brands.data[0].id);
    assert_eq!(client.credit_balance, 50);
    assert_eq!(client.credit_threshold, 10, "the platform default");
    assert_eq!(client.status.as_str(), "active");
    assert_eq!(client.reseller_id, reseller.id);
    let id = client.id.as_str();
    let ledger: Page<LedgerEntry> = app
        .get(&format!("/clients/{id}/ledger"), Some(&token))
        .await
        .json();
    assert_eq!(ledger.data[0].kind.as_str(), "initial");
    assert_eq!(ledger.data[0].delta, 50);
    assert_eq!(ledger.data[0].balance_after, 50);
    assert_eq!(ledger.data[0].actor_name.as_deref(), Some("Rita Reseller"));
    // Initial credits are billed like any credit order: 50 × 500 × 80 % = 20000.
    let orders: CreditOrderPage = app.get("/credit-orders", Some(&token)).await.json();
    assert_eq!(orders.data[0].kind.as_str(), "initial");
    assert_eq!(orders.data[0].amount_minor, 20000);
    let invoices: Page<Invoice> = app.get("/invoices", Some(&token)).await.json();
    assert_eq!(invoices.data[0].total_minor, 20000);
    assert_eq!(invoices.data[0].status.as_str(), "draft");
    // Codes are unique.
    let second = app.create_client(&token, "Acme Recruitment", 0).await;
    assert_ne!(second.code, client.code);
    assert_eq!(app.ledger(&token, &second.id).await.len(), 0);
    // A custom skin allowed for this reseller can be chosen; a threshold can be set.
    let custom = app.post("/admin/brands", Some(&admin), json!({ "name": "Partner Blue", "product_name": "Partner Assess", "primary_color": "#0000aa", "accent_color": "#00aaaa", "background_color": "#ffffff", "text_color": "#111111" })).await.expect::<Brand>(201).id;
    app.patch(
        &format!("/admin/resellers/{}", reseller.id),
        Some(&admin),
        json!({ "brand_ids": [custom] }),
    )
    .await;
    let skinned = app
        .post("/clients", Some(&token), json!({ "name": "Blue Co", "contact_name": "B", "contact_email": "b@blue.example", "brand_id": custom, "credit_threshold": 25, "phone": "+44 20 7946 0000" }))
        .await;
    let skinned: Client = skinned.expect(201);
    assert_eq!(skinned.brand_name, "Partner Blue");
    assert_eq!(skinned.credit_threshold, 25);
    assert!(skinned.low_credit);
}

async fn bad_client_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Strict Partners").await;
    let other_skin = app.post("/admin/brands", Some(&admin), json!({ "name": "Not Yours", "product_name": "X", "primary_color": "#000000", "accent_color": "#000000", "background_color": "#ffffff", "text_color": "#000000" })).await.expect::<Brand>(201).id;
    let missing = app.post("/clients", Some(&token), json!({})).await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(
        missing.error_fields(),
        ["name", "contact_name", "contact_email"]
    );
    let bad = app
        .post("/clients", Some(&token), json!({ "name": "X", "contact_name": "Y", "contact_email": "nope", "brand_id": other_skin, "initial_credits": -1, "credit_threshold": -3 }))
        .await;
    assert_eq!(
        bad.error_fields(),
        [
            "contact_email",
            "brand_id",
            "initial_credits",
            "credit_threshold"
        ]
    );
    let too_many = app.post("/clients", Some(&token), json!({ "name": "X", "contact_name": "Y", "contact_email": "y@x.example", "initial_credits": 1_000_001 })).await;
    assert_eq!(too_many.error_fields(), ["initial_credits"]);
    let wrong_type = app.post("/clients", Some(&token), json!({ "name": "X", "contact_name": "Y", "contact_email": "y@x.example", "initial_credits": "lots" })).await;
    wrong_type.assert_problem(422, "validation_failed");
    assert_eq!(wrong_type.error_fields(), ["initial_credits"]);
    let clients: Page<Client> = app.get("/clients", Some(&token)).await.json();
    assert_eq!(clients.data.len(), 0);
    let orders: CreditOrderPage = app.get("/credit-orders", Some(&token)).await.json();
    assert_eq!(orders.total_credits, 0);
}

async fn clients_are_searched_filtered_and_paged(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Many Clients").await;
    let a = app.create_client(&token, "Alpha Foods", 5).await;
    let b = app.create_client(&token, "Beta Logistics", 50).await;
    let c = app.create_client(&token, "Gamma Foods", 50).await;
    let names = |reply: &Reply| -> Vec<String> {
        reply
            .json::<Page<Client>>()
            .data
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert_eq!(
        names(&app.get("/clients?q=foods", Some(&token)).await),
        ["Gamma Foods", "Alpha Foods"]
    );
    let low = app.get("/clients?below_threshold=true", Some(&token)).await;
    assert_eq!(names(&low), ["Alpha Foods"]);
    assert!(low.json::<Page<Client>>().data[0].low_credit);
    let by_code = app
        .get(
            &format!("/clients?code={}", a.code.to_lowercase()),
            Some(&token),
        )
        .await;
    assert_eq!(names(&by_code), ["Alpha Foods"]);
    assert!(names(&app.get("/clients?code=NOPE-0000", Some(&token)).await).is_empty());
    app.patch(
        &format!("/clients/{}", b.id),
        Some(&token),
        json!({ "status": "suspended" }),
    )
    .await;
    app.patch(
        &format!("/clients/{}", c.id),
        Some(&token),
        json!({ "status": "archived" }),
    )
    .await;
    assert_eq!(
        names(&app.get("/clients?status=suspended", Some(&token)).await),
        ["Beta Logistics"]
    );
    assert_eq!(
        names(&app.get("/clients", Some(&token)).await),
        ["Beta Logistics", "Alpha Foods"],
        "archived clients are hidden"
    );
    assert_eq!(
        names(&app.get("/clients?status=archived", Some(&token)).await),
        ["Gamma Foods"]
    );
    let first: Page<Client> = app.get("/clients?limit=1", Some(&token)).await.json();
    let next = first.next_cursor.expect("a second page");
    assert_eq!(
        names(
            &app.get(&format!("/clients?limit=1&cursor={next}"), Some(&token))
                .await
        ),
        ["Alpha Foods"]
    );
    app.get("/clients?status=gone", Some(&token))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/clients?below_threshold=maybe", Some(&token))
        .await
        .assert_problem(400, "invalid_query");
}

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(40, 20, image::Rgba([0, 120, 200, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn client_logos_are_cleaned_and_removable(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Logo Partners").await;
    let client = app.create_client(&token, "Logo Client", 0).await;
    let path = format!("/clients/{}/logo", client.id);
    let put = |bytes: Vec<u8>, ct: &'static str| {
        app.request(Method::PUT, &path, Some(&token))
            .header("content-type", ct)
            .body(bytes)
    };
    app.send(put(b"<svg/>".to_vec(), "image/svg+xml"))
        .await
        .assert_problem(415, "unsupported_image");
    app.send(put(b"\xff\xd8\xff\xe0 fake jpeg".to_vec(), "image/jpeg"))
        .await
        .assert_problem(422, "validation_failed");
    app.send(put(vec![1u8; 1_048_577], "image/png"))
        .await
        .assert_problem(413, "logo_too_large");
    assert_eq!(app.client(&token, &client.id).await.logo_url, None);
    let ok: Client = app.send(put(png(), "image/png")).await.expect(200);
    let url = ok.logo_url.expect("the client has a logo");
    let image = app.get(&url, None).await;
    assert_eq!(image.content_type(), "image/png");
    assert!(image.headers.get("etag").is_some());
    let removed = app
        .send(app.request(Method::DELETE, &path, Some(&token)))
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(app.client(&token, &client.id).await.logo_url, None);
}

async fn suspended_clients_users_cannot_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Suspending Partners").await;
    let client = app.create_client(&token, "Paused Client", 0).await;
    let id = client.id.as_str();
    let (_, user_token) = app
        .client_user(&token, Some(id), "paused.user@client.example")
        .await;
    assert_eq!(app.get("/me", Some(&user_token)).await.status, 200);
    let suspended = app
        .patch(
            &format!("/clients/{id}"),
            Some(&token),
            json!({ "status": "suspended" }),
        )
        .await;
    assert_eq!(suspended.json::<Client>().status.as_str(), "suspended");
    app.get("/me", Some(&user_token))
        .await
        .assert_problem(401, "session_ended");
    app.login("paused.user@client.example", CLIENT_USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    app.patch(
        &format!("/clients/{id}"),
        Some(&token),
        json!({ "status": "active" }),
    )
    .await;
    assert_eq!(
        app.login("paused.user@client.example", CLIENT_USER_PASSWORD)
            .await
            .status,
        200
    );
    let events: Page<AuditEvent> = app.get("/audit-events", Some(&token)).await.json();
    assert!(events.data.iter().any(|e| e.action == "client.suspended"));
}

async fn another_resellers_objects_are_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, mine) = reseller_with_user(&app, &admin, "Owner Partners").await;
    let (_, theirs) = reseller_with_user(&app, &admin, "Nosy Partners").await;
    let client = app.create_client(&mine, "Private Client", 30).await;
    let id = client.id.as_str();
    let (user, _) = app
        .client_user(&mine, Some(id), "private@client.example")
        .await;
    let uid = user.id.as_str();
    let invoice = app
        .get("/invoices", Some(&mine))
        .await
        .json::<Page<Invoice>>()
        .data[0]
        .id
        .clone();
    for path in [
        format!("/clients/{id}"),
        format!("/clients/{id}/ledger"),
        format!("/client-users/{uid}"),
        format!("/invoices/{invoice}"),
        format!("/invoices/{invoice}/lines"),
        format!("/invoices/{invoice}/lines.csv"),
    ] {
        app.get(&path, Some(&theirs))
            .await
            .assert_problem(404, "not_found");
    }
    app.patch(
        &format!("/clients/{id}"),
        Some(&theirs),
        json!({ "name": "Hijacked" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &format!("/client-users/{uid}"),
        Some(&theirs),
        json!({ "name": "Hijacked" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/client-users/{uid}/impersonate"),
        Some(&theirs),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/client-users/{uid}/resend-welcome"),
        Some(&theirs),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/clients/{id}/credit-adjustments"),
        Some(&theirs),
        json!({ "credits": 5, "reason": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.send(
        app.request(Method::PUT, &format!("/clients/{id}/logo"), Some(&theirs))
            .header("content-type", "image/png")
            .body(png()),
    )
    .await
    .assert_problem(404, "not_found");
    app.send(app.request(
        Method::DELETE,
        &format!("/clients/{id}/logo"),
        Some(&theirs),
    ))
    .await
    .assert_problem(404, "not_found");
    app.send(app.request(
        Method::DELETE,
        &format!("/client-users/{uid}"),
        Some(&theirs),
    ))
    .await
    .assert_problem(404, "not_found");
    let order = app
        .post(
            "/credit-orders",
            Some(&theirs),
            json!({ "client_code": client.code, "credits": 5 }),
        )
        .await;
    let problem = order.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "unknown_client");
    let user_for_other = app
        .post(
            "/client-users",
            Some(&theirs),
            json!({ "client_id": id, "name": "Spy", "email": "spy@nosy.example" }),
        )
        .await;
    let problem = user_for_other.assert_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "unknown_client");
    let clients: Page<Client> = app.get("/clients", Some(&theirs)).await.json();
    assert_eq!(clients.data.len(), 0);
    let users: Page<ClientUser> = app.get("/client-users", Some(&theirs)).await.json();
    assert_eq!(users.data.len(), 0);
    // Nothing of theirs changed anything of mine.
    let after = app.client(&mine, id).await;
    assert_eq!(after.name, "Private Client");
    assert_eq!(after.credit_balance, 30);
}

async fn multi_line_fields_keep_line_breaks_single_line_fields_refuse_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (_, token) = reseller_with_user(&app, &admin, "Multi Line Partners").await;
    // A two-line address and notes, typed on Windows: kept, with `\n` line endings.
    let created = app
        .post(
            "/clients",
            Some(&token),
            json!({ "name": "Walk Ltd", "contact_name": "Wes Walker", "contact_email": "wes@walk.example",
                    "address": "1 Walk Street\r\nLondon", "notes": "Met at the fair.\nCall in May." }),
        )
        .await;
    let created: Client = created.expect(201);
    assert_eq!(created.address.as_deref(), Some("1 Walk Street\nLondon"));
    assert_eq!(
        created.notes.as_deref(),
        Some("Met at the fair.\nCall in May.")
    );
    let id = created.id.as_str();
    let patched: Client = app
        .patch(
            &format!("/clients/{id}"),
            Some(&token),
            json!({ "address": "2 Run Road\nLeeds\nLS1 1AA" }),
        )
        .await
        .expect(200);
    assert_eq!(
        patched.address.as_deref(),
        Some("2 Run Road\nLeeds\nLS1 1AA")
    );
    let read = app.client(&token, id).await;
    assert_eq!(read.address.as_deref(), Some("2 Run Road\nLeeds\nLS1 1AA"));
    // Other control characters are still refused, in plain words; single-line fields refuse
    // line breaks.
    let refused = app
        .patch(
            &format!("/clients/{id}"),
            Some(&token),
            json!({ "notes": "tab\there", "name": "Walk\nLtd" }),
        )
        .await;
    let problem = refused.assert_problem(422, "validation_failed");
    let mut fields = refused.error_fields();
    fields.sort();
    assert_eq!(fields, ["name", "notes"]);
    for e in &problem.errors {
        assert_eq!(e.code, "invalid_characters");
        let expected = if e.field == "name" {
            "Remove the line break: this field takes one line."
        } else {
            "Remove the special character (a tab) from this field."
        };
        assert_eq!(e.message, expected);
    }
    let read = app.client(&token, id).await;
    assert_eq!(read.name, "Walk Ltd", "nothing changed");
    // A project's description is multi-line too.
    let catalogue: Page<TestSummary> = app.get("/tests", Some(&token)).await.json();
    let test = &catalogue.data[0];
    let project: Project = app
        .post(
            "/projects",
            Some(&token),
            json!({ "client_id": id, "name": "Graduate Scheme 2027",
                    "description": "Two tests.\r\nAllow 40 minutes.",
                    "tests": [{ "test_id": test.id, "norm_group_id": test.norm_groups[0].id }] }),
        )
        .await
        .expect(201);
    assert_eq!(
        project.description.as_deref(),
        Some("Two tests.\nAllow 40 minutes.")
    );
}
