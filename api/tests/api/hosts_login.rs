//! A reseller's custom host is that reseller's: only its staff and its clients' users sign in
//! there (anyone else gets the wrong-password answer), and the SPA's page names the host's
//! product in its title before the app starts.

use credence_shared::admin::{Brand, Branding, Reseller};
use credence_shared::auth::TokenResponse;
use reqwest::Method;
use serde_json::json;

use crate::app::{spawn_app_with, Backend, Options, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::both_backends;
use crate::fixtures::{reseller_with_user, CLIENT_USER_PASSWORD, RESELLER_PASSWORD};
use crate::reply::Reply;

both_backends!(
    a_custom_host_admits_only_its_resellers_people,
    the_page_title_is_the_hosts_product,
);

const ALPHA_HOST: &str = "assess.alpha.example";

/// The test client plays a trusted proxy (so `X-Forwarded-Host` counts), sign-in budgets are
/// large enough for every attempt here, and `web_dir` (when given) holds the real index.html.
async fn app(backend: Backend, web_dir: Option<&std::path::Path>) -> TestApp {
    let mut env = std::collections::HashMap::from([
        ("CREDENCE_TRUSTED_PROXIES", "127.0.0.0/8".to_string()),
        ("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "1000".to_string()),
    ]);
    if let Some(dir) = web_dir {
        env.insert("CREDENCE_WEB_DIR", dir.display().to_string());
    }
    spawn_app_with(
        backend,
        Options {
            env,
            ..Default::default()
        },
    )
    .await
}

async fn default_brand_id(app: &TestApp) -> String {
    app.get("/branding", None).await.json::<Branding>().brand.id
}

/// A reseller on `host` with the given skins.
async fn reseller_on_host(
    app: &TestApp,
    admin: &str,
    name: &str,
    host: &str,
    brand: &str,
) -> Reseller {
    app.post(
        "/admin/resellers",
        Some(admin),
        json!({ "name": name, "contact_email": "ops@alpha.example", "discount_percent": 10, "currency": "GBP", "custom_host": host, "brand_ids": [brand] }),
    )
    .await
    .expect(201)
}

async fn sign_in_on(
    app: &TestApp,
    host: &str,
    forwarded: bool,
    email: &str,
    password: &str,
) -> Reply {
    let header = if forwarded {
        "x-forwarded-host"
    } else {
        "host"
    };
    app.send(
        app.request(Method::POST, "/auth/login", None)
            .header(header, host)
            .json(&json!({ "email": email, "password": password })),
    )
    .await
}

async fn a_custom_host_admits_only_its_resellers_people(backend: Backend) {
    let app = app(backend, None).await;
    let admin = app.admin_token().await;
    let brand = default_brand_id(&app).await;

    // Alpha owns the custom host; its staff and its client's user.
    let alpha = reseller_on_host(&app, &admin, "Alpha", ALPHA_HOST, &brand).await;
    let (_, alpha_staff) = app
        .reseller_user(&admin, &alpha.id, "staff@alpha.example")
        .await;
    let alpha_client = app.create_client(&alpha_staff, "Alpha Client", 0).await;
    app.client_user(
        &alpha_staff,
        Some(&alpha_client.id),
        "cleo@alpha-client.example",
    )
    .await;
    // Beta is another reseller (on the platform host), with its own client user.
    let (_, beta_staff) = reseller_with_user(&app, &admin, "Beta").await;
    let beta_client = app.create_client(&beta_staff, "Beta Client", 0).await;
    app.client_user(
        &beta_staff,
        Some(&beta_client.id),
        "cleo@beta-client.example",
    )
    .await;

    let people = [
        ("staff@alpha.example", RESELLER_PASSWORD, true),
        ("cleo@alpha-client.example", CLIENT_USER_PASSWORD, true),
        ("staff@beta.example", RESELLER_PASSWORD, false),
        ("cleo@beta-client.example", CLIENT_USER_PASSWORD, false),
        (ADMIN_EMAIL, ADMIN_PASSWORD, false),
    ];
    // The wrong-password answer, word for word, is what a foreigner gets.
    let wrong = sign_in_on(
        &app,
        ALPHA_HOST,
        false,
        "staff@alpha.example",
        "not-the-password",
    )
    .await;
    wrong.assert_problem(401, "invalid_credentials");

    // On the custom host (as the Host header, with a port and in capitals, or as the trusted
    // proxy's X-Forwarded-Host), only Alpha's people sign in.
    for (host, forwarded) in [
        (ALPHA_HOST, false),
        ("Assess.Alpha.Example:8443", false),
        ("assess.alpha.example.", false),
        (ALPHA_HOST, true),
    ] {
        for (email, password, admitted) in people {
            let reply = sign_in_on(&app, host, forwarded, email, password).await;
            if admitted {
                let signed_in: TokenResponse = reply.expect(200);
                assert_eq!(signed_in.user.email, email);
            } else {
                reply.assert_problem(401, "invalid_credentials");
                for field in ["title", "detail", "code"] {
                    assert_eq!(reply.body[field], wrong.body[field], "{email} on {host}");
                }
                assert!(reply.header("set-cookie").is_none(), "{email} on {host}");
            }
        }
    }

    // The platform's host, and a host no reseller has, admit everyone.
    for host in ["credence.test", "unknown.example"] {
        for (email, password, _) in people {
            sign_in_on(&app, host, false, email, password)
                .await
                .expect::<TokenResponse>(200);
        }
    }

    // An untrusted X-Forwarded-Host does not choose: the real Host header does.
    let untrusted = spawn_app_with(
        backend,
        Options {
            env: [
                ("CREDENCE_TRUSTED_PROXIES", String::new()),
                ("CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE", "1000".to_string()),
            ]
            .into(),
            database_url: Some(app.database_url.clone()),
        },
    )
    .await;
    let forged = untrusted
        .send(
            untrusted
                .request(Method::POST, "/auth/login", None)
                .header("host", "credence.test")
                .header("x-forwarded-host", ALPHA_HOST)
                .json(&json!({ "email": "staff@beta.example", "password": RESELLER_PASSWORD })),
        )
        .await;
    forged.expect::<TokenResponse>(200);
    sign_in_on(
        &untrusted,
        ALPHA_HOST,
        false,
        "staff@beta.example",
        RESELLER_PASSWORD,
    )
    .await
    .assert_problem(401, "invalid_credentials");

    // Once Alpha gives its host up the host is nobody's and admits everyone; a host Alpha
    // has only asked for is not Alpha's yet.
    app.delete("/reseller/custom-host", Some(&alpha_staff))
        .await
        .assert_status(200);
    sign_in_on(
        &app,
        ALPHA_HOST,
        false,
        "staff@beta.example",
        RESELLER_PASSWORD,
    )
    .await
    .expect::<TokenResponse>(200);
    app.post(
        "/reseller/custom-host",
        Some(&alpha_staff),
        json!({ "host": ALPHA_HOST }),
    )
    .await
    .assert_status(200);
    sign_in_on(
        &app,
        ALPHA_HOST,
        false,
        "staff@beta.example",
        RESELLER_PASSWORD,
    )
    .await
    .expect::<TokenResponse>(200);
}

fn title(reply: &Reply) -> String {
    let page = reply.text();
    let start = page.find("<title>").expect("a title") + "<title>".len();
    let end = page.find("</title>").expect("a closed title");
    page[start..end].to_string()
}

async fn page_on(app: &TestApp, path: &str, host: &str) -> Reply {
    app.send(
        app.client
            .get(format!("{}{path}", app.address))
            .header("host", host),
    )
    .await
}

async fn the_page_title_is_the_hosts_product(backend: Backend) {
    let index =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/index.html")).unwrap();
    // The file itself names no product: every host serves it.
    assert!(!index.contains("Credence"), "{index}");
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), &index).unwrap();
    let app = app(backend, Some(web.path())).await;
    let admin = app.admin_token().await;
    let default: Branding = app.get("/branding", None).await.json();

    let skin: Brand = app
        .post(
            "/admin/brands",
            Some(&admin),
            json!({ "name": "Alpha skin", "product_name": "Tests & <Co>", "primary_color": "#123456", "accent_color": "#654321", "background_color": "#ffffff", "text_color": "#111111" }),
        )
        .await
        .expect(201);
    reseller_on_host(&app, &admin, "Alpha", ALPHA_HOST, &skin.id).await;

    // The custom host's page is titled with its skin's product name, escaped.
    for path in ["/", "/login", "/index.html", "/clients/some-id"] {
        let page = page_on(&app, path, ALPHA_HOST).await;
        page.assert_status(200);
        assert_eq!(title(&page), "Tests &amp; &lt;Co&gt;", "{path}");
        assert!(!page.text().contains("<Co>"), "{path}");
        assert!(page
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        // Still the SPA's policy: no inline script.
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        // No logo: the neutral icon.
        assert!(page.text().contains("href=\"/favicon.svg\""), "{path}");
    }

    // An unknown host (and the platform's) gets the default skin's product name.
    assert_ne!(default.brand.product_name, skin.product_name);
    for host in ["unknown.example", "credence.test"] {
        let page = page_on(&app, "/login", host).await;
        assert_eq!(
            title(&page),
            default.brand.product_name,
            "{host}: {}",
            page.text()
        );
    }

    // The API docs (Swagger UI reads this document) carry the host's product name too; the
    // platform's host keeps the vendor's.
    let spec_on = |host: &'static str| {
        app.send(
            app.request(Method::GET, "/openapi.json", None)
                .header("host", host),
        )
    };
    let skinned: serde_json::Value = spec_on(ALPHA_HOST).await.json();
    assert_eq!(skinned["info"]["title"], "Tests & <Co> API");
    assert!(!skinned.to_string().contains("Credence API"));
    assert!(!skinned["info"]["description"]
        .as_str()
        .unwrap()
        .contains("White-label"));
    assert!(skinned["paths"]["/api/v1/auth/login"].is_object());
    let platform: serde_json::Value = spec_on("credence.test").await.json();
    assert_eq!(platform["info"]["title"], "Credence API");

    // Each host's page has its own ETag, so a cached page never crosses hosts.
    let alpha = page_on(&app, "/login", ALPHA_HOST).await;
    let other = page_on(&app, "/login", "unknown.example").await;
    let etag = alpha.header("etag").unwrap();
    assert_ne!(Some(etag.clone()), other.header("etag"));
    let again = app
        .send(
            app.client
                .get(format!("{}/login", app.address))
                .header("host", ALPHA_HOST)
                .header("if-none-match", &etag),
        )
        .await;
    again.assert_status(304);
    let elsewhere = app
        .send(
            app.client
                .get(format!("{}/login", app.address))
                .header("host", "unknown.example")
                .header("if-none-match", &etag),
        )
        .await;
    elsewhere.assert_status(200);
}
