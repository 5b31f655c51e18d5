//! Usage analytics: the charts' numbers equal the ledger's, the funnel follows invitations,
//! starts and completions, the run-out forecast on a fixed history, tenants see only their own,
//! CSV says what JSON says, and bad parameters are a 422.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use credence_api::db::schema::{clients, invoices, ledger_entries, usage_days};
use credence_shared::analytics::{
    ForecastReport, FunnelReport, RevenueReport, ScoreReport, UsageReport,
};
use diesel::prelude::*;
use serde_json::json;

use crate::app::{Backend, TestApp};
use crate::assessments_world::{world, World};
use crate::both_backends;
use crate::fixtures::reseller_with_user;

both_backends!(
    the_usage_chart_numbers_equal_the_ledger,
    the_funnel_counts_invitations_starts_and_completions,
    the_forecast_runs_out_at_the_pace_of_the_last_30_days,
    each_tenant_sees_only_its_own_numbers,
    a_bad_number_of_months_is_a_422,
    the_vendor_sees_revenue_per_reseller_and_credits_outstanding,
    concurrent_first_counts_of_a_rollup_row_all_land,
);

fn this_month() -> String {
    Utc::now().format("%Y-%m").to_string()
}

/// The ledger's sums per (client, month, kind), straight from `ledger_entries`.
fn ledger_sums(app: &TestApp) -> HashMap<(String, String, String), i64> {
    let mut conn = app.conn();
    let rows: Vec<(String, String, i64, chrono::NaiveDateTime)> = ledger_entries::table
        .select((
            ledger_entries::client_id,
            ledger_entries::kind,
            ledger_entries::delta,
            ledger_entries::created_at,
        ))
        .load(&mut *conn)
        .unwrap();
    let mut sums = HashMap::new();
    for (client, kind, delta, at) in rows {
        *sums
            .entry((client, at.format("%Y-%m").to_string(), kind))
            .or_insert(0) += delta;
    }
    sums
}

