//! CSV exports of whole lists: streamed page after page past one batch, each row once, with the
//! list's filters, and only the caller's tenant.

use std::collections::BTreeSet;

use credence_api::db::schema::candidates;
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, TestApp};
use crate::assessments_world::world;
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(exports_stream_every_row_of_the_callers_list_only);

/// The CSV's rows (header first), parsed.
async fn csv_rows(app: &TestApp, path: &str, token: &str) -> Vec<Vec<String>> {
    let reply = app.get(path, Some(token)).await;
    reply.assert_status(200);
    assert!(reply.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(reply.bytes.as_slice());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn exports_stream_every_row_of_the_callers_list_only(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, stranger) = reseller_with_user(app, &admin, "Stranger Partners").await;
    let project = w.project(&["numerical"], json!({})).await;
    w.invited(&project, "first@cand.example").await;
    w.invited(&project, "second@cand.example").await;
    // Past one batch of 500: rows written straight to the table.
    {
        let mut conn = app.conn();
        let at = chrono::Utc::now().naive_utc();
        for n in 0..1100 {
            diesel::insert_into(candidates::table)
                .values((
                    candidates::id.eq(credence_api::db::new_id()),
                    candidates::client_id.eq(&w.client.id),
                    candidates::reseller_id.eq(&w.client.reseller_id),
                    candidates::first_name.eq("Bulk"),
                    candidates::last_name.eq(format!("Row{n}")),
                    candidates::email.eq(format!("bulk{n}@cand.example")),
                    candidates::extra_time_percent.eq(0),
                    candidates::active.eq(true),
                    candidates::created_at.eq(at),
                    candidates::updated_at.eq(at),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
    }
    let rows = csv_rows(app, "/candidates/export.csv", &w.client_user).await;
    assert_eq!(rows[0][..4], ["id", "first_name", "last_name", "email"]);
    let ids: BTreeSet<&String> = rows[1..].iter().map(|r| &r[0]).collect();
    assert_eq!((rows.len() - 1, ids.len()), (1102, 1102), "every row once");
    // The list's filters.
    let one = csv_rows(
        app,
        "/candidates/export.csv?q=second%40cand.example",
        &w.client_user,
    )
    .await;
    assert_eq!(one.len(), 2);
    assert_eq!(one[1][3], "second@cand.example");
    assert_eq!(one[1][6], "invited");
    app.get("/candidates/export.csv?status=lost", Some(&w.client_user))
        .await
        .assert_problem(400, "invalid_query");

    // Another client of the same reseller: its reseller sees both, the first client's user not.
    let other = app.create_client(&w.reseller, "Other Client", 0).await;
    let (_, other_user) = app
        .client_user(&w.reseller, Some(&other.id), "hr@other.example")
        .await;
    let theirs = csv_rows(app, "/candidates/export.csv", &other_user).await;
    assert_eq!(theirs.len(), 1, "no candidates of another client");
    let all = csv_rows(app, "/candidates/export.csv", &w.reseller).await;
    assert_eq!(all.len() - 1, 1102);
    assert!(
        csv_rows(app, "/candidates/export.csv", &stranger)
            .await
            .len()
            == 1
    );

    // Clients and client users: the reseller's own; resellers: the vendor's.
    let clients = csv_rows(app, "/clients/export.csv", &w.reseller).await;
    let codes: BTreeSet<&str> = clients[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        codes,
        BTreeSet::from([w.client.code.as_str(), other.code.as_str()])
    );
    assert_eq!(
        csv_rows(app, "/clients/export.csv", &stranger).await.len(),
        1
    );
    app.get("/clients/export.csv", Some(&w.client_user))
        .await
        .assert_status(403);
    let users = csv_rows(app, "/client-users/export.csv", &w.reseller).await;
    let emails: BTreeSet<&str> = users[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        emails,
        BTreeSet::from(["hr@hiring.example", "hr@other.example"])
    );
    let colleagues = csv_rows(app, "/client-users/export.csv", &other_user).await;
    assert_eq!(colleagues.len(), 2);
    assert_eq!(colleagues[1][1], "hr@other.example");
    let resellers = csv_rows(app, "/admin/resellers/export.csv", &admin).await;
    let names: BTreeSet<&str> = resellers[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(names.contains("Assessing Partners") && names.contains("Stranger Partners"));
    app.get("/admin/resellers/export.csv", Some(&w.reseller))
        .await
        .assert_status(403);
}
