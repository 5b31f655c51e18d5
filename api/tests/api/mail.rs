//! The outbox and its delivery: same-transaction writes, SMTP delivery with both parts,
//! retry with backoff, no mail sent twice by several processes.

use credence_api::db::schema::outbox;
use diesel::prelude::*;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{spawn_app, spawn_app_with, token_from_text, Backend, Options};
use crate::smtp::SmtpSink;

both_backends!(
    without_smtp_mail_stays_in_the_outbox,
    welcome_mail_is_delivered_over_smtp_with_text_and_html,
    failed_deliveries_are_retried_later,
    several_processes_send_each_mail_once,
    refused_changes_queue_no_mail,
);

fn statuses(app: &crate::helpers::TestApp) -> Vec<(String, String, i32)> {
    let mut conn = app.conn();
    outbox::table
        .order(outbox::id.asc())
        .select((outbox::to_address, outbox::status, outbox::attempts))
        .load(&mut *conn)
        .unwrap()
}

async fn without_smtp_mail_stays_in_the_outbox(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Quiet Ltd").await;
    app.post(
        &format!(
            "/admin/resellers/{}/users",
            reseller["id"].as_str().unwrap()
        ),
        Some(&admin),
        json!({ "name": "Q", "email": "q@quiet.example" }),
    )
    .await;
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        statuses(&app),
        [("q@quiet.example".to_string(), "pending".to_string(), 0)]
    );
}

async fn welcome_mail_is_delivered_over_smtp_with_text_and_html(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_SMTP_URL", sink.url())].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Mailed Ltd").await;
    app.post(
        &format!(
            "/admin/resellers/{}/users",
            reseller["id"].as_str().unwrap()
        ),
        Some(&admin),
        json!({ "name": "Mia Mailer", "email": "mia@mailed.example" }),
    )
    .await;
    sink.wait_for(1).await;
    let mails = sink.messages_to("mia@mailed.example");
    assert_eq!(mails.len(), 1);
    let mail = mails[0].decoded();
    assert!(
        mail.contains("Subject: Welcome to Test Partnership"),
        "{mail}"
    );
    assert!(mail.contains("Content-Type: text/plain"));
    assert!(mail.contains("Content-Type: text/html"));
    assert!(mail.contains("Hello Mia Mailer"));
    assert!(
        mail.contains("#1f4e79"),
        "the HTML part carries the skin's colour"
    );
    let token = token_from_text(&mail).expect("a set-password link");
    assert!(mail.contains(&format!("http://credence.test/set-password?token={token}")));
    // The mailed link works.
    let set = app
        .post(
            "/auth/password/set",
            None,
            json!({ "token": token, "password": "mailed-link-password" }),
        )
        .await;
    assert_eq!(set.status, 204);
    for _ in 0..100 {
        if statuses(&app)[0].1 == "sent" {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(statuses(&app)[0].1, "sent");
}

async fn failed_deliveries_are_retried_later(backend: Backend) {
    // Nothing listens on this port: every attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(
        backend,
        Options {
            env: [("CREDENCE_SMTP_URL", format!("smtp://127.0.0.1:{closed}"))].into(),
            ..Default::default()
        },
    )
    .await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Bounce Ltd").await;
    app.post(
        &format!(
            "/admin/resellers/{}/users",
            reseller["id"].as_str().unwrap()
        ),
        Some(&admin),
        json!({ "name": "B", "email": "b@bounce.example" }),
    )
    .await;
    let mut row = None;
    for _ in 0..100 {
        let mut conn = app.conn();
        let r: (String, i32, Option<String>, chrono::NaiveDateTime) = outbox::table
            .select((
                outbox::status,
                outbox::attempts,
                outbox::last_error,
                outbox::next_attempt_at,
            ))
            .first(&mut *conn)
            .unwrap();
        if r.1 > 0 {
            row = Some(r);
            break;
        }
        drop(conn);
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (status, attempts, error, next) = row.expect("one attempt was made");
    assert_eq!(status, "pending");
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    let wait = next - chrono::Utc::now().naive_utc();
    assert!(
        wait.num_seconds() >= 20 && wait.num_seconds() <= 30,
        "backs off about 30 s, got {wait}"
    );
}

async fn several_processes_send_each_mail_once(backend: Backend) {
    let sink = SmtpSink::start().await;
    let env: std::collections::HashMap<_, _> = [("CREDENCE_SMTP_URL", sink.url())].into();
    let first = spawn_app_with(
        backend,
        Options {
            env: env.clone(),
            ..Default::default()
        },
    )
    .await;
    let _second = spawn_app_with(
        backend,
        Options {
            env: env.clone(),
            database_url: Some(first.database_url.clone()),
        },
    )
    .await;
    let _third = spawn_app_with(
        backend,
        Options {
            env,
            database_url: Some(first.database_url.clone()),
        },
    )
    .await;
    let admin = first.admin_token().await;
    let reseller = first.create_reseller(&admin, "Busy Ltd").await;
    for i in 0..12 {
        let reply = first
            .post(
                &format!(
                    "/admin/resellers/{}/users",
                    reseller["id"].as_str().unwrap()
                ),
                Some(&admin),
                json!({ "name": format!("User {i}"), "email": format!("u{i}@busy.example") }),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    sink.wait_for(12).await;
    actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), 12, "each mail exactly once");
    for i in 0..12 {
        assert_eq!(sink.messages_to(&format!("u{i}@busy.example")).len(), 1);
    }
}

async fn refused_changes_queue_no_mail(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Careful Ltd").await;
    let path = format!(
        "/admin/resellers/{}/users",
        reseller["id"].as_str().unwrap()
    );
    app.post(
        &path,
        Some(&admin),
        json!({ "name": "", "email": "x@careful.example" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert!(statuses(&app).is_empty());
}
