//! The `credence` binary's commands and its configuration errors.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::app::Backend;
use crate::database::fresh_database;

fn credence(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_credence"));
    cmd.env("DATABASE_URL", database_url)
        .env("CREDENCE_PASSWORD_HASHING", "fast-insecure-for-tests")
        .env_remove("CREDENCE_SMTP_URL");
    cmd
}

#[test]
fn openapi_yaml_is_up_to_date() {
    let output = Command::new(env!("CARGO_BIN_EXE_credence"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    let generated = String::from_utf8(output.stdout).unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml"))
            .unwrap_or_default();
    assert!(generated.contains("title: Credence API"));
    assert!(
        generated == committed,
        "openapi.yaml is stale: run `make openapi` and commit the result"
    );
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_checks_it() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (url, _dir) = fresh_database(backend);
        let run = |password: &str| {
            let mut child = credence(&url)
                .args([
                    "create-admin",
                    "--email",
                    "Boss@Vendor.example",
                    "--name",
                    "The Boss",
                    "--password-stdin",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(password.as_bytes())
                .unwrap();
            child.wait_with_output().unwrap()
        };
        let weak = run("short\n");
        assert!(!weak.status.success());
        assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
        let ok = run("a-strong-admin-password\n");
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(String::from_utf8_lossy(&ok.stdout).contains("boss@vendor.example"));
        let db = credence_api::db::Db::connect(&credence_api::db::DbUrl::parse(&url).unwrap(), 2)
            .unwrap();
        let mut conn = db.get().unwrap();
        let mut accounts =
            credence_api::domain::users::all_by_email(&mut conn, "boss@vendor.example").unwrap();
        assert_eq!(accounts.len(), 1);
        let user = accounts.remove(0);
        assert_eq!(user.role, "platform_admin");
        assert!(credence_api::auth::password::verify(
            "a-strong-admin-password",
            user.password_hash.as_deref().unwrap()
        ));
    }
}

#[test]
fn seed_demo_fills_an_empty_database_once() {
    let (url, _dir) = fresh_database(Backend::Sqlite);
    let first = credence(&url)
        .env("CREDENCE_BILLING_CLOCK", crate::app::BILLING_CLOCK)
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("admin@credence.local")
            && out.contains("reseller@credence.local")
            && out.contains("client@credence.local")
    );
    {
        use credence_api::db::schema::{clients, invoices};
        use diesel::prelude::*;
        let db = credence_api::db::Db::connect(&credence_api::db::DbUrl::parse(&url).unwrap(), 2)
            .unwrap();
        let mut conn = db.get().unwrap();
        assert_eq!(
            clients::table
                .count()
                .get_result::<i64>(&mut *conn)
                .unwrap(),
            3
        );
        let statuses: Vec<String> = invoices::table
            .order(invoices::period.asc())
            .select(invoices::status)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(statuses, ["issued", "draft"]);
        // The numbers agree on every page: each invoice is the sum of its orders, last month's
        // orders are dated in last month, and every ledger sums to its client's balance.
        use credence_api::db::schema::{credit_orders, ledger_entries};
        let periods: Vec<(String, String, i64)> = invoices::table
            .order(invoices::period.asc())
            .select((invoices::id, invoices::period, invoices::total_minor))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(periods[0].1, "2026-05");
        assert_eq!(periods[1].1, crate::app::OPEN_PERIOD);
        for (id, period, total) in &periods {
            let orders: Vec<(i64, chrono::NaiveDateTime)> = credit_orders::table
                .filter(credit_orders::invoice_id.eq(id))
                .select((credit_orders::amount_minor, credit_orders::created_at))
                .load(&mut *conn)
                .unwrap();
            assert!(!orders.is_empty(), "{period} has orders");
            assert_eq!(orders.iter().map(|o| o.0).sum::<i64>(), *total, "{period}");
            if period != crate::app::OPEN_PERIOD {
                for (_, at) in &orders {
                    assert_eq!(
                        &at.format("%Y-%m").to_string(),
                        period,
                        "dated in its month"
                    );
                }
            }
        }
        let balances: Vec<(String, i64)> = clients::table
            .select((clients::id, clients::credit_balance))
            .load(&mut *conn)
            .unwrap();
        for (client, balance) in balances {
            let deltas: Vec<i64> = ledger_entries::table
                .filter(ledger_entries::client_id.eq(&client))
                .select(ledger_entries::delta)
                .load(&mut *conn)
                .unwrap();
            assert_eq!(deltas.iter().sum::<i64>(), balance);
        }
        // The analytics rollup follows the ledger, also where the past month moved it.
        use credence_api::db::schema::usage_days;
        let days: Vec<(String, String, i64, i64, i64, i64)> = usage_days::table
            .select((
                usage_days::client_id,
                usage_days::day,
                usage_days::added,
                usage_days::used,
                usage_days::refunded,
                usage_days::adjusted,
            ))
            .load(&mut *conn)
            .unwrap();
        let entries: Vec<(String, String, i64, chrono::NaiveDateTime)> = ledger_entries::table
            .select((
                ledger_entries::client_id,
                ledger_entries::kind,
                ledger_entries::delta,
                ledger_entries::created_at,
            ))
            .load(&mut *conn)
            .unwrap();
        let mut from_ledger = std::collections::BTreeMap::new();
        for (client, kind, delta, at) in entries {
            let day: &mut [i64; 4] = from_ledger
                .entry((client, at.format("%Y-%m-%d").to_string()))
                .or_default();
            match kind.as_str() {
                "initial" | "order" => day[0] += delta,
                "invite_charge" => day[1] -= delta,
                "refund" => day[2] += delta,
                _ => day[3] += delta,
            }
        }
        let rolled: std::collections::BTreeMap<(String, String), [i64; 4]> = days
            .into_iter()
            .map(|(c, d, a, u, r, j)| ((c, d), [a, u, r, j]))
            .collect();
        assert_eq!(rolled, from_ledger);
        assert!(
            rolled.keys().any(|(_, d)| d.starts_with("2026-05")),
            "the past month's days"
        );
        use credence_api::db::schema::invitations;
        let mut states: Vec<String> = invitations::table
            .select(invitations::status)
            .load(&mut *conn)
            .unwrap();
        states.sort();
        assert_eq!(
            states,
            ["in_progress", "invited", "submitted", "submitted"],
            "candidates in every state"
        );
    }
    let second = credence(&url).arg("seed-demo").output().unwrap();
    assert!(String::from_utf8_lossy(&second.stdout).contains("already has users"));
}

#[test]
fn bad_configuration_names_the_variable() {
    for (var, value) in [
        ("CREDENCE_BIND", "not-an-address"),
        ("DATABASE_URL", "mysql://x"),
        ("CREDENCE_SMTP_URL", "http://mail"),
        ("CREDENCE_PUBLIC_URL", "ftp://x"),
        ("CREDENCE_JWT_SECRET", "short"),
        ("CREDENCE_MAIL_POLL_MS", "soon"),
        ("CREDENCE_PUBLIC_URL", "https://"),
        ("CREDENCE_PUBLIC_URL", "assess.example"),
        ("CREDENCE_LOG", "info,[[[not-a-filter"),
        ("CREDENCE_TRUSTED_PROXIES", "10.0.0.0/40"),
        ("CREDENCE_PROXY_HEADER", "x-real-ip"),
        ("CREDENCE_METRICS_TOKEN", "short"),
    ] {
        let output = credence("/tmp/never-created.db")
            .env(var, value)
            .arg("migrate")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(var), "{var}: {stderr}");
    }
}
