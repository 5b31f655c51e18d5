//! The outbox and its delivery: same-transaction writes, SMTP delivery with both parts,
//! retry with backoff, no mail sent twice by several processes.

use std::time::Duration;

use credence_api::db::schema::outbox;
use credence_api::db::DbConnection;
use credence_shared::auth::User;
use credence_shared::Page;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{spawn_app, spawn_app_with, Backend, Options, TestApp};
use crate::both_backends;
use crate::outbox::token_from_text;
use crate::smtp::SmtpSink;
use crate::wait::wait_until;

both_backends!(
    without_smtp_mail_stays_in_the_outbox,
    welcome_mail_is_delivered_over_smtp_with_text_and_html,
    failed_deliveries_are_retried_later,
    several_processes_send_each_mail_once,
    refused_changes_queue_no_mail,
    a_change_that_fails_after_queueing_its_mail_sends_none,
);

fn statuses(app: &TestApp) -> Vec<(String, String, i32)> {
    app.outbox_statuses()
}

async fn without_smtp_mail_stays_in_the_outbox(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.admin_token().await;
    let reseller = app.create_reseller(&admin, "Quiet Ltd").await;
    app.post(
        &format!("/admin/resellers/{}/users", reseller.id),
        Some(&admin),
        json!({ "name": "Q", "email": "q@quiet.example" }),
    )
    .await;
    // Not polling: a quiet spell in which a worker, were one wrongly running, would have sent.
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
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
        &format!("/admin/resellers/{}/users", reseller.id),
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
    wait_until(
        "the outbox marks the mail sent",
        Duration::from_secs(2),
        || async { (statuses(&app)[0].1 == "sent").then_some(()) },
    )
    .await;
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
        &format!("/admin/resellers/{}/users", reseller.id),
        Some(&admin),
        json!({ "name": "B", "email": "b@bounce.example" }),
    )
    .await;
    let row = wait_until(
        "one delivery attempt was made",
        Duration::from_secs(2),
        || async {
            let mut conn = app.conn();
            let row: (String, i32, Option<String>, chrono::NaiveDateTime) = outbox::table
                .select((
                    outbox::status,
                    outbox::attempts,
                    outbox::last_error,
                    outbox::next_attempt_at,
                ))
                .first(&mut *conn)
                .unwrap();
            (row.1 > 0).then_some(row)
        },
    )
    .await;
    let (status, attempts, error, next) = row;
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
                &format!("/admin/resellers/{}/users", reseller.id),
                Some(&admin),
                json!({ "name": format!("User {i}"), "email": format!("u{i}@busy.example") }),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    sink.wait_for(12).await;
    // Not polling: a quiet spell in which a duplicate from another process would arrive.
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
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
    let path = format!("/admin/resellers/{}/users", reseller.id);
    app.post(
        &path,
        Some(&admin),
        json!({ "name": "", "email": "x@careful.example" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert!(statuses(&app).is_empty());
}

/// A mail is a row written in the change's own transaction: when the change fails after the
/// mail was queued, the row rolls back with it and nothing is ever sent. The database is made
/// to refuse the audit event that creating a user writes, but only once that user's welcome
/// mail is in the outbox, so the refusal happens after the enqueue (if the order of the two
/// steps changed, the request would succeed and this test would say so).
async fn a_change_that_fails_after_queueing_its_mail_sends_none(backend: Backend) {
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
    let reseller = app.create_reseller(&admin, "Rolled Back Ltd").await;
    let path = format!("/admin/resellers/{}/users", reseller.id);
    let doomed = "doomed@rolled-back.example";
    refuse_audit_once_mail_is_queued_for(&app, doomed);

    app.post(
        &path,
        Some(&admin),
        json!({ "name": "Dora Doomed", "email": doomed }),
    )
    .await
    .assert_problem(500, "internal_error");
    assert_eq!(app.outbox_count(doomed, "welcome"), 0);
    assert!(statuses(&app).is_empty());
    let users: Page<User> = app.get(&path, Some(&admin)).await.json();
    assert!(
        users.data.iter().all(|u| u.email != doomed),
        "the user rolled back with the mail"
    );

    // A change that commits is delivered: the worker is running, yet the rolled-back mail
    // never reaches the SMTP server.
    let kept = "kept@rolled-back.example";
    app.post(
        &path,
        Some(&admin),
        json!({ "name": "Kim Kept", "email": kept }),
    )
    .await
    .assert_status(201);
    sink.wait_for(1).await;
    wait_until(
        "the committed mail is marked sent",
        Duration::from_secs(2),
        || async {
            let rows = statuses(&app);
            (rows.len() == 1 && rows[0].0 == kept && rows[0].1 == "sent").then_some(())
        },
    )
    .await;
    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "only the committed change's mail");
    assert!(sink.messages_to(doomed).is_empty());
    assert_eq!(sink.messages_to(kept).len(), 1);
}

/// Makes the database refuse any audit event while a mail to `to` is in the outbox.
fn refuse_audit_once_mail_is_queued_for(app: &TestApp, to: &str) {
    let mut conn = app.conn();
    let sql = match &mut *conn {
        DbConnection::Sqlite(_) => format!(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             WHEN EXISTS (SELECT 1 FROM outbox WHERE to_address = '{to}') \
             BEGIN SELECT RAISE(ABORT, 'audit refused after the mail was queued'); END;"
        ),
        DbConnection::Postgres(_) => format!(
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF EXISTS (SELECT 1 FROM outbox WHERE to_address = '{to}') THEN \
                 RAISE EXCEPTION 'audit refused after the mail was queued'; \
               END IF; \
               RETURN NEW; \
             END $$; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
        ),
    };
    match &mut *conn {
        DbConnection::Sqlite(c) => c.batch_execute(&sql),
        DbConnection::Postgres(c) => c.batch_execute(&sql),
    }
    .expect("the trigger is created");
}