/// The CSV's cells after its header line.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Invites `email`, who starts the first test and, when `complete`, submits it.
pub async fn take_first_test(
    w: &World,
    project: &credence_shared::assess::Project,
    email: &str,
    complete: bool,
) {
    w.invited(project, email).await;
    let token = w.candidate_token(email).await;
    let me = w.candidate_me(&token).await;
    let aid = &me.assessments[0].id;
    w.app
        .post(
            &format!("/candidate/assessments/{aid}/start"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
    if complete {
        w.app
            .post(
                &format!("/candidate/assessments/{aid}/submit"),
                Some(&token),
                json!({}),
            )
            .await
            .assert_status(200);
    }
}

async fn the_usage_chart_numbers_equal_the_ledger(backend: Backend) {
    let w = world(backend, 30).await;
    let app = &w.app;
    let other = app.create_client(&w.reseller, "Second Co", 12).await;
    app.post(
        "/credit-orders",
        Some(&w.reseller),
        json!({ "client_code": w.client.code, "credits": 20 }),
    )
    .await
    .assert_status(201);
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    w.invited(&p, "one@cand.example").await;
    w.invited(&p, "two@cand.example").await;
    let three = w.invited(&p, "three@cand.example").await;
    // Cancelled before starting: both tests come back as a refund.
    app.post(
        &format!("/invitations/{}/cancel", three.invitations[0].id),
        Some(&w.client_user),
        json!({}),
    )
    .await
    .assert_status(200);
    // Credits taken back.
    for (client, credits) in [(&w.client.id, 3), (&w.client.id, 2), (&other.id, 4)] {
        app.post(
            &format!("/clients/{client}/credit-adjustments"),
            Some(&w.reseller),
            json!({ "credits": credits, "reason": "correction" }),
        )
        .await
        .assert_status(201);
    }
    let report: UsageReport = app
        .get("/reseller/analytics/usage", Some(&w.reseller))
        .await
        .expect(200);
    assert_eq!(report.months.len(), 12);
    assert_eq!(report.months.last(), Some(&this_month()));
    let names: Vec<&str> = report
        .clients
        .iter()
        .map(|c| c.client_name.as_str())
        .collect();
    assert_eq!(names, ["Hiring Co", "Second Co"]);
    let ledger = ledger_sums(app);
    let sum = |client: &str, month: &str, kinds: &[&str]| -> i64 {
        kinds
            .iter()
            .map(|k| {
                ledger
                    .get(&(client.to_string(), month.to_string(), k.to_string()))
                    .copied()
                    .unwrap_or(0)
            })
            .sum()
    };
    for c in &report.clients {
        for m in &c.months {
            assert_eq!(m.added, sum(&c.client_id, &m.month, &["initial", "order"]));
            assert_eq!(m.used, -sum(&c.client_id, &m.month, &["invite_charge"]));
            assert_eq!(m.refunded, sum(&c.client_id, &m.month, &["refund"]));
            assert_eq!(m.adjusted, sum(&c.client_id, &m.month, &["adjustment"]));
            assert_eq!(m.net_used, m.used - m.refunded);
        }
    }
    // And the numbers themselves, for this month.
    let hiring = report.clients[0].months.last().unwrap();
    assert_eq!(
        (hiring.added, hiring.used, hiring.refunded, hiring.adjusted),
        (50, 6, 2, -5)
    );
    assert_eq!(hiring.net_used, 4);
    assert_eq!(report.clients[0].net_used, 4);
    let second = report.clients[1].months.last().unwrap();
    assert_eq!(
        (second.added, second.used, second.refunded, second.adjusted),
        (12, 0, 0, -4)
    );
    // The rollup sums to the balance: added − used + refunded + adjusted.
    assert_eq!(50 - 6 + 2 - 5, w.balance());

    // The CSV holds the same numbers, a line per client per month.
    let csv = app
        .get("/reseller/analytics/usage.csv", Some(&w.reseller))
        .await;
    csv.assert_status(200);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv
        .text()
        .replace("\r\n", "\n")
        .starts_with("month,client_code,client_name,added,used,refunded,adjusted,net_used\n"));
    let rows = csv_rows(&csv.text());
    assert_eq!(rows.len(), 24);
    for c in &report.clients {
        for m in &c.months {
            let line = vec![
                m.month.clone(),
                c.client_code.clone(),
                c.client_name.clone(),
                m.added.to_string(),
                m.used.to_string(),
                m.refunded.to_string(),
                m.adjusted.to_string(),
                m.net_used.to_string(),
            ];
            assert!(rows.contains(&line), "{line:?} in the CSV");
        }
    }

    // The client user sees its own client's months, the same numbers.
    let own: UsageReport = app
        .get("/client/analytics/usage?months=3", Some(&w.client_user))
        .await
        .expect(200);
    assert_eq!(own.months.len(), 3);
    assert_eq!(own.clients.len(), 1);
    assert_eq!(own.clients[0].months.last(), Some(hiring));
    let own_csv = app
        .get("/client/analytics/usage.csv?months=3", Some(&w.client_user))
        .await
        .text()
        .replace("\r\n", "\n");
    assert_eq!(csv_rows(&own_csv).len(), 3);
}

async fn the_funnel_counts_invitations_starts_and_completions(backend: Backend) {
    let w = world(backend, 40).await;
    let app = &w.app;
    let p = w.project(&["numerical", "verbal"], json!({})).await;
    take_first_test(&w, &p, "done@cand.example", true).await;
    take_first_test(&w, &p, "started@cand.example", false).await;
    w.invited(&p, "waiting@cand.example").await;
    let numerical = p.tests[0].test_id.clone();
    let verbal = p.tests[1].test_id.clone();

    let report: FunnelReport = app
        .get("/reseller/analytics/funnel", Some(&w.reseller))
        .await
        .expect(200);
    let t = &report.total;
    assert_eq!((t.invited, t.started, t.completed), (6, 2, 1));
    assert_eq!(t.completion_percent, Some(17), "1 of 6, half up");
    assert_eq!(t.median_completion.as_deref(), Some("1 hour"));
    assert_eq!(report.by_client.len(), 1);
    assert_eq!(report.by_client[0].id, w.client.id);
    assert_eq!(report.by_client[0].label, "Hiring Co");
    assert_eq!(report.by_client[0].invited, 6);
    assert!(
        report.by_project.is_empty(),
        "a reseller's funnel is per client and test"
    );
    let by_test: HashMap<&str, (i64, i64, i64)> = report
        .by_test
        .iter()
        .map(|r| (r.id.as_str(), (r.invited, r.started, r.completed)))
        .collect();
    assert_eq!(by_test[numerical.as_str()], (3, 2, 1));
    assert_eq!(by_test[verbal.as_str()], (3, 0, 0));
    let verbal_row = report.by_test.iter().find(|r| r.id == verbal).unwrap();
    assert_eq!(verbal_row.completion_percent, Some(0));
    assert_eq!(verbal_row.median_completion, None);

    // The client user: per project, with the same totals.
    let own: FunnelReport = app
        .get("/client/analytics/funnel", Some(&w.client_user))
        .await
        .expect(200);
    assert_eq!(own.total, report.total);
    assert!(own.by_client.is_empty());
    assert_eq!(own.by_project.len(), 1);
    assert_eq!(own.by_project[0].id, p.id);
    assert_eq!(own.by_project[0].label, "Graduate intake");
    assert_eq!(
        (
            own.by_project[0].invited,
            own.by_project[0].started,
            own.by_project[0].completed
        ),
        (6, 2, 1)
    );
    let csv = app
        .get("/client/analytics/funnel.csv", Some(&w.client_user))
        .await
        .text()
        .replace("\r\n", "\n");
    let rows = csv_rows(&csv);
    assert_eq!(
        rows[0],
        ["total", "", "All", "6", "2", "1", "17", "1 hour"].map(String::from)
    );
    assert!(rows.contains(
        &[
            "project",
            &p.id,
            "Graduate intake",
            "6",
            "2",
            "1",
            "17",
            "1 hour"
        ]
        .map(String::from)
        .to_vec()
    ));

    // Scores: the one completed numerical test, at the sten the results show.
    let scores: ScoreReport = app
        .get("/client/analytics/scores", Some(&w.client_user))
        .await
        .expect(200);
    assert_eq!(scores.tests.len(), 1);
    let dist = &scores.tests[0];
    assert_eq!(dist.test_id, numerical);
    assert_eq!(dist.total, 1);
    assert_eq!(dist.counts.len(), 10);
    let sten: i32 = {
        use credence_api::db::schema::assessments;
        let mut conn = app.conn();
        assessments::table
            .filter(assessments::status.eq("submitted"))
            .select(assessments::sten.assume_not_null())
            .first(&mut *conn)
            .unwrap()
    };
    assert_eq!(dist.counts[(sten - 1) as usize], 1);
    let scores_csv = app
        .get("/client/analytics/scores.csv", Some(&w.client_user))
        .await
        .text()
        .replace("\r\n", "\n");
    assert_eq!(csv_rows(&scores_csv).len(), 10);
    assert!(scores_csv.contains(&format!("Numerical Reasoning,{sten},1\n")));
    // Resellers never get scores.
    app.get("/client/analytics/scores", Some(&w.reseller))
        .await
        .assert_problem(403, "forbidden");
}

async fn the_forecast_runs_out_at_the_pace_of_the_last_30_days(backend: Backend) {
    let app = crate::app::spawn_app(backend).await;
    let admin = app.admin_token().await;
    let (reseller, token) = reseller_with_user(&app, &admin, "Forecasting Partners").await;
    let steady = app.create_client(&token, "Steady", 45).await;
    let idle = app.create_client(&token, "Idle", 100).await;
    let low = app.create_client(&token, "Low", 5).await;
    let today = Utc::now().date_naive();
    let day = |n: i64| (today - Duration::days(n)).format("%Y-%m-%d").to_string();
    {
        // A fixed history: Steady used 40 five days ago and 20 (with 0 refunded) 29 days ago —
        // 60 in the window, 2 a day — and 100 on the day before the window, which does not
        // count. Idle's only use was refunded in full. Low's threshold is above its balance.
        let mut conn = app.conn();
        let rows = [
            (&steady.id, day(5), 40, 0),
            (&steady.id, day(29), 20, 0),
            (&steady.id, day(30), 100, 0),
            (&idle.id, day(3), 7, 7),
        ];
        for (client, d, used, refunded) in rows {
            diesel::insert_into(usage_days::table)
                .values((
                    usage_days::client_id.eq(client),
                    usage_days::day.eq(d),
                    usage_days::reseller_id.eq(&reseller.id),
                    usage_days::used.eq(used as i64),
                    usage_days::refunded.eq(refunded as i64),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
        diesel::update(clients::table.find(&low.id))
            .set(clients::credit_threshold.eq(10i64))
            .execute(&mut *conn)
            .unwrap();
    }
    let report: ForecastReport = app
        .get("/reseller/analytics/forecast", Some(&token))
        .await
        .expect(200);
    assert_eq!(report.as_of, today);
    let names: Vec<&str> = report
        .clients
        .iter()
        .map(|c| c.client_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Steady", "Idle", "Low"],
        "soonest first, then no use by name"
    );
    let s = &report.clients[0];
    assert_eq!(s.used_last_30_days, 60);
    assert_eq!(s.balance, 45);
    // 45 ÷ (60 ÷ 30) = 22.5 → 22 days.
    assert_eq!(s.days_left, Some(22));
    assert_eq!(s.runs_out_on, Some(today + Duration::days(22)));
    assert!(!s.below_threshold);
    let i = &report.clients[1];
    assert_eq!(
        (i.used_last_30_days, i.days_left, i.runs_out_on),
        (0, None, None)
    );
    let l = &report.clients[2];
    assert!(l.below_threshold);
    assert_eq!((l.balance, l.threshold), (5, 10));

    let csv = app
        .get("/reseller/analytics/forecast.csv", Some(&token))
        .await
        .text()
        .replace("\r\n", "\n");
    assert!(csv.starts_with(
        "client_code,client_name,balance,threshold,below_threshold,used_last_30_days,days_left,runs_out_on\n"
    ));
    assert!(csv.contains(&format!(
        "{},Steady,45,{},false,60,22,{}\n",
        steady.code,
        s.threshold,
        today + Duration::days(22)
    )));
    assert!(csv.contains(&format!("{},Low,5,10,true,0,,\n", low.code)));
}

async fn each_tenant_sees_only_its_own_numbers(backend: Backend) {
    let w = world(backend, 10).await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, rival) = reseller_with_user(app, &admin, "Rival Partners").await;
    app.create_client(&rival, "Rival Client", 7).await;
    let p = w.project(&["numerical"], json!({})).await;
    w.invited(&p, "mine@cand.example").await;

    let theirs: UsageReport = app
        .get("/reseller/analytics/usage", Some(&rival))
        .await
        .expect(200);
    let names: Vec<&str> = theirs
        .clients
        .iter()
        .map(|c| c.client_name.as_str())
        .collect();
    assert_eq!(names, ["Rival Client"]);
    let forecast: ForecastReport = app
        .get("/reseller/analytics/forecast", Some(&rival))
        .await
        .expect(200);
    assert!(forecast
        .clients
        .iter()
        .all(|c| c.client_name == "Rival Client"));
    let funnel: FunnelReport = app
        .get("/reseller/analytics/funnel", Some(&rival))
        .await
        .expect(200);
    assert_eq!(funnel.total.invited, 0);
    assert!(funnel.by_client.is_empty() && funnel.by_test.is_empty());
    let csv = app
        .get("/reseller/analytics/usage.csv", Some(&rival))
        .await
        .text()
        .replace("\r\n", "\n");
    assert!(!csv.contains("Hiring Co"));

    // Each portal's analytics are its own role's.
    for path in [
        "/reseller/analytics/usage",
        "/reseller/analytics/forecast.csv",
        "/reseller/analytics/funnel",
        "/admin/analytics/revenue",
    ] {
        app.get(path, Some(&w.client_user))
            .await
            .assert_problem(403, "forbidden");
    }
    for path in ["/client/analytics/usage", "/client/analytics/funnel.csv"] {
        app.get(path, Some(&w.reseller))
            .await
            .assert_problem(403, "forbidden");
    }
    app.get("/admin/analytics/revenue", Some(&w.reseller))
        .await
        .assert_problem(403, "forbidden");
    app.get("/reseller/analytics/usage", None)
        .await
        .assert_status(401);
}

async fn a_bad_number_of_months_is_a_422(backend: Backend) {
    let w = world(backend, 10).await;
    let admin = w.app.admin_token().await;
    for (path, token) in [
        ("/reseller/analytics/usage", &w.reseller),
        ("/reseller/analytics/usage.csv", &w.reseller),
        ("/reseller/analytics/funnel", &w.reseller),
        ("/client/analytics/usage", &w.client_user),
        ("/client/analytics/funnel.csv", &w.client_user),
        ("/admin/analytics/revenue", &admin),
    ] {
        for bad in ["0", "25", "twelve", "-1"] {
            let reply = w
                .app
                .get(&format!("{path}?months={bad}"), Some(token))
                .await;
            reply.assert_problem(422, "validation_failed");
            assert_eq!(reply.error_fields(), ["months"], "{path}?months={bad}");
        }
    }
    // A query that is not even a query string is a 400, as documented.
    let garbled = w
        .app
        .get(
            "/reseller/analytics/usage?months=%ZZ&months=1",
            Some(&w.reseller),
        )
        .await;
    assert_eq!(garbled.status, 400, "{}", garbled.text());
    let one: UsageReport = w
        .app
        .get("/reseller/analytics/usage?months=24", Some(&w.reseller))
        .await
        .expect(200);
    assert_eq!(one.months.len(), 24);
}

async fn the_vendor_sees_revenue_per_reseller_and_credits_outstanding(backend: Backend) {
    let w = world(backend, 30).await;
    let app = &w.app;
    let admin = app.admin_token().await;
    let (_, rival) = reseller_with_user(app, &admin, "Rival Partners").await;
    app.create_client(&rival, "Rival Client", 7).await;
    app.post(
        "/credit-orders",
        Some(&w.reseller),
        json!({ "client_code": w.client.code, "credits": 20 }),
    )
    .await
    .assert_status(201);
    let p = w.project(&["numerical"], json!({})).await;
    w.invited(&p, "one@cand.example").await;

    let report: RevenueReport = app
        .get("/admin/analytics/revenue", Some(&admin))
        .await
        .expect(200);
    assert_eq!(
        report.months.last().map(String::as_str),
        Some(crate::app::OPEN_PERIOD),
        "the billing calendar's months"
    );
    // The invoices' totals, per reseller this month.
    let totals: Vec<(String, String, i64)> = {
        let mut conn = app.conn();
        invoices::table
            .filter(invoices::status.ne("void"))
            .select((
                invoices::reseller_id,
                invoices::period,
                invoices::total_minor,
            ))
            .load(&mut *conn)
            .unwrap()
    };
    assert!(!report.revenue.is_empty());
    for r in &report.revenue {
        for m in &r.months {
            let expected: i64 = totals
                .iter()
                .filter(|(id, period, _)| id == &r.reseller_id && period == &m.month)
                .map(|t| t.2)
                .sum();
            assert_eq!(m.amount_minor, expected, "{} {}", r.reseller_name, m.month);
        }
        assert_eq!(
            r.total_minor,
            r.months.iter().map(|m| m.amount_minor).sum::<i64>()
        );
    }
    let ours = report
        .revenue
        .iter()
        .find(|r| r.reseller_name == "Assessing Partners")
        .unwrap();
    assert!(ours.months.last().unwrap().amount_minor > 0);
    // Outstanding = what the clients hold: 30 + 20 − 1 and 7.
    let outstanding: HashMap<&str, i64> = report
        .outstanding
        .iter()
        .map(|o| (o.reseller_name.as_str(), o.credits))
        .collect();
    assert_eq!(outstanding["Assessing Partners"], 49);
    assert_eq!(outstanding["Rival Partners"], 7);
    assert_eq!(w.balance(), 49);

    let csv = app
        .get("/admin/analytics/revenue.csv", Some(&admin))
        .await
        .text()
        .replace("\r\n", "\n");
    assert!(csv.starts_with("month,reseller,currency,revenue,credits_outstanding\n"));
    let last = ours.months.last().unwrap();
    assert!(csv.contains(&format!(
        "{},Assessing Partners,{},{},\n",
        last.month,
        ours.currency,
        credence_api::csv_io::money(last.amount_minor)
    )));
    assert!(csv.contains(",Rival Partners,,,7\n"));
}

/// Several transactions bump a rollup row that does not exist yet at once (two candidates'
/// first sten 5 on a test): one INSERT wins, the others' INSERT fails in its savepoint and they
/// UPDATE instead, so every count lands and no transaction fails.
async fn concurrent_first_counts_of_a_rollup_row_all_land(backend: Backend) {
    use credence_api::db::schema::sten_counts;
    use credence_api::domain::usage::rollup;
    let w = world(backend, 10).await;
    let test_id = w.catalogue().await.data[0].id.clone();
    let bumps = (0..6).map(|_| {
        let db = w.app.db.clone();
        let (client, test) = (w.client.id.clone(), test_id.clone());
        async move {
            db.transaction(move |conn| {
                rollup::sten(conn, &client, &test, 5)?;
                // Hold the transaction open so the others meet the uncommitted row.
                std::thread::sleep(std::time::Duration::from_millis(100));
                Ok(())
            })
            .await
        }
    });
    for result in futures_util::future::join_all(bumps).await {
        result.unwrap();
    }
    let mut conn = w.app.conn();
    let counted: i32 = sten_counts::table
        .find((&w.client.id, &test_id, 5))
        .select(sten_counts::candidates)
        .first(&mut *conn)
        .unwrap();
    assert_eq!(counted, 6);
}
