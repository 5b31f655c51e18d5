//! Vendor admin: brand skins and logos, resellers, reseller users, settings, audit events.

use std::io::Cursor;

use credence_shared::admin::{AuditEvent, Brand, Branding, Reseller, Settings};
use credence_shared::auth::User;
use credence_shared::Page;
use reqwest::Method;
use serde_json::json;

use crate::app::{spawn_app, Backend, TestApp};
use crate::both_backends;

both_backends!(
    a_default_skin_exists_and_skins_can_be_created_and_edited,
    skin_logos_are_cleaned_and_served_with_etags,
    fake_and_oversized_logos_are_refused,
    resellers_are_created_searched_paged_and_edited,
    custom_hosts_show_the_resellers_skin,
    reseller_users_are_listed_and_duplicates_refused,
    settings_are_read_and_changed,
    every_change_writes_an_audit_event,
    foreign_and_unknown_ids_are_404,
);

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn skin(name: &str) -> serde_json::Value {
    json!({ "name": name, "product_name": format!("{name} Assess"), "primary_color": "#112233", "accent_color": "#AABBCC", "background_color": "#ffffff", "text_color": "#000000" })
}

async fn create_skin(app: &TestApp, admin: &str, name: &str) -> Brand {
    app.post("/admin/brands", Some(admin), skin(name))
        .await
        .expect(201)
}

async fn a_default_skin_exists_and_skins_can_be_created_and_edited(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let list: Page<Brand> = app.get("/admin/brands", Some(&admin)).await.expect(200);
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].name, "Test Partnership");
    assert!(list.data[0].is_default);

    let created = create_skin(&app, &admin, "Northwind").await;
    assert_eq!(created.accent_color, "#aabbcc");
    assert!(!created.is_default);
    let id = &created.id;
    let dup = app
        .post("/admin/brands", Some(&admin), skin("Northwind"))
        .await;
    dup.assert_problem(422, "validation_failed");
    assert_eq!(dup.error_fields(), ["name"]);
    let bad = app
        .post(
            "/admin/brands",
            Some(&admin),
            json!({ "name": "X", "primary_color": "blue" }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        [
            "product_name",
            "primary_color",
            "accent_color",
            "background_color",
            "text_color"
        ]
    );

    let patched: Brand = app
        .patch(
            &format!("/admin/brands/{id}"),
            Some(&admin),
            json!({ "primary_color": "#000fff" }),
        )
        .await
        .expect(200);
    assert_eq!(patched.primary_color, "#000fff");
    assert_eq!(patched.name, "Northwind");
    let fetched: Brand = app
        .get(&format!("/admin/brands/{id}"), Some(&admin))
        .await
        .json();
    assert_eq!(fetched.primary_color, "#000fff");
    let first_page: Page<Brand> = app.get("/admin/brands?limit=1", Some(&admin)).await.json();
    assert_eq!(first_page.next_cursor.as_ref(), Some(&created.id));
}

async fn skin_logos_are_cleaned_and_served_with_etags(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let id = create_skin(&app, &admin, "Logo Co").await.id;
    let uploaded = app
        .send(
            app.request(
                Method::PUT,
                &format!("/admin/brands/{id}/logo"),
                Some(&admin),
            )
            .header("content-type", "image/png")
            .body(png(900, 300)),
        )
        .await;
    let logo_url = uploaded
        .expect::<Brand>(200)
        .logo_url
        .expect("the skin has a logo");
    assert!(logo_url.starts_with("/api/v1/logos/"));
    let logo = app.get(&logo_url, None).await;
    assert_eq!(logo.status, 200);
    assert_eq!(logo.content_type(), "image/png");
    assert!(logo.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let served = image::load_from_memory(&logo.bytes).unwrap();
    assert_eq!(
        (served.width(), served.height()),
        (512, 171),
        "scaled into the 512 px box"
    );
    let etag = logo.headers["etag"].to_str().unwrap().to_string();
    let again = app
        .send(
            app.request(Method::GET, &logo_url, None)
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);
}

async fn fake_and_oversized_logos_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let id = create_skin(&app, &admin, "Strict").await.id;
    let put = |body: Vec<u8>, ct: &'static str| {
        app.request(
            Method::PUT,
            &format!("/admin/brands/{id}/logo"),
            Some(&admin),
        )
        .header("content-type", ct)
        .body(body)
    };
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    app.send(put(svg, "image/svg+xml"))
        .await
        .assert_problem(415, "unsupported_image");
    let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
    fake.extend(b"definitely not image data");
    app.send(put(fake, "image/png"))
        .await
        .assert_problem(422, "validation_failed");
    app.send(put(b"GIF89a......".to_vec(), "image/png"))
        .await
        .assert_problem(415, "unsupported_image");
    app.send(put(vec![7u8; 1024 * 1024 + 10], "image/png"))
        .await
        .assert_problem(413, "logo_too_large");
    app.send(put(vec![], "image/png"))
        .await
        .assert_problem(422, "validation_failed");
    let brand: Brand = app
        .get(&format!("/admin/brands/{id}"), Some(&admin))
        .await
        .json();
    assert_eq!(brand.logo_url, None, "nothing changed");
}

