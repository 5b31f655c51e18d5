//! `spawn_app`: a real server on a fresh database (SQLite or PostgreSQL), and `both_backends!`,
//! which runs each case on both.

use std::collections::HashMap;

use credence_api::config::Config;
use credence_api::db::Db;
use credence_api::startup::Application;
use diesel::connection::SimpleConnection;

use crate::database::{admin_connection, fresh_database};

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-signing-secret-at-least-32-characters";
/// `CREDENCE_SECRET_KEY` for tests that set one (a process has one master key: all use this).
pub const TEST_SECRET_KEY: &str = "test-master-key-sealing-app-secrets-0123456789";
/// Every test server's billing calendar starts here, mid-month, so "this month is open" holds
/// for the whole run whatever the wall clock says (a run may cross midnight at a month's end).
pub const BILLING_CLOCK: &str = "2026-06-15T12:00:00Z";
/// The open invoice month under [`BILLING_CLOCK`].
pub const OPEN_PERIOD: &str = "2026-06";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named test case (an `async fn(Backend)`) once per backend.
#[macro_export]
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[actix_web::test]
                async fn sqlite() {
                    super::$case($crate::app::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$case($crate::app::Backend::Postgres).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub database_url: String,
    pub db: Db,
    pub client: reqwest::Client,
    /// Whether this app made its database (and drops it when done); a second process on the
    /// same data leaves it to the first.
    owns_database: bool,
    _dir: Option<tempfile::TempDir>,
}

/// Options beyond the defaults of `spawn_app`.
#[derive(Default, Clone)]
pub struct Options {
    pub env: HashMap<&'static str, String>,
    /// Reuse this database instead of a fresh one (a second process on the same data).
    pub database_url: Option<String>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let owns_database = options.database_url.is_none();
    let (database_url, dir) = match options.database_url.clone() {
        Some(url) => (url, None),
        None => fresh_database(backend),
    };
    let mut env: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.clone()),
        ("CREDENCE_BIND", "127.0.0.1:0".into()),
        (
            "CREDENCE_PASSWORD_HASHING",
            "fast-insecure-for-tests".into(),
        ),
        ("CREDENCE_MAIL_POLL_MS", "50".into()),
        ("CREDENCE_JWT_SECRET", JWT_SECRET.into()),
        ("CREDENCE_PUBLIC_URL", "http://credence.test".into()),
        ("CREDENCE_WEB_DIR", "/nonexistent-web-dir".into()),
        ("CREDENCE_BILLING_CLOCK", BILLING_CLOCK.into()),
        // Housekeeping runs once at start, then hourly: a test that moves an invoice into a past
        // month and issues it itself never races the job (tests that need the job set 50 ms).
        ("CREDENCE_HOUSEKEEPING_MS", "3600000".into()),
        // Small pools: many test servers share one PostgreSQL (100 connections).
        ("CREDENCE_DB_POOL_SIZE", "4".into()),
        // Test receivers listen on 127.0.0.1 over http (a test may unset this with "").
        ("CREDENCE_WEBHOOK_ALLOW", "127.0.0.1".into()),
    ]);
    for (k, v) in options.env {
        if v.is_empty() {
            env.remove(k);
        } else {
            env.insert(k, v);
        }
    }
    let config =
        Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration is valid");
    let app = Application::build(config.clone()).expect("the app starts");
    let port = app.port();
    let db = app.db();
    actix_web::rt::spawn(app.run_until_stopped());
    {
        let mut conn = db.get().unwrap();
        credence_api::domain::users::upsert_admin(
            &mut conn,
            ADMIN_EMAIL,
            "Test Admin",
            &credence_api::auth::password::hash(ADMIN_PASSWORD, config.password_hashing),
        )
        .unwrap();
    }
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        backend,
        database_url,
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        owns_database,
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.owns_database
            && self.backend == Backend::Postgres
            && std::env::var("CREDENCE_KEEP_TEST_DBS").is_err()
        {
            if let Some(name) = self.database_url.rsplit('/').next().map(str::to_string) {
                if name.starts_with("credence_test_") {
                    std::thread::spawn(move || {
                        let mut admin = admin_connection();
                        let _ = admin
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    });
                }
            }
        }
    }
}

impl TestApp {
    /// A connection to the test's database (on SQLite, the app's only one: drop it before the
    /// next request).
    pub fn conn(&self) -> credence_api::db::PooledConnection {
        self.db.get().unwrap()
    }
}