async fn resellers_are_created_searched_paged_and_edited(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let brand = create_skin(&app, &admin, "Partner Skin").await.id;
    app.post(
        "/admin/prices",
        Some(&admin),
        json!({ "currency": "EUR", "unit_price_minor": 590 }),
    )
    .await
    .assert_status(201);
    let created: Reseller = app
        .post("/admin/resellers", Some(&admin), json!({ "name": "Talent Tools", "contact_email": "ops@talent.example", "discount_percent": 12.5, "currency": "eur", "custom_host": "Assess.Talent.example", "brand_ids": [brand] }))
        .await
        .expect(201);
    assert_eq!(created.discount_percent, 12.5);
    assert_eq!(created.currency, "EUR");
    assert_eq!(
        created.custom_host.as_deref(),
        Some("assess.talent.example")
    );
    assert_eq!(created.brand_ids, [brand]);
    assert_eq!(created.status.as_str(), "active");
    for name in ["Alpha Assess", "Beta Hiring", "Gamma Talent"] {
        app.create_reseller(&admin, name).await;
    }
    let found: Page<Reseller> = app
        .get("/admin/resellers?q=talent", Some(&admin))
        .await
        .json();
    let names: Vec<_> = found.data.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Gamma Talent", "Talent Tools"]);
    let first: Page<Reseller> = app
        .get("/admin/resellers?limit=2", Some(&admin))
        .await
        .json();
    assert_eq!(first.data.len(), 2);
    let cursor = first.next_cursor.expect("a second page");
    let second: Page<Reseller> = app
        .get(
            &format!("/admin/resellers?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(second.data.len(), 2);
    assert_eq!(second.next_cursor, None);
    assert_eq!(second.data[1].name, "Talent Tools");

    let id = &created.id;
    let bad = app
        .patch(
            &format!("/admin/resellers/{id}"),
            Some(&admin),
            json!({ "discount_percent": 12.345, "status": "gone", "brand_ids": ["nope"] }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        ["discount_percent", "status", "brand_ids"]
    );
    let patched = app
        .patch(
            &format!("/admin/resellers/{id}"),
            Some(&admin),
            json!({ "discount_percent": 30, "custom_host": "" , "status": "suspended" }),
        )
        .await;
    let patched: Reseller = patched.expect(200);
    assert_eq!(patched.discount_percent, 30.0);
    assert_eq!(patched.custom_host, None);
    assert_eq!(patched.status.as_str(), "suspended");
    assert_eq!(patched.name, "Talent Tools");
    let suspended: Page<Reseller> = app
        .get("/admin/resellers?status=suspended", Some(&admin))
        .await
        .json();
    assert_eq!(suspended.data.len(), 1);
}

async fn custom_hosts_show_the_resellers_skin(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let brand = create_skin(&app, &admin, "Hosted").await.id;
    let created = app
        .post("/admin/resellers", Some(&admin), json!({ "name": "Hosted Ltd", "contact_email": "a@hosted.example", "discount_percent": 10, "currency": "GBP", "custom_host": "assess.hosted.example", "brand_ids": [brand] }))
        .await;
    assert_eq!(created.status, 201);
    let dup = app
        .post("/admin/resellers", Some(&admin), json!({ "name": "Copycat", "contact_email": "a@copy.example", "discount_percent": 10, "currency": "GBP", "custom_host": "assess.hosted.example" }))
        .await;
    dup.assert_problem(422, "validation_failed");
    assert_eq!(dup.error_fields(), ["custom_host"]);
    let hosted = app
        .send(
            app.request(Method::GET, "/branding", None)
                .header("host", "assess.hosted.example"),
        )
        .await;
    let hosted: Branding = hosted.json();
    assert_eq!(hosted.brand.name, "Hosted");
    assert_eq!(hosted.reseller_name.as_deref(), Some("Hosted Ltd"));
    let plain: Branding = app.get("/branding", None).await.json();
    assert_eq!(plain.brand.name, "Test Partnership");
    assert_eq!(plain.reseller_name, None);
}

async fn reseller_users_are_listed_and_duplicates_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Listing Ltd").await;
    let id = &reseller.id;
    let path = format!("/admin/resellers/{id}/users");
    assert_eq!(
        app.post(
            &path,
            Some(&admin),
            json!({ "name": "One", "email": "one@listing.example" })
        )
        .await
        .status,
        201
    );
    assert_eq!(
        app.post(
            &path,
            Some(&admin),
            json!({ "name": "Two", "email": "two@listing.example" })
        )
        .await
        .status,
        201
    );
    let dup = app
        .post(
            &path,
            Some(&admin),
            json!({ "name": "Again", "email": "ONE@listing.example" }),
        )
        .await;
    dup.assert_problem(422, "validation_failed");
    assert_eq!(dup.error_fields(), ["email"]);
    let missing = app.post(&path, Some(&admin), json!({})).await;
    assert_eq!(missing.error_fields(), ["name", "email"]);
    let list: Page<User> = app.get(&path, Some(&admin)).await.json();
    let emails: Vec<_> = list.data.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["two@listing.example", "one@listing.example"]);
    let reseller: Reseller = app
        .get(&format!("/admin/resellers/{id}"), Some(&admin))
        .await
        .json();
    assert_eq!(reseller.user_count, 2);
}

async fn settings_are_read_and_changed(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let settings: Settings = app.get("/admin/settings", Some(&admin)).await.json();
    assert_eq!(settings.list_price_minor, 500);
    assert_eq!(settings.currency, "GBP");
    assert_eq!(settings.default_credit_threshold, 10);
    let bad = app
        .patch(
            "/admin/settings",
            Some(&admin),
            json!({ "list_price_minor": -1, "default_credit_threshold": -5, "currency": "ABC" }),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(
        bad.error_fields(),
        ["list_price_minor", "currency", "default_credit_threshold"]
    );
    let changed: Settings = app
        .patch(
            "/admin/settings",
            Some(&admin),
            json!({ "list_price_minor": 750 }),
        )
        .await
        .json();
    assert_eq!(changed.list_price_minor, 750);
    assert_eq!(changed.default_credit_threshold, 10);
    let read: Settings = app.get("/admin/settings", Some(&admin)).await.json();
    assert_eq!(read.list_price_minor, 750);
}

async fn every_change_writes_an_audit_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let brand = create_skin(&app, &admin, "Audited").await.id;
    app.patch(
        &format!("/admin/brands/{brand}"),
        Some(&admin),
        json!({ "name": "Audited 2" }),
    )
    .await;
    let reseller = app.create_reseller(&admin, "Audit Ltd").await;
    let rid = &reseller.id;
    app.patch(
        &format!("/admin/resellers/{rid}"),
        Some(&admin),
        json!({ "name": "Audit Ltd 2" }),
    )
    .await;
    app.post(
        &format!("/admin/resellers/{rid}/users"),
        Some(&admin),
        json!({ "name": "Aud", "email": "aud@audit.example" }),
    )
    .await;
    app.patch(
        "/admin/settings",
        Some(&admin),
        json!({ "default_credit_threshold": 25 }),
    )
    .await;
    let events: Page<AuditEvent> = app
        .get("/audit-events?limit=200", Some(&admin))
        .await
        .json();
    let actions: Vec<_> = events.data.iter().map(|e| e.action.clone()).collect();
    for action in [
        "brand.created",
        "brand.updated",
        "reseller.created",
        "reseller.updated",
        "user.created",
        "settings.updated",
        "auth.login",
    ] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} missing from {actions:?}"
        );
    }
    let update = events
        .data
        .iter()
        .find(|e| e.action == "reseller.updated")
        .unwrap();
    assert_eq!(update.object_id.as_ref(), Some(rid));
    assert_eq!(update.actor_name.as_deref(), Some("Test Admin"));
    assert_eq!(update.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(update.details["after"]["name"], "Audit Ltd 2");
}

async fn foreign_and_unknown_ids_are_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let unknown = "01900000-0000-7000-8000-000000000000";
    app.get(&format!("/admin/brands/{unknown}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/admin/resellers/{unknown}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.patch(
        &format!("/admin/resellers/{unknown}"),
        Some(&admin),
        json!({ "name": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/admin/resellers/{unknown}/users"),
        Some(&admin),
        json!({ "name": "x", "email": "x@x.example" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&format!("/logos/{unknown}"), None)
        .await
        .assert_problem(404, "not_found");
}
